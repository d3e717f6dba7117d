//! What a heading says about a phase: `## Phase 3.2: Tests First (TDD)`,
//! `## Phase 3: User Story 1 - Login (Priority: P1) 🎯 MVP`,
//! `# Milestone A · Foundations`, `## Phase 1 — Domain 层`, `## Fase 2: ...`.

use crate::model::ids::MAX_STORY_DIGITS;
use serde::Serialize;

/// What kind of work a phase holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseKind {
    Setup,
    Foundational,
    Tests,
    Core,
    Integration,
    Polish,
    UserStory,
    Convergence,
    Other,
}

/// What a subsection of a phase holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SubsectionKind {
    Tests,
    Implementation,
    Other,
}

/// A phase heading's parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseTitle {
    /// `3.2`, `1`, `N`, `A`.
    pub number: Option<String>,
    pub kind: PhaseKind,
    pub story: Option<u32>,
    pub priority: Option<u32>,
    pub mvp: bool,
}

const PHASE_WORDS: &[&str] =
    &["Phase", "PHASE", "phase", "Milestone", "Fase", "Stage", "Etapa", "阶段", "フェーズ"];

/// Parse a heading title that names a phase; `None` for other headings.
pub fn parse_phase_title(title: &str) -> Option<PhaseTitle> {
    let title = title.trim_start_matches(|c: char| !c.is_alphanumeric()).trim_start();
    let rest = PHASE_WORDS.iter().find_map(|w| title.strip_prefix(w))?;
    let rest = rest.trim_start();
    let number_len = rest
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || *c == '.')
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let number = rest[..number_len].trim_end_matches('.');
    let is_number = number.chars().next().is_some_and(|c| c.is_ascii_digit())
        || (number.len() == 1 && number.chars().all(|c| c.is_ascii_uppercase()));
    if !is_number {
        return None;
    }
    let after = &rest[number_len..];
    // "Phase 1: Setup", "Phase 1 – Core", "Phase 1 (Days 0-1)", "Phase 1".
    let separated = after.is_empty() || after.starts_with([' ', ':', '：', '(', '-', '—', '–', '·', '\t']);
    if !separated {
        return None;
    }
    let name = after.trim_start_matches([' ', ':', '：', '-', '—', '–', '·', '\t']);
    Some(describe(number, name))
}

fn describe(number: &str, name: &str) -> PhaseTitle {
    let story = story_in(name);
    let kind = if story.is_some() { PhaseKind::UserStory } else { kind_of(main_title(name)) };
    PhaseTitle {
        number: Some(number.to_string()),
        kind,
        story,
        priority: priority_in(name),
        mvp: name.contains("MVP") || name.contains('🎯'),
    }
}

/// The title before any qualifier: `Core Implementation (ONLY after tests
/// are failing)` is about core work, not tests.
fn main_title(name: &str) -> &str {
    let cut = [" (", " – ", " - ", " — ", "⚠", " **"].iter().filter_map(|sep| name.find(sep)).min();
    match cut {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

/// The kind a heading's title suggests, for sections not named as phases.
pub fn kind_of_title(title: &str) -> PhaseKind {
    kind_of(main_title(title))
}

fn kind_of(main: &str) -> PhaseKind {
    let lower = main.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["convergence"]) {
        PhaseKind::Convergence
    } else if has(&["setup", "set up", "set-up", "initiali", "preparation", "scaffold", "bootstrap"]) {
        PhaseKind::Setup
    } else if has(&["foundation", "prerequisite", "blocking"]) {
        PhaseKind::Foundational
    } else if has(&["test", "tdd", "red phase"]) {
        PhaseKind::Tests
    } else if has(&["core", "implementation", "models", "services", "domain"]) {
        PhaseKind::Core
    } else if has(&["integration", "wiring"]) {
        PhaseKind::Integration
    } else if has(&[
        "polish",
        "cross-cutting",
        "quality",
        "documentation",
        "hardening",
        "cleanup",
        "release",
        "validation",
        "verification",
    ]) {
        PhaseKind::Polish
    } else {
        PhaseKind::Other
    }
}

/// `User Story 2`, `Historia de Usuario 2`, `Story 2`, `US2`.
pub fn story_in(text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    for phrase in ["user story", "historia de usuario", "story", "用户故事", "ユーザーストーリー"]
    {
        if let Some(at) = lower.find(phrase) {
            let tail = lower[at + phrase.len()..].trim_start_matches([' ', '-', '#']);
            let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
            if !digits.is_empty() {
                return story_number(&digits);
            }
        }
    }
    let at = text.find("US")?;
    let digits: String = text[at + 2..].chars().take_while(|c| c.is_ascii_digit()).collect();
    let starts_word = at == 0 || !text[..at].chars().next_back().is_some_and(char::is_alphanumeric);
    (starts_word && !digits.is_empty()).then(|| story_number(&digits)).flatten()
}

/// A story number a `[USn]` label can carry, or none.
fn story_number(digits: &str) -> Option<u32> {
    (digits.len() <= MAX_STORY_DIGITS).then(|| digits.parse().ok()).flatten()
}

/// `(Priority: P1)`, `P2`, `MVP P1`.
pub fn priority_in(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let starts_word = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if !starts_word || bytes[i] != b'P' {
            return None;
        }
        let digits = bytes[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        let ends_word = bytes.get(i + 1 + digits).is_none_or(|b| !b.is_ascii_alphanumeric());
        (digits > 0 && digits <= 2 && ends_word).then(|| text[i + 1..i + 1 + digits].parse().ok()).flatten()
    })
}

/// A subsection heading inside a phase.
pub fn subsection_kind(title: &str) -> SubsectionKind {
    let lower = title.to_lowercase();
    if lower.contains("implementation") || lower.contains("green") || lower.contains("implementación") {
        SubsectionKind::Implementation
    } else if lower.contains("test") || lower.contains("(red)") || lower.starts_with("red") {
        SubsectionKind::Tests
    } else {
        SubsectionKind::Other
    }
}

/// Headings of sections that talk about tasks rather than list them:
/// there, `- T008 blocks T009` is a statement.
pub fn is_prose_section(title: &str) -> bool {
    let lower = title.to_lowercase();
    [
        "dependenc",
        "parallel",
        "execution",
        "order",
        "notes",
        "summary",
        "strategy",
        "example",
        "checklist",
        "overview",
        "format",
        "convention",
        "validation",
        "graph",
        "timeline",
        "estimate",
        "mvp",
        "incremental",
        "dependencia",
        "paralel",
        "resumen",
        "notas",
    ]
    .iter()
    .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(title: &str) -> Option<(PhaseKind, Option<u32>, Option<u32>)> {
        parse_phase_title(title).map(|p| (p.kind, p.story, p.priority))
    }

    #[test]
    fn real_phase_headings() {
        use PhaseKind::*;
        assert_eq!(kind("Phase 1: Setup (Shared Infrastructure)"), Some((Setup, None, None)));
        assert_eq!(kind("Phase 2: Foundational (Blocking Prerequisites)"), Some((Foundational, None, None)));
        assert_eq!(
            kind("Phase 3.2: Tests First (TDD) ⚠️ MUST COMPLETE BEFORE 3.3"),
            Some((Tests, None, None))
        );
        assert_eq!(
            kind("Phase 3.2: Tests First (TDD) – all tests must fail before implementation"),
            Some((Tests, None, None))
        );
        assert_eq!(
            kind("Phase 3.3: Core Implementation (ONLY after tests are failing)"),
            Some((Core, None, None))
        );
        assert_eq!(kind("Phase 3.4: Integration"), Some((Integration, None, None)));
        assert_eq!(kind("Phase 3.5: Polish & Verification"), Some((Polish, None, None)));
        assert_eq!(kind("Phase N: Polish & Cross-Cutting Concerns"), Some((Polish, None, None)));
        assert_eq!(
            kind("Phase 3: User Story 1 - [Title] (Priority: P1) MVP"),
            Some((UserStory, Some(1), Some(1)))
        );
        assert_eq!(
            kind("Phase 2: Historia de Usuario 1 — Modal (Priority: P1) 🎯 MVP"),
            Some((UserStory, Some(1), Some(1)))
        );
        assert_eq!(
            kind("Phase 2: User Story 1 (P1) - Find Available Time Slots 🎯 MVP"),
            Some((UserStory, Some(1), Some(1)))
        );
        assert_eq!(kind("Milestone A · Foundations"), Some((Foundational, None, None)));
        assert_eq!(kind("Phase 1 — Domain 层（SPEC-200）"), Some((Core, None, None)));
        assert_eq!(kind("Phase 0 – Preparation"), Some((Setup, None, None)));
        assert_eq!(kind("Phases overview"), None);
        assert_eq!(kind("Phase Dependencies"), None);
        assert_eq!(kind("Tasks"), None);
    }

    #[test]
    fn story_numbers_longer_than_a_label_name_no_story() {
        assert_eq!(story_in("User Story 9999 - Big"), Some(9999));
        assert_eq!(story_in("User Story 144444 - Manage users"), None);
        assert_eq!(story_in("US123456"), None);
    }

    #[test]
    fn subsections_and_prose() {
        assert_eq!(subsection_kind("Tests for User Story 1 ⚠️"), SubsectionKind::Tests);
        assert_eq!(subsection_kind("Implementation for User Story 1"), SubsectionKind::Implementation);
        assert_eq!(subsection_kind("Implementation (Green)"), SubsectionKind::Implementation);
        assert!(is_prose_section("Dependencies & Execution Order"));
        assert!(!is_prose_section("Phase 1: Setup"));
    }
}
