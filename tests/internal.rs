//! Internal guidance never reaches a public build — by any route. A seeded
//! generator makes sites whose internal pages carry unique canary strings in
//! every place a page can put text (title, body, heading, tags, description,
//! file name, asset name, section folder and title), including an internal
//! translation of a public page; the public build's
//! every output file, path and content, must contain none of them, and the
//! internal build must contain them all — which proves the scan looks where
//! the canaries would be.

mod common;

use std::path::Path;

/// A tiny deterministic generator (xorshift), so each site is reproducible
/// from its number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct GeneratedSite {
    dir: tempfile::TempDir,
    canaries: Vec<String>,
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn page(title: &str, extra: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n{extra}+++\n{body}\n")
}

fn generate(n: u64) -> GeneratedSite {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut canaries = Vec::new();
    let mut canary = |what: &str| {
        let c = format!("zq{n:03}{what}k{}", canaries.len());
        canaries.push(c.clone());
        c
    };
    write(
        root,
        "site.toml",
        "title = \"Gen\"\nbase_url = \"https://gen.example.org/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n",
    );
    write(
        root,
        "content/_index.md",
        &page("Inicio", "", "Bienvenida."),
    );
    let sections = ["guias", "playbooks", "normas"];
    let public_pages = 2 + rng.below(4);
    let mut public_paths = Vec::new();
    for i in 0..public_pages {
        let section = sections[rng.below(3) as usize];
        let rel = format!("content/{section}/publica-{i}.md");
        let weight = rng.below(20);
        write(
            root,
            &rel,
            &page(
                &format!("Pública {i}"),
                &format!("tags = [\"comunidad\"]\nweight = {weight}\ntranslation_key = \"par{i}\"\nreviewed = 2026-0{}-01\n", 1 + rng.below(9)),
                &format!("## Sección {i}\n\nTexto público sobre moderación.\n"),
            ),
        );
        public_paths.push(rel);
    }
    // Internal pages inside public sections, explicitly marked.
    for i in 0..1 + rng.below(3) {
        let section = sections[rng.below(3) as usize];
        let file = canary("file");
        let title = canary("title");
        let tag = canary("tag");
        let description = canary("desc");
        let heading = canary("heading");
        let body = canary("body");
        // The first one is the translation of a public page: that page must
        // not offer it as a translation. (Keys themselves are never output.)
        let key = if i == 0 {
            "par0".to_string()
        } else {
            format!("solo{i}")
        };
        let weight = rng.below(20);
        write(
            root,
            &format!("content/{section}/{file}.md"),
            &page(
                &format!("Interna {title}"),
                &format!(
                    "visibility = \"internal\"\ndescription = \"{description}\"\ntags = [\"{tag}\", \"comunidad\"]\nweight = {weight}\ntranslation_key = \"{key}\"\nlang = \"{}\"\nreviewed = 2026-11-01\n",
                    if i == 0 { "en" } else { "es" }
                ),
                &format!("## {heading}\n\n{body} moderación escalada.\n\n[pública](../{}/publica-0.md)\n", sections[0]),
            ),
        );
        if !public_paths
            .iter()
            .any(|p| p.contains(&format!("{}/publica-0", sections[0])))
        {
            // The link above must resolve: make sure its target exists.
            write(
                root,
                &format!("content/{}/publica-0.md", sections[0]),
                &page("Pública 0", "", "Texto."),
            );
        }
    }
    // An internal section: its folder, index, pages and files are internal.
    if rng.below(2) == 0 || n % 3 == 0 {
        let folder = canary("folder");
        let section_title = canary("sectiontitle");
        write(
            root,
            &format!("content/{folder}/_index.md"),
            &page(
                &section_title,
                "visibility = \"internal\"\n",
                "Sección del equipo.",
            ),
        );
        let asset = canary("asset");
        std::fs::create_dir_all(root.join(format!("content/{folder}"))).unwrap();
        std::fs::write(root.join(format!("content/{folder}/{asset}.png")), b"PNG").unwrap();
        let inherited = canary("inherited");
        write(
            root,
            &format!("content/{folder}/contactos.md"),
            &page(
                &format!("Contactos {inherited}"),
                "tags = [\"guardia\"]\n",
                &format!("Texto {inherited}.\n\n![mapa]({asset}.png)\n"),
            ),
        );
    }
    GeneratedSite { dir, canaries }
}

fn build(root: &Path, out: &Path, internal: bool) -> cmkb::BuildReport {
    common::build_edition(root, out, internal)
}

#[test]
fn no_internal_canary_reaches_a_public_build_of_200_generated_sites() {
    for n in 0..200 {
        let site = generate(n);
        let out = site.dir.path().join("public-out");
        let report = build(site.dir.path(), &out, false);
        assert!(report.written, "site {n}: {:#?}", report.diagnostics);
        let public = common::everything(&out);
        for canary in &site.canaries {
            assert!(
                !public.contains(canary),
                "site {n}: `{canary}` reached the public build"
            );
        }
        let internal_out = site.dir.path().join("internal-out");
        let report = build(site.dir.path(), &internal_out, true);
        assert!(report.written, "site {n}: {:#?}", report.diagnostics);
        let internal = common::everything(&internal_out);
        for canary in &site.canaries {
            assert!(internal.contains(canary), "site {n}: `{canary}` is missing from the internal build, so the scan proves nothing");
        }
    }
}

#[test]
fn a_public_page_linking_into_an_internal_section_fails_and_writes_nothing() {
    let site = generate(3);
    let root = site.dir.path();
    let folder = site
        .canaries
        .iter()
        .find(|c| c.contains("folder"))
        .expect("site 3 has an internal section")
        .clone();
    write(
        root,
        "content/guias/enlace.md",
        &page(
            "Enlace",
            "",
            &format!("[equipo](../{folder}/contactos.md#contactos)"),
        ),
    );
    let out = root.join("public-out");
    let report = build(root, &out, false);
    assert!(!report.written);
    assert!(!out.exists());
    let leak = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "confidential-leak")
        .expect("a leak finding");
    assert!(
        leak.message.contains("contactos.md"),
        "names the internal page: {}",
        leak.message
    );
    assert!(
        leak.help
            .as_deref()
            .unwrap_or("")
            .contains("quita el enlace"),
        "says how to fix it"
    );
}

#[test]
fn inheritance_an_internal_section_makes_its_subtree_internal_unless_a_page_says_otherwise() {
    let site = common::Fixture::site()
        .file(
            "content/equipo/_index.md",
            "+++\ntitle = \"Equipo\"\nvisibility = \"internal\"\n+++\n",
        )
        .file(
            "content/equipo/hondo/mas/pagina.md",
            "+++\ntitle = \"Honda\"\n+++\nTexto.\n",
        )
        .file(
            "content/equipo/publica.md",
            "+++\ntitle = \"Publicable\"\nvisibility = \"public\"\n+++\nTexto.\n",
        )
        .file(
            "content/equipo/abierta/_index.md",
            "+++\ntitle = \"Abierta\"\nvisibility = \"public\"\n+++\n",
        )
        .file(
            "content/equipo/abierta/nota.md",
            "+++\ntitle = \"Nota\"\n+++\nTexto.\n",
        );
    site.build().ok();
    assert!(
        !site.exists("public/equipo/hondo/mas/pagina/index.html"),
        "deep pages inherit internal"
    );
    assert!(!site.exists("public/equipo/index.html"));
    assert!(
        site.exists("public/equipo/publica/index.html"),
        "a page may say public explicitly"
    );
    assert!(
        site.exists("public/equipo/abierta/nota/index.html"),
        "a deeper _index.md may make its subtree public"
    );
}
