//! `**Key**: value` lines: `**Goal**:`, `**Independent Test**:`,
//! `**Checkpoint**:`, `**File**:`, `**Depends on**:`, `**Status**:`,
//! `**FR-001**:` and the plan's `**Language/Version**:`.

use serde::Serialize;

use crate::text::Span;

/// A labelled value on one line; spans relative to the block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    pub key: Box<str>,
    pub key_span: Span,
    pub value: Span,
}

/// The fields of a block: one per line that starts (after a list marker or
/// indentation) with `**Key**:` or `**Key:**`.
pub fn scan_fields(text: &str, content_start: usize) -> Vec<Field> {
    let mut out = Vec::new();
    // Every key is in `**` or `__`: a block with neither star nor
    // underscore (most of them) has no field.
    if memchr::memchr2(b'*', b'_', text.as_bytes()).is_none() {
        return out;
    }
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let from = if line_start == 0 { content_start } else { line_start };
        if from <= line_start + line.len() {
            let body = &text[from..line_start + line.len()];
            if let Some(field) = field_of_line(body, from) {
                out.push(field);
            }
        }
        line_start += line.len();
    }
    out
}

/// Whether a line (without its break) starts a `**Key**: value` field.
pub fn is_field_line(line: &str) -> bool {
    field_of_line(line, 0).is_some()
}

fn field_of_line(line: &str, offset: usize) -> Option<Field> {
    let lead = line.len() - line.trim_start().len();
    let rest = line.trim_start();
    let rest = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("* ")).unwrap_or(rest);
    let marker_len = line.trim_start().len() - rest.len();
    let (open, close) = if rest.starts_with("**") {
        ("**", "**")
    } else if rest.starts_with("__") {
        ("__", "__")
    } else {
        return None;
    };
    let inner_start = open.len();
    let inner_len = rest[inner_start..].find(close)?;
    let inner = &rest[inner_start..inner_start + inner_len];
    let after = &rest[inner_start + inner_len + close.len()..];
    let (key, value_rel) = if let Some(key) = inner.strip_suffix(':') {
        (key, inner_start + inner_len + close.len())
    } else if let Some(tail) = after.strip_prefix(':') {
        (inner, rest.len() - tail.len())
    } else {
        return None;
    };
    // The span covers the trimmed key: `** Branch**` names `Branch`.
    let key_lead = key.len() - key.trim_start().len();
    let key = key.trim();
    if key.is_empty() || key.len() > 60 || key.contains('\n') {
        return None;
    }
    let base = offset + lead + marker_len;
    let value_text = &rest[value_rel..];
    let value_start = base + value_rel + (value_text.len() - value_text.trim_start().len());
    let value_end = base + value_rel + value_text.trim_end().len();
    Some(Field {
        key: key.into(),
        key_span: Span::new(base + inner_start + key_lead, base + inner_start + key_lead + key.len()),
        value: Span::new(value_start, value_end.max(value_start)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<(String, String)> {
        scan_fields(text, 0)
            .iter()
            .map(|f| (f.key.to_string(), text[f.value.start..f.value.end].to_string()))
            .collect()
    }

    #[test]
    fn bold_keys_with_the_colon_inside_or_outside() {
        assert_eq!(
            fields("**Story**: Foundation\n**File**: `src/a.gs`\n**Status:** COMPLETE\n"),
            [
                ("Story".into(), "Foundation".into()),
                ("File".into(), "`src/a.gs`".into()),
                ("Status".into(), "COMPLETE".into())
            ]
        );
    }

    #[test]
    fn key_span_covers_the_key_without_its_padding() {
        // Found by the `scan` fuzz target: padding before a multi-byte
        // character put the span's end inside that character.
        let text = "**  \u{fffd}Branch **: `004-x`";
        let field = &scan_fields(text, 0)[0];
        assert_eq!(&text[field.key_span.start..field.key_span.end], "\u{fffd}Branch");
        assert_eq!(&*field.key, "\u{fffd}Branch");
    }

    #[test]
    fn list_items_and_plain_bold_are_not_confused() {
        assert_eq!(fields("- **Depends on**: T03"), [("Depends on".into(), "T03".into())]);
        assert!(fields("**CRITICAL** tests first").is_empty());
    }
}
