//! Where an analysis of a big feature spends its time.
//!
//! `profile_analyze [TASKS] [--shape phases|stories] [--tasks-only] [--dump DIR] [--runs N] [--total-only] [--select CODE] [--two-threads]`
//!
//! Builds the synthetic feature of `specls::synth::Shape` (or, with
//! `--tasks-only`, a tasks.md and a two-line plan), then prints:
//! - the first analysis (every block's memo still empty),
//! - a one-character edit of a task line (rope, reparse, blocks, model,
//!   the old version dropped) and the re-analysis after it, medians of
//!   `--runs` edits: what the language server pays per keystroke,
//! - the same per rule (each rule alone, `--select` style, so each line
//!   includes the shared work of one analysis), slowest first; not with
//!   `--total-only` (for `perf record`, with many `--runs`; `--select`
//!   runs one rule only).
//!
//! `--two-threads` times `analyze_on_two_threads` instead of `analyze`, as
//! the language server runs it for features that take a millisecond.
//!
//! `--dump DIR` writes the feature's files under `DIR/specs/001-synthetic/`
//! for `specls check`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use specls::analysis::{Diagnostic, RuleConfig, all_rules, analyze, analyze_on_two_threads};
use specls::model::feature::Feature;
use specls::synth::{Shape, TypedFeature};

struct Options {
    tasks: usize,
    tasks_only: bool,
    dump: Option<PathBuf>,
    runs: usize,
    total_only: bool,
    select: Option<String>,
    shape: Shape,
    two_threads: bool,
}

fn options() -> Options {
    let mut options = Options {
        tasks: 10_000,
        tasks_only: false,
        dump: None,
        runs: 21,
        total_only: false,
        select: None,
        shape: Shape::Phases,
        two_threads: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tasks-only" => options.tasks_only = true,
            "--total-only" => options.total_only = true,
            "--two-threads" => options.two_threads = true,
            "--select" => options.select = args.next(),
            "--shape" => {
                options.shape = args.next().as_deref().and_then(Shape::parse).unwrap_or(options.shape)
            }
            "--dump" => options.dump = args.next().map(PathBuf::from),
            "--runs" => options.runs = args.next().and_then(|s| s.parse().ok()).unwrap_or(options.runs),
            n => options.tasks = n.parse().unwrap_or(options.tasks),
        }
    }
    options
}

/// A feature with tasks.md open in an "editor", typed into.
struct Bench {
    typed: TypedFeature,
    analyze: fn(&Feature, &RuleConfig) -> Vec<Diagnostic>,
}

impl Bench {
    fn new(options: &Options) -> Self {
        let files = if options.tasks_only {
            vec![
                ("plan.md", "# Plan\n\n## Project Structure\n\n```text\nsrc/\ntests/\n```\n".to_string()),
                ("tasks.md", specls::synth::tasks_md(options.tasks)),
            ]
        } else {
            options.shape.files(options.tasks)
        };
        if let Some(dir) = &options.dump {
            dump(&dir.join("specs/001-synthetic"), &files);
        }
        let analyze = if options.two_threads { analyze_on_two_threads } else { analyze };
        Bench { typed: TypedFeature::new(&files), analyze }
    }

    /// The median time of analysing after an edit, and what was found.
    fn reanalyse(&mut self, config: &RuleConfig, runs: usize) -> (Duration, usize) {
        self.reanalyse_timing_edits(config, runs).0
    }

    /// [`Bench::reanalyse`], and the median time of the edits themselves
    /// (rope, reparse, block rescan, the new model, the old one dropped).
    fn reanalyse_timing_edits(&mut self, config: &RuleConfig, runs: usize) -> ((Duration, usize), Duration) {
        let (mut times, mut edits) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
        let mut found = 0;
        for _ in 0..runs {
            let start = Instant::now();
            self.typed.edit();
            edits.push(start.elapsed());
            let start = Instant::now();
            found = (self.analyze)(&self.typed.feature, config).len();
            times.push(start.elapsed());
        }
        times.sort();
        edits.sort();
        ((times[times.len() / 2], found), edits[edits.len() / 2])
    }
}

fn dump(dir: &std::path::Path, files: &[(&str, String)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, text).expect("write the file");
    }
    println!("wrote {}", dir.display());
}

fn main() {
    let options = options();
    let mut bench = Bench::new(&options);
    let mut config = RuleConfig::default();
    if let Some(code) = &options.select {
        config.select(std::slice::from_ref(code)).expect("a known rule");
    }
    let start = Instant::now();
    let found = (bench.analyze)(&bench.typed.feature, &config).len();
    println!("first analysis: {:?} ({found} findings)", start.elapsed());
    let ((median, found), edit) = bench.reanalyse_timing_edits(&config, options.runs);
    println!("edit: {edit:?} (median of {})", options.runs);
    println!("re-analysis after an edit: {median:?} ({found} findings, median of {})", options.runs);
    if options.total_only {
        return;
    }
    let mut rules = Vec::new();
    for rule in all_rules() {
        let mut config = RuleConfig::default();
        config.select(&[rule.meta().code.to_string()]).expect("a known rule");
        let (median, found) = bench.reanalyse(&config, options.runs);
        rules.push((median, rule.meta().code, found));
    }
    rules.sort_by_key(|rule| std::cmp::Reverse(rule.0));
    for (median, code, found) in rules {
        println!("  {code:28} {median:>12.3?} ({found})");
    }
}
