//! The three task-document templates specls was created from (vendored
//! from the project's shared seed folder into `tests/fixtures/seeds/`, so the test needs
//! nothing outside the repository) dump with exactly the tasks, phases, labels, paths
//! and edges they contain.

use std::path::PathBuf;

use specls::model::file::MarkdownFile;
use specls::model::tasks::{PhaseKind, TasksDoc};

fn seed(prefix: &str) -> (String, MarkdownFile) {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds"));
    let path = std::fs::read_dir(&dir)
        .expect("vendored seeds")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()));
    let text = std::fs::read_to_string(&path).expect("seed is UTF-8");
    (path.file_name().unwrap().to_string_lossy().into_owned(), MarkdownFile::load(&text))
}

fn ids(doc: &TasksDoc, indices: &[usize]) -> Vec<String> {
    indices.iter().map(|&i| doc.tasks[i].id().to_string()).collect()
}

fn range(first: usize, last: usize) -> Vec<String> {
    (first..=last).map(|n| format!("T{n:03}")).collect()
}

fn edges(doc: &TasksDoc) -> Vec<String> {
    doc.edges.iter().map(|e| format!("{}->{}", e.from, e.to)).collect()
}

fn parallel(doc: &TasksDoc) -> Vec<String> {
    doc.tasks.iter().filter(|t| t.parallel).map(|t| t.id().to_string()).collect()
}

fn paths(doc: &TasksDoc, id: &str) -> Vec<String> {
    let task = doc.tasks.iter().find(|t| &*t.id().text == id).unwrap();
    task.paths().map(|(p, _)| p.to_string()).collect()
}

#[test]
fn seed_000_python_backend_old_layout() {
    let (name, file) = seed("000_");
    let doc = TasksDoc::from_blocks(file.blocks());
    assert_eq!(doc.tasks.len(), 33);
    assert!(doc.tasks.iter().all(|t| t.is_canonical() && !t.done() && t.story().is_none()));
    let phases: Vec<_> = doc.phases.iter().map(|p| (p.number.as_deref().unwrap(), p.kind)).collect();
    assert_eq!(
        phases,
        [
            ("3.1", PhaseKind::Setup),
            ("3.2", PhaseKind::Tests),
            ("3.3", PhaseKind::Core),
            ("3.4", PhaseKind::Integration),
            ("3.5", PhaseKind::Polish)
        ]
    );
    let per_phase: Vec<_> = doc.phases.iter().map(|p| ids(&doc, &p.tasks)).collect();
    assert_eq!(per_phase, [range(1, 5), range(6, 10), range(11, 18), range(19, 25), range(26, 33)]);
    assert_eq!(
        parallel(&doc),
        [
            "T003", "T004", "T005", "T006", "T007", "T008", "T009", "T010", "T011", "T012", "T013", "T026",
            "T028", "T029"
        ]
    );
    assert_eq!(paths(&doc, "T001"), ["src/", "tests/", "scripts/", "docs/"]);
    assert_eq!(paths(&doc, "T006"), ["tests/test_users_api.py"]);
    assert_eq!(
        paths(&doc, "T007"),
        ["tests/test_users_api.py"],
        "two [P] tasks on one file: data for a rule"
    );
    assert_eq!(paths(&doc, "T015"), Vec::<String>::new());
    // "Tests (T006-T010) MUST complete before implementation (T011-T018)"
    let mut expected: Vec<String> = Vec::new();
    for dependent in 11..=18 {
        for prerequisite in 6..=10 {
            expected.push(format!("T{dependent:03}->T{prerequisite:03}"));
        }
    }
    // "T011-T012 (models) before T013", "T014-T016 (API) requires T013",
    // "T019-T020 (DB setup) before T021"; "All implementation before
    // polish (T026-T033)" names no task on its left and adds nothing.
    expected.extend(
        ["T013->T011", "T013->T012", "T014->T013", "T015->T013", "T016->T013", "T021->T019", "T021->T020"]
            .map(String::from),
    );
    assert_eq!(edges(&doc), expected);
    insta::assert_json_snapshot!("seed_000", doc.to_dump(file.document(), &name));
}

#[test]
fn seed_001_multi_tenant_with_gates() {
    let (name, file) = seed("001_");
    let doc = TasksDoc::from_blocks(file.blocks());
    assert_eq!(doc.tasks.len(), 23);
    let per_phase: Vec<_> = doc.phases.iter().map(|p| ids(&doc, &p.tasks)).collect();
    assert_eq!(per_phase, [range(1, 3), range(4, 7), range(8, 14), range(15, 18), range(19, 23)]);
    assert_eq!(
        parallel(&doc),
        ["T003", "T004", "T005", "T006", "T007", "T008", "T009", "T010", "T019", "T021"]
    );
    assert_eq!(paths(&doc, "T006"), ["tests/contract/events/test_school_created_event.py"]);
    assert_eq!(paths(&doc, "T011"), Vec::<String>::new(), "an endpoint is not a path");
    let all = edges(&doc);
    assert_eq!(all.len(), 7 * 4 + 4);
    assert!(all.starts_with(&["T008->T004".to_string()]));
    assert_eq!(&all[28..], ["T009->T008", "T015->T008", "T016->T010", "T023->T017"]);
    insta::assert_json_snapshot!("seed_001", doc.to_dump(file.document(), &name));
}

#[test]
fn seed_002_web_app_story_layout() {
    let (name, file) = seed("002_");
    let doc = TasksDoc::from_blocks(file.blocks());
    assert_eq!(doc.tasks.len(), 31);
    let phases: Vec<_> = doc.phases.iter().map(|p| (p.kind, p.story, p.priority, p.tasks.len())).collect();
    assert_eq!(
        phases,
        [
            (PhaseKind::Setup, None, None, 3),
            (PhaseKind::Foundational, None, None, 6),
            (PhaseKind::UserStory, Some(1), Some(1), 6),
            (PhaseKind::UserStory, Some(2), Some(2), 5),
            (PhaseKind::UserStory, Some(3), Some(3), 5),
            (PhaseKind::Polish, None, None, 6),
        ]
    );
    let story1 = &doc.phases[2];
    assert!(
        story1.mvp
            && story1.goal.is_some()
            && story1.independent_test.is_some()
            && story1.checkpoint.is_some()
    );
    let subsections: Vec<_> = story1.subsections.iter().map(|s| ids(&doc, &s.tasks)).collect();
    assert_eq!(subsections, [range(10, 11), range(12, 15)]);
    let labels: Vec<_> = doc.tasks.iter().map(|t| t.story()).collect();
    assert!(labels[..9].iter().all(Option::is_none));
    assert!(labels[9..15].iter().all(|s| *s == Some(1)));
    assert!(labels[25..].iter().all(Option::is_none));
    assert_eq!(paths(&doc, "T012"), ["backend/[file].py"], "placeholder paths are data");
    assert_eq!(paths(&doc, "T005"), ["src/inference_settings.json", "src/app/utils/configManager.ts"]);
    assert!(edges(&doc).is_empty(), "its Dependencies section is prose about phases");
    insta::assert_json_snapshot!("seed_002", doc.to_dump(file.document(), &name));
}
