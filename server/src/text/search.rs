//! Searches of a few bytes, compared in place: setting up a general
//! substring searcher for each token or position of a bulk check cost
//! more than the search itself.

/// `haystack.find(needle)` for a token of a few bytes. UTF-8 synchronises:
/// a byte match of a whole needle starts on a character boundary.
pub fn find_short(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack.as_bytes().windows(needle.len()).position(|window| window == needle.as_bytes())
}

/// Whether `word` starts at byte `at` of `bytes`. The second byte is
/// compared first, inline: it turns away most candidates found by their
/// first byte without a call to compare the rest.
pub fn bytes_at(bytes: &[u8], at: usize, word: &[u8]) -> bool {
    match bytes.get(at..at + word.len()) {
        Some(found) => (word.len() < 2 || found[1] == word[1]) && found == word,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_short_finds_what_find_finds() {
        let haystacks = ["", "a](b", "](", "x<!--y", "é](ü", "http://a", "::/", "<!-<!--"];
        for haystack in haystacks {
            for needle in ["](", "<!--", "://", "", "é"] {
                assert_eq!(find_short(haystack, needle), haystack.find(needle), "{haystack:?} {needle:?}");
            }
        }
    }

    #[test]
    fn bytes_at_is_a_prefix_test_at_an_offset() {
        let text = b"a -> b";
        assert!(bytes_at(text, 2, b"->") && bytes_at(text, 5, b"b") && bytes_at(text, 0, b""));
        assert!(!bytes_at(text, 2, b"=>") && !bytes_at(text, 5, b"bc") && !bytes_at(text, 9, b"x"));
    }
}
