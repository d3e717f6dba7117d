//! The document models over every real spec.md, plan.md, data-model.md and
//! contract of `../shared/corpus`: nothing panics and the totals are sensible
//! (most specs have stories and requirements, most plans a technical context).
//! Moved here from `server/src/model/*` so that unit tests stay hermetic.

use specls::model::blocks::BlockList;
use specls::model::contracts::ContractDoc;
use specls::model::data_model::DataModelDoc;
use specls::model::plan::PlanDoc;
use specls::model::spec::SpecDoc;
use specls::text::Document;

use specls_tests::{corpus, files_named, files_where, read_lossy};

fn blocks_of(text: &str) -> (Document, BlockList) {
    let doc = Document::new(text, 0);
    let blocks = BlockList::parse(doc.rope());
    (doc, blocks)
}

#[test]
fn corpus_specs_parse_with_sensible_totals() {
    let Some(root) = corpus() else { return };
    let files = files_named(&root, "spec.md");
    let (mut with_story, mut with_req, mut stories, mut reqs, mut markers) = (0, 0, 0, 0, 0);
    for path in &files {
        let (doc, blocks) = blocks_of(&read_lossy(path));
        let spec = SpecDoc::from_blocks(&blocks);
        let _ = spec.to_dump(&doc, "spec.md");
        with_story += usize::from(!spec.stories.is_empty());
        with_req += usize::from(!spec.requirements.is_empty());
        stories += spec.stories.len();
        reqs += spec.requirements.len();
        markers += spec.clarifications.len();
    }
    eprintln!(
        "{} spec.md: {with_story} with stories ({stories} in all), {with_req} with requirements ({reqs}), {markers} clarification markers",
        files.len()
    );
    assert!(files.len() >= 30, "the corpus holds {} spec.md files", files.len());
    assert!(with_story * 10 >= files.len() * 8, "most specs have a story");
    assert!(with_req * 10 >= files.len() * 8, "most specs define requirements");
}

#[test]
fn corpus_plans_parse_with_sensible_totals() {
    let Some(root) = corpus() else { return };
    let files = files_named(&root, "plan.md");
    let (mut with_context, mut with_structure, mut with_gates) = (0, 0, 0);
    for path in &files {
        let (doc, blocks) = blocks_of(&read_lossy(path));
        let plan = PlanDoc::from_blocks(&blocks);
        let _ = plan.to_dump(&doc, "plan.md");
        with_context += usize::from(!plan.technical_context.is_empty());
        with_structure += usize::from(plan.source_paths().next().is_some());
        with_gates += usize::from(!plan.constitution.is_empty());
    }
    eprintln!(
        "{} plan.md: {with_context} with technical context, {with_structure} with source paths, {with_gates} with constitution items",
        files.len()
    );
    assert!(files.len() >= 30, "the corpus holds {} plan.md files", files.len());
    assert!(with_context * 10 >= files.len() * 7);
    assert!(with_structure * 10 >= files.len() * 7);
    assert!(with_gates * 10 >= files.len() * 6);
}

#[test]
fn corpus_data_models_parse_with_sensible_totals() {
    let Some(root) = corpus() else { return };
    let files = files_named(&root, "data-model.md");
    let (mut with_entities, mut entities, mut with_fields) = (0, 0, 0);
    for path in &files {
        let (doc, blocks) = blocks_of(&read_lossy(path));
        let model = DataModelDoc::from_blocks(&blocks);
        let _ = model.to_dump(&doc, "data-model.md");
        with_entities += usize::from(!model.entities.is_empty());
        entities += model.entities.len();
        with_fields += model.entities.iter().filter(|e| !e.fields.is_empty()).count();
    }
    eprintln!(
        "{} data-model.md: {with_entities} with entities ({entities} in all, {with_fields} with fields)",
        files.len()
    );
    assert!(with_entities * 10 >= files.len() * 8, "most data models name entities");
    assert!(with_fields * 2 >= entities, "most entities list fields");
}

#[test]
fn corpus_contracts_parse_without_panics() {
    let Some(root) = corpus() else { return };
    let files =
        files_where(&root, &|p| p.parent().and_then(|d| d.file_name()).is_some_and(|d| d == "contracts"));
    let (mut operations, mut empty) = (0, 0);
    for path in &files {
        let text = read_lossy(path);
        let doc = ContractDoc::parse(path, &text);
        let _ = doc.to_dump(&Document::new(&text, 0), "c");
        operations += doc.operations.len();
        if doc.operations.is_empty()
            && doc.events.is_empty()
            && doc.functions.is_empty()
            && doc.schema_id.is_none()
        {
            empty += 1;
        }
        // Truncations of every file must not panic either.
        for cut in [text.len() / 3, text.len() / 2, text.len() * 2 / 3] {
            let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let _ = ContractDoc::parse(path, &text[..cut]);
        }
    }
    eprintln!("{} contracts: {operations} operations, {empty} with nothing found", files.len());
    assert!(!files.is_empty(), "the corpus holds contracts");
    assert!(operations > 0);
    assert!(empty * 4 <= files.len(), "most contracts yield something");
}
