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

/// Type into the tasks.md of a synthetic feature (many small stories, 75
/// tasks) as an editor does, and check that what analysis keeps across
/// edits is what it finds on the same texts loaded fresh.
///
/// Each of `rounds` edits replaces a random range (empty, or up to 400
/// bytes) by one of `fragments`; with `in_headings`, every other one
/// starts in a heading's title, so sections change while the runs of
/// tasks in them stay. The model is built from the last version's, as the
/// language server builds it, and `observe` runs after each edit (it is
/// expected to analyse, filling what is kept). Its result must equal
/// `observe` of a feature loaded fresh from the same texts (observed
/// twice there: the first fills the fresh feature's facts, as earlier
/// rounds filled the edited one's). `seed` picks the edits.
pub fn typing_keeps_what_loading_finds<T: PartialEq + std::fmt::Debug>(
    seed: u64,
    rounds: i32,
    fragments: &[&str],
    in_headings: bool,
    observe: impl Fn(&Feature) -> T,
) {
    use crate::model::feature::FeatureFile;
    use crate::model::file::MarkdownFile;
    use crate::text::{ContentChange, PositionEncoding, PositionRange};
    let mut seed = seed;
    let mut next = |bound: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize % bound.max(1)
    };
    let files = crate::synth::Shape::Stories.files(75);
    let root = PathBuf::from("/synthetic/specs/001-synthetic");
    let others =
        || files.iter().filter(|(rel, _)| *rel != "tasks.md").map(|(rel, text)| (*rel, text.as_str()));
    let (_, text) = files.iter().find(|(rel, _)| *rel == "tasks.md").expect("a tasks.md");
    let mut tasks = MarkdownFile::open(text, 0);
    let path = root.join("tasks.md");
    let mut feature = Feature::from_texts(root.clone(), others());
    feature.upsert(FeatureFile::from_markdown(path.clone(), "tasks.md", DocumentKind::Tasks, &tasks));
    observe(&feature);
    for round in 1..=rounds {
        let (encoding, document) = (PositionEncoding::Utf16, tasks.document());
        let text = document.text();
        let headings: Vec<usize> = text.match_indices("\n#").map(|(at, _)| at + 1).collect();
        let start = match next(2) {
            0 if in_headings && !headings.is_empty() => {
                let heading = headings[next(headings.len())];
                heading + text[heading..].find(' ').map_or(0, |space| space + 1)
            }
            _ => next(text.len() + 1),
        };
        let end = (start + [0, 0, 1, 5, 40, 400][next(6)]).min(text.len());
        let range =
            PositionRange::new(document.position_of(start, encoding), document.position_of(end, encoding));
        let insert = fragments[next(fragments.len())];
        tasks.apply_changes(&[ContentChange::replace(range, insert)], encoding, round);
        let older = feature.file("tasks.md");
        let file =
            FeatureFile::from_markdown_after(path.clone(), "tasks.md", DocumentKind::Tasks, &tasks, older);
        feature.upsert(file);
        let kept = observe(&feature);
        let mut fresh = Feature::from_texts(root.clone(), others());
        let text = tasks.document().text();
        fresh.upsert(FeatureFile::from_text(path.clone(), "tasks.md", DocumentKind::Tasks, &text));
        observe(&fresh);
        assert_eq!(kept, observe(&fresh), "round {round}");
    }
}
