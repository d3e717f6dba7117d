//! Analysis: the deterministic checks of a feature folder (the rule
//! catalogue), the task dependency graph, and quick fixes as text edits.
//!
//! Invariant: pure functions of a [`Feature`] and a [`RuleConfig`]; no LSP
//! types, no file system. The CLI and the language server call the same
//! [`analyze`], so they can never disagree.

mod config;
mod context;
mod diagnostic;
pub(crate) mod facts;
pub mod graph;
mod registry;
pub mod report;
pub mod rules;
mod suppress;
pub(crate) mod table;

pub use config::{ConfigError, DEFAULT_MAX_FILE_BYTES, RuleConfig, Trigger, parse_size};
pub use context::Context;
pub use diagnostic::{Applicability, Diagnostic, FileEdit, Fix, FixRound, Related, Severity, edits_collide};
pub use registry::{Rule, RuleMeta, all_rules, rule};

use crate::model::feature::Feature;

/// Run every enabled rule over `feature`: diagnostics with their
/// configured severity, inline `specls-disable` comments honoured, sorted
/// by file, position and code.
pub fn analyze(feature: &Feature, config: &RuleConfig) -> Vec<Diagnostic> {
    let context = Context::new(feature).with_config(config);
    let mut out = Vec::new();
    for rule in all_rules() {
        let meta = rule.meta();
        let configured = config.override_for(meta.code);
        if configured == Some(None) {
            continue; // "off"
        }
        let start = out.len();
        rule.check(&context, &mut out);
        for diagnostic in &mut out[start..] {
            diagnostic.code = meta.code;
            // A rule may pick its own severity (needs-clarification turns
            // into an error past three markers); configuration wins.
            if let Some(Some(severity)) = configured {
                diagnostic.severity = severity;
            }
        }
    }
    let mut files: Vec<&str> = out.iter().map(|d| &*d.file).collect();
    files.sort_unstable();
    files.dedup();
    let suppressions = suppress::Suppressions::of(feature, |rel| files.binary_search(&rel).is_ok());
    out.retain(|d| !suppressions.hides(d));
    out.sort_by(|a, b| (&a.file, a.span.start, a.code).cmp(&(&b.file, b.span.start, b.code)));
    out
}
