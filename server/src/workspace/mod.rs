//! Workspace: finding feature folders on disk and reading them.
//!
//! Invariant: the only layer besides `lsp/` and `cli/` that touches the
//! file system; `model/`, `analysis/` and `ide/` work on what it loaded.

pub mod cache;
pub mod config;
pub mod discovery;
pub mod load;
