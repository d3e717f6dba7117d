//! How the coverage rules decide that a task "names" something: a
//! contract, an endpoint, an entity or a gate.
//!
//! Names are compared as sequences of words, so `JobOffer`, `job_offer`,
//! `job-offer`, `Job offer` and `src/models/job_offer.py` all name the
//! entity `JobOffer`, and plurals (`users`, `categories`) name their
//! singular. Endpoints are compared as `METHOD /path` with path parameters
//! (`{id}`, `:id`, `<id>`) and trailing slashes normalised and an `/api` or
//! version prefix allowed on either side. Contract files are named by
//! their file name, stem, subject and the identifiers they define
//! ([`ContractNames`]).

use super::concerns::concerns_in;
use super::name_index::NameIndex;
use crate::analysis::facts::{BlockFacts, text_hash};
use crate::model::contracts::{ContractDoc, ContractKind, Operation};
use crate::model::feature::FeatureFile;
use crate::model::scan::{BlockScan, MentionKind, boxed};
use crate::model::tasks::{Phase, PhaseKind, SubsectionKind, Task, TasksDoc};
use crate::text::is_lowercase_of;

const HTTP_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// What one task says, prepared for matching: its line and detail lines.
/// Built only when a task's [`TaskHits`](super::coverage::TaskHits) are
/// computed, which a re-analysis does for edited tasks alone.
pub(crate) struct TaskText {
    /// The text, lower-cased, markup kept (for identifiers and non-ASCII
    /// names).
    pub lower: String,
    /// Stemmed lower-case words.
    pub words: Words,
    /// Every `METHOD /path` or bare `/path` the text names.
    pub endpoints: Vec<EndpointRef>,
    /// Runs of letters, digits and `_` of `lower` (byte ranges of it),
    /// sorted by their text, each once: a name made of those alone is in
    /// the text as an identifier exactly when it is one of them
    /// ([`TaskText::has_identifier`]). Ranges, not copies: a copy per run
    /// of every task was a tenth of a bulk check's allocations.
    identifiers: Vec<(usize, usize)>,
}

impl TaskText {
    /// The text of `task`'s line and detail blocks.
    pub fn of(task: &Task) -> Self {
        let mut text = String::from(&*task.block.scan.text);
        for detail in &task.details {
            text.push('\n');
            text.push_str(&detail.scan.text);
        }
        Self::of_text(&text)
    }

    /// The same of any text.
    pub fn of_text(text: &str) -> Self {
        let lower = text.to_lowercase();
        let run = |&(start, end): &(usize, usize)| &lower[start..end];
        let mut identifiers: Vec<(usize, usize)> = lower
            .split(|c: char| !is_identifier_char(c))
            .filter(|w| !w.is_empty())
            .map(|w| {
                let start = w.as_ptr() as usize - lower.as_ptr() as usize;
                (start, start + w.len())
            })
            .collect();
        identifiers.sort_unstable_by(|a, b| run(a).cmp(run(b)));
        identifiers.dedup_by(|a, b| run(a) == run(b));
        TaskText { words: Words::of(text), endpoints: endpoint_refs(text), lower, identifiers }
    }

    /// The text of one of [`TaskText::identifiers`]' ranges.
    fn run(&self, (start, end): (usize, usize)) -> &str {
        &self.lower[start..end]
    }

    /// Whether the task's words contain `phrase`.
    pub fn names(&self, phrase: &Phrase) -> bool {
        phrase.found_in(&self.words, &self.lower)
    }

    /// [`contains_identifier`] of the text and `identifier`, already
    /// lower-cased.
    pub fn has_identifier(&self, identifier: &LowerIdentifier) -> bool {
        if identifier.plain {
            // A match bounded by non-identifier characters, of a name
            // without any, is a whole run.
            let needle = identifier.lower.as_str();
            return self.identifiers.binary_search_by(|&run| self.run(run).cmp(needle)).is_ok();
        }
        contains_lower_identifier(&self.lower, &identifier.lower)
    }

    /// Runs of letters, digits and `_` of the lower-cased text, sorted,
    /// each once.
    pub fn identifiers(&self) -> impl Iterator<Item = &str> {
        self.identifiers.iter().map(|&run| self.run(run))
    }
}

/// A name looked for as an identifier, lower-cased once.
pub(crate) struct LowerIdentifier {
    lower: String,
    /// Made of letters, digits and `_` only.
    plain: bool,
}

impl LowerIdentifier {
    pub fn of(identifier: &str) -> Self {
        let lower = identifier.to_lowercase();
        let plain = lower.chars().all(is_identifier_char);
        LowerIdentifier { lower, plain }
    }

    /// Its first run of letters, digits and `_`: whole in the text of any
    /// task that [has the identifier](TaskText::has_identifier), since a
    /// match is bounded by non-identifier characters on both sides (the
    /// [`NameIndex`](super::name_index::NameIndex)'s key). `None` when it
    /// has none.
    pub fn first_run(&self) -> Option<&str> {
        self.lower.split(|c: char| !is_identifier_char(c)).find(|run| !run.is_empty())
    }
}

fn is_identifier_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The ways a task can name one operation of a contract, prepared once per
/// analysis.
pub(crate) struct OperationNames {
    /// [`path_forms`] of its path.
    forms: Vec<String>,
    method: Box<str>,
    id: Option<LowerIdentifier>,
    /// The words of the path's last segment ([`last_segment_phrase`]).
    last_segment: Option<Phrase>,
}

impl OperationNames {
    pub fn of(contract: &ContractDoc, operation: &Operation) -> Self {
        OperationNames {
            forms: path_forms(&operation.path, contract.base_path.as_deref()),
            method: operation.method.clone(),
            id: operation.operation_id.as_deref().map(LowerIdentifier::of),
            last_segment: last_segment_phrase(&operation.path),
        }
    }

    /// Whether `task` names the operation: by `METHOD /path`, by a bare
    /// path, by its operationId, or by the words of its path's last
    /// segment when there are two or more.
    pub fn named_by(&self, task: &TaskText) -> bool {
        let by_path = task.endpoints.iter().any(|e| {
            self.forms.iter().any(|f| path_matches(f, &e.path))
                && e.methods.as_ref().is_none_or(|m| m.iter().any(|m| **m == *self.method))
        });
        by_path
            || self.id.as_ref().is_some_and(|id| task.has_identifier(id))
            || self.last_segment.as_ref().is_some_and(|p| task.names(p))
    }

    /// Index what [`OperationNames::named_by`] looks for, under `slot`.
    pub fn index(&self, index: &mut NameIndex, slot: u32) {
        index.path_forms(&self.forms, slot);
        if let Some(id) = &self.id {
            index.identifier(id, slot);
        }
        if let Some(phrase) = &self.last_segment {
            index.phrase(phrase, slot);
        }
    }
}

/// What one block says for the coverage rules, kept in its facts.
pub(crate) struct BlockSignals {
    summary: SignalSummary,
    /// The hashes ([`text_hash`]) of its paths, lower-cased: a new test
    /// file must not take one. The paths are the scan's
    /// ([`BlockSignals::names_path`]), not copied.
    pub path_hashes: Box<[u32]>,
}

/// Whether a block's task writes tests or speaks of contracts, and which
/// constitution concerns it works on. [`TaskKind`] adds what the task's
/// section says.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SignalSummary {
    /// Paths it names.
    paths: u32,
    /// Of those, test files.
    test_paths: u32,
    /// Says "contract".
    says_contract: bool,
    /// A task line whose description says "test" anywhere, or in its
    /// first five words.
    says_test: bool,
    leads_with_test: bool,
    /// Bit `i` set: the block has a word of concern `i`'s tasks
    /// ([`super::concerns::concerns_in`]).
    concerns: u16,
    /// The hash of its first path, lower-cased ([`text_hash`]).
    pub first_path: u32,
}

impl SignalSummary {
    pub fn paths(self) -> usize {
        self.paths as usize
    }

    pub fn concerns(self) -> u16 {
        self.concerns
    }
}

impl BlockSignals {
    pub fn of(scan: &BlockScan) -> &BlockSignals {
        Self::of_facts(BlockFacts::of(scan), scan)
    }

    /// The signals of `scan`, whose facts are `facts`.
    pub fn of_facts<'f>(facts: &'f BlockFacts, scan: &BlockScan) -> &'f BlockSignals {
        &facts.texts(scan).signals
    }

    /// The signals of `scan`, computed.
    pub(super) fn compute(scan: &BlockScan) -> BlockSignals {
        let paths: Vec<&str> = scan
            .mentions
            .iter()
            .filter_map(|m| match &m.kind {
                MentionKind::Path { path } => Some(&**path),
                _ => None,
            })
            .collect();
        let lower = scan.text.to_lowercase();
        let description = || scan.task.iter().flat_map(|line| word_runs(&line.description));
        let is_test_word = |w: &str| TEST_WORDS.iter().any(|t| is_lowercase_of(t, w));
        let path_hashes: Vec<u32> = paths.iter().map(|p| text_hash(&p.to_lowercase())).collect();
        let summary = SignalSummary {
            paths: paths.len() as u32,
            test_paths: paths.iter().filter(|p| is_test_path(p)).count() as u32,
            says_contract: lower.contains("contract"),
            says_test: description().any(is_test_word),
            leads_with_test: description().take(5).any(is_test_word),
            concerns: concerns_in(&lower),
            first_path: path_hashes.first().copied().unwrap_or(0),
        };
        BlockSignals { summary, path_hashes: boxed(path_hashes) }
    }

    pub fn summary(&self) -> SignalSummary {
        self.summary
    }

    /// Whether `scan`, whose signals these are, names `lower` (a
    /// lower-cased path).
    pub fn names_path(&self, scan: &BlockScan, lower: &str) -> bool {
        let hash = text_hash(lower);
        self.path_hashes.contains(&hash)
            && scan.mentions.iter().any(|m| match &m.kind {
                MentionKind::Path { path } => path.to_lowercase() == lower,
                _ => false,
            })
    }
}

/// What the coverage rules know of a task's kind of work.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TaskKind {
    /// Writes or changes a test: in a tests phase or subsection, touches a
    /// test file, or says "test".
    pub test: bool,
    /// Implementation work: not in a tests section and not a task whose
    /// description or files are about tests.
    pub implementation: bool,
    /// Speaks of contracts: says "contract", or sits in a phase or
    /// subsection whose title does.
    pub contract: bool,
}

impl TaskKind {
    /// The kind of a task, from the signals of its blocks and its section.
    pub fn of(signals: TaskSignals, section: Section) -> TaskKind {
        let TaskSignals { line, paths, test_paths, says_contract } = signals;
        let context = section.tests;
        let only_test_files = test_paths > 0 && test_paths == paths;
        TaskKind {
            test: context || test_paths > 0 || line.says_test,
            implementation: !(context || line.leads_with_test || only_test_files),
            contract: says_contract || section.contract,
        }
    }
}

/// What a task's place in tasks.md says of its kind of work.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Section {
    /// Under a tests subsection, or in a tests phase outside its
    /// implementation subsections.
    pub tests: bool,
    /// The phase or subsection title says "contract".
    pub contract: bool,
}

/// A run of tasks that sit in one section: `first..first + len`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct SectionRun {
    first: u32,
    len: u32,
    section: Section,
}

impl Section {
    /// The sections of `phase`'s tasks: outside its subsections, then in
    /// each of its subsections.
    fn of_phase(phase: &Phase) -> impl Iterator<Item = Section> + '_ {
        let phase_tests = phase.kind == PhaseKind::Tests;
        let phase_contract = says_contract(&phase.title);
        let subsections = phase.subsections.iter().map(move |sub| Section {
            tests: match sub.kind {
                SubsectionKind::Tests => true,
                SubsectionKind::Implementation => false,
                _ => phase_tests,
            },
            contract: phase_contract || says_contract(&sub.title),
        });
        std::iter::once(Section { tests: phase_tests, contract: phase_contract }).chain(subsections)
    }

    /// Where the tasks of `doc` sit, as runs in the order they apply: per
    /// phase, its tasks outside subsections, then each subsection's (a
    /// later run overrides an earlier one). `None` when some phase or
    /// subsection's tasks are not one run.
    pub fn runs(doc: &TasksDoc) -> Option<Vec<SectionRun>> {
        let mut runs = Vec::with_capacity(3 * doc.phases.len());
        for phase in &doc.phases {
            let lists = std::iter::once(&phase.tasks).chain(phase.subsections.iter().map(|s| &s.tasks));
            for (tasks, section) in lists.zip(Section::of_phase(phase)) {
                let (Some(&first), Some(&last)) = (tasks.first(), tasks.last()) else { continue };
                if last.checked_sub(first) != Some(tasks.len() - 1) {
                    return None;
                }
                runs.push(SectionRun { first: first as u32, len: tasks.len() as u32, section });
            }
        }
        Some(runs)
    }

    /// The section of every task of `doc`, in order, from its `runs`
    /// ([`Section::runs`]) when it has them, else from the phases' lists
    /// of tasks; without reading the tasks.
    pub fn of_tasks(doc: &TasksDoc, runs: Option<&[SectionRun]>) -> Vec<Section> {
        let mut sections = vec![Section::default(); doc.tasks.len()];
        if let Some(runs) = runs {
            for run in runs {
                let first = run.first as usize;
                sections[first..first + run.len as usize].fill(run.section);
            }
            return sections;
        }
        for phase in &doc.phases {
            let lists = std::iter::once(&phase.tasks).chain(phase.subsections.iter().map(|s| &s.tasks));
            for (tasks, section) in lists.zip(Section::of_phase(phase)) {
                for &task in tasks.iter() {
                    sections[task] = section;
                }
            }
        }
        sections
    }
}

/// The signals of a task's line, with the paths and words of its details
/// added.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TaskSignals {
    line: SignalSummary,
    paths: u32,
    test_paths: u32,
    says_contract: bool,
}

impl TaskSignals {
    pub fn of(line: SignalSummary, details: impl Iterator<Item = SignalSummary>) -> Self {
        let mut signals = TaskSignals {
            line,
            paths: line.paths,
            test_paths: line.test_paths,
            says_contract: line.says_contract,
        };
        for detail in details {
            signals.paths += detail.paths;
            signals.test_paths += detail.test_paths;
            signals.says_contract |= detail.says_contract;
        }
        signals
    }
}

/// Whether `title` holds "contract" in any case. Compared byte by byte,
/// without lower-casing a copy (once per section and keystroke): no other
/// character lower-cases to one of its ASCII letters. Only where a `c` or
/// `C` starts, found by `memchr`: most titles have few or none.
fn says_contract(title: &str) -> bool {
    let bytes = title.as_bytes();
    let word = b"contract";
    memchr::memchr2_iter(b'c', b'C', bytes)
        .any(|at| bytes.get(at..at + word.len()).is_some_and(|w| w.eq_ignore_ascii_case(word)))
}

const TEST_WORDS: &[&str] = &["test", "tests", "testing", "e2e", "tdd"];

/// `tests/contract/test_users.py`, `src/__tests__/x.ts`, `a.spec.ts`,
/// `UserServiceTests.cs`, `user_test.go`.
pub(crate) fn is_test_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let mut segments: Vec<&str> = lower.split('/').filter(|s| !s.is_empty()).collect();
    let Some(file) = segments.pop() else { return false };
    if segments
        .iter()
        .any(|s| matches!(*s, "test" | "tests" | "__tests__" | "testing" | "e2e" | "spec" | "androidtest"))
    {
        return true;
    }
    let original = path.rsplit('/').next().unwrap_or(path);
    let stem = original.split('.').next().unwrap_or(original);
    file.starts_with("test_")
        || file.starts_with("test-")
        || [".test.", ".spec.", "_test.", "-test.", "_spec.", ".tests."].iter().any(|m| file.contains(m))
        || ["Test", "Tests", "Spec"].iter().any(|s| stem.len() > s.len() && stem.ends_with(s))
        || file == "tests"
        || file == "test"
}

/// Words to look for, in order: a name split into its parts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Phrase {
    words: Vec<String>,
    /// All words are ASCII (other scripts are looked for as text).
    ascii: bool,
    /// Two words or more written together, stemmed: `joboffer`.
    joined: Option<String>,
}

impl Phrase {
    fn from_words(words: Vec<String>) -> Phrase {
        let ascii = words.iter().all(|w| w.is_ascii());
        let joined = (words.len() > 1).then(|| stem(&words.concat()));
        Phrase { words, ascii, joined }
    }

    /// The phrase of a name; `None` when it has no words.
    pub fn of(name: &str) -> Option<Phrase> {
        let words = words(name);
        (!words.is_empty()).then(|| Phrase::from_words(words))
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Words a task holds whenever it [`names`](TaskText::names) the
    /// phrase: its first word, or its words joined; `None` for a phrase
    /// looked for as text (not ASCII).
    pub fn name_keys(&self) -> Option<impl Iterator<Item = &str>> {
        let first = self.words.first().filter(|_| self.ascii)?;
        Some(std::iter::once(first.as_str()).chain(self.joined.as_deref()))
    }

    /// The words one of which meets a task's word whenever the phrase is
    /// [`scattered in`](Phrase::scattered_in) it (none: it never is).
    pub fn scatter_words(&self) -> &[String] {
        if self.ascii { &self.words } else { &[] }
    }

    /// The phrase without a trailing generic word (`Entity`, `Table`,
    /// `Model`, ...), when something is left.
    pub fn without_suffix(&self, generic: &[&str]) -> Option<Phrase> {
        let (last, rest) = self.words.split_last()?;
        (!rest.is_empty() && generic.contains(&last.as_str())).then(|| Phrase::from_words(rest.to_vec()))
    }

    /// Whether one task holds the phrase's words in any order, a word
    /// also meeting its derived forms (`extraction` / `extracts`,
    /// `approve` / `approval`); with three words or more, one may be
    /// missing (`status codes` for `InteropStatusCode`).
    pub fn scattered_in(&self, task: &TaskText) -> bool {
        let n = self.words.len();
        if !self.ascii {
            return false;
        }
        let found = self.words.iter().filter(|w| task.words.iter().any(|t| same_word(w, t))).count();
        found == n || (n >= 3 && found + 1 >= n)
    }

    fn found_in(&self, words: &Words, lower: &str) -> bool {
        if !self.ascii {
            // CJK and other scripts do not separate words with spaces: look
            // for the name itself.
            return self.words.iter().all(|w| lower.contains(w.as_str()));
        }
        if words.holds_sequence(&self.words) {
            return true;
        }
        // `joboffers`, `JOBOFFER`: the words written together.
        self.joined.as_ref().is_some_and(|joined| words.contains(joined))
    }
}

/// Words that are the same or derived from one stem: a shared prefix of
/// at least six letters that leaves at most two letters of the shorter.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let common = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count();
    common >= 6 && common + 2 >= a.len().min(b.len())
}

/// Stemmed lower-case words of `text`: runs of letters and digits, split
/// at camel-case boundaries (`STTStatus` gives `stt`, `status`).
pub(crate) fn words(text: &str) -> Vec<String> {
    Words::of(text).iter().map(str::to_string).collect()
}

/// The stemmed lower-case words of a text ([`words`]) in one string: a
/// string per word of every task was the biggest source of a bulk
/// check's allocations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Words {
    text: String,
    /// Each word's byte range in `text`, in order.
    ranges: Vec<(usize, usize)>,
}

impl Words {
    pub fn of(text: &str) -> Words {
        let mut words = Words::default();
        for run in word_runs(text) {
            let start = words.text.len();
            if run.is_ascii() {
                words.text.extend(run.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                // `str::to_lowercase` knows a word-final sigma; a
                // character alone does not.
                words.text.push_str(&run.to_lowercase());
            }
            stem_tail(&mut words.text, start);
            words.ranges.push((start, words.text.len()));
        }
        words
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.ranges.iter().map(|&(start, end)| &self.text[start..end])
    }

    pub fn contains(&self, word: &str) -> bool {
        self.iter().any(|w| w == word)
    }

    /// Whether `sequence` comes in order, one word after another.
    fn holds_sequence(&self, sequence: &[String]) -> bool {
        let word = |&(start, end): &(usize, usize)| &self.text[start..end];
        !sequence.is_empty()
            && self.ranges.windows(sequence.len()).any(|window| window.iter().map(word).eq(sequence))
    }
}

/// Lower-case words of `text`, not stemmed.
pub(crate) fn words_of(text: &str) -> Vec<String> {
    word_runs(text).map(str::to_lowercase).collect()
}

/// The words of [`words_of`] as written, not lower-cased: for questions
/// that need no copy of each word.
fn word_runs(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|run| !run.is_empty()).flat_map(camel_parts)
}

/// A run of letters and digits split at camel-case boundaries, by byte
/// offsets into the run.
fn camel_parts(run: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    let mut chars = run.char_indices().peekable();
    let mut prev: Option<char> = None;
    std::iter::from_fn(move || {
        while let Some((i, cur)) = chars.next() {
            let before = prev.replace(cur);
            let Some(before) = before else { continue };
            let next_lower = chars.peek().is_some_and(|(_, c)| c.is_lowercase());
            let boundary = (before.is_lowercase() && cur.is_uppercase())
                || (before.is_uppercase() && cur.is_uppercase() && next_lower);
            if boundary {
                let part = &run[start..i];
                start = i;
                return Some(part);
            }
        }
        (start < run.len()).then(|| std::mem::replace(&mut start, run.len())).map(|from| &run[from..])
    })
}

/// The singular of an English plural, roughly: enough to make `users`,
/// `categories` and `addresses` meet `user`, `category`, `address`.
pub(crate) fn stem(word: &str) -> String {
    let mut word = word.to_string();
    stem_tail(&mut word, 0);
    word
}

/// [`stem`] of the word that makes up `text` from byte `start` on.
fn stem_tail(text: &mut String, start: usize) {
    let word = &text[start..];
    let n = word.len();
    if !word.is_ascii() {
        return;
    }
    let end = text.len();
    if n > 4 && word.ends_with("ies") {
        text.truncate(end - 3);
        text.push('y');
    } else if n > 4 && ["sses", "xes", "ches", "shes", "zes"].iter().any(|s| word.ends_with(s)) {
        text.truncate(end - 2);
    } else if n > 3 && word.ends_with('s') && !["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        text.truncate(end - 1);
    }
}

/// Whether `text` (lower-cased) holds `identifier` as a whole identifier.
#[cfg(test)]
pub(crate) fn contains_identifier(text: &str, identifier: &str) -> bool {
    contains_lower_identifier(text, &identifier.to_lowercase())
}

/// [`contains_identifier`] with the identifier already lower-cased.
fn contains_lower_identifier(text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    let is_ident = is_identifier_char;
    text.match_indices(needle).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// An endpoint a text names: `POST /api/users`, `GET/POST /tasks`, or a
/// bare `/api/users` (any method).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct EndpointRef {
    /// Upper-case methods written right before the path; `None` for a bare
    /// path or one after another word (`WebSocket /stream`).
    pub methods: Option<Vec<String>>,
    /// The normalised path ([`normalize_endpoint_path`]).
    pub path: String,
}

/// Every endpoint path of `text`, with the methods written before it.
pub(crate) fn endpoint_refs(text: &str) -> Vec<EndpointRef> {
    let cleaned: String = text
        .chars()
        .map(|c| if matches!(c, '`' | '*' | '"' | '\'' | '(' | ')' | '[' | ']') { ' ' } else { c })
        .collect();
    let tokens: Vec<&str> = cleaned.split_whitespace().collect();
    let mut out = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let token = token.trim_end_matches([',', '.', ':', ';', '>', '!', '?']).trim_start_matches('<');
        let path = match crate::text::find_short(token, "://") {
            Some(at) => match token[at + 3..].find('/') {
                Some(slash) => &token[at + 3 + slash..],
                None => continue,
            },
            None if token.starts_with('/') && token.len() > 1 => token,
            None => continue,
        };
        let methods = i.checked_sub(1).and_then(|j| methods_in(tokens[j]));
        out.push(EndpointRef { methods, path: normalize_endpoint_path(path) });
    }
    out
}

/// `GET`, `GET/POST`, `get,put`: the HTTP methods a token lists.
fn methods_in(token: &str) -> Option<Vec<String>> {
    let parts: Vec<String> =
        token.split(['/', ',', '|', '&']).filter(|p| !p.is_empty()).map(|p| p.to_ascii_uppercase()).collect();
    (!parts.is_empty() && parts.iter().all(|p| HTTP_METHODS.contains(&p.as_str()))).then_some(parts)
}

/// Lower-case, without query, fragment and trailing slash; parameters
/// (`{id}`, `:id`, `<id>`, `[id]`) become `{}`.
pub(crate) fn normalize_endpoint_path(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let mut out = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        let param = segment.starts_with([':', '{', '<', '[', '$']);
        if param {
            out.push_str("{}");
        } else {
            out.push_str(&segment.to_lowercase());
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The forms of an operation's path a task may write: as is, with or
/// without the contract's base path, and without an `/api` or version
/// prefix.
pub(crate) fn path_forms(path: &str, base: Option<&str>) -> Vec<String> {
    let path = normalize_endpoint_path(path);
    let mut forms = vec![path.clone()];
    if let Some(base) = base.map(normalize_endpoint_path).filter(|b| b != "/") {
        match path.strip_prefix(&base) {
            Some(rest) if rest.starts_with('/') => forms.push(rest.to_string()),
            _ => forms.push(format!("{base}{path}")),
        }
    }
    let bare: Vec<String> = forms.iter().map(|f| strip_api_prefix(f)).collect();
    for form in bare {
        if !forms.contains(&form) {
            forms.push(form.clone());
        }
        for prefix in ["/api", "/api/v1"] {
            let with = format!("{prefix}{form}");
            if !forms.contains(&with) {
                forms.push(with);
            }
        }
    }
    forms
}

/// Whether a text's path is one of the operation's forms: equal segment by
/// segment, a parameter of the operation standing for any one segment
/// (`PUT /settings/discovery_interval` names `PUT /settings/{key}`).
pub(crate) fn path_matches(form: &str, written: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (form.split('/').collect(), written.split('/').collect());
    a.len() == b.len() && a.iter().zip(&b).all(|(f, w)| f == w || *f == "{}")
}

/// The words of a path's last literal segment, when there are two or more
/// (`merge-preview` of `/devices/merge-preview`): "Test merge preview"
/// names that endpoint; one word (`/merge`) says too little.
fn last_segment_phrase(path: &str) -> Option<Phrase> {
    let segment = path
        .split(['?', '#'])
        .next()?
        .split('/')
        .rev()
        .find(|s| !s.is_empty() && !s.starts_with([':', '{', '<', '[', '$']))?;
    Phrase::of(segment).filter(|p| p.len() > 1)
}

/// `/api/v1/users` → `/users`.
fn strip_api_prefix(path: &str) -> String {
    let mut rest = path;
    if let Some(r) = rest.strip_prefix("/api").filter(|r| r.starts_with('/')) {
        rest = r;
    }
    if let Some(after) = rest.strip_prefix("/v") {
        let digits = after.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with('/') {
            rest = &after[digits..];
        }
    }
    rest.to_string()
}

/// Stems that say nothing about which contract a file is.
const GENERIC_STEM_WORDS: &[&str] = &[
    "api",
    "openapi",
    "swagger",
    "asyncapi",
    "contract",
    "contracts",
    "schema",
    "schemas",
    "spec",
    "readme",
    "index",
    "event",
    "events",
    "type",
    "types",
    "interface",
    "interfaces",
    "endpoint",
    "endpoints",
    "rest",
    "http",
    "v1",
    "v2",
    "v3",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "request",
    "response",
    "draft",
];

/// The ways a task can name a contract file.
pub(crate) struct ContractNames {
    file_name: LowerIdentifier,
    /// The stem, a markdown contract's subject, a JSON schema's title,
    /// telling function and heading identifiers (`useDeviceDetection`,
    /// `ConfirmDialogComponent`).
    phrases: Vec<Phrase>,
    /// Telling words of the stem (`communication` of
    /// `post_communication_plan.md`): enough in a task about contracts.
    keywords: Vec<String>,
}

impl ContractNames {
    pub fn of(file: &FeatureFile, contract: &ContractDoc) -> Self {
        let file_name = file.rel.rsplit('/').next().unwrap_or(&file.rel).to_string();
        let base = file_name.split('.').next().unwrap_or("");
        let mut phrases = Vec::new();
        // `sync_pack_options_contract` is about `sync pack options`.
        let generic = |w: &String| GENERIC_STEM_WORDS.contains(&w.as_str());
        let mut stem_words = words_of(base);
        while stem_words.last().is_some_and(generic) {
            stem_words.pop();
        }
        let lead = stem_words.iter().take_while(|w| generic(w)).count();
        let stem_words = &stem_words[lead..];
        if !stem_words.is_empty() {
            phrases.push(Phrase::from_words(stem_words.iter().map(|w| stem(w)).collect()));
        }
        let mut keywords: Vec<String> =
            stem_words.iter().filter(|w| w.len() >= 3 && !generic(w)).map(|w| stem(w)).collect();
        keywords.dedup();
        phrases.extend(contract.subject.as_deref().and_then(Phrase::of));
        if contract.kind == ContractKind::JsonSchema {
            phrases.extend(contract.title.as_deref().and_then(Phrase::of));
        }
        // Functions and headed identifiers with a telling name
        // (`useDeviceDetection`, not `open`).
        let telling = |p: &Phrase| p.len() > 1;
        phrases.extend(contract.functions.iter().filter_map(|f| Phrase::of(&f.name)).filter(telling));
        phrases.extend(heading_identifiers(file).iter().filter_map(|i| Phrase::of(i)).filter(telling));
        ContractNames { file_name: LowerIdentifier::of(&file_name), phrases, keywords }
    }

    /// What `task`'s text says of the file; [`FileSignal::naming`] adds
    /// what its section says.
    pub fn signal(&self, task: &TaskText) -> FileSignal {
        FileSignal {
            strong: task.has_identifier(&self.file_name)
                || self.phrases.iter().any(|p| p.len() > 1 && task.names(p)),
            one_word: self.phrases.iter().any(|p| p.len() == 1 && task.names(p)),
            keywords: self.keywords.iter().filter(|k| task.words.contains(k)).count(),
        }
    }

    /// Index what gives a [`FileSignal`] ([`ContractNames::signal`]),
    /// under `slot`.
    pub fn index(&self, index: &mut NameIndex, slot: u32) {
        index.identifier(&self.file_name, slot);
        for phrase in &self.phrases {
            index.phrase(phrase, slot);
        }
        for keyword in &self.keywords {
            index.word(keyword, slot);
        }
    }
}

/// What a task's text says of a contract file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct FileSignal {
    /// Its file name, or a name of two words or more.
    strong: bool,
    /// A one-word name.
    one_word: bool,
    /// How many telling words of its stem.
    keywords: usize,
}

impl FileSignal {
    /// Whether it says anything at all.
    pub fn is_some(self) -> bool {
        self != FileSignal::default()
    }

    /// Whether the task names the file, and how clearly; `contract`: the
    /// task speaks of contracts. The file name or a name of two words or
    /// more (`jira browser`) is strong. A one-word name (`users` of
    /// `users.yaml`) or one word of the stem in a task that speaks of
    /// contracts, or two words of the stem in any task
    /// (`attachOptionsToPack` for `sync_pack_options_contract.md`), is
    /// weak: enough for a file that defines no operations or events.
    pub fn naming(self, contract: bool) -> Naming {
        if self.strong {
            Naming::Strong
        } else if (contract && (self.one_word || self.keywords > 0)) || self.keywords >= 2 {
            Naming::Weak
        } else {
            Naming::None
        }
    }

    /// Named strongly, or weakly when `weak_is_enough`.
    pub fn named_by(self, contract: bool, weak_is_enough: bool) -> bool {
        match self.naming(contract) {
            Naming::Strong => true,
            Naming::Weak => weak_is_enough,
            Naming::None => false,
        }
    }
}

/// The ways a task can name an event: by its full name, or by the words of
/// its name or of its last dotted segment (`SchoolCreated` of
/// `lms.roster.v1.SchoolCreated`) when there are two or more.
pub(crate) struct EventNames {
    name: LowerIdentifier,
    phrases: Vec<Phrase>,
}

impl EventNames {
    pub fn of(name: &str) -> Self {
        let last = name.rsplit('.').next().unwrap_or(name);
        let phrases = [name, last].iter().filter_map(|n| Phrase::of(n)).filter(|p| p.len() > 1).collect();
        EventNames { name: LowerIdentifier::of(name), phrases }
    }

    pub fn named_by(&self, task: &TaskText) -> bool {
        task.has_identifier(&self.name) || self.phrases.iter().any(|p| task.names(p))
    }

    /// Index what [`EventNames::named_by`] looks for, under `slot`.
    pub fn index(&self, index: &mut NameIndex, slot: u32) {
        index.identifier(&self.name, slot);
        for phrase in &self.phrases {
            index.phrase(phrase, slot);
        }
    }
}

/// How clearly a task names a contract file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Naming {
    None,
    Weak,
    Strong,
}

/// Identifiers that headings of a markdown contract define: a heading's
/// code span or CamelCase / snake_case word (`` ## 1. `ConfirmDialogComponent` ``).
fn heading_identifiers(file: &FeatureFile) -> Vec<String> {
    let Some(blocks) = file.blocks.as_deref() else { return Vec::new() };
    let mut out = Vec::new();
    for heading in blocks.iter().filter_map(|b| b.scan.heading.as_ref()) {
        for token in heading.title.split_whitespace() {
            let token = token.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
            let shaped = token.contains('_')
                || token.chars().skip(1).any(char::is_uppercase) && token.chars().any(char::is_lowercase);
            if shaped && token.chars().all(|c| c.is_alphanumeric() || c == '_') {
                out.push(token.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_say_contract_in_any_case_and_script() {
        for title in [
            "Contract Tests",
            "CONTRACTS",
            "API contracts (OpenAPI)",
            "Phase 3.2: Tests — contract",
            "Вход: Contract",
            "ccContract",
        ] {
            assert!(says_contract(title), "{title}");
            assert_eq!(says_contract(title), title.to_lowercase().contains("contract"));
        }
        for title in ["Tests First", "Contra ct", "", "Integration", "Kontrakt", "contrac", "c"] {
            assert!(!says_contract(title), "{title}");
        }
    }

    #[test]
    fn words_split_case_and_separators() {
        assert_eq!(
            words_of("STTStatus job_offer-Item useLLMStore v1 test2"),
            ["stt", "status", "job", "offer", "item", "use", "llm", "store", "v1", "test2"]
        );
        assert_eq!(words("Users categories addresses status"), ["user", "category", "address", "status"]);
    }

    #[test]
    fn phrases_match_forms_and_plurals() {
        let text = "Create src/models/job_offer.py and the JOBOFFERS table for users";
        let (w, l) = (Words::of(text), text.to_lowercase());
        assert!(Phrase::of("JobOffer").unwrap().found_in(&w, &l));
        assert!(Phrase::of("User").unwrap().found_in(&w, &l));
        assert!(!Phrase::of("UserProfile").unwrap().found_in(&w, &l));
        let text = "依存関係チェック項目を実装";
        assert!(Phrase::of("依存関係チェック項目").unwrap().found_in(&Words::of(text), &text.to_lowercase()));
    }

    #[test]
    fn words_in_one_string_are_the_words_one_by_one() {
        let texts = [
            "STTStatus job_offer-Item useLLMStore v1 test2 Users categories addresses",
            "ΟΔΟΣ Σίσυφος ΑΣ déjà-vu Straße İstanbul",
            "",
            "---",
        ];
        for text in texts {
            let words = Words::of(text);
            // Lower-cased word by word with `str::to_lowercase`, then stemmed.
            let one_by_one: Vec<String> = words_of(text).iter().map(|w| stem(w)).collect();
            assert!(words.iter().eq(one_by_one.iter().map(String::as_str)), "{text:?}");
        }
        let words = Words::of("create the job offer model");
        assert!(words.holds_sequence(&["job".to_string(), "offer".to_string()]));
        assert!(!words.holds_sequence(&["offer".to_string(), "job".to_string()]));
        assert!(words.contains("model") && !words.contains("mode"));
    }

    #[test]
    fn derived_words_meet() {
        assert!(same_word("extraction", "extract"));
        assert!(same_word("approve", "approval"));
        assert!(!same_word("component", "compose"));
        assert!(!same_word("user", "users2"));
    }

    #[test]
    fn endpoints_with_methods_backticks_and_urls() {
        let refs = endpoint_refs(
            "Add GET `/api/chat/{id}/` and GET/POST /tasks, WebSocket /stream; curl http://localhost:8000/api/x?y=1",
        );
        assert_eq!(
            refs,
            [
                EndpointRef { methods: Some(vec!["GET".into()]), path: "/api/chat/{}".into() },
                EndpointRef { methods: Some(vec!["GET".into(), "POST".into()]), path: "/tasks".into() },
                EndpointRef { methods: None, path: "/stream".into() },
                EndpointRef { methods: None, path: "/api/x".into() },
            ]
        );
    }

    #[test]
    fn path_forms_cover_base_and_api_prefixes() {
        let forms = path_forms("/tasks/{taskId}", Some("/api/v1"));
        assert!(forms.contains(&"/tasks/{}".to_string()));
        assert!(forms.contains(&"/api/v1/tasks/{}".to_string()));
        assert!(path_forms("/api/v1/devices", None).contains(&"/devices".to_string()));
    }

    #[test]
    fn test_paths() {
        for path in [
            "tests/contract/test_x.py",
            "src/a.test.ts",
            "x/UserTests.cs",
            "pkg/a_test.go",
            "app/__tests__/a.js",
        ] {
            assert!(is_test_path(path), "{path}");
        }
        for path in
            ["src/models/user.py", "specs/001-x/contracts/api.yaml", "src/latest.ts", "src/contest/a.py"]
        {
            assert!(!is_test_path(path), "{path}");
        }
    }

    #[test]
    fn identifiers_need_boundaries() {
        assert!(contains_identifier("call transcribeaudio()", "transcribeAudio"));
        assert!(!contains_identifier("call transcribeaudiox()", "transcribeAudio"));
    }
}
