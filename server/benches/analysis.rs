//! Analysis costs: the whole rule set over a feature.
//!
//! - `first_analysis`: a feature just loaded, every block's facts still
//!   to compute (what `specls check` pays per feature, and the server on
//!   opening a workspace).
//! - `reanalysis`: after one typed character in a task line of tasks.md,
//!   what the language server pays per keystroke; only the rescanned
//!   block's facts are computed again. The edit itself is not timed.
//! - `corpus`: load and analyse every feature folder of `../shared/corpus`
//!   (skipped with a note when absent).
//!
//! Sizes are the synthetic feature of `specls::synth::feature_files`
//! (tasks.md, spec, plan, data model, an OpenAPI contract) at 1k and 10k
//! tasks.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use specls::analysis::{RuleConfig, analyze};
use specls::model::feature::{Feature, FeatureFile};
use specls::model::file::MarkdownFile;
use specls::model::kind::DocumentKind;
use specls::text::{ContentChange, Position, PositionEncoding, PositionRange};
use specls::workspace::discovery::discover_features;
use specls::workspace::load::load_feature;

const SIZES: [usize; 2] = [1_000, 10_000];

fn root() -> PathBuf {
    PathBuf::from("/synthetic/specs/001-synthetic")
}

fn load(files: &[(&str, String)]) -> Feature {
    let mut feature = Feature::new(root());
    for (rel, text) in files {
        let kind = DocumentKind::of_path(Path::new(rel)).expect("a feature document");
        feature.upsert(FeatureFile::from_text(root().join(rel), rel, kind, text));
    }
    feature
}

fn first_analysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("first_analysis");
    group.sample_size(10);
    let config = RuleConfig::default();
    for size in SIZES {
        let files = specls::synth::feature_files(size);
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter_batched(|| load(&files), |feature| analyze(&feature, &config), BatchSize::LargeInput)
        });
    }
    group.finish();
}

/// An open tasks.md in its feature, typed into one character at a time.
struct Typing {
    feature: Feature,
    tasks: MarkdownFile,
    line: u32,
    version: i32,
}

impl Typing {
    fn new(size: usize) -> Self {
        let files = specls::synth::feature_files(size);
        let text = &files.iter().find(|(rel, _)| *rel == "tasks.md").expect("a tasks.md").1;
        let line = text[..text.find(&format!("T{:03} ", size / 2)).expect("the middle task")]
            .matches('\n')
            .count() as u32;
        let mut typing =
            Typing { feature: load(&files), tasks: MarkdownFile::open(text, 0), line, version: 0 };
        // The analysed tasks.md is the typed one, as in the server.
        typing.edit();
        typing
    }

    /// Type a character into the middle task's description, or delete it.
    fn edit(&mut self) {
        self.version += 1;
        let at = Position::new(self.line, 20);
        let change = if self.version % 2 == 1 {
            ContentChange::replace(PositionRange::new(at, at), "x")
        } else {
            ContentChange::replace(PositionRange::new(at, Position::new(self.line, 21)), "")
        };
        self.tasks.apply_changes(&[change], PositionEncoding::Utf16, self.version);
        let file =
            FeatureFile::from_markdown(root().join("tasks.md"), "tasks.md", DocumentKind::Tasks, &self.tasks);
        self.feature.upsert(file);
    }
}

fn reanalysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("reanalysis");
    let config = RuleConfig::default();
    for size in SIZES {
        let mut typing = Typing::new(size);
        analyze(&typing.feature, &config); // fill every block's facts
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    typing.edit();
                    let started = Instant::now();
                    black_box(analyze(&typing.feature, &config));
                    total += started.elapsed();
                }
                total
            })
        });
    }
    group.finish();
}

fn corpus(c: &mut Criterion) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if !dir.is_dir() {
        println!("note: {} is absent; corpus analysis not measured", dir.display());
        return;
    }
    let roots = discover_features(&dir);
    let config = RuleConfig::default();
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.bench_function(format!("load_and_analyse_{}_features", roots.len()), |b| {
        b.iter(|| roots.iter().map(|root| analyze(&load_feature(root).0, &config).len()).sum::<usize>())
    });
    group.finish();
}

criterion_group!(benches, first_analysis, reanalysis, corpus);
criterion_main!(benches);
