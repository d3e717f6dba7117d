//! Commands an editor runs on a feature: tick a task off, show the
//! dependency graph, list what can be worked on next. Code actions and
//! code lenses name them with a [`CommandCall`]; `lsp/` executes them.

use std::sync::Arc;

use super::graph_view::{self, GraphView};
use crate::analysis::FileEdit;
use crate::analysis::graph::TaskGraph;
use crate::model::feature::{DocModel, Feature};
use crate::model::scan::CheckState;
use crate::model::tasks::{Task, TasksDoc};
use crate::text::Span;

/// Check or uncheck the task at a position.
pub const TOGGLE_TASK: &str = "specls.toggleTask";
/// The dependency graph of the feature as Mermaid text.
pub const SHOW_GRAPH: &str = "specls.showGraph";
/// The open tasks whose prerequisites are all done.
pub const NEXT_TASKS: &str = "specls.nextTasks";
/// Renumber the tasks in document order, updating every reference
/// (computed by `ide::renumber`).
pub const RENUMBER_TASKS: &str = "specls.renumberTasks";

/// Every command the server executes.
pub const COMMANDS: [&str; 4] = [RENUMBER_TASKS, TOGGLE_TASK, SHOW_GRAPH, NEXT_TASKS];

/// A command to run and what it is about: a file of the feature and,
/// for commands about one place (toggling a task), an offset in it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandCall {
    pub name: &'static str,
    pub file: Arc<str>,
    pub offset: Option<usize>,
}

impl CommandCall {
    pub fn new(name: &'static str, file: &Arc<str>, offset: Option<usize>) -> Self {
        CommandCall { name, file: file.clone(), offset }
    }
}

/// The tasks.md `rel` names, with its model.
pub(crate) fn tasks_doc<'a>(feature: &'a Feature, rel: &str) -> Option<(&'a Arc<str>, &'a TasksDoc)> {
    let file = feature.file(rel)?;
    match &file.model {
        DocModel::Tasks(doc) => Some((&file.rel, doc)),
        _ => None,
    }
}

/// The task whose first line holds `offset`.
pub(crate) fn task_on_line(doc: &TasksDoc, offset: usize) -> Option<usize> {
    doc.task_at(offset).filter(|&i| doc.tasks[i].line_span().touches(offset))
}

/// The task one of whose lines holds `offset`. [`TasksDoc::task_at`]
/// also answers at the very end of a task's extent, which, after its line
/// break, is the start of the next line: the blank line after the last
/// task (where any position past the end of the file lands too) would
/// toggle that task.
fn task_with_line_at(feature: &Feature, rel: &str, doc: &TasksDoc, offset: usize) -> Option<usize> {
    let index = doc.task_at(offset)?;
    let extent = doc.tasks[index].extent;
    let document = &feature.file(rel)?.document;
    let after_line_break = offset == extent.end
        && offset > extent.start
        && document.slice(Span::new(offset - 1, offset)).ends_with(['\n', '\r']);
    (!after_line_break).then_some(index)
}

/// Edits that flip the done state of the task at `offset` of tasks.md
/// `rel`: the checkbox's mark changes (`[ ]` ↔ `[x]`, keeping the `x` or
/// `X` the file uses most), a checkbox written another way (`DONE`, an
/// emoji) becomes a plain one, a line without one gets one, and a trailing
/// `✅` goes when the task is reopened. Empty when there is no task there
/// or its state comes from a `**Status**:` line the checkbox does not show.
pub fn toggle_task(feature: &Feature, rel: &str, offset: usize) -> Vec<FileEdit> {
    let Some((file, doc)) = tasks_doc(feature, rel) else { return Vec::new() };
    let Some(index) = task_with_line_at(feature, rel, doc, offset) else { return Vec::new() };
    let task = &doc.tasks[index];
    let line = task.line();
    let done = !task.done();
    let mark = if done { done_mark(doc) } else { ' ' };
    let text = &task.block.scan.text;
    let mut edits = Vec::new();
    let mut edit = |span: Span, new_text: String| {
        edits.push(FileEdit { file: file.clone(), span: task.block.abs(span), new_text });
    };
    match line.checkbox_span {
        Some(span) => {
            let written = &text[span.start..span.end];
            let inner = written.find('[').map(|at| span.start + at + 1).filter(|&at| {
                text[at..].chars().next().is_some_and(|c| text[at + c.len_utf8()..].starts_with(']'))
            });
            match inner {
                Some(at) => {
                    let shown = text[at..].chars().next().unwrap_or(' ');
                    let shows_done = matches!(shown, 'x' | 'X');
                    if shows_done != done || !(shows_done || shown == ' ') {
                        edit(Span::new(at, at + shown.len_utf8()), mark.to_string());
                    }
                }
                None if line.state == CheckState::Done && !done => edit(span, "[ ]".to_string()),
                None if line.state != CheckState::Done && done => edit(span, format!("[{mark}]")),
                None => {}
            }
        }
        None if done => {
            edit(Span::empty(line.head_start), format!("[{mark}] "));
        }
        None => {}
    }
    if !done {
        // `- [ ] T001 Create x ✅`: the trailing mark says done too.
        let first_line_end = text.find(['\n', '\r']).unwrap_or(text.len());
        let after = &text[line.description_span.end.min(first_line_end)..first_line_end];
        if let Some(at) = after.find('✅') {
            let at = line.description_span.end + at;
            let start = text[..at].trim_end_matches([' ', '\t']).len();
            let mut end = at + '✅'.len_utf8();
            if text[end..].starts_with('\u{FE0F}') {
                end += '\u{FE0F}'.len_utf8();
            }
            edit(Span::new(start, end), String::new());
        }
    }
    edits
}

/// `x` or `X`: what the file's checked boxes use most (`x` on a tie).
fn done_mark(doc: &TasksDoc) -> char {
    let (mut lower, mut upper) = (0, 0);
    for task in &doc.tasks {
        let line = task.line();
        let Some(span) = line.checkbox_span else { continue };
        match task.block.scan.slice(span).trim_matches('`') {
            "[x]" => lower += 1,
            "[X]" => upper += 1,
            _ => {}
        }
    }
    if upper > lower { 'X' } else { 'x' }
}

/// The dependency graph of the feature's tasks.md as a Mermaid flowchart
/// (the same drawing as `specls graph --format mermaid`).
pub fn show_graph(feature: &Feature) -> String {
    match feature.tasks() {
        Some((file, doc)) => {
            let path = format!("{}/{}", feature.name, file.rel);
            graph_view::to_mermaid(&GraphView::build(doc, &file.document, path))
        }
        None => format!("flowchart TD\n    %% {}: no tasks.md\n", feature.name),
    }
}

/// The ready set: open tasks whose prerequisites (written and implied by
/// the phase order) are all done, in document order, as (ID, description).
pub fn next_tasks(feature: &Feature) -> Vec<(String, String)> {
    let Some((_, doc)) = feature.tasks() else { return Vec::new() };
    let graph = TaskGraph::of(doc);
    graph.ready().into_iter().map(|t| describe(&doc.tasks[t])).collect()
}

fn describe(task: &Task) -> (String, String) {
    (task.id().text.to_string(), task.description().trim().to_string())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature;
    use crate::testing::{apply_to, feature_with_cursor};

    fn toggled(tasks: &str, expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(&[("tasks.md", tasks)]);
        let text = feature.file(&rel).unwrap().document.text();
        expect.assert_eq(&apply_to(&text, &toggle_task(&feature, &rel, offset)));
    }

    #[test]
    fn toggling_a_table_row_edits_its_cell_and_keeps_the_row() {
        toggled(
            "## Phase 0\n\n| ID | Task |\n|----|------|\n| T0.1 | [ ] Loc$0ate | x |\n| T0.2 | Add fields |\n",
            expect![[r#"
            ## Phase 0

            | ID | Task |
            |----|------|
            | T0.1 | [x] Locate | x |
            | T0.2 | Add fields |
        "#]],
        );
        toggled(
            "## Phase 0\n\n| ID | Task |\n|----|------|\n| T0.1 | [x] Locate | x |\n| T0$0.2 | Add fields |\n",
            expect![[r#"
            ## Phase 0

            | ID | Task |
            |----|------|
            | T0.1 | [x] Locate | x |
            | T0.2 | [x] Add fields |
        "#]],
        );
    }

    #[test]
    fn toggling_flips_the_mark_and_keeps_the_rest() {
        toggled(
            "- [ ] T001 a\n- [ ] T0$002 b in src/b.py\n",
            expect![[r#"
            - [ ] T001 a
            - [x] T002 b in src/b.py
        "#]],
        );
        toggled(
            "- [X] T001 a\n- [X] T002 b\n- [ ] T003 $0c\n",
            expect![[r#"
            - [X] T001 a
            - [X] T002 b
            - [X] T003 c
        "#]],
        );
        toggled(
            "- [x] T001 a\n  - **File**: src/$0a.py\n",
            expect![[r#"
            - [ ] T001 a
              - **File**: src/a.py
        "#]],
        );
        toggled(
            "- [-] T001$0 a\n",
            expect![[r#"
            - [x] T001 a
        "#]],
        );
    }

    #[test]
    fn odd_checkboxes_become_plain_ones() {
        toggled(
            "- T001 a$0\n",
            expect![[r#"
            - [x] T001 a
        "#]],
        );
        toggled(
            "- `[x]` T001: a$0\n",
            expect![[r#"
            - `[ ]` T001: a
        "#]],
        );
        toggled(
            "- DONE T001 a$0\n",
            expect![[r#"
            - [ ] T001 a
        "#]],
        );
        toggled(
            "- [ ] T001 Create x ✅$0\n",
            expect![[r#"
            - [ ] T001 Create x
        "#]],
        );
        toggled(
            "### T001: [X] Create$0 x\n\nBody.\n",
            expect![[r#"
            ### T001: [ ] Create x

            Body.
        "#]],
        );
    }

    #[test]
    fn nothing_to_toggle_outside_tasks() {
        let (feature, rel, offset) = feature_with_cursor(&[("tasks.md", "# Tasks\n$0\n- [ ] T001 a\n")]);
        assert!(toggle_task(&feature, &rel, offset).is_empty());
        let (feature, rel, offset) = feature_with_cursor(&[("spec.md", "- [ ] T001 $0a\n")]);
        assert!(toggle_task(&feature, &rel, offset).is_empty());
    }

    #[test]
    fn nothing_to_toggle_after_the_last_task() {
        for tasks in
            ["- [ ] T001 a\n- [ ] T002 b\n$0", "- [ ] T001 a\n- [ ] T002 b\r\n$0", "- [ ] T001 a\n\n$0"]
        {
            let (feature, rel, offset) = feature_with_cursor(&[("tasks.md", tasks)]);
            assert_eq!(toggle_task(&feature, &rel, offset), [], "{tasks:?}");
        }
    }

    #[test]
    fn the_end_of_a_last_line_without_line_break_is_still_its_task() {
        toggled("- [ ] T001 a\n- [ ] T002 b$0", expect!["- [ ] T001 a\n- [x] T002 b"]);
    }

    #[test]
    fn next_tasks_are_the_ready_set() {
        let tasks = "## Phase 1: Setup\n- [x] T001 Init\n- [ ] T002 [P] Lint config in a.toml\n- [ ] T003 [P] CI in ci.yml\n\n## Phase 2: Core\n- [ ] T004 Model in src/m.py\n";
        let feature = feature(&[("tasks.md", tasks)]);
        expect![[r#"
            [
                (
                    "T002",
                    "Lint config in a.toml",
                ),
                (
                    "T003",
                    "CI in ci.yml",
                ),
            ]
        "#]]
        .assert_debug_eq(&next_tasks(&feature));
    }

    #[test]
    fn the_graph_is_mermaid() {
        let tasks = "## Phase 1: Setup\n- [x] T001 Init\n- [ ] T002 Build (depends on T001)\n";
        let feature = feature(&[("tasks.md", tasks)]);
        expect![[r#"
            flowchart TD
                %% 001-fixture/tasks.md
                %% ready: T002
                subgraph done_tasks ["Done"]
                    T001["T001 Init"]
                end
                subgraph wave_1 ["Wave 1"]
                    T002["T002 Build (depends on T001)"]
                end
                T001 --> T002
                classDef done fill:#e6f4ea,stroke:#34a853,color:#1e4620
                classDef critical stroke:#d93025,stroke-width:3px
                class T001 done
                class T002 critical
        "#]]
        .assert_eq(&show_graph(&feature));
        let empty = crate::model::feature::Feature::new("/x/specs/002-empty".into());
        assert_eq!(show_graph(&empty), "flowchart TD\n    %% 002-empty: no tasks.md\n");
    }
}
