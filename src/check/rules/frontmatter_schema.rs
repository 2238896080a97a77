//! `frontmatter-schema`: every page carries what its content type requires —
//! an owner, a review date, a description — with values the site allows.
//! Accountability starts with knowing who keeps a page true.
//!
//! Parse errors and wrongly typed fields are found when the page loads (with
//! this rule's id); this rule adds what needs the type's schema: required
//! fields, allowed values, required sections no other rule owns, misspelt
//! keys and review dates in the wrong order.

use super::SECTION_OWNERS;
use crate::check::{Bilingual, PageCheck, Rule};
use crate::content::frontmatter::KNOWN_KEYS;
use crate::content::Page;
use crate::diagnostic::Severity;

pub struct FrontmatterSchema;

impl Rule for FrontmatterSchema {
    fn id(&self) -> &'static str {
        "frontmatter-schema"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn guidance(&self) -> bool {
        false
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Sin responsable, fecha de revisión ni descripción, nadie sabe quién mantiene la página al día ni para qué sirve.",
            en: "Without an owner, a review date and a description, nobody knows who keeps the page true or what it is for.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Campos de front matter que faltan, sobran o tienen un valor no permitido para el tipo de página.",
            en: "Front-matter fields that are missing, misspelt or hold a value the page's type does not allow.",
        }
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        let lang = check.lang;
        for key in &page.meta.unknown {
            if let Some(known) = close_key(key) {
                // A guess, so a warning: the key may be the team's own.
                check.at_key_as(
                    Severity::Warning,
                    key,
                    lang.pick(
                        format!("campo desconocido `{key}`: ¿querías decir `{known}`?"),
                        format!("unknown field `{key}`: did you mean `{known}`?"),
                    ),
                    lang.pick(
                        format!("renómbralo a `{known}`; los campos propios van bajo [extra]"),
                        format!("rename it to `{known}`; fields of your own belong under [extra]"),
                    ),
                );
            }
        }
        if let (Some(reviewed), Some(due)) = (page.meta.reviewed, page.meta.review_by) {
            if due < reviewed {
                check.at_key(
                    "review_by",
                    lang.pick(
                        format!("`review_by` ({due}) es anterior a `reviewed` ({reviewed})"),
                        format!("`review_by` ({due}) is before `reviewed` ({reviewed})"),
                    ),
                    lang.pick(
                        "la próxima revisión va después de la última".to_string(),
                        "the next review comes after the last one".to_string(),
                    ),
                );
            }
        }
        let (Some(kind), Some(spec)) = (page.kind(), check.spec) else {
            return;
        };
        if page.is_section_index {
            return;
        }
        let missing: Vec<&str> = spec
            .required
            .iter()
            .map(String::as_str)
            .filter(|field| !has_field(page, field))
            .collect();
        if !missing.is_empty() {
            let list = missing
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            check.on_page(
                lang.pick(
                    format!("a este {kind} le faltan campos obligatorios: {list}"),
                    format!("this {kind} is missing required fields: {list}"),
                ),
                lang.pick(
                    format!("añádelos al front matter (p. ej. `owner = \"equipo-comunidad\"`, `reviewed = {}`)", check.site.today),
                    format!("add them to the front matter (e.g. `owner = \"community-team\"`, `reviewed = {}`)", check.site.today),
                ),
            );
        }
        for (field, allowed) in &spec.values {
            for value in values_of(page, field) {
                if !allowed.iter().any(|a| a == &value) {
                    let options: Vec<&str> = allowed.iter().map(String::as_str).collect();
                    check.at_key(
                        field,
                        lang.pick(
                            format!(
                                "`{field}` no admite \"{value}\" en un {kind}{}",
                                crate::config::suggest(&value, &options)
                            ),
                            format!(
                                "`{field}` does not allow \"{value}\" for a {kind}{}",
                                crate::config::suggest(&value, &options)
                            ),
                        ),
                        lang.pick(
                            format!("valores permitidos: {}", options.join(", ")),
                            format!("allowed values: {}", options.join(", ")),
                        ),
                    );
                }
            }
        }
        for section in &spec.sections {
            if SECTION_OWNERS.iter().any(|(id, _)| id == section) {
                continue;
            }
            if !page.doc.headings.iter().any(|h| &h.id == section) {
                check.on_page(
                    lang.pick(
                        format!("a este {kind} le falta la sección obligatoria `#{section}`"),
                        format!("this {kind} is missing the required section `#{section}`"),
                    ),
                    lang.pick(
                        format!("añade un encabezado con ese id: `## Título {{#{section}}}`"),
                        format!("add a heading with that id: `## Title {{#{section}}}`"),
                    ),
                );
            }
        }
    }
}

/// A known key this unknown one is probably a typo of.
fn close_key(key: &str) -> Option<&'static str> {
    // One slip in a short key (`tilte`), two in a long one (`reviwed_by`):
    // `order` is not a typo of `owner`.
    let allowed = if key.chars().count() >= 8 { 2 } else { 1 };
    KNOWN_KEYS
        .iter()
        .map(|k| (strsim::damerau_levenshtein(key, k), *k))
        .filter(|(d, _)| *d <= allowed)
        .min()
        .map(|(_, k)| k)
}

fn has_field(page: &Page, field: &str) -> bool {
    match field {
        // A title may come from the page's first heading.
        "title" => !page.title.is_empty(),
        other => page.meta.has(other),
    }
}

fn values_of(page: &Page, field: &str) -> Vec<String> {
    let meta = &page.meta;
    match field {
        "tags" => meta.tags.clone(),
        "audience" => meta.audience.clone(),
        "owner" => meta.owner.iter().cloned().collect(),
        "lang" => vec![page.lang.clone()],
        "type" => meta.kind.iter().cloned().collect(),
        other => match meta.extra.get(other) {
            Some(serde_json::Value::String(s)) => vec![s.clone()],
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, check_with, page};

    #[test]
    fn missing_required_fields_are_listed_in_the_page_language() {
        let es = check(
            "frontmatter-schema",
            &[(
                "a.md",
                &page(
                    "es",
                    "playbook",
                    "",
                    "## Cuándo adaptar {#when-to-adapt}\n\n## Escalada {#escalation}\n",
                ),
            )],
        );
        assert_eq!(es.len(), 1, "{es:?}");
        assert!(
            es[0]
                .message
                .contains("le faltan campos obligatorios: `description`, `reviewed`, `review_by`"),
            "{}",
            es[0].message
        );
        assert_eq!(es[0].line, 1);
        let en = check(
            "frontmatter-schema",
            &[("a.md", &page("en", "guide", "", "Text."))],
        );
        assert!(
            en[0]
                .message
                .contains("missing required fields: `description`, `reviewed`"),
            "{}",
            en[0].message
        );
    }

    #[test]
    fn a_misspelt_key_gets_a_suggestion_at_its_line() {
        let found = check(
            "frontmatter-schema",
            &[(
                "a.md",
                &page("en", "", "reviwed = 2026-01-01\nversion = \"2.1\"", "Text."),
            )],
        );
        assert_eq!(
            found.len(),
            1,
            "an unrelated key like `version` is extension data, not a typo: {found:?}"
        );
        assert_eq!(found[0].line, 6);
        assert!(found[0].message.contains("did you mean `reviewed`"));
    }

    #[test]
    fn allowed_values_and_other_required_sections_come_from_site_toml() {
        let toml = "[types.checklist]\nrequired = [\"title\"]\nsections = [\"steps\"]\nvalues = { audience = [\"moderators\", \"members\"] }\n";
        let found = check_with(
            "frontmatter-schema",
            toml,
            &[(
                "a.md",
                &page(
                    "en",
                    "checklist",
                    "audience = [\"moderatos\"]",
                    "## Steps {#steps}\n\nDo it.",
                ),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("did you mean `moderators`"));
        let found = check_with(
            "frontmatter-schema",
            toml,
            &[("a.md", &page("es", "checklist", "", "## Otra cosa\n"))],
        );
        assert!(found[0]
            .message
            .contains("falta la sección obligatoria `#steps`"));
    }

    #[test]
    fn review_dates_in_the_wrong_order() {
        let found = check(
            "frontmatter-schema",
            &[(
                "a.md",
                &page(
                    "en",
                    "",
                    "reviewed = 2026-06-01\nreview_by = 2026-01-01",
                    "Text.",
                ),
            )],
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 7);
    }

    #[test]
    fn near_misses_do_not_fire() {
        // An index page, a page without a type, and a complete template.
        let full = page(
            "es",
            "template",
            "description = \"Respuestas\"",
            "## Cuándo adaptar {#when-to-adapt}\n\nAdapta el tono.\n",
        );
        let found = check(
            "frontmatter-schema",
            &[
                ("_index.md", "+++\ntitle = \"Inicio\"\n+++\n"),
                ("plain.md", "# Plain\n\nText.\n"),
                ("t.md", &full),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_page_whose_front_matter_does_not_parse_still_lets_the_others_be_checked() {
        let found = check(
            "frontmatter-schema",
            &[
                ("bad.md", "+++\ntitle = \n+++\n"),
                ("good.md", &page("en", "guide", "", "Text.")),
            ],
        );
        assert!(
            found
                .iter()
                .any(|d| d.path.ends_with("bad.md") && d.line == 2),
            "{found:?}"
        );
        assert!(
            found.iter().any(|d| d.path.ends_with("good.md")),
            "{found:?}"
        );
    }
}
