//! Property: analysis keeps per-block facts across edits (see
//! `analysis/facts/`), some of them keyed on other documents (the plan,
//! the spec, the contracts). Whatever sequence of edits lands in whichever
//! files, with an analysis after each one filling those caches, the final
//! analysis must equal the analysis of a feature loaded fresh from the
//! final texts.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use specls::analysis::graph::TaskGraph;
use specls::analysis::{RuleConfig, analyze, analyze_on_two_threads};
use specls::fuzzing::CASE_CHANGING;
use specls::model::feature::{Feature, FeatureFile};
use specls::model::file::MarkdownFile;
use specls::model::kind::DocumentKind;
use specls::model::tasks::TasksDoc;
use specls::text::{ContentChange, PositionEncoding, PositionRange};

/// The example feature: realistic documents with planted mistakes, so
/// most rules have something to find and something to stop finding.
fn example_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/specs/001-team-invites")
}

const FILES: [&str; 5] = ["tasks.md", "plan.md", "spec.md", "data-model.md", "contracts/openapi.yaml"];

/// Text that changes what rules see: task lines, labels, paths, [P],
/// dependencies, stories, requirements, entities, structure, endpoints,
/// sections that make tasks tests or about contracts.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("\n".to_string()),
        Just("- [ ] T001 [P] [US1] Create model in src/models/invite.py\n".to_string()),
        Just(
            "- [ ] T050 [P] [US9] Contract test POST /invites in tests/contract/test_invites.py\n"
                .to_string()
        ),
        Just("- [x] T051 Implement endpoint in backend/src/api/invites.py (depends on T052)\n".to_string()),
        Just("- [ ] T052 [US1] Unit tests in tests/unit/test_invites.py\n".to_string()),
        Just("  **Status**: COMPLETE\n".to_string()),
        Just("- T003 blocks T001\n".to_string()),
        Just("\n| ID | Task |\n|----|------|\n| T060 | [ ] [US1] Row task in src/row.py |\n".to_string()),
        Just("| T061 | [x] Another row |\n".to_string()),
        Just("## Phase 9: User Story 2 - Revoke (Priority: P2)\n".to_string()),
        Just(" User Stories 2 & 3 ".to_string()),
        Just("## Dependencies\n".to_string()),
        Just("### User Story 3 - Audit (Priority: P3)\n".to_string()),
        Just("### Tests for User Story 1\n".to_string()),
        Just("## Phase 3.2: Contract Tests First (TDD)\n".to_string()),
        Just("### Implementation\n".to_string()),
        Just("- **FR-009**: System MUST audit [NEEDS CLARIFICATION: how long?]\n".to_string()),
        Just("(FR-002) ".to_string()),
        Just("### Membership\n\n- **role**: enum\n".to_string()),
        Just("├── lib/\n".to_string()),
        Just("  /teams/{id}/audit:\n    get:\n      summary: audit\n".to_string()),
        Just("[ENTITY NAME]".to_string()),
        Just("```\n".to_string()),
        Just("<!-- specls-disable-next-line -->\n".to_string()),
        Just("é😀".to_string()),
        // Letters whose case mapping changes their length, where rules
        // read keys, titles and words in any case.
        Just("İ: plan.md (required), research.md ✅\n".to_string()),
        Just("**PrerequisitesȺ**: plan.md (required)\n".to_string()),
        Just("- **FR-010**: \u{212A} search MUST be fast\n".to_string()),
        Just("## Phase 8: ẞ User Story 1 Ⱦests\n".to_string()),
        prop::sample::select(CASE_CHANGING).prop_map(str::to_string),
        Just("\n\0\n".to_string()),
        Just("\u{b}".to_string()),
        "[a-zA-Z0-9 /._\\[\\]\\-İȺȾ\u{212A}ẞßŉǰΐ:]{0,8}".prop_map(|s| s),
    ]
}

#[derive(Debug, Clone)]
struct Edit {
    file: usize,
    start: f64,
    len: f64,
    insert: String,
}

fn edit() -> impl Strategy<Value = Edit> {
    (0..FILES.len(), 0.0..=1.0f64, 0.0..=1.0f64, prop::collection::vec(fragment(), 0..3)).prop_map(
        |(file, start, len, parts)| Edit { file, start, len: len * len * 0.2, insert: parts.concat() },
    )
}

/// One editor-open copy of each file, as the language server keeps them.
struct Workspace {
    root: PathBuf,
    files: Vec<MarkdownFile>,
    feature: Feature,
}

impl Workspace {
    fn open(root: &Path) -> Option<Self> {
        let mut feature = Feature::new(root.to_path_buf());
        let mut files = Vec::new();
        for rel in FILES {
            let text = std::fs::read_to_string(root.join(rel)).ok()?;
            let file = MarkdownFile::open(&text, 1);
            feature.upsert(feature_file(root, rel, &file, None));
            files.push(file);
        }
        Some(Workspace { root: root.to_path_buf(), files, feature })
    }

    fn apply(&mut self, e: &Edit, version: i32) {
        let encoding = PositionEncoding::Utf16;
        let file = &mut self.files[e.file];
        let doc = file.document();
        let len = doc.len();
        let start = ((e.start * len as f64) as usize).min(len);
        let end = (start + (e.len * len as f64) as usize).min(len);
        let range = PositionRange::new(doc.position_of(start, encoding), doc.position_of(end, encoding));
        file.apply_changes(&[ContentChange::replace(range, e.insert.clone())], encoding, version);
        // As the language server does: the model built from the last
        // version's, graphs carried over.
        let edited = feature_file(&self.root, FILES[e.file], file, self.feature.file(FILES[e.file]));
        self.feature.upsert(edited);
    }

    /// The same documents loaded from their current text, no history.
    fn fresh(&self) -> Feature {
        let mut feature = Feature::new(self.root.clone());
        for (rel, file) in FILES.iter().zip(&self.files) {
            let path = self.root.join(rel);
            let kind = DocumentKind::of_path(Path::new(rel)).expect("a spec document");
            feature.upsert(FeatureFile::from_text(path, rel, kind, &file.document().text()));
        }
        feature
    }
}

fn feature_file(root: &Path, rel: &str, file: &MarkdownFile, older: Option<&FeatureFile>) -> FeatureFile {
    let path = root.join(rel);
    let kind = DocumentKind::of_path(Path::new(rel)).expect("a spec document");
    if kind == DocumentKind::Contract && !DocumentKind::is_markdown_contract(&path) {
        let built = FeatureFile::from_text(path, rel, kind, &file.document().text());
        if let Some(older) = older {
            built.inherit(older);
        }
        return built;
    }
    FeatureFile::from_markdown_after(path, rel, kind, file, older)
}

fn check(edits: &[Edit]) {
    let Some(mut workspace) = Workspace::open(&example_root()) else {
        panic!("the example feature folder is part of the repository: {}", example_root().display());
    };
    let config = RuleConfig::default();
    let mut before = analyze(&workspace.feature, &config);
    for (step, e) in edits.iter().enumerate() {
        workspace.apply(e, step as i32 + 2);
        // Each analysis fills the facts of the blocks it reads, for the
        // documents of that moment: the next one must not trust stale ones.
        // The server runs long analyses on two threads: they fill the same
        // facts, from two contexts at once.
        let each = if step % 2 == 0 { analyze } else { analyze_on_two_threads };
        before = each(&workspace.feature, &config);
    }
    let fresh_feature = workspace.fresh();
    let fresh = analyze(&fresh_feature, &config);
    assert_eq!(before, fresh);
    assert_eq!(analyze_on_two_threads(&workspace.feature, &config), fresh);
    // The graph may be an earlier version's, reused: it must be the one a
    // fresh build gives, and answer the same.
    let graph = |feature: &Feature, build: fn(&TasksDoc) -> TaskGraph| {
        feature.tasks().map(|(_, doc)| {
            let graph = build(doc);
            (graph.schedule(doc), graph.ready(), graph.cycles().to_vec(), graph.critical_path(), graph)
        })
    };
    assert_eq!(
        graph(&workspace.feature, |doc| TaskGraph::of(doc).clone()),
        graph(&fresh_feature, TaskGraph::build)
    );
}

proptest! {
    // PROPTEST_CASES raises the count for a longer soak run.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(200),
        .. ProptestConfig::default()
    })]

    #[test]
    fn analysis_after_edits_equals_a_fresh_analysis(edits in prop::collection::vec(edit(), 1..10)) {
        check(&edits);
    }
}

#[test]
fn the_example_feature_has_findings_for_the_property_to_disturb() {
    let workspace = Workspace::open(&example_root()).expect("the example feature folder");
    let found = analyze(&workspace.feature, &RuleConfig::default());
    assert!(found.len() >= 5, "the example plants mistakes; found {}", found.len());
}
