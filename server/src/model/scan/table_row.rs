//! Task lines written as table rows:
//!
//! ```markdown
//! | ID   | Task                             | Details          |
//! |------|----------------------------------|------------------|
//! | T0.1 | [x] Locate the legacy render block | in src/log.cpp |
//! ```
//!
//! Some authors keep their tasks in a table with an ID column. A body row
//! whose first cell is a task ID is a task: its ID from that cell, its done
//! state from a checkbox (or ✅, or a status such as "Done") at the start
//! of a later cell, its `[P]` and `[USn]` labels and description from the
//! first cell after the ID. A row is its own form: it has no
//! irregularities, so no fix ever rewrites it into a list item.

use super::task_line::{CheckState, TaskLine};
use crate::model::ids::{parse_story_label, parse_task_id};
use crate::model::markdown::{table_rows, trim_span};
use crate::text::Span;

/// The cells of one table row: the span of each cell's trimmed text,
/// relative to `row`, as [`table_rows`] splits them (pipes inside code
/// spans or escaped do not split). A delimiter row has none.
pub fn row_cells(row: &str) -> Vec<Span> {
    table_rows(row).0.map(|header| header.cells.iter().map(|c| c.span).collect()).unwrap_or_default()
}

/// Whether a header cell names the ID column (`ID`, `Task ID`, `#`).
pub fn is_id_header(cell: &str) -> bool {
    let name = cell.trim().trim_matches(['*', '_']).trim().to_ascii_lowercase();
    matches!(name.as_str(), "id" | "task id" | "task" | "#" | "task #" | "no." | "no")
}

/// The task of one body row, or `None` when its first cell is not a task
/// ID. Spans are relative to `row`.
pub fn scan_table_row(row: &str) -> Option<TaskLine> {
    let cells = row_cells(row);
    let (first, rest) = cells.split_first()?;
    let id_cell = trimmed_of(row, *first, ['*', '_']);
    let (id, id_len) = parse_task_id(&row[id_cell.start..id_cell.end], false)?;
    let id_span = Span::new(id_cell.start, id_cell.start + id_len);
    let task_cell = rest.first().copied().unwrap_or(Span::empty(first.end));
    let mut line = TaskLine {
        id,
        id_span,
        state: CheckState::Open,
        has_checkbox: false,
        checkbox_span: None,
        parallel: None,
        story: None,
        labels: Vec::new(),
        description: "".into(),
        description_span: Span::empty(task_cell.start),
        tail_end: row.trim_end().len(),
        cancelled: false,
        head_start: task_cell.start,
        irregularities: Vec::new(),
        reads_as_statement: false,
        bold_closed: true,
    };
    // Labels may follow the ID in its cell (`| T010 [US1] |`, where
    // missing-story-label's fix puts them); anything else there is no ID.
    let mut after_id = id_span.end;
    for close in ["**", "__"] {
        if row[after_id..].starts_with(close) {
            after_id += close.len();
        }
    }
    let after_labels = read_labels(row, skip_spaces(row, after_id), id_cell.end, &mut line);
    if after_labels < id_cell.end && !row[after_labels..id_cell.end].trim_matches(['*', '_', ' ']).is_empty()
    {
        return None;
    }
    let mut at = task_cell.start;
    if let Some((state, span)) = checkbox(row, at) {
        (line.state, line.checkbox_span, line.has_checkbox) = (state, Some(span), true);
        at = skip_spaces(row, span.end);
    }
    at = read_labels(row, at, task_cell.end, &mut line);
    let description = trim_span(row, Span::new(at.min(task_cell.end), task_cell.end));
    line.description = row[description.start..description.end].into();
    line.description_span = description;
    if !line.has_checkbox {
        line.state = status_in(row, rest.get(1..).unwrap_or_default()).unwrap_or(CheckState::Open);
    }
    Some(line)
}

/// `[P]` and `[USn]` right after the checkbox (or at the cell's start).
fn read_labels(row: &str, mut at: usize, end: usize, line: &mut TaskLine) -> usize {
    while at < end && row[at..].starts_with('[') {
        let Some(close) = row[at..end].find(']') else { break };
        let inner = &row[at + 1..at + close];
        let span = Span::new(at, at + close + 1);
        if inner == "P" {
            line.parallel = Some(span);
        } else if let Some((number, _)) = parse_story_label(inner).filter(|(_, len)| *len == inner.len()) {
            line.story = Some((number, span));
        } else {
            break;
        }
        at = skip_spaces(row, span.end);
    }
    at
}

/// A checkbox at `at`: `[ ]`, `[x]`, `[X]`, or ✅ / ⬜.
fn checkbox(row: &str, at: usize) -> Option<(CheckState, Span)> {
    let rest = &row[at..];
    let state = match rest.get(..3)? {
        "[ ]" => Some(CheckState::Open),
        "[x]" | "[X]" => Some(CheckState::Done),
        _ => None,
    };
    if let Some(state) = state {
        return Some((state, Span::new(at, at + 3)));
    }
    let c = rest.chars().next()?;
    let state = match c {
        '✅' | '☑' | '✔' => CheckState::Done,
        '⬜' | '☐' => CheckState::Open,
        _ => return None,
    };
    Some((state, Span::new(at, at + c.len_utf8())))
}

/// The state a later cell gives: a checkbox or mark at its start, or a
/// status word (`Done`, `Complete`, `Todo`, `Pending`).
fn status_in(row: &str, cells: &[Span]) -> Option<CheckState> {
    cells.iter().find_map(|cell| {
        if let Some((state, _)) = checkbox(row, cell.start) {
            return Some(state);
        }
        let word = row[cell.start..cell.end].trim_matches(['*', '_', ' ']).to_ascii_lowercase();
        match word.as_str() {
            "done" | "complete" | "completed" | "finished" => Some(CheckState::Done),
            "todo" | "to do" | "pending" | "open" | "not started" => Some(CheckState::Open),
            _ => None,
        }
    })
}

fn skip_spaces(row: &str, at: usize) -> usize {
    at + (row[at..].len() - row[at..].trim_start_matches([' ', '\t']).len())
}

/// `span` without surrounding whitespace nor the given wrapping characters.
fn trimmed_of<const N: usize>(text: &str, span: Span, wrap: [char; N]) -> Span {
    let inner = &text[span.start..span.end];
    let is_trim = |c: char| c.is_whitespace() || wrap.contains(&c);
    let start = span.start + (inner.len() - inner.trim_start_matches(is_trim).len());
    let end = span.start + inner.trim_end_matches(is_trim).len();
    Span::new(start, end.max(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(row: &str) -> Vec<&str> {
        row_cells(row).into_iter().map(|s| &row[s.start..s.end]).collect()
    }

    #[test]
    fn cells_split_on_pipes_outside_code() {
        assert_eq!(cells("| T0.1 | [x] Locate `a|b` | x \\| y |"), ["T0.1", "[x] Locate `a|b`", "x \\| y"]);
        assert_eq!(cells("T001 | Build | done"), ["T001", "Build", "done"]);
        assert_eq!(cells("| a |  |"), ["a", ""]);
    }

    #[test]
    fn a_row_with_an_id_cell_is_a_task() {
        let row = "| T0.1 | [x] [P] [US2] Locate legacy render block | Identify it. | Located. |";
        let line = scan_table_row(row).unwrap();
        assert_eq!(&row[line.id_span.start..line.id_span.end], "T0.1");
        assert_eq!(line.state, CheckState::Done);
        assert_eq!(line.checkbox_span.map(|s| &row[s.start..s.end]), Some("[x]"));
        assert!(line.parallel.is_some());
        assert_eq!(line.story.map(|(n, _)| n), Some(2));
        assert_eq!(&*line.description, "Locate legacy render block");
        assert!(line.is_canonical(), "a row is never rewritten");
    }

    #[test]
    fn status_cells_and_bold_ids() {
        let line = scan_table_row("| **T002** | Write the parser | ✅ |").unwrap();
        assert_eq!((&*line.id.text, line.state, line.has_checkbox), ("T002", CheckState::Done, false));
        let line = scan_table_row("| **T004** [US1] | Labelled in the ID cell |").unwrap();
        assert_eq!((&*line.id.text, line.story.map(|(n, _)| n)), ("T004", Some(1)));
        let line = scan_table_row("| T003 | Write docs | Pending |").unwrap();
        assert_eq!(line.state, CheckState::Open);
        assert_eq!(line.head_start, "| T003 | ".len());
    }

    #[test]
    fn rows_without_an_id_cell_are_not_tasks() {
        assert_eq!(scan_table_row("| Phase 1 | T001 | done |"), None);
        assert_eq!(scan_table_row("| T001 and T002 | before T003 |"), None);
        assert_eq!(scan_table_row("|----|----|"), None);
    }
}
