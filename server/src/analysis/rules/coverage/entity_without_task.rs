use std::cell::LazyCell;

use super::slots;
use crate::analysis::facts::matching::{is_test_path, words_of};
use crate::analysis::rules::insert::{NamePattern, NewTask, TaskSlot, insert_tasks};
use crate::analysis::{Applicability, Context, Diagnostic, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::data_model::{Entity, EntityKind};
use crate::model::feature::{Feature, FeatureFile};
use crate::model::tasks::{PhaseKind, TasksDoc};

declare_rule! {
    /// ## What it does
    /// Reports an entity of data-model.md that no task names. Entities
    /// marked as existing (`(Existing)`, `No Changes`, under `## Existing
    /// Entities`) are left out, and so are sections without a single typed
    /// field (`- **id**: UUID`, a table's type column, a class in a code
    /// block): in the corpus these describe concepts in prose (`Makefile
    /// Targets`, `Sanitized Surface`), not models a task creates.
    ///
    /// A task names an entity by its name in any spelling: `JobOffer`,
    /// `job_offer`, `job-offer`, "job offer", a plural (`job_offers`,
    /// `categories` for `Category`), a path such as
    /// `src/models/job_offer.py`, or the name without a trailing `Entity`,
    /// `Table`, `Model`, `Record`, `DTO`, `Type` or `State`. The words may
    /// also come in another order or form within one task ("schema for
    /// approval request in `approve_job_offer_promotion.schema.json`" names
    /// `ApproveJobOfferPromotionRequest`), and of a name of three words or
    /// more one may be missing ("status codes" names `InteropStatusCode`).
    /// For `XAxisConfig / YAxisConfig`, either name will do. Features whose
    /// tasks.md holds no tasks yet are not checked, nor a tasks.md whose
    /// task lines mostly lack IDs (`tasks-without-ids` reports it).
    ///
    /// ## Why is this bad?
    /// The data model says the feature needs the entity; with no task
    /// creating or changing it, nobody is asked to.
    ///
    /// ## Example
    /// data-model.md has `### Invitation` and `### Team`; tasks.md has
    /// `- [ ] T008 [P] Create Team model in src/models/team.py` and no task
    /// about invitations.
    ///
    /// ## Fix
    /// Insert a model task (`Create Invitation model in
    /// src/models/invitation.py`, the path following the model files
    /// tasks.md already names, else the plan's `models/` folder) at the end
    /// of the Foundational phase, else of the Core phase (old layout), else
    /// of the first story's implementation subsection. The fix is unsafe:
    /// it adds work to the plan.
    pub struct EntityWithoutTask { code: "entity-without-task", severity: Warning }
}

impl Rule for EntityWithoutTask {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((tasks_file, doc)) = cx.tasks() else { return };
        let Some((model_file, _)) = cx.feature.data_model() else { return };
        if doc.tasks.is_empty() || cx.tasks_lack_ids() {
            return;
        }
        let coverage = cx.coverage();
        // Where fixes go and how they name files: worked out for the first.
        let slot = LazyCell::new(|| model_slot(tasks_file, doc));
        let pattern = LazyCell::new(|| model_pattern(cx.feature, doc));
        for (index, needles) in coverage.entities.iter().enumerate() {
            if coverage.has_no_name(index) || coverage.entity_named(index) {
                continue;
            }
            let entity = needles.entity;
            let line = model_file.document.line_span(model_file.document.line_of(entity.heading.start));
            let message = format!("no task names the entity {}", entity.name);
            let mut diagnostic = cx.report(Self::META.default_severity, model_file, line, message);
            diagnostic.fix = slot.as_ref().map(|slot| model_fix(cx, tasks_file, doc, slot, &pattern, entity));
            out.push(diagnostic);
        }
    }
}

/// Where model tasks go: the Foundational phase (its models subsection if
/// it has one), the first Core phase (old layout), the first story's
/// implementation, or after the last task.
fn model_slot(file: &FeatureFile, doc: &TasksDoc) -> Option<TaskSlot> {
    let phase =
        slots::first_phase(doc, PhaseKind::Foundational).or_else(|| slots::first_phase(doc, PhaseKind::Core));
    if let Some(index) = phase {
        let p = &doc.phases[index];
        let about_models = |title: &str| {
            let lower = title.to_lowercase();
            lower.contains("model") || lower.contains("entit")
        };
        if let Some(sub) = p.subsections.iter().find(|s| about_models(&s.title)) {
            return Some(TaskSlot::at_end(file, doc, &sub.tasks, sub.heading, p.story));
        }
        return Some(slots::phase_end(file, doc, index));
    }
    if let Some(index) = slots::first_story_phase(doc) {
        return Some(slots::story_implementation(file, doc, index));
    }
    slots::after_last_task(file, doc)
}

/// How model files are named: like a model file tasks.md names, else in
/// the plan's `models/` folder, else in `src/models/`.
fn model_pattern(feature: &Feature, doc: &TasksDoc) -> NamePattern {
    let is_model_dir = |segment: &str| {
        matches!(segment.to_ascii_lowercase().as_str(), "models" | "model" | "entities" | "entity" | "domain")
    };
    for task in &doc.tasks {
        for (path, _) in task.paths() {
            let dirs: Vec<&str> = path.split('/').collect();
            let in_model_dir = dirs.len() > 1 && dirs[..dirs.len() - 1].iter().any(|d| is_model_dir(d));
            if in_model_dir
                && !is_test_path(path)
                && let Some(pattern) = NamePattern::learn(path)
            {
                return pattern;
            }
        }
    }
    let ext = slots::source_extension(feature, doc);
    let planned = feature.plan().and_then(|(_, plan)| {
        plan.source_paths()
            .filter(|p| p.is_dir)
            .find(|p| p.path.trim_end_matches('/').rsplit('/').next().is_some_and(is_model_dir))
            .map(|p| p.path.to_string())
    });
    NamePattern::source_file(planned.as_deref().unwrap_or("src/models/"), ext.as_deref())
}

fn model_fix(
    cx: &Context,
    file: &FeatureFile,
    doc: &TasksDoc,
    slot: &TaskSlot,
    pattern: &NamePattern,
    entity: &Entity,
) -> Fix {
    let name = entity.name.split(['/', ',', '<', '(']).next().unwrap_or(&entity.name).trim();
    let path = pattern.render(&words_of(name));
    // Two parallel tasks on one file conflict: share a file, lose `[P]`.
    let shared = cx
        .coverage()
        .tasks_naming(&path)
        .any(|t| doc.tasks[t].paths().any(|(p, _)| p.eq_ignore_ascii_case(&path)));
    let what = if entity.kind == EntityKind::Enum { "enum" } else { "model" };
    let task = NewTask { parallel: !shared, description: format!("Create {name} {what} in {path}") };
    let taken = cx.task_keys();
    Fix {
        title: format!("Insert a task creating the {name} {what}"),
        applicability: Applicability::Unsafe,
        edits: vec![insert_tasks(file, taken, slot, &[task])],
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, check_fix};

    const MODEL: &str = "# Data Model\n\n## Entities\n\n### User\n\n- **id**: UUID\n\n### JobOffer (table: job_offers)\n\n- **title**: string\n\n### Invitation\n\n- **email**: string\n\n### Role (Existing)\n\n- **name**: string\n\n### Sanitized Surface\n\nEvery place a secret could leak.\n";

    const TASKS: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Init in src/app.py\n\n## Phase 2: Foundational\n\n- [ ] T002 [P] Create User model in src/models/user.py\n- [ ] T003 [P] Add job_offers table migration in src/db/migrations/001.py\n\n**Checkpoint**: ready\n\n## Phase 3: User Story 1 - Invite (Priority: P1)\n\n- [ ] T004 [US1] Implement invite endpoint in src/api/invite.py\n";

    #[test]
    fn fires_on_an_entity_no_task_names() {
        let found = check("entity-without-task", &[("tasks.md", TASKS), ("data-model.md", MODEL)]);
        assert_eq!(
            found,
            [
                "data-model.md:13: no task names the entity Invitation [fix: Insert a task creating the Invitation model]"
            ]
        );
    }

    #[test]
    fn silent_for_plurals_paths_and_existing_entities() {
        let tasks = TASKS.replace("invite endpoint", "invitations endpoint");
        assert!(check("entity-without-task", &[("tasks.md", &tasks), ("data-model.md", MODEL)]).is_empty());
        let model = "# Data Model\n\n### CommunicationPlanEntity\n\n- **id**: UUID\n\n### XAxisConfig / YAxisConfig\n\n- **min**: number\n";
        let tasks = "- [ ] T001 Create communication_plan table\n- [ ] T002 Add YAxisConfig\n";
        assert!(check("entity-without-task", &[("tasks.md", tasks), ("data-model.md", model)]).is_empty());
    }

    #[test]
    fn the_fix_adds_a_model_task_to_the_foundational_phase() {
        for eol in ["\n", "\r\n"] {
            let tasks = TASKS.replace('\n', eol);
            let files = [("tasks.md", tasks.as_str()), ("data-model.md", MODEL)];
            let line = "- [ ] T003a [P] Create Invitation model in src/models/invitation.py";
            let after = tasks.replace(&format!("001.py{eol}"), &format!("001.py{eol}{line}{eol}"));
            check_fix("entity-without-task", &files, &after);
            assert!(
                check("entity-without-task", &[("tasks.md", &after), ("data-model.md", MODEL)]).is_empty()
            );
        }
    }
}
