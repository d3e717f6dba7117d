//! Editing features: rename with prepareRename, completion and the
//! `specls.renumberTasks` command. Each converts the request to a byte
//! offset in a feature snapshot, calls `ide/`, and converts back.

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types as lsp;

use super::{At, workspace_edit};
use crate::ide::completion::{self, CompletionKind};
use crate::ide::{rename, renumber};
use crate::lsp::server::Backend;

/// The characters after which a client should ask for completions: a
/// space (after `- [ ] ` and after a task's ID or labels), `[` (a label),
/// `/` (a path), `-` (a range's second ID), `,` (the next ID of a list) and
/// `§` (a cited requirement).
pub const COMPLETION_TRIGGER_CHARACTERS: &[&str] = &[" ", "[", "/", "-", ",", "§"];

/// LSP's `RequestFailed` (-32803): the request was understood but cannot
/// be served; editors show the message (why this cannot be renamed, why
/// the new name is refused).
fn request_failed(message: String) -> jsonrpc::Error {
    jsonrpc::Error { code: jsonrpc::ErrorCode::ServerError(-32803), message: message.into(), data: None }
}

/// `textDocument/prepareRename`: the range of the task ID or story number
/// under the cursor; an error with the reason elsewhere; `None` outside a
/// loaded feature.
pub fn prepare_rename(
    backend: &Backend,
    params: lsp::TextDocumentPositionParams,
) -> jsonrpc::Result<Option<lsp::PrepareRenameResponse>> {
    let Some(at) = At::of(backend, &params.text_document.uri) else { return Ok(None) };
    let offset = at.offset(params.position);
    match rename::prepare_rename(&at.snapshot.feature, &at.rel, offset) {
        Ok(place) => Ok(at.range(&place.file, place.span).map(lsp::PrepareRenameResponse::Range)),
        Err(message) => Err(request_failed(message)),
    }
}

/// `textDocument/rename`: the edits of every document of the feature; an
/// error with the reason when the new name is refused.
pub fn rename(backend: &Backend, params: lsp::RenameParams) -> jsonrpc::Result<Option<lsp::WorkspaceEdit>> {
    let position = params.text_document_position;
    let Some(at) = At::of(backend, &position.text_document.uri) else { return Ok(None) };
    let offset = at.offset(position.position);
    match rename::rename(&at.snapshot.feature, &at.rel, offset, &params.new_name) {
        Ok(edits) => Ok(Some(workspace_edit(&at, &edits))),
        Err(message) => Err(request_failed(message)),
    }
}

/// `textDocument/completion`: items with text edits replacing the word
/// being typed, in the order `ide` gives them (kept by `sortText`).
pub fn completion(backend: &Backend, params: lsp::CompletionParams) -> Option<lsp::CompletionResponse> {
    let position = params.text_document_position;
    let at = At::of(backend, &position.text_document.uri)?;
    let offset = at.offset(position.position);
    let mut items = completion::completions(&at.snapshot.feature, &at.rel, offset);
    if items.is_empty() {
        return None;
    }
    let is_incomplete = completion::is_cut(&mut items);
    let items = items
        .into_iter()
        .enumerate()
        .filter_map(|(index, item)| {
            let range = at.range(&at.rel, item.replace)?;
            Some(lsp::CompletionItem {
                kind: Some(completion_kind(item.kind, &item.insert)),
                detail: item.detail,
                sort_text: Some(format!("{index:05}")),
                filter_text: Some(item.label.clone()),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(range, item.insert))),
                label: item.label,
                ..Default::default()
            })
        })
        .collect();
    if is_incomplete {
        return Some(lsp::CompletionResponse::List(lsp::CompletionList { is_incomplete, items }));
    }
    Some(lsp::CompletionResponse::Array(items))
}

fn completion_kind(kind: CompletionKind, insert: &str) -> lsp::CompletionItemKind {
    match kind {
        CompletionKind::NewTaskId => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Task | CompletionKind::Requirement => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Label => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Path if insert.ends_with('/') => lsp::CompletionItemKind::FOLDER,
        CompletionKind::Path => lsp::CompletionItemKind::FILE,
    }
}

/// `specls.renumberTasks` on the feature of `uri` (any of its documents):
/// the workspace edit that renumbers its tasks and every reference. Its
/// `changes` are empty when the IDs are already in order; `None` when
/// `uri` is not in a loaded feature.
pub fn renumber_tasks(backend: &Backend, uri: &lsp::Uri) -> Option<lsp::WorkspaceEdit> {
    let at = At::of(backend, uri)?;
    Some(workspace_edit(&at, &renumber::renumber_tasks(&at.snapshot.feature)))
}
