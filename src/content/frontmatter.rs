//! Front matter: TOML between `+++` lines or YAML between `---` lines, turned
//! into typed fields that remember the line they came from.
//!
//! Every problem in a page's front matter is collected, not only the first, so
//! a writer fixes a page in one pass. Keys cmkb does not know are kept (in
//! `extra`, for templates) and listed, so the schema check can suggest the key
//! that was meant.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::Value;

/// Keys with a meaning to cmkb. Anything else lands in `extra`.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "description",
    "type",
    "lang",
    "translation_key",
    "tags",
    "owner",
    "audience",
    "reviewed",
    "review_by",
    "review_every",
    "visibility",
    "draft",
    "weight",
    "slug",
    "template",
    "extra",
    "cmkb-disable",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    Public,
    Internal,
}

/// A problem in the front matter, at a line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub line: usize,
    pub message: String,
    pub help: String,
}

/// Where the front matter and the body are in a file.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    pub format: Option<Format>,
    /// The text between the delimiters.
    pub front: &'a str,
    /// 1-based line of the first line of `front`.
    pub front_line: usize,
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub kind: Option<String>,
    pub lang: Option<String>,
    pub translation_key: Option<String>,
    pub tags: Vec<String>,
    pub owner: Option<String>,
    pub audience: Vec<String>,
    pub reviewed: Option<Date>,
    pub review_by: Option<Date>,
    pub review_every: Option<jiff::Span>,
    pub visibility: Option<Visibility>,
    pub draft: bool,
    pub weight: i64,
    pub slug: Option<String>,
    pub template: Option<String>,
    /// `cmkb-disable = ["rule-id -- reason"]`: suppressions for the whole page.
    pub disable: Vec<String>,
    /// Keys cmkb does not interpret, and the `[extra]` table: for templates.
    pub extra: BTreeMap<String, Value>,
    /// Keys that are neither known nor under `[extra]`.
    pub unknown: Vec<String>,
    /// The line each top-level key was set on.
    pub lines: BTreeMap<String, usize>,
    pub format: Option<Format>,
}

impl FrontMatter {
    pub fn line_of(&self, key: &str) -> usize {
        self.lines.get(key).copied().unwrap_or(1)
    }

    pub fn has(&self, key: &str) -> bool {
        self.lines.contains_key(key)
    }
}

/// Finds the front matter. A first line of exactly `+++` or `---` opens it
/// and the same line closes it; a longer row of dashes is a Markdown rule or
/// heading underline, not front matter.
pub fn split(text: &str) -> Result<Split<'_>, FieldError> {
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let first = text[..first_end].trim_end();
    let format = match first {
        "+++" => Format::Toml,
        "---" => Format::Yaml,
        _ => {
            return Ok(Split {
                format: None,
                front: "",
                front_line: 1,
                body: text,
                body_offset: 0,
            })
        }
    };
    let mut offset = first_end;
    let mut line = 2;
    while offset < text.len() {
        let end = text[offset..]
            .find('\n')
            .map(|i| offset + i + 1)
            .unwrap_or(text.len());
        if text[offset..end].trim_end() == first {
            return Ok(Split {
                format: Some(format),
                front: &text[first_end..offset],
                front_line: 2,
                body: &text[end..],
                body_offset: end,
            });
        }
        offset = end;
        line += 1;
    }
    Err(FieldError {
        line: 1,
        message: format!("the front matter opened by `{first}` on line 1 is never closed"),
        help: format!(
            "add a line with only `{first}` after the last front-matter field (the file has {} lines and none of them closes it)",
            line - 1
        ),
    })
}

/// Parses the front matter into typed fields. Returns every problem found.
pub fn parse(split: &Split<'_>) -> (FrontMatter, Vec<FieldError>) {
    let mut fm = FrontMatter {
        format: split.format,
        ..FrontMatter::default()
    };
    let Some(format) = split.format else {
        return (fm, Vec::new());
    };
    let map = match parse_map(format, split.front, split.front_line) {
        Ok(map) => map,
        Err(e) => return (fm, vec![e]),
    };
    fm.lines = key_lines(split.front, split.front_line, format);
    let mut errors = Vec::new();
    for (key, value) in map {
        let line = fm.lines.get(&key).copied().unwrap_or(split.front_line);
        let mut fail = |message: String, help: &str| {
            errors.push(FieldError {
                line,
                message,
                help: help.to_string(),
            })
        };
        match key.as_str() {
            "title" => fm.title = text(&key, value, &mut fail).map(|t| decode_entities(&t)),
            "description" => {
                fm.description = text(&key, value, &mut fail).map(|t| decode_entities(&t))
            }
            "type" => fm.kind = text(&key, value, &mut fail),
            "lang" => {
                if let Some(lang) = text(&key, value, &mut fail) {
                    let lang = lang.to_ascii_lowercase().replace('_', "-");
                    if crate::config::is_language_tag(&lang) {
                        fm.lang = Some(lang);
                    } else {
                        fail(
                            format!("`lang` is \"{lang}\", which is not a language code"),
                            "use a code such as \"es\", \"en\" or \"pt-br\"",
                        );
                    }
                }
            }
            "translation_key" => fm.translation_key = text(&key, value, &mut fail),
            "owner" => fm.owner = text(&key, value, &mut fail),
            "slug" => fm.slug = text(&key, value, &mut fail),
            "template" => fm.template = text(&key, value, &mut fail),
            "tags" => fm.tags = list(&key, value, &mut fail),
            "audience" => fm.audience = list(&key, value, &mut fail),
            "cmkb-disable" => fm.disable = list(&key, value, &mut fail),
            "reviewed" => fm.reviewed = date(&key, value, &mut fail),
            "review_by" => fm.review_by = date(&key, value, &mut fail),
            "review_every" => {
                if let Some(text) = text(&key, value, &mut fail) {
                    match text.parse::<jiff::Span>() {
                        Ok(span) => fm.review_every = Some(span),
                        Err(_) => fail(
                            format!("`review_every` is \"{text}\", which is not a duration"),
                            "write an ISO 8601 duration: \"P6M\" for six months, \"P90D\" for ninety days",
                        ),
                    }
                }
            }
            "visibility" => match value.as_str() {
                Some("public") => fm.visibility = Some(Visibility::Public),
                Some("internal") => fm.visibility = Some(Visibility::Internal),
                _ => fail(
                    format!(
                        "`visibility` is {}, but it must be \"public\" or \"internal\"",
                        describe(&value)
                    ),
                    "internal pages are left out of the public build; public is the default",
                ),
            },
            "draft" => match value {
                Value::Bool(b) => fm.draft = b,
                other => fail(
                    format!("`draft` must be true or false, not {}", describe(&other)),
                    "write `draft = true` or remove the line",
                ),
            },
            "weight" => match value.as_i64() {
                Some(w) => fm.weight = w,
                None => fail(
                    format!("`weight` must be a whole number, not {}", describe(&value)),
                    "pages are sorted by weight, lowest first: write e.g. `weight = 10`",
                ),
            },
            "extra" => match value {
                Value::Object(table) => fm.extra.extend(table),
                other => fail(
                    format!("`extra` must be a table, not {}", describe(&other)),
                    "put free-form values under [extra] (TOML) or extra: (YAML)",
                ),
            },
            _ => {
                fm.unknown.push(key.clone());
                fm.extra.insert(key, value);
            }
        }
    }
    errors.sort_by_key(|e| e.line);
    (fm, errors)
}

fn parse_map(
    format: Format,
    front: &str,
    front_line: usize,
) -> Result<serde_json::Map<String, Value>, FieldError> {
    let value = match format {
        Format::Toml => toml::from_str::<toml::Table>(front)
            .map(|t| toml_to_json(toml::Value::Table(t)))
            .map_err(|e| {
                let line = e
                    .span()
                    .map(|s| crate::config::line_of(front, s.start))
                    .unwrap_or(1);
                FieldError {
                    line: front_line + line - 1,
                    message: format!("the TOML front matter does not parse: {}", e.message().trim()),
                    help: "TOML front matter between `+++` lines needs `key = value` lines, with text in quotes: title = \"Moderar un hilo\"".into(),
                }
            })?,
        Format::Yaml => {
            if front.trim().is_empty() {
                Value::Object(Default::default())
            } else {
                let yaml: serde_norway::Value = serde_norway::from_str(front).map_err(|e| {
                    // libyaml often notices a problem only at the end of the
                    // input; keep the line inside the front matter.
                    let last = front.lines().count().max(1);
                    let line = e.location().map(|l| l.line()).unwrap_or(1).clamp(1, last);
                    FieldError {
                        line: front_line + line - 1,
                        message: format!("the YAML front matter does not parse: {}", strip_location(&e.to_string())),
                        help: "YAML front matter between `---` lines needs `key: value` lines; quote text that contains `: ` or starts with a symbol".into(),
                    }
                })?;
                yaml_to_json(yaml)
            }
        }
    };
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Default::default()),
        other => Err(FieldError {
            line: front_line,
            message: format!(
                "the front matter is {}, not a set of fields",
                describe(&other)
            ),
            help: "write one `key: value` (YAML) or `key = value` (TOML) per line".into(),
        }),
    }
}

fn strip_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The line of each top-level key, found by reading the lines: neither parser
/// reports where a value came from, and top-level keys are easy to spot.
fn key_lines(front: &str, front_line: usize, format: Format) -> BTreeMap<String, usize> {
    let mut lines = BTreeMap::new();
    let mut in_table = false;
    for (i, raw) in front.lines().enumerate() {
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let key = match format {
            Format::Toml => {
                if let Some(rest) = line.strip_prefix('[') {
                    // `[extra]` and friends: its keys are not top level.
                    let name = rest.trim_start_matches('[').trim_end_matches(']').trim();
                    lines.entry(name.to_string()).or_insert(front_line + i);
                    in_table = true;
                    continue;
                }
                if in_table {
                    continue;
                }
                line.split_once('=').map(|(k, _)| k)
            }
            Format::Yaml => {
                if line.starts_with(char::is_whitespace) || line.starts_with('-') {
                    continue;
                }
                line.split_once(':').map(|(k, _)| k)
            }
        };
        if let Some(key) = key {
            let key = key.trim().trim_matches(['"', '\'']);
            lines.entry(key.to_string()).or_insert(front_line + i);
        }
    }
    lines
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

fn yaml_to_json(value: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map(Value::from).unwrap_or(Value::Null)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s,
                        other => serde_norway::to_string(&other)
                            .map(|s| s.trim().to_string())
                            .unwrap_or_default(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(tagged) => yaml_to_json(tagged.value),
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the text \"{}\"", truncate(s, 60)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a table".into(),
    }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

fn text(key: &str, value: Value, fail: &mut impl FnMut(String, &str)) -> Option<String> {
    match value {
        Value::String(s) => Some(s),
        // YAML writers often leave numbers and booleans unquoted (`version: 2.1`).
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => None,
        other => {
            fail(
                format!("`{key}` must be text, not {}", describe(&other)),
                &format!("write `{key} = \"…\"` with one value"),
            );
            None
        }
    }
}

fn list(key: &str, value: Value, fail: &mut impl FnMut(String, &str)) -> Vec<String> {
    match value {
        Value::String(s) => vec![s],
        Value::Null => Vec::new(),
        Value::Array(items) => {
            let mut out = Vec::new();
            for item in items {
                match item {
                    Value::String(s) => out.push(s),
                    Value::Number(n) => out.push(n.to_string()),
                    other => fail(
                        format!(
                            "`{key}` must be a list of text, but it holds {}",
                            describe(&other)
                        ),
                        &format!("write `{key} = [\"a\", \"b\"]`"),
                    ),
                }
            }
            out
        }
        other => {
            fail(
                format!("`{key}` must be a list of text, not {}", describe(&other)),
                &format!("write `{key} = [\"a\", \"b\"]`"),
            );
            Vec::new()
        }
    }
}

fn date(key: &str, value: Value, fail: &mut impl FnMut(String, &str)) -> Option<Date> {
    let parsed = value.as_str().and_then(parse_date);
    if parsed.is_none() {
        fail(
            format!("`{key}` must be a date, not {}", describe(&value)),
            &format!("write the date as YYYY-MM-DD, e.g. `{key} = 2026-09-01`"),
        );
    }
    parsed
}

/// `2026-09-01`, or the date part of `2026-09-01T10:00:00Z`.
pub fn parse_date(text: &str) -> Option<Date> {
    let text = text.trim();
    let day = text.get(..10)?;
    let rest = &text[10..];
    if !(rest.is_empty() || rest.starts_with(['T', 't', ' '])) {
        return None;
    }
    day.parse::<Date>().ok()
}

/// Front matter may carry HTML entities (`Pr&aacute;cticas`): decode them
/// once here, so templates escape the real characters exactly once.
pub fn decode_entities(text: &str) -> String {
    if text.contains('&') {
        htmlize::unescape(text).into_owned()
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fm(text: &str) -> (FrontMatter, Vec<FieldError>) {
        let split = split(text).expect("front matter splits");
        parse(&split)
    }

    #[test]
    fn toml_fields_are_typed() {
        let (fm, errors) = fm("+++\ntitle = \"Moderar\"\ntags = [\"a\", \"b\"]\nreviewed = 2026-09-01\nweight = 3\n+++\nbody");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.title.as_deref(), Some("Moderar"));
        assert_eq!(fm.tags, ["a", "b"]);
        assert_eq!(fm.reviewed, Some(jiff::civil::date(2026, 9, 1)));
        assert_eq!(fm.weight, 3);
        assert_eq!(fm.line_of("reviewed"), 4);
    }

    #[test]
    fn yaml_fields_are_typed_and_entities_decoded() {
        let (fm, errors) = fm("---\ntitle: Buenas Pr&aacute;cticas\nlang: es\norder: 3\n---\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.title.as_deref(), Some("Buenas Prácticas"));
        assert_eq!(fm.unknown, ["order"]);
    }

    #[test]
    fn every_wrong_field_is_reported_at_its_line() {
        let (_, errors) = fm("+++\ntitle = \"x\"\nreviewed = \"last week\"\ndraft = \"no\"\n+++\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.contains("`reviewed` must be a date"));
        assert_eq!(errors[1].line, 4);
    }

    #[test]
    fn unparsable_toml_names_its_line() {
        let (_, errors) = fm("+++\ntitle = \"x\"\nowner = equipo\n+++\n");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 3, "{errors:?}");
    }

    #[test]
    fn unparsable_yaml_names_its_line() {
        let (_, errors) = fm("---\ntitle: x\ntags: [a, b\nowner: y\n---\n");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].line >= 3, "{errors:?}");
        assert!(errors[0].message.contains("YAML"));
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let err = split("+++\ntitle = \"x\"\n\nbody\n").unwrap_err();
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn a_long_row_of_dashes_is_not_front_matter() {
        let s = split("----------\nNot: yaml at all: really\n").unwrap();
        assert!(s.format.is_none());
        assert_eq!(s.body_offset, 0);
    }

    #[test]
    fn crlf_front_matter_works() {
        let (fm, errors) = fm("+++\r\ntitle = \"Hola\"\r\n+++\r\nbody\r\n");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(fm.title.as_deref(), Some("Hola"));
    }

    #[test]
    fn dates_with_times_keep_the_day() {
        assert_eq!(
            parse_date("2026-09-01T10:00:00Z"),
            Some(jiff::civil::date(2026, 9, 1))
        );
        assert_eq!(parse_date("last week"), None);
        assert_eq!(parse_date("2026-13-01"), None);
    }
}
