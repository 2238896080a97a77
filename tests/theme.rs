//! The default theme: the review dashboard and the accessible Markdown it
//! gets (checked on the HTML), then the example site in headless Chromium
//! (tests/browser/run.mjs: navigation, language switcher, dark mode, table of
//! contents, keyboard, layout, no-JavaScript, print, axe-core) and every page
//! through an HTML validator (tests/browser/validate.mjs).
//!
//! The browser and validator tests need Node (and npm, to install
//! tests/browser's dependencies the first time) and Debian's `chromium`;
//! without them they print one `skipped:` line and pass. `.ci/run` installs
//! them.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use common::Fixture;

/// The date the example is built against: some guidance overdue, some due
/// within 30 days, the rest fine.
const TODAY: &str = "2027-03-10";

fn browser_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

fn works(program: &str, arg: &str) -> bool {
    Command::new(program)
        .arg(arg)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    path.exists().then_some(path)
}

/// Node with tests/browser's npm dependencies installed (`npm ci` the first
/// time, once per test binary), or why not.
fn node_with_deps() -> Result<(), String> {
    static INSTALL: Mutex<()> = Mutex::new(());
    if !works("node", "--version") {
        return Err("node is not installed (.ci/run installs it)".into());
    }
    let _guard = INSTALL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = browser_dir();
    let installed = ["playwright-core", "axe-core", "html-validate"]
        .iter()
        .all(|m| {
            dir.join("node_modules")
                .join(m)
                .join("package.json")
                .exists()
        });
    if installed {
        return Ok(());
    }
    if !works("npm", "--version") {
        return Err("npm is not installed (.ci/run installs it)".into());
    }
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(&dir)
        .output()
        .expect("npm runs");
    assert!(
        out.status.success(),
        "npm ci in tests/browser failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

/// Builds the bundled example into `dir`, served from `base_url`.
fn build_example(dir: &Path, base_url: &str, internal: bool) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmkb"));
    cmd.arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output-dir")
        .arg(dir)
        .args(["--base-url", base_url, "--today", TODAY, "--quiet"])
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH");
    if internal {
        cmd.arg("--internal");
    }
    let out = cmd.output().expect("cmkb runs");
    assert!(
        out.status.success(),
        "building the example failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn node(script: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new("node")
        .arg(browser_dir().join(script))
        .args(args)
        .current_dir(browser_dir())
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_default_theme_works_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!(
            "skipped: Chromium is not installed ({}; .ci/run installs Debian's chromium)",
            std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into())
        );
        return;
    };
    if let Err(why) = node_with_deps() {
        eprintln!("skipped: {why}");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let port = free_port();
    let (public, internal) = (out.path().join("public"), out.path().join("internal"));
    build_example(&public, &format!("http://127.0.0.1:{port}/kb/"), false);
    build_example(
        &internal,
        &format!("http://127.0.0.1:{port}/internal/"),
        true,
    );
    let started = Instant::now();
    let output = Command::new("node")
        .arg(browser_dir().join("run.mjs"))
        .args(["--port", &port.to_string()])
        .arg("--public")
        .arg(&public)
        .arg("--internal")
        .arg(&internal)
        .env("CHROMIUM", &chromium)
        .current_dir(browser_dir())
        .output()
        .expect("node runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    println!("{text}");
    println!(
        "browser tests took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(output.status.success(), "browser tests failed:\n{text}");
}

#[test]
fn every_page_of_the_example_is_valid_html() {
    if let Err(why) = node_with_deps() {
        eprintln!("skipped: {why}");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let (public, internal) = (out.path().join("public"), out.path().join("internal"));
    build_example(&public, "https://org.github.io/kb/", false);
    build_example(&internal, "https://kb.internal.example/", true);
    let (ok, text) = node(
        "validate.mjs",
        &[public.to_str().unwrap(), internal.to_str().unwrap()],
    );
    println!("{text}");
    assert!(ok, "invalid HTML:\n{text}");
    assert!(
        text.contains(" 0 invalid"),
        "the validator ran over the pages: {text}"
    );
}

// ---------------------------------------------------------------- no browser needed

fn guidance(title: &str, owner: &str, review_by: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"Sobre {title}\"\ntype = \"guide\"\nowner = \"{owner}\"\nreviewed = 2026-01-01\nreview_by = {review_by}\n{extra}+++\nTexto de la guía.\n"
    )
}

/// A site whose guidance checks only warn: the pages are dashboard fixtures.
fn dashboard_site() -> Fixture {
    Fixture::site()
        .file(
            "site.toml",
            "title = \"Test KB\"\nbase_url = \"https://org.github.io/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n[check]\nfail_build = false\n",
        )
        .file("content/_index.en.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n")
        .file("content/a-bien.md", &guidance("Al día", "equipo-a", "2027-09-01", ""))
        .file("content/a-vencida.md", &guidance("Vencida", "equipo-a", "2026-10-01", ""))
        .file("content/a-pronto.md", &guidance("Pronto", "equipo-a", "2026-12-10", ""))
        .file("content/b-bien.md", &guidance("Bien B", "equipo-b", "2027-09-01", ""))
        .file("content/b-bien.en.md", &guidance("Fine B", "equipo-b", "2027-09-01", ""))
        .file(
            "content/sin-dueno.md",
            "+++\ntitle = \"Sin dueño\"\n+++\nTexto.\n",
        )
        .file(
            "content/team/secreto.md",
            &guidance("Zqxsecreto", "equipo-b", "2026-10-01", "visibility = \"internal\"\n"),
        )
}

fn position(html: &str, needle: &str) -> usize {
    html.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{html}"))
}

#[test]
fn the_review_dashboard_lists_every_page_by_owner_what_needs_attention_first() {
    let site = dashboard_site();
    site.build().ok();
    let html = site.read("public/dashboard/index.html");
    assert!(html.contains("<html lang=\"es\">"), "{html}");
    assert!(html.contains("<h1>Panel de revisiones</h1>"), "{html}");
    // equipo-a has the overdue page, so it comes first; unowned pages last.
    let (a, b, none) = (
        position(&html, ">equipo-a</h2>"),
        position(&html, ">equipo-b</h2>"),
        position(&html, ">Sin responsable</h2>"),
    );
    assert!(
        a < b && b < none,
        "owners: most overdue first, unowned last"
    );
    // Within an owner: overdue, due within 30 days, fine.
    let (late, soon, fine) = (
        position(&html, ">Vencida</a>"),
        position(&html, ">Pronto</a>"),
        position(&html, ">Al día</a>"),
    );
    assert!(late < soon && soon < fine, "overdue first, then due soon");
    assert!(html.contains("class=\"status-row-overdue\""));
    assert!(html.contains("Revisión vencida"));
    assert!(html.contains("Revisión próxima"));
    // Every language's pages, the other language marked as such.
    assert!(
        html.contains("hreflang=\"en\" lang=\"en\">Fine B</a>"),
        "{html}"
    );
    // The home page and every footer link the dashboard.
    assert!(site
        .read("public/index.html")
        .contains("href=\"/kb/dashboard/\""));
    assert!(site
        .read("public/a-bien/index.html")
        .contains("<li><a href=\"/kb/dashboard/\">Panel de revisiones</a></li>"));
    // The English dashboard: same pages, English strings, linked both ways.
    let en = site.read("public/en/dashboard/index.html");
    assert!(en.contains("<html lang=\"en\">") && en.contains("<h1>Review dashboard</h1>"));
    assert!(en.contains(">No owner</h2>") && en.contains("Review overdue"));
    assert!(
        en.contains("hreflang=\"es\" href=\"https://org.github.io/kb/dashboard/\""),
        "{en}"
    );
    assert!(html.contains("hreflang=\"en\" href=\"https://org.github.io/kb/en/dashboard/\""));
    // Internal guidance is not even mentioned in the public build…
    assert!(!html.contains("Zqxsecreto") && !en.contains("Zqxsecreto"));
}

#[test]
fn dates_and_types_read_in_the_language_of_the_page_that_shows_them() {
    let site = dashboard_site().file(
        "content/b-bien.en.md",
        &guidance("Fine B", "equipo-b", "2027-09-01", "tags = [\"acogida\"]\n"),
    );
    site.build().ok();
    let reviewed = "<time datetime=\"2026-01-01\">";
    // A Spanish page, and its English translation.
    let es = site.read("public/b-bien/index.html");
    assert!(
        es.contains(&format!("{reviewed}1 de enero de 2026</time>")),
        "{es}"
    );
    assert!(es.contains("<time datetime=\"2027-09-01\">1 de septiembre de 2027</time>"));
    assert!(es.contains("<span class=\"badge badge-type type-guide\">Guía</span>"));
    let en = site.read("public/en/b-bien/index.html");
    assert!(
        en.contains(&format!("{reviewed}1 January 2026</time>")),
        "{en}"
    );
    assert!(en.contains("<span class=\"badge badge-type type-guide\">Guide</span>"));
    // A listing shows every page in its own language, whatever the page's:
    // the (Spanish) tag page lists the English page with a Spanish date.
    let tag = site.read("public/tags/acogida/index.html");
    assert!(tag.contains(">Fine B</a>"), "{tag}");
    assert!(
        tag.contains(&format!("{reviewed}1 de enero de 2026</time>")),
        "{tag}"
    );
    assert!(
        !tag.contains("January") && !tag.contains(">Guide<"),
        "{tag}"
    );
    let dashboard = site.read("public/en/dashboard/index.html");
    assert!(dashboard.contains(&format!("{reviewed}1 January 2026</time>")));
    assert!(dashboard.contains(">Guide</span>") && !dashboard.contains(">Guía</span>"));
    assert!(!dashboard.contains("de enero"));
}

#[test]
fn the_internal_dashboard_lists_internal_pages() {
    let site = dashboard_site();
    site.cmkb(&["build", "--internal", "--today", "2026-11-25"])
        .ok();
    let html = site.read("public/dashboard/index.html");
    assert!(html.contains(">Zqxsecreto</a>"), "{html}");
    assert!(
        position(&html, ">Zqxsecreto</a>") < position(&html, ">Bien B</a>"),
        "overdue first within equipo-b"
    );
}

#[test]
fn a_page_at_dashboard_keeps_its_address() {
    let site = dashboard_site().file(
        "content/dashboard.md",
        "+++\ntitle = \"Nuestro tablero\"\n+++\nEl tablero del equipo.\n",
    );
    site.build().ok();
    let html = site.read("public/dashboard/index.html");
    assert!(html.contains("<h1>Nuestro tablero</h1>"), "{html}");
    assert!(
        !site
            .read("public/a-bien/index.html")
            .contains("Panel de revisiones</a>"),
        "no footer link to a dashboard that was not rendered"
    );
    assert!(site.exists("public/en/dashboard/index.html"));
}

#[test]
fn headings_get_anchor_links_and_tables_and_task_lists_are_accessible() {
    let site = Fixture::site()
        .file(
            "content/ref.md",
            "+++\ntitle = \"Ref\"\n+++\nIntro.\n\n## Cuándo adaptar\n\n### Casos & dudas {#casos}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] hecho\n- [ ] por hacer\n",
        )
        .file(
            "content/ref.en.md",
            "+++\ntitle = \"Ref\"\n+++\n## When to adapt\n\nText.\n",
        );
    site.build().ok();
    let html = site.read("public/ref/index.html");
    assert!(
        html.contains("<div class=\"heading heading-2\"><h2 id=\"cuándo-adaptar\">Cuándo adaptar</h2><a class=\"heading-anchor\" href=\"#cuándo-adaptar\"><span aria-hidden=\"true\">#</span><span class=\"visually-hidden\">Enlace a esta sección: Cuándo adaptar</span></a></div>"),
        "{html}"
    );
    assert!(
        html.contains(
            "<h3 id=\"casos\">Casos &amp; dudas</h3><a class=\"heading-anchor\" href=\"#casos\">"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"Tabla 1\"><table>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "disabled checked aria-hidden=\"true\"><span class=\"visually-hidden\">Hecho: </span>"
        ),
        "{html}"
    );
    assert!(html.contains("<span class=\"visually-hidden\">Pendiente: </span>"));
    // The table of contents still points at the headings.
    assert!(
        html.contains("<a href=\"#casos\">Casos &amp; dudas</a>"),
        "{html}"
    );
    // UI strings follow the page's language.
    let en = site.read("public/en/ref/index.html");
    assert!(
        en.contains("<span class=\"visually-hidden\">Link to this section: When to adapt</span>"),
        "{en}"
    );
}
