use std::borrow::Cow;

use ropey::Rope;

use super::{Position, PositionEncoding, PositionRange, Span, control};

/// One change of an LSP `didChange` notification: `range == None` replaces
/// the whole text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContentChange {
    pub range: Option<PositionRange>,
    pub text: String,
}

impl ContentChange {
    pub fn full(text: impl Into<String>) -> Self {
        ContentChange { range: None, text: text.into() }
    }

    pub fn replace(range: PositionRange, text: impl Into<String>) -> Self {
        ContentChange { range: Some(range), text: text.into() }
    }
}

/// A row and a byte column, the coordinates tree-sitter's edits need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TextPoint {
    pub row: usize,
    pub column: usize,
}

/// A change as it was applied, in bytes: what the syntax layer turns into a
/// tree-sitter `InputEdit` and the model uses to find what to rescan.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppliedEdit {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
    pub start_point: TextPoint,
    pub old_end_point: TextPoint,
    pub new_end_point: TextPoint,
}

impl AppliedEdit {
    /// Bytes added (positive) or removed (negative) by the edit.
    pub fn delta(&self) -> isize {
        self.new_end as isize - self.old_end as isize
    }

    /// Where an offset of the old text lies in the new text; offsets inside
    /// the replaced range collapse to its new end.
    pub fn map_offset(&self, old: usize) -> usize {
        if old <= self.start {
            old
        } else if old >= self.old_end {
            (old as isize + self.delta()) as usize
        } else {
            self.new_end
        }
    }
}

/// The text of one file on a rope, with the version its editor gave it.
///
/// Every position conversion of specls goes through here, so a column is
/// counted in exactly one place.
#[derive(Clone, Debug, Default)]
pub struct Document {
    rope: Rope,
    version: i32,
    /// How many control characters the text holds ([`control`]): kept
    /// edit by edit, so that a rule asks without reading the whole text.
    controls: usize,
}

impl Document {
    pub fn new(text: &str, version: i32) -> Self {
        Document { rope: Rope::from_str(text), version, controls: control::count(text.as_bytes()) }
    }

    /// Whether the text holds a control character (see [`control`]).
    pub fn has_control(&self) -> bool {
        self.controls > 0
    }

    /// How many control characters the text holds.
    pub fn control_count(&self) -> usize {
        self.controls
    }

    pub fn rope(&self) -> &Rope {
        &self.rope
    }

    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn set_version(&mut self, version: i32) {
        self.version = version;
    }

    pub fn len(&self) -> usize {
        self.rope.len_bytes()
    }

    pub fn is_empty(&self) -> bool {
        self.rope.len_bytes() == 0
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// The text of `span`, clamped to the document and to char boundaries.
    pub fn slice(&self, span: Span) -> Cow<'_, str> {
        let start = self.floor_char_boundary(span.start);
        let end = self.floor_char_boundary(span.end.max(start));
        self.rope.byte_slice(start..end).into()
    }

    /// Number of lines as an editor counts them: a trailing newline opens
    /// one more (empty) line.
    pub fn line_count(&self) -> usize {
        self.rope.len_lines()
    }

    /// Zero-based line of a byte offset (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        self.rope.byte_to_line(offset.min(self.len()))
    }

    /// Byte offset where `line` starts; the end of the text past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        if line >= self.rope.len_lines() { self.len() } else { self.rope.line_to_byte(line) }
    }

    /// The span of `line` without its line break.
    pub fn line_span(&self, line: usize) -> Span {
        let start = self.line_start(line);
        if line >= self.rope.len_lines() {
            return Span::empty(start);
        }
        let slice = self.rope.line(line);
        Span::new(start, start + slice.len_bytes() - line_break_len(slice))
    }

    /// The span of `line` including its line break.
    pub fn full_line_span(&self, line: usize) -> Span {
        Span::new(self.line_start(line), self.line_start(line + 1))
    }

    /// The text of `line` without its line break.
    pub fn line_text(&self, line: usize) -> Cow<'_, str> {
        self.slice(self.line_span(line))
    }

    /// `offset` (clamped to the text) moved back to a character's start.
    /// Ropey's chunks hold whole characters, so the chunk around it says:
    /// one walk down the rope, where counting characters took two.
    fn floor_char_boundary(&self, offset: usize) -> usize {
        let offset = offset.min(self.len());
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(offset);
        chunk_start + super::floor_char_boundary(chunk, offset - chunk_start)
    }

    /// Position of a byte offset, counted in `encoding`. Offsets past the end
    /// or inside a character are clamped to the nearest boundary before them;
    /// a byte order mark is no column (an offset inside it is column 0).
    pub fn position_of(&self, offset: usize, encoding: PositionEncoding) -> Position {
        // Most positions lie on a line that starts in the same chunk as
        // they do: the chunk's own line breaks give the line and its
        // start, where the rope took three more walks down (a tenth of
        // publishing a report with many related places).
        let (chunk, chunk_start, _, chunk_line) = self.rope.chunk_at_byte(offset.min(self.len()));
        let within = super::floor_char_boundary(chunk, offset.min(self.len()) - chunk_start);
        if let Some(position) = position_in_chunk(chunk, within, chunk_line, encoding) {
            return position;
        }
        let offset = chunk_start + within;
        let line = self.rope.byte_to_line(offset);
        let line_start = self.content_start(line);
        let offset = offset.max(line_start);
        // Most lines lie in one chunk of the rope: their columns are
        // counted in its text (two walks down the rope fewer). Otherwise
        // the rope counts them.
        let (chunk, chunk_start, _, _) = self.rope.chunk_at_byte(line_start);
        let character = match chunk.get(line_start - chunk_start..offset - chunk_start) {
            Some(before) => columns(before, encoding),
            None => self.rope_columns(line_start, offset, encoding),
        };
        Position::new(line as u32, character as u32)
    }

    /// Columns between two character boundaries of one line, counted by
    /// the rope.
    fn rope_columns(&self, line_start: usize, offset: usize, encoding: PositionEncoding) -> usize {
        match encoding {
            PositionEncoding::Utf8 => offset - line_start,
            PositionEncoding::Utf16 => {
                let rope = &self.rope;
                rope.char_to_utf16_cu(rope.byte_to_char(offset))
                    - rope.char_to_utf16_cu(rope.byte_to_char(line_start))
            }
            PositionEncoding::Utf32 => self.rope.byte_to_char(offset) - self.rope.byte_to_char(line_start),
        }
    }

    /// Where line `line`'s columns start: after a byte order mark on the
    /// first line, which editors strip and no one counts as a column.
    fn content_start(&self, line: usize) -> usize {
        let bom = line == 0 && self.rope.len_chars() > 0 && self.rope.char(0) == '\u{feff}';
        self.rope.line_to_byte(line) + if bom { '\u{feff}'.len_utf8() } else { 0 }
    }

    /// Byte offset of a position counted in `encoding`. As LSP asks, a line
    /// past the end means the end of the text, and a column past the end of
    /// its line means the end of that line; a column inside a character (a
    /// UTF-16 surrogate pair, a UTF-8 sequence) rounds down to its start.
    pub fn offset_of(&self, position: Position, encoding: PositionEncoding) -> usize {
        let line = position.line as usize;
        if line >= self.rope.len_lines() {
            return self.len();
        }
        let mut content = self.line_span(line);
        content.start = self.content_start(line).min(content.end);
        let wanted = position.character as usize;
        let rope = &self.rope;
        let offset = match encoding {
            PositionEncoding::Utf8 => content.start + wanted.min(content.len()),
            PositionEncoding::Utf16 => {
                let first = rope.char_to_utf16_cu(rope.byte_to_char(content.start));
                let last = rope.char_to_utf16_cu(rope.byte_to_char(content.end));
                rope.char_to_byte(rope.utf16_cu_to_char((first + wanted).min(last)))
            }
            PositionEncoding::Utf32 => {
                let first = rope.byte_to_char(content.start);
                let last = rope.byte_to_char(content.end);
                rope.char_to_byte((first + wanted).min(last))
            }
        };
        self.floor_char_boundary(offset)
    }

    /// Byte span of a position range (ends swapped when given backwards).
    pub fn span_of(&self, range: PositionRange, encoding: PositionEncoding) -> Span {
        let a = self.offset_of(range.start, encoding);
        let b = self.offset_of(range.end, encoding);
        Span::new(a.min(b), a.max(b))
    }

    pub fn range_of(&self, span: Span, encoding: PositionEncoding) -> PositionRange {
        PositionRange::new(self.position_of(span.start, encoding), self.position_of(span.end, encoding))
    }

    /// Row and byte column of an offset, for tree-sitter.
    pub fn point_of(&self, offset: usize) -> TextPoint {
        let offset = offset.min(self.len());
        let row = self.rope.byte_to_line(offset);
        TextPoint { row, column: offset - self.rope.line_to_byte(row) }
    }

    /// Apply one LSP change and report it in bytes.
    pub fn apply_change(&mut self, change: &ContentChange, encoding: PositionEncoding) -> AppliedEdit {
        let span = match change.range {
            Some(range) => self.span_of(range, encoding),
            None => Span::new(0, self.len()),
        };
        self.replace(span, &change.text)
    }

    /// Replace the bytes of `span` (clamped to char boundaries) by `text`.
    pub fn replace(&mut self, span: Span, text: &str) -> AppliedEdit {
        let start = self.floor_char_boundary(span.start);
        let old_end = self.floor_char_boundary(span.end.max(start));
        let start_point = self.point_of(start);
        let old_end_point = self.point_of(old_end);
        let start_char = self.rope.byte_to_char(start);
        let old_end_char = self.rope.byte_to_char(old_end);
        let removed: usize =
            self.rope.byte_slice(start..old_end).chunks().map(|c| control::count(c.as_bytes())).sum();
        self.controls = self.controls - removed + control::count(text.as_bytes());
        self.rope.remove(start_char..old_end_char);
        self.rope.insert(start_char, text);
        let new_end = start + text.len();
        AppliedEdit {
            start,
            old_end,
            new_end,
            start_point,
            old_end_point,
            new_end_point: self.point_of(new_end),
        }
    }
}

/// The position of byte `within` of `chunk` (a character boundary), which
/// starts on line `chunk_line`, when the chunk also holds the start of
/// that position's line. Line breaks are the rope's (`\n`, `\r\n`, `\r`);
/// the rope never splits a `\r\n` between chunks. `None` when the line
/// starts in an earlier chunk, or `within` falls between a `\r` and what
/// follows it (left to the rope).
fn position_in_chunk(
    chunk: &str,
    within: usize,
    chunk_line: usize,
    encoding: PositionEncoding,
) -> Option<Position> {
    let before = &chunk.as_bytes()[..within];
    if before.last() == Some(&b'\r') {
        return None;
    }
    let line_start = memchr::memrchr2(b'\n', b'\r', before)? + 1;
    // Every `\r` of `before` has a byte after it: a break of its own
    // unless that byte is the `\n` of the same break.
    let feeds = memchr::memchr_iter(b'\n', before).count();
    let lone_returns = memchr::memchr_iter(b'\r', before).filter(|&at| before[at + 1] != b'\n').count();
    let line = chunk_line + feeds + lone_returns;
    Some(Position::new(line as u32, columns(&chunk[line_start..within], encoding) as u32))
}

/// The width of `text` in `encoding`'s code units. Counted on bytes: a
/// character is one byte that does not continue a UTF-8 sequence, and it
/// takes two UTF-16 units when that byte starts a four-byte sequence.
fn columns(text: &str, encoding: PositionEncoding) -> usize {
    let bytes = text.as_bytes();
    let chars = || bytes.iter().filter(|&&b| (b as i8) >= -0x40).count();
    match encoding {
        PositionEncoding::Utf8 => bytes.len(),
        PositionEncoding::Utf16 => chars() + bytes.iter().filter(|&&b| b >= 0xF0).count(),
        PositionEncoding::Utf32 => chars(),
    }
}

fn line_break_len(line: ropey::RopeSlice<'_>) -> usize {
    let len = line.len_bytes();
    let byte = |i: usize| line.byte(i);
    if len >= 2 && byte(len - 2) == b'\r' && byte(len - 1) == b'\n' {
        2
    } else if len >= 1 && matches!(byte(len - 1), b'\n' | b'\r') {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PositionEncoding::*;
    use proptest::prelude::*;

    /// The position of `offset` counted by the rope alone, as before
    /// columns were read from chunks.
    fn position_by_rope(doc: &Document, offset: usize, encoding: PositionEncoding) -> Position {
        let rope = doc.rope();
        let offset = rope.char_to_byte(rope.byte_to_char(offset.min(doc.len())));
        let line = rope.byte_to_line(offset);
        let line_start = doc.content_start(line);
        let offset = offset.max(line_start);
        Position::new(line as u32, doc.rope_columns(line_start, offset, encoding) as u32)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]

        /// Texts of several rope chunks (lines crossing chunk ends) with
        /// characters of every UTF-8 width, Unicode line breaks and a
        /// byte order mark: every offset, also inside characters, gets
        /// the position the rope counts.
        #[test]
        fn positions_read_from_chunks_are_the_ropes(
            bom in any::<bool>(),
            pieces in prop::collection::vec(
                prop::sample::select(&["a", "word ", "é", "漢字", "😀", "\n", "\r\n", "\r", "\u{2028}", "\u{85}", "- [ ] T001 "][..]),
                0..1200,
            ),
        ) {
            let text = format!("{}{}", if bom { "\u{feff}" } else { "" }, pieces.concat());
            let doc = Document::new(&text, 0);
            for offset in 0..=text.len() + 1 {
                for encoding in [Utf8, Utf16, Utf32] {
                    prop_assert_eq!(doc.position_of(offset, encoding), position_by_rope(&doc, offset, encoding));
                }
            }
        }
    }

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn a_byte_order_mark_is_no_column_of_the_first_line() {
        let doc = Document::new("\u{feff}- [ ] T001 a\nb\n", 0);
        for encoding in [Utf8, Utf16, Utf32] {
            assert_eq!(doc.position_of(3, encoding), pos(0, 0), "{encoding:?}");
            assert_eq!(doc.position_of(0, encoding), pos(0, 0), "{encoding:?}");
            assert_eq!(doc.position_of(9, encoding), pos(0, 6), "{encoding:?}");
            assert_eq!(doc.offset_of(pos(0, 0), encoding), 3, "{encoding:?}");
            assert_eq!(doc.offset_of(pos(0, 6), encoding), 9, "{encoding:?}");
            assert_eq!(doc.position_of(16, encoding), pos(1, 0), "{encoding:?}");
        }
        // An edit at the start of the text goes after the mark, which stays first.
        let mut doc = doc;
        doc.apply_change(&ContentChange::replace(PositionRange::new(pos(0, 0), pos(0, 0)), "x"), Utf16);
        assert_eq!(doc.text(), "\u{feff}x- [ ] T001 a\nb\n");
    }

    #[test]
    fn the_control_count_follows_every_edit() {
        let mut doc = Document::new("a\0b\n\x0b\x0c\n- [ ] T001 x\n", 0);
        assert_eq!(doc.control_count(), 3);
        let edits: [(usize, usize, &str); 6] =
            [(1, 2, ""), (0, 0, "\x1b\x1b"), (4, 8, "q\0"), (0, 3, "\u{e9}\0"), (0, 0, ""), (2, 99, "\0\n")];
        for (start, end, text) in edits {
            doc.replace(Span::new(start, end.min(doc.len())), text);
            let fresh = control::count(doc.text().as_bytes());
            assert_eq!(doc.control_count(), fresh, "after replacing {start}..{end} by {text:?}");
            assert_eq!(doc.has_control(), fresh > 0);
        }
    }

    #[test]
    fn utf16_columns_count_surrogate_pairs_after_emoji_and_cjk() {
        let doc = Document::new("a😀b\n漢字x\n", 0);
        // "😀" is 4 bytes, 2 UTF-16 units, 1 scalar.
        assert_eq!(doc.offset_of(pos(0, 3), Utf16), 5);
        assert_eq!(doc.offset_of(pos(0, 2), Utf32), 5);
        assert_eq!(doc.offset_of(pos(0, 5), Utf8), 5);
        assert_eq!(doc.position_of(5, Utf16), pos(0, 3));
        assert_eq!(doc.position_of(5, Utf32), pos(0, 2));
        // CJK: 3 bytes, 1 UTF-16 unit each.
        let x = "a😀b\n漢字".len();
        assert_eq!(doc.position_of(x, Utf16), pos(1, 2));
        assert_eq!(doc.position_of(x, Utf8), pos(1, 6));
        assert_eq!(doc.offset_of(pos(1, 2), Utf16), x);
    }

    #[test]
    fn column_inside_a_surrogate_pair_rounds_down() {
        let doc = Document::new("a😀b", 0);
        assert_eq!(doc.offset_of(pos(0, 2), Utf16), 1);
        assert_eq!(doc.offset_of(pos(0, 3), Utf8), 1);
    }

    #[test]
    fn positions_past_the_end_of_a_line_or_the_text_are_clamped() {
        let doc = Document::new("ab\r\ncd", 0);
        assert_eq!(doc.offset_of(pos(0, 99), Utf16), 2, "stops before CRLF");
        assert_eq!(doc.offset_of(pos(1, 99), Utf16), 6);
        assert_eq!(doc.offset_of(pos(7, 0), Utf16), 6);
        assert_eq!(doc.position_of(999, Utf16), pos(1, 2));
    }

    #[test]
    fn crlf_counts_as_one_line_break() {
        let doc = Document::new("a\r\nb\r\n", 0);
        assert_eq!(doc.line_count(), 3);
        assert_eq!(doc.line_text(0), "a");
        assert_eq!(doc.line_span(1), Span::new(3, 4));
        assert_eq!(doc.position_of(3, Utf16), pos(1, 0));
    }

    #[test]
    fn missing_final_newline_is_fine() {
        let doc = Document::new("a\nlast", 0);
        assert_eq!(doc.line_count(), 2);
        assert_eq!(doc.line_text(1), "last");
        assert_eq!(doc.offset_of(pos(1, 4), Utf16), 6);
    }

    #[test]
    fn changes_apply_in_order_with_byte_report() {
        let mut doc = Document::new("hello\nworld\n", 1);
        let edit = doc
            .apply_change(&ContentChange::replace(PositionRange::new(pos(1, 0), pos(1, 5)), "wörld"), Utf16);
        assert_eq!((edit.start, edit.old_end, edit.new_end), (6, 11, 12));
        assert_eq!(edit.new_end_point, TextPoint { row: 1, column: 6 });
        doc.apply_change(&ContentChange::replace(PositionRange::new(pos(0, 5), pos(0, 5)), "!"), Utf16);
        assert_eq!(doc.text(), "hello!\nwörld\n");
        doc.apply_change(&ContentChange::full("new"), Utf16);
        assert_eq!(doc.text(), "new");
    }

    #[test]
    fn backwards_range_is_normalised() {
        let mut doc = Document::new("abcdef", 0);
        doc.apply_change(&ContentChange::replace(PositionRange::new(pos(0, 4), pos(0, 2)), ""), Utf16);
        assert_eq!(doc.text(), "abef");
    }

    #[test]
    fn map_offset_moves_later_offsets_by_the_delta() {
        let mut doc = Document::new("0123456789", 0);
        let edit = doc.replace(Span::new(2, 4), "xyz");
        assert_eq!(edit.map_offset(1), 1);
        assert_eq!(edit.map_offset(3), 5);
        assert_eq!(edit.map_offset(6), 7);
    }
}
