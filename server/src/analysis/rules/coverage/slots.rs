//! Where the coverage fixes put new tasks: a phase's end, a story's tests
//! or implementation subsection.

use crate::analysis::rules::insert::{TaskSlot, dominant_extension};
use crate::model::feature::{Feature, FeatureFile};
use crate::model::tasks::{PhaseKind, SubsectionKind, TasksDoc};

/// The end of phase `phase`: after its last task, or under its heading.
pub(super) fn phase_end(file: &FeatureFile, doc: &TasksDoc, phase: usize) -> TaskSlot {
    let p = &doc.phases[phase];
    TaskSlot::at_end(file, doc, &p.tasks, p.heading, p.story)
}

/// In phase `phase`, the end of its first subsection of `kind`, if it has
/// one.
pub(super) fn subsection_end(
    file: &FeatureFile,
    doc: &TasksDoc,
    phase: usize,
    kind: SubsectionKind,
) -> Option<TaskSlot> {
    let p = &doc.phases[phase];
    let sub = p.subsections.iter().find(|s| s.kind == kind)?;
    Some(TaskSlot::at_end(file, doc, &sub.tasks, sub.heading, p.story))
}

/// Where a new test goes in a story phase: the end of its tests
/// subsection, else before its first task (tests come first), else under
/// its heading.
pub(super) fn story_tests(file: &FeatureFile, doc: &TasksDoc, phase: usize) -> TaskSlot {
    if let Some(slot) = subsection_end(file, doc, phase, SubsectionKind::Tests) {
        return slot;
    }
    let p = &doc.phases[phase];
    match p.tasks.first() {
        Some(&first) => TaskSlot::before(file, doc, first, p.story),
        None => phase_end(file, doc, phase),
    }
}

/// Where new implementation work goes in a story phase: the end of its
/// implementation subsection, else the end of the phase.
pub(super) fn story_implementation(file: &FeatureFile, doc: &TasksDoc, phase: usize) -> TaskSlot {
    subsection_end(file, doc, phase, SubsectionKind::Implementation)
        .unwrap_or_else(|| phase_end(file, doc, phase))
}

/// The first phase of `kind`.
pub(super) fn first_phase(doc: &TasksDoc, kind: PhaseKind) -> Option<usize> {
    doc.phases.iter().position(|p| p.kind == kind)
}

/// The first user-story phase.
pub(super) fn first_story_phase(doc: &TasksDoc) -> Option<usize> {
    doc.phases.iter().position(|p| p.kind == PhaseKind::UserStory && p.story.is_some())
}

/// After the document's last task.
pub(super) fn after_last_task(file: &FeatureFile, doc: &TasksDoc) -> Option<TaskSlot> {
    let last = doc.tasks.len().checked_sub(1)?;
    let task = &doc.tasks[last];
    let story = task.phase.and_then(|p| doc.phases[p].story);
    Some(TaskSlot::at_end(file, doc, &[last], task.block.span(), story))
}

/// The language new files are written in: the most common source-file
/// extension among the paths tasks name, else among the plan's Project
/// Structure.
pub(super) fn source_extension(feature: &Feature, doc: &TasksDoc) -> Option<String> {
    let task_paths = doc.tasks.iter().flat_map(|t| t.paths().map(|(p, _)| p));
    dominant_extension(task_paths).or_else(|| {
        let (_, plan) = feature.plan()?;
        dominant_extension(plan.source_paths().map(|p| &*p.path))
    })
}
