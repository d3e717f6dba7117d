//! Syntax: tree-sitter-md's *block* grammar over a document's rope, reparsed
//! incrementally, and the flat list of blocks (headings, list items,
//! paragraphs, code, HTML, tables) that the model scans. Files that are not
//! open in an editor are scanned once by [`quick`], which gives the same
//! blocks without building a tree, or defers to tree-sitter
//! ([`blocks_by_chunks`]: only the chunks it cannot read).
//!
//! Invariant: no inline grammar here. `MarkdownParser` reparses every inline
//! node on each edit (80-95% of a full parse, measured); task IDs, labels and
//! paths come from the model's own scanner over the blocks that changed.

mod blocks;
mod chunked;
pub mod quick;
mod tree;

pub use blocks::{Block, BlockKind, ListMarker, blocks_overlapping};
pub use chunked::blocks_by_chunks;
pub use tree::MarkdownTree;

/// Every block of `text` as tree-sitter-md's block grammar reads it (a
/// parse of the whole document as one tree, dropped after): the reference
/// [`quick`] and [`MarkdownTree`]'s chunks are held to.
pub fn tree_sitter_blocks(text: &str) -> Vec<Block> {
    tree::whole_document_blocks(&ropey::Rope::from_str(text))
}

/// Where the chunks of an open document start, found both ways when the
/// quick scanner reads `text`: from its blocks without parsing
/// ([`MarkdownTree::from_blocks`], how a document is opened) and by
/// parsing chunk after chunk ([`MarkdownTree::parse`]). `None` when the
/// quick scanner defers. The differential tests hold the two equal.
pub fn chunk_starts_both_ways(text: &str) -> Option<(Vec<usize>, Vec<usize>)> {
    let blocks = quick::scan_blocks(text)?;
    let rope = ropey::Rope::from_str(text);
    let found = MarkdownTree::from_blocks(&rope, &blocks).chunk_starts();
    Some((found, MarkdownTree::parse(&rope).0.chunk_starts()))
}
