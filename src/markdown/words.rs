//! Counting the words of a block's text, once, as the page is parsed: the
//! reading time and the form-over-substance check both need them.

/// A text's words, counted two ways in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WordCount {
    /// Runs of non-whitespace: `text.split_whitespace().count()`.
    pub tokens: usize,
    /// Words of prose: tokens with a letter or digit, and runs of Chinese
    /// or Japanese (written without spaces) at two characters a word —
    /// about the average word length in both — instead of a whole sentence
    /// counting as one.
    pub prose: usize,
}

/// How many words a text has, both ways. Byte by byte, each byte's class
/// from a table: decoding every character, then a chain of comparisons per
/// byte, were each a few per cent of a whole build, and most bytes of prose
/// are ASCII even in Spanish.
pub fn count(text: &str) -> WordCount {
    let bytes = text.as_bytes();
    // The character starting at byte `i` (not ASCII): whether it is
    // whitespace, and its width.
    let wide = |i: usize| {
        let c = text[i..].chars().next().unwrap_or('\u{FFFD}');
        (c.is_whitespace(), c.len_utf8())
    };
    let (mut tokens, mut words) = (0, 0);
    let mut i = 0;
    while i < bytes.len() {
        // Between tokens.
        match BYTE_CLASS[usize::from(bytes[i])] {
            SPACE => {
                i += 1;
                continue;
            }
            HIGH => {
                let (space, width) = wide(i);
                if space {
                    i += width;
                    continue;
                }
            }
            _ => {}
        }
        // A token: an ASCII one is settled here (it counts if it has a
        // letter or digit); others go to `token_words`.
        let start = i;
        let (mut ascii, mut alnum) = (true, false);
        while i < bytes.len() {
            // Once the token has a letter or digit, only its end matters.
            if alnum {
                i = plain_run_end(bytes, i);
                if i == bytes.len() {
                    break;
                }
            }
            match BYTE_CLASS[usize::from(bytes[i])] {
                SPACE => break,
                HIGH => {
                    let (space, width) = wide(i);
                    if space {
                        break;
                    }
                    ascii = false;
                    i += width;
                }
                class => {
                    alnum |= class == ALNUM;
                    i += 1;
                }
            }
        }
        tokens += 1;
        words += settled_words(&text[start..i], ascii, alnum);
    }
    WordCount {
        tokens,
        prose: words,
    }
}

/// Where the run of printable ASCII (`!` to DEL) that starts at `i` ends:
/// the first byte that is a space, a control character or part of a
/// character beyond ASCII, or the text's end. Eight bytes at a time: a
/// byte below `!` borrows in the subtraction, one from `0x80` has its high
/// bit.
fn plain_run_end(bytes: &[u8], i: usize) -> usize {
    use crate::bytes::{find_flagged, ONES};
    find_flagged(
        bytes,
        i,
        |word| word.wrapping_sub(ONES * 0x21) | word,
        |b| !(0x21..0x80).contains(&b),
    )
}

/// Byte classes for [`count`]: what `char::is_whitespace` says is
/// whitespace in ASCII (vertical tab included), ASCII letters and digits,
/// other ASCII, and the bytes of characters beyond ASCII.
const SPACE: u8 = 0;
const ALNUM: u8 = 1;
const OTHER: u8 = 2;
const HIGH: u8 = 3;
static BYTE_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            HIGH
        } else if crate::slug::is_ascii_space(byte) {
            SPACE
        } else if byte.is_ascii_alphanumeric() {
            ALNUM
        } else {
            OTHER
        };
        b += 1;
    }
    table
};

/// [`token_words`], with what the scan already knows of an ASCII token.
fn settled_words(token: &str, ascii: bool, alnum: bool) -> usize {
    if ascii {
        usize::from(alnum)
    } else {
        token_words(token)
    }
}

/// How many words a token without spaces counts for.
fn token_words(token: &str) -> usize {
    if token.is_ascii() {
        return usize::from(token.bytes().any(|b| b.is_ascii_alphanumeric()));
    }
    let ideographs = token.chars().filter(|&c| is_ideograph(c)).count();
    if ideographs > 0 {
        ideographs.div_ceil(2)
    } else {
        usize::from(token.chars().any(char::is_alphanumeric))
    }
}

/// CJK ideographs and Japanese kana: scripts written without spaces.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definitions the fast count must agree with.
    fn as_defined(text: &str) -> WordCount {
        WordCount {
            tokens: text.split_whitespace().count(),
            prose: text.split_whitespace().map(token_words).sum(),
        }
    }

    /// Text that trips byte-by-byte counters: every kind of space, combining
    /// marks, CJK, emoji. The emoji count's tests read it too.
    pub const TRICKY: &[&str] = &[
        "",
        "   ",
        "Hola, ¿qué tal? — bien.",
        "a\u{00A0}b\u{0085}c\u{2003}d\u{3000}e\u{000B}f\u{000C}g\r\nh",
        "会議の前に議題を共有してください。 then English",
        "✅ listo 🚀🚀 ⭐x ⌛ — → ™ 🫶 \u{1FAFF}\u{1FB00}",
        "-- ** ## 2024 x",
        "niño\u{0301}s café\u{00AD}",
    ];

    #[test]
    fn the_fast_count_agrees_with_its_definitions_on_tricky_text() {
        for text in TRICKY {
            assert_eq!(count(text), as_defined(text), "{text:?}");
        }
        assert_eq!(
            count("  Modera\tcon\u{0B}criterio — 会議の前に "),
            WordCount {
                tokens: 5,
                prose: 3 + 3
            }
        );
    }

    /// What [`plain_run_end`] must equal: the first byte outside `!`..=DEL.
    fn plain_run_end_by_byte(bytes: &[u8], i: usize) -> usize {
        i + bytes[i..]
            .iter()
            .position(|c| !(0x21..0x80).contains(c))
            .unwrap_or(bytes.len() - i)
    }

    #[test]
    fn a_plain_run_ends_at_the_first_space_control_or_wider_byte() {
        for text in [
            "",
            "word",
            "exactly8",
            "exactly8 then",
            "sixteen_letters!x",
            "ab\u{0}cd",
            "a\u{1f}bcdefghij",
            "!!!!!!!!!!!!\u{7f}",
            "palabra\u{20}más",
            "abcdefgh\u{b}ijk",
        ] {
            for i in 0..=text.len() {
                assert_eq!(
                    plain_run_end(text.as_bytes(), i),
                    plain_run_end_by_byte(text.as_bytes(), i),
                    "{text:?} from {i}"
                );
            }
        }
    }

    proptest! {
        #[test]
        fn a_plain_run_ends_where_bytes_say(bytes in proptest::collection::vec(any::<u8>(), 0..40), from in 0usize..40) {
            let from = from.min(bytes.len());
            prop_assert_eq!(plain_run_end(&bytes, from), plain_run_end_by_byte(&bytes, from));
        }

        #[test]
        fn the_fast_count_agrees_on_prose(text in "([!-~]{0,20}(\\s|\\PC)?){0,8}") {
            prop_assert_eq!(count(&text), as_defined(&text));
        }

        #[test]
        fn the_fast_count_agrees_with_its_definitions(text in "(\\PC|\\s|[a-zñá ]){0,60}") {
            prop_assert_eq!(count(&text), as_defined(&text));
        }

        #[test]
        fn the_fast_count_agrees_on_any_string(text in any::<String>()) {
            prop_assert_eq!(count(&text), as_defined(&text));
        }
    }
}
