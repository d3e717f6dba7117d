//! Which document of a feature folder a file is, by its path.

use std::path::Path;

use serde::Serialize;

/// The role of a file in a feature folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    Tasks,
    Spec,
    Plan,
    DataModel,
    Research,
    Quickstart,
    /// A file under `contracts/`: OpenAPI, JSON schema, event or markdown.
    Contract,
    /// A file under `checklists/`.
    Checklist,
    /// Any other markdown file of the folder.
    OtherMarkdown,
}

impl DocumentKind {
    /// The kind of `path` (relative to its feature folder or absolute);
    /// `None` for files specls does not read.
    pub fn of_path(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let in_dir = |dir: &str| path.components().any(|c| c.as_os_str().eq_ignore_ascii_case(dir));
        if in_dir("contracts") {
            let readable = [".md", ".yaml", ".yml", ".json"].iter().any(|ext| name.ends_with(ext));
            return readable.then_some(DocumentKind::Contract);
        }
        if !name.ends_with(".md") {
            return None;
        }
        if in_dir("checklists") {
            return Some(DocumentKind::Checklist);
        }
        Some(match name.as_str() {
            "tasks.md" => DocumentKind::Tasks,
            "spec.md" => DocumentKind::Spec,
            "plan.md" => DocumentKind::Plan,
            "data-model.md" => DocumentKind::DataModel,
            "research.md" => DocumentKind::Research,
            "quickstart.md" => DocumentKind::Quickstart,
            _ => DocumentKind::OtherMarkdown,
        })
    }

    pub fn is_markdown_contract(path: &Path) -> bool {
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"))
    }

    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Tasks => "tasks",
            DocumentKind::Spec => "spec",
            DocumentKind::Plan => "plan",
            DocumentKind::DataModel => "data-model",
            DocumentKind::Research => "research",
            DocumentKind::Quickstart => "quickstart",
            DocumentKind::Contract => "contract",
            DocumentKind::Checklist => "checklist",
            DocumentKind::OtherMarkdown => "markdown",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_path() {
        let kind = |p: &str| DocumentKind::of_path(Path::new(p));
        assert_eq!(kind("specs/001-a/tasks.md"), Some(DocumentKind::Tasks));
        assert_eq!(kind("specs/001-a/contracts/openapi.yaml"), Some(DocumentKind::Contract));
        assert_eq!(kind("specs/001-a/contracts/api.md"), Some(DocumentKind::Contract));
        assert_eq!(kind("specs/001-a/checklists/requirements.md"), Some(DocumentKind::Checklist));
        assert_eq!(kind("specs/001-a/notes.txt"), None);
        assert_eq!(kind("specs/001-a/README.md"), Some(DocumentKind::OtherMarkdown));
    }
}
