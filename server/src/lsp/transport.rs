//! The stdio transport: frames in, JSON-RPC messages to the service,
//! replies and server-to-client requests out.
//!
//! This replaces tower-lsp-server's `Server::serve`, whose reader ends the
//! session at the first undecodable message. The loop is the same as
//! theirs (requests handed to the service in arrival order, at most
//! [`MAX_CONCURRENCY`] handlers running at once, client responses routed to
//! the client socket, reading stops after `exit`), with our own
//! [`FrameReader`] and a validation step in between: a body that is not
//! JSON gets a -32700 reply, JSON that is not a JSON-RPC 2.0 request or
//! response gets -32600, and reading goes on.

use std::pin::pin;

use futures::channel::mpsc;
use futures::{FutureExt, SinkExt, Stream, StreamExt, future, stream};
use serde::Serialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Id, Request, Response};
use tower_lsp_server::{ClientSocket, ExitedError};

use super::framing::{Frame, FrameReader, MAX_BODY};

/// Handlers running at once (tower-lsp-server's default).
const MAX_CONCURRENCY: usize = 4;
/// Requests accepted ahead of the running handlers.
const MESSAGE_QUEUE_SIZE: usize = 100;

/// What one frame holds.
#[derive(Debug)]
pub enum Incoming {
    /// A request or notification for the service.
    Request(Request),
    /// The client's answer to a request of ours.
    Response(Response),
    /// Not a JSON-RPC message: the error reply to send.
    Invalid(Response),
}

/// Decode one frame into a message, or the error reply it deserves.
pub fn incoming(frame: Frame) -> Incoming {
    match frame {
        Frame::Body(body) => decode(&body),
        Frame::BadHeader(why) => Incoming::Invalid(error_reply(
            Id::Null,
            ErrorCode::ParseError,
            format!("Parse error: unreadable header ({why}); skipped to the next Content-Length"),
        )),
        Frame::TooLarge(length) => Incoming::Invalid(error_reply(
            Id::Null,
            ErrorCode::InvalidRequest,
            format!(
                "Invalid request: a message of {length} bytes is over the {MAX_BODY}-byte limit; skipped"
            ),
        )),
    }
}

/// Decode a body. serde_json's recursion limit (128) turns deeply nested
/// JSON into a parse error instead of a stack overflow.
pub fn decode(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => {
            return Incoming::Invalid(error_reply(
                Id::Null,
                ErrorCode::ParseError,
                format!("Parse error: {err}"),
            ));
        }
    };
    // Answer an invalid request under its own id when it has a usable one,
    // so a client waiting for that id is not left waiting.
    let id = value.get("id").and_then(|id| serde_json::from_value::<Id>(id.clone()).ok()).unwrap_or(Id::Null);
    let invalid = |why: String| Incoming::Invalid(error_reply(id.clone(), ErrorCode::InvalidRequest, why));
    let Value::Object(object) = &value else {
        return invalid("Invalid request: not a JSON object (LSP has no batches)".to_string());
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return invalid("Invalid request: \"jsonrpc\" must be \"2.0\"".to_string());
    }
    if object.contains_key("method") {
        match serde_json::from_value::<Request>(value) {
            Ok(request) => Incoming::Request(request),
            Err(err) => invalid(format!("Invalid request: {err}")),
        }
    } else if object.contains_key("id") && (object.contains_key("result") || object.contains_key("error")) {
        match serde_json::from_value::<Response>(value) {
            Ok(response) => Incoming::Response(response),
            Err(err) => invalid(format!("Invalid response: {err}")),
        }
    } else {
        invalid("Invalid request: neither a request (no \"method\") nor a response".to_string())
    }
}

fn error_reply(id: Id, code: ErrorCode, message: String) -> Response {
    Response::from_error(id, Error { code, message: message.into(), data: None })
}

/// A message to the client.
#[derive(Serialize)]
#[serde(untagged)]
enum Outgoing {
    Response(Response),
    Request(Request),
    /// A notification its sender serialised ([`Notifier`]).
    #[serde(skip)]
    Serialized(Vec<u8>),
}

/// Sends notifications to the client serialised from their typed
/// parameters, straight to bytes. tower-lsp-server's `Client` first turns
/// the parameters into a JSON value (a map per diagnostic, range and
/// position) and then that into bytes: for the diagnostics published
/// after every keystroke that was a tenth of the server's time at 1k
/// tasks. The messages reach the client in the order they were sent.
#[derive(Clone)]
pub struct Notifier(mpsc::UnboundedSender<Vec<u8>>);

/// What a [`Notifier`] sent, for [`serve`] to write.
pub type Notifications = mpsc::UnboundedReceiver<Vec<u8>>;

impl Notifier {
    pub fn channel() -> (Notifier, Notifications) {
        let (sender, receiver) = mpsc::unbounded();
        (Notifier(sender), receiver)
    }

    /// Send notification `method` with `params`. Dropped when the
    /// session is over.
    pub fn notify(&self, method: &str, params: &impl Serialize) {
        #[derive(Serialize)]
        struct Notification<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        match serde_json::to_vec(&Notification { jsonrpc: "2.0", method, params }) {
            Ok(body) => {
                let _ = self.0.unbounded_send(body);
            }
            Err(err) => {
                super::log::stderr(&format!("a {method} notification could not be serialised: {err}"))
            }
        }
    }
}

/// Serve `service` on a byte stream until `exit`, the end of input, or the
/// service's end.
pub async fn serve<I, O, S>(input: I, output: O, socket: ClientSocket, notes: Notifications, mut service: S)
where
    I: AsyncRead + Unpin,
    O: AsyncWrite,
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
{
    let (client_requests, mut client_responses) = socket.split();
    let (client_requests, stop_client_requests) = stream::abortable(client_requests);
    let (notes, stop_notes) = stream::abortable(notes);
    let (mut replies, replies_out) = mpsc::channel::<Response>(0);
    let (mut handlers, handlers_in) = mpsc::channel(MESSAGE_QUEUE_SIZE);

    let run_handlers = handlers_in
        .buffer_unordered(MAX_CONCURRENCY)
        .filter_map(future::ready)
        .map(Ok)
        .forward(replies.clone());
    let outgoing = stream::select(
        stream::select(replies_out.map(Outgoing::Response), client_requests.map(Outgoing::Request)),
        notes.map(Outgoing::Serialized),
    );
    let write = write_messages(output, outgoing);

    let read = async {
        let mut frames = FrameReader::new(input);
        while let Some(frame) = frames.next().await {
            match incoming(frame) {
                Incoming::Request(request) => {
                    if future::poll_fn(|cx| service.poll_ready(cx)).await.is_err() {
                        break;
                    }
                    // LSP: the server exits right after `exit`; some clients
                    // keep stdin open, so stop reading now.
                    let exit = request.method() == "exit";
                    let handled = service.call(request).map(Result::unwrap_or_default);
                    if handlers.send(handled).await.is_err() || exit {
                        break;
                    }
                }
                Incoming::Response(response) => {
                    if client_responses.send(response).await.is_err() {
                        break;
                    }
                }
                Incoming::Invalid(reply) => {
                    if let Some(error) = reply.error() {
                        super::log::stderr_warning(&format!(
                            "bad message from the client: {}",
                            error.message
                        ));
                    }
                    let _ = replies.send(reply).await;
                }
            }
        }
        handlers.disconnect();
        replies.disconnect();
        stop_client_requests.abort();
        stop_notes.abort();
    };

    futures::join!(run_handlers.map(|_| ()), write, read);
}

/// Write each message as a frame. After a write error (the client went
/// away) keep draining, so no sender waits forever.
async fn write_messages<O: AsyncWrite>(output: O, messages: impl Stream<Item = Outgoing>) {
    let mut output = pin!(output);
    let mut messages = pin!(messages);
    let mut broken = false;
    while let Some(message) = messages.next().await {
        if broken {
            continue;
        }
        let body = match message {
            Outgoing::Serialized(body) => body,
            message => {
                let Ok(body) = serde_json::to_vec(&message) else {
                    super::log::stderr("a reply could not be serialised; dropped");
                    continue;
                };
                body
            }
        };
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        let mut frame = Vec::with_capacity(header.len() + body.len());
        frame.extend_from_slice(header.as_bytes());
        frame.extend_from_slice(&body);
        broken = output.write_all(&frame).await.is_err() || output.flush().await.is_err();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_of(body: &[u8]) -> (i64, Id) {
        match decode(body) {
            Incoming::Invalid(reply) => (reply.error().expect("an error").code.code(), reply.id().clone()),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn bodies_that_are_not_json_are_parse_errors() {
        assert_eq!(error_of(b"hello"), (-32700, Id::Null));
        assert_eq!(error_of(br#"{"jsonrpc":"2.0","id":"#), (-32700, Id::Null));
        assert_eq!(error_of(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\"}"), (-32700, Id::Null));
        assert_eq!(error_of(b""), (-32700, Id::Null));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(error_of(deep.as_bytes()), (-32700, Id::Null));
    }

    #[test]
    fn json_that_is_not_json_rpc_is_an_invalid_request() {
        assert_eq!(error_of(b"[]"), (-32600, Id::Null));
        assert_eq!(error_of(b"42"), (-32600, Id::Null));
        assert_eq!(error_of(br#"{"id":3,"method":"initialize"}"#), (-32600, Id::Number(3)));
        assert_eq!(error_of(br#"{"jsonrpc":"1.0","id":"a","method":"x"}"#), (-32600, Id::from("a")));
        assert_eq!(error_of(br#"{"jsonrpc":"2.0","id":4,"method":5}"#), (-32600, Id::Number(4)));
        assert_eq!(error_of(br#"{"jsonrpc":"2.0","id":5}"#), (-32600, Id::Number(5)));
        assert_eq!(error_of(br#"{"jsonrpc":"2.0","id":1.5,"method":"x"}"#), (-32600, Id::Null));
    }

    #[test]
    fn requests_notifications_and_responses_pass() {
        let request = decode(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown","params":null}"#);
        assert!(
            matches!(request, Incoming::Request(r) if r.method() == "shutdown" && r.id() == Some(&Id::Number(1)))
        );
        let note = decode(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        assert!(matches!(note, Incoming::Request(r) if r.id().is_none()));
        let response = decode(br#"{"jsonrpc":"2.0","id":0,"result":[null]}"#);
        assert!(matches!(response, Incoming::Response(r) if r.is_ok()));
    }

    #[test]
    fn header_problems_are_parse_errors_and_oversized_bodies_invalid_requests() {
        let Incoming::Invalid(reply) = incoming(Frame::BadHeader("x".into())) else { panic!() };
        assert_eq!(reply.error().unwrap().code, ErrorCode::ParseError);
        let Incoming::Invalid(reply) = incoming(Frame::TooLarge(1 << 40)) else { panic!() };
        assert_eq!(reply.error().unwrap().code, ErrorCode::InvalidRequest);
        assert_eq!(reply.id(), &Id::Null);
    }
}
