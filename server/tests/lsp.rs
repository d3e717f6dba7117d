//! The language server driven in-process over in-memory pipes: the whole
//! protocol stack (framing, ordered sync, handlers, publisher) without a
//! subprocess.

mod common;

use std::time::Duration;

use common::{TempFeature, TestClient, uri};
use serde_json::{Value, json};

const TASKS: &str = "# Tasks: Demo\n\n## Phase 1: Setup\n\n- [ ] T001 Create project in src/app.py\n- [ ] T002 Configure lint in pyproject.toml\n";
const PLAN: &str = "# Plan\n\n## Project Structure\n\n```text\nsrc/\ntests/\n```\n";

fn codes(diagnostics: &Value) -> Vec<String> {
    let mut out: Vec<String> = diagnostics["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out
}

async fn started(feature: &TempFeature, capabilities: Value) -> TestClient {
    let mut client = TestClient::start();
    client.initialize(&feature.root, capabilities).await;
    client
}

#[tokio::test]
async fn utf8_is_negotiated_when_offered_and_utf16_otherwise() {
    let feature = TempFeature::new("encoding", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = TestClient::start();
    let reply = client
        .initialize(&feature.root, json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}))
        .await;
    assert_eq!(reply["result"]["capabilities"]["positionEncoding"], "utf-8");
    assert_eq!(reply["result"]["capabilities"]["textDocumentSync"]["change"], 2, "incremental sync");
    client.shutdown().await;

    let mut client = TestClient::start();
    let reply = client.initialize(&feature.root, json!({})).await;
    assert_eq!(reply["result"]["capabilities"]["positionEncoding"], "utf-16");
    client.shutdown().await;
}

#[tokio::test]
async fn a_hundred_changes_sent_without_waiting_apply_in_order() {
    let feature = TempFeature::new("hundred", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let mut expected = TASKS.to_string();
    for n in 0..100 {
        // Each edit appends at the current end: applying any two out of
        // order would scramble the digits.
        let line = expected.lines().count() as u32;
        let text = format!("- [ ] T{:03} step {n} in src/step_{n}.py\n", n + 3);
        client
            .change(&path, n + 2, json!([{"range": {"start": {"line": line, "character": 0}, "end": {"line": line, "character": 0}}, "text": text}]))
            .await;
        expected.push_str(&text);
    }
    // A request after the notifications is answered after all of them.
    client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&path)}})).await;
    assert_eq!(client.world.open_text(&uri(&path).parse().unwrap()).unwrap(), expected);
    assert_eq!(client.world.open_version(&uri(&path).parse().unwrap()), Some(101));
    // The last publication is of the last version, never an older one after it.
    let last = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 101).await;
    assert!(codes(&last).is_empty(), "{last}");
    client.shutdown().await;
}

#[tokio::test]
async fn every_file_of_the_feature_gets_diagnostics_and_open_ones_their_version() {
    let feature =
        TempFeature::new("files", &[("tasks.md", "- [ ] T001 a in src/a.py\n- [ ] T001 b in src/b.py\n")]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 7).await;
    let published = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 7).await;
    assert_eq!(codes(&published), ["duplicate-task-id", "missing-plan"]);
    let duplicate = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-task-id")
        .unwrap();
    assert_eq!(duplicate["range"]["start"], json!({"line": 1, "character": 6}));
    assert_eq!(duplicate["source"], "specls");
    assert_eq!(duplicate["relatedInformation"][0]["message"], "first used here");
    client.shutdown().await;
}

#[tokio::test]
async fn utf16_columns_count_emoji_as_two_and_cjk_as_one() {
    let line = "- [ ] T001 😀 漢字 (depends on T099) in src/x.py";
    let feature = TempFeature::new("utf16", &[("tasks.md", &format!("{line}\n")), ("plan.md", PLAN)]);
    for (offered, unit) in [(json!(["utf-16"]), "utf-16"), (json!(["utf-8"]), "utf-8")] {
        let mut client = started(&feature, json!({"general": {"positionEncodings": offered}})).await;
        let path = feature.path("tasks.md");
        client.open(&path, 1).await;
        let published = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
        let unknown = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "unknown-task-reference")
            .unwrap();
        let before = &line[..line.find("T099").unwrap()];
        let column = if unit == "utf-16" { before.encode_utf16().count() } else { before.len() };
        assert_eq!(unknown["range"]["start"], json!({"line": 0, "character": column}), "{unit}");
        assert_eq!(unknown["range"]["end"]["character"], column + 4);
        client.shutdown().await;
    }
}

#[tokio::test]
async fn crlf_documents_keep_their_lines_through_edits() {
    let text = "# Tasks\r\n\r\n- [ ] T001 a in src/a.py\r\n- [ ] T002 b in src/b.py\r\n";
    let feature = TempFeature::new("crlf", &[("tasks.md", text), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    // Turn T002 into a second T001 on line 3 (0-based).
    client
        .change(&path, 2, json!([{"range": {"start": {"line": 3, "character": 6}, "end": {"line": 3, "character": 10}}, "text": "T001"}]))
        .await;
    let published = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 2).await;
    let duplicate = &published["diagnostics"][0];
    assert_eq!(duplicate["code"], "duplicate-task-id");
    assert_eq!(
        duplicate["range"],
        json!({"start": {"line": 3, "character": 6}, "end": {"line": 3, "character": 10}})
    );
    let now = client.world.open_text(&uri(&path).parse().unwrap()).unwrap();
    assert_eq!(now, text.replace("T002", "T001"));
    client.shutdown().await;
}

#[tokio::test]
async fn a_file_changed_on_disk_updates_the_open_documents_of_its_feature() {
    let feature = TempFeature::new("disk", &[("tasks.md", TASKS)]);
    let mut client =
        started(&feature, json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}))
            .await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let before = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
    assert_eq!(codes(&before), ["missing-plan"]);

    std::fs::write(feature.path("plan.md"), PLAN).unwrap();
    client
        .notify(
            "workspace/didChangeWatchedFiles",
            json!({"changes": [{"uri": uri(&feature.path("plan.md")), "type": 1}]}),
        )
        .await;
    let after = client
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri(&path).as_str() && p["version"] == 1 && p["diagnostics"] == json!([])
        })
        .await;
    assert!(codes(&after).is_empty());

    // A contract added on disk: its file gets diagnostics too.
    let contract = feature.path("contracts/openapi.yaml");
    std::fs::create_dir_all(contract.parent().unwrap()).unwrap();
    std::fs::write(&contract, "openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /users:\n    post:\n      operationId: createUser\n      responses: {'201': {description: ok}}\n").unwrap();
    client
        .notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri(&contract), "type": 1}]}))
        .await;
    let contract_diagnostics = client.diagnostics(&uri(&contract)).await;
    assert!(
        codes(&contract_diagnostics).contains(&"endpoint-without-task".to_string()),
        "{contract_diagnostics}"
    );
    client.shutdown().await;
}

#[tokio::test]
async fn in_save_mode_only_a_save_publishes() {
    let feature = TempFeature::new("save", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = TestClient::start();
    client.settings = json!({"diagnostics": {"trigger": "save"}});
    client.initialize(&feature.root, json!({"workspace": {"configuration": true}})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
    // Let the background indexing's own analysis land before editing: any
    // analysis, whatever started it, reads the editor's current text.
    let _ = client.receives_within("never", Duration::from_millis(300), |_| false).await;
    client.take_inbox();
    client
        .change(&path, 2, json!([{"range": {"start": {"line": 5, "character": 6}, "end": {"line": 5, "character": 10}}, "text": "T001"}]))
        .await;
    let edited = |p: &Value| p["version"] == 2;
    assert!(
        !client.receives_within("textDocument/publishDiagnostics", Duration::from_millis(400), edited).await
    );
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri(&path)}})).await;
    let saved = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 2).await;
    assert_eq!(codes(&saved), ["duplicate-task-id"]);
    client.shutdown().await;
}

#[tokio::test]
async fn configuration_changes_take_effect() {
    let feature = TempFeature::new("config", &[("tasks.md", TASKS)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let before = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
    assert_eq!(codes(&before), ["missing-plan"]);
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"specls": {"rules": {"missing-plan": "off"}}}}),
        )
        .await;
    let after = client
        .wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1 && p["diagnostics"] == json!([]))
        .await;
    assert!(codes(&after).is_empty());
    // Back on, as a hint.
    client
        .notify(
            "workspace/didChangeConfiguration",
            json!({"settings": {"specls": {"rules": {"missing-plan": "hint"}}}}),
        )
        .await;
    let hinted =
        client.wait_for("textDocument/publishDiagnostics", |p| p["diagnostics"][0]["severity"] == 4).await;
    assert_eq!(codes(&hinted), ["missing-plan"]);
    client.shutdown().await;
}

#[tokio::test]
async fn clients_that_pull_get_reports_and_no_pushes_for_open_documents() {
    let feature = TempFeature::new(
        "pull",
        &[("tasks.md", "- [ ] T001 a in src/a.py\n- [ ] T001 b in src/b.py\n"), ("plan.md", PLAN)],
    );
    let mut client = TestClient::start();
    let reply = client.initialize(&feature.root, json!({"textDocument": {"diagnostic": {}}})).await;
    assert_eq!(reply["result"]["capabilities"]["diagnosticProvider"]["interFileDependencies"], true);
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let report =
        client.request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&path)}})).await;
    assert_eq!(report["result"]["kind"], "full");
    assert_eq!(report["result"]["items"][0]["code"], "duplicate-task-id");
    let pushed: Vec<Value> = client
        .take_inbox()
        .into_iter()
        .filter(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri(&path).as_str()
        })
        .collect();
    assert!(pushed.iter().all(|m| m["params"]["diagnostics"] == json!([])), "{pushed:?}");
    client.shutdown().await;
}

#[tokio::test]
async fn indexing_reports_progress_and_publishes_unopened_files() {
    let feature = TempFeature::new("index", &[("tasks.md", TASKS)]);
    let mut client = started(&feature, json!({"window": {"workDoneProgress": true}})).await;
    let begin = client.wait_for("$/progress", |p| p["value"]["kind"] == "begin").await;
    assert_eq!(begin["value"]["title"], "Indexing spec folders");
    client.wait_for("$/progress", |p| p["value"]["kind"] == "end").await;
    let published = client.diagnostics(&uri(&feature.path("tasks.md"))).await;
    assert_eq!(published["version"], Value::Null, "not open: no version");
    assert_eq!(codes(&published), ["missing-plan"]);
    client.shutdown().await;
}

#[tokio::test]
async fn shutdown_then_exit_ends_the_server() {
    let feature = TempFeature::new("exit", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let client = started(&feature, json!({})).await;
    let flag = client.shut_down.clone();
    client.shutdown().await;
    assert!(flag.load(std::sync::atomic::Ordering::SeqCst));
}
