//! What a rule reports: a diagnostic with related places and a fix.

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
