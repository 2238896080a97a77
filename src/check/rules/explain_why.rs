//! `explain-why`: never say yes to everyone — and say no with a reason. A
//! rule with a reason can be understood, applied with judgement and accepted
//! by the member it stops; a bare "no" reads as arbitrary and invites the
//! argument it wanted to avoid.
//!
//! Two checks:
//!
//! 1. **Required sections** (errors). The sections `why`, `consequences` and
//!    `appeals` are this rule's (see `SECTION_OWNERS`): when the page's type
//!    requires one (by default, a policy requires all three) and no heading
//!    has that id or its keywords ("Por qué", "Consecuencias", "Sanciones",
//!    "Apelaciones", "Enforcement", "Appeals"…), the page is flagged at its
//!    `type` line. A rule without consequences is a wish; a sanction without
//!    appeal turns every mistake into a permanent injustice.
//! 2. **Rules without a reason** (warnings). A list item, paragraph or table
//!    cell that prohibits or requires ("no está permitido", "prohibido",
//!    "nunca…", "no compartas…", "do not…", "must not", "is not allowed",
//!    "es obligatorio", "is required to") with no reason in the same block or
//!    its section ("porque", "para que", "ya que", "para evitar", "because",
//!    "so that", "to avoid", "as such"…) nor after a semicolon or dash in the
//!    same sentence ("rule; reason"), on a page with no why-section. A bare
//!    "must"/"debe" is not read as a rule: it is as often a description
//!    ("not a set of rules by which everyone must abide") as a requirement. This runs on the pages where rules live: by
//!    default policies, playbooks and templates (`types` setting), and pages
//!    with no type whose title names rules ("Code of Conduct", "Normas del
//!    foro", "Moderation policy"). Guides are left out: "don't" in a guide is
//!    advice, and a guide is already an explanation.
//!
//!    A keyword heuristic, so it is held back: a page is flagged only when it
//!    has at least `min_unexplained` rules without a reason (default 2: one
//!    bare rule on a page of reasons is usually a slip of style; two or more
//!    show a page that rules without explaining), and at most `max_per_page`
//!    of them are reported (default 3, the last one saying how many more
//!    there are: the fix is usually one why-section, not twenty edits).
//!    Encouragement is not a rule ("don't hesitate", "no te preocupes",
//!    "don't forget").
//!
//! Only Spanish and English pages are read for keywords; section indexes are
//! navigation and are skipped.

use super::owned_required_sections;
use crate::check::text::{
    any_word, any_word_of_each, find_section, find_word, guide_voice, has_any_word, locate,
    reads_keywords, sentences,
};
use crate::check::{Bilingual, PageCheck, Rule};
use crate::content::Page;
use crate::diagnostic::Severity;
use crate::markdown::{Block, BlockKind};
use crate::slug::fold;

pub struct ExplainWhy;

/// Unexplained rules a page needs before it is flagged (see the module doc).
const MIN_UNEXPLAINED: f64 = 2.0;
/// Findings reported per page at most.
const MAX_PER_PAGE: f64 = 3.0;
/// The types whose prose is read for rules.
const DEFAULT_TYPES: &[&str] = &["policy", "playbook", "template"];

/// Headings of a section that explains the page's rules.
const WHY_HEADINGS: &[&str] = &[
    "por que",
    "motivo",
    "motivos",
    "razon",
    "razones",
    "razon de ser",
    "proposito",
    "nuestro compromiso",
    "why",
    "rationale",
    "purpose",
    "reasons",
    "pledge",
];

const CONSEQUENCE_HEADINGS: &[&str] = &[
    "consecuencias",
    "sanciones",
    "medidas",
    "incumplimiento*",
    "infracciones",
    "consequences",
    "sanctions",
    "enforcement",
    "violations",
];

const APPEAL_HEADINGS: &[&str] = &[
    "apelacion*",
    "apelar",
    "recurrir",
    "reclamacion*",
    "appeal*",
];

/// Phrases that prohibit or require, anywhere in a sentence (folded).
const RULES_ANYWHERE: &[&str] = &[
    "must not",
    "mustn't",
    "mustn’t",
    "must never",
    "should never",
    "shall not",
    "is not allowed",
    "are not allowed",
    "not allowed",
    "not permitted",
    "prohibited",
    "forbidden",
    "not tolerated",
    "will not tolerate",
    "do not tolerate",
    "does not tolerate",
    "don't tolerate",
    "don’t tolerate",
    "won't tolerate",
    "won’t tolerate",
    "never allowed",
    "under no circumstances",
    "zero tolerance",
    "is not acceptable",
    "are not acceptable",
    "must always",
    "is required to",
    "are required to",
    "is mandatory",
    "are mandatory",
    "no esta permitido",
    "no esta permitida",
    "no estan permitidos",
    "no estan permitidas",
    "no se permite",
    "no se permiten",
    "prohibido",
    "prohibida",
    "prohibidos",
    "prohibidas",
    "se prohibe",
    "no se tolera",
    "no se toleran",
    "no toleramos",
    "no se admite",
    "no se admiten",
    "no debes",
    "no debe",
    "no deben",
    "no puedes",
    "no se puede",
    "no se pueden",
    "bajo ningun concepto",
    "en ningun caso",
    "tolerancia cero",
    "siempre debe",
    "siempre deben",
    "siempre debes",
    "debe siempre",
    "deben siempre",
    "debes siempre",
    "es obligatorio",
    "es obligatoria",
    "son obligatorios",
    "son obligatorias",
];

/// Imperatives that prohibit when they open a sentence: "Never share…",
/// "Nunca compartas…".
const RULES_OPENING: &[&str] = &[
    "never",
    "do not",
    "don't",
    "don’t",
    "please do not",
    "please don't",
    "please don’t",
    "nunca",
    "jamas",
];

/// Encouragement that looks like a rule.
const NOT_RULES: &[&str] = &[
    "don't hesitate",
    "do not hesitate",
    "don’t hesitate",
    "never hesitate",
    "don't worry",
    "do not worry",
    "don’t worry",
    "don't be afraid",
    "do not be afraid",
    "don’t be afraid",
    "don't forget",
    "do not forget",
    "don’t forget",
    "never forget",
    "no dudes",
    "nunca dudes",
    "no te preocupes",
    "no tengas miedo",
    "no olvides",
    "nunca olvides",
];

/// Words after a sentence-opening "no" that are not a negative imperative:
/// quantifiers, encouragement, and the commonest indicatives, whose endings
/// look like a subjunctive's ("no necesitas…" describes, "no compartas…"
/// forbids).
const NOT_IMPERATIVES: &[&str] = &[
    "todas",
    "otras",
    "muchas",
    "pocas",
    "algunas",
    "tantas",
    "ambas",
    "cosas",
    "personas",
    "preocupes",
    "dudes",
    "olvides",
    "agobies",
    "necesitas",
    "tienes",
    "puedes",
    "sabes",
    "quieres",
    "estas",
    "eres",
    "crees",
    "conoces",
    "entiendes",
    "encuentras",
    "recibes",
    "esperas",
    "buscas",
];

/// Words after an opening "never"/"nunca" that make a statement, not an
/// order: "Never is it too early", "Nunca es tarde".
const NOT_AFTER_NEVER: &[&str] = &[
    "is", "was", "are", "were", "has", "have", "had", "been", "be", "will", "would", "could",
    "too", "before", "again", "ever", "once", "a", "an", "the", "mind", "es", "fue", "ha", "han",
    "hay", "habia", "sera", "esta", "estuvo", "antes", "mas", "tarde",
];

/// Clitics between "no" and its verb ("no lo publiques").
const CLITICS: &[&str] = &[
    "te", "se", "le", "les", "lo", "la", "los", "las", "me", "nos", "os",
];

/// Words that give a reason (folded).
const REASONS: &[&str] = &[
    "because",
    "so that",
    "so they",
    "so people",
    "so nobody",
    "so no one",
    "so we",
    "so you",
    "since",
    "to avoid",
    "to prevent",
    "to protect",
    "to keep",
    "to ensure",
    "to make sure",
    "in order to",
    "otherwise",
    "reason",
    "reasons",
    "why",
    "that way",
    "this way",
    "given that",
    "due to",
    "as it",
    "as this",
    "porque",
    "para que",
    "ya que",
    "puesto que",
    "dado que",
    "para evitar",
    "para no",
    "para proteger",
    "para mantener",
    "para garantizar",
    "para asegurar",
    "a fin de",
    "de lo contrario",
    "si no",
    "por eso",
    "por ello",
    "por esa razon",
    "motivo",
    "razon",
    "razones",
    "debido a",
    "se debe a",
    "de modo que",
    "de forma que",
    "de manera que",
    "asi",
    "as such",
    "accordingly",
    "therefore",
    "thus",
    "hence",
    "por lo tanto",
    "por tanto",
    "en consecuencia",
    "por consiguiente",
];

/// Titles of pages made of rules, for pages with no type.
const RULE_TITLES: &[&str] = &[
    "code of conduct",
    "codigo de conducta",
    "policy",
    "politica",
    "rules",
    "normas",
    "reglas",
    "reglamento",
    "community guidelines",
    "directrices",
];
impl Rule for ExplainWhy {
    fn id(&self) -> &'static str {
        "explain-why"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "No se puede decir que sí a todo, pero cada «no» necesita su porqué: una norma explicada se entiende y se acepta; una norma sin razón parece arbitraria, y una sanción sin consecuencias claras ni apelación, injusta.",
            en: "We cannot say yes to everyone, but every \"no\" needs its reason: an explained rule is understood and accepted; a bare rule looks arbitrary, and a sanction with no clear consequences or appeal looks unfair.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Normas (prohibiciones u obligaciones) sin una razón en su bloque, su sección o una sección «Por qué»; y políticas sin sección de porqué, consecuencias o apelaciones.",
            en: "Rules (prohibitions or requirements) with no reason in their block, their section or a \"Why\" section; and policies with no why, consequences or appeals section.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["min_unexplained", "max_per_page", "types"]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        if page.is_section_index {
            return;
        }
        required_sections(check);
        if !reads_keywords(page) || !holds_rules(page, check.settings.list("types")) {
            return;
        }
        if find_section(page, "why", WHY_HEADINGS).is_some() {
            return;
        }
        let unexplained: Vec<(&Block, &'static str, String)> = page
            .doc
            .blocks
            .iter()
            .filter(|b| {
                matches!(
                    b.kind,
                    BlockKind::Paragraph | BlockKind::ListItem | BlockKind::TableCell
                )
            })
            .filter_map(|b| rule_in(page, b).map(|(k, s)| (b, k, s)))
            .filter(|(b, _, _)| !explained(page, b))
            .collect();
        let min = check.settings.number("min_unexplained", MIN_UNEXPLAINED);
        if (unexplained.len() as f64) < min.max(1.0) {
            return;
        }
        let max = check.settings.number("max_per_page", MAX_PER_PAGE).max(1.0) as usize;
        let lang = check.lang;
        let shown = unexplained.len().min(max);
        for (i, (block, keyword, sentence)) in unexplained.iter().take(shown).enumerate() {
            let (offset, width) = locate(page, block, keyword);
            let more = unexplained.len() - shown;
            let tail = if i + 1 == shown && more > 0 {
                lang.pick(
                    format!(" (y {more} más en esta página)"),
                    format!(" (and {more} more on this page)"),
                )
            } else {
                String::new()
            };
            check.at_offset(
                offset,
                width,
                lang.pick(
                    format!("norma sin razón: «{sentence}» prohíbe o exige algo y ni su bloque ni su sección dicen por qué{tail}"),
                    format!("rule without a reason: \"{sentence}\" forbids or requires something and neither its block nor its section says why{tail}"),
                ),
                lang.pick(
                    "añade el porqué junto a la norma («…porque…», «…para que…», «…para evitar…»), o una sección `## Por qué {#why}` que explique las normas de la página".to_string(),
                    "give the reason next to the rule (\"…because…\", \"…so that…\", \"…to avoid…\"), or add a `## Why {#why}` section that explains the page's rules".to_string(),
                ),
            );
        }
    }
}

/// Missing `why`/`consequences`/`appeals` sections the page's type requires.
fn required_sections(check: &mut PageCheck<'_>) {
    let page = check.page;
    let kind = page.kind().unwrap_or_default().to_string();
    let lang = check.lang;
    for section in owned_required_sections(check, "explain-why") {
        let (keywords, es, en, why_es, why_en): (&[&str], _, _, _, _) = match section {
            "why" => (
                WHY_HEADINGS,
                "Por qué existe",
                "Why this exists",
                "sin ella las normas parecen arbitrarias",
                "without it the rules look arbitrary",
            ),
            "consequences" => (
                CONSEQUENCE_HEADINGS,
                "Consecuencias",
                "Consequences",
                "sin ella nadie sabe qué pasa si se incumple, y cada caso se decide a ojo",
                "without it nobody knows what happens on a breach, and each case is decided by feel",
            ),
            _ => (
                APPEAL_HEADINGS,
                "Apelaciones",
                "Appeals",
                "sin ella un error de moderación no tiene remedio",
                "without it a moderation mistake cannot be put right",
            ),
        };
        if find_section(page, section, keywords).is_some() {
            continue;
        }
        check.at_key_as(
            Severity::Error,
            "type",
            lang.pick(
                format!("a este {kind} le falta la sección obligatoria `#{section}`: {why_es}"),
                format!("this {kind} is missing the required section `#{section}`: {why_en}"),
            ),
            lang.pick(
                format!(
                    "añade `## {es} {{#{section}}}` y explica en ella {}",
                    explain_es(section)
                ),
                format!(
                    "add `## {en} {{#{section}}}` and explain there {}",
                    explain_en(section)
                ),
            ),
        );
    }
}

fn explain_es(section: &str) -> &'static str {
    match section {
        "why" => "qué protege cada norma y a quién",
        "consequences" => "qué medidas se aplican, de menor a mayor, y cuándo",
        _ => "cómo recurrir una decisión, ante quién, en qué plazo y quién la revisa",
    }
}

fn explain_en(section: &str) -> &'static str {
    match section {
        "why" => "what each rule protects and whom",
        "consequences" => "which measures apply, from mildest to gravest, and when",
        _ => "how to appeal a decision, to whom, by when, and who reviews it",
    }
}

/// Whether the page is where rules live (see the module doc).
fn holds_rules(page: &Page, types: Option<Vec<String>>) -> bool {
    match page.kind() {
        Some(kind) => match types {
            Some(types) => types.iter().any(|t| t == kind),
            None => DEFAULT_TYPES.contains(&kind),
        },
        None => {
            let title = fold(&page.title);
            let guide_voice = guide_voice(&title);
            !guide_voice && any_word(&title, RULE_TITLES).is_some()
        }
    }
}

/// The first sentence of a block that states a rule: the keyword that makes
/// it one and the sentence, for quoting.
fn rule_in(page: &Page, block: &Block) -> Option<(&'static str, String)> {
    let folded = page.doc.folded(block);
    // Most blocks hold no rule word at all: skip cutting them into sentences.
    // (A Spanish negative imperative starts with "no".)
    if !folded.contains("no") && !has_any_word(&folded, &RULE_WORDS) {
        return None;
    }
    for (i, sentence) in sentences(&folded).iter().enumerate() {
        let (not_rule, anywhere) = any_word_of_each(sentence, &SENTENCE_WORDS, NOT_RULES.len());
        if not_rule.is_some() {
            continue;
        }
        let keyword = opening_rule(sentence).or(anywhere);
        if let Some(keyword) = keyword {
            if reason_after_pause(sentence, keyword) {
                continue;
            }
            let text = page.doc.text(block);
            let original = sentences(text).get(i).copied().unwrap_or(text);
            return Some((keyword, excerpt(original)));
        }
    }
    None
}

/// [`RULES_OPENING`] and [`RULES_ANYWHERE`]: whether a block may hold a rule
/// at all, asked of every block in one pass.
static RULE_WORDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    RULES_OPENING
        .iter()
        .chain(RULES_ANYWHERE)
        .copied()
        .collect()
});

/// [`NOT_RULES`], then [`RULES_ANYWHERE`]: what a sentence is read for, in
/// one pass (see [`any_word_of_each`]).
static SENTENCE_WORDS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| NOT_RULES.iter().chain(RULES_ANYWHERE).copied().collect());

/// A prohibition opening the sentence: "Never…", "Do not…", "Nunca…", or a
/// Spanish negative imperative ("No compartas…", "No lo publiques…").
fn opening_rule(sentence: &str) -> Option<&'static str> {
    let start = sentence.trim_start_matches(|c: char| !c.is_alphanumeric());
    for opening in RULES_OPENING {
        // Only a sentence that starts with the opening can match at 0.
        if !start.starts_with(opening.trim_end_matches('*')) {
            continue;
        }
        if let Some((0, end)) = find_word(start, opening) {
            let next = start[end..]
                .split(|c: char| !c.is_alphanumeric())
                .find(|w| !w.is_empty());
            if next.is_some_and(|w| NOT_AFTER_NEVER.contains(&w)) {
                return None;
            }
            return Some(opening);
        }
    }
    let mut words = start
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty());
    if words.next() != Some("no") {
        return None;
    }
    let verb = words.find(|w| !CLITICS.contains(w))?;
    let imperative = verb.chars().count() >= 4
        && (verb.ends_with("es") || verb.ends_with("as"))
        && !NOT_IMPERATIVES.contains(&verb);
    imperative.then_some("no")
}

/// "Rule; reason" and "rule — reason": a clause of three words or more after
/// a semicolon or a dash that follows the rule is its reason ("Never post
/// screenshots with real names; every member's privacy comes first"). A
/// colon is not enough: what follows a colon is usually a list.
fn reason_after_pause(sentence: &str, keyword: &str) -> bool {
    let from = find_word(sentence, keyword).map_or(0, |(_, end)| end);
    let rest = &sentence[from..];
    [";", " — ", " – "].iter().any(|pause| {
        rest.split_once(pause)
            .is_some_and(|(_, after)| crate::check::text::word_count(after) >= 3)
    })
}

/// Whether the block, or another block of its section, gives a reason.
fn explained(page: &Page, block: &Block) -> bool {
    page.doc
        .blocks
        .iter()
        .filter(|b| b.section() == block.section() && b.kind != BlockKind::Code)
        .any(|b| any_word(&page.doc.folded(b), REASONS).is_some())
}

/// A sentence shortened for a message.
fn excerpt(sentence: &str) -> String {
    const MAX: usize = 80;
    let sentence = sentence.trim();
    if sentence.chars().count() <= MAX {
        sentence.to_string()
    } else {
        let cut: String = sentence.chars().take(MAX).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, check_with, page};
    use crate::diagnostic::Severity;

    const POLICY_SECTIONS_ES: &str = "## Por qué {#why}\n\nPara que todo el mundo participe.\n\n## Consecuencias {#consequences}\n\nAviso y suspensión.\n\n## Apelaciones {#appeals}\n\nEscribe a conducta@.\n";

    #[test]
    fn missing_policy_sections_are_errors_at_the_type_line() {
        let found = check(
            "explain-why",
            &[(
                "a.md",
                &page(
                    "es",
                    "policy",
                    "",
                    "## Normas\n\nSé amable, porque somos muchos.\n",
                ),
            )],
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found
            .iter()
            .all(|d| d.severity == Severity::Error && d.line == 3));
        assert!(found.iter().any(|d| d.message.contains("`#appeals`")));
        let found = check(
            "explain-why",
            &[(
                "a.md",
                &page(
                    "en",
                    "policy",
                    "",
                    "## Why we have rules\n\nText.\n\n## Enforcement\n\nWarnings.\n",
                ),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0]
            .message
            .contains("missing the required section `#appeals`"));
    }

    #[test]
    fn sections_found_by_id_or_keywords_do_not_fire() {
        let found = check(
            "explain-why",
            &[("a.md", &page("es", "policy", "", POLICY_SECTIONS_ES))],
        );
        assert!(found.is_empty(), "{found:?}");
        let en = "## Our reasons\n\nSo people feel safe.\n\n## Sanctions\n\nWarnings.\n\n## How to appeal\n\nWrite to us.\n";
        assert!(check("explain-why", &[("a.md", &page("en", "policy", "", en))]).is_empty());
    }

    #[test]
    fn unexplained_rules_are_flagged_at_the_keyword_in_spanish() {
        let body = "## Normas del foro\n\n- No está permitido publicar enlaces de afiliados.\n- Nunca compartas capturas de mensajes privados.\n- Sé amable.\n";
        let found = check(
            "explain-why",
            &[("a.md", &page("es", "playbook", "", body))],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].line, 9);
        assert_eq!(found[0].column, 3);
        assert!(
            found[0]
                .message
                .contains("«No está permitido publicar enlaces de afiliados.»"),
            "{}",
            found[0].message
        );
        assert_eq!(found[1].line, 10);
        assert_eq!(found[0].severity, Severity::Warning);
    }

    #[test]
    fn unexplained_rules_are_flagged_in_english_and_capped() {
        let body = "## Rules\n\n- Do not post ads.\n- Never share screenshots of DMs.\n- Members must not use alt accounts.\n- Links to paid courses are not allowed.\n- Do not ping moderators.\n";
        let found = check(
            "explain-why",
            &[("a.md", &page("en", "template", "", body))],
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].line, 9);
        assert!(
            found[2].message.contains("(and 2 more on this page)"),
            "{}",
            found[2].message
        );
        // The cap and the minimum are settings.
        let site = "[check.rules.explain-why]\nmax_per_page = 10\n";
        let all = check_with(
            "explain-why",
            site,
            &[("a.md", &page("en", "template", "", body))],
        );
        assert_eq!(all.len(), 5);
    }

    #[test]
    fn reasons_in_the_block_section_or_a_why_section_explain_the_rules() {
        let in_block = "- No está permitido publicar enlaces de afiliados, porque convierten el foro en un escaparate.\n- Nunca compartas capturas privadas: para que la gente confíe.\n";
        assert!(check(
            "explain-why",
            &[("a.md", &page("es", "playbook", "", in_block))]
        )
        .is_empty());
        let in_section = "## Links\n\nWe keep the forum about the community, so that members trust it.\n\n- Do not post ads.\n- Never post referral links.\n";
        assert!(check(
            "explain-why",
            &[("a.md", &page("en", "playbook", "", in_section))]
        )
        .is_empty());
        let why = "## Why {#why}\n\nTrust.\n\n## Rules\n\n- Do not post ads.\n- Never post referral links.\n";
        assert!(check("explain-why", &[("a.md", &page("en", "playbook", "", why))]).is_empty());
    }

    #[test]
    fn near_misses_do_not_fire() {
        // A single unexplained rule is below the threshold.
        let one = page(
            "en",
            "playbook",
            "",
            "## Steps\n\n- Do not post ads.\n- Reply in two days.\n",
        );
        // Encouragement is not a rule.
        let nice = page("es", "playbook", "", "- No dudes en preguntar.\n- No te preocupes si tardas.\n- Don't hesitate to escalate.\n");
        // Statements and indicatives that look like rules.
        let statements = page(
            "es",
            "playbook",
            "",
            "- Nunca es tarde para pedir ayuda.\n- No necesitas permiso para reportar.\n- Never is it too late to ask.\n",
        );
        // Guides explain by nature; rules in them are advice.
        let guide = page(
            "en",
            "guide",
            "",
            "- Do not post ads.\n- Never share DMs.\n",
        );
        // An index page.
        let index = "+++\ntitle = \"Normas\"\n+++\n- No está permitido el spam.\n- Nunca compartas datos.\n";
        // A response template with fill-ins that gives its reason.
        let template = page("es", "template", "", "## Cuándo adaptar {#when-to-adapt}\n\nAjusta el tono.\n\n> Hola [nombre]: hemos retirado tu mensaje en [canal] porque incumple [norma]. No está permitido [conducta].\n");
        // A table-heavy reference with no rules.
        let table = page(
            "en",
            "playbook",
            "",
            "| Level | Measure |\n|---|---|\n| 1 | Private reminder |\n| 2 | Written warning |\n",
        );
        // A short checklist of actions, not prohibitions.
        let checklist = page(
            "es",
            "playbook",
            "",
            "- [ ] Lee el reporte completo\n- [ ] Registra el caso\n- [ ] Responde en dos días\n",
        );
        for (name, text) in [
            ("one.md", one.as_str()),
            ("nice.md", &nice),
            ("statements.md", &statements),
            ("guide.md", &guide),
            ("normas/_index.md", index),
            ("t.md", &template),
            ("r.md", &table),
            ("c.md", &checklist),
        ] {
            let found = check("explain-why", &[(name, text)]);
            assert!(found.is_empty(), "{name}: {found:?}");
        }
    }

    #[test]
    fn an_untyped_rules_page_is_read_a_guide_about_rules_is_not() {
        let rules = "# Forum rules\n\n- Do not post ads.\n- Never share DMs.\n";
        let found = check("explain-why", &[("rules.md", rules)]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].line, 3);
        let guide =
            "# Your code of conduct\n\n- Do not copy one blindly.\n- Never skip enforcement.\n";
        assert!(check("explain-why", &[("g.md", guide)]).is_empty());
    }
}
