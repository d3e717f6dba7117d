//! The rule catalogue, one module per rule, grouped in families. Adding a
//! rule touches its module, its family's `RULES` line, its fixtures under
//! `server/tests/fixtures/rules/<code>/` and their snapshot.

mod checklists;
pub(crate) mod coverage;
mod dependencies;
pub(crate) mod documents;
pub mod fixes;
mod folders;
pub mod insert;
pub(crate) mod tasks;
mod traceability;

use super::registry::Rule;

/// Every family's rules, in catalogue order.
pub(crate) static FAMILIES: &[&[&dyn Rule]] = &[
    tasks::RULES,
    dependencies::RULES,
    coverage::RULES,
    documents::RULES,
    traceability::RULES,
    checklists::RULES,
    folders::RULES,
];

/// Whether `rule` is of the coverage family, whose rules share per-task
/// coverage facts: the family one thread runs when analysis is split
/// ([`analyze_on_two_threads`](crate::analysis::analyze_on_two_threads)).
pub(crate) fn is_coverage(rule: &dyn Rule) -> bool {
    coverage::RULES.iter().any(|c| c.meta().code == rule.meta().code)
}
