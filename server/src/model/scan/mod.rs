//! The scanner: what one block's text says, independent of its neighbours.
//!
//! Results carry spans relative to the block's start, so a block that an
//! edit did not touch keeps its scan (shared behind an `Arc`) and only its
//! start offset moves.

mod clauses;
mod fields;
mod mentions;
pub mod paths;
mod table_row;
mod task_line;

pub use clauses::{Clause, Relation, scan_clauses};
pub use fields::{Field, scan_fields};
pub use mentions::{InlineRegion, Mention, MentionKind, inline_regions, scan_mentions};
pub use table_row::{is_id_header, row_cells, scan_table_row};
pub use task_line::{CheckState, Irregularity, Label, LineShape, TaskLine, scan_task_line};

use crate::syntax::{BlockKind, ListMarker};
use crate::text::Span;

/// A heading's level and title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadingScan {
    pub level: u8,
    pub title: Box<str>,
    /// The title's span, relative to the block.
    pub title_span: Span,
}

/// Data a later layer derives from a block (normalised words, endpoint
/// references...), computed on first use and then shared, like the scan
/// itself, by every snapshot holding the block: after an edit only the
/// rescanned blocks pay for it again. One slot, owned by whoever fills it
/// first; `analysis` keeps one struct of lazily computed fields there.
///
/// The slot lives in its owner (shared behind the owner's `Arc`), not in
/// an allocation of its own: a 50k-task tasks.md has 56k blocks. A clone
/// shares the value once it is filled; one made before fills its own.
#[derive(Clone, Default)]
pub struct Memo(std::sync::OnceLock<std::sync::Arc<dyn std::any::Any + Send + Sync>>);

impl Memo {
    /// The memo's value, made by `make` the first time; `None` when the
    /// slot holds another type.
    pub fn get_or_init<T: std::any::Any + Send + Sync>(&self, make: impl FnOnce() -> T) -> Option<&T> {
        self.0.get_or_init(|| std::sync::Arc::new(make())).downcast_ref()
    }

    /// Like [`Memo::get_or_init`], with a value `make` may take from
    /// elsewhere (an earlier version's, see [`Handover`]).
    pub fn get_or_init_shared<T: std::any::Any + Send + Sync>(
        &self,
        make: impl FnOnce() -> std::sync::Arc<T>,
    ) -> Option<&T> {
        self.0.get_or_init(|| make()).downcast_ref()
    }

    /// The value, when one was made.
    pub fn value(&self) -> Option<std::sync::Arc<dyn std::any::Any + Send + Sync>> {
        self.0.get().cloned()
    }
}

/// A memo's value handed from one version of a document to the next: a
/// later layer may reuse it when it finds that what it was derived from
/// did not change (typing in a task's description leaves the dependency
/// graph as it was). Taken at most once, so versions never form a chain
/// and an outdated value does not outlive its first look.
#[derive(Clone, Default)]
pub struct Handover {
    slot: std::sync::Arc<std::sync::Mutex<Option<Handed>>>,
    /// The model that receives it was made from the one before by an edit
    /// the model layer knows to keep its structure (see
    /// [`Handover::keeping_structure`]).
    keeps_structure: bool,
}

/// A value handed over, and whether the model it was derived from and the
/// one receiving it are known to have the same structure, so the later
/// layer need not compare them.
pub struct Handed {
    pub value: std::sync::Arc<dyn std::any::Any + Send + Sync>,
    pub same_structure: bool,
}

impl Handover {
    /// The handover of a model made from its previous version by an edit
    /// that keeps the structure: what "structure" means is the model's to
    /// say ([`TasksDoc`](crate::model::tasks::TasksDoc) documents it).
    pub fn keeping_structure() -> Self {
        Handover { keeps_structure: true, ..Handover::default() }
    }

    /// Offer `value`, derived from a model that had the previous version's
    /// structure when `same_structure`, to this version.
    pub fn offer(&self, value: std::sync::Arc<dyn std::any::Any + Send + Sync>, same_structure: bool) {
        let handed = Handed { value, same_structure: same_structure && self.keeps_structure };
        *self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(handed);
    }

    /// The value offered, if any and still there; the slot is empty after.
    pub fn take(&self) -> Option<Handed> {
        self.slot.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// Handovers never take part in comparisons, like memos.
impl PartialEq for Handover {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Handover {}

impl std::fmt::Debug for Handover {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handover")
    }
}

/// Memos never take part in comparisons: equal scans are equal blocks.
impl PartialEq for Memo {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Memo {}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "Memo(filled)" } else { "Memo(empty)" })
    }
}

/// What the scanner found in one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockScan {
    pub kind: BlockKind,
    /// The block's text as it was scanned: the document's bytes, with
    /// control characters read as spaces (`text::control`).
    pub text: Box<str>,
    /// Where the content starts (after a list marker or `#`s), relative.
    pub content_start: usize,
    /// The block's column in bytes on its first line: nesting of bullets.
    pub indent: usize,
    /// Boxed: few blocks are headings.
    pub heading: Option<Box<HeadingScan>>,
    pub task: Option<TaskLine>,
    // Boxed slices, not vectors: a scan lives as long as its block (56k
    // of them for a 50k-task tasks.md), and a slice has no spare room
    // nor a capacity to keep.
    pub mentions: Box<[Mention]>,
    pub clauses: Box<[Clause]>,
    pub fields: Box<[Field]>,
    /// Derived data of later layers; see [`Memo`].
    pub memo: Memo,
}

impl BlockScan {
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text of a span relative to this block.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// Scan one block. `text` is exactly the block's bytes, `content_start`
/// relative to it, `indent` its column.
pub fn scan_block(kind: BlockKind, text: &str, content_start: usize, indent: usize) -> BlockScan {
    let (mut heading, mut task) = (None, None);
    match kind {
        BlockKind::Heading { level } => {
            heading = Some(Box::new(heading_scan(text, content_start, level)));
            task = scan_task_line(text, content_start, LineShape::Heading);
        }
        BlockKind::ListItem { marker } => {
            let shape = if marker == ListMarker::Ordered { LineShape::Numbered } else { LineShape::Bullet };
            task = scan_task_line(text, content_start, shape);
        }
        BlockKind::Paragraph
        | BlockKind::Table
        | BlockKind::Code
        | BlockKind::Html
        | BlockKind::FrontMatter => {}
    }
    if let Some(line) = &mut task {
        line.labels = fitted(std::mem::take(&mut line.labels));
        line.irregularities = fitted(std::mem::take(&mut line.irregularities));
    }
    let mentions = scan_mentions(text);
    let (clauses, fields) =
        if matches!(kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter | BlockKind::Table) {
            (Vec::new(), Vec::new())
        } else {
            (scan_clauses(text, &mentions), scan_fields(text, content_start))
        };
    BlockScan {
        kind,
        text: text.into(),
        content_start,
        indent,
        heading,
        task,
        mentions: boxed(mentions),
        clauses: boxed(clauses),
        fields: boxed(fields),
        memo: Memo::default(),
    }
}

/// `items` as a list kept as long as its block: without spare room, see
/// [`fitted`].
pub fn boxed<T>(items: Vec<T>) -> Box<[T]> {
    fitted(items).into_boxed_slice()
}

/// `items` in an allocation of their size, for lists kept as long as
/// their block. The spare allocation is freed whole, for the next list
/// to grow in: shrinking it in place left a small free chunk per list,
/// which malloc's fast bins do not merge (peak RSS grew by 4-7 MiB with a
/// 50k-task tasks.md, while the live heap shrank).
pub fn fitted<T>(mut items: Vec<T>) -> Vec<T> {
    if items.len() == items.capacity() {
        return items;
    }
    let mut exact = Vec::with_capacity(items.len());
    exact.append(&mut items);
    exact
}

fn heading_scan(text: &str, content_start: usize, level: u8) -> HeadingScan {
    let content = &text[content_start.min(text.len())..];
    // Setext headings: the title is everything above the underline.
    let first_lines = match content.trim_end().rfind('\n') {
        Some(i) if content[i + 1..].trim().chars().all(|c| c == '=' || c == '-') => &content[..i],
        _ => content,
    };
    let lead = first_lines.len() - first_lines.trim_start().len();
    let title = first_lines.trim().trim_end_matches('#').trim_end();
    let start = content_start + lead;
    HeadingScan { level, title: title.into(), title_span: Span::new(start, start + title.len()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_lists_have_no_spare_room_and_keep_their_order() {
        let mut grown = Vec::with_capacity(8);
        grown.extend(["a", "b"]);
        let kept = fitted(grown);
        assert_eq!((kept.as_slice(), kept.capacity()), (["a", "b"].as_slice(), 2));
        assert_eq!(fitted(Vec::<u8>::with_capacity(8)).capacity(), 0);
    }

    #[test]
    fn a_scanned_task_line_keeps_no_spare_room() {
        let text = "- [ ] T001 [P] [US1] Implement module in src/module_1/service.py (depends on T000)\n";
        let scan = scan_block(BlockKind::ListItem { marker: ListMarker::Bullet }, text, 2, 0);
        assert!(!scan.mentions.is_empty());
        let line = scan.task.expect("a task line");
        assert_eq!(line.labels.capacity(), line.labels.len());
        assert_eq!(line.irregularities.capacity(), line.irregularities.len());
    }
}
