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
//! Workloads are the shapes of `specls::synth::Shape` (tasks.md, spec,
//! plan, data model, an OpenAPI contract): phases of 100 tasks at 1k, 10k
//! and 50k tasks, and stories of 25 tasks at 1k and 10k (400 stories).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use specls::analysis::{RuleConfig, analyze};
use specls::model::feature::{Feature, FeatureFile};
use specls::model::kind::DocumentKind;
use specls::synth::{Shape, TypedFeature};
use specls::workspace::discovery::discover_features;
use specls::workspace::load::load_feature;

/// Each shape and its sizes, in tasks.
const WORKLOADS: [(Shape, usize); 5] = [
    (Shape::Phases, 1_000),
    (Shape::Phases, 10_000),
    (Shape::Phases, 50_000),
    (Shape::Stories, 1_000),
    (Shape::Stories, 10_000),
];

fn id(shape: Shape, size: usize) -> BenchmarkId {
    BenchmarkId::new(shape.name(), size)
}

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
    for (shape, size) in WORKLOADS {
        let files = shape.files(size);
        group.bench_function(id(shape, size), |b| {
            b.iter_batched(|| load(&files), |feature| analyze(&feature, &config), BatchSize::LargeInput)
        });
    }
    group.finish();
}

fn reanalysis(c: &mut Criterion) {
    let mut group = c.benchmark_group("reanalysis");
    let config = RuleConfig::default();
    for (shape, size) in WORKLOADS {
        let mut typing = TypedFeature::new(&shape.files(size));
        analyze(&typing.feature, &config); // fill every block's facts
        group.bench_function(id(shape, size), |b| {
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
        b.iter(|| {
            roots
                .iter()
                .map(|root| analyze(&load_feature(root, config.max_file_bytes()).0, &config).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, first_analysis, reanalysis, corpus);
criterion_main!(benches);
