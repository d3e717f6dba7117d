use std::collections::HashSet;

use crate::analysis::rules::insert::{LinePosition, insert_lines};
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::feature::FeatureFile;
use crate::model::spec::{SpecDoc, UserStory};
use crate::model::tasks::{PhaseKind, TasksDoc};

declare_rule! {
    /// ## What it does
    /// Reports a numbered user story of spec.md that tasks.md never
    /// mentions: no task carries its `[USn]` label and no phase is named
    /// after it.
    ///
    /// Only tasks.md files organised by story are checked: at least one
    /// story phase or one `[USn]` label. The old layout (Setup, Tests
    /// First, Core, Integration, Polish) does not map tasks to stories,
    /// and stories without a number (`Primary User Story`) cannot be
    /// labelled. Nor is a tasks.md whose task lines mostly lack IDs
    /// (`tasks-without-ids` reports it).
    ///
    /// ## Why is this bad?
    /// Each story is meant to be delivered and tested on its own; a story
    /// with no tasks will not be delivered at all, and nobody notices
    /// until the demo.
    ///
    /// ## Example
    /// spec.md has `### User Story 3 - Export (Priority: P3)`; tasks.md
    /// has phases for User Stories 1 and 2 and no `[US3]` task.
    ///
    /// ## Fix
    /// Insert a phase skeleton for the story: `## Phase N: User Story 3 -
    /// Export (Priority: P3)` with Goal, Independent Test, `### Tests for
    /// User Story 3`, `### Implementation for User Story 3` and a
    /// Checkpoint, placed among the story phases by priority (before
    /// Polish). Its number follows the phase before it (`6`, or `5a` when
    /// `6` is taken, so no other heading changes). The fix is unsafe: it
    /// adds a phase to fill in.
    pub struct StoryWithoutTasks { code: "story-without-tasks", severity: Warning }
}

impl Rule for StoryWithoutTasks {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((tasks_file, doc)) = cx.tasks() else { return };
        let Some((spec_file, spec)) = cx.feature.spec() else { return };
        if cx.tasks_lack_ids() {
            return;
        }
        let labels = cx.rows().iter().filter_map(|row| row.label);
        let phases = doc.phases.iter().filter(|p| p.kind == PhaseKind::UserStory).filter_map(|p| p.story);
        let mut labelled: Vec<u32> = Vec::new();
        for story in labels.chain(phases) {
            // Tasks of one story come together: keep the list short.
            if labelled.last() != Some(&story) {
                labelled.push(story);
            }
        }
        labelled.sort_unstable();
        labelled.dedup();
        if labelled.is_empty() || doc.tasks.is_empty() {
            return; // not organised by story
        }
        let mut reported = HashSet::new();
        for story in &spec.stories {
            let Some(number) = story.number else { continue };
            if labelled.binary_search(&number).is_ok() || !reported.insert(number) {
                continue;
            }
            let line = spec_file.document.line_span(spec_file.document.line_of(story.heading.start));
            let message =
                format!("no task is labelled [US{number}] and no phase is named after User Story {number}");
            let fix = Fix {
                title: format!("Insert a phase for User Story {number}"),
                applicability: Applicability::Unsafe,
                edits: vec![skeleton_edit(
                    tasks_file,
                    doc,
                    spec,
                    story,
                    number,
                    independent_test(spec_file, story),
                )],
            };
            out.push(cx.report(Self::META.default_severity, spec_file, line, message).with_fix(fix));
        }
    }
}

/// The edit inserting a phase skeleton for `story`.
fn skeleton_edit(
    file: &FeatureFile,
    doc: &TasksDoc,
    spec: &SpecDoc,
    story: &UserStory,
    number: u32,
    independent: Option<String>,
) -> crate::analysis::FileEdit {
    let place = placement(doc, spec, story);
    let document = &file.document;
    let level = place.anchor.map_or(2, |a| doc.phases[a].level).max(1) as usize;
    let phase_number = phase_number(doc, place.after);
    let priority = story.priority.map(|p| format!(" (Priority: P{p})")).unwrap_or_default();
    let title = story.title.trim();
    let before_text = document.slice(crate::text::Span::new(0, place.offset));
    let separated = before_text.trim_end().ends_with("---");
    let mut lines = Vec::new();
    if !before_text.is_empty() && !before_text.ends_with("\n\n") && !before_text.ends_with("\r\n\r\n") {
        lines.push(String::new());
    }
    let hashes = "#".repeat(level);
    let sub = "#".repeat(level + 1);
    lines.extend([
        format!("{hashes} Phase {phase_number}: User Story {number} - {title}{priority}"),
        String::new(),
        format!("**Goal**: {title}"),
        String::new(),
        format!(
            "**Independent Test**: {}",
            independent.unwrap_or_else(|| format!("see User Story {number} in spec.md"))
        ),
        String::new(),
        format!("{sub} Tests for User Story {number}"),
        String::new(),
        format!("{sub} Implementation for User Story {number}"),
        String::new(),
        format!("**Checkpoint**: User Story {number} should be fully functional and testable independently"),
    ]);
    let at_end = place.offset >= document.len();
    if !at_end {
        lines.push(String::new());
        if separated {
            lines.push("---".to_string());
            lines.push(String::new());
        }
    }
    let position = if at_end {
        LinePosition::After(document.line_count().saturating_sub(1))
    } else {
        LinePosition::Before(document.line_of(place.offset))
    };
    insert_lines(file, position, &lines)
}

/// What the spec says the story's independent test is, on one line.
fn independent_test(spec_file: &FeatureFile, story: &UserStory) -> Option<String> {
    let text = spec_file.document.slice(story.independent_test?);
    let line = text.lines().next()?;
    let (_, value) = line.split_once(':')?;
    let value = value.trim().trim_start_matches("**").trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Where the new phase goes.
struct Placement {
    /// A line start (or the document's end).
    offset: usize,
    /// The phase the new one comes after (its number is the base of the
    /// new number).
    after: Option<usize>,
    /// A phase whose heading level the new one copies.
    anchor: Option<usize>,
}

/// Among the story phases by priority (then story number); before the
/// Polish phase when there are none; else at the end.
fn placement(doc: &TasksDoc, spec: &SpecDoc, story: &UserStory) -> Placement {
    let key = |priority: Option<u32>, number: Option<u32>| {
        (priority.unwrap_or(u32::MAX), number.unwrap_or(u32::MAX))
    };
    let new_key = key(story.priority, story.number);
    let story_phases: Vec<usize> = (0..doc.phases.len())
        .filter(|&i| doc.phases[i].kind == PhaseKind::UserStory && doc.phases[i].story.is_some())
        .collect();
    let phase_key = |i: usize| {
        let p = &doc.phases[i];
        let priority = p.priority.or_else(|| p.story.and_then(|n| spec.story(n)).and_then(|s| s.priority));
        key(priority, p.story)
    };
    if let Some(&last) = story_phases.iter().rev().find(|&&i| phase_key(i) <= new_key) {
        return Placement { offset: doc.phases[last].span.end, after: Some(last), anchor: Some(last) };
    }
    if let Some(&first) = story_phases.first() {
        return Placement {
            offset: doc.phases[first].heading.start,
            after: first.checked_sub(1),
            anchor: Some(first),
        };
    }
    if let Some(polish) = doc.phases.iter().position(|p| p.kind == PhaseKind::Polish) {
        return Placement {
            offset: doc.phases[polish].heading.start,
            after: polish.checked_sub(1),
            anchor: Some(polish),
        };
    }
    match doc.phases.len().checked_sub(1) {
        Some(last) => Placement { offset: doc.phases[last].span.end, after: Some(last), anchor: Some(last) },
        None => Placement { offset: usize::MAX, after: None, anchor: None },
    }
}

/// The number after phase `after`'s (`6` after `5`), or with a letter
/// (`5a`) when another phase has it; `1` with nothing before.
fn phase_number(doc: &TasksDoc, after: Option<usize>) -> String {
    let used =
        |n: &str| doc.phases.iter().any(|p| p.number.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(n)));
    let base = after.and_then(|a| doc.phases[a].number.as_deref()).map(str::to_string);
    let Some(base) = base else {
        let next = doc
            .phases
            .iter()
            .filter_map(|p| p.number.as_deref()?.parse::<u32>().ok())
            .max()
            .map_or(1, |n| n + 1);
        return next.to_string();
    };
    if let Ok(n) = base.parse::<u32>()
        && !used(&(n + 1).to_string())
    {
        return (n + 1).to_string();
    }
    ('a'..='z').map(|c| format!("{base}{c}")).find(|n| !used(n)).unwrap_or_else(|| format!("{base}a"))
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, check_fix, fix_all};

    const SPEC: &str = "# Feature\n\n## User Scenarios\n\n### User Story 1 - Sign up (Priority: P1)\n\nText.\n\n### User Story 2 - Profile (Priority: P2)\n\n**Independent Test**: Open the profile page.\n\n### User Story 3 - Export (Priority: P3)\n\nText.\n";

    const TASKS: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init\n\n---\n\n## Phase 2: User Story 1 - Sign up (Priority: P1)\n\n- [ ] T002 [US1] Build sign-up\n\n---\n\n## Phase 3: User Story 3 - Export (Priority: P3)\n\n- [ ] T003 [US3] Build export\n\n---\n\n## Phase 4: Polish\n\n- [ ] T004 Docs\n";

    #[test]
    fn fires_on_the_story_heading() {
        let found = check("story-without-tasks", &[("tasks.md", TASKS), ("spec.md", SPEC)]);
        assert_eq!(
            found,
            [
                "spec.md:9: no task is labelled [US2] and no phase is named after User Story 2 [fix: Insert a phase for User Story 2]"
            ]
        );
    }

    #[test]
    fn silent_for_labels_story_phases_and_the_old_layout() {
        let tasks = TASKS.replace("T004 Docs", "T004 [US2] Profile page");
        assert!(check("story-without-tasks", &[("tasks.md", &tasks), ("spec.md", SPEC)]).is_empty());
        let old = "## Phase 3.1: Setup\n- [ ] T001 Init\n## Phase 3.2: Tests First\n- [ ] T002 Test\n";
        assert!(check("story-without-tasks", &[("tasks.md", old), ("spec.md", SPEC)]).is_empty());
    }

    #[test]
    fn the_fix_inserts_a_skeleton_by_priority() {
        for eol in ["\n", "\r\n"] {
            let tasks = TASKS.replace('\n', eol);
            let files = [("tasks.md", tasks.as_str()), ("spec.md", SPEC)];
            let skeleton = [
                "## Phase 2a: User Story 2 - Profile (Priority: P2)",
                "",
                "**Goal**: Profile",
                "",
                "**Independent Test**: Open the profile page.",
                "",
                "### Tests for User Story 2",
                "",
                "### Implementation for User Story 2",
                "",
                "**Checkpoint**: User Story 2 should be fully functional and testable independently",
                "",
                "---",
                "",
            ]
            .map(|l| format!("{l}{eol}"))
            .concat();
            let at = "## Phase 3: User Story 3";
            let after = tasks.replace(at, &format!("{skeleton}{at}"));
            check_fix("story-without-tasks", &files, &after);
            let again = check("story-without-tasks", &[("tasks.md", &after), ("spec.md", SPEC)]);
            assert!(again.is_empty(), "{again:?}");
        }
    }

    #[test]
    fn the_fix_appends_when_the_last_story_is_missing() {
        let tasks = "## Phase 1: User Story 1 - Sign up (Priority: P1)\n\n- [ ] T001 [US1] a";
        let spec = "### User Story 1 - Sign up (Priority: P1)\n\n### User Story 2 - Profile (Priority: P2)\n";
        let after = fix_all("story-without-tasks", &[("tasks.md", tasks), ("spec.md", spec)])
            .remove("tasks.md")
            .unwrap();
        assert!(
            after.starts_with(&format!("{tasks}\n\n## Phase 2: User Story 2 - Profile (Priority: P2)\n")),
            "{after}"
        );
        assert!(check("story-without-tasks", &[("tasks.md", &after), ("spec.md", spec)]).is_empty());
    }
}
