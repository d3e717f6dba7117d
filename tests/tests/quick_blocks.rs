//! The closed-file block scanner (`specls::syntax::quick`) over every
//! markdown document of `../shared/corpus`: wherever it answers, its blocks
//! are exactly tree-sitter-md's (and give the chunks a parse finds), and it
//! answers for most real documents. The documents it defers are read
//! chunk by chunk, with tree-sitter's blocks again.

use specls::syntax::{blocks_by_chunks, chunk_starts_both_ways, quick, tree_sitter_blocks};
use specls_tests::{corpus, files_where, read_lossy};

#[test]
fn corpus_documents_scan_like_tree_sitter() {
    let Some(dir) = corpus() else { return };
    let files = files_where(&dir, &|p| p.extension().is_some_and(|e| e == "md"));
    assert!(!files.is_empty(), "no markdown under {}", dir.display());
    let mut deferred = Vec::new();
    for path in &files {
        let text = read_lossy(path);
        match quick::scan_blocks(&text) {
            Some(blocks) => {
                assert!(blocks == tree_sitter_blocks(&text), "{} scans differently", path.display());
                let (found, parsed) = chunk_starts_both_ways(&text).expect("the quick scanner read it");
                assert!(found == parsed, "{}: chunks from the blocks differ from a parse's", path.display());
            }
            None => {
                let by_chunks = blocks_by_chunks(&text);
                assert!(by_chunks.is_some(), "{}: not read chunk by chunk", path.display());
                assert!(
                    by_chunks.unwrap() == tree_sitter_blocks(&text),
                    "{} differs by chunks",
                    path.display()
                );
                deferred.push(path.strip_prefix(&dir).unwrap_or(path).display().to_string());
            }
        }
    }
    let share = 100 * (files.len() - deferred.len()) / files.len();
    eprintln!("quick scanner took {share}% of {} corpus documents; deferred: {deferred:#?}", files.len());
    // Real documents are what it is for: most must not need tree-sitter.
    assert!(share >= 70, "only {share}% of corpus documents took the quick path");
}
