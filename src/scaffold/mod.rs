//! `cmkb init` and `cmkb new`: a new knowledge base, and new pages in one.
//!
//! Everything written here is embedded in the binary (`templates/`), so an
//! installed `cmkb` scaffolds a site anywhere, with no checkout beside it.
//!
//! - [`init`] writes a complete bilingual site: a commented `site.toml`, a
//!   home page and one guide, playbook, policy and template in the chosen
//!   language plus their translations, a `.gitignore` and, on request, the
//!   GitHub Actions workflows that check and publish it. It never replaces a
//!   file unless told to, and says which ones it would have replaced.
//! - [`new_page`] writes one page from its type's archetype — the site's
//!   `archetypes/<type>.md` if there is one, else the built-in one — with the
//!   type's required fields filled and its required sections in place, each
//!   with a one-line prompt that `form-over-substance` flags until it is
//!   replaced by real text.

mod archetype;
mod init;

use std::path::{Path, PathBuf};

use jiff::civil::Date;
use jiff::{Span, ToSpan};

use crate::config::Config;

pub use archetype::{ArchetypeSource, PROMPT_EN, PROMPT_ES};
pub use init::{init, plan as plan_init, Ci, GitignoreChange, InitOptions, InitReport};

/// How long a page stays trustworthy before someone must reread it, when its
/// type sets no `review_every`: what people act on under pressure (playbooks,
/// policies) every six months; what explains (guides, templates, and types a
/// site declares) every year. The one place this default lives.
pub fn default_review_every(kind: &str) -> Span {
    match kind {
        "playbook" | "policy" => 6.months(),
        _ => 12.months(),
    }
}

/// The review period for pages of `kind` on this site: the type's
/// `review_every`, else [`default_review_every`].
pub fn review_every(config: &Config, kind: &str) -> Span {
    config
        .types
        .get(kind)
        .and_then(|spec| spec.review_every.as_deref())
        .and_then(|text| text.parse::<Span>().ok())
        .unwrap_or_else(|| default_review_every(kind))
}

/// The date a page of `kind` reviewed on `today` is next due for review.
pub fn review_by(config: &Config, kind: &str, today: Date) -> Date {
    let every = review_every(config, kind);
    today.checked_add(every).unwrap_or(today)
}

/// The folder (under `content/`) where pages of a type go by default: the
/// built-in types have plural folder names; other types get an `s`.
pub fn default_section(kind: &str) -> String {
    match kind {
        "policy" => "policies".into(),
        other => format!("{other}s"),
    }
}

/// A file name from a title: accents folded, lowercase, letters and digits
/// kept, everything else a single `-`; at most 80 bytes, cut at a `-`.
/// `"¿Cómo responder a una crisis?"` → `como-responder-a-una-crisis`. Empty
/// when the title has no letters or digits (only emoji, say).
pub fn file_slug(title: &str) -> String {
    const MAX: usize = 80;
    let folded = crate::slug::fold(title);
    let mut out = String::with_capacity(folded.len());
    let mut dash = false;
    for c in folded.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else if c == '\'' || c == '’' {
            // "what's" → "whats", not "what-s".
        } else {
            dash = true;
        }
    }
    if out.len() > MAX {
        let mut cut = MAX;
        while !out.is_char_boundary(cut) {
            cut -= 1;
        }
        out.truncate(cut);
        if let Some(dash) = out.rfind('-') {
            out.truncate(dash);
        }
    }
    out
}

/// What went wrong scaffolding, with what to do about it. Every variant
/// except [`ScaffoldError::Io`] is something the user fixes by changing the
/// command (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("{}", describe_conflicts(dir, files, *ci_available))]
    WouldOverwrite {
        dir: PathBuf,
        files: Vec<PathBuf>,
        /// Whether `--only-ci` would avoid the conflicts.
        ci_available: bool,
    },
    #[error("{} already exists; cmkb new never replaces a page. Open it, or give the new page another title or `--slug`", .0.display())]
    PageExists(PathBuf),
    #[error("unknown content type `{kind}`{hint} Known types: {}. A site declares its own in site.toml as [types.{kind}]", known.join(", "))]
    UnknownType {
        kind: String,
        known: Vec<String>,
        hint: String,
    },
    #[error("the title \"{0}\" has no letters or digits to make a file name from; pass one with --slug, e.g. --slug crisis-response")]
    EmptySlug(String),
    #[error("the site does not publish in `{lang}` (languages = {languages:?} in site.toml); use --lang with one of them, or add `{lang}` to `languages`")]
    UnknownLanguage {
        lang: String,
        languages: Vec<String>,
    },
    #[error("--section {0:?} must be a folder inside the content folder, such as `playbooks` or `guides/moderation`")]
    BadSection(String),
    #[error("{0}")]
    Site(#[from] crate::Error),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn describe_conflicts(dir: &Path, files: &[PathBuf], ci_available: bool) -> String {
    let list: Vec<String> = files.iter().map(|f| format!("  {}", f.display())).collect();
    let mut text = format!(
        "{} is not empty: cmkb init would overwrite {} file{} there, so it wrote nothing:\n{}\nRun it in an empty folder (cmkb init NEW-FOLDER), move those files away, or pass --force to replace them.",
        dir.display(),
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        list.join("\n")
    );
    if ci_available {
        text.push_str(
            "\nTo add only the workflow files to an existing site, pass --only-ci as well.",
        );
    }
    text
}

/// What [`new_page`] is asked to write.
#[derive(Debug, Clone)]
pub struct NewPage {
    /// The site folder (holding `site.toml`).
    pub root: PathBuf,
    pub kind: String,
    pub title: String,
    /// The page's language; the site's default language when `None`.
    pub lang: Option<String>,
    /// The folder under the content folder; [`default_section`] when `None`.
    pub section: Option<PathBuf>,
    /// The file name (without `.md`); a slug of the title when `None`.
    pub slug: Option<String>,
    pub today: Date,
}

/// A page [`new_page`] wrote.
#[derive(Debug, Clone)]
pub struct Created {
    /// Where the file is: `root` joined with `rel_path`.
    pub path: PathBuf,
    /// The path relative to the site folder, e.g. `content/playbooks/x.md`.
    pub rel_path: PathBuf,
    pub lang: String,
    pub archetype: ArchetypeSource,
    /// The owner written, and whether it came from `default_owner`.
    pub owner: String,
    pub owner_from_config: bool,
    /// How many prompts the page carries, to be replaced with real text.
    pub prompts: usize,
}

/// `cmkb new TYPE "Title"`: writes a page of a content type from its
/// archetype, with every required field and section in place. Never
/// replaces an existing file.
pub fn new_page(request: &NewPage) -> Result<Created, ScaffoldError> {
    let config = Config::load(&request.root)?;
    let kind = request.kind.trim();
    if !config.types.contains_key(kind) {
        let known: Vec<String> = config.types.keys().cloned().collect();
        let candidates: Vec<&str> = known.iter().map(String::as_str).collect();
        let hint = crate::config::suggest(kind, &candidates);
        // `suggest` lists every candidate when none is close; the error lists them anyway.
        let hint = if hint.starts_with("; did you mean") {
            hint
        } else {
            ".".to_string()
        };
        return Err(ScaffoldError::UnknownType {
            kind: kind.to_string(),
            known,
            hint,
        });
    }
    let lang = request
        .lang
        .clone()
        .unwrap_or_else(|| config.default_language.clone());
    if !config.languages.contains(&lang) {
        return Err(ScaffoldError::UnknownLanguage {
            lang,
            languages: config.languages.clone(),
        });
    }
    let slug = match &request.slug {
        Some(given) => file_slug(given),
        None => file_slug(&request.title),
    };
    if slug.is_empty() {
        return Err(ScaffoldError::EmptySlug(
            request
                .slug
                .clone()
                .unwrap_or_else(|| request.title.clone()),
        ));
    }
    let section = match &request.section {
        Some(path) => clean_section(path)?,
        None => PathBuf::from(default_section(kind)),
    };
    let file_name = if lang == config.default_language {
        format!("{slug}.md")
    } else {
        format!("{slug}.{lang}.md")
    };
    let content_dir = content_dir_for_new(&request.root, &config);
    let folder = content_dir.join(&section);
    let path = folder.join(&file_name);

    let (owner, owner_from_config) = match &config.default_owner {
        Some(owner) if !owner.trim().is_empty() => (owner.trim().to_string(), true),
        _ => (
            crate::check::Lang::of(&lang)
                .pick("equipo-comunidad", "community-team")
                .to_string(),
            false,
        ),
    };
    let page = archetype::render(&archetype::Request {
        root: &request.root,
        config: &config,
        kind,
        title: request.title.trim(),
        lang: &lang,
        owner: &owner,
        today: request.today,
    })?;

    std::fs::create_dir_all(&folder).map_err(|source| ScaffoldError::Io {
        path: folder.clone(),
        source,
    })?;
    let rel_path = path
        .strip_prefix(&request.root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.clone());
    write_new(&path, &rel_path, &page.text)?;
    Ok(Created {
        path,
        rel_path,
        lang,
        archetype: page.source,
        owner,
        owner_from_config,
        prompts: page.prompts,
    })
}

/// Where new pages go: where the build reads them from, except that a site
/// with no Markdown yet gets a `content/` folder rather than pages loose
/// beside `site.toml` (once there, the build reads it).
fn content_dir_for_new(root: &Path, config: &Config) -> PathBuf {
    let dir = crate::content::content_dir(root, config);
    if dir != root {
        return dir;
    }
    let has_markdown = walkdir::WalkDir::new(root)
        .max_depth(3)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'))
        .filter_map(Result::ok)
        .any(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            e.file_type().is_file()
                && name.ends_with(".md")
                && !["readme", "changelog", "license", "contributing"]
                    .iter()
                    .any(|skip| name.starts_with(skip))
                && !e.path().starts_with(root.join("archetypes"))
        });
    if has_markdown {
        dir
    } else {
        root.join("content")
    }
}

/// A section path the user typed: relative, inside the content folder.
fn clean_section(path: &Path) -> Result<PathBuf, ScaffoldError> {
    use std::path::Component;
    let text = path.to_string_lossy();
    let trimmed = text.trim().trim_start_matches("content/");
    let mut out = PathBuf::new();
    for part in Path::new(trimmed).components() {
        match part {
            Component::Normal(name) => out.push(name),
            Component::CurDir => {}
            _ => return Err(ScaffoldError::BadSection(text.into_owned())),
        }
    }
    Ok(out)
}

/// Creates `path` with `text`, failing if it exists (checked atomically by
/// the file system, not before).
fn write_new(path: &Path, shown: &Path, text: &str) -> Result<(), ScaffoldError> {
    use std::io::Write;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                ScaffoldError::PageExists(shown.to_path_buf())
            } else {
                ScaffoldError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        })?;
    file.write_all(text.as_bytes())
        .map_err(|source| ScaffoldError::Io {
            path: path.to_path_buf(),
            source,
        })
}

/// Escapes text for a double-quoted TOML (or YAML) string.
pub(crate) fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_fold_accents_and_drop_symbols() {
        assert_eq!(
            file_slug("Responder a una crisis"),
            "responder-a-una-crisis"
        );
        assert_eq!(
            file_slug("¿Cómo decir «no» a un miembro?"),
            "como-decir-no-a-un-miembro"
        );
        assert_eq!(file_slug("What's new in 2.0"), "whats-new-in-2-0");
        assert_eq!(file_slug("Año nuevo, señal"), "ano-nuevo-senal");
        assert_eq!(file_slug("🔥🚒"), "");
        assert_eq!(file_slug("  --  "), "");
        let long = file_slug(&"palabra ".repeat(30));
        assert!(long.len() <= 80 && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn review_periods_have_one_default_and_follow_the_type() {
        let config = Config::default();
        let today = jiff::civil::date(2026, 1, 31);
        assert_eq!(
            review_by(&config, "playbook", today),
            jiff::civil::date(2026, 7, 31)
        );
        assert_eq!(
            review_by(&config, "guide", today),
            jiff::civil::date(2027, 1, 31)
        );
        let config = Config::parse(
            "[types.playbook]\nreview_every = \"P3M\"\n",
            Path::new("site.toml"),
        )
        .unwrap();
        assert_eq!(
            review_by(&config, "playbook", today),
            jiff::civil::date(2026, 4, 30)
        );
    }

    #[test]
    fn sections_stay_inside_the_content_folder() {
        assert_eq!(
            clean_section(Path::new("guides/moderation")).unwrap(),
            PathBuf::from("guides/moderation")
        );
        assert_eq!(
            clean_section(Path::new("content/playbooks")).unwrap(),
            PathBuf::from("playbooks")
        );
        assert!(clean_section(Path::new("../elsewhere")).is_err());
        assert!(clean_section(Path::new("/etc")).is_err());
    }

    #[test]
    fn quoting_keeps_toml_valid() {
        let text = format!("title = {}", quote("Say \"no\" \\ kindly"));
        let table: toml::Table = toml::from_str(&text).unwrap();
        assert_eq!(table["title"].as_str(), Some("Say \"no\" \\ kindly"));
    }
}
