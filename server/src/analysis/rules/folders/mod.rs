//! Rules about the feature folder as a whole: documents the feature says
//! it has, and its number among the folders beside it.

mod duplicate_feature_number;
mod missing_document;

use crate::analysis::registry::Rule;

pub(super) static RULES: &[&dyn Rule] =
    &[&missing_document::MissingDocument, &duplicate_feature_number::DuplicateFeatureNumber];
