//! `specls rules [CODE]`: the rule catalogue, and the pages under
//! `docs/rules/` generated from it.
//!
//! A rule's page is its doc comment ([`RuleMeta::page`]) under a title
//! line and its default severity; `specls rules CODE` prints exactly the
//! page that `docs/rules/CODE.md` holds (less the generated-file marker).
//! The test `docs_match_the_rules` in `server/tests/cli.rs` keeps the files
//! in step and rewrites them when `SPECLS_UPDATE_DOCS=1` is set.

use std::fmt::Write;

use anyhow::{Result, bail};

use super::{ExitCode, exit, write_stdout};
use crate::analysis::{RuleMeta, all_rules, rule};

/// The first line of every generated file.
pub const GENERATED: &str = "<!-- Generated from the rule's doc comment: `SPECLS_UPDATE_DOCS=1 cargo test -p specls --test cli`. Do not edit. -->";

/// One rule's page: title, default severity, the doc comment.
pub fn page(meta: &RuleMeta) -> String {
    let mut out = format!("# {}\n\nDefault severity: **{}**.", meta.code, meta.default_severity.name());
    out.push_str(" Change it or turn the rule off in `specls.toml`:\n\n");
    let _ = writeln!(
        out,
        "```toml\n[rules]\n{} = \"off\"  # or \"error\", \"warning\", \"info\", \"hint\"\n```\n",
        meta.code
    );
    out.push_str(meta.page().trim());
    out.push('\n');
    out
}

/// The first section of the page without its heading ("What it does"),
/// as one paragraph per blank-line-separated block.
pub fn description(meta: &RuleMeta) -> String {
    let page = meta.page();
    let body: Vec<&str> = page
        .lines()
        .skip_while(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        .take_while(|l| !l.trim_start().starts_with("## "))
        .collect();
    body.join("\n").trim().to_string()
}

/// The first sentence of the rule's description, on one line: what
/// `specls rules` lists. ([`RuleMeta::summary`] takes the first block
/// that does not start with a heading, which skips the description when
/// the heading sits right above it.)
pub fn summary(meta: &RuleMeta) -> String {
    let description = description(meta);
    let paragraph = description.split("\n\n").next().unwrap_or("");
    let words: Vec<&str> = paragraph.split_whitespace().collect();
    // A sentence ends at a word ending in `.`, outside inline code,
    // followed by a capitalised word (or the end); "e.g." does not end one.
    let mut ticks = 0;
    let end = words
        .iter()
        .enumerate()
        .position(|(i, w)| {
            ticks += w.matches('`').count();
            ticks % 2 == 0
                && w.ends_with('.')
                && !matches!(*w, "e.g." | "i.e." | "etc." | "vs.")
                && words
                    .get(i + 1)
                    .is_none_or(|next| next.starts_with(|c: char| c.is_uppercase() || c == '`'))
        })
        .map_or(words.len(), |i| i + 1);
    words[..end].join(" ")
}

/// A table cell: one line, pipes escaped.
fn cell(text: &str) -> String {
    crate::text::collapse_whitespace(text).replace('|', "\\|")
}

/// `docs/rules/README.md`: every rule with its severity and summary.
pub fn index() -> String {
    let mut out = format!("{GENERATED}\n\n# Rules\n\n");
    out.push_str("Every check `specls check` and the language server run, with its default severity.\n");
    out.push_str("`specls rules CODE` prints a rule's page; `specls.toml` changes severities:\n\n");
    if let Some(first) = all_rules().next() {
        let _ = writeln!(
            out,
            "```toml\n[rules]\n{} = \"off\"  # or \"error\", \"warning\", \"info\", \"hint\"\n```\n",
            first.meta().code
        );
    }
    out.push_str("| Code | Default severity | Summary |\n| --- | --- | --- |\n");
    for rule in all_rules() {
        let meta = rule.meta();
        let _ = writeln!(
            out,
            "| [`{}`]({}.md) | {} | {} |",
            meta.code,
            meta.code,
            meta.default_severity.name(),
            cell(&summary(meta))
        );
    }
    out
}

/// Every generated file under `docs/rules/`: (file name, contents).
pub fn doc_files() -> Vec<(String, String)> {
    let mut files = vec![("README.md".to_string(), index())];
    for rule in all_rules() {
        let meta = rule.meta();
        files.push((format!("{}.md", meta.code), format!("{GENERATED}\n\n{}", page(meta))));
    }
    files
}

/// The catalogue as printed by `specls rules`.
pub fn list() -> String {
    let metas: Vec<&RuleMeta> = all_rules().map(|r| r.meta()).collect();
    let width = metas.iter().map(|m| m.code.len()).max().unwrap_or(0);
    let mut out = String::new();
    for meta in metas {
        let _ =
            writeln!(out, "{:<width$}  {:<7}  {}", meta.code, meta.default_severity.name(), summary(meta));
    }
    out
}

/// `specls rules [CODE]`.
pub fn run(code: Option<&str>) -> Result<ExitCode> {
    let text = match code {
        None => list(),
        Some(code) => match rule(code) {
            Some(rule) => page(rule.meta()),
            None => bail!("unknown rule `{code}`; `specls rules` lists them"),
        },
    };
    write_stdout(&text)?;
    Ok(exit::OK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Severity;

    const META: RuleMeta = RuleMeta {
        code: "some-rule",
        default_severity: Severity::Warning,
        doc: " ## What it does\n Reports lines like `1. T001` (numbered items), e.g. in lists. Then more.\n\n Second paragraph.\n\n ## Why is this bad?\n Because.\n",
    };

    #[test]
    fn summary_is_the_first_sentence_of_what_it_does() {
        assert_eq!(summary(&META), "Reports lines like `1. T001` (numbered items), e.g. in lists.");
        assert_eq!(
            description(&META),
            "Reports lines like `1. T001` (numbered items), e.g. in lists. Then more.\n\nSecond paragraph."
        );
    }

    #[test]
    fn every_rule_has_a_summary_and_a_page() {
        for rule in all_rules() {
            let meta = rule.meta();
            assert!(!summary(meta).is_empty(), "{}: empty summary", meta.code);
            assert!(page(meta).starts_with(&format!("# {}\n", meta.code)));
        }
    }
}
