//! Helpers for rule tests: a feature folder from inline files, and a rule's
//! findings as `file:line: message [fix: title]` strings.

use std::path::PathBuf;

use crate::analysis::{RuleConfig, analyze};
use crate::model::feature::{Feature, FeatureFile};
use crate::model::kind::DocumentKind;

/// A feature folder holding `files` (relative path, text).
pub fn feature(files: &[(&str, &str)]) -> Feature {
    let root = PathBuf::from("/fixture/specs/001-fixture");
    let mut feature = Feature::new(root.clone());
    for (rel, text) in files {
        let kind = DocumentKind::of_path(std::path::Path::new(rel)).expect("a document specls reads");
        feature.upsert(FeatureFile::from_text(root.join(rel), rel, kind, text));
    }
    feature
}

/// The findings of rule `code` over `files`, one string each.
pub fn check(code: &str, files: &[(&str, &str)]) -> Vec<String> {
    let feature = feature(files);
    let mut config = RuleConfig::default();
    config.select(&[code.to_string()]).expect("a known rule");
    analyze(&feature, &config)
        .iter()
        .map(|d| {
            let file = feature.file(&d.file).expect("diagnostics name files of the feature");
            let line = file.document.line_of(d.span.start) + 1;
            let fix = d.fix.as_ref().map(|f| format!(" [fix: {}]", f.title)).unwrap_or_default();
            format!("{}:{line}: {}{fix}", d.file, d.message)
        })
        .collect()
}
