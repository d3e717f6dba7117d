//! Template placeholders of a block's text (template-placeholder): what
//! counts as one and where, kept in the block's facts.

use std::collections::HashMap;

use super::BlockFacts;
use crate::model::scan::{BlockScan, InlineRegion, inline_regions};
use crate::syntax::BlockKind;
use crate::text::Span;

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

/// One occurrence of a placeholder.
pub(crate) struct Placeholder {
    /// What the message shows: `[FEATURE NAME]`, `backend/[file].py`.
    pub key: String,
    /// Absolute span of what is shown.
    pub span: Span,
    /// Index of the block it was found in.
    pub block: usize,
    /// Absolute spans of feature-name brackets the safe fix replaces.
    pub fills: Vec<Span>,
}

/// The placeholders of one block, with spans relative to it (and
/// `block` 0), kept in the block's facts `facts`.
pub(crate) fn block_placeholders<'f>(facts: &'f BlockFacts, block: &BlockScan) -> &'f [Placeholder] {
    facts.placeholders.get_or_init(|| {
        let code = block.kind == BlockKind::Code;
        crate::model::scan::boxed(scan(&block.text, code, block.kind == BlockKind::Paragraph))
    })
}

/// Comments and code spans of a block's text (the regions mentions skip,
/// from the same finder), each list sorted and not overlapping.
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
        for region in inline_regions(text) {
            match region {
                InlineRegion::Comment { span, .. } => regions.comments.push(span),
                InlineRegion::Code { span, .. } => regions.code.push(span),
            }
        }
        regions
    }

    fn in_comment(&self, at: usize) -> bool {
        covers(&self.comments, at)
    }

    fn in_code(&self, at: usize) -> bool {
        covers(&self.code, at)
    }
}

/// Whether one of `sorted` (sorted, not overlapping) contains `at`: a
/// binary search, so a line of many code spans costs n log n, not n².
fn covers(sorted: &[Span], at: usize) -> bool {
    let i = sorted.partition_point(|span| span.end <= at);
    sorted.get(i).is_some_and(|span| span.contains(at))
}

/// Every placeholder of one block's text; spans relative to it.
/// `multi_line` lets a paragraph's bracket run over a line break, as the
/// plan template's `[Document the selected structure ...]` does.
fn scan(text: &str, code_block: bool, multi_line: bool) -> Vec<Placeholder> {
    let regions = Regions::of(text, code_block);
    let mut out = Vec::new();
    tokens(text, &regions, &mut out);
    let bytes = text.as_bytes();
    // Brackets found with memchr: a byte loop over every block's text was
    // a hundredth of a corpus check, and most blocks hold no bracket.
    let closing = match memchr::memchr(b'[', bytes) {
        Some(_) => closing_brackets(text, multi_line),
        None => HashMap::new(),
    };
    let mut at = 0;
    while let Some(skip) = memchr::memchr(b'[', &bytes[at..]) {
        at += skip;
        if regions.in_comment(at) {
            at += 1;
            continue;
        }
        let found = closing.get(&at).and_then(|&close| bracket(text, at, close, &regions));
        match found {
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
fn tokens(text: &str, regions: &Regions, out: &mut Vec<Placeholder>) {
    let mut push = |start: usize, len: usize| {
        let span = Span::new(start, start + len);
        out.push(Placeholder {
            key: text[start..start + len].to_string(),
            span,
            block: 0,
            fills: Vec::new(),
        });
    };
    // Spec Kit writes the command token into code spans and trees too.
    for (start, _) in indices_of(text, "__SPECKIT_", b'K') {
        let body = text[start + 2..].bytes().take_while(|b| b.is_ascii_uppercase() || *b == b'_').count();
        let token = &text[start..start + 2 + body];
        if token.len() > "__SPECKIT___".len() && token.ends_with("__") && !regions.in_comment(start) {
            push(start, token.len());
        }
    }
    let prose = |at: usize| !regions.in_comment(at) && !regions.in_code(at);
    for (start, _) in indices_of(text, "$ARGUMENTS", b'$') {
        if prose(start) {
            push(start, "$ARGUMENTS".len());
        }
    }
    for (start, _) in indices_of(text, "TXXX", b'X') {
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

/// `text.match_indices(token)`, skipped when `text` lacks `rare`, a byte
/// of `token` that prose seldom holds: most blocks hold none of the
/// tokens, and setting up a substring search per token and block was a
/// fortieth of a bulk check.
fn indices_of<'a>(text: &'a str, token: &'a str, rare: u8) -> impl Iterator<Item = (usize, &'a str)> {
    debug_assert!(token.as_bytes().contains(&rare));
    let present = memchr::memchr(rare, text.as_bytes()).is_some();
    present.then(|| text.match_indices(token)).into_iter().flatten()
}

/// How far a bracket of a paragraph may run over line breaks.
const MULTI_LINE_REACH: usize = 300;

/// Longest text inside a bracket that can be a placeholder: the templates'
/// longest is under 300 bytes. Bounding it bounds the work per bracket;
/// nested brackets would otherwise cost the square of their depth.
const MAX_INNER: usize = 1000;

/// The placeholder of the `[` at `open` closed at `close`, and where
/// scanning goes on.
fn bracket(text: &str, open: usize, close: usize, regions: &Regions) -> Option<(Placeholder, usize)> {
    let inner = &text[open + 1..close];
    if inner.len() > MAX_INNER {
        return None;
    }
    let before = text[..open].chars().next_back();
    let after = text[close + 1..].chars().next();
    // Links, reference links and definitions, images, footnotes, escapes.
    if matches!(after, Some('(' | '[')) || matches!(before, Some('!' | '\\')) || inner.starts_with('^') {
        return None;
    }
    // Only blanks before it on its line: a reference definition.
    let blanks = text[..open].trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
    if after == Some(':') && (blanks.is_empty() || blanks.ends_with('\n')) {
        return None;
    }
    let collapsed = crate::text::collapse_whitespace(inner);
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
        return Some((Placeholder { key, span: token, block: 0, fills }, token.end));
    }

    // `row[name]`, `items[Entity]`: indexing, not a placeholder.
    let indexing = before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '_' | ')' | ']'));
    let lower = collapsed.to_lowercase();
    let is_placeholder = (NAMES.contains(&collapsed.as_str()) && !indexing)
        || PHRASES.iter().any(|p| lower.starts_with(p))
        || (!in_code && is_snake_name(&collapsed))
        || (!in_code && is_generic(&lower) && standalone(text, open, close));
    if !is_placeholder {
        return None;
    }
    let fills = if FEATURE_NAME.contains(&collapsed.as_str()) { vec![bracket_span] } else { Vec::new() };
    let key = display(&collapsed);
    Some((Placeholder { key, span: bracket_span, block: 0, fills }, close + 1))
}

/// The `]` matching each `[` (by offset): on the same line, or, when
/// `multi_line`, within the paragraph and [`MULTI_LINE_REACH`] bytes. One
/// pass with a stack: looking for each `[`'s partner on its own cost the
/// square of the nesting.
fn closing_brackets(text: &str, multi_line: bool) -> HashMap<usize, usize> {
    let bytes = text.as_bytes();
    let mut open: Vec<usize> = Vec::new();
    let mut pairs = HashMap::new();
    for at in memchr::memchr3_iter(b'[', b']', b'\n', bytes) {
        match bytes[at] {
            b'[' => open.push(at),
            b']' => {
                if let Some(start) = open.pop()
                    && (!multi_line || at < start + MULTI_LINE_REACH)
                {
                    pairs.insert(start, at);
                }
            }
            b'\n' if !multi_line || bytes.get(at + 1) == Some(&b'\n') => open.clear(),
            _ => {}
        }
    }
    pairs
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
/// Reads only the characters that can be part of such a slot next to the
/// bracket, not its whole line (many brackets on one long line).
fn standalone(text: &str, open: usize, close: usize) -> bool {
    let emphasis = |c: char| (c.is_whitespace() && c != '\n') || c == '*' || c == '_';
    let marker = |c: char| c.is_ascii_digit() || matches!(c, '-' | '*' | '+' | '>' | '#' | '.' | ')' | ' ');
    let before = text[..open].trim_end_matches(emphasis);
    let before_ok = before.is_empty()
        || before.ends_with(['\n', ':', '|'])
        || before.trim_end_matches(marker).is_empty()
        || before.trim_end_matches(marker).ends_with('\n');
    let after = text[close + 1..].trim_start_matches(emphasis);
    let after_ok = after.is_empty()
        || after.starts_with(['\n', '|'])
        || after.trim_start_matches(['.', ',', ';']).is_empty()
        || after.trim_start_matches(['.', ',', ';']).starts_with('\n');
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
