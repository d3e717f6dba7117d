//! Which words of a task description are file or directory paths.
//!
//! Tasks name files bare (`src/models/user.py`), backticked
//! (`` `backend/tests/` ``), as file names (`README.md`), with line numbers
//! (`useShortcutsHelp.ts:101-104`) or with template placeholders
//! (`src/app/[path].tsx`). Prose has look-alikes that are not paths:
//! `API/inference`, `iOS/Android`, `Node.js`, `3.11`, `e.g.`, URLs,
//! endpoints (`/api/users/{id}`) and npm packages (`@scope/pkg`).

/// File extensions accepted on a bare file name without a directory.
const KNOWN_EXTENSIONS: &[&str] = &[
    "md",
    "mdx",
    "txt",
    "rst",
    "adoc",
    "py",
    "pyi",
    "ipynb",
    "ts",
    "tsx",
    "js",
    "jsx",
    "mjs",
    "cjs",
    "json",
    "jsonc",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "env",
    "lock",
    "rs",
    "go",
    "java",
    "kt",
    "kts",
    "scala",
    "groovy",
    "gradle",
    "cs",
    "csproj",
    "sln",
    "fs",
    "vb",
    "xaml",
    "razor",
    "cshtml",
    "dart",
    "swift",
    "m",
    "mm",
    "rb",
    "php",
    "sql",
    "sh",
    "bash",
    "zsh",
    "ps1",
    "bat",
    "cmd",
    "html",
    "htm",
    "css",
    "scss",
    "sass",
    "less",
    "vue",
    "svelte",
    "astro",
    "xml",
    "xsd",
    "gs",
    "c",
    "h",
    "cc",
    "cpp",
    "cxx",
    "hpp",
    "hh",
    "proto",
    "graphql",
    "gql",
    "tf",
    "tfvars",
    "bicep",
    "hcl",
    "dockerfile",
    "properties",
    "plist",
    "pbxproj",
    "storyboard",
    "r",
    "jl",
    "lua",
    "ex",
    "exs",
    "erl",
    "hs",
    "ml",
    "clj",
    "zig",
    "nim",
    "vim",
    "el",
    "svg",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "ico",
    "webp",
    "pdf",
    "csv",
    "tsv",
    "parquet",
    "db",
    "sqlite",
    "prisma",
    "mod",
    "sum",
    "cmake",
    "mk",
    "make",
    "nix",
    "log",
    "snap",
    "spec",
    "test",
    "config",
    "template",
    "example",
    "sample",
    "http",
    "rest",
    "pem",
    "crt",
    "key",
    "wasm",
    "arb",
    "po",
    "resx",
    "feature",
    "hbs",
    "ejs",
    "njk",
    "jinja",
    "j2",
    "tpl",
    "mustache",
    "pug",
    "vtt",
    "srt",
    "wav",
    "mp3",
    "mp4",
    "ttf",
    "woff",
    "woff2",
];

/// Directory names that, paired as `frontend/backend` or `iOS/Android`,
/// name alternatives rather than a path.
const ALTERNATIVES: &[&str] = &[
    "frontend",
    "backend",
    "client",
    "server",
    "ios",
    "android",
    "web",
    "mobile",
    "api",
    "ui",
    "unit",
    "integration",
    "e2e",
    "desktop",
    "cli",
];

/// File names without an extension that are still files.
const KNOWN_FILES: &[&str] = &[
    "Dockerfile",
    "Makefile",
    "Containerfile",
    "Procfile",
    "Gemfile",
    "Rakefile",
    "Justfile",
    "Jenkinsfile",
    "Vagrantfile",
    "LICENSE",
    "CODEOWNERS",
    "Brewfile",
];

/// Names that look like files but are products or abbreviations.
const NOT_FILES: &[&str] = &[
    "node.js",
    "next.js",
    "vue.js",
    "nuxt.js",
    "react.js",
    "express.js",
    "three.js",
    "d3.js",
    "chart.js",
    "asp.net",
    "ado.net",
    "vb.net",
    "e.g",
    "i.e",
    "etc",
    "vs",
    "socket.io",
    "ruby.rb",
];

/// First directory names that make `dir/name` a path even without an
/// extension or a trailing slash.
const SOURCE_ROOTS: &[&str] = &[
    "src",
    "lib",
    "app",
    "apps",
    "test",
    "tests",
    "spec",
    "specs",
    "backend",
    "frontend",
    "server",
    "client",
    "packages",
    "pkg",
    "cmd",
    "internal",
    "docs",
    "doc",
    "scripts",
    "api",
    "web",
    "mobile",
    "ios",
    "android",
    "infra",
    "infrastructure",
    "tools",
    "config",
    "configs",
    "public",
    "assets",
    "components",
    "migrations",
    "services",
    "modules",
    "crates",
    "include",
    "bin",
    "deploy",
    "deployment",
    "charts",
    "helm",
    "terraform",
    "k8s",
    "ops",
    "e2e",
    "fixtures",
    "examples",
    "resources",
    "static",
    "templates",
    "contracts",
    "db",
    "database",
    "core",
    "shared",
    "common",
    "ui",
    "widgets",
    "models",
    "tasks",
    "jobs",
    "workers",
    "functions",
];

fn is_path_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '/' | '\\' | '.' | '_' | '-' | '[' | ']' | '#' | '{' | '}' | '@' | '+' | '~')
}

/// Path characters, plus what shell patterns add: `*` globs
/// (`src/cli/commands/*.ts`) and commas inside a brace expansion
/// (`src/cli/{commands,config,export}/`).
fn has_path_chars(word: &str) -> bool {
    let mut depth = 0usize;
    for c in word.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth > 0 => {}
            '*' => {}
            c if is_path_char(c) => {}
            _ => return false,
        }
    }
    // A lone `*` or `**` is emphasis, not a pattern.
    word.chars().any(|c| c != '*')
}

/// Whether `token` may hold a path once trimmed ([`trim_token`] only
/// removes characters): a separator, a dot, or the letters that every
/// [`KNOWN_FILES`] name holds (`f` of `Dockerfile`, `E` of `LICENSE`). A
/// cheap test that lets most words of prose skip trimming.
pub fn may_hold_path(token: &str) -> bool {
    token.bytes().any(|b| PATH_HINTS.contains(&b))
}

/// The bytes of [`may_hold_path`]: ASCII, never part of another character.
pub const PATH_HINTS: &[u8] = b"/\\.fE";

/// Trim what surrounds a path in prose: brackets, quotes, trailing
/// punctuation, markdown emphasis, and a `:12-34` line suffix.
/// Returns the byte offset and the trimmed token.
pub fn trim_token(token: &str) -> (usize, &str) {
    let lead = token.len() - token.trim_start_matches(['(', '"', '\'', '*', '_', '<', '`']).len();
    let mut word = &token[lead..];
    loop {
        let before = word.len();
        word = word.trim_end_matches([')', ',', ';', '"', '\'', '*', '>', '`', '!', '?']);
        if word.ends_with(':') {
            word = &word[..word.len() - 1];
        }
        if word.ends_with('.') && !word.ends_with("..") {
            word = &word[..word.len() - 1];
        }
        // Unbalanced closing bracket of a surrounding "(see file.py]" shape.
        if word.ends_with(']') && word.matches('[').count() < word.matches(']').count() {
            word = &word[..word.len() - 1];
        }
        if word.len() == before {
            break;
        }
    }
    (lead, strip_line_suffix(word))
}

/// `file.ts:101-104` and `file.ts:12` name the file.
fn strip_line_suffix(word: &str) -> &str {
    // A byte loop: words are short, shorter than a memrchr's setup pays
    // for (0.7% of a corpus check).
    if let Some(colon) = word.bytes().rposition(|b| b == b':') {
        let tail = &word[colon + 1..];
        if !tail.is_empty() && tail.bytes().all(|b| b.is_ascii_digit() || b == b'-' || b == b',') {
            return &word[..colon];
        }
    }
    word
}

fn extension(name: &str) -> Option<&str> {
    let dot = name.rfind('.')?;
    let ext = &name[dot + 1..];
    (dot > 0 || name.len() > 1).then_some(ext)
}

fn has_known_extension(name: &str) -> bool {
    extension(name).is_some_and(|ext| {
        let ext = ext.trim_end_matches(']');
        KNOWN_EXTENSIONS.iter().any(|known| known.eq_ignore_ascii_case(ext))
    })
}

/// A dotfile such as `.env`, `.env.example`, `.python-version`, `.github/`.
fn is_dotfile(name: &str) -> bool {
    name.len() > 1
        && name.starts_with('.')
        && !name.starts_with("..")
        && name[1..].chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && name[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

fn looks_like_number(word: &str) -> bool {
    let word = word.trim_start_matches(['v', 'V']);
    !word.is_empty() && word.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '+' | 'x' | '%'))
}

/// Is `word` (already trimmed) a file or directory path?
/// `in_code` is true inside backticks, where authors put exact paths.
pub fn is_path(word: &str, in_code: bool) -> bool {
    // Most words of prose: one segment without a dot, which only a known
    // file name (`Dockerfile`) makes a path. Deciding it here spares them
    // the checks below, which allocate.
    if !word.contains(['/', '\\', '.']) {
        return KNOWN_FILES.contains(&word);
    }
    if word.len() < 2 || word.len() > 300 || !has_path_chars(word) || looks_like_number(word) {
        return false;
    }
    if word.starts_with('@') || word.starts_with('/') || word.starts_with('#') || word.contains("//") {
        return false; // npm scope, URL path or endpoint, anchor, URL
    }
    if NOT_FILES.iter().any(|n| n.eq_ignore_ascii_case(word)) {
        return false;
    }
    let unix: std::borrow::Cow<'_, str> =
        if word.contains('\\') { word.replace('\\', "/").into() } else { word.into() };
    // Walked again for each question rather than collected: this runs
    // for every word of prose that holds a slash.
    let path = unix.trim_start_matches("./");
    let segments = || path.split('/');
    if !path.contains('/') {
        return is_file_name(word);
    }
    if segments().any(str::is_empty) && !unix.ends_with('/') {
        return false;
    }
    let last = segments().rev().find(|s| !s.is_empty()).unwrap_or("");
    let first = segments().next().unwrap_or("");
    if segments().count() == 2 && segments().all(|s| ALTERNATIVES.iter().any(|a| a.eq_ignore_ascii_case(s))) {
        return false;
    }
    unix.ends_with('/')
        || unix.starts_with("./")
        || unix.starts_with("../")
        || unix.starts_with("~/")
        || extension(last).is_some_and(is_extension_shape)
        || KNOWN_FILES.contains(&last)
        || SOURCE_ROOTS.contains(&first)
        || is_dotfile(first)
        || (in_code && segments().all(|s| s.starts_with(|c: char| !c.is_uppercase())))
}

/// `py`, `tsx`, `[ext]`: short and alphanumeric.
fn is_extension_shape(ext: &str) -> bool {
    let ext = ext.trim_end_matches(']').trim_start_matches('[');
    (1..=10).contains(&ext.len())
        && ext.chars().all(|c| c.is_ascii_alphanumeric())
        && ext.chars().any(|c| c.is_ascii_alphabetic())
}

fn is_file_name(word: &str) -> bool {
    if KNOWN_FILES.contains(&word) || is_dotfile(word) {
        return true;
    }
    let Some(ext) = extension(word) else { return false };
    let stem = &word[..word.len() - ext.len() - 1];
    // `lms.roster.v1.SchoolCreated` is an event name, `3.11` a version.
    !stem.is_empty() && has_known_extension(word) && stem.chars().any(|c| c.is_alphabetic())
}

/// A path as tasks should be compared: forward slashes, no `./`.
pub fn normalize_path(path: &str) -> String {
    let unix = path.replace('\\', "/");
    let mut out = unix.trim_start_matches("./").to_string();
    while out.contains("//") {
        out = out.replace("//", "/");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_task_paths() {
        for path in [
            "src/models/user.py",
            "tests/test_users_api.py",
            "src/db/migrations/",
            "README.md",
            ".env.example",
            "backend/tests/test_[module].py",
            "src/app/[path].tsx",
            "apps/residence-app/",
            "lib/src/widgets/scrollbar/scrollbar_controller.dart",
            "docs/architecture/decisions/",
            "Dockerfile",
            "tsconfig.json",
            "src/models",
            ".github/workflows/ci.yml",
        ] {
            assert!(is_path(path, false), "{path}");
        }
    }

    #[test]
    fn rejects_prose_look_alikes() {
        for word in [
            "API/inference",
            "iOS/Android",
            "auth/CORS/secret",
            "Request/Response",
            "Node.js",
            "3.11",
            "e.g",
            "/api/users/{id}",
            "@supabase/supabase-js",
            "https://example.com/x",
            "lms.roster.v1.SchoolCreated",
            "v1.2",
            "and/or",
            "frontend/backend",
        ] {
            assert!(!is_path(word, false), "{word}");
        }
    }

    #[test]
    fn brace_expansions_and_globs_are_paths() {
        for path in ["src/cli/{commands,config,export}/", "src/cli/commands/*.ts", "tests/**/*.py"] {
            assert!(is_path(path, false), "{path}");
        }
        assert!(!is_path("{a,b}", false));
    }

    #[test]
    fn code_spans_accept_lowercase_directory_paths() {
        assert!(is_path("moonmind/workflows", true));
        assert!(!is_path("moonmind/workflows", false));
        assert!(!is_path("Foo/Bar", true));
    }

    #[test]
    fn every_known_file_name_passes_the_cheap_test() {
        for name in KNOWN_FILES {
            assert!(may_hold_path(name) && is_path(name, false), "{name}");
        }
        assert!(!may_hold_path("(Makeup),"));
        assert!(!is_path("word", false) && !is_path("x", true));
    }

    #[test]
    fn trimming_removes_prose_punctuation_and_line_numbers() {
        assert_eq!(trim_token("(src/a.py),"), (1, "src/a.py"));
        assert_eq!(trim_token("`README.md`."), (1, "README.md"));
        assert_eq!(trim_token("useShortcutsHelp.ts:101-104"), (0, "useShortcutsHelp.ts"));
        assert_eq!(trim_token("src/models/:"), (0, "src/models/"));
    }
}
