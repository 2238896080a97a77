//! Findings as text for people (`human`), for tools (`json`), for code
//! scanning (`sarif`, 2.1.0) and for pull-request annotations (`github`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

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
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.render_human(colour));
        out.push('\n');
    }
    out
}

pub fn json(diagnostics: &[Diagnostic]) -> String {
    // Written straight from the findings, not through a `serde_json::Value`
    // per finding (a tenth of `cmkb check` at 10,000 pages). Fields in key
    // order, as the tree of `json!` wrote them.
    #[derive(serde::Serialize)]
    struct Report<'a> {
        diagnostics: Vec<Entry<'a>>,
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
        diagnostics: diagnostics
            .iter()
            .map(|d| Entry {
                column: d.column,
                help: &d.help,
                line: d.line,
                message: &d.message,
                path: path_of(d),
                rule: &d.rule,
                severity: d.severity,
                why: &d.why,
            })
            .collect(),
        summary: Summary {
            errors: count(Severity::Error),
            notes: count(Severity::Note),
            warnings: count(Severity::Warning),
        },
    };
    let mut text = serde_json::to_string_pretty(&report).unwrap_or_default();
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
    struct Run<'a> {
        #[serde(rename = "columnKind")]
        column_kind: &'static str,
        #[serde(rename = "originalUriBaseIds")]
        original_uri_base_ids: serde_json::Value,
        results: Vec<SarifResult<'a>>,
        tool: serde_json::Value,
    }
    #[derive(serde::Serialize)]
    struct Log<'a> {
        #[serde(rename = "$schema")]
        schema: &'static str,
        runs: [Run<'a>; 1],
        version: &'static str,
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let results: Vec<SarifResult<'_>> = diagnostics
        .iter()
        .map(|d| {
            let line_text = d
                .snippet
                .as_ref()
                .map(|s| s.text.trim().to_string())
                .unwrap_or_default();
            let key = format!("{}\u{0}{}\u{0}{}", d.rule, path_of(d), line_text);
            let occurrence = seen.entry(key.clone()).or_default();
            *occurrence += 1;
            let fingerprint = format!("{:016x}:{}", fnv1a(key.as_bytes()), occurrence);
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
                    primary_location_line_hash: fingerprint,
                },
                rule_id: &d.rule,
                rule_index: index_of.get(d.rule.as_str()).copied(),
            }
        })
        .collect();
    let value = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [Run {
            column_kind: "unicodeCodePoints",
            original_uri_base_ids: json!({"%SRCROOT%": {"uri": "./"}}),
            results,
            tool: json!({"driver": {
                "name": "cmkb",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/cmkb/cmkb",
                "rules": catalogue,
            }}),
        }],
        version: "2.1.0",
    };
    let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
    text.push('\n');
    text
}

/// GitHub Actions workflow commands: one annotation per finding.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
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
        let _ = writeln!(out, "::{command} {props}::{}", escape_data(&message));
    }
    out
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
