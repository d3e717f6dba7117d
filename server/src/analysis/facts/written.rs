//! The files a block says a task writes (parallel-file-conflict, hover),
//! and the folded names of files and code.

use std::borrow::Cow;

use super::{BlockFacts, text_hash};
use crate::model::scan::paths::normalize_path;
use crate::model::scan::{BlockScan, MentionKind, boxed};
use crate::model::tasks::Task;
use crate::text::Span;

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
    let mut out = line.to_vec();
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
    pub paths: Box<[String]>,
    /// A hash of each path ([`text_hash`]), in the same order: tasks that
    /// share no hash share no path, which is all a parallel group usually
    /// needs to know.
    pub hashes: Box<[u32]>,
}

impl WrittenPaths {
    pub fn of(scan: &BlockScan) -> &WrittenPaths {
        Self::of_facts(BlockFacts::of(scan), scan)
    }

    pub fn of_facts<'f>(facts: &'f BlockFacts, scan: &BlockScan) -> &'f WrittenPaths {
        &facts.texts(scan).written
    }

    /// The paths `scan` says a task writes, computed.
    pub(super) fn compute(scan: &BlockScan) -> WrittenPaths {
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
        let paths = boxed(paths);
        let hashes = paths.iter().map(|p| text_hash(p)).collect();
        WrittenPaths { paths, hashes }
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

/// `SyncService`, `sync_service` and `sync-service` all fold to
/// `syncservice`.
pub(crate) fn fold(name: &str) -> String {
    // Sized first: collected from a flat map, the string grew (and was
    // copied) two or three times per name.
    let mut folded = String::with_capacity(name.len());
    folded.extend(name.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase));
    folded
}

/// The folded names a file goes by, for matching it with code names:
/// `src/i18n.translator.ts` gives `i18ntranslator` and `i18n`;
/// `LLMStorageService.test.ts` gives `llmstorageservicetest` and
/// `llmstorageservice`.
pub(crate) fn file_names(path: &str) -> Vec<String> {
    let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or(path);
    let without_extension = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let first = name.split('.').next().unwrap_or(name);
    let mut out = vec![fold(without_extension), fold(first)];
    out.retain(|n| n.chars().count() >= 4);
    out.dedup();
    out
}
