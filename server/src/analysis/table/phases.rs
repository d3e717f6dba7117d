//! What the rules read of each phase of tasks.md, kept with the
//! [`Tables`](super::Tables) across analyses: the stories its title names
//! (read anew only for titles that changed: 400 phase titles lowercased
//! and searched cost some 100 µs per keystroke), and the story it gives
//! its tasks (which tells whether the rows' stories can stay).

use crate::model::tasks::{PhaseKind, TasksDoc};

/// The phases of one tasks.md, in order.
#[derive(Clone, Default)]
pub(crate) struct Phases {
    entries: Vec<PhaseEntry>,
}

#[derive(Clone)]
struct PhaseEntry {
    title: std::sync::Arc<str>,
    /// [`stories_named`] of the title.
    named: Box<[u32]>,
    /// The story the phase gives its unlabelled tasks (a user-story
    /// phase's), and its tasks, when they are the run `first..first +
    /// len`.
    gives: Option<(Option<u32>, usize, usize)>,
}

impl Phases {
    /// Bring the entries to the phases of `doc`; whether every phase gives
    /// the same story to the same run of tasks as before.
    pub fn update(&mut self, doc: &TasksDoc) -> bool {
        let mut same = self.entries.len() == doc.phases.len();
        self.entries.truncate(doc.phases.len());
        for (index, phase) in doc.phases.iter().enumerate() {
            let story = phase.story.filter(|_| phase.kind == PhaseKind::UserStory);
            let run = match (phase.tasks.first(), phase.tasks.last()) {
                (Some(&first), Some(&last)) => {
                    (last + 1 - first == phase.tasks.len()).then_some((first, last + 1 - first))
                }
                _ => Some((0, 0)),
            };
            let gives = run.map(|(first, len)| (story, first, len));
            match self.entries.get_mut(index) {
                Some(entry) => {
                    same &= gives.is_some() && entry.gives == gives;
                    entry.gives = gives;
                    if entry.title != phase.title {
                        entry.title = phase.title.clone();
                        entry.named = stories_named(&phase.title).into();
                    }
                }
                None => {
                    same = false;
                    let named = stories_named(&phase.title).into();
                    self.entries.push(PhaseEntry { title: phase.title.clone(), named, gives });
                }
            }
        }
        same
    }

    /// The stories the title of phase `phase` names ([`stories_named`]).
    pub fn named(&self, phase: usize) -> &[u32] {
        &self.entries[phase].named
    }

    /// What every phase's title names, for tests.
    #[cfg(test)]
    pub fn all_named(&self) -> Vec<&[u32]> {
        self.entries.iter().map(|entry| &*entry.named).collect()
    }
}

/// Every story a phase heading names: `User Story 2` gives `[2]`, `User
/// Stories 2 & 3` and `US2 + US3` give `[2, 3]`, `Historia de Usuario 1`
/// gives `[1]`. Sorted, without repeats.
pub(crate) fn stories_named(title: &str) -> Vec<u32> {
    let lower = title.to_lowercase();
    let mut out = Vec::new();
    for keyword in ["stories", "story", "historias de usuario", "historia de usuario"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(keyword) {
            let start = from + at + keyword.len();
            from = start;
            numbers_after(&lower[start..], &mut out);
        }
    }
    let bytes = title.as_bytes();
    let mut from = 0;
    while let Some(at) = title[from..].find("US") {
        let at = from + at;
        from = at + 2;
        if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let tail = title[at + 2..].trim_start_matches('-');
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() && !tail[digits.len()..].starts_with(|c: char| c.is_alphanumeric()) {
            out.extend(digits.parse::<u32>().ok());
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `1`, `2 & 3`, `2, 3 and 4` at the start of `text`.
fn numbers_after(mut text: &str, out: &mut Vec<u32>) {
    loop {
        text = text.trim_start_matches([' ', ',', '&', '+', '/', '#']);
        for word in ["and ", "y ", "et "] {
            if let Some(rest) = text.strip_prefix(word) {
                text = rest;
            }
        }
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return;
        }
        out.extend(text[..digits].parse::<u32>().ok());
        text = &text[digits..];
    }
}

#[cfg(test)]
mod tests {
    use super::stories_named;

    #[test]
    fn stories_in_real_phase_headings() {
        assert_eq!(stories_named("Phase 3: User Story 1 - Login (Priority: P1) 🎯 MVP"), [1]);
        assert_eq!(stories_named("Phase 5: User Stories 2 & 3 - Reports"), [2, 3]);
        assert_eq!(stories_named("Phase 5: US2 + US3 (P2)"), [2, 3]);
        assert_eq!(stories_named("Phase 2: Historia de Usuario 1 — Modal"), [1]);
        assert_eq!(stories_named("Phase 2: Foundational **BLOCKS ALL USER STORIES**"), Vec::<u32>::new());
        assert_eq!(stories_named("Phase 4: User Story 2 (P2), builds on US1"), [1, 2]);
        assert!(stories_named("Phase 1: Setup for USB devices").is_empty());
    }
}
