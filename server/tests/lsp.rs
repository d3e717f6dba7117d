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
async fn config_path_names_the_configuration_and_a_broken_one_is_said() {
    let feature = TempFeature::new("config-path", &[("tasks.md", TASKS)]);
    let elsewhere = feature.root.join("team.toml");
    std::fs::write(&elsewhere, "[rules]\nmissing-plan = \"off\"\n").unwrap();
    let broken = feature.root.join("broken.toml");
    std::fs::write(&broken, "[rules]\nmissing-plan = \"loud\"\n").unwrap();
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let before = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
    assert_eq!(codes(&before), ["missing-plan"]);
    // Relative to the workspace folder, as the clients document it.
    let change = |config: &str| json!({"settings": {"specls": {"configPath": config}}});
    client.notify("workspace/didChangeConfiguration", change("team.toml")).await;
    client.wait_for("textDocument/publishDiagnostics", |p| p["diagnostics"] == json!([])).await;
    client.notify("workspace/didChangeConfiguration", change(broken.to_str().unwrap())).await;
    let told = client.wait_for("window/showMessage", |p| p["type"] == 2).await;
    let message = told["message"].as_str().unwrap();
    assert!(message.contains("broken.toml:2") && message.contains("default rules apply"), "{message}");
    let after = client.wait_for("textDocument/publishDiagnostics", |p| p["diagnostics"] != json!([])).await;
    assert_eq!(codes(&after), ["missing-plan"]);
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

/// `workspace/executeCommand` with one argument.
async fn execute(client: &mut TestClient, command: &str, argument: Value) -> Value {
    client.request("workspace/executeCommand", json!({"command": command, "arguments": [argument]})).await
}

fn edits_asked(client: &mut TestClient) -> Vec<Value> {
    client.take_inbox().into_iter().filter(|m| m["method"] == "workspace/applyEdit").collect()
}

#[tokio::test]
async fn toggling_past_the_last_task_is_an_error_and_edits_nothing() {
    let feature = TempFeature::new("toggle-end", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    client.take_inbox();
    // Line 6 is the empty line after the last task (T002 on line 5).
    for line in [u32::MAX, 6] {
        let reply = execute(
            &mut client,
            "specls.toggleTask",
            json!({"uri": uri(&path), "position": {"line": line, "character": 0}}),
        )
        .await;
        assert_eq!(reply["error"]["code"], -32602, "line {line}: {reply}");
        assert_eq!(edits_asked(&mut client), Vec::<Value>::new(), "line {line}");
    }
    // On the task's line it toggles, through the client.
    let reply = execute(
        &mut client,
        "specls.toggleTask",
        json!({"uri": uri(&path), "position": {"line": 5, "character": 3}}),
    )
    .await;
    assert_eq!(reply["result"], json!({"applied": false}), "{reply}");
    let asked = edits_asked(&mut client);
    let [asked] = asked.as_slice() else { panic!("one edit asked: {asked:#?}") };
    let edits = &asked["params"]["edit"]["changes"][uri(&path)];
    assert_eq!(
        edits,
        &json!([{"range": {"start": {"line": 5, "character": 3}, "end": {"line": 5, "character": 4}}, "newText": "x"}])
    );
    client.shutdown().await;
}

#[tokio::test]
async fn commands_refuse_files_outside_the_workspace() {
    let feature = TempFeature::new("inside", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let outside = TempFeature::new("outside", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    client.open(&feature.path("tasks.md"), 1).await;
    // Even a document the client opened is refused when it lies outside.
    client.open(&outside.path("tasks.md"), 1).await;
    let sneaky = format!("{}/specs/001-feature/../../{}/specs/001-feature/tasks.md", uri(&feature.root), {
        outside.root.file_name().unwrap().to_str().unwrap()
    });
    for target in [uri(&outside.path("tasks.md")), sneaky, "untitled:Untitled-1".to_string()] {
        for command in ["specls.showGraph", "specls.nextTasks", "specls.renumberTasks", "specls.toggleTask"] {
            let argument = json!({"uri": target, "position": {"line": 4, "character": 3}});
            let reply = execute(&mut client, command, argument).await;
            assert_eq!(reply["error"]["code"], -32602, "{command} {target}: {reply}");
        }
    }
    assert_eq!(edits_asked(&mut client), Vec::<Value>::new());
    // Inside, the same command works.
    let reply =
        execute(&mut client, "specls.showGraph", json!({"uri": uri(&feature.path("tasks.md"))})).await;
    assert!(reply["result"].as_str().is_some_and(|graph| graph.starts_with("flowchart")), "{reply}");
    client.shutdown().await;
}

/// Every file under `root` with its bytes and modification time.
fn disk_state(root: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                out.push((path.clone(), std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_command_and_code_action_leaves_the_workspace_files_alone() {
    // Out of order IDs, a malformed line, a story without tasks: every
    // kind of action has something to offer.
    let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T002 Create project in src/app.py\n* [X] T001: Configure lint in pyproject.toml\n- [ ] T001 Duplicate in src/b.py\n";
    let spec = "# Feature\n\n### User Story 1 - Sign up (Priority: P1)\n\nText.\n\n## Requirements\n\n- **FR-001**: System MUST sign users up\n";
    let feature = TempFeature::new("no-writes", &[("tasks.md", tasks), ("plan.md", PLAN), ("spec.md", spec)]);
    let before = disk_state(&feature.root);
    let mut client = started(&feature, json!({})).await;
    let mut edits = 0;
    for (rel, text) in [("tasks.md", tasks), ("spec.md", spec), ("plan.md", PLAN)] {
        let path = feature.path(rel);
        client.open(&path, 1).await;
        for (line, _) in text.lines().enumerate() {
            let position = json!({"line": line, "character": 2});
            let reply = client
                .request(
                    "textDocument/codeAction",
                    json!({"textDocument": {"uri": uri(&path)}, "range": {"start": position, "end": position}, "context": {"diagnostics": []}}),
                )
                .await;
            for action in reply["result"].as_array().unwrap() {
                edits += usize::from(action.get("edit").is_some());
                if let Some(command) = action.get("command") {
                    let call = json!({"command": command["command"], "arguments": command["arguments"]});
                    client.request("workspace/executeCommand", call).await;
                }
            }
            for command in
                ["specls.toggleTask", "specls.showGraph", "specls.nextTasks", "specls.renumberTasks"]
            {
                execute(&mut client, command, json!({"uri": uri(&path), "position": position})).await;
            }
        }
    }
    let asked = edits_asked(&mut client);
    assert!(
        edits > 0 && !asked.is_empty(),
        "the session produced edits: {edits} actions, {} applyEdit",
        asked.len()
    );
    client.shutdown().await;
    assert!(disk_state(&feature.root) == before, "a workspace file changed on disk");
}

#[tokio::test]
async fn code_actions_without_only_list_each_action_once() {
    let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T002 Create project in src/app.py\n* [X] T001: Configure lint in pyproject.toml\n";
    let feature = TempFeature::new("actions-once", &[("tasks.md", tasks), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let titles = |only: Value| {
        let mut context = json!({"diagnostics": []});
        if !only.is_null() {
            context["only"] = only;
        }
        json!({"textDocument": {"uri": uri(&path)}, "range": {"start": {"line": 4, "character": 2}, "end": {"line": 4, "character": 2}}, "context": context})
    };
    let listed = |reply: &Value| -> Vec<String> {
        reply["result"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_string()).collect()
    };
    let all = listed(&client.request("textDocument/codeAction", titles(Value::Null)).await);
    let normalise: Vec<&String> = all.iter().filter(|t| t.starts_with("Normalise")).collect();
    let renumber: Vec<&String> = all.iter().filter(|t| t.starts_with("Renumber")).collect();
    assert_eq!((normalise.len(), renumber.len()), (1, 1), "{all:#?}");
    // The source menu still has its own.
    let source = listed(&client.request("textDocument/codeAction", titles(json!(["source"]))).await);
    assert!(source.iter().any(|t| t.starts_with("Normalise")), "{source:?}");
    assert!(source.iter().any(|t| t.starts_with("Renumber")), "{source:?}");
    client.shutdown().await;
}

#[tokio::test]
async fn fix_on_save_asks_for_source_fix_all_and_gets_every_safe_fix() {
    let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] **T001** Create project in src/app.py\n- [ ] **T002** Configure lint in pyproject.toml\n";
    let feature = TempFeature::new("fix-all", &[("tasks.md", tasks), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    // What VS Code sends for `"editor.codeActionsOnSave": {"source.fixAll.specls": "explicit"}`.
    let at = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    let request = |only: Value| json!({"textDocument": {"uri": uri(&path)}, "range": at, "context": {"diagnostics": [], "only": only, "triggerKind": 2}});
    for only in [json!(["source.fixAll.specls"]), json!(["source.fixAll"])] {
        let reply = client.request("textDocument/codeAction", request(only.clone())).await;
        let actions = reply["result"].as_array().unwrap();
        let kinds: Vec<&str> = actions.iter().map(|a| a["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["source.fixAll.specls"], "{only}: {reply}");
        let edits = actions[0]["edit"]["changes"][uri(&path)].as_array().unwrap();
        let new_texts: Vec<&str> = edits.iter().map(|e| e["newText"].as_str().unwrap()).collect();
        assert_eq!(new_texts, ["[ ] T001 ", "[ ] T002 "], "{reply}");
    }
    // Quick fixes only: no fix-all among them.
    let reply = client.request("textDocument/codeAction", request(json!(["quickfix"]))).await;
    assert!(reply["result"].as_array().unwrap().iter().all(|a| a["kind"] == "quickfix"), "{reply}");
    client.shutdown().await;
}

#[tokio::test]
async fn task_id_completion_in_a_big_file_is_capped_and_marked_incomplete() {
    let mut tasks = String::from("## Phase 1: Core\n\n");
    for n in 1..=1000 {
        tasks.push_str(&format!("- [ ] T{n:04} Task {n} in src/t{n}.py\n"));
    }
    tasks.push_str("\n## Dependencies\n\n- T0001 blocks \n");
    let line = tasks.lines().count() as u32 - 1;
    let feature = TempFeature::new("big-completion", &[("tasks.md", &tasks), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let position = json!({"textDocument": {"uri": uri(&path)}, "position": {"line": line, "character": 15}});
    let reply = client.request("textDocument/completion", position).await;
    assert_eq!(reply["result"]["isIncomplete"], true, "{}", reply["result"]["isIncomplete"]);
    assert_eq!(reply["result"]["items"].as_array().map(Vec::len), Some(200));
    client.shutdown().await;
}

#[tokio::test]
async fn an_explicit_editor_trigger_beats_specls_toml() {
    let tasks = "- [ ] T001 a in src/a.py\n- [ ] T002 b in src/b.py\n";
    let feature = TempFeature::new("precedence", &[("tasks.md", tasks), ("plan.md", PLAN)]);
    std::fs::write(feature.root.join("specls.toml"), "[diagnostics]\ntrigger = \"save\"\n").unwrap();
    let path = feature.path("tasks.md");
    let duplicate = json!([{"range": {"start": {"line": 1, "character": 6}, "end": {"line": 1, "character": 10}}, "text": "T001"}]);
    // Through workspace/configuration, through initializationOptions, and
    // (the control) no editor setting: specls.toml's "save" applies.
    for (how, explicit) in [("configuration", true), ("initializationOptions", true), ("none", false)] {
        let mut client = TestClient::start();
        let settings = json!({"diagnostics": {"trigger": "edit"}});
        let capabilities = if how == "configuration" {
            client.settings = settings.clone();
            json!({"workspace": {"configuration": true}})
        } else {
            json!({})
        };
        let options = if how == "initializationOptions" { settings } else { Value::Null };
        let reply = client
            .request(
                "initialize",
                json!({"processId": null, "rootUri": uri(&feature.root), "capabilities": capabilities,
                       "initializationOptions": options,
                       "workspaceFolders": [{"uri": uri(&feature.root), "name": "test"}]}),
            )
            .await;
        assert!(reply["result"].is_object(), "{reply}");
        client.notify("initialized", json!({})).await;
        client.open(&path, 1).await;
        client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
        // Let the background indexing's own analysis land first (it reads
        // the editor's text whatever the trigger).
        let _ = client.receives_within("never", Duration::from_millis(300), |_| false).await;
        client.take_inbox();
        client.change(&path, 2, duplicate.clone()).await;
        let published = client
            .receives_within("textDocument/publishDiagnostics", Duration::from_secs(2), |p| p["version"] == 2)
            .await;
        assert_eq!(published, explicit, "{how}");
        client.shutdown().await;
    }
}

#[tokio::test]
async fn pulling_clients_are_told_to_pull_again_when_an_edit_changes_another_file() {
    let tasks = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 [US1] Sign up in src/app.py\n";
    let spec = "# Feature\n\n### User Story 1 - Sign up (Priority: P1)\n\n**Independent Test**: Sign up.\n\n### User Story 2 - Profile (Priority: P2)\n\n**Independent Test**: Open the profile.\n";
    let feature = TempFeature::new("refresh", &[("tasks.md", tasks), ("plan.md", PLAN), ("spec.md", spec)]);
    for refresh_support in [true, false] {
        let mut client = started(
            &feature,
            json!({"textDocument": {"diagnostic": {}}, "workspace": {"diagnostics": {"refreshSupport": refresh_support}}}),
        )
        .await;
        let (tasks_path, spec_path) = (feature.path("tasks.md"), feature.path("spec.md"));
        client.open(&tasks_path, 1).await;
        client.open(&spec_path, 1).await;
        let report = client
            .request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec_path)}}))
            .await;
        let before: Vec<Value> =
            report["result"]["items"].as_array().unwrap().iter().map(|d| d["code"].clone()).collect();
        assert!(before.contains(&json!("story-without-tasks")), "{report}");
        // Let the indexing settle, then give User Story 2 a task in
        // tasks.md: spec.md's finding on it goes.
        let _ = client.receives_within("never", Duration::from_millis(300), |_| false).await;
        client.take_inbox();
        let end = tasks.lines().count();
        client
            .change(&tasks_path, 2, json!([{"range": {"start": {"line": end, "character": 0}, "end": {"line": end, "character": 0}}, "text": "- [ ] T002 [US2] Profile page in src/profile.py\n"}]))
            .await;
        let told =
            client.receives_within("workspace/diagnostic/refresh", Duration::from_secs(3), |_| true).await;
        assert_eq!(told, refresh_support);
        let report = client
            .request("textDocument/diagnostic", json!({"textDocument": {"uri": uri(&spec_path)}}))
            .await;
        let after: Vec<Value> =
            report["result"]["items"].as_array().unwrap().iter().map(|d| d["code"].clone()).collect();
        assert!(!after.contains(&json!("story-without-tasks")), "{report}");
        client.shutdown().await;
    }
}

/// The server's code (outside its tests) calls nothing that writes a file:
/// every change it makes goes to the client as a WorkspaceEdit.
#[test]
fn no_server_layer_writes_files() {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let writers =
        ["fs::write", "File::create", "OpenOptions", "create_dir", "remove_file", "fs::rename", "fs::copy"];
    let mut folders: Vec<std::path::PathBuf> =
        ["text", "syntax", "model", "analysis", "workspace", "ide", "lsp"]
            .iter()
            .map(|l| src.join(l))
            .collect();
    let mut found = Vec::new();
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            // The results cache writes only below its own folder in the
            // user's cache directory, never into the workspace.
            if path.ends_with("workspace/cache.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            // Unit tests sit at the end of a file, after `#[cfg(test)]`.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            for writer in writers.iter().filter(|w| code.contains(*w)) {
                found.push(format!("{}: {writer}", path.display()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[tokio::test]
async fn a_document_over_the_size_limit_is_reported_not_analysed() {
    let big: String = (1..=20).map(|n| format!("- [ ] T{n:03} Create src/part_{n}.py\n")).collect();
    let feature = TempFeature::new(
        "too-large",
        &[("specls.toml", "max-file-size = 300\n"), ("tasks.md", &big), ("plan.md", PLAN)],
    );
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let published = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 1).await;
    assert_eq!(codes(&published), ["file-too-large"]);
    let found = &published["diagnostics"][0];
    assert_eq!(
        found["range"],
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}})
    );
    assert!(found["message"].as_str().unwrap().starts_with("file too large, not analysed"), "{found}");
    // Edited under the limit, it is analysed again.
    let lines = big.lines().count() as u32;
    let small = "- [ ] T001 a in src/a.py\n- [ ] T001 b in src/b.py\n";
    client
        .change(&path, 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": lines, "character": 0}}, "text": small}]))
        .await;
    let published = client.wait_for("textDocument/publishDiagnostics", |p| p["version"] == 2).await;
    assert_eq!(codes(&published), ["duplicate-task-id"]);
    client.shutdown().await;
}

#[tokio::test]
async fn checklists_get_hover_definition_completion_lenses_and_requirement_rename() {
    let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: Owners MUST invite by email.\n";
    let checklist =
        "# UX Checklist\n\n- [ ] CHK001 Is the invite clear? [Spec §FR-001]\n- [ ] CHK002 Cites [§\n";
    let feature = TempFeature::new(
        "checklists",
        &[("tasks.md", TASKS), ("plan.md", PLAN), ("spec.md", spec), ("checklists/ux.md", checklist)],
    );
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("checklists/ux.md");
    client.open(&path, 1).await;
    let document = json!({"uri": uri(&path)});
    let at = |line: u32, character: u32| json!({"textDocument": document, "position": {"line": line, "character": character}});

    let hover = client.request("textDocument/hover", at(2, 9)).await;
    let text = hover["result"]["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**CHK001** · open"), "{text}");
    assert!(text.contains("**FR-001** · Owners MUST invite by email."), "{text}");

    let definition = client.request("textDocument/definition", at(2, 9)).await;
    let places = definition["result"].as_array().unwrap();
    assert_eq!(places.len(), 1, "{definition}");
    assert!(places[0]["uri"].as_str().unwrap().ends_with("/spec.md"));
    assert_eq!(places[0]["range"]["start"]["line"], 4);

    let completion = client.request("textDocument/completion", at(3, 21)).await;
    let labels: Vec<&str> =
        completion["result"].as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["FR-001"]);

    let lenses = client.request("textDocument/codeLens", json!({"textDocument": document})).await;
    let titles: Vec<&str> =
        lenses["result"].as_array().unwrap().iter().filter_map(|l| l["command"]["title"].as_str()).collect();
    assert_eq!(titles, ["0/2 items done (0%) · 1 without a citation or marker"]);

    let rename = client
        .request(
            "textDocument/rename",
            json!({"textDocument": document,
        "position": {"line": 2, "character": 44}, "newName": "FR-010"}),
        )
        .await;
    let changes = rename["result"]["changes"].as_object().expect("a workspace edit");
    let mut files: Vec<&str> = changes.keys().map(|k| k.rsplit('/').next().unwrap()).collect();
    files.sort();
    assert_eq!(files, ["spec.md", "ux.md"], "{rename}");
    client.shutdown().await;
}

#[tokio::test]
async fn a_hover_is_answered_without_any_analysis() {
    // Before `initialized` the publisher starts no analysis: a hover that
    // waited for one would never be answered.
    let feature = TempFeature::new("hover-first", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = TestClient::start();
    client
        .request("initialize", json!({"processId": null, "rootUri": uri(&feature.root), "capabilities": {}}))
        .await;
    let path = feature.path("tasks.md");
    client.open(&path, 1).await;
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&path)}, "position": {"line": 4, "character": 8}}),
        )
        .await;
    let markdown = hover["result"]["contents"]["value"].as_str().expect("a hover");
    assert!(markdown.contains("T001"), "{markdown}");
    assert!(client.take_inbox().iter().all(|m| m["method"] != "textDocument/publishDiagnostics"));
}

#[tokio::test]
async fn a_closed_document_counts_from_disk_again() {
    // While open, the editor's text stands for the file (the disk copy is
    // not kept); closing reads the disk again.
    let feature = TempFeature::new("close-rereads", &[("tasks.md", TASKS), ("plan.md", PLAN)]);
    let mut client = started(&feature, json!({})).await;
    let path = feature.path("tasks.md");
    let edited = format!("{TASKS}- [ ] T001 Again in src/again.py\n");
    client.open_text(&path, &edited, 1).await;
    let open = client
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri(&path) && p["version"] == 1)
        .await;
    assert!(codes(&open).contains(&"duplicate-task-id".to_string()));
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri(&path)}})).await;
    client
        .wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri(&path)
                && p["version"].is_null()
                && !codes(p).contains(&"duplicate-task-id".to_string())
        })
        .await;
    // The file is back in the feature: its task has a hover.
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri(&path)}, "position": {"line": 4, "character": 8}}),
        )
        .await;
    assert!(hover["result"]["contents"]["value"].as_str().is_some_and(|m| m.contains("T001")), "{hover}");
    client.shutdown().await;
}
