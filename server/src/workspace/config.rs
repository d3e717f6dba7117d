//! `specls.toml`: finding the configuration file that applies to a path and
//! reading it into a [`RuleConfig`].
//!
//! The file that applies is the nearest `specls.toml` in the path's folder
//! or any folder above it, like ruff's `ruff.toml` and rustfmt's
//! `rustfmt.toml`. A file that exists but cannot be read or understood is an
//! error, never silently skipped: a typo must not turn a rule back on.

use std::path::{Path, PathBuf};

use crate::analysis::{ConfigError, RuleConfig};
use crate::text::line_column;

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "specls.toml";

/// A configuration file is a few lines; one larger than this is a mistake
/// (and reading a 2 GB one whole would abort on the allocation).
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigFileError {
    // The causes are part of the message (not `#[source]`), so that
    // anyhow's `{:#}` does not print them twice.
    #[error("cannot read {}: {error}", path.display())]
    Read { path: PathBuf, error: std::io::Error },
    #[error("{}: {size} bytes, more than a configuration file may hold ({MAX_CONFIG_BYTES})", path.display())]
    TooLarge { path: PathBuf, size: u64 },
    /// Not TOML at all.
    #[error("{}:{line}:{column}: invalid TOML: {message}", path.display())]
    Syntax { path: PathBuf, line: usize, column: usize, message: String },
    /// TOML, but not a configuration specls understands.
    #[error("{}{}: {error}", path.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Invalid { path: PathBuf, line: Option<usize>, error: ConfigError },
}

/// The nearest `specls.toml` at or above `start` (a file or a folder).
/// A relative `start` is taken from the current directory, so that
/// `specls check specs/001-x` still finds the repository's file.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let absolute =
        if start.is_absolute() { start.to_path_buf() } else { std::env::current_dir().ok()?.join(start) };
    let first = if absolute.is_dir() { absolute.as_path() } else { absolute.parent()? };
    first.ancestors().map(|dir| dir.join(CONFIG_FILE)).find(|candidate| candidate.is_file())
}

/// Read and check one configuration file.
pub fn load_config(path: &Path) -> Result<RuleConfig, ConfigFileError> {
    use super::load::{ReadError, read_bytes};
    let read_error = |error| ConfigFileError::Read { path: path.to_path_buf(), error };
    let bytes = read_bytes(path, MAX_CONFIG_BYTES).map_err(|err| match err {
        ReadError::TooLarge { size, .. } => ConfigFileError::TooLarge { path: path.to_path_buf(), size },
        ReadError::NotAFile => read_error(std::io::Error::other("not a regular file")),
        ReadError::Io(error) => read_error(error),
    })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| read_error(std::io::Error::new(std::io::ErrorKind::InvalidData, "not valid UTF-8")))?;
    parse_config(path, &text)
}

/// Parse the text of a configuration file read from `path` (named in errors).
pub fn parse_config(path: &Path, text: &str) -> Result<RuleConfig, ConfigFileError> {
    // A first pass through the TOML parser alone keeps where the syntax
    // breaks; `RuleConfig::from_toml` reports the rest.
    if let Err(err) = toml::from_str::<toml::Table>(text) {
        let (line, column) = line_column(text, err.span().map_or(0, |span| span.start));
        let message = err.message().trim_end().to_string();
        return Err(ConfigFileError::Syntax { path: path.to_path_buf(), line, column, message });
    }
    RuleConfig::from_toml(text).map_err(|error| {
        let line = match &error {
            ConfigError::UnknownRule(code) | ConfigError::BadSeverity { code, .. } => line_of_key(text, code),
            ConfigError::BadTrigger(_) => line_of_key(text, "trigger"),
            ConfigError::BadSize(_) => line_of_key(text, "max-file-size"),
            ConfigError::Toml(_) => None,
        };
        ConfigFileError::Invalid { path: path.to_path_buf(), line, error }
    })
}

/// The 1-based line where `key` is assigned, bare or quoted.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            let rest = line
                .strip_prefix(key)
                .or_else(|| {
                    line.strip_prefix('"').and_then(|l| l.strip_prefix(key)).and_then(|l| l.strip_prefix('"'))
                })
                .or_else(|| {
                    line.strip_prefix('\'')
                        .and_then(|l| l.strip_prefix(key))
                        .and_then(|l| l.strip_prefix('\''))
                });
            rest.is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|index| index + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Severity;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("specls-config-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_nearest_file_upwards_wins() {
        let dir = temp_dir("nearest");
        std::fs::create_dir_all(dir.join("a/specs/001-x")).unwrap();
        std::fs::write(dir.join(CONFIG_FILE), "").unwrap();
        assert_eq!(find_config(&dir.join("a/specs/001-x")), Some(dir.join(CONFIG_FILE)));
        std::fs::write(dir.join("a").join(CONFIG_FILE), "").unwrap();
        assert_eq!(find_config(&dir.join("a/specs/001-x")), Some(dir.join("a").join(CONFIG_FILE)));
        std::fs::write(dir.join("a/specs/001-x/tasks.md"), "").unwrap();
        assert_eq!(find_config(&dir.join("a/specs/001-x/tasks.md")), Some(dir.join("a").join(CONFIG_FILE)));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rules_are_read_and_mistakes_name_file_and_line() {
        let path = Path::new("specls.toml");
        let config = parse_config(path, "[rules]\nduplicate-task-id = \"warning\"\n").unwrap();
        assert_eq!(config.override_for("duplicate-task-id"), Some(Some(Severity::Warning)));

        let err = parse_config(path, "[rules]\n\n\"no-such-rule\" = \"off\"\n").unwrap_err().to_string();
        assert_eq!(err, "specls.toml:3: unknown rule `no-such-rule` (see `specls rules`)");

        let err = parse_config(path, "[rules]\nduplicate-task-id = \"loud\"\n").unwrap_err().to_string();
        assert!(err.starts_with("specls.toml:2: rule `duplicate-task-id`"), "{err}");

        let err =
            parse_config(path, "[rules]\nduplicate-task-id = \"off\"\n[rules\n").unwrap_err().to_string();
        assert!(err.starts_with("specls.toml:3:7: invalid TOML: "), "{err}");
    }

    #[test]
    fn the_size_limit_is_read_in_bytes_or_with_a_unit() {
        let path = Path::new("specls.toml");
        assert_eq!(parse_config(path, "").unwrap().max_file_bytes(), 8 * 1024 * 1024);
        assert_eq!(parse_config(path, "max-file-size = 1000\n").unwrap().max_file_bytes(), 1000);
        assert_eq!(parse_config(path, "max-file-size = \"32MiB\"\n").unwrap().max_file_bytes(), 32 << 20);
        let err = parse_config(path, "\nmax-file-size = \"huge\"\n").unwrap_err().to_string();
        assert!(err.starts_with("specls.toml:2: max-file-size: `huge` is not a size"), "{err}");
    }

    #[test]
    fn a_huge_configuration_file_is_refused_without_reading_it() {
        let dir = temp_dir("huge");
        let path = dir.join(CONFIG_FILE);
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: 2 GB on paper, nothing on disk.
        file.set_len(2 << 30).unwrap();
        let err = load_config(&path).unwrap_err();
        assert!(matches!(err, ConfigFileError::TooLarge { size, .. } if size == 2 << 30), "{err}");
        assert!(err.to_string().ends_with("more than a configuration file may hold (1048576)"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let err = load_config(Path::new("/nonexistent/specls.toml")).unwrap_err();
        assert!(matches!(err, ConfigFileError::Read { .. }));
    }
}
