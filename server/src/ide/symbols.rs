//! Document symbols (the outline of one file) and workspace symbols (tasks,
//! stories and requirements of every feature, found by ID or title).
//!
//! Every markdown outline is its headings nested by level; each document
//! adds what it defines under the heading it sits in: tasks.md its tasks
//! (and names its phases and subsections), spec.md its stories and
//! requirements, data-model.md its entities and their fields, plan.md its
//! Technical Context. YAML and JSON contracts list their operations,
//! events and schemas.

use std::sync::Arc;

use crate::model::blocks::BlockList;
use crate::model::contracts::ContractDoc;
use crate::model::data_model::{DataModelDoc, EntityKind};
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::plan::PlanDoc;
use crate::model::spec::SpecDoc;
use crate::model::tasks::{Task, TasksDoc};
use crate::text::Span;

/// What a symbol is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    /// A markdown heading with no more specific meaning.
    Heading,
    Phase,
    /// A heading inside a phase (`### Tests for User Story 1`).
    Subsection,
    Task,
    Story,
    Requirement,
    Entity,
    Enum,
    Field,
    /// An HTTP operation of a contract.
    Operation,
    Event,
    Schema,
    Function,
    /// A `**Key**: value` setting such as plan.md's Technical Context.
    Setting,
}

/// One entry of a document's outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers; contains `focus` and the children.
    pub span: Span,
    /// What to select: the title, the ID.
    pub focus: Span,
    pub children: Vec<Symbol>,
}

impl Symbol {
    fn new(name: impl Into<String>, kind: SymbolKind, span: Span, focus: Span) -> Self {
        let name = name.into();
        let name = if name.trim().is_empty() { "(untitled)".to_string() } else { name };
        Symbol { name, detail: None, kind, span: span.cover(focus), focus, children: Vec::new() }
    }

    fn with_detail(mut self, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        self.detail = (!detail.is_empty()).then_some(detail);
        self
    }
}

/// Names and details longer than this are cut.
const NAME_CHARS: usize = 80;

/// `text` on one line, cut to `max` characters with an ellipsis.
pub(crate) fn truncate(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

/// A heading of a markdown outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutlineHeading {
    pub level: u8,
    pub title: Box<str>,
    /// The heading block.
    pub heading: Span,
    pub title_span: Span,
    /// From the heading to the next heading of the same or a higher level,
    /// trailing blank lines left out.
    pub section: Span,
}

/// The headings of a document, each with its section. Heading blocks for
/// which `skip` holds (task headings) are left out and do not end sections.
pub(crate) fn outline(blocks: &BlockList, skip: &dyn Fn(usize) -> bool) -> Vec<OutlineHeading> {
    let mut out: Vec<OutlineHeading> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut last_content_end = 0;
    for block in blocks.iter() {
        if let Some(heading) = block.scan.heading.as_ref().filter(|_| !skip(block.start)) {
            while let Some(&top) = open.last() {
                if out[top].level < heading.level {
                    break;
                }
                out[top].section.end = last_content_end.max(out[top].heading.end);
                open.pop();
            }
            let span = block.span();
            let trimmed = Span::new(span.start, span.start + block.scan.text.trim_end().len());
            out.push(OutlineHeading {
                level: heading.level,
                title: heading.title.clone(),
                heading: trimmed,
                title_span: block.abs(heading.title_span),
                section: trimmed,
            });
            open.push(out.len() - 1);
        }
        let trimmed = block.scan.text.trim_end().len();
        if trimmed > 0 {
            last_content_end = block.start + trimmed;
        }
    }
    for top in open {
        out[top].section.end = last_content_end.max(out[top].heading.end);
    }
    out
}

/// The outline of file `rel`.
pub fn document_symbols(feature: &Feature, rel: &str) -> Vec<Symbol> {
    let Some(file) = feature.file(rel) else { return Vec::new() };
    match (&file.model, file.blocks.as_deref()) {
        (DocModel::Contract(contract), None) => contract_items(contract),
        (model, Some(blocks)) => {
            let task_heading = |start: usize| match model {
                DocModel::Tasks(doc) => doc.task_at(start).is_some_and(|t| doc.tasks[t].block.start == start),
                _ => false,
            };
            let headings = outline(blocks, &task_heading);
            let (headings, items) = match model {
                DocModel::Tasks(doc) => tasks_outline(file, doc, headings),
                DocModel::Spec(spec) => (plain(headings), spec_items(file, spec)),
                DocModel::DataModel(dm) => data_model_outline(dm, headings),
                DocModel::Plan(plan) => (plain(headings), plan_items(plan)),
                DocModel::Contract(contract) => (plain(headings), contract_items(contract)),
                DocModel::Checklist(_) | DocModel::Markdown => (plain(headings), Vec::new()),
            };
            nest(headings, items)
        }
        (_, None) => Vec::new(),
    }
}

/// Headings as symbols of kind Heading, with their levels.
fn plain(headings: Vec<OutlineHeading>) -> Vec<(u8, Symbol)> {
    headings
        .into_iter()
        .map(|h| (h.level, Symbol::new(h.title.to_string(), SymbolKind::Heading, h.section, h.title_span)))
        .collect()
}

/// Nest headings by level and put each item under the innermost heading
/// open where it starts. Parents grow to cover their children.
fn nest(headings: Vec<(u8, Symbol)>, mut items: Vec<Symbol>) -> Vec<Symbol> {
    enum Entry {
        Heading(u8, Symbol),
        Item(Symbol),
    }
    let mut entries: Vec<Entry> = headings.into_iter().map(|(l, s)| Entry::Heading(l, s)).collect();
    entries.extend(items.drain(..).map(Entry::Item));
    let start = |e: &Entry| match e {
        Entry::Heading(_, s) | Entry::Item(s) => s.span.start,
    };
    // Headings before items at one offset: a heading task is an item.
    entries.sort_by_key(|e| (start(e), matches!(e, Entry::Item(_))));
    let mut roots = Vec::new();
    let mut stack: Vec<(u8, Symbol)> = Vec::new();
    fn close(stack: &mut Vec<(u8, Symbol)>, roots: &mut Vec<Symbol>) {
        if let Some((_, symbol)) = stack.pop() {
            attach(stack, roots, symbol);
        }
    }
    fn attach(stack: &mut [(u8, Symbol)], roots: &mut Vec<Symbol>, symbol: Symbol) {
        match stack.last_mut() {
            Some((_, parent)) => {
                parent.span = parent.span.cover(symbol.span);
                parent.children.push(symbol);
            }
            None => roots.push(symbol),
        }
    }
    for entry in entries {
        match entry {
            Entry::Heading(level, symbol) => {
                while stack.last().is_some_and(|(l, _)| *l >= level) {
                    close(&mut stack, &mut roots);
                }
                stack.push((level, symbol));
            }
            Entry::Item(symbol) => attach(&mut stack, &mut roots, symbol),
        }
    }
    while !stack.is_empty() {
        close(&mut stack, &mut roots);
    }
    roots
}

fn tasks_outline(
    file: &FeatureFile,
    doc: &TasksDoc,
    headings: Vec<OutlineHeading>,
) -> (Vec<(u8, Symbol)>, Vec<Symbol>) {
    let headings = headings
        .into_iter()
        .map(|h| {
            let phase = doc.phases.iter().find(|p| p.heading.start == h.heading.start);
            let subsection =
                doc.phases.iter().flat_map(|p| &p.subsections).find(|s| s.heading.start == h.heading.start);
            let symbol = match (phase, subsection) {
                (Some(phase), _) => {
                    let done = phase.tasks.iter().filter(|&&t| doc.tasks[t].done()).count();
                    Symbol::new(h.title.to_string(), SymbolKind::Phase, h.section, h.title_span)
                        .with_detail(format!("{done}/{} done", phase.tasks.len()))
                }
                (None, Some(_)) => {
                    Symbol::new(h.title.to_string(), SymbolKind::Subsection, h.section, h.title_span)
                }
                (None, None) => {
                    Symbol::new(h.title.to_string(), SymbolKind::Heading, h.section, h.title_span)
                }
            };
            (h.level, symbol)
        })
        .collect();
    let tasks = doc.tasks.iter().map(|task| task_symbol(file, task)).collect();
    (headings, tasks)
}

/// `T012 Create User model`, detail `done · [P] [US1]`.
fn task_symbol(file: &FeatureFile, task: &Task) -> Symbol {
    let line = task.line();
    let extent = task.extent;
    let extent = Span::new(extent.start, extent.start + file.document.slice(extent).trim_end().len());
    let mut detail = Vec::new();
    if task.done() {
        detail.push("done".to_string());
    }
    if line.cancelled {
        detail.push("cancelled".to_string());
    }
    if task.parallel {
        detail.push("[P]".to_string());
    }
    if let Some(story) = task.story() {
        detail.push(format!("[US{story}]"));
    }
    let name = format!("{} {}", task.id(), truncate(task.description(), NAME_CHARS));
    Symbol::new(name.trim_end(), SymbolKind::Task, extent, task.id_span()).with_detail(detail.join(" "))
}

fn spec_items(file: &FeatureFile, spec: &SpecDoc) -> Vec<Symbol> {
    let mut items = Vec::new();
    for story in &spec.stories {
        let name = match story.number {
            Some(n) => format!("US{n} {}", story.title.trim()),
            None => story.title.trim().to_string(),
        };
        let detail = story.priority.map(|p| format!("P{p}")).unwrap_or_default();
        // A story heading stands for the heading itself in the outline.
        let focus = if story.title_span.is_empty() { story.heading } else { story.title_span };
        let end = file.document.line_span(file.document.line_of(story.heading.start)).end;
        items.push(
            Symbol::new(name, SymbolKind::Story, Span::new(story.heading.start, end.max(focus.end)), focus)
                .with_detail(detail),
        );
    }
    for requirement in &spec.requirements {
        items.push(
            Symbol::new(
                requirement.id.to_string(),
                SymbolKind::Requirement,
                requirement.span,
                requirement.id_span,
            )
            .with_detail(truncate(&requirement.text, NAME_CHARS)),
        );
    }
    items
}

fn data_model_outline(dm: &DataModelDoc, headings: Vec<OutlineHeading>) -> (Vec<(u8, Symbol)>, Vec<Symbol>) {
    let mut fields = Vec::new();
    let headings = headings
        .into_iter()
        .map(|h| {
            let entity = dm.entities.iter().find(|e| e.heading.start == h.heading.start);
            let symbol = match entity {
                Some(entity) => {
                    let kind =
                        if entity.kind == EntityKind::Enum { SymbolKind::Enum } else { SymbolKind::Entity };
                    fields.extend(entity.fields.iter().map(|f| {
                        Symbol::new(f.name.to_string(), SymbolKind::Field, f.span, f.name_span)
                            .with_detail(f.ty.as_deref().unwrap_or_default())
                    }));
                    Symbol::new(entity.name.to_string(), kind, h.section, h.title_span)
                        .with_detail(if entity.existing { "existing" } else { "" })
                }
                None => Symbol::new(h.title.to_string(), SymbolKind::Heading, h.section, h.title_span),
            };
            (h.level, symbol)
        })
        .collect();
    (headings, fields)
}

fn plan_items(plan: &PlanDoc) -> Vec<Symbol> {
    plan.technical_context
        .iter()
        .map(|field| {
            Symbol::new(field.key.to_string(), SymbolKind::Setting, field.span, field.key_span)
                .with_detail(truncate(&field.value, NAME_CHARS))
        })
        .collect()
}

fn contract_items(contract: &ContractDoc) -> Vec<Symbol> {
    let mut items: Vec<Symbol> = Vec::new();
    for operation in &contract.operations {
        let detail = operation.operation_id.as_deref().or(operation.summary.as_deref()).unwrap_or_default();
        items.push(
            Symbol::new(operation.label(), SymbolKind::Operation, operation.span, operation.span)
                .with_detail(truncate(detail, NAME_CHARS)),
        );
    }
    for event in &contract.events {
        items.push(Symbol::new(event.name.to_string(), SymbolKind::Event, event.span, event.span));
    }
    for schema in &contract.schemas {
        items.push(Symbol::new(schema.name.to_string(), SymbolKind::Schema, schema.span, schema.span));
    }
    for function in &contract.functions {
        items.push(
            Symbol::new(function.name.to_string(), SymbolKind::Function, function.span, function.span)
                .with_detail(
                    function.signature.as_deref().map(|s| truncate(s, NAME_CHARS)).unwrap_or_default(),
                ),
        );
    }
    items.sort_by_key(|s| s.span.start);
    items
}

/// A task, story or requirement of some feature, for `workspace/symbol`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    /// The feature folder's name, and the phase of a task.
    pub container: String,
    /// Index into the features given.
    pub feature: usize,
    pub file: Arc<str>,
    /// The ID's span.
    pub span: Span,
}

/// At most this many workspace symbols are returned.
pub const WORKSPACE_LIMIT: usize = 256;

/// One searchable task, story or requirement of a feature, before any
/// query: what a server keeps of a feature it does not hold in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SymbolEntry {
    pub id: String,
    /// The whole title (the query is matched against all of it).
    pub title: String,
    pub kind: SymbolKind,
    pub container: String,
    pub file: Arc<str>,
    /// The ID's span.
    pub span: Span,
}

/// What a query is matched against: an ID and a title.
pub trait Searchable {
    fn id(&self) -> &str;
    fn title(&self) -> &str;
}

impl Searchable for SymbolEntry {
    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.title
    }
}

impl<T: Searchable> Searchable for &T {
    fn id(&self) -> &str {
        (**self).id()
    }

    fn title(&self) -> &str {
        (**self).title()
    }
}

/// The name a workspace symbol is shown with: its ID and the start of its
/// title.
pub fn symbol_name(id: &str, title: &str) -> String {
    format!("{id} {}", truncate(title, NAME_CHARS)).trim_end().to_string()
}

/// Tasks, stories and requirements of every feature whose ID or title
/// matches `query`: an exact ID first, then IDs starting with it, titles
/// containing it, titles holding each of its words, and finally its
/// letters in order. An empty query lists everything (up to a limit).
pub fn workspace_symbols(features: &[Feature], query: &str) -> Vec<WorkspaceSymbol> {
    let entries: Vec<(usize, SymbolEntry)> = features
        .iter()
        .enumerate()
        .flat_map(|(index, feature)| symbol_entries(feature).into_iter().map(move |entry| (index, entry)))
        .collect();
    best_matches(entries.iter().map(|(index, entry)| (*index, entry)), query, |(_, entry)| *entry)
        .into_iter()
        .map(|(feature, entry)| WorkspaceSymbol {
            name: symbol_name(&entry.id, &entry.title),
            kind: entry.kind,
            container: entry.container.clone(),
            feature,
            file: entry.file.clone(),
            span: entry.span,
        })
        .collect()
}

/// The [`WORKSPACE_LIMIT`] best matches of `query` (see
/// [`workspace_symbols`]) among `items`, best first; among equal scores
/// the given order stays.
pub fn best_matches<T, S: Searchable>(
    items: impl IntoIterator<Item = T>,
    query: &str,
    searched: impl Fn(&T) -> S,
) -> Vec<T> {
    let query = query.trim().to_lowercase();
    let mut found: Vec<(u32, T)> = items
        .into_iter()
        .filter_map(|item| {
            let entry = searched(&item);
            score(&query, entry.id(), entry.title()).map(|score| (score, item))
        })
        .collect();
    // Stable: features and positions stay in order among equal scores.
    found.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    found.into_iter().take(WORKSPACE_LIMIT).map(|(_, item)| item).collect()
}

/// The tasks, stories and requirements of one feature, in document order.
pub fn symbol_entries(feature: &Feature) -> Vec<SymbolEntry> {
    let mut entries = Vec::new();
    let mut push = |id: String, title: &str, kind, container: String, file: &Arc<str>, span| {
        entries.push(SymbolEntry { id, title: title.to_string(), kind, container, file: file.clone(), span });
    };
    if let Some((file, doc)) = feature.tasks() {
        for task in &doc.tasks {
            let container = match task.phase {
                Some(p) => format!("{} · {}", feature.name, truncate(&doc.phases[p].title, 40)),
                None => feature.name.clone(),
            };
            push(
                task.id().text.to_string(),
                task.description(),
                SymbolKind::Task,
                container,
                &file.rel,
                task.id_span(),
            );
        }
    }
    if let Some((file, spec)) = feature.spec() {
        for story in &spec.stories {
            let Some(number) = story.number else { continue };
            let span = if story.title_span.is_empty() { story.heading } else { story.title_span };
            push(
                format!("US{number}"),
                &story.title,
                SymbolKind::Story,
                feature.name.clone(),
                &file.rel,
                span,
            );
        }
        for requirement in &spec.requirements {
            let kind = SymbolKind::Requirement;
            let id = requirement.id.to_string();
            push(id, &requirement.text, kind, feature.name.clone(), &file.rel, requirement.id_span);
        }
    }
    entries
}

/// How well `query` (lower case) matches an ID and a title; `None` for
/// no match.
fn score(query: &str, id: &str, title: &str) -> Option<u32> {
    if query.is_empty() {
        return Some(0);
    }
    let id = id.to_lowercase();
    let title = title.to_lowercase();
    if id == query {
        return Some(100);
    }
    if id.starts_with(query) {
        return Some(80);
    }
    if let Some(at) = title.find(query) {
        let word_start = title[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
        return Some(if word_start { 70 } else { 60 });
    }
    let haystack = format!("{id} {title}");
    if query.split_whitespace().all(|word| haystack.contains(word)) {
        return Some(40);
    }
    let mut letters = haystack.chars();
    let in_order = query.chars().filter(|c| !c.is_whitespace()).all(|q| letters.any(|c| c == q));
    (in_order && query.chars().count() >= 2).then_some(20)
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature;

    /// The outline as indented lines: `kind name (detail) @line`.
    fn check(files: &[(&str, &str)], rel: &str, expect: Expect) {
        let feature = feature(files);
        let file = feature.file(rel).unwrap();
        let mut out = String::new();
        fn walk(file: &FeatureFile, symbols: &[Symbol], depth: usize, out: &mut String) {
            for s in symbols {
                assert!(s.span.start <= s.focus.start && s.focus.end <= s.span.end, "{s:?}");
                for child in &s.children {
                    assert!(
                        s.span.start <= child.span.start && child.span.end <= s.span.end,
                        "{child:?} in {s:?}"
                    );
                }
                let detail = s.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
                let (first, last) =
                    (file.document.line_of(s.span.start) + 1, file.document.line_of(s.span.end) + 1);
                out.push_str(&format!(
                    "{}{:?} {}{detail} @{first}-{last}\n",
                    "  ".repeat(depth),
                    s.kind,
                    s.name
                ));
                walk(file, &s.children, depth + 1, out);
            }
        }
        walk(file, &document_symbols(&feature, rel), 0, &mut out);
        expect.assert_eq(&out);
    }

    #[test]
    fn tasks_outline_nests_phases_subsections_and_tasks() {
        let tasks = "# Tasks: Login\n\n## Phase 1: Setup\n\n- [x] T001 Init in src/\n\n## Phase 2: User Story 1 - Login (Priority: P1)\n\n### Tests for User Story 1\n\n- [ ] T002 [P] [US1] Test login in tests/test_login.py\n  - **File**: tests/test_login.py\n\n### Implementation for User Story 1\n\n### T003: Build login form\n\nBody of the task.\n\n## Dependencies\n\n- T001 blocks T002\n";
        check(
            &[("tasks.md", tasks)],
            "tasks.md",
            expect![[r#"
                Heading Tasks: Login @1-22
                  Phase Phase 1: Setup (1/1 done) @3-5
                    Task T001 Init in src/ (done) @5-5
                  Phase Phase 2: User Story 1 - Login (Priority: P1) (0/2 done) @7-18
                    Subsection Tests for User Story 1 @9-12
                      Task T002 Test login in tests/test_login.py ([P] [US1]) @11-12
                    Subsection Implementation for User Story 1 @14-18
                      Task T003 Build login form @16-18
                  Heading Dependencies @20-22
            "#]],
        );
    }

    #[test]
    fn spec_outline_has_stories_and_requirements() {
        let spec = "# Feature: Login\n\n## User Scenarios\n\n### User Story 1 - Sign in (Priority: P1)\n\nText.\n\n## Requirements\n\n- **FR-001**: System MUST let users sign in\n- **FR-002**: System MUST lock accounts after 5 failures\n";
        check(
            &[("spec.md", spec)],
            "spec.md",
            expect![[r#"
                Heading Feature: Login @1-12
                  Heading User Scenarios @3-7
                    Heading User Story 1 - Sign in (Priority: P1) @5-7
                      Story US1 Sign in (P1) @5-5
                  Heading Requirements @9-12
                    Requirement FR-001 (System MUST let users sign in) @11-11
                    Requirement FR-002 (System MUST lock accounts after 5 failures) @12-12
            "#]],
        );
    }

    #[test]
    fn data_model_plan_and_contract_outlines() {
        let model = "# Data Model\n\n## Entities\n\n### User\n\n- **id**: UUID\n- **email**: string\n\n### Role (Existing)\n\n- **name**: string\n";
        check(
            &[("data-model.md", model)],
            "data-model.md",
            expect![[r#"
                Heading Data Model @1-12
                  Heading Entities @3-12
                    Entity User @5-8
                      Field id (UUID) @7-7
                      Field email (string) @8-8
                    Entity Role (existing) @10-12
                      Field name (string) @12-12
            "#]],
        );
        let plan =
            "# Plan\n\n## Technical Context\n\n**Language/Version**: Python 3.11\n**Storage**: PostgreSQL\n";
        check(
            &[("plan.md", plan)],
            "plan.md",
            expect![[r#"
                Heading Plan @1-6
                  Heading Technical Context @3-6
                    Setting Language/Version (Python 3.11) @5-5
                    Setting Storage (PostgreSQL) @6-6
            "#]],
        );
        let openapi = "openapi: 3.0.0\ninfo:\n  title: Users\n  version: '1'\npaths:\n  /api/users:\n    post:\n      operationId: createUser\n      responses: {}\ncomponents:\n  schemas:\n    User:\n      type: object\n";
        check(
            &[("contracts/users.yaml", openapi)],
            "contracts/users.yaml",
            expect![[r#"
                Operation POST /api/users (createUser) @7-7
                Schema User @12-12
            "#]],
        );
    }

    #[test]
    fn workspace_symbols_match_ids_then_titles() {
        let tasks = "## Phase 1: Setup\n- [ ] T001 Create user model in src/user.py\n- [ ] T002 Add login endpoint\n- [ ] T010 Users page\n";
        let spec = "### User Story 1 - Manage users (Priority: P1)\n\n## Requirements\n\n- **FR-001**: System MUST list users\n";
        let features = [feature(&[("tasks.md", tasks), ("spec.md", spec)])];
        let names = |query: &str| -> Vec<String> {
            workspace_symbols(&features, query)
                .iter()
                .map(|s| format!("{:?} {} [{}]", s.kind, s.name, s.container))
                .collect()
        };
        expect![[r#"
            [
                "Task T001 Create user model in src/user.py [001-fixture · Phase 1: Setup]",
                "Task T002 Add login endpoint [001-fixture · Phase 1: Setup]",
                "Task T010 Users page [001-fixture · Phase 1: Setup]",
            ]
        "#]]
        .assert_debug_eq(&names("t0"));
        expect![[r#"
            [
                "Task T001 Create user model in src/user.py [001-fixture · Phase 1: Setup]",
                "Task T010 Users page [001-fixture · Phase 1: Setup]",
                "Story US1 Manage users [001-fixture]",
                "Requirement FR-001 System MUST list users [001-fixture]",
            ]
        "#]]
        .assert_debug_eq(&names("user"));
        expect![[r#"
            [
                "Task T002 Add login endpoint [001-fixture · Phase 1: Setup]",
            ]
        "#]]
        .assert_debug_eq(&names("lgn endp"));
        assert_eq!(names("fr-001"), ["Requirement FR-001 System MUST list users [001-fixture]"]);
        assert_eq!(names("").len(), 5);
    }
}
