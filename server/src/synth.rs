//! Synthetic feature documents for benchmarks and load tests: realistic
//! shapes (phases, story subsections, `[P]`, paths, dependency prose) at
//! any size.

use std::fmt::Write;

/// A tasks.md with `count` tasks in the current template's layout: Setup,
/// Foundational, then user-story phases of 100 tasks with Tests and
/// Implementation subsections, and a Dependencies section.
pub fn tasks_md(count: usize) -> String {
    let mut out = String::with_capacity(count * 90);
    out.push_str(
        "# Tasks: Synthetic feature\n\n**Input**: Design documents from `/specs/001-synthetic/`\n\n",
    );
    let mut id = 1;
    let mut phase = 1;
    while id <= count {
        let size = 100.min(count + 1 - id);
        phase_heading(&mut out, phase);
        for i in 0..size {
            if phase > 2 && i == 0 {
                let _ = writeln!(out, "### Tests for User Story {}\n", phase - 2);
            }
            if phase > 2 && i == size / 3 {
                let _ = writeln!(out, "\n### Implementation for User Story {}\n", phase - 2);
            }
            task_line(&mut out, id, phase, i);
            id += 1;
        }
        out.push_str("\n**Checkpoint**: phase complete\n\n");
        phase += 1;
    }
    out.push_str("## Dependencies\n\n");
    let mut first = 1;
    while first + 100 <= count {
        let _ = writeln!(out, "- T{:03}-T{:03} before T{:03}", first, first + 49, first + 100);
        first += 100;
    }
    out
}

fn phase_heading(out: &mut String, phase: usize) {
    let _ = match phase {
        1 => writeln!(out, "## Phase 1: Setup (Shared Infrastructure)\n"),
        2 => writeln!(out, "## Phase 2: Foundational (Blocking Prerequisites)\n"),
        n => writeln!(
            out,
            "## Phase {n}: User Story {} - Synthetic story (Priority: P{})\n\n**Goal**: deliver story {}\n\n**Independent Test**: run its tests\n",
            n - 2,
            (n - 2) % 3 + 1,
            n - 2
        ),
    };
}

fn task_line(out: &mut String, id: usize, phase: usize, i: usize) {
    let done = if id.is_multiple_of(3) { "x" } else { " " };
    let parallel = if i.is_multiple_of(2) { "[P] " } else { "" };
    let story = if phase > 2 { format!("[US{}] ", phase - 2) } else { String::new() };
    let _ = write!(
        out,
        "- [{done}] T{id:03} {parallel}{story}Implement module {id} in src/module_{id}/service.py"
    );
    if i % 10 == 5 && id > 1 {
        let _ = write!(out, " (depends on T{:03})", id - 1);
    }
    out.push('\n');
}

/// A whole feature folder around a tasks.md of `count` tasks, as
/// `(relative path, text)` pairs: spec.md with the stories the tasks label
/// and the requirements they cite, plan.md with a project structure and
/// constitution gates, data-model.md with one entity per story, and
/// contracts/openapi.yaml whose operations the tasks name and test. Its
/// documents agree with each other, so an analysis finds little: what a
/// benchmark of the coverage rules should see.
pub fn feature_files(count: usize) -> Vec<(&'static str, String)> {
    let stories = story_count(count);
    vec![
        ("contracts/openapi.yaml", openapi_yaml(stories)),
        ("data-model.md", data_model_md(stories)),
        ("plan.md", plan_md()),
        ("spec.md", spec_md(stories)),
        ("tasks.md", feature_tasks_md(count)),
    ]
}

/// Phases of 100 tasks; the first two are Setup and Foundational.
fn story_count(count: usize) -> usize {
    count.div_ceil(100).saturating_sub(2)
}

/// Three requirements per story: FR-001 to FR-003 are story 1's.
fn requirement(story: usize, which: usize) -> String {
    format!("FR-{:03}", (story - 1) * 3 + which + 1)
}

/// The tasks.md of [`feature_files`]: [`tasks_md`]'s layout, with tasks
/// that test and implement each story's operations, create its entity,
/// cite its requirements and sometimes carry a detail line.
pub fn feature_tasks_md(count: usize) -> String {
    let mut out = String::with_capacity(count * 110);
    out.push_str(
        "# Tasks: Synthetic feature\n\n**Input**: Design documents from `/specs/001-synthetic/`\n\n",
    );
    let phases = count.div_ceil(100);
    let mut id = 1;
    for phase in 1..=phases {
        let size = 100.min(count + 1 - id);
        feature_phase_heading(&mut out, phase, story_count(count));
        for i in 0..size {
            if phase > 2 && i == 0 {
                let _ = writeln!(out, "### Tests for User Story {}\n", phase - 2);
            }
            if phase > 2 && i == size / 3 {
                let _ = writeln!(out, "\n### Implementation for User Story {}\n", phase - 2);
            }
            // The first half of the phases is done, as in a feature under way.
            let done = phase <= phases / 2;
            feature_task(&mut out, id, (phase, phases), i, i < size / 3, done);
            id += 1;
        }
        out.push_str("\n**Checkpoint**: phase complete\n\n");
    }
    // Within each story, its tests come before its implementation.
    out.push_str("## Dependencies & Execution Order\n\n");
    let mut first = 201;
    while first + 100 <= count + 1 {
        let _ = writeln!(out, "- T{:03}-T{:03} before T{:03}", first, first + 32, first + 33);
        first += 100;
    }
    out
}

/// Setup, Foundational, then story phases in the priority order of
/// [`spec_md`].
fn feature_phase_heading(out: &mut String, phase: usize, stories: usize) {
    if phase <= 2 {
        return phase_heading(out, phase);
    }
    let story = phase - 2;
    let _ = writeln!(
        out,
        "## Phase {phase}: User Story {story} - Manage items of kind {story} (Priority: P{})\n\n\
         **Goal**: deliver story {story}\n\n**Independent Test**: run its tests\n",
        priority(story, stories)
    );
}

/// P1 for the first third of the stories, then P2, then P3.
fn priority(story: usize, stories: usize) -> usize {
    (story - 1) * 3 / stories.max(1) + 1
}

fn feature_task(
    out: &mut String,
    id: usize,
    (phase, phases): (usize, usize),
    i: usize,
    test: bool,
    done: bool,
) {
    let check = if done { "x" } else { " " };
    // Tasks that depend on their predecessor are not parallel.
    let depends = i % 10 == 5 && id > 1;
    let parallel = if i.is_multiple_of(2) && !depends { "[P] " } else { "" };
    let _ = write!(out, "- [{check}] T{id:03} {parallel}");
    if phase <= 2 {
        let area = if phase == 1 { "core" } else { "shared" };
        let _ = write!(out, "Set up {area} module {id} in src/{area}/module_{id}.py");
    } else {
        let story = phase - 2;
        let _ = write!(out, "[US{story}] ");
        story_task(out, story, i, test, phase == phases);
    }
    if depends {
        let _ = write!(out, " (depends on T{:03})", id - 1);
    }
    out.push('\n');
    if i % 20 == 7 {
        let _ = writeln!(out, "  - Logs each step with structured logging for audit");
    }
}

/// What the `i`th task of a story phase does: tests first, then the
/// entity, the two operations and services citing the story's
/// requirements. As in real features, a few things slip: the last story
/// has no contract test for its GET, and every tenth story ends with a
/// task that names no file.
fn story_task(out: &mut String, story: usize, i: usize, test: bool, last: bool) {
    let _ = match (test, i) {
        (true, 1) if last => {
            write!(out, "Integration test for reading in tests/integration/test_read{story}.py")
        }
        (false, 99) if story.is_multiple_of(10) => write!(out, "Review story {story} with the team"),
        (true, 0) => {
            write!(out, "Contract test POST /api/items{story} in tests/contract/test_items{story}_create.py")
        }
        (true, 1) => write!(
            out,
            "Contract test GET /api/items{story}/{{id}} in tests/contract/test_items{story}_get.py"
        ),
        (true, _) => write!(
            out,
            "Integration test for scenario {i} of story {story} in tests/integration/test_story{story}_{i}.py"
        ),
        (false, 33) => write!(out, "Create Item{story} model in src/models/item{story}.py"),
        (false, 34) => write!(
            out,
            "Implement POST /api/items{story} in src/api/items{story}_create.py ({})",
            requirement(story, 0)
        ),
        (false, 35) => write!(
            out,
            "Implement GET /api/items{story}/{{id}} in src/api/items{story}_get.py ({})",
            requirement(story, 1)
        ),
        (false, _) => write!(
            out,
            "Implement step {i} of story {story} in src/services/story{story}/step_{i}.py for {}",
            requirement(story, i % 3)
        ),
    };
}

/// Stories with their parts, requirements, key entities and outcomes.
fn spec_md(stories: usize) -> String {
    let mut out = String::with_capacity(stories * 900);
    out.push_str("# Feature Specification: Synthetic feature\n\n**Feature Branch**: `001-synthetic`\n**Status**: Draft\n\n## User Scenarios & Testing *(mandatory)*\n\n");
    for story in 1..=stories {
        let _ = write!(
            out,
            "### User Story {story} - Manage items of kind {story} (Priority: P{})\n\n\
             A user creates and reads items of kind {story}.\n\n\
             **Why this priority**: kind {story} is part of the catalogue.\n\n\
             **Independent Test**: create an item of kind {story} and read it back.\n\n\
             **Acceptance Scenarios**:\n\n\
             1. **Given** no items, **When** a user creates one, **Then** it is listed.\n\
             2. **Given** an item, **When** a user opens it, **Then** its fields are shown.\n\n---\n\n",
            priority(story, stories)
        );
    }
    out.push_str("## Requirements *(mandatory)*\n\n### Functional Requirements\n\n");
    for story in 1..=stories {
        for (which, verb) in ["create", "read", "list"].iter().enumerate() {
            let _ = writeln!(
                out,
                "- **{}**: Users MUST be able to {verb} items of kind {story}.",
                requirement(story, which)
            );
        }
    }
    out.push_str("\n### Key Entities\n\n");
    for story in 1..=stories {
        let _ = writeln!(out, "- **Item{story}**: an item of kind {story}.");
    }
    out.push_str(
        "\n## Success Criteria *(mandatory)*\n\n- **SC-001**: a user creates an item in under a minute.\n",
    );
    out
}

/// A plan with a technical context, three gates the tasks keep and the
/// project structure their paths follow.
fn plan_md() -> String {
    "# Implementation Plan: Synthetic feature\n\n\
     **Branch**: `001-synthetic` | **Spec**: [spec.md](spec.md)\n\n\
     ## Summary\n\nItems of many kinds behind one HTTP API.\n\n\
     ## Technical Context\n\n\
     **Language/Version**: Python 3.12\n**Primary Dependencies**: FastAPI\n**Storage**: PostgreSQL 16\n\
     **Testing**: pytest\n**Project Type**: web-service\n\n\
     ## Constitution Check\n\n\
     - [x] Contract-first: the HTTP contract in `contracts/openapi.yaml` comes before code\n\
     - [x] Test-first: contract tests fail before implementation\n\
     - [x] Observability: every step is logged for audit\n\n\
     ## Project Structure\n\n### Source Code (repository root)\n\n\
     ```text\nsrc/\n├── core/\n├── shared/\n├── models/\n├── services/\n└── api/\n\n\
     tests/\n├── contract/\n├── integration/\n└── unit/\n```\n\n\
     **Structure Decision**: one service with `src/` and `tests/` at the root.\n"
        .to_string()
}

/// One entity per story, with typed fields, and an audit entity no task
/// creates.
fn data_model_md(stories: usize) -> String {
    let mut out = String::from(
        "# Data Model: Synthetic feature\n\n## AuditEvent\n\n| Field | Type | Notes |\n|-------|------|-------|\n| id | UUID | |\n\n",
    );
    for story in 1..=stories {
        let _ = write!(
            out,
            "## Item{story}\n\n| Field | Type | Notes |\n|-------|------|-------|\n\
             | id | UUID | primary key |\n| name | string | shown in lists |\n\n"
        );
    }
    out
}

/// Two operations per story: create and read.
fn openapi_yaml(stories: usize) -> String {
    let mut out = String::from("openapi: 3.0.3\ninfo:\n  title: Synthetic items\n  version: 1.0.0\npaths:\n");
    for story in 1..=stories {
        let _ = write!(
            out,
            "  /api/items{story}:\n    post:\n      operationId: createItem{story}\n      responses:\n        \"201\":\n          description: Created\n\
             \x20 /api/items{story}/{{id}}:\n    get:\n      operationId: getItem{story}\n      responses:\n        \"200\":\n          description: OK\n"
        );
    }
    out
}

/// The workload shapes the benches measure, each at any number of tasks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// [`feature_files`]: phases of 100 tasks, a short Dependencies section.
    Phases,
    /// [`many_stories_files`]: stories of 25 tasks and a Dependencies
    /// section of three statements per story.
    Stories,
}

impl Shape {
    pub const ALL: [Shape; 2] = [Shape::Phases, Shape::Stories];

    /// `phases` or `stories`.
    pub fn parse(name: &str) -> Option<Shape> {
        Shape::ALL.into_iter().find(|shape| shape.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Shape::Phases => "phases",
            Shape::Stories => "stories",
        }
    }

    /// The feature folder of this shape with about `tasks` tasks, as
    /// `(relative path, text)` pairs.
    pub fn files(self, tasks: usize) -> Vec<(&'static str, String)> {
        match self {
            Shape::Phases => feature_files(tasks),
            Shape::Stories => many_stories_files(tasks.div_ceil(STORY_TASKS)),
        }
    }
}

/// Where a bench types in `tasks_md`: the 0-based line of the task in the
/// middle of the document and the column (in characters, ASCII text) where
/// its description starts, after the ID and its `[P]`/`[USn]` labels.
pub fn typing_point(tasks_md: &str) -> (u32, u32) {
    let lines: Vec<&str> = tasks_md.lines().collect();
    let task_lines: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("- [")).collect();
    let line = task_lines[task_lines.len() / 2];
    let text = lines[line];
    // "- [ ] T0001 [P] [US1] Description": skip the checkbox and the ID,
    // then every bracketed label.
    let mut column = text[6..].find(' ').map_or(text.len(), |space| 6 + space + 1);
    while text[column..].starts_with('[') {
        match text[column..].find("] ") {
            Some(end) => column += end + 2,
            None => break,
        }
    }
    (line as u32, column as u32)
}

/// Tasks per story in [`many_stories_files`]: 4 contract tests, 16
/// implementation tasks, 4 integration tests and a checkpoint task.
pub const STORY_TASKS: usize = 25;

/// A feature of `stories` user stories of [`STORY_TASKS`] tasks each, the
/// shape of a big real backlog: each story's phase has contract tests, its
/// implementation, integration tests and a checkpoint task; the
/// Dependencies section has a range, a `blocks` and an arrow statement for
/// every story (`- T0101-T0104 before T0105-T0120`, `- T0105 blocks T0111,
/// T0112`, `- T0116 → T0117 → T0118`). spec.md has the stories and two
/// requirements each; data-model.md an entity per story; one OpenAPI
/// contract four operations per story.
pub fn many_stories_files(stories: usize) -> Vec<(&'static str, String)> {
    vec![
        ("contracts/openapi.yaml", stories_openapi_yaml(stories)),
        ("data-model.md", data_model_md(stories)),
        ("plan.md", plan_md()),
        ("spec.md", stories_spec_md(stories)),
        ("tasks.md", many_stories_tasks_md(stories)),
    ]
}

const OPERATIONS: [(&str, &str); 4] = [
    ("POST", "/api/items{s}"),
    ("GET", "/api/items{s}/{id}"),
    ("PUT", "/api/items{s}/{id}"),
    ("DELETE", "/api/items{s}/{id}"),
];

fn operation_path(template: &str, story: usize) -> String {
    template.replace("{s}", &story.to_string())
}

/// The tasks.md of [`many_stories_files`].
pub fn many_stories_tasks_md(stories: usize) -> String {
    let count = stories * STORY_TASKS;
    let width = count.to_string().len().max(4);
    let id = |n: usize| format!("T{n:0width$}");
    let mut out = String::with_capacity(count * 100 + stories * 120);
    out.push_str("# Tasks: Many stories\n\n**Input**: Design documents from `/specs/001-synthetic/`\n\n");
    for story in 1..=stories {
        let base = (story - 1) * STORY_TASKS + 1;
        let _ = writeln!(
            out,
            "## Phase {}: User Story {story} - Manage items of kind {story} (Priority: P{})\n\n\
             **Goal**: deliver story {story}\n\n**Independent Test**: run its tests\n\n### Tests for User Story {story}\n",
            story,
            priority(story, stories)
        );
        for (i, (method, path)) in OPERATIONS.iter().enumerate() {
            let path = operation_path(path, story);
            let _ = writeln!(
                out,
                "- [ ] {} [P] [US{story}] Contract test {method} {path} in tests/contract/test_items{story}_{}.py",
                id(base + i),
                method.to_ascii_lowercase()
            );
        }
        let _ = writeln!(out, "\n### Implementation for User Story {story}\n");
        for step in 0..16 {
            let n = base + 4 + step;
            let parallel = if step % 2 == 0 { "[P] " } else { "" };
            let _ = match step {
                0 => writeln!(
                    out,
                    "- [ ] {} {parallel}[US{story}] Create Item{story} model in src/models/item{story}.py",
                    id(n)
                ),
                1..=4 => {
                    let (method, path) = OPERATIONS[step - 1];
                    writeln!(
                        out,
                        "- [ ] {} {parallel}[US{story}] Implement {method} {} in src/api/items{story}_{}.py ({})",
                        id(n),
                        operation_path(path, story),
                        method.to_ascii_lowercase(),
                        stories_requirement(story, step % 2)
                    )
                }
                _ => writeln!(
                    out,
                    "- [ ] {} {parallel}[US{story}] Implement step {step} of story {story} in src/services/story{story}/step_{step}.py",
                    id(n)
                ),
            };
        }
        for i in 0..4 {
            let _ = writeln!(
                out,
                "- [ ] {} [US{story}] Integration test for scenario {i} of story {story} in tests/integration/test_story{story}_{i}.py",
                id(base + 20 + i)
            );
        }
        let _ =
            writeln!(out, "- [ ] {} [US{story}] Checkpoint: verify story {story} end to end", id(base + 24));
        let _ = writeln!(out, "\n**Checkpoint**: User Story {story} works on its own\n");
    }
    out.push_str("## Dependencies & Execution Order\n\n");
    for story in 1..=stories {
        let base = (story - 1) * STORY_TASKS + 1;
        let _ = writeln!(out, "- {}-{} before {}-{}", id(base), id(base + 3), id(base + 4), id(base + 19));
        let _ = writeln!(out, "- {} blocks {}, {}", id(base + 4), id(base + 10), id(base + 11));
        let _ = writeln!(out, "- {} → {} → {}", id(base + 15), id(base + 16), id(base + 17));
    }
    out
}

/// Two requirements per story: FR-001 and FR-002 are story 1's.
fn stories_requirement(story: usize, which: usize) -> String {
    format!("FR-{:03}", (story - 1) * 2 + which + 1)
}

/// Stories with their parts and two requirements each.
fn stories_spec_md(stories: usize) -> String {
    let mut out = String::with_capacity(stories * 700);
    out.push_str("# Feature Specification: Many stories\n\n**Feature Branch**: `001-synthetic`\n**Status**: Draft\n\n## User Scenarios & Testing *(mandatory)*\n\n");
    for story in 1..=stories {
        let _ = write!(
            out,
            "### User Story {story} - Manage items of kind {story} (Priority: P{})\n\n\
             A user manages items of kind {story}.\n\n\
             **Why this priority**: kind {story} is part of the catalogue.\n\n\
             **Independent Test**: create an item of kind {story}, change it and delete it.\n\n\
             **Acceptance Scenarios**:\n\n\
             1. **Given** no items, **When** a user creates one, **Then** it is listed.\n\n---\n\n",
            priority(story, stories)
        );
    }
    out.push_str("## Requirements *(mandatory)*\n\n### Functional Requirements\n\n");
    for story in 1..=stories {
        for (which, verb) in ["create", "change"].iter().enumerate() {
            let _ = writeln!(
                out,
                "- **{}**: Users MUST be able to {verb} items of kind {story}.",
                stories_requirement(story, which)
            );
        }
    }
    out.push_str("\n### Key Entities\n\n");
    for story in 1..=stories {
        let _ = writeln!(out, "- **Item{story}**: an item of kind {story}.");
    }
    out.push_str(
        "\n## Success Criteria *(mandatory)*\n\n- **SC-001**: a user manages an item in under a minute.\n",
    );
    out
}

/// Four operations per story, one contract.
fn stories_openapi_yaml(stories: usize) -> String {
    let mut out = String::from("openapi: 3.0.3\ninfo:\n  title: Many items\n  version: 1.0.0\npaths:\n");
    for story in 1..=stories {
        let _ = write!(
            out,
            "  /api/items{story}:\n    post:\n      operationId: createItem{story}\n      responses:\n        \"201\":\n          description: Created\n\
             \x20 /api/items{story}/{{id}}:\n    get:\n      operationId: getItem{story}\n      responses:\n        \"200\":\n          description: OK\n\
             \x20   put:\n      operationId: updateItem{story}\n      responses:\n        \"200\":\n          description: OK\n\
             \x20   delete:\n      operationId: deleteItem{story}\n      responses:\n        \"204\":\n          description: Deleted\n"
        );
    }
    out
}

/// A synthetic feature whose tasks.md is open as in an editor, typed into
/// one character at a time in the middle task's description: what the
/// language server sees while someone types (at the description's start:
/// "Implement" then "xImplement"). The analysed tasks.md is the
/// typed copy, so its untouched blocks keep their facts across edits.
pub struct TypedFeature {
    pub feature: crate::model::feature::Feature,
    tasks: crate::model::file::MarkdownFile,
    line: u32,
    column: u32,
    version: i32,
}

impl TypedFeature {
    /// The feature of `files` (relative path, text) under
    /// `/synthetic/specs/001-synthetic`, typing at tasks.md's
    /// [`typing_point`].
    pub fn new(files: &[(&str, String)]) -> Self {
        use crate::model::feature::{Feature, FeatureFile};
        use crate::model::kind::DocumentKind;
        let root = std::path::PathBuf::from("/synthetic/specs/001-synthetic");
        let others =
            files.iter().filter(|(rel, _)| *rel != "tasks.md").map(|(rel, text)| (*rel, text.as_str()));
        let mut feature = Feature::from_texts(root.clone(), others);
        let (_, text) = files.iter().find(|(rel, _)| *rel == "tasks.md").expect("a tasks.md");
        let tasks = crate::model::file::MarkdownFile::open(text, 0);
        feature.upsert(FeatureFile::from_markdown(
            root.join("tasks.md"),
            "tasks.md",
            DocumentKind::Tasks,
            &tasks,
        ));
        let (line, column) = typing_point(text);
        TypedFeature { feature, tasks, line, column, version: 0 }
    }

    /// Type a character into the middle task's description, or delete it
    /// again: the document keeps its size.
    pub fn edit(&mut self) {
        use crate::model::feature::FeatureFile;
        use crate::model::kind::DocumentKind;
        use crate::text::{ContentChange, Position, PositionEncoding, PositionRange};
        self.version += 1;
        let at = Position::new(self.line, self.column);
        let change = if self.version % 2 == 1 {
            ContentChange::replace(PositionRange::new(at, at), "x")
        } else {
            ContentChange::replace(PositionRange::new(at, Position::new(self.line, self.column + 1)), "")
        };
        self.tasks.apply_changes(&[change], PositionEncoding::Utf16, self.version);
        let path = self.feature.root.join("tasks.md");
        // As the language server does: from the last version.
        let older = self.feature.file("tasks.md");
        let file =
            FeatureFile::from_markdown_after(path, "tasks.md", DocumentKind::Tasks, &self.tasks, older);
        self.feature.upsert(file);
    }
}
