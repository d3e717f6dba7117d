//! The command line: `check`, `analyze`, `graph`, `dump`, `rules` over files read from
//! disk, driving the same model and analysis as the language server.
//!
//! Every command returns an [`ExitCode`] or an error; `main.rs` prints the
//! error on stderr and exits with [`exit::FAILURE`]. Output goes through
//! [`write_stdout`], so `specls rules | head` ends quietly instead of
//! panicking on a closed pipe.

pub mod analyze;
pub mod check;
pub mod dump;
pub mod graph;
pub mod rules;
pub mod serve;

use std::io::Write;
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

/// `--color`: when human output carries ANSI styles.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal that takes colour, unless `NO_COLOR` is set; always
    /// when `CLICOLOR_FORCE` is (anstream's detection).
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn for_anstream(self) -> anstream::ColorChoice {
        match self {
            ColorChoice::Auto => anstream::ColorChoice::Auto,
            ColorChoice::Always => anstream::ColorChoice::Always,
            ColorChoice::Never => anstream::ColorChoice::Never,
        }
    }
}

/// Write a command's report to `file`, or to stdout. `text` may hold ANSI
/// styles when `styled`; they are kept or stripped as `colour` and the
/// destination say (a file is not a terminal: plain unless `always`).
pub fn write_report(
    text: &str,
    styled: bool,
    colour: ColorChoice,
    file: Option<&Path>,
) -> std::io::Result<()> {
    let choice = if styled { colour.for_anstream() } else { anstream::ColorChoice::Never };
    match file {
        Some(path) => {
            let mut out = anstream::AutoStream::new(std::fs::File::create(path)?, choice);
            out.write_all(text.as_bytes()).and_then(|()| out.flush())
        }
        None => {
            let mut out = anstream::AutoStream::new(std::io::stdout().lock(), choice);
            ignore_broken_pipe(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
        }
    }
}

fn ignore_broken_pipe(result: std::io::Result<()>) -> std::io::Result<()> {
    match result {
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}
