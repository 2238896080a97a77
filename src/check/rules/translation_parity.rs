//! `translation-parity`: both languages are first-class. Translations of a
//! page must carry the same required sections, and neither may lag far
//! behind the other's last review.

use std::collections::BTreeMap;

use crate::check::{Bilingual, Rule, SiteCheck};
use crate::content::Page;

pub struct TranslationParity;

/// How far apart two versions' `reviewed` dates may be. A quarter: teams
/// review on quarterly cycles, and one cycle of lag is normal.
const MAX_REVIEW_GAP_DAYS: f64 = 90.0;

impl Rule for TranslationParity {
    fn id(&self) -> &'static str {
        "translation-parity"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Quien lee en otro idioma merece la misma guía: una traducción desfasada manda a hacer otra cosa.",
            en: "Readers of the other language deserve the same guidance: a translation that lags behind tells them to do something else.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Traducciones cuyas secciones obligatorias o fechas de revisión no coinciden.",
            en: "Translations whose required sections or review dates diverge.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["max_review_gap_days"]
    }
    fn check_site(&self, check: &mut SiteCheck<'_>) {
        let site = check.site;
        let mut groups: BTreeMap<&str, Vec<&Page>> = BTreeMap::new();
        for &i in check.pages {
            let page = &site.pages[i];
            if !page.is_section_index {
                groups
                    .entry(page.translation_group.as_str())
                    .or_default()
                    .push(page);
            }
        }
        let max_gap = check
            .settings
            .number("max_review_gap_days", MAX_REVIEW_GAP_DAYS);
        for pages in groups.values().filter(|g| g.len() > 1) {
            for page in pages {
                let lang = check.lang_of(page);
                for other in pages.iter().filter(|o| o.lang != page.lang) {
                    // Sections: the ids the other version's type requires, or
                    // that it marks explicitly, and this one lacks.
                    let required: Vec<&String> = page
                        .kind()
                        .and_then(|k| site.config.types.get(k))
                        .map(|spec| spec.sections.iter().collect())
                        .unwrap_or_default();
                    for id in other
                        .doc
                        .headings
                        .iter()
                        .filter(|h| {
                            h.explicit_id && (required.is_empty() || required.contains(&&h.id))
                        })
                        .map(|h| &h.id)
                    {
                        if !page.doc.headings.iter().any(|h| &h.id == id) {
                            check.at_line(
                                page,
                                1,
                                lang.pick(
                                    format!("la versión en «{}» tiene la sección `#{id}` y esta no", other.lang),
                                    format!("the \"{}\" version has the section `#{id}` and this one does not", other.lang),
                                ),
                                lang.pick(
                                    format!("trae la sección desde {} y tradúcela", other.source.path.display()),
                                    format!("bring the section over from {} and translate it", other.source.path.display()),
                                ),
                            );
                        }
                    }
                    if let (Some(mine), Some(theirs)) = (page.meta.reviewed, other.meta.reviewed) {
                        let gap = mine
                            .until(theirs)
                            .map(|s| s.get_days() as f64)
                            .unwrap_or(0.0);
                        if gap > max_gap {
                            check.at_line(
                                page,
                                page.meta.line_of("reviewed"),
                                lang.pick(
                                    format!("la versión en «{}» se revisó el {theirs}, {gap} días después que esta ({mine})", other.lang),
                                    format!("the \"{}\" version was reviewed on {theirs}, {gap} days after this one ({mine})", other.lang),
                                ),
                                lang.pick(
                                    "compara ambas versiones, lleva aquí los cambios y actualiza `reviewed`".to_string(),
                                    "compare both versions, carry the changes over and update `reviewed`".to_string(),
                                ),
                            );
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, page};

    #[test]
    fn a_translation_missing_a_section_or_lagging_is_flagged() {
        let es = page(
            "es",
            "guide",
            "translation_key = \"k\"\nreviewed = 2026-01-01",
            "## Escalada {#escalation}\n\nTexto.\n",
        );
        let en = page(
            "en",
            "guide",
            "translation_key = \"k\"\nreviewed = 2026-09-01",
            "## Other\n\nText.\n",
        );
        let found = check("translation-parity", &[("a.md", &es), ("a.en.md", &en)]);
        assert_eq!(found.len(), 2, "{found:?}");
        let en_finding = found.iter().find(|d| d.path.ends_with("a.en.md")).unwrap();
        assert!(en_finding.message.contains("has the section `#escalation`"));
        let es_finding = found.iter().find(|d| d.path.ends_with("a.md")).unwrap();
        assert!(
            es_finding.message.contains("se revisó el 2026-09-01"),
            "{}",
            es_finding.message
        );
        assert_eq!(es_finding.line, 7);
    }

    #[test]
    fn matching_translations_do_not_fire() {
        let es = page(
            "es",
            "guide",
            "reviewed = 2026-08-01",
            "## Escalada {#escalation}\n\nTexto.\n",
        );
        let en = page(
            "en",
            "guide",
            "reviewed = 2026-09-01",
            "## Escalation {#escalation}\n\nText.\n",
        );
        assert!(check("translation-parity", &[("a.md", &es), ("a.en.md", &en)]).is_empty());
    }
}
