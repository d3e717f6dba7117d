use super::support::{Ranges, by_line, join_names, story_of, written};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::ids::TaskKey;
use crate::model::tasks::TasksDoc;

declare_rule! {
    /// ## What it does
    /// Reports a task of one user story that depends on a task of another
    /// story: `T020 [US2] ... (depends on T012)` where T012 is `[US1]`. A
    /// task's story is its `[USn]` label, or else the story of the phase
    /// it sits in. The finding sits on the references; one per line,
    /// however many tasks its statement names.
    ///
    /// Tasks of Setup, Foundational, Polish and other phases without a
    /// story belong to no story: depending on them is what they are for.
    /// A range that holds the task on the other side of its statement is
    /// left alone, and so is a dependency between two tasks that are both
    /// done.
    ///
    /// ## Why is this bad?
    /// Spec Kit plans each user story as an increment that can be built,
    /// tested and shipped on its own, in priority order or in parallel. A
    /// dependency between stories breaks that: US2 cannot be delivered or
    /// demonstrated without part of US1.
    ///
    /// ## Example
    /// ```markdown
    /// ## Phase 3: User Story 1 - Invite members (Priority: P1)
    /// - [ ] T012 [US1] Implement InvitationService in src/services/invitations.py
    ///
    /// ## Phase 4: User Story 2 - Manage roles (Priority: P2)
    /// - [ ] T020 [US2] Implement RoleService in src/services/roles.py (depends on T012)
    /// ```
    ///
    /// ## Fix
    /// Move what both stories need into the Foundational phase, or make
    /// the later story carry its own task. No quick fix.
    pub struct CrossStoryDependency { code: "cross-story-dependency", severity: Warning }
}

impl Rule for CrossStoryDependency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let ranges = Ranges::of(doc);
        let rows = cx.rows();
        // The ends decide for most edges; an edge is read (and moved to
        // where it is now) only when they do not.
        let crossing = cx.edge_ends().iter().enumerate().filter_map(|(index, ends)| {
            let (from, to) = ends.both()?;
            let (story, other) = rows[from].story.zip(rows[to].story)?;
            let both_done = rows[from].done && rows[to].done;
            if story == other || both_done {
                return None;
            }
            let edge = doc.edges.at(index);
            (!ranges.overlap(&edge)).then_some(edge)
        });
        for (span, edges) in by_line(&file.document, crossing) {
            let dependents = unique(doc, edges.iter().map(|e| e.from));
            let prerequisites = unique(doc, edges.iter().map(|e| e.to));
            let verb = if dependents.len() == 1 { "depends" } else { "depend" };
            let message = format!(
                "{} {verb} on {}: a story should not need another story's tasks",
                describe(doc, &dependents),
                describe(doc, &prerequisites)
            );
            let mut diagnostic = cx.report(Self::META.default_severity, file, span, message);
            for &key in prerequisites.iter().take(20) {
                if let Some(task) = doc.task(key) {
                    diagnostic =
                        diagnostic.with_related(&file.rel, task.id_span(), format!("{} is here", task.id()));
                }
            }
            out.push(diagnostic);
        }
    }
}

/// Keys in document order, once each.
fn unique(doc: &TasksDoc, keys: impl Iterator<Item = TaskKey>) -> Vec<TaskKey> {
    let mut keys: Vec<TaskKey> = keys.collect();
    keys.sort_by_key(|&k| doc.task_index(k));
    keys.dedup();
    keys
}

/// `T010 and T011 (US1)`, `T010 (US1) and T015 (US3)`.
fn describe(doc: &TasksDoc, keys: &[TaskKey]) -> String {
    let mut groups: Vec<(Option<u32>, Vec<String>)> = Vec::new();
    for &key in keys {
        let story = doc.task_index(key).and_then(|t| story_of(doc, t));
        match groups.iter_mut().find(|(s, _)| *s == story) {
            Some((_, names)) => names.push(written(doc, key)),
            None => groups.push((story, vec![written(doc, key)])),
        }
    }
    let parts: Vec<String> = groups
        .into_iter()
        .map(|(story, names)| match story {
            Some(n) => format!("{} (US{n})", join_names(&names)),
            None => join_names(&names),
        })
        .collect();
    join_names(&parts)
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "cross-story-dependency";

    const PHASES: &str = "## Phase 1: Setup\n\n- [ ] T001 Init project\n\n## Phase 2: Foundational\n\n- [ ] T002 Base model\n\n\
                          ## Phase 3: User Story 1 - Invite (Priority: P1)\n\n- [ ] T010 [US1] Invitation model\n- [ ] T011 [US1] Invitation service\n\n\
                          ## Phase 4: User Story 2 - Roles (Priority: P2)\n\n";

    #[test]
    fn fires_on_an_inline_reference_to_another_story() {
        let text = format!("{PHASES}- [ ] T020 [US2] Role service (depends on T002, T011)\n");
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            ["tasks.md:16: T020 (US2) depends on T011 (US1): a story should not need another story's tasks"]
        );
    }

    #[test]
    fn the_phase_gives_the_story_of_unlabelled_tasks() {
        let text = format!("{PHASES}- [ ] T020 Role service\n  - **Depends on**: T010\n");
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            ["tasks.md:17: T020 (US2) depends on T010 (US1): a story should not need another story's tasks"]
        );
    }

    #[test]
    fn one_finding_per_reference_in_prose() {
        let text = format!(
            "{PHASES}- [ ] T020 [US2] a\n- [ ] T021 [US2] b\n\n## Dependencies\n\nT010-T011 before T020, T021\n"
        );
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            [
                "tasks.md:21: T020 and T021 (US2) depend on T010 and T011 (US1): a story should not need another story's tasks"
            ]
        );
    }

    #[test]
    fn silent_on_setup_foundational_and_same_story_dependencies() {
        let text = format!(
            "{PHASES}- [ ] T020 [US2] a (depends on T001, T002)\n- [ ] T021 [US2] b (depends on T020)\n\n\
             ## Phase 5: Polish\n\n- [ ] T030 Docs (depends on T011, T021)\n\n## Dependencies\n\n- T010 → T011\n"
        );
        assert!(check(CODE, &[("tasks.md", &text)]).is_empty());
    }

    #[test]
    fn arrows_and_blocks_between_stories_fire() {
        let text =
            format!("{PHASES}- [ ] T020 [US2] a\n\n## Dependencies\n\n- T011 → T020\n- T020 blocks T010\n");
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            [
                "tasks.md:20: T020 (US2) depends on T011 (US1): a story should not need another story's tasks",
                "tasks.md:21: T010 (US1) depends on T020 (US2): a story should not need another story's tasks",
            ]
        );
    }
}
