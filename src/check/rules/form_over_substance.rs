//! `form-over-substance`: substance over form. A page that is mostly
//! presentation — headings, bold, badges and emoji around a few sentences —
//! looks finished but tells the reader little; a page with "TODO" or
//! "por definir" in it is not finished at all.
//!
//! Four checks, each shaped to stay quiet on pages that are legitimately
//! light on prose:
//!
//! - **Decoration density**: headings, emphasis, strong, images and badges,
//!   emoji, horizontal rules, empty list items and empty table cells per 100
//!   words of prose. Table cells count as prose, so a table-heavy reference
//!   stays well under the threshold; a handful of decorations on a tiny page
//!   is left to the word-count check.
//! - **Too little prose for the type**: fewer words than the type's
//!   `min_words` (`[types.<type>]` in `site.toml`). Section indexes (which
//!   point elsewhere) and short, substantive checklists (most of the prose in
//!   list items that each say something) are exempt.
//! - **Placeholders**: `TODO`, `TBD`, `FIXME`, `PENDIENTE` (in capitals: in
//!   Spanish "todo" and "pendiente" are ordinary words), "lorem ipsum",
//!   "por definir", "to be determined", and instructions in brackets such as
//!   `[insert link]`. Code blocks and inline code are mentions, not
//!   placeholders; bracketed fill-ins are the point of a `type = "template"`
//!   page and of a message quoted inside a playbook, so they are skipped there.
//! - **Presentation-heavy front matter**: several presentation keys (hero,
//!   banner, icon, color, cover, emoji…) and no `description` saying what the
//!   page is for.
//!
//! Section indexes (`_index.md`) are only checked for placeholders. Words are
//! counted so that other writing systems are judged fairly: Chinese and
//! Japanese characters count two to a word, and the prose of MyST directives
//! (```` ```{note} ````) counts as prose. The parser keeps only table cells
//! with text, so empty cells are counted on the source lines of the rows it
//! found. Thresholds are settings of `[check.rules.form-over-substance]`.

use std::collections::BTreeSet;

use crate::check::text::{
    find_word, has_any_word, locate, source_span, word_count, words_in, Folded,
};
use crate::check::{Bilingual, Lang, PageCheck, Rule};
use crate::content::Page;
use crate::markdown::{words, Block, BlockKind, LinkKind};
use crate::slug::fold;

pub struct FormOverSubstance;

/// Decorations per 100 words of prose above which a page is "mostly
/// presentation". Measured on the example content and three real knowledge
/// bases: the example pages sit at 2–3, the Contributor Covenant's codes of
/// conduct at 3–5, the Open Source Guides at most 9 (translations with bold
/// lead-ins and emoji on every bullet), and the densest honest pages — The
/// Turing Way's resource lists, a bold title per entry — at 13. 15 keeps
/// those clear, while a page of headings and bold around a few sentences
/// (four headings and four bold lead-ins over 50 words is 16) still fires.
const MAX_DECORATION_PER_100_WORDS: f64 = 15.0;

/// Fewest decorations before the density is judged at all: below this a
/// short page's ratio is noise (two headings over eight words is "25 per
/// 100" but says nothing). Shortness itself is the `min_words` check's job.
const MIN_DECORATIONS: f64 = 8.0;

/// Presentation keys in the front matter, without a description, that make
/// a page "dressed up": one image or icon is normal; two or more and no word
/// about what the page is for is a landing page without a purpose.
const MIN_PRESENTATION_KEYS: f64 = 2.0;

/// A checklist is exempt from `min_words` when at least this many list items
/// carry most of its prose…
const CHECKLIST_MIN_ITEMS: f64 = 5.0;

/// …and each says something: at least this many words on average (a bare
/// "Logo", "Colores", "Banner" list is not a substantive checklist). Four
/// words is the shortest full instruction ("Pausa las publicaciones
/// programadas").
const CHECKLIST_MIN_WORDS_PER_ITEM: f64 = 4.0;

/// Placeholder tokens that only count in capitals: "todo" and "pendiente"
/// are everyday Spanish words, "TODO" and "PENDIENTE" are notes to self.
const CAPITAL_TOKENS: &[&str] = &["TODO", "TBD", "TBC", "FIXME", "PENDIENTE"];

/// Placeholder phrases in any case (folded: lowercase, no accents).
const PHRASES: &[&str] = &[
    "lorem ipsum",
    "fixme",
    "tbd",
    "texto de relleno",
    "placeholder text",
    "insert text here",
];

/// Phrases that are a placeholder only when they fill a slot on their own
/// ("Fecha: por definir.", "(to be completed)") or end a short block
/// ("Sección por completar."): inside a sentence they are ordinary words
/// ("gracias por completar el formulario", "tasks that need to be
/// completed, so…", "por escribir mejor").
const SLOT_PHRASES: &[&str] = &[
    "por definir",
    "por completar",
    "por rellenar",
    "por redactar",
    "por escribir",
    "pendiente de redactar",
    "pendiente de escribir",
    "pendiente de completar",
    "to be determined",
    "to be defined",
    "to be written",
    "to be completed",
    "to be added",
    "to be confirmed",
];

/// Phrases that are a placeholder only when they are all a block says
/// ("## Escalada" followed by "Próximamente."): inside a sentence they are
/// ordinary words ("próximamente publicaremos el calendario").
const SHORT_BLOCK_PHRASES: &[&str] = &[
    "proximamente",
    "en construccion",
    "coming soon",
    "under construction",
    "work in progress",
];

/// How many words a block may have for [`SHORT_BLOCK_PHRASES`] to count.
const SHORT_BLOCK_WORDS: usize = 5;

/// First words of an instruction left in brackets: `[insert link]`,
/// `[añadir ejemplo]`, `[write the steps here]`.
const BRACKET_VERBS: &[&str] = &[
    "insert",
    "insertar",
    "inserta",
    "add",
    "anadir",
    "anade",
    "write",
    "escribe",
    "escribir",
    "redactar",
    "redacta",
    "fill",
    "rellenar",
    "rellena",
    "completar",
    "completa",
    "placeholder",
    "todo",
    "tbd",
];

/// Front-matter keys (or parts of keys: `hero_image`, `theme-color`) that
/// only dress a page up.
const PRESENTATION_KEYS: &[&str] = &[
    "hero",
    "banner",
    "icon",
    "color",
    "colour",
    "cover",
    "emoji",
    "image",
    "thumbnail",
    "background",
    "gradient",
    "badge",
    "splash",
    "featured",
    "logo",
];

/// Keys that say what a page is for, besides `description`.
const PURPOSE_KEYS: &[&str] = &["purpose", "summary", "proposito", "resumen", "objetivo"];

impl Rule for FormOverSubstance {
    fn id(&self) -> &'static str {
        "form-over-substance"
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Lo que ayuda a quien lee es el contenido, no el envoltorio: una página llena de títulos, negritas y huecos sin rellenar parece terminada pero no dice qué hacer ni por qué.",
            en: "What helps readers is the content, not the wrapping: a page full of headings, bold and unfilled gaps looks finished but does not say what to do or why.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Páginas que son sobre todo presentación (decoración por cada 100 palabras), con menos texto del que pide su tipo, con marcadores sin rellenar (TODO, «por definir», [insertar…]) o con un front matter de portada sin descripción.",
            en: "Pages that are mostly presentation (decoration per 100 words), with less prose than their type asks for, with unfilled placeholders (TODO, \"to be determined\", [insert…]) or with cover-page front matter and no description.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &[
            "max_decoration_per_100_words",
            "min_decorations",
            "min_presentation_keys",
            "checklist_min_items",
            "checklist_min_words_per_item",
        ]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        placeholders(check);
        if check.page.is_section_index {
            // An index points to other pages: its headings and short text are
            // navigation, and a hero image is what a landing page is for.
            return;
        }
        // Counted on first need, once: both checks may ask.
        let words = std::cell::OnceCell::new();
        let prose = || *words.get_or_init(|| prose_words(check.page));
        decoration(check, &prose);
        too_little_prose(check, &prose);
        presentation_front_matter(check);
    }
}

/// What decorates a page, counted.
#[derive(Debug, Default)]
struct Decoration {
    headings: usize,
    emphasis: usize,
    images: usize,
    badges: usize,
    emoji: usize,
    rules: usize,
    empty: usize,
}

impl Decoration {
    fn of(page: &Page) -> Decoration {
        let doc = &page.doc;
        let badges = doc
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Image && is_badge(&l.dest))
            .count();
        Decoration {
            headings: doc.headings.iter().filter(|h| !h.is_title).count(),
            emphasis: doc.stats.emphasis + doc.stats.strong,
            images: doc.stats.images.saturating_sub(badges),
            badges,
            emoji: doc
                .blocks
                .iter()
                .filter(|b| b.kind != BlockKind::Code)
                .map(|b| emoji_count(doc.text(b)))
                .sum(),
            rules: doc.stats.rules,
            empty: doc.stats.empty_items + empty_table_cells(page),
        }
    }

    fn total(&self) -> usize {
        self.headings
            + self.emphasis
            + self.images
            + self.badges
            + self.emoji
            + self.rules
            + self.empty
    }

    /// The non-zero counts, largest first, in the reader's language.
    fn describe(&self, lang: Lang) -> String {
        let mut parts = [
            (self.headings, lang.pick("encabezados", "headings")),
            (
                self.emphasis,
                lang.pick("énfasis o negritas", "emphasis or bold"),
            ),
            (self.images, lang.pick("imágenes", "images")),
            (self.badges, lang.pick("insignias", "badges")),
            (self.emoji, "emoji"),
            (
                self.rules,
                lang.pick("líneas horizontales", "horizontal rules"),
            ),
            (
                self.empty,
                lang.pick(
                    "elementos de lista o celdas vacíos",
                    "empty list items or cells",
                ),
            ),
        ];
        parts.sort_by_key(|p| std::cmp::Reverse(p.0));
        parts
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, what)| format!("{n} {what}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn decoration(check: &mut PageCheck<'_>, prose_words: &dyn Fn() -> usize) {
    let page = check.page;
    let found = Decoration::of(page);
    let total = found.total();
    if (total as f64) < check.settings.number("min_decorations", MIN_DECORATIONS) {
        return;
    }
    let words = prose_words();
    let per_100 = total as f64 * 100.0 / words.max(1) as f64;
    let max = check
        .settings
        .number("max_decoration_per_100_words", MAX_DECORATION_PER_100_WORDS);
    if per_100 <= max {
        return;
    }
    let lang = check.lang;
    let what = found.describe(lang);
    check.on_page(
        lang.pick(
            format!("la página es sobre todo presentación: {total} elementos decorativos ({what}) para {words} palabras de texto, {per_100:.0} por cada 100 (máximo {max:.0})"),
            format!("the page is mostly presentation: {total} decorations ({what}) for {words} words of prose, {per_100:.0} per 100 (at most {max:.0})"),
        ),
        lang.pick(
            "escribe lo que falta en frases completas (qué hacer, por qué, qué hacer si no encaja) y quita encabezados, negritas, insignias o emoji que no ayuden a leer".to_string(),
            "write what is missing in full sentences (what to do, why, what to do when it does not fit) and drop headings, bold, badges or emoji that do not help the reader".to_string(),
        ),
    );
}

fn too_little_prose(check: &mut PageCheck<'_>, prose_words: &dyn Fn() -> usize) {
    let page = check.page;
    let (Some(spec), Some(kind)) = (check.spec, page.kind()) else {
        return;
    };
    let Some(min) = spec.min_words else {
        return;
    };
    let words = prose_words();
    if words >= min || is_substantive_checklist(check) {
        return;
    }
    let lang = check.lang;
    check.at_key(
        "type",
        lang.pick(
            format!("esta página tiene {words} palabras de texto y un {kind} necesita al menos {min}"),
            format!("this page has {words} words of prose and a {kind} needs at least {min}"),
        ),
        lang.pick(
            "explica el contexto, el porqué de cada paso y qué hacer cuando no encaja; si la página solo enlaza a otras, conviértela en el `_index.md` de su sección".to_string(),
            "explain the context, why each step matters and what to do when it does not fit; if the page only links to others, make it its section's `_index.md`".to_string(),
        ),
    );
}

/// Most of the prose in list items, enough of them, each saying something.
fn is_substantive_checklist(check: &PageCheck<'_>) -> bool {
    let prose: Vec<&Block> = check
        .page
        .doc
        .blocks
        .iter()
        .filter(|b| {
            matches!(
                b.kind,
                BlockKind::Paragraph | BlockKind::ListItem | BlockKind::TableCell
            )
        })
        .collect();
    let items: Vec<&Block> = prose
        .iter()
        .copied()
        .filter(|b| b.kind == BlockKind::ListItem)
        .collect();
    let min_items = check
        .settings
        .number("checklist_min_items", CHECKLIST_MIN_ITEMS);
    let min_words = check
        .settings
        .number("checklist_min_words_per_item", CHECKLIST_MIN_WORDS_PER_ITEM);
    let item_words: usize = items
        .iter()
        .map(|b| word_count(check.page.doc.text(b)))
        .sum();
    let all_words: usize = prose
        .iter()
        .map(|b| word_count(check.page.doc.text(b)))
        .sum();
    items.len() as f64 >= min_items
        && item_words * 2 >= all_words
        && item_words as f64 >= min_words * items.len() as f64
}

/// [`PHRASES`], [`SLOT_PHRASES`] and [`SHORT_BLOCK_PHRASES`] in one list.
pub(super) static ALL_PHRASES: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| {
        PHRASES
            .iter()
            .chain(SLOT_PHRASES)
            .chain(SHORT_BLOCK_PHRASES)
            .copied()
            .collect()
    });

fn placeholders(check: &mut PageCheck<'_>) {
    let page = check.page;
    let template = page.kind() == Some("template");
    let mut seen = BTreeSet::new();
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    // One pass over the page first, for the three lists at once: most pages
    // have none of these phrases.
    let lists: [&[&str]; 3] = [PHRASES, SLOT_PHRASES, SHORT_BLOCK_PHRASES];
    let mentioned = check.text.words_in(&ALL_PHRASES);
    let [has_phrases, has_slots, has_short] =
        lists.map(|list| mentioned.iter().any(|w| list.contains(w)));
    // Placeholders in capitals are matched in the source as written.
    let has_capitals = has_any_word(&page.source.text, CAPITAL_TOKENS);
    for block in page
        .doc
        .blocks
        .iter()
        .filter(|b| b.kind != BlockKind::Code || is_directive(page, b))
    {
        let text = page.doc.text(block);
        // In a heading written in capitals ("TODO LO QUE NECESITAS SABER")
        // a capital "TODO" is just a word.
        let tokens = if has_capitals && has_any_word(text, CAPITAL_TOKENS) && !shouting(text) {
            CAPITAL_TOKENS
        } else {
            &[][..]
        };
        for token in tokens {
            if let Some((at, width)) = locate_exact(page, block, token) {
                found.push((at, width, token.to_string()));
            }
        }
        // Folded once per page for every rule: borrowing it costs nothing.
        let folded = page.doc.folded(block);
        if has_phrases {
            for phrase in words_in(&folded, PHRASES) {
                let (at, width) = locate(page, block, phrase);
                found.push((at, width, quote(text, phrase)));
            }
        }
        let short = (has_slots || has_short) && word_count(text) <= SHORT_BLOCK_WORDS;
        let slots = if has_slots {
            words_in(&folded, SLOT_PHRASES)
        } else {
            Vec::new()
        };
        for phrase in slots {
            if fills_slot(&folded, phrase, short) {
                let (at, width) = locate(page, block, phrase);
                found.push((at, width, quote(text, phrase)));
            }
        }
        if short && has_short {
            for phrase in words_in(&folded, SHORT_BLOCK_PHRASES) {
                let (at, width) = locate(page, block, phrase);
                found.push((at, width, quote(text, phrase)));
            }
        }
        // A fill-in is the point of a template, and of a message quoted
        // inside a playbook for the reader to complete.
        if !template && !block.in_quote {
            for verb in bracket_instructions(&folded) {
                let (at, width) = locate(page, block, &format!("[{verb}"));
                let source = &page.source.text;
                let width = source[at..]
                    .find(']')
                    .filter(|&end| end < 120 && !source[at..at + end].contains('\n'))
                    .map(|end| source[at..=at + end].chars().count())
                    .unwrap_or(width);
                found.push((at, width, source_slice(page, at, width)));
            }
        }
    }
    for (at, width, word) in found {
        if in_inline_code(page, at) || !seen.insert(at) {
            continue;
        }
        let lang = check.lang;
        check.at_offset(
            at,
            width,
            lang.pick(
                format!("marcador sin rellenar: «{word}»"),
                format!("unfilled placeholder: \"{word}\""),
            ),
            lang.pick(
                "escribe el contenido que falta o, si aún no se sabe, di qué se sabe y quién lo decidirá; si la página no está lista, márcala `draft = true`; si es una plantilla para rellenar, decláralo con `type = \"template\"`".to_string(),
                "write the missing content or, if it is not known yet, say what is known and who will decide; if the page is not ready, mark it `draft = true`; if it is a template meant to be filled in, declare `type = \"template\"`".to_string(),
            ),
        );
    }
}

/// Whether `phrase` occurs in folded `text` where a value should be: between
/// a label (start, `:`, `(`, `[`, a dash, a table bar) and the end of the
/// clause (end, `.`, `,`, `;`, `)`, `]`) — or, in a short block, just before
/// the end of the clause.
fn fills_slot(text: &str, phrase: &str, short: bool) -> bool {
    let mut from = 0;
    while let Some((start, end)) = find_word(&text[from..], phrase) {
        let (start, end) = (from + start, from + end);
        let before = text[..start].trim_end().chars().next_back();
        let after = text[end..].trim_start().chars().next();
        let opens =
            before.is_none_or(|c| matches!(c, ':' | '(' | '[' | '-' | '–' | '—' | '|' | '*' | '_'));
        let closes =
            after.is_none_or(|c| matches!(c, '.' | ',' | ';' | ')' | ']' | '*' | '_' | '!'));
        if closes && (opens || short) {
            return true;
        }
        from = end;
    }
    false
}

/// A block of three or more words written mostly in capitals.
fn shouting(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    let capitals = text.chars().filter(|c| c.is_uppercase()).count();
    word_count(text) >= 3 && capitals * 10 >= letters * 6
}

/// `token` in capitals, as a whole word, in the source of `block`.
fn locate_exact(page: &Page, block: &Block, token: &str) -> Option<(usize, usize)> {
    let has = |text: &str| {
        text.match_indices(token)
            .find(|(i, _)| at_word_boundary(text, *i, token.len()))
            .map(|(i, _)| i)
    };
    has(page.doc.text(block))?;
    let i = has(source_span(page, block))?;
    Some((block.offset + i, token.chars().count()))
}

fn at_word_boundary(text: &str, start: usize, len: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text[..start].chars().next_back().is_none_or(|c| !word(c))
        && text[start + len..].chars().next().is_none_or(|c| !word(c))
}

/// Instruction verbs that open a bracket in folded text: `[insert`, `[añadir`.
fn bracket_instructions(folded: &str) -> Vec<&'static str> {
    let mut verbs = Vec::new();
    for (i, _) in folded.match_indices('[') {
        let rest = &folded[i + 1..];
        let first: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if let Some(verb) = BRACKET_VERBS.iter().find(|v| **v == first) {
            if !verbs.contains(verb) {
                verbs.push(*verb);
            }
        }
    }
    verbs
}

/// Whether the source at `at` sits inside inline code on its line
/// (`TODO` written as a mention).
fn in_inline_code(page: &Page, at: usize) -> bool {
    let source = &page.source.text;
    let line_start = source[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    source[line_start..at].matches('`').count() % 2 == 1
}

/// The words a phrase matched, as the block says them (the source may spell
/// them with HTML entities or Markdown in between).
fn quote(text: &str, phrase: &str) -> String {
    Folded::new(text)
        .find(phrase)
        .map(|(start, end)| text[start..end].to_string())
        .unwrap_or_else(|| phrase.to_string())
}

fn source_slice(page: &Page, at: usize, width: usize) -> String {
    page.source.text[at..].chars().take(width).collect()
}

fn presentation_front_matter(check: &mut PageCheck<'_>) {
    let meta = &check.page.meta;
    let described = meta
        .description
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty())
        || meta
            .extra
            .keys()
            .any(|k| PURPOSE_KEYS.contains(&fold(k).as_str()));
    if described {
        return;
    }
    let keys: Vec<&String> = meta
        .extra
        .keys()
        .filter(|k| {
            fold(k)
                .split(['_', '-', '.'])
                .any(|part| PRESENTATION_KEYS.contains(&part))
        })
        .collect();
    let min = check
        .settings
        .number("min_presentation_keys", MIN_PRESENTATION_KEYS);
    if (keys.len() as f64) < min || keys.is_empty() {
        return;
    }
    let first = keys
        .iter()
        .find(|k| meta.lines.contains_key(k.as_str()))
        .map(|k| k.as_str())
        .unwrap_or("extra");
    let list = keys
        .iter()
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let lang = check.lang;
    check.at_key(
        first,
        lang.pick(
            format!("el front matter tiene campos de presentación ({list}) y ninguna descripción de para qué sirve la página"),
            format!("the front matter has presentation fields ({list}) and no description of what the page is for"),
        ),
        lang.pick(
            "añade `description = \"…\"` con una frase sobre a quién ayuda la página y para qué; quita los campos visuales que la plantilla no use".to_string(),
            "add `description = \"…\"` with one sentence on whom the page helps and with what; drop visual fields the theme does not use".to_string(),
        ),
    );
}

/// Words of prose: paragraphs, list items, table cells and the prose of
/// MyST directives (```` ```{note} ````, ```` ```{glossary} ````), which are
/// fenced like code but read as text. Chinese and Japanese are written
/// without spaces, so their characters count two to a word — about the
/// average word length in both — instead of a whole sentence counting as one.
fn prose_words(page: &Page) -> usize {
    // Paragraphs, items and cells were counted as the page was parsed.
    let directives: usize = page
        .doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Code && is_directive(page, b))
        .map(|b| words::count(page.doc.text(b)).prose)
        .sum();
    page.doc.stats.prose_words + directives
}

/// A fenced block whose info string is `{name}`: a MyST directive, prose.
fn is_directive(page: &Page, block: &Block) -> bool {
    let rest = page.source.text[block.offset..].trim_start();
    let rest = rest.trim_start_matches(['`', '~']);
    block.kind == BlockKind::Code && rest.starts_with('{')
}

fn is_badge(dest: &str) -> bool {
    let dest = dest.to_ascii_lowercase();
    [
        "shields.io",
        "badgen.net",
        "badge",
        "travis-ci.",
        "codecov.io",
    ]
    .iter()
    .any(|b| dest.contains(b))
}

/// How many characters of `text` are [`is_emoji`]. Each of them is led in
/// UTF-8 by byte 0xE2 (U+2000–U+2FFF) or 0xF0 (U+10000–U+3FFFF), bytes that
/// only ever start a character: only those places are decoded.
fn emoji_count(text: &str) -> usize {
    memchr::memchr2_iter(0xE2, 0xF0, text.as_bytes())
        .filter(|&at| text[at..].chars().next().is_some_and(is_emoji))
        .count()
}

/// Pictographic emoji and dingbats (✅, 🚀, ⭐), not letters or punctuation.
fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0x2300..=0x23FF)
}

/// Table cells with nothing in them. The parser keeps only cells with text,
/// so the rows are read from the source lines that hold those cells.
fn empty_table_cells(page: &Page) -> usize {
    let source = &page.source.text;
    let rows: BTreeSet<usize> = page
        .doc
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::TableCell)
        .map(|b| source[..b.offset].rfind('\n').map(|i| i + 1).unwrap_or(0))
        .collect();
    rows.into_iter()
        .map(|start| {
            let line = source[start..].lines().next().unwrap_or("");
            let row = line.trim().trim_start_matches(['>', ' ']).trim();
            let row = row.strip_prefix('|').unwrap_or(row);
            let row = row.strip_suffix('|').unwrap_or(row);
            let mut empty = 0;
            let mut cell = String::new();
            let mut chars = row.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        cell.push(c);
                        if let Some(n) = chars.next() {
                            cell.push(n);
                        }
                    }
                    '|' => {
                        empty += usize::from(cell.trim().is_empty());
                        cell.clear();
                    }
                    _ => cell.push(c),
                }
            }
            empty + usize::from(cell.trim().is_empty())
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{check, check_with, page};
    use proptest::prelude::*;

    /// The definition the fast count must agree with.
    fn emoji_as_defined(text: &str) -> usize {
        text.chars().filter(|&c| super::is_emoji(c)).count()
    }

    #[test]
    fn the_fast_count_agrees_with_its_definition_on_tricky_text() {
        for text in crate::markdown::words::tests::TRICKY {
            assert_eq!(super::emoji_count(text), emoji_as_defined(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn the_fast_count_agrees_with_its_definition(text in "(\\PC|\\s|[a-zñá ]){0,60}") {
            prop_assert_eq!(super::emoji_count(&text), emoji_as_defined(&text));
        }

        #[test]
        fn the_fast_count_agrees_on_any_string(text in any::<String>()) {
            prop_assert_eq!(super::emoji_count(&text), emoji_as_defined(&text));
        }
    }

    const RULE: &str = "form-over-substance";

    /// Headings, bold, emoji, a badge, a rule and empty items around two words.
    const DRESSED_UP: &str = "## 🚀 Bienvenida\n\n**Hola** ✨\n\n## 🎯 Objetivos\n\n**Crecer** 🎉\n\n---\n\n## 📣 Canales\n\n![estado](https://img.shields.io/badge/estado-activo-green)\n\n-\n-\n";

    #[test]
    fn mostly_presentation_fires_in_both_languages() {
        let es = check(RULE, &[("a.md", &page("es", "", "", DRESSED_UP))]);
        assert_eq!(es.len(), 1, "{es:?}");
        assert_eq!(es[0].line, 1);
        assert!(
            es[0].message.contains("sobre todo presentación")
                && es[0].message.contains("3 encabezados"),
            "{}",
            es[0].message
        );
        assert!(es[0].message.contains("1 insignias"), "{}", es[0].message);
        let en = check(RULE, &[("a.md", &page("en", "", "", DRESSED_UP))]);
        assert_eq!(en.len(), 1, "{en:?}");
        assert!(
            en[0].message.contains("mostly presentation"),
            "{}",
            en[0].message
        );
        assert!(en[0].message.contains("5 emoji"), "{}", en[0].message);
    }

    #[test]
    fn a_bracketed_instruction_alone_is_found() {
        // No other placeholder phrase on the page: the bracket must be found
        // on its own (it was only seen beside another phrase once).
        let body = "Para reportar un incidente, escribe a [insert contact method] y espera respuesta en dos días laborables como máximo.\n";
        let found = check(RULE, &[("a.md", &page("es", "", "", body))]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].message.contains("[insert contact method]"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn the_density_threshold_is_a_setting() {
        let found = check_with(
            RULE,
            "[check.rules.form-over-substance]\nmax_decoration_per_100_words = 1000\n",
            &[("a.md", &page("es", "", "", DRESSED_UP))],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn too_little_prose_for_the_type_points_at_the_type() {
        let es = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "es",
                    "guide",
                    "",
                    "Cuando alguien se queja, respóndele pronto y con amabilidad.",
                ),
            )],
        );
        assert_eq!(es.len(), 1, "{es:?}");
        assert_eq!(es[0].line, 3);
        assert!(
            es[0].message.contains("9 palabras") && es[0].message.contains("al menos 150"),
            "{}",
            es[0].message
        );
        let en = check(
            RULE,
            &[(
                "a.md",
                &page("en", "playbook", "", "Reply quickly and kindly."),
            )],
        );
        assert_eq!(en.len(), 1, "{en:?}");
        assert!(
            en[0].message.contains("a playbook needs at least 200"),
            "{}",
            en[0].message
        );
    }

    #[test]
    fn placeholders_are_flagged_at_the_word() {
        let es = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "es",
                    "",
                    "",
                    "Fecha del encuentro: por definir.\n\nTODO: escribir los pasos.\n\nContacto [insertar dirección de rol].\n",
                ),
            )],
        );
        let lines: Vec<(usize, usize)> = es.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(lines, vec![(7, 22), (9, 1), (11, 10)], "{es:?}");
        assert!(es[0].message.contains("«por definir»"), "{}", es[0].message);
        assert!(es[1].message.contains("«TODO»"));
        assert!(
            es[2].message.contains("«[insertar dirección de rol]»"),
            "{}",
            es[2].message
        );
        let en = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "en",
                    "",
                    "",
                    "## Owner\n\nTBD\n\nLorem ipsum dolor sit amet.\n\nSee [add the escalation link here].\n",
                ),
            )],
        );
        let lines: Vec<usize> = en.iter().map(|d| d.line).collect();
        assert_eq!(lines, vec![9, 11, 13], "{en:?}");
        assert!(en[0].message.contains("\"TBD\""), "{}", en[0].message);
        assert!(en[1].message.contains("\"Lorem ipsum\""));
    }

    #[test]
    fn ordinary_words_and_mentions_are_not_placeholders() {
        let es = page(
            "es",
            "",
            "",
            "Todo el mundo puede escribir. Gracias por completar el formulario; queda pendiente la respuesta. \
             Nadie recibe otra decisión por escribir mejor. Busca `TODO` en el repositorio antes de publicar.\n\n\
             ## TODO LO QUE NECESITAS SABER\n\n\
             ```text\nTODO: esto es código\n```\n",
        );
        let en = page(
            "en",
            "",
            "",
            "Blog posts are meant to be written regularly. List the tasks that need to be completed, so newcomers can help.\n\n\
             > We will reply before [insert time].\n",
        );
        let found = check(RULE, &[("a.md", &es), ("b.en.md", &en)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn presentation_front_matter_without_description_is_flagged() {
        let found = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "en",
                    "",
                    "hero = \"hero.png\"\nbanner = \"banner.png\"\ntheme_color = \"#ff0066\"",
                    "People who arrive are greeted by a volunteer in their first week.",
                ),
            )],
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 7);
        assert!(
            found[0].message.contains("`banner`, `hero`, `theme_color`"),
            "{}",
            found[0].message
        );
        let described = check(
            RULE,
            &[(
                "a.md",
                &page(
                    "es",
                    "",
                    "description = \"Cómo recibimos a quien llega\"\nhero = \"hero.png\"\nbanner = \"banner.png\"",
                    "Una persona voluntaria saluda a quien llega durante su primera semana.",
                ),
            )],
        );
        assert!(described.is_empty(), "{described:?}");
    }

    #[test]
    fn index_pages_do_not_fire() {
        let index = "+++\ntitle = \"Playbooks\"\nlang = \"es\"\nhero = \"hero.png\"\nbanner = \"b.png\"\n+++\n\
                     ## 🚨 Crisis\n\n- [Primera hora](crisis.md)\n\n## 🔥 Hilos\n\n- [Hilo caliente](hilo.md)\n\n\
                     ## 🎉 Eventos\n\n- [Eventos](eventos.md)\n\n---\n\n## 📚 Más\n\n**Todo** _aquí_.\n";
        let found = check(RULE, &[("playbooks/_index.md", index)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_real_response_template_does_not_fire() {
        let body = "Estas respuestas ahorran tiempo en la estructura para dedicarlo a la persona. Los huecos entre corchetes, \
                    como [nombre] o [insertar enlace al mensaje], se rellenan siempre antes de enviar.\n\n\
                    ## Cuándo adaptar {#when-to-adapt}\n\n\
                    Ninguna plantilla se envía tal cual: ajusta el registro a cómo te escribe la persona, añade una frase propia \
                    sobre su caso y, si el caso no encaja, escribe desde cero. Lo que no cambia es la decisión, la norma y la vía \
                    de apelación, para que todo el mundo reciba el mismo trato.\n\n\
                    ## Advertencia {#warning}\n\n\
                    ```text\nHola, [nombre]:\n\nTe escribo por tu mensaje en [hilo]. TODO: quitar esta línea.\n```\n\n\
                    > Hola, [nombre]: [insertar el motivo concreto].\n";
        let found = check(
            RULE,
            &[(
                "respuestas.md",
                &page(
                    "es",
                    "template",
                    "description = \"Respuestas de moderación\"",
                    body,
                ),
            )],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_table_heavy_reference_does_not_fire() {
        let mut body = String::from(
            "Quién atiende cada tipo de incidente, en qué plazo y por qué canal. Usa siempre direcciones de rol.\n\n\
             ## Contactos {#contacts}\n\n| Situación | A quién avisar | Plazo | Notas |\n|---|---|---|---|\n",
        );
        for (what, who) in [
            (
                "Denuncia de acoso o de conducta",
                "trust-and-safety por el canal privado",
            ),
            (
                "Datos personales expuestos en público",
                "privacidad y seguridad a la vez",
            ),
            (
                "Implicaciones legales posibles",
                "el equipo legal antes de publicar",
            ),
            (
                "Preguntas de periodistas o medios",
                "prensa antes de responder nada",
            ),
            (
                "Caída del servicio sin explicar",
                "la guardia de ingeniería en turno",
            ),
            (
                "Amenazas creíbles contra alguien",
                "trust-and-safety y la guardia",
            ),
            (
                "Spam masivo o cuentas falsas",
                "moderación de turno en el canal",
            ),
            (
                "Conflicto dentro del equipo",
                "la persona responsable del equipo",
            ),
        ] {
            body.push_str(&format!(
                "| {what} | {who} | En menos de una hora | Deja constancia en el registro de casos |\n"
            ));
        }
        body.push_str("| Otra situación | Quien coordine el turno | | |\n");
        let found = check(
            RULE,
            &[(
                "contactos.md",
                &page("es", "guide", "description = \"Contactos\"", &body),
            )],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_short_substantive_checklist_does_not_fire() {
        let body = "Repasa esta lista antes de cerrar el turno.\n\n## Antes de cerrar el turno {#checklist}\n\n\
                    - [ ] Los casos abiertos tienen responsable y siguiente paso\n\
                    - [ ] El registro de casos recoge lo que decidiste y por qué\n\
                    - [ ] Quien entra de guardia sabe qué hilos vigilar\n\
                    - [ ] Las personas afectadas saben cuándo volverán a saber de nosotros\n\
                    - [ ] Las publicaciones programadas siguen en pausa si hay una crisis\n\
                    - [ ] Has avisado a quien corresponde según la hoja de escalada\n";
        let found = check(
            RULE,
            &[(
                "cierre.md",
                &page("es", "guide", "description = \"Cierre de turno\"", body),
            )],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn cjk_prose_is_not_counted_as_one_word_per_sentence() {
        let body = "## 行为准则\n\n**我们的承诺**：身为社区成员、贡献者和领袖，我们承诺使社区参与者不受骚扰，无论其年龄、体型、可见或不可见的缺陷、族裔、性征、性别认同和表达、经验水平、教育程度、社会与经济地位、国籍、相貌、种族、种姓、肤色、宗教信仰、性倾向或性取向如何。\n\n\
                    ## 我们的标准\n\n**积极行为**：体贴和善待他人。尊重不同的意见、观点和经验。提供并大方接受建设性的反馈。\n\n\
                    ## 执行\n\n**举报**：可以向负责执行的社区领袖举报辱骂、骚扰或其他不可接受的行为。\n\n## 范围\n\n## 指南\n";
        let found = check(RULE, &[("a.md", &page("zh-cn", "", "", body))]);
        assert!(found.is_empty(), "{found:?}");
    }
}
