use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::feature::{Feature, FeatureFile, FeatureNumber};
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a feature folder whose number another feature folder beside
    /// it also starts with: `specs/003-export-csv/` and
    /// `specs/003-import-csv/`. Numbers compare by value, so `003-a` and
    /// `3-b` are the same number; timestamp-numbered folders
    /// (`20260302-141500-export-csv`) compare their whole timestamp.
    ///
    /// One collision is one finding: every folder of the group but the one
    /// whose name sorts first gets it (of `003-export-csv` and
    /// `003-import-csv`, the second), on the first line of its spec.md (or
    /// of its first document), naming the folders before it. Renumbering
    /// each reported folder resolves the collision. The folders beside a feature
    /// are read when it is loaded: in the editor, a folder created later is
    /// seen once the feature reloads.
    ///
    /// ## Why is this bad?
    /// Spec Kit names branches, folders and references by the number:
    /// scripts that look a feature up by `003` find either folder, and
    /// `/speckit.specify` picks the next free number from the highest one,
    /// so two branches created in parallel collide.
    ///
    /// ## Example
    /// ```text
    /// specs/
    /// ├── 003-export-csv/
    /// └── 003-import-csv/
    /// ```
    ///
    /// ## Fix
    /// Renumber one of the folders (and its branch) to the next free
    /// number. There is no quick fix: a folder rename is outside the
    /// documents.
    pub struct DuplicateFeatureNumber { code: "duplicate-feature-number", severity: Warning }
}

impl Rule for DuplicateFeatureNumber {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let name = cx.feature.name.as_str();
        let earlier: Vec<&str> =
            cx.feature.number_twins.iter().map(|twin| twin.as_ref()).filter(|&twin| twin < name).collect();
        if earlier.is_empty() {
            return;
        }
        let Some(file) = anchor(cx.feature) else { return };
        let number = FeatureNumber::of(name).map_or("", |n| n.written);
        let message =
            format!("feature number {number} of {name} is also the number of {}", earlier.join(", "));
        out.push(cx.report(Self::META.default_severity, file, first_line(file), message));
    }
}

/// The document the finding sits on: spec.md, else the first file.
fn anchor(feature: &Feature) -> Option<&FeatureFile> {
    feature.spec().map(|(file, _)| file).or_else(|| feature.files.first())
}

fn first_line(file: &FeatureFile) -> Span {
    file.document.line_span(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{feature, findings};

    fn run_rule(feature: &Feature) -> Vec<Diagnostic> {
        findings("duplicate-feature-number", feature)
    }

    #[test]
    fn names_the_twins_on_the_specs_first_line() {
        let mut twin =
            feature(&[("spec.md", "# Feature Specification: Import\n"), ("tasks.md", "# Tasks\n")]);
        twin.name = "003-import-csv".to_string();
        twin.number_twins = vec!["003-export-csv".into()];
        let found = run_rule(&twin);
        let shown: Vec<(String, &str, Span)> =
            found.iter().map(|d| (d.message.clone(), &*d.file, d.span)).collect();
        assert_eq!(
            shown,
            [(
                "feature number 003 of 003-import-csv is also the number of 003-export-csv".to_string(),
                "spec.md",
                Span::new(0, 31)
            )]
        );
        twin.number_twins.clear();
        assert!(run_rule(&twin).is_empty());
    }

    #[test]
    fn the_folder_that_sorts_first_keeps_its_number() {
        let mut first = feature(&[("spec.md", "# Feature Specification: Export\n")]);
        first.name = "003-export-csv".to_string();
        first.number_twins = vec!["003-import-csv".into(), "3-merge-csv".into()];
        assert!(run_rule(&first).is_empty());
        let mut third = feature(&[("spec.md", "# Feature Specification: Merge\n")]);
        third.name = "3-merge-csv".to_string();
        third.number_twins = vec!["003-export-csv".into(), "003-import-csv".into()];
        let found = run_rule(&third);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "feature number 3 of 3-merge-csv is also the number of 003-export-csv, 003-import-csv"
        );
    }
}
