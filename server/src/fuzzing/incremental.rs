//! Target 2: a sequence of edits applied as an editor sends them (rope,
//! incremental tree-sitter reparse, block rescan, model rebuild) leaves
//! exactly the blocks, tree and models of a fresh parse of the final text:
//! `server/tests/incremental.rs` at libFuzzer's speed and depth. Both
//! draw on [`FRAGMENTS`] and end in [`assert_same_as_fresh_parse`].

use crate::model::blocks::BlockList;
use crate::model::file::MarkdownFile;
use crate::model::spec::SpecDoc;
use crate::model::tasks::TasksDoc;
use crate::syntax::tree_sitter_blocks;
use crate::text::{ContentChange, PositionEncoding, PositionRange};

use super::bytes::{Bytes, scaled};
use crate::text::floor_char_boundary;

/// Text that stresses the grammar (list markers, checkboxes, fences,
/// headings, CRLF, lone CR, multi-byte text, comments, control
/// characters), inserted when an edit asks for one instead of its own
/// bytes: mutations rarely spell these out. Saved inputs
/// (`server/tests/fixtures/fuzz/edits-*.bin`) pick fragments by index, so
/// the list keeps its order and length; letters whose case mapping
/// changes their length ([`super::CASE_CHANGING`]) come in through the
/// property test (`server/tests/incremental.rs`) instead.
pub const FRAGMENTS: &[&str] = &[
    "\n",
    "\r\n",
    "\r",
    "- [ ] T0",
    "- [x] T010 [P] [US2] Do é in src/a.rs\n",
    "  - nested\n",
    "```\n",
    "## Phase 3: Polish\n",
    "### T020: [X] heading task\n",
    "<!--",
    "-->",
    "> ",
    "| a | T001 |\n|---|---|\n",
    "| ID | Task |\n|----|------|\n| T0.1 | [ ] row task |\n",
    "😀",
    "漢字",
    " ",
    "T004 → T005",
    "---\n",
    "1. ",
    "    ",
    // Control characters, read as spaces by the grammar and the scanner.
    "\0",
    "\n\0\n",
    "\u{b}",
    "\u{c}\n",
    "\u{1b}[0m",
];

/// `data`: the first document (up to a separator), then edits of six or
/// more bytes each: encoding, start, length, and what to insert.
pub fn incremental_edits(data: &[u8]) {
    let mut input = Bytes::new(data);
    let base = String::from_utf8_lossy(input.until_separator()).into_owned();
    let mut file = MarkdownFile::open(&base, 1);
    let mut version = 2;
    while !input.is_empty() {
        let (change, encoding) = next_change(&mut input, &file.document().text());
        file.apply_changes(&[change], encoding, version);
        version += 1;
    }
    assert_same_as_fresh_parse(&file);
}

fn next_change(input: &mut Bytes<'_>, text: &str) -> (ContentChange, PositionEncoding) {
    let encoding = match input.byte() % 3 {
        0 => PositionEncoding::Utf8,
        1 => PositionEncoding::Utf16,
        _ => PositionEncoding::Utf32,
    };
    let start = floor_char_boundary(text, scaled(input.u16(), text.len()));
    // Mostly short deletions: the square favours small lengths.
    let fraction = input.u16() as u32;
    let length = (((fraction * fraction) as u64 * text.len() as u64) >> 34) as usize;
    let end = floor_char_boundary(text, start + length);
    let what = input.byte();
    let insert = if what & 0x80 != 0 {
        FRAGMENTS[usize::from(what & 0x7F) % FRAGMENTS.len()].to_string()
    } else {
        String::from_utf8_lossy(input.take(usize::from(what & 0x1F))).into_owned()
    };
    let document = crate::text::Document::new(text, 0);
    let range =
        PositionRange::new(document.position_of(start, encoding), document.position_of(end, encoding));
    (ContentChange::replace(range, insert), encoding)
}

/// The state `file` reached by its edits is the state a fresh parse of
/// its text gives: blocks (also as the tree-free scanner sees them),
/// tree shape, and the tasks and spec models.
pub fn assert_same_as_fresh_parse(file: &MarkdownFile) {
    let text = file.document().text();
    let fresh = MarkdownFile::open(&text, 0);
    let outline = |list: &BlockList| -> Vec<String> {
        list.iter().map(|b| format!("{:?}@{}..{}", b.scan.kind, b.start, b.span().end)).collect()
    };
    assert_eq!(outline(file.blocks()), outline(fresh.blocks()), "block outline differs for {text:?}");
    assert_eq!(file.blocks(), fresh.blocks(), "blocks differ for {text:?}");
    let controls = file.document().control_count();
    assert_eq!(controls, fresh.document().control_count(), "control characters miscounted in {text:?}");
    assert_eq!(file.blocks(), &BlockList::parse(file.document().rope()), "blocks differ from a parse");
    let Some(edited) = file.tree() else { panic!("an open document keeps its tree") };
    let whole = tree_sitter_blocks(&text);
    assert_eq!(edited.blocks_overlapping(file.document().rope(), None), whole, "chunks differ for {text:?}");
    assert_eq!(TasksDoc::from_blocks(file.blocks()), TasksDoc::from_blocks(fresh.blocks()), "tasks differ");
    assert_eq!(SpecDoc::from_blocks(file.blocks()), SpecDoc::from_blocks(fresh.blocks()), "specs differ");
}
