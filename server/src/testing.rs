//! The one test harness of the crate, shared by the unit tests of every
//! layer: a feature folder from inline files (with a `$0` cursor when an
//! editor feature needs one, as in rust-analyzer's fixtures), a rule's
//! findings as one line each (`check`), and the texts after a rule's
//! fixes (`check_fix`) or after any edits (`apply_edits`).
//!
//! Test-only and outside the layers: nothing in the library imports it,
//! and it may use every layer. Edits are applied by the function
//! `check --fix` uses, so tests see what the user gets.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::analysis::{Diagnostic, FileEdit, RuleConfig, analyze};
use crate::cli::check::fix;
use crate::ide::target::Target;
use crate::model::feature::Feature;
use crate::model::kind::DocumentKind;
use crate::text::Span;

/// The cursor marker of [`feature_with_cursor`].
pub const CURSOR: &str = "$0";

/// The folder every fixture feature sits in.
const ROOT: &str = "/fixture/specs/001-fixture";

/// A feature folder holding `files` (relative path, text). Every name must
/// be a document specls reads, so a misspelt fixture fails loudly.
pub fn feature(files: &[(&str, &str)]) -> Feature {
    for (rel, _) in files {
        assert!(DocumentKind::of_path(Path::new(rel)).is_some(), "{rel} is no document specls reads");
    }
    Feature::from_texts(PathBuf::from(ROOT), files.iter().copied())
}

/// A feature from `files`; exactly one holds `$0`. Returns the feature,
/// the file with the cursor and the cursor's byte offset.
pub fn feature_with_cursor(files: &[(&str, &str)]) -> (Feature, String, usize) {
    let mut cursor = None;
    let texts: Vec<(&str, String)> = files
        .iter()
        .map(|(rel, text)| match text.find(CURSOR) {
            Some(at) => {
                cursor = Some((rel.to_string(), at));
                (*rel, text.replacen(CURSOR, "", 1))
            }
            None => (*rel, text.to_string()),
        })
        .collect();
    let borrowed: Vec<(&str, &str)> = texts.iter().map(|(rel, text)| (*rel, text.as_str())).collect();
    let (rel, offset) = cursor.expect("one file holds the $0 cursor");
    (feature(&borrowed), rel, offset)
}

/// The diagnostics of rule `code` alone over `feature`.
pub fn findings(code: &str, feature: &Feature) -> Vec<Diagnostic> {
    let mut config = RuleConfig::default();
    config.select(&[code.to_string()]).expect("a known rule");
    analyze(feature, &config)
}

/// The findings of rule `code` over `files`, one `file:line: message
/// [fix: title]` string each.
pub fn check(code: &str, files: &[(&str, &str)]) -> Vec<String> {
    let feature = feature(files);
    findings(code, &feature)
        .iter()
        .map(|d| {
            let file = feature.file(&d.file).expect("diagnostics name files of the feature");
            let line = file.document.line_of(d.span.start) + 1;
            let fix = d.fix.as_ref().map(|f| format!(" [fix: {}]", f.title)).unwrap_or_default();
            format!("{}:{line}: {}{fix}", d.file, d.message)
        })
        .collect()
}

/// The texts of every file of `files` after applying the fixes of all of
/// rule `code`'s findings at once, whatever their applicability.
pub fn fix_all(code: &str, files: &[(&str, &str)]) -> BTreeMap<String, String> {
    let feature = feature(files);
    let edits: Vec<FileEdit> =
        findings(code, &feature).into_iter().filter_map(|d| d.fix).flat_map(|f| f.edits).collect();
    assert!(!edits.is_empty(), "rule {code} offers no fix");
    apply_edits(&feature, &edits)
}

/// Rule `code`'s fixes over `before` change exactly one file, into `after`.
#[track_caller]
pub fn check_fix(code: &str, before: &[(&str, &str)], after: &str) {
    let originals: BTreeMap<&str, &str> = before.iter().copied().collect();
    let changed: Vec<(String, String)> =
        fix_all(code, before).into_iter().filter(|(rel, text)| originals[rel.as_str()] != text).collect();
    let [(_, text)] = changed.as_slice() else {
        panic!("the fixes of {code} change {} files, not one", changed.len())
    };
    assert_eq!(text, after);
}

/// The text of every file of `feature` after `edits`, by relative path.
pub fn apply_edits(feature: &Feature, edits: &[FileEdit]) -> BTreeMap<String, String> {
    feature
        .files
        .iter()
        .map(|file| {
            let mine: Vec<(Span, String)> =
                edits.iter().filter(|e| e.file == file.rel).map(|e| (e.span, e.new_text.clone())).collect();
            (file.rel.to_string(), fix::apply_edits(&file.document.text(), mine))
        })
        .collect()
}

/// `text` after `edits` (all meant for it).
pub fn apply_to<'a>(text: &str, edits: impl IntoIterator<Item = &'a FileEdit>) -> String {
    fix::apply_edits(text, edits.into_iter().map(|e| (e.span, e.new_text.clone())).collect())
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
pub fn text_of(feature: &Feature, file: &str, span: Span) -> String {
    feature.file(file).map(|f| f.document.slice(span).into_owned()).unwrap_or_default()
}
