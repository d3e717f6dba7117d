//! The language server: LSP 3.17 over stdio on tower-lsp-server.
//!
//! Invariant: a thin adapter. State and ordering live in `world.rs` and
//! `ordered.rs`, analysis in `analysis/`, editor features in `ide/`; this
//! layer converts positions and types at the edge (`convert.rs`).

mod convert;
mod features;
mod handlers;
mod log;
mod ordered;
mod publish;
mod server;
pub mod settings;
mod world;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tower_lsp_server::{LspService, Server};

pub use ordered::apply as apply_document_notification;
pub use world::{Snapshot, World};

/// Serve over stdin and stdout until `exit`. Returns the process exit
/// code: 0 when `shutdown` came first, 1 otherwise (LSP's rule).
pub fn run_stdio() -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("specls: cannot start the async runtime: {err}");
            return 2;
        }
    };
    let shut_down = Arc::new(AtomicBool::new(false));
    runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout(), shut_down.clone()));
    // Background work (indexing, an analysis in flight) must not hold the
    // process open after `exit`.
    runtime.shutdown_timeout(Duration::from_millis(200));
    if shut_down.load(Ordering::SeqCst) { 0 } else { 1 }
}

/// Serve the protocol on any byte streams (stdio in production, pipes in
/// tests).
pub async fn serve<I, O>(input: I, output: O, shut_down: Arc<AtomicBool>)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    serve_with(Arc::new(World::default()), input, output, shut_down).await;
}

/// [`serve`] on a given world, which tests inspect.
pub async fn serve_with<I, O>(world: Arc<World>, input: I, output: O, shut_down: Arc<AtomicBool>)
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let client_slot = Arc::new(OnceLock::new());
    let (service, socket) = LspService::build(|client| {
        let _ = client_slot.set(client.clone());
        server::Backend::new(client, world.clone(), shut_down)
    })
    .finish();
    let exit = Arc::new(tokio::sync::Notify::new());
    let service = ordered::Ordered::new(service, world, client_slot, exit.clone());
    let serving = Server::new(input, output, socket).serve(service);
    // After `exit`, give replies a moment to flush, then stop even if a
    // handler still awaits the client (tower-lsp would wait forever).
    let exited = async {
        exit.notified().await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    tokio::select! {
        () = serving => {}
        () = exited => {}
    }
}
