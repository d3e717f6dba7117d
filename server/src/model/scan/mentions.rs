//! Everything a block's text refers to: task IDs and ranges, requirement
//! IDs, stories, paths, endpoints, clarification markers, bracketed text
//! (template placeholders live there) and HTML comments (directives).

use serde::Serialize;

use super::paths::{PATH_HINTS, is_path, trim_token};
use crate::model::ids::{TaskId, parse_requirement_id, parse_story_label, parse_task_id, word_starts_at};
use crate::text::{Span, find_short};

/// What a [`Mention`] names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MentionKind {
    Task {
        id: TaskId,
    },
    /// `T004-T007`, `T004–T007`, `T015 through T019`. Boxed: ranges are
    /// rare, and inline they made every mention 24 bytes longer.
    TaskRange {
        first: Box<TaskId>,
        last: Box<TaskId>,
    },
    Requirement {
        id: Box<str>,
    },
    /// `[US1]`, `US1`, `User Story 1`.
    Story {
        number: u32,
    },
    Path {
        path: Box<str>,
    },
    /// `POST /api/users`.
    Endpoint {
        method: Box<str>,
        path: Box<str>,
    },
    /// `[NEEDS CLARIFICATION: ...]`.
    Clarification,
    /// Any other `[text]` that is not a link, checkbox or label.
    Bracket {
        inner: Box<str>,
    },
    /// `TXXX`, `__SPECKIT_COMMAND_PLAN__`, `$ARGUMENTS`: template tokens.
    TemplateToken {
        token: Box<str>,
    },
    /// `<!-- ... -->`; its text is kept for `specls-disable` directives.
    Comment {
        body: Box<str>,
    },
}

impl serde::Serialize for TaskId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// A reference found in a block, its span relative to the block's start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mention {
    pub span: Span,
    #[serde(flatten)]
    pub kind: MentionKind,
}

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Regions where IDs are not looked for: comments and code spans, in
/// order and apart (each is found after the one before it ends).
#[derive(Default)]
struct Regions {
    spans: Vec<Span>,
}

impl Regions {
    /// The region containing `at`: a binary search, so that a line of many
    /// code spans costs n log n, not n².
    fn covering(&self, at: usize) -> Option<Span> {
        let i = self.spans.partition_point(|span| span.end <= at);
        self.spans.get(i).filter(|span| span.contains(at)).copied()
    }
}

/// Scan `text` (a block's text) for mentions. Offsets are relative to
/// `text`. `in_code_block` is true for fenced code, where only template
/// tokens, brackets, paths and task references are looked for.
pub fn scan_mentions(text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    let regions = find_regions(text, &mut out);
    scan_references(text, &regions, &mut out);
    scan_paths(text, &regions, &mut out);
    out.sort_by_key(|m| (m.span.start, m.span.end));
    out
}

/// An HTML comment or a backtick code span of a block's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InlineRegion {
    /// `<!-- ... -->`, to the end of the text when unclosed; `body` is
    /// what lies between the markers.
    Comment { span: Span, body: Span },
    /// A code span with its backticks; `inner` is the text between them.
    Code { span: Span, inner: Span },
}

/// The comments and code spans of `text` (a block's text), in order and
/// not overlapping: what mentions and template placeholders both skip or
/// read differently. A run of backticks opens a code span only when the
/// same run closes it before a blank line.
pub fn inline_regions(text: &str) -> Vec<InlineRegion> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        if text[at..].starts_with("<!--") {
            let close = text[at + 4..].find("-->").map(|i| at + 4 + i);
            let end = close.map_or(text.len(), |c| c + 3);
            let body = Span::new(at + 4, close.unwrap_or(text.len()));
            found.push(InlineRegion::Comment { span: Span::new(at, end), body });
            at = end;
        } else if bytes[at] == b'`' {
            let run = bytes[at..].iter().take_while(|&&b| b == b'`').count();
            let fence = &text[at..at + run];
            // A single backtick (most code spans) is a byte search; a
            // substring searcher set up per span was a fiftieth of a
            // bulk check.
            let close = match run {
                1 => memchr::memchr(b'`', &bytes[at + 1..]),
                _ => text[at + run..].find(fence),
            };
            match close {
                Some(i) if !has_blank_line(&bytes[at + run..at + run + i]) => {
                    let inner = Span::new(at + run, at + run + i);
                    found.push(InlineRegion::Code { span: Span::new(at, inner.end + run), inner });
                    at = inner.end + run;
                }
                _ => at += run,
            }
        } else {
            // Only `<` and a backtick open a region: jump to the next one.
            at += 1 + memchr::memchr2(b'<', b'`', &bytes[at + 1..]).unwrap_or(bytes.len() - at - 1);
        }
    }
    found
}

/// Whether `bytes` hold an empty line (`\n\n`).
fn has_blank_line(bytes: &[u8]) -> bool {
    memchr::memchr_iter(b'\n', bytes).any(|at| bytes.get(at + 1) == Some(&b'\n'))
}

/// Find HTML comments and backtick code spans; paths in code spans are
/// judged here, with the more trusting rule for code.
fn find_regions(text: &str, out: &mut Vec<Mention>) -> Regions {
    let mut regions = Regions::default();
    for region in inline_regions(text) {
        match region {
            InlineRegion::Comment { span, body } => {
                let body = text[body.start..body.end].trim();
                out.push(Mention { span, kind: MentionKind::Comment { body: body.into() } });
                regions.spans.push(span);
            }
            InlineRegion::Code { span, inner } => {
                code_span_paths(text, inner, out);
                regions.spans.push(span);
            }
        }
    }
    regions
}

fn code_span_paths(text: &str, inner: Span, out: &mut Vec<Mention>) {
    let content = &text[inner.start..inner.end];
    let trimmed = content.trim();
    if !trimmed.contains(char::is_whitespace) {
        let (lead, word) = trim_token(trimmed);
        if is_path(word, true) {
            let start = inner.start + (content.len() - content.trim_start().len()) + lead;
            out.push(path_mention(start, word));
        }
        return;
    }
    for (offset, token) in path_tokens(content) {
        let (lead, word) = trim_token(token);
        if is_path(word, false) && !token.starts_with('-') {
            out.push(path_mention(inner.start + offset + lead, word));
        }
    }
}

fn path_mention(start: usize, word: &str) -> Mention {
    Mention { span: Span::new(start, start + word.len()), kind: MentionKind::Path { path: word.into() } }
}

/// What [`path_tokens`] tells bytes apart by.
const SPACE: u8 = 1;
const PATH_HINT: u8 = 2;
const BYTE_CLASSES: [u8; 256] = {
    let mut table = [0; 256];
    let spaces = b" \t\n\x0c\r"; // `u8::is_ascii_whitespace`
    let mut i = 0;
    while i < spaces.len() {
        table[spaces[i] as usize] = SPACE;
        i += 1;
    }
    let mut i = 0;
    while i < PATH_HINTS.len() {
        table[PATH_HINTS[i] as usize] = PATH_HINT;
        i += 1;
    }
    table
};

/// The whitespace-separated tokens that may hold a path (`may_hold_path`),
/// with their byte offsets: the tokens and the test in one byte loop (the
/// generic splitter, then a pass per token, were a tenth of a bulk
/// check's block scan).
fn path_tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        loop {
            at += bytes[at..].iter().position(|&b| BYTE_CLASSES[b as usize] != SPACE)?;
            let start = at;
            let mut seen = 0;
            while let Some(&b) = bytes.get(at) {
                let class = BYTE_CLASSES[b as usize];
                if class == SPACE {
                    break;
                }
                seen |= class;
                at += 1;
            }
            if seen & PATH_HINT != 0 {
                // Whitespace is ASCII: both ends are character boundaries.
                return Some((start, &text[start..at]));
            }
        }
    })
}

fn scan_paths(text: &str, regions: &Regions, out: &mut Vec<Mention>) {
    for (offset, token) in path_tokens(text) {
        if regions.covering(offset).is_some() || token.contains('`') || find_short(token, "<!--").is_some() {
            continue;
        }
        // A markdown link's target: `[plan](plan.md)`.
        if let Some(open) = find_short(token, "](") {
            let target = &token[open + 2..];
            let target = target.split(')').next().unwrap_or("");
            let target = target.split('#').next().unwrap_or("");
            if !target.contains(':') && is_path(target, true) {
                out.push(path_mention(offset + open + 2, target));
            }
            continue;
        }
        let (lead, word) = trim_token(token);
        if is_path(word, false)
            && !is_endpoint_path(text, offset)
            && !is_section_citation(text, offset + token.len())
        {
            out.push(path_mention(offset + lead, word));
        }
    }
}

/// `AGENTS.md §4`: a section of a document cited as a source, not a file
/// the task touches.
fn is_section_citation(text: &str, token_end: usize) -> bool {
    text[token_end..].trim_start_matches([' ', '\t']).starts_with('§')
}

/// `GET users/{id}` is an endpoint, not a file.
fn is_endpoint_path(text: &str, offset: usize) -> bool {
    let before = text[..offset].trim_end();
    HTTP_METHODS.iter().any(|m| before.ends_with(m))
}

fn scan_references(text: &str, regions: &Regions, out: &mut Vec<Mention>) {
    let bytes = text.as_bytes();
    let mut brackets = Brackets::of(text);
    // The regions not passed yet: `at` only grows, so a cursor finds the
    // one covering `at` without a search per byte.
    let mut next_region = 0;
    let mut at = 0;
    while at < bytes.len() {
        let mut region_start = bytes.len();
        while let Some(region) = regions.spans.get(next_region) {
            if region.start > at {
                region_start = region.start;
                break;
            }
            at = at.max(region.end);
            next_region += 1;
        }
        // Jump to the next byte that may start a reference (all ASCII, so
        // a character boundary), or to the next region.
        match bytes[at..region_start].iter().position(|&b| may_start_reference(b)) {
            Some(skip) => at += skip,
            None => {
                at = region_start;
                continue;
            }
        }
        let step = match bytes[at] {
            b'[' => scan_bracket(text, at, brackets.pair_at(at), out),
            b'T' if word_starts_at(text, at) => scan_task_reference(text, at, out),
            b'U' | b'H' if word_starts_at(text, at) => scan_story_words(text, at, out),
            b'$' if text[at..].starts_with("$ARGUMENTS") => {
                out.push(template_token(at, "$ARGUMENTS"));
                "$ARGUMENTS".len()
            }
            b'_' if text[at..].starts_with("__SPECKIT_") => scan_speckit_token(text, at, out),
            b if b.is_ascii_uppercase() && word_starts_at(text, at) => scan_upper_word(text, at, out),
            _ => 0,
        };
        at += step.max(1);
    }
}

/// The first bytes of what [`scan_references`] looks for: brackets, `$`,
/// `__SPECKIT_` and words starting with a capital.
fn may_start_reference(b: u8) -> bool {
    matches!(b, b'[' | b'$' | b'_' | b'A'..=b'Z')
}

fn template_token(at: usize, token: &str) -> Mention {
    Mention {
        span: Span::new(at, at + token.len()),
        kind: MentionKind::TemplateToken { token: token.into() },
    }
}

fn scan_speckit_token(text: &str, at: usize, out: &mut Vec<Mention>) -> usize {
    let rest = &text[at + 2..];
    let body = rest.bytes().take_while(|b| b.is_ascii_uppercase() || *b == b'_').count();
    let token_len = 2 + body;
    if body > 10 && text[at..at + token_len].ends_with("__") {
        out.push(template_token(at, &text[at..at + token_len]));
        return token_len;
    }
    0
}

/// Every `[` of a text with the `]` closing it on its line (nesting
/// honoured), found in one pass: looking for each bracket's match anew
/// would cost a line's length per bracket.
struct Brackets {
    /// (opening offset, its pair), in text order.
    pairs: Vec<(usize, Option<BracketPair>)>,
    /// Index of the first pair not looked up yet.
    next: usize,
}

#[derive(Clone, Copy)]
struct BracketPair {
    close: usize,
    /// Whether another bracket sits inside.
    nested: bool,
}

impl Brackets {
    fn of(text: &str) -> Self {
        let mut pairs: Vec<(usize, Option<BracketPair>)> = Vec::new();
        // Indices into `pairs` of the brackets still open on this line.
        let mut open: Vec<usize> = Vec::new();
        for i in memchr::memchr3_iter(b'[', b']', b'\n', text.as_bytes()) {
            match text.as_bytes()[i] {
                b'[' => {
                    if let Some(&outer) = open.last() {
                        pairs[outer].1 = Some(BracketPair { close: 0, nested: true });
                    }
                    open.push(pairs.len());
                    pairs.push((i, None));
                }
                b']' => {
                    if let Some(index) = open.pop() {
                        let nested = pairs[index].1.is_some_and(|p| p.nested);
                        pairs[index].1 = Some(BracketPair { close: i, nested });
                    }
                }
                b'\n' => {
                    // Unclosed on their line: no pair.
                    for index in open.drain(..) {
                        pairs[index].1 = None;
                    }
                }
                _ => {}
            }
        }
        for index in open {
            pairs[index].1 = None;
        }
        Brackets { pairs, next: 0 }
    }

    /// The pair of the `[` at `at`; offsets are asked in increasing order.
    fn pair_at(&mut self, at: usize) -> Option<BracketPair> {
        while self.pairs.get(self.next).is_some_and(|(open, _)| *open < at) {
            self.next += 1;
        }
        self.pairs.get(self.next).filter(|(open, _)| *open == at).and_then(|(_, pair)| *pair)
    }
}

/// `[NEEDS CLARIFICATION: ...]`, `[US1]`, links, checkboxes, other brackets.
/// Returns how far to skip: only past the opening bracket, so IDs inside
/// (`[FR-001]`, `[T001]`) are still found.
fn scan_bracket(text: &str, at: usize, pair: Option<BracketPair>, out: &mut Vec<Mention>) -> usize {
    let Some(BracketPair { close, nested }) = pair else {
        return if text[at..].starts_with("[NEEDS CLARIFICATION") {
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            out.push(Mention { span: Span::new(at, line_end), kind: MentionKind::Clarification });
            line_end - at
        } else {
            1
        };
    };
    let inner = &text[at + 1..close];
    let span = Span::new(at, close + 1);
    if inner.trim_start().starts_with("NEEDS CLARIFICATION") {
        out.push(Mention { span, kind: MentionKind::Clarification });
        return span.len();
    }
    if let Some((number, len)) = parse_story_label(inner)
        && len == inner.len()
    {
        out.push(Mention { span, kind: MentionKind::Story { number } });
        return span.len();
    }
    let is_link = text[close + 1..].starts_with('(') || text[close + 1..].starts_with('[');
    let mut chars = inner.chars();
    let is_checkbox = chars.next().is_some() && chars.next().is_none();
    // Only the innermost brackets keep their text: copying the inner text
    // of every level of `[[[...]]]` would cost the square of its length.
    if !is_link && !is_checkbox && !nested && inner != "P" && !inner.trim().is_empty() {
        out.push(Mention { span, kind: MentionKind::Bracket { inner: inner.into() } });
    }
    1
}

/// A task ID, or a range `T004-T007` / `T004–T007` / `T015 through T019`,
/// or the template's `TXXX`.
fn scan_task_reference(text: &str, at: usize, out: &mut Vec<Mention>) -> usize {
    if text[at..].starts_with("TXXX") && !text[at + 4..].starts_with(|c: char| c.is_alphanumeric()) {
        out.push(template_token(at, "TXXX"));
        return 4;
    }
    let Some((first, len)) = parse_task_id(&text[at..], false) else { return 0 };
    let after = at + len;
    if let Some((last, end)) = range_end(text, after) {
        out.push(Mention {
            span: Span::new(at, end),
            kind: MentionKind::TaskRange { first: Box::new(first), last: Box::new(last) },
        });
        return end - at;
    }
    out.push(Mention { span: Span::new(at, after), kind: MentionKind::Task { id: first } });
    len
}

/// The second ID of a range starting right after the first one.
fn range_end(text: &str, after: usize) -> Option<(TaskId, usize)> {
    let rest = &text[after..];
    let trimmed = rest.trim_start_matches(' ');
    let connector =
        ["-", "–", "—", "..", "through ", "thru ", "to "].iter().find(|c| trimmed.starts_with(**c))?;
    // `T001 - Create x` is a task line, not a range: a spaced hyphen needs an
    // ID right after it.
    let spaces_before = rest.len() - trimmed.len();
    if connector.ends_with(' ') && spaces_before == 0 {
        return None;
    }
    let tail = &trimmed[connector.len()..];
    let tail_trimmed = tail.trim_start_matches(' ');
    let second_at = text.len() - tail_trimmed.len();
    let (last, len) = parse_task_id(tail_trimmed, false)?;
    Some((last, second_at + len))
}

/// `US1`, `User Story 1`, `Historia de Usuario 1`.
fn scan_story_words(text: &str, at: usize, out: &mut Vec<Mention>) -> usize {
    let rest = &text[at..];
    if let Some((number, len)) = parse_story_label(rest) {
        out.push(Mention { span: Span::new(at, at + len), kind: MentionKind::Story { number } });
        return len;
    }
    for phrase in ["User Story ", "User story ", "Historia de Usuario ", "Historia de usuario "] {
        if let Some(tail) = rest.strip_prefix(phrase) {
            let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && digits <= 4 {
                let len = phrase.len() + digits;
                let number = tail[..digits].parse().unwrap_or(0);
                out.push(Mention { span: Span::new(at, at + len), kind: MentionKind::Story { number } });
                return len;
            }
        }
    }
    0
}

/// Requirement IDs and `METHOD /path` endpoints.
fn scan_upper_word(text: &str, at: usize, out: &mut Vec<Mention>) -> usize {
    let rest = &text[at..];
    if let Some(len) = parse_requirement_id(rest) {
        out.push(Mention {
            span: Span::new(at, at + len),
            kind: MentionKind::Requirement { id: rest[..len].into() },
        });
        return len;
    }
    for method in HTTP_METHODS {
        if let Some(tail) = rest.strip_prefix(method)
            && let Some(path) = tail.strip_prefix(' ').filter(|p| p.starts_with('/'))
        {
            let path_len = path
                .find(|c: char| c.is_whitespace() || c == '`' || c == ',' || c == ')')
                .unwrap_or(path.len());
            let path = path[..path_len].trim_end_matches(['.', ':', ';']);
            let len = method.len() + 1 + path.len();
            out.push(Mention {
                span: Span::new(at, at + len),
                kind: MentionKind::Endpoint { method: (*method).into(), path: path.into() },
            });
            return len;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, String)> {
        scan_mentions(text)
            .into_iter()
            .map(|m| {
                let label = match &m.kind {
                    MentionKind::Task { .. } => "task",
                    MentionKind::TaskRange { .. } => "range",
                    MentionKind::Requirement { .. } => "req",
                    MentionKind::Story { .. } => "story",
                    MentionKind::Path { .. } => "path",
                    MentionKind::Endpoint { .. } => "endpoint",
                    MentionKind::Clarification => "clarify",
                    MentionKind::Bracket { .. } => "bracket",
                    MentionKind::TemplateToken { .. } => "template",
                    MentionKind::Comment { .. } => "comment",
                };
                (label.to_string(), text[m.span.start..m.span.end].to_string())
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn ranges_tasks_and_requirements() {
        assert_eq!(
            kinds("Tests (T004-T007) before T008, T010–T012 and T015 through T019 per FR-005a"),
            pairs(&[
                ("range", "T004-T007"),
                ("task", "T008"),
                ("range", "T010–T012"),
                ("range", "T015 through T019"),
                ("req", "FR-005a")
            ])
        );
    }

    #[test]
    fn a_spaced_hyphen_after_an_id_is_not_a_range_without_a_second_id() {
        assert_eq!(kinds("T001 - Create x"), pairs(&[("task", "T001")]));
        assert_eq!(kinds("T001 - T003"), pairs(&[("range", "T001 - T003")]));
    }

    #[test]
    fn paths_backticked_bare_and_endpoints() {
        assert_eq!(
            kinds("Write test for POST /api/users in tests/test_users.py and `src/models/`"),
            pairs(&[
                ("endpoint", "POST /api/users"),
                ("path", "tests/test_users.py"),
                ("path", "src/models/")
            ])
        );
    }

    #[test]
    fn a_cited_section_is_not_a_touched_file() {
        assert_eq!(kinds("Follow AGENTS.md §4 for the layout"), pairs(&[]));
        assert_eq!(kinds("Update AGENTS.md"), pairs(&[("path", "AGENTS.md")]));
    }

    #[test]
    fn commands_in_code_spans_yield_their_paths() {
        assert_eq!(kinds("Run `pytest backend/tests/ -v`"), pairs(&[("path", "backend/tests/")]));
    }

    #[test]
    fn clarifications_stories_and_placeholders() {
        assert_eq!(
            kinds("[US2] as User Story 3 [NEEDS CLARIFICATION: auth [OAuth]?] in [FEATURE NAME] TXXX"),
            pairs(&[
                ("story", "[US2]"),
                ("story", "User Story 3"),
                ("clarify", "[NEEDS CLARIFICATION: auth [OAuth]?]"),
                ("bracket", "[FEATURE NAME]"),
                ("template", "TXXX")
            ])
        );
    }

    #[test]
    fn comments_hide_references_but_keep_their_text() {
        assert_eq!(
            kinds("<!-- specls-disable-next-line unknown-story T001 --> T002"),
            pairs(&[("comment", "<!-- specls-disable-next-line unknown-story T001 -->"), ("task", "T002")])
        );
    }

    #[test]
    fn an_unterminated_comment_runs_to_the_end() {
        assert_eq!(kinds("<!-- open 😀"), pairs(&[("comment", "<!-- open 😀")]));
    }

    proptest::proptest! {
        #[test]
        fn path_tokens_are_the_split_tokens_that_may_hold_a_path(
            text in "[ \t\n\x0c\ra-zA-Z/.\\\\`é漢İȺ\u{212A}ẞ]{0,40}"
        ) {
            let split: Vec<(usize, &str)> = text
                .split_ascii_whitespace()
                .filter(|token| super::super::paths::may_hold_path(token))
                .map(|token| (token.as_ptr() as usize - text.as_ptr() as usize, token))
                .collect();
            proptest::prop_assert_eq!(path_tokens(&text).collect::<Vec<_>>(), split);
        }
    }

    #[test]
    fn links_name_their_target_as_a_path() {
        assert_eq!(kinds("see [the plan](plan.md)"), pairs(&[("path", "plan.md")]));
    }
}
