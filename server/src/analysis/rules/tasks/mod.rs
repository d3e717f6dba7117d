//! Rules about the task lines of tasks.md.

mod duplicate_task_id;
mod empty_phase;
mod malformed_task;
mod missing_file_path;
mod missing_story_label;
mod parallel_file_conflict;
mod parallel_open_dependency;
mod story_label_mismatch;
mod story_phase_incomplete;
mod support;
mod task_id_order;
mod test_after_implementation;
mod unknown_story;

use crate::analysis::registry::Rule;

// The rules whose diagnostics editor features act on, by their `META.code`.
pub(crate) use duplicate_task_id::DuplicateTaskId;
pub(crate) use malformed_task::MalformedTask;
pub(crate) use task_id_order::TaskIdOrder;

/// In catalogue order.
pub(super) static RULES: &[&dyn Rule] = &[
    &malformed_task::MalformedTask,
    &duplicate_task_id::DuplicateTaskId,
    &task_id_order::TaskIdOrder,
    &missing_file_path::MissingFilePath,
    &parallel_file_conflict::ParallelFileConflict,
    &parallel_open_dependency::ParallelOpenDependency,
    &missing_story_label::MissingStoryLabel,
    &story_label_mismatch::StoryLabelMismatch,
    &unknown_story::UnknownStory,
    &test_after_implementation::TestAfterImplementation,
    &story_phase_incomplete::StoryPhaseIncomplete,
    &empty_phase::EmptyPhase,
];
