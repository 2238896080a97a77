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

/// `cmkb build` frees each part of the pages as soon as its last reader is
/// done; the site made in memory, as `cmkb serve` makes it, keeps all of it.
/// Both editions must come out the same files, byte for byte: a stage that
/// read a part already freed would write an empty page body or section.
#[test]
fn the_built_example_is_byte_for_byte_what_serve_renders_in_memory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for internal in [false, true] {
        let out = tempfile::tempdir().unwrap();
        let report = common::build_edition(root, out.path(), internal);
        assert!(report.written, "the example builds");
        let on_disk: std::collections::BTreeMap<String, Vec<u8>> =
            walkdir::WalkDir::new(out.path())
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let rel = e.path().strip_prefix(out.path()).unwrap();
                    (
                        rel.to_string_lossy().replace('\\', "/"),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect();

        let options = cmkb::BuildOptions {
            root: root.to_path_buf(),
            output_dir: Some(out.path().to_path_buf()),
            base_url: None,
            audience: cmkb::content::Audience {
                internal,
                drafts: false,
            },
            today: jiff::civil::date(2026, 11, 25),
        };
        let config = cmkb::Config::load(root).unwrap();
        let theme = cmkb::theme::Theme::load(root, &config.theme).unwrap();
        let site = cmkb::build::load_site(root, config, &theme, &options, None, true).unwrap();
        let in_memory = cmkb::render::render(&site, &theme).unwrap();

        let paths = |files: Vec<&String>| files.into_iter().cloned().collect::<Vec<_>>();
        assert_eq!(
            paths(on_disk.keys().collect()),
            paths(in_memory.files.keys().collect()),
            "the same files (internal edition: {internal})"
        );
        for (path, content) in &in_memory.files {
            let expected = match content {
                cmkb::output::Content::Bytes(bytes) => bytes.clone(),
                cmkb::output::Content::Static(bytes) => bytes.to_vec(),
                cmkb::output::Content::Copy(from) => std::fs::read(from).unwrap(),
            };
            assert!(
                on_disk[path] == expected,
                "{path} differs between the build and the in-memory site (internal edition: {internal})"
            );
        }
        assert!(on_disk.len() > 50, "the example is a real site");
    }
}
