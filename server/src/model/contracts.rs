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

use std::path::Path;

use ropey::Rope;
use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::{BlockList, ScannedBlock};
use super::markdown::{
    Outline, backticked_identifier, code_lines, contains_any, fence_info, is_identifier, lines,
    numbering_len, strip_markup, table_rows, title_words,
};
use crate::syntax::BlockKind;
use crate::text::{Document, Span};

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

// ---------------------------------------------------------------------------
// YAML and JSON

/// A YAML/JSON node with byte spans: the little of the document the
/// extraction needs, independent of the parser that produced it.
#[derive(Debug)]
struct Node {
    span: Span,
    data: NodeData,
}

#[derive(Debug)]
enum NodeData {
    Map(Vec<(Node, Node)>),
    Seq(Vec<Node>),
    Scalar(String),
    Null,
}

impl Node {
    fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|(_, v)| v)
    }

    fn entry(&self, key: &str) -> Option<(&Node, &Node)> {
        match &self.data {
            NodeData::Map(entries) => {
                entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(k, v)| (k, v))
            }
            _ => None,
        }
    }

    fn entries(&self) -> &[(Node, Node)] {
        match &self.data {
            NodeData::Map(entries) => entries,
            _ => &[],
        }
    }

    fn items(&self) -> &[Node] {
        match &self.data {
            NodeData::Seq(items) => items,
            _ => &[],
        }
    }

    fn text(&self) -> Option<&str> {
        match &self.data {
            NodeData::Scalar(s) => Some(s),
            _ => None,
        }
    }

    fn is_map(&self) -> bool {
        matches!(self.data, NodeData::Map(_))
    }
}

/// Character index → byte offset (saphyr's markers count characters).
struct CharOffsets {
    offsets: Option<Vec<usize>>,
    len: usize,
}

impl CharOffsets {
    fn new(text: &str) -> Self {
        let offsets = (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i).collect());
        CharOffsets { offsets, len: text.len() }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.offsets {
            None => char_index.min(self.len),
            Some(offsets) => offsets.get(char_index).copied().unwrap_or(self.len),
        }
    }
}

fn from_saphyr(node: &saphyr::MarkedYaml<'_>, offsets: &CharOffsets) -> Node {
    use saphyr::{Scalar, YamlData};
    let span = Span::new(offsets.byte(node.span.start.index()), offsets.byte(node.span.end.index()));
    let data = match &node.data {
        YamlData::Mapping(map) => NodeData::Map(
            map.iter().map(|(k, v)| (from_saphyr(k, offsets), from_saphyr(v, offsets))).collect(),
        ),
        YamlData::Sequence(seq) => NodeData::Seq(seq.iter().map(|n| from_saphyr(n, offsets)).collect()),
        YamlData::Value(scalar) => match scalar {
            Scalar::Null => NodeData::Null,
            Scalar::Boolean(b) => NodeData::Scalar(b.to_string()),
            Scalar::Integer(i) => NodeData::Scalar(i.to_string()),
            Scalar::FloatingPoint(f) => NodeData::Scalar(f.to_string()),
            Scalar::String(s) => NodeData::Scalar(s.to_string()),
        },
        YamlData::Representation(s, _, _) => NodeData::Scalar(s.to_string()),
        YamlData::Tagged(_, inner) => return from_saphyr(inner, offsets),
        YamlData::Alias(_) | YamlData::BadValue => NodeData::Null,
    };
    Node { span, data }
}

/// Parse YAML (or JSON, which YAML reads too) into nodes with byte spans.
fn load_yaml(text: &str) -> Result<Option<Node>, (String, Span)> {
    use saphyr::LoadableYamlNode;
    let offsets = CharOffsets::new(text);
    // The parser is third-party code fed with user text: a panic inside it
    // must not take the language server down, so it is contained here.
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        saphyr::MarkedYaml::load_from_str(text).map(|docs| docs.first().map(|d| from_saphyr(d, &offsets)))
    }));
    match loaded {
        Ok(Ok(root)) => Ok(root),
        Ok(Err(error)) => {
            let at = offsets.byte(error.marker().index());
            Err((error.info().to_string(), error_span(text, at)))
        }
        Err(_) => Err(("the YAML parser failed on this file".to_string(), Span::empty(0))),
    }
}

/// From `at` to the end of its line (at least one character when there is
/// one).
fn error_span(text: &str, at: usize) -> Span {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    Span::new(at, end.max((at + 1).min(text.len())))
}

/// JSON that the YAML reader refuses (tabs, for one) but that is valid:
/// read with serde_json, spans found by searching each key's text under
/// its parent's.
fn load_json(text: &str) -> Option<Node> {
    let value: Value = serde_json::from_str(text).ok()?;
    Some(json_node(text, &value, Span::new(0, text.len())))
}

fn json_node(text: &str, value: &Value, span: Span) -> Node {
    let data = match value {
        Value::Object(map) => NodeData::Map(
            map.iter()
                .map(|(k, v)| {
                    let quoted = serde_json::to_string(k).unwrap_or_default();
                    let key_at =
                        text[span.start..span.end].find(&quoted).map_or(span.start, |i| span.start + i);
                    let key = Node {
                        span: Span::new(key_at, key_at + quoted.len()),
                        data: NodeData::Scalar(k.clone()),
                    };
                    let value = json_node(text, v, Span::new(key.span.end, span.end));
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => NodeData::Seq(items.iter().map(|v| json_node(text, v, span)).collect()),
        Value::String(s) => NodeData::Scalar(s.clone()),
        Value::Number(n) => NodeData::Scalar(n.to_string()),
        Value::Bool(b) => NodeData::Scalar(b.to_string()),
        Value::Null => NodeData::Null,
    };
    Node { span: Span::new(span.start, span.start), data }
}

/// True for text that is plainly markdown (headings, bold labels, tables)
/// rather than YAML: `llm-tools.yaml` files written as markdown.
fn looks_like_markdown(text: &str) -> bool {
    let mut markdown = 0;
    for line in text.lines().take(200) {
        let t = line.trim_start();
        if t.starts_with("openapi:")
            || t.starts_with("asyncapi:")
            || t.starts_with("swagger:")
            || t.starts_with("paths:")
        {
            return false;
        }
        if t.starts_with("## ") || t.starts_with("**") || t.starts_with("| ") || t.starts_with("```") {
            markdown += 1;
        }
    }
    markdown >= 2
}

fn parse_structured(text: &str, json_ext: bool) -> ContractDoc {
    if !json_ext && looks_like_markdown(text) {
        return parse_markdown(text);
    }
    match load_yaml(text) {
        Ok(Some(root)) if root.is_map() => from_tree(&root),
        Ok(_) => ContractDoc::empty(ContractKind::Other),
        Err(error) => {
            if json_ext && let Some(root) = load_json(text) {
                return from_tree(&root);
            }
            let mut doc = scan_broken(text);
            doc.parse_error = Some(error);
            doc
        }
    }
}

fn from_tree(root: &Node) -> ContractDoc {
    if let Some(version) = root.get("openapi").or_else(|| root.get("swagger")) {
        let mut doc = ContractDoc::empty(ContractKind::OpenApi);
        doc.spec_version = version.text().map(Into::into);
        openapi(root, &mut doc);
        return doc;
    }
    if let Some(version) = root.get("asyncapi") {
        let mut doc = ContractDoc::empty(ContractKind::Event);
        doc.spec_version = version.text().map(Into::into);
        asyncapi(root, &mut doc);
        return doc;
    }
    let is_schema = root.get("$schema").is_some()
        || root.get("$id").is_some()
        || (root.get("properties").is_some() && root.get("type").is_some())
        || root.get("definitions").is_some()
        || root.get("$defs").is_some();
    if is_schema {
        let mut doc = ContractDoc::empty(ContractKind::JsonSchema);
        json_schema(root, &mut doc);
        return doc;
    }
    ContractDoc::empty(ContractKind::Other)
}

fn info_title(root: &Node) -> Option<Box<str>> {
    root.get("info").and_then(|i| i.get("title")).and_then(Node::text).map(Into::into)
}

fn openapi(root: &Node, doc: &mut ContractDoc) {
    doc.title = info_title(root);
    doc.base_path = root
        .get("servers")
        .and_then(|s| s.items().first())
        .and_then(|s| s.get("url"))
        .and_then(Node::text)
        .or_else(|| root.get("basePath").and_then(Node::text))
        .and_then(url_path);
    if let Some(paths) = root.get("paths") {
        for (path_key, item) in paths.entries() {
            let Some(path) = path_key.text() else { continue };
            for (method_key, op) in item.entries() {
                let Some(method) = method_key.text().filter(|m| HTTP_METHODS.contains(m)) else { continue };
                doc.operations.push(Operation {
                    method: method.to_ascii_uppercase().into(),
                    path: path.into(),
                    operation_id: op.get("operationId").and_then(Node::text).map(Into::into),
                    summary: op.get("summary").and_then(Node::text).map(Into::into),
                    span: method_key.span,
                    path_span: path_key.span,
                });
            }
        }
    }
    if let Some(webhooks) = root.get("webhooks") {
        for (name, _) in webhooks.entries() {
            push_event(doc, name, EventKind::Message);
        }
    }
    let schemas = root.get("components").and_then(|c| c.get("schemas")).or_else(|| root.get("definitions"));
    doc.schemas.extend(named_keys(schemas));
}

fn named_keys(node: Option<&Node>) -> impl Iterator<Item = Named> + '_ {
    node.into_iter()
        .flat_map(Node::entries)
        .filter_map(|(k, _)| Some(Named { name: k.text()?.into(), span: k.span }))
}

fn push_event(doc: &mut ContractDoc, key: &Node, kind: EventKind) {
    if let Some(name) = key.text()
        && !doc.events.iter().any(|e| e.kind == kind && &*e.name == name)
    {
        doc.events.push(EventDef { name: name.into(), kind, span: key.span });
    }
}

fn asyncapi(root: &Node, doc: &mut ContractDoc) {
    doc.title = info_title(root);
    if let Some(channels) = root.get("channels") {
        for (name, channel) in channels.entries() {
            let channel_name = channel.get("address").filter(|a| a.text().is_some()).unwrap_or(name);
            push_event(doc, channel_name, EventKind::Channel);
            // AsyncAPI 2: publish/subscribe → message (or oneOf messages).
            for action in ["publish", "subscribe"] {
                if let Some(message) = channel.get(action).and_then(|a| a.get("message")) {
                    for m in
                        std::iter::once(message).chain(message.get("oneOf").map(Node::items).unwrap_or(&[]))
                    {
                        if let Some(label) = message_label(m) {
                            push_event(doc, label, EventKind::Message);
                        }
                    }
                }
            }
            // AsyncAPI 3: channel messages by key.
            if let Some(messages) = channel.get("messages") {
                for (key, message) in messages.entries() {
                    push_event(
                        doc,
                        message.get("name").filter(|n| n.text().is_some()).unwrap_or(key),
                        EventKind::Message,
                    );
                }
            }
        }
    }
    if let Some(messages) = root.get("components").and_then(|c| c.get("messages")) {
        for (key, message) in messages.entries() {
            push_event(
                doc,
                message.get("name").filter(|n| n.text().is_some()).unwrap_or(key),
                EventKind::Message,
            );
        }
    }
    if let Some(operations) = root.get("operations") {
        for (key, _) in operations.entries() {
            push_event(doc, key, EventKind::Operation);
        }
    }
    doc.schemas.extend(named_keys(root.get("components").and_then(|c| c.get("schemas"))));
}

/// A message's name: `name`, `messageId`, or the last segment of `$ref`.
fn message_label(message: &Node) -> Option<&Node> {
    message
        .get("name")
        .or_else(|| message.get("messageId"))
        .filter(|n| n.text().is_some())
        .or_else(|| message.get("$ref").filter(|r| r.text().is_some_and(|t| t.contains("/messages/"))))
}

fn json_schema(root: &Node, doc: &mut ContractDoc) {
    doc.title = root.get("title").and_then(Node::text).map(Into::into);
    doc.spec_version = root.get("$schema").and_then(Node::text).map(Into::into);
    if let Some((_, id)) = root.entry("$id")
        && let Some(text) = id.text()
    {
        doc.schema_id = Some(Named { name: text.into(), span: id.span });
    }
    doc.schemas.extend(named_keys(root.get("$defs").or_else(|| root.get("definitions"))));
    let title_event = doc.title.as_deref().filter(|t| is_event_name(t)).map(str::to_string);
    let id_event = doc.schema_id.as_ref().and_then(|id| {
        let last = id.name.rsplit('/').next().unwrap_or("");
        let last = last.strip_suffix(".json").unwrap_or(last);
        let last = last.strip_suffix(".schema").unwrap_or(last);
        is_event_name(last).then(|| (last.to_string(), id.span))
    });
    if let Some(name) = title_event {
        let span = root.entry("title").map_or(Span::empty(0), |(_, v)| v.span);
        doc.events.push(EventDef { name: name.into(), kind: EventKind::Message, span });
    } else if let Some((name, span)) = id_event {
        doc.events.push(EventDef { name: name.into(), kind: EventKind::Message, span });
    }
    if !doc.events.is_empty() {
        doc.kind = ContractKind::Event;
    }
}

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

/// What a line scan of a broken OpenAPI document still finds: the
/// operations under `paths:` by indentation. Works for YAML and for
/// pretty-printed JSON.
fn scan_broken(text: &str) -> ContractDoc {
    let mut doc = ContractDoc::empty(ContractKind::Other);
    let mut in_paths: Option<usize> = None;
    let mut path_indent: Option<usize> = None;
    let mut current: Option<(String, Span)> = None;
    for (start, line) in lines(text) {
        let indent = line.len() - line.trim_start().len();
        let Some((key, key_span)) = line_key(line) else { continue };
        let key_span = key_span.offset_by(start);
        if matches!(key, "openapi" | "swagger") {
            doc.kind = ContractKind::OpenApi;
        }
        if key == "paths" {
            in_paths = Some(indent);
            path_indent = None;
            continue;
        }
        let Some(paths_indent) = in_paths else { continue };
        if indent <= paths_indent {
            in_paths = None;
            continue;
        }
        if key.starts_with('/') && path_indent.is_none_or(|p| indent <= p) {
            path_indent = Some(indent);
            current = Some((key.to_string(), key_span));
        } else if let (Some((path, path_span)), true) = (&current, HTTP_METHODS.contains(&key)) {
            doc.kind = ContractKind::OpenApi;
            doc.operations.push(Operation {
                method: key.to_ascii_uppercase().into(),
                path: path.as_str().into(),
                operation_id: None,
                summary: None,
                span: key_span,
                path_span: *path_span,
            });
        }
    }
    doc
}

/// The key of a `key:` / `"key": ` line, unquoted, with its span in the line.
fn line_key(line: &str) -> Option<(&str, Span)> {
    let lead = line.len() - line.trim_start().len();
    let rest = &line[lead..];
    if rest.starts_with('#') || rest.starts_with("- ") {
        return None;
    }
    let (key, len) = if let Some(quoted) = rest.strip_prefix('"') {
        let close = quoted.find('"')?;
        (&quoted[..close], close + 2)
    } else if let Some(quoted) = rest.strip_prefix('\'') {
        let close = quoted.find('\'')?;
        (&quoted[..close], close + 2)
    } else {
        let colon = rest.find(':')?;
        (rest[..colon].trim_end(), colon)
    };
    rest[len..].trim_start().starts_with(':').then_some((key, Span::new(lead, lead + len)))
}

// ---------------------------------------------------------------------------
// Markdown contracts

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

fn parse_markdown(text: &str) -> ContractDoc {
    read_markdown(&BlockList::parse(&Rope::from_str(text)))
}

fn read_markdown(blocks: &BlockList) -> ContractDoc {
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
                    if let super::scan::MentionKind::Path { path } = &mention.kind
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
    let method =
        HTTP_METHODS.iter().map(|m| m.to_ascii_uppercase()).find(|m| rest.starts_with(m.as_str()))?;
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
    let lower = title.to_lowercase();
    let at = lower.find("contract").or_else(|| lower.find("contrato"))?;
    let rest = &title[at..];
    let sep = rest.find([':', '—', '–', '：'])?;
    let subject = rest[sep..].trim_start_matches([':', '—', '–', '：', ' ']).trim();
    (!subject.is_empty()).then_some(subject)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(name: &str, text: &str) -> ContractDoc {
        ContractDoc::parse(Path::new(name), text)
    }

    fn ops(doc: &ContractDoc) -> Vec<String> {
        doc.operations.iter().map(Operation::label).collect()
    }

    const OPENAPI: &str = r#"openapi: 3.0.3
info:
  title: Chat API
  version: 1.0.0
servers:
  - url: https://api.example.com/api/v1
paths:
  /conversations:
    get:
      operationId: getConversations
      summary: List all
    post:
      operationId: createConversation
  /conversations/{id}:
    parameters: []
    delete:
      summary: Delete one
components:
  schemas:
    Conversation:
      type: object
"#;

    #[test]
    fn openapi_yaml_operations_with_key_spans() {
        let doc = parse("contracts/chat-api.yaml", OPENAPI);
        assert_eq!(doc.kind, ContractKind::OpenApi);
        assert_eq!(doc.title.as_deref(), Some("Chat API"));
        assert_eq!(doc.base_path.as_deref(), Some("/api/v1"));
        assert_eq!(ops(&doc), ["GET /conversations", "POST /conversations", "DELETE /conversations/{id}"]);
        let get = &doc.operations[0];
        assert_eq!(get.operation_id.as_deref(), Some("getConversations"));
        assert_eq!(get.summary.as_deref(), Some("List all"));
        assert_eq!(&OPENAPI[get.span.start..get.span.end], "get");
        assert_eq!(&OPENAPI[get.path_span.start..get.path_span.end], "/conversations");
        assert_eq!(doc.schemas[0].name.as_ref(), "Conversation");
        assert!(doc.parse_error.is_none());
    }

    #[test]
    fn openapi_json_and_non_ascii_offsets() {
        let text = r#"{
  "openapi": "3.1.0",
  "info": {"title": "日本語 API"},
  "paths": {
    "/stt": {
      "post": {"operationId": "transcribe"}
    }
  }
}
"#;
        let doc = parse("api.json", text);
        assert_eq!(ops(&doc), ["POST /stt"]);
        let op = &doc.operations[0];
        assert_eq!(&text[op.span.start..op.span.end], "\"post\"");
        let with_tabs = text.replace("  ", "\t");
        let doc = parse("api.json", &with_tabs);
        assert_eq!(ops(&doc), ["POST /stt"]);
        assert!(with_tabs[doc.operations[0].span.start..].starts_with("\"post\""));
    }

    #[test]
    fn malformed_yaml_reports_an_error_and_keeps_what_a_line_scan_finds() {
        let text = "openapi: 3.0.0\npaths:\n  /users:\n    get:\n      summary: [unclosed\n    post:\n      summary: ok\n  /users/{id}:\n    delete: {}\n";
        let doc = parse("api.yaml", text);
        let (message, span) = doc.parse_error.clone().expect("a parse error");
        assert!(!message.is_empty());
        assert!(span.start <= text.len());
        assert_eq!(doc.kind, ContractKind::OpenApi);
        assert_eq!(ops(&doc), ["GET /users", "POST /users", "DELETE /users/{id}"]);
        for broken in
            ["", ":", "{", "paths:\n  /x:\n    get", "\u{feff}- [", "a: &x\n  b: *x\n", "\t\"x\": 1"]
        {
            let _ = parse("x.yaml", broken);
            let _ = parse("x.json", broken);
        }
    }

    #[test]
    fn json_schema_title_and_id() {
        let text = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://x/specs/breakout-detection.json",
  "title": "Breakout Detection Response",
  "type": "object",
  "properties": {}
}
"#;
        let doc = parse("breakout-detection.json", text);
        assert_eq!(doc.kind, ContractKind::JsonSchema);
        assert_eq!(doc.title.as_deref(), Some("Breakout Detection Response"));
        let id = doc.schema_id.as_ref().unwrap();
        assert_eq!(&*id.name, "https://x/specs/breakout-detection.json");
        assert!(text[id.span.start..].starts_with("\"https://x/specs"));
    }

    #[test]
    fn event_contracts() {
        let text = "{\"$schema\": \"x\", \"title\": \"lms.roster.v1.SchoolCreated\", \"type\": \"object\", \"properties\": {}}";
        let doc = parse("contracts/school-created.json", text);
        assert_eq!(doc.kind, ContractKind::Event);
        assert_eq!(&*doc.events[0].name, "lms.roster.v1.SchoolCreated");
        let doc = parse(
            "contracts/lms.roster.v1.StudentEnrolled.schema.json",
            "{\"type\": \"object\", \"properties\": {}}",
        );
        assert_eq!(doc.kind, ContractKind::Event);
        assert_eq!(&*doc.events[0].name, "lms.roster.v1.StudentEnrolled");

        let asyncapi = r#"asyncapi: 2.6.0
info:
  title: Roster events
channels:
  roster/school:
    subscribe:
      message:
        name: SchoolCreated
components:
  messages:
    SchoolClosed:
      payload: {}
"#;
        let doc = parse("events.yaml", asyncapi);
        assert_eq!(doc.kind, ContractKind::Event);
        let events: Vec<(&str, EventKind)> = doc.events.iter().map(|e| (&*e.name, e.kind)).collect();
        assert_eq!(
            events,
            [
                ("roster/school", EventKind::Channel),
                ("SchoolCreated", EventKind::Message),
                ("SchoolClosed", EventKind::Message)
            ]
        );
        assert!(is_event_name("lms.roster.v1.SchoolCreated"));
        assert!(is_event_name("billing.invoice.paid.v2"));
        assert!(!is_event_name("breakout-detection.json"));
        assert!(!is_event_name("1.2.3"));
        assert!(!is_event_name("e.g."));
    }

    #[test]
    fn markdown_contract_endpoints_in_every_shape() {
        let text = r#"# API Contract: Job Offers

**Base URL**: `/api/v1`

## Endpoints

| Endpoint | Auth |
|---|---|
| `GET /health` | No |

### 1. Create Job Offer
**POST** `/companies/{companyId}/job-offers`

### `GET /api/v1/health`

```
GET /api/agents?type={agentType}
DELETE /api/agents/{id}
```

| Method | Path |
|---|---|
| PUT | /api/agents/{id} |

**Endpoint**: `PATCH /orgs/{orgSlug}/packs`

- Response: `application/json`（DELETE 204 除外）
- Calls GET /not/an/endpoint in prose
"#;
        let doc = parse("contracts/api-contracts.md", text);
        assert_eq!(doc.kind, ContractKind::Markdown);
        assert_eq!(doc.subject.as_deref(), Some("Job Offers"));
        assert_eq!(doc.base_path.as_deref(), Some("/api/v1"));
        assert_eq!(
            ops(&doc),
            [
                "POST /companies/{companyId}/job-offers",
                "GET /api/v1/health",
                "GET /api/agents",
                "DELETE /api/agents/{id}",
                "PUT /api/agents/{id}",
                "PATCH /orgs/{orgSlug}/packs",
            ]
        );
        let post = &doc.operations[0];
        assert_eq!(&text[post.span.start..post.span.end], "POST** `/companies/{companyId}/job-offers");
        assert_eq!(&text[post.path_span.start..post.path_span.end], "/companies/{companyId}/job-offers");
    }

    /// A markdown contract open in an editor is read from the blocks its
    /// file keeps up to date: after edits, the same model as parsing the
    /// final text afresh.
    #[test]
    fn markdown_contracts_from_an_edited_files_blocks_equal_a_fresh_parse() {
        use crate::model::file::MarkdownFile;
        use crate::text::{ContentChange, Position, PositionEncoding, PositionRange};
        let path = Path::new("contracts/jobs.md");
        let text = "# API Contract: Jobs\n\n**Base URL**: `/api/v1`\n\n## Endpoints\n\n### 1. Create Job\n**POST** `/jobs`\n";
        let mut file = MarkdownFile::open(text, 0);
        assert_eq!(ContractDoc::from_blocks(path, file.blocks()), ContractDoc::parse(path, text));
        let at = Position::new(8, 0);
        let insert = "\n### `DELETE /jobs/{id}`\n\n## Events\n\n- `job.created`\n";
        file.apply_changes(
            &[ContentChange::replace(PositionRange::new(at, at), insert)],
            PositionEncoding::Utf16,
            1,
        );
        let edited = ContractDoc::from_blocks(path, file.blocks());
        assert_eq!(edited, ContractDoc::parse(path, &file.document().text()));
        assert_eq!(ops(&edited), ["POST /jobs", "DELETE /jobs/{id}"]);
    }

    #[test]
    fn markdown_contract_events_channels_and_functions() {
        let text = r#"# IPC API Contracts

## Provider Channels

### `llm:provider:list`

### `llm:provider:save`

## Event Channels (Main → Renderer)

### `llm:queue:updated`

## 2. Eventos WebSocket

### 2.2 `MESSAGE_SENT` (§9.6)

- `lms.roster.v1.SchoolCreated`: emitted on create
"#;
        let doc = parse("ipc-channels.md", text);
        assert_eq!(doc.kind, ContractKind::Event);
        let events: Vec<(&str, EventKind)> = doc.events.iter().map(|e| (&*e.name, e.kind)).collect();
        assert_eq!(
            events,
            [
                ("llm:provider:list", EventKind::Channel),
                ("llm:provider:save", EventKind::Channel),
                ("llm:queue:updated", EventKind::Channel),
                ("MESSAGE_SENT", EventKind::Message),
                ("lms.roster.v1.SchoolCreated", EventKind::Message),
            ]
        );
        assert_eq!(&text[doc.events[0].span.start..doc.events[0].span.end], "llm:provider:list");

        let text = r#"# Contract: JsonTreeBuilder

**File**: `src/Utils/JsonTreeBuilder.cs`

## Public Interface

### Method: BuildTree

```csharp
public JsonTreeNode BuildTree(JsonDocument document)
```

## Operations

### log_info
"#;
        let doc = parse("JsonTreeBuilder.contract.md", text);
        let functions: Vec<&str> = doc.functions.iter().map(|f| &*f.name).collect();
        assert_eq!(functions, ["BuildTree", "log_info"]);
        assert_eq!(doc.subject.as_deref(), Some("JsonTreeBuilder"));
        assert_eq!(&*doc.references[0].path, "src/Utils/JsonTreeBuilder.cs");

        let text = r#"# Service Interfaces

## LLMService

```typescript
export interface ILLMService {
  call(request: LLMRequest): Promise<LLMResponse>;
  onClose: () => void;
  if (x) { return y(); }
}
function findAvailability(startDate, endDate) {
  return helper(startDate);
}
```

```cpp
class FullscreenSession {
public:
    bool isActive() const;
    void requestStart(GameWindow& source);
};
```
"#;
        let doc = parse("service-interfaces.md", text);
        let functions: Vec<&str> = doc.functions.iter().map(|f| &*f.name).collect();
        assert_eq!(functions, ["call", "findAvailability", "isActive", "requestStart"]);
        assert_eq!(
            doc.functions[0].signature.as_deref(),
            Some("call(request: LLMRequest): Promise<LLMResponse>;")
        );
    }

    #[test]
    fn yaml_files_that_are_markdown() {
        let text = "# LLM Tool Contracts\n\n**Feature**: 003\n\n## Tool Definitions\n\n### describe_data\n\n```yaml\nname: describe_data\n```\n\n### load_data\n";
        let doc = parse("llm-tools.yaml", text);
        assert_eq!(doc.kind, ContractKind::Markdown);
        assert!(doc.parse_error.is_none());
        let functions: Vec<&str> = doc.functions.iter().map(|f| &*f.name).collect();
        assert_eq!(functions, ["describe_data", "load_data"]);
    }

    #[test]
    fn dump_of_a_contract() {
        let doc = parse("chat-api.yaml", OPENAPI);
        let text = Document::new(OPENAPI, 0);
        let dump = doc.to_dump(&text, "contracts/chat-api.yaml");
        assert_eq!(dump["kind"], "contract");
        assert_eq!(dump["contract_kind"], "open-api");
        assert_eq!(dump["operations"][0]["method"], "GET");
        assert_eq!(dump["operations"][0]["line"], 9);
        assert_eq!(dump["operations"][2]["line"], 16);
    }
}
