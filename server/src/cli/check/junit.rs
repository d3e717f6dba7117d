//! `check --format junit`: JUnit XML, which CI servers (GitLab, Jenkins,
//! Azure Pipelines) show as test results. One test suite per file, one
//! failing test case per finding; a clean run is one passing case, so the
//! report is never empty.
//!
//! ```xml
//! <testsuites name="specls" tests="1" failures="1" errors="0">
//!   <testsuite name="specs/001-x/tasks.md" tests="1" failures="1" errors="0">
//!     <testcase name="specls.duplicate-task-id" classname="specs/001-x/tasks.md" line="41" column="7">
//!       <failure message="T010 is already used on line 40" type="error">line 41, col 7, T010 is already used on line 40</failure>
//!     </testcase>
//!   </testsuite>
//! </testsuites>
//! ```

use std::fmt::Write;

use super::Located;

/// Text as XML character data or an attribute value. Characters XML 1.0
/// cannot hold at all (most C0 controls) become U+FFFD.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// The JUnit report of located, sorted findings.
pub fn render(located: &[Located<'_>]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total = located.len().max(1);
    let _ = writeln!(
        out,
        "<testsuites name=\"specls\" tests=\"{total}\" failures=\"{}\" errors=\"0\">",
        located.len()
    );
    if located.is_empty() {
        out.push_str("  <testsuite name=\"specls\" tests=\"1\" failures=\"0\" errors=\"0\">\n");
        out.push_str("    <testcase name=\"No problems found\" classname=\"specls\"/>\n");
        out.push_str("  </testsuite>\n");
    }
    // Findings are sorted by path: each run of one path is a suite.
    for group in located.chunk_by(|a, b| a.place.path == b.place.path) {
        let path = escape(&group[0].place.path);
        let _ = writeln!(
            out,
            "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\">",
            n = group.len()
        );
        for d in group {
            let (line, column) = (d.place.start.line, d.place.start.column);
            let message = escape(d.message);
            let _ = writeln!(
                out,
                "    <testcase name=\"specls.{}\" classname=\"{path}\" line=\"{line}\" column=\"{column}\">",
                d.code
            );
            let _ = writeln!(
                out,
                "      <failure message=\"{message}\" type=\"{}\">line {line}, col {column}, {message}</failure>",
                d.severity.name()
            );
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_controls_are_escaped() {
        assert_eq!(escape("a<b & \"c\"\n"), "a&lt;b &amp; &quot;c&quot;&#10;");
        assert_eq!(escape("bell\u{7}"), "bell\u{FFFD}");
    }
}
