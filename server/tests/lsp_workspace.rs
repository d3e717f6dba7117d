//! The server on a workspace of many feature folders: closed features are
//! reported from disk (or the cache) and let go, loaded again when a
//! request needs them, and their diagnostics follow the disk.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{TestClient, uri};
use serde_json::{Value, json};
use specls::lsp::LOADED_CLOSED;

const PLAN: &str = "# Plan\n\n## Project Structure\n\n```text\nsrc/\n```\n";

/// `count` feature folders under `specs/` of a fresh root; feature `n`
/// has tasks T001..T00n and a duplicate ID when `n` is even.
struct Workspace {
    root: PathBuf,
}

impl Workspace {
    fn new(name: &str, count: usize) -> Self {
        let root = std::env::temp_dir().join(format!("specls-ws-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        for n in 1..=count {
            let mut tasks = format!("# Tasks: feature {n}\n\n## Phase 1: Setup\n\n");
            for t in 1..=n {
                tasks.push_str(&format!("- [ ] T{t:03} Build part {t} of feature {n} in src/f{n}/p{t}.py\n"));
            }
            if n % 2 == 0 {
                tasks.push_str("- [ ] T001 Again in src/again.py\n");
            }
            let folder = root.join("specs").join(format!("{n:03}-feature-{n}"));
            std::fs::create_dir_all(&folder).unwrap();
            std::fs::write(folder.join("tasks.md"), tasks).unwrap();
            std::fs::write(folder.join("plan.md"), PLAN).unwrap();
        }
        Workspace { root }
    }

    fn feature(&self, n: usize) -> PathBuf {
        self.root.join("specs").join(format!("{n:03}-feature-{n}"))
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A client whose server caches reports under `cache` (`None`: no cache).
async fn start(workspace: &Workspace, cache: Option<&Path>, capabilities: Value) -> TestClient {
    let mut client = TestClient::start_with_cache(cache.map(Path::to_path_buf));
    client.initialize(&workspace.root, capabilities).await;
    client
}

/// Wait for the end of indexing; the last diagnostics published for each
/// file until then.
async fn indexed(client: &mut TestClient) -> BTreeMap<String, Value> {
    client
        .wait_for("window/logMessage", |p| p["message"].as_str().is_some_and(|m| m.starts_with("indexed ")))
        .await;
    let mut last = BTreeMap::new();
    for message in client.take_inbox() {
        if message["method"] == "textDocument/publishDiagnostics" {
            last.insert(message["params"]["uri"].as_str().unwrap().to_string(), message["params"].clone());
        }
    }
    last
}

fn codes(published: &Value) -> Vec<String> {
    let mut codes: Vec<String> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    codes.sort();
    codes
}

/// How many features are loaded; the world's list of them says the same.
fn loaded(client: &TestClient, workspace: &Workspace, count: usize) -> usize {
    let loaded: Vec<PathBuf> =
        (1..=count).map(|n| workspace.feature(n)).filter(|root| client.world.is_loaded(root)).collect();
    assert_eq!(client.world.loaded_roots(), loaded, "the list of loaded features");
    loaded.len()
}

/// The entries (not temporary files) under a cache kind's folder.
fn cache_entries(dir: &Path) -> usize {
    let folders = std::fs::read_dir(dir).into_iter().flatten().flatten();
    let files = folders.flat_map(|folder| std::fs::read_dir(folder.path()).into_iter().flatten().flatten());
    files.filter(|file| !file.file_name().to_string_lossy().starts_with(".tmp")).count()
}

fn temp_cache(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("specls-ws-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[tokio::test]
async fn closed_features_are_published_and_not_kept_and_a_warm_start_publishes_the_same() {
    let count = LOADED_CLOSED + 4;
    let workspace = Workspace::new("warm", count);
    let cache = temp_cache("warm");
    let mut cold = start(&workspace, Some(&cache), json!({})).await;
    let cold_published = indexed(&mut cold).await;
    let even = uri(&workspace.feature(2).join("tasks.md"));
    assert_eq!(codes(&cold_published[&even]), ["duplicate-task-id"]);
    assert_eq!(cold_published[&even]["version"], Value::Null, "not open: no version");
    assert_eq!(cold_published.len(), count / 2, "the files with findings: {cold_published:?}");
    assert_eq!(loaded(&cold, &workspace, count), 0, "nothing is kept loaded after indexing");
    cold.shutdown().await;
    // Written after the diagnostics, at the latest by `shutdown`.
    assert_eq!(cache_entries(&cache.join("server")), count, "one report per feature was cached");

    let mut warm = start(&workspace, Some(&cache), json!({})).await;
    assert_eq!(indexed(&mut warm).await, cold_published);
    warm.shutdown().await;

    let mut uncached = start(&workspace, None, json!({})).await;
    assert_eq!(indexed(&mut uncached).await, cold_published);
    uncached.shutdown().await;
    std::fs::remove_dir_all(&cache).unwrap();
}

#[tokio::test]
async fn requests_load_a_closed_feature_and_only_the_last_few_stay_loaded() {
    let count = LOADED_CLOSED + 4;
    let workspace = Workspace::new("requests", count);
    let mut client = start(&workspace, None, json!({})).await;
    indexed(&mut client).await;
    for n in 1..=count {
        let tasks = uri(&workspace.feature(n).join("tasks.md"));
        let outline =
            client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": tasks}})).await;
        let text = outline["result"].to_string();
        assert!(text.contains(&format!("T{n:03}")), "feature {n}: {text}");
        assert!(client.world.is_loaded(&workspace.feature(n)), "feature {n} was loaded for the request");
    }
    assert_eq!(loaded(&client, &workspace, count), LOADED_CLOSED);
    assert!(!client.world.is_loaded(&workspace.feature(1)), "the least recently used was let go");

    // Open a document: its feature stays loaded however many others are used.
    let open = workspace.feature(1).join("tasks.md");
    client.open(&open, 1).await;
    let published = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
    assert!(codes(&published).is_empty(), "{published}");
    for n in 2..=count {
        let tasks = uri(&workspace.feature(n).join("tasks.md"));
        client
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": tasks}, "position": {"line": 4, "character": 7}}),
            )
            .await;
    }
    assert!(client.world.is_loaded(&workspace.feature(1)));
    assert_eq!(loaded(&client, &workspace, count), LOADED_CLOSED + 1);
    client.shutdown().await;
}

#[tokio::test]
async fn workspace_symbols_cover_closed_and_open_features() {
    let count = LOADED_CLOSED + 2;
    let workspace = Workspace::new("symbols", count);
    let mut client = start(&workspace, None, json!({})).await;
    indexed(&mut client).await;
    client.open(&workspace.feature(3).join("tasks.md"), 1).await;
    let answer = client.request("workspace/symbol", json!({"query": "part 2 of feature"})).await;
    let names: Vec<(String, String)> = answer["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (s["name"].as_str().unwrap().to_string(), s["location"]["uri"].as_str().unwrap().to_string())
        })
        .collect();
    // Every feature from 2 on has a part 2 (feature 1 has T001 only):
    // titles holding the query come first, looser matches after them.
    let names = &names[..count - 1];
    for n in 2..=count {
        let expected = format!("T002 Build part 2 of feature {n} in src/f{n}/p2.py");
        let file = uri(&workspace.feature(n).join("tasks.md"));
        assert!(names.contains(&(expected.clone(), file)), "{expected}: {names:?}");
    }
    assert_eq!(loaded(&client, &workspace, count), 1, "symbols of closed features come from the index");
    client.shutdown().await;
}

#[tokio::test]
async fn a_file_changed_on_disk_updates_a_closed_feature() {
    let workspace = Workspace::new("disk", 3);
    let cache = temp_cache("disk");
    let mut client = start(
        &workspace,
        Some(&cache),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    )
    .await;
    let published = indexed(&mut client).await;
    let tasks = workspace.feature(2).join("tasks.md");
    assert_eq!(codes(&published[&uri(&tasks)]), ["duplicate-task-id"]);

    // Fixed on disk: its diagnostics are cleared.
    std::fs::write(&tasks, "# Tasks\n\n## Phase 1\n\n- [ ] T001 Build in src/a.py\n").unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&tasks), "type": 2}]}))
        .await;
    let cleared = client.diagnostics(&uri(&tasks)).await;
    assert!(codes(&cleared).is_empty(), "{cleared}");

    // Broken again: reported again (a new key, not the old cached report).
    std::fs::write(&tasks, "# Tasks\n\n## Phase 1\n\n- [ ] T001 a in src/a.py\n- [ ] T001 b in src/b.py\n")
        .unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&tasks), "type": 2}]}))
        .await;
    let again = client.diagnostics(&uri(&tasks)).await;
    assert_eq!(codes(&again), ["duplicate-task-id"]);
    assert_eq!(again["diagnostics"][0]["range"]["start"], json!({"line": 5, "character": 6}));
    assert!(!client.world.is_loaded(&workspace.feature(2)));
    client.shutdown().await;
    std::fs::remove_dir_all(&cache).unwrap();
}

#[tokio::test]
async fn an_unwritable_cache_folder_only_costs_time() {
    let workspace = Workspace::new("unwritable", 2);
    // A file where the cache folder should be: nothing can be created in it.
    let blocked = temp_cache("unwritable");
    std::fs::write(&blocked, "not a folder").unwrap();
    let mut client = start(&workspace, Some(&blocked), json!({})).await;
    let published = indexed(&mut client).await;
    assert_eq!(codes(&published[&uri(&workspace.feature(2).join("tasks.md"))]), ["duplicate-task-id"]);
    client.shutdown().await;
    std::fs::remove_file(&blocked).unwrap();
}
