//! Seed inputs for the fuzz targets, from real feature folders (the rule
//! fixtures) and generated documents, in each target's input format. The
//! seed export (`cargo run --example fuzz_seeds`) and the seed test
//! (`server/tests/fuzz_bodies.rs`) share them.

use std::path::{Path, PathBuf};

use super::feature_fixes::FILE_NAMES;
use super::{CASE_CHANGING, SEPARATOR};

/// One feature folder: its files as (path relative to the folder, text).
pub type Folder = Vec<(String, String)>;

/// Inputs for each target.
#[derive(Debug, Default)]
pub struct Seeds {
    pub scan: Vec<Vec<u8>>,
    pub incremental: Vec<Vec<u8>>,
    pub feature: Vec<Vec<u8>>,
}

/// Every folder under `root` that holds a markdown file, read with its
/// files (nested ones such as `contracts/` included); unreadable or
/// non-UTF-8 files are skipped.
pub fn read_folders(root: &Path) -> Vec<Folder> {
    let mut folders = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        let has_markdown = paths.iter().any(|p| p.extension().is_some_and(|e| e == "md"));
        pending.extend(paths.iter().filter(|p| p.is_dir()).cloned());
        if has_markdown {
            folders.push(read_folder(&dir));
        }
    }
    folders.sort();
    folders
}

/// One folder with every file below it (paths relative to it).
pub fn read_folder(dir: &Path) -> Folder {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else { continue };
        for path in entries.filter_map(Result::ok).map(|e| e.path()) {
            if path.is_dir() {
                pending.push(path);
            } else if let (Ok(text), Ok(rel)) = (std::fs::read_to_string(&path), path.strip_prefix(dir)) {
                files.push((rel.to_string_lossy().replace('\\', "/"), text));
            }
        }
    }
    files.sort();
    files
}

/// Seeds for every target from `folders` and generated documents, each
/// folder also with CRLF line breaks, a BOM and no final newline, and
/// (for the scan and the analysis) with letters whose case mapping
/// changes their length.
pub fn seeds(folders: &[Folder]) -> Seeds {
    let mut all: Vec<Folder> = folders.to_vec();
    all.push(generated_folder());
    let mut seeds = Seeds::default();
    for (i, folder) in all.iter().enumerate() {
        for variant in [folder.clone(), crlf_with_bom(folder)] {
            seeds.feature.push(feature_input(&variant));
            for (j, (_, text)) in variant.iter().enumerate() {
                seeds.scan.push(text.as_bytes().to_vec());
                seeds.incremental.push(edit_input(text, &edit_script((i * 31 + j) as u64, 6)));
            }
        }
        // Not for the edits: block structure does not depend on case, and
        // they are most of the seed test's time.
        // Each folder starts at another letter: the same heading in
        // several folders meets several letters.
        for side in [Side::After, Side::Before] {
            let variant = with_case_changing_letters(folder, side, i);
            seeds.feature.push(feature_input(&variant));
            seeds.scan.extend(variant.iter().map(|(_, text)| text.as_bytes().to_vec()));
        }
    }
    seeds
}

/// Where [`with_case_changing_letters`] puts its letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// `Prerequisitesİ:`: the word still starts as it did, so keys and
    /// headings rules look for by their start are still read.
    After,
    /// `İPrerequisites:`: a shrinking letter (the Kelvin sign) right
    /// before a word moves the word's offset in the lower case back into
    /// the letter itself.
    Before,
}

/// `folder` with a letter of [`CASE_CHANGING`], in turn from the `first`,
/// on `side` of each capitalised word: `**Input**` becomes `**InputȺ**` or
/// `**ȺInput**`. A text's lower case then no longer has its byte offsets:
/// an offset found in one and used in the other panics or points
/// elsewhere.
pub fn with_case_changing_letters(folder: &Folder, side: Side, first: usize) -> Folder {
    let mut turn = first;
    folder.iter().map(|(rel, text)| (rel.clone(), beside_capitalised_words(text, side, &mut turn))).collect()
}

/// `text` with the next letter of [`CASE_CHANGING`] on `side` of every
/// capitalised word of ASCII letters (`Input`, `Phase`; not `T001`, `FR`,
/// `GET`).
fn beside_capitalised_words(text: &str, side: Side, turn: &mut usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut next_letter = || {
        *turn += 1;
        CASE_CHANGING[(*turn - 1) % CASE_CHANGING.len()]
    };
    // The words' bounds, found first: whether a word is capitalised is
    // known only at its end.
    let mut copied = 0;
    for word in capitalised_words(text) {
        let at = if side == Side::Before { word.start } else { word.end };
        out.push_str(&text[copied..at]);
        out.push_str(next_letter());
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// The byte ranges of the capitalised words of ASCII letters in `text`.
fn capitalised_words(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = bytes[at..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        let word = &bytes[at..at + len];
        let capitalised =
            word.first().is_some_and(u8::is_ascii_uppercase) && word[1..].iter().all(u8::is_ascii_lowercase);
        if capitalised {
            out.push(at..at + len);
        }
        at += len.max(1);
    }
    out
}

/// A small generated feature (spec, plan, data model, contract, tasks).
fn generated_folder() -> Folder {
    crate::synth::feature_files(40).into_iter().map(|(rel, text)| (rel.to_string(), text)).collect()
}

/// `folder` as written, with CRLF line breaks, with a BOM and no final
/// newline, and with all three: the layouts a fix must keep.
pub fn layout_variants(folder: &Folder) -> Vec<Folder> {
    let each = |change: &dyn Fn(&str) -> String| -> Folder {
        folder.iter().map(|(rel, text)| (rel.clone(), change(text))).collect()
    };
    let crlf = |text: &str| text.replace("\r\n", "\n").replace('\n', "\r\n");
    vec![
        folder.clone(),
        each(&crlf),
        each(&|text| format!("\u{FEFF}{}", text.trim_end_matches(['\n', '\r']))),
        crlf_with_bom(folder),
    ]
}

/// `folder` with CRLF line breaks, a BOM and no final newline.
pub fn crlf_with_bom(folder: &Folder) -> Folder {
    folder
        .iter()
        .map(|(rel, text)| {
            let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
            (rel.clone(), format!("\u{FEFF}{}", crlf.trim_end()))
        })
        .collect()
}

/// Target 3's format: each file as its name's index and text.
pub fn feature_input(folder: &Folder) -> Vec<u8> {
    let mut out = Vec::new();
    for (rel, text) in folder {
        let Some(index) = FILE_NAMES.iter().position(|n| n == rel).or_else(|| slot_of(rel)) else {
            continue;
        };
        out.push(index as u8);
        out.extend_from_slice(text.as_bytes());
        out.push(SEPARATOR);
    }
    out
}

/// Any contract lands in the slot of its format, any checklist in the
/// checklist's.
fn slot_of(rel: &str) -> Option<usize> {
    let extension = rel.rsplit('.').next().unwrap_or_default();
    let name = match (rel.split('/').next(), extension) {
        (Some("contracts"), "yaml" | "yml") => "contracts/api.yaml",
        (Some("contracts"), "json") => "contracts/api.json",
        (Some("contracts"), "md") => "contracts/events.md",
        (Some("checklists"), "md") => "checklists/requirements.md",
        _ => return None,
    };
    FILE_NAMES.iter().position(|n| *n == name)
}

/// Target 2's format: the document, a separator, the edit script.
pub fn edit_input(text: &str, script: &[u8]) -> Vec<u8> {
    let mut out = text.as_bytes().to_vec();
    out.push(SEPARATOR);
    out.extend_from_slice(script);
    out
}

/// `count` edits drawn from `seed`: six bytes each (encoding, start,
/// length, a fragment to insert).
pub fn edit_script(seed: u64, count: usize) -> Vec<u8> {
    let mut random = XorShift(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut out = Vec::new();
    for _ in 0..count {
        let bytes = random.next().to_le_bytes();
        out.extend_from_slice(&bytes[..5]);
        out.push(0x80 | bytes[5]);
    }
    out
}

/// A tiny deterministic generator: seeds and mutations must be the same on
/// every run.
#[derive(Clone, Debug)]
pub struct XorShift(pub u64);

impl XorShift {
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `bound` (which must not be 0).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// `input` changed the way a fuzzer would: bytes flipped, inserted,
/// removed or copied, `rounds` times. For the seed test, which cannot run
/// libFuzzer but should not only see well-formed documents.
pub fn mutate(input: &[u8], random: &mut XorShift, rounds: usize) -> Vec<u8> {
    const INTERESTING: &[&[u8]] =
        &[b"\0", b"\n", b"\r", b"[", b"]", b"`", b"**", b"- [ ] T", b"\xFF", b"\xC3", b"<!--", b"#", b"\x0B"];
    let mut out = input.to_vec();
    for _ in 0..rounds {
        let at = random.below(out.len() + 1);
        match random.below(5) {
            0 if at < out.len() => out[at] ^= 1 << random.below(8),
            1 => {
                let piece = INTERESTING[random.below(INTERESTING.len())];
                out.splice(at..at, piece.iter().copied());
            }
            // A letter whose case mapping changes its length, before a
            // colon half of the time: where keys are read in any case.
            4 => {
                let letter = CASE_CHANGING[random.below(CASE_CHANGING.len())].as_bytes();
                let colon = if random.below(2) == 0 { &b":"[..] } else { &[] };
                out.splice(at..at, letter.iter().chain(colon).copied());
            }
            2 if at < out.len() => {
                let end = (at + random.below(16)).min(out.len());
                out.drain(at..end);
            }
            _ if !out.is_empty() => {
                let from = random.below(out.len());
                let end = (from + random.below(32)).min(out.len());
                let piece = out[from..end].to_vec();
                let at = at.min(out.len());
                out.splice(at..at, piece);
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_case_changing_letter_goes_beside_each_capitalised_word() {
        let folder = vec![("tasks.md".to_string(), "**Input**: T001 GET the Phase\nPlan".to_string())];
        let after = with_case_changing_letters(&folder, Side::After, 0);
        assert_eq!(after[0].1, "**Inputİ**: T001 GET the PhaseȺ\nPlanȾ");
        let before = with_case_changing_letters(&folder, Side::Before, 1);
        assert_eq!(before[0].1, "**ȺInput**: T001 GET the ȾPhase\n\u{212A}Plan");
    }
}
