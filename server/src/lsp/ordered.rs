//! Ordered document sync and panic isolation, as a layer around the
//! protocol service.
//!
//! tower-lsp runs handlers concurrently, so two `didChange` notifications
//! could be applied out of order (tower-lsp#284). Its transport, though,
//! calls `Service::call` for each message strictly in arrival order and
//! only then lets the returned futures run concurrently. This layer
//! applies `didOpen`/`didChange`/`didClose` to the [`World`] inside `call`,
//! before any handler runs, so every later request sees every earlier edit
//! and edits can never race. It also turns a panic in a handler into an
//! error reply for that request (logged to stderr, never to stdout), so
//! the server keeps running.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::FutureExt;
use futures::future::BoxFuture;
use serde::Deserialize;
use serde_json::Value;
use tower::Service;
use tower_lsp_server::ExitedError;
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::transport::Notifier;
use super::world::{Touched, World};
use crate::text::ContentChange;

/// The service wrapper.
pub struct Ordered<S> {
    inner: S,
    world: Arc<World>,
    out: Notifier,
    /// Told when `exit` arrives: the serve loop may not end by itself while
    /// a handler still waits for a reply the client will never send.
    exit: Arc<tokio::sync::Notify>,
}

impl<S> Ordered<S> {
    pub fn new(inner: S, world: Arc<World>, out: Notifier, exit: Arc<tokio::sync::Notify>) -> Self {
        Ordered { inner, world, out, exit }
    }
}

/// What a document notification did, for the handler that follows.
pub fn apply(world: &World, method: &str, params: Option<&Value>) -> Option<Touched> {
    let params = params?;
    match method {
        "textDocument/didOpen" => {
            // Indexing stops loading the feature from disk from here on:
            // a second copy of a 5 MB tasks.md beside the editor's.
            let uri = params.pointer("/textDocument/uri").and_then(Value::as_str);
            let _opening = uri.and_then(|uri| world.opening(uri));
            // Read from the borrowed value: a clone first copied a 5 MB
            // document's text once more.
            let p = lsp::DidOpenTextDocumentParams::deserialize(params).ok()?;
            world.open(p.text_document.uri, &p.text_document.text, p.text_document.version)
        }
        "textDocument/didChange" => {
            let p = lsp::DidChangeTextDocumentParams::deserialize(params).ok()?;
            let changes: Vec<ContentChange> = p
                .content_changes
                .into_iter()
                .map(|c| ContentChange { range: c.range.map(convert::position_range), text: c.text })
                .collect();
            world.change(&p.text_document.uri, &changes, p.text_document.version)
        }
        "textDocument/didClose" => {
            let p = lsp::DidCloseTextDocumentParams::deserialize(params).ok()?;
            world.close(&p.text_document.uri)
        }
        _ => None,
    }
}

impl<S> Service<Request> for Ordered<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = BoxFuture<'static, Result<Option<Response>, ExitedError>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let method = request.method().to_string();
        if method.starts_with("textDocument/did") {
            let world = &self.world;
            let params = request.params();
            if std::panic::catch_unwind(AssertUnwindSafe(|| apply(world, &method, params))).is_err() {
                super::log::stderr(&format!("applying {method} panicked; the document may be out of date"));
            }
        }
        if method == "exit" {
            self.exit.notify_one();
        }
        let id = request.id().cloned();
        let out = self.out.clone();
        let future = self.inner.call(request);
        Box::pin(async move {
            match AssertUnwindSafe(future).catch_unwind().await {
                Ok(result) => result,
                Err(panic) => {
                    let message = panic_message(&panic);
                    let text = format!("{method} panicked: {message}");
                    super::log::stderr(&text);
                    let message = lsp::LogMessageParams { typ: lsp::MessageType::ERROR, message: text };
                    out.notify("window/logMessage", &message);
                    Ok(id.map(|id| Response::from_error(id, Error::internal_error())))
                }
            }
        })
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A protocol service whose handlers panic.
    struct Panicking;

    impl Service<Request> for Panicking {
        type Response = Option<Response>;
        type Error = ExitedError;
        type Future = BoxFuture<'static, Result<Option<Response>, ExitedError>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), ExitedError>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request) -> Self::Future {
            async { panic!("handler bug") }.boxed()
        }
    }

    fn ordered() -> (Ordered<Panicking>, crate::lsp::transport::Notifications) {
        let (out, notes) = Notifier::channel();
        (Ordered::new(Panicking, Arc::new(World::default()), out, Default::default()), notes)
    }

    #[tokio::test]
    async fn a_panicking_request_gets_an_error_reply_and_is_logged() {
        let request = Request::build("textDocument/hover").id(7).params(serde_json::json!({})).finish();
        let (mut service, mut notes) = ordered();
        let reply = service.call(request).await.expect("the service survives").expect("a reply");
        let error = reply.error().expect("an error reply");
        assert_eq!(error.code, tower_lsp_server::jsonrpc::ErrorCode::InternalError);
        let logged: Value = serde_json::from_slice(&notes.try_recv().expect("logged")).unwrap();
        assert_eq!(logged["method"], "window/logMessage");
        assert_eq!(logged["params"]["message"], "textDocument/hover panicked: handler bug");
    }

    #[tokio::test]
    async fn a_panicking_notification_gets_no_reply() {
        let note = Request::build("workspace/didChangeConfiguration").params(serde_json::json!({})).finish();
        assert_eq!(ordered().0.call(note).await, Ok(None));
    }

    #[test]
    fn malformed_document_notifications_change_nothing() {
        let world = World::default();
        assert_eq!(apply(&world, "textDocument/didChange", Some(&serde_json::json!({"bogus": 1}))), None);
        assert_eq!(apply(&world, "textDocument/didOpen", None), None);
    }
}
