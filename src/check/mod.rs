//! `cmkb check`: the guidance checks.
//!
//! Each rule is one file under `rules/`, implementing [`Rule`]: its id, the
//! principle it protects (in Spanish and English), its thresholds and its
//! checks. Rules read the parsed [`Site`] — front matter with lines, headings,
//! links and text blocks with positions — and never read or parse files again.
//! They run in parallel over pages.
//!
//! The engine adds what every rule shares: severities and thresholds from
//! `site.toml`, ignored paths, suppression comments, and the rule's "why" in
//! the page's language.

pub mod report;
pub mod rules;
mod suppress;
pub mod text;

use globset::{Glob, GlobSet, GlobSetBuilder};
use rayon::prelude::*;

use crate::config::{Config, TypeSpec};
use crate::content::{Page, Site};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::error::{Error, Result};

/// A page's language, for messages and keywords: Spanish for `es*`,
/// English for everything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Es,
    En,
}

impl Lang {
    pub fn of(code: &str) -> Lang {
        if code == "es" || code.starts_with("es-") {
            Lang::Es
        } else {
            Lang::En
        }
    }

    pub fn pick<T>(self, es: T, en: T) -> T {
        match self {
            Lang::Es => es,
            Lang::En => en,
        }
    }
}

/// A text in both languages.
#[derive(Debug, Clone, Copy)]
pub struct Bilingual {
    pub es: &'static str,
    pub en: &'static str,
}

impl Bilingual {
    pub fn get(&self, lang: Lang) -> &'static str {
        lang.pick(self.es, self.en)
    }
}

pub trait Rule: Send + Sync {
    /// The stable kebab-case id: SARIF, suppressions and `site.toml` use it.
    fn id(&self) -> &'static str;
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    /// The principle, in one sentence: shown as the "why" of every finding.
    fn why(&self) -> Bilingual;
    /// What the rule flags, for `--format sarif` rule descriptions.
    fn description(&self) -> Bilingual;
    /// The names of the thresholds `[check.rules.<id>]` may set.
    fn settings(&self) -> &'static [&'static str] {
        &[]
    }
    /// Checks one page. Called for every checked page, in parallel.
    fn check_page(&self, _check: &mut PageCheck<'_>) {}
    /// Checks what spans pages (translations). Called once.
    fn check_site(&self, _check: &mut SiteCheck<'_>) {}
    /// Whether this rule looks at a page's prose (and so honours
    /// `[check] ignore`). Structural rules always apply.
    fn guidance(&self) -> bool {
        true
    }
}

/// A rule's thresholds from `[check.rules.<id>]`.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub(crate) table: Option<&'a toml::Table>,
}

impl Settings<'_> {
    pub fn number(&self, key: &str, default: f64) -> f64 {
        match self.table.and_then(|t| t.get(key)) {
            Some(toml::Value::Integer(i)) => *i as f64,
            Some(toml::Value::Float(f)) => *f,
            _ => default,
        }
    }

    pub fn list(&self, key: &str) -> Option<Vec<String>> {
        let items = self.table?.get(key)?.as_array()?;
        Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
        )
    }
}

/// What a rule sees of one page, and where it puts its findings.
pub struct PageCheck<'a> {
    pub site: &'a Site,
    pub page: &'a Page,
    pub lang: Lang,
    /// The page's content type, when it has a declared one.
    pub spec: Option<&'a TypeSpec>,
    pub settings: Settings<'a>,
    /// The page's text as the whole-page word lists read it, shared by the
    /// rules so it is read once.
    pub text: &'a text::PageText<'a>,
    rule: &'a dyn Rule,
    found: Vec<Diagnostic>,
}

impl<'a> PageCheck<'a> {
    fn finding(&self, line: usize, column: usize, message: String) -> Diagnostic {
        Diagnostic::new(
            self.rule.id(),
            self.rule.default_severity(),
            &self.page.source.path,
            message,
        )
        .at(line, column)
    }

    /// A finding at a byte offset of the file, underlining `width` characters.
    pub fn at_offset(&mut self, offset: usize, width: usize, message: String, help: String) {
        let d = self
            .page
            .diagnostic_at(
                self.rule.id(),
                self.rule.default_severity(),
                offset,
                width,
                message,
            )
            .help(help);
        self.found.push(d);
    }

    /// A finding on a whole line.
    pub fn at_line(&mut self, line: usize, message: String, help: String) {
        let d = self
            .page
            .diagnostic_at_line(self.rule.id(), self.rule.default_severity(), line, message)
            .help(help);
        self.found.push(d);
    }

    /// Like [`PageCheck::at_key`], at a severity other than the rule's
    /// default (a rule may flag a likely typo more softly than a missing field).
    pub fn at_key_as(&mut self, severity: Severity, key: &str, message: String, help: String) {
        let before = self.found.len();
        self.at_key(key, message, help);
        for d in &mut self.found[before..] {
            d.severity = severity;
        }
    }

    /// A finding about a front-matter field: at its line, or at the top of
    /// the file when the field is missing.
    pub fn at_key(&mut self, key: &str, message: String, help: String) {
        match self.page.meta.lines.get(key) {
            Some(&line) => self.at_line(line, message, help),
            None => self.on_page(message, help),
        }
    }

    /// A finding about the page as a whole, shown at its first line.
    pub fn on_page(&mut self, message: String, help: String) {
        let d = self.finding(1, 1, message).help(help);
        self.found.push(d);
    }
}

/// What a rule sees of the whole site, for rules that span pages.
pub struct SiteCheck<'a> {
    pub site: &'a Site,
    pub pages: &'a [usize],
    pub settings: Settings<'a>,
    rule: &'a dyn Rule,
    found: Vec<Diagnostic>,
}

impl SiteCheck<'_> {
    pub fn lang_of(&self, page: &Page) -> Lang {
        Lang::of(&page.lang)
    }

    pub fn at_line(&mut self, page: &Page, line: usize, message: String, help: String) {
        let d = page
            .diagnostic_at_line(self.rule.id(), self.rule.default_severity(), line, message)
            .help(help);
        self.found.push(d);
    }
}

/// The rules, configured for a site.
pub struct Checker {
    rules: Vec<Box<dyn Rule>>,
    ignore: GlobSet,
}

impl Checker {
    /// Validates `[check]` against the rules' settings.
    pub fn new(config: &Config) -> Result<Checker> {
        let rules = rules::all();
        let (path, text) = config
            .source
            .clone()
            .unwrap_or_else(|| (crate::config::CONFIG_FILE.into(), String::new()));
        for (id, table) in &config.check.rules {
            let known: Vec<&str> = rules
                .iter()
                .find(|r| r.id() == id)
                .map(|r| r.settings().to_vec())
                .unwrap_or_default();
            for key in table.keys() {
                if key != "severity" && !known.contains(&key.as_str()) {
                    let mut candidates = known.clone();
                    candidates.push("severity");
                    return Err(Error::Config {
                        path: path.clone(),
                        line: crate::config::line_of_key(&text, key),
                        message: format!(
                            "unknown setting `{key}` for rule `{id}`{}",
                            crate::config::suggest(key, &candidates)
                        ),
                    });
                }
            }
        }
        let mut ignore = GlobSetBuilder::new();
        for pattern in &config.check.ignore {
            let glob = Glob::new(pattern).map_err(|e| Error::Config {
                path: path.clone(),
                line: crate::config::line_of_key(&text, "ignore"),
                message: format!("`{pattern}` in [check] ignore is not a valid pattern: {e}"),
            })?;
            ignore.add(glob);
        }
        let ignore = ignore.build().map_err(|e| Error::Config {
            path: path.clone(),
            line: crate::config::line_of_key(&text, "ignore"),
            message: format!("[check] ignore: {e}"),
        })?;
        Ok(Checker { rules, ignore })
    }

    pub fn rules(&self) -> &[Box<dyn Rule>] {
        &self.rules
    }

    /// Runs every rule over the site's included pages, adds the site's own
    /// load diagnostics, applies suppressions and severities, and sorts.
    ///
    /// The rules of a page share its folded text, kept with the page's
    /// document while they read it; nothing after the checks reads it, so it
    /// is freed batch by batch instead of piling up for the whole site (56 MB
    /// at 10,000 pages). `serve`, which keeps its site between edits, calls
    /// [`Checker::page_findings`] and [`Checker::finish`] itself.
    pub fn run(&self, site: &mut Site) -> Vec<Diagnostic> {
        // Big enough that the batches' ends, where a core may wait for the
        // other's last page, cost nothing measurable.
        const BATCH: usize = 512;
        let pages: Vec<usize> = site.included_pages().map(|(i, _)| i).collect();
        let mut found = Vec::new();
        for batch in pages.chunks(BATCH) {
            found.append(&mut self.page_findings(site, batch));
            for &i in batch {
                site.pages[i].doc.release_folded();
            }
        }
        let load: Vec<Diagnostic> = site.diagnostics.par_iter().cloned().collect();
        self.finish(site, &pages, found, load)
    }

    /// What the rules find looking at each of `pages` alone, before
    /// suppressions and severities. They read only their page and the
    /// configuration, so `serve` keeps these between edits and runs them
    /// again for the pages that changed.
    pub fn page_findings(&self, site: &Site, pages: &[usize]) -> Vec<Diagnostic> {
        let config = &site.config;
        pages
            .par_iter()
            .flat_map_iter(|&i| {
                let page = &site.pages[i];
                let ignored = self.ignore.is_match(&page.rel_path);
                let spec = page.kind().and_then(|k| config.types.get(k));
                let mut out = Vec::new();
                let page_text = text::PageText::new(page);
                for rule in self.rules.iter().filter(|r| !ignored || !r.guidance()) {
                    if is_off(config, rule.id()) {
                        continue;
                    }
                    let mut check = PageCheck {
                        site,
                        page,
                        lang: Lang::of(&page.lang),
                        spec,
                        settings: settings(config, rule.id()),
                        text: &page_text,
                        rule: rule.as_ref(),
                        found: Vec::new(),
                    };
                    rule.check_page(&mut check);
                    out.append(&mut check.found);
                }
                out
            })
            .collect()
    }

    /// The rest of a check of `pages`, given what [`Checker::page_findings`]
    /// found on them and the load diagnostics to report with them: the rules
    /// that span pages (so `pages` must hold whole translation groups),
    /// masking, the why, suppressions, severities and order.
    pub fn finish(
        &self,
        site: &Site,
        pages: &[usize],
        mut found: Vec<Diagnostic>,
        load: impl IntoIterator<Item = Diagnostic>,
    ) -> Vec<Diagnostic> {
        let config = &site.config;
        for rule in &self.rules {
            if is_off(config, rule.id()) {
                continue;
            }
            let mut check = SiteCheck {
                site,
                pages,
                settings: settings(config, rule.id()),
                rule: rule.as_ref(),
                found: Vec::new(),
            };
            rule.check_site(&mut check);
            found.append(&mut check.found);
        }
        found.extend(load);
        // Whatever a finding quotes, it never repeats a member's details.
        rules::personal_data::mask_all(&mut found, settings(config, "personal-data"));
        self.explain(site, pages, &mut found);
        let mut found = suppress::apply(site, pages, found, |id| is_off(config, id));
        crate::build::apply_severities(&mut found, config);
        diagnostic::sort(&mut found);
        found.dedup();
        found
    }

    /// Adds each finding's "why", in its page's language.
    fn explain(&self, site: &Site, pages: &[usize], found: &mut [Diagnostic]) {
        // The checked pages' languages; every page's only when a finding is
        // about another file (so checking a few pages stays cheap).
        fn lang_of(p: &Page) -> (&std::path::Path, Lang) {
            (p.source.path.as_path(), Lang::of(&p.lang))
        }
        let mut langs: std::collections::HashMap<&std::path::Path, Lang> =
            pages.iter().map(|&i| lang_of(&site.pages[i])).collect();
        if found
            .iter()
            .any(|d| d.why.is_none() && !langs.contains_key(d.path.as_path()))
        {
            langs.extend(site.pages.iter().map(lang_of));
        }
        found
            .par_iter_mut()
            .filter(|d| d.why.is_none())
            .for_each(|d| {
                let lang = langs
                    .get(d.path.as_path())
                    .copied()
                    .unwrap_or_else(|| Lang::of(&site.config.default_language));
                if let Some(rule) = self.rules.iter().find(|r| r.id() == d.rule) {
                    d.why = Some(rule.why().get(lang).to_string());
                }
            });
    }
}

fn settings<'a>(config: &'a Config, id: &str) -> Settings<'a> {
    Settings {
        table: config.check.rules.get(id),
    }
}

fn is_off(config: &Config, id: &str) -> bool {
    config
        .check
        .rules
        .get(id)
        .and_then(|t| t.get("severity"))
        .and_then(|v| v.as_str())
        == Some("off")
}

/// `cmkb check`: loads every page — internal pages and drafts included,
/// since guidance is checked before it is published — and runs the rules.
/// Returns the findings and the rules (for SARIF's catalogue).
pub fn check_site(
    root: &std::path::Path,
    today: jiff::civil::Date,
) -> Result<(Vec<Diagnostic>, Checker)> {
    let config = Config::load(root)?;
    let theme = crate::theme::Theme::load(root, &config.theme)?;
    let checker = Checker::new(&config)?;
    let options = crate::BuildOptions {
        root: root.to_path_buf(),
        output_dir: None,
        base_url: None,
        audience: crate::content::Audience {
            internal: true,
            drafts: true,
        },
        today,
    };
    let output_dir = root.join(&config.output_dir);
    let mut site =
        crate::build::load_site(root, config, &theme, &options, Some(output_dir), false)?;
    let found = checker.run(&mut site);
    Ok((found, checker))
}

#[cfg(test)]
mod tests {
    use crate::check::rules::tests::{load, page};

    /// `build` and `check` run the rules in batches and free each batch's
    /// folded text; `serve` finds each page's findings, then finishes, over
    /// the whole site at once. Over three batches of pages, the two find the
    /// same things in the same order.
    #[test]
    fn checking_in_batches_finds_what_checking_at_once_finds() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("site.toml"), "").expect("site.toml");
        let bodies = [
            "# Spam\n\nYou must always delete spam immediately. Never reply.\n\n[guide](nope.md)",
            "# Acoso\n\nSiempre hay que borrar el mensaje. Nunca respondas.\n\nLlama al +34 612 345 678.",
            "# Bienvenida\n\nSaluda a cada persona nueva y pregúntale qué busca.",
        ];
        for i in 0..1100 {
            let (lang, body) = match i % 3 {
                0 => ("en", bodies[0]),
                1 => ("es", bodies[1]),
                _ => ("es", bodies[2]),
            };
            let path = dir.path().join(format!("content/p{}/page-{i}.md", i % 7));
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, page(lang, "playbook", "", body)).expect("write");
        }
        let (checker, mut site) = load(dir.path());
        let pages: Vec<usize> = site.included_pages().map(|(i, _)| i).collect();
        let found = checker.page_findings(&site, &pages);
        let at_once = checker.finish(&site, &pages, found, site.diagnostics.iter().cloned());
        let in_batches = checker.run(&mut site);
        let rules: std::collections::BTreeSet<&str> =
            at_once.iter().map(|d| d.rule.as_str()).collect();
        assert!(
            rules.len() >= 3,
            "too few rules fired to compare: {rules:?}"
        );
        assert!(at_once.len() > 1100, "{} findings", at_once.len());
        assert_eq!(at_once, in_batches);
    }
}
