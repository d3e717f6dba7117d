//! Which items of a contract the tasks test and which operations they
//! build, worked out once for contract-without-test and
//! endpoint-without-task alike, so that an operation with neither a test
//! nor an implementation task is reported by one rule, not by both.

use crate::analysis::facts::coverage::{ContractNeedles, Coverage};

/// Which items of one contract some of the tasks name.
pub(super) struct Covered {
    /// A task names the contract file but none of its items ("contract
    /// tests for all Jira browser routes"): it covers them all.
    pub whole_file: bool,
    /// Per item, whether a task names it.
    items: Vec<bool>,
}

impl Covered {
    pub fn has(&self, item: usize) -> bool {
        self.whole_file || self.items[item]
    }
}

/// Which items of contract `index` (its operations, then its events) a
/// test task names. `None` when contract-without-test does not check the
/// feature: it has no test task at all (tests are optional).
pub(super) fn tested_items(coverage: &Coverage, index: usize, contract: &ContractNeedles) -> Option<Covered> {
    if !coverage.has_tests() {
        return None;
    }
    let items = contract.doc.operations.len() + contract.doc.events.len();
    let tests = coverage.named.iter().copied().filter(|&t| coverage.kind(t).test);
    Some(covered(coverage, index, items, tests, items == 0))
}

/// Which operations of contract `index` an implementation task names.
pub(super) fn built_operations(coverage: &Coverage, index: usize, contract: &ContractNeedles) -> Covered {
    let operations = contract.doc.operations.len();
    let builders = coverage.named.iter().copied().filter(|&t| coverage.kind(t).implementation);
    covered(coverage, index, operations, builders, false)
}

/// Whether contract-without-test reports the untested items of a contract
/// one by one, at each item: some of its items have tests, others don't.
/// (With none tested, it reports the file once, on its first line.)
pub(super) fn reported_one_by_one(tested: &Covered) -> bool {
    !tested.whole_file && tested.items.iter().any(|&t| t) && tested.items.iter().any(|&t| !t)
}

/// Which items below `items` one of `tasks` names. `weak_is_enough`:
/// naming the file in passing counts.
fn covered(
    coverage: &Coverage,
    index: usize,
    items: usize,
    tasks: impl Iterator<Item = usize>,
    weak_is_enough: bool,
) -> Covered {
    let mut covered = vec![false; items];
    for task in tasks {
        let named = coverage.items(task, index);
        if coverage.names_file(task, index, weak_is_enough) && !named.iter().any(|&item| item < items) {
            return Covered { whole_file: true, items: covered };
        }
        for &item in named.iter().filter(|&&item| item < items) {
            covered[item] = true;
        }
    }
    Covered { whole_file: false, items: covered }
}
