//! Property: any sequence of edits applied incrementally (rope, tree-sitter
//! reparse, block rescan, model rebuild) leaves exactly the state a fresh
//! parse of the final text gives. The fuzz target `incremental_edits`
//! checks the same property with the same fragments and assertions.

use proptest::prelude::*;
use specls::fuzzing::{CASE_CHANGING, FRAGMENTS, assert_same_as_fresh_parse};
use specls::model::file::MarkdownFile;
use specls::model::tasks::TasksDoc;
use specls::text::{ContentChange, PositionEncoding, PositionRange};

const BASE: &str = "---\ndescription: x\n---\n# Tasks: Demo\n\n## Phase 1: Setup\n\n- [ ] T001 Create `src/app.py`\n- [x] T002 [P] Configure lint in tests/conftest.py\n  - **File**: `src/x.py`\n\n## Phase 2: User Story 1 - Login (Priority: P1)\n\n**Goal**: log in\n\n### Tests for User Story 1\n\n- [ ] T003 [P] [US1] Contract test in tests/contract/test_login.py\n- [ ] T004 [US1] Implement login in src/login.py (depends on T003)\n\n```text\n- [ ] T099 not a task\n```\n\n<!-- specls-disable-next-line x -->\n## Dependencies\n\n- T001 blocks T003\n- T003-T004 before T005\n";

/// A fragment of the fuzz target's list, a letter whose case mapping
/// changes its length (the models compare titles and keys in any case),
/// or a few characters of the shapes task lines are made of.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        25 => prop::sample::select(FRAGMENTS).prop_map(str::to_string),
        3 => prop::sample::select(CASE_CHANGING).prop_map(str::to_string),
        1 => "[a-zT0-9 \\[\\]\\-]{0,6}".prop_map(|s| s),
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
    assert_same_as_fresh_parse(&file);
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

/// Found by the property test in a fresh-clone CI run: fenced code in a
/// list item, ended by a line indented less than the item's text (a space,
/// or a control character read as one). The grammar ends the code after
/// that indentation; the quick scanner leaves such texts to it.
#[test]
fn fenced_code_in_a_list_item_ended_by_a_shallower_indented_line() {
    for last in [" [0m", "\u{1b}[0m", "   x"] {
        let parts = ["- [x] T010 [P] [US2] Do é in src/a.rs\n", "    ", "```\n", last];
        let edits: Vec<Edit> = parts
            .into_iter()
            .map(|insert| Edit { start: 1.0, len: 0.0, insert: insert.to_string() })
            .collect();
        check("", &edits, PositionEncoding::Utf32);
    }
}
