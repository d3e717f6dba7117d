//! Rules about what tasks.md covers of the other documents: contracts,
//! endpoints, entities, stories, requirements, constitution gates.
//!
//! They share one notion of a task "naming" something ([`matching`]) and
//! one notion of where new tasks go ([`slots`], on top of
//! [`super::insert`]). [`requirement_coverage`] is the pure coverage
//! computation that hover and code lens show.

mod constitution_gate_uncovered;
mod contract_without_test;
mod endpoint_without_task;
mod entity_without_task;
mod requirement_coverage;
mod slots;
mod story_without_tasks;

// The coverage that hover and code lens will show; `rules::coverage` has to
// become public (or be re-exported by `analysis`) for `ide/` to reach it.
#[allow(unused_imports)]
pub use requirement_coverage::{CoveredRequirement, RequirementCoverage, requirement_coverage};

use crate::analysis::registry::Rule;

// Its fix, a phase skeleton, is also a refactor in the editor.
pub(crate) use story_without_tasks::StoryWithoutTasks;

pub(super) static RULES: &[&dyn Rule] = &[
    &contract_without_test::ContractWithoutTest,
    &endpoint_without_task::EndpointWithoutTask,
    &entity_without_task::EntityWithoutTask,
    &story_without_tasks::StoryWithoutTasks,
    &requirement_coverage::RequirementCoverageRule,
    &constitution_gate_uncovered::ConstitutionGateUncovered,
];
