//! Inputs found by the fuzz targets (fuzz/fuzz_targets/) and the property
//! tests (tests/properties.rs), minimised, each calling the library function
//! that failed. Each one failed before its fix in src/ and lands with it.
//!
//! To add one: minimise the crash (`cargo fuzz tmin <target> <artifact>`),
//! paste the bytes below as a byte string, call what the target calls.

mod common;

use std::path::Path;

use cmkb::content::Audience;
use cmkb::slug::{heading_id, path_segment};
use cmkb::BuildOptions;
use common::Fixture;

/// A site whose guidance findings do not stop the build, so only structural
/// problems (and panics) decide the outcome.
fn site() -> Fixture {
    Fixture::new()
        .file(
            "site.toml",
            "title = \"Regresiones\"\nbase_url = \"https://org.github.io/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n[check]\nfail_build = false\n",
        )
        .file("content/_index.md", "+++\ntitle = \"Inicio\"\n+++\nBienvenida.\n")
}

fn build(root: &Path) -> cmkb::BuildReport {
    cmkb::build(&BuildOptions {
        root: root.to_path_buf(),
        output_dir: Some(root.join("public")),
        base_url: None,
        audience: Audience::default(),
        today: jiff::civil::date(2026, 11, 25),
    })
    .expect("the build runs")
}

// --- links target --------------------------------------------------------

/// fuzz `links`, minimised to `b"\n\xb4d"` (a link to `\u{FFFD}d`). Any
/// relative link whose last three bytes start inside a multi-byte character
/// panics: `is_markdown` slices `path[path.len() - 3..]`
/// (src/content/resolve.rs:451) — "start byte index 9 is not a char
/// boundary; it is inside 'ñ' (bytes 8..10) of `guias/señal`".
/// fuzz `links`: `normalise("./", "./")` gave `./`, and a folder holding
/// `..` kept it: the folder is resolved like the link.
#[test]
fn normalising_resolves_the_folder_too() {
    use cmkb::content::resolve::normalise;
    assert_eq!(normalise("./", "./").as_deref(), Some(""));
    assert_eq!(normalise("a/b/..", "c.md").as_deref(), Some("a/c.md"));
    assert_eq!(normalise("a/./b", "./c/").as_deref(), Some("a/b/c/"));
    assert_eq!(normalise("..", "c.md"), None);
}

#[test]
fn a_link_to_a_path_ending_in_a_multibyte_character_does_not_panic() {
    for dest in ["señal", "guias/señal", "\u{FFFD}d", "a€d", "../x/año.md€"] {
        let site = site().file(
            "content/guias/pagina.md",
            &format!("+++\ntitle = \"Página\"\n+++\nVer [señal]({dest}).\n"),
        );
        let report = build(site.root());
        assert!(
            report.diagnostics.iter().all(|d| d.rule != "read-error"),
            "{dest}: {:#?}",
            report.diagnostics
        );
    }
}

/// A public page showing `plano.png` of the internal section `equipo/`
/// through the link `dest`: the build's report, which must report the leak.
fn showing_an_internal_file(dest: &str) -> cmkb::BuildReport {
    let site = site()
        .file(
            "content/equipo/_index.md",
            "+++\ntitle = \"Equipo\"\nvisibility = \"internal\"\n+++\nEquipo.\n",
        )
        .bytes("content/equipo/plano.png", b"\x89PNG\r\n")
        .file(
            "content/guias/pagina.md",
            &format!("+++\ntitle = \"Página\"\n+++\n![plano]({dest})\n"),
        );
    let report = build(site.root());
    assert!(
        report
            .diagnostics
            .iter()
            .any(|d| d.rule == "confidential-leak"),
        "{dest}: {:#?}",
        report.diagnostics
    );
    report
}

/// fuzz `links` (its public-page invariant, on `b"\n/equipo/plano.png\n"`):
/// a public page that showed a file of an internal section through a
/// site-root path kept the path and was not reported, while the same link
/// written relative (`../equipo/plano.png`) was a `confidential-leak` and
/// emptied. `site_root_link` (src/content/resolve.rs) checked internal
/// *pages* by URL, not internal *files*.
#[test]
fn a_site_root_link_to_an_internal_file_is_a_leak_like_a_relative_one() {
    showing_an_internal_file("/equipo/plano.png");
}

/// The control for the test above: the relative form.
#[test]
fn a_relative_link_to_an_internal_file_is_a_leak() {
    let report = showing_an_internal_file("../equipo/plano.png");
    assert!(!report.written);
}

// --- page target ---------------------------------------------------------

/// fuzz `page`: a link inside the H1 that becomes the page title. The title
/// H1 is not rendered, but its link still takes slot 0 in the facts, while
/// the renderer numbers slots only over what it renders: every later link
/// gets the URL of the link before it. Here "Ver b" points at a.md.
/// (src/markdown/mod.rs: `collect_facts` counts slots for every link,
/// `render` skips the title's events before counting.)
#[test]
fn a_link_in_the_title_h1_does_not_shift_later_links() {
    let site = site()
        .file("content/a.md", "+++\ntitle = \"A\"\n+++\nTexto A.\n")
        .file("content/b.md", "+++\ntitle = \"B\"\n+++\nTexto B.\n")
        .file("content/pagina.md", "# [Título](a.md)\n\nVer [b](b.md).\n");
    let report = build(site.root());
    assert!(report.written, "{:#?}", report.diagnostics);
    let html = site.read("public/pagina/index.html");
    assert!(
        html.contains("<a href=\"/kb/b/\">b</a>"),
        "the link to b.md must lead to /kb/b/:\n{html}"
    );
}

/// fuzz `page` (its slot oracle): the page's text forges a link slot with
/// an entity or a backslash escape, which the source check in `slot_prefix`
/// does not see (it looks at the Markdown, the forgery appears only in the
/// HTML). The text `cmkb-slot-0` is replaced by the URL of the page's first
/// link. The module promises "no text can forge a slot".
#[test]
fn text_cannot_forge_a_link_slot_through_entities_or_escapes() {
    for text in [
        "Texto cmkb&#45;slot-0 y [b](b.md).\n",
        "Texto cmkb\\-slot-0 y [b](b.md).\n",
        "[a](b.md \"cmkb&#45;slot-0\")\n",
    ] {
        let doc = cmkb::markdown::parse(text, 0, Some("T"));
        let html = doc.html_with(&["/kb/b/".to_string()]);
        assert_eq!(
            html.matches("/kb/b/").count(),
            1,
            "{text:?}: only the link carries the URL:\n{html}"
        );
        assert!(
            html.contains("cmkb-slot-0"),
            "{text:?}: the text is kept:\n{html}"
        );
    }
}

// --- slug target and properties -------------------------------------------

/// fuzz `slug` (from a heading of the opensource-guide corpus) and
/// `properties::path_segments_are_idempotent`: `path_segment` leaves a dash
/// at either end when what follows or precedes it is trimmed (`.`, `_`), and
/// lowercases `İ` to `i` + U+0307, a mark it drops on a second pass. So a
/// file `Opinions are welcome, but ....md` gets the URL `…-but-/`, and a
/// segment is not its own segment.
#[test]
fn path_segments_are_idempotent_and_trimmed() {
    for (text, expected) in [
        ("Opinions are welcome, but ...", "opinions-are-welcome-but"),
        ("_/a", "a"),
        ("_-a", "a"),
        (
            "Level 3: slow down {#level-3}.",
            "level-3-slow-down-level-3",
        ),
    ] {
        assert_eq!(path_segment(text), expected, "{text:?}");
    }
    // A mark left on nothing by a dropped symbol is dropped with it (fuzz
    // `slug`: `E/\u{341}` gave `e-\u{301}`).
    assert_eq!(path_segment("E/\u{341}"), "e");
    assert_eq!(path_segment("x \u{301}y"), "x-y");
    for text in [
        "İstanbul",
        "İ",
        "E/\u{341}x",
        "a.\u{301}b",
        // U+0345 is a mark *and* alphabetic; NFC puts U+0301 before it.
        "ya*E\u{347}[\u{341}\u{345}\u{341}",
    ] {
        let once = path_segment(text);
        assert_eq!(path_segment(&once), once, "{text:?}");
    }
}

/// `properties::heading_ids_are_idempotent` (and fuzz `slug`): `heading_id`
/// normalises to NFC before it lowercases and drops characters, so its output
/// is not always NFC and a second pass changes it: a mark after a dropped
/// character composes with the letter before (`g.\u{301}` → `g\u{301}` →
/// `ǵ`), and `İ` lowercases to `i` + U+0307, which NFC reorders with a
/// following mark (`İ\u{338}`). An id used as `{#id}` or typed from a
/// rendered page no longer matches.
#[test]
fn heading_ids_are_idempotent_on_marks() {
    for text in ["g.\u{301}", "a!\u{301}", "İ\u{338}", "Cuándo?\u{301}"] {
        let once = heading_id(text);
        assert_eq!(heading_id(&once), once, "{text:?} -> {once:?}");
    }
}

/// `properties::path_segments_are_idempotent`, after the fix above: letters
/// whose lowercase is a combining mark are dropped now, and that includes
/// the vowel signs of Indic scripts, which are letters (alphabetic) *and*
/// combining marks. `🯰 ` + U+0B3E + `[a` gives `🯰--a` (the dropped sign
/// leaves two dashes), and a Devanagari or Kannada file name loses its vowels.
#[test]
fn path_segments_keep_alphabetic_combining_marks() {
    assert_eq!(path_segment("हिंदी"), "हिंदी");
    for text in ["🯰 \u{b3e}[a", "ಕನ್ನಡ ಭಾಷೆ", "𞹇:\u{cbe}{ᝮ"] {
        let once = path_segment(text);
        assert_eq!(path_segment(&once), once, "{text:?}");
    }
}
