//! specls: a language server and checker for Spec Kit feature folders.
//!
//! Layers, each knowing only those above it in this list:
//! [`text`] → [`syntax`] → [`model`] → (analysis → ide) → (lsp, cli).
//! See ARCHITECTURE.md for the map.

pub mod analysis;
pub mod cli;
#[doc(hidden)]
pub mod fuzzing;
pub mod ide;
pub mod lsp;
pub mod model;
pub mod syntax;
#[doc(hidden)]
pub mod synth;
#[cfg(test)]
mod testing;
pub mod text;
pub mod workspace;
