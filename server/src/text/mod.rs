//! Text: rope-backed documents, byte spans, and conversion between byte
//! offsets and LSP positions in UTF-8, UTF-16 or UTF-32 code units.
//!
//! Invariant: every other layer works in byte offsets into a document's text;
//! code units and line/column pairs exist only here.

mod case;
pub mod control;
mod document;
mod position;
mod span;

pub use case::{LowerCased, contains_ignore_ascii_case, find_ignore_ascii_case};
pub use document::{AppliedEdit, ContentChange, Document, TextPoint};
pub use position::{Position, PositionEncoding, PositionRange, indent_columns, line_column};
pub use span::{Span, floor_char_boundary};
