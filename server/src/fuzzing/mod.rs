//! The bodies of the fuzz targets under `fuzz/fuzz_targets/`.
//!
//! Each function takes arbitrary bytes and panics when a property of specls
//! does not hold. They live in the library, not in the fuzz crate, so that
//! an ordinary `cargo test` runs the same checks over the seeds
//! (`server/tests/fuzz_bodies.rs`) on a machine without libFuzzer, and
//! `scripts/fuzz` runs them under cargo-fuzz for as long as one likes.
//!
//! Inputs are decoded from bytes by hand (no `arbitrary`): a document is
//! lossy UTF-8 up to the first `0xFF` byte, which UTF-8 never contains, and
//! what follows is an edit script or the next file. [`seeds`] writes real
//! documents in these formats.

mod bytes;
mod feature_fixes;
pub mod fix_safety;
mod incremental;
mod scan;
pub mod seeds;

pub use feature_fixes::feature_analysis_and_fixes;
pub use incremental::{FRAGMENTS, assert_same_as_fresh_parse, incremental_edits};
pub use scan::block_and_task_line_scan;

/// Letters whose case mapping changes their length in UTF-8: `İ` (two
/// bytes) lower-cases to `i̇` (three), `Ⱥ` and `Ⱦ` to three bytes, the
/// Kelvin sign (three) to `k` (one), `ẞ` (three) to `ß` (two); `ß`, `ŉ`,
/// `ǰ` and `ΐ` upper-case to more characters. An offset found in a
/// case-mapped copy of a text containing one does not fit the original,
/// so generated text carries them where keys and words are compared in
/// any case.
pub const CASE_CHANGING: &[&str] = &["İ", "Ⱥ", "Ⱦ", "\u{212A}", "ẞ", "ß", "ŉ", "ǰ", "ΐ"];

/// Separates a document from what follows it in a fuzz input: never part
/// of UTF-8 text.
pub const SEPARATOR: u8 = 0xFF;
