//! Fuzz target: a random edit sequence equals a fresh parse (see `specls::fuzzing::incremental_edits`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specls::fuzzing::incremental_edits(data));
