//! End-to-end tests of the `specls` binary: every command, format and exit
//! code, run from the repository root so printed paths are the relative
//! ones a user sees. Outputs that do not move when rules are added (one
//! rule selected, the graph, a rule's page) are insta snapshots; the rest
//! is checked by property.
//!
//! `SPECLS_UPDATE_DOCS=1 cargo test -p specls --test cli` regenerates
//! `docs/rules/`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use specls::analysis::all_rules;

mod cli_support;

use cli_support::*;

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- check

#[test]
fn a_cached_check_prints_what_a_fresh_one_does_and_follows_edits() {
    let (dir, feature) = example_copy("cache");
    let cache = dir.join("cache");
    let run = |extra: &[&str]| {
        let mut args = vec!["check", "--format", "json"];
        args.extend_from_slice(extra);
        let path = dir.to_string_lossy().into_owned();
        args.push(&path);
        let output = specls_command(&args).env("XDG_CACHE_HOME", &cache).output().unwrap();
        (stdout(&output), code(&output))
    };
    let fresh = run(&["--no-cache"]);
    assert!(!cache.exists(), "--no-cache writes nothing");
    let first = run(&[]);
    assert!(cache.join("specls/check").is_dir(), "a run fills the cache");
    let cached = run(&[]);
    assert_eq!(first, fresh);
    assert_eq!(cached, fresh);
    // An edit changes the key: the cached result of the old text is not used.
    let tasks = feature.join("tasks.md");
    let text = std::fs::read_to_string(&tasks).unwrap();
    std::fs::write(&tasks, text.replacen("T002", "T001", 1)).unwrap();
    let edited = run(&[]);
    assert_ne!(edited, fresh, "the duplicated ID is reported");
    assert_eq!(edited, run(&["--no-cache"]));
    // A damaged cache reads as a miss.
    for entry in std::fs::read_dir(cache.join("specls/check")).unwrap() {
        for file in std::fs::read_dir(entry.unwrap().path()).unwrap() {
            std::fs::write(file.unwrap().path(), "not an entry").unwrap();
        }
    }
    assert_eq!(run(&[]), edited);
}

#[test]
fn human_output_of_the_example() {
    let output = specls(&["check", "examples", "--select", "duplicate-task-id"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    insta::assert_snapshot!("check_human", stdout(&output));
}

#[test]
fn human_output_of_every_rule_is_sorted_and_summarised() {
    let output = specls(&["check", "examples"]);
    let report = json(&specls(&["check", "examples", "--format", "json"]));
    let text = stdout(&output);
    let headers: Vec<&str> = text.lines().filter(|l| l.starts_with("examples/")).collect();
    assert_eq!(headers.len(), report["diagnostics"].as_array().unwrap().len(), "{text}");
    for (header, d) in headers.iter().zip(report["diagnostics"].as_array().unwrap()) {
        let expected = format!(
            "{}:{}:{}: {}[{}] {}",
            d["path"].as_str().unwrap(),
            d["start"]["line"],
            d["start"]["column"],
            d["severity"].as_str().unwrap(),
            d["code"].as_str().unwrap(),
            d["message"].as_str().unwrap()
        );
        assert_eq!(*header, expected);
    }
    let summary = text.lines().last().unwrap();
    assert!(summary.starts_with("Found ") && summary.ends_with(" in 2 features (9 files)"), "{summary}");
    let errors = report["summary"]["errors"].as_u64().unwrap();
    assert_eq!(code(&output), if errors > 0 { 1 } else { 0 });
    assert!(!text.contains('\u{1b}'), "no colour when stdout is not a terminal");
}

#[test]
fn carets_sit_under_wide_characters_and_tabs() {
    let dir = temp_dir("wide");
    let feature = dir.join("specs/001-wide");
    std::fs::create_dir_all(&feature).unwrap();
    std::fs::write(feature.join("tasks.md"), "# Tasks\n\n- [ ] T001 设计🎯\tstart (depends on T099)\n")
        .unwrap();
    let output = specls_command(&["check", ".", "--select", "unknown-task-reference"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    // The source line with the tab shown as four spaces, then the carets:
    // "- [ ] T001 " (11) + 设计 (4) + 🎯 (2) + tab (4) + "start (depends on " (18).
    assert_eq!(lines[2], "3 | - [ ] T001 设计🎯    start (depends on T099)");
    assert_eq!(lines[3], format!("  | {}^^^^", " ".repeat(39)));
    assert!(lines[0].starts_with("specs/001-wide/tasks.md:3:34: error[unknown-task-reference]"), "{text}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// `İ` lower-cases to three bytes and the Kelvin sign to one: offsets
/// found in a lower-cased copy of a line once sliced the line itself, and
/// the panic ended the whole check with an internal error.
#[test]
fn letters_whose_case_changes_length_are_checked_not_a_crash() {
    let dir = temp_dir("case");
    let feature = dir.join("specs/001-x");
    std::fs::create_dir_all(feature.join("contracts")).unwrap();
    let files = [
        (
            "tasks.md",
            "# Tasks\n\nİ: plan.md (required)\nPrerequisitesİ: research.md ✅\n\n- [ ] T001 Do a thing in src/a.py\n",
        ),
        ("plan.md", "# Plan\n"),
        ("spec.md", "# Spec\n\n## Requirements\n\n- **FR-001**: İİ search MUST be FAST\n"),
        ("contracts/users.md", "# é\u{212A} Contract: Users\n"),
    ];
    for (rel, text) in files {
        std::fs::write(feature.join(rel), text).unwrap();
    }
    let output =
        specls_command(&["check", "--no-cache", "--format", "json", "."]).current_dir(&dir).output().unwrap();
    assert_eq!(stderr(&output), "");
    assert_ne!(code(&output), 2);
    let report = json(&output);
    let place = |code: &str| -> Vec<String> {
        let found = report["diagnostics"].as_array().unwrap().iter().filter(|d| d["code"] == code);
        found
            .map(|d| {
                format!(
                    "{}:{}:{}-{}",
                    d["path"], d["start"]["line"], d["start"]["column"], d["end"]["column"]
                )
            })
            .collect()
    };
    assert_eq!(place("missing-document"), [r#""specs/001-x/tasks.md":4:17-28"#]);
    assert_eq!(place("vague-requirement"), [r#""specs/001-x/spec.md":5:33-37"#]);
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn a_file_that_cannot_be_read_is_exit_2() {
    let (root, feature) = example_copy("unreadable");
    // A FIFO where a document should be (unreadable even by root, and
    // reading it would block): reported, the rest still checked.
    let made = Command::new("mkfifo").arg(feature.join("research.md")).status().expect("mkfifo runs");
    assert!(made.success());
    let output = specls(&["check", root.to_str().unwrap(), "--select", "duplicate-task-id"]);
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("cannot read") && stderr(&output).contains("research.md"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).contains("error[duplicate-task-id]"));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn json_output_of_the_example() {
    let output = specls(&["check", "examples", "--select", "duplicate-task-id", "--format", "json"]);
    assert_eq!(code(&output), 1);
    insta::assert_json_snapshot!("check_json", json(&output));
}

#[test]
fn json_diagnostics_are_sorted_by_path_line_column_code() {
    let report =
        json(&specls(&["check", "examples", "server/tests/fixtures/cli/config", "--format", "json"]));
    assert_eq!(report["version"], 1);
    assert_eq!(report["features"], 3);
    let keys: Vec<(String, u64, u64, String)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["start"]["line"].as_u64().unwrap(),
                d["start"]["column"].as_u64().unwrap(),
                d["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.iter().all(|(path, ..)| !path.starts_with('/')), "paths are relative: {keys:?}");
}

#[test]
fn sarif_output_of_the_example() {
    let output = specls(&["check", "examples", "--select", "duplicate-task-id", "--format", "sarif"]);
    assert_eq!(code(&output), 1);
    let mut log = json(&output);
    // The catalogue grows while rules are written: keep the one selected.
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array_mut().unwrap();
    rules.retain(|r| r["id"] == "duplicate-task-id");
    log["runs"][0]["results"][0]["ruleIndex"] = Value::from("<index>");
    log["runs"][0]["tool"]["driver"]["version"] = Value::from("<version>");
    log["runs"][0]["tool"]["driver"]["semanticVersion"] = Value::from("<version>");
    insta::assert_json_snapshot!("check_sarif", log);
}

fn sarif_validator() -> jsonschema::Validator {
    let path = repo().join("server/tests/fixtures/sarif-schema-2.1.0.json");
    let mut schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The schema's patterns for `language` (of a run and of a tool
    // component) have a stray `]`: a literal in ECMAScript's regexes, but
    // an error for the meta-schema's `regex` format check, which rejects
    // the whole schema. Escaping it keeps the pattern's meaning; specls
    // never writes a `language`.
    fn escape_stray_bracket(value: &mut Value) {
        match value {
            Value::Object(map) => {
                for (key, child) in map.iter_mut() {
                    if key == "pattern" && child == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
                        *child = Value::from("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$");
                    } else {
                        escape_stray_bracket(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(escape_stray_bracket),
            _ => {}
        }
    }
    escape_stray_bracket(&mut schema);
    jsonschema::options().should_validate_formats(true).build(&schema).expect("the SARIF schema compiles")
}

fn assert_valid_sarif(validator: &jsonschema::Validator, log: &Value) {
    let errors: Vec<String> =
        validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "SARIF schema violations:\n{}", errors.join("\n"));
}

#[test]
fn sarif_output_validates_against_the_official_schema() {
    let validator = sarif_validator();
    for args in [
        &["check", "examples", "--format", "sarif"][..],
        &["check", "examples", "server/tests/fixtures/cli/config", "--format", "sarif"][..],
        &["check", "server/tests/fixtures/cli/no-features", "--format", "sarif"][..],
    ] {
        let output = specls(args);
        assert!(code(&output) < 2, "{args:?}: {}", stderr(&output));
        let log = json(&output);
        assert_valid_sarif(&validator, &log);
        let run = &log["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), all_rules().count());
        for result in run["results"].as_array().unwrap() {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[index]["id"], result["ruleId"]);
            assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        }
    }
    // A result with every optional part the schema must accept.
    let output = specls(&["check", "examples", "--format", "sarif"]);
    let log = json(&output);
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r.get("relatedLocations").is_some()));
    assert!(results.iter().any(|r| r.get("fixes").is_some()));
}

#[test]
fn the_schema_check_would_catch_a_broken_log() {
    let validator = sarif_validator();
    let mut log = json(&specls(&["check", "examples", "--format", "sarif"]));
    log["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(validator.iter_errors(&log).next().is_some());
}

#[test]
fn github_output_of_the_example() {
    let output = specls(&["check", "examples", "--select", "duplicate-task-id", "--format", "github"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("check_github", stdout(&output));
}

#[test]
fn github_commands_name_severity_place_and_rule() {
    let output = specls(&["check", "examples", "--format", "github"]);
    let report = json(&specls(&["check", "examples", "--format", "json"]));
    let text = stdout(&output);
    let commands: Vec<&str> = text.lines().filter(|l| l.starts_with("::")).collect();
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(commands.len(), diagnostics.len());
    for (command, d) in commands.iter().zip(diagnostics) {
        let kind = match d["severity"].as_str().unwrap() {
            "error" => "error",
            "warning" => "warning",
            _ => "notice",
        };
        let prefix = format!(
            "::{kind} file={},line={},col={},endLine={},endColumn={},title=specls({})::",
            d["path"].as_str().unwrap(),
            d["start"]["line"],
            d["start"]["column"],
            d["end"]["line"],
            d["end"]["column"],
            d["code"].as_str().unwrap()
        );
        assert!(command.starts_with(&prefix), "{command}\n{prefix}");
        assert!(!command[prefix.len()..].contains(['\n', '\r']));
    }
}

#[test]
fn a_file_argument_reports_on_that_file_only() {
    let tasks = format!("{EXAMPLE}/tasks.md");
    let report = json(&specls(&["check", &tasks, "--format", "json"]));
    let paths: Vec<&str> =
        report["diagnostics"].as_array().unwrap().iter().map(|d| d["path"].as_str().unwrap()).collect();
    assert!(!paths.is_empty());
    assert!(paths.iter().all(|p| *p == tasks), "{paths:?}");
}

#[test]
fn select_and_ignore() {
    let selected = json(&specls(&["check", "examples", "--format", "json", "--select", "duplicate-task-id"]));
    assert_eq!(codes(&selected), ["duplicate-task-id"]);

    let all = json(&specls(&["check", "examples", "--format", "json"]));
    let ignored = json(&specls(&["check", "examples", "--format", "json", "--ignore", "duplicate-task-id"]));
    let mut expected = codes(&all);
    expected.retain(|c| c != "duplicate-task-id");
    assert_eq!(codes(&ignored), expected);

    // Comma-separated and repeated flags both work.
    let two = json(&specls(&[
        "check",
        "examples",
        "--format",
        "json",
        "--select",
        "duplicate-task-id,unknown-task-reference",
    ]));
    let repeated = json(&specls(&[
        "check",
        "examples",
        "--format",
        "json",
        "--select",
        "duplicate-task-id",
        "--select",
        "unknown-task-reference",
    ]));
    assert_eq!(two, repeated);
    assert!(codes(&two).iter().all(|c| c == "duplicate-task-id" || c == "unknown-task-reference"));

    // Selecting only warnings-free rules that find nothing: exit 0.
    let clean =
        specls(&["check", "examples", "--select", "duplicate-task-id", "--ignore", "duplicate-task-id"]);
    assert_eq!(code(&clean), 0);
    assert_eq!(stdout(&clean), "No problems in 2 features (9 files)\n");
}

#[test]
fn unknown_rule_codes_are_usage_errors() {
    for flag in ["--select", "--ignore"] {
        let output = specls(&["check", "examples", flag, "duplicate-task-id,no-such-rule"]);
        assert_eq!(code(&output), 2);
        assert_eq!(stdout(&output), "");
        assert!(stderr(&output).contains("unknown rule `no-such-rule`"), "{}", stderr(&output));
    }
}

#[test]
fn the_nearest_specls_toml_applies() {
    let dup = |report: &Value| codes(report).iter().filter(|c| *c == "duplicate-task-id").count();
    // server/tests/fixtures/cli/config/specls.toml turns duplicate-task-id off.
    for path in [
        "server/tests/fixtures/cli/config",
        "server/tests/fixtures/cli/config/specs",
        "server/tests/fixtures/cli/config/specs/001-dup/tasks.md",
    ] {
        let output = specls(&["check", path, "--format", "json"]);
        assert_eq!(dup(&json(&output)), 0, "{path}");
    }
    // An explicit --config wins over the file found.
    let empty_dir = temp_dir("empty-config");
    let empty = empty_dir.join("specls.toml");
    std::fs::write(&empty, "").unwrap();
    let output = specls(&[
        "check",
        "server/tests/fixtures/cli/config",
        "--format",
        "json",
        "--config",
        empty.to_str().unwrap(),
    ]);
    assert_eq!(dup(&json(&output)), 1);
    assert_eq!(code(&output), 1);
    std::fs::remove_dir_all(empty_dir).unwrap();
    // And applies to any path, here the example, which has a duplicate.
    let config = "server/tests/fixtures/cli/config/specls.toml";
    let output = specls(&["check", "examples", "--format", "json", "--config", config]);
    assert_eq!(dup(&json(&output)), 0);
    // --select runs a rule the file turned off.
    let output = specls(&[
        "check",
        "server/tests/fixtures/cli/config",
        "--select",
        "duplicate-task-id",
        "--format",
        "json",
    ]);
    assert_eq!(dup(&json(&output)), 1);
}

#[test]
fn a_bad_config_file_is_an_error() {
    let dir = temp_dir("bad-config");
    let cases = [
        ("syntax.toml", "[rules\n", "syntax.toml:1:7: invalid TOML"),
        ("rule.toml", "[rules]\nno-such-rule = \"off\"\n", "rule.toml:2: unknown rule `no-such-rule`"),
        (
            "severity.toml",
            "[rules]\nduplicate-task-id = \"loud\"\n",
            "severity.toml:2: rule `duplicate-task-id`",
        ),
    ];
    for (name, text, message) in cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let output = specls(&["check", "examples", "--config", path.to_str().unwrap()]);
        assert_eq!(code(&output), 2, "{name}");
        assert_eq!(stdout(&output), "");
        assert!(stderr(&output).contains(message), "{name}: {}", stderr(&output));
    }
    let output = specls(&["check", "examples", "--config", dir.join("absent.toml").to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("cannot read"), "{}", stderr(&output));

    // A bad specls.toml found upwards is an error too.
    let (root, _) = example_copy("bad-found-config");
    std::fs::write(root.join("specls.toml"), "[rules]\nduplicate-task-id = 3\n").unwrap();
    let output = specls(&["check", root.to_str().unwrap()]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("specls.toml"), "{}", stderr(&output));
    std::fs::remove_dir_all(dir).unwrap();
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn missing_paths_and_paths_without_features() {
    let output = specls(&["check", "no/such/path"]);
    assert_eq!(code(&output), 2);
    assert_eq!(stderr(&output), "specls: error: no/such/path: no such file or directory\n");

    let output = specls(&["check", "server/tests/fixtures/cli/no-features"]);
    assert_eq!(code(&output), 0);
    assert_eq!(stderr(&output), "specls: note: no feature folder in server/tests/fixtures/cli/no-features\n");
    assert_eq!(stdout(&output), "No feature folders found\n");

    let output = specls(&["check", "server/tests/fixtures/cli/no-features", "--format", "json"]);
    assert_eq!(code(&output), 0);
    assert_eq!(json(&output)["features"], 0);
}

#[test]
fn colour_only_on_a_terminal_without_no_color() {
    // Piped: never.
    let output = specls(&["check", "examples", "--select", "duplicate-task-id"]);
    assert!(!stdout(&output).contains('\u{1b}'));
    // On a terminal (util-linux `script` gives one), unless NO_COLOR is set.
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: `script` is absent; terminal colour not tested");
        return;
    }
    let on_terminal = |no_color: Option<&str>| {
        let line = format!("{} check examples --select duplicate-task-id", env!("CARGO_BIN_EXE_specls"));
        let mut command = Command::new("script");
        command
            .args(["-qec", &line, "/dev/null"])
            .current_dir(repo())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        command.env("TERM", "xterm-256color");
        if let Some(value) = no_color {
            command.env("NO_COLOR", value);
        }
        stdout(&command.output().unwrap())
    };
    let coloured = on_terminal(None);
    assert!(coloured.contains("\u{1b}["), "{coloured}");
    assert!(coloured.contains("duplicate-task-id"));
    let plain = on_terminal(Some("1"));
    assert!(!plain.contains('\u{1b}'), "{plain}");
    assert!(plain.contains("error[duplicate-task-id]"));
}

// ------------------------------------------------------------------ fix

#[test]
fn fix_applies_safe_fixes_only() {
    let (root, feature) = example_copy("fix-selected");
    let tasks = feature.join("tasks.md");
    let before = std::fs::read_to_string(&tasks).unwrap();
    let output =
        specls(&["check", root.to_str().unwrap(), "--fix", "--select", "malformed-task,duplicate-task-id"]);
    let after = std::fs::read_to_string(&tasks).unwrap();
    // The line without a checkbox gets one (safe); the duplicate ID stays
    // (its fix is unsafe), so errors remain.
    assert_eq!(after, before.replace("- T019 [P] Run", "- [ ] T019 [P] Run"));
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with(&format!("Fixed 1 problem in {}\n", tasks.display())), "{text}");
    assert!(text.contains("error[duplicate-task-id]"), "{text}");
    assert!(!text.contains("malformed-task"), "{text}");
    // Every other file is untouched.
    for name in ["spec.md", "plan.md", "data-model.md", "contracts/openapi.yaml"] {
        assert_eq!(
            std::fs::read(feature.join(name)).unwrap(),
            std::fs::read(repo().join(EXAMPLE).join(name)).unwrap()
        );
    }
    // Nothing left to fix: a second run changes nothing.
    let again = specls(&["check", root.to_str().unwrap(), "--fix", "--select", "malformed-task"]);
    assert_eq!(code(&again), 0);
    assert_eq!(std::fs::read_to_string(&tasks).unwrap(), after);
    assert!(!stdout(&again).contains("Fixed"));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn fix_with_every_rule_leaves_no_safe_fix_and_touches_only_fixed_lines() {
    let (root, feature) = example_copy("fix-all");
    let root_arg = root.to_str().unwrap();
    let before = json(&specls(&["check", root_arg, "--format", "json"]));
    let originals: Vec<(PathBuf, String)> = ["tasks.md", "spec.md", "plan.md", "data-model.md"]
        .iter()
        .map(|n| (feature.join(n), std::fs::read_to_string(feature.join(n)).unwrap()))
        .collect();
    let output = specls(&["check", root_arg, "--fix", "--format", "json"]);
    let after = json(&output);
    let remaining_safe = after["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["fix"]["applicability"] == "safe")
        .count();
    assert_eq!(remaining_safe, 0, "{after:#}");
    assert_eq!(code(&output), if after["summary"]["errors"].as_u64().unwrap() > 0 { 1 } else { 0 });
    // Lines that changed are lines a safe fix of the first report edited.
    for (path, original) in originals {
        let fixed = std::fs::read_to_string(&path).unwrap();
        let shown = path.to_str().unwrap();
        let edited: Vec<u64> = before["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["fix"]["applicability"] == "safe")
            .flat_map(|d| d["fix"]["edits"].as_array().unwrap().clone())
            .filter(|e| e["path"] == shown)
            .flat_map(|e| e["start"]["line"].as_u64().unwrap()..=e["end"]["line"].as_u64().unwrap())
            .collect();
        if edited.is_empty() {
            assert_eq!(fixed, original, "{shown} has no safe fix and must not change");
            continue;
        }
        let (old, new): (Vec<&str>, Vec<&str>) = (original.lines().collect(), fixed.lines().collect());
        if old.len() == new.len() {
            for (i, (a, b)) in old.iter().zip(&new).enumerate() {
                assert!(
                    a == b || edited.contains(&(i as u64 + 1)),
                    "{shown}:{}: changed without a fix",
                    i + 1
                );
            }
        }
        // Unsafe fixes stay unapplied.
        assert!(fixed.contains("- [ ] T010 [US1] Implement GET"), "{shown}");
    }
    let stderr = stderr(&output);
    assert!(stderr.contains("Fixed "), "fix messages go to stderr with machine formats: {stderr}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn fix_keeps_crlf_line_breaks() {
    let dir = temp_dir("fix-crlf");
    let feature = dir.join("specs/001-crlf");
    std::fs::create_dir_all(&feature).unwrap();
    let tasks = "# Tasks\r\n\r\n## Phase 1: Setup\r\n\r\n- [ ] T001 Create src/app.py\r\n- T002 Create src/cli.py\r\n";
    std::fs::write(feature.join("tasks.md"), tasks).unwrap();
    std::fs::write(feature.join("plan.md"), "# Plan\r\n").unwrap();
    let output = specls(&["check", dir.to_str().unwrap(), "--fix", "--select", "malformed-task"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    let fixed = std::fs::read_to_string(feature.join("tasks.md")).unwrap();
    assert_eq!(fixed, tasks.replace("- T002", "- [ ] T002"));
    assert_eq!(fixed.matches('\n').count(), fixed.matches("\r\n").count(), "no bare LF: {fixed:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn fix_never_touches_a_file_it_could_not_read_whole() {
    let dir = temp_dir("fix-bytes");
    let feature = dir.join("specs/001-bytes");
    std::fs::create_dir_all(&feature).unwrap();
    let tasks =
        b"# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create src/app.py \xff\n- T002 Create src/cli.py\n"
            .to_vec();
    std::fs::write(feature.join("tasks.md"), &tasks).unwrap();
    std::fs::write(feature.join("plan.md"), "# Plan\n").unwrap();
    let output = specls(&["check", dir.to_str().unwrap(), "--fix", "--select", "malformed-task"]);
    assert_eq!(std::fs::read(feature.join("tasks.md")).unwrap(), tasks, "invalid UTF-8 is never rewritten");
    assert!(stderr(&output).contains("not valid UTF-8"), "{}", stderr(&output));
    assert!(stdout(&output).contains("warning[malformed-task]"), "still reported: {}", stdout(&output));
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn fix_reports_a_read_only_file_and_leaves_it_alone() {
    use std::os::unix::fs::PermissionsExt;
    let dir = temp_dir("fix-read-only");
    let feature = dir.join("specs/001-read-only");
    std::fs::create_dir_all(&feature).unwrap();
    let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- T001 Create src/app.py\n";
    std::fs::write(feature.join("tasks.md"), tasks).unwrap();
    std::fs::set_permissions(feature.join("tasks.md"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let output = specls(&["check", dir.to_str().unwrap(), "--fix", "--select", "malformed-task"]);
    assert_eq!(code(&output), 2, "{}{}", stdout(&output), stderr(&output));
    assert_eq!(std::fs::read_to_string(feature.join("tasks.md")).unwrap(), tasks);
    let mode = std::fs::metadata(feature.join("tasks.md")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
    assert!(stderr(&output).contains("tasks.md: it is read-only, not fixed"), "{}", stderr(&output));
    assert!(stdout(&output).contains("warning[malformed-task]"), "still reported: {}", stdout(&output));
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------- size limits

/// A feature folder whose tasks.md is `tasks_bytes` long (about).
fn feature_with_tasks_of(name: &str, tasks_bytes: usize) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let feature = dir.join("specs/001-big");
    std::fs::create_dir_all(&feature).unwrap();
    let mut tasks = String::from("# Tasks\n\n## Phase 1: Setup\n\n");
    let mut n = 1;
    while tasks.len() < tasks_bytes {
        tasks.push_str(&format!("- [ ] T{n:03} Create src/part_{n}.py\n"));
        n += 1;
    }
    std::fs::write(feature.join("tasks.md"), tasks).unwrap();
    (dir, feature)
}

#[test]
fn a_document_over_the_size_limit_is_reported_by_every_command() {
    let (dir, feature) = feature_with_tasks_of("too-large", 2000);
    let root = dir.to_str().unwrap();
    let output = specls(&["check", root, "--max-file-size", "1KiB"]);
    let text = stdout(&output);
    assert!(text.contains("error[file-too-large]"), "{text}");
    assert!(text.contains("file too large, not analysed"), "{text}");
    assert!(!text.contains("No problems"), "{text}");
    assert_eq!(code(&output), 1, "{text}{}", stderr(&output));
    // Under the limit, the same folder is analysed.
    let output = specls(&["check", root, "--max-file-size", "1MiB", "--select", "file-too-large"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));

    let tasks = feature.join("tasks.md");
    for args in [
        &["dump", tasks.to_str().unwrap(), "--max-file-size", "1000"][..],
        &["graph", feature.to_str().unwrap(), "--max-file-size", "1000"][..],
    ] {
        let output = specls(args);
        assert_eq!(code(&output), 2, "{args:?}: {}", stdout(&output));
        assert!(stderr(&output).contains("file too large, not analysed"), "{args:?}: {}", stderr(&output));
    }
    // The limit of specls.toml holds for dump too; the flag wins over it.
    std::fs::write(dir.join("specls.toml"), "max-file-size = \"1KiB\"\n").unwrap();
    assert_eq!(code(&specls(&["dump", tasks.to_str().unwrap()])), 2);
    assert_eq!(code(&specls(&["dump", tasks.to_str().unwrap(), "--max-file-size", "8MiB"])), 0);
    let output = specls(&["check", root, "--max-file-size", "lots"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("`lots` is not a size"), "{}", stderr(&output));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_huge_configuration_file_is_an_error_not_an_abort() {
    let (dir, _) = feature_with_tasks_of("huge-config", 100);
    let config = dir.join("huge.toml");
    // Sparse: 2 GB on paper, nothing on disk.
    std::fs::File::create(&config).unwrap().set_len(2 << 30).unwrap();
    let output = specls(&["check", dir.to_str().unwrap(), "--config", config.to_str().unwrap()]);
    assert_eq!(code(&output), 2, "{}", stderr(&output));
    assert!(stderr(&output).contains("more than a configuration file may hold"), "{}", stderr(&output));
    std::fs::remove_dir_all(dir).unwrap();
}

#[cfg(unix)]
#[test]
fn dump_reads_only_regular_files() {
    let dir = temp_dir("fifo");
    let fifo = dir.join("tasks.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    // Before the fix this blocked forever, waiting for a writer.
    let output = specls(&["dump", fifo.to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("not a regular file"), "{}", stderr(&output));
    std::fs::remove_dir_all(dir).unwrap();
}

// ---------------------------------------------------------------- graph

#[test]
fn graph_in_three_formats() {
    for (format, name) in [("mermaid", "graph_mermaid"), ("dot", "graph_dot"), ("json", "graph_json")] {
        let output = specls(&["graph", EXAMPLE, "--format", format]);
        assert_eq!(code(&output), 0, "{}", stderr(&output));
        insta::assert_snapshot!(name, stdout(&output));
    }
    // The tasks.md itself names the same graph; mermaid is the default.
    let by_file = specls(&["graph", &format!("{EXAMPLE}/tasks.md")]);
    assert_eq!(stdout(&by_file), stdout(&specls(&["graph", EXAMPLE, "--format", "mermaid"])));
}

#[test]
fn graph_json_agrees_with_itself() {
    let graph = json(&specls(&["graph", EXAMPLE, "--format", "json"]));
    let ids: Vec<&str> =
        graph["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    let open: Vec<&str> = graph["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["done"] == false)
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    let mut scheduled: Vec<&str> = graph["waves"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|w| w.as_array().unwrap())
        .map(|t| t.as_str().unwrap())
        .collect();
    scheduled.extend(graph["blocked"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()));
    scheduled.sort();
    let mut open_sorted = open.clone();
    open_sorted.sort();
    assert_eq!(scheduled, open_sorted, "every open task is in a wave or blocked");
    for edge in graph["edges"].as_array().unwrap() {
        assert!(ids.contains(&edge["task"].as_str().unwrap()));
        assert!(ids.contains(&edge["depends_on"].as_str().unwrap()));
    }
    for id in graph["ready"].as_array().unwrap().iter().chain(graph["critical_path"].as_array().unwrap()) {
        assert!(open.contains(&id.as_str().unwrap()));
    }
}

#[test]
fn graph_of_a_cycle_lists_it_and_blocks_its_tasks() {
    let dir = temp_dir("graph-cycle");
    let feature = dir.join("specs/001-cycle");
    std::fs::create_dir_all(&feature).unwrap();
    std::fs::write(
        feature.join("tasks.md"),
        "# Tasks\n\n- [ ] T001 a (depends on T002)\n- [ ] T002 b (depends on T001)\n- [x] T003 \"quoted\" <done>\n",
    )
    .unwrap();
    let graph = json(&specls(&["graph", feature.to_str().unwrap(), "--format", "json"]));
    assert_eq!(graph["cycles"], serde_json::json!([["T001", "T002"]]));
    assert_eq!(graph["blocked"], serde_json::json!(["T001", "T002"]));
    let mermaid = stdout(&specls(&["graph", feature.to_str().unwrap()]));
    assert!(mermaid.contains("%% cycle: T001 -> T002 -> T001"), "{mermaid}");
    assert!(mermaid.contains("T003[\"T003 #quot;quoted#quot; #lt;done#gt;\"]"), "{mermaid}");
    let dot = stdout(&specls(&["graph", feature.to_str().unwrap(), "--format", "dot"]));
    assert!(dot.contains("label=\"T003\\n\\\"quoted\\\" <done>\""), "{dot}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn graph_errors() {
    let output = specls(&["graph", "no/such/feature"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("no such file or directory"));
    let output = specls(&["graph", "server/tests/fixtures/cli/no-features"]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("not a feature folder"), "{}", stderr(&output));
    let output = specls(&["graph", "."]);
    if code(&output) == 2 {
        assert!(stderr(&output).contains("feature folders"), "{}", stderr(&output));
    }
    let output = specls(&["graph", EXAMPLE, "--format", "svg"]);
    assert_eq!(code(&output), 2);
}

// ---------------------------------------------------------------- rules

#[test]
fn rules_lists_every_rule() {
    let output = specls(&["rules"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    let listed: Vec<&str> = text.lines().map(|l| l.split_whitespace().next().unwrap()).collect();
    let codes: Vec<&str> = all_rules().map(|r| r.meta().code).collect();
    assert_eq!(listed, codes);
    for (line, rule) in text.lines().zip(all_rules()) {
        let severity = line.split_whitespace().nth(1).unwrap();
        assert_eq!(severity, rule.meta().default_severity.name());
    }
}

#[test]
fn rules_prints_one_page() {
    let output = specls(&["rules", "duplicate-task-id"]);
    assert_eq!(code(&output), 0);
    insta::assert_snapshot!("rules_duplicate_task_id", stdout(&output));
    let output = specls(&["rules", "no-such-rule"]);
    assert_eq!(code(&output), 2);
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("unknown rule `no-such-rule`"));
}

#[test]
fn docs_match_the_rules() {
    let dir = repo().join("docs/rules");
    let update = std::env::var_os("SPECLS_UPDATE_DOCS").is_some_and(|v| v == "1");
    let expected = specls::cli::rules::doc_files();
    let mut drifted = Vec::new();
    for (name, text) in &expected {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, text).unwrap();
            }
            drifted.push(name.clone());
        }
    }
    // Pages of rules that no longer exist.
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let generated =
            std::fs::read_to_string(entry.path()).is_ok_and(|t| t.starts_with(specls::cli::rules::GENERATED));
        if name.ends_with(".md") && generated && !expected.iter().any(|(n, _)| *n == name) {
            if update {
                std::fs::remove_file(entry.path()).unwrap();
            }
            drifted.push(name);
        }
    }
    assert!(
        update || drifted.is_empty(),
        "docs/rules/ is out of date with the rules ({}); run `SPECLS_UPDATE_DOCS=1 cargo test -p specls --test cli`",
        drifted.join(", ")
    );
}

#[test]
fn a_rule_page_is_its_doc_file() {
    let page = stdout(&specls(&["rules", "duplicate-task-id"]));
    let file = std::fs::read_to_string(repo().join("docs/rules/duplicate-task-id.md")).unwrap_or_default();
    if std::env::var_os("SPECLS_UPDATE_DOCS").is_none() {
        assert_eq!(file, format!("{}\n\n{page}", specls::cli::rules::GENERATED));
    }
}

// ------------------------------------------------------- the rest of it

#[test]
fn version_help_and_the_server_hook() {
    let output = specls(&["--version"]);
    assert_eq!(code(&output), 0);
    assert_eq!(stdout(&output), format!("specls {}\n", env!("CARGO_PKG_VERSION")));

    let output = specls(&["--help"]);
    assert_eq!(code(&output), 0);
    for command in ["check", "graph", "dump", "rules", "serve"] {
        assert!(stdout(&output).contains(command), "{command} in --help");
    }
    let output = specls(&["check", "--help"]);
    assert_eq!(code(&output), 0);
    for flag in ["--format", "--config", "--select", "--ignore", "--fix", "sarif", "github"] {
        assert!(stdout(&output).contains(flag), "{flag} in check --help");
    }

    // Every way an editor starts the server: with stdin closed at once it
    // ends without a shutdown request (LSP's exit code 1) and writes
    // nothing to stdout, which belongs to the protocol.
    for args in [&[][..], &["serve"][..], &["serve", "--stdio"][..], &["--stdio"][..]] {
        let output = specls(args);
        assert_eq!(code(&output), 1, "{args:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["check", "--format", "xml"][..],
        &["check", "--bogus"][..],
        &["frobnicate"][..],
        &["graph"][..],
        &["rules", "a", "b"][..],
    ] {
        let output = specls(args);
        assert_eq!(code(&output), 2, "{args:?}");
        assert!(!stderr(&output).is_empty(), "{args:?}");
        assert_eq!(stdout(&output), "", "{args:?}");
    }
}

#[test]
fn dump_still_works() {
    let output = specls(&["dump", &format!("{EXAMPLE}/tasks.md")]);
    assert_eq!(code(&output), 0);
    assert_eq!(json(&output)["kind"], "tasks");
    let output = specls(&["dump", "no/such.md"]);
    assert_eq!(code(&output), 2);
}
