//! Editor features as pure functions of a feature snapshot and a position:
//! hover, navigation, references, rename, completion, code actions, code
//! lenses, symbols, folding, semantic tokens, links and inlay hints.
//!
//! Invariant: no LSP types. Inputs are a [`Feature`] (with its analysis
//! when a feature needs diagnostics), a file's relative path and byte
//! offsets; outputs are plain values with byte spans that `lsp/` converts.
//!
//! [`Feature`]: crate::model::feature::Feature

pub mod checklists;
pub mod code_actions;
pub mod code_lens;
pub mod commands;
pub mod completion;
pub mod folding;
pub mod goto;
pub mod graph_view;
pub mod highlights;
pub mod hover;
pub mod inlay_hints;
pub mod links;
pub mod references;
pub mod rename;
pub mod renumber;
pub mod semantic_tokens;
pub mod symbols;
pub mod target;

use std::sync::Arc;

use crate::text::Span;

/// A place in a feature: a file (relative path) and a span in it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FileSpan {
    pub file: Arc<str>,
    pub span: Span,
}

impl FileSpan {
    pub fn new(file: &Arc<str>, span: Span) -> Self {
        FileSpan { file: file.clone(), span }
    }
}

/// Where navigation lands: the whole item (`full`) and the part to select
/// (`focus`, e.g. the task ID of a task line).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NavigationTarget {
    pub file: Arc<str>,
    pub full: Span,
    pub focus: Span,
}
