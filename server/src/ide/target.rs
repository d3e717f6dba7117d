//! What is under the cursor: the one question hover, go to definition,
//! references, highlights and rename all start from.

use crate::model::blocks::ScannedBlock;
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
    /// The `CHK001` of item `item` of the checklist the cursor is in.
    ChecklistItem { item: usize, span: Span },
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
            | Target::Entity { span, .. }
            | Target::ChecklistItem { span, .. } => *span,
        }
    }
}

/// The target at `offset` of the file `rel`, if any. A cursor right after
/// an identifier still counts, as editors expect.
///
/// Order matters: definitions and labels of the file's own model first,
/// then the full paths of plan.md's structure tree (whose lines name only
/// the last segment), then mentions the scanner found, then bare words
/// naming an entity of data-model.md or a contract's `operationId`.
pub fn target_at(feature: &Feature, rel: &str, offset: usize) -> Option<Target> {
    let file = feature.file(rel)?;
    if let Some((item, span)) = super::checklists::item_id_at(feature, rel, offset) {
        return Some(Target::ChecklistItem { item, span });
    }
    tasks_target(feature, file, offset)
        .or_else(|| spec_target(feature, file, offset))
        .or_else(|| data_model_target(feature, file, offset))
        .or_else(|| contract_target(feature, file, offset))
        .or_else(|| plan_target(feature, file, offset))
        .or_else(|| mention_target(file, offset))
        .or_else(|| word_target(feature, file, offset))
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
    // `User Story 2` or `FR-003` inside a phase title means that story or
    // requirement; the rest of the title means the phase.
    let named = mention_target(file, offset).filter(|t| {
        matches!(t, Target::Story { .. } | Target::Requirement { .. } | Target::Task { .. })
            && doc.phases[phase].title_span.touches(t.span().start)
    });
    Some(named.unwrap_or(Target::Phase { phase, span: doc.phases[phase].title_span }))
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
    if let Some(story) = spec.stories.iter().find(|s| s.heading.touches(offset) && s.number.is_some()) {
        return Some(Target::Story { number: story.number?, span: story.title_span.cover(story.heading) });
    }
    let entity = spec.entities.iter().find(|e| e.name_span.touches(offset))?;
    Some(Target::Entity { name: entity.name.clone(), span: entity.name_span })
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

/// An entry of plan.md's Project Structure: the tree shows `user.py`, the
/// model knows `src/models/user.py`.
fn plan_target(feature: &Feature, file: &FeatureFile, offset: usize) -> Option<Target> {
    let (plan_file, plan) = feature.plan()?;
    if plan_file.rel != file.rel {
        return None;
    }
    let entry = plan.structure.iter().find(|p| p.in_tree && p.span.touches(offset))?;
    Some(Target::Path { path: entry.path.clone(), span: entry.span })
}

/// The blocks that may hold something touching `offset`: the block
/// containing it, and the one ending right there (a cursor after the last
/// word of a file, or of a block whose successor starts at the cursor).
fn blocks_touching(file: &FeatureFile, offset: usize) -> impl Iterator<Item = &ScannedBlock> {
    let blocks = file.blocks.as_deref().map_or(&[][..], |b| b.blocks());
    let first = blocks.partition_point(|b| b.span().end < offset);
    blocks[first..].iter().take_while(move |b| b.start <= offset)
}

/// References anywhere: task IDs and ranges, stories, requirements, paths,
/// endpoints.
fn mention_target(file: &FeatureFile, offset: usize) -> Option<Target> {
    // Only mentions that name something: `[T001]` is a bracket holding a
    // task ID, and the ID is what the cursor is on.
    let names_something = |kind: &MentionKind| {
        matches!(
            kind,
            MentionKind::Task { .. }
                | MentionKind::TaskRange { .. }
                | MentionKind::Story { .. }
                | MentionKind::Requirement { .. }
                | MentionKind::Path { .. }
                | MentionKind::Endpoint { .. }
        )
    };
    let (block, mention) = blocks_touching(file, offset).find_map(|block| {
        let mention = block
            .scan
            .mentions
            .iter()
            .find(|m| names_something(&m.kind) && block.abs(m.span).touches(offset))?;
        Some((block, mention))
    })?;
    let span = block.abs(mention.span);
    Some(match &mention.kind {
        MentionKind::Task { id } => Target::Task { key: id.key, id: id.clone(), span, definition: false },
        MentionKind::TaskRange { first, last } => {
            // The cursor on one end of a range means that task.
            let first_span = Span::new(span.start, span.start + first.text.len());
            let last_span = Span::new(span.end - last.text.len(), span.end);
            if first_span.touches(offset) {
                Target::Task { key: first.key, id: TaskId::clone(first), span: first_span, definition: false }
            } else if last_span.touches(offset) {
                Target::Task { key: last.key, id: TaskId::clone(last), span: last_span, definition: false }
            } else {
                Target::TaskRange { first: TaskId::clone(first), last: TaskId::clone(last), span }
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

/// A bare word naming an entity of data-model.md (`Create Invitation
/// model`) or an operation of a contract by its `operationId`. Only exact,
/// case-sensitive identifiers count: prose words stay prose.
fn word_target(feature: &Feature, file: &FeatureFile, offset: usize) -> Option<Target> {
    let (word, span) = blocks_touching(file, offset).find_map(|block| word_at(block, offset))?;
    let entity = feature
        .data_model()
        .and_then(|(_, dm)| dm.entities.iter().find(|e| &*e.name == word).map(|e| e.name.clone()))
        .or_else(|| {
            feature
                .spec()
                .and_then(|(_, spec)| spec.entities.iter().find(|e| &*e.name == word).map(|e| e.name.clone()))
        });
    if let Some(name) = entity {
        return Some(Target::Entity { name, span });
    }
    let operation = feature
        .contracts()
        .flat_map(|(_, c)| &c.operations)
        .find(|o| o.operation_id.as_deref() == Some(word))?;
    Some(Target::Endpoint { method: operation.method.clone(), path: operation.path.clone(), span })
}

/// The word (letters, digits, `_`) touching `offset` in `block`.
fn word_at(block: &ScannedBlock, offset: usize) -> Option<(&str, Span)> {
    let text = &*block.scan.text;
    let at = offset.checked_sub(block.start)?;
    if at > text.len() || !text.is_char_boundary(at) {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let start = text[..at]
        .rfind(|c: char| !is_word(c))
        .map_or(0, |i| i + text[i..].chars().next().map_or(1, char::len_utf8));
    let end = text[at..].find(|c: char| !is_word(c)).map_or(text.len(), |i| at + i);
    (start < end).then(|| (&text[start..end], block.abs(Span::new(start, end))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{feature_with_cursor, label};

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

    #[test]
    fn names_inside_phase_titles_plan_trees_words_and_the_end_of_a_file() {
        let tasks = "## Phase 3: User Story 2 - Invite (Priority: P2)\n- [ ] T001 [US2] a\n";
        assert_eq!(at(&[("tasks.md", &tasks.replace("Story 2", "Story $02"))]).as_deref(), Some("story 2"));
        assert_eq!(at(&[("tasks.md", &tasks.replace("Invite", "Inv$0ite"))]).as_deref(), Some("phase 0"));
        let plan = "# Plan\n\n## Project Structure\n\n```text\nsrc/\n├── models/\n│   └── invi$0tation.py\n└── api/\n```\n";
        assert_eq!(at(&[("plan.md", plan)]).as_deref(), Some("path src/models/invitation.py"));
        let model = "# Data Model\n\n## Invitation\n\n| Field | Type |\n|---|---|\n| id | UUID |\n";
        let tasks = "- [ ] T001 Create Invitation$0 model\n";
        assert_eq!(
            at(&[("tasks.md", tasks), ("data-model.md", model)]).as_deref(),
            Some("entity Invitation")
        );
        let tasks = "- [ ] T001 Create invitation$0 model\n";
        assert_eq!(at(&[("tasks.md", tasks), ("data-model.md", model)]), None);
        let spec = "## Requirements\n\n### Key Entities\n\n- **Invi$0tation**: an offer to join.\n";
        assert_eq!(at(&[("spec.md", spec)]).as_deref(), Some("entity Invitation"));
        let openapi =
            "openapi: 3.0.3\npaths:\n  /api/invitations:\n    post:\n      operationId: createInvitation\n";
        let tasks = "- [ ] T001 Implement createInvita$0tion\n";
        assert_eq!(
            at(&[("tasks.md", tasks), ("contracts/openapi.yaml", openapi)]).as_deref(),
            Some("endpoint POST /api/invitations")
        );
        assert_eq!(
            at(&[("tasks.md", "- [ ] T001 a\n\nThen T001$0")]).as_deref(),
            Some("task T001 reference")
        );
    }
}
