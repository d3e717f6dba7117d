use crate::analysis::facts::BlockFacts;
use crate::analysis::facts::sparse::FileIndex;
use crate::analysis::{Context, Diagnostic, Related, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::feature::{Feature, FeatureFile};
use crate::model::scan::{BlockScan, boxed};
use crate::syntax::BlockKind;
use crate::text::{Span, contains_ignore_ascii_case};

declare_rule! {
    /// ## What it does
    /// Reports a document that the feature itself says is present but that
    /// the folder does not hold:
    ///
    /// - a document named on a `Prerequisites` or `Input` line and marked
    ///   required or done (`plan.md (required)`, `research.md ✅`,
    ///   `contracts/ ✅`);
    /// - the target of a relative markdown link to a markdown file or a
    ///   folder inside the feature (`[data model](./data-model.md)`,
    ///   `[contracts](contracts/)`).
    ///
    /// Links that leave the feature folder (`../../src/`), links to other
    /// kinds of file (images, code) and documents the line lists without
    /// marking them (the template's optional `research.md`) are not
    /// checked. A missing document is reported once, at its first mention;
    /// its other mentions, in any file of the feature, are related
    /// locations of that finding.
    ///
    /// ## Why is this bad?
    /// tasks.md generated "from research.md ✅, data-model.md ✅" in a folder
    /// with neither was generated from nothing: its tasks guess at
    /// entities and decisions nobody wrote down, and readers following the
    /// link find nothing.
    ///
    /// ## Example
    /// ```markdown
    /// **Prerequisites**: plan.md (required), research.md ✅, data-model.md ✅, contracts/ ✅
    /// ```
    /// in a folder holding only spec.md, plan.md and tasks.md: research.md,
    /// data-model.md and contracts/ are reported.
    ///
    /// ## Fix
    /// Write the missing document (`/speckit.plan` writes research.md,
    /// data-model.md and contracts/), or correct the line or link. There
    /// is no quick fix.
    pub struct MissingDocument { code: "missing-document", severity: Warning }
}

impl Rule for MissingDocument {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // One finding per missing document, at its first mention; the
        // others (plan.md, quickstart.md and tasks.md all naming one
        // missing contracts/) are its related locations.
        let mut missing: Vec<(String, Diagnostic)> = Vec::new();
        for (file, span, target, rel) in missing_mentions(cx.feature) {
            match missing.iter_mut().find(|(seen, _)| *seen == rel) {
                Some((_, first)) => {
                    let message = format!("{} names {target} too", file.rel);
                    first.related.push(Related { file: file.rel.clone(), span, message });
                }
                None => {
                    let message =
                        format!("{} names {target}, which this feature folder does not hold", file.rel);
                    missing.push((rel, cx.report(Self::META.default_severity, file, span, message)));
                }
            }
        }
        out.extend(missing.into_iter().map(|(_, diagnostic)| diagnostic));
    }
}

/// Every mention of a document the feature does not hold, in file and
/// text order: (file, span in the file, the name as written, the path it
/// resolves to in the feature).
fn missing_mentions(feature: &Feature) -> Vec<(&FeatureFile, Span, &str, String)> {
    let mut out = Vec::new();
    for (file, blocks) in feature.markdown_files() {
        let Some(index) = FileIndex::of(blocks) else { continue };
        // Only the blocks naming documents, kept across analyses: a
        // keystroke asks about the block it changed.
        let hits = index.documents.hits(
            blocks,
            |()| true,
            || (),
            |block| {
                !matches!(block.scan.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter)
                    && !claims_of(&block.scan).is_empty()
            },
        );
        for &at in hits.iter() {
            let block = &blocks.blocks()[at as usize];
            for (span, target) in claims_of(&block.scan) {
                let Some(rel) = resolve(file, target) else { continue };
                if !exists(feature, &rel) {
                    out.push((file, block.abs(*span), target.as_str(), rel));
                }
            }
        }
    }
    out
}

/// Documents a block's text claims or links to, in order, each once.
/// The documents `block` names, kept in its facts: lower-casing every line
/// again is what a keystroke elsewhere would otherwise pay.
fn claims_of(block: &BlockScan) -> &[(Span, String)] {
    BlockFacts::of(block).documents.get_or_init(|| boxed(named_documents(&block.text)))
}

fn named_documents(text: &str) -> Vec<(Span, String)> {
    // A claim needs a colon and a link `](`: most blocks have neither, and
    // are passed with a byte search each instead of a walk per line.
    let bytes = text.as_bytes();
    let mut claims = match memchr::memchr(b':', bytes) {
        Some(_) => claimed_documents(text),
        None => Vec::new(),
    };
    if memchr::memchr(b']', bytes).is_some() {
        claims.extend(linked_documents(text));
    }
    claims.sort_by_key(|(span, _)| span.start);
    claims.dedup_by_key(|(span, _)| span.start);
    claims
}

/// Documents a `Prerequisites:` / `Input:` line marks required or done:
/// (span relative to the text, the name as written).
fn claimed_documents(text: &str) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for (start, line, colon) in lines_with_colon(text) {
        if !lists_documents(&line[..colon]) {
            continue;
        }
        let mut at = colon + 1;
        for part in line[colon + 1..].split([',', ';']) {
            let part_start = at;
            at += part.len() + 1;
            let marked = part.contains('✅') || contains_ignore_ascii_case(part, "(required");
            if !marked {
                continue;
            }
            let Some((offset, name)) = document_name(part) else { continue };
            let begin = start + part_start + offset;
            out.push((Span::new(begin, begin + name.len()), name.to_string()));
        }
    }
    out
}

/// The lines of `text` that hold a colon, as (start, line without its
/// break, offset of its first colon): found from the colons, so lines
/// without one cost nothing.
fn lines_with_colon(text: &str) -> impl Iterator<Item = (usize, &str, usize)> {
    let bytes = text.as_bytes();
    let mut next_line = 0;
    memchr::memchr_iter(b':', bytes).filter_map(move |colon| {
        if colon < next_line {
            return None; // a later colon of a line already given
        }
        let start = memchr::memrchr(b'\n', &bytes[..colon]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &bytes[colon..]).map_or(text.len(), |i| colon + i);
        next_line = end + 1;
        Some((start, text[start..end].trim_end_matches('\r'), colon - start))
    })
}

/// Whether a line's key (before its colon) is `Prerequisites` or `Input`
/// in any case. Searched in the line itself: its lower-cased copy can be
/// longer or shorter (`İ` lower-cases to three bytes), so the colon's
/// offset would not fit it.
fn lists_documents(key: &str) -> bool {
    contains_ignore_ascii_case(key, "prerequisites") || contains_ignore_ascii_case(key, "input")
}

/// The first word of `part` that names a document: `research.md`,
/// `contracts/`, with backticks and bold removed.
fn document_name(part: &str) -> Option<(usize, &str)> {
    part.split_whitespace().find_map(|word| {
        let name = word.trim_matches(|c: char| matches!(c, '`' | '*' | '(' | ')' | '[' | ']' | '"' | '\''));
        let is_doc = name.ends_with(".md") || matches!(name, "contracts/" | "checklists/");
        let offset = word.as_ptr() as usize - part.as_ptr() as usize + word.find(name)?;
        (is_doc && !name.contains("://")).then_some((offset, name))
    })
}

/// Targets of relative markdown links to markdown files or folders.
fn linked_documents(text: &str) -> Vec<(Span, String)> {
    let mut out = Vec::new();
    for (at, _) in text.match_indices("](") {
        let start = at + 2;
        let Some(len) = text[start..].find([')', ' ', '\n']) else { continue };
        let target = text[start..start + len].split('#').next().unwrap_or("");
        let is_doc = target.ends_with(".md") || target.ends_with('/');
        if target.is_empty()
            || !is_doc
            || target.contains(':')
            || target.starts_with('/')
            || target.contains('[')
        {
            continue;
        }
        out.push((Span::new(start, start + target.len()), target.to_string()));
    }
    out
}

/// `target`, named in `file`, relative to the feature folder with `/`;
/// `None` when it leaves the folder.
fn resolve(file: &FeatureFile, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = file.rel.split('/').collect();
    parts.pop(); // the file's own name
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    let rel = parts.join("/");
    if target.ends_with('/') { Some(format!("{rel}/")) } else { Some(rel) }
}

/// Whether the feature holds `rel` (a file) or something under it (a
/// folder, `rel` ending in `/`); the feature folder itself always exists.
fn exists(feature: &Feature, rel: &str) -> bool {
    if rel.is_empty() || rel == "/" {
        return true;
    }
    match rel.strip_suffix('/') {
        Some(_) => feature.files.iter().any(|f| f.rel.starts_with(rel)),
        None => feature.files.iter().any(|f| f.rel.eq_ignore_ascii_case(rel)),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::{check, feature, findings};

    #[test]
    fn lines_with_colon_are_the_lines_holding_one_with_its_first() {
        let text = "no colon\r\na: b: c\r\n\n::\nlast: x";
        let found: Vec<_> = super::lines_with_colon(text).collect();
        let expected: Vec<_> = crate::model::markdown::lines(text)
            .filter_map(|(start, line)| line.find(':').map(|colon| (start, line, colon)))
            .collect();
        assert_eq!(found, expected);
        assert_eq!(found.len(), 3);
    }

    #[test]
    fn fires_on_documents_claimed_present_or_linked() {
        let tasks = "# Tasks\n\n**Input**: Design documents from `/specs/001-x/`\n**Prerequisites**: plan.md (required), research.md ✅, data-model.md ✅, contracts/ ✅, quickstart.md\n\nSee [the data model](./data-model.md) and [spec](../001-fixture/spec.md) and [code](../../src/app.py).\n";
        let found = check("missing-document", &[("tasks.md", tasks), ("plan.md", "# Plan\n")]);
        assert_eq!(
            found,
            [
                "tasks.md:4: tasks.md names research.md, which this feature folder does not hold",
                "tasks.md:4: tasks.md names data-model.md, which this feature folder does not hold",
                "tasks.md:4: tasks.md names contracts/, which this feature folder does not hold",
            ]
        );
    }

    #[test]
    fn one_missing_document_is_one_finding_whoever_names_it() {
        let plan = "# Plan\n\nSee [the contracts](./contracts/).\n";
        let quickstart = "# Quickstart\n\nRead [them](./contracts/) first.\n";
        let tasks = "**Prerequisites**: plan.md (required), contracts/ ✅\n\n- [ ] T001 Do it in src/a.py\n";
        let feature = feature(&[("plan.md", plan), ("quickstart.md", quickstart), ("tasks.md", tasks)]);
        let found = findings("missing-document", &feature);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].message, "plan.md names ./contracts/, which this feature folder does not hold");
        let related: Vec<String> =
            found[0].related.iter().map(|r| format!("{}: {}", r.file, r.message)).collect();
        assert_eq!(
            related,
            [
                "quickstart.md: quickstart.md names ./contracts/ too",
                "tasks.md: tasks.md names contracts/ too"
            ]
        );
    }

    #[test]
    fn reads_keys_whose_lower_case_changes_length() {
        // `İ` lower-cases to three bytes and the Kelvin sign to one: the
        // colon's offset in the line is not one of the lower-cased line.
        let tasks = "# Tasks\n\nİ: plan.md (required)\n**\u{212A}Input**: research.md (REQUIRED)\nPrerequisitesȺ: data-model.md ✅\n";
        let found = check("missing-document", &[("tasks.md", tasks), ("plan.md", "# Plan\n")]);
        assert_eq!(
            found,
            [
                "tasks.md:4: tasks.md names research.md, which this feature folder does not hold",
                "tasks.md:5: tasks.md names data-model.md, which this feature folder does not hold",
            ]
        );
    }

    #[test]
    fn claimed_spans_are_the_names_as_written() {
        let text = "İİ Input: `plan.md` (required), ẞ research.md ✅\n";
        let names: Vec<&str> =
            super::claimed_documents(text).iter().map(|(span, _)| &text[span.start..span.end]).collect();
        assert_eq!(names, ["plan.md", "research.md"]);
    }

    #[test]
    fn passes_when_documents_exist() {
        let tasks = "**Prerequisites**: plan.md (required), contracts/ ✅\n\nSee [plan](plan.md), [api](contracts/api.md), [x](checklists/).\n";
        let found = check(
            "missing-document",
            &[
                ("tasks.md", tasks),
                ("plan.md", "# Plan\n"),
                ("contracts/api.md", "# API\n"),
                ("checklists/ux.md", "- [ ] CHK001 x\n"),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
