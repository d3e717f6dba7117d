//! Tables of tasks.md that many rules read: one row per task with what
//! its line says, what its line and detail blocks' facts summarise and
//! keep for the other documents, and task indices by key. Rules loop over
//! these compact rows instead of each reaching into every task's block and
//! facts: at 10k tasks, every pass that does costs some 300 µs of cache
//! misses, more than most rules' own work.
//!
//! The tables are kept across analyses, with the blocks each task's
//! entries were made from (by identity: a block keeps its scan across
//! edits that do not touch it), like the lists of [`sparse`]. The next
//! analysis compares the tasks' blocks with those, from both ends, and
//! reads the facts of the tasks between the first and last difference
//! only: after a keystroke, one. What a row takes from outside its blocks
//! (its phase's story, whether it is the first of its key) is read again
//! from the model for every task only when the phases or the keys changed.
//!
//! [`sparse`]: super::facts::sparse

mod phases;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, Weak};

use super::facts::coverage::{Sources, TaskHits, peek_hits};
use super::facts::pathless::PathlessFacts;
use super::facts::requirements::{FewRequirements, NamedRequirements, names_requirements};
use super::facts::roles::is_test;
use super::facts::sparse::{FileIndex, changed_range};
use super::facts::unplanned::Unplanned;
use super::facts::{BlockFacts, BlockSummary, same};
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::feature::{DocModel, Feature};
use crate::model::ids::TaskKey;
use crate::model::plan::PlanDoc;
use crate::model::scan::BlockScan;
use crate::model::spec::SpecDoc;
use crate::model::tasks::{PhaseKind, Task, TasksDoc};
pub(crate) use phases::Phases;

/// One task's line as most rules see it. Small: many rules loop over
/// every row, so the rows of 10k tasks should stay in cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// What the rules that need more than its row read of a task's line
/// block: its facts' summary. The facts themselves are the block's
/// ([`BlockFacts::of`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct LineFacts {
    /// What rules check of every task.
    pub summary: BlockSummary,
}

/// A task that may name no file path (missing-file-path's business): not
/// cancelled, its line and details name no path, its line does not say
/// it writes nothing. Few tasks are: the rule reads these, not every row.
#[derive(Clone, Debug)]
pub(crate) struct Pathless {
    pub task: u32,
    /// The identifiers its line and details write, folded.
    pub identifiers: Box<[Box<str>]>,
}

/// One detail block of a task (in the task's order): its facts' summary,
/// and what they keep for the plan. Read once here, where each rule would
/// otherwise follow the block to its facts again.
#[derive(Clone)]
pub(crate) struct DetailFacts {
    pub summary: BlockSummary,
    /// Its paths outside the plan's structure, when its facts hold them
    /// for this plan.
    pub unplanned: Option<Arc<[Unplanned]>>,
}

/// What tasks' line facts keep for the other documents of this analysis,
/// one vector per rule family (each reads its own), per task.
#[derive(Clone, Default)]
pub(crate) struct Kept {
    /// What the task names of the contracts and the data model, when its
    /// facts hold it for this analysis's documents (`Some(None)`:
    /// nothing); else the coverage rules compute it.
    pub hits: Vec<Option<Option<Arc<TaskHits>>>>,
    /// The line's paths outside the plan's structure, when its facts hold
    /// them for this plan.
    pub unplanned: Vec<Option<Arc<[Unplanned]>>>,
    /// Whether the facts of the task's line and details hold for this
    /// plan that none of them names a path outside its structure: most
    /// tasks, which path-outside-structure skips without reading their
    /// lists.
    pub in_plan: Vec<bool>,
    /// The requirements the line names, when its facts hold them for this
    /// spec and they are few.
    pub requirements: Vec<Option<FewRequirements>>,
}

/// The documents that tasks' cross-document facts depend on: what the
/// table's rows look their facts up for.
#[derive(Clone)]
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

/// The tables of a tasks.md, for one analysis: shared with the analyses
/// before and after it, see the module comment.
#[derive(Clone)]
pub(crate) struct TaskTable<'a> {
    pub tables: Arc<Tables>,
    /// The documents the rows' facts were looked up for.
    pub facts: FactKeys<'a>,
}

/// The rows of a tasks.md, what its tasks' facts summarise and keep, and
/// its key lookup.
#[derive(Clone)]
pub(crate) struct Tables {
    pub rows: Vec<TaskRow>,
    /// Per task, in the same order.
    pub lines: Vec<LineFacts>,
    /// Every task's details, task after task.
    pub details: Vec<DetailFacts>,
    /// Per task, where its details are in `details`: apart from the
    /// lines' facts, so that comparing tasks with their blocks reads
    /// little.
    detail_ranges: Vec<(u32, u32)>,
    /// The tasks that may name no path, in order.
    pub pathless: Vec<Pathless>,
    /// The identifiers of the pathless tasks, sorted, without repeats:
    /// made again only when those tasks change.
    pub pathless_names: Vec<Box<str>>,
    /// Per task, whether it is open and, by its blocks' summaries, a test
    /// (test-after-implementation looks for those).
    pub open_tests: Vec<bool>,
    pub kept: Kept,
    pub keys: KeyLookup,
    /// What rules read of each phase.
    pub phases: Phases,
    /// Per task, the line block its entries were made from...
    scans: Vec<Weak<BlockScan>>,
    /// ... and per detail, its block.
    detail_scans: Vec<Weak<BlockScan>>,
    /// Per task, whether its facts held all that its entries keep for the
    /// documents: those that did not are looked up again next time.
    settled: Vec<bool>,
    /// Per task, the stamp of its entries: entries made anew (their
    /// blocks changed) get a new one, so that what others keep per task
    /// across analyses can tell which tasks are still the same.
    stamps: Vec<u64>,
    /// The documents the entries keep facts for.
    sources: Arc<Sources>,
    plan: Option<Weak<PlanDoc>>,
    spec: Option<Weak<SpecDoc>>,
}

impl<'a> TaskTable<'a> {
    /// The tables of `doc`, whose blocks are `blocks`: brought up to date
    /// from the last analysis's when their documents are the same.
    pub fn new(doc: &'a TasksDoc, blocks: Option<&BlockList>, mut facts: FactKeys<'a>) -> Self {
        let Some(slot) = blocks.and_then(FileIndex::of).map(|index| &index.table) else {
            return TaskTable { tables: Arc::new(Tables::fresh(doc, &mut facts)), facts };
        };
        let mut kept = slot.lock().unwrap_or_else(PoisonError::into_inner);
        let tables = match kept.take() {
            Some(mut tables) if tables.serves(&mut facts) => {
                // Unshared once the last analysis is over: updated in place.
                Arc::make_mut(&mut tables).update(doc, &mut facts);
                tables
            }
            _ => Arc::new(Tables::fresh(doc, &mut facts)),
        };
        *kept = Some(tables.clone());
        TaskTable { tables, facts }
    }

    /// The table of a feature without tasks.md.
    pub fn empty(mut facts: FactKeys<'a>) -> Self {
        TaskTable { tables: Arc::new(Tables::fresh(&TasksDoc::default(), &mut facts)), facts }
    }
}

impl Tables {
    /// The tables of `doc` made afresh.
    pub fn fresh(doc: &TasksDoc, keys: &mut FactKeys) -> Self {
        let mut tables = Tables::empty(keys);
        tables.append(doc, 0..doc.tasks.len(), keys);
        tables.refresh_pathless_names();
        tables.sources = keys.sources.clone();
        tables.phases.update(doc);
        tables.refresh_stories(doc, 0..doc.tasks.len());
        tables.refresh_keys(doc);
        tables
    }

    fn empty(keys: &FactKeys) -> Self {
        Tables {
            rows: Vec::new(),
            lines: Vec::new(),
            details: Vec::new(),
            detail_ranges: Vec::new(),
            pathless: Vec::new(),
            pathless_names: Vec::new(),
            open_tests: Vec::new(),
            kept: Kept::default(),
            keys: KeyLookup::new(std::iter::empty()),
            phases: Phases::default(),
            scans: Vec::new(),
            detail_scans: Vec::new(),
            settled: Vec::new(),
            stamps: Vec::new(),
            sources: keys.sources.clone(),
            plan: keys.plan.map(Arc::downgrade),
            spec: keys.spec.map(Arc::downgrade),
        }
    }

    /// Whether the entries keep facts for the documents of `keys`; then
    /// `keys` adopts the sources the entries were looked up for (the same
    /// documents), so that facts compare one pointer.
    fn serves(&self, keys: &mut FactKeys) -> bool {
        let serves = (Arc::ptr_eq(&self.sources, &keys.sources) || self.sources.same_as(&keys.sources))
            && same_doc(&self.plan, keys.plan)
            && same_doc(&self.spec, keys.spec);
        if serves {
            keys.sources = self.sources.clone();
        }
        serves
    }

    /// Per task, the stamp of its entries, unique for as long as the
    /// process runs: the same stamp, the same task's blocks.
    pub fn stamps(&self) -> &[u64] {
        &self.stamps
    }

    /// The details of task `task`, in order.
    pub fn details_of(&self, task: usize) -> &[DetailFacts] {
        let (start, end) = self.detail_ranges[task];
        &self.details[start as usize..end as usize]
    }

    /// Whether task `index`'s entries were made from `task`'s blocks.
    fn made_from(&self, index: usize, task: &Task) -> bool {
        let (start, end) = self.detail_ranges[index];
        same(&self.scans[index], &task.block.scan)
            && (end - start) as usize == task.details.len()
            && self.detail_scans[start as usize..end as usize]
                .iter()
                .zip(&task.details)
                .all(|(weak, detail)| same(weak, &detail.scan))
    }

    /// Bring the tables to `doc`: the tasks before the first and after the
    /// last whose blocks changed keep their entries, the ones between get
    /// new ones; then the rows read what they take from the model, all of
    /// them only when the phases or the keys changed (a keystroke in a
    /// description changes neither).
    fn update(&mut self, doc: &TasksDoc, keys: &mut FactKeys) {
        let (old_len, new_len) = (self.rows.len(), doc.tasks.len());
        let changed = changed_range(old_len, new_len, |old, new| self.made_from(old, &doc.tasks[new]));
        let mut new_rows = 0..0;
        let mut same_keys = true;
        if let Some((prefix, old_end, new_end)) = changed {
            let mut middle = Tables::empty(keys);
            middle.append(doc, prefix..new_end, keys);
            same_keys = keep_firsts(&self.rows[prefix..old_end], &mut middle.rows);
            self.splice(prefix..old_end, middle);
            new_rows = prefix..new_end;
        }
        // Entries whose facts lacked something then may have it now.
        for index in 0..new_len {
            if !self.settled[index] {
                self.settled[index] = self.look_up_kept(index, &doc.tasks[index], keys);
            }
        }
        self.sources = keys.sources.clone();
        // With as many tasks as before and each phase giving its story to
        // the same tasks, only the new rows' stories are to be read.
        let same_phases = self.phases.update(doc) && old_len == new_len;
        self.refresh_stories(doc, if same_phases { new_rows } else { 0..new_len });
        if !same_keys {
            self.refresh_keys(doc);
        }
    }

    /// Replace the entries of the tasks in `old` by those of `middle`.
    fn splice(&mut self, old: std::ops::Range<usize>, middle: Tables) {
        let detail_at = |tables: &Tables, task: usize| {
            tables.detail_ranges.get(task).map_or(tables.details.len(), |range| range.0 as usize)
        };
        let (old_start, old_end) = (detail_at(self, old.start), detail_at(self, old.end));
        let new_end = (old_start + middle.details.len()) as u32;
        let tasks = old.start..old.start + middle.rows.len();
        self.details.splice(old_start..old_end, middle.details);
        self.detail_scans.splice(old_start..old_end, middle.detail_scans);
        if self.splice_pathless(old.clone(), middle.rows.len(), middle.pathless) {
            self.refresh_pathless_names();
        }
        self.rows.splice(old.clone(), middle.rows);
        self.lines.splice(old.clone(), middle.lines);
        self.detail_ranges.splice(old.clone(), middle.detail_ranges);
        self.open_tests.splice(old.clone(), middle.open_tests);
        self.scans.splice(old.clone(), middle.scans);
        self.settled.splice(old.clone(), middle.settled);
        self.stamps.splice(old.clone(), middle.stamps);
        self.kept.hits.splice(old.clone(), middle.kept.hits);
        self.kept.unplanned.splice(old.clone(), middle.kept.unplanned);
        self.kept.in_plan.splice(old.clone(), middle.kept.in_plan);
        self.kept.requirements.splice(old, middle.kept.requirements);
        // The middle's details were numbered from its own first; the
        // later tasks' move by as many as were added or removed.
        let (start, old_end) = (old_start as u32, old_end as u32);
        for range in &mut self.detail_ranges[tasks.clone()] {
            *range = (range.0 + start, range.1 + start);
        }
        if old_end != new_end {
            for range in &mut self.detail_ranges[tasks.end..] {
                *range = (range.0 - old_end + new_end, range.1 - old_end + new_end);
            }
        }
    }

    /// Replace the pathless tasks among those in `old` by `middle`'s, of
    /// `added` tasks numbered from 0; move the later ones. Whether
    /// pathless tasks were removed or added.
    fn splice_pathless(&mut self, old: std::ops::Range<usize>, added: usize, middle: Vec<Pathless>) -> bool {
        let (start, end) = (old.start as u32, old.end as u32);
        let after_at = self.pathless.partition_point(|p| p.task < end);
        let after = self.pathless.split_off(after_at);
        let start_at = self.pathless.partition_point(|p| p.task < start);
        let changed = start_at < after_at || !middle.is_empty();
        self.pathless.truncate(start_at);
        self.pathless.extend(middle.into_iter().map(|p| Pathless { task: p.task + start, ..p }));
        let moved = |task: u32| task - (end - start) + added as u32;
        self.pathless.extend(after.into_iter().map(|p| Pathless { task: moved(p.task), ..p }));
        changed
    }

    /// Make [`Tables::pathless_names`] from the pathless tasks.
    fn refresh_pathless_names(&mut self) {
        let mut names: Vec<&str> =
            self.pathless.iter().flat_map(|p| p.identifiers.iter().map(|i| &**i)).collect();
        names.sort_unstable();
        names.dedup();
        self.pathless_names = names.into_iter().map(Box::from).collect();
    }

    /// Add the entries of the tasks of `doc` in `range`, from their
    /// blocks' facts.
    fn append(&mut self, doc: &TasksDoc, range: std::ops::Range<usize>, keys: &mut FactKeys) {
        let tasks = doc.tasks.range(range);
        // First every task's facts, then the entries: two short loops let
        // the processor fetch many tasks' memory at once.
        let all: Vec<&BlockFacts> = tasks.clone().map(|task| BlockFacts::of(&task.block.scan)).collect();
        for (task, facts) in tasks.zip(all) {
            self.rows.push(row(facts, task));
            let start = self.details.len() as u32;
            for detail in &task.details {
                let facts = BlockFacts::of(&detail.scan);
                self.details.push(DetailFacts { summary: facts.summary(&detail.scan), unplanned: None });
                self.detail_scans.push(Arc::downgrade(&detail.scan));
            }
            let details = (start, self.details.len() as u32);
            let line = LineFacts { summary: facts.summary(&task.block.scan) };
            let index = self.rows.len() - 1;
            if !self.rows[index].cancelled
                && let Some(identifiers) = pathless_identifiers(&line, &self.details[start as usize..], task)
            {
                self.pathless.push(Pathless { task: index as u32, identifiers });
            }
            let detail_roles = self.details[start as usize..].iter().map(|d| d.summary.role);
            self.open_tests.push(!self.rows[index].finished() && is_test(line.summary.role, detail_roles));
            self.lines.push(line);
            self.detail_ranges.push(details);
            self.scans.push(Arc::downgrade(&task.block.scan));
            self.kept.hits.push(None);
            self.kept.unplanned.push(None);
            self.kept.in_plan.push(false);
            self.kept.requirements.push(None);
            self.settled.push(false);
            self.stamps.push(new_stamp());
            self.settled[index] = self.look_up_kept(index, task, keys);
        }
    }

    /// Look up what the facts of task `index` (`task`) keep for the
    /// documents of `keys`; whether they held all of it.
    fn look_up_kept(&mut self, index: usize, task: &Task, keys: &mut FactKeys) -> bool {
        let facts = BlockFacts::of(&task.block.scan);
        let hits = peek_hits(facts, task, &mut keys.sources);
        let unplanned = keys.plan.map(|plan| facts.unplanned.peek(|key| same(key, plan)));
        let requirements = keys.spec.map(|spec| facts.requirements.peek(|key| same(key, spec)));
        // Requirements are looked up for blocks that name some only
        // (requirement-coverage): the others never hold them.
        let requirements_settled =
            !matches!(requirements, Some(None)) || !names_requirements(&task.block.scan);
        let mut settled = hits.is_some() && !matches!(unplanned, Some(None)) && requirements_settled;
        self.kept.hits[index] = hits.cloned();
        self.kept.unplanned[index] = unplanned.flatten().cloned();
        self.kept.requirements[index] = requirements.flatten().and_then(NamedRequirements::few);
        let (start, end) = self.detail_ranges[index];
        for (entry, detail) in self.details[start as usize..end as usize].iter_mut().zip(&task.details) {
            let facts = BlockFacts::of(&detail.scan);
            let unplanned = keys.plan.map(|plan| facts.unplanned.peek(|key| same(key, plan)));
            settled &= !matches!(unplanned, Some(None));
            entry.unplanned = unplanned.flatten().cloned();
        }
        let none_unplanned =
            |unplanned: &Option<Arc<[Unplanned]>>| unplanned.as_ref().is_some_and(|u| u.is_empty());
        self.kept.in_plan[index] = none_unplanned(&self.kept.unplanned[index])
            && self.details[start as usize..end as usize].iter().all(|d| none_unplanned(&d.unplanned));
        settled
    }

    /// Read the story of the rows in `range` (their label, else their
    /// phase's).
    fn refresh_stories(&mut self, doc: &TasksDoc, range: std::ops::Range<usize>) {
        for (row, task) in self.rows[range.clone()].iter_mut().zip(doc.tasks.range(range)) {
            let phase = task.phase.map(|p| &doc.phases[p]);
            let phase_story = phase.filter(|p| p.kind == PhaseKind::UserStory).and_then(|p| p.story);
            row.story = row.label.or(phase_story);
        }
    }

    /// Make the key lookup, and read which task is the first of its key.
    fn refresh_keys(&mut self, doc: &TasksDoc) {
        self.keys = KeyLookup::new(self.rows.iter().map(|r: &TaskRow| r.key));
        for index in 0..self.rows.len() {
            self.rows[index].first = self.keys.index(doc, self.rows[index].key) == Some(index);
        }
    }
}

/// The identifiers `task` writes, when neither its line (`line`) nor its
/// details (`details`) name a path and its line does not say it writes
/// nothing.
fn pathless_identifiers(line: &LineFacts, details: &[DetailFacts], task: &Task) -> Option<Box<[Box<str>]>> {
    let summary = line.summary.pathless;
    if summary.has_path || summary.writes_nothing || details.iter().any(|d| d.summary.pathless.has_path) {
        return None;
    }
    let blocks = std::iter::once(&task.block).chain(&task.details);
    let facts = blocks.map(|block| PathlessFacts::get(BlockFacts::of(&block.scan), &block.scan));
    Some(facts.flat_map(|facts| facts.identifiers.iter().map(|i| Box::from(i.as_str()))).collect())
}

/// Whether the `new` rows have the keys of the `old` ones, in order; then
/// they are the first of their key where those were.
fn keep_firsts(old: &[TaskRow], new: &mut [TaskRow]) -> bool {
    let same = old.len() == new.len() && old.iter().zip(new.iter()).all(|(old, new)| old.key == new.key);
    if same {
        for (old, new) in old.iter().zip(new) {
            new.first = old.first;
        }
    }
    same
}

/// A stamp no entry had before.
fn new_stamp() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What a rule worked out from some tasks' entries alone, kept across
/// analyses with their stamps ([`Tables::stamps`]): the same stamps at
/// the same tasks, the same entries, so the same value.
pub(crate) struct Stamped<V> {
    tasks: Box<[u32]>,
    stamps: Box<[u64]>,
    pub value: V,
}

impl<V> Stamped<V> {
    /// `value`, worked out from the entries of `tasks`.
    pub fn new(tasks: &[u32], stamps: &[u64], value: V) -> Self {
        let stamps = tasks.iter().map(|&task| stamps[task as usize]).collect();
        Stamped { tasks: tasks.into(), stamps, value }
    }

    /// Whether the value holds for `tasks` as their entries are now.
    pub fn holds_for(&self, tasks: &[u32], stamps: &[u64]) -> bool {
        *self.tasks == *tasks
            && self.stamps.iter().zip(tasks).all(|(&kept, &task)| kept == stamps[task as usize])
    }
}

/// Whether `weak` and `arc` are the same document, or both missing.
fn same_doc<T>(weak: &Option<Weak<T>>, arc: Option<&Arc<T>>) -> bool {
    match (weak, arc) {
        (Some(weak), Some(arc)) => same(weak, arc),
        (None, None) => true,
        _ => false,
    }
}

/// What a block of tasks.md is to the table.
pub(crate) enum BlockRole {
    /// The line of task `task`.
    Line { task: usize },
    /// A detail block of task `task`.
    Detail { task: usize },
    /// Any other block.
    Other,
}

/// Tells, for blocks of tasks.md visited in document order, which are task
/// lines and details.
pub(crate) struct BlockWalk<'a> {
    doc: &'a TasksDoc,
    /// The last task whose line starts at or before the block: the only
    /// one the block can belong to.
    task: usize,
}

impl<'a> BlockWalk<'a> {
    pub fn new(doc: &'a TasksDoc) -> Self {
        BlockWalk { doc, task: 0 }
    }

    /// The role of `block`, which comes after every block asked before
    /// (not necessarily right after).
    pub fn role(&mut self, block: &ScannedBlock) -> BlockRole {
        let tasks = &self.doc.tasks;
        // Galloping: a walk over every block steps one task at a time, one
        // over a few blocks jumps.
        let from = (self.task + 1).min(tasks.len());
        let rest = tasks.len() - from;
        let mut bound = 1;
        while bound < rest && tasks[from + bound - 1].block.start <= block.start {
            bound *= 2;
        }
        let end = from + bound.min(rest);
        self.task += tasks.partition_point_in(from..end, |t| t.block.start <= block.start) - from;
        let task = self.task;
        let Some(candidate) = tasks.get(task).filter(|t| t.block.start <= block.start) else {
            return BlockRole::Other;
        };
        if candidate.block.start == block.start {
            return BlockRole::Line { task };
        }
        match candidate.details.iter().any(|d| d.start == block.start) {
            true => BlockRole::Detail { task },
            false => BlockRole::Other,
        }
    }
}

/// The row of `task`, whose line's facts are `facts`, without what
/// [`Tables::refresh_stories`] and [`Tables::refresh_keys`] read. Its
/// state is its blocks' (a detail line may say it).
#[inline]
fn row(facts: &BlockFacts, task: &Task) -> TaskRow {
    let line = facts.line(&task.block.scan).expect("a task's block holds a task line");
    TaskRow {
        key: line.key,
        label: line.label,
        story: None,
        done: task.done(),
        cancelled: line.cancelled,
        irregular: line.irregular,
        first: false,
    }
}

/// Task index by key, as [`TasksDoc::task_index`] answers (the first task
/// of a key), in constant time for plain IDs: dependency rules look up
/// both ends of thousands of edges, and a binary search each adds up.
#[derive(Clone)]
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
/// and its prerequisite (`to`), `None` for an ID no task has. Two `u32`s:
/// rules loop over the ends of every edge, tens of thousands at 10k tasks.
#[derive(Clone, Copy)]
pub(crate) struct EdgeEnds {
    from: u32,
    to: u32,
}

impl EdgeEnds {
    fn new(from: Option<usize>, to: Option<usize>) -> Self {
        let end = |task: Option<usize>| task.map_or(NONE, |task| task as u32);
        EdgeEnds { from: end(from), to: end(to) }
    }

    /// The dependent.
    pub fn from(self) -> Option<usize> {
        (self.from != NONE).then_some(self.from as usize)
    }

    /// The prerequisite.
    pub fn to(self) -> Option<usize> {
        (self.to != NONE).then_some(self.to as usize)
    }

    /// Both ends, when both exist.
    pub fn both(self) -> Option<(usize, usize)> {
        self.from().zip(self.to())
    }
}

/// The ends of every edge of `doc`, in edge order.
pub(crate) fn edge_ends(doc: &TasksDoc, keys: &KeyLookup) -> Vec<EdgeEnds> {
    doc.edges.iter().map(|edge| EdgeEnds::new(keys.index(doc, edge.from), keys.index(doc, edge.to))).collect()
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

    /// Text that changes what the table holds: task lines, labels, states,
    /// detail blocks, phases, paths, requirements, structure.
    const FRAGMENTS: &[&str] = &[
        "\n",
        "- [ ] T0100 [P] [US2] Create model in src/models/new.py\n",
        "- [x] T0003 Implement POST /api/items1 in src/api/x.py (FR-003)\n",
        "  - **Depends on**: T0001\n",
        "  **Status**: COMPLETE\n",
        "  - **File**: lib/elsewhere.py\n",
        "## Phase 9: User Story 7 - More (Priority: P2)\n",
        "- T0002 blocks T0001\n",
        "x",
        "FR-003 ",
        " lib/unplanned/place.py ",
        "[US3] ",
        "~~",
        "```\n",
    ];

    /// What the tables hold, comparably.
    fn contents(tables: &Tables) -> String {
        let unplanned = |u: &Option<Arc<[Unplanned]>>| {
            u.as_ref()
                .map(|u| u.iter().map(|x| (x.span, x.path.clone(), x.place.clone())).collect::<Vec<_>>())
        };
        let details: Vec<_> =
            tables.details.iter().map(|d| (format!("{:?}", d.summary), unplanned(&d.unplanned))).collect();
        let kept_unplanned: Vec<_> = tables.kept.unplanned.iter().map(unplanned).collect();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{details:?}\n{:?}\n{kept_unplanned:?}\n{:?}\n{:?}\n{:?}",
            tables.rows,
            tables.pathless,
            tables.open_tests,
            tables.lines,
            tables.kept.hits,
            tables.kept.requirements,
            tables.kept.in_plan,
            (&tables.pathless_names, tables.phases.all_named())
        )
    }

    /// The tables of `feature` after an analysis filled its tasks' facts.
    fn analysed(feature: &Feature) -> String {
        crate::analysis::analyze(feature, &crate::analysis::RuleConfig::default());
        contents(crate::analysis::Context::new(feature).tables())
    }

    /// Edits anywhere in tasks.md, with an analysis after each, the model
    /// built from the last version's as the language server does: the
    /// tables brought up to date are those of the same text loaded fresh.
    #[test]
    fn tables_kept_across_edits_equal_fresh_ones() {
        crate::testing::typing_keeps_what_loading_finds(11, 120, FRAGMENTS, false, analysed);
    }
}
