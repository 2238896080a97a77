//! Search: the index the build writes, queried by the real browser client
//! (`search.js`, run under Node with `fetch` reading the built files).

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::Fixture;
use serde_json::Value;

fn node_available() -> bool {
    let ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipped: node is not installed (.ci/run installs it)");
    }
    ok
}

/// Runs queries through search.js against a built site.
fn query(site_dir: &Path, base: &str, queries: Value) -> Vec<Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/query.mjs");
    let mut child = Command::new("node")
        .arg(script)
        .arg(site_dir)
        .arg(base)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(queries.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn urls(result: &Value) -> Vec<String> {
    assert!(result.get("error").is_none(), "query failed: {result}");
    result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect()
}

/// A small bilingual site. The pages are search fixtures, not exemplary
/// guidance, so the guidance checks only warn here.
fn kb() -> Fixture {
    Fixture::site()
        .file(
            "site.toml",
            "title = \"Test KB\"\nbase_url = \"https://org.github.io/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n[check]\nfail_build = false\n[check.rules.frontmatter-schema]\nseverity = \"warning\"\n",
        )
        .file("content/_index.en.md", "+++\ntitle = \"Home\"\n+++\nWelcome.\n")
        .file(
            "content/moderacion.md",
            "+++\ntitle = \"Moderación de conversaciones\"\ntype = \"guide\"\ntags = [\"moderación\"]\n+++\nCómo moderar un hilo.\n\n## Escalar un caso de acoso {#escalation}\n\nSi hay acoso, escala el caso a trust and safety con el registro del incidente.\n",
        )
        .file(
            "content/moderation.en.md",
            "+++\ntitle = \"Moderating conversations\"\ntype = \"guide\"\ntags = [\"moderation\"]\n+++\nHow to moderate a thread.\n\n## Escalating harassment {#escalation}\n\nWhen there is harassment, escalate the case to trust and safety with the incident log.\n",
        )
        .file(
            "content/crisis.md",
            "+++\ntitle = \"Primera hora de una crisis\"\ntype = \"playbook\"\ntags = [\"crisis\"]\n+++\nLa primera hora decide la confianza de la comunidad.\n\n## Comunicación {#comms}\n\nPublica un mensaje breve y honesto.\n",
        )
        .file(
            "content/eventos.md",
            "+++\ntitle = \"Organizar un evento\"\ntype = \"playbook\"\n+++\nAntes del evento revisa la accesibilidad del recinto.\n",
        )
        .file(
            "content/team/secret.md",
            "+++\ntitle = \"Contactos zqxcanary\"\nvisibility = \"internal\"\ntags = [\"zqxtag\"]\n+++\nTexto interno zqxcanary acoso.\n",
        )
}

#[test]
fn accentless_typo_bilingual_and_phrase_queries_find_the_right_section() {
    if !node_available() {
        return;
    }
    let site = kb();
    site.build().ok();
    let results = query(
        &site.path("public"),
        "/kb/",
        serde_json::json!([
            {"q": "moderacion"},
            {"q": "moderaton"},
            {"q": "escalar acoso"},
            {"q": "harassment escalation"},
            {"q": "\"primera hora\""},
            {"q": "\"hora primera\""},
            {"q": "acces"},
        ]),
    );
    assert!(
        urls(&results[0]).iter().any(|u| u == "/kb/moderacion/"),
        "{:?}",
        urls(&results[0])
    );
    assert!(
        !urls(&results[1]).is_empty(),
        "a typo still finds the page: {}",
        results[1]
    );
    assert_eq!(
        urls(&results[2])[0],
        "/kb/moderacion/#escalation",
        "lands on the section"
    );
    assert_eq!(urls(&results[3])[0], "/kb/en/moderation/#escalation");
    assert!(
        urls(&results[4])
            .iter()
            .all(|u| u.starts_with("/kb/crisis/")),
        "{:?}",
        urls(&results[4])
    );
    assert!(!urls(&results[4]).is_empty());
    assert!(
        urls(&results[5]).is_empty(),
        "a phrase must appear in order"
    );
    assert!(
        urls(&results[6])
            .iter()
            .any(|u| u.starts_with("/kb/eventos/")),
        "prefix of the last word"
    );
    let excerpt = results[2]["results"][0]["excerpt"].as_str().unwrap();
    assert!(excerpt.contains("<mark>acoso</mark>"), "{excerpt}");
}

#[test]
fn filters_by_type_language_and_tag() {
    if !node_available() {
        return;
    }
    let site = kb();
    site.build().ok();
    let results = query(
        &site.path("public"),
        "/kb/",
        serde_json::json!([
            {"q": "moderar moderate", "options": {"lang": "en"}},
            {"q": "primera hora evento", "options": {"type": "playbook"}},
            {"q": "moderacion", "options": {"tag": "Moderación"}},
            {"q": "hora", "options": {"type": "guide"}},
        ]),
    );
    assert!(
        urls(&results[0]).iter().all(|u| u.starts_with("/kb/en/")),
        "{:?}",
        urls(&results[0])
    );
    for r in results[1]["results"].as_array().unwrap() {
        assert_eq!(r["type"], "playbook");
    }
    assert_eq!(urls(&results[2]), ["/kb/moderacion/"]);
    assert!(urls(&results[3]).is_empty());
}

#[test]
fn hostile_queries_inject_nothing_and_odd_queries_do_not_fail() {
    if !node_available() {
        return;
    }
    let site = kb().file(
        "content/xss.md",
        "+++\ntitle = \"Escaping <b>bold</b> & friends\"\n+++\nThe text &lt;img src=x onerror=alert(1)&gt; and <script>alert(1)</script> stays text. acoso.\n",
    );
    site.build().ok();
    let long = "acoso ".repeat(400);
    let results = query(
        &site.path("public"),
        "/kb/",
        serde_json::json!([
            {"q": "<script>alert(1)</script>"},
            {"q": "\"><img src=x onerror=alert(1)>"},
            {"q": "onerror alert"},
            {"q": "de la el"},
            {"q": "?!¿¡..."},
            {"q": long},
            {"q": "🚀🔥"},
            {"q": "مرحبا بالعالم"},
        ]),
    );
    for r in &results {
        assert!(r.get("error").is_none(), "{r}");
        for hit in r["results"].as_array().unwrap() {
            let excerpt = hit["excerpt"].as_str().unwrap();
            let stripped = excerpt.replace("<mark>", "").replace("</mark>", "");
            assert!(
                !stripped.contains('<'),
                "unescaped markup in an excerpt: {excerpt}"
            );
        }
    }
    assert!(
        !urls(&results[2]).is_empty(),
        "escaped text is still searchable"
    );
    assert!(urls(&results[3]).is_empty(), "stop words only: nothing");
}

#[test]
fn internal_pages_never_enter_the_public_index() {
    let site = kb();
    site.build().ok();
    for (path, bytes) in site.snapshot("public/search") {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("zqxcanary") && !text.contains("zqxtag"),
            "{path} leaks the internal page"
        );
    }
    site.cmkb(&["build", "--internal", "--today", "2026-11-25"])
        .ok();
    let found = site
        .snapshot("public/search")
        .iter()
        .any(|(_, b)| String::from_utf8_lossy(b).contains("zqxcanary"));
    assert!(
        found,
        "the internal edition indexes internal pages (so the scan above looks in the right place)"
    );
}

#[test]
fn a_missing_shard_makes_search_fail_cleanly() {
    if !node_available() {
        return;
    }
    let site = kb();
    site.build().ok();
    for entry in std::fs::read_dir(site.path("public/search/t")).unwrap() {
        std::fs::remove_file(entry.unwrap().path()).unwrap();
    }
    std::fs::write(site.path("public/search/v/0.json"), "{\"trunc").unwrap();
    let results = query(
        &site.path("public"),
        "/kb/",
        serde_json::json!([{"q": "acoso"}]),
    );
    assert!(
        results[0].get("error").is_some(),
        "the promise rejects, so the UI can say search is unavailable"
    );
}

/// Reads the index the way the client does, to prove that every indexed
/// word, typed as a query, reaches its page.
struct Index {
    manifest: Value,
    dir: std::path::PathBuf,
}

impl Index {
    fn open(dir: &Path) -> Index {
        let manifest =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        Index {
            manifest,
            dir: dir.to_path_buf(),
        }
    }
    fn shard(&self, kind: &str, key: &str) -> Value {
        let firsts: Vec<&str> = self.manifest[kind]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let i = firsts.partition_point(|f| *f <= key).saturating_sub(1);
        let folder = if kind == "vocab" { "v" } else { "t" };
        serde_json::from_slice(&std::fs::read(self.dir.join(format!("{folder}/{i}.json"))).unwrap())
            .unwrap()
    }
    fn pages_for(&self, word: &str) -> Vec<u64> {
        let vocab = self.shard("vocab", word);
        let stems: Vec<String> = match &vocab[word] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a.iter().map(|s| s.as_str().unwrap().to_string()).collect(),
            _ => return Vec::new(),
        };
        let bits = self.manifest["section_bits"].as_u64().unwrap();
        let mut pages = Vec::new();
        for stem in stems {
            let flat = self.shard("terms", &stem)[&stem]
                .as_array()
                .cloned()
                .unwrap_or_default();
            let mut doc = 0;
            for pair in flat.chunks(2) {
                doc += pair[0].as_u64().unwrap();
                pages.push(doc >> bits);
            }
        }
        pages
    }
}

fn every_word_finds_its_page(public: &Path) {
    let index = Index::open(&public.join("search"));
    let stop: Vec<String> = index.manifest["stop"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let pages = index.manifest["pages"].as_u64().unwrap();
    let mut checked = 0;
    let mut by_word: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for page in 0..pages {
        let fragment: Value = serde_json::from_slice(
            &std::fs::read(public.join(format!("search/p/{page}.json"))).unwrap(),
        )
        .unwrap();
        let mut text = fragment["t"].as_str().unwrap().to_string();
        for section in fragment["s"].as_array().unwrap() {
            text.push(' ');
            text.push_str(section[1].as_str().unwrap());
            text.push(' ');
            text.push_str(section[2].as_str().unwrap());
        }
        for word in cmkb::search::tokenize::words(&text) {
            if !stop.contains(&word) {
                by_word.entry(word).or_default().push(page);
            }
        }
    }
    for (word, pages) in &by_word {
        let found = index.pages_for(word);
        for page in pages {
            assert!(
                found.contains(page),
                "`{word}` does not lead to page {page}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "checked {checked}");
}

#[test]
fn every_indexed_word_typed_as_a_query_finds_its_pages_in_the_example() {
    let out = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO_BIN_EXE_cmkb"))
        .args(["build", "--quiet", "--today", "2026-11-25", "--root"])
        .arg(root)
        .arg("--output-dir")
        .arg(out.path().join("public"))
        .status()
        .unwrap();
    assert!(status.success());
    every_word_finds_its_page(&out.path().join("public"));
}

#[test]
fn every_indexed_word_finds_its_pages_in_a_generated_corpus() {
    let Some(shared) = common::shared_dir() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    let status = Command::new("python3")
        .arg(shared.join("bench/gen_corpus.py"))
        .args(["--pages", "150", "--quiet", "--out"])
        .arg(&corpus)
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::write(
        corpus.join("site.toml"),
        "[check]\nfail_build = false\n[check.rules.broken-link]\nseverity = \"warning\"\n[check.rules.confidential-leak]\nseverity = \"warning\"\n",
    )
    .unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_cmkb"))
        .args(["build", "--quiet", "--today", "2026-11-25", "--root"])
        .arg(&corpus)
        .status()
        .unwrap();
    assert!(status.success());
    every_word_finds_its_page(&corpus.join("public"));
}
