//! Document links: paths named in a document that exist on disk become
//! clickable; `path/to/file.ts:101-104` opens the file at line 101.
//!
//! The disk is not ours to touch here: the caller says whether a path
//! exists, and where. A target is shown without `.` and `..`, and one
//! that lies outside the folders the caller allows (the workspace) is no
//! link: `../../etc/passwd` in a document opens nothing.

use std::path::{Component, Path, PathBuf};

use crate::model::feature::{DocModel, Feature};
use crate::model::scan::MentionKind;
use crate::syntax::BlockKind;
use crate::text::Span;

/// A clickable path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub span: Span,
    pub target: PathBuf,
    /// 1-based line to open at (`file.ts:101`).
    pub line: Option<u32>,
}

/// Links of file `rel` for the paths `exists` resolves (it gets the path
/// as written, without a `:line` suffix, and answers where it is) to a
/// place inside one of `inside`.
pub fn document_links(
    feature: &Feature,
    rel: &str,
    exists: &dyn Fn(&str) -> Option<PathBuf>,
    inside: &[PathBuf],
) -> Vec<Link> {
    let Some(file) = feature.file(rel) else { return Vec::new() };
    let Some(blocks) = file.blocks.as_deref() else { return Vec::new() };
    let mut named: Vec<(Span, &str, Option<u32>)> = Vec::new();
    for block in blocks.iter() {
        if matches!(block.scan.kind, BlockKind::Html | BlockKind::FrontMatter) {
            continue;
        }
        for mention in &block.scan.mentions {
            if let MentionKind::Path { path } = &mention.kind {
                let line = line_after(&block.scan.text[mention.span.end..]);
                named.push((block.abs(mention.span), path, line));
            }
        }
    }
    // The project tree of plan.md names entries relative to their parent:
    // link the entry to its full path.
    if let DocModel::Plan(plan) = &file.model {
        named.retain(|(span, ..)| !plan.structure.iter().any(|s| s.in_tree && s.span.intersects(*span)));
        named.extend(plan.structure.iter().filter(|s| s.in_tree).map(|s| (s.span, &*s.path, None)));
        named.sort_by_key(|(span, ..)| span.start);
    }
    named
        .into_iter()
        .filter_map(|(span, path, line)| {
            let target = exists(path).and_then(|target| lexically_normal(&target))?;
            inside.iter().any(|root| target.starts_with(root)).then_some(Link { span, target, line })
        })
        .collect()
}

/// `path` with its `.` and `..` components resolved by name, without the
/// disk; `None` when a `..` would climb above its root. A path without
/// them is kept as it is (with its trailing `/`).
pub fn lexically_normal(path: &Path) -> Option<PathBuf> {
    if !path.components().any(|c| matches!(c, Component::CurDir | Component::ParentDir)) {
        return Some(path.to_path_buf());
    }
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let climbed = matches!(out.components().next_back(), Some(Component::Normal(_))) && out.pop();
                if !climbed {
                    return None;
                }
            }
            other => out.push(other),
        }
    }
    Some(out)
}

/// The line of `:101` or `:101-104` right after a path.
fn line_after(rest: &str) -> Option<u32> {
    let digits = rest.strip_prefix(':')?;
    let end = digits.bytes().take_while(u8::is_ascii_digit).count();
    digits[..end].parse().ok().filter(|&line| line > 0)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::testing::feature;

    #[test]
    fn only_existing_paths_link() {
        let tasks = "- [ ] T001 Edit src/app.py and src/missing.py\n- [ ] T002 Fix `web/help.ts:101-104` and web/help.ts:7\n\n<!-- src/app.py -->\n";
        let feature = feature(&[("tasks.md", tasks)]);
        let exists = |path: &str| {
            ["src/app.py", "web/help.ts"].contains(&path).then(|| PathBuf::from("/repo").join(path))
        };
        let file = feature.file("tasks.md").unwrap();
        let shown: Vec<String> = document_links(&feature, "tasks.md", &exists, &[PathBuf::from("/repo")])
            .iter()
            .map(|l| format!("{:?} -> {} line {:?}", file.document.slice(l.span), l.target.display(), l.line))
            .collect();
        expect![[r#"
            [
                "\"src/app.py\" -> /repo/src/app.py line None",
                "\"web/help.ts\" -> /repo/web/help.ts line Some(101)",
                "\"web/help.ts\" -> /repo/web/help.ts line Some(7)",
            ]
        "#]]
        .assert_debug_eq(&shown);
    }

    #[test]
    fn plan_tree_entries_link_to_their_full_path() {
        let plan = "# Plan\n\n## Project Structure\n\n```text\nbackend/\n├── src/\n│   └── models/\n└── tests/\n```\n";
        let feature = feature(&[("plan.md", plan)]);
        let exists = |path: &str| (path == "backend/src/models/").then(|| PathBuf::from("/repo").join(path));
        let file = feature.file("plan.md").unwrap();
        let shown: Vec<String> = document_links(&feature, "plan.md", &exists, &[PathBuf::from("/repo")])
            .iter()
            .map(|l| format!("{:?} -> {}", file.document.slice(l.span), l.target.display()))
            .collect();
        expect![[r#"
            [
                "\"models/\" -> /repo/backend/src/models/",
            ]
        "#]]
        .assert_debug_eq(&shown);
        assert_eq!(line_after(":12-14 x"), Some(12));
        assert_eq!(line_after(": x"), None);
    }

    #[test]
    fn targets_lose_dot_dot_and_stay_inside_the_workspace() {
        let tasks = "- [ ] T001 Edit ../src/app.py, ../../../etc/passwd and ./docs/./a.md\n";
        let feature = feature(&[("tasks.md", tasks)]);
        // As the server resolves: against the feature folder.
        let exists = |path: &str| Some(PathBuf::from("/repo/specs/001-a").join(path));
        let targets: Vec<PathBuf> = document_links(&feature, "tasks.md", &exists, &[PathBuf::from("/repo")])
            .into_iter()
            .map(|l| l.target)
            .collect();
        assert_eq!(
            targets,
            [PathBuf::from("/repo/specs/src/app.py"), PathBuf::from("/repo/specs/001-a/docs/a.md")]
        );
        assert_eq!(lexically_normal(Path::new("/a/../../b")), None);
        assert_eq!(lexically_normal(Path::new("/a/./b/../c")), Some(PathBuf::from("/a/c")));
    }
}
