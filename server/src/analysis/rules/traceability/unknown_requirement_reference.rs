use std::collections::HashMap;
use std::sync::{Arc, Weak};

use crate::analysis::facts::defined::{DefinedIds, IdKey, UnknownCitations, listed_id_len};
use crate::analysis::facts::sparse::FileIndex;
use crate::analysis::facts::{BlockFacts, same};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::model::checklist::acceptance_id;
use crate::model::ids::word_starts_at;
use crate::model::scan::MentionKind;
use crate::model::spec::SpecDoc;
use crate::syntax::BlockKind;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a requirement-like ID cited anywhere in the feature (tasks,
    /// plan, checklists, contracts, the spec itself) that no document of
    /// the feature defines.
    ///
    /// `FR-`, `SC-` and `NFR-` IDs (and any other family spec.md defines)
    /// are defined in spec.md's requirements and success criteria. Other
    /// families are defined where a document lists them, one per line or
    /// table row (a contract's `### CR-2.13: Retries`, a plan's
    /// `- DESIGN-REQ-018 ...`); a family is only checked once the feature
    /// defines at least one of its IDs (two for a family listed outside
    /// spec.md), so IDs of standards (`TLS-1.2`) and of other projects are
    /// left alone. `FR-10a` and `FR-010a` are the same ID, and `FR-005`
    /// names the group of `FR-005.1`, `FR-005.2`, ... when the spec
    /// defines those.
    ///
    /// Acceptance citations (`US1/AC2`, `US5-AS4`) are checked too: the
    /// story must exist in spec.md and, when it lists its acceptance
    /// scenarios, have that many. Code blocks are not looked at.
    ///
    /// ## Why is this bad?
    /// A citation of a requirement nobody wrote traces nothing: the task
    /// or checklist item claims a coverage the spec does not have, and
    /// usually the spec was renumbered or a requirement dropped after the
    /// tasks were generated.
    ///
    /// ## Example
    /// spec.md defines `FR-001` to `FR-010`, and tasks.md has
    /// `- [ ] T041 Add rate limiting per FR-012 (missing)`; a contract lists
    /// `CR-2.1` to `CR-2.13`, and a task cites `CR-2.15`.
    ///
    /// ## Fix
    /// Cite the requirement that is meant, or add the requirement to the
    /// spec (or the list) first. There is no quick fix.
    pub struct UnknownRequirementReference { code: "unknown-requirement-reference", severity: Error }
}

impl Rule for UnknownRequirementReference {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let defined = DefinedIds::shared(cx.feature);
        let spec = cx.feature.spec().map(|(_, spec)| spec);
        let has_stories = spec.is_some_and(|s| s.stories.iter().any(|story| story.number.is_some()));
        if defined.is_empty() && !has_stories {
            return;
        }
        let citations =
            Citations { extra: defined.extra_families().collect(), spec: spec.filter(|_| has_stories) };
        for (file, blocks) in cx.feature.markdown_files() {
            let Some(index) = FileIndex::of(blocks) else { continue };
            // Only the blocks with unknown citations, kept across analyses
            // for these definitions: a keystroke asks about the block it
            // changed.
            let is_key = |key: &Weak<DefinedIds>| same(key, &defined);
            let hits = index.citations.hits(
                blocks,
                is_key,
                || Arc::downgrade(&defined),
                |block| unknown_citations(block, &defined, &citations).is_some(),
            );
            for &at in hits.iter() {
                let block = &blocks.blocks()[at as usize];
                let found = unknown_citations(block, &defined, &citations);
                for (span, message) in found.iter().flat_map(|found| found.iter()) {
                    out.push(cx.report(Self::META.default_severity, file, block.abs(*span), message.clone()));
                }
            }
        }
    }
}

/// The unknown citations of `block`, kept in its facts for `defined`:
/// what it cites depends on its text, the definitions and spec.md (part
/// of what they were read from).
fn unknown_citations(
    block: &ScannedBlock,
    defined: &Arc<DefinedIds>,
    citations: &Citations,
) -> UnknownCitations {
    if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
        return None;
    }
    let facts = BlockFacts::of(&block.scan);
    if let Some(found) = facts.unknown_ids.peek(|key| same(key, defined)) {
        return found.clone();
    }
    facts
        .unknown_ids
        .get(|key| same(key, defined), || (Arc::downgrade(defined), citations.unknown_in(defined, block)))
}

/// What a block's citations are checked against, besides the definitions.
struct Citations<'a> {
    /// ID families other documents define, looked for in the text.
    extra: Vec<&'a str>,
    /// spec.md, when its stories are numbered: acceptance citations.
    spec: Option<&'a SpecDoc>,
}

impl Citations<'_> {
    /// The unknown citations of `block`, spans relative to it; `None` for
    /// none.
    fn unknown_in(&self, defined: &DefinedIds, block: &ScannedBlock) -> UnknownCitations {
        let mut found: Vec<(Span, String)> = cited_ids(block, &self.extra)
            .into_iter()
            .filter_map(|(id, span)| Some((span, unknown_id(defined, id)?)))
            .collect();
        if let Some(spec) = self.spec {
            acceptance_citations(block, spec, &mut found);
        }
        (!found.is_empty()).then(|| found.into())
    }
}

fn cited_ids<'b>(block: &'b ScannedBlock, extra: &[&str]) -> Vec<(&'b str, Span)> {
    let text = &*block.scan.text;
    let mut out: Vec<(&str, Span)> = block
        .scan
        .mentions
        .iter()
        .filter_map(|m| match &m.kind {
            MentionKind::Requirement { id } => Some((&**id, m.span)),
            _ => None,
        })
        .collect();
    for family in extra {
        for (at, _) in text.match_indices(family) {
            if !word_starts_at(text, at) || in_code_span(block, at) {
                continue;
            }
            if let Some(len) = listed_id_len(&text[at..]) {
                out.push((&text[at..at + len], Span::new(at, at + len)));
            }
        }
    }
    out
}

/// Whether `at` (relative) lies in a code span or comment, where the
/// scanner finds no mentions either.
fn in_code_span(block: &ScannedBlock, at: usize) -> bool {
    let before = &block.scan.text[..at];
    before.matches('`').count() % 2 == 1
        || before.rfind("<!--").is_some_and(|open| !before[open..].contains("-->"))
}

/// Why `id` is unknown, or `None` when it is defined (or its family is
/// not one the feature defines).
fn unknown_id(defined: &DefinedIds, id: &str) -> Option<String> {
    let key = IdKey::of(id)?;
    let family = defined.family(&key)?;
    if family.defines(&key) {
        return None;
    }
    let first = family.written.first()?;
    let last = family.written.last()?;
    let documents = family.documents.join(", ");
    let defines = if first == last {
        format!("which defines only {first}")
    } else {
        format!("which defines {} {} IDs, {first} to {last}", family.written.len(), key.family)
    };
    Some(format!("{id} is not defined in {documents} ({defines})"))
}

/// `US1/AC2` citations whose story or scenario spec.md lacks.
fn acceptance_citations(block: &ScannedBlock, spec: &SpecDoc, out: &mut Vec<(Span, String)>) {
    let text = &*block.scan.text;
    let mut scenarios: HashMap<u32, usize> = HashMap::new();
    for mention in &block.scan.mentions {
        if !matches!(mention.kind, MentionKind::Story { .. }) || !text[mention.span.start..].starts_with("US")
        {
            continue;
        }
        let Some((story, scenario, len)) = acceptance_id(&text[mention.span.start..]) else { continue };
        let span = Span::new(mention.span.start, mention.span.start + len);
        let written = &text[mention.span.start..mention.span.start + len];
        let message = match spec.story(story) {
            None => format!("{written} cites User Story {story}, which spec.md does not have"),
            Some(found) => {
                let count = *scenarios.entry(story).or_insert(found.scenarios.len());
                if count == 0 || scenario as usize <= count && scenario > 0 {
                    continue;
                }
                format!("{written} cites scenario {scenario} of User Story {story}, which has {count}")
            }
        };
        out.push((span, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const SPEC: &str = "# Spec\n\n## User Scenarios\n\n### User Story 1 - Invite (Priority: P1)\n\n**Acceptance Scenarios**:\n\n1. **Given** a team, **When** I invite, **Then** a mail goes out\n2. **Given** a mail, **When** I click, **Then** I join\n\n## Requirements\n\n- **FR-001**: System MUST send invites\n- **FR-002**: System MUST expire invites\n- **FR-010a**: System MUST log invites\n- **FR-003.1**: System MUST group\n\n## Success Criteria\n\n- **SC-001**: 95% of invites arrive within 1 minute\n";

    #[test]
    fn fires_on_ids_the_spec_does_not_define() {
        let tasks = "## Phase 3: Convergence\n\n- [ ] T041 Add rate limiting per FR-012 (missing)\n- [ ] T042 Fix join per US1/AC3 (partial)\n- [ ] T043 Log per FR-10a and SC-001, see NFR-001\n- [ ] T044 Group FR-003\n";
        let checklist = "- [ ] CHK001 Is expiry defined? [Spec §FR-002]\n- [ ] CHK002 Gap [Gap, Spec §SC-004]\n- [ ] CHK003 Story 2? [Spec §US2/AC1]\n";
        let found = check(
            "unknown-requirement-reference",
            &[("spec.md", SPEC), ("tasks.md", tasks), ("checklists/ux.md", checklist)],
        );
        assert_eq!(
            found,
            [
                "checklists/ux.md:2: SC-004 is not defined in spec.md (which defines only SC-001)",
                "checklists/ux.md:3: US2/AC1 cites User Story 2, which spec.md does not have",
                "tasks.md:3: FR-012 is not defined in spec.md (which defines 4 FR- IDs, FR-001 to FR-003.1)",
                "tasks.md:4: US1/AC3 cites scenario 3 of User Story 1, which has 2",
            ]
        );
    }

    #[test]
    fn families_listed_elsewhere_are_checked_where_they_are_listed() {
        let contract =
            "# Retry contract\n\n### CR-2.1: Backoff\n\n### CR-2.13: Give up\n\n### CR-4.2: Report\n";
        let tasks =
            "- [ ] T001 Implement CR-2.13 and CR-4.3 (see CR-2.15)\n- [ ] T002 Use `CR-9.9` and TLS-1.2\n";
        let found =
            check("unknown-requirement-reference", &[("contracts/retry.md", contract), ("tasks.md", tasks)]);
        assert_eq!(
            found,
            [
                "tasks.md:1: CR-4.3 is not defined in contracts/retry.md (which defines 3 CR- IDs, CR-2.1 to CR-4.2)",
                "tasks.md:1: CR-2.15 is not defined in contracts/retry.md (which defines 3 CR- IDs, CR-2.1 to CR-4.2)",
            ]
        );
    }

    #[test]
    fn silent_without_definitions_and_in_code() {
        let tasks = "- [ ] T001 Implement FR-001 per REQ-7\n\n```\nFR-099\n```\n";
        assert!(check("unknown-requirement-reference", &[("tasks.md", tasks)]).is_empty());
        assert!(check("unknown-requirement-reference", &[("tasks.md", tasks), ("spec.md", SPEC)]).is_empty());
    }
}
