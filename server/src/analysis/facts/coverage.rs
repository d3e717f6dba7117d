//! What the coverage rules share in one analysis: each task's kind of work
//! and what it names of the contracts and the data model, read once and
//! handed out by [`Context::coverage`](crate::analysis::Context).
//!
//! Naming is the costly part (every task against every operation, event
//! and entity), so a task's [`TaskHits`] are kept in the facts of its line
//! block, keyed by the documents they were matched against and by the
//! task's detail blocks: a re-analysis after an edit matches the edited
//! task alone and only looks up the others. What the rules count over
//! every task is kept across analyses too ([`tally`]).

mod tally;

pub(crate) use self::tally::Tally;

use std::cell::{Cell, OnceCell};
use std::sync::{Arc, OnceLock, PoisonError, Weak};

use self::tally::{TaskPaths, TaskTally};
use super::matching::BlockSignals;
use super::matching::{
    ContractNames, EventNames, FileSignal, OperationNames, Phrase, Section, TaskKind, TaskSignals, TaskText,
};
use super::name_index::NameIndex;
use super::sparse::FileIndex;
use crate::analysis::Context;
use crate::analysis::facts::{BlockFacts, same, text_hash};
use crate::model::blocks::BlockList;
use crate::model::contracts::ContractDoc;
use crate::model::data_model::{DataModelDoc, Entity, EntityKind};
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::scan::BlockScan;
use crate::model::tasks::{Task, TasksDoc};

/// The coverage rules' view of one analysis.
pub(crate) struct Coverage<'a> {
    doc: Option<&'a TasksDoc>,
    /// Per task of tasks.md, its kind and what it names, and the counts
    /// over all tasks.
    tally: Arc<Tally>,
    /// Every constitution concern some task works on, as bits.
    pub concerns: u16,
    /// Every contract file, in folder order.
    pub contracts: Vec<ContractNeedles<'a>>,
    /// The entities of data-model.md a task should build.
    pub entities: Vec<EntityNeedles<'a>>,
    /// Per contract, which of its items test tasks name (see
    /// [`Coverage::tested`]) and which of its operations implementation
    /// tasks name; read once from the counts, for both rules that read
    /// them.
    contract_coverage: OnceCell<ContractCoverage>,
    /// The documents, as the hits kept in tasks' facts name them.
    sources: Arc<Sources>,
}

/// What one task names of the contracts and the data model.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct TaskHits {
    /// Per contract it says something of, in contract order.
    contracts: Vec<ContractHit>,
    /// Indices (into [`Coverage::entities`]) of the entities it names.
    entities: Vec<usize>,
}

#[derive(Debug, PartialEq, Eq)]
struct ContractHit {
    contract: usize,
    file: FileSignal,
    /// Indices of the items it names: operations, then events.
    items: Vec<usize>,
}

impl TaskHits {
    fn contract(&self, contract: usize) -> Option<&ContractHit> {
        self.contracts.iter().find(|hit| hit.contract == contract)
    }

    /// The items of `contract` the task names (operations, then events).
    pub fn items(&self, contract: usize) -> &[usize] {
        self.contract(contract).map_or(&[], |hit| &hit.items)
    }

    /// What the task's text says of the file of `contract`.
    pub fn file(&self, contract: usize) -> FileSignal {
        self.contract(contract).map_or_else(FileSignal::default, |hit| hit.file)
    }
}

/// A contract file of the feature.
/// Which items of one contract some of the tasks name: worked out once
/// for contract-without-test and endpoint-without-task alike, so that an
/// operation with neither a test nor an implementation task is reported by
/// one rule, not by both.
pub(crate) struct Covered {
    /// A task names the contract file but none of its items ("contract
    /// tests for all Jira browser routes"): it covers them all.
    pub whole_file: bool,
    /// Per item, whether a task names it.
    items: Vec<bool>,
}

impl Covered {
    pub fn has(&self, item: usize) -> bool {
        self.whole_file || self.items[item]
    }

    /// Whether contract-without-test reports the untested items of a
    /// contract one by one, at each item: some of its items have tests,
    /// others don't. (With none tested, it reports the file once, on its
    /// first line.)
    pub fn reported_one_by_one(&self) -> bool {
        !self.whole_file && self.items.iter().any(|&t| t) && self.items.iter().any(|&t| !t)
    }
}

/// What [`Coverage::tested`] and [`Coverage::built`] answer from.
struct ContractCoverage {
    has_tests: bool,
    tested: Vec<Covered>,
    built: Vec<Covered>,
}

pub(crate) struct ContractNeedles<'a> {
    pub file: &'a FeatureFile,
    pub doc: &'a ContractDoc,
}

/// What names a contract file and what it defines.
struct ContractMatchers {
    file: ContractNames,
    operations: Vec<OperationNames>,
    events: Vec<EventNames>,
}

impl ContractMatchers {
    fn of(contract: &ContractNeedles) -> Self {
        let doc = contract.doc;
        ContractMatchers {
            file: ContractNames::of(contract.file, doc),
            operations: doc.operations.iter().map(|op| OperationNames::of(doc, op)).collect(),
            events: doc.events.iter().map(|event| EventNames::of(&event.name)).collect(),
        }
    }

    /// What `text` names of the contract, trying only `candidates`
    /// (item indices, increasing; the others are not named).
    fn hit(
        &self,
        contract: usize,
        text: &TaskText,
        candidates: impl Iterator<Item = usize>,
    ) -> Option<ContractHit> {
        let items: Vec<usize> = candidates.filter(|&item| self.item_named_by(item, text)).collect();
        let file = self.file.signal(text);
        (file.is_some() || !items.is_empty()).then_some(ContractHit { contract, file, items })
    }

    /// Whether `text` names item `item` (operations, then events).
    fn item_named_by(&self, item: usize, text: &TaskText) -> bool {
        match item.checked_sub(self.operations.len()) {
            None => self.operations[item].named_by(text),
            Some(event) => self.events[event].named_by(text),
        }
    }

    /// Index its names: the file, then each item, under a new slot each
    /// (pushed to `slots`).
    fn index(&self, contract: usize, index: &mut NameIndex, slots: &mut Vec<Slot>) {
        let mut next = |slot: Slot| {
            slots.push(slot);
            (slots.len() - 1) as u32
        };
        self.file.index(index, next(Slot::File(contract)));
        for (item, operation) in self.operations.iter().enumerate() {
            operation.index(index, next(Slot::Item(contract, item)));
        }
        for (event, names) in self.events.iter().enumerate() {
            names.index(index, next(Slot::Item(contract, self.operations.len() + event)));
        }
    }
}

/// What a slot of the [`NameIndex`] stands for: a contract's file, one of
/// its items (operations, then events), or an entity. Slots of one
/// contract are consecutive, its file first; entities come last.
#[derive(Clone, Copy, Debug)]
enum Slot {
    File(usize),
    Item(usize, usize),
    Entity(usize),
}

impl Slot {
    fn contract(self) -> Option<usize> {
        match self {
            Slot::File(contract) | Slot::Item(contract, _) => Some(contract),
            Slot::Entity(_) => None,
        }
    }
}

/// An entity of data-model.md a task should build.
pub(crate) struct EntityNeedles<'a> {
    pub entity: &'a Entity,
}

/// The phrases that name each entity, in [`Coverage::entities`] order.
/// An entity is named in any spelling, or with its words scattered.
pub(crate) fn entity_named_by(phrases: &[Phrase], text: &TaskText) -> bool {
    phrases.iter().any(|p| text.names(p) || p.scattered_in(text))
}

/// The contracts and entities prepared for matching.
pub(crate) struct Matchers {
    contracts: Vec<ContractMatchers>,
    entities: Vec<Vec<Phrase>>,
    /// Their names by the words that may name them.
    index: NameIndex,
    /// What each slot of `index` stands for.
    slots: Vec<Slot>,
}

impl Matchers {
    fn new(contracts: Vec<ContractMatchers>, entities: Vec<Vec<Phrase>>) -> Self {
        let (mut index, mut slots) = (NameIndex::default(), Vec::new());
        for (c, contract) in contracts.iter().enumerate() {
            contract.index(c, &mut index, &mut slots);
        }
        for (e, phrases) in entities.iter().enumerate() {
            let slot = slots.len() as u32;
            slots.push(Slot::Entity(e));
            for phrase in phrases {
                index.phrase(phrase, slot);
                index.scattered(phrase, slot);
            }
        }
        Matchers { contracts, entities, index: index.finish(), slots }
    }

    /// What `text` names, trying only the names its words may name.
    fn hits(&self, text: &TaskText) -> TaskHits {
        let candidates: Vec<Slot> =
            self.index.candidates(text).into_iter().map(|slot| self.slots[slot as usize]).collect();
        let mut hits = TaskHits::default();
        for group in candidates.chunk_by(|a, b| a.contract() == b.contract()) {
            match group[0].contract() {
                Some(c) => {
                    let items = group.iter().filter_map(|slot| match slot {
                        Slot::Item(_, item) => Some(*item),
                        _ => None,
                    });
                    hits.contracts.extend(self.contracts[c].hit(c, text, items));
                }
                None => hits.entities.extend(group.iter().filter_map(|slot| match *slot {
                    Slot::Entity(e) => entity_named_by(&self.entities[e], text).then_some(e),
                    _ => None,
                })),
            }
        }
        hits
    }

    /// [`Matchers::hits`] by trying every name: the reference the index
    /// must agree with.
    #[cfg(test)]
    fn hits_trying_every_name(&self, text: &TaskText) -> TaskHits {
        let contracts = self.contracts.iter().enumerate();
        let every_item = |c: &ContractMatchers| 0..c.operations.len() + c.events.len();
        TaskHits {
            contracts: contracts.filter_map(|(i, c)| c.hit(i, text, every_item(c))).collect(),
            entities: (0..self.entities.len())
                .filter(|&e| entity_named_by(&self.entities[e], text))
                .collect(),
        }
    }
}

/// Trailing words that qualify rather than name an entity.
const GENERIC_SUFFIXES: &[&str] =
    &["entity", "table", "model", "record", "dto", "type", "state", "enum", "schema", "object"];

/// The phrases that name an entity: each of `A / B`, without generic
/// parameters (`ChartResult<T>`) and qualifiers in parentheses, and each
/// without a generic last word.
pub(crate) fn entity_phrases(name: &str) -> Vec<Phrase> {
    let mut phrases = Vec::new();
    for alternative in name.split(['/', ',']) {
        let cut = alternative.find(['<', '(', '[']).unwrap_or(alternative.len());
        let Some(phrase) = Phrase::of(&alternative[..cut]) else { continue };
        phrases.extend(phrase.without_suffix(GENERIC_SUFFIXES));
        phrases.push(phrase);
    }
    phrases
}

/// An entity the feature builds: not marked as existing, and with at least
/// one typed field (or an enumeration). Sections that describe a concept
/// in prose (`Makefile Targets`, `Sanitized Surface`) are not models a
/// task would create.
pub(crate) fn is_to_build(entity: &Entity) -> bool {
    !entity.existing && (entity.kind == EntityKind::Enum || entity.fields.iter().any(|f| f.ty.is_some()))
}

/// A contract by identity: its path, its model and its blocks.
type ContractKey = (Arc<str>, Weak<ContractDoc>, Option<Weak<BlockList>>);

/// The documents tasks are matched against, by identity: the key of the
/// hits kept in a task's facts.
pub(crate) struct Sources {
    contracts: Vec<ContractKey>,
    data_model: Option<Weak<DataModelDoc>>,
    /// Per contract, per operation: whether no contract before it (or
    /// operation before it in the same contract) defines the same method
    /// and path, made when first asked (see [`Coverage::first_definitions`]).
    first_definitions: OnceLock<Box<[Box<[bool]>]>>,
    /// The documents prepared for matching, on the first task that needs
    /// it. Later analyses of the same documents adopt these sources (see
    /// [`peek_hits`]), and with them what was prepared.
    matchers: OnceLock<Matchers>,
}

impl Sources {
    pub fn of(feature: &Feature) -> Self {
        let contracts = feature
            .files
            .iter()
            .filter_map(|f| match &f.model {
                DocModel::Contract(doc) => {
                    Some((f.rel.clone(), Arc::downgrade(doc), f.blocks.as_ref().map(Arc::downgrade)))
                }
                _ => None,
            })
            .collect();
        let data_model = data_model_doc(feature).map(Arc::downgrade);
        Sources { contracts, data_model, first_definitions: OnceLock::new(), matchers: OnceLock::new() }
    }

    /// Whether both are the very same documents.
    pub fn same_as(&self, other: &Sources) -> bool {
        let same_weak = |a: &Weak<_>, b: &Weak<_>| Weak::ptr_eq(a, b);
        self.contracts.len() == other.contracts.len()
            && self.contracts.iter().zip(&other.contracts).all(|(a, b)| {
                a.0 == b.0
                    && same_weak(&a.1, &b.1)
                    && match (&a.2, &b.2) {
                        (Some(a), Some(b)) => Weak::ptr_eq(a, b),
                        (None, None) => true,
                        _ => false,
                    }
            })
            && match (&self.data_model, &other.data_model) {
                (Some(a), Some(b)) => Weak::ptr_eq(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

fn data_model_doc(feature: &Feature) -> Option<&Arc<DataModelDoc>> {
    let (file, _) = feature.data_model()?;
    match &file.model {
        DocModel::DataModel(doc) => Some(doc),
        _ => None,
    }
}

/// The key of a task's hits: the documents, and the task's detail blocks
/// (its text is its line and theirs).
pub(crate) struct HitsKey {
    sources: Arc<Sources>,
    details: Box<[Weak<BlockScan>]>,
}

impl HitsKey {
    /// Whether it was made for `sources` and the task's current details.
    /// Sources of an earlier analysis that name the same documents go to
    /// `earlier`, to replace ours: then the next tasks compare a pointer.
    fn is_for(&self, sources: &Arc<Sources>, task: &Task, earlier: &Cell<Option<Arc<Sources>>>) -> bool {
        let same_sources = Arc::ptr_eq(&self.sources, sources)
            || (self.sources.same_as(sources) && {
                earlier.set(Some(self.sources.clone()));
                true
            });
        same_sources
            && self.details.len() == task.details.len()
            && self.details.iter().zip(&task.details).all(|(weak, detail)| same(weak, &detail.scan))
    }
}

/// The hits kept in `facts` (a task's line's) for `sources` and the
/// task's details, without computing any. Sources of an earlier analysis
/// naming the same documents replace `sources`.
pub(crate) fn peek_hits<'f>(
    facts: &'f BlockFacts,
    task: &Task,
    sources: &mut Arc<Sources>,
) -> Option<&'f Option<Arc<TaskHits>>> {
    let earlier = Cell::new(None);
    let hits = facts.hits.peek(|key| key.is_for(sources, task, &earlier));
    if let Some(earlier) = earlier.take() {
        *sources = earlier;
    }
    hits
}

impl<'a> Coverage<'a> {
    pub fn new(cx: &Context<'a>) -> Self {
        let feature = cx.feature;
        let contracts: Vec<ContractNeedles> =
            feature.contracts().map(|(file, doc)| ContractNeedles { file, doc }).collect();
        let entities = feature.data_model().map_or_else(Vec::new, |(_, model)| {
            model.entities.iter().filter(|e| is_to_build(e)).map(|entity| EntityNeedles { entity }).collect()
        });
        let sources = cx.sources().clone();
        let mut coverage = Coverage {
            doc: None,
            tally: Arc::new(Tally::new(sources.clone(), Vec::new(), 0)),
            concerns: 0,
            contracts,
            entities,
            contract_coverage: OnceCell::new(),
            sources,
        };
        coverage.tally = match cx.tasks() {
            Some((file, doc)) => {
                coverage.doc = Some(doc);
                coverage.kept_tally(cx, file, doc)
            }
            None => Arc::new(coverage.new_tally()),
        };
        coverage.concerns = coverage.tally.concerns();
        coverage
    }

    /// Counts of no tasks, for these documents.
    fn new_tally(&self) -> Tally {
        let shape = self.contracts.iter().map(|c| (c.item_count(), c.doc.operations.len())).collect();
        Tally::new(self.sources.clone(), shape, self.entities.len())
    }

    /// The tally of tasks.md (`file`, `doc`): the last analysis's brought
    /// up to date when it counted for the same documents, else made anew.
    /// Kept with the file's other lists ([`FileIndex`]).
    fn kept_tally(&self, cx: &Context<'a>, file: &FeatureFile, doc: &TasksDoc) -> Arc<Tally> {
        let slot = file.blocks.as_deref().and_then(FileIndex::of).map(|index| &index.tally);
        let mut kept = slot.map(|slot| slot.lock().unwrap_or_else(PoisonError::into_inner));
        let last = kept.as_mut().and_then(|kept| kept.take()).filter(|tally| tally.is_for(&self.sources));
        // Unshared once the last analysis is over: updated in place.
        let mut tally = last.unwrap_or_else(|| Arc::new(self.new_tally()));
        self.update(Arc::make_mut(&mut tally), cx, doc);
        if let Some(kept) = kept.as_mut() {
            **kept = Some(tally.clone());
        }
        tally
    }

    /// Bring `tally` to this analysis's tasks.
    fn update(&self, tally: &mut Tally, cx: &Context<'a>, doc: &TasksDoc) {
        let needles = !self.contracts.is_empty() || !self.entities.is_empty();
        let mut sources = self.sources.clone();
        let runs = Section::runs(doc);
        let sections = Section::of_tasks(doc, runs.as_deref());
        let make = |index: usize, section: Section| {
            let (signals, concerns) = signals(cx, index);
            let hits = if needles { self.task_hits(cx, doc, index, &mut sources) } else { None };
            let paths = path_hashes(cx, doc, index);
            TaskTally { kind: TaskKind::of(signals, section), section, concerns, hits, paths }
        };
        let kind = |index: usize, section: Section| TaskKind::of(signals(cx, index).0, section);
        tally.update(cx.tables().stamps(), runs, &sections, make, kind);
    }

    /// What task `index` names: kept in the task table, else matched now
    /// (and kept in its facts) when its facts do not hold it for these
    /// documents.
    fn task_hits(
        &self,
        cx: &Context<'a>,
        doc: &TasksDoc,
        index: usize,
        sources: &mut Arc<Sources>,
    ) -> Option<Arc<TaskHits>> {
        match &cx.kept().hits[index] {
            Some(kept) => kept.clone(),
            None => {
                let task = &doc.tasks[index];
                self.match_kept(task, BlockFacts::of(&task.block.scan), sources)
            }
        }
    }

    /// What task `task` is: test or implementation work, about contracts.
    pub fn kind(&self, task: usize) -> TaskKind {
        self.tally.task(task).kind
    }

    /// Whether any task is a test.
    pub fn has_tests(&self) -> bool {
        self.tally.has_tests()
    }

    /// Whether some task names entity `entity` (of
    /// [`Coverage::entities`]).
    pub fn entity_named(&self, entity: usize) -> bool {
        self.tally.entity_named(entity)
    }

    /// Which items of contract `index` (its operations, then its events) a
    /// test task names. `None` when contract-without-test does not check the
    /// feature: it has no test task at all (tests are optional).
    pub fn tested(&self, index: usize) -> Option<&Covered> {
        let coverage = self.contract_coverage();
        coverage.has_tests.then(|| &coverage.tested[index])
    }

    /// Which operations of contract `index` an implementation task names.
    pub fn built(&self, index: usize) -> &Covered {
        &self.contract_coverage().built[index]
    }

    /// Per contract, per operation: whether it is the first definition of
    /// its method and path (an `/api` or version prefix and parameter names
    /// aside) among the contracts, in folder order. Kept with the sources,
    /// so worked out once per version of the contracts, not per keystroke
    /// in tasks.md.
    pub fn first_definitions(&self) -> &[Box<[bool]>] {
        self.sources.first_definitions.get_or_init(|| {
            let mut seen = std::collections::HashSet::new();
            let mut first = |op: &crate::model::contracts::Operation| {
                seen.insert((op.method.clone(), super::matching::normalize_endpoint_path(&op.path)))
            };
            self.contracts.iter().map(|c| c.doc.operations.iter().map(&mut first).collect()).collect()
        })
    }

    fn contract_coverage(&self) -> &ContractCoverage {
        self.contract_coverage.get_or_init(|| ContractCoverage {
            has_tests: self.has_tests(),
            tested: self.tally.tested(),
            built: self.tally.built(),
        })
    }

    /// What task `task` names.
    pub fn hits(&self, task: usize) -> Option<&TaskHits> {
        self.tally.task(task).hits.as_deref()
    }

    /// The items of `contract` task `task` names (operations, then events).
    pub fn items(&self, task: usize, contract: usize) -> &[usize] {
        self.hits(task).map_or(&[], |hits| hits.items(contract))
    }

    /// Whether task `task` names item `item` of `contract`.
    pub fn names_item(&self, task: usize, contract: usize, item: usize) -> bool {
        self.items(task, contract).contains(&item)
    }

    /// Whether task `task` names the file of `contract`: clearly, or in
    /// passing when `weak_is_enough`.
    pub fn names_file(&self, task: usize, contract: usize, weak_is_enough: bool) -> bool {
        let Some(hits) = self.hits(task) else { return false };
        let file = hits.file(contract);
        // Whether the task speaks of contracts only matters for a weak name.
        file.is_some() && file.named_by(self.kind(task).contract, weak_is_enough)
    }

    /// The documents prepared for matching, once for as long as they stay
    /// the same.
    fn matchers(&self) -> &Matchers {
        self.sources.matchers.get_or_init(|| {
            Matchers::new(
                self.contracts.iter().map(ContractMatchers::of).collect(),
                self.entities.iter().map(|e| entity_phrases(&e.entity.name)).collect(),
            )
        })
    }

    /// Whether entity `entity` (of [`Coverage::entities`]) has no words
    /// to look for.
    pub fn has_no_name(&self, entity: usize) -> bool {
        self.matchers().entities[entity].is_empty()
    }

    /// The task's hits, from its facts when they were matched against the
    /// same documents and details. An earlier analysis's `sources` that
    /// name the same documents replace ours, so that the tasks after this
    /// one compare one pointer.
    fn match_kept(
        &self,
        task: &Task,
        facts: &BlockFacts,
        sources: &mut Arc<Sources>,
    ) -> Option<Arc<TaskHits>> {
        let earlier = Cell::new(None);
        let hits = facts.hits.get(
            |key| key.is_for(sources, task, &earlier),
            || {
                let details = task.details.iter().map(|d| Arc::downgrade(&d.scan)).collect();
                (HitsKey { sources: sources.clone(), details }, self.match_task(task))
            },
        );
        if let Some(earlier) = earlier.take() {
            *sources = earlier;
        }
        hits
    }

    fn match_task(&self, task: &Task) -> Option<Arc<TaskHits>> {
        let hits = self.matchers().hits(&TaskText::of(task));
        (hits != TaskHits::default()).then(|| Arc::new(hits))
    }

    /// The tasks that may name `path` (that name a path with its
    /// lower-cased hash), to be checked one by one.
    pub fn tasks_naming(&self, path: &str) -> impl Iterator<Item = usize> {
        self.tally.tasks_naming(text_hash(&path.to_lowercase())).into_iter()
    }

    /// Whether task `task` names `contract` or something in it.
    pub fn names_contract(&self, task: usize, contract: usize) -> bool {
        let weak_is_enough = self.contracts[contract].item_count() == 0;
        self.names_file(task, contract, weak_is_enough) || !self.items(task, contract).is_empty()
    }
}

/// The hashes of the lower-cased paths task `index` names.
fn path_hashes(cx: &Context, doc: &TasksDoc, index: usize) -> TaskPaths {
    // Most tasks name one path: its hash is in a summary.
    let line = cx.lines()[index].summary.coverage;
    let summaries = || std::iter::once(line).chain(cx.details(index).iter().map(|d| d.summary.coverage));
    match summaries().map(|s| s.paths()).sum::<usize>() {
        0 => TaskPaths::None,
        1 => summaries().find(|s| s.paths() == 1).map_or(TaskPaths::None, |s| TaskPaths::One(s.first_path)),
        _ => {
            let task = &doc.tasks[index];
            let blocks = std::iter::once(&task.block).chain(&task.details);
            let hashes = blocks.flat_map(|block| BlockSignals::of(&block.scan).path_hashes.iter().copied());
            TaskPaths::Many(hashes.collect())
        }
    }
}

/// Task `index`'s signals, and the concerns it works on as bits: from its
/// line's and details' facts in the table.
fn signals(cx: &Context, index: usize) -> (TaskSignals, u16) {
    let line = cx.lines()[index].summary.coverage;
    let details = || cx.details(index).iter().map(|d| d.summary.coverage);
    let concerns = details().fold(line.concerns(), |bits, detail| bits | detail.concerns());
    (TaskSignals::of(line, details()), concerns)
}

impl ContractNeedles<'_> {
    /// Operations and events.
    pub fn item_count(&self) -> usize {
        self.doc.operations.len() + self.doc.events.len()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::testing::feature;

    /// Words that meet in every way matching knows: plurals, derived
    /// forms, camel and snake case, joined words, dotted and dashed names,
    /// other scripts.
    const WORDS: &[&str] = &[
        "user",
        "users",
        "UserProfile",
        "user_profile",
        "profile",
        "extract",
        "extraction",
        "extracts",
        "approve",
        "approval",
        "JobOffer",
        "joboffers",
        "job",
        "offer",
        "status",
        "StatusCode",
        "codes",
        "InteropStatusCode",
        "payment",
        "Payments",
        "merge-preview",
        "preview",
        "SchoolCreated",
        "lms.roster.SchoolCreated",
        "school",
        "createInvitation",
        "invitation",
        "Übersicht",
        "依存関係",
        "model",
        "table",
        "contract",
        "api",
        "v1",
        "users.yaml",
        "events.yaml",
        "test",
        "e2e",
    ];

    fn name() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(WORDS), 1..=3).prop_map(|words| words.concat())
    }

    fn segment() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(&["users", "api", "v1", "{id}", ":id", "merge-preview", "jobs"][..])
                .prop_map(str::to_string),
            name(),
        ]
    }

    fn path() -> impl Strategy<Value = String> {
        prop::collection::vec(segment(), 1..=3).prop_map(|segments| format!("/{}", segments.join("/")))
    }

    fn task_token() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => prop::sample::select(WORDS).prop_map(str::to_string),
            1 => name(),
            1 => (prop::sample::select(&["GET ", "POST ", "", "GET/PUT "][..]), path())
                .prop_map(|(method, path)| format!("{method}`{path}`")),
        ]
    }

    fn task_text() -> impl Strategy<Value = String> {
        prop::collection::vec(task_token(), 0..12).prop_map(|tokens| tokens.join(" "))
    }

    /// A feature with an OpenAPI contract, an AsyncAPI one and a data
    /// model, of generated names.
    fn files(
        operations: &[(String, String)],
        events: &[String],
        entities: &[String],
    ) -> Vec<(String, String)> {
        let mut openapi = String::from("openapi: 3.0.3\ninfo:\n  title: X\n  version: 1.0.0\npaths:\n");
        for (path, id) in operations {
            openapi.push_str(&format!("  \"{path}\":\n    post:\n      operationId: \"{id}\"\n"));
        }
        let mut asyncapi =
            String::from("asyncapi: 3.0.0\ninfo:\n  title: E\n  version: 1.0.0\ncomponents:\n  messages:\n");
        for (i, event) in events.iter().enumerate() {
            asyncapi.push_str(&format!("    m{i}:\n      name: \"{event}\"\n"));
        }
        let mut data_model = String::from("# Data Model\n\n## Entities\n\n");
        for entity in entities {
            data_model.push_str(&format!("### {entity}\n\n- **id**: UUID\n\n"));
        }
        vec![
            ("contracts/users_api.yaml".into(), openapi),
            ("contracts/job-offer-events.yaml".into(), asyncapi),
            ("data-model.md".into(), data_model),
        ]
    }

    fn matchers(feature: &Feature) -> Matchers {
        let contracts =
            feature.contracts().map(|(file, doc)| ContractMatchers::of(&ContractNeedles { file, doc }));
        let entities = feature.data_model().map_or_else(Vec::new, |(_, model)| {
            model.entities.iter().filter(|e| is_to_build(e)).map(|e| entity_phrases(&e.name)).collect()
        });
        Matchers::new(contracts.collect(), entities)
    }

    fn feature_of(files: &[(String, String)]) -> Feature {
        let files: Vec<(&str, &str)> =
            files.iter().map(|(rel, text)| (rel.as_str(), text.as_str())).collect();
        feature(&files)
    }

    #[test]
    fn the_index_finds_every_way_of_naming() {
        let operations = [("/users/{id}/merge-preview".to_string(), "approveJobOffer".to_string())];
        let files = files(&operations, &["lms.roster.SchoolCreated".into()], &["InteropStatusCode".into()]);
        let feature = feature_of(&files);
        let matchers = matchers(&feature);
        for (text, expected) in [
            (
                "Add POST /users/7/merge-preview",
                "contract: 1, file: FileSignal { strong: false, one_word: true, keywords: 1 }, items: [0]",
            ),
            ("Call approveJobOffer()", "items: [0]"),
            ("Test merge preview", "items: [0]"),
            ("Emit SchoolCreated", "items: [0]"),
            ("Map the status codes", "entities: [0]"),
            ("Write the users api client", "keywords: 1"),
            ("Nothing here", "TaskHits { contracts: [], entities: [] }"),
        ] {
            let task = TaskText::of_text(text);
            let hits = format!("{:?}", matchers.hits(&task));
            assert_eq!(hits, format!("{:?}", matchers.hits_trying_every_name(&task)));
            assert!(hits.contains(expected), "{text:?}: {hits}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The index finds exactly what trying every name finds.
        #[test]
        fn the_index_agrees_with_trying_every_name(
            operations in prop::collection::vec((path(), name()), 0..6),
            events in prop::collection::vec(name(), 0..4),
            entities in prop::collection::vec(name(), 0..6),
            tasks in prop::collection::vec(task_text(), 1..20),
        ) {
            let feature = feature_of(&files(&operations, &events, &entities));
            let matchers = matchers(&feature);
            for task in &tasks {
                let text = TaskText::of_text(task);
                prop_assert_eq!(matchers.hits(&text), matchers.hits_trying_every_name(&text), "{}", task);
            }
        }
    }
}
