//! A small LSP client for in-process tests: JSON-RPC over in-memory pipes
//! to `specls::lsp::serve_with`, answering the server's own requests.

#![allow(dead_code)]

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::{Value, json};
use specls::lsp::World;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};

pub struct TestClient {
    reader: BufReader<ReadHalf<DuplexStream>>,
    writer: WriteHalf<DuplexStream>,
    next_id: i64,
    /// Notifications and server requests not yet looked at.
    inbox: VecDeque<Value>,
    /// The `specls` section answered to `workspace/configuration`.
    pub settings: Value,
    pub world: Arc<World>,
    pub shut_down: Arc<AtomicBool>,
    server: tokio::task::JoinHandle<()>,
}

pub fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

impl TestClient {
    /// Start a server on pipes.
    pub fn start() -> Self {
        // Reports of closed features are cached in a folder of the test
        // run's own, never the user's.
        Self::start_with_cache(Some(
            std::env::temp_dir().join(format!("specls-lsp-cache-{}", std::process::id())),
        ))
    }

    /// Start a server that caches reports under `cache` (`None`: never).
    pub fn start_with_cache(cache: Option<PathBuf>) -> Self {
        let (client_end, server_end) = tokio::io::duplex(1 << 22);
        let (server_read, server_write) = tokio::io::split(server_end);
        let world = Arc::new(World::default());
        world.use_cache_home(cache);
        let shut_down = Arc::new(AtomicBool::new(false));
        let server = tokio::spawn(specls::lsp::serve_with(
            world.clone(),
            server_read,
            server_write,
            shut_down.clone(),
        ));
        let (reader, writer) = tokio::io::split(client_end);
        TestClient {
            reader: BufReader::new(reader),
            writer,
            next_id: 1,
            inbox: VecDeque::new(),
            settings: json!({}),
            world,
            shut_down,
            server,
        }
    }

    pub async fn send(&mut self, message: Value) {
        let body = serde_json::to_vec(&message).unwrap();
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        self.writer.write_all(header.as_bytes()).await.unwrap();
        self.writer.write_all(&body).await.unwrap();
        self.writer.flush().await.unwrap();
    }

    async fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await.unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    /// Read one message; answer server requests on the way.
    async fn next_message(&mut self) -> Value {
        let message =
            tokio::time::timeout(Duration::from_secs(20), self.read()).await.expect("server replied in time");
        if message.get("method").is_some() && message.get("id").is_some() {
            self.answer(&message).await;
        }
        message
    }

    /// Reply to a request from the server.
    async fn answer(&mut self, request: &Value) {
        let result = match request["method"].as_str() {
            Some("workspace/configuration") => json!([self.settings.clone()]),
            // Edits are only looked at: the files on disk stay as they are.
            Some("workspace/applyEdit") => json!({"applied": false}),
            _ => Value::Null,
        };
        self.send(json!({"jsonrpc": "2.0", "id": request["id"], "result": result})).await;
    }

    pub async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params})).await;
    }

    /// Send a request and wait for its response; other messages are kept.
    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})).await;
        loop {
            let message = self.next_message().await;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.inbox.push_back(message);
        }
    }

    /// Wait for a notification matching `pick`.
    pub async fn wait_for(&mut self, method: &str, pick: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.inbox.iter().position(|m| m["method"] == method && pick(&m["params"])) {
            return self.inbox.remove(i).unwrap()["params"].clone();
        }
        loop {
            let message = self.next_message().await;
            if message["method"] == method && pick(&message["params"]) {
                return message["params"].clone();
            }
            self.inbox.push_back(message);
        }
    }

    /// The next diagnostics published for `uri`.
    pub async fn diagnostics(&mut self, uri: &str) -> Value {
        let uri = uri.to_string();
        self.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str()).await
    }

    /// Everything received and not consumed yet, then cleared.
    pub fn take_inbox(&mut self) -> Vec<Value> {
        self.inbox.drain(..).collect()
    }

    /// Whether a notification matching `pick` arrives within `wait`.
    pub async fn receives_within(
        &mut self,
        method: &str,
        wait: Duration,
        pick: impl Fn(&Value) -> bool,
    ) -> bool {
        if self.inbox.iter().any(|m| m["method"] == method && pick(&m["params"])) {
            return true;
        }
        let deadline = tokio::time::Instant::now() + wait;
        while let Ok(message) = tokio::time::timeout_at(deadline, self.read()).await {
            if message.get("method").is_some() && message.get("id").is_some() {
                self.answer(&message).await;
            }
            let found = message["method"] == method && pick(&message["params"]);
            self.inbox.push_back(message);
            if found {
                return true;
            }
        }
        false
    }

    /// `initialize` + `initialized` with the given capabilities and roots.
    pub async fn initialize(&mut self, root: &Path, capabilities: Value) -> Value {
        let response = self
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": uri(root),
                    "capabilities": capabilities,
                    "workspaceFolders": [{"uri": uri(root), "name": "test"}],
                }),
            )
            .await;
        self.notify("initialized", json!({})).await;
        response
    }

    pub async fn open(&mut self, path: &Path, version: i32) {
        let text = std::fs::read_to_string(path).unwrap();
        self.open_text(path, &text, version).await;
    }

    pub async fn open_text(&mut self, path: &Path, text: &str, version: i32) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "markdown", "version": version, "text": text}}),
        )
        .await;
    }

    pub async fn change(&mut self, path: &Path, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
        )
        .await;
    }

    pub async fn shutdown(mut self) {
        let response = self.request("shutdown", Value::Null).await;
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null).await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.server).await;
    }
}

/// A temporary copy of a feature folder (`specs/001-x/` under a fresh root).
pub struct TempFeature {
    pub root: PathBuf,
    pub feature: PathBuf,
}

impl TempFeature {
    pub fn new(name: &str, files: &[(&str, &str)]) -> Self {
        let root = std::env::temp_dir().join(format!("specls-lsp-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let feature = root.join("specs").join("001-feature");
        for (rel, text) in files {
            let path = feature.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        TempFeature { root, feature }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.feature.join(rel)
    }
}

impl Drop for TempFeature {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
