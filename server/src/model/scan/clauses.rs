//! Dependency statements in prose: `T004-T007 before T008`, `T008 blocks
//! T009, T015`, `T014-T016 requires T013`, `T002 depends on T001`,
//! `T014 → T015 → T016`, `(depends on T012)`, `**Depends on**: T03`,
//! `Sequential after T006`, Spanish `antes de` / `depende de`.

use serde::Serialize;

use super::mentions::{Mention, MentionKind};
use crate::text::{Span, bytes_at};

/// Which way a statement points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The left tasks come first: the right ones depend on them.
    Before,
    /// The left tasks depend on the right ones.
    After,
}

/// One dependency statement: the task mentions on each side of a keyword.
/// An empty `left` means the subject is implicit: the task whose line (or
/// detail bullet) holds the statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clause {
    pub relation: Relation,
    /// Indices into the block's mentions (tasks and ranges only).
    pub left: Vec<u32>,
    pub right: Vec<u32>,
    /// The keyword's span, relative to the block.
    pub keyword: Span,
}

/// Keywords, longest first so `blocked by` wins over `blocks`.
const KEYWORDS: &[(&str, Relation)] = &[
    ("must complete before", Relation::Before),
    ("prerequisite for", Relation::Before),
    ("dependencies:", Relation::After),
    ("depending on", Relation::After),
    ("dependent on", Relation::After),
    ("depends upon", Relation::After),
    ("dependencies", Relation::After),
    ("prerequisites", Relation::After),
    ("required by", Relation::Before),
    ("dependency:", Relation::After),
    ("después de", Relation::After),
    ("tras", Relation::After),
    ("depends on", Relation::After),
    ("depende de", Relation::After),
    ("dependen de", Relation::After),
    ("blocked by", Relation::After),
    ("dependency", Relation::After),
    ("needed by", Relation::Before),
    ("waits for", Relation::After),
    ("depend on", Relation::After),
    ("antes del", Relation::Before),
    ("antes que", Relation::Before),
    ("antes de", Relation::Before),
    ("precedes", Relation::Before),
    ("requires", Relation::After),
    ("requiere", Relation::After),
    ("unblocks", Relation::Before),
    ("bloquean", Relation::Before),
    ("bloquea", Relation::Before),
    ("require", Relation::After),
    ("enables", Relation::Before),
    ("before", Relation::Before),
    ("blocks", Relation::Before),
    ("after", Relation::After),
    ("block", Relation::Before),
    ("needs", Relation::After),
    ("→", Relation::Before),
    ("⟶", Relation::Before),
    ("->", Relation::Before),
    ("=>", Relation::Before),
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Phrases that end a statement's right side without stating an edge:
/// in "T026 before T016 & used by T023" only T016 waits for T026, and in
/// "**Dependencies**: None (can run parallel with T014-T016)" nothing
/// waits: running in parallel is the opposite of an order.
const STOPS: &[&str] = &[
    "used by",
    "same as",
    "such as",
    "see ",
    "parallel with",
    "parallel to",
    "concurrently with",
    "alongside",
];

/// Words after a task ID that describe its state, not an order: "make
/// T081 PASS", "before integration tests T010/T011 passing".
const STATUS_WORDS: &[&str] =
    &["pass", "passes", "passing", "passed", "fail", "fails", "failing", "failed", "green"];

/// For each first byte, the keywords starting with it, as bits of their
/// index in [`KEYWORDS`] (lowest first, so the longest wins as before):
/// most positions of a line start none and are rejected with one lookup,
/// the others compare only the few keywords that can match there.
const KEYWORDS_BY_FIRST_BYTE: [u64; 256] = {
    assert!(KEYWORDS.len() <= 64);
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        table[KEYWORDS[i].0.as_bytes()[0] as usize] |= 1 << i;
        i += 1;
    }
    table
};

/// First bytes of [`STOPS`]: most positions of a sentence start none, and
/// are passed over without comparing each stop.
const STOP_FIRST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < STOPS.len() {
        table[STOPS[i].as_bytes()[0] as usize] = true;
        i += 1;
    }
    table
};

/// Bytes where a keyword or a stop may start: the walk of a sentence
/// passes over the others without looking further.
const STARTS_SOMETHING: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = KEYWORDS_BY_FIRST_BYTE[b] != 0 || STOP_FIRST_BYTES[b];
        b += 1;
    }
    table
};

/// The keyword starting at byte `at` of `text`, if any.
fn keyword_at(text: &str, lower: &str, at: usize) -> Option<(usize, Relation)> {
    let mut candidates = KEYWORDS_BY_FIRST_BYTE[lower.as_bytes()[at] as usize];
    // Whether a word character comes right before: asked only when an
    // alphabetic keyword's letters are there, which is rare.
    let mut after_word = None;
    while candidates != 0 {
        let (word, relation) = KEYWORDS[candidates.trailing_zeros() as usize];
        candidates &= candidates - 1;
        let end = at + word.len();
        if !bytes_at(lower.as_bytes(), at, word.as_bytes()) {
            continue;
        }
        // Arrows need no spaces around them: `T002→T001`.
        let alphabetic = word.chars().next().is_some_and(char::is_alphabetic);
        if alphabetic
            && *after_word
                .get_or_insert_with(|| at > 0 && text[..at].chars().next_back().is_some_and(is_word_char))
        {
            continue;
        }
        let boundary =
            !alphabetic || word.ends_with(':') || !text[end..].chars().next().is_some_and(is_word_char);
        if boundary {
            return Some((word.len(), relation));
        }
    }
    None
}

/// Sentences: split at `;`, at `. ` and at line breaks that start a new
/// field or bullet or follow a full stop; wrapped prose stays one sentence.
fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    // Remembered across line breaks: a run of blank lines is skipped once,
    // not once per line break in it.
    let mut next_content = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let split = match b {
            b';' => true,
            b'.' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            b'\n' => {
                if next_content <= i {
                    let rest = &text[i + 1..];
                    next_content = text.len() - rest.trim_start().len();
                }
                let next = &text[next_content..];
                let prev = text[start..i].trim_end();
                next.starts_with("**")
                    || crate::model::ids::parse_task_id(next, false).is_some()
                    || next.starts_with("- ")
                    || next.starts_with("* ")
                    || prev.ends_with([':', '.', ';'])
            }
            _ => false,
        };
        if split {
            out.push(Span::new(start, i));
            start = i + 1;
        }
    }
    out.push(Span::new(start, text.len()));
    out
}

/// Find the dependency statements of a block from its text and mentions.
pub fn scan_clauses(text: &str, mentions: &[Mention]) -> Vec<Clause> {
    let mut id_lists = IdLists::default();
    let task_refs: Vec<(u32, Span)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.kind, MentionKind::Task { .. } | MentionKind::TaskRange { .. }))
        .filter(|(_, m)| !followed_by_status(text, m.span.end, &mut id_lists))
        .map(|(i, m)| (i as u32, m.span))
        .collect();
    if task_refs.is_empty() {
        return Vec::new();
    }
    // ASCII lower-casing keeps every byte offset; the keywords' non-ASCII
    // letters (`después`) are lower case already.
    let lower = text.to_ascii_lowercase();
    let lower = lower.as_str();
    let hidden: Vec<Span> =
        mentions.iter().filter(|m| matches!(m.kind, MentionKind::Comment { .. })).map(|m| m.span).collect();
    let refs = Refs(&task_refs);
    let mut out = Vec::new();
    let mut hidden = Hidden { spans: &hidden, next: 0 };
    for sentence in sentences(text) {
        let keywords = keywords_in(text, lower, sentence, &mut hidden);
        clauses_of_sentence(text, sentence, &keywords, refs, &mut out);
    }
    out
}

/// The task mentions of a block as (mention index, span), in text order
/// and apart: the parts of a sentence are found by binary search, so a
/// line of thousands of IDs and keywords costs n log n.
#[derive(Clone, Copy)]
struct Refs<'a>(&'a [(u32, Span)]);

impl<'a> Refs<'a> {
    /// The mentions lying inside `from..to`.
    fn within(self, from: usize, to: usize) -> &'a [(u32, Span)] {
        let first = self.0.partition_point(|(_, s)| s.start < from);
        let count = self.0[first..].partition_point(|(_, s)| s.end <= to);
        &self.0[first..first + count]
    }

    /// The end of the last mention ending at or before `at`.
    fn last_end_before(self, at: usize) -> Option<usize> {
        let count = self.0.partition_point(|(_, s)| s.end <= at);
        count.checked_sub(1).map(|i| self.0[i].1.end)
    }
}

/// Comment spans in order, looked up at increasing offsets.
struct Hidden<'a> {
    spans: &'a [Span],
    next: usize,
}

impl Hidden<'_> {
    fn covering(&mut self, at: usize) -> Option<Span> {
        while self.spans.get(self.next).is_some_and(|s| s.end <= at) {
            self.next += 1;
        }
        self.spans.get(self.next).filter(|s| s.contains(at)).copied()
    }
}

/// Keywords (with their relation) and stop phrases (`None`) of a sentence.
fn keywords_in(
    text: &str,
    lower: &str,
    sentence: Span,
    hidden: &mut Hidden<'_>,
) -> Vec<(Span, Option<Relation>)> {
    let mut found = Vec::new();
    let mut at = sentence.start;
    while at < sentence.end {
        if let Some(span) = hidden.covering(at) {
            at = span.end;
            continue;
        }
        let byte = lower.as_bytes()[at];
        if !STARTS_SOMETHING[byte as usize] {
            // ASCII steps one byte; a character's first byte starts nothing
            // either, so its continuation bytes are passed one by one too.
            at += 1;
            continue;
        }
        if let Some((len, relation)) = keyword_at(text, lower, at) {
            found.push((Span::new(at, at + len), Some(relation)));
            at += len;
        } else if let Some(stop) = STOP_FIRST_BYTES[byte as usize]
            .then(|| STOPS.iter().find(|s| bytes_at(lower.as_bytes(), at, s.as_bytes())))
            .flatten()
        {
            found.push((Span::new(at, at + stop.len()), None));
            at += stop.len();
        } else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
    found
}

/// Keywords that label what follows ("**Dependencies**: T007"): they
/// state the implicit subject's prerequisites and nothing else.
fn is_label_keyword(text: &str, keyword: Span) -> bool {
    let word = text[keyword.start..keyword.end].to_ascii_lowercase();
    word.starts_with("dependenc") || word.starts_with("prerequisite")
}

/// Words after which a new clause starts: "T018 then T019 while T020
/// starts after T019" makes T020, not T018, the subject of "after".
const CLAUSE_BREAKS: &[&str] = &[" then ", " while ", " whereas ", " but ", " so ", " mientras ", " luego "];

fn clauses_of_sentence(
    text: &str,
    sentence: Span,
    keywords: &[(Span, Option<Relation>)],
    refs: Refs<'_>,
    out: &mut Vec<Clause>,
) {
    let in_part =
        |from: usize, to: usize| -> Vec<u32> { refs.within(from, to).iter().map(|(i, _)| *i).collect() };
    let keywords: Vec<(Span, Option<Relation>)> = keywords
        .iter()
        .filter(|(k, _)| !is_label_keyword(text, *k) || refs.within(sentence.start, k.start).is_empty())
        .copied()
        .collect();
    for (k, (keyword, relation)) in keywords.iter().enumerate() {
        let Some(relation) = relation else { continue };
        let previous_end = if k == 0 { sentence.start } else { keywords[k - 1].0.end };
        let mut right_to = keywords.get(k + 1).map_or(sentence.end, |(next, _)| next.start);
        let mut left_from = left_start(text, previous_end, keyword.start, refs);
        // "(T010 depends on T009)": a statement in parentheses is about what
        // the parentheses hold.
        if let Some(open) = unclosed_paren(text, left_from, keyword.start) {
            left_from = open + 1;
            if let Some(close) = text[keyword.end..right_to].find(')') {
                right_to = keyword.end + close;
            }
        }
        let left_refs = refs.within(left_from, keyword.start);
        let left: Vec<u32> = left_refs.iter().map(|(i, _)| *i).collect();
        let right = in_part(keyword.end, right_to);
        // An arrow chains tasks written right before it; "JsonTreeNode →
        // T002, JsonTreeBuilder → T003" maps names to tasks instead.
        if is_arrow(text, *keyword)
            && !left_refs.last().is_some_and(|(_, s)| ends_at_ids(text, s.end, keyword.start))
        {
            continue;
        }
        // An implicit subject only for the sentence's first keyword:
        // "Dependencies: T007 (needs X)" is one statement, not two.
        if right.is_empty() || (left.is_empty() && k > 0) {
            continue;
        }
        out.push(Clause { relation: *relation, left, right, keyword: *keyword });
    }
}

/// Where the left side of a keyword starts: after the previous keyword,
/// after a clause break ("then", "while"), and after a comma that ends a
/// clause of prose ("T004-T008 are sequential (same file), T009-T011 can
/// run after T008" is about T009-T011).
fn left_start(text: &str, from: usize, keyword: usize, refs: Refs<'_>) -> usize {
    let before = text[from..keyword].to_ascii_lowercase();
    let mut start = from;
    if let Some(at) = CLAUSE_BREAKS.iter().filter_map(|b| before.rfind(b).map(|i| i + b.len())).max() {
        start = from + at;
    }
    let base = start;
    for (comma, _) in text[base..keyword].match_indices(", ") {
        let comma = base + comma;
        let last_id_end = refs.last_end_before(comma).filter(|&end| end >= start);
        let prose = &text[last_id_end.unwrap_or(start)..comma];
        if last_id_end.is_some() && has_word(prose) {
            start = comma + 2;
        }
    }
    start
}

/// A word of three letters or more outside parentheses.
fn has_word(text: &str) -> bool {
    let mut depth = 0usize;
    let mut run = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if c.is_alphabetic() && depth == 0 => {
                run += 1;
                if run >= 3 {
                    return true;
                }
                continue;
            }
            _ => {}
        }
        run = 0;
    }
    false
}

/// The `(` left open between `from` and `to`, if any.
fn unclosed_paren(text: &str, from: usize, to: usize) -> Option<usize> {
    let mut open = Vec::new();
    for (i, c) in text[from..to].char_indices() {
        match c {
            '(' => open.push(from + i),
            ')' => {
                open.pop();
            }
            _ => {}
        }
    }
    open.pop()
}

fn is_arrow(text: &str, keyword: Span) -> bool {
    !text[keyword.start..keyword.end].starts_with(char::is_alphabetic)
}

/// True when nothing but punctuation and parenthesised asides separates the
/// last mention of the left side (ending at `last_end`) from the keyword.
fn ends_at_ids(text: &str, last_end: usize, keyword_start: usize) -> bool {
    !has_word(&text[last_end..keyword_start])
}

/// Is the mention ending at `end`, or the list of IDs it starts
/// ("T010/T011", "T010 and T011"), followed by a state word ("PASS")?
fn followed_by_status(text: &str, end: usize, lists: &mut IdLists) -> bool {
    let rest = &text[lists.end_of_list(text, end)..];
    let rest = rest.trim_start_matches([' ', ')', ']', '*']);
    // No state word is longer than eight letters.
    let word: String =
        rest.chars().take_while(|c| c.is_alphabetic()).take(9).collect::<String>().to_lowercase();
    STATUS_WORDS.contains(&word.as_str())
}

/// Where a list of IDs ("T010, T011 and T012") starting at an offset
/// ends, remembered for every offset walked: each mention of a line of n
/// IDs asks, and walking the rest of the list anew each time costs n².
#[derive(Default)]
struct IdLists {
    ends: std::collections::HashMap<usize, usize>,
}

impl IdLists {
    fn end_of_list(&mut self, text: &str, start: usize) -> usize {
        let mut walked = Vec::new();
        let mut at = start;
        let end = loop {
            if let Some(&end) = self.ends.get(&at) {
                break end;
            }
            walked.push(at);
            let rest = &text[at..];
            let trimmed = rest.trim_start_matches([' ', '/', ',', '&']);
            let trimmed = trimmed.strip_prefix("and ").unwrap_or(trimmed);
            match crate::model::ids::parse_task_id(trimmed, false) {
                Some((_, len)) if trimmed.len() < rest.len() => at = text.len() - trimmed.len() + len,
                _ => break at,
            }
        };
        for offset in walked {
            self.ends.insert(offset, end);
        }
        end
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::scan::mentions::scan_mentions;

    /// Statements as "left REL right" with mention texts.
    fn clauses(text: &str) -> Vec<String> {
        let mentions = scan_mentions(text);
        let name = |i: &u32| {
            let span = mentions[*i as usize].span;
            text[span.start..span.end].to_string()
        };
        scan_clauses(text, &mentions)
            .iter()
            .map(|c| {
                let left: Vec<_> = c.left.iter().map(name).collect();
                let right: Vec<_> = c.right.iter().map(name).collect();
                format!("{} {:?} {}", left.join(","), c.relation, right.join(","))
            })
            .collect()
    }

    #[test]
    fn every_notation_of_the_catalogue() {
        assert_eq!(
            clauses("Tests (T004-T007) before implementation (T008-T014)"),
            ["T004-T007 Before T008-T014"]
        );
        assert_eq!(clauses("T008 blocks T009, T015"), ["T008 Before T009,T015"]);
        assert_eq!(clauses("T014-T016 requires T013"), ["T014-T016 After T013"]);
        assert_eq!(clauses("T002 depends on T001"), ["T002 After T001"]);
        assert_eq!(clauses("T014 → T015 → T016"), ["T014 Before T015", "T015 Before T016"]);
        assert_eq!(clauses("T017 must complete before T023"), ["T017 Before T023"]);
    }

    #[test]
    fn implicit_subjects() {
        assert_eq!(clauses("Implement service (depends on T012, T013)"), [" After T012,T013"]);
        assert_eq!(clauses("**Depends on**: T03"), [" After T03"]);
        assert_eq!(clauses("**Dependencies**: T007 (needs JsonTreeBuilder)"), [" After T007"]);
        assert_eq!(clauses("No - Sequential after T006"), [" After T006"]);
    }

    #[test]
    fn no_statement_without_a_keyword_or_a_right_side() {
        assert!(clauses("T004 and T006 can run in parallel").is_empty());
        assert!(clauses("All implementation before polish").is_empty());
        assert!(clauses("T013 Verify tests fail before implementation").is_empty());
    }

    #[test]
    fn sentences_split_statements() {
        assert_eq!(clauses("T001 before T002. T003 blocks T004"), ["T001 Before T002", "T003 Before T004"]);
        assert_eq!(clauses("**Story**: US1\n**Depends on**: T05"), [" After T05"]);
    }

    #[test]
    fn labels_and_clause_breaks_keep_subjects_apart() {
        assert_eq!(
            clauses(
                "T018 T019 (sequential dependency: start with T018 then T019) then T022 while T020 starts after T019"
            ),
            ["T020 After T019"]
        );
    }

    #[test]
    fn state_words_are_not_orders() {
        assert!(clauses("T085 Implement check before allowing call (make T081 PASS)").is_empty());
        assert_eq!(
            clauses("T022/T023 (interop APIs) before integration tests T010/T011 passing"),
            Vec::<String>::new()
        );
    }

    #[test]
    fn arrows_mapping_names_to_tasks_are_not_chains() {
        assert!(clauses("(JsonTreeNode → T002/T006, JsonTreeBuilder → T003/T007)").is_empty());
        assert_eq!(
            clauses("Setup (T001-T003) → Contract Tests (T004-T009) → Models (T010)"),
            ["T001-T003 Before T004-T009", "T004-T009 Before T010"]
        );
        assert_eq!(clauses("T002→T001"), ["T002 Before T001"]);
    }

    #[test]
    fn running_in_parallel_with_is_not_a_dependency() {
        assert!(clauses("**Dependencies**: None (can run parallel with T014-T016)").is_empty());
        assert!(clauses("Depends on: nothing; can run in parallel with T003").is_empty());
        assert_eq!(clauses("**Depends on**: T002 (can run in parallel with T004)"), [" After T002"]);
    }

    #[test]
    fn used_by_ends_the_right_side() {
        assert_eq!(clauses("T026 (UTF-8) before T016 & used by T023/T022."), ["T026 Before T016"]);
    }

    #[test]
    fn statements_in_parentheses_and_after_commas_keep_their_own_subject() {
        assert_eq!(
            clauses(
                "T004-T008 can run in parallel (different files), T009-T010 sequential (T010 depends on T009)"
            ),
            ["T010 After T009"]
        );
        assert_eq!(
            clauses(
                "T004-T008 are sequential (same file), T009-T011 can run in parallel after T008 complete"
            ),
            ["T009-T011 After T008"]
        );
        assert_eq!(clauses("T001, T002 before T003"), ["T001,T002 Before T003"]);
        assert_eq!(clauses("T022 Test: open X (off), change Y, close it → check it"), Vec::<String>::new());
    }

    #[test]
    fn lines_starting_with_an_id_are_sentences() {
        assert_eq!(
            clauses("T099 blocks T001, T002\nT001 → T098"),
            ["T099 Before T001,T002", "T001 Before T098"]
        );
        assert_eq!(clauses("T007 tras T002"), ["T007 After T002"]);
    }

    #[test]
    fn spanish_notation() {
        assert_eq!(
            clauses("acción del store (T018/T019) antes del composer (T020)"),
            ["T018,T019 Before T020"]
        );
    }
}
