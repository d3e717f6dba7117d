//! The shapes of current Spec Kit (1.2.3) documents parse cleanly: a
//! `## Clarifications` section with dated sessions and `## Assumptions` in
//! spec.md, metadata as trailing-double-space lines and as paragraphs,
//! upper-case `[X]`, a Convergence phase whose tasks cite requirements and
//! acceptance scenarios with `(missing)` / `(partial)`, folders numbered
//! with a timestamp or four digits, a checklist, and tasks kept in tables
//! with an ID column (`| T1.2 | [P] [US1] Colour lines | ... |`). The only findings are
//! the two planted ones: a Convergence task citing FR-009, which the spec
//! never defines, and an unreplaced `__SPECKIT_COMMAND_CHECKLIST__`.

mod cli_support;

use cli_support::*;
use serde_json::Value;

const FIXTURE: &str = "server/tests/fixtures/formats";
const EXPORT: &str = "server/tests/fixtures/formats/specs/20260302-141500-export-csv";

#[test]
fn current_spec_kit_shapes_give_only_the_planted_findings() {
    let output = specls(&["check", FIXTURE, "--format", "concise"]);
    insta::assert_snapshot!(stdout(&output));
    assert_eq!(code(&output), 1, "the dangling citation is an error");
}

fn dump(rel: &str) -> Value {
    let output = specls(&["dump", &format!("{EXPORT}/{rel}"), "--format", "json"]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    serde_json::from_str(&stdout(&output)).unwrap()
}

#[test]
fn upper_case_done_marks_and_convergence_tasks_are_read() {
    let tasks = dump("tasks.md");
    let done: Vec<(&str, bool)> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["id"].as_str().unwrap(), t["state"] == "done"))
        .collect();
    assert_eq!(
        done,
        [
            ("T001", true),
            ("T002", true),
            ("T003", false),
            ("T004", false),
            ("T005", false),
            ("T006", false),
            ("T007", false),
            ("T008", false)
        ]
    );
    let phases: Vec<&str> =
        tasks["phases"].as_array().unwrap().iter().map(|p| p["title"].as_str().unwrap()).collect();
    assert_eq!(
        phases,
        ["Phase 1: Setup", "Phase 2: User Story 1 - Export a report (Priority: P1)", "Phase 3: Convergence"]
    );

    let checklist = dump("checklists/requirements.md");
    assert_eq!((checklist["done"].as_u64(), checklist["total"].as_u64()), (Some(2), Some(3)));
}

#[test]
fn clarification_sessions_and_assumptions_are_not_stories_or_requirements() {
    let spec = dump("spec.md");
    let stories: Vec<&str> =
        spec["stories"].as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect();
    assert_eq!(stories, ["US1"]);
    let requirements: Vec<&str> =
        spec["requirements"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(requirements, ["FR-001", "FR-002", "SC-001"]);
}

#[test]
fn tasks_kept_in_tables_are_tasks_with_their_states_labels_and_dependencies() {
    let output = specls(&[
        "dump",
        "server/tests/fixtures/formats/specs/0043-log-console/tasks.md",
        "--format",
        "json",
    ]);
    assert_eq!(code(&output), 0, "{}", stderr(&output));
    let tasks: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let rows: Vec<String> = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            format!("{} {} P={} story={}", t["id"].as_str().unwrap(), t["state"], t["parallel"], t["story"])
        })
        .collect();
    assert_eq!(
        rows,
        [
            "T0.1 \"done\" P=false story=null",
            "T0.2 \"done\" P=false story=null",
            "T1.1 \"done\" P=false story=\"US1\"",
            "T1.2 \"done\" P=true story=\"US1\"",
            "T1.3 \"open\" P=true story=\"US1\"",
        ]
    );
    let edges: Vec<String> = tasks["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}<-{}", e["from"].as_str().unwrap(), e["to"].as_str().unwrap()))
        .collect();
    assert_eq!(edges, ["T0.2<-T0.1", "T1.1<-T0.2", "T1.2<-T1.1", "T1.3<-T1.1"]);
}
