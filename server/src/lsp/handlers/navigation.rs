//! Hover, go to definition, references and document highlights: each
//! finds the request's document in its feature snapshot, calls `ide/` and
//! converts the answer.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;

use super::{At, resolve_path};
use crate::ide::goto::Definition;
use crate::ide::highlights::HighlightKind;
use crate::ide::hover::HoverEnv;
use crate::ide::{goto, highlights, hover as ide_hover, references as ide_references};
use crate::lsp::server::Backend;

/// `textDocument/hover`: markdown about the task, label, story,
/// requirement, path, phase, endpoint or entity under the cursor.
pub async fn hover(backend: &Backend, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
    let position = params.text_document_position_params;
    let Some(at) = At::of(backend, &position.text_document.uri) else { return Ok(None) };
    let offset = at.offset(position.position);
    let path_exists = |path: &str| at.path_exists(path);
    let env = HoverEnv { path_exists: &path_exists };
    let Some(found) = ide_hover::hover(&at.snapshot.feature, &at.rel, offset, &env) else { return Ok(None) };
    Ok(Some(lsp::Hover {
        contents: lsp::HoverContents::Markup(lsp::MarkupContent {
            kind: lsp::MarkupKind::Markdown,
            value: found.markdown,
        }),
        range: at.range(&at.rel, found.span),
    }))
}

/// `textDocument/definition`: locations in the feature, or a file on disk
/// for a path that is not a document of the feature. Plain locations, which
/// every client reads (links need the client's `linkSupport`).
pub async fn definition(
    backend: &Backend,
    params: lsp::GotoDefinitionParams,
) -> Result<Option<lsp::GotoDefinitionResponse>> {
    let position = params.text_document_position_params;
    let Some(at) = At::of(backend, &position.text_document.uri) else { return Ok(None) };
    let offset = at.offset(position.position);
    let definitions = goto::definition(&at.snapshot.feature, &at.rel, offset);
    if backend.caps().definition_links {
        // Links carry the origin's range, so the editor underlines exactly
        // the ID or label that was followed.
        let origin = crate::ide::target::target_at(&at.snapshot.feature, &at.rel, offset).map(|t| t.span());
        let links: Vec<lsp::LocationLink> = definitions
            .iter()
            .filter_map(|definition| match definition {
                Definition::Feature(target) => at.link(origin, target),
                Definition::Disk(path) => {
                    let file = resolve_path(&at.snapshot.root, path).filter(|p| p.is_file())?;
                    Some(lsp::LocationLink {
                        origin_selection_range: origin.and_then(|span| at.range(&at.rel, span)),
                        target_uri: lsp::Uri::from_file_path(&file)?,
                        target_range: lsp::Range::default(),
                        target_selection_range: lsp::Range::default(),
                    })
                }
            })
            .collect();
        return Ok((!links.is_empty()).then_some(lsp::GotoDefinitionResponse::Link(links)));
    }
    let locations: Vec<lsp::Location> = definitions
        .iter()
        .filter_map(|definition| match definition {
            Definition::Feature(target) => {
                at.location(&crate::ide::FileSpan { file: target.file.clone(), span: target.focus })
            }
            Definition::Disk(path) => {
                let file = resolve_path(&at.snapshot.root, path).filter(|p| p.is_file())?;
                Some(lsp::Location::new(lsp::Uri::from_file_path(&file)?, lsp::Range::default()))
            }
        })
        .collect();
    Ok((!locations.is_empty()).then_some(lsp::GotoDefinitionResponse::Array(locations)))
}

/// `textDocument/references`: every place in the feature naming the thing
/// under the cursor.
pub async fn references(
    backend: &Backend,
    params: lsp::ReferenceParams,
) -> Result<Option<Vec<lsp::Location>>> {
    let position = params.text_document_position;
    let Some(at) = At::of(backend, &position.text_document.uri) else { return Ok(None) };
    let offset = at.offset(position.position);
    let include_declaration = params.context.include_declaration;
    let places = ide_references::references(&at.snapshot.feature, &at.rel, offset, include_declaration);
    Ok(Some(places.iter().filter_map(|place| at.location(place)).collect()))
}

/// `textDocument/documentHighlight`: the references in this document, the
/// definition marked as a write.
pub async fn document_highlight(
    backend: &Backend,
    params: lsp::DocumentHighlightParams,
) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
    let position = params.text_document_position_params;
    let Some(at) = At::of(backend, &position.text_document.uri) else { return Ok(None) };
    let offset = at.offset(position.position);
    let found = highlights::highlights(&at.snapshot.feature, &at.rel, offset);
    Ok(Some(
        found
            .iter()
            .filter_map(|h| {
                Some(lsp::DocumentHighlight {
                    range: at.range(&at.rel, h.span)?,
                    kind: Some(match h.kind {
                        HighlightKind::Read => lsp::DocumentHighlightKind::READ,
                        HighlightKind::Write => lsp::DocumentHighlightKind::WRITE,
                    }),
                })
            })
            .collect(),
    ))
}
