//! `always-on`: disconnect to recharge. Coverage that never stops has to be
//! carried by someone, and if the page does not say how it is shared, it is
//! carried by whoever answers first until they burn out.
//!
//! Three things are flagged:
//!
//! 1. A people-facing coverage promise ("24/7", "siempre disponible",
//!    "around the clock", "a cualquier hora"…) on a page with no rotation or
//!    handover section (found by the ids `rotation`/`handover` or by heading
//!    keywords such as "turnos", "traspaso", "shifts"). The finding points at
//!    the phrase. Promises that are negated ("nadie está disponible a todas
//!    horas"), bounded ("always available *during the call*") or about a
//!    system rather than people ("the report form is available 24/7") are not
//!    promises someone has to keep, and are skipped.
//! 2. A page about on-call or coverage (its title or tags say so, or it
//!    makes such a promise) whose `owner` is a single person
//!    (`marcos.ruiz`, `@marcos`, `Marcos Ruiz`) rather than a team: the page
//!    that organises rest should not depend on one person's availability.
//! 3. A `handover` or `rotation` section that the page's type requires (see
//!    `SECTION_OWNERS`) and that is missing: an error, since the site said
//!    that type must have it.
//!
//! Only Spanish and English pages are read for phrases (the keyword lists are
//! in those languages); section indexes are navigation and are skipped.

use super::owned_required_sections;
use crate::check::text::{
    any_word, find_section, find_word, locate, reads_keywords, sentences, words_in, PageText,
};
use crate::check::{Bilingual, PageCheck, Rule};
use crate::content::Page;
use crate::diagnostic::Severity;
use crate::markdown::{Block, BlockKind};
use crate::slug::fold;

pub struct AlwaysOn;

/// At most this many promises are reported per page. Three: one finding
/// already asks for the rotation section that fixes them all, and a few more
/// show where the promise is repeated; beyond that it is noise.
const MAX_PER_PAGE: f64 = 3.0;

/// Phrases that promise people will be there at every hour (folded).
pub(super) static PROMISES: &[&str] = &[
    "24/7",
    "24x7",
    "24 x 7",
    "24 horas al dia",
    "las 24 horas",
    "24 hours a day",
    "around the clock",
    "round the clock",
    "round-the-clock",
    "around-the-clock",
    "always available",
    "always on call",
    "always on-call",
    "always reachable",
    "always online",
    "available at all times",
    "available at any time",
    "at any hour",
    "at all hours",
    "any time of day or night",
    "day or night",
    "siempre disponible",
    "siempre disponibles",
    "siempre localizable",
    "siempre localizables",
    "siempre conectado",
    "siempre conectada",
    "siempre conectados",
    "disponible en todo momento",
    "disponibles en todo momento",
    "localizable en todo momento",
    "a cualquier hora",
    "a todas horas",
    "de dia y de noche",
    "dia y noche",
    "sin descanso",
    "non-stop",
    "nonstop",
    "365 dias al ano",
    "365 days a year",
];

/// Words that, before the promise in the same sentence, negate it: "nobody is
/// available at all hours" is the opposite of a promise, and "avoid promising
/// 24/7 support" is advice against one.
const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "nobody",
    "no one",
    "none",
    "cannot",
    "can't",
    "can’t",
    "won't",
    "won’t",
    "don't",
    "don’t",
    "doesn't",
    "doesn’t",
    "isn't",
    "isn’t",
    "aren't",
    "aren’t",
    "without",
    "instead of",
    "rather than",
    "neither",
    "nor",
    "nadie",
    "nunca",
    "jamas",
    "ni",
    "sin",
    "ningun",
    "ninguna",
    "ninguno",
    "en lugar de",
    "en vez de",
    "avoid",
    "avoiding",
    "evita",
    "evitar",
    "evitamos",
];

/// Words that bound the promise to a time or event: "always available on the
/// call" promises an hour, not every hour.
const BOUNDS: &[&str] = &[
    "during",
    "while",
    "on the call",
    "in the call",
    "office hours",
    "business hours",
    "working hours",
    "opening hours",
    "durante",
    "mientras",
    "en la llamada",
    "en horario",
    "horario laboral",
    "horario de atencion",
    "horario de oficina",
];

/// What the promise may be about instead of people.
const SYSTEMS: &[&str] = &[
    "bot",
    "bots",
    "automatic*",
    "automated",
    "automatico",
    "automatica",
    "automaticos",
    "automaticas",
    "server*",
    "servidor*",
    "uptime",
    "website",
    "web",
    "sitio",
    "form",
    "forms",
    "formulario*",
    "button",
    "boton",
    "documentation",
    "documentacion",
    "docs",
    "recording*",
    "grabacion*",
    "archive",
    "archivo",
    "dashboard",
    "panel",
];

/// Heading keywords of a rotation section (folded).
const ROTATION_HEADINGS: &[&str] = &[
    "rotation",
    "rotations",
    "rota",
    "shift",
    "shifts",
    "on-call schedule",
    "on call schedule",
    "rotacion",
    "rotaciones",
    "turno",
    "turnos",
    "guardia",
    "guardias",
    "cuadrante",
];

/// Heading keywords of a handover section (folded).
const HANDOVER_HEADINGS: &[&str] = &[
    "handover",
    "handovers",
    "hand-off",
    "handoff",
    "traspaso",
    "traspasos",
    "relevo",
    "relevos",
];

/// Title or tag words of a page about on-call or coverage.
const COVERAGE_TOPIC: &[&str] = &[
    "on-call",
    "on call",
    "oncall",
    "guardia",
    "guardias",
    "turno",
    "turnos",
    "shift",
    "shifts",
    "rotation",
    "rotacion",
    "coverage",
    "cobertura",
    "after-hours",
    "after hours",
    "fuera de horario",
    "handover",
    "traspaso",
    "relevo",
    "24/7",
    "24x7",
];

/// Words that make an owner a group of people.
const TEAM_WORDS: &[&str] = &[
    "team",
    "teams",
    "equipo",
    "equipos",
    "crew",
    "group",
    "grupo",
    "committee",
    "comite",
    "council",
    "consejo",
    "squad",
    "staff",
    "board",
    "junta",
    "guild",
    "circle",
    "circulo",
    "moderators",
    "moderadores",
    "moderation",
    "moderacion",
    "mods",
    "safety",
    "trust",
    "community",
    "comunidad",
    "support",
    "soporte",
    "ops",
    "oncall",
    "on-call",
    "guardia",
    "rotation",
    "rotacion",
    "leads",
    "maintainers",
    "coordination",
    "coordinacion",
    "office",
    "oficina",
    "desk",
    "conduct",
    "events",
    "eventos",
    "onboarding",
    "admins",
    "hosts",
    "volunteers",
    "voluntarios",
];

impl Rule for AlwaysOn {
    fn id(&self) -> &'static str {
        "always-on"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Desconectar es parte del trabajo: prometer atención a todas horas sin turnos ni traspaso acaba recayendo en una sola persona que no descansa.",
            en: "Rest is part of the job: promising round-the-clock care with no rotation or handover ends up resting on one person who never switches off.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Promesas de cobertura «24/7» o «siempre disponible» en una página sin sección de turnos o traspaso, páginas de guardia cuyo responsable es una sola persona, y secciones `handover`/`rotation` que el tipo exige y faltan.",
            en: "\"24/7\" or \"always available\" coverage promises on a page with no rotation or handover section, on-call pages owned by a single person, and `handover`/`rotation` sections the type requires but are missing.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["max_per_page"]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        if page.is_section_index {
            return;
        }
        let lang = check.lang;
        required_sections(check);
        if !reads_keywords(page) {
            return;
        }
        let promises = promises(page, check.text);
        // Asked only of a page that promises: most promise nothing, and
        // looking for the sections reads every heading.
        let has_rotation = || {
            find_section(page, "rotation", ROTATION_HEADINGS).is_some()
                || find_section(page, "handover", HANDOVER_HEADINGS).is_some()
        };
        if !promises.is_empty() && !has_rotation() {
            let max = check.settings.number("max_per_page", MAX_PER_PAGE).max(0.0) as usize;
            for (block, phrase) in promises.iter().take(max) {
                let (offset, width) = locate(page, block, phrase);
                let quoted = source_text(page, offset, width);
                check.at_offset(
                    offset,
                    width,
                    lang.pick(
                        format!("«{quoted}» promete atención a todas horas y la página no dice cómo se reparte: no hay sección de turnos ni de traspaso"),
                        format!("\"{quoted}\" promises care at every hour and the page does not say how it is shared: there is no rotation or handover section"),
                    ),
                    lang.pick(
                        "añade una sección `## Turnos y traspaso {#handover}` que diga quién cubre cada franja, cuántas personas rotan y cómo se pasa el testigo; o acota la promesa a un horario real".to_string(),
                        "add a `## Rotation and handover {#handover}` section saying who covers each slot, how many people rotate and how the handover is done; or narrow the promise to real hours".to_string(),
                    ),
                );
            }
        }
        let Some(owner) = page.meta.owner.as_deref() else {
            return;
        };
        if looks_like_person(owner) && (!promises.is_empty() || about_coverage(page)) {
            check.at_key(
                "owner",
                lang.pick(
                    format!("esta página organiza una cobertura o guardia y su responsable es una sola persona (`{owner}`)"),
                    format!("this page organises coverage or on-call and its owner is a single person (`{owner}`)"),
                ),
                lang.pick(
                    "pon como `owner` al equipo que hace la guardia (p. ej. `owner = \"equipo-comunidad\"`), para que la página no dependa de que una persona esté siempre disponible".to_string(),
                    "make the team that covers the rotation the `owner` (e.g. `owner = \"community-team\"`), so the page does not depend on one person always being there".to_string(),
                ),
            );
        }
    }
}

/// Missing `handover`/`rotation` sections the page's type requires.
fn required_sections(check: &mut PageCheck<'_>) {
    let page = check.page;
    let kind = page.kind().unwrap_or_default().to_string();
    let lang = check.lang;
    for section in owned_required_sections(check, "always-on") {
        let (keywords, es, en) = if section == "handover" {
            (HANDOVER_HEADINGS, "Traspaso", "Handover")
        } else {
            (ROTATION_HEADINGS, "Turnos", "Rotation")
        };
        if find_section(page, section, keywords).is_some() {
            continue;
        }
        check.at_key_as(
            Severity::Error,
            "type",
            lang.pick(
                format!("a este {kind} le falta la sección obligatoria `#{section}`: sin ella no se sabe cómo se reparte la cobertura"),
                format!("this {kind} is missing the required section `#{section}`: without it nobody knows how coverage is shared"),
            ),
            lang.pick(
                format!("añade `## {es} {{#{section}}}` con quién cubre cada turno y cómo se pasa el testigo"),
                format!("add `## {en} {{#{section}}}` saying who covers each shift and how the handover is done"),
            ),
        );
    }
}

/// The coverage promises on the page: each block's first, in order.
fn promises<'p>(page: &'p Page, text: &PageText<'_>) -> Vec<(&'p Block, &'static str)> {
    let mut found = Vec::new();
    if !text.mentions(PROMISES) {
        return found;
    }
    for block in &page.doc.blocks {
        if block.kind == BlockKind::Code {
            continue;
        }
        let folded = page.doc.folded(block);
        'sentences: for sentence in sentences(&folded) {
            for phrase in words_in(sentence, PROMISES) {
                let Some((start, end)) = find_word(sentence, phrase) else {
                    continue;
                };
                let before = &sentence[..start];
                let after = &sentence[end..];
                let negated = any_word(before, NEGATIONS).is_some();
                let bounded = any_word(sentence, BOUNDS).is_some();
                let system = any_word(sentence, SYSTEMS).is_some();
                // "no 24/7", "24/7? no": a question or a denial after it.
                let denied = after.trim_start().starts_with('?');
                if !(negated || bounded || system || denied) {
                    found.push((block, phrase));
                    break 'sentences;
                }
            }
        }
    }
    found
}

/// Whether the page's title or tags are about coverage. Not the
/// description: "the procedure the on-call moderator follows for the monthly
/// report" names who does something, not what the page is about.
fn about_coverage(page: &Page) -> bool {
    let mut text = fold(&page.title);
    for tag in &page.meta.tags {
        text.push('\n');
        text.push_str(&fold(tag));
    }
    COVERAGE_TOPIC.iter().any(|k| find_word(&text, k).is_some())
}

/// Whether an owner names one person rather than a team: `firstname.lastname`,
/// an `@handle`, an address like `ana.garcia@…`, or a capitalised full name.
fn looks_like_person(owner: &str) -> bool {
    let owner = owner.trim();
    if owner.is_empty() || owner.contains('/') || owner.contains(',') {
        return false;
    }
    let folded = fold(owner);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words.iter().any(|w| TEAM_WORDS.contains(w)) || find_word(&folded, "on-call").is_some() {
        return false;
    }
    let letters = |s: &str| !s.is_empty() && s.chars().all(char::is_alphabetic);
    if let Some(handle) = owner.strip_prefix('@') {
        return !handle.is_empty() && !handle.contains('@');
    }
    let local = owner.split('@').next().unwrap_or(owner);
    // firstname.lastname (also before an @)
    if let Some((first, last)) = local.split_once('.') {
        if letters(first) && letters(last) && !last.contains('.') {
            return true;
        }
    }
    if owner.contains('@') {
        return false;
    }
    // "Marcos Ruiz", "Ana María García"
    let parts: Vec<&str> = owner.split_whitespace().collect();
    (2..=4).contains(&parts.len())
        && parts.iter().all(|p| {
            letters(p.trim_end_matches('.')) && p.chars().next().is_some_and(char::is_uppercase)
        })
}

/// The source text at a finding, for quoting it.
fn source_text(page: &Page, offset: usize, width: usize) -> String {
    page.source.text[offset..]
        .chars()
        .take(width)
        .collect::<String>()
}

#[cfg(test)]
mod tests {
    use super::looks_like_person;
    use crate::check::rules::tests::{check, check_with, page};
    use crate::diagnostic::Severity;

    #[test]
    fn owners_that_are_people_and_teams() {
        for person in [
            "marcos.ruiz",
            "ana.garcía",
            "@marcos",
            "Marcos Ruiz",
            "ana.garcia@example.org",
        ] {
            assert!(looks_like_person(person), "{person}");
        }
        for team in [
            "equipo-comunidad",
            "trust-and-safety",
            "community-team",
            "onboarding-crew",
            "@org/moderators",
            "Trust and Safety",
            "Community Team",
            "conduct@example.org",
            "moderacion",
        ] {
            assert!(!looks_like_person(team), "{team}");
        }
    }

    #[test]
    fn a_promise_without_rotation_is_flagged_at_the_phrase_in_spanish() {
        let found = check(
            "always-on",
            &[(
                "a.md",
                &page(
                    "es",
                    "guide",
                    "",
                    "## Atención\n\nEl equipo de moderación está siempre disponible para responder a los miembros.\n",
                ),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 9);
        assert_eq!(found[0].column, 30);
        assert!(
            found[0].message.contains("«siempre disponible»"),
            "{}",
            found[0].message
        );
        assert!(found[0]
            .help
            .as_deref()
            .unwrap_or("")
            .contains("{#handover}"));
    }

    #[test]
    fn a_promise_without_rotation_is_flagged_in_english() {
        let found = check(
            "always-on",
            &[(
                "a.md",
                &page(
                    "en",
                    "playbook",
                    "",
                    "Intro.\n\n- Moderators answer reports 24/7 on every channel.\n",
                ),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 9);
        assert!(
            found[0].message.contains("\"24/7\""),
            "{}",
            found[0].message
        );
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn a_rotation_section_answers_the_promise() {
        for (lang, body) in [
            ("es", "Respondemos 24/7.\n\n## Turnos y traspaso\n\nRotamos cada semana.\n"),
            ("en", "We answer around the clock.\n\n## Who covers what {#rotation}\n\nWe rotate weekly.\n"),
        ] {
            let found = check("always-on", &[("a.md", &page(lang, "guide", "", body))]);
            assert!(found.is_empty(), "{lang}: {found:?}");
        }
    }

    #[test]
    fn negated_bounded_and_system_promises_do_not_fire() {
        let bodies = [
            (
                "es",
                "Nadie está disponible a todas horas; nos organizamos para descansar.\n",
            ),
            (
                "es",
                "Piden cosas que no podemos dar: atención personal a cualquier hora.\n",
            ),
            (
                "en",
                "Nobody covers these addresses at all hours indefinitely.\n",
            ),
            ("es", "Evita prometer respuesta 24/7 en los anuncios.\n"),
            (
                "en",
                "One or two of us are always available on the call to help.\n",
            ),
            (
                "en",
                "The report form is available 24/7 and reaches the team privately.\n",
            ),
            ("en", "```\nuptime: 24/7\n```\n"),
        ];
        for (lang, body) in bodies {
            let found = check("always-on", &[("a.md", &page(lang, "guide", "", body))]);
            assert!(found.is_empty(), "{body}: {found:?}");
        }
    }

    #[test]
    fn a_single_person_owning_an_on_call_page_is_flagged_at_owner() {
        let text = "+++\ntitle = \"Guardias de fin de semana\"\ntype = \"guide\"\nlang = \"es\"\nowner = \"marcos.ruiz\"\n+++\nQuién cubre el fin de semana.\n\n## Turnos {#rotation}\n\nRotamos.\n";
        let found = check("always-on", &[("a.md", text)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 5);
        assert!(found[0].message.contains("`marcos.ruiz`"));
        // The same page owned by a team is fine; so is a person owning
        // a page that is not about coverage.
        let team = text.replace("marcos.ruiz", "equipo-comunidad");
        assert!(check("always-on", &[("a.md", &team)]).is_empty());
        let other = text
            .replace("Guardias de fin de semana", "Bienvenida")
            .replace("## Turnos {#rotation}", "## Pasos");
        assert!(check("always-on", &[("a.md", &other)]).is_empty());
    }

    #[test]
    fn a_required_handover_section_is_an_error_of_this_rule() {
        let site = "[types.oncall]\nrequired = [\"title\"]\nsections = [\"handover\"]\n";
        let missing = check_with(
            "always-on",
            site,
            &[("a.md", &page("en", "oncall", "", "## Steps\n\nText.\n"))],
        );
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert_eq!(missing[0].severity, Severity::Error);
        assert_eq!(missing[0].line, 3);
        assert!(missing[0].message.contains("`#handover`"));
        let present = check_with(
            "always-on",
            site,
            &[("a.md", &page("es", "oncall", "", "## Traspaso\n\nTexto.\n"))],
        );
        assert!(present.is_empty(), "{present:?}");
        // A rotation section is not a handover section.
        let both =
            "[types.oncall]\nrequired = [\"title\"]\nsections = [\"handover\", \"rotation\"]\n";
        let half = check_with(
            "always-on",
            both,
            &[("a.md", &page("es", "oncall", "", "## Turnos\n\nRotamos.\n"))],
        );
        assert_eq!(half.len(), 1, "{half:?}");
        assert!(half[0].message.contains("`#handover`"));
    }

    #[test]
    fn near_misses_index_template_table_and_checklist() {
        let index = "+++\ntitle = \"Políticas\"\n+++\nEstamos disponibles 24/7 en estas páginas.\n";
        assert!(check("always-on", &[("policies/_index.md", index)]).is_empty());
        let template = page(
            "es",
            "template",
            "",
            "## Cuándo adaptar {#when-to-adapt}\n\nAjusta el tono.\n\n> Hola [nombre]: hemos recibido tu reporte y lo revisaremos en [plazo] días laborables.\n",
        );
        let table = page(
            "en",
            "guide",
            "",
            "| Severity | Response |\n|---|---|\n| High | Within one hour, on-call person |\n| Low | Next working day |\n",
        );
        let checklist = page(
            "en",
            "playbook",
            "",
            "- [ ] Check the queue at the start of your shift\n- [ ] Hand over open cases before you log off\n",
        );
        for (name, text) in [("t.md", &template), ("r.md", &table), ("c.md", &checklist)] {
            let found = check("always-on", &[(name, text)]);
            assert!(found.is_empty(), "{name}: {found:?}");
        }
    }
}
