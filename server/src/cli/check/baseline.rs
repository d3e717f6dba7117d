//! `check --write-baseline FILE` and `check --baseline FILE`: adopt specls
//! on a project with findings, and let CI fail only on new ones.
//!
//! The baseline is JSON: the [`fingerprint`](super::fingerprint) of each
//! finding, with its rule, path and message for people reading the file
//! (only fingerprints are compared). A finding is hidden when its
//! fingerprint is in the baseline; fingerprints do not change when lines
//! move, so editing above a known finding does not bring it back.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};

use super::Located;

/// The version of the file format.
const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    code: String,
    path: String,
    message: String,
}

/// The fingerprints of a baseline file.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let file: File = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a specls baseline", path.display()))?;
        if file.version != VERSION {
            bail!("{}: baseline version {} (this specls reads {VERSION})", path.display(), file.version);
        }
        Ok(Baseline { fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect() })
    }

    pub fn contains(&self, d: &Located<'_>) -> bool {
        self.fingerprints.contains(&d.fingerprint)
    }
}

/// Write every finding of `located` to `path`; returns how many.
pub fn write(path: &Path, located: &[Located<'_>]) -> Result<usize> {
    let findings = located
        .iter()
        .map(|d| Entry {
            fingerprint: d.fingerprint.clone(),
            code: d.code.to_string(),
            path: d.place.path.clone(),
            message: d.message.to_string(),
        })
        .collect();
    let file = File { version: VERSION, findings };
    let mut text = serde_json::to_string_pretty(&file)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(located.len())
}
