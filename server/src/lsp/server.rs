//! The protocol handlers: a thin adapter from LSP to the world, the
//! analysis and (for editor features) `ide/`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

use super::capabilities::server_capabilities;
use super::handlers::{editing, navigation, presentation};
use super::log;
use super::progress::Progress;
use super::publish::{Analyses, Analysis, Publisher};
use super::settings::Settings;
use super::transport::Notifier;
use super::world::World;
use crate::analysis::Trigger;
use crate::text::PositionEncoding;
use crate::workspace::discovery::discover_features;

/// What the client can do, from `initialize`.
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientCaps {
    /// `textDocument/diagnostic`: the client pulls diagnostics of open files.
    pub pull_diagnostics: bool,
    pub diagnostic_refresh: bool,
    pub work_done_progress: bool,
    pub watched_files_registration: bool,
    pub configuration: bool,
    /// `textDocument/definition` may answer with location links.
    pub definition_links: bool,
}

impl ClientCaps {
    fn of(caps: &lsp::ClientCapabilities) -> Self {
        let workspace = caps.workspace.as_ref();
        ClientCaps {
            pull_diagnostics: caps.text_document.as_ref().is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
            watched_files_registration: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false),
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            definition_links: caps
                .text_document
                .as_ref()
                .and_then(|t| t.definition.as_ref())
                .and_then(|d| d.link_support)
                .unwrap_or(false),
        }
    }
}

/// The language server.
pub struct Backend {
    pub(super) client: Client,
    pub(super) world: Arc<World>,
    pub(super) analyses: Arc<Analyses>,
    /// Notifications go this way, in order with the diagnostics.
    pub(super) notifier: Notifier,
    publisher: Publisher,
    caps: OnceLock<ClientCaps>,
    shut_down: Arc<AtomicBool>,
    /// Configuration problems already shown, so each is said once.
    told: Mutex<HashSet<String>>,
}

impl Backend {
    pub fn new(client: Client, notifier: Notifier, world: Arc<World>, shut_down: Arc<AtomicBool>) -> Self {
        let analyses = Arc::new(Analyses::default());
        let publisher = Publisher::spawn(world.clone(), analyses.clone(), client.clone(), notifier.clone());
        Backend {
            client,
            world,
            analyses,
            notifier,
            publisher,
            caps: OnceLock::new(),
            shut_down,
            told: Mutex::default(),
        }
    }

    pub(super) fn caps(&self) -> ClientCaps {
        self.caps.get().copied().unwrap_or_default()
    }

    fn encoding(&self) -> PositionEncoding {
        self.world.encoding()
    }

    /// Re-analyse a feature: push its diagnostics, or ask a pulling client
    /// to pull again.
    fn refresh(&self, root: PathBuf) {
        if let Some(problem) = self.world.config_problem(&root) {
            self.tell_once(problem);
        }
        self.publisher.schedule(root);
        if self.caps().pull_diagnostics && self.caps().diagnostic_refresh {
            let client = self.client.clone();
            tokio::spawn(async move {
                let _ = client.workspace_diagnostic_refresh().await;
            });
        }
    }

    /// A configuration file that cannot be used is an error the user must
    /// see (a typo must not silently turn a rule back on): a warning
    /// message, once per problem, besides the log.
    fn tell_once(&self, problem: String) {
        let fresh = self.told.lock().map(|mut told| told.insert(problem.clone())).unwrap_or(false);
        if !fresh {
            return;
        }
        let message = format!("specls: {problem}; the default rules apply until it is fixed");
        log::warn(&self.notifier, message.clone());
        let shown = lsp::ShowMessageParams { typ: lsp::MessageType::WARNING, message };
        self.notifier.notify("window/showMessage", &shown);
    }

    fn trigger_for(&self, root: &std::path::Path) -> Trigger {
        self.world.config(root).map(|config| config.trigger).unwrap_or_default()
    }

    /// Discover every feature folder of the workspace and report each
    /// (diagnostics published, symbols indexed) without keeping it loaded,
    /// with progress; done when every report is published.
    async fn index_workspace(&self) {
        let roots = self.world.workspace_roots();
        let progress = self.start_progress("Indexing spec folders").await;
        let world = self.world.clone();
        let found = tokio::task::spawn_blocking(move || {
            let found: Vec<PathBuf> = roots.iter().flat_map(|r| discover_features(r)).collect();
            for root in &found {
                world.register(root);
            }
            found
        })
        .await
        .unwrap_or_default();
        let reported_before = self.world.reports();
        for root in &found {
            if let Some(problem) = self.world.config_problem(root) {
                self.tell_once(problem);
            }
            self.publisher.schedule(root.clone());
        }
        let mut idle = self.publisher.idle();
        if let Some(progress) = &progress {
            // Reports counted as they are stored (an open feature's
            // analysis is not one, hence the cap).
            let mut tick = tokio::time::interval(std::time::Duration::from_millis(250));
            loop {
                tokio::select! {
                    _ = &mut idle => break,
                    _ = tick.tick() => {
                        let done = self.world.reports().saturating_sub(reported_before).min(found.len());
                        let percent = (done * 100 / found.len().max(1)).min(99) as u32;
                        progress.report(format!("{done}/{} feature folders", found.len()), percent);
                    }
                }
            }
        } else {
            let _ = idle.await;
        }
        if self.caps().pull_diagnostics && self.caps().diagnostic_refresh {
            let _ = self.client.workspace_diagnostic_refresh().await;
        }
        if let Some(progress) = progress {
            progress.finish(format!("{} feature folders", found.len()));
        }
        log::info(&self.notifier, format!("indexed {} feature folders", found.len()));
    }

    async fn start_progress(&self, title: &str) -> Option<Progress> {
        if !self.caps().work_done_progress {
            return None;
        }
        let token = lsp::ProgressToken::String(format!("specls-index-{}", std::process::id()));
        self.client.create_work_done_progress(token.clone()).await.ok()?;
        Some(Progress::begin(self.notifier.clone(), token, title))
    }

    /// Read the `specls` settings section from the client.
    async fn pull_settings(&self) {
        if !self.caps().configuration {
            return;
        }
        let item = lsp::ConfigurationItem { scope_uri: None, section: Some("specls".to_string()) };
        if let Ok(values) = self.client.configuration(vec![item]).await
            && let Some(value) = values.into_iter().next()
            && !value.is_null()
        {
            // A client with nothing to say answers null: keep what
            // initializationOptions or didChangeConfiguration gave.
            self.apply_settings(&value).await;
        }
    }

    async fn apply_settings(&self, value: &Value) {
        let settings = Settings::from_json(value);
        for problem in &settings.problems {
            log::warn(&self.notifier, format!("settings: {problem}"));
        }
        log::set_level(settings.log_level);
        self.world.set_settings(settings);
    }

    async fn register_watchers(&self) {
        if !self.caps().watched_files_registration {
            return;
        }
        let watchers = ["**/specs/**/*.md", "**/specs/**/*.{yaml,yml,json}", "**/specls.toml"]
            .into_iter()
            .map(|glob| lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .collect();
        let options = lsp::DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = lsp::Registration {
            id: "specls-watch".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        if let Err(err) = self.client.register_capability(vec![registration]).await {
            log::warn(&self.notifier, format!("could not watch files: {err}"));
        }
    }

    /// The current analysis of `uri`'s feature, computed off the protocol
    /// thread when not cached: a first analysis of a big feature takes
    /// long enough to stall every other request.
    async fn analysis_of(&self, uri: &lsp::Uri) -> Option<Arc<Analysis>> {
        let root = self.world.root_of_uri(uri)?;
        let (world, analyses) = (self.world.clone(), self.analyses.clone());
        tokio::task::spawn_blocking(move || analyses.current(&world, &root)).await.ok().flatten()
    }

    /// The pull report of one document.
    async fn document_report(&self, uri: &lsp::Uri) -> Vec<lsp::Diagnostic> {
        let Some(analysis) = self.analysis_of(uri).await else { return Vec::new() };
        let Some(path) = uri.to_file_path() else { return Vec::new() };
        let rel = analysis.snapshot.feature.relative(&path);
        analysis.for_file(&rel, self.encoding())
    }
}

fn workspace_roots(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let from_folders = params
        .workspace_folders
        .iter()
        .flatten()
        .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()));
    #[allow(deprecated)]
    let from_root = params.root_uri.iter().filter_map(|u| u.to_file_path().map(|p| p.into_owned()));
    let mut roots: Vec<PathBuf> = from_folders.collect();
    if roots.is_empty() {
        roots.extend(from_root);
    }
    roots
}

fn negotiate_encoding(params: &lsp::InitializeParams) -> PositionEncoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    match offered {
        Some(kinds) if kinds.contains(&lsp::PositionEncodingKind::UTF8) => PositionEncoding::Utf8,
        _ => PositionEncoding::Utf16,
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        let caps = ClientCaps::of(&params.capabilities);
        let _ = self.caps.set(caps);
        self.publisher.set_pull(caps.pull_diagnostics, caps.diagnostic_refresh);
        let encoding = negotiate_encoding(&params);
        self.world.set_encoding(encoding);
        self.world.set_workspace_roots(workspace_roots(&params));
        if let Some(options) = &params.initialization_options
            && let Some(section) = options.get("specls").or(Some(options))
        {
            self.apply_settings(section).await;
        }
        // `"cache": false` beside (or inside) the `specls` section: closed
        // features are analysed at every start, nothing is written.
        let cache_off = |options: &Value| options.get("cache") == Some(&Value::Bool(false));
        let options = params.initialization_options.as_ref();
        let disabled = options.is_some_and(|o| cache_off(o) || o.get("specls").is_some_and(cache_off));
        self.world.choose_cache(!disabled);
        Ok(lsp::InitializeResult {
            capabilities: server_capabilities(encoding, caps.pull_diagnostics),
            offset_encoding: None,
            server_info: Some(lsp::ServerInfo {
                name: "specls".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        self.pull_settings().await;
        self.publisher.set_ready();
        self.register_watchers().await;
        self.index_workspace().await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.shut_down.store(true, Ordering::SeqCst);
        // Indexing writes its cache entries after its diagnostics: let them
        // reach the disk, so the next start finds them; a cache left short
        // is only a slower start, so do not wait long.
        let persisted = self.publisher.persisted();
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), persisted).await;
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        // The text is already in the world (ordered.rs); only analyse.
        if let Some(root) = self.world.root_of_uri(&params.text_document.uri) {
            self.refresh(root);
        }
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        // A pulling client pulls the edited document itself; the publisher
        // pushes the feature's closed files and, when the edit changed
        // another open document's diagnostics, asks for a pull again.
        if let Some(root) = self.world.root_of_uri(&params.text_document.uri)
            && self.trigger_for(&root) == Trigger::Edit
        {
            self.publisher.schedule(root);
        }
    }

    async fn did_save(&self, params: lsp::DidSaveTextDocumentParams) {
        if let Some(root) = self.world.root_of_uri(&params.text_document.uri) {
            self.refresh(root);
        }
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        if let Some(root) = self.world.root_of_uri(&params.text_document.uri) {
            self.refresh(root);
        } else if let Some(path) = params.text_document.uri.to_file_path()
            && let Some(root) = super::world::feature_root_of(&path)
        {
            self.refresh(root);
        }
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        let mut roots = Vec::new();
        for change in params.changes {
            let Some(path) = change.uri.to_file_path() else { continue };
            let path = path.into_owned();
            let world = self.world.clone();
            let touched =
                tokio::task::spawn_blocking(move || world.disk_changed(&path)).await.unwrap_or_default();
            for root in touched {
                if !roots.contains(&root) {
                    roots.push(root);
                }
            }
        }
        for root in roots {
            self.refresh(root);
        }
    }

    async fn did_change_configuration(&self, params: lsp::DidChangeConfigurationParams) {
        match params.settings.get("specls") {
            Some(section) => self.apply_settings(section).await,
            None => self.pull_settings().await,
        }
        for root in self.world.roots() {
            self.refresh(root);
        }
    }

    async fn did_change_workspace_folders(&self, params: lsp::DidChangeWorkspaceFoldersParams) {
        let mut roots = self.world.workspace_roots();
        for removed in &params.event.removed {
            if let Some(path) = removed.uri.to_file_path() {
                roots.retain(|r| r.as_path() != &*path);
            }
        }
        for added in &params.event.added {
            if let Some(path) = added.uri.to_file_path() {
                roots.push(path.into_owned());
            }
        }
        self.world.set_workspace_roots(roots);
        self.index_workspace().await;
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        navigation::hover(self, params).await
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        navigation::definition(self, params).await
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        navigation::references(self, params).await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        navigation::document_highlight(self, params).await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        editing::prepare_rename(self, params)
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        editing::rename(self, params)
    }

    async fn completion(&self, params: lsp::CompletionParams) -> Result<Option<lsp::CompletionResponse>> {
        Ok(editing::completion(self, params))
    }

    async fn code_action(&self, params: lsp::CodeActionParams) -> Result<Option<lsp::CodeActionResponse>> {
        // Fills the cache the handler reads (no-op when already there).
        self.analysis_of(&params.text_document.uri).await;
        Ok(presentation::code_action(self, params))
    }

    async fn code_lens(&self, params: lsp::CodeLensParams) -> Result<Option<Vec<lsp::CodeLens>>> {
        Ok(presentation::code_lens(self, params))
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        Ok(presentation::document_symbol(self, params))
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        Ok(presentation::workspace_symbol(self, params))
    }

    async fn folding_range(&self, params: lsp::FoldingRangeParams) -> Result<Option<Vec<lsp::FoldingRange>>> {
        Ok(presentation::folding_range(self, params))
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        Ok(presentation::semantic_tokens_full(self, params))
    }

    async fn document_link(&self, params: lsp::DocumentLinkParams) -> Result<Option<Vec<lsp::DocumentLink>>> {
        Ok(presentation::document_link(self, params))
    }

    async fn inlay_hint(&self, params: lsp::InlayHintParams) -> Result<Option<Vec<lsp::InlayHint>>> {
        Ok(presentation::inlay_hint(self, params))
    }

    async fn execute_command(&self, params: lsp::ExecuteCommandParams) -> Result<Option<Value>> {
        presentation::execute_command(self, params).await
    }

    async fn diagnostic(
        &self,
        params: lsp::DocumentDiagnosticParams,
    ) -> Result<lsp::DocumentDiagnosticReportResult> {
        let items = self.document_report(&params.text_document.uri).await;
        Ok(lsp::DocumentDiagnosticReportResult::Report(lsp::DocumentDiagnosticReport::Full(
            lsp::RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: lsp::FullDocumentDiagnosticReport { result_id: None, items },
            },
        )))
    }
}
