//! Synthetic feature documents for benchmarks and load tests: realistic
//! shapes (phases, story subsections, `[P]`, paths, dependency prose) at
//! any size.

use std::fmt::Write;

/// A tasks.md with `count` tasks in the current template's layout: Setup,
/// Foundational, then user-story phases of 100 tasks with Tests and
/// Implementation subsections, and a Dependencies section.
pub fn tasks_md(count: usize) -> String {
    let mut out = String::with_capacity(count * 90);
    out.push_str(
        "# Tasks: Synthetic feature\n\n**Input**: Design documents from `/specs/001-synthetic/`\n\n",
    );
    let mut id = 1;
    let mut phase = 1;
    while id <= count {
        let size = 100.min(count + 1 - id);
        phase_heading(&mut out, phase);
        for i in 0..size {
            if phase > 2 && i == 0 {
                let _ = writeln!(out, "### Tests for User Story {}\n", phase - 2);
            }
            if phase > 2 && i == size / 3 {
                let _ = writeln!(out, "\n### Implementation for User Story {}\n", phase - 2);
            }
            task_line(&mut out, id, phase, i);
            id += 1;
        }
        out.push_str("\n**Checkpoint**: phase complete\n\n");
        phase += 1;
    }
    out.push_str("## Dependencies\n\n");
    let mut first = 1;
    while first + 100 <= count {
        let _ = writeln!(out, "- T{:03}-T{:03} before T{:03}", first, first + 49, first + 100);
        first += 100;
    }
    out
}

fn phase_heading(out: &mut String, phase: usize) {
    let _ = match phase {
        1 => writeln!(out, "## Phase 1: Setup (Shared Infrastructure)\n"),
        2 => writeln!(out, "## Phase 2: Foundational (Blocking Prerequisites)\n"),
        n => writeln!(
            out,
            "## Phase {n}: User Story {} - Synthetic story (Priority: P{})\n\n**Goal**: deliver story {}\n\n**Independent Test**: run its tests\n",
            n - 2,
            (n - 2) % 3 + 1,
            n - 2
        ),
    };
}

fn task_line(out: &mut String, id: usize, phase: usize, i: usize) {
    let done = if id % 3 == 0 { "x" } else { " " };
    let parallel = if i % 2 == 0 { "[P] " } else { "" };
    let story = if phase > 2 { format!("[US{}] ", phase - 2) } else { String::new() };
    let _ = write!(
        out,
        "- [{done}] T{id:03} {parallel}{story}Implement module {id} in src/module_{id}/service.py"
    );
    if i % 10 == 5 && id > 1 {
        let _ = write!(out, " (depends on T{:03})", id - 1);
    }
    out.push('\n');
}
