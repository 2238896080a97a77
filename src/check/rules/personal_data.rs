//! `personal-data`: protect members' information. A member's e-mail address,
//! phone number, national ID (DNI/NIE, check letter validated), bank account
//! (IBAN, mod-97 validated) or `@handle` named next to an incident ("reported",
//! "sancionado") on a public page is an error: pasted from a case into a
//! guide, it would be published to everyone.
//!
//! Role addresses (`conduct@`, `comunidad@` …) and example domains are not
//! personal. Code blocks are scanned too: that is where logs get pasted.
//!
//! Every match is masked (`a***@e***.org`) wherever cmkb prints it — this
//! rule's findings and any other finding whose source line carries it — so
//! a CI log never repeats what the rule is protecting. See [`mask_all`].

use crate::check::{Bilingual, PageCheck, Rule, Settings};
use crate::content::Visibility;
use crate::diagnostic::{Diagnostic, Severity};
use crate::markdown::Block;
use rayon::prelude::*;

pub struct PersonalData;

/// Local parts of shared, role-based mailboxes: writing to them reaches a
/// team, not a person. Extend with `role_addresses` in `[check.rules.personal-data]`.
const ROLE_ADDRESSES: &[&str] = &[
    "abuse",
    "admin",
    "ayuda",
    "comunicacion",
    "communications",
    "community",
    "comunidad",
    "conduct",
    "contact",
    "contacto",
    "dpo",
    "equipo",
    "eventos",
    "events",
    "guardia",
    "hello",
    "help",
    "hola",
    "info",
    "legal",
    "moderacion",
    "moderation",
    "moderators",
    "no-reply",
    "noreply",
    "ombuds",
    "oncall",
    "on-call",
    "postmaster",
    "prensa",
    "press",
    "privacidad",
    "privacy",
    "security",
    "seguridad",
    "soporte",
    "support",
    "team",
    "trust-and-safety",
    "trust",
    "webmaster",
];

/// Domains reserved for examples (RFC 2606) and documentation.
const EXAMPLE_DOMAINS: &[&str] = &["example.com", "example.org", "example.net", "example.es"];
const EXAMPLE_SUFFIXES: &[&str] = &[".example", ".test", ".invalid", ".localhost"];

/// Words that turn an @handle into a person named in a case: sanctions and
/// the passive "was reported". Plain "reported" is left out — "@ana reported
/// a bug" is how open-source writing credits people.
const INCIDENT_WORDS: &[&str] = &[
    "banned",
    "baneado",
    "baneada",
    "suspended",
    "suspendido",
    "suspendida",
    "warned",
    "kicked",
    "expulsado",
    "expulsada",
    "blocked",
    "bloqueado",
    "bloqueada",
    "denunciado",
    "denunciada",
    "reportado",
    "reportada",
    "sancionado",
    "sancionada",
    "sanctioned",
    "harassed",
    "acosado",
    "acosada",
    "offender",
    "infractor",
    "infractora",
    "was reported",
    "fue reportado",
    "fue reportada",
];

/// How many characters around a handle an incident word may be.
const HANDLE_WINDOW: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Email,
    Phone,
    NationalId,
    Iban,
    Handle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: Kind,
    /// Byte range in the scanned text.
    pub start: usize,
    pub end: usize,
    pub masked: String,
}

pub struct Allow {
    roles: Vec<String>,
    domains: Vec<String>,
}

impl Allow {
    fn from(settings: Settings<'_>) -> Allow {
        let mut roles: Vec<String> = ROLE_ADDRESSES.iter().map(|s| s.to_string()).collect();
        roles.extend(settings.list("role_addresses").unwrap_or_default());
        let mut domains: Vec<String> = EXAMPLE_DOMAINS.iter().map(|s| s.to_string()).collect();
        domains.extend(settings.list("allowed_domains").unwrap_or_default());
        Allow { roles, domains }
    }

    fn email_allowed(&self, local: &str, domain: &str) -> bool {
        let local = local.to_ascii_lowercase();
        let domain = domain.to_ascii_lowercase();
        self.roles.contains(&local)
            || self
                .domains
                .iter()
                .any(|d| domain == *d || domain.ends_with(&format!(".{d}")))
            || EXAMPLE_SUFFIXES.iter().any(|s| domain.ends_with(s))
    }
}

impl Rule for PersonalData {
    fn id(&self) -> &'static str {
        "personal-data"
    }
    fn default_severity(&self) -> Severity {
        Severity::Error
    }
    fn guidance(&self) -> bool {
        false
    }
    fn why(&self) -> Bilingual {
        Bilingual {
            es: "Los datos de una persona de la comunidad no se publican: quien nos los confía debe poder contar con que no acaban en una guía pública.",
            en: "A member's details are never published: people who trust us with them must be able to count on them not ending up in a public guide.",
        }
    }
    fn description(&self) -> Bilingual {
        Bilingual {
            es: "Correos, teléfonos, DNI/NIE, IBAN y @usuarios junto a palabras de incidentes en páginas públicas.",
            en: "E-mail addresses, phone numbers, DNI/NIE, IBANs and @handles next to incident words on public pages.",
        }
    }
    fn settings(&self) -> &'static [&'static str] {
        &["role_addresses", "allowed_domains"]
    }
    fn check_page(&self, check: &mut PageCheck<'_>) {
        let page = check.page;
        if page.visibility != Visibility::Public {
            return;
        }
        let allow = Allow::from(check.settings);
        let mut reported: Vec<usize> = Vec::new();
        let lang = check.lang;
        let mut report = |check: &mut PageCheck<'_>, offset: usize, found: &Found, raw: &str| {
            if reported.contains(&offset) {
                return;
            }
            reported.push(offset);
            let what = match (found.kind, lang) {
                (Kind::Email, crate::check::Lang::Es) => "un correo personal",
                (Kind::Email, _) => "a personal e-mail address",
                (Kind::Phone, crate::check::Lang::Es) => "un número de teléfono",
                (Kind::Phone, _) => "a phone number",
                (Kind::NationalId, crate::check::Lang::Es) => "un DNI/NIE",
                (Kind::NationalId, _) => "a national ID number (DNI/NIE)",
                (Kind::Iban, crate::check::Lang::Es) => "una cuenta bancaria (IBAN)",
                (Kind::Iban, _) => "a bank account number (IBAN)",
                (Kind::Handle, crate::check::Lang::Es) => {
                    "el usuario de una persona junto a un incidente"
                }
                (Kind::Handle, _) => "a member's handle next to an incident",
            };
            check.at_offset(
                offset,
                raw.chars().count(),
                lang.pick(
                    format!("esta página pública contiene {what}: {}", found.masked),
                    format!("this public page contains {what}: {}", found.masked),
                ),
                lang.pick(
                    "quítalo o cámbialo por una dirección de rol (conduct@…) o un ejemplo (persona@example.org); si la página es para el equipo, márcala `visibility = \"internal\"`",
                    "remove it, or use a role address (conduct@…) or an example (person@example.org); if the page is for the team, mark it `visibility = \"internal\"`",
                )
                .to_string(),
            );
        };
        for block in &page.doc.blocks {
            let text = page.doc.text(block);
            for found in scan(text, &allow) {
                let raw = &text[found.start..found.end];
                let offset = locate_raw(&page.source.text, block, raw);
                report(check, offset, &found, raw);
            }
        }
        for link in &page.doc.links {
            let dest = link.dest.strip_prefix("mailto:").unwrap_or(&link.dest);
            for found in scan(dest, &allow) {
                let raw = &dest[found.start..found.end];
                let offset = page.source.text[link.offset..]
                    .find(raw)
                    .map(|i| link.offset + i)
                    .unwrap_or(link.offset);
                report(check, offset, &found, raw);
            }
        }
        for (key, value) in [
            ("title", page.meta.title.as_deref()),
            ("description", page.meta.description.as_deref()),
        ] {
            if let Some(value) = value {
                if let Some(found) = scan(value, &allow).into_iter().next() {
                    let line = page.meta.line_of(key);
                    let offset = page.source.text[..]
                        .match_indices(&value[found.start..found.end])
                        .map(|(i, _)| i)
                        .find(|&i| page.line_col(i).0 == line)
                        .unwrap_or(0);
                    let raw = value[found.start..found.end].to_string();
                    report(check, offset, &found, &raw);
                }
            }
        }
    }
}

/// Where a match from a block's text is in the source: the first occurrence
/// at or after the block's start.
fn locate_raw(source: &str, block: &Block, raw: &str) -> usize {
    source
        .get(block.offset..)
        .and_then(|rest| rest.find(raw))
        .map(|i| block.offset + i)
        .unwrap_or(block.offset)
}

/// Masks personal data in every finding's message, help and source line, so
/// no output format repeats it. Called by the engine on all findings.
pub fn mask_all(found: &mut [Diagnostic], settings: Settings<'_>) {
    let allow = Allow::from(settings);
    let mask = |text: &mut String| {
        let matches = scan(text, &allow);
        for m in matches.iter().rev() {
            text.replace_range(m.start..m.end, &m.masked);
        }
    };
    // A large site has tens of thousands of findings: masked in parallel.
    found.par_iter_mut().for_each(|d| {
        mask(&mut d.message);
        if let Some(help) = &mut d.help {
            mask(help);
        }
        if let Some(snippet) = &mut d.snippet {
            let before = snippet.text.chars().count();
            mask(&mut snippet.text);
            let after = snippet.text.chars().count();
            if after < before {
                snippet.width = snippet.width.min(
                    after
                        .saturating_sub(snippet.column.saturating_sub(1))
                        .max(1),
                );
            }
        }
    });
}

/// Every piece of personal data in a text.
pub fn scan(text: &str, allow: &Allow) -> Vec<Found> {
    let mut found = Vec::new();
    // Every kind needs a digit or an `@`; most blocks of prose have neither.
    if !has_digit_or_at(text.as_bytes()) {
        return found;
    }
    emails(text, allow, &mut found);
    numbers(text, &mut found);
    handles(text, &mut found);
    found.sort_by_key(|f| f.start);
    // Overlaps (an IBAN's digits also look like a phone): keep the first, longest.
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if kept.last().is_none_or(|k| f.start >= k.end) {
            kept.push(f);
        }
    }
    kept
}

/// Whether `bytes` hold an ASCII digit or an `@`, eight bytes at a time:
/// every block of every public page is asked, and a byte at a time this
/// question was half of the rule's time.
fn has_digit_or_at(bytes: &[u8]) -> bool {
    use crate::bytes::{find_flagged, HIGH_BITS, ONES};
    let flags = |x: u64| {
        // Each byte's low seven bits: additions below stay within the byte.
        // A byte with its high bit set is never a digit or `@` (`& !x`).
        let y = x & !HIGH_BITS;
        // At least '0' and not at least ':' (0x80 - 0x30, 0x80 - 0x3A).
        let digit = (y + 0x50 * ONES) & !(y + 0x46 * ONES);
        // Exactly '@': its XOR with '@' is zero, the only value that adding
        // 0x7F leaves without the high bit.
        let z = y ^ (0x40 * ONES);
        let at = !((z + 0x7F * ONES) | z);
        (digit | at) & !x
    };
    find_flagged(bytes, 0, flags, |b| b.is_ascii_digit() || b == b'@') < bytes.len()
}

/// IBANs, national ids and phone numbers, in that order. Each needs a digit
/// within its first three bytes, where a run of digits starts: an IBAN two
/// letters before the run, a NIE or a `+` one before, a DNI or a phone on
/// it. Only those places are tried, in order, instead of every byte once
/// for each kind (three passes over every block with a digit were most of
/// this rule's time).
fn numbers(text: &str, found: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    let (mut ibans, mut ids, mut phones) = (Vec::new(), Vec::new(), Vec::new());
    // Candidates below `tried` were tried; a phone search resumes at `phone_from`.
    let (mut tried, mut phone_from) = (0, 0);
    let mut i = 0;
    while let Some(run) = bytes[i..].iter().position(u8::is_ascii_digit) {
        let run = i + run;
        for start in run.saturating_sub(2).max(tried)..=run {
            tried = start + 1;
            ibans.extend(iban_at(text, start));
            ids.extend(national_id_at(text, start));
            if start >= phone_from {
                if let Some((phone, next)) = phone_at(text, start) {
                    phones.extend(phone);
                    phone_from = next;
                }
            }
        }
        i = run
            + bytes[run..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .count();
    }
    found.append(&mut ibans);
    found.append(&mut ids);
    found.append(&mut phones);
}

fn is_local_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'%' | b'+' | b'-')
}

fn is_domain_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-')
}

fn emails(text: &str, allow: &Allow, found: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    for at in memchr::memchr_iter(b'@', bytes) {
        let mut start = at;
        while start > 0 && is_local_char(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at + 1;
        while end < bytes.len() && is_domain_char(bytes[end]) {
            end += 1;
        }
        // A trailing dot ends the sentence, not the domain.
        while end > at + 1 && bytes[end - 1] == b'.' {
            end -= 1;
        }
        let local = text[start..at].trim_start_matches('.');
        let start = at - local.len();
        let domain = &text[at + 1..end];
        let Some((_, tld)) = domain.rsplit_once('.') else {
            continue;
        };
        if local.is_empty()
            || tld.len() < 2
            || !tld.bytes().all(|b| b.is_ascii_alphabetic())
            || domain.starts_with('.')
        {
            continue;
        }
        if allow.email_allowed(local, domain) {
            continue;
        }
        let first = |s: &str| s.chars().next().unwrap_or('*');
        found.push(Found {
            kind: Kind::Email,
            start,
            end,
            masked: format!("{}***@{}***.{tld}", first(local), first(domain)),
        });
    }
}

/// A phone number starting at `i` — a run of digits with the separators
/// phone numbers use — and where the search for the next one resumes;
/// `None` when no number can start at `i` (the search just moves on).
fn phone_at(text: &str, i: usize) -> Option<(Option<Found>, usize)> {
    let bytes = text.as_bytes();
    let starts_plus = bytes[i] == b'+';
    if !(starts_plus || bytes[i].is_ascii_digit())
        || (i > 0
            && (bytes[i - 1].is_ascii_alphanumeric()
                || matches!(bytes[i - 1], b'-' | b'/' | b'.' | b'_')))
    {
        return None;
    }
    let start = i;
    let mut end = i + usize::from(starts_plus);
    let mut digits = String::new();
    let mut groups: Vec<usize> = Vec::new();
    let mut run = 0;
    while end < bytes.len() {
        let c = bytes[end];
        if c.is_ascii_digit() {
            digits.push(c as char);
            run += 1;
            end += 1;
        } else if matches!(c, b' ' | b'-' | b'.')
            && run > 0
            && end + 1 < bytes.len()
            && bytes[end + 1].is_ascii_digit()
        {
            groups.push(run);
            run = 0;
            end += 1;
        } else {
            break;
        }
    }
    if run > 0 {
        groups.push(run);
    }
    let followed_ok = end >= bytes.len() || !bytes[end].is_ascii_alphanumeric();
    let is_phone = followed_ok
        && if starts_plus {
            (9..=15).contains(&digits.len()) && groups.len() >= 2
                || ((10..=15).contains(&digits.len()) && groups.len() == 1)
        } else {
            digits.len() == 9
                && matches!(digits.as_bytes()[0], b'6' | b'7' | b'8' | b'9')
                && matches!(
                    groups.as_slice(),
                    [9] | [3, 3, 3] | [3, 2, 2, 2] | [2, 3, 2, 2] | [3, 6]
                )
        };
    let phone = is_phone.then(|| {
        let masked: String = text[start..end]
            .chars()
            .enumerate()
            .map(|(k, c)| {
                let digits_after = text[start..end]
                    .chars()
                    .skip(k + 1)
                    .filter(char::is_ascii_digit)
                    .count();
                if c.is_ascii_digit() && digits_after >= 2 {
                    '*'
                } else {
                    c
                }
            })
            .collect();
        Found {
            kind: Kind::Phone,
            start,
            end,
            masked,
        }
    });
    Some((phone, end.max(i + 1)))
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter), kept only
/// when the check letter is right: random 8-digit numbers are not IDs.
fn national_id_at(text: &str, start: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let (prefix, digits_from) = match bytes[start] {
        b'X' | b'x' => (Some(0u32), start + 1),
        b'Y' | b'y' => (Some(1), start + 1),
        b'Z' | b'z' => (Some(2), start + 1),
        c if c.is_ascii_digit() => (None, start),
        _ => return None,
    };
    let wanted = if prefix.is_some() { 7 } else { 8 };
    let digits_end = digits_from + wanted;
    if digits_end >= bytes.len()
        || !bytes[digits_from..digits_end]
            .iter()
            .all(u8::is_ascii_digit)
    {
        return None;
    }
    let mut letter_at = digits_end;
    if matches!(bytes[letter_at], b'-' | b' ') && letter_at + 1 < bytes.len() {
        letter_at += 1;
    }
    let letter = bytes[letter_at].to_ascii_uppercase();
    if !letter.is_ascii_uppercase()
        || (letter_at + 1 < bytes.len() && bytes[letter_at + 1].is_ascii_alphanumeric())
    {
        return None;
    }
    let digits: u32 = std::str::from_utf8(&bytes[digits_from..digits_end])
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    let number = prefix.map(|p| p * 10_000_000 + digits).unwrap_or(digits);
    if DNI_LETTERS[(number % 23) as usize] != letter {
        return None;
    }
    let end = letter_at + 1;
    Some(Found {
        kind: Kind::NationalId,
        start,
        end,
        masked: format!(
            "{}{}{}",
            &text[start..start + 1],
            "*".repeat(end - start - 2),
            letter as char
        ),
    })
}

/// IBANs: country, check digits and account, spaces allowed, mod-97 checked.
fn iban_at(text: &str, start: usize) -> Option<Found> {
    let bytes = text.as_bytes();
    if start >= bytes.len().saturating_sub(4)
        || (start > 0 && bytes[start - 1].is_ascii_alphanumeric())
        || !(bytes[start].is_ascii_uppercase()
            && bytes[start + 1].is_ascii_uppercase()
            && bytes[start + 2].is_ascii_digit()
            && bytes[start + 3].is_ascii_digit())
    {
        return None;
    }
    let mut compact = String::new();
    let mut end = start;
    let mut last_good = None;
    while end < bytes.len() && compact.len() < 34 {
        let c = bytes[end];
        if c.is_ascii_alphanumeric() {
            compact.push(c.to_ascii_uppercase() as char);
            end += 1;
            if compact.len() >= 15
                && (end >= bytes.len() || !bytes[end].is_ascii_alphanumeric())
                && mod97(&compact) == 1
            {
                last_good = Some(end);
            }
        } else if c == b' ' && end + 1 < bytes.len() && bytes[end + 1].is_ascii_alphanumeric() {
            end += 1;
        } else {
            break;
        }
    }
    let end = last_good?;
    Some(Found {
        kind: Kind::Iban,
        start,
        end,
        masked: format!("{}****{}", &text[start..start + 4], &text[end - 2..end]),
    })
}

fn mod97(iban: &str) -> u32 {
    let rearranged = format!("{}{}", &iban[4..], &iban[..4]);
    let mut remainder = 0u32;
    for c in rearranged.chars() {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return 0,
        };
        for d in value.to_string().chars() {
            remainder = (remainder * 10 + d.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    remainder
}

/// [`INCIDENT_WORDS`], folded and compiled once.
static INCIDENT_SET: std::sync::LazyLock<crate::check::text::WordSet> =
    std::sync::LazyLock::new(|| {
        let folded: Vec<String> = INCIDENT_WORDS
            .iter()
            .map(|w| crate::slug::fold(w))
            .collect();
        crate::check::text::WordSet::new(&folded)
    });

fn handles(text: &str, found: &mut Vec<Found>) {
    // Most blocks have no `@` at all; folding them would be the whole cost.
    if memchr::memchr(b'@', text.as_bytes()).is_none() {
        return;
    }
    let folded = crate::slug::fold(text);
    if !INCIDENT_SET.contains(&folded) {
        return;
    }
    let bytes = text.as_bytes();
    for at in memchr::memchr_iter(b'@', bytes) {
        if at > 0
            && (bytes[at - 1].is_ascii_alphanumeric()
                || matches!(bytes[at - 1], b'.' | b'_' | b'-'))
        {
            continue; // part of an e-mail address
        }
        let mut end = at + 1;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric() || matches!(bytes[end], b'_' | b'.' | b'-'))
        {
            end += 1;
        }
        while end > at + 1 && matches!(bytes[end - 1], b'.' | b'-') {
            end -= 1;
        }
        if end - at < 3 {
            continue;
        }
        let lo = at.saturating_sub(HANDLE_WINDOW);
        let hi = (end + HANDLE_WINDOW).min(text.len());
        let (lo, hi) = (floor_boundary(text, lo), floor_boundary(text, hi));
        let near = crate::slug::fold(&text[lo..hi]);
        if INCIDENT_SET.contains(&near) {
            found.push(Found {
                kind: Kind::Handle,
                start: at,
                end,
                masked: format!("@{}***", &text[at + 1..at + 2]),
            });
        }
    }
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::rules::tests::{check, page};

    /// The three kinds as first written: every byte tried for each, one
    /// kind after the other. [`numbers`] tries only where a number can start.
    fn numbers_everywhere(text: &str) -> Vec<Found> {
        let mut found: Vec<Found> = (0..text.len()).filter_map(|s| iban_at(text, s)).collect();
        found.extend((0..text.len()).filter_map(|s| national_id_at(text, s)));
        let mut i = 0;
        while i < text.len() {
            match phone_at(text, i) {
                Some((phone, next)) => {
                    found.extend(phone);
                    i = next;
                }
                None => i += 1,
            }
        }
        found
    }

    fn numbers_tried_where_they_start(text: &str) -> Vec<Found> {
        let mut found = Vec::new();
        numbers(text, &mut found);
        found
    }

    #[test]
    fn numbers_are_found_where_they_start_as_when_every_byte_is_tried() {
        for text in [
            "",
            "ES91 2100 0418 4502 0005 1332 y 12345678Z",
            "X1234567L, +34 612 345 678, 612-345-678",
            "tel 612345678 o 6123456789 o a612345678",
            "+ 34 612345678 ++34612345678 +34 6 1 2 3 4 5 6 7 8",
            "ES9121000418450200051332ES91",
            "AB12 3 z1234567x 1.612345678 _612345678",
            "ñ612345678 ü12345678Z",
        ] {
            assert_eq!(
                numbers_tried_where_they_start(text),
                numbers_everywhere(text),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// Eight bytes at a time, the same answer as a byte at a time.
        #[test]
        fn the_digit_or_at_sign_test_agrees_with_a_byte_at_a_time(
            bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40),
            plain in "[a-z@0-9 :/\u{c0}\u{1c0}\u{3c0}]{0,40}",
        ) {
            for bytes in [&bytes[..], plain.as_bytes()] {
                proptest::prop_assert_eq!(
                    has_digit_or_at(bytes),
                    bytes.iter().any(|&b| b.is_ascii_digit() || b == b'@')
                );
            }
        }

        #[test]
        fn numbers_match_trying_every_byte_on_any_text(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    "[0-9 +.\\-/_XYZxyzESab\u{f1}]{0,12}",
                    "\\+?(34 ?)?[6-9][0-9]{2}[ .\\-]?[0-9]{3}[ .\\-]?[0-9]{3}",
                    "[XYZ]?[0-9]{7,8}[ \\-]?[A-Z]",
                    "ES[0-9]{2}( ?[0-9]{4}){5}",
                ],
                0..6,
            )
        ) {
            let text = parts.concat();
            proptest::prop_assert_eq!(
                numbers_tried_where_they_start(&text),
                numbers_everywhere(&text)
            );
        }
    }

    fn allow() -> Allow {
        Allow::from(Settings { table: None })
    }

    fn kinds(text: &str) -> Vec<(Kind, String)> {
        scan(text, &allow())
            .into_iter()
            .map(|f| (f.kind, f.masked))
            .collect()
    }

    #[test]
    fn emails_are_found_and_masked_but_role_and_example_addresses_are_not() {
        assert_eq!(
            kinds("Escribe a ana.perez@gmail.com."),
            [(Kind::Email, "a***@g***.com".to_string())]
        );
        assert!(kinds(
            "conduct@mozilla.org, comunidad@empresa.es, persona@example.org, x@host.test"
        )
        .is_empty());
    }

    #[test]
    fn phones_in_international_and_spanish_formats() {
        assert_eq!(
            kinds("Llama al +34 612 345 678 hoy")[0].1,
            "+** *** *** *78"
        );
        assert_eq!(kinds("móvil 612345678")[0].0, Kind::Phone);
        assert_eq!(kinds("fijo 91 123 45 67")[0].0, Kind::Phone);
        assert!(kinds("INC-2024-8637, 2026-09-01, 1.250.000 personas, 123 456 789 0").is_empty());
    }

    #[test]
    fn dni_and_nie_need_the_right_check_letter() {
        assert_eq!(kinds("DNI 12345678Z")[0].1, "1*******Z");
        assert!(kinds("DNI 12345678A").is_empty());
        assert_eq!(kinds("NIE X1234567L")[0].0, Kind::NationalId);
        assert!(kinds("NIE X1234567A").is_empty());
    }

    #[test]
    fn ibans_need_a_valid_checksum() {
        assert_eq!(
            kinds("IBAN ES91 2100 0418 4502 0005 1332 para el pago")[0].0,
            Kind::Iban
        );
        assert!(kinds("ES00 2100 0418 4502 0005 1332").is_empty());
    }

    #[test]
    fn handles_only_next_to_incident_words() {
        assert_eq!(kinds("@marta_g fue sancionada por acoso")[0].1, "@m***");
        assert_eq!(kinds("We banned @troll123 yesterday")[0].0, Kind::Handle);
        assert!(kinds("Follow @cmkb for news").is_empty());
        assert!(kinds("a user reported a Windows error, @berker responded").is_empty());
    }

    #[test]
    fn fires_on_public_pages_at_the_right_line_and_never_shows_the_data() {
        let es = page(
            "es",
            "",
            "",
            "Intro.\n\nContacta con ana.perez@gmail.com si hay dudas.\n",
        );
        let found = check("personal-data", &[("a.md", &es)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].line, 9);
        assert!(found[0].message.contains("a***@g***.com"));
        let shown = found[0].render_human(false);
        assert!(!shown.contains("ana.perez@gmail.com"), "{shown}");
        let en = page("en", "", "", "```\nreporter: +34 612 345 678\n```\n");
        let found = check("personal-data", &[("a.md", &en)]);
        assert!(
            found[0].message.contains("a phone number"),
            "code blocks are scanned"
        );
    }

    #[test]
    fn near_misses_do_not_fire() {
        let internal = page(
            "es",
            "",
            "visibility = \"internal\"",
            "Caso de ana.perez@gmail.com, DNI 12345678Z.\n",
        );
        let roles = page("en", "template", "", "Write to conduct@example.org or comunidad@nuestra.org.\n\n| Canal | Correo |\n|---|---|\n| Moderación | moderacion@nuestra.org |\n");
        let found = check(
            "personal-data",
            &[
                ("a.md", &internal),
                ("b.md", &roles),
                (
                    "_index.md",
                    "+++\ntitle = \"I\"\n+++\nSíguenos en @comunidad.\n",
                ),
            ],
        );
        assert!(found.is_empty(), "{found:?}");
    }
}
