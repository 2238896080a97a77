//! Reading a page's text the way the rules need it: accent- and
//! case-insensitive keyword matching at word boundaries, sections found by id
//! or by heading keywords, and positions mapped back to the source so a
//! finding points at the word that triggered it.

use crate::content::Page;
use crate::markdown::{Block, BlockKind, Heading};
use crate::slug::fold;

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
            let mut buf = [0u8; 4];
            for f in fold(c.encode_utf8(&mut buf)).chars() {
                for _ in 0..f.len_utf8() {
                    origin.push(at);
                }
                text.push(f);
            }
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
        let mut end = start + needle.len();
        let before_ok = haystack[..start]
            .chars()
            .next_back()
            .is_none_or(|c| !is_word_char(c));
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
        if before_ok && after_ok {
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

/// Whether folded `text` contains any of the keywords; returns the first found.
pub fn any_word<'k>(text: &str, keywords: &[&'k str]) -> Option<&'k str> {
    keywords
        .iter()
        .copied()
        .find(|k| find_word(text, k).is_some())
}

/// Whether the page's text mentions any of the (folded) keywords anywhere.
/// A rule that reads block by block asks this first: most pages mention none
/// of its words, and one pass over the page is cheaper than one per block.
pub fn page_mentions(page: &Page, keywords: &[&str]) -> bool {
    any_word(page.doc.folded_text(), keywords).is_some()
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
            && b.section
                .is_some_and(|s| s >= heading && end.is_none_or(|e| s < e))
    })
}

/// Where a keyword of a block sits in the source: its byte offset and width
/// in characters. The block's text has lost its Markdown syntax, so the word
/// is looked up again in the source from the block's start.
pub fn locate(page: &Page, block: &Block, keyword: &str) -> (usize, usize) {
    let source = &page.source.text;
    let span_end = (block.offset + block.text.len() * 2 + 64).min(source.len());
    let mut end = span_end;
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let span = &source[block.offset.min(end)..end];
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

    #[test]
    fn words_match_at_boundaries_without_accents() {
        assert!(find_word("cuando adaptar el guion", "cuando adaptar").is_some());
        assert!(find_word("nunca", "nunca").is_some());
        assert!(find_word("nuncamente", "nunca").is_none());
        assert!(find_word("escalada urgente", "escal*").is_some());
        assert!(find_word("desescalar", "escal*").is_none());
    }

    #[test]
    fn folded_offsets_point_at_the_original() {
        let text = "## Cuándo ADAPTAR";
        let folded = Folded::new(text);
        let (start, end) = folded.find("cuando adaptar").unwrap();
        assert_eq!(&text[start..end], "Cuándo ADAPTAR");
    }
}
