//! Shared helpers of the end-to-end tests in `tests/tests/`.
//!
//! Only this crate reads `../shared/corpus`: the unit tests under `server/`
//! depend on nothing outside the repository.

use std::path::{Path, PathBuf};

/// The corpus of real feature folders (`../shared/corpus`, read in place,
/// never copied). Absent on a developer machine, the test is skipped with a
/// note; absent under `CI=true`, the test fails: CI must prove what the
/// corpus tests claim, not skip them quietly.
pub fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus"));
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(!in_ci, "{} is absent and CI=true: the corpus tests must run in CI", dir.display());
    eprintln!("note: {} is absent; corpus test skipped", dir.display());
    None
}

/// Every file under `root` accepted by `keep`, sorted.
pub fn files_where(root: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if keep(&path) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every file called `name` under `root`, sorted.
pub fn files_named(root: &Path, name: &str) -> Vec<PathBuf> {
    files_where(root, &|p| p.file_name().is_some_and(|n| n == name))
}

/// A file's text, invalid UTF-8 replaced (the corpus is read as users write it).
pub fn read_lossy(path: &Path) -> String {
    String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned()
}
