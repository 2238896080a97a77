//! Link resolution. The input's first line is a folder, the others are link
//! destinations:
//! - `normalise` and `percent_decode` on each (pure functions, with their
//!   documented contracts);
//! - then a small fixed site (public and internal sections, pages with
//!   headings, assets) gets a public page and an internal page whose links
//!   are those destinations, and is loaded (which resolves every link) for
//!   the public audience or for the internal one (by the input's length).
//!
//! Invariants: one URL per slot; in the public build, no link of a public
//! page is given the URL of an internal page or internal file (it must be
//! emptied and reported instead).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use cmkb::config::Config;
use cmkb::content::resolve::{normalise, percent_decode};
use cmkb::content::{self, Audience, LoadOptions, Visibility};
use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

struct Fixture {
    root: PathBuf,
    config: Config,
}

const FILES: &[(&str, &str)] = &[
    ("content/_index.md", "+++\ntitle = \"Inicio\"\n+++\nBienvenida.\n"),
    ("content/guias/_index.md", "+++\ntitle = \"Guías\"\n+++\nGuías.\n"),
    (
        "content/guias/moderar.md",
        "+++\ntitle = \"Moderar\"\n+++\n## Cuándo adaptar\n\nTexto.\n\n## Escalada {#escalation}\n\n<a id=\"raw\"></a>\n",
    ),
    ("content/guias/borrador.md", "+++\ntitle = \"Borrador\"\ndraft = true\n+++\nTexto.\n"),
    ("content/guias/diagrama.png", "PNG"),
    (
        "content/equipo/_index.md",
        "+++\ntitle = \"Equipo\"\nvisibility = \"internal\"\n+++\nEquipo.\n",
    ),
    ("content/equipo/secreto.md", "+++\ntitle = \"Secreto\"\n+++\n## Guardia\n\nTexto.\n"),
    ("content/equipo/plano.png", "PNG"),
    (
        "content/abierto.md",
        "+++\ntitle = \"Abierto\"\nvisibility = \"public\"\n+++\nTexto.\n",
    ),
];

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        common::init();
        let root = common::scratch("links");
        for (rel, text) in FILES {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let toml = "title = \"Fuzz\"\nbase_url = \"https://fuzz.example.org/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n";
        let config = Config::parse(toml, &root.join("site.toml")).expect("fixture config");
        Fixture { root, config }
    })
}

fn check_normalise(dir: &str, relative: &str) {
    let Some(joined) = normalise(dir, relative) else {
        return;
    };
    assert!(!joined.starts_with('/'), "{joined:?}");
    let inner = joined.strip_suffix('/').unwrap_or(&joined);
    if !inner.is_empty() {
        for part in inner.split('/') {
            assert!(
                !matches!(part, "" | "." | ".."),
                "normalise({dir:?}, {relative:?}) = {joined:?}"
            );
        }
    }
}

fn check_percent_decode(text: &str) {
    let decoded = percent_decode(text);
    if !text.contains('%') {
        assert_eq!(decoded, text);
    }
    assert!(decoded.len() <= text.len());
}

fuzz_target!(|data: &[u8]| {
    let fx = fixture();
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let dir = lines.next().unwrap_or("");
    let dests: Vec<&str> = lines.take(64).collect();
    let mut body = String::from("+++\ntitle = \"Enlaces\"\n+++\n");
    for dest in &dests {
        check_normalise(dir, dest);
        check_percent_decode(dest);
        check_percent_decode(dir);
        if dest.contains(['<', '>']) {
            body.push_str(&format!("[enlace]({dest}) ![imagen]({dest})\n\n"));
        } else {
            body.push_str(&format!("[enlace](<{dest}>) ![imagen](<{dest}>)\n\n"));
        }
    }
    check_normalise(dir, dir);
    std::fs::write(fx.root.join("content/guias/fuzz.md"), &body).unwrap();
    std::fs::write(fx.root.join("content/equipo/fuzz.md"), &body).unwrap();

    // One audience per input (by its length's parity): loading twice would
    // halve the executions for little more coverage.
    let internal = data.len() % 2 == 1;
    {
        let site = content::load(
            &fx.root,
            fx.config.clone(),
            LoadOptions {
                audience: Audience {
                    internal,
                    drafts: false,
                },
                today: jiff::civil::date(2026, 11, 25),
                output_dir: None,
                static_files: ["img/logo.png".to_string()].into_iter().collect(),
                html: true,
            },
        )
        .expect("the fixture loads");
        let mut hidden: Vec<String> = site
            .pages
            .iter()
            .filter(|p| p.visibility == Visibility::Internal)
            .map(|p| p.url.clone())
            .collect();
        hidden.extend(
            site.assets
                .iter()
                .filter(|a| a.visibility == Visibility::Internal)
                .map(|a| format!("{}{}", site.base_path(), a.rel_path)),
        );
        for (_, page) in site.included_pages() {
            let slots = page.doc.links.iter().filter(|l| l.slot.is_some()).count();
            assert_eq!(page.slot_urls.len(), slots, "{}", page.rel_path);
            let _ = page.html();
            if internal || page.visibility == Visibility::Internal {
                continue;
            }
            for url in &page.slot_urls {
                let bare = url.split(['#', '?']).next().unwrap_or("");
                assert!(
                    !hidden.iter().any(|h| h == bare),
                    "public page {} links {url}, which is internal",
                    page.rel_path
                );
            }
        }
    }
});
