use specls::model::file::MarkdownFile;
use specls::model::tasks::TasksDoc;
fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10000);
    let file = MarkdownFile::open(&specls::synth::tasks_md(n), 0);
    let t = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..2000 {
        total += TasksDoc::from_blocks(file.blocks()).tasks.len();
    }
    println!("{:?} per rebuild ({total})", t.elapsed() / 2000);
}
