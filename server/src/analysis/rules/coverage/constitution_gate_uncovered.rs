use crate::analysis::facts::concerns::{CONCERNS, Concern, has_term};
use crate::analysis::facts::coverage::Coverage;
use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;
use crate::model::plan::GateState;

declare_rule! {
    /// ## What it does
    /// Reports a gate of plan.md's Constitution Check that asks for
    /// concrete work (tenant isolation, contract-first, outbox,
    /// observability, lifecycle, SLOs, ...) when no task mentions that
    /// work.
    ///
    /// specls knows these gates, by the words of the gate and the words a
    /// task would use:
    ///
    /// | Gate | Gate says | A task says |
    /// |---|---|---|
    /// | tenant isolation | tenant, row level security, RLS | tenant, RLS, row-level security, isolation |
    /// | contract-first | contract-first, API contract, contract test, interface-before-implementation | contract, OpenAPI, schema, interface |
    /// | outbox | outbox | outbox |
    /// | observability/audit | observability, audit, telemetry, tracing, logging | log, metric, trace, span, audit, telemetry, OpenTelemetry, monitor, dashboard, alert |
    /// | lifecycle | lifecycle, cascade, state machine | lifecycle, cascade, state machine, transition |
    /// | SLO/performance | SLO, performance, latency, p95, fps, throughput | performance, perf, latency, benchmark, SLO, p95, load test, throughput, fps, profiling, optimise |
    /// | test-first | test-first, TDD, test-driven, testing, test coverage | any test task |
    /// | security | security, secure | security, auth, secret, sanitise, permission, encrypt, credential, token, RLS |
    /// | accessibility | accessibility, a11y, WCAG | accessibility, a11y, ARIA, screen reader, keyboard, focus, contrast |
    /// | documentation | documentation | doc, README, comment, guide, changelog |
    /// | i18n | i18n, internationalisation, localisation, translation | i18n, l10n, translate, locale |
    ///
    /// Other gates (simplicity, YAGNI, naming, ...) name no work and are
    /// not checked; nor are summary lines (`**Gate Result**: PASS`), gates
    /// the plan itself marks `N/A`, partial (⚠️) or failed (the plan
    /// already says the work is not all there), gates that name what
    /// the plan avoids (`No new dependencies`), and passed gates whose
    /// justification says the feature asks no such work (`PASS: Zero
    /// accessibility changes`, `| Security-First | PASS | No new attack
    /// surface |`). A concern is reported once, at the first gate that
    /// names it. Words match at the start of a word, so "log" finds
    /// "logging" but not "catalog". Features whose tasks.md holds no tasks
    /// yet are not checked, nor a tasks.md whose task lines mostly lack IDs
    /// (`tasks-without-ids` reports it): its tasks are the lines without IDs.
    ///
    /// ## Why is this bad?
    /// The plan passed the gate on the promise that the work would be
    /// done; if no task does it, the promise is lost between plan and
    /// implementation.
    ///
    /// ## Example
    /// plan.md's Constitution Check has `- [x] Outbox publishing for all
    /// domain events`, and no task mentions the outbox.
    ///
    /// ## Fix
    /// None: add the task that keeps the promise (`- [ ] T016 Configure
    /// the outbox dispatcher in src/workers/outbox.py`), or revisit the
    /// gate.
    pub struct ConstitutionGateUncovered { code: "constitution-gate-uncovered", severity: Warning }
}

/// A gate that names what the plan will not do.
fn is_negated(text: &str) -> bool {
    let lower = text.trim_start_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    ["no ", "not ", "without ", "avoid", "none"].iter().any(|p| lower.starts_with(p))
}

/// A passed gate whose justification says the feature does no such work:
/// `WCAG AA compliance verified - **PASS**: Zero accessibility changes`,
/// `| I. Security-First | PASS | No new attack surface |`.
fn asks_no_work(line: &str) -> bool {
    let lower = format!(" {} ", line.to_lowercase());
    [
        " no new ",
        " zero ",
        " no changes",
        " no change ",
        " not affected",
        " unaffected",
        " no impact",
        " unchanged",
        " not applicable",
        " not relevant",
        " does not apply",
        " no additional",
        " out of scope",
        " nothing to ",
    ]
    .iter()
    .any(|phrase| lower.contains(phrase))
}

/// Whether some task does the work of concern `CONCERNS[index]`.
fn covered(index: usize, concern: &Concern, coverage: &Coverage) -> bool {
    if concern.task.is_empty() {
        return coverage.has_tests();
    }
    coverage.concerns & 1 << index != 0
}

impl Rule for ConstitutionGateUncovered {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let (Some((_, doc)), Some((plan_file, plan))) = (cx.tasks(), cx.feature.plan()) else { return };
        if doc.tasks.is_empty() || cx.tasks_lack_ids() {
            return;
        }
        let coverage = cx.coverage();
        let mut done = vec![false; CONCERNS.len()];
        for gate in &plan.constitution {
            let admitted =
                matches!(gate.state, Some(GateState::NotApplicable | GateState::Partial | GateState::Fail));
            if gate.summary || admitted || is_negated(&gate.text) {
                continue;
            }
            let passed = matches!(gate.state, Some(GateState::Pass));
            if passed && asks_no_work(&plan_file.document.slice(gate.span)) {
                continue;
            }
            let lower = gate.text.to_lowercase();
            for (i, concern) in CONCERNS.iter().enumerate() {
                if done[i] || !concern.gate.iter().any(|term| has_term(&lower, term)) {
                    continue;
                }
                done[i] = true;
                if covered(i, concern, coverage) {
                    continue;
                }
                let line = plan_file.document.line_span(plan_file.document.line_of(gate.span.start));
                let looked_for = if concern.task.is_empty() {
                    "a test task".to_string()
                } else {
                    concern.task.iter().take(6).copied().collect::<Vec<_>>().join(", ")
                };
                let message = format!(
                    "no task covers the {} gate \"{}\" (looked for: {looked_for})",
                    concern.name,
                    gate.text.trim()
                );
                out.push(cx.report(Self::META.default_severity, plan_file, line, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const PLAN: &str = "# Plan\n\n## Constitution Check\n\n- [x] Tenant isolation enforced on every query\n- [x] Outbox publishing for domain events\n- [x] Observability: structured logging and audit trail\n- [x] Simplicity: no new services\n- [x] No new dependencies for tracing\n";

    #[test]
    fn fires_on_a_gate_no_task_works_on() {
        let tasks =
            "- [ ] T001 Add tenant guard in src/guard.py\n- [ ] T002 Wire structured logging in src/log.py\n";
        let found = check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", PLAN)]);
        assert_eq!(
            found,
            [
                "plan.md:6: no task covers the outbox gate \"Outbox publishing for domain events\" (looked for: outbox)"
            ]
        );
    }

    #[test]
    fn silent_when_tasks_mention_the_work() {
        let tasks = "- [ ] T001 Tenant-scoped repository\n- [ ] T002 Transactional outbox writer\n- [ ] T003 Audit logging\n";
        assert!(check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", PLAN)]).is_empty());
    }

    #[test]
    fn the_gates_of_the_multi_tenant_template() {
        // The Constitution gates of seed 001 against its own tasks: only the
        // lifecycle cascades have no task.
        let plan = "## Constitution Check\n\n- [x] Tenant isolation\n- [x] Contract-first artifacts\n- [x] Outbox publishing\n- [x] Observability/audit\n- [x] Lifecycle integrity cascades\n- [x] SLO validation\n";
        let tasks = "## Phase 3.2: Tests First\n- [ ] T004 [P] Contract test POST /api/v1/tenants/{tenantId}/schools in tests/contract/test_schools_post.py\n## Phase 3.3: Core\n- [ ] T008 [P] School aggregate with tenant guard in src/models/school.py\n- [ ] T010 [P] Transactional outbox writer in src/services/outbox_publisher.py\n- [ ] T014 Error handling with problem+json responses and audit logging\n## Phase 3.5: Polish\n- [ ] T020 Performance regression test for roster SLOs in tests/perf/test_roster_latency.py\n";
        assert_eq!(
            check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]),
            [
                "plan.md:7: no task covers the lifecycle gate \"Lifecycle integrity cascades\" (looked for: lifecycle, life cycle, cascade, state machine, transition)"
            ]
        );
    }

    #[test]
    fn gates_the_plan_admits_are_left_alone() {
        let plan = "## Constitution Check\n\n| Principle | Status |\n|---|---|\n| Outbox | ⚠️ PARTIAL: later |\n| Tenant isolation | N/A |\n";
        let tasks = "- [ ] T001 Build x in src/x.py\n";
        assert!(check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]).is_empty());
    }

    #[test]
    fn passed_gates_that_ask_for_no_work_are_left_alone() {
        let plan = "## Constitution Check\n\n- [x] WCAG AA compliance verified - **PASS**: Zero accessibility changes\n\n\
                    | Principle | Status | Notes |\n|---|---|---|\n| I. Security-First | PASS | No new attack surface |\n";
        let tasks = "- [ ] T001 Build x in src/x.py\n";
        assert!(check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]).is_empty());
        let plan = "## Constitution Check\n\n| Principle | Status | Notes |\n|---|---|---|\n| I. Security-First | PASS | Inputs validated |\n";
        assert_eq!(
            check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]),
            [
                "plan.md:5: no task covers the security gate \"I. Security-First\" (looked for: secur, auth, secret, sanitiz, sanitis, permission)"
            ]
        );
    }

    #[test]
    fn words_match_at_word_starts_only() {
        let plan = "## Constitution Check\n\n- [x] Observability\n";
        let tasks = "- [ ] T001 Build the catalog dialog\n";
        assert_eq!(
            check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]),
            [
                "plan.md:3: no task covers the observability/audit gate \"Observability\" (looked for: observab, telemetry, log, metric, tracing, trace)"
            ]
        );
    }

    #[test]
    fn test_first_gates_want_a_test_task() {
        let plan = "## Constitution Check\n\n| Principle | Status |\n|---|---|\n| III. Test-Driven Development | ✅ PASS |\n";
        let tasks = "- [ ] T001 Build x in src/x.py\n";
        assert_eq!(
            check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]),
            [
                "plan.md:5: no task covers the test-first gate \"III. Test-Driven Development\" (looked for: a test task)"
            ]
        );
        let tasks = "- [ ] T001 Build x in src/x.py\n- [ ] T002 Unit tests in tests/test_x.py\n";
        assert!(check("constitution-gate-uncovered", &[("tasks.md", tasks), ("plan.md", plan)]).is_empty());
    }
}
