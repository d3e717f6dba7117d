//! `check --format json` (version 1): see interfaces.md.

use std::path::Path;

use serde_json::{Value, json};

use super::{LineColumn, Located, Place, Report, Summary};
use crate::analysis::Diagnostic;
use crate::model::feature::Feature;

fn position(at: LineColumn) -> Value {
    json!({ "line": at.line, "column": at.column })
}

fn place(place: &Place<'_>) -> (Value, Value, Value) {
    (Value::String(place.path.clone()), position(place.start), position(place.end))
}

/// One located diagnostic as JSON.
pub fn located(d: &Located<'_>) -> Value {
    let (path, start, end) = place(&d.place);
    let related: Vec<Value> = d
        .related
        .iter()
        .map(|r| {
            let (path, start, end) = place(&r.place);
            json!({ "path": path, "start": start, "end": end, "message": r.message })
        })
        .collect();
    let mut value = json!({
        "path": path,
        "start": start,
        "end": end,
        "severity": d.severity.name(),
        "code": d.code,
        "message": d.message,
        "related": related,
    });
    if let Some(fix) = &d.fix {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                let (path, start, end) = place(&e.place);
                json!({ "path": path, "start": start, "end": end, "new_text": e.new_text })
            })
            .collect();
        value["fix"] = json!({ "title": fix.title, "applicability": fix.applicability, "edits": edits });
    }
    value
}

/// One diagnostic of `feature` as JSON.
pub fn diagnostic(feature: &Feature, d: &Diagnostic, display: &dyn Fn(&Path) -> String) -> Value {
    located(&Located::new(feature, d, display))
}

/// The whole report; diagnostics sorted by path, line, column, code.
pub fn render(report: &Report, display: &dyn Fn(&Path) -> String) -> Value {
    render_located(&report.located(display), &report.summary())
}

/// The report from diagnostics already located and sorted.
pub fn render_located(diagnostics: &[Located<'_>], summary: &Summary) -> Value {
    render_values(diagnostics.iter().map(located).collect(), summary)
}

/// The report around diagnostics already rendered, in order.
pub fn render_values(diagnostics: Vec<Value>, summary: &Summary) -> Value {
    json!({
        "version": 1,
        "features": summary.features,
        "files": summary.files,
        "diagnostics": diagnostics,
        "summary": {
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "hints": summary.hints,
        },
    })
}
