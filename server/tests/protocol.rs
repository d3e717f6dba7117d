//! The built `specls` binary over real pipes, fed malformed input: every
//! bad frame or body gets an error reply (or is skipped), and the session
//! goes on: a valid request after it is answered, and shutdown + exit end
//! the process cleanly (issue 11).

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const INITIALIZE: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}"#;

/// `body` with a correct header.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

/// The server as a child process; its replies read on a thread.
struct Session {
    child: Child,
    /// `None` once closed.
    stdin: Option<ChildStdin>,
    replies: Receiver<Value>,
}

impl Session {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_specls"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the specls binary starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, replies) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut reader) {
                if send.send(message).is_err() {
                    break;
                }
            }
        });
        Session { child, stdin: Some(stdin), replies }
    }

    fn send(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next message from the server, skipping its notifications.
    fn next_reply(&mut self) -> Value {
        loop {
            let message = self.replies.recv_timeout(Duration::from_secs(30)).expect("the server answers");
            if message.get("method").is_none() {
                return message;
            }
        }
    }

    /// `initialize` answered, then `shutdown` and `exit` end the process
    /// with status 0.
    fn works_then_exits(mut self) {
        self.send(&framed(INITIALIZE.as_bytes()));
        self.initialize_answered();
        self.send(&framed(br#"{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}"#));
        let reply = self.next_reply();
        assert_eq!(reply, json!({"jsonrpc": "2.0", "id": 2, "result": null}));
        self.send(&framed(br#"{"jsonrpc":"2.0","method":"exit","params":null}"#));
        let status = self.wait();
        assert!(status.success(), "exit status {status}");
    }

    fn initialize_answered(&mut self) {
        let reply = self.next_reply();
        assert_eq!(reply["id"], 1, "{reply}");
        assert!(reply["result"]["capabilities"]["hoverProvider"].is_boolean(), "{reply}");
    }

    fn wait(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_frame(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// `bad` gets one error reply with `code` (and `id`), then the session
/// works.
fn answered_then_survives(bad: &[u8], code: i64, id: Value) {
    let mut session = Session::start();
    session.send(bad);
    let reply = session.next_reply();
    assert_eq!(reply["error"]["code"], code, "{reply}");
    assert_eq!(reply["id"], id, "{reply}");
    session.works_then_exits();
}

fn deep_json() -> String {
    format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))
}

#[test]
fn a_body_that_is_not_json_is_a_parse_error() {
    answered_then_survives(&framed(b"hello"), -32700, Value::Null);
}

#[test]
fn truncated_json_is_a_parse_error() {
    answered_then_survives(&framed(br#"{"jsonrpc":"2.0","id":5,"method":"#), -32700, Value::Null);
}

#[test]
fn invalid_utf8_is_a_parse_error() {
    answered_then_survives(
        &framed(b"{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"\xff\xfe\"}"),
        -32700,
        Value::Null,
    );
}

#[test]
fn json_nested_ten_thousand_deep_is_a_parse_error() {
    answered_then_survives(&framed(deep_json().as_bytes()), -32700, Value::Null);
    let params =
        format!(r#"{{"jsonrpc":"2.0","id":5,"method":"textDocument/hover","params":{}}}"#, deep_json());
    answered_then_survives(&framed(params.as_bytes()), -32700, Value::Null);
}

#[test]
fn an_empty_array_is_an_invalid_request() {
    answered_then_survives(&framed(b"[]"), -32600, Value::Null);
}

#[test]
fn a_number_is_an_invalid_request() {
    answered_then_survives(&framed(b"42"), -32600, Value::Null);
}

#[test]
fn an_object_without_jsonrpc_is_an_invalid_request_under_its_id() {
    answered_then_survives(&framed(br#"{"id":7,"method":"initialize","params":{}}"#), -32600, json!(7));
}

#[test]
fn a_missing_content_length_is_answered_and_skipped() {
    let bad = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"x\"}";
    answered_then_survives(bad, -32700, Value::Null);
}

#[test]
fn a_content_length_that_is_not_a_number_is_answered_and_skipped() {
    answered_then_survives(b"Content-Length: five\r\n\r\nhello", -32700, Value::Null);
}

#[test]
fn a_negative_content_length_is_answered_and_skipped() {
    answered_then_survives(b"Content-Length: -5\r\n\r\nhello", -32700, Value::Null);
}

#[test]
fn an_overflowing_content_length_is_answered_and_skipped() {
    answered_then_survives(b"Content-Length: 184467440737095516160\r\n\r\nhello", -32700, Value::Null);
}

#[test]
fn a_header_announcing_gigabytes_is_refused_unread() {
    answered_then_survives(b"Content-Length: 5000000000\r\n\r\n{\"jsonrpc\":", -32600, Value::Null);
}

#[test]
fn garbage_before_a_header_is_answered_and_skipped() {
    answered_then_survives(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", -32700, Value::Null);
}

/// Headers that are unusual but well-formed: the request they carry is
/// answered as usual.
fn accepted(headers: &str) {
    let mut session = Session::start();
    let mut frame = headers.replace("{length}", &INITIALIZE.len().to_string()).into_bytes();
    frame.extend_from_slice(INITIALIZE.as_bytes());
    session.send(&frame);
    session.initialize_answered();
    // `initialize` again, as `works_then_exits` sends it: refused, and the
    // session goes on.
    session.send(&framed(INITIALIZE.as_bytes()));
    let again = session.next_reply();
    assert!(again["error"].is_object(), "{again}");
    session.send(&framed(br#"{"jsonrpc":"2.0","id":2,"method":"shutdown","params":null}"#));
    assert_eq!(session.next_reply()["id"], 2);
    session.send(&framed(br#"{"jsonrpc":"2.0","method":"exit","params":null}"#));
    assert!(session.wait().success());
}

#[test]
fn content_type_without_charset_is_accepted() {
    accepted("Content-Length: {length}\r\nContent-Type: application/vscode-jsonrpc\r\n\r\n");
}

#[test]
fn a_lower_case_content_length_is_accepted() {
    accepted("content-length: {length}\r\n\r\n");
}

#[test]
fn three_headers_are_accepted() {
    accepted(
        "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: {length}\r\nX-Trace: 1\r\n\r\n",
    );
}

#[test]
fn bad_messages_in_a_row_are_each_answered_in_order() {
    let mut session = Session::start();
    let mut bytes = Vec::new();
    for body in [&b"hello"[..], b"[]", b"42", deep_json().as_bytes(), br#"{"id":9,"method":"x"}"#] {
        bytes.extend(framed(body));
    }
    bytes.extend(b"Content-Length: 99999999999\r\n\r\n");
    session.send(&bytes);
    let codes: Vec<Value> = (0..6).map(|_| session.next_reply()["error"]["code"].clone()).collect();
    assert_eq!(
        codes,
        [json!(-32700), json!(-32600), json!(-32600), json!(-32700), json!(-32600), json!(-32600)]
    );
    session.works_then_exits();
}

#[test]
fn the_end_of_input_without_exit_ends_the_process_with_status_1() {
    let mut session = Session::start();
    session.send(&framed(b"hello"));
    assert_eq!(session.next_reply()["error"]["code"], -32700);
    // Close stdin: a client that died.
    session.stdin = None;
    assert_eq!(session.wait().code(), Some(1));
}
