use crate::analysis::{Context, Diagnostic, Rule, RuleMeta};
use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports an HTTP operation of a contract (`POST /api/users` in an
    /// OpenAPI file or a markdown contract) that no implementation task
    /// names.
    ///
    /// An implementation task is any task outside tests phases and tests
    /// subsections whose description does not open with a test ("Contract
    /// test ...", "Write failing test ...") and whose files are not all
    /// test files. It names an operation by `METHOD /path` (path
    /// parameters `{id}`, `:id`, `<id>`, trailing slashes and an `/api`,
    /// version or base-path prefix don't matter; a parameter stands for any
    /// one segment), by a bare `/path` written without another method in
    /// front, by its `operationId`, or by the words of its last segment
    /// when there are two or more ("merge preview" for
    /// `/devices/merge-preview`). A task that names the contract file
    /// (`jira_browser.py` or "Jira browser routes" for
    /// `jira-browser.openapi.yaml`) but none of its operations covers all
    /// of them.
    /// An operation defined in several contract files is reported once,
    /// where it is first defined. An operation that has no test either,
    /// while other operations of its contract have tests, is left to
    /// contract-without-test, whose finding says both. Features whose tasks.md holds no tasks
    /// yet are not checked, nor a tasks.md whose task lines mostly lack IDs
    /// (`tasks-without-ids` reports it): its tasks are the lines without IDs.
    ///
    /// ## Why is this bad?
    /// The contract promises the endpoint; with no task building it, the
    /// feature is "done" when the tasks are, and the endpoint is missing.
    ///
    /// ## Example
    /// `contracts/users.yaml` defines `DELETE /api/users/{id}`, and the
    /// only tasks about users are:
    /// ```markdown
    /// - [ ] T010 Implement POST /api/users in src/api/users.py
    /// - [ ] T011 Implement GET /api/users/:id in src/api/users.py
    /// ```
    ///
    /// ## Fix
    /// None: add the task where the work belongs (the story that needs the
    /// endpoint), or drop the operation from the contract.
    pub struct EndpointWithoutTask { code: "endpoint-without-task", severity: Warning }
}

impl Rule for EndpointWithoutTask {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some((_, doc)) = cx.tasks() else { return };
        if doc.tasks.is_empty() || cx.tasks_lack_ids() || cx.feature.contracts().next().is_none() {
            return;
        }
        let coverage = cx.coverage();
        let first_definitions = coverage.first_definitions();
        for (index, contract) in coverage.contracts.iter().enumerate() {
            let built = coverage.built(index);
            // An operation with no test either is contract-without-test's
            // finding, which says both: one line, one finding.
            let tested = coverage.tested(index).filter(|tested| tested.reported_one_by_one());
            let untested = |operation: usize| tested.as_ref().is_some_and(|tested| !tested.has(operation));
            let file = contract.file;
            for (number, operation) in contract.doc.operations.iter().enumerate() {
                let first = first_definitions[index][number];
                if !first || built.has(number) || untested(number) {
                    continue;
                }
                let message = format!("no implementation task names {}", operation.label());
                out.push(cx.report(Self::META.default_severity, file, operation.span, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::check;

    const OPENAPI: &str = "openapi: 3.0.0\npaths:\n  /api/users:\n    post:\n      operationId: createUser\n  /api/users/{id}:\n    get:\n      operationId: getUser\n    delete:\n      operationId: deleteUser\n";

    const TASKS: &str = "## Phase 3.2: Tests First\n- [ ] T001 [P] Contract test DELETE /api/users/{id} in tests/contract/test_users_delete.py\n\n## Phase 3.3: Core Implementation\n- [ ] T002 Implement POST /api/users in src/api/users.py\n- [ ] T003 Implement `GET /api/users/:id/` in src/api/users.py\n";

    #[test]
    fn fires_on_an_operation_only_tests_name() {
        let found = check("endpoint-without-task", &[("tasks.md", TASKS), ("contracts/users.yaml", OPENAPI)]);
        assert_eq!(found, ["contracts/users.yaml:9: no implementation task names DELETE /api/users/{id}"]);
    }

    #[test]
    fn silent_when_a_task_names_the_path_or_the_operation_id() {
        let tasks = format!("{TASKS}- [ ] T004 Wire deleteUser handler in src/api/users.py\n");
        let found =
            check("endpoint-without-task", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)]);
        assert!(found.is_empty(), "{found:?}");
        let tasks =
            format!("{TASKS}- [ ] T004 Add the /api/v1/users/<id> route for deletion in src/api/users.py\n");
        assert!(
            check("endpoint-without-task", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)])
                .is_empty()
        );
    }

    #[test]
    fn another_method_on_the_same_path_does_not_count() {
        let tasks = format!("{TASKS}- [ ] T004 Implement PUT /api/users/{{id}} in src/api/users.py\n");
        let found =
            check("endpoint-without-task", &[("tasks.md", &tasks), ("contracts/users.yaml", OPENAPI)]);
        assert_eq!(found, ["contracts/users.yaml:9: no implementation task names DELETE /api/users/{id}"]);
    }

    #[test]
    fn a_task_about_the_whole_contract_covers_its_operations() {
        let tasks = "- [ ] T001 Implement the user routes in src/api/users_routes.py\n";
        assert!(
            check("endpoint-without-task", &[("tasks.md", tasks), ("contracts/user-routes.yaml", OPENAPI)])
                .is_empty()
        );
        let tasks = "- [ ] T001 Implement POST /api/users in src/api/users_routes.py\n";
        let found =
            check("endpoint-without-task", &[("tasks.md", tasks), ("contracts/user-routes.yaml", OPENAPI)]);
        assert_eq!(
            found,
            [
                "contracts/user-routes.yaml:7: no implementation task names GET /api/users/{id}",
                "contracts/user-routes.yaml:9: no implementation task names DELETE /api/users/{id}"
            ]
        );
    }

    #[test]
    fn an_operation_in_two_contracts_is_reported_once() {
        let markdown = "# API\n\n### DELETE /api/users/{id}\n\nDeletes a user.\n";
        let found = check(
            "endpoint-without-task",
            &[("tasks.md", TASKS), ("contracts/users.yaml", OPENAPI), ("contracts/users.md", markdown)],
        );
        assert_eq!(found, ["contracts/users.md:3: no implementation task names DELETE /api/users/{id}"]);
    }

    #[test]
    fn an_operation_with_neither_test_nor_task_is_contract_without_tests_finding() {
        // DELETE has a test but no implementation; PATCH has neither, so
        // contract-without-test reports it, saying both.
        let openapi = format!("{OPENAPI}    patch:\n      operationId: patchUser\n");
        let files = [("tasks.md", TASKS), ("contracts/users.yaml", openapi.as_str())];
        let found = check("endpoint-without-task", &files);
        assert_eq!(found, ["contracts/users.yaml:9: no implementation task names DELETE /api/users/{id}"]);
        let found = check("contract-without-test", &files);
        let patch = "contracts/users.yaml:11: no test task names PATCH /api/users/{id} of contracts/users.yaml, nor any implementation task";
        assert!(found.iter().any(|finding| finding.starts_with(patch)), "{found:?}");
    }

    #[test]
    fn without_any_test_task_every_unbuilt_operation_is_reported_here() {
        let tasks = "- [ ] T001 Implement POST /api/users in src/api/users.py\n";
        let found = check("endpoint-without-task", &[("tasks.md", tasks), ("contracts/users.yaml", OPENAPI)]);
        assert_eq!(
            found,
            [
                "contracts/users.yaml:7: no implementation task names GET /api/users/{id}",
                "contracts/users.yaml:9: no implementation task names DELETE /api/users/{id}",
            ]
        );
    }
}
