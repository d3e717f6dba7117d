//! Quick fixes that add whole lines: new task lines at the end of a phase
//! or subsection, phase skeletons, with free task IDs that keep document
//! order and file names that follow the ones the document already uses.
//!
//! Every edit here is an insertion at a line boundary that ends with the
//! document's own line break (CRLF documents get CRLF), so every line that
//! was there stays byte for byte what it was.

use std::collections::HashMap;

use crate::analysis::FileEdit;
use crate::model::feature::FeatureFile;
use crate::model::ids::TaskKey;
use crate::model::tasks::TasksDoc;
use crate::text::{Document, Span};

use super::fixes::next_id_after_all;

/// The line break `document` uses: CRLF when its first line break is one.
pub fn line_ending(document: &Document) -> &'static str {
    let line = document.full_line_span(0);
    if document.slice(line).ends_with("\r\n") { "\r\n" } else { "\n" }
}

/// Where inserted lines go, by zero-based line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinePosition {
    After(usize),
    Before(usize),
}

/// An edit inserting `lines` as whole lines at `position`.
pub fn insert_lines(file: &FeatureFile, position: LinePosition, lines: &[String]) -> FileEdit {
    let document = &file.document;
    let eol = line_ending(document);
    let body = lines.join(eol);
    let (at, new_text) = match position {
        LinePosition::Before(line) => (document.line_start(line), format!("{body}{eol}")),
        LinePosition::After(line) => {
            let own = document.line_span(line);
            let full = document.full_line_span(line);
            if full.end > own.end {
                (full.end, format!("{body}{eol}"))
            } else if own.is_empty() && line > 0 {
                // The empty line after a final line break.
                (own.start, format!("{body}{eol}"))
            } else {
                // The last line has no line break: give it one.
                (own.end, format!("{eol}{body}"))
            }
        }
    };
    FileEdit { file: file.rel.clone(), span: Span::empty(at), new_text }
}

/// Where new task lines go in tasks.md, the task they follow and the story
/// label they carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskSlot {
    pub position: LinePosition,
    /// The task right before the new lines in document order (their IDs
    /// follow its ID).
    pub anchor: Option<usize>,
    pub story: Option<u32>,
    /// Indentation and list marker of the neighbouring task: `- `.
    pub bullet: String,
}

impl TaskSlot {
    /// After the last of `tasks` (details included), or right under
    /// `heading` when `tasks` is empty.
    pub fn at_end(
        file: &FeatureFile,
        doc: &TasksDoc,
        tasks: &[usize],
        heading: Span,
        story: Option<u32>,
    ) -> Self {
        let document = &file.document;
        match tasks.last() {
            Some(&last) => {
                let extent = doc.tasks[last].extent;
                let text = document.slice(extent);
                let end = extent.start + text.trim_end().len();
                let line = document.line_of(end.saturating_sub(1).max(extent.start));
                TaskSlot {
                    position: LinePosition::After(line),
                    anchor: Some(last),
                    story,
                    bullet: bullet_of(file, doc, last),
                }
            }
            None => {
                let last = doc.tasks.iter().rev().position(|t| t.extent.end <= heading.start);
                let anchor = last.map(|from_end| doc.tasks.len() - 1 - from_end);
                let bullet = anchor.map_or_else(|| "- ".to_string(), |a| bullet_of(file, doc, a));
                let line = document.line_of(heading.start);
                TaskSlot { position: LinePosition::After(line), anchor, story, bullet }
            }
        }
    }

    /// Right before task `index`'s line.
    pub fn before(file: &FeatureFile, doc: &TasksDoc, index: usize, story: Option<u32>) -> Self {
        let line = file.document.line_of(doc.tasks[index].block.start);
        TaskSlot {
            position: LinePosition::Before(line),
            anchor: index.checked_sub(1),
            story,
            bullet: bullet_of(file, doc, index),
        }
    }
}

/// The indentation and marker of task `index`'s line (`- `, `  * `);
/// `- ` for heading tasks and numbered items.
fn bullet_of(file: &FeatureFile, doc: &TasksDoc, index: usize) -> String {
    let line = file.document.line_text(file.document.line_of(doc.tasks[index].block.start));
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    match rest.as_bytes() {
        [marker @ (b'-' | b'*' | b'+'), b' ', ..] => format!("{}{} ", &line[..indent], *marker as char),
        _ => "- ".to_string(),
    }
}

/// IDs for `count` new tasks placed right after task `anchor`: the next
/// numbers when no task uses them (`T010`, `T011`), else letters on the
/// anchor's number (`T009a`, `T009b`: suffix IDs right after their base
/// keep the order), else numbers after every existing ID. Never an ID a
/// task already has. `taken` is the key of every task, in document order
/// (an analysis has them at hand).
pub fn fresh_ids(taken: &[TaskKey], anchor: Option<usize>, count: usize) -> Vec<String> {
    let used = |number: u32| taken.iter().any(|k| k.number == number);
    if let Some(key) = anchor.map(|a| taken[a]).filter(|k| k.minor.is_none()) {
        if key.is_plain() && (1..=count as u32).all(|k| !used(key.number + k)) {
            return (1..=count as u32).map(|k| format!("T{:03}", key.number + k)).collect();
        }
        let last_letter = taken
            .iter()
            .filter(|k| k.number == key.number && k.minor.is_none())
            .filter_map(|k| k.suffix)
            .max();
        let first = last_letter.map_or(b'A', |l| l + 1);
        if first as usize + count <= b'Z' as usize + 1 {
            return (0..count as u8)
                .map(|i| format!("T{:03}{}", key.number, (first + i).to_ascii_lowercase() as char))
                .collect();
        }
    }
    let start = next_id_after_all(taken).number;
    (0..count as u32).map(|k| format!("T{:03}", start + k)).collect()
}

/// `- [ ] T010 [P] [US1] Description`.
pub fn task_line(bullet: &str, id: &str, parallel: bool, story: Option<u32>, description: &str) -> String {
    let mut line = format!("{bullet}[ ] {id}");
    if parallel {
        line.push_str(" [P]");
    }
    if let Some(story) = story {
        line.push_str(&format!(" [US{story}]"));
    }
    line.push(' ');
    line.push_str(description);
    line
}

/// One task to add: whether it may run in parallel, and its description.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTask {
    pub parallel: bool,
    pub description: String,
}

/// The edit adding `tasks` at `slot`, with fresh IDs ([`fresh_ids`] of
/// `taken`).
pub fn insert_tasks(file: &FeatureFile, taken: &[TaskKey], slot: &TaskSlot, tasks: &[NewTask]) -> FileEdit {
    let ids = fresh_ids(taken, slot.anchor, tasks.len());
    let lines: Vec<String> = tasks
        .iter()
        .zip(&ids)
        .map(|(task, id)| task_line(&slot.bullet, id, task.parallel, slot.story, &task.description))
        .collect();
    insert_lines(file, slot.position, &lines)
}

/// How words are joined into a file name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    Snake,
    Kebab,
    Camel,
    Pascal,
}

impl Case {
    pub fn join(self, words: &[String]) -> String {
        let cap = |w: &String| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        };
        match self {
            Case::Snake => words.join("_"),
            Case::Kebab => words.join("-"),
            Case::Pascal => words.iter().map(cap).collect(),
            Case::Camel => {
                words.iter().enumerate().map(|(i, w)| if i == 0 { w.clone() } else { cap(w) }).collect()
            }
        }
    }

    /// The case a language names files in when one word shows nothing.
    fn for_extension(ext: &str) -> Case {
        match ext {
            "ts" | "tsx" | "js" | "jsx" | "mjs" | "vue" | "svelte" => Case::Kebab,
            "kt" | "java" | "cs" | "swift" | "scala" => Case::Pascal,
            _ => Case::Snake,
        }
    }
}

/// How a project names files of one kind, learned from an example:
/// `tests/contract/test_users_post.py` gives directory `tests/contract/`,
/// prefix `test_`, snake case and `.py`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NamePattern {
    /// Ends with `/` unless empty.
    pub dir: String,
    pub prefix: String,
    pub suffix: String,
    pub case: Case,
    /// Everything from the name's first dot: `.py`, `.test.ts`.
    pub rest: String,
}

const PREFIXES: &[&str] = &["test_", "test-"];
const SUFFIXES: &[&str] = &[
    "_test", "-test", "_spec", "-spec", "Tests", "Test", "Spec", "_model", "-model", "Model", "Entity",
    "_entity",
];

impl NamePattern {
    /// The pattern of `path`; `None` for a directory or a name without an
    /// extension.
    pub fn learn(path: &str) -> Option<NamePattern> {
        let (dir, file) = match path.rfind('/') {
            Some(at) => (&path[..=at], &path[at + 1..]),
            None => ("", path),
        };
        let (name, rest) = file.split_once('.').map(|(n, r)| (n, format!(".{r}")))?;
        if name.is_empty() || rest.len() < 2 {
            return None;
        }
        let prefix =
            PREFIXES.iter().find(|p| name.starts_with(**p) && name.len() > p.len()).copied().unwrap_or("");
        let body = &name[prefix.len()..];
        let suffix =
            SUFFIXES.iter().find(|s| body.ends_with(**s) && body.len() > s.len()).copied().unwrap_or("");
        let body = &body[..body.len() - suffix.len()];
        let ext = rest.rsplit('.').next().unwrap_or("");
        let case = if body.contains('_') {
            Case::Snake
        } else if body.contains('-') {
            Case::Kebab
        } else if body.starts_with(|c: char| c.is_uppercase()) {
            Case::Pascal
        } else if body.contains(|c: char| c.is_uppercase()) {
            Case::Camel
        } else {
            Case::for_extension(ext)
        };
        Some(NamePattern { dir: dir.to_string(), prefix: prefix.into(), suffix: suffix.into(), case, rest })
    }

    /// The usual name of a test file in a language, in `dir`.
    pub fn test_file(dir: &str, ext: Option<&str>) -> NamePattern {
        let (prefix, suffix, rest) = match ext.unwrap_or("py") {
            "py" => ("test_", "", ".py".to_string()),
            ext @ ("ts" | "tsx" | "js" | "jsx" | "mjs") => ("", "", format!(".test.{ext}")),
            "go" => ("", "_test", ".go".into()),
            "dart" => ("", "_test", ".dart".into()),
            "rb" => ("", "_spec", ".rb".into()),
            "cs" | "swift" => ("", "Tests", format!(".{}", ext.unwrap_or("cs"))),
            ext @ ("kt" | "java" | "scala") => ("", "Test", format!(".{ext}")),
            ext => ("", "", format!(".{ext}")),
        };
        let case = Case::for_extension(rest.rsplit('.').next().unwrap_or(""));
        NamePattern { dir: with_slash(dir), prefix: prefix.into(), suffix: suffix.into(), case, rest }
    }

    /// The usual name of a source file in a language, in `dir`.
    pub fn source_file(dir: &str, ext: Option<&str>) -> NamePattern {
        let ext = ext.unwrap_or("py");
        NamePattern {
            dir: with_slash(dir),
            prefix: String::new(),
            suffix: String::new(),
            case: Case::for_extension(ext),
            rest: format!(".{ext}"),
        }
    }

    /// The path of a file named by `words` (lower-case).
    pub fn render(&self, words: &[String]) -> String {
        format!("{}{}{}{}{}", self.dir, self.prefix, self.case.join(words), self.suffix, self.rest)
    }
}

fn with_slash(dir: &str) -> String {
    if dir.is_empty() || dir.ends_with('/') { dir.to_string() } else { format!("{dir}/") }
}

/// Extensions of source files, the ones new file names may take.
const SOURCE_EXTENSIONS: &[&str] = &[
    "py", "ts", "tsx", "js", "jsx", "mjs", "cjs", "go", "rs", "java", "kt", "kts", "cs", "fs", "swift", "rb",
    "php", "dart", "scala", "c", "cc", "cpp", "cxx", "h", "hpp", "m", "mm", "ex", "exs", "erl", "vue",
    "svelte", "gs", "lua", "clj", "hs", "ml", "r", "jl", "zig", "nim", "cr", "groovy",
];

/// The most common source-file extension among `paths` (documentation,
/// configuration and data files left out): `py`, `ts`.
pub fn dominant_extension<'a>(paths: impl Iterator<Item = &'a str>) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut order = Vec::new();
    for path in paths {
        let file = path.rsplit('/').next().unwrap_or(path);
        let Some((_, ext)) = file.rsplit_once('.') else { continue };
        let ext = ext.to_ascii_lowercase();
        if !SOURCE_EXTENSIONS.contains(&ext.as_str()) {
            continue;
        }
        if !counts.contains_key(&ext) {
            order.push(ext.clone());
        }
        *counts.entry(ext).or_default() += 1;
    }
    // Ties go to the extension seen first.
    order.into_iter().max_by(|a, b| counts[a].cmp(&counts[b]).then(std::cmp::Ordering::Greater))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{apply_to, feature};

    fn tasks_file(text: &str) -> (crate::model::feature::Feature, String) {
        (feature(&[("tasks.md", text)]), text.to_string())
    }

    #[test]
    fn lines_go_after_a_line_with_the_documents_line_break() {
        for eol in ["\n", "\r\n"] {
            let text = format!("# T{eol}- [ ] T001 a{eol}- [ ] T002 b{eol}");
            let (feature, text) = tasks_file(&text);
            let file = feature.file("tasks.md").unwrap();
            let edit = insert_lines(file, LinePosition::After(1), &["x".into(), "y".into()]);
            assert_eq!(
                apply_to(&text, [&edit]),
                format!("# T{eol}- [ ] T001 a{eol}x{eol}y{eol}- [ ] T002 b{eol}")
            );
            let edit = insert_lines(file, LinePosition::Before(0), &["z".into()]);
            assert_eq!(apply_to(&text, [&edit]), format!("z{eol}{text}"));
        }
    }

    #[test]
    fn a_last_line_without_a_break_gets_one() {
        let (feature, text) = tasks_file("- [ ] T001 a\r\n- [ ] T002 b");
        let edit = insert_lines(feature.file("tasks.md").unwrap(), LinePosition::After(1), &["x".into()]);
        assert_eq!(apply_to(&text, [&edit]), "- [ ] T001 a\r\n- [ ] T002 b\r\nx");
        let (feature, text) = tasks_file("- [ ] T001 a\n");
        let edit = insert_lines(feature.file("tasks.md").unwrap(), LinePosition::After(1), &["x".into()]);
        assert_eq!(apply_to(&text, [&edit]), "- [ ] T001 a\nx\n");
    }

    #[test]
    fn ids_follow_the_anchor_without_reusing_any() {
        let (feature, _) = tasks_file("- [ ] T001 a\n- [ ] T002 b\n- [ ] T005 c\n");
        let keys = |feature: &crate::model::feature::Feature| {
            feature.tasks().unwrap().1.tasks.iter().map(|t| t.key()).collect::<Vec<_>>()
        };
        let taken = keys(&feature);
        assert_eq!(fresh_ids(&taken, Some(1), 2), ["T003", "T004"]);
        assert_eq!(fresh_ids(&taken, Some(1), 3), ["T002a", "T002b", "T002c"]);
        assert_eq!(fresh_ids(&taken, None, 1), ["T006"]);
        let (feature, _) = tasks_file("- [ ] T001 a\n- [ ] T001a b\n- [ ] T002 c\n");
        assert_eq!(fresh_ids(&keys(&feature), Some(1), 1), ["T001b"]);
    }

    #[test]
    fn slots_follow_details_and_keep_the_bullet() {
        let text = "## Phase 1\n\n  * [ ] T001 a\n    - **File**: x.py\n\n**Checkpoint**: done\n";
        let (feature, text) = tasks_file(text);
        let file = feature.file("tasks.md").unwrap();
        let (_, doc) = feature.tasks().unwrap();
        let slot = TaskSlot::at_end(file, doc, &doc.phases[0].tasks, doc.phases[0].heading, Some(2));
        let taken: Vec<TaskKey> = doc.tasks.iter().map(|t| t.key()).collect();
        let edit =
            insert_tasks(file, &taken, &slot, &[NewTask { parallel: true, description: "New".into() }]);
        assert_eq!(
            apply_to(&text, [&edit]),
            "## Phase 1\n\n  * [ ] T001 a\n    - **File**: x.py\n  * [ ] T002 [P] [US2] New\n\n**Checkpoint**: done\n"
        );
    }

    #[test]
    fn name_patterns_learn_prefix_case_and_extension() {
        let words: Vec<String> = ["users", "post"].iter().map(|w| w.to_string()).collect();
        let learn = |p: &str| NamePattern::learn(p).unwrap().render(&words);
        assert_eq!(learn("tests/contract/test_schools_get.py"), "tests/contract/test_users_post.py");
        assert_eq!(
            learn("backend/tests/contract/tasks.test.ts"),
            "backend/tests/contract/users-post.test.ts"
        );
        assert_eq!(learn("src/test/kotlin/JobOfferRoutesTest.kt"), "src/test/kotlin/UsersPostTest.kt");
        assert_eq!(learn("pkg/api/users_get_test.go"), "pkg/api/users_post_test.go");
        assert_eq!(NamePattern::learn("src/models/"), None);
        assert_eq!(
            NamePattern::test_file("tests/contract", Some("cs")).render(&words),
            "tests/contract/UsersPostTests.cs"
        );
    }

    #[test]
    fn the_dominant_extension_ignores_docs() {
        let paths = ["README.md", "src/a.py", "docs/b.md", "src/c.py", "x.ts", "Makefile.PHONY"];
        assert_eq!(dominant_extension(paths.into_iter()).as_deref(), Some("py"));
        assert_eq!(dominant_extension(["a.md", "b.phony"].into_iter()), None);
    }
}
