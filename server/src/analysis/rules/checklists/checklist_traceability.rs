use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::checklist::ChecklistDoc;
use crate::model::feature::FeatureFile;
use crate::text::Span;

/// Spec Kit's threshold: at least 80% of a checklist's items trace back.
const TRACEABLE_PERCENT: usize = 80;

declare_rule! {
    /// ## What it does
    /// Reports a checklist in which fewer than 80% of the items carry a
    /// citation (`[Spec §FR-001]`, `§NFR-2`, `[Spec §US1/AC2]`,
    /// `[Spec §Edge Cases]`, a requirement ID in the text) or a marker
    /// (`[Gap]`, `[Ambiguity]`, `[Conflict]`, `[Assumption]`). A quality
    /// dimension alone (`[Clarity]`, `[Completeness]`) says what kind of
    /// check an item is, not what it checks, so it does not count.
    ///
    /// Only checklists whose items have IDs (`CHK001`), the ones
    /// `/speckit.checklist` writes, are checked: the spec-quality
    /// checklist `/speckit.specify` writes (`requirements.md`, items such as
    /// "No implementation details") has its own fixed items. One finding
    /// per checklist, on its title, naming the first items without a
    /// reference.
    ///
    /// ## Why is this bad?
    /// Spec Kit's `/checklist` command requires that at least 80% of items
    /// reference the spec section they test or mark a gap: a checklist
    /// item that points nowhere cannot be checked against the spec, and
    /// reviewers tick it on a feeling.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] CHK001 Are error responses defined? [Completeness]
    /// - [ ] CHK002 Is the retry limit quantified? [Clarity]
    /// - [ ] CHK003 Is "fast" measurable? [Clarity, Spec §SC-002]
    /// ```
    /// Only one item in three (33%) traces back.
    ///
    /// ## Fix
    /// Add the spec section each item tests (`[Completeness, Spec §FR-004]`),
    /// or mark what it is about (`[Gap]` when the spec has no such
    /// requirement). There is no quick fix.
    pub struct ChecklistTraceability { code: "checklist-traceability", severity: Warning }
}

impl Rule for ChecklistTraceability {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file, checklist) in cx.feature.checklists() {
            if !checklist.has_ids() {
                continue;
            }
            let total = checklist.items.len();
            let traceable = checklist.items.iter().filter(|i| i.is_traceable()).count();
            if traceable * 100 >= total * TRACEABLE_PERCENT {
                continue;
            }
            let untraced: Vec<&str> = checklist
                .items
                .iter()
                .filter(|i| !i.is_traceable())
                .filter_map(|i| i.id.as_ref().map(|id| &*id.text))
                .collect();
            let shown = untraced.iter().take(5).copied().collect::<Vec<_>>().join(", ");
            let more = if untraced.len() > 5 { ", ..." } else { "" };
            let message = format!(
                "{traceable} of {total} items ({}%) cite the spec or carry a marker; at least {TRACEABLE_PERCENT}% should (untraced: {shown}{more})",
                traceable * 100 / total
            );
            out.push(cx.report(Self::META.default_severity, file, title_span(file, checklist), message));
        }
    }
}

/// The checklist's first line (its title, in generated checklists).
fn title_span(file: &FeatureFile, checklist: &ChecklistDoc) -> Span {
    match checklist.title {
        Some(_) => file.document.line_span(0),
        None => checklist.items.first().map_or_else(|| file.document.line_span(0), |i| i.checkbox),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    #[test]
    fn fires_below_eighty_percent() {
        let list = "# API Checklist\n\n- [ ] CHK001 a [Completeness]\n- [ ] CHK002 b [Clarity]\n- [ ] CHK003 c [Clarity, Spec §SC-002]\n- [ ] CHK004 d [Gap]\n- [ ] CHK005 e §Edge Cases\n";
        assert_eq!(
            check("checklist-traceability", &[("checklists/api.md", list)]),
            [
                "checklists/api.md:1: 3 of 5 items (60%) cite the spec or carry a marker; at least 80% should (untraced: CHK001, CHK002)"
            ]
        );
    }

    #[test]
    fn passes_at_eighty_percent_and_skips_lists_without_ids() {
        let list = "- [ ] CHK001 a [Spec §FR-001]\n- [ ] CHK002 b FR-002\n- [ ] CHK003 c [Ambiguity]\n- [ ] CHK004 d [Conflict]\n- [ ] CHK005 e\n";
        assert!(check("checklist-traceability", &[("checklists/api.md", list)]).is_empty());
        let quality = "# Specification Quality Checklist\n\n- [x] No implementation details\n- [x] Focused on user value\n";
        assert!(check("checklist-traceability", &[("checklists/requirements.md", quality)]).is_empty());
    }
}
