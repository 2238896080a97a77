//! Incremental rebuilds: redo what a change requires, with the build's own stages.
//!
//! The rebuild thread keeps what a build computes and throws away: the loaded
//! [`Site`], the compiled templates, the [`Listings`], the checks' findings
//! (per page, and finished per file) and the rendered output. A change is
//! handled at the cheapest level that stays correct:
//!
//! - **A page's text changed, and nothing other pages show of it** (its
//!   [`Signature`]: title, URL, description, type, owner, review dates, tags,
//!   weight, language, visibility, draft, translation group, anchors): the
//!   file is parsed again ([`content::parse_file`], as `load` does), swapped
//!   in with only its own links resolved ([`content::replace_page`]), checked
//!   with its translations ([`Checker::page_findings`] and
//!   [`Checker::finish`] on that group), and rendered alone
//!   ([`render::render_pages`]). Tens of milliseconds on a 10,000-page site.
//! - **A page changed in what others show, or pages came, went or were
//!   renamed**: the changed files are parsed, the site-wide steps run again
//!   ([`content::relink`]: sections, visibility, links), the page rules run
//!   on the changed pages only (the others' findings are kept: page rules
//!   read nothing but their page), and everything is rendered again.
//! - **A template or UI string changed**: templates are compiled again and
//!   everything is rendered; content and checks are untouched. **A static
//!   file changed**: nothing is rebuilt (it is served from disk), pages
//!   reload, or only their stylesheets when it is CSS. **`site.toml`
//!   changed**: everything is loaded again, as `cmkb build` would.
//!
//! A build error (a file that does not parse, a broken link, an error from a
//! guidance rule, a template that fails) keeps the last good output served
//! and is published for the overlay; rendering waits until the errors are
//! fixed, and what it owes meanwhile is remembered ([`Owed`]). A page whose
//! front matter stops parsing keeps its last good version in the site, so
//! the error shown is the one the writer made, not every link to the page
//! breaking with it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use rayon::prelude::*;
use tera::Tera;

use super::watch::{self, Changes, Layout, Watcher};
use super::{Live, LiveEvent, Problem, Problems, ServeOptions};
use crate::build::{self, BuildOptions};
use crate::check::Checker;
use crate::config::Config;
use crate::content::{self, Page, ParsedFile, Site, Visibility};
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::Error;
use crate::output::{Content, MemorySink, Output};
use crate::render::{self, Listings};
use crate::theme::Theme;

/// What the rebuild thread is asked to do.
pub(crate) enum Msg {
    /// A debounced batch of changed paths.
    Changed(Vec<PathBuf>),
    /// The watcher missed events: load everything again.
    Rescan,
    /// Bring the search index up to date, then answer.
    SearchIndex(tokio::sync::oneshot::Sender<()>),
    Stop,
}

/// The rebuild thread: one batch of changes at a time, with every message
/// that arrived meanwhile folded into it.
pub(crate) fn run(mut rebuilder: Rebuilder, mut watcher: Watcher, messages: Receiver<Msg>) {
    while let Ok(first) = messages.recv() {
        let mut paths = Vec::new();
        let mut waiting = Vec::new();
        let mut stop = false;
        let mut rescan = false;
        let mut take = |msg: Msg| match msg {
            Msg::Changed(mut more) => paths.append(&mut more),
            Msg::Rescan => rescan = true,
            Msg::SearchIndex(reply) => waiting.push(reply),
            Msg::Stop => stop = true,
        };
        take(first);
        while let Ok(more) = messages.try_recv() {
            take(more);
        }
        if stop {
            break;
        }
        if !paths.is_empty() || rescan {
            let mut changes = watch::classify(&paths, &rebuilder.layout);
            changes.config |= rescan;
            let refresh = changes.folders || changes.config;
            let applied = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                rebuilder.apply(changes);
            }));
            if applied.is_err() {
                // A bug, not the writer's doing: start again from the files.
                eprintln!("error: cmkb serve hit an internal error; loading the site again");
                let reloaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    rebuilder.apply(Changes {
                        config: true,
                        ..Changes::default()
                    });
                }));
                if reloaded.is_err() {
                    eprintln!("error: the preview may be out of date; restart cmkb serve");
                }
            }
            if refresh {
                if let Err(e) = watcher.refresh(&rebuilder.layout) {
                    eprintln!("warning: {e}");
                }
            }
        }
        if !waiting.is_empty() {
            rebuilder.build_search_index();
            for reply in waiting {
                let _ = reply.send(());
            }
        }
    }
}

/// What other pages and the site-wide files show of a page, and what links
/// into it depend on. Read by: section and taxonomy listings, navigation,
/// breadcrumbs, prev/next, translations, the home page's recent list, the
/// review dashboard, the feed, the sitemap (`src/render/`), and link
/// resolution (`content::resolve`: URL, anchors, visibility, drafts).
/// The translation checks read headings and review dates too.
#[derive(Debug, PartialEq)]
struct Signature<'a> {
    title: &'a str,
    url: &'a str,
    lang: &'a str,
    description: Option<&'a str>,
    kind: Option<&'a str>,
    owner: Option<&'a str>,
    reviewed: Option<Date>,
    review_due: Option<Date>,
    weight: i64,
    visibility: Option<Visibility>,
    draft: bool,
    translation_group: &'a str,
    taxonomies: Vec<Vec<&'a str>>,
    /// Heading ids, and whether the writer set each one.
    headings: Vec<(&'a str, bool)>,
    other_anchors: &'a [String],
}

impl<'a> Signature<'a> {
    fn of(page: &'a Page, config: &Config) -> Signature<'a> {
        Signature {
            title: &page.title,
            url: &page.url,
            lang: &page.lang,
            description: page.meta.description.as_deref(),
            kind: page.kind(),
            owner: page.meta.owner.as_deref(),
            reviewed: page.meta.reviewed,
            review_due: page.review_due(config),
            weight: page.meta.weight,
            visibility: page.meta.visibility,
            draft: page.meta.draft,
            translation_group: &page.translation_group,
            taxonomies: config
                .taxonomies
                .iter()
                .map(|t| render::taxonomy_values(page, t))
                .collect(),
            headings: page
                .doc
                .headings
                .iter()
                .map(|h| (h.id.as_str(), h.explicit_id))
                .collect(),
            other_anchors: &page.doc.other_anchors,
        }
    }
}

/// What checking some pages again found, to be taken into the findings.
struct Recheck {
    page_findings: HashMap<PathBuf, Vec<Diagnostic>>,
    /// The files whose findings this replaces.
    paths: BTreeSet<PathBuf>,
    finished: Vec<Diagnostic>,
}

/// Rendering owed since the last good render.
#[derive(Debug, Default)]
enum Owed {
    #[default]
    Nothing,
    /// These pages (content-relative paths), with the current listings.
    Pages(BTreeSet<String>),
    Everything,
}

impl Owed {
    fn pages(&mut self, rels: impl IntoIterator<Item = String>) {
        match self {
            Owed::Everything => {}
            Owed::Pages(set) => set.extend(rels),
            Owed::Nothing => *self = Owed::Pages(rels.into_iter().collect()),
        }
    }
}

/// What a batch changed that open pages must hear about besides re-rendered
/// pages: files served from disk.
#[derive(Debug, Default)]
struct Touched {
    /// URLs of stylesheets changed on disk: pages swap them in place.
    css: BTreeSet<String>,
    /// Another file served from disk changed: every page reloads.
    reload_all: bool,
    /// Short description for the terminal.
    what: Vec<String>,
}

/// Where a rebuild's time went, for `--verbose`.
#[derive(Debug)]
struct Stages(Vec<(&'static str, Duration)>, Instant);

impl Stages {
    fn start() -> Stages {
        Stages(Vec::new(), Instant::now())
    }
    fn done(&mut self, name: &'static str) {
        let now = Instant::now();
        self.0.push((name, now - self.1));
        self.1 = now;
    }
    fn line(&self) -> String {
        self.0
            .iter()
            .map(|(name, time)| format!("{name} {:.1} ms", time.as_secs_f64() * 1000.0))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub(crate) struct Rebuilder {
    options: BuildOptions,
    verbose: bool,
    stages: Stages,
    pub layout: Layout,
    theme: Theme,
    checker: Checker,
    site: Site,
    /// `None` after the templates failed to compile.
    tera: Option<Tera>,
    /// `None` when the site changed in what listings show.
    listings: Option<Listings>,
    /// Pages rendered alongside their checks, waiting for the verdict.
    prerendered: Option<(BTreeSet<String>, Output)>,
    /// What the page rules found, by page file; every checked page has an entry.
    page_findings: HashMap<PathBuf, Vec<Diagnostic>>,
    /// The finished findings (suppressions and severities applied), by file.
    findings: BTreeMap<PathBuf, Vec<Diagnostic>>,
    /// Pages whose file stopped parsing: content-relative path → why. The
    /// site keeps their last good version meanwhile.
    frozen: BTreeMap<String, Vec<Diagnostic>>,
    config_problem: Option<Problem>,
    theme_problem: Option<Problem>,
    render_problem: Option<Problem>,
    owed: Owed,
    live: Arc<Live>,
    colour: bool,
    /// The last publication had errors.
    failing: bool,
}

impl Rebuilder {
    /// Loads and checks the site, as `cmkb build` does. Only what stops a
    /// build outright (`site.toml`, the theme) is an error here; content
    /// errors are shown in the preview.
    pub fn new(
        options: &ServeOptions,
        config: Config,
        layout: Layout,
        live: Arc<Live>,
    ) -> Result<Rebuilder, Error> {
        let build_options = BuildOptions {
            root: options.root.clone(),
            output_dir: None,
            base_url: None,
            audience: options.audience,
            today: options.today,
        };
        let theme = Theme::load(&options.root, &config.theme)?;
        let checker = Checker::new(&config)?;
        let output_dir = options.root.join(&config.output_dir);
        let site = build::load_site(
            &options.root,
            config,
            &theme,
            &build_options,
            Some(output_dir),
            true,
        )?;
        let (tera, theme_problem) = match render::templates(&theme) {
            Ok(tera) => (Some(tera), None),
            Err(e) => (None, Some(Problem::from_error(&e))),
        };
        let mut rebuilder = Rebuilder {
            options: build_options,
            verbose: options.verbose,
            stages: Stages::start(),
            layout,
            theme,
            checker,
            site,
            tera,
            listings: None,
            prerendered: None,
            page_findings: HashMap::new(),
            findings: BTreeMap::new(),
            frozen: BTreeMap::new(),
            config_problem: None,
            theme_problem,
            render_problem: None,
            owed: Owed::Everything,
            live,
            colour: std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            failing: false,
        };
        rebuilder.check_everything();
        Ok(rebuilder)
    }

    /// The first publication renders even when the content has errors, so
    /// there is a site to look at beside the overlay.
    pub fn publish_first(&mut self, started: Instant) {
        let warnings = self
            .findings
            .values()
            .flatten()
            .filter(|d| d.severity != Severity::Error)
            .count();
        // Without compiled templates the theme's error says it all.
        let rendered = if self.tera.is_some() {
            self.render()
        } else {
            Ok(None)
        };
        if let Err(e) = &rendered {
            self.render_problem = Some(Problem::from_error(e));
        }
        let problems = self.problems();
        self.publish_state(&problems, rendered.is_ok());
        let pages = self.site.included_pages().count();
        eprintln!(
            "Built {pages} pages in {} ms{}",
            started.elapsed().as_millis(),
            if warnings > 0 {
                format!(" ({warnings} warnings and notes: `cmkb check` lists them)")
            } else {
                String::new()
            }
        );
        if !problems.is_empty() {
            self.print_problems(&problems);
        }
        self.failing = !problems.is_empty();
    }

    /// Handles one batch of changes, then publishes the result.
    pub fn apply(&mut self, changes: Changes) {
        if changes.is_empty() {
            return;
        }
        let started = Instant::now();
        self.stages = Stages::start();
        self.prerendered = None;
        let mut touched = Touched::default();
        if changes.config {
            self.reload_everything(&mut touched);
        } else {
            if changes.theme || !changes.statics.is_empty() {
                self.theme_changed(&changes, &mut touched);
            }
            if !changes.content.is_empty() {
                self.content_changed(&changes.content, &mut touched);
            }
        }
        if touched.what.is_empty() {
            // Files were read, or saved unchanged.
            return;
        }
        self.publish(touched, started);
    }

    // ----- loading -------------------------------------------------------

    /// `site.toml` changed: everything is loaded again.
    fn reload_everything(&mut self, touched: &mut Touched) {
        touched.what.push(crate::config::CONFIG_FILE.into());
        let root = self.options.root.clone();
        let loaded = (|| -> Result<(Config, Theme, Checker), Error> {
            let config = Config::load(&root)?;
            let theme = Theme::load(&root, &config.theme)?;
            let checker = Checker::new(&config)?;
            Ok((config, theme, checker))
        })();
        let (config, theme, checker) = match loaded {
            Ok(loaded) => loaded,
            Err(e) => {
                self.config_problem = Some(Problem::from_error(&e));
                return;
            }
        };
        let layout = Layout::new(&root, &config);
        let output_dir = root.join(&config.output_dir);
        let site =
            match build::load_site(&root, config, &theme, &self.options, Some(output_dir), true) {
                Ok(site) => site,
                Err(e) => {
                    self.config_problem = Some(Problem::from_error(&e));
                    return;
                }
            };
        self.config_problem = None;
        if site.base_path() != self.site.base_path() {
            eprintln!("The site moved to {} (base_url changed)", site.base_path());
        }
        self.layout = layout;
        self.tera = match render::templates(&theme) {
            Ok(tera) => {
                self.theme_problem = None;
                Some(tera)
            }
            Err(e) => {
                self.theme_problem = Some(Problem::from_error(&e));
                None
            }
        };
        self.theme = theme;
        self.checker = checker;
        self.site = site;
        self.frozen.clear();
        self.listings = None;
        self.owed = Owed::Everything;
        self.check_everything();
    }

    /// Templates, UI strings or static files changed.
    fn theme_changed(&mut self, changes: &Changes, touched: &mut Touched) {
        let theme = match Theme::load(&self.options.root, &self.site.config.theme) {
            Ok(theme) => theme,
            Err(e) => {
                self.theme_problem = Some(Problem::from_error(&e));
                touched.what.push("the theme".into());
                return;
            }
        };
        let templates_changed = theme.templates != self.theme.templates
            || theme.strings != self.theme.strings
            || self.tera.is_none();
        let statics_changed = !theme.static_files.keys().eq(self.theme.static_files.keys());
        self.theme = theme;
        if templates_changed {
            touched.what.push("templates".into());
            match render::templates(&self.theme) {
                Ok(tera) => {
                    self.tera = Some(tera);
                    self.theme_problem = None;
                }
                Err(e) => {
                    self.tera = None;
                    self.theme_problem = Some(Problem::from_error(&e));
                }
            }
            self.owed = Owed::Everything;
        }
        if statics_changed {
            // Links to site-root files resolve against this set.
            touched.what.push("static files".into());
            self.site.static_files = self.theme.static_files.keys().cloned().collect();
            self.relinked(&HashSet::new());
        } else if !templates_changed {
            let base = self.site.base_path();
            for path in &changes.statics {
                touched.what.push(format!("static/{path}"));
                if path.to_ascii_lowercase().ends_with(".css") {
                    touched.css.insert(format!("{base}{path}"));
                } else {
                    touched.reload_all = true;
                }
            }
        }
    }

    /// Pages or files in the content folder changed.
    fn content_changed(&mut self, rels: &BTreeSet<String>, touched: &mut Touched) {
        let content_dir = self.site.content_dir.clone();
        let mut structural = false;
        let mut edited = Vec::new();
        for rel in rels {
            let abs = content_dir.join(rel);
            let is_file = abs.is_file();
            if self.site.by_path.contains_key(rel) {
                if is_file {
                    edited.push(rel.clone());
                } else {
                    structural = true;
                }
            } else if self.site.asset(rel).is_some() {
                if is_file {
                    touched.what.push(rel.clone());
                    let url = format!("{}{rel}", self.site.base_path());
                    if rel.to_ascii_lowercase().ends_with(".css") {
                        touched.css.insert(url);
                    } else {
                        touched.reload_all = true;
                    }
                } else {
                    structural = true;
                }
            } else if abs.exists()
                || self.site.file_diagnostics.contains_key(rel)
                || self.holds_files(rel)
            {
                structural = true;
            }
            // Anything else is a temporary file that came and went.
        }
        if structural && self.rescan(rels, touched) {
            return;
        }
        if !edited.is_empty() {
            self.edit(&edited, touched);
        }
    }

    /// Whether the site knows pages or files under a folder (one that was
    /// just moved or deleted, as a whole).
    fn holds_files(&self, rel: &str) -> bool {
        let prefix = format!("{rel}/");
        self.site.by_path.keys().any(|p| p.starts_with(&prefix))
            || self
                .site
                .assets
                .iter()
                .any(|a| a.rel_path.starts_with(&prefix))
    }

    /// Walks the content folder again and reconciles the site with it: new
    /// files are parsed, gone ones dropped, changed ones parsed again.
    /// Returns false when nothing came or went after all.
    fn rescan(&mut self, changed: &BTreeSet<String>, touched: &mut Touched) -> bool {
        let root = self.options.root.clone();
        let output_dir = root.join(&self.site.config.output_dir);
        let files = content::walk(&root, &self.site.content_dir, Some(&output_dir));
        let markdown: BTreeSet<&str> = files.markdown.iter().map(|(r, _)| r.as_str()).collect();
        let assets: BTreeSet<&str> = files.assets.iter().map(|(r, _)| r.as_str()).collect();
        let known_markdown: BTreeSet<&str> = self
            .site
            .pages
            .iter()
            .map(|p| p.rel_path.as_str())
            .chain(self.site.file_diagnostics.keys().map(String::as_str))
            .collect();
        let known_assets: BTreeSet<&str> = self
            .site
            .assets
            .iter()
            .map(|a| a.rel_path.as_str())
            .collect();
        // A file that did not parse before is not a page yet: parsed below.
        let failed_changed = changed
            .iter()
            .any(|rel| markdown.contains(rel.as_str()) && !self.site.by_path.contains_key(rel));
        if markdown == known_markdown
            && assets == known_assets
            && files.diagnostics == self.site.walk_diagnostics
            && !failed_changed
        {
            return false;
        }
        let came: Vec<String> = markdown
            .difference(&known_markdown)
            .chain(assets.difference(&known_assets))
            .map(|s| s.to_string())
            .collect();
        let went: Vec<String> = known_markdown
            .difference(&markdown)
            .chain(known_assets.difference(&assets))
            .map(|s| s.to_string())
            .collect();
        for rel in &came {
            touched.what.push(format!("+{rel}"));
        }
        for rel in &went {
            touched.what.push(format!("-{rel}"));
        }

        // Parse what is new, what changed, and what failed to parse before.
        let to_parse: Vec<&(String, PathBuf)> = files
            .markdown
            .iter()
            .filter(|(rel, _)| !self.site.by_path.contains_key(rel) || changed.contains(rel))
            .collect();
        touched.what.extend(
            to_parse
                .iter()
                .map(|(rel, _)| rel.clone())
                .filter(|rel| !came.contains(rel)),
        );
        if touched.what.is_empty() {
            touched.what.push("the content folder".into());
        }
        let config = &self.site.config;
        let parsed: Vec<(String, ParsedFile)> = to_parse
            .par_iter()
            .map(|(rel, abs)| {
                (
                    rel.clone(),
                    content::parse_file(&root, rel, abs, config, true),
                )
            })
            .collect();

        let present: HashSet<&str> = markdown.iter().copied().collect();
        let mut gone: HashSet<String> = self
            .site
            .pages
            .iter()
            .filter(|p| !present.contains(p.rel_path.as_str()))
            .map(|p| p.rel_path.clone())
            .collect();
        self.site
            .file_diagnostics
            .retain(|rel, _| present.contains(rel.as_str()));
        self.frozen.retain(|rel, _| present.contains(rel.as_str()));
        let mut changed_paths = HashSet::new();
        for (rel, parsed) in parsed {
            if let Some(removed) = self.take_parsed(&rel, parsed, &mut changed_paths) {
                gone.insert(removed);
            }
        }
        self.drop_pages(&gone);
        self.site.assets = files
            .assets
            .into_iter()
            .map(|(rel_path, abs_path)| content::Asset {
                rel_path,
                abs_path,
                visibility: Visibility::Public,
            })
            .collect();
        self.site.walk_diagnostics = files.diagnostics;
        self.relinked(&changed_paths);
        true
    }

    /// Files that exist, are known and changed: the common case of a save.
    fn edit(&mut self, rels: &[String], touched: &mut Touched) {
        let root = self.options.root.clone();
        let content_dir = self.site.content_dir.clone();
        let config = &self.site.config;
        let parsed: Vec<(String, ParsedFile)> = rels
            .par_iter()
            .map(|rel| {
                let abs = content_dir.join(rel);
                (
                    rel.clone(),
                    content::parse_file(&root, rel, &abs, config, true),
                )
            })
            .collect();
        // Saved without changes, or only read (which can touch its access
        // time): nothing to do.
        let parsed: Vec<(String, ParsedFile)> = parsed
            .into_iter()
            .filter(|(rel, parsed)| match (&parsed.page, self.frozen.get(rel)) {
                (Some(page), None) => {
                    page.source.text != self.site.pages[self.site.by_path[rel]].source.text
                }
                (None, Some(why)) => *why != parsed.diagnostics,
                _ => true,
            })
            .collect();
        if parsed.is_empty() {
            return;
        }
        touched
            .what
            .extend(parsed.iter().map(|(rel, _)| rel.clone()));
        self.stages.done("parse");

        // Whether every change stays inside its page.
        let mut local = true;
        for (rel, parsed) in &parsed {
            let old = &self.site.pages[self.site.by_path[rel]];
            local &= match &parsed.page {
                Some(page) => {
                    Signature::of(old, &self.site.config) == Signature::of(page, &self.site.config)
                }
                None => self.stops_build(&parsed.diagnostics),
            };
        }
        if local {
            let mut indices = Vec::new();
            let mut replaced = BTreeSet::new();
            for (rel, parsed) in parsed {
                let index = self.site.by_path[&rel];
                match parsed.page {
                    Some(page) => {
                        self.frozen.remove(&rel);
                        content::replace_page(&mut self.site, index, page, parsed.diagnostics);
                        indices.push(index);
                        replaced.insert(rel);
                    }
                    None => {
                        self.frozen.insert(rel, parsed.diagnostics);
                    }
                }
            }
            self.stages.done("link");
            let (recheck, prerendered) =
                rayon::join(|| self.recheck(&indices), || self.prerender(&replaced));
            self.take_recheck(recheck);
            self.prerendered = prerendered;
            self.owed.pages(replaced);
            self.stages.done("check+render");
            return;
        }
        let mut changed_paths = HashSet::new();
        let mut gone = HashSet::new();
        for (rel, parsed) in parsed {
            if let Some(removed) = self.take_parsed(&rel, parsed, &mut changed_paths) {
                gone.insert(removed);
            }
        }
        self.drop_pages(&gone);
        self.relinked(&changed_paths);
    }

    /// Puts a freshly parsed file into the site (replacing its page, or
    /// adding one), or freezes its last good version when it stopped
    /// parsing. Returns the path of a page to drop.
    fn take_parsed(
        &mut self,
        rel: &str,
        parsed: ParsedFile,
        changed_paths: &mut HashSet<PathBuf>,
    ) -> Option<String> {
        let index = self.site.by_path.get(rel).copied();
        match parsed.page {
            Some(page) => {
                self.frozen.remove(rel);
                changed_paths.insert(page.source.path.clone());
                if parsed.diagnostics.is_empty() {
                    self.site.file_diagnostics.remove(rel);
                } else {
                    self.site
                        .file_diagnostics
                        .insert(rel.to_string(), parsed.diagnostics);
                }
                match index {
                    Some(i) => self.site.pages[i] = page,
                    None => self.site.pages.push(page),
                }
                None
            }
            None if index.is_some() && self.stops_build(&parsed.diagnostics) => {
                self.frozen.insert(rel.to_string(), parsed.diagnostics);
                None
            }
            None => {
                self.frozen.remove(rel);
                self.site
                    .file_diagnostics
                    .insert(rel.to_string(), parsed.diagnostics);
                index.map(|_| rel.to_string())
            }
        }
    }

    fn drop_pages(&mut self, gone: &HashSet<String>) {
        if gone.is_empty() {
            return;
        }
        let findings = &mut self.page_findings;
        self.site.pages.retain(|p| {
            let keep = !gone.contains(&p.rel_path);
            if !keep {
                findings.remove(&p.source.path);
            }
            keep
        });
    }

    /// After pages were added, removed, or changed in what others show:
    /// the site-wide steps again, the page rules for the changed pages, and
    /// a full render owed.
    fn relinked(&mut self, changed_paths: &HashSet<PathBuf>) {
        content::relink(&mut self.site);
        self.stages.done("link");
        self.listings = None;
        self.owed = Owed::Everything;
        for path in changed_paths {
            self.page_findings.remove(path);
        }
        let stale: Vec<usize> = self
            .site
            .included_pages()
            .filter(|(_, p)| !self.page_findings.contains_key(&p.source.path))
            .map(|(i, _)| i)
            .collect();
        self.find_on_pages(&stale);
        self.finish_everything();
        self.stages.done("check");
    }

    // ----- checking ------------------------------------------------------

    fn check_everything(&mut self) {
        self.page_findings.clear();
        let pages: Vec<usize> = self.site.included_pages().map(|(i, _)| i).collect();
        self.find_on_pages(&pages);
        self.finish_everything();
    }

    /// Runs the page rules on these pages and keeps what they find.
    fn find_on_pages(&mut self, pages: &[usize]) {
        if pages.is_empty() {
            return;
        }
        for &i in pages {
            self.page_findings
                .insert(self.site.pages[i].source.path.clone(), Vec::new());
        }
        for d in self.checker.page_findings(&self.site, pages) {
            self.page_findings
                .entry(d.path.clone())
                .or_default()
                .push(d);
        }
    }

    /// What the page rules found, in page order (as a full check collects it).
    fn found_on(&self, pages: &[usize]) -> Vec<Diagnostic> {
        pages
            .iter()
            .filter_map(|&i| self.page_findings.get(&self.site.pages[i].source.path))
            .flatten()
            .cloned()
            .collect()
    }

    fn finish_everything(&mut self) {
        let pages: Vec<usize> = self.site.included_pages().map(|(i, _)| i).collect();
        let found = self.found_on(&pages);
        let all = self.checker.finish(
            &self.site,
            &pages,
            found,
            self.site.diagnostics.iter().cloned(),
        );
        self.findings = by_file(all);
    }

    /// Checks changed pages again with their translations (the rules that
    /// span pages compare translations). Reads only: runs beside rendering.
    fn recheck(&self, changed: &[usize]) -> Recheck {
        let groups: HashSet<&str> = changed
            .iter()
            .map(|&i| self.site.pages[i].translation_group.as_str())
            .collect();
        let members: Vec<usize> = self
            .site
            .pages
            .iter()
            .enumerate()
            .filter(|(i, p)| changed.contains(i) || groups.contains(p.translation_group.as_str()))
            .map(|(i, _)| i)
            .collect();
        let paths: BTreeSet<PathBuf> = members
            .iter()
            .map(|&i| self.site.pages[i].source.path.clone())
            .collect();
        let checked: Vec<usize> = members
            .iter()
            .copied()
            .filter(|&i| self.site.pages[i].included)
            .collect();
        let stale: Vec<usize> = checked
            .iter()
            .copied()
            .filter(|i| {
                changed.contains(i)
                    || !self
                        .page_findings
                        .contains_key(&self.site.pages[*i].source.path)
            })
            .collect();
        let mut fresh: HashMap<PathBuf, Vec<Diagnostic>> = stale
            .iter()
            .map(|&i| (self.site.pages[i].source.path.clone(), Vec::new()))
            .collect();
        for d in self.checker.page_findings(&self.site, &stale) {
            fresh.entry(d.path.clone()).or_default().push(d);
        }
        let found: Vec<Diagnostic> = checked
            .iter()
            .filter_map(|&i| {
                let path = &self.site.pages[i].source.path;
                fresh.get(path).or_else(|| self.page_findings.get(path))
            })
            .flatten()
            .cloned()
            .collect();
        // The site's diagnostics are sorted by file.
        let diagnostics = &self.site.diagnostics;
        let load = paths.iter().flat_map(|path| {
            let start = diagnostics.partition_point(|d| d.path < *path);
            diagnostics[start..]
                .iter()
                .take_while(move |d| d.path == *path)
                .cloned()
        });
        let finished = self.checker.finish(&self.site, &checked, found, load);
        Recheck {
            page_findings: fresh,
            paths,
            finished,
        }
    }

    fn take_recheck(&mut self, recheck: Recheck) {
        self.page_findings.extend(recheck.page_findings);
        for path in &recheck.paths {
            self.findings.remove(path);
        }
        for (path, list) in by_file(recheck.finished) {
            self.findings.insert(path, list);
        }
    }

    /// Renders changed pages before knowing whether the checks let them
    /// through (the two run side by side); used only if they do.
    fn prerender(&self, rels: &BTreeSet<String>) -> Option<(BTreeSet<String>, Output)> {
        if !matches!(self.owed, Owed::Nothing) {
            return None;
        }
        let (tera, listings) = (self.tera.as_ref()?, self.listings.as_ref()?);
        let pages: Vec<usize> = rels
            .iter()
            .filter_map(|rel| self.site.by_path.get(rel).copied())
            .collect();
        let sink = MemorySink::default();
        // An error here is found again, and reported, by the real render.
        render::render_pages(&self.site, &self.theme, tera, listings, &pages, &sink).ok()?;
        Some((rels.clone(), sink.into_output()))
    }

    fn stops_build(&self, diagnostics: &[Diagnostic]) -> bool {
        let mut diagnostics = diagnostics.to_vec();
        build::apply_severities(&mut diagnostics, &self.site.config);
        diagnostics
            .iter()
            .any(|d| build::stops_build(d, &self.site.config))
    }

    /// Everything that keeps the current sources from being published.
    fn problems(&self) -> Vec<Problem> {
        let mut problems: Vec<Problem> = [
            &self.config_problem,
            &self.theme_problem,
            &self.render_problem,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        problems.extend(self.frozen.values().flatten().map(Problem::from_diagnostic));
        problems.extend(
            self.findings
                .values()
                .flatten()
                .filter(|d| build::stops_build(d, &self.site.config))
                .map(Problem::from_diagnostic),
        );
        problems
    }

    // ----- rendering and publishing --------------------------------------

    /// Renders what is owed into the published output. Returns the URLs of
    /// the pages rendered, or `None` for all of them.
    fn render(&mut self) -> Result<Option<Vec<String>>, Error> {
        let owed = std::mem::take(&mut self.owed);
        let prerendered = self.prerendered.take();
        let result = self.render_owed(&owed, prerendered);
        if result.is_err() {
            self.owed = owed;
        }
        result
    }

    fn render_owed(
        &mut self,
        owed: &Owed,
        prerendered: Option<(BTreeSet<String>, Output)>,
    ) -> Result<Option<Vec<String>>, Error> {
        let Some(tera) = &self.tera else {
            return Err(Error::Template(
                "the templates do not compile; fix them to see changes".into(),
            ));
        };
        match (owed, &self.listings) {
            (Owed::Nothing, _) => Ok(Some(Vec::new())),
            (Owed::Pages(rels), Some(listings)) => {
                let rendered = match prerendered {
                    Some((done, output)) if done == *rels => output,
                    _ => {
                        let pages: Vec<usize> = rels
                            .iter()
                            .filter_map(|rel| self.site.by_path.get(rel).copied())
                            .collect();
                        let sink = MemorySink::default();
                        render::render_pages(
                            &self.site,
                            &self.theme,
                            tera,
                            listings,
                            &pages,
                            &sink,
                        )?;
                        sink.into_output()
                    }
                };
                let base = self.site.base_path();
                let urls = rendered
                    .files
                    .keys()
                    .map(|path| url_of(&base, path))
                    .collect();
                let mut state = self.live.state.write().unwrap_or_else(|e| e.into_inner());
                state.output.files.extend(rendered.files);
                Ok(Some(urls))
            }
            (Owed::Pages(_) | Owed::Everything, _) => {
                let listings = self
                    .listings
                    .get_or_insert_with(|| Listings::new(&self.site));
                let sink = MemorySink::default();
                render::render_site(&self.site, &self.theme, tera, listings, &sink)?;
                let mut output = sink.into_output();
                let mut state = self.live.state.write().unwrap_or_else(|e| e.into_inner());
                // The search index stays until it is asked for again.
                for path in &state.search.files {
                    if let Some(content) = state.output.files.get(path) {
                        output.files.insert(path.clone(), content.clone());
                    }
                }
                state.output = output;
                Ok(None)
            }
        }
    }

    /// Publishes the state after a batch: the output if it rendered, the
    /// errors if any, and the events every open page listens to.
    fn publish(&mut self, touched: Touched, started: Instant) {
        let mut problems = self.problems();
        let mut rendered = Some(Vec::new());
        if problems.is_empty() {
            match self.render() {
                Ok(urls) => {
                    self.render_problem = None;
                    rendered = urls;
                }
                Err(e) => {
                    self.render_problem = Some(Problem::from_error(&e));
                    problems = self.problems();
                }
            }
        }
        self.stages.done("render");
        let ok = problems.is_empty();
        let generation = self.publish_state(&problems, ok);
        let elapsed = started.elapsed();
        let what = summarise(&touched.what);
        if !ok {
            let data = serde_json::json!({
                "generation": generation,
                "count": problems.len(),
                "errors": Problems::new(&problems).errors,
            });
            self.send("build-error", data);
            eprintln!(
                "{what}: {} error(s); the last good version is still served",
                problems.len()
            );
            self.print_problems(&problems);
            self.failing = true;
            return;
        }
        let recovered = std::mem::take(&mut self.failing);
        let page_count = match &rendered {
            None => self.site.included_pages().count(),
            Some(urls) => urls.len(),
        };
        match rendered {
            None => self.send(
                "reload",
                serde_json::json!({"generation": generation, "all": true}),
            ),
            Some(urls) if touched.reload_all || !urls.is_empty() || recovered => {
                let mut data = serde_json::json!({"generation": generation, "urls": urls});
                if touched.reload_all {
                    data["all"] = true.into();
                }
                self.send("reload", data);
            }
            Some(_) => {}
        }
        if !touched.css.is_empty() {
            let urls: Vec<&String> = touched.css.iter().collect();
            self.send(
                "css",
                serde_json::json!({"generation": generation, "urls": urls}),
            );
        }
        let pages = match page_count {
            0 => String::new(),
            1 => ", 1 page rendered".to_string(),
            n => format!(", {n} pages rendered"),
        };
        let fixed = if recovered { " (errors fixed)" } else { "" };
        eprintln!(
            "{what}: rebuilt in {} ms{pages}{fixed}",
            elapsed.as_millis()
        );
        if self.verbose {
            self.stages.done("publish");
            eprintln!("  {}", self.stages.line());
        }
        let warnings: Vec<&Diagnostic> = touched
            .what
            .iter()
            .filter_map(|rel| self.site.by_path.get(rel))
            .filter_map(|&i| self.findings.get(&self.site.pages[i].source.path))
            .flatten()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        for d in warnings.iter().take(3) {
            eprintln!("  warning[{}]: {} ({})", d.rule, d.message, d.location());
        }
        if warnings.len() > 3 {
            eprintln!("  … and {} more warnings", warnings.len() - 3);
        }
    }

    /// Updates the shared state; returns the new generation.
    fn publish_state(&self, problems: &[Problem], rendered: bool) -> u64 {
        let mut state = self.live.state.write().unwrap_or_else(|e| e.into_inner());
        state.generation += 1;
        state.base_path = self.site.base_path();
        state.problems = (!problems.is_empty()).then(|| Problems::new(problems));
        if rendered {
            state.search.stale = true;
        }
        state.generation
    }

    fn send(&self, name: &'static str, data: serde_json::Value) {
        let _ = self.live.events.send(LiveEvent {
            name,
            data: data.to_string(),
        });
    }

    fn print_problems(&self, problems: &[Problem]) {
        const SHOWN: usize = 10;
        for problem in problems.iter().take(SHOWN) {
            if self.colour {
                // The overlay's text is plain; the terminal gets colour.
                eprint!("{}", problem.coloured());
            } else {
                eprint!("{}", problem.text);
            }
        }
        if problems.len() > SHOWN {
            eprintln!("… and {} more errors", problems.len() - SHOWN);
        }
    }

    /// Builds the search index for the current site, on demand.
    pub fn build_search_index(&mut self) {
        {
            let state = self.live.state.read().unwrap_or_else(|e| e.into_inner());
            if state.search.built && !state.search.stale {
                return;
            }
        }
        let files = crate::search::index(&self.site);
        let mut state = self.live.state.write().unwrap_or_else(|e| e.into_inner());
        let old = std::mem::take(&mut state.search.files);
        for path in &old {
            state.output.files.remove(path);
        }
        let mut names = BTreeSet::new();
        let mut dirs = BTreeSet::new();
        for (path, bytes) in files {
            dirs.insert(parent_of(&path).to_string());
            names.insert(path.clone());
            state.output.files.insert(path, Content::Bytes(bytes));
        }
        state.search.files = names;
        state.search.dirs = dirs;
        state.search.built = true;
        state.search.stale = false;
    }
}

/// Groups findings by file, keeping their order.
fn by_file(found: Vec<Diagnostic>) -> BTreeMap<PathBuf, Vec<Diagnostic>> {
    let mut map: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    for d in found {
        map.entry(d.path.clone()).or_default().push(d);
    }
    map
}

/// `guides/a/index.html` → `/kb/guides/a/`.
fn url_of(base: &str, output_path: &str) -> String {
    let path = output_path
        .strip_suffix("index.html")
        .unwrap_or(output_path);
    format!("{base}{path}")
}

pub(crate) fn parent_of(path: &str) -> &str {
    path.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("")
}

fn summarise(what: &[String]) -> String {
    match what {
        [] => "change".to_string(),
        [one] => one.clone(),
        [first, rest @ ..] => format!("{first} and {} more", rest.len()),
    }
}

impl Problem {
    pub(crate) fn from_diagnostic(d: &Diagnostic) -> Problem {
        Problem {
            file: d.path.to_string_lossy().replace('\\', "/"),
            line: d.line,
            column: d.column,
            rule: d.rule.clone(),
            message: d.message.clone(),
            text: d.render_human(false),
        }
    }

    pub(crate) fn from_error(e: &Error) -> Problem {
        let (file, line, rule) = match e {
            Error::Config { path, line, .. } => (path.display().to_string(), *line, "config"),
            Error::Read { path, .. } | Error::Write { path, .. } => {
                (path.display().to_string(), 0, "read-error")
            }
            Error::Template(message) => (template_file(message), 0, "template"),
            _ => (String::new(), 0, "build"),
        };
        let message = match e {
            Error::Config { message, .. } => message.clone(),
            other => other.to_string(),
        };
        let text = format!("error[{rule}]: {}\n", e);
        Problem {
            file,
            line,
            column: 0,
            rule: rule.into(),
            message,
            text,
        }
    }

    fn coloured(&self) -> String {
        match self.text.split_once("]: ") {
            Some((head, rest)) => format!("\x1b[1;31m{head}]\x1b[0m: {rest}"),
            None => self.text.clone(),
        }
    }
}

/// The template a template error names (`template error in templates/page.html …`).
fn template_file(message: &str) -> String {
    message
        .strip_prefix("template error in ")
        .and_then(|rest| rest.split([' ', ':']).next())
        .unwrap_or("templates")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owed_rendering_only_grows() {
        let mut owed = Owed::Nothing;
        owed.pages(["a.md".to_string()]);
        owed.pages(["b.md".to_string()]);
        match &owed {
            Owed::Pages(set) => assert_eq!(set.len(), 2),
            other => panic!("{other:?}"),
        }
        let mut owed = Owed::Everything;
        owed.pages(["a.md".to_string()]);
        assert!(matches!(owed, Owed::Everything));
    }

    #[test]
    fn urls_of_rendered_files() {
        assert_eq!(url_of("/kb/", "guides/a/index.html"), "/kb/guides/a/");
        assert_eq!(url_of("/", "index.html"), "/");
    }

    #[test]
    fn template_errors_name_their_file() {
        assert_eq!(
            template_file("template error in templates/page.html while rendering x: boom"),
            "templates/page.html"
        );
        assert_eq!(
            template_file("the template `x.html` is missing"),
            "templates"
        );
    }
}
