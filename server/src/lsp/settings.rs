//! The editor's `specls.*` settings (`workspace/configuration`, section
//! `specls`), merged over each feature's `specls.toml`:
//!
//! ```json
//! { "diagnostics": { "trigger": "edit" | "save" },
//!   "rules": { "missing-file-path": "off", "requirement-coverage": "hint" },
//!   "logLevel": "error" | "warn" | "info" | "debug",
//!   "configPath": "path/to/specls.toml" }
//! ```
//!
//! `configPath` names the configuration file every feature uses, like
//! `check --config`; empty (the default) means each feature's nearest
//! `specls.toml`. A relative path is taken from the first workspace folder.
//!
//! `specls.path` and `specls.trace.server` are read by the clients only.

use serde_json::Value;

use crate::analysis::{RuleConfig, Trigger};

/// Every `specls.*` setting the server reads, with the values it accepts:
/// the editor clients' manifests are tested against this list.
pub const SERVER_SETTINGS: &[(&str, &str)] = &[
    ("diagnostics.trigger", "\"edit\" | \"save\""),
    ("rules", "{ \"<rule-code>\": \"error\" | \"warning\" | \"info\" | \"hint\" | \"off\" }"),
    ("logLevel", "\"error\" | \"warn\" | \"info\" | \"debug\""),
    // A free string (no literals): a path, empty for the nearest specls.toml.
    ("configPath", "path"),
];

/// Settings only clients read (how to start the server, protocol tracing).
pub const CLIENT_SETTINGS: &[&str] = &["path", "trace.server"];

/// How much the server logs (stderr and `window/logMessage`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
}

/// Settings from the editor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Rule severities.
    pub rules: RuleConfig,
    /// The diagnostics trigger, when the editor sets one: it beats
    /// `specls.toml`'s even when it is the default (`edit`).
    pub trigger: Option<Trigger>,
    pub log_level: LogLevel,
    /// The configuration file for every feature, as given (resolved by the
    /// world against the workspace); `None` for each one's nearest.
    pub config_path: Option<String>,
    /// What could not be understood, to tell the user.
    pub problems: Vec<String>,
}

impl Settings {
    /// Read the `specls` section; unknown keys are ignored, bad values
    /// reported in `problems` and skipped.
    pub fn from_json(value: &Value) -> Self {
        let mut settings = Settings::default();
        if let Some(trigger) = value.pointer("/diagnostics/trigger").and_then(Value::as_str) {
            let mut parsed = RuleConfig::default();
            match parsed.set_trigger(trigger) {
                Ok(()) => settings.trigger = Some(parsed.trigger),
                Err(err) => settings.problems.push(err.to_string()),
            }
        }
        if let Some(rules) = value.get("rules").and_then(Value::as_object) {
            for (code, severity) in rules {
                let Some(severity) = severity.as_str() else {
                    settings.problems.push(format!("rules.{code}: expected a string"));
                    continue;
                };
                if let Err(err) = settings.rules.set(code, severity) {
                    settings.problems.push(err.to_string());
                }
            }
        }
        settings.config_path = match value.get("configPath") {
            Some(Value::String(path)) if !path.trim().is_empty() => Some(path.trim().to_string()),
            Some(Value::String(_) | Value::Null) | None => None,
            Some(_) => {
                settings.problems.push("configPath: expected a string".to_string());
                None
            }
        };
        settings.log_level = match value.get("logLevel").and_then(Value::as_str) {
            Some("error") => LogLevel::Error,
            Some("warn" | "warning") => LogLevel::Warn,
            Some("debug" | "trace") => LogLevel::Debug,
            _ => LogLevel::Info,
        };
        settings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Severity;
    use serde_json::json;

    #[test]
    fn rules_trigger_and_log_level() {
        let s = Settings::from_json(&json!({
            "diagnostics": { "trigger": "save" },
            "rules": { "missing-file-path": "off", "duplicate-task-id": "hint", "nope": "off" },
            "logLevel": "debug",
            "configPath": " ../shared/specls.toml "
        }));
        assert_eq!(s.trigger, Some(Trigger::Save));
        assert_eq!(s.rules.override_for("missing-file-path"), Some(None));
        assert_eq!(s.rules.override_for("duplicate-task-id"), Some(Some(Severity::Hint)));
        assert_eq!(s.log_level, LogLevel::Debug);
        assert_eq!(s.config_path.as_deref(), Some("../shared/specls.toml"));
        assert_eq!(s.problems, ["unknown rule `nope` (see `specls rules`)"]);
    }

    #[test]
    fn null_and_empty_settings_are_defaults() {
        assert_eq!(Settings::from_json(&Value::Null), Settings::default());
        assert_eq!(Settings::from_json(&json!({})), Settings::default());
        assert_eq!(Settings::from_json(&json!({"configPath": ""})), Settings::default());
        assert_eq!(
            Settings::from_json(&json!({"configPath": 3})).problems,
            ["configPath: expected a string"]
        );
    }
}
