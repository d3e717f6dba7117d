//! What the CLI test binaries share: the built binary run from the
//! repository root (colour variables cleared, results cache in a folder of
//! the test run), output readers and temporary copies of the example.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

pub const EXAMPLE: &str = "examples/specs/001-team-invites";

pub fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// The binary, run from the repository root, colour variables cleared.
pub fn specls_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_specls"));
    command.args(args).current_dir(repo()).env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    // The results cache goes to a folder of this test run, not the user's.
    command
        .env("XDG_CACHE_HOME", std::env::temp_dir().join(format!("specls-cli-cache-{}", std::process::id())));
    command
}

pub fn specls(args: &[&str]) -> Output {
    specls_command(args).output().expect("the specls binary runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

pub fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

/// A fresh folder under the system's temporary directory.
pub fn temp_dir(name: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("specls-cli-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the example feature folder under `specs/` of a temporary folder.
pub fn example_copy(name: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let feature = dir.join("specs/001-team-invites");
    copy_dir(&repo().join(EXAMPLE), &feature);
    (dir, feature)
}
