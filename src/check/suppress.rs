//! Suppressions: a writer who disagrees with a finding says so in the page,
//! with a reason, and the finding goes away.
//!
//! - `<!-- cmkb-disable rule-id -- reason -->` … `<!-- cmkb-enable rule-id -->`
//! - `<!-- cmkb-disable-next-line rule-id -- reason -->`
//! - `<!-- cmkb-disable-file rule-id -- reason -->`
//! - front matter: `cmkb-disable = ["rule-id -- reason"]` (the whole file)
//!
//! Several ids may be listed, separated by commas or spaces. A suppression
//! without a reason, naming an unknown rule, or suppressing nothing is
//! itself a finding (rule `suppression`): silenced warnings must stay honest.

use std::cell::Cell;

use crate::check::Lang;
use crate::content::Site;
use crate::diagnostic::{Diagnostic, Severity};

/// Findings that can never be suppressed: they describe files cmkb could not
/// read or would overwrite.
const UNSUPPRESSIBLE: &[&str] = &["read-error", "duplicate-url", "suppression"];

#[derive(Debug)]
enum Scope {
    File,
    /// From this line until the matching `cmkb-enable` (or the end).
    Lines(usize, usize),
    Line(usize),
}

#[derive(Debug)]
struct Suppression {
    rules: Vec<String>,
    scope: Scope,
    line: usize,
    used: Cell<bool>,
}

/// Drops suppressed findings and adds findings about the suppressions.
pub fn apply(
    site: &Site,
    pages: &[usize],
    found: Vec<Diagnostic>,
    is_off: impl Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let mut by_path: std::collections::HashMap<&std::path::Path, Vec<Suppression>> =
        Default::default();
    let mut out = Vec::new();
    for &i in pages {
        let page = &site.pages[i];
        let mut list = Vec::new();
        let lang = Lang::of(&page.lang);
        let mut problem = |line: usize, message: String| {
            out.push(
                page.diagnostic_at_line("suppression", Severity::Warning, line, message)
                    .help(lang.pick(
                        "escribe `<!-- cmkb-disable id-de-regla -- motivo -->`: el motivo explica a quien revise por qué la regla no aplica aquí",
                        "write `<!-- cmkb-disable rule-id -- reason -->`: the reason tells reviewers why the rule does not apply here",
                    ).to_string()),
            );
        };
        for entry in &page.meta.disable {
            let line = page.meta.line_of("cmkb-disable");
            if let Some(s) = parse(entry, Scope::File, line, lang, &mut problem) {
                list.push(s);
            }
        }
        for comment in &page.doc.comments {
            let Some(rest) = comment.text.strip_prefix("cmkb-") else {
                continue;
            };
            let (line, _) = page.line_col(comment.offset);
            let end_line = line + comment.text.matches('\n').count();
            let (kind, body) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            match kind {
                "disable-file" => {
                    if let Some(s) = parse(body, Scope::File, line, lang, &mut problem) {
                        list.push(s);
                    }
                }
                "disable-next-line" => {
                    let next = (end_line + 1..=page.source.line_count())
                        .find(|&l| !page.source.line_text(l).trim().is_empty())
                        .unwrap_or(end_line + 1);
                    if let Some(s) = parse(body, Scope::Line(next), line, lang, &mut problem) {
                        list.push(s);
                    }
                }
                "disable" => {
                    if let Some(s) = parse(body, Scope::Lines(line, usize::MAX), line, lang, &mut problem) {
                        list.push(s);
                    }
                }
                "enable" => {
                    let ids = ids_of(body.split(" -- ").next().unwrap_or(""));
                    for s in list.iter_mut().rev() {
                        if let Scope::Lines(start, end) = &mut s.scope {
                            if *end == usize::MAX && (ids.is_empty() || s.rules.iter().any(|r| ids.contains(r))) {
                                *end = line;
                                let _ = start;
                            }
                        }
                    }
                }
                other => problem(
                    line,
                    lang.pick(
                        format!("`cmkb-{other}` no es una supresión; usa cmkb-disable, cmkb-disable-next-line, cmkb-disable-file o cmkb-enable"),
                        format!("`cmkb-{other}` is not a suppression; use cmkb-disable, cmkb-disable-next-line, cmkb-disable-file or cmkb-enable"),
                    ),
                ),
            }
        }
        if !list.is_empty() {
            by_path.insert(page.source.path.as_path(), list);
        }
    }

    let mut kept: Vec<Diagnostic> = found
        .into_iter()
        .filter(|d| {
            if UNSUPPRESSIBLE.contains(&d.rule.as_str()) {
                return true;
            }
            let Some(list) = by_path.get(d.path.as_path()) else {
                return true;
            };
            let hit = list.iter().find(|s| {
                s.rules.iter().any(|r| r == &d.rule || r == "all")
                    && match s.scope {
                        Scope::File => true,
                        Scope::Lines(start, end) => d.line >= start && d.line < end,
                        Scope::Line(line) => d.line == line,
                    }
            });
            match hit {
                Some(s) => {
                    s.used.set(true);
                    false
                }
                None => true,
            }
        })
        .collect();

    for &i in pages {
        let page = &site.pages[i];
        let Some(list) = by_path.get(page.source.path.as_path()) else {
            continue;
        };
        let lang = Lang::of(&page.lang);
        for s in list.iter().filter(|s| !s.used.get()) {
            if s.rules.iter().any(|r| is_off(r)) {
                continue;
            }
            out.push(
                page.diagnostic_at_line(
                    "suppression",
                    Severity::Warning,
                    s.line,
                    lang.pick(
                        format!(
                            "esta supresión de `{}` no silencia ningún hallazgo",
                            s.rules.join(", ")
                        ),
                        format!(
                            "this suppression of `{}` silences nothing",
                            s.rules.join(", ")
                        ),
                    ),
                )
                .help(
                    lang.pick(
                        "quítala: el problema ya no está, o la regla nunca lo señaló aquí",
                        "remove it: the problem is gone, or the rule never flagged this place",
                    )
                    .to_string(),
                ),
            );
        }
    }
    kept.extend(out);
    kept
}

fn ids_of(text: &str) -> Vec<String> {
    text.split([',', ' ', '\t', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse(
    body: &str,
    scope: Scope,
    line: usize,
    lang: Lang,
    problem: &mut impl FnMut(usize, String),
) -> Option<Suppression> {
    let (ids, reason) = match body.split_once("--") {
        Some((ids, reason)) => (ids, reason.trim()),
        None => (body, ""),
    };
    let rules = ids_of(ids);
    if rules.is_empty() {
        problem(
            line,
            lang.pick(
                "esta supresión no nombra ninguna regla",
                "this suppression names no rule",
            )
            .into(),
        );
        return None;
    }
    for rule in &rules {
        if rule != "all" && !crate::config::RULE_IDS.contains(&rule.as_str()) {
            let suggestion = crate::config::suggest(rule, crate::config::RULE_IDS);
            problem(
                line,
                lang.pick(
                    format!("`{rule}` no es un id de regla{suggestion}"),
                    format!("`{rule}` is not a rule id{suggestion}"),
                ),
            );
            return None;
        }
    }
    if reason.is_empty() {
        problem(
            line,
            lang.pick(
                format!(
                    "esta supresión de `{}` no da ningún motivo",
                    rules.join(", ")
                ),
                format!("this suppression of `{}` gives no reason", rules.join(", ")),
            ),
        );
        // Without a reason it does not suppress: the finding stays visible.
        return None;
    }
    Some(Suppression {
        rules,
        scope,
        line,
        used: Cell::new(false),
    })
}
