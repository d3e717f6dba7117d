//! Model: typed, range-carrying views of every document of a feature
//! folder, built from the syntax layer's blocks by our own scanner.
//!
//! Invariant: no LSP or CLI types; offsets are bytes into the document.

pub mod ids;
pub mod kind;
pub mod blocks;
pub mod file;
pub mod scan;
pub mod tasks;
