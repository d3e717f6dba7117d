//! Task, requirement and story identifiers in every shape real files use.

use std::fmt;

use serde::{Serialize, Serializer};

/// The normalised identity of a task ID: `T01`, `T001` and `T-001` are the
/// same task; `T011.5` and `T011a` sort between `T011` and `T012`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskKey {
    pub number: u32,
    /// The `5` of `T011.5`.
    pub minor: Option<u32>,
    /// The upper-cased letter of `T037a` / `T037A`.
    pub suffix: Option<u8>,
}

impl TaskKey {
    pub const fn new(number: u32) -> Self {
        TaskKey { number, minor: None, suffix: None }
    }

    /// True for a plain `Tnnn` without minor number or letter.
    pub const fn is_plain(self) -> bool {
        self.minor.is_none() && self.suffix.is_none()
    }
}

impl fmt::Display for TaskKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "T{:03}", self.number)?;
        if let Some(minor) = self.minor {
            write!(f, ".{minor}")?;
        }
        if let Some(letter) = self.suffix {
            write!(f, "{}", letter as char)?;
        }
        Ok(())
    }
}

impl Serialize for TaskKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A task ID as written, with its key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TaskId {
    pub text: Box<str>,
    pub key: TaskKey,
}

impl TaskId {
    /// True for the shape the templates use: `T` and at least three digits,
    /// optionally one letter (`T001`, `T037a`).
    pub fn is_canonical(&self) -> bool {
        let rest = match self.text.strip_prefix('T') {
            Some(rest) => rest,
            None => return false,
        };
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let tail = &rest[digits..];
        digits >= 3 && (tail.is_empty() || (tail.len() == 1 && tail.as_bytes()[0].is_ascii_alphabetic()))
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// True when the byte before `at` does not continue a word.
pub(crate) fn word_starts_at(text: &str, at: usize) -> bool {
    at == 0 || !is_word_byte(text.as_bytes()[at - 1])
}

/// Parse a task ID at the start of `text`: `T001`, `T01`, `T1`, `T-001`,
/// `T037A`, `T016b`, `T011.5`, `T2.1`, and `t001` when `allow_lowercase`.
/// Returns the ID and its length in bytes. The ID must end at a word
/// boundary, so `T001ab` and `T12x3` are not IDs.
pub fn parse_task_id(text: &str, allow_lowercase: bool) -> Option<(TaskId, usize)> {
    let bytes = text.as_bytes();
    match bytes.first() {
        Some(b'T') => {}
        Some(b't') if allow_lowercase => {}
        _ => return None,
    }
    let mut at = 1;
    if bytes.get(at) == Some(&b'-') {
        at += 1;
    }
    let digits_start = at;
    while at < bytes.len() && bytes[at].is_ascii_digit() {
        at += 1;
    }
    let digits = &text[digits_start..at];
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    let number: u32 = digits.parse().ok()?;
    let mut key = TaskKey::new(number);
    if bytes.get(at) == Some(&b'.') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
        let minor_start = at + 1;
        let mut end = minor_start;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end - minor_start <= 3 {
            key.minor = text[minor_start..end].parse().ok();
            at = end;
        }
    } else if bytes.get(at).is_some_and(u8::is_ascii_alphabetic)
        && !bytes.get(at + 1).copied().is_some_and(is_word_byte)
    {
        key.suffix = Some(bytes[at].to_ascii_uppercase());
        at += 1;
    }
    if bytes.get(at).copied().is_some_and(is_word_byte) {
        return None;
    }
    Some((TaskId { text: text[..at].into(), key }, at))
}

/// Parse a requirement ID at the start of `text`: `FR-001`, `SC-004`,
/// `NFR-002`, `FR-005a`, `FR-001.1`, `FR-UL-001`, `DOC-REQ-003`.
/// Returns its length in bytes.
pub fn parse_requirement_id(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut saw_core = false;
    // Upper-case words joined by '-', at least one of which names a kind of
    // requirement, then the number.
    loop {
        let word_start = at;
        while at < bytes.len() && bytes[at].is_ascii_uppercase() {
            at += 1;
        }
        let word = &text[word_start..at];
        if word.is_empty() || word.len() > 8 || bytes.get(at) != Some(&b'-') {
            return None;
        }
        saw_core |= matches!(word, "FR" | "SC" | "NFR" | "REQ");
        at += 1;
        if bytes.get(at).is_some_and(u8::is_ascii_digit) {
            break;
        }
    }
    if !saw_core {
        return None;
    }
    while at < bytes.len() && bytes[at].is_ascii_digit() {
        at += 1;
    }
    // Sub-numbering: `.1`, `.1.2`, and a single letter `a`.
    while bytes.get(at) == Some(&b'.') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
        at += 1;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
    }
    if bytes.get(at).is_some_and(u8::is_ascii_alphabetic)
        && !bytes.get(at + 1).copied().is_some_and(is_word_byte)
    {
        at += 1;
    }
    if bytes.get(at).copied().is_some_and(is_word_byte) {
        return None;
    }
    Some(at)
}

/// The most digits a story number has: `US9999`. Longer numbers are not
/// story labels, and a phase title naming one names no story (so that no
/// rule asks for a label the task line could not hold).
pub const MAX_STORY_DIGITS: usize = 4;

/// The story number of a label such as `US1`, `US-2`, `US 3` (without
/// brackets). Returns the number and the length consumed.
pub fn parse_story_label(text: &str) -> Option<(u32, usize)> {
    let rest = text.strip_prefix("US")?;
    let skip = match rest.as_bytes().first() {
        Some(b'-' | b' ') => 1,
        _ => 0,
    };
    let digits = rest[skip..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > MAX_STORY_DIGITS {
        return None;
    }
    let end = 2 + skip + digits;
    if text.as_bytes().get(end).copied().is_some_and(is_word_byte) {
        return None;
    }
    Some((text[2 + skip..end].parse().ok()?, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> Option<(String, String, usize)> {
        parse_task_id(text, true).map(|(id, len)| (id.text.to_string(), id.key.to_string(), len))
    }

    #[test]
    fn task_ids_in_every_real_shape() {
        assert_eq!(id("T001 x"), Some(("T001".into(), "T001".into(), 4)));
        assert_eq!(id("T01:"), Some(("T01".into(), "T001".into(), 3)));
        assert_eq!(id("T-001"), Some(("T-001".into(), "T001".into(), 5)));
        assert_eq!(id("T037A "), Some(("T037A".into(), "T037A".into(), 5)));
        assert_eq!(id("T016b]"), Some(("T016b".into(), "T016B".into(), 5)));
        assert_eq!(id("T011.5 "), Some(("T011.5".into(), "T011.5".into(), 6)));
        assert_eq!(id("T2.1 Instrument"), Some(("T2.1".into(), "T002.1".into(), 4)));
        assert_eq!(id("T001."), Some(("T001".into(), "T001".into(), 4)));
        assert_eq!(id("t001"), Some(("t001".into(), "T001".into(), 4)));
        assert_eq!(id("TXXX"), None);
        assert_eq!(id("T001ab"), None);
        assert_eq!(id("Task"), None);
        assert!(parse_task_id("t001", false).is_none());
    }

    #[test]
    fn keys_order_suffixes_between_neighbours() {
        let key = |t: &str| parse_task_id(t, false).unwrap().0.key;
        assert!(key("T011") < key("T011.5"));
        assert!(key("T011.5") < key("T012"));
        assert!(key("T011") < key("T011a"));
        assert!(key("T011a") < key("T012"));
        assert_eq!(key("T01"), key("T001"));
    }

    #[test]
    fn canonical_ids() {
        let canonical = |t: &str| parse_task_id(t, true).unwrap().0.is_canonical();
        assert!(canonical("T001"));
        assert!(canonical("T1234"));
        assert!(canonical("T037a"));
        assert!(!canonical("T01"));
        assert!(!canonical("T-001"));
        assert!(!canonical("t001"));
        assert!(!canonical("T011.5"));
    }

    #[test]
    fn requirement_ids() {
        assert_eq!(parse_requirement_id("FR-001:"), Some(6));
        assert_eq!(parse_requirement_id("FR-005a "), Some(7));
        assert_eq!(parse_requirement_id("FR-001.1"), Some(8));
        assert_eq!(parse_requirement_id("FR-UL-001"), Some(9));
        assert_eq!(parse_requirement_id("DOC-REQ-003"), Some(11));
        assert_eq!(parse_requirement_id("SC-010"), Some(6));
        assert_eq!(parse_requirement_id("SPEC-200"), None);
        assert_eq!(parse_requirement_id("FR-"), None);
    }

    #[test]
    fn story_labels() {
        assert_eq!(parse_story_label("US1]"), Some((1, 3)));
        assert_eq!(parse_story_label("US-12"), Some((12, 5)));
        assert_eq!(parse_story_label("USA"), None);
    }
}
