//! The safety of safe fixes over one real feature folder, checked the way
//! `check --fix` applies them (its own `apply_edits`, its rule of taking
//! whole fixes that collide with nothing taken before):
//!
//! - each safe fix alone changes only its ranges and clears its finding
//!   (one finding fewer with its code, file, message and fix: a finding
//!   of many places may stay, without the fix, when the fix mends one);
//! - the fixes of a round change only their ranges, and the round after
//!   finds nothing to fix but fixes that waited for a collision;
//! - the rounds end, and every file keeps its BOM, its line breaks and its
//!   final newline (or lack of one).
//!
//! `server/tests/fix_safety.rs` runs it over the rule fixtures,
//! `tests/tests/corpus.rs` over the corpus, each folder also with CRLF line
//! breaks, a BOM and no final newline.

use std::collections::{BTreeMap, HashMap};

use crate::analysis::{Diagnostic, RuleConfig, analyze};
use crate::cli::check::fix::apply_edits;
use crate::text::Span;

use super::feature_fixes::{MAX_ROUNDS, assert_layout_kept, build_feature, safe_edits, take_fixes};
use super::seeds::Folder;

/// What a check went through, so a test can say it checked something.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixSafety {
    /// Safe fixes applied alone and found to clear their finding.
    pub alone: usize,
    /// Safe fixes applied in rounds, as `check --fix` does.
    pub in_rounds: usize,
}

impl std::ops::AddAssign for FixSafety {
    fn add_assign(&mut self, other: Self) {
        self.alone += other.alone;
        self.in_rounds += other.in_rounds;
    }
}

/// Check the safe fixes of `folder`, the first `alone_per_rule` of each
/// rule also one by one (each costs an analysis); panics with the rule
/// and the text when one is unsafe.
pub fn check_safe_fixes(folder: &Folder, alone_per_rule: usize) -> FixSafety {
    let originals: BTreeMap<String, String> = folder.iter().cloned().collect();
    let config = RuleConfig::default();
    let diagnostics = analyze(&build_feature(&originals), &config);
    let alone = each_fix_alone(&originals, &diagnostics, &config, alone_per_rule);
    let in_rounds = rounds(&originals, diagnostics, &config);
    FixSafety { alone, in_rounds }
}

/// The code, file, message and fix title of a finding: what a fix must
/// remove one of.
type Finding = (&'static str, String, String, Option<String>);

fn finding(d: &Diagnostic) -> Finding {
    (d.code, d.file.to_string(), d.message.clone(), d.fix.as_ref().map(|f| f.title.clone()))
}

/// The code, file and title of a fix: across rounds, what a fix that
/// waited is known by (its finding's message may change meanwhile, when
/// another fix edited the same line).
type FixKey = (&'static str, String, String);

fn count_fixes<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> HashMap<FixKey, usize> {
    let mut counts = HashMap::new();
    for d in diagnostics {
        let title = d.fix.as_ref().map(|f| f.title.clone()).unwrap_or_default();
        *counts.entry((d.code, d.file.to_string(), title)).or_default() += 1;
    }
    counts
}

fn count_findings<'a>(diagnostics: impl IntoIterator<Item = &'a Diagnostic>) -> HashMap<Finding, usize> {
    let mut counts = HashMap::new();
    for d in diagnostics {
        *counts.entry(finding(d)).or_default() += 1;
    }
    counts
}

fn each_fix_alone(
    originals: &BTreeMap<String, String>,
    diagnostics: &[Diagnostic],
    config: &RuleConfig,
    per_rule_limit: usize,
) -> usize {
    let before = count_findings(diagnostics);
    let mut per_rule: HashMap<&str, usize> = HashMap::new();
    let mut checked = 0;
    for d in diagnostics {
        let Some(edits) = safe_edits(d) else { continue };
        let seen = per_rule.entry(d.code).or_default();
        if *seen == per_rule_limit {
            continue;
        }
        *seen += 1;
        let mut texts = originals.clone();
        let mut by_file: BTreeMap<&str, Vec<(Span, String)>> = BTreeMap::new();
        for edit in edits {
            by_file.entry(&edit.file).or_default().push((edit.span, edit.new_text.clone()));
        }
        for (rel, file_edits) in by_file {
            let Some(text) = texts.get_mut(rel) else { continue };
            *text = applied_only_inside(text, file_edits, d.code);
        }
        let after = count_findings(&analyze(&build_feature(&texts), config));
        let key = finding(d);
        let (was, is) = (before.get(&key).copied().unwrap_or(0), after.get(&key).copied().unwrap_or(0));
        assert!(
            is < was,
            "{} fix {:?} does not clear its finding {:?} ({was} before, {is} after)\nfixed text: {texts:#?}",
            d.code,
            d.fix.as_ref().map(|f| &f.title),
            d.message
        );
        checked += 1;
    }
    checked
}

/// `text` with `edits` applied by `check --fix`'s own function, after
/// checking that every byte outside the edits is where it was.
fn applied_only_inside(text: &str, mut edits: Vec<(Span, String)>, what: &str) -> String {
    let after = apply_edits(text, edits.clone());
    edits.sort_by_key(|(span, _)| (span.start, span.end));
    let mut kept = 0;
    let mut at = 0;
    for (span, new_text) in &edits {
        let gap = &text[kept..span.start];
        assert!(
            after[at..].starts_with(gap) && after[at + gap.len()..].starts_with(new_text.as_str()),
            "{what} changed text outside {span:?}: {text:?} became {after:?}"
        );
        at += gap.len() + new_text.len();
        kept = span.end;
    }
    assert_eq!(&after[at..], &text[kept..], "{what} changed text after its last edit");
    after
}

/// `check --fix`'s rounds over the folder. Returns the fixes applied.
fn rounds(
    originals: &BTreeMap<String, String>,
    mut diagnostics: Vec<Diagnostic>,
    config: &RuleConfig,
) -> usize {
    let mut texts = originals.clone();
    let mut waited: Option<HashMap<FixKey, usize>> = None;
    let mut applied = 0;
    for _ in 0..MAX_ROUNDS {
        let feature = build_feature(&texts);
        let safe: Vec<&Diagnostic> = diagnostics.iter().filter(|d| safe_edits(d).is_some()).collect();
        if let Some(waited) = &waited {
            assert_only_waiting_fixes(&safe, waited, &texts);
        }
        if safe.is_empty() {
            assert_layout_kept(originals, &texts);
            return applied;
        }
        let (edits, taken) = take_fixes(&feature, &safe);
        applied += taken.len();
        waited =
            Some(count_fixes(safe.iter().copied().filter(|d| !taken.iter().any(|t| std::ptr::eq(*t, *d)))));
        for (rel, file_edits) in edits {
            let Some(text) = texts.get_mut(&*rel) else { continue };
            *text = applied_only_inside(text, file_edits, "a round of safe fixes");
        }
        diagnostics = analyze(&build_feature(&texts), config);
    }
    panic!("safe fixes still apply after {MAX_ROUNDS} rounds in {texts:#?}");
}

/// After a round, the fixes left are those that waited: a fix never makes
/// another fixable finding, nor leaves its own.
fn assert_only_waiting_fixes(
    safe: &[&Diagnostic],
    waited: &HashMap<FixKey, usize>,
    texts: &BTreeMap<String, String>,
) {
    for (key, count) in count_fixes(safe.iter().copied()) {
        let allowed = waited.get(&key).copied().unwrap_or(0);
        assert!(
            count <= allowed,
            "after a round of safe fixes, {} still offers the fix {:?} in {} ({count} times, {allowed} waited)\n{texts:#?}",
            key.0,
            key.2,
            key.1
        );
    }
}
