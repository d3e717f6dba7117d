//! Small helpers several task-line rules share.

use crate::model::blocks::ScannedBlock;
use crate::model::tasks::Task;
use crate::text::Span;

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
