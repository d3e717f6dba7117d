//! Architecture invariants, checked over the source (rust-analyzer's
//! `tidy` test is the model): each folder of `server/src/` imports only
//! the layers ARCHITECTURE.md allows it. A new upward import fails here
//! with the file that made it, instead of surfacing as an import circle
//! months later.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The layers each top-level module may import (besides itself).
fn allowed(layer: &str) -> &'static [&'static str] {
    match layer {
        "text" => &[],
        "syntax" => &["text"],
        "model" => &["text", "syntax"],
        "analysis" => &["text", "syntax", "model"],
        // Loading a folder reads `specls.toml` into the analysis' config.
        "workspace" => &["text", "syntax", "model", "analysis"],
        "ide" => &["text", "syntax", "model", "analysis"],
        "lsp" => &["text", "syntax", "model", "analysis", "workspace", "ide"],
        // `specls serve` starts the language server.
        "cli" => &["text", "syntax", "model", "analysis", "workspace", "ide", "lsp"],
        // The fuzz targets' bodies exercise any layer, and none imports them.
        "fuzzing" => &["text", "syntax", "model", "analysis", "workspace", "ide", "lsp", "cli"],
        other => {
            panic!("server/src/{other}/ is a layer ARCHITECTURE.md does not place: add it there and here")
        }
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level modules a file names through `crate::`, including the
/// members of `use crate::{a::x, b::y}` groups. Comments are skipped.
fn crate_imports(text: &str) -> BTreeSet<String> {
    let code: String =
        text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let mut found = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            found.extend(group_heads(group));
        } else {
            found.insert(ident(rest).to_string());
        }
    }
    found.retain(|name| !name.is_empty());
    found
}

/// The first path segment of each item at the top of a `{...}` group.
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            c if item_start && !c.is_whitespace() => {
                heads.push(ident(&group[i..]).to_string());
                item_start = false;
            }
            _ => {}
        }
    }
    heads
}

fn ident(text: &str) -> &str {
    let end = text.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(text.len());
    &text[..end]
}

#[test]
fn layers_import_only_the_layers_below_them() {
    let src = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let layers = ["text", "syntax", "model", "analysis", "workspace", "ide", "lsp", "cli"];
    let mut violations = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        if entry.path().is_dir() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let _ = allowed(&name); // every folder is placed
        }
    }
    for layer in layers {
        let mut files = Vec::new();
        rust_files(&src.join(layer), &mut files);
        files.sort();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for import in crate_imports(&text) {
                let is_layer = layers.contains(&import.as_str());
                if is_layer && import != layer && !allowed(layer).contains(&import.as_str()) {
                    violations
                        .push(format!("{} imports {import}", file.strip_prefix(&src).unwrap().display()));
                }
            }
        }
    }
    assert!(violations.is_empty(), "upward imports:\n{}", violations.join("\n"));
}

#[test]
fn import_reader_sees_groups_and_skips_comments() {
    let text =
        "use crate::{model::a, text::{b, c}};\n// crate::lsp in a comment\nlet x = crate::ide::hover();\n";
    let got: Vec<String> = crate_imports(text).into_iter().collect();
    assert_eq!(got, ["ide", "model", "text"]);
}
