//! Rules about task dependencies: references, cycles, order, ranges.

mod cross_story_dependency;
mod dependency_cycle;
mod done_before_dependency;
mod forward_dependency;
mod invalid_range;
mod self_dependency;
mod support;
mod unknown_task_reference;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] = &[
    &unknown_task_reference::UnknownTaskReference,
    &self_dependency::SelfDependency,
    &dependency_cycle::DependencyCycle,
    &forward_dependency::ForwardDependency,
    &cross_story_dependency::CrossStoryDependency,
    &done_before_dependency::DoneBeforeDependency,
    &invalid_range::InvalidRange,
];
