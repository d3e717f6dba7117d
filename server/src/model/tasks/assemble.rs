//! One pass over a tasks.md's blocks: headings open phases and
//! subsections, task lines become tasks, bullets nested under a task (or a
//! heading task's body) become its details, and statements are kept for
//! edge resolution once every task is known.

use super::edges::{KeyIndex, PendingStatement, resolve};
use super::phase_title::{
    PhaseKind, is_prose_section, parse_phase_title, priority_in, story_in, subsection_kind,
};
use super::shifted::Shifted;
use super::{EdgeOrigin, Phase, RangeReference, Subsection, Task, TaskList, TasksDoc};
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::ids::TaskId;
use crate::model::scan::{CheckState, HeadingScan, MentionKind};
use crate::syntax::BlockKind;
use std::sync::Arc;

pub(super) fn assemble(blocks: &BlockList) -> TasksDoc {
    let mut builder = Builder::new(phase_level(blocks));
    for block in blocks.iter() {
        builder.block(block);
    }
    let end = blocks.blocks().last().map_or(0, |b| b.span().end);
    builder.finish(end)
}

/// Phases are the headings of the shallowest level at which some heading
/// is named as a phase; level 2 when none is.
fn phase_level(blocks: &BlockList) -> u8 {
    blocks
        .iter()
        .filter_map(|b| b.scan.heading.as_ref())
        .filter(|h| parse_phase_title(&h.title).is_some())
        .map(|h| h.level)
        .min()
        .unwrap_or(2)
}

/// A heading at phase level that is not named as a phase: it becomes a
/// phase (kind "other" or what its title says) once a task appears under it.
struct PendingPhase {
    block: ScannedBlock,
    heading: HeadingScan,
}

/// The task that following indented bullets (or, for a heading task, the
/// following paragraphs) describe.
#[derive(Clone, Copy)]
struct Owner {
    task: usize,
    indent: usize,
    heading: bool,
}

struct Builder {
    doc: TasksDoc,
    /// The tasks so far: details join them as they come.
    tasks: Vec<Task>,
    ranges: Vec<RangeReference>,
    phase_level: u8,
    phase: Option<usize>,
    subsection: Option<usize>,
    pending: Option<PendingPhase>,
    /// Open headings: (level, is a prose section).
    headings: Vec<(u8, bool)>,
    owner: Option<Owner>,
    statements: Vec<PendingStatement>,
    /// Keys of tasks written with a checkbox: a later heading or numbered
    /// item without one that names such a key describes that task.
    checked: std::collections::HashSet<crate::model::ids::TaskKey>,
}

impl Builder {
    fn new(phase_level: u8) -> Self {
        Builder {
            doc: TasksDoc::default(),
            tasks: Vec::new(),
            ranges: Vec::new(),
            phase_level,
            phase: None,
            subsection: None,
            pending: None,
            headings: Vec::new(),
            owner: None,
            statements: Vec::new(),
            checked: std::collections::HashSet::new(),
        }
    }

    fn in_prose(&self) -> bool {
        self.headings.iter().any(|(_, prose)| *prose)
    }

    fn block(&mut self, block: &ScannedBlock) {
        let scan = &block.scan;
        self.collect_ranges(block);
        match (&scan.heading, &scan.task) {
            (Some(_), Some(task)) if self.is_new_task(task, true) => self.task(block, true),
            (Some(heading), _) => self.heading(block, heading),
            (None, Some(task)) if self.is_new_task(task, false) => self.task(block, false),
            (None, None) if block.scan.kind == BlockKind::Table && self.table_tasks(block) => {}
            _ => self.other(block),
        }
    }

    /// Whether a task line starts a task rather than talking about tasks:
    /// without a checkbox, a line in a prose section, a statement
    /// (`### T002-T011: see Phase 3.2`) and a heading or numbered item
    /// restating a task listed with a checkbox (`### T001: ...` in a Task
    /// Details section) are not new tasks.
    fn is_new_task(&self, task: &crate::model::scan::TaskLine, heading: bool) -> bool {
        if task.has_checkbox {
            return true;
        }
        let restates = (heading
            || task.irregularities.contains(&crate::model::scan::Irregularity::NumberedItem))
            && self.checked.contains(&task.id.key);
        !(self.in_prose() || task.reads_as_statement || restates)
    }

    /// A table with an ID column: each body row holding a task ID is a
    /// task (a row restating a task listed with a checkbox is not).
    /// Whether any row was.
    fn table_tasks(&mut self, block: &ScannedBlock) -> bool {
        if self.in_prose() {
            return false;
        }
        let rows: Vec<ScannedBlock> = super::table_rows::task_rows(block)
            .into_iter()
            .filter(|row| row.scan.task.as_ref().is_some_and(|t| !self.checked.contains(&t.id.key)))
            .collect();
        for row in &rows {
            self.task(row, false);
        }
        self.owner = None;
        !rows.is_empty()
    }

    fn heading(&mut self, block: &ScannedBlock, heading: &HeadingScan) {
        self.owner = None;
        let phase_title = parse_phase_title(&heading.title);
        self.headings.retain(|(level, _)| *level < heading.level);
        let prose = phase_title.is_none() && is_prose_section(&heading.title);
        self.headings.push((heading.level, prose));
        if heading.level == 1 && self.doc.title.is_none() && self.doc.phases.is_empty() {
            self.doc.title = Some(heading.title.clone());
        }
        if heading.level > self.phase_level {
            self.open_subsection(block, heading);
            return;
        }
        self.close_phase(block.start);
        self.pending = None;
        if heading.level < self.phase_level {
            return;
        }
        match phase_title {
            Some(title) => self.open_phase(
                block,
                heading,
                title.number,
                title.kind,
                title.story,
                title.priority,
                title.mvp,
            ),
            None if !prose => {
                self.pending = Some(PendingPhase { block: block.clone(), heading: heading.clone() })
            }
            None => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn open_phase(
        &mut self,
        block: &ScannedBlock,
        heading: &HeadingScan,
        number: Option<String>,
        kind: PhaseKind,
        story: Option<u32>,
        priority: Option<u32>,
        mvp: bool,
    ) {
        self.doc.phases.push(Phase {
            title: (*heading.title).into(),
            level: heading.level,
            heading: block.span(),
            title_span: block.abs(heading.title_span),
            span: block.span(),
            number: number.map(Into::into),
            kind,
            story,
            priority,
            mvp,
            tasks: Arc::default(),
            subsections: Vec::new(),
            goal: None,
            independent_test: None,
            checkpoint: None,
        });
        self.phase = Some(self.doc.phases.len() - 1);
        self.subsection = None;
    }

    /// A pending heading turns into a phase when its first task arrives.
    fn materialize_pending(&mut self) {
        let Some(pending) = self.pending.take() else { return };
        let title = &pending.heading.title;
        let story = story_in(title);
        let kind =
            if story.is_some() { PhaseKind::UserStory } else { super::phase_title::kind_of_title(title) };
        let mvp = title.contains("MVP");
        self.open_phase(&pending.block, &pending.heading, None, kind, story, priority_in(title), mvp);
    }

    fn close_phase(&mut self, end: usize) {
        if let Some(phase) = self.phase.take() {
            let span = &mut self.doc.phases[phase].span;
            span.end = end.max(span.start);
        }
        self.subsection = None;
    }

    fn open_subsection(&mut self, block: &ScannedBlock, heading: &HeadingScan) {
        let Some(phase) = self.phase else { return };
        let phase = &mut self.doc.phases[phase];
        phase.subsections.push(Subsection {
            title: (*heading.title).into(),
            heading: block.span(),
            kind: subsection_kind(&heading.title),
            tasks: Arc::default(),
        });
        self.subsection = Some(phase.subsections.len() - 1);
    }

    fn task(&mut self, block: &ScannedBlock, heading: bool) {
        if self.phase.is_none() {
            self.materialize_pending();
        }
        let line = block.scan.task.as_ref().expect("called for task blocks");
        if line.has_checkbox {
            self.checked.insert(line.id.key);
        }
        let index = self.tasks.len();
        let mut task = Task {
            block: block.clone(),
            phase: self.phase,
            subsection: self.subsection,
            details: Vec::new(),
            state: line.state,
            parallel: line.parallel.is_some(),
            extent: block.span(),
        };
        if !block.scan.clauses.is_empty() {
            self.statements.push(PendingStatement {
                block: block.clone(),
                subject: Some((line.id.key, block.abs(line.id_span))),
                origin: EdgeOrigin::Line,
            });
        }
        // `**Status**: COMPLETE` written as a continuation line of the
        // task's own item (no bullet of its own) says as much as a detail.
        apply_state_fields(&mut task, block);
        self.tasks.push(task);
        self.owner = Some(Owner { task: index, indent: block.scan.indent, heading });
    }

    fn other(&mut self, block: &ScannedBlock) {
        let owner = self.owner.filter(|o| o.heading || block.scan.indent > o.indent);
        // A heading task's body runs to the next heading, but the phase's own
        // closing `**Checkpoint**:` line belongs to the phase.
        let owner = owner.filter(|o| !(o.heading && block.scan.indent == 0 && has_phase_field(block)));
        match owner {
            Some(owner) => self.detail(owner, block),
            None => {
                self.owner = None;
                self.phase_fields(block);
                if !block.scan.clauses.is_empty() {
                    self.statements.push(PendingStatement {
                        block: block.clone(),
                        subject: None,
                        origin: EdgeOrigin::Statement,
                    });
                }
            }
        }
    }

    /// A bullet or paragraph describing the owner task.
    fn detail(&mut self, owner: Owner, block: &ScannedBlock) {
        let task = &mut self.tasks[owner.task];
        task.extent = task.extent.cover(block.span());
        if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
            return;
        }
        task.details.push(block.clone());
        apply_state_fields(task, block);
        if !block.scan.clauses.is_empty() {
            let subject = Some((task.key(), task.id_span()));
            self.statements.push(PendingStatement {
                block: block.clone(),
                subject,
                origin: EdgeOrigin::Detail,
            });
        }
    }

    /// `**Goal**:`, `**Independent Test**:`, `**Checkpoint**:` of a phase.
    fn phase_fields(&mut self, block: &ScannedBlock) {
        let Some(phase) = self.phase else { return };
        let phase = &mut self.doc.phases[phase];
        for field in &block.scan.fields {
            let span = Some(block.abs(field.key_span.cover(field.value)));
            match phase_field(&field.key) {
                Some(PhaseField::Goal) => phase.goal = phase.goal.or(span),
                Some(PhaseField::IndependentTest) => phase.independent_test = phase.independent_test.or(span),
                Some(PhaseField::Checkpoint) => phase.checkpoint = phase.checkpoint.or(span),
                None => {}
            }
        }
    }

    fn collect_ranges(&mut self, block: &ScannedBlock) {
        if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
            return;
        }
        for mention in &block.scan.mentions {
            if let MentionKind::TaskRange { first, last } = &mention.kind {
                self.ranges.push(RangeReference {
                    span: block.abs(mention.span),
                    first: TaskId::clone(first),
                    last: TaskId::clone(last),
                    problem: None,
                });
            }
        }
    }

    fn finish(mut self, end: usize) -> TasksDoc {
        self.close_phase(end);
        let keys = KeyIndex::new(self.tasks.iter().map(Task::key));
        let mut edges = Vec::new();
        for statement in &self.statements {
            resolve(statement, &keys, &mut edges);
        }
        for range in &mut self.ranges {
            range.problem = keys.range_problem(range.first.key, range.last.key);
        }
        self.doc.ranges = Shifted::new(std::mem::take(&mut self.ranges));
        self.doc.index = keys;
        self.list_tasks_of_phases();
        // Grown by pushes, the list holds up to twice its tasks: the
        // shared run it becomes holds exactly them (4.8 MB of tasks for a
        // 50k-task tasks.md).
        self.doc.tasks = TaskList::new(std::mem::take(&mut self.tasks));
        self.doc.edges = Shifted::new(edges);
        self.doc
    }
}

impl Builder {
    /// Each phase's and subsection's tasks, from the tasks' own.
    fn list_tasks_of_phases(&mut self) {
        let phases = &mut self.doc.phases;
        let mut lists: Vec<(Vec<usize>, Vec<Vec<usize>>)> =
            phases.iter().map(|p| (Vec::new(), vec![Vec::new(); p.subsections.len()])).collect();
        for (index, task) in self.tasks.iter().enumerate() {
            let Some(phase) = task.phase else { continue };
            lists[phase].0.push(index);
            if let Some(sub) = task.subsection {
                lists[phase].1[sub].push(index);
            }
        }
        for (phase, (tasks, subsections)) in phases.iter_mut().zip(lists) {
            phase.tasks = tasks.into();
            for (subsection, tasks) in phase.subsections.iter_mut().zip(subsections) {
                subsection.tasks = tasks.into();
            }
        }
    }
}

/// The fields a phase carries under its heading.
enum PhaseField {
    Goal,
    IndependentTest,
    Checkpoint,
}

/// `**Goal**`, `**Purpose**`, `**User Story**`; `**Independent Test**`,
/// `**Independent Test Criteria**`; `**Checkpoint**`.
fn phase_field(key: &str) -> Option<PhaseField> {
    let key = key.to_ascii_lowercase();
    if matches!(key.as_str(), "goal" | "purpose" | "user story" | "objective") {
        Some(PhaseField::Goal)
    } else if key.starts_with("independent test") {
        Some(PhaseField::IndependentTest)
    } else if key.starts_with("checkpoint") {
        Some(PhaseField::Checkpoint)
    } else {
        None
    }
}

fn has_phase_field(block: &ScannedBlock) -> bool {
    block.scan.fields.iter().any(|f| matches!(phase_field(&f.key), Some(PhaseField::Checkpoint)))
}

/// The done state and parallel mark that `**Status**:` and `**Parallel**:`
/// fields of `block` give `task`.
fn apply_state_fields(task: &mut Task, block: &ScannedBlock) {
    for field in &block.scan.fields {
        let value = block.scan.slice(field.value);
        match field.key.to_ascii_lowercase().as_str() {
            "status" if is_done_status(value) => task.state = CheckState::Done,
            "parallel" | "parallelizable" if value.trim_start().to_ascii_lowercase().starts_with("yes") => {
                task.parallel = true
            }
            _ => {}
        }
    }
}

fn is_done_status(value: &str) -> bool {
    let upper = value.to_uppercase();
    ["COMPLETE", "DONE", "✅", "FINISHED", "MERGED"].iter().any(|w| upper.contains(w))
        && !upper.contains("INCOMPLETE")
}
