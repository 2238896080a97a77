//! Hostile content: odd, huge, misencoded or malicious files get a clear
//! message about the file at fault; nothing panics or hangs, and a failed
//! build leaves the previous `public/` intact. Inputs are generated here.
//!
//! Time bounds: every build below runs under a hang guard of 120 s — far
//! above what linear work on these sizes takes (a few seconds in a debug
//! build); it catches hangs and quadratic blow-ups, not slowness.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Fixture, Run};

const HANG_GUARD: Duration = Duration::from_secs(120);

/// Runs cmkb with a hang guard.
fn guarded(site: &Fixture, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmkb"))
        .args(args)
        .current_dir(site.root())
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run cmkb");
    let started = Instant::now();
    loop {
        if let Some(_status) = child.try_wait().expect("wait") {
            break;
        }
        if started.elapsed() > HANG_GUARD {
            let _ = child.kill();
            panic!("cmkb {args:?} did not finish within {HANG_GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn build(site: &Fixture) -> Run {
    let run = guarded(site, &["build", "--today", "2026-11-25"]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

fn page(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n+++\n{body}")
}

#[test]
fn nul_bytes_are_reported_not_published() {
    let site = Fixture::site().bytes("content/binary.md", b"+++\ntitle = \"x\"\n+++\nA\0B\n");
    build(&site)
        .fails_with(1)
        .says("content/binary.md")
        .says("NUL");
}

#[test]
fn a_20_mb_page_and_a_5_mb_line_build() {
    let paragraph =
        "La moderación cuidadosa protege a la comunidad y explica sus decisiones. ".repeat(20);
    let mut big = String::with_capacity(21_000_000);
    let mut n = 0;
    while big.len() < 20_000_000 {
        big.push_str(&format!("## Sección {n}\n\n{paragraph}\n\n"));
        n += 1;
    }
    let line = "palabra ".repeat(5_000_000 / 8);
    let site = Fixture::site()
        .file("content/big.md", &page("Grande", &big))
        .file("content/line.md", &page("Línea", &line));
    build(&site).ok();
    assert!(site.read("public/big/index.html").len() > 20_000_000);
    assert!(site.exists("public/line/index.html"));
}

#[test]
fn deep_nesting_builds() {
    let quotes = format!("{}deep\n", "> ".repeat(10_000));
    let mut lists = String::new();
    for depth in 0..10_000 {
        lists.push_str(&"  ".repeat(depth.min(2000)));
        lists.push_str("- item\n");
    }
    let site = Fixture::site()
        .file("content/quotes.md", &page("Citas", &quotes))
        .file("content/lists.md", &page("Listas", &lists));
    build(&site).ok();
}

#[test]
fn a_hundred_thousand_headings_and_fifty_thousand_links_stay_linear() {
    let headings = "## Paso\n\nTexto.\n\n".repeat(100_000);
    let links = "[otra](other.md) ".repeat(50_000);
    let site = Fixture::site()
        .file("content/headings.md", &page("Encabezados", &headings))
        .file("content/links.md", &page("Enlaces", &links))
        .file("content/other.md", &page("Otra", "Texto.\n"));
    build(&site).ok();
    let html = site.read("public/headings/index.html");
    assert!(
        html.contains("id=\"paso-99999\""),
        "every heading has a unique id"
    );
    // 50,000 in the body, plus the navigation's own link.
    assert!(
        site.read("public/links/index.html")
            .matches("href=\"/kb/other/\"")
            .count()
            >= 50_000
    );
}

#[test]
fn pathological_emphasis_builds() {
    let site = Fixture::site().file(
        "content/emph.md",
        &page("Énfasis", &"*a **a *a ".repeat(50_000)),
    );
    build(&site).ok();
}

#[test]
fn file_names_with_spaces_and_unicode_normalisation_collisions() {
    let nfc = "content/moderación.md";
    let nfd: String =
        unicode_normalization::UnicodeNormalization::nfd("content/moderación.md").collect();
    let site = Fixture::site().file(
        "content/Guía rápida de turnos.md",
        &page("Guía", "Texto.\n"),
    );
    build(&site).ok();
    assert!(site.exists("public/guía-rápida-de-turnos/index.html"));
    let site = site
        .file(nfc, &page("NFC", "Texto.\n"))
        .file(&nfd, &page("NFD", "Texto.\n"));
    build(&site).fails_with(1).says("error[duplicate-url]");
}

#[test]
fn links_that_climb_out_or_run_code_are_caught() {
    let site = Fixture::site().file(
        "content/a.md",
        &page(
            "A",
            "[fuera](../../../etc/passwd.md) y [absoluto](/etc/passwd)\n",
        ),
    );
    build(&site)
        .fails_with(1)
        .says("apunta fuera de la carpeta de contenido");
    let site = site.file(
        "content/a.md",
        &page("A", "[pulsa](javascript:alert(document.cookie)) y [datos](data:text/html,<script>alert(1)</script>)\n"),
    );
    build(&site).ok().says("warning[unsafe-content]");
    let html = site.read("public/a/index.html");
    assert!(!html.to_lowercase().contains("javascript:"), "{html}");
    assert!(!html.contains("data:text/html"), "{html}");
}

#[test]
fn raw_scripts_are_reported_or_escaped_as_configured() {
    let body = "Texto.\n\n<script>alert('x')</script>\n";
    let site = Fixture::site().file("content/a.md", &page("A", body));
    build(&site).ok().says("warning[unsafe-content]");
    let site = site.file(
        "site.toml",
        "title = \"T\"\nbase_url = \"/kb/\"\ndefault_language = \"es\"\n[markdown]\nscripts = \"escape\"\n",
    );
    build(&site).ok().does_not_say("unsafe-content");
    let html = site.read("public/a/index.html");
    assert!(html.contains("&lt;script&gt;alert"), "shown as text");
    assert!(!html.contains("<script>alert"), "never run");
}

#[test]
fn template_syntax_in_content_is_shown_never_evaluated() {
    let site = Fixture::site().file(
        "content/a.md",
        "+++\ntitle = \"{{ site.title }} {% if true %}x{% endif %}\"\ndescription = \"{{ 1 + 1 }}\"\n+++\nUsa {{ page.title }} y {% for x in y %} tal cual.\n",
    );
    build(&site).ok();
    let html = site.read("public/a/index.html");
    assert!(html.contains("{{ page.title }}"), "{html}");
    assert!(html.contains("{% for x in y %}"));
    assert!(html.contains("{{ site.title }} {% if true %}x{% endif %}"));
    assert!(!html.contains("Test KB x"), "the title was not evaluated");
}

#[test]
fn a_symlink_to_outside_the_site_is_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.md"),
        "+++\ntitle = \"Secreto externo\"\n+++\nzqsecret\n",
    )
    .unwrap();
    std::fs::write(outside.path().join("id_rsa"), "zqkey").unwrap();
    let site = Fixture::site().file("content/a.md", &page("A", "Texto.\n"));
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        site.path("content/secret.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink(outside.path(), site.path("content/outside")).unwrap();
    build(&site).ok().says("points outside the site");
    for (path, bytes) in site.snapshot("public") {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("zqsecret"),
            "{path}"
        );
        assert!(!String::from_utf8_lossy(&bytes).contains("zqkey"), "{path}");
    }
}

#[test]
fn the_output_folder_inside_the_content_folder_is_not_read_back() {
    let site = Fixture::site().file("content/a.md", &page("A", "Texto.\n"));
    let run = guarded(
        &site,
        &[
            "build",
            "--today",
            "2026-11-25",
            "--output-dir",
            "content/public",
        ],
    );
    run.ok();
    let first = site.snapshot("content/public");
    let run = guarded(
        &site,
        &[
            "build",
            "--today",
            "2026-11-25",
            "--output-dir",
            "content/public",
        ],
    );
    run.ok();
    assert_eq!(
        first,
        site.snapshot("content/public"),
        "the second build did not ingest the first one's output"
    );
}

/// Mounts a small tmpfs (root only; elsewhere the test says so and skips).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(dir: &std::path::Path, options: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("skipped: cannot mount a tmpfs here (needs root; CI runs as root)");
            return None;
        }
        Some(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_cleanly_and_keeps_the_previous_site() {
    let site = Fixture::site().file("content/a.md", &page("A", "Texto.\n"));
    let Some(_disk) = Tmpfs::mount(&site.path("disk"), "size=600k") else {
        return;
    };
    let out = "disk/public";
    guarded(
        &site,
        &["build", "--today", "2026-11-25", "--output-dir", out],
    )
    .ok();
    let before = site.snapshot(out);
    let filler = "Texto de relleno para llenar el disco. ".repeat(2000);
    let mut site = site;
    for i in 0..40 {
        site = site.file(
            &format!("content/p{i}.md"),
            &page(&format!("P{i}"), &filler),
        );
    }
    let run = guarded(
        &site,
        &["build", "--today", "2026-11-25", "--output-dir", out],
    );
    run.fails_with(1).says("cannot write");
    assert_eq!(before, site.snapshot(out), "the previous site is intact");
    let leftovers: Vec<_> = std::fs::read_dir(site.path("disk"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no staging folder left on the full disk: {leftovers:?}"
    );
}

#[test]
fn a_read_only_output_location_fails_with_a_clear_message() {
    let site = Fixture::site().file("content/a.md", &page("A", "Texto.\n"));
    let Some(_disk) = Tmpfs::mount(&site.path("ro"), "ro,size=64k") else {
        return;
    };
    let run = guarded(
        &site,
        &[
            "build",
            "--today",
            "2026-11-25",
            "--output-dir",
            "ro/public",
        ],
    );
    run.fails_with(1).says("cannot write").says("ro");
}
