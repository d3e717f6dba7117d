//! `specls check`: analyse feature folders and report in human, JSON,
//! SARIF or GitHub-annotation form, optionally applying safe fixes.
//!
//! The flow: resolve each feature folder's configuration (`--config`, or
//! the nearest `specls.toml`, with `--select`/`--ignore` on top), load and
//! analyse ([`check_paths_with`]), apply safe fixes and re-check
//! ([`fix`]), then turn the report into [`Located`] diagnostics, sorted by
//! path, line, column and code, which every output format renders.

pub mod baseline;
pub mod concise;
pub mod diff;
pub mod fingerprint;
pub mod fix;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;
pub mod watch;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result, bail};

use super::{ColorChoice, ExitCode, display_path, exit};
use crate::analysis::{Applicability, Diagnostic, RuleConfig, Severity, analyze, rule};
use crate::model::feature::{Feature, FeatureFile, UnreadFile};
use crate::text::{PositionEncoding, Span};
use crate::workspace::cache::{Cache, Key, KeyBuilder, cache_home};
use crate::workspace::config::{find_config, load_config};
use crate::workspace::discovery::Siblings;
use crate::workspace::discovery::{discover_features, feature_of_file};
use crate::workspace::load::{
    FolderRead, LoadProblem, ReadFile, feature_from, load_feature, read_feature_beside,
};

/// One analysed feature folder.
pub struct CheckedFeature {
    pub feature: Feature,
    pub diagnostics: Vec<Diagnostic>,
    /// The files reported on, when the command line named files of the
    /// feature (paths relative to its folder); `None`: every file.
    pub only: Option<Vec<String>>,
}

/// Everything `check` found.
#[derive(Default)]
pub struct Report {
    pub features: Vec<CheckedFeature>,
    /// Files of those features that could not be read.
    pub problems: Vec<LoadProblem>,
    /// Paths given that hold no feature folder.
    pub empty_paths: Vec<PathBuf>,
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Where a span of a file starts and ends, as people count.
pub fn line_columns(file: &FeatureFile, span: Span) -> (LineColumn, LineColumn) {
    let at = |offset: usize| {
        let p = file.document.position_of(offset, PositionEncoding::Utf32);
        LineColumn { line: p.line as usize + 1, column: p.character as usize + 1 }
    };
    (at(span.start), at(span.end))
}

impl Report {
    pub fn files(&self) -> usize {
        self.features.iter().map(|f| f.feature.files.len()).sum()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics().filter(|(_, d)| d.severity == severity).count()
    }

    /// Every diagnostic with its feature, in report order.
    pub fn diagnostics(&self) -> impl Iterator<Item = (&Feature, &Diagnostic)> {
        self.features.iter().flat_map(|f| f.diagnostics.iter().map(move |d| (&f.feature, d)))
    }

    /// The counts the summary line and the JSON summary show.
    pub fn summary(&self) -> Summary {
        Summary {
            errors: self.count(Severity::Error),
            warnings: self.count(Severity::Warning),
            infos: self.count(Severity::Info),
            hints: self.count(Severity::Hint),
            features: self.features.len(),
            files: self.files(),
        }
    }

    /// Every diagnostic with places resolved, sorted by path, line, column
    /// and code: the order of every output format.
    pub fn located(&self, display: &dyn Fn(&Path) -> String) -> Vec<Located<'_>> {
        let mut out: Vec<Located<'_>> =
            self.diagnostics().map(|(f, d)| Located::new(f, d, display)).collect();
        out.sort_by(|a, b| {
            (&a.place.path, a.place.start, a.code, &a.message).cmp(&(
                &b.place.path,
                b.place.start,
                b.code,
                &b.message,
            ))
        });
        let fingerprints = fingerprint::fingerprints(out.iter().map(|d| (d.code, &d.place)));
        for (d, fingerprint) in out.iter_mut().zip(fingerprints) {
            d.fingerprint = fingerprint;
        }
        out
    }
}

/// Counts of one report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub hints: usize,
    pub features: usize,
    pub files: usize,
}

impl Summary {
    /// The counts of the findings shown (after a baseline hid some) over
    /// the checked `features` and `files`.
    pub fn of_shown(located: &[Located<'_>], features: usize, files: usize) -> Self {
        let count = |severity| located.iter().filter(|d| d.severity == severity).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            hints: count(Severity::Hint),
            features,
            files,
        }
    }
}

/// A span of a file, as printed.
pub struct Place<'a> {
    /// Relative to the current directory when below it, with `/`.
    pub path: String,
    pub start: LineColumn,
    pub end: LineColumn,
    /// The file, when the feature holds it (a diagnostic may name a file
    /// that does not exist, such as a missing plan.md).
    pub file: Option<&'a FeatureFile>,
    pub span: Span,
}

impl<'a> Place<'a> {
    fn new(feature: &'a Feature, rel: &str, span: Span, display: &dyn Fn(&Path) -> String) -> Self {
        match feature.file(rel) {
            Some(file) => {
                let (start, end) = line_columns(file, span);
                Place { path: display(&file.path), start, end, file: Some(file), span }
            }
            None => {
                let first = LineColumn { line: 1, column: 1 };
                Place { path: display(&feature.root.join(rel)), start: first, end: first, file: None, span }
            }
        }
    }
}

/// A related place with its message ("first used here").
pub struct LocatedNote<'a> {
    pub place: Place<'a>,
    pub message: &'a str,
}

/// One edit of a fix, placed.
pub struct LocatedEdit<'a> {
    pub place: Place<'a>,
    pub new_text: &'a str,
}

/// A fix, placed.
pub struct LocatedFix<'a> {
    pub title: &'a str,
    pub applicability: Applicability,
    pub edits: Vec<LocatedEdit<'a>>,
}

/// A diagnostic with every place resolved to a printed path and line and
/// column: what the output formats render.
pub struct Located<'a> {
    pub place: Place<'a>,
    pub severity: Severity,
    pub code: &'static str,
    pub message: &'a str,
    pub related: Vec<LocatedNote<'a>>,
    pub fix: Option<LocatedFix<'a>>,
    /// Stable across lines moving ([`fingerprint`]); unique in a report.
    pub fingerprint: String,
}

impl<'a> Located<'a> {
    pub fn new(feature: &'a Feature, d: &'a Diagnostic, display: &dyn Fn(&Path) -> String) -> Self {
        let place = Place::new(feature, &d.file, d.span, display);
        let fingerprint = fingerprint::fingerprints([(d.code, &place)]).swap_remove(0);
        Located {
            place,
            fingerprint,
            severity: d.severity,
            code: d.code,
            message: &d.message,
            related: d
                .related
                .iter()
                .map(|r| LocatedNote {
                    place: Place::new(feature, &r.file, r.span, display),
                    message: &r.message,
                })
                .collect(),
            fix: d.fix.as_ref().map(|fix| LocatedFix {
                title: &fix.title,
                applicability: fix.applicability,
                edits: fix
                    .edits
                    .iter()
                    .map(|e| LocatedEdit {
                        place: Place::new(feature, &e.file, e.span, display),
                        new_text: &e.new_text,
                    })
                    .collect(),
            }),
        }
    }
}

/// Feature folders to check, each with the files to report on (`None`:
/// all of them).
type Targets = Vec<(PathBuf, Option<Vec<PathBuf>>)>;

/// Which feature folders `paths` name, and for file arguments, which files
/// to report on. Paths that name no feature folder are returned apart.
fn targets(paths: &[PathBuf]) -> (Targets, Vec<PathBuf>) {
    let mut out: Targets = Vec::new();
    let mut empty = Vec::new();
    for path in paths {
        if path.is_file() {
            let Some(root) = feature_of_file(path) else {
                empty.push(path.clone());
                continue;
            };
            match out.iter_mut().find(|(r, _)| *r == root) {
                Some((_, Some(files))) => files.push(path.clone()),
                Some((_, None)) => {}
                None => out.push((root, Some(vec![path.clone()]))),
            }
        } else {
            let found = discover_features(path);
            if found.is_empty() {
                empty.push(path.clone());
            }
            for root in found {
                match out.iter_mut().find(|(r, _)| *r == root) {
                    Some(entry) => entry.1 = None,
                    None => out.push((root, None)),
                }
            }
        }
    }
    (out, empty)
}

/// Analyse every feature folder that `paths` name with one configuration.
pub fn check_paths(paths: &[PathBuf], config: &RuleConfig) -> Report {
    // A fixed configuration cannot fail.
    check_paths_with(paths, &mut |_| Ok(config.clone())).unwrap_or_default()
}

/// Analyse every feature folder that `paths` name, asking `config_for`
/// for the configuration of each feature folder.
pub fn check_paths_with(
    paths: &[PathBuf],
    config_for: &mut dyn FnMut(&Path) -> Result<RuleConfig>,
) -> Result<Report> {
    let (targets, empty_paths) = targets(paths);
    let mut jobs = Vec::with_capacity(targets.len());
    for (root, only) in targets {
        jobs.push((config_for(&root)?, root, only));
    }
    let mut report = Report { empty_paths, ..Report::default() };
    for (checked, problems) in
        in_parallel(&jobs, |(config, root, only)| check_one(root, only.as_deref(), config))
    {
        report.problems.extend(problems);
        report.features.push(checked);
    }
    Ok(report)
}

/// One feature's findings rendered for output: all that streaming keeps of
/// a feature once it is analysed, so memory follows the biggest feature
/// times the workers, not the workspace.
struct Rendered {
    /// How the report's sort places this feature among the others: the
    /// displayed path of its folder, with a trailing `/`.
    key: String,
    summary: Summary,
    part: Part,
}

/// Diagnostics rendered in one format, without the report's frame.
enum Part {
    Text(String),
    Values(Vec<serde_json::Value>),
}

impl Summary {
    fn add(&mut self, other: &Summary) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.hints += other.hints;
        self.features += other.features;
        self.files += other.files;
    }
}

fn render_part(located: &[Located<'_>], format: Format) -> Part {
    match format {
        Format::Human => Part::Text(human::render_diagnostics(located)),
        Format::Concise => Part::Text(concise::render(located, None)),
        Format::Github => Part::Text(github::render_diagnostics(located)),
        Format::Gitlab => Part::Values(gitlab::render(located).as_array().cloned().unwrap_or_default()),
        // Never streamed ([`streams`]): the document is the whole report.
        Format::Junit => Part::Text(junit::render(located)),
        Format::Json => Part::Values(located.iter().map(json::located).collect()),
        Format::Sarif => Part::Values(sarif::results(located)),
    }
}

/// The displayed path of `root` with a trailing `/`: every file of the
/// feature displays with this prefix.
fn folder_key(root: &Path) -> String {
    let shown = display_path(&root.join("x"));
    shown.strip_suffix('x').unwrap_or(&shown).to_string()
}

/// Whether concatenating features sorted by [`folder_key`] gives the
/// report's global sort: true unless one folder's key starts another's
/// (nested feature folders, whose files interleave in the sort).
fn keys_separate(keys: &[String]) -> bool {
    let mut sorted: Vec<&String> = keys.iter().collect();
    sorted.sort();
    sorted.windows(2).all(|pair| !pair[1].starts_with(pair[0].as_str()))
}

/// Every feature's rendered part, the files that could not be read and the
/// paths that hold no feature folder.
type Streamed = (Vec<Rendered>, Vec<LoadProblem>, Vec<PathBuf>);

/// Check `paths` one feature at a time per worker: each is loaded,
/// analysed, rendered and dropped. `None` when features nest, whose output
/// needs the whole report ([`check_paths_with`]).
fn check_streaming(
    paths: &[PathBuf],
    format: Format,
    cache: Option<&Cache>,
    config_for: &mut dyn FnMut(&Path) -> Result<RuleConfig>,
) -> Result<Option<Streamed>> {
    let (targets, empty_paths) = targets(paths);
    let keys: Vec<String> = targets.iter().map(|(root, _)| folder_key(root)).collect();
    if !keys_separate(&keys) {
        return Ok(None);
    }
    let mut jobs = Vec::with_capacity(targets.len());
    for ((root, only), key) in targets.into_iter().zip(keys) {
        jobs.push((config_for(&root)?, root, only, key));
    }
    let display = |p: &Path| display_path(p);
    let siblings = Siblings::default();
    let order = biggest_first(&jobs, |(_, root, _, _)| root);
    let results = in_parallel(&order, |&job| {
        let (config, root, only, key) = &jobs[job];
        let FolderRead { files, unread, problems, number_twins } =
            read_feature_beside(root, config.max_file_bytes(), &siblings);
        // A feature with unreadable files is not cached: its problems print.
        let cached = cache.filter(|_| problems.is_empty()).map(|cache| {
            let inputs = CheckInputs { root, only: only.as_deref(), config, format, folder: key };
            (cache, check_key(&inputs, &files, &unread, &number_twins))
        });
        if let Some((cache, entry)) = cached
            && let Some(rendered) = cache.get(entry).and_then(|bytes| decode(&bytes, key))
        {
            return (rendered, problems);
        }
        let mut feature = feature_from(root, files, unread);
        feature.number_twins = number_twins;
        let checked = checked_feature(feature, only.as_deref(), config);
        let one = Report { features: vec![checked], ..Report::default() };
        let located = one.located(&display);
        let rendered =
            Rendered { key: key.clone(), summary: one.summary(), part: render_part(&located, format) };
        if let Some((cache, entry)) = cached {
            cache.put(entry, &encode(&rendered));
        }
        (rendered, problems)
    });
    let mut results: Vec<_> = order.into_iter().zip(results).collect();
    results.sort_by_key(|(job, _)| *job);
    let mut rendered = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for (_, (part, found)) in results {
        rendered.push(part);
        problems.extend(found);
    }
    rendered.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Some((rendered, problems, empty_paths)))
}

/// What one feature's rendered part depends on besides its files' texts.
struct CheckInputs<'a> {
    root: &'a Path,
    only: Option<&'a [PathBuf]>,
    config: &'a RuleConfig,
    format: Format,
    folder: &'a str,
}

/// The cache key of a feature's rendered part: everything it depends on.
/// Printed paths follow the current directory, so it is part of the key.
fn check_key(inputs: &CheckInputs<'_>, files: &[ReadFile], unread: &[UnreadFile], twins: &[Box<str>]) -> Key {
    let mut key = KeyBuilder::default();
    let cwd = std::env::current_dir().unwrap_or_default();
    key.add_str("check/1")
        .add_str(&format!("{:?}", inputs.format))
        .add_str(&cwd.to_string_lossy())
        .add_str(&inputs.root.to_string_lossy())
        .add_str(inputs.folder)
        .add_str(&format!("{:?}", inputs.config))
        .add_str(&format!("{:?}", inputs.only));
    for file in files {
        key.add_str(&file.rel).add_str(&file.text);
    }
    // Too large to read: its name and size are what the finding says.
    for file in unread {
        key.add_str(&file.rel).add_str(&format!("unread {} {}", file.size, file.limit));
    }
    // Folders beside it with its number: what duplicate-feature-number says.
    for twin in twins {
        key.add_str("twin").add_str(twin);
    }
    key.finish()
}

fn encode(rendered: &Rendered) -> Vec<u8> {
    let s = &rendered.summary;
    let counts = [s.errors, s.warnings, s.infos, s.hints, s.features, s.files];
    let value = match &rendered.part {
        Part::Text(text) => serde_json::json!({ "summary": counts, "text": text }),
        Part::Values(values) => serde_json::json!({ "summary": counts, "values": values }),
    };
    value.to_string().into_bytes()
}

/// A cached part; `None` (a miss) for anything but what [`encode`] wrote.
fn decode(bytes: &[u8], key: &str) -> Option<Rendered> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let counts: Vec<usize> = serde_json::from_value(value.get("summary")?.clone()).ok()?;
    let [errors, warnings, infos, hints, features, files] = counts[..] else { return None };
    let summary = Summary { errors, warnings, infos, hints, features, files };
    let part = match (value.get_mut("text").map(serde_json::Value::take), value.get_mut("values")) {
        (Some(serde_json::Value::String(text)), _) => Part::Text(text),
        (_, Some(serde_json::Value::Array(values))) => Part::Values(std::mem::take(values)),
        _ => return None,
    };
    Some(Rendered { key: key.to_string(), summary, part })
}

/// The report's text from its features' parts, in order.
fn assemble(rendered: Vec<Rendered>, format: Format) -> String {
    let mut summary = Summary::default();
    for part in &rendered {
        summary.add(&part.summary);
    }
    let mut text = String::new();
    let mut values = Vec::new();
    for part in rendered {
        match part.part {
            Part::Text(t) => text.push_str(&t),
            Part::Values(v) => values.extend(v),
        }
    }
    match format {
        Format::Human => text + &human::render_summary(&summary),
        Format::Concise => text + &human::summary_line(&summary) + "\n",
        Format::Github => text + &github::render_summary(&summary),
        Format::Gitlab => format!("{:#}\n", serde_json::Value::Array(values)),
        Format::Junit => text,
        Format::Json => format!("{:#}\n", json::render_values(values, &summary)),
        Format::Sarif => format!("{:#}\n", sarif::render_results(values)),
    }
}

/// Load and analyse one feature folder; with `only`, keep the findings in
/// those files.
fn check_one(
    root: &Path,
    only: Option<&[PathBuf]>,
    config: &RuleConfig,
) -> (CheckedFeature, Vec<LoadProblem>) {
    let (feature, problems) = load_feature(root, config.max_file_bytes());
    (checked_feature(feature, only, config), problems)
}

/// Analyse a loaded feature; with `only`, keep the findings in those files.
fn checked_feature(feature: Feature, only: Option<&[PathBuf]>, config: &RuleConfig) -> CheckedFeature {
    let mut diagnostics = analyze(&feature, config);
    let only: Option<Vec<String>> = only.map(|only| only.iter().map(|p| feature.relative(p)).collect());
    if let Some(wanted) = &only {
        diagnostics.retain(|d| wanted.iter().any(|w| *w == *d.file));
    }
    CheckedFeature { feature, diagnostics, only }
}

/// `work` over every item on every core, results in the items' order.
/// Features are independent, and parsing dominates a check: a repository
/// of many features is checked in about 1/cores of the time.
/// The indices of `jobs`, the biggest feature folder first (by the bytes
/// of the files directly in it): a big feature started last left the
/// other workers idle while it ran (a 245 KB folder of the corpus is 8%
/// of its text). Unreadable folders count as empty.
fn biggest_first<T>(jobs: &[T], root_of: impl Fn(&T) -> &PathBuf) -> Vec<usize> {
    let bytes_in = |root: &Path| -> u64 {
        let Ok(entries) = std::fs::read_dir(root) else { return 0 };
        entries.flatten().filter_map(|e| e.metadata().ok()).filter(|m| m.is_file()).map(|m| m.len()).sum()
    };
    let sizes: Vec<u64> = jobs.iter().map(|job| bytes_in(root_of(job))).collect();
    let mut order: Vec<usize> = (0..jobs.len()).collect();
    order.sort_by_key(|&job| std::cmp::Reverse(sizes[job]));
    order
}

fn in_parallel<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(items.len());
    if threads <= 1 {
        return items.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new(items.iter().map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(index) else { break };
                    let result = work(item);
                    results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[index] = Some(result);
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.into_iter().map(|r| r.expect("every item was worked on")).collect()
}

/// How `check` prints its report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Human,
    /// One line per finding.
    Concise,
    Json,
    Sarif,
    Github,
    /// GitLab Code Quality.
    Gitlab,
    Junit,
}

/// Everything the command line says about one `check`.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    pub paths: Vec<PathBuf>,
    pub format: Format,
    /// `--config FILE`; `None`: the nearest `specls.toml` of each feature.
    pub config: Option<PathBuf>,
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    pub fix: bool,
    /// `--diff`: print what `--fix` would change as a unified diff, write
    /// nothing.
    pub diff: bool,
    /// `--watch`: check again whenever a file under the paths changes.
    pub watch: bool,
    /// `--no-cache`: neither read nor write the results cache.
    pub no_cache: bool,
    /// `--max-file-size`: over the `specls.toml` key.
    pub max_file_size: Option<u64>,
    /// `--unsafe-fixes`: `--fix` applies unsafe fixes too.
    pub unsafe_fixes: bool,
    /// `--show-fixes`: show each fix's edits, and what `--fix` fixed per rule.
    pub show_fixes: bool,
    /// `--statistics`: counts per rule instead of the findings.
    pub statistics: bool,
    /// `--quiet`: the findings only; no summary, no notes.
    pub quiet: bool,
    /// `--output-file FILE`: the report goes there instead of stdout.
    pub output_file: Option<PathBuf>,
    pub color: ColorChoice,
    pub exit: ExitPolicy,
    /// `--baseline FILE`: findings in it are not reported.
    pub baseline: Option<PathBuf>,
    /// `--write-baseline FILE`: record every finding there.
    pub write_baseline: Option<PathBuf>,
}

/// When `check` exits 1 (interfaces.md): errors always, and more with
/// `--strict` or `--max-warnings`; never with `--exit-zero`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ExitPolicy {
    /// `--exit-zero`: findings never fail (I/O problems still exit 2).
    pub exit_zero: bool,
    /// `--strict`: warnings fail like errors.
    pub strict: bool,
    /// `--max-warnings N`: more than N warnings fail.
    pub max_warnings: Option<usize>,
}

impl ExitPolicy {
    /// The exit code for the findings shown.
    pub fn code(&self, summary: &Summary) -> ExitCode {
        let too_many_warnings = (self.strict && summary.warnings > 0)
            || self.max_warnings.is_some_and(|max| summary.warnings > max);
        if self.exit_zero {
            exit::OK
        } else if summary.errors > 0 || too_many_warnings {
            exit::FINDINGS
        } else {
            exit::OK
        }
    }
}

/// Where each feature folder's configuration comes from.
struct Configs {
    /// `--config FILE`, read once.
    explicit: Option<RuleConfig>,
    /// Found files, read once each (`None`: no file, defaults).
    found: HashMap<Option<PathBuf>, RuleConfig>,
    /// `--select`, applied over whichever file.
    select: Vec<String>,
    /// `--select` and `--ignore` as a configuration of their own.
    command_line: RuleConfig,
}

impl Configs {
    fn new(options: &CheckOptions) -> Result<Self> {
        let mut command_line = RuleConfig::default();
        if !options.select.is_empty() {
            command_line.select(&options.select).context("--select")?;
        }
        command_line.ignore(&options.ignore).context("--ignore")?;
        if let Some(limit) = options.max_file_size {
            command_line.set_max_file_bytes(limit);
        }
        let explicit = match &options.config {
            Some(path) => Some(load_config(path)?),
            None => None,
        };
        Ok(Configs { explicit, found: HashMap::new(), select: options.select.clone(), command_line })
    }

    fn for_feature(&mut self, root: &Path) -> Result<RuleConfig> {
        let file = match &self.explicit {
            Some(config) => config.clone(),
            None => {
                let path = find_config(root);
                match self.found.get(&path) {
                    Some(config) => config.clone(),
                    None => {
                        let config = match &path {
                            Some(path) => load_config(path)?,
                            None => RuleConfig::default(),
                        };
                        self.found.insert(path, config.clone());
                        config
                    }
                }
            }
        };
        Ok(self.layered(file))
    }

    /// The command line over the file: `--ignore` turns rules off, and a
    /// rule named by `--select` runs even when the file turned it off.
    fn layered(&self, file: RuleConfig) -> RuleConfig {
        let mut command_line = self.command_line.clone();
        for code in &self.select {
            if file.override_for(code) == Some(None)
                && command_line.override_for(code) != Some(None)
                && let Some(rule) = rule(code)
            {
                // Cannot fail: the code was checked and the name is valid.
                let _ = command_line.set(code, rule.meta().default_severity.name());
            }
        }
        file.merged_with(&command_line)
    }
}

/// Run `specls check`; the exit code follows interfaces.md. With
/// `--watch`, check again on every change until interrupted.
pub fn run(options: &CheckOptions) -> Result<ExitCode> {
    if options.watch {
        return watch::run(options, check_once);
    }
    check_once(options)
}

/// One `specls check`.
fn check_once(options: &CheckOptions) -> Result<ExitCode> {
    for path in &options.paths {
        if !path.exists() {
            bail!("{}: no such file or directory", path.display());
        }
    }
    let mut configs = Configs::new(options)?;
    let baseline = match &options.baseline {
        Some(path) => Some(baseline::Baseline::read(path)?),
        None => None,
    };
    if streams(options) {
        let cache = cache_home().filter(|_| !options.no_cache).map(|home| Cache::open(&home, "check"));
        let streamed = check_streaming(&options.paths, options.format, cache.as_ref(), &mut |root| {
            configs.for_feature(root)
        })?;
        if let Some((rendered, problems, empty_paths)) = streamed {
            let summary = rendered.iter().fold(Summary::default(), |mut sum, r| {
                sum.add(&r.summary);
                sum
            });
            let report = Report { problems, empty_paths, ..Report::default() };
            report_problems(&report, &fix::Fixed::default(), 0, false)?;
            let styled = options.format == Format::Human;
            super::write_report(
                &assemble(rendered, options.format),
                styled,
                options.color,
                options.output_file.as_deref(),
            )?;
            return Ok(if report.problems.is_empty() { options.exit.code(&summary) } else { exit::FAILURE });
        }
    }
    if options.diff {
        return diff::run(options, &mut configs);
    }
    let mut check = || check_paths_with(&options.paths, &mut |root| configs.for_feature(root));
    let mut report = check()?;
    let mut fixed = fix::Fixed::default();
    let mut fixed_per_rule = Vec::new();
    if options.fix {
        let before = fixable_per_rule(&report, options.unsafe_fixes);
        // Fixes that overlapped one applied in a round get their turn in
        // the next; a bounded number of rounds, in case fixes fight.
        for _ in 0..fix::MAX_ROUNDS {
            if options.unsafe_fixes {
                treat_unsafe_fixes_as_safe(&mut report);
            }
            if fix::apply_safe_fixes(&report, &mut fixed) == 0 {
                break;
            }
            report = check()?;
        }
        fixed_per_rule = fixed_since(before, &fixable_per_rule(&report, options.unsafe_fixes));
    }
    let display = |p: &Path| display_path(p);
    let all = report.located(&display);
    if let Some(path) = &options.write_baseline {
        let written = baseline::write(path, &all)?;
        if !options.quiet {
            eprintln!("specls: wrote {written} finding(s) to the baseline {}", path.display());
        }
    }
    let (located, hidden): (Vec<Located<'_>>, Vec<Located<'_>>) =
        all.into_iter().partition(|d| baseline.as_ref().is_none_or(|b| !b.contains(d)));
    let summary = Summary::of_shown(&located, report.features.len(), report.files());

    report_problems(&report, &fixed, hidden.len(), options.quiet)?;
    let fix_lines = if options.fix && !options.quiet {
        fix_summary(&fixed, &fixed_per_rule, options.show_fixes, &display)
    } else {
        String::new()
    };
    let shown_summary = (!options.quiet).then_some(&summary);
    let output = match options.format {
        Format::Human | Format::Concise if options.statistics => {
            fix_lines + &statistics::render(&located, shown_summary)
        }
        Format::Json if options.statistics => {
            eprint!("{fix_lines}");
            format!("{:#}\n", statistics::render_json(&located))
        }
        Format::Human => {
            let summary = shown_summary.map(human::render_summary).unwrap_or_default();
            fix_lines + &human::render_diagnostics_with_fixes(&located, options.show_fixes) + &summary
        }
        Format::Concise => fix_lines + &concise::render(&located, shown_summary),
        machine => {
            eprint!("{fix_lines}");
            match machine {
                Format::Json => format!("{:#}\n", json::render_located(&located, &summary)),
                Format::Sarif => format!("{:#}\n", sarif::render(&located)),
                Format::Gitlab => format!("{:#}\n", gitlab::render(&located)),
                Format::Junit => junit::render(&located),
                _ => {
                    let summary = shown_summary.map(github::render_summary).unwrap_or_default();
                    github::render_diagnostics(&located) + &summary
                }
            }
        }
    };
    let styled = matches!(options.format, Format::Human) && !options.statistics;
    super::write_report(&output, styled, options.color, options.output_file.as_deref())?;

    Ok(if !report.problems.is_empty() || !fixed.failed.is_empty() {
        exit::FAILURE
    } else {
        options.exit.code(&summary)
    })
}

/// Paths without features, unreadable files, files `--fix` left alone, and
/// findings a baseline hid, on stderr.
fn report_problems(report: &Report, fixed: &fix::Fixed, hidden: usize, quiet: bool) -> Result<()> {
    let display = |p: &Path| display_path(p);
    let mut stderr = std::io::stderr().lock();
    if !quiet {
        for path in &report.empty_paths {
            writeln!(stderr, "specls: note: no feature folder in {}", path.display())?;
        }
        if hidden > 0 {
            writeln!(stderr, "specls: note: {hidden} finding(s) in the baseline not shown")?;
        }
    }
    for problem in &report.problems {
        writeln!(stderr, "specls: error: cannot read {}: {}", display(&problem.path), problem.message)?;
    }
    for (path, reason) in &fixed.skipped {
        writeln!(stderr, "specls: warning: not fixing {}: {reason}", display(path))?;
    }
    for (path, message) in &fixed.failed {
        writeln!(stderr, "specls: error: cannot write {}: {message}", display(path))?;
    }
    Ok(())
}

/// `--unsafe-fixes`: the user accepted unsafe fixes, so `--fix` takes them
/// like safe ones.
fn treat_unsafe_fixes_as_safe(report: &mut Report) {
    for checked in &mut report.features {
        for fix in checked.diagnostics.iter_mut().filter_map(|d| d.fix.as_mut()) {
            fix.applicability = Applicability::Safe;
        }
    }
}

/// Findings `--fix` may fix, per file and rule.
type FixableCounts = Vec<((PathBuf, &'static str), usize)>;

fn fixable_per_rule(report: &Report, unsafe_fixes: bool) -> FixableCounts {
    let mut counts: std::collections::BTreeMap<(PathBuf, &'static str), usize> = Default::default();
    for (feature, d) in report.diagnostics() {
        let Some(fix) = &d.fix else { continue };
        if fix.applicability == Applicability::Safe || unsafe_fixes {
            *counts.entry((feature.root.join(&*d.file), d.code)).or_default() += 1;
        }
    }
    counts.into_iter().collect()
}

/// What the fixes removed: fixable findings before, less those after.
fn fixed_since(before: FixableCounts, after: &FixableCounts) -> FixableCounts {
    before
        .into_iter()
        .filter_map(|(key, n)| {
            let left = after.iter().find(|(k, _)| *k == key).map_or(0, |(_, n)| *n);
            (n > left).then(|| (key, n - left))
        })
        .collect()
}

/// "Fixed 2 problems in tasks.md" per file, with `--show-fixes` the rules
/// under each; "No fixes applied" when nothing changed.
fn fix_summary(
    fixed: &fix::Fixed,
    per_rule: &FixableCounts,
    show_fixes: bool,
    display: &dyn Fn(&Path) -> String,
) -> String {
    let mut text = String::new();
    for (path, n) in &fixed.per_file {
        let _ = writeln!(text, "Fixed {n} problem{} in {}", if *n == 1 { "" } else { "s" }, display(path));
        if show_fixes {
            for ((_, code), count) in per_rule.iter().filter(|((p, _), _)| p == path) {
                let _ = writeln!(text, "  {count} × {code}");
            }
        }
    }
    if fixed.per_file.is_empty() {
        text.push_str("No fixes applied\n");
    }
    text.push('\n');
    text
}

/// Whether the report can be streamed feature by feature: nothing asks
/// for the whole list of findings (fixes and their edits, statistics, baselines, JUnit's
/// single document) and the summary is printed.
fn streams(options: &CheckOptions) -> bool {
    !options.fix
        && !options.diff
        && !options.show_fixes
        && !options.statistics
        && !options.quiet
        && options.baseline.is_none()
        && options.write_baseline.is_none()
        && options.format != Format::Junit
}

#[cfg(test)]
mod tests {
    use super::{in_parallel, keys_separate};

    #[test]
    fn nested_feature_folders_are_not_streamed() {
        let keys = |list: &[&str]| list.iter().map(|k| k.to_string()).collect::<Vec<_>>();
        assert!(keys_separate(&keys(&["specs/001-a/", "specs/001-a-b/", "other/002/"])));
        assert!(!keys_separate(&keys(&["specs/001-a/", "specs/001-a/sub/002-b/"])));
        assert!(keys_separate(&[]));
    }

    #[test]
    fn parallel_work_keeps_the_items_order() {
        let items: Vec<u64> = (0..200).collect();
        // Uneven work, so threads finish out of order.
        let results =
            in_parallel(&items, |&n| (0..(n % 7) * 1000).fold(n, |acc, _| std::hint::black_box(acc)));
        assert_eq!(results, items);
        assert_eq!(in_parallel(&[] as &[u64], |&n| n), Vec::<u64>::new());
    }
}
