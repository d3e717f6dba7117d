use specls::model::blocks::BlockList;
use specls::model::tasks::TasksDoc;
use specls::syntax::MarkdownTree;
use std::time::Instant;
fn main() {
    let n: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(10000);
    let text = specls::synth::tasks_md(n);
    let rope = ropey::Rope::from_str(&text);
    let mut p = tree_sitter::Parser::new();
    p.set_language(&tree_sitter_md::LANGUAGE.into()).unwrap();
    let t = Instant::now();
    let tr = p.parse(&text, None).unwrap();
    println!("str parse {:?} nodes={}", t.elapsed(), tr.root_node().descendant_count());
    for _ in 0..3 {
        let t = Instant::now();
        let (_tree, blocks) = MarkdownTree::parse(&rope);
        let t1 = t.elapsed();
        let t2 = t.elapsed();
        let list = BlockList::from_blocks(&blocks, &rope);
        let t3 = t.elapsed();
        let doc = TasksDoc::from_blocks(&list);
        let t4 = t.elapsed();
        println!(
            "n={n} bytes={} parse={:?} blocks={:?} ({}) scan+blocks={:?} model={:?} tasks={}",
            text.len(),
            t1,
            t2 - t1,
            blocks.len(),
            t3 - t2,
            t4 - t3,
            doc.tasks.len()
        );
    }
}
#[allow(dead_code)]
fn unused() {}
