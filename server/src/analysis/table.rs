//! Per-analysis tables of tasks.md that many rules read: one row per task
//! with what its line says, task indices by key, and dependency edges
//! resolved to task indices. Each is built once per analysis in one pass,
//! so rules loop over compact rows instead of each reaching into every
//! task's block and facts: at 10k tasks, every pass that does costs some
//! 300 µs of cache misses, more than most rules' own work.

use std::sync::Arc;

use super::facts::coverage::{Sources, TaskHits, peek_hits};
use super::facts::requirements::{FewRequirements, NamedRequirements};
use super::facts::unplanned::Unplanned;
use super::facts::{BlockFacts, BlockSummary, same};
use crate::model::blocks::ScannedBlock;
use crate::model::feature::{DocModel, Feature};
use crate::model::ids::TaskKey;
use crate::model::plan::PlanDoc;
use crate::model::spec::SpecDoc;
use crate::model::tasks::{PhaseKind, Task, TasksDoc};

/// One task's line as most rules see it. Small: many rules loop over
/// every row, so the rows of 10k tasks should stay in cache.
#[derive(Clone, Copy)]
pub(crate) struct TaskRow {
    pub key: TaskKey,
    /// The `[USn]` label of the line.
    pub label: Option<u32>,
    /// The label, else the story of the user-story phase the task sits in.
    pub story: Option<u32>,
    pub done: bool,
    pub cancelled: bool,
    /// The line has irregularities (malformed-task's business).
    pub irregular: bool,
    /// The first task with its key (later ones are duplicates).
    pub first: bool,
}

/// What one task's line block holds for the rules that need more than its
/// row: its facts, and their summary.
pub(crate) struct LineFacts<'a> {
    /// The facts of the task's line block.
    pub facts: &'a BlockFacts,
    /// Their summary: what rules check of every task.
    pub summary: BlockSummary,
    /// Where the task's details are in [`TaskTable::details`].
    details: (u32, u32),
}

/// One detail block of a task (in the task's order): its facts, their
/// summary, and what they keep for this analysis's plan. Read once here,
/// where each rule would otherwise follow the block to its facts again.
pub(crate) struct DetailFacts<'a> {
    pub facts: &'a BlockFacts,
    pub summary: BlockSummary,
    /// Its paths outside the plan's structure, when its facts hold them
    /// for this plan.
    pub unplanned: Option<&'a [Unplanned]>,
}

/// What tasks' line facts keep for the other documents of this analysis,
/// one vector per rule family (each reads its own), per task.
#[derive(Default)]
pub(crate) struct Kept<'a> {
    /// What the task names of the contracts and the data model, when its
    /// facts hold it for this analysis's documents (`Some(None)`:
    /// nothing); else the coverage rules compute it.
    pub hits: Vec<Option<Option<&'a TaskHits>>>,
    /// The line's paths outside the plan's structure, when its facts hold
    /// them for this plan.
    pub unplanned: Vec<Option<&'a [Unplanned]>>,
    /// The requirements the line names, when its facts hold them for this
    /// spec and they are few.
    pub requirements: Vec<Option<FewRequirements>>,
}

/// The documents that tasks' cross-document facts depend on: what the
/// table's rows look their facts up for.
pub(crate) struct FactKeys<'a> {
    /// The contracts and the data model (coverage).
    pub sources: Arc<Sources>,
    pub plan: Option<&'a Arc<PlanDoc>>,
    pub spec: Option<&'a Arc<SpecDoc>>,
}

impl<'a> FactKeys<'a> {
    pub fn of(feature: &'a Feature) -> Self {
        let plan = feature.plan().and_then(|(file, _)| match &file.model {
            DocModel::Plan(doc) => Some(doc),
            _ => None,
        });
        let spec = feature.spec().and_then(|(file, _)| match &file.model {
            DocModel::Spec(doc) => Some(doc),
            _ => None,
        });
        FactKeys { sources: Arc::new(Sources::of(feature)), plan, spec }
    }
}

impl TaskRow {
    /// Done or cancelled: nothing left to do.
    pub fn finished(&self) -> bool {
        self.done || self.cancelled
    }
}

/// The rows of a tasks.md and its key lookup, built together: one pass
/// over the tasks' lines.
pub(crate) struct TaskTable<'a> {
    pub rows: Vec<TaskRow>,
    /// Per task, in the same order.
    pub lines: Vec<LineFacts<'a>>,
    /// Every task's details, task after task.
    pub details: Vec<DetailFacts<'a>>,
    pub kept: Kept<'a>,
    pub keys: KeyLookup,
    /// The documents the rows' facts were looked up for.
    pub facts: FactKeys<'a>,
}

impl<'a> TaskTable<'a> {
    pub fn new(doc: &'a TasksDoc, mut facts: FactKeys<'a>) -> Self {
        // First every task's facts, then the rows: two short loops let the
        // processor fetch many tasks' memory at once.
        let all: Vec<&BlockFacts> = doc.tasks.iter().map(|task| BlockFacts::of(&task.block.scan)).collect();
        let count = doc.tasks.len();
        let (mut rows, mut lines, mut kept) =
            (Vec::with_capacity(count), Vec::with_capacity(count), Kept::default());
        let mut details = Vec::new();
        for (task, facts_of_line) in doc.tasks.iter().zip(all) {
            rows.push(row(doc, task, facts_of_line));
            let start = details.len() as u32;
            details.extend(task.details.iter().map(|d| detail_facts(d, facts.plan)));
            let summary = facts_of_line.summary(&task.block.scan);
            lines.push(LineFacts { facts: facts_of_line, summary, details: (start, details.len() as u32) });
            kept.push(task, facts_of_line, &mut facts);
        }
        let keys = KeyLookup::new(rows.iter().map(|r: &TaskRow| r.key));
        for (index, row) in rows.iter_mut().enumerate() {
            row.first = keys.index(doc, row.key) == Some(index);
        }
        TaskTable { rows, lines, details, kept, keys, facts }
    }

    /// The table of a feature without tasks.md.
    pub fn empty(facts: FactKeys<'a>) -> Self {
        let (rows, lines, details, kept) = (Vec::new(), Vec::new(), Vec::new(), Kept::default());
        TaskTable { rows, lines, details, kept, keys: KeyLookup::new(std::iter::empty()), facts }
    }

    /// The details of task `task`, in order.
    pub fn details_of(&self, task: usize) -> &[DetailFacts<'a>] {
        let (start, end) = self.lines[task].details;
        &self.details[start as usize..end as usize]
    }
}

/// What a block of tasks.md is to the table.
pub(crate) enum BlockRole<'t, 'a> {
    /// The line of task `task`.
    Line { task: usize, facts: &'t LineFacts<'a> },
    /// A detail block of task `task`.
    Detail { task: usize, facts: &'t DetailFacts<'a> },
    /// Any other block.
    Other,
}

/// Tells, for blocks of tasks.md visited in document order, which are task
/// lines and details, with their facts from the table.
pub(crate) struct BlockWalk<'t, 'a> {
    doc: &'a TasksDoc,
    table: &'t TaskTable<'a>,
    /// The last task whose line starts at or before the block: the only
    /// one the block can belong to.
    task: usize,
}

impl<'t, 'a> BlockWalk<'t, 'a> {
    pub fn new(doc: &'a TasksDoc, table: &'t TaskTable<'a>) -> Self {
        BlockWalk { doc, table, task: 0 }
    }

    /// The role of `block`, which comes after every block asked before
    /// (not necessarily right after).
    pub fn role(&mut self, block: &ScannedBlock) -> BlockRole<'t, 'a> {
        let tasks = &self.doc.tasks;
        // Galloping: a walk over every block steps one task at a time, one
        // over a few blocks jumps.
        let rest = &tasks[(self.task + 1).min(tasks.len())..];
        let mut bound = 1;
        while bound < rest.len() && rest[bound - 1].block.start <= block.start {
            bound *= 2;
        }
        self.task += rest[..bound.min(rest.len())].partition_point(|t| t.block.start <= block.start);
        let task = self.task;
        let Some(candidate) = tasks.get(task).filter(|t| t.block.start <= block.start) else {
            return BlockRole::Other;
        };
        if candidate.block.start == block.start {
            return BlockRole::Line { task, facts: &self.table.lines[task] };
        }
        match candidate.details.iter().position(|d| d.start == block.start) {
            Some(j) => BlockRole::Detail { task, facts: &self.table.details_of(task)[j] },
            None => BlockRole::Other,
        }
    }
}

fn detail_facts<'a>(detail: &'a ScannedBlock, plan: Option<&Arc<PlanDoc>>) -> DetailFacts<'a> {
    let facts = BlockFacts::of(&detail.scan);
    let unplanned = plan.and_then(|plan| facts.unplanned.peek(|key| same(key, plan)));
    DetailFacts { facts, summary: facts.summary(&detail.scan), unplanned: unplanned.map(|u| &**u) }
}

/// The row of `task`, whose line's facts are `facts`.
#[inline]
fn row(doc: &TasksDoc, task: &Task, facts: &BlockFacts) -> TaskRow {
    let phase_story =
        task.phase.map(|p| &doc.phases[p]).filter(|p| p.kind == PhaseKind::UserStory).and_then(|p| p.story);
    let line = facts.line(&task.block.scan).expect("a task's block holds a task line");
    TaskRow {
        key: line.key,
        label: line.label,
        story: line.label.or(phase_story),
        done: task.done(),
        cancelled: line.cancelled,
        irregular: line.irregular,
        first: false,
    }
}

impl<'a> Kept<'a> {
    /// Add what the facts of `task`'s line keep for `keys`.
    #[inline]
    fn push(&mut self, task: &Task, facts: &'a BlockFacts, keys: &mut FactKeys) {
        self.hits.push(peek_hits(facts, task, &mut keys.sources));
        let unplanned = keys.plan.and_then(|plan| facts.unplanned.peek(|key| same(key, plan)));
        self.unplanned.push(unplanned.map(|u| &**u));
        let requirements = keys.spec.and_then(|spec| facts.requirements.peek(|key| same(key, spec)));
        self.requirements.push(requirements.and_then(NamedRequirements::few));
    }
}

/// Task index by key, as [`TasksDoc::task_index`] answers (the first task
/// of a key), in constant time for plain IDs: dependency rules look up
/// both ends of thousands of edges, and a binary search each adds up.
pub(crate) struct KeyLookup {
    /// The first task of `T<n>` at `n`, [`NONE`] where there is none;
    /// empty when the numbers are too sparse for a table.
    by_number: Vec<u32>,
}

const NONE: u32 = u32::MAX;

fn is_plain(key: TaskKey) -> bool {
    key.minor.is_none() && key.suffix.is_none()
}

impl KeyLookup {
    /// The lookup of the keys of every task, in document order.
    pub fn new(keys: impl Iterator<Item = TaskKey> + Clone) -> Self {
        let count = keys.clone().count();
        let highest = keys.clone().filter(|&k| is_plain(k)).map(|k| k.number as usize).max();
        let Some(highest) = highest.filter(|&h| h <= 8 * count + 1024) else {
            return KeyLookup { by_number: Vec::new() };
        };
        let mut by_number = vec![NONE; highest + 1];
        for (index, key) in keys.enumerate() {
            if is_plain(key) && by_number[key.number as usize] == NONE {
                by_number[key.number as usize] = index as u32;
            }
        }
        KeyLookup { by_number }
    }

    /// The first task with `key`.
    pub fn index(&self, doc: &TasksDoc, key: TaskKey) -> Option<usize> {
        if self.by_number.is_empty() || !is_plain(key) {
            return doc.task_index(key);
        }
        let found = *self.by_number.get(key.number as usize)?;
        (found != NONE).then_some(found as usize)
    }
}

/// The tasks at the two ends of a dependency edge: the dependent (`from`)
/// and its prerequisite (`to`), `None` for an ID no task has.
#[derive(Clone, Copy)]
pub(crate) struct EdgeEnds {
    pub from: Option<usize>,
    pub to: Option<usize>,
}

impl EdgeEnds {
    /// Both ends, when both exist.
    pub fn both(self) -> Option<(usize, usize)> {
        self.from.zip(self.to)
    }
}

/// The ends of every edge of `doc`, in edge order.
pub(crate) fn edge_ends(doc: &TasksDoc, keys: &KeyLookup) -> Vec<EdgeEnds> {
    doc.edges
        .iter()
        .map(|edge| EdgeEnds { from: keys.index(doc, edge.from), to: keys.index(doc, edge.to) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file::MarkdownFile;

    #[test]
    fn the_lookup_answers_like_the_document() {
        let text = "- [ ] T001 a\n- [ ] T003 b\n- [ ] T003 c\n- [ ] T003a d\n- [ ] T2.1 e\n";
        let doc = TasksDoc::from_blocks(MarkdownFile::load(text).blocks());
        let keys = KeyLookup::new(doc.tasks.iter().map(|t| t.key()));
        for number in 0..6 {
            for key in [TaskKey::new(number), TaskKey { suffix: Some(b'A'), ..TaskKey::new(number) }] {
                assert_eq!(keys.index(&doc, key), doc.task_index(key), "{key:?}");
            }
        }
        let minor = TaskKey { minor: Some(1), ..TaskKey::new(2) };
        assert_eq!(keys.index(&doc, minor), doc.task_index(minor));
        assert!(doc.task_index(minor).is_some());
    }
}
