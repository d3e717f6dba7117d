use std::collections::HashMap;

use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::BlockList;
use crate::model::markdown::contains_any;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a requirement ID (`FR-001`, `SC-004`, `NFR-002`, `FR-005a`)
    /// that spec.md defines twice: one finding per ID, at its second
    /// definition, with any further definitions as related locations. A
    /// note about a requirement (`**SC-001 Verification Note**: ...`) is
    /// not a definition.
    ///
    /// A definition is a line, list item, table
    /// row or heading that starts with the ID inside the Requirements or
    /// Success Criteria sections; mentions elsewhere (`Maps to FR-006`) are
    /// references and never collide, nor do the rows of a traceability
    /// matrix or coverage list (`## Requirements Traceability`,
    /// `### Coverage`) that start with IDs defined elsewhere.
    ///
    /// ## Why is this bad?
    /// Tasks, checklists and reviews cite requirements by ID: with two
    /// requirements behind `FR-003`, coverage and traceability count the
    /// wrong one, and "implements FR-003" no longer says what was built.
    ///
    /// ## Example
    /// ```markdown
    /// - **FR-003**: System MUST send an invitation email
    /// - **FR-004**: System MUST expire invitations after 7 days
    /// - **FR-003**: System MUST let admins revoke invitations
    /// ```
    ///
    /// ## Fix
    /// Give the later definition the next free ID of its series (`FR-005`).
    /// The fix is unsafe: tasks or other documents that cite `FR-003` may
    /// have meant the later requirement.
    pub struct DuplicateRequirementId { code: "duplicate-requirement-id", severity: Error }
}

impl Rule for DuplicateRequirementId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, spec)) = cx.feature.spec() else { return };
        let mut ids: Vec<&str> = spec.requirements.iter().map(|r| &*r.id).collect();
        ids.sort_unstable();
        if ids.windows(2).all(|pair| pair[0] != pair[1]) {
            return; // no ID is defined twice
        }
        let mut taken: Vec<String> = spec.requirements.iter().map(|r| r.id.to_string()).collect();
        let listings = file.blocks.as_deref().map(listing_sections).unwrap_or_default();
        let mut first_of = HashMap::new();
        // One finding per duplicated ID: later definitions of an ID already
        // reported are related locations of that finding.
        let mut reported: HashMap<&str, usize> = HashMap::new();
        for requirement in &spec.requirements {
            if listings.iter().any(|section| section.contains(requirement.id_span.start)) {
                continue;
            }
            let Some(&first) = first_of.get(&*requirement.id) else {
                first_of.insert(&*requirement.id, requirement);
                continue;
            };
            if let Some(&at) = reported.get(&*requirement.id) {
                let earlier: &mut Diagnostic = &mut out[at];
                *earlier = earlier.clone().with_related(&file.rel, requirement.id_span, "defined again here");
                continue;
            }
            reported.insert(&*requirement.id, out.len());
            let message = format!(
                "{} is already defined on line {}",
                requirement.id,
                cx.line(file, first.id_span.start)
            );
            let mut diagnostic = cx
                .report(Self::META.default_severity, file, requirement.id_span, message)
                .with_related(&file.rel, first.id_span, "first defined here");
            if let Some(free) = next_free(&requirement.id, &taken) {
                diagnostic = diagnostic.with_fix(Fix::replace(
                    format!("Use {free}"),
                    Applicability::Unsafe,
                    &file.rel,
                    requirement.id_span,
                    free.clone(),
                ));
                taken.push(free);
            }
            out.push(diagnostic);
        }
    }
}

/// Sections that list requirements defined elsewhere: a traceability
/// matrix or a coverage list under `## Requirements Traceability` starts
/// its rows with IDs without defining them again.
fn listing_sections(blocks: &BlockList) -> Vec<Span> {
    let mut sections = Vec::new();
    let mut open: Option<(usize, u8)> = None;
    for block in blocks.iter() {
        let Some(heading) = &block.scan.heading else { continue };
        if let Some((start, level)) = open
            && heading.level <= level
        {
            sections.push(Span::new(start, block.start));
            open = None;
        }
        if open.is_none() && is_listing_title(&heading.title.to_lowercase()) {
            open = Some((block.start, heading.level));
        }
    }
    if let Some((start, _)) = open {
        sections.push(Span::new(start, usize::MAX));
    }
    sections
}

fn is_listing_title(lower: &str) -> bool {
    contains_any(
        lower,
        &[
            "traceab",
            "coverage",
            "mapping",
            "matrix",
            "cross-ref",
            "trazabilidad",
            "cobertura",
            "追踪",
            "覆盖",
        ],
    )
}

/// `FR-003` split into its series (`FR-`) and number (`003`); sub-numbers
/// and letter suffixes (`FR-005a`, `FR-001.1`) belong to their base number.
fn series_and_number(id: &str) -> Option<(&str, &str)> {
    let start = id.find(|c: char| c.is_ascii_digit())?;
    let digits = id[start..].bytes().take_while(u8::is_ascii_digit).count();
    Some((&id[..start], &id[start..start + digits]))
}

/// The first ID after `id` in its series that no requirement uses, as wide
/// as `id`'s number.
fn next_free(id: &str, taken: &[String]) -> Option<String> {
    let (series, digits) = series_and_number(id)?;
    let used: Vec<u64> = taken
        .iter()
        .filter_map(|t| series_and_number(t))
        .filter(|(s, _)| *s == series)
        .filter_map(|(_, n)| n.parse().ok())
        .collect();
    let mut number: u64 = digits.parse().ok()?;
    loop {
        number += 1;
        if !used.contains(&number) {
            return Some(format!("{series}{number:0width$}", width = digits.len()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::next_free;
    use crate::testing::check;

    const HEAD: &str = "# Feature Specification: Invites\n\n## Requirements\n\n";

    #[test]
    fn fires_on_the_later_definition_with_the_next_free_id() {
        let spec = format!(
            "{HEAD}- **FR-001**: System MUST send invites\n- **FR-002**: System MUST expire invites\n- **FR-001**: System MUST revoke invites\n\n## Success Criteria\n\n- **SC-001**: 95% of invites arrive in 1 minute\n- **SC-001**: Admins revoke in 2 clicks\n"
        );
        let found = check("duplicate-requirement-id", &[("spec.md", &spec)]);
        assert_eq!(
            found,
            [
                "spec.md:7: FR-001 is already defined on line 5 [fix: Use FR-003]",
                "spec.md:12: SC-001 is already defined on line 11 [fix: Use SC-002]",
            ]
        );
    }

    #[test]
    fn an_id_defined_three_times_is_one_finding() {
        let spec = format!(
            "{HEAD}- **FR-001**: System MUST send invites\n- **FR-001**: System MUST expire invites\n- **FR-001**: System MUST revoke invites\n"
        );
        assert_eq!(
            check("duplicate-requirement-id", &[("spec.md", &spec)]),
            ["spec.md:6: FR-001 is already defined on line 5 [fix: Use FR-002]"]
        );
    }

    #[test]
    fn references_and_suffixes_do_not_collide() {
        let spec = format!(
            "{HEAD}- **FR-001**: System MUST send invites\n- **FR-001a**: Invites MUST name the team\n- **FR-002**: As FR-001, for admins\n\n## Notes\n\nFR-001 is the core.\n"
        );
        assert!(check("duplicate-requirement-id", &[("spec.md", &spec)]).is_empty());
    }

    #[test]
    fn traceability_and_coverage_listings_are_not_definitions() {
        let spec = format!(
            "{HEAD}- **FR-001**: System MUST send invites\n- **FR-002**: System MUST expire invites\n\n## Requirements Traceability\n\n| Requirement | Story | Tasks |\n|---|---|---|\n| FR-001 | US1 | T010 |\n\n## Success Criteria\n\n- **SC-001**: 95% arrive within a minute (FR-001)\n\n### Coverage\n\n- FR-001: covered by SC-001\n\n### More Requirements\n\n- **FR-002**: System MUST let admins resend invites\n"
        );
        assert_eq!(
            check("duplicate-requirement-id", &[("spec.md", &spec)]),
            ["spec.md:24: FR-002 is already defined on line 6 [fix: Use FR-003]"]
        );
    }

    #[test]
    fn next_free_skips_taken_numbers_and_keeps_width() {
        let taken = ["FR-001", "FR-002", "FR-003a", "NFR-004"].map(String::from);
        assert_eq!(next_free("FR-001", &taken).as_deref(), Some("FR-004"));
        assert_eq!(next_free("FR-UL-09", &taken).as_deref(), Some("FR-UL-10"));
    }
}
