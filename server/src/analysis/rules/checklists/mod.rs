//! Rules about checklists (`checklists/*.md`): their IDs and how their
//! items trace back to the spec.

mod checklist_traceability;
mod duplicate_checklist_id;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] =
    &[&duplicate_checklist_id::DuplicateChecklistId, &checklist_traceability::ChecklistTraceability];
