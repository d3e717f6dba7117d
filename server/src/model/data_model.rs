//! The model of a data-model.md: its entities and their fields.
//!
//! Which headings are entities is decided from the shapes the corpus
//! shows, in this order:
//! - explicit: `## Entity: Task`, `## Entity 1: Trendline`, `### Table:
//!   `devices``, `### Modified Table: ...`, `### Enum: Status`;
//! - children of a container section (`## Entities`, `## Core Entities`,
//!   `## Entity Definitions`, `## Domain Models`, `## Request/Response
//!   Models`, `## Database Tables`, `## Physical Schema`, `## Type
//!   Definitions`, `## Supporting Enums & Types`): `### User`, `### 1.
//!   User`, `### User (table: users)`, `### JobOffer Entity`;
//! - a heading that is one identifier (`## JiraIntegrationConfig`, `###
//!   2.1 `SendState` (§7.1)`, `### 2.1 ObjectPool<T>`) anywhere else;
//! - when none of these exist, the top-level sections with name-like
//!   titles (`## Credential Ref`).
//!
//! Sections about the model rather than an entity (Overview,
//! Relationships, Validation Rules, State Transitions, Data Flow, Indexes,
//! Migration, ...) are never entities, nor is anything under them.
//! Enums and value types are kept as entities with
//! [`EntityKind::Enum`]: tasks do create them (`Create PromotionStatus
//! enum`, HitTestZone), but a rule may weigh them lower. Entities marked
//! "Existing", "(Reference)" or "No Changes" carry `existing`, since no
//! task needs to create them.
//!
//! Fields come from tables with a name column (`| Field | Type | ... |`)
//! and from bullets (`- **email**: string`, `` - `id` (UUID) ``, `- id
//! (string) – unique`) in the entity's field part: its start, or after a
//! `Fields:` / `**Attributes**:` / `### Attributes` label, until a label
//! such as `Validation rules:` or `**Relationships**:`. Fields written only
//! in code blocks (TypeScript interfaces, Dart classes) are not read.

use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::{BlockList, ScannedBlock};
use super::markdown::{
    backticked_identifier, block_span, contains_any, is_identifier, lines, numbering_len, strip_markup,
    table_rows, title_words,
};
use crate::syntax::BlockKind;
use crate::text::{Document, Span};

/// What an entity section describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntityKind {
    Entity,
    /// An enumeration (`### PromotionStatus (NEW ENUM)`, `### HitTestZone
    /// Enum`, or a child of `## Enums`).
    Enum,
}

/// A field of an entity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntityField {
    pub name: Box<str>,
    pub name_span: Span,
    /// The type as written (`UUID (string)`, `string`, `Segment[]`), when
    /// the field states one.
    pub ty: Option<Box<str>>,
    /// The table row or list item.
    pub span: Span,
}

/// An entity of the data model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// The name without numbering, prefixes or qualifiers: `User` of `###
    /// 1. User (table: users)`, `devices` of `### Table: `devices``.
    pub name: Box<str>,
    pub name_span: Span,
    /// The heading.
    pub heading: Span,
    pub level: u8,
    /// From the heading to the next heading of the same or a higher level.
    pub span: Span,
    pub kind: EntityKind,
    /// Marked as already existing (`(Existing)`, `(Reference)`, `No
    /// Changes`, under `## Existing Entities`).
    pub existing: bool,
    pub fields: Vec<EntityField>,
}

/// The model of one data-model.md.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DataModelDoc {
    pub title: Option<Box<str>>,
    pub entities: Vec<Entity>,
}

impl DataModelDoc {
    /// Build the model from a document's blocks.
    pub fn from_blocks(blocks: &BlockList) -> Self {
        let headings = outline(blocks);
        let chosen = choose_entities(&headings);
        let title = headings.iter().find(|h| h.level == 1).map(|h| h.title.clone());
        let mut doc = DataModelDoc { title, entities: Vec::new() };
        let end = blocks.blocks().last().map_or(0, |b| b.span().end);
        for choice in chosen {
            doc.entities.push(build_entity(blocks, &headings, choice, end));
        }
        doc
    }

    /// The first entity with this name (case-insensitive).
    pub fn entity(&self, name: &str) -> Option<&Entity> {
        self.entities.iter().find(|e| e.name.eq_ignore_ascii_case(name))
    }

    /// The dump of this model (`specls dump data-model.md --format json`).
    pub fn to_dump(&self, doc: &Document, path: &str) -> Value {
        let line = |offset: usize| doc.line_of(offset) + 1;
        json!({
            "version": 1,
            "kind": "data-model",
            "path": path,
            "title": self.title,
            "entities": self.entities.iter().map(|e| json!({
                "name": e.name,
                "line": line(e.heading.start),
                "kind": e.kind,
                "existing": e.existing,
                "fields": e.fields.iter().map(|f| json!({
                    "name": f.name,
                    "type": f.ty,
                    "line": line(f.name_span.start),
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        })
    }
}

/// A heading of the document, with its block index.
struct Heading {
    block: usize,
    level: u8,
    title: Box<str>,
    /// The title's span (absolute).
    title_span: Span,
    span: Span,
}

fn outline(blocks: &BlockList) -> Vec<Heading> {
    blocks
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            let h = b.scan.heading.as_ref()?;
            Some(Heading {
                block: i,
                level: h.level,
                title: h.title.clone(),
                title_span: b.abs(h.title_span),
                span: block_span(b),
            })
        })
        .collect()
}

/// A heading chosen as an entity: its index in the outline and its name
/// (relative to the title).
struct Choice {
    heading: usize,
    name: Span,
    kind: EntityKind,
    existing: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Entity,
    Container { enums: bool, existing: bool },
    NotEntity,
    Neutral,
}

fn choose_entities(headings: &[Heading]) -> Vec<Choice> {
    let mut chosen = Vec::new();
    // Open headings: (level, role, index).
    let mut stack: Vec<(u8, Role, usize)> = Vec::new();
    // Each heading's parent and role, for the sibling pass below.
    let mut parents: Vec<Option<usize>> = Vec::with_capacity(headings.len());
    let mut roles: Vec<Role> = Vec::with_capacity(headings.len());
    let mut by_identifier = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        stack.retain(|(level, _, _)| *level < h.level);
        parents.push(stack.last().map(|(_, _, p)| *p));
        let role = if h.level == 1 {
            Role::Neutral
        } else {
            let parent = stack.last().map(|(_, r, _)| *r);
            let role = role_of(&h.title, parent, &stack);
            match role {
                Some((role, name, identifier)) => {
                    if let Some(name) = name {
                        chosen.push(choice(i, &h.title, name, parent));
                        if identifier {
                            by_identifier.push(i);
                        }
                    }
                    role
                }
                None => Role::Neutral,
            }
        };
        roles.push(role);
        stack.push((h.level, role, i));
    }
    // `## Invitation` next to `## AuditEvent`: plain-named siblings of an
    // identifier-named entity are entities too.
    for i in by_identifier {
        for j in 0..headings.len() {
            let sibling = parents[j] == parents[i] && headings[j].level == headings[i].level;
            if !sibling || roles[j] != Role::Neutral || chosen.iter().any(|c| c.heading == j) {
                continue;
            }
            let title = &*headings[j].title;
            if let Some(name) = plain_name(title).filter(|s| is_title_case(&title[s.start..s.end])) {
                let parent = parents[j].map(|p| roles[p]);
                chosen.push(choice(j, title, name, parent));
            }
        }
    }
    chosen.sort_by_key(|c| c.heading);
    if chosen.is_empty() {
        chosen = fallback_entities(headings);
    }
    chosen
}

/// A section heading's role, and the entity name when it is one (with
/// whether it was chosen for being a lone identifier).
fn role_of(
    title: &str,
    parent: Option<Role>,
    stack: &[(u8, Role, usize)],
) -> Option<(Role, Option<Span>, bool)> {
    if stack.iter().any(|(_, r, _)| *r == Role::Entity) {
        return Some((Role::NotEntity, None, false));
    }
    if let Some(name) = explicit_name(title) {
        return Some((Role::Entity, Some(name), false));
    }
    if is_not_entity(title) || stack.iter().any(|(_, r, _)| *r == Role::NotEntity) {
        return Some((Role::NotEntity, None, false));
    }
    let under_container = matches!(parent, Some(Role::Container { .. }));
    if is_container(title) && !(under_container && has_camel_case(title)) {
        let lower = title.to_lowercase();
        let enums = title_words(main_part(title))
            .iter()
            .all(|w| matches!(w.as_str(), "enums" | "enumerations" | "enum"));
        let existing = lower.contains("existing") || lower.contains("existente");
        return Some((Role::Container { enums, existing }, None, false));
    }
    if under_container && let Some(name) = plain_name(title) {
        return Some((Role::Entity, Some(name), false));
    }
    identifier_name(title).map(|name| (Role::Entity, Some(name), true))
}

fn choice(heading: usize, title: &str, name: Span, parent: Option<Role>) -> Choice {
    let words = title_words(title);
    let enum_word = words.iter().any(|w| matches!(w.as_str(), "enum" | "enums" | "enumeration"));
    let (container_enums, container_existing) = match parent {
        Some(Role::Container { enums, existing }) => (enums, existing),
        _ => (false, false),
    };
    let lower = title.to_lowercase();
    let existing = container_existing
        || contains_any(
            &lower,
            &[
                "existing",
                "existente",
                "no changes",
                "unchanged",
                "sin cambios",
                "(reference)",
                "已有",
                "现有",
            ],
        );
    Choice {
        heading,
        name,
        kind: if enum_word || container_enums { EntityKind::Enum } else { EntityKind::Entity },
        existing,
    }
}

/// When no heading qualifies by the rules above: the shallowest sections
/// (below the title) whose titles read as names.
fn fallback_entities(headings: &[Heading]) -> Vec<Choice> {
    let Some(level) = headings.iter().map(|h| h.level).filter(|l| *l > 1).min() else { return Vec::new() };
    headings
        .iter()
        .enumerate()
        .filter(|(_, h)| h.level == level && !is_not_entity(&h.title) && !is_container(&h.title))
        .filter_map(|(i, h)| {
            let title = &*h.title;
            let name = backticked_identifier(title)
                .filter(|(_, n)| !is_file_like(n))
                .map(|(at, n)| Span::new(at, at + n.len()))
                .or_else(|| plain_name(title).filter(|s| is_title_case(&title[s.start..s.end])))?;
            Some(choice(i, title, name, None))
        })
        .collect()
}

const NOT_ENTITY_WORDS: &[&str] = &[
    "overview",
    "relationship",
    "relationships",
    "relation",
    "relations",
    "validation",
    "validations",
    "validate",
    "transition",
    "transitions",
    "lifecycle",
    "flow",
    "flows",
    "diagram",
    "summary",
    "storage",
    "migration",
    "migrations",
    "performance",
    "query",
    "queries",
    "index",
    "indexes",
    "indices",
    "constraint",
    "constraints",
    "note",
    "notes",
    "glossary",
    "testing",
    "tests",
    "security",
    "persistence",
    "integration",
    "example",
    "examples",
    "retention",
    "cleanup",
    "deduplication",
    "rule",
    "rules",
    "consideration",
    "considerations",
    "strategy",
    "mapping",
    "impact",
    "description",
    "attribute",
    "attributes",
    "field",
    "fields",
    "property",
    "properties",
    "questions",
    "decision",
    "decisions",
    "error",
    "errors",
    "codes",
    "map",
    "purpose",
    "usage",
    "invariants",
    "derived",
    "patterns",
    "checklist",
    "appendix",
    "references",
    "assumptions",
    "principles",
    "implementation",
    "compatibility",
    "concurrency",
    "backup",
    "recovery",
    "evolution",
    "guarantees",
    "characteristics",
    "behavior",
    "behaviour",
    "reconciliation",
    "reglas",
    "validaciones",
    "transiciones",
    "mapeo",
    "relación",
    "relaciones",
    "flujo",
    "resumen",
    "diagrama",
    "关系",
    "验证",
    "流程",
];

/// Sections about the model rather than an entity.
fn is_not_entity(title: &str) -> bool {
    title_words(main_part(title)).iter().any(|w| NOT_ENTITY_WORDS.contains(&w.as_str()))
}

const CONTAINER_WORDS: &[&str] = &[
    "entities",
    "entity",
    "models",
    "model",
    "dtos",
    "enums",
    "enumerations",
    "types",
    "tables",
    "schema",
    "schemas",
    "structures",
    "definitions",
    "objects",
    "aggregates",
    "records",
    "entidades",
    "modelos",
    "tipos",
    "tablas",
    "实体",
    "模型",
    "エンティティ",
];

/// Sections that list entities: their last word names a kind of thing
/// (`Core Entities`, `Data Models (FR-001)`, `Supporting Enums & Types`).
fn is_container(title: &str) -> bool {
    let words = title_words(main_part(title));
    words.len() <= 5
        && (words.last().is_some_and(|w| CONTAINER_WORDS.contains(&w.as_str()))
            || words.first().is_some_and(|w| matches!(w.as_str(), "entities" | "entidades" | "实体")))
}

/// `JobOffer Entity` names a thing even though it ends like a container.
fn has_camel_case(title: &str) -> bool {
    title.split(|c: char| !c.is_alphanumeric()).any(|w| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars().skip(1).any(char::is_lowercase)
            && w.chars().skip(1).any(char::is_uppercase)
    })
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len())
}

/// The title without numbering and without a trailing qualifier in
/// parentheses or after a dash.
fn main_part(title: &str) -> &str {
    let body = &title[numbering_len(title.trim_start()) + (title.len() - title.trim_start().len())..];
    let cut = [" (", "（", "(", " — ", " – ", " - ", " [", " ·"].iter().filter_map(|s| body.find(s)).min();
    body[..cut.unwrap_or(body.len())].trim()
}

const ENTITY_PREFIX_WORDS: &[&str] = &[
    "entity",
    "entidad",
    "entité",
    "table",
    "tabla",
    "enum",
    "enumeration",
    "model",
    "modelo",
    "type",
    "interface",
    "dto",
    "value object",
    "aggregate",
    "record",
    "view",
    "class",
    "struct",
];

/// `Entity: Task`, `Entity 2: ScrollbarState (Immutable State)`,
/// `Table: `devices``, `Modified Table: `devices``: the name's span in the
/// title.
fn explicit_name(title: &str) -> Option<Span> {
    let lead = title.len() - title.trim_start().len();
    let lead = lead + numbering_len(&title[lead..]);
    let body = &title[lead..];
    let (sep, sep_len) = [":", "：", " — ", " – ", " - "]
        .iter()
        .filter_map(|s| body.find(s).map(|i| (i, s.len())))
        .min_by_key(|(i, _)| *i)?;
    let before = body[..sep].trim().to_lowercase();
    let mut words: Vec<&str> = before.split_whitespace().collect();
    if words.first().is_some_and(|w| {
        matches!(*w, "new" | "modified" | "existing" | "updated" | "core" | "nueva" | "nuevo")
    }) {
        words.remove(0);
    }
    if words.last().is_some_and(|w| w.chars().all(|c| c.is_ascii_digit()) || is_roman(w)) {
        words.pop();
    }
    let keyword = words.join(" ");
    if !ENTITY_PREFIX_WORDS.contains(&keyword.as_str()) {
        return None;
    }
    let rest_start = sep + sep_len;
    let name = plain_name(&body[rest_start..])?;
    Some(name.offset_by(lead + rest_start))
}

fn is_roman(word: &str) -> bool {
    !word.is_empty() && word.chars().all(|c| matches!(c, 'i' | 'v' | 'x'))
}

/// The name in a title: a backticked identifier when the title has one,
/// else the main part without qualifiers (`JobOffer` of `JobOffer Entity`,
/// `HitTestZone` of `HitTestZone Enum`, `CommunicationItem` of `Updated
/// CommunicationItem (in GET ...)`).
fn plain_name(title: &str) -> Option<Span> {
    let main = main_part(title);
    let main_start = offset_in(title, main);
    if let Some((at, ident)) = backticked_identifier(main).filter(|(_, n)| !is_file_like(n)) {
        return Some(Span::new(main_start + at, main_start + at + ident.len()));
    }
    let mut name = main.trim_matches(['*', '_', '`', '"', ' ']);
    let mut start = main_start + (main.len() - main.trim_start_matches(['*', '_', '`', '"', ' ']).len());
    for qualifier in ["Updated ", "New ", "Modified ", "Existing "] {
        if let Some(rest) = name.strip_prefix(qualifier)
            && !rest.trim().is_empty()
        {
            start += qualifier.len();
            name = rest;
        }
    }
    for suffix in [" Entity", " entity", " Enum", " enum", " Enumeration", " Model", " Table"] {
        if let Some(rest) = name.strip_suffix(suffix)
            && !rest.trim().is_empty()
        {
            name = rest;
        }
    }
    let name = name.trim_end_matches([':', ' ']);
    (!name.is_empty()).then(|| Span::new(start, start + name.len()))
}

/// A title that is one identifier (`JiraIntegrationConfig`, `2.1
/// `SendState` (§7.1)`, `ObjectPool<T>`, `provider_configurations`).
fn identifier_name(title: &str) -> Option<Span> {
    let main = main_part(title);
    let main_start = offset_in(title, main);
    let (lead, bare) = strip_markup(main);
    let backticked = main.trim().starts_with('`');
    let distinctive = bare.chars().skip(1).any(|c| c.is_uppercase() || c == '_' || c == '<');
    if !is_identifier(bare) || is_file_like(bare) || !(backticked || distinctive) {
        return None;
    }
    Some(Span::new(main_start + lead, main_start + lead + bare.len()))
}

/// `useLLMStore.ts`, `schema.sql`: a file name, not a type.
fn is_file_like(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, ext)| {
        !ext.is_empty() && ext.len() <= 5 && ext.chars().all(|c| c.is_ascii_lowercase())
    })
}

/// `Credential Ref`, `Boundary Verification Evidence`: at most four words,
/// each capitalised (or not a word).
fn is_title_case(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    !words.is_empty()
        && words.len() <= 4
        && words.iter().all(|w| w.chars().next().is_some_and(|c| c.is_uppercase() || !c.is_alphabetic()))
}

fn build_entity(blocks: &BlockList, headings: &[Heading], choice: Choice, doc_end: usize) -> Entity {
    let heading = &headings[choice.heading];
    let end_heading = headings[choice.heading + 1..].iter().find(|h| h.level <= heading.level);
    let end = end_heading.map_or(doc_end, |h| blocks.blocks()[h.block].start);
    let title_start = heading.title_span.start;
    let mut entity = Entity {
        name: heading.title[choice.name.start..choice.name.end].into(),
        name_span: choice.name.offset_by(title_start),
        heading: heading.span,
        level: heading.level,
        span: Span::new(blocks.blocks()[heading.block].start, end),
        kind: choice.kind,
        existing: choice.existing,
        fields: Vec::new(),
    };
    let last = end_heading.map_or(blocks.blocks().len(), |h| h.block);
    let mut reader = FieldReader { region: Region::Fields, field_indent: None };
    let body = &blocks.blocks()[heading.block + 1..last];
    for block in body {
        reader.block(block, &mut entity);
    }
    // Entities described only by a class or interface: the members of the
    // first code block that declares any.
    if entity.fields.is_empty() {
        entity.fields = body
            .iter()
            .filter(|b| b.scan.kind == BlockKind::Code)
            .map(code_fields)
            .find(|fields| !fields.is_empty())
            .unwrap_or_default();
    }
    entity
}

const NOT_FIELD_NAMES: &[&str] = &[
    "return",
    "if",
    "else",
    "for",
    "while",
    "case",
    "default",
    "switch",
    "throw",
    "new",
    "import",
    "export",
    "package",
    "from",
    "const",
    "let",
    "var",
    "val",
    "final",
    "public",
    "private",
    "protected",
    "static",
    "class",
    "interface",
    "type",
    "enum",
    "struct",
    "def",
    "fun",
    "function",
    "async",
    "await",
    "yield",
    "assert",
    "raise",
    "pass",
    "break",
    "continue",
    "self",
    "this",
    "super",
    "get",
    "set",
];

/// The members of the first class, interface, record or struct of a code
/// block: `id: string;` (TypeScript, Kotlin, Swift, Python), `final String
/// id;` (Dart, Java), `public Guid Id { get; set; }` (C#), `val id: UUID,`
/// (Kotlin constructors). Methods and nested members are left out.
fn code_fields(block: &ScannedBlock) -> Vec<EntityField> {
    let text = &block.scan.text;
    let body = super::markdown::code_lines(text);
    let braces = body.iter().any(|(_, l)| l.contains('{') || l.trim_end().ends_with('('));
    let mut out = Vec::new();
    let mut depth: i32 = 0;
    let mut class_indent: Option<usize> = None;
    for (start, line) in body {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        let depth_before = depth;
        if braces {
            for c in strip_line_comment(trimmed).chars() {
                match c {
                    '{' | '(' => depth += 1,
                    '}' | ')' => depth -= 1,
                    _ => {}
                }
            }
        }
        if trimmed.is_empty() || trimmed.starts_with(['/', '*', '#', '@']) {
            continue;
        }
        let member_level = if braces {
            depth_before == 1
        } else {
            if trimmed.starts_with("class ") {
                class_indent = Some(indent);
                continue;
            }
            class_indent.is_some_and(|c| indent > c)
        };
        if !member_level {
            continue;
        }
        if let Some((name_at, name, ty)) = member_of(trimmed) {
            let name_start = start + indent + name_at;
            out.push(EntityField {
                name: name.into(),
                name_span: block.abs(Span::new(name_start, name_start + name.len())),
                ty: (!ty.is_empty()).then(|| ty.into()),
                span: block.abs(Span::new(start + indent, start + line.len())),
            });
        }
    }
    out
}

fn strip_line_comment(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

/// A member declaration: its name's offset in `line`, name and type.
fn member_of(line: &str) -> Option<(usize, &str, &str)> {
    let code = strip_line_comment(line).trim_end().trim_end_matches([';', ',']).trim_end();
    const MODIFIERS: &[&str] = &[
        "readonly ",
        "public ",
        "private ",
        "protected ",
        "internal ",
        "override ",
        "val ",
        "var ",
        "let ",
        "final ",
        "late ",
        "required ",
        "static ",
        "const ",
        "pub ",
        "open ",
    ];
    let mut at = 0;
    while let Some(m) = MODIFIERS.iter().find(|m| code[at..].starts_with(**m)) {
        at += m.len();
        at += code[at..].len() - code[at..].trim_start().len();
    }
    let rest = &code[at..];
    // `name: Type`, `name?: Type`.
    let ident_len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
    let ident = &rest[..ident_len];
    let after = rest[ident_len..].trim_start_matches('?');
    if ident_len > 0 && after.starts_with(':') && !after.starts_with("::") {
        let ty = after[1..].split(" = ").next().unwrap_or("").trim().trim_end_matches('{').trim_end();
        if is_identifier(ident) && !NOT_FIELD_NAMES.contains(&ident) && !ident.contains('(') {
            return Some((at, ident, ty));
        }
        return None;
    }
    // `val title = varchar("title", 255)`: a column without a written type.
    if at > 0 && ident_len > 0 && after.trim_start().starts_with('=') && !after.trim_start().starts_with("==")
    {
        let declared = code[..at].split_whitespace().any(|m| matches!(m, "val" | "var" | "let" | "const"));
        if declared && is_identifier(ident) && !NOT_FIELD_NAMES.contains(&ident) {
            return Some((at, ident, ""));
        }
    }
    // `Type name`, `Type name = x`, `Type Name { get; set; }`.
    if rest.contains('(') && !rest.contains("=>") {
        return None;
    }
    let decl = rest.split(['=', '{']).next().unwrap_or("").trim_end();
    let (ty, name) = decl.rsplit_once(' ')?;
    let ty = ty.trim();
    if ty.is_empty()
        || !is_identifier(name)
        || NOT_FIELD_NAMES.contains(&name)
        || NOT_FIELD_NAMES.contains(&ty)
    {
        return None;
    }
    if !(ty.chars().all(|c| c.is_alphanumeric() || "<>[]?,._ ".contains(c))) {
        return None;
    }
    let name_at = at + decl.len() - name.len();
    Some((name_at, name, ty))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    Fields,
    Other,
}

/// Reads an entity's blocks in order, following its labels.
struct FieldReader {
    region: Region,
    /// Indentation of the first field bullet of the current region.
    field_indent: Option<usize>,
}

const FIELD_LABELS: &[&str] = &[
    "attribute",
    "field",
    "properties",
    "property",
    "column",
    "data structure",
    "structure",
    "schema",
    "values",
    "members",
    "atributos",
    "campos",
    "propiedades",
    "属性",
    "字段",
    "フィールド",
    "項目",
];

fn is_field_label(label: &str) -> bool {
    let lower = label.to_lowercase();
    contains_any(&lower, FIELD_LABELS)
        && !contains_any(&lower, &["validation", "rule", "relationship", "transition"])
}

impl FieldReader {
    fn switch(&mut self, label: &str) {
        self.region = if is_field_label(label) { Region::Fields } else { Region::Other };
        self.field_indent = None;
    }

    fn block(&mut self, block: &ScannedBlock, entity: &mut Entity) {
        let scan = &block.scan;
        match scan.kind {
            BlockKind::Heading { .. } => {
                if let Some(h) = &scan.heading {
                    self.switch(&h.title);
                }
            }
            BlockKind::Paragraph => {
                if let Some(label) = last_label(block) {
                    self.switch(&label);
                }
            }
            BlockKind::ListItem { .. } => {
                if let Some(field) = scan.fields.first().filter(|f| f.value.is_empty()) {
                    // `- **Attributes**:` introducing nested bullets.
                    self.switch(&field.key);
                    return;
                }
                if self.region != Region::Fields {
                    return;
                }
                let indent = scan.indent;
                if self.field_indent.is_some_and(|top| indent > top) {
                    return;
                }
                if let Some(field) = bullet_field(block) {
                    self.field_indent.get_or_insert(indent);
                    entity.fields.push(field);
                }
            }
            BlockKind::Table => {
                let rows = table_fields(block, self.region == Region::Fields);
                entity.fields.extend(rows);
            }
            _ => {}
        }
    }
}

/// The label a paragraph ends on: `Fields:`, `**Validation Rules**:`,
/// `**Purpose**: text` (a label with a value counts too: what follows is
/// no longer fields).
fn last_label(block: &ScannedBlock) -> Option<String> {
    let scan = &block.scan;
    let mut label = None;
    for (start, line) in lines(&scan.text) {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if let Some(field) =
            scan.fields.iter().find(|f| f.key_span.start >= start && f.key_span.start <= start + line.len())
        {
            label = Some(field.key.to_string());
        } else if trimmed.ends_with(':') && trimmed.chars().count() <= 60 {
            label = Some(strip_markup(trimmed.trim_end_matches(':')).1.to_string());
        } else if trimmed.ends_with("：") {
            label = Some(trimmed.to_string());
        }
    }
    label
}

const PRIMITIVE_TYPES: &[&str] = &[
    "string",
    "str",
    "int",
    "integer",
    "number",
    "float",
    "double",
    "bool",
    "boolean",
    "uuid",
    "date",
    "datetime",
    "timestamp",
    "time",
    "object",
    "array",
    "list",
    "map",
    "dict",
    "enum",
    "any",
    "null",
    "bytes",
    "decimal",
    "long",
    "text",
    "json",
    "uri",
    "url",
    "email",
    "char",
    "varchar",
    "bigint",
    "smallint",
    "short",
    "byte",
    "guid",
    "void",
    "record",
    "set",
    "tuple",
    "i32",
    "i64",
    "u32",
    "u64",
    "f32",
    "f64",
    "usize",
];

/// A field written as a bullet: `- **email**: string`, `` - `id` (UUID) ``,
/// `- id (string) – unique`, `` - `enabled`: boolean; ... ``.
fn bullet_field(block: &ScannedBlock) -> Option<EntityField> {
    let scan = &block.scan;
    let content_start = scan.content_start.min(scan.len());
    let line = scan.text[content_start..].lines().next().unwrap_or("");
    let (name_start, name_end, after) = if let Some(inner) = line.strip_prefix("**") {
        let close = inner.find("**")?;
        (2, 2 + close, 2 + close + 2)
    } else if let Some(inner) = line.strip_prefix('`') {
        let close = inner.find('`')?;
        (1, 1 + close, 1 + close + 1)
    } else {
        let len = line
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '?' | '[' | ']')))
            .unwrap_or(line.len());
        (0, len, len)
    };
    let raw = &line[name_start..name_end];
    // `` `id: UUID` - ... ``: name and type in one code span.
    if line.starts_with('`')
        && let Some((name, ty)) = raw.split_once(':')
        && is_identifier(name.trim().trim_end_matches('?'))
    {
        let name = name.trim();
        let start = content_start + name_start + (raw.len() - raw.trim_start().len());
        return Some(EntityField {
            name: name.into(),
            name_span: block.abs(Span::new(start, start + name.len())),
            ty: (!ty.trim().is_empty()).then(|| ty.trim().into()),
            span: block_span(block),
        });
    }
    let (lead, name) = strip_markup(raw.trim_end_matches(':'));
    let name = name.trim_end_matches(':');
    let bare = !line.starts_with("**") && !line.starts_with('`');
    let rest = &line[after.min(line.len())..];
    if name.is_empty() || name.split_whitespace().count() > 3 || name.contains(['`', '"', '=', '(']) {
        return None;
    }
    if bare && !(is_identifier(name) && rest.trim_start().starts_with(['(', ':', '–', '-', '—'])) {
        return None;
    }
    let ty = field_type(rest);
    let start = content_start + name_start + lead;
    Some(EntityField {
        name: name.into(),
        name_span: block.abs(Span::new(start, start + name.len())),
        ty: ty.map(Into::into),
        span: block_span(block),
    })
}

/// The type after a field's name: `(string, optional)` gives `string`,
/// `: boolean; ...` gives `boolean`, `: `Segment[]` ...` gives `Segment[]`.
fn field_type(rest: &str) -> Option<String> {
    let rest = rest.trim_start_matches(['*', '_']).trim_start();
    if let Some(inner) = rest.strip_prefix('(') {
        let close = inner.find(')').unwrap_or(inner.len());
        let ty = inner[..close].split([',', ':', ';']).next().unwrap_or("").trim().trim_matches('`');
        return (!ty.is_empty()).then(|| ty.to_string());
    }
    let value = rest.trim_start_matches([':', '-', '–', '—', ' ']).trim_start();
    if let Some(inner) = value.strip_prefix('`') {
        let close = inner.find('`')?;
        return Some(inner[..close].to_string());
    }
    let token_len =
        value.find(|c: char| c.is_whitespace() || matches!(c, ';' | ',' | '(' | '.')).unwrap_or(value.len());
    let token = &value[..token_len];
    let base = token.trim_end_matches(['?', '[', ']']).split(['<', '[']).next().unwrap_or("");
    let is_type = PRIMITIVE_TYPES.contains(&base.to_lowercase().as_str())
        || (base.chars().next().is_some_and(char::is_uppercase)
            && base.chars().skip(1).any(char::is_lowercase)
            && base.chars().skip(1).any(char::is_uppercase)
            && is_identifier(base));
    (is_type && !token.is_empty()).then(|| token.to_string())
}

const NAME_HEADERS: &[&str] = &[
    "field",
    "name",
    "column",
    "attribute",
    "property",
    "key",
    "parameter",
    "param",
    "member",
    "value",
    "variable",
    "token",
    "字段",
    "属性",
    "名称",
    "campo",
    "atributo",
    "nombre",
    "フィールド",
    "項目",
    "列",
];
const TYPE_HEADERS: &[&str] = &["type", "类型", "tipo", "型", "data type", "datatype"];

/// Fields from a table whose header names a field column. Outside the
/// field part of an entity, a type column is required too (a validation
/// matrix is not a field list).
fn table_fields(block: &ScannedBlock, in_fields: bool) -> Vec<EntityField> {
    let text = &block.scan.text;
    let (Some(header), rows) = table_rows(text) else { return Vec::new() };
    let headers: Vec<String> = header.cells.iter().map(|c| strip_markup(c.text).1.to_lowercase()).collect();
    let name_col = headers.iter().position(|h| NAME_HEADERS.iter().any(|w| h.contains(w)));
    let type_col = headers
        .iter()
        .position(|h| TYPE_HEADERS.iter().any(|w| h == w || h.ends_with(w) || h.starts_with(w)));
    let name_col = match (name_col, type_col) {
        (Some(n), _) if in_fields || type_col.is_some() => n,
        (None, Some(_)) => 0,
        // `**Values**:` followed by `| Status | Description |`.
        (None, None) if in_fields => 0,
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    for row in rows {
        let Some(cell) = row.cells.get(name_col) else { continue };
        let (lead, name) = strip_markup(cell.text);
        if name.is_empty() || matches!(name, "—" | "-" | "..." | "…") || name.contains(['"', '=']) {
            continue;
        }
        let ty = type_col
            .and_then(|c| row.cells.get(c))
            .map(|c| strip_markup(c.text).1.to_string())
            .filter(|t| !t.is_empty() && t != "—" && t != "-");
        let start = cell.span.start + lead;
        out.push(EntityField {
            name: name.into(),
            name_span: block.abs(Span::new(start, start + name.len())),
            ty: ty.map(Into::into),
            span: block.abs(row.span),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Document, DataModelDoc) {
        let doc = Document::new(text, 0);
        let model = DataModelDoc::from_blocks(&BlockList::parse(doc.rope()));
        (doc, model)
    }

    fn names(model: &DataModelDoc) -> Vec<&str> {
        model.entities.iter().map(|e| &*e.name).collect()
    }

    fn fields(entity: &Entity) -> Vec<(&str, Option<&str>)> {
        entity.fields.iter().map(|f| (&*f.name, f.ty.as_deref())).collect()
    }

    #[test]
    fn entities_under_a_container_with_table_fields() {
        let text = r#"# Data Model: STT

## Entities

### TranscriptionResponse

The response.

| Field | Type | Required | Description |
|-------|------|----------|-------------|
| text | string | Yes | full text |
| `segments` | Segment[] | No | parts |

**Validation Rules**:
- `text`: may be empty

### 1. User (table: users)

- **email**: string, unique
- `id` (UUID): primary key
- created_at (timestamp) – creation time
- A note that is not a field.

## Relationships

### Anything here

## State Transitions
"#;
        let (doc, model) = parse(text);
        assert_eq!(names(&model), ["TranscriptionResponse", "User"]);
        assert_eq!(fields(&model.entities[0]), [("text", Some("string")), ("segments", Some("Segment[]"))]);
        assert_eq!(
            fields(&model.entities[1]),
            [("email", Some("string")), ("id", Some("UUID")), ("created_at", Some("timestamp"))]
        );
        assert_eq!(doc.slice(model.entities[1].name_span), "User");
        assert_eq!(doc.slice(model.entities[0].fields[1].name_span), "segments");
        assert!(doc.slice(model.entities[0].span).contains("may be empty"));
    }

    #[test]
    fn explicit_entity_headings_and_their_subsections() {
        let text = r#"# DM

## Entity: Task

### Description
A task.

### Attributes

| Field | Type | Required |
|---|---|---|
| `id` | UUID (string) | Yes |
| `title` | string | Yes |

### Validation Rules

| Field | Rule |
|---|---|
| title | non-empty |

## Entity 2: ScrollbarState (Immutable State)

### Table: `devices`

## Modified Table: `pending_replacements`
"#;
        let (_, model) = parse(text);
        assert_eq!(names(&model), ["Task", "ScrollbarState", "pending_replacements"]);
        assert_eq!(fields(&model.entities[0]), [("id", Some("UUID (string)")), ("title", Some("string"))]);
    }

    #[test]
    fn identifier_headings_labels_and_fallback() {
        let text = r#"# DM

## JiraIntegrationConfig

Represents the UI capability.

Fields:

- `enabled`: boolean; renders when true.
- `defaultProjectKey`: optional project key.

Validation rules:

- `enabled` must be true.

## State Transitions

### JiraImportTarget
"#;
        let (_, model) = parse(text);
        assert_eq!(names(&model), ["JiraIntegrationConfig"]);
        assert_eq!(fields(&model.entities[0]), [("enabled", Some("boolean")), ("defaultProjectKey", None)]);

        let text = r#"# DM

## Credential Ref

- `profileId`: Provider profile identifier.

## Sanitized Surface

Represents any output:

- OAuth session API responses.

## Tokens visuales nuevos

## 3. Modelo de entrada del `ConfirmDialogComponent`
"#;
        let (_, model) = parse(text);
        assert_eq!(names(&model), ["Credential Ref", "Sanitized Surface", "ConfirmDialogComponent"]);
        assert_eq!(fields(&model.entities[0]), [("profileId", None)]);
        assert!(model.entities[1].fields.is_empty());
    }

    #[test]
    fn plain_siblings_of_identifier_entities() {
        let text = "# DM\n\n## Invitation\n\n| Field | Type |\n|---|---|\n| id | UUID |\n\n## Membership\n\n## AuditEvent\n\n## Notes\n\n## Open questions for later\n";
        let (_, model) = parse(text);
        assert_eq!(names(&model), ["Invitation", "Membership", "AuditEvent"]);
    }

    #[test]
    fn enums_existing_and_qualified_names() {
        let text = r#"# DM

## Entity Definitions

### PromotedJobOffer (NEW)

**Purpose**: Tracks promotions.

**Fields**:
| Field Name | Type | Constraints |
|---|---|---|
| id | UUID | PRIMARY KEY |

**Indexes**:
- `idx_promotions` ON (id) - lookup

### PromotionStatus (NEW ENUM)

**Values**:
| Status | Description |
|---|---|
| pending | Awaiting review |

## Core Entities

### JobOffer Entity

## Supporting Enums & Types

### HitTestZone Enum

### DataRange (Existing - No Changes)

## Existing Entities (No Changes)

### CalendarEvent
"#;
        let (_, model) = parse(text);
        let got: Vec<(&str, EntityKind, bool)> =
            model.entities.iter().map(|e| (&*e.name, e.kind, e.existing)).collect();
        assert_eq!(
            got,
            [
                ("PromotedJobOffer", EntityKind::Entity, false),
                ("PromotionStatus", EntityKind::Enum, false),
                ("JobOffer", EntityKind::Entity, false),
                ("HitTestZone", EntityKind::Enum, false),
                ("DataRange", EntityKind::Entity, true),
                ("CalendarEvent", EntityKind::Entity, true),
            ]
        );
        assert_eq!(fields(&model.entities[0]), [("id", Some("UUID"))]);
        assert_eq!(fields(&model.entities[1]), [("pending", None)]);
    }

    #[test]
    fn bare_bullets_with_types_in_parentheses() {
        let text = r#"# DM

## Entities

### ScriptAssembly
- id (string) – unique logical identifier
- status (enum: loading|loaded|error)
- dependency_paths (list<string>)
  - nested detail (string)
"#;
        let (doc, model) = parse(text);
        assert_eq!(
            fields(&model.entities[0]),
            [("id", Some("string")), ("status", Some("enum")), ("dependency_paths", Some("list<string>"))]
        );
        let dump = model.to_dump(&doc, "data-model.md");
        assert_eq!(dump["kind"], "data-model");
        assert_eq!(dump["entities"][0]["line"], 5);
        assert_eq!(dump["entities"][0]["fields"][1]["type"], "enum");
    }

    #[test]
    fn members_of_classes_and_interfaces_in_code() {
        let text = r#"# DM

## Entities

### KeyboardShortcut

**TypeScript Interface**:
```typescript
export interface KeyboardShortcut {
  /** Unique id */
  id: string;
  handler?: () => void;
  nested: {
    inner: number;
  };
}
```

### Conversation

```dart
class Conversation {
  final String id;
  final List<Message> messages;
  int totalInputTokens;
  Conversation copyWith();
}
```

### Conversation2

```csharp
public class Conversation2 {
    public Guid Id { get; set; }
}
```

### JobOffer

```kotlin
data class JobOffer(
    val id: UUID,
    val title: String = "",
)
```

### JobOfferTable

```kotlin
object JobOfferTable : UUIDTable("job_offers") {
    val title = varchar("title", 255)
}
```

### Segment

```python
class Segment(BaseModel):
    text: str
    start_time: float = 0
```
"#;
        let (_, model) = parse(text);
        let got: Vec<Vec<(&str, Option<&str>)>> = model.entities.iter().map(fields).collect();
        assert_eq!(
            got,
            [
                vec![("id", Some("string")), ("handler", Some("() => void")), ("nested", None)],
                vec![
                    ("id", Some("String")),
                    ("messages", Some("List<Message>")),
                    ("totalInputTokens", Some("int"))
                ],
                vec![("Id", Some("Guid"))],
                vec![("id", Some("UUID")), ("title", Some("String"))],
                vec![("title", None)],
                vec![("text", Some("str")), ("start_time", Some("float"))],
            ]
        );
    }
}
