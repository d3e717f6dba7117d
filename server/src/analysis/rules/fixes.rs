//! Building blocks of quick fixes shared by rules and code actions.

use crate::model::ids::TaskKey;
use crate::model::scan::{BlockScan, CheckState, Irregularity, TaskLine};
use crate::text::Span;

/// The first plain ID after `after` that no task uses: a duplicate `T010`
/// becomes `T011` when that is free.
pub fn next_free_id(taken: &[TaskKey], after: TaskKey) -> TaskKey {
    let mut number = after.number + 1;
    while taken.iter().any(|k| k.number == number) {
        number += 1;
    }
    TaskKey::new(number)
}

/// The next ID after every existing one: where a new task goes at the end.
pub fn next_id_after_all(taken: &[TaskKey]) -> TaskKey {
    TaskKey::new(taken.iter().map(|k| k.number).max().unwrap_or(0) + 1)
}

/// A task line in the canonical shape `- [ ] T001 [P] [US1] Description`,
/// keeping the ID's written form when it is already canonical.
pub fn canonical_line(line: &TaskLine, done: bool, story: Option<u32>) -> String {
    let id = if line.id.is_canonical() { line.id.text.to_string() } else { line.id.key.to_string() };
    let mut out = format!("- [{}] {id}", if done { "x" } else { " " });
    if line.parallel.is_some() {
        out.push_str(" [P]");
    }
    if let Some(story) = story {
        out.push_str(&format!(" [US{story}]"));
    }
    for label in &line.labels {
        out.push_str(&format!(" [{}]", label.text));
    }
    let description = line.description.trim_start_matches("~~").trim_end_matches("~~").trim();
    if !description.is_empty() {
        out.push(' ');
        out.push_str(description);
    }
    out
}

/// Whether a line's state should stay "done" when rewritten.
pub fn is_done(state: CheckState) -> bool {
    state == CheckState::Done
}

/// Edits, with spans relative to the task's block, that rewrite a task
/// line into the canonical shape `- [ ] T001 [P] [US1] [label] Description`
/// while keeping every word of the description where it is: the list
/// marker (`*`, `1.`, a heading's `###`) becomes `-`, the head (symbols,
/// checkbox, ID, punctuation, labels) is rewritten, labels and done marks
/// trailing the description move into it, and continuation lines of a
/// wrapped task stay untouched. The ID keeps its written form unless
/// `rename_id` is set (then `T1`, `t001`, `T-001` become `T001`; `T2.1`
/// has no canonical form).
///
/// `None` when no faithful rewrite exists: struck-through (cancelled)
/// tasks, symbols before the checkbox (they may carry meaning), setext
/// headings, and emphasis opened in the head but closed inside the
/// description.
pub fn canonical_head_edits(scan: &BlockScan, rename_id: bool) -> Option<Vec<(Span, String)>> {
    use Irregularity::{Strikethrough, SymbolPrefix};
    let text: &str = &scan.text;
    let line = scan.task.as_ref()?;
    if line.cancelled || line.irregularities.iter().any(|i| matches!(i, Strikethrough | SymbolPrefix)) {
        return None;
    }
    let marker_start = text.len() - text.trim_start_matches([' ', '\t']).len();
    let marker = text.get(marker_start..line.head_start)?.trim_end();
    let heading = line.irregularities.contains(&Irregularity::HeadingTask);
    if heading && (!marker.starts_with('#') || text[..line.description_span.start].contains('\n')) {
        return None; // a setext heading's title spans two lines
    }
    let rewrite_marker = marker != "-";
    let head_start = if rewrite_marker { marker_start } else { line.head_start };
    let head = Span::new(head_start, line.description_span.start);
    let head_text = text.get(head.start..head.end)?;
    if head_text.matches("**").count() % 2 == 1 || head_text.matches("__").count() % 2 == 1 {
        return None;
    }
    let id = if rename_id && !line.id.is_canonical() {
        if line.id.key.minor.is_some() {
            return None;
        }
        line.id.key.to_string()
    } else {
        line.id.text.to_string()
    };
    let written_box = line.checkbox_span.and_then(|span| text.get(span.start..span.end));
    let checkbox = match (written_box, line.state) {
        (Some(written @ "[ ]"), CheckState::Open) | (Some(written @ ("[x]" | "[X]")), CheckState::Done) => {
            written.to_string()
        }
        (_, CheckState::Open) => "[ ]".to_string(),
        (_, CheckState::Done) => "[x]".to_string(),
        (_, CheckState::Other(c)) => format!("[{c}]"),
    };
    let mut new_head = format!("{}{checkbox} {id}", if rewrite_marker { "- " } else { "" });
    if line.parallel.is_some() {
        new_head.push_str(" [P]");
    }
    if let Some((story, _)) = line.story {
        new_head.push_str(&format!(" [US{story}]"));
    }
    for label in &line.labels {
        new_head.push_str(&format!(" [{}]", label.text));
    }
    let description_starts_line = text[head.end..].starts_with(['\n', '\r']);
    if !line.description.is_empty() && !description_starts_line {
        new_head.push(' ');
    }
    let mut edits = Vec::new();
    if head_text != new_head {
        edits.push((head, new_head));
    }
    // Labels and a done mark after the description: `... [P] ✅`.
    // Only up to the task's own end: detail lines below it keep their marks.
    let trailing = Span::new(line.description_span.end, line.tail_end.max(line.description_span.end));
    if text[trailing.start..trailing.end].contains(['\n', '\r']) {
        return None; // labels on a continuation line: moving them joins two lines
    }
    if !trailing.is_empty() {
        edits.push((trailing, String::new()));
    }
    Some(edits)
}
