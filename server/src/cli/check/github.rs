//! `check --format github`: GitHub Actions workflow commands, which the
//! runner turns into annotations on the pull request's files.
//!
//! ```text
//! ::error file=specs/001-x/tasks.md,line=41,col=7,endLine=41,endColumn=11,title=specls(duplicate-task-id)::T010 is already used on line 40
//! ```
//!
//! Escaping follows the runner's rules: in the message `%`, `\r` and `\n`
//! are percent-encoded; in property values `:` and `,` too.

use std::fmt::Write;

use super::{Located, Summary, human::summary_line};
use crate::analysis::Severity;

/// Related places shown in one annotation: an annotation is a small box
/// on the pull request, and a cycle or a duplicate can name dozens.
pub const MAX_RELATED: usize = 3;

/// The workflow command for a severity.
fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// Escape a message (the command's data).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One command per diagnostic, then the summary as a plain log line.
pub fn render(diagnostics: &[Located<'_>], summary: &Summary) -> String {
    render_diagnostics(diagnostics) + &render_summary(summary)
}

/// The closing summary, as a plain log line.
pub fn render_summary(summary: &Summary) -> String {
    format!("{}\n", summary_line(summary))
}

/// One command per diagnostic: one feature's part of a streamed report.
pub fn render_diagnostics(diagnostics: &[Located<'_>]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let mut message = d.message.to_string();
        for note in d.related.iter().take(MAX_RELATED) {
            let at = &note.place;
            let _ = write!(message, "\n{}: {}:{}:{}", note.message, at.path, at.start.line, at.start.column);
        }
        if d.related.len() > MAX_RELATED {
            let _ = write!(message, "\n(and {} more places)", d.related.len() - MAX_RELATED);
        }
        if let Some(fix) = &d.fix {
            let _ = write!(message, "\nhelp: {}", fix.title);
        }
        let place = &d.place;
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            command(d.severity),
            escape_property(&place.path),
            place.start.line,
            place.start.column,
            place.end.line,
            place.end.column,
            escape_property(&format!("specls({})", d.code)),
            escape_data(&message),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::check::{LineColumn, LocatedNote, Place};
    use crate::text::Span;

    fn place(line: usize) -> Place<'static> {
        let at = LineColumn { line, column: 1 };
        Place { path: "specs/001-x/tasks.md".into(), start: at, end: at, file: None, span: Span::new(0, 0) }
    }

    #[test]
    fn related_places_are_capped() {
        let related: Vec<LocatedNote<'_>> =
            (1..=20).map(|line| LocatedNote { place: place(line), message: "in the cycle" }).collect();
        let d = Located {
            place: place(30),
            severity: Severity::Error,
            code: "dependency-cycle",
            message: "T001 -> T002 -> T001",
            related,
            fix: None,
            fingerprint: String::new(),
        };
        let out = render_diagnostics(&[d]);
        assert_eq!(out.lines().count(), 1);
        assert_eq!(out.matches("in the cycle").count(), MAX_RELATED);
        assert!(out.ends_with("%0A(and 17 more places)\n"), "{out}");
    }

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
