//! Themes: templates, static files and UI strings.
//!
//! The default theme is embedded in the binary, so `cmkb` builds any folder of
//! Markdown with no checkout beside it. A `themes/<name>/` folder in the site
//! takes precedence (that is how the default theme is edited, and how a team
//! brings its own), and the site's own `templates/`, `static/` and `i18n/`
//! override single files of the theme.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use crate::error::{Error, Result};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A static file: embedded bytes or a file on disk (copied, never read into memory).
#[derive(Debug, Clone)]
pub enum StaticFile {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Template name (`page.html`, `partials/nav.html`) → (where it came from, text).
    pub templates: BTreeMap<String, (String, String)>,
    /// Output path → file.
    pub static_files: BTreeMap<String, StaticFile>,
    /// Language → UI strings.
    pub strings: BTreeMap<String, BTreeMap<String, String>>,
}

impl Theme {
    pub fn load(root: &Path, name: &str) -> Result<Theme> {
        let mut theme = Theme::default();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.add_disk_dir(root, &dir)?;
        } else if name == "default" {
            theme.add_embedded(&DEFAULT_THEME)?;
        } else {
            return Err(Error::Template(format!(
                "the theme `{name}` was not found: there is no folder {}; create it or set `theme = \"default\"` in site.toml",
                dir.display()
            )));
        }
        // The site's own files override the theme's, one file at a time.
        theme.add_disk_dir(root, root)?;
        Ok(theme)
    }

    fn add_embedded(&mut self, dir: &'static Dir<'static>) -> Result<()> {
        for file in all_files(dir) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            let shown = format!("(built-in default theme)/{path}");
            if let Some(name) = path.strip_prefix("templates/") {
                let text = file
                    .contents_utf8()
                    .ok_or_else(|| Error::Template(format!("{shown} is not UTF-8")))?;
                self.templates
                    .insert(name.to_string(), (shown, text.to_string()));
            } else if let Some(name) = path.strip_prefix("static/") {
                self.static_files
                    .insert(name.to_string(), StaticFile::Embedded(file.contents()));
            } else if let Some(name) = path.strip_prefix("i18n/") {
                let text = file.contents_utf8().unwrap_or_default();
                self.add_strings(name, text, &shown)?;
            }
        }
        Ok(())
    }

    /// Adds `templates/`, `static/` and `i18n/` below `dir`.
    fn add_disk_dir(&mut self, root: &Path, dir: &Path) -> Result<()> {
        for (kind, sub) in [
            ("templates", dir.join("templates")),
            ("static", dir.join("static")),
            ("i18n", dir.join("i18n")),
        ] {
            if !sub.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&sub).sort_by_file_name() {
                let entry = entry.map_err(|e| Error::Read {
                    path: e
                        .path()
                        .map(Path::to_path_buf)
                        .unwrap_or_else(|| sub.clone()),
                    source: e
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("file system loop")),
                })?;
                if !entry.file_type().is_file()
                    || entry.file_name().to_string_lossy().starts_with('.')
                {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&sub)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default();
                let shown = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap_or(entry.path())
                    .display()
                    .to_string();
                match kind {
                    "templates" => {
                        let text = std::fs::read_to_string(entry.path()).map_err(|source| {
                            Error::Read {
                                path: entry.path().to_path_buf(),
                                source,
                            }
                        })?;
                        self.templates.insert(rel, (shown, text));
                    }
                    "static" => {
                        self.static_files
                            .insert(rel, StaticFile::Disk(entry.path().to_path_buf()));
                    }
                    _ => {
                        let text = std::fs::read_to_string(entry.path()).map_err(|source| {
                            Error::Read {
                                path: entry.path().to_path_buf(),
                                source,
                            }
                        })?;
                        self.add_strings(&rel, &text, &shown)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn add_strings(&mut self, file: &str, text: &str, shown: &str) -> Result<()> {
        let Some(lang) = file.strip_suffix(".toml") else {
            return Ok(());
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| Error::Config {
            path: PathBuf::from(shown),
            line: e
                .span()
                .map(|s| crate::config::line_of(text, s.start))
                .unwrap_or(1),
            message: format!("the UI strings do not parse: {}", e.message()),
        })?;
        let strings = self.strings.entry(lang.to_string()).or_default();
        for (key, value) in table {
            if let toml::Value::String(s) = value {
                strings.insert(key, s);
            }
        }
        Ok(())
    }

    /// UI strings for a language: its own, with the default language's (then
    /// English) filling any gaps, so a missing translation never shows a blank.
    pub fn strings_for(&self, lang: &str, default_language: &str) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for fallback in [
            "en",
            default_language,
            lang.split('-').next().unwrap_or(lang),
            lang,
        ] {
            if let Some(strings) = self.strings.get(fallback) {
                out.extend(strings.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        out
    }
}

fn all_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(all_files(sub));
    }
    out.sort_by_key(|f| f.path());
    out
}
