//! A content-hash cache on disk, in the user's cache directory
//! (`$XDG_CACHE_HOME/specls`, else `~/.cache/specls`), as ruff keeps one.
//!
//! An entry is found by a [`Key`]: a 128-bit hash of everything its value
//! depends on (file contents, configuration, output format...), to which
//! [`Cache::open`] adds the identity of the running binary (its version,
//! size and modification time), so a rebuilt specls never reads what an
//! older one wrote. Each entry repeats its key inside, and a damaged or
//! foreign entry reads as a miss: the cache can only make a run faster, never
//! change its result. Deleting the folder at any time is safe; writes go to a
//! temporary file renamed into place, so a reader never sees half an entry.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The hash of an entry's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key(u128);

impl Key {
    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// Builds a [`Key`] from parts; each part is length-prefixed, so `("ab",
/// "c")` and `("a", "bc")` differ.
pub struct KeyBuilder {
    low: std::hash::DefaultHasher,
    high: std::hash::DefaultHasher,
}

impl Default for KeyBuilder {
    fn default() -> Self {
        let mut high = std::hash::DefaultHasher::new();
        // A different start makes the second half an independent hash.
        0x5bec_15ca_c4e5_u64.hash(&mut high);
        KeyBuilder { low: std::hash::DefaultHasher::new(), high }
    }
}

impl KeyBuilder {
    pub fn add(&mut self, part: &[u8]) -> &mut Self {
        for hasher in [&mut self.low, &mut self.high] {
            hasher.write_usize(part.len());
            hasher.write(part);
        }
        self
    }

    pub fn add_str(&mut self, part: &str) -> &mut Self {
        self.add(part.as_bytes())
    }

    pub fn finish(&self) -> Key {
        Key((u128::from(self.high.finish()) << 64) | u128::from(self.low.finish()))
    }
}

/// One kind of entry (such as `check`) in the cache folder.
#[derive(Clone, Debug)]
pub struct Cache {
    dir: PathBuf,
    /// The running binary's identity, folded into every key.
    binary: Key,
}

/// `$XDG_CACHE_HOME/specls`, else `$HOME/.cache/specls`.
pub fn cache_home() -> Option<PathBuf> {
    let from = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    from("XDG_CACHE_HOME").or_else(|| from("HOME").map(|home| home.join(".cache"))).map(|d| d.join("specls"))
}

/// What tells this build of specls from any other: version, and the
/// executable's size and modification time.
fn binary_identity() -> Key {
    let mut key = KeyBuilder::default();
    key.add_str(env!("CARGO_PKG_VERSION"));
    if let Ok(meta) = std::env::current_exe().and_then(std::fs::metadata) {
        key.add(&meta.len().to_le_bytes());
        if let Ok(modified) = meta.modified().map(|m| m.duration_since(std::time::UNIX_EPOCH)) {
            key.add(&modified.unwrap_or_default().as_nanos().to_le_bytes());
        }
    }
    key.finish()
}

impl Cache {
    /// The cache of `kind` under `home` (usually [`cache_home`]).
    pub fn open(home: &Path, kind: &str) -> Cache {
        Cache { dir: home.join(kind), binary: binary_identity() }
    }

    fn full_key(&self, key: Key) -> Key {
        let mut full = KeyBuilder::default();
        full.add(&self.binary.0.to_le_bytes()).add(&key.0.to_le_bytes());
        full.finish()
    }

    fn path(&self, full: Key) -> PathBuf {
        let hex = full.hex();
        self.dir.join(&hex[..2]).join(&hex[2..])
    }

    /// The value stored under `key`, if any and intact.
    pub fn get(&self, key: Key) -> Option<Vec<u8>> {
        let full = self.full_key(key);
        let bytes = std::fs::read(self.path(full)).ok()?;
        let header = full.hex();
        let rest = bytes.strip_prefix(header.as_bytes())?.strip_prefix(b"\n")?;
        Some(rest.to_vec())
    }

    /// Store `value` under `key`. Failures (read-only home, full disk) are
    /// ignored: a cache that cannot be written is only a slower run.
    pub fn put(&self, key: Key, value: &[u8]) {
        let full = self.full_key(key);
        let path = self.path(full);
        let _ = write_atomically(&path, &full.hex(), value);
    }
}

fn write_atomically(path: &Path, header: &str, value: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent"))?;
    std::fs::create_dir_all(dir)?;
    let temp = dir.join(format!(".tmp-{}-{:?}", std::process::id(), std::thread::current().id()));
    let mut file = std::fs::File::create(&temp)?;
    file.write_all(header.as_bytes())?;
    file.write_all(b"\n")?;
    file.write_all(value)?;
    drop(file);
    std::fs::rename(&temp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(parts: &[&str]) -> Key {
        let mut builder = KeyBuilder::default();
        for part in parts {
            builder.add_str(part);
        }
        builder.finish()
    }

    #[test]
    fn keys_follow_every_part_and_its_boundaries() {
        assert_eq!(key(&["a", "b"]), key(&["a", "b"]));
        assert_ne!(key(&["ab", "c"]), key(&["a", "bc"]));
        assert_ne!(key(&["a"]), key(&["a", ""]));
    }

    #[test]
    fn a_stored_value_reads_back_and_a_damaged_one_is_a_miss() {
        let home = std::env::temp_dir().join(format!("specls-cache-test-{}", std::process::id()));
        let cache = Cache::open(&home, "check");
        let k = key(&["feature", "text"]);
        assert_eq!(cache.get(k), None);
        cache.put(k, b"value");
        assert_eq!(cache.get(k).as_deref(), Some(&b"value"[..]));
        assert_eq!(cache.get(key(&["feature", "other text"])), None);
        std::fs::write(cache.path(cache.full_key(k)), b"garbage").unwrap();
        assert_eq!(cache.get(k), None);
        std::fs::remove_dir_all(&home).unwrap();
        assert_eq!(cache.get(k), None, "a deleted cache is a miss");
    }
}
