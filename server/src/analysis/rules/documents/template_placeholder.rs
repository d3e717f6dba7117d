use std::collections::HashMap;

use crate::analysis::facts::BlockFacts;
use crate::analysis::table::{BlockRole, BlockWalk};
use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::BlockList;
use crate::model::feature::FeatureFile;
use crate::model::scan::BlockScan;
use crate::syntax::BlockKind;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports template text left unfilled in any markdown file of the
    /// feature: `[FEATURE NAME]`, `[###-feature-name]`, `backend/[file].py`,
    /// `TXXX` and the like.
    ///
    /// It knows the placeholders of Spec Kit's spec, plan, tasks and
    /// checklist templates (`[FEATURE NAME]`, `[FEATURE]`,
    /// `[###-feature-name]`, `[DATE]`, `[Title]`, `[Brief Title]`,
    /// `[Entity1]`, `[language]`, `[framework]`, `[endpoint]`, `[link]`,
    /// `[REMOVE IF UNUSED]`), their sentence placeholders (`[Describe ...]`,
    /// `[Explain ...]`, `[Brief description of ...]`, `[Measurable metric,
    /// e.g., ...]`), placeholders inside paths (`backend/[file].py`,
    /// `tests/contract/test_[name].py`, `specs/[###-feature]/`), the
    /// constitution's `[PROJECT_NAME]` style names, and the tokens `TXXX`,
    /// `__SPECKIT_COMMAND_PLAN__` and `$ARGUMENTS`.
    ///
    /// Each distinct placeholder is reported once per file, at its first
    /// occurrence, with a count when it repeats; placeholders first met in
    /// the same paragraph, table or code block share one finding.
    ///
    /// Real documents are full of brackets, and these are left alone: task
    /// labels (`[P]`, `[US1]`, `[iOS]`, `[RED]`), the format legend
    /// `[ID] [P?] [Story]`, links and references, checkboxes, footnotes,
    /// `[NEEDS CLARIFICATION: ...]` (see `needs-clarification`), array
    /// types (`string[]`), JSON and YAML arrays, indexing in code
    /// (`row[name]`), and HTML comments (the templates' guidance). A generic
    /// `[e.g., ...]` counts only when it fills a whole field, table cell or
    /// list item, as the templates write it: in the middle of a sentence
    /// it is the author's own aside.
    ///
    /// ## Why is this bad?
    /// A placeholder is a decision nobody wrote down. Readers (and agents
    /// generating the next document) take `[language]` or
    /// `backend/[file].py` literally, and a plan that still offers three
    /// `[REMOVE IF UNUSED]` layouts has not chosen one.
    ///
    /// ## Example
    /// ```markdown
    /// # Tasks: [FEATURE NAME]
    ///
    /// - [ ] T012 [P] [US1] Implement backend changes in `backend/[file].py`
    /// ```
    ///
    /// ## Fix
    /// Replace each placeholder with the real value, or delete the template
    /// text that does not apply. For `[###-feature-name]` and
    /// `[###-feature]` a safe fix fills in the feature folder's name
    /// (`004-team-invites`).
    pub struct TemplatePlaceholder { code: "template-placeholder", severity: Warning }
}

/// Placeholders of the templates, matched exactly (case matters:
/// `[Title]` is a placeholder, a `[title]` attribute selector is not).
const NAMES: &[&str] = &[
    "FEATURE NAME",
    "Feature Name",
    "FEATURE",
    "###-feature-name",
    "###-feature",
    "DATE",
    "Title",
    "Brief Title",
    "Entity",
    "Entity1",
    "Entity2",
    "Entity 1",
    "Entity 2",
    "Service",
    "language",
    "framework",
    "REMOVE IF UNUSED",
    "link",
    "endpoint",
    "endpoint/feature",
    "user journey",
    "initial state",
    "action",
    "expected outcome",
    "boundary condition",
    "error scenario",
    "current need",
    "specific problem",
    "CHECKLIST TYPE",
    "Category 1",
    "Category 2",
];

/// Names that stand for part of a path: `backend/[file].py`.
const PATH_NAMES: &[&str] = &[
    "file",
    "name",
    "path",
    "module",
    "entity",
    "entity1",
    "entity2",
    "Entity",
    "service",
    "location",
    "endpoint",
    "feature",
    "component",
    "###-feature",
    "###-feature-name",
];

/// How the templates' sentence placeholders begin, lower-cased.
const PHRASES: &[&str] = &[
    "describe ",
    "explain ",
    "brief description",
    "how to verify",
    "extract from feature spec",
    "document the selected structure",
    "add more user stor",
    "assumption about",
    "dependency on existing",
    "measurable metric",
    "user satisfaction metric",
    "business metric",
    "specific capability",
    "key interaction",
    "data requirement",
    "behavior, e.g.",
    "what it represents",
    "if applicable, e.g.",
    "domain-specific, e.g.",
    "link to spec.md",
    "platform-specific structure",
    "gates determined based on",
    "same as backend above",
    "single/web/mobile",
    "default to option",
    "why 3 projects",
    "why direct db access",
];

/// Last words of the constitution template's `[PROJECT_NAME]` names.
const SNAKE_TAILS: &[&str] = &["NAME", "DESCRIPTION", "CONTENT", "RULES", "VERSION", "DATE", "FILE", "TITLE"];

/// Placeholders the feature folder's own name fills in.
const FEATURE_NAME: &[&str] = &["###-feature-name", "###-feature"];

/// At most this many placeholders are named in one message.
const LISTED: usize = 4;

/// One occurrence of a placeholder.
pub(crate) struct Found {
    /// What the message shows: `[FEATURE NAME]`, `backend/[file].py`.
    key: String,
    /// Absolute span of what is shown.
    span: Span,
    /// Index of the block it was found in.
    block: usize,
    /// Absolute spans of feature-name brackets the safe fix replaces.
    fills: Vec<Span>,
}

impl Rule for TemplatePlaceholder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let fill = feature_number_name(&cx.feature.name);
        for (file, blocks) in cx.feature.markdown_files() {
            let in_tasks = cx.tasks().is_some_and(|(tasks_file, _)| std::ptr::eq(tasks_file, file));
            let walk = cx.block_walk().filter(|_| in_tasks);
            report(cx, file, &placeholders(blocks, walk), fill, out);
        }
    }
}

/// Every placeholder of a markdown document, in order, spans absolute.
/// The placeholders of `blocks`; in tasks.md, `walk` gives the summaries of
/// task lines and details, which say whether they hold any: most do not,
/// and then their facts need no visit.
fn placeholders(blocks: &BlockList, mut walk: Option<BlockWalk>) -> Vec<Found> {
    let mut found = Vec::new();
    for (index, block) in blocks.iter().enumerate() {
        if matches!(block.scan.kind, BlockKind::Html | BlockKind::FrontMatter) {
            continue;
        }
        let summary = walk.as_mut().and_then(|walk| match walk.role(block) {
            BlockRole::Line { facts, .. } => Some(facts.summary),
            BlockRole::Detail { facts, .. } => Some(facts.summary),
            BlockRole::Other => None,
        });
        if summary.is_some_and(|summary| !summary.placeholders) {
            continue;
        }
        for f in in_block(&block.scan) {
            found.push(Found {
                key: f.key.clone(),
                span: block.abs(f.span),
                block: index,
                fills: f.fills.iter().map(|s| block.abs(*s)).collect(),
            });
        }
    }
    found
}

/// The placeholders of one block, with spans relative to it: kept in the
/// block's facts, since most blocks hold none and a re-analysis need not
/// look at their text again.
fn in_block(block: &BlockScan) -> &[Found] {
    block_placeholders(BlockFacts::of(block), block)
}

/// [`in_block`], for a block whose facts are `facts`.
pub(crate) fn block_placeholders<'f>(facts: &'f BlockFacts, block: &BlockScan) -> &'f [Found] {
    facts.placeholders.get_or_init(|| {
        let code = block.kind == BlockKind::Code;
        scan(&block.text, code, block.kind == BlockKind::Paragraph)
    })
}

/// `004-team-invites`: a name `[###-feature-name]` can be replaced with.
fn feature_number_name(name: &str) -> Option<&str> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && name[digits..].starts_with('-') && name.len() > digits + 1).then_some(name)
}

fn report(
    cx: &Context<'_>,
    file: &FeatureFile,
    found: &[Found],
    fill: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    // Distinct placeholders in order of first occurrence.
    let mut order: Vec<&str> = Vec::new();
    let mut all: HashMap<&str, Vec<&Found>> = HashMap::new();
    for f in found {
        all.entry(&f.key)
            .or_insert_with(|| {
                order.push(&f.key);
                Vec::new()
            })
            .push(f);
    }
    // Grouped by the block of their first occurrence.
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut last_block = None;
    for key in order {
        let block = all[key][0].block;
        if last_block == Some(block)
            && let Some(group) = groups.last_mut()
        {
            group.push(key);
        } else {
            groups.push(vec![key]);
        }
        last_block = Some(block);
    }
    for group in groups {
        let first = all[group[0]][0];
        let times = |key: &str| match all[key].len() {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
        let named: Vec<String> =
            group.iter().take(LISTED).map(|key| format!("{key}{}", times(key))).collect();
        let mut message = if group.len() == 1 {
            format!("template placeholder {} left unfilled{}", group[0], times(group[0]))
        } else {
            format!("template placeholders left unfilled: {}", named.join(", "))
        };
        if group.len() > LISTED {
            message.push_str(&format!(" and {} more", group.len() - LISTED));
        }
        let mut diagnostic = cx.report(TemplatePlaceholder::META.default_severity, file, first.span, message);
        let fills: Vec<Span> =
            group.iter().flat_map(|key| all[key].iter().flat_map(|f| f.fills.iter().copied())).collect();
        if let (Some(name), false) = (fill, fills.is_empty()) {
            diagnostic = diagnostic.with_fix(Fix {
                title: format!("Fill in the feature name {name}"),
                applicability: Applicability::Safe,
                edits: fills
                    .into_iter()
                    .map(|span| FileEdit { file: file.rel.clone(), span, new_text: name.to_string() })
                    .collect(),
            });
        }
        out.push(diagnostic);
    }
}

/// Comments and code spans of a block's text.
#[derive(Default)]
struct Regions {
    comments: Vec<Span>,
    code: Vec<Span>,
}

impl Regions {
    fn of(text: &str, code_block: bool) -> Self {
        let mut regions = Regions::default();
        if code_block {
            regions.code.push(Span::new(0, text.len()));
            return regions;
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if text[at..].starts_with("<!--") {
                let end = text[at + 4..].find("-->").map_or(text.len(), |i| at + 4 + i + 3);
                regions.comments.push(Span::new(at, end));
                at = end;
            } else if bytes[at] == b'`' {
                let run = bytes[at..].iter().take_while(|&&b| b == b'`').count();
                let fence = &text[at..at + run];
                match text[at + run..].find(fence) {
                    Some(i) if !text[at + run..at + run + i].contains("\n\n") => {
                        let end = at + run + i + run;
                        regions.code.push(Span::new(at, end));
                        at = end;
                    }
                    _ => at += run,
                }
            } else {
                at += text[at..].chars().next().map_or(1, char::len_utf8);
            }
        }
        regions
    }

    fn in_comment(&self, at: usize) -> bool {
        self.comments.iter().any(|s| s.contains(at))
    }

    fn in_code(&self, at: usize) -> bool {
        self.code.iter().any(|s| s.contains(at))
    }
}

/// Every placeholder of one block's text; spans relative to it.
/// `multi_line` lets a paragraph's bracket run over a line break, as the
/// plan template's `[Document the selected structure ...]` does.
fn scan(text: &str, code_block: bool, multi_line: bool) -> Vec<Found> {
    let regions = Regions::of(text, code_block);
    let mut out = Vec::new();
    tokens(text, &regions, &mut out);
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] != b'[' || regions.in_comment(at) {
            at += 1;
            continue;
        }
        match bracket(text, at, &regions, multi_line) {
            Some((found, end)) => {
                out.push(found);
                at = end;
            }
            None => at += 1,
        }
    }
    out.sort_by_key(|f| f.span.start);
    out
}

/// `TXXX`, `__SPECKIT_COMMAND_PLAN__` and `$ARGUMENTS`.
fn tokens(text: &str, regions: &Regions, out: &mut Vec<Found>) {
    let mut push = |start: usize, len: usize| {
        let span = Span::new(start, start + len);
        out.push(Found { key: text[start..start + len].to_string(), span, block: 0, fills: Vec::new() });
    };
    // Spec Kit writes the command token into code spans and trees too.
    for (start, _) in text.match_indices("__SPECKIT_") {
        let body = text[start + 2..].bytes().take_while(|b| b.is_ascii_uppercase() || *b == b'_').count();
        let token = &text[start..start + 2 + body];
        if token.len() > "__SPECKIT___".len() && token.ends_with("__") && !regions.in_comment(start) {
            push(start, token.len());
        }
    }
    let prose = |at: usize| !regions.in_comment(at) && !regions.in_code(at);
    for (start, _) in text.match_indices("$ARGUMENTS") {
        if prose(start) {
            push(start, "$ARGUMENTS".len());
        }
    }
    for (start, _) in text.match_indices("TXXX") {
        let before = text[..start].chars().next_back();
        let after = text[start + 4..].chars().next();
        if prose(start)
            && !before.is_some_and(char::is_alphanumeric)
            && !after.is_some_and(char::is_alphanumeric)
        {
            push(start, 4);
        }
    }
}

/// The placeholder opened by the `[` at `open`, and where scanning goes on.
fn bracket(text: &str, open: usize, regions: &Regions, multi_line: bool) -> Option<(Found, usize)> {
    let close = closing(text, open, multi_line)?;
    let inner = &text[open + 1..close];
    let before = text[..open].chars().next_back();
    let after = text[close + 1..].chars().next();
    // Links, reference links and definitions, images, footnotes, escapes.
    if matches!(after, Some('(' | '[')) || matches!(before, Some('!' | '\\')) || inner.starts_with('^') {
        return None;
    }
    let line_start = text[..open].rfind('\n').map_or(0, |i| i + 1);
    if after == Some(':') && text[line_start..open].trim().is_empty() {
        return None;
    }
    let collapsed = inner.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() < 2 || collapsed.starts_with("NEEDS CLARIFICATION") {
        return None;
    }
    let in_code = regions.in_code(open);
    let bracket_span = Span::new(open, close + 1);

    if PATH_NAMES.contains(&collapsed.as_str())
        && let Some(token) = path_token(text, open, close)
    {
        let fills = placeholders_in(text, token)
            .filter(|(span, inner)| {
                FEATURE_NAME.contains(inner) && span.start >= token.start && span.end <= token.end
            })
            .map(|(span, _)| span)
            .collect();
        let key = text[token.start..token.end].to_string();
        return Some((Found { key, span: token, block: 0, fills }, token.end));
    }

    // `row[name]`, `items[Entity]`: indexing, not a placeholder.
    let indexing = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']'));
    let lower = collapsed.to_lowercase();
    let is_placeholder = (NAMES.contains(&collapsed.as_str()) && !indexing)
        || PHRASES.iter().any(|p| lower.starts_with(p))
        || (!in_code && is_snake_name(&collapsed))
        || (!in_code && is_generic(&lower) && standalone(text, line_start, open, close));
    if !is_placeholder {
        return None;
    }
    let fills = if FEATURE_NAME.contains(&collapsed.as_str()) { vec![bracket_span] } else { Vec::new() };
    let key = display(&collapsed);
    Some((Found { key, span: bracket_span, block: 0, fills }, close + 1))
}

/// The `]` matching the `[` at `open`: on the same line, or within the
/// paragraph when `multi_line`.
fn closing(text: &str, open: usize, multi_line: bool) -> Option<usize> {
    let line_end = text[open..].find('\n').map_or(text.len(), |i| open + i);
    let limit = if multi_line {
        let paragraph_end = text[open..].find("\n\n").map_or(text.len(), |i| open + i);
        paragraph_end.min(open + 300).min(text.len())
    } else {
        line_end
    };
    let mut depth = 0usize;
    for (i, b) in text.as_bytes()[open..limit].iter().enumerate() {
        match b {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(open + i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The path around a bracket (`backend/[file].py`, `test_[name].py`,
/// `/specs/[###-feature]/`), leading `/` and `./` and trailing
/// punctuation dropped; `None` when the bracket stands alone.
fn path_token(text: &str, open: usize, close: usize) -> Option<Span> {
    let is_path_char = |c: char| {
        c.is_alphanumeric() || matches!(c, '/' | '\\' | '.' | '_' | '-' | '[' | ']' | '#' | '{' | '}')
    };
    let start = text[..open]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_path_char(*c))
        .last()
        .map_or(open, |(i, _)| i);
    let end = text[close + 1..].find(|c: char| !is_path_char(c)).map_or(text.len(), |i| close + 1 + i);
    let mut token = &text[start..end];
    let mut start = start;
    while let Some(rest) = token.strip_prefix("./").or_else(|| token.strip_prefix('/')) {
        start += token.len() - rest.len();
        token = rest;
    }
    let token = token.trim_end_matches(['.', ',', ':', ';']);
    let span = Span::new(start, start + token.len());
    let glued = |c: Option<char>| c.is_some_and(|c| matches!(c, '/' | '\\' | '_' | '-' | '.'));
    let before = text[..open].chars().next_back();
    let after = text[close + 1..span.end.max(close + 1)].chars().next();
    (span.len() > close + 1 - open && (glued(before) || glued(after))).then_some(span)
}

/// Every `[inner]` of `span` of `text`, with its inner text.
fn placeholders_in(text: &str, span: Span) -> impl Iterator<Item = (Span, &str)> {
    let part = &text[span.start..span.end];
    part.match_indices('[').filter_map(move |(i, _)| {
        let close = part[i..].find(']')? + i;
        Some((Span::new(span.start + i, span.start + close + 1), &part[i + 1..close]))
    })
}

/// `[PROJECT_NAME]`, `[PRINCIPLE_1_DESCRIPTION]`: the constitution
/// template's names.
fn is_snake_name(inner: &str) -> bool {
    let Some((_, tail)) = inner.rsplit_once('_') else { return false };
    inner.starts_with(|c: char| c.is_ascii_uppercase())
        && inner.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && SNAKE_TAILS.contains(&tail)
}

/// Shapes of the templates' hints that real text also uses: only
/// placeholders when they fill a whole slot.
fn is_generic(lower: &str) -> bool {
    lower.starts_with("e.g.") || lower.contains(", e.g.") || lower.ends_with("or needs clarification")
}

/// The bracket fills its line, list item, `**Field**:` value or table cell.
fn standalone(text: &str, line_start: usize, open: usize, close: usize) -> bool {
    let emphasis = |c: char| c.is_whitespace() || c == '*' || c == '_';
    let before = text[line_start..open].trim_end_matches(emphasis);
    let line_end = text[close..].find('\n').map_or(text.len(), |i| close + i);
    let after = text[close + 1..line_end].trim_start_matches(emphasis);
    let before_ok = before.is_empty()
        || before.ends_with(':')
        || before.ends_with('|')
        || before
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '-' | '*' | '+' | '>' | '#' | '.' | ')' | ' '));
    let after_ok =
        after.is_empty() || after.starts_with('|') || after.chars().all(|c| matches!(c, '.' | ',' | ';'));
    before_ok && after_ok
}

/// `[inner]`, shortened when long.
fn display(inner: &str) -> String {
    if inner.chars().count() > 48 {
        format!("[{}…]", inner.chars().take(45).collect::<String>().trim_end())
    } else {
        format!("[{inner}]")
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::placeholders;
    use crate::analysis::rules::testing::{check, feature};
    use crate::analysis::{RuleConfig, analyze};
    use crate::model::file::MarkdownFile;
    use crate::text::Span;

    fn run(rel: &str, text: &str) -> Vec<String> {
        check("template-placeholder", &[(rel, text)])
    }

    #[test]
    fn fires_once_per_placeholder_with_a_count() {
        let tasks = "# Tasks: [FEATURE NAME]\n\n## Phase 3: User Story 1 - [Title] (Priority: P1)\n\n- [ ] T012 [P] [US1] Implement backend changes in `backend/[file].py`\n- [ ] T013 [P] [US1] Implement frontend changes in src/app/[path].tsx\n\n## Phase 4: User Story 2 - [Title] (Priority: P2)\n\n- [ ] T018 [P] [US2] Implement backend changes in `backend/[file].py`\n- [ ] TXXX Security hardening\n";
        assert_eq!(
            run("tasks.md", tasks),
            [
                "tasks.md:1: template placeholder [FEATURE NAME] left unfilled",
                "tasks.md:3: template placeholder [Title] left unfilled (2 times)",
                "tasks.md:5: template placeholder backend/[file].py left unfilled (2 times)",
                "tasks.md:6: template placeholder src/app/[path].tsx left unfilled",
                "tasks.md:11: template placeholder TXXX left unfilled",
            ]
        );
    }

    #[test]
    fn a_plan_left_as_the_template() {
        let plan = "# Implementation Plan: [FEATURE]\n\n**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]\n\n**Note**: This template is filled in by the `__SPECKIT_COMMAND_PLAN__` command.\n\n**Language/Version**: [e.g., Python 3.11, Swift 5.9, Rust 1.75 or NEEDS CLARIFICATION]\n\n```text\nspecs/[###-feature]/\n├── plan.md              # This file (__SPECKIT_COMMAND_PLAN__ command output)\n\n# [REMOVE IF UNUSED] Option 1: Single project (DEFAULT)\nsrc/\n\n# [REMOVE IF UNUSED] Option 3: Mobile + API (when \"iOS/Android\" detected)\napi/\n└── [same as backend above]\n```\n\n**Structure Decision**: [Document the selected structure and reference the real\ndirectories captured above]\n\n| Violation | Why Needed |\n|---|---|\n| [e.g., 4th project] | [current need] |\n";
        assert_eq!(
            run("plan.md", plan),
            [
                "plan.md:1: template placeholder [FEATURE] left unfilled",
                "plan.md:3: template placeholders left unfilled: [###-feature-name], [DATE], [link] [fix: Fill in the feature name 001-fixture]",
                "plan.md:5: template placeholder __SPECKIT_COMMAND_PLAN__ left unfilled (2 times)",
                "plan.md:7: template placeholder [e.g., Python 3.11, Swift 5.9, Rust 1.75 or NE…] left unfilled",
                "plan.md:10: template placeholders left unfilled: specs/[###-feature]/, [REMOVE IF UNUSED] (2 times), [same as backend above] [fix: Fill in the feature name 001-fixture]",
                "plan.md:21: template placeholder [Document the selected structure and reference…] left unfilled",
                "plan.md:26: template placeholders left unfilled: [e.g., 4th project], [current need]",
            ]
        );
    }

    #[test]
    fn the_fix_fills_in_the_feature_folder_name() {
        let feature = feature(&[("spec.md", "**Feature Branch**: `[###-feature-name]`\n")]);
        let mut config = RuleConfig::default();
        config.select(&["template-placeholder".to_string()]).unwrap();
        let found = analyze(&feature, &config);
        let fix = found[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, crate::analysis::Applicability::Safe);
        assert_eq!(fix.edits.len(), 1);
        assert_eq!(fix.edits[0].new_text, "001-fixture");
        assert_eq!((fix.edits[0].span.start, fix.edits[0].span.end), (21, 39));
    }

    #[test]
    fn spec_template_sentences_and_tokens() {
        let spec = "# Feature Specification: [FEATURE NAME]\n\n**Input**: User description: \"$ARGUMENTS\"\n\n### User Story 1 - [Brief Title] (Priority: P1)\n\n[Describe this user journey in plain language]\n\n**Independent Test**: [Describe how this can be tested independently - e.g., \"Can be fully tested by [specific action] and delivers [specific value]\"]\n\n1. **Given** [initial state], **When** [action], **Then** [expected outcome]\n2. **Given** [initial state], **When** [action], **Then** [expected outcome]\n\n- **SC-004**: [Business metric, e.g., \"Reduce support tickets related to [X] by 50%\"]\n";
        assert_eq!(
            run("spec.md", spec),
            [
                "spec.md:1: template placeholder [FEATURE NAME] left unfilled",
                "spec.md:3: template placeholder $ARGUMENTS left unfilled",
                "spec.md:5: template placeholder [Brief Title] left unfilled",
                "spec.md:7: template placeholder [Describe this user journey in plain language] left unfilled",
                "spec.md:9: template placeholder [Describe how this can be tested independently…] left unfilled",
                "spec.md:11: template placeholders left unfilled: [initial state] (2 times), [action] (2 times), [expected outcome] (2 times)",
                "spec.md:14: template placeholder [Business metric, e.g., \"Reduce support ticket…] left unfilled",
            ]
        );
    }

    #[test]
    fn silent_on_real_brackets() {
        let tasks = "# Tasks: Invites\n\n## Format: `[ID] [P?] [Story] Description`\n\n- **[P]**: Can run in parallel\n\n- [ ] T001 [P] [US1] [iOS] [RED] Add `string[]` field in src/models/invite.ts\n- [x] T002 See [the plan](plan.md) and [docs][1], note[^1]\n- [X] T003 Show the snippet [first 100 chars] and relative time [e.g., \"Due in 3 days\"]\n- [ ] T004 Read `row[name]` in src/app/users/[id]/page.tsx\n\n[1]: https://example.com\n[^1]: A footnote.\n\n<!-- [FEATURE NAME] guidance in a comment -->\n\n```json\n{ \"roles\": [\"owner\", \"reader\"], \"range\": [0, 1] }\n```\n\n- [x] No [NEEDS CLARIFICATION] markers remain\n- Marker [NEEDS CLARIFICATION: which provider?]\n\n[NOT_LOADED] ---(startup)---> [LOADING]\n\n**Actual Result**: _[Fill during testing]_\n";
        assert_eq!(run("tasks.md", tasks), Vec::<String>::new());
    }

    #[test]
    fn constitution_names() {
        let text = "# [PROJECT_NAME] Constitution\n\n### [PRINCIPLE_1_NAME]\n\n[PRINCIPLE_1_DESCRIPTION]\n";
        assert_eq!(
            run("research.md", text),
            [
                "research.md:1: template placeholder [PROJECT_NAME] left unfilled",
                "research.md:3: template placeholder [PRINCIPLE_1_NAME] left unfilled",
                "research.md:5: template placeholder [PRINCIPLE_1_DESCRIPTION] left unfilled",
            ]
        );
    }

    /// Every bracket of Spec Kit's own templates is covered by a finding,
    /// but for the labels, checkboxes, the format legend, clarification
    /// markers and HTML comments.
    #[test]
    fn the_upstream_templates_light_up() {
        let dir =
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upstream/spec-kit-1.2.3"));
        let legit = ["P", "P?", "ID", "Story", "US1", "US2", "US3", "x", "X", " "];
        for name in [
            "spec-template.md",
            "plan-template.md",
            "tasks-template.md",
            "checklist-template.md",
            "constitution-template.md",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let file = MarkdownFile::load(&text);
            let found: Vec<Span> = placeholders(file.blocks(), None).iter().map(|f| f.span).collect();
            let comments: Vec<(usize, usize)> = text
                .match_indices("<!--")
                .map(|(i, _)| (i, text[i..].find("-->").map_or(text.len(), |j| i + j)))
                .collect();
            let mut missed = Vec::new();
            for (open, _) in text.match_indices('[') {
                let Some(len) = text[open + 1..].find([']', '[', '\n']) else { continue };
                let close = open + 1 + len;
                let inner = &text[open + 1..close];
                if !text[close..].starts_with(']')
                    || legit.contains(&inner)
                    || inner.starts_with("NEEDS CLARIFICATION")
                    || text[close + 1..].starts_with('(')
                    || comments.iter().any(|(a, b)| (*a..*b).contains(&open))
                {
                    continue;
                }
                if !found.iter().any(|s| s.start <= open && close < s.end) {
                    missed.push(inner);
                }
            }
            assert!(missed.is_empty(), "{name}: not reported: {missed:?}");
        }
    }

    /// The three task templates specls was created from, read as tasks.md:
    /// every placeholder their README names is reported.
    #[test]
    fn the_seed_templates_light_up() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds"));
        let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("vendored seeds")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        seeds.sort();
        assert_eq!(seeds.len(), 3, "three seeds in {}", dir.display());
        let mut all = Vec::new();
        for seed in &seeds {
            let text = std::fs::read_to_string(seed).unwrap();
            let found = run("tasks.md", &text);
            assert!(found.iter().any(|f| f.contains("[FEATURE NAME]")), "{}: {found:?}", seed.display());
            assert!(
                found.iter().any(|f| f.contains("specs/[###-feature-name]/")),
                "{}: {found:?}",
                seed.display()
            );
            all.extend(found);
        }
        let joined = all.join("\n");
        for expected in [
            "placeholder [Title] left unfilled (3 times)",
            "placeholder backend/[file].py left unfilled (3 times)",
            "placeholder src/app/[path].tsx left unfilled (3 times)",
            "placeholder backend/tests/test_[module].py left unfilled",
            "placeholders left unfilled: [language], [framework]",
            "placeholder [Brief description of what this story delivers] left unfilled (3 times)",
            "placeholder [How to verify this story works on its own] left unfilled (3 times)",
        ] {
            assert!(joined.contains(expected), "{expected} not reported:\n{joined}");
        }
        // Labels, the format legend and the validation checklist stay quiet.
        for quiet in ["[P]", "[US1]", "[ID]", "[P?]", "[Story]"] {
            assert!(!all.iter().any(|f| f.contains(quiet)), "{quiet} reported:\n{joined}");
        }
    }
}
