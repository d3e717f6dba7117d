//! The body of the protocol fuzz target (`fuzz/fuzz_targets/protocol.rs`,
//! issue 11): arbitrary sequences of framed messages into the whole
//! server (framing, ordered sync, handlers, publisher) over in-memory
//! pipes. Whatever comes in, the server must not panic or exit, must
//! answer every request, and a hover on a document the sequence did not
//! touch must still give the answer it gave before.
//!
//! `cargo test` runs it over a few seeds ([`seeds`]), so it is tested
//! without libFuzzer too.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncWriteExt, DuplexStream, WriteHalf};
use tokio::sync::{mpsc, watch};

use super::World;
use super::framing::{Frame, FrameReader};

/// The document whose hover is checked before and after the sequence.
const KNOWN_URI: &str = "file:///specls-fuzz/specs/001-known/tasks.md";
const KNOWN_TEXT: &str = "# Tasks\n\n## Phase 1: Setup\n\n- [ ] T001 Create project in src/app.py\n- [ ] T002 Add lint in pyproject.toml (depends on T001)\n";
/// Where the hover is asked: on `T001` in the second task's line.
const KNOWN_HOVER: (u32, u32) = (5, 51);
/// Documents the sequence opens, edits and closes: another feature, so
/// nothing it does can change the known document's answers.
const SCRATCH_URIS: [&str; 5] = [
    "file:///specls-fuzz/specs/002-scratch/tasks.md",
    "file:///specls-fuzz/specs/002-scratch/spec.md",
    "file:///specls-fuzz/specs/002-scratch/plan.md",
    "file:///specls-fuzz/specs/002-scratch/contracts/api.yaml",
    "file:///specls-fuzz/specs/002-scratch/data-model.md",
];
const REQUESTS: [&str; 14] = [
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/completion",
    "textDocument/prepareRename",
    "textDocument/rename",
    "textDocument/codeAction",
    "textDocument/codeLens",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/semanticTokens/full",
    "textDocument/inlayHint",
    "textDocument/diagnostic",
];
const COMMANDS: [&str; 5] =
    ["specls.toggleTask", "specls.showGraph", "specls.nextTasks", "specls.renumberTasks", "specls.nope"];
/// How long a request may stay unanswered before the run fails.
const PATIENCE: Duration = Duration::from_secs(20);

/// Run one session on `data` (see the module comment). Panics when the
/// server breaks a promise.
pub fn protocol_session(data: &[u8]) {
    // An `exit` ends the server, as it must: not a finding.
    if data.windows(4).any(|w| w == b"exit") {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    runtime.block_on(session(data));
    // Analyses still running on the blocking pool are not waited for.
    runtime.shutdown_background();
}

async fn session(data: &[u8]) {
    let (client_end, server_end) = tokio::io::duplex(1 << 20);
    let (server_read, server_write) = tokio::io::split(server_end);
    // No reports cache: a fuzz session writes nothing outside memory.
    let world = Arc::new(World::default());
    world.use_cache_home(None);
    let server =
        tokio::spawn(super::serve_with(world, server_read, server_write, Arc::new(AtomicBool::new(false))));
    let mut client = Client::start(client_end);
    let init = client.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
    client.answer(&init).await;
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": KNOWN_URI, "languageId": "markdown", "version": 1, "text": KNOWN_TEXT}}),
    );
    let before = client.known_hover().await;
    assert!(before.to_string().contains("Create project"), "hover on T001 before: {before}");

    let sent = Script::new(data).play(&mut client);

    let after = client.known_hover().await;
    for id in sent {
        client.answer(&id).await;
    }
    assert!(!server.is_finished(), "the server stopped");
    // After `shutdown` requests are refused, and raw bytes that name the
    // known document may edit it: then only the answer is required.
    let may_differ =
        [&b"shutdown"[..], b"001-known"].iter().any(|word| data.windows(word.len()).any(|w| w == *word));
    if !may_differ {
        assert_eq!(after, before, "hover on the untouched document changed");
    }
    server.abort();
}

/// The test client: a writer task, a reader task that answers the
/// server's own requests, and the responses received so far.
struct Client {
    out: mpsc::UnboundedSender<Vec<u8>>,
    responses: watch::Receiver<HashMap<String, Value>>,
    next_id: u64,
}

impl Client {
    fn start(stream: DuplexStream) -> Self {
        let (read, write) = tokio::io::split(stream);
        let (out, queue) = mpsc::unbounded_channel();
        tokio::spawn(write_all(write, queue));
        let (record, responses) = watch::channel(HashMap::new());
        tokio::spawn(read_all(read, out.clone(), record));
        Client { out, responses, next_id: 0 }
    }

    fn send_bytes(&self, bytes: Vec<u8>) {
        let _ = self.out.send(bytes);
    }

    fn send(&self, message: &Value) {
        self.send_bytes(framed(message.to_string().as_bytes()));
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request under a fresh string id (raw fuzz bytes may reuse
    /// numbers, never these); returns the id.
    fn request(&mut self, method: &str, params: Value) -> String {
        self.next_id += 1;
        let id = format!("fuzz-{}", self.next_id);
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Wait for the response to `id`.
    async fn answer(&mut self, id: &str) -> Value {
        let wait = self.responses.wait_for(|seen| seen.contains_key(id));
        match tokio::time::timeout(PATIENCE, wait).await {
            Ok(Ok(seen)) => seen[id].clone(),
            _ => panic!("request {id} was never answered"),
        }
    }

    async fn known_hover(&mut self) -> Value {
        let (line, character) = KNOWN_HOVER;
        let params =
            json!({"textDocument": {"uri": KNOWN_URI}, "position": {"line": line, "character": character}});
        let id = self.request("textDocument/hover", params);
        let response = self.answer(&id).await;
        response.get("result").cloned().unwrap_or(Value::Null)
    }
}

async fn write_all(mut write: WriteHalf<DuplexStream>, mut queue: mpsc::UnboundedReceiver<Vec<u8>>) {
    while let Some(bytes) = queue.recv().await {
        if write.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

/// Read the server's messages: record responses by (string) id, answer
/// its requests with `null`.
async fn read_all(
    read: tokio::io::ReadHalf<DuplexStream>,
    out: mpsc::UnboundedSender<Vec<u8>>,
    record: watch::Sender<HashMap<String, Value>>,
) {
    let mut frames = FrameReader::new(read);
    while let Some(frame) = frames.next().await {
        let body = match frame {
            Frame::Body(body) => body,
            bad => panic!("the server wrote a bad frame: {bad:?}"),
        };
        let message: Value = serde_json::from_slice(&body).expect("the server writes JSON");
        match (message.get("method"), message.get("id")) {
            (Some(_), Some(id)) => {
                let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
                let _ = out.send(framed(reply.to_string().as_bytes()));
            }
            (None, Some(Value::String(id))) => {
                let id = id.clone();
                record.send_modify(|seen| {
                    seen.insert(id, message);
                });
            }
            _ => {}
        }
    }
}

fn framed(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// The fuzz input read as a script: each step is an opcode byte and its
/// operands.
struct Script<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> Script<'a> {
    fn new(data: &'a [u8]) -> Self {
        Script { data, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let byte = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        byte
    }

    /// A length-prefixed run of bytes.
    fn bytes(&mut self) -> &'a [u8] {
        let length = usize::from(self.byte());
        let start = self.at.min(self.data.len());
        let end = (start + length).min(self.data.len());
        self.at = start + length;
        &self.data[start..end]
    }

    fn text(&mut self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// Small numbers mostly, sometimes far out of range.
    fn number(&mut self) -> u32 {
        match self.byte() {
            250..=255 => u32::MAX - u32::from(self.byte()),
            n => u32::from(n % 16),
        }
    }

    fn position(&mut self) -> Value {
        json!({"line": self.number(), "character": self.number()})
    }

    fn scratch_uri(&mut self) -> &'static str {
        SCRATCH_URIS[usize::from(self.byte()) % SCRATCH_URIS.len()]
    }

    /// Any document, the known one included (requests only read it).
    fn any_uri(&mut self) -> &'static str {
        match self.byte() % 6 {
            5 => KNOWN_URI,
            n => SCRATCH_URIS[usize::from(n)],
        }
    }

    /// Send every step; returns the ids of the requests that must be
    /// answered.
    fn play(mut self, client: &mut Client) -> Vec<String> {
        let mut sent = Vec::new();
        let mut version = 1;
        while self.at < self.data.len() {
            version += 1;
            match self.byte() % 9 {
                0 => client.send_bytes(framed(self.bytes())),
                1 => client.send_bytes(self.bytes().to_vec()),
                2 => {
                    let uri = self.scratch_uri();
                    let text = self.text();
                    client.notify(
                        "textDocument/didOpen",
                        json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}}),
                    );
                }
                3 => {
                    let uri = self.scratch_uri();
                    let (start, end, text) = (self.position(), self.position(), self.text());
                    let change = if self.byte().is_multiple_of(8) {
                        json!({"text": text})
                    } else {
                        json!({"range": {"start": start, "end": end}, "text": text})
                    };
                    client.notify(
                        "textDocument/didChange",
                        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
                    );
                }
                4 => {
                    let method = REQUESTS[usize::from(self.byte()) % REQUESTS.len()];
                    let (uri, position, end) = (self.any_uri(), self.position(), self.position());
                    let params = json!({
                        "textDocument": {"uri": uri}, "position": position, "newName": "T900",
                        "range": {"start": position, "end": end},
                        "context": {"diagnostics": [], "includeDeclaration": true},
                    });
                    sent.push(client.request(method, params));
                }
                5 => {
                    let command = COMMANDS[usize::from(self.byte()) % COMMANDS.len()];
                    let argument = json!({"uri": self.any_uri(), "position": self.position()});
                    let params = json!({"command": command, "arguments": [argument]});
                    sent.push(client.request("workspace/executeCommand", params));
                }
                6 => {
                    let uri = self.scratch_uri();
                    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
                }
                7 => {
                    // Cancel an earlier request: it must still be answered.
                    if let Some(id) = sent.get(usize::from(self.byte()) % sent.len().max(1)) {
                        client.notify("$/cancelRequest", json!({"id": id}));
                    }
                }
                _ => {
                    let method = self.text();
                    let params =
                        json!({"textDocument": {"uri": self.any_uri()}, "position": self.position()});
                    sent.push(client.request(&method, params));
                }
            }
        }
        sent
    }
}

/// A few hand-made scripts: every opcode, bad frames between good ones,
/// positions far out of range. `cargo test` runs them; they seed the fuzz
/// target (`fuzz_seeds`).
pub fn seeds() -> Vec<Vec<u8>> {
    let mut all_ops = Vec::new();
    for op in 0..9u8 {
        all_ops.extend([op, 3, b'a', b'b', b'c', 1, 2, 255, 7, 4]);
    }
    vec![
        Vec::new(),
        all_ops,
        // didOpen a scratch tasks.md, then hover past its end.
        [&[2u8, 0, 24][..], b"- [ ] T001 a in src/a.py", &[4, 0, 0, 255, 1, 3, 255, 9, 0, 0]].concat(),
        // Garbage, a bad header, a body that is not JSON-RPC.
        [&[1u8, 20][..], b"Content-Length: x\r\n\r\n", &[0, 2], b"[]", &[0, 5], b"hello"].concat(),
        // shutdown as a request name: every later request still answered.
        [&[8u8, 8][..], b"shutdown", &[0, 0, 0, 4, 0, 5, 1, 1, 1, 1]].concat(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_made_scripts() {
        for seed in seeds() {
            protocol_session(&seed);
        }
    }
}
