//! Differential test of the closed-file block scanner (`syntax::quick`):
//! whenever it answers, its blocks are exactly those tree-sitter-md's block
//! grammar gives. Over every markdown fixture of the repository and over
//! generated documents made of the lines Spec Kit files are built from (and
//! of lines meant to trip it). Its blocks also give the chunks of an
//! opened document: they are those a parse finds. Documents it defers are
//! read chunk by chunk (`blocks_by_chunks`), with the same blocks again.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use specls::syntax::{Block, blocks_by_chunks, chunk_starts_both_ways, quick, tree_sitter_blocks};

/// Whether the quick scanner answered; panics when its answer differs.
fn agrees(text: &str, name: &str) -> bool {
    let Some(quick) = quick::scan_blocks(text) else { return false };
    let expected = tree_sitter_blocks(text);
    if quick != expected {
        let first =
            quick.iter().zip(&expected).position(|(a, b)| a != b).unwrap_or(quick.len().min(expected.len()));
        let show = |b: Option<&Block>| {
            b.map(|b| {
                format!(
                    "{:?} {:?} {:?}",
                    b.kind,
                    &text[b.span.start..b.span.end],
                    b.content_start - b.span.start
                )
            })
        };
        panic!(
            "{name}: block {first} differs\n quick: {:?}\n  tree: {:?}\n({} vs {} blocks)",
            show(quick.get(first)),
            show(expected.get(first)),
            quick.len(),
            expected.len()
        );
    }
    if let Some((found, parsed)) = chunk_starts_both_ways(text) {
        assert_eq!(found, parsed, "{name}: chunks found from the blocks differ from a parse's");
    }
    true
}

/// Whether the chunk-by-chunk reader answered; panics when its blocks
/// differ from a whole-document parse's.
fn chunks_agree(text: &str, name: &str) -> bool {
    let Some(blocks) = blocks_by_chunks(text) else { return false };
    assert_eq!(blocks, tree_sitter_blocks(text), "{name}: read chunk by chunk, the blocks differ");
    true
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

#[test]
fn every_fixture_scans_like_tree_sitter() {
    let mut files = Vec::new();
    markdown_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"), &mut files);
    files.sort();
    assert!(files.len() > 50, "fixtures found: {}", files.len());
    let mut quick = 0;
    for path in &files {
        let bytes = std::fs::read(path).expect("a readable fixture");
        let text = String::from_utf8_lossy(&bytes);
        quick += usize::from(agrees(&text, &path.display().to_string()));
        chunks_agree(&text, &path.display().to_string());
    }
    // Most fixtures are ordinary documents: the fast path must take them.
    assert!(quick * 2 > files.len(), "quick path took {quick} of {} fixtures", files.len());
}

#[test]
fn known_shapes_scan_like_tree_sitter_or_defer() {
    let cases = [
        "# T\n\n- [ ] T001 a\n  more\n  - sub\n\n```\n- [ ] T9\n```\n<!-- x\n-->\n",
        "para one\npara two\n\n## H\ntext",
        "- a\n- b\n\n  c\n\n1. x\n2. y\n10. z\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\ntail\n\nafter\n",
        "- item\n\n  | a | b |\n  |---|---|\n  | 1 | 2 |\n",
        "  indented para\n   more\n",
        "# H #\n##\n###### six\n####### seven\n",
        "***\n---\n- - -\n\ntext\n***\n",
        "<!-- one line -->\ntext\n<!--\nmulti\n\nline -->\n",
        "- [ ] T001 a\n    - [x] T002 b\n        - c\n\n      d\n",
        "```python\ncode\n  ```\nafter\n",
        "~~~\nunclosed\n",
        "text\n- item\n1) o\n",
        "**Bold**: value\n*emph* x\n_u_ y\n",
        "  # h\n",
        "  - item\n",
        "  para\n",
        "  | a | b |\n  |---|---|\n",
        "  <!-- c -->\n",
        "- a\n\n  # h\n  ```\n  x\n  ```\n",
        "- a\n   # h\n",
        // A delimiter-shaped body row is a row, not another table's start.
        "plain text with | a pipe\n|---|---|\n|---|---|\n",
        // What may not interrupt a paragraph is a table row too.
        "a | b\n|---|---|\n| 1 | 2 |\n12. twelfth\n",
        // Top-level block quotes of plain text (notes in tasks.md, plan.md).
        "> a\n> b\n\nnext\n",
        "# H\n> **NOTE**: write tests first\n\n## x\n> last\n",
        // Lazy continuation lines: the item's paragraph goes on.
        "- a\n**Storage**: b\n- c\n  - d\nlazy\n\ntext\n",
        // YAML front matter.
        "---\ntitle: x\n---\n# H\n- [ ] T001 a\n",
        "---  \n---\ntext\n",
        // A last line without a newline.
        "# H\n- [ ] T001 a",
        "para\n- item",
        // `<` before no tag name is text.
        "- <200ms render\n<2x faster\n< 5 s\n",
        // Tabs inside a top-level fenced code block; control characters.
        "```make\ndev:\n\t@run\n\t```\n```\n",
        "## \u{fffd} Guidelines\n- \u{5} Focus\n\u{0}\ntext\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        assert!(agrees(text, &format!("case {i}")), "case {i} deferred to tree-sitter: {text:?}");
        assert!(chunks_agree(text, &format!("case {i}")));
    }
}

#[test]
fn deferred_shapes_are_read_chunk_by_chunk_like_tree_sitter() {
    // What sent whole corpus documents to tree-sitter, each in a chunk
    // between chunks the quick scanner reads (and the heading after it
    // must still start a chunk, or not, as the grammar says).
    let shapes = [
        "> **Checklist**:\n> - [x] **Tokens**: only `var(--t3)`.\n> - [ ] b\n",
        "**Requirement**: \n> System MUST show a counter\n",
        "- Outline:\n\t- Define `Handle` data contract\n",
        "- [x] Implement `Session`.\n\t\t- [x] Scaffolding created.\n",
        "1. Setup + US6 (Routing) → skeleton\n2. + US1 (List) → **MVP!**\n",
        "```bash\n# a comment, not a heading\n> quoted\n```\n",
        "<!--\n# inside a comment\n> x\n",
        "---\n",
    ];
    for (i, shape) in shapes.iter().enumerate() {
        for text in [
            format!("# Plan\n\n- [ ] T001 a\n\n## Gate\n\n{shape}\n## Next\n\n- [ ] T002 b\n"),
            format!("{shape}# Next\ntext\n"),
            format!("# A\n{shape}"),
            format!("# A\n{shape}# B\n{shape}# C\n- x\n"),
        ] {
            assert!(chunks_agree(&text, &format!("shape {i}")), "shape {i}: no answer for {text:?}");
        }
    }
}

#[test]
fn grammar_quirks_are_followed_or_deferred() {
    // A row holding only `|` makes tree-sitter stretch the table over the
    // blank line and heading after it (error recovery).
    let quirks = [
        "| a | b |\n|---|---|\n| c | d\n|\n\n## H\n",
        "| a |\n|---|\n||\n",
        "- [ ] T001 a\n  b\nlazy\n",
        // A byte order mark, then form feeds (read as spaces) on their own
        // lines: a fuzzed seed.
        "\u{feff}\u{c}\n\u{c}\n Export cont    i<!//reports/{id}/e\u{1f}x` returns `text/csv`.",
        "\u{feff}# Tasks\n\n- [ ] T001 a\n",
        // `>` after four spaces, after a paragraph line: indented code to
        // the grammar (a fuzzed seed).
        "a- [ ] T0n\n      >      \"201\":\n          description: Created\n",
        "para\n    > x\n",
        // A line of `=` after four spaces, after a paragraph line:
        // indented code to the grammar (a property test's case).
        "Se\n    ===\n",
        "Se\n        =  \nmore\n",
        "- a\n      ===\n",
        "\u{1f600}- [x] T010 a\n    <!--- [x] T010 b\n",
        // Front matter after blank space (a property test's case).
        " ---\n---\n",
        "\n\n---\ntitle: x\n---\n# H\n",
    ];
    for (i, text) in quirks.iter().enumerate() {
        agrees(text, &format!("quirk {i}"));
        chunks_agree(text, &format!("quirk {i}"));
    }
}

#[test]
fn indented_quote_and_tag_markers_defer_only_where_read_as_structure() {
    // After a paragraph line, `>` or `<` after four spaces is read by the
    // grammar otherwise than a continuation (fuzzed seeds): left to it.
    for text in ["para\n    > x\n", "para\n    <!-- c -->\n", "para\n    <div>\n", "- a\n      > b\n"] {
        assert!(quick::scan_blocks(text).is_none(), "taken by the quick scanner: {text:?}");
    }
    // Inside fenced code (JSX, XML, shell output) or an HTML comment the
    // same lines are text to both: such a file keeps the quick path (they
    // once sent 14 corpus documents to tree-sitter).
    let in_code = [
        "# H\n\n```tsx\nreturn (\n    <div>\n      <span/>\n    </div>\n    > not a quote\n);\n```\n",
        "- [ ] T001 a\n\n  ```xml\n      <TargetFramework>net8.0</TargetFramework>\n  ```\n- [ ] T002 b\n",
        "~~~\n    > $ run\n~~~\ntext\n",
        "<!--\n    <div>\n    > x\n-->\n",
    ];
    for (i, text) in in_code.iter().enumerate() {
        assert!(agrees(text, &format!("in code {i}")), "deferred to tree-sitter: {text:?}");
    }
}

/// Lines of Spec Kit documents, and lines that end or change blocks.
fn line() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        Just(""),
        Just("# Tasks: Demo"),
        Just("## Phase 1: Setup"),
        Just("### Tests for User Story 1"),
        Just("- [ ] T001 Create `src/app.py`"),
        Just("- [x] T002 [P] [US1] Configure lint"),
        Just("  - [ ] T003 nested"),
        Just("    - deeper"),
        Just("  continued text"),
        Just("   three"),
        Just("      six spaces"),
        Just("1. first"),
        Just("2) second"),
        Just("12. twelfth"),
        Just("* star item"),
        Just("+ plus item"),
        Just("**Purpose**: text"),
        Just("plain text with | a pipe"),
        Just("| a | b |"),
        Just("|---|---|"),
        Just("| a |"),
        Just("-"),
        Just("|---"),
        Just("--- |"),
        Just("| 1 | 2 |"),
        Just("|"),
        Just("| |"),
        Just("|| x |"),
        Just("| a \\| b |"),
        Just("| `x \\| y` | z |"),
        Just("| a \\|"),
        Just("\\| a | b |"),
        Just("| a | b \\"),
        Just("a \\| b"),
        Just("- =e written for people"),
        Just("=e"),
        Just("= ="),
        Just("`code` first"),
        Just("**Total**: 38 tasks"),
        Just("*Based on v1*"),
        Just("- `ETag` header"),
        Just("_x_ y"),
        Just("``"),
        Just("~~x"),
        Just("a | b"),
        Just("--|--"),
        Just("```"),
        Just("```text"),
        Just("~~~"),
        Just("  ```"),
        Just("<!-- comment -->"),
        Just("<!--"),
        Just("-->"),
        Just("---"),
        Just("***"),
        Just("- - -"),
        Just("> quote"),
        Just("> **Note**: more"),
        Just(">"),
        Just("> - [ ] T009 quoted"),
        Just(">  two spaces"),
        Just("> | a | b |"),
        Just("> > nested"),
        Just("==="),
        Just("-"),
        Just("[link]: http://x"),
        Just("<div>"),
        Just("- <200ms modal render"),
        Just("<2x faster"),
        Just("< 5 s"),
        Just("    <div>"),
        Just("    > indented quote"),
        Just("    ==="),
        Just("     = "),
        Just("      </span>"),
        Just("<"),
        Just("</p>"),
        Just("<?php"),
        Just("<!DOCTYPE html>"),
        Just("<br/>"),
        Just("--- "),
        Just("----"),
        Just("title: Front matter"),
        Just("- \u{5} Focus on WHAT"),
        Just("\u{0}"),
        Just("a\u{c}b"),
        Just("\t tab"),
        Just("\t```"),
        Just("```\t"),
        Just("code\tafter a tab"),
        Just("é and 漢字"),
        Just("T001 → T002"),
    ]
}

fn document() -> impl Strategy<Value = String> {
    (prop::collection::vec(line(), 0..40), any::<bool>()).prop_map(|(lines, newline_at_end)| {
        let mut text = lines.join("\n");
        if newline_at_end {
            text.push('\n');
        }
        text
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn generated_documents_scan_like_tree_sitter(text in document()) {
        agrees(&text, "generated");
        chunks_agree(&text, "generated");
    }
}
