//! Findings that depend on spec.md alone (and on rule options), kept in
//! the facts of spec.md's first block while that version of spec.md and
//! those options stay: every keystroke in tasks.md analyses the feature
//! again, and spec.md did not change.

use std::sync::{Arc, Weak};

use super::{BlockFacts, Keyed, same};
use crate::model::feature::{DocModel, Feature};
use crate::model::spec::SpecDoc;
use crate::text::Span;

/// A finding in spec.md without its file and severity: (span, message).
pub(crate) type SpecFinding = (Span, String);

/// A rule's kept spec-only findings.
pub(crate) type SpecFindings = Keyed<SpecKey, Arc<[SpecFinding]>>;

/// What spec-only findings were computed for: that version of spec.md
/// and the rule's options.
pub(crate) struct SpecKey {
    spec: Weak<SpecDoc>,
    options: Option<Vec<String>>,
}

/// The findings `find` makes of spec.md with `options`, computed once per
/// version of spec.md and options and kept in the `slot` of its first
/// block's facts (one slot per rule); `None` without spec.md.
pub(crate) fn kept_spec_findings(
    feature: &Feature,
    slot: impl FnOnce(&BlockFacts) -> &SpecFindings,
    options: Option<&[String]>,
    find: impl FnOnce() -> Vec<SpecFinding>,
) -> Option<Arc<[SpecFinding]>> {
    let (file, _) = feature.spec()?;
    let DocModel::Spec(spec) = &file.model else { return None };
    let Some(first) = file.blocks.as_ref().and_then(|blocks| blocks.iter().next()) else {
        return Some(find().into()); // an empty spec.md: nothing to keep
    };
    let facts = BlockFacts::of(&first.scan);
    let is_key = |key: &SpecKey| same(&key.spec, spec) && key.options.as_deref() == options;
    let make = || {
        let key = SpecKey { spec: Arc::downgrade(spec), options: options.map(<[String]>::to_vec) };
        (key, Arc::from(find()))
    };
    Some(slot(facts).get(is_key, make))
}
