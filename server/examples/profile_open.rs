//! What opening a big tasks.md costs, stage by stage: time and the heap
//! bytes each stage leaves live (a counting allocator), up to the first
//! analysis. The server's `didOpen` path without the protocol.
//!
//! `profile_open [TASKS] [--shape phases|stories]` (default 50,000 phases).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::PathBuf;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::Instant;

use specls::analysis::{RuleConfig, analyze};
use specls::model::feature::{Feature, FeatureFile};
use specls::model::file::MarkdownFile;
use specls::model::kind::DocumentKind;
use specls::synth::Shape;

/// Live heap bytes and their peak.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static PEAK: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed) + layout.size() as isize;
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let grown = new_size as isize - layout.size() as isize;
        let live = LIVE.fetch_add(grown, Ordering::Relaxed) + grown;
        PEAK.fetch_max(live, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn mib(bytes: isize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Run one stage and print its time, what it left live and the peak.
fn stage<T>(name: &str, run: impl FnOnce() -> T) -> T {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let start = Instant::now();
    let out = run();
    let took = start.elapsed();
    let after = LIVE.load(Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed);
    println!(
        "{name:24} {took:>10.1?}  +{:>10} live (peak +{}, total {})",
        mib(after - before),
        mib(peak - before),
        mib(after)
    );
    out
}

fn main() {
    let mut tasks = 50_000;
    let mut shape = Shape::Phases;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--shape" => shape = args.next().as_deref().and_then(Shape::parse).unwrap_or(shape),
            n => tasks = n.parse().unwrap_or(tasks),
        }
    }
    let files = shape.files(tasks);
    let root = PathBuf::from("/specs/001-synthetic");
    let others: Vec<(&str, &str)> =
        files.iter().filter(|(rel, _)| *rel != "tasks.md").map(|(rel, text)| (*rel, text.as_str())).collect();
    let text = &files.iter().find(|(rel, _)| *rel == "tasks.md").expect("a tasks.md").1;
    println!("tasks.md: {} tasks, {}", tasks, mib(text.len() as isize));
    let mut feature = stage("other files", || Feature::from_texts(root.clone(), others));
    let file = stage("open tasks.md", || MarkdownFile::open(text, 1));
    let model = stage("tasks model", || {
        FeatureFile::from_markdown(root.join("tasks.md"), "tasks.md", DocumentKind::Tasks, &file)
    });
    feature.upsert(model);
    let config = RuleConfig::default();
    let found = stage("first analysis", || analyze(&feature, &config));
    println!("{} findings", found.len());
    stage("second analysis", || analyze(&feature, &config));
}
