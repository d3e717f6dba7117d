//! The model of a spec.md: user stories (number, priority, independent
//! test, Given/When/Then scenarios), requirement definitions (`FR-001`,
//! `SC-004`, `NFR-002`, `FR-005a`, `DOC-REQ-003`), key entities and
//! `[NEEDS CLARIFICATION: ...]` markers.
//!
//! Real stories come as `### User Story 1 - Title (Priority: P1)`,
//! `### User Story 1 – Title (P1) 🎯 MVP`, `### US1: Title`,
//! `### User Story 1 — 列表页面（Priority: P1）`, `### Historia de Usuario 1 -
//! ...`, at any heading level; the old template has one `### Primary User
//! Story` followed by a sibling `### Acceptance Scenarios`; a few specs
//! list stories as items of a `## User Stories` section. Requirement IDs
//! are definitions only where a line, list item, table row or heading
//! *starts* with one inside a Requirements / Success Criteria section (or
//! anywhere, when a spec has no such section); mentions elsewhere
//! (`Maps to FR-006`) are references, found by the scanner.

use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::{BlockList, ScannedBlock};
use super::ids::parse_requirement_id;
use super::markdown::{
    ClarificationMarker, Outline, block_span, clarification_markers, contains_any, lines, numbering_len,
    strip_markup, table_rows, trim_span,
};
use super::tasks::phase_title::priority_in;
use crate::syntax::{BlockKind, ListMarker};
use crate::text::{Document, Span, is_lowercase_of};

/// How a story is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StoryForm {
    /// A heading naming the story: `### User Story 1 - Title (Priority: P1)`.
    Heading,
    /// The old template's single `### Primary User Story`.
    Primary,
    /// An item of a `## User Stories` list: `1. **As a developer**, I want ...`.
    ListItem,
}

/// One acceptance scenario: a list item (or a paragraph line) of a story
/// that reads as Given/When/Then.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub span: Span,
    pub given: bool,
    pub when: bool,
    pub then: bool,
}

impl Scenario {
    /// True when Given, When and Then are all there.
    pub fn is_complete(&self) -> bool {
        self.given && self.when && self.then
    }
}

/// A user story of the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserStory {
    /// `1` of `User Story 1` / `US1`; `None` for `Primary User Story`,
    /// `User Story - Title` and bulleted list stories.
    pub number: Option<u32>,
    pub title: Box<str>,
    /// `1` of `P1`, from the heading or a `**Priority**:` line.
    pub priority: Option<u32>,
    /// `MVP` or 🎯 in the heading.
    pub mvp: bool,
    pub form: StoryForm,
    /// The heading (or the list item's first line).
    pub heading: Span,
    pub title_span: Span,
    /// From the heading to the next heading of the same or a higher level
    /// (an `Acceptance Scenarios` sibling heading stays inside).
    pub span: Span,
    /// The `**Independent Test**:` line.
    pub independent_test: Option<Span>,
    /// The `**Why this priority**:` line.
    pub why_priority: Option<Span>,
    pub scenarios: Vec<Scenario>,
}

impl UserStory {
    /// `US1`, or the title when the story has no number.
    pub fn label(&self) -> String {
        match self.number {
            Some(n) => format!("US{n}"),
            None => self.title.to_string(),
        }
    }
}

/// What a requirement ID's prefix says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum RequirementKind {
    /// `FR-001`, `FR-UL-001`.
    Functional,
    /// `SC-001`.
    SuccessCriterion,
    /// `NFR-`, `REQ-`, `DOC-REQ-`, `DESIGN-REQ-`, ...
    Other,
}

impl RequirementKind {
    /// The kind of an ID by its first word.
    pub fn of(id: &str) -> Self {
        match id.split('-').next() {
            Some("FR") => RequirementKind::Functional,
            Some("SC") => RequirementKind::SuccessCriterion,
            _ => RequirementKind::Other,
        }
    }
}

/// A requirement defined by the spec. Duplicates are kept, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub id: Box<str>,
    pub id_span: Span,
    /// What follows the ID (`System MUST ...`), markup around the ID and
    /// the separator dropped; table rows join their other cells with ` | `.
    pub text: Box<str>,
    /// The defining line, list item, table row or heading.
    pub span: Span,
    pub kind: RequirementKind,
}

/// An item of `### Key Entities`: `- **User**: a person who ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyEntity {
    pub name: Box<str>,
    pub name_span: Span,
    pub description: Box<str>,
    pub span: Span,
}

/// The model of one spec.md.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpecDoc {
    /// The first H1's title.
    pub title: Option<Box<str>>,
    pub stories: Vec<UserStory>,
    pub requirements: Vec<Requirement>,
    pub entities: Vec<KeyEntity>,
    pub clarifications: Vec<ClarificationMarker>,
}

impl SpecDoc {
    /// Build the model from a document's blocks.
    pub fn from_blocks(blocks: &BlockList) -> Self {
        let mut builder = Builder::new(has_requirement_sections(blocks));
        for block in blocks.iter() {
            builder.block(block);
        }
        let end = blocks.blocks().last().map_or(0, |b| b.span().end);
        builder.close_story(end);
        let mut doc = builder.doc;
        doc.clarifications = clarification_markers(blocks);
        doc
    }

    /// The first story with this number.
    pub fn story(&self, number: u32) -> Option<&UserStory> {
        self.stories.iter().find(|s| s.number == Some(number))
    }

    /// The first definition of `id`.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| &*r.id == id)
    }

    /// The dump of this model (`specls dump spec.md --format json`).
    pub fn to_dump(&self, doc: &Document, path: &str) -> Value {
        let line = |offset: usize| doc.line_of(offset) + 1;
        json!({
            "version": 1,
            "kind": "spec",
            "path": path,
            "title": self.title,
            "stories": self.stories.iter().map(|s| json!({
                "number": s.number,
                "label": s.number.map(|n| format!("US{n}")),
                "title": s.title,
                "priority": s.priority.map(|p| format!("P{p}")),
                "mvp": s.mvp,
                "form": s.form,
                "line": line(s.heading.start),
                "independent_test": s.independent_test.is_some(),
                "why_priority": s.why_priority.is_some(),
                "scenarios": s.scenarios.iter().map(|c| json!({
                    "line": line(c.span.start),
                    "given": c.given,
                    "when": c.when,
                    "then": c.then,
                })).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "requirements": self.requirements.iter().map(|r| json!({
                "id": r.id,
                "kind": r.kind,
                "line": line(r.id_span.start),
                "text": r.text,
            })).collect::<Vec<_>>(),
            "entities": self.entities.iter().map(|e| json!({
                "name": e.name,
                "line": line(e.name_span.start),
                "description": e.description,
            })).collect::<Vec<_>>(),
            "clarifications": dump_clarifications(&self.clarifications, doc),
        })
    }
}

/// The JSON of clarification markers, shared with the plan's dump.
pub(crate) fn dump_clarifications(markers: &[ClarificationMarker], doc: &Document) -> Vec<Value> {
    markers
        .iter()
        .map(|m| {
            json!({
                "line": doc.line_of(m.span.start) + 1,
                "question": m.question,
                "open": m.is_open(),
                "in_code": m.in_code,
            })
        })
        .collect()
}

fn is_requirement_title(lower: &str) -> bool {
    contains_any(
        lower,
        &[
            "requirement",
            "criteria",
            "criterion",
            "outcome",
            "success",
            "requisito",
            "requerimiento",
            "exigence",
            "exigência",
            "anforderung",
            "需求",
            "要件",
            "要求",
            "成功",
            "critères",
            "criterios",
        ],
    )
}

fn is_key_entities_title(lower: &str) -> bool {
    contains_any(
        lower,
        &["key entities", "entidades clave", "entidades principales", "关键实体", "主要エンティティ"],
    )
}

fn is_story_list_title(lower: &str) -> bool {
    contains_any(lower, &["user stories", "historias de usuario", "histórias de usuário", "用户故事"])
}

fn is_acceptance_title(title: &str) -> bool {
    let lower = title.to_lowercase();
    lower.starts_with("acceptance")
        || lower.starts_with("escenarios de aceptación")
        || lower.starts_with("验收")
}

fn has_requirement_sections(blocks: &BlockList) -> bool {
    blocks
        .iter()
        .filter_map(|b| b.scan.heading.as_ref())
        .any(|h| h.level > 1 && is_requirement_title(&h.title.to_lowercase()))
}

struct Builder {
    doc: SpecDoc,
    outline: Outline,
    /// The open story and its heading level (0 for a list-item story).
    story: Option<(usize, u8)>,
    requirement_sections: bool,
    /// Indentation of the first item of the current key-entity or
    /// story list: deeper items are details.
    list_indent: Option<usize>,
}

impl Builder {
    fn new(requirement_sections: bool) -> Self {
        Builder {
            doc: SpecDoc::default(),
            outline: Outline::new(),
            story: None,
            requirement_sections,
            list_indent: None,
        }
    }

    fn block(&mut self, block: &ScannedBlock) {
        if let Some(heading) = &block.scan.heading {
            let title = heading.title.clone();
            let level = heading.level;
            self.heading(block, &title, level, heading.title_span);
            return;
        }
        if matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter) {
            return;
        }
        self.story_parts(block);
        self.requirements(block);
        self.key_entity(block);
        self.list_story(block);
    }

    fn heading(&mut self, block: &ScannedBlock, title: &str, level: u8, title_span: Span) {
        if level == 1 && self.doc.title.is_none() {
            self.doc.title = Some(title.into());
        }
        self.list_indent = None;
        if let Some(parsed) = parse_story_title(title) {
            self.close_story(block.start);
            let title_start = block.start + title_span.start;
            self.doc.stories.push(UserStory {
                number: parsed.number,
                title: title[parsed.title.start..parsed.title.end].into(),
                priority: parsed.priority,
                mvp: parsed.mvp,
                form: parsed.form,
                heading: block_span(block),
                title_span: parsed.title.offset_by(title_start),
                span: block.span(),
                independent_test: None,
                why_priority: None,
                scenarios: Vec::new(),
            });
            self.story = Some((self.doc.stories.len() - 1, level));
        } else if let Some((_, story_level)) = self.story
            && level <= story_level
            && !is_acceptance_title(title)
        {
            self.close_story(block.start);
        }
        self.outline.enter(block);
        if self.in_requirement_section() {
            let text = &block.scan.text[title_span.start.min(block.scan.len())..];
            if let Some(def) = definition_at(text) {
                let base = block.start + title_span.start;
                self.push_requirement(
                    &text[def.id.start..def.id.end],
                    def.id.offset_by(base),
                    text[def.text_start..].trim(),
                    block_span(block),
                );
            }
        }
    }

    fn close_story(&mut self, end: usize) {
        if let Some((i, _)) = self.story.take() {
            let story = &mut self.doc.stories[i];
            story.span = Span::new(story.span.start, end.max(story.span.start));
        }
    }

    fn in_requirement_section(&self) -> bool {
        !self.requirement_sections || self.outline.within(is_requirement_title)
    }

    fn story_parts(&mut self, block: &ScannedBlock) {
        let Some((i, level)) = self.story else { return };
        if level == 0 {
            return;
        }
        let scan = &block.scan;
        for field in &scan.fields {
            let key = field.key.to_lowercase();
            let line = block.abs(Span::new(field.key_span.start.saturating_sub(2), field.value.end));
            let story = &mut self.doc.stories[i];
            if contains_any(
                &key,
                &["independent test", "prueba independiente", "teste independente", "独立测试"],
            ) {
                story.independent_test.get_or_insert(line);
            } else if contains_any(&key, &["why this priority", "por qué esta prioridad", "为什么"]) {
                story.why_priority.get_or_insert(line);
            } else if matches!(key.as_str(), "priority" | "prioridad" | "prioridade" | "优先级")
                && story.priority.is_none()
            {
                story.priority = priority_in(scan.slice(field.value));
            }
        }
        let scenarios = scenarios_of(block);
        self.doc.stories[i].scenarios.extend(scenarios);
    }

    fn requirements(&mut self, block: &ScannedBlock) {
        if !self.in_requirement_section() {
            return;
        }
        let scan = &block.scan;
        match scan.kind {
            BlockKind::ListItem { .. } => {
                let content = &scan.text[scan.content_start.min(scan.len())..];
                if let Some(def) = definition_at(content) {
                    let base = scan.content_start;
                    let text = crate::text::collapse_whitespace(&content[def.text_start..]);
                    self.push_requirement(
                        &content[def.id.start..def.id.end],
                        block.abs(def.id.offset_by(base)),
                        &text,
                        block_span(block),
                    );
                }
            }
            BlockKind::Paragraph => {
                for (start, line) in lines(&scan.text) {
                    if let Some(def) = definition_at(line) {
                        self.push_requirement(
                            &line[def.id.start..def.id.end],
                            block.abs(def.id.offset_by(start)),
                            line[def.text_start..].trim(),
                            block.abs(trim_span(&scan.text, Span::new(start, start + line.len()))),
                        );
                    }
                }
            }
            BlockKind::Table => self.table_requirements(block),
            _ => {}
        }
    }

    fn table_requirements(&mut self, block: &ScannedBlock) {
        let text = &block.scan.text;
        let (_, rows) = table_rows(text);
        for row in rows {
            let Some(first) = row.cells.first() else { continue };
            let Some(def) = definition_at(first.text) else { continue };
            let mut parts: Vec<&str> = Vec::new();
            let own = first.text[def.text_start..].trim();
            if !own.is_empty() {
                parts.push(own);
            }
            parts.extend(row.cells[1..].iter().map(|c| c.text).filter(|t| !t.is_empty()));
            self.push_requirement(
                &first.text[def.id.start..def.id.end],
                block.abs(def.id.offset_by(first.span.start)),
                &parts.join(" | "),
                block.abs(row.span),
            );
        }
    }

    fn push_requirement(&mut self, id: &str, id_span: Span, text: &str, span: Span) {
        self.doc.requirements.push(Requirement {
            id: id.into(),
            id_span,
            text: text.into(),
            span,
            kind: RequirementKind::of(id),
        });
    }

    /// Whether a list item is at the list's top level (and remember the
    /// first item's indentation).
    fn top_level_item(&mut self, block: &ScannedBlock) -> bool {
        let indent = block.scan.indent;
        match self.list_indent {
            Some(top) => indent <= top,
            None => {
                self.list_indent = Some(indent);
                true
            }
        }
    }

    fn key_entity(&mut self, block: &ScannedBlock) {
        if !matches!(block.scan.kind, BlockKind::ListItem { .. })
            || !self.outline.within(is_key_entities_title)
        {
            return;
        }
        if !self.top_level_item(block) {
            return;
        }
        if let Some(entity) = key_entity_of(block) {
            self.doc.entities.push(entity);
        }
    }

    fn list_story(&mut self, block: &ScannedBlock) {
        let BlockKind::ListItem { marker } = block.scan.kind else { return };
        if self.story.is_some() || !self.outline.within(is_story_list_title) || !self.top_level_item(block) {
            return;
        }
        let scan = &block.scan;
        let content_start = scan.content_start.min(scan.len());
        let first_line = scan.text[content_start..].lines().next().unwrap_or("");
        let lower = first_line.to_lowercase();
        if !contains_any(&lower, &["as a", "as an", "como ", "作为", "として"]) {
            return;
        }
        let number = match marker {
            ListMarker::Ordered => {
                let digits: String =
                    scan.text.trim_start().chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            }
            ListMarker::Bullet => None,
        };
        let title_span = trim_span(&scan.text, Span::new(content_start, content_start + first_line.len()));
        self.doc.stories.push(UserStory {
            number,
            title: scan.slice(title_span).into(),
            priority: priority_in(first_line),
            mvp: first_line.contains("MVP"),
            form: StoryForm::ListItem,
            heading: block.abs(Span::new(0, title_span.end)),
            title_span: block.abs(title_span),
            span: block_span(block),
            independent_test: None,
            why_priority: None,
            scenarios: Vec::new(),
        });
    }
}

/// A requirement definition found at the start of a line or cell: spans
/// relative to the text it was found in.
struct Definition {
    id: Span,
    /// Where the requirement's text starts.
    text_start: usize,
}

/// `- **FR-001**: System MUST`, `**FR-001**:`, `FR-001: ...`, `` `SC-002` ``,
/// `[FR-003]`, `- [ ] FR-004 ...`, `**REQ-01 (Manager Rename)**: ...`.
/// Lists of IDs (`FR-001, FR-002 ...`) are not definitions.
fn definition_at(text: &str) -> Option<Definition> {
    let mut at = text.len() - text.trim_start().len();
    for checkbox in ["[ ] ", "[x] ", "[X] "] {
        if text[at..].starts_with(checkbox) {
            at += checkbox.len();
            at += text[at..].len() - text[at..].trim_start().len();
        }
    }
    let open = ["**", "__", "`", "*", "_", "["].into_iter().find(|m| text[at..].starts_with(m)).unwrap_or("");
    at += open.len();
    let len = parse_requirement_id(&text[at..])?;
    let id = Span::new(at, at + len);
    let after = &text[id.end..];
    if !(after.is_empty()
        || after.starts_with([' ', '\t', ':', '：', '*', '_', '`', ']', ')', '|', '.', '-', '–', '—']))
    {
        return None;
    }
    let mut end = id.end;
    let close = match open {
        "[" => "]",
        other => other,
    };
    if !close.is_empty() {
        let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
        if let Some(i) = text[end..line_end].find(close) {
            if is_note_label(&text[end..end + i]) {
                return None;
            }
            end += i + close.len();
        }
    }
    let rest = &text[end..];
    let text_start = end
        + (rest.len() - rest.trim_start_matches([' ', '\t', ':', '：', '-', '–', '—', '.', '|', ')']).len());
    Some(Definition { id, text_start })
}

/// Words that make `**SC-001 Verification Note**:` a note about SC-001
/// rather than its definition (a name in parentheses,
/// `**REQ-01 (Manager Rename)**:`, is still a definition).
fn is_note_label(label: &str) -> bool {
    const NOTE_WORDS: &[&str] = &[
        "note",
        "notes",
        "verification",
        "rationale",
        "clarification",
        "example",
        "examples",
        "evidence",
        "status",
        "update",
        "comment",
        "comments",
        "measurement",
        "validation",
        "details",
        "remark",
    ];
    let outside_parens = label.split('(').next().unwrap_or(label);
    outside_parens
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| NOTE_WORDS.contains(&w.to_ascii_lowercase().as_str()))
}

/// The scenarios of one block: a list item reading Given/When/Then, or the
/// lines of a paragraph that start with Given.
fn scenarios_of(block: &ScannedBlock) -> Vec<Scenario> {
    let scan = &block.scan;
    match scan.kind {
        BlockKind::ListItem { .. } => {
            let content = &scan.text[scan.content_start.min(scan.len())..];
            let (given, when, then) = gherkin_words(content);
            if given || (when && then) {
                vec![Scenario { span: block_span(block), given, when, then }]
            } else {
                Vec::new()
            }
        }
        BlockKind::Paragraph => lines(&scan.text)
            .filter_map(|(start, line)| {
                let (_, stripped) = strip_markup(line);
                let starts_given = first_word(stripped).is_some_and(|w| GIVEN.contains(&w.as_str()));
                let (given, when, then) = gherkin_words(line);
                starts_given.then(|| Scenario {
                    span: block.abs(trim_span(&scan.text, Span::new(start, start + line.len()))),
                    given,
                    when,
                    then,
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

const GIVEN: &[&str] = &["given", "dado", "dada", "dados", "dadas"];
const WHEN: &[&str] = &["when", "cuando", "quando"];
const THEN: &[&str] = &["then", "entonces", "então"];

fn first_word(text: &str) -> Option<String> {
    let word: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    (!word.is_empty()).then(|| word.to_lowercase())
}

fn gherkin_words(text: &str) -> (bool, bool, bool) {
    let (mut given, mut when, mut then) = (false, false, false);
    let is = |set: &[&str], word: &str| set.iter().any(|s| is_lowercase_of(s, word));
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        given |= is(GIVEN, word);
        when |= is(WHEN, word);
        then |= is(THEN, word);
    }
    (given, when, then)
}

fn key_entity_of(block: &ScannedBlock) -> Option<KeyEntity> {
    let scan = &block.scan;
    let content_start = scan.content_start.min(scan.len());
    let content = &scan.text[content_start..];
    let span = block_span(block);
    if let Some(field) = scan.fields.first().filter(|f| f.key_span.start <= content_start + 3) {
        let description = crate::text::collapse_whitespace(&scan.text[field.value.start..]);
        return Some(KeyEntity {
            name: field.key.clone(),
            name_span: block.abs(field.key_span),
            description: description.into(),
            span,
        });
    }
    let first_line = content.lines().next().unwrap_or("");
    let (name_start, name_end, rest_start) = if let Some(inner) = first_line.strip_prefix("**") {
        let close = inner.find("**")?;
        (2, 2 + close, 2 + close + 2)
    } else {
        let cut = [": ", " - ", " – ", " — ", "："].iter().filter_map(|s| first_line.find(s)).min()?;
        (0, cut, cut)
    };
    let raw_name = &first_line[name_start..name_end];
    let (lead, name) = strip_markup(raw_name.trim_end_matches(':'));
    if name.is_empty() || name.split_whitespace().count() > 6 {
        return None;
    }
    let description = content[rest_start.min(content.len())..]
        .trim_start_matches([':', ' ', '-', '–', '—', '：'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let start = content_start + name_start + lead;
    Some(KeyEntity {
        name: name.into(),
        name_span: block.abs(Span::new(start, start + name.len())),
        description: description.into(),
        span,
    })
}

/// A story heading's parts; `title` relative to the heading's title.
#[derive(Debug, PartialEq, Eq)]
struct StoryTitle {
    number: Option<u32>,
    form: StoryForm,
    title: Span,
    priority: Option<u32>,
    mvp: bool,
}

/// Story prefixes: the words, the form, and whether a number must follow.
const STORY_PREFIXES: &[(&str, StoryForm, bool)] = &[
    ("primary user story", StoryForm::Primary, false),
    ("user story", StoryForm::Heading, false),
    ("historia de usuario", StoryForm::Heading, false),
    ("história de usuário", StoryForm::Heading, false),
    ("用户故事", StoryForm::Heading, false),
    ("ユーザーストーリー", StoryForm::Heading, false),
    ("story", StoryForm::Heading, true),
    ("historia", StoryForm::Heading, true),
    ("us", StoryForm::Heading, true),
];

/// Parse a heading title naming a user story.
fn parse_story_title(title: &str) -> Option<StoryTitle> {
    let lead = title.len() - title.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
    let lead = lead + numbering_len(&title[lead..]);
    let body = &title[lead..];
    let (prefix_len, form, needs_number) = STORY_PREFIXES.iter().find_map(|(prefix, form, needs)| {
        let head = body.get(..prefix.len())?;
        head.eq_ignore_ascii_case(prefix).then_some((prefix.len(), *form, *needs))
    })?;
    let after_prefix = &body[prefix_len..];
    if after_prefix.chars().next().is_some_and(|c| c.is_alphabetic()) {
        return None;
    }
    let mut at =
        prefix_len + (after_prefix.len() - after_prefix.trim_start_matches([' ', '#', '\u{a0}']).len());
    if body[at..].starts_with('-') && body[at + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        at += 1;
    }
    let digits = body[at..].bytes().take_while(u8::is_ascii_digit).count();
    let number: Option<u32> = if digits > 0 { body[at..at + digits].parse().ok() } else { None };
    at += digits;
    if number.is_none() {
        let rest = body[at..].trim_start();
        let separated = rest.is_empty() || rest.starts_with(['-', '–', '—', ':', '：', '(', '（']);
        if needs_number || (form == StoryForm::Heading && !separated) {
            return None;
        }
    } else if body[at..].starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let title_span = story_title_span(body, at, form == StoryForm::Primary);
    Some(StoryTitle {
        number,
        form,
        title: title_span.offset_by(lead),
        priority: priority_in(body),
        mvp: body.contains("MVP") || body.contains('🎯'),
    })
}

const SEPARATORS: &[char] = &[' ', '\t', '-', '–', '—', ':', '：', '.', ')', '|', '\u{a0}'];

/// The title part of a story heading: after the number and separators, up
/// to the priority marker; the whole heading when nothing else is left.
fn story_title_span(body: &str, mut at: usize, whole: bool) -> Span {
    if whole {
        return Span::new(0, body.trim_end().len());
    }
    loop {
        at = body.len() - body[at..].trim_start_matches(SEPARATORS).len();
        // `User Story 1 (P1) - Title`: skip a leading priority marker.
        match priority_marker_len(&body[at..]) {
            Some(len) if len > 0 => at += len,
            _ => break,
        }
    }
    let rest = &body[at..];
    let end = rest
        .char_indices()
        .find(|(i, _)| priority_marker_len(&rest[*i..]).is_some())
        .map_or(rest.len(), |(i, _)| i);
    let title = rest[..end].trim_end_matches(SEPARATORS);
    if title.is_empty() { Span::new(0, body.trim_end().len()) } else { Span::new(at, at + title.len()) }
}

/// If `text` starts with a priority or MVP marker (`(Priority: P1)`,
/// `（P1）`, `[P2]`, `🎯`, `Priority: P1`), its length (up to the closing
/// bracket; `0` for markers that run to the end, such as `🎯 MVP`).
fn priority_marker_len(text: &str) -> Option<usize> {
    if text.starts_with('🎯') {
        return Some(0);
    }
    let starts_word = |t: &str, w: &str| t.get(..w.len()).is_some_and(|h| h.eq_ignore_ascii_case(w));
    if starts_word(text, "priority:") || starts_word(text, "prioridad:") {
        return Some(0);
    }
    let (open_len, close) = match text.chars().next()? {
        '(' => (1, ')'),
        '（' => ('（'.len_utf8(), '）'),
        '[' => (1, ']'),
        _ => return None,
    };
    let inner = text[open_len..].trim_start();
    let is_marker =
        ["priority", "prioridad", "prioridade", "mvp", "优先级"].iter().any(|w| starts_word(inner, w))
            || (inner.starts_with('P') && inner[1..].starts_with(|c: char| c.is_ascii_digit()));
    if !is_marker {
        return None;
    }
    Some(text.find(close).map_or(text.len(), |i| i + close.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Document, SpecDoc) {
        let doc = Document::new(text, 0);
        let spec = SpecDoc::from_blocks(&BlockList::parse(doc.rope()));
        (doc, spec)
    }

    fn story_heading(title: &str) -> Option<(Option<u32>, String, Option<u32>, bool)> {
        parse_story_title(title)
            .map(|s| (s.number, title[s.title.start..s.title.end].to_string(), s.priority, s.mvp))
    }

    #[test]
    fn story_headings_in_real_shapes() {
        let some = |n: u32, t: &str, p: Option<u32>, mvp: bool| Some((Some(n), t.to_string(), p, mvp));
        assert_eq!(
            story_heading("User Story 1 - Audio File Transcription API (Priority: P1)"),
            some(1, "Audio File Transcription API", Some(1), false)
        );
        assert_eq!(story_heading("User Story 1 – Title (P1) 🎯 MVP"), some(1, "Title", Some(1), true));
        assert_eq!(story_heading("US1: Browse catalog"), some(1, "Browse catalog", None, false));
        assert_eq!(
            story_heading("Historia de Usuario 2 - Modal de salida (Priority: P2)"),
            some(2, "Modal de salida", Some(2), false)
        );
        assert_eq!(
            story_heading("User Story 1 — Agent 列表页面（Priority: P1） 🎯 MVP"),
            some(1, "Agent 列表页面", Some(1), true)
        );
        assert_eq!(
            story_heading("User Story 1 (P1) - Find Available Time Slots 🎯 MVP"),
            some(1, "Find Available Time Slots", Some(1), true)
        );
        assert_eq!(
            story_heading("User Story 3 - Enviar mensajes con cooldown (Priority: P2)"),
            some(3, "Enviar mensajes con cooldown", Some(2), false)
        );
        assert_eq!(story_heading("Story 4: Export"), some(4, "Export", None, false));
        assert_eq!(
            story_heading("User Story - Verify OAuth Credential Security Boundaries"),
            Some((None, "Verify OAuth Credential Security Boundaries".to_string(), None, false))
        );
        assert_eq!(
            story_heading("Primary User Story"),
            Some((None, "Primary User Story".to_string(), None, false))
        );
        assert_eq!(story_heading("User Stories"), None);
        assert_eq!(story_heading("User Scenarios & Testing *(mandatory)*"), None);
        assert_eq!(story_heading("User Story Mapping"), None);
        assert_eq!(story_heading("USB support"), None);
        assert_eq!(story_heading("Storyboard"), None);
    }

    const TEMPLATE_LIKE: &str = r#"# Feature Specification: Login

## User Scenarios & Testing *(mandatory)*

### User Story 1 - Sign in (Priority: P1)

A user signs in.

**Why this priority**: core.

**Independent Test**: Sign in with a test account.

**Acceptance Scenarios**:

1. **Given** a user, **When** they sign in, **Then** they see the dashboard
2. **Given** a locked account, **When** they sign in

---

### User Story 2 - Reset password (Priority: P2)

**Acceptance Scenarios**:

1. **Given** a user, **When** they reset, **Then** an email is sent

### Edge Cases

- What happens when the FR-001 flow fails?

## Requirements *(mandatory)*

### Functional Requirements

- **FR-001**: System MUST authenticate users via [NEEDS CLARIFICATION: auth method?]
- **FR-001**: duplicate
- **FR-005a**: System MUST lock accounts
  continued text
- FR-006: plain form
- FR-007, FR-008 and FR-009 are listed, not defined

### Key Entities

- **User**: a person with an account
  - nested detail
- **Session**: a signed-in period

## Success Criteria

- **SC-001**: Users sign in within 10 seconds

| ID | Criterion |
|----|-----------|
| NFR-002 | 99.9% uptime |
"#;

    #[test]
    fn template_shaped_spec() {
        let (doc, spec) = parse(TEMPLATE_LIKE);
        assert_eq!(spec.title.as_deref(), Some("Feature Specification: Login"));
        assert_eq!(spec.stories.len(), 2);
        let us1 = &spec.stories[0];
        assert_eq!((us1.number, &*us1.title, us1.priority), (Some(1), "Sign in", Some(1)));
        assert!(us1.independent_test.is_some() && us1.why_priority.is_some());
        assert_eq!(us1.scenarios.len(), 2);
        assert!(us1.scenarios[0].is_complete());
        assert!(!us1.scenarios[1].then);
        assert_eq!(doc.slice(us1.title_span), "Sign in");
        let us2 = &spec.stories[1];
        assert!(us2.independent_test.is_none());
        assert_eq!(us2.scenarios.len(), 1);
        assert!(doc.slice(us2.span).ends_with("an email is sent\n\n"));

        let ids: Vec<&str> = spec.requirements.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, ["FR-001", "FR-001", "FR-005a", "FR-006", "SC-001", "NFR-002"]);
        let fr5 = &spec.requirements[2];
        assert_eq!(&*fr5.text, "System MUST lock accounts continued text");
        assert_eq!(doc.slice(fr5.id_span), "FR-005a");
        assert_eq!(spec.requirements[3].text.as_ref(), "plain form");
        assert_eq!(spec.requirements[4].kind, RequirementKind::SuccessCriterion);
        assert_eq!(spec.requirements[5].kind, RequirementKind::Other);
        assert_eq!(&*spec.requirements[5].text, "99.9% uptime");
        assert_eq!(doc.slice(spec.requirements[5].id_span), "NFR-002");

        let names: Vec<&str> = spec.entities.iter().map(|e| &*e.name).collect();
        assert_eq!(names, ["User", "Session"]);
        assert_eq!(&*spec.entities[0].description, "a person with an account");
        assert_eq!(spec.clarifications.len(), 1);
        assert!(spec.clarifications[0].is_open());
        assert_eq!(spec.clarifications[0].question.as_deref(), Some("auth method?"));
    }

    #[test]
    fn old_template_primary_story_keeps_its_acceptance_scenarios() {
        let text = r#"# Spec

## User Scenarios & Testing

### Primary User Story
As an owner I manage offers.

### Acceptance Scenarios
1. **Given** I am a user, **When** I create an offer, **Then** it is saved
2. **Given** offers, **When** I delete one, **Then** it is gone

### Edge Cases
- What about X?

## Requirements

### Functional Requirements
- **FR-001**: System MUST allow
- [x] No [NEEDS CLARIFICATION] markers remain
"#;
        let (_, spec) = parse(text);
        assert_eq!(spec.stories.len(), 1);
        assert_eq!(spec.stories[0].form, StoryForm::Primary);
        assert_eq!(spec.stories[0].number, None);
        assert_eq!(spec.stories[0].scenarios.len(), 2);
        assert_eq!(spec.requirements.len(), 1);
        assert_eq!(spec.clarifications.len(), 1);
        assert!(!spec.clarifications[0].is_open());
    }

    #[test]
    fn stories_listed_as_items_of_a_user_stories_section() {
        let text = r#"# Feature Spec

## User Stories

1. **As a developer**, I want to publish messages.
2. **As a developer**, I want to reference files.
   - detail

## Other

1. As a note, not a story
"#;
        let (doc, spec) = parse(text);
        assert_eq!(spec.stories.len(), 2);
        assert_eq!(spec.stories[1].number, Some(2));
        assert_eq!(spec.stories[0].form, StoryForm::ListItem);
        assert_eq!(doc.slice(spec.stories[0].title_span), "**As a developer**, I want to publish messages.");
    }

    #[test]
    fn stories_as_h2_and_h4_and_requirement_shapes() {
        let text = r#"# S

## User Story - Verify boundaries

**Independent Test**: run it

1. **Given** x, **when** y, **then** z

## Source Design Requirements

- **DESIGN-REQ-008**: Workloads must not inherit volumes. Maps to FR-006.

## 4. Functional Requirements

- **REQ-01 (Manager Rename)**: Rename the manager (Maps to DOC-REQ-005).

#### User Story 2 - Deep (Priority: P3)

### FR-010: Heading requirement

| DOC-REQ-005 | 8.3 A | Rename it |
|---|---|---|
| DOC-REQ-006 | 8.3 B | Support it |
"#;
        let (_, spec) = parse(text);
        let stories: Vec<(Option<u32>, &str)> = spec.stories.iter().map(|s| (s.number, &*s.title)).collect();
        assert_eq!(stories, [(None, "Verify boundaries"), (Some(2), "Deep")]);
        assert!(spec.stories[0].independent_test.is_some());
        assert!(spec.stories[0].scenarios[0].is_complete());
        let ids: Vec<(&str, &str)> = spec.requirements.iter().map(|r| (&*r.id, &*r.text)).collect();
        assert_eq!(
            ids,
            [
                ("DESIGN-REQ-008", "Workloads must not inherit volumes. Maps to FR-006."),
                ("REQ-01", "Rename the manager (Maps to DOC-REQ-005)."),
                ("FR-010", "Heading requirement"),
                ("DOC-REQ-006", "8.3 B | Support it"),
            ]
        );
    }

    #[test]
    fn requirement_ids_in_code_blocks_or_outside_requirement_sections_are_not_definitions() {
        let text = "# S\n\n## Brief\n\n```text\n- FR-001: in code\n```\n\n- FR-002: outside\n\n## Requirements\n\n- FR-003: inside\n";
        let (_, spec) = parse(text);
        let ids: Vec<&str> = spec.requirements.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, ["FR-003"]);
        let (_, spec) = parse("# S\n\n- FR-001: anywhere when no section names requirements\n");
        assert_eq!(spec.requirements.len(), 1);
    }

    #[test]
    fn a_note_about_a_requirement_is_not_its_definition() {
        let text = "# S\n\n## Success Criteria\n\n- **SC-001**: Users finish in 2 minutes\n\n\
                    **SC-001 Verification Note**: measured with the demo script\n\n- **SC-002 (Speed)**: Fast\n";
        let (_, spec) = parse(text);
        let ids: Vec<&str> = spec.requirements.iter().map(|r| &*r.id).collect();
        assert_eq!(ids, ["SC-001", "SC-002"]);
    }

    #[test]
    fn dump_has_lines_and_labels() {
        let (doc, spec) = parse(TEMPLATE_LIKE);
        let dump = spec.to_dump(&doc, "specs/001-login/spec.md");
        assert_eq!(dump["kind"], "spec");
        assert_eq!(dump["stories"][0]["label"], "US1");
        assert_eq!(dump["stories"][0]["priority"], "P1");
        assert_eq!(dump["stories"][0]["line"], 5);
        assert_eq!(dump["requirements"][0]["id"], "FR-001");
        assert_eq!(dump["requirements"][0]["kind"], "functional");
        assert_eq!(dump["clarifications"][0]["open"], true);
    }
}
