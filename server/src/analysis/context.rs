//! What rules share: the feature and lazily built derived data, computed
//! once per analysis however many rules ask.

use std::cell::OnceCell;
use std::sync::Arc;

use super::config::RuleConfig;
use super::diagnostic::{Diagnostic, Severity};
use super::facts::coverage::{Coverage, Sources};
use super::facts::idless;
use super::graph::{Structure, TaskGraph};
use super::table::{BlockWalk, DetailFacts, EdgeEnds, FactKeys, Kept, LineFacts, Tables, TaskRow, TaskTable};
use crate::model::feature::{Feature, FeatureFile};
use crate::model::ids::TaskKey;
use crate::model::tasks::TasksDoc;
use crate::text::Span;

/// The input of every rule.
pub struct Context<'a> {
    pub feature: &'a Feature,
    tasks: Option<(&'a FeatureFile, &'a TasksDoc)>,
    table: OnceCell<TaskTable<'a>>,
    coverage: OnceCell<Coverage<'a>>,
    lacks_ids: OnceCell<bool>,
    keys: OnceCell<Vec<TaskKey>>,
    /// The configuration rules read options from (word lists), when the
    /// analysis has one.
    config: Option<&'a RuleConfig>,
}

impl<'a> Context<'a> {
    pub fn new(feature: &'a Feature) -> Self {
        Context {
            feature,
            tasks: feature.tasks(),
            table: OnceCell::new(),
            coverage: OnceCell::new(),
            lacks_ids: OnceCell::new(),
            keys: OnceCell::new(),
            config: None,
        }
    }

    /// A second context of the same feature and configuration for another
    /// thread, sharing this one's task tables (built here first) rather
    /// than bringing the kept ones up to date again: see
    /// [`analyze_on_two_threads`](super::analyze_on_two_threads).
    pub(crate) fn twin(&self) -> Self {
        let mut twin = Context::new(self.feature);
        twin.config = self.config;
        let _ = twin.table.set(self.table().clone());
        twin
    }

    /// The same context, with rule options from `config`.
    pub fn with_config(mut self, config: &'a RuleConfig) -> Self {
        self.config = Some(config);
        self
    }

    /// The configuration's rule options, when there is one.
    pub fn config(&self) -> Option<&'a RuleConfig> {
        self.config
    }

    pub fn tasks(&self) -> Option<(&'a FeatureFile, &'a TasksDoc)> {
        self.tasks
    }

    /// Whether most task lines of tasks.md carry no task ID
    /// ([`idless`](super::facts::idless)): then the tasks with IDs are not
    /// the feature's tasks, and coverage cannot be judged from them.
    pub(crate) fn tasks_lack_ids(&self) -> bool {
        *self.lacks_ids.get_or_init(|| {
            let Some((file, doc)) = self.tasks else { return false };
            let Some(blocks) = file.blocks.as_deref() else { return false };
            idless::outnumber(idless::id_less_count(blocks), doc.tasks.len())
        })
    }

    /// The dependency graph of tasks.md, when there is one: built once per
    /// version of tasks.md and shared with the editor features.
    pub fn graph(&self) -> Option<&'a TaskGraph> {
        self.tasks().map(|(_, doc)| TaskGraph::of(doc))
    }

    fn table(&self) -> &TaskTable<'a> {
        self.table.get_or_init(|| {
            let facts = FactKeys::of(self.feature);
            match self.tasks {
                Some((file, doc)) => TaskTable::new(doc, file.blocks.as_deref(), facts),
                None => TaskTable::empty(facts),
            }
        })
    }

    /// The task tables of tasks.md (empty without tasks.md).
    pub(crate) fn tables(&self) -> &Arc<Tables> {
        &self.table().tables
    }

    /// One row per task of tasks.md, in document order (none without
    /// tasks.md).
    pub(crate) fn rows(&self) -> &[TaskRow] {
        &self.tables().rows
    }

    /// The facts of each task's line, in document order.
    pub(crate) fn lines(&self) -> &[LineFacts] {
        &self.tables().lines
    }

    /// The facts of task `task`'s detail blocks, in order.
    pub(crate) fn details(&self, task: usize) -> &[DetailFacts] {
        self.tables().details_of(task)
    }

    /// A walk over the blocks of tasks.md telling task lines and details.
    pub(crate) fn block_walk(&self) -> Option<BlockWalk<'a>> {
        Some(BlockWalk::new(self.tasks?.1))
    }

    /// What each task's line facts keep for the other documents.
    pub(crate) fn kept(&self) -> &Kept {
        &self.tables().kept
    }

    /// The contracts and data model the coverage facts were looked up for.
    pub(crate) fn sources(&self) -> &Arc<Sources> {
        &self.table().facts.sources
    }

    /// The key of every task, in document order: collected once per
    /// analysis, for every fix that picks fresh IDs.
    pub(crate) fn task_keys(&self) -> &[TaskKey] {
        self.keys.get_or_init(|| self.rows().iter().map(|r| r.key).collect())
    }

    /// The first task with `key` ([`TasksDoc::task_index`], faster).
    pub(crate) fn task_index(&self, key: TaskKey) -> Option<usize> {
        self.tables().keys.index(self.tasks?.1, key)
    }

    /// The tasks at both ends of each edge of tasks.md, in edge order.
    pub(crate) fn edge_ends(&self) -> &'a [EdgeEnds] {
        self.tasks.map_or(&[], |(_, doc)| Structure::of(doc).edge_ends(doc))
    }

    /// What tasks say about the contracts, the data model and the
    /// constitution's concerns: shared by the coverage rules.
    pub(crate) fn coverage(&self) -> &Coverage<'a> {
        self.coverage.get_or_init(|| Coverage::new(self))
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
