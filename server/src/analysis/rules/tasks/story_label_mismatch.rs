use std::borrow::Cow;

use crate::analysis::table::TaskRow;
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::tasks::{Phase, PhaseKind, Task};
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a story label that contradicts the phase the task sits in:
    /// `[US2]` inside the phase of User Story 1, or any `[USn]` inside a
    /// Setup, Foundational or Polish phase.
    ///
    /// A phase that names several stories (`User Stories 2 & 3`, `US2 +
    /// US3`) accepts the label of each. Phases named otherwise (Tests,
    /// Core, Integration, or titles specls cannot classify) are not
    /// checked: their tasks may well serve one story.
    ///
    /// ## Why is this bad?
    /// Either the label or the task's place is wrong. A story's phase is
    /// meant to be delivered and tested on its own; a task of another
    /// story inside it, or a story task hidden in shared Setup or Polish
    /// work, breaks that, and progress per story is counted wrongly.
    ///
    /// ## Example
    /// ```markdown
    /// ## Phase 3: User Story 1 - Login (Priority: P1)
    ///
    /// - [ ] T012 [US2] Create Report model in src/models/report.py
    /// ```
    ///
    /// ## Fix
    /// In a story phase: use the phase's label. Outside: remove the label.
    /// Both are unsafe: the task may be in the wrong phase instead, and
    /// then it should move rather than change its label.
    pub struct StoryLabelMismatch { code: "story-label-mismatch", severity: Warning }
}

impl Rule for StoryLabelMismatch {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let (rows, phases) = (cx.rows(), &cx.tables().phases);
        for (at, phase) in doc.phases.iter().enumerate() {
            let named: Cow<[u32]> = match (phase.kind, phase.story) {
                (PhaseKind::UserStory, Some(story)) => match phases.named(at) {
                    [] => Cow::Owned(vec![story]),
                    named => Cow::Borrowed(named),
                },
                (PhaseKind::Setup | PhaseKind::Foundational | PhaseKind::Polish, _) => {
                    // "Phase 10: Release Command" whose tasks all carry
                    // [US7] is that story's phase, whatever its title
                    // suggests.
                    Cow::Owned(sole_label(phase, rows).into_iter().collect())
                }
                _ => continue,
            };
            for &index in phase.tasks.iter() {
                if rows[index].label.is_none_or(|label| named.contains(&label)) {
                    continue;
                }
                let task = &doc.tasks[index];
                let Some((_, relative)) = task.line().story else { continue };
                let span = task.block.abs(relative);
                let written = task.block.scan.slice(relative);
                let (message, fix) = match &*named {
                    [] => (
                        format!(
                            "{} is labelled {written} but sits in \"{}\", a {} phase, which serves every story",
                            task.id(),
                            phase.title,
                            kind_name(phase.kind)
                        ),
                        Fix::replace(
                            format!("Remove {written}"),
                            Applicability::Unsafe,
                            &file.rel,
                            with_leading_space(task, relative),
                            "",
                        ),
                    ),
                    [story] => (
                        format!("{} is labelled {written} but sits in the phase of US{story}", task.id()),
                        Fix::replace(
                            format!("Use [US{story}]"),
                            Applicability::Unsafe,
                            &file.rel,
                            span,
                            format!("[US{story}]"),
                        ),
                    ),
                    several => {
                        let list: Vec<String> = several.iter().map(|n| format!("US{n}")).collect();
                        let message = format!(
                            "{} is labelled {written} but sits in the phase of {}",
                            task.id(),
                            list.join(", ")
                        );
                        out.push(cx.report(Self::META.default_severity, file, span, message));
                        continue;
                    }
                };
                out.push(cx.report(Self::META.default_severity, file, span, message).with_fix(fix));
            }
        }
    }
}

/// The one story every task of the phase is labelled with, if all are.
fn sole_label(phase: &Phase, rows: &[TaskRow]) -> Option<u32> {
    if phase.tasks.len() < 2 {
        return None;
    }
    let first = rows.get(*phase.tasks.first()?)?.label?;
    phase.tasks.iter().all(|&i| rows[i].label == Some(first)).then_some(first)
}

fn kind_name(kind: PhaseKind) -> &'static str {
    match kind {
        PhaseKind::Setup => "Setup",
        PhaseKind::Foundational => "Foundational",
        _ => "Polish",
    }
}

/// The label and one space before it, so removing it leaves one space.
fn with_leading_space(task: &Task, label: Span) -> Span {
    let text = &task.block.scan.text;
    let start = if text[..label.start].ends_with(' ') { label.start - 1 } else { label.start };
    task.block.abs(Span::new(start, label.end))
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "story-label-mismatch";

    #[test]
    fn another_story_in_a_story_phase() {
        let text = "## Phase 3: User Story 1 - Login (P1)\n\n- [ ] T010 [US1] a\n- [ ] T011 [P] [US2] b\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T011 is labelled [US2] but sits in the phase of US1 [fix: Use [US1]]"]
        );
    }

    #[test]
    fn a_story_label_in_shared_phases() {
        let text = "## Phase 1: Setup\n\n- [ ] T001 [US1] a\n\n## Phase 2: Foundational\n\n- [ ] T002 b\n\n\
                    ## Phase 9: Polish & Cross-Cutting Concerns\n\n- [ ] T090 [P] [US3] c\n- [ ] T091 d\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:3: T001 is labelled [US1] but sits in \"Phase 1: Setup\", a Setup phase, \
                 which serves every story [fix: Remove [US1]]",
                "tasks.md:11: T090 is labelled [US3] but sits in \"Phase 9: Polish & Cross-Cutting Concerns\", \
                 a Polish phase, which serves every story [fix: Remove [US3]]",
            ]
        );
    }

    #[test]
    fn a_phase_whose_tasks_all_serve_one_story_is_that_storys_phase() {
        let text = "## Phase 10: Release Command\n\n- [ ] T070 [US7] a\n- [ ] T071 [P] [US7] b\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
        let mixed = "## Phase 10: Release Command\n\n- [ ] T070 [US7] a\n- [ ] T071 b\n";
        assert_eq!(
            check(CODE, &[("tasks.md", mixed)]),
            [
                "tasks.md:3: T070 is labelled [US7] but sits in \"Phase 10: Release Command\", a Polish phase, \
              which serves every story [fix: Remove [US7]]"
            ]
        );
    }

    #[test]
    fn phases_naming_several_stories_accept_each() {
        let text = "## Phase 5: User Story 2 & 3 - Reports\n\n- [ ] T020 [US2] a\n- [ ] T021 [US3] b\n- [ ] T022 [US4] c\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:5: T022 is labelled [US4] but sits in the phase of US2, US3"]
        );
    }

    #[test]
    fn unclassified_and_old_layout_phases_are_not_checked() {
        let text = "## Phase 3.2: Tests First (TDD)\n\n- [ ] T004 [US1] a\n\n## Phase 4: Reporting\n\n\
                    - [ ] T030 [US2] b\n\n## Phase 5: User Story 2\n\n- [ ] T031 [US-2] c\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }
}
