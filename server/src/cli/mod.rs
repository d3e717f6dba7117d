//! The command line: `check`, `graph`, `dump`, `rules` over files read from
//! disk, driving the same model and analysis as the language server.
//!
//! Every command returns an [`ExitCode`] or an error; `main.rs` prints the
//! error on stderr and exits with [`exit::FAILURE`]. Output goes through
//! [`write_stdout`], so `specls rules | head` ends quietly instead of
//! panicking on a closed pipe.

pub mod check;
pub mod dump;
pub mod graph;
pub mod rules;
pub mod serve;

use std::io::{IsTerminal, Write};
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
    let shown = shown.strip_prefix(".").unwrap_or(shown);
    shown.to_string_lossy().replace('\\', "/")
}

/// The size limit of documents at `path`: `--max-file-size`, else the
/// nearest `specls.toml`'s `max-file-size`, else the default. Every command
/// reads documents through [`crate::workspace::load::read_text`] with it.
pub fn file_limit(flag: Option<u64>, path: &Path) -> anyhow::Result<u64> {
    use crate::workspace::config::{find_config, load_config};
    if let Some(limit) = flag {
        return Ok(limit);
    }
    Ok(match find_config(path) {
        Some(config) => load_config(&config)?.max_file_bytes(),
        None => crate::analysis::DEFAULT_MAX_FILE_BYTES,
    })
}

/// Write `text` to stdout; a reader that went away (`| head`) is not an
/// error.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    ignore_broken_pipe(std::io::stdout().lock().write_all(text.as_bytes()))
}

/// Write `text`, which may hold ANSI styles, to stdout: styles are kept
/// only when [`use_colour`] says so, and stripped otherwise.
pub fn write_styled_stdout(text: &str) -> std::io::Result<()> {
    let choice = if use_colour() { anstream::ColorChoice::Always } else { anstream::ColorChoice::Never };
    let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
    ignore_broken_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// Colours only on a terminal, and never when `NO_COLOR` is set to
/// anything but the empty string (no-color.org).
pub fn use_colour() -> bool {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_colour && std::io::stdout().is_terminal()
}

fn ignore_broken_pipe(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
