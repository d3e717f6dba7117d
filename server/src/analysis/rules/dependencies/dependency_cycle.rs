use std::collections::HashMap;

use super::support::written;
use crate::analysis::graph::Structure;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::ids::TaskKey;
use crate::model::tasks::DependencyEdge;

/// Tasks named in the message before it elides the middle of a long cycle.
const NAMED_IN_MESSAGE: usize = 12;
/// Edges listed as related information, at most.
const RELATED_EDGES: usize = 50;

declare_rule! {
    /// ## What it does
    /// Reports tasks that depend on each other in a circle: T001 depends
    /// on T003, T003 on T002 and T002 on T001. The message spells out the
    /// whole cycle, each task waiting for the next; every written
    /// dependency of the cycle is listed as related information, and the
    /// finding sits on the cycle's first dependency in the document.
    ///
    /// Every notation counts (inline `depends on`, `**Depends on**:`
    /// bullets, the Dependencies section, ranges), but only written
    /// dependencies: the order phases imply never makes a cycle. Tasks
    /// that are tangled in several cycles are reported once; fixing one
    /// cycle can reveal the next. A task that depends on itself is
    /// `self-dependency`'s business.
    ///
    /// ## Why is this bad?
    /// No task of a cycle can start: each waits for another one of them.
    /// Tools that order work by dependencies (`specls` schedules, agents
    /// that implement tasks in order) block on all of them.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T001 Create database schema in db/schema.sql (depends on T003)
    /// - [ ] T002 Write migration in db/migrations/001.sql (depends on T001)
    /// - [ ] T003 Seed test data in db/seed.sql (depends on T002)
    /// ```
    ///
    /// ## Fix
    /// Decide which dependency is wrong and remove or reverse it. No quick
    /// fix: which one is wrong is the author's call.
    pub struct DependencyCycle { code: "dependency-cycle", severity: Error }
}

impl Rule for DependencyCycle {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        // A cycle needs a task that depends on a later one: without such an
        // edge there is no graph to build.
        if Structure::of(doc).forward_edges(doc).is_empty() {
            return;
        }
        let Some(graph) = cx.graph() else { return };
        let cycles = graph.cycles();
        if cycles.is_empty() {
            return;
        }
        // The first written edge of each (dependent, prerequisite) pair.
        let mut first_edge: HashMap<(TaskKey, TaskKey), DependencyEdge> = HashMap::new();
        for edge in doc.edges.iter() {
            let entry = first_edge.entry((edge.from, edge.to)).or_insert(edge);
            if edge.to_span.start < entry.to_span.start {
                *entry = edge;
            }
        }
        for cycle in cycles {
            let keys: Vec<TaskKey> = cycle.iter().map(|&t| doc.tasks[t].key()).collect();
            let edges: Option<Vec<DependencyEdge>> = (0..keys.len())
                .map(|i| first_edge.get(&(keys[i], keys[(i + 1) % keys.len()])).copied())
                .collect();
            let Some(edges) = edges else { continue };
            let Some(anchor) = (0..edges.len()).min_by_key(|&i| edges[i].to_span.start) else { continue };
            // Start the story where the finding is.
            let order: Vec<usize> = (0..keys.len()).map(|j| (anchor + j) % keys.len()).collect();
            let names: Vec<String> = order.iter().map(|&i| written(doc, keys[i])).collect();
            let mut diagnostic =
                cx.report(Self::META.default_severity, file, edges[anchor].to_span, message(&names));
            for (j, &i) in order.iter().enumerate().take(RELATED_EDGES) {
                let (this, next) = (&names[j], &names[(j + 1) % names.len()]);
                diagnostic =
                    diagnostic.with_related(&file.rel, edges[i].to_span, format!("{this} depends on {next}"));
            }
            out.push(diagnostic);
        }
    }
}

/// `dependency cycle: T001 → T003 → T002 → T001 (...)`, eliding the middle
/// of long cycles.
fn message(names: &[String]) -> String {
    let mut shown: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut head = String::from("dependency cycle");
    if names.len() > NAMED_IN_MESSAGE {
        shown.truncate(NAMED_IN_MESSAGE - 2);
        shown.push("…");
        shown.push(&names[names.len() - 1]);
        head = format!("dependency cycle of {} tasks", names.len());
    }
    shown.push(&names[0]);
    format!("{head}: {} (each task waits for the next)", shown.join(" → "))
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, feature, findings};

    const CODE: &str = "dependency-cycle";

    #[test]
    fn fires_once_per_cycle_with_every_edge_related() {
        let text = "- [ ] T001 a (depends on T003)\n- [ ] T002 b (depends on T001)\n- [ ] T003 c (depends on T002)\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:1: dependency cycle: T001 → T003 → T002 → T001 (each task waits for the next)"]
        );
        let found = findings(CODE, &feature(&[("tasks.md", text)]));
        let related: Vec<_> = found[0].related.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(related, ["T001 depends on T003", "T003 depends on T002", "T002 depends on T001"]);
    }

    #[test]
    fn the_cycle_starts_at_its_first_written_dependency() {
        let text = "### T01: a\n- **Depends on**: T02\n\n### T02: b\n\n## Dependencies\n\n- T01 → T02\n- T008 blocks T009\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:2: dependency cycle: T01 → T02 → T01 (each task waits for the next)"]
        );
    }

    #[test]
    fn prose_statements_and_ranges_close_cycles_too() {
        let text = "- [ ] T004 a\n- [ ] T005 b\n- [ ] T006 c\n- [ ] T007 d\n- [ ] T008 e\n\n## Dependencies\n\n\
                    - Tests (T004-T005) before implementation (T006-T007)\n- T007 blocks T004\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:9: dependency cycle: T007 → T004 → T007 (each task waits for the next)"]
        );
    }

    #[test]
    fn long_cycles_are_elided() {
        let mut text = String::new();
        for n in 1..=30 {
            text.push_str(&format!(
                "- [ ] T{n:03} step (depends on T{:03})\n",
                if n == 1 { 30 } else { n - 1 }
            ));
        }
        let found = check(CODE, &[("tasks.md", &text)]);
        assert_eq!(
            found,
            [
                "tasks.md:1: dependency cycle of 30 tasks: T001 → T030 → T029 → T028 → T027 → T026 → T025 → T024 \
                 → T023 → T022 → … → T002 → T001 (each task waits for the next)"
            ]
        );
    }

    #[test]
    fn silent_without_a_cycle() {
        let text = "- [ ] T001 a\n- [ ] T002 b (depends on T001)\n- [ ] T003 c (depends on T002, T003)\n\n- T001 → T002 → T003\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }
}
