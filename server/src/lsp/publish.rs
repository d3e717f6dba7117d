//! Diagnostics: one task analyses features as they change and publishes
//! the results. Coalesced, not delayed: a change starts an analysis at
//! once; changes that arrive meanwhile are merged into one more run, and a
//! result whose feature changed while it ran is dropped, never published.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dashmap::DashMap;
use tokio::sync::mpsc;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types as lsp;

use super::convert;
use super::world::{Snapshot, World};
use crate::analysis::{Diagnostic, analyze};
use crate::text::PositionEncoding;

/// A feature's analysis at one revision.
pub struct Analysis {
    pub snapshot: Snapshot,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    fn of(snapshot: Snapshot) -> Self {
        let diagnostics = analyze(&snapshot.feature, &snapshot.config);
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
        self.diagnostics
            .iter()
            .filter(|d| &*d.file == rel)
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
        let analysis = Arc::new(Analysis::of(world.snapshot(root)?));
        self.store(root, &analysis);
        Some(analysis)
    }

    fn store(&self, root: &PathBuf, analysis: &Arc<Analysis>) {
        let newer =
            self.latest.get(root).is_some_and(|old| old.snapshot.revision > analysis.snapshot.revision);
        if !newer {
            self.latest.insert(root.clone(), analysis.clone());
        }
    }
}

/// Sends features to the publishing task.
#[derive(Clone)]
pub struct Publisher {
    jobs: mpsc::UnboundedSender<PathBuf>,
    /// Nothing is published before the editor's settings are known: a
    /// first report with the wrong severities would flash and vanish.
    ready: Arc<tokio::sync::watch::Sender<bool>>,
    /// The client pulls diagnostics of open documents: push only the others.
    pull: Arc<AtomicBool>,
    /// The client accepts `workspace/diagnostic/refresh`.
    refresh: Arc<AtomicBool>,
}

impl Publisher {
    pub fn spawn(world: Arc<World>, analyses: Arc<Analyses>, client: Client) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        let pull = Arc::new(AtomicBool::new(false));
        let refresh = Arc::new(AtomicBool::new(false));
        let (ready, ready_rx) = tokio::sync::watch::channel(false);
        let modes = Modes { pull: pull.clone(), refresh: refresh.clone() };
        tokio::spawn(run(queue, world, analyses, client, modes, ready_rx));
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
        let _ = self.jobs.send(root);
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

async fn run(
    mut queue: mpsc::UnboundedReceiver<PathBuf>,
    world: Arc<World>,
    analyses: Arc<Analyses>,
    client: Client,
    modes: Modes,
    mut ready: tokio::sync::watch::Receiver<bool>,
) {
    let _ = ready.wait_for(|ready| *ready).await;
    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    let mut published: HashMap<PathBuf, HashSet<lsp::Uri>> = HashMap::new();
    let mut pulled: HashMap<PathBuf, Pulled> = HashMap::new();
    while let Some(first) = queue.recv().await {
        pending.insert(first);
        drain(&mut queue, &mut pending);
        while let Some(root) = pending.pop_first() {
            let started = std::time::Instant::now();
            let Some(snapshot) = world.snapshot(&root) else { continue };
            let revision = snapshot.revision;
            let analysis = match tokio::task::spawn_blocking(move || Analysis::of(snapshot)).await {
                Ok(analysis) => Arc::new(analysis),
                Err(err) => {
                    super::log::error(&client, format!("analysis of {} failed: {err}", root.display())).await;
                    continue;
                }
            };
            drain(&mut queue, &mut pending);
            if world.revision(&root) != Some(revision) {
                pending.insert(root); // stale: a newer revision is waiting
                continue;
            }
            let took = started.elapsed();
            super::log::debug(&client, format!("analysed {} in {took:.1?}", root.display())).await;
            if took > std::time::Duration::from_millis(100) {
                super::log::warn(
                    &client,
                    format!("analysing {} took {took:.0?} (over 100 ms)", root.display()),
                )
                .await;
            }
            analyses.store(&root, &analysis);
            let pull = modes.pull.load(Ordering::SeqCst);
            if pull {
                let stale = other_open_files_changed(&analysis, pulled.entry(root.clone()).or_default());
                if stale && modes.refresh.load(Ordering::SeqCst) {
                    // The client answers when it likes: never wait for it here.
                    let client = client.clone();
                    tokio::spawn(async move { client.workspace_diagnostic_refresh().await });
                }
            }
            let sent = published.entry(root).or_default();
            publish(&client, &analysis, world.encoding(), sent, pull).await;
        }
    }
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

fn drain(queue: &mut mpsc::UnboundedReceiver<PathBuf>, pending: &mut BTreeSet<PathBuf>) {
    while let Ok(root) = queue.try_recv() {
        pending.insert(root);
    }
}

/// Publish every file of the feature that has diagnostics, and clear the
/// files that had some last time and have none now.
/// With `pull`, open documents get nothing pushed (their client pulls).
async fn publish(
    client: &Client,
    analysis: &Analysis,
    encoding: PositionEncoding,
    sent: &mut HashSet<lsp::Uri>,
    pull: bool,
) {
    let snapshot = &analysis.snapshot;
    let mut now = HashSet::new();
    let feature = &snapshot.feature;
    let files = feature.files.iter().map(|f| (&f.path, &f.rel));
    for (path, rel) in files.chain(feature.unread.iter().map(|u| (&u.path, &u.rel))) {
        let Some(uri) = convert::uri_of(path) else { continue };
        let open = snapshot.versions.contains_key(&**rel);
        let pulled = pull && open;
        let diagnostics = if pulled { Vec::new() } else { analysis.for_file(rel, encoding) };
        // Open documents always get a versioned report, empty or not: the
        // editor learns that this version is clean.
        if diagnostics.is_empty() && !sent.contains(&uri) && (pulled || !open) {
            continue;
        }
        if !diagnostics.is_empty() {
            now.insert(uri.clone());
        }
        let version = snapshot.versions.get(&**rel).copied();
        client.publish_diagnostics(uri, diagnostics, version).await;
    }
    for gone in sent
        .difference(&now)
        .filter(|uri| !snapshot.feature.files.iter().any(|f| convert::uri_of(&f.path).as_ref() == Some(uri)))
    {
        client.publish_diagnostics(gone.clone(), Vec::new(), None).await;
    }
    *sent = now;
}
