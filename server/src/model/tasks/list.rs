//! The tasks of one version of a tasks.md, in order, sharing the tasks an
//! edit left as they were with the version before.
//!
//! A keystroke in a task's description moves every task after it (their
//! offsets change) and leaves the ones before it alone. Copying every task
//! for each keystroke cost a quarter of a millisecond at 10k tasks and
//! 1.5 ms at 50k: each copy takes a reference to the task's block. A list
//! is a run of tasks it may share with other versions (the head) followed
//! by tasks of its own (the tail); the next version shares the head up to
//! the first task the edit moved, and copies only the rest.

use std::iter::Chain;
use std::ops::Range;
use std::slice::Iter;
use std::sync::Arc;

use super::Task;

/// Tasks in document order.
#[derive(Clone, Default)]
pub struct TaskList {
    /// Tasks shared with other versions: this list's first `shared` tasks
    /// are the first of these.
    head: Arc<[Task]>,
    shared: usize,
    /// The tasks after those, this version's own.
    tail: Vec<Task>,
}

impl TaskList {
    pub fn new(tasks: Vec<Task>) -> Self {
        TaskList { shared: tasks.len(), head: tasks.into(), tail: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.shared + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, index: usize) -> Option<&Task> {
        match index.checked_sub(self.shared) {
            None => Some(&self.head[index]),
            Some(in_tail) => self.tail.get(in_tail),
        }
    }

    pub fn first(&self) -> Option<&Task> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&Task> {
        self.len().checked_sub(1).and_then(|last| self.get(last))
    }

    pub fn iter(&self) -> Chain<Iter<'_, Task>, Iter<'_, Task>> {
        self.head[..self.shared].iter().chain(self.tail.iter())
    }

    /// The tasks of `range`, in order.
    pub fn range(&self, range: Range<usize>) -> Chain<Iter<'_, Task>, Iter<'_, Task>> {
        let (in_head, in_tail) = self.split(range);
        self.head[in_head].iter().chain(self.tail[in_tail].iter())
    }

    /// The index of the first task for which `before` is false, the tasks
    /// being those for which it holds and then the others (as
    /// [`slice::partition_point`]).
    pub fn partition_point(&self, before: impl Fn(&Task) -> bool) -> usize {
        self.partition_point_in(0..self.len(), before)
    }

    /// [`TaskList::partition_point`] among the tasks of `range`: an index
    /// in it, or its end.
    pub fn partition_point_in(&self, range: Range<usize>, before: impl Fn(&Task) -> bool) -> usize {
        let (in_head, in_tail) = self.split(range.clone());
        let head_end = in_head.end;
        let point = in_head.start + self.head[in_head].partition_point(&before);
        if point < head_end || range.end <= self.shared {
            return point;
        }
        self.shared + in_tail.start + self.tail[in_tail].partition_point(before)
    }

    /// `range` as ranges of the head and of the tail.
    fn split(&self, range: Range<usize>) -> (Range<usize>, Range<usize>) {
        let in_head = range.start.min(self.shared)..range.end.min(self.shared);
        let in_tail = range.start.max(self.shared) - self.shared..range.end.max(self.shared) - self.shared;
        (in_head, in_tail)
    }

    /// The next version's list: this one's first `keep` tasks, unchanged,
    /// followed by `moved`. Shares what of those `keep` this list shares;
    /// when most of them are in this list's own tail (typing moved on
    /// through the document), the new list becomes one shared run instead,
    /// so the versions after it share up to where they are edited.
    pub fn followed(&self, keep: usize, moved: impl Iterator<Item = Task>) -> Self {
        let shared = keep.min(self.shared);
        let mut tail: Vec<Task> = self.tail[..keep - shared].to_vec();
        tail.extend(moved);
        let copied_unchanged = keep - shared;
        if copied_unchanged > tail.len() - copied_unchanged {
            let mut all = self.head[..shared].to_vec();
            all.append(&mut tail);
            return TaskList::new(all);
        }
        TaskList { head: self.head.clone(), shared, tail }
    }
}

impl std::ops::Index<usize> for TaskList {
    type Output = Task;

    fn index(&self, index: usize) -> &Task {
        self.get(index).unwrap_or_else(|| panic!("task {index} of a list of {}", self.len()))
    }
}

impl<'a> IntoIterator for &'a TaskList {
    type Item = &'a Task;
    type IntoIter = Chain<Iter<'a, Task>, Iter<'a, Task>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// Equal when the tasks are, wherever they are kept.
impl PartialEq for TaskList {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for TaskList {}

impl std::fmt::Debug for TaskList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::blocks::BlockList;
    use crate::model::tasks::TasksDoc;

    /// Twenty distinct tasks to build lists from.
    fn tasks() -> Vec<Task> {
        let text: String = (1..=20).map(|n| format!("- [ ] T{n:03} Task {n}\n")).collect();
        let doc = TasksDoc::from_blocks(&BlockList::parse(&ropey::Rope::from_str(&text)));
        doc.tasks.iter().cloned().collect()
    }

    fn check(list: &TaskList, expected: &[Task]) {
        assert_eq!(list.len(), expected.len());
        assert!(list.iter().eq(expected.iter()), "iter");
        assert!((0..expected.len()).all(|i| list[i] == expected[i] && list.get(i) == Some(&expected[i])));
        assert_eq!(list.get(expected.len()), None);
        for start in 0..=expected.len() {
            for end in start..=expected.len() {
                assert!(list.range(start..end).eq(expected[start..end].iter()), "range {start}..{end}");
                // Partitioned: the range's first `m` tasks, then the others.
                for m in 0..=end - start {
                    let before = |t: &Task| expected[start..start + m].contains(t);
                    assert_eq!(list.partition_point_in(start..end, before), start + m, "{start}..{end}, {m}");
                }
            }
        }
    }

    #[test]
    fn every_edit_place_gives_the_same_tasks_as_a_plain_list() {
        let material = tasks();
        // Versions edited at these places in turn: back, same, forward,
        // far forward (most kept tasks in the tail: one shared run again).
        let places = [12, 12, 5, 5, 9, 19, 2, 0, 20, 17];
        let mut list = TaskList::new(material.clone());
        let mut plain = material.clone();
        check(&list, &plain);
        for (version, &keep) in places.iter().enumerate() {
            // The "moved" tasks: the rest, rotated, so each version differs.
            let mut moved: Vec<Task> = plain[keep..].to_vec();
            let turn = version % moved.len().max(1);
            moved.rotate_left(turn);
            list = list.followed(keep, moved.iter().cloned());
            plain.truncate(keep);
            plain.extend(moved);
            check(&list, &plain);
            assert!(list.shared <= keep.max(list.len()), "shares only unchanged tasks");
        }
    }

    #[test]
    fn typing_at_one_place_copies_only_what_follows_it() {
        let material = tasks();
        let first = TaskList::new(material.clone());
        let second = first.followed(15, material[15..].iter().cloned());
        let third = second.followed(15, material[15..].iter().cloned());
        assert_eq!((second.shared, second.tail.len()), (15, 5));
        assert_eq!((third.shared, third.tail.len()), (15, 5));
        assert!(Arc::ptr_eq(&first.head, &third.head), "the first fifteen are shared");
        // Typing moved on to task 19: the unchanged tasks 15..19 would be
        // copied from the tail; the list becomes one shared run.
        let fourth = third.followed(19, material[19..].iter().cloned());
        assert_eq!((fourth.shared, fourth.tail.len()), (20, 0));
    }
}
