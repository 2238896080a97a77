//! A whole page file, as `cmkb build` and `cmkb check` read it: decoded,
//! front matter split and parsed, Markdown parsed once into the facts the
//! checks use, links resolved, every check rule run.
//!
//! Invariants (from the docs of `markdown` and `content`):
//! - every recorded offset is a char boundary of the file, past the front matter;
//! - derived heading ids are non-empty, unique and never a reserved landmark id;
//! - blocks are trimmed, non-empty, and sit under an existing heading;
//! - link slots are numbered 0, 1, … in order, and filling them puts slot
//!   *n*'s URL exactly where link *n* is rendered: no slot lost, moved or
//!   forged by the page's text;
//! - every diagnostic about the page points at a line of the page.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use cmkb::check::Checker;
use cmkb::config::Config;
use cmkb::content::{self, frontmatter, Audience, LoadOptions};
use cmkb::markdown::Document;
use libfuzzer_sys::fuzz_target;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

#[path = "common.rs"]
mod common;

const RESERVED: [&str; 4] = ["main", "search-q", "content", "toc"];
const MARK: &str = "https://slot.invalid/";

struct Fixture {
    root: PathBuf,
    page: PathBuf,
    config: Config,
    checker: Checker,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        common::init();
        let root = common::scratch("page");
        std::fs::create_dir_all(root.join("content")).unwrap();
        let toml = "title = \"Fuzz\"\nbase_url = \"https://fuzz.example.org/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n";
        let config = Config::parse(toml, &root.join("site.toml")).expect("fixture config");
        let checker = Checker::new(&config).expect("fixture checker");
        Fixture {
            page: root.join("content/page.md"),
            root,
            config,
            checker,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    std::fs::write(&fx.page, data).unwrap();
    let site = content::load(
        &fx.root,
        fx.config.clone(),
        LoadOptions {
            audience: Audience::default(),
            today: jiff::civil::date(2026, 11, 25),
            output_dir: None,
            static_files: Default::default(),
            html: true,
        },
    )
    .expect("the content folder exists");
    let diagnostics = fx.checker.run(&site);
    let Some(page) = site.pages.first() else {
        // Not UTF-8, NUL bytes, or unclosed front matter: said, not panicked.
        assert!(
            diagnostics.iter().any(|d| d.path.ends_with("page.md")),
            "a page that cannot be read must be reported"
        );
        return;
    };
    let text = page.source.text.as_str();
    let lines = common::line_count(text);
    for d in &diagnostics {
        assert!(
            d.line <= lines,
            "{}:{} of {lines} lines: {}",
            d.rule,
            d.line,
            d.message
        );
    }
    let body_offset = frontmatter::split(text).map(|s| s.body_offset).unwrap();
    check_document(&page.doc, text, body_offset);
    // The resolved page (drafts are not resolved: they are left out): one URL per slot.
    if page.included {
        let slots = page.doc.links.iter().filter(|l| l.slot.is_some()).count();
        assert_eq!(page.slot_urls.len(), slots);
    }
    let _ = page.html();
    let _ = page.doc.folded_text();
    let _ = page.doc.prose_blocks().count();
});

fn at(text: &str, offset: usize, body_offset: usize, what: &str) {
    assert!(
        offset >= body_offset && offset <= text.len() && text.is_char_boundary(offset),
        "{what} at {offset}: body {body_offset}..{}",
        text.len()
    );
}

fn check_document(doc: &Document, text: &str, body_offset: usize) {
    for h in &doc.headings {
        at(text, h.offset, body_offset, "heading");
        if !h.explicit_id {
            assert!(!h.id.is_empty());
            assert!(!RESERVED.contains(&h.id.as_str()), "derived id {}", h.id);
            let same = doc.headings.iter().filter(|o| o.id == h.id).count();
            assert_eq!(same, 1, "derived id `{}` is not unique", h.id);
        }
    }
    assert!(doc.headings.iter().filter(|h| h.is_title).count() <= 1);
    for b in &doc.blocks {
        at(text, b.offset, body_offset, "block");
        assert!(!b.text.is_empty() && b.text.trim() == b.text);
        assert!(b.section.is_none_or(|s| s < doc.headings.len()));
    }
    for c in &doc.comments {
        at(text, c.offset, body_offset, "comment");
    }
    let mut next_slot = 0;
    for l in &doc.links {
        at(text, l.offset, body_offset, "link");
        at(text, l.offset + l.len, body_offset, "link end");
        if let Some(slot) = l.slot {
            assert_eq!(slot, next_slot, "slots are numbered in order");
            next_slot += 1;
        }
    }
    check_slots(doc, text, body_offset);
}

/// Fills each slot with a marker naming it and reads the markers back from
/// the HTML in order: they must be the slots of the links that are rendered
/// (not those of the title H1, which is not rendered, nor those nested in an
/// image's alt text, which is text), in document order.
fn check_slots(doc: &Document, text: &str, body_offset: usize) {
    if text.contains("slot.invalid") {
        return;
    }
    let slots = doc.links.iter().filter(|l| l.slot.is_some()).count();
    let markers: Vec<String> = (0..slots).map(|n| format!("{MARK}{n}/")).collect();
    let html = doc.html_with(&markers);
    let found: Vec<usize> = html
        .match_indices(MARK)
        .map(|(i, _)| {
            let rest = &html[i + MARK.len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            rest[..digits].parse().unwrap()
        })
        .collect();
    let rendered = rendered_link_offsets(doc, &text[body_offset..], body_offset);
    let expected: Vec<usize> = doc
        .links
        .iter()
        .filter(|l| rendered.contains(&l.offset))
        .filter_map(|l| l.slot)
        .collect();
    assert_eq!(
        found, expected,
        "slots in the HTML (left) are not those of the rendered links (right)"
    );
}

/// File offsets of the links and images the HTML shows, from pulldown-cmark
/// itself (the options cmkb parses with).
fn rendered_link_offsets(doc: &Document, body: &str, body_offset: usize) -> Vec<usize> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let title = doc.headings.iter().find(|h| h.is_title).map(|h| h.offset);
    let mut out = Vec::new();
    let mut in_image = 0usize;
    let mut in_title = false;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let start = body_offset + range.start;
        match event {
            Event::Start(Tag::Heading { .. }) if Some(start) == title => in_title = true,
            Event::End(TagEnd::Heading(_)) => in_title = false,
            Event::Start(Tag::Link { .. }) if in_image == 0 && !in_title => out.push(start),
            Event::Start(Tag::Image { .. }) => {
                if in_image == 0 && !in_title {
                    out.push(start);
                }
                in_image += 1;
            }
            Event::End(TagEnd::Image) => in_image -= 1,
            _ => {}
        }
    }
    out
}
