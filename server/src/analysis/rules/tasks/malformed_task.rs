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
    /// (`### T001: ...`) or as numbered items (`1. T001 ...`).
    ///
    /// Each kind is reported **once per file**, at its first line, with the
    /// number of lines it covers; related information points at a few more.
    /// A file written consistently in another style gets one finding per
    /// style, not one per line.
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
    /// Rewrite every line of the kind in canonical form: the checkbox
    /// (keeping the state), the ID, `[P]`, `[USn]` and other labels in
    /// order, then the description exactly as written; continuation lines
    /// stay as they are. The fix is **safe** for checkbox style, a missing
    /// checkbox, bold or bracketed IDs, punctuation, label order and
    /// trailing labels: it changes the form, not what the task says. It is
    /// **unsafe** for ID shapes (`T01` becomes `T001`: specls reads both as
    /// one task, other tools and people searching the text may not).
    /// There is no fix for an unknown state (open or done is the author's
    /// call), heading tasks and numbered items (rewriting changes the
    /// document's structure: a heading task's body would no longer belong
    /// to it), symbols before the checkbox (they may mean something), and
    /// `T2.1`-style IDs (renumbering is a refactor of its own). The fix
    /// rewrites whole lines, so it also mends the line's other
    /// irregularities, except the ID's shape.
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
        let mut by_kind: BTreeMap<Irregularity, Vec<&Task>> = BTreeMap::new();
        let irregular = doc.tasks.iter().zip(cx.rows()).filter(|(_, row)| row.irregular);
        for (task, _) in irregular {
            for kind in reported(task) {
                by_kind.entry(kind).or_default().push(task);
            }
        }
        for (kind, tasks) in by_kind {
            let first = tasks[0];
            let message = match tasks.len() {
                1 => format!("{} {} ({})", first.id(), singular(kind), evidence(first, kind)),
                n => format!("{n} task lines {} ({}); first here", plural(kind), evidence(first, kind)),
            };
            let mut diagnostic =
                cx.report(Self::META.default_severity, file, evidence_span(first, kind), message);
            for task in tasks.iter().skip(1).take(RELATED_LINES) {
                diagnostic = diagnostic.with_related(&file.rel, evidence_span(task, kind), "also here");
            }
            if let Some(fix) = fix(kind, &tasks, &file.rel) {
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

/// What is wrong, said of one task: "T001 has a bold task ID".
fn singular(kind: Irregularity) -> String {
    match kind {
        Irregularity::HeadingTask => "is written as a heading".to_string(),
        Irregularity::NumberedItem => "is an item of a numbered list".to_string(),
        Irregularity::SymbolPrefix => "has a symbol before its checkbox".to_string(),
        _ => format!("has {}", kind.describe()),
    }
}

/// What is wrong, said of several lines: "12 task lines have no checkbox".
fn plural(kind: Irregularity) -> String {
    match kind {
        Irregularity::HeadingTask => "are written as headings".to_string(),
        Irregularity::NumberedItem => "are items of a numbered list".to_string(),
        Irregularity::SymbolPrefix => "have a symbol before the checkbox".to_string(),
        _ => format!("have {}", kind.describe()),
    }
}

/// The part of the line that shows the problem: the labels trailing the
/// description, or the head from the checkbox (or symbol) to the
/// description. Relative to the task's block.
fn evidence_relative(task: &Task, kind: Irregularity) -> Span {
    let line = task.line();
    let text = &task.block.scan.text;
    if kind == Irregularity::LabelAfterDescription {
        let end = line.tail_end.max(line.description_span.end);
        let trailing = &text[line.description_span.end..end];
        let lead = trailing.len() - trailing.trim_start().len();
        return Span::new(line.description_span.end + lead, end);
    }
    let head = &text[line.head_start..line.description_span.start.max(line.head_start)];
    let head = head.trim_end();
    // A head never crosses a line break, but be safe with odd input.
    let head = &head[..head.find(['\n', '\r']).unwrap_or(head.len())];
    if head.is_empty() {
        return line.id_span;
    }
    Span::new(line.head_start, line.head_start + head.len())
}

fn evidence_span(task: &Task, kind: Irregularity) -> Span {
    task.block.abs(evidence_relative(task, kind))
}

/// The offending text as a code span (`` `[x]` `` needs double ticks).
fn evidence(task: &Task, kind: Irregularity) -> String {
    let text = task.block.scan.slice(evidence_relative(task, kind));
    if text.contains('`') { format!("`` {text} ``") } else { format!("`{text}`") }
}

/// One fix for every line of `kind` that has a faithful canonical form.
fn fix(kind: Irregularity, tasks: &[&Task], file: &std::sync::Arc<str>) -> Option<Fix> {
    let applicability = match kind {
        Irregularity::UnknownState
        | Irregularity::HeadingTask
        | Irregularity::NumberedItem
        | Irregularity::Strikethrough
        | Irregularity::SymbolPrefix => return None,
        Irregularity::IdFormat => Applicability::Unsafe,
        _ => Applicability::Safe,
    };
    let rename_id = kind == Irregularity::IdFormat;
    let mut edits = Vec::new();
    let mut lines = 0;
    for task in tasks {
        let Some(line_edits) = canonical_head_edits(&task.block.scan.text, task.line(), rename_id) else {
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
    use crate::analysis::rules::testing::{check, feature};
    use crate::analysis::{Applicability, RuleConfig, analyze};

    const CODE: &str = "malformed-task";

    /// The text of tasks.md after applying the first finding's fix.
    fn fixed(text: &str) -> (String, Applicability) {
        let feature = feature(&[("tasks.md", text)]);
        let mut config = RuleConfig::default();
        config.select(&[CODE.to_string()]).unwrap();
        let found = analyze(&feature, &config);
        let fix = found[0].fix.clone().expect("a fix");
        let mut edits = fix.edits.clone();
        edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
        let mut out = text.to_string();
        for edit in edits {
            out.replace_range(edit.span.start..edit.span.end, &edit.new_text);
        }
        (out, fix.applicability)
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
    fn heading_tasks_and_numbered_items_are_one_finding_each_without_fix() {
        let text = "## Phase 1\n\n### T001: [X] Create x [P] ✅\n\nBody.\n\n### T02: Create y\n\n1. T003 z\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:3: 2 task lines are written as headings (`T001: [X]`); first here",
                "tasks.md:7: T02 has a task ID not shaped T001 (`T02:`)",
                "tasks.md:9: T003 is an item of a numbered list (`T003`)",
            ]
        );
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
        assert_eq!(
            out,
            "- [X] T001 [P] Write tests\n  for the parser\n- `[x]` T002: Update x [US1] [P] ✅\n"
        );
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
