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
    for broken in ["", ":", "{", "paths:\n  /x:\n    get", "\u{feff}- [", "a: &x\n  b: *x\n", "\t\"x\": 1"] {
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

#[test]
fn the_subject_follows_contract_after_letters_whose_lower_case_changes_length() {
    // The Kelvin sign lower-cases to one byte, not three: "contract" lies
    // two bytes further into the title than into its lower case.
    let doc = parse("contracts/users.md", "# é\u{212A} Contract: Users\n");
    assert_eq!(doc.subject.as_deref(), Some("Users"));
    let doc = parse("contracts/users.md", "# İİ Contrato — Usuarios\n");
    assert_eq!(doc.subject.as_deref(), Some("Usuarios"));
}
