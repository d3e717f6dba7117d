//! What a rule reports: a diagnostic with related places and a fix.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::text::Span;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
    Hint,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.to_ascii_lowercase().as_str() {
            "error" => Some(Severity::Error),
            "warning" | "warn" => Some(Severity::Warning),
            "info" | "information" => Some(Severity::Info),
            "hint" => Some(Severity::Hint),
            _ => None,
        }
    }
}

/// Another place that explains a diagnostic ("first used here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub file: Arc<str>,
    pub span: Span,
    pub message: String,
}

/// Whether a fix may be applied without a person looking (ruff's notion).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps the meaning of the document: `check --fix` applies it.
    Safe,
    /// Changes meaning (a new task, a renumbering): offered, never applied
    /// in bulk.
    Unsafe,
}

/// Replace `span` of `file` by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdit {
    pub file: Arc<str>,
    pub span: Span,
    pub new_text: String,
}

/// A quick fix: edits that resolve the diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<FileEdit>,
}

/// One finding of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule's code; set by [`super::analyze`] from the rule's metadata.
    pub code: &'static str,
    pub severity: Severity,
    /// The file, relative to the feature folder.
    pub file: Arc<str>,
    pub span: Span,
    pub message: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    pub fn new(severity: Severity, file: &Arc<str>, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code: "",
            severity,
            file: file.clone(),
            span,
            message: message.into(),
            related: Vec::new(),
            fix: None,
        }
    }

    pub fn with_related(mut self, file: &Arc<str>, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related { file: file.clone(), span, message: message.into() });
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

impl Fix {
    /// A fix of one edit.
    pub fn replace(
        title: impl Into<String>,
        applicability: Applicability,
        file: &Arc<str>,
        span: Span,
        new_text: impl Into<String>,
    ) -> Self {
        Fix {
            title: title.into(),
            applicability,
            edits: vec![FileEdit { file: file.clone(), span, new_text: new_text.into() }],
        }
    }
}

/// Two edits of one file cannot both apply when their ranges overlap, or
/// when both start at one offset and one of them inserts (which goes first
/// would be a guess).
pub fn edits_collide(a: Span, b: Span) -> bool {
    a.intersects(b) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// The edits of one round of fixes, per file: whole fixes whose edits
/// collide with none taken before, as `check --fix` takes them. A fix that
/// collides waits for the next round; an edit another fix already makes
/// counts once.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FixRound {
    pub edits: BTreeMap<Arc<str>, Vec<(Span, String)>>,
}

impl FixRound {
    /// Take every edit of one fix, or none of them; whether it was taken.
    pub fn take(&mut self, edits: &[FileEdit]) -> bool {
        let already = |e: &FileEdit| {
            self.edits.get(&e.file).is_some_and(|t| t.iter().any(|(s, n)| *s == e.span && *n == e.new_text))
        };
        let fresh: Vec<&FileEdit> = edits.iter().filter(|e| !already(e)).collect();
        let collides = fresh.iter().enumerate().any(|(i, e)| {
            let before = self.edits.get(&e.file).into_iter().flatten().map(|(s, _)| *s);
            let mine = fresh[..i].iter().filter(|o| o.file == e.file).map(|o| o.span);
            before.chain(mine).any(|other| edits_collide(other, e.span))
        });
        if collides {
            return false;
        }
        for edit in fresh {
            self.edits.entry(edit.file.clone()).or_default().push((edit.span, edit.new_text.clone()));
        }
        true
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(file: &str, start: usize, end: usize, new_text: &str) -> FileEdit {
        FileEdit { file: file.into(), span: Span::new(start, end), new_text: new_text.to_string() }
    }

    #[test]
    fn a_round_takes_whole_fixes_that_collide_with_nothing_taken() {
        let mut round = FixRound::default();
        assert!(round.take(&[edit("a.md", 0, 2, "x"), edit("b.md", 5, 5, "y")]));
        // Overlaps the first edit of a.md: the whole fix waits, b.md too.
        assert!(!round.take(&[edit("b.md", 9, 9, "z"), edit("a.md", 1, 3, "w")]));
        // An insertion where another edit starts is ambiguous.
        assert!(!round.take(&[edit("b.md", 5, 6, "v")]));
        // The very same edit again is no conflict and is kept once.
        assert!(round.take(&[edit("a.md", 0, 2, "x"), edit("a.md", 4, 4, "!")]));
        let taken: Vec<(String, Vec<(Span, String)>)> =
            round.edits.iter().map(|(f, e)| (f.to_string(), e.clone())).collect();
        assert_eq!(
            taken,
            [
                (
                    "a.md".to_string(),
                    vec![(Span::new(0, 2), "x".to_string()), (Span::new(4, 4), "!".to_string())]
                ),
                ("b.md".to_string(), vec![(Span::new(5, 5), "y".to_string())]),
            ]
        );
    }
}
