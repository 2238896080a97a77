//! The real community handbooks in `../shared/corpora/` build: YAML front
//! matter with entities in 29 languages, TOML with titles from H1s, and MyST
//! files with no front matter at all. Every Markdown file becomes a page with
//! a sensible title.

mod common;

use std::path::Path;

use cmkb::content::{self, Audience, LoadOptions};
use cmkb::Config;
use common::Fixture;

/// Copies a corpus into a temp site, with a `site.toml` when one is given.
fn corpus_site(name: &str, site_toml: Option<&str>) -> Option<Fixture> {
    let shared = common::shared_dir()?;
    let source = shared.join("corpora").join(name);
    let mut site = Fixture::new();
    for entry in walkdir::WalkDir::new(&source)
        .into_iter()
        .filter_map(Result::ok)
    {
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(&source)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            site = site.bytes(&rel, &std::fs::read(entry.path()).unwrap());
        }
    }
    if let Some(toml) = site_toml {
        site = site.file("site.toml", toml);
    }
    Some(site)
}

fn markdown_files(root: &Path) -> usize {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .filter(|e| !e.path().components().any(|c| c.as_os_str() == "public"))
        .count()
}

/// Loads the corpus with the library to look at what became of each file.
fn every_file_is_a_titled_page(site: &Fixture) {
    let config = Config::load(site.root()).unwrap();
    let loaded = content::load(
        site.root(),
        config,
        LoadOptions {
            audience: Audience {
                internal: true,
                drafts: true,
            },
            today: jiff::civil::date(2026, 11, 25),
            output_dir: None,
            static_files: Default::default(),
            html: true,
        },
    )
    .unwrap();
    let expected = markdown_files(&content::content_dir(site.root(), &loaded.config));
    assert_eq!(
        loaded.pages.len(),
        expected,
        "every Markdown file is a page"
    );
    for page in &loaded.pages {
        assert!(
            !page.title.trim().is_empty(),
            "{} has no title",
            page.rel_path
        );
        assert!(
            !page.title.contains("&aacute;") && !page.title.contains("&oacute;"),
            "entities left in {}",
            page.title
        );
        if !page.is_section_index {
            let out = site.path("public").join(&page.output_path);
            assert!(
                out.is_file(),
                "{} was not written to {}",
                page.rel_path,
                out.display()
            );
        }
    }
}

/// Only links that are broken in the source itself may be reported: these
/// corpora are extracts, and some of their links point at files that were not
/// extracted (the repository's README.md) or at anchors upstream got wrong.
///
/// They also publish their maintainers' own e-mail addresses (the Turing
/// Way's code-of-conduct contacts): `personal-data` rightly flags them, and
/// here it only warns.
const BROKEN_LINKS_AS_WARNINGS: &str =
    "[check.rules.broken-link]\nseverity = \"warning\"\n[check.rules.personal-data]\nseverity = \"warning\"\n";

fn build_clean(site: &Fixture, max_broken: usize) {
    let run = site.build();
    run.ok();
    assert!(!run.stderr.contains("error["), "{}", run.stderr);
    let broken = run.stderr.matches("warning[broken-link]").count();
    assert!(
        broken <= max_broken,
        "{broken} broken links:\n{}",
        run.stderr
    );
}

#[test]
fn contributor_covenant_builds_with_titles_from_h1s() {
    let Some(site) = corpus_site("contributor-covenant", None) else {
        return;
    };
    site.build().ok().does_not_say("error[");
    every_file_is_a_titled_page(&site);
    let es = site.read("public/es/version/2/1/code_of_conduct/index.html");
    assert!(es.contains("lang=\"es\""));
    assert!(
        es.contains("Pacto de Convivencia") || es.contains("Código de Conducta"),
        "the Spanish H1 is the title"
    );
    assert!(
        es.contains("/version/2/1/code_of_conduct/\""),
        "paired with the English original by file name"
    );
}

#[test]
fn opensource_guide_builds_with_yaml_entities_and_29_languages() {
    let Some(site) = corpus_site("opensource-guide", Some(BROKEN_LINKS_AS_WARNINGS)) else {
        return;
    };
    build_clean(&site, 1);
    every_file_is_a_titled_page(&site);
    let html = site.read("public/articles/es/best-practices/index.html");
    assert!(
        html.contains("<title>Buenas Prácticas"),
        "entities decoded once in the title"
    );
    assert!(html.contains("lang=\"es\""));
}

#[test]
fn opensource_guide_anchors_written_for_github_resolve() {
    let Some(site) = corpus_site("opensource-guide", Some(BROKEN_LINKS_AS_WARNINGS)) else {
        return;
    };
    let run = site.build();
    run.ok();
    // kramdown/GitHub-style anchors such as #what-does-my-companys-legal-team-need-to-know
    run.does_not_say("what-does-my-companys-legal-team-need-to-know");
}

#[test]
fn the_turing_way_builds_without_front_matter() {
    let Some(site) = corpus_site("the-turing-way", Some(BROKEN_LINKS_AS_WARNINGS)) else {
        return;
    };
    build_clean(&site, 25);
    every_file_is_a_titled_page(&site);
}

#[test]
fn checking_the_corpora_gives_valid_json_and_no_crash() {
    for name in ["contributor-covenant", "opensource-guide", "the-turing-way"] {
        let Some(site) = corpus_site(name, None) else {
            return;
        };
        let run = site.cmkb(&["check", "--today", "2026-11-25", "--format", "json"]);
        assert!(
            run.code == 0 || run.code == 1,
            "{name}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
        let value: serde_json::Value =
            serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let diagnostics = value["diagnostics"].as_array().expect("diagnostics array");
        for d in diagnostics {
            assert!(
                d["path"].as_str().is_some_and(|p| !p.starts_with('/')),
                "relative paths: {d}"
            );
            assert!(d["rule"].is_string() && d["message"].is_string());
        }
    }
}
