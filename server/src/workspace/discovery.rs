//! Feature folders are the directories directly inside a folder named
//! `specs` (at any depth: `specs/`, `server/specs/`,
//! `docs/archive/repos/specs/`) that hold a spec.md, plan.md or tasks.md.
//! The walk honours .gitignore, .ignore and hidden directories like `git`
//! does, even outside a git repository.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ignore::WalkBuilder;

use crate::model::feature::FeatureNumber;

/// The documents that make a directory a feature folder.
const FEATURE_DOCUMENTS: &[&str] = &["spec.md", "plan.md", "tasks.md"];

/// True when `dir` holds one of the documents of a feature folder.
pub fn is_feature_folder(dir: &Path) -> bool {
    FEATURE_DOCUMENTS.iter().any(|doc| dir.join(doc).is_file())
}

fn parent_is_specs(dir: &Path) -> bool {
    dir.parent().and_then(Path::file_name).is_some_and(|name| name.eq_ignore_ascii_case("specs"))
}

/// Every feature folder at or below `root`, sorted. `root` itself counts
/// when it is a feature folder (a user may point at one directly). When
/// no folder sits under a `specs` directory, any folder holding a
/// spec.md, plan.md or tasks.md counts: copies and archives of features
/// keep their documents but not always their `specs/` parent.
pub fn discover_features(root: &Path) -> Vec<PathBuf> {
    if root.is_dir() && is_feature_folder(root) && (parent_is_specs(root) || !has_specs_below(root)) {
        return vec![root.to_path_buf()];
    }
    let mut candidates: Vec<PathBuf> = WalkBuilder::new(root)
        .require_git(false)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_dir()))
        .map(ignore::DirEntry::into_path)
        .filter(|dir| is_feature_folder(dir))
        .collect();
    if candidates.iter().any(|dir| parent_is_specs(dir)) {
        candidates.retain(|dir| parent_is_specs(dir));
    }
    candidates.sort();
    candidates.dedup();
    candidates
}

fn has_specs_below(dir: &Path) -> bool {
    dir.join("specs").is_dir()
}

/// The feature folders beside `root` (same parent, not hidden) whose name
/// starts with `root`'s number, sorted by name.
pub fn number_twins(root: &Path) -> Vec<Box<str>> {
    Siblings::default().twins(root)
}

/// The numbered folders of each parent directory, listed once: the twins
/// of the 1,000 features of one `specs/` cost one listing and a hash
/// lookup each, not 1,000 listings of 1,000 names. One value serves one
/// run (a `check`), shared by the threads that load its features; the
/// next run lists again, so it sees folders made meanwhile.
#[derive(Default)]
pub struct Siblings {
    by_parent: Mutex<HashMap<PathBuf, Arc<Numbered>>>,
    listings: AtomicUsize,
}

/// A parent's directories that are not hidden and carry a number, by the
/// number's value.
type Numbered = HashMap<Vec<u64>, Vec<Box<str>>>;

impl Siblings {
    /// [`number_twins`] of `root`, listing its parent only the first time.
    pub fn twins(&self, root: &Path) -> Vec<Box<str>> {
        let Some(own) = root.file_name().and_then(|n| n.to_str()) else { return Vec::new() };
        let (Some(number), Some(parent)) = (FeatureNumber::of(own), root.parent()) else { return Vec::new() };
        let numbered = self.numbered(parent);
        let Some(names) = numbered.get(&number.parts) else { return Vec::new() };
        let mut twins: Vec<Box<str>> = names
            .iter()
            .filter(|name| &***name != own && is_feature_folder(&parent.join(&***name)))
            .cloned()
            .collect();
        twins.sort();
        twins
    }

    /// How many directories have been listed.
    pub fn listings(&self) -> usize {
        self.listings.load(Ordering::Relaxed)
    }

    fn numbered(&self, parent: &Path) -> Arc<Numbered> {
        let mut by_parent = self.by_parent.lock().unwrap_or_else(PoisonError::into_inner);
        let numbered = by_parent.entry(parent.to_path_buf()).or_insert_with(|| {
            self.listings.fetch_add(1, Ordering::Relaxed);
            Arc::new(list_numbered(parent))
        });
        numbered.clone()
    }
}

fn list_numbered(parent: &Path) -> Numbered {
    let mut numbered = Numbered::new();
    let Ok(entries) = std::fs::read_dir(parent) else { return numbered };
    for entry in entries.filter_map(Result::ok) {
        let Ok(name) = entry.file_name().into_string() else { continue };
        if name.starts_with('.') || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if let Some(number) = FeatureNumber::of(&name) {
            numbered.entry(number.parts).or_default().push(name.into_boxed_str());
        }
    }
    numbered
}

/// The feature folder holding `file`: its nearest ancestor that is one.
pub fn feature_of_file(file: &Path) -> Option<PathBuf> {
    file.ancestors().skip(1).find(|dir| is_feature_folder(dir)).map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(root: &Path, rel: &str) {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "# x\n").unwrap();
    }

    #[test]
    fn finds_features_under_any_specs_folder_and_honours_gitignore() {
        let dir = std::env::temp_dir().join(format!("specls-discovery-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        touch(&dir, "specs/001-a/spec.md");
        touch(&dir, "server/specs/002-b/tasks.md");
        touch(&dir, "docs/archive/repos/specs/003-c/plan.md");
        touch(&dir, "specs/004-empty/notes.txt");
        touch(&dir, "vendor/specs/005-ignored/spec.md");
        touch(&dir, "other/006-not-under-specs/spec.md");
        let loose = dir.join("loose");
        touch(&loose, "owner__repo/001-x/tasks.md");
        touch(&loose, "owner__repo/002-y/spec.md");
        std::fs::write(dir.join(".gitignore"), "vendor/\n").unwrap();
        let found: Vec<String> = discover_features(&dir)
            .iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/"))
            .collect();
        assert_eq!(found, ["docs/archive/repos/specs/003-c", "server/specs/002-b", "specs/001-a"]);
        assert_eq!(discover_features(&dir.join("specs/001-a")), [dir.join("specs/001-a")]);
        assert_eq!(
            discover_features(&loose),
            [loose.join("owner__repo/001-x"), loose.join("owner__repo/002-y")]
        );
        assert_eq!(feature_of_file(&dir.join("specs/001-a/spec.md")), Some(dir.join("specs/001-a")));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_folders_sharing_a_feature_number() {
        let dir = std::env::temp_dir().join(format!("specls-twins-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        touch(&dir, "specs/003-export-csv/spec.md");
        touch(&dir, "specs/3-import-csv/tasks.md");
        touch(&dir, "specs/003-notes/readme.txt");
        touch(&dir, "specs/004-other/spec.md");
        touch(&dir, "specs/.003-hidden/spec.md");
        assert_eq!(number_twins(&dir.join("specs/003-export-csv")), ["3-import-csv".into()]);
        assert!(number_twins(&dir.join("specs/004-other")).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Twins of many features beside each other: one listing of their
    /// parent in all, whatever the number of features.
    #[test]
    fn siblings_list_each_parent_once() {
        let dir = std::env::temp_dir().join(format!("specls-siblings-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for n in 1..=30 {
            touch(&dir, &format!("specs/{n:03}-feature/spec.md"));
        }
        touch(&dir, "specs/7-again/tasks.md");
        touch(&dir, "specs/7-not-a-feature/notes.txt");
        let siblings = Siblings::default();
        for n in 1..=30 {
            let root = dir.join(format!("specs/{n:03}-feature"));
            let expected: Vec<Box<str>> = if n == 7 { vec!["7-again".into()] } else { Vec::new() };
            assert_eq!(siblings.twins(&root), expected, "{n}");
            assert_eq!(siblings.twins(&root), number_twins(&root));
        }
        assert_eq!(siblings.twins(&dir.join("specs/7-again")), ["007-feature".into()]);
        assert_eq!(siblings.listings(), 1);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
