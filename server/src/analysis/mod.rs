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
    let rules: Vec<&'static dyn Rule> = all_rules().collect();
    let found = run_rules(&context, config, &rules);
    finish(feature, found)
}

/// [`analyze`], the rules shared between this thread and one more: for a
/// feature whose analysis takes milliseconds, on a machine whose other
/// cores would otherwise wait. The result is the same, diagnostic for
/// diagnostic and in the same order.
///
/// Each thread takes the next rule not taken yet, the coverage family
/// first and as one (its rules share per-task coverage facts, which each
/// thread's context would otherwise build again). Both threads read one
/// set of task tables, built here first.
pub fn analyze_on_two_threads(feature: &Feature, config: &RuleConfig) -> Vec<Diagnostic> {
    let context = Context::new(feature).with_config(config);
    let twin = context.twin();
    let (coverage, others): (Vec<&'static dyn Rule>, Vec<&'static dyn Rule>) =
        all_rules().partition(|rule| rules::is_coverage(*rule));
    let mut shares = vec![coverage];
    shares.extend(others.into_iter().map(|rule| vec![rule]));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let take = || -> Option<&[&'static dyn Rule]> {
        shares.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)).map(Vec::as_slice)
    };
    let work = |context: &Context<'_>| {
        let mut found = Vec::new();
        while let Some(rules) = take() {
            found.extend(run_rules(context, config, rules));
        }
        found
    };
    let (mut found, theirs) = std::thread::scope(|scope| {
        let second = scope.spawn(move || work(&twin));
        let found = work(&context);
        (found, second.join())
    });
    match theirs {
        Ok(theirs) => found.extend(theirs),
        // Resumed here, as a panic of `analyze` would be.
        Err(panic) => std::panic::resume_unwind(panic),
    }
    finish(feature, found)
}

/// Run `rules` in `context`: their diagnostics, with code and configured
/// severity.
fn run_rules(context: &Context<'_>, config: &RuleConfig, rules: &[&'static dyn Rule]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules {
        let meta = rule.meta();
        let configured = config.override_for(meta.code);
        if configured == Some(None) {
            continue; // "off"
        }
        let start = out.len();
        rule.check(context, &mut out);
        for diagnostic in &mut out[start..] {
            diagnostic.code = meta.code;
            // A rule may pick its own severity (needs-clarification turns
            // into an error past three markers); configuration wins.
            if let Some(Some(severity)) = configured {
                diagnostic.severity = severity;
            }
        }
    }
    out
}

/// Drop what `specls-disable` comments hide and sort by file, position and
/// code. The sort is stable and codes are one per rule, so the order of
/// `out` shows only within one rule's findings: the order in which rules
/// ran, or on which thread, does not.
fn finish(feature: &Feature, mut out: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut files: Vec<&str> = out.iter().map(|d| &*d.file).collect();
    files.sort_unstable();
    files.dedup();
    let suppressions = suppress::Suppressions::of(feature, |rel| files.binary_search(&rel).is_ok());
    out.retain(|d| !suppressions.hides(d));
    out.sort_by(|a, b| (&a.file, a.span.start, a.code).cmp(&(&b.file, b.span.start, b.code)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::Shape;

    /// Two threads find what one finds, in the same order, whichever
    /// thread takes which rules; the synthetic features plant findings of
    /// several rules.
    #[test]
    fn two_threads_find_what_one_finds() {
        let config = RuleConfig::default();
        for shape in [Shape::Phases, Shape::Stories] {
            let files = shape.files(300);
            let feature = Feature::from_texts(
                "/specs/001-synthetic".into(),
                files.iter().map(|(rel, text)| (*rel, text.as_str())),
            );
            let one = analyze(&feature, &config);
            assert!(!one.is_empty(), "{shape:?} plants findings");
            for _ in 0..4 {
                assert_eq!(analyze_on_two_threads(&feature, &config), one);
            }
        }
    }
}
