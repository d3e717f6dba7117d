//! What is under the cursor: the one question hover, go to definition,
//! references, highlights and rename all start from.

use crate::model::feature::{Feature, FeatureFile};
use crate::model::ids::{TaskId, TaskKey};
use crate::model::scan::MentionKind;
use crate::text::Span;

/// A thing in a feature that an editor feature can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A task ID: its definition (`- [ ] T012 ...`) or any reference.
    Task { key: TaskKey, id: TaskId, span: Span, definition: bool },
    /// A range of task IDs: `T004-T007`.
    TaskRange { first: TaskId, last: TaskId, span: Span },
    /// The `[P]` label of a task.
    Parallel { task: usize, span: Span },
    /// `[US2]`, `US2`, `User Story 2`, or a story heading in spec.md.
    Story { number: u32, span: Span },
    /// `FR-001`, `SC-004`: a definition in spec.md or a reference.
    Requirement { id: Box<str>, span: Span },
    /// A file or directory path named in a document.
    Path { path: Box<str>, span: Span },
    /// A phase heading of tasks.md.
    Phase { phase: usize, span: Span },
    /// `POST /api/users` in a document or a contract.
    Endpoint { method: Box<str>, path: Box<str>, span: Span },
    /// An entity heading of data-model.md.
    Entity { name: Box<str>, span: Span },
}

impl Target {
    /// The span of the thing at the cursor.
    pub fn span(&self) -> Span {
        match self {
            Target::Task { span, .. }
            | Target::TaskRange { span, .. }
            | Target::Parallel { span, .. }
            | Target::Story { span, .. }
            | Target::Requirement { span, .. }
            | Target::Path { span, .. }
            | Target::Phase { span, .. }
            | Target::Endpoint { span, .. }
            | Target::Entity { span, .. } => *span,
        }
    }
}

/// The target at `offset` of the file `rel`, if any. A cursor right after
/// an identifier still counts, as editors expect.
pub fn target_at(feature: &Feature, rel: &str, offset: usize) -> Option<Target> {
    let file = feature.file(rel)?;
    tasks_target(feature, file, offset)
        .or_else(|| spec_target(feature, file, offset))
        .or_else(|| data_model_target(feature, file, offset))
        .or_else(|| contract_target(feature, file, offset))
        .or_else(|| mention_target(file, offset))
}

/// Definitions and labels of tasks.md: task IDs, `[P]`, `[USn]`, phase
/// headings.
fn tasks_target(feature: &Feature, file: &FeatureFile, offset: usize) -> Option<Target> {
    let (tasks_file, doc) = feature.tasks()?;
    if tasks_file.rel != file.rel {
        return None;
    }
    let index = doc.task_at(offset).filter(|&i| doc.tasks[i].block.span().touches(offset));
    if let Some(index) = index {
        let task = &doc.tasks[index];
        let line = task.line();
        if task.id_span().touches(offset) {
            let id = line.id.clone();
            return Some(Target::Task { key: id.key, id, span: task.id_span(), definition: true });
        }
        if let Some(span) = line.parallel.map(|s| task.block.abs(s)).filter(|s| s.touches(offset)) {
            return Some(Target::Parallel { task: index, span });
        }
        if let Some((number, span)) =
            line.story.map(|(n, s)| (n, task.block.abs(s))).filter(|(_, s)| s.touches(offset))
        {
            return Some(Target::Story { number, span });
        }
    }
    let phase = doc.phases.iter().position(|p| p.title_span.touches(offset))?;
    Some(Target::Phase { phase, span: doc.phases[phase].title_span })
}

/// Story headings and requirement definitions of spec.md.
fn spec_target(feature: &Feature, file: &FeatureFile, offset: usize) -> Option<Target> {
    let (spec_file, spec) = feature.spec()?;
    if spec_file.rel != file.rel {
        return None;
    }
    if let Some(requirement) = spec.requirements.iter().find(|r| r.id_span.touches(offset)) {
        return Some(Target::Requirement { id: requirement.id.clone(), span: requirement.id_span });
    }
    let story = spec.stories.iter().find(|s| s.heading.touches(offset) && s.number.is_some())?;
    Some(Target::Story { number: story.number?, span: story.title_span.cover(story.heading) })
}

fn data_model_target(feature: &Feature, file: &FeatureFile, offset: usize) -> Option<Target> {
    let (dm_file, dm) = feature.data_model()?;
    if dm_file.rel != file.rel {
        return None;
    }
    let entity = dm.entities.iter().find(|e| e.name_span.touches(offset))?;
    Some(Target::Entity { name: entity.name.clone(), span: entity.name_span })
}

fn contract_target(feature: &Feature, file: &FeatureFile, offset: usize) -> Option<Target> {
    let (_, contract) = feature.contracts().find(|(f, _)| f.rel == file.rel)?;
    let operation =
        contract.operations.iter().find(|o| o.span.touches(offset) || o.path_span.touches(offset))?;
    Some(Target::Endpoint {
        method: operation.method.clone(),
        path: operation.path.clone(),
        span: operation.span,
    })
}

/// References anywhere: task IDs and ranges, stories, requirements, paths,
/// endpoints.
fn mention_target(file: &FeatureFile, offset: usize) -> Option<Target> {
    let blocks = file.blocks.as_deref()?;
    let index = blocks.block_at(offset)?;
    let block = &blocks.blocks()[index];
    let mention = block.scan.mentions.iter().find(|m| block.abs(m.span).touches(offset))?;
    let span = block.abs(mention.span);
    Some(match &mention.kind {
        MentionKind::Task { id } => Target::Task { key: id.key, id: id.clone(), span, definition: false },
        MentionKind::TaskRange { first, last } => {
            // The cursor on one end of a range means that task.
            let first_span = Span::new(span.start, span.start + first.text.len());
            let last_span = Span::new(span.end - last.text.len(), span.end);
            if first_span.touches(offset) {
                Target::Task { key: first.key, id: first.clone(), span: first_span, definition: false }
            } else if last_span.touches(offset) {
                Target::Task { key: last.key, id: last.clone(), span: last_span, definition: false }
            } else {
                Target::TaskRange { first: first.clone(), last: last.clone(), span }
            }
        }
        MentionKind::Story { number } => Target::Story { number: *number, span },
        MentionKind::Requirement { id } => Target::Requirement { id: id.clone(), span },
        MentionKind::Path { path } => Target::Path { path: path.clone(), span },
        MentionKind::Endpoint { method, path } => {
            Target::Endpoint { method: method.clone(), path: path.clone(), span }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::testing::{feature_with_cursor, label};

    fn at(files: &[(&str, &str)]) -> Option<String> {
        let (feature, rel, offset) = feature_with_cursor(files);
        target_at(&feature, &rel, offset).map(|t| label(&t))
    }

    #[test]
    fn task_definitions_references_and_range_ends() {
        let tasks = "## Phase 1: Setup\n- [ ] T001 a\n- [ ] T002 b (depends on T0$0001)\n";
        assert_eq!(at(&[("tasks.md", tasks)]).as_deref(), Some("task T001 reference"));
        assert_eq!(at(&[("tasks.md", "- [ ] T0$001 a\n")]).as_deref(), Some("task T001 definition"));
        assert_eq!(
            at(&[("tasks.md", "- [ ] T001 a\n- [ ] T002 b\n\nT001-T00$02 before T003\n")]).as_deref(),
            Some("task T002 reference")
        );
    }

    #[test]
    fn labels_phases_stories_and_requirements() {
        assert_eq!(at(&[("tasks.md", "- [ ] T001 [$0P] a\n")]).as_deref(), Some("parallel of task 0"));
        assert_eq!(at(&[("tasks.md", "- [ ] T001 [US$02] a\n")]).as_deref(), Some("story 2"));
        assert_eq!(at(&[("tasks.md", "## Phase 1: Se$0tup\n- [ ] T001 a\n")]).as_deref(), Some("phase 0"));
        let spec = "## Requirements\n\n- **FR-0$001**: System MUST x\n";
        assert_eq!(at(&[("spec.md", spec)]).as_deref(), Some("requirement FR-001"));
        assert_eq!(
            at(&[("tasks.md", "- [ ] T001 covers SC-00$02 in src/a.py\n")]).as_deref(),
            Some("requirement SC-002")
        );
        assert_eq!(at(&[("tasks.md", "- [ ] T001 a in src/a.$0py\n")]).as_deref(), Some("path src/a.py"));
        assert_eq!(at(&[("tasks.md", "- [ ] T001 plain te$0xt\n")]), None);
    }
}
