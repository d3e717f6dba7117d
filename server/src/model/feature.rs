//! A feature folder: every document of `specs/NNN-feature/` with its text,
//! scanned blocks and typed model. Cheap to clone (everything is shared), so
//! the language server hands analysis an immutable snapshot per edit.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::blocks::{BlockList, Wanted};
use super::checklist::ChecklistDoc;
use super::contracts::ContractDoc;
use super::data_model::DataModelDoc;
use super::file::MarkdownFile;
use super::kind::DocumentKind;
use super::plan::PlanDoc;
use super::spec::SpecDoc;
use super::tasks::TasksDoc;
use crate::text::Document;

/// The typed model of one document.
#[derive(Clone, Debug)]
pub enum DocModel {
    Tasks(Arc<TasksDoc>),
    Spec(Arc<SpecDoc>),
    Plan(Arc<PlanDoc>),
    DataModel(Arc<DataModelDoc>),
    Contract(Arc<ContractDoc>),
    Checklist(Arc<ChecklistDoc>),
    /// research.md, quickstart.md and other markdown: blocks
    /// only (clarification markers and placeholders live there too).
    Markdown,
}

/// One file of a feature folder.
#[derive(Clone, Debug)]
pub struct FeatureFile {
    /// The file on disk (or the path the editor gave it).
    pub path: PathBuf,
    /// Relative to the feature folder, with `/`: `tasks.md`,
    /// `contracts/openapi.yaml`. Diagnostics name files by it.
    pub rel: Arc<str>,
    pub kind: DocumentKind,
    pub document: Document,
    /// Scanned blocks of markdown files; `None` for YAML and JSON.
    pub blocks: Option<Arc<BlockList>>,
    pub model: DocModel,
}

impl FeatureFile {
    /// Build a file's model from its text.
    pub fn from_text(path: PathBuf, rel: &str, kind: DocumentKind, text: &str) -> Self {
        if kind == DocumentKind::Contract && !DocumentKind::is_markdown_contract(&path) {
            let model = DocModel::Contract(Arc::new(ContractDoc::parse(&path, text)));
            return FeatureFile {
                path,
                rel: rel.into(),
                kind,
                document: Document::new(text, 0),
                blocks: None,
                model,
            };
        }
        let file = MarkdownFile::load(text);
        Self::from_markdown(path, rel, kind, &file)
    }

    /// [`FeatureFile::from_text`], or `None` once `wanted` turns false
    /// (asked while a markdown file's blocks are scanned).
    pub fn from_text_while(
        path: PathBuf,
        rel: &str,
        kind: DocumentKind,
        text: &str,
        wanted: Wanted,
    ) -> Option<Self> {
        if kind == DocumentKind::Contract && !DocumentKind::is_markdown_contract(&path) {
            return Some(Self::from_text(path, rel, kind, text));
        }
        let file = MarkdownFile::load_while(text, wanted)?;
        Some(Self::from_markdown(path, rel, kind, &file))
    }

    /// Build a markdown file's model from an already scanned document (an
    /// editor's live copy).
    pub fn from_markdown(path: PathBuf, rel: &str, kind: DocumentKind, file: &MarkdownFile) -> Self {
        Self::from_markdown_after(path, rel, kind, file, None)
    }

    /// [`FeatureFile::from_markdown`] of a new version of `older`: the
    /// same file, with the model built from the older one's where that is
    /// cheaper ([`TasksDoc::from_blocks_after`]) and what analysis derived
    /// from it handed over ([`FeatureFile::inherit`]).
    pub fn from_markdown_after(
        path: PathBuf,
        rel: &str,
        kind: DocumentKind,
        file: &MarkdownFile,
        older: Option<&FeatureFile>,
    ) -> Self {
        let blocks = file.blocks();
        let older_tasks = older.and_then(|older| match (&older.model, &older.blocks) {
            (DocModel::Tasks(doc), Some(blocks)) => Some((blocks, doc)),
            _ => None,
        });
        let tasks = || match older_tasks {
            Some((older_blocks, older)) => TasksDoc::from_blocks_after(blocks, older_blocks, older),
            None => TasksDoc::from_blocks(blocks),
        };
        let model = match kind {
            DocumentKind::Tasks => DocModel::Tasks(Arc::new(tasks())),
            DocumentKind::Spec => DocModel::Spec(Arc::new(SpecDoc::from_blocks(blocks))),
            DocumentKind::Plan => DocModel::Plan(Arc::new(PlanDoc::from_blocks(blocks))),
            DocumentKind::DataModel => DocModel::DataModel(Arc::new(DataModelDoc::from_blocks(blocks))),
            DocumentKind::Contract if DocumentKind::is_markdown_contract(&path) => {
                DocModel::Contract(Arc::new(ContractDoc::from_blocks(&path, blocks)))
            }
            DocumentKind::Contract => {
                DocModel::Contract(Arc::new(ContractDoc::parse(&path, &file.document().text())))
            }
            DocumentKind::Checklist => DocModel::Checklist(Arc::new(ChecklistDoc::from_blocks(blocks))),
            _ => DocModel::Markdown,
        };
        let built = FeatureFile {
            path,
            rel: rel.into(),
            kind,
            document: file.document().clone(),
            blocks: Some(Arc::new(blocks.clone())),
            model,
        };
        if let Some(older) = older {
            built.inherit(older);
        }
        built
    }

    /// Take over what later layers derived from `older`, the version of
    /// this file it replaces in an editor (see [`TasksDoc::inherit`]).
    pub fn inherit(&self, older: &FeatureFile) {
        if let (DocModel::Tasks(new), DocModel::Tasks(old)) = (&self.model, &older.model) {
            new.inherit(old);
        }
    }

    pub fn is_markdown(&self) -> bool {
        self.blocks.is_some()
    }
}

/// The number a feature folder's name starts with: `003` of
/// `003-export-csv`, `20260302-141500` of `20260302-141500-export`.
/// Folders are twins when their numbers' values are equal (`3-b` and
/// `003-a`), so the parts are kept as numbers beside the written prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FeatureNumber<'a> {
    /// The prefix as written in the name, without the final `-`.
    pub written: &'a str,
    /// Its dash-separated parts as numbers.
    pub parts: Vec<u64>,
}

impl<'a> FeatureNumber<'a> {
    /// The number `name` starts with; `None` for a name without one, or
    /// one that is only a number (`2024` is not a numbered feature).
    pub fn of(name: &'a str) -> Option<Self> {
        let parts: Vec<u64> = name
            .split('-')
            .map_while(|part| part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok()).flatten())
            .collect();
        let whole = name.split('-').count() == parts.len();
        if parts.is_empty() || whole {
            return None;
        }
        let digits: usize = name.split('-').take(parts.len()).map(str::len).sum();
        Some(FeatureNumber { written: &name[..digits + parts.len() - 1], parts })
    }
}

/// Every document of one feature folder.
#[derive(Clone, Debug, Default)]
pub struct Feature {
    pub root: PathBuf,
    /// The folder's name: `001-team-invites`.
    pub name: String,
    /// Files in path order.
    pub files: Vec<FeatureFile>,
    /// Documents of the folder that are larger than the size limit: not
    /// read nor analysed, but reported (`file-too-large`), and counted as
    /// present by rules that miss a document.
    pub unread: Vec<UnreadFile>,
    /// The other feature folders beside this one whose name starts with
    /// the same number (`003-import-csv` beside `003-export-csv`), as the
    /// workspace found them when the folder was loaded.
    pub number_twins: Vec<Box<str>>,
}

/// A document too large to analyse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnreadFile {
    pub path: PathBuf,
    /// Relative to the feature folder, like [`FeatureFile::rel`].
    pub rel: Arc<str>,
    /// Its size in bytes (at least this many), and the limit.
    pub size: u64,
    pub limit: u64,
}

impl Feature {
    pub fn new(root: PathBuf) -> Self {
        let name = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Feature { root, name, files: Vec::new(), unread: Vec::new(), number_twins: Vec::new() }
    }

    /// A feature of texts held in memory (relative path, text) under
    /// `root`, as tests, benches and fuzz targets build one. Names that are
    /// no document specls reads are skipped.
    pub fn from_texts<'a>(root: PathBuf, files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut feature = Feature::new(root);
        for (rel, text) in files {
            let Some(kind) = DocumentKind::of_path(Path::new(rel)) else { continue };
            feature.upsert(FeatureFile::from_text(feature.root.join(rel), rel, kind, text));
        }
        feature
    }

    /// The path of `path` relative to the feature folder, with `/`.
    pub fn relative(&self, path: &Path) -> String {
        path.strip_prefix(&self.root).unwrap_or(path).to_string_lossy().replace('\\', "/")
    }

    /// Mark a document as too large to analyse (in place of its text).
    pub fn mark_unread(&mut self, unread: UnreadFile) {
        self.remove(&unread.rel);
        self.unread.retain(|u| u.rel != unread.rel);
        self.unread.push(unread);
        self.unread.sort_by(|a, b| a.rel.cmp(&b.rel));
    }

    /// Add or replace a file, keeping path order.
    pub fn upsert(&mut self, file: FeatureFile) {
        self.unread.retain(|u| u.rel != file.rel);
        match self.files.binary_search_by(|f| f.rel.cmp(&file.rel)) {
            Ok(i) => self.files[i] = file,
            Err(i) => self.files.insert(i, file),
        }
    }

    pub fn remove(&mut self, rel: &str) -> Option<FeatureFile> {
        self.unread.retain(|u| &*u.rel != rel);
        let i = self.files.iter().position(|f| &*f.rel == rel)?;
        Some(self.files.remove(i))
    }

    pub fn file(&self, rel: &str) -> Option<&FeatureFile> {
        self.files.iter().find(|f| &*f.rel == rel)
    }

    fn first_of(&self, kind: DocumentKind) -> Option<&FeatureFile> {
        // The top-level document wins over a same-named file deeper down.
        self.files.iter().filter(|f| f.kind == kind).min_by_key(|f| f.rel.matches('/').count())
    }

    pub fn tasks(&self) -> Option<(&FeatureFile, &TasksDoc)> {
        let file = self.first_of(DocumentKind::Tasks)?;
        match &file.model {
            DocModel::Tasks(doc) => Some((file, doc)),
            _ => None,
        }
    }

    pub fn spec(&self) -> Option<(&FeatureFile, &SpecDoc)> {
        let file = self.first_of(DocumentKind::Spec)?;
        match &file.model {
            DocModel::Spec(doc) => Some((file, doc)),
            _ => None,
        }
    }

    pub fn plan(&self) -> Option<(&FeatureFile, &PlanDoc)> {
        let file = self.first_of(DocumentKind::Plan)?;
        match &file.model {
            DocModel::Plan(doc) => Some((file, doc)),
            _ => None,
        }
    }

    pub fn data_model(&self) -> Option<(&FeatureFile, &DataModelDoc)> {
        let file = self.first_of(DocumentKind::DataModel)?;
        match &file.model {
            DocModel::DataModel(doc) => Some((file, doc)),
            _ => None,
        }
    }

    pub fn contracts(&self) -> impl Iterator<Item = (&FeatureFile, &ContractDoc)> {
        self.files.iter().filter_map(|f| match &f.model {
            DocModel::Contract(doc) => Some((f, &**doc)),
            _ => None,
        })
    }

    /// The checklists under `checklists/`, in path order.
    pub fn checklists(&self) -> impl Iterator<Item = (&FeatureFile, &ChecklistDoc)> {
        self.files.iter().filter_map(|f| match &f.model {
            DocModel::Checklist(doc) => Some((f, &**doc)),
            _ => None,
        })
    }

    /// Markdown files with their blocks.
    pub fn markdown_files(&self) -> impl Iterator<Item = (&FeatureFile, &BlockList)> {
        self.files.iter().filter_map(|f| f.blocks.as_deref().map(|b| (f, b)))
    }
}

#[cfg(test)]
mod tests {
    use super::FeatureNumber;

    #[test]
    fn feature_numbers_as_written_and_as_values() {
        let number = |name| FeatureNumber::of(name).map(|n| (n.written, n.parts));
        assert_eq!(number("003-export-csv"), Some(("003", vec![3])));
        assert_eq!(number("20260302-141500-export"), Some(("20260302-141500", vec![20260302, 141500])));
        assert_eq!(number("3-import"), Some(("3", vec![3])));
        assert_eq!(number("export-csv"), None);
        assert_eq!(number("2024"), None);
    }
}
