//! Closed documents the quick scanner defers as a whole, read chunk by
//! chunk instead (chunks as in [`tree`](super::tree): runs of text from a
//! top-level ATX heading to the next). Each chunk is read by the quick
//! scanner when it can, else parsed by tree-sitter. One block quote of
//! list items in a plan.md sent the whole file to tree-sitter, about
//! twenty times the cost of the quick scan per byte: now only its chunk.
//!
//! Why the blocks are a whole-document parse's: a chunk is read with the
//! next chunk's heading line after it (its lookahead), like
//! `MarkdownTree::parse` reads it. The quick scanner gives exactly
//! tree-sitter's blocks for that text, so when it reads the lookahead line
//! as a heading at a line start (a top-level heading: nested ones are
//! indented or quoted), the blocks before it are those of the whole
//! document, as that parse reads the same text up to there, and the next
//! chunk starts in the grammar's state of a document's start.

use ropey::Rope;
use tree_sitter::Parser;

use super::blocks::{Block, BlockKind};
use super::quick;
use super::tree::{blocks_in, heading_candidates, new_parser, parse_region};
use crate::text::Span;

/// Every block of `text`, chunk by chunk; `None` when a chunk parses with
/// an error (whose recovery may depend on text anywhere: the caller parses
/// the whole document) or when the text has carriage returns (lines the
/// quick scanner never reads).
pub fn blocks_by_chunks(text: &str) -> Option<Vec<Block>> {
    if text.contains('\r') {
        return None;
    }
    let candidates = heading_candidates(text.bytes());
    // Made for the first chunk that needs tree-sitter.
    let mut parser: Option<(Parser, Rope)> = None;
    let mut blocks = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let after = &candidates[candidates.partition_point(|&c| c <= start)..];
        start = match quick_chunks(text, start, after, &mut blocks) {
            Some(end) => end,
            None => {
                let (parser, rope) = parser.get_or_insert_with(|| (new_parser(), Rope::from_str(text)));
                parsed_chunks(parser, rope, start, after, &mut blocks)?
            }
        };
    }
    Some(blocks)
}

/// Read the chunks from `start` up to a candidate heading (of `after`)
/// with the quick scanner, pushing their blocks: the end reached, or
/// `None` when the quick scanner defers that text. A candidate that it
/// reads as no heading (a `#` line of fenced code) is passed over, for a
/// further one twice as far.
fn quick_chunks(text: &str, start: usize, after: &[usize], out: &mut Vec<Block>) -> Option<usize> {
    let mut want = 0;
    loop {
        let Some(&end) = after.get(after.partition_point(|&c| c < start + want)) else {
            let blocks = quick::scan_blocks(&text[start..])?;
            out.extend(blocks.into_iter().map(|b| moved(b, start)));
            return Some(text.len());
        };
        let lookahead_end = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
        let mut blocks = quick::scan_blocks(&text[start..lookahead_end])?;
        let head = blocks.pop();
        if head.is_some_and(|b| b.span.start == end - start && matches!(b.kind, BlockKind::Heading { .. })) {
            out.extend(blocks.into_iter().map(|b| moved(b, start)));
            return Some(end);
        }
        want = 2 * (end - start);
    }
}

/// Parse the chunks from `start` with tree-sitter until a candidate
/// heading (of `after`) holds as a chunk start, as `MarkdownTree::parse`
/// does, pushing their blocks: the end reached, or `None` on an error.
fn parsed_chunks(
    parser: &mut Parser,
    rope: &Rope,
    start: usize,
    after: &[usize],
    out: &mut Vec<Block>,
) -> Option<usize> {
    let mut want = 0;
    let region = loop {
        let end =
            after.get(after.partition_point(|&c| c < start + want)).copied().unwrap_or(rope.len_bytes());
        let region = parse_region(parser, rope, Span::new(start, end), None);
        if region.holds {
            break region;
        }
        want = 2 * (end - start);
    };
    if region.tree.root_node().has_error() {
        return None;
    }
    out.extend(blocks_in(&region.tree, region.span, None));
    Some(region.span.end)
}

fn moved(block: Block, by: usize) -> Block {
    Block { kind: block.kind, span: block.span.offset_by(by), content_start: block.content_start + by }
}
