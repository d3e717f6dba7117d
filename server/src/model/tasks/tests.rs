//! `check(fixture, expect)` tests of the tasks model: how phases,
//! subsections, tasks, details and every dependency notation assemble
//! (`assemble.rs`, `edges.rs`), and what `dump` prints. Each expectation
//! is the model as a reader would list it; `UPDATE_EXPECT=1` rewrites them
//! when behaviour changes on purpose.

use std::fmt::Write;

use expect_test::{Expect, expect};

use super::TasksDoc;
use crate::model::file::MarkdownFile;
use crate::text::Document;

/// The model of `text`, one line per phase, subsection, task and edge.
fn render(text: &str) -> String {
    let file = MarkdownFile::load(text);
    let doc = TasksDoc::from_blocks(file.blocks());
    let dump = doc.to_dump(&Document::new(text, 0), "tasks.md");
    let mut out = String::new();
    for phase in dump["phases"].as_array().into_iter().flatten() {
        let _ = writeln!(
            out,
            "phase {} {} ({}): {}",
            phase["number"].as_str().unwrap_or("-"),
            phase["title"].as_str().unwrap_or_default(),
            phase["kind"].as_str().unwrap_or_default(),
            ids(&phase["tasks"]),
        );
        for sub in phase["subsections"].as_array().into_iter().flatten() {
            let _ = writeln!(
                out,
                "  sub {} ({}): {}",
                sub["title"].as_str().unwrap_or_default(),
                sub["kind"].as_str().unwrap_or_default(),
                ids(&sub["tasks"])
            );
        }
    }
    for task in doc.tasks.iter() {
        let paths: Vec<&str> = task.paths().map(|(p, _)| p).collect();
        let _ = writeln!(
            out,
            "task {} done={} P={} story={} details={} paths={paths:?}",
            task.id().text,
            task.done(),
            task.parallel,
            task.story().map_or("-".to_string(), |n| format!("US{n}")),
            task.details.len(),
        );
    }
    for edge in &dump["dependencies"].as_array().cloned().unwrap_or_default() {
        let _ = writeln!(
            out,
            "edge {} needs {} ({}, line {})",
            edge["from"].as_str().unwrap_or_default(),
            edge["to"].as_str().unwrap_or_default(),
            edge["origin"].as_str().unwrap_or_default(),
            edge["line"]
        );
    }
    for range in doc.ranges.iter() {
        let _ = writeln!(out, "range {}-{} problem={:?}", range.first.text, range.last.text, range.problem);
    }
    out
}

fn ids(value: &serde_json::Value) -> String {
    let ids: Vec<&str> = value.as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
    ids.join(" ")
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text));
}

#[test]
fn phases_subsections_and_labels() {
    check(
        "# Tasks: Invites\n\n## Phase 1: Setup\n\n- [ ] T001 Create project in src/\n- [x] T002 [P] Configure lint in pyproject.toml\n\n## Phase 3: User Story 1 - Invite (Priority: P1) MVP\n\n**Goal**: invite people\n\n### Tests for User Story 1\n\n- [ ] T003 [P] [US1] Contract test in tests/contract/test_invite.py\n\n### Implementation for User Story 1\n\n- [ ] T004 [US1] Invite model in src/models/invite.py\n",
        expect![[r#"
            phase 1 Phase 1: Setup (setup): T001 T002
            phase 3 Phase 3: User Story 1 - Invite (Priority: P1) MVP (user-story): T003 T004
              sub Tests for User Story 1 (tests): T003
              sub Implementation for User Story 1 (implementation): T004
            task T001 done=false P=false story=- details=0 paths=["src/"]
            task T002 done=true P=true story=- details=0 paths=["pyproject.toml"]
            task T003 done=false P=true story=US1 details=0 paths=["tests/contract/test_invite.py"]
            task T004 done=false P=false story=US1 details=0 paths=["src/models/invite.py"]
        "#]],
    );
}

#[test]
fn details_belong_to_their_task() {
    check(
        "## Phase 1: Core\n\n- [ ] T001 Build the parser\n  - **File**: src/parser.rs\n  - **Depends on**: none\n- [ ] T002 Use it\n  **Depends on**: T001\n  **Status**: COMPLETE\n",
        expect![[r#"
            phase 1 Phase 1: Core (core): T001 T002
            task T001 done=false P=false story=- details=2 paths=["src/parser.rs"]
            task T002 done=true P=false story=- details=0 paths=[]
            edge T002 needs T001 (line, line 7)
        "#]],
    );
}

#[test]
fn dependency_notations_of_the_dependencies_section() {
    check(
        "## Phase 1: Core\n\n- [ ] T001 A in a.py\n- [ ] T002 B in b.py\n- [ ] T003 C in c.py\n- [ ] T004 D in d.py (depends on T003)\n- [ ] T005 E in e.py\n\n## Dependencies\n\n- T001-T002 before T003\n- T003 blocks T005\n- T004 → T005\n",
        expect![[r#"
            phase 1 Phase 1: Core (core): T001 T002 T003 T004 T005
            task T001 done=false P=false story=- details=0 paths=["a.py"]
            task T002 done=false P=false story=- details=0 paths=["b.py"]
            task T003 done=false P=false story=- details=0 paths=["c.py"]
            task T004 done=false P=false story=- details=0 paths=["d.py"]
            task T005 done=false P=false story=- details=0 paths=["e.py"]
            edge T004 needs T003 (line, line 6)
            edge T003 needs T001 (statement, line 11)
            edge T003 needs T002 (statement, line 11)
            edge T005 needs T003 (statement, line 12)
            edge T005 needs T004 (statement, line 13)
            range T001-T002 problem=None
        "#]],
    );
}

#[test]
fn ranges_over_suffixes_and_reversed_ranges() {
    check(
        "## Phase 1\n\n- [ ] T001 A\n- [ ] T002a B\n- [ ] T002b C\n- [ ] T003 D\n\n## Dependencies\n\nT001-T002b before T003. T003-T001 is backwards.\n",
        expect![[r#"
            phase 1 Phase 1 (other): T001 T002a T002b T003
            task T001 done=false P=false story=- details=0 paths=[]
            task T002a done=false P=false story=- details=0 paths=[]
            task T002b done=false P=false story=- details=0 paths=[]
            task T003 done=false P=false story=- details=0 paths=[]
            edge T003 needs T001 (statement, line 10)
            edge T003 needs T002a (statement, line 10)
            edge T003 needs T002b (statement, line 10)
            range T001-T002b problem=None
            range T003-T001 problem=Some(Reversed)
        "#]],
    );
}

#[test]
fn heading_tasks_and_bold_ids() {
    check(
        "## Phase 2: Foundational\n\n### T010: Create schema\n\n**Depends on**: T009\n\nWrite src/db/schema.sql.\n\n- [x] **T009** Pick the database\n",
        expect![[r#"
            phase 2 Phase 2: Foundational (foundational): T010 T009
            task T010 done=false P=false story=- details=2 paths=["src/db/schema.sql"]
            task T009 done=true P=false story=- details=0 paths=[]
            edge T010 needs T009 (detail, line 5)
        "#]],
    );
}

#[test]
fn tasks_kept_in_a_table_with_an_id_column() {
    check(
        "## Phase 0 – Preparation\n\n| ID | Task | Details |\n|----|------|---------|\n| T0.1 | [x] Locate the render block | in src/log.cpp |\n| T0.2 | [P] Add state fields | depends on T0.1 |\n| T0.3 | Decide the timestamp source | Done |\n\n## Phase 1: Core\n\n- [ ] T001 Build in src/a.py\n\n| ID | Status |\n|----|--------|\n| T001 | open |\n\n## Dependencies\n\n| Task | Depends on |\n|------|------------|\n| T001 | T0.3 |\n",
        expect![[r#"
            phase 0 Phase 0 – Preparation (setup): T0.1 T0.2 T0.3
            phase 1 Phase 1: Core (core): T001
            task T0.1 done=true P=false story=- details=0 paths=["src/log.cpp"]
            task T0.2 done=false P=true story=- details=0 paths=[]
            task T0.3 done=true P=false story=- details=0 paths=[]
            task T001 done=false P=false story=- details=0 paths=["src/a.py"]
            edge T0.2 needs T0.1 (line, line 6)
        "#]],
    );
}

#[test]
fn tables_without_an_id_column_list_no_tasks() {
    check(
        "## Phase 1: Core\n\n| Step | Task |\n|------|------|\n| 1 | T001 build |\n\n| Phase | Tasks |\n|-------|-------|\n| T001 | T002 |\n",
        expect![[r#"
            phase 1 Phase 1: Core (core): 
        "#]],
    );
}
