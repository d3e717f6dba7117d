use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::tasks::{PhaseKind, Task};
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports a task inside a user-story phase (`## Phase 3: User Story 1
    /// - Login (Priority: P1)`) whose line carries no `[USn]` label.
    ///
    /// Only phases whose heading names one story are checked; Setup,
    /// Foundational, Polish and phases named otherwise are not. A label in
    /// any accepted spelling counts (`[US1]`, `[US-1]`, after the
    /// description). A wrong label is `story-label-mismatch`'s finding, not
    /// this one's. Cancelled (struck-through) tasks are skipped.
    ///
    /// A phase reports its unlabelled tasks once: a single task on its own,
    /// several as one finding at the first, the others as related
    /// information, with one fix labelling them all (a file that labels no
    /// task of a phase follows one habit there, not many).
    ///
    /// ## Why is this bad?
    /// The story label is what ties a task to the story it delivers:
    /// progress per story, `story-without-tasks`, filtering the tasks of
    /// one story for an agent and moving a story's tasks all depend on it.
    /// The heading above a task is lost as soon as tasks are listed,
    /// filtered or moved.
    ///
    /// ## Example
    /// ```markdown
    /// ## Phase 3: User Story 1 - Login (Priority: P1)
    ///
    /// - [ ] T010 [P] Create User model in src/models/user.py
    /// ```
    /// Use instead:
    /// ```markdown
    /// - [ ] T010 [P] [US1] Create User model in src/models/user.py
    /// ```
    ///
    /// ## Fix
    /// Insert the phase's label after `[P]` (or after the ID). The fix is
    /// safe: the task already belongs to that story by its place, and the
    /// label only says so on the line. A phase naming several stories
    /// (`User Story 2 & 3`) gets no fix: which one is the author's call.
    pub struct MissingStoryLabel { code: "missing-story-label", severity: Warning }
}

impl Rule for MissingStoryLabel {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let rows = cx.rows();
        for (at, phase) in doc.phases.iter().enumerate() {
            let (PhaseKind::UserStory, Some(story)) = (phase.kind, phase.story) else { continue };
            let unlabelled: Vec<&Task> = phase
                .tasks
                .iter()
                .filter(|&&index| rows[index].label.is_none() && !rows[index].cancelled)
                .map(|&index| &doc.tasks[index])
                .collect();
            let Some(first) = unlabelled.first() else { continue };
            let named = cx.tables().phases.named(at);
            let (stories, label, fix) = if named.len() > 1 {
                let list: Vec<String> = named.iter().map(|n| format!("US{n}")).collect();
                (list.join(", "), "story label".to_string(), None)
            } else {
                let label = format!("[US{story}]");
                let edits = unlabelled
                    .iter()
                    .map(|task| {
                        let at = insertion_point(task);
                        FileEdit {
                            file: file.rel.clone(),
                            span: Span::empty(at),
                            new_text: inserted_label(&label, &task.block.scan.text[at - task.block.start..]),
                        }
                    })
                    .collect();
                let fix = Fix { title: format!("Add {label}"), applicability: Applicability::Safe, edits };
                (format!("US{story}"), format!("{label} label"), Some(fix))
            };
            let message = match unlabelled.len() {
                1 => format!("{} is in the phase of {stories} but has no {label}", first.id()),
                _ => format!("{} are in the phase of {stories} but have no {label}", id_list(&unlabelled)),
            };
            let mut diagnostic = cx.report(Self::META.default_severity, file, first.id_span(), message);
            for task in &unlabelled[1..] {
                diagnostic = diagnostic.with_related(
                    &file.rel,
                    task.id_span(),
                    format!("{} has no {label}", task.id()),
                );
            }
            out.push(match fix {
                Some(fix) => diagnostic.with_fix(fix),
                None => diagnostic,
            });
        }
    }
}

/// At most this many IDs are named in a message.
const LISTED: usize = 4;

/// `T005, T006 and T007`, or `T005, T006, T007, T008 and 9 more`.
fn id_list(tasks: &[&Task]) -> String {
    let ids: Vec<String> = tasks.iter().take(LISTED).map(|t| t.id().to_string()).collect();
    match tasks.len() {
        n if n > LISTED => format!("{} and {} more", ids.join(", "), n - LISTED),
        _ => match ids.split_last() {
            Some((last, head)) if !head.is_empty() => format!("{} and {last}", head.join(", ")),
            _ => ids.concat(),
        },
    }
}

/// ` [USn]`, and a space after it when what follows would otherwise make
/// it a link (`[US1](x`), a reference (`[US1][x]`) or part of a word: the
/// label must read as a label once inserted, or the finding stays.
fn inserted_label(label: &str, after: &str) -> String {
    let glued = after.chars().next().is_some_and(|c| c.is_alphanumeric() || "([{*_`~".contains(c));
    if glued { format!(" {label} ") } else { format!(" {label}") }
}

/// Where ` [USn]` goes: after a `[P]` that precedes the description, or
/// after the ID and whatever closes around it (`**T012**`, `[T012]`).
fn insertion_point(task: &Task) -> usize {
    let line = task.line();
    if let Some(parallel) = line.parallel.filter(|p| p.end <= line.description_span.start) {
        return task.block.abs(parallel).end;
    }
    let text = &task.block.scan.text;
    let mut at = line.id_span.end;
    // Only what closes around the ID: a `**` that opened nothing is text.
    let mut opened = &text[..line.id_span.start];
    for (open, close) in [("**", "**"), ("__", "__"), ("[", "]")] {
        if opened.ends_with(open) && text[at..].starts_with(close) {
            at += close.len();
            opened = &opened[..opened.len() - open.len()];
        }
    }
    task.block.start + at
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, check_fix, feature, findings};

    const CODE: &str = "missing-story-label";

    #[test]
    fn fires_in_a_story_phase_with_a_fix() {
        let text = "## Phase 3: User Story 1 - Login (Priority: P1)\n\n- [ ] T010 [P] Create model\n\
                    - [ ] T011 [US1] Create service\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T010 is in the phase of US1 but has no [US1] label [fix: Add [US1]]"]
        );
    }

    #[test]
    fn a_table_row_gets_its_label_in_the_id_cell_and_stays_a_row() {
        let text = "## Phase 3: User Story 1 - Login (Priority: P1)\n\n| ID | Task |\n|----|------|\n\
                    | T010 | Create model |\n| T011 | [P] Create service |\n";
        check_fix(
            CODE,
            &[("tasks.md", text)],
            "## Phase 3: User Story 1 - Login (Priority: P1)\n\n| ID | Task |\n|----|------|\n\
             | T010 [US1] | Create model |\n| T011 | [P] [US1] Create service |\n",
        );
    }

    #[test]
    fn silent_outside_story_phases_and_with_any_label_spelling() {
        let text = "## Phase 1: Setup\n\n- [ ] T001 Init\n\n## Phase 2: User Story 2 (P2)\n\n\
                    - [ ] T002 [US-2] a\n- [ ] T003 b [US2]\n- [ ] T004 [US3] wrong but labelled\n\
                    - [ ] ~~T005 dropped~~\n\n## Phase 3: Polish\n\n- [ ] T006 Docs\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn a_phase_reports_its_unlabelled_tasks_once() {
        let text = "## Phase 2: User Story 6 - Routing (Priority: P1)\n\n- [ ] T005 [P] Page in src/a.tsx\n\
                    - [ ] T006 [P] Sidebar in src/b.tsx\n- [ ] T007 [US6] Layout in src/c.tsx\n- [ ] T008 Routes in src/d.tsx\n";
        let [found] = findings(CODE, &feature(&[("tasks.md", text)])).try_into().expect("one finding");
        assert_eq!(found.message, "T005, T006 and T008 are in the phase of US6 but have no [US6] label");
        let related: Vec<&str> = found.related.iter().map(|r| r.message.as_str()).collect();
        assert_eq!(related, ["T006 has no [US6] label", "T008 has no [US6] label"]);
        let fix = found.fix.expect("one fix for the phase");
        assert_eq!(fix.title, "Add [US6]");
        let inserted: Vec<&str> = fix.edits.iter().map(|e| &text[e.span.start - 3..e.span.start]).collect();
        assert_eq!(inserted, ["[P]", "[P]", "008"], "each label goes after [P] or the ID");
    }

    #[test]
    fn a_phase_of_several_stories_has_no_fix() {
        let text = "## Phase 5: User Story 2 & 3 - Reports\n\n- [ ] T020 a\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T020 is in the phase of US2, US3 but has no story label"]
        );
    }

    #[test]
    fn insertion_point_skips_bold_and_brackets() {
        let text = "## Phase 3: User Story 2\n\n- [ ] **T010** a\n- [ ] [T011] [P] b\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:3: T010 and T011 are in the phase of US2 but have no [US2] label [fix: Add [US2]]"]
        );
        check_fix(
            CODE,
            &[("tasks.md", text)],
            "## Phase 3: User Story 2\n\n- [ ] **T010** [US2] a\n- [ ] [T011] [P] [US2] b\n",
        );
    }

    /// The label used to be inserted right before `(` or `[`, where it
    /// reads as a link or a reference: the finding stayed, and `--fix`
    /// added a second label in its next round.
    #[test]
    fn one_fix_clears_the_finding_whatever_follows_the_id() {
        let text = "## Phase 3: User Story 1\n\n- [ ] **T012(* Add a\n- [ ] T013[US1](x) b\n- [ ] T014: c\n- [ ] T015**d\n";
        let [found] =
            findings(CODE, &feature(&[("tasks.md", text)])).try_into().expect("one finding for the phase");
        assert_eq!(found.fix.expect("a fix").edits.len(), 4);
        let out = "## Phase 3: User Story 1\n\n- [ ] **T012 [US1] (* Add a\n- [ ] T013 [US1] [US1](x) b\n- [ ] T014 [US1]: c\n- [ ] T015 [US1] **d\n";
        check_fix(CODE, &[("tasks.md", text)], out);
        assert!(check(CODE, &[("tasks.md", out)]).is_empty(), "{out}");
    }
}
