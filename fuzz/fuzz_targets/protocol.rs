//! Fuzz target: framed messages into the whole server, which must answer every request and keep a hover right (see `specls::lsp::fuzzing::protocol_session`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| specls::lsp::fuzzing::protocol_session(data));
