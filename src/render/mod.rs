//! Rendering: the resolved [`Site`] becomes an [`Output`] — every page,
//! section, taxonomy page and site-wide file, in memory.
//!
//! Everything a template lists (sections, tags, prev/next, translations, the
//! feed, the sitemap) is computed here from the audience's pages only: an
//! internal page is never handed to a template to be filtered out later.
//! Pages render in parallel; the output is keyed by path, so it is the same
//! bytes however the threads interleave.

mod context;
mod decorate;
mod feeds;
mod listing;

use std::collections::BTreeMap;

use rayon::prelude::*;
use tera::Tera;

use crate::content::Site;
use crate::error::{Error, Result};
use crate::output::{Content, MemorySink, Output, Sink};
use crate::theme::{StaticFile, Theme};
pub use listing::{taxonomy_values, Listings};

/// Templates a theme must provide.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "page.html",
    "section.html",
    "home.html",
    "taxonomy_list.html",
    "taxonomy_term.html",
    "404.html",
];

/// Renders the whole site, search index included, into memory (for `serve` and tests).
pub fn render(site: &Site, theme: &Theme) -> Result<Output> {
    let sink = MemorySink::default();
    render_into(site, theme, &sink)?;
    for (path, bytes) in crate::search::index(site) {
        sink.put(&path, Content::Bytes(bytes))?;
    }
    Ok(sink.into_output())
}

/// Renders the whole site into a sink. Files that share a path are resolved
/// by order: content assets, then theme and `static/` files, then pages —
/// the later wins, so a page is never shadowed by a stray file.
pub fn render_into(site: &Site, theme: &Theme, sink: &dyn Sink) -> Result<()> {
    let tera = templates(theme)?;
    let listings = Listings::new(site);
    render_site(site, theme, &tera, &listings, sink)
}

/// [`render_into`] with the compiled templates and the listings prepared by
/// the caller: `serve` keeps them between edits.
pub fn render_site(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    listings: &Listings,
    sink: &dyn Sink,
) -> Result<()> {
    render_content(site, theme, tera, listings, sink)?;
    render_site_wide(site, theme, tera, listings, sink)
}

/// The first half of [`render_site`]: content assets, theme and `static/`
/// files, pages and section pages — all that reads the pages' HTML.
pub fn render_content(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    listings: &Listings,
    sink: &dyn Sink,
) -> Result<()> {
    let ctx = context::Shared::new(site, theme, listings).with_tera(tera);

    for asset in &site.assets {
        if site.audience.internal || asset.visibility == crate::content::Visibility::Public {
            sink.put(&asset.rel_path, Content::Copy(asset.abs_path.clone()))?;
        }
    }
    for (path, file) in &theme.static_files {
        let content = match file {
            StaticFile::Embedded(bytes) => Content::Static(bytes),
            StaticFile::Disk(path) => Content::Copy(path.clone()),
        };
        sink.put(path, content)?;
    }

    let pages: Vec<usize> = site
        .included_pages()
        .filter(|(_, p)| !p.is_section_index)
        .map(|(i, _)| i)
        .collect();
    pages
        .par_iter()
        .try_for_each_init(context::PageScratch::default, |scratch, &i| {
            render_page(&ctx, tera, theme, i, scratch, sink)
        })?;
    listings
        .variants
        .par_iter()
        .try_for_each(|variant| render_variant(&ctx, tera, theme, variant, sink))
}

/// The second half of [`render_site`]: tag pages and the pages made once per
/// site or language. None reads a page's HTML, so `cmkb build` frees the HTML
/// before making them — the dashboards and tag pages list every page, and
/// were the largest moment of rendering.
pub fn render_site_wide(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    listings: &Listings,
    sink: &dyn Sink,
) -> Result<()> {
    let ctx = context::Shared::new(site, theme, listings).with_tera(tera);
    // Tag pages stream out in parallel; at the same time, the pages made
    // once per site or language (taxonomy lists, search pages, dashboards,
    // 404, sitemap, feed, robots) render in parallel too — the dashboards
    // list every page and were a fifth of rendering, one after the other.
    // They are handed to the sink afterwards, in this order, so the later
    // still wins where two share a path.
    let (terms, singles) = rayon::join(
        || {
            listings.taxonomies.iter().try_for_each(|taxonomy| {
                taxonomy.terms.par_iter().try_for_each(|term| {
                    let html = render_one(
                        tera,
                        theme,
                        "taxonomy_term.html",
                        &ctx.term(taxonomy, term),
                        &term.url,
                    )?;
                    sink.put(&term.output_path, Content::Bytes(html))
                })
            })
        },
        || {
            site_wide(site, theme, tera, listings, &ctx)
                .par_iter()
                .map(|job| job())
                .collect::<Result<Vec<(String, Vec<u8>)>>>()
        },
    );
    terms?;
    for (path, bytes) in singles? {
        sink.put(&path, Content::Bytes(bytes))?;
    }
    Ok(())
}

/// A page made once per site or language: its path and bytes.
type SiteWideJob<'a> = Box<dyn Fn() -> Result<(String, Vec<u8>)> + Send + Sync + 'a>;

/// The pages made once per site or language, in the order they reach the
/// sink.
fn site_wide<'a>(
    site: &'a Site,
    theme: &'a Theme,
    tera: &'a Tera,
    listings: &'a Listings,
    ctx: &'a context::Shared<'a>,
) -> Vec<SiteWideJob<'a>> {
    let mut jobs: Vec<SiteWideJob<'a>> = Vec::new();
    for taxonomy in &listings.taxonomies {
        jobs.push(Box::new(move || {
            let html = render_one(
                tera,
                theme,
                "taxonomy_list.html",
                &ctx.taxonomy(taxonomy),
                &taxonomy.url,
            )?;
            Ok((taxonomy.output_path.clone(), html))
        }));
    }
    // The search page, once per site language, when the theme has one.
    if theme.templates.contains_key("search.html") {
        for lang in &site.config.languages {
            jobs.push(Box::new(move || {
                let path = format!("{}search/index.html", context::search_prefix(site, lang));
                let html = render_one(tera, theme, "search.html", &ctx.search(lang), &path)?;
                Ok((path, html))
            }));
        }
    }
    // The review dashboard, once per site language, when the theme has one.
    for (lang, path) in ctx.dashboard_pages() {
        jobs.push(Box::new(move || {
            let html = render_one(tera, theme, "dashboard.html", &ctx.dashboard(&lang), &path)?;
            Ok((path.clone(), html))
        }));
    }
    jobs.push(Box::new(move || {
        let html = render_one(tera, theme, "404.html", &ctx.not_found(), "404.html")?;
        Ok(("404.html".to_string(), html))
    }));
    jobs.push(Box::new(move || {
        Ok((
            "sitemap.xml".to_string(),
            feeds::sitemap(site, listings).into_bytes(),
        ))
    }));
    jobs.push(Box::new(move || {
        Ok((
            "atom.xml".to_string(),
            feeds::atom(site, listings).into_bytes(),
        ))
    }));
    jobs.push(Box::new(move || {
        Ok(("robots.txt".to_string(), feeds::robots(site).into_bytes()))
    }));
    jobs
}

/// Renders chosen pages only — for a section's `_index` page, the section's
/// own pages in each language — with listings prepared for the whole site.
/// Right when the pages changed in nothing another page shows (`serve`
/// checks that); pages this audience does not get are skipped.
pub fn render_pages(
    site: &Site,
    theme: &Theme,
    tera: &Tera,
    listings: &Listings,
    pages: &[usize],
    sink: &dyn Sink,
) -> Result<()> {
    let ctx = context::Shared::new(site, theme, listings).with_tera(tera);
    pages
        .par_iter()
        .try_for_each_init(context::PageScratch::default, |scratch, &i| {
            let page = &site.pages[i];
            if !page.included {
                return Ok(());
            }
            if !page.is_section_index {
                return render_page(&ctx, tera, theme, i, scratch, sink);
            }
            listings
                .variants
                .iter()
                .filter(|v| v.page == Some(i))
                .try_for_each(|variant| render_variant(&ctx, tera, theme, variant, sink))
        })
}

fn render_page(
    ctx: &context::Shared<'_>,
    tera: &Tera,
    theme: &Theme,
    index: usize,
    scratch: &mut context::PageScratch,
    sink: &dyn Sink,
) -> Result<()> {
    let page = &ctx.site().pages[index];
    let template = page.meta.template.as_deref().unwrap_or("page.html");
    let html = render_one(
        tera,
        theme,
        template,
        ctx.page(index, scratch),
        &page.source.path.display().to_string(),
    )?;
    sink.put(&page.output_path, Content::Bytes(html))
}

fn render_variant(
    ctx: &context::Shared<'_>,
    tera: &Tera,
    theme: &Theme,
    variant: &listing::SectionVariant,
    sink: &dyn Sink,
) -> Result<()> {
    let template = if variant.section == 0 {
        "home.html"
    } else {
        "section.html"
    };
    let html = render_one(tera, theme, template, &ctx.section(variant), &variant.url)?;
    sink.put(&variant.output_path, Content::Bytes(html))
}

/// Compiles the theme's templates (site overrides already applied).
pub fn templates(theme: &Theme) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(escape_html);
    let sources: Vec<(&str, &str)> = theme
        .templates
        .iter()
        .map(|(name, (_, text))| (name.as_str(), text.as_str()))
        .collect();
    tera.add_raw_templates(sources).map_err(|e| {
        let shown = failing_template(&e, theme);
        Error::Template(format!("template error in {shown}: {}", error_chain(&e)))
    })?;
    for name in REQUIRED_TEMPLATES {
        if !theme.templates.contains_key(*name) {
            return Err(Error::Template(format!(
                "the template `{name}` is missing: add templates/{name} to the site or to the theme (themes/<name>/templates/{name})"
            )));
        }
    }
    Ok(tera)
}

fn failing_template(e: &tera::Error, theme: &Theme) -> String {
    let text = error_chain(e);
    theme
        .templates
        .iter()
        .find(|(name, _)| text.contains(&format!("'{name}'")))
        .map(|(_, (shown, _))| shown.clone())
        .unwrap_or_else(|| "the templates".into())
}

/// Room for a typical page and its navigation (a 10,000-page site's are
/// 33 KB), so rendering one does not grow and copy its buffer.
const RENDER_BUFFER: usize = 64 * 1024;

fn render_one(
    tera: &Tera,
    theme: &Theme,
    template: &str,
    context: &tera::Context,
    what: &str,
) -> Result<Vec<u8>> {
    if !theme.templates.contains_key(template) {
        return Err(Error::Template(format!(
            "{what} asks for the template `{template}`, which does not exist; add templates/{template} or fix `template` in its front matter"
        )));
    }
    // Straight into bytes: `Tera::render` starts from a 2 KB buffer and
    // checks the finished text is UTF-8, which it is by construction.
    let mut html = Vec::with_capacity(RENDER_BUFFER);
    tera.render_to(template, context, &mut html).map_err(|e| {
        let shown = theme
            .templates
            .get(template)
            .map(|(shown, _)| shown.as_str())
            .unwrap_or(template);
        Error::Template(format!(
            "template error in {shown} while rendering {what}: {}",
            error_chain(&e)
        ))
    })?;
    Ok(html)
}

/// Escapes what HTML needs escaped and nothing more: Tera's default also
/// escapes `/`, which makes every URL in the output unreadable.
fn escape_html(text: &str) -> String {
    feeds::xml_escape(text)
}

/// Tera nests the useful part of a message in its sources.
fn error_chain(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.dedup();
    parts.join(": ")
}

/// Language names for the switcher, in their own language.
pub fn language_name(code: &str) -> String {
    let names: BTreeMap<&str, &str> = BTreeMap::from([
        ("ca", "Català"),
        ("de", "Deutsch"),
        ("en", "English"),
        ("es", "Español"),
        ("eu", "Euskara"),
        ("fr", "Français"),
        ("gl", "Galego"),
        ("it", "Italiano"),
        ("nl", "Nederlands"),
        ("pt", "Português"),
        ("pt-br", "Português (Brasil)"),
    ]);
    names
        .get(code)
        .map(|s| s.to_string())
        .unwrap_or_else(|| code.to_uppercase())
}
