//! `check --fix`: apply the fixes marked [`Applicability::Safe`] to the
//! files on disk.
//!
//! Rules of the road, in order of importance:
//! - never lose text: a file is written only when its bytes on disk are
//!   exactly the text that was analysed (valid UTF-8, not changed since,
//!   and for YAML/JSON contracts, parsed without error), and through a
//!   temporary file renamed over it, so a failed write or a crash leaves
//!   the old file;
//! - never write anything but the file itself: a symbolic link, a
//!   read-only file and a file with other hard links are reported and left
//!   alone (exit 2); the temporary file is created exclusively under a
//!   random name (no planted link can redirect it), and gets the original's
//!   permissions, owner and group before it replaces it;
//! - a fix is applied whole or not at all: when one of its edits overlaps
//!   an edit already taken this round, or touches a file that cannot be
//!   fixed, the fix waits for the next round (after a re-check) or is left;
//! - edits are applied back to front, byte for byte: line breaks are the
//!   ones the edits carry, so CRLF files stay CRLF when the rule wrote CRLF.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use std::sync::Arc;

use super::{CheckedFeature, Report};
use crate::analysis::{Applicability, Diagnostic, FileEdit, edits_collide};
use crate::model::feature::{DocModel, Feature, FeatureFile};
use crate::model::kind::DocumentKind;
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
    /// `--diff`: each changed file's text before its first fix.
    pub originals: BTreeMap<PathBuf, String>,
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
    rel: Arc<str>,
    kind: DocumentKind,
    text: String,
    edits: Vec<(Span, String)>,
    /// Diagnostics fixed in this file.
    fixed: usize,
}

/// Where a round's fixed texts go.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// `--fix`: the files on disk, when they are exactly what was analysed.
    Disk,
    /// `--diff`: the features in memory; nothing is written.
    Memory,
}

/// Apply every safe fix of `report` that does not collide with another;
/// returns how many diagnostics were fixed this round.
pub fn apply_safe_fixes(report: &Report, fixed: &mut Fixed) -> usize {
    let mut applied = 0;
    for checked in &report.features {
        let (targets, taken) = plan_round(checked, fixed, Destination::Disk);
        applied += taken;
        for target in targets {
            let Target { path, text, edits, fixed: count, .. } = target;
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

/// `--diff`: one round of [`apply_safe_fixes`] applied to the features in
/// memory instead of the disk; each changed feature is analysed again with
/// `reanalyse`. The text a file had before its first fix goes to
/// `fixed.originals`. Returns how many diagnostics were fixed this round.
pub fn apply_safe_fixes_in_memory(
    report: &mut Report,
    fixed: &mut Fixed,
    reanalyse: &mut dyn FnMut(&Feature) -> anyhow::Result<Vec<Diagnostic>>,
) -> anyhow::Result<usize> {
    let mut applied = 0;
    for checked in &mut report.features {
        let (targets, taken) = plan_round(checked, fixed, Destination::Memory);
        applied += taken;
        let mut changed = false;
        for target in targets {
            let Target { path, rel, kind, text, edits, fixed: count } = target;
            let new_text = apply_edits(&text, edits);
            if new_text == text {
                applied -= count.min(applied);
                continue;
            }
            *fixed.per_file.entry(path.clone()).or_default() += count;
            fixed.originals.entry(path.clone()).or_insert(text);
            checked.feature.upsert(FeatureFile::from_text(path, &rel, kind, &new_text));
            changed = true;
        }
        if changed {
            checked.diagnostics = reanalyse(&checked.feature)?;
            if let Some(only) = &checked.only {
                checked.diagnostics.retain(|d| only.iter().any(|rel| *rel == *d.file));
            }
        }
    }
    Ok(applied)
}

/// The files one feature's safe fixes change this round, with their
/// edits, and how many diagnostics those fixes fix.
fn plan_round(checked: &CheckedFeature, fixed: &mut Fixed, destination: Destination) -> (Vec<Target>, usize) {
    let mut taken = 0;
    let mut diagnostics: Vec<&Diagnostic> = checked.diagnostics.iter().collect();
    diagnostics.sort_by(|a, b| (&a.file, a.span.start, a.code).cmp(&(&b.file, b.span.start, b.code)));
    let mut targets: HashMap<&str, Option<Target>> = HashMap::new();
    for diagnostic in diagnostics {
        let Some(fix) = &diagnostic.fix else { continue };
        if fix.applicability != Applicability::Safe || fix.edits.is_empty() {
            continue;
        }
        if take_fix(&checked.feature, &fix.edits, &mut targets, fixed, destination) {
            taken += 1;
        }
    }
    let mut targets: Vec<Target> = targets.into_values().flatten().filter(|t| !t.edits.is_empty()).collect();
    targets.sort_by(|a, b| a.path.cmp(&b.path));
    (targets, taken)
}

/// Take the edits of one fix into `targets` if all of them fit.
fn take_fix<'f>(
    feature: &'f Feature,
    edits: &[FileEdit],
    targets: &mut HashMap<&'f str, Option<Target>>,
    fixed: &mut Fixed,
    destination: Destination,
) -> bool {
    // Every file of the fix must be fixable, every edit valid and free.
    let mut fresh: Vec<(&str, Span, &str)> = Vec::new();
    let mut touched: Vec<&str> = Vec::new();
    for edit in edits {
        let Some(file) = feature.file(&edit.file) else { return false };
        let target = targets.entry(&file.rel).or_insert_with(|| {
            if fixed.failed.iter().any(|(p, _)| *p == file.path) {
                return None; // a write failed or was refused in an earlier round
            }
            let text = match destination {
                Destination::Disk => fixable(file),
                Destination::Memory => parsed_text(file),
            };
            match text {
                Ok(text) => Some(Target {
                    path: file.path.clone(),
                    rel: file.rel.clone(),
                    kind: file.kind,
                    text,
                    edits: Vec::new(),
                    fixed: 0,
                }),
                Err(NotFixable::Skip(reason)) => {
                    fixed.skip(&file.path, reason);
                    None
                }
                Err(NotFixable::Refuse(reason)) => {
                    fixed.failed.push((file.path.clone(), reason));
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
        if taken.chain(mine).any(|other| edits_collide(other, span)) {
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

/// Why a file with fixes is not written.
enum NotFixable {
    /// Its text is not what was analysed: a warning, the run goes on.
    Skip(String),
    /// Writing it would change more than its text (a link's target, a
    /// read-only file, other hard links): an error, exit 2.
    Refuse(String),
}

/// The text on disk, when the file may be rewritten.
fn fixable(file: &FeatureFile) -> Result<String, NotFixable> {
    parsed_text(file)?;
    let metadata = std::fs::symlink_metadata(&file.path)
        .map_err(|err| NotFixable::Skip(format!("cannot read it: {err}")))?;
    refuse_unwritable(&metadata).map_err(NotFixable::Refuse)?;
    let bytes =
        std::fs::read(&file.path).map_err(|err| NotFixable::Skip(format!("cannot read it: {err}")))?;
    let text = String::from_utf8(bytes).map_err(|_| NotFixable::Skip("it is not valid UTF-8".to_string()))?;
    if text != file.document.text() {
        return Err(NotFixable::Skip("it changed on disk while specls ran".to_string()));
    }
    Ok(text)
}

/// The analysed text, unless the file is a contract that does not parse
/// (its spans may not mean what the fix thinks).
fn parsed_text(file: &FeatureFile) -> Result<String, NotFixable> {
    if let DocModel::Contract(doc) = &file.model
        && let Some((message, _)) = &doc.parse_error
    {
        return Err(NotFixable::Skip(format!("it does not parse ({message})")));
    }
    Ok(file.document.text())
}

/// Files `--fix` leaves alone whatever their findings: replacing a symbolic
/// link would turn it into a file (and writing through it could reach
/// anything the user can write), a read-only file says "do not change me",
/// and renaming over a file with other hard links would split them.
fn refuse_unwritable(metadata: &std::fs::Metadata) -> Result<(), String> {
    if metadata.file_type().is_symlink() {
        return Err("it is a symbolic link, not fixed (specls never writes through links)".to_string());
    }
    if !metadata.is_file() {
        return Err("it is not a regular file, not fixed".to_string());
    }
    if metadata.permissions().readonly() {
        return Err("it is read-only, not fixed".to_string());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if metadata.nlink() > 1 {
            return Err(format!(
                "it has {} hard links, not fixed (a new file would split them)",
                metadata.nlink()
            ));
        }
    }
    Ok(())
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

/// Replace the file at `path` with `text`, atomically.
fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(text.as_bytes()))
}

/// Replace the file at `path` with what `fill` writes: into a new file
/// created exclusively under a random name in the same folder (so the
/// rename cannot cross file systems and no existing file or link is
/// opened), given the original's permissions, owner and group, flushed to
/// disk, then renamed over `path`. Any failure before the rename, a crash
/// included, leaves the original as it was; `rename` replaces a link
/// planted at `path` meanwhile instead of writing through it.
fn write_atomically_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let original = std::fs::symlink_metadata(path)?;
    if let Err(reason) = refuse_unwritable(&original) {
        return Err(Error::new(ErrorKind::PermissionDenied, reason));
    }
    // Dropped on any error below: the temporary file is removed.
    let mut temporary =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".specls-fix").tempfile_in(folder)?;
    fill(temporary.as_file_mut())?;
    keep_owner(temporary.as_file(), &original)?;
    temporary.as_file().set_permissions(original.permissions())?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|err| err.error)?;
    Ok(())
}

/// Give the new file the original's owner and group; when that is not
/// allowed (a file of another user, a group we are not in), refuse rather
/// than change who owns the file.
#[cfg(unix)]
fn keep_owner(file: &std::fs::File, original: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let current = file.metadata()?;
    if (current.uid(), current.gid()) == (original.uid(), original.gid()) {
        return Ok(());
    }
    std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())).map_err(|err| {
        std::io::Error::new(err.kind(), format!("cannot keep its owner and group ({err}), not fixed"))
    })
}

#[cfg(not(unix))]
fn keep_owner(_: &std::fs::File, _: &std::fs::Metadata) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Fix, Severity};

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
        let checked = CheckedFeature { feature, diagnostics: make(&file), only: None };
        Report { features: vec![checked], ..Report::default() }
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
        assert_eq!(fixed.skipped, [(dir.join("tasks.md"), "it is not valid UTF-8".to_string())]);

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

    /// A report over `tasks.md` in `dir` (already on disk) whose one safe
    /// fix turns its `a` into `X`.
    fn report_on_disk(dir: &Path, text: &str) -> Report {
        let mut feature = Feature::new(dir.to_path_buf());
        feature.upsert(FeatureFile::from_text(dir.join("tasks.md"), "tasks.md", DocumentKind::Tasks, text));
        let file = feature.files[0].rel.clone();
        let diagnostics = vec![diagnostic(&file, Applicability::Safe, &[(0, 1, "X")])];
        Report { features: vec![CheckedFeature { feature, diagnostics, only: None }], ..Report::default() }
    }

    #[cfg(unix)]
    #[test]
    fn a_symlinked_file_is_refused_and_its_target_left_alone() {
        let dir = temp_dir("symlink");
        let outside = temp_dir("symlink-outside");
        std::fs::write(outside.join("victim.md"), "abc\n").unwrap();
        std::os::unix::fs::symlink(outside.join("victim.md"), dir.join("tasks.md")).unwrap();
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report_on_disk(&dir, "abc\n"), &mut fixed), 0);
        assert_eq!(std::fs::read_to_string(outside.join("victim.md")).unwrap(), "abc\n");
        assert!(std::fs::symlink_metadata(dir.join("tasks.md")).unwrap().file_type().is_symlink());
        let [(path, reason)] = fixed.failed.as_slice() else { panic!("one failure: {fixed:?}") };
        assert_eq!(path, &dir.join("tasks.md"));
        assert!(reason.contains("symbolic link"), "{reason}");
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn links_planted_next_to_the_file_are_never_written_through() {
        let dir = temp_dir("planted");
        let outside = temp_dir("planted-outside");
        std::fs::write(outside.join("victim"), "keep\n").unwrap();
        std::fs::write(dir.join("tasks.md"), "abc\n").unwrap();
        // The old fixed temporary name, and a few a guesser might plant.
        for name in [
            format!(".tasks.md.specls-fix-{}", std::process::id()),
            ".tasks.md.specls-fix".to_string(),
            ".tasks.md.tmp".to_string(),
        ] {
            std::os::unix::fs::symlink(outside.join("victim"), dir.join(name)).unwrap();
        }
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report_on_disk(&dir, "abc\n"), &mut fixed), 1);
        assert_eq!(std::fs::read_to_string(dir.join("tasks.md")).unwrap(), "Xbc\n");
        assert!(std::fs::symlink_metadata(dir.join("tasks.md")).unwrap().is_file());
        assert_eq!(std::fs::read_to_string(outside.join("victim")).unwrap(), "keep\n");
        // No temporary file is left behind: the folder holds tasks.md and the links.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 4);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&outside).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn read_only_files_are_refused_and_permissions_otherwise_kept() {
        use std::os::unix::fs::PermissionsExt;
        let dir = temp_dir("modes");
        std::fs::write(dir.join("tasks.md"), "abc\n").unwrap();
        std::fs::set_permissions(dir.join("tasks.md"), std::fs::Permissions::from_mode(0o444)).unwrap();
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report_on_disk(&dir, "abc\n"), &mut fixed), 0);
        assert_eq!(std::fs::read_to_string(dir.join("tasks.md")).unwrap(), "abc\n");
        let [(path, reason)] = fixed.failed.as_slice() else { panic!("one failure: {fixed:?}") };
        assert_eq!(path, &dir.join("tasks.md"));
        assert!(reason.contains("read-only, not fixed"), "{reason}");

        std::fs::set_permissions(dir.join("tasks.md"), std::fs::Permissions::from_mode(0o640)).unwrap();
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report_on_disk(&dir, "abc\n"), &mut fixed), 1);
        assert_eq!(std::fs::read_to_string(dir.join("tasks.md")).unwrap(), "Xbc\n");
        let mode = std::fs::metadata(dir.join("tasks.md")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn hard_linked_files_are_refused() {
        let dir = temp_dir("hardlink");
        std::fs::write(dir.join("tasks.md"), "abc\n").unwrap();
        std::fs::hard_link(dir.join("tasks.md"), dir.join("copy.md")).unwrap();
        let mut fixed = Fixed::default();
        assert_eq!(apply_safe_fixes(&report_on_disk(&dir, "abc\n"), &mut fixed), 0);
        assert_eq!(std::fs::read_to_string(dir.join("copy.md")).unwrap(), "abc\n");
        assert!(fixed.failed[0].1.contains("hard links"), "{fixed:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_write_that_fails_half_way_leaves_the_original_and_no_temporary_file() {
        let dir = temp_dir("crash");
        let path = dir.join("tasks.md");
        std::fs::write(&path, "the original\n").unwrap();
        let result = write_atomically_with(&path, |file| {
            file.write_all(b"the new te")?;
            Err(std::io::Error::other("disk full"))
        });
        assert_eq!(result.unwrap_err().to_string(), "disk full");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the original\n");
        let names: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["tasks.md"]);
        write_atomically(&path, "the new text\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "the new text\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
