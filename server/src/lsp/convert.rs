//! Conversions between analysis values and LSP types: the only place that
//! knows both.

use std::path::Path;

use tower_lsp_server::ls_types as lsp;

use crate::analysis::{Diagnostic, Severity};
use crate::model::feature::{Feature, FeatureFile};
use crate::text::{Document, PositionEncoding, PositionRange, Span};

pub fn uri_of(path: &Path) -> Option<lsp::Uri> {
    lsp::Uri::from_file_path(path)
}

pub fn range(doc: &Document, span: Span, encoding: PositionEncoding) -> lsp::Range {
    let r = doc.range_of(span, encoding);
    lsp::Range::new(
        lsp::Position::new(r.start.line, r.start.character),
        lsp::Position::new(r.end.line, r.end.character),
    )
}

pub fn position_range(range: lsp::Range) -> PositionRange {
    PositionRange::new(
        crate::text::Position::new(range.start.line, range.start.character),
        crate::text::Position::new(range.end.line, range.end.character),
    )
}

pub fn severity(severity: Severity) -> lsp::DiagnosticSeverity {
    match severity {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
        Severity::Hint => lsp::DiagnosticSeverity::HINT,
    }
}

/// One analysis diagnostic of `file` as LSP sees it. The fix travels in
/// `data` so code actions can offer it without re-analysing.
pub fn diagnostic(
    feature: &Feature,
    file: &FeatureFile,
    d: &Diagnostic,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    // Related places mostly lie in one file: its URI is made once, not
    // per place (hundreds of tasks in one finding).
    let mut target: Option<(&str, Option<(&FeatureFile, lsp::Uri)>)> = None;
    let related: Vec<lsp::DiagnosticRelatedInformation> = d
        .related
        .iter()
        .filter_map(|r| {
            if target.as_ref().is_none_or(|(rel, _)| *rel != &*r.file) {
                let file = feature.file(&r.file).and_then(|f| Some((f, uri_of(&f.path)?)));
                target = Some((&r.file, file));
            }
            let (file, uri) = target.as_ref()?.1.as_ref()?;
            Some(lsp::DiagnosticRelatedInformation {
                location: lsp::Location::new(uri.clone(), range(&file.document, r.span, encoding)),
                message: r.message.clone(),
            })
        })
        .collect();
    lsp::Diagnostic {
        range: range(&file.document, d.span, encoding),
        severity: Some(severity(d.severity)),
        code: Some(lsp::NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("specls".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
