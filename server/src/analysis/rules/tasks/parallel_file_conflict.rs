use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::support::parallel_label_removal;
use crate::analysis::facts::sparse::FileIndex;
use crate::analysis::facts::written::{WrittenPaths, written_paths};
use crate::analysis::facts::{BlockFacts, text_hash};
use crate::analysis::graph::Structure;
use crate::analysis::table::Stamped;
use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::tasks::{Task, TasksDoc};
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports two open `[P]` tasks of the same phase (or, when the phase
    /// has subsections, the same subsection) that touch the same file.
    ///
    /// Paths are compared after normalising (`./src/a.py` is `src/a.py`);
    /// paths on the task line and in its detail bullets count. Not counted
    /// as touching: directories (`src/models/`: two tasks may well add
    /// different files to one folder), the feature's own documents
    /// (spec.md, plan.md, research.md, data-model.md, quickstart.md,
    /// contracts/...), and paths the task only reads, named after "per",
    /// "see", "following", "according to", "based on", "as in", "like" or
    /// "mirroring". Tasks done (or cancelled) take no part: they no longer
    /// run, so they cannot collide with anything.
    ///
    /// Tasks sharing files, directly or through one another, are one
    /// finding, on the second of them; related information lists the
    /// others.
    ///
    /// ## Why is this bad?
    /// `[P]` promises that the task can run at the same time as the other
    /// `[P]` tasks around it: two agents (or people) editing one file at
    /// once produce conflicting changes.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T010 [P] [US1] Contract test POST /users in tests/contract/test_users.py
    /// - [ ] T011 [P] [US1] Contract test GET /users in tests/contract/test_users.py
    /// ```
    ///
    /// ## Fix
    /// Drop `[P]` from every task of the cluster but the first, so they run
    /// one after the other. The fix is safe: it only removes a promise of parallelism, never a
    /// task or an order. It is offered when `[P]` is on the line (not
    /// when the task says `**Parallel**: Yes` below it).
    pub struct ParallelFileConflict { code: "parallel-file-conflict", severity: Error }
}

impl Rule for ParallelFileConflict {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        // Open [P] tasks by (phase, subsection), kept with the document's
        // structure: [P] tasks conflict only within one group.
        let mut hashes = Vec::new();
        // Whether each group shares a path, kept across analyses: a
        // keystroke changes one task, so one group's answer.
        let slot = file.blocks.as_deref().and_then(FileIndex::of).map(|index| &index.parallel_groups);
        let mut kept = slot.map(|slot| slot.take()).unwrap_or_default().into_iter();
        let stamps = cx.tables().stamps();
        let mut answers: Vec<Stamped<bool>> = Vec::with_capacity(kept.len());
        for group in Structure::of(doc).open_parallel_groups() {
            let answer = match kept.next() {
                Some(answer) if answer.holds_for(group, stamps) => answer,
                _ => Stamped::new(group, stamps, shares_a_path(cx, doc, group, &mut hashes)),
            };
            let shares = answer.value;
            answers.push(answer);
            if !shares {
                continue;
            }
            let members: Vec<usize> = group.iter().map(|&index| index as usize).collect();
            let paths: Vec<Cow<[String]>> = members.iter().map(|&i| written_paths(&doc.tasks[i])).collect();
            // Tasks sharing a file, directly or through another task, form
            // one cluster: one finding, whose fix leaves the first [P].
            let mut clusters = Clusters::new(members.len());
            let mut first_toucher: HashMap<&str, usize> = HashMap::new();
            let mut touchers: HashMap<&str, usize> = HashMap::new();
            let mut shared_with: Vec<Option<(usize, &String)>> = vec![None; members.len()];
            for (member, member_paths) in paths.iter().enumerate() {
                for path in member_paths.iter() {
                    *touchers.entry(path).or_default() += 1;
                    match first_toucher.get(path.as_str()) {
                        Some(&earlier) => {
                            shared_with[member] = shared_with[member].or(Some((earlier, path)));
                            clusters.join(earlier, member);
                        }
                        None => {
                            first_toucher.insert(path, member);
                        }
                    }
                }
            }
            for cluster in clusters.groups() {
                let [first, ..] = cluster[..] else { continue };
                // The first member that shares a file with an earlier one.
                let Some((second, (earlier, path))) =
                    cluster.iter().find_map(|&m| shared_with[m].map(|shared| (m, shared)))
                else {
                    continue;
                };
                let task = &doc.tasks[members[second]];
                let earlier_task = &doc.tasks[members[earlier]];
                let rest: Vec<String> = cluster
                    .iter()
                    .filter(|&&m| m != earlier && m != second)
                    .map(|&m| doc.tasks[members[m]].id().to_string())
                    .collect();
                let others = match rest.as_slice() {
                    [] => String::new(),
                    [one] => format!("; {one} shares a file with them too"),
                    [a, b] => format!("; {a} and {b} share files with them too"),
                    [a, b, c] => format!("; {a}, {b} and {c} share files with them too"),
                    [a, b, c, more @ ..] => {
                        format!("; {a}, {b}, {c} and {} more share files with them too", more.len())
                    }
                };
                let message = format!(
                    "{} and {} (line {}) are both [P] and both touch {path}{others}",
                    task.id(),
                    earlier_task.id(),
                    cx.line(file, earlier_task.id_span().start)
                );
                let span = task.line().parallel.map_or(task.id_span(), |p| task.block.abs(p));
                let mut diagnostic = cx.report(Self::META.default_severity, file, span, message);
                for &member in cluster.iter().filter(|&&m| m != second) {
                    let other = &doc.tasks[members[member]];
                    let shared = paths[member]
                        .iter()
                        .find(|p| touchers.get(p.as_str()).is_some_and(|&n| n > 1))
                        .unwrap_or(path);
                    let note = format!("{} [P] touches {shared} too", other.id());
                    diagnostic = diagnostic.with_related(&file.rel, other.id_span(), note);
                }
                let removals: Vec<(Span, &Task)> = cluster[1..]
                    .iter()
                    .map(|&m| &doc.tasks[members[m]])
                    .filter_map(|t| parallel_label_removal(t).map(|span| (span, t)))
                    .collect();
                let title = match removals.as_slice() {
                    [] => None,
                    [(_, one)] => Some(format!("Drop [P] from {}", one.id())),
                    many => Some(format!(
                        "Drop [P] from {} tasks after {}",
                        many.len(),
                        doc.tasks[members[first]].id()
                    )),
                };
                if let Some(title) = title {
                    let edits = removals
                        .iter()
                        .map(|(span, _)| FileEdit {
                            file: file.rel.clone(),
                            span: *span,
                            new_text: String::new(),
                        })
                        .collect();
                    diagnostic =
                        diagnostic.with_fix(Fix { title, applicability: Applicability::Safe, edits });
                }
                out.push(diagnostic);
            }
        }
        if let Some(slot) = slot {
            slot.put(answers);
        }
    }
}

/// Whether two of the tasks write a common file. Hashes first (into
/// `hashes`, a buffer): most parallel groups share nothing, and then no
/// path is compared.
fn shares_a_path(cx: &Context, doc: &TasksDoc, members: &[u32], hashes: &mut Vec<u32>) -> bool {
    hashes.clear();
    for member in members.iter().map(|&member| member as usize) {
        let (task, line, details) = (&doc.tasks[member], &cx.lines()[member], cx.details(member));
        let summaries =
            || std::iter::once(line.summary.written).chain(details.iter().map(|d| d.summary.written));
        if summaries().map(|w| w.count).sum::<u8>() <= 1 {
            // One path or none: its hash is in a summary.
            hashes.extend(summaries().find(|w| w.count == 1).map(|w| w.first));
        } else if details.is_empty() {
            hashes.extend(&WrittenPaths::of_facts(BlockFacts::of(&task.block.scan), &task.block.scan).hashes);
        } else {
            hashes.extend(written_paths(task).iter().map(|p| text_hash(p)));
        }
    }
    hashes.sort_unstable();
    hashes.windows(2).any(|pair| pair[0] == pair[1])
}

/// Union-find over the members of a group; a cluster's root is its
/// first member.
struct Clusters {
    parent: Vec<usize>,
}

impl Clusters {
    fn new(n: usize) -> Self {
        Clusters { parent: (0..n).collect() }
    }

    fn root(&mut self, mut at: usize) -> usize {
        while self.parent[at] != at {
            self.parent[at] = self.parent[self.parent[at]];
            at = self.parent[at];
        }
        at
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.root(a), self.root(b));
        let (low, high) = if a < b { (a, b) } else { (b, a) };
        self.parent[high] = low;
    }

    /// Clusters of two or more members, each in order, by first member.
    fn groups(&mut self) -> Vec<Vec<usize>> {
        let mut by_root: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for member in 0..self.parent.len() {
            let root = self.root(member);
            by_root.entry(root).or_default().push(member);
        }
        by_root.into_values().filter(|members| members.len() > 1).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::analysis::facts::sparse::FileIndex;
    use crate::model::feature::Feature;
    use crate::testing::check;

    const CODE: &str = "parallel-file-conflict";

    /// Text that changes which [P] tasks share a path: [P] tasks writing
    /// the synthetic stories' files, states, labels, headings.
    const FRAGMENTS: &[&str] = &[
        "\n",
        "- [ ] T0100 [P] [US1] Create Item1 model in src/models/item1.py\n",
        "- [ ] T0101 [P] [US2] Again in src/api/items2_post.py\n",
        "- [ ] T0102 [P] Touch src/models/item1.py and src/models/item2.py\n",
        "  - **File**: src/models/item2.py\n",
        " src/models/item1.py ",
        " src/api/items1_post.py ",
        "- [x] ",
        "[P] ",
        "### Implementation for User Story 2\n\n",
        "## Phase 9: User Story 7 - More (Priority: P2)\n\n",
        "x",
        "~~",
    ];

    /// Whether each open [P] group shares a path, as kept after an
    /// analysis.
    fn kept_answers(feature: &Feature) -> Vec<bool> {
        crate::analysis::analyze(feature, &crate::analysis::RuleConfig::default());
        let (file, _) = feature.tasks().expect("a tasks.md");
        let index = file.blocks.as_deref().and_then(FileIndex::of).expect("tasks.md has blocks");
        index.parallel_groups.read(|kept| kept.iter().map(|answer| answer.value).collect())
    }

    /// Edits anywhere in tasks.md, with an analysis after each: the
    /// answers kept per group are those of the same text loaded fresh.
    #[test]
    fn answers_kept_across_edits_equal_fresh_ones() {
        for seed in [5, 23] {
            crate::testing::typing_keeps_what_loading_finds(seed, 120, FRAGMENTS, seed == 23, kept_answers);
        }
    }

    #[test]
    fn two_parallel_tasks_on_one_file() {
        let text = "## Phase 3: User Story 1\n\n\
                    - [ ] T010 [P] [US1] Contract test POST /users in tests/contract/test_users.py\n\
                    - [ ] T011 [P] [US1] Contract test GET /users in ./tests/contract/test_users.py\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T011 and T010 (line 3) are both [P] and both touch tests/contract/test_users.py \
                 [fix: Drop [P] from T011]"]
        );
    }

    #[test]
    fn paths_in_detail_bullets_count() {
        let text = "## Phase 1\n\n- [ ] T001 [P] Add model\n  - **File**: `src/models/user.py`\n\
                    - [ ] T002 [P] Add validation in `src/models/user.py`\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            [
                "tasks.md:5: T002 and T001 (line 3) are both [P] and both touch src/models/user.py [fix: Drop [P] from T002]"
            ]
        );
    }

    #[test]
    fn silent_on_directories_documents_reads_other_groups_and_done_tasks() {
        let text = "## Phase 1: Setup\n\n\
                    - [ ] T001 [P] Create src/models/ per plan.md\n\
                    - [ ] T002 [P] Create src/services/ per plan.md and src/models/\n\
                    - [ ] T003 [P] Add client in src/a.py per research.md and contracts/api.yaml\n\
                    - [ ] T004 [P] Add server in src/b.py following src/a.py\n\
                    - [ ] T005 Edit src/b.py\n\
                    - [x] T006 [P] Done in src/c.py\n- [ ] T007 [P] Open in src/c.py\n\n\
                    ## Phase 2: Core\n\n- [ ] T010 [P] Edit src/a.py\n\n\
                    ### Tests\n\n- [ ] T011 [P] Test src/d.py\n\n### Implementation\n\n- [ ] T012 [P] Write src/d.py\n";
        assert!(check(CODE, &[("tasks.md", text)]).is_empty());
    }

    #[test]
    fn tasks_sharing_files_are_one_finding_whose_fix_keeps_the_first() {
        let text = "## Phase 1\n\n- [ ] T001 [P] a in src/a.py\n- [ ] T002 [P] b in src/a.py and src/b.py\n\
                    - [ ] T003 [P] c in src/b.py\n- [ ] T004 [P] d in src/d.py\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T002 and T001 (line 3) are both [P] and both touch src/a.py; \
                 T003 shares a file with them too [fix: Drop [P] from 2 tasks after T001]"]
        );
    }

    #[test]
    fn a_cluster_joined_by_a_later_task_is_one_finding() {
        let text = "## Phase 1\n\n- [ ] T001 [P] a in src/a.py\n- [ ] T002 [P] b in src/b.py\n\
                    - [ ] T003 [P] c in src/a.py and src/b.py\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:5: T003 and T001 (line 3) are both [P] and both touch src/a.py; \
                 T002 shares a file with them too [fix: Drop [P] from 2 tasks after T001]"]
        );
    }

    #[test]
    fn parallel_from_details_has_no_fix() {
        let text = "## Phase 1\n\n- [ ] T001 [P] Edit src/a.py\n- [ ] T002 Edit src/a.py too\n  - **Parallel**: Yes\n";
        assert_eq!(
            check(CODE, &[("tasks.md", text)]),
            ["tasks.md:4: T002 and T001 (line 3) are both [P] and both touch src/a.py"]
        );
    }
}
