use specls::model::blocks::BlockList;
use specls::syntax::MarkdownTree;
fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10000);
    let rope = ropey::Rope::from_str(&specls::synth::tasks_md(n));
    let (_tree, blocks) = MarkdownTree::parse(&rope);
    let t = std::time::Instant::now();
    let mut total = 0;
    for _ in 0..10 {
        total += BlockList::from_blocks(&blocks, &rope).blocks().len();
    }
    println!("{:?} per scan ({total})", t.elapsed() / 10);
}
