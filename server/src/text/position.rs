use serde::{Deserialize, Serialize};

/// The unit in which a client counts columns (LSP `positionEncoding`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PositionEncoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: LSP's default and the only one every client supports.
    #[default]
    Utf16,
    /// Unicode scalar values.
    Utf32,
}

/// A zero-based line and column, the column counted in a [`PositionEncoding`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Position {
    pub line: u32,
    pub character: u32,
}

impl Position {
    pub const fn new(line: u32, character: u32) -> Self {
        Position { line, character }
    }
}

/// A range of two [`Position`]s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PositionRange {
    pub start: Position,
    pub end: Position,
}

impl PositionRange {
    pub const fn new(start: Position, end: Position) -> Self {
        PositionRange { start, end }
    }
}

/// The 1-based line and column of byte `offset` in `text`, the column in
/// Unicode scalar values as the CLI reports positions; an offset past the
/// end or inside a character counts from the last character before it.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// How far `indent` (the whitespace or drawing characters before a line's
/// text) reaches, in columns: a tab counts as four.
pub fn indent_columns(indent: &str) -> usize {
    indent.chars().map(|c| if c == '\t' { 4 } else { 1 }).sum()
}

#[cfg(test)]
mod column_tests {
    use super::{indent_columns, line_column};

    #[test]
    fn lines_and_columns_count_characters_from_one() {
        let text = "a = 1\nké = [\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        // After `ké ` (4 bytes, 3 characters).
        assert_eq!(line_column(text, 10), (2, 4));
        // Inside `é`, and past the end.
        assert_eq!(line_column(text, 8), (2, 2));
        assert_eq!(line_column(text, 99), (3, 1));
    }

    #[test]
    fn tabs_reach_four_columns() {
        assert_eq!(indent_columns(""), 0);
        assert_eq!(indent_columns("│   "), 4);
        assert_eq!(indent_columns("\t├── "), 8);
    }
}
