//! Fingerprints of findings that survive lines moving: what `--baseline`
//! compares and what SARIF's `partialFingerprints` and GitLab's Code
//! Quality `fingerprint` carry.
//!
//! A finding's fingerprint hashes its rule, its file's printed path, the
//! text of the line it is anchored on (whitespace collapsed) and the text
//! it marks; never the line number or the message, which often quotes line
//! numbers. Two findings with the same parts (a rule firing twice on two
//! identical lines) are told apart by their order of appearance.
//!
//! The hash is FNV-1a over 64 bits, written out here rather than taken
//! from `std`, whose hasher may change between Rust releases: a baseline
//! written by one build must match the next.

use std::collections::HashMap;

use super::Place;

/// The version tag of the fingerprint scheme, as SARIF's
/// `partialFingerprints` key.
pub const SCHEME: &str = "specls/v1";

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn fnv1a(parts: &[&str]) -> u64 {
    let mut hash = FNV_OFFSET;
    for part in parts {
        // A separator that cannot occur in text keeps ("ab", "c") and
        // ("a", "bc") apart.
        for byte in part.bytes().chain(std::iter::once(0xff)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
    }
    hash
}

/// The anchored line's text with runs of whitespace made one space, and
/// the marked text; both empty when the file does not exist.
fn anchor_texts(place: &Place<'_>) -> (String, String) {
    let Some(file) = place.file else { return (String::new(), String::new()) };
    let doc = &file.document;
    let span = place.span;
    if span.end > doc.len() || span.start > span.end {
        return (String::new(), String::new());
    }
    let line = doc.line_text(doc.line_of(span.start));
    let normalised = crate::text::collapse_whitespace(&line);
    let marked = crate::text::collapse_whitespace(&doc.slice(span));
    (normalised, marked)
}

/// What a finding is, independent of where its line sits.
fn base(code: &str, place: &Place<'_>) -> u64 {
    let (line, marked) = anchor_texts(place);
    fnv1a(&[code, &place.path, &line, &marked])
}

/// Fingerprints of findings given in report order: equal parts get
/// their occurrence number, so every fingerprint of one report is unique.
pub fn fingerprints<'p, 'q: 'p>(
    findings: impl IntoIterator<Item = (&'static str, &'p Place<'q>)>,
) -> Vec<String> {
    let mut seen: HashMap<u64, usize> = HashMap::new();
    findings
        .into_iter()
        .map(|(code, place)| {
            let base = base(code, place);
            let occurrence = seen.entry(base).or_insert(0);
            *occurrence += 1;
            let hash = fnv1a(&[&format!("{base:016x}"), &occurrence.to_string()]);
            format!("{hash:016x}")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_is_the_published_function() {
        // FNV-1a 64 of "a" is af63dc4c8601ec8c; ours appends 0xff per part.
        let mut hash = FNV_OFFSET;
        hash ^= u64::from(b'a');
        hash = hash.wrapping_mul(FNV_PRIME);
        assert_eq!(hash, 0xaf63_dc4c_8601_ec8c);
        assert_ne!(fnv1a(&["ab", "c"]), fnv1a(&["a", "bc"]));
    }
}
