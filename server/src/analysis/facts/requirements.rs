//! The requirements of spec.md a block names (requirement-coverage),
//! kept in its facts until spec.md changes.

use std::sync::Arc;

use crate::model::scan::{BlockScan, MentionKind};
use crate::syntax::BlockKind;
use crate::text::Span;

/// Whether a block names requirements where they count (not in code).
pub(crate) fn names_requirements(block: &BlockScan) -> bool {
    !matches!(block.kind, BlockKind::Code | BlockKind::Html | BlockKind::FrontMatter)
        && block.mentions.iter().any(|m| matches!(m.kind, MentionKind::Requirement { .. }))
}

/// The requirements a block names: kept in its facts until spec.md
/// changes.
#[derive(Clone)]
pub(crate) struct NamedRequirements {
    /// (index into requirement-coverage's list of requirements, span
    /// relative to the block), in order.
    pub all: Arc<[(usize, Span)]>,
}

/// At most two requirements a task line names, in order: copied into its
/// row, so that a re-analysis need not look at the line's facts again.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FewRequirements {
    len: u8,
    indices: [u32; 2],
}

impl NamedRequirements {
    /// Its requirements, when there are at most two.
    pub fn few(&self) -> Option<FewRequirements> {
        let mut indices = [0; 2];
        for (slot, &(i, _)) in indices.iter_mut().zip(self.all.iter()) {
            *slot = u32::try_from(i).ok()?;
        }
        (self.all.len() <= 2).then_some(FewRequirements { len: self.all.len() as u8, indices })
    }
}

impl FewRequirements {
    pub fn iter(self) -> impl Iterator<Item = usize> {
        self.indices.into_iter().take(self.len as usize).map(|i| i as usize)
    }
}
