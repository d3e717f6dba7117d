//! `specls analyze`: the `/speckit.analyze`-shaped report, over the
//! example and over a small feature that traces its requirements.

use serde_json::Value;

mod cli_support;

use cli_support::*;

#[test]
fn markdown_report_of_the_example() {
    let output = specls(&["analyze", "examples"]);
    assert_eq!(code(&output), 1, "the example has a constitution gate no task covers (CRITICAL)");
    insta::assert_snapshot!("analyze_example", stdout(&output));
}

/// A feature whose tasks cite requirements: FR-001 by T002, FR-002 by
/// none; T001 neither cites one nor belongs to a story.
fn traced_feature(name: &str) -> std::path::PathBuf {
    let dir = temp_dir(name);
    let feature = dir.join("specs/002-export");
    std::fs::create_dir_all(&feature).unwrap();
    let spec = "# Feature Specification: Export\n\n## User Scenarios & Testing\n\n\
### User Story 1 - Export a report (Priority: P1)\n\nA user exports a report.\n\n\
**Acceptance Scenarios**:\n\n1. **Given** a report, **When** the user exports it, **Then** a CSV file downloads.\n\n\
## Requirements\n\n### Functional Requirements\n\n\
- **FR-001**: System MUST export reports as CSV.\n\
- **FR-002**: System MUST name the file after the report.\n";
    let plan = "# Implementation Plan: Export\n\n## Summary\n\nA CSV export endpoint.\n";
    let tasks = "# Tasks: Export\n\n## Phase 1: Setup\n\n\
- [ ] T001 Create the export module in src/export/__init__.py\n\n\
## Phase 2: User Story 1 - Export a report (Priority: P1)\n\n\
- [ ] T002 [US1] Write the CSV writer for FR-001 in src/export/csv.py\n";
    std::fs::write(feature.join("spec.md"), spec).unwrap();
    std::fs::write(feature.join("plan.md"), plan).unwrap();
    std::fs::write(feature.join("tasks.md"), tasks).unwrap();
    dir
}

#[test]
fn json_report_has_coverage_unmapped_tasks_and_metrics() {
    let dir = traced_feature("analyze-json");
    let output = specls(&["analyze", dir.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let report = &json(&output)["features"][0];
    assert_eq!(report["feature"], "002-export");
    let coverage: Vec<(&str, bool, Vec<&str>)> = report["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let tasks = row["tasks"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
            (row["requirement"].as_str().unwrap(), row["has_task"].as_bool().unwrap(), tasks)
        })
        .collect();
    assert_eq!(coverage, [("FR-001", true, vec!["T002"]), ("FR-002", false, vec![])]);
    let unmapped: Vec<&str> =
        report["unmapped_tasks"].as_array().unwrap().iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(unmapped, ["T001"], "T002 is in a story and cites FR-001");
    assert_eq!(report["metrics"]["requirements"], 2);
    assert_eq!(report["metrics"]["tasks"], 2);
    assert_eq!(report["metrics"]["coverage_percent"], 50);
    assert_eq!(report["metrics"]["critical_issues"], 0);
    insta::assert_snapshot!(
        "analyze_traced",
        stdout(&specls(&["analyze", dir.to_str().unwrap()])).replace(dir.to_str().unwrap(), "ROOT")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn finding_ids_are_unique_stable_and_counted() {
    let first = json(&specls(&["analyze", "examples", "--format", "json"]));
    let again = json(&specls(&["analyze", "examples", "--format", "json"]));
    assert_eq!(first, again, "the same folder gives the same report");
    let reports = first["features"].as_array().unwrap();
    assert_eq!(reports.len(), 2, "examples/ holds two feature folders");
    let mut rows = 0;
    for report in reports {
        let findings = report["findings"].as_array().unwrap();
        let mut ids: Vec<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "IDs are unique within a feature's report");
        rows += count;
        let of = |category: &str| findings.iter().filter(|f| f["category"] == category).count();
        assert_eq!(report["metrics"]["ambiguity_count"], of("Ambiguity"));
        assert_eq!(report["metrics"]["duplication_count"], of("Duplication"));
        let critical = findings.iter().filter(|f| f["severity"] == "CRITICAL").count();
        assert_eq!(report["metrics"]["critical_issues"], critical);
        let constitution: Vec<&Value> = report["constitution_issues"].as_array().unwrap().iter().collect();
        assert_eq!(constitution.len(), of("Constitution Alignment"));
    }
    // Every finding of `check` is a row.
    let check = json(&specls(&["check", "examples", "--format", "json"]));
    assert_eq!(rows, check["diagnostics"].as_array().unwrap().len());
}

#[test]
fn a_missing_path_is_an_error() {
    let output = specls(&["analyze", "no/such/folder"]);
    assert_eq!(code(&output), 2);
}
