//! The command line: `check`, `graph`, `dump`, `rules` over files read from
//! disk, driving the same model and analysis as the language server.

pub mod dump;

use std::path::Path;

/// How a command ended: the process exit code.
pub type ExitCode = i32;

/// Exit codes of every command (interfaces.md).
pub mod exit {
    /// No error-severity finding.
    pub const OK: i32 = 0;
    /// Error-severity findings.
    pub const FINDINGS: i32 = 1;
    /// Usage, I/O or internal error.
    pub const FAILURE: i32 = 2;
}

/// A path as printed: relative to the current directory when below it.
pub fn display_path(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}

/// Read a file as UTF-8, replacing invalid bytes rather than failing: a
/// stray byte must not hide the rest of a document.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    let bytes = std::fs::read(path)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    })
}
