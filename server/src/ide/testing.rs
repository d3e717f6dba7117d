//! Fixtures for editor features, in the style of rust-analyzer's
//! `check(fixture, expect)`: files of a feature with one `$0` cursor.

use std::path::PathBuf;

use super::target::Target;
use crate::model::feature::{Feature, FeatureFile};
use crate::model::kind::DocumentKind;

/// The cursor marker.
pub const CURSOR: &str = "$0";

/// A feature from `files`; exactly one holds `$0`. Returns the feature,
/// the file with the cursor and the cursor's byte offset.
pub fn feature_with_cursor(files: &[(&str, &str)]) -> (Feature, String, usize) {
    let root = PathBuf::from("/fixture/specs/001-fixture");
    let mut feature = Feature::new(root.clone());
    let mut cursor = None;
    for (rel, text) in files {
        let text = match text.find(CURSOR) {
            Some(at) => {
                cursor = Some((rel.to_string(), at));
                text.replacen(CURSOR, "", 1)
            }
            None => text.to_string(),
        };
        let kind = DocumentKind::of_path(std::path::Path::new(rel)).expect("a document specls reads");
        feature.upsert(FeatureFile::from_text(root.join(rel), rel, kind, &text));
    }
    let (rel, offset) = cursor.expect("one file holds the $0 cursor");
    (feature, rel, offset)
}

/// A short, stable description of a target for assertions.
pub fn label(target: &Target) -> String {
    match target {
        Target::Task { id, definition, .. } => {
            format!("task {} {}", id.key, if *definition { "definition" } else { "reference" })
        }
        Target::TaskRange { first, last, .. } => format!("range {}-{}", first.key, last.key),
        Target::Parallel { task, .. } => format!("parallel of task {task}"),
        Target::Story { number, .. } => format!("story {number}"),
        Target::Requirement { id, .. } => format!("requirement {id}"),
        Target::Path { path, .. } => format!("path {path}"),
        Target::Phase { phase, .. } => format!("phase {phase}"),
        Target::Endpoint { method, path, .. } => format!("endpoint {method} {path}"),
        Target::Entity { name, .. } => format!("entity {name}"),
        Target::ChecklistItem { item, .. } => format!("checklist item {item}"),
    }
}

/// The text of a feature file's span, for readable expectations.
pub fn text_of(feature: &Feature, file: &str, span: crate::text::Span) -> String {
    feature.file(file).map(|f| f.document.slice(span).into_owned()).unwrap_or_default()
}
