//! Syntax: tree-sitter-md's *block* grammar over a document's rope, reparsed
//! incrementally, and the flat list of blocks (headings, list items,
//! paragraphs, code, HTML, tables) that the model scans.
//!
//! Invariant: no inline grammar here. `MarkdownParser` reparses every inline
//! node on each edit (80-95% of a full parse, measured); task IDs, labels and
//! paths come from the model's own scanner over the blocks that changed.

mod blocks;
mod tree;

pub use blocks::{Block, BlockKind, ListMarker, blocks_overlapping};
pub use tree::MarkdownTree;
