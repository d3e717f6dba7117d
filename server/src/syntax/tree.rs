//! The block tree of an open document, kept as *chunks*: runs of text that
//! start at a top-level ATX heading (or at the document's start), each
//! parsed on its own. A keystroke reparses only its chunk, and memory holds
//! one chunk's tree, not a whole document's (a 50k-task tasks.md made a
//! 267 MB tree).
//!
//! Why a chunk parses as it does inside the whole document: a top-level
//! ATX heading closes every open block, so the grammar's state at that line
//! is the state at a document's start (only the enclosing `section` nodes
//! differ, and they hold no leaf block). A chunk is parsed with the next
//! chunk's heading line appended (its *lookahead*): when the parse finds
//! that line to be a top-level heading again, every block before it is the
//! block a whole-document parse gives, since that parse reads the same text
//! up to there. When it is not (a new fence or HTML block swallows it), the
//! chunk is parsed together with the next ones until it is.

use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree, TreeCursor};

use super::blocks::{Block, BlockKind, blocks_overlapping};
use crate::text::{AppliedEdit, Span, TextPoint, control};

/// How much text the first parse of a document reads at once: small enough
/// that its tree stays a few MB, large enough that the lookahead checks
/// cost nothing.
const FIRST_PARSE_BYTES: usize = 64 * 1024;

/// Where a chunk starts, and the length of its first line (the lookahead of
/// the chunk before it), line break included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Chunk {
    start: usize,
    head_len: usize,
}

/// The tree of the chunks the last edit reparsed, kept for the next edit
/// there: typing stays in one place.
struct Live {
    /// The chunks it covers, without the lookahead line.
    span: Span,
    tree: Tree,
}

/// A markdown document's block structure that follows its edits.
pub struct MarkdownTree {
    parser: Parser,
    /// In order; the first starts at 0.
    chunks: Vec<Chunk>,
    len: usize,
    live: Option<Live>,
}

impl std::fmt::Debug for MarkdownTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarkdownTree")
            .field("chunks", &self.chunks.len())
            .field("live", &self.live.as_ref().map(|l| l.span))
            .finish()
    }
}

pub(super) fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("tree-sitter-md's block grammar matches the linked tree-sitter ABI");
    parser
}

/// Parse the bytes `range` of the rope as a document of their own, fed
/// straight from the rope's chunks: no copy of the text. Control characters
/// reach the grammar as spaces (`text::control`): some of them would
/// otherwise change the block structure unseen.
fn parse_range(parser: &mut Parser, rope: &Rope, range: Span, old: Option<&Tree>) -> Tree {
    let mut read = |byte: usize, _: Point| -> &[u8] {
        let at = range.start + byte;
        if at >= range.end {
            return &[];
        }
        let (chunk, chunk_start, _, _) = rope.chunk_at_byte(at);
        let bytes = &chunk.as_bytes()[at - chunk_start..];
        control::read_prefix(&bytes[..bytes.len().min(range.end - at)])
    };
    parser
        .parse_with_options(&mut read, old, None)
        .expect("parsing without a timeout or cancellation flag always yields a tree")
}

/// Every block of a whole-document parse: the reference the chunks are
/// held to.
pub(super) fn whole_document_blocks(rope: &Rope) -> Vec<Block> {
    blocks_overlapping(&whole_document_tree(rope), None)
}

/// The whole document as one tree.
pub(super) fn whole_document_tree(rope: &Rope) -> Tree {
    parse_range(&mut new_parser(), rope, Span::new(0, rope.len_bytes()), None)
}

/// The end of the line starting at `at`, its line break included (`\n`,
/// `\r\n` or `\r`, the grammar's line endings).
fn line_end(rope: &Rope, at: usize) -> usize {
    let len = rope.len_bytes();
    let mut i = at;
    while i < len {
        match rope.byte(i) {
            b'\n' => return i + 1,
            b'\r' => return if i + 1 < len && rope.byte(i + 1) == b'\n' { i + 2 } else { i + 1 },
            _ => i += 1,
        }
    }
    len
}

fn at_line_start(rope: &Rope, at: usize) -> bool {
    at == 0 || matches!(rope.byte(at - 1), b'\n' | b'\r')
}

/// Starts (relative to the tree) of the ATX headings that are top-level:
/// children of the document or of its sections only, never inside a list,
/// quote or other container.
fn top_level_headings(tree: &Tree) -> Vec<usize> {
    fn visit(cursor: &mut TreeCursor<'_>, out: &mut Vec<usize>) {
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let node = cursor.node();
            match node.kind() {
                "section" => visit(cursor, out),
                "atx_heading" => out.push(node.start_byte()),
                _ => {}
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
    let mut out = Vec::new();
    visit(&mut tree.walk(), &mut out);
    out
}

/// The document opens with `---` or `+++` that no front matter closes (yet):
/// front matter is the one block whose extent depends on text after it, up
/// to the next such line anywhere.
fn open_front_matter(rope: &Rope, tree: &Tree) -> bool {
    // Counted after a UTF-8 byte order mark and any leading whitespace and
    // control characters (read as spaces): the grammar skips them there.
    let len = rope.len_bytes();
    let bom = if len >= 3 && (0..3).all(|i| rope.byte(i) == [0xEF, 0xBB, 0xBF][i]) { 3 } else { 0 };
    let skip = (bom..len).find(|&i| {
        !matches!(rope.byte(i), b' ' | b'\t' | b'\r' | b'\n') && !control::is_control(rope.byte(i))
    });
    let first = |b: u8| skip.is_some_and(|s| s + 3 <= len && (s..s + 3).all(|i| rope.byte(i) == b));
    let opener = first(b'-') || first(b'+');
    opener
        && !blocks_overlapping(tree, Some(Span::new(0, 1)))
            .first()
            .is_some_and(|b| b.kind == BlockKind::FrontMatter)
}

/// Lines of the document (its bytes) that start with `#`, after the
/// first line: where a chunk may start (the parse decides whether it does).
pub(super) fn heading_candidates(bytes: impl Iterator<Item = u8>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut line_start = true;
    for (at, byte) in bytes.enumerate() {
        if line_start && byte == b'#' && at > 0 {
            out.push(at);
        }
        line_start = matches!(byte, b'\n' | b'\r');
    }
    out
}

/// A parse of some chunks, and whether it holds.
pub(super) struct Region {
    pub(super) span: Span,
    pub(super) tree: Tree,
    /// Absolute starts of the top-level headings at line starts inside
    /// `span`, after its start: where the new chunks start.
    heads: Vec<usize>,
    /// The lookahead line was found to be a top-level heading (or there is
    /// none): the blocks of `span` are exact.
    pub(super) holds: bool,
}

impl MarkdownTree {
    /// Parse a whole document, chunk by chunk, and return its blocks.
    pub fn parse(rope: &Rope) -> (Self, Vec<Block>) {
        let mut this =
            MarkdownTree { parser: new_parser(), chunks: Vec::new(), len: rope.len_bytes(), live: None };
        let mut blocks = Vec::new();
        let candidates = heading_candidates(rope.bytes());
        let mut start = 0;
        while start < this.len || this.chunks.is_empty() {
            let mut want = FIRST_PARSE_BYTES;
            let region = loop {
                let next = candidates.partition_point(|&c| c < start + want);
                let end = candidates.get(next).copied().unwrap_or(this.len);
                let region = this.parse_region(rope, Span::new(start, end), None);
                if region.holds {
                    break region;
                }
                want *= 2;
            };
            if region.tree.root_node().has_error() {
                let blocks = this.reparse_whole(rope);
                return (this, blocks);
            }
            blocks.extend(blocks_in(&region.tree, region.span, None));
            this.push_chunks(rope, &region);
            start = region.span.end;
        }
        (this, blocks)
    }

    /// A document's chunks from its whole-document blocks, without parsing
    /// anything: a chunk starts at each ATX heading that starts a line (an
    /// indented or nested heading never does, a setext one never comes
    /// from [`quick`](super::quick)). These are the top-level headings, so
    /// the chunks are [`MarkdownTree::parse`]'s; opening a 5 MB tasks.md
    /// this way skips a parse that took about a second, and each chunk is
    /// parsed when an edit first reaches it (which checks that it holds,
    /// as `parse` does). Only for blocks of the quick scanner: it defers
    /// every text the grammar could read with an error or with front
    /// matter left open (`server/tests/quick_blocks.rs` checks the chunks).
    pub fn from_blocks(rope: &Rope, blocks: &[Block]) -> Self {
        let starts = blocks.iter().filter(|b| {
            let start = b.span.start;
            matches!(b.kind, BlockKind::Heading { .. })
                && start > 0
                && at_line_start(rope, start)
                && rope.byte(start) == b'#'
        });
        let chunks = std::iter::once(0)
            .chain(starts.map(|b| b.span.start))
            .map(|start| Chunk { start, head_len: line_end(rope, start) - start })
            .collect();
        MarkdownTree { parser: new_parser(), chunks, len: rope.len_bytes(), live: None }
    }

    /// Where each chunk starts (the first at 0): for tests comparing two
    /// ways of finding them.
    pub fn chunk_starts(&self) -> Vec<usize> {
        self.chunks.iter().map(|c| c.start).collect()
    }

    /// Whether a tree is kept (the chunks last edited, or a document the
    /// grammar reads with an error).
    pub fn has_live_tree(&self) -> bool {
        self.live.is_some()
    }

    fn parse_region(&mut self, rope: &Rope, span: Span, old: Option<&Tree>) -> Region {
        parse_region(&mut self.parser, rope, span, old)
    }

    fn push_chunks(&mut self, rope: &Rope, region: &Region) {
        self.chunks.extend(chunks_of(rope, region));
    }

    /// Parse the whole document as one region, as the fallback for text the
    /// grammar rejects: its error recovery may depend on text anywhere, so
    /// such a document stays one chunk until the error is gone.
    fn reparse_whole(&mut self, rope: &Rope) -> Vec<Block> {
        self.len = rope.len_bytes();
        let region = self.parse_region(rope, Span::new(0, self.len), None);
        let blocks = blocks_in(&region.tree, region.span, None);
        self.chunks.clear();
        if region.tree.root_node().has_error() {
            self.chunks.push(Chunk { start: 0, head_len: line_end(rope, 0) });
        } else {
            self.push_chunks(rope, &region);
        }
        self.live = Some(Live { span: region.span, tree: region.tree });
        blocks
    }

    fn chunk_end(&self, index: usize) -> usize {
        self.chunks.get(index + 1).map_or(self.len, |c| c.start)
    }

    /// The chunks (inclusive index range) an edit reaches, in the old
    /// text: those whose text or lookahead line it touches.
    fn reached(&self, edit: &AppliedEdit) -> (usize, usize) {
        // Chunk k reaches to the end of chunk k + 1's first line.
        let first = self.chunks[1..].partition_point(|next| next.start + next.head_len < edit.start);
        let last = self.chunks.partition_point(|c| c.start <= edit.old_end).saturating_sub(1);
        (first.min(last), last)
    }

    /// Follow one applied edit: reparse the chunks it reaches (incrementally
    /// when the last edit left their tree), and return the byte ranges (of
    /// the new text) whose block structure may have changed.
    pub fn edit(&mut self, edit: &AppliedEdit, rope: &Rope) -> Vec<Span> {
        let (first, mut last) = self.reached(edit);
        let start = self.chunks[first].start;
        let old_span = Span::new(start, self.chunk_end(last));
        self.len = rope.len_bytes();
        for chunk in &mut self.chunks[last + 1..] {
            chunk.start = (chunk.start as isize + edit.delta()) as usize;
        }
        let mut old = self.live.take().filter(|live| live.span == old_span).map(|mut live| {
            live.tree.edit(&relative_edit(edit, start, rope));
            live.tree
        });
        let mut changed = None;
        let region = loop {
            let span = Span::new(start, self.chunk_end(last));
            let region = self.parse_region(rope, span, old.as_ref());
            if region.tree.root_node().has_error() {
                // Error recovery depends on the old tree and on text
                // anywhere: such text gets a fresh parse of the whole
                // document, so the tree never depends on the edits that
                // led to it.
                self.reparse_whole(rope);
                return vec![Span::new(0, self.len)];
            }
            if region.holds {
                if let Some(old) = &old {
                    let ranges = old.changed_ranges(&region.tree);
                    changed =
                        Some(ranges.map(|r| clamp(r.start_byte + start, r.end_byte + start, span)).collect());
                }
                break region;
            }
            // The chunk no longer ends where the next one starts (a fence
            // left open swallows the heading): take in as many chunks again.
            old = None;
            last = (last + (last - first + 1)).min(self.chunks.len() - 1);
        };
        let span = region.span;
        let new_chunks: Vec<Chunk> = chunks_of(rope, &region).collect();
        self.chunks.splice(first..=last, new_chunks);
        self.live = Some(Live { span, tree: region.tree });
        changed.unwrap_or_else(|| vec![span])
    }

    /// What the last edit reparsed: blocks outside it only moved.
    pub fn last_reparsed(&self) -> Option<Span> {
        self.live.as_ref().map(|live| live.span)
    }

    /// The blocks whose spans intersect `window` (every block when `None`),
    /// in document order. Chunks outside the last edit's tree are parsed
    /// again for this, so callers keep to what an edit changed.
    pub fn blocks_overlapping(&self, rope: &Rope, window: Option<Span>) -> Vec<Block> {
        let mut parser = None;
        let mut out = Vec::new();
        let mut k = 0;
        while k < self.chunks.len() {
            let span = Span::new(self.chunks[k].start, self.chunk_end(k));
            if let Some(live) = self.live.as_ref().filter(|l| l.span.start == span.start) {
                out.extend(blocks_in(&live.tree, live.span, window));
                k = self.chunks.partition_point(|c| c.start < live.span.end).max(k + 1);
                continue;
            }
            if window.is_none_or(|w| span.intersects(w)) {
                let parser = parser.get_or_insert_with(new_parser);
                out.extend(blocks_in(&parse_region(parser, rope, span, None).tree, span, window));
            }
            k += 1;
        }
        out
    }
}

/// The blocks of a tree parsed from `span`'s start that meet `window`
/// (absolute), in absolute offsets, without those of the lookahead line
/// after `span`.
pub(super) fn blocks_in(tree: &Tree, span: Span, window: Option<Span>) -> Vec<Block> {
    let base = span.start;
    let relative = window.map(|w| Span::new(w.start.saturating_sub(base), w.end.saturating_sub(base)));
    if relative.is_some_and(|w| w.is_empty()) {
        return Vec::new();
    }
    blocks_overlapping(tree, relative)
        .into_iter()
        .filter(|b| b.span.start + base < span.end)
        .map(|b| Block { kind: b.kind, span: b.span.offset_by(base), content_start: b.content_start + base })
        .collect()
}

/// Parse `span` (whose start is a chunk start) with the lookahead line
/// after it, and find whether it holds.
pub(super) fn parse_region(parser: &mut Parser, rope: &Rope, span: Span, old: Option<&Tree>) -> Region {
    let len = rope.len_bytes();
    let parsed_end = if span.end < len { line_end(rope, span.end) } else { span.end };
    let tree = parse_range(parser, rope, Span::new(span.start, parsed_end), old);
    let mut tops = top_level_headings(&tree);
    if span.start == 0 && open_front_matter(rope, &tree) {
        // Any later `---` line would close it: no heading is a boundary.
        tops.clear();
    }
    let holds = span.end >= len || tops.last().is_some_and(|&h| span.start + h == span.end);
    let heads = tops
        .into_iter()
        .map(|h| span.start + h)
        .filter(|&h| h > span.start && h < span.end && at_line_start(rope, h))
        .collect();
    Region { span, tree, heads, holds }
}

/// The chunks a region that holds splits into: one per top-level heading.
fn chunks_of<'a>(rope: &'a Rope, region: &'a Region) -> impl Iterator<Item = Chunk> + 'a {
    std::iter::once(region.span.start)
        .chain(region.heads.iter().copied())
        .map(|start| Chunk { start, head_len: line_end(rope, start) - start })
}

fn clamp(start: usize, end: usize, within: Span) -> Span {
    let start = start.clamp(within.start, within.end);
    Span::new(start, end.clamp(start, within.end))
}

/// An edit in the coordinates of a tree whose text starts at `base` (a
/// line start, so columns stay as they are).
fn relative_edit(edit: &AppliedEdit, base: usize, rope: &Rope) -> InputEdit {
    let base_row = rope.byte_to_line(base.min(rope.len_bytes()));
    let rel = |p: TextPoint| Point::new(p.row - base_row, p.column);
    InputEdit {
        start_byte: edit.start - base,
        old_end_byte: edit.old_end - base,
        new_end_byte: edit.new_end - base,
        start_position: rel(edit.start_point),
        old_end_position: rel(edit.old_end_point),
        new_end_position: rel(edit.new_end_point),
    }
}
