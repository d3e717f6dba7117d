//! Which blocks of a file hold something a rule reports (placeholders,
//! document names, requirement citations...), kept across analyses.
//!
//! Most blocks hold nothing for most rules, yet a rule that walks every
//! block to ask pays a few cache misses per block: at 10k tasks, about a
//! millisecond per rule per keystroke. Here each rule's list of blocks is
//! kept with the blocks it was computed for (by identity: a block keeps
//! its scan across edits that do not touch it). The next analysis compares
//! the file's blocks with those, from both ends (pointers in two arrays,
//! no block's memory is read), and asks the rule again only about the
//! blocks between the first and last difference: after a keystroke, one.
//!
//! What is asked of a block must depend on the block's scan alone, or on
//! the list's key (the definitions the citations are checked against): a
//! block with the same scan gets the same answer.

use std::sync::{Arc, Mutex, PoisonError, Weak};

use super::coverage::Tally;
use super::defined::DefinedIds;
use super::requirements::RequirementCounts;
use super::roles::PhaseTasks;
use super::{BlockFacts, same};
use crate::analysis::table::{Stamped, Tables};
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::scan::BlockScan;

/// The blocks of one file holding something for a rule; see the module
/// comment. Kept in the facts of the file's first block, which lives as
/// long as the file's first line is not edited.
pub(crate) struct Sparse<K> {
    state: Mutex<Option<State<K>>>,
}

impl<K> Default for Sparse<K> {
    fn default() -> Self {
        Sparse { state: Mutex::new(None) }
    }
}

struct State<K> {
    key: K,
    /// The blocks of the file when the list was last brought up to date.
    /// A `Weak` keeps the scan's allocation, so no later scan can take its
    /// address while it is here, and it does not keep the scan's data.
    scans: Vec<Weak<BlockScan>>,
    /// Indices in `scans` of the blocks that hold something, in order.
    hits: Arc<[u32]>,
}

impl<K> Sparse<K> {
    /// The indices of the blocks of `blocks` for which `holds` is true, in
    /// order. `holds` is asked only about blocks this list has not seen
    /// for a key `is_key` recognises; `key` makes the key otherwise.
    pub fn hits(
        &self,
        blocks: &BlockList,
        is_key: impl FnOnce(&K) -> bool,
        key: impl FnOnce() -> K,
        holds: impl Fn(&ScannedBlock) -> bool,
    ) -> Arc<[u32]> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match &mut *state {
            Some(kept) if is_key(&kept.key) => kept.update(blocks.blocks(), holds),
            _ => *state = Some(State::fresh(key(), blocks.blocks(), holds)),
        }
        state.as_ref().expect("just filled").hits.clone()
    }
}

impl<K> State<K> {
    fn fresh(key: K, blocks: &[ScannedBlock], holds: impl Fn(&ScannedBlock) -> bool) -> Self {
        let scans = blocks.iter().map(|b| Arc::downgrade(&b.scan)).collect();
        let hits = blocks.iter().enumerate().filter(|(_, b)| holds(b)).map(|(i, _)| i as u32).collect();
        State { key, scans, hits }
    }

    /// Bring the list to `blocks`: blocks before the first and after the
    /// last changed one keep their answer (shifted by the change in
    /// count), the ones between are asked.
    fn update(&mut self, blocks: &[ScannedBlock], holds: impl Fn(&ScannedBlock) -> bool) {
        let (old_len, new_len) = (self.scans.len(), blocks.len());
        let Some((prefix, old_end, new_end)) =
            changed_range(old_len, new_len, |old, new| same(&self.scans[old], &blocks[new].scan))
        else {
            return; // nothing changed
        };
        let shift = |i: u32| (i as usize + new_len - old_len) as u32;
        let before = self.hits.iter().copied().take_while(|&i| (i as usize) < prefix);
        let between = (prefix..new_end).filter(|&i| holds(&blocks[i])).map(|i| i as u32);
        let after = self.hits.iter().copied().filter(|&i| i as usize >= old_end).map(shift);
        self.hits = before.chain(between).chain(after).collect();
        self.scans.splice(prefix..old_end, blocks[prefix..new_end].iter().map(|b| Arc::downgrade(&b.scan)));
    }
}

/// Where two sequences differ, compared from both ends: `(prefix,
/// old_end, new_end)`, so that `old[prefix..old_end]` became
/// `new[prefix..new_end]` and the rest is the same (`same(old_index,
/// new_index)`); `None` when nothing differs. After one edit only the
/// items between the first and last difference need asking again.
pub(crate) fn changed_range(
    old_len: usize,
    new_len: usize,
    same: impl Fn(usize, usize) -> bool,
) -> Option<(usize, usize, usize)> {
    let prefix = (0..old_len.min(new_len)).take_while(|&i| same(i, i)).count();
    if prefix == old_len && prefix == new_len {
        return None;
    }
    let room = old_len.min(new_len) - prefix;
    let suffix = (1..=room).take_while(|&back| same(old_len - back, new_len - back)).count();
    Some((prefix, old_len - suffix, new_len - suffix))
}

/// The lists of one file, one per rule that reports block by block.
#[derive(Default)]
pub(crate) struct FileIndex {
    /// Blocks with template placeholders (template-placeholder).
    pub placeholders: Sparse<()>,
    /// Blocks naming documents (missing-document).
    pub documents: Sparse<()>,
    /// Blocks naming requirements (requirement-coverage's hover)...
    pub requirements: Sparse<()>,
    /// ... and how many name each requirement (requirement-coverage).
    pub requirement_counts: RequirementCounts,
    /// Blocks holding task lines without IDs (tasks-without-ids, and
    /// every rule that skips a tasks.md made mostly of them).
    pub id_less: Sparse<()>,
    /// Blocks with `specls-disable` comments (suppressions).
    pub directives: Sparse<()>,
    /// Blocks naming files some pathless task's identifiers are the names
    /// of, for those names (missing-file-path).
    pub stems: Sparse<Box<[Box<str>]>>,
    /// Blocks citing IDs the definitions lack (unknown-requirement-reference).
    pub citations: Sparse<Weak<DefinedIds>>,
    /// On tasks.md: the task tables of the last analysis, with the blocks
    /// they were made from ([`table`](crate::analysis::table)).
    pub table: Mutex<Option<Arc<Tables>>>,
    /// On tasks.md: what the coverage rules counted of its tasks in the
    /// last analysis ([`Tally`]).
    pub tally: Mutex<Option<Arc<Tally>>>,
    /// On tasks.md: test-after-implementation's verdict on each phase in
    /// the last analysis, by phase index, with what it depended on.
    pub late_tests: Handover<Vec<Option<PhaseVerdict>>>,
    /// On tasks.md: whether each group of open `[P]` tasks shared a path
    /// in the last analysis, in group order (parallel-file-conflict).
    pub parallel_groups: Handover<Vec<Stamped<bool>>>,
}

/// What a rule worked out in the last analysis of a file, handed to the
/// next: taken when a rule starts (a second analysis of the same version
/// running at once finds nothing and works it all out) and put back when
/// it ends. A rule that panicked in between leaves nothing, never half.
#[derive(Default)]
pub(crate) struct Handover<T>(Mutex<T>);

impl<T: Default> Handover<T> {
    pub fn take(&self) -> T {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn put(&self, value: T) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = value;
    }

    /// What is kept now, left in place.
    #[cfg(test)]
    pub fn read<R>(&self, read: impl FnOnce(&T) -> R) -> R {
        read(&self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Test-after-implementation's verdict on one phase: its late tests as
/// (test, implementation) positions in the phase, and what it depended on.
pub(crate) type PhaseVerdict = (PhaseTasks, Arc<[(u32, u32)]>);

impl FileIndex {
    /// The lists of the file whose blocks are `blocks`; `None` for a file
    /// without blocks.
    pub fn of(blocks: &BlockList) -> Option<&FileIndex> {
        let first = blocks.blocks().first()?;
        Some(BlockFacts::of(&first.scan).rare().index.get_or_init(Default::default))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file::MarkdownFile;

    /// Blocks of one-line paragraphs, each its own scan.
    fn blocks(lines: &[String]) -> Vec<ScannedBlock> {
        let text: String = lines.iter().map(|line| format!("{line}\n\n")).collect();
        MarkdownFile::load(&text).blocks().blocks().to_vec()
    }

    fn holds(block: &ScannedBlock) -> bool {
        block.scan.text.contains('x')
    }

    /// Blocks replaced, inserted and removed anywhere, kept blocks sharing
    /// their scan: the list brought up to date is the list of the new
    /// blocks made afresh.
    #[test]
    fn an_updated_list_is_a_fresh_one() {
        let mut seed = 7u64;
        let mut next = |bound: usize| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize % bound
        };
        let mut current = blocks(
            &(0..20).map(|i| format!("block {i} {}", if i % 3 == 0 { "x" } else { "" })).collect::<Vec<_>>(),
        );
        let mut state = State::fresh((), &current, holds);
        for round in 0..300 {
            let at = next(current.len() + 1);
            let removed = next(4).min(current.len() - at);
            let fresh: Vec<String> = (0..next(4))
                .map(|i| format!("new {round} {i} {}", if next(2) == 0 { "x" } else { "y" }))
                .collect();
            let mut made = blocks(&fresh);
            // Keep the list from emptying, and its kept blocks shared.
            if current.len() - removed + made.len() == 0 {
                made = blocks(&["again x".to_string()]);
            }
            current.splice(at..at + removed, made);
            state.update(&current, holds);
            assert_eq!(state.hits, State::fresh((), &current, holds).hits, "round {round}");
            assert_eq!(state.scans.len(), current.len());
        }
    }
}
