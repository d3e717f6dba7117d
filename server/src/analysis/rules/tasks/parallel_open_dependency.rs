use super::support::parallel_label_removal;
use crate::analysis::graph::Structure;
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an open `[P]` task that depends, by a written dependency
    /// (`(depends on T012)`, `**Depends on**: T012`, `T012 blocks T014` in
    /// the Dependencies section), on an open `[P]` task of the same run:
    /// the consecutive `[P]` tasks of one phase (or subsection) that `[P]`
    /// says may run side by side.
    ///
    /// A `[P]` task depending on a task *before* its run of `[P]` tasks
    /// (tests first, then `[P]` implementation tasks that wait for them)
    /// passes: the run starts after that task anyway, and `[P]` only says
    /// the tasks of the run may go side by side. A dependency on a task
    /// listed *after* the dependent one is `forward-dependency`'s finding,
    /// not this rule's. Done or cancelled tasks, on either end, pass:
    /// nothing is left to run in parallel.
    ///
    /// ## Why is this bad?
    /// `[P]` tells an agent or a person to start the task together with
    /// its neighbours; a dependency on one of them says it must wait. One
    /// of the two is wrong, and whoever follows `[P]` builds on work that
    /// is not there yet.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T012 [P] [US1] Create User model in src/models/user.py
    /// - [ ] T013 [P] [US1] Create UserService in src/services/user.py (depends on T012)
    /// ```
    ///
    /// ## Fix
    /// Drop `[P]` from the dependent task. The fix is safe: it removes a
    /// promise of parallelism and keeps the dependency. When the
    /// dependency is the mistake, delete it by hand instead.
    pub struct ParallelOpenDependency { code: "parallel-open-dependency", severity: Warning }
}

impl Rule for ParallelOpenDependency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        // Made of the document's structure alone, and kept with it.
        for blocked in Structure::of(doc).parallel_blocked(doc) {
            let task = &doc.tasks[blocked.task];
            let blocking: Vec<(usize, crate::text::Span)> = blocked
                .blocking
                .iter()
                .map(|&(prerequisite, edge)| (prerequisite, doc.edges.at(edge).to_span))
                .collect();
            let named: Vec<String> = blocking
                .iter()
                .map(|&(p, _)| {
                    format!("{} (line {})", doc.tasks[p].id(), cx.line(file, doc.tasks[p].id_span().start))
                })
                .collect();
            let Some((last, rest)) = named.split_last() else { continue };
            let message = if rest.is_empty() {
                format!("{} is [P] but depends on {last}, an open [P] task of the same run", task.id())
            } else {
                format!(
                    "{} is [P] but depends on {} and {last}, open [P] tasks of the same run",
                    task.id(),
                    rest.join(", ")
                )
            };
            let span = task.line().parallel.map_or(task.id_span(), |p| task.block.abs(p));
            let mut diagnostic = cx.report(Self::META.default_severity, file, span, message);
            for &(prerequisite, reference) in &blocking {
                let id = doc.tasks[prerequisite].id();
                diagnostic = diagnostic.with_related(&file.rel, reference, format!("the dependency on {id}"));
            }
            if let Some(removal) = parallel_label_removal(task) {
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("Drop [P] from {}", task.id()),
                    Applicability::Safe,
                    &file.rel,
                    removal,
                    "",
                ));
            }
            out.push(diagnostic);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "parallel-open-dependency";

    #[test]
    fn depending_on_a_parallel_neighbour() {
        let text = "## Phase 3: User Story 1\n\n- [ ] T012 [P] [US1] Create model in src/models/user.py\n\
                    - [ ] T013 [P] [US1] Create service in src/services/user.py (depends on T012)\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T013 is [P] but depends on T012 (line 3), an open [P] task of the same run \
              [fix: Drop [P] from T013]"]
        );
    }

    #[test]
    fn statements_in_the_dependencies_section_count() {
        let text = "## Phase 1\n\n- [ ] T001 [P] a\n- [ ] T002 [P] b\n- [ ] T003 [P] c\n\n## Dependencies\n\n\
                    - T001 blocks T003\n- T002 blocks T003\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:5: T003 is [P] but depends on T001 (line 3) and T002 (line 4), open [P] tasks of the same run \
              [fix: Drop [P] from T003]"
            ]
        );
    }

    #[test]
    fn silent_on_tasks_before_the_run_later_tasks_done_tasks_and_other_phases() {
        let text = "## Phase 1\n\n- [ ] T001 Write tests\n- [ ] T002 [P] a (depends on T001)\n\
                    - [x] T003 [P] b\n- [ ] T004 [P] c (depends on T003)\n- [ ] T005 [P] d\n  - **Depends on**: T007\n\
                    - [ ] T006 e\n- [ ] T007 [P] f\n\n## Phase 2\n\n\
                    - [ ] T008 [P] g (depends on T007)\n- [x] T009 [P] h (depends on T008)\n";
        assert_eq!(check(CODE, &[("tasks.md", text)]), Vec::<String>::new());
    }

    #[test]
    fn a_non_parallel_task_between_ends_the_run() {
        let text = "## Phase 1\n\n- [ ] T001 [P] a\n- [ ] T002 b\n- [ ] T003 [P] c (depends on T001)\n";
        assert_eq!(check(CODE, &[("tasks.md", text)]), Vec::<String>::new());
    }
}
