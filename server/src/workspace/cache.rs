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

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use xxhash_rust::xxh3::Xxh3;

/// The hash of an entry's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key(u128);

impl Key {
    fn hex(self) -> String {
        format!("{:032x}", self.0)
    }
}

/// Builds a [`Key`] from parts; each part is length-prefixed, so `("ab",
/// "c")` and `("a", "bc")` differ. XXH3-128 reads every byte once (SipHash
/// run twice for 128 bits cost two passes at a tenth of the speed); its
/// 128 bits make an accidental collision between two inputs a chance of
/// about 2^-128 per pair, and the cache is no place for an adversary.
pub struct KeyBuilder {
    hasher: Xxh3,
}

impl Default for KeyBuilder {
    fn default() -> Self {
        KeyBuilder { hasher: Xxh3::new() }
    }
}

impl KeyBuilder {
    pub fn add(&mut self, part: &[u8]) -> &mut Self {
        self.hasher.update(&(part.len() as u64).to_le_bytes());
        self.hasher.update(part);
        self
    }

    pub fn add_str(&mut self, part: &str) -> &mut Self {
        self.add(part.as_bytes())
    }

    pub fn finish(&self) -> Key {
        Key(self.hasher.digest128())
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
        let cache = Cache { dir: home.join(kind), binary: binary_identity() };
        cache.prune_if_due(SystemTime::now());
        cache
    }

    /// Remove the entries nobody wrote for [`MAX_AGE`], at most once per
    /// [`PRUNE_EVERY`] (a marker file's time says when it last ran). An
    /// entry is never rewritten while its inputs stay the same, so an old
    /// one may still be read: removing it costs that feature one analysis,
    /// while keeping every entry would let the folder grow with every edit
    /// and every rebuilt binary, whose entries are never read again.
    fn prune_if_due(&self, now: SystemTime) {
        // Beside the kind's folder, not in it: its folders are entries.
        let marker = self.dir.with_extension("pruned");
        let last = std::fs::metadata(&marker).and_then(|m| m.modified()).ok();
        if last.is_some_and(|last| now.duration_since(last).is_ok_and(|age| age < PRUNE_EVERY)) {
            return;
        }
        let home = self.dir.parent().unwrap_or(&self.dir);
        if std::fs::create_dir_all(home).is_err() || std::fs::write(&marker, b"").is_err() {
            return; // a cache that cannot be written is not pruned either
        }
        prune(&self.dir, now, MAX_AGE);
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
        let mut bytes = std::fs::read(self.path(full)).ok()?;
        let header = full.hex();
        bytes.strip_prefix(header.as_bytes())?.strip_prefix(b"\n")?;
        bytes.drain(..=header.len());
        Some(bytes)
    }

    /// Store `value` under `key`. Failures (read-only home, full disk) are
    /// ignored: a cache that cannot be written is only a slower run.
    pub fn put(&self, key: Key, value: &[u8]) {
        let full = self.full_key(key);
        let path = self.path(full);
        let _ = write_atomically(&path, &full.hex(), value);
    }
}

/// How old an entry may grow before a prune removes it.
const MAX_AGE: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// How often a run prunes.
const PRUNE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Remove the entries (and left-over temporary files) under `dir` last
/// modified more than `max_age` before `now`, and the folders left empty.
fn prune(dir: &Path, now: SystemTime, max_age: Duration) {
    let Ok(folders) = std::fs::read_dir(dir) else { return };
    for folder in folders.flatten() {
        let path = folder.path();
        let Ok(entries) = std::fs::read_dir(&path) else { continue };
        for entry in entries.flatten() {
            let modified = entry.metadata().and_then(|m| m.modified());
            let old = modified.is_ok_and(|m| now.duration_since(m).is_ok_and(|age| age > max_age));
            if old {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        // Fails while the folder holds anything: only empty ones go.
        let _ = std::fs::remove_dir(&path);
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

    #[test]
    fn a_prune_removes_old_entries_only_and_runs_once_a_day() {
        let home = std::env::temp_dir().join(format!("specls-cache-prune-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let cache = Cache::open(&home, "check");
        let (old, fresh) = (key(&["old"]), key(&["fresh"]));
        cache.put(old, b"old value");
        cache.put(fresh, b"fresh value");
        let now = SystemTime::now();
        let long_ago = now - MAX_AGE - Duration::from_secs(60);
        let old_path = cache.path(cache.full_key(old));
        std::fs::File::options().write(true).open(&old_path).unwrap().set_modified(long_ago).unwrap();
        cache.prune_if_due(now);
        assert_eq!(cache.get(old), Some(b"old value".to_vec()), "pruned already today, at open");
        cache.prune_if_due(now + PRUNE_EVERY + Duration::from_secs(1));
        assert_eq!(cache.get(old), None, "a month-old entry is removed");
        assert_eq!(cache.get(fresh).as_deref(), Some(&b"fresh value"[..]));
        std::fs::remove_dir_all(&home).unwrap();
    }
}
