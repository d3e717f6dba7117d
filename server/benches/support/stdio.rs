//! A minimal LSP client over the real binary's stdio, for the benches:
//! framed JSON-RPC messages, replies to the server's own requests, and
//! the server's peak resident memory.

// Each bench compiles this module and uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

pub struct Server {
    pub child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    /// `specls serve`, with `cache` as its cache home when given.
    /// `SPECLS_BENCH_BIN` names another binary to serve (an A/B run against
    /// an older build in the same minutes of a busy machine).
    pub fn start(cache: Option<&Path>) -> Self {
        let binary =
            std::env::var_os("SPECLS_BENCH_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_specls").into());
        let mut command = Command::new(binary);
        command.arg("serve").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        if let Some(cache) = cache {
            command.env("XDG_CACHE_HOME", cache);
        }
        let mut child = command.spawn().expect("the specls binary starts");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        Server { child, stdin, stdout }
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("JSON");
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).expect("write");
        self.stdin.write_all(&body).expect("write");
        self.stdin.flush().expect("flush");
    }

    /// The next message; requests from the server are answered with null.
    pub fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("read");
            assert!(!line.is_empty(), "the server closed its output");
            if line == "\r\n" {
                break;
            }
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("read");
        let message: Value = serde_json::from_slice(&body).expect("JSON");
        if message.get("method").is_some() && message.get("id").is_some() {
            self.send(&json!({"jsonrpc": "2.0", "id": message["id"], "result": null}));
        }
        message
    }

    /// `initialize` with one workspace folder `root`, then `initialized`.
    pub fn initialize(&mut self, root: &Path) {
        let root = format!("file://{}", root.display());
        self.send(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "processId": null, "rootUri": root, "capabilities": {},
            "workspaceFolders": [{"uri": root, "name": "bench"}]}}));
        while self.read().get("id") != Some(&json!(1)) {}
        self.send(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    }

    /// Wait for the diagnostics of `uri` at `version`.
    pub fn wait_for_version(&mut self, uri: &str, version: i64) {
        loop {
            let m = self.read();
            if m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == version
            {
                return;
            }
        }
    }

    pub fn peak_rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// `shutdown`, `exit`, and wait for the process.
    pub fn stop(mut self) {
        self.send(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
        while self.read().get("id") != Some(&json!(2)) {}
        self.send(&json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
        let _ = self.child.wait();
    }
}

pub fn mib(kib: Option<u64>) -> String {
    kib.map_or("n/a".to_string(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0))
}
