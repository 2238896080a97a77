//! Test helpers: a fixture site in a temp folder, built with the real binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Fixture {
    pub dir: tempfile::TempDir,
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success, got {}:\n{}",
            self.code, self.stderr
        );
        self
    }
    pub fn fails_with(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}, got {}:\n{}",
            self.code, self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic:\n{}", self.stderr);
        self
    }
    pub fn says(&self, text: &str) -> &Self {
        assert!(
            self.stderr.contains(text) || self.stdout.contains(text),
            "expected output to contain {text:?}:\n{}{}",
            self.stdout,
            self.stderr
        );
        self
    }
    pub fn does_not_say(&self, text: &str) -> &Self {
        assert!(
            !self.stderr.contains(text) && !self.stdout.contains(text),
            "expected output not to contain {text:?}:\n{}{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

impl Fixture {
    pub fn new() -> Fixture {
        Fixture {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A site with a `site.toml` (public base URL under a subpath) and a home page.
    pub fn site() -> Fixture {
        Fixture::new()
            .file(
                "site.toml",
                "title = \"Test KB\"\nbase_url = \"https://org.github.io/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n",
            )
            .file("content/_index.md", "+++\ntitle = \"Inicio\"\n+++\nBienvenida.\n")
    }

    pub fn file(self, path: &str, text: &str) -> Fixture {
        self.bytes(path, text.as_bytes())
    }

    pub fn bytes(self, path: &str, bytes: &[u8]) -> Fixture {
        let full = self.dir.path().join(path);
        std::fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        std::fs::write(full, bytes).expect("write fixture");
        self
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn cmkb(&self, args: &[&str]) -> Run {
        let out = Command::new(env!("CARGO_BIN_EXE_cmkb"))
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .env("NO_COLOR", "1")
            .output()
            .expect("run cmkb");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn build(&self) -> Run {
        self.cmkb(&["build", "--today", "2026-11-25"])
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }

    /// Every file under a folder, relative path → bytes.
    pub fn snapshot(&self, rel: &str) -> Vec<(String, Vec<u8>)> {
        let base = self.path(rel);
        let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(&base)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(&base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }
}

/// The shared corpora sit beside the repository in CI; elsewhere tests skip.
/// Builds a site through the library, the public or the internal edition,
/// with a fixed "today".
#[allow(dead_code)]
pub fn build_edition(root: &Path, out: &Path, internal: bool) -> cmkb::BuildReport {
    cmkb::build(&cmkb::BuildOptions {
        root: root.to_path_buf(),
        output_dir: Some(out.to_path_buf()),
        base_url: None,
        audience: cmkb::content::Audience {
            internal,
            drafts: false,
        },
        today: jiff::civil::date(2026, 11, 25),
    })
    .expect("the build runs")
}

/// Every output path (relative to `out`) and every byte of every output
/// file, as one lowercase text: what a canary must not be found in.
#[allow(dead_code)]
pub fn everything(out: &Path) -> String {
    let mut all = String::new();
    for entry in walkdir::WalkDir::new(out)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
    {
        // Relative: the temporary folder's random name is not the site's.
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        all.push_str(&rel.to_string_lossy());
        all.push('\n');
        if entry.file_type().is_file() {
            all.push_str(&String::from_utf8_lossy(
                &std::fs::read(entry.path()).unwrap(),
            ));
            all.push('\n');
        }
    }
    all.to_lowercase()
}

pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if dir.join("corpora").is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: ../shared/corpora is not beside this checkout (it is in CI)");
        None
    }
}
