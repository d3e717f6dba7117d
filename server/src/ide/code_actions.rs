//! Code actions: the quick fixes that diagnostics carry, and refactors at
//! the cursor (tick a task off, normalise task lines, add a phase for a
//! story without tasks, renumber tasks, renumber spec.md's requirements).
//!
//! Actions that change a whole file are offered twice: as a source action
//! everywhere in the file (the editor's "Source Action..." menu) and as a
//! refactor when the cursor is on a task line (the light bulb).

use super::commands::{CommandCall, RENUMBER_TASKS, task_on_line, tasks_doc, toggle_task};
use crate::analysis::rules::coverage::StoryWithoutTasks;
use crate::analysis::rules::fixes::canonical_head_edits;
use crate::analysis::rules::tasks::{DuplicateTaskId, MalformedTask, TaskIdOrder};
use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, FixRound, Rule};
use crate::model::feature::Feature;
use crate::model::scan::Irregularity;
use crate::model::tasks::TasksDoc;
use crate::text::Span;

/// What kind of action, as editors group them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// Resolves a diagnostic (LSP `quickfix`).
    QuickFix,
    /// Rewrites at the cursor (LSP `refactor.rewrite`).
    Refactor,
    /// Acts on the whole file (LSP `source`).
    Source,
    /// Applies every safe fix of the file at once (LSP
    /// `source.fixAll.specls`: fix on save).
    FixAll,
}

/// One code action: edits to apply, or a command to run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub edits: Vec<FileEdit>,
    /// Index into the diagnostics given of the one this action fixes.
    pub diagnostic: Option<usize>,
    /// The obvious fix (safe fixes of a diagnostic): editors apply it on
    /// "auto fix".
    pub preferred: bool,
    /// A command to run instead of (or after) the edits.
    pub command: Option<CommandCall>,
}

impl Action {
    fn edit(title: impl Into<String>, kind: ActionKind, edits: Vec<FileEdit>) -> Self {
        Action { title: title.into(), kind, edits, diagnostic: None, preferred: false, command: None }
    }
}

/// Every action for `range` of file `rel`: quick fixes of `diagnostics`
/// (the feature's analysis) on its lines, then refactors, then source
/// actions.
pub fn code_actions(feature: &Feature, diagnostics: &[Diagnostic], rel: &str, range: Span) -> Vec<Action> {
    let mut out = Vec::new();
    quick_fixes(feature, diagnostics, rel, range, &mut out);
    toggle_action(feature, rel, range, &mut out);
    skeleton_actions(feature, rel, range, &mut out);
    normalise_actions(feature, rel, range, &mut out);
    renumber_actions(feature, rel, range, &mut out);
    requirement_renumber_actions(feature, rel, range, &mut out);
    dedupe(out)
}

/// The safe fixes of the findings in `rel` that apply together, as one
/// round of `check --fix` takes them, restricted to fixes that edit `rel`
/// only: saving one document never rewrites another. `None` when nothing
/// is fixable.
pub fn fix_all(diagnostics: &[Diagnostic], rel: &str) -> Option<Action> {
    let mut ordered: Vec<&Diagnostic> = diagnostics.iter().filter(|d| &*d.file == rel).collect();
    ordered.sort_by_key(|d| (d.span.start, d.code));
    let mut round = FixRound::default();
    let mut fixed = 0;
    for diagnostic in ordered {
        let Some(fix) = &diagnostic.fix else { continue };
        let here = !fix.edits.is_empty() && fix.edits.iter().all(|e| &*e.file == rel);
        if fix.applicability == Applicability::Safe && here && round.take(&fix.edits) {
            fixed += 1;
        }
    }
    let edits: Vec<FileEdit> = round
        .edits
        .into_iter()
        .flat_map(|(file, edits)| {
            edits.into_iter().map(move |(span, new_text)| FileEdit { file: file.clone(), span, new_text })
        })
        .collect();
    if edits.is_empty() {
        return None;
    }
    let plural = if fixed == 1 { "" } else { "es" };
    Some(Action::edit(format!("Fix all: {fixed} safe fix{plural} in {rel}"), ActionKind::FixAll, edits))
}

/// Whether a span meets the requested range; touching counts, as a cursor
/// right after a word is on it.
fn meets(span: Span, range: Span) -> bool {
    span.start <= range.end && range.start <= span.end
}

/// Quick fixes of the diagnostics on the lines of `range`: the light bulb
/// of a line offers what fixes it, wherever the cursor is on the line.
fn quick_fixes(feature: &Feature, diagnostics: &[Diagnostic], rel: &str, range: Span, out: &mut Vec<Action>) {
    let Some(file) = feature.file(rel) else { return };
    let document = &file.document;
    let lines = Span::new(
        document.line_start(document.line_of(range.start)),
        document.line_span(document.line_of(range.end)).end,
    );
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        if &*diagnostic.file != rel {
            continue;
        }
        // `malformed-task` reports a kind once, with the other lines as
        // related places; its fix mends them all, so offer it there too.
        let here = meets(diagnostic.span, lines)
            || (diagnostic.code == MalformedTask::META.code
                && diagnostic.related.iter().any(|r| &*r.file == rel && meets(r.span, lines)));
        if !here {
            continue;
        }
        if let Some(fix) = &diagnostic.fix {
            out.push(Action {
                title: fix.title.clone(),
                kind: ActionKind::QuickFix,
                edits: fix.edits.clone(),
                diagnostic: Some(index),
                preferred: fix.applicability == Applicability::Safe,
                command: None,
            });
        }
        if [TaskIdOrder::META.code, DuplicateTaskId::META.code].contains(&diagnostic.code)
            && let Some((file, _)) = feature.tasks()
        {
            out.push(Action {
                title: "Renumber tasks in document order".to_string(),
                kind: ActionKind::QuickFix,
                edits: Vec::new(),
                diagnostic: Some(index),
                preferred: false,
                command: Some(CommandCall::new(RENUMBER_TASKS, &file.rel, None)),
            });
        }
    }
}

/// "Mark T012 done" on a task's line.
fn toggle_action(feature: &Feature, rel: &str, range: Span, out: &mut Vec<Action>) {
    let Some((_, doc)) = tasks_doc(feature, rel) else { return };
    let Some(index) = task_on_line(doc, range.start) else { return };
    let edits = toggle_task(feature, rel, range.start);
    if edits.is_empty() {
        return;
    }
    let task = &doc.tasks[index];
    let title = if task.done() {
        format!("Mark {} as not done", task.id())
    } else {
        format!("Mark {} as done", task.id())
    };
    out.push(Action::edit(title, ActionKind::Refactor, edits));
}

/// A phase skeleton for each story of spec.md that no task is labelled
/// with: a refactor on the story's heading, a source action in spec.md and
/// tasks.md. Offered whatever the configuration says of the rule.
fn skeleton_actions(feature: &Feature, rel: &str, range: Span, out: &mut Vec<Action>) {
    let in_spec = feature.spec().is_some_and(|(file, _)| &*file.rel == rel);
    let in_tasks = feature.tasks().is_some_and(|(file, _)| &*file.rel == rel);
    if !(in_spec || in_tasks) {
        return;
    }
    let mut found = Vec::new();
    StoryWithoutTasks.check(&Context::new(feature), &mut found);
    for diagnostic in found {
        let Some(fix) = diagnostic.fix else { continue };
        if in_spec && meets(diagnostic.span, range) {
            out.push(Action::edit(fix.title.clone(), ActionKind::Refactor, fix.edits.clone()));
        }
        out.push(Action::edit(fix.title, ActionKind::Source, fix.edits));
    }
}

/// Rewrite every task line of tasks.md that has a faithful canonical form
/// (the safe part of `malformed-task`'s fixes: IDs keep their shape).
fn normalise_actions(feature: &Feature, rel: &str, range: Span, out: &mut Vec<Action>) {
    let Some((file, doc)) = tasks_doc(feature, rel) else { return };
    let mut edits = Vec::new();
    let mut lines = Vec::new();
    for (index, task) in doc.tasks.iter().enumerate() {
        // A heading task's body would stop belonging to it as a bullet:
        // that rewrite is malformed-task's own (unsafe) fix, not a bulk one.
        if task.is_canonical() || task.irregularities().contains(&Irregularity::HeadingTask) {
            continue;
        }
        let Some(line_edits) = canonical_head_edits(&task.block.scan, false) else {
            continue;
        };
        if line_edits.is_empty() {
            continue;
        }
        lines.push(index);
        edits.extend(line_edits.into_iter().map(|(span, new_text)| FileEdit {
            file: file.clone(),
            span: task.block.abs(span),
            new_text,
        }));
    }
    let title = match lines.len() {
        0 => return,
        1 => "Normalise 1 task line to `- [ ] T001 [P] [USn] Description`".to_string(),
        n => format!("Normalise {n} task lines to `- [ ] T001 [P] [USn] Description`"),
    };
    if task_on_line(doc, range.start).is_some() {
        out.push(Action::edit(title.clone(), ActionKind::Refactor, edits.clone()));
    }
    out.push(Action::edit(title, ActionKind::Source, edits));
}

/// `specls.renumberTasks` when the IDs are not T001, T002, ... in order.
fn renumber_actions(feature: &Feature, rel: &str, range: Span, out: &mut Vec<Action>) {
    let Some((file, doc)) = tasks_doc(feature, rel) else { return };
    if !needs_renumbering(doc) {
        return;
    }
    let action = |kind| Action {
        title: "Renumber tasks in document order".to_string(),
        kind,
        edits: Vec::new(),
        diagnostic: None,
        preferred: false,
        command: Some(CommandCall::new(RENUMBER_TASKS, file, None)),
    };
    if task_on_line(doc, range.start).is_some() {
        out.push(action(ActionKind::Refactor));
    }
    out.push(action(ActionKind::Source));
}

/// In spec.md, when a family of requirement IDs is out of order or
/// repeats an ID: renumber them all, with every reference (as a source
/// action, and as a refactor on a requirement's definition).
fn requirement_renumber_actions(feature: &Feature, rel: &str, range: Span, out: &mut Vec<Action>) {
    let Some((_, spec)) = feature.spec().filter(|(f, _)| &*f.rel == rel) else { return };
    let edits = super::rename::renumber_requirements(feature);
    if edits.is_empty() {
        return;
    }
    let title = "Renumber requirements in document order";
    let on_definition = spec.requirements.iter().any(|r| r.span.touches(range.start));
    if on_definition {
        out.push(Action::edit(title, ActionKind::Refactor, edits.clone()));
    }
    out.push(Action::edit(title, ActionKind::Source, edits));
}

/// Whether some task's ID is not the one its position gives (`T001` for
/// the first, ...).
fn needs_renumbering(doc: &TasksDoc) -> bool {
    doc.tasks.iter().enumerate().any(|(i, task)| *task.id().text != *format!("T{:03}", i + 1))
}

/// Drop actions that repeat an earlier one. Source actions live in another
/// menu than quick fixes and refactors, so they are compared only among
/// themselves.
fn dedupe(actions: Vec<Action>) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    for action in actions {
        let family = |a: &Action| a.kind == ActionKind::Source;
        let repeated = out.iter().any(|seen| {
            family(seen) == family(&action) && seen.edits == action.edits && seen.command == action.command
        });
        if !repeated {
            out.push(action);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::analysis::{RuleConfig, analyze};
    use crate::testing::{apply_edits, feature_with_cursor};

    /// The actions at the cursor, one line each.
    fn check(files: &[(&str, &str)], expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(files);
        let diagnostics = analyze(&feature, &RuleConfig::default());
        let shown: Vec<String> = code_actions(&feature, &diagnostics, &rel, Span::empty(offset))
            .iter()
            .map(|a| {
                let fixes = a.diagnostic.map(|i| format!(" [{}]", diagnostics[i].code)).unwrap_or_default();
                let preferred = if a.preferred { " (preferred)" } else { "" };
                let command = a.command.as_ref().map(|c| format!(" → {}", c.name)).unwrap_or_default();
                format!("{:?}: {}{fixes}{preferred}{command} ({} edits)", a.kind, a.title, a.edits.len())
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    /// The lines `after` adds to `before`, asserting that they form one
    /// block and that every line of `before` is still there unchanged.
    fn inserted(before: &str, after: &str) -> String {
        let old: Vec<&str> = before.lines().collect();
        let new: Vec<&str> = after.lines().collect();
        let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let suffix =
            old[prefix..].iter().rev().zip(new[prefix..].iter().rev()).take_while(|(a, b)| a == b).count();
        assert_eq!(prefix + suffix, old.len(), "a line changed:\n{before}\n---\n{after}");
        new[prefix..new.len() - suffix].join("\n")
    }

    /// Apply the action titled `title` at the cursor; the diagnostic `code`
    /// it fixes must be gone after re-analysis. Returns the inserted lines
    /// of each file that changed.
    fn apply_insertion(files: &[(&str, &str)], title: &str, kind: ActionKind, code: &str) -> String {
        let (feature, rel, offset) = feature_with_cursor(files);
        let config = RuleConfig::default();
        let before = analyze(&feature, &config);
        assert!(before.iter().any(|d| d.code == code), "no {code} to fix");
        let actions = code_actions(&feature, &before, &rel, Span::empty(offset));
        let action = actions
            .iter()
            .find(|a| a.title == title && a.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} action {title:?} in {actions:#?}"));
        let texts = apply_edits(&feature, &action.edits);
        let borrowed: Vec<(&str, &str)> = texts.iter().map(|(r, t)| (r.as_str(), t.as_str())).collect();
        let fixed = crate::testing::feature(&borrowed);
        let after = analyze(&fixed, &config);
        let left: Vec<&str> = after.iter().filter(|d| d.code == code).map(|d| d.message.as_str()).collect();
        assert!(left.is_empty(), "{code} still reported: {left:?}");
        let mut out = String::new();
        for (file, (rel, text)) in feature.files.iter().zip(&texts) {
            let old = file.document.text();
            if old != *text {
                out.push_str(&format!("{rel}:\n{}\n", inserted(&old, text)));
            }
        }
        out
    }

    const SPEC: &str = "# Feature\n\n### User Story 1 - Sign up (Priority: P1)\n\nText.\n\n### User Story 2 - Profile (Priority: P2)\n\n**Independent Test**: Open the profile page.\n\n## Requirements\n\n- **FR-001**: System MUST sign users up\n";

    const TASKS: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init in src/app.py\n\n## Phase 2: Foundational\n\n- [ ] T002 [P] Create User model in src/models/user.py\n\n## Phase 3: User Story 1 - Sign up (Priority: P1)\n\n### Tests for User Story 1\n\n- [ ] T003 [P] [US1] Contract test POST /api/users in tests/contract/test_users_post.py\n\n### Implementation for User Story 1\n\n- [ ] T004 [US1] Implement POST /api/users in src/api/users.py (FR-001)\n- [ ] T005 [US1] Implement GET /api/users/{id} in src/api/users.py\n\n## Phase 4: Polish\n\n- [ ] T006 Docs in README.md\n";

    const OPENAPI: &str = "openapi: 3.0.0\ninfo:\n  title: Users\n  version: '1'\npaths:\n  /api/users:\n    post:\n      operationId: createUser\n      responses: {}\n  /api/users/{id}:\n    get:\n      operationId: getUser\n      responses: {}\n";

    const MODEL: &str =
        "# Data Model\n\n### User\n\n- **id**: UUID\n\n### Invitation\n\n- **email**: string\n";

    #[test]
    fn quick_fixes_of_the_diagnostics_at_the_cursor() {
        let tasks =
            "## Phase 1: Setup\n\n- [ ] T001 [P] Init in src/a.py\n- [ ] T001 [P] Lint in src/a.py$0\n";
        check(
            &[("tasks.md", tasks)],
            expect![[r#"
                QuickFix: Use T002 [duplicate-task-id] (1 edits)
                QuickFix: Renumber tasks in document order [duplicate-task-id] → specls.renumberTasks (0 edits)
                QuickFix: Drop [P] from T001 [parallel-file-conflict] (preferred) (1 edits)
                Refactor: Mark T001 as done (1 edits)
                Source: Renumber tasks in document order → specls.renumberTasks (0 edits)"#]],
        );
    }

    #[test]
    fn the_story_label_fix_is_offered_anywhere_on_the_line() {
        let tasks = "## Phase 3: User Story 1 - Login (Priority: P1)\n\n- [ ] T001 [US1] Form in src/a.py\n- [ ] T002 View in src/$0b.py\n";
        check(
            &[("tasks.md", tasks)],
            expect![[r#"
            QuickFix: Add [US1] [missing-story-label] (preferred) (1 edits)
            Refactor: Mark T002 as done (1 edits)"#]],
        );
    }

    #[test]
    fn normalise_is_offered_on_every_line_of_a_kind_and_for_the_file() {
        let tasks = "## Phase 1: Setup\n\n- [ ] **T001** Init in src/a.py\n- [ ] T002 [US1] [P] Lint in src/b.py\n- [ ] **T003** Test$0 in src/c.py\n";
        check(
            &[("tasks.md", tasks)],
            expect![[r#"
                QuickFix: Rewrite 2 task lines in canonical form [malformed-task] (preferred) (2 edits)
                Refactor: Mark T003 as done (1 edits)
                Refactor: Normalise 3 task lines to `- [ ] T001 [P] [USn] Description` (3 edits)
                Source: Normalise 3 task lines to `- [ ] T001 [P] [USn] Description` (3 edits)"#]],
        );
        let tasks = "## Phase 1: Setup\n\n- [ ] **T001** Init in src/a.py\n\n$0Notes.\n";
        check(
            &[("tasks.md", tasks)],
            expect!["Source: Normalise 1 task line to `- [ ] T001 [P] [USn] Description` (1 edits)"],
        );
    }

    #[test]
    fn fix_all_applies_every_safe_fix_of_the_document_and_only_there() {
        let tasks = "## Phase 1: Setup\n\n- [ ] **T001** Init in src/a.py\n- [ ] T002 Lint\u{7} in src/b.py\n- [ ] **T003** Test in src/c.py\n";
        let spec = "# Spec\n\n**Status**\u{7}: Draft\n";
        let (feature, rel, _) =
            feature_with_cursor(&[("tasks.md", &format!("$0{tasks}")), ("spec.md", spec)]);
        let diagnostics = analyze(&feature, &RuleConfig::default());
        let action = fix_all(&diagnostics, &rel).unwrap();
        assert_eq!(
            (action.kind, action.title.as_str()),
            (ActionKind::FixAll, "Fix all: 2 safe fixes in tasks.md")
        );
        assert!(action.edits.iter().all(|e| &*e.file == "tasks.md"), "{:?}", action.edits);
        let texts = apply_edits(&feature, &action.edits);
        expect![[r###"
            {
                "spec.md": "# Spec\n\n**Status**\u{7}: Draft\n",
                "tasks.md": "## Phase 1: Setup\n\n- [ ] T001 Init in src/a.py\n- [ ] T002 Lint in src/b.py\n- [ ] T003 Test in src/c.py\n",
            }
        "###]]
        .assert_debug_eq(&texts);
        // Once applied, nothing in tasks.md is left to fix.
        let fixed = &texts["tasks.md"];
        let (feature, rel, _) =
            feature_with_cursor(&[("tasks.md", &format!("$0{fixed}")), ("spec.md", spec)]);
        assert_eq!(fix_all(&analyze(&feature, &RuleConfig::default()), &rel), None);
    }

    #[test]
    fn the_normalised_file_is_canonical() {
        let tasks = "## Phase 1: Setup\n\n- [X] **T001 [P]** Init in src/a.py\n  wrapped\n- T002: Lint in src/b.py [P]\n- [ ] ~~T003 dropped~~\n\
                     * [X] T004: Docs in docs/a.md\n\n1. [ ] T005 Doc in docs/b.md\n\n- [ ] [P] T006 x\n- [ ]T007 y\n";
        let (feature, rel, _) = feature_with_cursor(&[("tasks.md", &format!("$0{tasks}"))]);
        let actions = code_actions(&feature, &[], &rel, Span::empty(0));
        let action = actions
            .iter()
            .find(|a| a.kind == ActionKind::Source && a.title.starts_with("Normalise"))
            .unwrap();
        let texts = apply_edits(&feature, &action.edits);
        expect![[r#"
            ## Phase 1: Setup

            - [X] T001 [P] Init in src/a.py
              wrapped
            - [ ] T002 [P] Lint in src/b.py
            - [ ] ~~T003 dropped~~
            - [X] T004 Docs in docs/a.md

            - [ ] T005 Doc in docs/b.md

            - [ ] T006 [P] x
            - [ ] T007 y
        "#]]
        .assert_eq(&texts["tasks.md"]);
    }

    #[test]
    fn contract_test_insertion() {
        let contract = OPENAPI.replace("    get:", "    g$0et:");
        let out = apply_insertion(
            &[("tasks.md", TASKS), ("spec.md", SPEC), ("contracts/users.yaml", &contract)],
            "Insert a contract test task for GET /api/users/{id}",
            ActionKind::QuickFix,
            "contract-without-test",
        );
        expect![[r#"
            tasks.md:
            - [ ] T003a [P] [US1] Contract test GET /api/users/{id} in tests/contract/test_users_get.py
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn model_task_insertion() {
        let model = MODEL.replace("### Invitation", "### Invi$0tation");
        let out = apply_insertion(
            &[("tasks.md", TASKS), ("spec.md", SPEC), ("data-model.md", &model)],
            "Insert a task creating the Invitation model",
            ActionKind::QuickFix,
            "entity-without-task",
        );
        expect![[r#"
            tasks.md:
            - [ ] T002a [P] Create Invitation model in src/models/invitation.py
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn phase_skeleton_insertion_as_quick_fix_and_source_action() {
        let spec = SPEC.replace("### User Story 2", "### User $0Story 2");
        let files = [("tasks.md", TASKS), ("spec.md", spec.as_str())];
        check(
            &files,
            expect![[r#"
                QuickFix: Insert a phase for User Story 2 [story-without-tasks] (1 edits)
                Source: Insert a phase for User Story 2 (1 edits)"#]],
        );
        let skeleton = expect![[r#"
            tasks.md:
            ## Phase 3a: User Story 2 - Profile (Priority: P2)

            **Goal**: Profile

            **Independent Test**: Open the profile page.

            ### Tests for User Story 2

            ### Implementation for User Story 2

            **Checkpoint**: User Story 2 should be fully functional and testable independently

        "#]];
        let out = apply_insertion(
            &files,
            "Insert a phase for User Story 2",
            ActionKind::QuickFix,
            "story-without-tasks",
        );
        skeleton.assert_eq(&out);
        let tasks = TASKS.replace("## Phase 4: Polish", "## Phase 4: Pol$0ish");
        let files = [("tasks.md", tasks.as_str()), ("spec.md", SPEC)];
        let out = apply_insertion(
            &files,
            "Insert a phase for User Story 2",
            ActionKind::Source,
            "story-without-tasks",
        );
        skeleton.assert_eq(&out);
    }

    #[test]
    fn the_skeleton_refactor_works_with_the_rule_turned_off() {
        let spec = SPEC.replace("### User Story 2", "### User $0Story 2");
        let (feature, rel, offset) = feature_with_cursor(&[("tasks.md", TASKS), ("spec.md", &spec)]);
        let actions = code_actions(&feature, &[], &rel, Span::empty(offset));
        let kinds: Vec<(ActionKind, &str)> = actions.iter().map(|a| (a.kind, a.title.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (ActionKind::Refactor, "Insert a phase for User Story 2"),
                (ActionKind::Source, "Insert a phase for User Story 2")
            ]
        );
    }

    #[test]
    fn toggle_and_renumber_on_a_task_line() {
        let tasks = "## Phase 1: Setup\n\n- [x] T002 In$0it in src/a.py\n- [ ] T001 Lint in src/b.py\n";
        check(
            &[("tasks.md", tasks)],
            expect![[r#"
                Refactor: Mark T002 as not done (1 edits)
                Refactor: Renumber tasks in document order → specls.renumberTasks (0 edits)
                Source: Renumber tasks in document order → specls.renumberTasks (0 edits)"#]],
        );
    }

    #[test]
    fn renumber_requirements_on_a_definition_and_as_a_source_action() {
        let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: A.\n- **FR-00$03**: B.\n";
        check(
            &[("spec.md", spec)],
            expect![[r#"
                Refactor: Renumber requirements in document order (1 edits)
                Source: Renumber requirements in document order (1 edits)"#]],
        );
        check(&[("spec.md", &spec.replace("FR-00$03", "FR-00$02"))], expect![""]);
    }
}
