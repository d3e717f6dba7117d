//! `check --format human`: rustc/ruff-like text.
//!
//! ```text
//! specs/001-x/tasks.md:41:7: error[duplicate-task-id] T010 is already used on line 40
//!    |
//! 41 | - [ ] T010 [US1] Implement GET /invitations
//!    |       ^^^^
//! note: first used here
//!   --> specs/001-x/tasks.md:40:7
//!    |
//! 40 | - [ ] T010 [US1] Implement POST /invitations
//!    |       ----
//! help: Use T011 (unsafe fix: not applied by --fix)
//!
//! Found 1 error in 1 feature (5 files)
//! ```
//!
//! Carets are placed by display width (unicode-width), with a tab shown as
//! four spaces, so they sit under the range whatever the line holds. The
//! text always carries ANSI styles; `cli::write_report` strips them when
//! colour is off (anstream decides, from `--color` and the terminal). Hand-written rather than annotate-snippets: our header
//! line is `path:line:col: severity[code] message` (what editors and CI
//! log viewers turn into links), which that crate does not produce.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthChar;

use super::{Located, Place, Summary};
use crate::analysis::{Applicability, Severity};

/// A tab is shown as this many spaces (as rustc does).
const TAB_WIDTH: usize = 4;

struct Styles {
    path: Style,
    gutter: Style,
    message: Style,
    note: Style,
    help: Style,
    secondary: Style,
}

fn severity_style(severity: Severity) -> Style {
    let colour = match severity {
        Severity::Error => AnsiColor::BrightRed,
        Severity::Warning => AnsiColor::BrightYellow,
        Severity::Info => AnsiColor::BrightBlue,
        Severity::Hint => AnsiColor::BrightCyan,
    };
    Style::new().bold().fg_color(Some(colour.into()))
}

/// `text` wrapped in `style`.
fn paint(style: Style, text: &str) -> String {
    if !text.is_empty() {
        format!("{}{text}{}", style.render(), style.render_reset())
    } else {
        text.to_string()
    }
}

/// The whole report: each diagnostic, then the summary line.
pub fn render(located: &[Located<'_>], summary: &Summary) -> String {
    let mut out = render_diagnostics(located);
    out.push_str(&render_summary(summary));
    out
}

/// Each diagnostic with its snippets, without the summary: one feature's
/// part of a streamed report.
pub fn render_diagnostics(located: &[Located<'_>]) -> String {
    render_diagnostics_with_fixes(located, false)
}

/// [`render_diagnostics`], with each fix's edits under its help line
/// when `show_fixes` (`--show-fixes`).
pub fn render_diagnostics_with_fixes(located: &[Located<'_>], show_fixes: bool) -> String {
    let styles = Styles {
        path: Style::new().bold(),
        gutter: Style::new().bold().fg_color(Some(AnsiColor::BrightBlue.into())),
        message: Style::new().bold(),
        note: Style::new().bold().fg_color(Some(AnsiColor::BrightGreen.into())),
        help: Style::new().bold().fg_color(Some(AnsiColor::BrightCyan.into())),
        secondary: Style::new().bold().fg_color(Some(AnsiColor::BrightBlue.into())),
    };
    let mut out = String::new();
    for diagnostic in located {
        render_one(&mut out, diagnostic, &styles, show_fixes);
        out.push('\n');
    }
    out
}

/// The closing summary line.
pub fn render_summary(summary: &Summary) -> String {
    format!("{}\n", paint(Style::new().bold(), &summary_line(summary)))
}

fn render_one(out: &mut String, d: &Located<'_>, styles: &Styles, show_fixes: bool) {
    let severity = severity_style(d.severity);
    let _ = writeln!(
        out,
        "{}: {} {}",
        paint(styles.path, &format!("{}:{}:{}", d.place.path, d.place.start.line, d.place.start.column)),
        paint(severity, &format!("{}[{}]", d.severity.name(), d.code)),
        paint(styles.message, d.message),
    );
    let width = std::iter::once(&d.place)
        .chain(d.related.iter().map(|r| &r.place))
        .filter(|p| p.file.is_some())
        .map(|p| p.start.line.to_string().len())
        .max()
        .unwrap_or(1);
    let gutter = |text: &str| paint(styles.gutter, text);
    snippet(out, &d.place, width, '^', severity, &gutter);
    for note in &d.related {
        let _ = writeln!(out, "{}: {}", paint(styles.note, "note"), note.message);
        let _ = writeln!(
            out,
            "{}{} {}:{}:{}",
            " ".repeat(width),
            gutter("-->"),
            note.place.path,
            note.place.start.line,
            note.place.start.column
        );
        snippet(out, &note.place, width, '-', styles.secondary, &gutter);
    }
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            Applicability::Safe => "safe fix: `specls check --fix` applies it",
            Applicability::Unsafe => "unsafe fix: not applied by --fix",
        };
        let _ = writeln!(out, "{}: {} ({how})", paint(styles.help, "help"), fix.title);
        if show_fixes {
            for edit in &fix.edits {
                let old = edit.place.file.map(|f| f.document.slice(edit.place.span).into_owned());
                let _ = writeln!(
                    out,
                    "{}{} {}:{}:{}: replace {:?} with {:?}",
                    " ".repeat(width),
                    gutter("="),
                    edit.place.path,
                    edit.place.start.line,
                    edit.place.start.column,
                    old.unwrap_or_default(),
                    edit.new_text
                );
            }
        }
    }
}

/// The source line of `place` with its range underlined by `mark`.
fn snippet(
    out: &mut String,
    place: &Place<'_>,
    width: usize,
    mark: char,
    mark_style: Style,
    gutter: &dyn Fn(&str) -> String,
) {
    let Some(file) = place.file else { return };
    let doc = &file.document;
    let line = doc.line_of(place.span.start);
    let line_span = doc.line_span(line);
    let text = doc.line_text(line);
    // Offsets inside the line; a range running past the line's end is
    // underlined to the end of the line.
    let start = place.span.start.clamp(line_span.start, line_span.end) - line_span.start;
    let end = place.span.end.clamp(line_span.start + start, line_span.end) - line_span.start;
    let (shown, before, under) = layout(&text, start, end);
    let blank = " ".repeat(width);
    let _ = writeln!(out, "{blank} {}", gutter("|"));
    let _ = writeln!(out, "{} {} {shown}", gutter(&format!("{:>width$}", line + 1)), gutter("|"));
    let marks: String = std::iter::repeat_n(mark, under.max(1)).collect();
    let _ = writeln!(out, "{blank} {} {}{}", gutter("|"), " ".repeat(before), paint(mark_style, &marks));
}

/// The widest code frame: a longer line (a generated 60 KB line) is shown
/// as a window of this many columns around the range, cut with `…`.
const FRAME_WIDTH: usize = 120;
/// Columns shown before the range when a line is cut.
const FRAME_CONTEXT: usize = 40;

/// The line as shown (tabs expanded, control characters replaced, cut to
/// [`FRAME_WIDTH`]), the display width before byte `start`, and the width
/// of `start..end`.
fn layout(text: &str, start: usize, end: usize) -> (String, usize, usize) {
    // Each character as shown (a character repeated, not a string per
    // character: a hundred thousand allocations for the corpus), and its
    // width.
    let pieces = || {
        text.char_indices().map(|(offset, c)| match c {
            '\t' => (offset, (' ', TAB_WIDTH), TAB_WIDTH),
            c if c.is_control() => (offset, (control_picture(c), 1), 1),
            c => (offset, (c, 1), c.width().unwrap_or(0)),
        })
    };
    let (mut before, mut under, mut total) = (0, 0, 0);
    for (offset, _, width) in pieces() {
        total += width;
        if offset < start {
            before += width;
        } else if offset < end {
            under += width;
        }
    }
    // The columns shown: all of a short line, else a window that starts a
    // little before the range.
    let from = if total <= FRAME_WIDTH { 0 } else { before.saturating_sub(FRAME_CONTEXT) };
    let to = from + FRAME_WIDTH;
    let mut shown = String::from(if from > 0 { "…" } else { "" });
    let mut column = 0;
    for (_, (shown_as, copies), width) in pieces() {
        if column >= from && column + width <= to {
            shown.extend(std::iter::repeat_n(shown_as, copies));
        }
        column += width;
        if column >= to {
            break;
        }
    }
    if total > to {
        shown.push('…');
    }
    let cut = usize::from(from > 0);
    (shown, before - from + cut, under.min(to.saturating_sub(before)))
}

/// The visible stand-in of a control character: its Unicode control
/// picture (`␀` for NUL, `␋` for a vertical tab), or `�` for the rest.
fn control_picture(c: char) -> char {
    match c as u32 {
        code @ 0..0x20 => char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// "Found 3 errors, 5 warnings, 1 info in 2 features (17 files)" or
/// "No problems in 1 feature (5 files)".
pub fn summary_line(summary: &Summary) -> String {
    let scope = format!("{} ({})", plural(summary.features, "feature"), plural(summary.files, "file"));
    let counts: Vec<String> = [
        (summary.errors, "error"),
        (summary.warnings, "warning"),
        (summary.infos, "info"),
        (summary.hints, "hint"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, word)| plural(*n, word))
    .collect();
    if summary.features == 0 {
        "No feature folders found".to_string()
    } else if counts.is_empty() {
        format!("No problems in {scope}")
    } else {
        format!("Found {} in {scope}", counts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_shown_as_a_window_around_its_range() {
        let text = format!("{}T077{}", "word ".repeat(12_000), " tail".repeat(12_000));
        let start = text.find("T077").unwrap();
        let (shown, before, under) = layout(&text, start, start + 4);
        assert!(shown.chars().count() <= FRAME_WIDTH + 2, "{} columns", shown.chars().count());
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let marked: String = shown.chars().skip(before).take(under).collect();
        assert_eq!(marked, "T077");
        // A range running past the window is underlined to its edge.
        let (shown, before, under) = layout(&text, start, text.len());
        assert_eq!(before + under, shown.chars().count() - 1);
        // Short lines are shown whole.
        assert_eq!(layout("- [ ] T001 a", 6, 10), ("- [ ] T001 a".to_string(), 6, 4));
    }

    #[test]
    fn carets_follow_display_width() {
        // A tab is four columns; a CJK character two; an emoji two.
        assert_eq!(layout("\tT001 x", 1, 5), ("    T001 x".to_string(), 4, 4));
        let text = "- [ ] T001 设计 🎯 done";
        let start = text.find("🎯").unwrap();
        let (_, before, under) = layout(text, start, start + "🎯".len());
        assert_eq!((before, under), (16, 2));
        assert_eq!(layout("a\u{7}b", 2, 3), ("a\u{2407}b".to_string(), 2, 1));
        assert_eq!(layout("\0\u{7f}\u{85}", 0, 1).0, "\u{2400}\u{2421}\u{FFFD}");
    }

    #[test]
    fn summary_lines() {
        let mut summary = Summary { errors: 3, warnings: 5, infos: 1, hints: 0, features: 2, files: 17 };
        assert_eq!(summary_line(&summary), "Found 3 errors, 5 warnings, 1 info in 2 features (17 files)");
        summary = Summary { features: 1, files: 1, ..Summary::default() };
        assert_eq!(summary_line(&summary), "No problems in 1 feature (1 file)");
        assert_eq!(summary_line(&Summary::default()), "No feature folders found");
    }
}
