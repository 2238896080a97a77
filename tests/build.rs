//! `cmkb build`: a community team's Markdown becomes a complete static site.

mod common;

use common::Fixture;

/// A playbook with everything its type requires, followed by `body`.
fn playbook(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"Qué hacer\"\ntype = \"playbook\"\nowner = \"equipo-comunidad\"\naudience = [\"moderadores\"]\nreviewed = 2026-10-01\nreview_by = 2027-04-01\n+++\n## Cuándo adaptar {{#when-to-adapt}}\n\nSi la persona está afectada, prioriza su seguridad antes que el guion, porque el guion sirve a las personas.\n\n{body}"
    )
}

#[test]
fn a_guide_becomes_a_clean_url_page_with_its_links_rewritten_under_the_subpath() {
    let site = Fixture::site()
        .file(
            "content/guides/moderation.md",
            "+++\ntitle = \"Moderar con calma\"\n+++\nLee el [playbook de crisis](../playbooks/crisis.md#escalation) y la [sección](@/playbooks/_index.md).\n\n![diagrama](diagram.png)\n",
        )
        .file("content/guides/diagram.png", "PNG")
        .file("content/playbooks/_index.md", "+++\ntitle = \"Playbooks\"\n+++\n")
        .file("content/playbooks/crisis.md", &playbook("Crisis", "## Escalada {#escalation}\n\nLlama a guardia.\n"));
    site.build().ok();
    let html = site.read("public/guides/moderation/index.html");
    assert!(
        html.contains("href=\"/kb/playbooks/crisis/#escalation\""),
        "{html}"
    );
    assert!(html.contains("href=\"/kb/playbooks/\""), "{html}");
    assert!(html.contains("src=\"/kb/guides/diagram.png\""), "{html}");
    assert!(
        site.exists("public/guides/diagram.png"),
        "co-located asset copied"
    );
    assert!(html.contains("<title>"), "rendered through the theme");
    assert!(
        html.contains("href=\"/kb/style.css\""),
        "theme assets under the subpath: {html}"
    );
    assert!(site.exists("public/style.css"));
    assert!(site.exists("public/404.html"));
}

#[test]
fn sections_list_their_pages_by_weight_then_title() {
    let site = Fixture::site()
        .file(
            "content/guides/_index.md",
            "+++\ntitle = \"Guías\"\ndescription = \"Cómo trabajamos\"\n+++\n",
        )
        .file(
            "content/guides/zeta.md",
            "+++\ntitle = \"Zeta\"\nweight = 1\n+++\nTexto.\n",
        )
        .file(
            "content/guides/alfa.md",
            "+++\ntitle = \"Alfa\"\nweight = 2\n+++\nTexto.\n",
        )
        .file(
            "content/guides/beta.md",
            "+++\ntitle = \"Beta\"\nweight = 2\n+++\nTexto.\n",
        )
        .file(
            "content/guides/deep/er/nested.md",
            "+++\ntitle = \"Anidada\"\n+++\nTexto.\n",
        );
    site.build().ok();
    let html = site.read("public/guides/index.html");
    let zeta = html.find("Zeta").expect("zeta listed");
    let alfa = html.find("Alfa").expect("alfa listed");
    let beta = html.find("Beta").expect("beta listed");
    assert!(zeta < alfa && alfa < beta, "weight, then title");
    assert!(
        site.exists("public/guides/deep/er/nested/index.html"),
        "any depth"
    );
    assert!(
        site.exists("public/guides/deep/er/index.html"),
        "folders without _index.md still get a section page"
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Fixture::site().file(
        "content/wip.md",
        "+++\ntitle = \"Borrador\"\ndraft = true\n+++\nAún no.\n",
    );
    site.build().ok();
    assert!(!site.exists("public/wip/index.html"));
    assert!(!site.read("public/sitemap.xml").contains("/wip/"));
    site.cmkb(&["build", "--drafts", "--today", "2026-11-25"])
        .ok();
    assert!(site.exists("public/wip/index.html"));
}

#[test]
fn internal_pages_are_left_out_of_every_public_listing() {
    let site = Fixture::site()
        .file("content/team/_index.md", "+++\ntitle = \"Equipo\"\nvisibility = \"internal\"\n+++\n")
        .file("content/team/contacts.md", "+++\ntitle = \"Contactos de guardia\"\ntags = [\"secreto\"]\n+++\nguardia@example.org\n")
        .file("content/team/public-note.md", "+++\ntitle = \"Nota pública\"\nvisibility = \"public\"\n+++\nTexto.\n")
        .file("content/guides/open.md", "+++\ntitle = \"Abierta\"\ntags = [\"comunidad\"]\nreviewed = 2026-10-01\n+++\nTexto.\n");
    site.build().ok();
    assert!(!site.exists("public/team/contacts/index.html"));
    assert!(
        site.exists("public/team/public-note/index.html"),
        "an explicit public page inside an internal section is public"
    );
    for file in [
        "sitemap.xml",
        "atom.xml",
        "index.html",
        "tags/index.html",
        "404.html",
    ] {
        let text = site.read(&format!("public/{file}"));
        assert!(
            !text.contains("Contactos de guardia"),
            "{file} mentions the internal page"
        );
        assert!(
            !text.contains("team/contacts"),
            "{file} links the internal page"
        );
        assert!(!text.contains("secreto"), "{file} lists the internal tag");
    }
    assert!(!site.exists("public/tags/secreto/index.html"));
    site.cmkb(&["build", "--internal", "--today", "2026-11-25"])
        .ok();
    assert!(site.exists("public/team/contacts/index.html"));
    assert!(site
        .read("public/sitemap.xml")
        .contains("/kb/team/contacts/"));
    assert!(site.read("public/robots.txt").contains("Disallow: /"));
}

#[test]
fn a_public_page_linking_to_an_internal_one_fails_the_public_build() {
    let site = Fixture::site()
        .file(
            "content/team/escalation.md",
            "+++\ntitle = \"Escalado interno\"\nvisibility = \"internal\"\n+++\nTexto.\n",
        )
        .file(
            "content/guides/open.md",
            "+++\ntitle = \"Abierta\"\n+++\nVer [escalado](../team/escalation.md).\n",
        );
    site.build()
        .fails_with(1)
        .says("error[confidential-leak]")
        .says("content/guides/open.md:4:5")
        .says("content/team/escalation.md")
        .says("haz pública la página enlazada");
    // The content is wrong whichever edition is built: the internal build
    // reports it too, so it is fixed before anyone publishes.
    site.cmkb(&["build", "--internal", "--today", "2026-11-25"])
        .fails_with(1)
        .says("error[confidential-leak]");
    // Linking the internal page by its URL is the same leak.
    let site = site.file(
        "content/guides/open.md",
        "+++\ntitle = \"Abierta\"\n+++\nVer [escalado](/team/escalation/).\n",
    );
    site.build().fails_with(1).says("error[confidential-leak]");
}

#[test]
fn the_sitemap_feed_and_robots_respect_the_base_url() {
    let site = Fixture::site().file(
        "content/guides/a.md",
        "+++\ntitle = \"Guía A\"\nreviewed = 2026-10-01\ndescription = \"Sobre A & B\"\n+++\nTexto.\n",
    );
    site.build().ok();
    let sitemap = site.read("public/sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://org.github.io/kb/guides/a/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<lastmod>2026-10-01</lastmod>"));
    let feed = site.read("public/atom.xml");
    assert!(
        feed.contains("<link href=\"https://org.github.io/kb/guides/a/\"/>"),
        "{feed}"
    );
    assert!(
        feed.contains("<summary>Sobre A &amp; B</summary>"),
        "{feed}"
    );
    assert!(site
        .read("public/robots.txt")
        .contains("Sitemap: https://org.github.io/kb/sitemap.xml"));
    site.cmkb(&[
        "build",
        "--base-url",
        "https://kb.example.org",
        "--today",
        "2026-11-25",
    ])
    .ok();
    assert!(site
        .read("public/guides/a/index.html")
        .contains("href=\"/style.css\""));
}

#[test]
fn titles_fall_back_to_the_first_h1_then_the_file_name_and_entities_decode_once() {
    let site = Fixture::site()
        .file("content/from-h1.md", "# Cómo decir que no\n\nTexto.\n")
        .file("content/plain-file-name.md", "Solo texto.\n")
        .file(
            "content/entities.md",
            "---\ntitle: Buenas Pr&aacute;cticas & más\n---\nTexto &oacute;.\n",
        );
    site.build().ok();
    let h1 = site.read("public/from-h1/index.html");
    assert!(h1.contains("<title>Cómo decir que no"), "{h1}");
    assert_eq!(
        h1.matches("Cómo decir que no</h1>").count(),
        1,
        "the H1 is shown once"
    );
    assert!(site
        .read("public/plain-file-name/index.html")
        .contains("<title>Plain file name"));
    let entities = site.read("public/entities/index.html");
    assert!(
        entities.contains("Buenas Prácticas &amp; más"),
        "{entities}"
    );
    assert!(!entities.contains("&amp;aacute;"));
    assert!(entities.contains("Texto ó."));
}

#[test]
fn translations_are_paired_and_get_their_own_language_urls() {
    let site = Fixture::site()
        .file(
            "content/_index.en.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        )
        .file(
            "content/guides/decir-no.md",
            "+++\ntitle = \"Decir que no\"\n+++\nTexto.\n",
        )
        .file(
            "content/guides/decir-no.en.md",
            "+++\ntitle = \"Saying no\"\nslug = \"saying-no\"\n+++\nText.\n",
        );
    site.build().ok();
    let es = site.read("public/guides/decir-no/index.html");
    let en = site.read("public/en/guides/saying-no/index.html");
    assert!(es.contains("lang=\"es\""));
    assert!(en.contains("lang=\"en\""));
    assert!(
        es.contains("href=\"/kb/en/guides/saying-no/\""),
        "the Spanish page links its translation"
    );
    assert!(en.contains("href=\"/kb/guides/decir-no/\""), "and back");
    assert!(site.exists("public/en/index.html"), "the English home");
}

#[test]
fn markdown_extensions_and_heading_ids() {
    let site = Fixture::site().file(
        "content/ref.md",
        "+++\ntitle = \"Ref\"\n+++\n## ¿Cuándo adaptar?\n\n## Escalada {#escalation}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] hecho\n\n~~tachado~~ y nota[^1].\n\n[^1]: La nota.\n\n<div class=\"raw\">HTML crudo</div>\n\nSalta a [la escalada](#escalation) o a [adaptar](#cuando-adaptar).\n",
    );
    site.build().ok();
    let html = site.read("public/ref/index.html");
    assert!(html.contains("<h2 id=\"cuándo-adaptar\">"), "{html}");
    assert!(html.contains("<h2 id=\"escalation\">"));
    assert!(html.contains("<table>"));
    assert!(html.contains("type=\"checkbox\""));
    assert!(html.contains("<del>tachado</del>"));
    assert!(html.contains("footnote"));
    assert!(html.contains("<div class=\"raw\">HTML crudo</div>"));
    assert!(
        html.contains("href=\"#cuándo-adaptar\""),
        "an anchor typed without accents finds its heading"
    );
    assert!(
        html.contains("href=\"#escalation\""),
        "table of contents and links"
    );
}

#[test]
fn building_twice_gives_identical_bytes() {
    let site = Fixture::site()
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\ntags = [\"x\", \"y\"]\nreviewed = 2026-01-01\n+++\n[B](b.md)\n",
        )
        .file(
            "content/b.md",
            "+++\ntitle = \"B\"\ntags = [\"y\"]\nreviewed = 2026-02-01\n+++\nTexto.\n",
        )
        .file("content/c/d.md", "+++\ntitle = \"D\"\n+++\nTexto.\n");
    site.build().ok();
    let first = site.snapshot("public");
    site.build().ok();
    assert_eq!(first, site.snapshot("public"));
    assert!(first.len() > 8);
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = Fixture::site().file("content/a.md", "+++\ntitle = \"A\"\n+++\nBien.\n");
    site.build().ok();
    let before = site.snapshot("public");
    let site = site.file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n[roto](no-existe.md)\n",
    );
    site.build()
        .fails_with(1)
        .says("error[broken-link]")
        .says("left as it was");
    assert_eq!(before, site.snapshot("public"));
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("cmkb"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_folder_with_no_site_toml_builds_with_defaults() {
    let site = Fixture::new()
        .file(
            "handbook.md",
            "# Handbook\n\nSee [the other page](other.md).\n",
        )
        .file("other.md", "# Other\n\nText.\n");
    site.build().ok();
    assert!(site
        .read("public/handbook/index.html")
        .contains("href=\"/other/\""));
    assert!(site.exists("public/index.html"));
}

#[test]
fn static_files_and_site_templates_override_the_theme() {
    let site = Fixture::site()
        .file("static/img/logo.svg", "<svg/>")
        .file("static/style.css", "/* mine */")
        .file(
            "templates/404.html",
            "<!doctype html><title>Perdido</title><p>{{ site.title }}</p>",
        )
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n![logo](/img/logo.svg)\n",
        );
    site.build().ok();
    assert_eq!(site.read("public/style.css"), "/* mine */");
    assert!(site.read("public/404.html").contains("<p>Test KB</p>"));
    assert!(site
        .read("public/a/index.html")
        .contains("src=\"/kb/img/logo.svg\""));
}

#[test]
fn help_shows_examples_and_bad_flags_are_usage_errors() {
    let site = Fixture::new();
    site.cmkb(&["build", "--help"])
        .ok()
        .says("--base-url")
        .says("Examples:");
    site.cmkb(&["build", "--bogus"]).fails_with(2);
    site.cmkb(&["build", "--today", "yesterday"])
        .fails_with(2)
        .says("YYYY-MM-DD");
}

#[test]
fn source_date_epoch_sets_today_for_review_status() {
    let site = Fixture::site().file(
        "content/a.md",
        "+++\ntitle = \"A\"\nreviewed = 2026-01-01\nreview_by = 2026-06-01\n+++\nTexto.\n",
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cmkb"))
        .args(["build"])
        .current_dir(site.root())
        .env("SOURCE_DATE_EPOCH", "1767225600") // 2026-01-01
        .output()
        .unwrap();
    assert!(out.status.success());
    let early = site.read("public/a/index.html");
    site.build().ok(); // --today 2026-11-25: overdue
    let late = site.read("public/a/index.html");
    assert_ne!(early, late, "the review status follows the date");
}

#[test]
fn a_page_beside_a_folder_of_the_same_name_becomes_the_folder_page() {
    let site = Fixture::site()
        .file(
            "content/bookdash.md",
            "# Book Dash\n\nWhat a Book Dash is.\n",
        )
        .file(
            "content/bookdash/application.md",
            "# Application\n\nHow to apply.\n",
        );
    site.build().ok();
    let html = site.read("public/bookdash/index.html");
    assert!(
        html.contains("What a Book Dash is."),
        "the page's own text is not overwritten: {html}"
    );
    assert!(
        html.contains("/kb/bookdash/application/"),
        "and it lists the folder's pages"
    );
}
