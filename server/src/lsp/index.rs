//! What the server keeps of a feature folder none of whose documents is
//! open: nothing of its models. A closed feature is read from disk,
//! analysed, reported (its diagnostics published, its symbols indexed for
//! `workspace/symbol`) and dropped, so memory follows what is open.
//!
//! The report goes into the content-hash cache (`workspace/cache.rs`,
//! kind `server`) under everything it depends on: the files' texts, the
//! feature's configuration, its folder, its number twins and the position
//! encoding (the binary's identity is added by the cache). A second start
//! reads the texts, finds the report and analyses nothing; a changed file
//! is a new key, so the cache is never wrong, only missed.

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::publish::Analysis;
use super::world::{Snapshot, World};
use crate::analysis::{RuleConfig, analyze};
use crate::ide::symbols::{Searchable, SymbolKind, symbol_entries, symbol_name};
use crate::model::blocks::Wanted;
use crate::model::feature::Feature;
use crate::text::PositionEncoding;
use crate::workspace::cache::{Cache, Key, KeyBuilder};
use crate::workspace::discovery::Siblings;
use crate::workspace::load::{FolderRead, feature_from_while, read_feature_beside};

/// The tasks, stories and requirements of one feature with their LSP
/// locations: what `workspace/symbol` searches in a feature that is not
/// loaded. URIs and containers are stored once per feature.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct SymbolIndex {
    uris: Vec<lsp::Uri>,
    containers: Vec<Box<str>>,
    symbols: Vec<IndexedSymbol>,
}

/// Stored as a row (`["T001", "title", 12, 0, 0, [4, 6, 4, 10]]`): the
/// symbols are most of a cached report (23 of 27 MB for the 1,014 folders
/// of `scripts/bench-workspace` as objects with named fields), and a row
/// spells no field names.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(from = "SymbolRow", into = "SymbolRow")]
pub struct IndexedSymbol {
    id: Box<str>,
    title: Box<str>,
    kind: lsp::SymbolKind,
    container: u32,
    uri: u32,
    range: lsp::Range,
}

/// ID, title, kind, container, URI, and the range's start line and
/// character and end line and character.
type SymbolRow = (Box<str>, Box<str>, lsp::SymbolKind, u32, u32, [u32; 4]);

impl From<SymbolRow> for IndexedSymbol {
    fn from((id, title, kind, container, uri, [l0, c0, l1, c1]): SymbolRow) -> Self {
        let range = lsp::Range::new(lsp::Position::new(l0, c0), lsp::Position::new(l1, c1));
        IndexedSymbol { id, title, kind, container, uri, range }
    }
}

impl From<IndexedSymbol> for SymbolRow {
    fn from(symbol: IndexedSymbol) -> Self {
        let lsp::Range { start, end } = symbol.range;
        let range = [start.line, start.character, end.line, end.character];
        (symbol.id, symbol.title, symbol.kind, symbol.container, symbol.uri, range)
    }
}

impl Searchable for IndexedSymbol {
    fn id(&self) -> &str {
        &self.id
    }

    fn title(&self) -> &str {
        &self.title
    }
}

impl SymbolIndex {
    /// The symbols of `feature`, located in `encoding`.
    pub fn of(feature: &Feature, encoding: PositionEncoding) -> Self {
        let mut index = SymbolIndex::default();
        let mut uris: HashMap<std::sync::Arc<str>, u32> = HashMap::new();
        let mut containers: HashMap<String, u32> = HashMap::new();
        for entry in symbol_entries(feature) {
            let Some(file) = feature.file(&entry.file) else { continue };
            let uri = match uris.get(&entry.file) {
                Some(&at) => at,
                None => {
                    let Some(uri) = convert::uri_of(&file.path) else { continue };
                    index.uris.push(uri);
                    let at = (index.uris.len() - 1) as u32;
                    uris.insert(entry.file.clone(), at);
                    at
                }
            };
            let next = containers.len() as u32;
            let container = *containers.entry(entry.container).or_insert_with_key(|name| {
                index.containers.push(name.as_str().into());
                next
            });
            index.symbols.push(IndexedSymbol {
                id: entry.id.into(),
                title: entry.title.into(),
                kind: symbol_kind(entry.kind),
                container,
                uri,
                range: convert::range(&file.document, entry.span, encoding),
            });
        }
        index
    }

    pub fn symbols(&self) -> &[IndexedSymbol] {
        &self.symbols
    }

    /// A symbol of this index as the client sees it.
    pub fn information(&self, symbol: &IndexedSymbol) -> Option<lsp::SymbolInformation> {
        #[allow(deprecated)] // `deprecated` has no default; `tags` replaces it
        Some(lsp::SymbolInformation {
            name: symbol_name(&symbol.id, &symbol.title),
            kind: symbol.kind,
            tags: None,
            deprecated: None,
            location: lsp::Location::new(self.uris.get(symbol.uri as usize)?.clone(), symbol.range),
            container_name: self.containers.get(symbol.container as usize).map(|c| c.to_string()),
        })
    }
}

/// The LSP kind of a symbol.
pub fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Heading => lsp::SymbolKind::STRING,
        SymbolKind::Phase => lsp::SymbolKind::MODULE,
        SymbolKind::Subsection => lsp::SymbolKind::NAMESPACE,
        SymbolKind::Task => lsp::SymbolKind::FUNCTION,
        SymbolKind::Story => lsp::SymbolKind::CLASS,
        SymbolKind::Requirement => lsp::SymbolKind::CONSTANT,
        SymbolKind::Entity => lsp::SymbolKind::STRUCT,
        SymbolKind::Enum => lsp::SymbolKind::ENUM,
        SymbolKind::Field => lsp::SymbolKind::FIELD,
        SymbolKind::Operation => lsp::SymbolKind::METHOD,
        SymbolKind::Event => lsp::SymbolKind::EVENT,
        SymbolKind::Schema => lsp::SymbolKind::INTERFACE,
        SymbolKind::Function => lsp::SymbolKind::FUNCTION,
        SymbolKind::Setting => lsp::SymbolKind::PROPERTY,
    }
}

/// What publishing a closed feature needs: the diagnostics of each of its
/// files that has some, and its symbols.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FeatureReport {
    pub diagnostics: Vec<(lsp::Uri, Vec<lsp::Diagnostic>)>,
    pub symbols: SymbolIndex,
}

impl FeatureReport {
    /// The report of an analysis, converted as the publisher converts it.
    pub fn of(analysis: &Analysis, encoding: PositionEncoding) -> Self {
        let feature = &analysis.snapshot.feature;
        let files = feature.files.iter().map(|f| (&f.path, &f.rel));
        let diagnostics = files
            .chain(feature.unread.iter().map(|u| (&u.path, &u.rel)))
            .filter_map(|(path, rel)| {
                let uri = convert::uri_of(path)?;
                let found = analysis.for_file(rel, encoding);
                (!found.is_empty()).then_some((uri, found))
            })
            .collect();
        FeatureReport { diagnostics, symbols: SymbolIndex::of(feature, encoding) }
    }
}

/// A cache entry made by a report: written later, off the path of
/// indexing ([`ClosedReports`]).
pub type Entry = (Key, Vec<u8>);

/// Read the feature at `root` from disk and report it: from the cache
/// when it holds this exact input, else by analysing it, with the entry
/// to store (when there is a cache). Nothing of the feature is kept.
/// `None` when `still_closed` turns false before the analysis: a document
/// of the feature is being opened (at start, indexing reaches the
/// feature of the first opened document before its `didOpen`), and the
/// open feature's own analysis reports it; a second one of a 5 MB
/// tasks.md took a core for 1-2 s and doubled the server's memory while
/// the first diagnostics waited. It is asked while the files are
/// loaded, too: the indexer reaches that feature first, and a load that
/// went on beside `didOpen`'s parse raised the peak RSS of a 50k-task
/// file from 170 MiB to 193-204.
pub fn closed_report(
    root: &Path,
    config: &RuleConfig,
    encoding: PositionEncoding,
    siblings: &Siblings,
    cache: Option<&Cache>,
    still_closed: Wanted,
) -> Option<(FeatureReport, Option<Entry>)> {
    let read = read_feature_beside(root, config.max_file_bytes(), siblings);
    let key = report_key(root, config, encoding, &read);
    if let Some(cache) = cache
        && let Some(report) = cache.get(key).and_then(|bytes| serde_json::from_slice(&bytes).ok())
    {
        return Some((report, None));
    }
    let FolderRead { files, unread, number_twins, .. } = read;
    let mut feature = feature_from_while(root, files, unread, still_closed)?;
    feature.number_twins = number_twins;
    if !still_closed() {
        return None;
    }
    let diagnostics = analyze(&feature, config);
    let snapshot = Snapshot {
        root: root.to_path_buf(),
        feature,
        revision: 0,
        versions: HashMap::new(),
        config: config.clone(),
        config_problem: None,
    };
    let report = FeatureReport::of(&Analysis { snapshot, diagnostics }, encoding);
    let entry = cache.and_then(|_| serde_json::to_vec(&report).ok()).map(|bytes| (key, bytes));
    Some((report, entry))
}

/// A closed feature's report and the revision it describes.
pub struct Reported {
    pub root: PathBuf,
    pub revision: u64,
    /// `None` when the feature was opened before its analysis began.
    pub report: Option<FeatureReport>,
}

/// Closed features being reported on blocking threads: one more than the
/// cores at once, so a worker that finishes finds the next feature started
/// while its report is published, and no batch waits for its slowest
/// member (batches of four cost 1,014 folders 254 barriers). Reports come
/// out in the order their features went in, as a batch sorted them.
///
/// A report done waits for the older ones without holding a worker's
/// place: up to [`AHEAD`] reports may wait, and the next feature starts
/// as soon as any report is done ([`ClosedReports::finished`]), not when
/// the oldest is. Waiting for the oldest left a core idle behind each
/// long feature.
pub struct ClosedReports {
    running: VecDeque<Running>,
    /// Reports started and not done yet.
    working: Arc<std::sync::atomic::AtomicUsize>,
    /// Told when a report is done.
    finished: Arc<tokio::sync::Notify>,
    limit: usize,
    /// The numbered folders of each `specs/`, listed once per pass: a
    /// fresh listing per feature cost 1,014 listings of 1,014 names.
    /// Dropped when the pass ends ([`ClosedReports::end_pass`]), so the
    /// next one sees folders made meanwhile.
    siblings: Option<Arc<Siblings>>,
    /// Cache entries not written yet. Writing one is a file created and
    /// renamed (on ext4, 9% of a cold index's CPU, most of it in the
    /// kernel), so during a pass they wait, and are written when it ends
    /// or at `shutdown`: the diagnostics come first. Never more than
    /// [`UNWRITTEN_BYTES`] wait.
    unwritten: Vec<Entry>,
    unwritten_bytes: usize,
    writing: Vec<tokio::task::JoinHandle<()>>,
}

/// A report on its way, with the cache entry it made.
type Running = tokio::task::JoinHandle<Option<(Reported, Option<Entry>)>>;

/// The most reports started and not yet taken ([`ClosedReports::next`]):
/// a report is a feature's diagnostics and symbols, a few kilobytes.
const AHEAD: usize = 64;

/// The most cache entries kept in memory before they are written (the
/// 1,014 folders of `scripts/bench-workspace` make about 10 MB).
const UNWRITTEN_BYTES: usize = 64 << 20;

impl Default for ClosedReports {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        ClosedReports {
            running: VecDeque::new(),
            working: Arc::default(),
            finished: Arc::default(),
            limit: cores + 1,
            siblings: None,
            unwritten: Vec::new(),
            unwritten_bytes: 0,
            writing: Vec::new(),
        }
    }
}

impl ClosedReports {
    /// Whether another feature may start.
    pub fn has_room(&self) -> bool {
        self.working.load(Ordering::SeqCst) < self.limit && self.running.len() < AHEAD
    }

    /// Told each time a report is done (a place to start another), in
    /// any order; a report done before the question is told at once.
    pub fn finished(&self) -> Arc<tokio::sync::Notify> {
        self.finished.clone()
    }

    pub fn is_running(&self) -> bool {
        !self.running.is_empty()
    }

    /// Start reporting `root` from disk (or the cache).
    pub fn start(&mut self, world: &Arc<World>, root: PathBuf) {
        let siblings = self.siblings.get_or_insert_with(Default::default).clone();
        let world = world.clone();
        let (working, finished) = (self.working.clone(), self.finished.clone());
        working.fetch_add(1, Ordering::SeqCst);
        self.running.push_back(tokio::task::spawn_blocking(move || {
            // Told even when the report panics.
            let _done = Done { working, finished };
            report_one(&world, &siblings, root)
        }));
    }

    /// The oldest started feature's report, once done (`None` for a
    /// feature gone from the world, or a report that panicked). Cancel
    /// safe: dropped before the report is done, the next call waits on
    /// the same feature.
    pub async fn next(&mut self, world: &World) -> Option<Reported> {
        let oldest = self.running.front_mut()?;
        let done = oldest.await;
        self.running.pop_front();
        let (reported, entry) = done.ok().flatten()?;
        if let Some(entry) = entry {
            // Even a stale report's entry is right: its key is its input.
            self.unwritten_bytes += entry.1.len();
            self.unwritten.push(entry);
            if self.unwritten_bytes > UNWRITTEN_BYTES {
                self.write(world);
            }
        }
        Some(reported)
    }

    /// Nothing is pending or running: forget the folder listings, and
    /// write the pass's cache entries in the background.
    pub fn end_pass(&mut self, world: &World) {
        self.siblings = None;
        self.write(world);
    }

    /// Write every cache entry made so far, and wait for it: at
    /// `shutdown`, so that the next start finds them.
    pub async fn persist(&mut self, world: &World) {
        self.write(world);
        for writing in self.writing.drain(..) {
            let _ = writing.await;
        }
    }

    fn write(&mut self, world: &World) {
        self.writing.retain(|writing| !writing.is_finished());
        let entries = std::mem::take(&mut self.unwritten);
        self.unwritten_bytes = 0;
        let Some(cache) = world.cache().filter(|_| !entries.is_empty()) else { return };
        self.writing.push(tokio::task::spawn_blocking(move || {
            for (key, bytes) in entries {
                cache.put(key, &bytes);
            }
        }));
    }
}

/// A report's place given back when it is done.
struct Done {
    working: Arc<std::sync::atomic::AtomicUsize>,
    finished: Arc<tokio::sync::Notify>,
}

impl Drop for Done {
    fn drop(&mut self) {
        self.working.fetch_sub(1, Ordering::SeqCst);
        self.finished.notify_one();
    }
}

/// The report of one closed feature at its current revision.
fn report_one(world: &World, siblings: &Siblings, root: PathBuf) -> Option<(Reported, Option<Entry>)> {
    let revision = world.revision(&root)?;
    let config = world.config(&root)?;
    let cache = world.cache();
    let still_closed = || !world.is_loaded(&root) && !world.is_opening(&root);
    let report = closed_report(&root, &config, world.encoding(), siblings, cache.as_ref(), &still_closed);
    let (report, entry) = report.map_or((None, None), |(report, entry)| (Some(report), entry));
    Some((Reported { root, revision, report }, entry))
}

/// Everything a closed feature's report depends on besides the binary.
/// Unreadable files are named with their error: a file that cannot be
/// read today may be readable tomorrow, a new key.
fn report_key(root: &Path, config: &RuleConfig, encoding: PositionEncoding, read: &FolderRead) -> Key {
    let mut key = KeyBuilder::default();
    key.add_str("server/2")
        .add_str(&format!("{encoding:?}"))
        .add_str(&root.to_string_lossy())
        .add_str(&format!("{config:?}"));
    for file in &read.files {
        key.add_str(&file.rel).add_str(&file.text);
    }
    for file in &read.unread {
        key.add_str(&file.rel).add_str(&format!("unread {} {}", file.size, file.limit));
    }
    for problem in &read.problems {
        key.add_str("problem").add_str(&problem.path.to_string_lossy()).add_str(&problem.message);
    }
    for twin in &read.number_twins {
        key.add_str("twin").add_str(twin);
    }
    key.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_feature(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("specls-index-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("specs/001-a");
        for (rel, text) in files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        root
    }

    fn report_json(report: &FeatureReport) -> String {
        serde_json::to_string(report).unwrap()
    }

    #[test]
    fn closed_reports_come_out_in_the_order_their_features_went_in() {
        let tasks = |n: usize| format!("## Phase 1\n- [ ] T001 a in src/a.py\n- [ ] T00{} b\n", n % 2);
        let first = temp_feature("order", &[("tasks.md", &tasks(0))]);
        let specs = first.parent().unwrap().to_path_buf();
        let world = Arc::new(World::default());
        world.use_cache_home(None);
        let roots: Vec<PathBuf> = (0..7).map(|n| specs.join(format!("{:03}-f{n}", n + 1))).collect();
        for (n, root) in roots.iter().enumerate() {
            std::fs::create_dir_all(root).unwrap();
            std::fs::write(root.join("tasks.md"), tasks(n)).unwrap();
            world.register(root);
        }
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let out: Vec<(PathBuf, String)> = runtime.block_on(async {
            let mut closed = ClosedReports::default();
            let mut out = Vec::new();
            let mut waiting = roots.iter().cloned();
            loop {
                while closed.has_room()
                    && let Some(root) = waiting.next()
                {
                    closed.start(&world, root);
                }
                if !closed.is_running() {
                    break out;
                }
                let done = closed.next(&world).await.expect("a registered feature is reported");
                out.push((done.root, report_json(done.report.as_ref().expect("not opened"))));
            }
        });
        let expected: Vec<(PathBuf, String)> = roots
            .iter()
            .map(|root| {
                let siblings = Siblings::default();
                let config = RuleConfig::default();
                let report = closed_report(root, &config, world.encoding(), &siblings, None, &|| true);
                (root.clone(), report_json(&report.expect("a closed feature is reported").0))
            })
            .collect();
        assert_eq!(out, expected);
        std::fs::remove_dir_all(specs.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_report_done_makes_room_before_it_is_taken() {
        let first = temp_feature("room", &[("tasks.md", "## Phase 1\n- [ ] T001 a in src/a.py\n")]);
        let specs = first.parent().unwrap().to_path_buf();
        let world = Arc::new(World::default());
        world.use_cache_home(None);
        world.register(&first);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let mut closed = ClosedReports::default();
            let finished = closed.finished();
            let started = closed.limit;
            for _ in 0..started {
                closed.start(&world, first.clone());
            }
            while closed.working.load(Ordering::SeqCst) > 0 {
                finished.notified().await;
            }
            assert_eq!(closed.running.len(), started, "none taken yet");
            assert!(closed.has_room(), "the places are free while the reports wait to be taken");
            for _ in 0..started {
                assert!(closed.next(&world).await.expect("reported").report.is_some());
            }
            assert!(!closed.is_running());
        });
        std::fs::remove_dir_all(specs.parent().unwrap()).unwrap();
    }

    #[test]
    fn a_feature_being_opened_is_not_loaded_by_indexing() {
        let root = temp_feature("opening", &[("tasks.md", "## Phase 1\n- [ ] T001 a in src/a.py\n")]);
        let world = World::default();
        world.use_cache_home(None);
        world.register(&root);
        let uri = format!("file://{}", root.join("tasks.md").display());
        let siblings = Siblings::default();
        let report = |world: &World| report_one(world, &siblings, root.clone()).expect("registered").0.report;
        {
            let _opening = world.opening(&uri).expect("a document of a feature");
            assert!(world.is_opening(&root));
            assert!(report(&world).is_none(), "given up: the editor's copy is being opened");
        }
        assert!(!world.is_opening(&root));
        assert!(report(&world).is_some(), "closed again: reported");
        std::fs::remove_dir_all(root.parent().unwrap().parent().unwrap()).unwrap();
    }

    #[test]
    fn a_load_given_up_midway_stops_while_a_long_file_is_scanned() {
        let tasks = crate::synth::tasks_md(5_000);
        let root = temp_feature("midway", &[("spec.md", "# Spec\n"), ("tasks.md", &tasks)]);
        let read = crate::workspace::load::read_feature(&root, u64::MAX);
        let load = |answers: usize| {
            let asked = std::sync::atomic::AtomicUsize::new(0);
            let wanted = || asked.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < answers;
            let loaded = feature_from_while(&root, read.files.clone(), Vec::new(), &wanted);
            (loaded.map(|f| f.files.len()), asked.into_inner())
        };
        let (whole, asked) = load(usize::MAX);
        assert_eq!(whole, Some(2));
        assert!(asked > 3, "asked before each file and during the scan, not only {asked} times");
        // Wanted for the two files' starts and the first blocks only.
        assert_eq!(load(3), (None, 4));
        std::fs::remove_dir_all(root.parent().unwrap().parent().unwrap()).unwrap();
    }

    #[test]
    fn a_cached_report_is_the_analysed_one_and_a_changed_file_misses() {
        let tasks = "## Phase 1\n- [ ] T001 a in src/a.py\n- [ ] T001 b in src/b.py\n";
        let root = temp_feature("cached", &[("tasks.md", tasks)]);
        let home = root.parent().unwrap().parent().unwrap().join("cache");
        let cache = Cache::open(&home, "server");
        let config = RuleConfig::default();
        // A report and whether it made a new cache entry (stored at once).
        let report = |cache: Option<&Cache>| {
            let (report, entry) =
                closed_report(&root, &config, PositionEncoding::Utf16, &Siblings::default(), cache, &|| true)
                    .expect("a closed feature is reported");
            let made = entry.is_some();
            if let (Some(cache), Some((key, bytes))) = (cache, entry) {
                cache.put(key, &bytes);
            }
            (report, made)
        };
        let (fresh, made) = report(None);
        assert!(!made, "no cache, no entry");
        assert!(fresh.diagnostics.iter().any(|(_, d)| {
            d.iter().any(|d| d.code == Some(lsp::NumberOrString::String("duplicate-task-id".into())))
        }));
        assert_eq!(fresh.symbols.symbols().len(), 2);
        let (stored, made) = report(Some(&cache));
        assert!(made, "a miss makes an entry");
        let (read_back, made) = report(Some(&cache));
        assert!(!made, "a hit makes none");
        assert_eq!(report_json(&stored), report_json(&fresh));
        assert_eq!(report_json(&read_back), report_json(&fresh));
        // Opened meanwhile: no analysis, unless the cache holds the report.
        let opened = |cache: Option<&Cache>| {
            closed_report(&root, &config, PositionEncoding::Utf16, &Siblings::default(), cache, &|| false)
        };
        assert!(opened(None).is_none());
        assert_eq!(opened(Some(&cache)).map(|(r, _)| report_json(&r)), Some(report_json(&fresh)));
        std::fs::write(root.join("tasks.md"), "## Phase 1\n- [ ] T001 a in src/a.py\n").unwrap();
        let (changed, made) = report(Some(&cache));
        assert!(made);
        assert_eq!(report_json(&changed), report_json(&report(None).0));
        assert_ne!(report_json(&changed), report_json(&fresh));
        std::fs::remove_dir_all(root.parent().unwrap().parent().unwrap()).unwrap();
    }
}
