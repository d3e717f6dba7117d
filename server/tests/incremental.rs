//! Property: any sequence of edits applied incrementally (rope, tree-sitter
//! reparse, block rescan, model rebuild) leaves exactly the state a fresh
//! parse of the final text gives.

use proptest::prelude::*;
use specls::model::blocks::BlockList;
use specls::model::file::MarkdownFile;
use specls::model::tasks::TasksDoc;
use specls::syntax::MarkdownTree;
use specls::text::{ContentChange, PositionEncoding, PositionRange};
use tree_sitter::Node;

const BASE: &str = "---\ndescription: x\n---\n# Tasks: Demo\n\n## Phase 1: Setup\n\n- [ ] T001 Create `src/app.py`\n- [x] T002 [P] Configure lint in tests/conftest.py\n  - **File**: `src/x.py`\n\n## Phase 2: User Story 1 - Login (Priority: P1)\n\n**Goal**: log in\n\n### Tests for User Story 1\n\n- [ ] T003 [P] [US1] Contract test in tests/contract/test_login.py\n- [ ] T004 [US1] Implement login in src/login.py (depends on T003)\n\n```text\n- [ ] T099 not a task\n```\n\n<!-- specls-disable-next-line x -->\n## Dependencies\n\n- T001 blocks T003\n- T003-T004 before T005\n";

/// Fragments that stress the grammar: list markers, checkboxes, fences,
/// headings, CRLF, lone CR, multi-byte text, comments, control characters.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("- [ ] T0".to_string()),
        Just("- [x] T010 [P] [US2] Do é in src/a.rs\n".to_string()),
        Just("  - nested\n".to_string()),
        Just("```\n".to_string()),
        Just("## Phase 3: Polish\n".to_string()),
        Just("### T020: [X] heading task\n".to_string()),
        Just("<!--".to_string()),
        Just("-->".to_string()),
        Just("> ".to_string()),
        Just("| a | T001 |\n|---|---|\n".to_string()),
        Just("😀".to_string()),
        Just("漢字".to_string()),
        Just(" ".to_string()),
        Just("T004 → T005".to_string()),
        Just("\0".to_string()),
        Just("\n\0\n".to_string()),
        Just("\u{b}".to_string()),
        Just("\u{c}\n".to_string()),
        "[a-zT0-9 \\[\\]\\-]{0,6}".prop_map(|s| s),
    ]
}

#[derive(Debug, Clone)]
struct Edit {
    start: f64,
    len: f64,
    insert: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0.0..=1.0f64, 0.0..=1.0f64, prop::collection::vec(fragment(), 0..3))
        .prop_map(|(start, len, parts)| Edit { start, len: len * len * 0.3, insert: parts.concat() })
}

/// Node kinds and byte ranges, depth first: "the same tree" without the
/// row/column points (tree-sitter counts rows by '\n' only, the rope by
/// every LSP line break, and nothing in specls reads the points).
fn shape(node: Node<'_>, out: &mut Vec<(String, usize, usize)>) {
    out.push((node.kind().to_string(), node.start_byte(), node.end_byte()));
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        shape(child, out);
    }
}

fn tree_shape(tree: &MarkdownTree) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    shape(tree.tree().root_node(), &mut out);
    out
}

fn check(base: &str, edits: &[Edit], encoding: PositionEncoding) {
    let mut file = MarkdownFile::open(base, 1);
    // The model as the language server keeps it: each version built from
    // the one before.
    let mut model = (file.blocks().clone(), TasksDoc::from_blocks(file.blocks()));
    for (version, e) in edits.iter().enumerate() {
        let doc = file.document();
        let len = doc.len();
        let start = ((e.start * len as f64) as usize).min(len);
        let end = (start + (e.len * len as f64) as usize).min(len);
        let range = PositionRange::new(doc.position_of(start, encoding), doc.position_of(end, encoding));
        file.apply_changes(&[ContentChange::replace(range, e.insert.clone())], encoding, version as i32 + 2);
        let after = TasksDoc::from_blocks_after(file.blocks(), &model.0, &model.1);
        assert_eq!(after, TasksDoc::from_blocks(file.blocks()), "the model built from the last one differs");
        model = (file.blocks().clone(), after);
    }
    let text = file.document().text();
    let fresh = MarkdownFile::open(&text, 0);
    let outline = |list: &BlockList| -> Vec<String> {
        list.iter().map(|b| format!("{:?}@{}..{}", b.scan.kind, b.start, b.span().end)).collect()
    };
    assert_eq!(outline(file.blocks()), outline(fresh.blocks()), "block outline differs for {text:?}");
    assert_eq!(file.blocks(), fresh.blocks(), "blocks differ for {text:?}");
    assert_eq!(file.blocks(), &BlockList::parse(file.document().rope()));
    assert_eq!(
        tree_shape(file.tree().unwrap()),
        tree_shape(fresh.tree().unwrap()),
        "trees differ for {text:?}"
    );
    assert_eq!(TasksDoc::from_blocks(file.blocks()), TasksDoc::from_blocks(fresh.blocks()));
}

proptest! {
    // PROPTEST_CASES raises the count for a longer soak run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(400),
        .. ProptestConfig::default()
    })]

    #[test]
    fn incremental_edits_equal_a_fresh_parse(edits in prop::collection::vec(edit(), 1..12)) {
        check(BASE, &edits, PositionEncoding::Utf16);
    }

    #[test]
    fn incremental_edits_on_crlf_text_equal_a_fresh_parse(edits in prop::collection::vec(edit(), 1..8)) {
        check(&BASE.replace('\n', "\r\n"), &edits, PositionEncoding::Utf8);
    }

    #[test]
    fn typing_a_document_from_empty_equals_a_fresh_parse(parts in prop::collection::vec(fragment(), 1..30)) {
        let edits: Vec<Edit> = parts.into_iter().map(|insert| Edit { start: 1.0, len: 0.0, insert }).collect();
        check("", &edits, PositionEncoding::Utf32);
    }
}

#[test]
fn a_model_round_trip_keeps_unchanged_blocks_shared() {
    let mut file = MarkdownFile::open(BASE, 1);
    let before: Vec<_> = file.blocks().iter().map(|b| b.scan.clone()).collect();
    let at = file.document().position_of(BASE.find("Configure").unwrap(), PositionEncoding::Utf16);
    file.apply_changes(
        &[ContentChange::replace(PositionRange::new(at, at), "Re")],
        PositionEncoding::Utf16,
        2,
    );
    let shared = file
        .blocks()
        .iter()
        .filter(|b| before.iter().any(|old| std::sync::Arc::ptr_eq(old, &b.scan)))
        .count();
    assert!(
        shared + 3 >= before.len(),
        "only the edited block and its neighbours are rescanned: {shared} of {}",
        before.len()
    );
}
