//! A markdown file's text, its block tree (only while open in an editor)
//! and its scanned blocks: the incremental pipeline of one document.

use super::blocks::{BlockList, Wanted};
use crate::syntax::{MarkdownTree, quick};
use crate::text::{AppliedEdit, ContentChange, Document, PositionEncoding};

/// One markdown document of a feature folder.
pub struct MarkdownFile {
    document: Document,
    /// Kept only for documents open in an editor: it makes the next edit
    /// incremental. Files read from disk drop it after scanning.
    tree: Option<MarkdownTree>,
    blocks: BlockList,
}

impl std::fmt::Debug for MarkdownFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarkdownFile")
            .field("version", &self.document.version())
            .field("len", &self.document.len())
            .field("blocks", &self.blocks.blocks().len())
            .field("has_tree", &self.tree.is_some())
            .finish()
    }
}

impl Clone for MarkdownFile {
    /// Clones carry no tree: a tree belongs to the editor's live copy.
    fn clone(&self) -> Self {
        MarkdownFile { document: self.document.clone(), tree: None, blocks: self.blocks.clone() }
    }
}

impl MarkdownFile {
    /// A document being edited: keeps its tree for incremental reparses.
    /// Its blocks come from the quick scanner when it can read the text:
    /// the tree then starts with its chunks found and none parsed
    /// ([`MarkdownTree::from_blocks`]), so opening a 5 MB tasks.md costs a
    /// scan, not a parse of every chunk.
    pub fn open(text: &str, version: i32) -> Self {
        let document = Document::new(text, version);
        let rope = document.rope();
        let (tree, blocks) = match quick::scan_blocks(text) {
            Some(blocks) => {
                (MarkdownTree::from_blocks(rope, &blocks), BlockList::from_quick(&blocks, text, rope))
            }
            None => {
                let (tree, blocks) = MarkdownTree::parse(rope);
                (tree, BlockList::from_blocks(&blocks, rope))
            }
        };
        MarkdownFile { document, tree: Some(tree), blocks }
    }

    /// A document read from disk: scanned without keeping a tree (most
    /// without building one: [`BlockList::load`]).
    pub fn load(text: &str) -> Self {
        let document = Document::new(text, 0);
        let blocks = BlockList::load(text, document.rope());
        MarkdownFile { document, tree: None, blocks }
    }

    /// [`MarkdownFile::load`], or `None` once `wanted` turns false (asked
    /// while the blocks are scanned).
    pub fn load_while(text: &str, wanted: Wanted) -> Option<Self> {
        let document = Document::new(text, 0);
        let blocks = BlockList::load_while(text, document.rope(), wanted)?;
        Some(MarkdownFile { document, tree: None, blocks })
    }

    pub fn document(&self) -> &Document {
        &self.document
    }

    pub fn blocks(&self) -> &BlockList {
        &self.blocks
    }

    pub fn tree(&self) -> Option<&MarkdownTree> {
        self.tree.as_ref()
    }

    pub fn has_tree(&self) -> bool {
        self.tree.is_some()
    }

    /// Drop the tree (the editor closed the document).
    pub fn release_tree(&mut self) {
        self.tree = None;
    }

    /// Apply LSP changes in order, reparsing and rescanning incrementally.
    pub fn apply_changes(&mut self, changes: &[ContentChange], encoding: PositionEncoding, version: i32) {
        for change in changes {
            let edit = self.document.apply_change(change, encoding);
            self.follow(&edit);
        }
        self.document.set_version(version);
    }

    fn follow(&mut self, edit: &AppliedEdit) {
        let rope = self.document.rope();
        match &mut self.tree {
            Some(tree) => {
                let changed = tree.edit(edit, rope);
                self.blocks.apply_edit(tree, rope, edit, &changed);
            }
            // A file loaded from disk gets its tree on its first edit.
            None => {
                let (tree, blocks) = MarkdownTree::parse(rope);
                self.blocks = BlockList::from_blocks(&blocks, rope);
                self.tree = Some(tree);
            }
        }
    }
}
