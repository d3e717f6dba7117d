//! Everything the server tells the client it can do, in one function (as
//! rust-analyzer's `lsp/capabilities.rs`): document sync, diagnostics,
//! the editor features answered by `ide/` through `handlers/`, and the
//! `specls.*` commands. Only what the client offered changes the answer:
//! the position encoding and whether diagnostics are pulled.

use tower_lsp_server::ls_types as lsp;

use super::handlers::editing::COMPLETION_TRIGGER_CHARACTERS;
use super::handlers::presentation::legend;
use crate::ide::commands::COMMANDS;
use crate::text::PositionEncoding;

/// The server's capabilities for a client that negotiated `encoding` and
/// pulls diagnostics (`textDocument/diagnostic`) when `pull_diagnostics`.
pub fn server_capabilities(encoding: PositionEncoding, pull_diagnostics: bool) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding_kind(encoding)),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        diagnostic_provider: pull_diagnostics.then(diagnostic_options),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..navigation_and_editing()
    }
}

/// Pulled diagnostics: one analysis covers a whole feature folder, so an
/// edit in one file changes the diagnostics of others.
fn diagnostic_options() -> lsp::DiagnosticServerCapabilities {
    lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
        identifier: Some("specls".to_string()),
        inter_file_dependencies: true,
        workspace_diagnostics: false,
        ..Default::default()
    })
}

/// Hover, navigation, rename, completion, then the presentation features.
fn navigation_and_editing() -> lsp::ServerCapabilities {
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
            trigger_characters: Some(COMPLETION_TRIGGER_CHARACTERS.iter().map(|c| c.to_string()).collect()),
            ..Default::default()
        }),
        ..presentation()
    }
}

/// Code action kinds, lenses, symbols, folding, the token legend (full
/// documents, no ranges, no deltas), links, inlay hints and the commands.
fn presentation() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![
                lsp::CodeActionKind::QUICKFIX,
                lsp::CodeActionKind::REFACTOR_REWRITE,
                lsp::CodeActionKind::SOURCE,
                lsp::CodeActionKind::SOURCE_FIX_ALL,
                fix_all_kind(),
            ]),
            resolve_provider: Some(false),
            ..Default::default()
        })),
        code_lens_provider: Some(lsp::CodeLensOptions { resolve_provider: Some(false) }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
            lsp::SemanticTokensOptions {
                legend: legend(),
                range: Some(false),
                full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                ..Default::default()
            },
        )),
        document_link_provider: Some(lsp::DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        execute_command_provider: Some(lsp::ExecuteCommandOptions {
            commands: COMMANDS.iter().map(|c| c.to_string()).collect(),
            work_done_progress_options: Default::default(),
        }),
        ..Default::default()
    }
}

fn encoding_kind(encoding: PositionEncoding) -> lsp::PositionEncodingKind {
    match encoding {
        PositionEncoding::Utf8 => lsp::PositionEncodingKind::UTF8,
        PositionEncoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        PositionEncoding::Utf32 => lsp::PositionEncodingKind::UTF32,
    }
}

/// `source.fixAll.specls`: what `editor.codeActionsOnSave` names to fix
/// on save; a request for `source.fixAll` or `source` gets it too.
pub fn fix_all_kind() -> lsp::CodeActionKind {
    lsp::CodeActionKind::new("source.fixAll.specls")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole answer in one snapshot, so a capability added, dropped or
    /// changed shows up in review.
    #[test]
    fn capabilities_snapshot() {
        insta::assert_json_snapshot!("push_utf16", server_capabilities(PositionEncoding::Utf16, false));
    }

    #[test]
    fn pulling_clients_get_a_diagnostic_provider_and_nothing_else_differs() {
        let push = serde_json::to_value(server_capabilities(PositionEncoding::Utf8, false)).unwrap();
        let mut pull = serde_json::to_value(server_capabilities(PositionEncoding::Utf8, true)).unwrap();
        let provider = pull.as_object_mut().unwrap().remove("diagnosticProvider");
        assert_eq!(
            provider,
            Some(serde_json::json!({
                "identifier": "specls",
                "interFileDependencies": true,
                "workspaceDiagnostics": false,
            }))
        );
        assert_eq!(pull, push);
        assert_eq!(push["positionEncoding"], "utf-8");
    }
}
