//! Control characters: how the rest of specls reads them.
//!
//! A C0 control character other than tab, line feed and carriage return
//! (NUL, vertical tab, form feed, escape...) is invisible in an editor, yet
//! tree-sitter-md's block grammar gives some of them a meaning of their own:
//! a line holding only a NUL byte does not end a paragraph, so the task on
//! the next line merged into the one before it. Everything that reads a
//! document's structure (the grammar, the block scanner, the closed-file
//! scanner) therefore reads each of these bytes as a space. The byte length
//! stays the same, so every offset and span still points into the real
//! text; the `control-character` rule reports each one.

/// Whether `byte` is a control character that specls reads as a space.
/// Multi-byte UTF-8 sequences never contain such a byte, so replacing it
/// keeps a `str` valid.
pub const fn is_control(byte: u8) -> bool {
    byte < 0x20 && !matches!(byte, b'\t' | b'\n' | b'\r')
}

/// Whether `bytes` hold any control character. Branch-free over the slice,
/// so the compiler vectorises it: this runs over whole documents.
pub fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().fold(false, |seen, &b| seen | is_control(b))
}

/// How many control characters `bytes` hold. Branch-free like
/// [`has_control`]: a document keeps this count up to date edit by edit.
pub fn count(bytes: &[u8]) -> usize {
    bytes.iter().map(|&b| usize::from(is_control(b))).sum()
}

/// `text` as specls reads it: every control character a space.
pub fn read_as_spaces(text: &str) -> std::borrow::Cow<'_, str> {
    if !has_control(text.as_bytes()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut owned = text.to_owned();
    blank_controls(&mut owned);
    std::borrow::Cow::Owned(owned)
}

/// Replace, in place, every control character of `text` by a space.
pub fn blank_controls(text: &mut String) {
    if !has_control(text.as_bytes()) {
        return;
    }
    let mut bytes = std::mem::take(text).into_bytes();
    for byte in &mut bytes {
        if is_control(*byte) {
            *byte = b' ';
        }
    }
    // Only ASCII bytes changed, into ASCII: still UTF-8.
    *text = String::from_utf8(bytes).unwrap_or_default();
}

/// Spaces handed out in place of runs of control characters.
const SPACES: &[u8; 64] = &[b' '; 64];

/// The longest prefix of `bytes` that reads the same: either the bytes up to
/// the first control character, or spaces for a run of them (up to 64).
/// Feeding a parser chunk by chunk through this gives it the text as
/// [`read_as_spaces`] would, without copying.
pub fn read_prefix(bytes: &[u8]) -> &[u8] {
    let run = bytes.iter().take(SPACES.len()).take_while(|&&b| is_control(b)).count();
    if run > 0 {
        return &SPACES[..run];
    }
    let plain = bytes.iter().position(|&b| is_control(b)).unwrap_or(bytes.len());
    &bytes[..plain]
}

/// The byte offsets of the control characters in `text`.
pub fn control_offsets(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes().enumerate().filter(|(_, b)| is_control(*b)).map(|(at, _)| at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tab_and_line_endings_are_not_control_characters() {
        assert!(!has_control(b"a\tb\r\nc\n\x7f"));
        for byte in [0u8, 0x0b, 0x0c, 0x1b, 0x1f] {
            assert!(is_control(byte), "{byte:#x}");
        }
    }

    #[test]
    fn reading_as_spaces_keeps_every_offset() {
        let text = "é\0x\x0b\x0b\n\x1b";
        let read = read_as_spaces(text);
        assert_eq!(read, "é x  \n ");
        assert_eq!(read.len(), text.len());
        assert!(matches!(read_as_spaces("plain"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(control_offsets(text).collect::<Vec<_>>(), [2, 4, 5, 7]);
    }

    #[test]
    fn prefixes_concatenate_to_the_spaced_text() {
        let text = format!("ab\0\0c{}d\x0c", "\x01".repeat(70));
        let mut rest = text.as_bytes();
        let mut read = Vec::new();
        while !rest.is_empty() {
            let prefix = read_prefix(rest);
            assert!(!prefix.is_empty());
            read.extend_from_slice(prefix);
            rest = &rest[prefix.len()..];
        }
        assert_eq!(read, read_as_spaces(&text).as_bytes());
    }
}
