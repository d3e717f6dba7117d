//! `check --diff`: what `--fix` would change, as a unified diff per file,
//! with nothing written (ruff's `--diff`).
//!
//! The fixes run exactly as `--fix` runs them (safe ones, unsafe ones too
//! with `--unsafe-fixes`, rounds of fix and re-check), but each round goes
//! to the features in memory ([`fix::apply_safe_fixes_in_memory`]). Exit
//! status: 1 when some file would change, 0 when none would, 2 when a file
//! could not be read.

use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;

use super::{CheckOptions, Configs, ExitCode, Report, check_paths_with, fix, report_problems};
use crate::analysis::analyze;
use crate::cli::{display_path, exit};

/// Run `check --diff`.
pub(super) fn run(options: &CheckOptions, configs: &mut Configs) -> Result<ExitCode> {
    let mut report = check_paths_with(&options.paths, &mut |root| configs.for_feature(root))?;
    let mut fixed = fix::Fixed::default();
    for _ in 0..fix::MAX_ROUNDS {
        if options.unsafe_fixes {
            super::treat_unsafe_fixes_as_safe(&mut report);
        }
        let mut reanalyse = |feature: &crate::model::feature::Feature| {
            Ok(analyze(feature, &configs.for_feature(&feature.root)?))
        };
        if fix::apply_safe_fixes_in_memory(&mut report, &mut fixed, &mut reanalyse)? == 0 {
            break;
        }
    }
    report_problems(&report, &fixed, 0, options.quiet)?;
    let display = |p: &Path| display_path(p);
    let diff = render(&report, &fixed, &display);
    if !options.quiet {
        eprintln!("{}", would_fix(&fixed));
    }
    super::super::write_report(&diff, false, options.color, options.output_file.as_deref())?;
    Ok(if !report.problems.is_empty() {
        exit::FAILURE
    } else if fixed.originals.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    })
}

/// A unified diff (3 lines of context) of each file the fixes changed,
/// in path order, headed by the path as printed elsewhere (`patch -p0`
/// applies it); a last line without a line break is marked as diff(1)
/// marks it.
pub fn render(report: &Report, fixed: &fix::Fixed, display: &dyn Fn(&Path) -> String) -> String {
    let mut out = String::new();
    for (path, before) in &fixed.originals {
        let Some(after) = report.features.iter().flat_map(|f| &f.feature.files).find(|f| f.path == *path)
        else {
            continue;
        };
        let after = after.document.text();
        let shown = display(path);
        let diff = similar::TextDiff::from_lines(before.as_str(), after.as_str());
        let _ = write!(out, "{}", diff.unified_diff().context_radius(3).header(&shown, &shown));
    }
    out
}

/// "Would fix 3 problems in 2 files", or that nothing would change.
fn would_fix(fixed: &fix::Fixed) -> String {
    let problems: usize = fixed.per_file.values().sum();
    let files = fixed.originals.len();
    if files == 0 {
        return "No fixes would be applied".to_string();
    }
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    format!("Would fix {problems} problem{} in {files} file{}", plural(problems), plural(files))
}
