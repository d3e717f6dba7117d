//! Which names a task may name, found from its words instead of by trying
//! every name.
//!
//! Matching every task against every operation, event, contract file and
//! entity costs tasks × names (a 50k-task file against 500 entities and
//! 500 operations: most of a first analysis). Each way of naming has a
//! necessary condition that one word or identifier of the task meets:
//! a phrase's first word or its joined form is among the task's words, an
//! identifier's first run of letters and digits among its identifiers, a
//! scattered word is equal to a task word or shares its first six bytes,
//! a path has a form with as many segments and the same literal segment
//! at the place where the form's rarest literal segment is. The
//! index maps those keys to slots (a contract file, an operation, an
//! event, an entity); a task looks up its own words and identifiers, and
//! only the slots found are checked, by the same functions as before. So
//! the answers are those of trying every name, in linear time.

use std::collections::HashMap;

use super::matching::{LowerIdentifier, Phrase, TaskText};

/// Bytes of a shared prefix that can make two different words the same
/// ([`super::matching`]'s `same_word`).
const PREFIX: usize = 6;

/// Keys of names to the slots they belong to; see the module comment.
#[derive(Default)]
pub(crate) struct NameIndex {
    /// Stemmed words (a phrase's first word or joined form, a keyword, a
    /// scattered word).
    words: HashMap<Box<str>, Vec<u32>>,
    /// The first [`PREFIX`] bytes of scattered words that long.
    prefixes: HashMap<[u8; PREFIX], Vec<u32>>,
    /// The first run of an identifier.
    identifiers: HashMap<Box<str>, Vec<u32>>,
    /// Path forms and their slots, until [`NameIndex::finish`] keys them.
    forms: Vec<(Vec<Box<str>>, u32)>,
    /// A path form by its segment count, and the place and text of its
    /// rarest literal segment (among all forms): `/api/items7/{}` under
    /// `(4, 2, "items7")`, not under `api`, which every form has.
    paths: HashMap<(usize, usize, Box<str>), Vec<u32>>,
    /// Forms made of parameters only, by segment count.
    parameter_paths: HashMap<usize, Vec<u32>>,
    /// Slots with a name no key stands for: always checked.
    always: Vec<u32>,
}

fn add<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<u32>>, key: K, slot: u32) {
    let slots = map.entry(key).or_default();
    if slots.last() != Some(&slot) {
        slots.push(slot);
    }
}

impl NameIndex {
    /// `slot` may be named when a task [`names`](TaskText::names) `phrase`.
    pub fn phrase(&mut self, phrase: &Phrase, slot: u32) {
        match phrase.name_keys() {
            Some(keys) => keys.for_each(|key| add(&mut self.words, key.into(), slot)),
            None => self.always.push(slot),
        }
    }

    /// `slot` may be named when `phrase` is [`scattered in`](Phrase::scattered_in)
    /// a task.
    pub fn scattered(&mut self, phrase: &Phrase, slot: u32) {
        for word in phrase.scatter_words() {
            self.word(word, slot);
            if let Some(prefix) = prefix(word) {
                add(&mut self.prefixes, prefix, slot);
            }
        }
    }

    /// `slot` may be named when a task's words hold `word`.
    pub fn word(&mut self, word: &str, slot: u32) {
        add(&mut self.words, word.into(), slot);
    }

    /// `slot` may be named when a task
    /// [`has the identifier`](TaskText::has_identifier).
    pub fn identifier(&mut self, identifier: &LowerIdentifier, slot: u32) {
        match identifier.first_run() {
            Some(run) => add(&mut self.identifiers, run.into(), slot),
            None => self.always.push(slot),
        }
    }

    /// `slot` may be named when a task writes a path matching one of
    /// `forms` (normalised paths, `{}` for a parameter).
    pub fn path_forms(&mut self, forms: &[String], slot: u32) {
        self.forms.extend(forms.iter().map(|form| (segments(form), slot)));
    }

    /// Key the path forms, once all are known.
    pub fn finish(mut self) -> Self {
        let mut counts: HashMap<(usize, usize, &str), usize> = HashMap::new();
        for (form, _) in &self.forms {
            for (at, segment) in literal_segments(form) {
                *counts.entry((form.len(), at, segment)).or_default() += 1;
            }
        }
        for (form, slot) in &self.forms {
            let rarest =
                literal_segments(form).min_by_key(|&(at, segment)| counts[&(form.len(), at, segment)]);
            match rarest {
                Some((at, segment)) => add(&mut self.paths, (form.len(), at, segment.into()), *slot),
                None => add(&mut self.parameter_paths, form.len(), *slot),
            }
        }
        self.forms = Vec::new();
        self
    }

    /// The slots `task` may name, in increasing order, each once.
    pub fn candidates(&self, task: &TaskText) -> Vec<u32> {
        let mut slots = self.always.clone();
        let mut take = |found: Option<&Vec<u32>>| slots.extend(found.into_iter().flatten());
        for word in task.words.iter() {
            take(self.words.get(word));
            if let Some(prefix) = prefix(word) {
                take(self.prefixes.get(&prefix));
            }
        }
        for identifier in task.identifiers() {
            take(self.identifiers.get(identifier));
        }
        for endpoint in &task.endpoints {
            let written = segments(&endpoint.path);
            let count = written.len();
            take(self.parameter_paths.get(&count));
            for (at, segment) in written.into_iter().enumerate() {
                take(self.paths.get(&(count, at, segment)));
            }
        }
        slots.sort_unstable();
        slots.dedup();
        slots
    }
}

fn prefix(word: &str) -> Option<[u8; PREFIX]> {
    word.as_bytes().get(..PREFIX)?.try_into().ok()
}

/// A path's segments as `path_matches` splits it (at every `/`, so a
/// leading `/` gives an empty first part).
fn segments(path: &str) -> Vec<Box<str>> {
    path.split('/').map(Box::from).collect()
}

/// The places and texts of a form's segments that are not a parameter
/// (`{}` matches any written segment).
fn literal_segments(form: &[Box<str>]) -> impl Iterator<Item = (usize, &str)> {
    form.iter().enumerate().filter(|(_, s)| &***s != "{}").map(|(at, s)| (at, &**s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_keyed_by_their_rarest_literal_segment() {
        let mut index = NameIndex::default();
        index.path_forms(&["/api/items1/{}".into(), "/items1/{}".into()], 0);
        index.path_forms(&["/api/items2/{}".into(), "/{}/{}".into()], 1);
        let index = index.finish();
        assert_eq!(index.paths.get(&(4, 2, "items1".into())), Some(&vec![0]));
        assert_eq!(index.paths.get(&(3, 1, "items1".into())), Some(&vec![0]));
        assert_eq!(index.paths.get(&(4, 1, "api".into())), None);
        // The empty part before the leading `/` is a literal segment too.
        assert_eq!(index.paths.get(&(3, 0, "".into())), Some(&vec![1]));
        let task = TaskText::of_text("GET /api/items2/7 and /x/y");
        assert_eq!(index.candidates(&task), [1]);
    }

    #[test]
    fn prefixes_need_six_bytes() {
        assert_eq!(prefix("extract"), Some(*b"extrac"));
        assert_eq!(prefix("user"), None);
    }
}
