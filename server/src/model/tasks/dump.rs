//! The JSON of `specls dump tasks.md --format json` (version 1).

use serde_json::{Value, json};

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

use super::{DependencyEdge, Phase, Task, TasksDoc};
use crate::model::ids::TaskKey;
use crate::model::scan::CheckState;
use crate::text::Document;

impl TasksDoc {
    /// The dump of this model; `doc` gives line numbers, `path` is printed.
    pub fn to_dump(&self, doc: &Document, path: &str) -> Value {
        let line = |offset: usize| doc.line_of(offset) + 1;
        // Each task's written dependencies, grouped once: filtering every
        // edge for every task cost tasks × edges.
        let mut depends_on: HashMap<TaskKey, Vec<DependencyEdge>> = HashMap::new();
        for edge in self.edges.iter() {
            depends_on.entry(edge.from).or_default().push(edge);
        }
        let no_edges = Vec::new();
        json!({
            "version": 1,
            "kind": "tasks",
            "path": path,
            "title": self.title,
            "phases": self.phases.iter().map(|p| self.dump_phase(p, &line)).collect::<Vec<_>>(),
            "tasks": self.tasks.iter().map(|t| {
                self.dump_task(t, depends_on.get(&t.key()).unwrap_or(&no_edges), doc, &line)
            }).collect::<Vec<_>>(),
            "dependencies": self.edges.iter().map(|e| json!({
                "from": self.written_id(e.from).unwrap_or_else(|| e.from.to_string()),
                "to": self.written_id(e.to).unwrap_or_else(|| doc.slice(e.to_span).into_owned()),
                "line": line(e.to_span.start),
                "origin": e.origin,
            })).collect::<Vec<_>>(),
        })
    }

    fn written_id(&self, key: crate::model::ids::TaskKey) -> Option<String> {
        self.task(key).map(|t| t.id().text.to_string())
    }

    fn ids(&self, indices: &[usize]) -> Vec<&str> {
        indices.iter().map(|&i| &*self.tasks[i].id().text).collect()
    }

    fn dump_phase(&self, phase: &Phase, line: &dyn Fn(usize) -> usize) -> Value {
        json!({
            "title": &*phase.title,
            "line": line(phase.heading.start),
            "kind": phase.kind,
            "number": phase.number.as_deref(),
            "story": phase.story.map(|n| format!("US{n}")),
            "priority": phase.priority.map(|n| format!("P{n}")),
            "mvp": phase.mvp,
            "tasks": self.ids(&phase.tasks),
            "subsections": phase.subsections.iter().map(|s| json!({
                "title": &*s.title,
                "line": line(s.heading.start),
                "kind": s.kind,
                "tasks": self.ids(&s.tasks),
            })).collect::<Vec<_>>(),
            "goal": phase.goal.is_some(),
            "independent_test": phase.independent_test.is_some(),
            "checkpoint": phase.checkpoint.is_some(),
        })
    }

    fn dump_task(
        &self,
        task: &Task,
        edges: &[DependencyEdge],
        doc: &Document,
        line: &dyn Fn(usize) -> usize,
    ) -> Value {
        let depends_on = first_of_each(
            edges.iter().map(|e| self.written_id(e.to).unwrap_or_else(|| doc.slice(e.to_span).into_owned())),
        );
        let scan = task.line();
        let paths = first_of_each(task.paths().map(|(path, _)| path));
        json!({
            "id": scan.id.text,
            "key": scan.id.key,
            "line": line(task.id_span().start),
            "done": task.done(),
            "state": match task.state {
                CheckState::Open => "open".to_string(),
                CheckState::Done => "done".to_string(),
                CheckState::Other(c) => c.to_string(),
            },
            "parallel": task.parallel,
            "story": task.story().map(|n| format!("US{n}")),
            "labels": scan.labels.iter().map(|l| &*l.text).collect::<Vec<_>>(),
            "phase": task.phase,
            "subsection": task.subsection,
            "description": scan.description,
            "paths": paths,
            "depends_on": depends_on,
            "canonical": task.is_canonical(),
            "reasons": scan.irregularities,
            "cancelled": scan.cancelled,
        })
    }
}

/// The items in order, each once: a set instead of `contains` on the list
/// keeps a task of thousands of dependencies linear.
fn first_of_each<T: Eq + Hash + Clone>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(item.clone())).collect()
}
