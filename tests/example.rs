//! The bundled example knowledge base: what a newcomer reads first, and what
//! the README's first command builds.

mod common;

use std::path::Path;
use std::process::Command;

fn build_example(extra: &[&str]) -> (tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = out.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_cmkb"))
        .arg("build")
        .arg("--root")
        .arg(root)
        .arg("--output-dir")
        .arg(&target)
        .args(["--today", "2026-11-25"])
        .args(extra)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "{stderr}");
    (out, stderr)
}

fn pages(dir: &Path) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

#[test]
fn the_example_builds_clean_in_both_languages() {
    let (out, stderr) = build_example(&[]);
    assert!(!stderr.contains("error["), "{stderr}");
    assert!(
        !stderr.contains("warning["),
        "the example should be exemplary:\n{stderr}"
    );
    let public = out.path().join("public");
    let all = pages(&public);
    let es = all
        .iter()
        .filter(|p| !p.starts_with("en/") && !p.starts_with("tags/"))
        .count();
    let en = all.iter().filter(|p| p.starts_with("en/")).count();
    assert!(es >= 8 && en >= 8, "es {es}, en {en}: {all:?}");
    assert!(
        !all.iter().any(|p| p.contains("team/")),
        "internal pages stay out: {all:?}"
    );
}

#[test]
fn the_internal_edition_has_the_team_pages() {
    let (out, _) = build_example(&["--internal"]);
    let all = pages(&out.path().join("public"));
    assert!(
        all.iter().filter(|p| p.contains("team/")).count() >= 2,
        "{all:?}"
    );
}
