//! `specls check`'s conventions for CI users (ruff as the anchor): output
//! formats (concise, JUnit, GitLab Code Quality), `--statistics`,
//! `--quiet`, `--output-file`, `--color`, the exit-status flags, the fix
//! flags and the baseline. Each runs the binary from the repository root
//! on the example with two rules selected (one error with an unsafe fix,
//! one warning with a safe fix), so snapshots stay put as rules are added.

use std::process::Output;

use serde_json::Value;

mod cli_support;

use cli_support::*;

/// An error with an unsafe fix and a warning with a safe one.
const TWO_RULES: &str = "duplicate-task-id,malformed-task";

/// `check examples --select TWO_RULES` and more arguments.
fn check_two(more: &[&str]) -> Output {
    let mut args = vec!["check", "examples", "--select", TWO_RULES];
    args.extend_from_slice(more);
    specls(&args)
}

// ------------------------------------------------------------- formats

#[test]
fn concise_is_one_line_per_finding() {
    let output = check_two(&["--format", "concise"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("concise", stdout(&output));
}

#[test]
fn junit_has_a_suite_per_file_and_a_case_per_finding() {
    let output = check_two(&["--format", "junit"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("junit", stdout(&output));

    // A clean run is one passing case, not an empty report.
    let clean = specls(&["check", "examples", "--select", "self-dependency", "--format", "junit"]);
    assert_eq!(code(&clean), 0);
    let text = stdout(&clean);
    assert!(text.contains("tests=\"1\" failures=\"0\""), "{text}");
    assert!(text.contains("<testcase name=\"No problems found\""), "{text}");
}

#[test]
fn gitlab_code_quality_issues_carry_unique_fingerprints() {
    let output = check_two(&["--format", "gitlab"]);
    assert_eq!(code(&output), 1);
    insta::assert_json_snapshot!("gitlab", json(&output));

    let all = json(&specls(&["check", "examples", "--format", "gitlab"]));
    let issues = all.as_array().unwrap();
    let mut fingerprints: Vec<&str> = issues.iter().map(|i| i["fingerprint"].as_str().unwrap()).collect();
    let count = fingerprints.len();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), count, "fingerprints are unique in a report");
    for issue in issues {
        assert!(["major", "minor", "info"].contains(&issue["severity"].as_str().unwrap()), "{issue}");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn statistics_count_findings_per_rule() {
    let output = check_two(&["--statistics"]);
    assert_eq!(code(&output), 1, "statistics keep the exit status");
    insta::assert_snapshot!("statistics", stdout(&output));

    let table = json(&check_two(&["--statistics", "--format", "json"]));
    insta::assert_json_snapshot!("statistics_json", table);

    // Over every rule, the counts add up to the findings.
    let report = json(&specls(&["check", "examples", "--format", "json"]));
    let table = json(&specls(&["check", "examples", "--statistics", "--format", "json"]));
    let total: u64 = table.as_array().unwrap().iter().map(|row| row["count"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, report["diagnostics"].as_array().unwrap().len());
}

// -------------------------------------------------------------- output

#[test]
fn quiet_prints_the_findings_only() {
    let output = check_two(&["--quiet", "--format", "concise"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("quiet_concise", stdout(&output));
    let human = stdout(&check_two(&["-q"]));
    assert!(!human.contains("Found "), "{human}");
    assert!(human.contains("error[duplicate-task-id]"), "{human}");
}

#[test]
fn output_file_gets_the_report_and_stdout_stays_empty() {
    let dir = temp_dir("output-file");
    let file = dir.join("report.sarif");
    let written = check_two(&["--format", "sarif", "--output-file", file.to_str().unwrap()]);
    assert_eq!(code(&written), 1);
    assert_eq!(stdout(&written), "");
    let on_stdout = check_two(&["--format", "sarif"]);
    assert_eq!(std::fs::read_to_string(&file).unwrap(), stdout(&on_stdout));

    // Human text in a file has no colour unless asked for.
    let plain = dir.join("plain.txt");
    check_two(&["-o", plain.to_str().unwrap()]);
    assert!(!std::fs::read_to_string(&plain).unwrap().contains('\u{1b}'));
    let coloured = dir.join("coloured.txt");
    check_two(&["-o", coloured.to_str().unwrap(), "--color", "always"]);
    assert!(std::fs::read_to_string(&coloured).unwrap().contains("\u{1b}["));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn color_flag_and_environment() {
    let has_style = |output: &Output| stdout(output).contains("\u{1b}[");
    // Piped, auto: plain; always: styled; CLICOLOR_FORCE forces auto on.
    assert!(!has_style(&check_two(&[])));
    assert!(has_style(&check_two(&["--color", "always"])));
    let forced = specls_command(&["check", "examples", "--select", TWO_RULES])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(has_style(&forced));
    // never beats CLICOLOR_FORCE; always beats NO_COLOR.
    let never = specls_command(&["check", "examples", "--select", TWO_RULES, "--color", "never"])
        .env("CLICOLOR_FORCE", "1")
        .output()
        .unwrap();
    assert!(!has_style(&never));
    let always = specls_command(&["check", "examples", "--select", TWO_RULES, "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(has_style(&always));
    // Machine formats never carry styles.
    let json_forced =
        specls_command(&["check", "examples", "--format", "json", "--color", "always"]).output().unwrap();
    assert!(!stdout(&json_forced).contains('\u{1b}'));
}

// --------------------------------------------------------- exit status

#[test]
fn exit_status_flags() {
    let warnings_only = ["check", "examples", "--select", "malformed-task,forward-dependency"];
    let run = |more: &[&str]| {
        let mut args = warnings_only.to_vec();
        args.extend_from_slice(more);
        code(&specls(&args))
    };
    assert_eq!(run(&[]), 0, "warnings alone pass");
    assert_eq!(run(&["--strict"]), 1, "--strict: warnings fail");
    assert_eq!(run(&["--max-warnings", "1"]), 1, "two warnings are more than one");
    assert_eq!(run(&["--max-warnings", "2"]), 0);
    assert_eq!(run(&["--strict", "--exit-zero"]), 0);
    assert_eq!(code(&check_two(&["--exit-zero"])), 0, "--exit-zero: errors pass");
    assert_eq!(code(&check_two(&["-e", "--format", "json"])), 0);
    // Usage errors are still 2.
    assert_eq!(code(&check_two(&["--exit-zero", "--max-warnings", "lots"])), 2);
}

#[test]
fn check_help_gives_the_exit_codes_and_every_flag() {
    let help = stdout(&specls(&["check", "--help"]));
    assert!(help.contains("Exit status:"), "{help}");
    for line in ["  0  ", "  1  ", "  2  "] {
        assert!(help.contains(line), "{line:?} in {help}");
    }
    for flag in [
        "--quiet",
        "--statistics",
        "--output-file",
        "--color",
        "--exit-zero",
        "--strict",
        "--max-warnings",
        "--show-fixes",
        "--unsafe-fixes",
        "--diff",
        "--watch",
        "--baseline",
        "--write-baseline",
    ] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    for format in ["concise", "junit", "gitlab"] {
        assert!(help.contains(format), "{format} in {help}");
    }
}

// ---------------------------------------------------------------- fixes

#[test]
fn show_fixes_lists_each_edit() {
    let output = check_two(&["--show-fixes"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("show_fixes", stdout(&output));
}

#[test]
fn fix_always_says_what_it_did() {
    let (root, feature) = example_copy("fix-summary");
    let root_arg = root.to_str().unwrap();
    let first = specls(&["check", root_arg, "--fix", "--show-fixes", "--select", TWO_RULES]);
    let text = stdout(&first);
    let tasks = feature.join("tasks.md");
    let fixed = format!("Fixed 1 problem in {}\n  1 × malformed-task\n", tasks.display());
    assert!(text.starts_with(&fixed), "{text}");
    // Nothing left that --fix applies: it says so.
    let again = specls(&["check", root_arg, "--fix", "--select", TWO_RULES]);
    assert!(stdout(&again).starts_with("No fixes applied\n"), "{}", stdout(&again));
    assert_eq!(code(&again), 1, "the duplicate ID (unsafe fix) is still there");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn unsafe_fixes_are_applied_only_when_asked() {
    let (root, feature) = example_copy("unsafe");
    let root_arg = root.to_str().unwrap();
    let tasks = feature.join("tasks.md");
    let before = std::fs::read_to_string(&tasks).unwrap();
    let output = specls(&["check", root_arg, "--fix", "--unsafe-fixes", "--select", "duplicate-task-id"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let after = std::fs::read_to_string(&tasks).unwrap();
    assert_eq!(after, before.replacen("- [ ] T010 [US1] Implement GET", "- [ ] T011 [US1] Implement GET", 1));
    std::fs::remove_dir_all(root).unwrap();
}

// ------------------------------------------------------------- baseline

/// The fingerprints of a `check --format sarif` run on `root`.
fn sarif_fingerprints(root: &str) -> Vec<String> {
    let log = json(&specls(&["check", root, "--format", "sarif"]));
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["partialFingerprints"]["specls/v1"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn baseline_round_trip_survives_moved_lines() {
    let (root, feature) = example_copy("baseline");
    let root_arg = root.to_str().unwrap();
    let baseline = root.join("specls-baseline.json");
    let baseline_arg = baseline.to_str().unwrap();

    let written = specls(&["check", root_arg, "--write-baseline", baseline_arg, "--format", "json"]);
    assert_eq!(code(&written), 1, "writing a baseline still reports");
    let recorded: Value = serde_json::from_str(&std::fs::read_to_string(&baseline).unwrap()).unwrap();
    let recorded: Vec<&str> =
        recorded["findings"].as_array().unwrap().iter().map(|f| f["fingerprint"].as_str().unwrap()).collect();
    assert_eq!(recorded.len(), json(&written)["diagnostics"].as_array().unwrap().len());
    let before = sarif_fingerprints(root_arg);
    let mut sorted_recorded: Vec<String> = recorded.iter().map(|s| s.to_string()).collect();
    sorted_recorded.sort();
    let mut sorted_sarif = before.clone();
    sorted_sarif.sort();
    assert_eq!(sorted_recorded, sorted_sarif, "SARIF carries the baseline's fingerprints");

    // Lines move: three lines inserted above everything in each document.
    for name in ["spec.md", "plan.md", "tasks.md"] {
        let path = feature.join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let (title, rest) = text.split_once('\n').unwrap();
        std::fs::write(&path, format!("{title}\n\n> moved down\n\n{rest}")).unwrap();
    }
    let mut after = sarif_fingerprints(root_arg);
    after.sort();
    assert_eq!(after, sorted_sarif, "fingerprints do not depend on line numbers");
    let quiet = specls(&["check", root_arg, "--baseline", baseline_arg]);
    assert_eq!(code(&quiet), 0, "{}", stdout(&quiet));
    assert!(stdout(&quiet).starts_with("No problems in 1 feature"), "{}", stdout(&quiet));
    assert!(stderr(&quiet).contains("in the baseline not shown"), "{}", stderr(&quiet));

    // A new finding is reported, the old ones stay hidden.
    let tasks = feature.join("tasks.md");
    let text = std::fs::read_to_string(&tasks).unwrap();
    let text = text.replace("- [ ] T013 [US2]", "- [ ] T014 [US2]");
    std::fs::write(&tasks, text).unwrap();
    let new = json(&specls(&["check", root_arg, "--baseline", baseline_arg, "--format", "json"]));
    let codes: Vec<&str> =
        new["diagnostics"].as_array().unwrap().iter().map(|d| d["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"duplicate-task-id"), "{codes:?}");
    assert!(new["summary"]["errors"].as_u64().unwrap() >= 1);
    let message = new["diagnostics"][0]["message"].as_str().unwrap();
    assert!(message.contains("T014"), "{message}");
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn a_bad_baseline_is_an_error() {
    let dir = temp_dir("bad-baseline");
    let file = dir.join("baseline.json");
    std::fs::write(&file, "not json").unwrap();
    let output = check_two(&["--baseline", file.to_str().unwrap()]);
    assert_eq!(code(&output), 2);
    assert!(stderr(&output).contains("is not a specls baseline"), "{}", stderr(&output));
    let missing = check_two(&["--baseline", dir.join("absent.json").to_str().unwrap()]);
    assert_eq!(code(&missing), 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn diff_shows_what_fix_would_change_and_writes_nothing() {
    let (root, feature) = example_copy("diff");
    let root_arg = root.to_str().unwrap();
    let tasks = feature.join("tasks.md");
    let before = std::fs::read_to_string(&tasks).unwrap();

    let diff = specls(&["check", root_arg, "--diff", "--select", TWO_RULES]);
    assert_eq!(code(&diff), 1, "a file would change: {}", stderr(&diff));
    assert_eq!(std::fs::read_to_string(&tasks).unwrap(), before, "--diff writes nothing");
    assert_eq!(stderr(&diff), "Would fix 1 problem in 1 file\n");
    let shown = stdout(&diff);
    insta::assert_snapshot!("diff", shown.replace(root_arg, "ROOT"));

    // The diff is exactly what --fix then does to the file.
    specls(&["check", root_arg, "--fix", "--select", TWO_RULES]);
    let after = std::fs::read_to_string(&tasks).unwrap();
    let path = tasks.to_str().unwrap();
    let expected =
        similar::TextDiff::from_lines(&before, &after).unified_diff().header(path, path).to_string();
    assert_eq!(shown, expected);

    // Nothing left to fix: no diff, exit 0. Unsafe fixes only when asked.
    let clean = specls(&["check", root_arg, "--diff", "--select", TWO_RULES]);
    assert_eq!((code(&clean), stdout(&clean)), (0, String::new()));
    assert_eq!(stderr(&clean), "No fixes would be applied\n");
    let unsafe_diff = specls(&["check", root_arg, "--diff", "--unsafe-fixes", "--select", TWO_RULES]);
    assert_eq!(code(&unsafe_diff), 1);
    assert!(stdout(&unsafe_diff).contains("+- [ ] T011 [US1] Implement GET"), "{}", stdout(&unsafe_diff));
    assert_eq!(std::fs::read_to_string(&tasks).unwrap(), after);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn watch_checks_again_when_a_document_changes() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;
    use std::sync::mpsc::channel;
    use std::time::Duration;

    /// Ends the watching process however the test ends.
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    let (root, feature) = example_copy("watch");
    let mut child = specls_command(&["check", root.to_str().unwrap(), "--watch", "--format", "concise"])
        .args(["--select", TWO_RULES])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map(KillOnDrop)
        .unwrap();
    // Stdout only: each report ends with its summary line. The watcher is
    // set up before the first check, so a change made once the first
    // report is out is seen.
    let (lines, received) = channel();
    let stdout = child.0.stdout.take().unwrap();
    std::thread::spawn(move || {
        BufReader::new(stdout).lines().map_while(Result::ok).for_each(|l| {
            let _ = lines.send(l);
        })
    });
    // A generous bound, so a loaded machine cannot hang the test forever.
    let next_report = || {
        let mut report = Vec::new();
        loop {
            let line = received.recv_timeout(Duration::from_secs(120)).expect("a report before the bound");
            let is_summary = line.starts_with("Found ") || line.starts_with("No problems");
            report.push(line);
            if is_summary {
                return report;
            }
        }
    };
    let first = next_report();
    assert!(first.iter().any(|l| l.contains("duplicate-task-id")), "{first:?}");

    let tasks = feature.join("tasks.md");
    let text = std::fs::read_to_string(&tasks).unwrap();
    std::fs::write(&tasks, text.replace("- [ ] T010 [US1] Implement GET", "- [ ] T011 [US1] Implement GET"))
        .unwrap();
    let second = next_report();
    drop(child);
    assert!(!second.iter().any(|l| l.contains("duplicate-task-id")), "{second:?}");
    assert!(second.iter().any(|l| l.contains("malformed-task")), "{second:?}");
    std::fs::remove_dir_all(root).unwrap();
}
