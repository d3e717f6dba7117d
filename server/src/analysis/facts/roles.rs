//! What a block says about the role of a task: a test or an
//! implementation, and of what (test-after-implementation).

use std::sync::Arc;

use super::BlockFacts;
use super::written::fold;
use crate::model::scan::{BlockScan, MentionKind, boxed};
use crate::model::tasks::{Phase, SubsectionKind};

/// First words of tasks that run or check tests rather than write them.
const RUNNERS: &[&str] =
    &["run", "rerun", "execute", "verify", "validate", "confirm", "ensure", "check", "manual"];

/// What one block says about the role of a task: its line's first words
/// and code names, and the subjects of its paths. Kept in the block's
/// facts; test-after-implementation combines a task's line and details.
pub(crate) struct RoleFacts {
    /// The description starts with a word that runs or checks tests.
    pub runner: bool,
    /// One of the description's first four words says test.
    pub says_test: bool,
    /// Paths that are not directories: (a test file, its subject).
    pub paths: Box<[(bool, String)]>,
    /// Code names the block writes, folded.
    pub names: Box<[String]>,
}

impl RoleFacts {
    pub fn of(scan: &BlockScan) -> &RoleFacts {
        Self::of_facts(BlockFacts::of(scan), scan)
    }

    pub fn of_facts<'f>(facts: &'f BlockFacts, scan: &BlockScan) -> &'f RoleFacts {
        &facts.texts(scan).role
    }

    /// The role facts of `scan`, computed.
    pub(super) fn compute(scan: &BlockScan) -> RoleFacts {
        let description = scan.task.as_ref().map_or("", |line| &*line.description);
        // Only the first four words are asked about.
        let words: Vec<String> = description
            .split_whitespace()
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
            .filter(|w| !w.is_empty())
            .take(4)
            .map(str::to_lowercase)
            .collect();
        let paths = scan
            .mentions
            .iter()
            .filter_map(|m| match &m.kind {
                MentionKind::Path { path } if !path.ends_with('/') => Some(&**path),
                _ => None,
            })
            .map(|path| (is_test_path(path), subject_of_file(path)))
            .collect();
        RoleFacts {
            runner: words.first().is_some_and(|w| RUNNERS.contains(&w.as_str())),
            says_test: words.iter().take(4).any(|w| matches!(w.as_str(), "test" | "tests" | "testing")),
            paths: boxed(paths),
            names: boxed(code_names(scan)),
        }
    }
}

/// What test-after-implementation needs of a block's [`RoleFacts`] to
/// tell a test task.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RoleSummary {
    pub runner: bool,
    pub says_test: bool,
    pub paths: u32,
    pub test_paths: u32,
}

impl RoleFacts {
    pub fn summary(&self) -> RoleSummary {
        let test_paths = self.paths.iter().filter(|(test, _)| *test).count();
        RoleSummary {
            runner: self.runner,
            says_test: self.says_test,
            paths: self.paths.len() as u32,
            test_paths: test_paths as u32,
        }
    }
}

/// Whether a task whose line and details have these summaries is a test
/// (test-after-implementation's role of a task), without working out
/// what it tests.
pub(crate) fn is_test(line: RoleSummary, details: impl Iterator<Item = RoleSummary> + Clone) -> bool {
    let paths = line.paths + details.clone().map(|d| d.paths).sum::<u32>();
    let test_paths = line.test_paths + details.map(|d| d.test_paths).sum::<u32>();
    !line.runner && (test_paths > 0 || (line.says_test && paths == 0))
}

fn is_test_path(path: &str) -> bool {
    let lower = path.to_lowercase();
    let mut segments = lower.split('/');
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    let original = path.rsplit('/').next().unwrap_or(path);
    let stem = original.split('.').next().unwrap_or(original);
    segments.any(|s| matches!(s, "test" | "tests" | "__tests__" | "spec" | "e2e"))
        || name.starts_with("test_")
        || name.contains("_test.")
        || name.contains(".test.")
        || name.contains(".spec.")
        || stem.ends_with("Test")
        || stem.ends_with("Tests")
        || stem.ends_with("Spec")
}

/// The folded stem of a file without test marks: `test_user_service.py`,
/// `UserService.test.ts` and `UserServiceTests.cs` all give
/// `userservice`.
fn subject_of_file(path: &str) -> String {
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    strip_test_marks(&fold(stem)).to_string()
}

pub(crate) fn strip_test_marks(folded: &str) -> &str {
    let mut name = folded;
    name = name.strip_prefix("test").filter(|rest| rest.len() >= 4).unwrap_or(name);
    for suffix in ["tests", "test", "spec"] {
        if let Some(rest) = name.strip_suffix(suffix).filter(|rest| rest.len() >= 4) {
            name = rest;
            break;
        }
    }
    name
}

/// Backticked words and PascalCase / camelCase words of the task's line,
/// folded; words of paths do not count (`lib/src/agentic/...` names no
/// class).
fn code_names(scan: &BlockScan) -> Vec<String> {
    let text = &*scan.text;
    let paths: Vec<crate::text::Span> =
        scan.mentions.iter().filter(|m| matches!(m.kind, MentionKind::Path { .. })).map(|m| m.span).collect();
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut at = 0;
    // Backticks before `at` and the first path not ended before it, kept
    // as the scan moves on: recounting them per word cost the square of
    // the line's length.
    let mut backticks = 0usize;
    let mut next_path = 0usize;
    while let Some(offset) = text[at..].find(is_word) {
        let start = at + offset;
        let len = text[start..].find(|c: char| !is_word(c)).unwrap_or(text.len() - start);
        let word = &text[start..start + len];
        backticks += text[at..start].matches('`').count();
        at = start + len;
        let backticked = backticks % 2 == 1;
        let camel = word.chars().next().is_some_and(char::is_alphabetic)
            && word.chars().skip(1).any(char::is_uppercase)
            && word.chars().any(char::is_lowercase);
        while paths.get(next_path).is_some_and(|p| p.end <= start) {
            next_path += 1;
        }
        let in_path = paths[next_path..].iter().take_while(|p| p.start <= start).any(|p| p.contains(start));
        if (backticked || camel) && !in_path && parse_id(word).is_none() {
            out.push(fold(word));
        }
    }
    out
}

/// Task IDs are not code names.
fn parse_id(word: &str) -> Option<()> {
    crate::model::ids::parse_task_id(word, false).filter(|(_, len)| *len == word.len()).map(|_| ())
}

/// What test-after-implementation's verdict on one phase depends on, per
/// task in order: the stamp of its entries in the task table (the same
/// stamp, the same line and detail blocks, so the same role and state;
/// see [`Tables::stamps`](crate::analysis::table::Tables::stamps)) and
/// whether it sits in a Tests subsection. Equal inputs, equal verdict;
/// comparing them reads no task. With the phase's task list and its
/// Tests subsections' lists (shared between the versions a keystroke in
/// a description makes, so compared by pointer), whether each task sits
/// in a Tests subsection need not be worked out again.
pub(crate) struct PhaseTasks {
    tasks: Arc<[usize]>,
    tests: Box<[Arc<[usize]>]>,
    inputs: Box<[PhaseInput]>,
}

/// One task of a phase as [`PhaseTasks`] sees it: the stamp of its table
/// entries, whether it is in a Tests subsection.
pub(crate) type PhaseInput = (u64, bool);

impl PhaseTasks {
    /// The inputs of `phase`, whose tasks' entries have `stamps` and sit
    /// in a Tests subsection where `in_tests` says.
    pub fn of(phase: &Phase, stamps: &[u64], in_tests: impl Fn(usize) -> bool) -> Self {
        PhaseTasks {
            tasks: phase.tasks.clone(),
            tests: tests_lists(phase).cloned().collect(),
            inputs: phase.tasks.iter().map(|&task| (stamps[task], in_tests(task))).collect(),
        }
    }

    /// Whether `phase` has the inputs these were ([`PhaseTasks::of`]).
    pub fn matches(&self, phase: &Phase, stamps: &[u64], in_tests: impl Fn(usize) -> bool) -> bool {
        if self.inputs.len() != phase.tasks.len() {
            return false;
        }
        let mut tasks = self.inputs.iter().zip(phase.tasks.iter());
        if self.same_lists(phase) {
            tasks.all(|(&(stamp, _), &task)| stamp == stamps[task])
        } else {
            tasks.all(|(&kept, &task)| kept == (stamps[task], in_tests(task)))
        }
    }

    /// Whether `phase` has the task lists these were made from: then its
    /// tasks sit in Tests subsections where they did.
    fn same_lists(&self, phase: &Phase) -> bool {
        same_list(&self.tasks, &phase.tasks)
            && self.tests.len() == tests_lists(phase).count()
            && self.tests.iter().zip(tests_lists(phase)).all(|(kept, list)| same_list(kept, list))
    }
}

/// The task lists of `phase`'s Tests subsections, in order.
fn tests_lists(phase: &Phase) -> impl Iterator<Item = &Arc<[usize]>> {
    phase.subsections.iter().filter(|s| s.kind == SubsectionKind::Tests).map(|s| &s.tasks)
}

/// Whether two task lists hold the same tasks: by pointer first.
fn same_list(a: &Arc<[usize]>, b: &Arc<[usize]>) -> bool {
    Arc::ptr_eq(a, b) || a[..] == b[..]
}
