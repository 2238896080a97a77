//! Archetypes: the starting text of a new page of each content type.
//!
//! An archetype is a Markdown page with placeholders, replaced when `cmkb new`
//! writes the page (each value is escaped for a double-quoted string):
//!
//! | placeholder | value |
//! |---|---|
//! | `{{title}}` | the title given to `cmkb new` |
//! | `{{type}}`, `{{lang}}` | the content type and the page's language |
//! | `{{owner}}` | `default_owner` from site.toml |
//! | `{{reviewed}}`, `{{review_by}}` | today, and today plus the type's review period |
//! | `{{audience}}` | a list literal, e.g. `["community team"]` |
//! | `{{prompt}}` | the placeholder marker (`PENDIENTE:` or `TODO:`) |
//!
//! A site's `archetypes/<type>.<lang>.md` or `archetypes/<type>.md` replaces
//! the built-in one. Whatever the archetype, the page written carries every
//! field and section the site requires of its type: missing ones are added,
//! each section with a one-line prompt.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use jiff::civil::Date;

use super::{quote, ScaffoldError};
use crate::check::Lang;
use crate::config::{Config, TypeSpec};
use crate::content::frontmatter::{self, Format};

static ARCHETYPES: Dir<'static> =
    include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/templates/archetypes");

/// The marker that starts every prompt in a Spanish page. `form-over-substance`
/// reports it as an unfinished placeholder until it is replaced.
pub const PROMPT_ES: &str = "PENDIENTE:";
/// The marker that starts every prompt in an English (or other) page.
pub const PROMPT_EN: &str = "TODO:";

/// Where a new page's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchetypeSource {
    /// The site's own `archetypes/…` file.
    Site(PathBuf),
    /// cmkb's archetype for a built-in type.
    BuiltIn,
    /// A type the site declared, with no archetype: built from its schema.
    Generic,
}

pub(super) struct Request<'a> {
    pub root: &'a Path,
    pub config: &'a Config,
    pub kind: &'a str,
    pub title: &'a str,
    pub lang: &'a str,
    pub owner: &'a str,
    pub today: Date,
}

pub(super) struct Rendered {
    pub text: String,
    pub source: ArchetypeSource,
    pub prompts: usize,
}

pub(super) fn render(request: &Request<'_>) -> Result<Rendered, ScaffoldError> {
    let lang = Lang::of(request.lang);
    let code = lang.pick("es", "en");
    let prompt = lang.pick(PROMPT_ES, PROMPT_EN);
    let (template, source) = find(request, code)?;
    let spec = request
        .config
        .types
        .get(request.kind)
        .cloned()
        .unwrap_or_default();
    let values = Values::new(request, &spec, lang);
    let mut text = substitute(&template, &values, prompt);
    text = ensure_fields(&text, request, &spec, &values, prompt);
    text = ensure_sections(&text, &spec, lang, prompt);
    let prompts = text.lines().filter(|l| l.contains(prompt)).count();
    Ok(Rendered {
        text,
        source,
        prompts,
    })
}

/// The site's archetype for the type and language, else the built-in one.
fn find(request: &Request<'_>, code: &str) -> Result<(String, ArchetypeSource), ScaffoldError> {
    let dir = request.root.join("archetypes");
    for name in [
        format!("{}.{}.md", request.kind, request.lang),
        format!("{}.md", request.kind),
    ] {
        let path = dir.join(&name);
        match std::fs::read_to_string(&path) {
            Ok(text) => return Ok((text, ArchetypeSource::Site(path))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(crate::Error::Read { path, source }.into()),
        }
    }
    let built_in = |name: &str| {
        ARCHETYPES
            .get_file(name)
            .and_then(|f| f.contents_utf8())
            .map(str::to_string)
    };
    if let Some(text) = built_in(&format!("{}.{code}.md", request.kind)) {
        return Ok((text, ArchetypeSource::BuiltIn));
    }
    let text = built_in(&format!("generic.{code}.md")).unwrap_or_default();
    Ok((text, ArchetypeSource::Generic))
}

/// The values a new page starts with, as they appear in front matter.
struct Values {
    title: String,
    kind: String,
    lang: String,
    owner: String,
    reviewed: String,
    review_by: String,
    audience: String,
}

impl Values {
    fn new(request: &Request<'_>, spec: &TypeSpec, lang: Lang) -> Values {
        let audience: Vec<String> = match spec.values.get("audience") {
            Some(allowed) if !allowed.is_empty() => vec![allowed[0].clone()],
            _ => vec![lang
                .pick("equipo de comunidad", "community team")
                .to_string()],
        };
        Values {
            title: quote(request.title),
            kind: quote(request.kind),
            lang: quote(request.lang),
            owner: quote(request.owner),
            reviewed: request.today.to_string(),
            review_by: super::review_by(request.config, request.kind, request.today).to_string(),
            audience: format!(
                "[{}]",
                audience
                    .iter()
                    .map(|a| quote(a))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The front-matter value for a required field the archetype lacks.
    fn for_field(&self, field: &str, spec: &TypeSpec, prompt: &str, lang: Lang) -> String {
        match field {
            "title" => self.title.clone(),
            "type" => self.kind.clone(),
            "lang" => self.lang.clone(),
            "owner" => self.owner.clone(),
            "reviewed" => self.reviewed.clone(),
            "review_by" => self.review_by.clone(),
            "audience" => self.audience.clone(),
            "tags" => "[]".into(),
            "description" => quote(&format!(
                "{prompt} {}",
                lang.pick(
                    "una frase que diga para qué sirve esta página",
                    "one sentence on what this page is for"
                )
            )),
            other => match spec.values.get(other).and_then(|v| v.first()) {
                Some(allowed) => quote(allowed),
                None => quote(&format!("{prompt} {other}")),
            },
        }
    }
}

/// Replaces `{{name}}` placeholders (quoted values are inserted without their
/// surrounding quotes, since the archetype writes them).
fn substitute(template: &str, values: &Values, prompt: &str) -> String {
    let bare = |quoted: &str| quoted[1..quoted.len() - 1].to_string();
    let pairs = [
        ("{{title}}", bare(&values.title)),
        ("{{type}}", bare(&values.kind)),
        ("{{lang}}", bare(&values.lang)),
        ("{{owner}}", bare(&values.owner)),
        ("{{reviewed}}", values.reviewed.clone()),
        ("{{review_by}}", values.review_by.clone()),
        ("{{audience}}", values.audience.clone()),
        ("{{prompt}}", prompt.to_string()),
    ];
    let mut text = template.replace("\r\n", "\n");
    for (placeholder, value) in pairs {
        text = text.replace(placeholder, &value);
    }
    text
}

/// Adds the fields the type requires (and `type`, `lang`) that the
/// archetype does not set, right after the opening delimiter (so in TOML
/// they stay top-level keys, before any table).
fn ensure_fields(
    text: &str,
    request: &Request<'_>,
    spec: &TypeSpec,
    values: &Values,
    prompt: &str,
) -> String {
    let lang = Lang::of(request.lang);
    let (format, meta) = match frontmatter::split(text) {
        Ok(split) if split.format.is_some() => (
            split.format.unwrap_or(Format::Toml),
            frontmatter::parse(&split).0,
        ),
        // No front matter (or none that parses): start one.
        _ => {
            let body = text.trim_start();
            let text = format!("+++\n+++\n\n{body}");
            return ensure_fields(&text, request, spec, values, prompt);
        }
    };
    let mut wanted: Vec<&str> = vec!["title", "type", "lang"];
    wanted.extend(spec.required.iter().map(String::as_str));
    let mut lines = Vec::new();
    for field in wanted {
        if meta.has(field) || lines.iter().any(|(k, _): &(&str, String)| *k == field) {
            continue;
        }
        lines.push((field, values.for_field(field, spec, prompt, lang)));
    }
    if lines.is_empty() {
        return text.to_string();
    }
    let added: String = lines
        .iter()
        .map(|(key, value)| match format {
            Format::Toml => format!("{key} = {value}\n"),
            Format::Yaml => format!("{key}: {value}\n"),
        })
        .collect();
    let first_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let mut out = String::with_capacity(text.len() + added.len());
    out.push_str(&text[..first_end]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&added);
    out.push_str(&text[first_end..]);
    out
}

/// Appends a heading, with a prompt, for each required section the page lacks.
fn ensure_sections(text: &str, spec: &TypeSpec, lang: Lang, prompt: &str) -> String {
    let body_offset = frontmatter::split(text).map(|s| s.body_offset).unwrap_or(0);
    let doc = crate::markdown::parse(&text[body_offset..], body_offset, None);
    let mut out = text.trim_end().to_string();
    out.push('\n');
    for id in &spec.sections {
        if doc.headings.iter().any(|h| &h.id == id) {
            continue;
        }
        let (heading, ask) = section_text(id, lang);
        out.push_str(&format!("\n## {heading} {{#{id}}}\n\n{prompt} {ask}\n"));
    }
    out
}

/// The heading and the one-line prompt for a required section.
pub(crate) fn section_text(id: &str, lang: Lang) -> (String, String) {
    let known: &[(&str, [&str; 4])] = &[
        (
            "when-to-adapt",
            [
                "Cuándo adaptar",
                "en qué situaciones no sirve este orden y qué hacer entonces.",
                "When to adapt",
                "the situations where this does not fit, and what to do instead.",
            ],
        ),
        (
            "escalation",
            [
                "Escalada",
                "a quién avisar, por qué vía y en qué plazo, con un contacto alternativo si el caso afecta al propio equipo.",
                "Escalation",
                "whom to tell, how and how soon, with an alternate contact for cases that involve the team itself.",
            ],
        ),
        (
            "why",
            [
                "Por qué existe",
                "qué protege esta norma y qué pasaría sin ella.",
                "Why it exists",
                "what this rule protects, and what would happen without it.",
            ],
        ),
        (
            "consequences",
            [
                "Consecuencias",
                "qué pasa si no se cumple, con medidas proporcionadas y progresivas.",
                "Consequences",
                "what happens when it is not followed, in proportionate, progressive steps.",
            ],
        ),
        (
            "appeals",
            [
                "Apelaciones",
                "cómo se recurre una decisión, ante quién y en qué plazo se responde.",
                "Appeals",
                "how to appeal a decision, to whom, and how soon the answer comes.",
            ],
        ),
        (
            "handover",
            [
                "Traspaso",
                "cómo se pasa el turno: qué se cuenta, a quién y dónde queda escrito.",
                "Handover",
                "how a shift is handed over: what is passed on, to whom, and where it is written down.",
            ],
        ),
        (
            "rotation",
            [
                "Rotación",
                "quién cubre cada turno, cada cuánto rota y cómo se descansa después.",
                "Rotation",
                "who covers each shift, how often it rotates, and how people rest afterwards.",
            ],
        ),
    ];
    match known.iter().find(|(k, _)| *k == id) {
        Some((_, [es_h, es_p, en_h, en_p])) => (
            lang.pick(*es_h, *en_h).to_string(),
            lang.pick(*es_p, *en_p).to_string(),
        ),
        None => (
            crate::content::humanize(id),
            lang.pick(
                "escribe esta sección con un caso real en mente.",
                "write this section with a real case in mind.",
            )
            .to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(
        root: &'a Path,
        config: &'a Config,
        kind: &'a str,
        lang: &'a str,
    ) -> Request<'a> {
        Request {
            root,
            config,
            kind,
            title: "Responder a \"una\" crisis",
            lang,
            owner: "equipo-comunidad",
            today: jiff::civil::date(2026, 11, 25),
        }
    }

    fn meta_of(text: &str) -> crate::content::FrontMatter {
        let split = frontmatter::split(text).unwrap();
        let (meta, errors) = frontmatter::parse(&split);
        assert!(errors.is_empty(), "{errors:?}\n{text}");
        meta
    }

    #[test]
    fn every_built_in_archetype_has_its_required_fields_and_sections() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::default();
        for kind in ["guide", "playbook", "policy", "template"] {
            for lang in ["es", "en"] {
                let (template, source) =
                    find(&request(dir.path(), &config, kind, lang), lang).unwrap();
                assert_eq!(source, ArchetypeSource::BuiltIn, "{kind}.{lang}");
                let rendered = render(&request(dir.path(), &config, kind, lang)).unwrap();
                // Nothing had to be added: the archetype itself is complete.
                assert_eq!(
                    rendered.text.trim_end(),
                    substitute(
                        &template,
                        &Values::new(
                            &request(dir.path(), &config, kind, lang),
                            &config.types[kind],
                            Lang::of(lang)
                        ),
                        Lang::of(lang).pick(PROMPT_ES, PROMPT_EN)
                    )
                    .trim_end(),
                    "{kind}.{lang} is missing something its type requires"
                );
                let meta = meta_of(&rendered.text);
                assert_eq!(meta.title.as_deref(), Some("Responder a \"una\" crisis"));
                assert_eq!(meta.kind.as_deref(), Some(kind));
                assert_eq!(meta.lang.as_deref(), Some(lang));
                assert!(rendered.prompts >= 2, "{kind}.{lang}");
                assert!(!rendered.text.contains("{{"), "{}", rendered.text);
            }
        }
    }

    #[test]
    fn a_site_type_gets_its_fields_and_sections_even_from_a_bare_archetype() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("archetypes")).unwrap();
        std::fs::write(
            dir.path().join("archetypes/checklist.md"),
            "---\ntitle: \"{{title}}\"\n---\n\nIntro.\n",
        )
        .unwrap();
        let config = Config::parse(
            "[types.checklist]\nrequired = [\"title\", \"owner\", \"severity\", \"reviewed\"]\nsections = [\"steps\", \"handover\"]\nvalues = { severity = [\"low\", \"high\"] }\n\n[types.runbook]\nrequired = [\"owner\", \"audience\"]\nsections = [\"escalation\"]\n",
            Path::new("site.toml"),
        )
        .unwrap();
        let rendered = render(&request(dir.path(), &config, "checklist", "en")).unwrap();
        assert!(matches!(rendered.source, ArchetypeSource::Site(_)));
        let meta = meta_of(&rendered.text);
        assert_eq!(meta.owner.as_deref(), Some("equipo-comunidad"));
        assert_eq!(
            meta.extra.get("severity").and_then(|v| v.as_str()),
            Some("low")
        );
        assert!(meta.reviewed.is_some());
        assert!(
            rendered.text.contains("## Steps {#steps}\n\nTODO: "),
            "{}",
            rendered.text
        );
        assert!(rendered.text.contains("## Handover {#handover}"));

        let rendered = render(&request(dir.path(), &config, "runbook", "es")).unwrap();
        assert_eq!(rendered.source, ArchetypeSource::Generic);
        let meta = meta_of(&rendered.text);
        assert_eq!(meta.audience, vec!["equipo de comunidad".to_string()]);
        assert!(rendered
            .text
            .contains("## Escalada {#escalation}\n\nPENDIENTE: "));
    }
}
