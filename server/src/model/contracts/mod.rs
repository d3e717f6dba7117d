//! The model of one file under `contracts/`: an OpenAPI document (YAML or
//! JSON), a JSON schema, an event contract (AsyncAPI, or files about
//! events such as `lms.roster.v1.SchoolCreated`), a markdown contract, or
//! something else.
//!
//! What is kept is what rules and the editor point at: HTTP operations
//! (method, path, operationId, summary and the span of the operation's key),
//! events and channels, function signatures of markdown contracts about a
//! component or service, schema names, the JSON schema's title and `$id`.
//!
//! Malformed YAML or JSON never panics: the model carries `parse_error`
//! and what a line scan of `paths:` still finds. Some `.yaml` files in the
//! wild are markdown; they are read as markdown.
//!
//! One reader per format: `structured.rs` (YAML and JSON: OpenAPI,
//! AsyncAPI, JSON Schema, and the line scan of broken files) and
//! `markdown.rs` (contracts written as prose, read from scanned blocks).

mod markdown;
mod structured;
#[cfg(test)]
mod tests;

use std::path::Path;

use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::BlockList;
use crate::text::{Document, Span};
use markdown::{parse_markdown, read_markdown};
use structured::parse_structured;

/// What a contract file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContractKind {
    OpenApi,
    JsonSchema,
    /// AsyncAPI, or a file whose subject is events or channels.
    Event,
    Markdown,
    Other,
}

/// An HTTP operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Operation {
    /// Upper case: `GET`, `POST`.
    pub method: Box<str>,
    /// As written: `/api/users/{id}`.
    pub path: Box<str>,
    pub operation_id: Option<Box<str>>,
    pub summary: Option<Box<str>>,
    /// The operation's key (`get:` in OpenAPI) or the endpoint's text in
    /// markdown (`POST /api/users`).
    pub span: Span,
    /// The path's key (OpenAPI) or text.
    pub path_span: Span,
}

impl Operation {
    /// `POST /api/users`.
    pub fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// What an [`EventDef`] names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EventKind {
    /// A channel, topic or IPC channel (`llm:call`, `user/signedup`).
    Channel,
    /// A message or event (`UserSignedUp`, `lms.roster.v1.SchoolCreated`).
    Message,
    /// An AsyncAPI 3 operation.
    Operation,
}

/// An event, message or channel a contract defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDef {
    pub name: Box<str>,
    pub kind: EventKind,
    pub span: Span,
}

/// A function or method a markdown contract defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionDef {
    pub name: Box<str>,
    /// The declaration line, when the function came from code.
    pub signature: Option<Box<str>>,
    pub span: Span,
}

/// A named thing with its span: a schema of `components.schemas`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    pub name: Box<str>,
    pub span: Span,
}

/// A file a markdown contract points at: `**File**: `src/x.tsx``.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileReference {
    /// The field's key, lower-cased: `file`, `test`, `location`, `path`.
    pub key: Box<str>,
    pub path: Box<str>,
    pub span: Span,
}

/// The model of one contract file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContractDoc {
    pub kind: ContractKind,
    /// `info.title`, a schema's `title`, or a markdown H1.
    pub title: Option<Box<str>>,
    /// What a markdown contract is about: `ShortcutHint` of `# Component
    /// Contract: ShortcutHint`.
    pub subject: Option<Box<str>>,
    /// The `openapi` / `asyncapi` / `swagger` version.
    pub spec_version: Option<Box<str>>,
    /// The path part of the first server URL or a markdown `Base URL`.
    pub base_path: Option<Box<str>>,
    pub operations: Vec<Operation>,
    pub events: Vec<EventDef>,
    pub functions: Vec<FunctionDef>,
    /// `components.schemas`, `definitions`, `$defs`.
    pub schemas: Vec<Named>,
    /// A JSON schema's `$id`.
    pub schema_id: Option<Named>,
    pub references: Vec<FileReference>,
    /// Why YAML/JSON parsing failed, and where.
    pub parse_error: Option<(String, Span)>,
}

impl Default for ContractDoc {
    fn default() -> Self {
        ContractDoc::empty(ContractKind::Other)
    }
}

impl ContractDoc {
    fn empty(kind: ContractKind) -> Self {
        ContractDoc {
            kind,
            title: None,
            subject: None,
            spec_version: None,
            base_path: None,
            operations: Vec::new(),
            events: Vec::new(),
            functions: Vec::new(),
            schemas: Vec::new(),
            schema_id: None,
            references: Vec::new(),
            parse_error: None,
        }
    }

    /// Parse a contract file. `path` decides the format by its extension;
    /// contents that are plainly markdown are read as markdown whatever
    /// the extension says.
    pub fn parse(path: &Path, text: &str) -> ContractDoc {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        let doc = match ext.as_str() {
            "md" | "markdown" | "mdx" => parse_markdown(text),
            "yaml" | "yml" | "json" => parse_structured(text, ext == "json"),
            _ => ContractDoc::empty(ContractKind::Other),
        };
        doc.named_after(path)
    }

    /// The model of a markdown contract from the blocks its file already
    /// holds (an open document's, kept up to date by each edit), so the
    /// text is not parsed a second time.
    pub fn from_blocks(path: &Path, blocks: &BlockList) -> ContractDoc {
        read_markdown(blocks).named_after(path)
    }

    /// An event named by the file name (`lms.roster.v1.SchoolCreated.md`)
    /// when the contents name none.
    fn named_after(mut self, path: &Path) -> ContractDoc {
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
            event_from_file_name(&mut self, stem);
        }
        self
    }

    /// The dump of this model (`specls dump contracts/x --format json`).
    pub fn to_dump(&self, doc: &Document, path: &str) -> Value {
        let line = |offset: usize| doc.line_of(offset) + 1;
        json!({
            "version": 1,
            "kind": "contract",
            "path": path,
            "contract_kind": self.kind,
            "title": self.title,
            "subject": self.subject,
            "spec_version": self.spec_version,
            "base_path": self.base_path,
            "operations": self.operations.iter().map(|o| json!({
                "method": o.method,
                "path": o.path,
                "operation_id": o.operation_id,
                "summary": o.summary,
                "line": line(o.span.start),
            })).collect::<Vec<_>>(),
            "events": self.events.iter().map(|e| json!({
                "name": e.name,
                "kind": e.kind,
                "line": line(e.span.start),
            })).collect::<Vec<_>>(),
            "functions": self.functions.iter().map(|f| json!({
                "name": f.name,
                "signature": f.signature,
                "line": line(f.span.start),
            })).collect::<Vec<_>>(),
            "schemas": self.schemas.iter().map(|s| json!({
                "name": s.name,
                "line": line(s.span.start),
            })).collect::<Vec<_>>(),
            "schema_id": self.schema_id.as_ref().map(|s| json!({"id": s.name, "line": line(s.span.start)})),
            "references": self.references.iter().map(|r| json!({
                "key": r.key,
                "path": r.path,
                "line": line(r.span.start),
            })).collect::<Vec<_>>(),
            "parse_error": self.parse_error.as_ref().map(|(message, span)| json!({
                "message": message,
                "line": line(span.start),
            })),
        })
    }
}

const HTTP_METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A schema file named like an event (`lms.roster.v1.SchoolCreated.json`)
/// is an event contract.
fn event_from_file_name(doc: &mut ContractDoc, stem: &str) {
    let stem = stem.strip_suffix(".schema").unwrap_or(stem);
    if matches!(doc.kind, ContractKind::JsonSchema | ContractKind::Other) && is_event_name(stem) {
        doc.kind = ContractKind::Event;
        if !doc.events.iter().any(|e| &*e.name == stem) {
            doc.events.push(EventDef { name: stem.into(), kind: EventKind::Message, span: Span::empty(0) });
        }
    }
}

/// `lms.roster.v1.SchoolCreated`, `billing.invoice.paid.v2`: three or more
/// dot-separated segments, ending in a capitalised name or carrying a
/// `v1` segment. File names (`a.b.json`) and versions (`1.2.3`) are not.
pub fn is_event_name(text: &str) -> bool {
    let segments: Vec<&str> = text.split('.').collect();
    if segments.len() < 3
        || segments
            .iter()
            .any(|s| s.is_empty() || !s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
    {
        return false;
    }
    // `System.Text.Json.JsonDocument` is a namespace, `1.2.3` a version.
    if !segments[0].chars().next().is_some_and(|c| c.is_lowercase()) {
        return false;
    }
    let last = segments[segments.len() - 1];
    let versioned = segments
        .iter()
        .any(|s| s.len() >= 2 && s.starts_with('v') && s[1..].chars().all(|c| c.is_ascii_digit()));
    let happened = last.chars().next().is_some_and(char::is_uppercase)
        && ["ed", "Event", "Up", "In", "Out", "Down", "Off"].iter().any(|s| last.ends_with(s));
    versioned || happened
}

/// The path part of a server URL: `/api/v1` of `https://{host}/api/v1`.
fn url_path(url: &str) -> Option<Box<str>> {
    let url = url.trim().trim_matches('`');
    let path = match url.find("://") {
        Some(i) => &url[i + 3..][url[i + 3..].find('/')?..],
        None if url.starts_with('/') => url,
        None => return None,
    };
    let path = path.split(['?', '#', ' ']).next().unwrap_or("").trim_end_matches('/');
    (!path.is_empty()).then(|| path.into())
}
