//! The paths of a block outside the plan's Project Structure
//! (path-outside-structure), kept in its facts until the plan changes.

use crate::text::Span;

/// A path of a block that the plan's structure does not hold.
pub(crate) struct Unplanned {
    /// The mention's span, relative to the block.
    pub span: Span,
    /// The path as written.
    pub raw: Box<str>,
    /// Normalised (path-outside-structure's `normalize`).
    pub path: String,
    /// Its first folder the structure does not hold.
    pub place: String,
}
