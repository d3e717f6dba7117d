//! `specls dump FILE --format json`: the parsed model of one document.

use std::path::Path;

use anyhow::{Context, Result, bail};

use serde_json::json;

use crate::model::feature::{DocModel, FeatureFile};
use crate::model::kind::DocumentKind;
use crate::model::scan::MentionKind;
use crate::workspace::load::read_text;

/// Print the model of `path` as pretty JSON on stdout; `max_file_size`
/// is `--max-file-size`.
pub fn run(path: &Path, max_file_size: Option<u64>) -> Result<()> {
    let value = dump_value(path, super::file_limit(max_file_size, path)?)?;
    super::write_stdout(&format!("{}\n", serde_json::to_string_pretty(&value)?))?;
    Ok(())
}

/// The dump of one file as a JSON value: every kind of document has its
/// own model (tasks, spec, plan, data-model, contract); other markdown
/// dumps its outline.
pub fn dump_value(path: &Path, limit: u64) -> Result<serde_json::Value> {
    let text = read_text(path, limit).with_context(|| format!("cannot read {}", path.display()))?;
    let shown = super::display_path(path);
    let Some(kind) = DocumentKind::of_path(path) else {
        bail!("{shown}: not a document specls reads (markdown, or YAML/JSON under contracts/)");
    };
    let file = FeatureFile::from_text(path.to_path_buf(), &shown, kind, &text);
    let doc = &file.document;
    Ok(match &file.model {
        DocModel::Tasks(model) => model.to_dump(doc, &shown),
        DocModel::Spec(model) => model.to_dump(doc, &shown),
        DocModel::Plan(model) => model.to_dump(doc, &shown),
        DocModel::DataModel(model) => model.to_dump(doc, &shown),
        DocModel::Contract(model) => model.to_dump(doc, &shown),
        DocModel::Checklist(model) => model.to_dump(doc, &shown),
        DocModel::Markdown => outline(&file, kind, &shown),
    })
}

/// research.md, quickstart.md, checklists: headings and open markers.
fn outline(file: &FeatureFile, kind: DocumentKind, shown: &str) -> serde_json::Value {
    let doc = &file.document;
    let mut headings = Vec::new();
    let mut clarifications = Vec::new();
    for block in file.blocks.iter().flat_map(|b| b.iter()) {
        if let Some(heading) = &block.scan.heading {
            headings.push(json!({ "level": heading.level, "title": heading.title, "line": doc.line_of(block.start) + 1 }));
        }
        for mention in &block.scan.mentions {
            if mention.kind == MentionKind::Clarification {
                let span = block.abs(mention.span);
                clarifications.push(json!({ "text": doc.slice(span), "line": doc.line_of(span.start) + 1 }));
            }
        }
    }
    json!({
        "version": 1,
        "kind": kind.name(),
        "path": shown,
        "headings": headings,
        "clarifications": clarifications,
    })
}
