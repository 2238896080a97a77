//! Slugs and heading ids (src/slug.rs), on any text.
//!
//! Contracts, from the module's docs:
//! - `heading_id` keeps letters, digits, `_`, `-` (and the marks NFC leaves
//!   on letters), turns whitespace into `-` and drops everything else;
//! - `path_segment` is a URL path segment: letters (with their marks),
//!   digits, `_`, `.`, `-`;
//!   no `/`, no whitespace, never `.`/`..`, never starting or ending with
//!   `.` or `_`;
//! - both are idempotent: a slug is its own slug (an id or a URL written as
//!   cmkb printed it finds the same thing again);
//! - `anchor_key` of a heading's id equals `anchor_key` of its text, so a
//!   link typed from the heading text finds the heading.
//!
//! Heading ids are checked first: `path_segment` fails on shallow inputs
//! (see tests/fuzz_regressions.rs), which would otherwise hide the rest.
#![no_main]

use cmkb::slug::{anchor_key, fold, heading_id, path_segment};
use libfuzzer_sys::fuzz_target;
use unicode_normalization::char::is_combining_mark as is_mark;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();

    let id = heading_id(text);
    assert_eq!(
        heading_id(&id),
        id,
        "heading_id({text:?}) = {id:?} is not stable"
    );
    assert!(
        id.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-') || is_mark(c)),
        "heading_id({text:?}) = {id:?}"
    );
    assert!(!id.contains(char::is_whitespace) && !id.contains('/'));

    let key = anchor_key(text);
    assert!(key.chars().all(char::is_alphanumeric));
    assert_eq!(
        anchor_key(&id),
        key,
        "anchor_key of heading_id({text:?}) = {id:?}"
    );
    let segment = path_segment(text);
    assert_eq!(
        path_segment(&segment),
        segment,
        "path_segment({text:?}) = {segment:?} is not stable"
    );
    assert!(
        segment
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '-') || is_mark(c)),
        "path_segment({text:?}) = {segment:?}"
    );
    assert!(segment != "." && segment != "..");
    assert!(!segment.starts_with(['.', '_']) && !segment.ends_with(['.', '_']));

    let _ = fold(text);
});
