//! Fixture tests for every rule, one `#[test]` each: `fixtures/rules/<code>/
//! fires/` is a feature folder where the rule reports something, `passes/`
//! one where it stays silent. What fires is snapshotted as a reader sees it
//! (ruff's snapshots are the model): the human output with its code frames,
//! then the diff that the rule's safe fixes make.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use specls::analysis::{Applicability, RuleConfig, all_rules};
use specls::cli::check::fix::apply_edits;
use specls::cli::check::{Report, check_paths, human};
use specls::text::Span;
use specls::workspace::config::load_config;

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rules"))
}

fn run(code: &str, folder: &Path) -> Report {
    // A fixture may carry a specls.toml (file-too-large sets a small limit).
    let own = folder.join("specls.toml");
    let mut config = if own.is_file() { load_config(&own).unwrap() } else { RuleConfig::default() };
    config.select(&[code.to_string()]).unwrap();
    let report = check_paths(&[folder.to_path_buf()], &config);
    // One feature folder; or, for rules about folders side by side
    // (duplicate-feature-number), a `specs/` of several.
    let one = report.features.len() == 1 || folder.join("specs").is_dir();
    assert!(one, "{} is one feature folder", folder.display());
    report
}

/// The human output, paths relative to the fixtures folder, without its
/// colours (stripped as `check --color never` does).
fn human_output(report: &Report) -> String {
    let base = fixtures();
    let display = |p: &Path| p.strip_prefix(&base).unwrap_or(p).to_string_lossy().replace('\\', "/");
    anstream::adapter::strip_str(&human::render(&report.located(&display), &report.summary())).to_string()
}

/// A unified diff per file of what the safe fixes change (fixes whose
/// edits overlap an earlier one wait, as `--fix` makes them wait for its
/// next round), or a line saying there is none.
fn safe_fix_diff(report: &Report) -> String {
    let mut per_file: BTreeMap<&str, Vec<(Span, String)>> = BTreeMap::new();
    for checked in &report.features {
        for fix in checked.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
            if fix.applicability != Applicability::Safe {
                continue;
            }
            let free = fix.edits.iter().all(|e| {
                per_file.get(&*e.file).is_none_or(|taken| {
                    taken.iter().all(|(s, _)| e.span.end <= s.start || s.end <= e.span.start)
                })
            });
            if free {
                for edit in &fix.edits {
                    per_file.entry(&edit.file).or_default().push((edit.span, edit.new_text.clone()));
                }
            }
        }
    }
    if per_file.is_empty() {
        return "(no safe fix)\n".to_string();
    }
    let feature = &report.features[0].feature;
    let mut out = String::new();
    for (rel, edits) in per_file {
        let before = feature.file(rel).expect("fixed file is in the feature").document.text();
        let after = apply_edits(&before, edits);
        let diff = similar::TextDiff::from_lines(&before, &after);
        let _ = write!(out, "{}", diff.unified_diff().context_radius(1).header(rel, rel));
    }
    visible_controls(&out)
}

/// Control characters as their Unicode pictures (`␀`), so that snapshots
/// stay text.
fn visible_controls(text: &str) -> String {
    let picture = |c: char| match c {
        '\t' | '\n' | '\r' => c,
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or(c),
        c => c,
    };
    text.chars().map(picture).collect()
}

fn check_rule(code: &str) {
    let dir = fixtures().join(code);
    assert!(
        dir.join("fires").is_dir() && dir.join("passes").is_dir(),
        "{code}: add fixtures/rules/{code}/fires/ and passes/"
    );
    let fires = run(code, &dir.join("fires"));
    let found: Vec<_> = fires.diagnostics().map(|(_, d)| d).collect();
    assert!(!found.is_empty(), "{code}: nothing reported in fires/");
    assert!(found.iter().all(|d| d.code == code), "{code}: another code fired");
    let passes = run(code, &dir.join("passes"));
    let quiet = human_output(&passes);
    assert_eq!(passes.diagnostics().count(), 0, "{code}: reported in passes/:\n{quiet}");
    let snapshot =
        format!("{}\n--- after the safe fixes ---\n{}", human_output(&fires), safe_fix_diff(&fires));
    insta::assert_snapshot!(code, snapshot);
}

/// One test per rule, so that one rule's change never hides another's.
/// A new rule adds its line here (the last test says which is missing).
macro_rules! rule_tests {
    ($($test:ident => $code:literal,)*) => {
        $(
            #[test]
            fn $test() {
                check_rule($code);
            }
        )*
        const TESTED: &[&str] = &[$($code),*];
    };
}

rule_tests! {
    constitution_gate_uncovered => "constitution-gate-uncovered",
    control_character => "control-character",
    contract_without_test => "contract-without-test",
    cross_story_dependency => "cross-story-dependency",
    dependency_cycle => "dependency-cycle",
    done_before_dependency => "done-before-dependency",
    duplicate_requirement_id => "duplicate-requirement-id",
    duplicate_task_id => "duplicate-task-id",
    empty_phase => "empty-phase",
    endpoint_without_task => "endpoint-without-task",
    entity_without_task => "entity-without-task",
    file_too_large => "file-too-large",
    forward_dependency => "forward-dependency",
    invalid_range => "invalid-range",
    malformed_task => "malformed-task",
    missing_file_path => "missing-file-path",
    missing_plan => "missing-plan",
    missing_story_label => "missing-story-label",
    needs_clarification => "needs-clarification",
    parallel_file_conflict => "parallel-file-conflict",
    parallel_open_dependency => "parallel-open-dependency",
    path_outside_structure => "path-outside-structure",
    requirement_coverage => "requirement-coverage",
    self_dependency => "self-dependency",
    story_label_mismatch => "story-label-mismatch",
    story_missing_parts => "story-missing-parts",
    story_phase_incomplete => "story-phase-incomplete",
    story_without_tasks => "story-without-tasks",
    task_id_order => "task-id-order",
    template_placeholder => "template-placeholder",
    test_after_implementation => "test-after-implementation",
    unknown_story => "unknown-story",
    unknown_task_reference => "unknown-task-reference",
    unknown_requirement_reference => "unknown-requirement-reference",
    duplicate_checklist_id => "duplicate-checklist-id",
    checklist_traceability => "checklist-traceability",
    vague_requirement => "vague-requirement",
    tasks_without_ids => "tasks-without-ids",
    missing_document => "missing-document",
    duplicate_feature_number => "duplicate-feature-number",
}

#[test]
fn every_registered_rule_has_a_fixture_test() {
    let missing: Vec<&str> =
        all_rules().map(|r| r.meta().code).filter(|code| !TESTED.contains(code)).collect();
    assert!(missing.is_empty(), "add a line to rule_tests! in server/tests/rules.rs for: {missing:?}");
    let unknown: Vec<&&str> = TESTED.iter().filter(|c| all_rules().all(|r| r.meta().code != **c)).collect();
    assert!(unknown.is_empty(), "rule_tests! names codes no rule has: {unknown:?}");
}
