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
pub(crate) fn concerns_in(lower: &str) -> u16 {
    const { assert!(CONCERNS.len() <= 16, "a concern is a bit of a u16") };
    let uses = |concern: &Concern| concern.task.iter().any(|term| has_term(lower, term));
    CONCERNS.iter().enumerate().filter(|(_, c)| uses(c)).fold(0, |bits, (i, _)| bits | 1 << i)
}
