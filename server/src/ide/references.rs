//! Find references: every place in the feature that names the thing under
//! the cursor.
//!
//! - a task: every mention of its ID in every document (its own line is
//!   the declaration); a range whose end is the ID counts as that end, a
//!   range that contains it (`T001-T005` for T003) as the whole range;
//! - a story: `[US2]` labels, `US2`, `User Story 2` (phase titles
//!   included), and the story's heading in spec.md as the declaration;
//! - a requirement: every `FR-001` (in markdown documents and in the text
//!   of OpenAPI or JSON contracts), its definition in spec.md the
//!   declaration;
//! - a path: every mention of the same file, however written
//!   (`./src/a.py` is `src/a.py`), and plan.md's structure tree entries;
//! - an endpoint: every `METHOD /path` naming the same operation, the
//!   contract's operation the declaration;
//! - an entity: its section in data-model.md (the declaration), the spec's
//!   Key Entities item and every use of its exact name.

use super::FileSpan;
use super::goto::{names_operation, operations, path_key, story_declaration};
use super::target::{Target, target_at};
use crate::model::blocks::ScannedBlock;
use crate::model::feature::{Feature, FeatureFile};
use crate::model::ids::{TaskKey, parse_requirement_id};
use crate::model::scan::MentionKind;
use crate::text::Span;

/// One place naming a target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reference {
    pub place: FileSpan,
    /// The place that defines the target (a task's line, a story's
    /// heading, a requirement's definition...).
    pub declaration: bool,
}

/// Every place in the feature naming the thing at `offset` of `rel`, in
/// file order, declarations left out unless `include_declaration`.
pub fn references(feature: &Feature, rel: &str, offset: usize, include_declaration: bool) -> Vec<FileSpan> {
    let Some(target) = target_at(feature, rel, offset) else { return Vec::new() };
    collect(feature, &target)
        .into_iter()
        .filter(|r| include_declaration || !r.declaration)
        .map(|r| r.place)
        .collect()
}

/// Every reference to `target`, declarations marked, sorted by file (in
/// the feature's order) and offset, without repeats.
pub(crate) fn collect(feature: &Feature, target: &Target) -> Vec<Reference> {
    let mut out = Collector { feature, refs: Vec::new() };
    match target {
        Target::Task { key, .. } => out.task(*key),
        Target::Story { number, .. } => out.story(*number),
        Target::Requirement { id, .. } => out.requirement(id),
        Target::Path { path, .. } => out.path(path),
        Target::Endpoint { method, path, .. } => out.endpoint(method, path),
        Target::Entity { name, .. } => out.entity(name),
        Target::TaskRange { .. }
        | Target::Parallel { .. }
        | Target::Phase { .. }
        | Target::ChecklistItem { .. } => {}
    }
    out.finish()
}

/// Where `id` stands as a whole requirement ID in a text no scanner reads
/// (a YAML or JSON contract): not inside a longer word or ID.
fn requirement_ids_in_text(text: &str, id: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    text.match_indices(id)
        .filter(|(at, _)| *at == 0 || !is_word(bytes[at - 1]))
        .filter(|(at, _)| parse_requirement_id(&text[*at..]) == Some(id.len()))
        .map(|(at, _)| Span::new(at, at + id.len()))
        .collect()
}

struct Collector<'f> {
    feature: &'f Feature,
    refs: Vec<Reference>,
}

impl<'f> Collector<'f> {
    fn push(&mut self, file: &FeatureFile, span: Span, declaration: bool) {
        self.refs.push(Reference { place: FileSpan::new(&file.rel, span), declaration });
    }

    /// Every mention in every markdown file, with its block.
    fn mentions(
        &self,
    ) -> impl Iterator<Item = (&'f FeatureFile, &'f ScannedBlock, &'f MentionKind, Span)> + 'f {
        self.feature.markdown_files().flat_map(|(file, blocks)| {
            blocks.iter().flat_map(move |block| {
                block.scan.mentions.iter().map(move |m| (file, block, &m.kind, block.abs(m.span)))
            })
        })
    }

    fn task(&mut self, key: TaskKey) {
        if let Some((file, doc)) = self.feature.tasks() {
            for task in doc.tasks.iter().filter(|t| t.key() == key) {
                self.push(file, task.id_span(), true);
            }
        }
        for (file, _, kind, span) in self.mentions() {
            match kind {
                MentionKind::Task { id } if id.key == key => self.push(file, span, false),
                MentionKind::TaskRange { first, last } => {
                    if first.key == key {
                        self.push(file, Span::new(span.start, span.start + first.text.len()), false);
                    }
                    if last.key == key {
                        self.push(file, Span::new(span.end - last.text.len(), span.end), false);
                    }
                    if first.key < key && key < last.key {
                        self.push(file, span, false);
                    }
                }
                _ => {}
            }
        }
    }

    fn story(&mut self, number: u32) {
        if let Some((file, spec)) = self.feature.spec() {
            for story in spec.stories.iter().filter(|s| s.number == Some(number)) {
                self.push(file, story_declaration(file, story), true);
            }
        }
        for (file, _, kind, span) in self.mentions() {
            if matches!(kind, MentionKind::Story { number: n } if *n == number) {
                self.push(file, span, false);
            }
        }
    }

    fn requirement(&mut self, id: &str) {
        if let Some((file, spec)) = self.feature.spec() {
            for requirement in spec.requirements.iter().filter(|r| &*r.id == id) {
                self.push(file, requirement.id_span, true);
            }
        }
        for (file, _, kind, span) in self.mentions() {
            if matches!(kind, MentionKind::Requirement { id: other } if **other == *id) {
                self.push(file, span, false);
            }
        }
        for file in self.feature.files.iter().filter(|f| f.blocks.is_none()) {
            for span in requirement_ids_in_text(&file.document.slice(Span::new(0, file.document.len())), id) {
                self.push(file, span, false);
            }
        }
    }

    fn path(&mut self, path: &str) {
        let key = path_key(self.feature, path);
        for (file, _, kind, span) in self.mentions() {
            if matches!(kind, MentionKind::Path { path } if path_key(self.feature, path) == key) {
                self.push(file, span, false);
            }
        }
        if let Some((file, plan)) = self.feature.plan() {
            for entry in plan.structure.iter().filter(|p| p.in_tree && path_key(self.feature, &p.path) == key)
            {
                self.push(file, entry.span, false);
            }
        }
    }

    fn endpoint(&mut self, method: &str, path: &str) {
        let operations: Vec<_> = operations(self.feature, method, path).collect();
        for (file, op) in &operations {
            self.push(file, op.span, true);
        }
        for (file, _, kind, span) in self.mentions() {
            let MentionKind::Endpoint { method: m, path: p } = kind else { continue };
            let same = match operations.as_slice() {
                // Written the same way as an operation the cursor's endpoint
                // names, or, with no contract, written the same way.
                [] => m.eq_ignore_ascii_case(method) && endpoint_text_eq(p, path),
                ops => ops.iter().any(|(f, op)| {
                    self.feature
                        .contracts()
                        .find(|(cf, _)| cf.rel == f.rel)
                        .is_some_and(|(_, contract)| names_operation(contract, op, m, p))
                }),
            };
            if same {
                self.push(file, span, false);
            }
        }
    }

    fn entity(&mut self, name: &str) {
        if let Some((file, dm)) = self.feature.data_model() {
            for entity in dm.entities.iter().filter(|e| e.name.eq_ignore_ascii_case(name)) {
                self.push(file, entity.name_span, true);
            }
        }
        if let Some((file, spec)) = self.feature.spec() {
            for entity in spec.entities.iter().filter(|e| e.name.eq_ignore_ascii_case(name)) {
                self.push(file, entity.name_span, false);
            }
        }
        for (file, blocks) in self.feature.markdown_files() {
            for block in blocks.iter() {
                for at in word_occurrences(&block.scan.text, name) {
                    self.push(file, block.abs(Span::new(at, at + name.len())), false);
                }
            }
        }
    }

    /// Sorted by file order and offset; a place found twice (a definition
    /// is also a mention) is kept once, as a declaration if either was.
    fn finish(self) -> Vec<Reference> {
        let order =
            |file: &str| self.feature.files.iter().position(|f| &*f.rel == file).unwrap_or(usize::MAX);
        let mut refs = self.refs;
        refs.sort_by(|a, b| {
            (order(&a.place.file), a.place.span.start, a.place.span.end, !a.declaration).cmp(&(
                order(&b.place.file),
                b.place.span.start,
                b.place.span.end,
                !b.declaration,
            ))
        });
        refs.dedup_by(|later, earlier| later.place == earlier.place);
        refs
    }
}

fn endpoint_text_eq(a: &str, b: &str) -> bool {
    a.trim_end_matches('/').eq_ignore_ascii_case(b.trim_end_matches('/'))
}

/// Byte offsets where `word` occurs in `text` as a whole word.
pub(crate) fn word_occurrences<'t>(text: &'t str, word: &'t str) -> impl Iterator<Item = usize> + 't {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(at, _)| at).filter(move |&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !word.is_empty() && !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::{feature_with_cursor, text_of};

    fn check(files: &[(&str, &str)], include_declaration: bool, expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(files);
        let found: Vec<String> = references(&feature, &rel, offset, include_declaration)
            .iter()
            .map(|place| {
                let line = feature.file(&place.file).map_or(0, |f| f.document.line_of(place.span.start) + 1);
                format!("{}:{line} {:?}", place.file, text_of(&feature, &place.file, place.span))
            })
            .collect();
        expect.assert_eq(&found.join("\n"));
    }

    const TASKS: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 Create project in ./src/app.py\n- [ ] T002 [P] Add Invitation model in src/models/invitation.py (depends on **T001**)\n- [ ] T003 Wire app in src/app.py\n\n## Phase 2: User Story 1 - Invite (Priority: P1)\n\n- [ ] T004 [US1] Implement POST /api/invitations, covers FR-001\n- [ ] T005 [US1] Email in src/mail.py (after T004)\n\n## Dependencies\n\n- T001-T003 before T004\n- T002 through T005 before US1 sign-off\n";

    const SPEC: &str = "# Feature Specification: Invites\n\n### User Story 1 - Invite a teammate (Priority: P1)\n\nText.\n\n## Requirements\n\n- **FR-001**: Owners MUST invite by email.\n- **FR-002**: Like FR-001, for admins (US1).\n\n### Key Entities\n\n- **Invitation**: an offer to join.\n";

    #[test]
    fn a_task_everywhere_with_range_ends_and_containing_ranges() {
        let tasks = TASKS.replace("- [x] T001", "- [x] T0$001");
        check(
            &[("tasks.md", &tasks), ("plan.md", "# Plan\n\nT001 sets the stage.\n")],
            true,
            expect![[r#"
                plan.md:3 "T001"
                tasks.md:5 "T001"
                tasks.md:6 "T001"
                tasks.md:16 "T001""#]],
        );
        let tasks = TASKS.replace("(after T004)", "(after T00$04)");
        check(
            &[("tasks.md", &tasks)],
            false,
            expect![[r#"
                tasks.md:12 "T004"
                tasks.md:16 "T004"
                tasks.md:17 "T002 through T005""#]],
        );
    }

    #[test]
    fn a_story_in_labels_phase_titles_prose_and_the_spec_heading() {
        let tasks = TASKS.replace("T004 [US1]", "T004 [U$0S1]");
        check(
            &[("tasks.md", &tasks), ("spec.md", SPEC)],
            true,
            expect![[r#"
                spec.md:3 "User Story 1"
                spec.md:10 "US1"
                tasks.md:9 "User Story 1"
                tasks.md:11 "[US1]"
                tasks.md:12 "[US1]"
                tasks.md:17 "US1""#]],
        );
        let spec = SPEC.replace("### User Story 1", "### User Sto$0ry 1");
        check(
            &[("tasks.md", TASKS), ("spec.md", &spec)],
            false,
            expect![[r#"
                spec.md:10 "US1"
                tasks.md:9 "User Story 1"
                tasks.md:11 "[US1]"
                tasks.md:12 "[US1]"
                tasks.md:17 "US1""#]],
        );
    }

    #[test]
    fn a_requirement_from_its_definition() {
        let spec = SPEC.replace("**FR-001**", "**FR-001$0**");
        check(
            &[("tasks.md", TASKS), ("spec.md", &spec)],
            true,
            expect![[r#"
                spec.md:9 "FR-001"
                spec.md:10 "FR-001"
                tasks.md:11 "FR-001""#]],
        );
    }

    #[test]
    fn a_path_however_written() {
        let tasks = TASKS.replace("Wire app in src/app.py", "Wire app in src/$0app.py");
        let plan = "# Plan\n\n## Project Structure\n\n```text\nsrc/\n├── app.py\n└── models/\n```\n";
        check(
            &[("tasks.md", &tasks), ("plan.md", plan)],
            true,
            expect![[r#"
            plan.md:7 "app.py"
            tasks.md:5 "./src/app.py"
            tasks.md:7 "src/app.py""#]],
        );
    }

    #[test]
    fn an_entity_by_its_exact_name() {
        let model = "# Data Model\n\n## Invitation\n\n| Field | Type |\n|-------|------|\n| id | UUID |\n";
        let spec = SPEC.replace("**Invitation**", "**Invita$0tion**");
        check(
            &[("tasks.md", TASKS), ("spec.md", &spec), ("data-model.md", model)],
            false,
            expect![[r#"
                spec.md:14 "Invitation"
                tasks.md:6 "Invitation""#]],
        );
    }

    #[test]
    fn multi_byte_text_crlf_cursor_at_the_end_and_nothing_under_the_cursor() {
        let tasks = "## Phase 1: Données\r\n\r\n- [ ] T001 Créer « modèle » in src/modèle.py\r\n- [ ] T002 Après T001$0 — ensuite\r\n";
        check(
            &[("tasks.md", tasks)],
            true,
            expect![[r#"
                tasks.md:3 "T001"
                tasks.md:4 "T001""#]],
        );
        check(&[("tasks.md", "- [ ] T001 Créer le mo$0dèle\n")], true, expect![[""]]);
    }
}
