//! Edit → publishDiagnostics latency of the real binary over stdio.
//!
//! For each workload (a shape of `specls::synth::Shape` and a number of
//! tasks): open a generated feature (tasks.md, spec, plan, data model,
//! contract), then type into the middle task's description one character
//! at a time (insert, delete, insert, ...), waiting after each edit for the
//! diagnostics of exactly that version. Then time hover and completion
//! requests on that line. Prints p50/p90/p99, the time to the first
//! diagnostics after didOpen, the reply time of a hover sent right after
//! didOpen (while the first analysis runs), and the server's peak resident
//! memory (VmHWM).
//!
//! Run: `cargo bench -p specls --bench lsp_latency -- --bench [SHAPE:TASKS...]`,
//! e.g. `stories:10000 phases:50000`; by default phases at 1k, 10k and 50k
//! tasks and stories at 1k and 10k. SPECLS_EDITS sets the number of edits
//! per workload (default 300).

#[path = "support/stdio.rs"]
mod stdio;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use specls::synth::Shape;
use stdio::{Server, mib};

/// The synthetic feature of `shape`: a tasks.md of `tasks` tasks and the
/// documents it names, so every rule family runs.
fn feature(dir: &Path, shape: Shape, tasks: usize) -> PathBuf {
    let feature = dir.join("specs").join("001-synthetic");
    for (rel, text) in shape.files(tasks) {
        let path = feature.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    feature
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn measure(shape: Shape, tasks: usize, edits: usize) {
    let dir = std::env::temp_dir().join(format!("specls-latency-{tasks}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let feature = feature(&dir, shape, tasks);
    let path = feature.join("tasks.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let uri = format!("file://{}", path.display());
    let mut server = Server::start(None);
    server.initialize(&dir);
    // The middle task: type at the start of its description.
    let (line, column) = specls::synth::typing_point(&text);
    let opened = Instant::now();
    server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}));
    // A hover sent right after didOpen, while the first analysis runs:
    // it must not wait for that analysis.
    server.send(&json!({"jsonrpc": "2.0", "id": 999, "method": "textDocument/hover", "params": {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": 8}}}));
    let (mut hover_during_analysis, mut first_diagnostics) = (None, None);
    while hover_during_analysis.is_none() || first_diagnostics.is_none() {
        let m = server.read();
        if m.get("id") == Some(&json!(999)) && m.get("method").is_none() {
            hover_during_analysis = Some(opened.elapsed());
        } else if m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri.as_str() {
            assert_eq!(m["params"]["version"], 1, "the first diagnostics are of the opened version");
            first_diagnostics = Some(opened.elapsed());
        }
    }
    let (hover_during_analysis, first_diagnostics) =
        (hover_during_analysis.expect("answered"), first_diagnostics.expect("published"));
    let mut latencies = Vec::with_capacity(edits);
    for i in 0..edits {
        let version = i as i64 + 2;
        let (end, insert) = if i % 2 == 0 { (column, "x") } else { (column + 1, "") };
        let change = json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": end}}, "text": insert});
        let started = Instant::now();
        server.send(&json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}}));
        server.wait_for_version(&uri, version);
        latencies.push(started.elapsed());
    }
    let hover = time_requests(&mut server, edits, |id| {
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": 8}}})
    });
    let completion = time_requests(&mut server, edits, |id| {
        json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/completion", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": 6}}})
    });
    let rss = server.peak_rss_kib();
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);

    latencies.sort();
    let name = format!("{}:{tasks}", shape.name());
    report(&format!("hover {name:>14}"), hover);
    report(&format!("completion {name:>14}"), completion);
    println!(
        "first diagnostics {name:>14}: {first_diagnostics:>8.2?} after didOpen; a hover sent with didOpen answered after {hover_during_analysis:>8.2?}"
    );
    println!(
        "edit→publishDiagnostics {name:>14}: p50 {:>8.2?}  p90 {:>8.2?}  p99 {:>8.2?}  max {:>8.2?}  ({edits} edits)  peak RSS {}",
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.9),
        percentile(&latencies, 0.99),
        latencies[latencies.len() - 1],
        mib(rss),
    );
}

/// Send `count` requests one after another; the time of each reply.
fn time_requests(server: &mut Server, count: usize, request: impl Fn(i64) -> Value) -> Vec<Duration> {
    let mut times = Vec::with_capacity(count);
    for i in 0..count {
        let id = 1000 + i as i64;
        let started = Instant::now();
        server.send(&request(id));
        loop {
            let m = server.read();
            if m.get("id") == Some(&json!(id)) && m.get("method").is_none() {
                assert!(m.get("error").is_none(), "{m}");
                break;
            }
        }
        times.push(started.elapsed());
    }
    times.sort();
    times
}

fn report(what: &str, sorted: Vec<Duration>) {
    println!(
        "{what}: p50 {:>8.2?}  p99 {:>8.2?}  max {:>8.2?}",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.99),
        sorted[sorted.len() - 1]
    );
}

/// `SHAPE:TASKS`, e.g. `stories:10000`.
fn workload(arg: &str) -> Option<(Shape, usize)> {
    let (shape, tasks) = arg.split_once(':')?;
    Some((Shape::parse(shape)?, tasks.parse().ok()?))
}

fn main() {
    // `cargo test --benches` runs benches once with --bench absent: keep it quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let edits = std::env::var("SPECLS_EDITS").ok().and_then(|v| v.parse().ok()).unwrap_or(if quick {
        5
    } else {
        300
    });
    let mut workloads: Vec<(Shape, usize)> =
        std::env::args().skip(1).filter_map(|arg| workload(&arg)).collect();
    if workloads.is_empty() {
        workloads = vec![
            (Shape::Phases, 1_000),
            (Shape::Phases, 10_000),
            (Shape::Stories, 1_000),
            (Shape::Stories, 10_000),
            (Shape::Phases, 50_000),
        ];
        if quick {
            workloads.truncate(1);
            workloads.push((Shape::Stories, 1_000));
        }
    }
    for (shape, tasks) in workloads {
        measure(shape, tasks, edits);
    }
}
