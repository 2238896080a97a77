//! Front matter: `split` then `parse`, on any text. Never panics; the split
//! pieces are slices of the input in order; every line it reports is a line
//! of the file.
#![no_main]

use cmkb::content::frontmatter::{self, Format};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    // Pages that are not UTF-8 never reach the front-matter parser (they are
    // reported by the reader), so only valid text is interesting here.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lines = common::line_count(text);
    match frontmatter::split(text) {
        Err(e) => {
            assert!(
                e.line >= 1 && e.line <= lines,
                "error line {} of {lines}",
                e.line
            );
            assert!(!e.message.is_empty());
        }
        Ok(split) => {
            assert!(split.body_offset <= text.len());
            assert_eq!(split.body, &text[split.body_offset..]);
            match split.format {
                None => {
                    assert_eq!(split.body_offset, 0);
                    assert!(split.front.is_empty());
                }
                Some(format) => {
                    let delimiter = match format {
                        Format::Toml => "+++",
                        Format::Yaml => "---",
                    };
                    assert!(text.starts_with(delimiter));
                    // `front` is the text between the delimiter lines.
                    let start = split.front.as_ptr() as usize - text.as_ptr() as usize;
                    assert!(start + split.front.len() <= split.body_offset);
                    assert_eq!(split.front_line, 2);
                }
            }
            let (fm, errors) = frontmatter::parse(&split);
            assert_eq!(fm.format, split.format);
            for e in &errors {
                assert!(
                    e.line >= 1 && e.line <= lines,
                    "error line {} of {lines}: {}",
                    e.line,
                    e.message
                );
            }
            for (key, &line) in &fm.lines {
                assert!(
                    line >= 1 && line <= lines,
                    "`{key}` on line {line} of {lines}"
                );
            }
            for key in &fm.unknown {
                assert!(!frontmatter::KNOWN_KEYS.contains(&key.as_str()));
            }
            // What templates and the checks call on every page.
            let _ = fm.line_of("title");
            if let Some(title) = &fm.title {
                let _ = frontmatter::decode_entities(title);
            }
        }
    }
    let _ = frontmatter::parse_date(text);
});
