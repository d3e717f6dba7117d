use std::collections::BTreeMap;

use super::support::{Ranges, join_names};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a checked task that depends on a task that is still open:
    /// `- [x] T010 ... (depends on T008)` while T008 is `- [ ]`. The
    /// finding sits on the statement that made the dependency (the
    /// prerequisite as named there, on the task's line or in the
    /// Dependencies section), one per statement however many tasks it
    /// names: `T005-T017 before T018-T027` with nine of the later ones
    /// ticked is one finding. The checked tasks and each open prerequisite
    /// are related information. Done means a checked box, `DONE` or a
    /// `**Status**: Complete` line; a cancelled (struck-through)
    /// prerequisite does not count as open.
    ///
    /// Only written dependencies count, not the order phases imply: work
    /// is often finished ahead of the plan.
    ///
    /// ## Why is this bad?
    /// Either the checked task is not really done (it could not have been
    /// finished without its prerequisite), or the prerequisite is done and
    /// its box was never ticked. Both make the list lie about progress.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T008 [US1] Create Invitation model in src/models/invitation.py
    /// - [x] T010 [US1] Implement InvitationService in src/services/invitations.py (depends on T008)
    /// ```
    ///
    /// ## Fix
    /// Tick the prerequisite if it is done, or untick the task. No quick
    /// fix: which of the two is true only the author knows.
    pub struct DoneBeforeDependency { code: "done-before-dependency", severity: Warning }
}

impl Rule for DoneBeforeDependency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let ranges = Ranges::of(doc);
        let rows = cx.rows();
        // Per line of a statement: the checked tasks, their open
        // prerequisites and where the statement names them.
        let mut by_statement: BTreeMap<usize, Statement> = BTreeMap::new();
        // The ends decide for most edges; an edge is read (and moved to
        // where it is now) only when they do not.
        for (index, ends) in cx.edge_ends().iter().enumerate() {
            let Some((from, to)) = ends.both() else { continue };
            if !(rows[from].done && !rows[to].finished() && from != to) {
                continue;
            }
            let edge = doc.edges.at(index);
            if !ranges.overlap(&edge) {
                let line = file.document.line_of(edge.to_span.start);
                let statement = by_statement.entry(line).or_default();
                statement.done.push(from);
                statement.open.push(to);
                statement.spans.push(edge.to_span);
            }
        }
        for mut statement in by_statement.into_values() {
            for list in [&mut statement.done, &mut statement.open] {
                list.sort_unstable();
                list.dedup();
            }
            let anchor = statement.spans.iter().copied().min_by_key(|s| (s.start, s.end));
            let Some(anchor) = anchor else { continue };
            let names = |tasks: &[usize]| -> Vec<String> {
                tasks.iter().map(|&t| doc.tasks[t].id().to_string()).collect()
            };
            let (done, open) = (names(&statement.done), names(&statement.open));
            let (is, depends) = if done.len() == 1 { ("is", "depends") } else { ("are", "depend") };
            let which = if open.len() == 1 { "which is" } else { "which are" };
            let message = format!(
                "{} {is} done but {depends} on {}, {which} still open",
                join_names(&done),
                join_names(&open)
            );
            let mut diagnostic = cx.report(Self::META.default_severity, file, anchor, message);
            for &t in statement.done.iter().take(20) {
                let task = &doc.tasks[t];
                diagnostic = diagnostic.with_related(
                    &file.rel,
                    task.id_span(),
                    format!("{} is ticked here", task.id()),
                );
            }
            for &p in statement.open.iter().take(20) {
                let prerequisite = &doc.tasks[p];
                diagnostic = diagnostic.with_related(
                    &file.rel,
                    prerequisite.id_span(),
                    format!("{} is still open", prerequisite.id()),
                );
            }
            out.push(diagnostic);
        }
    }
}

/// What one statement (one line) says that a ticked task waits for.
#[derive(Default)]
struct Statement {
    done: Vec<usize>,
    open: Vec<usize>,
    spans: Vec<Span>,
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "done-before-dependency";

    #[test]
    fn fires_on_the_checked_task() {
        let text = "- [ ] T008 a\n- [ ] T009 b\n- [x] T010 c (depends on T008, T009)\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T010 is done but depends on T008 and T009, which are still open"]
        );
    }

    #[test]
    fn fires_for_heading_tasks_with_a_status_line_and_prose_statements() {
        let text = "### T01: a\n\n### T02: b\n- **Status**: Complete\n- **Depends on**: T01\n\n\
                    - [X] T003 c\n\n## Dependencies\n\n- T003 requires T01\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:5: T02 is done but depends on T01, which is still open",
                "tasks.md:11: T003 is done but depends on T01, which is still open",
            ]
        );
    }

    #[test]
    fn silent_when_prerequisites_are_done_or_cancelled_or_the_order_is_only_implied() {
        let text = "## Phase 1: Setup\n\n- [x] T001 a\n- [ ] T002 ~~b~~\n- [ ] T003 c\n\n## Phase 2: Core\n\n\
                    - [x] T004 d (depends on T001, T002)\n- [ ] T005 e (depends on T003)\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn one_statement_is_one_finding_however_many_tasks_it_names() {
        let text = "- [ ] T001 a\n- [ ] T002 b\n- [x] T003 c\n- [x] T004 d\n- [X] T005 e\n\n## Dependencies\n\n\
                    - T001-T002 (tests) must be written before T003-T005 implementations.\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:9: T003, T004 and T005 are done but depend on T001 and T002, which are still open"]
        );
    }

    #[test]
    fn ranges_and_arrows_in_prose_count() {
        let text = "- [ ] T004 a\n- [ ] T005 b\n- [x] T006 c\n- [x] T007 d\n\n## Dependencies\n\n\
                    - T004-T005 before T006\n- T005 → T007\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:8: T006 is done but depends on T004 and T005, which are still open",
                "tasks.md:9: T007 is done but depends on T005, which is still open",
            ]
        );
    }
}
