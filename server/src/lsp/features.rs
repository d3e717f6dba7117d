//! Capabilities of the editor features (hover, navigation, completion,
//! ...), answered by `ide/` through the adapters in `handlers/`.

use tower_lsp_server::ls_types as lsp;

use super::handlers::{editing, presentation};

/// The capabilities of every editor feature specls serves.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(
                editing::COMPLETION_TRIGGER_CHARACTERS.iter().map(|c| c.to_string()).collect(),
            ),
            ..Default::default()
        }),
        ..presentation::capabilities()
    }
}
