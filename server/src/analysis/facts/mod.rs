//! Per-block facts: what rules derive from one block's text (lower-cased
//! words, normalised paths, placeholders...), kept in the block's
//! [`Memo`](crate::model::scan::Memo). A block keeps its scan, and so its
//! facts, across edits that do not touch it: after a one-line edit only the
//! rescanned block computes its facts again, and a re-analysis reads the
//! rest.
//!
//! One struct of lazily filled fields, each owned by the rule (or the
//! family helper) that reads it. Two kinds of field:
//! - `OnceLock`: depends on the block's text alone;
//! - [`Keyed`]: also depends on something outside the block (the
//!   contracts, the plan's structure, a task's detail blocks). It keeps the
//!   key it was computed for and is computed again when another key asks.
//!
//! Facts belong to analysis, not to the rules: the submodules hold what
//! rules derive from blocks and share (the task table, the coverage of
//! contracts and entities), and they import no rule; rules import them.

pub(crate) mod concerns;
pub(crate) mod coverage;
pub(crate) mod defined;
pub(crate) mod idless;
pub(crate) mod matching;
pub(crate) mod name_index;
pub(crate) mod pathless;
pub(crate) mod placeholders;
pub(crate) mod requirements;
pub(crate) mod roles;
pub(crate) mod sparse;
pub(crate) mod spec_findings;
pub(crate) mod unplanned;
pub(crate) mod written;

use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use self::coverage::HitsKey;
use self::matching::{BlockSignals, SignalSummary};
use self::pathless::{PathlessFacts, PathlessSummary};
use self::placeholders::Placeholder;
use self::requirements::NamedRequirements;
use self::roles::{RoleFacts, RoleSummary};
use self::unplanned::Unplanned;
use self::written::{WrittenPaths, WrittenSummary};
use crate::model::ids::TaskKey;
use crate::model::plan::PlanDoc;
use crate::model::scan::{BlockScan, TaskLine};
use crate::model::spec::SpecDoc;

/// Everything analysis derives from one block; see the module comment.
///
/// Every block of tasks.md has facts (56k for a 50k-task file): each
/// field costs as many times its size. What the kept task tables copy
/// (a task line's summary, the flags of [`BlockSummary`]) is read from
/// the scan and [`TaskTexts`] when a task's entries are made, not kept
/// twice.
#[derive(Default)]
pub(crate) struct BlockFacts {
    /// What the rules that check every task read of the block's text.
    texts: OnceLock<TaskTexts>,
    /// On a task's line block: what the task names of the contracts and
    /// the data model (`None`: nothing).
    pub hits: Keyed<HitsKey, Option<Arc<coverage::TaskHits>>>,
    /// Paths outside the plan's Project Structure (path-outside-structure).
    pub unplanned: Keyed<Weak<PlanDoc>, Arc<[Unplanned]>>,
    /// The requirements of spec.md it names (requirement-coverage).
    pub requirements: Keyed<Weak<SpecDoc>, NamedRequirements>,
    /// Template placeholders (template-placeholder).
    pub placeholders: OnceLock<Box<[Placeholder]>>,
    /// The block's citations of IDs those documents do not define and of
    /// acceptance scenarios spec.md does not have, with their messages
    /// (unknown-requirement-reference); `None`: none.
    pub unknown_ids: Keyed<Weak<defined::DefinedIds>, defined::UnknownCitations>,
    /// How many task lines without an ID the block holds (tasks-without-ids,
    /// and whether coverage can be judged): a keystroke re-counts only
    /// the rescanned block.
    pub id_less: OnceLock<u32>,
    /// Documents the block claims or links to, in order: (span, name as
    /// written) (missing-document).
    pub documents: OnceLock<Box<[(crate::text::Span, String)]>>,
    /// What only a few blocks keep (the first of a file, of a phase, of
    /// spec.md): boxed, so that the other blocks pay one pointer for it.
    rare: OnceLock<Box<RareFacts>>,
}

/// What the rules that check every task read of a block's text: every
/// task's line and detail blocks need all four, so they are computed
/// together and kept in one slot.
pub(crate) struct TaskTexts {
    /// Coverage signals: test files, "contract", constitution concerns.
    pub signals: BlockSignals,
    /// Why a task line may name no file (missing-file-path).
    pub pathless: PathlessFacts,
    /// A task line's test or implementation subjects
    /// (test-after-implementation).
    pub role: RoleFacts,
    /// Files the block says a task writes (parallel-file-conflict).
    pub written: WrittenPaths,
}

/// The facts that only a block first in something keeps: for most
/// blocks they stay empty, and inline they took more room than all the
/// others.
#[derive(Default)]
pub(crate) struct RareFacts {
    /// On the first task line of a phase: the phase's tests that come
    /// after the implementation they test, for its tasks as they were
    /// (test-after-implementation). Typing in one phase leaves the others'.
    pub late_tests: Keyed<roles::PhaseTasks, Arc<[(u32, u32)]>>,
    /// On the first block of the first document that may define
    /// requirement IDs: what the feature's documents define
    /// (unknown-requirement-reference), for those documents as they were.
    pub defined: Keyed<defined::DefiningDocs, Arc<defined::DefinedIds>>,
    /// On spec.md's first block: vague-requirement's findings, for that
    /// version of spec.md and those vague words.
    pub vague: spec_findings::SpecFindings,
    /// On a file's first block: which of the file's blocks hold something
    /// for the rules that report block by block ([`sparse`]).
    pub index: OnceLock<Box<sparse::FileIndex>>,
}

impl BlockFacts {
    /// The facts of a block, created empty on first use.
    pub fn of(scan: &BlockScan) -> &BlockFacts {
        // The memo slot is analysis's (see `Memo`): nothing else fills it.
        scan.memo.get_or_init(BlockFacts::default).expect("a block's memo holds analysis facts")
    }

    /// The facts only a block first in something keeps, created empty on
    /// first use.
    pub fn rare(&self) -> &RareFacts {
        self.rare.get_or_init(Box::default)
    }

    /// The texts of `scan`, whose facts these are.
    pub fn texts(&self, scan: &BlockScan) -> &TaskTexts {
        self.texts.get_or_init(|| TaskTexts {
            signals: BlockSignals::compute(scan),
            pathless: PathlessFacts::compute(scan),
            role: RoleFacts::compute(scan),
            written: WrittenPaths::compute(scan),
        })
    }

    /// What a task's row needs of `scan`, whose facts these are: with
    /// it, a row needs nothing else of the block. `None` for a block
    /// without a task line.
    pub fn line(&self, scan: &BlockScan) -> Option<LineSummary> {
        scan.task.as_ref().map(LineSummary::of)
    }

    /// The summary of `scan`, whose facts these are.
    pub fn summary(&self, scan: &BlockScan) -> BlockSummary {
        let texts = self.texts(scan);
        BlockSummary {
            coverage: texts.signals.summary(),
            pathless: texts.pathless.summary(),
            role: texts.role.summary(),
            written: texts.written.summary(),
        }
    }
}

/// What rules check of every task's line block, small enough to copy into
/// a compact table ([`LineFacts`](super::table::LineFacts)): a pass over
/// all tasks then reads that table instead of every task's facts. Each
/// part is its rule's; a task with detail blocks needs its rule to look at
/// those too.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct BlockSummary {
    /// Test files, contracts and concerns (the coverage rules).
    pub coverage: SignalSummary,
    /// Paths and exemptions (missing-file-path).
    pub pathless: PathlessSummary,
    /// Whether a task line is a test (test-after-implementation).
    pub role: RoleSummary,
    /// The files it says a task writes (parallel-file-conflict).
    pub written: WrittenSummary,
}

/// What every task's row needs of its line ([`TaskLine`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineSummary {
    pub key: TaskKey,
    /// The `[USn]` label.
    pub label: Option<u32>,
    pub cancelled: bool,
    /// The line has irregularities (malformed-task's business).
    pub irregular: bool,
}

impl LineSummary {
    fn of(line: &TaskLine) -> Self {
        LineSummary {
            key: line.id.key,
            label: line.story.map(|(n, _)| n),
            cancelled: line.cancelled,
            irregular: !line.irregularities.is_empty(),
        }
    }
}

/// A value computed for a key: kept while the same key asks again,
/// replaced when another one does (another version of the contracts, of
/// the plan, of a task's details).
///
/// The first value is read without a lock: a re-analysis looks up every
/// task's, and the documents they depend on rarely change while a block
/// lives (an edit of the block itself replaces its facts). Values for
/// later keys take a locked slot, boxed: every block has a few `Keyed`
/// fields and few ever see a second key.
pub(crate) struct Keyed<K, V> {
    first: OnceLock<(K, V)>,
    later: Mutex<Option<Box<(K, V)>>>,
}

impl<K, V> Default for Keyed<K, V> {
    fn default() -> Self {
        Keyed { first: OnceLock::new(), later: Mutex::new(None) }
    }
}

impl<K, V> Keyed<K, V> {
    /// The first slot's value when `is_key` recognises its key: no lock,
    /// no clone, borrowed for as long as the facts live.
    pub fn peek(&self, is_key: impl FnOnce(&K) -> bool) -> Option<&V> {
        self.first.get().filter(|(key, _)| is_key(key)).map(|(_, value)| value)
    }
}

impl<K, V: Clone> Keyed<K, V> {
    /// The value for the key `is_key` recognises; `make` computes the key
    /// and value when neither slot holds it.
    pub fn get(&self, is_key: impl Fn(&K) -> bool, make: impl FnOnce() -> (K, V)) -> V {
        let mut make = Some(make);
        let first = self.first.get_or_init(|| make.take().expect("called once")());
        let Some(make) = make.filter(|_| !is_key(&first.0)) else {
            return first.1.clone(); // the first key, or just made for this one
        };
        // A panic while computing leaves the slot as it was: still usable.
        let mut later = self.later.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(kept) = &*later
            && is_key(&kept.0)
        {
            return kept.1.clone();
        }
        let (key, value) = make();
        *later = Some(Box::new((key, value.clone())));
        value
    }
}

/// A hash of a text, the same in every analysis: texts with different
/// hashes differ, so a comparison of hashes finds the few texts worth
/// comparing.
pub(crate) fn text_hash(text: &str) -> u32 {
    let mut hasher = std::hash::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish() as u32
}

/// Whether `weak` still points at the value `arc` holds. A `Weak` keeps
/// its allocation, so no other value can take the address meanwhile.
pub(crate) fn same<T>(weak: &Weak<T>, arc: &Arc<T>) -> bool {
    std::ptr::eq(weak.as_ptr(), Arc::as_ptr(arc))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every block of a document has facts: a 50k-task tasks.md holds 53k
    /// of them. The fields few blocks fill are boxed; this keeps them so.
    #[test]
    fn block_facts_stay_small() {
        assert!(std::mem::size_of::<BlockFacts>() <= 448, "{} bytes", std::mem::size_of::<BlockFacts>());
    }

    #[test]
    fn keyed_keeps_the_first_key_and_the_last_other() {
        let keyed: Keyed<u32, String> = Keyed::default();
        let get = |key: u32| keyed.get(|k| *k == key, || (key, format!("made for {key}")));
        assert_eq!(get(1), "made for 1");
        assert_eq!(get(2), "made for 2");
        assert_eq!(keyed.peek(|k| *k == 1).map(String::as_str), Some("made for 1"));
        assert_eq!(keyed.peek(|k| *k == 2), None, "a later key is not in the first slot");
        // Kept: asking again makes nothing.
        assert_eq!(keyed.get(|k| *k == 2, || unreachable!()), "made for 2");
        assert_eq!(get(3), "made for 3");
        assert_eq!(keyed.get(|k| *k == 1, || unreachable!()), "made for 1");
    }
}
