//! Document highlights: the references of the thing under the cursor that
//! lie in the current file, its definition marked as a write.

use super::references::collect;
use super::target::target_at;
use crate::model::feature::Feature;
use crate::text::Span;

/// How a highlighted place relates to the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HighlightKind {
    /// A mention.
    Read,
    /// The definition: a task's line, a story's heading, a requirement's
    /// definition, an entity's section, a contract's operation.
    Write,
}

/// One place to highlight in the current file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Highlight {
    pub span: Span,
    pub kind: HighlightKind,
}

/// The places of `rel` naming the thing at `offset`, in order; empty when
/// nothing is under the cursor.
pub fn highlights(feature: &Feature, rel: &str, offset: usize) -> Vec<Highlight> {
    let Some(target) = target_at(feature, rel, offset) else { return Vec::new() };
    collect(feature, &target)
        .into_iter()
        .filter(|r| &*r.place.file == rel)
        .map(|r| Highlight {
            span: r.place.span,
            kind: if r.declaration { HighlightKind::Write } else { HighlightKind::Read },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::{feature_with_cursor, text_of};

    fn check(files: &[(&str, &str)], expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(files);
        let found: Vec<String> = highlights(&feature, &rel, offset)
            .iter()
            .map(|h| {
                let line = feature.file(&rel).map_or(0, |f| f.document.line_of(h.span.start) + 1);
                format!("{line} {:?} {:?}", text_of(&feature, &rel, h.span), h.kind)
            })
            .collect();
        expect.assert_eq(&found.join("\n"));
    }

    const TASKS: &str = "## Phase 1: Setup\n\n- [ ] T001 Create model in src/a.py\n- [ ] T002 Use it (depends on T001)\n\nT001-T002 before T003\n";

    #[test]
    fn the_definition_is_a_write_and_mentions_are_reads() {
        check(
            &[
                ("tasks.md", &TASKS.replace("(depends on T001)", "(depends on T0$001)")),
                ("plan.md", "T001\n"),
            ],
            expect![[r#"
                3 "T001" Write
                4 "T001" Read
                6 "T001" Read"#]],
        );
    }

    #[test]
    fn requirements_in_the_spec_and_crlf() {
        let spec =
            "## Requirements\r\n\r\n- **FR-001**: Ünïcode MUST work.\r\n- **FR-002**: Unlike FR-00$01.\r\n";
        check(
            &[("spec.md", spec)],
            expect![[r#"
                3 "FR-001" Write
                4 "FR-001" Read"#]],
        );
    }

    #[test]
    fn nothing_under_the_cursor() {
        check(&[("tasks.md", &TASKS.replace("Create model", "Create mo$0del"))], expect![[""]]);
    }
}
