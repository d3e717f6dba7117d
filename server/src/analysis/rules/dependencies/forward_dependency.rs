use super::support::{Ranges, by_line, join_names, written};
use crate::analysis::graph::Structure;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::ids::TaskKey;

declare_rule! {
    /// ## What it does
    /// Reports a dependency on a task that is listed further down than the
    /// task that waits for it: T004 `(depends on T009)`, or `T012 blocks
    /// T010` in the Dependencies section. The finding sits on the
    /// references; one per line, however many tasks the ranges and lists
    /// of its statement name (`**Depends on**: T01, T16, T18` with T16 and
    /// T18 further down is one finding).
    ///
    /// A range that holds the task on the other side of its statement
    /// (`T004-T008 before T006`) says nothing clear about the tasks inside
    /// it and is left alone; so is a dependency between two tasks that are
    /// both done.
    ///
    /// ## Why is this bad?
    /// tasks.md is read and executed top to bottom, by people and by
    /// agents. A task that needs a later one cannot be done when its turn
    /// comes: either the order of the list or the dependency is wrong.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T004 [US1] Implement UserService in src/services/user.py (depends on T005)
    /// - [ ] T005 [US1] Create User model in src/models/user.py
    /// ```
    ///
    /// ## Fix
    /// Move the prerequisite above the task that needs it (and renumber),
    /// or correct the reference. No quick fix: moving tasks changes the
    /// plan.
    pub struct ForwardDependency { code: "forward-dependency", severity: Warning }
}

impl Rule for ForwardDependency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let candidates = Structure::of(doc).forward_edges(doc);
        if candidates.is_empty() {
            return;
        }
        let ranges = Ranges::of(doc);
        let in_cycle = cycle_members(cx, doc.tasks.len());
        let ends = cx.edge_ends();
        let forward = candidates.iter().filter_map(|&index| {
            let (edge, ends) = (doc.edges.at(index as usize), ends[index as usize]);
            let (from, to) = ends.both()?;
            let both_done = doc.tasks[from].done() && doc.tasks[to].done();
            // An edge of a cycle is dependency-cycle's finding: one
            // statement is not reported by two rules.
            let cyclic = in_cycle[from].is_some() && in_cycle[from] == in_cycle[to];
            (to > from && !both_done && !cyclic && !ranges.overlap(&edge)).then_some(edge)
        });
        for (span, edges) in by_line(&file.document, forward) {
            let mut dependents: Vec<TaskKey> = edges.iter().map(|e| e.from).collect();
            let mut prerequisites: Vec<TaskKey> = edges.iter().map(|e| e.to).collect();
            for keys in [&mut dependents, &mut prerequisites] {
                keys.sort_by_key(|&k| doc.task_index(k));
                keys.dedup();
            }
            let names =
                |keys: &[TaskKey]| join_names(&keys.iter().map(|&k| written(doc, k)).collect::<Vec<_>>());
            let verb = if dependents.len() == 1 { "depends" } else { "depend" };
            let which = if prerequisites.len() == 1 { "which is" } else { "which are" };
            let whom = if dependents.len() == 1 { "it" } else { "them" };
            let message = format!(
                "{} {verb} on {}, {which} listed after {whom}",
                names(&dependents),
                names(&prerequisites)
            );
            let mut diagnostic = cx.report(Self::META.default_severity, file, span, message);
            for &key in prerequisites.iter().take(20) {
                if let Some(task) = doc.task(key) {
                    diagnostic = diagnostic.with_related(
                        &file.rel,
                        task.id_span(),
                        format!("{} is listed here", task.id()),
                    );
                }
            }
            out.push(diagnostic);
        }
    }
}

/// For each task, the cycle (numbered) it sits on, if any. Asked only
/// when some written dependency points forwards: the graph is built then.
fn cycle_members(cx: &Context<'_>, tasks: usize) -> Vec<Option<usize>> {
    let mut member = vec![None; tasks];
    if let Some(graph) = cx.graph() {
        for (number, cycle) in graph.cycles().iter().enumerate() {
            for &task in cycle {
                member[task] = Some(number);
            }
        }
    }
    member
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "forward-dependency";

    #[test]
    fn fires_on_an_inline_reference_to_a_later_task() {
        let text = "- [ ] T003 c\n- [ ] T004 a (depends on T003, T005)\n- [ ] T005 b\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:2: T004 depends on T005, which is listed after it"]
        );
    }

    #[test]
    fn a_cycle_is_left_to_dependency_cycle() {
        let text = "- [ ] T001 a (depends on T002)\n- [ ] T002 b (depends on T001)\n- [ ] T003 c (depends on T004)\n- [ ] T004 d\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T003 depends on T004, which is listed after it"]
        );
    }

    #[test]
    fn fires_on_detail_bullets_and_prose() {
        let text = "### T01: a\n- **Depends on**: T02\n\n### T02: b\n\n### T03: c\n\n## Dependencies\n\n\
                    T03 blocks T01, T02\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:2: T01 depends on T02, which is listed after it",
                "tasks.md:10: T01 and T02 depend on T03, which is listed after them",
            ]
        );
    }

    #[test]
    fn silent_on_backward_dependencies_inner_ranges_and_finished_work() {
        let text = "- [x] T001 a (depends on T002)\n- [x] T002 b\n- [ ] T003 c\n- [ ] T004 d\n- [ ] T005 e\n\n\
                    ## Dependencies\n\n- T003-T005 before T004\n- T003 → T004 → T005\n- T005 requires T003\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn one_finding_for_a_range_of_later_tasks_and_arrows_fire_too() {
        let text = "- [ ] T001 a (depends on T002-T003)\n- [ ] T002 b\n- [ ] T003 c\n\n## Dependencies\n\n- T003 → T002\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:1: T001 depends on T002 and T003, which are listed after it",
                "tasks.md:7: T002 depends on T003, which is listed after it",
            ]
        );
    }

    #[test]
    fn one_line_naming_two_later_tasks_is_one_finding() {
        let text = "- [ ] T01 a\n- [ ] T07 b\n  - **Depends on**: T01, T16, T18\n- [ ] T16 c\n- [ ] T18 d\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T07 depends on T16 and T18, which are listed after it"]
        );
    }
}
