//! Model: typed, range-carrying views of every document of a feature
//! folder, built from the syntax layer's blocks by our own scanner.
//!
//! Invariant: no LSP or CLI types; offsets are bytes into the document.

pub mod blocks;
pub mod checklist;
pub mod contracts;
pub mod data_model;
pub mod feature;
pub mod file;
pub mod ids;
pub mod kind;
pub mod markdown;
pub mod plan;
pub mod scan;
pub mod spec;
pub mod tasks;
