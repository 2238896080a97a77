//! Watching the site's sources, and saying what a batch of changed paths means.
//!
//! Events are debounced (notify-debouncer-full): an editor's save is often a
//! burst — write a temporary file, rename it over the page, touch the folder —
//! and one batch of paths per burst means one rebuild per save. The window is
//! short, because it is latency the writer waits through on every save.
//! Reads are not changes: the watcher reports files being opened (and their
//! access times changing), and the rebuild opens the files it parses, so
//! those events are dropped here.
//!
//! What is watched: the content folder (recursively), the site folder itself
//! (only its direct entries: `site.toml`, and folders that appear), and the
//! site's and the theme's `templates/`, `static/` and `i18n/`. Not the whole
//! site folder: it may hold `target/`, `node_modules/` or `.git/`, with more
//! folders than the system lets one process watch.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify_debouncer_full::notify::event::{AccessKind, AccessMode, ModifyKind};
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use super::rebuild::Msg;
use super::ServeError;
use crate::config::{Config, CONFIG_FILE};

/// Quiet time that closes a burst of events. Editors finish an atomic save
/// (write, rename) within a few milliseconds; anything longer is added to
/// every save's wait.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// Where a site's sources are, canonicalised so event paths compare.
#[derive(Debug, Clone)]
pub(crate) struct Layout {
    pub root: PathBuf,
    pub content: PathBuf,
    pub theme: String,
    /// Ignored: a build may write there while the preview runs.
    pub output: PathBuf,
}

impl Layout {
    pub fn new(root: &Path, config: &Config) -> Layout {
        let canonical = |p: PathBuf| std::fs::canonicalize(&p).unwrap_or(p);
        let root_c = canonical(root.to_path_buf());
        Layout {
            content: canonical(crate::content::content_dir(root, config)),
            output: canonical(root.join(&config.output_dir)),
            theme: config.theme.clone(),
            root: root_c,
        }
    }

    fn content_is_root(&self) -> bool {
        self.content == self.root
    }

    /// The folders to watch, and how.
    fn wanted(&self) -> Vec<(PathBuf, RecursiveMode)> {
        if self.content_is_root() {
            return vec![(self.root.clone(), RecursiveMode::Recursive)];
        }
        let mut wanted = vec![
            (self.root.clone(), RecursiveMode::NonRecursive),
            (self.content.clone(), RecursiveMode::Recursive),
        ];
        for dir in ["templates", "static", "i18n"] {
            wanted.push((self.root.join(dir), RecursiveMode::Recursive));
        }
        wanted.push((
            self.root.join("themes").join(&self.theme),
            RecursiveMode::Recursive,
        ));
        wanted
    }
}

/// What a batch of changed paths touched.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Changes {
    /// `site.toml`: everything is loaded again.
    pub config: bool,
    /// Templates or UI strings, the site's or the theme's.
    pub theme: bool,
    /// Static files (site or theme), by output path.
    pub statics: BTreeSet<String>,
    /// Content-relative paths: pages, files beside them, folders.
    pub content: BTreeSet<String>,
    /// A top-level folder came or went: the watches need refreshing.
    pub folders: bool,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        *self == Changes::default()
    }
}

/// Sorts changed paths into what they mean for the site.
pub(crate) fn classify(paths: &[PathBuf], layout: &Layout) -> Changes {
    let mut changes = Changes::default();
    for path in paths {
        classify_one(path, layout, &mut changes);
    }
    changes
}

fn classify_one(path: &Path, layout: &Layout, changes: &mut Changes) {
    if path.starts_with(&layout.output) && layout.output != layout.root {
        return;
    }
    let names: Vec<String> = match path.strip_prefix(&layout.root) {
        Ok(rel) => rel
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    // Hidden files and folders (.git, editors' .swp files) are never sources.
    if names.iter().any(|n| n.starts_with('.')) {
        return;
    }
    if path.starts_with(&layout.root) {
        let first = names.first().map(String::as_str).unwrap_or("");
        if names.len() == 1 && first == CONFIG_FILE {
            changes.config = true;
            return;
        }
        if names.len() == 1 && ["templates", "static", "i18n", "themes", "content"].contains(&first)
        {
            changes.folders = true;
        }
        match first {
            "templates" | "i18n" => {
                changes.theme = true;
                return;
            }
            "static" => {
                if names.len() > 1 {
                    changes.statics.insert(names[1..].join("/"));
                } else {
                    changes.theme = true;
                }
                return;
            }
            "themes" => {
                if names.get(1) == Some(&layout.theme) {
                    match names.get(2).map(String::as_str) {
                        Some("static") if names.len() > 3 => {
                            changes.statics.insert(names[3..].join("/"));
                        }
                        Some(_) | None => changes.theme = true,
                    }
                }
                return;
            }
            _ => {}
        }
        if layout.content_is_root()
            && names.len() > 1
            && crate::content::NOT_CONTENT.contains(&first)
        {
            return;
        }
    }
    if let Ok(rel) = path.strip_prefix(&layout.content) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.is_empty() {
            changes.folders = true;
        } else if !crate::content::is_junk(&rel) {
            changes.content.insert(rel);
        }
    }
}

pub(crate) struct Watcher {
    debouncer: Debouncer<RecommendedWatcher, RecommendedCache>,
    watched: BTreeMap<PathBuf, RecursiveMode>,
}

impl Watcher {
    /// Starts watching; each debounced batch of paths goes to the rebuild thread.
    pub fn start(layout: &Layout, to_rebuild: Sender<Msg>) -> Result<Watcher, ServeError> {
        let handler = move |result: DebounceEventResult| match result {
            Ok(events) => {
                if events.iter().any(|e| e.need_rescan()) {
                    // The system dropped events: look at everything again.
                    let _ = to_rebuild.send(Msg::Rescan);
                }
                let paths: Vec<PathBuf> = events
                    .into_iter()
                    .filter(|e| is_change(&e.kind))
                    .flat_map(|e| e.event.paths)
                    .collect();
                if !paths.is_empty() {
                    let _ = to_rebuild.send(Msg::Changed(paths));
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: file watching: {e}");
                }
            }
        };
        let debouncer = new_debouncer(DEBOUNCE, None, handler).map_err(|e| ServeError::Watch {
            path: layout.root.clone(),
            message: e.to_string(),
        })?;
        let mut watcher = Watcher {
            debouncer,
            watched: BTreeMap::new(),
        };
        watcher.refresh(layout)?;
        Ok(watcher)
    }

    /// Watches the folders that exist now and are not watched yet (a
    /// `templates/` created after start, a content folder set in `site.toml`).
    pub fn refresh(&mut self, layout: &Layout) -> Result<(), ServeError> {
        let wanted = layout.wanted();
        let gone: Vec<PathBuf> = self
            .watched
            .keys()
            .filter(|p| !p.is_dir() || !wanted.iter().any(|(w, _)| w == *p))
            .cloned()
            .collect();
        for path in gone {
            let _ = self.debouncer.unwatch(&path);
            self.watched.remove(&path);
        }
        for (path, mode) in wanted {
            if self.watched.contains_key(&path) || !path.is_dir() {
                continue;
            }
            self.debouncer
                .watch(&path, mode)
                .map_err(|e| ServeError::Watch {
                    path: path.clone(),
                    message: e.to_string(),
                })?;
            self.watched.insert(path, mode);
        }
        Ok(())
    }
}

/// Whether an event may mean a file's content changed: not reads, and not
/// metadata (reading a file can update its access time, and serving a
/// stylesheet would then announce it changed).
fn is_change(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: PathBuf::from("/site"),
            content: PathBuf::from("/site/content"),
            theme: "default".into(),
            output: PathBuf::from("/site/public"),
        }
    }

    #[test]
    fn paths_sort_into_what_they_change() {
        let changes = classify(
            &[
                PathBuf::from("/site/site.toml"),
                PathBuf::from("/site/content/guides/a.md"),
                PathBuf::from("/site/content/guides/.a.md.swp"),
                PathBuf::from("/site/content/guides/a.md~"),
                PathBuf::from("/site/static/css/extra.css"),
                PathBuf::from("/site/themes/default/static/style.css"),
                PathBuf::from("/site/themes/other/templates/page.html"),
                PathBuf::from("/site/public/index.html"),
                PathBuf::from("/site/.git/index"),
            ],
            &layout(),
        );
        assert!(changes.config);
        assert!(!changes.theme);
        assert_eq!(
            changes.content.iter().collect::<Vec<_>>(),
            vec!["guides/a.md"]
        );
        assert_eq!(
            changes.statics.iter().collect::<Vec<_>>(),
            vec!["css/extra.css", "style.css"]
        );
    }

    #[test]
    fn reads_and_metadata_are_not_changes() {
        use notify_debouncer_full::notify::event::{CreateKind, DataChange, MetadataKind};
        assert!(!is_change(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_change(&EventKind::Modify(ModifyKind::Metadata(
            MetadataKind::Any
        ))));
        assert!(is_change(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_change(&EventKind::Modify(ModifyKind::Data(
            DataChange::Any
        ))));
        assert!(is_change(&EventKind::Create(CreateKind::File)));
    }

    #[test]
    fn templates_and_strings_change_the_theme() {
        for path in [
            "/site/templates/page.html",
            "/site/i18n/es.toml",
            "/site/themes/default/templates/base.html",
            "/site/themes/default/i18n/en.toml",
        ] {
            let changes = classify(&[PathBuf::from(path)], &layout());
            assert!(changes.theme, "{path}");
            assert!(changes.content.is_empty(), "{path}");
        }
    }

    #[test]
    fn a_site_whose_content_is_its_root_skips_machinery_folders() {
        let mut layout = layout();
        layout.content = layout.root.clone();
        layout.output = PathBuf::from("/site/public");
        let changes = classify(
            &[
                PathBuf::from("/site/guide.md"),
                PathBuf::from("/site/node_modules/x/readme.md"),
                PathBuf::from("/site/public/guide/index.html"),
                PathBuf::from("/site/templates/page.html"),
            ],
            &layout,
        );
        assert_eq!(changes.content.iter().collect::<Vec<_>>(), vec!["guide.md"]);
        assert!(changes.theme);
    }
}
