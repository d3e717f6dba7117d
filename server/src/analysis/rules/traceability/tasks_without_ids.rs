use crate::analysis::facts::idless::id_less_task_lines;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports, once per file, a tasks.md whose task lines carry no usable
    /// IDs: checkbox items (`- [ ] Create the User model`) or lines whose
    /// IDs were stripped (`DONE [P] Create ...`, `- [x] [US1] Add ...`,
    /// also when the list marker went too and the lines run together as
    /// one paragraph) that outnumber the lines with a task ID (`T001`).
    /// The coverage rules (contracts, endpoints, entities, stories,
    /// requirements, constitution gates) do not check such a tasks.md:
    /// what they would look for is in the lines without IDs.
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
        // Counted from each block's facts: the lines themselves only
        // when the rule fires.
        if !cx.tasks_lack_ids() {
            return;
        }
        let without = id_less_task_lines(blocks);
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

    /// An agent's bulk edit replaced `- [X] T002` by `DONE` on every line
    /// but the first, so the lines run together as one paragraph.
    const STRIPPED: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [X] T001 Create the folders in src/chat/\n\n## Phase 2: Foundational\n\nDONE [P] Create the ChatMessage DTO in src/models/chat.ts\nDONE [P] Implement GET /api/chats/{chatId} in src/api/chat.ts\nDONE [US1] Build the chat panel in src/chat/panel.ts\n\n## Dependencies\n\n- T003 before T004\n";

    #[test]
    fn fires_on_stripped_lines_that_run_together() {
        assert_eq!(
            check("tasks-without-ids", &[("tasks.md", STRIPPED)]),
            [
                "tasks.md:9: 3 task lines have no task ID (T001), against 1 with one: most tasks cannot be checked"
            ]
        );
    }

    #[test]
    fn the_missing_ids_are_reported_once_not_through_their_consequences() {
        let data_model = "# Data Model\n\n## Entities\n\n### ChatMessage\n\n- **id**: string\n\n### ChatRoom\n\n- **id**: string\n";
        let contract = "openapi: 3.0.0\npaths:\n  /api/chats/{chatId}:\n    get:\n      operationId: getChat\n    delete:\n      operationId: deleteChat\n";
        let files =
            [("tasks.md", STRIPPED), ("data-model.md", data_model), ("contracts/chat.yaml", contract)];
        for code in ["entity-without-task", "endpoint-without-task", "unknown-task-reference"] {
            assert!(check(code, &files).is_empty(), "{code}: {:?}", check(code, &files));
        }
        // With the IDs back, the same folder has findings of each.
        let numbered = STRIPPED
            .replace("DONE [P] Create", "- [X] T002 [P] Create")
            .replace("DONE [P] Impl", "- [X] T003 [P] Impl")
            .replace("DONE [US1]", "- [X] T004 [US1]")
            .replace("T003 before T004", "T003 before T009");
        let files = [
            ("tasks.md", numbered.as_str()),
            ("data-model.md", data_model),
            ("contracts/chat.yaml", contract),
        ];
        for code in ["entity-without-task", "endpoint-without-task", "unknown-task-reference"] {
            assert_eq!(check(code, &files).len(), 1, "{code}: {:?}", check(code, &files));
        }
    }
}
