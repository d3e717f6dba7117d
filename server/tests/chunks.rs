//! Differential property of the chunked block tree (`syntax::MarkdownTree`):
//! after any sequence of edits, the blocks read from its chunks are exactly
//! those of one tree-sitter parse of the whole document, and the scanned
//! blocks those of a fresh parse. The documents are made of many headings,
//! so edits open fences and HTML blocks that swallow the chunks after them,
//! insert and remove headings, and land on chunk boundaries.

use proptest::prelude::*;
use specls::fuzzing::assert_same_as_fresh_parse;
use specls::model::file::MarkdownFile;
use specls::syntax::{MarkdownTree, tree_sitter_blocks};
use specls::text::{ContentChange, PositionEncoding, PositionRange};

/// Lines documents are built from: headings of every level (and `#` lines
/// that are not headings), tasks, fences, HTML blocks, quotes, tables.
const LINES: &[&str] = &[
    "# Tasks\n",
    "## Phase 1: Setup\n",
    "### Tests for User Story 1\n",
    "#### Deep\n",
    "#hashtag\n",
    "  # indented heading\n",
    "- [ ] T001 Create src/a.py\n",
    "- [x] T002 [P] Configure lint\n",
    "  - nested detail\n",
    "    # heading inside an item\n",
    "1. ordered\n",
    "para line\n",
    "\n",
    "\n",
    "```\n",
    "~~~md\n",
    "<!--\n",
    "-->\n",
    "<div>\n",
    "</div>\n",
    "> quoted\n",
    "| a | b |\n|---|---|\n",
    "Setext\n===\n",
    "    indented code\n",
    "    ===\n",
    "---\n",
    "+++\n",
    "\u{b}",
    "\r\n",
];

/// What edits insert: the same lines, bits of them, and nothing.
const INSERTS: &[&str] = &[
    "", "#", "# ", "## H\n", "\n", "```", "```\n", "<!--", "-->\n", "- ", "x", "\n\n", "> ", "    ",
    "<div>\n",
];

fn document() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(LINES), 0..40).prop_map(|lines| lines.concat())
}

#[derive(Debug, Clone)]
struct Edit {
    start: f64,
    len: f64,
    insert: &'static str,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0.0..=1.0f64, 0.0..=1.0f64, prop::sample::select(INSERTS)).prop_map(|(start, len, insert)| Edit {
        start,
        len: len * len * 0.2,
        insert,
    })
}

/// Snap a fraction of the text to a line start half of the time: chunk
/// boundaries are line starts.
fn offset(text: &str, fraction: f64, snap: bool) -> usize {
    let at = ((fraction * text.len() as f64) as usize).min(text.len());
    let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    if snap { text[..at].rfind('\n').map_or(0, |i| i + 1) } else { at }
}

fn check(base: &str, edits: &[Edit]) {
    let mut file = MarkdownFile::open(base, 1);
    check_chunks(&file);
    for (version, e) in edits.iter().enumerate() {
        let text = file.document().text();
        let start = offset(&text, e.start, version % 2 == 0);
        let end = offset(&text, (e.start + e.len).min(1.0), false).max(start);
        let doc = file.document();
        let encoding = PositionEncoding::Utf8;
        let range = PositionRange::new(doc.position_of(start, encoding), doc.position_of(end, encoding));
        file.apply_changes(&[ContentChange::replace(range, e.insert)], encoding, version as i32 + 2);
        check_chunks(&file);
    }
    assert_same_as_fresh_parse(&file);
}

fn check_chunks(file: &MarkdownFile) {
    let text = file.document().text();
    let tree = file.tree().expect("an open document keeps its tree");
    assert_eq!(tree.blocks_overlapping(file.document().rope(), None), tree_sitter_blocks(&text), "{text:?}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(300),
        .. ProptestConfig::default()
    })]

    #[test]
    fn chunked_blocks_equal_a_whole_document_parse(text in document()) {
        let (_, blocks) = MarkdownTree::parse(&ropey::Rope::from_str(&text));
        prop_assert_eq!(blocks, tree_sitter_blocks(&text), "{:?}", text);
    }

    #[test]
    fn edited_chunks_equal_a_whole_document_parse(
        text in document(),
        edits in prop::collection::vec(edit(), 1..10),
    ) {
        check(&text, &edits);
    }
}

fn replace(file: &mut MarkdownFile, start: usize, end: usize, text: &str) {
    let doc = file.document();
    let encoding = PositionEncoding::Utf8;
    let range = PositionRange::new(doc.position_of(start, encoding), doc.position_of(end, encoding));
    let version = doc.version() + 1;
    file.apply_changes(&[ContentChange::replace(range, text)], encoding, version);
    check_chunks(file);
}

/// Opening a fence in the first chunk swallows every heading after it;
/// closing it splits the document again. Typing in one chunk, then in
/// another, then at a boundary.
#[test]
fn a_fence_swallows_later_chunks_and_gives_them_back() {
    let base: String = (1..=20).map(|i| format!("## Phase {i}\n\n- [ ] T{i:03} task\n\n")).collect();
    let mut file = MarkdownFile::open(&base, 1);
    replace(&mut file, 0, 0, "```\n");
    replace(&mut file, 0, 4, "");
    let len = file.document().len();
    replace(&mut file, len, len, "<!--\n");
    replace(&mut file, 30, 30, "x");
    replace(&mut file, 31, 31, "y");
    replace(&mut file, 200, 200, "z");
    let boundary = file.document().text().find("## Phase 7").unwrap();
    replace(&mut file, boundary, boundary, "~~~\n");
    replace(&mut file, boundary + 4, boundary + 5, "");
    replace(&mut file, boundary, boundary + 4, "");
    assert_same_as_fresh_parse(&file);
}

/// Found by the chunks property test: a vertical tab (read as a space)
/// before `---` still opens front matter for the grammar, so the quick
/// scanner must defer, or an open document's chunks split the front matter.
#[test]
fn front_matter_after_a_control_character_stays_one_block() {
    let text = "\u{b}---\n# Tasks\n## Phase 1: Setup\n# Tasks\n\n---\n1. ordered\n# Tasks\n# Tasks\n";
    check(text, &[Edit { start: 0.0, len: 0.0, insert: "" }]);
}
