use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::kind::DocumentKind;

declare_rule! {
    /// ## What it does
    /// Reports a tasks.md with no plan.md in the same folder. The finding
    /// sits on line 1 of tasks.md.
    ///
    /// ## Why is this bad?
    /// Spec Kit derives tasks from the plan: its tech stack, its Project
    /// Structure and its design documents. Without plan.md nobody can tell
    /// whether the tasks follow the agreed design, and the rules that
    /// compare tasks with the plan (paths outside the structure,
    /// constitution gates) have nothing to compare with.
    ///
    /// ## Example
    /// ```text
    /// specs/004-billing/
    /// ├── spec.md
    /// └── tasks.md      # no plan.md beside it
    /// ```
    ///
    /// ## Fix
    /// Write the plan (`/speckit.plan`) or move tasks.md into the feature
    /// folder that has one. There is no quick fix.
    pub struct MissingPlan { code: "missing-plan", severity: Error }
}

impl Rule for MissingPlan {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, _)) = cx.tasks() else { return };
        let folder = |rel: &str| rel.rsplit_once('/').map_or("", |(dir, _)| dir).to_string();
        let tasks_folder = folder(&file.rel);
        let has_plan = cx.feature.files.iter().any(|f| f.kind == DocumentKind::Plan && folder(&f.rel) == tasks_folder)
                // A plan too large to read is there (file-too-large says so).
                || cx.feature.unread.iter().any(|u| {
                    DocumentKind::of_path(std::path::Path::new(&*u.rel)) == Some(DocumentKind::Plan)
                        && folder(&u.rel) == tasks_folder
                });
        if has_plan {
            return;
        }
        let span = file.document.line_span(0);
        let message = "tasks.md has no plan.md beside it: tasks should follow a plan";
        out.push(cx.report(Self::META.default_severity, file, span, message));
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const TASKS: &str = "# Tasks: Billing\n\n- [ ] T001 Create src/billing.py\n";

    #[test]
    fn fires_on_line_one_of_tasks_without_a_plan() {
        let found = check("missing-plan", &[("spec.md", "# Spec\n"), ("tasks.md", TASKS)]);
        assert_eq!(found, ["tasks.md:1: tasks.md has no plan.md beside it: tasks should follow a plan"]);
    }

    #[test]
    fn a_plan_in_another_folder_does_not_count() {
        let found = check("missing-plan", &[("old/plan.md", "# Plan\n"), ("tasks.md", TASKS)]);
        assert_eq!(found, ["tasks.md:1: tasks.md has no plan.md beside it: tasks should follow a plan"]);
    }

    #[test]
    fn silent_with_a_plan_or_without_tasks() {
        assert!(check("missing-plan", &[("plan.md", "# Plan\n"), ("tasks.md", TASKS)]).is_empty());
        assert!(check("missing-plan", &[("spec.md", "# Spec\n")]).is_empty());
    }
}
