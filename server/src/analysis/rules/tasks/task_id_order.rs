use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::ids::TaskKey;

declare_rule! {
    /// ## What it does
    /// Reports task IDs that go backwards in document order: `T012` listed
    /// after `T015`.
    ///
    /// IDs are compared by their number, so `T01`, `T001` and `T-001` are
    /// the same and a task inserted later (`T011a`, `T011.5`) fits right
    /// after `T011`. A file that lists a family's lettered tasks before the
    /// plain one (the failing test `T001a` right before its implementation
    /// `T001`) follows that order on purpose: the rule learns the file's
    /// convention from its families and judges the order against it,
    /// without reporting the convention itself. A repeated ID is `duplicate-task-id`'s business, not
    /// this rule's. One misplaced task gives one finding, not one per task
    /// after it: the rule keeps the longest run of tasks already in order
    /// and reports the others. When a task moved back (`T001 T003 T002
    /// T004`), the finding is on the ID that goes backwards (`T002`); when
    /// one jumped ahead (`T001 T009 T002 ... T008`), it is on that one
    /// (`T009`), since that is the line to move.
    ///
    /// ## Why is this bad?
    /// Readers and agents find tasks by scanning for the next number, and
    /// ranges such as `T004-T007` in the Dependencies section are read by
    /// number: with IDs out of order a range no longer names the tasks
    /// that sit between its ends on the page.
    ///
    /// ## Example
    /// ```markdown
    /// - [ ] T010 Implement login in src/api/login.py
    /// - [ ] T012 Implement logout in src/api/logout.py
    /// - [ ] T011 Add session model in src/models/session.py
    /// ```
    ///
    /// ## Fix
    /// None here: renumbering changes every reference to the moved tasks in
    /// the feature, so it is the editor's renumber command (a refactor,
    /// never applied in bulk), not a quick fix.
    pub struct TaskIdOrder { code: "task-id-order", severity: Warning }
}

impl Rule for TaskIdOrder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, doc)) = cx.tasks() else { return };
        // A repeated ID is duplicate-task-id's finding; its later uses take
        // no part in the order.
        let rows = cx.rows();
        if plainly_in_order(rows.iter().filter(|row| row.first).map(|row| row.key)) {
            return; // the longest ordered run is all of them
        }
        let tasks: Vec<usize> = (0..rows.len()).filter(|&i| rows[i].first).collect();
        let written: Vec<TaskKey> = tasks.iter().map(|&i| rows[i].key).collect();
        let suffix_first = suffix_first_convention(&written);
        let keys: Vec<OrderKey> = written.iter().map(|&k| order_key(k, suffix_first)).collect();
        if keys.is_sorted() {
            return;
        }
        let in_order = longest_ordered_run(&keys);
        let neighbours = Neighbours::new(&in_order);
        let mut at = 0;
        while at < keys.len() {
            if in_order[at] {
                at += 1;
                continue;
            }
            // Neighbouring misplaced tasks in order among themselves (a
            // block pasted in the wrong place) are one finding.
            let (other, relation, note) = match neighbours.of(&keys, at) {
                Neighbour::Before(other) => (other, "after", "a higher ID before it"),
                Neighbour::After(other) => (other, "before", "a lower ID after it"),
            };
            let mut end = at + 1;
            while end < keys.len()
                && !in_order[end]
                && keys[end] >= keys[end - 1]
                && neighbours.of(&keys, end) == neighbours.of(&keys, at)
            {
                end += 1;
            }
            let first = &doc.tasks[tasks[at]];
            let last = &doc.tasks[tasks[end - 1]];
            let other_task = &doc.tasks[tasks[other]];
            let (subject, verb) = if end - at == 1 {
                (first.id().to_string(), "comes")
            } else {
                (format!("{}–{}", first.id(), last.id()), "come")
            };
            let message = format!(
                "{subject} {verb} {relation} {} (line {})",
                other_task.id(),
                cx.line(file, other_task.id_span().start)
            );
            let mut diagnostic = cx
                .report(Self::META.default_severity, file, first.id_span(), message)
                .with_related(&file.rel, other_task.id_span(), note);
            for &index in &tasks[at + 1..end] {
                diagnostic = diagnostic.with_related(&file.rel, doc.tasks[index].id_span(), "moved with it");
            }
            out.push(diagnostic);
            at = end;
        }
    }
}

/// Whether `keys` have no suffix letter and are in order: most files,
/// told in one pass without collecting the keys.
fn plainly_in_order(keys: impl Iterator<Item = TaskKey>) -> bool {
    let mut previous = None;
    for key in keys {
        let key = match key.suffix {
            Some(_) => return false, // the order depends on the file's convention
            None => order_key(key, false),
        };
        if previous.is_some_and(|previous| previous > key) {
            return false;
        }
        previous = Some(key);
    }
    true
}

/// A key as the file orders it: `(number, minor, suffix rank)`.
type OrderKey = (u32, Option<u32>, (u8, u8));

/// Some authors list the failing test `T001a` right before its
/// implementation `T001`, on purpose, through the whole file. That file's
/// order is `T001a, T001, T002a, T002`; others put `T001` first.
fn order_key(key: TaskKey, suffix_first: bool) -> OrderKey {
    let rank = match (key.suffix, suffix_first) {
        (None, false) => (0, 0),
        (Some(letter), false) => (1, letter),
        (Some(letter), true) => (0, letter),
        (None, true) => (1, 0),
    };
    (key.number, key.minor, rank)
}

/// The file's own convention, learned from its suffix families: true when
/// more families list their lettered tasks before the plain one than
/// after it. A consistent convention is not a problem to report.
fn suffix_first_convention(keys: &[TaskKey]) -> bool {
    let lettered = |key: &TaskKey| key.suffix.is_some() && key.minor.is_none();
    if !keys.iter().any(lettered) {
        return false; // most files: no family, and no map of every plain ID per keystroke
    }
    let mut plain_at = std::collections::HashMap::new();
    for (at, key) in keys.iter().enumerate() {
        if key.is_plain() {
            plain_at.entry(key.number).or_insert(at);
        }
    }
    let (mut before, mut after) = (0usize, 0usize);
    for (at, key) in keys.iter().enumerate() {
        if !lettered(key) {
            continue;
        }
        match plain_at.get(&key.number) {
            Some(&plain) if at < plain => before += 1,
            Some(_) => after += 1,
            None => {}
        }
    }
    before > after
}

/// The task that shows an out-of-order task's place is wrong (positions
/// in the run of first uses).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Neighbour {
    /// An earlier in-order task with a higher ID: the task went backwards.
    Before(usize),
    /// A later in-order task with a lower ID: the task jumped ahead.
    After(usize),
}

/// Kept positions are in order, so the nearest kept task before a
/// misplaced one has the highest kept ID before it, and the nearest kept
/// task after it the lowest kept ID after it: comparing with those two is
/// enough, and each is found in constant time.
struct Neighbours {
    before: Vec<Option<usize>>,
    after: Vec<Option<usize>>,
}

impl Neighbours {
    fn new(in_order: &[bool]) -> Self {
        let n = in_order.len();
        let (mut before, mut after) = (vec![None; n], vec![None; n]);
        let mut last = None;
        for i in 0..n {
            before[i] = last;
            if in_order[i] {
                last = Some(i);
            }
        }
        last = None;
        for i in (0..n).rev() {
            after[i] = last;
            if in_order[i] {
                last = Some(i);
            }
        }
        Neighbours { before, after }
    }

    /// Why the task at `index` (not kept) is out of place.
    fn of(&self, keys: &[OrderKey], index: usize) -> Neighbour {
        match self.before[index] {
            Some(before) if keys[before] > keys[index] => Neighbour::Before(before),
            // A task left out of the longest run has a kept task on one
            // side that it contradicts.
            _ => Neighbour::After(self.after[index].unwrap_or(index)),
        }
    }
}

/// Which positions belong to a longest non-decreasing run of `keys` (by
/// position, not necessarily adjacent); among runs of that length, the one
/// that keeps the earliest positions, so a task that moves back is the
/// one left out. O(n log n).
fn longest_ordered_run<K: Ord + Copy>(keys: &[K]) -> Vec<bool> {
    let n = keys.len();
    // from_here[i]: the longest non-decreasing run starting at i, computed
    // right to left as the longest non-increasing run of the reverse.
    let mut from_here = vec![0usize; n];
    // tails[l]: the largest key that starts a run of length l + 1 seen so
    // far (scanning leftwards); kept decreasing.
    let mut tails: Vec<K> = Vec::new();
    for i in (0..n).rev() {
        let key = keys[i];
        // Runs this key can start: those whose first key is >= key.
        let length = tails.partition_point(|&t| t >= key);
        if length == tails.len() {
            tails.push(key);
        } else {
            tails[length] = key;
        }
        from_here[i] = length + 1;
    }
    let best = from_here.iter().copied().max().unwrap_or(0);
    let mut keep = vec![false; n];
    let mut need = best;
    let mut last: Option<K> = None;
    for i in 0..n {
        if need == 0 {
            break;
        }
        if from_here[i] == need && last.is_none_or(|l| keys[i] >= l) {
            keep[i] = true;
            last = Some(keys[i]);
            need -= 1;
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::longest_ordered_run;
    use crate::model::ids::TaskKey;
    use crate::testing::check;

    const CODE: &str = "task-id-order";

    fn tasks(ids: &[&str]) -> String {
        ids.iter().map(|id| format!("- [ ] {id} x\n")).collect()
    }

    #[test]
    fn a_task_moved_back_is_one_finding_on_it() {
        let text = tasks(&["T001", "T003", "T002", "T004"]);
        assert_eq!(check(CODE, &[("tasks.md", &text)]), ["tasks.md:3: T002 comes after T003 (line 2)"]);
    }

    #[test]
    fn a_task_that_jumped_ahead_is_one_finding_not_a_cascade() {
        let text = tasks(&["T001", "T002", "T010", "T003", "T004", "T005", "T006", "T011"]);
        assert_eq!(check(CODE, &[("tasks.md", &text)]), ["tasks.md:3: T010 comes before T003 (line 4)"]);
    }

    #[test]
    fn a_block_pasted_in_the_wrong_place_is_one_finding() {
        let text = tasks(&["T001", "T005", "T006", "T002", "T003", "T004", "T007"]);
        assert_eq!(check(CODE, &[("tasks.md", &text)]), ["tasks.md:2: T005–T006 come before T002 (line 4)"]);
    }

    #[test]
    fn separate_misplaced_tasks_are_separate_findings() {
        let text = tasks(&["T001", "T004", "T002", "T003", "T006", "T005", "T007"]);
        assert_eq!(
            check(CODE, &[("tasks.md", &text)]),
            ["tasks.md:2: T004 comes before T002 (line 3)", "tasks.md:6: T005 comes after T006 (line 5)"]
        );
    }

    #[test]
    fn a_repeated_id_is_left_to_duplicate_task_id() {
        let text = tasks(&["T078", "T079", "T080", "T079", "T080", "T081"]);
        assert!(check(CODE, &[("tasks.md", &text)]).is_empty());
    }

    #[test]
    fn suffixes_decimals_spellings_and_duplicates_are_in_order() {
        let text = tasks(&["T001", "T001a", "T001b", "T02", "T002.5", "T-003", "T003", "T004"]);
        assert!(check(CODE, &[("tasks.md", &text)]).is_empty());
    }

    #[test]
    fn a_file_listing_failing_tests_before_their_implementation_is_in_order() {
        let text = tasks(&["T001a", "T001", "T002", "T003a", "T003", "T004a", "T004b", "T004"]);
        assert!(check(CODE, &[("tasks.md", &text)]).is_empty());
    }

    #[test]
    fn order_problems_are_judged_against_the_files_convention() {
        let text = tasks(&["T001a", "T001", "T002a", "T002", "T004", "T003a", "T003"]);
        assert_eq!(check(CODE, &[("tasks.md", &text)]), ["tasks.md:5: T004 comes before T003a (line 6)"]);
    }

    #[test]
    fn ordered_run_keeps_the_earliest_positions() {
        let key = TaskKey::new;
        let keep = longest_ordered_run(&[key(1), key(3), key(2), key(4)]);
        assert_eq!(keep, [true, true, false, true]);
        assert!(longest_ordered_run::<TaskKey>(&[]).is_empty());
    }
}
