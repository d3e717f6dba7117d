//! `check --fix`: apply the fixes marked [`Applicability::Safe`] to the
//! files on disk.
//!
//! Rules of the road, in order of importance:
//! - never lose text: a file is written only when its bytes on disk are
//!   exactly the text that was analysed (valid UTF-8, not changed since,
//!   and for YAML/JSON contracts, parsed without error), and through a
//!   temporary file renamed over it, so a failed write leaves the old file;
//! - a fix is applied whole or not at all: when one of its edits overlaps
//!   an edit already taken this round, or touches a file that cannot be
//!   fixed, the fix waits for the next round (after a re-check) or is left;
//! - edits are applied back to front, byte for byte: line breaks are the
//!   ones the edits carry, so CRLF files stay CRLF when the rule wrote CRLF.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::Report;
use crate::analysis::{Applicability, Diagnostic, FileEdit};
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::text::Span;

/// At most this many rounds of fix-and-re-check.
pub const MAX_ROUNDS: usize = 10;

/// What `--fix` did over all rounds.
#[derive(Debug, Default)]
pub struct Fixed {
    /// Problems fixed in each written file.
    pub per_file: BTreeMap<PathBuf, usize>,
    /// Files left alone, and why (each once).
    pub skipped: Vec<(PathBuf, String)>,
    /// Files that could not be written.
    pub failed: Vec<(PathBuf, String)>,
}

impl Fixed {
    fn skip(&mut self, path: &Path, reason: String) {
        if !self.skipped.iter().any(|(p, _)| p == path) {
            self.skipped.push((path.to_path_buf(), reason));
        }
    }
}

/// One file being fixed this round.
struct Target {
    path: PathBuf,
    text: String,
    edits: Vec<(Span, String)>,
    /// Diagnostics fixed in this file.
    fixed: usize,
}

/// Apply every safe fix of `report` that does not collide with another;
/// returns how many diagnostics were fixed this round.
pub fn apply_safe_fixes(report: &Report, fixed: &mut Fixed) -> usize {
    let mut applied = 0;
    for checked in &report.features {
        let mut diagnostics: Vec<&Diagnostic> = checked.diagnostics.iter().collect();
        diagnostics.sort_by(|a, b| (&a.file, a.span.start, a.code).cmp(&(&b.file, b.span.start, b.code)));
        let mut targets: HashMap<&str, Option<Target>> = HashMap::new();
        for diagnostic in diagnostics {
            let Some(fix) = &diagnostic.fix else { continue };
            if fix.applicability != Applicability::Safe || fix.edits.is_empty() {
                continue;
            }
            if take_fix(&checked.feature, &fix.edits, &mut targets, fixed) {
                applied += 1;
            }
        }
        let mut targets: Vec<Target> =
            targets.into_values().flatten().filter(|t| !t.edits.is_empty()).collect();
        targets.sort_by(|a, b| a.path.cmp(&b.path));
        for target in targets {
            let Target { path, text, edits, fixed: count } = target;
            let new_text = apply_edits(&text, edits);
            if new_text == text {
                // A fix that changes nothing does not fix its diagnostic;
                // counting it would only loop.
                applied -= count.min(applied);
                continue;
            }
            match write_atomically(&path, &new_text) {
                Ok(()) => *fixed.per_file.entry(path).or_default() += count,
                Err(err) => {
                    applied -= count.min(applied);
                    fixed.failed.push((path, err.to_string()));
                }
            }
        }
    }
    applied
}

/// Take the edits of one fix into `targets` if all of them fit.
fn take_fix<'f>(
    feature: &'f Feature,
    edits: &[FileEdit],
    targets: &mut HashMap<&'f str, Option<Target>>,
    fixed: &mut Fixed,
) -> bool {
    // Every file of the fix must be fixable, every edit valid and free.
    let mut fresh: Vec<(&str, Span, &str)> = Vec::new();
    let mut touched: Vec<&str> = Vec::new();
    for edit in edits {
        let Some(file) = feature.file(&edit.file) else { return false };
        let target = targets.entry(&file.rel).or_insert_with(|| {
            if fixed.failed.iter().any(|(p, _)| *p == file.path) {
                return None; // a write failed in an earlier round
            }
            match fixable(file) {
                Ok(text) => Some(Target { path: file.path.clone(), text, edits: Vec::new(), fixed: 0 }),
                Err(reason) => {
                    fixed.skip(&file.path, reason);
                    None
                }
            }
        });
        let Some(target) = target else { return false };
        let span = edit.span;
        let valid = span.start <= span.end
            && span.end <= target.text.len()
            && target.text.is_char_boundary(span.start)
            && target.text.is_char_boundary(span.end);
        if !valid {
            return false;
        }
        if !touched.contains(&&*file.rel) {
            touched.push(&file.rel);
        }
        if target.edits.iter().any(|(s, t)| *s == span && *t == edit.new_text) {
            continue; // another diagnostic's fix already makes this very edit
        }
        let taken = target.edits.iter().map(|(s, _)| *s);
        let mine = fresh.iter().filter(|(rel, _, _)| *rel == &*file.rel).map(|(_, s, _)| *s);
        if taken.chain(mine).any(|other| collide(other, span)) {
            return false;
        }
        fresh.push((&file.rel, span, &edit.new_text));
    }
    for (rel, span, new_text) in fresh {
        if let Some(Some(target)) = targets.get_mut(rel) {
            target.edits.push((span, new_text.to_string()));
        }
    }
    for rel in touched {
        if let Some(Some(target)) = targets.get_mut(rel) {
            target.fixed += 1;
        }
    }
    true
}

/// Two edits collide when their ranges overlap, or when both start at
/// one offset and one of them inserts (which goes first would be a guess).
fn collide(a: Span, b: Span) -> bool {
    a.intersects(b) || (a.start == b.start && (a.is_empty() || b.is_empty()))
}

/// The text on disk, when the file may be rewritten.
fn fixable(file: &FeatureFile) -> Result<String, String> {
    if let DocModel::Contract(doc) = &file.model
        && let Some((message, _)) = &doc.parse_error
    {
        return Err(format!("it does not parse ({message})"));
    }
    let bytes = std::fs::read(&file.path).map_err(|err| format!("cannot read it: {err}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())?;
    if text != file.document.text() {
        return Err("it changed on disk while specls ran".to_string());
    }
    Ok(text)
}

/// Apply non-overlapping edits, back to front.
pub fn apply_edits(text: &str, mut edits: Vec<(Span, String)>) -> String {
    edits.sort_by(|a, b| b.0.start.cmp(&a.0.start).then(b.0.end.cmp(&a.0.end)));
    let mut out = text.to_string();
    for (span, new_text) in edits {
        out.replace_range(span.start..span.end, &new_text);
    }
    out
}

/// Write through a temporary file in the same folder, renamed over the
/// original, keeping its permissions.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = path.with_file_name(format!(".{name}.specls-fix-{}", std::process::id()));
    let result = (|| {
        std::fs::write(&temporary, text)?;
        if let Ok(metadata) = std::fs::metadata(path) {
            std::fs::set_permissions(&temporary, metadata.permissions())?;
        }
        std::fs::rename(&temporary, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::analysis::{Fix, Severity};
    use crate::cli::check::CheckedFeature;
    use crate::model::kind::DocumentKind;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("specls-fix-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// A feature of one file written to disk, with diagnostics built by `make`.
    fn report_of(dir: &Path, rel: &str, text: &str, make: impl Fn(&Arc<str>) -> Vec<Diagnostic>) -> Report {
        let path = dir.join(rel);
        std::fs::write(&path, text).unwrap();
        let mut feature = Feature::new(dir.to_path_buf());
        let kind = DocumentKind::of_path(Path::new(rel)).unwrap();
        feature.upsert(FeatureFile::from_text(path, rel, kind, text));
        let file = feature.files[0].rel.clone();
        Report { features: vec![CheckedFeature { feature, diagnostics: make(&file) }], ..Report::default() }
    }

    fn diagnostic(
        file: &Arc<str>,
        applicability: Applicability,
        edits: &[(usize, usize, &str)],
    ) -> Diagnostic {
        let fix = Fix {
            title: "fix".into(),
            applicability,
            edits: edits
                .iter()
                .map(|&(start, end, text)| FileEdit {
                    file: file.clone(),
                    span: Span::new(start, end),
                    new_text: text.into(),
                })
                .collect(),
        };
        Diagnostic::new(Severity::Warning, file, Span::new(edits[0].0, edits[0].1), "m").with_fix(fix)
    }

    #[test]
    fn safe_fixes_are_applied_back_to_front_and_unsafe_ones_never() {
        let dir = temp_dir("apply");
        let text = "- [ ] T1 a\r\n- [ ] T2 b\r\n";
        let report = report_of(&dir, "tasks.md", text, |f| {
            vec![
                diagnostic(f, Applicability::Safe, &[(6, 8, "T001")]),
                diagnostic(f, Applicability::Safe, &[(18, 20, "T002")]),
                diagnostic(f, Applicability::Unsafe, &[(0, 1, "*")]),
            ]
        });
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report, &mut fixed), 2);
        assert_eq!(
            std::fs::read_to_string(dir.join("tasks.md")).unwrap(),
            "- [ ] T001 a\r\n- [ ] T002 b\r\n"
        );
        assert_eq!(fixed.per_file.get(&dir.join("tasks.md")), Some(&2));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn overlapping_fixes_wait_and_identical_edits_count_once() {
        let dir = temp_dir("overlap");
        let text = "abcdef\n";
        let report = report_of(&dir, "tasks.md", text, |f| {
            vec![
                diagnostic(f, Applicability::Safe, &[(0, 3, "X")]),
                diagnostic(f, Applicability::Safe, &[(2, 4, "Y")]),
                diagnostic(f, Applicability::Safe, &[(0, 3, "X")]),
                diagnostic(f, Applicability::Safe, &[(4, 4, "+"), (2, 3, "Z")]),
                diagnostic(f, Applicability::Safe, &[(6, 6, "!")]),
                diagnostic(f, Applicability::Safe, &[(6, 6, "?")]),
            ]
        });
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report, &mut fixed), 3);
        assert_eq!(std::fs::read_to_string(dir.join("tasks.md")).unwrap(), "Xdef!\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn files_that_are_not_what_was_read_are_left_alone() {
        let dir = temp_dir("untouched");
        let report = report_of(&dir, "tasks.md", "abc\n", |f| {
            vec![diagnostic(f, Applicability::Safe, &[(0, 1, "X")])]
        });
        std::fs::write(dir.join("tasks.md"), b"abc\xff\n").unwrap();
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report, &mut fixed), 0);
        assert_eq!(std::fs::read(dir.join("tasks.md")).unwrap(), b"abc\xff\n");
        assert_eq!(fixed.skipped.len(), 1);

        std::fs::create_dir_all(dir.join("contracts")).unwrap();
        let broken = "openapi: 3.0.0\npaths: [\n";
        let report = report_of(&dir, "contracts/api.yaml", broken, |f| {
            vec![diagnostic(f, Applicability::Safe, &[(0, 1, "X")])]
        });
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report, &mut fixed), 0);
        assert_eq!(std::fs::read_to_string(dir.join("contracts/api.yaml")).unwrap(), broken);
        assert!(fixed.skipped[0].1.starts_with("it does not parse"), "{:?}", fixed.skipped);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn edits_outside_the_text_or_inside_a_character_are_refused() {
        let dir = temp_dir("bounds");
        let report = report_of(&dir, "tasks.md", "é\n", |f| {
            vec![
                diagnostic(f, Applicability::Safe, &[(1, 2, "X")]),
                diagnostic(f, Applicability::Safe, &[(5, 9, "X")]),
            ]
        });
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report, &mut fixed), 0);
        assert_eq!(std::fs::read_to_string(dir.join("tasks.md")).unwrap(), "é\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
