//! Dependency statements in prose: `T004-T007 before T008`, `T008 blocks
//! T009, T015`, `T014-T016 requires T013`, `T002 depends on T001`,
//! `T014 → T015 → T016`, `(depends on T012)`, `**Depends on**: T03`,
//! `Sequential after T006`, Spanish `antes de` / `depende de`.

use serde::Serialize;

use super::mentions::{Mention, MentionKind};
use crate::text::Span;

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

/// Bytes a keyword can start with: most positions of a line are rejected
/// with one table lookup instead of forty comparisons.
const FIRST_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < KEYWORDS.len() {
        table[KEYWORDS[i].0.as_bytes()[0] as usize] = true;
        i += 1;
    }
    table
};

/// The keyword starting at byte `at` of `text`, if any.
fn keyword_at(text: &str, lower: &str, at: usize) -> Option<(usize, Relation)> {
    if !FIRST_BYTES[lower.as_bytes()[at] as usize]
        || (at > 0 && text[..at].chars().next_back().is_some_and(is_word_char))
    {
        return None;
    }
    KEYWORDS.iter().find_map(|(word, relation)| {
        let end = at + word.len();
        if lower.get(at..end) != Some(*word) {
            return None;
        }
        let alphabetic = word.chars().next().is_some_and(char::is_alphabetic);
        let boundary =
            !alphabetic || word.ends_with(':') || !text[end..].chars().next().is_some_and(is_word_char);
        boundary.then_some((word.len(), *relation))
    })
}

/// Sentences: split at `;`, at `. ` and at line breaks that start a new
/// field or bullet or follow a full stop; wrapped prose stays one sentence.
fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let split = match b {
            b';' => true,
            b'.' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            b'\n' => {
                let next = text[i + 1..].trim_start();
                let prev = text[start..i].trim_end();
                next.starts_with("**")
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
    // ASCII lower-casing keeps every byte offset; the keywords' non-ASCII
    // letters (`después`) are lower case already.
    let lower = text.to_ascii_lowercase();
    let lower = lower.as_str();
    let task_refs: Vec<(u32, Span)> = mentions
        .iter()
        .enumerate()
        .filter(|(_, m)| matches!(m.kind, MentionKind::Task { .. } | MentionKind::TaskRange { .. }))
        .map(|(i, m)| (i as u32, m.span))
        .collect();
    if task_refs.is_empty() {
        return Vec::new();
    }
    let hidden: Vec<Span> =
        mentions.iter().filter(|m| matches!(m.kind, MentionKind::Comment { .. })).map(|m| m.span).collect();
    let mut out = Vec::new();
    for sentence in sentences(text) {
        let keywords = keywords_in(text, lower, sentence, &hidden);
        clauses_of_sentence(text, sentence, &keywords, &task_refs, &mut out);
    }
    out
}

fn keywords_in(text: &str, lower: &str, sentence: Span, hidden: &[Span]) -> Vec<(Span, Relation)> {
    let mut found = Vec::new();
    let mut at = sentence.start;
    while at < sentence.end {
        if let Some(span) = hidden.iter().find(|s| s.contains(at)) {
            at = span.end;
            continue;
        }
        if let Some((len, relation)) = keyword_at(text, lower, at) {
            found.push((Span::new(at, at + len), relation));
            at += len;
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
    keywords: &[(Span, Relation)],
    refs: &[(u32, Span)],
    out: &mut Vec<Clause>,
) {
    let in_part = |from: usize, to: usize| -> Vec<u32> {
        refs.iter().filter(|(_, s)| s.start >= from && s.end <= to).map(|(i, _)| *i).collect()
    };
    let keywords: Vec<(Span, Relation)> = keywords
        .iter()
        .filter(|(k, _)| !is_label_keyword(text, *k) || in_part(sentence.start, k.start).is_empty())
        .copied()
        .collect();
    for (k, (keyword, relation)) in keywords.iter().enumerate() {
        let mut left_from = if k == 0 { sentence.start } else { keywords[k - 1].0.end };
        let before = text[left_from..keyword.start].to_ascii_lowercase();
        if let Some(at) = CLAUSE_BREAKS.iter().filter_map(|b| before.rfind(b).map(|i| i + b.len())).max() {
            left_from += at;
        }
        let right_to = keywords.get(k + 1).map_or(sentence.end, |(next, _)| next.start);
        let left = in_part(left_from, keyword.start);
        let right = in_part(keyword.end, right_to);
        // An implicit subject only for the sentence's first keyword:
        // "Dependencies: T007 (needs X)" is one statement, not two.
        if right.is_empty() || (left.is_empty() && k > 0) {
            continue;
        }
        out.push(Clause { relation: *relation, left, right, keyword: *keyword });
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
    fn spanish_notation() {
        assert_eq!(
            clauses("acción del store (T018/T019) antes del composer (T020)"),
            ["T018,T019 Before T020"]
        );
    }
}
