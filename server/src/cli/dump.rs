//! `specls dump FILE --format json`: the parsed model of one document.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::model::file::MarkdownFile;
use crate::model::kind::DocumentKind;
use crate::model::tasks::TasksDoc;

/// Print the model of `path` as pretty JSON on stdout.
pub fn run(path: &Path) -> Result<()> {
    let value = dump_value(path)?;
    println!("{}", serde_json::to_string_pretty(&value)?);
    Ok(())
}

/// The dump of one file as a JSON value.
pub fn dump_value(path: &Path) -> Result<serde_json::Value> {
    let text = super::read_text(path).with_context(|| format!("cannot read {}", path.display()))?;
    let shown = super::display_path(path);
    let Some(kind) = DocumentKind::of_path(path) else {
        bail!("{shown}: not a document specls reads (markdown, or YAML/JSON under contracts/)");
    };
    let file = MarkdownFile::load(&text);
    Ok(match kind {
        DocumentKind::Tasks => TasksDoc::from_blocks(file.blocks()).to_dump(file.document(), &shown),
        other => bail!("{shown}: dumping {} documents is not supported yet", other.name()),
    })
}
