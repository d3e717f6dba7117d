//! Target 1: the block scan and the task-line scanner over arbitrary bytes.
//! No panic; every span inside its text on character boundaries; blocks in
//! order; every letter and digit of a task line inside one of its parts.

use crate::model::blocks::BlockList;
use crate::model::file::MarkdownFile;
use crate::model::scan::{BlockScan, LineShape, TaskLine, scan_task_line};
use crate::text::{Span, control};

use crate::text::floor_char_boundary;

/// Scan `data` as a markdown document, then its whole text as a task line
/// of each shape.
pub fn block_and_task_line_scan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let file = MarkdownFile::load(&text);
    check_blocks(&text, file.blocks());
    // A content start picked by the input, as a list marker would leave it.
    let start = floor_char_boundary(&text, data.first().map_or(0, |b| usize::from(b % 8)));
    for shape in [LineShape::Bullet, LineShape::Numbered, LineShape::Heading] {
        if let Some(line) = scan_task_line(&text, start, shape) {
            check_task_line(&text, start, &line);
        }
    }
}

fn check_blocks(text: &str, blocks: &BlockList) {
    let mut previous_end = 0;
    for block in blocks.iter() {
        let span = block.span();
        assert!(
            previous_end <= span.start && span.end <= text.len(),
            "block {span:?} overlaps the previous one (ending at {previous_end}) or leaves the text ({})",
            text.len()
        );
        let read = text.get(span.start..span.end).map(control::read_as_spaces);
        assert_eq!(read.as_deref(), Some(&*block.scan.text), "block text at {span:?}");
        previous_end = span.end;
        check_scan(&block.scan);
    }
}

fn check_scan(scan: &BlockScan) {
    let text = &*scan.text;
    assert!(scan.content_start <= text.len(), "content start past the block");
    if let Some(heading) = &scan.heading {
        assert_inside(text, heading.title_span, "heading title");
    }
    if let Some(line) = &scan.task {
        check_task_line(text, scan.content_start, line);
    }
    for mention in &scan.mentions {
        assert_inside(text, mention.span, "mention");
    }
    for clause in &scan.clauses {
        assert_inside(text, clause.keyword, "clause keyword");
    }
    for field in &scan.fields {
        assert_inside(text, field.key_span, "field key");
        assert_inside(text, field.value, "field value");
    }
}

/// Every part inside the text, no two parts overlapping, and every letter
/// or digit after `start` inside a part: nothing the user wrote is dropped.
pub(super) fn check_task_line(text: &str, start: usize, line: &TaskLine) {
    let parts = task_line_parts(line);
    for (name, span) in &parts {
        assert_inside(text, *span, name);
        assert!(span.start >= start, "{name} {span:?} starts before the content ({start}) in {text:?}");
    }
    for (i, (name, span)) in parts.iter().enumerate() {
        if let Some((other, _)) = parts[i + 1..].iter().find(|(_, s)| s.intersects(*span)) {
            panic!("task line parts {name} and {other} overlap in {text:?}");
        }
    }
    // Past `tail_end` come the task's detail lines (`**Success**: ...`),
    // which belong to the details, not to the task line.
    let own = text.char_indices().skip_while(|(i, _)| *i < start).take_while(|(i, _)| *i < line.tail_end);
    for (offset, c) in own {
        if c.is_alphanumeric() && !parts.iter().any(|(_, span)| span.contains(offset)) {
            panic!("{c:?} at {offset} belongs to no part of the task line {text:?}: {line:#?}");
        }
    }
}

fn task_line_parts(line: &TaskLine) -> Vec<(&'static str, Span)> {
    let mut parts = vec![("id", line.id_span), ("description", line.description_span)];
    parts.extend(line.checkbox_span.map(|s| ("checkbox", s)));
    parts.extend(line.parallel.map(|s| ("[P]", s)));
    parts.extend(line.story.map(|(_, s)| ("story", s)));
    parts.extend(line.labels.iter().map(|l| ("label", l.span)));
    parts.retain(|(_, span)| !span.is_empty());
    parts
}

fn assert_inside(text: &str, span: Span, what: &str) {
    assert!(
        span.start <= span.end
            && span.end <= text.len()
            && text.is_char_boundary(span.start)
            && text.is_char_boundary(span.end),
        "{what} {span:?} is not a range of the text ({} bytes): {text:?}",
        text.len()
    );
}
