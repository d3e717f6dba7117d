//! One task line in every shape real files use, with what made it
//! non-canonical. The canonical shape is `- [ ] T001 [P] [US1] Description`.

use serde::Serialize;

use crate::model::ids::{TaskId, parse_story_label, parse_task_id};
use crate::text::Span;

/// A checkbox state as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckState {
    Open,
    Done,
    /// `[-]`, `[~]`, `[/]`...: neither open nor done.
    Other(char),
}

/// Why a task line is not canonical. Reported once per kind per file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Irregularity {
    /// `- T001 ...`: no checkbox.
    NoCheckbox,
    /// `[-]`, `[~]`: a state other than `[ ]`, `[x]`, `[X]`.
    UnknownState,
    /// `` `[x]` ``, `DONE`, `✅` instead of a plain checkbox.
    CheckboxStyle,
    /// `T1`, `T01`, `t001`, `T-001`, `T2.1`.
    IdFormat,
    /// `**T001**`.
    BoldId,
    /// `[T001]`.
    BracketedId,
    /// `T001:` or `T001 ·`: punctuation between the ID and the rest.
    IdPunctuation,
    /// `[US1] [P]` instead of `[P] [US1]`.
    LabelOrder,
    /// `Description [P]`.
    LabelAfterDescription,
    /// `### T001: ...`.
    HeadingTask,
    /// `1. T001 ...`.
    NumberedItem,
    /// `~~T005 ...~~`.
    Strikethrough,
    /// `✅ T001` or another symbol before the checkbox or ID.
    SymbolPrefix,
    /// `[ ] [P] T002`: labels written before the ID.
    LabelBeforeId,
    /// `[ ]T003`: no space between the checkbox and the ID.
    CheckboxSpacing,
}

impl Irregularity {
    pub fn describe(self) -> &'static str {
        match self {
            Irregularity::NoCheckbox => "no checkbox",
            Irregularity::UnknownState => "a checkbox state other than [ ], [x] or [X]",
            Irregularity::CheckboxStyle => "a checkbox written another way (backticks, DONE, an emoji)",
            Irregularity::IdFormat => "a task ID not shaped T001",
            Irregularity::BoldId => "a bold task ID",
            Irregularity::BracketedId => "a task ID in brackets",
            Irregularity::IdPunctuation => "punctuation after the task ID",
            Irregularity::LabelOrder => "labels out of order ([P] comes before [USn])",
            Irregularity::LabelAfterDescription => "labels after the description",
            Irregularity::HeadingTask => "a task written as a heading",
            Irregularity::NumberedItem => "a task in a numbered list",
            Irregularity::Strikethrough => "a struck-through task",
            Irregularity::SymbolPrefix => "a symbol before the checkbox",
            Irregularity::LabelBeforeId => "labels before the task ID",
            Irregularity::CheckboxSpacing => "no space after the checkbox",
        }
    }
}

/// A label in brackets after the ID other than `[P]` and `[USn]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    pub text: Box<str>,
    pub span: Span,
}

/// A task line as scanned; spans are relative to the block's start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskLine {
    pub id: TaskId,
    pub id_span: Span,
    pub state: CheckState,
    pub has_checkbox: bool,
    /// The checkbox (or `DONE` / emoji standing for it), when there is one.
    pub checkbox_span: Option<Span>,
    pub parallel: Option<Span>,
    /// The story number and the span of its `[USn]` label.
    pub story: Option<(u32, Span)>,
    pub labels: Vec<Label>,
    pub description: Box<str>,
    pub description_span: Span,
    /// Where the task's own text ends: the end of its last wrapped line
    /// before the first detail line (`**Success**: ...`), trailing space
    /// trimmed. Labels and done marks that trail the description lie
    /// between `description_span.end` and here; nothing after it is the
    /// task line's.
    pub tail_end: usize,
    pub cancelled: bool,
    /// Where the canonical line's text starts (for "normalise" fixes): the
    /// checkbox or, failing that, the first character after the marker.
    pub head_start: usize,
    pub irregularities: Vec<Irregularity>,
    /// Whether the ID is directly followed by another ID or a relation
    /// (`T004-T007 before`, `T008 blocks`, `T004 and T006 can`): without a
    /// checkbox such a line is a statement, not a task.
    pub reads_as_statement: bool,
    /// Whether the bold around the ID was closed right after it (or its
    /// labels); `**T001 Create x**` closes at the end of the line instead.
    #[serde(skip)]
    pub bold_closed: bool,
}

impl TaskLine {
    /// While scanning: the ID opened bold that no `**` closed yet.
    fn irregularities_pending_bold_close(&self, irregular: &[Irregularity]) -> bool {
        irregular.contains(&Irregularity::BoldId) && !self.bold_closed
    }

    pub fn done(&self) -> bool {
        self.state == CheckState::Done
    }

    pub fn is_canonical(&self) -> bool {
        self.irregularities.is_empty()
    }
}

/// Where a task line comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineShape {
    Bullet,
    Numbered,
    Heading,
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Cursor<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches([' ', '\t']).len();
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.rest().starts_with(s) {
            self.at += s.len();
            true
        } else {
            false
        }
    }
}

fn is_symbol(c: char) -> bool {
    !c.is_ascii() && !c.is_alphanumeric()
}

fn emoji_state(c: char) -> Option<CheckState> {
    match c {
        '✅' | '☑' | '✔' | '✓' | '🟢' => Some(CheckState::Done),
        '⬜' | '☐' | '🔲' | '◻' | '□' => Some(CheckState::Open),
        _ => None,
    }
}

/// Scan the text of a list item (after its marker) or heading (after its
/// `#`s) as a task line. `text` is the block's text and `start` where the
/// content begins in it; all spans are relative to `text`.
pub fn scan_task_line(text: &str, start: usize, shape: LineShape) -> Option<TaskLine> {
    let mut irregular = Vec::new();
    let mut cursor = Cursor { text, at: start };
    cursor.skip_spaces();
    let head_start = cursor.at;
    let (mut state, mut checkbox_span, mut has_checkbox) = (CheckState::Open, None, false);

    // Symbols before the checkbox ("✅ [x]", "⬜ T001"): at most three.
    let mut symbol_state = None;
    for _ in 0..3 {
        let Some(c) = cursor.rest().chars().next().filter(|c| is_symbol(*c)) else { break };
        let symbol_start = cursor.at;
        cursor.at += c.len_utf8();
        while cursor.rest().starts_with('\u{FE0F}') {
            cursor.at += 3;
        }
        if let Some(s) = emoji_state(c) {
            symbol_state = Some((s, Span::new(symbol_start, cursor.at)));
        }
        cursor.skip_spaces();
        irregular.push(Irregularity::SymbolPrefix);
    }

    if let Some((s, span, style)) = checkbox_at(&cursor) {
        cursor.at = span.end;
        (state, checkbox_span, has_checkbox) = (s, Some(span), true);
        if style {
            irregular.push(Irregularity::CheckboxStyle);
        }
        if !cursor.rest().is_empty() && !cursor.rest().starts_with(char::is_whitespace) {
            irregular.push(Irregularity::CheckboxSpacing);
        }
        if matches!(s, CheckState::Other(_)) {
            irregular.push(Irregularity::UnknownState);
        }
        cursor.skip_spaces();
    } else if let Some((s, span)) = symbol_state {
        (state, checkbox_span, has_checkbox) = (s, Some(span), true);
        irregular.retain(|i| *i != Irregularity::SymbolPrefix);
        irregular.push(Irregularity::CheckboxStyle);
    }

    // `[ ] [P] [US1] T002`: labels before the ID, only after a checkbox.
    let early_labels = if has_checkbox { labels_before_id(&mut cursor) } else { Vec::new() };
    if !early_labels.is_empty() {
        irregular.push(Irregularity::LabelBeforeId);
    }
    let struck = cursor.eat("~~");
    let bold = cursor.eat("**") || cursor.eat("__");
    let bracketed = cursor.rest().starts_with('[') && parse_task_id(&cursor.rest()[1..], true).is_some();
    if bracketed {
        cursor.at += 1;
    }
    let allow_lowercase = has_checkbox;
    let (id, id_len) = parse_task_id(cursor.rest(), allow_lowercase)?;
    let id_span = Span::new(cursor.at, cursor.at + id_len);
    cursor.at = id_span.end;
    if bracketed && !cursor.eat("]") {
        return None;
    }
    let reads_as_statement = !has_checkbox && reads_as_statement(&text[id_span.end..]);
    // `1. T2.1 Instrument timings`: a numbered list of priorities or steps
    // citing work items, not a task list.
    if shape == LineShape::Numbered && !has_checkbox && !id.is_canonical() {
        return None;
    }

    if !id.is_canonical() {
        irregular.push(Irregularity::IdFormat);
    }
    let closed_after_id = bold && (cursor.eat("**") || cursor.eat("__"));
    if bold {
        irregular.push(Irregularity::BoldId);
    }
    if bracketed {
        irregular.push(Irregularity::BracketedId);
    }
    if struck {
        irregular.push(Irregularity::Strikethrough);
    }
    if eat_id_punctuation(&mut cursor) {
        irregular.push(Irregularity::IdPunctuation);
    }

    let mut line = TaskLine {
        id,
        id_span,
        state,
        has_checkbox,
        checkbox_span,
        parallel: None,
        story: None,
        labels: Vec::new(),
        description: "".into(),
        description_span: Span::empty(cursor.at),
        tail_end: cursor.at,
        cancelled: struck,
        head_start,
        irregularities: Vec::new(),
        reads_as_statement,
        bold_closed: !bold || closed_after_id,
    };
    for (inner, span) in early_labels {
        match parse_story_label(inner) {
            Some((number, _)) => line.story = Some((number, span)),
            None => line.parallel = Some(span),
        }
    }
    read_labels(&mut cursor, &mut line, &mut irregular, shape);
    if bold && (cursor.eat("**") || cursor.eat("__")) {
        line.bold_closed = true;
        cursor.skip_spaces();
        eat_id_punctuation(&mut cursor);
        read_labels(&mut cursor, &mut line, &mut irregular, shape);
    }
    if shape == LineShape::Heading && is_heading_subsection(cursor.rest()) {
        return None;
    }
    read_description(&mut cursor, &mut line, &mut irregular);

    match shape {
        LineShape::Heading => irregular.push(Irregularity::HeadingTask),
        LineShape::Numbered => irregular.push(Irregularity::NumberedItem),
        LineShape::Bullet => {}
    }
    if !line.has_checkbox && shape != LineShape::Heading {
        irregular.push(Irregularity::NoCheckbox);
    }
    irregular.sort();
    irregular.dedup();
    line.irregularities = irregular;
    Some(line)
}

/// `[P]` and `[USn]` labels written right before a task ID; the cursor
/// moves past them only when an ID follows.
fn labels_before_id<'a>(cursor: &mut Cursor<'a>) -> Vec<(&'a str, Span)> {
    let start = cursor.at;
    let mut found = Vec::new();
    loop {
        let rest = cursor.rest();
        let Some(close) = rest.strip_prefix('[').and_then(|r| r.find(']')) else { break };
        let inner = &rest[1..1 + close];
        let is_label = inner == "P" || parse_story_label(inner).is_some_and(|(_, len)| len == inner.len());
        if !is_label {
            break;
        }
        found.push((inner, Span::new(cursor.at, cursor.at + close + 2)));
        cursor.at += close + 2;
        cursor.skip_spaces();
    }
    if found.is_empty() || parse_task_id(cursor.rest(), true).is_none() {
        cursor.at = start;
        found.clear();
    }
    found
}

/// `[ ]`, `[x]`, `[-]`, `` `[x]` ``, `DONE`, `TODO`. Returns the state, the
/// span, and whether the style is unusual.
fn checkbox_at(cursor: &Cursor<'_>) -> Option<(CheckState, Span, bool)> {
    let rest = cursor.rest();
    let (inner, len, styled) = if let Some(after) = rest.strip_prefix("`[")
        && rest.get(3..5) == Some("]`")
    {
        (after.chars().next()?, 5, true)
    } else if let Some(after) = rest.strip_prefix('[') {
        let c = after.chars().next()?;
        let close = 1 + c.len_utf8();
        if rest.as_bytes().get(close) != Some(&b']') || c.is_alphanumeric() && !matches!(c, 'x' | 'X') {
            return None;
        }
        (c, close + 1, false)
    } else {
        for (word, state) in [("DONE", CheckState::Done), ("TODO", CheckState::Open)] {
            if rest.starts_with(word) && rest[word.len()..].starts_with([' ', ':']) {
                let span = Span::new(cursor.at, cursor.at + word.len());
                return Some((state, span, true));
            }
        }
        return None;
    };
    // A checkbox is followed by a space or the end; `[P]` is a label.
    // `[ ]T003` (an ID right after it) is a checkbox missing its space.
    let after = &rest[len..];
    if !after.is_empty()
        && !after.starts_with([' ', '\t', '\n', '\r'])
        && parse_task_id(after, false).is_none()
    {
        return None;
    }
    let state = match inner {
        ' ' => CheckState::Open,
        'x' | 'X' => CheckState::Done,
        other => CheckState::Other(other),
    };
    Some((state, Span::new(cursor.at, cursor.at + len), styled))
}

fn eat_id_punctuation(cursor: &mut Cursor<'_>) -> bool {
    let before = cursor.at;
    cursor.skip_spaces();
    let ate = [":", "·", "•", "—", "–", "-", "|", "."].iter().any(|p| {
        let Some(after) = cursor.rest().strip_prefix(p) else { return false };
        (*p == ":" || after.starts_with([' ', '\t'])) && cursor.eat(p)
    });
    if !ate {
        cursor.at = before;
    }
    cursor.skip_spaces();
    ate
}

/// `[P]`, `[US1]` and other bracketed labels right after the ID; for
/// headings also `[X]` / `[ ]` standing for the checkbox.
fn read_labels(
    cursor: &mut Cursor<'_>,
    line: &mut TaskLine,
    irregular: &mut Vec<Irregularity>,
    shape: LineShape,
) {
    loop {
        cursor.skip_spaces();
        let rest = cursor.rest();
        if !rest.starts_with('[') {
            return;
        }
        let Some(close) = rest[..rest.find('\n').unwrap_or(rest.len())].find(']') else { return };
        let inner = &rest[1..close];
        if rest[close + 1..].starts_with('(') {
            return; // a link starts the description
        }
        let span = Span::new(cursor.at, cursor.at + close + 1);
        // A label said twice (`[US1] [US1]`) is text: the first stays the
        // label, and nothing the author wrote loses its place.
        let repeated = match inner {
            "P" | "p" => line.parallel.is_some(),
            _ => line.story.is_some() && parse_story_label(inner).is_some_and(|(_, len)| len == inner.len()),
        };
        if repeated {
            return;
        }
        match inner {
            "P" | "p" => {
                if line.story.is_some() {
                    irregular.push(Irregularity::LabelOrder);
                }
                line.parallel = Some(span);
            }
            "x" | "X" | " " if shape == LineShape::Heading && !line.has_checkbox => {
                line.state = if inner == " " { CheckState::Open } else { CheckState::Done };
                line.has_checkbox = true;
                line.checkbox_span = Some(span);
            }
            _ => match parse_story_label(inner) {
                Some((number, len)) if len == inner.len() => line.story = Some((number, span)),
                _ if inner.trim().is_empty() || inner.len() > 40 => return,
                _ => line.labels.push(Label { text: inner.into(), span }),
            },
        }
        cursor.at = span.end;
    }
}

/// Heading `### T013 Acceptance Criteria` is a subsection about T013.
fn is_heading_subsection(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.starts_with("Acceptance") || rest.starts_with("Verification") || rest.starts_with("Notes")
}

/// The rest of the line(s), with labels and done marks that trail it.
fn read_description(cursor: &mut Cursor<'_>, line: &mut TaskLine, irregular: &mut Vec<Irregularity>) {
    cursor.skip_spaces();
    let start = cursor.at;
    let own = &cursor.text[..own_text_end(cursor.text, start)];
    let mut end = own.trim_end().len().max(start);
    line.tail_end = end;
    loop {
        let body = cursor.text[start..end].trim_end();
        end = start + body.len();
        if let Some(stripped) = body.strip_suffix('✅').or_else(|| body.strip_suffix("✅\u{FE0F}")) {
            line.state = CheckState::Done;
            line.has_checkbox = true;
            end = start + stripped.len();
            continue;
        }
        let Some(open) = body.rfind('[').filter(|_| body.ends_with(']')) else { break };
        let inner = &body[open + 1..body.len() - 1];
        let span = Span::new(start + open, end);
        // A trailing label the head already has (`[US1] ... [US1]`) stays
        // in the description rather than replace the head's.
        match inner {
            "P" if line.parallel.is_none() => line.parallel = Some(span),
            _ => match parse_story_label(inner) {
                Some((number, len)) if len == inner.len() && line.story.is_none() => {
                    line.story = Some((number, span));
                }
                _ => break,
            },
        }
        irregular.push(Irregularity::LabelAfterDescription);
        end = start + open;
    }
    let mut raw = &cursor.text[start..end];
    if raw.trim_start().starts_with("~~") {
        line.cancelled = true;
    }
    // `**T001 Create x**`: the emphasis closing the whole line is markup.
    if line.irregularities_pending_bold_close(irregular) {
        raw = raw.trim_end().strip_suffix("**").unwrap_or(raw);
        end = start + raw.len();
    }
    line.description = crate::text::collapse_whitespace(raw).into();
    line.description_span = Span::new(start, end);
}

/// Where the lines of the task itself end in its block's `text`: at the
/// first line after the one holding `start` that is a `**Key**: value`
/// detail (`**Success**: ... ✅`), or at the end. A done mark or label at
/// the end of a detail belongs to the detail, not to the task.
fn own_text_end(text: &str, start: usize) -> usize {
    let Some(first_break) = text[start..].find('\n') else { return text.len() };
    let mut line_start = start + first_break + 1;
    for line in text[line_start..].split_inclusive('\n') {
        if super::fields::is_field_line(line.trim_end()) {
            return line_start;
        }
        line_start += line.len();
    }
    text.len()
}

/// Without a checkbox, `T004-T007 before T008`, `T008 blocks T009`,
/// `T004 and T006 can run`, `T005 + T006: ...`, `T001, T002 can run` are
/// statements about tasks, not tasks.
fn reads_as_statement(after_id: &str) -> bool {
    let mut rest = after_id.trim_start_matches([' ', '*']);
    // "T001 (Table) blocks T003": look past one parenthesised aside.
    if rest.starts_with('(')
        && let Some(close) = rest.find(')')
    {
        rest = rest[close + 1..].trim_start();
    }
    let starts_with_id = |s: &str| parse_task_id(s.trim_start(), false).is_some();
    for connector in ["-", "–", "—", ",", "+", "&", "/", "and ", "or ", "through ", "thru ", "to ", "y "]
    {
        if let Some(tail) = rest.strip_prefix(connector)
            && starts_with_id(tail)
        {
            return true;
        }
    }
    let lower = rest.to_ascii_lowercase();
    ["before ", "blocks ", "block ", "requires ", "depends ", "must ", "can ", "should ", "→", "->", "antes "]
        .iter()
        .any(|word| lower.starts_with(word))
}

#[cfg(test)]
mod tests {
    use super::*;
    use Irregularity::*;

    fn line(text: &str) -> TaskLine {
        scan_task_line(text, 0, LineShape::Bullet).unwrap_or_else(|| panic!("not a task: {text}"))
    }

    fn heading(text: &str) -> Option<TaskLine> {
        scan_task_line(text, 0, LineShape::Heading)
    }

    #[test]
    fn canonical_line() {
        let t = line("[ ] T012 [P] [US1] Create User model in src/models/user.py");
        assert_eq!(&*t.id.text, "T012");
        assert!(t.parallel.is_some());
        assert_eq!(t.story.map(|s| s.0), Some(1));
        assert_eq!(&*t.description, "Create User model in src/models/user.py");
        assert!(t.is_canonical(), "{:?}", t.irregularities);
        assert!(!t.done());
    }

    #[test]
    fn done_states_and_checkbox_styles() {
        assert!(line("[x] T001 a").done());
        assert!(line("[X] T001 a").done());
        let backticked = line("`[x]` T001: Update x");
        assert!(backticked.done());
        assert_eq!(backticked.irregularities, [CheckboxStyle, IdPunctuation]);
        let odd = line("[-] T002 skipped");
        assert_eq!(odd.state, CheckState::Other('-'));
        assert_eq!(odd.irregularities, [UnknownState]);
        assert!(line("DONE T003 x").done());
        assert!(line("✅ T004 x").done());
    }

    #[test]
    fn bold_ids_with_labels_inside_or_after() {
        let t = line("[ ] **T003 [P]** Write unit tests");
        assert!(t.parallel.is_some());
        assert_eq!(&*t.description, "Write unit tests");
        assert_eq!(t.irregularities, [BoldId]);
        let t = line("[x] **T001** · Finalize atlas API");
        assert_eq!(&*t.description, "Finalize atlas API");
        assert_eq!(t.irregularities, [BoldId, IdPunctuation]);
        let t = line("[ ] **T001** [P] Create x");
        assert!(t.parallel.is_some());
    }

    #[test]
    fn bold_around_the_whole_line_is_not_part_of_the_description() {
        assert_eq!(&*line("[ ] **T001 Create x**").description, "Create x");
        assert_eq!(&*line("[ ] **T001** Create **y**").description, "Create **y**");
    }

    #[test]
    fn id_shapes_are_understood_and_flagged() {
        assert_eq!(line("[ ] T1 x").irregularities, [IdFormat]);
        assert_eq!(line("[ ] t001 x").irregularities, [IdFormat]);
        assert_eq!(&*line("[ ] T-001 x").id.text, "T-001");
        assert!(line("[ ] T037A x").is_canonical());
        assert!(scan_task_line("TXXX [P] Docs", 0, LineShape::Bullet).is_none());
        assert!(scan_task_line("t001 x", 0, LineShape::Bullet).is_none(), "lower case needs a checkbox");
    }

    #[test]
    fn label_order_and_trailing_labels() {
        assert_eq!(line("[ ] T001 [US1] [P] x").irregularities, [LabelOrder]);
        let t = line("[ ] T001 Create DateUtils.gs [P] ✅");
        assert!(t.parallel.is_some() && t.done());
        assert_eq!(t.irregularities, [LabelAfterDescription]);
        assert_eq!(&*t.description, "Create DateUtils.gs");
    }

    #[test]
    fn a_label_said_twice_keeps_the_first_and_loses_no_text() {
        // Found by the scan fuzz target: the trailing [US1] replaced the
        // head's, whose text then belonged to no part of the line.
        let t = line("[ ] T011 [P] [US1] Implement X in src/a.tsx [US1]");
        assert_eq!(t.story.map(|(n, s)| (n, s.start)), Some((1, 13)));
        assert_eq!(&*t.description, "Implement X in src/a.tsx [US1]");
        assert!(t.irregularities.is_empty());
        let t = line("[ ] T012 [US1] [US2] [P] [P] y");
        assert_eq!(t.story.map(|(n, s)| (n, s.start)), Some((1, 9)));
        assert_eq!(&*t.description, "[US2] [P] [P] y");
    }

    #[test]
    fn heading_tasks() {
        let t = heading("T001: [X] [P] Create Foundation Directory").unwrap();
        assert!(t.done() && t.parallel.is_some());
        assert_eq!(&*t.description, "Create Foundation Directory");
        assert_eq!(t.irregularities, [IdPunctuation, HeadingTask]);
        assert!(heading("T013 Acceptance Criteria").is_none());
        assert!(!heading("T01: Create model").unwrap().done());
    }

    #[test]
    fn other_labels_and_statements() {
        let t = line("[ ] T010 [P] [US1] [iOS/Android] Test on devices");
        assert_eq!(t.labels.len(), 1);
        assert!(line("T004-T007 before T008").reads_as_statement);
        assert!(line("T008 blocks T009").reads_as_statement);
        assert!(line("T001 (Table) blocks T003 (Entity)").reads_as_statement);
        assert!(line("T004 and T006 can run in parallel").reads_as_statement);
        assert!(!line("T004 Implement X (depends on T003)").reads_as_statement);
        assert!(!line("[ ] T004-T007 x").reads_as_statement, "a checkbox makes it a task");
    }

    #[test]
    fn struck_and_numbered() {
        assert!(line("[x] T037 ~~Add calls~~ **MOVED**").cancelled);
        let n = scan_task_line("T001 Instrument timings", 0, LineShape::Numbered).unwrap();
        assert_eq!(n.irregularities, [NoCheckbox, NumberedItem]);
        let n = scan_task_line("[ ] T2.1 Instrument timings", 0, LineShape::Numbered).unwrap();
        assert_eq!(n.irregularities, [IdFormat, NumberedItem]);
    }

    #[test]
    fn a_numbered_prose_list_citing_work_items_is_not_tasks() {
        assert!(scan_task_line("T2.1 Measure parser speed", 0, LineShape::Numbered).is_none());
    }

    #[test]
    fn labels_before_the_id_and_a_missing_space_are_tasks_with_irregularities() {
        let t = line("[ ] [P] T002 Create x in src/x.py");
        assert_eq!(&*t.id.text, "T002");
        assert!(t.parallel.is_some());
        assert_eq!(&*t.description, "Create x in src/x.py");
        assert_eq!(t.irregularities, [LabelBeforeId]);
        let t = line("[ ] [P] [US2] T004 y");
        assert_eq!(t.story.map(|s| s.0), Some(2));
        let t = line("[ ]T003 Create y");
        assert_eq!(&*t.id.text, "T003");
        assert_eq!(&*t.description, "Create y");
        assert_eq!(t.irregularities, [CheckboxSpacing]);
        assert!(scan_task_line("[P] T002 x", 0, LineShape::Bullet).is_none(), "labels first need a checkbox");
        assert!(scan_task_line("[ ]Text", 0, LineShape::Bullet).is_none());
    }

    #[test]
    fn checklist_items_without_ids_are_not_tasks() {
        assert!(scan_task_line("[ ] All contracts have corresponding tests", 0, LineShape::Bullet).is_none());
        assert!(scan_task_line("[P] tasks = different files", 0, LineShape::Bullet).is_none());
    }
}
