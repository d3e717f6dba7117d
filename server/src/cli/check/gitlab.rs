//! `check --format gitlab`: GitLab Code Quality, a JSON array of issues
//! (a subset of the Code Climate spec) that merge requests show inline.
//!
//! Each issue carries the finding's [`fingerprint`](super::fingerprint),
//! which GitLab uses to tell new findings from old ones across pipelines.

use serde_json::{Value, json};

use super::Located;
use crate::analysis::Severity;

/// Code Climate's severity for ours.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info | Severity::Hint => "info",
    }
}

/// The Code Quality report of located, sorted findings.
pub fn render(located: &[Located<'_>]) -> Value {
    located
        .iter()
        .map(|d| {
            json!({
                "description": format!("{} ({})", d.message, d.code),
                "check_name": d.code,
                "fingerprint": d.fingerprint,
                "severity": severity(d.severity),
                "location": {
                    "path": d.place.path,
                    "lines": { "begin": d.place.start.line, "end": d.place.end.line },
                },
            })
        })
        .collect()
}
