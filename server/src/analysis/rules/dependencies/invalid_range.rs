use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::tasks::RangeProblem;

declare_rule! {
    /// ## What it does
    /// Reports a range of task IDs that runs backwards (`T010-T004`) or
    /// whose first or last ID names no task (`T001-T050` when the list
    /// stops at T048). Ranges are checked wherever tasks.md writes them
    /// outside code: dependencies, prose, checkpoints and task-count
    /// tables, with `-`, `–`, `..` or `through`. A tasks.md in which no task
    /// line could be read at all, or whose task lines mostly lost their
    /// IDs (`tasks-without-ids`), is left alone.
    ///
    /// ## Why is this bad?
    /// A backward range names no task, so a dependency written with it is
    /// silently empty. A range whose end is missing is stale: tasks were
    /// renumbered or removed, and the range may no longer cover what the
    /// author meant.
    ///
    /// ## Example
    /// ```markdown
    /// ## Dependencies
    /// - Tests (T010-T004) before implementation (T011-T020)
    /// ```
    ///
    /// ## Fix
    /// **Swap the ends** of a backward range (`T004-T010`). The fix is
    /// unsafe: the slip may be in one of the IDs rather than their order.
    /// A missing end has no quick fix.
    pub struct InvalidRange { code: "invalid-range", severity: Error }
}

impl Rule for InvalidRange {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        if doc.tasks.is_empty() || cx.tasks_lack_ids() {
            return;
        }
        for range in doc.ranges.filtered(|range| range.problem.is_some()) {
            let Some(problem) = range.problem else { continue };
            let written = file.document.slice(range.span);
            let severity = Self::META.default_severity;
            if problem == RangeProblem::Reversed {
                let message = format!("{written} runs backwards, so it names no task");
                let mut diagnostic = cx.report(severity, file, range.span, message);
                let (first, last) = (&*range.first.text, &*range.last.text);
                if let Some(middle) = written.strip_prefix(first).and_then(|rest| rest.strip_suffix(last)) {
                    let swapped = format!("{last}{middle}{first}");
                    diagnostic = diagnostic.with_fix(Fix::replace(
                        format!("Swap the ends: {swapped}"),
                        Applicability::Unsafe,
                        &file.rel,
                        range.span,
                        swapped,
                    ));
                }
                out.push(diagnostic);
                continue;
            }
            let missing: Vec<&str> = [&range.first, &range.last]
                .into_iter()
                .filter(|id| doc.task(id.key).is_none())
                .map(|id| &*id.text)
                .collect();
            let message = match missing[..] {
                [both_a, both_b] => format!("{written}: no task has {both_a} or {both_b}"),
                [one] if one == &*range.first.text => format!("{written} starts at {one}, which no task has"),
                [one] => format!("{written} ends at {one}, which no task has"),
                _ => continue,
            };
            out.push(cx.report(severity, file, range.span, message));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "invalid-range";

    const TASKS: &str = "- [ ] T004 a\n- [ ] T005 b\n- [ ] T006 c\n- [ ] T007 d\n";

    #[test]
    fn fires_on_a_backward_range_with_a_swap() {
        let text =
            format!("{TASKS}\n## Dependencies\n\n- Tests (T007-T004) before T008\n- T006 – T005 → T007\n");
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            [
                "tasks.md:8: T007-T004 runs backwards, so it names no task [fix: Swap the ends: T004-T007]",
                "tasks.md:9: T006 – T005 runs backwards, so it names no task [fix: Swap the ends: T005 – T006]",
            ]
        );
    }

    #[test]
    fn fires_on_missing_ends_anywhere_outside_code() {
        let text = format!(
            "{TASKS}- [ ] T008 e (depends on T001-T005)\n\n| Phase | Tasks |\n|---|---|\n| Core | T004-T009 |\n\n\
             T001 through T003 are gone\n\n```\nT001-T099\n```\n"
        );
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            [
                "tasks.md:5: T001-T005 starts at T001, which no task has",
                "tasks.md:9: T004-T009 ends at T009, which no task has",
                "tasks.md:11: T001 through T003: no task has T001 or T003",
            ]
        );
    }

    #[test]
    fn silent_on_ranges_of_existing_tasks_and_suffix_ids() {
        let text = "- [ ] T036 a\n- [ ] T037A b\n- [ ] T038 c\n\n- T036-T038 before T039\n- T036–T037A\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }
}
