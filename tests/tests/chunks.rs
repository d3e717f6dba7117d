//! The chunked block tree of open documents (`specls::syntax::MarkdownTree`)
//! over every markdown document of `../shared/corpus`: its blocks are
//! exactly those of one tree-sitter parse of the whole document, when
//! opened and after edits that open a fence at each heading (swallowing the
//! chunks after it), type into it, and close it again.

use specls::model::file::MarkdownFile;
use specls::syntax::tree_sitter_blocks;
use specls::text::{ContentChange, PositionEncoding, PositionRange};
use specls_tests::{corpus, files_where, read_lossy};

fn replace(file: &mut MarkdownFile, start: usize, end: usize, text: &str) {
    let doc = file.document();
    let range = PositionRange::new(
        doc.position_of(start, PositionEncoding::Utf8),
        doc.position_of(end, PositionEncoding::Utf8),
    );
    let version = doc.version() + 1;
    file.apply_changes(&[ContentChange::replace(range, text)], PositionEncoding::Utf8, version);
}

fn assert_chunks_exact(file: &MarkdownFile, what: &str) {
    let text = file.document().text();
    let tree = file.tree().expect("an open document keeps its tree");
    assert!(tree.blocks_overlapping(file.document().rope(), None) == tree_sitter_blocks(&text), "{what}");
}

#[test]
fn corpus_documents_chunk_like_a_whole_parse() {
    let Some(dir) = corpus() else { return };
    let files = files_where(&dir, &|p| p.extension().is_some_and(|e| e == "md"));
    assert!(!files.is_empty(), "no markdown under {}", dir.display());
    for path in &files {
        let text = read_lossy(path);
        let name = path.display();
        let mut file = MarkdownFile::open(&text, 0);
        assert_chunks_exact(&file, &format!("{name} opened"));
        // The middle heading only: the test parses each state twice.
        let headings: Vec<usize> = text.match_indices("\n#").map(|(at, _)| at + 1).collect();
        if let Some(&at) = headings.get(headings.len() / 2) {
            replace(&mut file, at, at, "```\n");
            assert_chunks_exact(&file, &format!("{name}: fence opened at {at}"));
            replace(&mut file, at + 4, at + 4, "x");
            assert_chunks_exact(&file, &format!("{name}: typed at {at}"));
            replace(&mut file, at, at + 5, "");
            assert_chunks_exact(&file, &format!("{name}: fence closed at {at}"));
        }
        assert!(file.document().text() == text, "{name}: the edits undo each other");
        assert!(file.blocks() == MarkdownFile::open(&text, 0).blocks(), "{name}: blocks after the edits");
    }
}
