//! Semantic tokens: what markdown highlighting cannot know. Task IDs
//! (definitions and references, done or not), `[P]`, story labels, paths,
//! requirement IDs, clarification markers, and the description of a done
//! task (to dim it).
//!
//! Tokens come sorted, never overlap and never cross a line break, so the
//! LSP side only has to delta-encode them.

use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::ids::TaskKey;
use crate::model::scan::MentionKind;
use crate::model::tasks::TasksDoc;
use crate::syntax::BlockKind;
use crate::text::Span;

/// What a token is. The order is the legend's: never reorder, only append.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    TaskId,
    Parallel,
    StoryLabel,
    Path,
    Requirement,
    DoneTask,
    Clarification,
}

impl TokenKind {
    /// Every kind, in legend order.
    pub const ALL: [TokenKind; 7] = [
        TokenKind::TaskId,
        TokenKind::Parallel,
        TokenKind::StoryLabel,
        TokenKind::Path,
        TokenKind::Requirement,
        TokenKind::DoneTask,
        TokenKind::Clarification,
    ];

    /// The token type's name in the legend (stable: themes refer to it).
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::TaskId => "specTaskId",
            TokenKind::Parallel => "specParallel",
            TokenKind::StoryLabel => "specStoryLabel",
            TokenKind::Path => "specPath",
            TokenKind::Requirement => "specRequirement",
            TokenKind::DoneTask => "specDoneTask",
            TokenKind::Clarification => "specClarification",
        }
    }

    /// The token type's index in the legend.
    pub fn index(self) -> u32 {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0) as u32
    }
}

/// Token modifiers, as bits of [`Token::modifiers`] in legend order.
pub mod modifiers {
    /// The ID where the task or requirement is defined.
    pub const DEFINITION: u32 = 1 << 0;
    /// A task (or a reference to one) that is done.
    pub const DONE: u32 = 1 << 1;
    /// Names of the modifiers, in bit order.
    pub const NAMES: [&str; 2] = ["definition", "done"];
}

/// One highlighted piece of text, on one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    pub modifiers: u32,
}

/// The tokens of file `rel`: sorted, non-overlapping, each on one line.
pub fn semantic_tokens(feature: &Feature, rel: &str) -> Vec<Token> {
    let Some(file) = feature.file(rel) else { return Vec::new() };
    let Some(blocks) = file.blocks.as_deref() else { return Vec::new() };
    let tasks = feature.tasks().map(|(_, doc)| doc);
    let done = |key: TaskKey| tasks.and_then(|doc| doc.task(key)).is_some_and(|t| t.done());
    let done_bit = |key: TaskKey| if done(key) { modifiers::DONE } else { 0 };
    // (token, rank): definitions (rank 0) win over mentions (rank 1).
    let mut candidates: Vec<(Token, u8)> = Vec::new();
    let mut push = |span: Span, kind, modifiers, rank| {
        if !span.is_empty() {
            candidates.push((Token { span, kind, modifiers }, rank));
        }
    };
    if let DocModel::Tasks(doc) = &file.model {
        for task in &doc.tasks {
            let line = task.line();
            let bits = modifiers::DEFINITION | if task.done() { modifiers::DONE } else { 0 };
            push(task.id_span(), TokenKind::TaskId, bits, 0);
            if let Some(span) = line.parallel {
                push(task.block.abs(span), TokenKind::Parallel, 0, 0);
            }
            if let Some((_, span)) = line.story {
                push(task.block.abs(span), TokenKind::StoryLabel, 0, 0);
            }
        }
    }
    if let DocModel::Spec(spec) = &file.model {
        for requirement in &spec.requirements {
            push(requirement.id_span, TokenKind::Requirement, modifiers::DEFINITION, 0);
        }
    }
    for block in blocks.iter() {
        if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
            continue;
        }
        for mention in &block.scan.mentions {
            let span = block.abs(mention.span);
            match &mention.kind {
                MentionKind::Task { id } => push(span, TokenKind::TaskId, done_bit(id.key), 1),
                MentionKind::TaskRange { first, last } => {
                    // The ends only: `T004-T007` names two IDs and a dash.
                    push(
                        Span::new(span.start, span.start + first.text.len()),
                        TokenKind::TaskId,
                        done_bit(first.key),
                        1,
                    );
                    push(
                        Span::new(span.end - last.text.len(), span.end),
                        TokenKind::TaskId,
                        done_bit(last.key),
                        1,
                    );
                }
                MentionKind::Story { .. } => push(span, TokenKind::StoryLabel, 0, 1),
                MentionKind::Requirement { .. } => push(span, TokenKind::Requirement, 0, 1),
                MentionKind::Path { .. } => push(span, TokenKind::Path, 0, 1),
                MentionKind::Clarification => push(span, TokenKind::Clarification, 0, 1),
                _ => {}
            }
        }
    }
    candidates.sort_by_key(|(token, rank)| (token.span.start, *rank, std::cmp::Reverse(token.span.end)));
    let mut kept: Vec<Token> = Vec::new();
    for (token, _) in candidates {
        if kept.last().is_none_or(|last| last.span.end <= token.span.start) {
            kept.push(token);
        }
    }
    if let DocModel::Tasks(doc) = &file.model {
        kept = with_done_descriptions(doc, kept);
    }
    split_lines(file, kept)
}

/// Fill the descriptions of done tasks, around the tokens already there,
/// with [`TokenKind::DoneTask`].
fn with_done_descriptions(doc: &TasksDoc, tokens: Vec<Token>) -> Vec<Token> {
    let mut fills = Vec::new();
    for task in doc.tasks.iter().filter(|t| t.done()) {
        let description = task.block.abs(task.line().description_span);
        let mut at = description.start;
        let inside = tokens.iter().filter(|t| t.span.intersects(description));
        for token in inside.chain(std::iter::once(&Token {
            span: Span::empty(description.end),
            kind: TokenKind::DoneTask,
            modifiers: 0,
        })) {
            if token.span.start > at {
                fills.push(Token {
                    span: Span::new(at, token.span.start),
                    kind: TokenKind::DoneTask,
                    modifiers: 0,
                });
            }
            at = at.max(token.span.end);
        }
    }
    let mut all = tokens;
    all.extend(fills);
    all.sort_by_key(|t| t.span.start);
    all
}

/// Cut tokens at line breaks, dropping blank pieces and leading
/// indentation of continuation lines.
fn split_lines(file: &FeatureFile, tokens: Vec<Token>) -> Vec<Token> {
    let mut out = Vec::with_capacity(tokens.len());
    for token in tokens {
        let text = file.document.slice(token.span);
        let mut start = token.span.start;
        for piece in text.split_inclusive('\n') {
            let body = piece.trim_end_matches(['\n', '\r']);
            let lead = body.len() - body.trim_start().len();
            let trimmed = body.trim();
            if !trimmed.is_empty() {
                let from = start + lead;
                out.push(Token { span: Span::new(from, from + trimmed.len()), ..token });
            }
            start += piece.len();
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::feature;

    fn check(files: &[(&str, &str)], rel: &str, expect: Expect) {
        let feature = feature(files);
        let file = feature.file(rel).unwrap();
        let tokens = semantic_tokens(&feature, rel);
        for pair in tokens.windows(2) {
            assert!(pair[0].span.end <= pair[1].span.start, "{pair:?}");
        }
        let shown: Vec<String> = tokens
            .iter()
            .map(|t| {
                let text = file.document.slice(t.span);
                assert!(!text.contains('\n'), "{t:?}");
                let mods: Vec<&str> = modifiers::NAMES
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| t.modifiers & (1 << i) != 0)
                    .map(|(_, n)| *n)
                    .collect();
                let line = file.document.line_of(t.span.start) + 1;
                format!("{line}: {} {text:?} {}", t.kind.name(), mods.join(","))
            })
            .collect();
        expect.assert_eq(&shown.join("\n"));
    }

    #[test]
    fn tasks_labels_paths_and_done_descriptions() {
        let tasks = "## Phase 1\n\n- [x] T001 [P] [US1] Create `src/a.py` for FR-001\n  and more\n- [ ] T002 Use T001 (depends on T001) [NEEDS CLARIFICATION: which?]\n\nT001-T002 before T003\n\n```\n- [ ] T009 in code\n```\n";
        check(
            &[("tasks.md", tasks)],
            "tasks.md",
            expect![[r#"
                3: specTaskId "T001" definition,done
                3: specParallel "[P]" 
                3: specStoryLabel "[US1]" 
                3: specDoneTask "Create `" 
                3: specPath "src/a.py" 
                3: specDoneTask "` for" 
                3: specRequirement "FR-001" 
                4: specDoneTask "and more" 
                5: specTaskId "T002" definition
                5: specTaskId "T001" done
                5: specTaskId "T001" done
                5: specClarification "[NEEDS CLARIFICATION: which?]" 
                7: specTaskId "T001" done
                7: specTaskId "T002" 
                7: specTaskId "T003" "#]],
        );
    }

    #[test]
    fn requirement_definitions_in_spec() {
        let spec =
            "## Requirements\n\n- **FR-001**: System MUST x (see FR-002)\n- **FR-002**: System MUST y\n";
        check(
            &[("spec.md", spec)],
            "spec.md",
            expect![[r#"
                3: specRequirement "FR-001" definition
                3: specRequirement "FR-002" 
                4: specRequirement "FR-002" definition"#]],
        );
    }
}
