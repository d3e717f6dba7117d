//! Work-done progress (`$/progress`) written through the [`Notifier`], so
//! that it reaches the client in order with the diagnostics it reports on:
//! a client that sees indexing end has seen every report before it.

use tower_lsp_server::ls_types as lsp;

use super::transport::Notifier;

/// A progress the client agreed to show (it answered
/// `window/workDoneProgress/create` for the token), not cancellable.
pub struct Progress {
    out: Notifier,
    token: lsp::ProgressToken,
}

impl Progress {
    /// Show `title` at 0%.
    pub fn begin(out: Notifier, token: lsp::ProgressToken, title: &str) -> Self {
        let progress = Progress { out, token };
        progress.send(lsp::WorkDoneProgress::Begin(lsp::WorkDoneProgressBegin {
            title: title.to_string(),
            cancellable: Some(false),
            message: None,
            percentage: Some(0),
        }));
        progress
    }

    pub fn report(&self, message: String, percentage: u32) {
        self.send(lsp::WorkDoneProgress::Report(lsp::WorkDoneProgressReport {
            cancellable: Some(false),
            message: Some(message),
            percentage: Some(percentage),
        }));
    }

    pub fn finish(self, message: String) {
        self.send(lsp::WorkDoneProgress::End(lsp::WorkDoneProgressEnd { message: Some(message) }));
    }

    fn send(&self, value: lsp::WorkDoneProgress) {
        let params = lsp::ProgressParams {
            token: self.token.clone(),
            value: lsp::ProgressParamsValue::WorkDone(value),
        };
        self.out.notify("$/progress", &params);
    }
}
