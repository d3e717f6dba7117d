//! `specls analyze`: the deterministic counterpart of Spec Kit's
//! `/speckit.analyze`, for people and for coding agents. One report per
//! feature folder ([`crate::analysis::report`]): findings with stable IDs,
//! requirement coverage, constitution alignment, unmapped tasks, metrics;
//! Markdown by default, or JSON.
//!
//! Exit status: 0, or 1 when a report has a CRITICAL finding (a hook
//! before implementation can stop on it), 2 on usage or I/O errors.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::check::{CheckedFeature, check_paths_with, line_columns};
use super::{ColorChoice, ExitCode, display_path, exit, write_report};
use crate::analysis::RuleConfig;
use crate::analysis::report::{AnalyzeReport, Category, Level, analyze_report};
use crate::model::feature::Feature;
use crate::text::Span;
use crate::workspace::config::{find_config, load_config};

/// How `analyze` prints its reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AnalyzeFormat {
    #[default]
    Markdown,
    Json,
}

/// Run `specls analyze` over `paths`.
pub fn run(
    paths: &[PathBuf],
    format: AnalyzeFormat,
    max_file_size: Option<u64>,
    output_file: Option<&Path>,
) -> Result<ExitCode> {
    for path in paths {
        if !path.exists() {
            bail!("{}: no such file or directory", path.display());
        }
    }
    let report = check_paths_with(paths, &mut |root| {
        let mut config = match find_config(root) {
            Some(file) => load_config(&file)?,
            None => RuleConfig::default(),
        };
        if let Some(limit) = max_file_size {
            config.set_max_file_bytes(limit);
        }
        Ok(config)
    })?;
    for path in &report.empty_paths {
        eprintln!("specls: note: no feature folder in {}", path.display());
    }
    for problem in &report.problems {
        eprintln!("specls: error: cannot read {}: {}", display_path(&problem.path), problem.message);
    }
    let mut features: Vec<&CheckedFeature> = report.features.iter().collect();
    features.sort_by(|a, b| a.feature.root.cmp(&b.feature.root));
    let reports: Vec<(&Feature, AnalyzeReport)> =
        features.iter().map(|f| (&f.feature, analyze_report(&f.feature, &f.diagnostics))).collect();
    let text = match format {
        AnalyzeFormat::Markdown => reports.iter().map(|(f, r)| markdown(f, r)).collect::<Vec<_>>().join("\n"),
        AnalyzeFormat::Json => {
            let features: Vec<Value> = reports.iter().map(|(f, r)| to_json(f, r)).collect();
            format!("{:#}\n", json!({ "features": features }))
        }
    };
    write_report(&text, false, ColorChoice::Never, output_file)?;
    let critical = reports.iter().any(|(_, r)| r.metrics.critical_issues > 0);
    Ok(if !report.problems.is_empty() {
        exit::FAILURE
    } else if critical {
        exit::FINDINGS
    } else {
        exit::OK
    })
}

/// `tasks.md:L12` or `spec.md:L40-44`; the bare name for a file the
/// folder does not hold (a missing plan.md).
fn location(feature: &Feature, file: &str, span: Span) -> String {
    let Some(held) = feature.file(file) else { return file.to_string() };
    let (start, end) = line_columns(held, span);
    // A span that ends at the start of a line ends on the line before.
    let end_line = if end.line > start.line && end.column == 1 { end.line - 1 } else { end.line };
    if end_line > start.line {
        format!("{file}:L{}-{end_line}", start.line)
    } else {
        format!("{file}:L{}", start.line)
    }
}

/// The feature's tasks.md, relative to its folder.
fn tasks_file(feature: &Feature) -> String {
    feature.tasks().map_or_else(|| "tasks.md".to_string(), |(file, _)| file.rel.to_string())
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    crate::text::collapse_whitespace(text).replace('|', "\\|")
}

/// The feature folder's name (`001-team-invites`).
fn folder_name(feature: &Feature) -> String {
    feature.root.file_name().map_or_else(|| display_path(&feature.root), |n| n.to_string_lossy().into_owned())
}

/// One feature's report in `/speckit.analyze`'s Markdown layout.
pub fn markdown(feature: &Feature, report: &AnalyzeReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Specification Analysis Report: {}\n", folder_name(feature));
    let _ = writeln!(out, "Feature folder: `{}`\n", display_path(&feature.root));
    out.push_str("## Findings\n\n");
    if report.findings.is_empty() {
        out.push_str("No findings.\n\n");
    } else {
        out.push_str("| ID | Category | Severity | Location(s) | Summary | Recommendation |\n");
        out.push_str("|----|----------|----------|-------------|---------|----------------|\n");
        for f in &report.findings {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} |",
                f.id,
                f.category.name(),
                f.level.name(),
                cell(&location(feature, &f.file, f.span)),
                cell(&format!("{} ({})", f.summary, f.code)),
                cell(&f.recommendation),
            );
        }
        out.push('\n');
    }
    out.push_str("## Coverage Summary\n\n");
    if report.coverage.is_empty() {
        out.push_str("spec.md defines no requirement IDs (FR-001, SC-001, ...).\n\n");
    } else {
        out.push_str("| Requirement Key | Has Task? | Task IDs | Notes |\n");
        out.push_str("|-----------------|-----------|----------|-------|\n");
        for row in &report.coverage {
            let has = if row.tasks.is_empty() { "No" } else { "Yes" };
            let note = if row.tasks.is_empty() && row.named_elsewhere {
                "named in tasks.md outside any task"
            } else {
                ""
            };
            let _ = writeln!(out, "| {} | {has} | {} | {note} |", row.requirement, row.tasks.join(", "));
        }
        out.push('\n');
    }
    out.push_str("## Constitution Alignment Issues\n\n");
    let constitution: Vec<_> =
        report.findings.iter().filter(|f| f.category == Category::ConstitutionAlignment).collect();
    if constitution.is_empty() {
        out.push_str("None.\n\n");
    } else {
        for f in constitution {
            let _ =
                writeln!(out, "- {} ({}): {}", f.id, location(feature, &f.file, f.span), cell(&f.summary));
        }
        out.push('\n');
    }
    out.push_str("## Unmapped Tasks\n\n");
    if report.unmapped_tasks.is_empty() {
        out.push_str("None: every task names a requirement or belongs to a user story.\n\n");
    } else {
        for task in &report.unmapped_tasks {
            let place = location(feature, &tasks_file(feature), task.span);
            let _ = writeln!(out, "- {} ({place}): {}", task.id, cell(&task.description));
        }
        out.push('\n');
    }
    let m = &report.metrics;
    out.push_str("## Metrics\n\n");
    let _ = writeln!(out, "- Total Requirements: {}", m.requirements);
    let _ = writeln!(out, "- Total Tasks: {}", m.tasks);
    match m.coverage_percent {
        Some(percent) => {
            let covered = report.coverage.iter().filter(|r| !r.tasks.is_empty()).count();
            let _ = writeln!(
                out,
                "- Coverage: {percent}% ({covered} of {} requirements with ≥1 task)",
                m.requirements
            );
        }
        None => out.push_str("- Coverage: n/a (no requirements)\n"),
    }
    let _ = writeln!(out, "- Ambiguity Count: {}", m.ambiguities);
    let _ = writeln!(out, "- Duplication Count: {}", m.duplications);
    let _ = writeln!(out, "- Critical Issues Count: {}", m.critical_issues);
    out
}

/// One feature's report as JSON: the same fields as the Markdown.
pub fn to_json(feature: &Feature, report: &AnalyzeReport) -> Value {
    let level_counts: Value = [Level::Critical, Level::High, Level::Medium, Level::Low]
        .iter()
        .map(|level| {
            let n = report.findings.iter().filter(|f| f.level == *level).count();
            (level.name().to_string(), json!(n))
        })
        .collect::<serde_json::Map<_, _>>()
        .into();
    let m = &report.metrics;
    json!({
        "feature": folder_name(feature),
        "folder": display_path(&feature.root),
        "findings": report.findings.iter().map(|f| json!({
            "id": f.id,
            "category": f.category.name(),
            "severity": f.level.name(),
            "code": f.code,
            "location": location(feature, &f.file, f.span),
            "summary": f.summary,
            "recommendation": f.recommendation,
        })).collect::<Vec<_>>(),
        "coverage": report.coverage.iter().map(|row| json!({
            "requirement": row.requirement,
            "has_task": !row.tasks.is_empty(),
            "tasks": row.tasks,
            "named_elsewhere": row.named_elsewhere,
        })).collect::<Vec<_>>(),
        "constitution_issues": report.findings.iter()
            .filter(|f| f.category == Category::ConstitutionAlignment)
            .map(|f| f.id.clone())
            .collect::<Vec<_>>(),
        "unmapped_tasks": report.unmapped_tasks.iter().map(|t| json!({
            "id": t.id,
            "location": location(feature, &tasks_file(feature), t.span),
            "description": t.description,
        })).collect::<Vec<_>>(),
        "metrics": {
            "requirements": m.requirements,
            "tasks": m.tasks,
            "coverage_percent": m.coverage_percent,
            "ambiguity_count": m.ambiguities,
            "duplication_count": m.duplications,
            "critical_issues": m.critical_issues,
            "by_severity": level_counts,
        },
    })
}
