//! Text: rope-backed documents, byte spans, and conversion between byte
//! offsets and LSP positions in UTF-8, UTF-16 or UTF-32 code units.
//!
//! Invariant: every other layer works in byte offsets into a document's text;
//! code units and line/column pairs exist only here.

mod case;
pub mod control;
mod document;
mod position;
mod search;
mod span;

pub use case::{LowerCased, contains_ignore_ascii_case, find_ignore_ascii_case, is_lowercase_of};
pub use document::{AppliedEdit, ContentChange, Document, TextPoint};
pub use position::{Position, PositionEncoding, PositionRange, indent_columns, line_column};
pub use search::{bytes_at, find_short};
pub use span::{Span, floor_char_boundary};

/// `text`'s words joined by single spaces: one string, where collecting
/// the words and joining them made two (once per task line and per
/// bracket of a bulk check).
pub fn collapse_whitespace(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !collapsed.is_empty() {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    collapsed
}
