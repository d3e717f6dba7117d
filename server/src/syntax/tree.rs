use ropey::Rope;
use tree_sitter::{InputEdit, Parser, Point, Tree};

use crate::text::{AppliedEdit, Span, TextPoint, control};

/// A parsed markdown block tree that follows its document's edits.
pub struct MarkdownTree {
    parser: Parser,
    tree: Tree,
}

impl std::fmt::Debug for MarkdownTree {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MarkdownTree").field("root", &self.tree.root_node().to_sexp().len()).finish()
    }
}

fn new_parser() -> Parser {
    let mut parser = Parser::new();
    parser
        .set_language(&tree_sitter_md::LANGUAGE.into())
        .expect("tree-sitter-md's block grammar matches the linked tree-sitter ABI");
    parser
}

/// Feed the parser straight from the rope's chunks: no copy of the text.
/// Control characters reach the grammar as spaces (`text::control`): some
/// of them would otherwise change the block structure unseen.
fn parse_rope(parser: &mut Parser, rope: &Rope, old: Option<&Tree>) -> Tree {
    let len = rope.len_bytes();
    let mut read = |byte: usize, _: Point| -> &[u8] {
        if byte >= len {
            return &[];
        }
        let (chunk, chunk_start, _, _) = rope.chunk_at_byte(byte);
        control::read_prefix(&chunk.as_bytes()[byte - chunk_start..])
    };
    parser
        .parse_with_options(&mut read, old, None)
        .expect("parsing without a timeout or cancellation flag always yields a tree")
}

fn point(p: TextPoint) -> Point {
    Point::new(p.row, p.column)
}

impl MarkdownTree {
    /// Parse a whole document.
    pub fn parse(rope: &Rope) -> Self {
        let mut parser = new_parser();
        let tree = parse_rope(&mut parser, rope, None);
        MarkdownTree { parser, tree }
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// Follow one applied edit: adjust the old tree, reparse incrementally
    /// against the edited rope, and return the byte ranges (of the new text)
    /// whose block structure changed.
    pub fn edit(&mut self, edit: &AppliedEdit, rope: &Rope) -> Vec<Span> {
        self.tree.edit(&InputEdit {
            start_byte: edit.start,
            old_end_byte: edit.old_end,
            new_end_byte: edit.new_end,
            start_position: point(edit.start_point),
            old_end_position: point(edit.old_end_point),
            new_end_position: point(edit.new_end_point),
        });
        let new_tree = parse_rope(&mut self.parser, rope, Some(&self.tree));
        if new_tree.root_node().has_error() {
            // Error recovery depends on the old tree: an incremental parse of
            // text the grammar rejects can recover differently from a fresh
            // parse of the same text (fuzzing found one that kept a list the
            // fresh parse wraps in an ERROR). Such text gets the fresh parse,
            // so the tree never depends on the edits that led to it.
            self.tree = parse_rope(&mut self.parser, rope, None);
            return vec![Span::new(0, rope.len_bytes())];
        }
        let changed =
            self.tree.changed_ranges(&new_tree).map(|r| Span::new(r.start_byte, r.end_byte)).collect();
        self.tree = new_tree;
        changed
    }
}
