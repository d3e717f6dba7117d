use std::collections::BTreeMap;

use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a story label (`[US4]`) naming a story that spec.md does not
    /// have. Each unknown story is reported once, at its first label, with
    /// the number of tasks carrying it; related information points at the
    /// other labels.
    ///
    /// The rule stays silent when the feature has no spec.md, or when
    /// spec.md numbers none of its stories (the old template's single
    /// `Primary User Story`, stories as an unnumbered list): there is then
    /// nothing to compare with. Stories count in every shape the spec
    /// model reads (`### User Story 4 - ...`, `### US4: ...`, `Historia de
    /// Usuario 4`).
    ///
    /// ## Why is this bad?
    /// A label pointing nowhere means the task was written for a story
    /// that was renumbered, merged or dropped: its acceptance criteria and
    /// independent test are unknown, and coverage of the real stories is
    /// counted wrongly.
    ///
    /// ## Example
    /// spec.md has User Stories 1 to 3; tasks.md says:
    /// ```markdown
    /// - [ ] T040 [US4] Add export button in src/ui/export.tsx
    /// ```
    ///
    /// ## Fix
    /// None: only the author knows whether the label or the spec is out of
    /// date.
    pub struct UnknownStory { code: "unknown-story", severity: Error }
}

impl Rule for UnknownStory {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let Some((spec_file, spec)) = cx.feature.spec() else { return };
        let mut known: Vec<u32> = spec.stories.iter().filter_map(|s| s.number).collect();
        if known.is_empty() {
            return;
        }
        known.sort_unstable();
        known.dedup();
        let mut unknown: BTreeMap<u32, Vec<Span>> = BTreeMap::new();
        let mut order = Vec::new();
        // Tasks of one story come together: remember the last known label.
        let mut last_known = None;
        for (task, row) in doc.tasks.iter().zip(cx.rows()) {
            if row.label.is_none() || row.label == last_known {
                continue;
            }
            if row.label.is_some_and(|story| known.binary_search(&story).is_ok()) {
                last_known = row.label;
                continue;
            }
            let Some((story, span)) = task.line().story else { continue };
            let spans = unknown.entry(story).or_default();
            if spans.is_empty() {
                order.push(story);
            }
            spans.push(task.block.abs(span));
        }
        let known_list = describe(&known);
        for story in order {
            let spans = &unknown[&story];
            let carried = match spans.len() {
                1 => String::new(),
                n => format!("; {n} tasks carry it"),
            };
            let message =
                format!("{} has no User Story {story} (it has {known_list}){carried}", spec_file.rel);
            let mut diagnostic = cx.report(Self::META.default_severity, file, spans[0], message);
            for &span in &spans[1..] {
                diagnostic = diagnostic.with_related(&file.rel, span, format!("US{story} here too"));
            }
            out.push(diagnostic);
        }
    }
}

/// `US1–US3`, or `US1, US2, US5` when there are gaps.
fn describe(known: &[u32]) -> String {
    let (first, last) = (known[0], known[known.len() - 1]);
    if known.len() > 2 && (last - first) as usize + 1 == known.len() {
        format!("US{first}–US{last}")
    } else {
        known.iter().map(|n| format!("US{n}")).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "unknown-story";
    const SPEC: &str = "# Spec\n\n### User Story 1 - Login (Priority: P1)\n\nx\n\n\
                        ### User Story 2 - Logout (Priority: P2)\n\ny\n\n### User Story 3 - Reset (Priority: P3)\n";

    #[test]
    fn fires_once_per_unknown_story() {
        let tasks = "- [ ] T001 [US1] a\n- [ ] T002 [US4] b\n- [ ] T003 [US4] c\n- [ ] T004 [US7] d\n";
        assert_eq!(
            check(CODE, &[("spec.md", SPEC), ("tasks.md", tasks)]),
            [
                "tasks.md:2: spec.md has no User Story 4 (it has US1–US3); 2 tasks carry it",
                "tasks.md:4: spec.md has no User Story 7 (it has US1–US3)",
            ]
        );
    }

    #[test]
    fn silent_on_known_stories() {
        let tasks = "- [ ] T001 [US1] a\n- [ ] T002 [US-3] b\n- [ ] T003 c\n";
        assert!(check(CODE, &[("spec.md", SPEC), ("tasks.md", tasks)]).is_empty());
    }

    #[test]
    fn silent_without_spec_or_numbered_stories() {
        let tasks = "- [ ] T001 [US4] a\n";
        assert!(check(CODE, &[("tasks.md", tasks)]).is_empty());
        let old = "# Spec\n\n## User Scenarios\n\n### Primary User Story\n\nAs a user...\n";
        assert!(check(CODE, &[("spec.md", old), ("tasks.md", tasks)]).is_empty());
    }
}
