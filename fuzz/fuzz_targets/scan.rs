//! Fuzz target: block scan and task-line scanner over arbitrary bytes (see `specls::fuzzing::block_and_task_line_scan`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specls::fuzzing::block_and_task_line_scan(data));
