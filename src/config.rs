//! `site.toml`: what the site is called, where it lives, which languages it
//! speaks, which content types it knows and how strict its checks are.
//!
//! Unknown keys are errors with a "did you mean", because a misspelt setting
//! that is silently ignored is worse than no setting. A folder with no
//! `site.toml` still builds: [`Config::default_for`] gives the defaults, so a
//! team can point cmkb at the Markdown it already has.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

pub const CONFIG_FILE: &str = "site.toml";

/// Every rule id cmkb knows, in catalogue order. Settings for any other id are
/// an error, so a typo in `[check.rules]` never silently disables nothing.
pub const RULE_IDS: &[&str] = &[
    "frontmatter-schema",
    "form-over-substance",
    "business-over-community",
    "rigid-script",
    "member-protection",
    "confidential-leak",
    "personal-data",
    "explain-why",
    "always-on",
    "review-overdue",
    "broken-link",
    "translation-parity",
    "missing-asset",
    "duplicate-url",
    "read-error",
    "suppression",
    "unsafe-content",
];

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Where the site will be served from, e.g. `https://org.github.io/kb/`.
    /// Its path decides the prefix of every generated URL.
    pub base_url: String,
    pub default_language: String,
    pub languages: Vec<String>,
    pub theme: String,
    pub output_dir: PathBuf,
    pub content_dir: Option<PathBuf>,
    pub taxonomies: Vec<String>,
    /// The team `cmkb new` writes as a new page's `owner` (a team, not a person).
    pub default_owner: Option<String>,
    /// Content types and what each requires; see [`TypeSpec`].
    pub types: BTreeMap<String, TypeSpec>,
    pub check: CheckConfig,
    pub markdown: MarkdownConfig,
    /// Free-form values handed to templates as `site.extra`.
    pub extra: toml::Table,
    /// The text of `site.toml`, so later stages can point at a line of it.
    #[serde(skip)]
    pub source: Option<(PathBuf, String)>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TypeSpec {
    /// Front-matter fields every page of this type must set.
    pub required: Vec<String>,
    /// Section ids (`## Cuándo adaptar {#when-to-adapt}`) every page of this type must have.
    pub sections: Vec<String>,
    /// Allowed values per field, e.g. `audience = ["moderators", "members"]`.
    pub values: BTreeMap<String, Vec<String>>,
    /// Least words of prose a page of this type should carry.
    pub min_words: Option<usize>,
    /// How often pages of this type must be reviewed, as an ISO 8601 duration (`P6M`).
    pub review_every: Option<String>,
}

/// How raw HTML in pages is treated.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub scripts: ScriptPolicy,
}

/// What to do with raw `<script>` (and `on…=` handlers) in Markdown: keep it
/// and report it (`finding`, the default: a knowledge base rarely needs
/// scripts, and a pasted one is a risk), render it as visible text
/// (`escape`), or keep it silently (`allow`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScriptPolicy {
    #[default]
    Finding,
    Escape,
    Allow,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Whether error-level findings fail `cmkb build` (they always fail `cmkb check`).
    pub fail_build: bool,
    /// Glob-like path prefixes (relative to the content folder) that the guidance rules skip.
    pub ignore: Vec<String>,
    /// Per-rule settings: `severity` plus the rule's own thresholds.
    pub rules: BTreeMap<String, toml::Table>,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            fail_build: true,
            ignore: Vec::new(),
            rules: BTreeMap::new(),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Knowledge base".into(),
            description: String::new(),
            base_url: "/".into(),
            default_language: "en".into(),
            languages: vec!["en".into(), "es".into()],
            theme: "default".into(),
            output_dir: PathBuf::from("public"),
            content_dir: None,
            taxonomies: vec!["tags".into()],
            default_owner: None,
            types: default_types(),
            check: CheckConfig::default(),
            markdown: MarkdownConfig::default(),
            extra: toml::Table::new(),
            source: None,
        }
    }
}

/// The four content types every community knowledge base has, with what the
/// rule catalogue expects of each. A `site.toml` that declares `[types.x]`
/// replaces the built-in `x` and keeps the others.
pub fn default_types() -> BTreeMap<String, TypeSpec> {
    let spec = |required: &[&str], sections: &[&str], min_words: usize| TypeSpec {
        required: required.iter().map(|s| s.to_string()).collect(),
        sections: sections.iter().map(|s| s.to_string()).collect(),
        values: BTreeMap::new(),
        min_words: Some(min_words),
        review_every: None,
    };
    let base = ["title", "description", "owner", "reviewed"];
    BTreeMap::from([
        // A guide explains; 150 words is about the shortest explanation that
        // still says why, not only what.
        ("guide".to_string(), spec(&base, &[], 150)),
        (
            "playbook".to_string(),
            spec(
                &[&base[..], &["review_by"]].concat(),
                &["when-to-adapt", "escalation"],
                200,
            ),
        ),
        (
            "policy".to_string(),
            spec(
                &[&base[..], &["review_by"]].concat(),
                &["why", "consequences", "appeals"],
                200,
            ),
        ),
        // Templates are mostly fill-in text; the words are in the adaptation notes.
        (
            "template".to_string(),
            spec(&["title", "description", "owner"], &["when-to-adapt"], 60),
        ),
    ])
}

impl Config {
    /// Loads `site.toml` from `root`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, &path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default_for(root)),
            Err(source) => Err(Error::Read { path, source }),
        }
    }

    /// Defaults for a folder with no `site.toml`: named after the folder.
    pub fn default_for(root: &Path) -> Config {
        let name = std::fs::canonicalize(root)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Knowledge base".into());
        Config {
            title: name,
            ..Config::default()
        }
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|span| line_of(text, span.start)).unwrap_or(1);
            Error::Config {
                path: path.to_path_buf(),
                line,
                message: explain_toml_error(e.message()),
            }
        })?;
        let mut types = default_types();
        types.append(&mut config.types);
        config.types = types;
        config.validate(text, path)?;
        config.source = Some((path.to_path_buf(), text.to_string()));
        Ok(config)
    }

    fn validate(&mut self, text: &str, path: &Path) -> Result<()> {
        let fail = |key: &str, message: String| Error::Config {
            path: path.to_path_buf(),
            line: line_of_key(text, key),
            message,
        };
        if self.languages.is_empty() {
            self.languages.push(self.default_language.clone());
        }
        if !self.languages.contains(&self.default_language) {
            return Err(fail(
                "default_language",
                format!(
                    "default_language \"{}\" is not one of languages {:?}; add it to `languages`",
                    self.default_language, self.languages
                ),
            ));
        }
        for lang in &self.languages {
            if !is_language_tag(lang) {
                return Err(fail(
                    "languages",
                    format!(
                        "\"{lang}\" is not a language code; use codes like \"es\" or \"pt-br\""
                    ),
                ));
            }
        }
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        if !(self.base_url.starts_with('/')
            || self.base_url.starts_with("http://")
            || self.base_url.starts_with("https://"))
        {
            return Err(fail(
                "base_url",
                format!(
                    "base_url \"{}\" must be an absolute URL such as \"https://org.github.io/kb/\", or a path such as \"/kb/\"",
                    self.base_url
                ),
            ));
        }
        for (rule, settings) in &self.check.rules {
            if !RULE_IDS.contains(&rule.as_str()) {
                return Err(fail(
                    rule,
                    format!(
                        "unknown rule `{rule}` in [check.rules]{}",
                        suggest(rule, RULE_IDS)
                    ),
                ));
            }
            if let Some(value) = settings.get("severity") {
                let ok = value
                    .as_str()
                    .is_some_and(|s| crate::Severity::parse_setting(s).is_some());
                if !ok {
                    return Err(fail(
                        "severity",
                        format!(
                            "severity {value} for rule `{rule}` is not one of \"error\", \"warning\", \"note\", \"off\""
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// The path part of `base_url`, always starting and ending with `/`:
    /// `https://org.github.io/kb/` → `/kb/`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    pub fn with_base_url(mut self, base_url: &str) -> Config {
        self.base_url = base_url.to_string();
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
        self
    }
}

pub fn base_path_of(base_url: &str) -> String {
    let after_scheme = match base_url.find("://") {
        Some(i) => &base_url[i + 3..],
        None => return normalise_path(base_url),
    };
    match after_scheme.find('/') {
        Some(i) => normalise_path(&after_scheme[i..]),
        None => "/".into(),
    }
}

fn normalise_path(path: &str) -> String {
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

/// `es`, `en`, `pt-br`, `zh-hant`, `glg`: two or three letters, then optional subtags.
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The 1-based line where `key` is set, for messages about `site.toml`.
pub fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .or_else(|| l.strip_prefix(&format!("\"{key}\"")))
                .is_some_and(|rest| rest.trim_start().starts_with('=') || rest.starts_with(']'))
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

/// Turns serde's "unknown field `titel`, expected one of `title`, …" into a
/// message with the one suggestion that matters.
fn explain_toml_error(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((field, expected)) = rest.split_once('`') {
            let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            return format!(
                "unknown setting `{field}`{}",
                if candidates.is_empty() {
                    String::new()
                } else {
                    suggest(field, &candidates)
                }
            );
        }
    }
    message.to_string()
}

/// ", did you mean `x`?" for the closest candidate, or the list when none is close.
pub fn suggest(word: &str, candidates: &[&str]) -> String {
    let best = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), *c))
        .min();
    match best {
        Some((distance, candidate)) if distance <= 3.max(word.len() / 3) => {
            format!("; did you mean `{candidate}`?")
        }
        _ => format!("; expected one of: {}", candidates.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_comes_from_the_url_path() {
        assert_eq!(base_path_of("https://org.github.io/kb/"), "/kb/");
        assert_eq!(base_path_of("https://org.github.io/kb"), "/kb/");
        assert_eq!(base_path_of("https://example.org"), "/");
        assert_eq!(base_path_of("/"), "/");
        assert_eq!(base_path_of("/docs/kb"), "/docs/kb/");
    }

    #[test]
    fn a_misspelt_setting_gets_a_suggestion_and_a_line() {
        let err =
            Config::parse("title = \"x\"\nbase_ulr = \"/\"\n", Path::new("site.toml")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("site.toml:2"), "{text}");
        assert!(text.contains("did you mean `base_url`"), "{text}");
    }

    #[test]
    fn an_unknown_rule_id_is_an_error_with_a_suggestion() {
        let err = Config::parse(
            "[check.rules.broken-links]\nseverity = \"warning\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(text.contains("did you mean `broken-link`"), "{text}");
        assert!(text.contains("site.toml:1"), "{text}");
    }

    #[test]
    fn an_unknown_severity_is_an_error() {
        let err = Config::parse(
            "[check.rules.broken-link]\nseverity = \"fatal\"\n",
            Path::new("site.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("\"error\", \"warning\""));
    }

    #[test]
    fn declared_types_extend_the_built_in_ones() {
        let config = Config::parse(
            "[types.checklist]\nrequired = [\"title\"]\n",
            Path::new("site.toml"),
        )
        .unwrap();
        assert!(config.types.contains_key("checklist"));
        assert!(config.types.contains_key("playbook"));
    }

    #[test]
    fn language_tags() {
        for ok in ["es", "en", "pt-br", "zh-hant", "glg", "fa-ir"] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in ["", "e", "ES", "english", "1.0", "es_ES"] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }
}
