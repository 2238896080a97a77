//! Link resolution: every link slot of every included page gets its URL, and
//! every link that leads nowhere becomes a diagnostic naming file and line.
//!
//! Forms understood (anchors allowed on all of them):
//! - relative links to Markdown files: `../playbooks/crisis.md#first-hour`;
//! - content-root links: `@/playbooks/crisis.md` (Zola's form) and `/playbooks/crisis.md`;
//! - links and images to files beside the page (`diagram.png`): rewritten to
//!   the copied file's URL, because the page itself moves to `page/index.html`;
//! - site-root links (`/img/logo.png`, `/tags/`): prefixed with the base path, so
//!   the site works under a subpath.
//!
//! Anything else relative (`../legal/`) is left as written.

use rayon::prelude::*;

use super::{Page, Site, Visibility};
use crate::check::Lang;
use crate::diagnostic::{Diagnostic, Severity};
use crate::markdown::{Link, LinkKind};
use crate::slug;

pub fn resolve(site: &mut Site) {
    let results: Vec<(usize, Vec<String>, Vec<Diagnostic>)> = site
        .pages
        .par_iter()
        .enumerate()
        .filter(|(_, page)| page.included)
        .map(|(i, _)| {
            let (urls, found) = page_links(site, i);
            (i, urls, found)
        })
        .collect();
    for (i, urls, mut found) in results {
        site.pages[i].slot_urls = urls;
        site.diagnostics.append(&mut found);
    }
}

/// One page's links: the URL of each link slot, and the links that lead nowhere.
pub fn page_links(site: &Site, index: usize) -> (Vec<String>, Vec<Diagnostic>) {
    let page = &site.pages[index];
    let mut urls = Vec::new();
    let mut found = Vec::new();
    let lang = Lang::of(&page.lang);
    for link in &page.doc.links {
        // Absolute URLs, `mailto:` and the like are the writer's business.
        if link.slot.is_none() && !link.dest.starts_with('#') {
            continue;
        }
        let outcome = Resolver {
            site,
            page,
            link,
            lang,
        }
        .resolve();
        if link.slot.is_some() {
            urls.push(outcome.url.unwrap_or_else(|| link.dest.clone()));
        }
        if let Some(d) = outcome.problem {
            found.push(d);
        }
    }
    (urls, found)
}

struct Outcome {
    /// The rewritten URL, or `None` to keep the destination as written.
    url: Option<String>,
    problem: Option<Diagnostic>,
}

impl Outcome {
    fn keep() -> Outcome {
        Outcome {
            url: None,
            problem: None,
        }
    }
    fn url(url: String) -> Outcome {
        Outcome {
            url: Some(url),
            problem: None,
        }
    }
    fn problem(d: Diagnostic) -> Outcome {
        Outcome {
            url: None,
            problem: Some(d),
        }
    }
    /// A link that would reveal an internal page: reported, and emptied, so
    /// the public site carries no trace of the path even when the finding is
    /// configured down to a warning.
    fn leak(d: Diagnostic) -> Outcome {
        Outcome {
            url: Some(String::new()),
            problem: Some(d),
        }
    }
}

/// One link of one page being resolved.
struct Resolver<'a> {
    site: &'a Site,
    page: &'a Page,
    link: &'a Link,
    lang: Lang,
}

impl Resolver<'_> {
    fn finding(&self, rule: &str, severity: Severity, message: String, help: String) -> Diagnostic {
        self.page
            .diagnostic_at(
                rule,
                severity,
                self.link.offset,
                link_width(self.page, self.link),
                message,
            )
            .help(help)
    }

    fn broken(&self, es: String, en: String, help: String) -> Outcome {
        Outcome::problem(self.finding("broken-link", Severity::Error, self.lang.pick(es, en), help))
    }

    fn resolve(&self) -> Outcome {
        let (site, page, lang) = (self.site, self.page, self.lang);
        let dest = self.link.dest.trim();
        if crate::markdown::is_dangerous_link(dest) {
            return Outcome::leak(self.finding(
                "unsafe-content",
                Severity::Warning,
                lang.pick(
                    "este enlace ejecuta código en el navegador de quien lo pulse; se ha desactivado".to_string(),
                    "this link runs code in the reader's browser; it has been disabled".to_string(),
                ),
                lang.pick(
                    "enlaza una página o una URL https://; si necesitas interactividad, pídela al tema",
                    "link to a page or an https:// URL; if you need interactivity, ask for it in the theme",
                )
                .into(),
            ));
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path = path.split_once('?').map(|(p, _)| p).unwrap_or(path);

        if path.is_empty() {
            // `#anchor` on this page.
            let anchor = fragment.unwrap_or_default();
            if anchor.is_empty()
                || page.doc.has_anchor(&percent_decode(anchor))
                || page.doc.has_anchor(anchor)
            {
                return Outcome::keep();
            }
            if let Some(id) = folded_anchor(page, anchor) {
                return Outcome::url(format!("#{id}"));
            }
            return self.broken(
                format!("ningún encabezado de esta página tiene el id `#{anchor}`"),
                format!("no heading on this page has the id `#{anchor}`"),
                anchor_help(page, lang),
            );
        }
        let decoded = percent_decode(path);
        let (target, from_root) = if let Some(rest) = decoded.strip_prefix("@/") {
            (Some(rest.to_string()), true)
        } else if let Some(rest) = decoded.strip_prefix('/') {
            if !is_markdown(rest) {
                return self.site_root_link(rest, fragment);
            }
            (Some(rest.to_string()), true)
        } else {
            (normalise(&page.dir, &decoded), false)
        };
        let Some(target) = target else {
            if is_markdown(&decoded) {
                return self.broken(
                    format!("`{dest}` apunta fuera de la carpeta de contenido"),
                    format!("`{dest}` points outside the content folder"),
                    lang.pick(
                        "enlaza una página de la carpeta de contenido, o usa una URL https:// completa",
                        "link to a page inside the content folder, or use a full https:// URL",
                    )
                    .into(),
                );
            }
            return Outcome::keep();
        };

        if is_markdown(&target) {
            return self.markdown_link(dest, &target, fragment);
        }
        // A folder that is a section: link to its page.
        let as_dir = target.trim_end_matches('/');
        if decoded.ends_with('/') || !has_extension(as_dir) {
            for candidate in [format!("{as_dir}/_index.md"), format!("{as_dir}/index.md")] {
                if site.by_path.contains_key(&candidate) {
                    return self.markdown_link(dest, &candidate, fragment);
                }
            }
            return Outcome::keep();
        }
        // A file beside the page (or elsewhere in the content folder).
        if let Some(asset) = site.asset(&target) {
            if asset.visibility == Visibility::Internal && page.visibility == Visibility::Public {
                return self.asset_leak(&target);
            }
            let url = format!("{}{}", site.base_path(), target);
            return Outcome::url(with_fragment(url, fragment));
        }
        if from_root && site.static_files.contains(&target) {
            return Outcome::url(with_fragment(
                format!("{}{}", site.base_path(), target),
                fragment,
            ));
        }
        self.missing_asset(dest)
    }

    fn site_root_link(&self, rest: &str, fragment: Option<&str>) -> Outcome {
        let site = self.site;
        let url = format!("{}{}", site.base_path(), rest);
        // A link written as the URL of an internal page leaks as surely as one
        // to its Markdown file.
        let page_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
        if let Some(&target) = site.by_url.get(&page_url) {
            let target_page = &site.pages[target];
            if target_page.visibility == Visibility::Internal
                && self.page.visibility == Visibility::Public
            {
                return self.leak_to(target_page);
            }
        }
        // …and so does one to a file of an internal section.
        if site
            .asset(rest)
            .is_some_and(|a| a.visibility == Visibility::Internal)
            && self.page.visibility == Visibility::Public
        {
            return self.asset_leak(rest);
        }
        let url = with_fragment(url, fragment);
        let exists = site.static_files.contains(rest) || site.asset(rest).is_some();
        if has_extension(rest) && !exists && self.link.kind == LinkKind::Image {
            let mut outcome = self.missing_asset(&self.link.dest);
            outcome.url = Some(url);
            return outcome;
        }
        Outcome::url(url)
    }

    fn asset_leak(&self, target: &str) -> Outcome {
        Outcome::leak(
            self.finding(
                "confidential-leak",
                Severity::Error,
                self.lang.pick(
                    format!(
                        "esta página pública usa `{target}`, un archivo de una sección interna"
                    ),
                    format!("this public page uses `{target}`, a file in an internal section"),
                ),
                self.lang
                    .pick(
                        "mueve el archivo a una carpeta pública, o quita el enlace",
                        "move the file to a public folder, or drop the link",
                    )
                    .into(),
            ),
        )
    }

    fn leak_to(&self, target: &Page) -> Outcome {
        let shown = target.source.path.display();
        Outcome::leak(self.finding(
            "confidential-leak",
            Severity::Error,
            self.lang.pick(
                format!("esta página pública enlaza {shown}, que es interna"),
                format!("this public page links to {shown}, which is internal"),
            ),
            self.lang.pick(
                "haz pública la página enlazada (`visibility = \"public\"`) si puede publicarse, o quita el enlace",
                "make the target public (`visibility = \"public\"`) if it may be published, or drop the link",
            )
            .into(),
        ))
    }

    fn missing_asset(&self, dest: &str) -> Outcome {
        let image = self.link.kind == LinkKind::Image;
        let message = match (self.lang, image) {
            (Lang::Es, true) => format!("la imagen `{dest}` no existe"),
            (Lang::Es, false) => format!("el archivo `{dest}` no existe"),
            (Lang::En, true) => format!("the image `{dest}` does not exist"),
            (Lang::En, false) => format!("the file `{dest}` does not exist"),
        };
        Outcome::problem(self.finding(
            "missing-asset",
            Severity::Warning,
            message,
            self.lang
                .pick(
                    "añade el archivo junto a la página o en static/, o corrige la ruta; el enlace se deja como está",
                    "add the file beside the page or under static/, or fix the path; the link is kept as written",
                )
                .into(),
        ))
    }

    fn markdown_link(&self, dest: &str, target: &str, fragment: Option<&str>) -> Outcome {
        let (site, page, lang) = (self.site, self.page, self.lang);
        let found = site.by_path.get(target).copied().or_else(|| {
            // Names typed with another Unicode normalisation or case.
            site.by_folded_path.get(&slug::fold(target)).copied()
        });
        let Some(index) = found else {
            return self.broken(
                format!("`{dest}` enlaza una página que no existe (se buscó content/{target})"),
                format!(
                    "`{dest}` links to a page that does not exist (looked for content/{target})"
                ),
                nearest_page_help(site, target, lang),
            );
        };
        let target_page = &site.pages[index];
        if target_page.visibility == Visibility::Internal && page.visibility == Visibility::Public {
            let mut outcome = self.leak_to(target_page);
            if target_page.included {
                // The internal edition links it for real.
                outcome.url = Some(target_page.url.clone());
            }
            return outcome;
        }
        if !target_page.included && target_page.meta.draft {
            return self.broken(
                format!("`{dest}` enlaza un borrador, que esta compilación deja fuera"),
                format!("`{dest}` links to a draft, which this build leaves out"),
                lang.pick(
                    "publica la página (quita `draft = true`), compila con --drafts, o quita el enlace",
                    "publish the target (remove `draft = true`), build with --drafts, or drop the link",
                )
                .into(),
            );
        }
        let Some(anchor) = fragment.filter(|f| !f.is_empty()) else {
            return Outcome::url(target_page.url.clone());
        };
        let decoded = percent_decode(anchor);
        if target_page.doc.has_anchor(&decoded) {
            return Outcome::url(format!("{}#{anchor}", target_page.url));
        }
        if let Some(id) = folded_anchor(target_page, &decoded) {
            return Outcome::url(format!("{}#{id}", target_page.url));
        }
        let shown = target_page.source.path.display();
        self.broken(
            format!("{shown} no tiene ningún encabezado con el id `#{anchor}`"),
            format!("{shown} has no heading with the id `#{anchor}`"),
            anchor_help(target_page, lang),
        )
    }
}

/// An anchor typed without accents or in another case (`#cuando-adaptar` for
/// `#cuándo-adaptar`) still finds its heading; the link is rewritten to the real id.
fn folded_anchor(page: &Page, anchor: &str) -> Option<String> {
    let wanted = slug::anchor_key(anchor);
    if wanted.is_empty() {
        return None;
    }
    page.doc
        .headings
        .iter()
        .find(|h| slug::anchor_key(&h.id) == wanted)
        .map(|h| h.id.clone())
}

fn anchor_help(page: &Page, lang: Lang) -> String {
    let ids: Vec<String> = page
        .doc
        .headings
        .iter()
        .filter(|h| !h.is_title)
        .take(8)
        .map(|h| format!("#{}", h.id))
        .collect();
    if ids.is_empty() {
        lang.pick(
            "esa página no tiene encabezados; enlaza la página sin ancla",
            "that page has no headings; link to the page without an anchor",
        )
        .into()
    } else {
        lang.pick(
            format!("sus encabezados son: {}", ids.join(", ")),
            format!("its headings are: {}", ids.join(", ")),
        )
    }
}

/// Pages in a section above which a broken link gets no "did you mean".
const BIG_SECTION: usize = 2000;

fn nearest_page_help(site: &Site, target: &str, lang: Lang) -> String {
    let (dir, name) = target.rsplit_once('/').unwrap_or(("", target));
    let section = site
        .sections
        .binary_search_by(|s| s.dir.as_str().cmp(dir))
        .ok();
    let limit = 3.max(name.len() / 3);
    // In a big section every broken link would be compared with every page,
    // which grows with the square of the site (a 100,000-page corpus spent a
    // fifth of its check here): there, no suggestion.
    let section = section.filter(|&s| site.sections[s].pages.len() <= BIG_SECTION);
    let best = section
        .into_iter()
        .flat_map(|s| {
            site.sections[s]
                .pages
                .iter()
                .chain(&site.sections[s].index_pages)
        })
        .map(|&p| &site.pages[p])
        .filter_map(|p| {
            let file = p.rel_path.rsplit('/').next().unwrap_or(&p.rel_path);
            // The edit distance is at least the length difference: skip the
            // quadratic comparison for names that cannot be close.
            if file.len().abs_diff(name.len()) > limit {
                return None;
            }
            Some((strsim::levenshtein(file, name), &p.rel_path))
        })
        .min();
    match best {
        Some((distance, path)) if distance <= limit => {
            lang.pick(format!("¿querías decir `{path}`?"), format!("did you mean `{path}`?"))
        }
        _ => lang
            .pick(
                "corrige la ruta (es relativa a la carpeta de este archivo; `@/ruta.md` parte de la carpeta de contenido) o quita el enlace",
                "fix the path (it is relative to this file's folder; `@/path.md` starts at the content folder), or drop the link",
            )
            .into(),
    }
}

/// How many characters to underline: the link's Markdown on its first line.
fn link_width(page: &Page, link: &Link) -> usize {
    page.source
        .text
        .get(link.offset..link.offset + link.len)
        .map(|s| s.lines().next().unwrap_or("").chars().count())
        .unwrap_or(1)
}

fn with_fragment(url: String, fragment: Option<&str>) -> String {
    match fragment {
        Some(f) if !f.is_empty() => format!("{url}#{f}"),
        _ => url,
    }
}

fn is_markdown(path: &str) -> bool {
    // By bytes: the path may end inside a multi-byte character (`señal`).
    path.len() > 3 && path.as_bytes()[path.len() - 3..].eq_ignore_ascii_case(b".md")
}

fn has_extension(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(base, ext)| !base.is_empty() && !ext.is_empty())
}

/// Joins a relative path to a folder, resolving `.` and `..`. `None` when it
/// climbs out of the content folder.
pub fn normalise(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    // The folder is resolved the same way: a caller's `a/./b` or `a/../b`
    // must not survive into a URL.
    for part in dir.split('/').chain(relative.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    let mut joined = parts.join("/");
    if relative.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

/// `%20` → ` `; invalid sequences are kept as written.
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_normalise() {
        assert_eq!(
            normalise("guides/a", "../b.md").as_deref(),
            Some("guides/b.md")
        );
        assert_eq!(
            normalise("guides", "./x/y.md").as_deref(),
            Some("guides/x/y.md")
        );
        assert_eq!(normalise("", "../x.md"), None);
        assert_eq!(normalise("a", "../../x.md"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("my%20file.md"), "my file.md");
        assert_eq!(percent_decode("cu%C3%A1ndo"), "cuándo");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
    }
}
