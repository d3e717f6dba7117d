//! `specls graph PATH [--format mermaid|dot|json]`: the dependency graph
//! of one feature's tasks.md.
//!
//! This file finds and reads the tasks.md; what is shown and how it is
//! drawn lives in [`crate::ide::graph_view`], shared with the language
//! server's `specls.showGraph` command.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::display_path;
use crate::ide::graph_view::{self, GraphView};
use crate::model::file::MarkdownFile;
use crate::model::tasks::TasksDoc;
use crate::workspace::discovery::{discover_features, is_feature_folder};
use crate::workspace::load::read_text;

/// How `graph` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Json,
}

/// The tasks.md that `path` names: the file itself, or the one in the
/// feature folder.
fn tasks_file(path: &Path) -> Result<PathBuf> {
    if !path.exists() {
        bail!("{}: no such file or directory", path.display());
    }
    if path.is_file() {
        return Ok(path.to_path_buf());
    }
    if is_feature_folder(path) {
        let file = path.join("tasks.md");
        if file.is_file() {
            return Ok(file);
        }
        bail!("{}: the feature folder has no tasks.md", path.display());
    }
    let found = discover_features(path);
    match found.as_slice() {
        [] => bail!("{}: not a feature folder (no spec.md, plan.md or tasks.md)", path.display()),
        [one] => tasks_file(one),
        many => {
            let names: Vec<String> = many.iter().take(5).map(|p| display_path(p)).collect();
            let more = if many.len() > 5 { ", ..." } else { "" };
            bail!(
                "{}: holds {} feature folders ({}{more}); name one",
                path.display(),
                many.len(),
                names.join(", ")
            )
        }
    }
}

fn build(path: &Path, max_file_size: Option<u64>) -> Result<GraphView> {
    let file = tasks_file(path)?;
    let limit = super::file_limit(max_file_size, &file)?;
    let text = read_text(&file, limit).with_context(|| format!("cannot read {}", file.display()))?;
    let markdown = MarkdownFile::load(&text);
    let doc = TasksDoc::from_blocks(markdown.blocks());
    Ok(GraphView::build(&doc, markdown.document(), display_path(&file)))
}

/// Print the graph of the feature at `path`; `max_file_size` is
/// `--max-file-size`.
pub fn run(path: &Path, format: GraphFormat, max_file_size: Option<u64>) -> Result<super::ExitCode> {
    let view = build(path, max_file_size)?;
    let text = match format {
        GraphFormat::Json => format!("{:#}\n", graph_view::to_json(&view)),
        GraphFormat::Mermaid => graph_view::to_mermaid(&view),
        GraphFormat::Dot => graph_view::to_dot(&view),
    };
    super::write_stdout(&text)?;
    Ok(super::exit::OK)
}
