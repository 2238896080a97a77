//! `cmkb check --format sarif` validates against the official SARIF 2.1.0
//! JSON schema, as GitHub code scanning requires.
//!
//! The schema is not vendored: the `serde-sarif` crate (a dev-dependency)
//! ships the OASIS schema as `src/schema.json`, and `cargo metadata` says
//! where cargo put it.

mod common;

use common::Fixture;
use serde_json::Value;

fn sarif_schema() -> Value {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata");
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("metadata JSON");
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "serde-sarif")
        .and_then(|p| p["manifest_path"].as_str())
        .expect("serde-sarif is a dev-dependency");
    let path = std::path::Path::new(manifest)
        .parent()
        .unwrap()
        .join("src/schema.json");
    let mut schema: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    strip_broken_language_pattern(&mut schema);
    schema
}

/// The official schema's `language` pattern has an unbalanced bracket and is
/// rejected by strict regex engines; it constrains a property cmkb never sets.
fn strip_broken_language_pattern(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("pattern").and_then(Value::as_str)
                == Some("^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$")
            {
                map.remove("pattern");
            }
            map.values_mut().for_each(strip_broken_language_pattern);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_broken_language_pattern),
        _ => {}
    }
}

#[test]
fn sarif_output_validates_against_the_sarif_2_1_0_schema() {
    let site = Fixture::site()
        .file(
            "content/guide.md",
            "+++\ntitle = \"Guía\"\ntype = \"guide\"\nowner = \"equipo\"\nreviewed = 2025-01-01\nreview_by = 2025-06-01\n+++\nVer [nada](nada.md) y ana.perez@gmail.com.\n\n<!-- cmkb-disable-next-line review-overdue -->\n",
        )
        .file("content/whole-file.md", "---\ntitle: [broken\n---\n");
    let run = site.cmkb(&["check", "--today", "2026-11-25", "--format", "sarif"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let sarif: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results.len() >= 4,
        "several kinds of finding are covered: {results:#?}"
    );
    let validator = jsonschema::validator_for(&sarif_schema()).expect("the schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
    // The validator is not vacuous: a wrong level is rejected.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));
}
