//! Bad input gets a clear message naming file, line and what to do; never a
//! panic, and the previous `public/` stays as it was.

mod common;

use common::Fixture;

/// Builds a good site, breaks it with `file`, and checks the failure is
/// reported with `expected` and leaves the old output intact.
fn breaks(path: &str, bytes: &[u8], expected: &[&str]) {
    let site = Fixture::site().file("content/good.md", "+++\ntitle = \"Bien\"\n+++\nTexto.\n");
    site.build().ok();
    let before = site.snapshot("public");
    let site = site.bytes(path, bytes);
    let run = site.build();
    run.fails_with(1);
    for text in expected {
        run.says(text);
    }
    assert_eq!(
        before,
        site.snapshot("public"),
        "the previous site must be intact"
    );
}

#[test]
fn toml_front_matter_that_does_not_parse() {
    breaks(
        "content/bad.md",
        b"+++\ntitle = \"x\"\nowner = equipo sin comillas\n+++\nTexto.\n",
        &[
            "error[frontmatter-schema]",
            "content/bad.md:3",
            "TOML front matter does not parse",
            "help:",
        ],
    );
}

#[test]
fn yaml_front_matter_that_does_not_parse() {
    breaks(
        "content/bad.md",
        b"---\ntitle: x\ntags: [a, b\n---\nTexto.\n",
        &[
            "error[frontmatter-schema]",
            "content/bad.md:",
            "YAML front matter does not parse",
        ],
    );
}

#[test]
fn front_matter_that_never_closes() {
    breaks(
        "content/bad.md",
        b"+++\ntitle = \"x\"\n\nTexto largo.\n",
        &[
            "content/bad.md:1",
            "never closed",
            "add a line with only `+++`",
        ],
    );
}

#[test]
fn a_field_of_the_wrong_type_and_every_other_problem_on_the_page() {
    breaks(
        "content/bad.md",
        b"+++\ntitle = \"x\"\nreviewed = \"last week\"\nweight = \"heavy\"\n+++\nTexto.\n",
        &[
            "content/bad.md:3",
            "`reviewed` must be a date",
            "content/bad.md:4",
            "`weight` must be a whole number",
            "YYYY-MM-DD",
        ],
    );
}

#[test]
fn an_unknown_content_type_suggests_the_right_one() {
    breaks(
        "content/bad.md",
        b"+++\ntitle = \"x\"\ntype = \"playbok\"\n+++\nTexto.\n",
        &[
            "content/bad.md:3",
            "unknown content type `playbok`",
            "did you mean `playbook`",
        ],
    );
}

#[test]
fn a_file_that_is_not_utf8() {
    breaks(
        "content/latin1.md",
        b"+++\ntitle = \"x\"\n+++\nEl ni\xf1o.\n",
        &[
            "error[read-error]",
            "content/latin1.md:4",
            "not UTF-8",
            "Latin-1",
            "save the file as UTF-8",
        ],
    );
}

#[test]
fn a_utf16_file() {
    breaks(
        "content/utf16.md",
        &[0xFF, 0xFE, b'#', 0, b' ', 0, b'x', 0],
        &["content/utf16.md", "UTF-16"],
    );
}

#[test]
fn a_bom_and_crlf_line_endings_just_work() {
    let site = Fixture::site().bytes(
        "content/windows.md",
        "\u{feff}+++\r\ntitle = \"Desde Windows\"\r\nreviewed = 2026-10-01\r\n+++\r\n## Sección\r\n\r\nTexto con\r\nsalto.\r\n".as_bytes(),
    );
    site.build().ok();
    let html = site.read("public/windows/index.html");
    assert!(html.contains("<title>Desde Windows"), "{html}");
    assert!(html.contains("<h2 id=\"sección\">Sección</h2>"));
}

#[test]
fn two_files_that_map_to_the_same_url_name_both() {
    let site = Fixture::site()
        .file(
            "content/guides/moderation.md",
            "+++\ntitle = \"Una\"\n+++\nTexto.\n",
        )
        .file(
            "content/guides/moderation/index.md",
            "+++\ntitle = \"Otra\"\n+++\nTexto.\n",
        );
    site.build()
        .fails_with(1)
        .says("error[duplicate-url]")
        .says("content/guides/moderation.md")
        .says("content/guides/moderation/index.md")
        .says("/kb/guides/moderation/");
    // And the failure leaves a previous site alone, like every other failure.
    breaks(
        "content/good/index.md",
        b"+++\ntitle = \"Otra\"\n+++\nTexto.\n",
        &[
            "error[duplicate-url]",
            "content/good.md",
            "content/good/index.md",
        ],
    );
}

fn duplicate_names() -> (&'static str, &'static str) {
    (
        "content/guides/moderation.md",
        "content/Guides/Moderation.md",
    )
}

#[test]
fn names_that_differ_only_in_case_collide() {
    let (a, b) = duplicate_names();
    let site = Fixture::site()
        .file(a, "+++\ntitle = \"a\"\n+++\nTexto.\n")
        .file(b, "+++\ntitle = \"b\"\n+++\nTexto.\n");
    site.build().fails_with(1).says("error[duplicate-url]");
}

#[test]
fn a_symlink_loop_is_reported_and_the_rest_is_not_lost() {
    let site = Fixture::site().file("content/good.md", "+++\ntitle = \"Bien\"\n+++\nTexto.\n");
    std::os::unix::fs::symlink(site.path("content"), site.path("content/loop")).unwrap();
    site.build()
        .fails_with(1)
        .says("error[read-error]")
        .says("content/loop")
        .says("loop");
}

#[test]
fn an_unreadable_file() {
    let site = Fixture::site().file("content/secret.md", "+++\ntitle = \"x\"\n+++\nTexto.\n");
    let path = site.path("content/secret.md");
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        // Running as root, permissions do not stop reads: a dangling link is
        // the unreadable file we can make.
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(site.path("content/gone.md"), &path).unwrap();
    }
    site.build()
        .fails_with(1)
        .says("error[read-error]")
        .says("content/secret.md");
}

#[test]
fn a_page_too_large_to_be_a_page_is_refused_before_it_is_read() {
    let site = Fixture::site().file("content/good.md", "+++\ntitle = \"Bien\"\n+++\nTexto.\n");
    site.build().ok();
    let before = site.snapshot("public");
    // Sparse: 5 GiB that take no disk and, refused by size, no memory.
    let huge = std::fs::File::create(site.path("content/export.md")).unwrap();
    huge.set_len(5 << 30).unwrap();
    site.build()
        .fails_with(1)
        .says("error[read-error]")
        .says("content/export.md")
        .says("5368709120 bytes")
        .says("split it into several pages");
    assert_eq!(
        before,
        site.snapshot("public"),
        "the previous site must be intact"
    );
}

#[test]
fn a_broken_internal_link_names_file_line_and_target() {
    breaks(
        "content/bad.md",
        b"+++\ntitle = \"x\"\n+++\nIntro.\n\nVer el [playbook](playbooks/crisis.md#first-hour).\n",
        &[
            "error[broken-link]",
            "content/bad.md:6:8",
            "playbooks/crisis.md#first-hour",
            "enlaza una página que no existe",
        ],
    );
}

#[test]
fn a_link_to_a_missing_anchor_lists_the_headings_there() {
    let site = Fixture::site()
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n## Primera hora {#first-hour}\n\nTexto.\n",
        )
        .file(
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n[A](a.md#second-hour)\n",
        );
    site.build()
        .fails_with(1)
        .says("content/b.md:4:1")
        .says("no tiene ningún encabezado con el id `#second-hour`")
        .says("#first-hour");
}

#[test]
fn a_missing_image_is_only_a_warning() {
    let site = Fixture::site().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n![diagrama](diagrama.png)\n",
    );
    site.build()
        .ok()
        .says("warning[missing-asset]")
        .says("content/a.md:4:1");
}

#[test]
fn a_missing_template_names_it() {
    let site = Fixture::site().file(
        "content/a.md",
        "+++\ntitle = \"A\"\ntemplate = \"special.html\"\n+++\nTexto.\n",
    );
    site.build()
        .fails_with(1)
        .says("special.html")
        .says("does not exist");
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let site = Fixture::site().file(
        "templates/page.html",
        "<html>\n<body>\n{% if page.title %}\n{{ page.title }\n</body>\n",
    );
    site.build()
        .fails_with(1)
        .says("templates/page.html")
        .says("--> 4:15");
}

#[test]
fn a_template_runtime_error_names_the_template_and_the_page() {
    let site = Fixture::site()
        .file("templates/page.html", "<p>{{ page.no_such_field }}</p>")
        .file("content/a.md", "+++\ntitle = \"A\"\n+++\nTexto.\n");
    site.build()
        .fails_with(1)
        .says("templates/page.html")
        .says("content/a.md")
        .says("no_such_field");
}

#[test]
fn a_long_row_of_dashes_is_not_front_matter() {
    let site = Fixture::site().file(
        "content/dashes.md",
        "------------------\nEsto no es: YAML: ni nada\n\nTexto.\n",
    );
    site.build().ok();
    assert!(site
        .read("public/dashes/index.html")
        .contains("Esto no es: YAML: ni nada"));
}

#[test]
fn a_misspelt_setting_in_site_toml_is_a_usage_error_with_a_suggestion() {
    let site = Fixture::new()
        .file("site.toml", "title = \"x\"\nbase_ulr = \"/kb/\"\n")
        .file("content/a.md", "# A\n");
    site.build()
        .fails_with(2)
        .says("site.toml:2")
        .says("did you mean `base_url`");
}

#[test]
fn the_output_folder_is_never_the_content() {
    let site = Fixture::site().file("content/a.md", "# A\n");
    site.cmkb(&["build", "--output-dir", "content"])
        .fails_with(1)
        .says("refusing");
    site.cmkb(&["build", "--output-dir", "."])
        .fails_with(1)
        .says("refusing");
    assert!(site.exists("content/a.md"));
}

#[test]
fn a_slug_that_takes_a_folders_url_is_a_duplicate() {
    let site = Fixture::site()
        .file(
            "content/a.md",
            "+++\ntitle = \"A\"\nslug = \"guias\"\n+++\nTexto.\n",
        )
        .file("content/guias/b.md", "+++\ntitle = \"B\"\n+++\nTexto.\n");
    site.build()
        .fails_with(1)
        .says("error[duplicate-url]")
        .says("content/guias/");
}
