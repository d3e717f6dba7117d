//! The cross-artifact report of one feature folder, in the shape of Spec
//! Kit's `/speckit.analyze`: findings sorted into its six categories with
//! its four severities, the requirement coverage table, the constitution
//! alignment issues, the tasks that map to no requirement or story, and
//! the metrics. Spec Kit has a model write this report; here every line
//! comes from the rules, so the same folder always gives the same report.
//!
//! How a rule's finding becomes a row: the rule's code picks the category
//! ([`Category::of_code`]); the severity is CRITICAL for constitution
//! issues and for a feature that cannot be analysed (no plan, a file too
//! large to read), else HIGH for errors, MEDIUM for warnings and LOW for
//! the rest. The recommendation is the fix's title when the finding has a
//! fix, else the first sentence of the rule page's "Fix" section.

use super::rules::coverage::requirement_coverage;
use super::{Diagnostic, Severity, rule};
use crate::model::feature::Feature;
use crate::text::Span;

/// One feature's report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnalyzeReport {
    /// Ordered by category, then file and position; IDs follow that order.
    pub findings: Vec<Finding>,
    /// One row per requirement of spec.md, in spec order.
    pub coverage: Vec<CoverageRow>,
    pub unmapped_tasks: Vec<UnmappedTask>,
    pub metrics: Metrics,
}

/// A finding's category, as `/speckit.analyze` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    ConstitutionAlignment,
    CoverageGap,
    Inconsistency,
    Duplication,
    Ambiguity,
    Underspecification,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::ConstitutionAlignment,
        Category::CoverageGap,
        Category::Inconsistency,
        Category::Duplication,
        Category::Ambiguity,
        Category::Underspecification,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::ConstitutionAlignment => "Constitution Alignment",
            Category::CoverageGap => "Coverage Gap",
            Category::Inconsistency => "Inconsistency",
            Category::Duplication => "Duplication",
            Category::Ambiguity => "Ambiguity",
            Category::Underspecification => "Underspecification",
        }
    }

    /// The letter of the category's finding IDs (`C1`, `G2`, ...): the
    /// initial, but G(ap) for coverage so that it differs from C(onstitution).
    pub fn prefix(self) -> char {
        match self {
            Category::ConstitutionAlignment => 'C',
            Category::CoverageGap => 'G',
            Category::Inconsistency => 'I',
            Category::Duplication => 'D',
            Category::Ambiguity => 'A',
            Category::Underspecification => 'U',
        }
    }

    /// The category of a rule's findings. A rule not listed here (a new
    /// one) counts as an inconsistency between documents.
    pub fn of_code(code: &str) -> Category {
        match code {
            "constitution-gate-uncovered" => Category::ConstitutionAlignment,
            "requirement-coverage"
            | "story-without-tasks"
            | "entity-without-task"
            | "endpoint-without-task"
            | "contract-without-test"
            | "checklist-traceability" => Category::CoverageGap,
            "duplicate-task-id"
            | "duplicate-requirement-id"
            | "duplicate-checklist-id"
            | "duplicate-feature-number" => Category::Duplication,
            "needs-clarification" | "vague-requirement" | "template-placeholder" => Category::Ambiguity,
            "missing-plan"
            | "missing-document"
            | "file-too-large"
            | "missing-file-path"
            | "story-missing-parts"
            | "tasks-without-ids"
            | "empty-phase"
            | "story-phase-incomplete" => Category::Underspecification,
            _ => Category::Inconsistency,
        }
    }
}

/// `/speckit.analyze`'s severities.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Critical,
    High,
    Medium,
    Low,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::Critical => "CRITICAL",
            Level::High => "HIGH",
            Level::Medium => "MEDIUM",
            Level::Low => "LOW",
        }
    }

    fn of(diagnostic: &Diagnostic, category: Category) -> Level {
        let blocks_analysis = matches!(diagnostic.code, "missing-plan" | "file-too-large");
        if category == Category::ConstitutionAlignment || blocks_analysis {
            return Level::Critical;
        }
        match diagnostic.severity {
            Severity::Error => Level::High,
            Severity::Warning => Level::Medium,
            Severity::Info | Severity::Hint => Level::Low,
        }
    }
}

/// One row of the findings table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Category letter and number (`G1`): the same for the same folder.
    pub id: String,
    pub category: Category,
    pub level: Level,
    /// The rule that found it.
    pub code: &'static str,
    /// Relative to the feature folder.
    pub file: String,
    pub span: Span,
    pub summary: String,
    pub recommendation: String,
}

/// One requirement of spec.md and the tasks that name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoverageRow {
    pub requirement: String,
    /// Task IDs, in task order.
    pub tasks: Vec<String>,
    /// Named in tasks.md outside any task (a phase goal, a table).
    pub named_elsewhere: bool,
}

/// A task that names no requirement and belongs to no user story.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnmappedTask {
    pub id: String,
    /// The task's first line in tasks.md.
    pub span: Span,
    pub description: String,
}

/// The report's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    pub requirements: usize,
    pub tasks: usize,
    /// Requirements named by at least one task, in whole percent (rounded
    /// down); `None` without requirements.
    pub coverage_percent: Option<usize>,
    pub ambiguities: usize,
    pub duplications: usize,
    pub critical_issues: usize,
}

/// The report of `feature` from its analysis.
pub fn analyze_report(feature: &Feature, diagnostics: &[Diagnostic]) -> AnalyzeReport {
    let findings = findings(diagnostics);
    let (coverage, covered) = coverage_rows(feature);
    let unmapped_tasks = unmapped_tasks(feature, &coverage);
    let count = |category| findings.iter().filter(|f| f.category == category).count();
    let metrics = Metrics {
        requirements: coverage.len(),
        tasks: feature.tasks().map_or(0, |(_, doc)| doc.tasks.len()),
        coverage_percent: (covered * 100).checked_div(coverage.len()),
        ambiguities: count(Category::Ambiguity),
        duplications: count(Category::Duplication),
        critical_issues: findings.iter().filter(|f| f.level == Level::Critical).count(),
    };
    AnalyzeReport { findings, coverage, unmapped_tasks, metrics }
}

/// The findings table: by category, then file, position and code (the
/// analysis order), numbered per category.
fn findings(diagnostics: &[Diagnostic]) -> Vec<Finding> {
    let mut sorted: Vec<(Category, &Diagnostic)> =
        diagnostics.iter().map(|d| (Category::of_code(d.code), d)).collect();
    sorted.sort_by(|(ca, a), (cb, b)| {
        (ca, &a.file, a.span.start, a.code, &a.message).cmp(&(cb, &b.file, b.span.start, b.code, &b.message))
    });
    let mut numbers = [0usize; Category::ALL.len()];
    sorted
        .into_iter()
        .map(|(category, d)| {
            let number = &mut numbers[category as usize];
            *number += 1;
            Finding {
                id: format!("{}{number}", category.prefix()),
                category,
                level: Level::of(d, category),
                code: d.code,
                file: d.file.to_string(),
                span: d.span,
                summary: d.message.clone(),
                recommendation: recommendation(d),
            }
        })
        .collect()
}

/// The fix's title, else the first sentence of the rule's "Fix" section.
fn recommendation(diagnostic: &Diagnostic) -> String {
    if let Some(fix) = &diagnostic.fix {
        return format!("{} (quick fix)", fix.title);
    }
    let page = rule(diagnostic.code).map(|r| r.meta().page()).unwrap_or_default();
    let section: Vec<&str> = page
        .lines()
        .skip_while(|l| l.trim() != "## Fix")
        .skip(1)
        .take_while(|l| !l.trim_start().starts_with("## "))
        .collect();
    let text = section.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
    let text = text.strip_prefix("None:").unwrap_or(&text).replace("**", "");
    capitalised(&first_sentence(text.trim()))
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// Up to the first `. ` outside inline code, with its full stop.
fn first_sentence(text: &str) -> String {
    let mut in_code = false;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => in_code = !in_code,
            '.' if !in_code && chars.peek().is_none_or(|(_, next)| *next == ' ') => {
                return text[..=i].to_string();
            }
            _ => {}
        }
    }
    text.to_string()
}

/// The coverage rows and how many requirements a task names.
fn coverage_rows(feature: &Feature) -> (Vec<CoverageRow>, usize) {
    let Some(coverage) = requirement_coverage(feature) else {
        // No tasks.md: every requirement is uncovered.
        let rows = feature.spec().map_or_else(Vec::new, |(_, spec)| {
            let mut ids: Vec<String> = Vec::new();
            for requirement in &spec.requirements {
                if !ids.iter().any(|id| **id == *requirement.id) {
                    ids.push(requirement.id.to_string());
                }
            }
            ids.into_iter()
                .map(|requirement| CoverageRow { requirement, tasks: Vec::new(), named_elsewhere: false })
                .collect()
        });
        return (rows, 0);
    };
    let doc = feature.tasks().map(|(_, doc)| doc);
    let rows: Vec<CoverageRow> = coverage
        .requirements
        .iter()
        .map(|r| {
            let mut tasks = r.tasks.clone();
            tasks.sort_unstable();
            CoverageRow {
                requirement: r.id.to_string(),
                tasks: tasks
                    .iter()
                    .filter_map(|&t| doc.and_then(|doc| doc.tasks.get(t)).map(|t| t.id().to_string()))
                    .collect(),
                named_elsewhere: !r.elsewhere.is_empty(),
            }
        })
        .collect();
    let covered = rows.iter().filter(|r| !r.tasks.is_empty()).count();
    (rows, covered)
}

/// Tasks with no story label, outside a story's phase, that no
/// requirement row names.
fn unmapped_tasks(feature: &Feature, coverage: &[CoverageRow]) -> Vec<UnmappedTask> {
    let Some((_, doc)) = feature.tasks() else { return Vec::new() };
    doc.tasks
        .iter()
        .filter(|task| task.story().is_none() && task.phase.is_none_or(|p| doc.phases[p].story.is_none()))
        .filter(|task| {
            let id = task.id().to_string();
            !coverage.iter().any(|row| row.tasks.contains(&id))
        })
        .map(|task| UnmappedTask {
            id: task.id().to_string(),
            span: task.line_span(),
            description: task.line().description.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_its_own_letter() {
        let mut letters: Vec<char> = Category::ALL.iter().map(|c| c.prefix()).collect();
        letters.dedup();
        assert_eq!(letters.len(), Category::ALL.len());
        for (i, category) in Category::ALL.iter().enumerate() {
            assert_eq!(*category as usize, i, "ALL is in declaration order");
        }
    }

    #[test]
    fn recommendations_come_from_the_fix_section() {
        assert_eq!(first_sentence("Drop `[P]` from it. The fix is safe."), "Drop `[P]` from it.");
        assert_eq!(first_sentence("Use `a. b` here. Then"), "Use `a. b` here.");
        assert_eq!(first_sentence("no stop"), "no stop");
        let d = |code: &'static str| Diagnostic {
            code,
            ..Diagnostic::new(Severity::Info, &"x".into(), Span::new(0, 0), "m")
        };
        let text = recommendation(&d("requirement-coverage"));
        assert!(text.starts_with("Name the requirement in the task that delivers it"), "{text}");
        assert_eq!(recommendation(&d("no-such-rule")), "");
    }
}
