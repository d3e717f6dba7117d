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
        let Some(file) = feature.file(rel) else { return Vec::new() };
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
}

impl Publisher {
    pub fn spawn(world: Arc<World>, analyses: Arc<Analyses>, client: Client) -> Self {
        let (jobs, queue) = mpsc::unbounded_channel();
        let pull = Arc::new(AtomicBool::new(false));
        let (ready, ready_rx) = tokio::sync::watch::channel(false);
        tokio::spawn(run(queue, world, analyses, client, pull.clone(), ready_rx));
        Publisher { jobs, ready: Arc::new(ready), pull }
    }

    /// The settings are known: start publishing.
    pub fn set_ready(&self) {
        let _ = self.ready.send(true);
    }

    pub fn set_pull(&self, pull: bool) {
        self.pull.store(pull, Ordering::SeqCst);
    }

    /// Analyse `root` again and publish.
    pub fn schedule(&self, root: PathBuf) {
        let _ = self.jobs.send(root);
    }
}

async fn run(
    mut queue: mpsc::UnboundedReceiver<PathBuf>,
    world: Arc<World>,
    analyses: Arc<Analyses>,
    client: Client,
    pull: Arc<AtomicBool>,
    mut ready: tokio::sync::watch::Receiver<bool>,
) {
    let _ = ready.wait_for(|ready| *ready).await;
    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    let mut published: HashMap<PathBuf, HashSet<lsp::Uri>> = HashMap::new();
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
            let sent = published.entry(root).or_default();
            publish(&client, &analysis, world.encoding(), sent, pull.load(Ordering::SeqCst)).await;
        }
    }
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
    for file in &snapshot.feature.files {
        let Some(uri) = convert::uri_of(&file.path) else { continue };
        let open = snapshot.versions.contains_key(&*file.rel);
        let pulled = pull && open;
        let diagnostics = if pulled { Vec::new() } else { analysis.for_file(&file.rel, encoding) };
        // Open documents always get a versioned report, empty or not: the
        // editor learns that this version is clean.
        if diagnostics.is_empty() && !sent.contains(&uri) && (pulled || !open) {
            continue;
        }
        if !diagnostics.is_empty() {
            now.insert(uri.clone());
        }
        let version = snapshot.versions.get(&*file.rel).copied();
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
