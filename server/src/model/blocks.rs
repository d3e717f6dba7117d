//! The scanned blocks of one markdown document, kept up to date edit by
//! edit: only blocks that an edit or a structural change touched are
//! rescanned; the others keep their scan and move by the edit's delta.

use std::sync::Arc;

use super::scan::{BlockScan, scan_block};
use crate::syntax::{Block, MarkdownTree, blocks_by_chunks, quick};
use crate::text::{AppliedEdit, Span, control};
use ropey::Rope;

/// A block's scan at its current offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScannedBlock {
    pub start: usize,
    pub scan: Arc<BlockScan>,
}

impl ScannedBlock {
    pub fn span(&self) -> Span {
        Span::new(self.start, self.start + self.scan.len())
    }

    /// A span relative to this block made absolute.
    pub fn abs(&self, relative: Span) -> Span {
        relative.offset_by(self.start)
    }
}

/// Every block of a document in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockList {
    blocks: Vec<ScannedBlock>,
}

fn scan(block: &Block, rope: &Rope) -> ScannedBlock {
    let mut text: String = rope.byte_slice(block.span.start..block.span.end).into();
    // Read control characters as the grammar did: as spaces.
    control::blank_controls(&mut text);
    let line_start = rope.line_to_byte(rope.byte_to_line(block.span.start));
    let indent = block.span.start - line_start;
    let content_start = block.content_start.saturating_sub(block.span.start).min(text.len());
    ScannedBlock {
        start: block.span.start,
        scan: Arc::new(scan_block(block.kind, &text, content_start, indent)),
    }
}

/// A block's scan straight from the document's text (no copy): the
/// closed-file path, whose texts hold no control characters (the quick
/// scanner leaves those to tree-sitter). `None` when a span does not fall
/// on character boundaries, which the quick scanner never produces.
fn scan_in_text(block: &Block, text: &str) -> Option<ScannedBlock> {
    let own = text.get(block.span.start..block.span.end)?;
    // A byte loop: the line start is a few bytes back, nearer than a
    // memrchr's setup pays for.
    let line_start = text.get(..block.span.start)?.bytes().rposition(|b| b == b'\n').map_or(0, |i| i + 1);
    let indent = block.span.start - line_start;
    let content_start = block.content_start.saturating_sub(block.span.start).min(own.len());
    Some(ScannedBlock {
        start: block.span.start,
        scan: Arc::new(scan_block(block.kind, own, content_start, indent)),
    })
}

/// Documents with at least this many blocks per core are scanned on
/// every core: a 50k-task tasks.md has 53k blocks, and its scan was the
/// whole `didOpen` (350 ms on one core, every request waiting). Smaller
/// ones are not worth a thread.
const BLOCKS_PER_THREAD: usize = 4096;

/// A load that asks, now and then, whether it is still wanted (the
/// server's indexer gives up a closed feature once the editor opens it).
pub type Wanted<'a> = &'a (dyn Fn() -> bool + Sync);

/// Blocks scanned between two questions to [`Wanted`]: a few
/// milliseconds of work, and a question is a lock or two.
const BLOCKS_PER_QUESTION: usize = 1024;

/// Why [`scan_all`] stopped short.
enum Stopped {
    /// A block could not be scanned from the text: parse instead.
    Unscannable,
    /// The scan is not wanted any more.
    Unwanted,
}

/// `scan` of every block in order, in parallel for a long document,
/// asking `wanted` every [`BLOCKS_PER_QUESTION`] blocks. A scan that
/// panics panics here.
fn scan_all(
    blocks: &[Block],
    scan: impl Fn(&Block) -> Option<ScannedBlock> + Sync,
    wanted: Wanted,
) -> Result<Vec<ScannedBlock>, Stopped> {
    // Asked only for a long document: the answer reads cgroup files, a
    // few syscalls per call, which were 2.5% of a bulk check's time when
    // asked for each of its 7,000 documents.
    let want = blocks.len() / BLOCKS_PER_THREAD;
    let threads =
        if want > 1 { std::thread::available_parallelism().map_or(1, usize::from).min(want) } else { 1 };
    let scan_part = |part: &[Block]| {
        let mut out = Vec::with_capacity(part.len());
        for some in part.chunks(BLOCKS_PER_QUESTION) {
            if !wanted() {
                return Err(Stopped::Unwanted);
            }
            for block in some {
                out.push(scan(block).ok_or(Stopped::Unscannable)?);
            }
        }
        Ok(out)
    };
    if threads == 1 {
        return scan_part(blocks);
    }
    let scan_part = &scan_part;
    std::thread::scope(|scope| {
        let parts: Vec<_> = blocks
            .chunks(blocks.len().div_ceil(threads))
            .map(|part| scope.spawn(move || scan_part(part)))
            .collect();
        let mut out = Vec::with_capacity(blocks.len());
        for part in parts {
            out.extend(part.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))?);
        }
        Ok(out)
    })
}

/// Whether `text` holds NEL, LS or PS, found by their UTF-8 bytes (a
/// search by characters decoded every character of every document).
fn has_unicode_line_break(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xC2, 0xE2, bytes)
        .any(|i| matches!(bytes[i..], [0xC2, 0x85, ..] | [0xE2, 0x80, 0xA8 | 0xA9, ..]))
}

impl BlockList {
    /// The blocks of a document that is not open in an editor: read by the
    /// quick scanner when it can (no tree at all), else chunk by chunk,
    /// parsing with tree-sitter only the chunks it defers. All give the
    /// same blocks (`server/tests/quick_blocks.rs`).
    pub fn load(text: &str, rope: &Rope) -> Self {
        Self::load_while(text, rope, &|| true).expect("only an unwanted load stops")
    }

    /// [`BlockList::load`], or `None` once `wanted` turns false (asked
    /// while the blocks are scanned).
    pub fn load_while(text: &str, rope: &Rope, wanted: Wanted) -> Option<Self> {
        match quick::scan_blocks(text).or_else(|| blocks_by_chunks(text)) {
            Some(blocks) => Self::from_quick_while(&blocks, text, rope, wanted),
            None => Some(Self::parse(rope)),
        }
    }

    /// Scan the blocks the quick scanner found in `text` (`rope` holds the
    /// same text).
    pub fn from_quick(blocks: &[Block], text: &str, rope: &Rope) -> Self {
        Self::from_quick_while(blocks, text, rope, &|| true).expect("only an unwanted scan stops")
    }

    fn from_quick_while(blocks: &[Block], text: &str, rope: &Rope, wanted: Wanted) -> Option<Self> {
        // Ropey also breaks lines at NEL, LS and PS: a block's indentation
        // is then counted from the rope's line, as for an open document.
        // Control characters are read as spaces by the rope path's scan.
        if has_unicode_line_break(text) || control::has_control(text.as_bytes()) {
            return Some(Self::from_blocks(blocks, rope));
        }
        match scan_all(blocks, |b| scan_in_text(b, text), wanted) {
            Ok(blocks) => Some(BlockList { blocks }),
            Err(Stopped::Unscannable) => Some(Self::parse(rope)),
            Err(Stopped::Unwanted) => None,
        }
    }

    /// Scan every block of a fresh parse.
    pub fn from_blocks(blocks: &[Block], rope: &Rope) -> Self {
        let blocks = scan_all(blocks, |b| Some(scan(b, rope)), &|| true);
        BlockList { blocks: blocks.unwrap_or_else(|_| unreachable!("every block scans from the rope")) }
    }

    /// Parse `rope` and scan it, dropping the tree: for files that are not
    /// open in an editor.
    pub fn parse(rope: &Rope) -> Self {
        Self::from_blocks(&MarkdownTree::parse(rope).1, rope)
    }

    pub fn blocks(&self) -> &[ScannedBlock] {
        &self.blocks
    }

    pub fn iter(&self) -> std::slice::Iter<'_, ScannedBlock> {
        self.blocks.iter()
    }

    /// Index of the block containing `offset`, if any.
    pub fn block_at(&self, offset: usize) -> Option<usize> {
        let i = self.blocks.partition_point(|b| b.span().end <= offset);
        (i < self.blocks.len() && self.blocks[i].span().touches(offset)).then_some(i)
    }

    /// Follow one edit. `tree` is already reparsed; `changed` are the ranges
    /// whose structure changed (tree-sitter's `changed_ranges`).
    pub fn apply_edit(&mut self, tree: &MarkdownTree, rope: &Rope, edit: &AppliedEdit, changed: &[Span]) {
        let dirty = changed.iter().fold(Span::new(edit.start, edit.new_end), |acc, s| acc.cover(*s));
        let mut window = whole_lines(rope, dirty);
        // The line before a reparsed chunk ends the chunk before it, which
        // the reparse proved unchanged.
        if let Some(reparsed) = tree.last_reparsed() {
            window.start = window.start.max(reparsed.start.min(dirty.start));
        }
        let (mut first, mut last);
        let mut fresh;
        loop {
            (first, last) = self.touched(edit, window);
            let old_hull =
                self.blocks[first..last].iter().fold(window, |acc, b| acc.cover(mapped_span(b.span(), edit)));
            fresh = tree.blocks_overlapping(rope, Some(old_hull));
            let hull = fresh.iter().fold(old_hull, |acc, b| acc.cover(b.span));
            if hull == window {
                break;
            }
            window = hull;
        }
        let delta = edit.delta();
        for block in &mut self.blocks[last..] {
            block.start = (block.start as isize + delta) as usize;
        }
        let rescanned = reuse_or_scan(&self.blocks[first..last], &fresh, rope, edit);
        self.blocks.splice(first..last, rescanned);
    }

    /// The old blocks (by index range) that touch the edit or whose span,
    /// moved into new coordinates, meets `window`. They form one run; when
    /// none does, the empty range marks where new blocks go.
    fn touched(&self, edit: &AppliedEdit, window: Span) -> (usize, usize) {
        let meets = |b: &ScannedBlock| {
            let old = b.span();
            (old.start <= edit.old_end && old.end >= edit.start) || mapped_span(old, edit).intersects(window)
        };
        let blocks = &self.blocks;
        let mut first = blocks.partition_point(|b| mapped_span(b.span(), edit).end < window.start);
        while first < blocks.len()
            && !meets(&blocks[first])
            && mapped_span(blocks[first].span(), edit).start < window.end
        {
            first += 1;
        }
        let mut last = first;
        while last < blocks.len() && meets(&blocks[last]) {
            last += 1;
        }
        (first, last)
    }
}

/// The scans of `fresh` (new coordinates), taking over the scan of an old
/// block that the edit moved but left as it was: a reparse of a whole chunk
/// reports it all as changed, and analysis memoises facts per scan.
fn reuse_or_scan(
    old: &[ScannedBlock],
    fresh: &[Block],
    rope: &Rope,
    edit: &AppliedEdit,
) -> Vec<ScannedBlock> {
    let moved_start = |b: &ScannedBlock| {
        let span = b.span();
        if span.end <= edit.start {
            Some(span.start)
        } else if span.start >= edit.old_end {
            Some((span.start as isize + edit.delta()) as usize)
        } else {
            None
        }
    };
    let mut i = 0;
    fresh
        .iter()
        .map(|block| {
            while i < old.len() && moved_start(&old[i]).is_none_or(|s| s < block.span.start) {
                i += 1;
            }
            match old.get(i) {
                Some(o) if moved_start(o) == Some(block.span.start) && same_scan(&o.scan, block, rope) => {
                    ScannedBlock { start: block.span.start, scan: o.scan.clone() }
                }
                _ => scan(block, rope),
            }
        })
        .collect()
}

/// Whether scanning `block` would give `scan`: same kind, text, content
/// start and indentation.
fn same_scan(scan: &BlockScan, block: &Block, rope: &Rope) -> bool {
    let line_start = rope.line_to_byte(rope.byte_to_line(block.span.start));
    scan.kind == block.kind
        && scan.len() == block.span.len()
        && scan.content_start == block.content_start.saturating_sub(block.span.start).min(block.span.len())
        && scan.indent == block.span.start - line_start
        && rope.byte_slice(block.span.start..block.span.end) == *scan.text
}

/// An old span in the new text's coordinates; spans overlapping the edit
/// stretch to cover its new text.
fn mapped_span(old: Span, edit: &AppliedEdit) -> Span {
    if old.end <= edit.start {
        old
    } else if old.start >= edit.old_end {
        let delta = edit.delta();
        Span::new((old.start as isize + delta) as usize, (old.end as isize + delta) as usize)
    } else {
        Span::new(old.start.min(edit.start), edit.map_offset(old.end).max(edit.new_end))
    }
}

/// `span` widened to whole lines, plus the line before: a change at the
/// start of a line can join it to the paragraph above.
fn whole_lines(rope: &Rope, span: Span) -> Span {
    let len = rope.len_bytes();
    let first = rope.byte_to_line(span.start.min(len)).saturating_sub(1);
    let last = rope.byte_to_line(span.end.min(len));
    let end = if last + 1 < rope.len_lines() { rope.line_to_byte(last + 1) } else { len };
    Span::new(rope.line_to_byte(first), end.max(span.end.min(len)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_line_breaks_are_found_by_their_bytes() {
        for text in ["a\u{85}b", "\u{2028}", "x\u{2029}", "→ — \u{85}"] {
            assert!(has_unicode_line_break(text), "{text:?}");
        }
        for text in ["", "plain", "→ — … é \u{84} \u{2027} \u{202a}"] {
            assert!(!has_unicode_line_break(text), "{text:?}");
        }
    }
    use crate::text::Document;

    fn check_edit(before: &str, span: Span, insert: &str) {
        let mut doc = Document::new(before, 0);
        let (mut tree, blocks) = MarkdownTree::parse(doc.rope());
        let mut list = BlockList::from_blocks(&blocks, doc.rope());
        let edit = doc.replace(span, insert);
        let changed = tree.edit(&edit, doc.rope());
        list.apply_edit(&tree, doc.rope(), &edit, &changed);
        let fresh = BlockList::parse(doc.rope());
        assert_eq!(list, fresh, "after replacing {span:?} of {before:?} by {insert:?}");
    }

    const TEXT: &str =
        "# Tasks\n\n## Phase 1\n\n- [ ] T001 a\n- [ ] T002 b\n  more\n\npara\n\n```\ncode\n```\n";

    #[test]
    fn edits_inside_a_task_rescan_only_locally_and_match_a_fresh_parse() {
        check_edit(TEXT, Span::new(30, 30), "xyz");
        check_edit(TEXT, Span::new(20, 34), "");
        check_edit(TEXT, Span::new(0, 0), "front\n");
        check_edit(TEXT, Span::new(TEXT.len(), TEXT.len()), "- [ ] T003 c\n");
    }

    #[test]
    fn a_loaded_document_has_the_blocks_of_a_parsed_one() {
        for text in [TEXT, "- a\u{2028}  b\n  - c\n", "> quoted\n- [ ] T001 x\n", "- [ ] T001 a\n  - b\n"] {
            let doc = Document::new(text, 0);
            assert_eq!(BlockList::load(text, doc.rope()), BlockList::parse(doc.rope()), "{text:?}");
        }
        assert!(quick::scan_blocks(TEXT).is_some(), "the quick path is the one tested here");
    }

    /// On two cores or more, a document this long is scanned in parts.
    #[test]
    fn a_long_document_scanned_in_parts_keeps_its_order() {
        let text = crate::synth::tasks_md(10_000);
        let rope = Rope::from_str(&text);
        let blocks = quick::scan_blocks(&text).expect("the quick scanner reads synthetic tasks");
        assert!(blocks.len() >= 2 * BLOCKS_PER_THREAD);
        let one_by_one: Vec<ScannedBlock> = blocks.iter().map(|b| scan(b, &rope)).collect();
        assert_eq!(BlockList::from_quick(&blocks, &text, &rope).blocks, one_by_one);
        assert_eq!(BlockList::from_blocks(&blocks, &rope).blocks, one_by_one);
    }

    #[test]
    fn structural_edits_match_a_fresh_parse() {
        check_edit(TEXT, Span::new(9, 9), "```\n");
        check_edit(TEXT, Span::new(TEXT.len() - 4, TEXT.len()), "");
        check_edit(TEXT, Span::new(46, 47), "\n\n");
        check_edit(TEXT, Span::new(0, TEXT.len()), "");
        check_edit("", Span::new(0, 0), TEXT);
    }

    /// A line holding only a NUL byte used to glue the next task to the
    /// previous one (T003 vanished into T002's text).
    #[test]
    fn a_control_character_line_separates_blocks_like_a_blank_line() {
        let with_nul = "- [ ] T002 b\n\0\n- [ ] T003 c\n\x0b\x0c\n- [ ] T004 d\u{1b}e\n";
        let blank = "- [ ] T002 b\n \n- [ ] T003 c\n  \n- [ ] T004 d e\n";
        let outline = |text: &str| -> Vec<(Span, String)> {
            let list = BlockList::parse(&Rope::from_str(text));
            list.iter().map(|b| (b.span(), b.scan.text.to_string())).collect()
        };
        assert_eq!(outline(with_nul), outline(blank));
        assert_eq!(outline(with_nul).len(), 3);
        for insert in ["\0", "\x0b", "\n\0\n", "\x0c\n"] {
            for at in [12, 13, 14, 26] {
                check_edit(with_nul, Span::new(at, at), insert);
                check_edit(blank, Span::new(at, at), insert);
            }
        }
    }
}
