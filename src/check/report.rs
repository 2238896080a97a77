//! Findings as text for people (`human`), for tools (`json`), for code
//! scanning (`sarif`, 2.1.0) and for pull-request annotations (`github`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use serde_json::json;

use super::{Lang, Rule};
use crate::diagnostic::{Diagnostic, Severity};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

/// "2 errors, 5 warnings, 1 note (rigid-script 3, broken-link 2, …)".
/// How many findings have this severity.
fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

pub fn summary(diagnostics: &[Diagnostic]) -> String {
    let count = |s| count(diagnostics, s);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for d in diagnostics {
        *by_rule.entry(d.rule.as_str()).or_default() += 1;
    }
    let rules: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let mut out = format!(
        "{}, {}, {}",
        plural(count(Severity::Error), "error", "errors"),
        plural(count(Severity::Warning), "warning", "warnings"),
        plural(count(Severity::Note), "note", "notes")
    );
    if !rules.is_empty() {
        let _ = write!(out, " ({})", rules.join(", "));
    }
    out
}

pub fn human(diagnostics: &[Diagnostic], colour: bool) -> String {
    each_finding(diagnostics, |d| {
        let mut text = d.render_human(colour);
        text.push('\n');
        text
    })
}

/// Each finding's text, made in parallel and joined in order: tens of
/// thousands of findings were the last one-core step of `cmkb check`.
fn each_finding(
    diagnostics: &[Diagnostic],
    text: impl Fn(&Diagnostic) -> String + Sync + Send,
) -> String {
    let parts: Vec<String> = diagnostics.par_iter().map(text).collect();
    parts.concat()
}

/// A pretty-printed JSON document with the empty array at `"key": []`
/// filled with `items`, byte for byte what `serde_json::to_string_pretty`
/// writes for the whole: the items are serialised on their own, in
/// parallel, and indented for `depth` (the indentation level of the line
/// the key is on). Re-indenting line by line is exact because serde_json
/// escapes every newline inside a string; and the first `"key": []` is the
/// array's, since a string's quotes are escaped too (the caller's skeleton
/// has no earlier key of that name).
fn fill_array<'a, S: Sync, T: serde::Serialize>(
    document: String,
    key: &str,
    depth: usize,
    items: &'a [S],
    item: impl Fn(&'a S) -> T + Sync,
) -> String {
    let empty = format!("\"{key}\": []");
    let Some(at) = document.find(&empty) else {
        return document;
    };
    if items.is_empty() {
        return document;
    }
    let pad = "  ".repeat(depth + 1);
    let elements: Vec<String> = items
        .par_iter()
        .map(|s| {
            let text = serde_json::to_string_pretty(&item(s)).unwrap_or_default();
            let mut out = String::with_capacity(text.len() + text.len() / 8);
            for (i, line) in text.split('\n').enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&pad);
                out.push_str(line);
            }
            out
        })
        .collect();
    let size: usize = elements.iter().map(|e| e.len() + 2).sum();
    let mut out = String::with_capacity(document.len() + size + pad.len());
    out.push_str(&document[..at + empty.len() - 1]);
    out.push('\n');
    for (i, element) in elements.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(element);
    }
    out.push('\n');
    out.push_str(&pad[2..]);
    out.push_str(&document[at + empty.len() - 1..]);
    out
}

pub fn json(diagnostics: &[Diagnostic]) -> String {
    // Written straight from the findings, not through a `serde_json::Value`
    // per finding (a tenth of `cmkb check` at 10,000 pages). Fields in key
    // order, as the tree of `json!` wrote them.
    #[derive(serde::Serialize)]
    struct Report {
        /// Empty here: [`fill_array`] writes the entries.
        diagnostics: [(); 0],
        summary: Summary,
    }
    #[derive(serde::Serialize)]
    struct Entry<'a> {
        column: usize,
        help: &'a Option<String>,
        line: usize,
        message: &'a str,
        path: String,
        rule: &'a str,
        severity: Severity,
        why: &'a Option<String>,
    }
    #[derive(serde::Serialize)]
    struct Summary {
        errors: usize,
        notes: usize,
        warnings: usize,
    }
    let count = |severity| count(diagnostics, severity);
    let report = Report {
        diagnostics: [],
        summary: Summary {
            errors: count(Severity::Error),
            notes: count(Severity::Note),
            warnings: count(Severity::Warning),
        },
    };
    let document = serde_json::to_string_pretty(&report).unwrap_or_default();
    let mut text = fill_array(document, "diagnostics", 1, diagnostics, |d| Entry {
        column: d.column,
        help: &d.help,
        line: d.line,
        message: &d.message,
        path: path_of(d),
        rule: &d.rule,
        severity: d.severity,
        why: &d.why,
    });
    text.push('\n');
    text
}

fn path_of(d: &Diagnostic) -> String {
    d.path.to_string_lossy().replace('\\', "/")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// Rules reported by the loader rather than a rule file, for SARIF's catalogue.
const LOADER_RULES: &[(&str, &str, &str)] = &[
    (
        "read-error",
        "A file cmkb could not read or decode.",
        "Save the file as UTF-8 and check its permissions.",
    ),
    (
        "duplicate-url",
        "Two files that would be written to the same URL.",
        "Rename one of the files or give it another slug.",
    ),
    (
        "missing-asset",
        "An image or file that a page links to and that does not exist.",
        "Add the file or fix the path.",
    ),
    (
        "suppression",
        "A suppression comment without a reason, for an unknown rule, or that silences nothing.",
        "Give the reason after `--`, or remove the suppression.",
    ),
];

/// SARIF 2.1.0, as GitHub code scanning accepts it: stable rule ids with
/// descriptions and help, and partial fingerprints so findings keep their
/// identity when lines move.
pub fn sarif(diagnostics: &[Diagnostic], rules: &[Box<dyn Rule>]) -> String {
    let mut catalogue: Vec<serde_json::Value> = rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id(),
                "name": camel(r.id()),
                "shortDescription": {"text": r.description().en},
                "fullDescription": {"text": format!("{} {}", r.description().en, r.why().en)},
                "help": {"text": format!("{}\n\n{}", r.why().en, r.why().get(Lang::Es)), "markdown": format!("**Why:** {}\n\n**Por qué:** {}", r.why().en, r.why().es)},
                "defaultConfiguration": {"level": level(r.default_severity())},
                "properties": {"tags": ["community-guidance"]},
            })
        })
        .collect();
    for (id, description, help) in LOADER_RULES {
        if !rules.iter().any(|r| r.id() == *id) {
            catalogue.push(json!({
                "id": id,
                "name": camel(id),
                "shortDescription": {"text": description},
                "fullDescription": {"text": description},
                "help": {"text": help},
                "defaultConfiguration": {"level": if *id == "missing-asset" || *id == "suppression" { "warning" } else { "error" }},
            }));
        }
    }
    let mut index_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, rule) in catalogue.iter().enumerate() {
        if let Some(id) = rule["id"].as_str() {
            index_of.entry(id).or_insert(i);
        }
    }
    // The results are written straight from the findings, not through a
    // `serde_json::Value` each (which doubled the peak memory of `cmkb
    // check` at 10,000 pages). Fields in key order, as `json!` wrote them.
    #[derive(serde::Serialize)]
    struct SarifResult<'a> {
        level: &'static str,
        locations: [Location; 1],
        message: Text,
        #[serde(rename = "partialFingerprints")]
        partial_fingerprints: Fingerprints,
        #[serde(rename = "ruleId")]
        rule_id: &'a str,
        #[serde(rename = "ruleIndex", skip_serializing_if = "Option::is_none")]
        rule_index: Option<usize>,
    }
    #[derive(serde::Serialize)]
    struct Location {
        #[serde(rename = "physicalLocation")]
        physical_location: PhysicalLocation,
    }
    #[derive(serde::Serialize)]
    struct PhysicalLocation {
        #[serde(rename = "artifactLocation")]
        artifact_location: ArtifactLocation,
        region: Region,
    }
    #[derive(serde::Serialize)]
    struct ArtifactLocation {
        uri: String,
        #[serde(rename = "uriBaseId")]
        uri_base_id: &'static str,
    }
    #[derive(serde::Serialize)]
    struct Region {
        #[serde(rename = "startColumn", skip_serializing_if = "Option::is_none")]
        start_column: Option<usize>,
        #[serde(rename = "startLine")]
        start_line: usize,
    }
    #[derive(serde::Serialize)]
    struct Text {
        text: String,
    }
    #[derive(serde::Serialize)]
    struct Fingerprints {
        #[serde(rename = "primaryLocationLineHash")]
        primary_location_line_hash: String,
    }
    #[derive(serde::Serialize)]
    struct Run {
        #[serde(rename = "columnKind")]
        column_kind: &'static str,
        #[serde(rename = "originalUriBaseIds")]
        original_uri_base_ids: serde_json::Value,
        /// Empty here: [`fill_array`] writes the results.
        results: [(); 0],
        tool: serde_json::Value,
    }
    #[derive(serde::Serialize)]
    struct Log {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run; 1],
        version: &'static str,
    }
    // A finding's fingerprint counts the findings before it with the same
    // rule, file and line text: only that count runs in order. The keys,
    // the results and their text are made in parallel (`fill_array`).
    let keys: Vec<String> = diagnostics
        .par_iter()
        .map(|d| {
            let line_text = d
                .snippet
                .as_ref()
                .map(|s| s.text.trim())
                .unwrap_or_default();
            format!("{}\u{0}{}\u{0}{}", d.rule, path_of(d), line_text)
        })
        .collect();
    let mut seen: rustc_hash::FxHashMap<&str, usize> = Default::default();
    let fingerprinted: Vec<(&Diagnostic, &str, usize)> = diagnostics
        .iter()
        .zip(&keys)
        .map(|(d, key)| {
            let occurrence = seen.entry(key.as_str()).or_default();
            *occurrence += 1;
            (d, key.as_str(), *occurrence)
        })
        .collect();
    fn result<'d>(
        &(d, key, occurrence): &(&'d Diagnostic, &str, usize),
        index_of: &BTreeMap<&str, usize>,
    ) -> SarifResult<'d> {
        let mut message = d.message.clone();
        if let Some(why) = &d.why {
            let _ = write!(message, " {why}");
        }
        if let Some(help) = &d.help {
            let _ = write!(message, " {help}");
        }
        SarifResult {
            level: level(d.severity),
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: path_of(d),
                        uri_base_id: "%SRCROOT%",
                    },
                    region: Region {
                        start_column: (d.column > 0).then_some(d.column),
                        start_line: d.line.max(1),
                    },
                },
            }],
            message: Text { text: message },
            partial_fingerprints: Fingerprints {
                primary_location_line_hash: format!("{:016x}:{occurrence}", fnv1a(key.as_bytes())),
            },
            rule_id: &d.rule,
            rule_index: index_of.get(d.rule.as_str()).copied(),
        }
    }
    let value = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: json!({"%SRCROOT%": {"uri": "./"}}),
            results: [],
            tool: json!({"driver": {
                "name": "cmkb",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/cmkb/cmkb",
                "rules": catalogue,
            }}),
        }],
        version: "2.1.0",
    };
    let document = serde_json::to_string_pretty(&value).unwrap_or_default();
    let mut text = fill_array(document, "results", 3, &fingerprinted, |f| {
        result(f, &index_of)
    });
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: one annotation per finding.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    each_finding(diagnostics, annotation)
}

/// One finding as a workflow command line.
fn annotation(d: &Diagnostic) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = format!("file={}", escape_property(&path_of(d)));
    if d.line > 0 {
        let _ = write!(props, ",line={}", d.line);
    }
    if d.column > 0 {
        let _ = write!(props, ",col={}", d.column);
    }
    let _ = write!(
        props,
        ",title={}",
        escape_property(&format!("cmkb {}", d.rule))
    );
    let mut message = d.message.clone();
    if let Some(why) = &d.why {
        let _ = write!(message, "\n{why}");
    }
    if let Some(help) = &d.help {
        let _ = write!(message, "\n{help}");
    }
    format!("::{command} {props}::{}\n", escape_data(&message))
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn camel(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A stable 64-bit hash for fingerprints (the standard hasher may change
/// between Rust releases; fingerprints must not).
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d() -> Diagnostic {
        Diagnostic::new(
            "rigid-script",
            Severity::Warning,
            "content/a.md",
            "no room: to adapt, 100%",
        )
        .at(3, 1)
        .help("add a section")
    }

    #[test]
    fn github_annotations_escape_their_data() {
        let line = github(&[d()]);
        assert_eq!(
            line,
            "::warning file=content/a.md,line=3,col=1,title=cmkb rigid-script::no room: to adapt, 100%25%0Aadd a section\n"
        );
    }

    #[derive(serde::Serialize)]
    struct Item {
        name: String,
        tags: Vec<String>,
        nested: serde_json::Value,
        none: Option<u8>,
    }

    fn item(name: &str) -> Item {
        Item {
            name: name.to_string(),
            tags: if name.len() % 2 == 0 {
                vec![]
            } else {
                vec![name.into(), "b".into()]
            },
            nested: json!({"a": [1, {"b": [], "items": []}], "c": {}, "d": name}),
            none: None,
        }
    }

    /// `fill_array` against serde_json writing the whole document, with the
    /// array one level deep (the JSON report) and three (SARIF's results),
    /// empty or not, around names that hold newlines, quotes, the key's own
    /// text and characters beyond ASCII.
    fn fills_as_serde_json_writes(names: &[String]) {
        #[derive(serde::Serialize)]
        struct Shallow<T> {
            items: T,
            after: u8,
        }
        #[derive(serde::Serialize)]
        struct Inner<T> {
            key: &'static str,
            items: T,
        }
        #[derive(serde::Serialize)]
        struct Deep<T> {
            before: &'static str,
            outer: [Inner<T>; 1],
        }
        let items: Vec<Item> = names.iter().map(|n| item(n)).collect();
        let whole = serde_json::to_string_pretty(&Shallow {
            items: &items,
            after: 1,
        })
        .unwrap_or_default();
        let empty = serde_json::to_string_pretty(&Shallow {
            items: [(); 0],
            after: 1,
        })
        .unwrap_or_default();
        assert_eq!(fill_array(empty, "items", 1, names, |n| item(n)), whole);
        let whole = serde_json::to_string_pretty(&Deep {
            before: "x",
            outer: [Inner {
                key: "k",
                items: &items,
            }],
        })
        .unwrap_or_default();
        let empty = serde_json::to_string_pretty(&Deep {
            before: "x",
            outer: [Inner {
                key: "k",
                items: [(); 0],
            }],
        })
        .unwrap_or_default();
        assert_eq!(fill_array(empty, "items", 3, names, |n| item(n)), whole);
    }

    #[test]
    fn arrays_filled_in_parallel_read_as_written_whole() {
        for names in [
            vec![],
            vec!["one".to_string()],
            vec![
                "a\nb".into(),
                "\"items\": []".into(),
                "moderación \u{2028} 会議".into(),
                "".into(),
            ],
            (0..1000).map(|i| format!("finding {i}")).collect(),
        ] {
            fills_as_serde_json_writes(&names);
        }
    }

    proptest::proptest! {
        #[test]
        fn arrays_filled_in_parallel_read_as_written_whole_for_any_text(
            names in proptest::collection::vec(proptest::prelude::any::<String>(), 0..8)
        ) {
            fills_as_serde_json_writes(&names);
        }
    }

    #[test]
    fn summaries_count_by_severity_and_rule() {
        assert_eq!(
            summary(&[d(), d()]),
            "0 errors, 2 warnings, 0 notes (rigid-script 2)"
        );
    }

    #[test]
    fn fingerprints_are_stable() {
        assert_eq!(fnv1a(b"cmkb"), fnv1a(b"cmkb"));
        assert_ne!(fnv1a(b"a"), fnv1a(b"b"));
    }
}
