//! Write the fuzz targets' seed inputs, one file each, under OUT/<target>/:
//! `cargo run --example fuzz_seeds -- OUT [FOLDER...]`. The folders (the
//! rule fixtures by default) are searched for feature folders; generated
//! documents are always added. Used by scripts/fuzz.

use std::path::{Path, PathBuf};

use specls::fuzzing::seeds::{read_folders, seeds};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let Some(out) = args.next() else {
        eprintln!("usage: fuzz_seeds OUT [FOLDER...]");
        std::process::exit(2);
    };
    let mut roots: Vec<PathBuf> = args.collect();
    if roots.is_empty() {
        roots.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules"));
    }
    let folders: Vec<_> = roots.iter().flat_map(|root| read_folders(root)).collect();
    let seeds = seeds(&folders);
    let protocol = specls::lsp::fuzzing::seeds();
    for (target, inputs) in [
        ("scan", &seeds.scan),
        ("edits", &seeds.incremental),
        ("feature_fixes", &seeds.feature),
        ("protocol", &protocol),
    ] {
        let dir = out.join(target);
        std::fs::create_dir_all(&dir)?;
        for (i, input) in inputs.iter().enumerate() {
            std::fs::write(dir.join(format!("seed-{i:04}")), input)?;
        }
        println!("{target}: {} seeds in {}", inputs.len(), dir.display());
    }
    Ok(())
}
