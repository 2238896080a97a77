//! Loading a site: walk the content folder, read and parse every page once
//! (in parallel), then resolve what needs the whole site — URLs, sections,
//! visibility, translations and links.
//!
//! The result is a [`Site`]: plain data that checks, rendering and the search
//! index all read. Per-file problems become diagnostics rather than errors,
//! so one bad page does not hide the problems of the others.

pub mod frontmatter;
pub mod resolve;
pub mod source;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::markdown::{self, Document};
use crate::slug;
pub use frontmatter::{FrontMatter, Visibility};
pub use source::Source;

/// Who a build is for. The public audience never sees internal pages; drafts
/// are shown only on request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Audience {
    pub internal: bool,
    pub drafts: bool,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub source: Source,
    pub meta: FrontMatter,
    pub doc: Document,
    pub title: String,
    pub lang: String,
    /// Root-relative URL including the base path, ending in `/`.
    pub url: String,
    /// Where the page is written, relative to the output folder.
    pub output_path: String,
    /// The content-relative folder, `/`-separated, empty for the root.
    pub dir: String,
    /// The content-relative path of the file, `/`-separated.
    pub rel_path: String,
    /// `_index.md` (or `index.md`): this page describes its folder's section.
    pub is_section_index: bool,
    /// After inheritance from the enclosing sections.
    pub visibility: Visibility,
    /// Whether this build's audience gets this page.
    pub included: bool,
    /// Pages with the same group are translations of each other.
    pub translation_group: String,
    /// The URL of each link slot in `doc`, filled by [`resolve`].
    pub slot_urls: Vec<String>,
    /// Front-matter problems, until `load` reports them with the source lines.
    field_errors: Vec<frontmatter::FieldError>,
}

impl Page {
    pub fn kind(&self) -> Option<&str> {
        self.meta.kind.as_deref()
    }

    /// The date this page must be reviewed by: `review_by`, or `reviewed`
    /// plus `review_every` (the page's, else its type's).
    pub fn review_due(&self, config: &Config) -> Option<Date> {
        if let Some(due) = self.meta.review_by {
            return Some(due);
        }
        let reviewed = self.meta.reviewed?;
        let every = self.meta.review_every.or_else(|| {
            let spec = config.types.get(self.kind()?)?;
            spec.review_every.as_deref()?.parse::<jiff::Span>().ok()
        })?;
        reviewed.checked_add(every).ok()
    }

    /// The rendered HTML of the body, links resolved.
    pub fn html(&self) -> String {
        self.doc.html_with(&self.slot_urls)
    }

    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        self.source.line_col(offset)
    }

    /// A diagnostic about this page at a byte offset, with the source line.
    pub fn diagnostic_at(
        &self,
        rule: &str,
        severity: Severity,
        offset: usize,
        width: usize,
        message: String,
    ) -> Diagnostic {
        let (line, column) = self.line_col(offset);
        Diagnostic::new(rule, severity, &self.source.path, message)
            .at(line, column)
            .snippet(self.source.line_text(line), width)
    }

    /// A diagnostic about this page at a line, with the source line.
    pub fn diagnostic_at_line(
        &self,
        rule: &str,
        severity: Severity,
        line: usize,
        message: String,
    ) -> Diagnostic {
        let text = self.source.line_text(line);
        let indent = text.chars().take_while(|c| c.is_whitespace()).count();
        Diagnostic::new(rule, severity, &self.source.path, message)
            .at(line, indent + 1)
            .snippet(text, text.chars().count().saturating_sub(indent))
    }
}

/// A folder of the content tree.
#[derive(Debug, Clone)]
pub struct Section {
    /// Content-relative, `/`-separated, empty for the root.
    pub dir: String,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Its `_index` pages, one per language.
    pub index_pages: Vec<usize>,
    /// The pages directly in this folder (not the index pages).
    pub pages: Vec<usize>,
    pub visibility: Visibility,
}

/// A file in the content folder that is not Markdown: copied beside its page.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Content-relative, `/`-separated.
    pub rel_path: String,
    pub abs_path: PathBuf,
    pub visibility: Visibility,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub root: PathBuf,
    pub content_dir: PathBuf,
    pub audience: Audience,
    pub today: Date,
    /// Every page read, sorted by path, included or not (links to excluded
    /// pages must still be recognised, to say why they fail).
    pub pages: Vec<Page>,
    /// Sorted by folder path; index 0 is the root.
    pub sections: Vec<Section>,
    pub assets: Vec<Asset>,
    pub diagnostics: Vec<Diagnostic>,
    /// What walking the content folder found (unreadable paths, links out of
    /// the site). With `file_diagnostics`, where [`relink`] starts
    /// `diagnostics` from, so the site-wide steps can run again after pages change.
    pub walk_diagnostics: Vec<Diagnostic>,
    /// What reading each Markdown file found, by its content-relative path.
    pub file_diagnostics: BTreeMap<String, Vec<Diagnostic>>,
    /// `rel_path` → page index.
    pub by_path: HashMap<String, usize>,
    /// Accent- and case-folded `rel_path` → page index, for links typed differently.
    pub by_folded_path: HashMap<String, usize>,
    /// URL → page index, every page included or not (to recognise a link to
    /// an internal page written as its URL).
    pub by_url: HashMap<String, usize>,
    /// `rel_path` → index into `assets`.
    asset_index: HashMap<String, usize>,
    /// Site-root asset paths (`static/`, the theme's static files) that links may target.
    pub static_files: std::collections::HashSet<String>,
}

impl Site {
    /// Frees what only the checks read, once the pages are checked: each
    /// page's source text (findings took their line numbers and lines by
    /// then), its links (resolved into link slots at load), its comments and
    /// anchors. The sources were a fifth of the site in memory, and rendering
    /// and indexing come after the checks, at the build's peak. (`serve`
    /// keeps its site whole: it checks and renders again after each edit.)
    pub fn release_checked(&mut self) {
        for page in &mut self.pages {
            page.source.release();
            page.doc.release_checked();
        }
    }

    /// Frees each page's blocks once the checks and the search index's
    /// pages ([`crate::search::index_pages`]) have read them.
    pub fn release_text(&mut self) {
        for page in &mut self.pages {
            page.doc.release_text();
        }
    }

    /// Frees each page's HTML with link URLs once the pages are written.
    pub fn release_html(&mut self) {
        for page in &mut self.pages {
            page.doc.html = String::new();
            page.slot_urls = Vec::new();
        }
    }

    pub fn included_pages(&self) -> impl Iterator<Item = (usize, &Page)> {
        self.pages.iter().enumerate().filter(|(_, p)| p.included)
    }

    pub fn base_path(&self) -> String {
        self.config.base_path()
    }

    /// The file at a content-relative path that is not a page.
    pub fn asset(&self, rel_path: &str) -> Option<&Asset> {
        self.asset_index.get(rel_path).map(|&i| &self.assets[i])
    }
}

pub struct LoadOptions {
    pub audience: Audience,
    pub today: Date,
    /// Folder the build writes to; skipped if it sits inside the content folder.
    pub output_dir: Option<PathBuf>,
    /// Site-root files that links may target (static and theme files).
    pub static_files: std::collections::HashSet<String>,
    /// Whether pages get their HTML; `cmkb check` needs none.
    pub html: bool,
}

/// Where the content is: `content_dir` from `site.toml`, else `content/`,
/// else the root itself (a plain folder of Markdown).
pub fn content_dir(root: &Path, config: &Config) -> PathBuf {
    match &config.content_dir {
        Some(dir) => root.join(dir),
        None if root.join("content").is_dir() => root.join("content"),
        None => root.to_path_buf(),
    }
}

/// Reads and resolves the whole site.
pub fn load(root: &Path, config: Config, options: LoadOptions) -> Result<Site> {
    let content_dir = content_dir(root, &config);
    if !content_dir.is_dir() {
        return Err(Error::Read {
            path: content_dir.clone(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                "the content folder does not exist; create it, or set `content_dir` in site.toml",
            ),
        });
    }
    let files = walk(root, &content_dir, options.output_dir.as_deref());
    let parsed: Vec<ParsedFile> = files
        .markdown
        .par_iter()
        .map(|(rel, abs)| parse_file(root, rel, abs, &config, options.html))
        .collect();

    let mut site = Site {
        config,
        root: root.to_path_buf(),
        content_dir,
        audience: options.audience,
        today: options.today,
        pages: Vec::with_capacity(parsed.len()),
        sections: Vec::new(),
        assets: files
            .assets
            .into_iter()
            .map(|(rel_path, abs_path)| Asset {
                rel_path,
                abs_path,
                visibility: Visibility::Public,
            })
            .collect(),
        diagnostics: Vec::new(),
        walk_diagnostics: files.diagnostics,
        file_diagnostics: BTreeMap::new(),
        by_path: HashMap::new(),
        by_folded_path: HashMap::new(),
        by_url: HashMap::new(),
        asset_index: HashMap::new(),
        static_files: options.static_files,
    };
    for ((rel, _), parsed) in files.markdown.iter().zip(parsed) {
        if !parsed.diagnostics.is_empty() {
            site.file_diagnostics
                .insert(rel.clone(), parsed.diagnostics);
        }
        site.pages.extend(parsed.page);
    }
    relink(&mut site);
    Ok(site)
}

/// The site-wide steps, run on the pages and assets the site holds: sections
/// and inherited visibility, duplicate URLs, link resolution. `load` ends
/// with it; `serve` runs it again after pages were added, removed or changed
/// in what other pages see of them. `diagnostics` starts over from
/// `walk_diagnostics` and `file_diagnostics`.
pub fn relink(site: &mut Site) {
    site.diagnostics = site.walk_diagnostics.clone();
    site.diagnostics
        .extend(site.file_diagnostics.values().flatten().cloned());
    // Chapter pages were made section pages by the last run; start from what
    // the file names say.
    for page in &mut site.pages {
        page.is_section_index = is_index_file(&page.rel_path, &site.config);
    }
    build_sections(site);
    let visibilities: Vec<Visibility> = site
        .assets
        .iter()
        .map(|asset| section_visibility(site, &parent_dir(&asset.rel_path)))
        .collect();
    for (asset, visibility) in site.assets.iter_mut().zip(visibilities) {
        asset.visibility = visibility;
    }
    site.asset_index = site
        .assets
        .iter()
        .enumerate()
        .map(|(i, a)| (a.rel_path.clone(), i))
        .collect();
    check_types_and_urls(site);
    resolve::resolve(site);
    crate::diagnostic::sort(&mut site.diagnostics);
}

/// Swaps in a re-read version of page `index` whose change nothing else
/// reads — same file, URL, anchors, visibility, listing fields; `serve`
/// decides that — so only its own links are resolved again and only its own
/// diagnostics replaced. Anything more needs [`relink`].
pub fn replace_page(site: &mut Site, index: usize, mut page: Page, diagnostics: Vec<Diagnostic>) {
    let old = &site.pages[index];
    debug_assert_eq!(old.rel_path, page.rel_path);
    page.visibility = old.visibility;
    page.included = old.included;
    page.is_section_index = old.is_section_index;
    let path = page.source.path.clone();
    let mut fresh = diagnostics.clone();
    if diagnostics.is_empty() {
        site.file_diagnostics.remove(&page.rel_path);
    } else {
        site.file_diagnostics
            .insert(page.rel_path.clone(), diagnostics);
    }
    let known: Vec<&str> = site.config.types.keys().map(String::as_str).collect();
    fresh.extend(unknown_type(&page, &site.config, &known));
    site.pages[index] = page;
    if site.pages[index].included {
        let (urls, mut found) = resolve::page_links(site, index);
        site.pages[index].slot_urls = urls;
        fresh.append(&mut found);
    }
    // The diagnostics are sorted by file: this page's are one run, replaced
    // in place (a full sort of a large site's findings costs milliseconds).
    let start = site.diagnostics.partition_point(|d| d.path < path);
    let end = start + site.diagnostics[start..].partition_point(|d| d.path == path);
    // Duplicate URLs involve other pages, and the URL did not change.
    fresh.extend(
        site.diagnostics[start..end]
            .iter()
            .filter(|d| d.rule == "duplicate-url")
            .cloned(),
    );
    crate::diagnostic::sort(&mut fresh);
    site.diagnostics.splice(start..end, fresh);
}

/// The files of a content folder, each as (content-relative path, path on
/// disk), in walk order; and what could not be walked.
pub struct Files {
    pub markdown: Vec<(String, PathBuf)>,
    pub assets: Vec<(String, PathBuf)>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Folders that hold the site's machinery, not content, when the content is
/// the root folder itself.
pub const NOT_CONTENT: &[&str] = &[
    "themes",
    "templates",
    "static",
    "i18n",
    "archetypes",
    "public",
    "target",
    "node_modules",
];

/// Lists the content folder: Markdown pages and the other files beside them,
/// skipping hidden files, editor leftovers and the output folder.
pub fn walk(root: &Path, content_dir: &Path, output_dir: Option<&Path>) -> Files {
    let mut files = Files {
        markdown: Vec::new(),
        assets: Vec::new(),
        diagnostics: Vec::new(),
    };
    let diagnostics = &mut files.diagnostics;
    let content_is_root = content_dir == root;
    let output = output_dir.and_then(|o| std::fs::canonicalize(o).ok());
    let walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            if entry.depth() == 0 {
                return true;
            }
            if name.starts_with('.') {
                return false;
            }
            if entry.file_type().is_dir() {
                if content_is_root && entry.depth() == 1 && NOT_CONTENT.contains(&name.as_ref()) {
                    return false;
                }
                if let Some(out) = &output {
                    if std::fs::canonicalize(entry.path()).is_ok_and(|p| &p == out) {
                        return false;
                    }
                }
            }
            true
        });
    let canonical_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut walker = walker;
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().map(|p| display_path(root, p)).unwrap_or_default();
                let message = if e.loop_ancestor().is_some() {
                    "this symbolic link points back to a folder that contains it (a loop)"
                        .to_string()
                } else {
                    format!(
                        "cannot read: {}",
                        e.io_error()
                            .map(|e| e.to_string())
                            .unwrap_or_else(|| e.to_string())
                    )
                };
                diagnostics.push(
                    Diagnostic::new("read-error", Severity::Error, path, message)
                        .help("remove the link or fix the permissions; cmkb skipped this path"),
                );
                continue;
            }
        };
        // A link to something outside the site would publish whatever it
        // points at (a home folder, /etc): skip it and say so.
        if entry.path_is_symlink() {
            let inside = std::fs::canonicalize(entry.path())
                .is_ok_and(|target| target.starts_with(&canonical_root));
            if !inside {
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                diagnostics.push(
                    Diagnostic::new(
                        "read-error",
                        Severity::Warning,
                        display_path(root, entry.path()),
                        "this symbolic link points outside the site, so cmkb does not follow it",
                    )
                    .help("copy the file into the site if it belongs to it, or remove the link"),
                );
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = match entry.path().strip_prefix(content_dir) {
            Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
            Err(_) => continue,
        };
        if content_is_root && rel == crate::config::CONFIG_FILE {
            continue;
        }
        if rel.to_ascii_lowercase().ends_with(".md") {
            files.markdown.push((rel, entry.path().to_path_buf()));
        } else if !is_junk(&rel) {
            files.assets.push((rel, entry.path().to_path_buf()));
        }
    }
    files
}

/// Editors' backups and swap files, and system clutter: never published.
pub fn is_junk(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.ends_with('~') || name.ends_with(".swp") || name == "Thumbs.db" || name.starts_with('#')
}

pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn parent_dir(rel: &str) -> String {
    rel.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// One Markdown file read and parsed on its own: its page (kept even when its
/// front matter has errors, so links to it resolve), and the problems found
/// in the file.
pub struct ParsedFile {
    pub page: Option<Page>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and parses one Markdown file; `load` runs it for every file, `serve`
/// for the files that changed. Without `html`, the page has no HTML (for
/// checking only).
pub fn parse_file(root: &Path, rel: &str, abs: &Path, config: &Config, html: bool) -> ParsedFile {
    match read_page(root, rel, abs, config, html) {
        Ok(mut page) => {
            // Front-matter errors are reported with the source lines.
            let diagnostics = page_field_errors(&mut page);
            ParsedFile {
                page: Some(page),
                diagnostics,
            }
        }
        Err(diagnostics) => ParsedFile {
            page: None,
            diagnostics,
        },
    }
}

/// Whether a file names its folder's section (`_index.md`, `index.en.md`).
fn is_index_file(rel: &str, config: &Config) -> bool {
    let file = rel.rsplit('/').next().unwrap_or(rel);
    let stem = file.get(..file.len().saturating_sub(3)).unwrap_or(file);
    let (stem, _) = split_language_suffix(stem, config);
    stem == "_index" || stem == "index"
}

/// The largest page cmkb reads: a page's positions are kept as 32-bit
/// numbers, and a file this size is data, not a page.
pub const MAX_PAGE_BYTES: u64 = u32::MAX as u64;

enum ReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

/// Reads a file, refusing one over [`MAX_PAGE_BYTES`] before reading it.
fn read_bounded(path: &Path) -> std::result::Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let len = file.metadata().map_err(ReadError::Io)?.len();
    if len > MAX_PAGE_BYTES {
        return Err(ReadError::TooLarge(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take`: a file that grows while it is read stays within the bound.
    file.take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads one Markdown file and parses it. Per-file problems that leave no page
/// (unreadable, not UTF-8, unparsable front matter, too large) come back as
/// diagnostics.
fn read_page(
    root: &Path,
    rel: &str,
    abs: &Path,
    config: &Config,
    html: bool,
) -> std::result::Result<Page, Vec<Diagnostic>> {
    let shown = display_path(root, abs);
    let bytes = read_bounded(abs).map_err(|e| {
        vec![match e {
            ReadError::Io(e) => Diagnostic::new(
                "read-error",
                Severity::Error,
                &shown,
                format!("cannot read this file: {e}"),
            )
            .help("check the file's permissions; cmkb needs to read every page"),
            ReadError::TooLarge(len) => Diagnostic::new(
                "read-error",
                Severity::Error,
                &shown,
                format!("this file is {len} bytes; a page can be at most {MAX_PAGE_BYTES} bytes (4 GiB)"),
            )
            .help("split it into several pages, or move it out of the content folder if it is data rather than a page"),
        }]
    })?;
    let text = decode(bytes).map_err(|(line, what)| {
        vec![Diagnostic::new("read-error", Severity::Error, &shown, format!("this file is not UTF-8 text ({what})"))
            .at(line, 0)
            .help("save the file as UTF-8 (most editors offer \"Save with encoding\"); cmkb cannot guess the encoding without risking garbled text")]
    })?;
    let source = Source::new(shown.clone(), text);
    let split = match frontmatter::split(&source.text) {
        Ok(split) => split,
        Err(e) => {
            return Err(vec![Diagnostic::new(
                "frontmatter-schema",
                Severity::Error,
                &shown,
                e.message,
            )
            .at(e.line, 1)
            .snippet(source.line_text(e.line), 3)
            .help(e.help)])
        }
    };
    let (meta, errors) = frontmatter::parse(&split);
    let body_offset = split.body_offset;
    let doc = markdown::parse_with(
        &source.text[body_offset..],
        body_offset,
        meta.title.as_deref(),
        markdown::ParseOptions {
            escape_scripts: config.markdown.scripts == crate::config::ScriptPolicy::Escape,
            skip_html: !html,
        },
    );
    let (dir, file) = match rel.rsplit_once('/') {
        Some((d, f)) => (d.to_string(), f.to_string()),
        None => (String::new(), rel.to_string()),
    };
    let stem = &file[..file.len() - 3];
    let (stem, suffix_lang) = split_language_suffix(stem, config);
    let lang = meta
        .lang
        .clone()
        .or_else(|| suffix_lang.clone())
        .unwrap_or_else(|| config.default_language.clone());
    let is_section_index = is_index_file(rel, config);
    let title = meta
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| doc.first_h1.clone().filter(|t| !t.is_empty()))
        .unwrap_or_else(|| {
            humanize(if is_section_index {
                dir.rsplit('/').next().unwrap_or("")
            } else {
                stem
            })
        })
        .trim()
        .to_string();
    let title = if title.is_empty() {
        config.title.clone()
    } else {
        title
    };

    // URL: the folder path, then the page's own segment; a language given by
    // the file name (`page.en.md`) that is not the default prefixes it.
    let mut segments: Vec<String> = dir
        .split('/')
        .filter(|s| !s.is_empty())
        .map(slug::path_segment)
        .collect();
    if !is_section_index {
        let own = meta
            .slug
            .as_deref()
            .map(slug::path_segment)
            .unwrap_or_else(|| slug::path_segment(stem));
        segments.push(if own.is_empty() {
            "page".to_string()
        } else {
            own
        });
    }
    if suffix_lang
        .as_deref()
        .is_some_and(|l| l != config.default_language)
    {
        segments.insert(0, lang.clone());
    }
    let path = segments.iter().map(|s| format!("{s}/")).collect::<String>();
    let url = format!("{}{path}", config.base_path());
    let output_path = format!("{path}index.html");
    let translation_group = match &meta.translation_key {
        Some(key) => format!("key:{key}"),
        None if is_section_index => format!("section:{dir}"),
        None => format!("file:{dir}/{stem}"),
    };
    let mut page = Page {
        source,
        meta,
        doc,
        title,
        lang,
        url,
        output_path,
        dir,
        rel_path: rel.to_string(),
        is_section_index,
        visibility: Visibility::Public,
        included: true,
        translation_group,
        slot_urls: Vec::new(),
        field_errors: errors,
    };
    page.doc.other_anchors.sort();
    Ok(page)
}

fn page_field_errors(page: &mut Page) -> Vec<Diagnostic> {
    std::mem::take(&mut page.field_errors)
        .into_iter()
        .map(|e| {
            page.diagnostic_at_line("frontmatter-schema", Severity::Error, e.line, e.message)
                .help(e.help)
        })
        .collect()
}

/// Decodes a file as UTF-8; on failure says where and what it looks like.
fn decode(bytes: Vec<u8>) -> std::result::Result<String, (usize, &'static str)> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((1, "it starts with a UTF-16 byte-order mark"));
    }
    match String::from_utf8(bytes) {
        Ok(text) => {
            // memchr: every page is read for this, a vector at a time.
            if let Some(nul) = memchr::memchr(0, text.as_bytes()) {
                let line = text[..nul].matches('\n').count() + 1;
                Err((
                    line,
                    "it contains NUL bytes, so it is probably binary or UTF-16",
                ))
            } else {
                Ok(text)
            }
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|&&b| b == b'\n').count() + 1;
            Err((
                line,
                "the bytes on this line look like Latin-1 or Windows-1252",
            ))
        }
    }
}

/// `guide.en` → (`guide`, Some(`en`)): a language suffix is a site language,
/// or a two-letter code with optional region (`pt-br`).
fn split_language_suffix<'a>(stem: &'a str, config: &Config) -> (&'a str, Option<String>) {
    if let Some((base, suffix)) = stem.rsplit_once('.') {
        let lower = suffix.to_ascii_lowercase();
        let two_letter = lower.split('-').next().is_some_and(|p| p.len() == 2);
        if !base.is_empty()
            && crate::config::is_language_tag(&lower)
            && (two_letter || config.languages.contains(&lower))
        {
            return (base, Some(lower));
        }
    }
    (stem, None)
}

/// `getting-started` → `Getting started`.
pub fn humanize(name: &str) -> String {
    let spaced = name.replace(['-', '_'], " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Builds the folder tree, attaches pages to folders and works out visibility.
///
/// Visibility is inherited: a section whose `_index.md` says `visibility =
/// "internal"` makes every page and folder below it internal, unless a page
/// (or a deeper `_index.md`) says `visibility` explicitly.
fn build_sections(site: &mut Site) {
    let mut dirs: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    dirs.insert(String::new(), Vec::new());
    site.pages.sort_by(|a, b| a.rel_path.cmp(&b.rel_path));
    for (i, page) in site.pages.iter().enumerate() {
        let mut dir = page.dir.clone();
        loop {
            dirs.entry(dir.clone()).or_default();
            if dir.is_empty() {
                break;
            }
            dir = parent_dir(&dir);
        }
        dirs.entry(page.dir.clone()).or_default().push(i);
    }
    let index_of: HashMap<String, usize> = dirs
        .keys()
        .enumerate()
        .map(|(i, d)| (d.clone(), i))
        .collect();
    let mut sections: Vec<Section> = dirs
        .iter()
        .map(|(dir, page_ids)| Section {
            dir: dir.clone(),
            parent: if dir.is_empty() {
                None
            } else {
                index_of.get(&parent_dir(dir)).copied()
            },
            children: Vec::new(),
            index_pages: page_ids
                .iter()
                .copied()
                .filter(|&p| site.pages[p].is_section_index)
                .collect(),
            pages: page_ids
                .iter()
                .copied()
                .filter(|&p| !site.pages[p].is_section_index)
                .collect(),
            visibility: Visibility::Public,
        })
        .collect();
    for i in 0..sections.len() {
        if let Some(parent) = sections[i].parent {
            sections[parent].children.push(i);
        }
    }
    adopt_chapter_pages(site, &mut sections);
    // Parents sort before children (BTreeMap order), so one pass inherits.
    for i in 0..sections.len() {
        let inherited = sections[i]
            .parent
            .map(|p| sections[p].visibility)
            .unwrap_or(Visibility::Public);
        let explicit = sections[i]
            .index_pages
            .iter()
            .filter_map(|&p| site.pages[p].meta.visibility)
            .max();
        sections[i].visibility = explicit.unwrap_or(inherited);
        for &p in &sections[i].index_pages {
            site.pages[p].visibility = site.pages[p]
                .meta
                .visibility
                .unwrap_or(sections[i].visibility);
        }
        for &p in &sections[i].pages {
            site.pages[p].visibility = site.pages[p]
                .meta
                .visibility
                .unwrap_or(sections[i].visibility);
        }
    }
    let audience = site.audience;
    for page in &mut site.pages {
        page.included = (audience.internal || page.visibility == Visibility::Public)
            && (audience.drafts || !page.meta.draft);
    }
    site.by_path = site
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel_path.clone(), i))
        .collect();
    site.by_folded_path = site
        .pages
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (slug::fold(&p.rel_path), i))
        .collect();
    site.by_url = site
        .pages
        .iter()
        .enumerate()
        .rev()
        .map(|(i, p)| (p.url.clone(), i))
        .collect();
    site.sections = sections;
}

/// A page `x.md` beside a folder `x/` with no `_index.md` has the folder's
/// URL (`/x/`): it is the folder's introduction (as in the Turing Way's
/// chapter pages), so it becomes the section's page instead of being
/// overwritten by a generated listing.
fn adopt_chapter_pages(site: &mut Site, sections: &mut [Section]) {
    let default_language = site.config.default_language.clone();
    for i in 0..sections.len() {
        let Some(parent) = sections[i].parent else {
            continue;
        };
        if !sections[i].index_pages.is_empty() {
            continue;
        }
        let dir = sections[i].dir.clone();
        let name = dir.rsplit('/').next().unwrap_or(&dir).to_string();
        let expected: String = dir
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| format!("{}/", slug::path_segment(s)))
            .collect();
        let chapters: Vec<usize> = sections[parent]
            .pages
            .iter()
            .copied()
            .filter(|&p| {
                let page = &site.pages[p];
                let stem = page.rel_path.rsplit('/').next().unwrap_or("");
                let stem = stem.strip_suffix(".md").unwrap_or(stem);
                let stem = stem.split('.').next().unwrap_or(stem);
                stem == name && page.output_path.ends_with(&format!("{expected}index.html"))
            })
            .collect();
        if chapters.is_empty() {
            continue;
        }
        sections[parent].pages.retain(|p| !chapters.contains(p));
        for &p in &chapters {
            site.pages[p].is_section_index = true;
        }
        // The default language's version first, as with `_index.md`.
        let mut chapters = chapters;
        chapters.sort_by_key(|&p| site.pages[p].lang != default_language);
        sections[i].index_pages = chapters;
    }
}

fn section_visibility(site: &Site, dir: &str) -> Visibility {
    let mut dir = dir.to_string();
    loop {
        if let Ok(i) = site.sections.binary_search_by(|s| s.dir.as_str().cmp(&dir)) {
            return site.sections[i].visibility;
        }
        if dir.is_empty() {
            return Visibility::Public;
        }
        dir = parent_dir(&dir);
    }
}

/// A page whose `type` the site does not declare.
fn unknown_type(page: &Page, config: &Config, known: &[&str]) -> Option<Diagnostic> {
    let kind = page.kind()?;
    if config.types.contains_key(kind) {
        return None;
    }
    let line = page.meta.line_of("type");
    Some(
        page.diagnostic_at_line(
            "frontmatter-schema",
            Severity::Error,
            line,
            format!(
                "unknown content type `{kind}`{}",
                crate::config::suggest(kind, known)
            ),
        )
        .help("declare it in site.toml under [types.NAME], or use one of the declared types"),
    )
}

/// Unknown content types, and two files that would be written to one URL.
fn check_types_and_urls(site: &mut Site) {
    let known: Vec<&str> = site.config.types.keys().map(String::as_str).collect();
    let mut found: Vec<Diagnostic> = site
        .pages
        .iter()
        .filter_map(|page| unknown_type(page, &site.config, &known))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        if !page.included {
            continue;
        }
        // Case-insensitive: the site may be served from a case-insensitive
        // file system, where the two would overwrite each other.
        let key = page.output_path.to_lowercase();
        if let Some(&first) = seen.get(&key) {
            let other = &site.pages[first];
            found.push(
                Diagnostic::new(
                    "duplicate-url",
                    Severity::Error,
                    &page.source.path,
                    format!(
                        "this page and {} would both be written to {}",
                        other.source.path.display(),
                        page.url
                    ),
                )
                .help(
                    "rename one of the files, or give one a different `slug` in its front matter",
                ),
            );
        } else {
            seen.insert(key, i);
        }
    }
    // A folder without `_index.md` gets a generated listing at its URL; a
    // page given that URL by its `slug` would be overwritten by it.
    for section in site
        .sections
        .iter()
        .filter(|s| s.index_pages.is_empty() && !s.dir.is_empty())
    {
        let path: String = section
            .dir
            .split('/')
            .map(|s| format!("{}/", slug::path_segment(s)))
            .collect();
        if let Some(&p) = seen.get(&format!("{path}index.html").to_lowercase()) {
            let page = &site.pages[p];
            found.push(
                Diagnostic::new(
                    "duplicate-url",
                    Severity::Error,
                    &page.source.path,
                    format!(
                        "this page and the folder content/{}/ would both be written to {}",
                        section.dir, page.url
                    ),
                )
                .help("give the page another `slug`, or turn it into the folder's page by moving it to the folder's _index.md"),
            );
        }
    }
    site.diagnostics.extend(found);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_suffixes() {
        let config = Config::default();
        assert_eq!(
            split_language_suffix("guide.en", &config),
            ("guide", Some("en".into()))
        );
        assert_eq!(
            split_language_suffix("code_of_conduct.pt-br", &config),
            ("code_of_conduct", Some("pt-br".into()))
        );
        assert_eq!(split_language_suffix("v1.2", &config), ("v1.2", None));
        assert_eq!(
            split_language_suffix("notes.old", &config),
            ("notes.old", None)
        );
        assert_eq!(split_language_suffix(".en", &config), (".en", None));
    }

    #[test]
    fn decoding_names_the_problem() {
        assert!(decode(b"hola\n".to_vec()).is_ok());
        let (line, what) = decode(b"hola\nni\xf1o\n".to_vec()).unwrap_err();
        assert_eq!(line, 2);
        assert!(what.contains("Latin-1"));
        assert!(decode(vec![0xFF, 0xFE, b'a', 0])
            .unwrap_err()
            .1
            .contains("UTF-16"));
    }

    #[test]
    fn humanized_names() {
        assert_eq!(humanize("getting-started"), "Getting started");
        assert_eq!(humanize("code_of_conduct"), "Code of conduct");
    }
}
