use tree_sitter::{Node, Tree, TreeCursor};

use crate::text::Span;

/// How a list item is marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ListMarker {
    /// `-`, `*` or `+`.
    Bullet,
    /// `1.` or `1)`.
    Ordered,
}

/// What a block is, as far as the block grammar knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BlockKind {
    /// An ATX (`## Title`) or setext heading; `level` 1..=6.
    Heading {
        level: u8,
    },
    /// A list item's marker and its first paragraph (its "own" text);
    /// nested lists and later paragraphs are blocks of their own.
    ListItem {
        marker: ListMarker,
    },
    Paragraph,
    Table,
    /// Fenced or indented code: never holds tasks.
    Code,
    /// An HTML block, such as a multi-line `<!-- comment -->`: never holds
    /// tasks, but may hold `specls-disable` directives.
    Html,
    /// YAML (`---`) or TOML (`+++`) front matter.
    FrontMatter,
}

/// One leaf block of a document, in document order. Blocks never overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Block {
    pub kind: BlockKind,
    /// The bytes the block covers.
    pub span: Span,
    /// Where its text starts: after a list marker or a heading's `#`s.
    pub content_start: usize,
}

fn node_span(node: Node<'_>) -> Span {
    Span::new(node.start_byte(), node.end_byte())
}

/// The blocks of `tree` whose spans intersect `window` (every block when
/// `window` is `None`), in document order. Subtrees outside the window are
/// skipped without being visited, so an edit costs the size of what changed.
pub fn blocks_overlapping(tree: &Tree, window: Option<Span>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut walker = Walker { window, out: &mut out };
    walker.children(&mut tree.walk());
    out
}

struct Walker<'a> {
    window: Option<Span>,
    out: &'a mut Vec<Block>,
}

impl Walker<'_> {
    fn wanted(&self, span: Span) -> bool {
        self.window.is_none_or(|w| span.intersects(w))
    }

    fn emit(&mut self, kind: BlockKind, span: Span, content_start: usize) {
        if !span.is_empty() && self.wanted(span) {
            self.out.push(Block { kind, span, content_start });
        }
    }

    /// Visit the children of the cursor's node that can reach the window.
    ///
    /// Siblings before the window are stepped over one by one: tree-sitter's
    /// `goto_first_child_for_byte` on a cursor misses children of some
    /// sections (seen with an HTML block after a fenced code block), while a
    /// sibling step costs a few nanoseconds.
    fn children(&mut self, cursor: &mut TreeCursor<'_>) {
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            let node = cursor.node();
            if let Some(w) = self.window
                && node.start_byte() >= w.end
            {
                break;
            }
            self.node(cursor);
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }

    fn node(&mut self, cursor: &mut TreeCursor<'_>) {
        let node = cursor.node();
        if !self.wanted(node_span(node)) {
            return;
        }
        match node.kind() {
            // An ERROR node wraps blocks the grammar could not fit (a list
            // item before a dangling marker at the end): their text still
            // belongs to the document, so their blocks are read too.
            "document" | "section" | "list" | "block_quote" | "ERROR" => self.children(cursor),
            "list_item" => self.list_item(cursor),
            "atx_heading" => self.atx_heading(node),
            "setext_heading" => self.setext_heading(node),
            "paragraph" => self.emit(BlockKind::Paragraph, node_span(node), node.start_byte()),
            "pipe_table" => self.emit(BlockKind::Table, node_span(node), node.start_byte()),
            "fenced_code_block" | "indented_code_block" => {
                self.emit(BlockKind::Code, node_span(node), node.start_byte())
            }
            "html_block" => self.emit(BlockKind::Html, node_span(node), node.start_byte()),
            "minus_metadata" | "plus_metadata" => {
                self.emit(BlockKind::FrontMatter, node_span(node), node.start_byte())
            }
            _ => {}
        }
    }

    fn atx_heading(&mut self, node: Node<'_>) {
        let mut level = 1;
        let mut content_start = node.end_byte();
        let mut cursor = node.walk();
        for child in node.children(&mut cursor) {
            match child.kind() {
                kind if kind.starts_with("atx_h") && kind.ends_with("_marker") => {
                    level = kind.as_bytes()[5].saturating_sub(b'0');
                    content_start = child.end_byte();
                }
                "inline" => {
                    content_start = child.start_byte();
                    break;
                }
                _ => {}
            }
        }
        self.emit(BlockKind::Heading { level }, node_span(node), content_start);
    }

    fn setext_heading(&mut self, node: Node<'_>) {
        let mut cursor = node.walk();
        let level = if node.children(&mut cursor).any(|c| c.kind() == "setext_h1_underline") { 1 } else { 2 };
        self.emit(BlockKind::Heading { level }, node_span(node), node.start_byte());
    }

    /// A list item's own block runs from its marker to the end of its first
    /// paragraph; everything after (nested lists, more paragraphs, code) is
    /// visited as blocks of their own.
    fn list_item(&mut self, cursor: &mut TreeCursor<'_>) {
        let item = cursor.node();
        let mut marker = ListMarker::Bullet;
        let mut content_start = item.start_byte();
        let mut own_end = item.start_byte();
        let mut rest = Vec::new();
        let mut seen_content = false;
        let mut walk = item.walk();
        for child in item.children(&mut walk) {
            match child.kind() {
                "list_marker_dot" | "list_marker_parenthesis" => {
                    marker = ListMarker::Ordered;
                    content_start = child.end_byte();
                    own_end = child.end_byte();
                }
                kind if kind.starts_with("list_marker") => {
                    content_start = child.end_byte();
                    own_end = child.end_byte();
                }
                // The checkbox stays in the text: the model's scanner reads
                // every checkbox shape (`[-]`, backticked) the same way.
                "task_list_marker_checked" | "task_list_marker_unchecked" => own_end = child.end_byte(),
                "block_continuation" => {}
                "paragraph" if !seen_content => {
                    seen_content = true;
                    own_end = child.end_byte();
                }
                _ => {
                    seen_content = true;
                    rest.push(child);
                }
            }
        }
        self.emit(BlockKind::ListItem { marker }, Span::new(item.start_byte(), own_end), content_start);
        if rest.iter().any(|child| self.wanted(node_span(*child))) {
            self.children_of_item(cursor, &rest);
        }
    }

    fn children_of_item(&mut self, cursor: &mut TreeCursor<'_>, rest: &[Node<'_>]) {
        if !cursor.goto_first_child() {
            return;
        }
        loop {
            if rest.contains(&cursor.node()) {
                self.node(cursor);
            }
            if !cursor.goto_next_sibling() {
                break;
            }
        }
        cursor.goto_parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::whole_document_tree;

    fn kinds(text: &str, window: Option<Span>) -> Vec<(BlockKind, String)> {
        let rope = ropey::Rope::from_str(text);
        blocks_overlapping(&whole_document_tree(&rope), window)
            .into_iter()
            .map(|b| (b.kind, text[b.content_start..b.span.end].trim_end().to_string()))
            .collect()
    }

    #[test]
    fn blocks_inside_an_error_node_are_kept() {
        // A dangling `2. *` at the very end makes the grammar wrap the list
        // in an ERROR node; the task above it must not vanish.
        let text = "- [ ] T001 Do x in src/a.py\n2. * ";
        let tree = whole_document_tree(&ropey::Rope::from_str(text));
        assert!(tree.root_node().has_error(), "{}", tree.root_node().to_sexp());
        assert_eq!(
            kinds(text, None)[0],
            (BlockKind::ListItem { marker: ListMarker::Bullet }, "[ ] T001 Do x in src/a.py".into())
        );
    }

    #[test]
    fn flattens_headings_items_and_opaque_blocks() {
        let text =
            "---\na: 1\n---\n# T\n\n- [ ] T001 a\n  more\n  - sub\n\n```\n- [ ] T9\n```\n<!-- x\n-->\n";
        let got = kinds(text, None);
        assert_eq!(
            got,
            vec![
                (BlockKind::FrontMatter, "---\na: 1\n---".into()),
                (BlockKind::Heading { level: 1 }, "T".into()),
                (BlockKind::ListItem { marker: ListMarker::Bullet }, "[ ] T001 a\n  more".into()),
                (BlockKind::ListItem { marker: ListMarker::Bullet }, "sub".into()),
                (BlockKind::Code, "```\n- [ ] T9\n```".into()),
                (BlockKind::Html, "<!-- x\n-->".into()),
            ]
        );
    }

    #[test]
    fn window_limits_the_blocks() {
        let text = "# A\n\npara one\n\npara two\n\n# B\n";
        let got = kinds(text, Some(Span::new(16, 18)));
        assert_eq!(got, vec![(BlockKind::Paragraph, "para two".into())]);
    }
}
