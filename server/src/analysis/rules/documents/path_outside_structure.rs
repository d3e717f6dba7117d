use std::cell::OnceCell;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

use crate::analysis::facts::unplanned::{Unplanned, kept_unplanned};
use crate::analysis::facts::{BlockFacts, same};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::ScannedBlock;
use crate::model::feature::DocModel;
use crate::model::plan::{PlanDoc, StructurePath};
use crate::model::scan::MentionKind;
use crate::text::Span;

/// The paths of the plan template's option trees.
const TEMPLATE_TREE: &[&str] = &[
    "src/",
    "src/models/",
    "src/services/",
    "src/cli/",
    "src/lib/",
    "tests/",
    "tests/contract/",
    "tests/integration/",
    "tests/unit/",
    "backend/",
    "backend/src/",
    "backend/src/models/",
    "backend/src/services/",
    "backend/src/api/",
    "backend/tests/",
    "frontend/",
    "frontend/src/",
    "frontend/src/components/",
    "frontend/src/pages/",
    "frontend/src/services/",
    "frontend/tests/",
    "api/",
    "ios/",
    "android/",
];

/// At most this many paths are named in one message.
const LISTED: usize = 3;

declare_rule! {
    /// ## What it does
    /// Reports a path named by a task that lies outside the Project
    /// Structure of plan.md.
    ///
    /// No directory of the structure contains it and no file of the
    /// structure is it. Each unplanned folder is reported
    /// once, at the first task that names a path in it, with the paths
    /// under it (`backend/migrations/` for `backend/migrations/001.sql` and
    /// `002.sql` when the tree draws `backend/src/`).
    ///
    /// A path is inside when it starts with a directory of the structure
    /// (`src/models/user.py` under `src/`), equals a file of it, or is
    /// itself a directory that holds structure paths (`backend/` when the
    /// tree draws `backend/src/`).
    ///
    /// Tasks often write paths relative to a source root the tree draws,
    /// so a path also counts as inside when it matches the tail of a
    /// structure path (`partnership/domain/Plan.kt` for
    /// `application/src/main/kotlin/.../partnership/domain/Plan.kt`), and
    /// a file beside planned directories (`frontend/package.json` next to
    /// `frontend/src/`) belongs to the planned project.
    ///
    /// Left alone: bare file names without a directory (`README.md`,
    /// `package.json`: where they live is not written down), documentation
    /// (`docs/...`, where the tasks template sends updates), paths with
    /// template placeholders (`src/[location]/[file].py`, reported by
    /// `template-placeholder`), the feature's own documents (`specs/...`,
    /// `contracts/...`, `checklists/...`), paths leaving the repository
    /// (`../`, `~/`), installed tools (`node_modules/...`) and scripts a
    /// task runs (`` `./tools/test_unit.sh --fast` ``). Silent when plan.md
    /// draws no source tree, or only the template's own `[REMOVE IF
    /// UNUSED]` option trees.
    ///
    /// ## Why is this bad?
    /// The plan's structure is the agreed map of where the feature's code
    /// goes. A task that writes elsewhere either found a gap in the plan
    /// or drifts from it; either way the plan or the task should change so
    /// that reviewers can trust the map.
    ///
    /// ## Example
    /// ````markdown
    /// <!-- plan.md -->
    /// ```text
    /// backend/
    /// ├── src/
    /// └── tests/
    /// ```
    ///
    /// <!-- tasks.md -->
    /// - [ ] T012 [US1] Add the invite form in frontend/src/InviteForm.tsx
    /// ````
    ///
    /// ## Fix
    /// Add the directory to the plan's Project Structure, or move the work
    /// to a planned location. There is no quick fix.
    pub struct PathOutsideStructure { code: "path-outside-structure", severity: Info }
}

impl Rule for PathOutsideStructure {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((tasks_file, tasks)) = cx.tasks() else { return };
        let Some((plan_file, plan)) = cx.feature.plan() else { return };
        let DocModel::Plan(plan_doc) = &plan_file.model else { return };
        // The template's own `[REMOVE IF UNUSED]` option trees say nothing
        // about this feature (template-placeholder reports them).
        let structure: Vec<&StructurePath> = plan
            .source_paths()
            .filter(|p| p.in_tree && !(p.template_option && TEMPLATE_TREE.contains(&&*p.path)))
            .collect();
        let Some(first_entry) = structure.first() else { return };
        let map = OnceCell::new();
        let map = || map.get_or_init(|| Structure::new(&structure));
        let own_documents: Vec<&str> =
            cx.feature.files.iter().map(|f| f.rel.split('/').next().unwrap_or("")).collect();

        // Unplanned places in order of first use, with the paths under them.
        let mut order: Vec<String> = Vec::new();
        let mut places: HashMap<String, (Span, Vec<String>)> = HashMap::new();
        let mut note = |block: &ScannedBlock, unplanned: &[Unplanned]| {
            for unplanned in unplanned {
                let span = block.abs(unplanned.span);
                let line = tasks_file.document.line_span(tasks_file.document.line_of(span.start));
                if is_command(&tasks_file.document.slice(line), span.start - line.start, &unplanned.raw)
                    || is_own_document(&unplanned.path, &own_documents)
                {
                    continue;
                }
                let entry = places.entry(unplanned.place.clone()).or_insert_with(|| {
                    order.push(unplanned.place.clone());
                    (span, Vec::new())
                });
                if !entry.1.contains(&unplanned.path) {
                    entry.1.push(unplanned.path.clone());
                }
            }
        };
        // Most tasks' facts hold that they name no path outside this plan's
        // structure: the table says which, and they are not read.
        let in_plan = &cx.kept().in_plan;
        for index in (0..tasks.tasks.len()).filter(|&index| !in_plan[index]) {
            let task = &tasks.tasks[index];
            // The facts hold a block's paths when they were checked against
            // this plan before: the table has them.
            match &cx.kept().unplanned[index] {
                Some(kept) => note(&task.block, kept),
                None => note(&task.block, &unplanned_in(&task.block, plan_doc, map)),
            }
            // The table's detail entries first: most tasks have none, and
            // then their task's own list is not read.
            let details = cx.details(index);
            if details.is_empty() {
                continue;
            }
            for (detail, facts) in task.details.iter().zip(details) {
                match &facts.unplanned {
                    Some(kept) => note(detail, kept),
                    None => note(detail, &unplanned_in(detail, plan_doc, map)),
                }
            }
        }
        for place in order {
            let (span, paths) = &places[&place];
            let mut message = format!("{place} is outside the Project Structure of plan.md");
            if paths.len() > 1 || paths[0] != place {
                let listed: Vec<&str> = paths.iter().take(LISTED).map(String::as_str).collect();
                message.push_str(&format!(": {}", listed.join(", ")));
                if paths.len() > LISTED {
                    message.push_str(&format!(" and {} more", paths.len() - LISTED));
                }
            }
            out.push(cx.report(Self::META.default_severity, tasks_file, *span, message).with_related(
                &plan_file.rel,
                first_entry.span,
                "the Project Structure",
            ));
        }
    }
}

/// The paths of `block` outside the structure of `plan`, kept in the
/// block's facts until the plan changes: a re-analysis after an edit of
/// tasks.md compares nothing but the rescanned block's paths.
fn unplanned_in<'m>(
    block: &ScannedBlock,
    plan: &Arc<PlanDoc>,
    map: impl FnOnce() -> &'m Structure,
) -> Arc<[Unplanned]> {
    let facts = BlockFacts::of(&block.scan);
    let is_plan = |key: &Weak<PlanDoc>| same(key, plan);
    facts.unplanned.get(is_plan, || {
        let map = map();
        let unplanned = block
            .scan
            .mentions
            .iter()
            .filter_map(|m| match &m.kind {
                MentionKind::Path { path } => Some((m.span, path)),
                _ => None,
            })
            .filter_map(|(span, raw)| {
                let path = normalize(raw)?;
                (!map.contains(&path)).then(|| Unplanned {
                    span,
                    raw: raw.clone(),
                    place: map.first_unplanned(&path),
                    path,
                })
            })
            .collect();
        (Arc::downgrade(plan), kept_unplanned(unplanned))
    })
}

/// The structure's paths, and each of them without its leading folders:
/// tasks often write paths relative to a source root the tree draws
/// (`partnership/domain/Plan.kt` for
/// `application/src/main/kotlin/.../partnership/domain/Plan.kt`).
struct Structure {
    paths: Vec<String>,
}

impl Structure {
    fn new(entries: &[&StructurePath]) -> Self {
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.path.trim_start_matches("./");
            paths.push(path.to_string());
            let mut rest = path;
            while let Some((_, tail)) = rest.split_once('/') {
                if tail.is_empty() {
                    break;
                }
                paths.push(tail.to_string());
                rest = tail;
            }
        }
        paths.sort_unstable();
        paths.dedup();
        Structure { paths }
    }

    /// The shortest folder of `path` that the structure does not hold
    /// (`backend/migrations/` of `backend/migrations/001.sql` when the
    /// tree draws `backend/src/`), or `path` itself.
    fn first_unplanned(&self, path: &str) -> String {
        path.match_indices('/')
            .map(|(i, _)| &path[..=i])
            .find(|folder| !self.contains(folder))
            .unwrap_or(path)
            .to_string()
    }

    fn contains(&self, path: &str) -> bool {
        let as_dir = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
        // A file beside planned directories (`frontend/package.json` next to
        // `frontend/src/`) belongs to the planned project.
        let parent =
            (!path.ends_with('/')).then(|| path.rsplit_once('/').map(|(dir, _)| format!("{dir}/"))).flatten();
        self.paths.iter().any(|s| {
            (s.ends_with('/') && path.starts_with(s.as_str()))
                || s == path
                || s.starts_with(&as_dir)
                || parent.as_deref().is_some_and(|p| s.starts_with(p))
        })
    }
}

/// The task's path in the form structure paths are written, or `None` for
/// paths this rule leaves alone.
fn normalize(raw: &str) -> Option<String> {
    let path = raw.replace('\\', "/");
    if path.contains(['[', ']', '<', '>']) || path.starts_with("../") || path.starts_with("~/") {
        return None;
    }
    // Installed tools, not the feature's code.
    if ["node_modules/", ".venv/", "venv/", ".git/"]
        .iter()
        .any(|dir| path.trim_start_matches("./").starts_with(dir))
    {
        return None;
    }
    let path = path.trim_start_matches("./").trim_start_matches('/');
    if !path.trim_end_matches('/').contains('/') {
        return None; // a bare name: where it lives is not written down
    }
    Some(path.to_string())
}

/// `` `MODE=ci ./tools/test_unit.sh tests/unit` ``: a script the task runs,
/// not a file it writes.
fn is_command(line: &str, at: usize, raw: &str) -> bool {
    let Some(before) = line.get(..at) else { return false };
    raw.starts_with("./")
        && before.matches('`').count() % 2 == 1
        && before.rsplit('`').next().is_some_and(|run| run.split_whitespace().all(|word| word.contains('=')))
}

/// `specs/001-x/plan.md`, `contracts/api.yaml`, `checklists/`, `docs/`:
/// documents, not source code.
fn is_own_document(path: &str, own: &[&str]) -> bool {
    let first = path.split('/').next().unwrap_or("");
    // `docs/` too: the tasks template sends documentation updates there,
    // and plans draw source trees.
    matches!(first, "specs" | ".specify" | "docs" | "doc") || own.contains(&first)
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const PLAN: &str = "# Plan\n\n## Project Structure\n\n```text\nbackend/\n├── src/\n│   └── models/\n└── tests/\nMakefile\n```\n";

    fn run(tasks: &str) -> Vec<String> {
        check(
            "path-outside-structure",
            &[("plan.md", PLAN), ("tasks.md", tasks), ("contracts/api.yaml", "openapi: 3.0.0\n")],
        )
    }

    #[test]
    fn fires_once_per_unplanned_folder_at_its_first_task() {
        let found = run(
            "# Tasks\n\n- [ ] T001 Add form in frontend/src/Form.tsx\n- [ ] T002 Style frontend/src/Form.tsx in frontend/Form.css\n- [ ] T003 Add infra/deploy.yaml and docs/invites.md\n",
        );
        assert_eq!(
            found,
            [
                "tasks.md:3: frontend/ is outside the Project Structure of plan.md: frontend/src/Form.tsx, frontend/Form.css",
                "tasks.md:5: infra/ is outside the Project Structure of plan.md: infra/deploy.yaml",
            ]
        );
    }

    #[test]
    fn silent_inside_the_structure_and_on_paths_it_leaves_alone() {
        let tasks = "# Tasks\n\n- [ ] T001 Model in backend/src/models/invite.py\n- [ ] T002 Create backend/ layout\n- [ ] T003 Update Makefile and README.md\n- [ ] T004 Test contracts/api.yaml in backend/tests/test_api.py\n- [ ] T005 Fill src/[location]/[file].py\n- [ ] T006 Update specs/001-fixture/plan.md\n";
        assert!(run(tasks).is_empty(), "{:?}", run(tasks));
    }

    #[test]
    fn a_tree_under_a_root_folder_accepts_paths_without_it() {
        let plan = "# Plan\n\n## Project Structure\n\n```text\ninvites-app/\n├── src/\n└── tests/\n```\n";
        let tasks = "# Tasks\n\n- [ ] T001 Model in src/invite.py\n";
        assert!(check("path-outside-structure", &[("plan.md", plan), ("tasks.md", tasks)]).is_empty());
    }

    #[test]
    fn tails_of_structure_paths_project_files_and_commands_are_inside() {
        let plan = "# Plan\n\n## Project Structure\n\n```text\napp/src/main/kotlin/org/\n└── partnership/\n    └── domain/\nfrontend/src/\n└── App.tsx\n```\n";
        let tasks = "# Tasks\n\n- [ ] T001 Model in partnership/domain/Plan.kt\n- [ ] T002 Update frontend/package.json\n- [ ] T003 Run `CI=1 ./tools/test_unit.sh --fast` and node_modules/.bin/tsc\n- [ ] T004 Add frontend/migrations/001.sql\n";
        assert_eq!(
            check("path-outside-structure", &[("plan.md", plan), ("tasks.md", tasks)]),
            [
                "tasks.md:6: frontend/migrations/ is outside the Project Structure of plan.md: frontend/migrations/001.sql"
            ]
        );
    }

    #[test]
    fn silent_when_the_plan_keeps_only_template_options() {
        let plan = "# Plan\n\n## Project Structure\n\n```text\n# [REMOVE IF UNUSED] Option 1: Single project (DEFAULT)\nsrc/\n├── models/\n└── lib/\n```\n";
        let tasks = "# Tasks\n\n- [ ] T001 Add lib/src/chart.dart\n";
        assert!(check("path-outside-structure", &[("plan.md", plan), ("tasks.md", tasks)]).is_empty());
    }

    #[test]
    fn real_paths_under_a_kept_option_label_count() {
        let plan = "# Plan\n\n## Project Structure\n\n```text\n# [REMOVE IF UNUSED] Option 1: Single project (DEFAULT)\nsrc/\n└── invites/\n```\n";
        let tasks = "# Tasks\n\n- [ ] T001 Add src/invites/model.py\n- [ ] T002 Add lib/chart.dart\n";
        assert_eq!(
            check("path-outside-structure", &[("plan.md", plan), ("tasks.md", tasks)]),
            ["tasks.md:4: lib/ is outside the Project Structure of plan.md: lib/chart.dart"]
        );
    }

    #[test]
    fn silent_without_a_source_tree() {
        let plan = "# Plan\n\n## Summary\n\nNo tree.\n";
        let tasks = "# Tasks\n\n- [ ] T001 Add form in frontend/src/Form.tsx\n";
        assert!(check("path-outside-structure", &[("plan.md", plan), ("tasks.md", tasks)]).is_empty());
    }
}
