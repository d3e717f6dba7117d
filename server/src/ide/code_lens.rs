//! Code lenses: progress where a person plans. On tasks.md's title the
//! overall progress and requirement coverage (and, before any task is
//! done, the checklists still open: Spec Kit's `/implement` gate); on each
//! phase heading what is done and what can start next; on each story
//! heading of spec.md how many tasks it has; on a checklist's title how
//! many items are done.

use std::collections::HashSet;

use super::commands::{CommandCall, NEXT_TASKS, SHOW_GRAPH};
use crate::analysis::graph::TaskGraph;
use crate::analysis::rules::coverage::requirement_coverage;
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::spec::SpecDoc;
use crate::model::tasks::TasksDoc;
use crate::text::Span;

/// A line of text above a span, with a command to run when clicked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lens {
    pub span: Span,
    pub title: String,
    pub command: Option<CommandCall>,
}

/// How many ready tasks a phase lens names before "+n".
const NEXT_SHOWN: usize = 3;

/// The lenses of file `rel`.
pub fn code_lenses(feature: &Feature, rel: &str) -> Vec<Lens> {
    let Some(file) = feature.file(rel) else { return Vec::new() };
    match &file.model {
        DocModel::Tasks(doc) => tasks_lenses(feature, file, doc),
        DocModel::Spec(spec) => story_lenses(feature, spec),
        DocModel::Checklist(doc) => {
            vec![Lens { span: title_line(file), title: super::checklists::progress(doc), command: None }]
        }
        _ => Vec::new(),
    }
}

fn tasks_lenses(feature: &Feature, file: &FeatureFile, doc: &TasksDoc) -> Vec<Lens> {
    let mut out = vec![title_lens(feature, file, doc)];
    let is_main = feature.tasks().is_some_and(|(main, _)| main.rel == file.rel);
    if let Some(gate) = super::checklists::implement_gate(feature).filter(|_| is_main) {
        out.push(Lens { span: title_line(file), title: gate, command: None });
    }
    if doc.tasks.is_empty() {
        return out;
    }
    let ready: HashSet<usize> = TaskGraph::of(doc).ready().into_iter().collect();
    for phase in &doc.phases {
        if phase.tasks.is_empty() {
            continue;
        }
        let done = phase.tasks.iter().filter(|&&t| doc.tasks[t].done()).count();
        let mut title = format!("{done}/{} done", phase.tasks.len());
        let next: Vec<&str> =
            phase.tasks.iter().filter(|t| ready.contains(t)).map(|&t| &*doc.tasks[t].id().text).collect();
        if !next.is_empty() {
            title.push_str(" · next: ");
            title.push_str(&next[..next.len().min(NEXT_SHOWN)].join(", "));
            if next.len() > NEXT_SHOWN {
                title.push_str(&format!(" +{}", next.len() - NEXT_SHOWN));
            }
        }
        out.push(Lens {
            span: first_line(file, phase.heading),
            title,
            command: Some(CommandCall::new(NEXT_TASKS, &file.rel, None)),
        });
    }
    out
}

/// The H1's line, or the first line.
fn title_line(file: &FeatureFile) -> Span {
    let title = file
        .blocks
        .as_deref()
        .and_then(|blocks| blocks.iter().find(|b| b.scan.heading.as_ref().is_some_and(|h| h.level == 1)))
        .map(|block| block.span());
    first_line(file, title.unwrap_or_default())
}

/// On the H1 (or the first line): tasks done and requirements covered.
fn title_lens(feature: &Feature, file: &FeatureFile, doc: &TasksDoc) -> Lens {
    let span = title_line(file);
    let total = doc.tasks.len();
    let done = doc.tasks.iter().filter(|t| t.done()).count();
    let mut text = match (done * 100).checked_div(total) {
        Some(percent) => format!("{done}/{total} tasks done ({percent}%)"),
        None => "no tasks yet".to_string(),
    };
    let is_main = feature.tasks().is_some_and(|(main, _)| main.rel == file.rel);
    if let Some(coverage) = requirement_coverage(feature).filter(|c| is_main && c.total() > 0) {
        text.push_str(&format!(
            " · requirements covered: {}/{} ({}%)",
            coverage.covered(),
            coverage.total(),
            coverage.percent()
        ));
    }
    Lens { span, title: text, command: Some(CommandCall::new(SHOW_GRAPH, &file.rel, None)) }
}

/// On each numbered story heading: how many tasks carry its label (or sit
/// in its phase) and how many of them are done.
fn story_lenses(feature: &Feature, spec: &SpecDoc) -> Vec<Lens> {
    let Some((spec_file, _)) = feature.spec() else { return Vec::new() };
    let doc = feature.tasks().map(|(_, doc)| doc);
    let mut out = Vec::new();
    for story in &spec.stories {
        let Some(number) = story.number else { continue };
        let tasks: Vec<bool> = doc
            .map(|doc| {
                doc.tasks
                    .iter()
                    .filter(|t| {
                        t.story() == Some(number)
                            || (t.story().is_none()
                                && t.phase.is_some_and(|p| doc.phases[p].story == Some(number)))
                    })
                    .map(|t| t.done())
                    .collect()
            })
            .unwrap_or_default();
        let title = match tasks.len() {
            0 => "no tasks".to_string(),
            1 => format!("1 task, {} done", tasks.iter().filter(|d| **d).count()),
            n => format!("{n} tasks, {} done", tasks.iter().filter(|d| **d).count()),
        };
        out.push(Lens { span: first_line(spec_file, story.heading), title, command: None });
    }
    out
}

/// The first line of `span`, without its line break.
fn first_line(file: &FeatureFile, span: Span) -> Span {
    file.document.line_span(file.document.line_of(span.start))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature;

    fn check(files: &[(&str, &str)], rel: &str, expect: Expect) {
        let feature = feature(files);
        let file = feature.file(rel).unwrap();
        let shown: Vec<String> = code_lenses(&feature, rel)
            .iter()
            .map(|lens| {
                let line = file.document.line_of(lens.span.start) + 1;
                let command = lens.command.as_ref().map(|c| format!(" → {}", c.name)).unwrap_or_default();
                format!("{line}: {}{command}", lens.title)
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    const SPEC: &str = "# Feature\n\n### User Story 1 - Sign up (Priority: P1)\n\n### User Story 2 - Export (Priority: P2)\n\n### User Story 3 - Share (Priority: P3)\n\n## Requirements\n\n- **FR-001**: System MUST sign up\n- **FR-002**: System MUST export\n- **FR-003**: System MUST share\n";

    const TASKS: &str = "# Tasks: Sign up\n\n## Phase 1: Setup\n\n- [x] T001 Init in src/\n- [x] T002 Lint in a.toml\n\n## Phase 2: User Story 1 - Sign up (Priority: P1)\n\n- [x] T003 [US1] Test sign-up (FR-001) in tests/test_a.py\n- [ ] T004 [P] [US1] Model in src/a.py\n- [ ] T005 [P] [US1] View in src/b.py\n- [ ] T006 [P] [US1] Form in src/c.py\n- [ ] T007 [P] [US1] Mail in src/d.py\n- [ ] T008 [US1] Wire (FR-002) in src/e.py\n\n## Phase 3: User Story 2 - Export (Priority: P2)\n\n- [ ] T009 Export in src/x.py\n\n## Phase 4: Polish\n";

    #[test]
    fn tasks_title_and_phases() {
        check(
            &[("tasks.md", TASKS), ("spec.md", SPEC)],
            "tasks.md",
            expect![[r#"
                1: 3/9 tasks done (33%) · requirements covered: 2/3 (66%) → specls.showGraph
                3: 2/2 done → specls.nextTasks
                8: 1/6 done · next: T004, T005, T006 +1 → specls.nextTasks
                17: 0/1 done · next: T009 → specls.nextTasks"#]],
        );
    }

    #[test]
    fn story_headings_count_their_tasks() {
        check(
            &[("tasks.md", TASKS), ("spec.md", SPEC)],
            "spec.md",
            expect![[r#"
                3: 6 tasks, 1 done
                5: 1 task, 0 done
                7: no tasks"#]],
        );
    }

    #[test]
    fn a_tasks_file_without_title_or_tasks() {
        check(&[("tasks.md", "Nothing yet.\n")], "tasks.md", expect!["1: no tasks yet → specls.showGraph"]);
    }

    #[test]
    fn checklist_progress_and_the_implement_gate_on_tasks() {
        let checklist = "# UX\n\n- [x] CHK001 Done? [Spec §FR-001]\n- [ ] CHK002 Open? [Gap]\n";
        let not_started = TASKS.replace("[x]", "[ ]");
        let files = [("tasks.md", &*not_started), ("spec.md", SPEC), ("checklists/ux.md", checklist)];
        check(&files, "checklists/ux.md", expect!["1: 1/2 items done (50%)"]);
        check(
            &files,
            "tasks.md",
            expect![[r#"
                1: 0/9 tasks done (0%) · requirements covered: 2/3 (66%) → specls.showGraph
                1: 1 incomplete checklist before implementation: ux.md 1/2
                3: 0/2 done · next: T001 → specls.nextTasks
                8: 0/6 done → specls.nextTasks
                17: 0/1 done → specls.nextTasks"#]],
        );
    }
}
