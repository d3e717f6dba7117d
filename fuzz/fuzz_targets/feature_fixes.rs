//! Fuzz target: analysis of a feature folder, then every safe fix applied (see `specls::fuzzing::feature_analysis_and_fixes`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specls::fuzzing::feature_analysis_and_fixes(data));
