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
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// includes `T037A`.
    pub fn between(&self, first: TaskKey, last: TaskKey) -> impl Iterator<Item = TaskKey> + '_ {
        let (lo, hi) = if first > last {
            (0, 0)
        } else {
            (self.sorted.partition_point(|e| e.0 < first), self.sorted.partition_point(|e| e.0 <= last))
        };
        self.sorted[lo..hi].iter().map(|e| e.0)
    }

    pub fn range_problem(&self, first: TaskKey, last: TaskKey) -> Option<RangeProblem> {
        if first > last {
            Some(RangeProblem::Reversed)
        } else if !self.contains(first) {
            Some(RangeProblem::MissingStart)
        } else if !self.contains(last) {
            Some(RangeProblem::MissingEnd)
        } else {
            None
        }
    }
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
