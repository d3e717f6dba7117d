//! The rule registry: every rule's code, default severity and reference
//! page, in one place.

use super::context::Context;
use super::diagnostic::{Diagnostic, Severity};

/// What a rule is, independent of what it finds.
#[derive(Debug)]
pub struct RuleMeta {
    /// Stable kebab-case code: `duplicate-task-id`.
    pub code: &'static str,
    pub default_severity: Severity,
    /// The rule's doc comment, as markdown: its reference page.
    pub doc: &'static str,
}

impl RuleMeta {
    /// The doc comment with rustdoc's leading space removed from each line.
    pub fn page(&self) -> String {
        self.doc.lines().map(|line| line.strip_prefix(' ').unwrap_or(line)).collect::<Vec<_>>().join("\n")
    }

    /// The first paragraph of prose on the page (headings skipped): one
    /// line for `specls rules`.
    pub fn summary(&self) -> String {
        let page = self.page();
        let prose = page
            .lines()
            .skip_while(|line| line.trim().is_empty() || line.trim_start().starts_with('#'))
            .take_while(|line| !line.trim().is_empty() && !line.trim_start().starts_with('#'));
        prose.collect::<Vec<_>>().join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// A check over a feature folder.
pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Push what the rule finds; severity defaults to the rule's own.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>);
}

/// Declare a rule type whose doc comment becomes its reference page:
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct DuplicateTaskId { code: "duplicate-task-id", severity: Error }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:expr])*
        $vis:vis struct $name:ident { code: $code:literal, severity: $severity:ident $(,)? }
    ) => {
        $(#[doc = $doc])*
        $vis struct $name;

        impl $name {
            pub const META: $crate::analysis::RuleMeta = $crate::analysis::RuleMeta {
                code: $code,
                default_severity: $crate::analysis::Severity::$severity,
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// Every rule, in catalogue order.
pub fn all_rules() -> impl Iterator<Item = &'static dyn Rule> {
    super::rules::FAMILIES.iter().flat_map(|family| family.iter().copied())
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static dyn Rule> {
    all_rules().find(|r| r.meta().code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_first_prose_paragraph() {
        let meta = RuleMeta {
            code: "x",
            default_severity: Severity::Info,
            doc: " ## What it does\n Reports a thing\n across lines.\n\n ## Why\n Because.\n",
        };
        assert_eq!(meta.summary(), "Reports a thing across lines.");
    }

    /// Codes are what users write in `specls.toml` and suppression
    /// comments: each must name one rule and read like the others.
    #[test]
    fn rule_codes_are_unique_and_kebab_case() {
        let mut seen = std::collections::BTreeSet::new();
        for each in all_rules() {
            let code = each.meta().code;
            assert!(seen.insert(code), "two rules share the code {code}");
            let kebab = !code.is_empty()
                && code.split('-').all(|word| {
                    !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
                });
            assert!(kebab, "{code} is not kebab-case");
            assert_eq!(rule(code).map(|r| r.meta().code), Some(code));
        }
        assert!(seen.len() >= 31, "{} rules registered", seen.len());
    }
}
