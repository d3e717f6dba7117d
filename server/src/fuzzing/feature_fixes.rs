//! Target 3: analyse an arbitrary feature folder, then apply its safe fixes
//! round after round as `check --fix` does. Analysis never panics; every
//! finding and related location is a range of its file on character
//! boundaries; every safe edit is a valid range of its file within one
//! line; every round changes the text and the rounds end (a fix that does
//! not remove its finding would loop); and the text keeps its BOM, line
//! breaks and final newline.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::analysis::{Applicability, Diagnostic, FileEdit, FixRound, RuleConfig, analyze};
use crate::cli::check::fix::apply_edits;
use crate::model::feature::{DocModel, Feature};
use crate::text::Span;

use super::bytes::Bytes;

/// The files an input can hold, picked by the first byte of each file.
pub const FILE_NAMES: &[&str] = &[
    "tasks.md",
    "spec.md",
    "plan.md",
    "data-model.md",
    "research.md",
    "quickstart.md",
    "contracts/api.yaml",
    "contracts/events.md",
    "contracts/api.json",
    "checklists/requirements.md",
];

/// As many rounds as `check --fix` runs.
pub(super) const MAX_ROUNDS: usize = crate::cli::check::fix::MAX_ROUNDS;

/// `data`: files, each a name byte (an index into [`FILE_NAMES`]) and its
/// text, separated by `0xFF`. A later file of the same name wins.
pub fn feature_analysis_and_fixes(data: &[u8]) {
    let originals = decode_files(data);
    let mut texts = originals.clone();
    let config = RuleConfig::default();
    for _ in 0..MAX_ROUNDS {
        let feature = build_feature(&texts);
        let diagnostics = analyze(&feature, &config);
        check_spans(&feature, &diagnostics);
        let safe: Vec<&Diagnostic> = diagnostics.iter().filter(|d| safe_edits(d).is_some()).collect();
        if safe.is_empty() {
            assert_layout_kept(&originals, &texts);
            return;
        }
        for diagnostic in &safe {
            check_edits(&feature, diagnostic);
        }
        let (edits, _) = take_fixes(&feature, &safe);
        let mut changed = false;
        for (rel, file_edits) in edits {
            let Some(text) = texts.get_mut(&*rel) else { continue };
            let new_text = apply_edits(text, file_edits);
            changed |= new_text != *text;
            *text = new_text;
        }
        assert!(changed, "safe fixes that change nothing: {}", describe(&safe));
    }
    let diagnostics = analyze(&build_feature(&texts), &config);
    let left: Vec<&Diagnostic> = diagnostics.iter().filter(|d| safe_edits(d).is_some()).collect();
    panic!("safe fixes still apply after {MAX_ROUNDS} rounds: {}\nin {texts:#?}", describe(&left));
}

fn decode_files(data: &[u8]) -> BTreeMap<String, String> {
    let mut input = Bytes::new(data);
    let mut files = BTreeMap::new();
    while !input.is_empty() {
        let name = FILE_NAMES[usize::from(input.byte()) % FILE_NAMES.len()];
        let text = String::from_utf8_lossy(input.until_separator()).into_owned();
        files.insert(name.to_string(), text);
    }
    files
}

pub(super) fn build_feature(texts: &BTreeMap<String, String>) -> Feature {
    Feature::from_texts(
        PathBuf::from("/fuzz/specs/001-fuzz"),
        texts.iter().map(|(rel, text)| (rel.as_str(), text.as_str())),
    )
}

pub(super) fn safe_edits(diagnostic: &Diagnostic) -> Option<&[FileEdit]> {
    let fix = diagnostic.fix.as_ref()?;
    (fix.applicability == Applicability::Safe && !fix.edits.is_empty()).then_some(&fix.edits)
}

fn describe(diagnostics: &[&Diagnostic]) -> String {
    let found: Vec<String> =
        diagnostics.iter().map(|d| format!("{} {}@{:?}: {}", d.code, d.file, d.span, d.message)).collect();
    found.join("; ")
}

/// Every finding and related location lies in its file on character
/// boundaries: a span found in a case-mapped copy of the text (whose
/// lengths differ outside ASCII) would not, and the editor or the report
/// would show it at the wrong place or fail to slice it.
fn check_spans(feature: &Feature, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        let locations = std::iter::once((&diagnostic.file, diagnostic.span))
            .chain(diagnostic.related.iter().map(|r| (&r.file, r.span)));
        for (rel, span) in locations {
            let Some(file) = feature.file(rel) else { continue };
            let text = file.document.text();
            assert!(
                is_range_of(&text, span),
                "{} reports {span:?}, not a range of {rel} ({} bytes): {}",
                diagnostic.code,
                text.len(),
                diagnostic.message
            );
        }
    }
}

fn is_range_of(text: &str, span: Span) -> bool {
    span.start <= span.end && text.is_char_boundary(span.start) && text.is_char_boundary(span.end)
}

/// Each edit of a safe fix is a range of an existing file, on character
/// boundaries, that stays on one line: fixes normalise what a line says
/// and never swallow the lines below it (a detail line's text).
fn check_edits(feature: &Feature, diagnostic: &Diagnostic) {
    for edit in safe_edits(diagnostic).unwrap_or_default() {
        let Some(file) = feature.file(&edit.file) else {
            panic!("{} fixes a file that is not in the folder: {}", diagnostic.code, edit.file);
        };
        let text = file.document.text();
        let span = edit.span;
        assert!(
            is_range_of(&text, span),
            "{} fix edits {span:?}, not a range of {} ({} bytes)",
            diagnostic.code,
            edit.file,
            text.len()
        );
        let removed = &text[span.start..span.end];
        assert!(
            !removed.contains(['\n', '\r']),
            "{} fix replaces {removed:?}, more than one line, in {text:?}",
            diagnostic.code
        );
    }
}

pub(super) type EditsByFile = BTreeMap<Arc<str>, Vec<(Span, String)>>;

/// Whole fixes whose edits collide with none taken before, as `check --fix`
/// takes them; the others wait for the next round.
pub(super) fn take_fixes<'d>(
    feature: &Feature,
    safe: &[&'d Diagnostic],
) -> (EditsByFile, Vec<&'d Diagnostic>) {
    let mut round = FixRound::default();
    let mut fixes = Vec::new();
    for diagnostic in safe {
        let edits = safe_edits(diagnostic).unwrap_or_default();
        if edits.iter().any(|e| !rewritable(feature, &e.file)) {
            continue; // `check --fix` never writes a contract it cannot parse
        }
        if round.take(edits) {
            fixes.push(*diagnostic);
        }
    }
    (round.edits, fixes)
}

fn rewritable(feature: &Feature, rel: &str) -> bool {
    feature
        .file(rel)
        .is_some_and(|f| !matches!(&f.model, DocModel::Contract(doc) if doc.parse_error.is_some()))
}

/// A BOM, the kind of line break and the final newline survive the fixes.
pub(super) fn assert_layout_kept(originals: &BTreeMap<String, String>, fixed: &BTreeMap<String, String>) {
    for (rel, before) in originals {
        let after = &fixed[rel];
        if before == after {
            continue;
        }
        // Control characters before a U+FEFF are what the
        // control-character fix deletes: then it becomes the BOM.
        let control = |c: char| u8::try_from(c).is_ok_and(crate::text::control::is_control);
        let bom_after_controls = before.trim_start_matches(control).starts_with('\u{FEFF}');
        assert_eq!(bom_after_controls, after.starts_with('\u{FEFF}'), "{rel}: BOM changed");
        let ends_in_break = |t: &str| t.ends_with(['\n', '\r']);
        // A last line of control characters only is what the
        // control-character fix deletes: then the text may end in the
        // break before it.
        let last_line = before.rsplit(['\n', '\r']).next().unwrap_or("");
        let last_line_removable = last_line.bytes().all(crate::text::control::is_control);
        if !last_line_removable || ends_in_break(before) {
            assert_eq!(
                ends_in_break(before),
                ends_in_break(after),
                "{rel}: final newline changed: {after:?}"
            );
        }
        if !before.contains('\r') {
            assert!(!after.contains('\r'), "{rel}: fixes brought a CR into an LF file: {after:?}");
        }
        if before.contains("\r\n") && lone_line_feeds(before) == 0 {
            assert_eq!(lone_line_feeds(after), 0, "{rel}: fixes brought an LF into a CRLF file: {after:?}");
        }
    }
}

fn lone_line_feeds(text: &str) -> usize {
    text.as_bytes().windows(2).filter(|w| w[1] == b'\n' && w[0] != b'\r').count()
        + usize::from(text.starts_with('\n'))
}
