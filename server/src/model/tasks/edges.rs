//! Dependency edges: statements resolved against the tasks that exist,
//! ranges expanded (suffix IDs inside a range included).

use serde::Serialize;

use crate::model::blocks::ScannedBlock;
use crate::model::ids::{TaskId, TaskKey};
use crate::model::scan::{MentionKind, Relation};
use crate::text::Span;

/// Where an edge was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeOrigin {
    /// On the task's own line: `(depends on T012)`.
    Line,
    /// In a detail bullet or a heading task's body: `**Depends on**: T03`.
    Detail,
    /// In prose such as the Dependencies section: `T008 blocks T009`.
    Statement,
}

/// `from` depends on `to`: `to` must be done first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DependencyEdge {
    pub from: TaskKey,
    pub to: TaskKey,
    /// The mention naming the dependent task (its own ID when implicit).
    pub from_span: Span,
    /// The mention naming the prerequisite: an ID or a whole range.
    pub to_span: Span,
    pub origin: EdgeOrigin,
    /// True when `to` came from expanding a range.
    pub via_range: bool,
}

impl super::shifted::Movable for DependencyEdge {
    fn moved(self, moved: impl Fn(usize) -> usize) -> Self {
        let span = |span: Span| Span::new(moved(span.start), moved(span.end));
        DependencyEdge { from_span: span(self.from_span), to_span: span(self.to_span), ..self }
    }
}

/// What is wrong with a range as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RangeProblem {
    /// `T010-T004`.
    Reversed,
    /// The first ID names no task.
    MissingStart,
    /// The last ID names no task.
    MissingEnd,
}

/// A range of task IDs as written anywhere in the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RangeReference {
    pub span: Span,
    pub first: TaskId,
    pub last: TaskId,
    pub problem: Option<RangeProblem>,
}

impl super::shifted::Movable for RangeReference {
    fn moved(self, moved: impl Fn(usize) -> usize) -> Self {
        RangeReference { span: Span::new(moved(self.span.start), moved(self.span.end)), ..self }
    }
}

/// A statement waiting for every task to be known.
pub(super) struct PendingStatement {
    pub block: ScannedBlock,
    /// The task a statement without an explicit subject is about.
    pub subject: Option<(TaskKey, Span)>,
    pub origin: EdgeOrigin,
}

/// One side of a clause: keys with the span and text that named them.
type Side = Vec<(TaskKey, Span, bool)>;

/// Existing task keys in order, each with the index of its first task:
/// lookups and range expansion by binary search. Tasks are nearly sorted
/// already, so building it costs about one pass.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct KeyIndex {
    sorted: Vec<(TaskKey, u32)>,
}

impl KeyIndex {
    pub fn new(keys: impl Iterator<Item = TaskKey>) -> Self {
        let mut sorted: Vec<(TaskKey, u32)> = keys.enumerate().map(|(i, k)| (k, i as u32)).collect();
        // Unstable sort of (key, index) pairs keeps the first index of a
        // repeated key in front, and dedup keeps that one.
        sorted.sort_unstable();
        sorted.dedup_by_key(|entry| entry.0);
        KeyIndex { sorted }
    }

    pub fn get(&self, key: TaskKey) -> Option<usize> {
        self.sorted.binary_search_by_key(&key, |e| e.0).ok().map(|i| self.sorted[i].1 as usize)
    }

    pub fn contains(&self, key: TaskKey) -> bool {
        self.get(key).is_some()
    }

    /// Existing keys from `first` to `last`, inclusive: `T036-T038`
    /// includes `T037A`. A plain end names its whole family: `T005-T008`
    /// includes `T008a` and `T008b`, and `T004a-T004` (written where the
    /// failing test `T004a` comes before `T004`) is `T004a` and `T004`.
    pub fn between(&self, first: TaskKey, last: TaskKey) -> impl Iterator<Item = TaskKey> + '_ {
        let (lo, hi) = if reversed(first, last) {
            (0, 0)
        } else {
            // `T004a-T004` in a suffix-first file starts at the family.
            let lo = if first.is_plain() || (last.is_plain() && first > last) {
                self.sorted.partition_point(|e| e.0.number < first.number)
            } else {
                self.sorted.partition_point(|e| e.0 < first)
            };
            let hi = if last.is_plain() {
                self.sorted.partition_point(|e| e.0.number <= last.number)
            } else {
                self.sorted.partition_point(|e| e.0 <= last)
            };
            (lo, hi.max(lo))
        };
        self.sorted[lo..hi].iter().map(|e| e.0)
    }

    /// Whether a range end names a task: a plain ID names its family
    /// (`T008` when only `T008a` and `T008b` exist).
    fn names_family(&self, key: TaskKey) -> bool {
        if !key.is_plain() {
            return self.contains(key);
        }
        let at = self.sorted.partition_point(|e| e.0.number < key.number);
        self.sorted.get(at).is_some_and(|e| e.0.number == key.number)
    }

    pub fn range_problem(&self, first: TaskKey, last: TaskKey) -> Option<RangeProblem> {
        if reversed(first, last) {
            Some(RangeProblem::Reversed)
        } else if !self.names_family(first) {
            Some(RangeProblem::MissingStart)
        } else if !self.names_family(last) {
            Some(RangeProblem::MissingEnd)
        } else {
            None
        }
    }
}

/// A range goes backwards only when its start comes after its end's
/// family: `T004a-T004` is forwards in a file that lists `T004a` first.
fn reversed(first: TaskKey, last: TaskKey) -> bool {
    if last.is_plain() { first.number > last.number } else { first > last }
}

/// Expand every clause of a statement into edges.
pub(super) fn resolve(statement: &PendingStatement, keys: &KeyIndex, out: &mut Vec<DependencyEdge>) {
    let scan = &statement.block.scan;
    // On a task's own line, its ID is the implicit subject, not a party to
    // the statement: "T009 Verify T007 passes before T010" is about T007.
    let own_id = match statement.origin {
        EdgeOrigin::Line => scan.task.as_ref().map(|t| t.id_span),
        EdgeOrigin::Detail | EdgeOrigin::Statement => None,
    };
    for clause in &scan.clauses {
        let mut left = side(statement, &clause.left, own_id, keys);
        if left.is_empty() {
            match statement.subject {
                Some((key, span)) => left.push((key, span, false)),
                None => continue,
            }
        }
        let right = side(statement, &clause.right, None, keys);
        let (dependents, prerequisites) = match clause.relation {
            Relation::Before => (&right, &left),
            Relation::After => (&left, &right),
        };
        push_edges(statement.origin, dependents, prerequisites, out);
    }
}

fn push_edges(origin: EdgeOrigin, dependents: &Side, prerequisites: &Side, out: &mut Vec<DependencyEdge>) {
    for (from, from_span, from_range) in dependents {
        for (to, to_span, via_range) in prerequisites {
            // "T004-T008 before T006" says nothing about T006 itself.
            if from == to && (*from_range || *via_range) {
                continue;
            }
            out.push(DependencyEdge {
                from: *from,
                to: *to,
                from_span: *from_span,
                to_span: *to_span,
                origin,
                via_range: *via_range,
            });
        }
    }
}

/// The keys a list of mentions names, skipping the task's own ID.
fn side(statement: &PendingStatement, mentions: &[u32], skip: Option<Span>, keys: &KeyIndex) -> Side {
    let block = &statement.block;
    let mut out = Side::new();
    for &index in mentions {
        let Some(mention) = block.scan.mentions.get(index as usize) else { continue };
        if Some(mention.span) == skip {
            continue;
        }
        let span = block.abs(mention.span);
        match &mention.kind {
            MentionKind::Task { id } => out.push((id.key, span, false)),
            MentionKind::TaskRange { first, last } => {
                out.extend(keys.between(first.key, last.key).map(|key| (key, span, true)));
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> TaskKey {
        crate::model::ids::parse_task_id(text, false).expect("an ID").0.key
    }

    fn index(ids: &[&str]) -> KeyIndex {
        KeyIndex::new(ids.iter().map(|id| key(id)))
    }

    #[test]
    fn a_range_over_suffix_families_names_the_family() {
        let keys = index(&["T005", "T006", "T007", "T008a", "T008b", "T009"]);
        assert_eq!(keys.range_problem(key("T005"), key("T008")), None);
        let named: Vec<String> = keys.between(key("T005"), key("T008")).map(|k| k.to_string()).collect();
        assert_eq!(named, ["T005", "T006", "T007", "T008A", "T008B"]);
        assert_eq!(keys.range_problem(key("T005"), key("T010")), Some(RangeProblem::MissingEnd));
    }

    #[test]
    fn a_suffix_first_range_is_not_reversed() {
        let keys = index(&["T004a", "T004", "T005a", "T005"]);
        assert_eq!(keys.range_problem(key("T004a"), key("T004")), None);
        assert_eq!(keys.between(key("T004a"), key("T004")).count(), 2);
        assert_eq!(keys.range_problem(key("T005a"), key("T004")), Some(RangeProblem::Reversed));
    }
}
