use std::collections::HashMap;

use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports a checklist item ID (`CHK007`) used twice in one checklist.
    /// `CHK7` and `CHK007` are the same ID; the same ID in two different
    /// checklists is fine (each file numbers its own items).
    ///
    /// ## Why is this bad?
    /// Reviews, analysis reports and commit messages cite items by ID
    /// ("CHK007 fails"): with two items behind one ID, nobody can tell
    /// which one was meant. It usually happens when items are added by hand
    /// or two generated lists are merged.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] CHK007 Are retry limits quantified? [Clarity, Spec §FR-006]
    /// - [ ] CHK007 Is the error format defined? [Gap]
    /// ```
    ///
    /// ## Fix
    /// Give the later item the next free number (`CHK008` when it is free).
    /// The fix is unsafe: something may already cite the later item by the
    /// duplicated ID.
    pub struct DuplicateChecklistId { code: "duplicate-checklist-id", severity: Error }
}

impl Rule for DuplicateChecklistId {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (file, checklist) in cx.feature.checklists() {
            let mut first_of = HashMap::new();
            let mut next_free =
                checklist.items.iter().filter_map(|i| i.id.as_ref()).map(|id| id.number).max();
            for id in checklist.items.iter().filter_map(|i| i.id.as_ref()) {
                let Some(first) = first_of.get(&id.number) else {
                    first_of.insert(id.number, id);
                    continue;
                };
                let message = format!(
                    "{} is already the ID of the item on line {}",
                    id.text,
                    cx.line(file, first.span.start)
                );
                let mut diagnostic = cx
                    .report(Self::META.default_severity, file, id.span, message)
                    .with_related(&file.rel, first.span, "first used here");
                if let Some(free) = next_free.map(|n| n + 1) {
                    let width =
                        id.text.len() - id.text.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
                    let digits = id.text.len() - width;
                    let new_id = format!("{}{free:0digits$}", &id.text[..width]);
                    diagnostic = diagnostic.with_fix(Fix::replace(
                        format!("Use {new_id}"),
                        Applicability::Unsafe,
                        &file.rel,
                        id.span,
                        new_id,
                    ));
                    next_free = Some(free);
                }
                out.push(diagnostic);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    #[test]
    fn fires_on_a_reused_id_with_the_next_free_number() {
        let list = "# UX Checklist\n\n- [ ] CHK001 a [Gap]\n- [ ] CHK002 b [Gap]\n- [x] CHK1 c [Gap]\n- [ ] CHK-002 d\n";
        assert_eq!(
            check("duplicate-checklist-id", &[("checklists/ux.md", list)]),
            [
                "checklists/ux.md:5: CHK1 is already the ID of the item on line 3 [fix: Use CHK3]",
                "checklists/ux.md:6: CHK-002 is already the ID of the item on line 4 [fix: Use CHK-004]",
            ]
        );
    }

    #[test]
    fn each_checklist_numbers_its_own_items() {
        let list = "- [ ] CHK001 a\n- [ ] CHK002 b\n- [ ] No ID\n- [ ] No ID\n";
        assert!(
            check("duplicate-checklist-id", &[("checklists/ux.md", list), ("checklists/api.md", list)])
                .is_empty()
        );
    }
}
