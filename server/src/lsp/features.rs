//! Capabilities of the editor features (hover, navigation, completion,
//! ...), answered by `ide/` through the handlers in `handlers.rs`.

use tower_lsp_server::ls_types as lsp;

/// The capabilities of every editor feature specls serves.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities::default()
}
