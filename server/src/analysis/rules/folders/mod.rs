//! Rules about the feature folder as a whole: documents the feature says
//! it has.

mod missing_document;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] = &[&missing_document::MissingDocument];
