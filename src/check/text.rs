//! Reading a page's text the way the rules need it: accent- and
//! case-insensitive keyword matching at word boundaries, sections found by id
//! or by heading keywords, and positions mapped back to the source so a
//! finding points at the word that triggered it.

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::content::Page;
use crate::markdown::{Block, BlockKind, Heading};
use crate::slug::{fold, fold_char};

/// Text folded for matching (`Cuándo` → `cuando`), with the way back to the
/// original byte offsets.
pub struct Folded {
    pub text: String,
    /// `origin[i]` is the byte offset in the original of folded byte `i`.
    origin: Vec<usize>,
}

impl Folded {
    pub fn new(original: &str) -> Folded {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            fold_char(c, &mut text);
            origin.resize(text.len(), at);
        }
        origin.push(original.len());
        Folded { text, origin }
    }

    /// Where `keyword` (already folded) occurs as whole words: the original
    /// byte range.
    pub fn find(&self, keyword: &str) -> Option<(usize, usize)> {
        find_word(&self.text, keyword).map(|(start, end)| (self.origin[start], self.origin[end]))
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Finds `needle` in `haystack` starting and ending at word boundaries.
/// Both must be folded. A needle ending in `*` matches any word it starts
/// (`escal*` finds `escalate`, `escalada`).
pub fn find_word(haystack: &str, needle: &str) -> Option<(usize, usize)> {
    let (needle, prefix) = match needle.strip_suffix('*') {
        Some(n) => (n, true),
        None => (needle, false),
    };
    if needle.is_empty() {
        return None;
    }
    let mut from = 0;
    // memmem is built for one-shot searches: the standard `find` sets up a
    // Two-Way searcher per call, which dominated the checks on short blocks.
    while let Some(i) = memchr::memmem::find(&haystack.as_bytes()[from..], needle.as_bytes()) {
        let start = from + i;
        if let Some(end) = word_end(haystack, start, start + needle.len(), prefix) {
            return Some((start, end));
        }
        from = start
            + haystack[start..]
                .chars()
                .next()
                .map(char::len_utf8)
                .unwrap_or(1);
    }
    None
}

/// Whether folded `text` contains any of the keywords; returns the first of
/// the list that is found (the lists put the most telling words first).
pub fn any_word<'k>(text: &str, keywords: &[&'k str]) -> Option<&'k str> {
    with_word_set(keywords, |set| set.first(text)).map(|i| keywords[i])
}

/// [`any_word`] of two lists in one pass: `keywords` is the first list
/// followed by the second, which starts at `split`. A rule that asks both of
/// the same text reads it once.
pub fn any_word_of_each<'k>(
    text: &str,
    keywords: &[&'k str],
    split: usize,
) -> (Option<&'k str>, Option<&'k str>) {
    let (first, second) = with_word_set(keywords, |set| set.first_of_each(text, split));
    (first.map(|i| keywords[i]), second.map(|i| keywords[i]))
}

/// Whether `text` contains any of the keywords, as whole words.
pub fn has_any_word(text: &str, keywords: &[&str]) -> bool {
    with_word_set(keywords, |set| set.contains(text))
}

/// The keywords of the list that occur in folded `text`, in list order.
pub fn words_in<'k>(text: &str, keywords: &[&'k str]) -> Vec<&'k str> {
    with_word_set(keywords, |set| set.all(text))
        .into_iter()
        .map(|i| keywords[i])
        .collect()
}

/// A keyword list compiled into one Aho-Corasick automaton, so a text is read
/// once for all its words instead of once per word (the rules' lists hold up
/// to a hundred words, and they read every block of every page).
pub struct WordSet {
    /// `None` only if the automaton could not be built (a list far beyond
    /// any the rules hold): then each word is looked for on its own.
    automaton: Option<AhoCorasick>,
    words: Vec<String>,
    prefix: Vec<bool>,
    empty: Vec<bool>,
}

impl WordSet {
    /// `words` are folded; a word ending in `*` matches any word it starts.
    pub fn new<S: AsRef<str>>(words: &[S]) -> WordSet {
        let stems: Vec<&str> = words
            .iter()
            .map(|w| w.as_ref().strip_suffix('*').unwrap_or(w.as_ref()))
            .collect();
        let prefix = words.iter().map(|w| w.as_ref().ends_with('*')).collect();
        let empty = stems.iter().map(|s| s.is_empty()).collect();
        // Empty words match nothing (as in `find_word`); a pattern that can
        // never occur keeps the indexes aligned.
        let patterns: Vec<&str> = stems
            .iter()
            .map(|s| if s.is_empty() { "\u{0}" } else { s })
            .collect();
        // A DFA: the lists are small, and it is the fastest to run; the
        // builder's own choice when a list is too big for one. With its
        // prefilter, which jumps to the bytes a match could start with:
        // most texts hold none of a list's words (a 1,000-page build ran
        // 4 % fewer instructions with it, the same findings).
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(true)
            .build(&patterns)
            .or_else(|_| {
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
            })
            .ok();
        WordSet {
            automaton,
            words: words.iter().map(|w| w.as_ref().to_string()).collect(),
            prefix,
            empty,
        }
    }

    /// Every whole-word occurrence, in the order the automaton reports them
    /// (by end position): pattern index and byte range in `text`.
    fn matches<'t>(&'t self, text: &'t str) -> impl Iterator<Item = (usize, usize, usize)> + 't {
        let found = self
            .automaton
            .iter()
            .flat_map(move |a| a.find_overlapping_iter(text))
            .filter_map(move |m| {
                let index = m.pattern().as_usize();
                if self.empty[index] {
                    return None;
                }
                let end = word_end(text, m.start(), m.end(), self.prefix[index])?;
                Some((index, m.start(), end))
            });
        // Only without an automaton; with one, this is an empty iterator
        // (not a walk over every word that finds nothing to do).
        let one_by_one = self
            .automaton
            .is_none()
            .then_some(&self.words)
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(move |(index, word)| {
                find_word(text, word).map(|(start, end)| (index, start, end))
            });
        found.chain(one_by_one)
    }

    /// The lowest list index among the words that occur in `text`.
    pub fn first(&self, text: &str) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (index, _, _) in self.matches(text) {
            if index == 0 {
                return Some(0);
            }
            best = Some(best.map_or(index, |b| b.min(index)));
        }
        best
    }

    /// [`WordSet::first`] of the words before `split` and of those from it.
    pub fn first_of_each(&self, text: &str, split: usize) -> (Option<usize>, Option<usize>) {
        let (mut first, mut second): (Option<usize>, Option<usize>) = (None, None);
        for (index, _, _) in self.matches(text) {
            let best = if index < split {
                &mut first
            } else {
                &mut second
            };
            *best = Some(best.map_or(index, |b| b.min(index)));
            if first == Some(0) && second == Some(split) {
                break;
            }
        }
        (first, second)
    }

    /// The indexes of the words that occur in `text`, in list order.
    pub fn all(&self, text: &str) -> Vec<usize> {
        let mut found: Vec<usize> = self.matches(text).map(|(index, _, _)| index).collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// Whether any of the words occurs in `text`.
    pub fn contains(&self, text: &str) -> bool {
        self.matches(text).next().is_some()
    }
}

/// Whether a match at `start..end` stands at word boundaries; for a prefix
/// word, where the word it starts ends.
fn word_end(haystack: &str, start: usize, end: usize, prefix: bool) -> Option<usize> {
    if !haystack.is_char_boundary(start) || !haystack.is_char_boundary(end) {
        return None;
    }
    let before_ok = haystack[..start]
        .chars()
        .next_back()
        .is_none_or(|c| !is_word_char(c));
    if !before_ok {
        return None;
    }
    let mut end = end;
    if prefix {
        end += haystack[end..]
            .chars()
            .take_while(|&c| is_word_char(c))
            .map(char::len_utf8)
            .sum::<usize>();
    }
    let after_ok = haystack[end..]
        .chars()
        .next()
        .is_none_or(|c| !is_word_char(c));
    after_ok.then_some(end)
}

/// The compiled [`WordSet`] of a keyword list, kept per thread. The rules
/// pass lists that live as long as the program, so the cache is keyed by
/// address (a `const` list may have an address per place that uses it: each
/// is compiled once); each word's address is compared too, so a list built
/// at run time that reuses an address is recompiled, never confused.
fn with_word_set<R>(keywords: &[&str], f: impl FnOnce(&WordSet) -> R) -> R {
    type Key = (usize, usize);
    type Entry = (Vec<(usize, usize)>, std::rc::Rc<WordSet>);
    thread_local! {
        static CACHE: std::cell::RefCell<rustc_hash::FxHashMap<Key, Entry>> =
            RefCell::new(rustc_hash::FxHashMap::default());
    }
    let key = (keywords.as_ptr() as usize, keywords.len());
    let set = CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        match cache.get(&key) {
            Some((words, set)) if same_words(words, keywords) => set.clone(),
            _ => {
                if cache.len() > 512 {
                    cache.clear();
                }
                let set = std::rc::Rc::new(WordSet::new(keywords));
                cache.insert(key, (word_addresses(keywords), set.clone()));
                set
            }
        }
    });
    f(&set)
}

/// The stretch of the source a block's text came from: from the block's
/// start, twice the text's length and some (markup and entities make the
/// source longer than the text), cut at a character boundary.
pub fn source_span<'p>(page: &'p Page, block: &Block) -> &'p str {
    let source = &page.source.text;
    let mut end = (block.offset + page.doc.text(block).len() * 2 + 64).min(source.len());
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    &source[block.offset.min(end)..end]
}

/// A keyword list as its words' addresses: how a compiled list knows the
/// list it came from without comparing text (see [`with_word_set`]).
fn word_addresses(keywords: &[&str]) -> Vec<(usize, usize)> {
    keywords
        .iter()
        .map(|k| (k.as_ptr() as usize, k.len()))
        .collect()
}

/// Whether `keywords` are the words `addresses` were taken from. Compared in
/// place: rules ask for every block.
fn same_words(addresses: &[(usize, usize)], keywords: &[&str]) -> bool {
    addresses.len() == keywords.len()
        && addresses
            .iter()
            .zip(keywords)
            .all(|(&a, k)| a == (k.as_ptr() as usize, k.len()))
}

/// The word lists that rules ask of a whole page ("does it mention any of
/// these?", "which of these?"), read in one pass over the page's folded text
/// for all of them: three lists asked of every page, each with its own pass,
/// were most of the time the checks spent matching words.
pub struct PageText<'p> {
    page: &'p Page,
    /// Every occurrence in the folded text of a word of the lists, boundaries
    /// not yet checked: word number in [`PageLists`] and byte range.
    found: std::cell::OnceCell<Vec<(u32, usize, usize)>>,
}

impl<'p> PageText<'p> {
    pub fn new(page: &'p Page) -> PageText<'p> {
        PageText {
            page,
            found: std::cell::OnceCell::new(),
        }
    }

    /// The words of `keywords` the page's text has as whole words, in list
    /// order: [`words_in`] of the page's folded text.
    pub fn words_in<'k>(&self, keywords: &[&'k str]) -> Vec<&'k str> {
        match self.indexes(keywords, false) {
            Some(found) => found.into_iter().map(|i| keywords[i]).collect(),
            None => words_in(self.page.doc.folded_text(), keywords),
        }
    }

    /// Whether the page's text has any of `keywords` as a whole word:
    /// [`page_mentions`].
    pub fn mentions(&self, keywords: &[&str]) -> bool {
        match self.indexes(keywords, true) {
            Some(found) => !found.is_empty(),
            None => page_mentions(self.page, keywords),
        }
    }

    /// The list indexes of `keywords` found, sorted; `None` when the list is
    /// not one of [`PageLists`]. With `any`, stops at the first.
    fn indexes(&self, keywords: &[&str], any: bool) -> Option<Vec<usize>> {
        let lists = page_lists();
        let list = lists.list_of(keywords)?;
        let text = self.page.doc.folded_text();
        let found = self.found.get_or_init(|| lists.scan(text));
        let mut out = Vec::new();
        for &(word, start, end) in found {
            for &(in_list, index, prefix) in &lists.uses[word as usize] {
                if in_list == list && word_end(text, start, end, prefix).is_some() {
                    out.push(index);
                    if any {
                        return Some(out);
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

/// The lists [`PageText`] reads in one pass, compiled together.
struct PageLists {
    /// Each list's words' addresses, as registered.
    lists: Vec<Vec<(usize, usize)>>,
    /// The distinct words (stems of prefix words), as one automaton.
    automaton: Option<AhoCorasick>,
    /// For each distinct word: (list, index in the list, prefix word).
    uses: Vec<Vec<(usize, usize, bool)>>,
}

impl PageLists {
    fn new(lists: &[&'static [&'static str]]) -> PageLists {
        let mut words: Vec<&str> = Vec::new();
        let mut uses: Vec<Vec<(usize, usize, bool)>> = Vec::new();
        for (l, list) in lists.iter().enumerate() {
            for (i, word) in list.iter().enumerate() {
                let (stem, prefix) = match word.strip_suffix('*') {
                    Some(stem) => (stem, true),
                    None => (*word, false),
                };
                // Empty words match nothing, as in `find_word`.
                if stem.is_empty() {
                    continue;
                }
                let at = match words.iter().position(|w| *w == stem) {
                    Some(at) => at,
                    None => {
                        words.push(stem);
                        uses.push(Vec::new());
                        words.len() - 1
                    }
                };
                uses[at].push((l, i, prefix));
            }
        }
        // As `WordSet::new`: a DFA with its prefilter, every occurrence.
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(true)
            .build(&words)
            .ok();
        PageLists {
            lists: lists.iter().map(|list| word_addresses(list)).collect(),
            automaton,
            uses,
        }
    }

    /// Which registered list `keywords` is (the same words at the same
    /// addresses), if any.
    fn list_of(&self, keywords: &[&str]) -> Option<usize> {
        self.automaton.as_ref()?;
        self.lists.iter().position(|l| same_words(l, keywords))
    }

    fn scan(&self, text: &str) -> Vec<(u32, usize, usize)> {
        self.automaton
            .iter()
            .flat_map(|a| a.find_overlapping_iter(text))
            .map(|m| (m.pattern().as_u32(), m.start(), m.end()))
            .collect()
    }
}

fn page_lists() -> &'static PageLists {
    static LISTS: std::sync::OnceLock<PageLists> = std::sync::OnceLock::new();
    LISTS.get_or_init(|| PageLists::new(&crate::check::rules::page_lists()))
}

/// Whether the page's text mentions any of the (folded) keywords anywhere.
/// A rule that reads block by block asks this first: most pages mention none
/// of its words, and one pass over the page is cheaper than one per block.
pub fn page_mentions(page: &Page, keywords: &[&str]) -> bool {
    with_word_set(keywords, |set| set.contains(page.doc.folded_text()))
}

/// The heading with this id, or whose text contains one of the keywords.
pub fn find_section<'p>(
    page: &'p Page,
    id: &str,
    keywords: &[&str],
) -> Option<(usize, &'p Heading)> {
    page.doc
        .headings
        .iter()
        .enumerate()
        .filter(|(_, h)| !h.is_title)
        .find(|(_, h)| h.id == id || any_word(&fold(&h.text), keywords).is_some())
}

/// The blocks under a heading, its subsections included.
pub fn section_blocks(page: &Page, heading: usize) -> impl Iterator<Item = &Block> {
    let headings = &page.doc.headings;
    let level = headings[heading].level;
    let end = headings[heading + 1..]
        .iter()
        .position(|h| h.level <= level)
        .map(|p| heading + 1 + p);
    page.doc.blocks.iter().filter(move |b| {
        b.kind != BlockKind::Heading
            && b.section()
                .is_some_and(|s| s >= heading && end.is_none_or(|e| s < e))
    })
}

/// Where a keyword of a block sits in the source: its byte offset and width
/// in characters. The block's text has lost its Markdown syntax, so the word
/// is looked up again in the source from the block's start.
pub fn locate(page: &Page, block: &Block, keyword: &str) -> (usize, usize) {
    let span = source_span(page, block);
    match Folded::new(span).find(keyword) {
        Some((start, stop)) => (
            block.offset + start,
            span[start..stop].chars().count().max(1),
        ),
        None => (block.offset, 1),
    }
}

/// Whether the page is in a language the rules' keyword lists are written
/// in (Spanish or English). Pages in other languages are not judged with
/// words they do not use.
pub fn reads_keywords(page: &Page) -> bool {
    let lang = page.lang.to_ascii_lowercase();
    ["es", "en"]
        .iter()
        .any(|l| lang == *l || lang.starts_with(&format!("{l}-")))
}

/// A text cut into sentences at `.`, `!` or `?` followed by a space or the
/// end; trimmed, empty ones dropped.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if matches!(b, b'.' | b'!' | b'?')
            && bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace())
        {
            out.push(&text[start..=i]);
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// How the title of a page *about* rules or policies starts ("How to…",
/// "Your code of conduct", "Cómo…"), as opposed to the rules themselves.
const GUIDE_TITLE_STARTS: &[&str] = &[
    "your",
    "tu",
    "su",
    "how",
    "como",
    "why",
    "por que",
    "writing",
    "escribir",
    "adopting",
    "adoptar",
    "about",
    "sobre",
    "guide",
    "guia",
    "introduction",
    "introduccion",
];

/// Whether a folded title speaks about rules in a guide's voice.
pub fn guide_voice(folded_title: &str) -> bool {
    GUIDE_TITLE_STARTS
        .iter()
        .any(|s| folded_title.starts_with(&format!("{s} ")))
}

/// Words in a text, for counting.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page parsed from `body` (Markdown after a title).
    fn page(body: &str) -> Page {
        let dir = tempfile::tempdir().unwrap();
        let abs = dir.path().join("p.md");
        std::fs::write(&abs, format!("+++\ntitle = \"P\"\n+++\n# P\n\n{body}\n")).unwrap();
        let config = crate::Config::default();
        crate::content::parse_file(dir.path(), "p.md", &abs, &config, false)
            .page
            .unwrap()
    }

    #[test]
    fn one_read_of_a_page_answers_every_whole_page_list_as_a_read_per_list_would() {
        let lists = crate::check::rules::page_lists();
        // Each list's words at word boundaries and not: inside longer words,
        // followed by letters, digits or `_`, with accents and capitals (the
        // text is folded), in a list item and a table cell.
        let mut bodies = vec![String::new(), "Nada que ver aquí.".to_string()];
        for list in &lists {
            for (k, word) in list.iter().enumerate() {
                let stem = word.trim_end_matches('*');
                bodies.push(match k % 6 {
                    0 => format!("Un texto con {stem} dentro."),
                    1 => format!("x{stem} y {stem}s y {stem}_"),
                    2 => format!("- {}, luego.", stem.to_uppercase()),
                    3 => format!("| a | {stem}ción |\n|---|---|\n| {stem} | b |"),
                    4 => format!("{stem}2 {stem}"),
                    _ => format!("«{stem}» é {stem}á"),
                });
            }
        }
        bodies.push(
            lists
                .iter()
                .flat_map(|l| l.iter())
                .copied()
                .collect::<Vec<_>>()
                .join(" "),
        );
        for body in &bodies {
            let page = page(body);
            let text = PageText::new(&page);
            for list in &lists {
                assert!(
                    page_lists().list_of(list).is_some(),
                    "not read in one pass: {list:?}"
                );
                assert_eq!(
                    text.words_in(list),
                    words_in(page.doc.folded_text(), list),
                    "{body}"
                );
                assert_eq!(text.mentions(list), page_mentions(&page, list), "{body}");
            }
        }
        // A list that is not registered is read on its own, with the same answer.
        let other = ["nada", "aqui"];
        let page = page("Nada que ver aquí.");
        assert!(page_lists().list_of(&other).is_none());
        assert_eq!(PageText::new(&page).words_in(&other), vec!["nada", "aqui"]);
    }

    #[test]
    fn words_match_at_boundaries_without_accents() {
        assert!(find_word("cuando adaptar el guion", "cuando adaptar").is_some());
        assert!(find_word("nunca", "nunca").is_some());
        assert!(find_word("nuncamente", "nunca").is_none());
        assert!(find_word("escalada urgente", "escal*").is_some());
        assert!(find_word("desescalar", "escal*").is_none());
    }

    #[test]
    fn a_word_set_finds_what_find_word_finds_and_prefers_the_list_order() {
        let list = ["nunca", "escal*", "no lo", "cuando adaptar", ""];
        let texts = [
            "\u{0}",
            "desescalar nunca",
            "nuncamente escalada",
            "no lo hagas",
            "no los",
            "ñ cuando adaptar",
            "",
            "escal",
        ];
        let set = WordSet::new(&list);
        for text in texts {
            let expected = list.iter().position(|k| find_word(text, k).is_some());
            assert_eq!(set.first(text), expected, "{text}");
            assert_eq!(set.contains(text), expected.is_some(), "{text}");
            assert_eq!(any_word(text, &list), expected.map(|i| list[i]), "{text}");
            let all: Vec<&str> = list
                .iter()
                .copied()
                .filter(|k| find_word(text, k).is_some())
                .collect();
            assert_eq!(words_in(text, &list), all, "{text}");
        }
        // Without an automaton each word is looked for on its own, alike.
        let mut one_by_one = WordSet::new(&list);
        one_by_one.automaton = None;
        for text in texts {
            assert_eq!(one_by_one.first(text), set.first(text), "{text}");
            assert_eq!(one_by_one.all(text), set.all(text), "{text}");
        }
        // A list built at run time at the same address is not confused.
        for words in [vec!["alpha"], vec!["beta"]] {
            let list: Vec<&str> = words.clone();
            assert_eq!(any_word("beta", &list).is_some(), words[0] == "beta");
        }
    }

    proptest::proptest! {
        /// Two lists read in one pass find, for each, what reading it
        /// alone finds: the same first word, or none.
        #[test]
        fn one_pass_over_two_lists_finds_what_a_pass_over_each_finds(
            text in "[a-e _.;ñ]{0,40}",
            first in proptest::collection::vec("[a-e]{1,3}[*]?", 0..6),
            second in proptest::collection::vec("[a-e]{1,3}( [a-e]{1,2})?[*]?", 0..6),
        ) {
            // Sets built here, not through `with_word_set`: its cache knows
            // lists by address, and these lists die with each case.
            let both: Vec<&String> = first.iter().chain(&second).collect();
            let (one, other) = WordSet::new(&both).first_of_each(&text, first.len());
            proptest::prop_assert_eq!(one, WordSet::new(&first).first(&text));
            proptest::prop_assert_eq!(
                other,
                WordSet::new(&second).first(&text).map(|i| i + first.len())
            );
        }
    }

    #[test]
    fn folded_offsets_point_at_the_original() {
        let text = "## Cuándo ADAPTAR";
        let folded = Folded::new(text);
        let (start, end) = folded.find("cuando adaptar").unwrap();
        assert_eq!(&text[start..end], "Cuándo ADAPTAR");
    }
}
