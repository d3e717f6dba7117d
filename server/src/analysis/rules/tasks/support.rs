//! Small helpers several task-line rules share.

use crate::model::blocks::ScannedBlock;
use crate::model::tasks::Task;
use crate::text::Span;

/// The blocks that start at `start` or later and end by `end`, found by
/// binary search: blocks are in document order.
pub(super) fn blocks_within(
    blocks: &[ScannedBlock],
    start: usize,
    end: usize,
) -> impl Iterator<Item = &ScannedBlock> {
    let first = blocks.partition_point(|b| b.start < start);
    blocks[first..].iter().take_while(move |b| b.start <= end).filter(move |b| b.span().end <= end)
}

/// The span of a `[P]` on the task's line with one space next to it, so
/// that removing it leaves the line well spaced. `None` when the task is
/// parallel only by a `**Parallel**: Yes` detail.
pub(super) fn parallel_label_removal(task: &Task) -> Option<Span> {
    let label = task.line().parallel?;
    let text = &task.block.scan.text;
    let span = if text[..label.start].ends_with(' ') {
        Span::new(label.start - 1, label.end)
    } else if text[label.end..].starts_with(' ') {
        Span::new(label.start, label.end + 1)
    } else {
        label
    };
    Some(task.block.abs(span))
}

/// Every story a phase heading names: `User Story 2` gives `[2]`, `User
/// Stories 2 & 3` and `US2 + US3` give `[2, 3]`, `Historia de Usuario 1`
/// gives `[1]`. Sorted, without repeats.
pub(super) fn stories_named(title: &str) -> Vec<u32> {
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
