use std::collections::BTreeMap;

use super::support::{join_names, written};
use crate::analysis::graph::Structure;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::feature::FeatureFile;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a dependency that names a task ID no task of tasks.md has:
    /// `(depends on T099)` when there is no T099, or `T099 blocks T010` in
    /// the Dependencies section. Either side of a statement counts; each
    /// line is reported once, however many edges it makes and unknown IDs
    /// it names: an ID written twice on one line, or several unknown IDs on
    /// one line (a list whose tasks lost their IDs), is one finding with
    /// the other uses as related information.
    ///
    /// Only references that are part of a dependency statement are
    /// checked (inline `depends on`, `**Depends on**:` bullets, prose with
    /// `before`, `after`, `blocks`, `requires`, arrows, ...). An ID merely
    /// mentioned in prose, a table or fenced code is not: tasks.md files
    /// name tasks of other features, list `T001-T008` in task-count tables
    /// and keep tasks in tables that are not task lines. A range whose
    /// ends name no task is `invalid-range`'s business, and a tasks.md in
    /// which no task line could be read at all, or whose task lines mostly
    /// lost their IDs (`tasks-without-ids` reports that once), is left
    /// alone: the IDs its statements name are the ones that went missing.
    ///
    /// ## Why is this bad?
    /// A dependency on a task that does not exist cannot be satisfied or
    /// scheduled: the task was renumbered, deleted or never written, and
    /// whoever follows the list will wait for nothing or start too early.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T010 [US1] Implement invitation service in src/services/invite.py (depends on T099)
    /// ```
    ///
    /// ## Fix
    /// Point the reference at the task that was meant, or remove it. No
    /// quick fix: which task was meant is a guess.
    pub struct UnknownTaskReference { code: "unknown-task-reference", severity: Error }
}

impl Rule for UnknownTaskReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        if doc.tasks.is_empty() || cx.tasks_lack_ids() {
            return;
        }
        // Each unknown reference with the tasks on the other side of its
        // statement: (dependents when it is a prerequisite, prerequisites
        // when it is a dependent).
        let mut unknown: BTreeMap<Span, (Vec<String>, Vec<String>)> = BTreeMap::new();
        // Edges whose ends all exist are most edges: only the others are read.
        let ends = cx.edge_ends();
        for &index in Structure::of(doc).dangling(doc) {
            let (edge, ends) = (doc.edges.at(index as usize), ends[index as usize]);
            if !edge.via_range && ends.to().is_none() {
                push_unique(&mut unknown.entry(edge.to_span).or_default().0, written(doc, edge.from));
            }
            // The dependent of a prose statement is written too; on a task's
            // own line or bullet it is the task itself, which exists.
            if ends.from().is_none() {
                push_unique(&mut unknown.entry(edge.from_span).or_default().1, written(doc, edge.to));
            }
        }
        // One line is one finding: the same unknown ID twice ("T001 before
        // T099; T002 before T099") or several unknown IDs on it.
        let mut by_line: BTreeMap<usize, Vec<(String, Grouped)>> = BTreeMap::new();
        for (span, (dependents, prerequisites)) in unknown {
            let id = file.document.slice(span).to_string();
            let on_line = by_line.entry(file.document.line_of(span.start)).or_default();
            let at = match on_line.iter().position(|(known, _)| *known == id) {
                Some(at) => at,
                None => {
                    on_line.push((id, (span, Vec::new(), Vec::new(), Vec::new())));
                    on_line.len() - 1
                }
            };
            let entry = &mut on_line[at].1;
            if entry.0 != span {
                entry.1.push(span);
            }
            dependents.into_iter().for_each(|d| push_unique(&mut entry.2, d));
            prerequisites.into_iter().for_each(|p| push_unique(&mut entry.3, p));
        }
        for mut on_line in by_line.into_values() {
            on_line.sort_by_key(|(_, (span, ..))| span.start);
            let diagnostic = match &on_line[..] {
                [(id, grouped)] => one_id(cx, file, id, grouped),
                [(_, (span, ..)), ..] => {
                    let ids: Vec<String> = on_line.iter().map(|(id, _)| id.clone()).collect();
                    let message = format!("{} are not tasks of this list", join_names(&ids));
                    let mut diagnostic = cx.report(Self::META.default_severity, file, *span, message);
                    let others = on_line.iter().flat_map(|(id, (first, again, ..))| {
                        std::iter::once(first).chain(again).map(move |span| (id, *span))
                    });
                    for (id, other) in others.skip(1).take(20) {
                        diagnostic = diagnostic.with_related(&file.rel, other, format!("{id} is named here"));
                    }
                    diagnostic
                }
                [] => continue,
            };
            out.push(diagnostic);
        }
    }
}

/// The finding for one unknown ID on a line, with the tasks on the other
/// side of its statements.
fn one_id(cx: &Context<'_>, file: &FeatureFile, id: &str, grouped: &Grouped) -> Diagnostic {
    let (span, again, dependents, prerequisites) = grouped;
    let message = match (&dependents[..], &prerequisites[..]) {
        ([one], _) => format!("{id} is not a task of this list ({one} depends on it)"),
        ([_, ..], _) => format!("{id} is not a task of this list ({} depend on it)", join_names(dependents)),
        ([], [_, ..]) => {
            format!("{id} is not a task of this list (it depends on {})", join_names(prerequisites))
        }
        ([], []) => format!("{id} is not a task of this list"),
    };
    let mut diagnostic = cx.report(UnknownTaskReference::META.default_severity, file, *span, message);
    for &other in again {
        diagnostic = diagnostic.with_related(&file.rel, other, "named again here");
    }
    diagnostic
}

/// One unknown ID on one line: its first span, its other spans, and the
/// tasks on the other side of its statements (dependents, prerequisites).
type Grouped = (Span, Vec<Span>, Vec<String>, Vec<String>);

fn push_unique(names: &mut Vec<String>, name: String) {
    if !names.contains(&name) {
        names.push(name);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "unknown-task-reference";

    #[test]
    fn fires_on_an_inline_reference() {
        let found = check(CODE, &[("tasks.md", "- [ ] T001 a\n- [ ] T002 b (depends on T001, T099)\n")]);
        assert_eq!(found, ["tasks.md:2: T099 is not a task of this list (T002 depends on it)"]);
    }

    #[test]
    fn fires_on_a_detail_bullet_under_a_heading_task() {
        let text = "### T01: Set up\n\n### T02: Build\n- **Depends on**: T03\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T03 is not a task of this list (T02 depends on it)"]
        );
    }

    #[test]
    fn one_finding_per_reference_on_either_side_of_a_statement() {
        let text =
            "- [ ] T001 a\n- [ ] T002 b\n\n## Dependencies\n\n- T099 blocks T001, T002\n- T001 → T098\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:6: T099 is not a task of this list (T001 and T002 depend on it)",
                "tasks.md:7: T098 is not a task of this list (it depends on T001)",
            ]
        );
    }

    #[test]
    fn silent_on_existing_ids_ranges_and_bare_mentions() {
        let text = "- [ ] T001 a\n- [ ] T002 b\n- [ ] T003 c (depends on T001-T002)\n\n## Dependencies\n\n\
                    - T001 before T002\n- T050 was split into T002 and T003\n\n| Phase | Tasks |\n|---|---|\n| 1 | T001-T009 |\n\n\
                    ```\nT003 depends on T077\n```\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn the_same_unknown_id_twice_on_a_line_is_one_finding() {
        let text =
            "- [ ] T001 a\n- [ ] T002 b\n\n## Dependencies\n\n- T077 blocks T001; T077 also blocks T002\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:6: T077 is not a task of this list (T001 and T002 depend on it)"]
        );
    }

    #[test]
    fn several_unknown_ids_on_one_line_are_one_finding() {
        // A list whose task lines lost their IDs ("DONE [P] Create ...")
        // and whose notes still name them.
        let text = "- [X] T001 a\nDONE [P] b\nDONE c\n\n## Dependencies\n\n\
                    - Store (T009) before the panel (T010) and the wiring (T012/T013).\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:7: T009, T010, T012 and T013 are not tasks of this list"]
        );
    }

    #[test]
    fn silent_when_no_task_line_could_be_read() {
        assert!(check(CODE, &[("tasks.md", "## Dependencies\n\nT002 depends on T001\n")]).is_empty());
    }

    #[test]
    fn fires_on_the_dependent_side_of_a_range_statement() {
        let text = "- [ ] T001 a\n- [ ] T002 b\n\n## Dependencies\n\n- Tests (T001-T002) before implementation (T099)\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:6: T099 is not a task of this list (it depends on T001 and T002)"]
        );
    }
}
