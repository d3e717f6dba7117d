//! Small markdown helpers shared by the models of spec.md, plan.md,
//! data-model.md and markdown contracts: which headings enclose a block,
//! the lines and table rows of a block, inline markup around a name, and
//! `[NEEDS CLARIFICATION: ...]` markers.
//!
//! Spans here are relative to the text they were given unless a function
//! says otherwise; callers make them absolute with `ScannedBlock::abs`.

use super::blocks::{BlockList, ScannedBlock};
use super::scan::MentionKind;
use crate::syntax::BlockKind;
use crate::text::Span;

/// The headings enclosing the current block, outermost first.
#[derive(Clone, Debug, Default)]
pub struct Outline {
    open: Vec<OpenHeading>,
}

/// A heading whose section is still open.
#[derive(Clone, Debug)]
pub struct OpenHeading {
    pub level: u8,
    pub title: Box<str>,
    /// The title lower-cased, once: [`Outline::within`] asks about every
    /// block.
    lower: Box<str>,
    /// The heading's span (absolute).
    pub span: Span,
}

impl Outline {
    /// An outline with no heading open.
    pub fn new() -> Self {
        Outline::default()
    }

    /// Follow one block: a heading closes the sections of its level and
    /// deeper, then opens its own.
    pub fn enter(&mut self, block: &ScannedBlock) {
        if let Some(heading) = &block.scan.heading {
            self.open.retain(|h| h.level < heading.level);
            self.open.push(OpenHeading {
                level: heading.level,
                title: heading.title.clone(),
                lower: heading.title.to_lowercase().into(),
                span: block_span(block),
            });
        }
    }

    /// The open headings, outermost first.
    pub fn headings(&self) -> &[OpenHeading] {
        &self.open
    }

    /// True when a section heading (not the document's H1 title) whose
    /// lower-cased title satisfies `pred` encloses the current block.
    pub fn within(&self, pred: impl Fn(&str) -> bool) -> bool {
        self.open.iter().filter(|h| h.level > 1).any(|h| pred(&h.lower))
    }

    /// The innermost open heading.
    pub fn innermost(&self) -> Option<&OpenHeading> {
        self.open.last()
    }
}

/// The block's span without trailing whitespace (a heading's line break,
/// a blockquote's `> ` continuation).
pub fn block_span(block: &ScannedBlock) -> Span {
    let text = &block.scan.text;
    Span::new(block.start, block.start + text.trim_end_matches(['\n', '\r', ' ', '\t', '>']).len())
}

/// True when any of `words` occurs in `lower` (already lower-cased).
pub fn contains_any(lower: &str, words: &[&str]) -> bool {
    words.iter().any(|w| lower.contains(w))
}

/// The lines of `text` with their start offsets, without line breaks.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    text.split_inclusive('\n').map(move |raw| {
        let start = at;
        at += raw.len();
        (start, raw.trim_end_matches(['\n', '\r']))
    })
}

/// `span` (relative to `text`) shrunk to exclude surrounding whitespace.
pub fn trim_span(text: &str, span: Span) -> Span {
    let inner = text.get(span.start..span.end).unwrap_or("");
    let lead = inner.len() - inner.trim_start().len();
    let trimmed = inner.trim();
    Span::new(span.start + lead, span.start + lead + trimmed.len())
}

/// Surrounding emphasis and code markup (`**x**`, `__x__`, `*x*`,
/// `` `x` ``) and whitespace removed: the offset of what remains within
/// `text` and the remaining text.
pub fn strip_markup(text: &str) -> (usize, &str) {
    let mut start = 0;
    let mut inner = text;
    loop {
        let trimmed = inner.trim();
        let lead = inner.len() - inner.trim_start().len();
        let stripped = ["**", "__", "`", "*", "_"].iter().find_map(|m| {
            let rest = trimmed.strip_prefix(m)?.strip_suffix(m)?;
            // `` `a` / `b` `` is two code spans, not one wrapped in backticks.
            (!rest.is_empty() && !rest.contains(m)).then_some((m.len(), rest))
        });
        match stripped {
            Some((len, rest)) => {
                start += lead + len;
                inner = rest;
            }
            None => return (start + lead, trimmed),
        }
    }
}

/// One cell of a pipe-table row; `span` relative to the table's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell<'a> {
    pub span: Span,
    pub text: &'a str,
}

/// One row of a pipe table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableRow<'a> {
    /// The row's line, relative to the table's text.
    pub span: Span,
    pub cells: Vec<Cell<'a>>,
}

/// The header and body rows of a pipe table's text (the delimiter row
/// dropped). Cells are trimmed; pipes inside code spans or escaped with a
/// backslash do not split cells.
pub fn table_rows(text: &str) -> (Option<TableRow<'_>>, Vec<TableRow<'_>>) {
    let mut header = None;
    let mut rows = Vec::new();
    for (start, line) in lines(text) {
        if line.trim().is_empty() {
            continue;
        }
        let row = split_row(text, start, line);
        if is_delimiter_row(&row) {
            continue;
        }
        if header.is_none() && rows.is_empty() {
            header = Some(row);
        } else {
            rows.push(row);
        }
    }
    (header, rows)
}

fn is_delimiter_row(row: &TableRow<'_>) -> bool {
    !row.cells.is_empty()
        && row
            .cells
            .iter()
            .all(|c| !c.text.is_empty() && c.text.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
}

fn split_row<'a>(text: &'a str, line_start: usize, line: &'a str) -> TableRow<'a> {
    let lead = line.len() - line.trim_start().len();
    let mut body = line.trim();
    let mut from = line_start + lead;
    if let Some(rest) = body.strip_prefix('|') {
        body = rest;
        from += 1;
    }
    if body.ends_with('|') && !body.ends_with("\\|") {
        body = &body[..body.len() - 1];
    }
    let mut cells = Vec::new();
    let mut cell_start = 0;
    let mut in_code = false;
    let mut escaped = false;
    for (i, b) in body.bytes().enumerate() {
        match b {
            b'\\' if !escaped => {
                escaped = true;
                continue;
            }
            b'`' if !escaped => in_code = !in_code,
            b'|' if !escaped && !in_code => {
                cells.push(cell(text, from + cell_start, from + i));
                cell_start = i + 1;
            }
            _ => {}
        }
        escaped = false;
    }
    cells.push(cell(text, from + cell_start, from + body.len()));
    TableRow { span: Span::new(line_start, line_start + line.len()), cells }
}

fn cell(text: &str, start: usize, end: usize) -> Cell<'_> {
    let span = trim_span(text, Span::new(start, end.max(start)));
    Cell { span, text: &text[span.start..span.end] }
}

/// A `[NEEDS CLARIFICATION: ...]` marker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClarificationMarker {
    /// The whole marker, brackets included (absolute).
    pub span: Span,
    /// The question after the colon; `None` for a bare
    /// `[NEEDS CLARIFICATION]` (as in "No [NEEDS CLARIFICATION] markers
    /// remain" checklist lines).
    pub question: Option<Box<str>>,
    /// Inside fenced code, such as the old template's "Execution Flow".
    pub in_code: bool,
}

impl ClarificationMarker {
    /// True for a marker that asks a real question: not bare, not the
    /// template's own `[NEEDS CLARIFICATION: specific question]`.
    pub fn is_open(&self) -> bool {
        self.question.as_deref().is_some_and(|q| {
            let lower = q.to_lowercase();
            !lower.is_empty() && lower != "specific question" && lower != "question"
        })
    }
}

/// Every clarification marker of a document, in order. HTML comments are
/// template guidance and hold none.
pub fn clarification_markers(blocks: &BlockList) -> Vec<ClarificationMarker> {
    let mut out = Vec::new();
    for block in blocks.iter() {
        if matches!(block.scan.kind, BlockKind::Html | BlockKind::FrontMatter) {
            continue;
        }
        let in_code = block.scan.kind == BlockKind::Code;
        // The scanner skips code (a fence reads as one code span), so fenced
        // markers are found here by their text.
        let spans: Vec<Span> = if in_code {
            markers_in_code(&block.scan.text)
        } else {
            block
                .scan
                .mentions
                .iter()
                .filter(|m| m.kind == MentionKind::Clarification)
                .map(|m| m.span)
                .collect()
        };
        for span in spans {
            let raw = block.scan.slice(span);
            let inner = raw.trim_start_matches('[').trim_end_matches(']');
            let question = inner
                .trim_start()
                .strip_prefix("NEEDS CLARIFICATION")
                .and_then(|rest| rest.trim_start().strip_prefix([':', '：']))
                .map(|q| q.trim().into());
            out.push(ClarificationMarker { span: block.abs(span), question, in_code });
        }
    }
    out
}

/// `[NEEDS CLARIFICATION...]` in code text: to the matching bracket or
/// the end of the line.
fn markers_in_code(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("[NEEDS CLARIFICATION").map(|i| from + i) {
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let mut depth = 0usize;
        let mut end = line_end;
        for (i, b) in text[start..line_end].bytes().enumerate() {
            match b {
                b'[' => depth += 1,
                b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = start + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.push(Span::new(start, end));
        from = end.max(start + 1);
    }
    out
}

/// The info string of a fenced code block (`text` of ```` ```text ````),
/// lower-cased; empty for none.
pub fn fence_info(code: &str) -> String {
    let first = code.lines().next().unwrap_or("").trim();
    let info = first.trim_start_matches(['`', '~']).trim();
    info.split_whitespace().next().unwrap_or("").to_lowercase()
}

/// The lines of a fenced code block's body with offsets relative to the
/// block's text (fences dropped; an indented block keeps every line).
pub fn code_lines(code: &str) -> Vec<(usize, &str)> {
    let all: Vec<(usize, &str)> = lines(code).collect();
    let fenced = all.first().is_some_and(|(_, l)| {
        let t = l.trim_start();
        t.starts_with("```") || t.starts_with("~~~")
    });
    if !fenced {
        return all;
    }
    let mut body = &all[1..];
    if let Some((_, last)) = body.last() {
        let t = last.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            body = &body[..body.len() - 1];
        }
    }
    body.to_vec()
}

/// The words of a title, lower-cased, split at anything not alphanumeric.
pub fn title_words(title: &str) -> Vec<String> {
    title.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Leading section numbering (`1.`, `2.3`, `A.`, `3)`) and its following
/// space: the length to skip.
pub fn numbering_len(title: &str) -> usize {
    let bytes = title.as_bytes();
    let mut at = 0;
    while at < bytes.len() && (bytes[at].is_ascii_digit() || bytes[at] == b'.') {
        at += 1;
    }
    if at == 0 && bytes.len() >= 2 && bytes[0].is_ascii_uppercase() && bytes[1] == b'.' {
        at = 2;
    }
    if at > 0 && bytes.get(at) == Some(&b')') {
        at += 1;
    }
    let digits_ok = at > 0 && title[..at].bytes().any(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    if digits_ok && bytes.get(at).is_some_and(|b| *b == b' ' || *b == b'\t') {
        at + 1 + title[at + 1..].len() - title[at + 1..].trim_start().len()
    } else {
        0
    }
}

/// The first backticked identifier in `text` (`` `SendState` ``): its
/// offset within `text` and the identifier. Paths and phrases do not count.
pub fn backticked_identifier(text: &str) -> Option<(usize, &str)> {
    let mut at = 0;
    while let Some(open) = text[at..].find('`').map(|i| at + i) {
        let close = text[open + 1..].find('`').map(|i| open + 1 + i)?;
        let inner = &text[open + 1..close];
        if is_identifier(inner) {
            return Some((open + 1, inner));
        }
        at = close + 1;
    }
    None
}

/// A programming identifier, possibly generic or qualified:
/// `ChatView`, `llm_responses`, `ObjectPool<T>`, `Foo.bar`.
pub fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '<' | '>' | '.' | '$' | '?' | '[' | ']'))
        && !text.ends_with('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_nested_markup_and_reports_the_offset() {
        assert_eq!(strip_markup(" **`email`** "), (4, "email"));
        assert_eq!(strip_markup("plain"), (0, "plain"));
        assert_eq!(strip_markup("**"), (0, "**"));
        assert_eq!(strip_markup("`a` / `b`"), (0, "`a` / `b`"));
    }

    #[test]
    fn table_rows_split_cells_outside_code_spans() {
        let text = "| Field | Type |\n|---|---|\n| `a|b` | string |\n| x | `Map<K, V>` |\n";
        let (header, rows) = table_rows(text);
        let cells = |r: &TableRow<'_>| r.cells.iter().map(|c| c.text.to_string()).collect::<Vec<_>>();
        assert_eq!(cells(&header.unwrap()), ["Field", "Type"]);
        assert_eq!(cells(&rows[0]), ["`a|b`", "string"]);
        assert_eq!(cells(&rows[1]), ["x", "`Map<K, V>`"]);
        assert_eq!(&text[rows[1].cells[0].span.start..rows[1].cells[0].span.end], "x");
    }

    #[test]
    fn tables_without_edge_pipes() {
        let (header, rows) = table_rows("a | b\n--|--\n1 | 2\n");
        assert_eq!(header.unwrap().cells.len(), 2);
        assert_eq!(rows[0].cells[1].text, "2");
    }

    #[test]
    fn numbering_and_identifiers() {
        assert_eq!(numbering_len("1. User"), 3);
        assert_eq!(numbering_len("2.3 `SendState`"), 4);
        assert_eq!(numbering_len("A. Foo"), 3);
        assert_eq!(numbering_len("User"), 0);
        assert_eq!(numbering_len("3D model"), 0);
        assert_eq!(
            backticked_identifier("Modelo de `src/x.ts` del `ConfirmDialog`"),
            Some((26, "ConfirmDialog"))
        );
        assert!(is_identifier("ObjectPool<T>"));
        assert!(!is_identifier("a b"));
    }

    #[test]
    fn clarification_markers_in_prose_and_code() {
        let text = r#"# S

```
3. For each unclear aspect:
   → [NEEDS CLARIFICATION: What happens after the event?]
   → Mark with [NEEDS CLARIFICATION: specific question]
```

- FR-1 via [NEEDS CLARIFICATION: auth?]
- [x] No [NEEDS CLARIFICATION] markers remain
<!-- [NEEDS CLARIFICATION: hidden] -->
"#;
        let doc = crate::text::Document::new(text, 0);
        let markers = clarification_markers(&BlockList::parse(doc.rope()));
        let got: Vec<(String, bool, bool)> =
            markers.iter().map(|m| (doc.slice(m.span).to_string(), m.in_code, m.is_open())).collect();
        assert_eq!(
            got,
            [
                ("[NEEDS CLARIFICATION: What happens after the event?]".into(), true, true),
                ("[NEEDS CLARIFICATION: specific question]".into(), true, false),
                ("[NEEDS CLARIFICATION: auth?]".into(), false, true),
                ("[NEEDS CLARIFICATION]".into(), false, false),
            ]
        );
    }

    #[test]
    fn code_lines_drop_fences() {
        let code = "```text\nsrc/\n└── a/\n```\n";
        let got: Vec<&str> = code_lines(code).into_iter().map(|(_, l)| l).collect();
        assert_eq!(got, ["src/", "└── a/"]);
        assert_eq!(fence_info(code), "text");
    }
}
