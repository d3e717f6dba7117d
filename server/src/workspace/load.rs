//! Reading feature folders from disk: the one place specls reads a
//! document (`check`, `dump`, `graph` and the server's view of the disk),
//! so every reader shares one size limit and one link policy.
//!
//! Links: a symbolic link to a file is read like the file; links to
//! folders are not walked (no cycles, nothing outside the tree). Only
//! regular files are read: a FIFO or a device would block or never end.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::WalkBuilder;

use super::discovery::Siblings;
use crate::model::blocks::Wanted;
use crate::model::feature::{Feature, FeatureFile, UnreadFile};
use crate::model::kind::DocumentKind;

/// A file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadProblem {
    pub path: PathBuf,
    pub message: String,
}

/// One document of a feature folder as read from disk, not yet parsed.
#[derive(Debug, Clone)]
pub struct ReadFile {
    pub path: PathBuf,
    /// Relative to the feature folder, with `/`.
    pub rel: String,
    pub kind: DocumentKind,
    pub text: String,
}

/// A feature folder's documents as read from disk, not yet parsed.
#[derive(Debug, Default)]
pub struct FolderRead {
    pub files: Vec<ReadFile>,
    /// Documents over the size limit: named, never read.
    pub unread: Vec<UnreadFile>,
    pub problems: Vec<LoadProblem>,
    /// The feature folders beside this one with the same number
    /// ([`Feature::number_twins`]).
    pub number_twins: Vec<Box<str>>,
}

/// Why a file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("file too large, not analysed ({size} bytes, the limit is {limit}: `max-file-size`)")]
    TooLarge { size: u64, limit: u64 },
    #[error("not a regular file")]
    NotAFile,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Read every document specls understands in `root` (markdown anywhere in
/// the folder, YAML and JSON under `contracts/`), skipping nested feature
/// folders, with the walk of feature discovery (`.gitignore`, `.ignore`
/// and hidden files honoured). Documents over `limit` bytes are listed in
/// [`Feature::unread`], not analysed.
pub fn load_feature(root: &Path, limit: u64) -> (Feature, Vec<LoadProblem>) {
    let read = read_feature(root, limit);
    let mut feature = feature_from(root, read.files, read.unread);
    feature.number_twins = read.number_twins;
    (feature, read.problems)
}

/// The texts of [`load_feature`]'s documents, in path order, without
/// parsing them (what a content-hash cache looks up first).
pub fn read_feature(root: &Path, limit: u64) -> FolderRead {
    read_feature_beside(root, limit, &Siblings::default())
}

/// [`read_feature`], with the folders beside `root` listed through
/// `siblings`, which a run loading many features shares.
pub fn read_feature_beside(root: &Path, limit: u64, siblings: &Siblings) -> FolderRead {
    let skeleton = Feature::new(root.to_path_buf());
    let mut read = FolderRead { number_twins: siblings.twins(root), ..FolderRead::default() };
    let mut paths = Vec::new();
    collect(root, &mut paths, &mut read.problems);
    paths.sort();
    for path in paths {
        let rel = skeleton.relative(&path);
        let Some(kind) = DocumentKind::of_path(Path::new(&rel)) else { continue };
        match read_text(&path, limit) {
            Ok(text) => read.files.push(ReadFile { path, rel, kind, text }),
            Err(ReadError::TooLarge { size, limit }) => {
                read.unread.push(UnreadFile { path, rel: Arc::from(rel), size, limit });
            }
            Err(err) => read.problems.push(LoadProblem { path, message: err.to_string() }),
        }
    }
    read
}

/// Parse documents read by [`read_feature`] into a feature; `unread` are
/// the documents over the size limit.
pub fn feature_from(root: &Path, files: Vec<ReadFile>, unread: Vec<UnreadFile>) -> Feature {
    feature_from_while(root, files, unread, &|| true).expect("only an unwanted load stops")
}

/// [`feature_from`], or `None` once `wanted` turns false: asked before
/// each file and while a long one's blocks are scanned, so a load given
/// up costs a few milliseconds more, not the rest of a 5 MB tasks.md.
pub fn feature_from_while(
    root: &Path,
    files: Vec<ReadFile>,
    unread: Vec<UnreadFile>,
    wanted: Wanted,
) -> Option<Feature> {
    let mut feature = Feature::new(root.to_path_buf());
    for file in files {
        if !wanted() {
            return None;
        }
        feature.upsert(FeatureFile::from_text_while(file.path, &file.rel, file.kind, &file.text, wanted)?);
    }
    for file in unread {
        feature.mark_unread(file);
    }
    Some(feature)
}

/// The files below `root`, and the folders that could not be read.
fn collect(root: &Path, out: &mut Vec<PathBuf>, problems: &mut Vec<LoadProblem>) {
    let walk = WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|entry| {
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            // A feature folder nested in another is a feature of its own.
            entry.depth() == 0
                || entry.file_name() != "node_modules"
                    && !(is_dir && super::discovery::is_feature_folder(entry.path()))
        })
        .build();
    for entry in walk {
        match entry {
            Ok(entry) => {
                // Files, links that do not lead to a folder, and special
                // files (a FIFO named tasks.md is reported, not skipped).
                let Some(file_type) = entry.file_type() else { continue };
                let folder = file_type.is_dir() || file_type.is_symlink() && entry.path().is_dir();
                if !folder {
                    out.push(entry.into_path());
                }
            }
            // An unreadable folder (`contracts/` without permission) is
            // said, not skipped silently; a bad .gitignore line is not ours.
            Err(err) => {
                if let Some(io) = err.io_error() {
                    let path = path_of(&err).unwrap_or(root).to_path_buf();
                    problems.push(LoadProblem { path, message: io.to_string() });
                }
            }
        }
    }
}

/// The path an error of the walk is about.
fn path_of(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => path_of(err),
        _ => None,
    }
}

/// Read a regular file of at most `limit` bytes: never more, however big
/// it is or grows while read.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path)?;
    if !metadata.is_file() {
        return Err(ReadError::NotAFile);
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { size: metadata.len(), limit });
    }
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    let read = bytes.len() as u64;
    if read > limit {
        return Err(ReadError::TooLarge { size: read, limit });
    }
    Ok(bytes)
}

/// Read a document as UTF-8, replacing invalid bytes (a stray byte must
/// not hide the rest of a document).
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_bytes(path, limit)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(err) => String::from_utf8_lossy(err.as_bytes()).into_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_linked_document_is_read_and_a_linked_folder_is_not_walked() {
        let dir = std::env::temp_dir().join(format!("specls-load-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let feature = dir.join("specs/001-a");
        std::fs::create_dir_all(&feature).unwrap();
        std::fs::create_dir_all(dir.join("elsewhere/notes")).unwrap();
        std::fs::write(dir.join("elsewhere/tasks.md"), "- [ ] T001 a\n").unwrap();
        std::fs::write(dir.join("elsewhere/notes/plan.md"), "# Plan\n").unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere/tasks.md"), feature.join("tasks.md")).unwrap();
        std::os::unix::fs::symlink(dir.join("elsewhere/notes"), feature.join("notes")).unwrap();
        let (loaded, problems) = load_feature(&feature, crate::analysis::DEFAULT_MAX_FILE_BYTES);
        assert!(problems.is_empty(), "{problems:?}");
        let files: Vec<&str> = loaded.files.iter().map(|f| &*f.rel).collect();
        assert_eq!(files, ["tasks.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
