//! Completion in the documents of a feature:
//!
//! - after `- [ ] ` on a task line of tasks.md: the next free task ID (the
//!   one after the previous task's, when free; else the one after all);
//! - after a task's ID (`- [ ] T012 `, `- [ ] T012 [P] `): `[P]` and the
//!   story labels of spec.md with their titles, the phase's story first;
//! - task IDs with their descriptions after a dependency word
//!   (`(depends on T001, `), in the prose sections of tasks.md
//!   (Dependencies, Execution Order) and after `T004-` in a range;
//! - paths from plan.md's Project Structure and paths already named in the
//!   feature, when the word being typed holds a `/` or follows "in ";
//! - after `§` (a checklist's `[Spec §FR-001]`, in any document): the
//!   spec's requirement IDs with their text, then its acceptance scenarios
//!   (`US1/AC2`).
//!
//! Every item replaces the whole word being typed (the part before the
//! cursor and the rest of the word after it).

use std::collections::HashSet;

use crate::model::blocks::BlockList;
use crate::model::feature::Feature;
use crate::model::ids::{TaskKey, parse_story_label, parse_task_id};
use crate::model::scan::MentionKind;
use crate::model::tasks::phase_title::{is_prose_section, parse_phase_title};
use crate::model::tasks::{Task, TasksDoc};
use crate::syntax::BlockKind;
use crate::text::Span;

/// What a completion item stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompletionKind {
    /// The ID of a new task.
    NewTaskId,
    /// An existing task, named by its ID.
    Task,
    /// `[P]` or a story label `[USn]`.
    Label,
    /// A file or directory path.
    Path,
    /// A requirement ID or an acceptance scenario, cited after `§`.
    Requirement,
}

/// One completion: `insert` replaces `replace` (a span of the file the
/// completion was asked in). Items come in the order to show them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    pub label: String,
    pub detail: Option<String>,
    pub insert: String,
    pub replace: Span,
    pub kind: CompletionKind,
}

/// At most this many task IDs are offered at once. A 50,000-task file
/// offered every ID on each keystroke (28 ms to build, megabytes to send);
/// past this many, the IDs that start with what is typed are offered and
/// the list is marked incomplete, so the editor asks again as typing goes
/// on.
pub const MAX_TASK_ITEMS: usize = 200;

/// Completions at `offset` of the file `rel`; empty where none apply.
/// Past [`MAX_TASK_ITEMS`] task IDs, one item more than the cap says the
/// list was cut (see [`is_cut`]).
pub fn completions(feature: &Feature, rel: &str, offset: usize) -> Vec<CompletionItem> {
    let Some(file) = feature.file(rel).filter(|f| f.is_markdown()) else { return Vec::new() };
    let document = &file.document;
    let line_span = document.line_span(document.line_of(offset));
    let offset = offset.clamp(line_span.start, line_span.end);
    let text = document.slice(line_span);
    let Some((before, after)) = text.split_at_checked(offset - line_span.start) else { return Vec::new() };
    let line = Line { before, after, cursor: offset };
    let tasks = feature.tasks().filter(|(f, _)| f.rel == file.rel);
    if let Some((tasks_file, doc)) = tasks
        && let Some(blocks) = tasks_file.blocks.as_deref()
    {
        if let Some(items) = new_task_id(doc, &line, line_span) {
            return items;
        }
        if let Some(items) = labels(feature, doc, &line) {
            return items;
        }
        let items = task_references(blocks, doc, &line, line_span);
        if !items.is_empty() {
            return items;
        }
    }
    if let Some(items) = citations(feature, &line) {
        return items;
    }
    paths(feature, rel, &line)
}

/// Whether a list from [`completions`] was cut at [`MAX_TASK_ITEMS`] task
/// IDs; the items past the cap are dropped.
pub fn is_cut(items: &mut Vec<CompletionItem>) -> bool {
    let cut = items.len() > MAX_TASK_ITEMS && items.iter().all(|i| i.kind == CompletionKind::Task);
    if cut {
        items.truncate(MAX_TASK_ITEMS);
    }
    cut
}

/// Characters of a requirement's text in a completion's detail.
const DETAIL_CHARS: usize = 60;

/// After `§`: the requirements of spec.md (`FR-001`, `SC-002`), then the
/// acceptance scenarios of its numbered stories (`US1/AC2`), filtered by
/// what is typed. `None` when the word being typed does not follow a `§`.
fn citations(feature: &Feature, line: &Line) -> Option<Vec<CompletionItem>> {
    let is_citation_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '.');
    let typed = suffix(line.before, is_citation_char);
    line.before[..line.before.len() - typed.len()].strip_suffix('§')?;
    let (_, spec) = feature.spec()?;
    let replace = line.word_span(typed, is_citation_char);
    let mut candidates: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for requirement in spec.requirements.iter().filter(|r| seen.insert(r.id.clone())) {
        let text: String = requirement.text.chars().take(DETAIL_CHARS).collect();
        let cut = if requirement.text.chars().count() > DETAIL_CHARS { "…" } else { "" };
        candidates.push((requirement.id.to_string(), format!("{text}{cut}")));
    }
    for story in &spec.stories {
        let Some(number) = story.number else { continue };
        for scenario in 1..=story.scenarios.len() {
            candidates
                .push((format!("US{number}/AC{scenario}"), format!("{}, scenario {scenario}", story.title)));
        }
    }
    let wanted = typed.to_ascii_uppercase();
    Some(
        candidates
            .into_iter()
            .filter(|(id, _)| id.starts_with(&wanted))
            .map(|(id, detail)| CompletionItem {
                insert: line.spaced(&id, replace),
                label: id,
                detail: Some(detail),
                replace,
                kind: CompletionKind::Requirement,
            })
            .collect(),
    )
}

/// The cursor's line, split at the cursor.
struct Line<'a> {
    before: &'a str,
    after: &'a str,
    /// The cursor's byte offset in the file.
    cursor: usize,
}

impl Line<'_> {
    /// `text`, followed by a space when a word follows right after what it
    /// replaces (`- [ ] |Create` gets `T003 Create`; `(depends on |)` gets
    /// no space).
    fn spaced(&self, text: &str, replace: Span) -> String {
        let next = self.after[replace.end - self.cursor..].chars().next();
        if next.is_some_and(char::is_alphanumeric) { format!("{text} ") } else { text.to_string() }
    }

    /// The span of the word being typed: the last `typed` bytes before the
    /// cursor and the bytes after it that `continues` accepts. Nothing
    /// typed yet: an insertion at the cursor (the word after it stays).
    fn word_span(&self, typed: &str, continues: impl Fn(char) -> bool) -> Span {
        if typed.is_empty() {
            return Span::empty(self.cursor);
        }
        let rest = self.after.len() - self.after.trim_start_matches(continues).len();
        Span::new(self.cursor - typed.len(), self.cursor + rest)
    }
}

/// The longest suffix of `text` whose characters `part` accepts.
fn suffix(text: &str, part: impl Fn(char) -> bool) -> &str {
    &text[text.trim_end_matches(part).len()..]
}

fn is_id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '.'
}

/// Where the text after a task line's checkbox starts (`- [ ] `, `* [x] `,
/// `1. [ ] `), if `line` starts as a task line.
fn after_checkbox(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut at = line.len() - line.trim_start_matches([' ', '\t', '>']).len();
    match bytes.get(at)? {
        b'-' | b'*' | b'+' => at += 1,
        b'0'..=b'9' => {
            at += bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
            if !matches!(bytes.get(at), Some(b'.' | b')')) {
                return None;
            }
            at += 1;
        }
        _ => return None,
    }
    let spaces = bytes[at..].iter().take_while(|&&b| b == b' ').count();
    if spaces == 0 || bytes.get(at + spaces) != Some(&b'[') {
        return None;
    }
    at += spaces + 1;
    let mark = line[at..].chars().next()?;
    at += mark.len_utf8();
    if bytes.get(at) != Some(&b']') {
        return None;
    }
    at += 1;
    let spaces = bytes[at..].iter().take_while(|&&b| b == b' ').count();
    (spaces > 0).then_some(at + spaces)
}

/// The usual width of the document's IDs, as renumbering uses it.
fn width(doc: &TasksDoc) -> usize {
    super::renumber::id_width(doc)
}

/// `- [ ] T0|`: the next free ID.
fn new_task_id(doc: &TasksDoc, line: &Line, line_span: Span) -> Option<Vec<CompletionItem>> {
    let head = after_checkbox(line.before)?;
    let typed = &line.before[head..];
    if !typed.chars().all(is_id_char) || !(typed.is_empty() || typed.starts_with(['T', 't'])) {
        return None;
    }
    // The task on this very line (an ID being retyped) does not count.
    let others = || doc.tasks.iter().filter(|t| !line_span.touches(t.id_span().start));
    // A sorted list, not a hash set: one pass of cheap work per task.
    let mut taken: Vec<u32> = others().map(|t| t.key().number).collect();
    taken.sort_unstable();
    let is_taken = |number: u32| taken.binary_search(&number).is_ok();
    let previous = others().rfind(|t| t.id_span().start < line_span.start);
    let after_all = taken.last().map_or(1, |n| n + 1);
    let number = match previous {
        Some(task) if !is_taken(task.key().number + 1) => task.key().number + 1,
        Some(_) => after_all,
        None if !is_taken(1) => 1,
        None => after_all,
    };
    let id = format!("T{number:0width$}", width = width(doc));
    let detail = match previous {
        Some(task) => format!("next free task ID (after {})", task.id()),
        None => "next free task ID".to_string(),
    };
    let replace = line.word_span(typed, is_id_char);
    Some(vec![CompletionItem {
        insert: line.spaced(&id, replace),
        label: id,
        detail: Some(detail),
        replace,
        kind: CompletionKind::NewTaskId,
    }])
}

/// `- [ ] T012 |`, `- [ ] T012 [P] [U|`: `[P]` and story labels.
fn labels(feature: &Feature, doc: &TasksDoc, line: &Line) -> Option<Vec<CompletionItem>> {
    let head = after_checkbox(line.before)?;
    let rest = &line.before[head..];
    let (_, id_len) = parse_task_id(rest.trim_start_matches('*'), true)?;
    let mut at = rest.len() - rest.trim_start_matches('*').len() + id_len;
    at += rest[at..].len() - rest[at..].trim_start_matches('*').len();
    let mut written = Vec::new();
    loop {
        let spaces = rest[at..].len() - rest[at..].trim_start_matches(' ').len();
        if spaces == 0 {
            break;
        }
        at += spaces;
        let Some(close) = rest[at..].strip_prefix('[').and_then(|r| r.find(']')) else { break };
        written.push(&rest[at + 1..at + 1 + close]);
        at += close + 2;
    }
    let typed = &rest[at..];
    let word_ok = typed.strip_prefix('[').unwrap_or(typed).chars().all(|c| c.is_ascii_alphanumeric());
    if !rest[..at].ends_with(' ') || !word_ok {
        return None;
    }
    let mut replace = line.word_span(typed, |c| c.is_ascii_alphanumeric());
    if typed.starts_with('[') && line.after[replace.end - line.cursor..].starts_with(']') {
        replace.end += 1; // the bracket an editor closed by itself
    }
    let has_story = written.iter().any(|l| parse_story_label(l).is_some_and(|(_, len)| len == l.len()));
    let mut items = Vec::new();
    if !written.contains(&"P") && !has_story {
        items.push(CompletionItem {
            label: "[P]".into(),
            detail: Some("parallel: touches other files than the tasks beside it, no open dependency".into()),
            insert: line.spaced("[P]", replace),
            replace,
            kind: CompletionKind::Label,
        });
    }
    if !has_story {
        let phase_story = doc.phase_at(line.cursor).and_then(|p| doc.phases[p].story);
        let mut stories = story_labels(feature, doc);
        // Stable: the phase's story first, the others in spec order.
        stories.sort_by_key(|(number, _)| Some(*number) != phase_story);
        items.extend(stories.into_iter().map(|(number, detail)| CompletionItem {
            label: format!("[US{number}]"),
            detail: Some(detail),
            insert: line.spaced(&format!("[US{number}]"), replace),
            replace,
            kind: CompletionKind::Label,
        }));
    }
    Some(items)
}

/// Story numbers with a description: spec.md's numbered stories ("Login
/// (P1)"), or without a spec the story phases of tasks.md.
fn story_labels(feature: &Feature, doc: &TasksDoc) -> Vec<(u32, String)> {
    let mut seen = HashSet::new();
    if let Some((_, spec)) = feature.spec() {
        let stories: Vec<(u32, String)> = spec
            .stories
            .iter()
            .filter_map(|story| {
                let number = story.number.filter(|n| seen.insert(*n))?;
                let detail = match story.priority {
                    Some(p) => format!("{} (P{p})", story.title),
                    None => story.title.to_string(),
                };
                Some((number, detail))
            })
            .collect();
        if !stories.is_empty() {
            return stories;
        }
    }
    doc.phases
        .iter()
        .filter_map(|phase| phase.story.filter(|n| seen.insert(*n)).map(|n| (n, phase.title.to_string())))
        .collect()
}

/// Words after which task IDs name dependencies.
const DEPENDENCY_WORDS: &[&str] = &[
    "depends on",
    "depend on",
    "depends upon",
    "dependent on",
    "depending on",
    "dependencies",
    "dependency",
    "depends:",
    "requires",
    "required by",
    "blocked by",
    "blocks",
    "after",
    "before",
    "needs",
    "waits for",
    "depende de",
    "antes de",
    "después de",
    "→",
    "->",
];

/// Task IDs: in dependency lists, prose sections and ranges.
fn task_references(blocks: &BlockList, doc: &TasksDoc, line: &Line, line_span: Span) -> Vec<CompletionItem> {
    let typed = suffix(line.before, is_id_char);
    let id_like = typed.is_empty()
        || typed.strip_prefix('T').is_some_and(|rest| !rest.starts_with(|c: char| c.is_ascii_alphabetic()));
    if !id_like {
        return Vec::new();
    }
    let before_word = &line.before[..line.before.len() - typed.len()];
    let range_start = range_start(before_word);
    let in_list = after_dependency_word(before_word);
    let in_prose = !typed.is_empty() && in_prose_section(blocks, line.cursor);
    if range_start.is_none() && !in_list && !in_prose {
        return Vec::new();
    }
    let own = doc.task_at(line.cursor).filter(|&i| line_span.touches(doc.tasks[i].id_span().start));
    // `depends on T001, ` does not offer T001 again, nor `T017 blocks `
    // T017: what the line already names is not a candidate.
    let mut seen: HashSet<TaskKey> = ids_written(before_word).collect();
    let replace = line.word_span(typed, is_id_char);
    let candidates: Vec<&Task> = doc
        .tasks
        .iter()
        .enumerate()
        .filter(|(i, task)| {
            seen.insert(task.key()) && Some(*i) != own && range_start.is_none_or(|first| task.key() > first)
        })
        .map(|(_, task)| task)
        .collect();
    let many = candidates.len() > MAX_TASK_ITEMS;
    candidates
        .into_iter()
        .filter(|task| !many || task.id().text.starts_with(typed))
        .take(MAX_TASK_ITEMS + 1)
        .map(|task| CompletionItem {
            label: task.id().text.to_string(),
            detail: Some(task.description().to_string()),
            insert: line.spaced(&task.id().text, replace),
            replace,
            kind: CompletionKind::Task,
        })
        .collect()
}

/// The task IDs written in `text`, at word starts.
fn ids_written(text: &str) -> impl Iterator<Item = TaskKey> + '_ {
    text.char_indices()
        .filter(|&(at, c)| c == 'T' && !text[..at].ends_with(|p: char| p.is_alphanumeric() || p == '_'))
        .filter_map(|(at, _)| parse_task_id(&text[at..], false).map(|(id, _)| id.key))
}

/// `T004-`, `T004–`, `T004..`: the first ID of a range being written.
fn range_start(before_word: &str) -> Option<TaskKey> {
    let trimmed = before_word.trim_end_matches(' ');
    let rest = ["-", "–", "—", ".."].iter().find_map(|c| trimmed.strip_suffix(c))?;
    let rest = rest.trim_end_matches(' ');
    let word = suffix(rest, |c| is_id_char(c) || c == '-');
    let word = word.trim_start_matches(|c: char| !c.is_ascii_alphanumeric());
    let (id, len) = parse_task_id(word, true)?;
    (len == word.len()).then_some(id.key)
}

/// The text since the last dependency word on the line is a list of IDs
/// so far: `(depends on T001, `, `T004 blocks T005 and `.
fn after_dependency_word(before_word: &str) -> bool {
    let lower = before_word.to_ascii_lowercase();
    let Some(end) = DEPENDENCY_WORDS.iter().filter_map(|w| lower.rfind(w).map(|at| at + w.len())).max()
    else {
        return false;
    };
    before_word[end..]
        .split([' ', ',', '(', ')', ':', '*', '`', '&', ';', '/'])
        .filter(|token| !token.is_empty())
        .all(|token| matches!(token, "and" | "or" | "y") || is_ids(token))
}

/// `T001`, `T004-T007`, `T004–T007`.
fn is_ids(token: &str) -> bool {
    let whole = |t: &str| parse_task_id(t, true).is_some_and(|(_, len)| len == t.len());
    whole(token)
        || ["-", "–", "—"].iter().any(|c| token.split_once(c).is_some_and(|(a, b)| whole(a) && whole(b)))
}

/// Whether `offset` lies under a prose heading of tasks.md (Dependencies,
/// Execution Order, Parallel Example...), as the model decides it.
fn in_prose_section(blocks: &BlockList, offset: usize) -> bool {
    let mut open: Vec<(u8, bool)> = Vec::new();
    for block in blocks.iter().take_while(|b| b.start <= offset) {
        if let Some(heading) = &block.scan.heading {
            open.retain(|(level, _)| *level < heading.level);
            let prose = parse_phase_title(&heading.title).is_none() && is_prose_section(&heading.title);
            open.push((heading.level, prose));
        }
    }
    open.iter().any(|(_, prose)| *prose)
}

/// Paths from plan.md's Project Structure and paths used in the feature.
fn paths(feature: &Feature, rel: &str, line: &Line) -> Vec<CompletionItem> {
    let is_path_char = |c: char| !c.is_whitespace() && !"`\"'()[]<>,;".contains(c);
    let typed = suffix(line.before, is_path_char);
    let before_word =
        line.before[..line.before.len() - typed.len()].trim_end_matches('`').to_ascii_lowercase();
    let after_in =
        before_word.strip_suffix("in ").is_some_and(|b| !b.ends_with(|c: char| c.is_alphanumeric()));
    if !typed.contains('/') && !after_in {
        return Vec::new();
    }
    let mut candidates: Vec<(String, String)> = Vec::new();
    if let Some((plan_file, plan)) = feature.plan() {
        for path in plan.source_paths() {
            candidates.push((path.path.to_string(), format!("{} project structure", plan_file.rel)));
        }
    }
    let replace = line.word_span(typed, is_path_char);
    let plan_rel = feature.plan().map(|(f, _)| f.rel.clone());
    for (file, blocks) in feature.markdown_files() {
        for block in blocks.iter() {
            // The plan's trees name entries relative to their parents: its
            // full paths came from the structure above.
            if Some(&file.rel) == plan_rel.as_ref() && block.scan.kind == BlockKind::Code {
                continue;
            }
            for mention in &block.scan.mentions {
                let MentionKind::Path { path } = &mention.kind else { continue };
                let span = block.abs(mention.span);
                // Not the word being typed itself.
                if *file.rel != *rel || !(span.touches(replace.start) || span.touches(replace.end)) {
                    candidates.push((path.to_string(), format!("used in {}", file.rel)));
                }
            }
        }
    }
    let mut seen = HashSet::new();
    let wanted = typed.to_ascii_lowercase();
    candidates
        .into_iter()
        .filter(|(path, _)| seen.insert(path.clone()) && path.to_ascii_lowercase().contains(&wanted))
        .map(|(path, detail)| CompletionItem {
            insert: line.spaced(&path, replace),
            label: path,
            detail: Some(detail),
            replace,
            kind: CompletionKind::Path,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::{feature_with_cursor, text_of};

    /// One item a line: kind, label, detail and the text it replaces.
    fn check(files: &[(&str, &str)], expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(files);
        let mut shown = String::new();
        for item in completions(&feature, &rel, offset) {
            assert_eq!(item.label, item.insert.trim_end(), "items insert their label");
            let replaced = text_of(&feature, &rel, item.replace);
            let detail = item.detail.unwrap_or_default();
            let spaced = if item.insert.ends_with(' ') { " + space" } else { "" };
            shown.push_str(&format!(
                "{:?} {}{spaced} — {detail} (replaces {replaced:?})\n",
                item.kind, item.label
            ));
        }
        expect.assert_eq(&shown);
    }

    const SPEC: &str = "\
# Spec

### User Story 1 - Sign in (Priority: P1)

### User Story 2 - Invite members (Priority: P2)

### User Story 3 - Audit log
";

    const PLAN: &str = "\
# Plan

## Project Structure

```text
src/
├── models/
│   └── user.py
└── services/
tests/
└── unit/
```
";

    fn tasks(middle: &str) -> String {
        format!(
            "## Phase 1: Setup\n- [ ] T001 Create project in src/\n- [ ] T002 Configure lint\n\n\
             ## Phase 2: User Story 2 - Invite (Priority: P2)\n{middle}\n- [ ] T005 [US2] Model in src/models/invite.py\n\n\
             ## Dependencies\n\n- T001 before T002\n"
        )
    }

    #[test]
    fn the_next_free_id_after_the_checkbox() {
        check(
            &[("tasks.md", &tasks("- [ ] $0"))],
            expect![[r#"
            NewTaskId T003 — next free task ID (after T002) (replaces "")
        "#]],
        );
        check(
            &[("tasks.md", &tasks("- [ ] T00$0"))],
            expect![[r#"
            NewTaskId T003 — next free task ID (after T002) (replaces "T00")
        "#]],
        );
        // The one after the previous task is taken: the one after all.
        check(
            &[("tasks.md", &tasks("- [ ] T$0 Describe\n- [ ] T003 x"))],
            expect![[r#"
            NewTaskId T006 — next free task ID (after T002) (replaces "T")
        "#]],
        );
        // Retyping the ID of the line itself.
        check(
            &[("tasks.md", "- [ ] T001 a\n- [x] T0$002 b\n")],
            expect![[r#"
            NewTaskId T002 — next free task ID (after T001) (replaces "T002")
        "#]],
        );
        check(
            &[("tasks.md", "- [ ] T001 a\n- [ ] $0Describe it\n")],
            expect![[r#"
            NewTaskId T002 + space — next free task ID (after T001) (replaces "")
        "#]],
        );
        check(
            &[("tasks.md", "- [ ] $0\n- [ ] T0001 a\n")],
            expect![[r#"
            NewTaskId T0002 — next free task ID (replaces "")
        "#]],
        );
    }

    #[test]
    fn labels_after_the_id_with_the_phases_story_first() {
        check(
            &[("tasks.md", &tasks("- [ ] T003 $0")), ("spec.md", SPEC)],
            expect![[r#"
            Label [P] — parallel: touches other files than the tasks beside it, no open dependency (replaces "")
            Label [US2] — Invite members (P2) (replaces "")
            Label [US1] — Sign in (P1) (replaces "")
            Label [US3] — Audit log (replaces "")
        "#]],
        );
        check(
            &[("tasks.md", &tasks("- [ ] T003 [P] [U$0]")), ("spec.md", SPEC)],
            expect![[r#"
            Label [US2] — Invite members (P2) (replaces "[U]")
            Label [US1] — Sign in (P1) (replaces "[U]")
            Label [US3] — Audit log (replaces "[U]")
        "#]],
        );
        check(&[("tasks.md", &tasks("- [ ] T003 [US2] $0")), ("spec.md", SPEC)], expect![""]);
        check(
            &[("tasks.md", &tasks("- [ ] T003 $0Service")), ("spec.md", SPEC)],
            expect![[r#"
                Label [P] + space — parallel: touches other files than the tasks beside it, no open dependency (replaces "")
                Label [US2] + space — Invite members (P2) (replaces "")
                Label [US1] + space — Sign in (P1) (replaces "")
                Label [US3] + space — Audit log (replaces "")
            "#]],
        );
        // Without a spec: the story phases of tasks.md.
        check(
            &[("tasks.md", &tasks("- [ ] **T003** [$0"))],
            expect![[r#"
            Label [P] — parallel: touches other files than the tasks beside it, no open dependency (replaces "[")
            Label [US2] — Phase 2: User Story 2 - Invite (Priority: P2) (replaces "[")
        "#]],
        );
    }

    #[test]
    fn past_the_cap_the_ids_typed_so_far_are_offered_and_the_list_is_cut() {
        let mut text = String::from("## Phase 1: Core\n\n");
        for n in 1..=1000 {
            text.push_str(&format!("- [ ] T{n:04} Task {n}\n"));
        }
        text.push_str("\n## Dependencies\n\n- T0001 blocks $0\n");
        let (feature, rel, offset) = feature_with_cursor(&[("tasks.md", &text)]);
        let mut items = completions(&feature, &rel, offset);
        assert_eq!(items.len(), MAX_TASK_ITEMS + 1, "one more than the cap says it was cut");
        assert!(is_cut(&mut items));
        assert_eq!(items.len(), MAX_TASK_ITEMS);
        assert_eq!((items[0].label.as_str(), items[199].label.as_str()), ("T0002", "T0201"));
        // What is typed narrows the candidates before the cap applies.
        let typed = text.replace("blocks $0", "blocks T09$0");
        let (feature, rel, offset) = feature_with_cursor(&[("tasks.md", &typed)]);
        let mut items = completions(&feature, &rel, offset);
        assert!(!is_cut(&mut items), "100 IDs start with T09");
        assert_eq!(items.len(), 100);
        assert!(items.iter().all(|i| i.label.starts_with("T09")));
    }

    #[test]
    fn task_ids_in_dependencies_prose_and_ranges() {
        check(
            &[("tasks.md", &tasks("- [ ] T003 Service (depends on T001, $0)"))],
            expect![[r#"
                Task T002 — Configure lint (replaces "")
                Task T005 — Model in src/models/invite.py (replaces "")
            "#]],
        );
        check(
            &[("tasks.md", &tasks("").replace("- T001 before T002", "- T002 blocks T$0"))],
            expect![[r#"
                Task T001 — Create project in src/ (replaces "T")
                Task T005 — Model in src/models/invite.py (replaces "T")
            "#]],
        );
        check(
            &[("tasks.md", &tasks("").replace("- T001 before T002", "- Then T00$0"))],
            expect![[r#"
            Task T001 — Create project in src/ (replaces "T00")
            Task T002 — Configure lint (replaces "T00")
            Task T005 — Model in src/models/invite.py (replaces "T00")
        "#]],
        );
        check(
            &[("tasks.md", &tasks("").replace("- T001 before T002", "- T002-$0 before T001"))],
            expect![[r#"
            Task T005 — Model in src/models/invite.py (replaces "")
        "#]],
        );
        // Prose words are not dependency lists.
        check(
            &[("tasks.md", &tasks("- [ ] T003 Run after the build and $0")), ("spec.md", SPEC)],
            expect![""],
        );
        check(&[("tasks.md", &tasks("- [ ] T003 Plain T$0"))], expect![""]);
    }

    #[test]
    fn requirements_and_scenarios_after_a_section_sign() {
        let spec = "# Spec\n\n### User Story 1 - Invite (Priority: P1)\n\n1. **Given** a, **When** b, **Then** c.\n\n## Requirements\n\n- **FR-001**: Owners MUST invite members by email address and see every invitation they sent.\n- **SC-001**: 90% of invites accepted.\n";
        check(
            &[("spec.md", spec), ("checklists/ux.md", "- [ ] CHK001 Is it clear? [Spec §$0]\n")],
            expect![[r#"
                Requirement FR-001 — Owners MUST invite members by email address and see every in… (replaces "")
                Requirement SC-001 — 90% of invites accepted. (replaces "")
                Requirement US1/AC1 — Invite, scenario 1 (replaces "")
            "#]],
        );
        check(
            &[("spec.md", spec), ("checklists/ux.md", "- [ ] CHK001 Is it clear? [§fr-$0]\n")],
            expect![[r#"
                Requirement FR-001 — Owners MUST invite members by email address and see every in… (replaces "fr-")
            "#]],
        );
        check(&[("spec.md", spec), ("checklists/ux.md", "- [ ] CHK001 Is FR-$0 clear?\n")], expect![""]);
    }

    #[test]
    fn paths_from_the_plan_and_the_feature() {
        check(
            &[("tasks.md", &tasks("- [ ] T003 [US2] Create the service in $0")), ("plan.md", PLAN)],
            expect![[r#"
            Path src/ — plan.md project structure (replaces "")
            Path src/models/ — plan.md project structure (replaces "")
            Path src/models/user.py — plan.md project structure (replaces "")
            Path src/services/ — plan.md project structure (replaces "")
            Path tests/ — plan.md project structure (replaces "")
            Path tests/unit/ — plan.md project structure (replaces "")
            Path src/models/invite.py — used in tasks.md (replaces "")
        "#]],
        );
        check(
            &[("tasks.md", &tasks("- [ ] T003 [US2] Create `src/mo$0dels` now")), ("plan.md", PLAN)],
            expect![[r#"
                Path src/models/ — plan.md project structure (replaces "src/models")
                Path src/models/user.py — plan.md project structure (replaces "src/models")
                Path src/models/invite.py — used in tasks.md (replaces "src/models")
            "#]],
        );
        check(
            &[("research.md", "Notes on src/$0\n"), ("plan.md", PLAN)],
            expect![[r#"
            Path src/ — plan.md project structure (replaces "src/")
            Path src/models/ — plan.md project structure (replaces "src/")
            Path src/models/user.py — plan.md project structure (replaces "src/")
            Path src/services/ — plan.md project structure (replaces "src/")
        "#]],
        );
        check(&[("research.md", "Notes written in$0\n"), ("plan.md", PLAN)], expect![""]);
    }

    #[test]
    fn crlf_and_multibyte_lines() {
        check(
            &[("tasks.md", "## Fase 1 — Configuración\r\n- [ ] T001 Crear módulo 日本語 😀\r\n- [ ] $0\r\n")],
            expect![[r#"
            NewTaskId T002 — next free task ID (after T001) (replaces "")
        "#]],
        );
        check(
            &[(
                "tasks.md",
                "## Fase 1\r\n- [ ] T001 Crear módulo 日本語 😀\r\n- [ ] T002 Añadir (depends on T0$0)\r\n",
            )],
            expect![[r#"
                Task T001 — Crear módulo 日本語 😀 (replaces "T0")
            "#]],
        );
        check(&[("tasks.md", "- [ ] T001 日本語 $0\r\n")], expect![""]);
    }
}
