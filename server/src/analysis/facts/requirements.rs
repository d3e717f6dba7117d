//! The requirements of spec.md a block names (requirement-coverage),
//! kept in its facts until spec.md changes, and how many blocks of
//! tasks.md name each, kept across analyses.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use super::same;
use super::sparse::changed_range;
use crate::model::blocks::{BlockList, ScannedBlock};
use crate::model::scan::{BlockScan, MentionKind};
use crate::model::spec::SpecDoc;
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

/// The requirements of a spec as requirement-coverage lists them: the
/// first of each ID, in order, with its index in the spec's requirements,
/// and the list's index by ID.
#[derive(Clone, Default)]
pub(crate) struct RequirementList {
    pub requirements: Vec<(Box<str>, usize)>,
    pub index: HashMap<Box<str>, usize>,
}

impl RequirementList {
    pub fn of(spec: &SpecDoc) -> Self {
        let mut list = RequirementList::default();
        for (i, requirement) in spec.requirements.iter().enumerate() {
            if list.index.contains_key(&requirement.id) {
                continue;
            }
            list.index.insert(requirement.id.clone(), list.requirements.len());
            list.requirements.push((requirement.id.clone(), i));
        }
        list
    }
}

/// How many blocks of a file name each requirement of spec.md, kept
/// across analyses like the lists of [`sparse`](super::sparse): the next
/// analysis compares the file's blocks with those it counted, from both
/// ends, and counts again only the blocks between the first and last
/// difference. requirement-coverage asks whether each requirement is
/// named at all: a keystroke need not look at the 1600 blocks naming one.
#[derive(Default)]
pub(crate) struct RequirementCounts {
    state: Mutex<Option<Arc<Counted>>>,
}

/// The counts for one version of spec.md.
#[derive(Clone)]
pub(crate) struct Counted {
    spec: Weak<SpecDoc>,
    /// The spec's requirements, kept with it.
    pub list: Arc<RequirementList>,
    /// The blocks of the file when last counted.
    scans: Vec<Weak<BlockScan>>,
    /// The blocks naming requirements (indices into `scans`), in order,
    /// with the requirements (indices into the list) each names.
    named: Vec<(u32, Box<[u32]>)>,
    /// Per requirement of the list, how many times those blocks name it.
    counts: Vec<u32>,
}

impl Counted {
    /// Whether some block names requirement `i` of the list.
    pub fn is_named(&self, i: usize) -> bool {
        self.counts[i] > 0
    }

    fn fresh(spec: &Arc<SpecDoc>) -> Self {
        let list = Arc::new(RequirementList::of(spec));
        let counts = vec![0; list.requirements.len()];
        Counted { spec: Arc::downgrade(spec), list, scans: Vec::new(), named: Vec::new(), counts }
    }

    /// Bring the counts to `blocks`; `named` answers which requirements a
    /// block that names some (see [`names_requirements`]) names.
    fn update(
        &mut self,
        blocks: &[ScannedBlock],
        named: impl Fn(&ScannedBlock, &RequirementList) -> Vec<u32>,
    ) {
        let (old_len, new_len) = (self.scans.len(), blocks.len());
        let Some((prefix, old_end, new_end)) =
            changed_range(old_len, new_len, |old, new| same(&self.scans[old], &blocks[new].scan))
        else {
            return;
        };
        let start = self.named.partition_point(|&(block, _)| (block as usize) < prefix);
        let end = self.named.partition_point(|&(block, _)| (block as usize) < old_end);
        for (_, requirements) in &self.named[start..end] {
            for &i in requirements.iter() {
                self.counts[i as usize] -= 1;
            }
        }
        let between: Vec<(u32, Box<[u32]>)> = (prefix..new_end)
            .filter(|&b| names_requirements(&blocks[b].scan))
            .map(|b| (b as u32, named(&blocks[b], &self.list).into_boxed_slice()))
            .collect();
        for (_, requirements) in &between {
            for &i in requirements.iter() {
                self.counts[i as usize] += 1;
            }
        }
        let after = start + between.len();
        self.named.splice(start..end, between);
        for (block, _) in &mut self.named[after..] {
            *block = (*block as usize + new_len - old_len) as u32;
        }
        self.scans.splice(prefix..old_end, blocks[prefix..new_end].iter().map(|b| Arc::downgrade(&b.scan)));
    }
}

impl RequirementCounts {
    /// The counts of `blocks` for `spec`: the last analysis's brought up
    /// to date when they were for the same spec.
    pub fn of(
        &self,
        blocks: &BlockList,
        spec: &Arc<SpecDoc>,
        named: impl Fn(&ScannedBlock, &RequirementList) -> Vec<u32>,
    ) -> Arc<Counted> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = state.take().filter(|counted| same(&counted.spec, spec));
        // Unshared once the last analysis is over: updated in place.
        let mut counted = kept.unwrap_or_else(|| Arc::new(Counted::fresh(spec)));
        Arc::make_mut(&mut counted).update(blocks.blocks(), named);
        *state = Some(counted.clone());
        counted
    }
}
