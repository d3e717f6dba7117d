//! What the coverage rules count of a tasks.md, kept across analyses: per
//! task its kind of work, its concerns and what it names, and over all
//! tasks how many test tasks there are, how many tasks work on each
//! concern, how many test and implementation tasks name each contract
//! item and entity, and how many name each path.
//!
//! A keystroke changes one task, yet every rule wants the whole feature's
//! answer ("does any test task name `GET /users`?"): counting every task
//! again costs some 0.5 ms at 10k tasks. Here a task's entry is kept with
//! the stamp of the table entry it was made from ([`Tables::stamps`]); the
//! next analysis compares the stamps from both ends, takes the entries of
//! the tasks between the first and last difference out of the counts and
//! puts their new ones in. A task's kind also depends on the phase and
//! subsection it sits in, which change without its blocks changing (a
//! heading edited, inserted or removed): when the runs of tasks in each
//! section ([`Section::runs`]) or the number of tasks changed, every
//! task's section is read again and the tasks whose section changed are
//! counted again.
//!
//! [`Tables::stamps`]: crate::analysis::table::Tables::stamps

use std::collections::BTreeMap;
use std::sync::Arc;

use super::{ContractHit, Covered, Sources, TaskHits};
use crate::analysis::facts::matching::{Section, SectionRun, TaskKind};
use crate::analysis::facts::sparse::changed_range;

/// The counts of one tasks.md for one set of documents; see the module
/// comment.
#[derive(Clone)]
pub(crate) struct Tally {
    /// The contracts and data model the hits name: the counts are kept
    /// for these only.
    sources: Arc<Sources>,
    /// Per task, the stamp of the table entry its entry was made from.
    stamps: Vec<u64>,
    tasks: Vec<TaskTally>,
    counts: Counts,
    /// The runs of tasks in each section the entries' sections were read
    /// from.
    runs: Option<Vec<SectionRun>>,
}

/// What the counts hold of one task.
#[derive(Clone, Debug)]
pub(crate) struct TaskTally {
    pub kind: TaskKind,
    /// The section its kind was worked out for.
    pub section: Section,
    /// The concerns its line and details work on, as bits.
    pub concerns: u16,
    pub hits: Option<Arc<TaskHits>>,
    pub paths: TaskPaths,
}

/// The hashes of the lower-cased paths a task's line and details name.
#[derive(Clone, Debug, Default)]
pub(crate) enum TaskPaths {
    #[default]
    None,
    One(u32),
    Many(Box<[u32]>),
}

impl TaskPaths {
    fn hashes(&self) -> &[u32] {
        match self {
            TaskPaths::None => &[],
            TaskPaths::One(hash) => std::slice::from_ref(hash),
            TaskPaths::Many(hashes) => hashes,
        }
    }
}

/// The counts over every task.
#[derive(Clone, Debug)]
struct Counts {
    /// Per contract: its items (operations, then events), and its
    /// operations.
    shape: Vec<(usize, usize)>,
    /// Test tasks.
    tests: u32,
    /// Per concern, the tasks working on it.
    concerns: [u32; 16],
    /// Per contract, the test tasks naming it or its items...
    tested: Vec<Naming>,
    /// ... and the implementation tasks naming it or its operations.
    built: Vec<Naming>,
    /// Per entity, the tasks naming it.
    entities: Vec<u32>,
    /// Per path hash, how many times tasks name it (none: absent).
    paths: BTreeMap<u32, u32>,
}

/// How many tasks name a contract as a whole, and each of its items.
#[derive(Clone, Debug)]
struct Naming {
    whole_file: u32,
    items: Vec<u32>,
}

impl Naming {
    fn new(items: usize) -> Self {
        Naming { whole_file: 0, items: vec![0; items] }
    }

    /// Count one task naming the contract (`hit`), up or down: its items
    /// below `items`, or the whole file when it names the file (clearly,
    /// or in passing when `weak_is_enough`) and none of those items.
    fn count(
        &mut self,
        hit: &ContractHit,
        items: usize,
        about_contracts: bool,
        weak_is_enough: bool,
        up: bool,
    ) {
        let mut named = hit.items.iter().copied().filter(|&item| item < items).peekable();
        if named.peek().is_none() && hit.file.is_some() && hit.file.named_by(about_contracts, weak_is_enough)
        {
            step(&mut self.whole_file, up);
        }
        for item in named {
            step(&mut self.items[item], up);
        }
    }

    fn covered(&self) -> Covered {
        Covered { whole_file: self.whole_file > 0, items: self.items.iter().map(|&n| n > 0).collect() }
    }
}

fn step(count: &mut u32, up: bool) {
    if up {
        *count += 1;
    } else {
        *count -= 1;
    }
}

impl Counts {
    fn new(shape: Vec<(usize, usize)>, entities: usize) -> Self {
        Counts {
            tested: shape.iter().map(|&(items, _)| Naming::new(items)).collect(),
            built: shape.iter().map(|&(_, operations)| Naming::new(operations)).collect(),
            shape,
            tests: 0,
            concerns: [0; 16],
            entities: vec![0; entities],
            paths: BTreeMap::new(),
        }
    }

    /// Count `task` in (`up`) or out.
    fn count(&mut self, task: &TaskTally, up: bool) {
        let kind = task.kind;
        if kind.test {
            step(&mut self.tests, up);
        }
        for (bit, count) in self.concerns.iter_mut().enumerate() {
            if task.concerns & 1 << bit != 0 {
                step(count, up);
            }
        }
        for &hash in task.paths.hashes() {
            let count = self.paths.entry(hash).or_default();
            step(count, up);
            if *count == 0 {
                self.paths.remove(&hash);
            }
        }
        let Some(hits) = &task.hits else { return };
        for &entity in &hits.entities {
            step(&mut self.entities[entity], up);
        }
        for hit in &hits.contracts {
            let (items, operations) = self.shape[hit.contract];
            if kind.test {
                self.tested[hit.contract].count(hit, items, kind.contract, items == 0, up);
            }
            if kind.implementation {
                self.built[hit.contract].count(hit, operations, kind.contract, false, up);
            }
        }
    }
}

impl Tally {
    /// No tasks yet, for `sources`, whose contracts have `shape` (per
    /// contract, its items and its operations) and whose data model has
    /// `entities` entities to build.
    pub fn new(sources: Arc<Sources>, shape: Vec<(usize, usize)>, entities: usize) -> Self {
        let counts = Counts::new(shape, entities);
        Tally { sources, stamps: Vec::new(), tasks: Vec::new(), counts, runs: Some(Vec::new()) }
    }

    /// Whether the counts are kept for `sources`.
    pub fn is_for(&self, sources: &Arc<Sources>) -> bool {
        Arc::ptr_eq(&self.sources, sources)
    }

    /// Bring the counts to the tasks whose table entries have `stamps`
    /// and whose sections are `sections` (made from `runs`): the tasks
    /// between the first and last changed stamp get new entries (`make`),
    /// those whose section changed a new kind (`kind`).
    pub fn update(
        &mut self,
        stamps: &[u64],
        runs: Option<Vec<SectionRun>>,
        sections: &[Section],
        mut make: impl FnMut(usize, Section) -> TaskTally,
        kind: impl Fn(usize, Section) -> TaskKind,
    ) {
        // The same runs over as many tasks: every task sits where it sat.
        let same_sections = runs.is_some() && runs == self.runs && stamps.len() == self.stamps.len();
        self.runs = runs;
        let changed =
            changed_range(self.stamps.len(), stamps.len(), |old, new| self.stamps[old] == stamps[new]);
        if let Some((prefix, old_end, new_end)) = changed {
            for task in &self.tasks[prefix..old_end] {
                self.counts.count(task, false);
            }
            let middle: Vec<TaskTally> =
                (prefix..new_end).map(|index| make(index, sections[index])).collect();
            for task in &middle {
                self.counts.count(task, true);
            }
            self.tasks.splice(prefix..old_end, middle);
            self.stamps.splice(prefix..old_end, stamps[prefix..new_end].iter().copied());
        }
        if same_sections {
            return;
        }
        for (index, (task, &section)) in self.tasks.iter_mut().zip(sections).enumerate() {
            if task.section != section {
                self.counts.count(task, false);
                task.section = section;
                task.kind = kind(index, section);
                self.counts.count(task, true);
            }
        }
    }

    /// Task `task`'s entry.
    pub fn task(&self, task: usize) -> &TaskTally {
        &self.tasks[task]
    }

    /// Whether some task is a test task.
    pub fn has_tests(&self) -> bool {
        self.counts.tests > 0
    }

    /// Every concern some task works on, as bits.
    pub fn concerns(&self) -> u16 {
        let counts = self.counts.concerns.iter().enumerate();
        counts.filter(|(_, count)| **count > 0).fold(0, |bits, (bit, _)| bits | 1 << bit)
    }

    /// Per contract, which of its items test tasks name...
    pub fn tested(&self) -> Vec<Covered> {
        self.counts.tested.iter().map(Naming::covered).collect()
    }

    /// ... and which of its operations implementation tasks name.
    pub fn built(&self) -> Vec<Covered> {
        self.counts.built.iter().map(Naming::covered).collect()
    }

    /// The tasks that name a path of hash `hash`, in order.
    pub fn tasks_naming(&self, hash: u32) -> Vec<usize> {
        if !self.counts.paths.contains_key(&hash) {
            return Vec::new();
        }
        let tasks = self.tasks.iter().enumerate();
        tasks.filter(|(_, task)| task.paths.hashes().contains(&hash)).map(|(index, _)| index).collect()
    }

    /// Whether some task names entity `entity`.
    pub fn entity_named(&self, entity: usize) -> bool {
        self.counts.entities[entity] > 0
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::{Context, RuleConfig, analyze};
    use crate::model::feature::Feature;

    /// Text that changes what the counts hold: tasks that test, build and
    /// name contracts and entities, concerns, details, and the sections
    /// that make tasks tests or about contracts.
    const FRAGMENTS: &[&str] = &[
        "\n",
        "- [ ] T0100 [P] [US2] Contract test GET /api/items1/{id} in tests/contract/test_x.py\n",
        "- [ ] T0101 Implement POST /api/items2 in src/api/x.py\n",
        "- [ ] T0102 Create Item3 model with audit logging in src/models/item3.py\n",
        "- [ ] T0103 Wire the openapi routes in src/api/routes.py\n",
        "  - **File**: tests/unit/test_extra.py\n",
        "## Phase 9: Tests First (TDD)\n",
        "## Phase 10: Contract tests\n",
        "### Tests for User Story 2\n",
        "### Implementation for User Story 2\n",
        "### API contracts\n",
        "Tests ",
        "Implementation ",
        "Contract ",
        "x",
        "test ",
        "contract ",
        "~~",
        "```\n",
    ];

    /// What the counts of `feature`'s tasks.md hold, comparably (the
    /// stamps aside: they differ between a kept and a fresh table).
    fn counted(feature: &Feature) -> String {
        analyze(feature, &RuleConfig::default());
        let cx = Context::new(feature);
        let tally = &cx.coverage().tally;
        format!("{:?}\n{:?}", tally.tasks, tally.counts)
    }

    /// Edits anywhere in tasks.md, with an analysis after each, the model
    /// built from the last version's as the language server does: the
    /// counts brought up to date are those of the same text loaded fresh.
    #[test]
    fn counts_kept_across_edits_equal_fresh_ones() {
        crate::testing::typing_keeps_what_loading_finds(5, 150, FRAGMENTS, true, counted);
    }
}
