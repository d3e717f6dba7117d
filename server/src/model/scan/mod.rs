//! The scanner: what one block's text says, independent of its neighbours.
//!
//! Results carry spans relative to the block's start, so a block that an
//! edit did not touch keeps its scan (shared behind an `Arc`) and only its
//! start offset moves.

mod clauses;
mod fields;
mod mentions;
pub mod paths;
mod task_line;

pub use clauses::{Clause, Relation, scan_clauses};
pub use fields::{Field, scan_fields};
pub use mentions::{Mention, MentionKind, scan_mentions};
pub use task_line::{CheckState, Irregularity, Label, LineShape, TaskLine, scan_task_line};

use crate::syntax::{BlockKind, ListMarker};
use crate::text::Span;

/// A heading's level and title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeadingScan {
    pub level: u8,
    pub title: Box<str>,
    /// The title's span, relative to the block.
    pub title_span: Span,
}

/// What the scanner found in one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockScan {
    pub kind: BlockKind,
    /// The block's text as it was scanned.
    pub text: Box<str>,
    /// Where the content starts (after a list marker or `#`s), relative.
    pub content_start: usize,
    /// The block's column in bytes on its first line: nesting of bullets.
    pub indent: usize,
    pub heading: Option<HeadingScan>,
    pub task: Option<TaskLine>,
    pub mentions: Vec<Mention>,
    pub clauses: Vec<Clause>,
    pub fields: Vec<Field>,
}

impl BlockScan {
    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The text of a span relative to this block.
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// Scan one block. `text` is exactly the block's bytes, `content_start`
/// relative to it, `indent` its column.
pub fn scan_block(kind: BlockKind, text: &str, content_start: usize, indent: usize) -> BlockScan {
    let mut scan = BlockScan {
        kind,
        text: text.into(),
        content_start,
        indent,
        heading: None,
        task: None,
        mentions: Vec::new(),
        clauses: Vec::new(),
        fields: Vec::new(),
    };
    match kind {
        BlockKind::Heading { level } => {
            scan.heading = Some(heading_scan(text, content_start, level));
            scan.task = scan_task_line(text, content_start, LineShape::Heading);
        }
        BlockKind::ListItem { marker } => {
            let shape = if marker == ListMarker::Ordered { LineShape::Numbered } else { LineShape::Bullet };
            scan.task = scan_task_line(text, content_start, shape);
        }
        BlockKind::Paragraph
        | BlockKind::Table
        | BlockKind::Code
        | BlockKind::Html
        | BlockKind::FrontMatter => {}
    }
    scan.mentions = scan_mentions(text);
    if !matches!(kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter | BlockKind::Table) {
        scan.clauses = scan_clauses(text, &scan.mentions);
        scan.fields = scan_fields(text, content_start);
    }
    scan
}

fn heading_scan(text: &str, content_start: usize, level: u8) -> HeadingScan {
    let content = &text[content_start.min(text.len())..];
    // Setext headings: the title is everything above the underline.
    let first_lines = match content.trim_end().rfind('\n') {
        Some(i) if content[i + 1..].trim().chars().all(|c| c == '=' || c == '-') => &content[..i],
        _ => content,
    };
    let lead = first_lines.len() - first_lines.trim_start().len();
    let title = first_lines.trim().trim_end_matches('#').trim_end();
    let start = content_start + lead;
    HeadingScan { level, title: title.into(), title_span: Span::new(start, start + title.len()) }
}
