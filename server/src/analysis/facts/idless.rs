//! Task lines that carry no task ID: checkbox items (`- [ ] Create the
//! User model`) and lines whose checkbox and ID were replaced by a word
//! (`DONE [P] Create ...`). tasks-without-ids reports them; the coverage
//! rules do not check a tasks.md made mostly of them, since the tasks they
//! would look for are exactly the ones without IDs.

use super::BlockFacts;
use super::sparse::FileIndex;
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::markdown::lines;
use crate::syntax::BlockKind;
use crate::text::Span;

/// Fewer task-like lines than this is a note, not a task list.
const AT_LEAST: usize = 2;

/// Whether `id_less` lines without an ID make a task list of their own,
/// outnumbering the `tasks` with one.
pub(crate) fn outnumber(id_less: usize, tasks: usize) -> bool {
    id_less >= AT_LEAST && id_less > tasks
}

/// The first line of every task line without an ID in `blocks`, in order.
pub(crate) fn id_less_task_lines(blocks: &BlockList) -> Vec<Span> {
    let mut out = Vec::new();
    for block in blocks.iter() {
        out.extend(in_block(block));
    }
    out
}

/// How many spans [`id_less_task_lines`] would return, from each block's
/// count kept in its facts, asked only of the blocks the file's kept list
/// does not know yet (see [`sparse`](super::sparse)).
pub(crate) fn id_less_count(blocks: &BlockList) -> usize {
    let count = |block: &ScannedBlock| {
        let facts = BlockFacts::of(&block.scan);
        *facts.id_less.get_or_init(|| in_block(block).count() as u32) as usize
    };
    let Some(index) = FileIndex::of(blocks) else { return 0 };
    let holding =
        index.id_less.hits(blocks, |()| true, || (), |block| may_hold_one(block) && count(block) > 0);
    holding.iter().map(|&i| count(&blocks.blocks()[i as usize])).sum()
}

/// Whether `block` can hold task lines without IDs: a list item or a
/// paragraph that is no task line.
fn may_hold_one(block: &ScannedBlock) -> bool {
    block.scan.task.is_none() && matches!(block.scan.kind, BlockKind::ListItem { .. } | BlockKind::Paragraph)
}

/// The task lines without IDs of one block.
fn in_block(block: &ScannedBlock) -> Box<dyn Iterator<Item = Span> + '_> {
    if !may_hold_one(block) {
        return Box::new(std::iter::empty());
    }
    match block.scan.kind {
        BlockKind::ListItem { .. } => Box::new(id_less_item(block).into_iter()),
        _ => Box::new(stripped_lines(block)),
    }
}

/// A list item that reads as a task without an ID: a checkbox, or
/// `DONE`/`TODO` followed by a `[P]` or `[USn]` label.
fn id_less_item(block: &ScannedBlock) -> Option<Span> {
    let text = &*block.scan.text;
    let start = block.scan.content_start.min(text.len());
    let content = text[start..].trim_start();
    let checkbox = ["[ ]", "[x]", "[X]"].iter().any(|c| content.starts_with(c));
    let first_line = content.lines().next().unwrap_or("");
    let says_something = first_line.trim_start_matches(['[', ' ', 'x', 'X', ']']).chars().count() > 3;
    if !(checkbox || is_stripped(content)) || !says_something {
        return None;
    }
    let offset = text.len() - content.len();
    Some(block.abs(Span::new(offset, offset + first_line.trim_end().len())))
}

/// Lines of a paragraph that open with the word standing for a task's
/// checkbox and ID (`DONE [P] Create the DTOs in ...`): an agent's bulk
/// edit that stripped the list marker as well.
fn stripped_lines(block: &ScannedBlock) -> impl Iterator<Item = Span> + '_ {
    lines(&block.scan.text).filter_map(|(start, line)| {
        let content = line.trim_start();
        let offset = start + line.len() - content.len();
        is_stripped(content).then(|| block.abs(Span::new(offset, offset + content.trim_end().len())))
    })
}

/// `DONE [P] ...`, `TODO [US1] ...`, `✅ [P] ...`.
fn is_stripped(content: &str) -> bool {
    ["DONE ", "TODO ", "✅ "].iter().any(|p| content.starts_with(p))
        && (content.contains("[P]") || content.contains("[US"))
}
