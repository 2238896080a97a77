//! What lists what: section pages per language, translations, neighbours,
//! taxonomies and recently reviewed guidance — computed once, from the
//! audience's pages only.

use std::collections::{BTreeMap, HashMap};

use crate::content::{Page, Site, Visibility};
use crate::slug;
use rayon::prelude::*;

/// One language version of a section's page (its `_index.md`, or a listing
/// cmkb makes up for a folder that has none).
#[derive(Debug, Clone)]
pub struct SectionVariant {
    pub section: usize,
    pub lang: String,
    /// The `_index` page, when the folder has one in this language.
    pub page: Option<usize>,
    pub url: String,
    pub output_path: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub name: String,
    pub url: String,
    pub output_path: String,
    pub terms: Vec<Term>,
    /// Other spellings met (`Moderación` for `moderación`) → the term's URL.
    pub aliases: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub url: String,
    pub output_path: String,
    pub pages: Vec<usize>,
}

#[derive(Debug, Default)]
pub struct Listings {
    pub variants: Vec<SectionVariant>,
    by_section: HashMap<usize, Vec<usize>>,
    /// Variant index → the pages it lists, sorted by weight then title.
    pub pages_of: Vec<Vec<usize>>,
    /// Translation group → included pages.
    translations: HashMap<String, Vec<usize>>,
    neighbours: HashMap<usize, (Option<usize>, Option<usize>)>,
    pub taxonomies: Vec<Taxonomy>,
    /// Included pages with a review date, newest first.
    pub recent: Vec<usize>,
    pub section_included: Vec<bool>,
    /// Term name → URL, per taxonomy.
    term_urls: HashMap<(String, String), String>,
}

impl Listings {
    pub fn new(site: &Site) -> Listings {
        let mut listings = Listings::default();
        let base = site.base_path();
        let rank = order_ranks(site);
        let default_language = &site.config.default_language;
        listings.section_included = site
            .sections
            .iter()
            .map(|s| site.audience.internal || s.visibility == Visibility::Public)
            .collect();

        for (i, section) in site.sections.iter().enumerate() {
            if !listings.section_included[i] {
                continue;
            }
            let mut ids = Vec::new();
            let mut seen_langs: Vec<&str> = Vec::new();
            for &p in &section.index_pages {
                let page = &site.pages[p];
                if !page.included || seen_langs.contains(&page.lang.as_str()) {
                    continue;
                }
                seen_langs.push(&page.lang);
                ids.push(listings.variants.len());
                listings.variants.push(SectionVariant {
                    section: i,
                    lang: page.lang.clone(),
                    page: Some(p),
                    url: page.url.clone(),
                    output_path: page.output_path.clone(),
                    title: page.title.clone(),
                    description: page.meta.description.clone().unwrap_or_default(),
                });
            }
            if ids.is_empty() {
                let path: String = section
                    .dir
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(|s| format!("{}/", slug::path_segment(s)))
                    .collect();
                let name = section.dir.rsplit('/').next().unwrap_or("");
                ids.push(listings.variants.len());
                listings.variants.push(SectionVariant {
                    section: i,
                    lang: default_language.clone(),
                    page: None,
                    url: format!("{base}{path}"),
                    output_path: format!("{path}index.html"),
                    title: if section.dir.is_empty() {
                        site.config.title.clone()
                    } else {
                        crate::content::humanize(name)
                    },
                    description: if section.dir.is_empty() {
                        site.config.description.clone()
                    } else {
                        String::new()
                    },
                });
            }
            listings.by_section.insert(i, ids);
        }

        for (i, page) in site.included_pages() {
            if !page.is_section_index {
                listings
                    .translations
                    .entry(page.translation_group.clone())
                    .or_default()
                    .push(i);
            }
        }

        listings.pages_of = listings
            .variants
            .iter()
            .map(|variant| {
                let section = &site.sections[variant.section];
                let mut pages: Vec<usize> = section
                    .pages
                    .iter()
                    .copied()
                    .filter(|&p| site.pages[p].included)
                    .filter(|&p| {
                        let page = &site.pages[p];
                        page.lang == variant.lang
                            || !listings.has_translation_in(site, p, &variant.lang)
                    })
                    .filter(|&p| {
                        // A page in a language that has its own variant of this
                        // section is listed there, not here.
                        let page = &site.pages[p];
                        page.lang == variant.lang
                            || !listings.by_section[&variant.section]
                                .iter()
                                .any(|&v| listings.variants[v].lang == page.lang)
                    })
                    .collect();
                pages.sort_by_key(|&p| rank[p]);
                pages
            })
            .collect();

        for (v, pages) in listings.pages_of.iter().enumerate() {
            let lang = &listings.variants[v].lang;
            for (k, &p) in pages.iter().enumerate() {
                if site.pages[p].lang != *lang && listings.neighbours.contains_key(&p) {
                    continue;
                }
                let prev = k.checked_sub(1).map(|j| pages[j]);
                let next = pages.get(k + 1).copied();
                listings.neighbours.insert(p, (prev, next));
            }
        }

        let mut recent: Vec<usize> = site
            .included_pages()
            .filter(|(_, p)| !p.is_section_index && p.meta.reviewed.is_some())
            .map(|(i, _)| i)
            .collect();
        recent.sort_by(|&a, &b| {
            let (pa, pb) = (&site.pages[a], &site.pages[b]);
            pb.meta
                .reviewed
                .cmp(&pa.meta.reviewed)
                .then_with(|| pa.url.cmp(&pb.url))
        });
        listings.recent = recent;

        listings.taxonomies = site
            .config
            .taxonomies
            .iter()
            .map(|name| taxonomy(site, name, &base, &rank))
            .collect();
        for taxonomy in &listings.taxonomies {
            for term in &taxonomy.terms {
                listings
                    .term_urls
                    .insert((taxonomy.name.clone(), term.name.clone()), term.url.clone());
            }
            for (alias, url) in &taxonomy.aliases {
                listings
                    .term_urls
                    .insert((taxonomy.name.clone(), alias.clone()), url.clone());
            }
        }
        listings
    }

    fn has_translation_in(&self, site: &Site, page: usize, lang: &str) -> bool {
        self.translations
            .get(&site.pages[page].translation_group)
            .is_some_and(|group| group.iter().any(|&p| site.pages[p].lang == lang))
    }

    /// The variant of a section in a language, else its default one.
    pub fn variant(&self, section: usize, lang: &str) -> Option<&SectionVariant> {
        let ids = self.by_section.get(&section)?;
        ids.iter()
            .map(|&v| &self.variants[v])
            .find(|v| v.lang == lang)
            .or_else(|| ids.first().map(|&v| &self.variants[v]))
    }

    pub fn variant_index(&self, section: usize, lang: &str) -> Option<usize> {
        let ids = self.by_section.get(&section)?;
        ids.iter()
            .copied()
            .find(|&v| self.variants[v].lang == lang)
            .or_else(|| ids.first().copied())
    }

    pub fn variants_of(&self, section: usize) -> impl Iterator<Item = &SectionVariant> {
        self.by_section
            .get(&section)
            .into_iter()
            .flatten()
            .map(|&v| &self.variants[v])
    }

    /// Other language versions of a page.
    pub fn translations_of<'a>(
        &'a self,
        site: &'a Site,
        page: usize,
    ) -> impl Iterator<Item = usize> + 'a {
        let me = &site.pages[page];
        self.translations
            .get(&me.translation_group)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |&p| p != page && site.pages[p].lang != me.lang)
    }

    pub fn neighbours(&self, page: usize) -> (Option<usize>, Option<usize>) {
        self.neighbours.get(&page).copied().unwrap_or((None, None))
    }

    pub fn term_url(&self, taxonomy: &str, term: &str) -> Option<&str> {
        self.term_urls
            .get(&(taxonomy.to_string(), term.trim().to_string()))
            .map(String::as_str)
    }
}

/// Weight first, then title as a reader would sort it, then URL for ties.
fn order_key(page: &Page) -> (i64, String, String) {
    (page.meta.weight, slug::fold(&page.title), page.url.clone())
}

/// Each page's place in [`order_key`]'s order, pages with equal keys equal:
/// the listings sort by it, instead of making a key per page per list (a
/// page is in its section's list and in one per tag).
fn order_ranks(site: &Site) -> Vec<u32> {
    let keys: Vec<(i64, String, String)> = site.pages.par_iter().map(order_key).collect();
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.par_sort_by(|&a, &b| keys[a].cmp(&keys[b]));
    let mut rank = vec![0u32; keys.len()];
    let mut current = 0u32;
    for (k, &page) in order.iter().enumerate() {
        if k > 0 && keys[order[k - 1]] != keys[page] {
            current += 1;
        }
        rank[page] = current;
    }
    rank
}

/// The values a page has for a taxonomy: `tags`, `audience`, or a list in `extra`.
pub fn taxonomy_values<'a>(page: &'a Page, taxonomy: &str) -> Vec<&'a str> {
    match taxonomy {
        "tags" => page.meta.tags.iter().map(String::as_str).collect(),
        "audience" => page.meta.audience.iter().map(String::as_str).collect(),
        other => match page.meta.extra.get(other) {
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str()).collect()
            }
            Some(serde_json::Value::String(s)) => vec![s.as_str()],
            _ => Vec::new(),
        },
    }
}

fn taxonomy(site: &Site, name: &str, base: &str, rank: &[u32]) -> Taxonomy {
    let tax_slug = slug::path_segment(name);
    // Terms that slug alike ("Moderación", "moderación") are one term, shown
    // with the spelling met first.
    let mut terms: BTreeMap<String, Term> = BTreeMap::new();
    let mut aliases: Vec<(String, String)> = Vec::new();
    // A site has a few dozen tags on thousands of pages: each slugged once.
    let mut slugs: HashMap<&str, String> = HashMap::new();
    for (i, page) in site.included_pages() {
        if page.is_section_index {
            continue;
        }
        for value in taxonomy_values(page, name) {
            let value = value.trim();
            let term_slug = slugs
                .entry(value)
                .or_insert_with(|| slug::path_segment(value));
            if term_slug.is_empty() {
                continue;
            }
            let term_slug = term_slug.clone();
            let term = terms.entry(term_slug.clone()).or_insert_with(|| Term {
                name: value.to_string(),
                url: format!("{base}{tax_slug}/{term_slug}/"),
                output_path: format!("{tax_slug}/{term_slug}/index.html"),
                pages: Vec::new(),
            });
            if term.name != value {
                aliases.push((value.to_string(), term_slug.clone()));
            }
            if term.pages.last() != Some(&i) {
                term.pages.push(i);
            }
        }
    }
    let mut terms: Vec<Term> = terms.into_values().collect();
    for term in &mut terms {
        term.pages.sort_by_key(|&p| rank[p]);
    }
    // Other spellings of a term link to the term's page.
    let aliases = aliases
        .into_iter()
        .map(|(alias, term_slug)| (alias, format!("{base}{tax_slug}/{term_slug}/")))
        .collect();
    Taxonomy {
        name: name.to_string(),
        url: format!("{base}{tax_slug}/"),
        output_path: format!("{tax_slug}/index.html"),
        terms,
        aliases,
    }
}
