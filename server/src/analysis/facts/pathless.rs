//! What a block says about the files a task names (missing-file-path).

use super::BlockFacts;
use super::written::{file_names, fold};
use crate::model::scan::{BlockScan, MentionKind, boxed};

/// First words of tasks that run, check or ship rather than write.
const NON_WRITING_VERBS: &[&str] = &[
    "run",
    "rerun",
    "re-run",
    "execute",
    "verify",
    "validate",
    "confirm",
    "check",
    "review",
    "audit",
    "assess",
    "ensure",
    "measure",
    "benchmark",
    "profile",
    "monitor",
    "test",
    "manual",
    "manually",
    "install",
    "deploy",
    "commit",
    "push",
    "merge",
    "tag",
    "release",
    "publish",
    "demo",
    "if",
    "ejecutar",
    "verificar",
    "validar",
    "revisar",
    "probar",
];

/// What one block says about the files a task names: kept in the block's
/// facts, so a re-analysis only combines them.
pub(crate) struct PathlessFacts {
    pub has_path: bool,
    /// The names of the files its paths name ([`file_names`]).
    pub stems: Box<[String]>,
    /// Identifiers it writes (snake_case, camelCase, backticked), folded;
    /// four characters or more. Only a block without a path keeps them:
    /// missing-file-path reads them for tasks none of whose blocks names
    /// one, and most tasks name one.
    pub identifiers: Box<[String]>,
    /// A task line whose description says it writes no file: it runs,
    /// checks or ships, or works in the "same file" as another task.
    pub writes_nothing: bool,
}

/// The part of [`PathlessFacts`] every task is checked for.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct PathlessSummary {
    pub has_path: bool,
    pub writes_nothing: bool,
}

impl PathlessFacts {
    pub fn summary(&self) -> PathlessSummary {
        PathlessSummary { has_path: self.has_path, writes_nothing: self.writes_nothing }
    }

    pub(super) fn compute(scan: &BlockScan) -> Self {
        let paths = scan.mentions.iter().filter_map(|m| match &m.kind {
            MentionKind::Path { path } => Some(&**path),
            _ => None,
        });
        let stems = paths.clone().flat_map(file_names).collect();
        let has_path = paths.clone().next().is_some();
        let text = if has_path { "" } else { &*scan.text };
        // Backticks before each word, counted on from the word before:
        // counting from the start of the text for every word cost the
        // square of a long paragraph's length.
        let (mut backticks, mut counted_to) = (0, 0);
        let identifiers = words(text)
            .filter(|&(start, word)| {
                backticks += memchr::memchr_iter(b'`', &text.as_bytes()[counted_to..start]).count();
                counted_to = start;
                let identifier =
                    word.contains('_') || word.chars().skip(1).any(char::is_uppercase) || backticks % 2 == 1;
                identifier && word.chars().count() >= 4
            })
            .map(|(_, word)| fold(word))
            .collect();
        let writes_nothing = scan.task.as_ref().is_some_and(|line| writes_nothing(&line.description));
        let (stems, identifiers) = (boxed(stems), boxed(identifiers));
        PathlessFacts { has_path, stems, identifiers, writes_nothing }
    }

    pub fn get<'f>(facts: &'f BlockFacts, scan: &BlockScan) -> &'f Self {
        &facts.texts(scan).pathless
    }
}

/// Words of a short label ("Edge Case 1:", "Final smoke test:") that
/// announce a check done by hand.
const MANUAL_CHECK_LABELS: &[&str] =
    &["case", "scenario", "smoke", "manual", "walkthrough", "verification", "qa", "acceptance", "e2e"];
/// "Edge Case 1: Open modal ... → verify it stays open", "Final smoke
/// test: go through the workflow": a check done by hand, which writes no
/// file, says so in its label. An arrow alone says nothing: "Implement
/// the payment flow: create intent → confirm payment" writes code.
fn is_manual_check(description: &str) -> bool {
    let lower = description.to_lowercase();
    let word = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let label = lower.split_once(':').map(|(label, _)| label).filter(|l| l.split_whitespace().count() <= 5);
    label.is_some_and(|l| l.split_whitespace().any(|w| MANUAL_CHECK_LABELS.contains(&&*word(w))))
}

fn writes_nothing(description: &str) -> bool {
    if is_manual_check(description) {
        return true;
    }
    let first = description
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
        .to_lowercase();
    NON_WRITING_VERBS.contains(&first.as_str()) || description.to_lowercase().contains("same file")
}

/// Words of `text` (letters, digits, `_`) with their offsets.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        let start = at + rest.find(is_word)?;
        let len = text[start..].find(|c: char| !is_word(c)).unwrap_or(text.len() - start);
        at = start + len;
        Some((start, &text[start..start + len]))
    })
}
