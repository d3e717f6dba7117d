//! `check --format sarif`: SARIF 2.1.0, the format code-scanning services
//! (GitHub, Azure DevOps, SonarQube) import.
//!
//! One run; `tool.driver.rules` lists every rule of the catalogue with its
//! reference page; each result points at its rule by id and index. Columns
//! are Unicode scalar values, which the run declares with
//! `columnKind: unicodeCodePoints` (SARIF's default is UTF-16). URIs are the
//! printed paths (relative to the current directory), percent-encoded.

use serde_json::{Value, json};

use super::{Located, Place, fingerprint};
use crate::analysis::{Applicability, RuleMeta, Severity, all_rules};
use crate::cli::rules;

/// The schema a SARIF log names in `$schema`.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF's level for a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// `duplicate-task-id` → `DuplicateTaskId`: SARIF wants a rule's `name` to
/// read as an identifier.
fn pascal_case(code: &str) -> String {
    code.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

/// The project's home (Cargo.toml's `repository`): SARIF's
/// `informationUri`, and the root of each rule's `helpUri`.
pub const HOME: &str = env!("CARGO_PKG_REPOSITORY");

/// A rule's reference page in the repository (docs/rules/<code>.md, which
/// a drift test keeps equal to the rule's doc comment).
pub fn help_uri(code: &str) -> String {
    format!("{HOME}/blob/main/docs/rules/{code}.md")
}

fn rule_descriptor(meta: &RuleMeta) -> Value {
    let page = meta.page();
    let page = page.trim();
    json!({
        "id": meta.code,
        "name": pascal_case(meta.code),
        "helpUri": help_uri(meta.code),
        "shortDescription": { "text": rules::summary(meta) },
        "fullDescription": { "text": rules::description(meta) },
        "help": { "text": page, "markdown": page },
        "defaultConfiguration": { "level": level(meta.default_severity) },
    })
}

/// A path as a URI reference: `/` kept, everything outside RFC 3986's
/// unreserved set percent-encoded; an absolute path becomes a `file:` URI.
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    } else if path.as_bytes().get(1) == Some(&b':') {
        out.push_str("file:///"); // C:/...
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            b':' if out.starts_with("file:///") && out.len() == "file:///".len() + 1 => out.push(':'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

fn region(place: &Place<'_>) -> Value {
    json!({
        "startLine": place.start.line,
        "startColumn": place.start.column,
        "endLine": place.end.line,
        "endColumn": place.end.column,
    })
}

fn physical(place: &Place<'_>) -> Value {
    json!({ "artifactLocation": { "uri": uri(&place.path) }, "region": region(place) })
}

fn result(d: &Located<'_>, rule_index: Option<usize>) -> Value {
    let mut value = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [ { "physicalLocation": physical(&d.place) } ],
        "partialFingerprints": { fingerprint::SCHEME: d.fingerprint },
    });
    if let Some(index) = rule_index {
        value["ruleIndex"] = json!(index);
    }
    if !d.related.is_empty() {
        value["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(id, r)| json!({ "id": id, "physicalLocation": physical(&r.place), "message": { "text": r.message } }))
            .collect();
    }
    if let Some(fix) = &d.fix {
        // One artifactChange per file, in the order files first appear.
        let mut changes: Vec<(String, Vec<Value>)> = Vec::new();
        for edit in &fix.edits {
            let replacement =
                json!({ "deletedRegion": region(&edit.place), "insertedContent": { "text": edit.new_text } });
            let path = uri(&edit.place.path);
            match changes.iter_mut().find(|(p, _)| *p == path) {
                Some((_, replacements)) => replacements.push(replacement),
                None => changes.push((path, vec![replacement])),
            }
        }
        if !changes.is_empty() {
            let applicability = match fix.applicability {
                Applicability::Safe => "safe",
                Applicability::Unsafe => "unsafe",
            };
            value["fixes"] = json!([{
                "description": { "text": fix.title },
                "artifactChanges": changes
                    .into_iter()
                    .map(|(uri, replacements)| json!({ "artifactLocation": { "uri": uri }, "replacements": replacements }))
                    .collect::<Vec<_>>(),
                "properties": { "applicability": applicability },
            }]);
        }
    }
    value
}

/// The SARIF log of located, sorted diagnostics.
pub fn render(diagnostics: &[Located<'_>]) -> Value {
    render_results(results(diagnostics))
}

/// The SARIF results of located diagnostics: one feature's part of a
/// streamed report.
pub fn results(diagnostics: &[Located<'_>]) -> Vec<Value> {
    let metas: Vec<&RuleMeta> = all_rules().map(|r| r.meta()).collect();
    let index_of = |code: &str| metas.iter().position(|m| m.code == code);
    diagnostics.iter().map(|d| result(d, index_of(d.code))).collect()
}

/// The SARIF log around results already rendered, in order.
pub fn render_results(results: Vec<Value>) -> Value {
    let metas: Vec<&RuleMeta> = all_rules().map(|r| r.meta()).collect();
    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "specls",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": HOME,
                    "rules": metas.iter().map(|m| rule_descriptor(m)).collect::<Vec<_>>(),
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("specs/001-a b/tasks.md"), "specs/001-a%20b/tasks.md");
        assert_eq!(uri("specs/été/tasks.md"), "specs/%C3%A9t%C3%A9/tasks.md");
        assert_eq!(uri("/tmp/x/tasks.md"), "file:///tmp/x/tasks.md");
        assert_eq!(uri("C:/x/tasks.md"), "file:///C:/x/tasks.md");
        assert_eq!(uri("../x#1/tasks.md"), "../x%231/tasks.md");
    }

    #[test]
    fn names_read_as_identifiers() {
        assert_eq!(pascal_case("duplicate-task-id"), "DuplicateTaskId");
    }
}
