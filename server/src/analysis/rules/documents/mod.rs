//! Rules about the feature's documents themselves: a missing plan, a file
//! too large to analyse, control characters, clarification markers,
//! template placeholders, requirement IDs, story parts, paths outside the
//! planned structure.

mod control_character;
mod duplicate_requirement_id;
mod file_too_large;
mod missing_plan;
mod needs_clarification;
mod path_outside_structure;
mod story_missing_parts;
mod template_placeholder;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] = &[
    &missing_plan::MissingPlan,
    &path_outside_structure::PathOutsideStructure,
    &needs_clarification::NeedsClarification,
    &template_placeholder::TemplatePlaceholder,
    &duplicate_requirement_id::DuplicateRequirementId,
    &story_missing_parts::StoryMissingParts,
    &file_too_large::FileTooLarge,
    &control_character::ControlCharacter,
];
