use crate::analysis::rules::fixes::next_free_id;
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a task ID used by more than one task. `T01`, `T001` and
    /// `T-001` count as the same ID.
    ///
    /// ## Why is this bad?
    /// Dependencies, the Dependencies section and every tool that reads
    /// tasks.md name tasks by ID: with two tasks behind one ID, "depends on
    /// T012" means whichever one a reader happens to find first.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T010 [US1] Implement POST /invitations in src/api/invitations.py
    /// - [ ] T010 [US1] Implement GET /invitations in src/api/invitations.py
    /// ```
    ///
    /// ## Fix
    /// Give the later task the next free ID (`T011`). The fix is unsafe:
    /// references to `T010` may have meant the later task.
    pub struct DuplicateTaskId { code: "duplicate-task-id", severity: Error }
}

impl Rule for DuplicateTaskId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let rows = cx.rows();
        if rows.iter().all(|row| row.first) {
            return; // every key is used once
        }
        let mut taken = cx.task_keys().to_vec();
        for (task, row) in doc.tasks.iter().zip(rows) {
            if row.first {
                continue;
            }
            let first = cx.task_index(row.key).expect("an earlier task has the key");
            let first_task = &doc.tasks[first];
            let free = next_free_id(&taken, task.key());
            taken.push(free);
            let new_id = format!("{free}");
            let message = format!(
                "{} is already used on line {}",
                task.id(),
                cx.line(file, first_task.id_span().start)
            );
            out.push(
                cx.report(Self::META.default_severity, file, task.id_span(), message)
                    .with_related(&file.rel, first_task.id_span(), "first used here")
                    .with_fix(Fix::replace(
                        format!("Use {new_id}"),
                        Applicability::Unsafe,
                        &file.rel,
                        task.id_span(),
                        new_id,
                    )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    #[test]
    fn fires_on_the_later_use_with_the_first_as_related() {
        let found = check("duplicate-task-id", &[("tasks.md", "- [ ] T001 a\n- [ ] T002 b\n- [ ] T001 c\n")]);
        assert_eq!(found, ["tasks.md:3: T001 is already used on line 1 [fix: Use T003]"]);
    }

    #[test]
    fn different_spellings_of_one_id_collide() {
        let found = check("duplicate-task-id", &[("tasks.md", "- [ ] T01 a\n- [ ] T-001 b\n")]);
        assert_eq!(found, ["tasks.md:2: T-001 is already used on line 1 [fix: Use T002]"]);
    }

    #[test]
    fn silent_on_unique_ids_and_suffixes() {
        assert!(
            check("duplicate-task-id", &[("tasks.md", "- [ ] T001 a\n- [ ] T001a b\n- [ ] T002 c\n")])
                .is_empty()
        );
    }

    #[test]
    fn detail_headings_describing_listed_tasks_are_not_new_tasks() {
        let text = "## Phase 1: Setup\n\n- [ ] T001 Create app in src/app.py\n- [ ] T002 Add db in src/db.py\n\n\
                    ## Task Details\n\n### T001: Create app\n\nUse the factory.\n\n### T002-T011: see Phase 3.2\n";
        assert!(check("duplicate-task-id", &[("tasks.md", text)]).is_empty());
        let twice = "## Phase 1\n\n### T001 Create app\n\n### T001 Create db\n";
        assert_eq!(
            check("duplicate-task-id", &[("tasks.md", twice)]).len(),
            1,
            "two heading tasks still collide"
        );
    }

    #[test]
    fn a_numbered_list_restating_listed_tasks_is_not_new_tasks() {
        let text = "## Phase 1\n\n- [ ] T001 Create app in src/app.py\n\n## Priorities\n\n1. T001 first\n";
        assert!(check("duplicate-task-id", &[("tasks.md", text)]).is_empty());
    }
}
