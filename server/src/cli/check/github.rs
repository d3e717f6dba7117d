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
        for note in &d.related {
            let at = &note.place;
            let _ = write!(message, "\n{}: {}:{}:{}", note.message, at.path, at.start.line, at.start.column);
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

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(escape_data("50% done\r\nnext: a, b"), "50%25 done%0D%0Anext: a, b");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
