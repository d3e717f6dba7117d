//! Case-insensitive search that keeps byte offsets.
//!
//! Unicode case mapping changes byte lengths: `İ` (two bytes) lower-cases
//! to `i̇` (three), the Kelvin sign `K` (three) to `k` (one). An offset
//! found in `text.to_lowercase()` therefore need not be an offset of
//! `text`, nor even a character boundary of it. Search the original text
//! instead ([`find_ignore_ascii_case`]), or map what the lower-cased copy
//! found back ([`LowerCased`]).

use super::Span;

/// The offset in `haystack` of the first occurrence of `needle`, an ASCII
/// word, in any ASCII case. Compared byte by byte on the original, without
/// an allocation: a match starts and ends at ASCII bytes, so on character
/// boundaries.
pub fn find_ignore_ascii_case(haystack: &str, needle: &str) -> Option<usize> {
    debug_assert!(needle.is_ascii(), "{needle:?} is not ASCII");
    let (bytes, wanted) = (haystack.as_bytes(), needle.as_bytes());
    let &first = wanted.first()?;
    let starts = memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), bytes);
    starts
        .into_iter()
        .find(|&at| bytes.get(at..at + wanted.len()).is_some_and(|w| w.eq_ignore_ascii_case(wanted)))
}

/// Whether `haystack` holds `needle`, an ASCII word, in any ASCII case.
pub fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    find_ignore_ascii_case(haystack, needle).is_some()
}

/// Whether `word` lower-cased is `lower`: without a lower-cased copy when
/// `word` is ASCII, as most words asked about are.
pub fn is_lowercase_of(lower: &str, word: &str) -> bool {
    if word.is_ascii() { word.eq_ignore_ascii_case(lower) } else { word.to_lowercase() == lower }
}

/// A text lower-cased, with the way back to the original's offsets.
pub struct LowerCased {
    pub text: String,
    /// `(offset in the copy, offset in the original)` at each character
    /// of the original and at the end; `None` when every character
    /// lower-cases to as many bytes, so offsets are the same in both.
    boundaries: Option<Vec<(usize, usize)>>,
}

impl LowerCased {
    pub fn of(original: &str) -> Self {
        let text = original.to_lowercase();
        let same_lengths = original.is_ascii() || original.chars().all(|c| lower_len(c) == c.len_utf8());
        let boundaries = (!same_lengths).then(|| boundaries(original));
        LowerCased { text, boundaries }
    }

    /// The span of the original that `found`, a span of the copy, came
    /// from: widened to whole characters of the original when it starts
    /// or ends inside the lower case of one (the `i` of `İ`'s `i̇`).
    pub fn original_span(&self, found: Span) -> Span {
        let Some(boundaries) = &self.boundaries else { return found };
        // The last character starting at or before `found.start`, and the
        // first ending at or after `found.end`.
        let before = boundaries.partition_point(|&(copy, _)| copy <= found.start) - 1;
        let after = boundaries.partition_point(|&(copy, _)| copy < found.end);
        Span::new(boundaries[before].1, boundaries[after.min(boundaries.len() - 1)].1)
    }
}

/// `(offset in the lower-cased copy, offset in the original)` of every
/// character of `original`, and of its end.
fn boundaries(original: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(original.len() + 1);
    let mut copy = 0;
    for (at, c) in original.char_indices() {
        out.push((copy, at));
        copy += lower_len(c);
    }
    out.push((copy, original.len()));
    out
}

/// The byte length of `c`'s lower case.
fn lower_len(c: char) -> usize {
    c.to_lowercase().map(char::len_utf8).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_search_finds_any_case_at_original_offsets() {
        assert_eq!(find_ignore_ascii_case("**PREREQUISITES**: x", "prerequisites"), Some(2));
        assert_eq!(find_ignore_ascii_case("İİ Input:", "input"), Some(5));
        assert_eq!(find_ignore_ascii_case("\u{212A}ey input", "key"), None, "the Kelvin sign is not a k");
        assert_eq!(find_ignore_ascii_case("inpu", "input"), None);
        assert_eq!(find_ignore_ascii_case("anything", ""), None);
        assert!(contains_ignore_ascii_case("plan.md (Required)", "(required"));
    }

    #[test]
    fn spans_of_the_lower_case_map_back_to_the_original() {
        // `İ` grows by a byte and the Kelvin sign shrinks by two: "fast"
        // sits at 10 in the copy and at 11 in the original.
        let original = "İ \u{212A} is FAST";
        let lower = LowerCased::of(original);
        let at = lower.text.find("fast").unwrap();
        let span = lower.original_span(Span::new(at, at + 4));
        assert_eq!(&original[span.start..span.end], "FAST");
    }

    #[test]
    fn a_span_inside_a_characters_lower_case_widens_to_the_character() {
        let original = "İx";
        let lower = LowerCased::of(original);
        // The `i` of `i̇`, and the combining dot after it.
        assert_eq!(lower.original_span(Span::new(0, 1)), Span::new(0, 2));
        assert_eq!(lower.original_span(Span::new(1, 3)), Span::new(0, 2));
        assert_eq!(lower.original_span(Span::new(3, 4)), Span::new(2, 3));
        assert_eq!(lower.original_span(Span::new(4, 4)), Span::new(3, 3));
    }

    #[test]
    fn texts_whose_lower_case_keeps_lengths_keep_offsets() {
        let lower = LowerCased::of("Échec RAPIDE 漢字");
        assert!(lower.boundaries.is_none());
        assert_eq!(lower.original_span(Span::new(6, 12)), Span::new(6, 12));
    }
}
