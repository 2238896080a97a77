//! Slugs for URLs and heading ids, and accent folding for matching.
//!
//! Heading ids and URL segments keep Unicode letters (`#cuándo-adaptar`,
//! `/tags/moderación/`): the corpora cmkb builds link to ids such as
//! `#撰写自述文件`, and folding them would break those links. Text is
//! normalised to NFC first, so a name typed on macOS (NFD) and on Linux (NFC)
//! gives the same slug — and two files whose names differ only in
//! normalisation or case collide loudly instead of overwriting each other.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// A heading id, the way GitHub and kramdown make them, so anchors written
/// for those (`#what-does-my-companys-legal-team-need-to-know`) keep working:
/// lowercase; letters, digits, `_` and `-` of any script kept; each space
/// becomes `-`; everything else (punctuation, emoji) is dropped.
pub fn heading_id(text: &str) -> String {
    let text = text.trim();
    // Most headings are ASCII: NFC leaves them alone and the rule is bytes
    // (normalising every heading was a tenth of parsing a page).
    if text.is_ascii() {
        let mut out = String::with_capacity(text.len());
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
                out.push(char::from(b.to_ascii_lowercase()));
            } else if is_ascii_space(b) {
                out.push('-');
            }
        }
        return out;
    }
    heading_id_unicode(text)
}

/// Whether an ASCII byte is whitespace as `char::is_whitespace` has it:
/// `u8::is_ascii_whitespace` leaves out the vertical tab (U+000B).
pub const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// [`heading_id`] of any text (the definition; the ASCII path must agree).
fn heading_id_unicode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfc() {
        if c.is_alphanumeric() || c == '_' || c == '-' || is_combining_mark(c) {
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() {
            out.push('-');
        }
    }
    // Dropping a character can bring a mark next to a letter it composes
    // with (`g.\u{301}`), and lowercasing can add marks (`İ` → `i\u{307}`):
    // normalise again, or the id of an id would differ from the id.
    if out.is_ascii() {
        out
    } else {
        out.nfc().collect()
    }
}

/// What two spellings of one anchor have in common: folded letters and
/// digits only. `#What_is_Travis` and `#what-is-travis` share `whatistravis`.
pub fn anchor_key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// One URL path segment from a file or folder name: like [`heading_id`], but
/// `.` is kept too, so `v1.2` stays `v1.2`.
pub fn path_segment(name: &str) -> String {
    slug_with(name, &['_', '.'])
}

fn slug_with(text: &str, keep: &[char]) -> String {
    // Most file and folder names are ASCII: NFC leaves them alone, there
    // are no marks, and the rule is bytes (normalising was a third of
    // working out a page's URL).
    if text.is_ascii() {
        return slug_ascii(text, keep);
    }
    slug_unicode(text, keep)
}

/// [`slug_with`] of ASCII text.
fn slug_ascii(text: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for b in text.bytes() {
        let c = char::from(b);
        if b.is_ascii_alphanumeric() || keep.contains(&c) {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(char::from(b.to_ascii_lowercase()));
        } else if is_ascii_space(b) || b.is_ascii_punctuation() {
            pending_dash = true;
        }
    }
    out.trim_matches(['.', '_', '-']).to_string()
}

/// [`slug_with`] of any text (the definition; the ASCII path must agree).
fn slug_unicode(text: &str, keep: &[char]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for c in text.nfc() {
        // Marks are kept on the letter they follow, as in heading ids: Indic
        // vowel signs and viramas are marks, and a name without them is
        // misspelt. A mark on nothing (after a dropped symbol) is dropped.
        // Some marks are also alphabetic (U+0345); they follow the same rule,
        // or a later NFC reordering could put a mark first after a dash.
        let mark = is_combining_mark(c);
        if mark
            && (pending_dash
                || !out
                    .chars()
                    .next_back()
                    .is_some_and(|l| l.is_alphanumeric() || is_combining_mark(l)))
        {
            continue;
        }
        if c.is_alphanumeric() || keep.contains(&c) || mark {
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.extend(c.to_lowercase());
        } else if c.is_whitespace() || c == '-' || c.is_ascii_punctuation() {
            pending_dash = true;
        }
        // Other symbols (emoji, marks on their own) are dropped: they make
        // unreadable URLs and users do not type them.
    }
    // A dash before a trimmed `.` or after a trimmed `_` would be left
    // dangling (`but ...` → `but-`): trim them together.
    let out = out.trim_matches(['.', '_', '-']);
    // As in `heading_id`: a dropped symbol can bring a mark next to a letter
    // it composes with, and lowercasing can add marks.
    if out.is_ascii() {
        out.to_string()
    } else {
        out.nfc().collect()
    }
}

/// Lowercases and strips diacritics: `Cuándo` → `cuando`, `ñ` → `n`. Used to
/// match keywords and anchors regardless of accents.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(text, &mut out);
    out
}

/// [`fold`], appended to `out`. Checks and search fold every block of every
/// page, so this avoids a string per call and decomposes only the characters
/// that need it (decomposing one character at a time is the same as the
/// whole text's NFD here: the marks whose order NFD would fix are dropped).
pub fn fold_into(text: &str, out: &mut String) {
    // Runs of ASCII (most of the text, even in Spanish) are copied whole and
    // lowercased in place; only the other characters go one by one.
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = ascii_prefix(rest.as_bytes());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            fold_char(c, out);
            rest = &rest[c.len_utf8()..];
        }
    }
}

/// How many bytes `bytes` starts with that are ASCII: eight at a time
/// while they last (a byte at a time was a third of folding).
fn ascii_prefix(bytes: &[u8]) -> usize {
    crate::bytes::find_flagged(bytes, 0, |word| word, |b| !b.is_ascii())
}

/// One character of [`fold`], appended to `out`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    unicode_normalization::char::decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            out.extend(d.to_lowercase());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What `fold_into` must equal: every character folded on its own.
    fn fold_by_char(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            fold_char(c, &mut out);
        }
        out
    }

    #[test]
    fn folding_runs_equals_folding_each_character() {
        for text in [
            "",
            "ASCII Only",
            "¿Cuándo ADAPTAR el guión?",
            "Ñandú Ä ÉCOLE",
            "İstanbul ΣΊΣΥΦΟΣ",
            "a\u{0301}b mixed ǅ ﬁ 😀 end",
        ] {
            assert_eq!(fold(text), fold_by_char(text), "{text:?}");
        }
        let mut out = String::from("Prefix ");
        fold_into("Más", &mut out);
        assert_eq!(out, "Prefix mas", "appends, leaving what was there");
    }

    proptest! {
        #[test]
        fn folding_runs_equals_folding_each_character_on_any_text(text in any::<String>()) {
            prop_assert_eq!(fold(&text), fold_by_char(&text));
        }

        /// Long ASCII runs with the odd other character anywhere in them,
        /// as prose is: the runs are measured eight bytes at a time.
        #[test]
        fn folding_prose_equals_folding_each_character(text in "([\\x00-\\x7f]{0,20}\\PC?){0,6}") {
            prop_assert_eq!(fold(&text), fold_by_char(&text));
        }
    }

    #[test]
    fn heading_ids_keep_unicode_letters() {
        assert_eq!(heading_id("¿Cuándo adaptar?"), "cuándo-adaptar");
        assert_eq!(heading_id("Step 1: Read the room"), "step-1-read-the-room");
        assert_eq!(heading_id("撰写自述文件"), "撰写自述文件");
        assert_eq!(
            heading_id("What does my company's legal team need to know?"),
            "what-does-my-companys-legal-team-need-to-know"
        );
        assert_eq!(
            heading_id("Опенсорс — значит бесплатно?"),
            "опенсорс--значит-бесплатно"
        );
        assert_eq!(heading_id("🚀"), "");
        assert_eq!(heading_id("snake_case"), "snake_case");
        assert_eq!(anchor_key("What_is_Travis"), anchor_key("what-is-travis"));
    }

    #[test]
    fn nfd_and_nfc_names_give_one_slug() {
        let nfc = "moderación";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(path_segment(nfc), path_segment(&nfd));
    }

    #[test]
    fn path_segments() {
        assert_eq!(path_segment("Guía Rápida"), "guía-rápida");
        assert_eq!(path_segment("code_of_conduct"), "code_of_conduct");
        assert_eq!(path_segment("v1.2 notes"), "v1.2-notes");
    }

    #[test]
    fn ascii_spaces_are_what_char_calls_whitespace() {
        for b in 0..0x80u8 {
            assert_eq!(is_ascii_space(b), char::from(b).is_whitespace(), "{b:#04x}");
        }
    }

    #[test]
    fn ascii_heading_ids_follow_the_unicode_rule() {
        for text in [
            "Step 1: Read the room",
            " \t What's up?\u{b}\u{c}\r\n(x) ",
            "snake_case--and-dash",
            "",
            "\u{1f}\u{7f}~!",
        ] {
            assert_eq!(
                heading_id(text),
                heading_id_unicode(text.trim()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn ascii_path_segments_follow_the_unicode_rule() {
        for text in [
            "code_of_conduct",
            "v1.2 notes",
            "..but -- _why_? ",
            "\u{b}tab\tand\u{c}feed\r\n",
            "",
            "\u{1f}\u{7f}~!",
            "-._",
        ] {
            assert_eq!(
                path_segment(text),
                slug_unicode(text, &['_', '.']),
                "{text:?}"
            );
        }
    }

    proptest! {
        #[test]
        fn any_ascii_path_segment_is_the_unicode_rules(text in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(path_segment(&text), slug_unicode(&text, &['_', '.']));
        }

        #[test]
        fn any_ascii_heading_id_is_the_unicode_rules(text in "[\\x00-\\x7f]{0,40}") {
            prop_assert_eq!(heading_id(&text), heading_id_unicode(text.trim()));
        }
    }

    #[test]
    fn slugging_is_idempotent() {
        for s in ["¿Cuándo adaptar?", "A  b--c", "x.y_z", "Ünïcödé Ñ"] {
            let once = path_segment(s);
            assert_eq!(path_segment(&once), once);
            let once = heading_id(s);
            assert_eq!(heading_id(&once), once, "{s}");
        }
    }

    #[test]
    fn folding() {
        assert_eq!(fold("Cuándo ADAPTAR"), "cuando adaptar");
        assert_eq!(fold("Niño"), "nino");
        // Character by character it is the whole text's NFD, lowercased.
        for text in [
            "İstanbul ǅemal",
            "Ωμέγα ÅNGSTRÖM",
            "e\u{301}\u{323}x",
            "ﬁ Ⅻ ẞ",
        ] {
            let whole: String = text
                .nfd()
                .filter(|c| !is_combining_mark(*c))
                .flat_map(char::to_lowercase)
                .collect();
            assert_eq!(fold(text), whole, "{text}");
        }
    }
}
