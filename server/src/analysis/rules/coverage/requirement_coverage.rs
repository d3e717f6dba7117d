use std::sync::Arc;

use crate::analysis::facts::requirements::{NamedRequirements, RequirementList, names_requirements};
use crate::analysis::facts::sparse::FileIndex;
use crate::analysis::facts::{BlockFacts, same};
use crate::analysis::table::BlockRole;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::scan::{BlockScan, MentionKind};
use crate::model::spec::SpecDoc;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports requirement IDs of spec.md (`FR-001`, `SC-002`, `NFR-003`,
    /// `FR-005a`) that tasks.md never names, with the coverage percentage.
    /// A task names a requirement on its line or in its detail lines
    /// (`FR-003`, `[FR-003]`, a range such as `FR-001 through FR-005` or
    /// `FR-001–FR-005`, or a list such as `DESIGN-REQ-018/019`); a mention
    /// elsewhere in tasks.md (a phase goal, a coverage table) counts too,
    /// but not one in a code block.
    ///
    /// Many tasks.md files never cite requirement IDs. In the corpus this
    /// rule was tuned on, of the 30 features whose spec defines
    /// requirements and whose tasks.md has tasks, 14 cite none in tasks.md
    /// and 7 cite a few in passing (1% to 26% of them); only 9 trace them
    /// on purpose (46% to 100%). One finding per requirement would have
    /// given those 21 features 591 findings that all say the same thing,
    /// so when tasks.md names less than a third of the requirements, the
    /// rule reports once, on tasks.md's first line, with the percentage;
    /// from a third up it reports once per feature, at the first
    /// requirement no task names in spec.md, listing the uncovered IDs and
    /// pointing at each of them as related locations. Features whose
    /// tasks.md holds no tasks yet are not checked, nor a tasks.md whose
    /// task lines mostly lack IDs (`tasks-without-ids` reports it).
    ///
    /// ## Why is this bad?
    /// A requirement no task claims is easy to forget, and a reviewer
    /// cannot tell which task delivers it.
    ///
    /// ## Example
    /// spec.md defines `FR-001` to `FR-004`; the tasks cite `FR-001`,
    /// `FR-002` and `FR-003`: `FR-004` is reported (coverage 75%), once.
    ///
    /// ## Fix
    /// None: name the requirement in the task that delivers it
    /// (`- [ ] T012 [US1] Enforce unique emails (FR-004) in ...`), or add
    /// the task.
    pub struct RequirementCoverageRule { code: "requirement-coverage", severity: Info }
}

/// How many uncovered IDs the summary's message lists, and how many it
/// points at as related locations.
const LISTED_IDS: usize = 8;
const RELATED_IDS: usize = 100;

/// Below this share of requirements named, tasks.md is taken not to trace
/// requirements at all (one summary finding instead of one per ID).
const TRACED_SHARE: (usize, usize) = (1, 3);

/// How tasks.md covers the requirements spec.md defines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequirementCoverage {
    /// One entry per requirement ID in spec order (a duplicated ID once).
    pub requirements: Vec<CoveredRequirement>,
}

/// One requirement and where tasks.md names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoveredRequirement {
    pub id: Box<str>,
    /// Index into [`crate::model::spec::SpecDoc::requirements`] of its
    /// (first) definition.
    pub requirement: usize,
    /// Tasks (indices into [`crate::model::tasks::TasksDoc::tasks`]) whose
    /// line or details name it, ranges included.
    pub tasks: Vec<usize>,
    /// Mentions in tasks.md outside tasks: phase goals, notes, tables.
    pub elsewhere: Vec<Span>,
}

impl CoveredRequirement {
    pub fn is_covered(&self) -> bool {
        !self.tasks.is_empty() || !self.elsewhere.is_empty()
    }
}

impl RequirementCoverage {
    pub fn total(&self) -> usize {
        self.requirements.len()
    }

    pub fn covered(&self) -> usize {
        self.requirements.iter().filter(|r| r.is_covered()).count()
    }

    /// Covered share in whole percent, rounded down; 100 without
    /// requirements.
    pub fn percent(&self) -> usize {
        percent(self.covered(), self.total())
    }

    #[allow(dead_code)] // for hover, which lives outside the rules
    pub fn get(&self, id: &str) -> Option<&CoveredRequirement> {
        self.requirements.iter().find(|r| &*r.id == id)
    }

    /// Whether tasks.md traces requirements at all (names at least a third
    /// of them); below that, per-requirement findings are noise.
    #[allow(dead_code)] // for code lens, which lives outside the rules
    pub fn is_traced(&self) -> bool {
        is_traced(self.covered(), self.total())
    }
}

/// [`RequirementCoverage::percent`] of `covered` of `total`.
fn percent(covered: usize, total: usize) -> usize {
    (covered * 100).checked_div(total).unwrap_or(100)
}

/// [`RequirementCoverage::is_traced`] with `covered` of `total`.
fn is_traced(covered: usize, total: usize) -> bool {
    covered * TRACED_SHARE.1 >= total * TRACED_SHARE.0
}

/// How the tasks of `feature` cover its spec's requirements; `None`
/// without spec.md or tasks.md.
#[allow(dead_code)] // for hover and code lens, which live outside the rules
pub fn requirement_coverage(feature: &Feature) -> Option<RequirementCoverage> {
    coverage_in(&Context::new(feature))
}

/// [`requirement_coverage`] within an analysis.
fn coverage_in(cx: &Context) -> Option<RequirementCoverage> {
    let (spec_file, spec) = cx.feature.spec()?;
    let (tasks_file, doc) = cx.tasks()?;
    let list = RequirementList::of(spec);
    let requirements = list.requirements.iter().map(|(id, i)| CoveredRequirement {
        id: id.clone(),
        requirement: *i,
        tasks: Vec::new(),
        elsewhere: Vec::new(),
    });
    let mut coverage = RequirementCoverage { requirements: requirements.collect() };
    let Some(blocks) = tasks_file.blocks.as_deref() else { return Some(coverage) };
    let DocModel::Spec(spec_doc) = &spec_file.model else { return Some(coverage) };
    let kept = &cx.kept().requirements;
    let mut walk = cx.block_walk()?;
    // Only the blocks naming requirements, kept across analyses: a
    // keystroke asks about the block it changed.
    let hits = match FileIndex::of(blocks) {
        Some(index) => {
            index.requirements.hits(blocks, |()| true, || (), |block| names_requirements(&block.scan))
        }
        None => Arc::from([]),
    };
    for block in hits.iter().map(|&at| &blocks.blocks()[at as usize]) {
        // A block belongs to a task as its line or one of its details; the
        // table holds their facts, whose summary says whether they name a
        // requirement at all.
        let owner = match walk.role(block) {
            BlockRole::Line { task, .. } | BlockRole::Detail { task, .. } => Some(task),
            BlockRole::Other => None,
        };
        let is_line = owner.is_some_and(|task| doc.tasks[task].block.start == block.start);
        if let Some(few) = owner.and_then(|task| kept[task]).filter(|_| is_line) {
            // A task line naming a few requirements: the table holds them.
            let task = owner.expect("a line has its task");
            for i in few.iter() {
                let tasks = &mut coverage.requirements[i].tasks;
                if !tasks.contains(&task) {
                    tasks.push(task);
                }
            }
            continue;
        }
        let facts = BlockFacts::of(&block.scan);
        let named = facts
            .requirements
            .get(|key| same(key, spec_doc), || (Arc::downgrade(spec_doc), named_in(&block.scan, &list)));
        for &(i, span) in named.all.iter() {
            let entry = &mut coverage.requirements[i];
            match owner {
                Some(task) => {
                    if !entry.tasks.contains(&task) {
                        entry.tasks.push(task);
                    }
                }
                None => entry.elsewhere.push(block.abs(span)),
            }
        }
    }
    Some(coverage)
}

/// The requirements of `spec` (spec.md, `spec_file`), and per requirement
/// whether a block of tasks.md (`tasks_file`) names it: counted across
/// analyses ([`RequirementCounts`]), so that a keystroke looks at the
/// blocks it changed alone, not at every block naming a requirement.
///
/// [`RequirementCounts`]: crate::analysis::facts::requirements::RequirementCounts
fn requirements_named(
    tasks_file: &FeatureFile,
    spec_file: &FeatureFile,
    spec: &SpecDoc,
) -> (Arc<RequirementList>, Vec<bool>) {
    let blocks = tasks_file.blocks.as_deref();
    let counts = blocks.and_then(|blocks| Some((blocks, &FileIndex::of(blocks)?.requirement_counts)));
    let (DocModel::Spec(spec_doc), Some((blocks, counts))) = (&spec_file.model, counts) else {
        let list = RequirementList::of(spec);
        let none = vec![false; list.requirements.len()];
        return (Arc::new(list), none);
    };
    let counted = counts.of(blocks, spec_doc, |block: &ScannedBlock, list: &RequirementList| {
        let facts = BlockFacts::of(&block.scan);
        let named = facts
            .requirements
            .get(|key| same(key, spec_doc), || (Arc::downgrade(spec_doc), named_in(&block.scan, list)));
        named.all.iter().map(|&(i, _)| i as u32).collect()
    });
    let named = (0..counted.list.requirements.len()).map(|i| counted.is_named(i)).collect();
    (counted.list.clone(), named)
}

/// The requirements a block names, as indices into `list`, with spans
/// relative to the block.
fn named_in(block: &BlockScan, list: &RequirementList) -> NamedRequirements {
    let index = &list.index;
    let mentions: Vec<(&str, Span)> = block
        .mentions
        .iter()
        .filter_map(|m| match &m.kind {
            MentionKind::Requirement { id } => Some((&**id, m.span)),
            _ => None,
        })
        .collect();
    let mut named: Vec<(usize, Span)> = Vec::new();
    for (k, &(id, span)) in mentions.iter().enumerate() {
        if let Some(&i) = index.get(id) {
            named.push((i, span));
        }
        // `DESIGN-REQ-018/019`: the same prefix, another number.
        for (short, short_span) in shorthand_ids(&block.text, id, span) {
            if let Some(&i) = index.get(short.as_str()) {
                named.push((i, short_span));
            }
        }
        // `FR-001 through FR-005`: everything in between.
        let Some(&(next, next_span)) = mentions.get(k + 1) else { continue };
        if !is_range_connector(block.slice(Span::new(span.end, next_span.start))) {
            continue;
        }
        let (Some((prefix, low)), Some((next_prefix, high))) = (numbered(id), numbered(next)) else {
            continue;
        };
        if prefix != next_prefix || low > high {
            continue;
        }
        for (i, (id, _)) in list.requirements.iter().enumerate() {
            if numbered(id).is_some_and(|(p, n)| p == prefix && (low..=high).contains(&n)) {
                named.push((i, span.cover(next_span)));
            }
        }
    }
    NamedRequirements { all: named.into() }
}

/// The IDs written as `/019` right after `id` (at `span`): `DESIGN-REQ-018/019/021`.
fn shorthand_ids(text: &str, id: &str, span: Span) -> Vec<(String, Span)> {
    let Some(dash) = id.rfind('-') else { return Vec::new() };
    let prefix = &id[..=dash];
    let mut out = Vec::new();
    let mut at = span.end;
    while text[at..].starts_with('/') {
        let digits = text[at + 1..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            break;
        }
        let mut end = at + 1 + digits;
        if text.as_bytes().get(end).is_some_and(u8::is_ascii_lowercase)
            && !text.as_bytes().get(end + 1).is_some_and(u8::is_ascii_alphanumeric)
        {
            end += 1;
        }
        if text.as_bytes().get(end).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-') {
            break;
        }
        out.push((format!("{prefix}{}", &text[at + 1..end]), Span::new(at + 1, end)));
        at = end;
    }
    out
}

fn is_range_connector(between: &str) -> bool {
    matches!(between.trim(), "-" | "–" | "—" | ".." | "..." | "~" | "to" | "through" | "thru")
}

/// `("FR-", 5)` of `FR-005a`, `("FR-UL-", 1)` of `FR-UL-001`.
fn numbered(id: &str) -> Option<(&str, u32)> {
    let dash = id.rfind('-')?;
    let digits: String = id[dash + 1..].chars().take_while(char::is_ascii_digit).collect();
    Some((&id[..=dash], digits.parse().ok()?))
}

impl Rule for RequirementCoverageRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (Some((tasks_file, doc)), Some((spec_file, spec))) = (cx.tasks(), cx.feature.spec()) else {
            return;
        };
        if doc.tasks.is_empty() || cx.tasks_lack_ids() {
            return;
        }
        let (list, named) = requirements_named(tasks_file, spec_file, spec);
        let total = list.requirements.len();
        if total == 0 {
            return;
        }
        let uncovered: Vec<&(Box<str>, usize)> =
            list.requirements.iter().zip(&named).filter(|(_, named)| !**named).map(|(r, _)| r).collect();
        let covered = total - uncovered.len();
        let percent = percent(covered, total);
        if !is_traced(covered, total) {
            let message = if covered == 0 {
                format!("tasks.md names none of the {total} requirements of spec.md (coverage 0%)")
            } else {
                format!(
                    "tasks.md names only {covered} of the {total} requirements of spec.md (coverage {percent}%)"
                )
            };
            out.push(cx.report(
                Self::META.default_severity,
                tasks_file,
                tasks_file.document.line_span(0),
                message,
            ));
            return;
        }
        // One summary for the feature, each uncovered ID a related location.
        let Some(&(_, first)) = uncovered.first() else { return };
        let ids: Vec<&str> = uncovered.iter().map(|(id, _)| &**id).collect();
        let shown = if ids.len() > LISTED_IDS {
            format!("{} and {} more", ids[..LISTED_IDS].join(", "), ids.len() - LISTED_IDS)
        } else {
            ids.join(", ")
        };
        let message =
            format!("no task names {shown} (tasks.md covers {covered} of {total} requirements, {percent}%)");
        let mut diagnostic =
            cx.report(Self::META.default_severity, spec_file, spec.requirements[*first].id_span, message);
        for (id, requirement) in uncovered.iter().skip(1).take(RELATED_IDS) {
            let span = spec.requirements[*requirement].id_span;
            diagnostic = diagnostic.with_related(&spec_file.rel, span, format!("no task names {id}"));
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use super::requirement_coverage;
    use crate::testing::{check, feature};

    const SPEC: &str = "# Spec\n\n## Requirements\n\n- **FR-001**: System MUST a.\n- **FR-002**: System MUST b.\n- **FR-003**: System MUST c.\n- **FR-004**: System MUST d.\n- **SC-001**: Users finish in 2 minutes.\n";

    #[test]
    fn one_summary_per_feature_when_tasks_trace_requirements() {
        let tasks = "## Phase 1\n- [ ] T001 Build a (FR-001)\n- [ ] T002 Build b\n  - Covers [FR-002]\n\n**Goal**: meets SC-001\n";
        let found = check("requirement-coverage", &[("tasks.md", tasks), ("spec.md", SPEC)]);
        assert_eq!(
            found,
            ["spec.md:7: no task names FR-003, FR-004 (tasks.md covers 3 of 5 requirements, 60%)"]
        );
    }

    #[test]
    fn reports_once_when_tasks_do_not_trace_requirements() {
        let tasks = "# Tasks\n## Phase 1\n- [ ] T001 Build a\n";
        let found = check("requirement-coverage", &[("tasks.md", tasks), ("spec.md", SPEC)]);
        assert_eq!(found, ["tasks.md:1: tasks.md names none of the 5 requirements of spec.md (coverage 0%)"]);
        let tasks = "# Tasks\n## Phase 1\n- [ ] T001 Build a (FR-001)\n";
        let found = check("requirement-coverage", &[("tasks.md", tasks), ("spec.md", SPEC)]);
        assert_eq!(
            found,
            ["tasks.md:1: tasks.md names only 1 of the 5 requirements of spec.md (coverage 20%)"]
        );
    }

    #[test]
    fn ranges_cover_what_lies_between() {
        let tasks = "- [ ] T001 Verify FR-001 through FR-004\n- [ ] T002 Check SC-001\n";
        assert!(check("requirement-coverage", &[("tasks.md", tasks), ("spec.md", SPEC)]).is_empty());
    }

    #[test]
    fn shorthand_lists_name_each_id() {
        let tasks = "- [ ] T001 Verify FR-001/002/003 and FR-004, SC-001\n";
        assert!(check("requirement-coverage", &[("tasks.md", tasks), ("spec.md", SPEC)]).is_empty());
    }

    #[test]
    fn silent_in_code_blocks_only_when_named_outside() {
        let tasks = "- [ ] T001 Build a\n\n```\nFR-001 FR-002 FR-003 FR-004 SC-001\n```\n";
        assert_eq!(
            check("requirement-coverage", &[("tasks.md", tasks), ("spec.md", SPEC)]),
            ["tasks.md:1: tasks.md names none of the 5 requirements of spec.md (coverage 0%)"]
        );
    }

    #[test]
    fn coverage_lists_the_tasks_of_each_requirement() {
        let tasks = "- [ ] T001 a (FR-001)\n- [ ] T002 b (FR-001, FR-002)\n";
        let feature = feature(&[("tasks.md", tasks), ("spec.md", SPEC)]);
        let coverage = requirement_coverage(&feature).unwrap();
        assert_eq!(coverage.get("FR-001").unwrap().tasks, [0, 1]);
        assert_eq!(coverage.get("FR-002").unwrap().tasks, [1]);
        assert!(!coverage.get("SC-001").unwrap().is_covered());
        assert_eq!((coverage.covered(), coverage.total(), coverage.percent()), (2, 5, 40));
        assert!(coverage.is_traced());
    }

    /// Edits anywhere in tasks.md, with an analysis after each, the model
    /// built from the last version's as the language server does: the
    /// requirements counted as named across analyses are those the whole
    /// computation finds, on the edited feature and on one loaded fresh.
    #[test]
    fn counts_kept_across_edits_equal_fresh_coverage() {
        use crate::analysis::{Context, RuleConfig, analyze};
        use crate::model::feature::Feature;
        const FRAGMENTS: &[&str] = &[
            "\n",
            "(FR-003) ",
            "FR-002 through FR-009 ",
            "FR-011/012/013 ",
            "- [ ] T0100 Build it (FR-020)\n",
            "  - Covers FR-021\n",
            "**Goal**: meets SC-001\n",
            "```\n",
            "x",
            "FR-",
        ];
        let named = |feature: &Feature| {
            analyze(feature, &RuleConfig::default());
            let cx = Context::new(feature);
            let (tasks_file, _) = cx.tasks().expect("tasks.md");
            let (spec_file, spec) = feature.spec().expect("spec.md");
            let (_, named) = super::requirements_named(tasks_file, spec_file, spec);
            let coverage = super::coverage_in(&cx).expect("a coverage");
            let whole: Vec<bool> = coverage.requirements.iter().map(|r| r.is_covered()).collect();
            assert_eq!(named, whole);
            named
        };
        crate::testing::typing_keeps_what_loading_finds(3, 150, FRAGMENTS, false, named);
    }
}
