//! `check --format concise`: one line per finding, then the summary.
//!
//! ```text
//! specs/001-x/tasks.md:41:7: error[duplicate-task-id] T010 is already used on line 40
//! Found 1 error in 1 feature (5 files)
//! ```

use std::fmt::Write;

use super::{Located, Summary, human::summary_line};

/// The `path:line:col: severity[code] message` line of one finding: the
/// header of the human format, which editors and CI logs turn into links.
pub fn line(d: &Located<'_>) -> String {
    let place = &d.place;
    format!(
        "{}:{}:{}: {}[{}] {}",
        place.path,
        place.start.line,
        place.start.column,
        d.severity.name(),
        d.code,
        d.message
    )
}

/// Every finding on its line, then the summary line unless `summary` is
/// `None` (`--quiet`).
pub fn render(located: &[Located<'_>], summary: Option<&Summary>) -> String {
    let mut out = String::new();
    for d in located {
        let _ = writeln!(out, "{}", line(d));
    }
    if let Some(summary) = summary {
        let _ = writeln!(out, "{}", summary_line(summary));
    }
    out
}
