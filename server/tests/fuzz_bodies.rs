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

/// Inputs libFuzzer found that once broke a body (`scripts/fuzz`); each
/// stays fixed.
#[test]
fn inputs_found_by_fuzzing_stay_fixed() {
    // scan: a story label at the head and again at the end of a task line;
    // the trailing one replaced the head's, whose text belonged to no part.
    block_and_task_line_scan(b"# Tasks\n\n- [ ] T011 [P] [US1] Implement X in src/a.tsx [US1]\n");
    // scan: control characters (read as spaces) inside a bold field key
    // before an invalid byte; the key's span kept the padding's width.
    block_and_task_line_scan(b"# Spec\n\n**\0\0\0\0\0\0\0\x02\xaeBranch**: `004-team-invites`\n");
    // edits: text ending in a dangling `2. *` parses with an ERROR node,
    // and the incremental parse recovered from it differently from a fresh
    // parse (it kept a list item the fresh parse's blocks dropped).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    incremental_edits(
        &std::fs::read(dir.join("edits-error-recovery.bin")).expect("the fuzz input is in the repo"),
    );
    // edits: front matter after a byte order mark, with headings inside;
    // the chunked trees split it at those headings (the BOM hid the `---`).
    incremental_edits(
        &std::fs::read(dir.join("edits-bom-front-matter.bin")).expect("the fuzz input is in the repo"),
    );
    // edits: a text the quick scanner read when opened, with a fence an
    // edit then opened; found on the open path that skips the parse.
    incremental_edits(
        &std::fs::read(dir.join("edits-openapi-fence.bin")).expect("the fuzz input is in the repo"),
    );
    // feature_fixes: a task line whose trailing label is on the next line
    // (a lazy continuation); malformed-task's fix joined the two lines.
    feature_analysis_and_fixes(
        &std::fs::read(dir.join("feature-fixes-label-on-next-line.bin"))
            .expect("the fuzz input is in the repo"),
    );
    // feature_fixes: a phase of "User Story 144444", a number no `[USn]`
    // label holds; missing-story-label's fix added labels forever.
    feature_analysis_and_fixes(
        &std::fs::read(dir.join("feature-fixes-long-story-number.bin"))
            .expect("the fuzz input is in the repo"),
    );
    // feature_fixes: a spec.md whose last line is control characters only;
    // their safe fix leaves the text ending in the line break before them.
    let spec = [&[1u8][..], "\u{feff}# Fe\u{5}\u{5}input\r\r\r\u{5}\u{5}\u{5}".as_bytes()].concat();
    feature_analysis_and_fixes(&spec);
    // feature_fixes: control characters before a U+FEFF at the start; once
    // their fix deletes them, it is the BOM.
    let spec =
        [&[1u8][..], "\u{1}\u{11}\0\0\u{feff}# Feature Specification\r\n\r\nText.\r\n".as_bytes()].concat();
    feature_analysis_and_fixes(&spec);
}
