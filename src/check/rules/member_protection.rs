//! `member-protection`: never leave a member alone. A member who reports
//! harassment takes a risk; the policy that asks them to report must make
//! that risk small. Four things make it so, and each one missing is a
//! finding of its own, because each fails a different person:
//!
//! - a **private reporting channel** (a private form, a role address such as
//!   `conduct@…`, "report privately", "de forma privada"): without it,
//!   reporting means exposing yourself in public;
//! - **confidentiality** ("confidencial", "confidentiality", anonymous
//!   reports, the reporter's privacy): without it, reporters fear retaliation;
//! - an **alternate contact** for when the usual one is involved ("conflict of
//!   interest", "contacto alternativo", "si la persona implicada…"): without
//!   it, a member harassed by a moderator has nobody to tell;
//! - **support for the affected member** ("apoyo", "acompañamiento",
//!   "support", "wellbeing"): without it, the process punishes but does not
//!   care for the person hurt.
//!
//! Which pages: the rule judges conduct and moderation policies, where a
//! member learns how to report.
//! - `type = "policy"` pages whose title, description, tags, headings or
//!   folder are about moderation, conduct, harassment or reports;
//! - `type = "playbook"` pages whose *title* is about that (tags on a
//!   playbook are too loose: an events playbook tagged "code of conduct" is
//!   not where reporting is defined);
//! - pages with no type whose title names a code of conduct or a conduct /
//!   moderation / harassment policy ("Contributor Covenant Code of Conduct")
//!   and that talk about reporting somewhere. Titles in the voice of a guide
//!   ("Your Code of Conduct", "Cómo escribir…") are not policies.
//!
//! An element counts as present if it is on the page or on a conduct page the
//! page links to: a policy may keep its reporting channel on its own page.
//! Findings point at the page's reporting/enforcement heading when there is
//! one (that is where the element would go), otherwise at the top. Only
//! Spanish and English pages are read: the keyword lists are in those
//! languages. Section indexes are navigation and are skipped.

use crate::check::text::{any_word, find_section, guide_voice, reads_keywords, words_in};
use crate::check::{Bilingual, PageCheck, Rule};
use crate::content::{Page, Site};
use crate::markdown::BlockKind;
use crate::slug::fold;

pub struct MemberProtection;

/// Words of a page about moderation or conduct (folded), for typed pages.
const TOPIC: &[&str] = &[
    "moderation",
    "moderacion",
    "moderar",
    "moderate",
    "code of conduct",
    "codigo de conducta",
    "conduct",
    "conducta",
    "harass*",
    "acoso",
    "acosar",
    "report",
    "reports",
    "reporting",
    "reportar",
    "reporte",
    "reportes",
    "denuncia*",
    "trust and safety",
    "trust & safety",
    "abuse",
    "abuso",
    "abusos",
    "enforcement",
];

/// Title words of a playbook about moderation or conduct. Narrower than
/// [`TOPIC`]: "moderator rotation" is about scheduling, not member care.
const PLAYBOOK_TITLE: &[&str] = &[
    "moderation",
    "moderacion",
    "moderar",
    "moderate",
    "code of conduct",
    "codigo de conducta",
    "harass*",
    "acoso",
    "report",
    "reports",
    "reporting",
    "reportes",
    "denuncia*",
];

/// Titles that name a conduct policy, for pages with no type.
const POLICY_TITLE: &[&str] = &[
    "code of conduct",
    "codigo de conducta",
    "conduct policy",
    "politica de conducta",
    "moderation policy",
    "politica de moderacion",
    "anti-harassment",
    "harassment policy",
    "politica contra el acoso",
    "politica de acoso",
];
/// Words about reporting, for untyped pages (the page must describe
/// reporting to be the place where reporting is made safe).
const REPORTING: &[&str] = &["report*", "denuncia*", "denunciar", "complaint*", "queja*"];

/// Enforcement headings, where the elements go when no heading or section
/// is about reporting.
const ENFORCEMENT_HEADINGS: &[&str] = &["enforcement", "aplicacion", "sanciones", "sanctions"];

/// A private way to report.
const PRIVATE_CHANNEL: &[&str] = &[
    "privately",
    "in private",
    "private form",
    "private report*",
    "private channel*",
    "private message*",
    "direct message*",
    "report button",
    "report form",
    "reporting form",
    "en privado",
    "de forma privada",
    "de manera privada",
    "por privado",
    "canal privado",
    "canales privados",
    "formulario privado",
    "mensaje privado",
    "mensaje directo",
    "boton de reporte",
    "boton de denuncia",
    "formulario de reporte",
    "formulario de denuncia",
];

/// Mail words: "report … by email" is a private channel.
const MAIL: &[&str] = &["email*", "e-mail*", "mail", "correo*"];

/// Confidentiality of whoever reports.
const CONFIDENTIALITY: &[&str] = &[
    "confidential*",
    "confidencial*",
    "anonymous*",
    "anonymity",
    "anonim*",
    "privacy",
    "privacidad",
    "discretion",
    "discrecion",
    "reporter's identity",
    "reporter’s identity",
    "identity of the reporter",
    "identidad de quien",
    "identidad de la persona que",
    "without revealing",
    "sin revelar",
];

/// Someone else to turn to when the usual contact is involved.
const ALTERNATE: &[&str] = &[
    "alternate contact*",
    "alternative contact*",
    "contacto alternativo",
    "contactos alternativos",
    "conflict of interest",
    "conflicts of interest",
    "conflicto de interes*",
    "conflictos de interes*",
    "if the person is a moderator",
    "if the report concerns",
    "if the report involves",
    "involves someone",
    "concerns someone",
    "prefer not to contact",
    "would rather not contact",
    "not comfortable",
    "recuse*",
    "recusal",
    "step away",
    "steps away",
    "independent of",
    "ombuds*",
    "si la persona implicada",
    "si la persona denunciada",
    "si el reporte implica",
    "si la denuncia implica",
    "implica a alguien",
    "afecta a alguien del equipo",
    "prefieres no contactar",
    "no te sientes comodo",
    "no te sientes comoda",
    "se abstiene",
    "se aparta",
    "independiente de",
];

/// Care for the person affected.
const SUPPORT: &[&str] = &[
    "support",
    "supporting",
    "supported",
    "wellbeing",
    "well-being",
    "look after",
    "looking after",
    "care for",
    "take care of",
    "accompan*",
    "apoyo",
    "apoyar",
    "acompanamiento",
    "acompanar",
    "bienestar",
    "cuidar",
    "cuidado de",
];

/// One element a policy must have.
struct Element {
    keywords: &'static [&'static str],
    /// Whether a mail address or "report … by email" also counts.
    by_mail: bool,
    what: Bilingual,
    why: Bilingual,
    fix: Bilingual,
}

/// Every element's words, as one list (one automaton).
fn element_words() -> &'static [&'static str] {
    static WORDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        ELEMENTS
            .iter()
            .flat_map(|e| e.keywords.iter().copied())
            .collect()
    })
}

const ELEMENTS: [Element; 4] = [
    Element {
        keywords: PRIVATE_CHANNEL,
        by_mail: true,
        what: Bilingual {
            es: "un canal privado para reportar",
            en: "a private reporting channel",
        },
        why: Bilingual {
            es: "si reportar obliga a exponerse en público, quien más lo necesita no reporta",
            en: "if reporting means exposing yourself in public, those who most need to report will not",
        },
        fix: Bilingual {
            es: "di cómo reportar en privado: un formulario privado o una dirección de rol como `conducta@…`, leída solo por quien gestiona los casos",
            en: "say how to report privately: a private form or a role address such as `conduct@…`, read only by those handling cases",
        },
    },
    Element {
        keywords: CONFIDENTIALITY,
        by_mail: false,
        what: Bilingual {
            es: "confidencialidad para quien reporta",
            en: "confidentiality for whoever reports",
        },
        why: Bilingual {
            es: "sin la garantía de que su identidad no se revelará, quien reporta teme represalias",
            en: "without a promise that their identity stays private, reporters fear retaliation",
        },
        fix: Bilingual {
            es: "añade una sección de confidencialidad: quién conoce la identidad de quien reporta, con quién no se comparte nunca y si se aceptan reportes anónimos",
            en: "add a confidentiality section: who knows the reporter's identity, whom it is never shared with, and whether anonymous reports are accepted",
        },
    },
    Element {
        keywords: ALTERNATE,
        by_mail: false,
        what: Bilingual {
            es: "un contacto alternativo si la persona implicada es del equipo",
            en: "an alternate contact for when the person involved is on the team",
        },
        why: Bilingual {
            es: "si el problema es alguien de moderación, el canal habitual deja a la persona sin nadie a quien acudir",
            en: "when the problem is a moderator, the usual channel leaves the member with nobody to turn to",
        },
        fix: Bilingual {
            es: "añade un contacto alternativo independiente (p. ej. `ombuds@…`) para cuando el reporte afecte a moderación, y di que quien tenga un conflicto de interés se aparta del caso",
            en: "add an independent alternate contact (e.g. `ombuds@…`) for reports about moderators, and say that anyone with a conflict of interest steps away from the case",
        },
    },
    Element {
        keywords: SUPPORT,
        by_mail: false,
        what: Bilingual {
            es: "apoyo a la persona afectada",
            en: "support for the affected member",
        },
        why: Bilingual {
            es: "un proceso que solo sanciona deja sola a la persona que sufrió el daño",
            en: "a process that only sanctions leaves the person who was harmed on their own",
        },
        fix: Bilingual {
            es: "añade una sección de apoyo: una persona de contacto durante el caso, medidas concretas (ocultar, bloquear, acompañar en eventos) y seguimiento al cerrar",
            en: "add a support section: a named contact while the case is open, concrete measures (hiding, blocking, someone at events) and a follow-up when it closes",
        },
    },
];

impl Rule for MemberProtection {
    fn id(&self) -> &'static str {
        "member-protection"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Nunca dejes sola a una persona de la comunidad: quien reporta un problema necesita hacerlo en privado, con confidencialidad, con otra puerta si el problema es del equipo, y con apoyo mientras se resuelve.",
            en: "Never leave a member alone: whoever reports a problem needs to do it privately, in confidence, with another door if the problem is on the team, and with support while it is resolved.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Políticas de moderación o de código de conducta sin canal privado de reporte, sin confidencialidad, sin contacto alternativo o sin apoyo a la persona afectada.",
            en: "Moderation or code-of-conduct policies with no private reporting channel, no confidentiality, no alternate contact, or no support for the affected member.",
        }
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        if page.is_section_index || !reads_keywords(page) || !in_scope(page) {
            return;
        }
        let lang = check.lang;
        let texts = texts(check.site, page);
        let heading = reporting_heading(page);
        let this = match page.kind() {
            Some("playbook") => Bilingual {
                es: "este playbook de moderación",
                en: "this moderation playbook",
            },
            Some(_) => Bilingual {
                es: "esta política de moderación",
                en: "this moderation policy",
            },
            None => Bilingual {
                es: "este código de conducta",
                en: "this code of conduct",
            },
        };
        // Each text read once for the four elements' words, not once per element.
        let found: Vec<Vec<&str>> = texts.iter().map(|t| words_in(t, element_words())).collect();
        for element in &ELEMENTS {
            let present = texts.iter().zip(&found).any(|(t, found)| {
                element.keywords.iter().any(|k| found.contains(k))
                    || (element.by_mail && private_by_mail(t))
            });
            if present {
                continue;
            }
            let message = lang.pick(
                format!(
                    "{} no recoge {}: {}",
                    this.es, element.what.es, element.why.es
                ),
                format!(
                    "{} does not include {}: {}",
                    this.en, element.what.en, element.why.en
                ),
            );
            let help = element.fix.get(lang).to_string();
            match heading {
                Some(offset) => {
                    let width = page.source.text[offset..]
                        .lines()
                        .next()
                        .map_or(1, |l| l.chars().count().max(1));
                    check.at_offset(offset, width, message, help);
                }
                None => check.on_page(message, help),
            }
        }
    }
}

/// Where the missing elements would go: the heading about reporting, else
/// the heading of the section that first talks about reporting ("may be
/// reported to…" under "Enforcement"), else the enforcement heading.
fn reporting_heading(page: &Page) -> Option<usize> {
    if let Some((_, h)) = find_section(page, "reporting", REPORTING) {
        return Some(h.offset);
    }
    let headings = &page.doc.headings;
    let by_text = page
        .doc
        .blocks
        .iter()
        .filter(|b| !matches!(b.kind, BlockKind::Code | BlockKind::Heading))
        .find(|b| any_word(&page.doc.folded(b), REPORTING).is_some())
        .and_then(|b| b.section())
        .and_then(|s| headings.get(s))
        .filter(|h| !h.is_title);
    by_text
        .or_else(|| find_section(page, "enforcement", ENFORCEMENT_HEADINGS).map(|(_, h)| h))
        .map(|h| h.offset)
}

/// Whether the page is a conduct or moderation policy (see the module doc).
fn in_scope(page: &Page) -> bool {
    let title = fold(&page.title);
    match page.kind() {
        Some("policy") => {
            // The folder counts too: a policy filed under
            // `content/moderacion/` is a moderation policy whatever its title.
            let mut text = format!("{title}\n{}", fold(&page.dir.replace(['/', '-', '_'], " ")));
            for part in page.meta.description.iter().chain(&page.meta.tags) {
                text.push('\n');
                text.push_str(&fold(part));
            }
            for h in page.doc.headings.iter().filter(|h| h.level <= 3) {
                text.push('\n');
                text.push_str(&fold(&h.text));
            }
            any_word(&text, TOPIC).is_some()
        }
        Some("playbook") => any_word(&title, PLAYBOOK_TITLE).is_some(),
        Some(_) => false,
        None => {
            let guide_voice = guide_voice(&title);
            any_word(&title, POLICY_TITLE).is_some()
                && !guide_voice
                && page.doc.blocks.iter().any(|b| {
                    b.kind != BlockKind::Code && any_word(&page.doc.folded(b), REPORTING).is_some()
                })
        }
    }
}

/// The folded prose of the page and of the conduct pages it links to.
fn texts(site: &Site, page: &Page) -> Vec<String> {
    let mut out = vec![prose(page)];
    for link in &page.doc.links {
        let Some(url) = link.slot.and_then(|s| page.slot_urls.get(s)) else {
            continue;
        };
        let url = url.split('#').next().unwrap_or(url);
        if let Some(&target) = site.by_url.get(url) {
            let other = &site.pages[target];
            if !std::ptr::eq(other, page) && in_scope(other) {
                out.push(prose(other));
            }
        }
    }
    out
}

/// The page's text, folded: every block but code, one per line.
fn prose(page: &Page) -> String {
    let mut text = String::new();
    for block in page.doc.blocks.iter().filter(|b| b.kind != BlockKind::Code) {
        text.push_str(&page.doc.folded(block));
        text.push('\n');
    }
    for link in &page.doc.links {
        if link.dest.starts_with("mailto:") {
            text.push_str(&fold(&link.dest));
            text.push('\n');
        }
    }
    text
}

/// A reporting channel by mail: an address (`conduct@example.org`,
/// `mailto:`), or a line that says to report by email ("reported by
/// contacting the project team at [INSERT EMAIL ADDRESS]").
fn private_by_mail(text: &str) -> bool {
    text.lines().any(|line| {
        let address = line.split_whitespace().any(|w| {
            let w = w.trim_matches(|c: char| !c.is_alphanumeric());
            match w.split_once('@') {
                Some((local, domain)) => !local.is_empty() && domain.contains('.'),
                None => false,
            }
        });
        address || (any_word(line, REPORTING).is_some() && any_word(line, MAIL).is_some())
    })
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, page};

    const FULL_ES: &str = "## Cómo reportar {#reporting}\n\nPuedes reportar de forma privada con el formulario o escribiendo a `conducta@example.org`.\n\n### Confidencialidad\n\nLa identidad de quien reporta es confidencial.\n\n### Contacto alternativo\n\nSi la persona implicada es de moderación, escribe a `ombuds@example.org`.\n\n## Apoyo a la persona afectada\n\nTe acompañamos durante todo el caso.\n";
    const FULL_EN: &str = "## How to report {#reporting}\n\nReport privately through the form or `conduct@example.org`.\n\n### Confidentiality\n\nThe reporter's identity is confidential.\n\n### Alternate contact\n\nIf the report concerns a moderator, write to `ombuds@example.org`.\n\n## Support\n\nWe support the affected member throughout.\n";

    fn policy(lang: &str, body: &str) -> String {
        page(lang, "policy", "tags = [\"moderación\"]", body)
    }

    #[test]
    fn a_complete_policy_does_not_fire() {
        assert!(check("member-protection", &[("a.md", &policy("es", FULL_ES))]).is_empty());
        assert!(check("member-protection", &[("a.md", &policy("en", FULL_EN))]).is_empty());
    }

    #[test]
    fn each_missing_element_is_one_finding_at_the_reporting_heading() {
        // Spanish: no alternate contact, no support.
        let body = "Intro.\n\n## Cómo reportar {#reporting}\n\nReporta de forma privada; tu reporte es confidencial.\n";
        let found = check("member-protection", &[("a.md", &policy("es", body))]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|d| d.line == 10), "{found:?}");
        assert!(found
            .iter()
            .any(|d| d.message.contains("contacto alternativo")));
        assert!(found
            .iter()
            .any(|d| d.message.contains("apoyo a la persona afectada")));
        // English: only a heading with none of the four.
        let body = "Intro.\n\n## Enforcement\n\nWe review every case.\n";
        let found = check("member-protection", &[("a.md", &policy("en", body))]);
        assert_eq!(found.len(), 4, "{found:?}");
        assert!(found.iter().all(|d| d.line == 10));
        assert!(found
            .iter()
            .any(|d| d.message.contains("private reporting channel")));
        assert!(found.iter().any(|d| d.message.contains("confidentiality")));
    }

    #[test]
    fn without_a_reporting_heading_findings_go_on_the_page() {
        let body = "We moderate with care and support members. Reports are confidential and can be sent privately.\n";
        let found = check("member-protection", &[("a.md", &policy("en", body))]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 1);
        assert!(found[0].message.contains("alternate contact"));
    }

    #[test]
    fn an_untyped_code_of_conduct_is_judged_honestly() {
        // Contributor Covenant 1.4 shape: email + confidentiality, nothing else.
        let coc = "# Contributor Covenant Code of Conduct\n\n## Enforcement\n\nInstances of abusive behavior may be reported by contacting the project team at [INSERT EMAIL ADDRESS]. The project team is obligated to maintain confidentiality with regard to the reporter of an incident.\n";
        let found = check("member-protection", &[("coc.md", coc)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|d| d.line == 3));
        // A guide about codes of conduct is not a policy.
        let guide = "# Your Code of Conduct\n\nHow to report and enforce a code of conduct in your project.\n";
        assert!(check("member-protection", &[("g.md", guide)]).is_empty());
    }

    #[test]
    fn an_element_on_a_linked_conduct_policy_counts() {
        let main = policy("en", FULL_EN);
        let part = page(
            "en",
            "policy",
            "tags = [\"moderation\"]",
            "## Reporting {#reporting}\n\nSee the [full policy](main.md#reporting); we support every member.\n",
        );
        let found = check(
            "member-protection",
            &[("main.md", &main), ("part.md", &part)],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_policy_in_a_moderation_folder_is_in_scope() {
        let text = page(
            "es",
            "policy",
            "",
            "## Normas\n\nSé amable. Ofrecemos apoyo y confidencialidad.\n",
        );
        let found = check("member-protection", &[("moderacion/normas.md", &text)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(check("member-protection", &[("gastos/normas.md", &text)]).is_empty());
    }

    #[test]
    fn near_misses_do_not_fire() {
        // A policy about something else.
        let other = page(
            "en",
            "policy",
            "tags = [\"expenses\"]",
            "## Travel\n\nBook trains.\n",
        );
        // A playbook whose title is not about moderation, though tagged so.
        let event = page(
            "es",
            "playbook",
            "tags = [\"código de conducta\"]",
            "## Antes\n\nPrepara la sala.\n",
        );
        // An index page.
        let index = "+++\ntitle = \"Moderación\"\ntype = \"policy\"\n+++\nPolíticas de moderación y código de conducta.\n";
        // A real response template with fill-ins.
        let template = page("es", "template", "tags = [\"moderación\"]", "## Cuándo adaptar {#when-to-adapt}\n\nAjusta el tono.\n\n> Hola [nombre]: hemos recibido tu reporte sobre [canal].\n");
        // A table-heavy reference and a short checklist that are not policies.
        let table = page(
            "en",
            "guide",
            "tags = [\"moderation\"]",
            "| Level | Measure |\n|---|---|\n| 1 | Reminder |\n| 2 | Warning |\n",
        );
        let checklist = page(
            "en",
            "guide",
            "tags = [\"moderation\"]",
            "- [ ] Read the report\n- [ ] Log the case\n- [ ] Reply within two days\n",
        );
        // A page in a language the keyword lists do not cover.
        let french = page(
            "fr",
            "policy",
            "tags = [\"modération\"]",
            "## Signalement\n\nÉcrivez-nous.\n",
        );
        for (name, text) in [
            ("o.md", &other),
            ("e.md", &event),
            ("moderacion/_index.md", &index.to_string()),
            ("t.md", &template),
            ("r.md", &table),
            ("c.md", &checklist),
            ("f.md", &french),
        ] {
            let found = check("member-protection", &[(name, text)]);
            assert!(found.is_empty(), "{name}: {found:?}");
        }
    }
}
