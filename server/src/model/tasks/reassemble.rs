//! The model of a new version of a tasks.md from the previous one, when an
//! edit replaced one block by one that plays the same part: a keystroke in
//! a task's description. The previous model, with that block swapped in
//! and the offsets after it moved, is what [`assemble`](super::assemble)
//! would build, without its passes over every block (key index, edge
//! resolution, phase titles). Any other edit returns `None`: assemble.

use std::sync::Arc;

use super::{Phase, Subsection, Task, TaskList, TasksDoc};
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::scan::{BlockScan, Irregularity, MentionKind, TaskLine};
use crate::syntax::BlockKind;
use crate::text::Span;

/// The previous model `older` (of `older_blocks`) with the one changed
/// block of `blocks` swapped in; `None` when the edit may change more.
pub(super) fn reassemble(blocks: &BlockList, older_blocks: &BlockList, older: &TasksDoc) -> Option<TasksDoc> {
    let edit = OneBlock::find(older_blocks.blocks(), blocks.blocks())?;
    same_part(&edit.old.scan, &edit.new.scan).then(|| edit.apply(older))
}

/// One block replaced; every other block the same scan (or, rescanned
/// beside the edit, an equal one), moved by the change of length when
/// after it.
struct OneBlock<'b> {
    old: &'b ScannedBlock,
    new: &'b ScannedBlock,
    /// Both versions' blocks, index for index.
    blocks: (&'b [ScannedBlock], &'b [ScannedBlock]),
}

impl<'b> OneBlock<'b> {
    fn find(old: &'b [ScannedBlock], new: &'b [ScannedBlock]) -> Option<Self> {
        if old.len() != new.len() {
            return None;
        }
        let same = |a: &ScannedBlock, b: &ScannedBlock| Arc::ptr_eq(&a.scan, &b.scan) || a.scan == b.scan;
        let k = old.iter().zip(new).position(|(a, b)| !same(a, b))?;
        let edit = OneBlock { old: &old[k], new: &new[k], blocks: (old, new) };
        let kept = |(i, (a, b)): (usize, (&ScannedBlock, &ScannedBlock))| {
            i == k || (same(a, b) && edit.moved(a.start) == b.start)
        };
        (edit.old.start == edit.new.start && old.iter().zip(new).enumerate().all(kept)).then_some(edit)
    }

    /// Where an offset of the old text is in the new one: offsets at or
    /// after the old block's end move with it; none of the model's
    /// offsets falls inside the block past its unchanged head (see
    /// [`same_part`]).
    fn moved(&self, offset: usize) -> usize {
        if offset >= self.old.span().end {
            offset - self.old.scan.len() + self.new.scan.len()
        } else {
            offset
        }
    }

    /// How many bytes longer the block got.
    fn growth(&self) -> isize {
        self.new.scan.len() as isize - self.old.scan.len() as isize
    }

    fn span(&self, span: Span) -> Span {
        Span::new(self.moved(span.start), self.moved(span.end))
    }

    /// The new version's block at the index of `block` among the old
    /// ones, found from `cursor` on (the scans the new block list holds:
    /// their memos are the ones analysis fills).
    fn block(&self, block: &ScannedBlock, cursor: &mut usize) -> ScannedBlock {
        let (old, new) = self.blocks;
        while old.get(*cursor).is_some_and(|b| b.start < block.start) {
            *cursor += 1;
        }
        match new.get(*cursor).filter(|_| old[*cursor].start == block.start) {
            Some(found) => found.clone(),
            None => ScannedBlock { start: self.moved(block.start), scan: block.scan.clone() },
        }
    }

    fn apply(&self, older: &TasksDoc) -> TasksDoc {
        TasksDoc {
            title: older.title.clone(),
            phases: older.phases.iter().map(|phase| self.phase(phase)).collect(),
            tasks: self.tasks(&older.tasks),
            edges: older.edges.moved(self.old.span().end, self.growth()),
            ranges: older.ranges.moved(self.old.span().end, self.growth()),
            index: older.index.clone(),
            memo: Default::default(),
            handover: crate::model::scan::Handover::keeping_structure(),
        }
    }

    /// The tasks that end before the edited block as they were (shared
    /// with `older`), the others moved.
    fn tasks(&self, older: &TaskList) -> TaskList {
        let keep = older.partition_point(|task| task.extent.end <= self.old.start);
        let old_blocks = self.blocks.0;
        let mut cursor =
            older.get(keep).map_or(0, |first| old_blocks.partition_point(|b| b.start < first.block.start));
        older.followed(keep, older.range(keep..older.len()).map(|task| self.task(task, &mut cursor)))
    }

    fn phase(&self, phase: &Phase) -> Phase {
        let moved = |span: Option<Span>| span.map(|s| self.span(s));
        Phase {
            title: phase.title.clone(),
            level: phase.level,
            heading: self.span(phase.heading),
            title_span: self.span(phase.title_span),
            span: self.span(phase.span),
            number: phase.number.clone(),
            kind: phase.kind,
            story: phase.story,
            priority: phase.priority,
            mvp: phase.mvp,
            tasks: phase.tasks.clone(),
            subsections: phase.subsections.iter().map(|s| self.subsection(s)).collect(),
            goal: moved(phase.goal),
            independent_test: moved(phase.independent_test),
            checkpoint: moved(phase.checkpoint),
        }
    }

    fn subsection(&self, subsection: &Subsection) -> Subsection {
        Subsection { heading: self.span(subsection.heading), ..subsection.clone() }
    }

    /// `task` in the new version; `cursor` is the index of the last
    /// block looked up, as tasks and their details come in block order.
    fn task(&self, task: &Task, cursor: &mut usize) -> Task {
        Task {
            block: self.block(&task.block, cursor),
            phase: task.phase,
            subsection: task.subsection,
            details: task.details.iter().map(|d| self.block(d, cursor)).collect(),
            state: task.state,
            parallel: task.parallel,
            extent: self.span(task.extent),
        }
    }
}

/// Whether assembling `new` where `old` was does exactly what it did: no
/// heading (phases, subsections, the title), no dependency statement, no
/// field (`**Status**`, `**Goal**`), no task range, the same kind and
/// indentation (what owns what), and a task line as the same task with the
/// same state, mark, cancellation and ID span (edges of its details point there).
fn same_part(old: &BlockScan, new: &BlockScan) -> bool {
    let plain = |scan: &BlockScan| {
        // A table's rows may be tasks of their own blocks (`table_rows.rs`),
        // which swapping the table block would leave stale.
        scan.kind != BlockKind::Table
            && scan.heading.is_none()
            && scan.clauses.is_empty()
            && scan.fields.is_empty()
            && !scan.mentions.iter().any(|m| matches!(m.kind, MentionKind::TaskRange { .. }))
    };
    plain(old)
        && plain(new)
        && old.kind == new.kind
        && old.indent == new.indent
        && match (&old.task, &new.task) {
            (None, None) => true,
            (Some(a), Some(b)) => same_task(a, b),
            _ => false,
        }
}

fn same_task(a: &TaskLine, b: &TaskLine) -> bool {
    let numbered = |line: &TaskLine| line.irregularities.contains(&Irregularity::NumberedItem);
    a.id.key == b.id.key
        && a.id_span == b.id_span
        && a.has_checkbox == b.has_checkbox
        && a.reads_as_statement == b.reads_as_statement
        && numbered(a) == numbered(b)
        && a.state == b.state
        && a.cancelled == b.cancelled
        && a.parallel.is_some() == b.parallel.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file::MarkdownFile;
    use crate::text::{ContentChange, Position, PositionEncoding, PositionRange};

    const TEXT: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create app in src/app.py\n  - **Depends on**: T002\n- [ ] T002 [P] Lint\n\n**Checkpoint**: done\n\n## Dependencies\n\n- T001 blocks T002\n- T001-T002 before T003\n";

    /// The model after replacing `line`'s `column..column + len` with
    /// `insert`, built from the previous one, and whether that took the
    /// short way; asserts it equals a fresh assembly.
    fn edit(line: u32, column: u32, len: u32, insert: &str) -> bool {
        let mut file = MarkdownFile::open(TEXT, 1);
        let (older_blocks, older) = (file.blocks().clone(), TasksDoc::from_blocks(file.blocks()));
        let range = PositionRange::new(Position::new(line, column), Position::new(line, column + len));
        file.apply_changes(&[ContentChange::replace(range, insert)], PositionEncoding::Utf16, 2);
        let short = reassemble(file.blocks(), &older_blocks, &older);
        let fresh = TasksDoc::from_blocks(file.blocks());
        assert_eq!(TasksDoc::from_blocks_after(file.blocks(), &older_blocks, &older), fresh);
        if let Some(short) = &short {
            assert_eq!(short, &fresh);
        }
        short.is_some()
    }

    #[test]
    fn typing_in_a_description_reuses_the_model() {
        assert!(edit(4, 18, 0, "the "), "insert");
        assert!(edit(4, 18, 4, ""), "delete");
        assert!(edit(6, 16, 0, "x"), "a task with [P]");
    }

    #[test]
    fn edits_that_change_the_structure_assemble_again() {
        assert!(!edit(4, 8, 1, "9"), "another ID");
        assert!(!edit(4, 3, 1, "x"), "checked");
        assert!(!edit(4, 30, 0, " (depends on T002)"), "a dependency");
        assert!(!edit(4, 30, 0, "\n## Phase 2: More\n"), "a new heading");
        assert!(!edit(12, 5, 0, "x"), "a statement");
        assert!(!edit(5, 18, 0, "x"), "a detail's field");
    }

    #[test]
    fn an_edit_in_a_table_of_tasks_assembles_again() {
        let text = "## Phase 1: Setup\n\n| ID | Task |\n|----|------|\n| T001 | [ ] Create app |\n";
        let mut file = MarkdownFile::open(text, 1);
        let (older_blocks, older) = (file.blocks().clone(), TasksDoc::from_blocks(file.blocks()));
        let range = PositionRange::new(Position::new(4, 10), Position::new(4, 11));
        file.apply_changes(&[ContentChange::replace(range, "x")], PositionEncoding::Utf16, 2);
        assert_eq!(reassemble(file.blocks(), &older_blocks, &older), None);
        let fresh = TasksDoc::from_blocks(file.blocks());
        assert!(fresh.tasks[0].done(), "the row's checkbox was ticked");
        assert_eq!(TasksDoc::from_blocks_after(file.blocks(), &older_blocks, &older), fresh);
    }
}
