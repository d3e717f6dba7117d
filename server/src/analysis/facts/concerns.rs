//! The kinds of work a constitution gate can ask for, and which of them
//! a text does: kept per block in the coverage signals
//! (constitution-gate-uncovered).

/// A kind of work a constitution gate can ask for.
pub(crate) struct Concern {
    pub name: &'static str,
    /// Words of a gate that asks for it.
    pub gate: &'static [&'static str],
    /// Words of a task that does it; empty: any test task.
    pub task: &'static [&'static str],
}

pub(crate) const CONCERNS: &[Concern] = &[
    Concern {
        name: "tenant isolation",
        gate: &["tenant", "row level security", "row-level security", "rls"],
        task: &["tenant", "rls", "row level security", "row-level security", "isolation"],
    },
    Concern {
        name: "contract-first",
        gate: &[
            "contract-first",
            "contract first",
            "contracts first",
            "api contract",
            "contract test",
            "interface-before-implementation",
            "thick contracts",
        ],
        task: &["contract", "openapi", "schema", "interface"],
    },
    Concern { name: "outbox", gate: &["outbox"], task: &["outbox"] },
    Concern {
        name: "observability/audit",
        gate: &["observab", "audit", "telemetry", "tracing", "logging"],
        task: &[
            "observab",
            "telemetry",
            "log",
            "metric",
            "tracing",
            "trace",
            "span",
            "audit",
            "opentelemetry",
            "otel",
            "monitor",
            "dashboard",
            "alert",
        ],
    },
    Concern {
        name: "lifecycle",
        gate: &["lifecycle", "life cycle", "cascade", "state machine"],
        task: &["lifecycle", "life cycle", "cascade", "state machine", "transition"],
    },
    Concern {
        name: "SLO/performance",
        gate: &["slo", "performance", "latency", "p95", "p99", "fps", "throughput"],
        task: &[
            "performance",
            "perf",
            "latency",
            "benchmark",
            "slo",
            "p95",
            "p99",
            "load test",
            "throughput",
            "fps",
            "profil",
            "optimi",
        ],
    },
    Concern {
        name: "test-first",
        gate: &["test-first", "test first", "tdd", "test-driven", "testing", "test coverage"],
        task: &[],
    },
    Concern {
        name: "security",
        gate: &["security", "secure"],
        task: &[
            "secur",
            "auth",
            "secret",
            "sanitiz",
            "sanitis",
            "permission",
            "encrypt",
            "csrf",
            "xss",
            "vulnerab",
            "rls",
            "credential",
            "token",
        ],
    },
    Concern {
        name: "accessibility",
        gate: &["accessib", "a11y", "wcag"],
        task: &["accessib", "a11y", "aria", "screen reader", "keyboard", "focus", "wcag", "contrast"],
    },
    Concern {
        name: "documentation",
        gate: &["documentation"],
        task: &["doc", "readme", "comment", "guide", "changelog", "kdoc", "jsdoc", "tsdoc", "dartdoc"],
    },
    Concern {
        name: "i18n",
        gate: &["i18n", "internationali", "localization", "localisation", "translation"],
        task: &["i18n", "l10n", "translat", "locale", "locali", "internationali"],
    },
];

/// Whether `text` (lower-cased) has `term` at the start of a word.
pub(crate) fn has_term(text: &str, term: &str) -> bool {
    text.match_indices(term).any(|(at, _)| !text[..at].chars().next_back().is_some_and(char::is_alphanumeric))
}

/// The concerns whose task words `lower` (a lower-cased text) uses: bit
/// `i` for `CONCERNS[i]`. Kept per block in the coverage signals.
///
/// One pass over the starts of words, trying only the terms that begin
/// with the word's first byte: searching the text once per term cost a
/// hundred scans of every block.
pub(crate) fn concerns_in(lower: &str) -> u16 {
    const { assert!(CONCERNS.len() <= 16, "a concern is a bit of a u16") };
    let by_first_byte = terms_by_first_byte();
    let mut bits = 0;
    let mut after_alphanumeric = false;
    for (at, c) in lower.char_indices() {
        if !after_alphanumeric && c.is_ascii() {
            let rest = &lower[at..];
            for &(concern, term) in &by_first_byte[c as usize] {
                if crate::text::bytes_at(rest.as_bytes(), 0, term.as_bytes()) {
                    bits |= 1 << concern;
                }
            }
        }
        after_alphanumeric = c.is_alphanumeric();
    }
    bits
}

/// Every concern's task words, by their first byte (all are ASCII).
fn terms_by_first_byte() -> &'static [Vec<(u16, &'static str)>; 128] {
    static TABLE: std::sync::OnceLock<[Vec<(u16, &'static str)>; 128]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = std::array::from_fn(|_| Vec::new());
        for (i, concern) in CONCERNS.iter().enumerate() {
            for term in concern.task {
                table[usize::from(term.as_bytes()[0] & 0x7f)].push((i as u16, *term));
            }
        }
        table
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: each term searched on its own.
    fn concerns_by_search(lower: &str) -> u16 {
        let uses = |concern: &Concern| concern.task.iter().any(|term| has_term(lower, term));
        CONCERNS.iter().enumerate().filter(|(_, c)| uses(c)).fold(0, |bits, (i, _)| bits | 1 << i)
    }

    #[test]
    fn one_pass_finds_what_searching_each_term_finds() {
        for text in [
            "add rls policy and audit log for tenant isolation",
            "write the readme; profile the p95 latency",
            "catalog dialog blog: not a log word",
            "é-token, x-auth, 漢字secret, (doc) [i18n]",
            "keyboard focus and screen reader contrast",
            "",
            "state machine transitions; life cycle; cascade",
        ] {
            assert_eq!(concerns_in(text), concerns_by_search(text), "{text}");
        }
        assert_ne!(concerns_in("add rls policy"), 0);
    }
}
