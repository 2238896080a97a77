//! A speed guard that does not depend on the machine: it counts the
//! instructions a release `cmkb build` executes on generated corpora of 200
//! and 400 pages (valgrind's callgrind, one thread) and compares them with
//! `tests/perf_baseline.toml`. Timings in tests would flake with the load of
//! the machine; instruction counts repeat to within a fraction of a percent.
//!
//! It fails when a change makes the build 1.5× the baseline's instructions
//! (so a 2× slowdown cannot land unnoticed), or when doubling the corpus more
//! than 2.3× the instructions (something went quadratic). A second test
//! doubles the headings and links of one page, the same way (it found links
//! to a page's own sections checked against every heading). After a deliberate
//! change, refresh the baseline with
//! `CMKB_PERF_BASELINE=update cargo test --test perf_guard` and say why in
//! the commit. Speed itself is measured by `bench/run.py`, against Hugo and
//! Zola, not here.

use std::path::{Path, PathBuf};
use std::process::Command;

const SIZES: [usize; 2] = [200, 400];
/// How far above the baseline a build may go.
const MAX_RATIO: f64 = 1.5;
/// Instructions for twice the pages, at most: linear plus fixed costs.
const MAX_GROWTH: f64 = 2.3;

const SITE_TOML: &str = "title = \"Guard\"\nbase_url = \"https://guard.example.org/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n[check]\nfail_build = false\n[check.rules.broken-link]\nseverity = \"warning\"\n[check.rules.confidential-leak]\nseverity = \"warning\"\n";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn baseline_path() -> PathBuf {
    repo().join("tests/perf_baseline.toml")
}

/// The release binary: this test measures what users run, not a debug build
/// (whose instruction mix is a different program's).
fn release_binary() -> PathBuf {
    if !cfg!(debug_assertions) {
        return PathBuf::from(env!("CARGO_BIN_EXE_cmkb"));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .args(["build", "--release", "--quiet", "--bin", "cmkb"])
        .current_dir(repo())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build --release failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    target.join("release/cmkb")
}

fn instructions(binary: &Path, generator: &Path, pages: usize) -> u64 {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    let status = Command::new("python3")
        .arg(generator)
        .args([
            "--pages",
            &pages.to_string(),
            "--seed",
            "42",
            "--quiet",
            "--out",
        ])
        .arg(&site)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "gen_corpus.py failed");
    std::fs::write(site.join("site.toml"), SITE_TOML).unwrap();
    build_instructions(binary, &site, tmp.path())
}

/// Instructions of one `cmkb build` of `site`, its output under `scratch`.
fn build_instructions(binary: &Path, site: &Path, scratch: &Path) -> u64 {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(binary)
        .args(["build", "--quiet", "--today", "2026-11-25", "--root"])
        .arg(site)
        .arg("--output-dir")
        .arg(scratch.join("public"))
        // One worker: with more, idle workers spin, and the count varies.
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("valgrind runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "cmkb build under valgrind failed:\n{stderr}"
    );
    stderr
        .lines()
        .find_map(|l| l.split("Collected :").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no instruction count in valgrind's output:\n{stderr}"))
}

fn read_baseline() -> toml::Table {
    let text = std::fs::read_to_string(baseline_path()).expect("tests/perf_baseline.toml");
    text.parse().expect("perf_baseline.toml is TOML")
}

#[test]
fn the_build_costs_no_more_instructions_than_the_baseline_and_grows_linearly() {
    let generator = repo().join("../shared/bench/gen_corpus.py");
    if !generator.is_file() {
        eprintln!("skipped: ../shared/bench/gen_corpus.py is not beside this clone");
        return;
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("skipped: valgrind is not installed (apt-get install valgrind)");
        return;
    }
    let binary = release_binary();
    let counts: Vec<u64> = SIZES
        .iter()
        .map(|&n| instructions(&binary, &generator, n))
        .collect();
    for (n, count) in SIZES.iter().zip(&counts) {
        eprintln!("cmkb build, {n} pages: {count} instructions");
    }
    if std::env::var("CMKB_PERF_BASELINE").as_deref() == Ok("update") {
        let mut text = String::from(
            "# Instructions a release `cmkb build` executes on gen_corpus.py --seed 42\n\
             # corpora, one thread, under callgrind (tests/perf_guard.rs). Refresh with\n\
             # CMKB_PERF_BASELINE=update cargo test --test perf_guard, and say why.\n",
        );
        for (n, count) in SIZES.iter().zip(&counts) {
            text.push_str(&format!("pages_{n} = {count}\n"));
        }
        std::fs::write(baseline_path(), text).unwrap();
        return;
    }
    let baseline = read_baseline();
    for (n, count) in SIZES.iter().zip(&counts) {
        let expected = baseline
            .get(&format!("pages_{n}"))
            .and_then(toml::Value::as_integer)
            .unwrap_or_else(|| panic!("perf_baseline.toml has no pages_{n}"))
            as f64;
        let ratio = *count as f64 / expected;
        assert!(
            ratio <= MAX_RATIO,
            "cmkb build of {n} pages executed {count} instructions, {ratio:.2}× the baseline \
             ({expected}): a slowdown. Profile it (bench/README.md); if it is deliberate, \
             refresh the baseline (see tests/perf_guard.rs)"
        );
        if ratio < 0.7 {
            eprintln!(
                "note: {n} pages now take {ratio:.2}× the baseline's instructions; \
                 refresh tests/perf_baseline.toml so the guard keeps up"
            );
        }
    }
    let growth = counts[1] as f64 / counts[0] as f64;
    assert!(
        growth <= MAX_GROWTH,
        "twice the pages cost {growth:.2}× the instructions ({} → {}): something grows faster than the site",
        counts[0],
        counts[1]
    );
}

/// One page of `n` headings, each followed by links to the previous heading,
/// to another page and to an anchor of it: the shapes a hostile page grows.
fn page_of(n: usize) -> String {
    let mut text = String::from("+++\ntitle = \"Enorme\"\n+++\n");
    for i in 0..n {
        text.push_str(&format!(
            "## Paso {i}\n\nVer [antes](#paso-{}), [otra](otra.md) y [su parte](otra.md#parte).\n\n",
            i.saturating_sub(1)
        ));
    }
    text
}

#[test]
fn headings_and_links_on_one_page_cost_linear_instructions() {
    if Command::new("valgrind").arg("--version").output().is_err() {
        eprintln!("skipped: valgrind is not installed (apt-get install valgrind)");
        return;
    }
    let binary = release_binary();
    let counts: Vec<u64> = [4000, 8000]
        .iter()
        .map(|&n| {
            let tmp = tempfile::tempdir().unwrap();
            let site = tmp.path().join("site");
            std::fs::create_dir_all(site.join("content")).unwrap();
            std::fs::write(site.join("site.toml"), SITE_TOML).unwrap();
            std::fs::write(site.join("content/enorme.md"), page_of(n)).unwrap();
            std::fs::write(
                site.join("content/otra.md"),
                "+++\ntitle = \"Otra\"\n+++\n## Parte\n\nTexto.\n",
            )
            .unwrap();
            build_instructions(&binary, &site, tmp.path())
        })
        .collect();
    eprintln!(
        "one page of 4000 / 8000 sections: {} / {} instructions",
        counts[0], counts[1]
    );
    let growth = counts[1] as f64 / counts[0] as f64;
    assert!(
        growth <= MAX_GROWTH,
        "twice the headings and links cost {growth:.2}× the instructions: something is quadratic"
    );
}
