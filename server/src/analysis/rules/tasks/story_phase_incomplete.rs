use super::support::blocks_within;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::model::tasks::{Phase, PhaseKind, TasksDoc};

declare_rule! {
    /// ## What it does
    /// Reports a user-story phase that lacks one of the parts the template
    /// gives it, and story phases out of priority order.
    ///
    /// The parts are `**Goal**:` (also accepted: `**Purpose**:`, `**User
    /// Story**:`, `**Story**:`, `**Objective**:`, `**Summary**:`),
    /// `**Independent Test**:` (also `**Independent Test Criteria**:`,
    /// `**Test**:`, `**Acceptance**:`) and `**Checkpoint**:` (also
    /// `**Exit Criteria**:`, `**Done When**:`), written as fields of the
    /// phase: a task's own `**Test**:` detail does not count, a checkpoint
    /// after the last task does (even where a heading task's body seems to
    /// swallow it). One finding per phase names every missing part.
    ///
    /// A story's priority comes from its phase heading (`(Priority: P1)`,
    /// `**MVP P1**`) or, failing that, from spec.md. A phase whose story
    /// has a higher priority (a smaller `P` number) than a phase before it
    /// is reported once, naming the earlier phase. Phases without a known
    /// priority are not compared.
    ///
    /// ## Why is this bad?
    /// The goal says what the phase delivers, the independent test how to
    /// show it works on its own, and the checkpoint when to stop and
    /// check: without them a story cannot be delivered and demonstrated
    /// as an increment. Phases out of priority order build the less
    /// important story first, so the MVP comes later than it could.
    ///
    /// ## Example
    /// ```markdown
    /// ## Phase 3: User Story 2 - Reports (Priority: P2)
    ///
    /// - [ ] T010 [US2] Create Report model in src/models/report.py
    ///
    /// ## Phase 4: User Story 1 - Login (Priority: P1)
    /// ```
    ///
    /// ## Fix
    /// None: write the missing parts; move the phase (and renumber) by
    /// hand.
    pub struct StoryPhaseIncomplete { code: "story-phase-incomplete", severity: Info }
}

impl Rule for StoryPhaseIncomplete {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let blocks = file.blocks.as_deref().map_or(&[][..], |b| b.blocks());
        let spec = cx.feature.spec().map(|(_, spec)| spec);
        let severity = Self::META.default_severity;
        // (priority, phase) of the least important story phase so far.
        let mut lowest: Option<(u32, &Phase)> = None;
        for phase in doc.phases.iter().filter(|p| p.kind == PhaseKind::UserStory) {
            let missing = missing_parts(doc, phase, blocks);
            if !missing.is_empty() {
                let message = format!("\"{}\" has no {}", phase.title, join(&missing));
                out.push(cx.report(severity, file, phase.title_span, message));
            }
            let priority = phase
                .priority
                .or_else(|| spec.zip(phase.story).and_then(|(spec, story)| spec.story(story)?.priority));
            let Some(priority) = priority else { continue };
            match lowest {
                Some((before, earlier)) if priority < before => {
                    let message = format!(
                        "\"{}\" (P{priority}) comes after \"{}\" (P{before}, line {}): higher priorities go first",
                        phase.title,
                        earlier.title,
                        cx.line(file, earlier.heading.start)
                    );
                    out.push(cx.report(severity, file, phase.title_span, message).with_related(
                        &file.rel,
                        earlier.title_span,
                        format!("P{before} here"),
                    ));
                }
                Some((before, _)) if priority <= before => {}
                _ => lowest = Some((priority, phase)),
            }
        }
    }
}

const GOAL: &[&str] = &["goal", "purpose", "user story", "story", "objective", "summary"];
const INDEPENDENT_TEST: &[&str] =
    &["independent test", "independent test criteria", "independent test criterion", "test", "acceptance"];
const CHECKPOINT: &[&str] = &["checkpoint", "exit criteria", "done when"];

/// The template parts the phase lacks, in template order.
fn missing_parts(doc: &TasksDoc, phase: &Phase, blocks: &[ScannedBlock]) -> Vec<&'static str> {
    if phase.goal.is_some() && phase.independent_test.is_some() && phase.checkpoint.is_some() {
        return Vec::new();
    }
    // (key, whether a task's details hold it). A task's `**Test**:` says
    // nothing about the phase; but a heading task's body runs to the next
    // heading and swallows the phase's closing `**Checkpoint**:`, so
    // checkpoints count wherever they are.
    let keys: Vec<(String, bool)> = blocks_within(blocks, phase.heading.start, phase.span.end)
        .filter(|b| !b.scan.fields.is_empty())
        .flat_map(|b| {
            let in_task = doc.task_at(b.start).is_some();
            b.scan.fields.iter().map(move |f| (f.key.trim().to_lowercase(), in_task))
        })
        .collect();
    let has = |names: &[&str], anywhere: bool| {
        keys.iter().any(|(k, in_task)| {
            (anywhere || !in_task) && (names.contains(&k.as_str()) || k.starts_with(names[0]))
        })
    };
    let mut missing = Vec::new();
    if phase.goal.is_none() && !has(GOAL, false) {
        missing.push("Goal");
    }
    if phase.independent_test.is_none() && !has(INDEPENDENT_TEST, false) {
        missing.push("Independent Test");
    }
    if phase.checkpoint.is_none() && !has(CHECKPOINT, true) {
        missing.push("Checkpoint");
    }
    missing
}

fn join(parts: &[&str]) -> String {
    match parts {
        [one] => one.to_string(),
        [a, b] => format!("{a} and no {b}"),
        [a, b, c] => format!("{a}, no {b} and no {c}"),
        _ => parts.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "story-phase-incomplete";

    #[test]
    fn missing_parts_are_one_finding_per_phase() {
        let text = "## Phase 3: User Story 1 - Login (Priority: P1)\n\n**Goal**: log in\n\n- [ ] T001 [US1] a\n\n\
                    ## Phase 4: User Story 2 - Logout (Priority: P2)\n\n- [ ] T002 [US2] b\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:1: \"Phase 3: User Story 1 - Login (Priority: P1)\" has no Independent Test and no Checkpoint",
                "tasks.md:7: \"Phase 4: User Story 2 - Logout (Priority: P2)\" has no Goal, no Independent Test and \
                 no Checkpoint",
            ]
        );
    }

    #[test]
    fn fields_of_a_task_are_not_the_phase_s() {
        let text = "## Phase 3: User Story 1 (P1)\n\n**Goal**: a\n\n### T001: Create x [US1]\n\n**Test**: run it\n\n\
                    **Checkpoint**: c\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:1: \"Phase 3: User Story 1 (P1)\" has no Independent Test"]
        );
    }

    #[test]
    fn complete_phases_and_accepted_spellings_pass() {
        let text = "## Phase 3: User Story 1 (P1)\n\n**Goal**: a\n\n**Independent Test**: b\n\n- [ ] T001 [US1] a\n\n\
                    **Checkpoint**: c\n\n## Phase 4: User Story 2 (P2)\n\n**User Story**: a\n\n\
                    **Independent Test Criteria**: b\n\n- [ ] T002 [US2] b\n\n**Checkpoint 2**: c\n\n\
                    ## Phase 5: Polish\n\n- [ ] T003 c\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn priorities_out_of_order_use_the_spec_when_headings_say_nothing() {
        let parts = "**Goal**: a\n\n**Independent Test**: b\n\n**Checkpoint**: c\n\n";
        let text = format!(
            "## Phase 3: User Story 2\n\n{parts}## Phase 4: User Story 3 (P3)\n\n{parts}\
             ## Phase 5: User Story 1\n\n{parts}## Phase 6: User Story 4 (P3)\n\n{parts}"
        );
        let spec = "# Spec\n\n### User Story 1 - A (Priority: P1)\n\n### User Story 2 - B (Priority: P2)\n";
        assert_eq!(
            check(CODE, &[("spec.md", spec), ("tasks.md", &text)]),
            [
                "tasks.md:17: \"Phase 5: User Story 1\" (P1) comes after \"Phase 4: User Story 3 (P3)\" (P3, line 9): \
                 higher priorities go first"
            ]
        );
    }
}
