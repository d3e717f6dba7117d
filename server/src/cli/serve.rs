//! `specls serve [--stdio]` (and `specls` alone): the language server.
//!
//! The hook the `lsp/` layer fills: `main.rs` already parses `serve`,
//! `--stdio` and the bare `specls`, and calls [`run`].

use anyhow::Result;

use super::ExitCode;

/// Serve the language server protocol over stdin and stdout. `stdio` is
/// accepted because clients pass it; stdio is the only transport.
pub fn run(stdio: bool) -> Result<ExitCode> {
    let _ = stdio;
    Ok(crate::lsp::run_stdio())
}
