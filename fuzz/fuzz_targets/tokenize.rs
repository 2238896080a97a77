//! The search tokeniser and stemmers (src/search/tokenize.rs), on any text.
//!
//! Contracts: words are non-empty, at most `MAX_WORD_CHARS` characters,
//! letters and digits only (apostrophes dropped), folded; a word typed again
//! as a query is the same single word (the browser looks typed words up in
//! the vocabulary as they are); stemming never panics, all-digit words are
//! their own stem, and stems are folded like words.
#![no_main]

use std::sync::OnceLock;

use cmkb::search::tokenize::{is_stop_word, words, Stemmers, MAX_WORD_CHARS};
use cmkb::slug::fold;
use libfuzzer_sys::fuzz_target;

fn stemmers() -> &'static Stemmers {
    static STEMMERS: OnceLock<Stemmers> = OnceLock::new();
    STEMMERS.get_or_init(Stemmers::default)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for word in words(&text) {
        assert!(!word.is_empty());
        assert!(word.chars().count() <= MAX_WORD_CHARS, "{word:?}");
        assert!(
            word.chars().all(char::is_alphanumeric),
            "{word:?} from {text:?}"
        );
        assert_eq!(fold(&word), word, "{word:?} is not folded (from {text:?})");
        let again: Vec<String> = words(&word).collect();
        assert_eq!(
            again,
            std::slice::from_ref(&word),
            "{word:?} does not tokenize to itself"
        );
        let _ = is_stop_word(&word);
        for lang in ["es", "en", "es-mx", "fr", ""] {
            let stem = stemmers().stem(lang, &word);
            if word.chars().all(|c| c.is_ascii_digit()) {
                assert_eq!(stem, word);
            }
            if !matches!(lang, "es" | "en" | "es-mx") {
                assert_eq!(stem, word);
            }
        }
    }
});
