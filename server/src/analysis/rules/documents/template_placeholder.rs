use std::collections::HashMap;

use crate::analysis::facts::BlockFacts;
use crate::analysis::facts::placeholders::{Placeholder as Found, block_placeholders};
use crate::analysis::facts::sparse::FileIndex;
use crate::analysis::{Applicability, Context, Diagnostic, FileEdit, Fix, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::blocks::BlockList;
use crate::model::feature::FeatureFile;
use crate::model::scan::BlockScan;
use crate::syntax::BlockKind;
use crate::text::Span;

declare_rule! {
    /// ## What it does
    /// Reports template text left unfilled in any markdown file of the
    /// feature: `[FEATURE NAME]`, `[###-feature-name]`, `backend/[file].py`,
    /// `TXXX` and the like.
    ///
    /// It knows the placeholders of Spec Kit's spec, plan, tasks and
    /// checklist templates (`[FEATURE NAME]`, `[FEATURE]`,
    /// `[###-feature-name]`, `[DATE]`, `[Title]`, `[Brief Title]`,
    /// `[Entity1]`, `[language]`, `[framework]`, `[endpoint]`, `[link]`,
    /// `[REMOVE IF UNUSED]`), their sentence placeholders (`[Describe ...]`,
    /// `[Explain ...]`, `[Brief description of ...]`, `[Measurable metric,
    /// e.g., ...]`), placeholders inside paths (`backend/[file].py`,
    /// `tests/contract/test_[name].py`, `specs/[###-feature]/`), the
    /// constitution's `[PROJECT_NAME]` style names, and the tokens `TXXX`,
    /// `__SPECKIT_COMMAND_PLAN__` and `$ARGUMENTS`.
    ///
    /// Each distinct placeholder is reported once per file, at its first
    /// occurrence, with a count when it repeats; placeholders first met in
    /// the same paragraph, table or code block share one finding.
    ///
    /// A document that is still the template (its title holds a
    /// placeholder, and so do at least two other places) gets one finding,
    /// "plan.md is still the template", on its title, with every place
    /// that holds a placeholder as related information.
    ///
    /// Real documents are full of brackets, and these are left alone: task
    /// labels (`[P]`, `[US1]`, `[iOS]`, `[RED]`), the format legend
    /// `[ID] [P?] [Story]`, links and references, checkboxes, footnotes,
    /// `[NEEDS CLARIFICATION: ...]` (see `needs-clarification`), array
    /// types (`string[]`), JSON and YAML arrays, indexing in code
    /// (`row[name]`), and HTML comments (the templates' guidance). A generic
    /// `[e.g., ...]` counts only when it fills a whole field, table cell or
    /// list item, as the templates write it: in the middle of a sentence
    /// it is the author's own aside.
    ///
    /// ## Why is this bad?
    /// A placeholder is a decision nobody wrote down. Readers (and agents
    /// generating the next document) take `[language]` or
    /// `backend/[file].py` literally, and a plan that still offers three
    /// `[REMOVE IF UNUSED]` layouts has not chosen one.
    ///
    /// ## Example
    /// ```markdown
    /// # Tasks: [FEATURE NAME]
    ///
    /// - [ ] T012 [P] [US1] Implement backend changes in `backend/[file].py`
    /// ```
    ///
    /// ## Fix
    /// Replace each placeholder with the real value, or delete the template
    /// text that does not apply. For `[###-feature-name]` and
    /// `[###-feature]` a safe fix fills in the feature folder's name
    /// (`004-team-invites`).
    pub struct TemplatePlaceholder { code: "template-placeholder", severity: Warning }
}

/// At most this many placeholders are named in one message.
const LISTED: usize = 4;

/// A document whose title holds a placeholder and that has at least this
/// many findings is reported as one untouched template.
const UNTOUCHED: usize = 3;

impl Rule for TemplatePlaceholder {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let fill = feature_number_name(&cx.feature.name);
        for (file, blocks) in cx.feature.markdown_files() {
            let mut found = Vec::new();
            report(cx, file, &placeholders(blocks), fill, &mut found);
            out.extend(whole_template(file, blocks, found));
        }
    }
}

/// Every placeholder of a markdown document, in order, spans absolute.
/// The placeholders of `blocks`; in tasks.md, `walk` gives the summaries of
/// task lines and details, which say whether they hold any: most do not,
/// and then their facts need no visit.
fn placeholders(blocks: &BlockList) -> Vec<Found> {
    let Some(index) = FileIndex::of(blocks) else { return Vec::new() };
    // Only the blocks that hold placeholders, kept across analyses: a
    // keystroke asks about the block it changed.
    let hits = index.placeholders.hits(
        blocks,
        |()| true,
        || (),
        |block| {
            !matches!(block.scan.kind, BlockKind::Html | BlockKind::FrontMatter)
                && !in_block(&block.scan).is_empty()
        },
    );
    let mut found = Vec::new();
    for &index in hits.iter() {
        let block = &blocks.blocks()[index as usize];
        for f in in_block(&block.scan) {
            found.push(Found {
                key: f.key.clone(),
                span: block.abs(f.span),
                block: index as usize,
                fills: f.fills.iter().map(|s| block.abs(*s)).collect(),
            });
        }
    }
    found
}

fn in_block(block: &BlockScan) -> &[Found] {
    block_placeholders(BlockFacts::of(block), block)
}

/// `004-team-invites`: a name `[###-feature-name]` can be replaced with.
fn feature_number_name(name: &str) -> Option<&str> {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && name[digits..].starts_with('-') && name.len() > digits + 1).then_some(name)
}

/// The findings of `file`, or one finding for all of them when the file is
/// still the template: its first heading holds a placeholder and it has
/// [`UNTOUCHED`] findings or more. The fills of the feature name stay one
/// safe fix.
fn whole_template(file: &FeatureFile, blocks: &BlockList, found: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let title = blocks.iter().find(|b| matches!(b.scan.kind, BlockKind::Heading { .. }));
    let untitled = title.is_some_and(|t| found.first().is_some_and(|d| t.span().intersects(d.span)));
    if !untitled || found.len() < UNTOUCHED {
        return found;
    }
    let first = &found[0];
    let message = format!(
        "{} is still the template: {} places hold placeholders; related information lists them",
        file.rel,
        found.len()
    );
    let mut whole = Diagnostic::new(first.severity, &file.rel, first.span, message);
    let edits: Vec<FileEdit> =
        found.iter().filter_map(|d| d.fix.as_ref()).flat_map(|f| f.edits.clone()).collect();
    if let Some(fix) = found.iter().find_map(|d| d.fix.as_ref()) {
        whole = whole.with_fix(Fix { title: fix.title.clone(), applicability: fix.applicability, edits });
    }
    for d in &found {
        whole = whole.with_related(&file.rel, d.span, d.message.clone());
    }
    vec![whole]
}

fn report(
    cx: &Context<'_>,
    file: &FeatureFile,
    found: &[Found],
    fill: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    // Distinct placeholders in order of first occurrence.
    let mut order: Vec<&str> = Vec::new();
    let mut all: HashMap<&str, Vec<&Found>> = HashMap::new();
    for f in found {
        all.entry(&f.key)
            .or_insert_with(|| {
                order.push(&f.key);
                Vec::new()
            })
            .push(f);
    }
    // Grouped by the block of their first occurrence.
    let mut groups: Vec<Vec<&str>> = Vec::new();
    let mut last_block = None;
    for key in order {
        let block = all[key][0].block;
        if last_block == Some(block)
            && let Some(group) = groups.last_mut()
        {
            group.push(key);
        } else {
            groups.push(vec![key]);
        }
        last_block = Some(block);
    }
    for group in groups {
        let first = all[group[0]][0];
        let times = |key: &str| match all[key].len() {
            1 => String::new(),
            n => format!(" ({n} times)"),
        };
        let named: Vec<String> =
            group.iter().take(LISTED).map(|key| format!("{key}{}", times(key))).collect();
        let mut message = if group.len() == 1 {
            format!("template placeholder {} left unfilled{}", group[0], times(group[0]))
        } else {
            format!("template placeholders left unfilled: {}", named.join(", "))
        };
        if group.len() > LISTED {
            message.push_str(&format!(" and {} more", group.len() - LISTED));
        }
        let mut diagnostic = cx.report(TemplatePlaceholder::META.default_severity, file, first.span, message);
        let fills: Vec<Span> =
            group.iter().flat_map(|key| all[key].iter().flat_map(|f| f.fills.iter().copied())).collect();
        if let (Some(name), false) = (fill, fills.is_empty()) {
            diagnostic = diagnostic.with_fix(Fix {
                title: format!("Fill in the feature name {name}"),
                applicability: Applicability::Safe,
                edits: fills
                    .into_iter()
                    .map(|span| FileEdit { file: file.rel.clone(), span, new_text: name.to_string() })
                    .collect(),
            });
        }
        out.push(diagnostic);
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::placeholders;
    use crate::model::file::MarkdownFile;
    use crate::testing::{check, check_fix, feature, findings};
    use crate::text::Span;

    fn run(rel: &str, text: &str) -> Vec<String> {
        check("template-placeholder", &[(rel, text)])
    }

    /// The findings over one file, each followed by its related places
    /// (indented), as `file:line: message`.
    fn run_with_related(rel: &str, text: &str) -> Vec<String> {
        let feature = feature(&[(rel, text)]);
        let file = feature.file(rel).unwrap();
        let line = |span: Span| file.document.line_of(span.start) + 1;
        let mut out = Vec::new();
        for d in findings("template-placeholder", &feature) {
            let fix = d.fix.as_ref().map(|f| format!(" [fix: {}]", f.title)).unwrap_or_default();
            out.push(format!("{rel}:{}: {}{fix}", line(d.span), d.message));
            out.extend(d.related.iter().map(|r| format!("  {rel}:{}: {}", line(r.span), r.message)));
        }
        out
    }

    #[test]
    fn fires_once_per_placeholder_with_a_count() {
        let tasks = "# Tasks: Invites\n\n## Phase 3: User Story 1 - [Title] (Priority: P1)\n\n- [ ] T012 [P] [US1] Implement backend changes in `backend/[file].py`\n- [ ] T013 [P] [US1] Implement frontend changes in src/app/[path].tsx\n\n## Phase 4: User Story 2 - [Title] (Priority: P2)\n\n- [ ] T018 [P] [US2] Implement backend changes in `backend/[file].py`\n- [ ] TXXX Security hardening\n";
        assert_eq!(
            run("tasks.md", tasks),
            [
                "tasks.md:3: template placeholder [Title] left unfilled (2 times)",
                "tasks.md:5: template placeholder backend/[file].py left unfilled (2 times)",
                "tasks.md:6: template placeholder src/app/[path].tsx left unfilled",
                "tasks.md:11: template placeholder TXXX left unfilled",
            ]
        );
    }

    #[test]
    fn a_plan_left_as_the_template() {
        let plan = "# Implementation Plan: [FEATURE]\n\n**Branch**: `[###-feature-name]` | **Date**: [DATE] | **Spec**: [link]\n\n**Note**: This template is filled in by the `__SPECKIT_COMMAND_PLAN__` command.\n\n**Language/Version**: [e.g., Python 3.11, Swift 5.9, Rust 1.75 or NEEDS CLARIFICATION]\n\n```text\nspecs/[###-feature]/\n├── plan.md              # This file (__SPECKIT_COMMAND_PLAN__ command output)\n\n# [REMOVE IF UNUSED] Option 1: Single project (DEFAULT)\nsrc/\n\n# [REMOVE IF UNUSED] Option 3: Mobile + API (when \"iOS/Android\" detected)\napi/\n└── [same as backend above]\n```\n\n**Structure Decision**: [Document the selected structure and reference the real\ndirectories captured above]\n\n| Violation | Why Needed |\n|---|---|\n| [e.g., 4th project] | [current need] |\n";
        assert_eq!(
            run_with_related("plan.md", plan),
            [
                "plan.md:1: plan.md is still the template: 7 places hold placeholders; related information lists them [fix: Fill in the feature name 001-fixture]",
                "  plan.md:1: template placeholder [FEATURE] left unfilled",
                "  plan.md:3: template placeholders left unfilled: [###-feature-name], [DATE], [link]",
                "  plan.md:5: template placeholder __SPECKIT_COMMAND_PLAN__ left unfilled (2 times)",
                "  plan.md:7: template placeholder [e.g., Python 3.11, Swift 5.9, Rust 1.75 or NE…] left unfilled",
                "  plan.md:10: template placeholders left unfilled: specs/[###-feature]/, [REMOVE IF UNUSED] (2 times), [same as backend above]",
                "  plan.md:21: template placeholder [Document the selected structure and reference…] left unfilled",
                "  plan.md:26: template placeholders left unfilled: [e.g., 4th project], [current need]",
            ]
        );
    }

    #[test]
    fn the_fix_fills_in_the_feature_folder_name() {
        let files = [("spec.md", "**Feature Branch**: `[###-feature-name]`\n")];
        let found = findings("template-placeholder", &feature(&files));
        let fix = found[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, crate::analysis::Applicability::Safe);
        check_fix("template-placeholder", &files, "**Feature Branch**: `001-fixture`\n");
    }

    #[test]
    fn spec_template_sentences_and_tokens() {
        let spec = "# Feature Specification: [FEATURE NAME]\n\n**Input**: User description: \"$ARGUMENTS\"\n\n### User Story 1 - [Brief Title] (Priority: P1)\n\n[Describe this user journey in plain language]\n\n**Independent Test**: [Describe how this can be tested independently - e.g., \"Can be fully tested by [specific action] and delivers [specific value]\"]\n\n1. **Given** [initial state], **When** [action], **Then** [expected outcome]\n2. **Given** [initial state], **When** [action], **Then** [expected outcome]\n\n- **SC-004**: [Business metric, e.g., \"Reduce support tickets related to [X] by 50%\"]\n";
        assert_eq!(
            run_with_related("spec.md", spec),
            [
                "spec.md:1: spec.md is still the template: 7 places hold placeholders; related information lists them",
                "  spec.md:1: template placeholder [FEATURE NAME] left unfilled",
                "  spec.md:3: template placeholder $ARGUMENTS left unfilled",
                "  spec.md:5: template placeholder [Brief Title] left unfilled",
                "  spec.md:7: template placeholder [Describe this user journey in plain language] left unfilled",
                "  spec.md:9: template placeholder [Describe how this can be tested independently…] left unfilled",
                "  spec.md:11: template placeholders left unfilled: [initial state] (2 times), [action] (2 times), [expected outcome] (2 times)",
                "  spec.md:14: template placeholder [Business metric, e.g., \"Reduce support ticket…] left unfilled",
            ]
        );
    }

    #[test]
    fn a_placeholder_title_with_one_more_is_not_a_whole_template() {
        let spec = "# Feature Specification: [FEATURE NAME]\n\nInvites let owners add members.\n\n- **SC-001**: [Measurable metric, e.g., \"Users finish in 2 minutes\"]\n";
        assert_eq!(
            run("spec.md", spec),
            [
                "spec.md:1: template placeholder [FEATURE NAME] left unfilled",
                "spec.md:5: template placeholder [Measurable metric, e.g., \"Users finish in 2 m…] left unfilled",
            ]
        );
    }

    #[test]
    fn silent_on_real_brackets() {
        let tasks = "# Tasks: Invites\n\n## Format: `[ID] [P?] [Story] Description`\n\n- **[P]**: Can run in parallel\n\n- [ ] T001 [P] [US1] [iOS] [RED] Add `string[]` field in src/models/invite.ts\n- [x] T002 See [the plan](plan.md) and [docs][1], note[^1]\n- [X] T003 Show the snippet [first 100 chars] and relative time [e.g., \"Due in 3 days\"]\n- [ ] T004 Read `row[name]` in src/app/users/[id]/page.tsx\n\n[1]: https://example.com\n[^1]: A footnote.\n\n<!-- [FEATURE NAME] guidance in a comment -->\n\n```json\n{ \"roles\": [\"owner\", \"reader\"], \"range\": [0, 1] }\n```\n\n- [x] No [NEEDS CLARIFICATION] markers remain\n- Marker [NEEDS CLARIFICATION: which provider?]\n\n[NOT_LOADED] ---(startup)---> [LOADING]\n\n**Actual Result**: _[Fill during testing]_\n";
        assert_eq!(run("tasks.md", tasks), Vec::<String>::new());
    }

    #[test]
    fn constitution_names() {
        let text = "# [PROJECT_NAME] Constitution\n\n### [PRINCIPLE_1_NAME]\n\n[PRINCIPLE_1_DESCRIPTION]\n";
        assert_eq!(
            run_with_related("research.md", text),
            [
                "research.md:1: research.md is still the template: 3 places hold placeholders; related information lists them",
                "  research.md:1: template placeholder [PROJECT_NAME] left unfilled",
                "  research.md:3: template placeholder [PRINCIPLE_1_NAME] left unfilled",
                "  research.md:5: template placeholder [PRINCIPLE_1_DESCRIPTION] left unfilled",
            ]
        );
    }

    /// Every bracket of Spec Kit's own templates is covered by a finding,
    /// but for the labels, checkboxes, the format legend, clarification
    /// markers and HTML comments.
    #[test]
    fn the_upstream_templates_light_up() {
        let dir =
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/upstream/spec-kit-1.2.3"));
        let legit = ["P", "P?", "ID", "Story", "US1", "US2", "US3", "x", "X", " "];
        for name in [
            "spec-template.md",
            "plan-template.md",
            "tasks-template.md",
            "checklist-template.md",
            "constitution-template.md",
        ] {
            let text = std::fs::read_to_string(dir.join(name)).unwrap();
            let file = MarkdownFile::load(&text);
            let found: Vec<Span> = placeholders(file.blocks()).iter().map(|f| f.span).collect();
            let comments: Vec<(usize, usize)> = text
                .match_indices("<!--")
                .map(|(i, _)| (i, text[i..].find("-->").map_or(text.len(), |j| i + j)))
                .collect();
            let mut missed = Vec::new();
            for (open, _) in text.match_indices('[') {
                let Some(len) = text[open + 1..].find([']', '[', '\n']) else { continue };
                let close = open + 1 + len;
                let inner = &text[open + 1..close];
                if !text[close..].starts_with(']')
                    || legit.contains(&inner)
                    || inner.starts_with("NEEDS CLARIFICATION")
                    || text[close + 1..].starts_with('(')
                    || comments.iter().any(|(a, b)| (*a..*b).contains(&open))
                {
                    continue;
                }
                if !found.iter().any(|s| s.start <= open && close < s.end) {
                    missed.push(inner);
                }
            }
            assert!(missed.is_empty(), "{name}: not reported: {missed:?}");
        }
    }

    /// The three task templates specls was created from, read as tasks.md:
    /// every placeholder their README names is reported.
    #[test]
    fn the_seed_templates_light_up() {
        let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds"));
        let mut seeds: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("vendored seeds")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        seeds.sort();
        assert_eq!(seeds.len(), 3, "three seeds in {}", dir.display());
        let mut all = Vec::new();
        for seed in &seeds {
            let text = std::fs::read_to_string(seed).unwrap();
            let found = run_with_related("tasks.md", &text);
            assert!(found.iter().any(|f| f.contains("[FEATURE NAME]")), "{}: {found:?}", seed.display());
            assert!(
                found.iter().any(|f| f.contains("specs/[###-feature-name]/")),
                "{}: {found:?}",
                seed.display()
            );
            all.extend(found);
        }
        let joined = all.join("\n");
        for expected in [
            "placeholder [Title] left unfilled (3 times)",
            "placeholder backend/[file].py left unfilled (3 times)",
            "placeholder src/app/[path].tsx left unfilled (3 times)",
            "placeholder backend/tests/test_[module].py left unfilled",
            "placeholders left unfilled: [language], [framework]",
            "placeholder [Brief description of what this story delivers] left unfilled (3 times)",
            "placeholder [How to verify this story works on its own] left unfilled (3 times)",
        ] {
            assert!(joined.contains(expected), "{expected} not reported:\n{joined}");
        }
        // Labels, the format legend and the validation checklist stay quiet.
        for quiet in ["[P]", "[US1]", "[ID]", "[P?]", "[Story]"] {
            assert!(!all.iter().any(|f| f.contains(quiet)), "{quiet} reported:\n{joined}");
        }
    }
}
