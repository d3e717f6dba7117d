use crate::analysis::facts::spec_findings::{SpecFinding, kept_spec_findings};
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::feature::FeatureFile;
use crate::model::spec::{RequirementKind, SpecDoc};
use crate::text::{LowerCased, Span};

/// The unmeasurable words looked for unless `specls.toml` names others.
pub(crate) const DEFAULT_WORDS: &[&str] = &[
    "fast",
    "quickly",
    "intuitive",
    "robust",
    "scalable",
    "secure",
    "securely",
    "user-friendly",
    "efficient",
    "efficiently",
    "seamless",
    "seamlessly",
];

/// Subjective outcomes a success criterion cannot be measured by, on top
/// of the configured words.
const SUBJECTIVE_OUTCOMES: &[&str] = &[
    "satisfied",
    "satisfaction",
    "happy",
    "improved",
    "better",
    "easier",
    "easy",
    "easily",
    "smooth",
    "smoothly",
    "pleasant",
    "confident",
];

/// What pins a vague word down when it follows it: the mechanism or the
/// observable criterion (`securely using the OS keychain`, `seamlessly
/// without leaving the page`).
const CRITERIA: &[&str] = &["using ", "via ", "without ", "within ", "such as", "e.g.", "i.e.", "defined as"];

declare_rule! {
    /// ## What it does
    /// Reports a functional requirement or success criterion of spec.md
    /// that leans on an unmeasurable word (fast, quickly, intuitive,
    /// robust, scalable, secure, user-friendly, efficient, seamless)
    /// without a number, unit or concrete criterion to pin it down, and a
    /// success criterion whose outcome is a feeling (satisfied, improved,
    /// better, easy, smooth) without a number.
    ///
    /// A concrete criterion is what follows the word: `securely using the
    /// OS keychain`, `seamlessly without leaving the page`, `fast (within
    /// 2 s)`. A criterion that is checkable without a number ("Jira
    /// controls are absent", "covered by automated tests") is not
    /// reported.
    ///
    /// The word list is configurable in `specls.toml`:
    ///
    /// ```toml
    /// [vague-requirement]
    /// words = ["fast", "snappy", "robust"]
    /// ```
    ///
    /// ## Why is this bad?
    /// Spec Kit asks for testable, unambiguous requirements and measurable
    /// success criteria: "the page loads fast" cannot fail a test, so it
    /// cannot pass one either, and every reader fills in their own number.
    ///
    /// ## Example
    /// ```markdown
    /// - **FR-004**: Search MUST be fast and intuitive
    /// - **SC-002**: Users are satisfied with the export
    /// ```
    ///
    /// ## Fix
    /// State the measure: "Search MUST return results within 300 ms for
    /// 10,000 records", "SC-002: 90% of users complete an export on the
    /// first try". There is no quick fix.
    pub struct VagueRequirement { code: "vague-requirement", severity: Warning }
}

impl Rule for VagueRequirement {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((file, spec)) = cx.feature.spec() else { return };
        let configured = cx.config().and_then(|c| c.vague_words.as_deref());
        // spec.md rarely changes while tasks.md is typed into: its
        // findings are kept for that version of it and those words.
        let find = || vague_requirements(file, spec, configured);
        let Some(found) = kept_spec_findings(cx.feature, |facts| &facts.rare().vague, configured, find)
        else {
            return;
        };
        for (span, message) in found.iter() {
            out.push(cx.report(Self::META.default_severity, file, *span, message.clone()));
        }
    }
}

/// Requirements of `spec` (in `file`) that say a vague word (from
/// `configured`, else the defaults) without a number: (span, message).
fn vague_requirements(file: &FeatureFile, spec: &SpecDoc, configured: Option<&[String]>) -> Vec<SpecFinding> {
    let words: Vec<String> = match configured {
        Some(words) => words.iter().map(|w| w.to_lowercase()).collect(),
        None => DEFAULT_WORDS.iter().map(|w| w.to_string()).collect(),
    };
    let mut found = Vec::new();
    for requirement in &spec.requirements {
        if requirement.kind == RequirementKind::Other {
            continue;
        }
        let line = file.document.slice(requirement.span);
        let after_id = requirement.id_span.end.saturating_sub(requirement.span.start).min(line.len());
        let body = &line[after_id..];
        if has_number(body) {
            continue;
        }
        let lower = LowerCased::of(body);
        let start = requirement.span.start + after_id;
        // Found in the lower case, whose offsets are not the body's after
        // a letter whose lower case has another length (`İ`).
        let span_of =
            |at: usize, word: &str| lower.original_span(Span::new(at, at + word.len())).offset_by(start);
        if let Some((word, at)) = vague_word(&lower.text, &words) {
            let span = span_of(at, word);
            let message =
                format!("{} says \"{word}\" without a number or unit that makes it testable", requirement.id);
            found.push((span, message));
            continue;
        }
        if requirement.kind != RequirementKind::SuccessCriterion {
            continue;
        }
        let outcomes: Vec<String> = SUBJECTIVE_OUTCOMES.iter().map(|w| w.to_string()).collect();
        if let Some((word, at)) = vague_word(&lower.text, &outcomes) {
            let span = span_of(at, word);
            let message = format!(
                "{} states no measurable value: \"{word}\" needs a number (a percentage, a count, a time)",
                requirement.id
            );
            found.push((span, message));
        }
    }
    found
}

fn has_number(text: &str) -> bool {
    text.bytes().any(|b| b.is_ascii_digit())
}

/// The first of `words` standing in `lower` with no concrete criterion
/// right after it.
fn vague_word<'w>(lower: &str, words: &'w [String]) -> Option<(&'w str, usize)> {
    words.iter().find_map(|w| {
        let at = find_word(lower, w)?;
        let after = lower[at + w.len()..].trim_start();
        let pinned = CRITERIA.iter().any(|c| after.contains(c));
        (!pinned).then_some((w.as_str(), at))
    })
}

/// The offset of `word` in `lower` where it stands as a whole word.
fn find_word(lower: &str, word: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    lower.match_indices(word).map(|(at, _)| at).find(|&at| {
        let before = lower[..at].chars().next_back().is_none_or(|c| !is_word(c));
        let after = lower[at + word.len()..].chars().next().is_none_or(|c| !is_word(c));
        before && after
    })
}

#[cfg(test)]
mod tests {
    use crate::analysis::{RuleConfig, analyze};
    use crate::testing::{check, feature, findings, text_of};

    const SPEC: &str = "# Spec\n\n## Requirements\n\n- **FR-001**: Search MUST be fast and intuitive\n- **FR-002**: Search MUST return results within 300 ms\n- **FR-003**: Login MUST be secure-ish? No: MUST use a secure channel\n- **FR-004**: Users MUST be able to export CSV\n- **FR-005**: Keys MUST be stored securely using the OS keychain\n\n## Success Criteria\n\n- **SC-001**: Users are satisfied with the export\n- **SC-002**: 90% of users finish on the first try\n- **SC-003**: All exports open in a spreadsheet\n";

    #[test]
    fn fires_on_vague_words_without_numbers_and_unmeasured_criteria() {
        assert_eq!(
            check("vague-requirement", &[("spec.md", SPEC)]),
            [
                "spec.md:5: FR-001 says \"fast\" without a number or unit that makes it testable",
                "spec.md:7: FR-003 says \"secure\" without a number or unit that makes it testable",
                "spec.md:13: SC-001 states no measurable value: \"satisfied\" needs a number (a percentage, a count, a time)",
            ]
        );
    }

    #[test]
    fn the_word_list_is_configurable() {
        let mut config = RuleConfig::from_toml("[vague-requirement]\nwords = [\"export\"]\n").unwrap();
        config.select(&["vague-requirement".to_string()]).unwrap();
        let feature = feature(&[("spec.md", SPEC)]);
        let found: Vec<String> = analyze(&feature, &config).iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            found,
            [
                "FR-004 says \"export\" without a number or unit that makes it testable",
                "SC-001 says \"export\" without a number or unit that makes it testable",
            ]
        );
    }

    #[test]
    fn marks_the_word_after_letters_whose_lower_case_changes_length() {
        // `İ` lower-cases to one byte more, the Kelvin sign to two less.
        let spec = "# Spec\n\n## Requirements\n\n- **FR-001**: İİ search MUST be FAST\n- **FR-002**: \u{212A}\u{212A}\u{212A} export MUST be Intuitive\n\n## Success Criteria\n\n- **SC-001**: İ users are Satisfied\n";
        let feature = feature(&[("spec.md", spec)]);
        let marked: Vec<String> = findings("vague-requirement", &feature)
            .iter()
            .map(|d| text_of(&feature, "spec.md", d.span))
            .collect();
        assert_eq!(marked, ["FAST", "Intuitive", "Satisfied"]);
    }

    /// The findings are kept for a version of spec.md and a word list: a
    /// second analysis of the same spec.md with other words (settings
    /// changed in the editor) finds with those words, and the first words
    /// again after that.
    #[test]
    fn kept_findings_follow_the_word_list() {
        let feature = feature(&[("spec.md", SPEC)]);
        let messages = |config: &RuleConfig| -> Vec<String> {
            let found = analyze(&feature, config);
            found.iter().filter(|d| d.code == "vague-requirement").map(|d| d.message.clone()).collect()
        };
        let default = RuleConfig::default();
        let export = RuleConfig::from_toml("[vague-requirement]\nwords = [\"export\"]\n").unwrap();
        let first = messages(&default);
        assert_eq!(first.len(), 3, "{first:?}");
        assert_eq!(messages(&export).len(), 2);
        assert_eq!(messages(&default), first);
        assert_eq!(messages(&export).len(), 2);
    }
}
