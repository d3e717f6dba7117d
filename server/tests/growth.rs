//! Growth of the passes that were once quadratic: each pathological shape
//! runs at two sizes, the second twice the first, and the work, counted by
//! this binary's allocator (allocations, bytes allocated, peak bytes
//! live), must not grow more than 2.5 times. A quadratic pass grows about
//! 4 times. No clock: counts are the same on a loaded machine.
//!
//! A pass that is quadratic in time without allocating escapes this
//! count; the benches (`server/benches/analysis.rs`) and the CLI timings
//! in issue 11's note cover those.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;

use specls::analysis::{RuleConfig, analyze};
use specls::ide::graph_view::{GraphView, to_dot, to_json, to_mermaid};
use specls::model::feature::{Feature, FeatureFile};
use specls::model::kind::DocumentKind;

/// Counts what the current thread allocates: other threads (the test
/// harness's) do not disturb a measure.
struct Counting;

#[derive(Clone, Copy, Debug, Default)]
struct Work {
    allocations: u64,
    bytes: u64,
    live: u64,
    peak: u64,
}

thread_local! {
    static WORK: Cell<Work> = const { Cell::new(Work { allocations: 0, bytes: 0, live: 0, peak: 0 }) };
}

fn count(change: impl FnOnce(&mut Work)) {
    // `try_with`: the allocator also runs while the thread's locals are torn down.
    let _ = WORK.try_with(|cell| {
        let mut work = cell.get();
        change(&mut work);
        cell.set(work);
    });
}

// SAFETY: every call is passed on to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(|w| {
            w.allocations += 1;
            w.bytes += layout.size() as u64;
            w.live += layout.size() as u64;
            w.peak = w.peak.max(w.live);
        });
        // SAFETY: same layout the caller gave.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(|w| w.live = w.live.saturating_sub(layout.size() as u64));
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(|w| {
            w.allocations += 1;
            w.bytes += new_size as u64;
            w.live = w.live.saturating_sub(layout.size() as u64) + new_size as u64;
            w.peak = w.peak.max(w.live);
        });
        // SAFETY: as the caller promised for `realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The work `run` does, peak measured from what was live before it.
fn measure(run: impl FnOnce()) -> Work {
    let before = WORK.with(Cell::get);
    WORK.with(|cell| cell.set(Work { peak: before.live, ..before }));
    run();
    let after = WORK.with(Cell::get);
    Work {
        allocations: after.allocations - before.allocations,
        bytes: after.bytes - before.bytes,
        live: 0,
        peak: after.peak - before.live,
    }
}

/// Everything the CLI and the server do with a tasks.md: load and model
/// it, analyse its feature, dump it, and draw its graph in every format.
fn everything(tasks: &str) {
    let root = PathBuf::from("/growth/specs/001-growth");
    let mut feature = Feature::new(root.clone());
    feature.upsert(FeatureFile::from_text(root.join("tasks.md"), "tasks.md", DocumentKind::Tasks, tasks));
    let diagnostics = analyze(&feature, &RuleConfig::default());
    std::hint::black_box(diagnostics);
    let Some((file, doc)) = feature.tasks() else { panic!("the feature has its tasks.md") };
    std::hint::black_box(doc.to_dump(&file.document, "tasks.md"));
    let view = GraphView::build(doc, &file.document, "tasks.md".into());
    std::hint::black_box((to_json(&view), to_mermaid(&view), to_dot(&view)));
}

/// Runs `shape` at `size` and twice that; fails when the work more than
/// 2.5 times.
fn grows_linearly(name: &str, size: usize, shape: fn(usize) -> String) {
    let (small, large) = (shape(size), shape(2 * size));
    let (a, b) = (measure(|| everything(&small)), measure(|| everything(&large)));
    let ratio = |x: u64, y: u64| y as f64 / x.max(1) as f64;
    let ratios = [
        ("allocations", ratio(a.allocations, b.allocations)),
        ("bytes allocated", ratio(a.bytes, b.bytes)),
        ("peak bytes", ratio(a.peak, b.peak)),
    ];
    eprintln!("{name}: {} -> {} bytes of input: {a:?} -> {b:?}", small.len(), large.len());
    for (what, r) in ratios {
        assert!(r <= 2.5, "{name}: doubling the input ({} bytes) made {what} grow {r:.2} times", small.len());
    }
}

fn tasks(count: usize, line: impl Fn(usize) -> String) -> String {
    let mut text = String::from("# Tasks\n\n## Phase 1: Setup\n\n");
    for n in 1..=count {
        text.push_str(&line(n));
        text.push('\n');
    }
    text
}

fn nested_brackets(size: usize) -> String {
    let depth = size / 2;
    format!("- [ ] T001 Build {}x{} in src/a.py\n", "[".repeat(depth), "]".repeat(depth))
}

fn task_ids_on_one_prose_line(size: usize) -> String {
    let mut text = tasks(3, |n| format!("- [ ] T{n:03} step {n} in src/s{n}.py"));
    text.push_str("\n## Notes\n\nSee ");
    for n in 0..size / 7 {
        text.push_str(&format!("T{:05}, ", n % 100_000));
    }
    text.push('\n');
    text
}

fn dependencies_on_one_line(size: usize) -> String {
    let count = size / 14;
    let mut text = tasks(count, |n| format!("- [ ] T{n:05} step in src/s{n}.py"));
    text.push_str("\n## Dependencies\n\n- ");
    for n in 2..=count {
        text.push_str(&format!("T{:05} before T{n:05}; ", n - 1));
    }
    text.push('\n');
    text
}

fn words_on_a_task_line(size: usize) -> String {
    let mut line = String::from("- [ ] T001 Implement the parser in src/parser.py with");
    while line.len() < size {
        line.push_str(" word `code` test");
    }
    line.push('\n');
    line
}

fn many_tasks_in_a_chain(count: usize) -> String {
    tasks(count, |n| {
        let after = if n > 1 { format!(" (depends on T{:05})", n - 1) } else { String::new() };
        format!("- [ ] T{n:05} [P] step {n} in src/s{}.py{after}", n % 50)
    })
}

fn two_consecutive_parallel_groups(count: usize) -> String {
    let mut text = tasks(count, |n| format!("- [ ] T{n:05} [P] a in src/a{n}.py"));
    text.push_str("\n## Phase 2: Core\n\n");
    for n in count + 1..=2 * count {
        text.push_str(&format!("- [ ] T{n:05} [P] b in src/b{n}.py\n"));
    }
    text
}

#[test]
fn the_once_quadratic_passes_grow_linearly() {
    grows_linearly("nested brackets", 20_000, nested_brackets);
    grows_linearly("task IDs on one prose line", 30_000, task_ids_on_one_prose_line);
    grows_linearly("dependencies on one line", 30_000, dependencies_on_one_line);
    grows_linearly("words on a task line", 40_000, words_on_a_task_line);
    grows_linearly("dump, graph, Mermaid and DOT of many tasks", 1_000, many_tasks_in_a_chain);
    grows_linearly("two consecutive [P] groups", 1_000, two_consecutive_parallel_groups);
}
