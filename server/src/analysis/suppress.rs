//! Inline switches in markdown comments:
//! `<!-- specls-disable-next-line CODE -->` hides findings on the next
//! non-blank line, `<!-- specls-disable CODE -->` hides them until
//! `<!-- specls-enable CODE -->` or the end of the file. Without codes a
//! switch applies to every rule; several codes may be separated by spaces
//! or commas.

use std::collections::HashMap;
use std::sync::Arc;

use super::diagnostic::Diagnostic;
use super::facts::sparse::FileIndex;
use crate::model::blocks::ScannedBlock;
use crate::model::feature::{Feature, FeatureFile};
use crate::model::scan::{Mention, MentionKind};
use crate::text::Span;

/// A hidden region of one file: the codes it hides (`None`: all).
struct Hidden {
    span: Span,
    codes: Option<Vec<String>>,
}

/// Where findings are switched off, per file.
#[derive(Default)]
pub struct Suppressions {
    by_file: HashMap<Arc<str>, Vec<Hidden>>,
}

enum Directive {
    NextLine(Option<Vec<String>>),
    Disable(Option<Vec<String>>),
    Enable(Option<Vec<String>>),
}

fn parse_directive(body: &str) -> Option<Directive> {
    let body = body.trim();
    let (word, rest) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
    let codes: Vec<String> = rest
        .split([' ', ',', '\t', '\n'])
        .map(str::trim)
        .filter(|c| !c.is_empty() && *c != "--")
        .map(str::to_string)
        .collect();
    let codes = (!codes.is_empty()).then_some(codes);
    match word {
        "specls-disable-next-line" => Some(Directive::NextLine(codes)),
        "specls-disable" => Some(Directive::Disable(codes)),
        "specls-enable" => Some(Directive::Enable(codes)),
        _ => None,
    }
}

impl Suppressions {
    /// The suppressions of the files of `feature` that `wanted` names:
    /// those with findings (most files have none, and tasks.md is long).
    pub fn of(feature: &Feature, wanted: impl Fn(&str) -> bool) -> Self {
        let mut out = Suppressions::default();
        for (file, blocks) in feature.markdown_files().filter(|(file, _)| wanted(&file.rel)) {
            let mut hidden = Vec::new();
            let mut open: Vec<(usize, Option<Vec<String>>)> = Vec::new();
            // Only the blocks holding switches, kept across analyses: a
            // keystroke asks about the block it changed.
            let hits = match FileIndex::of(blocks) {
                Some(index) => {
                    index.directives.hits(blocks, |()| true, || (), |b| directives(b).next().is_some())
                }
                None => Arc::from([]),
            };
            for block in hits.iter().map(|&at| &blocks.blocks()[at as usize]) {
                for (mention, directive) in directives(block) {
                    let end = block.abs(mention.span).end;
                    match directive {
                        Directive::NextLine(codes) => {
                            hidden.push(Hidden { span: next_line(file, end), codes })
                        }
                        Directive::Disable(codes) => open.push((end, codes)),
                        Directive::Enable(codes) => close(&mut open, &mut hidden, &codes, end),
                    }
                }
            }
            for (start, codes) in open {
                hidden.push(Hidden { span: Span::new(start, file.document.len()), codes });
            }
            if !hidden.is_empty() {
                out.by_file.insert(file.rel.clone(), hidden);
            }
        }
        out
    }

    pub fn hides(&self, diagnostic: &Diagnostic) -> bool {
        let Some(hidden) = self.by_file.get(&diagnostic.file) else { return false };
        hidden.iter().any(|h| {
            h.span.touches(diagnostic.span.start)
                && h.codes.as_ref().is_none_or(|codes| codes.iter().any(|c| c == diagnostic.code))
        })
    }
}

/// The switches of `block`, with the comments holding them.
fn directives(block: &ScannedBlock) -> impl Iterator<Item = (&Mention, Directive)> {
    block.scan.mentions.iter().filter_map(|mention| match &mention.kind {
        MentionKind::Comment { body } => Some((mention, parse_directive(body)?)),
        _ => None,
    })
}

/// `enable` closes the matching `disable` regions (all of them without codes).
fn close(
    open: &mut Vec<(usize, Option<Vec<String>>)>,
    hidden: &mut Vec<Hidden>,
    codes: &Option<Vec<String>>,
    end: usize,
) {
    open.retain(|(start, disabled)| {
        let matches = codes.is_none() || disabled == codes;
        if matches {
            hidden.push(Hidden { span: Span::new(*start, end), codes: disabled.clone() });
        }
        !matches
    });
}

/// The first non-blank line after the line holding `offset`.
fn next_line(file: &FeatureFile, offset: usize) -> Span {
    let doc = &file.document;
    let mut line = doc.line_of(offset) + 1;
    while line + 1 < doc.line_count() && doc.line_text(line).trim().is_empty() {
        line += 1;
    }
    doc.line_span(line)
}
