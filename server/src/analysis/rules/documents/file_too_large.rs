use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a document of the feature folder that is larger than the
    /// size limit (8 MiB unless `max-file-size` says otherwise): specls
    /// did not read it, so nothing in it was checked. The finding sits on
    /// line 1 of the file. The same limit holds for `specls check`,
    /// `dump`, `graph` and the language server (an open document over the
    /// limit gets this finding instead of an analysis).
    ///
    /// ## Why is this bad?
    /// A task list, spec or plan of many megabytes is almost always a
    /// generated dump or a file added by mistake, and analysing it would
    /// stall the editor and the CI job. Saying so beats a silent "no
    /// problems": the document was not checked at all.
    ///
    /// ## Example
    /// ```text
    /// specs/004-billing/
    /// ├── plan.md
    /// └── tasks.md      # 12 MB
    /// ```
    ///
    /// ## Fix
    /// Split the document, remove what does not belong in it, or raise
    /// the limit in `specls.toml` (`max-file-size = "32MiB"`) or with
    /// `--max-file-size`. There is no quick fix.
    pub struct FileTooLarge { code: "file-too-large", severity: Error }
}

impl Rule for FileTooLarge {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for unread in &cx.feature.unread {
            let message = format!(
                "file too large, not analysed: {} bytes, more than the {} that specls reads \
                 (`max-file-size` in specls.toml raises the limit)",
                unread.size, unread.limit
            );
            out.push(Diagnostic::new(Self::META.default_severity, &unread.rel, Span::empty(0), message));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use crate::model::feature::UnreadFile;
    use crate::testing::{feature, findings};

    #[test]
    fn fires_once_per_unread_document_and_not_otherwise() {
        let mut feature = feature(&[("plan.md", "# Plan\n"), ("tasks.md", "- [ ] T001 a\n")]);
        assert!(findings("file-too-large", &feature).is_empty());
        let rel: Arc<str> = "tasks.md".into();
        feature.mark_unread(UnreadFile { path: feature.root.join("tasks.md"), rel, size: 900, limit: 800 });
        let found = findings("file-too-large", &feature);
        let found: Vec<(&str, &str)> = found.iter().map(|d| (&*d.file, &*d.message)).collect();
        assert_eq!(
            found,
            [(
                "tasks.md",
                "file too large, not analysed: 900 bytes, more than the 800 that specls reads \
                 (`max-file-size` in specls.toml raises the limit)"
            )]
        );
        assert!(feature.tasks().is_none(), "its text is gone from the analysis");
    }
}
