//! A small thesaurus of community-management ideas, in Spanish and English.
//!
//! People search for the idea, not the word the page happens to use: a
//! moderator types "sanciones" while the policy says "consecuencias", or
//! "mental health" while the guide says "burnout". Each group below holds
//! words for one idea; a query word in a group also looks for the others, at
//! a lower weight than the word itself (see `search.js`). Groups are folded
//! (lowercase, no accents) and kept to words whose meaning in community work
//! is unambiguous, so the expansion adds recall without noise.

pub const GROUPS: &[&[&str]] = &[
    &[
        "sancion",
        "sanciones",
        "consecuencia",
        "consecuencias",
        "penalty",
        "penalties",
        "consequence",
        "consequences",
        "enforcement",
        "medidas",
    ],
    &[
        "expulsion",
        "expulsar",
        "ban",
        "banear",
        "veto",
        "vetar",
        "expel",
    ],
    &["aviso", "advertencia", "warning", "warn"],
    &[
        "apelacion",
        "apelar",
        "recurrir",
        "recurso",
        "appeal",
        "appeals",
    ],
    &[
        "burnout",
        "agotamiento",
        "quemado",
        "quemada",
        "desgaste",
        "exhaustion",
        "exhausted",
    ],
    &[
        "salud",
        "bienestar",
        "wellbeing",
        "wellness",
        "health",
        "equilibrio",
        "balance",
    ],
    &[
        "descanso",
        "desconectar",
        "desconexion",
        "vacaciones",
        "break",
        "rest",
        "vacation",
        "disconnect",
    ],
    &[
        "ingresos",
        "income",
        "dinero",
        "money",
        "financiacion",
        "funding",
        "fund",
        "patrocinio",
        "sponsorship",
        "sponsor",
        "donaciones",
        "donations",
        "pagar",
        "paid",
        "monetizar",
        "monetize",
        "monetise",
    ],
    &[
        "flame",
        "caliente",
        "acalorado",
        "acalorada",
        "heated",
        "toxico",
        "toxica",
        "toxic",
        "conflicto",
        "conflict",
        "pelea",
        "fight",
    ],
    &[
        "acoso",
        "harassment",
        "hostigamiento",
        "bullying",
        "abuse",
        "abuso",
    ],
    &[
        "denuncia",
        "denunciar",
        "reporte",
        "reportar",
        "report",
        "reporting",
        "queja",
        "complaint",
    ],
    &[
        "incorporacion",
        "onboarding",
        "bienvenida",
        "welcome",
        "recien",
        "newcomer",
        "newcomers",
        "novatos",
    ],
    &[
        "voluntario",
        "voluntarios",
        "voluntariado",
        "volunteer",
        "volunteers",
    ],
    &["mentor", "mentoria", "mentoring", "mentorship", "tutoria"],
    &[
        "guardia", "guardias", "turno", "turnos", "on-call", "oncall", "shift", "shifts",
        "rotacion", "rotation",
    ],
    &["traspaso", "relevo", "handover", "handoff"],
    &["crisis", "emergencia", "emergency", "incidente", "incident"],
    &["escalar", "escalada", "escalado", "escalation", "escalate"],
    &[
        "privacidad",
        "privacy",
        "confidencial",
        "confidential",
        "confidencialidad",
        "confidentiality",
    ],
    &[
        "evento",
        "eventos",
        "event",
        "events",
        "meetup",
        "encuentro",
        "quedada",
        "conferencia",
        "conference",
    ],
    &[
        "encuesta",
        "survey",
        "feedback",
        "opinion",
        "retroalimentacion",
    ],
    &[
        "metricas",
        "metrics",
        "indicadores",
        "kpi",
        "estadisticas",
        "statistics",
        "analytics",
    ],
    &["licencia", "license", "licence", "licensing"],
    &[
        "contribuir",
        "contribucion",
        "contribution",
        "contribute",
        "contributor",
        "colaborar",
        "colaborador",
    ],
    &[
        "gobernanza",
        "governance",
        "liderazgo",
        "leadership",
        "decisiones",
        "decision",
    ],
    &["rechazar", "declinar", "decline", "reject", "negarse"],
    &["spam", "bots", "bot", "fake", "falsas", "falsos"],
    &[
        "accesibilidad",
        "accessibility",
        "a11y",
        "inclusivo",
        "inclusive",
        "inclusion",
    ],
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_folded_and_have_no_stop_words() {
        for group in GROUPS {
            assert!(group.len() >= 2);
            for word in *group {
                assert_eq!(*word, crate::slug::fold(word), "{word} is not folded");
                assert!(!crate::search::tokenize::is_stop_word(word), "{word}");
            }
        }
    }
}
