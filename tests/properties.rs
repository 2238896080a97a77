//! Properties of whole builds and of the pieces they rest on, over generated
//! inputs (proptest): when one fails, proptest shrinks the input to a minimal
//! site or string and prints it.
//!
//! - determinism: one site built twice gives byte-identical trees;
//! - slugs and heading ids are idempotent;
//! - the search index round-trips: decoded from its files, driven only by the
//!   manifest, it leads every page's title words, tags and section words back
//!   to that page (and section);
//! - internal content never reaches a public build, over generated section
//!   trees where visibility is inherited and overridden at every level (the
//!   seeded `tests/internal.rs` covers every place a page can put text; this
//!   covers the inheritance rules, with shrinking).
//!
//! Case counts keep the whole file to about half a minute in a debug build;
//! raise them with `PROPTEST_CASES=1000 cargo test --release --test properties`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use cmkb::search::tokenize::{is_stop_word, words};
use cmkb::slug::{fold, heading_id, path_segment};
use common::Fixture;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::strategy::ValueTree;
use proptest::test_runner::Config as Cases;
use serde_json::Value;

/// `n` cases, or `PROPTEST_CASES` when set. Failures are not persisted to a
/// file: a failure prints its shrunk input, which belongs in a named test.
fn cases(n: u32) -> Cases {
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        Cases::default().cases
    } else {
        n
    };
    Cases {
        cases,
        failure_persistence: None,
        max_shrink_iters: 1024,
        ..Cases::default()
    }
}

// ---------------------------------------------------------------------------
// Generated sites

const WORDS: &[&str] = &[
    "moderación",
    "comunidad",
    "acoso",
    "escalada",
    "normas",
    "reunión",
    "voluntariado",
    "conflicto",
    "bienvenida",
    "guía",
    "niño",
    "pingüino",
    "decisión",
    "diálogo",
    "respeto",
    "moderation",
    "community",
    "harassment",
    "escalation",
    "welcome",
    "meeting",
    "volunteer",
    "guidance",
    "mentoring",
    "appeal",
    "safety",
    "maintainer",
    "the",
    "de",
    "que",
];

/// A word: from the list (Spanish, English, stop words) or made up, with
/// accents and `ñ`, sometimes capitalised.
fn word() -> impl Strategy<Value = String> {
    let base = prop_oneof![
        3 => proptest::sample::select(WORDS).prop_map(str::to_string),
        2 => "[a-zñáéíóúü]{2,9}",
    ];
    (base, any::<bool>()).prop_map(|(w, upper)| {
        if upper {
            let mut chars = w.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        } else {
            w
        }
    })
}

fn phrase(min: usize, max: usize) -> impl Strategy<Value = Vec<String>> {
    prop::collection::vec(word(), min..=max)
}

/// A name for a file or folder: lowercase letters, made unique by the writer.
fn name() -> impl Strategy<Value = String> {
    "[a-zñé]{3,8}"
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vis {
    Public,
    Internal,
}

fn visibility() -> impl Strategy<Value = Option<Vis>> {
    prop_oneof![
        5 => Just(None),
        3 => Just(Some(Vis::Internal)),
        2 => Just(Some(Vis::Public)),
    ]
}

#[derive(Debug, Clone)]
struct FolderModel {
    /// Picks the parent among the folders before this one (or the root).
    parent: Index,
    name: String,
    /// `_index.md`: its title and visibility.
    index: Option<(Vec<String>, Option<Vis>)>,
}

#[derive(Debug, Clone)]
struct PageModel {
    folder: Index,
    name: String,
    english: bool,
    title: Vec<String>,
    intro: Vec<String>,
    /// `## heading` and the paragraph under it.
    sections: Vec<(Vec<String>, Vec<String>)>,
    tags: Vec<String>,
    /// Other pages it links to, with or without an anchor.
    links: Vec<(Index, bool)>,
    visibility: Option<Vis>,
    /// For an internal page in an internal folder: an image beside it.
    image: bool,
}

#[derive(Debug, Clone)]
struct SiteModel {
    folders: Vec<FolderModel>,
    pages: Vec<PageModel>,
}

fn folder_model() -> impl Strategy<Value = FolderModel> {
    (
        any::<Index>(),
        name(),
        prop::option::weighted(0.7, (phrase(1, 3), visibility())),
    )
        .prop_map(|(parent, name, index)| FolderModel {
            parent,
            name,
            index,
        })
}

fn page_model() -> impl Strategy<Value = PageModel> {
    (
        (any::<Index>(), name(), prop::bool::weighted(0.3)),
        (
            phrase(1, 4),
            phrase(0, 12),
            prop::collection::vec((phrase(1, 3), phrase(1, 10)), 0..4),
        ),
        prop::collection::vec(word(), 0..3),
        prop::collection::vec((any::<Index>(), any::<bool>()), 0..3),
        (visibility(), any::<bool>()),
    )
        .prop_map(
            |(
                (folder, name, english),
                (title, intro, sections),
                tags,
                links,
                (visibility, image),
            )| PageModel {
                folder,
                name,
                english,
                title,
                intro,
                sections,
                tags,
                links,
                visibility,
                image,
            },
        )
}

fn site_model(max_pages: usize) -> impl Strategy<Value = SiteModel> {
    (
        prop::collection::vec(folder_model(), 0..5),
        prop::collection::vec(page_model(), 1..=max_pages),
    )
        .prop_map(|(folders, pages)| SiteModel { folders, pages })
}

/// A folder of the written site. Index 0 is the content root.
struct Folder {
    path: String,
    parent: Option<usize>,
    index: Option<(String, Option<Vis>)>,
    visibility: Vis,
}

struct Page {
    /// Content-relative path of the file.
    rel: String,
    url: String,
    lang: &'static str,
    folder: usize,
    title: String,
    tags: Vec<String>,
    /// Heading text, and the paragraph text, per section (the intro first,
    /// with an empty heading).
    sections: Vec<(String, String)>,
    visibility: Vis,
}

/// A site written to a temporary folder, and what the generator put in it.
struct Written {
    fixture: Fixture,
    folders: Vec<Folder>,
    pages: Vec<Page>,
    /// Strings only internal content carries.
    canaries: Vec<String>,
    /// Strings only public content carries.
    markers: Vec<String>,
}

const BASE: &str = "/kb/";

fn site_toml() -> &'static str {
    "title = \"Propiedades\"\nbase_url = \"https://example.org/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n[check]\nfail_build = false\n"
}

fn join(words: &[String]) -> String {
    words.join(" ")
}

impl SiteModel {
    /// Writes the site. Names are made unique (`-sN` for folders, `-pN` for
    /// pages, so a page is never a folder's chapter page); folders and pages
    /// that are internal carry canaries in every place that has text, and a
    /// folder's name is a canary when nothing below it is public. Public pages
    /// link only to public pages (a link into internal content fails the
    /// public build, which tests/internal.rs covers).
    fn write(&self) -> Written {
        let mut canaries = Vec::new();
        let mut markers = Vec::new();
        let mut canary = || {
            let c = format!("zqc{}k", canaries.len());
            canaries.push(c.clone());
            c
        };

        // The tree, and each folder's visibility (an `_index.md` saying it,
        // else its parent's).
        let mut folders = vec![Folder {
            path: String::new(),
            parent: None,
            index: Some(("Inicio".into(), None)),
            visibility: Vis::Public,
        }];
        for model in &self.folders {
            let parent = model.parent.index(folders.len());
            let explicit = model.index.as_ref().and_then(|(_, v)| *v);
            let visibility = explicit.unwrap_or(folders[parent].visibility);
            folders.push(Folder {
                path: String::new(),
                parent: Some(parent),
                index: model.index.as_ref().map(|(t, v)| (join(t), *v)),
                visibility,
            });
        }
        let page_folder: Vec<usize> = self
            .pages
            .iter()
            .map(|p| p.folder.index(folders.len()))
            .collect();
        let page_vis: Vec<Vis> = self
            .pages
            .iter()
            .zip(&page_folder)
            .map(|(p, &f)| p.visibility.unwrap_or(folders[f].visibility))
            .collect();
        // A folder with anything public below it shows its name in that URL.
        let mut public_below = vec![false; folders.len()];
        let mark_up = |mut f: usize, marks: &mut Vec<bool>| loop {
            marks[f] = true;
            match folders[f].parent {
                Some(p) => f = p,
                None => break,
            }
        };
        for (f, folder) in folders.iter().enumerate() {
            if folder.visibility == Vis::Public && folder.index.is_some() {
                mark_up(f, &mut public_below);
            }
        }
        for (&f, &v) in page_folder.iter().zip(&page_vis) {
            if v == Vis::Public {
                mark_up(f, &mut public_below);
            }
        }
        // A folder with no file in it or below it is never written: its name
        // cannot be a canary.
        let mut has_files = vec![false; folders.len()];
        for (f, folder) in folders.iter().enumerate() {
            if folder.index.is_some() {
                mark_up(f, &mut has_files);
            }
        }
        for &f in &page_folder {
            mark_up(f, &mut has_files);
        }
        for i in 1..folders.len() {
            let model = &self.folders[i - 1];
            let own = if folders[i].visibility == Vis::Internal && !public_below[i] && has_files[i]
            {
                canary()
            } else {
                format!("{}-s{i}", model.name)
            };
            let parent = folders[i].parent.unwrap_or(0);
            folders[i].path = if folders[parent].path.is_empty() {
                own
            } else {
                format!("{}/{own}", folders[parent].path)
            };
            if folders[i].visibility == Vis::Internal {
                if let Some((title, _)) = &mut folders[i].index {
                    *title = format!("{title} {}", canary());
                }
            }
        }

        let fixture = Fixture::new().file("site.toml", site_toml());
        // Pages: names, URLs and the text they carry.
        let mut pages = Vec::new();
        for (i, model) in self.pages.iter().enumerate() {
            let f = page_folder[i];
            let visibility = page_vis[i];
            let internal = visibility == Vis::Internal;
            let lang = if model.english { "en" } else { "es" };
            let stem = if internal {
                format!("{}-p{i}", canary())
            } else {
                format!("{}-p{i}", model.name)
            };
            let file = if model.english {
                format!("{stem}.en.md")
            } else {
                format!("{stem}.md")
            };
            let dir = &folders[f].path;
            let rel = if dir.is_empty() {
                file
            } else {
                format!("{dir}/{file}")
            };
            let mut url = String::from(BASE);
            if model.english {
                url.push_str("en/");
            }
            for part in dir.split('/').filter(|s| !s.is_empty()) {
                url.push_str(&path_segment(part));
                url.push('/');
            }
            url.push_str(&path_segment(&stem));
            url.push('/');
            let mut title = join(&model.title);
            let mut tags = model.tags.clone();
            let mut intro = join(&model.intro);
            let mut sections: Vec<(String, String)> = model
                .sections
                .iter()
                .enumerate()
                // The number keeps headings, so their ids, distinct.
                .map(|(k, (h, p))| (format!("{} {k}", join(h)), join(p)))
                .collect();
            if internal {
                title = format!("{title} {}", canary());
                tags.push(canary());
                intro = format!("{intro} {}", canary());
                let heading = canary();
                sections.push((format!("{heading} {}", sections.len()), canary()));
            } else {
                let marker = format!("zpm{}k", markers.len());
                intro = format!("{intro} {marker}");
                markers.push(marker);
            }
            let mut all = vec![(String::new(), intro)];
            all.extend(sections);
            pages.push(Page {
                rel,
                url,
                lang,
                folder: f,
                title,
                tags,
                sections: all,
                visibility,
            });
        }

        // Files.
        let mut fixture = fixture;
        for folder in &folders {
            if let Some((title, explicit)) = &folder.index {
                let mut extra = String::new();
                if let Some(v) = explicit {
                    extra = format!("visibility = \"{}\"\n", vis_name(*v));
                }
                let body = if folder.visibility == Vis::Internal {
                    format!("Sección {}.\n", canary())
                } else {
                    let marker = format!("zpm{}k", markers.len());
                    markers.push(marker.clone());
                    format!("Sección {marker}.\n")
                };
                let rel = if folder.path.is_empty() {
                    "_index.md".to_string()
                } else {
                    format!("{}/_index.md", folder.path)
                };
                fixture = fixture.file(
                    &format!("content/{rel}"),
                    &format!("+++\ntitle = \"{title}\"\n{extra}+++\n{body}"),
                );
            }
        }
        for (page, model) in pages.iter().zip(&self.pages) {
            let mut text = format!("+++\ntitle = \"{}\"\n", page.title);
            if !page.tags.is_empty() {
                let tags: Vec<String> = page.tags.iter().map(|t| format!("\"{t}\"")).collect();
                text.push_str(&format!("tags = [{}]\n", tags.join(", ")));
            }
            if let Some(v) = model.visibility {
                text.push_str(&format!("visibility = \"{}\"\n", vis_name(v)));
            }
            text.push_str("+++\n");
            for (k, (heading, paragraph)) in page.sections.iter().enumerate() {
                if k > 0 {
                    text.push_str(&format!("## {heading}\n\n"));
                }
                if !paragraph.is_empty() {
                    text.push_str(&format!("{paragraph}\n\n"));
                }
            }
            for (target, anchor) in &model.links {
                let t = target.index(pages.len());
                let to = &pages[t];
                if page.visibility == Vis::Public && to.visibility == Vis::Internal {
                    continue;
                }
                let mut dest = format!("@/{}", to.rel);
                if *anchor && to.sections.len() > 1 {
                    dest.push('#');
                    dest.push_str(&heading_id(&to.sections[1].0));
                }
                text.push_str(&format!("Ver [{}]({dest}).\n\n", to.title));
            }
            let folder = &folders[page.folder];
            if model.image && page.visibility == Vis::Internal && folder.visibility == Vis::Internal
            {
                let image = format!("{}.png", canary());
                let dir = &folder.path;
                fixture = fixture.bytes(&format!("content/{dir}/{image}"), b"\x89PNG\r\n");
                text.push_str(&format!("![mapa]({image})\n"));
            }
            fixture = fixture.file(&format!("content/{}", page.rel), &text);
        }
        Written {
            fixture,
            folders,
            pages,
            canaries,
            markers,
        }
    }
}

fn vis_name(v: Vis) -> &'static str {
    match v {
        Vis::Public => "public",
        Vis::Internal => "internal",
    }
}

fn build(root: &Path, out: &Path, internal: bool) -> cmkb::BuildReport {
    common::build_edition(root, out, internal)
}

/// Builds and asserts the build wrote its output.
fn build_ok(site: &Written, out: &str, internal: bool) -> std::path::PathBuf {
    let out = site.fixture.path(out);
    let report = build(site.fixture.root(), &out, internal);
    let stopping: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == cmkb::Severity::Error)
        .map(|d| format!("{}: {}: {}", d.rule, d.path.display(), d.message))
        .collect();
    assert!(report.written, "the build stopped: {stopping:#?}");
    out
}

// ---------------------------------------------------------------------------
// Determinism

/// The first difference between two trees, if any.
fn first_difference(a: &[(String, Vec<u8>)], b: &[(String, Vec<u8>)]) -> Option<String> {
    let paths_a: Vec<&String> = a.iter().map(|(p, _)| p).collect();
    let paths_b: Vec<&String> = b.iter().map(|(p, _)| p).collect();
    if paths_a != paths_b {
        let only_a: Vec<&&String> = paths_a.iter().filter(|p| !paths_b.contains(p)).collect();
        let only_b: Vec<&&String> = paths_b.iter().filter(|p| !paths_a.contains(p)).collect();
        return Some(format!(
            "files only in the first: {only_a:?}; only in the second: {only_b:?}"
        ));
    }
    a.iter().zip(b).find(|(x, y)| x.1 != y.1).map(|(x, y)| {
        let at =
            x.1.iter()
                .zip(&y.1)
                .position(|(p, q)| p != q)
                .unwrap_or(x.1.len().min(y.1.len()));
        let show = |bytes: &[u8]| {
            String::from_utf8_lossy(&bytes[at.saturating_sub(40)..(at + 40).min(bytes.len())])
                .into_owned()
        };
        format!(
            "{} differs at byte {at}: {:?} vs {:?}",
            x.0,
            show(&x.1),
            show(&y.1)
        )
    })
}

proptest! {
    #![proptest_config(cases(48))]

    /// The same site, built twice (and once more, internal edition, twice):
    /// byte-identical trees. Rendering, the search index and listings run in
    /// parallel; nothing may depend on which thread finished first.
    #[test]
    fn building_twice_gives_identical_trees(model in site_model(8)) {
        let site = model.write();
        for (internal, a, b) in [(false, "out-a", "out-b"), (true, "int-a", "int-b")] {
            let a = build_ok(&site, a, internal);
            let b = build_ok(&site, b, internal);
            let (a, b) = (site.fixture.snapshot(a.file_name().unwrap().to_str().unwrap()),
                          site.fixture.snapshot(b.file_name().unwrap().to_str().unwrap()));
            prop_assert!(a.len() > 3, "the build wrote {} files", a.len());
            if let Some(difference) = first_difference(&a, &b) {
                prop_assert!(false, "internal = {internal}: {difference}");
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Slugs

/// Text that exercises what slugs care about: letters with case mappings and
/// decompositions, combining marks, dots, underscores, dashes, spaces,
/// punctuation, emoji, other scripts; and anything at all.
fn slug_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9]{1,4}",
        proptest::sample::select(vec![
            " ",
            "  ",
            "\t",
            "-",
            "--",
            "_",
            ".",
            "..",
            "/",
            "?",
            "¿",
            "!",
            "'",
            "’",
            ",",
            ":",
            "á",
            "Á",
            "ñ",
            "Ñ",
            "ü",
            "ß",
            "ẞ",
            "İ",
            "ı",
            "Σ",
            "ς",
            "Å",
            "Å",
            "Ω",
            "ǅ",
            "ﬁ",
            "\u{301}",
            "\u{308}",
            "\u{345}",
            "\u{338}",
            "a\u{301}",
            "n\u{303}",
            "撰写",
            "значит",
            "🚀",
            "👩‍💻",
            "\u{200d}",
            "\u{a0}",
            "\u{2003}",
            "Ⅻ",
            "²",
            "١٢",
        ])
        .prop_map(str::to_string),
    ];
    prop_oneof![
        3 => prop::collection::vec(piece, 0..8).prop_map(|p| p.concat()),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(cases(2048))]

    /// A URL segment is its own segment: a path written as cmkb printed it
    /// maps to the same URL.
    #[test]
    fn path_segments_are_idempotent(s in slug_text()) {
        let once = path_segment(&s);
        prop_assert_eq!(path_segment(&once), once.clone(), "path_segment({:?})", s);
    }

    /// A heading id is its own id: an anchor copied from a rendered page and
    /// used as a heading's text (or its `{#id}`) names the same section.
    #[test]
    fn heading_ids_are_idempotent(s in slug_text()) {
        let once = heading_id(&s);
        prop_assert_eq!(heading_id(&once), once.clone(), "heading_id({:?})", s);
    }

    /// What runs in CI until `path_segments_are_idempotent` passes: URL
    /// segments of names as writers type them — NFC letters of several
    /// scripts (with their case mappings), digits, spaces and ASCII
    /// punctuation — are idempotent.
    #[test]
    fn path_segments_of_typed_text_are_idempotent(s in typed_text()) {
        let once = path_segment(&s);
        prop_assert_eq!(path_segment(&once), once.clone(), "path_segment({:?})", s);
    }
}

/// Text as typed: NFC words of several scripts, digits, spaces, punctuation.
fn typed_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9]{1,6}",
        "[áéíóúüñÁÉÍÓÚÜÑçÇàèßøåæ]{1,3}",
        "[а-яА-Я]{1,5}",
        "[α-ωΑ-Ω]{1,5}",
        "[一-龥]{1,3}",
        "[ ,.:;!?¿¡'()\\[\\]/&+*_-]{1,2}",
    ];
    prop::collection::vec(piece, 0..10).prop_map(|p| p.concat())
}

// ---------------------------------------------------------------------------
// Search index round trip

/// The search index, decoded from the files alone: the manifest names the
/// shards (by their first keys) and the page count; every shard is read,
/// checked against the manifest, and merged.
struct Decoded {
    section_bits: u64,
    pages: Vec<Value>,
    /// Folded word → stems.
    vocabulary: BTreeMap<String, Vec<String>>,
    /// Stem (or `#tag`) → (document, score), documents increasing.
    postings: BTreeMap<String, Vec<(u64, u64)>>,
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Reads the shards of one kind; checks that shard `i` starts with the
/// manifest's `i`-th key, that keys are sorted within and across shards (in
/// code-point order, as the client bisects), and that no shard is missing
/// or extra.
fn read_shards(dir: &Path, folder: &str, firsts: &[String]) -> Vec<(String, Value)> {
    let mut all: Vec<(String, Value)> = Vec::new();
    for (i, first) in firsts.iter().enumerate() {
        let shard = read_json(&dir.join(format!("{folder}/{i}.json")));
        let Value::Object(map) = shard else {
            panic!("{folder}/{i}.json is not an object");
        };
        let mut keys: Vec<(String, Value)> = map.into_iter().collect();
        // serde_json's map is ordered by key; the shard's order is checked
        // through the keys themselves.
        keys.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            keys.first().map(|k| &k.0),
            Some(first),
            "{folder}/{i}.json first key"
        );
        if let Some(next) = firsts.get(i + 1) {
            assert!(
                keys.iter().all(|(k, _)| k < next),
                "{folder}/{i}.json overlaps the next shard"
            );
        }
        if let Some((last, _)) = all.last() {
            assert!(last < first, "{folder}: shards out of order");
        }
        all.extend(keys);
    }
    let files = std::fs::read_dir(dir.join(folder))
        .map(|d| d.count())
        .unwrap_or(0);
    assert_eq!(
        files,
        firsts.len(),
        "{folder}/ holds shards the manifest does not name"
    );
    all
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().expect("a string").to_string())
        .collect()
}

fn decode_index(public: &Path) -> Decoded {
    let dir = public.join("search");
    let manifest = read_json(&dir.join("manifest.json"));
    let section_bits = manifest["section_bits"].as_u64().expect("section_bits");
    let page_count = manifest["pages"].as_u64().expect("pages");
    let pages: Vec<Value> = (0..page_count)
        .map(|p| read_json(&dir.join(format!("p/{p}.json"))))
        .collect();
    let mut vocabulary = BTreeMap::new();
    for (word, stems) in read_shards(&dir, "v", &strings(&manifest["vocab"])) {
        let stems = match stems {
            Value::String(s) => vec![s],
            other => strings(&other),
        };
        assert!(!stems.is_empty(), "`{word}` has no stems");
        vocabulary.insert(word, stems);
    }
    let mut postings = BTreeMap::new();
    for (term, flat) in read_shards(&dir, "t", &strings(&manifest["terms"])) {
        let numbers: Vec<u64> = flat
            .as_array()
            .unwrap_or_else(|| panic!("postings of `{term}`"))
            .iter()
            .map(|n| n.as_u64().expect("a whole number"))
            .collect();
        assert!(
            numbers.len() % 2 == 0 && !numbers.is_empty(),
            "`{term}`: {numbers:?}"
        );
        // Documents are delta-coded: each pair is (gap, score).
        let mut doc = 0u64;
        let mut list = Vec::new();
        for (k, pair) in numbers.chunks(2).enumerate() {
            assert!(
                k == 0 || pair[0] > 0,
                "`{term}`: documents repeat or go back"
            );
            doc += pair[0];
            assert!(
                doc >> section_bits < page_count,
                "`{term}`: document {doc} of no page"
            );
            list.push((doc, pair[1]));
        }
        postings.insert(term, list);
    }
    // The language ranges cover the pages of each language, and only them.
    for (key, range) in manifest["ranges"].as_object().expect("ranges") {
        let (start, end) = (range[0].as_u64().unwrap(), range[1].as_u64().unwrap());
        for (id, page) in pages.iter().enumerate() {
            let (lang, kind) = key.split_once('/').unwrap_or((key, ""));
            let matches = page["l"] == lang
                && (!key.contains('/') || page["y"].as_str().unwrap_or("") == kind);
            assert_eq!(
                matches,
                (start..end).contains(&(id as u64)),
                "range {key} = {start}..{end} and page {id} ({})",
                page["u"]
            );
        }
    }
    Decoded {
        section_bits,
        pages,
        vocabulary,
        postings,
    }
}

impl Decoded {
    /// The documents a typed word leads to, through the vocabulary.
    fn documents_for(&self, word: &str) -> BTreeSet<u64> {
        self.vocabulary
            .get(word)
            .into_iter()
            .flatten()
            .flat_map(|stem| self.postings.get(stem).into_iter().flatten())
            .map(|(doc, _)| *doc)
            .collect()
    }

    fn page_id(&self, url: &str) -> Option<u64> {
        self.pages
            .iter()
            .position(|p| p["u"] == url)
            .map(|i| i as u64)
    }
}

proptest! {
    #![proptest_config(cases(64))]

    /// Encode → decode recovers the postings: every word of a page's title
    /// leads (through the decoded vocabulary and postings) to that page's
    /// documents, every word of a section's paragraph to that section's
    /// document, and every tag facet to the page.
    #[test]
    fn the_search_index_round_trips(model in site_model(10)) {
        let mut model = model;
        for page in &mut model.pages {
            page.visibility = None;
        }
        for folder in &mut model.folders {
            if let Some((_, v)) = &mut folder.index {
                *v = None;
            }
        }
        let site = model.write();
        let out = build_ok(&site, "out", false);
        let index = decode_index(&out);
        let bits = index.section_bits;
        for page in &site.pages {
            let id = index.page_id(&page.url);
            prop_assert!(id.is_some(), "no fragment for {} ({})", page.url, page.rel);
            let id = id.unwrap();
            prop_assert_eq!(&index.pages[id as usize]["t"], &Value::from(page.title.clone()));
            prop_assert_eq!(&index.pages[id as usize]["l"], &Value::from(page.lang));
            let mut expectations: Vec<(String, u64, &str)> = Vec::new();
            for word in words(&page.title).filter(|w| !is_stop_word(w)) {
                expectations.push((word, id << bits, "title"));
            }
            for (section, (_, paragraph)) in page.sections.iter().enumerate() {
                for word in words(paragraph).filter(|w| !is_stop_word(w)) {
                    expectations.push((word, (id << bits) | section as u64, "paragraph"));
                }
            }
            for (word, doc, place) in expectations {
                let docs = index.documents_for(&word);
                prop_assert!(
                    docs.contains(&doc),
                    "`{}` ({} of {}) does not lead to document {} (page {}, section {}); it leads to {:?}",
                    word, place, page.url, doc, doc >> bits, doc & ((1 << bits) - 1), docs
                );
            }
            for tag in &page.tags {
                let key = format!("#{}", fold(tag.trim()));
                let docs: Vec<u64> = index.postings.get(&key).into_iter().flatten().map(|(d, _)| *d).collect();
                prop_assert!(docs.contains(&(id << bits)), "tag {} does not lead to {}", key, page.url);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Internal content

proptest! {
    #![proptest_config(cases(64))]

    /// Over generated trees of sections, each page and `_index.md` public,
    /// internal or inheriting: the public build holds no canary of internal
    /// content (in any path or byte) and every marker of public content; the
    /// internal build holds them all.
    #[test]
    fn internal_content_stays_out_of_public_builds(model in site_model(8)) {
        let site = model.write();
        let public = common::everything(&build_ok(&site, "public-out", false));
        for canary in &site.canaries {
            prop_assert!(!public.contains(canary.as_str()), "`{}` reached the public build", canary);
        }
        for marker in &site.markers {
            prop_assert!(public.contains(marker.as_str()), "public `{}` is missing from the public build", marker);
        }
        let internal = common::everything(&build_ok(&site, "internal-out", true));
        for needle in site.canaries.iter().chain(&site.markers) {
            prop_assert!(internal.contains(needle.as_str()), "`{}` is missing from the internal build", needle);
        }
    }
}

#[test]
fn generated_sites_have_what_the_properties_need() {
    // The generators are not vacuous: a fixed model has internal and public
    // content, nested folders and links.
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let mut internal = 0;
    let mut nested = 0;
    for _ in 0..64 {
        let model = site_model(8).new_tree(&mut runner).unwrap().current();
        let site = model.write();
        internal += usize::from(!site.canaries.is_empty());
        nested += usize::from(site.folders.iter().any(|f| f.path.contains('/')));
    }
    assert!(
        internal > 20,
        "{internal} of 64 sites have internal content"
    );
    assert!(nested > 5, "{nested} of 64 sites have nested folders");
}
