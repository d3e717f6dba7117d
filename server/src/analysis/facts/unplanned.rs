//! The paths of a block outside the plan's Project Structure
//! (path-outside-structure), kept in its facts until the plan changes.

use std::sync::{Arc, LazyLock};

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

/// A block's paths outside the structure, as its facts keep them. Most
/// blocks have none, and an empty `Arc<[T]>` still allocates its counts:
/// they share one.
pub(crate) fn kept_unplanned(found: Vec<Unplanned>) -> Arc<[Unplanned]> {
    static NONE: LazyLock<Arc<[Unplanned]>> = LazyLock::new(|| Arc::new([]));
    if found.is_empty() { NONE.clone() } else { found.into() }
}
