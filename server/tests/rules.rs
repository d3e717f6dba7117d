//! Fixture tests for every rule: `fixtures/rules/<code>/fires/` is a
//! feature folder where the rule reports something, `passes/` one where it
//! stays silent. What fires is snapshotted as `check --format json`.

use std::path::{Path, PathBuf};

use specls::analysis::{RuleConfig, all_rules};
use specls::cli::check::{check_paths, json};

fn fixtures() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/rules"))
}

fn run(code: &str, folder: &Path) -> serde_json::Value {
    let mut config = RuleConfig::default();
    config.select(&[code.to_string()]).unwrap();
    let report = check_paths(&[folder.to_path_buf()], &config);
    assert_eq!(report.features.len(), 1, "{} is one feature folder", folder.display());
    let base = fixtures();
    let display = |p: &Path| p.strip_prefix(&base).unwrap_or(p).to_string_lossy().replace('\\', "/");
    json::render(&report, &display)
}

#[test]
fn every_rule_has_fixtures_that_fire_and_pass() {
    let mut missing = Vec::new();
    for rule in all_rules() {
        let code = rule.meta().code;
        let dir = fixtures().join(code);
        if !dir.join("fires").is_dir() || !dir.join("passes").is_dir() {
            missing.push(code);
            continue;
        }
        let fires = run(code, &dir.join("fires"));
        let found = fires["diagnostics"].as_array().unwrap();
        assert!(!found.is_empty(), "{code}: nothing reported in fires/");
        assert!(found.iter().all(|d| d["code"] == code));
        let passes = run(code, &dir.join("passes"));
        assert_eq!(passes["diagnostics"], serde_json::json!([]), "{code}: reported in passes/");
        insta::assert_json_snapshot!(code, fires);
    }
    assert!(missing.is_empty(), "rules without fires/ and passes/ fixtures: {missing:?}");
}
