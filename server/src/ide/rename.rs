//! Rename a task ID, a user story number or a requirement ID across every
//! document of a feature.
//!
//! A task ID is renamed at its definition and at every reference: inline
//! `(depends on ...)`, detail lines, Dependencies prose, other documents,
//! fenced code blocks and range ends. Ranges keep the tasks they stood for:
//! when the new ID moves a task out of a range (or into one), the range is
//! rewritten as a list (see [`super::renumber`]). With a duplicated ID, the
//! first task is the one references mean: renaming it (or a reference)
//! takes the references along; renaming a later duplicate's definition
//! renames only that definition.
//!
//! A story number is renamed everywhere it names the story: `[US2]`
//! labels, `US2`, `User Story 2`, spec.md's `### User Story 2 - ...`
//! heading (also `### Story 2`, `### 用户故事 2`) and phase titles
//! (`Phase 4: User Story 2 - ...`). Only the digits change, so `US-2`
//! stays `US-3`.
//!
//! A requirement ID (`FR-001`, `SC-004`, `NFR-2`) is renamed at its
//! definitions in spec.md and wherever find references finds it: tasks,
//! plan, checklist citations (`§FR-001`), markdown contracts and the text
//! of OpenAPI or JSON contracts.

use std::sync::Arc;

use super::FileSpan;
use super::references::collect;
use super::renumber::IdChange;
use super::target::{Target, target_at};
use crate::analysis::FileEdit;
use crate::model::feature::Feature;
use crate::model::ids::{TaskId, TaskKey, parse_requirement_id, parse_task_id};
use crate::model::scan::MentionKind;
use crate::text::Span;

/// What can be renamed at `offset` of `rel`: the span of a task ID
/// (definition or reference, or one end of a range), or of a story's number
/// (`[US2]`, `US2`, `User Story 2`, a spec story heading, a story phase
/// title). Otherwise a message saying why not.
pub fn prepare_rename(feature: &Feature, rel: &str, offset: usize) -> Result<FileSpan, String> {
    let file = feature.file(rel).ok_or_else(|| format!("{rel} is not part of the feature"))?;
    Ok(match renamable_at(feature, rel, offset)? {
        Renamable::Task { span, .. } => FileSpan::new(&file.rel, span),
        Renamable::Story { occurrence } => FileSpan::new(&occurrence.file, occurrence.digits),
        Renamable::Requirement { span, .. } => FileSpan::new(&file.rel, span),
    })
}

/// The edits that rename the task ID or story at `offset` of `rel` to
/// `new_name`, in every document of the feature. A task ID must be
/// canonical (`T012`, `T012a`; `T012.5` is accepted too) and not be
/// another task's; a story takes a number or `USn` not used by another
/// story. Renaming to the current name gives no edits.
pub fn rename(feature: &Feature, rel: &str, offset: usize, new_name: &str) -> Result<Vec<FileEdit>, String> {
    match renamable_at(feature, rel, offset)? {
        Renamable::Task { key, index, .. } => rename_task(feature, key, index, new_name),
        Renamable::Story { occurrence } => rename_story(feature, occurrence.number, new_name),
        Renamable::Requirement { id, span } => rename_requirement(feature, id, span, new_name),
    }
}

enum Renamable {
    /// `index`: the task the ID stands for (the defined one at a
    /// definition, the first with the key at a reference); `None` for a
    /// reference to an ID no task has.
    Task {
        key: TaskKey,
        span: Span,
        index: Option<usize>,
    },
    Story {
        occurrence: StoryOccurrence,
    },
    Requirement {
        id: Box<str>,
        span: Span,
    },
}

const NOT_RENAMABLE: &str = "Only task IDs, user stories and requirement IDs can be renamed";

fn renamable_at(feature: &Feature, rel: &str, offset: usize) -> Result<Renamable, String> {
    match target_at(feature, rel, offset) {
        Some(Target::Task { key, span, definition, .. }) => {
            let doc = feature.tasks().map(|(_, doc)| doc);
            let index = match (definition, doc) {
                (true, Some(doc)) => doc.tasks.iter().position(|t| t.id_span() == span),
                (false, Some(doc)) => doc.task_index(key),
                (_, None) => None,
            };
            return Ok(Renamable::Task { key, span, index });
        }
        Some(Target::TaskRange { .. }) => {
            return Err("Put the cursor on one end of the range to rename that task".to_string());
        }
        Some(Target::Requirement { id, span }) => return Ok(Renamable::Requirement { id, span }),
        _ => {}
    }
    // Stories: the innermost occurrence around the cursor (a phase title
    // holds its `User Story 2` mention).
    story_occurrences(feature)
        .into_iter()
        .filter(|o| &*o.file == rel && o.whole.touches(offset))
        .min_by_key(|o| o.whole.len())
        .map(|occurrence| Renamable::Story { occurrence })
        .ok_or_else(|| NOT_RENAMABLE.to_string())
}

/// Parse the new name of a task: `T012`, `T012a`, `T012.5`.
fn parse_new_task_id(new_name: &str) -> Result<TaskId, String> {
    let name = new_name.trim();
    if name.is_empty() {
        return Err("The new task ID is empty".to_string());
    }
    if name.contains(char::is_whitespace) {
        return Err(format!("`{name}` is not a task ID: it contains a space"));
    }
    let shape_error = || {
        format!(
            "`{name}` is not a task ID: write T and at least three digits, optionally a letter (T012, T012a)"
        )
    };
    let (id, _) = parse_task_id(name, false).filter(|(_, len)| *len == name.len()).ok_or_else(shape_error)?;
    let decimal = id.key.minor.is_some()
        && name[1..].split('.').all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        && name[1..].bytes().take_while(u8::is_ascii_digit).count() >= 3;
    if !(id.is_canonical() || decimal) {
        return Err(shape_error());
    }
    Ok(id)
}

fn rename_task(
    feature: &Feature,
    key: TaskKey,
    index: Option<usize>,
    new_name: &str,
) -> Result<Vec<FileEdit>, String> {
    let new = parse_new_task_id(new_name)?;
    let (file, doc) = feature.tasks().ok_or_else(|| "The feature has no tasks.md".to_string())?;
    let taken = doc.tasks.iter().enumerate().find(|(j, t)| t.key() == new.key && Some(*j) != index);
    if let Some((_, task)) = taken {
        return Err(format!(
            "{} is already the ID of another task ({}, line {})",
            new.text,
            file.rel,
            file.document.line_of(task.id_span().start) + 1
        ));
    }
    let mut new_ids = vec![None; doc.tasks.len()];
    let unknown = match index {
        Some(index) => {
            new_ids[index] = Some(new.text.to_string());
            None
        }
        None => Some((key, new.text.to_string())),
    };
    Ok(IdChange::new(feature, file, doc, new_ids, unknown).edits())
}

/// Parse the new name of a story: `3` or `US3`.
fn parse_story_number(new_name: &str) -> Result<u32, String> {
    let name = new_name.trim();
    let digits = name.strip_prefix("US").or_else(|| name.strip_prefix("us")).unwrap_or(name);
    let valid = !digits.is_empty() && digits.len() <= 4 && digits.bytes().all(|b| b.is_ascii_digit());
    match digits.parse::<u32>() {
        Ok(number) if valid && number > 0 => Ok(number),
        _ => Err(format!("`{name}` is not a story number: write a number or USn (3, US3)")),
    }
}

fn rename_story(feature: &Feature, old: u32, new_name: &str) -> Result<Vec<FileEdit>, String> {
    let new = parse_story_number(new_name)?;
    if new == old {
        return Ok(Vec::new());
    }
    let occurrences = story_occurrences(feature);
    if let Some((spec_file, spec)) = feature.spec()
        && let Some(story) = spec.story(new)
    {
        return Err(format!(
            "User Story {new} already exists ({}, line {})",
            spec_file.rel,
            spec_file.document.line_of(story.heading.start) + 1
        ));
    }
    if let Some(used) = occurrences.iter().find(|o| o.number == new) {
        let line = feature.file(&used.file).map_or(0, |f| f.document.line_of(used.digits.start) + 1);
        return Err(format!("US{new} is already used ({}, line {line})", used.file));
    }
    let mut edits: Vec<FileEdit> = occurrences
        .into_iter()
        .filter(|o| o.number == old)
        .map(|o| FileEdit { file: o.file, span: o.digits, new_text: new.to_string() })
        .collect();
    edits.sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
    // Headings share their digits with the mention inside them.
    edits.dedup_by(|a, b| a.file == b.file && a.span.intersects(b.span));
    Ok(edits)
}

/// Rename requirement `id` (at `span`, the cursor's occurrence) to
/// `new_name`, which must be a requirement ID no spec definition uses.
fn rename_requirement(
    feature: &Feature,
    id: Box<str>,
    span: Span,
    new_name: &str,
) -> Result<Vec<FileEdit>, String> {
    let new = new_name.trim();
    if parse_requirement_id(new) != Some(new.len()) {
        return Err(format!(
            "`{new}` is not a requirement ID: write an upper-case prefix naming a requirement (FR, SC, NFR, REQ), a hyphen and a number (FR-012)"
        ));
    }
    if *new == *id {
        return Ok(Vec::new());
    }
    if let Some((spec_file, spec)) = feature.spec()
        && let Some(taken) = spec.requirement(new)
    {
        return Err(format!(
            "{new} is already defined ({}, line {})",
            spec_file.rel,
            spec_file.document.line_of(taken.id_span.start) + 1
        ));
    }
    let target = Target::Requirement { id, span };
    Ok(collect(feature, &target)
        .into_iter()
        .map(|r| FileEdit { file: r.place.file, span: r.place.span, new_text: new.to_string() })
        .collect())
}

/// Edits that renumber spec.md's requirements in document order within
/// each family (`FR-001`, `FR-002`, ...; `SC-001`, ...), keeping the
/// family's digit width, at their definitions and at every reference
/// (references to a duplicated ID follow its first definition). Families
/// with IDs such as `FR-010a` or `FR-003.1` are left alone: their order
/// is the author's. Empty when every family is already in order.
pub fn renumber_requirements(feature: &Feature) -> Vec<FileEdit> {
    let Some((spec_file, spec)) = feature.spec() else { return Vec::new() };
    let mut families: Vec<(&str, Vec<&crate::model::spec::Requirement>)> = Vec::new();
    for requirement in &spec.requirements {
        let Some((prefix, _)) = split_plain_id(&requirement.id) else { continue };
        match families.iter_mut().find(|(p, _)| *p == prefix) {
            Some((_, members)) => members.push(requirement),
            None => families.push((prefix, vec![requirement])),
        }
    }
    let mut edits = Vec::new();
    for (prefix, members) in families {
        let irregular =
            spec.requirements.iter().any(|r| r.id.starts_with(prefix) && split_plain_id(&r.id).is_none());
        if irregular {
            continue;
        }
        let width = split_plain_id(&members[0].id).map_or(3, |(_, digits)| digits.len());
        let new_id = |i: usize| format!("{prefix}{:0width$}", i + 1);
        let mut first_new: Vec<(&str, String)> = Vec::new();
        for (i, requirement) in members.iter().enumerate() {
            if !first_new.iter().any(|(old, _)| *old == &*requirement.id) {
                first_new.push((&requirement.id, new_id(i)));
            }
            if *requirement.id != new_id(i) {
                edits.push(FileEdit {
                    file: spec_file.rel.clone(),
                    span: requirement.id_span,
                    new_text: new_id(i),
                });
            }
        }
        for (old, new) in first_new.into_iter().filter(|(old, new)| old != new) {
            let target = Target::Requirement { id: old.into(), span: Span::default() };
            edits.extend(
                collect(feature, &target).into_iter().filter(|r| !r.declaration).map(|r| FileEdit {
                    file: r.place.file,
                    span: r.place.span,
                    new_text: new.clone(),
                }),
            );
        }
    }
    edits.sort_by(|a, b| (&a.file, a.span.start).cmp(&(&b.file, b.span.start)));
    // A definition is also a mention of its own ID: keep one edit there.
    edits.dedup_by(|later, earlier| later.file == earlier.file && later.span == earlier.span);
    edits
}

/// `FR-` and `012` of `FR-012`: an ID whose number has nothing after it.
fn split_plain_id(id: &str) -> Option<(&str, &str)> {
    let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (prefix, number) = id.split_at(id.len() - digits);
    (digits > 0 && prefix.ends_with('-')).then_some((prefix, number))
}

/// A place naming a story by number.
#[derive(Clone, Debug)]
struct StoryOccurrence {
    file: Arc<str>,
    /// The whole mention, heading or phase title.
    whole: Span,
    /// The number's digits.
    digits: Span,
    number: u32,
}

/// Every place of the feature naming a story: the scanner's mentions in
/// every markdown document, spec.md's story headings and the phase titles
/// of tasks.md that name a story in words the scanner does not read as a
/// mention (`Story 2`, `用户故事 2`).
fn story_occurrences(feature: &Feature) -> Vec<StoryOccurrence> {
    let mut out = Vec::new();
    for (file, blocks) in feature.markdown_files() {
        for block in blocks.iter() {
            for mention in &block.scan.mentions {
                let MentionKind::Story { number } = mention.kind else { continue };
                let text = block.scan.slice(mention.span);
                let end = text.trim_end_matches(|c: char| !c.is_ascii_digit()).len();
                let start = text[..end].trim_end_matches(|c: char| c.is_ascii_digit()).len();
                let digits = Span::new(start, end).offset_by(block.abs(mention.span).start);
                out.push(StoryOccurrence {
                    file: file.rel.clone(),
                    whole: block.abs(mention.span),
                    digits,
                    number,
                });
            }
        }
    }
    let mut extra = Vec::new();
    if let Some((file, spec)) = feature.spec() {
        for story in &spec.stories {
            extra.extend(story.number.map(|n| (file, story.heading.cover(story.title_span), n)));
        }
    }
    if let Some((file, doc)) = feature.tasks() {
        extra.extend(doc.phases.iter().filter_map(|p| Some((file, p.title_span, p.story?))));
    }
    for (file, whole, number) in extra {
        // A heading whose `User Story 2` is a mention already: the same
        // digits, reachable from anywhere on the heading.
        let covered =
            out.iter().find(|o| o.file == file.rel && o.number == number && whole.intersects(o.whole));
        let digits = match covered {
            Some(mention) => Some(mention.digits),
            None => number_span_in(&file.document.slice(whole), number).map(|d| d.offset_by(whole.start)),
        };
        if let Some(digits) = digits {
            out.push(StoryOccurrence { file: file.rel.clone(), whole, digits, number });
        }
    }
    out
}

/// The digits in `text` that spell `number` as a story number: not glued
/// to a word before them (`P2`; `US2` is fine) or after them; preferably
/// right after a story word (`Phase 2: Story 2` names story 2 second).
fn number_span_in(text: &str, number: u32) -> Option<Span> {
    const STORY_WORDS: &[&str] = &["story", "us", "usuario", "usuário", "故事", "ストーリー"];
    let bytes = text.as_bytes();
    let mut candidates = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() {
            at += 1;
        }
        let before = text[..start].chars().next_back();
        let glued_before = before.is_some_and(|c| c.is_ascii_alphabetic() && !matches!(c, 'S' | 's'));
        let glued_after = bytes.get(at).is_some_and(|b| b.is_ascii_alphanumeric());
        if !glued_before && !glued_after && text[start..at].parse() == Ok(number) {
            candidates.push(Span::new(start, at));
        }
    }
    let after_story_word = |span: &&Span| {
        let lead = text[..span.start].trim_end_matches([' ', '-', '#', '\u{a0}']).to_lowercase();
        STORY_WORDS.iter().any(|w| lead.ends_with(w))
    };
    candidates.iter().find(after_story_word).or(candidates.first()).copied()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::apply_edits;
    use crate::testing::{feature_with_cursor, text_of};

    /// The renamed files (only those that changed), or the error.
    fn renamed(files: &[(&str, &str)], new_name: &str) -> String {
        let (feature, rel, offset) = feature_with_cursor(files);
        match rename(&feature, &rel, offset, new_name) {
            Ok(edits) => {
                let before = apply_edits(&feature, &[]);
                let mut shown = String::new();
                for (file, text) in apply_edits(&feature, &edits) {
                    if before[&file] != text {
                        // Carriage returns shown, so CRLF endings are checked.
                        shown.push_str(&format!("==> {file}\n{}", text.replace('\r', "\\r")));
                    }
                }
                shown
            }
            Err(message) => format!("error: {message}\n"),
        }
    }

    fn check(files: &[(&str, &str)], new_name: &str, expect: Expect) {
        expect.assert_eq(&renamed(files, new_name));
    }

    fn prepare(files: &[(&str, &str)]) -> String {
        let (feature, rel, offset) = feature_with_cursor(files);
        match prepare_rename(&feature, &rel, offset) {
            Ok(place) => format!("{} {:?}", place.file, text_of(&feature, &place.file, place.span)),
            Err(message) => format!("error: {message}"),
        }
    }

    const TASKS: &str = "\
## Phase 1: Setup
- [ ] T001 Create project in src/
- [ ] T002 [P] Configure lint (depends on T001)

## Phase 2: User Story 2 - Invite members (Priority: P1)
- [ ] T004 [US2] Model in src/models/invite.py (depends on T001)
- [ ] T005 [P] [US2] Service in src/services/invite.py
- [ ] T006 [US2] Endpoint in src/api/invite.py
- [ ] T007 [US2] Docs in docs/invite.md

## Dependencies

- T004-T007 after T002
- T004 blocks T005, T006

```
Launch T004-T006 together
```
";

    #[test]
    fn prepare_finds_ids_range_ends_and_story_numbers() {
        let with = |from: &str, to: &str| TASKS.replacen(from, to, 1);
        assert_eq!(prepare(&[("tasks.md", &with("- [ ] T004", "- [ ] T0$004"))]), r#"tasks.md "T004""#);
        assert_eq!(prepare(&[("tasks.md", &with("T004-T007", "T004-T0$007"))]), r#"tasks.md "T007""#);
        assert_eq!(prepare(&[("tasks.md", &with("T004 blocks", "T004$0 blocks"))]), r#"tasks.md "T004""#);
        assert_eq!(prepare(&[("tasks.md", &with("[US2] Model", "[$0US2] Model"))]), r#"tasks.md "2""#);
        assert_eq!(prepare(&[("tasks.md", &with("User Story 2", "User St$0ory 2"))]), r#"tasks.md "2""#);
        assert_eq!(
            prepare(&[("tasks.md", TASKS), ("spec.md", "### User Story 2 - Invite (Priority: P1)$0\n")]),
            r#"spec.md "2""#
        );
        assert_eq!(
            prepare(&[("tasks.md", TASKS), ("spec.md", "### 用户故事 2 — 邀请$0成员（Priority: P2）\n")]),
            r#"spec.md "2""#
        );
        assert_eq!(
            prepare(&[("tasks.md", &with("[P] Configure", "[$0P] Configure"))]),
            "error: Only task IDs, user stories and requirement IDs can be renamed"
        );
        assert_eq!(prepare(&[("tasks.md", &with("T004-T007", "T004$0-T007"))]), r#"tasks.md "T004""#);
        assert_eq!(
            prepare(&[("plan.md", "See T001 $0 and US2.\n")]),
            "error: Only task IDs, user stories and requirement IDs can be renamed"
        );
    }

    #[test]
    fn a_task_everywhere_including_ranges_and_code() {
        check(
            &[
                ("tasks.md", &TASKS.replacen("- [ ] T004", "- [ ] T0$004", 1)),
                ("plan.md", "# Plan\n\nT004 creates the model.\n"),
            ],
            "T003",
            expect![[r#"
                ==> plan.md
                # Plan

                T003 creates the model.
                ==> tasks.md
                ## Phase 1: Setup
                - [ ] T001 Create project in src/
                - [ ] T002 [P] Configure lint (depends on T001)

                ## Phase 2: User Story 2 - Invite members (Priority: P1)
                - [ ] T003 [US2] Model in src/models/invite.py (depends on T001)
                - [ ] T005 [P] [US2] Service in src/services/invite.py
                - [ ] T006 [US2] Endpoint in src/api/invite.py
                - [ ] T007 [US2] Docs in docs/invite.md

                ## Dependencies

                - T003-T007 after T002
                - T003 blocks T005, T006

                ```
                Launch T003-T006 together
                ```
            "#]],
        );
    }

    #[test]
    fn a_range_end_moved_past_the_other_end_becomes_a_list() {
        check(
            &[("tasks.md", &TASKS.replacen("T004 blocks", "T0$004 blocks", 1))],
            "T010",
            expect![[r#"
                ==> tasks.md
                ## Phase 1: Setup
                - [ ] T001 Create project in src/
                - [ ] T002 [P] Configure lint (depends on T001)

                ## Phase 2: User Story 2 - Invite members (Priority: P1)
                - [ ] T010 [US2] Model in src/models/invite.py (depends on T001)
                - [ ] T005 [P] [US2] Service in src/services/invite.py
                - [ ] T006 [US2] Endpoint in src/api/invite.py
                - [ ] T007 [US2] Docs in docs/invite.md

                ## Dependencies

                - T005-T007, T010 after T002
                - T010 blocks T005, T006

                ```
                Launch T005, T006, T010 together
                ```
            "#]],
        );
    }

    #[test]
    fn a_middle_member_moved_out_of_a_range() {
        check(
            &[("tasks.md", &TASKS.replacen("T005 [P]", "T00$05 [P]", 1))],
            "T004a",
            expect![[r#"
                ==> tasks.md
                ## Phase 1: Setup
                - [ ] T001 Create project in src/
                - [ ] T002 [P] Configure lint (depends on T001)

                ## Phase 2: User Story 2 - Invite members (Priority: P1)
                - [ ] T004 [US2] Model in src/models/invite.py (depends on T001)
                - [ ] T004a [P] [US2] Service in src/services/invite.py
                - [ ] T006 [US2] Endpoint in src/api/invite.py
                - [ ] T007 [US2] Docs in docs/invite.md

                ## Dependencies

                - T004-T007 after T002
                - T004 blocks T004a, T006

                ```
                Launch T004-T006 together
                ```
            "#]],
        );
        check(
            &[("tasks.md", &TASKS.replacen("T005 [P]", "T00$05 [P]", 1))],
            "T020",
            expect![[r#"
                ==> tasks.md
                ## Phase 1: Setup
                - [ ] T001 Create project in src/
                - [ ] T002 [P] Configure lint (depends on T001)

                ## Phase 2: User Story 2 - Invite members (Priority: P1)
                - [ ] T004 [US2] Model in src/models/invite.py (depends on T001)
                - [ ] T020 [P] [US2] Service in src/services/invite.py
                - [ ] T006 [US2] Endpoint in src/api/invite.py
                - [ ] T007 [US2] Docs in docs/invite.md

                ## Dependencies

                - T004, T006, T007, T020 after T002
                - T004 blocks T020, T006

                ```
                Launch T004, T006, T020 together
                ```
            "#]],
        );
    }

    #[test]
    fn invalid_or_taken_names_are_refused() {
        let files = [("tasks.md", "- [ ] T0$001 a\n- [ ] T002 b\n- [ ] T002a c\n")];
        check(
            &files,
            "T1x",
            expect![[r#"
            error: `T1x` is not a task ID: write T and at least three digits, optionally a letter (T012, T012a)
        "#]],
        );
        check(
            &files,
            "T0 12",
            expect![[r#"
            error: `T0 12` is not a task ID: it contains a space
        "#]],
        );
        check(
            &files,
            "",
            expect![[r#"
            error: The new task ID is empty
        "#]],
        );
        check(
            &files,
            "T01",
            expect![[r#"
            error: `T01` is not a task ID: write T and at least three digits, optionally a letter (T012, T012a)
        "#]],
        );
        check(
            &files,
            "T02",
            expect![[r#"
            error: `T02` is not a task ID: write T and at least three digits, optionally a letter (T012, T012a)
        "#]],
        );
        check(
            &files,
            "T002A",
            expect![[r#"
            error: T002A is already the ID of another task (tasks.md, line 3)
        "#]],
        );
        check(&files, "T001", expect![""]);
        check(
            &files,
            " T012b ",
            expect![[r#"
            ==> tasks.md
            - [ ] T012b a
            - [ ] T002 b
            - [ ] T002a c
        "#]],
        );
        check(
            &files,
            "T002.5",
            expect![[r#"
            ==> tasks.md
            - [ ] T002.5 a
            - [ ] T002 b
            - [ ] T002a c
        "#]],
        );
    }

    #[test]
    fn duplicates_and_unknown_references() {
        let tasks = "- [ ] T001 a\n- [ ] T001 b\n- [ ] T002 c (depends on T001, T009)\n";
        // The later duplicate's definition: only it changes.
        check(
            &[("tasks.md", &tasks.replacen("T001 b", "T001$0 b", 1))],
            "T003",
            expect![[r#"
                ==> tasks.md
                - [ ] T001 a
                - [ ] T003 b
                - [ ] T002 c (depends on T001, T009)
            "#]],
        );
        // A reference means the first.
        check(
            &[("tasks.md", &tasks.replacen("on T001", "on T001$0", 1))],
            "T000",
            expect![[r#"
                ==> tasks.md
                - [ ] T000 a
                - [ ] T001 b
                - [ ] T002 c (depends on T000, T009)
            "#]],
        );
        // An ID no task has: its references.
        check(
            &[("tasks.md", &tasks.replacen("T009", "T0$009", 1)), ("plan.md", "T009 later\n")],
            "T004",
            expect![[r#"
                ==> plan.md
                T004 later
                ==> tasks.md
                - [ ] T001 a
                - [ ] T001 b
                - [ ] T002 c (depends on T001, T004)
            "#]],
        );
    }

    const SPEC: &str = "\
# Spec

### User Story 1 - Sign in (Priority: P1)

### User Story 2 - Invite members (Priority: P2)

Builds on US1. US2 is independent.
";

    #[test]
    fn a_story_everywhere() {
        let expected = expect![[r#"
            ==> spec.md
            # Spec

            ### User Story 1 - Sign in (Priority: P1)

            ### User Story 5 - Invite members (Priority: P2)

            Builds on US1. US5 is independent.
            ==> tasks.md
            ## Phase 1: Setup
            - [ ] T001 Create project in src/
            - [ ] T002 [P] Configure lint (depends on T001)

            ## Phase 2: User Story 5 - Invite members (Priority: P1)
            - [ ] T004 [US5] Model in src/models/invite.py (depends on T001)
            - [ ] T005 [P] [US5] Service in src/services/invite.py
            - [ ] T006 [US5] Endpoint in src/api/invite.py
            - [ ] T007 [US5] Docs in docs/invite.md

            ## Dependencies

            - T004-T007 after T002
            - T004 blocks T005, T006

            ```
            Launch T004-T006 together
            ```
        "#]];
        let from_label = renamed(
            &[("tasks.md", &TASKS.replacen("[US2] Model", "[US2$0] Model", 1)), ("spec.md", SPEC)],
            "US5",
        );
        let from_spec =
            renamed(&[("tasks.md", TASKS), ("spec.md", &SPEC.replacen("Story 2", "Story $02", 1))], "5");
        let from_phase =
            renamed(&[("tasks.md", &TASKS.replacen("Story 2", "Story 2$0", 1)), ("spec.md", SPEC)], "us5");
        assert_eq!(from_label, from_spec);
        assert_eq!(from_label, from_phase);
        expected.assert_eq(&from_label);
    }

    #[test]
    fn a_renamed_story_reparses_as_that_story_everywhere() {
        use crate::testing::feature as parse;
        let files = [("tasks.md", &*TASKS.replacen("[US2] Model", "[US2$0] Model", 1)), ("spec.md", SPEC)];
        let (feature, rel, offset) = feature_with_cursor(&files);
        let texts = apply_edits(&feature, &rename(&feature, &rel, offset, "7").unwrap());
        let after = parse(&[("tasks.md", &texts["tasks.md"]), ("spec.md", &texts["spec.md"])]);
        let (_, tasks) = after.tasks().unwrap();
        let (_, spec) = after.spec().unwrap();
        let stories: Vec<Option<u32>> = tasks.tasks.iter().map(|t| t.story()).collect();
        assert_eq!(stories, [None, None, Some(7), Some(7), Some(7), Some(7)]);
        assert_eq!(tasks.phases[1].story, Some(7));
        assert!(spec.story(7).is_some() && spec.story(2).is_none() && spec.story(1).is_some());
    }

    #[test]
    fn story_names_that_are_taken_or_invalid() {
        let files = [("tasks.md", &*TASKS.replacen("[US2] Model", "[US2$0] Model", 1)), ("spec.md", SPEC)];
        check(
            &files,
            "US1",
            expect![[r#"
            error: User Story 1 already exists (spec.md, line 3)
        "#]],
        );
        check(
            &files,
            "US 3",
            expect![[r#"
            error: `US 3` is not a story number: write a number or USn (3, US3)
        "#]],
        );
        check(
            &files,
            "0",
            expect![[r#"
            error: `0` is not a story number: write a number or USn (3, US3)
        "#]],
        );
        check(&files, "2", expect![""]);
        let no_spec = [("tasks.md", "- [ ] T001 [US1$0] a\n- [ ] T002 [US3] b\n")];
        check(
            &no_spec,
            "3",
            expect![[r#"
            error: US3 is already used (tasks.md, line 2)
        "#]],
        );
    }

    #[test]
    fn story_headings_without_a_mention_and_phase_titles_in_other_words() {
        check(
            &[
                ("spec.md", "### 用户故事 2 — 邀请成员（Priority: P2）\r\n\r\n内容 US2\r\n"),
                ("tasks.md", "## Phase 2: Story 2 – Invitar 🎯\r\n- [ ] T001 [US2$0] Crear módulo\r\n"),
            ],
            "4",
            expect![[r#"
                ==> spec.md
                ### 用户故事 4 — 邀请成员（Priority: P2）\r
                \r
                内容 US4\r
                ==> tasks.md
                ## Phase 2: Story 4 – Invitar 🎯\r
                - [ ] T001 [US4] Crear módulo\r
            "#]],
        );
    }

    #[test]
    fn a_requirement_in_spec_tasks_checklists_and_contracts() {
        let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: Owners MUST invite.\n- **FR-002**: Like FR-001, for admins.\n- **FR-0010**: Unrelated.\n";
        let tasks = "## Phase 1\n\n- [ ] T001 Implement FR-001 in src/a.py\n";
        let checklist = "# UX\n\n- [ ] CHK001 Is invite clear? [Spec §FR-0$001]\n";
        let openapi = "openapi: 3.0.3\ninfo:\n  description: Implements FR-001 (not XFR-001, FR-0010)\n";
        check(
            &[
                ("spec.md", spec),
                ("tasks.md", tasks),
                ("checklists/ux.md", checklist),
                ("contracts/api.yaml", openapi),
            ],
            "FR-012",
            expect![[r#"
                ==> checklists/ux.md
                # UX

                - [ ] CHK001 Is invite clear? [Spec §FR-012]
                ==> contracts/api.yaml
                openapi: 3.0.3
                info:
                  description: Implements FR-012 (not XFR-001, FR-0010)
                ==> spec.md
                # Spec

                ## Requirements

                - **FR-012**: Owners MUST invite.
                - **FR-002**: Like FR-012, for admins.
                - **FR-0010**: Unrelated.
                ==> tasks.md
                ## Phase 1

                - [ ] T001 Implement FR-012 in src/a.py
            "#]],
        );
        let files = [("spec.md", spec), ("checklists/ux.md", checklist)];
        check(
            &files,
            "FR-002",
            expect![[r#"
            error: FR-002 is already defined (spec.md, line 6)
        "#]],
        );
        check(
            &files,
            "fr 12",
            expect![[r#"
            error: `fr 12` is not a requirement ID: write an upper-case prefix naming a requirement (FR, SC, NFR, REQ), a hyphen and a number (FR-012)
        "#]],
        );
        check(&files, "FR-001", expect![""]);
        assert_eq!(prepare(&files), r#"checklists/ux.md "FR-001""#);
    }

    fn renumbered(files: &[(&str, &str)]) -> String {
        let feature = crate::testing::feature(files);
        let edits = renumber_requirements(&feature);
        let before = apply_edits(&feature, &[]);
        let mut shown = String::new();
        for (file, text) in apply_edits(&feature, &edits) {
            if before[&file] != text {
                shown.push_str(&format!("==> {file}\n{text}"));
            }
        }
        shown
    }

    #[test]
    fn requirements_renumbered_in_order_with_their_references() {
        let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: A.\n- **FR-003**: B, unlike FR-001.\n- **FR-005**: C.\n- **FR-005**: D.\n\n## Success Criteria\n\n- **SC-1**: E.\n- **SC-2**: F.\n";
        let tasks = "## Phase 1\n\n- [ ] T001 Implement FR-003 and FR-005 in src/a.py\n";
        let checklist = "# UX\n\n- [ ] CHK001 Is B clear? [Spec §FR-003]\n";
        expect![[r#"
            ==> checklists/ux.md
            # UX

            - [ ] CHK001 Is B clear? [Spec §FR-002]
            ==> spec.md
            # Spec

            ## Requirements

            - **FR-001**: A.
            - **FR-002**: B, unlike FR-001.
            - **FR-003**: C.
            - **FR-004**: D.

            ## Success Criteria

            - **SC-1**: E.
            - **SC-2**: F.
            ==> tasks.md
            ## Phase 1

            - [ ] T001 Implement FR-002 and FR-003 in src/a.py
        "#]]
        .assert_eq(&renumbered(&[("spec.md", spec), ("tasks.md", tasks), ("checklists/ux.md", checklist)]));
        let in_order = "## Requirements\n\n- **FR-001**: A.\n- **FR-002**: B.\n";
        assert_eq!(renumbered(&[("spec.md", in_order)]), "");
        let sub_numbered = "## Requirements\n\n- **FR-001**: A.\n- **FR-003**: B.\n- **FR-003a**: C.\n";
        assert_eq!(renumbered(&[("spec.md", sub_numbered)]), "", "a family with sub-IDs keeps its numbers");
    }

    #[test]
    fn crlf_and_multibyte_text() {
        check(
            &[(
                "tasks.md",
                "## Fase 1 — Configuración\r\n- [ ] T001 Crear 日本語 módulo 😀\r\n- [ ] T002 Añadir (depends on T0$001)\r\n\r\nT001–T002 antes de T003\r\n- [ ] T003 Último\r\n",
            )],
            "T010",
            expect![[r#"
                ==> tasks.md
                ## Fase 1 — Configuración\r
                - [ ] T010 Crear 日本語 módulo 😀\r
                - [ ] T002 Añadir (depends on T010)\r
                \r
                T002, T010 antes de T003\r
                - [ ] T003 Último\r
            "#]],
        );
    }

    #[test]
    fn renamed_and_reparsed_the_model_has_the_new_id_and_the_same_edges() {
        use crate::ide::renumber::tests::edge_indices;
        use crate::testing::feature as parse;
        let files = [("tasks.md", &*TASKS.replacen("T005 [P]", "T00$05 [P]", 1))];
        let (feature, rel, offset) = feature_with_cursor(&files);
        let edits = rename(&feature, &rel, offset, "T020").unwrap();
        let texts = apply_edits(&feature, &edits);
        let after = parse(&[("tasks.md", &texts["tasks.md"])]);
        let (_, old) = feature.tasks().unwrap();
        let (_, new) = after.tasks().unwrap();
        let ids: Vec<&str> = new.tasks.iter().map(|t| &*t.id().text).collect();
        assert_eq!(ids, ["T001", "T002", "T004", "T020", "T006", "T007"]);
        assert!(!edge_indices(old).is_empty());
        assert_eq!(edge_indices(old), edge_indices(new));
    }
}
