//! The dependency graph of a tasks.md as people read it: Mermaid, dot or
//! JSON. Shared by `specls graph` and the `specls.showGraph` command.
//!
//! What is shown comes from [`TaskGraph`]: nodes are tasks (the first task
//! of each ID), edges the written dependencies, waves the schedule of open
//! tasks, then the tasks a cycle blocks, the critical path and the ready
//! set. Mermaid and dot group tasks by wave, style done tasks and draw the
//! critical path in red (implied steps of it dashed); JSON gives it all.

use std::collections::{HashMap, HashSet};
use std::fmt::Write;

use serde_json::{Value, json};

use crate::analysis::graph::TaskGraph;
use crate::model::tasks::TasksDoc;
use crate::text::Document;

/// Descriptions longer than this are cut in mermaid and dot labels.
const LABEL_CHARS: usize = 40;

/// One task of the graph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphNode {
    pub id: String,
    pub description: String,
    pub done: bool,
    /// 1-based line of the task's ID.
    pub line: usize,
    pub phase: Option<String>,
}

/// Everything the formats print, in task IDs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphView {
    /// The tasks.md as the output names it.
    pub path: String,
    pub nodes: Vec<GraphNode>,
    /// (task, prerequisite).
    pub edges: Vec<(String, String)>,
    pub waves: Vec<Vec<String>>,
    pub blocked: Vec<String>,
    pub critical_path: Vec<String>,
    pub ready: Vec<String>,
    pub cycles: Vec<Vec<String>>,
}

impl GraphView {
    /// The graph of `doc`, whose text is `document`; `path` names it in
    /// the output.
    pub fn build(doc: &TasksDoc, document: &Document, path: String) -> Self {
        let graph = TaskGraph::of(doc);
        let id = |task: usize| doc.tasks[task].id().text.to_string();
        let ids = |tasks: &[usize]| tasks.iter().map(|&t| id(t)).collect::<Vec<_>>();
        let nodes = graph
            .nodes
            .iter()
            .map(|&t| {
                let task = &doc.tasks[t];
                GraphNode {
                    id: id(t),
                    description: task.description().trim().to_string(),
                    done: task.done() || task.line().cancelled,
                    line: document.line_of(task.id_span().start) + 1,
                    phase: task.phase.map(|p| doc.phases[p].title.to_string()),
                }
            })
            .collect();
        let mut edges = Vec::new();
        for &t in &graph.nodes {
            let mut prerequisites = graph.prerequisites(t, doc);
            prerequisites.sort_unstable();
            edges.extend(prerequisites.into_iter().map(|p| (id(t), id(p))));
        }
        let schedule = graph.schedule(doc);
        GraphView {
            path,
            nodes,
            edges,
            waves: schedule.waves.iter().map(|w| ids(w)).collect(),
            blocked: ids(&schedule.blocked),
            critical_path: ids(&graph.critical_path()),
            ready: ids(&graph.ready()),
            cycles: graph.cycles().iter().map(|c| ids(c)).collect(),
        }
    }
}

/// The graph as JSON (`specls graph --format json`, version 1).
pub fn to_json(view: &GraphView) -> Value {
    json!({
        "version": 1,
        "path": view.path,
        "nodes": view.nodes.iter().map(|n| json!({
            "id": n.id,
            "description": n.description,
            "done": n.done,
            "line": n.line,
            "phase": n.phase,
        })).collect::<Vec<_>>(),
        "edges": view.edges.iter().map(|(task, prerequisite)| json!({
            "task": task,
            "depends_on": prerequisite,
        })).collect::<Vec<_>>(),
        "waves": view.waves,
        "blocked": view.blocked,
        "critical_path": view.critical_path,
        "ready": view.ready,
        "cycles": view.cycles,
    })
}

/// The description cut to [`LABEL_CHARS`] characters.
fn short(description: &str) -> String {
    let description: String = crate::text::collapse_whitespace(description);
    if description.chars().count() <= LABEL_CHARS {
        return description;
    }
    let cut: String = description.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Steps of the critical path, as (prerequisite, task) pairs, in order.
fn critical_steps(view: &GraphView) -> Vec<(&str, &str)> {
    view.critical_path.windows(2).map(|w| (w[0].as_str(), w[1].as_str())).collect()
}

/// The written edges as (prerequisite, task) pairs, to look steps up in:
/// sets, because a scan of every edge per step (or of every step per edge)
/// made 100k-task graphs take half a minute.
fn written_steps(view: &GraphView) -> HashSet<(&str, &str)> {
    view.edges.iter().map(|(task, prerequisite)| (prerequisite.as_str(), task.as_str())).collect()
}

/// Groups of tasks as drawn: done, each wave, blocked.
fn groups(view: &GraphView) -> Vec<(String, String, Vec<&GraphNode>)> {
    let by_id: HashMap<&str, &GraphNode> = view.nodes.iter().rev().map(|n| (n.id.as_str(), n)).collect();
    let node = |id: &String| by_id.get(id.as_str()).copied();
    let mut out = Vec::new();
    let done: Vec<&GraphNode> = view.nodes.iter().filter(|n| n.done).collect();
    if !done.is_empty() {
        out.push(("done_tasks".to_string(), "Done".to_string(), done));
    }
    for (i, wave) in view.waves.iter().enumerate() {
        out.push((
            format!("wave_{}", i + 1),
            format!("Wave {}", i + 1),
            wave.iter().filter_map(node).collect(),
        ));
    }
    if !view.blocked.is_empty() {
        out.push((
            "blocked_tasks".to_string(),
            "Blocked by a cycle".to_string(),
            view.blocked.iter().filter_map(node).collect(),
        ));
    }
    out
}

/// Mermaid node IDs: the task ID when it is a plain word, else a safe one
/// made of the node's index.
struct MermaidIds<'v> {
    index: HashMap<&'v str, usize>,
}

impl<'v> MermaidIds<'v> {
    fn of(view: &'v GraphView) -> Self {
        // The first node of an ID names it, as a search from the front would.
        let index = view.nodes.iter().enumerate().rev().map(|(i, n)| (n.id.as_str(), i)).collect();
        MermaidIds { index }
    }

    fn get(&self, id: &str) -> String {
        let plain = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && id.starts_with(|c: char| c.is_ascii_alphabetic())
            && !["end", "graph", "subgraph", "flowchart", "style", "class", "classDef", "click", "linkStyle"]
                .iter()
                .any(|word| word.eq_ignore_ascii_case(id));
        if plain {
            return id.to_string();
        }
        format!("task_{}", self.index.get(id).copied().unwrap_or(0))
    }
}

fn mermaid_label(text: &str) -> String {
    text.replace('"', "#quot;").replace('<', "#lt;").replace('>', "#gt;").replace('`', "#96;")
}

/// The graph as a Mermaid flowchart.
pub fn to_mermaid(view: &GraphView) -> String {
    let ids = MermaidIds::of(view);
    let mut out = String::from("flowchart TD\n");
    let _ = writeln!(out, "    %% {}", view.path);
    let _ = writeln!(out, "    %% ready: {}", list_or_none(&view.ready));
    for cycle in &view.cycles {
        let _ = writeln!(out, "    %% cycle: {} -> {}", cycle.join(" -> "), cycle[0]);
    }
    for (id, title, nodes) in groups(view) {
        let _ = writeln!(out, "    subgraph {id} [\"{title}\"]");
        for node in nodes {
            let label = mermaid_label(&format!("{} {}", node.id, short(&node.description)));
            let _ = writeln!(out, "        {}[\"{}\"]", ids.get(&node.id), label.trim_end());
        }
        out.push_str("    end\n");
    }
    let steps = critical_steps(view);
    let critical: HashSet<(&str, &str)> = steps.iter().copied().collect();
    let written = written_steps(view);
    let mut highlighted = Vec::new();
    let mut link = 0usize;
    for (task, prerequisite) in &view.edges {
        if critical.contains(&(prerequisite.as_str(), task.as_str())) {
            highlighted.push(link);
        }
        let _ = writeln!(out, "    {} --> {}", ids.get(prerequisite), ids.get(task));
        link += 1;
    }
    for step in &steps {
        if !written.contains(step) {
            // A step the template's order implies: dashed.
            let (prerequisite, task) = step;
            let _ = writeln!(out, "    {} -.-> {}", ids.get(prerequisite), ids.get(task));
            highlighted.push(link);
            link += 1;
        }
    }
    out.push_str("    classDef done fill:#e6f4ea,stroke:#34a853,color:#1e4620\n");
    out.push_str("    classDef critical stroke:#d93025,stroke-width:3px\n");
    let done: Vec<String> = view.nodes.iter().filter(|n| n.done).map(|n| ids.get(&n.id)).collect();
    if !done.is_empty() {
        let _ = writeln!(out, "    class {} done", done.join(","));
    }
    if !view.critical_path.is_empty() {
        let critical: Vec<String> = view.critical_path.iter().map(|id| ids.get(id)).collect();
        let _ = writeln!(out, "    class {} critical", critical.join(","));
    }
    if !highlighted.is_empty() {
        let links: Vec<String> = highlighted.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "    linkStyle {} stroke:#d93025,stroke-width:3px", links.join(","));
    }
    out
}

fn list_or_none(ids: &[String]) -> String {
    if ids.is_empty() { "none".to_string() } else { ids.join(", ") }
}

/// A dot double-quoted string.
fn dot_string(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n"))
}

/// The graph in Graphviz dot.
pub fn to_dot(view: &GraphView) -> String {
    let mut out = String::from("digraph tasks {\n");
    let _ = writeln!(out, "    // {}", view.path);
    let _ = writeln!(out, "    // ready: {}", list_or_none(&view.ready));
    for cycle in &view.cycles {
        let _ = writeln!(out, "    // cycle: {} -> {}", cycle.join(" -> "), cycle[0]);
    }
    out.push_str("    rankdir=TB;\n    node [shape=box, style=rounded];\n");
    let on_critical_path: HashSet<&str> = view.critical_path.iter().map(String::as_str).collect();
    for (id, title, nodes) in groups(view) {
        let _ = writeln!(out, "    subgraph cluster_{id} {{\n        label={};", dot_string(&title));
        for node in nodes {
            let mut attributes =
                vec![format!("label={}", dot_string(&format!("{}\n{}", node.id, short(&node.description))))];
            if node.done {
                attributes.push("style=\"rounded,filled\"".to_string());
                attributes.push("fillcolor=\"#e6f4ea\"".to_string());
            }
            if on_critical_path.contains(node.id.as_str()) {
                attributes.push("color=\"#d93025\"".to_string());
                attributes.push("penwidth=2".to_string());
            }
            let _ = writeln!(out, "        {} [{}];", dot_string(&node.id), attributes.join(", "));
        }
        out.push_str("    }\n");
    }
    let steps = critical_steps(view);
    let critical: HashSet<(&str, &str)> = steps.iter().copied().collect();
    let written = written_steps(view);
    for (task, prerequisite) in &view.edges {
        let style = if critical.contains(&(prerequisite.as_str(), task.as_str())) {
            " [color=\"#d93025\", penwidth=2]"
        } else {
            ""
        };
        let _ = writeln!(out, "    {} -> {}{style};", dot_string(prerequisite), dot_string(task));
    }
    for step @ (prerequisite, task) in &steps {
        if !written.contains(step) {
            let _ = writeln!(
                out,
                "    {} -> {} [style=dashed, color=\"#d93025\", penwidth=2];",
                dot_string(prerequisite),
                dot_string(task)
            );
        }
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short_and_escaped() {
        assert_eq!(short("a  b\tc"), "a b c");
        let long = "x".repeat(60);
        assert_eq!(short(&long).chars().count(), LABEL_CHARS);
        assert_eq!(mermaid_label("say \"hi\" <b>"), "say #quot;hi#quot; #lt;b#gt;");
        assert_eq!(dot_string("a \"b\" \\ c\nd"), "\"a \\\"b\\\" \\\\ c\\nd\"");
    }
}
