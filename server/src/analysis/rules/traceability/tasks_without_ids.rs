use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::syntax::BlockKind;
use crate::text::Span;

/// Fewer task-like lines than this is a note, not a task list.
const AT_LEAST: usize = 2;

declare_rule! {
    /// ## What it does
    /// Reports, once per file, a tasks.md whose task lines carry no usable
    /// IDs: checkbox items (`- [ ] Create the User model`) or lines whose
    /// IDs were stripped (`DONE [P] Create ...`, `- [x] [US1] Add ...`)
    /// that outnumber the lines with a task ID (`T001`).
    ///
    /// ## Why is this bad?
    /// Every other check of tasks.md (dependencies, duplicate IDs, story
    /// coverage, requirement coverage) works on task IDs: without them
    /// specls, `/speckit.analyze` and `/speckit.implement` see no tasks, so
    /// such a folder gets no finding at all while nothing in it is checked.
    ///
    /// ## Example
    /// ```markdown
    /// ## Phase 1: Setup
    /// - [ ] Create project structure
    /// - [x] [P] Configure linting
    /// ```
    ///
    /// ## Fix
    /// Number the tasks in document order (`- [ ] T001 Create project
    /// structure`), as `/speckit.tasks` writes them. There is no quick fix.
    pub struct TasksWithoutIds { code: "tasks-without-ids", severity: Warning }
}

impl Rule for TasksWithoutIds {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let Some(blocks) = file.blocks.as_deref() else { return };
        let mut without: Vec<Span> = Vec::new();
        for block in blocks.iter() {
            if block.scan.task.is_none()
                && let Some(span) = id_less_task(block)
            {
                without.push(span);
            }
        }
        if without.len() < AT_LEAST || without.len() <= doc.tasks.len() {
            return;
        }
        let message = if doc.tasks.is_empty() {
            format!(
                "none of the {} task lines has a task ID (T001), so no task can be checked",
                without.len()
            )
        } else {
            format!(
                "{} task lines have no task ID (T001), against {} with one: most tasks cannot be checked",
                without.len(),
                doc.tasks.len()
            )
        };
        out.push(cx.report(Self::META.default_severity, file, without[0], message));
    }
}

/// The span of a list item that reads as a task without an ID: a
/// checkbox, or `DONE`/`TODO` followed by a `[P]` or `[USn]` label.
fn id_less_task(block: &ScannedBlock) -> Option<Span> {
    if !matches!(block.scan.kind, BlockKind::ListItem { .. }) {
        return None;
    }
    let text = &*block.scan.text;
    let start = block.scan.content_start.min(text.len());
    let content = text[start..].trim_start();
    let checkbox = ["[ ]", "[x]", "[X]"].iter().any(|c| content.starts_with(c));
    let stripped = ["DONE ", "TODO ", "✅ "].iter().any(|p| content.starts_with(p))
        && (content.contains("[P]") || content.contains("[US"));
    let first_line = content.lines().next().unwrap_or("");
    let says_something = first_line.trim_start_matches(['[', ' ', 'x', 'X', ']']).chars().count() > 3;
    if !(checkbox || stripped) || !says_something {
        return None;
    }
    let offset = text.len() - content.len();
    Some(block.abs(Span::new(offset, offset + first_line.trim_end().len())))
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    #[test]
    fn fires_once_when_task_lines_have_no_ids() {
        let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] Create project structure\n- [x] [P] Configure linting\n\n## Phase 2\n\nDONE list:\n\n- DONE [P] Create the User model\n";
        assert_eq!(
            check("tasks-without-ids", &[("tasks.md", tasks)]),
            ["tasks.md:5: none of the 3 task lines has a task ID (T001), so no task can be checked"]
        );
    }

    #[test]
    fn passes_when_tasks_have_ids_and_checklists_are_few() {
        let tasks = "# Tasks\n\n- [ ] T001 Create project structure\n- [ ] T002 Configure linting\n\n## Checkpoint\n\n- [ ] All tests pass\n";
        assert!(check("tasks-without-ids", &[("tasks.md", tasks)]).is_empty());
    }
}
