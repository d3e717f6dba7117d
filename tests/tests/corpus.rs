//! Real feature folders from public projects (`../shared/corpus`, read in
//! place, never copied): everything parses, no task line is lost, and the
//! per-folder counts are snapshotted so a change in understanding shows.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use specls::fuzzing::fix_safety::{FixSafety, check_safe_fixes};
use specls::fuzzing::seeds::{crlf_with_bom, read_folder};
use specls::model::file::MarkdownFile;
use specls::model::ids::parse_task_id;
use specls::model::tasks::TasksDoc;
use specls::workspace::discovery::discover_features;

use specls_tests::{corpus, read_lossy as read};

/// IDs on the file's own canonical lines (`- [ ] T012 ...`, the
/// manifest's definition of a task line), outside fenced code and HTML
/// comments.
fn canonical_ids(text: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let (mut fence, mut comment) = (None::<String>, false);
    for line in text.lines() {
        let trimmed = line.trim_start();
        if comment {
            comment = !trimmed.contains("-->");
            continue;
        }
        if let Some(open) = &fence {
            if trimmed.starts_with(open.as_str()) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fence = Some(trimmed.chars().take_while(|c| *c == '`' || *c == '~').collect());
            continue;
        }
        if trimmed.starts_with("<!--") && !trimmed.contains("-->") {
            comment = true;
            continue;
        }
        for checkbox in ["- [ ] ", "- [x] ", "- [X] "] {
            if let Some(rest) = trimmed.strip_prefix(checkbox)
                && let Some((id, _)) = parse_task_id(rest, false)
            {
                ids.insert(id.text.to_string());
            }
        }
    }
    ids
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_markdown_file_parses_and_every_canonical_task_line_is_found() {
    let Some(root) = corpus() else { return };
    let mut files = Vec::new();
    files_under(&root, &mut files);
    files.sort();
    let mut tasks_files = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "md")) {
        let text = read(path);
        let file = MarkdownFile::load(&text);
        let doc = TasksDoc::from_blocks(file.blocks());
        if path.file_name().is_some_and(|n| n == "tasks.md") {
            tasks_files += 1;
            let found: BTreeSet<String> = doc.tasks.iter().map(|t| t.id().text.to_string()).collect();
            let missing: Vec<_> = canonical_ids(&text).difference(&found).cloned().collect();
            assert!(missing.is_empty(), "{}: canonical task lines not found: {missing:?}", path.display());
        }
    }
    assert!(tasks_files >= 30, "the corpus holds {tasks_files} tasks.md files");
}

#[test]
fn per_folder_counts() {
    let Some(root) = corpus() else { return };
    let mut report = String::new();
    for feature in discover_features(&root) {
        let tasks_path = feature.join("tasks.md");
        let name = feature.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        if !tasks_path.is_file() {
            let _ = writeln!(report, "{name}: no tasks.md");
            continue;
        }
        let file = MarkdownFile::load(&read(&tasks_path));
        let doc = TasksDoc::from_blocks(file.blocks());
        let done = doc.tasks.iter().filter(|t| t.done()).count();
        let parallel = doc.tasks.iter().filter(|t| t.parallel).count();
        let canonical = doc.tasks.iter().filter(|t| t.is_canonical()).count();
        let _ = writeln!(
            report,
            "{name}: phases {} tasks {} done {done} parallel {parallel} canonical {canonical} edges {}",
            doc.phases.len(),
            doc.tasks.len(),
            doc.edges.len()
        );
    }
    insta::assert_snapshot!("corpus_counts", report);
}

/// Every safe fix over every corpus feature, as written and with CRLF line
/// breaks, a BOM and no final newline: each fix alone (the first two of
/// each rule per feature: each costs an analysis) changes only its ranges
/// and clears its finding; `check --fix`'s rounds change only the
/// fix ranges, leave nothing to fix but what waited for a collision, end,
/// and keep each file's layout (`specls::fuzzing::fix_safety`).
#[test]
fn safe_fixes_over_the_corpus_are_safe() {
    let Some(root) = corpus() else { return };
    let mut total = FixSafety::default();
    let features = discover_features(&root);
    for feature in &features {
        let folder = read_folder(feature);
        for variant in [crlf_with_bom(&folder), folder] {
            total += check_safe_fixes(&variant, 2);
        }
    }
    eprintln!("fix safety over {} corpus features: {total:?}", features.len());
    assert!(total.alone >= 50, "too few safe fixes in the corpus: {total:?}");
}
