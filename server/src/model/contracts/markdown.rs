//! Markdown contracts: endpoints, events, channels and function
//! signatures read from the headings, tables, fields and code of a
//! contract written as prose.

use ropey::Rope;

use super::{
    ContractDoc, ContractKind, EventDef, EventKind, FileReference, FunctionDef, HTTP_METHODS, Operation,
    is_event_name, url_path,
};
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::markdown::{
    Outline, backticked_identifier, code_lines, contains_any, fence_info, is_identifier, lines,
    numbering_len, strip_markup, table_rows, title_words,
};
use crate::syntax::BlockKind;
use crate::text::{Span, find_ignore_ascii_case};

/// How much an endpoint occurrence says it defines the endpoint: a heading
/// beats a table row or field, which beat a line in code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Heading = 0,
    Line = 1,
    Code = 2,
}

struct Candidate {
    op: Operation,
    rank: Rank,
}

/// A markdown contract read from its text: its blocks by the quick
/// scanner where it can (the same blocks as tree-sitter's, see
/// `BlockList::load`), as every other closed document's are. A full
/// tree-sitter parse made a thousand allocations per kilobyte.
pub(super) fn parse_markdown(text: &str) -> ContractDoc {
    read_markdown(&BlockList::load(text, &Rope::from_str(text)))
}

pub(super) fn read_markdown(blocks: &BlockList) -> ContractDoc {
    let mut reader =
        MarkdownReader { doc: ContractDoc::empty(ContractKind::Markdown), ..MarkdownReader::default() };
    for block in blocks.iter() {
        reader.block(block);
    }
    reader.finish()
}

#[derive(Default)]
struct MarkdownReader {
    doc: ContractDoc,
    outline: Outline,
    candidates: Vec<Candidate>,
    /// Code blocks, for function signatures when the contract has no
    /// endpoints or events.
    code: Vec<ScannedBlock>,
    /// The innermost section whose title says what its sub-headings are.
    section: Option<(u8, SectionKind)>,
    base_heading: bool,
}

fn is_example_title(lower: &str) -> bool {
    contains_any(lower, &["example", "usage", "test", "ejemplo", "uso", "示例", "用法", "mock"])
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SectionKind {
    Events,
    Channels,
    Functions,
}

/// What the sub-headings of a section name, by the section's title
/// (qualifiers in parentheses or after a dash ignored).
fn section_kind(title: &str) -> Option<SectionKind> {
    let body = &title[numbering_len(title)..];
    let main_end =
        [" (", " — ", " – ", " - "].iter().filter_map(|s| body.find(s)).min().unwrap_or(body.len());
    let main = &body[..main_end];
    let words = title_words(main);
    let has = |set: &[&str]| words.iter().any(|w| set.contains(&w.as_str()));
    if has(&["channel", "channels", "canal", "canales", "topic", "topics"]) {
        Some(SectionKind::Channels)
    } else if has(&[
        "event",
        "events",
        "evento",
        "eventos",
        "webhook",
        "webhooks",
        "signals",
        "websocket",
        "ws",
        "stomp",
        "sse",
        "socket",
        "mqtt",
        "kafka",
        "amqp",
        "messages",
        "mensajes",
        "事件",
        "イベント",
    ]) {
        Some(SectionKind::Events)
    } else if has(&[
        "operations",
        "operation",
        "functions",
        "function",
        "methods",
        "tools",
        "tool",
        "hooks",
        "commands",
        "rpc",
        "procedures",
        "funciones",
        "métodos",
    ]) || main.to_lowercase().contains("public interface")
    {
        Some(SectionKind::Functions)
    } else {
        None
    }
}

/// A heading that is a call in a code span: `` `updateConfig(key, value)` ``.
fn called_name(title: &str) -> Option<Span> {
    let start = numbering_len(title);
    let body = title[start..].trim_start();
    let lead = start + (title[start..].len() - body.len());
    let inner = body.strip_prefix('`')?;
    let close = inner.find('`')?;
    let code = &inner[..close];
    let paren = code.find('(')?;
    let name = code[..paren].trim();
    let name = name.rsplit('.').next().unwrap_or(name);
    if !is_identifier(name) || !code.trim_end().ends_with(')') {
        return None;
    }
    let at = lead + 1 + code[..paren].rfind(name).unwrap_or(0);
    Some(Span::new(at, at + name.len()))
}

impl MarkdownReader {
    fn block(&mut self, block: &ScannedBlock) {
        let scan = &block.scan;
        if let Some(heading) = &scan.heading {
            self.heading(block, heading.level, &heading.title, block.abs(heading.title_span));
            return;
        }
        match scan.kind {
            BlockKind::Code => {
                for (start, line) in code_lines(&scan.text) {
                    self.endpoint_line(block, start, line, Rank::Code);
                    if self.base_heading {
                        self.base_from(line);
                    }
                }
                // Code under Example / Usage / Test headings calls functions
                // rather than declaring them.
                if !self.outline.within(is_example_title) {
                    self.code.push(block.clone());
                }
            }
            BlockKind::Table => self.table(block),
            BlockKind::Paragraph | BlockKind::ListItem { .. } => {
                let from =
                    if matches!(scan.kind, BlockKind::ListItem { .. }) { scan.content_start } else { 0 };
                for (start, line) in lines(&scan.text) {
                    let (start, line) =
                        if start == 0 { (from, &line[from.min(line.len())..]) } else { (start, line) };
                    self.endpoint_line(block, start, line, Rank::Line);
                    self.event_line(block, start, line);
                    if self.base_heading {
                        self.base_from(line);
                    }
                }
                self.fields(block);
            }
            _ => {}
        }
    }

    fn heading(&mut self, block: &ScannedBlock, level: u8, title: &str, title_span: Span) {
        self.outline.enter(block);
        if level == 1 && self.doc.title.is_none() {
            self.doc.title = Some(title.into());
            self.doc.subject = subject_of(title).map(Into::into);
        }
        let lower = title.to_lowercase();
        self.base_heading = contains_any(&lower, &["base url", "base path", "baseurl"]);
        if let Some(op) = endpoint_at(title) {
            self.push_endpoint(op, title_span.start, Rank::Heading);
            return;
        }
        self.section = self.section.filter(|(l, _)| *l < level);
        if let Some(name) = called_name(title) {
            self.push_function(&title[name.start..name.end], None, name.offset_by(title_span.start));
            return;
        }
        if let Some((name, kind)) = prefixed_name(title) {
            let span = name.offset_by(title_span.start);
            let text = &title[name.start..name.end];
            match kind {
                Prefixed::Function => self.push_function(text, None, span),
                Prefixed::Event => self.push_event(text, EventKind::Message, span),
                Prefixed::Channel => self.push_event(text, EventKind::Channel, span),
            }
            return;
        }
        if let Some((section_level, kind)) = self.section
            && level == section_level + 1
            && let Some(name) = heading_identifier(title)
        {
            let text = &title[name.start..name.end];
            let span = name.offset_by(title_span.start);
            match kind {
                SectionKind::Functions => self.push_function(text.trim_end_matches("()"), None, span),
                SectionKind::Events => self.push_event(text, EventKind::Message, span),
                SectionKind::Channels => self.push_event(text, EventKind::Channel, span),
            }
            return;
        }
        if let Some((at, name)) = event_name_in(title) {
            self.push_event(
                name,
                EventKind::Message,
                Span::new(at, at + name.len()).offset_by(title_span.start),
            );
        }
        if level > 1
            && let Some(kind) = section_kind(title)
        {
            self.section = Some((level, kind));
        }
    }

    fn endpoint_line(&mut self, block: &ScannedBlock, start: usize, line: &str, rank: Rank) {
        if let Some(op) = endpoint_at(line) {
            self.push_endpoint(op, block.start + start, rank);
        }
    }

    fn push_endpoint(&mut self, found: FoundEndpoint, base: usize, rank: Rank) {
        let op = Operation {
            method: found.method.into(),
            path: found.path.into(),
            operation_id: None,
            summary: None,
            span: found.span.offset_by(base),
            path_span: found.path_span.offset_by(base),
        };
        self.candidates.push(Candidate { op, rank });
    }

    fn push_event(&mut self, name: &str, kind: EventKind, span: Span) {
        let name = name.trim_matches('`');
        if !name.is_empty() && !self.doc.events.iter().any(|e| &*e.name == name) {
            self.doc.events.push(EventDef { name: name.into(), kind, span });
        }
    }

    fn push_function(&mut self, name: &str, signature: Option<&str>, span: Span) {
        let name = name.trim_matches('`');
        if !name.is_empty() && !self.doc.functions.iter().any(|f| &*f.name == name) {
            self.doc.functions.push(FunctionDef {
                name: name.into(),
                signature: signature.map(Into::into),
                span,
            });
        }
    }

    /// A line starting with an event name (`- `lms.roster.v1.SchoolCreated` ...`).
    fn event_line(&mut self, block: &ScannedBlock, start: usize, line: &str) {
        let token = line.split_whitespace().next().unwrap_or("").trim_end_matches([':', ',']);
        let (lead, name) = strip_markup(token);
        if is_event_name(name) {
            let at = start + (line.len() - line.trim_start().len()) + lead;
            self.push_event(name, EventKind::Message, block.abs(Span::new(at, at + name.len())));
        }
    }

    fn table(&mut self, block: &ScannedBlock) {
        let (_, rows) = table_rows(&block.scan.text);
        for row in rows {
            for (i, cell) in row.cells.iter().enumerate() {
                if let Some(op) = endpoint_at(cell.text) {
                    self.push_endpoint(op, block.start + cell.span.start, Rank::Line);
                    break;
                }
                // `| GET | /api/agents | ... |`
                let method = strip_markup(cell.text).1;
                if let Some(next) = row.cells.get(i + 1)
                    && HTTP_METHODS.iter().any(|m| {
                        m.eq_ignore_ascii_case(method) && method.chars().all(|c| c.is_ascii_uppercase())
                    })
                {
                    let (lead, path) = strip_markup(next.text);
                    if path.starts_with('/') {
                        let path = clean_path(path);
                        let path_start = next.span.start + lead;
                        let path_span = Span::new(path_start, path_start + path.len());
                        self.candidates.push(Candidate {
                            op: Operation {
                                method: method.into(),
                                path: path.into(),
                                operation_id: None,
                                summary: None,
                                span: block.abs(Span::new(cell.span.start, path_span.end)),
                                path_span: block.abs(path_span),
                            },
                            rank: Rank::Line,
                        });
                        break;
                    }
                }
            }
            if let Some(first) = row.cells.first() {
                let (lead, name) = strip_markup(first.text);
                if is_event_name(name) {
                    let start = first.span.start + lead;
                    self.push_event(
                        name,
                        EventKind::Message,
                        block.abs(Span::new(start, start + name.len())),
                    );
                }
            }
        }
    }

    fn fields(&mut self, block: &ScannedBlock) {
        let scan = &block.scan;
        for field in &scan.fields {
            let key = field.key.to_lowercase();
            let value = scan.slice(field.value);
            if matches!(key.as_str(), "base url" | "base path" | "baseurl" | "base") {
                self.base_from(value);
            }
            if contains_any(&key, &["file", "location", "path", "test", "archivo", "ruta"]) {
                for mention in &scan.mentions {
                    if let crate::model::scan::MentionKind::Path { path } = &mention.kind
                        && field.value.start <= mention.span.start
                        && mention.span.end <= field.value.end
                    {
                        self.doc.references.push(FileReference {
                            key: key.as_str().into(),
                            path: path.clone(),
                            span: block.abs(mention.span),
                        });
                    }
                }
            }
            if let Some(op) = endpoint_at(value) {
                self.push_endpoint(op, block.start + field.value.start, Rank::Line);
            }
        }
    }

    fn base_from(&mut self, text: &str) {
        if self.doc.base_path.is_some() {
            return;
        }
        let token = text
            .split(|c: char| c.is_whitespace() || c == '`')
            .find(|t| t.contains("://") || t.starts_with('/'));
        self.doc.base_path = token.and_then(url_path);
    }

    fn finish(mut self) -> ContractDoc {
        self.choose_operations();
        if self.doc.operations.is_empty() && self.doc.events.is_empty() {
            let code = std::mem::take(&mut self.code);
            for block in &code {
                self.signatures(block);
            }
        }
        if self.doc.operations.is_empty() && self.doc.functions.is_empty() && !self.doc.events.is_empty() {
            self.doc.kind = ContractKind::Event;
        }
        self.doc
    }

    /// One operation per method and path (the base path ignored when
    /// comparing), at its most telling occurrence, in document order.
    fn choose_operations(&mut self) {
        let base = self.doc.base_path.clone();
        let key = |op: &Operation| {
            let path = base.as_deref().and_then(|b| op.path.strip_prefix(b)).filter(|p| p.starts_with('/'));
            let path = path.unwrap_or(&op.path).trim_end_matches('/').to_string();
            (op.method.to_string(), path)
        };
        let mut chosen: Vec<Candidate> = Vec::new();
        for candidate in std::mem::take(&mut self.candidates) {
            match chosen.iter_mut().find(|c| key(&c.op) == key(&candidate.op)) {
                Some(existing) if candidate.rank < existing.rank => *existing = candidate,
                Some(_) => {}
                None => chosen.push(candidate),
            }
        }
        chosen.sort_by_key(|c| c.op.span.start);
        self.doc.operations = chosen.into_iter().map(|c| c.op).collect();
    }

    /// Function declarations in a code block.
    fn signatures(&mut self, block: &ScannedBlock) {
        let text = &block.scan.text;
        if !is_code_language(&fence_info(text)) {
            return;
        }
        for (start, line) in code_lines(text) {
            if let Some((at, name)) = declared_function(line) {
                let span = block.abs(Span::new(start + at, start + at + name.len()));
                let signature = line.trim().trim_end_matches(['{', ' ']);
                self.push_function(name, Some(signature), span);
            }
        }
    }
}

fn is_code_language(info: &str) -> bool {
    matches!(
        info,
        "" | "ts"
            | "typescript"
            | "tsx"
            | "js"
            | "javascript"
            | "jsx"
            | "csharp"
            | "cs"
            | "c#"
            | "cpp"
            | "c++"
            | "c"
            | "h"
            | "hpp"
            | "java"
            | "kotlin"
            | "kt"
            | "dart"
            | "swift"
            | "go"
            | "rust"
            | "rs"
            | "python"
            | "py"
            | "gs"
            | "php"
            | "ruby"
            | "rb"
            | "scala"
    )
}

const NOT_FUNCTIONS: &[&str] = &[
    "if",
    "for",
    "while",
    "switch",
    "return",
    "catch",
    "new",
    "sizeof",
    "typeof",
    "await",
    "function",
    "else",
    "do",
    "try",
    "throw",
    "delete",
    "void",
    "super",
    "this",
    "constructor",
    "assert",
    "print",
    "println",
    "console",
    "expect",
    "describe",
    "it",
    "test",
];

/// A function declared on `line`: the name's offset and the name.
fn declared_function(line: &str) -> Option<(usize, &str)> {
    let lead = line.len() - line.trim_start().len();
    let code = line.trim();
    if code.starts_with(['/', '*', '#', '@', '}', ')', '<'])
        || code.ends_with(',')
        || code.contains(" = new ")
    {
        return None;
    }
    let ident_at = |text: &str, at: usize| -> Option<(usize, usize)> {
        let len = text[at..].find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len() - at);
        (len > 0).then_some((at, len))
    };
    // `function name(`, `def name(`, `fun name(`, `func name(`, `fn name(`.
    for keyword in ["function ", "def ", "fun ", "func ", "fn "] {
        if let Some(i) = find_word(code, keyword) {
            let (at, len) = ident_at(code, i + keyword.len())?;
            let name = &code[at..at + len];
            return (code[at + len..].starts_with('(') || code[at + len..].starts_with('<'))
                .then_some((lead + at, name))
                .filter(|(_, n)| !NOT_FUNCTIONS.contains(n));
        }
    }
    // `name(args): Type;` (TypeScript interface), `Type name(args);` (C#,
    // Java, C++, Dart), `public async Task<T> Name(...)`.
    let paren = code.find('(')?;
    let before = code[..paren].trim_end();
    if before.contains(['=', '.', ':', '"', '\'', ',']) && !before.contains("::") {
        return None;
    }
    let name_start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '?'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = before[name_start..].trim_end_matches('?');
    if name.is_empty() || !is_identifier(name) || NOT_FUNCTIONS.contains(&name) {
        return None;
    }
    // The word before the name must be a type or modifier, not `await`,
    // `return` or `new` (calls, not declarations).
    let type_word = before[..name_start].split_whitespace().next_back();
    if type_word.is_some_and(|w| {
        matches!(w, "await" | "return" | "new" | "throw" | "yield" | "else" | "case" | "typeof" | "in" | "of")
    }) {
        return None;
    }
    let after = code[paren..].rsplit(')').next().unwrap_or("").trim();
    let declares = if name_start > 0 {
        after.is_empty()
            || after.starts_with(['{', ';', ':'])
            || ["const", "override", "noexcept", "async", "throws"].iter().any(|w| after.starts_with(w))
    } else {
        // A TypeScript interface member: `call(request: X): Promise<Y>;`.
        after.starts_with(':') && code.ends_with(';')
    };
    declares.then_some((lead + name_start, name))
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = text[from..].find(word).map(|i| from + i) {
        if text[..i].chars().next_back().is_none_or(|c| !c.is_alphanumeric() && c != '_') {
            return Some(i);
        }
        from = i + word.len();
    }
    None
}

/// An endpoint at the start of a line or title: `POST /api/users`,
/// `**POST** `/companies/{id}``, `` `GET /devices` ``, `1. GET /x`.
struct FoundEndpoint {
    method: String,
    path: String,
    /// From the method to the end of the path, relative to the text.
    span: Span,
    path_span: Span,
}

fn endpoint_at(text: &str) -> Option<FoundEndpoint> {
    let mut at =
        text.len() - text.trim_start_matches([' ', '\t', '|', '*', '_', '`', '[', '>', '-', '#']).len();
    at += numbering_len(&text[at..]);
    at += text[at..].len() - text[at..].trim_start_matches(['*', '_', '`', ' ']).len();
    let rest = &text[at..];
    // Compared in place: upper-casing each method first made seven
    // strings per line of every markdown contract.
    let method = HTTP_METHODS.iter().find(|m| starts_with_upper(rest, m))?.to_ascii_uppercase();
    let after = &rest[method.len()..];
    let gap = after.len() - after.trim_start_matches(['*', '_', '`', ' ', '\t']).len();
    if gap == 0 || !after[..gap].contains([' ', '\t', '`']) && !after[..gap].contains("**") {
        return None;
    }
    let path_rel = method.len() + gap;
    let raw = &rest[path_rel..];
    if !raw.starts_with('/') {
        return None;
    }
    let path = clean_path(raw);
    let path_start = at + path_rel;
    Some(FoundEndpoint {
        method,
        path: path.to_string(),
        span: Span::new(at, path_start + path.len()),
        path_span: Span::new(path_start, path_start + path.len()),
    })
}

/// Whether `text` starts with `lower` written in capitals (`GET` for
/// `get`).
fn starts_with_upper(text: &str, lower: &str) -> bool {
    text.len() >= lower.len() && text.bytes().zip(lower.bytes()).all(|(t, l)| t == l.to_ascii_uppercase())
}

/// A path up to whitespace or markup, without query, fragment or trailing
/// punctuation.
fn clean_path(raw: &str) -> &str {
    let end = raw
        .find(|c: char| c.is_whitespace() || matches!(c, '`' | '*' | '|' | '"' | '\'' | ',' | ')' | '<'))
        .unwrap_or(raw.len());
    let path = &raw[..end];
    let path = path.split(['?', '#']).next().unwrap_or("");
    path.trim_end_matches(['.', ':', ';'])
}

enum Prefixed {
    Function,
    Event,
    Channel,
}

/// `Function: findAvailability`, `Method: BuildTree`, `Event: SchoolCreated`,
/// `Channel: user/signedup`: the name's span in the title.
fn prefixed_name(title: &str) -> Option<(Span, Prefixed)> {
    let body_start = numbering_len(title);
    let body = &title[body_start..];
    let colon = body.find([':', '：'])?;
    let prefix = body[..colon].trim().to_lowercase();
    let kind = match prefix.as_str() {
        "function" | "method" | "operation" | "tool" | "hook" | "command" | "rpc" | "procedure"
        | "función" | "método" => Prefixed::Function,
        "event" | "evento" | "message" | "webhook" => Prefixed::Event,
        "channel" | "topic" | "queue" | "canal" => Prefixed::Channel,
        _ => return None,
    };
    let rest_start = body_start + colon + body[colon..].chars().next().map_or(1, char::len_utf8);
    let rest = &title[rest_start..];
    let lead = rest.len() - rest.trim_start_matches([' ', '`']).len();
    let name_len =
        rest[lead..].find(|c: char| c.is_whitespace() || matches!(c, '`' | '(')).unwrap_or(rest.len() - lead);
    (name_len > 0).then(|| (Span::new(rest_start + lead, rest_start + lead + name_len), kind))
}

/// A heading that is one name: `` `llm:provider:list` ``, `log_info`,
/// `describe_data`, `2.2 `MESSAGE_SENT` (§9.6)`, `findAvailability()`.
fn heading_identifier(title: &str) -> Option<Span> {
    let start = numbering_len(title);
    let body = &title[start..];
    let main_end =
        [" (", " — ", " – ", " - "].iter().filter_map(|s| body.find(s)).min().unwrap_or(body.len());
    let main = body[..main_end].trim_end();
    let (lead, name) = strip_markup(main);
    let name = name.trim_end_matches("()");
    let ok = !name.is_empty()
        && !name.contains(char::is_whitespace)
        && name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '.' | '/' | '-' | '<' | '>'));
    ok.then(|| Span::new(start + lead, start + lead + name.len()))
}

/// An event name anywhere in a title, backticked or bare.
fn event_name_in(title: &str) -> Option<(usize, &str)> {
    let mut offset = 0;
    for token in title.split_inclusive(char::is_whitespace) {
        let (lead, name) = strip_markup(token.trim_end());
        let name = name.trim_end_matches([':', ',', ')']).trim_start_matches('(');
        if is_event_name(name) {
            let at = offset + lead + token[lead..].find(name).unwrap_or(0);
            return Some((at, name));
        }
        offset += token.len();
    }
    backticked_identifier(title).filter(|(_, n)| is_event_name(n))
}

/// `ShortcutHint` of `Component Contract: ShortcutHint`, `Themed
/// Components & Lint Guardrails` of `Contract — Themed Components ...`.
fn subject_of(title: &str) -> Option<&str> {
    // Searched in the title itself: an offset in its lower case is not one
    // of the title when a letter's lower case has another length (`K`).
    let at =
        find_ignore_ascii_case(title, "contract").or_else(|| find_ignore_ascii_case(title, "contrato"))?;
    let rest = &title[at..];
    let sep = rest.find([':', '—', '–', '：'])?;
    let subject = rest[sep..].trim_start_matches([':', '—', '–', '：', ' ']).trim();
    (!subject.is_empty()).then_some(subject)
}
