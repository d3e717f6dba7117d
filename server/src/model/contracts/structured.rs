//! YAML and JSON contracts: OpenAPI, AsyncAPI and JSON Schema documents
//! read through one small node tree with byte spans, and a line scan of
//! `paths:` for files that do not parse.

use serde_json::Value;

use super::markdown::parse_markdown;
use super::{
    ContractDoc, ContractKind, EventDef, EventKind, HTTP_METHODS, Named, Operation, is_event_name, url_path,
};
use crate::model::markdown::lines;
use crate::text::Span;

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
    let at = crate::text::floor_char_boundary(text, at);
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

pub(super) fn parse_structured(text: &str, json_ext: bool) -> ContractDoc {
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
