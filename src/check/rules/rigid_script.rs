//! `rigid-script`: adapt the script. A playbook or a response template is a
//! starting point: the person in front of us is not the average case, and a
//! script followed word for word fails exactly when it matters. So a script
//! must say when to depart from it and, for playbooks, whom to call when it
//! is not enough.
//!
//! Which pages: `type = "playbook"` and `type = "template"`, and any page
//! whose type requires `when-to-adapt` or `escalation` (this rule owns those
//! sections; see `SECTION_OWNERS`). A section counts when a heading has the
//! id (`{#when-to-adapt}`) or says so in words ("Cuándo adaptar",
//! "Exceptions", "Escalada", "Who to call"), so a page written before the ids
//! were agreed is not punished for its spelling.
//!
//! Severity: a section the page's type requires in `site.toml` missing is an
//! error (the team made it a rule); the same section missing from a playbook
//! or template whose type does not require it, and the "every step is an
//! absolute" heuristic, are warnings.

use crate::check::text::{any_word, find_section, locate, section_blocks};
use crate::check::{Bilingual, Lang, PageCheck, Rule};
use crate::content::Page;
use crate::diagnostic::Severity;
use crate::markdown::BlockKind;

pub struct RigidScript;

/// Share of a script's steps that may contain an absolute ("siempre",
/// "never", "word for word") before it reads as rigid: more than three in
/// four. Measured: the example playbooks and templates run at most 0.2 (the
/// two or three real limits any playbook has, like never revealing who
/// reported), and the 280 pages of the three real corpora, read as if they
/// were playbooks, at most 0.375. 0.75 is "nearly all", with room to spare.
const MAX_ABSOLUTE_RATIO: f64 = 0.75;

/// Fewest steps before the ratio is judged: with three steps, two absolutes
/// are a style, not a script.
const MIN_STEPS: f64 = 5.0;

/// Heading words for "when to adapt" (folded; `*` is a prefix).
const ADAPT_KEYWORDS: &[&str] = &[
    "adapt*",
    "cuando adaptar",
    "when to adapt",
    "exception*",
    "excepcion*",
    "personaliz*",
    "customi*",
    "tailor*",
    "ajustar",
    "ajusta",
    "when not to",
    "cuando no usar",
    "cuando no seguir",
    "salirse del guion",
    "departing from",
];

/// Heading words for "escalation". Not `escal*`: "escala de consecuencias"
/// is a scale, not an escalation.
const ESCALATION_KEYWORDS: &[&str] = &[
    "escalada",
    "escalado",
    "escalar",
    "escalamiento",
    "escalation",
    "escalations",
    "escalate",
    "escalating",
    "a quien avisar",
    "a quien llamar",
    "a quien acudir",
    "pedir ayuda",
    "who to call",
    "whom to call",
    "who to contact",
    "whom to alert",
    "who to alert",
    "get help",
    "ask for help",
];

/// Words that leave no room for judgement.
const ABSOLUTES: &[&str] = &[
    "always",
    "never",
    "must",
    "must not",
    "under no circumstances",
    "no exceptions",
    "without exception",
    "word for word",
    "verbatim",
    "exactly as written",
    "siempre",
    "nunca",
    "jamas",
    "debes",
    "tienes que",
    "al pie de la letra",
    "sin excepcion",
    "sin excepciones",
    "bajo ningun concepto",
    "en ningun caso",
    "palabra por palabra",
    "tal cual",
    "literalmente",
    "obligatoriamente",
];

/// The sections this rule owns, with the words that find them.
const SECTIONS: &[(&str, &[&str])] = &[
    ("when-to-adapt", ADAPT_KEYWORDS),
    ("escalation", ESCALATION_KEYWORDS),
];

impl Rule for RigidScript {
    fn id(&self) -> &'static str {
        "rigid-script"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Un guion es un punto de partida: la persona que tienes delante no es el caso medio, y un guion seguido al pie de la letra falla justo cuando más importa, así que debe decir cuándo apartarse de él y a quién acudir.",
            en: "A script is a starting point: the person in front of you is not the average case, and a script followed word for word fails exactly when it matters, so it must say when to depart from it and whom to turn to.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Playbooks y plantillas de respuesta sin sección «cuándo adaptar» (y, en los playbooks, sin sección de escalada), o cuyos pasos son casi todos absolutos («siempre», «nunca», «al pie de la letra»).",
            en: "Playbooks and response templates with no \"when to adapt\" section (and, for playbooks, no escalation section), or whose steps are nearly all absolute (\"always\", \"never\", \"word for word\").",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["max_absolute_ratio", "min_steps"]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        if page.is_section_index {
            return;
        }
        let kind = page.kind().unwrap_or("");
        let required: Vec<&str> = check
            .spec
            .map(|s| s.sections.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let expected: Vec<&str> = SECTIONS
            .iter()
            .map(|(id, _)| *id)
            .filter(|id| {
                required.contains(id)
                    || match kind {
                        "playbook" => true,
                        "template" => *id == "when-to-adapt",
                        _ => false,
                    }
            })
            .collect();
        if expected.is_empty() {
            return;
        }
        let lang = check.lang;
        let mut found = Vec::new();
        for &(id, keywords) in SECTIONS {
            match find_section(page, id, keywords) {
                Some((index, _)) => found.push(index),
                None if expected.contains(&id) => {
                    let severity = if required.contains(&id) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    let (message, help) = missing(id, kind, lang);
                    check.at_key_as(severity, "type", message, help);
                }
                None => {}
            }
        }
        absolutes(check, &found);
    }
}

fn missing(id: &str, kind: &str, lang: Lang) -> (String, String) {
    match id {
        "when-to-adapt" => (
            lang.pick(
                format!("este {kind} no dice cuándo adaptarlo: falta la sección `#when-to-adapt`"),
                format!("this {kind} does not say when to adapt it: the `#when-to-adapt` section is missing"),
            ),
            lang.pick(
                "añade `## Cuándo adaptar {#when-to-adapt}` con los casos en que el guion no encaja (riesgo para alguien, una persona recién llegada o alterada, un caso que la plantilla no prevé) y qué no cambia aunque lo adaptes".to_string(),
                "add `## When to adapt {#when-to-adapt}` with the cases where the script does not fit (someone at risk, a newcomer or an upset person, a case the template does not foresee) and what stays fixed when you adapt it".to_string(),
            ),
        ),
        _ => (
            lang.pick(
                format!("este {kind} no dice a quién acudir cuando no basta: falta la sección `#escalation`"),
                format!("this {kind} does not say whom to turn to when it is not enough: the `#escalation` section is missing"),
            ),
            lang.pick(
                "añade `## Escalada {#escalation}` con a quién avisar (direcciones de rol), en qué situaciones y en qué plazo".to_string(),
                "add `## Escalation {#escalation}` with whom to alert (role addresses), in which situations and how soon".to_string(),
            ),
        ),
    }
}

/// Steps — list items outside the adaptation and escalation sections, which
/// are about exceptions — nearly all stated as absolutes.
fn absolutes(check: &mut PageCheck<'_>, exempt_sections: &[usize]) {
    let page: &Page = check.page;
    let exempt: Vec<usize> = exempt_sections
        .iter()
        .flat_map(|&h| {
            section_blocks(page, h)
                .map(|b| b.offset)
                .collect::<Vec<_>>()
        })
        .collect();
    let steps: Vec<_> = page
        .doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::ListItem && !b.in_quote && !exempt.contains(&b.offset))
        .collect();
    let min_steps = check.settings.number("min_steps", MIN_STEPS);
    if (steps.len() as f64) < min_steps || steps.is_empty() {
        return;
    }
    let absolute: Vec<(&crate::markdown::Block, &str)> = steps
        .iter()
        .filter_map(|b| any_word(&page.doc.folded(b), ABSOLUTES).map(|k| (*b, k)))
        .collect();
    let ratio = absolute.len() as f64 / steps.len() as f64;
    let max = check
        .settings
        .number("max_absolute_ratio", MAX_ABSOLUTE_RATIO);
    if ratio <= max {
        return;
    }
    let Some(&(first, keyword)) = absolute.first() else {
        return;
    };
    let (at, width) = locate(page, first, keyword);
    let said: String = page.source.text[at..].chars().take(width).collect();
    let lang = check.lang;
    let (n, total) = (absolute.len(), steps.len());
    check.at_offset(
        at,
        width,
        lang.pick(
            format!("{n} de {total} pasos son absolutos (como «{said}»): el guion no deja margen para adaptarlo a la persona"),
            format!("{n} of {total} steps are absolutes (like \"{said}\"): the script leaves no room to adapt it to the person"),
        ),
        lang.pick(
            "deja el «siempre» y el «nunca» para los límites reales (seguridad, confidencialidad) y explica el porqué de los demás pasos para que quien lo aplique sepa cuándo puede cambiarlos".to_string(),
            "keep \"always\" and \"never\" for real limits (safety, confidentiality) and give the reason for the other steps, so whoever applies them knows when they may change them".to_string(),
        ),
    );
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, check_with, page};
    use crate::diagnostic::Severity;

    const RULE: &str = "rigid-script";

    const CRISIS: &str = include_str!("../../../content/playbooks/primera-hora-crisis.md");

    #[test]
    fn the_example_crisis_playbook_passes_and_fails_without_its_adaptation_section() {
        assert!(check(RULE, &[("playbooks/crisis.md", CRISIS)]).is_empty());
        let start = CRISIS
            .find("## Cuándo adaptar este playbook {#when-to-adapt}")
            .expect("the example has a when-to-adapt section");
        let end = CRISIS
            .find("## Escalada {#escalation}")
            .expect("and an escalation one");
        let cut = format!("{}{}", &CRISIS[..start], &CRISIS[end..]);
        let found = check(RULE, &[("playbooks/crisis.md", &cut)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(found[0].line, 4, "at the `type` line");
        assert!(
            found[0].message.contains("no dice cuándo adaptarlo")
                && found[0].message.contains("`#when-to-adapt`"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_playbook_without_either_section_fails_in_both_languages() {
        let es = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "es",
                    "playbook",
                    "",
                    "## Pasos\n\n1. Lee el hilo.\n2. Responde.\n",
                ),
            )],
        );
        assert_eq!(es.len(), 2, "{es:?}");
        assert!(es
            .iter()
            .all(|d| d.severity == Severity::Error && d.line == 3));
        assert!(es
            .iter()
            .any(|d| d.message.contains("`#escalation`") && d.message.contains("a quién acudir")));
        let en = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "en",
                    "template",
                    "",
                    "Hello [name], thanks for your report.\n",
                ),
            )],
        );
        assert_eq!(en.len(), 1, "{en:?}");
        assert!(
            en[0]
                .message
                .contains("this template does not say when to adapt it"),
            "{}",
            en[0].message
        );
    }

    #[test]
    fn sections_are_found_by_heading_words_without_ids() {
        let es = page(
            "es",
            "playbook",
            "",
            "## Pasos\n\nLee el hilo.\n\n## Excepciones\n\nSi hay riesgo, para.\n\n## A quién avisar\n\nA trust-and-safety.\n",
        );
        let en = page(
            "en",
            "playbook",
            "",
            "## Steps\n\nRead the thread.\n\n## Adapting this playbook\n\nIf someone is at risk, stop.\n\n## Escalation\n\nAlert trust-and-safety.\n",
        );
        let found = check(RULE, &[("a.md", &es), ("b.en.md", &en)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn severity_follows_what_the_type_requires() {
        // A playbook type that requires no sections: the absence is a warning.
        let found = check_with(
            RULE,
            "[types.playbook]\nsections = []\n",
            &[(
                "a.md",
                &page("es", "playbook", "", "Lee el hilo y responde.\n"),
            )],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found.iter().all(|d| d.severity == Severity::Warning));
        // A team's own type that requires escalation: an error, and only that.
        let found = check_with(
            RULE,
            "[types.macro]\nsections = [\"escalation\"]\n",
            &[("a.md", &page("en", "macro", "", "Reply kindly.\n"))],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].severity, Severity::Error);
        assert!(found[0].message.contains("`#escalation`"));
    }

    const SECTIONS_ES: &str = "## Cuándo adaptar {#when-to-adapt}\n\n- Nunca reveles quién reportó.\n- Siempre puedes pedir otra opinión.\n\n## Escalada {#escalation}\n\nA trust-and-safety.\n";

    #[test]
    fn steps_that_are_nearly_all_absolutes_are_flagged_at_the_first() {
        let body = format!(
            "## Pasos\n\n- Lee el hilo entero.\n- Responde siempre en menos de una hora.\n- Nunca cierres un hilo sin avisar.\n\
             - Copia la plantilla al pie de la letra.\n- Debes citar la norma exacta.\n- Avisa siempre a la guardia.\n\n{SECTIONS_ES}"
        );
        let es = check(RULE, &[("a.md", &page("es", "playbook", "", &body))]);
        assert_eq!(es.len(), 1, "{es:?}");
        assert_eq!(es[0].severity, Severity::Warning);
        assert_eq!((es[0].line, es[0].column), (10, 12));
        assert!(
            es[0]
                .message
                .contains("5 de 6 pasos son absolutos (como «siempre»)"),
            "{}",
            es[0].message
        );
        let en = "## Steps\n\n1. Always greet the member by name.\n2. Never skip the apology.\n3. Read the template verbatim.\n\
                  4. You must log the case.\n5. Always close with the appeal address.\n\n\
                  ## When to adapt {#when-to-adapt}\n\nUse judgement.\n\n## Escalation {#escalation}\n\nAlert the lead.\n";
        let en = check(RULE, &[("a.md", &page("en", "playbook", "", en))]);
        assert_eq!(en.len(), 1, "{en:?}");
        assert!(
            en[0]
                .message
                .contains("5 of 5 steps are absolutes (like \"Always\")"),
            "{}",
            en[0].message
        );
    }

    #[test]
    fn a_few_real_limits_are_not_a_rigid_script() {
        // Two absolutes in six steps, plus absolutes in the adaptation section.
        let body = format!(
            "## Pasos\n\n- Lee el hilo entero antes de intervenir.\n- Nunca publiques quién reportó.\n\
             - Responde en el hilo con la norma y su razón.\n- Si la persona está alterada, pasa a privado.\n\
             - Siempre deja constancia en el registro.\n- Revisa el hilo al día siguiente.\n\n{SECTIONS_ES}"
        );
        let found = check(RULE, &[("a.md", &page("es", "playbook", "", &body))]);
        assert!(found.is_empty(), "{found:?}");
        // Guides are not scripts, however absolute.
        let guide =
            "- Always reply.\n- Never lock.\n- Always log.\n- Never share.\n- Always thank.\n";
        let found = check(RULE, &[("g.en.md", &page("en", "guide", "", guide))]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn index_template_table_and_checklist_near_misses_do_not_fire() {
        let index = "+++\ntitle = \"Playbooks\"\ntype = \"playbook\"\nlang = \"es\"\n+++\n- [Crisis](crisis.md)\n- [Hilos](hilos.md)\n";
        let template = page(
            "es",
            "template",
            "",
            "## Cuándo y cómo adaptar {#when-to-adapt}\n\nNinguna se envía tal cual.\n\n\
             ```text\nHola, [nombre]: siempre leemos cada reporte.\n```\n",
        );
        let table = page(
            "en",
            "playbook",
            "",
            "## Who does what\n\n| Step | Always | Never |\n|---|---|---|\n| Greet | Use the name | Copy verbatim |\n\n\
             ## Exceptions\n\nIf someone is at risk, skip ahead.\n\n## Escalation\n\nPage the lead.\n",
        );
        let checklist = page(
            "es",
            "playbook",
            "",
            "- [ ] Hay responsable del incidente\n- [ ] El mensaje está fijado\n- [ ] Nunca se ha publicado quién reportó\n\
             - [ ] Las campañas están en pausa\n- [ ] Se ha avisado según la escalada\n\n\
             ## Cuándo adaptar {#when-to-adapt}\n\nSi hay riesgo, primero la persona.\n\n## Escalada {#escalation}\n\nA la guardia.\n",
        );
        let found = check(
            RULE,
            &[
                ("playbooks/_index.md", index),
                ("templates/a.md", &template),
                ("playbooks/tabla.en.md", &table),
                ("playbooks/lista.md", &checklist),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn the_ratio_and_minimum_are_settings() {
        let body = format!(
            "## Pasos\n\n- Lee el hilo.\n- Nunca publiques quién reportó.\n- Responde con la norma.\n\n{SECTIONS_ES}"
        );
        let found = check_with(
            RULE,
            "[check.rules.rigid-script]\nmax_absolute_ratio = 0.2\nmin_steps = 3\n",
            &[("a.md", &page("es", "playbook", "", &body))],
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
