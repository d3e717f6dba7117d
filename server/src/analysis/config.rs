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
}

#[derive(Deserialize, Default)]
struct FileShape {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    diagnostics: DiagnosticsShape,
    #[serde(default, rename = "vague-requirement")]
    vague_requirement: VagueShape,
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
