//! Small helpers several task-line rules share.

use crate::analysis::facts::{BlockFacts, text_hash};
use crate::model::blocks::ScannedBlock;
use crate::model::scan::paths::normalize_path;
use crate::model::scan::{BlockScan, MentionKind};
use crate::model::tasks::Task;
use crate::text::Span;
use std::borrow::Cow;

/// Documents of the feature folder: a task names them as its source
/// (`per research.md`, `from contracts/api.yaml`), never as its output.
const FEATURE_DOCUMENTS: &[&str] =
    &["spec.md", "plan.md", "research.md", "data-model.md", "quickstart.md", "tasks.md"];

/// Words after which a path is read, not written: `per research.md`,
/// `following src/api/users.py`.
const READ_MARKERS: &[&str] =
    &["per", "see", "following", "according to", "based on", "as in", "mirroring", "like"];

/// The files a task writes, as far as its text says: normalised paths on
/// its line and detail bullets, without directories, the feature's own
/// documents and paths it names only as a source. Sorted, no repeats.
pub(crate) fn written_paths(task: &Task) -> Cow<'_, [String]> {
    let line = &WrittenPaths::of(&task.block.scan).paths;
    if task.details.is_empty() {
        return Cow::Borrowed(line);
    }
    let mut out = line.clone();
    for detail in &task.details {
        out.extend_from_slice(&WrittenPaths::of(&detail.scan).paths);
    }
    out.sort();
    out.dedup();
    Cow::Owned(out)
}

/// The paths one block says a task writes, sorted, no repeats, with their
/// hashes: kept in the block's facts.
pub(crate) struct WrittenPaths {
    pub paths: Vec<String>,
    /// A hash of each path ([`text_hash`]), in the same order: tasks that
    /// share no hash share no path, which is all a parallel group usually
    /// needs to know.
    pub hashes: Vec<u32>,
}

impl WrittenPaths {
    pub fn of(scan: &BlockScan) -> &WrittenPaths {
        Self::of_facts(BlockFacts::of(scan), scan)
    }

    pub fn of_facts<'f>(facts: &'f BlockFacts, scan: &BlockScan) -> &'f WrittenPaths {
        facts.written.get_or_init(|| {
            let mut paths = Vec::new();
            for mention in &scan.mentions {
                let MentionKind::Path { path } = &mention.kind else { continue };
                let path = normalize_path(path);
                if path.ends_with('/') || is_feature_document(&path) || is_read(scan, mention.span) {
                    continue;
                }
                paths.push(path);
            }
            paths.sort();
            paths.dedup();
            let hashes = paths.iter().map(|p| text_hash(p)).collect();
            WrittenPaths { paths, hashes }
        })
    }
}

/// How many paths a block says a task writes, and the first one's hash:
/// most tasks write one file, and a parallel group compares hashes.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct WrittenSummary {
    /// How many: none, one or more (the count of a block holding more is
    /// of no interest).
    pub count: u8,
    pub first: u32,
}

impl WrittenPaths {
    pub fn summary(&self) -> WrittenSummary {
        let count = self.paths.len().min(2) as u8;
        WrittenSummary { count, first: self.hashes.first().copied().unwrap_or_default() }
    }
}

fn is_feature_document(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    FEATURE_DOCUMENTS.contains(&name)
        || path.starts_with("specs/")
        || path.contains("/specs/")
        || path.starts_with("contracts/")
        || path.starts_with("checklists/")
}

/// Whether the words just before `span` in `block` say the path is read.
fn is_read(block: &BlockScan, span: Span) -> bool {
    let before = &block.text[..span.start];
    let before = before.trim_end_matches(['`', '(', '[', '"', '\'', '*']).trim_end();
    let tail: String = before.chars().rev().take(16).collect::<Vec<_>>().into_iter().rev().collect();
    let tail = tail.to_lowercase();
    READ_MARKERS.iter().any(|marker| {
        tail.strip_suffix(marker)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with(|c: char| !c.is_alphanumeric()))
    })
}

/// The blocks that start at `start` or later and end by `end`, found by
/// binary search: blocks are in document order.
pub(super) fn blocks_within(
    blocks: &[ScannedBlock],
    start: usize,
    end: usize,
) -> impl Iterator<Item = &ScannedBlock> {
    let first = blocks.partition_point(|b| b.start < start);
    blocks[first..].iter().take_while(move |b| b.start <= end).filter(move |b| b.span().end <= end)
}

/// The span of a `[P]` on the task's line with one space next to it, so
/// that removing it leaves the line well spaced. `None` when the task is
/// parallel only by a `**Parallel**: Yes` detail.
pub(super) fn parallel_label_removal(task: &Task) -> Option<Span> {
    let label = task.line().parallel?;
    let text = &task.block.scan.text;
    let span = if text[..label.start].ends_with(' ') {
        Span::new(label.start - 1, label.end)
    } else if text[label.end..].starts_with(' ') {
        Span::new(label.start, label.end + 1)
    } else {
        label
    };
    Some(task.block.abs(span))
}

/// `SyncService`, `sync_service` and `sync-service` all fold to
/// `syncservice`.
pub(super) fn fold(name: &str) -> String {
    name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// The folded names a file goes by, for matching it with code names:
/// `src/i18n.translator.ts` gives `i18ntranslator` and `i18n`;
/// `LLMStorageService.test.ts` gives `llmstorageservicetest` and
/// `llmstorageservice`.
pub(super) fn file_names(path: &str) -> Vec<String> {
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    let without_extension = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let first = name.split('.').next().unwrap_or(name);
    let mut out = vec![fold(without_extension), fold(first)];
    out.retain(|n| n.chars().count() >= 4);
    out.dedup();
    out
}

/// Every story a phase heading names: `User Story 2` gives `[2]`, `User
/// Stories 2 & 3` and `US2 + US3` give `[2, 3]`, `Historia de Usuario 1`
/// gives `[1]`. Sorted, without repeats.
pub(super) fn stories_named(title: &str) -> Vec<u32> {
    let lower = title.to_lowercase();
    let mut out = Vec::new();
    for keyword in ["stories", "story", "historias de usuario", "historia de usuario"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(keyword) {
            let start = from + at + keyword.len();
            from = start;
            numbers_after(&lower[start..], &mut out);
        }
    }
    let bytes = title.as_bytes();
    let mut from = 0;
    while let Some(at) = title[from..].find("US") {
        let at = from + at;
        from = at + 2;
        if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let tail = title[at + 2..].trim_start_matches('-');
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && !tail[digits.len()..].starts_with(|c: char| c.is_alphanumeric()) {
            out.extend(digits.parse::<u32>().ok());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `1`, `2 & 3`, `2, 3 and 4` at the start of `text`.
fn numbers_after(mut text: &str, out: &mut Vec<u32>) {
    loop {
        text = text.trim_start_matches([' ', ',', '&', '+', '/', '#']);
        for word in ["and ", "y ", "et "] {
            if let Some(rest) = text.strip_prefix(word) {
                text = rest;
            }
        }
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return;
        }
        out.extend(text[..digits].parse::<u32>().ok());
        text = &text[digits..];
    }
}

#[cfg(test)]
mod tests {
    use super::stories_named;

    #[test]
    fn stories_in_real_phase_headings() {
        assert_eq!(stories_named("Phase 3: User Story 1 - Login (Priority: P1) 🎯 MVP"), [1]);
        assert_eq!(stories_named("Phase 5: User Stories 2 & 3 - Reports"), [2, 3]);
        assert_eq!(stories_named("Phase 5: US2 + US3 (P2)"), [2, 3]);
        assert_eq!(stories_named("Phase 2: Historia de Usuario 1 — Modal"), [1]);
        assert_eq!(stories_named("Phase 2: Foundational **BLOCKS ALL USER STORIES**"), Vec::<u32>::new());
        assert_eq!(stories_named("Phase 4: User Story 2 (P2), builds on US1"), [1, 2]);
        assert!(stories_named("Phase 1: Setup for USB devices").is_empty());
    }
}
