use crate::analysis::{Context, Diagnostic, Rule, RuleMeta, Severity};
use crate::declare_rule;
use crate::model::markdown::ClarificationMarker;
use crate::text::Span;

/// How many open markers Spec Kit lets a spec keep.
const SPEC_LIMIT: usize = 3;

declare_rule! {
    /// ## What it does
    /// Reports every `[NEEDS CLARIFICATION: ...]` marker left in spec.md or
    /// plan.md.
    ///
    /// A plan's Technical Context value that is still `NEEDS
    /// CLARIFICATION` counts too. Spec Kit allows at most three markers in
    /// a spec: the fourth and later ones are errors, the first three
    /// warnings.
    ///
    /// Only markers that ask something count: the bare
    /// `[NEEDS CLARIFICATION]` of "No [NEEDS CLARIFICATION] markers remain"
    /// checklist lines and the template's own
    /// `[NEEDS CLARIFICATION: specific question]` are not questions. Markers
    /// inside fenced code (the old template's "Execution Flow" log, which
    /// records the questions the generator asked) are skipped too: an
    /// unresolved question also stands in the body of the document.
    ///
    /// ## Why is this bad?
    /// A marker is a question nobody has answered yet. Tasks planned on
    /// top of it build on a guess; `/speckit.clarify` exists to answer
    /// them before planning.
    ///
    /// ## Example
    /// ```markdown
    /// - **FR-006**: System MUST authenticate users via [NEEDS CLARIFICATION: auth method not specified - email/password, SSO, OAuth?]
    /// ```
    ///
    /// ## Fix
    /// Answer the question (`/speckit.clarify` records the answer under
    /// `## Clarifications`) and replace the marker with the decision. There
    /// is no quick fix.
    pub struct NeedsClarification { code: "needs-clarification", severity: Warning }
}

impl Rule for NeedsClarification {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some((file, spec)) = cx.feature.spec() {
            let open: Vec<_> = open_markers(&spec.clarifications).collect();
            let total = open.len();
            for (index, marker) in open.into_iter().enumerate() {
                let mut message = question_message(marker);
                let severity = if index >= SPEC_LIMIT {
                    message.push_str(&format!(
                        " (marker {} of {total}: a spec may keep at most {SPEC_LIMIT})",
                        index + 1
                    ));
                    Severity::Error
                } else {
                    Self::META.default_severity
                };
                out.push(cx.report(severity, file, marker.span, message));
            }
        }
        if let Some((file, plan)) = cx.feature.plan() {
            for marker in open_markers(&plan.clarifications) {
                out.push(cx.report(Self::META.default_severity, file, marker.span, question_message(marker)));
            }
            for field in &plan.technical_context {
                // The value itself, not the template's `[e.g., ... or NEEDS
                // CLARIFICATION]` hint (template-placeholder) nor a bracketed
                // marker (reported above).
                let value = field.value.trim_start_matches(['*', '_', '`', ' ']);
                if !value.starts_with("NEEDS CLARIFICATION") {
                    continue;
                }
                let text = file.document.slice(field.span);
                let Some(offset) = text.find("NEEDS CLARIFICATION") else { continue };
                let start = field.span.start + offset;
                let span = Span::new(start, start + "NEEDS CLARIFICATION".len());
                let message = format!("needs clarification: {} is still NEEDS CLARIFICATION", field.key);
                out.push(cx.report(Self::META.default_severity, file, span, message));
            }
        }
    }
}

/// The markers that ask a question, outside fenced code.
fn open_markers(markers: &[ClarificationMarker]) -> impl Iterator<Item = &ClarificationMarker> {
    markers.iter().filter(|m| m.is_open() && !m.in_code)
}

fn question_message(marker: &ClarificationMarker) -> String {
    let question = marker.question.as_deref().unwrap_or("");
    let question: String = if question.chars().count() > 90 {
        format!("{}…", question.chars().take(89).collect::<String>().trim_end())
    } else {
        question.to_string()
    };
    format!("needs clarification: {question}")
}

#[cfg(test)]
mod tests {
    use crate::analysis::Severity;
    use crate::testing::{check, feature, findings};

    fn spec_with(markers: usize) -> String {
        let mut text = String::from("# Feature Specification: Login\n\n## Requirements\n\n");
        for n in 1..=markers {
            text.push_str(&format!(
                "- **FR-00{n}**: System MUST log in via [NEEDS CLARIFICATION: method {n}?]\n"
            ));
        }
        text
    }

    #[test]
    fn fires_at_each_marker_of_spec_and_plan() {
        let plan = "# Plan\n\n## Technical Context\n\n**Storage**: [NEEDS CLARIFICATION: which database?]\n";
        let found = check("needs-clarification", &[("spec.md", &spec_with(2)), ("plan.md", plan)]);
        assert_eq!(
            found,
            [
                "plan.md:5: needs clarification: which database?",
                "spec.md:5: needs clarification: method 1?",
                "spec.md:6: needs clarification: method 2?",
            ]
        );
    }

    #[test]
    fn markers_past_three_in_a_spec_are_errors() {
        let feature = feature(&[("spec.md", &spec_with(5))]);
        let found: Vec<_> =
            findings("needs-clarification", &feature).into_iter().map(|d| (d.severity, d.message)).collect();
        let severities: Vec<_> = found.iter().map(|(s, _)| *s).collect();
        assert_eq!(
            severities,
            [Severity::Warning, Severity::Warning, Severity::Warning, Severity::Error, Severity::Error]
        );
        assert!(found[3].1.ends_with("(marker 4 of 5: a spec may keep at most 3)"), "{}", found[3].1);
    }

    #[test]
    fn bare_value_in_technical_context() {
        let plan = "# Plan\n\n## Technical Context\n\n**Testing**: NEEDS CLARIFICATION\n\n**Storage**: [if applicable, e.g., PostgreSQL or NEEDS CLARIFICATION]\n";
        let found = check("needs-clarification", &[("plan.md", plan)]);
        assert_eq!(found, ["plan.md:5: needs clarification: Testing is still NEEDS CLARIFICATION"]);
    }

    #[test]
    fn silent_on_checklist_lines_template_questions_and_execution_logs() {
        let spec = "# Spec\n\n```\n3. For each unclear aspect:\n   → [NEEDS CLARIFICATION: Can offers be re-submitted?]\n```\n\n- Mark with [NEEDS CLARIFICATION: specific question]\n- [x] No [NEEDS CLARIFICATION] markers remain\n";
        assert!(check("needs-clarification", &[("spec.md", spec)]).is_empty());
        let research = "# Research\n\n[NEEDS CLARIFICATION: not in spec or plan]\n";
        assert!(check("needs-clarification", &[("research.md", research)]).is_empty());
    }
}
