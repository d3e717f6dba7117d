//! Server logging: stderr (never stdout, which carries the protocol) and
//! the client's `window/logMessage`, filtered by `specls.logLevel`.

use std::sync::atomic::{AtomicU8, Ordering};

use tower_lsp_server::ls_types::{LogMessageParams, MessageType};

use super::settings::LogLevel;
use super::transport::Notifier;

static LEVEL: AtomicU8 = AtomicU8::new(LogLevel::Info as u8);

pub fn set_level(level: LogLevel) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

fn enabled(level: LogLevel) -> bool {
    level as u8 <= LEVEL.load(Ordering::Relaxed)
}

fn log(out: &Notifier, level: LogLevel, kind: MessageType, message: String) {
    if !enabled(level) {
        return;
    }
    eprintln!("specls [{level:?}] {message}");
    out.notify("window/logMessage", &LogMessageParams { typ: kind, message });
}

pub fn error(out: &Notifier, message: impl Into<String>) {
    log(out, LogLevel::Error, MessageType::ERROR, message.into());
}

pub fn warn(out: &Notifier, message: impl Into<String>) {
    log(out, LogLevel::Warn, MessageType::WARNING, message.into());
}

pub fn info(out: &Notifier, message: impl Into<String>) {
    log(out, LogLevel::Info, MessageType::INFO, message.into());
}

/// Debug messages are made only when they are shown: one is made per
/// keystroke.
pub fn debug(out: &Notifier, message: impl FnOnce() -> String) {
    if enabled(LogLevel::Debug) {
        log(out, LogLevel::Debug, MessageType::LOG, message());
    }
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
