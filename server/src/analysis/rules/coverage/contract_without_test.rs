use std::cell::OnceCell;
use std::collections::HashSet;

use super::slots;
use crate::analysis::facts::coverage::{ContractNeedles, Coverage};
use crate::analysis::facts::matching::{BlockSignals, is_test_path, words, words_of};
use crate::analysis::rules::insert::{NamePattern, NewTask, TaskSlot, dominant_extension, insert_tasks};
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::contracts::{EventDef, EventKind, Operation};
use crate::model::feature::FeatureFile;
use crate::model::spec::SpecDoc;
use crate::model::tasks::{PhaseKind, SubsectionKind, TasksDoc};
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a file in `contracts/` (OpenAPI, JSON schema, event or
    /// markdown contract) that no test task names, or, when some of its
    /// operations and events have tests and others do not, each operation
    /// or event without one.
    ///
    /// A test task is one in a tests phase or tests subsection, or whose
    /// description says "test" or whose files are test files. It names an
    /// operation by `METHOD /path` (path parameters `{id}`, `:id`, `<id>`,
    /// trailing slashes and an `/api` or base-path prefix don't matter; a
    /// parameter stands for any one segment), a bare `/path`, its
    /// `operationId`, or the words of its last segment when there are two
    /// or more ("merge preview"); an event by its name
    /// (`lms.roster.v1.SchoolCreated`, "school created"). It names the file
    /// by the file's name, its stem (`jira-browser` of
    /// `jira-browser.openapi.yaml`, written `jira_browser`, `JiraBrowser`
    /// or "Jira browser"), a markdown contract's subject, or a function or
    /// identifier its headings define (`` ## `ConfirmDialogComponent` ``).
    /// A test that names the file but none of its operations covers them
    /// all ("contract tests for all Jira browser routes"). For a file that
    /// defines no operations or events (a JSON schema, a function
    /// contract), naming it in passing is enough: a one-word stem or a word
    /// of the stem in a task about contracts, or two words of the stem.
    ///
    /// When such an operation has no implementation task either, the
    /// finding says so ("..., nor any implementation task") and
    /// endpoint-without-task stays silent on it: one line, one finding.
    ///
    /// Not checked: a tasks.md whose task lines mostly lack IDs
    /// (`tasks-without-ids` reports it), features whose tasks.md has no test task at all (tests
    /// are optional in Spec Kit, and several corpus features say "Tests: not
    /// requested"), and `contracts/README.md` or `index.md`.
    ///
    /// ## Why is this bad?
    /// A contract is a promise to other teams. Without a contract test
    /// nothing notices when the implementation drifts from it; the Spec Kit
    /// templates ask for one test task per contract file and endpoint.
    ///
    /// ## Example
    /// `contracts/users.yaml` defines `POST /api/users` and `GET
    /// /api/users/{id}`, and tasks.md has:
    /// ```markdown
    /// ## Phase 3.2: Tests First (TDD)
    /// - [ ] T004 [P] Contract test POST /api/users in tests/contract/test_users_post.py
    /// ```
    /// `GET /api/users/{id}` has no contract test.
    ///
    /// ## Fix
    /// Insert the missing contract test task: at the end of the story's
    /// tests subsection when a story's tasks name the operation, else of a
    /// tests section about contracts, the first story's tests, or the
    /// Tests First phase; with the next free ID, `[P]`, the story label in
    /// story phases, and a test file that follows the contract tests the
    /// document already names (`tests/contract/test_users_get.py`). The
    /// fix is unsafe: it adds work to the plan.
    pub struct ContractWithoutTest { code: "contract-without-test", severity: Warning }
}

impl Rule for ContractWithoutTest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((tasks_file, doc)) = cx.tasks() else { return };
        if cx.feature.contracts().next().is_none() || cx.tasks_lack_ids() {
            return; // nothing to test, or no tasks to judge by
        }
        let coverage = cx.coverage();
        if !coverage.has_tests() {
            return; // no tasks yet, or tests not requested (they are optional)
        }
        let mut planner = Planner::new(cx, tasks_file, doc, coverage);
        for (index, needles) in coverage.contracts.iter().enumerate() {
            let contract = Contract::new(index, needles);
            let file = needles.file;
            if contract.is_index() {
                continue;
            }
            let Some(tested) = coverage.tested(index) else { return };
            if tested.whole_file {
                continue;
            }
            let items = &contract.items;
            let uncovered: Vec<&Item> = items.iter().filter(|item| !tested.has(item.index)).collect();
            if uncovered.len() == items.len() {
                let message = match items.len() {
                    0 => format!("no test task names {}", file.rel),
                    1 => format!("no test task names {} or its {}", file.rel, items[0].label()),
                    n => format!(
                        "{} has no contract test: no test task names it or any of its {n} {}",
                        file.rel,
                        items_noun(items)
                    ),
                };
                let mut diagnostic =
                    cx.report(Self::META.default_severity, file, file.document.line_span(0), message);
                let wanted: Vec<Option<&Item>> =
                    if items.is_empty() { vec![None] } else { items.iter().map(Some).collect() };
                diagnostic.fix = planner.fix(&contract, &wanted);
                out.push(diagnostic);
                continue;
            }
            let built = coverage.built(index);
            for item in uncovered {
                // endpoint-without-task leaves an operation built by no
                // task to this finding, so it says so.
                let unbuilt = matches!(item.kind, ItemKind::Operation(_)) && !built.has(item.index);
                let also = if unbuilt { ", nor any implementation task" } else { "" };
                let message = format!("no test task names {} of {}{also}", item.label(), file.rel);
                let mut diagnostic = cx.report(Self::META.default_severity, file, item.span(), message);
                diagnostic.fix = planner.fix(&contract, &[Some(item)]);
                out.push(diagnostic);
            }
        }
    }
}

/// A contract file with what it defines.
struct Contract<'a> {
    /// Its index in [`Coverage::contracts`].
    index: usize,
    file: &'a FeatureFile,
    items: Vec<Item<'a>>,
}

impl<'a> Contract<'a> {
    fn new(index: usize, needles: &ContractNeedles<'a>) -> Self {
        let doc = needles.doc;
        let kinds =
            doc.operations.iter().map(ItemKind::Operation).chain(doc.events.iter().map(ItemKind::Event));
        let items = kinds.enumerate().map(|(index, kind)| Item { index, kind }).collect();
        Contract { index, file: needles.file, items }
    }

    /// `contracts/README.md`, `contracts/index.md`: about the contracts,
    /// not one of them.
    fn is_index(&self) -> bool {
        let name = self.file.rel.rsplit('/').next().unwrap_or(&self.file.rel).to_ascii_lowercase();
        self.items.is_empty() && (name.starts_with("readme.") || name.starts_with("index."))
    }

    /// Whether task `task` names the item.
    fn item_named_by(&self, coverage: &Coverage, item: &Item, task: usize) -> bool {
        coverage.names_item(task, self.index, item.index)
    }

    /// Names the file: clearly, or in passing when the file defines no
    /// operations or events (a JSON schema, a function contract).
    fn names_file(&self, coverage: &Coverage, task: usize) -> bool {
        coverage.names_file(task, self.index, self.items.is_empty())
    }

    /// Names the file or something in it.
    fn named_by(&self, coverage: &Coverage, task: usize) -> bool {
        coverage.names_contract(task, self.index)
    }
}

/// What a contract defines that a test should name, with its index among
/// the contract's operations and events.
struct Item<'a> {
    index: usize,
    kind: ItemKind<'a>,
}

enum ItemKind<'a> {
    Operation(&'a Operation),
    Event(&'a EventDef),
}

impl Item<'_> {
    fn label(&self) -> String {
        match self.kind {
            ItemKind::Operation(op) => op.label(),
            ItemKind::Event(event) if event.kind == EventKind::Message => format!("event {}", event.name),
            ItemKind::Event(event) => format!("channel {}", event.name),
        }
    }

    fn span(&self) -> Span {
        match self.kind {
            ItemKind::Operation(op) => op.span,
            ItemKind::Event(event) => event.span,
        }
    }

    /// What the contract says the item does, as stemmed words of three
    /// letters or more: an operation's id, summary and path, an event's
    /// name (`revokeInvitation`, "Revoke a pending invitation").
    fn words(&self) -> HashSet<String> {
        let text = match self.kind {
            ItemKind::Operation(op) => {
                format!(
                    "{} {} {}",
                    op.operation_id.as_deref().unwrap_or(""),
                    op.summary.as_deref().unwrap_or(""),
                    op.path
                )
            }
            ItemKind::Event(event) => event.name.to_string(),
        };
        words(&text).into_iter().filter(|w| w.chars().count() >= 3).collect()
    }
}

/// The spec's story whose title shares the most words with what `item`
/// does, when exactly one shares most: "Revoke an invitation" for
/// `revokeInvitation`, where "Accept an invitation" shares one word less.
fn owner_story(spec: &SpecDoc, item: &Item) -> Option<u32> {
    let wanted = item.words();
    let mut best: Option<(usize, u32)> = None;
    let mut tied = false;
    for story in &spec.stories {
        let Some(number) = story.number else { continue };
        let shared = words(&story.title).into_iter().collect::<HashSet<_>>().intersection(&wanted).count();
        match best {
            _ if shared == 0 => {}
            Some((most, _)) if shared < most => {}
            Some((most, _)) if shared == most => tied = true,
            _ => {
                best = Some((shared, number));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, number)| number)
}

fn items_noun(items: &[Item]) -> &'static str {
    // Only called for two items or more.
    let operations = items.iter().all(|i| matches!(i.kind, ItemKind::Operation(_)));
    let events = items.iter().all(|i| matches!(i.kind, ItemKind::Event(_)));
    match (operations, events) {
        (true, _) => "operations",
        (_, true) => "events",
        _ => "operations and events",
    }
}

/// Builds the fixes: where new test tasks go and what files they name.
struct Planner<'c, 'a> {
    cx: &'c Context<'a>,
    file: &'a FeatureFile,
    doc: &'a TasksDoc,
    coverage: &'c Coverage<'a>,
    /// Test files the fixes of this run add, lower-cased, so that each
    /// new file is new.
    added: HashSet<String>,
    /// The language of the feature's source files, when a fix needs it.
    extension: OnceCell<Option<String>>,
}

impl<'c, 'a> Planner<'c, 'a> {
    fn new(
        cx: &'c Context<'a>,
        file: &'a FeatureFile,
        doc: &'a TasksDoc,
        coverage: &'c Coverage<'a>,
    ) -> Self {
        Planner { cx, file, doc, coverage, added: HashSet::new(), extension: OnceCell::new() }
    }

    /// The fix adding one test task per wanted item (`None`: the file).
    fn fix(&mut self, contract: &Contract, wanted: &[Option<&Item>]) -> Option<Fix> {
        let extension = || self.extension.get_or_init(|| slots::source_extension(self.cx.feature, self.doc));
        let pattern = contract_test_pattern(self.doc, self.coverage, extension, |t| {
            contract.named_by(self.coverage, t)
        });
        let tasks: Vec<NewTask> = wanted
            .iter()
            .map(|item| match item {
                Some(item) => self.item_task(&pattern, item),
                None => self.file_task(&pattern, contract.file),
            })
            .collect();
        let first = wanted.first().copied().flatten();
        let slot = self.slot(contract, first)?;
        let title = match (tasks.len(), first) {
            (1, Some(item)) => format!("Insert a contract test task for {}", item.label()),
            (1, None) => format!("Insert a contract test task for {}", contract.file.rel),
            (n, _) => format!("Insert {n} contract test tasks for {}", contract.file.rel),
        };
        let taken = self.cx.task_keys();
        let edit = insert_tasks(self.file, taken, &slot, &tasks);
        Some(Fix { title, applicability: Applicability::Unsafe, edits: vec![edit] })
    }

    /// The tests of the story whose tasks name the item; else of the
    /// spec's story the item belongs to ([`owner_story`]), or, when that
    /// story has no phase yet, the Tests First phase or after the last
    /// task without a story label; else right after the last test of the
    /// same contract; else the tests of the story whose tasks name the
    /// file; else a tests section about contracts, the first story's tests,
    /// the Tests First phase, or after the last task.
    fn slot(&self, contract: &Contract, item: Option<&Item>) -> Option<TaskSlot> {
        let (file, doc, coverage) = (self.file, self.doc, self.coverage);
        let story_phase = |names: &dyn Fn(usize) -> bool| {
            doc.phases.iter().position(|p| {
                p.kind == PhaseKind::UserStory && p.story.is_some() && p.tasks.iter().any(|&t| names(t))
            })
        };
        if let Some(index) =
            story_phase(&|t| item.is_some_and(|item| contract.item_named_by(coverage, item, t)))
        {
            return Some(slots::story_tests(file, doc, index));
        }
        let spec = self.cx.feature.spec().map(|(_, spec)| spec);
        if let Some(owner) = spec.zip(item).and_then(|(spec, item)| owner_story(spec, item)) {
            let phase =
                doc.phases.iter().position(|p| p.kind == PhaseKind::UserStory && p.story == Some(owner));
            return match phase {
                Some(index) => Some(slots::story_tests(file, doc, index)),
                None => self.unlabelled_slot(),
            };
        }
        if let Some(last) =
            (0..doc.tasks.len()).rev().find(|&i| contract.named_by(coverage, i) && coverage.kind(i).test)
        {
            let story = doc.tasks[last].phase.and_then(|p| doc.phases[p].story);
            return Some(TaskSlot::at_end(file, doc, &[last], doc.tasks[last].block.span(), story));
        }
        if let Some(index) = story_phase(&|t| contract.names_file(coverage, t)) {
            return Some(slots::story_tests(file, doc, index));
        }
        let about_contracts = |title: &str| title.to_lowercase().contains("contract");
        for phase in &doc.phases {
            if let Some(sub) = phase
                .subsections
                .iter()
                .find(|s| s.kind == SubsectionKind::Tests && about_contracts(&s.title))
            {
                return Some(TaskSlot::at_end(file, doc, &sub.tasks, sub.heading, phase.story));
            }
            if phase.kind == PhaseKind::Tests && phase.subsections.is_empty() && about_contracts(&phase.title)
            {
                return Some(TaskSlot::at_end(file, doc, &phase.tasks, phase.heading, phase.story));
            }
        }
        if let Some(index) = slots::first_story_phase(doc) {
            return Some(slots::story_tests(file, doc, index));
        }
        if let Some(index) = slots::first_phase(doc, PhaseKind::Tests) {
            return Some(
                slots::subsection_end(file, doc, index, SubsectionKind::Tests)
                    .unwrap_or_else(|| slots::phase_end(file, doc, index)),
            );
        }
        slots::after_last_task(file, doc)
    }

    /// For a test whose story has no phase yet: the Tests First phase, else
    /// after the last task, never with another story's label.
    fn unlabelled_slot(&self) -> Option<TaskSlot> {
        let (file, doc) = (self.file, self.doc);
        if let Some(index) = slots::first_phase(doc, PhaseKind::Tests) {
            return Some(
                slots::subsection_end(file, doc, index, SubsectionKind::Tests)
                    .unwrap_or_else(|| slots::phase_end(file, doc, index)),
            );
        }
        let last = doc.tasks.len().checked_sub(1)?;
        Some(TaskSlot::at_end(file, doc, &[last], doc.tasks[last].block.span(), None))
    }

    /// Whether a task names `lower` (a lower-cased path).
    fn named_by_a_task(&self, lower: &str) -> bool {
        self.coverage.tasks_naming(lower).any(|index| {
            let task = &self.doc.tasks[index];
            let mut blocks = std::iter::once(&task.block).chain(&task.details);
            blocks.any(|b| BlockSignals::of(&b.scan).names_path(&b.scan, lower))
        })
    }

    /// A test file for `words` that no task names yet.
    fn fresh_path(&mut self, pattern: &NamePattern, words: Vec<String>, more: &[String]) -> String {
        // Made one at a time: the first is nearly always free, and making
        // all hundred first cost three hundred strings per missing test.
        let extended = (!more.is_empty()).then(|| words.iter().chain(more).cloned().collect());
        let numbered = (2..100).map(|n| {
            let mut numbered = words.clone();
            numbered.push(n.to_string());
            numbered
        });
        for candidate in std::iter::once(words.clone()).chain(extended).chain(numbered) {
            let path = pattern.render(&candidate);
            let lower = path.to_lowercase();
            if !self.named_by_a_task(&lower) && self.added.insert(lower) {
                return path;
            }
        }
        pattern.render(&words)
    }

    fn item_task(&mut self, pattern: &NamePattern, item: &Item) -> NewTask {
        match item.kind {
            ItemKind::Operation(op) => {
                let segments: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
                let is_param = |s: &&str| s.starts_with(['{', ':', '<', '[']);
                let mut words = segments
                    .iter()
                    .rev()
                    .find(|s| !is_param(s))
                    .map_or_else(|| vec!["root".to_string()], |s| words_of(s));
                words.push(op.method.to_lowercase());
                let more: Vec<String> = match segments.last().filter(|s| is_param(s)) {
                    Some(param) => std::iter::once("by".to_string()).chain(words_of(param)).collect(),
                    None => Vec::new(),
                };
                let path = self.fresh_path(pattern, words, &more);
                NewTask {
                    parallel: true,
                    description: format!("Contract test {} {} in {path}", op.method, op.path),
                }
            }
            ItemKind::Event(event) => {
                let last = event.name.rsplit('.').next().unwrap_or(&event.name);
                let mut words = words_of(last);
                let message = event.kind == EventKind::Message;
                let noun = if message { "event" } else { "channel" };
                if words.last().is_none_or(|w| w != noun) {
                    words.push(noun.into());
                }
                let path = self.fresh_path(pattern, words, &[]);
                let description = if message {
                    format!("Event contract test {} in {path}", event.name)
                } else {
                    format!("Contract test for channel {} in {path}", event.name)
                };
                NewTask { parallel: true, description }
            }
        }
    }

    fn file_task(&mut self, pattern: &NamePattern, file: &FeatureFile) -> NewTask {
        let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
        let mut words = words_of(name.split('.').next().unwrap_or(""));
        if words.is_empty() {
            words.push("contract".into());
        }
        let path = self.fresh_path(pattern, words, &[]);
        NewTask { parallel: true, description: format!("Contract test for {} in {path}", file.rel) }
    }
}

/// The naming of new contract tests: learned from a test of the same
/// contract, else from any contract test, else from any test file (in a
/// `contract/` folder next to it), else the language's convention in
/// `tests/contract/`. Only source files teach (not `TestPlan.md`).
fn contract_test_pattern<'e>(
    doc: &TasksDoc,
    coverage: &Coverage,
    ext: impl FnOnce() -> &'e Option<String>,
    same: impl Fn(usize) -> bool,
) -> NamePattern {
    let mut learned: [Option<NamePattern>; 3] = [None, None, None];
    'tasks: for (index, task) in doc.tasks.iter().enumerate() {
        let kind = coverage.kind(index);
        if !kind.test {
            continue;
        }
        for (path, _) in task.paths() {
            if !is_test_path(path) || !is_source_file(path) {
                continue;
            }
            let rank = if same(index) {
                0
            } else if path.to_lowercase().contains("contract") || kind.contract {
                1
            } else {
                2
            };
            // The first of each rank teaches; a test of the same contract
            // decides.
            if learned[rank].is_some() {
                continue;
            }
            let Some(pattern) = NamePattern::learn(path) else { continue };
            learned[rank] = Some(pattern);
            if rank == 0 {
                break 'tasks;
            }
        }
    }
    let [same, contract, any] = learned;
    if let Some(pattern) = same.or(contract) {
        return pattern;
    }
    match any {
        Some(mut pattern) => {
            pattern.dir = format!("{}contract/", tests_root(&pattern.dir));
            pattern
        }
        None => NamePattern::test_file("tests/contract/", ext().as_deref()),
    }
}

fn is_source_file(path: &str) -> bool {
    dominant_extension(std::iter::once(path)).is_some()
}

/// `backend/tests/` of `backend/tests/unit/`; `tests/` when the folder is
/// not under a tests folder.
fn tests_root(dir: &str) -> String {
    let mut root = String::new();
    for segment in dir.split('/').filter(|s| !s.is_empty()) {
        root.push_str(segment);
        root.push('/');
        if matches!(segment.to_ascii_lowercase().as_str(), "test" | "tests" | "__tests__" | "spec") {
            return root;
        }
    }
    "tests/".to_string()
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, fix_all};

    const OPENAPI: &str = "openapi: 3.0.0\ninfo:\n  title: Users\n  version: '1'\npaths:\n  /api/users:\n    post:\n      operationId: createUser\n      responses: {}\n  /api/users/{id}:\n    get:\n      operationId: getUser\n      responses: {}\n";

    const OLD_LAYOUT: &str = "# Tasks: Users\n\n## Phase 3.1: Setup\n- [ ] T001 Create project structure\n\n## Phase 3.2: Tests First (TDD)\n- [ ] T002 [P] Contract test POST /api/users in tests/contract/test_users_post.py\n- [ ] T003 [P] Integration test for sign-up in tests/integration/test_signup.py\n\n## Phase 3.3: Core Implementation\n- [ ] T004 [P] User model in src/models/user.py\n- [ ] T005 Implement POST /api/users endpoint in src/api/users.py\n- [ ] T006 Implement GET /api/users/{id} endpoint in src/api/users.py\n";

    /// tasks.md before and after the rule's fixes.
    fn fixed(files: &[(&str, &str)]) -> (String, String) {
        let (_, before) = files.iter().find(|(rel, _)| *rel == "tasks.md").expect("a tasks.md");
        (before.to_string(), fix_all("contract-without-test", files).remove("tasks.md").expect("tasks.md"))
    }

    /// `after` is `before` with `inserted` lines added and nothing else
    /// changed.
    fn only_added(before: &str, after: &str, inserted: &[&str]) {
        // Lines without their breaks: appending after a last line without
        // one gives it one.
        let old: Vec<&str> = before.lines().collect();
        let new: Vec<&str> = after.lines().collect();
        assert_eq!(new.len(), old.len() + inserted.len(), "{after}");
        let at = new
            .iter()
            .position(|l| *l == inserted[0])
            .unwrap_or_else(|| panic!("no {:?} in:\n{after}", inserted[0]));
        for (i, line) in inserted.iter().enumerate() {
            assert_eq!(new[at + i], *line);
        }
        // CRLF documents keep CRLF everywhere, the new lines included.
        if before.contains("\r\n") {
            assert_eq!(after.matches('\n').count(), after.matches("\r\n").count());
        }
        let rest: Vec<&str> = new[..at].iter().chain(&new[at + inserted.len()..]).copied().collect();
        assert_eq!(rest, old);
    }

    #[test]
    fn fires_on_the_operation_without_a_test() {
        let found =
            check("contract-without-test", &[("tasks.md", OLD_LAYOUT), ("contracts/users.yaml", OPENAPI)]);
        assert_eq!(
            found,
            [
                "contracts/users.yaml:11: no test task names GET /api/users/{id} of contracts/users.yaml [fix: Insert a contract test task for GET /api/users/{id}]"
            ]
        );
    }

    #[test]
    fn fires_once_on_line_one_when_nothing_is_tested() {
        let tasks = OLD_LAYOUT.replace(
            "Contract test POST /api/users in tests/contract/test_users_post.py",
            "Write docs in docs/x.md",
        );
        let found =
            check("contract-without-test", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)]);
        assert_eq!(
            found,
            [
                "contracts/users.yaml:1: contracts/users.yaml has no contract test: no test task names it or any of its 2 operations [fix: Insert 2 contract test tasks for contracts/users.yaml]"
            ]
        );
        let found = check(
            "contract-without-test",
            &[("tasks.md", &tasks), ("contracts/ui.md", "# Component Contract: ShortcutHint\n")],
        );
        assert_eq!(
            found,
            [
                "contracts/ui.md:1: no test task names contracts/ui.md [fix: Insert a contract test task for contracts/ui.md]"
            ]
        );
    }

    #[test]
    fn silent_when_tests_name_paths_ids_events_or_the_file() {
        let tasks = OLD_LAYOUT.replace("Integration test for sign-up", "Contract test GET /api/users/:id/");
        assert!(
            check("contract-without-test", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
        let tasks = OLD_LAYOUT.replace("Integration test for sign-up", "Test getUser");
        assert!(
            check("contract-without-test", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
        let tasks = OLD_LAYOUT.replace(
            "Integration test for sign-up in tests/integration/test_signup.py",
            "Contract tests for users.yaml in tests/contract/test_users.py",
        );
        assert!(
            check("contract-without-test", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
        // In passing ("users") only names a file that defines no operations.
        let tasks = OLD_LAYOUT.replace(
            "Integration test for sign-up in tests/integration/test_signup.py",
            "Contract tests for users in tests/contract/test_users.py",
        );
        assert_eq!(
            check("contract-without-test", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)]).len(),
            1
        );
        let schema = "{\"title\": \"User\", \"type\": \"object\"}";
        assert!(
            check("contract-without-test", &[("tasks.md", &tasks), ("contracts/users.schema.json", schema)])
                .is_empty()
        );
        let tasks = OLD_LAYOUT
            .replace("Integration test for sign-up", "Event contract test `lms.roster.v1.SchoolCreated`");
        let event = "{\"title\": \"SchoolCreated\", \"type\": \"object\"}";
        assert!(
            check(
                "contract-without-test",
                &[("tasks.md", &tasks), ("contracts/lms.roster.v1.SchoolCreated.json", event)]
            )
            .is_empty()
        );
    }

    #[test]
    fn markdown_contracts_are_named_by_what_their_headings_define() {
        let contract =
            "# Contract — Themed Components\n\n## 1. `ConfirmDialogComponent` (shared)\n\nA dialog.\n";
        let tasks =
            "- [ ] T001 Write tests for ConfirmDialogComponent in src/confirm-dialog.component.spec.ts\n";
        assert!(
            check("contract-without-test", &[("tasks.md", tasks), ("contracts/themed.md", contract)])
                .is_empty()
        );
        let tasks = "- [ ] T001 Write tests for the header in src/header.component.spec.ts\n";
        assert_eq!(
            check("contract-without-test", &[("tasks.md", tasks), ("contracts/themed.md", contract)]).len(),
            1
        );
    }

    #[test]
    fn readme_files_of_contracts_are_not_contracts() {
        let tasks = "- [ ] T001 Write tests in tests/test_x.py\n";
        assert!(
            check(
                "contract-without-test",
                &[("tasks.md", tasks), ("contracts/README.md", "# Contracts\n\nNone.\n")]
            )
            .is_empty()
        );
    }

    #[test]
    fn the_fix_without_tests_of_the_contract_goes_to_the_end_of_tests_first() {
        let tasks = OLD_LAYOUT.replace(
            "Contract test POST /api/users in tests/contract/test_users_post.py",
            "Unit test for config in tests/unit/test_config.py",
        );
        let (before, after) = fixed(&[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)]);
        only_added(
            &before,
            &after,
            &[
                "- [ ] T003a [P] Contract test POST /api/users in tests/contract/test_users_post.py",
                "- [ ] T003b [P] Contract test GET /api/users/{id} in tests/contract/test_users_get.py",
            ],
        );
        assert!(after.contains("test_signup.py\n- [ ] T003a"));
        assert!(
            check("contract-without-test", &[("tasks.md", &after), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
    }

    #[test]
    fn silent_without_tasks_or_without_any_test() {
        assert!(
            check("contract-without-test", &[("tasks.md", "# Tasks\n"), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
        let tasks = "- [ ] T001 Implement POST /api/users in src/api.py\n";
        assert!(
            check("contract-without-test", &[("tasks.md", tasks), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
    }

    #[test]
    fn the_fix_adds_a_test_next_to_the_contracts_tests() {
        for eol in ["\n", "\r\n"] {
            let tasks = OLD_LAYOUT.replace('\n', eol);
            let (before, after) = fixed(&[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)]);
            // Next to the test of the same contract.
            let line =
                "- [ ] T002a [P] Contract test GET /api/users/{id} in tests/contract/test_users_get.py";
            only_added(&before, &after, &[line]);
            assert!(after.contains(&format!("test_users_post.py{eol}{line}{eol}- [ ] T003")));
            let again =
                check("contract-without-test", &[("tasks.md", &after), ("contracts/users.yaml", OPENAPI)]);
            assert!(again.is_empty(), "{again:?}");
        }
    }

    #[test]
    fn the_fix_goes_to_the_story_that_names_the_operation() {
        let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init\n\n## Phase 2: User Story 1 - Sign up (Priority: P1)\n\n### Tests for User Story 1\n\n- [ ] T002 [P] [US1] Contract test POST /api/users in backend/tests/contract/users.test.ts\n\n### Implementation for User Story 1\n\n- [ ] T003 [US1] Implement POST /api/users in backend/src/api/users.ts\n\n## Phase 3: User Story 2 - Profile (Priority: P2)\n\n### Tests for User Story 2\n\n- [ ] T004 [P] [US2] Unit test for profile in backend/tests/unit/profile.test.ts\n\n### Implementation for User Story 2\n\n- [ ] T005 [US2] Implement GET /api/users/{id} in backend/src/api/users.ts\n\n**Checkpoint**: done";
        let (before, after) = fixed(&[("tasks.md", tasks), ("contracts/users.yaml", OPENAPI)]);
        // The file name follows the other test of the contract.
        let line = "- [ ] T004a [P] [US2] Contract test GET /api/users/{id} in backend/tests/contract/users-get.test.ts";
        only_added(&before, &after, &[line]);
        assert!(after.contains(&format!("profile.test.ts\n{line}\n")));
        assert!(
            check("contract-without-test", &[("tasks.md", &after), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
    }

    const INVITES_SPEC: &str = "# Feature Specification: Team invites\n\n### User Story 1 - Invite a teammate by email (Priority: P1)\n\nOwners invite.\n\n### User Story 2 - Accept an invitation (Priority: P1)\n\nInvitees accept.\n\n### User Story 3 - Revoke an invitation (Priority: P2)\n\nOwners revoke.\n";

    const INVITES_API: &str = "openapi: 3.0.0\ninfo:\n  title: Invites\n  version: '1'\npaths:\n  /api/invitations:\n    post:\n      operationId: createInvitation\n      summary: Invite a teammate\n      responses: {}\n  /api/invitations/{invitationId}:\n    delete:\n      operationId: revokeInvitation\n      summary: Revoke a pending invitation\n      responses: {}\n";

    const INVITES_US1: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init in src/app.py\n\n## Phase 2: User Story 1 - Invite a teammate by email (Priority: P1)\n\n### Tests for User Story 1\n\n- [ ] T002 [P] [US1] Contract test POST /api/invitations in tests/contract/test_create_invitation.py\n\n### Implementation for User Story 1\n\n- [ ] T003 [US1] Implement POST /api/invitations in src/api/invitations.py\n\n";

    /// The operation belongs to the story the spec gives it ("Revoke an
    /// invitation" for `revokeInvitation`), not to the story that tests
    /// another operation of the same contract.
    #[test]
    fn the_fix_goes_to_the_story_the_spec_gives_the_operation() {
        let tasks = format!(
            "{INVITES_US1}## Phase 3: User Story 3 - Revoke an invitation (Priority: P2)\n\n### Tests for User Story 3\n\n- [ ] T004 [P] [US3] Integration test for revoking in tests/integration/test_revoke.py\n\n### Implementation for User Story 3\n\n- [ ] T005 [US3] Revoke service in src/services/revoke.py\n"
        );
        let files = [
            ("tasks.md", tasks.as_str()),
            ("spec.md", INVITES_SPEC),
            ("contracts/invitations.yaml", INVITES_API),
        ];
        let (before, after) = fixed(&files);
        let line = "- [ ] T004a [P] [US3] Contract test DELETE /api/invitations/{invitationId} in tests/contract/test_invitations_delete.py";
        only_added(&before, &after, &[line]);
        assert!(after.contains(&format!("test_revoke.py\n{line}\n")), "{after}");
    }

    /// When the story has no phase yet, the test is added without another
    /// story's label, after the last task.
    #[test]
    fn a_test_for_a_story_without_a_phase_gets_no_label() {
        let tasks = format!("{INVITES_US1}## Phase 3: Polish\n\n- [ ] T004 Update docs in docs/invites.md\n");
        let files = [
            ("tasks.md", tasks.as_str()),
            ("spec.md", INVITES_SPEC),
            ("contracts/invitations.yaml", INVITES_API),
        ];
        let (before, after) = fixed(&files);
        let line = "- [ ] T005 [P] Contract test DELETE /api/invitations/{invitationId} in tests/contract/test_invitations_delete.py";
        only_added(&before, &after, &[line]);
        assert!(after.ends_with(&format!("docs/invites.md\n{line}\n")), "{after}");
    }

    #[test]
    fn the_fix_for_a_whole_file_adds_one_task_per_operation() {
        let tasks = "## Phase 1: Setup\n- [ ] T001 Init in src/app.py\n- [ ] T002 Unit test for config in tests/unit/test_config.py";
        let (before, after) = fixed(&[("tasks.md", tasks), ("contracts/users.yaml", OPENAPI)]);
        only_added(
            &before,
            &after,
            &[
                "- [ ] T003 [P] Contract test POST /api/users in tests/contract/test_users_post.py",
                "- [ ] T004 [P] Contract test GET /api/users/{id} in tests/contract/test_users_get.py",
            ],
        );
        assert!(
            check("contract-without-test", &[("tasks.md", &after), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
    }
}
