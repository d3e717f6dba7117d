use super::support::blocks_within;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::syntax::BlockKind;

declare_rule! {
    /// ## What it does
    /// Reports a phase heading (`## Phase 2: Foundational`) with no task
    /// under it.
    ///
    /// Only headings named as a phase count. A phase is not reported when
    /// it holds work specls does not read as tasks, or says on purpose
    /// that it has none:
    /// - checkbox items without task IDs (`- [x] Create the API project`),
    ///   lines starting with `DONE` or `TODO`, table rows with task IDs or
    ///   checkboxes (`| T0.1 | [x] Locate legacy block |`);
    /// - a body saying there is nothing to do: "N/A", "not needed",
    ///   "not required", "not applicable", "no tasks", "none", "nothing",
    ///   "skipped", "deferred", "no ... needed";
    /// - a template placeholder title (`Phase N: [Title]`), which
    ///   `template-placeholder` reports.
    ///
    /// ## Why is this bad?
    /// An empty phase is usually a phase whose tasks were never generated
    /// or were moved away; the Dependencies section and the phase order
    /// still count on it, and readers wonder what was meant to happen
    /// there.
    ///
    /// ## Example
    /// ```markdown
    /// ## Phase 2: Foundational (Blocking Prerequisites)
    ///
    /// **Purpose**: Core infrastructure that MUST be complete before any story
    ///
    /// ## Phase 3: User Story 1 - Login (Priority: P1)
    /// ```
    ///
    /// ## Fix
    /// None: add the phase's tasks, say in its body that none are needed,
    /// or delete the heading.
    pub struct EmptyPhase { code: "empty-phase", severity: Info }
}

impl Rule for EmptyPhase {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let Some(blocks) = file.blocks.as_deref() else { return };
        for phase in &doc.phases {
            if phase.number.is_none() || !phase.tasks.is_empty() || is_placeholder(&phase.title) {
                continue;
            }
            let body: Vec<&ScannedBlock> =
                blocks_within(blocks.blocks(), phase.heading.end, phase.span.end).collect();
            if body.iter().any(|b| holds_unread_work(b) || says_nothing_to_do(b)) {
                continue;
            }
            let message = format!("\"{}\" has no tasks", phase.title);
            out.push(cx.report(Self::META.default_severity, file, phase.title_span, message));
        }
    }
}

/// `Phase N: [Title]`, `Phase 3: [Story Title]`.
fn is_placeholder(title: &str) -> bool {
    title.find('[').is_some_and(|open| title[open..].contains(']'))
}

/// Checkbox items without IDs, `DONE ...` / `TODO ...` lines, and table
/// rows with task IDs or checkboxes: work the model does not read.
fn holds_unread_work(block: &ScannedBlock) -> bool {
    let scan = &block.scan;
    let content = scan.text.get(scan.content_start..).unwrap_or("").trim_start();
    match scan.kind {
        BlockKind::ListItem { .. } | BlockKind::Paragraph => {
            starts_with_checkbox(content)
                || content.lines().any(|line| {
                    let line = line.trim_start();
                    line.starts_with("DONE ") || line.starts_with("TODO ")
                })
        }
        BlockKind::Table => scan.text.lines().any(|row| {
            let cells: Vec<&str> = row.split('|').map(str::trim).collect();
            cells.iter().any(|cell| {
                starts_with_checkbox(cell)
                    || crate::model::ids::parse_task_id(cell, false).is_some_and(|(_, len)| len == cell.len())
            })
        }),
        _ => false,
    }
}

fn starts_with_checkbox(text: &str) -> bool {
    ["[ ]", "[x]", "[X]", "`[ ]`", "`[x]`", "`[X]`", "✅", "☐", "☑", "⬜"].iter().any(|b| text.starts_with(b))
}

/// "N/A", "not needed", "**Status**: NO FOUNDATIONAL WORK NEEDED".
fn says_nothing_to_do(block: &ScannedBlock) -> bool {
    if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
        return false;
    }
    let lower = block.scan.text.to_lowercase();
    let words: Vec<&str> =
        lower.split(|c: char| !(c.is_alphanumeric() || c == '/')).filter(|w| !w.is_empty()).collect();
    let has = |phrase: &[&str]| words.windows(phrase.len()).any(|w| w == phrase);
    has(&["n/a"])
        || has(&["not", "needed"])
        || has(&["not", "required"])
        || has(&["not", "applicable"])
        || has(&["no", "tasks"])
        || has(&["none"])
        || has(&["nothing"])
        || has(&["skipped"])
        || has(&["deferred"])
        || words.iter().position(|w| *w == "no").is_some_and(|at| {
            words[at..].iter().take(6).any(|w| matches!(*w, "needed" | "required" | "necessary"))
        })
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const CODE: &str = "empty-phase";

    #[test]
    fn fires_on_a_phase_with_only_prose() {
        let text = "## Phase 1: Setup\n\n- [ ] T001 Init\n\n## Phase 2: Foundational\n\n\
                    **Purpose**: Core infrastructure\n\n## Phase 3: User Story 1\n\n- [ ] T002 [US1] a\n\n\
                    ## Phase 4: Polish\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:5: \"Phase 2: Foundational\" has no tasks",
                "tasks.md:13: \"Phase 4: Polish\" has no tasks"
            ]
        );
    }

    #[test]
    fn silent_on_checkbox_items_without_ids_done_lines_and_tables() {
        let text = "## Phase 1: Setup\n\n- [x] Create the API project\n\n## Phase 2: Core\n\n\
                    DONE [P] Create the DTOs in `src/models.ts`\n\n## Phase 3: Quality\n\n\
                    | ID | Task |\n|----|------|\n| T0.1 | [x] Locate block |\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn silent_on_deliberately_empty_and_placeholder_phases_and_unnamed_sections() {
        let text = "## Phase 1: Setup\n\nN/A: the project exists.\n\n## Phase 2: Foundational\n\n\
                    **Status**: ✅ **NO FOUNDATIONAL WORK NEEDED**\n\n## Phase 3: [Title]\n\n## Notes\n\nx\n\n\
                    ## Phase 4: Core\n\n- [ ] T001 a\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }
}
