//! Which requirement-like IDs a feature defines, and in which document:
//! `FR-`, `SC-`, `NFR-` (and any family spec.md defines) only count when
//! spec.md defines them; other families (a contract's `CR-2.13`, a plan's
//! `DESIGN-REQ-018`) count where a document lists them, one per line.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Weak};

use super::{BlockFacts, same};
use crate::model::blocks::BlockList;
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::kind::DocumentKind;
use crate::model::markdown::lines;
use crate::syntax::BlockKind;

/// Families only spec.md defines, whatever other documents list.
const SPEC_FAMILIES: &[&str] = &["FR-", "SC-", "NFR-"];

/// A family listed outside spec.md needs this many lines starting with
/// one of its IDs before its citations are checked: one line is a
/// mention (`TLS-1.2 only`), a list is a catalogue.
const LISTED_AT_LEAST: usize = 2;

/// An ID split into its family (`CR-`) and its normalised number
/// (`2.13`, `10a`): `FR-010a` and `FR-10a` are one requirement.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct IdKey {
    pub family: Box<str>,
    pub number: Box<str>,
}

impl IdKey {
    /// The key of a whole ID (`FR-001`, `DESIGN-REQ-018`, `CR-2.13`).
    pub fn of(id: &str) -> Option<Self> {
        let len = listed_id_len(id)?;
        let id = &id[..len];
        let number_start = id.rfind('-')? + 1;
        let number = id[number_start..]
            .split('.')
            .map(|part| {
                let digits = part.trim_end_matches(|c: char| c.is_ascii_alphabetic());
                let letter = &part[digits.len()..];
                let trimmed = digits.trim_start_matches('0');
                format!("{}{}", if trimmed.is_empty() { "0" } else { trimmed }, letter.to_ascii_lowercase())
            })
            .collect::<Vec<_>>()
            .join(".");
        Some(IdKey { family: id[..number_start].into(), number: number.into() })
    }
}

/// The IDs a feature defines, by family.
#[derive(Debug, Default)]
pub(crate) struct DefinedIds {
    /// Family -> (where its IDs are defined, the defined numbers).
    families: HashMap<Box<str>, Family>,
}

#[derive(Debug, Default)]
pub(crate) struct Family {
    /// The documents defining the family, in feature order.
    pub documents: Vec<std::sync::Arc<str>>,
    pub ids: HashSet<Box<str>>,
    /// Written IDs in definition order, for messages (`FR-001`..`FR-012`).
    pub written: Vec<Box<str>>,
}

/// A block's citations of what the documents do not define, with their
/// messages (spans relative to the block); `None` for none.
pub(crate) type UnknownCitations = Option<Arc<[(crate::text::Span, String)]>>;

/// What [`DefinedIds::of`] reads, by identity: spec.md's model and the
/// blocks of every document that may list IDs (all Markdown documents but
/// tasks.md and checklists). A version of a document is a new value, so
/// equal identities mean the same definitions.
pub(crate) struct DefiningDocs {
    spec: Option<Weak<crate::model::spec::SpecDoc>>,
    files: Box<[(Arc<str>, Weak<BlockList>)]>,
}

impl DefiningDocs {
    fn of(feature: &Feature) -> Self {
        let files = defining_files(feature).map(|(file, blocks)| (file.rel.clone(), Arc::downgrade(blocks)));
        DefiningDocs { spec: spec_model(feature).map(Arc::downgrade), files: files.collect() }
    }

    fn matches(&self, feature: &Feature) -> bool {
        let spec = match (&self.spec, spec_model(feature)) {
            (Some(kept), Some(spec)) => same(kept, spec),
            (kept, spec) => kept.is_none() && spec.is_none(),
        };
        let mut files = defining_files(feature);
        spec && self.files.iter().all(|(rel, kept)| {
            files.next().is_some_and(|(file, blocks)| file.rel == *rel && same(kept, blocks))
        }) && files.next().is_none()
    }
}

/// The documents that may list IDs, with their blocks.
fn defining_files(feature: &Feature) -> impl Iterator<Item = (&FeatureFile, &Arc<BlockList>)> {
    feature
        .files
        .iter()
        .filter(|file| !matches!(file.kind, DocumentKind::Tasks | DocumentKind::Checklist))
        .filter_map(|file| file.blocks.as_ref().map(|blocks| (file, blocks)))
}

fn spec_model(feature: &Feature) -> Option<&Arc<crate::model::spec::SpecDoc>> {
    feature.spec().and_then(|(file, _)| match &file.model {
        DocModel::Spec(doc) => Some(doc),
        _ => None,
    })
}

impl DefinedIds {
    /// [`DefinedIds::of`], kept in the facts of the first block of the
    /// documents it reads while they stay as they are: every keystroke in
    /// tasks.md asks again, and per-block findings are kept for it.
    pub fn shared(feature: &Feature) -> Arc<DefinedIds> {
        let first = defining_files(feature).find_map(|(_, blocks)| blocks.iter().next());
        let Some(first) = first else { return Arc::new(DefinedIds::of(feature)) };
        let facts = BlockFacts::of(&first.scan);
        facts.rare().defined.get(
            |kept| kept.matches(feature),
            || (DefiningDocs::of(feature), Arc::new(DefinedIds::of(feature))),
        )
    }

    pub fn of(feature: &Feature) -> Self {
        let mut defined = DefinedIds::default();
        if let Some((file, spec)) = feature.spec() {
            for requirement in &spec.requirements {
                defined.add(&requirement.id, file);
            }
        }
        let spec_families: HashSet<Box<str>> = defined.families.keys().cloned().collect();
        let mut listed: HashMap<Box<str>, Family> = HashMap::new();
        for (file, blocks) in feature.markdown_files() {
            if matches!(file.kind, DocumentKind::Tasks | DocumentKind::Checklist) {
                continue; // they cite, never define
            }
            for id in listed_ids(blocks) {
                let Some(key) = IdKey::of(&id) else { continue };
                if spec_families.contains(&key.family) || SPEC_FAMILIES.contains(&&*key.family) {
                    continue;
                }
                let family = listed.entry(key.family).or_default();
                if !family.documents.contains(&file.rel) {
                    family.documents.push(file.rel.clone());
                }
                if family.ids.insert(key.number) {
                    family.written.push(id.into());
                }
            }
        }
        for (name, family) in listed {
            if family.written.len() >= LISTED_AT_LEAST {
                defined.families.insert(name, family);
            }
        }
        defined
    }

    fn add(&mut self, id: &str, file: &FeatureFile) {
        let Some(key) = IdKey::of(id) else { return };
        let family = self.families.entry(key.family).or_default();
        if !family.documents.contains(&file.rel) {
            family.documents.push(file.rel.clone());
        }
        if family.ids.insert(key.number) {
            family.written.push(id.into());
        }
    }

    /// The family of `key`, when the feature defines it.
    pub fn family(&self, key: &IdKey) -> Option<&Family> {
        self.families.get(&key.family)
    }

    /// Whether the feature's families need scanning beyond the requirement
    /// mentions of the scanner (families it does not recognise, `CR-`).
    pub fn extra_families(&self) -> impl Iterator<Item = &str> {
        self.families
            .keys()
            .map(|k| &**k)
            .filter(|f| crate::model::ids::parse_requirement_id(&format!("{f}1")).is_none())
    }

    pub fn is_empty(&self) -> bool {
        self.families.is_empty()
    }
}

impl Family {
    /// Whether `key` is defined, as itself or as the parent of defined
    /// sub-requirements (`FR-005` when the spec defines `FR-005.1`).
    pub fn defines(&self, key: &IdKey) -> bool {
        self.ids.contains(&key.number)
            || self.ids.iter().any(|n| n.strip_prefix(&*key.number).is_some_and(|rest| rest.starts_with('.')))
    }
}

/// IDs that start a line of a heading, list item, paragraph or table row:
/// `### CR-2.13: Retries`, `- **CR-2.1** ...`, `| CR-4.2 | ... |`.
fn listed_ids(blocks: &BlockList) -> Vec<String> {
    let mut out = Vec::new();
    for block in blocks.iter() {
        if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
            continue;
        }
        for (_, line) in lines(&block.scan.text) {
            let head = line.trim_start_matches(|c: char| {
                c.is_whitespace() || matches!(c, '#' | '-' | '*' | '+' | '|' | '`' | '[' | '_' | '>')
            });
            let head =
                head.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')').trim_start();
            let head = head.trim_start_matches(['*', '`', '[', '_']);
            if let Some(len) = listed_id_len(head) {
                out.push(head[..len].to_string());
            }
        }
    }
    out
}

/// The length of a requirement-like ID at the start of `text`: upper-case
/// words joined by `-`, then `-` and a number with optional `.n` parts and
/// one lower-case letter (`CR-2.13`, `DESIGN-REQ-018`, `FR-10a`).
pub(crate) fn listed_id_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        let start = at;
        if !bytes.get(at).is_some_and(u8::is_ascii_uppercase) {
            return None;
        }
        while bytes.get(at).is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
            at += 1;
        }
        if at - start > 8 || bytes.get(at) != Some(&b'-') {
            return None;
        }
        at += 1;
        if bytes.get(at).is_some_and(u8::is_ascii_digit) {
            break;
        }
    }
    while bytes.get(at).is_some_and(u8::is_ascii_digit) {
        at += 1;
    }
    while bytes.get(at) == Some(&b'.') && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
        at += 1;
        while bytes.get(at).is_some_and(u8::is_ascii_digit) {
            at += 1;
        }
    }
    if bytes.get(at).is_some_and(u8::is_ascii_lowercase)
        && !bytes.get(at + 1).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
    {
        at += 1;
    }
    if bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_') {
        return None;
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_normalise_padding_and_keep_sub_numbers() {
        assert_eq!(IdKey::of("FR-010a"), IdKey::of("FR-10a"));
        assert_eq!(IdKey::of("NFR-2"), IdKey::of("NFR-002"));
        assert_ne!(IdKey::of("CR-2.13"), IdKey::of("CR-2.1"));
        let key = IdKey::of("DESIGN-REQ-018").unwrap();
        assert_eq!((&*key.family, &*key.number), ("DESIGN-REQ-", "18"));
        assert_eq!(IdKey::of("UTF-8xy"), None);
    }

    #[test]
    fn listed_ids_are_at_line_starts() {
        let blocks = crate::model::file::MarkdownFile::load(
            "### CR-2.13: Retries\n\n- **CR-2.1** Sends\n\n| CR-4.2 | x |\n|---|---|\n\nSee CR-9.9 here.\n",
        );
        assert_eq!(listed_ids(blocks.blocks()), ["CR-2.13", "CR-2.1", "CR-4.2"]);
    }
}
