//! Parse and edit costs of a tasks.md at 1k, 10k and 50k tasks (and, for
//! keystrokes, the many-stories shape at 1k and 10k).
//!
//! `keystroke` is the whole edit path of one typed character: rope apply,
//! tree-sitter block reparse, block rescan and the tasks model rebuilt.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use specls::model::file::MarkdownFile;
use specls::model::tasks::TasksDoc;
use specls::synth;
use specls::text::{ContentChange, Position, PositionEncoding, PositionRange};
use std::hint::black_box;

const SIZES: [usize; 3] = [1_000, 10_000, 50_000];

fn full_parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("full_parse");
    group.sample_size(10);
    for size in SIZES {
        let text = synth::tasks_md(size);
        group.bench_with_input(BenchmarkId::from_parameter(size), &text, |b, text| {
            b.iter(|| {
                let file = MarkdownFile::open(black_box(text), 0);
                black_box(TasksDoc::from_blocks(file.blocks()))
            })
        });
    }
    group.finish();
}

/// The tasks.md of each workload: phases of 100 tasks (`synth::tasks_md`)
/// at every size, and stories of 25 tasks with a long Dependencies
/// section at 1k and 10k tasks.
fn workloads() -> Vec<(BenchmarkId, String)> {
    let mut out: Vec<_> =
        SIZES.iter().map(|&size| (BenchmarkId::new("phases", size), synth::tasks_md(size))).collect();
    for size in [1_000, 10_000] {
        let stories = size / synth::STORY_TASKS;
        out.push((BenchmarkId::new("stories", size), synth::many_stories_tasks_md(stories)));
    }
    out
}

/// Type a character into the middle task's description, then delete it:
/// each iteration is one keystroke and the document keeps its size.
fn keystroke(c: &mut Criterion) {
    let mut group = c.benchmark_group("keystroke");
    for (id, text) in workloads() {
        let (line, column) = synth::typing_point(&text);
        let at = PositionRange::new(Position::new(line, column), Position::new(line, column));
        let typed = PositionRange::new(Position::new(line, column), Position::new(line, column + 1));
        let mut file = MarkdownFile::open(&text, 0);
        let mut version = 0;
        group.bench_function(id, |b| {
            b.iter(|| {
                version += 1;
                let change = if version % 2 == 1 {
                    ContentChange::replace(at, "x")
                } else {
                    ContentChange::replace(typed, "")
                };
                file.apply_changes(&[change], PositionEncoding::Utf16, version);
                black_box(TasksDoc::from_blocks(file.blocks()))
            })
        });
    }
    group.finish();
}

/// The model rebuild alone, to see where a keystroke's time goes.
fn model_rebuild(c: &mut Criterion) {
    let mut group = c.benchmark_group("model_rebuild");
    for size in SIZES {
        let file = MarkdownFile::open(&synth::tasks_md(size), 0);
        group.bench_function(BenchmarkId::from_parameter(size), |b| {
            b.iter(|| black_box(TasksDoc::from_blocks(black_box(file.blocks()))))
        });
    }
    group.finish();
}

criterion_group!(benches, full_parse, keystroke, model_rebuild);
criterion_main!(benches);
