//! `check --statistics`: how many findings each rule has, most first,
//! instead of the findings themselves (ruff's `--statistics`).
//!
//! ```text
//!     3  duplicate-task-id     [-]  error
//!     1  malformed-task        [*]  warning
//! Found 3 errors, 1 warning in 1 feature (5 files)
//! ```
//!
//! `[*]`: `--fix` fixes some of them; `[-]`: some have a fix that only
//! `--unsafe-fixes` applies.

use std::fmt::Write;

use serde_json::{Value, json};

use super::{Located, Summary, human::summary_line};
use crate::analysis::{Applicability, Severity};

/// One rule's line.
#[derive(Debug, PartialEq, Eq)]
pub struct RuleCount {
    pub code: &'static str,
    pub severity: Severity,
    pub count: usize,
    /// Findings with a safe fix.
    pub fixable: usize,
    /// Findings with a fix only `--unsafe-fixes` applies.
    pub unsafe_fixable: usize,
}

/// Counts per rule, most findings first, then by code.
pub fn count(located: &[Located<'_>]) -> Vec<RuleCount> {
    let mut counts: Vec<RuleCount> = Vec::new();
    for d in located {
        let index = match counts.iter().position(|c| c.code == d.code) {
            Some(index) => index,
            None => {
                let blank =
                    RuleCount { code: d.code, severity: d.severity, count: 0, fixable: 0, unsafe_fixable: 0 };
                counts.push(blank);
                counts.len() - 1
            }
        };
        let entry = &mut counts[index];
        entry.count += 1;
        // A rule's findings can differ in severity (configured per file);
        // the line shows the gravest.
        entry.severity = entry.severity.min(d.severity);
        match d.fix.as_ref().map(|f| f.applicability) {
            Some(Applicability::Safe) => entry.fixable += 1,
            Some(Applicability::Unsafe) => entry.unsafe_fixable += 1,
            None => {}
        }
    }
    counts.sort_by(|a, b| b.count.cmp(&a.count).then(a.code.cmp(b.code)));
    counts
}

fn marker(count: &RuleCount) -> &'static str {
    if count.fixable > 0 {
        "[*]"
    } else if count.unsafe_fixable > 0 {
        "[-]"
    } else {
        "   "
    }
}

/// The table, then the summary line unless `summary` is `None`.
pub fn render(located: &[Located<'_>], summary: Option<&Summary>) -> String {
    let counts = count(located);
    let count_width = counts.iter().map(|c| c.count.to_string().len()).max().unwrap_or(1).max(5);
    let code_width = counts.iter().map(|c| c.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for c in &counts {
        let _ = writeln!(
            out,
            "{:>count_width$}  {:<code_width$}  {}  {}",
            c.count,
            c.code,
            marker(c),
            c.severity.name()
        );
    }
    if let Some(summary) = summary {
        let _ = writeln!(out, "{}", summary_line(summary));
    }
    out
}

/// The table as JSON: `[{ "code", "severity", "count", "fixable", "unsafe_fixable" }]`.
pub fn render_json(located: &[Located<'_>]) -> Value {
    count(located)
        .iter()
        .map(|c| {
            json!({
                "code": c.code,
                "severity": c.severity.name(),
                "count": c.count,
                "fixable": c.fixable,
                "unsafe_fixable": c.unsafe_fixable,
            })
        })
        .collect()
}
