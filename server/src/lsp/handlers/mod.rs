//! Request handlers for editor features: each converts the request to a
//! position in a feature snapshot, calls `ide/`, and converts back.
//! One file per group of features; `server.rs` delegates to them.

pub mod editing;
pub mod navigation;
pub mod presentation;

use std::path::Path;
use std::sync::Arc;

use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::publish::Analysis;
use super::server::Backend;
use super::world::Snapshot;
use crate::ide::{FileSpan, NavigationTarget};
use crate::text::{PositionEncoding, Span};

/// A request's document inside its feature snapshot.
pub struct At {
    pub snapshot: Snapshot,
    /// The document's path relative to the feature folder.
    pub rel: String,
    pub encoding: PositionEncoding,
}

impl At {
    /// The snapshot of `uri`'s feature, taken after every earlier edit.
    pub fn of(backend: &Backend, uri: &lsp::Uri) -> Option<At> {
        let root = backend.world.root_of_uri(uri)?;
        let snapshot = backend.world.snapshot(&root)?;
        let path = uri.to_file_path()?;
        let rel = snapshot.feature.relative(&path);
        snapshot.feature.file(&rel)?;
        Some(At { snapshot, rel, encoding: backend.world.encoding() })
    }

    /// Byte offset of an LSP position in the document.
    pub fn offset(&self, position: lsp::Position) -> usize {
        let file = self.snapshot.feature.file(&self.rel).expect("checked in At::of");
        file.document.offset_of(crate::text::Position::new(position.line, position.character), self.encoding)
    }

    /// An LSP range of a span in any file of the feature.
    pub fn range(&self, file: &str, span: Span) -> Option<lsp::Range> {
        let file = self.snapshot.feature.file(file)?;
        Some(convert::range(&file.document, span, self.encoding))
    }

    /// An LSP location of a span in any file of the feature.
    pub fn location(&self, place: &FileSpan) -> Option<lsp::Location> {
        let file = self.snapshot.feature.file(&place.file)?;
        Some(lsp::Location::new(
            convert::uri_of(&file.path)?,
            convert::range(&file.document, place.span, self.encoding),
        ))
    }

    /// An LSP location link of a navigation target.
    pub fn link(&self, origin: Option<Span>, target: &NavigationTarget) -> Option<lsp::LocationLink> {
        let file = self.snapshot.feature.file(&target.file)?;
        Some(lsp::LocationLink {
            origin_selection_range: origin.and_then(|span| self.range(&self.rel, span)),
            target_uri: convert::uri_of(&file.path)?,
            target_range: convert::range(&file.document, target.full, self.encoding),
            target_selection_range: convert::range(&file.document, target.focus, self.encoding),
        })
    }

    /// The URI of a file of the feature.
    pub fn uri(&self, file: &str) -> Option<lsp::Uri> {
        convert::uri_of(&self.snapshot.feature.file(file)?.path)
    }

    /// The analysis of the snapshot's revision (cached, shared with the
    /// diagnostics publisher).
    pub fn analysis(&self, backend: &Backend) -> Option<Arc<Analysis>> {
        backend.analyses.current(&backend.world, &self.snapshot.root)
    }

    /// Whether a path named in the feature exists on disk, resolved against
    /// the repository root (the folder holding `specs/`) and the feature.
    pub fn path_exists(&self, path: &str) -> bool {
        resolve_path(&self.snapshot.root, path).is_some()
    }
}

/// A path named in a task, on disk: tried against the repository root
/// (the parent of the `specs` folder) and the feature folder.
pub fn resolve_path(feature_root: &Path, path: &str) -> Option<std::path::PathBuf> {
    let trimmed = path.trim_start_matches("./");
    let repo = feature_root
        .ancestors()
        .find(|dir| dir.file_name().is_some_and(|n| n == "specs"))
        .and_then(Path::parent);
    [repo, Some(feature_root)]
        .into_iter()
        .flatten()
        .map(|base| base.join(trimmed))
        .find(|candidate| candidate.exists())
}

/// Convert an edit plan (relative file → edits) to a workspace edit.
pub fn workspace_edit(at: &At, edits: &[crate::analysis::FileEdit]) -> lsp::WorkspaceEdit {
    let mut changes: std::collections::HashMap<lsp::Uri, Vec<lsp::TextEdit>> =
        std::collections::HashMap::new();
    for edit in edits {
        let (Some(uri), Some(range)) = (at.uri(&edit.file), at.range(&edit.file, edit.span)) else {
            continue;
        };
        changes.entry(uri).or_default().push(lsp::TextEdit::new(range, edit.new_text.clone()));
    }
    lsp::WorkspaceEdit { changes: Some(changes), ..Default::default() }
}
