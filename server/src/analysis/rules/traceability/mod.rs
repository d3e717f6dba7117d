//! Rules about tracing work back to requirements: citations of IDs the
//! feature never defines, requirements too vague to trace a test to, and
//! task lists without the IDs every trace needs.

mod tasks_without_ids;
mod unknown_requirement_reference;
mod vague_requirement;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] = &[
    &unknown_requirement_reference::UnknownRequirementReference,
    &vague_requirement::VagueRequirement,
    &tasks_without_ids::TasksWithoutIds,
];
