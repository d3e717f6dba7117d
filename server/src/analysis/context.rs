//! What rules share: the feature and lazily built derived data, computed
//! once per analysis however many rules ask.

use std::cell::OnceCell;
use std::sync::Arc;

use super::diagnostic::{Diagnostic, Severity};
use super::graph::TaskGraph;
use crate::model::feature::{Feature, FeatureFile};
use crate::model::tasks::TasksDoc;
use crate::text::Span;

/// The input of every rule.
pub struct Context<'a> {
    pub feature: &'a Feature,
    graph: OnceCell<Option<TaskGraph>>,
}

impl<'a> Context<'a> {
    pub fn new(feature: &'a Feature) -> Self {
        Context { feature, graph: OnceCell::new() }
    }

    pub fn tasks(&self) -> Option<(&'a FeatureFile, &'a TasksDoc)> {
        self.feature.tasks()
    }

    /// The dependency graph of tasks.md, when there is one.
    pub fn graph(&self) -> Option<&TaskGraph> {
        self.graph.get_or_init(|| self.tasks().map(|(_, doc)| TaskGraph::build(doc))).as_ref()
    }

    /// A diagnostic in `file` at `span`.
    pub fn report(
        &self,
        severity: Severity,
        file: &FeatureFile,
        span: Span,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic::new(severity, &file.rel, span, message)
    }

    /// 1-based line of an offset in `file`, for messages.
    pub fn line(&self, file: &FeatureFile, offset: usize) -> usize {
        file.document.line_of(offset) + 1
    }

    /// The relative name of `file`, shared.
    pub fn rel(file: &FeatureFile) -> &Arc<str> {
        &file.rel
    }
}
