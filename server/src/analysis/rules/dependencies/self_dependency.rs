use std::collections::BTreeSet;

use crate::analysis::graph::Structure;
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::text::{Document, Span};

declare_rule! {
    /// ## What it does
    /// Reports a task that names itself as its own prerequisite:
    /// `T005 ... (depends on T005)`, `**Depends on**: T05` under T05, or
    /// `T005 requires T005` in the Dependencies section. Only an explicit
    /// ID counts: `T004-T008 before T006` does not make T006 depend on
    /// itself.
    ///
    /// ## Why is this bad?
    /// A task that waits for itself can never start. It is nearly always a
    /// slip: a copied line whose reference was not updated, or the
    /// neighbouring task's ID mistyped.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T004 [US1] Create User model in src/models/user.py
    /// - [ ] T005 [US1] Implement UserService in src/services/user.py (depends on T004, T005)
    /// ```
    ///
    /// ## Fix
    /// **Remove the self-reference**: drops the ID from its list
    /// (`T004, T005` becomes `T004`), a parenthesis that names only it
    /// (`(depends on T005)`), or turns a `**Depends on**: T005` bullet into
    /// `**Depends on**: None`. Offered only for those shapes. The fix is
    /// unsafe: the author probably meant another task, and removing the
    /// reference loses that hint.
    pub struct SelfDependency { code: "self-dependency", severity: Error }
}

impl Rule for SelfDependency {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let mut seen = BTreeSet::new();
        for &index in Structure::of(doc).edges_to_itself() {
            let edge = doc.edges.at(index as usize);
            if edge.via_range || !seen.insert(edge.to_span) {
                continue;
            }
            let id = file.document.slice(edge.to_span);
            let mut diagnostic =
                cx.report(Self::META.default_severity, file, edge.to_span, format!("{id} depends on itself"));
            if let Some(span) = removal(&file.document, edge.to_span) {
                let new_text = if span == edge.to_span { "None" } else { "" };
                diagnostic = diagnostic.with_fix(Fix::replace(
                    "Remove the self-reference",
                    Applicability::Unsafe,
                    &file.rel,
                    span,
                    new_text,
                ));
            }
            out.push(diagnostic);
        }
    }
}

/// What to delete to drop the reference at `reference`; the reference
/// itself when it is a field's whole value (it becomes `None`).
fn removal(document: &Document, reference: Span) -> Option<Span> {
    let line = document.line_span(document.line_of(reference.start));
    if reference.end > line.end {
        return None;
    }
    let text = document.slice(line);
    let (start, end) = (reference.start - line.start, reference.end - line.start);
    let (before, after) = (&text[..start], &text[end..]);
    let at = |from: usize, to: usize| Some(Span::new(line.start + from, line.start + to));
    // A member of a list: take the separator after it, else the one before.
    for separator in [", ", ",", " / ", "/"] {
        if after.starts_with(separator) {
            return at(start, end + separator.len());
        }
    }
    for separator in [", ", " and ", " & ", " / ", "/", ","] {
        if before.ends_with(separator) {
            return at(start - separator.len(), end);
        }
    }
    // The only ID of a parenthesis: `(depends on T005)`.
    if let (Some(open), Some(close)) = (before.rfind('('), after.find(')')) {
        let inside = format!("{}{}", &before[open + 1..], &after[..close]);
        let words_only = inside.chars().all(|c| c.is_alphabetic() || c == ' ' || c == ':' || c == '*');
        if words_only && !before[open..].contains(')') {
            let open = if before[..open].ends_with(' ') { open - 1 } else { open };
            return at(open, end + close + 1);
        }
    }
    // The whole value of a field: `**Depends on**: T005`.
    let value_of_field = before.trim_end().ends_with(':') || before.trim_end().ends_with(":**");
    if value_of_field && after.trim().is_empty() {
        return Some(reference);
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, check_fix};

    const CODE: &str = "self-dependency";

    #[test]
    fn fires_on_an_inline_self_reference() {
        let text = "- [ ] T004 a\n- [ ] T005 b (depends on T004, T005)\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:2: T005 depends on itself [fix: Remove the self-reference]"]
        );
        check_fix(CODE, &[("tasks.md", text)], "- [ ] T004 a\n- [ ] T005 b (depends on T004)\n");
    }

    #[test]
    fn removes_a_parenthesis_naming_only_the_task() {
        check_fix(
            CODE,
            &[("tasks.md", "- [ ] T005 b in src/b.py (depends on T005)\n")],
            "- [ ] T005 b in src/b.py\n",
        );
    }

    #[test]
    fn a_depends_on_bullet_becomes_none() {
        let text = "### T05: Build\n- **Depends on**: T05\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:2: T05 depends on itself [fix: Remove the self-reference]"]
        );
        check_fix(CODE, &[("tasks.md", text)], "### T05: Build\n- **Depends on**: None\n");
    }

    #[test]
    fn fires_on_a_statement_in_prose_without_a_fix_when_the_shape_is_unclear() {
        let text = "- [ ] T001 a\n\n## Dependencies\n\nT001 requires T001 to be reviewed first\n";
        assert_eq!(check(CODE, &[("tasks.md", text)]), ["tasks.md:5: T001 depends on itself"]);
    }

    #[test]
    fn silent_on_ranges_that_contain_the_task() {
        let text =
            "- [ ] T004 a\n- [ ] T005 b\n- [ ] T006 c\n\n- T004-T006 before T005\n- T004 → T005 → T006\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn fires_on_arrows_and_blocks_in_prose() {
        let text =
            "- [ ] T001 a\n- [ ] T002 b\n\n## Dependencies\n\n- T001 → T001\n- T002 blocks T001, T002\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:6: T001 depends on itself", "tasks.md:7: T002 depends on itself"]
        );
    }
}
