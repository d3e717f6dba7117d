//! What the dependency rules share: how a task is named in a message,
//! which story a task belongs to, and how edges that share one written
//! reference are grouped.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use crate::model::ids::TaskKey;
use crate::model::tasks::{DependencyEdge, PhaseKind, TasksDoc};
use crate::text::{Document, Span};

/// A task as the document writes it (`T01`, `T-001`), or the key when no
/// task has it.
pub(super) fn written(doc: &TasksDoc, key: TaskKey) -> String {
    doc.task(key).map_or_else(|| key.to_string(), |task| task.id().text.to_string())
}

/// Names a message lists before it says "and N more".
const NAMES_IN_MESSAGE: usize = 6;

/// Names joined for a message: `T001`, `T001 and T002`, `T001, T002 and
/// T003`, `T001, T002, T003, T004, T005 and 20 more`.
pub(super) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        _ if names.len() > NAMES_IN_MESSAGE => {
            let shown = NAMES_IN_MESSAGE - 1;
            format!("{} and {} more", names[..shown].join(", "), names.len() - shown)
        }
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The user story a task belongs to: its `[USn]` label, else the story of
/// its user-story phase. Setup, Foundational, Polish and other phases
/// belong to no story.
pub(super) fn story_of(doc: &TasksDoc, task: usize) -> Option<u32> {
    let task = &doc.tasks[task];
    task.story().or_else(|| {
        let phase = &doc.phases[task.phase?];
        if phase.kind == PhaseKind::UserStory { phase.story } else { None }
    })
}

/// Edges grouped by the line of the written reference to their
/// prerequisite, in document order, with the span from the line's first
/// such reference to its last: a range or a list expands into several
/// edges (`**Depends on**: T01, T16, T18`), but the author wrote one
/// statement, and it gets one finding.
pub(super) fn by_line(
    document: &Document,
    edges: impl Iterator<Item = DependencyEdge>,
) -> Vec<(Span, Vec<DependencyEdge>)> {
    let mut groups: BTreeMap<usize, (Span, Vec<DependencyEdge>)> = BTreeMap::new();
    for edge in edges {
        let span = edge.to_span;
        let (whole, group) = groups.entry(document.line_of(span.start)).or_insert((span, Vec::new()));
        *whole = Span::new(whole.start.min(span.start), whole.end.max(span.end));
        group.push(edge);
    }
    groups.into_values().collect()
}

/// The ranges of a document by span, to tell which edges a range made.
/// Made when first asked: most edges are passed over before.
pub(super) struct Ranges<'d> {
    doc: &'d TasksDoc,
    by_span: OnceCell<HashMap<Span, (TaskKey, TaskKey)>>,
}

impl<'d> Ranges<'d> {
    pub fn of(doc: &'d TasksDoc) -> Self {
        Ranges { doc, by_span: OnceCell::new() }
    }

    /// True when one side of `edge` is a range that holds the other side:
    /// `T004-T008 before T006` says nothing clear about T006 and T007, so
    /// the order rules leave such edges alone.
    pub fn overlap(&self, edge: &DependencyEdge) -> bool {
        let by_span = self
            .by_span
            .get_or_init(|| self.doc.ranges.iter().map(|r| (r.span, (r.first.key, r.last.key))).collect());
        let holds = |span: Span, key: TaskKey| {
            by_span.get(&span).is_some_and(|&(first, last)| first <= key && key <= last)
        };
        holds(edge.to_span, edge.from) || holds(edge.from_span, edge.to)
    }
}

#[cfg(test)]
mod tests {
    use super::join_names;

    #[test]
    fn long_lists_of_names_are_cut() {
        let names: Vec<String> = (1..=9).map(|n| format!("T00{n}")).collect();
        assert_eq!(join_names(&names[..2]), "T001 and T002");
        assert_eq!(join_names(&names[..6]), "T001, T002, T003, T004, T005 and T006");
        assert_eq!(join_names(&names), "T001, T002, T003, T004, T005 and 4 more");
    }
}
