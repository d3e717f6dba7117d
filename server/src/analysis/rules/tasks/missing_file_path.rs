use crate::analysis::facts::BlockFacts;
use crate::analysis::facts::pathless::PathlessFacts;
use crate::analysis::facts::sparse::FileIndex;
use crate::analysis::table::{BlockRole, Pathless};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::model::tasks::{Task, TasksDoc};

declare_rule! {
    /// ## What it does
    /// Reports tasks whose line and detail bullets name no file or
    /// directory path (backticked or bare, such as `src/models/user.py`,
    /// `tests/`, `README.md`).
    ///
    /// Real files have many tasks that rightly change no file, so these
    /// pass:
    /// - tasks that run, check or ship rather than write: descriptions
    ///   starting with Run, Execute, Verify, Validate, Confirm, Check,
    ///   Review, Audit, Assess, Ensure, Measure, Benchmark, Profile,
    ///   Monitor, Test (as in "Test on a physical device"), Manual(ly),
    ///   Install, Deploy, Commit, Push, Merge, Tag, Release, Publish, Demo,
    ///   If ("If lint fails, run ...") (and Ejecutar, Verificar, Validar,
    ///   Revisar, Probar);
    /// - manual checks whose short label says so ("Edge Case 1: ... →
    ///   verify ...", "Final smoke test: ...", "Scenario 2: ...", "Code
    ///   quality verification: ...");
    /// - tasks that name a thing whose file another task of the document
    ///   names: "Add retries in `SyncService`" when some task says
    ///   `src/services/sync_service.ts` (names are compared without case,
    ///   `_` and `-`), and tasks saying "same file as T018";
    /// - cancelled (struck-through) tasks.
    ///
    /// Up to three tasks are reported one by one. When more lack a path,
    /// the file gets one finding, at the first, with the count; related
    /// information points at the others (at most 100: a generated
    /// tasks.md without paths would otherwise send thousands with every
    /// report). In the corpus this rule was tuned
    /// on (39 real feature folders, 2006 tasks), 557 tasks name no path;
    /// the exemptions above leave 205 (most of them vague: "Add logging
    /// for all operations", "Implement core functionality") in 19 files,
    /// which become 23 findings instead of 557.
    ///
    /// ## Why is this bad?
    /// The template asks for exact file paths because whoever implements
    /// the task (often an agent) otherwise guesses where the code goes,
    /// and `[P]` promises ("different files") cannot be checked.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T016 [US1] Add file size validation with FILE_TOO_LARGE error
    /// ```
    /// Use instead:
    /// ```markdown
    /// - [ ] T016 [US1] Add file size validation with FILE_TOO_LARGE error in src/services/stt.py
    /// ```
    ///
    /// ## Fix
    /// None: only the author knows the file.
    pub struct MissingFilePath { code: "missing-file-path", severity: Warning }
}

/// Up to this many tasks, each gets its own finding.
const MAX_SINGLE: usize = 3;

/// At most this many related locations on the summary finding.
const MAX_RELATED: usize = 100;

impl Rule for MissingFilePath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let missing = tasks_without_path(cx, doc);
        let severity = Self::META.default_severity;
        if missing.len() <= MAX_SINGLE {
            for task in missing {
                let message = format!("{} names no file path", task.id());
                out.push(cx.report(severity, file, task.id_span(), message));
            }
            return;
        }
        let first = missing[0];
        let mut message = format!("{} tasks name no file path; first here ({})", missing.len(), first.id());
        let others = &missing[1..];
        if others.len() > MAX_RELATED {
            message.push_str(&format!("; related information lists the next {MAX_RELATED}"));
        }
        let mut diagnostic = cx.report(severity, file, first.id_span(), message);
        for task in others.iter().take(MAX_RELATED) {
            diagnostic = diagnostic.with_related(
                &file.rel,
                task.id_span(),
                format!("{} names no file path", task.id()),
            );
        }
        out.push(diagnostic);
    }
}

/// The tasks that name no path, say nothing that exempts them and name
/// no thing whose file another task names, in document order.
fn tasks_without_path<'c, 'd>(cx: &'c Context<'_>, doc: &'d TasksDoc) -> Vec<&'d Task> {
    // The table keeps the few tasks naming no path, with their identifiers.
    let candidates = &cx.tables().pathless;
    let identifiers = |candidate: &'c Pathless| candidate.identifiers.iter().map(|i| &**i);
    let named = named_stems(cx, &cx.tables().pathless_names);
    let names_a_known_file = |candidate| identifiers(candidate).any(|i| named.binary_search(&i).is_ok());
    candidates.iter().filter(|c| !names_a_known_file(c)).map(|c| &doc.tasks[c.task as usize]).collect()
}

/// Which of `identifiers` (sorted, without repeats) some task's paths
/// name as a file, sorted. One pass over every task's file names, without
/// sorting or hashing them (this runs on every keystroke): only names of
/// the length of an identifier asked for are compared.
fn named_stems<'i>(cx: &Context<'_>, identifiers: &'i [Box<str>]) -> Vec<&'i str> {
    let wanted: Vec<&str> = identifiers.iter().map(|i| &**i).collect();
    if wanted.is_empty() {
        return wanted;
    }
    let blocks = cx.tasks().and_then(|(file, _)| file.blocks.as_deref());
    let (Some(blocks), Some(index)) = (blocks, blocks.and_then(FileIndex::of)) else {
        return Vec::new();
    };
    let lengths = wanted.iter().fold(0u64, |mask, w| mask | length_bit(w.len()));
    // The blocks naming a wanted file, kept across analyses while the
    // same names are wanted: a keystroke asks about the block it changed.
    let key = || -> Box<[Box<str>]> { wanted.iter().map(|w| Box::from(*w)).collect() };
    let is_wanted = |key: &[Box<str>]| key.iter().map(|k| &**k).eq(wanted.iter().copied());
    let hits = index.stems.hits(
        blocks,
        |key| is_wanted(key),
        key,
        |block| wanted_in(block, &wanted, lengths).next().is_some(),
    );
    // Of those, only task lines and their details count.
    let Some(mut walk) = cx.block_walk() else { return Vec::new() };
    let mut found = vec![false; wanted.len()];
    for block in hits.iter().map(|&at| &blocks.blocks()[at as usize]) {
        if !matches!(walk.role(block), BlockRole::Other) {
            wanted_in(block, &wanted, lengths).for_each(|at| found[at] = true);
        }
    }
    wanted.into_iter().zip(found).filter_map(|(w, found)| found.then_some(w)).collect()
}

/// The indices in `wanted` (sorted, with `lengths` their lengths' bits)
/// of the files `block`'s paths name.
fn wanted_in<'b>(
    block: &'b ScannedBlock,
    wanted: &'b [&str],
    lengths: u64,
) -> impl Iterator<Item = usize> + 'b {
    let facts = PathlessFacts::get(BlockFacts::of(&block.scan), &block.scan);
    facts.stems.iter().filter_map(move |stem| {
        let maybe = lengths & length_bit(stem.len()) != 0;
        maybe.then(|| wanted.binary_search(&stem.as_str()).ok()).flatten()
    })
}

fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, feature, findings};

    const CODE: &str = "missing-file-path";

    #[test]
    fn a_few_tasks_are_reported_one_by_one() {
        let text = "- [ ] T001 Create model in src/models/user.py\n- [ ] T002 Add file size validation\n\
                    - [ ] T003 Add logging for all operations\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:2: T002 names no file path", "tasks.md:3: T003 names no file path"]
        );
    }

    #[test]
    fn many_tasks_are_one_finding() {
        let text: String = (1..=5).map(|n| format!("- [ ] T00{n} Implement part {n}\n")).collect();
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            ["tasks.md:1: 5 tasks name no file path; first here (T001)"]
        );
    }

    #[test]
    fn the_summary_lists_at_most_a_hundred_others() {
        let text: String = (1..=300).map(|n| format!("- [ ] T{n:03} Implement part {n}\n")).collect();
        let found = findings(CODE, &feature(&[("tasks.md", &text)]));
        let [summary] = found.as_slice() else { panic!("one summary: {found:?}") };
        assert_eq!(
            summary.message,
            "300 tasks name no file path; first here (T001); related information lists the next 100"
        );
        let related: Vec<&str> = summary.related.iter().map(|r| r.message.as_str()).collect();
        let next: Vec<String> = (2..=101).map(|n| format!("T{n:03} names no file path")).collect();
        assert_eq!(related, next);
    }

    #[test]
    fn paths_anywhere_in_the_task_count() {
        let text = "- [ ] T001 Create project structure per plan\n  - **File**: `backend/app/main.py`\n\
                    - [ ] T002 Create `tests/` and `README.md`\n- [ ] T003 Configure Dockerfile\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn manual_checks_pass() {
        let text = "- [ ] T027 Edge Case 1: Open modal, change the setting → verify the modal keeps the old value\n\
                    - [X] T040 Final smoke test: Start a fresh dev server, go through the whole workflow\n\
                    - [ ] T041 Scenario 2: Sign in with an expired token\n\
                    - [ ] T042 Add caching for all queries\n\
                    - [ ] T043 Implement the payment flow: create an intent → confirm payment\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T042 names no file path", "tasks.md:5: T043 names no file path"]
        );
    }

    #[test]
    fn tasks_that_run_or_check_pass() {
        let text = "- [ ] T001 Run `uv sync` to install dependencies\n- [ ] T002 Verify ffmpeg is available\n\
                    - [ ] T003 **Manual**: test on a physical device\n- [ ] T004 Test with screen reader\n\
                    - [ ] T005 Install React Navigation\n- [ ] T006 Ejecutar las pruebas\n\
                    - [ ] ~~T007 Dropped idea~~\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn a_thing_whose_file_another_task_names_passes() {
        let text = "- [ ] T001 Create STTService in src/services/stt_service.py\n\
                    - [ ] T002 Implement audio conversion in STTService\n\
                    - [ ] T003 Add retries to `stt_service`\n\
                    - [ ] T004 Add GET /jobs endpoint (same file as T003)\n\
                    - [ ] T005 Add a service layer for everything\n";
        assert_eq!(check(CODE, &[("tasks.md", text)]), ["tasks.md:5: T005 names no file path"]);
    }
}
