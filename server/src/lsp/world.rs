//! The server's state: every loaded feature folder with its files from
//! disk and the documents open in the editor (editor text wins).
//!
//! Writes happen only from the ordered path (`ordered.rs`) and from disk
//! events; readers take a [`Snapshot`] of one feature: a cheap clone of
//! shared models, consistent because one feature lives in one map entry.
//!
//! Memory follows what is open: every feature folder of the workspace is
//! known (its configuration and revision), but only features with an open
//! document, and the few closed ones used last ([`LOADED_CLOSED`]), hold
//! their files and models. The others were reported from disk
//! (`index.rs`) and keep only their symbols; a request that needs one
//! loads it again.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock};

use dashmap::DashMap;
use tower_lsp_server::ls_types::Uri;

use super::index::SymbolIndex;
use super::settings::Settings;
use crate::analysis::RuleConfig;
use crate::model::feature::{Feature, FeatureFile, UnreadFile};
use crate::model::file::MarkdownFile;
use crate::model::kind::DocumentKind;
use crate::text::{ContentChange, Document, PositionEncoding};
use crate::workspace::cache::{Cache, cache_home};
use crate::workspace::config::{find_config, load_config};
use crate::workspace::discovery::is_feature_folder;
use crate::workspace::load::{ReadError, feature_from, read_feature, read_text};

/// An editor's copy of a document.
enum OpenText {
    /// Markdown keeps its block tree for incremental reparses.
    Markdown(MarkdownFile),
    /// YAML and JSON contracts: text only; parsed per snapshot.
    Plain(Document),
}

struct OpenDoc {
    uri: Uri,
    path: PathBuf,
    kind: DocumentKind,
    text: OpenText,
    version: i32,
    /// The model of the last version a snapshot asked for.
    built: Option<(i32, FeatureFile)>,
}

impl OpenDoc {
    fn feature_file(&mut self, rel: &str) -> FeatureFile {
        if let Some((version, file)) = &self.built
            && *version == self.version
        {
            return file.clone();
        }
        // The last version's model and what analysis built for it are
        // reused where unchanged.
        let older = self.built.as_ref().map(|(_, older)| older);
        let file = match &self.text {
            OpenText::Markdown(md) => {
                FeatureFile::from_markdown_after(self.path.clone(), rel, self.kind, md, older)
            }
            OpenText::Plain(doc) => {
                let file = FeatureFile::from_text(self.path.clone(), rel, self.kind, &doc.text());
                if let Some(older) = older {
                    file.inherit(older);
                }
                file
            }
        };
        self.built = Some((self.version, file.clone()));
        file
    }

    fn document(&self) -> &Document {
        match &self.text {
            OpenText::Markdown(md) => md.document(),
            OpenText::Plain(doc) => doc,
        }
    }

    /// Keep a markdown document over `limit` bytes as text only (no parse
    /// on open or per edit: it is not analysed), and parse it again once
    /// it is back under the limit.
    fn fit_to(&mut self, limit: u64) {
        let too_large = self.document().len() as u64 > limit;
        let markdown = self.kind != DocumentKind::Contract || DocumentKind::is_markdown_contract(&self.path);
        match &self.text {
            OpenText::Markdown(md) if too_large => self.text = OpenText::Plain(md.document().clone()),
            OpenText::Plain(doc) if markdown && !too_large => {
                self.text = OpenText::Markdown(MarkdownFile::open(&doc.text(), self.version));
            }
            _ => {}
        }
    }

    /// What a snapshot holds of this document when it is over `limit`.
    fn unread(&self, rel: &str, limit: u64) -> Option<UnreadFile> {
        let size = self.document().len() as u64;
        (size > limit).then(|| UnreadFile { path: self.path.clone(), rel: rel.into(), size, limit })
    }
}

/// How many features with no open document stay loaded after their last
/// use (a request, a closed document): enough for going back and forth
/// between a few, bounded whatever the workspace's size.
pub const LOADED_CLOSED: usize = 8;

/// One feature folder as the server knows it.
struct FeatureState {
    /// Its files as on disk, with their models; `None` while it is not
    /// loaded (no open document, not used lately).
    disk: Option<Feature>,
    open: BTreeMap<String, OpenDoc>,
    /// Bumped by every change to any file of the feature.
    revision: u64,
    /// `specls.toml` over the defaults (editor settings are merged later).
    file_config: RuleConfig,
    config_problem: Option<String>,
    /// Its symbols as last indexed while it was not loaded.
    symbols: Option<Arc<SymbolIndex>>,
}

impl FeatureState {
    fn new(file_config: RuleConfig, config_problem: Option<String>) -> Self {
        FeatureState {
            disk: None,
            open: BTreeMap::new(),
            revision: 0,
            file_config,
            config_problem,
            symbols: None,
        }
    }
}

/// An immutable view of one feature, taken after every earlier edit.
#[derive(Clone)]
pub struct Snapshot {
    pub root: PathBuf,
    pub feature: Feature,
    pub revision: u64,
    /// Editor versions of open files, by relative path.
    pub versions: HashMap<String, i32>,
    pub config: RuleConfig,
    /// A broken `specls.toml`, to show the user.
    pub config_problem: Option<String>,
}

/// Where a document event landed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Touched {
    pub root: PathBuf,
    pub uri: Uri,
}

/// Everything the server holds.
#[derive(Default)]
pub struct World {
    encoding: OnceLock<PositionEncoding>,
    features: DashMap<PathBuf, FeatureState>,
    /// The feature of each open document.
    open_uris: DashMap<Uri, PathBuf>,
    settings: RwLock<Settings>,
    workspace_roots: RwLock<Vec<PathBuf>>,
    /// Loaded features with no open document, least recently used first.
    recent: Mutex<VecDeque<PathBuf>>,
    /// The cache of closed features' reports: unset until `initialize`
    /// (or a test) decides, `None` inside when there is none.
    cache: OnceLock<Option<Cache>>,
    /// How many closed-feature reports were stored, for progress.
    reports: std::sync::atomic::AtomicUsize,
    /// Features a `didOpen` is being applied to, with how many: from the
    /// message's arrival until the document is in the world. Indexing
    /// gives up loading them from disk meanwhile ([`World::is_opening`]).
    opening: Mutex<HashMap<PathBuf, usize>>,
    /// The features whose `disk` is set, kept with it: the publisher asks
    /// for them after every report, and a walk over every feature's
    /// state cost indexing 1,014 folders half a million map lookups.
    loaded: Mutex<BTreeSet<PathBuf>>,
}

/// A `didOpen` being applied to a feature ([`World::opening`]); dropped
/// when it is done.
pub struct Opening<'a> {
    world: &'a World,
    root: PathBuf,
}

impl Drop for Opening<'_> {
    fn drop(&mut self) {
        let mut opening = self.world.opening.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = opening.get_mut(&self.root) {
            *count -= 1;
            if *count == 0 {
                opening.remove(&self.root);
            }
        }
    }
}

/// A file's feature folder: the nearest ancestor that is one on disk, or
/// the folder right under a `specs` directory (a feature being created).
pub fn feature_root_of(path: &Path) -> Option<PathBuf> {
    for dir in path.ancestors().skip(1) {
        if is_feature_folder(dir) {
            return Some(dir.to_path_buf());
        }
        if dir.parent().and_then(Path::file_name).is_some_and(|n| n.eq_ignore_ascii_case("specs")) {
            return Some(dir.to_path_buf());
        }
    }
    None
}

impl World {
    pub fn set_encoding(&self, encoding: PositionEncoding) {
        let _ = self.encoding.set(encoding);
    }

    pub fn encoding(&self) -> PositionEncoding {
        self.encoding.get().copied().unwrap_or_default()
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().map(|s| s.clone()).unwrap_or_default()
    }

    /// New editor settings; a new `configPath` re-reads every feature's
    /// configuration.
    pub fn set_settings(&self, settings: Settings) {
        let config_moved = settings.config_path != self.settings().config_path;
        if let Ok(mut slot) = self.settings.write() {
            *slot = settings;
        }
        if config_moved {
            self.reload_configs();
        }
    }

    /// The configuration file of a feature: the editor's `configPath`,
    /// else the nearest `specls.toml`.
    fn config_file(&self, root: &Path) -> Option<PathBuf> {
        self.explicit_config().or_else(|| find_config(root))
    }

    /// The editor's `configPath`, resolved: `~/` is the home folder, a
    /// relative path is taken from the first workspace folder.
    fn explicit_config(&self) -> Option<PathBuf> {
        let given = self.settings().config_path?;
        let path = match given.strip_prefix("~/") {
            Some(rest) => {
                std::env::var_os("HOME").map_or_else(|| PathBuf::from(&given), |h| Path::new(&h).join(rest))
            }
            None => PathBuf::from(&given),
        };
        match self.workspace_roots().first() {
            Some(base) if path.is_relative() => Some(base.join(path)),
            _ => Some(path),
        }
    }

    /// Whether a change to `path` can change a feature's configuration.
    fn is_config_file(&self, path: &Path) -> bool {
        path.file_name().is_some_and(|n| n == "specls.toml")
            || self.explicit_config().as_deref() == Some(path)
    }

    /// Read every feature's configuration file again; the editor's
    /// `configPath`, which every feature shares, is read once.
    fn reload_configs(&self) {
        let shared = self.explicit_config().map(|path| config_for(Some(path)));
        for root in self.roots() {
            let (file_config, config_problem) = match &shared {
                Some(loaded) => loaded.clone(),
                None => config_for(find_config(&root)),
            };
            if let Some(mut state) = self.features.get_mut(&root) {
                state.file_config = file_config;
                state.config_problem = config_problem;
                state.revision += 1;
            }
        }
    }

    pub fn set_workspace_roots(&self, roots: Vec<PathBuf>) {
        if let Ok(mut slot) = self.workspace_roots.write() {
            *slot = roots;
        }
    }

    pub fn workspace_roots(&self) -> Vec<PathBuf> {
        self.workspace_roots.read().map(|r| r.clone()).unwrap_or_default()
    }

    /// Every known feature folder, sorted.
    pub fn roots(&self) -> Vec<PathBuf> {
        let mut roots: Vec<PathBuf> = self.features.iter().map(|f| f.key().clone()).collect();
        roots.sort();
        roots
    }

    /// Use the reports cache under `home` (`None`: no cache). The first
    /// choice stays: a test's folder beats `initialize`'s default.
    pub fn use_cache_home(&self, home: Option<PathBuf>) {
        let _ = self.cache.set(home.map(|home| Cache::open(&home, "server")));
    }

    /// `initialize`: the user's cache folder, unless disabled.
    pub fn choose_cache(&self, enabled: bool) {
        self.use_cache_home(cache_home().filter(|_| enabled));
    }

    pub fn cache(&self) -> Option<Cache> {
        self.cache.get().cloned().flatten()
    }

    pub fn root_of_uri(&self, uri: &Uri) -> Option<PathBuf> {
        if let Some(root) = self.open_uris.get(uri) {
            return Some(root.clone());
        }
        let path = uri.to_file_path()?;
        feature_root_of(&path).filter(|root| self.features.contains_key(root))
    }

    /// Know a feature folder found by indexing: its configuration, not its
    /// files (the publisher reports it from disk). False when known.
    pub fn register(&self, root: &Path) -> bool {
        if self.features.contains_key(root) {
            return false;
        }
        let (file_config, config_problem) = config_for(self.config_file(root));
        let mut fresh = false;
        self.features.entry(root.to_path_buf()).or_insert_with(|| {
            fresh = true;
            let mut state = FeatureState::new(file_config, config_problem);
            state.revision = 1;
            state
        });
        fresh
    }

    /// Load (or reload) a feature folder from disk, keeping open documents.
    pub fn load(&self, root: &Path) {
        self.load_except(root, None);
    }

    /// [`World::load`], leaving out the files of open documents and of
    /// `opening` (about to be opened): the editor's text stands for them,
    /// and parsing a 5 MB tasks.md a second time, from disk, doubled the
    /// memory and the time of its `didOpen`.
    fn load_except(&self, root: &Path, opening: Option<&str>) {
        let (file_config, config_problem) = config_for(self.config_file(root));
        let limit = file_config.clone().merged_with(&self.settings().rules).max_file_bytes();
        let open: Vec<String> =
            self.features.get(root).map_or_else(Vec::new, |s| s.open.keys().cloned().collect());
        let skipped = |rel: &str| opening == Some(rel) || open.iter().any(|o| o == rel);
        let mut read = read_feature(root, limit);
        read.files.retain(|file| !skipped(&file.rel));
        let mut disk = feature_from(root, read.files, read.unread);
        disk.number_twins = read.number_twins;
        let mut entry = self
            .features
            .entry(root.to_path_buf())
            .or_insert_with(|| FeatureState::new(RuleConfig::default(), None));
        // Closed while we read: its file counts again.
        for rel in open.iter().filter(|rel| !entry.open.contains_key(*rel)) {
            if let Some(kind) = DocumentKind::of_path(Path::new(rel)) {
                reread(&mut disk, &root.join(rel), rel, kind, limit);
            }
        }
        entry.disk = Some(disk);
        // Under the entry's lock: whoever sees it loaded finds it listed.
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner).insert(root.to_path_buf());
        entry.file_config = file_config;
        entry.config_problem = config_problem;
        entry.revision += 1;
        let closed = entry.open.is_empty();
        drop(entry);
        if closed {
            self.touch(root);
        }
    }

    /// Whether the feature's files and models are in memory.
    pub fn is_loaded(&self, root: &Path) -> bool {
        self.features.get(root).is_some_and(|state| state.disk.is_some())
    }

    /// Load the feature when it is not.
    fn ensure_loaded(&self, root: &Path) {
        if !self.is_loaded(root) {
            self.load(root);
        }
    }

    /// `root`, a loaded feature with no open document, was just used: it
    /// stays loaded, and the least recently used beyond [`LOADED_CLOSED`]
    /// are let go.
    fn touch(&self, root: &Path) {
        let evicted: Vec<PathBuf> = {
            let mut recent = self.recent.lock().unwrap_or_else(PoisonError::into_inner);
            if recent.back().is_some_and(|last| last == root) {
                return;
            }
            recent.retain(|r| r != root);
            recent.push_back(root.to_path_buf());
            let over = recent.len().saturating_sub(LOADED_CLOSED);
            recent.drain(..over).collect()
        };
        for root in evicted {
            self.unload(&root);
        }
    }

    /// Drop a closed feature's files and models, keeping its symbols.
    fn unload(&self, root: &Path) {
        let encoding = self.encoding();
        let Some(mut state) = self.features.get_mut(root) else { return };
        if !state.open.is_empty() {
            return;
        }
        if let Some(disk) = state.disk.take() {
            self.loaded.lock().unwrap_or_else(PoisonError::into_inner).remove(root);
            state.symbols = Some(Arc::new(SymbolIndex::of(&disk, encoding)));
        }
    }

    /// The loaded features ([`World::is_loaded`]), sorted: a few, where
    /// the features of a workspace are a thousand.
    pub fn loaded_roots(&self) -> Vec<PathBuf> {
        self.loaded.lock().unwrap_or_else(PoisonError::into_inner).iter().cloned().collect()
    }

    /// The symbols a closed feature's report indexed.
    pub fn set_symbols(&self, root: &Path, symbols: SymbolIndex) {
        if let Some(mut state) = self.features.get_mut(root) {
            state.symbols = Some(Arc::new(symbols));
        }
        self.reports.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    /// How many closed-feature reports were stored so far.
    pub fn reports(&self) -> usize {
        self.reports.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The symbols of every feature, in folder order: of a loaded one
    /// from its current state, of the others as last indexed.
    pub fn symbol_indexes(&self) -> Vec<Arc<SymbolIndex>> {
        let encoding = self.encoding();
        let mut indexes = Vec::new();
        for root in self.roots() {
            let stored = match self.features.get(&root) {
                Some(state) if state.disk.is_none() => state.symbols.clone(),
                Some(_) => None,
                None => continue,
            };
            match stored {
                Some(index) => indexes.push(index),
                None => {
                    if let Some(snapshot) = self.snapshot(&root) {
                        indexes.push(Arc::new(SymbolIndex::of(&snapshot.feature, encoding)));
                    }
                }
            }
        }
        indexes
    }

    /// A `didOpen` of `uri` begins: until the guard is dropped, the
    /// document's feature [`World::is_opening`]. Called before the text is
    /// copied out of the message, the first thing the server does with it.
    pub fn opening(&self, uri: &str) -> Option<Opening<'_>> {
        let uri: Uri = uri.parse().ok()?;
        let root = feature_root_of(&uri.to_file_path()?)?;
        let mut opening = self.opening.lock().unwrap_or_else(PoisonError::into_inner);
        *opening.entry(root.clone()).or_default() += 1;
        Some(Opening { world: self, root })
    }

    /// Whether a `didOpen` of a document of `root` is being applied.
    pub fn is_opening(&self, root: &Path) -> bool {
        self.opening.lock().unwrap_or_else(PoisonError::into_inner).contains_key(root)
    }

    /// `didOpen`: the editor's text replaces the disk's.
    pub fn open(&self, uri: Uri, text: &str, version: i32) -> Option<Touched> {
        let path = uri.to_file_path()?.into_owned();
        let root = feature_root_of(&path)?;
        let rel = relative(&root, &path);
        let kind = DocumentKind::of_path(Path::new(&rel))?;
        if !self.is_loaded(&root) {
            self.load_except(&root, Some(&rel));
        }
        let limit =
            self.config(&root).map_or(crate::analysis::DEFAULT_MAX_FILE_BYTES, |c| c.max_file_bytes());
        let plain = kind == DocumentKind::Contract && !DocumentKind::is_markdown_contract(&path);
        let text = if plain || text.len() as u64 > limit {
            OpenText::Plain(Document::new(text, version))
        } else {
            OpenText::Markdown(MarkdownFile::open(text, version))
        };
        let doc = OpenDoc { uri: uri.clone(), path, kind, text, version, built: None };
        let mut feature = self.features.get_mut(&root)?;
        if feature.disk.is_none() {
            // Let go between loading and now: read it again.
            drop(feature);
            self.load_except(&root, Some(&rel));
            feature = self.features.get_mut(&root)?;
        }
        // The editor's text stands for the file while it is open (close
        // reads it again).
        if let Some(disk) = feature.disk.as_mut() {
            disk.remove(&rel);
        }
        feature.open.insert(rel, doc);
        feature.revision += 1;
        drop(feature);
        self.recent.lock().unwrap_or_else(PoisonError::into_inner).retain(|r| *r != root);
        self.open_uris.insert(uri.clone(), root.clone());
        Some(Touched { root, uri })
    }

    /// `didChange`: apply the edits in order. Stale versions are ignored
    /// (a client never sends them, but a replay must not roll text back).
    pub fn change(&self, uri: &Uri, changes: &[ContentChange], version: i32) -> Option<Touched> {
        let root = self.open_uris.get(uri)?.clone();
        let encoding = self.encoding();
        let limit = self.config(&root)?.max_file_bytes();
        let mut feature = self.features.get_mut(&root)?;
        let doc = feature.open.values_mut().find(|d| d.uri == *uri)?;
        if version < doc.version {
            return None;
        }
        match &mut doc.text {
            OpenText::Markdown(md) => md.apply_changes(changes, encoding, version),
            OpenText::Plain(text) => {
                for change in changes {
                    text.apply_change(change, encoding);
                }
                text.set_version(version);
            }
        }
        doc.version = version;
        doc.fit_to(limit);
        feature.revision += 1;
        Some(Touched { root, uri: uri.clone() })
    }

    /// `didClose`: the disk's text counts again.
    pub fn close(&self, uri: &Uri) -> Option<Touched> {
        let (_, root) = self.open_uris.remove(uri)?;
        let mut feature = self.features.get_mut(&root)?;
        let rel = feature.open.iter().find(|(_, d)| d.uri == *uri).map(|(rel, _)| rel.clone())?;
        let doc = feature.open.remove(&rel)?;
        // Reread the file: unsaved edits are gone, a deleted file vanishes.
        let limit = self.config_of(&feature).max_file_bytes();
        if let Some(disk) = feature.disk.as_mut() {
            reread(disk, &doc.path, &rel, doc.kind, limit);
        }
        feature.revision += 1;
        let closed = feature.open.is_empty();
        drop(feature);
        if closed {
            self.touch(&root);
        }
        Some(Touched { root, uri: uri.clone() })
    }

    /// A file changed on disk. Open documents keep the editor's text; a
    /// `specls.toml` change reloads the configuration of every feature.
    pub fn disk_changed(&self, path: &Path) -> Vec<PathBuf> {
        if self.is_config_file(path) {
            let roots = self.roots();
            for root in &roots {
                if self.is_loaded(root) {
                    self.load(root);
                } else {
                    self.reload_config(root);
                }
            }
            return roots;
        }
        let Some(root) = feature_root_of(path) else { return Vec::new() };
        if !self.features.contains_key(&root) {
            // A new feature folder: reported from disk like the others.
            return if is_feature_folder(&root) && self.register(&root) { vec![root] } else { Vec::new() };
        }
        let rel = relative(&root, path);
        let Some(kind) = DocumentKind::of_path(Path::new(&rel)) else { return Vec::new() };
        let Some(mut feature) = self.features.get_mut(&root) else { return Vec::new() };
        if feature.open.contains_key(&rel) {
            return Vec::new(); // the editor's text wins
        }
        let limit = self.config_of(&feature).max_file_bytes();
        // Not loaded: the next report reads the disk again.
        if let Some(disk) = feature.disk.as_mut() {
            reread(disk, path, &rel, kind, limit);
        }
        feature.revision += 1;
        vec![root]
    }

    /// Read a feature's configuration file again (its files stay as they are).
    fn reload_config(&self, root: &Path) {
        let (file_config, config_problem) = config_for(self.config_file(root));
        if let Some(mut state) = self.features.get_mut(root) {
            state.file_config = file_config;
            state.config_problem = config_problem;
            state.revision += 1;
        }
    }

    /// What is wrong with the feature's configuration file, if anything.
    pub fn config_problem(&self, root: &Path) -> Option<String> {
        self.features.get(root)?.config_problem.clone()
    }

    pub fn revision(&self, root: &Path) -> Option<u64> {
        self.features.get(root).map(|f| f.revision)
    }

    /// The rule configuration of one feature: its `specls.toml` under the
    /// editor's settings. Cheap, unlike a snapshot: no model is built.
    pub fn config(&self, root: &Path) -> Option<RuleConfig> {
        let state = self.features.get(root)?;
        Some(self.config_of(&state))
    }

    fn config_of(&self, state: &FeatureState) -> RuleConfig {
        let settings = self.settings();
        let mut config = state.file_config.clone().merged_with(&settings.rules);
        if let Some(trigger) = settings.trigger {
            config.trigger = trigger;
        }
        config
    }

    /// The current state of one feature, with models of open documents
    /// built (once per version).
    /// A feature that is not loaded is loaded first.
    pub fn snapshot(&self, root: &Path) -> Option<Snapshot> {
        if !self.features.contains_key(root) {
            return None;
        }
        self.ensure_loaded(root);
        let mut state = self.features.get_mut(root)?;
        if state.disk.is_none() {
            // Let go between loading and now (many other features used
            // meanwhile): read it again.
            drop(state);
            self.load(root);
            state = self.features.get_mut(root)?;
        }
        let mut feature = state.disk.clone()?;
        let mut versions = HashMap::new();
        let config = self.config_of(&state);
        for (rel, doc) in state.open.iter_mut() {
            match doc.unread(rel, config.max_file_bytes()) {
                Some(unread) => feature.mark_unread(unread),
                None => feature.upsert(doc.feature_file(rel)),
            }
            versions.insert(rel.clone(), doc.version);
        }
        let snapshot = Snapshot {
            root: root.to_path_buf(),
            feature,
            revision: state.revision,
            versions,
            config,
            config_problem: state.config_problem.clone(),
        };
        let closed = state.open.is_empty();
        drop(state);
        if closed {
            self.touch(root);
        }
        Some(snapshot)
    }

    /// The text of an open document (for tests and logging).
    pub fn open_text(&self, uri: &Uri) -> Option<String> {
        let root = self.open_uris.get(uri)?.clone();
        let feature = self.features.get(&root)?;
        feature.open.values().find(|d| d.uri == *uri).map(|d| d.document().text())
    }

    /// The version of an open document.
    pub fn open_version(&self, uri: &Uri) -> Option<i32> {
        let root = self.open_uris.get(uri)?.clone();
        let feature = self.features.get(&root)?;
        feature.open.values().find(|d| d.uri == *uri).map(|d| d.version)
    }
}

/// Read one file of `disk` again: its text, "too large", or gone.
fn reread(disk: &mut Feature, path: &Path, rel: &str, kind: DocumentKind, limit: u64) {
    match read_text(path, limit) {
        Ok(text) => disk.upsert(FeatureFile::from_text(path.to_path_buf(), rel, kind, &text)),
        Err(ReadError::TooLarge { size, limit }) => {
            disk.mark_unread(UnreadFile { path: path.to_path_buf(), rel: rel.into(), size, limit });
        }
        Err(_) => {
            disk.remove(rel);
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// The configuration in `file`, or the defaults and what is wrong.
fn config_for(file: Option<PathBuf>) -> (RuleConfig, Option<String>) {
    match file {
        Some(path) => match load_config(&path) {
            Ok(config) => (config, None),
            Err(err) => (RuleConfig::default(), Some(err.to_string())),
        },
        None => (RuleConfig::default(), None),
    }
}
