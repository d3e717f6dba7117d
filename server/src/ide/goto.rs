//! Go to definition: from anything under the cursor to where the feature
//! defines it. A task ID leads to its task line, a story label to the
//! story's heading in spec.md, `FR-001` to its definition, an entity name
//! to data-model.md, an endpoint or `operationId` to the contract's
//! operation, and a path to the file (a file of the feature, or a path for
//! the adapter to look up on disk).
//!
//! The lookups here (which task lines define an ID, which operations an
//! endpoint names, which feature file a path names) are shared with
//! references and hover.

use super::NavigationTarget;
use super::target::{Target, target_at};
use crate::model::contracts::{ContractDoc, Operation};
use crate::model::feature::{Feature, FeatureFile};
use crate::model::ids::TaskKey;
use crate::model::scan::MentionKind;
use crate::model::scan::paths::normalize_path;
use crate::model::spec::UserStory;
use crate::model::tasks::TasksDoc;
use crate::text::Span;

/// Where go to definition leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Definition {
    /// A place in a file of the feature.
    Feature(NavigationTarget),
    /// A path the documents name that is not a file of the feature, as
    /// written: the adapter looks for it on disk (the repository root,
    /// then the feature folder).
    Disk(Box<str>),
}

/// The definitions of the thing at `offset` of the file `rel`: empty when
/// nothing there has one.
pub fn definition(feature: &Feature, rel: &str, offset: usize) -> Vec<Definition> {
    let Some(target) = target_at(feature, rel, offset) else { return Vec::new() };
    match target {
        Target::Task { key, .. } => task_targets(feature, |k| k == key),
        Target::TaskRange { first, last, .. } => task_targets(feature, |k| first.key <= k && k <= last.key),
        Target::Story { number, .. } => story_targets(feature, number),
        Target::Requirement { id, .. } => requirement_targets(feature, &id),
        Target::Path { path, .. } => path_targets(feature, &path),
        Target::Endpoint { method, path, .. } => {
            operations(feature, &method, &path).map(|(file, op)| navigation(file, op.span, op.span)).collect()
        }
        Target::Entity { name, .. } => entity_targets(feature, &name),
        Target::ChecklistItem { item, .. } => super::checklists::item_definitions(feature, rel, item)
            .into_iter()
            .map(Definition::Feature)
            .collect(),
        Target::Parallel { .. } | Target::Phase { .. } => Vec::new(),
    }
}

fn navigation(file: &FeatureFile, full: Span, focus: Span) -> Definition {
    Definition::Feature(NavigationTarget { file: file.rel.clone(), full, focus })
}

/// Every task line whose key passes `keep`: a repeated ID leads to each of
/// its lines.
fn task_targets(feature: &Feature, keep: impl Fn(TaskKey) -> bool) -> Vec<Definition> {
    let Some((file, doc)) = feature.tasks() else { return Vec::new() };
    doc.tasks.iter().filter(|t| keep(t.key())).map(|t| navigation(file, t.line_span(), t.id_span())).collect()
}

/// The story's heading in spec.md; failing that, the phases of tasks.md
/// that carry the story.
fn story_targets(feature: &Feature, number: u32) -> Vec<Definition> {
    if let Some((file, spec)) = feature.spec() {
        let stories: Vec<Definition> = spec
            .stories
            .iter()
            .filter(|s| s.number == Some(number))
            .map(|s| navigation(file, s.span, story_declaration(file, s)))
            .collect();
        if !stories.is_empty() {
            return stories;
        }
    }
    let Some((file, doc)) = feature.tasks() else { return Vec::new() };
    doc.phases
        .iter()
        .filter(|p| p.story == Some(number))
        .map(|p| navigation(file, p.span, p.title_span))
        .collect()
}

/// The part of a story's heading that names it: `User Story 2` or `US2`
/// when the heading says so, else its title.
pub(crate) fn story_declaration(file: &FeatureFile, story: &UserStory) -> Span {
    let named = file.blocks.as_deref().and_then(|blocks| {
        let block = &blocks.blocks()[blocks.block_at(story.heading.start)?];
        block.scan.mentions.iter().find_map(|m| match m.kind {
            MentionKind::Story { number } if Some(number) == story.number => Some(block.abs(m.span)),
            _ => None,
        })
    });
    named.filter(|span| story.heading.touches(span.start)).unwrap_or(story.title_span)
}

fn requirement_targets(feature: &Feature, id: &str) -> Vec<Definition> {
    let Some((file, spec)) = feature.spec() else { return Vec::new() };
    spec.requirements.iter().filter(|r| &*r.id == id).map(|r| navigation(file, r.span, r.id_span)).collect()
}

fn path_targets(feature: &Feature, path: &str) -> Vec<Definition> {
    match feature_file_named(feature, path) {
        Some(file) => vec![navigation(file, Span::new(0, file.document.len()), Span::empty(0))],
        None => vec![Definition::Disk(path.into())],
    }
}

/// The entity's section in data-model.md; failing that, the spec's Key
/// Entities item.
fn entity_targets(feature: &Feature, name: &str) -> Vec<Definition> {
    if let Some((file, dm)) = feature.data_model() {
        let found: Vec<Definition> = dm
            .entities
            .iter()
            .filter(|e| e.name.eq_ignore_ascii_case(name))
            .map(|e| navigation(file, e.span, e.name_span))
            .collect();
        if !found.is_empty() {
            return found;
        }
    }
    let Some((file, spec)) = feature.spec() else { return Vec::new() };
    spec.entities
        .iter()
        .filter(|e| e.name.eq_ignore_ascii_case(name))
        .map(|e| navigation(file, e.span, e.name_span))
        .collect()
}

/// Indices of every task with this key, in document order.
pub(crate) fn tasks_with_key(doc: &TasksDoc, key: TaskKey) -> impl Iterator<Item = usize> + '_ {
    doc.tasks.iter().enumerate().filter(move |(_, t)| t.key() == key).map(|(i, _)| i)
}

/// The file of the feature a path names: `plan.md`, `./contracts/api.yaml`,
/// `specs/001-auth/spec.md`.
pub(crate) fn feature_file_named<'f>(feature: &'f Feature, path: &str) -> Option<&'f FeatureFile> {
    let path = normalize_path(path);
    let path = path.trim_start_matches('/');
    let inside = match path.find(&format!("{}/", feature.name)) {
        Some(at) if !feature.name.is_empty() && (at == 0 || path[..at].ends_with('/')) => {
            &path[at + feature.name.len() + 1..]
        }
        _ => path,
    };
    feature.file(inside).or_else(|| feature.file(path))
}

/// The same file or directory, however written: a file of the feature by
/// its relative path, anything else normalised (`./src//a.py` is
/// `src/a.py`).
pub(crate) fn path_key(feature: &Feature, path: &str) -> String {
    match feature_file_named(feature, path) {
        Some(file) => file.rel.to_string(),
        None => normalize_path(path).trim_start_matches('/').to_string(),
    }
}

/// The operations of the feature's contracts that `METHOD /path` names.
pub(crate) fn operations<'f>(
    feature: &'f Feature,
    method: &'f str,
    path: &'f str,
) -> impl Iterator<Item = (&'f FeatureFile, &'f Operation)> + 'f {
    feature.contracts().flat_map(move |(file, contract)| {
        contract
            .operations
            .iter()
            .filter(move |op| names_operation(contract, op, method, path))
            .map(move |op| (file, op))
    })
}

/// Whether `METHOD /path` as written names `op`: same method, same path
/// segment by segment (parameters match any segment, whatever their
/// spelling: `{id}`, `:id`, `<id>`), with or without the contract's base
/// path and an `/api` or `/api/vN` prefix.
pub(crate) fn names_operation(contract: &ContractDoc, op: &Operation, method: &str, path: &str) -> bool {
    if !op.method.eq_ignore_ascii_case(method) {
        return false;
    }
    let written = endpoint_segments(path);
    let mut forms = vec![endpoint_segments(&op.path)];
    if let Some(base) = contract.base_path.as_deref() {
        forms.push(endpoint_segments(&format!("{base}/{}", op.path)));
    }
    let strip = |segments: &[String]| -> Vec<String> {
        let mut rest = segments;
        if rest.first().is_some_and(|s| s == "api") {
            rest = &rest[1..];
        }
        if rest
            .first()
            .is_some_and(|s| s.len() >= 2 && s.starts_with('v') && s[1..].bytes().all(|b| b.is_ascii_digit()))
        {
            rest = &rest[1..];
        }
        rest.to_vec()
    };
    let same = |a: &[String], b: &[String]| {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y || x == "{}" || y == "{}")
    };
    forms.iter().any(|form| same(form, &written) || same(&strip(form), &strip(&written)))
}

/// Lower-cased path segments, parameters as `{}`.
fn endpoint_segments(path: &str) -> Vec<String> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| if s.starts_with([':', '{', '<', '[', '$']) { "{}".to_string() } else { s.to_lowercase() })
        .collect()
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    use super::*;
    use crate::testing::{feature_with_cursor, text_of};

    fn check(files: &[(&str, &str)], expect: Expect) {
        let (feature, rel, offset) = feature_with_cursor(files);
        let found: Vec<String> = definition(&feature, &rel, offset)
            .iter()
            .map(|d| match d {
                Definition::Feature(nav) => {
                    let focus = text_of(&feature, &nav.file, nav.focus);
                    let full = text_of(&feature, &nav.file, nav.full);
                    let first_line = full.lines().next().unwrap_or("");
                    let lines = full.trim_end().lines().count();
                    let line = feature.file(&nav.file).map_or(0, |f| f.document.line_of(nav.full.start) + 1);
                    format!("{}:{line} focus {focus:?} in {first_line:?} ({lines} lines)", nav.file)
                }
                Definition::Disk(path) => format!("disk {path}"),
            })
            .collect();
        expect.assert_eq(&found.join("\n"));
    }

    const TASKS: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [x] T001 Create project in src/app.py\n- [ ] T002 [P] Add Invitation model in src/models/invitation.py (depends on T001)\n- [ ] T002 Duplicate id\n\n## Phase 2: User Story 1 - Invite (Priority: P1)\n\n- [ ] T003 [US1] Implement POST /api/invitations per plan.md, covers FR-001\n\n## Dependencies\n\n- T001-T002 before T003\n";

    const SPEC: &str = "# Feature Specification: Invites\n\n### User Story 1 - Invite a teammate (Priority: P1)\n\nText.\n\n## Requirements\n\n- **FR-001**: Owners MUST invite by email.\n";

    const MODEL: &str =
        "# Data Model\n\n## Invitation\n\n| Field | Type |\n|-------|------|\n| id | UUID |\n";

    const OPENAPI: &str = "openapi: 3.0.3\ninfo:\n  title: Invites\n  version: 1.0.0\npaths:\n  /api/invitations:\n    post:\n      operationId: createInvitation\n      summary: Invite\n";

    #[test]
    fn a_task_reference_leads_to_its_line() {
        let tasks = TASKS.replace("(depends on T001)", "(depends on T0$001)");
        check(
            &[("tasks.md", &tasks)],
            expect![[r#"tasks.md:5 focus "T001" in "- [x] T001 Create project in src/app.py" (1 lines)"#]],
        );
    }

    #[test]
    fn a_repeated_id_leads_to_every_line_and_a_range_to_its_tasks() {
        let tasks = TASKS.replace("T001-T002 before", "T001-T002$0 before");
        check(
            &[("tasks.md", &tasks)],
            expect![[r#"
                tasks.md:6 focus "T002" in "- [ ] T002 [P] Add Invitation model in src/models/invitation.py (depends on T001)" (1 lines)
                tasks.md:7 focus "T002" in "- [ ] T002 Duplicate id" (1 lines)"#]],
        );
        let tasks = TASKS.replace("T001-T002 before", "T001 thr$0ough T002 before");
        check(
            &[("tasks.md", &tasks)],
            expect![[r#"
                tasks.md:5 focus "T001" in "- [x] T001 Create project in src/app.py" (1 lines)
                tasks.md:6 focus "T002" in "- [ ] T002 [P] Add Invitation model in src/models/invitation.py (depends on T001)" (1 lines)
                tasks.md:7 focus "T002" in "- [ ] T002 Duplicate id" (1 lines)"#]],
        );
    }

    #[test]
    fn labels_and_requirements_lead_to_the_spec() {
        let tasks = TASKS.replace("[US1]", "[US$01]");
        check(
            &[("tasks.md", &tasks), ("spec.md", SPEC)],
            expect![[
                r####"spec.md:3 focus "User Story 1" in "### User Story 1 - Invite a teammate (Priority: P1)" (3 lines)"####
            ]],
        );
        let tasks = TASKS.replace("FR-001", "FR-001$0");
        check(
            &[("tasks.md", &tasks), ("spec.md", SPEC)],
            expect![[
                r#"spec.md:9 focus "FR-001" in "- **FR-001**: Owners MUST invite by email." (1 lines)"#
            ]],
        );
    }

    #[test]
    fn a_story_missing_from_the_spec_leads_to_its_phase() {
        let tasks = TASKS.replace("[US1]", "[US1$0]");
        check(
            &[("tasks.md", &tasks)],
            expect![[
                r###"tasks.md:9 focus "Phase 2: User Story 1 - Invite (Priority: P1)" in "## Phase 2: User Story 1 - Invite (Priority: P1)" (3 lines)"###
            ]],
        );
    }

    #[test]
    fn paths_lead_to_feature_files_or_to_the_disk() {
        let tasks = TASKS.replace("per plan.md", "per pl$0an.md");
        check(
            &[("tasks.md", &tasks), ("plan.md", "# Plan\n")],
            expect![[r##"plan.md:1 focus "" in "# Plan" (1 lines)"##]],
        );
        let tasks = TASKS.replace("src/app.py", "src/a$0pp.py");
        check(&[("tasks.md", &tasks)], expect![[r#"disk src/app.py"#]]);
    }

    #[test]
    fn entities_and_endpoints_lead_to_the_data_model_and_contracts() {
        let tasks = TASKS.replace("Add Invitation", "Add Invi$0tation");
        check(
            &[("tasks.md", &tasks), ("data-model.md", MODEL)],
            expect![[r###"data-model.md:3 focus "Invitation" in "## Invitation" (5 lines)"###]],
        );
        let tasks = TASKS.replace("POST /api", "PO$0ST /api");
        check(
            &[("tasks.md", &tasks), ("contracts/openapi.yaml", OPENAPI)],
            expect![[r#"contracts/openapi.yaml:7 focus "post" in "post" (1 lines)"#]],
        );
        let spec = format!("{SPEC}\nSee createInv$0itation.\n");
        check(
            &[("spec.md", &spec), ("contracts/openapi.yaml", OPENAPI)],
            expect![[r#"contracts/openapi.yaml:7 focus "post" in "post" (1 lines)"#]],
        );
    }

    #[test]
    fn multi_byte_text_crlf_and_nothing_under_the_cursor() {
        let tasks = "## Phase 1: Données\r\n\r\n- [ ] T001 Créer le modèle « Invitation » in src/modèle.py\r\n- [ ] T002 Après T0$001\r\n";
        check(
            &[("tasks.md", tasks)],
            expect![[
                r#"tasks.md:3 focus "T001" in "- [ ] T001 Créer le modèle « Invitation » in src/modèle.py" (1 lines)"#
            ]],
        );
        check(&[("tasks.md", "- [ ] T001 Créer le mo$0dèle\n")], expect![[""]]);
    }

    #[test]
    fn endpoints_match_across_parameter_spellings_and_prefixes() {
        let contract = ContractDoc { base_path: Some("/api/v1".into()), ..ContractDoc::default() };
        let op = |method: &str, path: &str| Operation {
            method: method.into(),
            path: path.into(),
            operation_id: None,
            summary: None,
            span: Span::default(),
            path_span: Span::default(),
        };
        assert!(names_operation(&contract, &op("GET", "/users/{id}"), "GET", "/api/v1/users/:userId"));
        assert!(names_operation(&contract, &op("GET", "/users/{id}"), "get", "/users/42"));
        assert!(!names_operation(&contract, &op("GET", "/users/{id}"), "POST", "/users/{id}"));
        assert!(!names_operation(&contract, &op("GET", "/users"), "GET", "/users/{id}"));
    }
}
