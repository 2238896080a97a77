//! `cmkb check`: findings name file, line and rule, say why and what to do,
//! in the page's language, in every output format.

mod common;

use common::Fixture;

/// A page whose only problem is an overdue review (no `type`, so no
/// type-specific rule has anything to say about its short text).
fn overdue_guide(lang: &str) -> String {
    format!("+++\ntitle = \"Guía\"\nlang = \"{lang}\"\ndescription = \"d\"\nowner = \"equipo\"\nreviewed = 2025-01-01\nreview_by = 2025-06-01\n+++\nTexto suficiente.\n")
}

fn check(site: &Fixture, args: &[&str]) -> common::Run {
    let mut all = vec!["check", "--today", "2026-11-25"];
    all.extend_from_slice(args);
    site.cmkb(&all)
}

#[test]
fn a_finding_reads_like_a_compiler_message_in_the_page_language() {
    let site = Fixture::site().file("content/guia.md", &overdue_guide("es"));
    let run = check(&site, &[]);
    run.ok()
        .says("warning[review-overdue]: la revisión venció el 2025-06-01")
        .says("--> content/guia.md:7:1")
        .says("7 | review_by = 2025-06-01")
        .says("= why: La guía envejece")
        .says("= help: que equipo relea la página")
        .says("0 errors, 1 warning, 0 notes (review-overdue 1)");
}

#[test]
fn errors_exit_1_and_deny_warnings_turns_warnings_into_failures() {
    let site = Fixture::site().file("content/guide.md", &overdue_guide("en"));
    check(&site, &[]).ok();
    check(&site, &["--deny", "warnings"]).fails_with(1);
    let site = site.file(
        "content/broken.md",
        "+++\ntitle = \"x\"\n+++\n[a](nope.md)\n",
    );
    check(&site, &[]).fails_with(1).says("error[broken-link]");
}

#[test]
fn configuration_problems_exit_2() {
    let site = Fixture::site().file(
        "site.toml",
        "[check.rules.review-overdue]\ngrace_dayz = 3\n",
    );
    check(&site, &[])
        .fails_with(2)
        .says("site.toml:2")
        .says("did you mean `grace_days`");
    let site = Fixture::site().file(
        "site.toml",
        "[check.rules.rigid-scrip]\nseverity = \"off\"\n",
    );
    check(&site, &[])
        .fails_with(2)
        .says("did you mean `rigid-script`");
}

#[test]
fn json_has_a_diagnostics_array_with_relative_paths() {
    let site = Fixture::site().file("content/guide.md", &overdue_guide("en"));
    let run = check(&site, &["--format", "json"]);
    run.ok();
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let d = &value["diagnostics"][0];
    assert_eq!(d["rule"], "review-overdue");
    assert_eq!(d["severity"], "warning");
    assert_eq!(d["path"], "content/guide.md");
    assert_eq!(d["line"], 7);
    assert_eq!(d["column"], 1);
    assert!(d["message"]
        .as_str()
        .unwrap()
        .contains("was due on 2025-06-01"));
}

#[test]
fn github_format_writes_workflow_annotations() {
    let site = Fixture::site().file("content/guide.md", &overdue_guide("en"));
    let run = check(&site, &["--format", "github"]);
    assert!(
        run.stdout.starts_with("::warning file=content/guide.md,line=7,col=1,title=cmkb review-overdue::the review was due on 2025-06-01"),
        "{}",
        run.stdout
    );
}

#[test]
fn sarif_names_rules_with_descriptions_and_fingerprints() {
    let site = Fixture::site().file("content/guide.md", &overdue_guide("en"));
    let run = check(&site, &["--format", "sarif"]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    assert_eq!(value["version"], "2.1.0");
    let driver = &value["runs"][0]["tool"]["driver"];
    let rules = driver["rules"].as_array().unwrap();
    for id in [
        "frontmatter-schema",
        "form-over-substance",
        "rigid-script",
        "review-overdue",
        "broken-link",
        "translation-parity",
    ] {
        assert!(
            rules.iter().any(|r| r["id"] == id),
            "{id} missing from the catalogue"
        );
    }
    let result = &value["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "review-overdue");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "review-overdue"
    );
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        7
    );
    assert!(result["partialFingerprints"]["primaryLocationLineHash"].is_string());
}

#[test]
fn a_suppression_with_a_reason_silences_the_finding() {
    let page = overdue_guide("en").replace(
        "review_by = 2025-06-01\n+++\n",
        "review_by = 2025-06-01\ncmkb-disable = [\"review-overdue -- archived page, kept for history\"]\n+++\n",
    );
    let site = Fixture::site().file("content/guide.md", &page);
    check(&site, &[])
        .ok()
        .does_not_say("review-overdue")
        .says("0 errors, 0 warnings");
}

#[test]
fn a_next_line_suppression_covers_only_the_next_line() {
    let site = Fixture::site().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n<!-- cmkb-disable-next-line broken-link -- the page lands next week -->\n[soon](soon.md)\n\n[other](other.md)\n",
    );
    let run = check(&site, &[]);
    run.fails_with(1)
        .says("content/a.md:7:1")
        .does_not_say("content/a.md:5:");
}

#[test]
fn a_suppression_without_a_reason_or_that_silences_nothing_is_itself_a_finding() {
    let site = Fixture::site().file(
        "content/a.md",
        "+++\ntitle = \"A\"\n+++\n<!-- cmkb-disable-next-line broken-link -->\n[soon](soon.md)\n\n<!-- cmkb-disable-file review-overdue -- nothing is overdue here -->\n\n<!-- cmkb-disable rigid-scrpt -- typo -->\n",
    );
    check(&site, &[])
        .fails_with(1)
        .says("error[broken-link]")
        .says("warning[suppression]: esta supresión de `broken-link` no da ningún motivo")
        .says("esta supresión de `review-overdue` no silencia ningún hallazgo")
        .says("did you mean `rigid-script`");
}

#[test]
fn severities_and_ignored_paths_come_from_site_toml() {
    let site = Fixture::site()
        .file(
            "site.toml",
            "default_language = \"en\"\n[check]\nignore = [\"archive/**\"]\n[check.rules.review-overdue]\nseverity = \"error\"\n",
        )
        .file("content/guide.md", &overdue_guide("en"))
        .file("content/archive/old.md", &overdue_guide("en"));
    check(&site, &[])
        .fails_with(1)
        .says("error[review-overdue]")
        .does_not_say("archive/old.md");
    let site = site.file(
        "site.toml",
        "[check.rules.review-overdue]\nseverity = \"off\"\n",
    );
    check(&site, &[]).ok().does_not_say("review-overdue");
}

#[test]
fn the_build_runs_the_same_checks() {
    let site = Fixture::site().file("content/guide.md", &overdue_guide("en"));
    site.build().ok().says("warning[review-overdue]");
    let site = site.file(
        "site.toml",
        "base_url = \"/\"\n[check.rules.review-overdue]\nseverity = \"error\"\n",
    );
    site.build().fails_with(1).says("error[review-overdue]");
    let site = site.file(
        "site.toml",
        "base_url = \"/\"\n[check]\nfail_build = false\n[check.rules.review-overdue]\nseverity = \"error\"\n",
    );
    site.build().ok().says("error[review-overdue]");
}

#[test]
fn a_page_with_broken_front_matter_is_reported_and_the_others_are_still_checked() {
    let site = Fixture::site()
        .file("content/bad.md", "---\ntitle: [unclosed\n---\n")
        .file("content/guide.md", &overdue_guide("en"));
    check(&site, &[])
        .fails_with(1)
        .says("error[frontmatter-schema]")
        .says("content/bad.md:2")
        .says("warning[review-overdue]");
}

#[test]
fn the_example_passes_and_breaking_a_playbook_fails_with_rigid_script() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Fixture::new();
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        for entry in walkdir::WalkDir::new(from)
            .into_iter()
            .filter_map(Result::ok)
        {
            let rel = entry.path().strip_prefix(from).unwrap();
            let target = to.join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    };
    copy(&root.join("content"), &site.path("content"));
    std::fs::copy(root.join("site.toml"), site.path("site.toml")).unwrap();
    check(&site, &[]).ok().says("0 errors");
    let playbook = site.path("content/playbooks/primera-hora-crisis.md");
    let text = std::fs::read_to_string(&playbook).unwrap();
    let start = text
        .find("{#when-to-adapt}")
        .expect("the playbook has a when-to-adapt section");
    let heading_start = text[..start].rfind("\n## ").unwrap();
    let next = text[start..]
        .find("\n## ")
        .map(|i| start + i)
        .unwrap_or(text.len());
    std::fs::write(
        &playbook,
        format!("{}{}", &text[..heading_start], &text[next..]),
    )
    .unwrap();
    check(&site, &[])
        .fails_with(1)
        .says("[rigid-script]")
        .says("content/playbooks/primera-hora-crisis.md");
}

#[test]
fn personal_data_is_masked_in_every_output_format() {
    let site = Fixture::site().file(
        "content/caso.md",
        "+++\ntitle = \"Caso\"\n+++\nLa persona (ana.perez@gmail.com, +34 612 345 678) pidió ayuda. Ver [detalle](nada.md) ana.perez@gmail.com\n",
    );
    for format in ["human", "json", "sarif", "github"] {
        let run = check(&site, &["--format", format]);
        run.fails_with(1);
        let all = format!("{}{}", run.stdout, run.stderr);
        assert!(
            !all.contains("ana.perez@gmail.com"),
            "{format} leaks the e-mail:\n{all}"
        );
        assert!(
            !all.contains("612 345 678"),
            "{format} leaks the phone:\n{all}"
        );
        assert!(all.contains("a***@g***.com"), "{format}:\n{all}");
        assert!(all.contains("personal-data"));
    }
    // The build prints the same findings, masked too.
    let run = site.build();
    assert!(
        !run.stderr.contains("ana.perez@gmail.com"),
        "{}",
        run.stderr
    );
}

#[test]
fn personal_data_on_an_internal_page_is_not_a_finding() {
    let site = Fixture::site().file(
        "content/caso.md",
        "+++\ntitle = \"Caso\"\nvisibility = \"internal\"\n+++\nContacto: ana.perez@gmail.com\n",
    );
    check(&site, &[]).ok().does_not_say("personal-data");
}

/// `cmkb check` loads pages without rendering their HTML; every finding must
/// still be the one `cmkb build` reports, on the whole example site, in both
/// editions' audience (internal and drafts included, as `check` reads them).
#[test]
fn checking_alone_finds_exactly_what_the_build_finds() {
    use cmkb::content::Audience;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cmkb::Config::load(root).unwrap();
    let theme = cmkb::theme::Theme::load(root, &config.theme).unwrap();
    let checker = cmkb::check::Checker::new(&config).unwrap();
    let options = cmkb::BuildOptions {
        root: root.to_path_buf(),
        output_dir: None,
        base_url: None,
        audience: Audience {
            internal: true,
            drafts: true,
        },
        today: "2027-03-10".parse().unwrap(),
    };
    let out = Some(root.join("public"));
    let mut built =
        cmkb::build::load_site(root, config.clone(), &theme, &options, out.clone(), true).unwrap();
    let mut checked = cmkb::build::load_site(root, config, &theme, &options, out, false).unwrap();
    assert!(built
        .pages
        .iter()
        .all(|p| !p.doc.html.is_empty() || p.doc.blocks.is_empty()));
    assert!(checked.pages.iter().all(|p| p.doc.html.is_empty()));
    let findings = |site: &mut cmkb::content::Site| format!("{:#?}", checker.run(site));
    let (with_html, without) = (findings(&mut built), findings(&mut checked));
    assert!(
        with_html.len() > 1000,
        "the example has findings to compare"
    );
    assert_eq!(with_html, without);
}
