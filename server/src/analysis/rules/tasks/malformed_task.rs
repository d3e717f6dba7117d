use std::collections::BTreeMap;

use crate::analysis::rules::fixes::canonical_head_edits;
use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::scan::Irregularity;
use crate::model::tasks::Task;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports task lines that specls understands but that break the
    /// canonical shape `- [ ] T001 [P] [US1] Description`: no checkbox, a
    /// state other than `[ ]`, `[x]`, `[X]` (`[-]`, `[~]`), a checkbox
    /// written another way (`` `[x]` ``, `DONE`, `✅`), an ID not shaped
    /// `T001` (`T1`, `T01`, `t001`, `T-001`, `T2.1`), a bold or bracketed ID
    /// (`**T001**`, `[T001]`), punctuation after the ID (`T001:`,
    /// `T001 ·`), labels out of order (`[US1] [P]`) or after the
    /// description, a symbol before the checkbox, tasks written as headings
    /// (`### T001: ...`) or as numbered items (`1. T001 ...`), labels
    /// before the ID (`- [ ] [P] T002`) and no space after the checkbox
    /// (`- [ ]T003`).
    ///
    /// A line with several irregularities is **one** finding listing them
    /// all (`T001 has no checkbox, a bold task ID and punctuation after the
    /// task ID`). Lines of the same shape are reported **once per file**,
    /// at the first one, with the number of lines it covers; related
    /// information points at a few more. A file written consistently in
    /// another style gets one finding per style, not one per line.
    ///
    /// Accepted without a finding: `[x]` and `[X]` mixed, IDs with a letter
    /// suffix (`T037A`, `T016b`), extra labels (`[RED]`, `[FR-001]`),
    /// wrapped continuation lines and nested detail bullets, and
    /// struck-through tasks (`~~T005 ...~~`), which is how real files
    /// cancel a task.
    ///
    /// ## Why is this bad?
    /// `/speckit.implement`, task trackers and scripts that tick tasks off
    /// match the canonical shape; a line in another shape is skipped
    /// silently or ticked wrongly. A uniform file also reads faster.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] **T001** Create project structure in src/
    /// - [ ] T002 [US1] [P] Create User model in src/models/user.py
    /// - T003 Configure linting in pyproject.toml
    /// ```
    /// Use instead:
    /// ```markdown
    /// - [ ] T001 Create project structure in src/
    /// - [ ] T002 [P] [US1] Create User model in src/models/user.py
    /// - [ ] T003 Configure linting in pyproject.toml
    /// ```
    ///
    /// ## Fix
    /// Rewrite every line of the shape in canonical form: a `-` list
    /// marker (for `*`, `1.` and a heading's `###` too), the checkbox
    /// (keeping the state), the ID, `[P]`, `[USn]` and other labels in
    /// order, then the description exactly as written; continuation lines
    /// stay as they are. The fix is **safe** for checkbox style and
    /// spacing, a missing checkbox, bold or bracketed IDs, punctuation,
    /// label order and placement, and numbered items: it changes the form,
    /// not what the task says. It is **unsafe** for ID shapes (`T01`
    /// becomes `T001`: specls reads both as one task, other tools and
    /// people searching the text may not) and heading tasks (the heading's
    /// body no longer belongs to the task once it is a bullet). There is no
    /// fix for an unknown state (open or done is the author's call),
    /// symbols before the checkbox (they may mean something), and
    /// `T2.1`-style IDs (renumbering is a refactor of its own).
    pub struct MalformedTask { code: "malformed-task", severity: Warning }
}

/// How many more lines related information points at.
const RELATED_LINES: usize = 5;

impl Rule for MalformedTask {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        // One finding per shape: the lines sharing one set of irregularities.
        let mut by_shape: BTreeMap<Vec<Irregularity>, Vec<&Task>> = BTreeMap::new();
        let irregular = doc.tasks.iter().zip(cx.rows()).filter(|(_, row)| row.irregular);
        for (task, _) in irregular {
            let kinds: Vec<Irregularity> = reported(task).collect();
            if !kinds.is_empty() {
                by_shape.entry(kinds).or_default().push(task);
            }
        }
        for (kinds, tasks) in by_shape {
            let first = tasks[0];
            let message = match tasks.len() {
                1 => format!("{} {} ({})", first.id(), describe(&kinds, false), evidence(first, &kinds)),
                n => format!(
                    "{n} task lines {} ({}); first here",
                    describe(&kinds, true),
                    evidence(first, &kinds)
                ),
            };
            let mut diagnostic =
                cx.report(Self::META.default_severity, file, evidence_span(first, &kinds), message);
            for task in tasks.iter().skip(1).take(RELATED_LINES) {
                diagnostic = diagnostic.with_related(&file.rel, evidence_span(task, &kinds), "also here");
            }
            if let Some(fix) = fix(&kinds, &tasks, &file.rel) {
                diagnostic = diagnostic.with_fix(fix);
            }
            out.push(diagnostic);
        }
    }
}

/// The irregularities of a task that this rule reports. A heading task's
/// `T001:` and trailing labels, and a numbered item's missing checkbox,
/// belong to that shape: they are mended with it, so they are not
/// reported on their own. `T011.5` is the decimal cousin of `T011a` (a
/// task inserted later) and accepted like it; struck-through tasks are
/// cancelled tasks.
fn reported(task: &Task) -> impl Iterator<Item = Irregularity> + '_ {
    let kinds = task.irregularities();
    let heading = kinds.contains(&Irregularity::HeadingTask);
    let numbered = kinds.contains(&Irregularity::NumberedItem);
    kinds.iter().copied().filter(move |kind| match kind {
        Irregularity::Strikethrough => false,
        Irregularity::IdFormat => !is_inserted_decimal(&task.id().text),
        Irregularity::IdPunctuation
        | Irregularity::LabelAfterDescription
        | Irregularity::LabelOrder
        | Irregularity::CheckboxStyle => !heading,
        Irregularity::NoCheckbox => !numbered,
        _ => true,
    })
}

/// `T011.5`: three or more digits, a dot, a minor number.
fn is_inserted_decimal(id: &str) -> bool {
    let Some((major, minor)) = id.strip_prefix('T').and_then(|rest| rest.split_once('.')) else {
        return false;
    };
    major.len() >= 3
        && major.bytes().all(|b| b.is_ascii_digit())
        && !minor.is_empty()
        && minor.bytes().all(|b| b.is_ascii_digit())
}

/// What is wrong with a line (or, `plural`, with several): "is written as
/// a heading and has a bold task ID and punctuation after the task ID".
fn describe(kinds: &[Irregularity], plural: bool) -> String {
    let mut parts = Vec::new();
    let mut has = Vec::new();
    for &kind in kinds {
        match (kind, plural) {
            (Irregularity::HeadingTask, false) => parts.push("is written as a heading".to_string()),
            (Irregularity::HeadingTask, true) => parts.push("are written as headings".to_string()),
            (Irregularity::NumberedItem, false) => parts.push("is an item of a numbered list".to_string()),
            (Irregularity::NumberedItem, true) => parts.push("are items of a numbered list".to_string()),
            (Irregularity::SymbolPrefix, false) => has.push("a symbol before its checkbox"),
            _ => has.push(kind.describe()),
        }
    }
    if !has.is_empty() {
        parts.push(format!("{} {}", if plural { "have" } else { "has" }, join_and(&has)));
    }
    join_and(&parts)
}

/// "a", "a and b", "a, b and c".
fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// The part of the line that shows the problem: the labels trailing the
/// description, or the head from the checkbox (or symbol) to the
/// description, running on to the trailing labels when those are wrong
/// too. Relative to the task's block.
fn evidence_relative(task: &Task, kinds: &[Irregularity]) -> Span {
    let line = task.line();
    let text = &task.block.scan.text;
    let trailing = kinds.contains(&Irregularity::LabelAfterDescription).then(|| {
        let end = line.tail_end.max(line.description_span.end);
        let after = &text[line.description_span.end..end];
        let lead = after.len() - after.trim_start().len();
        Span::new(line.description_span.end + lead, end)
    });
    if let Some(trailing) = trailing
        && kinds.len() == 1
    {
        return trailing;
    }
    let head = &text[line.head_start..line.description_span.start.max(line.head_start)];
    let head = head.trim_end();
    // A head never crosses a line break, but be safe with odd input.
    let head = &head[..head.find(['\n', '\r']).unwrap_or(head.len())];
    let head =
        if head.is_empty() { line.id_span } else { Span::new(line.head_start, line.head_start + head.len()) };
    match trailing {
        Some(trailing) if !text[head.start..trailing.end].contains('\n') => head.cover(trailing),
        _ => head,
    }
}

fn evidence_span(task: &Task, kinds: &[Irregularity]) -> Span {
    task.block.abs(evidence_relative(task, kinds))
}

/// The offending text as a code span (`` `[x]` `` needs double ticks).
fn evidence(task: &Task, kinds: &[Irregularity]) -> String {
    let text = task.block.scan.slice(evidence_relative(task, kinds));
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

/// One fix for every line of a shape that has a faithful canonical form.
/// Unsafe when it changes what other tools read: an ID's spelling, or a
/// heading (its body stops belonging to the task).
fn fix(kinds: &[Irregularity], tasks: &[&Task], file: &std::sync::Arc<str>) -> Option<Fix> {
    let unfixable = [Irregularity::UnknownState, Irregularity::Strikethrough, Irregularity::SymbolPrefix];
    if kinds.iter().any(|k| unfixable.contains(k)) {
        return None;
    }
    let rename_id = kinds.contains(&Irregularity::IdFormat);
    let applicability = if rename_id || kinds.contains(&Irregularity::HeadingTask) {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mut edits = Vec::new();
    let mut lines = 0;
    for task in tasks {
        let Some(line_edits) = canonical_head_edits(&task.block.scan, rename_id) else {
            continue;
        };
        if line_edits.is_empty() {
            continue;
        }
        lines += 1;
        edits.extend(line_edits.into_iter().map(|(span, new_text)| FileEdit {
            file: file.clone(),
            span: task.block.abs(span),
            new_text,
        }));
    }
    let title = match lines {
        0 => return None,
        1 => "Rewrite the task line in canonical form".to_string(),
        n => format!("Rewrite {n} task lines in canonical form"),
    };
    Some(Fix { title, applicability, edits })
}

#[cfg(test)]
mod tests {
    use crate::analysis::Applicability;
    use crate::testing::{check, feature, findings, fix_all};

    const CODE: &str = "malformed-task";

    /// The text of tasks.md after applying every finding's fix, and the
    /// first fix's applicability.
    fn fixed(text: &str) -> (String, Applicability) {
        let files = [("tasks.md", text)];
        let found = findings(CODE, &feature(&files));
        let applicability = found.iter().find_map(|d| d.fix.as_ref()).expect("a fix").applicability;
        (fix_all(CODE, &files).remove("tasks.md").expect("tasks.md"), applicability)
    }

    /// A label on the next line (a lazy continuation) is reported but not
    /// moved: the fix would join two lines. Found by fuzzing.
    #[test]
    fn labels_on_the_next_line_get_no_fix() {
        let text = "## Phase 1\n\n- [ ] T001\n [US1] \n";
        for finding in findings(CODE, &feature(&[("tasks.md", text)])) {
            assert!(finding.message.contains("labels after the description"), "{}", finding.message);
            assert!(finding.fix.is_none(), "{:?}", finding.fix);
        }
    }

    #[test]
    fn one_finding_per_kind_with_a_count() {
        let text = "## Phase 1\n\n- [ ] **T001** a\n- [ ] **T002** b\n- [ ] T003 c\n- [ ] **T004** d\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: 3 task lines have a bold task ID (`[ ] **T001**`); first here \
                 [fix: Rewrite 3 task lines in canonical form]"]
        );
    }

    #[test]
    fn several_kinds_are_several_findings() {
        let text = "- T001 a\n- [ ] T002 [US1] [P] b\n- [-] T003 c\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:1: T001 has no checkbox (`T001`) [fix: Rewrite the task line in canonical form]",
                "tasks.md:2: T002 has labels out of order ([P] comes before [USn]) (`[ ] T002 [US1] [P]`) \
                 [fix: Rewrite the task line in canonical form]",
                "tasks.md:3: T003 has a checkbox state other than [ ], [x] or [X] (`[-] T003`)",
            ]
        );
    }

    #[test]
    fn canonical_lines_and_tolerated_shapes_pass() {
        let text = "- [ ] T001 [P] [US1] a in src/a.py\n- [X] T002 b\n- [x] T002a [RED] [FR-001] c\n  wrapped\n  \
                    - **File**: src/b.py\n- [x] ~~T003 dropped~~\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn heading_tasks_and_numbered_items_get_a_fix() {
        let text = "## Phase 1\n\n### T001: [X] Create x [P] ✅\n\nBody.\n\n### T02: Create y\n\n1. T003 z\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:3: T001 is written as a heading (`T001: [X]`) [fix: Rewrite the task line in canonical form]",
                "tasks.md:7: T02 is written as a heading and has a task ID not shaped T001 (`T02:`) \
                 [fix: Rewrite the task line in canonical form]",
                "tasks.md:9: T003 is an item of a numbered list (`T003`) [fix: Rewrite the task line in canonical form]",
            ]
        );
        let (out, applicability) = fixed("## Phase 1\n\n### T013 [P] Create x\n");
        assert_eq!(out, "## Phase 1\n\n- [ ] T013 [P] Create x\n");
        assert_eq!(applicability, Applicability::Unsafe);
        let (out, applicability) = fixed("1. [ ] T008 Create x\n2. [x] T009 Create y\n");
        assert_eq!(out, "- [ ] T008 Create x\n- [x] T009 Create y\n");
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn one_line_with_several_irregularities_is_one_finding() {
        let text = "- **T001**: Create x\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:1: T001 has no checkbox, a bold task ID and punctuation after the task ID (`**T001**:`) \
              [fix: Rewrite the task line in canonical form]"
            ]
        );
        let (out, _) = fixed(text);
        assert_eq!(out, "- [ ] T001 Create x\n");
    }

    #[test]
    fn labels_before_the_id_and_a_glued_checkbox_are_reported_and_fixed() {
        let text = "- [ ] [P] T002 Create x\n- [ ]T003 Create y\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:1: T002 has labels before the task ID (`[ ] [P] T002`) \
                 [fix: Rewrite the task line in canonical form]",
                "tasks.md:2: T003 has no space after the checkbox (`[ ]T003`) [fix: Rewrite the task line in canonical form]",
            ]
        );
        let (out, applicability) = fixed("- [ ] [P] T002 Create x\n");
        assert_eq!(out, "- [ ] T002 [P] Create x\n");
        assert_eq!(applicability, Applicability::Safe);
        let (out, _) = fixed("- [ ]T003 Create y\n");
        assert_eq!(out, "- [ ] T003 Create y\n");
    }

    #[test]
    fn a_star_bullet_is_fully_normalised() {
        let (out, _) = fixed("* [X] T003: Create x\n");
        assert_eq!(out, "- [X] T003 Create x\n");
    }

    #[test]
    fn decimal_ids_of_inserted_tasks_pass_and_short_ones_do_not() {
        let text = "- [ ] T011 a\n- [ ] T011.5 b\n- [ ] T2.1 c\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T2.1 has a task ID not shaped T001 (`[ ] T2.1`)"]
        );
    }

    #[test]
    fn backticked_evidence_is_quoted_with_double_ticks() {
        let text = "- `[x]` T001 a\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:1: T001 has a checkbox written another way (backticks, DONE, an emoji) \
                 (`` `[x]` T001 ``) [fix: Rewrite the task line in canonical form]"]
        );
    }

    #[test]
    fn the_fix_keeps_text_state_and_continuation_lines() {
        let (out, applicability) =
            fixed("- [X] **T001 [P]** Write tests\n  for the parser\n- `[x]` T002: Update x [US1] [P] ✅\n");
        assert_eq!(out, "- [X] T001 [P] Write tests\n  for the parser\n- [x] T002 [P] [US1] Update x\n");
        assert_eq!(applicability, Applicability::Safe);
        let (out, _) = fixed("- `[x]` T002: Update x\n  and y [US1] [P] ✅\n");
        assert_eq!(out, "- [x] T002 [P] [US1] Update x\n  and y\n");
    }

    #[test]
    fn done_marks_on_detail_lines_are_not_the_tasks() {
        // Regression: the fix for a bold ID deleted the ✅ ending a detail
        // line, taking it for the task's own done mark.
        let text = "- [ ] **T001** Add enum values\n  **Success**: Enum compiles with 3 new values ✅\n  \
                    **Files**: src/a.rs [P]\n- [x] **T002** b\n";
        let (out, applicability) = fixed(text);
        assert_eq!(
            out,
            "- [ ] T001 Add enum values\n  **Success**: Enum compiles with 3 new values ✅\n  \
             **Files**: src/a.rs [P]\n- [x] T002 b\n"
        );
        assert_eq!(applicability, Applicability::Safe);
        let feature = feature(&[("tasks.md", text)]);
        let doc = feature.tasks().expect("tasks.md").1;
        assert!(!doc.tasks[0].line().done(), "a ✅ on a detail does not tick the task");
        assert_eq!(doc.tasks[0].line().parallel, None, "nor does its [P] make it parallel");
    }

    #[test]
    fn crlf_line_endings_survive_the_fix() {
        let (out, _) = fixed("- [ ] **T001** a\r\n  more [P]\r\n- [ ] **T002** b\r\n");
        assert_eq!(out, "- [ ] T001 [P] a\r\n  more\r\n- [ ] T002 b\r\n");
    }

    #[test]
    fn trailing_labels_move_into_the_head() {
        let (out, applicability) = fixed("- [ ] T001 Create DateUtils.gs [P] ✅\n");
        assert_eq!(out, "- [x] T001 [P] Create DateUtils.gs\n");
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn id_shapes_get_an_unsafe_fix_and_decimals_none() {
        let (out, applicability) = fixed("- [ ] T1 a\n- [ ] t002 b\n- [ ] T2.1 c\n");
        assert_eq!(out, "- [ ] T001 a\n- [ ] T002 b\n- [ ] T2.1 c\n");
        assert_eq!(applicability, Applicability::Unsafe);
    }

    #[test]
    fn a_bold_description_is_left_alone_by_the_fix() {
        let text = "- [ ] **T001 Create the thing**\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:1: T001 has a bold task ID (`[ ] **T001`)"]
        );
    }
}
