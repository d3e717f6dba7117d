//! Rule configuration: per-rule severity or `off`, from `specls.toml`
//! (`[rules] code = "error"|"warning"|"info"|"hint"|"off"`) and from the
//! editor's `specls.*` settings merged over it.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::diagnostic::Severity;
use super::registry::rule;

/// When the language server publishes diagnostics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Trigger {
    /// On every edit (the default).
    #[default]
    Edit,
    /// Only when a document is saved (or opened).
    Save,
}

/// A problem with a configuration file or setting.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("invalid TOML: {0}")]
    Toml(String),
    #[error("unknown rule `{0}` (see `specls rules`)")]
    UnknownRule(String),
    #[error("rule `{code}`: `{value}` is not one of error, warning, info, hint, off")]
    BadSeverity { code: String, value: String },
    #[error("diagnostics.trigger: `{0}` is not `edit` or `save`")]
    BadTrigger(String),
    #[error("max-file-size: `{0}` is not a size (bytes, or a number with KiB, MiB or GiB)")]
    BadSize(String),
}

/// Documents larger than this are not analysed unless `max-file-size`
/// (specls.toml, `--max-file-size`, the editor's settings) says otherwise:
/// spec documents are small, and a stray dump must not stall the editor.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// `8388608`, `8MiB`, `512 KiB`, `2M`, `1GB`: a size in bytes. `K`, `M`,
/// `G` alone count in 1024s like `KiB`, `MiB`, `GiB`; `KB`, `MB`, `GB`
/// count in 1000s.
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let number: u64 = text[..digits].parse().ok()?;
    let unit: u64 = match text[digits..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        _ => return None,
    };
    number.checked_mul(unit)
}

/// The effective configuration of rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RuleConfig {
    /// `Some(None)` means off.
    overrides: BTreeMap<String, Option<Severity>>,
    /// `--select`: when set, only these rules run.
    select: Option<Vec<String>>,
    pub trigger: Trigger,
    /// `[vague-requirement] words = [...]`: the unmeasurable words that
    /// rule looks for, replacing its defaults.
    pub vague_words: Option<Vec<String>>,
    /// `max-file-size`; `None`: [`DEFAULT_MAX_FILE_BYTES`].
    max_file_bytes: Option<u64>,
}

#[derive(Deserialize, Default)]
struct FileShape {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    diagnostics: DiagnosticsShape,
    #[serde(default, rename = "vague-requirement")]
    vague_requirement: VagueShape,
    #[serde(rename = "max-file-size")]
    max_file_size: Option<toml::Value>,
}

#[derive(Deserialize, Default)]
struct VagueShape {
    words: Option<Vec<String>>,
}

#[derive(Deserialize, Default)]
struct DiagnosticsShape {
    trigger: Option<String>,
}

impl RuleConfig {
    /// Parse the text of a `specls.toml`.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let shape: FileShape =
            toml::from_str(text).map_err(|e| ConfigError::Toml(e.message().to_string()))?;
        let mut config = RuleConfig::default();
        for (code, value) in &shape.rules {
            config.set(code, value)?;
        }
        if let Some(trigger) = &shape.diagnostics.trigger {
            config.set_trigger(trigger)?;
        }
        config.vague_words = shape.vague_requirement.words;
        match &shape.max_file_size {
            None => {}
            Some(toml::Value::Integer(bytes)) if *bytes >= 0 => config.max_file_bytes = Some(*bytes as u64),
            Some(toml::Value::String(size)) => config.set_max_file_size(size)?,
            Some(other) => return Err(ConfigError::BadSize(other.to_string())),
        }
        Ok(config)
    }

    /// Set one rule's severity (`"off"` disables it).
    pub fn set(&mut self, code: &str, value: &str) -> Result<(), ConfigError> {
        if rule(code).is_none() {
            return Err(ConfigError::UnknownRule(code.to_string()));
        }
        let severity = match value.to_ascii_lowercase().as_str() {
            "off" | "none" | "ignore" => None,
            other => Some(Severity::parse(other).ok_or_else(|| ConfigError::BadSeverity {
                code: code.to_string(),
                value: value.to_string(),
            })?),
        };
        self.overrides.insert(code.to_string(), severity);
        Ok(())
    }

    pub fn set_trigger(&mut self, value: &str) -> Result<(), ConfigError> {
        self.trigger = match value.to_ascii_lowercase().as_str() {
            "edit" | "change" | "type" => Trigger::Edit,
            "save" => Trigger::Save,
            _ => return Err(ConfigError::BadTrigger(value.to_string())),
        };
        Ok(())
    }

    /// `max-file-size = "8MiB"` (or `--max-file-size`).
    pub fn set_max_file_size(&mut self, value: &str) -> Result<(), ConfigError> {
        self.max_file_bytes = Some(parse_size(value).ok_or_else(|| ConfigError::BadSize(value.to_string()))?);
        Ok(())
    }

    /// `--max-file-size`, already parsed.
    pub fn set_max_file_bytes(&mut self, bytes: u64) {
        self.max_file_bytes = Some(bytes);
    }

    /// Documents larger than this many bytes are not analysed.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_file_bytes.unwrap_or(DEFAULT_MAX_FILE_BYTES)
    }

    /// Values of `other` win over ours (editor settings over the file).
    pub fn merged_with(mut self, other: &RuleConfig) -> Self {
        self.overrides.extend(other.overrides.iter().map(|(k, v)| (k.clone(), *v)));
        if other.select.is_some() {
            self.select = other.select.clone();
        }
        if other.trigger != Trigger::default() {
            self.trigger = other.trigger;
        }
        if other.vague_words.is_some() {
            self.vague_words = other.vague_words.clone();
        }
        if other.max_file_bytes.is_some() {
            self.max_file_bytes = other.max_file_bytes;
        }
        self
    }

    /// `--select`: only these rules run.
    pub fn select(&mut self, codes: &[String]) -> Result<(), ConfigError> {
        for code in codes {
            if rule(code).is_none() {
                return Err(ConfigError::UnknownRule(code.clone()));
            }
        }
        self.select = Some(codes.to_vec());
        Ok(())
    }

    /// `--ignore`: these rules are off.
    pub fn ignore(&mut self, codes: &[String]) -> Result<(), ConfigError> {
        for code in codes {
            self.set(code, "off")?;
        }
        Ok(())
    }

    /// `None`: no override; `Some(None)`: off; `Some(Some(s))`: severity `s`.
    pub fn override_for(&self, code: &str) -> Option<Option<Severity>> {
        if let Some(select) = &self.select
            && !select.iter().any(|c| c == code)
        {
            return Some(None);
        }
        self.overrides.get(code).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_bytes_and_units() {
        assert_eq!(parse_size("8388608"), Some(8 << 20));
        assert_eq!(parse_size("8MiB"), Some(8 << 20));
        assert_eq!(parse_size(" 512 KiB "), Some(512 << 10));
        assert_eq!(parse_size("2M"), Some(2 << 20));
        assert_eq!(parse_size("1GB"), Some(1_000_000_000));
        assert_eq!(parse_size("MiB"), None);
        assert_eq!(parse_size("-1"), None);
        assert_eq!(parse_size("99999999999999999999G"), None);
        assert_eq!(parse_size("8 parsecs"), None);
    }

    #[test]
    fn the_later_size_limit_wins_when_merged() {
        let mut file = RuleConfig::default();
        file.set_max_file_size("1KiB").unwrap();
        assert_eq!(file.clone().merged_with(&RuleConfig::default()).max_file_bytes(), 1024);
        let mut flag = RuleConfig::default();
        flag.set_max_file_size("2KiB").unwrap();
        assert_eq!(file.merged_with(&flag).max_file_bytes(), 2048);
    }

    #[test]
    fn file_severities_and_trigger() {
        let config = RuleConfig::from_toml(
            "[rules]\nmissing-file-path = \"off\"\nduplicate-task-id = \"warning\"\n[diagnostics]\ntrigger = \"save\"\n",
        )
        .unwrap();
        assert_eq!(config.override_for("missing-file-path"), Some(None));
        assert_eq!(config.override_for("duplicate-task-id"), Some(Some(Severity::Warning)));
        assert_eq!(config.override_for("dependency-cycle"), None);
        assert_eq!(config.trigger, Trigger::Save);
    }

    #[test]
    fn mistakes_are_reported_not_ignored() {
        assert_eq!(
            RuleConfig::from_toml("[rules]\nno-such-rule = \"off\"\n"),
            Err(ConfigError::UnknownRule("no-such-rule".into()))
        );
        assert!(matches!(
            RuleConfig::from_toml("[rules]\nduplicate-task-id = \"loud\"\n"),
            Err(ConfigError::BadSeverity { .. })
        ));
        assert!(matches!(RuleConfig::from_toml("[rules"), Err(ConfigError::Toml(_))));
    }

    #[test]
    fn editor_settings_win_and_select_limits() {
        let file = RuleConfig::from_toml("[rules]\nduplicate-task-id = \"warning\"\n").unwrap();
        let mut editor = RuleConfig::default();
        editor.set("duplicate-task-id", "hint").unwrap();
        let merged = file.merged_with(&editor);
        assert_eq!(merged.override_for("duplicate-task-id"), Some(Some(Severity::Hint)));
        let mut selected = RuleConfig::default();
        selected.select(&["dependency-cycle".to_string()]).unwrap();
        assert_eq!(selected.override_for("duplicate-task-id"), Some(None));
        assert_eq!(selected.override_for("dependency-cycle"), None);
    }
}
