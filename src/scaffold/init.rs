//! `cmkb init`: a new knowledge base that builds and passes `cmkb check` as
//! written, in the team's language with the translation beside it.
//!
//! The pages are written in `templates/init/content/<key>.<lang>.md` with
//! placeholders for what depends on the chosen language and the day:
//! `{{owner}}`, `{{reviewed}}`, `{{review_by}}` (today plus the page type's
//! review period) and `{{link:<key>}}` (the relative path, from the page, to
//! the other page in the same language). Files are named after the chosen
//! language's titles; the translations set `slug` so their URLs read well
//! in their own language.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};
use jiff::civil::Date;

use super::ScaffoldError;
use crate::check::Lang;
use crate::config::Config;

static INIT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/scaffold/templates/init");

/// Where the site will be published from, for `--ci`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Ci {
    /// GitHub Actions: check pull requests (annotations and code scanning)
    /// and publish to GitHub Pages.
    Github,
}

#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The folder to create the site in (created if missing).
    pub dir: PathBuf,
    /// The site's default language; the other one is the translation.
    pub lang: Lang,
    /// Replace files that already exist.
    pub force: bool,
    pub ci: Option<Ci>,
    /// Write only the CI files (for a site that already exists).
    pub only_ci: bool,
    pub today: Date,
}

#[derive(Debug, Clone, Default)]
pub struct InitReport {
    /// Files written, relative to the folder, in the order written.
    pub written: Vec<PathBuf>,
    /// Of those, the ones that existed before (`--force`).
    pub replaced: Vec<PathBuf>,
    /// `.gitignore` was created or had the output folder added.
    pub gitignore: Option<GitignoreChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GitignoreChange {
    Created,
    Appended,
}

/// A page of the starter site: where it goes and what it is called in each
/// language.
struct StarterPage {
    key: &'static str,
    /// The folder under `content/`, empty for the home page.
    section: &'static str,
    /// The file stem in Spanish and in English; `_index` for section pages.
    es: &'static str,
    en: &'static str,
    /// The content type, for review dates.
    kind: Option<&'static str>,
}

const PAGES: &[StarterPage] = &[
    StarterPage {
        key: "home",
        section: "",
        es: "_index",
        en: "_index",
        kind: None,
    },
    StarterPage {
        key: "playbooks",
        section: "playbooks",
        es: "_index",
        en: "_index",
        kind: None,
    },
    StarterPage {
        key: "playbook",
        section: "playbooks",
        es: "atender-un-reporte",
        en: "handling-a-report",
        kind: Some("playbook"),
    },
    StarterPage {
        key: "guides",
        section: "guides",
        es: "_index",
        en: "_index",
        kind: None,
    },
    StarterPage {
        key: "guide",
        section: "guides",
        es: "dar-la-bienvenida",
        en: "welcoming-newcomers",
        kind: Some("guide"),
    },
    StarterPage {
        key: "policies",
        section: "policies",
        es: "_index",
        en: "_index",
        kind: None,
    },
    StarterPage {
        key: "policy",
        section: "policies",
        es: "codigo-de-conducta",
        en: "code-of-conduct",
        kind: Some("policy"),
    },
    StarterPage {
        key: "templates",
        section: "templates",
        es: "_index",
        en: "_index",
        kind: None,
    },
    StarterPage {
        key: "template",
        section: "templates",
        es: "acuse-de-recibo",
        en: "acknowledging-a-report",
        kind: Some("template"),
    },
];

impl StarterPage {
    fn stem(&self, lang: Lang) -> &'static str {
        lang.pick(self.es, self.en)
    }

    /// The file name in `lang` on a site whose default language is `default`.
    fn file_name(&self, lang: Lang, default: Lang) -> String {
        let stem = self.stem(default);
        if lang == default {
            format!("{stem}.md")
        } else {
            format!("{stem}.{}.md", lang.pick("es", "en"))
        }
    }

    /// The path under `content/`.
    fn rel_path(&self, lang: Lang, default: Lang) -> String {
        if self.section.is_empty() {
            self.file_name(lang, default)
        } else {
            format!("{}/{}", self.section, self.file_name(lang, default))
        }
    }

    /// A relative link from this page to `target`, in `lang`.
    fn link_to(&self, target: &StarterPage, lang: Lang, default: Lang) -> String {
        let file = target.file_name(lang, default);
        if self.section == target.section {
            file
        } else if self.section.is_empty() {
            format!("{}/{file}", target.section)
        } else if target.section.is_empty() {
            format!("../{file}")
        } else {
            format!("../{}/{file}", target.section)
        }
    }
}

const WORKFLOWS: &[&str] = &["cmkb-check.yml", "cmkb-pages.yml"];

/// The files `init` would write: path relative to the folder → text.
/// `.gitignore` is not among them: it is merged, never replaced.
pub fn plan(options: &InitOptions) -> Result<Vec<(PathBuf, String)>, ScaffoldError> {
    let mut files = Vec::new();
    if !options.only_ci {
        let default = options.lang;
        let code = default.pick("es", "en");
        let site_toml = text(&format!("site.{code}.toml"));
        let config = Config::parse(&site_toml, Path::new(crate::config::CONFIG_FILE))?;
        let owner = config.default_owner.clone().unwrap_or_default();
        files.push((PathBuf::from(crate::config::CONFIG_FILE), site_toml));
        for page in PAGES {
            for lang in [default, other(default)] {
                let source = text(&format!(
                    "content/{}.{}.md",
                    page.key,
                    lang.pick("es", "en")
                ));
                let mut page_text = source
                    .replace("{{owner}}", &owner)
                    .replace("{{reviewed}}", &options.today.to_string());
                if let Some(kind) = page.kind {
                    page_text = page_text.replace(
                        "{{review_by}}",
                        &super::review_by(&config, kind, options.today).to_string(),
                    );
                }
                page_text = replace_links(&page_text, page, lang, default);
                if lang != default && page.stem(lang) != "_index" {
                    page_text = add_slug(&page_text, page.stem(lang));
                }
                files.push((
                    Path::new("content").join(page.rel_path(lang, default)),
                    page_text,
                ));
            }
        }
    }
    if options.ci == Some(Ci::Github) {
        for name in WORKFLOWS {
            let workflow =
                text(&format!("github/{name}")).replace("{{version}}", env!("CARGO_PKG_VERSION"));
            files.push((Path::new(".github/workflows").join(name), workflow));
        }
    }
    Ok(files)
}

/// `cmkb init`: writes the starter site into `options.dir`. Writes nothing
/// at all if any file it would write exists, unless `force` is set.
pub fn init(options: &InitOptions) -> Result<InitReport, ScaffoldError> {
    let dir = &options.dir;
    let files = plan(options)?;
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(rel, _)| rel.clone())
        .filter(|rel| dir.join(rel).exists())
        .collect();
    if !existing.is_empty() && !options.force {
        let only_ci_helps = options.ci.is_some()
            && !options.only_ci
            && existing.iter().all(|p| !p.starts_with(".github"));
        return Err(ScaffoldError::WouldOverwrite {
            dir: dir.clone(),
            files: existing,
            ci_available: only_ci_helps,
        });
    }
    let mut report = InitReport::default();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|source| ScaffoldError::Io {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        if existing.contains(&rel) {
            report.replaced.push(rel.clone());
        }
        std::fs::write(&path, text).map_err(|source| ScaffoldError::Io {
            path: path.clone(),
            source,
        })?;
        report.written.push(rel);
    }
    if !options.only_ci {
        report.gitignore = merge_gitignore(dir)?;
    }
    Ok(report)
}

/// Makes sure `.gitignore` leaves out the built site: creates it, or adds the
/// line to the team's own.
fn merge_gitignore(dir: &Path) -> Result<Option<GitignoreChange>, ScaffoldError> {
    let path = dir.join(".gitignore");
    let entry = "/public/";
    let fail = |source| ScaffoldError::Io {
        path: path.clone(),
        source,
    };
    match std::fs::read_to_string(&path) {
        Ok(current) => {
            let ignored = current.lines().any(|l| {
                matches!(
                    l.trim(),
                    "public" | "public/" | "/public" | "/public/" | "public/*" | "/public/*"
                )
            });
            if ignored {
                return Ok(None);
            }
            let mut text = current;
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
            text.push_str(&format!("\n{}", text_of_gitignore(entry)));
            std::fs::write(&path, text).map_err(fail)?;
            Ok(Some(GitignoreChange::Appended))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::write(&path, text_of_gitignore(entry)).map_err(fail)?;
            Ok(Some(GitignoreChange::Created))
        }
        Err(source) => Err(fail(source)),
    }
}

fn text_of_gitignore(entry: &str) -> String {
    format!("# The site cmkb builds: rebuilt from content/ on every publish.\n{entry}\n")
}

fn other(lang: Lang) -> Lang {
    lang.pick(Lang::En, Lang::Es)
}

fn text(name: &str) -> String {
    INIT.get_file(name)
        .and_then(|f| f.contents_utf8())
        .unwrap_or_else(|| panic!("the init template {name} is embedded in the binary"))
        .to_string()
}

/// `{{link:key}}` → the relative path to that page in the same language.
fn replace_links(text: &str, from: &StarterPage, lang: Lang, default: Lang) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("{{link:") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 7..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        let key = &after[..end];
        match PAGES.iter().find(|p| p.key == key) {
            Some(target) => out.push_str(&from.link_to(target, lang, default)),
            None => panic!("unknown page key {key:?} in an init template"),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Adds `slug = "…"` after the `lang` line of a translation's front matter.
fn add_slug(text: &str, slug: &str) -> String {
    let mut out = String::with_capacity(text.len() + slug.len() + 10);
    let mut added = false;
    for line in text.split_inclusive('\n') {
        out.push_str(line);
        if !added && line.starts_with("lang = ") {
            out.push_str(&format!("slug = \"{slug}\"\n"));
            added = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(lang: Lang) -> InitOptions {
        InitOptions {
            dir: PathBuf::new(),
            lang,
            force: false,
            ci: Some(Ci::Github),
            only_ci: false,
            today: jiff::civil::date(2026, 11, 25),
        }
    }

    #[test]
    fn links_are_relative_to_the_page() {
        let home = &PAGES[0];
        let playbook = PAGES.iter().find(|p| p.key == "playbook").unwrap();
        let policy = PAGES.iter().find(|p| p.key == "policy").unwrap();
        assert_eq!(
            home.link_to(policy, Lang::Es, Lang::Es),
            "policies/codigo-de-conducta.md"
        );
        assert_eq!(
            playbook.link_to(policy, Lang::En, Lang::Es),
            "../policies/codigo-de-conducta.en.md"
        );
        assert_eq!(
            playbook.link_to(policy, Lang::Es, Lang::En),
            "../policies/code-of-conduct.es.md"
        );
        assert_eq!(playbook.link_to(home, Lang::En, Lang::En), "../_index.md");
    }

    #[test]
    fn the_plan_has_every_page_in_both_languages_and_no_leftover_placeholders() {
        for lang in [Lang::Es, Lang::En] {
            let files = plan(&options(lang)).unwrap();
            assert_eq!(files.len(), 1 + PAGES.len() * 2 + WORKFLOWS.len());
            for (path, text) in &files {
                // `${{ … }}` is a GitHub Actions expression, not ours.
                let left = text
                    .match_indices("{{")
                    .any(|(i, _)| !text[..i].ends_with('$'));
                assert!(!left, "{} has a placeholder left", path.display());
            }
        }
    }

    #[test]
    fn the_starter_site_toml_declares_the_built_in_types_with_their_review_periods() {
        for lang in [Lang::Es, Lang::En] {
            let files = plan(&options(lang)).unwrap();
            let config = Config::parse(&files[0].1, Path::new("site.toml")).unwrap();
            assert_eq!(config.default_language, lang.pick("es", "en"));
            assert!(config.default_owner.is_some());
            for (kind, built_in) in crate::config::default_types() {
                let declared = &config.types[&kind];
                assert_eq!(declared.required, built_in.required, "{kind}");
                assert_eq!(declared.sections, built_in.sections, "{kind}");
                assert_eq!(declared.min_words, built_in.min_words, "{kind}");
                let every: jiff::Span = declared.review_every.as_deref().unwrap().parse().unwrap();
                assert_eq!(
                    every.fieldwise(),
                    super::super::default_review_every(&kind).fieldwise(),
                    "{kind}"
                );
            }
        }
    }
}
