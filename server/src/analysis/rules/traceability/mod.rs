//! Rules about tracing work back to requirements: citations of IDs the
//! feature never defines.

mod defined;
mod unknown_requirement_reference;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] = &[&unknown_requirement_reference::UnknownRequirementReference];
