//! The task dependency graph of a tasks.md.
//!
//! Two kinds of edges:
//! - **explicit**: every written dependency (inline, detail bullets,
//!   Dependencies prose), both ends existing, no self-edges;
//! - **implicit**: the order the template states. Inside a phase, a run of
//!   consecutive `[P]` tasks forms a group that can run together and any
//!   other task is a group of its own; each group waits for the one before.
//!   Phases follow each other, except that consecutive user-story phases
//!   run side by side after the phase before them.
//!
//! Cycles are searched among explicit edges only (they are the author's
//! mistake); waves, the critical path and the ready set use both kinds,
//! dropping implicit edges that would close a cycle with an explicit one.
//!
//! The implied order goes through **barriers**: a node that stands for a
//! whole group ("every task of this `[P]` group is finished") and is no
//! task. The next group waits for the barrier, not for each member, so two
//! consecutive groups of n and m tasks cost n + m edges instead of n × m.
//! Barriers are numbered after the tasks' nodes; they never appear in a
//! result, take no wave and no step of the critical path, and a barrier
//! whose members are all done holds nothing back.

use std::cmp::Reverse;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use crate::analysis::table::{EdgeEnds, KeyLookup, edge_ends};
use crate::model::ids::TaskKey;
use crate::model::scan::paths::normalize_path;
use crate::model::tasks::{PhaseKind, TasksDoc};

/// Node numbers are indices into [`TaskGraph::nodes`].
type Node = u32;

/// The graph of one tasks.md.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaskGraph {
    /// Task index (into `TasksDoc::tasks`) of each node: the first task of
    /// each ID.
    pub nodes: Vec<usize>,
    /// Node of each task index (`None` for a repeated ID).
    node_of_task: Vec<Option<Node>>,
    /// Written prerequisites of each task's node.
    explicit: Vec<Vec<Node>>,
    /// Written and implied prerequisites of each node, then the members
    /// of each barrier (nodes from `nodes.len()` on).
    effective: Vec<Vec<Node>>,
    /// Per node, barriers included (never done).
    done: Vec<bool>,
    /// The phase (index into `TasksDoc::phases`) of each task's node.
    phase_of: Vec<Option<u32>>,
    /// What each phase waits for: the node (often a barrier) standing for
    /// the exits of the phases before it.
    phase_entry: Vec<Option<Node>>,
    /// Its cycles, found when first asked.
    cycles: OnceLock<Vec<Vec<usize>>>,
}

/// What analysis derives from a tasks.md's structure alone (its
/// [`Inputs`]): the ends of every edge and the graph, each made when
/// first asked. Kept in the model's memo, so made at most once per
/// version, and handed to the next version when its structure is the
/// same: a keystroke in a description keeps all of it.
pub struct Structure {
    /// What it was derived from.
    inputs: Inputs,
    edge_ends: OnceLock<Vec<EdgeEnds>>,
    /// Edges with an end no task has, by index.
    dangling: OnceLock<Vec<u32>>,
    /// Edges from a task to a later one, and from a key to itself.
    forward: OnceLock<Vec<u32>>,
    to_itself: OnceLock<Vec<u32>>,
    /// Tasks marked `[P]`.
    parallel: OnceLock<Vec<u32>>,
    /// Open `[P]` tasks by (phase, subsection).
    open_parallel: OnceLock<Vec<Box<[u32]>>>,
    /// Open `[P]` tasks waiting on open `[P]` tasks of their run.
    parallel_blocked: OnceLock<Vec<ParallelBlocked>>,
    prerequisites: OnceLock<Prerequisites>,
    graph: OnceLock<TaskGraph>,
}

/// A task's (phase, subsection): [P] tasks may collide only within one.
type ParallelGroup = (Option<usize>, Option<usize>);

/// An open `[P]` task (`task`) with prerequisites that are open `[P]`
/// tasks of the same run: (prerequisite, the first edge saying so), by
/// prerequisite.
pub(crate) struct ParallelBlocked {
    pub task: usize,
    pub blocking: Box<[(usize, usize)]>,
}

/// The edges out of each task to an existing prerequisite, in edge order:
/// (prerequisite, edge index), grouped by dependent.
pub(crate) struct Prerequisites {
    /// Where each task's run starts in `edges`; one more at the end.
    starts: Vec<usize>,
    edges: Vec<(usize, usize)>,
}

impl Prerequisites {
    fn of(ends: &[EdgeEnds], tasks: usize) -> Self {
        let mut starts = vec![0; tasks + 1];
        for (from, _) in ends.iter().filter_map(|e| e.both()) {
            starts[from + 1] += 1;
        }
        for i in 0..tasks {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut edges = vec![(0, 0); starts[tasks]];
        for (edge, (from, to)) in ends.iter().enumerate().filter_map(|(i, e)| Some((i, e.both()?))) {
            edges[next[from]] = (to, edge);
            next[from] += 1;
        }
        Prerequisites { starts, edges }
    }

    /// Task `task`'s (prerequisite, edge index) pairs.
    pub fn of_task(&self, task: usize) -> &[(usize, usize)] {
        &self.edges[self.starts[task]..self.starts[task + 1]]
    }
}

/// Everything of a tasks.md a graph depends on: per task its key, state,
/// `[P]`, phase and subsection, per phase its kind and tasks, and the two ends of
/// every edge. Two versions with equal inputs have the same graph, so a
/// keystroke in a description keeps the graph of the version before it.
/// Paths are not an input: [`TaskGraph::schedule`] reads them from the
/// document it is given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Inputs {
    tasks: Vec<TaskInput>,
    phases: Vec<(PhaseKind, std::sync::Arc<[usize]>)>,
    edges: Vec<(TaskKey, TaskKey)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct TaskInput {
    key: TaskKey,
    finished: bool,
    parallel: bool,
    phase: Option<usize>,
    subsection: Option<usize>,
}

impl TaskInput {
    fn of(task: &crate::model::tasks::Task) -> Self {
        let finished = task.done() || task.line().cancelled;
        TaskInput {
            key: task.key(),
            finished,
            parallel: task.parallel,
            phase: task.phase,
            subsection: task.subsection,
        }
    }
}

impl Inputs {
    fn of(doc: &TasksDoc) -> Self {
        Inputs {
            tasks: doc.tasks.iter().map(TaskInput::of).collect(),
            phases: doc.phases.iter().map(|p| (p.kind, p.tasks.clone())).collect(),
            edges: doc.edges.iter().map(|e| (e.from, e.to)).collect(),
        }
    }

    /// Whether `doc` has these inputs; compared in place, without
    /// building its own.
    fn describe(&self, doc: &TasksDoc) -> bool {
        self.tasks.len() == doc.tasks.len()
            && self.phases.len() == doc.phases.len()
            && self.edges.len() == doc.edges.len()
            && self.tasks.iter().zip(&doc.tasks).all(|(input, task)| *input == TaskInput::of(task))
            && self
                .phases
                .iter()
                .zip(&doc.phases)
                .all(|((kind, tasks), p)| *kind == p.kind && *tasks == p.tasks)
            && self.edges.iter().zip(doc.edges.iter()).all(|(&(from, to), e)| from == e.from && to == e.to)
    }
}

/// Sets of open tasks that can run together, in order, and what could not
/// be scheduled because of a cycle.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Task indices per wave.
    pub waves: Vec<Vec<usize>>,
    /// Open tasks caught in a dependency cycle.
    pub blocked: Vec<usize>,
}

impl Structure {
    /// The structure of `doc`, made once per version of tasks.md (kept in
    /// the model's memo) and shared by the analysis, hover, code lenses,
    /// commands and the graph view of every snapshot holding that version.
    /// The one of the version this one replaced is reused when its inputs
    /// are those of `doc` ([`TasksDoc::inherit`]).
    pub fn of(doc: &TasksDoc) -> &Structure {
        // The memo slot is the structure's (see `TasksDoc::memo`): nothing else fills it.
        doc.memo
            .get_or_init_shared(|| {
                let earlier = doc.handover.take().and_then(|handed| {
                    let same_structure = handed.same_structure;
                    Some((handed.value.downcast::<Structure>().ok()?, same_structure))
                });
                // A version the model says has the structure of the one
                // before needs no comparison (one per task and edge: half
                // a millisecond at 10k tasks); debug builds check the claim.
                earlier
                    .filter(|(earlier, same_structure)| {
                        debug_assert!(
                            !same_structure || earlier.inputs.describe(doc),
                            "structure claimed kept"
                        );
                        *same_structure || earlier.inputs.describe(doc)
                    })
                    .map(|(earlier, _)| earlier)
                    .unwrap_or_else(|| Arc::new(Self::new(doc)))
            })
            .expect("a tasks model's memo holds its structure")
    }

    fn new(doc: &TasksDoc) -> Self {
        Structure {
            inputs: Inputs::of(doc),
            edge_ends: OnceLock::new(),
            dangling: OnceLock::new(),
            forward: OnceLock::new(),
            to_itself: OnceLock::new(),
            parallel: OnceLock::new(),
            open_parallel: OnceLock::new(),
            parallel_blocked: OnceLock::new(),
            prerequisites: OnceLock::new(),
            graph: OnceLock::new(),
        }
    }

    /// The indices of the edges of `doc` with an end no task has, in order.
    pub(crate) fn dangling(&self, doc: &TasksDoc) -> &[u32] {
        self.dangling.get_or_init(|| {
            let ends = self.edge_ends(doc).iter().enumerate();
            ends.filter(|(_, e)| e.from().is_none() || e.to().is_none()).map(|(i, _)| i as u32).collect()
        })
    }

    /// The indices of the edges of `doc` from a task to a later one (both
    /// existing), in order: the only edges that can be part of a cycle or
    /// point forward.
    pub(crate) fn forward_edges(&self, doc: &TasksDoc) -> &[u32] {
        self.forward.get_or_init(|| {
            let ends = self.edge_ends(doc).iter().enumerate();
            let forward = |(_, e): &(usize, &EdgeEnds)| e.both().is_some_and(|(from, to)| to > from);
            ends.filter(forward).map(|(i, _)| i as u32).collect()
        })
    }

    /// The indices of the edges of `doc` whose two ends are one key.
    pub(crate) fn edges_to_itself(&self) -> &[u32] {
        self.to_itself.get_or_init(|| {
            let edges = self.inputs.edges.iter().enumerate();
            edges.filter(|(_, (from, to))| from == to).map(|(i, _)| i as u32).collect()
        })
    }

    /// The indices of the tasks marked `[P]`, in order.
    pub(crate) fn parallel_tasks(&self) -> &[u32] {
        self.parallel.get_or_init(|| {
            let tasks = self.inputs.tasks.iter().enumerate();
            tasks.filter(|(_, task)| task.parallel).map(|(i, _)| i as u32).collect()
        })
    }

    /// The open (not done, not cancelled) `[P]` tasks, grouped by phase
    /// and subsection, groups in that order (the phase-less first),
    /// tasks in document order: the tasks that may run together.
    pub(crate) fn open_parallel_groups(&self) -> &[Box<[u32]>] {
        self.open_parallel.get_or_init(|| {
            let tasks = self.inputs.tasks.iter().enumerate();
            let mut open: Vec<(ParallelGroup, u32)> = tasks
                .filter(|(_, task)| task.parallel && !task.finished)
                .map(|(index, task)| ((task.phase, task.subsection), index as u32))
                .collect();
            open.sort_by_key(|(group, _)| *group);
            open.chunk_by(|a, b| a.0 == b.0)
                .map(|run| run.iter().map(|(_, index)| *index).collect())
                .collect()
        })
    }

    /// The open `[P]` tasks of a phase that depend on earlier open `[P]`
    /// tasks of their run (the consecutive `[P]` tasks of one phase and
    /// subsection), in order: parallel-open-dependency's findings, kept
    /// with the structure since they are made of it alone.
    pub(crate) fn parallel_blocked(&self, doc: &TasksDoc) -> &[ParallelBlocked] {
        self.parallel_blocked.get_or_init(|| {
            let tasks = &self.inputs.tasks;
            let group = |task: &TaskInput| (task.phase, task.subsection);
            // Where the run of [P] tasks of its group just before each task
            // starts: an earlier task is in its run when at or after that.
            let mut run_start = vec![0; tasks.len()];
            for index in 1..tasks.len() {
                let (before, task) = (&tasks[index - 1], &tasks[index]);
                let joins = before.parallel && group(before) == group(task);
                run_start[index] = if joins { run_start[index - 1] } else { index };
            }
            let (prerequisites, keys) =
                (self.prerequisites(doc), KeyLookup::new(tasks.iter().map(|t| t.key)));
            let mut blocked = Vec::new();
            for index in self.parallel_tasks().iter().map(|&index| index as usize) {
                let task = &tasks[index];
                if task.finished || task.phase.is_none() {
                    continue;
                }
                // The edges from the task's key: those of its first task.
                let first = keys.index(doc, task.key).unwrap_or(index);
                let mut blocking: Vec<(usize, usize)> = Vec::new();
                for &(prerequisite, edge) in prerequisites.of_task(first) {
                    let other = &tasks[prerequisite];
                    if prerequisite >= index
                        || other.finished
                        || other.phase != task.phase
                        || prerequisite < run_start[index]
                        || blocking.iter().any(|&(b, _)| b == prerequisite)
                    {
                        continue;
                    }
                    blocking.push((prerequisite, edge));
                }
                if !blocking.is_empty() {
                    blocking.sort_unstable_by_key(|&(prerequisite, _)| prerequisite);
                    blocked.push(ParallelBlocked { task: index, blocking: blocking.into() });
                }
            }
            blocked
        })
    }

    /// Each task's existing prerequisites, with the edges that say so.
    pub(crate) fn prerequisites(&self, doc: &TasksDoc) -> &Prerequisites {
        self.prerequisites.get_or_init(|| Prerequisites::of(self.edge_ends(doc), doc.tasks.len()))
    }

    /// The tasks at both ends of each edge of `doc`, in edge order.
    pub(crate) fn edge_ends(&self, doc: &TasksDoc) -> &[EdgeEnds] {
        self.edge_ends.get_or_init(|| edge_ends(doc, &KeyLookup::new(doc.tasks.iter().map(|t| t.key()))))
    }

    /// The dependency graph of `doc`.
    pub fn graph(&self, doc: &TasksDoc) -> &TaskGraph {
        self.graph.get_or_init(|| TaskGraph::build(doc))
    }
}

impl TaskGraph {
    /// The graph of `doc`, built once per structure (see [`Structure`]).
    pub fn of(doc: &TasksDoc) -> &TaskGraph {
        Structure::of(doc).graph(doc)
    }

    /// A graph of `doc` built afresh; [`TaskGraph::of`] shares one.
    pub fn build(doc: &TasksDoc) -> Self {
        let mut graph = TaskGraph { node_of_task: vec![None; doc.tasks.len()], ..TaskGraph::default() };
        for (index, task) in doc.tasks.iter().enumerate() {
            if doc.task_index(task.key()) != Some(index) {
                continue; // a duplicate ID: the first task stands for it
            }
            graph.node_of_task[index] = Some(graph.nodes.len() as Node);
            graph.nodes.push(index);
            graph.done.push(task.done() || task.line().cancelled);
        }
        graph.explicit = vec![Vec::new(); graph.nodes.len()];
        // A set, not `contains` on the list: one task may have thousands of
        // written prerequisites ("T5000 depends on T001-T4999").
        let mut seen: HashSet<(Node, Node)> = HashSet::with_capacity(doc.edges.len());
        for edge in doc.edges.iter() {
            if let (Some(from), Some(to)) = (graph.node(doc, edge.from), graph.node(doc, edge.to))
                && from != to
                && seen.insert((from, to))
            {
                graph.explicit[from as usize].push(to);
            }
        }
        graph.effective = graph.explicit.clone();
        graph.add_implicit_order(doc);
        graph.done.resize(graph.effective.len(), false);
        graph
    }

    fn is_barrier(&self, node: Node) -> bool {
        node as usize >= self.nodes.len()
    }

    /// A node that stands for all of `members`: the member itself when
    /// there is one, else a new barrier.
    fn barrier(&mut self, members: Vec<Node>) -> Option<Node> {
        match members[..] {
            [] => None,
            [only] => Some(only),
            _ => {
                self.effective.push(members);
                Some((self.effective.len() - 1) as Node)
            }
        }
    }

    /// `node` waits for `prerequisite` too.
    fn add_implied(&mut self, node: Node, prerequisite: Node) {
        let prerequisites = &mut self.effective[node as usize];
        // Once per node: linear in its written prerequisites.
        if !prerequisites.contains(&prerequisite) {
            prerequisites.push(prerequisite);
        }
    }

    /// The tasks' nodes `node` stands for: itself, or a barrier's members
    /// (through nested barriers), each once, in order.
    fn tasks_behind(&self, node: Node, seen: &mut HashSet<Node>, out: &mut Vec<Node>) {
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            if self.is_barrier(n) {
                stack.extend(self.effective[n as usize].iter().rev());
            } else {
                out.push(n);
            }
        }
    }

    fn node(&self, doc: &TasksDoc, key: TaskKey) -> Option<Node> {
        doc.task_index(key).and_then(|t| self.node_of_task.get(t).copied().flatten())
    }

    /// The node standing for a task (the first task of its ID).
    pub fn node_of(&self, doc: &TasksDoc, key: TaskKey) -> Option<usize> {
        self.node(doc, key).map(|n| n as usize)
    }

    /// Written prerequisites of a task, as task indices.
    pub fn prerequisites(&self, task: usize, doc: &TasksDoc) -> Vec<usize> {
        self.node_of(doc, doc.tasks[task].key())
            .map(|n| self.explicit[n].iter().map(|&p| self.nodes[p as usize]).collect())
            .unwrap_or_default()
    }

    /// Written and implied prerequisites of a task, as task indices.
    pub fn effective_prerequisites(&self, task: usize, doc: &TasksDoc) -> Vec<usize> {
        let Some(node) = self.node_of(doc, doc.tasks[task].key()) else { return Vec::new() };
        let (mut seen, mut out) = (HashSet::new(), Vec::new());
        for &p in &self.effective[node] {
            self.tasks_behind(p, &mut seen, &mut out);
        }
        out.into_iter().map(|n| self.nodes[n as usize]).collect()
    }

    fn add_implicit_order(&mut self, doc: &TasksDoc) {
        self.phase_of = vec![None; self.nodes.len()];
        self.phase_entry = vec![None; doc.phases.len()];
        // What the next phase waits for: the exit of the phases before it.
        let mut waiting_on: Option<Node> = None;
        let mut story_run: Option<(Option<Node>, Vec<Node>)> = None; // (entry, exits so far)
        for (phase_index, phase) in doc.phases.iter().enumerate() {
            let is_story = phase.kind == PhaseKind::UserStory;
            let entry = match (&story_run, is_story) {
                (Some((entry, _)), true) => *entry,
                _ => {
                    if let Some((_, exits)) = story_run.take() {
                        waiting_on = self.barrier(exits);
                    }
                    waiting_on
                }
            };
            let nodes: Vec<Node> = phase.tasks.iter().filter_map(|&t| self.node_of_task[t]).collect();
            if nodes.is_empty() {
                continue;
            }
            for &node in &nodes {
                self.phase_of[node as usize] = Some(phase_index as u32);
            }
            self.phase_entry[phase_index] = entry;
            let exit = self.chain_groups(doc, &nodes, entry);
            if is_story {
                let run = story_run.get_or_insert_with(|| (entry, Vec::new()));
                run.1.extend(exit);
            } else {
                waiting_on = exit;
            }
        }
    }

    /// Order a phase's tasks in groups, each waiting for the one before
    /// (the first for `previous`); returns the node standing for the last.
    fn chain_groups(&mut self, doc: &TasksDoc, nodes: &[Node], mut previous: Option<Node>) -> Option<Node> {
        let mut current: Vec<Node> = Vec::new();
        let mut current_parallel = false;
        for &node in nodes {
            let parallel = doc.tasks[self.nodes[node as usize]].parallel;
            let joins_current_group = parallel && current_parallel;
            if !joins_current_group && !current.is_empty() {
                previous = self.barrier(std::mem::take(&mut current));
            }
            if let Some(previous) = previous.filter(|&p| p != node) {
                self.add_implied(node, previous);
            }
            current.push(node);
            current_parallel = parallel;
        }
        self.barrier(current)
    }

    /// Every cycle among written dependencies, each as task indices in
    /// order: the first depends on the second, ..., the last on the first.
    pub fn cycles(&self) -> &[Vec<usize>] {
        self.cycles.get_or_init(|| {
            let components = strongly_connected(&self.explicit);
            let mut out = Vec::new();
            for component in components.into_iter().filter(|c| c.len() > 1) {
                if let Some(cycle) = self.cycle_in(&component) {
                    out.push(cycle.iter().map(|&n| self.nodes[n as usize]).collect());
                }
            }
            out.sort();
            out
        })
    }

    /// A cycle through the component's first node, by depth-first search
    /// inside the component.
    fn cycle_in(&self, component: &[Node]) -> Option<Vec<Node>> {
        let start = *component.iter().min()?;
        let mut member = vec![false; self.nodes.len()];
        for &n in component {
            member[n as usize] = true;
        }
        let inside = |n: &Node| member[*n as usize];
        let children_of = |node: Node| -> Vec<Node> {
            self.explicit[node as usize].iter().copied().filter(inside).collect()
        };
        let mut path = vec![start];
        // Per depth: the node's children inside the component (listed once
        // per visit, not once per child tried) and the next one to try.
        let mut frames = vec![(children_of(start), 0usize)];
        let mut seen = vec![false; self.nodes.len()];
        seen[start as usize] = true;
        while let Some((children, next_child)) = frames.last_mut() {
            match children.get(*next_child) {
                Some(&child) => {
                    *next_child += 1;
                    if !seen[child as usize] {
                        seen[child as usize] = true;
                        let grandchildren = children_of(child);
                        path.push(child);
                        if grandchildren.contains(&start) {
                            return Some(path);
                        }
                        frames.push((grandchildren, 0));
                    }
                }
                None => {
                    path.pop();
                    frames.pop();
                }
            }
        }
        None
    }

    /// Open tasks whose prerequisites are all done, by the same graph the
    /// waves use (so the ready set is exactly the first wave's candidates).
    pub fn ready(&self) -> Vec<usize> {
        let order = self.topological_open_order();
        // Barriers are built after the barriers they wait for, so one
        // pass in node order settles which still hold something back.
        let mut holds = vec![false; self.effective.len()];
        for barrier in self.nodes.len()..self.effective.len() {
            holds[barrier] = self
                .prerequisites_of(barrier as Node, &order)
                .any(|p| holds[p as usize] || !self.is_barrier(p));
        }
        (0..self.nodes.len() as Node)
            .filter(|&n| !self.done[n as usize])
            .filter(|&n| !self.prerequisites_of(n, &order).any(|p| holds[p as usize] || !self.is_barrier(p)))
            .map(|n| self.nodes[n as usize])
            .collect()
    }

    /// Waves of open tasks: a task joins the first wave after all its open
    /// prerequisites and shares no file with a task already in that wave.
    /// `doc` is the document the graph is of: its tasks' paths.
    pub fn schedule(&self, doc: &TasksDoc) -> Schedule {
        let order = self.topological_open_order();
        let paths = self.paths(doc);
        // The first wave a node's dependents may take: after a task's
        // wave, after the latest member of a barrier.
        let mut next_wave: Vec<Option<usize>> = vec![None; self.effective.len()];
        let mut waves: Vec<Vec<Node>> = Vec::new();
        // The files each wave's tasks write: comparing a task with every
        // member of a wave of thousands cost the square of the wave.
        let mut files_of_wave: Vec<HashSet<&str>> = Vec::new();
        for &node in &order.sorted {
            let earliest = self.prerequisites_of(node, &order).filter_map(|p| next_wave[p as usize]).max();
            if self.is_barrier(node) {
                next_wave[node as usize] = earliest;
                continue;
            }
            let earliest = earliest.unwrap_or(0);
            let files: Vec<&str> =
                paths[node as usize].iter().map(String::as_str).filter(|p| !p.ends_with('/')).collect();
            let mut wave = earliest;
            while files_of_wave.get(wave).is_some_and(|taken| files.iter().any(|f| taken.contains(f))) {
                wave += 1;
            }
            if waves.len() <= wave {
                waves.resize(wave + 1, Vec::new());
                files_of_wave.resize(wave + 1, HashSet::new());
            }
            waves[wave].push(node);
            files_of_wave[wave].extend(files);
            next_wave[node as usize] = Some(wave + 1);
        }
        Schedule {
            waves: waves
                .into_iter()
                .map(|w| w.into_iter().map(|n| self.nodes[n as usize]).collect())
                .collect(),
            blocked: order.blocked.iter().map(|&n| self.nodes[n as usize]).collect(),
        }
    }

    /// The files each node's task names, normalised, sorted, once each.
    fn paths(&self, doc: &TasksDoc) -> Vec<Vec<String>> {
        let of = |&task: &usize| {
            let mut paths: Vec<String> = doc
                .tasks
                .get(task)
                .into_iter()
                .flat_map(|t| t.paths())
                .map(|(p, _)| normalize_path(p))
                .collect();
            paths.sort();
            paths.dedup();
            paths
        };
        self.nodes.iter().map(of).collect()
    }

    /// The longest chain of open tasks, each waiting for the one before:
    /// the least number of steps to finish, in order.
    pub fn critical_path(&self) -> Vec<usize> {
        let order = self.topological_open_order();
        // Per node, the longest chain ending at it (a barrier: at its
        // best member) as (length, last task); the earliest task wins a tie.
        let mut longest: Vec<Option<(usize, Reverse<Node>)>> = vec![None; self.effective.len()];
        let mut previous: Vec<Option<Node>> = vec![None; self.nodes.len()];
        for &node in &order.sorted {
            let best = self.prerequisites_of(node, &order).filter_map(|p| longest[p as usize]).max();
            if self.is_barrier(node) {
                longest[node as usize] = best;
                continue;
            }
            longest[node as usize] = Some((1 + best.map_or(0, |(length, _)| length), Reverse(node)));
            previous[node as usize] = best.map(|(_, Reverse(task))| task);
        }
        let Some(end) =
            order.sorted.iter().filter_map(|&n| longest[n as usize].filter(|_| !self.is_barrier(n))).max()
        else {
            return Vec::new();
        };
        let Reverse(end) = end.1;
        let mut chain = vec![end];
        while let Some(p) = previous[*chain.last().unwrap_or(&end) as usize] {
            chain.push(p);
        }
        chain.reverse();
        chain.into_iter().map(|n| self.nodes[n as usize]).collect()
    }

    /// Open prerequisites of `node` in the order's graph (barriers are
    /// never done).
    fn prerequisites_of<'s>(&'s self, node: Node, order: &'s OpenOrder) -> impl Iterator<Item = Node> + 's {
        let edges = order.relaxed[node as usize].as_ref().unwrap_or(&self.effective[node as usize]);
        edges.iter().copied().filter(|&p| !self.done[p as usize])
    }

    /// Written edges of a node plus what its phase waits for: the order
    /// left when the order implied inside its phase has to go.
    fn written_and_phase_entry(&self, node: Node) -> Vec<Node> {
        let mut edges = self.explicit[node as usize].clone();
        if let Some(phase) = self.phase_of[node as usize] {
            edges.extend(self.phase_entry[phase as usize].filter(|&p| p != node));
        }
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    /// Open nodes in topological order (document order among equals).
    /// Implicit edges that close a cycle with written ones are dropped for
    /// the nodes involved, in two steps: first only the order implied
    /// inside their phase (`T002 depends on T003` in one phase still runs
    /// after the phases before it), then, for what still cycles, the
    /// phases' order too; what cycles among written edges is blocked.
    fn topological_open_order(&self) -> OpenOrder {
        let open: Vec<Node> = (0..self.effective.len() as Node).filter(|&n| !self.done[n as usize]).collect();
        let tasks = self.nodes.len();
        let (sorted, left) = kahn(&open, |n| &self.effective[n as usize], &self.done, tasks);
        let mut relaxed: Vec<Option<Vec<Node>>> = vec![None; self.effective.len()];
        if left.is_empty() {
            return OpenOrder { sorted, relaxed, blocked: Vec::new() };
        }
        // Only the nodes on a cycle lose their implied order; those merely
        // waiting behind one keep it.
        // A cycle always runs through two tasks or more: barriers only
        // wait for earlier groups.
        for component in strongly_connected(&self.effective).into_iter().filter(|c| c.len() > 1) {
            for n in component.into_iter().filter(|&n| !self.is_barrier(n)) {
                relaxed[n as usize] = Some(self.written_and_phase_entry(n));
            }
        }
        let (sorted, left) = kahn(
            &open,
            |n| relaxed[n as usize].as_ref().unwrap_or(&self.effective[n as usize]),
            &self.done,
            tasks,
        );
        if left.is_empty() {
            return OpenOrder { sorted, relaxed, blocked: Vec::new() };
        }
        for &n in &left {
            relaxed[n as usize] = Some(self.explicit[n as usize].clone());
        }
        let (sorted, blocked) = kahn(
            &open,
            |n| relaxed[n as usize].as_ref().unwrap_or(&self.effective[n as usize]),
            &self.done,
            tasks,
        );
        OpenOrder { sorted, relaxed, blocked }
    }
}

struct OpenOrder {
    /// Open nodes, barriers included, each after its prerequisites.
    sorted: Vec<Node>,
    /// The edges used instead of the effective ones for nodes whose
    /// implied order was dropped to break a cycle.
    relaxed: Vec<Option<Vec<Node>>>,
    /// Open tasks' nodes caught in (or behind) a cycle.
    blocked: Vec<Node>,
}

/// Kahn's algorithm over the open nodes; returns the order and the tasks'
/// nodes left over (in cycles). Among tasks ready together the earliest
/// goes first; a barrier is passed the moment its last member is, so tasks
/// become ready exactly when they would if they waited for each member.
fn kahn<'g>(
    open: &[Node],
    prerequisites: impl Fn(Node) -> &'g Vec<Node>,
    done: &[bool],
    tasks: usize,
) -> (Vec<Node>, Vec<Node>) {
    let count = done.len();
    let mut waiting = vec![0usize; count];
    let mut dependents: Vec<Vec<Node>> = vec![Vec::new(); count];
    for &n in open {
        for &p in prerequisites(n) {
            if !done[p as usize] {
                waiting[n as usize] += 1;
                dependents[p as usize].push(n);
            }
        }
    }
    let is_barrier = |n: Node| n as usize >= tasks;
    let (barriers, tasks): (Vec<Node>, Vec<Node>) =
        open.iter().copied().filter(|&n| waiting[n as usize] == 0).partition(|&n| is_barrier(n));
    let mut ready: std::collections::BTreeSet<Node> = tasks.into_iter().collect();
    let mut passing = barriers;
    let mut sorted = Vec::with_capacity(open.len());
    loop {
        let n = match passing.pop() {
            Some(barrier) => barrier,
            None => match ready.pop_first() {
                Some(task) => task,
                None => break,
            },
        };
        sorted.push(n);
        for &d in &dependents[n as usize] {
            waiting[d as usize] -= 1;
            if waiting[d as usize] == 0 {
                if is_barrier(d) {
                    passing.push(d)
                } else {
                    ready.insert(d);
                }
            }
        }
    }
    let left = open.iter().copied().filter(|&n| !is_barrier(n) && waiting[n as usize] > 0).collect();
    (sorted, left)
}

/// Tarjan's strongly connected components, iteratively (no recursion limit
/// on 50k-task documents).
fn strongly_connected(edges: &[Vec<Node>]) -> Vec<Vec<Node>> {
    let count = edges.len();
    let mut index = vec![u32::MAX; count];
    let mut low = vec![0u32; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0u32;
    for root in 0..count {
        if index[root] != u32::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut child)) = work.last_mut() {
            if *child == 0 && index[node] == u32::MAX {
                index[node] = next_index;
                low[node] = next_index;
                next_index += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*child) {
                *child += 1;
                let next = next as usize;
                if index[next] == u32::MAX {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member as Node);
                    if member == node {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::file::MarkdownFile;

    fn doc(text: &str) -> TasksDoc {
        TasksDoc::from_blocks(MarkdownFile::load(text).blocks())
    }

    fn ids(doc: &TasksDoc, tasks: &[usize]) -> Vec<String> {
        tasks.iter().map(|&t| doc.tasks[t].id().to_string()).collect()
    }

    const PHASES: &str = "## Phase 1: Setup\n- [x] T001 a\n- [ ] T002 [P] b in src/b.py\n- [ ] T003 [P] c in src/c.py\n- [ ] T004 [P] d in src/b.py\n- [ ] T005 e\n\n## Phase 2: User Story 1 - A (Priority: P1)\n- [ ] T006 [US1] f\n\n## Phase 3: User Story 2 - B (Priority: P2)\n- [ ] T007 [US2] g\n\n## Phase 4: Polish\n- [ ] T008 h\n";

    #[test]
    fn waves_follow_groups_phases_and_file_conflicts() {
        let d = doc(PHASES);
        let schedule = TaskGraph::build(&d).schedule(&d);
        let waves: Vec<_> = schedule.waves.iter().map(|w| ids(&d, w)).collect();
        assert_eq!(
            waves,
            [vec!["T002", "T003"], vec!["T004"], vec!["T005"], vec!["T006", "T007"], vec!["T008"]]
        );
        assert!(schedule.blocked.is_empty());
    }

    #[test]
    fn ready_set_and_critical_path() {
        let d = doc(PHASES);
        let graph = TaskGraph::build(&d);
        assert_eq!(ids(&d, &graph.ready()), ["T002", "T003", "T004"]);
        assert_eq!(ids(&d, &graph.critical_path()), ["T002", "T005", "T006", "T008"]);
    }

    #[test]
    fn cycles_are_reported_whole() {
        let d = doc(
            "- [ ] T001 a (depends on T003)\n- [ ] T002 b (depends on T001)\n- [ ] T003 c (depends on T002)\n- [ ] T004 d (depends on T004)\n",
        );
        let graph = TaskGraph::build(&d);
        let cycles: Vec<_> = graph.cycles().iter().map(|c| ids(&d, c)).collect();
        assert_eq!(cycles, [vec!["T001", "T003", "T002"]]);
        let schedule = graph.schedule(&d);
        assert_eq!(ids(&d, &schedule.blocked), ["T001", "T002", "T003"]);
    }

    #[test]
    fn a_forward_dependency_relaxes_the_implied_order_instead_of_blocking() {
        let d = doc("## Phase 1: Setup\n- [ ] T001 a (depends on T003)\n- [ ] T002 b\n- [ ] T003 c\n");
        let schedule = TaskGraph::build(&d).schedule(&d);
        assert!(schedule.blocked.is_empty());
        let waves: Vec<_> = schedule.waves.iter().map(|w| ids(&d, w)).collect();
        assert_eq!(waves.concat().len(), 3);
    }

    #[test]
    fn a_dependency_inside_a_phase_keeps_the_phase_order() {
        let d = doc("## Phase 1: Setup\n- [ ] T001 Create app in src/a.py\n\n## Phase 2: Polish\n\
                     - [ ] T002 Tidy in src/b.py\n- [ ] T003 Document in docs/c.md\n\n## Dependencies\n\n\
                     - T002 depends on T003\n");
        let graph = TaskGraph::build(&d);
        let waves: Vec<_> = graph.schedule(&d).waves.iter().map(|w| ids(&d, w)).collect();
        assert_eq!(waves, [vec!["T001"], vec!["T003"], vec!["T002"]]);
        assert_eq!(ids(&d, &graph.ready()), ["T001"]);
        assert_eq!(ids(&d, &graph.critical_path()), ["T001", "T003", "T002"]);
    }

    #[test]
    fn big_chains_do_not_overflow() {
        let mut text = String::new();
        for n in 1..=20_000 {
            text.push_str(&format!(
                "- [ ] T{n:05} step (depends on T{:05})\n",
                if n == 1 { 20_000 } else { n - 1 }
            ));
        }
        let d = doc(&text);
        let graph = TaskGraph::build(&d);
        let cycles = graph.cycles();
        let [cycle] = cycles else { panic!("one cycle, found {}", cycles.len()) };
        assert_eq!(cycle.len(), 20_000, "every task of the chain is on the cycle");
    }

    /// Two phases of `size` `[P]` tasks each, the second's tasks in
    /// other files so that the waves are the two groups.
    fn two_parallel_groups(size: usize) -> TasksDoc {
        let mut text = String::from("## Phase 1: Setup\n");
        for n in 1..=size {
            text.push_str(&format!("- [ ] T{n:05} [P] a in src/a{n}.py\n"));
        }
        text.push_str("\n## Phase 2: Core\n");
        for n in size + 1..=2 * size {
            text.push_str(&format!("- [ ] T{n:05} [P] b in src/b{n}.py\n"));
        }
        doc(&text)
    }

    #[test]
    fn consecutive_parallel_groups_cost_edges_linear_in_their_tasks() {
        let size = 2_000;
        let d = two_parallel_groups(size);
        let graph = TaskGraph::build(&d);
        let edges: usize = graph.effective.iter().map(Vec::len).sum();
        assert!(edges <= 2 * 2 * size, "{edges} edges for {} tasks", 2 * size);
        // The implied order is still every first-phase task before every
        // second-phase one.
        let last = 2 * size - 1;
        assert_eq!(graph.effective_prerequisites(last, &d), (0..size).collect::<Vec<_>>());
        let schedule = graph.schedule(&d);
        assert_eq!(schedule.waves, [(0..size).collect::<Vec<_>>(), (size..2 * size).collect()]);
        assert_eq!(graph.ready(), (0..size).collect::<Vec<_>>());
        assert_eq!(graph.critical_path(), [0, size]);
    }

    #[test]
    fn a_barrier_of_finished_tasks_holds_nothing_back() {
        let d = doc("## Phase 1: Setup\n- [x] T001 [P] a\n- [x] T002 [P] b\n\n## Phase 2: Core\n\
                     - [ ] T003 [P] c in src/c.py\n- [ ] T004 [P] d in src/d.py\n- [ ] T005 e\n");
        let graph = TaskGraph::build(&d);
        assert_eq!(ids(&d, &graph.ready()), ["T003", "T004"]);
        let waves: Vec<_> = graph.schedule(&d).waves.iter().map(|w| ids(&d, w)).collect();
        assert_eq!(waves, [vec!["T003", "T004"], vec!["T005"]]);
        assert_eq!(ids(&d, &graph.critical_path()), ["T003", "T005"]);
        assert_eq!(ids(&d, &graph.effective_prerequisites(4, &d)), ["T003", "T004"]);
    }

    #[test]
    fn story_phases_side_by_side_are_waited_for_together() {
        let d = doc("## Phase 1: User Story 1 - A (Priority: P1)\n- [ ] T001 [P] [US1] a in src/a.py\n\
                     - [ ] T002 [P] [US1] b in src/b.py\n\n## Phase 2: User Story 2 - B (Priority: P2)\n\
                     - [ ] T003 [US2] c in src/c.py\n\n## Phase 3: Polish\n- [ ] T004 d in src/d.py\n");
        let graph = TaskGraph::build(&d);
        let waves: Vec<_> = graph.schedule(&d).waves.iter().map(|w| ids(&d, w)).collect();
        assert_eq!(waves, [vec!["T001", "T002", "T003"], vec!["T004"]]);
        assert_eq!(ids(&d, &graph.effective_prerequisites(3, &d)), ["T001", "T002", "T003"]);
        assert_eq!(ids(&d, &graph.critical_path()), ["T001", "T004"]);
    }

    /// The graph a version of tasks.md inherits when it replaces another.
    fn inherited<'d>(older: &TasksDoc, newer: &'d TasksDoc) -> &'d TaskGraph {
        TaskGraph::of(older);
        newer.inherit(older);
        TaskGraph::of(newer)
    }

    #[test]
    fn a_new_version_with_the_same_inputs_shares_the_graph() {
        let before = doc("## Phase 1: Setup

- [ ] T001 [P] a in src/a.py
- [ ] T002 b (depends on T001)
");
        let typed = doc("## Phase 1: Setup

- [ ] T001 [P] ax in src/b.py
- [ ] T002 b (depends on T001)
");
        assert!(std::ptr::eq(TaskGraph::of(&before), inherited(&before, &typed)));
        // Paths are read from the document asked about, not the graph's.
        let waves = TaskGraph::of(&typed).schedule(&typed);
        assert_eq!(waves, TaskGraph::build(&typed).schedule(&typed));
    }

    #[test]
    fn a_new_version_with_other_inputs_builds_its_own() {
        let before = doc("- [ ] T001 [P] a
- [ ] T002 b (depends on T001)
");
        let changes = [
            "- [x] T001 [P] a\n- [ ] T002 b (depends on T001)\n",
            "- [ ] T001 a\n- [ ] T002 b (depends on T001)\n",
            "- [ ] T001 [P] a\n- [ ] T003 b (depends on T001)\n",
            "- [ ] T001 [P] a\n- [ ] T002 b\n",
            "- [ ] T001 [P] a\n## Phase 2: Core\n- [ ] T002 b (depends on T001)\n",
        ];
        for text in changes {
            let after = doc(text);
            let graph = inherited(&before, &after);
            assert!(!std::ptr::eq(TaskGraph::of(&before), graph), "{text}");
            assert_eq!(*graph, TaskGraph::build(&after), "{text}");
        }
    }
}
