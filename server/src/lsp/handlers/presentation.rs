//! Presentation features: code actions, code lenses, document and
//! workspace symbols, folding ranges, semantic tokens, document links,
//! inlay hints, and the `specls.*` commands. Each converts the request to
//! byte offsets in a feature snapshot, asks `ide/`, and converts back.
//!
//! Command arguments are one object, `{"uri": "file:///...", "position":
//! {"line": 3, "character": 8}}` (`position` only for
//! `specls.toggleTask`); a bare URI string, or LSP's `{"textDocument":
//! {"uri"}, "position"}`, work too.

use std::path::{Component, Path, PathBuf};

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types as lsp;

use super::{At, resolve_path, workspace_edit};
use crate::ide::code_actions::{Action, ActionKind, code_actions, fix_all};
use crate::ide::code_lens::code_lenses;
use crate::ide::commands::{
    COMMANDS, CommandCall, NEXT_TASKS, RENUMBER_TASKS, SHOW_GRAPH, TOGGLE_TASK, next_tasks, show_graph,
    toggle_task,
};
use crate::ide::folding::{FoldKind, folding_ranges};
use crate::ide::inlay_hints::inlay_hints;
use crate::ide::links::document_links;
use crate::ide::semantic_tokens::{TokenKind, modifiers, semantic_tokens};
use crate::ide::symbols::{Symbol, best_matches, document_symbols};
use crate::lsp::capabilities::fix_all_kind;
use crate::lsp::convert;
use crate::lsp::index::symbol_kind;
use crate::lsp::server::Backend;
use crate::text::Span;

/// The semantic token legend: token types in [`TokenKind::ALL`] order,
/// modifiers in bit order.
pub fn legend() -> lsp::SemanticTokensLegend {
    lsp::SemanticTokensLegend {
        token_types: TokenKind::ALL.iter().map(|k| lsp::SemanticTokenType::new(k.name())).collect(),
        token_modifiers: modifiers::NAMES.iter().map(|m| lsp::SemanticTokenModifier::new(m)).collect(),
    }
}

/// `textDocument/codeAction`: quick fixes of the feature's analysis at the
/// range, refactors and source actions, filtered by `context.only`.
pub fn code_action(backend: &Backend, params: lsp::CodeActionParams) -> Option<lsp::CodeActionResponse> {
    let at = At::of(backend, &params.text_document.uri)?;
    // The analysis's own snapshot: its diagnostics and the text they point
    // into are of one revision.
    let analysis = at.analysis(backend)?;
    let at = At { snapshot: analysis.snapshot.clone(), rel: at.rel, encoding: at.encoding };
    let feature = &at.snapshot.feature;
    let file = feature.file(&at.rel)?;
    let range = file.document.span_of(convert::position_range(params.range), at.encoding);
    let only = params.context.only.unwrap_or_default();
    let wanted = |kind: &lsp::CodeActionKind| {
        only.is_empty()
            || only.iter().any(|o| {
                kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str()))
            })
    };
    let mut actions = code_actions(feature, &analysis.diagnostics, &at.rel, range);
    if only.is_empty() {
        actions = one_list(actions);
    }
    actions.extend(fix_all(&analysis.diagnostics, &at.rel));
    let mut out = Vec::new();
    for action in actions {
        let kind = match action.kind {
            ActionKind::QuickFix => lsp::CodeActionKind::QUICKFIX,
            ActionKind::Refactor => lsp::CodeActionKind::REFACTOR_REWRITE,
            ActionKind::Source => lsp::CodeActionKind::SOURCE,
            ActionKind::FixAll => fix_all_kind(),
        };
        if !wanted(&kind) {
            continue;
        }
        let diagnostics = action.diagnostic.and_then(|index| {
            let diagnostic = analysis.diagnostics.get(index)?;
            let file = feature.file(&diagnostic.file)?;
            Some(vec![convert::diagnostic(feature, file, diagnostic, at.encoding)])
        });
        let command = action.command.as_ref().and_then(|call| command(&at, &action.title, Some(call)));
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: action.title,
            kind: Some(kind),
            diagnostics,
            edit: (!action.edits.is_empty()).then(|| workspace_edit(&at, &action.edits)),
            command,
            is_preferred: action.preferred.then_some(true),
            disabled: None,
            data: None,
        }));
    }
    Some(out)
}

/// An LSP command for a call; `None` when its file has no URI. Without a
/// call, a command with an empty name: a lens that only shows text.
fn command(at: &At, title: &str, call: Option<&CommandCall>) -> Option<lsp::Command> {
    let Some(call) = call else {
        return Some(lsp::Command { title: title.to_string(), command: String::new(), arguments: None });
    };
    let uri = at.uri(&call.file)?;
    let mut argument = json!({ "uri": uri.as_str() });
    if let Some(offset) = call.offset
        && let Some(range) = at.range(&call.file, Span::empty(offset))
    {
        argument["position"] = json!({ "line": range.start.line, "character": range.start.character });
    }
    Some(lsp::Command {
        title: title.to_string(),
        command: call.name.to_string(),
        arguments: Some(vec![argument]),
    })
}

/// `textDocument/codeLens`.
pub fn code_lens(backend: &Backend, params: lsp::CodeLensParams) -> Option<Vec<lsp::CodeLens>> {
    let at = At::of(backend, &params.text_document.uri)?;
    let lenses = code_lenses(&at.snapshot.feature, &at.rel);
    Some(
        lenses
            .iter()
            .filter_map(|lens| {
                Some(lsp::CodeLens {
                    range: at.range(&at.rel, lens.span)?,
                    command: command(&at, &lens.title, lens.command.as_ref()),
                    data: None,
                })
            })
            .collect(),
    )
}

/// `textDocument/documentSymbol`: the nested outline.
pub fn document_symbol(
    backend: &Backend,
    params: lsp::DocumentSymbolParams,
) -> Option<lsp::DocumentSymbolResponse> {
    let at = At::of(backend, &params.text_document.uri)?;
    let symbols = document_symbols(&at.snapshot.feature, &at.rel);
    Some(lsp::DocumentSymbolResponse::Nested(
        symbols.iter().filter_map(|s| document_symbol_of(&at, s)).collect(),
    ))
}

fn document_symbol_of(at: &At, symbol: &Symbol) -> Option<lsp::DocumentSymbol> {
    let children: Vec<lsp::DocumentSymbol> =
        symbol.children.iter().filter_map(|child| document_symbol_of(at, child)).collect();
    #[allow(deprecated)] // `deprecated` has no default; `tags` replaces it
    Some(lsp::DocumentSymbol {
        name: symbol.name.clone(),
        detail: symbol.detail.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        deprecated: None,
        range: at.range(&at.rel, symbol.span)?,
        selection_range: at.range(&at.rel, symbol.focus)?,
        children: (!children.is_empty()).then_some(children),
    })
}

/// `workspace/symbol`: tasks, stories and requirements of every feature
/// of the workspace: of a loaded one from its current state, of the
/// others from the index kept when they were reported.
pub fn workspace_symbol(
    backend: &Backend,
    params: lsp::WorkspaceSymbolParams,
) -> Option<lsp::WorkspaceSymbolResponse> {
    let indexes = backend.world.symbol_indexes();
    let symbols = indexes.iter().flat_map(|index| index.symbols().iter().map(move |symbol| (index, symbol)));
    let found = best_matches(symbols, &params.query, |(_, symbol)| *symbol)
        .into_iter()
        .filter_map(|(index, symbol)| index.information(symbol))
        .collect();
    Some(lsp::WorkspaceSymbolResponse::Flat(found))
}

/// `textDocument/foldingRange`: whole lines.
pub fn folding_range(backend: &Backend, params: lsp::FoldingRangeParams) -> Option<Vec<lsp::FoldingRange>> {
    let at = At::of(backend, &params.text_document.uri)?;
    let file = at.snapshot.feature.file(&at.rel)?;
    let folds = folding_ranges(&at.snapshot.feature, &at.rel);
    Some(
        folds
            .iter()
            .map(|fold| lsp::FoldingRange {
                start_line: file.document.line_of(fold.span.start) as u32,
                start_character: None,
                end_line: file.document.line_of(fold.span.end) as u32,
                end_character: None,
                kind: Some(match fold.kind {
                    FoldKind::Comment => lsp::FoldingRangeKind::Comment,
                    FoldKind::FrontMatter => lsp::FoldingRangeKind::Imports,
                    FoldKind::Section | FoldKind::Task | FoldKind::Code => lsp::FoldingRangeKind::Region,
                }),
                collapsed_text: None,
            })
            .collect(),
    )
}

/// `textDocument/semanticTokens/full`: delta-encoded in the negotiated
/// position encoding.
pub fn semantic_tokens_full(
    backend: &Backend,
    params: lsp::SemanticTokensParams,
) -> Option<lsp::SemanticTokensResult> {
    let at = At::of(backend, &params.text_document.uri)?;
    let file = at.snapshot.feature.file(&at.rel)?;
    let tokens = semantic_tokens(&at.snapshot.feature, &at.rel);
    let mut data = Vec::with_capacity(tokens.len());
    let (mut line, mut character) = (0u32, 0u32);
    for token in tokens {
        let start = file.document.position_of(token.span.start, at.encoding);
        let end = file.document.position_of(token.span.end, at.encoding);
        // Tokens never cross a line break (ide's promise); be safe anyway.
        if end.line != start.line || end.character <= start.character {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.character - character } else { start.character };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: token.kind.index(),
            token_modifiers_bitset: token.modifiers,
        });
        (line, character) = (start.line, start.character);
    }
    Some(lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens { result_id: None, data }))
}

/// `textDocument/documentLink`: paths that exist as files, resolved
/// against the repository root, the feature folder and the document's own
/// folder.
pub fn document_link(backend: &Backend, params: lsp::DocumentLinkParams) -> Option<Vec<lsp::DocumentLink>> {
    let at = At::of(backend, &params.text_document.uri)?;
    let file = at.snapshot.feature.file(&at.rel)?;
    let root = at.snapshot.root.clone();
    let own_dir = file.path.parent().map(Path::to_path_buf);
    let exists = |path: &str| -> Option<PathBuf> {
        resolve_path(&root, path)
            .or_else(|| own_dir.as_ref().map(|dir| dir.join(path.trim_start_matches("./"))))
            .filter(|p| p.is_file())
    };
    // Links point inside the workspace folders; a client without any
    // (single files opened) gets those inside the repository.
    let mut inside = backend.world.workspace_roots();
    if inside.is_empty() {
        let repository = root.ancestors().find(|dir| dir.file_name().is_some_and(|n| n == "specs"));
        inside.push(repository.and_then(Path::parent).unwrap_or(&root).to_path_buf());
    }
    let links = document_links(&at.snapshot.feature, &at.rel, &exists, &inside);
    Some(
        links
            .iter()
            .filter_map(|link| {
                let uri = convert::uri_of(&link.target)?;
                let target = match link.line {
                    Some(line) => format!("{}#L{line}", uri.as_str()).parse().unwrap_or(uri),
                    None => uri,
                };
                Some(lsp::DocumentLink {
                    range: at.range(&at.rel, link.span)?,
                    target: Some(target),
                    tooltip: Some(link.target.display().to_string()),
                    data: None,
                })
            })
            .collect(),
    )
}

/// `textDocument/inlayHint`: task descriptions after bare references in
/// the visible range.
pub fn inlay_hint(backend: &Backend, params: lsp::InlayHintParams) -> Option<Vec<lsp::InlayHint>> {
    let at = At::of(backend, &params.text_document.uri)?;
    let file = at.snapshot.feature.file(&at.rel)?;
    let visible = file.document.span_of(convert::position_range(params.range), at.encoding);
    let hints = inlay_hints(&at.snapshot.feature, &at.rel, visible);
    Some(
        hints
            .into_iter()
            .filter_map(|hint| {
                Some(lsp::InlayHint {
                    position: at.range(&at.rel, Span::empty(hint.offset))?.start,
                    label: lsp::InlayHintLabel::String(hint.label),
                    kind: None,
                    text_edits: None,
                    tooltip: Some(lsp::InlayHintTooltip::String(hint.tooltip)),
                    padding_left: Some(false),
                    padding_right: Some(true),
                    data: None,
                })
            })
            .collect(),
    )
}

/// Without `only`, a client shows every action in one list: a source
/// action that repeats a refactor or quick fix already listed (the same
/// edits and command) is dropped there.
fn one_list(actions: Vec<Action>) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::with_capacity(actions.len());
    for action in actions {
        let repeats = action.kind == ActionKind::Source
            && out.iter().any(|seen| seen.edits == action.edits && seen.command == action.command);
        if !repeats {
            out.push(action);
        }
    }
    out
}

/// What a command is about: a document and, maybe, a position in it.
struct CommandTarget {
    uri: lsp::Uri,
    position: Option<lsp::Position>,
}

fn command_target(arguments: &[Value]) -> Option<CommandTarget> {
    let argument = arguments.first()?;
    let uri = match argument {
        Value::String(uri) => uri.as_str(),
        Value::Object(object) => object
            .get("uri")
            .or_else(|| object.get("textDocument").and_then(|d| d.get("uri")))
            .and_then(Value::as_str)?,
        _ => return None,
    };
    let position = argument.get("position").and_then(|p| serde_json::from_value(p.clone()).ok());
    Some(CommandTarget { uri: uri.parse().ok()?, position })
}

/// `workspace/executeCommand` for the `specls.*` commands.
///
/// - `specls.toggleTask` `{uri, position}`: checks or unchecks the task
///   there through `workspace/applyEdit`; returns `{"applied": bool}`.
/// - `specls.showGraph` `{uri}`: the Mermaid text of the feature's graph.
/// - `specls.nextTasks` `{uri}`: the ready tasks, `[{"id", "description",
///   "uri", "range"}]`.
/// - `specls.renumberTasks` `{uri}`: renumbers the tasks in document order.
pub async fn execute_command(
    backend: &Backend,
    params: lsp::ExecuteCommandParams,
) -> jsonrpc::Result<Option<Value>> {
    let name = params.command.as_str();
    if !COMMANDS.contains(&name) {
        return Err(jsonrpc::Error::invalid_params(format!("unknown command {name}")));
    }
    let target = command_target(&params.arguments).ok_or_else(|| {
        jsonrpc::Error::invalid_params(format!("{name} needs a document: [{{\"uri\": ...}}]"))
    })?;
    inside_workspace(backend, &target.uri)?;
    let at = At::of(backend, &target.uri).ok_or_else(|| {
        jsonrpc::Error::invalid_params(format!("{}: not a file of a feature folder", target.uri.as_str()))
    })?;
    match name {
        TOGGLE_TASK => {
            let position = target.position.ok_or_else(|| {
                jsonrpc::Error::invalid_params(
                    "specls.toggleTask needs a position: [{\"uri\": ..., \"position\": ...}]",
                )
            })?;
            let edits = toggle_task_at(&at, position)?;
            apply(backend, &at, &edits).await
        }
        SHOW_GRAPH => Ok(Some(Value::String(show_graph(&at.snapshot.feature)))),
        NEXT_TASKS => {
            let feature = &at.snapshot.feature;
            let tasks = feature.tasks();
            let ready: Vec<Value> = next_tasks(feature)
                .into_iter()
                .map(|(id, description)| {
                    let place = tasks.and_then(|(file, doc)| {
                        let task = doc.tasks.iter().find(|t| *t.id().text == *id)?;
                        Some((at.uri(&file.rel)?, at.range(&file.rel, task.id_span())?))
                    });
                    match place {
                        Some((uri, range)) => json!({
                            "id": id, "description": description, "uri": uri.as_str(), "range": range,
                        }),
                        None => json!({ "id": id, "description": description }),
                    }
                })
                .collect();
            Ok(Some(Value::Array(ready)))
        }
        RENUMBER_TASKS => {
            let edit = super::editing::renumber_tasks(backend, &target.uri).ok_or_else(|| {
                jsonrpc::Error::invalid_params(format!(
                    "{}: not a file of a feature folder",
                    target.uri.as_str()
                ))
            })?;
            if edit.changes.as_ref().is_none_or(|changes| changes.is_empty()) {
                return Ok(Some(json!({ "applied": false })));
            }
            let response = backend.client.apply_edit(edit).await?;
            Ok(Some(json!({ "applied": response.applied })))
        }
        _ => Err(jsonrpc::Error::invalid_params(format!("unknown command {name}"))),
    }
}

/// Commands act on files of the workspace only: a URI that is not a file
/// path, has a `.` or `..` component, or lies outside every workspace
/// folder is refused. A client without workspace folders (single files
/// opened) may name the documents it opened.
fn inside_workspace(backend: &Backend, uri: &lsp::Uri) -> jsonrpc::Result<()> {
    let refuse = |why: &str| Err(jsonrpc::Error::invalid_params(format!("{}: {why}", uri.as_str())));
    let Some(path) = uri.to_file_path() else { return refuse("not a file URI") };
    let plain = path.is_absolute()
        && !path.components().any(|c| matches!(c, Component::ParentDir | Component::CurDir));
    if !plain {
        return refuse("not a plain absolute path (no `.` or `..`)");
    }
    let roots = backend.world.workspace_roots();
    let inside = if roots.is_empty() {
        backend.world.open_version(uri).is_some()
    } else {
        roots.iter().any(|root| path.starts_with(root))
    };
    if inside { Ok(()) } else { refuse("outside the workspace folders") }
}

/// The edits that toggle the task at `position`, or an error (and no edit)
/// when the position is past the end of the document or on no task.
fn toggle_task_at(at: &At, position: lsp::Position) -> jsonrpc::Result<Vec<crate::analysis::FileEdit>> {
    let lines = at.snapshot.feature.file(&at.rel).map_or(0, |file| file.document.line_count());
    if position.line as usize >= lines {
        return Err(jsonrpc::Error::invalid_params(format!(
            "specls.toggleTask: line {} is past the end of {} ({lines} lines)",
            position.line, at.rel
        )));
    }
    let edits = toggle_task(&at.snapshot.feature, &at.rel, at.offset(position));
    if edits.is_empty() {
        return Err(jsonrpc::Error::invalid_params(format!(
            "specls.toggleTask: no task to toggle at {}:{} of {}",
            position.line, position.character, at.rel
        )));
    }
    Ok(edits)
}

/// Ask the client to apply `edits`; `{"applied": bool}`.
async fn apply(
    backend: &Backend,
    at: &At,
    edits: &[crate::analysis::FileEdit],
) -> jsonrpc::Result<Option<Value>> {
    if edits.is_empty() {
        return Ok(Some(json!({ "applied": false })));
    }
    let response = backend.client.apply_edit(workspace_edit(at, edits)).await?;
    Ok(Some(json!({ "applied": response.applied })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_legend_follows_token_kinds() {
        let legend = legend();
        for kind in TokenKind::ALL {
            assert_eq!(legend.token_types[kind.index() as usize].as_str(), kind.name());
        }
        assert_eq!(legend.token_modifiers.len(), modifiers::NAMES.len());
    }

    #[test]
    fn command_targets_in_every_shape() {
        let uri = "file:///r/specs/001-a/tasks.md";
        let position = json!({ "line": 3, "character": 8 });
        for argument in [
            json!(uri),
            json!({ "uri": uri, "position": position }),
            json!({ "textDocument": { "uri": uri }, "position": position }),
        ] {
            let target = command_target(std::slice::from_ref(&argument)).expect("a target");
            assert_eq!(target.uri.as_str(), uri);
            assert_eq!(target.position.is_some(), argument.get("position").is_some());
        }
        assert!(command_target(&[]).is_none());
        assert!(command_target(&[json!(3)]).is_none());
    }
}
