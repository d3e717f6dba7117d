//! Safe fixes over every rule fixture folder, as written and with CRLF
//! line breaks, a BOM and no final newline: each fix alone changes only
//! its ranges and clears its finding, the rounds of `check --fix` change
//! only the fix ranges, leave nothing to fix but what waited for a
//! collision, and keep every file's layout (`specls::fuzzing::fix_safety`).

use std::path::Path;

use specls::fuzzing::fix_safety::{FixSafety, check_safe_fixes};
use specls::fuzzing::seeds::{layout_variants, read_folders};

#[test]
fn safe_fixes_of_every_rule_fixture_are_safe() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let folders = read_folders(&fixtures);
    assert!(folders.len() > 30, "the rule fixtures are missing: {}", fixtures.display());
    let mut total = FixSafety::default();
    for folder in &folders {
        for variant in layout_variants(folder) {
            total += check_safe_fixes(&variant, 4);
        }
    }
    eprintln!("fix safety over {} fixture folders: {total:?}", folders.len());
    // Every rule with a safe fix has a fixture that fires it, four layouts each.
    assert!(total.alone >= 4 * 8, "too few safe fixes checked alone: {total:?}");
    assert!(total.in_rounds >= total.alone, "{total:?}");
}
