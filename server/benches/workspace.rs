//! A big workspace over stdio: how soon an opened tasks.md gets its
//! diagnostics, how long indexing every feature folder takes (cold, then
//! warm: a second start with the same cache home) and the server's peak
//! resident memory; then `specls check` of the same tree (time and peak
//! RSS, from /usr/bin/time when present).
//!
//! Run: `cargo bench -p specls --bench workspace -- --bench [FOLDERS | PATH]`.
//! By default it generates 1,000 feature folders of `specls::synth`
//! shapes (100 to 800 tasks each, with spec, plan, data model and a
//! contract); a PATH indexes that workspace instead (for example a copy
//! of real folders).

#[path = "support/stdio.rs"]
mod stdio;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::json;
use specls::synth::Shape;
use stdio::{Server, mib};

/// `folders` feature folders under `dir/specs/`, of both shapes and many
/// sizes; the path of the first one's tasks.md.
fn generate(dir: &Path, folders: usize) -> PathBuf {
    for i in 0..folders {
        let shape = if i % 4 == 3 { Shape::Stories } else { Shape::Phases };
        let tasks = 100 + (i * 37) % 700;
        let feature = dir.join("specs").join(format!("{:04}-feature-{i}", i + 1));
        for (rel, text) in shape.files(tasks) {
            let path = feature.join(rel);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("create a folder");
            std::fs::write(path, text).expect("write a file");
        }
    }
    dir.join("specs/0001-feature-0/tasks.md")
}

/// The first tasks.md under `dir/specs` (sorted), for a given workspace.
fn some_tasks_md(dir: &Path) -> PathBuf {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir.join("specs"))
        .expect("a specs folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("tasks.md").is_file())
        .collect();
    folders.sort();
    folders.first().expect("a feature folder with tasks.md").join("tasks.md")
}

struct Start {
    first_diagnostics: Duration,
    indexed: Duration,
    rss_kib: Option<u64>,
}

/// Start the server on `dir`, open `tasks` at once, and wait for its
/// diagnostics and for the end of indexing (the "indexed N feature
/// folders" log message).
fn start(dir: &Path, tasks: &Path, cache: &Path) -> Start {
    let started = Instant::now();
    let mut server = Server::start(Some(cache));
    server.initialize(dir);
    let uri = format!("file://{}", tasks.display());
    let text = std::fs::read_to_string(tasks).expect("tasks.md");
    let opened = Instant::now();
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
    let (mut first_diagnostics, mut indexed) = (None, None);
    while first_diagnostics.is_none() || indexed.is_none() {
        let m = server.read();
        if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str() {
            first_diagnostics.get_or_insert(opened.elapsed());
        }
        if m["method"] == "window/logMessage"
            && m["params"]["message"].as_str().is_some_and(|s| s.starts_with("indexed "))
        {
            indexed.get_or_insert(started.elapsed());
        }
    }
    let rss_kib = server.peak_rss_kib();
    server.stop();
    Start { first_diagnostics: first_diagnostics.expect("set"), indexed: indexed.expect("set"), rss_kib }
}

/// `specls check` of `dir`: wall time, and peak RSS when /usr/bin/time
/// can tell it.
fn check(dir: &Path, cache: &Path) -> (Duration, Option<u64>) {
    let binary = env!("CARGO_BIN_EXE_specls");
    let timed = Path::new("/usr/bin/time").is_file();
    let mut command = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M"]).arg(binary);
        c
    } else {
        Command::new(binary)
    };
    command.arg("check").arg(dir).env("XDG_CACHE_HOME", cache);
    let started = Instant::now();
    let output = command.output().expect("specls check runs");
    let took = started.elapsed();
    let rss = timed
        .then(|| String::from_utf8_lossy(&output.stderr).lines().last().and_then(|l| l.trim().parse().ok()))
        .flatten();
    (took, rss)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    // `cargo test --benches` runs benches once with --bench absent: keep it quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let scratch = std::env::temp_dir().join(format!("specls-workspace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    let (dir, tasks, what) = match args.first() {
        Some(path) if Path::new(path).is_dir() => {
            let dir = PathBuf::from(path);
            let tasks = some_tasks_md(&dir);
            (dir, tasks, path.clone())
        }
        given => {
            let folders = given.and_then(|n| n.parse().ok()).unwrap_or(if quick { 10 } else { 1_000 });
            let dir = scratch.join("workspace");
            let tasks = generate(&dir, folders);
            (dir, tasks, format!("{folders} generated folders"))
        }
    };
    let cache = scratch.join("cache");
    std::fs::create_dir_all(&cache).expect("a cache home");
    for run in ["cold", "warm"] {
        let s = start(&dir, &tasks, &cache);
        println!(
            "workspace {what} ({run}): first diagnostics {:>8.2?} after didOpen, indexed after {:>8.2?}, peak RSS {}",
            s.first_diagnostics,
            s.indexed,
            mib(s.rss_kib)
        );
    }
    let (took, rss) = check(&dir, &cache);
    println!("specls check {what}: {took:>8.2?}, peak RSS {}", mib(rss));
    let _ = std::fs::remove_dir_all(&scratch);
}
