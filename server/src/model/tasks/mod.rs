//! The model of a tasks.md: phases and their subsections, tasks, and the
//! dependency edges of every notation.
//!
//! Built from a [`BlockList`] in one linear pass. Tasks share their block's
//! scan (an `Arc`), so rebuilding after an edit allocates little.

mod assemble;
mod dump;
mod edges;
mod list;
pub mod phase_title;
mod reassemble;
mod shifted;
mod table_rows;
#[cfg(test)]
mod tests;

pub use edges::{DependencyEdge, EdgeOrigin, RangeProblem, RangeReference};
pub use list::TaskList;
pub use phase_title::{PhaseKind, SubsectionKind};
pub use shifted::Shifted;

use std::sync::Arc;

use super::blocks::{BlockList, ScannedBlock};
use super::ids::{TaskId, TaskKey};
use super::scan::{CheckState, Irregularity, TaskLine};
use crate::text::Span;

/// A phase of a tasks.md: a heading and the tasks under it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    pub title: Arc<str>,
    pub level: u8,
    /// The heading's span.
    pub heading: Span,
    pub title_span: Span,
    /// Everything up to the next heading of the same or a higher level.
    pub span: Span,
    /// `3.2`, `1`, `N`: `None` for a section that is not named as a phase
    /// but holds tasks.
    pub number: Option<Arc<str>>,
    pub kind: PhaseKind,
    pub story: Option<u32>,
    pub priority: Option<u32>,
    pub mvp: bool,
    /// Indices into [`TasksDoc::tasks`]. Shared, like the titles, by
    /// the versions a keystroke in a task's description makes.
    pub tasks: Arc<[usize]>,
    pub subsections: Vec<Subsection>,
    /// Spans of the `**Goal**`, `**Independent Test**` and `**Checkpoint**`
    /// lines.
    pub goal: Option<Span>,
    pub independent_test: Option<Span>,
    pub checkpoint: Option<Span>,
}

/// A heading inside a phase, such as `### Tests for User Story 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subsection {
    pub title: Arc<str>,
    pub heading: Span,
    pub kind: SubsectionKind,
    pub tasks: Arc<[usize]>,
}

/// One task: its line's scan plus what its position in the document says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    /// The block holding the task line (a list item or a heading).
    pub block: ScannedBlock,
    pub phase: Option<usize>,
    pub subsection: Option<usize>,
    /// Bullets and paragraphs that describe the task (`**File**:`,
    /// `**Depends on**:`), or a heading task's body.
    pub details: Vec<ScannedBlock>,
    /// Done state, including `**Status**: COMPLETE` detail lines.
    pub state: CheckState,
    /// `[P]` on the line or `**Parallel**: Yes` below it.
    pub parallel: bool,
    /// The span up to the last detail line that belongs to the task.
    pub extent: Span,
}

impl Task {
    pub fn line(&self) -> &TaskLine {
        self.block.scan.task.as_ref().expect("a task's block holds a task line")
    }

    pub fn id(&self) -> &TaskId {
        &self.line().id
    }

    pub fn key(&self) -> TaskKey {
        self.line().id.key
    }

    pub fn id_span(&self) -> Span {
        self.block.abs(self.line().id_span)
    }

    /// The task's first line, without its line break.
    pub fn line_span(&self) -> Span {
        let span = self.block.span();
        let text = &self.block.scan.text;
        let end = text.find(['\n', '\r']).unwrap_or(text.len());
        Span::new(span.start, span.start + end)
    }

    /// Paths named on the task's line and in its details, in order.
    pub fn paths(&self) -> impl Iterator<Item = (&str, Span)> {
        std::iter::once(&self.block).chain(&self.details).flat_map(|block| {
            block.scan.mentions.iter().filter_map(move |m| match &m.kind {
                crate::model::scan::MentionKind::Path { path } => Some((&**path, block.abs(m.span))),
                _ => None,
            })
        })
    }

    pub fn done(&self) -> bool {
        self.state == CheckState::Done
    }

    pub fn story(&self) -> Option<u32> {
        self.line().story.map(|(n, _)| n)
    }

    pub fn description(&self) -> &str {
        &self.line().description
    }

    pub fn irregularities(&self) -> &[Irregularity] {
        &self.line().irregularities
    }

    pub fn is_canonical(&self) -> bool {
        self.line().is_canonical()
    }
}

/// The model of one tasks.md.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TasksDoc {
    pub title: Option<Box<str>>,
    pub phases: Vec<Phase>,
    pub tasks: TaskList,
    /// Every edge, from any notation, ranges expanded. Shared with the
    /// versions before when an edit only moved them.
    pub edges: Shifted<DependencyEdge>,
    /// Ranges as written, for range checks.
    pub ranges: Shifted<RangeReference>,
    /// Task index by key (the first task when a key is used twice).
    index: edges::KeyIndex,
    /// Derived data of later layers, built once per version of the
    /// document and shared by every snapshot holding it: analysis keeps
    /// the task graph there. See [`Memo`](crate::model::scan::Memo).
    pub memo: crate::model::scan::Memo,
    /// The memo of the version this one replaced in an editor, when it
    /// was filled: see [`TasksDoc::inherit`]. A version made by
    /// swapping one block that plays the same part (see `reassemble.rs`)
    /// has the same structure as the one before: the same tasks with the
    /// same keys, states, `[P]` marks, cancellations and phases, the same
    /// phases and the same edges.
    pub handover: crate::model::scan::Handover,
}

impl TasksDoc {
    /// Build the model from a document's blocks.
    pub fn from_blocks(blocks: &BlockList) -> Self {
        assemble::assemble(blocks)
    }

    /// The model of `blocks`, a new version of the document whose previous
    /// version had `older_blocks` and the model `older`: equal to
    /// [`TasksDoc::from_blocks`], and much cheaper after a keystroke in a
    /// task's description (the older model with that block swapped in).
    pub fn from_blocks_after(blocks: &BlockList, older_blocks: &BlockList, older: &TasksDoc) -> Self {
        reassemble::reassemble(blocks, older_blocks, older).unwrap_or_else(|| assemble::assemble(blocks))
    }

    /// Receive what later layers derived from `older`, the version of the
    /// same file this one replaces: they reuse it where their inputs did
    /// not change (see [`Handover`](crate::model::scan::Handover)).
    pub fn inherit(&self, older: &TasksDoc) {
        // An older version that was never analysed passes on what it got.
        let handed = match older.memo.value() {
            Some(value) => Some((value, true)),
            None => older.handover.take().map(|handed| (handed.value, handed.same_structure)),
        };
        if let Some((value, same_structure)) = handed {
            self.handover.offer(value, same_structure);
        }
    }

    /// The first task with this key.
    pub fn task(&self, key: TaskKey) -> Option<&Task> {
        self.index.get(key).map(|i| &self.tasks[i])
    }

    pub fn task_index(&self, key: TaskKey) -> Option<usize> {
        self.index.get(key)
    }

    /// Edges into `key`'s task: what it depends on.
    pub fn dependencies_of(&self, key: TaskKey) -> impl Iterator<Item = DependencyEdge> {
        self.edges.filtered(move |e| e.from == key)
    }

    /// Edges out of `key`'s task: what it blocks.
    pub fn dependents_of(&self, key: TaskKey) -> impl Iterator<Item = DependencyEdge> {
        self.edges.filtered(move |e| e.to == key)
    }

    /// The task whose line or details contain `offset` (a task's extent
    /// ends where the next one starts: the offset belongs to the later one).
    pub fn task_at(&self, offset: usize) -> Option<usize> {
        let i = self.tasks.partition_point(|t| t.extent.start <= offset).checked_sub(1)?;
        self.tasks[i].extent.touches(offset).then_some(i)
    }

    /// The phase containing `offset`.
    pub fn phase_at(&self, offset: usize) -> Option<usize> {
        self.phases.iter().rposition(|p| p.span.touches(offset))
    }
}
