//! Template contexts: the names templates see. The contract is documented in
//! `docs/templates.md`; change both together.

use std::collections::{BTreeMap, HashMap};

use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;
use tera::Context;

use super::decorate::Decorations;
use super::listing::{SectionVariant, Taxonomy, Term};
use super::Listings;
use crate::content::{Page, Site};
use crate::markdown::toc;
use crate::theme::Theme;

/// Everything that is the same for many templates, computed once.
pub struct Shared<'a> {
    site: &'a Site,
    listings: &'a Listings,
    site_value: Value,
    strings: HashMap<String, Value>,
    nav: HashMap<String, Value>,
    /// Per language: every URL of the navigation tree, sorted. The tree's
    /// HTML depends on the current URL only through which of these it starts
    /// with or equals, so pages that agree on that share one rendering.
    nav_urls: HashMap<String, Vec<String>>,
    /// `partials/nav.html` rendered, by language and what the current URL
    /// matches of the tree: rendered once per section instead of per page.
    nav_html: std::sync::Mutex<HashMap<String, std::sync::Arc<String>>>,
    tera: Option<&'a tera::Tera>,
    /// Whether `tera` holds [`NAV_TEMPLATE`] (asked once, not per page).
    has_nav_template: bool,
    /// Per language: the part of every template's context that does not
    /// depend on the page.
    base_by_lang: std::sync::Mutex<HashMap<String, Context>>,
    /// Per language: dates as its UI strings write them. A site has a few
    /// hundred distinct review dates, and every listing shows them: written
    /// once each instead of on every row (formatting was 2 % of a build).
    date_texts: std::sync::Mutex<HashMap<String, HashMap<Date, String>>>,
    /// Per language: what the theme adds to rendered Markdown.
    decorations: HashMap<String, Decorations>,
    /// Per site language: the review dashboard's URL and output path, when
    /// the theme has `dashboard.html` and no page already sits there.
    dashboards: BTreeMap<String, (String, String)>,
}

/// One thread's page contexts, by language (see [`Shared::page`]).
#[derive(Default)]
pub struct PageScratch {
    by_lang: HashMap<String, Context>,
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
}

#[derive(Serialize)]
struct TermLink<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Translation {
    lang: String,
    lang_name: String,
    url: String,
    permalink: String,
    title: String,
}

#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    url: &'a str,
    description: &'a str,
    lang: &'a str,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    #[serde(flatten)]
    shown: Shown,
    owner: Option<&'a str>,
    reviewed: Option<String>,
    review_by: Option<String>,
    review_status: Option<&'static str>,
    tags: Vec<TermLink<'a>>,
}

/// What a template shows for a page's type and review dates, in the page's
/// language: the `type_badge` and `date` macros' work, done here once. A
/// macro call copies every argument, and each of these took the whole table
/// of UI strings (`t`): on listing pages and the dashboard, several calls per
/// row were most of the render.
#[derive(Serialize, Default)]
struct Shown {
    type_name: Option<String>,
    reviewed_text: Option<String>,
    review_by_text: Option<String>,
}

#[derive(Serialize)]
struct PageValue<'a> {
    title: &'a str,
    description: &'a str,
    content: String,
    url: &'a str,
    permalink: String,
    lang: &'a str,
    #[serde(rename = "type")]
    kind: Option<&'a str>,
    #[serde(flatten)]
    shown: Shown,
    owner: Option<&'a str>,
    audience: &'a [String],
    reviewed: Option<String>,
    review_by: Option<String>,
    review_status: Option<&'static str>,
    tags: Vec<TermLink<'a>>,
    toc: Vec<toc::TocEntry>,
    word_count: usize,
    reading_minutes: usize,
    section: Option<Link>,
    prev: Option<Link>,
    next: Option<Link>,
    extra: &'a BTreeMap<String, Value>,
}

#[derive(Serialize)]
struct NavNode {
    title: String,
    url: String,
    page_count: usize,
    pages: Vec<Link>,
    children: Vec<NavNode>,
}

#[derive(Serialize, Default)]
struct DashboardCounts {
    total: usize,
    overdue: usize,
    due_soon: usize,
    ok: usize,
    /// Pages with no review date.
    unscheduled: usize,
}

impl DashboardCounts {
    fn add(&mut self, status: Option<&str>) {
        self.total += 1;
        match status {
            Some("overdue") => self.overdue += 1,
            Some("due-soon") => self.due_soon += 1,
            Some(_) => self.ok += 1,
            None => self.unscheduled += 1,
        }
    }
}

#[derive(Serialize)]
struct DashboardRow {
    title: String,
    url: String,
    lang: String,
    /// The page's language as the language switcher names it (`Español`),
    /// or its code when the site does not list it.
    lang_name: String,
    #[serde(rename = "type")]
    kind: Option<String>,
    #[serde(flatten)]
    shown: Shown,
    reviewed: Option<String>,
    review_by: Option<String>,
    review_status: Option<&'static str>,
}

#[derive(Serialize)]
struct DashboardGroup {
    owner: Option<String>,
    counts: DashboardCounts,
    pages: Vec<DashboardRow>,
}

/// The navigation lists pages only while the whole tree stays small: every
/// page carries the navigation, so a site of 1,000 pages listing them all
/// would put 1,000 links (and ~100 kB) on each page. Above this, the tree
/// shows sections only, and each section page lists its pages.
const NAV_PAGE_LIMIT: usize = 120;

/// How many days before `review_by` a page counts as due soon.
const DUE_SOON_DAYS: i64 = 30;

pub fn review_status(due: Option<Date>, today: Date) -> Option<&'static str> {
    let due = due?;
    if due < today {
        Some("overdue")
    } else if today
        .checked_add(jiff::Span::new().days(DUE_SOON_DAYS))
        .is_ok_and(|soon| due <= soon)
    {
        Some("due-soon")
    } else {
        Some("ok")
    }
}

impl<'a> Shared<'a> {
    pub fn new(site: &'a Site, theme: &'a Theme, listings: &'a Listings) -> Shared<'a> {
        let config = &site.config;
        let base_path = site.base_path();
        let mut langs: Vec<String> = config.languages.clone();
        for page in site.pages.iter().filter(|p| p.included) {
            if !langs.contains(&page.lang) {
                langs.push(page.lang.clone());
            }
        }
        let strings: HashMap<String, Value> = langs
            .iter()
            .map(|lang| {
                let strings = theme.strings_for(lang, &config.default_language);
                (
                    lang.clone(),
                    serde_json::to_value(strings).unwrap_or(Value::Null),
                )
            })
            .collect();
        let default_strings = theme.strings_for(&config.default_language, &config.default_language);
        let languages: Vec<Value> = config
            .languages
            .iter()
            .map(|code| {
                let home = listings
                    .variants_of(0)
                    .find(|v| &v.lang == code)
                    .map(|v| v.url.clone())
                    .unwrap_or_else(|| base_path.clone());
                serde_json::json!({"code": code, "name": super::language_name(code), "home_url": home})
            })
            .collect();
        let taxonomies: Vec<Value> = listings
            .taxonomies
            .iter()
            .map(|t| {
                let title = default_strings
                    .get(&format!("taxonomy_{}", t.name))
                    .cloned()
                    .unwrap_or_else(|| crate::content::humanize(&t.name));
                serde_json::json!({"name": t.name, "title": title, "url": t.url})
            })
            .collect();
        let site_value = serde_json::json!({
            "title": config.title,
            "description": config.description,
            "base_url": config.base_url,
            "base_path": base_path,
            "default_language": config.default_language,
            "languages": languages,
            "internal": site.audience.internal,
            "today": site.today.to_string(),
            "taxonomies": taxonomies,
            "feed_url": format!("{base_path}atom.xml"),
            "extra": config.extra,
        });
        let mut nav_urls = HashMap::new();
        let nav = langs
            .iter()
            .map(|lang| {
                let mut nodes = nav_nodes(site, listings, 0, lang);
                if nav_page_count(&nodes) > NAV_PAGE_LIMIT {
                    drop_nav_pages(&mut nodes);
                }
                let mut urls = Vec::new();
                collect_nav_urls(&nodes, &mut urls);
                urls.sort_unstable();
                urls.dedup();
                nav_urls.insert(lang.clone(), urls);
                (
                    lang.clone(),
                    serde_json::to_value(nodes).unwrap_or(Value::Null),
                )
            })
            .collect();
        let decorations = strings
            .iter()
            .map(|(lang, value)| (lang.clone(), Decorations::from_strings(value)))
            .collect();
        let dashboards = if theme.templates.contains_key("dashboard.html") {
            let taken: std::collections::HashSet<&str> = site
                .included_pages()
                .map(|(_, p)| p.output_path.as_str())
                .chain(listings.variants.iter().map(|v| v.output_path.as_str()))
                .collect();
            config
                .languages
                .iter()
                .filter_map(|lang| {
                    let prefix = search_prefix(site, lang);
                    let path = format!("{prefix}dashboard/index.html");
                    (!taken.contains(path.as_str())).then(|| {
                        (
                            lang.clone(),
                            (format!("{base_path}{prefix}dashboard/"), path),
                        )
                    })
                })
                .collect()
        } else {
            BTreeMap::new()
        };
        Shared {
            site,
            listings,
            site_value,
            strings,
            nav,
            nav_urls,
            nav_html: Default::default(),
            tera: None,
            has_nav_template: false,
            base_by_lang: Default::default(),
            date_texts: Default::default(),
            decorations,
            dashboards,
        }
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    /// A page's body HTML with the theme's additions for its language.
    fn content(&self, page: &Page) -> String {
        let html = page.html();
        match self.decorations.get(&page.lang) {
            Some(d) if !d.is_empty() => d.apply(html, &page.doc.headings),
            _ => html,
        }
    }

    fn base(&self, lang: &str, current_url: &str) -> Context {
        let mut ctx = self.base_of(lang);
        self.place(&mut ctx, lang, current_url);
        ctx
    }

    /// What is the same for every template of a language, built once:
    /// `Context::insert` serialises its value again on every call, which for
    /// the site, the UI strings and the navigation was most of the cost of a
    /// page's context.
    fn base_of(&self, lang: &str) -> Context {
        let cached = self
            .base_by_lang
            .lock()
            .ok()
            .and_then(|cache| cache.get(lang).cloned());
        match cached {
            Some(ctx) => ctx,
            None => {
                let ctx = self.base_uncached(lang);
                if let Ok(mut cache) = self.base_by_lang.lock() {
                    cache.insert(lang.to_string(), ctx.clone());
                }
                ctx
            }
        }
    }

    /// The names of the base that depend on where the template renders.
    fn place(&self, ctx: &mut Context, lang: &str, current_url: &str) {
        ctx.insert("current_url", current_url);
        // Left out when empty, so a theme can ask `nav_html is defined`:
        // Tera escapes a string to test its truth (`{% if nav_html %}`), a
        // copy of the whole tree, escaped, on every page.
        match self.nav_html(lang, current_url, ctx) {
            Some(html) if !html.is_empty() => ctx.insert("nav_html", html.as_str()),
            _ => {
                ctx.remove("nav_html");
            }
        }
    }

    fn base_uncached(&self, lang: &str) -> Context {
        let mut ctx = Context::new();
        ctx.insert("site", &self.site_value);
        ctx.insert("lang", lang);
        ctx.insert("t", self.ui(lang).unwrap_or(&Value::Null));
        ctx.insert("search_url", &search_url(self.site, lang));
        ctx.insert("home_url", &self.home_url(lang));
        ctx.insert(
            "dashboard_url",
            &self.dashboards.get(lang).map(|(url, _)| url),
        );
        let nav = self
            .nav
            .get(lang)
            .or_else(|| self.nav.get(&self.site.config.default_language))
            .unwrap_or(&Value::Null);
        ctx.insert("nav", nav);
        ctx
    }

    /// Renders templates through `tera`, which lets pages share the
    /// navigation's HTML (`nav_html`).
    pub fn with_tera(mut self, tera: &'a tera::Tera) -> Shared<'a> {
        self.tera = Some(tera);
        self.has_nav_template = tera.get_template_names().any(|n| n == NAV_TEMPLATE);
        self
    }

    /// `partials/nav.html` for this language and current URL, from the cache
    /// when a page that matches the same navigation URLs rendered it already.
    /// A template error leaves `nav_html` out; the caller's own render of the
    /// page reports errors in context.
    fn nav_html(
        &self,
        lang: &str,
        current_url: &str,
        base: &Context,
    ) -> Option<std::sync::Arc<String>> {
        let tera = self.tera.filter(|_| self.has_nav_template)?;
        let mut key = lang.to_string();
        for url in self.nav_urls.get(lang).into_iter().flatten() {
            if current_url.starts_with(url.as_str()) {
                key.push('\n');
                key.push_str(url);
                if current_url == url {
                    key.push('=');
                }
            }
        }
        if let Some(html) = self.nav_html.lock().ok()?.get(&key) {
            return Some(html.clone());
        }
        let mut ctx = Context::new();
        for name in ["lang", "t", "current_url", "site", "nav"] {
            if let Some(value) = base.get(name) {
                ctx.insert(name, value);
            }
        }
        let html = std::sync::Arc::new(tera.render(NAV_TEMPLATE, &ctx).ok()?);
        self.nav_html.lock().ok()?.insert(key, html.clone());
        Some(html)
    }

    /// A page as a listing in `lang` shows it.
    fn summary(&self, page: &'a Page, lang: &str) -> Summary<'a> {
        let due = page.review_due(&self.site.config);
        Summary {
            title: &page.title,
            url: &page.url,
            description: page.meta.description.as_deref().unwrap_or(""),
            lang: &page.lang,
            kind: page.kind(),
            shown: self.shown(page, due, lang),
            owner: page.meta.owner.as_deref(),
            reviewed: page.meta.reviewed.map(|d| d.to_string()),
            review_by: due.map(|d| d.to_string()),
            review_status: review_status(due, self.site.today),
            tags: self.tags(page),
        }
    }

    fn tags(&self, page: &'a Page) -> Vec<TermLink<'a>> {
        page.meta
            .tags
            .iter()
            .filter_map(|tag| {
                let url = self.listings.term_url("tags", tag)?;
                Some(TermLink { name: tag, url })
            })
            .collect()
    }

    fn summaries(&self, pages: &[usize], lang: &str) -> Vec<Summary<'a>> {
        pages
            .iter()
            .map(|&p| self.summary(&self.site.pages[p], lang))
            .collect()
    }

    fn link_to(&self, page: usize) -> Link {
        let page = &self.site.pages[page];
        Link {
            title: page.title.clone(),
            url: page.url.clone(),
        }
    }

    /// Home down to `section` (inclusive), in `lang`.
    fn crumbs(&self, section: usize, lang: &str) -> Vec<Link> {
        let mut chain = Vec::new();
        let mut at = Some(section);
        while let Some(s) = at {
            if let Some(variant) = self.listings.variant(s, lang) {
                if self.listings.section_included[s] {
                    chain.push(Link {
                        title: variant.title.clone(),
                        url: variant.url.clone(),
                    });
                }
            }
            at = self.site.sections[s].parent;
        }
        chain.reverse();
        chain
    }

    fn section_of(&self, page: &Page) -> usize {
        self.site
            .sections
            .binary_search_by(|s| s.dir.as_str().cmp(page.dir.as_str()))
            .unwrap_or(0)
    }

    /// A page's context, built in the thread's `scratch`: the base of its
    /// language is copied once per thread, not once per page (that copy and
    /// its drop were a tenth of rendering a page), and each page replaces
    /// every name it sets.
    pub fn page<'s>(&self, index: usize, scratch: &'s mut PageScratch) -> &'s Context {
        let site = self.site;
        let page = &site.pages[index];
        let ctx = scratch
            .by_lang
            .entry(page.lang.clone())
            .or_insert_with(|| self.base_of(&page.lang));
        self.place(ctx, &page.lang, &page.url);
        let section = self.section_of(page);
        let (prev, next) = self.listings.neighbours(index);
        let due = page.review_due(&site.config);
        let words = page.doc.stats.words;
        let value = PageValue {
            title: &page.title,
            description: page.meta.description.as_deref().unwrap_or(""),
            content: self.content(page),
            url: &page.url,
            permalink: permalink(&site.config.base_url, &page.url),
            lang: &page.lang,
            kind: page.kind(),
            shown: self.shown(page, due, &page.lang),
            owner: page.meta.owner.as_deref(),
            audience: &page.meta.audience,
            reviewed: page.meta.reviewed.map(|d| d.to_string()),
            review_by: due.map(|d| d.to_string()),
            review_status: review_status(due, site.today),
            tags: self.tags(page),
            toc: toc::build(&page.doc.headings),
            word_count: words,
            // About 200 words a minute for guidance read with care.
            reading_minutes: words.div_ceil(200).max(1),
            section: self
                .listings
                .variant(section, &page.lang)
                .filter(|_| self.listings.section_included[section])
                .map(|v| Link {
                    title: v.title.clone(),
                    url: v.url.clone(),
                }),
            prev: prev.map(|p| self.link_to(p)),
            next: next.map(|p| self.link_to(p)),
            extra: &page.meta.extra,
        };
        ctx.insert("page", &value);
        let translations: Vec<Translation> = self
            .listings
            .translations_of(site, index)
            .map(|p| {
                let other = &site.pages[p];
                Translation {
                    lang: other.lang.clone(),
                    lang_name: super::language_name(&other.lang),
                    url: other.url.clone(),
                    permalink: permalink(&site.config.base_url, &other.url),
                    title: other.title.clone(),
                }
            })
            .collect();
        ctx.insert("translations", &translations);
        ctx.insert("breadcrumbs", &self.crumbs(section, &page.lang));
        ctx
    }

    pub fn section(&self, variant: &SectionVariant) -> Context {
        let site = self.site;
        let mut ctx = self.base(&variant.lang, &variant.url);
        let section = &site.sections[variant.section];
        let index = self
            .listings
            .variant_index(variant.section, &variant.lang)
            .unwrap_or(0);
        let pages = &self.listings.pages_of[index];
        let subsections: Vec<Value> = section
            .children
            .iter()
            .filter(|&&c| self.listings.section_included[c])
            .filter_map(|&c| {
                let v = self.listings.variant(c, &variant.lang)?;
                let count = self
                    .listings
                    .variant_index(c, &variant.lang)
                    .map(|i| self.listings.pages_of[i].len())
                    .unwrap_or(0);
                Some(serde_json::json!({"title": v.title, "url": v.url, "description": v.description, "page_count": count}))
            })
            .collect();
        let (content, lang) = match variant.page {
            Some(p) => (self.content(&site.pages[p]), site.pages[p].lang.as_str()),
            None => (String::new(), variant.lang.as_str()),
        };
        insert_value(
            &mut ctx,
            "section",
            serde_json::json!({
                "title": variant.title,
                "description": variant.description,
                "content": content,
                "url": variant.url,
                "permalink": permalink(&site.config.base_url, &variant.url),
                "lang": lang,
                "pages": self.summaries(pages, lang),
                "subsections": subsections,
            }),
        );
        if variant.section == 0 {
            let mut recent: Vec<usize> = self
                .listings
                .recent
                .iter()
                .copied()
                .filter(|&p| site.pages[p].lang == variant.lang)
                .take(10)
                .collect();
            if recent.is_empty() {
                recent = self.listings.recent.iter().copied().take(10).collect();
            }
            ctx.insert("recent", &self.summaries(&recent, lang));
        }
        let translations: Vec<Translation> = self
            .listings
            .variants_of(variant.section)
            .filter(|v| v.lang != variant.lang)
            .map(|v| Translation {
                lang: v.lang.clone(),
                lang_name: super::language_name(&v.lang),
                url: v.url.clone(),
                permalink: permalink(&site.config.base_url, &v.url),
                title: v.title.clone(),
            })
            .collect();
        ctx.insert("translations", &translations);
        let crumbs = match section.parent {
            Some(parent) => self.crumbs(parent, &variant.lang),
            None => Vec::new(),
        };
        ctx.insert("breadcrumbs", &crumbs);
        ctx
    }

    pub fn taxonomy(&self, taxonomy: &Taxonomy) -> Context {
        let lang = &self.site.config.default_language;
        let mut ctx = self.base(lang, &taxonomy.url);
        let terms: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "url": t.url, "count": t.pages.len()}))
            .collect();
        ctx.insert(
            "taxonomy",
            &serde_json::json!({"name": taxonomy.name, "title": self.taxonomy_title(taxonomy, lang), "url": taxonomy.url, "terms": terms}),
        );
        ctx.insert("translations", &Vec::<Value>::new());
        ctx.insert("breadcrumbs", &self.crumbs(0, lang));
        ctx
    }

    pub fn term(&self, taxonomy: &Taxonomy, term: &Term) -> Context {
        let lang = &self.site.config.default_language;
        let mut ctx = self.base(lang, &term.url);
        ctx.insert(
            "taxonomy",
            &serde_json::json!({"name": taxonomy.name, "title": self.taxonomy_title(taxonomy, lang), "url": taxonomy.url}),
        );
        insert_value(
            &mut ctx,
            "term",
            serde_json::json!({"name": term.name, "url": term.url, "pages": self.summaries(&term.pages, lang)}),
        );
        ctx.insert("translations", &Vec::<Value>::new());
        let mut crumbs = self.crumbs(0, lang);
        crumbs.push(Link {
            title: self.taxonomy_title(taxonomy, lang),
            url: taxonomy.url.clone(),
        });
        ctx.insert("breadcrumbs", &crumbs);
        ctx
    }

    /// The search page of a language: `search/`, or `en/search/`.
    pub fn search(&self, lang: &str) -> Context {
        let mut ctx = self.base(lang, &search_url(self.site, lang));
        // The search pages of the other languages, for the language switcher.
        let translations: Vec<Translation> = self
            .site
            .config
            .languages
            .iter()
            .filter(|other| other.as_str() != lang)
            .map(|other| {
                let url = search_url(self.site, other);
                Translation {
                    lang: other.clone(),
                    lang_name: super::language_name(other),
                    permalink: permalink(&self.site.config.base_url, &url),
                    url,
                    title: self.string(other, "search_results", "Search"),
                }
            })
            .collect();
        ctx.insert("translations", &translations);
        ctx.insert("breadcrumbs", &Vec::<Value>::new());
        ctx
    }

    /// The review dashboards to render: (language, output path).
    pub fn dashboard_pages(&self) -> Vec<(String, String)> {
        self.dashboards
            .iter()
            .map(|(lang, (_, path))| (lang.clone(), path.clone()))
            .collect()
    }

    /// The review dashboard of a language: every page of this build's
    /// audience, grouped by owner, what needs attention first.
    pub fn dashboard(&self, lang: &str) -> Context {
        let site = self.site;
        let url = self
            .dashboards
            .get(lang)
            .map(|(url, _)| url.clone())
            .unwrap_or_default();
        let mut ctx = self.base(lang, &url);
        let mut rows: Vec<(u8, Option<Date>, String, &Page)> = site
            .included_pages()
            .filter(|(_, p)| !p.is_section_index)
            .map(|(_, p)| {
                let due = p.review_due(&site.config);
                let rank = match review_status(due, site.today) {
                    Some("overdue") => 0,
                    Some("due-soon") => 1,
                    None => 2,
                    _ => 3,
                };
                (rank, due, crate::slug::fold(&p.title), p)
            })
            .collect();
        // Most urgent first; an undated page sorts after the dated ones of its rank.
        rows.sort_by(|a, b| {
            (a.0, a.1.is_none(), a.1, &a.2, &a.3.url).cmp(&(
                b.0,
                b.1.is_none(),
                b.1,
                &b.2,
                &b.3.url,
            ))
        });
        let mut groups: Vec<DashboardGroup> = Vec::new();
        let mut totals = DashboardCounts::default();
        for (_, due, _, page) in rows {
            let owner = page.meta.owner.as_deref().filter(|o| !o.trim().is_empty());
            let status = review_status(due, site.today);
            let at = match groups.iter().position(|g| g.owner.as_deref() == owner) {
                Some(at) => at,
                None => {
                    groups.push(DashboardGroup {
                        owner: owner.map(str::to_string),
                        counts: DashboardCounts::default(),
                        pages: Vec::new(),
                    });
                    groups.len() - 1
                }
            };
            groups[at].counts.add(status);
            totals.add(status);
            groups[at].pages.push(DashboardRow {
                title: page.title.clone(),
                url: page.url.clone(),
                lang: page.lang.clone(),
                lang_name: if site.config.languages.contains(&page.lang) {
                    super::language_name(&page.lang)
                } else {
                    page.lang.clone()
                },
                kind: page.kind().map(str::to_string),
                shown: self.shown(page, due, lang),
                reviewed: page.meta.reviewed.map(|d| d.to_string()),
                review_by: due.map(|d| d.to_string()),
                review_status: status,
            });
        }
        // Owners with the most overdue guidance first, then due soon, then by
        // name; pages nobody owns last.
        groups.sort_by(|a, b| {
            (
                b.counts.overdue,
                b.counts.due_soon,
                a.owner.is_none(),
                &a.owner,
            )
                .cmp(&(
                    a.counts.overdue,
                    a.counts.due_soon,
                    b.owner.is_none(),
                    &b.owner,
                ))
        });
        let title = self.string(lang, "dashboard", "Review dashboard");
        insert_value(
            &mut ctx,
            "dashboard",
            serde_json::json!({
                "title": title,
                "url": url,
                "today": site.today.to_string(),
                "counts": totals,
                "owners": groups,
            }),
        );
        let translations: Vec<Translation> = self
            .dashboards
            .iter()
            .filter(|(other, _)| other.as_str() != lang)
            .map(|(other, (url, _))| Translation {
                lang: other.clone(),
                lang_name: super::language_name(other),
                url: url.clone(),
                permalink: permalink(&site.config.base_url, url),
                title: self.string(other, "dashboard", "Review dashboard"),
            })
            .collect();
        ctx.insert("translations", &translations);
        ctx.insert("breadcrumbs", &self.crumbs(0, lang));
        ctx
    }

    /// The UI strings of `lang` (templates' `t`), or of the default
    /// language when the theme has none for it.
    fn ui(&self, lang: &str) -> Option<&Value> {
        self.strings
            .get(lang)
            .or_else(|| self.strings.get(&self.site.config.default_language))
    }

    /// One of `lang`'s UI strings (see [`Shared::ui`]).
    fn ui_text(&self, lang: &str, key: &str) -> Option<&str> {
        self.ui(lang)?.get(key)?.as_str()
    }

    /// A page's type and review dates as `lang` shows them.
    fn shown(&self, page: &Page, due: Option<Date>, lang: &str) -> Shown {
        Shown {
            type_name: page.kind().map(|kind| {
                self.ui_text(lang, &format!("type_{kind}"))
                    .unwrap_or(kind)
                    .to_string()
            }),
            reviewed_text: page.meta.reviewed.map(|d| self.date_text(d, lang)),
            review_by_text: due.map(|d| self.date_text(d, lang)),
        }
    }

    /// A date as `lang` writes it, from the memo when it was written before.
    fn date_text(&self, d: Date, lang: &str) -> String {
        let known = self
            .date_texts
            .lock()
            .ok()
            .and_then(|memo| memo.get(lang)?.get(&d).cloned());
        if let Some(text) = known {
            return text;
        }
        let text = self.write_date(d, lang);
        if let Ok(mut memo) = self.date_texts.lock() {
            memo.entry(lang.to_string())
                .or_default()
                .insert(d, text.clone());
        }
        text
    }

    /// A date as `lang`'s `date_format` writes it (ISO when it has none).
    fn write_date(&self, d: Date, lang: &str) -> String {
        let iso = d.to_string();
        let Some(format) = self
            .ui_text(lang, "date_format")
            .filter(|_| is_plain_iso(&iso))
        else {
            return iso;
        };
        // As the `date` macro: day without a leading zero, the month's
        // name when the theme has one.
        let month_number = format!("{:02}", d.month());
        let month = self
            .ui_text(lang, &format!("month_{month_number}"))
            .unwrap_or(&month_number);
        let year = iso.split('-').next().unwrap_or_default();
        format
            .replace("{day}", &d.day().to_string())
            .replace("{month}", month)
            .replace("{year}", year)
    }

    fn string(&self, lang: &str, key: &str, default: &str) -> String {
        self.strings
            .get(lang)
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_string()
    }

    fn home_url(&self, lang: &str) -> String {
        self.listings
            .variants_of(0)
            .find(|v| v.lang == lang)
            .map(|v| v.url.clone())
            .unwrap_or_else(|| self.site.base_path())
    }

    pub fn not_found(&self) -> Context {
        let lang = &self.site.config.default_language;
        let mut ctx = self.base(lang, &format!("{}404.html", self.site.base_path()));
        ctx.insert("translations", &Vec::<Value>::new());
        ctx.insert("breadcrumbs", &Vec::<Value>::new());
        ctx
    }

    fn taxonomy_title(&self, taxonomy: &Taxonomy, lang: &str) -> String {
        self.strings
            .get(lang)
            .and_then(|s| s.get(format!("taxonomy_{}", taxonomy.name)))
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| crate::content::humanize(&taxonomy.name))
    }
}

/// The template of the navigation tree, rendered once per distinct current
/// position and given to pages as `nav_html`.
pub const NAV_TEMPLATE: &str = "partials/nav.html";

/// Puts a value built for the context in it, moved: `Context::insert`
/// serialises its argument, which for a `Value` is a deep copy — of every
/// page a tag page or the dashboard lists.
fn insert_value(ctx: &mut Context, key: &str, value: Value) {
    let mut map = serde_json::Map::new();
    map.insert(key.to_string(), value);
    // An object always makes a context.
    if let Ok(named) = Context::from_value(Value::Object(map)) {
        ctx.extend(named);
    }
}

/// `YYYY-MM-DD`: what the `date` macro formats (it shows anything else as given).
fn is_plain_iso(date: &str) -> bool {
    let b = date.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn collect_nav_urls(nodes: &[NavNode], urls: &mut Vec<String>) {
    for node in nodes {
        urls.push(node.url.clone());
        urls.extend(node.pages.iter().map(|p| p.url.clone()));
        collect_nav_urls(&node.children, urls);
    }
}

fn nav_page_count(nodes: &[NavNode]) -> usize {
    nodes
        .iter()
        .map(|n| n.pages.len() + nav_page_count(&n.children))
        .sum()
}

fn drop_nav_pages(nodes: &mut [NavNode]) {
    for node in nodes {
        node.pages.clear();
        drop_nav_pages(&mut node.children);
    }
}

fn nav_nodes(site: &Site, listings: &Listings, section: usize, lang: &str) -> Vec<NavNode> {
    site.sections[section]
        .children
        .iter()
        .filter(|&&c| listings.section_included[c])
        .filter_map(|&c| {
            let variant = listings.variant(c, lang)?;
            let pages = listings
                .variant_index(c, lang)
                .map(|v| listings.pages_of[v].as_slice())
                .unwrap_or(&[]);
            Some(NavNode {
                title: variant.title.clone(),
                url: variant.url.clone(),
                page_count: pages.len(),
                pages: if pages.len() <= NAV_PAGE_LIMIT {
                    pages
                        .iter()
                        .map(|&p| Link {
                            title: site.pages[p].title.clone(),
                            url: site.pages[p].url.clone(),
                        })
                        .collect()
                } else {
                    Vec::new()
                },
                children: nav_nodes(site, listings, c, lang),
            })
        })
        .collect()
}

/// Where a language's search page is.
pub fn search_url(site: &Site, lang: &str) -> String {
    format!("{}{}search/", site.base_path(), search_prefix(site, lang))
}

pub fn search_prefix(site: &Site, lang: &str) -> String {
    if lang == site.config.default_language {
        String::new()
    } else {
        format!("{lang}/")
    }
}

/// An absolute URL for a root-relative one, when `base_url` names a host.
pub fn permalink(base_url: &str, url: &str) -> String {
    match base_url.find("://") {
        Some(i) => {
            let host_end = base_url[i + 3..]
                .find('/')
                .map(|j| i + 3 + j)
                .unwrap_or(base_url.len());
            format!("{}{url}", &base_url[..host_end])
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permalinks_join_host_and_path() {
        assert_eq!(
            permalink("https://org.github.io/kb/", "/kb/a/"),
            "https://org.github.io/kb/a/"
        );
        assert_eq!(permalink("/", "/a/"), "/a/");
    }

    #[test]
    fn review_status_by_date() {
        let today = jiff::civil::date(2026, 11, 25);
        assert_eq!(
            review_status(Some(jiff::civil::date(2026, 11, 24)), today),
            Some("overdue")
        );
        assert_eq!(
            review_status(Some(jiff::civil::date(2026, 12, 20)), today),
            Some("due-soon")
        );
        assert_eq!(
            review_status(Some(jiff::civil::date(2027, 3, 1)), today),
            Some("ok")
        );
        assert_eq!(review_status(None, today), None);
    }
}
