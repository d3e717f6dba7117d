//! Tasks kept in a table: a table whose header's first cell names the ID
//! column (`| ID | Task | ... |`) lists one task per body row whose first
//! cell is a task ID. Each such row becomes a block of its own (the row's
//! line, scanned as a paragraph so that its mentions, clauses and fields
//! are the row's alone) carrying the task line of
//! [`crate::model::scan::scan_table_row`].

use std::sync::Arc;

use crate::model::blocks::ScannedBlock;
use crate::model::markdown::lines;
use crate::model::scan::{is_id_header, row_cells, scan_block, scan_table_row};
use crate::syntax::BlockKind;

/// The rows of `table` that are tasks, as blocks; empty when the table has
/// no ID column.
pub(super) fn task_rows(table: &ScannedBlock) -> Vec<ScannedBlock> {
    let mut lines = lines(&table.scan.text);
    let Some((_, header)) = lines.next() else { return Vec::new() };
    let has_id_column = row_cells(header).first().is_some_and(|c| is_id_header(&header[c.start..c.end]));
    if !has_id_column {
        return Vec::new();
    }
    lines
        .skip(1) // the delimiter row
        .filter_map(|(start, line)| {
            let task = scan_table_row(line)?;
            let mut scan = scan_block(BlockKind::Paragraph, line, 0, 0);
            scan.task = Some(task);
            Some(ScannedBlock { start: table.start + start, scan: Arc::new(scan) })
        })
        .collect()
}
