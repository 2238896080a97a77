//! Words as the search index and the browser client both see them.
//!
//! The client never stems: it looks a typed word up in the index's
//! vocabulary (folded surface word → stems), so the Rust side alone decides
//! what a word means. Folding here and in `search.js` must agree: lowercase,
//! NFD, combining marks dropped — `Moderación` and `moderacion` are one word.

use pagefind_stem::{Algorithm, Stemmer};

use crate::slug::fold;

/// Splits text into folded words: runs of letters and digits. Apostrophes
/// inside words are dropped (`company's` → `companys`), like the heading ids.
pub fn words(text: &str) -> impl Iterator<Item = String> {
    let mut out = Vec::new();
    each_word(text, |w| out.push(w.to_string()));
    out.into_iter()
}

/// [`words`] without a string per word: the indexer calls this for every
/// block of every page.
pub fn each_word(text: &str, f: impl FnMut(&str)) {
    // Fold first, then split: text typed in NFD (macOS) carries accents as
    // separate marks, which must not split a word in two.
    let mut folded = String::with_capacity(text.len());
    crate::slug::fold_into(text, &mut folded);
    each_folded_word(&folded, f);
}

/// [`each_word`] of a text that is folded already. Words are runs of
/// letters, digits and apostrophes (dropped: `don't` is `dont`). Byte by
/// byte, decoding only what is not ASCII: the indexer runs this over every
/// block of every page.
pub fn each_folded_word(folded: &str, mut f: impl FnMut(&str)) {
    let mut joined = String::new();
    let mut emit = |word: &str, has_apostrophe: bool| {
        let word = if has_apostrophe {
            joined.clear();
            joined.extend(word.chars().filter(|&c| c != '\'' && c != '’'));
            joined.as_str()
        } else {
            word
        };
        if !word.is_empty()
            && (word.len() <= MAX_WORD_CHARS || word.chars().count() <= MAX_WORD_CHARS)
        {
            f(word);
        }
    };
    let bytes = folded.as_bytes();
    let (mut start, mut has_apostrophe, mut i) = (0, false, 0);
    while i < bytes.len() {
        // Most bytes are ASCII letters inside a word: nothing to do but step.
        if bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let (in_word, apostrophe, width) = match bytes[i] {
            b'\'' => (true, true, 1),
            b if b < 0x80 => (false, false, 1),
            _ => {
                let c = folded[i..].chars().next().unwrap_or(' ');
                (c.is_alphanumeric() || c == '’', c == '’', c.len_utf8())
            }
        };
        if !in_word {
            emit(&folded[start..i], has_apostrophe);
            start = i + width;
            has_apostrophe = false;
        } else if apostrophe {
            has_apostrophe = true;
        }
        i += width;
    }
    emit(&folded[start..], has_apostrophe);
}

/// Longer "words" are hashes, URLs run together or base64: nobody types them.
pub const MAX_WORD_CHARS: usize = 40;

/// A stemmer for a page's language. Snowball 3.0 (from `pagefind_stem`)
/// stems Spanish the same with and without accents, which the folded
/// vocabulary relies on. Languages without a stemmer index whole words.
pub struct Stemmers {
    spanish: Stemmer,
    english: Stemmer,
}

impl Default for Stemmers {
    fn default() -> Self {
        Stemmers {
            spanish: Stemmer::create(Algorithm::Spanish),
            english: Stemmer::create(Algorithm::English),
        }
    }
}

impl Stemmers {
    /// The stem of a folded word in a language.
    pub fn stem(&self, lang: &str, word: &str) -> String {
        if word.chars().all(|c| c.is_ascii_digit()) {
            return word.to_string();
        }
        let primary = lang.split('-').next().unwrap_or(lang);
        let stem = match primary {
            "es" => self.spanish.stem(word),
            "en" => self.english.stem(word),
            _ => return word.to_string(),
        };
        fold(&stem)
    }
}

/// Words too common to help find anything. Indexing them would double the
/// index for no gain; a query of only these says so instead of matching all.
pub const STOP_WORDS: &[&str] = &[
    // Spanish (folded)
    "a", "al", "algo", "como", "con", "de", "del", "desde", "donde", "e", "el", "en", "entre",
    "era", "es", "esa", "ese", "eso", "esta", "este", "esto", "fue", "ha", "han", "hay", "la",
    "las", "le", "les", "lo", "los", "mas", "me", "mi", "muy", "ni", "no", "nos", "o", "os",
    "para", "pero", "por", "que", "se", "si", "sin", "sobre", "son", "su", "sus", "te", "tu", "u",
    "un", "una", "uno", "unos", "unas", "y", "ya", "yo", // English
    "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he", "her",
    "his", "i", "if", "in", "into", "is", "it", "its", "of", "on", "or", "our", "she", "so",
    "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "to", "was",
    "we", "were", "what", "when", "which", "who", "will", "with", "you", "your",
];

pub fn is_stop_word(word: &str) -> bool {
    // Asked for every word of every page: a fast hash, not a DoS-proof one.
    static SET: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
        std::sync::OnceLock::new();
    // No stop word is longer than five letters: most words skip the lookup.
    word.len() <= 5
        && SET
            .get_or_init(|| STOP_WORDS.iter().copied().collect())
            .contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition `each_folded_word` must keep: split on anything but
    /// letters, digits and apostrophes, drop the apostrophes.
    fn words_as_defined(folded: &str) -> Vec<String> {
        folded
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .map(|w| {
                w.chars()
                    .filter(|&c| c != '\'' && c != '’')
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty() && w.chars().count() <= MAX_WORD_CHARS)
            .collect()
    }

    fn words_found(folded: &str) -> Vec<String> {
        let mut out = Vec::new();
        each_folded_word(folded, |w| out.push(w.to_string()));
        out
    }

    #[test]
    fn words_are_cut_as_defined() {
        for text in [
            "",
            "  ",
            "don't l’eau ' ’ ''",
            "moderación, código-de conducta; año 2024",
            "会議 ٣٤ x²",
            "a\u{00A0}b\u{2003}c",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa bbbb",
        ] {
            assert_eq!(words_found(text), words_as_defined(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn words_are_cut_as_defined_on_any_text(text in any::<String>()) {
            prop_assert_eq!(words_found(&text), words_as_defined(&text));
        }

        #[test]
        fn words_are_cut_as_defined_on_prose(text in "([a-zñáé0-9'’ ,.-]|\\PC){0,80}") {
            prop_assert_eq!(words_found(&text), words_as_defined(&text));
        }
    }

    #[test]
    fn nfd_text_is_one_word_per_word() {
        use unicode_normalization::UnicodeNormalization;
        let nfd: String = "acción rápida".nfd().collect();
        assert_eq!(words(&nfd).collect::<Vec<_>>(), ["accion", "rapida"]);
    }

    #[test]
    fn words_are_folded_and_split() {
        let found: Vec<String> =
            words("¿Cuándo ESCALAR un caso? The company's rules: 24/7.").collect();
        assert_eq!(
            found,
            ["cuando", "escalar", "un", "caso", "the", "companys", "rules", "24", "7"]
        );
    }

    #[test]
    fn spanish_stems_agree_with_and_without_accents() {
        let s = Stemmers::default();
        assert_eq!(
            s.stem("es", "informacion"),
            s.stem("es", &fold("información"))
        );
        assert_eq!(s.stem("es", "moderacion"), "moder");
        assert_eq!(s.stem("en", "moderators"), "moder");
        assert_eq!(s.stem("fr", "moderation"), "moderation");
    }

    #[test]
    fn stop_words() {
        assert!(is_stop_word("de"));
        assert!(is_stop_word("the"));
        assert!(!is_stop_word("acoso"));
    }
}
