//! Server logging: stderr (never stdout, which carries the protocol) and
//! the client's `window/logMessage`, filtered by `specls.logLevel`.

use std::sync::atomic::{AtomicU8, Ordering};

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::MessageType;

use super::settings::LogLevel;

static LEVEL: AtomicU8 = AtomicU8::new(LogLevel::Info as u8);

pub fn set_level(level: LogLevel) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

fn enabled(level: LogLevel) -> bool {
    level as u8 <= LEVEL.load(Ordering::Relaxed)
}

async fn log(client: &Client, level: LogLevel, kind: MessageType, message: String) {
    if !enabled(level) {
        return;
    }
    eprintln!("specls [{level:?}] {message}");
    client.log_message(kind, message).await;
}

pub async fn error(client: &Client, message: impl Into<String>) {
    log(client, LogLevel::Error, MessageType::ERROR, message.into()).await;
}

pub async fn warn(client: &Client, message: impl Into<String>) {
    log(client, LogLevel::Warn, MessageType::WARNING, message.into()).await;
}

pub async fn info(client: &Client, message: impl Into<String>) {
    log(client, LogLevel::Info, MessageType::INFO, message.into()).await;
}

pub async fn debug(client: &Client, message: impl Into<String>) {
    log(client, LogLevel::Debug, MessageType::LOG, message.into()).await;
}

/// Log to stderr only, where no client is at hand (a panic on the ordered
/// path, before the reply is built).
pub fn stderr(message: &str) {
    eprintln!("specls [Error] {message}");
}

/// Warn on stderr only: the client sent something unreadable, and
/// `window/logMessage` would echo it back to the client that sent it.
pub fn stderr_warning(message: &str) {
    eprintln!("specls [Warn] {message}");
}
