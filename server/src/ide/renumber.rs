//! Renumber tasks: sequential IDs in document order, every reference in
//! every document of the feature following its task.
//!
//! The machinery here ([`IdChange`]) is shared with rename: a new ID for
//! some tasks, and the edits that keep every reference pointing at the same
//! task. References resolve as the model resolves them: a key names the
//! first task that has it. Ranges keep their meaning: a range whose members
//! are still exactly the tasks between its (new) ends keeps its shape and
//! only its ends change; otherwise it becomes a list (`T004, T006-T008`),
//! so the dependency edges it stands for stay the same; a reversed range
//! (`T010-T004`, already an `invalid-range`) has its ends follow their
//! tasks one by one. References inside tasks.md's fenced code blocks
//! (`Launch T004-T007 together`, `Task: "T012 ..."`) are updated too: they
//! name real tasks, although the scanner (which reads a fence as one code
//! span) does not report them. IDs inside inline code spans, HTML comments
//! and paths (`specs/T001-notes.md`) are left alone.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::analysis::FileEdit;
use crate::model::feature::{Feature, FeatureFile};
use crate::model::ids::{TaskId, TaskKey, parse_task_id};
use crate::model::scan::{Mention, MentionKind, scan_mentions};
use crate::model::tasks::TasksDoc;
use crate::syntax::BlockKind;
use crate::text::Span;

/// Edits that give the tasks of tasks.md sequential IDs in document order
/// (`T001`, `T002`, ... with the document's usual number of digits, at
/// least three). Suffix and decimal IDs (`T001a`, `T011.5`) get their own
/// number; a duplicated ID gives each task its own number and references
/// to it go to the first. Every reference in every markdown document of the
/// feature follows its task (see the module docs for ranges). The edits do
/// not overlap; applied together to the original texts they give the
/// result. Empty when there is no tasks.md or nothing changes.
pub fn renumber_tasks(feature: &Feature) -> Vec<FileEdit> {
    let Some((file, doc)) = feature.tasks() else { return Vec::new() };
    let width = id_width(doc);
    let new_ids = (0..doc.tasks.len()).map(|i| Some(format!("T{:0width$}", i + 1))).collect();
    IdChange::new(feature, file, doc, new_ids, None).edits()
}

/// The number of digits renumbered IDs get: the most common width of the
/// document's IDs (ties go to the wider), at least three, and enough for
/// the number of tasks.
pub(crate) fn id_width(doc: &TasksDoc) -> usize {
    // Counted by width in a list, not a map: completion asks on every
    // keystroke after `- [ ] T`, over every task.
    let mut counts: Vec<usize> = vec![0; 8];
    for task in &doc.tasks {
        let width = digit_count(&task.id().text);
        if width >= counts.len() {
            counts.resize(width + 1, 0);
        }
        counts[width] += 1;
    }
    let seen = counts.iter().enumerate().filter(|&(_, &count)| count > 0);
    let usual = seen.max_by_key(|&(width, &count)| (count, width)).map_or(0, |(w, _)| w);
    usual.max(3).max(doc.tasks.len().to_string().len())
}

/// Digits of the main number of an ID as written: 3 for `T001a`, `T-001`.
fn digit_count(text: &str) -> usize {
    let rest = text.get(1..).unwrap_or("");
    rest.trim_start_matches('-').bytes().take_while(u8::is_ascii_digit).count()
}

/// New IDs for some tasks of tasks.md, and how references follow them.
pub(crate) struct IdChange<'a> {
    feature: &'a Feature,
    tasks_file: &'a FeatureFile,
    doc: &'a TasksDoc,
    /// The new ID of each task by index; `None` keeps its own.
    new_ids: Vec<Option<String>>,
    /// A key no task has, renamed where references name it.
    unknown: Option<(TaskKey, String)>,
    /// Every key with the index of its first task, before the change.
    old_index: BTreeMap<TaskKey, usize>,
    /// The same after the change.
    new_index: BTreeMap<TaskKey, usize>,
}

fn key_of(text: &str) -> Option<TaskKey> {
    parse_task_id(text, true).map(|(id, _)| id.key)
}

impl<'a> IdChange<'a> {
    pub(crate) fn new(
        feature: &'a Feature,
        tasks_file: &'a FeatureFile,
        doc: &'a TasksDoc,
        new_ids: Vec<Option<String>>,
        unknown: Option<(TaskKey, String)>,
    ) -> Self {
        let mut change = IdChange {
            feature,
            tasks_file,
            doc,
            new_ids,
            unknown,
            old_index: BTreeMap::new(),
            new_index: BTreeMap::new(),
        };
        for (index, task) in doc.tasks.iter().enumerate() {
            change.old_index.entry(task.key()).or_insert(index);
            change.new_index.entry(change.new_key(index)).or_insert(index);
        }
        change
    }

    /// The key of task `index` after the change.
    fn new_key(&self, index: usize) -> TaskKey {
        self.new_ids[index].as_deref().and_then(key_of).unwrap_or_else(|| self.doc.tasks[index].key())
    }

    /// The ID text of task `index` after the change.
    fn new_text(&self, index: usize) -> &str {
        self.new_ids[index].as_deref().unwrap_or(&self.doc.tasks[index].id().text)
    }

    /// The new text of a reference to `key`; `None` when it stays.
    fn reference_text(&self, key: TaskKey) -> Option<&str> {
        match self.old_index.get(&key) {
            Some(&index) => self.new_ids[index].as_deref(),
            None => self.unknown.as_ref().filter(|(k, _)| *k == key).map(|(_, text)| text.as_str()),
        }
    }

    /// Every edit, sorted by file and offset, without overlaps (when two
    /// would overlap, the earlier one wins).
    pub(crate) fn edits(&self) -> Vec<FileEdit> {
        let mut edits = Vec::new();
        let tasks_rel = &self.tasks_file.rel;
        // Tasks come in document order: their ID spans are sorted.
        let mut definitions = Vec::with_capacity(self.doc.tasks.len());
        for (index, task) in self.doc.tasks.iter().enumerate() {
            definitions.push(task.id_span());
            if let Some(new) = &self.new_ids[index]
                && **new != *task.id().text
            {
                edits.push(edit(tasks_rel, task.id_span(), new.clone()));
            }
        }
        for (file, blocks) in self.feature.markdown_files() {
            let is_tasks = file.rel == *tasks_rel;
            for block in blocks.iter() {
                let paths: Vec<Span> = block
                    .scan
                    .mentions
                    .iter()
                    .filter(|m| matches!(m.kind, MentionKind::Path { .. }))
                    .map(|m| m.span)
                    .collect();
                let inside_path = |s: Span| paths.iter().any(|p| p.start <= s.start && s.end <= p.end);
                let code = if is_tasks && block.scan.kind == BlockKind::Code {
                    fenced_references(&block.scan.text)
                } else {
                    Vec::new()
                };
                for mention in block.scan.mentions.iter().chain(&code) {
                    let span = block.abs(mention.span);
                    if inside_path(mention.span) || (is_tasks && overlaps_any(&definitions, span)) {
                        continue;
                    }
                    match &mention.kind {
                        MentionKind::Task { id } => {
                            if let Some(text) = self.reference_text(id.key).filter(|t| *t != &*id.text) {
                                edits.push(edit(&file.rel, span, text.to_string()));
                            }
                        }
                        MentionKind::TaskRange { first, last } => {
                            let connector = block.scan.slice(Span::new(
                                mention.span.start + first.text.len(),
                                mention.span.end - last.text.len(),
                            ));
                            self.range_edits(&file.rel, span, first, last, connector, &mut edits);
                        }
                        _ => {}
                    }
                }
            }
        }
        edits.sort_by(|a, b| (&a.file, a.span.start, a.span.end).cmp(&(&b.file, b.span.start, b.span.end)));
        let mut out: Vec<FileEdit> = Vec::with_capacity(edits.len());
        for edit in edits {
            let overlaps =
                out.last().is_some_and(|last| last.file == edit.file && last.span.end > edit.span.start);
            if !overlaps {
                out.push(edit);
            }
        }
        out
    }

    /// A range `first{connector}last` at `span`.
    fn range_edits(
        &self,
        file: &Arc<str>,
        span: Span,
        first: &TaskId,
        last: &TaskId,
        connector: &str,
        out: &mut Vec<FileEdit>,
    ) {
        let first_span = Span::new(span.start, span.start + first.text.len());
        let last_span = Span::new(span.end - last.text.len(), span.end);
        let ends = |out: &mut Vec<FileEdit>| {
            for (id, end_span) in [(first, first_span), (last, last_span)] {
                if let Some(text) = self.reference_text(id.key).filter(|t| *t != &*id.text) {
                    out.push(edit(file, end_span, text.to_string()));
                }
            }
        };
        let (Some(&first_index), Some(&last_index)) =
            (self.old_index.get(&first.key), self.old_index.get(&last.key))
        else {
            // A range that names missing tasks means nothing to preserve:
            // its ends follow their keys one by one.
            return ends(out);
        };
        if first.key > last.key {
            return ends(out);
        }
        let members: BTreeSet<usize> = self.old_index.range(first.key..=last.key).map(|(_, &i)| i).collect();
        let (new_first, new_last) = (self.new_key(first_index), self.new_key(last_index));
        let still_covers = new_first <= new_last
            && self.new_index.range(new_first..=new_last).map(|(_, &i)| i).collect::<BTreeSet<_>>()
                == members;
        if still_covers {
            return ends(out);
        }
        out.push(edit(file, span, self.member_list(&members, connector)));
    }

    /// The members of a range as a list in their new order: runs of three
    /// or more neighbours stay ranges (with the range's own connector).
    fn member_list(&self, members: &BTreeSet<usize>, connector: &str) -> String {
        let mut runs: Vec<Vec<usize>> = Vec::new();
        let mut listed = BTreeSet::new();
        let mut in_run = false;
        for &index in self.new_index.values() {
            if members.contains(&index) {
                if !in_run {
                    runs.push(Vec::new());
                }
                runs.last_mut().expect("pushed above").push(index);
                listed.insert(index);
                in_run = true;
            } else {
                in_run = false;
            }
        }
        // A member that lost its key to an earlier task (not expected: new
        // keys are free) is still listed, at the end.
        runs.extend(members.difference(&listed).map(|&i| vec![i]));
        // `T004-T020` over four tasks would read as seventeen: a run stays
        // a range only where its numbers have no gaps.
        let runs = runs.into_iter().flat_map(|run| {
            let mut dense: Vec<Vec<usize>> = Vec::new();
            for index in run {
                let number = self.new_key(index).number;
                match dense.last_mut() {
                    Some(last) if number <= self.new_key(*last.last().expect("never empty")).number + 1 => {
                        last.push(index)
                    }
                    _ => dense.push(vec![index]),
                }
            }
            dense
        });
        let mut parts = Vec::new();
        for run in runs {
            match run.as_slice() {
                [a, .., b] if run.len() >= 3 => {
                    parts.push(format!("{}{connector}{}", self.new_text(*a), self.new_text(*b)))
                }
                _ => parts.extend(run.iter().map(|&i| self.new_text(i).to_string())),
            }
        }
        parts.join(", ")
    }
}

/// Task references in a fenced code block (`Launch T004-T007 together`,
/// `Task: "T012 ..."`), spans relative to the block. The scanner reads a
/// backtick fence as one code span and finds no references in it; its
/// content is scanned here as prose.
fn fenced_references(text: &str) -> Vec<Mention> {
    let is_fence = |line: &str| line.trim_start().starts_with("```");
    // Indented code and `~~~` fences hold no backticks: the scanner reads
    // them as prose already.
    if !is_fence(text) {
        return Vec::new();
    }
    let start = text.find('\n').map_or(text.len(), |i| i + 1);
    let body = text[start..].trim_end_matches(['\n', '\r']);
    let end = match body.rfind('\n') {
        Some(i) if is_fence(&body[i + 1..]) => start + i + 1,
        None if is_fence(body) => start,
        _ => start + body.len(),
    };
    scan_mentions(&text[start..end.max(start)])
        .into_iter()
        .filter(|m| matches!(m.kind, MentionKind::Task { .. } | MentionKind::TaskRange { .. }))
        .map(|m| Mention { span: m.span.offset_by(start), kind: m.kind })
        .collect()
}

/// Whether `span` overlaps one of `sorted` (spans sorted by start, not
/// overlapping each other).
fn overlaps_any(sorted: &[Span], span: Span) -> bool {
    let i = sorted.partition_point(|d| d.end <= span.start);
    sorted.get(i).is_some_and(|d| d.intersects(span))
}

fn edit(file: &Arc<str>, span: Span, new_text: String) -> FileEdit {
    FileEdit { file: file.clone(), span, new_text }
}

#[cfg(test)]
pub(crate) mod tests {
    use expect_test::{Expect, expect};
    use proptest::prelude::*;

    use super::*;
    use crate::model::tasks::EdgeOrigin;
    use crate::testing::{apply_edits, feature};

    /// The renumbered texts, each file under a `==> file` line.
    fn check(files: &[(&str, &str)], expect: Expect) {
        let feature = feature(files);
        let edits = renumber_tasks(&feature);
        let texts = apply_edits(&feature, &edits);
        let mut shown = String::new();
        for (rel, text) in &texts {
            // Carriage returns shown, so CRLF endings are checked.
            shown.push_str(&format!("==> {rel}\n{}", text.replace('\r', "\\r")));
        }
        expect.assert_eq(&shown);
        // Renumbering the result changes nothing.
        let files: Vec<(&str, &str)> = texts.iter().map(|(r, t)| (r.as_str(), t.as_str())).collect();
        assert_eq!(renumber_tasks(&self::feature(&files)), Vec::new(), "a second renumbering is a no-op");
    }

    #[test]
    fn ids_in_order_with_references_everywhere() {
        check(
            &[
                (
                    "tasks.md",
                    "## Phase 1: Setup\n\
                     - [ ] T003 Create project in src/\n\
                     - [ ] T001 [P] Configure lint (depends on T003)\n\
                     - [ ] T001a Add CI (depends on T001)\n\
                     - [ ] T011.5 Write docs\n\n\
                     ## Dependencies\n\n\
                     T003 before T001, T001a. T011.5 after T001a.\n",
                ),
                ("plan.md", "# Plan\n\nSee T001a and T011.5 in tasks.\n"),
            ],
            expect![[r#"
                ==> plan.md
                # Plan

                See T003 and T004 in tasks.
                ==> tasks.md
                ## Phase 1: Setup
                - [ ] T001 Create project in src/
                - [ ] T002 [P] Configure lint (depends on T001)
                - [ ] T003 Add CI (depends on T002)
                - [ ] T004 Write docs

                ## Dependencies

                T001 before T002, T003. T004 after T003.
            "#]],
        );
    }

    #[test]
    fn ranges_keep_their_members_or_become_lists() {
        check(
            &[(
                "tasks.md",
                "## Phase 1\n\
                 - [ ] T002 a\n\
                 - [ ] T004 b\n\
                 - [ ] T005 c\n\
                 - [ ] T003 d\n\
                 - [ ] T006 e\n\
                 - [ ] T007 f\n\n\
                 ## Dependencies\n\n\
                 - T004-T006 before T007\n\
                 - T002–T003 before T004\n\
                 - Launch T005 through T007 together\n\n\
                 ```\n\
                 Task: \"T004-T006 in parallel\"\n\
                 ```\n",
            )],
            expect![[r#"
                ==> tasks.md
                ## Phase 1
                - [ ] T001 a
                - [ ] T002 b
                - [ ] T003 c
                - [ ] T004 d
                - [ ] T005 e
                - [ ] T006 f

                ## Dependencies

                - T002, T003, T005 before T006
                - T001, T004 before T002
                - Launch T003, T005, T006 together

                ```
                Task: "T002, T003, T005 in parallel"
                ```
            "#]],
        );
    }

    #[test]
    fn contiguous_ranges_keep_their_shape() {
        check(
            &[(
                "tasks.md",
                "- [ ] T010 a\n- [ ] T011 b\n- [ ] T012 c\n- [ ] T013 d\n\nT011-T013 before T010\n",
            )],
            expect![[r#"
                ==> tasks.md
                - [ ] T001 a
                - [ ] T002 b
                - [ ] T003 c
                - [ ] T004 d

                T002-T004 before T001
            "#]],
        );
    }

    #[test]
    fn duplicates_get_their_own_numbers_and_references_go_to_the_first() {
        check(
            &[(
                "tasks.md",
                "- [ ] T001 a\n- [ ] T002 b\n- [ ] T002 c (depends on T001)\n- [ ] T003 d (depends on T002)\n\nT001-T003 before T004\n- [ ] T004 e\n",
            )],
            expect![[r#"
                ==> tasks.md
                - [ ] T001 a
                - [ ] T002 b
                - [ ] T003 c (depends on T001)
                - [ ] T004 d (depends on T002)

                T001, T002, T004 before T005
                - [ ] T005 e
            "#]],
        );
    }

    #[test]
    fn irregular_ids_crlf_and_multibyte_text() {
        check(
            &[(
                "tasks.md",
                "## Fase 1 — Configuración 🎯\r\n- [ ] T-002 Crear el módulo `src/app.py` (depends on T1)\r\n- [x] **T1** Añadir 日本語 docs\r\n- [ ] t005 Último → T-002\r\n",
            )],
            expect![[r#"
                ==> tasks.md
                ## Fase 1 — Configuración 🎯\r
                - [ ] T001 Crear el módulo `src/app.py` (depends on T002)\r
                - [x] **T002** Añadir 日本語 docs\r
                - [ ] T003 Último → T001\r
            "#]],
        );
    }

    #[test]
    fn the_documents_digit_width_is_kept() {
        check(
            &[("tasks.md", "- [ ] T0003 a\n- [ ] T0001 b (depends on T0003)\n")],
            expect![[r#"
                ==> tasks.md
                - [ ] T0001 a
                - [ ] T0002 b (depends on T0001)
            "#]],
        );
        check(
            &[("tasks.md", "- [ ] T2 a\n- [ ] T1 b (depends on T2)\n")],
            expect![[r#"
                ==> tasks.md
                - [ ] T001 a
                - [ ] T002 b (depends on T001)
            "#]],
        );
    }

    #[test]
    fn ids_inside_paths_and_unknown_references_stay() {
        check(
            &[(
                "tasks.md",
                "- [ ] T002 Write notes in specs/T002-notes.md (depends on T099)\n- [ ] T001 b\n",
            )],
            expect![[r#"
                ==> tasks.md
                - [ ] T001 Write notes in specs/T002-notes.md (depends on T099)
                - [ ] T002 b
            "#]],
        );
    }

    #[test]
    fn nothing_to_do_without_tasks_or_when_in_order() {
        assert_eq!(renumber_tasks(&feature(&[("spec.md", "# Spec\n")])), Vec::new());
        assert_eq!(renumber_tasks(&feature(&[("tasks.md", "- [ ] T001 a\n- [ ] T002 b\n")])), Vec::new());
    }

    /// Edges as pairs of task indices. The dependent side of a statement on
    /// a task's own line or detail is that task; any other key names the
    /// first task that has it.
    pub(crate) fn edge_indices(doc: &TasksDoc) -> BTreeSet<(usize, usize)> {
        doc.edges
            .iter()
            .filter_map(|edge| {
                let from = match edge.origin {
                    EdgeOrigin::Line | EdgeOrigin::Detail => {
                        doc.tasks.iter().position(|t| t.id_span() == edge.from_span)
                    }
                    EdgeOrigin::Statement => None,
                }
                .or_else(|| doc.task_index(edge.from))?;
                Some((from, doc.task_index(edge.to)?))
            })
            .collect()
    }

    /// A tasks.md with shuffled, suffixed and duplicated IDs, inline
    /// dependencies and a Dependencies section with ranges.
    fn arbitrary_tasks() -> impl Strategy<Value = String> {
        (3usize..14)
            .prop_flat_map(|n| {
                let ids = (
                    Just((1..=n as u32).collect::<Vec<_>>()).prop_shuffle(),
                    proptest::collection::vec(0u8..8, n),
                );
                let deps = proptest::collection::vec(proptest::option::of(0..n), n);
                let ranges = proptest::collection::vec((0..n, 0..n, 0..n), 0..3);
                (ids, deps, ranges)
            })
            .prop_map(|((numbers, shapes), deps, ranges)| {
                // Shape 0: a suffix letter, 1: a decimal, 2: a duplicate of
                // the previous ID, otherwise plain.
                let mut ids: Vec<String> = Vec::new();
                for (i, (&number, &shape)) in numbers.iter().zip(&shapes).enumerate() {
                    let id = match shape {
                        0 => format!("T{number:03}a"),
                        1 => format!("T{number:03}.5"),
                        2 if i > 0 => ids[i - 1].clone(),
                        _ => format!("T{number:03}"),
                    };
                    ids.push(id);
                }
                let mut text = String::from("## Phase 1: Setup\n\n");
                for (i, id) in ids.iter().enumerate() {
                    text.push_str(&format!("- [ ] {id} Task number {i} in src/m{i}.py"));
                    if let Some(dep) = deps[i].filter(|&d| d != i && ids[d] != *id) {
                        text.push_str(&format!(" (depends on {})", ids[dep]));
                    }
                    text.push('\n');
                }
                text.push_str("\n## Dependencies\n\n");
                let keys: BTreeSet<TaskKey> = ids.iter().filter_map(|id| key_of(id)).collect();
                let keys: Vec<TaskKey> = keys.into_iter().collect();
                for (a, b, c) in ranges {
                    let (a, b) = (a % keys.len(), b % keys.len());
                    let (lo, hi) = (a.min(b), a.max(b));
                    let other = keys[c % keys.len()];
                    if (keys[lo]..=keys[hi]).contains(&other) {
                        continue;
                    }
                    let written =
                        |key: TaskKey| ids.iter().find(|id| key_of(id) == Some(key)).cloned().unwrap();
                    text.push_str(&format!(
                        "- {}-{} before {}\n",
                        written(keys[lo]),
                        written(keys[hi]),
                        written(other)
                    ));
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(128))]
        #[test]
        fn renumbering_keeps_tasks_and_edges(text in arbitrary_tasks()) {
            let before = feature(&[("tasks.md", &text)]);
            let edits = renumber_tasks(&before);
            let after_text = apply_edits(&before, &edits).remove("tasks.md").unwrap();
            let after = feature(&[("tasks.md", &after_text)]);
            let (_, old) = before.tasks().unwrap();
            let (_, new) = after.tasks().unwrap();
            prop_assert_eq!(old.tasks.len(), new.tasks.len());
            let ids: Vec<String> = new.tasks.iter().map(|t| t.id().text.to_string()).collect();
            let expected: Vec<String> = (1..=new.tasks.len()).map(|i| format!("T{i:03}")).collect();
            prop_assert_eq!(ids, expected);
            prop_assert_eq!(edge_indices(old), edge_indices(new), "{}\n---\n{}", text, after_text);
            prop_assert_eq!(renumber_tasks(&after), Vec::new());
        }
    }
}
