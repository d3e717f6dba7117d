//! Checklists (`checklists/*.md`) in the editor: what a `CHK001` item
//! says and cites, which items cite a requirement, where a citation leads,
//! how far each checklist is, and Spec Kit's `/implement` gate (it stops
//! when a checklist is incomplete before implementation starts).
//!
//! Hover, go to definition and code lenses call in here; the checklist
//! model itself is `model::checklist`.

use super::NavigationTarget;
use super::hover::short;
use crate::model::checklist::{ChecklistDoc, ChecklistItem, CitationTarget, Marker};
use crate::model::feature::{Feature, FeatureFile};
use crate::text::Span;

/// Characters of an item's or a requirement's text in a hover line.
const TEXT_CHARS: usize = 120;

/// The checklist of file `rel` and the index of the item whose ID touches
/// `offset`.
pub fn item_id_at(feature: &Feature, rel: &str, offset: usize) -> Option<(usize, Span)> {
    let (_, doc) = feature.checklists().find(|(f, _)| &*f.rel == rel)?;
    doc.items.iter().enumerate().find_map(|(index, item)| {
        let id = item.id.as_ref()?;
        id.span.touches(offset).then_some((index, id.span))
    })
}

fn checklist<'f>(feature: &'f Feature, rel: &str) -> Option<(&'f FeatureFile, &'f ChecklistDoc)> {
    feature.checklists().find(|(f, _)| &*f.rel == rel)
}

/// The tooltip of item `index` of checklist `rel`: its state, section and
/// question, what it cites (with the requirement's text) and its markers.
pub fn item_hover(feature: &Feature, rel: &str, index: usize) -> Option<String> {
    let (file, doc) = checklist(feature, rel)?;
    let item = doc.items.get(index)?;
    let id = item.id.as_ref().map_or("Checklist item", |id| &id.text);
    let state = if item.done { "done" } else { "open" };
    let mut head = format!("**{id}** · {state}");
    if let Some(section) = &item.section {
        head.push_str(&format!(" · {section}"));
    }
    let mut paragraphs = vec![head, short(&item.text, TEXT_CHARS * 2)];
    let cited: Vec<String> = item.citations.iter().map(|c| citation_line(feature, &c.target)).collect();
    if cited.is_empty() && item.markers.is_empty() {
        paragraphs.push("Cites nothing and carries no marker: not traceable to the spec.".to_string());
    }
    if !cited.is_empty() {
        paragraphs.push(format!("Cites:\n{}", bullets(&cited)));
    }
    if !item.markers.is_empty() {
        let markers: Vec<&str> = item.markers.iter().map(|m| marker_name(*m)).collect();
        paragraphs.push(format!("Marked: {}", markers.join(", ")));
    }
    let same: Vec<usize> = same_id_lines(file, doc, item);
    if same.len() > 1 {
        let lines: Vec<String> = same.iter().map(usize::to_string).collect();
        paragraphs.push(format!("⚠ {id} is used {} times: lines {}", same.len(), lines.join(", ")));
    }
    Some(paragraphs.join("\n\n"))
}

/// The 1-based lines of the items sharing `item`'s ID number.
fn same_id_lines(file: &FeatureFile, doc: &ChecklistDoc, item: &ChecklistItem) -> Vec<usize> {
    let Some(number) = item.id.as_ref().map(|id| id.number) else { return Vec::new() };
    doc.items
        .iter()
        .filter(|other| other.id.as_ref().is_some_and(|id| id.number == number))
        .map(|other| file.document.line_of(other.span.start) + 1)
        .collect()
}

fn citation_line(feature: &Feature, target: &CitationTarget) -> String {
    match target {
        CitationTarget::Requirement { id } => {
            match feature.spec().and_then(|(_, spec)| spec.requirement(id)) {
                Some(requirement) => format!("**{id}** · {}", short(&requirement.text, TEXT_CHARS)),
                None => format!("**{id}** · not defined in spec.md"),
            }
        }
        CitationTarget::Acceptance { story, scenario } => {
            let found = feature
                .spec()
                .and_then(|(_, spec)| spec.story(*story))
                .is_some_and(|s| (*scenario as usize) <= s.scenarios.len() && *scenario > 0);
            let note = if found { "" } else { " · not in spec.md" };
            format!("**US{story}** acceptance scenario {scenario}{note}")
        }
        CitationTarget::Section { title } => format!("section “{title}”"),
    }
}

fn marker_name(marker: Marker) -> &'static str {
    match marker {
        Marker::Gap => "Gap",
        Marker::Ambiguity => "Ambiguity",
        Marker::Conflict => "Conflict",
        Marker::Assumption => "Assumption",
    }
}

fn bullets(lines: &[String]) -> String {
    lines.iter().map(|l| format!("- {l}")).collect::<Vec<_>>().join("\n")
}

/// Checklist items citing requirement `id`: `ux.md CHK003` labels, in
/// file order.
pub fn items_citing(feature: &Feature, id: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (file, doc) in feature.checklists() {
        let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
        for item in &doc.items {
            let cites = item
                .citations
                .iter()
                .any(|c| matches!(&c.target, CitationTarget::Requirement { id: cited } if **cited == *id));
            if cites {
                let line = file.document.line_of(item.span.start) + 1;
                let label = item.id.as_ref().map_or_else(|| format!("line {line}"), |i| i.text.to_string());
                let state = if item.done { "done" } else { "open" };
                out.push(format!("{name} {label} · {state}"));
            }
        }
    }
    out
}

/// Where the citations of item `index` of checklist `rel` lead: each cited
/// requirement's definition, each acceptance scenario's story and
/// scenario, each cited section's heading in spec.md.
pub fn item_definitions(feature: &Feature, rel: &str, index: usize) -> Vec<NavigationTarget> {
    let Some(item) = checklist(feature, rel).and_then(|(_, doc)| doc.items.get(index)) else {
        return Vec::new();
    };
    let Some((spec_file, spec)) = feature.spec() else { return Vec::new() };
    let at = |full: Span, focus: Span| NavigationTarget { file: spec_file.rel.clone(), full, focus };
    let mut out = Vec::new();
    for citation in &item.citations {
        match &citation.target {
            CitationTarget::Requirement { id } => {
                out.extend(spec.requirements.iter().filter(|r| r.id == *id).map(|r| at(r.span, r.id_span)));
            }
            CitationTarget::Acceptance { story, scenario } => {
                if let Some(story) = spec.story(*story) {
                    let place = (*scenario as usize).checked_sub(1).and_then(|i| story.scenarios.get(i));
                    out.push(match place {
                        Some(s) => at(s.span, s.span),
                        None => at(story.span, story.heading),
                    });
                }
            }
            CitationTarget::Section { title } => {
                out.extend(section_heading(spec_file, title).map(|span| at(span, span)));
            }
        }
    }
    out.dedup();
    out
}

/// The heading of `file` whose title is `title` (case-insensitive).
fn section_heading(file: &FeatureFile, title: &str) -> Option<Span> {
    let blocks = file.blocks.as_deref()?;
    let wanted = title.trim().to_lowercase();
    blocks
        .iter()
        .find(|b| b.scan.heading.as_ref().is_some_and(|h| h.title.trim().to_lowercase() == wanted))
        .map(|b| b.span())
}

/// Progress of checklist `rel`: `7/12 items done (58%)`, with the items
/// that trace to nothing when some do.
pub fn progress(doc: &ChecklistDoc) -> String {
    let total = doc.items.len();
    let done = doc.done();
    let mut text = match (done * 100).checked_div(total) {
        Some(percent) => format!("{done}/{total} items done ({percent}%)"),
        None => "no items yet".to_string(),
    };
    let untraced = doc.items.iter().filter(|i| !i.is_traceable()).count();
    if doc.has_ids() && untraced > 0 {
        text.push_str(&format!(" · {untraced} without a citation or marker"));
    }
    text
}

/// Spec Kit's `/implement` gate, while no task is done yet: the
/// checklists with open items (`ux.md 3/12`). `None` when every
/// checklist is complete, there is none, or implementation has started.
pub fn implement_gate(feature: &Feature) -> Option<String> {
    let (_, tasks) = feature.tasks()?;
    if tasks.tasks.iter().any(|t| t.done()) {
        return None;
    }
    let incomplete: Vec<String> = feature
        .checklists()
        .filter(|(_, doc)| doc.done() < doc.items.len())
        .map(|(file, doc)| {
            let name = file.rel.rsplit('/').next().unwrap_or(&file.rel);
            format!("{name} {}/{}", doc.done(), doc.items.len())
        })
        .collect();
    if incomplete.is_empty() {
        return None;
    }
    let noun = if incomplete.len() == 1 { "checklist" } else { "checklists" };
    Some(format!("{} incomplete {noun} before implementation: {}", incomplete.len(), incomplete.join(", ")))
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature;
    use crate::testing::feature_with_cursor;

    const SPEC: &str = "# Spec\n\n### User Story 1 - Invite (Priority: P1)\n\n**Acceptance Scenarios**:\n\n1. **Given** an owner, **When** they invite, **Then** a mail goes out.\n2. **Given** a mail, **When** it bounces, **Then** the owner sees it.\n\n### Edge Cases\n\n- What if the mail bounces?\n\n## Requirements\n\n- **FR-001**: Owners MUST invite by email.\n- **FR-002**: Invitations MUST expire after 7 days.\n";
    const CHECKLIST: &str = "# UX Checklist\n\n## Requirement Completeness\n\n- [ ] CHK001 - Is the invite mail's content specified? [Completeness, Spec §FR-001]\n- [x] CHK002 - Is expiry measurable? [Clarity, Spec §FR-002, §US1/AC2]\n- [ ] CHK003 - Are bounces covered? [Gap, §Edge Cases]\n- [ ] CHK002 - Is the resend limit stated?\n";

    fn hover_at(checklist: &str) -> String {
        let (feature, rel, offset) =
            feature_with_cursor(&[("spec.md", SPEC), ("checklists/ux.md", checklist)]);
        let (index, _) = item_id_at(&feature, &rel, offset).expect("an item ID at the cursor");
        item_hover(&feature, &rel, index).unwrap_or_default()
    }

    fn check_hover(checklist: &str, expect: Expect) {
        expect.assert_eq(&hover_at(checklist));
    }

    #[test]
    fn hover_shows_state_section_citations_and_markers() {
        check_hover(
            &CHECKLIST.replace("CHK001", "CH$0K001"),
            expect![[r#"
                **CHK001** · open · Requirement Completeness

                Is the invite mail's content specified? [Completeness, Spec §FR-001]

                Cites:
                - **FR-001** · Owners MUST invite by email."#]],
        );
        check_hover(
            &CHECKLIST.replace("CHK003", "CHK00$03"),
            expect![[r#"
                **CHK003** · open · Requirement Completeness

                Are bounces covered? [Gap, §Edge Cases]

                Cites:
                - section “Edge Cases”

                Marked: Gap"#]],
        );
    }

    #[test]
    fn hover_warns_about_a_repeated_id_and_an_untraceable_item() {
        let checklist = CHECKLIST.replacen("CHK002", "CHK$0002", 2).replacen("CHK$0002", "CHK002", 1);
        check_hover(
            &checklist,
            expect![[r#"
                **CHK002** · open · Requirement Completeness

                Is the resend limit stated?

                Cites nothing and carries no marker: not traceable to the spec.

                ⚠ CHK002 is used 2 times: lines 6, 8"#]],
        );
    }

    #[test]
    fn citations_lead_to_requirements_scenarios_and_sections() {
        let (feature, rel, offset) = feature_with_cursor(&[
            ("spec.md", SPEC),
            ("checklists/ux.md", &CHECKLIST.replacen("CHK002", "CHK00$02", 1)),
        ]);
        let (index, _) = item_id_at(&feature, &rel, offset).unwrap();
        let spec = feature.file("spec.md").unwrap();
        let shown: Vec<String> = item_definitions(&feature, &rel, index)
            .iter()
            .map(|n| format!("{}: {}", n.file, spec.document.slice(n.focus).lines().next().unwrap_or("")))
            .collect();
        assert_eq!(
            shown,
            [
                "spec.md: FR-002",
                "spec.md: 2. **Given** a mail, **When** it bounces, **Then** the owner sees it.",
            ]
        );
        let (feature, rel, offset) = feature_with_cursor(&[
            ("spec.md", SPEC),
            ("checklists/ux.md", &CHECKLIST.replacen("CHK003", "CHK00$03", 1)),
        ]);
        let (index, _) = item_id_at(&feature, &rel, offset).unwrap();
        let found = item_definitions(&feature, &rel, index);
        assert_eq!(found.len(), 1);
        let spec = feature.file("spec.md").unwrap();
        assert_eq!(spec.document.slice(found[0].focus), "### Edge Cases\n");
    }

    #[test]
    fn requirements_know_the_items_citing_them() {
        let feature = feature(&[("spec.md", SPEC), ("checklists/ux.md", CHECKLIST)]);
        assert_eq!(items_citing(&feature, "FR-002"), ["ux.md CHK002 · done"]);
        assert_eq!(items_citing(&feature, "FR-001"), ["ux.md CHK001 · open"]);
        assert!(items_citing(&feature, "FR-009").is_empty());
    }

    #[test]
    fn progress_and_the_implement_gate() {
        let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create project in src/\n";
        let gated = feature(&[
            ("spec.md", SPEC),
            ("checklists/ux.md", CHECKLIST),
            ("checklists/security.md", "# Security\n\n- [x] CHK001 Done? [Spec §FR-001]\n"),
            ("tasks.md", tasks),
        ]);
        let (_, ux) = gated.checklists().find(|(f, _)| f.rel.ends_with("ux.md")).unwrap();
        assert_eq!(progress(ux), "1/4 items done (25%) · 1 without a citation or marker");
        assert_eq!(
            implement_gate(&gated).as_deref(),
            Some("1 incomplete checklist before implementation: ux.md 1/4")
        );
        let started =
            [("spec.md", SPEC), ("checklists/ux.md", CHECKLIST), ("tasks.md", &*tasks.replace("[ ]", "[x]"))];
        assert_eq!(implement_gate(&feature(&started)), None);
    }
}
