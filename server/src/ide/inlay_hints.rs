//! Inlay hints: what a bare task reference in prose is about. `T012`
//! reads `T012: Create User model` without leaving the line. No hint on a
//! task's own line, on the ends of ranges, or where the description is
//! already written next to the ID.

use super::symbols::truncate;
use crate::model::feature::Feature;
use crate::model::scan::MentionKind;
use crate::syntax::BlockKind;
use crate::text::Span;

/// Descriptions are cut to this many characters.
const HINT_CHARS: usize = 32;

/// Text shown at `offset` (right after the reference).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    pub offset: usize,
    pub label: String,
    /// The whole description, with the task's state.
    pub tooltip: String,
}

/// Hints for the task references of file `rel` inside `visible`.
pub fn inlay_hints(feature: &Feature, rel: &str, visible: Span) -> Vec<InlayHint> {
    let Some(file) = feature.file(rel) else { return Vec::new() };
    let Some(blocks) = file.blocks.as_deref() else { return Vec::new() };
    let Some((tasks_file, doc)) = feature.tasks() else { return Vec::new() };
    let in_tasks = tasks_file.rel == file.rel;
    let mut out = Vec::new();
    let first = blocks.blocks().partition_point(|b| b.span().end < visible.start);
    for block in &blocks.blocks()[first..] {
        if block.start > visible.end {
            break;
        }
        if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
            continue;
        }
        // A task's own line defines it; a task-shaped statement such as
        // `- T001 blocks T002` does not.
        let defines =
            in_tasks && doc.task_at(block.start).is_some_and(|t| doc.tasks[t].block.start == block.start);
        let own_id = block.scan.task.as_ref().filter(|_| defines).map(|t| t.id_span);
        let text = &block.scan.text;
        for mention in &block.scan.mentions {
            let MentionKind::Task { id } = &mention.kind else { continue };
            let span = block.abs(mention.span);
            if Some(mention.span) == own_id || !(visible.start <= span.start && span.end <= visible.end) {
                continue;
            }
            let Some(task) = doc.task(id.key) else { continue };
            let description = plain(task.description());
            if description.is_empty() || written_nearby(text, &description) {
                continue;
            }
            let state = if task.done() { "done" } else { "open" };
            out.push(InlayHint {
                offset: span.end,
                label: format!(": {}", truncate(&description, HINT_CHARS)),
                tooltip: format!("{} ({state}): {description}", task.id()),
            });
        }
    }
    out
}

/// A description without code and emphasis marks.
fn plain(description: &str) -> String {
    description.replace("**", "").replace('`', "").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether the block already says what the task is: it holds the
/// description's first words (`T012 Create User model`, `Create User model
/// (T012)`).
fn written_nearby(text: &str, description: &str) -> bool {
    let words: Vec<String> = description.split_whitespace().take(3).map(str::to_lowercase).collect();
    let text: Vec<String> = plain(text).split_whitespace().map(str::to_lowercase).collect();
    !words.is_empty() && text.windows(words.len()).any(|window| window == words.as_slice())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature;

    fn check(files: &[(&str, &str)], rel: &str, visible: Option<Span>, expect: Expect) {
        let feature = feature(files);
        let file = feature.file(rel).unwrap();
        let visible = visible.unwrap_or(Span::new(0, file.document.len()));
        let shown: Vec<String> = inlay_hints(&feature, rel, visible)
            .iter()
            .map(|h| {
                let line = file.document.line_of(h.offset) + 1;
                let before = file.document.slice(Span::new(h.offset.saturating_sub(4), h.offset));
                format!("{line}: {before}{} | {}", h.label, h.tooltip)
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    const TASKS: &str = "## Phase 1\n\n- [x] T001 Create the User model in src/models/user.py with validation\n- [ ] T002 Add login endpoint (depends on T001)\n- [ ] T003 Wire T002 into the router\n\n## Dependencies\n\n- T001 blocks T002, T003\n- T001 Create the User model first\n- T002-T003 in order\n\n```\nT001\n```\n";

    #[test]
    fn references_get_the_description() {
        check(
            &[("tasks.md", TASKS)],
            "tasks.md",
            None,
            expect![[r#"
                4: T001: Create the User model in src/mo… | T001 (done): Create the User model in src/models/user.py with validation
                5: T002: Add login endpoint (depends on… | T002 (open): Add login endpoint (depends on T001)
                9: T001: Create the User model in src/mo… | T001 (done): Create the User model in src/models/user.py with validation
                9: T002: Add login endpoint (depends on… | T002 (open): Add login endpoint (depends on T001)
                9: T003: Wire T002 into the router | T003 (open): Wire T002 into the router"#]],
        );
    }

    #[test]
    fn only_in_the_visible_range_and_in_other_documents() {
        let start = TASKS.find("## Dependencies").unwrap();
        check(
            &[("tasks.md", TASKS)],
            "tasks.md",
            Some(Span::new(start, start + 30)),
            expect![
                "9: T001: Create the User model in src/mo… | T001 (done): Create the User model in src/models/user.py with validation"
            ],
        );
        let plan = "# Plan\n\nStart with T002, then T003.\n";
        check(
            &[("tasks.md", TASKS), ("plan.md", plan)],
            "plan.md",
            None,
            expect![[r#"
                3: T002: Add login endpoint (depends on… | T002 (open): Add login endpoint (depends on T001)
                3: T003: Wire T002 into the router | T003 (open): Wire T002 into the router"#]],
        );
    }
}
