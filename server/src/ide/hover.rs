//! Hover: what a tooltip should say about the thing under the cursor, in
//! compact markdown.
//!
//! - a task ID (its definition or any mention): description, state, phase,
//!   story, files, what it depends on and what it blocks;
//! - `[P]`: the promise it makes and what breaks it;
//! - a story (`[US2]`, `US2`, `User Story 2`, the spec's heading): title,
//!   priority, progress;
//! - `FR-001` / `SC-001`: the requirement's text and the tasks naming it;
//! - a path: the tasks touching it and whether it exists;
//! - a phase heading: progress, waves and the tasks ready now;
//! - an endpoint, an `operationId` or an entity: where it is defined and
//!   the tasks naming it;
//! - a range of task IDs: its tasks.
//!
//! Lists stop after a few items with "… and N more".

use std::fmt::Write;

use super::goto::{feature_file_named, names_operation, operations, path_key, tasks_with_key};
use super::target::{Target, target_at};
use crate::analysis::facts::coverage::{entity_named_by, entity_phrases};
use crate::analysis::facts::matching::TaskText;
use crate::analysis::facts::written::written_paths;
use crate::analysis::graph::TaskGraph;
use crate::analysis::rules::coverage::requirement_coverage;
use crate::model::blocks::ScannedBlock;
use crate::model::data_model::EntityKind;
use crate::model::feature::Feature;
use crate::model::ids::{TaskId, TaskKey};
use crate::model::scan::paths::normalize_path;
use crate::model::scan::{CheckState, MentionKind};
use crate::model::spec::RequirementKind;
use crate::model::tasks::{Task, TasksDoc};
use crate::text::Span;

/// What hover needs from outside the feature's documents.
pub struct HoverEnv<'a> {
    /// Whether a path as written in a document exists on disk.
    pub path_exists: &'a dyn Fn(&str) -> bool,
}

/// A tooltip: markdown, and the span it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    pub markdown: String,
    pub span: Span,
}

/// Items of a list shown before "… and N more".
const LIST_LIMIT: usize = 5;
/// Task IDs of a wave or ready set shown before "… and N more".
const ID_LIMIT: usize = 8;
/// Waves of a phase shown.
const WAVE_LIMIT: usize = 6;
/// Characters of a task's description in a list item.
const ITEM_CHARS: usize = 72;
/// Characters of a description, requirement or story text shown whole.
const TEXT_CHARS: usize = 240;

/// The tooltip for `offset` of the file `rel`; `None` when nothing there
/// has one.
pub fn hover(feature: &Feature, rel: &str, offset: usize, env: &HoverEnv<'_>) -> Option<HoverResult> {
    let target = target_at(feature, rel, offset)?;
    let markdown = match &target {
        Target::Task { key, id, span, definition } => task_hover(feature, *key, id, *definition, *span),
        Target::TaskRange { first, last, .. } => range_hover(feature, first, last),
        Target::Parallel { task, .. } => parallel_hover(feature, *task)?,
        Target::Story { number, .. } => story_hover(feature, *number),
        Target::Requirement { id, .. } => requirement_hover(feature, id),
        Target::Path { path, .. } => path_hover(feature, path, env),
        Target::Phase { phase, .. } => phase_hover(feature, *phase)?,
        Target::Endpoint { method, path, .. } => endpoint_hover(feature, method, path),
        Target::Entity { name, .. } => entity_hover(feature, name),
        Target::ChecklistItem { item, .. } => super::checklists::item_hover(feature, rel, *item)?,
    };
    Some(HoverResult { markdown, span: target.span() })
}

/// Paragraphs separated by blank lines.
#[derive(Default)]
struct Markdown(String);

impl Markdown {
    fn para(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if text.is_empty() {
            return;
        }
        if !self.0.is_empty() {
            self.0.push_str("\n\n");
        }
        self.0.push_str(text);
    }

    /// `title:` and a bulleted list, at most [`LIST_LIMIT`] items.
    fn list(&mut self, title: &str, items: &[String]) {
        if items.is_empty() {
            return;
        }
        let mut text = format!("{title}:");
        for item in items.iter().take(LIST_LIMIT) {
            let _ = write!(text, "\n- {item}");
        }
        if items.len() > LIST_LIMIT {
            let _ = write!(text, "\n- … and {} more", items.len() - LIST_LIMIT);
        }
        self.para(text);
    }

    fn finish(self) -> String {
        self.0
    }
}

/// `text` cut to `max` characters, with `…` when cut.
pub(super) fn short(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_string(),
    }
}

/// IDs joined by commas, at most [`ID_LIMIT`].
fn id_list(doc: &TasksDoc, tasks: &[usize]) -> String {
    let mut text: Vec<String> = tasks.iter().take(ID_LIMIT).map(|&t| doc.tasks[t].id().to_string()).collect();
    if tasks.len() > ID_LIMIT {
        text.push(format!("… and {} more", tasks.len() - ID_LIMIT));
    }
    text.join(", ")
}

fn finished(task: &Task) -> bool {
    task.done() || task.line().cancelled
}

fn state(task: &Task) -> String {
    if task.line().cancelled {
        return "cancelled".into();
    }
    match task.state {
        CheckState::Done => "done".into(),
        CheckState::Open => "open".into(),
        CheckState::Other(c) => format!("marked `[{c}]`"),
    }
}

/// `**T005** · open · Create Invitation model in src/models/…`.
fn task_item(doc: &TasksDoc, index: usize) -> String {
    let task = &doc.tasks[index];
    format!("**{}** · {} · {}", task.id(), state(task), short(task.description(), ITEM_CHARS))
}

/// The task's line and its detail blocks.
fn task_blocks(task: &Task) -> impl Iterator<Item = &ScannedBlock> {
    std::iter::once(&task.block).chain(&task.details)
}

/// 1-based line of an offset in a file of the feature.
fn line_of(feature: &Feature, file: &str, offset: usize) -> usize {
    feature.file(file).map_or(0, |f| f.document.line_of(offset) + 1)
}

/// The story a task belongs to: its label, else its phase's story.
fn story_of(doc: &TasksDoc, task: &Task) -> Option<u32> {
    task.story().or_else(|| task.phase.and_then(|p| doc.phases[p].story))
}

fn task_hover(feature: &Feature, key: TaskKey, id: &TaskId, definition: bool, span: Span) -> String {
    let Some((file, doc)) = feature.tasks() else {
        return format!("**{id}** · no tasks.md in this feature");
    };
    let all: Vec<usize> = tasks_with_key(doc, key).collect();
    // On a repeated ID's second line, that line's task; elsewhere the first.
    let index =
        all.iter().copied().find(|&i| definition && doc.tasks[i].id_span() == span).or(all.first().copied());
    let Some(index) = index else {
        return format!("**{id}** · no such task in tasks.md");
    };
    let task = &doc.tasks[index];
    let mut md = Markdown::default();
    let parallel = if task.parallel { " · [P]" } else { "" };
    md.para(format!("**{}** · {}{parallel}", task.id(), state(task)));
    md.para(short(task.description(), TEXT_CHARS));
    if let Some(phase) = task.phase.map(|p| &doc.phases[p]) {
        let title = &*phase.title;
        let phase_named = title.get(..5).is_some_and(|w| w.eq_ignore_ascii_case("phase"));
        md.para(if phase_named { title.to_string() } else { format!("Phase: {title}") });
    }
    if let Some(number) = story_of(doc, task) {
        let title = feature.spec().and_then(|(_, spec)| spec.story(number)).map(|s| s.title.to_string());
        md.para(format!("Story: **US{number}** {}", title.unwrap_or_else(|| "(not in spec.md)".into())));
    }
    let mut files: Vec<String> = Vec::new();
    for (path, _) in task.paths() {
        let path = normalize_path(path);
        if !files.contains(&path) {
            files.push(path);
        }
    }
    if !files.is_empty() {
        let shown: Vec<String> = files.iter().take(LIST_LIMIT).map(|p| format!("`{p}`")).collect();
        let more = files.len().saturating_sub(LIST_LIMIT);
        let more = if more > 0 { format!(" … and {more} more") } else { String::new() };
        md.para(format!("Files: {}{more}", shown.join(", ")));
    }
    md.list("Depends on", &related(doc, key, doc.dependencies_of(key).map(|e| e.to)));
    md.list("Blocks", &related(doc, key, doc.dependents_of(key).map(|e| e.from)));
    if all.len() > 1 {
        let lines: Vec<String> = all
            .iter()
            .map(|&i| line_of(feature, &file.rel, doc.tasks[i].id_span().start).to_string())
            .collect();
        md.para(format!("⚠ {} is defined {} times: lines {}", task.id(), all.len(), lines.join(", ")));
    }
    md.finish()
}

/// The tasks at the other end of `key`'s edges, once each, as list items.
fn related(doc: &TasksDoc, key: TaskKey, keys: impl Iterator<Item = TaskKey>) -> Vec<String> {
    let mut seen: Vec<TaskKey> = Vec::new();
    for other in keys {
        if other != key && !seen.contains(&other) {
            seen.push(other);
        }
    }
    seen.iter()
        .map(|&k| match doc.task_index(k) {
            Some(i) => task_item(doc, i),
            None => format!("**{k}** · no such task"),
        })
        .collect()
}

fn range_hover(feature: &Feature, first: &TaskId, last: &TaskId) -> String {
    let mut md = Markdown::default();
    let Some((_, doc)) = feature.tasks() else {
        return format!("**{first}–{last}** · no tasks.md in this feature");
    };
    let tasks: Vec<usize> = (0..doc.tasks.len())
        .filter(|&i| {
            let key = doc.tasks[i].key();
            first.key <= key && key <= last.key && doc.task_index(key) == Some(i)
        })
        .collect();
    let done = tasks.iter().filter(|&&i| finished(&doc.tasks[i])).count();
    md.para(format!("**{first}–{last}** · {} tasks, {done} done", tasks.len()));
    if first.key > last.key {
        md.para("⚠ The range is reversed: it names no task.");
    }
    for end in [first, last] {
        if doc.task_index(end.key).is_none() {
            md.para(format!("⚠ {end} names no task."));
        }
    }
    let items: Vec<String> = tasks.iter().map(|&i| task_item(doc, i)).collect();
    md.list("Tasks", &items);
    md.finish()
}

/// Whether the tasks `a..=b` (in either order) are one run of consecutive
/// `[P]` tasks of one phase and subsection.
fn same_parallel_run(doc: &TasksDoc, a: usize, b: usize) -> bool {
    let (earlier, later) = (a.min(b), a.max(b));
    let first = &doc.tasks[earlier];
    doc.tasks
        .range(earlier..later + 1)
        .all(|t| t.parallel && t.phase == first.phase && t.subsection == first.subsection)
}

fn parallel_hover(feature: &Feature, index: usize) -> Option<String> {
    let (_, doc) = feature.tasks()?;
    let task = doc.tasks.get(index)?;
    let mut md = Markdown::default();
    let subsection = task.phase.zip(task.subsection).and_then(|(p, s)| doc.phases[p].subsections.get(s));
    let scope = match (subsection, task.phase) {
        (Some(sub), _) => format!("its subsection *{}*", sub.title),
        (None, Some(_)) => "its phase".to_string(),
        (None, None) => "the tasks around it".to_string(),
    };
    md.para(format!("**[P]** · {} may run at the same time as the other [P] tasks of {scope}", task.id()));
    md.para(format!(
        "It promises that no other open [P] task of {scope} touches its files, and that it depends on no open \
         task of its phase that runs with it or after it."
    ));
    if finished(task) {
        md.para(format!("{} is {}: nothing is left to run.", task.id(), state(task)));
        return Some(md.finish());
    }
    let mut conflicts = Vec::new();
    let mine = written_paths(task);
    for (other_index, other) in doc.tasks.iter().enumerate() {
        let same_group = other.phase == task.phase && other.subsection == task.subsection;
        if other_index == index || !other.parallel || finished(other) || !same_group {
            continue;
        }
        let shared: Vec<String> =
            written_paths(other).iter().filter(|p| mine.binary_search(p).is_ok()).cloned().collect();
        if let Some(path) = shared.first() {
            conflicts.push(format!("**{}** [P] touches `{path}` too", other.id()));
        }
    }
    let mut seen = Vec::new();
    for edge in doc.dependencies_of(task.key()) {
        let Some(prerequisite) = doc.task_index(edge.to) else { continue };
        let other = &doc.tasks[prerequisite];
        if prerequisite == index
            || seen.contains(&prerequisite)
            || other.phase != task.phase
            || finished(other)
        {
            continue;
        }
        seen.push(prerequisite);
        if same_parallel_run(doc, prerequisite, index) {
            conflicts.push(format!(
                "depends on **{}** ({}), a [P] task of the same run",
                other.id(),
                state(other)
            ));
        } else if prerequisite > index {
            conflicts.push(format!(
                "depends on **{}** ({}), listed later in the phase",
                other.id(),
                state(other)
            ));
        }
    }
    if conflicts.is_empty() {
        md.para("No conflict found.");
    } else {
        md.list("⚠ Conflicts", &conflicts);
    }
    Some(md.finish())
}

fn story_hover(feature: &Feature, number: u32) -> String {
    let mut md = Markdown::default();
    let spec_story = feature.spec().and_then(|(file, spec)| spec.story(number).map(|s| (file, s)));
    match spec_story {
        Some((_, s)) => md.para(format!("**US{number}** · {}", s.title)),
        None => md.para(format!("**US{number}** · not in spec.md")),
    }
    let mut facts = Vec::new();
    if let Some((_, s)) = spec_story {
        facts.extend(s.priority.map(|p| format!("P{p}")));
        if s.mvp {
            facts.push("MVP".to_string());
        }
    }
    if let Some((_, doc)) = feature.tasks() {
        let tasks: Vec<&Task> = doc.tasks.iter().filter(|t| story_of(doc, t) == Some(number)).collect();
        let done = tasks.iter().filter(|t| finished(t)).count();
        facts.push(match tasks.len() {
            0 => "no tasks yet".to_string(),
            total => format!("{done}/{total} tasks done"),
        });
    }
    md.para(facts.join(" · "));
    if let Some((file, s)) = spec_story
        && let Some(test) = s.independent_test
    {
        let line = file.document.slice(test);
        let text = line.split_once(':').map_or(&*line, |(_, rest)| rest).trim_start_matches(['*', ' ']);
        md.para(format!("Independent test: {}", short(text, TEXT_CHARS)));
    }
    md.finish()
}

fn requirement_hover(feature: &Feature, id: &str) -> String {
    let mut md = Markdown::default();
    let definitions: Vec<_> = feature
        .spec()
        .map(|(file, spec)| spec.requirements.iter().filter(|r| &*r.id == id).map(|r| (file, r)).collect())
        .unwrap_or_default();
    match definitions.first() {
        Some((_, r)) => {
            let kind = match r.kind {
                RequirementKind::Functional => "functional requirement",
                RequirementKind::SuccessCriterion => "success criterion",
                RequirementKind::Other => "requirement",
            };
            md.para(format!("**{id}** · {kind}"));
            md.para(short(&r.text, TEXT_CHARS));
        }
        None => md.para(format!("**{id}** · not defined in spec.md")),
    }
    if definitions.len() > 1 {
        let lines: Vec<String> =
            definitions.iter().map(|(f, r)| line_of(feature, &f.rel, r.id_span.start).to_string()).collect();
        md.para(format!("⚠ Defined {} times in spec.md: lines {}", definitions.len(), lines.join(", ")));
    }
    // The coverage rule's and the code lens's own reading: ranges
    // (`FR-001 through FR-003`) and shorthand lists count here too.
    let coverage = requirement_coverage(feature);
    let entry = coverage.as_ref().and_then(|c| c.get(id));
    if let Some((_, doc)) = feature.tasks() {
        let covering: &[usize] = entry.map_or(&[], |e| &e.tasks);
        if covering.is_empty() {
            md.para(format!("No task names {id}."));
        } else {
            let items: Vec<String> = covering.iter().map(|&i| task_item(doc, i)).collect();
            md.list("Covered by", &items);
        }
    }
    md.list("Cited by checklist items", &super::checklists::items_citing(feature, id));
    md.finish()
}

fn path_hover(feature: &Feature, path: &str, env: &HoverEnv<'_>) -> String {
    let mut md = Markdown::default();
    let key = path_key(feature, path);
    let is_dir = key.ends_with('/');
    let status = if feature_file_named(feature, path).is_some() {
        "a document of this feature"
    } else if (env.path_exists)(path) {
        if is_dir { "directory, exists" } else { "exists" }
    } else {
        "not on disk"
    };
    md.para(format!("**`{key}`** · {status}"));
    if let Some((_, doc)) = feature.tasks() {
        let touching: Vec<usize> = (0..doc.tasks.len())
            .filter(|&i| {
                doc.tasks[i].paths().any(|(p, _)| {
                    let other = path_key(feature, p);
                    other == key || (is_dir && other.starts_with(&key))
                })
            })
            .collect();
        if touching.is_empty() {
            md.para("No task touches it.");
        } else {
            let title = if is_dir { "Touched by (inside it)" } else { "Touched by" };
            md.list(title, &touching.iter().map(|&i| task_item(doc, i)).collect::<Vec<_>>());
        }
    }
    if let Some((_, plan)) = feature.plan()
        && plan.structure.iter().any(|p| path_key(feature, &p.path) == key)
    {
        md.para("Listed in plan.md's project structure.");
    }
    md.finish()
}

fn phase_hover(feature: &Feature, index: usize) -> Option<String> {
    let (_, doc) = feature.tasks()?;
    let phase = doc.phases.get(index)?;
    let mut md = Markdown::default();
    md.para(format!("**{}**", phase.title));
    let done = phase.tasks.iter().filter(|&&t| finished(&doc.tasks[t])).count();
    let mut facts = vec![format!("{done}/{} tasks done", phase.tasks.len())];
    facts.extend(phase.story.map(|s| format!("US{s}")));
    facts.extend(phase.priority.map(|p| format!("P{p}")));
    if phase.mvp {
        facts.push("MVP".into());
    }
    md.para(facts.join(" · "));
    if let Some((file, goal)) = feature.tasks().map(|(f, _)| f).zip(phase.goal) {
        let line = file.document.slice(goal);
        let text = line.split_once(':').map_or(&*line, |(_, rest)| rest).trim_start_matches(['*', ' ']);
        md.para(format!("Goal: {}", short(text, TEXT_CHARS)));
    }
    if done == phase.tasks.len() {
        return Some(md.finish());
    }
    let graph = TaskGraph::of(doc);
    let in_phase = |t: &usize| doc.tasks[*t].phase == Some(index);
    let schedule = graph.schedule(doc);
    let waves: Vec<Vec<usize>> = schedule
        .waves
        .iter()
        .map(|wave| wave.iter().copied().filter(in_phase).collect::<Vec<_>>())
        .filter(|wave| !wave.is_empty())
        .collect();
    if !waves.is_empty() {
        let mut text = String::from("Waves:");
        for (n, wave) in waves.iter().take(WAVE_LIMIT).enumerate() {
            let _ = write!(text, "\n{}. {}", n + 1, id_list(doc, wave));
        }
        if waves.len() > WAVE_LIMIT {
            let _ = write!(text, "\n\n… and {} more waves", waves.len() - WAVE_LIMIT);
        }
        md.para(text);
    }
    let blocked: Vec<usize> = schedule.blocked.iter().copied().filter(in_phase).collect();
    if !blocked.is_empty() {
        md.para(format!("⚠ In a dependency cycle: {}", id_list(doc, &blocked)));
    }
    let ready: Vec<usize> = graph.ready().into_iter().filter(in_phase).collect();
    if ready.is_empty() {
        md.para("Ready now: none, it waits for earlier work.");
    } else {
        md.para(format!("Ready now: {}", id_list(doc, &ready)));
    }
    Some(md.finish())
}

fn endpoint_hover(feature: &Feature, method: &str, path: &str) -> String {
    let mut md = Markdown::default();
    let found: Vec<_> = operations(feature, method, path).collect();
    match found.first() {
        Some((file, op)) => {
            md.para(format!("**{}**", op.label()));
            let about: Vec<&str> =
                [op.operation_id.as_deref(), op.summary.as_deref()].into_iter().flatten().collect();
            md.para(about.iter().map(|s| short(s, TEXT_CHARS)).collect::<Vec<_>>().join(" · "));
            md.para(format!("Defined in {}", file.rel));
        }
        None => {
            md.para(format!("**{method} {path}**"));
            md.para("Not in any contract of this feature.");
        }
    }
    if let Some((_, doc)) = feature.tasks() {
        let contracts: Vec<_> = feature.contracts().collect();
        let names = |m: &str, p: &str| {
            if found.is_empty() {
                return m.eq_ignore_ascii_case(method)
                    && p.trim_end_matches('/') == path.trim_end_matches('/');
            }
            found.iter().any(|(file, op)| {
                contracts.iter().any(|(f, c)| f.rel == file.rel && names_operation(c, op, m, p))
            })
        };
        let ids: Vec<&str> = found.iter().filter_map(|(_, op)| op.operation_id.as_deref()).collect();
        let naming: Vec<String> = (0..doc.tasks.len())
            .filter(|&i| {
                task_blocks(&doc.tasks[i]).any(|b| {
                    b.scan.mentions.iter().any(
                        |m| matches!(&m.kind, MentionKind::Endpoint { method: m, path: p } if names(m, p)),
                    ) || ids
                        .iter()
                        .any(|id| super::references::word_occurrences(&b.scan.text, id).next().is_some())
                })
            })
            .map(|i| task_item(doc, i))
            .collect();
        if naming.is_empty() {
            md.para("No task names it.");
        } else {
            md.list("Named by", &naming);
        }
    }
    md.finish()
}

fn entity_hover(feature: &Feature, name: &str) -> String {
    let mut md = Markdown::default();
    let model = feature.data_model().and_then(|(f, dm)| dm.entity(name).map(|e| (f, e)));
    let key_entity =
        feature.spec().and_then(|(_, spec)| spec.entities.iter().find(|e| e.name.eq_ignore_ascii_case(name)));
    match model {
        Some((file, e)) => {
            let kind = if e.kind == EntityKind::Enum { "enum" } else { "entity" };
            let existing = if e.existing { ", existing" } else { "" };
            let fields = match e.fields.len() {
                0 => String::new(),
                1 => " · 1 field".to_string(),
                n => format!(" · {n} fields"),
            };
            md.para(format!("**{}** · {kind}{existing} in {}{fields}", e.name, file.rel));
        }
        None => md.para(format!("**{name}** · not in data-model.md")),
    }
    if let Some(e) = key_entity {
        md.para(short(&e.description, TEXT_CHARS));
    }
    if let Some((_, doc)) = feature.tasks() {
        // The notion entity-without-task uses, so hover and the rule agree.
        let phrases = entity_phrases(name);
        let naming: Vec<String> = (0..doc.tasks.len())
            .filter(|&i| entity_named_by(&phrases, &TaskText::of(&doc.tasks[i])))
            .map(|i| task_item(doc, i))
            .collect();
        if naming.is_empty() {
            md.para("No task names it.");
        } else {
            md.list("Named by", &naming);
        }
    }
    md.finish()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature_with_cursor;

    fn check(files: &[(&str, &str)], expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(files);
        let env = HoverEnv { path_exists: &|path: &str| path.starts_with("src/") };
        let found = hover(&feature, &rel, offset, &env).map(|h| {
            let text = feature.file(&rel).map(|f| f.document.slice(h.span).into_owned()).unwrap_or_default();
            format!("[{text}]\n{}", h.markdown)
        });
        expect.assert_eq(&found.unwrap_or_default());
    }

    const TASKS: &str = "\
# Tasks: Team Invitations

## Phase 1: Setup

- [x] T001 Create project structure in src/ and tests/
- [ ] T002 [P] Configure ruff in pyproject.toml

## Phase 2: Foundational

- [ ] T003 Create database session in src/db/session.py
- [ ] T004 [P] Create Invitation model in src/models/invitation.py
- [ ] T005 [P] Create Membership model in src/models/invitation.py (depends on T004)

## Phase 3: User Story 1 - Invite a teammate (Priority: P1) 🎯 MVP

**Goal**: Owners send invitations that expire after seven days.

- [ ] T006 [P] [US1] Contract test POST /api/invitations in tests/contract/test_invite.py
- [ ] T007 [P] [US1] Contract test GET /api/invitations in tests/contract/test_list.py
- [ ] T008 [US1] Implement InvitationService.create in src/services/invitations.py, covers FR-001 (depends on T004)
- [x] T009 [US1] Implement POST /api/invitations in src/api/invitations.py
- [ ] T010 [US1] Send the email in src/services/mailer.py (depends on T099)

## Phase 4: Polish

- [ ] T011 Document the flow in docs/invitations.md

## Dependencies

- T008 blocks T009 and T010
";

    const SPEC: &str = "\
# Feature Specification: Team Invitations

### User Story 1 - Invite a teammate by email (Priority: P1)

An owner invites a colleague.

**Independent Test**: Send an invitation and see it listed as pending.

### User Story 2 - Accept an invitation (Priority: P2)

## Requirements

- **FR-001**: Owners MUST be able to invite a person by email address.
- **FR-002**: Invitations MUST expire seven days after they are sent.

### Key Entities

- **Invitation**: an offer to join a workspace.
";

    const MODEL: &str = "\
# Data Model

## Invitation

| Field | Type |
|-------|------|
| id | UUID |
| email | string |
";

    const OPENAPI: &str = "\
openapi: 3.0.3
info:
  title: Invites
  version: 1.0.0
paths:
  /api/invitations:
    post:
      operationId: createInvitation
      summary: Invite a person by email
";

    fn feature_files<'a>(tasks: &'a str, spec: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("tasks.md", tasks),
            ("spec.md", spec),
            ("data-model.md", MODEL),
            ("contracts/openapi.yaml", OPENAPI),
        ]
    }

    #[test]
    fn a_task_definition() {
        let tasks = TASKS.replace("- [ ] T008", "- [ ] T0$008");
        check(
            &feature_files(&tasks, SPEC),
            expect![[r#"
            [T008]
            **T008** · open

            Implement InvitationService.create in src/services/invitations.py, covers FR-001 (depends on T004)

            Phase 3: User Story 1 - Invite a teammate (Priority: P1) 🎯 MVP

            Story: **US1** Invite a teammate by email

            Files: `src/services/invitations.py`

            Depends on:
            - **T004** · open · Create Invitation model in src/models/invitation.py

            Blocks:
            - **T009** · done · Implement POST /api/invitations in src/api/invitations.py
            - **T010** · open · Send the email in src/services/mailer.py (depends on T099)"#]],
        );
    }

    #[test]
    fn a_task_reference_in_another_document_with_the_cursor_at_its_end() {
        check(
            &[("tasks.md", TASKS), ("plan.md", "# Plan\n\nStart with T010$0.\n")],
            expect![[r#"
            [T010]
            **T010** · open

            Send the email in src/services/mailer.py (depends on T099)

            Phase 3: User Story 1 - Invite a teammate (Priority: P1) 🎯 MVP

            Story: **US1** (not in spec.md)

            Files: `src/services/mailer.py`

            Depends on:
            - **T099** · no such task
            - **T008** · open · Implement InvitationService.create in src/services/invitations.py, cover…"#]],
        );
    }

    #[test]
    fn a_missing_task_and_a_range() {
        check(
            &[("tasks.md", &TASKS.replace("on T099", "on T09$09"))],
            expect![[r#"
            [T099]
            **T099** · no such task in tasks.md"#]],
        );
        check(
            &[("tasks.md", &format!("{TASKS}- T006 thr$0ough T010 before T011\n"))],
            expect![[r#"
            [T006 through T010]
            **T006–T010** · 5 tasks, 1 done

            Tasks:
            - **T006** · open · Contract test POST /api/invitations in tests/contract/test_invite.py
            - **T007** · open · Contract test GET /api/invitations in tests/contract/test_list.py
            - **T008** · open · Implement InvitationService.create in src/services/invitations.py, cover…
            - **T009** · done · Implement POST /api/invitations in src/api/invitations.py
            - **T010** · open · Send the email in src/services/mailer.py (depends on T099)"#]],
        );
    }

    #[test]
    fn a_repeated_id_shows_the_line_under_the_cursor() {
        check(
            &[("tasks.md", "## Phase 1: Setup\n\n- [ ] T001 First\n- [x] T001$0 Second\n")],
            expect![[r#"
            [T001]
            **T001** · done

            Second

            Phase 1: Setup

            ⚠ T001 is defined 2 times: lines 3, 4"#]],
        );
    }

    #[test]
    fn parallel_with_and_without_conflicts() {
        check(
            &[("tasks.md", &TASKS.replace("T005 [P]", "T005 [$0P]"))],
            expect![[r#"
                [[P]]
                **[P]** · T005 may run at the same time as the other [P] tasks of its phase

                It promises that no other open [P] task of its phase touches its files, and that it depends on no open task of its phase that runs with it or after it.

                ⚠ Conflicts:
                - **T004** [P] touches `src/models/invitation.py` too
                - depends on **T004** (open), a [P] task of the same run"#]],
        );
        check(
            &[("tasks.md", &TASKS.replace("T006 [P]", "T006 [P$0]"))],
            expect![[r#"
                [[P]]
                **[P]** · T006 may run at the same time as the other [P] tasks of its phase

                It promises that no other open [P] task of its phase touches its files, and that it depends on no open task of its phase that runs with it or after it.

                No conflict found."#]],
        );
    }

    #[test]
    fn stories_by_label_by_name_and_in_the_spec() {
        check(
            &feature_files(&TASKS.replace("T006 [P] [US1]", "T006 [P] [$0US1]"), SPEC),
            expect![[r#"
            [[US1]]
            **US1** · Invite a teammate by email

            P1 · 1/5 tasks done

            Independent test: Send an invitation and see it listed as pending."#]],
        );
        check(
            &feature_files(TASKS, &SPEC.replace("### User Story 2", "### User Story $02")),
            expect![[r#"
            [### User Story 2 - Accept an invitation (Priority: P2)]
            **US2** · Accept an invitation

            P2 · no tasks yet"#]],
        );
    }

    #[test]
    fn requirements_with_and_without_tasks() {
        check(
            &feature_files(TASKS, &SPEC.replace("**FR-001**", "**FR-$0001**")),
            expect![[r#"
            [FR-001]
            **FR-001** · functional requirement

            Owners MUST be able to invite a person by email address.

            Covered by:
            - **T008** · open · Implement InvitationService.create in src/services/invitations.py, cover…"#]],
        );
        check(
            &feature_files(TASKS, &SPEC.replace("**FR-002**", "**FR-002$0**")),
            expect![[r#"
            [FR-002]
            **FR-002** · functional requirement

            Invitations MUST expire seven days after they are sent.

            No task names FR-002."#]],
        );
    }

    #[test]
    fn a_requirement_inside_a_range_is_covered_as_the_rule_counts_it() {
        let tasks = "## Phase 1\n\n- [ ] T001 Implement FR-001 through FR-003 in src/a.py\n";
        let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: A.\n- **FR-$0002**: B.\n- **FR-003**: C.\n";
        check(
            &[("tasks.md", tasks), ("spec.md", spec)],
            expect![[r#"
            [FR-002]
            **FR-002** · functional requirement

            B.

            Covered by:
            - **T001** · open · Implement FR-001 through FR-003 in src/a.py"#]],
        );
    }

    #[test]
    fn a_requirement_and_a_checklist_citation_show_the_items_citing_it() {
        let tasks = "## Phase 1\n\n- [ ] T001 Implement FR-001 in src/a.py\n";
        let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: A.\n";
        let checklist =
            "# UX\n\n- [x] CHK001 Is A clear? [Spec §FR-0$001]\n- [ ] CHK002 Is A measured? [§FR-001]\n";
        check(
            &[("tasks.md", tasks), ("spec.md", spec), ("checklists/ux.md", checklist)],
            expect![[r#"
            [FR-001]
            **FR-001** · functional requirement

            A.

            Covered by:
            - **T001** · open · Implement FR-001 in src/a.py

            Cited by checklist items:
            - ux.md CHK001 · done
            - ux.md CHK002 · open"#]],
        );
    }

    #[test]
    fn paths_on_disk_in_the_feature_and_missing() {
        check(
            &feature_files(
                &TASKS.replace("in src/models/invitation.py (", "in src/models/invi$0tation.py ("),
                SPEC,
            ),
            expect![[r#"
                [src/models/invitation.py]
                **`src/models/invitation.py`** · exists

                Touched by:
                - **T004** · open · Create Invitation model in src/models/invitation.py
                - **T005** · open · Create Membership model in src/models/invitation.py (depends on T004)"#]],
        );
        check(
            &feature_files(&TASKS.replace("in docs/invitations.md", "in docs/$0invitations.md"), SPEC),
            expect![[r#"
                [docs/invitations.md]
                **`docs/invitations.md`** · not on disk

                Touched by:
                - **T011** · open · Document the flow in docs/invitations.md"#]],
        );
        check(
            &feature_files(&format!("{TASKS}\nSee spec.m$0d.\n"), SPEC),
            expect![[r#"
            [spec.md]
            **`spec.md`** · a document of this feature

            No task touches it."#]],
        );
    }

    #[test]
    fn a_phase_heading() {
        check(
            &[("tasks.md", &TASKS.replace("Phase 2: Foundational", "Phase 2: Found$0ational"))],
            expect![[r#"
                [Phase 2: Foundational]
                **Phase 2: Foundational**

                0/3 tasks done

                Waves:
                1. T003
                2. T004
                3. T005

                Ready now: none, it waits for earlier work."#]],
        );
        check(
            &[("tasks.md", &TASKS.replace("## Phase 1: Setup", "## Phase 1: Se$0tup"))],
            expect![[r#"
            [Phase 1: Setup]
            **Phase 1: Setup**

            1/2 tasks done

            Waves:
            1. T002

            Ready now: T002"#]],
        );
    }

    #[test]
    fn a_story_phase_with_its_goal() {
        check(
            &[("tasks.md", &TASKS.replace("Invite a teammate (Priority", "Invite a team$0mate (Priority"))],
            expect![[r#"
                [Phase 3: User Story 1 - Invite a teammate (Priority: P1) 🎯 MVP]
                **Phase 3: User Story 1 - Invite a teammate (Priority: P1) 🎯 MVP**

                1/5 tasks done · US1 · P1 · MVP

                Goal: Owners send invitations that expire after seven days.

                Waves:
                1. T006, T007
                2. T008
                3. T010

                Ready now: none, it waits for earlier work."#]],
        );
    }

    #[test]
    fn endpoints_and_entities() {
        check(
            &feature_files(&TASKS.replace("Implement POST", "Implement P$0OST"), SPEC),
            expect![[r#"
            [POST /api/invitations]
            **POST /api/invitations**

            createInvitation · Invite a person by email

            Defined in contracts/openapi.yaml

            Named by:
            - **T006** · open · Contract test POST /api/invitations in tests/contract/test_invite.py
            - **T009** · done · Implement POST /api/invitations in src/api/invitations.py"#]],
        );
        check(
            &feature_files(TASKS, &SPEC.replace("**Invitation**", "**Invi$0tation**")),
            expect![[r#"
            [Invitation]
            **Invitation** · entity in data-model.md · 2 fields

            an offer to join a workspace.

            Named by:
            - **T004** · open · Create Invitation model in src/models/invitation.py
            - **T005** · open · Create Membership model in src/models/invitation.py (depends on T004)
            - **T006** · open · Contract test POST /api/invitations in tests/contract/test_invite.py
            - **T007** · open · Contract test GET /api/invitations in tests/contract/test_list.py
            - **T008** · open · Implement InvitationService.create in src/services/invitations.py, cover…
            - … and 2 more"#]],
        );
    }

    #[test]
    fn multi_byte_crlf_and_nothing_under_the_cursor() {
        let tasks = "## Phase 1: Données\r\n\r\n- [ ] T001 Créer le modèle « Invitation » in src/modèle.py\r\n- [ ] T002 Après T001$0\r\n";
        check(
            &[("tasks.md", tasks)],
            expect![[r#"
            [T001]
            **T001** · open

            Créer le modèle « Invitation » in src/modèle.py

            Phase 1: Données

            Files: `src/modèle.py`"#]],
        );
        check(&[("tasks.md", &TASKS.replace("Configure ruff", "Configure r$0uff"))], expect![[""]]);
    }
}
