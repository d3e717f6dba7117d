//! Folding ranges: heading sections (phases and their subsections among
//! them), tasks with detail lines, fenced code, HTML comments and front
//! matter.

use super::symbols::outline;
use crate::model::feature::{DocModel, Feature};
use crate::syntax::BlockKind;
use crate::text::Span;

/// What a fold holds, for editors that fold comments on their own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FoldKind {
    /// A heading's section.
    Section,
    /// A task and its detail lines.
    Task,
    Code,
    Comment,
    FrontMatter,
}

/// One foldable region: from the line of `span.start` to the line of
/// `span.end` (the end is the last character's, trailing blank lines left
/// out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    pub span: Span,
    pub kind: FoldKind,
}

/// The folds of file `rel`, by start; at most one per start line (the
/// outermost), none within a single line.
pub fn folding_ranges(feature: &Feature, rel: &str) -> Vec<Fold> {
    let Some(file) = feature.file(rel) else { return Vec::new() };
    let Some(blocks) = file.blocks.as_deref() else { return Vec::new() };
    let mut folds = Vec::new();
    let tasks = match &file.model {
        DocModel::Tasks(doc) => Some(&**doc),
        _ => None,
    };
    let task_heading = |start: usize| {
        tasks.is_some_and(|doc| doc.task_at(start).is_some_and(|t| doc.tasks[t].block.start == start))
    };
    for heading in outline(blocks, &task_heading) {
        folds.push(Fold { span: heading.section, kind: FoldKind::Section });
    }
    if let Some(doc) = tasks {
        for task in &doc.tasks {
            let text = file.document.slice(task.extent);
            let span = Span::new(task.extent.start, task.extent.start + text.trim_end().len());
            folds.push(Fold { span, kind: FoldKind::Task });
        }
    }
    for block in blocks.iter() {
        let kind = match block.scan.kind {
            BlockKind::Code => FoldKind::Code,
            BlockKind::Html if block.scan.text.trim_start().starts_with("<!--") => FoldKind::Comment,
            BlockKind::Html => FoldKind::Code,
            BlockKind::FrontMatter => FoldKind::FrontMatter,
            _ => continue,
        };
        let span = Span::new(block.start, block.start + block.scan.text.trim_end().len());
        folds.push(Fold { span, kind });
    }
    let line = |offset: usize| file.document.line_of(offset);
    folds.retain(|f| line(f.span.end) > line(f.span.start));
    // Outermost first at each start line; editors keep one fold per line.
    folds.sort_by_key(|f| (line(f.span.start), std::cmp::Reverse(f.span.end)));
    folds.dedup_by_key(|f| line(f.span.start));
    folds
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::testing::feature;

    #[test]
    fn sections_tasks_code_comments_and_front_matter() {
        let tasks = "---\ntitle: x\n---\n# Tasks\n\n<!--\nguidance\n-->\n\n## Phase 1: Setup\n\n- [ ] T001 Init\n  - **File**: src/a.py\n  - **Depends on**: none\n- [ ] T002 One line\n\n### T003: Heading task\n\nBody.\n\n```text\n- [ ] T999 not a task\n```\n\n## Phase 2: Core\n- [ ] T004 x\n";
        let feature = feature(&[("tasks.md", tasks)]);
        let file = feature.file("tasks.md").unwrap();
        let shown: Vec<String> = folding_ranges(&feature, "tasks.md")
            .iter()
            .map(|f| {
                let (a, b) = (file.document.line_of(f.span.start) + 1, file.document.line_of(f.span.end) + 1);
                format!("{:?} {a}-{b}", f.kind)
            })
            .collect();
        expect![[r#"
            [
                "FrontMatter 1-3",
                "Section 4-26",
                "Comment 6-8",
                "Section 10-23",
                "Task 12-14",
                "Task 17-23",
                "Code 21-23",
                "Section 25-26",
            ]
        "#]]
        .assert_debug_eq(&shown);
    }
}
