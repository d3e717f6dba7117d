//! Diagnostics: one task analyses features as they change and publishes
//! the results. Coalesced, not delayed: a change starts an analysis at
//! once; changes that arrive meanwhile are merged into one more run, and a
//! result whose feature changed while it ran is dropped, never published.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use dashmap::DashMap;
use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::index::{ClosedReports, FeatureReport, Reported};
use super::transport::Notifier;
use super::world::{Snapshot, World};
use crate::analysis::{Diagnostic, analyze, analyze_on_two_threads};
use crate::text::PositionEncoding;

/// A feature's analysis at one revision.
pub struct Analysis {
    pub snapshot: Snapshot,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The analysis of `snapshot`, on this thread and, with `two_threads`,
    /// one more ([`analyze_on_two_threads`]).
    fn of(snapshot: Snapshot, two_threads: bool) -> Self {
        let diagnostics = if two_threads {
            analyze_on_two_threads(&snapshot.feature, &snapshot.config)
        } else {
            analyze(&snapshot.feature, &snapshot.config)
        };
        Analysis { snapshot, diagnostics }
    }

    /// The LSP diagnostics of one file of the feature.
    pub fn for_file(&self, rel: &str, encoding: PositionEncoding) -> Vec<lsp::Diagnostic> {
        let feature = &self.snapshot.feature;
        let unread;
        let file = match (feature.file(rel), feature.unread.iter().find(|u| &*u.rel == rel)) {
            (Some(file), _) => file,
            // Not analysed: its findings (file-too-large) sit at 0:0 of an
            // empty text.
            (None, Some(u)) => {
                let kind = crate::model::kind::DocumentKind::of_path(std::path::Path::new(rel));
                let kind = kind.unwrap_or(crate::model::kind::DocumentKind::OtherMarkdown);
                unread = crate::model::feature::FeatureFile::from_text(u.path.clone(), rel, kind, "");
                &unread
            }
            (None, None) => return Vec::new(),
        };
        // `analyze` sorts diagnostics by file: the file's are one run.
        let start = self.diagnostics.partition_point(|d| &*d.file < rel);
        self.diagnostics[start..]
            .iter()
            .take_while(|d| &*d.file == rel)
            .map(|d| convert::diagnostic(feature, file, d, encoding))
            .collect()
    }
}

/// The latest analysis of each feature, shared by push and pull.
#[derive(Default)]
pub struct Analyses {
    latest: DashMap<PathBuf, Arc<Analysis>>,
}

impl Analyses {
    /// The analysis of the feature's current revision, computed if needed.
    pub fn current(&self, world: &World, root: &PathBuf) -> Option<Arc<Analysis>> {
        let revision = world.revision(root)?;
        if let Some(done) = self.latest.get(root)
            && done.snapshot.revision == revision
        {
            return Some(done.clone());
        }
        let analysis = Arc::new(Analysis::of(world.snapshot(root)?, false));
        self.store(root, &analysis);
        Some(analysis)
    }

    /// Let go of the analyses of features that are no longer loaded: each
    /// holds its whole feature.
    pub fn forget_unloaded(&self, world: &World) {
        self.latest.retain(|root, _| world.is_loaded(root));
    }

    /// The stored analysis of exactly `snapshot`'s state (its revision and
    /// configuration), if any: at start, indexing schedules the feature
    /// of a document opened meanwhile, already analysed at that revision.
    fn of_state(&self, snapshot: &Snapshot) -> Option<Arc<Analysis>> {
        let done = self.latest.get(&snapshot.root)?;
        let same = done.snapshot.revision == snapshot.revision && done.snapshot.config == snapshot.config;
        same.then(|| done.clone())
    }

    /// Keep `analysis` as the feature's latest unless a newer one is
    /// kept; returns the one it replaced.
    fn store(&self, root: &PathBuf, analysis: &Arc<Analysis>) -> Option<Arc<Analysis>> {
        let newer =
            self.latest.get(root).is_some_and(|old| old.snapshot.revision > analysis.snapshot.revision);
        if newer { None } else { self.latest.insert(root.clone(), analysis.clone()) }
    }
}

/// Sends features to the publishing task.
#[derive(Clone)]
pub struct Publisher {
    jobs: mpsc::UnboundedSender<Job>,
    /// Nothing is published before the editor's settings are known: a
    /// first report with the wrong severities would flash and vanish.
    ready: Arc<tokio::sync::watch::Sender<bool>>,
    /// The client pulls diagnostics of open documents: push only the others.
    pull: Arc<AtomicBool>,
    /// The client accepts `workspace/diagnostic/refresh`.
    refresh: Arc<AtomicBool>,
}

impl Publisher {
    pub fn spawn(world: Arc<World>, analyses: Arc<Analyses>, client: Client, notifier: Notifier) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        let pull = Arc::new(AtomicBool::new(false));
        let refresh = Arc::new(AtomicBool::new(false));
        let (ready, ready_rx) = tokio::sync::watch::channel(false);
        let modes = Modes { pull: pull.clone(), refresh: refresh.clone() };
        let out = Out { client, notifier };
        tokio::spawn(run(queue, world, analyses, out, modes, ready_rx));
        Publisher { jobs, ready: Arc::new(ready), pull, refresh }
    }

    /// The settings are known: start publishing.
    pub fn set_ready(&self) {
        let _ = self.ready.send(true);
    }

    /// Whether the client pulls diagnostics, and whether it can be told
    /// to pull again (`workspace/diagnostic/refresh`).
    pub fn set_pull(&self, pull: bool, refresh: bool) {
        self.pull.store(pull, Ordering::SeqCst);
        self.refresh.store(refresh, Ordering::SeqCst);
    }

    /// Analyse `root` again and publish.
    pub fn schedule(&self, root: PathBuf) {
        let _ = self.jobs.send(Job::Analyse(root));
    }

    /// Resolves once the cache entries of every report made so far are
    /// written (or the publisher is gone): at `shutdown`. At once when
    /// publishing never started (no `initialized`): no report was made,
    /// and the publishing task would answer only after it starts.
    pub fn persisted(&self) -> tokio::sync::oneshot::Receiver<()> {
        let (done, persisted) = tokio::sync::oneshot::channel();
        if *self.ready.borrow() {
            let _ = self.jobs.send(Job::Persist(done));
        } else {
            let _ = done.send(());
        }
        persisted
    }

    /// Resolves once every feature scheduled before is published (or the
    /// publisher is gone).
    pub fn idle(&self) -> tokio::sync::oneshot::Receiver<()> {
        let (done, idle) = tokio::sync::oneshot::channel();
        let _ = self.jobs.send(Job::Idle(done));
        idle
    }
}

/// What the publishing task is asked.
enum Job {
    Analyse(PathBuf),
    /// Answer once nothing is pending.
    Idle(tokio::sync::oneshot::Sender<()>),
    /// Answer once the cache entries made so far are written.
    Persist(tokio::sync::oneshot::Sender<()>),
}

/// Jobs seen but not done yet.
#[derive(Default)]
struct Pending {
    roots: BTreeSet<PathBuf>,
    idle: Vec<tokio::sync::oneshot::Sender<()>>,
    persist: Vec<tokio::sync::oneshot::Sender<()>>,
}

impl Pending {
    fn add(&mut self, job: Job) {
        match job {
            Job::Analyse(root) => {
                self.roots.insert(root);
            }
            Job::Idle(done) => self.idle.push(done),
            Job::Persist(done) => self.persist.push(done),
        }
    }

    /// The next pending feature that is loaded (an open document's): it
    /// goes before closed ones, so an edit never waits behind indexing.
    fn next_loaded(&mut self, world: &World) -> Option<PathBuf> {
        let loaded = world.loaded_roots().into_iter().find(|root| self.roots.contains(root))?;
        self.roots.take(&loaded)
    }

    /// The first pending feature that is not loaded.
    fn take_closed(&mut self, world: &World) -> Option<PathBuf> {
        let closed = self.roots.iter().find(|root| !world.is_loaded(root)).cloned()?;
        self.roots.take(&closed)
    }

    fn tell_idle(&mut self) {
        for done in self.idle.drain(..) {
            let _ = done.send(());
        }
    }
}

/// How the client takes diagnostics, shared with the [`Publisher`].
struct Modes {
    pull: Arc<AtomicBool>,
    refresh: Arc<AtomicBool>,
}

/// What the client last pulled, as far as we know: per open file of a
/// feature, its version and diagnostics at the last analysis.
type Pulled = HashMap<String, (i32, Vec<Diagnostic>)>;

/// Where the publishing task writes: log messages and requests through
/// the client, reports through the notifier.
struct Out {
    client: Client,
    notifier: Notifier,
}

impl Out {
    /// `textDocument/publishDiagnostics` of `uri`.
    fn report(&self, uri: &lsp::Uri, diagnostics: &[lsp::Diagnostic], version: Option<i32>) {
        self.notifier.notify("textDocument/publishDiagnostics", &Report { uri, diagnostics, version });
    }
}

/// `PublishDiagnosticsParams` of borrowed parts: what is sent is kept.
#[derive(serde::Serialize)]
struct Report<'a> {
    uri: &'a lsp::Uri,
    diagnostics: &'a [lsp::Diagnostic],
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
}

async fn run(
    mut queue: mpsc::UnboundedReceiver<Job>,
    world: Arc<World>,
    analyses: Arc<Analyses>,
    out: Out,
    modes: Modes,
    mut ready: tokio::sync::watch::Receiver<bool>,
) {
    let _ = ready.wait_for(|ready| *ready).await;
    let mut pending = Pending::default();
    let mut published: HashMap<PathBuf, Sent> = HashMap::new();
    let mut pulled: HashMap<PathBuf, Pulled> = HashMap::new();
    let mut closed = ClosedReports::default();
    let mut pace = Pace::default();
    let finished = closed.finished();
    loop {
        tokio::select! {
            job = queue.recv() => match job {
                Some(job) => pending.add(job),
                None => break,
            },
            done = closed.next(&world), if closed.is_running() => {
                if let Some(done) = done {
                    publish_closed(&world, &out, done, &mut pending, &mut published);
                }
            }
            // A report done behind an older one: its place starts the next.
            _ = finished.notified(), if closed.is_running() => {}
        }
        drain(&mut queue, &mut pending);
        analyses.forget_unloaded(&world);
        pace.forget_unloaded(&world);
        while let Some(root) = pending.next_loaded(&world) {
            let started = Instant::now();
            let Some(snapshot) = world.snapshot(&root) else { continue };
            let revision = snapshot.revision;
            let analysis = match analyses.of_state(&snapshot) {
                Some(done) => Ok(done),
                None => pace.analyse(&root, snapshot).await,
            };
            let analysis = match analysis {
                Ok(analysis) => analysis,
                Err(err) => {
                    super::log::error(&out.notifier, format!("analysis of {} failed: {err}", root.display()));
                    continue;
                }
            };
            drain(&mut queue, &mut pending);
            if world.revision(&root) != Some(revision) {
                pending.roots.insert(root); // stale: a newer revision is waiting
                continue;
            }
            let took = started.elapsed();
            super::log::debug(&out.notifier, || format!("analysed {} in {took:.1?}", root.display()));
            if took > Duration::from_millis(100) {
                super::log::warn(
                    &out.notifier,
                    format!("analysing {} took {took:.0?} (over 100 ms)", root.display()),
                );
            }
            // The analysis replaced holds a whole feature: dropped after
            // publishing. A feature analysed on this thread (in under a
            // millisecond) is dropped here too, once the report is
            // written: handing it to the pool takes a lock and wakes
            // another thread, which costs more than the drop (0.1-0.2 ms
            // at 10k tasks) and leaves that thread busy when the next
            // keystroke comes. Bigger ones go to the pool (a 50k-task
            // feature takes a millisecond).
            let replaced = analyses.store(&root, &analysis);
            let drop_here = pace.is_quick(&root);
            let pull = modes.pull.load(Ordering::SeqCst);
            if pull {
                let stale = other_open_files_changed(&analysis, pulled.entry(root.clone()).or_default());
                if stale && modes.refresh.load(Ordering::SeqCst) {
                    // The client answers when it likes: never wait for it here.
                    let client = out.client.clone();
                    tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
                }
            }
            let sent = published.entry(root).or_default();
            publish(&out, &analysis, world.encoding(), sent, pull);
            match replaced {
                Some(replaced) if drop_here => {
                    tokio::task::yield_now().await;
                    drop(replaced);
                }
                Some(replaced) => {
                    tokio::task::spawn_blocking(move || drop(replaced));
                }
                None => {}
            }
        }
        // Closed features keep the workers busy; an open one's analysis,
        // above, never waits for more than the publishing of one report.
        while closed.has_room()
            && let Some(root) = pending.take_closed(&world)
        {
            closed.start(&world, root);
        }
        if pending.roots.is_empty() && !closed.is_running() {
            closed.end_pass(&world);
            pending.tell_idle();
        }
        for done in pending.persist.drain(..) {
            closed.persist(&world).await;
            let _ = done.send(());
        }
    }
}

/// Analyses quicker than this run on the protocol thread. Handing one to
/// the blocking pool and back wakes two threads, which costs as much as
/// analysing a feature of a thousand tasks; while it runs, messages wait,
/// so only what ran this quick last time, and has not doubled in size
/// since, runs here.
const INLINE_UNDER: Duration = Duration::from_millis(1);

/// Of the analyses on the blocking pool, every this many runs the way
/// (one thread or two) that has been slower lately, to learn whether it
/// still is.
const RETRY_EVERY: u32 = 16;

/// Analyses after the first that are not timed: see [`Pace::record`].
const WARMING_UP: u32 = 2;

/// Where a feature is analysed, by how long its analyses took.
#[derive(Default)]
struct Pace {
    /// Open features analysed quickly last time, with their size then:
    /// analysed on the protocol thread.
    quick: HashMap<PathBuf, usize>,
    /// The others: how long analyses on one thread and on two take. Two
    /// threads shorten a long analysis when a second core is free, and
    /// can double it when the machine is busy (the slower half waits for
    /// a core): the way that has been quicker lately is taken.
    split: HashMap<PathBuf, Split>,
}

/// How long a feature's analyses took lately, each way: a moving average,
/// so one slow run (a busy moment) does not switch ways.
#[derive(Default)]
struct Split {
    one: Option<Duration>,
    two: Option<Duration>,
    runs: u32,
}

/// Where one analysis runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Way {
    /// On the protocol thread.
    Here,
    /// On the blocking pool, on one thread or two.
    Pool { two: bool },
}

impl Split {
    /// Two threads until both ways have a time, then the quicker, and now
    /// and then the other.
    fn two_threads(&self) -> bool {
        let quicker_two = match (self.one, self.two) {
            (_, None) => return true,
            (None, Some(_)) => return false,
            (Some(one), Some(two)) => two < one,
        };
        let retry = self.runs % RETRY_EVERY == RETRY_EVERY - 1;
        quicker_two != retry
    }
}

impl Pace {
    /// Analyse `snapshot` of `root` where [`Pace::way`] says. A panic is
    /// an error, never the end of the server.
    async fn analyse(&mut self, root: &PathBuf, snapshot: Snapshot) -> Result<Arc<Analysis>, String> {
        let size: usize = snapshot.feature.files.iter().map(|file| file.document.len()).sum();
        let way = self.way(root, size);
        let run = move || {
            let started = Instant::now();
            let analysis = Arc::new(Analysis::of(snapshot, way == Way::Pool { two: true }));
            (analysis, started.elapsed())
        };
        let (analysis, took) = match way {
            Way::Here => std::panic::catch_unwind(std::panic::AssertUnwindSafe(run))
                .map_err(|_| "it panicked".to_string())?,
            Way::Pool { .. } => tokio::task::spawn_blocking(run).await.map_err(|err| err.to_string())?,
        };
        self.record(root, size, way, took);
        Ok(analysis)
    }

    /// Here when the last analysis was quick and the feature has not
    /// doubled in size since (a paste of thousands of tasks), else on the
    /// pool.
    fn way(&self, root: &PathBuf, size: usize) -> Way {
        if self.quick.get(root).is_some_and(|&then| size <= then * 2) {
            return Way::Here;
        }
        Way::Pool { two: self.split.get(root).is_none_or(Split::two_threads) }
    }

    fn record(&mut self, root: &PathBuf, size: usize, way: Way, took: Duration) {
        if took < INLINE_UNDER {
            self.quick.insert(root.clone(), size);
            return;
        }
        self.quick.remove(root);
        let Some(split) = self.split.get_mut(root) else {
            // A feature's first analysis fills every block's facts, and the
            // next ones the tables kept across edits (both ways): many times
            // slower than later ones, they say nothing of them.
            self.split.insert(root.clone(), Split::default());
            return;
        };
        if split.runs < WARMING_UP {
            split.runs += 1;
            return;
        }
        let lately = match way {
            Way::Pool { two: true } => &mut split.two,
            Way::Pool { two: false } => &mut split.one,
            Way::Here => return,
        };
        // Half the new time, half the old average.
        *lately = Some(lately.map_or(took, |average| (average + took) / 2));
        split.runs = split.runs.wrapping_add(1);
    }

    /// Whether `root`'s analyses run on this thread (they are quick).
    fn is_quick(&self, root: &PathBuf) -> bool {
        self.quick.contains_key(root)
    }

    fn forget_unloaded(&mut self, world: &World) {
        self.quick.retain(|root, _| world.is_loaded(root));
        self.split.retain(|root, _| world.is_loaded(root));
    }
}

/// Publish a closed feature's report unless its state changed while it
/// ran (then it goes back to `pending`).
fn publish_closed(
    world: &World,
    out: &Out,
    done: Reported,
    pending: &mut Pending,
    published: &mut HashMap<PathBuf, Sent>,
) {
    let Reported { root, revision, report } = done;
    let report = match report {
        Some(report) if world.revision(&root) == Some(revision) && !world.is_loaded(&root) => report,
        _ => {
            pending.roots.insert(root); // changed or opened meanwhile
            return;
        }
    };
    let FeatureReport { diagnostics, symbols } = report;
    world.set_symbols(&root, symbols);
    publish_report(out, diagnostics, published.entry(root).or_default());
}

/// What was last pushed for each file of a feature that has diagnostics.
type Sent = HashMap<lsp::Uri, Vec<lsp::Diagnostic>>;

/// Publish a closed feature's files that have diagnostics, and clear
/// those that had some last time and have none now.
fn publish_report(out: &Out, diagnostics: Vec<(lsp::Uri, Vec<lsp::Diagnostic>)>, sent: &mut Sent) {
    let mut now = Sent::new();
    for (uri, found) in diagnostics {
        out.report(&uri, &found, None);
        now.insert(uri, found);
    }
    for gone in sent.keys().filter(|uri| !now.contains_key(*uri)) {
        out.report(gone, &[], None);
    }
    *sent = now;
}

/// Whether an open file that was not edited since the last analysis has
/// other diagnostics now (an edit elsewhere in the feature changed them):
/// what the client pulled for it is stale. Records the new state.
fn other_open_files_changed(analysis: &Analysis, last: &mut Pulled) -> bool {
    let snapshot = &analysis.snapshot;
    let mut now: Pulled = HashMap::new();
    for (rel, &version) in &snapshot.versions {
        let diagnostics = analysis.diagnostics.iter().filter(|d| &*d.file == rel).cloned().collect();
        now.insert(rel.clone(), (version, diagnostics));
    }
    let changed = now.iter().any(|(rel, (version, diagnostics))| {
        last.get(rel).is_some_and(|(last_version, last_diagnostics)| {
            last_version == version && last_diagnostics != diagnostics
        })
    });
    *last = now;
    changed
}

fn drain(queue: &mut mpsc::UnboundedReceiver<Job>, pending: &mut Pending) {
    while let Ok(job) = queue.try_recv() {
        pending.add(job);
    }
}

/// Publish every file of the feature whose diagnostics changed, and clear
/// the files that had some last time and have none now. A file not open
/// in the editor whose diagnostics are the ones last pushed is skipped: a
/// keystroke in tasks.md rarely changes another file's findings, and the
/// client would only parse the same report again.
/// With `pull`, open documents get nothing pushed (their client pulls).
fn publish(out: &Out, analysis: &Analysis, encoding: PositionEncoding, sent: &mut Sent, pull: bool) {
    let snapshot = &analysis.snapshot;
    let mut now = Sent::new();
    let feature = &snapshot.feature;
    let files = feature.files.iter().map(|f| (&f.path, &f.rel));
    for (path, rel) in files.chain(feature.unread.iter().map(|u| (&u.path, &u.rel))) {
        let Some(uri) = convert::uri_of(path) else { continue };
        let open = snapshot.versions.contains_key(&**rel);
        let pulled = pull && open;
        let diagnostics = if pulled { Vec::new() } else { analysis.for_file(rel, encoding) };
        let last = sent.remove(&uri);
        // Open documents always get a versioned report, empty or not: the
        // editor learns that this version is clean.
        let unchanged = match &last {
            Some(last) => *last == diagnostics,
            None => diagnostics.is_empty(),
        };
        if !unchanged || (open && !pulled) {
            out.report(&uri, &diagnostics, snapshot.versions.get(&**rel).copied());
        }
        if !diagnostics.is_empty() {
            now.insert(uri, diagnostics);
        }
    }
    // What is left of `sent` names files the feature no longer has.
    for gone in sent.keys() {
        out.report(gone, &[], None);
    }
    *sent = now;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_feature_analysed_quickly_and_not_grown_much_since_runs_here() {
        let (root, mut pace) = (PathBuf::from("/specs/001-a"), Pace::default());
        let pool = Way::Pool { two: true };
        assert_eq!(pace.way(&root, 1_000), pool, "a first analysis goes to the pool");
        pace.record(&root, 1_000, pool, Duration::from_micros(300));
        assert_eq!(pace.way(&root, 1_000), Way::Here);
        assert!(pace.is_quick(&root), "its replaced analyses are dropped here");
        assert_eq!(pace.way(&root, 2_000), Way::Here);
        assert_ne!(pace.way(&root, 2_001), Way::Here, "doubled since: to the pool");
        assert_ne!(pace.way(&PathBuf::from("/specs/002-b"), 1_000), Way::Here);
        pace.record(&root, 1_000, Way::Here, INLINE_UNDER);
        assert_ne!(pace.way(&root, 1_000), Way::Here, "slow last time: to the pool");
        assert!(!pace.is_quick(&root), "and so are its replaced analyses");
    }

    #[test]
    fn long_analyses_take_the_quicker_way_and_try_the_other_now_and_then() {
        let (root, mut pace) = (PathBuf::from("/specs/001-a"), Pace::default());
        let (one, two) = (Way::Pool { two: false }, Way::Pool { two: true });
        assert_eq!(pace.way(&root, 1), two, "two threads first");
        pace.record(&root, 1, two, Duration::from_millis(400));
        assert_eq!(pace.way(&root, 1), two, "the first analysis, cold, is no measure");
        for warming_up in [20, 17] {
            pace.record(&root, 1, two, Duration::from_millis(warming_up));
            assert_eq!(pace.way(&root, 1), two, "nor the next, warming up");
        }
        pace.record(&root, 1, two, Duration::from_millis(9));
        assert_eq!(pace.way(&root, 1), one, "then one, to compare");
        pace.record(&root, 1, one, Duration::from_millis(5));
        let mut ways = Vec::new();
        for _ in 0..RETRY_EVERY {
            let way = pace.way(&root, 1);
            ways.push(way);
            // The machine stays busy: two threads stay the slower way.
            let took = if way == two { 9 } else { 5 };
            pace.record(&root, 1, way, Duration::from_millis(took));
        }
        assert_eq!(ways.iter().filter(|&&w| w == two).count(), 1, "{ways:?}");
        // The machine is quiet again, the retry found two threads quicker:
        // they are the way now, and one thread is what is retried.
        let quicker_two =
            |runs| Split { one: Some(Duration::from_millis(5)), two: Some(Duration::from_millis(3)), runs };
        pace.split.insert(root.clone(), quicker_two(0));
        assert_eq!(pace.way(&root, 1), two);
        pace.split.insert(root.clone(), quicker_two(RETRY_EVERY - 1));
        assert_eq!(pace.way(&root, 1), one);
    }
}
