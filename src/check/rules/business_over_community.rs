//! `business-over-community`: community first. Guidance for caring for
//! members — moderation, escalation, the code of conduct, support,
//! onboarding — must not turn a member's problem into a sale. The rule flags,
//! on those pages only, sales calls to action ("compra ya", "book a demo"),
//! links with tracking parameters (`utm_…`) or through known click-tracking
//! redirects, and deal language ("cerrar la venta", "upsell", "conversion").
//!
//! Whether a page is member care is decided from what the team declared, not
//! from the body: its `type`, `tags`, folder and title. A page that declares
//! itself marketing, sponsorship or sales is not member care, even when it
//! also mentions support (a sponsor page saying "support the project" is the
//! classic false positive). A sentence that forbids the practice ("nunca
//! termines una respuesta con «compra ya»", "don't upsell") is guidance
//! against it, so a negation earlier in the same sentence silences the match.
//!
//! There is no numeric threshold: one sales call in a reply to a member is
//! already one too many. A team whose areas go by other names sets its own
//! lists in `[check.rules.business-over-community]`: `member_care_keywords`
//! and `not_member_care_keywords` (folded words; `*` ends a prefix) replace
//! the built-in ones.

use crate::check::text::{any_word, find_word, locate, words_in, Folded};
use crate::check::{Bilingual, PageCheck, Rule};
use crate::content::Page;
use crate::markdown::BlockKind;
use crate::slug::fold;

pub struct BusinessOverCommunity;

/// Words in a page's type, tags, folder or title that make it member care
/// (folded; `*` is a prefix).
const MEMBER_CARE: &[&str] = &[
    "moderacion",
    "moderar",
    "moderad*",
    "moderat*",
    "escalada",
    "escalado",
    "escalar",
    "escalat*",
    "code of conduct",
    "codigo de conducta",
    "conduct",
    "conducta",
    "coc",
    "support",
    "soporte",
    "helpdesk",
    "onboarding",
    "acogida",
    "acoger",
    "bienvenida",
    "welcome",
    "welcoming",
    "newcomer*",
    "recien llegad*",
    "nuevos miembros",
    "new members",
    "incident*",
    "incidente*",
    "crisis",
    "denuncia*",
    "report*",
    "reporte*",
    "harassment",
    "acoso",
    "trust and safety",
    "trust & safety",
    "trust-and-safety",
    "appeal*",
    "apelacion*",
    "complaint*",
    "queja*",
    "conflict*",
    "conflicto*",
    "enforcement",
    "member care",
    "cuidado de miembros",
    "atencion a miembros",
];

/// Words that make a page marketing, sponsorship or sales: not member care,
/// even if it also says "support".
const NOT_MEMBER_CARE: &[&str] = &[
    "sponsor*",
    "patrocin*",
    "marketing",
    "ventas",
    "sales",
    "pricing",
    "precios",
    "partner*",
    "donat*",
    "donacion*",
    "funding",
    "financiacion",
    "fundrais*",
    "getting paid",
    "campana*",
    "campaign*",
    "advertis*",
    "publicidad",
    "anunciantes",
];

/// Calls to buy, upgrade or talk to sales.
const SALES_CALLS: &[&str] = &[
    "buy now",
    "buy today",
    "order now",
    "compra ya",
    "compra ahora",
    "compralo ya",
    "compralo ahora",
    "comprar ahora",
    "upgrade to premium",
    "upgrade to pro",
    "upgrade now",
    "upgrade your plan",
    "upgrade your account",
    "mejora tu plan",
    "pasate a premium",
    "pasate a pro",
    "hazte premium",
    "actualiza a premium",
    "actualiza tu plan",
    "contacta con ventas",
    "contacta con el equipo de ventas",
    "contacta con nuestro equipo de ventas",
    "habla con ventas",
    "contact sales",
    "contact our sales team",
    "contact the sales team",
    "talk to sales",
    "book a demo",
    "schedule a demo",
    "request a demo",
    "reserva una demo",
    "solicita una demo",
    "pide una demo",
    "agenda una demo",
    "start your free trial",
    "start a free trial",
    "try it free",
    "prueba gratis",
    "pruebalo gratis",
    "empieza tu prueba gratuita",
    "limited time offer",
    "limited-time offer",
    "oferta por tiempo limitado",
    "oferta limitada",
    "special offer",
    "oferta especial",
    "discount code",
    "promo code",
    "codigo de descuento",
    "codigo promocional",
    "subscribe now",
    "suscribete ya",
    "suscribete ahora",
    "sign up now",
    "registrate ya",
    "add to cart",
    "anadir al carrito",
];

/// The language of a sales pipeline.
const DEAL_LANGUAGE: &[&str] = &[
    "close the deal",
    "closing the deal",
    "close a deal",
    "close more deals",
    "cerrar la venta",
    "cerrar el trato",
    "cerrar ventas",
    "cerrar mas ventas",
    "upsell*",
    "up-sell*",
    "cross-sell*",
    // Not bare "conversion": unit and file conversions are everywhere.
    "conversions",
    "conversiones",
    "conversion rate*",
    "tasa de conversion",
    "tasas de conversion",
    "conversion funnel",
    "convertir en clientes",
    "convertirlos en clientes",
    "sales funnel",
    "embudo de venta*",
    "embudo de conversion",
    "lead generation",
    "generacion de leads",
    "captar leads",
    "qualified leads",
    "leads cualificados",
    "monetiz*",
    "monetizar",
    "sales pitch",
    "pitch de venta*",
    "argumentario de venta*",
    "oportunidad de venta",
    "oportunidad comercial",
    "sales opportunity",
    "cuota de ventas",
    "sales quota",
];

/// Words that, earlier in the same sentence, turn a match into guidance
/// against it.
const NEGATIONS: &[&str] = &[
    "no",
    "nunca",
    "jamas",
    "ni",
    "sin",
    "evita*",
    "evitar",
    "en lugar de",
    "en vez de",
    "never",
    "not",
    "don",
    "doesn",
    "shouldn",
    "avoid*",
    "without",
    "instead of",
    "rather than",
];

/// Query parameters that track who clicked.
const TRACKING_PARAMS: &[&str] = &[
    "utm_", "mc_cid=", "mc_eid=", "fbclid=", "gclid=", "_hsenc=", "_hsmi=", "mkt_tok=",
];

/// Hosts of e-mail and marketing click-tracking redirects.
const TRACKING_HOSTS: &[&str] = &[
    "list-manage.com",
    "hubspotlinks.com",
    "awstrack.me",
    "mandrillapp.com",
    "sendgrid.net",
    "rs6.net",
    "klclick",
    "pardot.com",
    "mjt.lu",
    "createsend",
    "mailchimp.com/track",
];

/// Host prefixes of click-tracking redirects (`click.example.com`).
const TRACKING_SUBDOMAINS: &[&str] = &["click.", "clicks.", "track.", "tracking.", "trk."];

impl Rule for BusinessOverCommunity {
    fn id(&self) -> &'static str {
        "business-over-community"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Quien pide ayuda, denuncia un problema o acaba de llegar tiene que sentir que le cuidamos, no que le vendemos: mezclar ventas con la atención a miembros gasta la confianza que sostiene la comunidad.",
            en: "People who ask for help, report a problem or have just arrived must feel cared for, not sold to: mixing sales into member care spends the trust the community stands on.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Llamadas a la compra («compra ya», «reserva una demo»), enlaces con seguimiento (utm_) y lenguaje de ventas («cerrar la venta», «upsell») en guías de moderación, escalada, código de conducta, soporte o acogida.",
            en: "Sales calls to action (\"buy now\", \"book a demo\"), tracking links (utm_) and deal language (\"close the deal\", \"upsell\") in moderation, escalation, code of conduct, support or onboarding guidance.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["member_care_keywords", "not_member_care_keywords"]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        let Some(topic) = member_care_topic(check) else {
            return;
        };
        let lang = check.lang;
        let (words, sales_calls) = &*KEYWORDS;
        let mut reported: Vec<(usize, usize)> = Vec::new();
        let mentions_any = check.text.mentions(words);
        for block in page
            .doc
            .blocks
            .iter()
            .filter(|b| mentions_any && b.kind != BlockKind::Code)
        {
            let folded = page.doc.folded(block);
            for keyword in words_in(&folded, words) {
                let sales = sales_calls.contains(&keyword);
                let Some((start, _)) = find_word(&folded, keyword) else {
                    continue;
                };
                if negated(&folded[..start]) {
                    continue;
                }
                let (at, width) = locate(page, block, keyword);
                let said = quote(page.doc.text(block), keyword);
                let end = at
                    + page.source.text[at..]
                        .chars()
                        .take(width)
                        .map(char::len_utf8)
                        .sum::<usize>();
                if reported.iter().any(|&(a, e)| at < e && a < end) {
                    continue;
                }
                reported.push((at, end));
                check.at_offset(
                        at,
                        width,
                        if sales {
                            lang.pick(
                                format!("llamada a la compra «{said}» en una guía de {topic}"),
                                format!("sales call to action \"{said}\" in {topic} guidance"),
                            )
                        } else {
                            lang.pick(
                                format!("lenguaje de ventas «{said}» en una guía de {topic}"),
                                format!("deal language \"{said}\" in {topic} guidance"),
                            )
                        },
                        if sales {
                            lang.pick(
                                "quítala: la respuesta termina con el siguiente paso para la persona (qué pasa ahora, a quién escribir), no con una oferta; lo comercial va en su propia página".to_string(),
                                "remove it: the reply ends with the member's next step (what happens now, whom to write to), not with an offer; sales material belongs on its own page".to_string(),
                            )
                        } else {
                            lang.pick(
                                "describe el objetivo en términos de la persona (que se resuelva su problema, que se sienta escuchada), no de una venta".to_string(),
                                "state the goal in the member's terms (their problem solved, feeling heard), not as a sale".to_string(),
                            )
                        },
                    );
            }
        }
        for link in &page.doc.links {
            let Some(what) = tracking(&link.dest) else {
                continue;
            };
            let source = &page.source.text;
            let end = (link.offset + link.len).min(source.len());
            let markdown = source.get(link.offset..end).unwrap_or("");
            let (at, width) = match markdown.find(what) {
                Some(i) => {
                    let rest = &markdown[i..];
                    let len = rest
                        .find(['&', ')', ' ', '"', '>', '#'])
                        .unwrap_or(rest.len());
                    (link.offset + i, rest[..len].chars().count().max(1))
                }
                None => (link.offset, markdown.chars().count().max(1)),
            };
            check.at_offset(
                at,
                width,
                lang.pick(
                    format!("enlace con seguimiento ({what}) en una guía de {topic}"),
                    format!("tracking link ({what}) in {topic} guidance"),
                ),
                lang.pick(
                    "enlaza la dirección limpia, sin parámetros de seguimiento ni redirecciones: nadie debería preguntarse si le están ayudando o midiendo".to_string(),
                    "link the clean address, without tracking parameters or redirects: nobody should wonder whether they are being helped or measured".to_string(),
                ),
            );
        }
    }
}

/// The member-care keyword that puts this page in scope, unless the page
/// declares itself marketing, sponsorship or sales.
fn member_care_topic(check: &PageCheck<'_>) -> Option<String> {
    let page: &Page = check.page;
    let dir = page.dir.replace(['/', '-', '_'], " ");
    let stem = page
        .rel_path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .split('.')
        .next()
        .unwrap_or("")
        .replace(['-', '_'], " ");
    let declared = fold(&format!(
        "{} | {} | {} | {} | {} | {}",
        page.kind().unwrap_or(""),
        page.meta.tags.join(" | "),
        dir,
        stem,
        page.title,
        page.meta.title.as_deref().unwrap_or(""),
    ));
    let own = |key: &str| {
        check
            .settings
            .list(key)
            .map(|l| l.iter().map(|k| fold(k)).collect::<Vec<_>>())
    };
    let excluded = match own("not_member_care_keywords") {
        Some(list) => list.iter().any(|k| find_word(&declared, k).is_some()),
        None => any_word(&declared, NOT_MEMBER_CARE).is_some(),
    };
    if excluded {
        return None;
    }
    match own("member_care_keywords") {
        Some(list) => list
            .into_iter()
            .find(|k| find_word(&declared, k).is_some())
            .map(|k| k.trim_end_matches('*').to_string()),
        None => any_word(&declared, MEMBER_CARE).map(|k| topic_name(k, check.lang)),
    }
}

/// A readable name for the area a keyword belongs to.
fn topic_name(keyword: &str, lang: crate::check::Lang) -> String {
    let k = keyword.trim_end_matches('*');
    let name = if k.starts_with("moder") {
        lang.pick("moderación", "moderation")
    } else if k.starts_with("escal") {
        lang.pick("escalada", "escalation")
    } else if k.contains("conduct") || k == "coc" {
        lang.pick("código de conducta", "code of conduct")
    } else if ["support", "soporte", "helpdesk"].contains(&k) {
        lang.pick("soporte", "support")
    } else if [
        "onboarding",
        "acogida",
        "acoger",
        "bienvenida",
        "welcome",
        "welcoming",
        "newcomer",
        "recien llegad",
        "nuevos miembros",
        "new members",
    ]
    .contains(&k)
    {
        lang.pick("acogida", "onboarding")
    } else {
        lang.pick("atención a miembros", "member care")
    };
    name.to_string()
}

/// The words a keyword matched, as the block says them (the source may
/// spell them with HTML entities or Markdown in between).
fn quote(text: &str, keyword: &str) -> String {
    Folded::new(text)
        .find(keyword)
        .map(|(start, end)| text[start..end].to_string())
        .unwrap_or_else(|| keyword.trim_end_matches('*').to_string())
}

/// Sales calls and deal language, longest first, so that keywords which
/// overlap ("monetiz*" and "monetizar") are reported once, by the longest;
/// and which of them are sales calls.
pub(super) static KEYWORDS: std::sync::LazyLock<(Vec<&'static str>, Vec<&'static str>)> =
    std::sync::LazyLock::new(|| {
        let mut words: Vec<&'static str> =
            SALES_CALLS.iter().chain(DEAL_LANGUAGE).copied().collect();
        words.sort_by_key(|k| std::cmp::Reverse(k.len()));
        (words, SALES_CALLS.to_vec())
    });

/// Whether the sentence leading up to a match forbids it.
fn negated(before: &str) -> bool {
    let sentence = before
        .rfind(['.', '!', '?', '\n'])
        .map(|i| &before[i + 1..])
        .unwrap_or(before);
    any_word(sentence, NEGATIONS).is_some()
}

/// What makes a link a tracking link: the parameter or host.
fn tracking(dest: &str) -> Option<&'static str> {
    let lower = dest.to_ascii_lowercase();
    if let Some((_, query)) = lower.split_once('?') {
        if let Some(p) = TRACKING_PARAMS
            .iter()
            .find(|p| query.split('&').any(|kv| kv.starts_with(*p)))
        {
            return Some(p.trim_end_matches('='));
        }
    }
    let host = lower
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or("")
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("");
    if host.is_empty() {
        return None;
    }
    TRACKING_HOSTS
        .iter()
        .find(|h| lower.contains(*h) && (h.contains('/') || host.contains(*h)))
        .or_else(|| TRACKING_SUBDOMAINS.iter().find(|s| host.starts_with(*s)))
        .copied()
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, check_with, page};

    const RULE: &str = "business-over-community";

    #[test]
    fn sales_deals_and_tracking_in_moderation_guidance_fire_in_spanish() {
        let body = "Cuando cierres un reporte, despídete así: «Gracias por avisar. Compra ya el plan premium».\n\n\
                    El objetivo de cada respuesta es cerrar la venta con quien se queja.\n\n\
                    Enlaza la [guía de normas](https://example.org/normas?utm_source=soporte&utm_medium=email).\n";
        let found = check(
            RULE,
            &[(
                "a.md",
                &page("es", "playbook", "tags = [\"moderación\"]", body),
            )],
        );
        let at: Vec<(usize, usize)> = found.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, vec![(8, 64), (10, 34), (12, 55)], "{found:?}");
        assert!(
            found[0]
                .message
                .contains("llamada a la compra «Compra ya» en una guía de moderación"),
            "{}",
            found[0].message
        );
        assert!(found[1]
            .message
            .contains("lenguaje de ventas «cerrar la venta»"));
        assert!(
            found[2].message.contains("enlace con seguimiento (utm_)"),
            "{}",
            found[2].message
        );
    }

    #[test]
    fn sales_deals_and_tracking_in_support_guidance_fire_in_english() {
        let body = "End every reply with a friendly Book a demo!\n\n\
                    When members report a bug, upsell the premium tier.\n\n\
                    Point them to the [FAQ](https://click.example.com/r/abc123).\n";
        let found = check(
            RULE,
            &[("a.md", &page("en", "guide", "tags = [\"support\"]", body))],
        );
        let at: Vec<usize> = found.iter().map(|d| d.line).collect();
        assert_eq!(at, vec![8, 10, 12], "{found:?}");
        assert!(
            found[0]
                .message
                .contains("\"Book a demo\" in support guidance"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("deal language \"upsell\""),
            "{}",
            found[1].message
        );
        assert!(
            found[2].message.contains("tracking link (click.)"),
            "{}",
            found[2].message
        );
    }

    #[test]
    fn the_folder_or_title_makes_a_page_member_care() {
        let found = check(
            RULE,
            &[(
                "moderacion/respuestas.md",
                &page("es", "", "", "Añade siempre: pásate a premium."),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        let titled = "+++\ntitle = \"Onboarding new members\"\nlang = \"en\"\n+++\nTrack the conversion rate of every newcomer.\n";
        let found = check(RULE, &[("a.md", titled)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("onboarding guidance"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn sponsor_and_marketing_pages_are_not_member_care() {
        let body = "Support the project: buy now, book a demo or use the [sponsor link](https://example.org/?utm_source=kb). \
                    Every sponsor helps us close the deal with the next conference.\n";
        let sponsors = page("en", "guide", "tags = [\"sponsors\", \"support\"]", body);
        let campaign = page(
            "es",
            "guide",
            "tags = [\"marketing\", \"moderación\"]",
            "Reserva una demo con ventas para la campaña.",
        );
        let found = check(
            RULE,
            &[("sponsors.en.md", &sponsors), ("campana.md", &campaign)],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn pages_outside_member_care_are_not_checked() {
        let found = check(
            RULE,
            &[(
                "eventos.md",
                &page(
                    "es",
                    "guide",
                    "tags = [\"eventos\"]",
                    "Compra ya tu entrada para el encuentro anual.",
                ),
            )],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn guidance_against_the_practice_does_not_fire() {
        let es = page(
            "es",
            "guide",
            "tags = [\"soporte\"]",
            "Nunca termines una respuesta de soporte con «compra ya» ni intentes cerrar la venta. \
             No añadimos enlaces con seguimiento.",
        );
        let en = page(
            "en",
            "guide",
            "tags = [\"moderation\"]",
            "Don't upsell in a moderation reply. Avoid anything that sounds like a sales pitch.",
        );
        let found = check(RULE, &[("a.md", &es), ("b.en.md", &en)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn member_care_keywords_are_a_setting() {
        let found = check_with(
            RULE,
            "[check.rules.business-over-community]\nmember_care_keywords = [\"eventos\"]\n",
            &[(
                "eventos.md",
                &page(
                    "es",
                    "guide",
                    "tags = [\"eventos\"]",
                    "Compra ya tu entrada.",
                ),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn honest_member_care_pages_do_not_fire() {
        let index = "+++\ntitle = \"Moderación\"\nlang = \"es\"\n+++\nPlaybooks y plantillas para moderar: [hilos](hilo.md), [reportes](reportes.md?page=2#inicio).\n";
        let template = page(
            "es",
            "template",
            "tags = [\"moderación\"]\ndescription = \"Respuestas\"",
            "## Cuándo adaptar {#when-to-adapt}\n\nAjusta el tono a la persona.\n\n\
             ```text\nHola, [nombre]: hemos retirado tu mensaje en [hilo] porque [motivo].\n```\n",
        );
        let mut table = String::from("| Situación | Qué hacer |\n|---|---|\n");
        for row in [
            "| Conversación que se calienta | Recuerda la norma y convierte el hilo en un espacio de preguntas |",
            "| Reporte de acoso | Escala a trust-and-safety por el [canal privado](https://example.org/reportar?lang=es) |",
            "| Petición de datos de otro miembro | Di que no y explica por qué |",
        ] {
            table.push_str(row);
            table.push('\n');
        }
        let reference = page(
            "es",
            "guide",
            "tags = [\"moderación\", \"escalada\"]",
            &table,
        );
        let checklist = page(
            "en",
            "guide",
            "tags = [\"onboarding\"]",
            "- [ ] Greet the newcomer by name within a day\n- [ ] Point them to one thread where they can help\n- [ ] Tell them whom to ask\n",
        );
        let found = check(
            RULE,
            &[
                ("moderacion/_index.md", index),
                ("moderacion/respuestas.md", &template),
                ("moderacion/tabla.md", &reference),
                ("acogida.en.md", &checklist),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
