use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::analysis::facts::BlockFacts;
use crate::analysis::facts::roles::{PhaseTasks, RoleFacts, strip_test_marks};
use crate::analysis::facts::sparse::{FileIndex, PhaseVerdict};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::tasks::{Phase, PhaseKind, SubsectionKind, Task, TasksDoc};

declare_rule! {
    /// ## What it does
    /// Reports tests planned after the code they test, in three shapes:
    /// - in a user-story phase with no Tests subsection before its first
    ///   Implementation subsection, a Tests subsection (`### Tests for
    ///   User Story 1`) below it (a story that wrote tests first may add
    ///   end-to-end or accessibility tests after the code);
    /// - in the old layout, a Tests phase (`Phase 3.2: Tests First`) after
    ///   a Core phase, when no Tests phase comes before the Core phase;
    /// - in a user-story or Core phase, a test task after the
    ///   implementation task it tests: the test's file is named after the
    ///   implementation's file (`tests/unit/test_user_service.py` tests
    ///   `src/services/user_service.py`; `UserService.test.ts`,
    ///   `UserServiceTests.cs` alike), or the test names the class or
    ///   module (`Unit tests — CommandParserService`) that the
    ///   implementation task names in backticks or in PascalCase.
    ///
    /// A test task inside a Tests subsection, or followed by another task
    /// implementing what it tests, is not reported by the third shape.
    ///
    /// The finding is on the test task that comes too late (the first
    /// task of a late subsection or phase), with the implementation as
    /// related information. Kept conservative: tests in Polish,
    /// Integration and other phases (extra tests after the fact are
    /// fine there), tasks that run or verify tests (`Run the tests`,
    /// `Verify all pass`), and tests already done (the order no longer
    /// matters) pass.
    ///
    /// ## Why is this bad?
    /// Spec Kit plans tests first: written before the code, a test fails
    /// for the right reason and then proves the implementation; written
    /// after it, it tends to describe what the code happens to do.
    ///
    /// ## Example
    /// ```markdown
    /// ### Implementation for User Story 1
    /// - [ ] T012 [US1] Implement UserService in src/services/user_service.py
    /// ### Tests for User Story 1
    /// - [ ] T013 [US1] Unit tests in tests/unit/test_user_service.py
    /// ```
    ///
    /// ## Fix
    /// None: moving tasks renumbers them; move the tests above the
    /// implementation and renumber with the editor's command.
    pub struct TestAfterImplementation { code: "test-after-implementation", severity: Warning }
}

impl Rule for TestAfterImplementation {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        let rows = cx.rows();
        let severity = Self::META.default_severity;
        let mut reported: HashSet<usize> = HashSet::new();
        let report = |test: usize, implementation: usize, message: String, out: &mut Vec<Diagnostic>| {
            let (test_task, implementation_task) = (&doc.tasks[test], &doc.tasks[implementation]);
            out.push(cx.report(severity, file, test_task.id_span(), message).with_related(
                &file.rel,
                implementation_task.id_span(),
                format!("{} implements it", implementation_task.id()),
            ));
        };

        // Tests subsections below the Implementation subsection.
        for phase in doc.phases.iter().filter(|p| p.kind == PhaseKind::UserStory) {
            let with_tasks = || phase.subsections.iter().filter(|s| !s.tasks.is_empty());
            let Some(implementation) = with_tasks().find(|s| s.kind == SubsectionKind::Implementation) else {
                continue;
            };
            // A story that wrote tests first may add more after (end-to-end,
            // accessibility); only a story whose tests all come late is
            // reported here.
            if with_tasks()
                .take_while(|s| !std::ptr::eq(*s, implementation))
                .any(|s| s.kind == SubsectionKind::Tests)
            {
                continue;
            }
            let late_tests = phase.subsections.iter().skip_while(|s| !std::ptr::eq(*s, implementation));
            for tests in late_tests.filter(|s| s.kind == SubsectionKind::Tests) {
                let open: Vec<usize> = tests.tasks.iter().copied().filter(|&t| !rows[t].finished()).collect();
                let Some(&first) = open.first() else { continue };
                reported.extend(tests.tasks.iter());
                let message = format!(
                    "\"{}\" comes after \"{}\" (line {}): tests go before the code they test",
                    tests.title,
                    implementation.title,
                    cx.line(file, implementation.heading.start)
                );
                report(first, implementation.tasks[0], message, out);
            }
        }

        // Old layout: a Tests phase after the Core phase.
        let with_tasks = || doc.phases.iter().filter(|p| !p.tasks.is_empty());
        if let Some(core) = with_tasks().position(|p| p.kind == PhaseKind::Core)
            && !with_tasks().take(core).any(|p| p.kind == PhaseKind::Tests)
        {
            let core_phase = with_tasks().nth(core).expect("found above");
            let late = with_tasks().skip(core + 1).filter(|p| p.kind == PhaseKind::Tests);
            for tests in late {
                let Some(&first) = tests.tasks.iter().find(|&&t| !rows[t].finished()) else { continue };
                reported.extend(tests.tasks.iter());
                let message = format!(
                    "\"{}\" comes after \"{}\" (line {}): tests go before the code they test",
                    tests.title,
                    core_phase.title,
                    cx.line(file, core_phase.heading.start)
                );
                report(first, core_phase.tasks[0], message, out);
            }
        }

        // A test task after the implementation task it tests.
        let slot = file.blocks.as_deref().and_then(FileIndex::of).map(|index| &index.late_tests);
        let mut kept: Vec<Option<PhaseVerdict>> = slot.map(|slot| slot.take()).unwrap_or_default();
        kept.resize_with(doc.phases.len(), || None);
        for (phase, kept) in doc.phases.iter().zip(&mut kept) {
            if !matches!(phase.kind, PhaseKind::UserStory | PhaseKind::Core) {
                *kept = None;
                continue;
            }
            for (test, implementation) in late_tests_in(doc, phase, cx, kept) {
                if reported.insert(test) {
                    let (test_task, implementation_task) = (&doc.tasks[test], &doc.tasks[implementation]);
                    let message = format!(
                        "{} tests what {} (line {}) implements, but comes after it",
                        test_task.id(),
                        implementation_task.id(),
                        cx.line(file, implementation_task.id_span().start)
                    );
                    report(test, implementation, message, out);
                }
            }
        }
        if let Some(slot) = slot {
            slot.put(kept);
        }
    }
}

/// Pairs (test, implementation) of a phase where the test comes after
/// the implementation of what it tests and before no other one (a test
/// followed by its own implementation is a TDD cycle, whatever came
/// before). Tests inside a Tests subsection are the subsection rule's.
/// `kept` is the verdict on the phase in the last analysis: taken when
/// the phase's inputs are the same, else replaced. Also kept in the facts
/// of the phase's first task line for the phase's tasks as they are, for
/// phases that moved: a keystroke in one phase works out that phase alone.
fn late_tests_in(
    doc: &TasksDoc,
    phase: &Phase,
    cx: &Context,
    kept: &mut Option<PhaseVerdict>,
) -> Vec<(usize, usize)> {
    // From the subsections' lists (a task's subsection is one of its
    // phase's, and lists it): no task is read.
    let in_tests_subsection = |task: usize| {
        phase
            .subsections
            .iter()
            .any(|s| s.kind == SubsectionKind::Tests && s.tasks.binary_search(&task).is_ok())
    };
    let stamps = cx.tables().stamps();
    let late = match kept {
        Some((inputs, late)) if inputs.matches(phase, stamps, in_tests_subsection) => late.clone(),
        _ => {
            let late = work_out_late_tests(doc, phase, cx, in_tests_subsection);
            *kept = Some((PhaseTasks::of(phase, stamps, in_tests_subsection), late.clone()));
            late
        }
    };
    late.iter()
        .map(|&(test, implementation)| (phase.tasks[test as usize], phase.tasks[implementation as usize]))
        .collect()
}

/// [`late_tests_in`] worked out (or found in the first task's facts), as
/// positions in the phase.
fn work_out_late_tests(
    doc: &TasksDoc,
    phase: &Phase,
    cx: &Context,
    in_tests_subsection: impl Fn(usize) -> bool + Copy,
) -> Arc<[(u32, u32)]> {
    let (rows, tables) = (cx.rows(), cx.tables());
    // Most phases have no open test outside a tests subsection: find one
    // before working out every task's subjects.
    let checked = |&i: &usize| tables.open_tests[i] && !in_tests_subsection(i);
    let Some(&first) = phase.tasks.first().filter(|_| phase.tasks.iter().any(checked)) else {
        return Arc::new([]);
    };
    let tasks = || phase.tasks.iter().map(|&i| (&doc.tasks[i], rows[i].finished(), in_tests_subsection(i)));
    let facts = BlockFacts::of(&doc.tasks[first].block.scan);
    let stamps = tables.stamps();
    facts.rare().late_tests.get(
        |kept| kept.matches(phase, stamps, in_tests_subsection),
        || (PhaseTasks::of(phase, stamps, in_tests_subsection), late_positions(tasks()).into()),
    )
}

/// A task of a phase: whether it is finished, whether it is in a Tests
/// subsection.
type PhaseInput<'t> = (&'t Task, bool, bool);

/// [`late_tests_in`] of one phase's tasks: positions in the phase.
fn late_positions<'t>(tasks: impl Iterator<Item = PhaseInput<'t>>) -> Vec<(u32, u32)> {
    let tasks: Vec<PhaseInput> = tasks.collect();
    let roles: Vec<Role> = tasks.iter().map(|&(task, _, _)| role(task)).collect();
    // Positions (into `roles`, in order) of the implementations naming
    // each file stem and each code name.
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (at, role) in roles.iter().enumerate() {
        if let Role::Implementation(subjects) = role {
            for &file in &subjects.files {
                by_file.entry(file).or_default().push(at);
            }
            for &name in &subjects.names {
                by_name.entry(name).or_default().push(at);
            }
        }
    }
    let mut out = Vec::new();
    for (at, role) in roles.iter().enumerate() {
        let Role::Test(subjects) = role else { continue };
        let (_, finished, in_tests_subsection) = tasks[at];
        if finished || in_tests_subsection {
            continue;
        }
        // What the test is about, looked up as implementation files (by
        // its own file or a name it gives) and as implementation names
        // (by its file, or a name long enough not to be a common word).
        let implementations = subjects
            .files
            .iter()
            .chain(&subjects.names)
            .filter_map(|key| by_file.get(key))
            .chain(subjects.files.iter().filter_map(|key| by_name.get(key)))
            .chain(subjects.names.iter().filter(|n| n.len() >= 6).filter_map(|key| by_name.get(key)));
        let (mut before, mut after) = (None::<usize>, false);
        for positions in implementations {
            if let Some(&first) = positions.first().filter(|&&p| p < at) {
                before = Some(before.map_or(first, |b| b.min(first)));
            }
            after |= positions.last().is_some_and(|&p| p > at);
        }
        if let (Some(before), false) = (before, after) {
            out.push((at as u32, before as u32));
        }
    }
    out
}

/// What a task is about, folded (`UserService`, `user_service` and
/// `user-service` are all `userservice`), each once. Borrowed from the
/// blocks' facts: a phase of thousands of tasks needs no copies.
#[derive(Default)]
struct Subjects<'f> {
    /// Stems of files: `user_service` of `src/services/user_service.py`,
    /// or of `tests/test_user_service.py` for a test.
    files: Vec<&'f str>,
    /// Code names: backticked words and PascalCase / camelCase words.
    names: Vec<&'f str>,
}

enum Role<'f> {
    Test(Subjects<'f>),
    Implementation(Subjects<'f>),
    Other,
}

/// The paths of a task's line and details, with their facts.
fn role_paths(task: &Task) -> impl Iterator<Item = &(bool, String)> {
    std::iter::once(&task.block).chain(&task.details).flat_map(|b| &RoleFacts::of(&b.scan).paths)
}

fn role(task: &Task) -> Role<'_> {
    let line = RoleFacts::of(&task.block.scan);
    if line.runner {
        return Role::Other;
    }
    let paths: Vec<&(bool, String)> = role_paths(task).collect();
    let is_test = paths.iter().any(|(test, _)| *test) || (line.says_test && paths.is_empty());
    let mut subjects = Subjects::default();
    // A test is about the files it tests, not the fixtures it reads.
    for (_, stem) in paths.iter().filter(|(test, _)| *test || !is_test) {
        if stem.chars().count() >= 4 {
            subjects.files.push(stem);
        }
    }
    for name in &line.names {
        let name = if is_test { strip_test_marks(name) } else { name };
        if name.chars().count() >= 4 {
            subjects.names.push(name);
        }
    }
    for words in [&mut subjects.files, &mut subjects.names] {
        words.sort_unstable();
        words.dedup();
    }
    if is_test {
        Role::Test(subjects)
    } else if paths.is_empty() && subjects.names.is_empty() {
        Role::Other
    } else {
        Role::Implementation(subjects)
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::facts::sparse::FileIndex;
    use crate::model::feature::Feature;
    use crate::testing::check;

    /// Text that changes the verdicts: test tasks naming what earlier
    /// tasks implement, their state, subsections, phases.
    const FRAGMENTS: &[&str] = &[
        "\n",
        "- [ ] T0100 [US2] Unit test for Item2 model in tests/unit/test_item2.py\n",
        "- [ ] T0101 [US1] Test POST /api/items1 in tests/api/test_items1_post.py\n",
        "- [ ] T0102 [US1] Implement step 5 again in src/services/story1/step_5.py\n",
        "- [ ] T0103 [US3] Test step 6 in tests/services/test_step_6.py\n",
        "- [x] ",
        "### Tests for User Story 3\n\n",
        "### Implementation for User Story 2\n\n",
        "## Phase 9: User Story 7 - More (Priority: P2)\n\n",
        "## Phase 10: Core Implementation\n\n",
        "x",
        "~~",
    ];

    /// What test-after-implementation keeps of each phase of tasks.md
    /// after an analysis: the late tests it found.
    fn kept_verdicts(feature: &Feature) -> Vec<Option<Vec<(u32, u32)>>> {
        crate::analysis::analyze(feature, &crate::analysis::RuleConfig::default());
        let (file, _) = feature.tasks().expect("a tasks.md");
        let index = file.blocks.as_deref().and_then(FileIndex::of).expect("tasks.md has blocks");
        index
            .late_tests
            .read(|kept| kept.iter().map(|verdict| verdict.as_ref().map(|(_, late)| late.to_vec())).collect())
    }

    /// Edits anywhere in tasks.md, with an analysis after each: the
    /// verdicts kept per phase are those of the same text loaded fresh.
    #[test]
    fn verdicts_kept_across_edits_equal_fresh_ones() {
        for seed in [3, 17] {
            crate::testing::typing_keeps_what_loading_finds(seed, 120, FRAGMENTS, seed == 17, kept_verdicts);
        }
    }

    const CODE: &str = "test-after-implementation";

    #[test]
    fn a_tests_subsection_below_the_implementation() {
        let text = "## Phase 3: User Story 1 - Login (P1)\n\n### Implementation for User Story 1\n\n\
                    - [ ] T012 [US1] Implement login in src/api/login.py\n\n### Tests for User Story 1\n\n\
                    - [ ] T013 [P] [US1] Contract test in tests/contract/test_login.py\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:9: \"Tests for User Story 1\" comes after \"Implementation for User Story 1\" (line 3): \
                 tests go before the code they test"
            ]
        );
    }

    #[test]
    fn a_tests_phase_after_the_core_phase() {
        let text = "## Phase 3.1: Setup\n\n- [ ] T001 Init\n\n## Phase 3.2: Core Implementation\n\n\
                    - [ ] T002 Implement X in src/x.py\n\n## Phase 3.3: Tests\n\n- [ ] T003 Unit test in tests/test_y.py\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:11: \"Phase 3.3: Tests\" comes after \"Phase 3.2: Core Implementation\" (line 5): \
                 tests go before the code they test"]
        );
    }

    #[test]
    fn a_test_task_after_the_task_it_tests() {
        let text = "## Phase 3: User Story 1\n\n- [ ] T010 [US1] Implement UserService in src/services/user_service.py\n\
                    - [ ] T011 [US1] Create login form in src/ui/login.tsx\n\
                    - [ ] T012 [US1] Unit tests in tests/unit/test_user_service.py\n\
                    - [ ] T013 [US1] Unit tests for `LoginForm`\n\
                    - [ ] T014 [US1] Run the tests in tests/unit/\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:5: T012 tests what T010 (line 3) implements, but comes after it"]
        );
    }

    #[test]
    fn later_test_subsections_after_tests_first_pass() {
        let text = "## Phase 3: User Story 4\n\n### Contract Tests for User Story 4\n\n- [ ] T001 [US4] tests/a_test.dart\n\n\
                    ### Implementation for User Story 4\n\n- [ ] T002 [US4] Implement lib/b.dart\n\n\
                    ### Accessibility Tests for User Story 4\n\n- [ ] T003 [US4] tests/c_test.dart\n";
        assert_eq!(check(CODE, &[("tasks.md", text)]), Vec::<String>::new());
    }

    #[test]
    fn dotted_file_names_match_the_right_task_and_path_words_match_nothing() {
        let text = "## Phase 3: User Story 1\n\n- [ ] T007 [US1] Implement `load` in `pkg/src/i18n.loader.ts`\n\
                    - [ ] T008 [US1] Implement `t` in `pkg/src/i18n.translator.ts`\n\
                    - [ ] T009 [US1] Create `AnnotationConfig` in `lib/src/agentic/models/annotation_config.dart`\n\
                    - [ ] T010 [US1] Unit test in `pkg/tests/unit/i18n.translator.test.ts`\n\
                    - [ ] T011 [US1] Unit tests for `ChartHistory` in `test/unit/agentic/services/chart_history_test.dart`\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:6: T010 tests what T008 (line 4) implements, but comes after it"]
        );
    }

    #[test]
    fn a_test_before_its_own_implementation_is_a_tdd_cycle() {
        let text = "## Phase 3: User Story 5\n\n- [ ] T189 [US5] Enhance copy button in LLMSidePanel\n\
                    - [ ] T192 [US5] Component tests for pagination in `tests/LLMSidePanel.test.tsx`\n\
                    - [ ] T195 [US5] Add pagination to LLMSidePanel\n";
        assert_eq!(check(CODE, &[("tasks.md", text)]), Vec::<String>::new());
    }

    #[test]
    fn named_classes_match_heading_tasks() {
        let text = "## Phase 1: Core Model & API\n\n### T01: Implement `:publish` parsing in CommandParserService\n\n\
                    ### T02: Unit tests — CommandParserService\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:5: T02 tests what T01 (line 3) implements, but comes after it"]
        );
    }

    #[test]
    fn tests_first_polish_tests_and_done_tests_pass() {
        let text = "## Phase 3: User Story 1\n\n### Tests for User Story 1\n\n\
                    - [ ] T010 [US1] Unit tests in tests/unit/test_user_service.py\n\n\
                    ### Implementation for User Story 1\n\n\
                    - [ ] T011 [US1] Implement UserService in src/services/user_service.py\n\
                    - [x] T012 [US1] UserService.test.ts edge cases in tests/UserService.test.ts\n\n\
                    ## Phase 4: Polish\n\n- [ ] T020 Unit tests in tests/unit/test_user_service.py\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
        let old = "## Phase 3.2: Tests First\n\n- [ ] T001 Test in tests/test_a.py\n\n## Phase 3.3: Core\n\n\
                   - [ ] T002 Implement src/a.py\n\n## Phase 3.6: Integration Tests\n\n- [ ] T003 tests/test_b.py\n";
        assert!(check(CODE, &[("tasks.md", old)]).is_empty());
    }
}
