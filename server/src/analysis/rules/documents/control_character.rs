use ropey::Rope;

use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::feature::FeatureFile;
use crate::text::{Span, control};

declare_rule! {
    /// ## What it does
    /// Reports control characters in a markdown file of the feature: NUL,
    /// vertical tab, form feed, escape and the other C0 characters but for
    /// tab, line feed and carriage return. specls reads each one as a
    /// space, so a line holding only a NUL byte is a blank line and the
    /// tasks around it stay apart; this finding says that it did.
    ///
    /// Adjacent control characters make one finding. After the first 50
    /// findings of a file, one more finding counts the rest.
    ///
    /// ## Why is this bad?
    /// Editors show these characters as nothing or as a box, yet other
    /// markdown tools read them differently: some end the file at a NUL,
    /// some glue the lines around it into one paragraph, so a task can
    /// silently vanish into the one above it. They come from a bad copy and
    /// paste, a binary tool's output or a broken encoding conversion, never
    /// from someone writing a task list.
    ///
    /// ## Example
    /// ```text
    /// - [ ] T002 Create the model in src/models/user.py
    /// ␀
    /// - [ ] T003 Add the service in src/services/user.py (depends on T002)
    /// ```
    /// (`␀` stands for the invisible NUL byte.)
    ///
    /// ## Fix
    /// A safe fix deletes the characters, or replaces them with one space
    /// where they stand between two words, as specls read them.
    pub struct ControlCharacter { code: "control-character", severity: Warning }
}

/// Findings reported one by one in a file; the rest share one.
const LISTED: usize = 50;

/// The abbreviations of the C0 control characters, by code.
const NAMES: [&str; 32] = [
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR", "SO", "SI",
    "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB", "ESC", "FS", "GS", "RS",
    "US",
];

impl Rule for ControlCharacter {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file, _) in cx.feature.markdown_files() {
            // Kept edit by edit: most documents hold none, and a keystroke
            // in a long one then reads none of its text here.
            if !file.document.has_control() {
                continue;
            }
            let runs = control_runs(file.document.rope());
            for run in runs.iter().take(LISTED) {
                out.push(report_run(cx, file, *run));
            }
            if runs.len() > LISTED {
                out.push(report_rest(cx, file, &runs[LISTED..]));
            }
        }
    }
}

/// The runs of adjacent control characters of a document, in order.
fn control_runs(rope: &Rope) -> Vec<Span> {
    let mut runs: Vec<Span> = Vec::new();
    let mut chunk_start = 0;
    for chunk in rope.chunks() {
        // Most documents hold none: one vectorised pass per chunk.
        if control::has_control(chunk.as_bytes()) {
            for at in control::control_offsets(chunk).map(|at| chunk_start + at) {
                match runs.last_mut() {
                    Some(run) if run.end == at => run.end = at + 1,
                    _ => runs.push(Span::new(at, at + 1)),
                }
            }
        }
        chunk_start += chunk.len();
    }
    runs
}

fn report_run(cx: &Context<'_>, file: &FeatureFile, run: Span) -> Diagnostic {
    let rope = file.document.rope();
    let names = run_names(rope, run);
    let message = if run.len() == 1 {
        format!("control character U+{:04X} ({names}), read as a space", rope.byte(run.start))
    } else {
        format!("{} control characters ({names}), read as spaces", run.len())
    };
    let edit = fix_edit(file, run);
    let title = match (edit.new_text.is_empty(), run.len()) {
        (true, 1) => "Delete the control character",
        (true, _) => "Delete the control characters",
        (false, 1) => "Replace the control character with a space",
        (false, _) => "Replace the control characters with a space",
    };
    cx.report(ControlCharacter::META.default_severity, file, run, message).with_fix(Fix {
        title: title.to_string(),
        applicability: Applicability::Safe,
        edits: vec![edit],
    })
}

/// One finding for the runs past the listed ones, fixing them all.
fn report_rest(cx: &Context<'_>, file: &FeatureFile, rest: &[Span]) -> Diagnostic {
    let count: usize = rest.iter().map(|run| run.len()).sum();
    let first = rest[0];
    let message = format!("{count} more control characters in this file, read as spaces");
    cx.report(ControlCharacter::META.default_severity, file, first, message).with_fix(Fix {
        title: "Delete the remaining control characters".to_string(),
        applicability: Applicability::Safe,
        edits: rest.iter().map(|run| fix_edit(file, *run)).collect(),
    })
}

/// The distinct names of a run's characters (`NUL, VT`).
fn run_names(rope: &Rope, run: Span) -> String {
    let mut seen: Vec<u8> = Vec::new();
    for at in run.start..run.end {
        let byte = rope.byte(at);
        if !seen.contains(&byte) {
            seen.push(byte);
        }
    }
    let name = |byte: &u8| NAMES.get(usize::from(*byte)).copied().unwrap_or("?");
    seen.iter().map(name).collect::<Vec<_>>().join(", ")
}

/// Delete the run, or leave one space where it separates two words (what
/// specls read there), so the fix changes no word of the analysis.
fn fix_edit(file: &FeatureFile, run: Span) -> FileEdit {
    let rope = file.document.rope();
    let word_before = run.start > 0 && !rope.byte(run.start - 1).is_ascii_whitespace();
    let word_after = run.end < rope.len_bytes() && !rope.byte(run.end).is_ascii_whitespace();
    let new_text = if word_before && word_after { " " } else { "" };
    FileEdit { file: file.rel.clone(), span: run, new_text: new_text.to_string() }
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, feature, findings};

    fn run(text: &str) -> Vec<String> {
        check("control-character", &[("tasks.md", text)])
    }

    #[test]
    fn reports_each_run_and_names_its_characters() {
        let text = "- [ ] T001 a\0b in src/a.rs\n\0\0\n- [ ] T002 c\x0b\x0c\x0b\n";
        assert_eq!(
            run(text),
            [
                "tasks.md:1: control character U+0000 (NUL), read as a space [fix: Replace the control character with a space]",
                "tasks.md:2: 2 control characters (NUL), read as spaces [fix: Delete the control characters]",
                "tasks.md:3: 3 control characters (VT, FF), read as spaces [fix: Delete the control characters]",
            ]
        );
    }

    #[test]
    fn tabs_line_endings_and_unicode_are_not_reported() {
        assert!(run("- [ ] T001\ta in src/é.rs\r\n\r\n# Done ✅\n").is_empty());
    }

    #[test]
    fn many_runs_end_in_one_counting_finding_that_fixes_them_all() {
        let text = "x\0\n".repeat(LISTED_PLUS);
        let found = run(&text);
        assert_eq!(found.len(), 51);
        assert_eq!(
            found[50],
            "tasks.md:51: 10 more control characters in this file, read as spaces [fix: Delete the remaining control characters]"
        );
        let last = findings("control-character", &feature(&[("tasks.md", &text)])).pop().unwrap();
        assert_eq!(last.fix.unwrap().edits.len(), 10);
    }

    const LISTED_PLUS: usize = super::LISTED + 10;

    #[test]
    fn a_run_across_rope_chunks_is_one_finding() {
        // Ropey's chunks hold about a kilobyte: this run straddles several.
        let text = format!("- [ ] T001 a\n{}\n", "\0".repeat(3000));
        assert_eq!(
            run(&text),
            [
                "tasks.md:2: 3000 control characters (NUL), read as spaces [fix: Delete the control characters]"
            ]
        );
    }
}
