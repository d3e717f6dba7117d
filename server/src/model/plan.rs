//! The model of a plan.md: the Technical Context fields, the paths of the
//! Project Structure trees, the Structure Decision, the items of the
//! Constitution Check, and clarification markers.
//!
//! Project Structure trees are fenced blocks drawn with `├──`, `└──` and
//! `│` (or ASCII `|--`, `` `-- ``, or plain indentation). Entries are
//! joined with their parents into full relative paths
//! (`backend/src/models/`); `#` and `←` comments, `...` and bracketed
//! placeholders (`[same as backend above]`) are skipped; the template's
//! `# [REMOVE IF UNUSED] Option 1: ...` lines label the paths below them;
//! `specs/[###-feature]/` documentation trees are marked as documentation.

use serde::Serialize;
use serde_json::{Value, json};

use super::blocks::{BlockList, ScannedBlock};
use super::markdown::{
    ClarificationMarker, Outline, block_span, clarification_markers, code_lines, contains_any, fence_info,
    lines, strip_markup, table_rows, trim_span,
};
use super::scan::MentionKind;
use super::spec::dump_clarifications;
use crate::syntax::BlockKind;
use crate::text::{Document, Span, indent_columns};

/// A `**Key**: value` line of the Technical Context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextField {
    pub key: Box<str>,
    pub key_span: Span,
    /// The value; when the line has none, the bullets right under it
    /// joined with `; `.
    pub value: Box<str>,
    /// From the key to the end of the value (or of its last bullet).
    pub span: Span,
}

impl ContextField {
    /// The value is left as `NEEDS CLARIFICATION` (the template's own
    /// `[e.g., ... or NEEDS CLARIFICATION]` example text aside).
    pub fn needs_clarification(&self) -> bool {
        let value = self.value.trim_start_matches(['*', '_', ' ']);
        !value.starts_with('[') && value.contains("NEEDS CLARIFICATION")
    }
}

/// One path of a Project Structure tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructurePath {
    /// The full relative path; directories end with `/` (written so, or
    /// because entries sit under them).
    pub path: Box<str>,
    /// The entry's name as written in the tree.
    pub span: Span,
    pub is_dir: bool,
    /// Under a Documentation heading or a `specs/...` root: the feature's
    /// own documents, not source code.
    pub documentation: bool,
    /// The comment line above the group (`Option 1: Single project
    /// (DEFAULT)`, `New files for this feature`), `[REMOVE IF UNUSED]`
    /// dropped.
    pub group: Option<Box<str>>,
    /// The group is a template option (`# [REMOVE IF UNUSED] Option 2`).
    pub template_option: bool,
    /// The entry's trailing comment (`# NEW`, `← add entity`).
    pub comment: Option<Box<str>>,
    /// Drawn in a tree; false for a path named in the section's prose.
    pub in_tree: bool,
}

/// What a constitution gate item says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GateState {
    /// `[x]`, ✅, ✓, PASS.
    Pass,
    /// ❌, ✗, FAIL, VIOLATION.
    Fail,
    /// ⚠️, PARTIAL, WARN.
    Partial,
    /// An unchecked `[ ]`.
    Pending,
    /// A bare `N/A`.
    NotApplicable,
}

/// One item of the Constitution Check: a bullet or checkbox line, a table
/// row, a field line or a sub-heading with a verdict.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GateItem {
    /// The item's own text: the principle or check it names, markup and
    /// the checkbox dropped; a table row's first meaningful cell.
    pub text: Box<str>,
    pub span: Span,
    pub state: Option<GateState>,
    /// A verdict for the whole check (`**Gate Result**: PASS`,
    /// `**Overall**: ✅`), not a gate of its own.
    pub summary: bool,
}

/// The `**Structure Decision**:` paragraph.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructureDecision {
    pub text: Box<str>,
    pub span: Span,
}

/// The model of one plan.md.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanDoc {
    pub title: Option<Box<str>>,
    pub technical_context: Vec<ContextField>,
    pub structure: Vec<StructurePath>,
    pub structure_decision: Option<StructureDecision>,
    pub constitution: Vec<GateItem>,
    pub clarifications: Vec<ClarificationMarker>,
}

impl PlanDoc {
    /// Build the model from a document's blocks.
    pub fn from_blocks(blocks: &BlockList) -> Self {
        let structure_sections = blocks
            .iter()
            .filter_map(|b| b.scan.heading.as_ref())
            .any(|h| h.level > 1 && is_structure_title(&h.title.to_lowercase()));
        let mut builder = Builder { structure_sections, ..Builder::default() };
        for block in blocks.iter() {
            builder.block(block);
        }
        let mut doc = builder.doc;
        doc.clarifications = clarification_markers(blocks);
        doc
    }

    /// The Technical Context field with this key (case-insensitive).
    pub fn context(&self, key: &str) -> Option<&ContextField> {
        self.technical_context.iter().find(|f| f.key.eq_ignore_ascii_case(key))
    }

    /// The source paths of the Project Structure (documentation trees
    /// left out).
    pub fn source_paths(&self) -> impl Iterator<Item = &StructurePath> {
        self.structure.iter().filter(|p| !p.documentation)
    }

    /// The dump of this model (`specls dump plan.md --format json`).
    pub fn to_dump(&self, doc: &Document, path: &str) -> Value {
        let line = |offset: usize| doc.line_of(offset) + 1;
        json!({
            "version": 1,
            "kind": "plan",
            "path": path,
            "title": self.title,
            "technical_context": self.technical_context.iter().map(|f| json!({
                "key": f.key,
                "value": f.value,
                "line": line(f.key_span.start),
                "needs_clarification": f.needs_clarification(),
            })).collect::<Vec<_>>(),
            "structure": self.structure.iter().map(|p| json!({
                "path": p.path,
                "line": line(p.span.start),
                "dir": p.is_dir,
                "documentation": p.documentation,
                "group": p.group,
                "template_option": p.template_option,
                "comment": p.comment,
                "in_tree": p.in_tree,
            })).collect::<Vec<_>>(),
            "structure_decision": self.structure_decision.as_ref().map(|d| json!({
                "text": d.text,
                "line": line(d.span.start),
            })),
            "constitution": self.constitution.iter().map(|g| json!({
                "text": g.text,
                "line": line(g.span.start),
                "state": g.state,
                "summary": g.summary,
            })).collect::<Vec<_>>(),
            "clarifications": dump_clarifications(&self.clarifications, doc),
        })
    }
}

fn is_context_title(lower: &str) -> bool {
    contains_any(
        lower,
        &[
            "technical context",
            "contexto técnico",
            "contexto tecnico",
            "技术上下文",
            "技術コンテキスト",
            "技术背景",
        ],
    )
}

fn is_constitution_title(lower: &str) -> bool {
    contains_any(lower, &["constitution", "constitución", "constituição", "宪法", "憲法", "章程"])
}

fn is_structure_title(lower: &str) -> bool {
    contains_any(
        lower,
        &[
            "structure",
            "source code",
            "estructura",
            "estrutura",
            "código fuente",
            "结构",
            "構造",
            "構成",
            "目录",
        ],
    ) && !lower.contains("structure decision")
}

fn is_documentation_title(lower: &str) -> bool {
    contains_any(lower, &["documentation", "documentación", "documentação", "文档", "ドキュメント"])
}

#[derive(Default)]
struct Builder {
    doc: PlanDoc,
    outline: Outline,
    structure_sections: bool,
    /// The last context field, while bullets under it continue its value.
    open_field: Option<usize>,
    /// The innermost heading is a constitution gate with a verdict.
    under_gate_heading: bool,
}

impl Builder {
    fn block(&mut self, block: &ScannedBlock) {
        if let Some(heading) = &block.scan.heading {
            if heading.level == 1 && self.doc.title.is_none() {
                self.doc.title = Some(heading.title.clone());
            }
            self.open_field = None;
            self.under_gate_heading = false;
            let state_heading = self.outline.within(is_constitution_title);
            self.outline.enter(block);
            if state_heading && self.outline.within(is_constitution_title) {
                self.heading_gate(block);
            }
            return;
        }
        self.structure_decision(block);
        if self.outline.within(is_context_title) {
            self.context(block);
        }
        // Under `### I. Simplicity ✅`, bullets and fields are the gate's
        // evidence, not gates of their own.
        if self.outline.within(is_constitution_title) && !self.under_gate_heading {
            self.constitution(block);
        }
        match block.scan.kind {
            BlockKind::Code => self.structure(block),
            BlockKind::Paragraph | BlockKind::ListItem { .. } if self.outline.within(is_structure_title) => {
                self.prose_paths(block);
            }
            _ => {}
        }
    }

    /// Paths named in the prose of a structure section (`add the bridge
    /// under `GameBuilder2d/src/bridge/``), for plans that describe their
    /// layout in words.
    fn prose_paths(&mut self, block: &ScannedBlock) {
        for mention in &block.scan.mentions {
            let MentionKind::Path { path } = &mention.kind else { continue };
            if !path.contains('/') {
                continue;
            }
            let path = path.trim_start_matches("./").trim_start_matches('/');
            self.doc.structure.push(StructurePath {
                path: path.into(),
                span: block.abs(mention.span),
                is_dir: path.ends_with('/'),
                documentation: is_documentation_path(path),
                group: None,
                template_option: false,
                comment: None,
                in_tree: false,
            });
        }
    }

    fn context(&mut self, block: &ScannedBlock) {
        let scan = &block.scan;
        if scan.fields.is_empty() {
            if let (Some(i), BlockKind::ListItem { .. }) = (self.open_field, scan.kind) {
                let item =
                    scan.text[scan.content_start.min(scan.len())..].split_whitespace().collect::<Vec<_>>();
                let field = &mut self.doc.technical_context[i];
                let mut value = field.value.to_string();
                if !value.is_empty() {
                    value.push_str("; ");
                }
                value.push_str(&item.join(" "));
                field.value = value.into();
                field.span = field.span.cover(block_span(block));
            } else {
                self.open_field = None;
            }
            return;
        }
        for field in &scan.fields {
            let key = strip_markup(&field.key).1;
            let value = scan.slice(field.value);
            self.doc.technical_context.push(ContextField {
                key: key.into(),
                key_span: block.abs(field.key_span),
                value: value.into(),
                span: block.abs(Span::new(field.key_span.start.saturating_sub(2), field.value.end)),
            });
        }
        let last_empty = scan.fields.last().is_some_and(|f| f.value.is_empty());
        self.open_field = last_empty.then(|| self.doc.technical_context.len() - 1);
    }

    fn structure_decision(&mut self, block: &ScannedBlock) {
        if self.doc.structure_decision.is_some() {
            return;
        }
        let scan = &block.scan;
        for (i, field) in scan.fields.iter().enumerate() {
            if !field.key.to_lowercase().starts_with("structure decision") {
                continue;
            }
            // The value runs on over the paragraph's wrapped lines, up to the
            // next field.
            let end = scan.fields.get(i + 1).map_or(scan.len(), |next| next.key_span.start.saturating_sub(2));
            let span = trim_span(&scan.text, Span::new(field.value.start, end.max(field.value.start)));
            let text = crate::text::collapse_whitespace(scan.slice(span));
            self.doc.structure_decision = Some(StructureDecision {
                text: text.into(),
                span: block.abs(Span::new(field.key_span.start.saturating_sub(2), span.end)),
            });
            return;
        }
    }

    /// A sub-heading of the Constitution Check with a verdict
    /// (`### I. Simplicity — PASS`, `### II. Modern Design ✅`).
    fn heading_gate(&mut self, block: &ScannedBlock) {
        let Some(heading) = &block.scan.heading else { return };
        if let Some(state) = gate_state(&heading.title) {
            self.under_gate_heading = true;
            self.doc.constitution.push(GateItem {
                text: gate_text(&heading.title).into(),
                span: block_span(block),
                state: Some(state),
                summary: false,
            });
        }
    }

    fn constitution(&mut self, block: &ScannedBlock) {
        let scan = &block.scan;
        match scan.kind {
            BlockKind::ListItem { .. } => {
                let content = &scan.text[scan.content_start.min(scan.len())..];
                let first = content.lines().next().unwrap_or("").trim();
                let (checkbox, body) = split_checkbox(first);
                if body.is_empty() {
                    return;
                }
                let state = checkbox.or_else(|| gate_state(body));
                self.doc.constitution.push(GateItem {
                    text: gate_text(body).into(),
                    span: block_span(block),
                    state,
                    summary: false,
                });
            }
            BlockKind::Paragraph => {
                for field in &scan.fields {
                    let key = field.key.to_lowercase();
                    if matches!(key.as_str(), "note" | "notes" | "nota" | "notas") {
                        continue;
                    }
                    let line = Span::new(field.key_span.start.saturating_sub(2), field.value.end);
                    let state = gate_state(scan.slice(field.value));
                    let summary = state.is_some()
                        && contains_any(
                            &key,
                            &["result", "resultado", "overall", "violations", "status", "verdict", "结果"],
                        );
                    self.doc.constitution.push(GateItem {
                        text: strip_markup(&field.key).1.into(),
                        span: block.abs(line),
                        state,
                        summary,
                    });
                }
                // `Resultado: **PASS**.` without a bold key.
                if scan.fields.is_empty() {
                    for (start, line) in lines(&scan.text) {
                        let lower = line.to_lowercase();
                        let is_verdict = contains_any(&lower, &["result", "resultado", "overall", "verdict"]);
                        if let (true, Some(state)) = (is_verdict, gate_state(line)) {
                            self.doc.constitution.push(GateItem {
                                text: gate_text(line).into(),
                                span: block.abs(trim_span(&scan.text, Span::new(start, start + line.len()))),
                                state: Some(state),
                                summary: true,
                            });
                        }
                    }
                }
            }
            BlockKind::Table => self.table_gates(block),
            _ => {}
        }
    }

    fn table_gates(&mut self, block: &ScannedBlock) {
        let (_, rows) = table_rows(&block.scan.text);
        for row in rows {
            // The first cell with words: `| # | Principle | ...` names the
            // principle in its second cell.
            let Some(name) = row.cells.iter().find(|c| {
                let t = strip_markup(c.text).1;
                t.chars().any(char::is_alphabetic) && !is_roman(t) && t != "—" && t != "-"
            }) else {
                continue;
            };
            let text = strip_markup(name.text).1.trim_end_matches(['✅', '✓', '❌', '⚠', '\u{fe0f}', ' ']);
            if text.is_empty() {
                continue;
            }
            let state = row.cells.iter().filter(|c| c.span != name.span).find_map(|c| gate_state(c.text));
            self.doc.constitution.push(GateItem {
                text: text.into(),
                span: block.abs(row.span),
                state,
                summary: false,
            });
        }
    }

    fn structure(&mut self, block: &ScannedBlock) {
        let in_section = self.outline.within(is_structure_title);
        let text = &block.scan.text;
        let looks_like_tree = text.contains("├") || text.contains("└") || text.contains("|--");
        if !(in_section || (!self.structure_sections && looks_like_tree)) {
            return;
        }
        if !is_tree_fence(&fence_info(text)) {
            return;
        }
        let documentation = self.outline.within(is_documentation_title);
        for entry in parse_tree(text) {
            let documentation = documentation || is_documentation_path(&entry.path);
            self.doc.structure.push(StructurePath {
                path: entry.path.into(),
                span: block.abs(entry.span),
                is_dir: entry.is_dir,
                documentation,
                group: entry.group.map(Into::into),
                template_option: entry.template_option,
                comment: entry.comment.map(Into::into),
                in_tree: true,
            });
        }
    }
}

fn is_tree_fence(info: &str) -> bool {
    matches!(
        info,
        "" | "text"
            | "txt"
            | "plaintext"
            | "plain"
            | "tree"
            | "none"
            | "sh"
            | "bash"
            | "shell"
            | "console"
            | "markdown"
            | "md"
            | "ascii"
            | "directory"
            | "dir"
            | "filetree"
            | "file-tree"
            | "bat"
    )
}

fn is_documentation_path(path: &str) -> bool {
    path.starts_with("specs/") || path.starts_with(".specify/")
}

fn is_roman(text: &str) -> bool {
    let t = text.trim_end_matches('.');
    !t.is_empty() && t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
}

/// A leading `[x]` / `[ ]` and what follows it.
fn split_checkbox(text: &str) -> (Option<GateState>, &str) {
    let t = text.trim_start_matches('`');
    for (mark, state) in [("[x]", GateState::Pass), ("[X]", GateState::Pass), ("[ ]", GateState::Pending)] {
        if let Some(rest) = t.strip_prefix(mark) {
            let rest = rest.trim_start_matches('`').trim();
            // A checked box is a pass unless the text says otherwise.
            let state = match (state, gate_state(rest)) {
                (GateState::Pass, Some(GateState::Fail)) => GateState::Fail,
                _ => state,
            };
            return (Some(state), rest);
        }
    }
    (None, text)
}

/// The verdict a text states: the first verdict token it contains. `❌ NOT
/// adding X` lists something the plan avoids, which is a pass.
pub fn gate_state(text: &str) -> Option<GateState> {
    const TOKENS: &[(&str, GateState)] = &[
        ("✅", GateState::Pass),
        ("✓", GateState::Pass),
        ("✔", GateState::Pass),
        ("☑", GateState::Pass),
        ("❌", GateState::Fail),
        ("✗", GateState::Fail),
        ("✘", GateState::Fail),
        ("⚠", GateState::Partial),
        ("🟡", GateState::Partial),
    ];
    const WORDS: &[(&str, GateState)] = &[
        ("PASS", GateState::Pass),
        ("PASSED", GateState::Pass),
        ("PASSES", GateState::Pass),
        ("COMPLIANT", GateState::Pass),
        ("FAIL", GateState::Fail),
        ("FAILED", GateState::Fail),
        ("VIOLATION", GateState::Fail),
        ("PARTIAL", GateState::Partial),
        ("WARN", GateState::Partial),
        ("WARNING", GateState::Partial),
        ("Pass", GateState::Pass),
        ("Partial", GateState::Partial),
        ("Fail", GateState::Fail),
    ];
    let mut best: Option<(usize, GateState)> = None;
    let mut consider = |at: usize, state: GateState| {
        if best.is_none_or(|(b, _)| at < b) {
            best = Some((at, state));
        }
    };
    for (token, state) in TOKENS {
        if let Some(at) = text.find(token) {
            let after = text[at + token.len()..].trim_start_matches(['\u{fe0f}', ' ', '*']);
            let state =
                if *state == GateState::Fail && after.starts_with("NOT ") { GateState::Pass } else { *state };
            consider(at, state);
        }
    }
    for (word, state) in WORDS {
        let mut from = 0;
        while let Some(at) = text[from..].find(word).map(|i| from + i) {
            let before_ok = text[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after_ok = text[at + word.len()..].chars().next().is_none_or(|c| !c.is_alphanumeric());
            if before_ok && after_ok {
                consider(at, *state);
                break;
            }
            from = at + word.len();
        }
    }
    if best.is_none() && text.split(|c: char| !c.is_alphanumeric() && c != '/').any(|w| w == "N/A") {
        return Some(GateState::NotApplicable);
    }
    best.map(|(_, state)| state)
}

/// The name part of a gate line: before its `:` verdict or ` — PASS`,
/// markup and verdict symbols dropped.
fn gate_text(text: &str) -> String {
    let t = text.trim();
    let t = t.trim_start_matches(['✅', '✓', '✔', '❌', '✗', '⚠', '\u{fe0f}', ' ']);
    let cut = if let Some(inner) = t.strip_prefix("**").and_then(|r| r.find("**").map(|i| &r[..i])) {
        inner.trim_end_matches(':').to_string()
    } else {
        let end =
            [": ", " — ", " – ", " - ", " ✅", " ❌", " ⚠", " (✅"].iter().filter_map(|s| t.find(s)).min();
        t[..end.unwrap_or(t.len())].to_string()
    };
    let (_, inner) = strip_markup(&cut);
    inner.trim_end_matches(['✅', '✓', '❌', '⚠', '\u{fe0f}', ' ', '*']).to_string()
}

/// One entry of a directory tree; `span` relative to the code block.
#[derive(Debug, PartialEq, Eq)]
struct TreeEntry {
    path: String,
    span: Span,
    is_dir: bool,
    group: Option<String>,
    template_option: bool,
    comment: Option<String>,
}

/// Characters that draw a tree before an entry's name.
fn is_tree_char(c: char) -> bool {
    matches!(
        c,
        '│' | '├'
            | '└'
            | '─'
            | '┣'
            | '┗'
            | '┃'
            | '━'
            | '┠'
            | '┖'
            | '|'
            | '+'
            | '`'
            | '-'
            | ' '
            | '\t'
            | '\u{a0}'
    )
}

/// Parse a fenced directory tree into full relative paths.
fn parse_tree(code: &str) -> Vec<TreeEntry> {
    let mut out: Vec<TreeEntry> = Vec::new();
    // Open ancestors: (name column, index into `out`).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let mut group: Option<String> = None;
    let mut template_option = false;
    for (line_start, line) in code_lines(code) {
        if line.trim().is_empty() {
            continue;
        }
        let prefix_len = line.len() - line.trim_start_matches(is_tree_char).len();
        let column = indent_columns(&line[..prefix_len]);
        let rest = &line[prefix_len..];
        if rest.is_empty() {
            continue;
        }
        if let Some(comment) = rest.strip_prefix('#').or_else(|| rest.strip_prefix("//")) {
            if column == 0 {
                let comment = comment.trim();
                template_option = comment.contains("REMOVE IF UNUSED") || comment.starts_with("Option ");
                let label = comment.replace("[REMOVE IF UNUSED]", "");
                group = Some(label.trim().to_string()).filter(|l| !l.is_empty());
                stack.clear();
            }
            continue;
        }
        let Some((lead, name, comment)) = entry_name(rest) else { continue };
        while stack.last().is_some_and(|(col, _)| *col >= column) {
            stack.pop();
        }
        let parent = stack.last().map(|(_, i)| *i);
        let mut path = match parent {
            Some(i) => {
                out[i].is_dir = true;
                let mut p = out[i].path.clone();
                if !p.ends_with('/') {
                    p.push('/');
                }
                p
            }
            None => String::new(),
        };
        path.push_str(name.trim_start_matches("./").trim_start_matches('/'));
        let start = line_start + prefix_len + lead;
        out.push(TreeEntry {
            is_dir: path.ends_with('/'),
            path,
            span: Span::new(start, start + name.len()),
            group: group.clone(),
            template_option,
            comment,
        });
        stack.push((column, out.len() - 1));
    }
    for entry in &mut out {
        if entry.is_dir && !entry.path.ends_with('/') {
            entry.path.push('/');
        }
    }
    out
}

/// The name of a tree entry at the start of `rest` (with its offset there)
/// and its trailing comment. `None` for prose lines (`ADD foo() call`),
/// placeholders (`[same as backend above]`) and ellipses.
fn entry_name(rest: &str) -> Option<(usize, &str, Option<String>)> {
    if rest.starts_with('[') {
        let close = rest.find(']')?;
        if rest[..close].contains(' ') {
            return None;
        }
    }
    let token_len = rest.find(char::is_whitespace).unwrap_or(rest.len());
    let token = &rest[..token_len];
    let after = rest[token_len..].trim();
    let comment = if after.is_empty() {
        None
    } else if let Some(c) = ["#", "←", "<-", "//", "→", "-", "–", "—", "(", "["]
        .iter()
        .find_map(|m| after.strip_prefix(m).map(|c| c.trim_start_matches(['#', ' ']).trim()))
    {
        Some(c.to_string())
    } else if after.starts_with(['<', ':']) {
        Some(after.to_string())
    } else {
        return None;
    };
    let (lead, name) = strip_markup(token);
    let mut name = name.trim_end_matches([',', ';']);
    // `application/src/test/kotlin/...`: the directory before the ellipsis.
    if let Some(stem) = name.strip_suffix("...").or_else(|| name.strip_suffix('…'))
        && stem.ends_with('/')
    {
        name = stem;
    }
    if name.is_empty()
        || name.starts_with("...")
        || name.starts_with('…')
        || name.contains(['(', ')', '"', '\'', '*'])
    {
        return None;
    }
    // `ADD`, `UPDATE`: change notes under a file, not entries.
    let shouty = name.len() > 1 && name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    if shouty && !matches!(name, "LICENSE" | "README" | "CHANGELOG" | "NOTICE" | "AUTHORS" | "CODEOWNERS") {
        return None;
    }
    Some((lead, name, comment))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Document, PlanDoc) {
        let doc = Document::new(text, 0);
        let plan = PlanDoc::from_blocks(&BlockList::parse(doc.rope()));
        (doc, plan)
    }

    fn paths(code: &str) -> Vec<String> {
        parse_tree(code).into_iter().map(|e| e.path).collect()
    }

    #[test]
    fn trees_become_full_relative_paths() {
        let code = r#"```text
backend/
├── src/
│   ├── models/      # entities
│   └── api/
└── tests/

frontend/src/
├── components/
│   └── TaskList.tsx         # Priority-ordered display
└── App.tsx
Makefile                 # Main entry point - NEW
```
"#;
        assert_eq!(
            paths(code),
            [
                "backend/",
                "backend/src/",
                "backend/src/models/",
                "backend/src/api/",
                "backend/tests/",
                "frontend/src/",
                "frontend/src/components/",
                "frontend/src/components/TaskList.tsx",
                "frontend/src/App.tsx",
                "Makefile",
            ]
        );
        let entries = parse_tree(code);
        assert_eq!(entries[2].comment.as_deref(), Some("entities"));
        assert_eq!(&code[entries[7].span.start..entries[7].span.end], "TaskList.tsx");
    }

    #[test]
    fn template_options_placeholders_and_prose_lines() {
        let code = r#"```text
# [REMOVE IF UNUSED] Option 1: Single project (DEFAULT)
src/
├── models/
└── lib/

# [REMOVE IF UNUSED] Option 3: Mobile + API (when "iOS/Android" detected)
api/
└── [same as backend above]

ios/ or android/
└── [platform-specific structure: feature modules]

partnership/api/PartnershipRoutes.kt
    └── ADD orgsEventCommunicationPlanRoutes() call
application/src/test/kotlin/...
    ├── RouteGetTest.kt         ← UPDATE test setup
```
"#;
        let entries = parse_tree(code);
        let got: Vec<(&str, Option<&str>, bool)> =
            entries.iter().map(|e| (e.path.as_str(), e.group.as_deref(), e.template_option)).collect();
        assert_eq!(
            got,
            [
                ("src/", Some("Option 1: Single project (DEFAULT)"), true),
                ("src/models/", Some("Option 1: Single project (DEFAULT)"), true),
                ("src/lib/", Some("Option 1: Single project (DEFAULT)"), true),
                ("api/", Some("Option 3: Mobile + API (when \"iOS/Android\" detected)"), true),
                (
                    "partnership/api/PartnershipRoutes.kt",
                    Some("Option 3: Mobile + API (when \"iOS/Android\" detected)"),
                    true
                ),
                (
                    "application/src/test/kotlin/",
                    Some("Option 3: Mobile + API (when \"iOS/Android\" detected)"),
                    true
                ),
                (
                    "application/src/test/kotlin/RouteGetTest.kt",
                    Some("Option 3: Mobile + API (when \"iOS/Android\" detected)"),
                    true
                ),
            ]
        );
    }

    #[test]
    fn ascii_trees_and_indentation() {
        let code = "```\nsrc\n|-- lib\n|   `-- a.rs\n`-- main.rs\n```\n";
        assert_eq!(paths(code), ["src/", "src/lib/", "src/lib/a.rs", "src/main.rs"]);
    }

    const PLAN: &str = r#"# Implementation Plan: Login

## Technical Context

**Language/Version**: Python 3.11
**Primary Dependencies**: FastAPI
**Constraints**:
- p95 < 200ms
- offline-capable

**Storage**: N/A

## Constitution Check

*GATE: Must pass before Phase 0 research.*

| Principle | Status | Notes |
|-----------|--------|-------|
| I. Privacy-First | ✅ N/A | none |
| IV. Test-Driven Development | ⚠️ Partial | manual |

- [x] **Type Safety**: ✅ strict mode
- [ ] **Security**: pending review
- ❌ NOT adding new dependencies
- **I. Orchestrate**: FAIL. Creates a runtime.

### II. YAGNI — PASS

- **Compliant**: evidence, not a gate

### Summary

**Gate Result**: PASS - nothing to justify

## Project Structure

### Documentation (this feature)

```text
specs/[###-feature]/
├── plan.md              # This file
└── contracts/
```

### Source Code (repository root)

```text
src/
├── models/
└── services/
```

**Structure Decision**: Single project with the
real directories above.

## Complexity Tracking

| Violation | Why Needed |
|---|---|
| none | - |
"#;

    #[test]
    fn template_shaped_plan() {
        let (doc, plan) = parse(PLAN);
        let fields: Vec<(&str, &str)> = plan.technical_context.iter().map(|f| (&*f.key, &*f.value)).collect();
        assert_eq!(
            fields,
            [
                ("Language/Version", "Python 3.11"),
                ("Primary Dependencies", "FastAPI"),
                ("Constraints", "p95 < 200ms; offline-capable"),
                ("Storage", "N/A"),
            ]
        );
        assert_eq!(
            doc.slice(plan.technical_context[2].span),
            "**Constraints**:\n- p95 < 200ms\n- offline-capable"
        );
        assert!(!plan.technical_context[0].needs_clarification());
        let gates: Vec<(&str, Option<GateState>, bool)> =
            plan.constitution.iter().map(|g| (&*g.text, g.state, g.summary)).collect();
        assert_eq!(
            gates,
            [
                ("I. Privacy-First", Some(GateState::Pass), false),
                ("IV. Test-Driven Development", Some(GateState::Partial), false),
                ("Type Safety", Some(GateState::Pass), false),
                ("Security", Some(GateState::Pending), false),
                ("NOT adding new dependencies", Some(GateState::Pass), false),
                ("I. Orchestrate", Some(GateState::Fail), false),
                ("II. YAGNI", Some(GateState::Pass), false),
                ("Gate Result", Some(GateState::Pass), true),
            ]
        );
        let structure: Vec<(&str, bool)> =
            plan.structure.iter().map(|p| (&*p.path, p.documentation)).collect();
        assert_eq!(
            structure,
            [
                ("specs/[###-feature]/", true),
                ("specs/[###-feature]/plan.md", true),
                ("specs/[###-feature]/contracts/", true),
                ("src/", false),
                ("src/models/", false),
                ("src/services/", false),
            ]
        );
        assert_eq!(doc.slice(plan.structure[4].span), "models/");
        let decision = plan.structure_decision.as_ref().unwrap();
        assert_eq!(&*decision.text, "Single project with the real directories above.");
        assert_eq!(plan.source_paths().count(), 3);
        let dump = plan.to_dump(&doc, "plan.md");
        assert_eq!(dump["kind"], "plan");
        assert_eq!(dump["structure"][3]["path"], "src/");
        assert_eq!(dump["structure"][3]["line"], 48);
        assert_eq!(dump["constitution"][1]["state"], "partial");
    }

    #[test]
    fn context_values_left_unclear() {
        let (_, plan) = parse(
            "# P\n\n## Technical Context\n\n**Storage**: NEEDS CLARIFICATION\n**Testing**: [e.g., pytest or NEEDS CLARIFICATION]\n",
        );
        let unclear: Vec<bool> =
            plan.technical_context.iter().map(ContextField::needs_clarification).collect();
        assert_eq!(unclear, [true, false]);
    }

    #[test]
    fn gate_states() {
        assert_eq!(gate_state("✅ PASS"), Some(GateState::Pass));
        assert_eq!(gate_state("⚠️ Partial"), Some(GateState::Partial));
        assert_eq!(gate_state("PASS. Jira remains external"), Some(GateState::Pass));
        assert_eq!(gate_state("❌ Violates II"), Some(GateState::Fail));
        assert_eq!(gate_state("N/A"), Some(GateState::NotApplicable));
        assert_eq!(gate_state("Passport handling"), None);
        assert_eq!(gate_state("No violations"), None);
    }
}
