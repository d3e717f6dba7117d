//! Reading a feature folder from disk into a [`Feature`].

use std::path::{Path, PathBuf};

use crate::model::feature::{Feature, FeatureFile};
use crate::model::kind::DocumentKind;

/// Files larger than this are skipped: spec documents are small, and a
/// stray dump must not stall the editor.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

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

/// Read every document specls understands in `root` (markdown anywhere in
/// the folder, YAML and JSON under `contracts/`), skipping nested feature
/// folders.
pub fn load_feature(root: &Path) -> (Feature, Vec<LoadProblem>) {
    let (files, problems) = read_feature(root);
    (feature_from(root, files), problems)
}

/// The texts of [`load_feature`]'s documents, in path order, without
/// parsing them (what a content-hash cache looks up first).
pub fn read_feature(root: &Path) -> (Vec<ReadFile>, Vec<LoadProblem>) {
    let skeleton = Feature::new(root.to_path_buf());
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut paths = Vec::new();
    collect(root, &mut paths);
    paths.sort();
    for path in paths {
        let rel = skeleton.relative(&path);
        let Some(kind) = DocumentKind::of_path(Path::new(&rel)) else { continue };
        match read_text(&path) {
            Ok(text) => files.push(ReadFile { path, rel, kind, text }),
            Err(message) => problems.push(LoadProblem { path, message }),
        }
    }
    (files, problems)
}

/// Parse documents read by [`read_feature`] into a feature.
pub fn feature_from(root: &Path, files: Vec<ReadFile>) -> Feature {
    let mut feature = Feature::new(root.to_path_buf());
    for file in files {
        feature.upsert(FeatureFile::from_text(file.path, &file.rel, file.kind, &file.text));
    }
    feature
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') || name == "node_modules" {
            continue;
        }
        match entry.file_type() {
            // A feature folder nested in another is a feature of its own.
            Ok(t) if t.is_dir() && !super::discovery::is_feature_folder(&path) => collect(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            // A link to a file is read like the file (`graph` and `dump`
            // open the path they are given, which follows it); links to
            // folders are not walked (no cycles, nothing outside the tree).
            Ok(t) if t.is_symlink() && path.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// Read a file as UTF-8, replacing invalid bytes (a stray byte must not
/// hide the rest of a document).
pub fn read_text(path: &Path) -> Result<String, String> {
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if size > MAX_FILE_BYTES {
        return Err(format!("{size} bytes is more than specls reads ({MAX_FILE_BYTES})"));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
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
        let (loaded, problems) = load_feature(&feature);
        assert!(problems.is_empty(), "{problems:?}");
        let files: Vec<&str> = loaded.files.iter().map(|f| &*f.rel).collect();
        assert_eq!(files, ["tasks.md"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
