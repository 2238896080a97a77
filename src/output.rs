//! The built site in memory, and writing it to disk atomically.
//!
//! A build is written to a fresh folder beside the output folder and swapped in
//! only when every file is written: a failed build (bad content, a full disk)
//! leaves the previous `public/` exactly as it was, and a reader never sees a
//! half-written site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Copied from a file at write time, so large assets are never held in memory.
    Copy(PathBuf),
    Static(&'static [u8]),
}

/// Output path (relative, `/`-separated) → content. Sorted, so writing and
/// listing are deterministic.
#[derive(Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, Content>,
}

impl Output {
    pub fn insert(&mut self, path: String, content: Content) {
        self.files.insert(path, content);
    }

    pub fn text(&self, path: &str) -> Option<&str> {
        match self.files.get(path)? {
            Content::Bytes(b) => std::str::from_utf8(b).ok(),
            Content::Static(b) => std::str::from_utf8(b).ok(),
            Content::Copy(_) => None,
        }
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Writes everything to `dest`, replacing it as a whole.
    pub fn write_atomically(&self, dest: &Path) -> Result<()> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|source| Error::Write {
            path: parent.clone(),
            source,
        })?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let staging = tempfile::Builder::new()
            .prefix(&format!(".{name}.cmkb-new-"))
            .tempdir_in(&parent)
            .map_err(|source| Error::Write {
                path: parent.clone(),
                source,
            })?;
        // On any failure below, `staging` is dropped and removed.
        self.write_into(staging.path())?;
        let staged = staging.keep();
        if dest.exists() {
            let old = tempfile::Builder::new()
                .prefix(&format!(".{name}.cmkb-old-"))
                .tempdir_in(&parent)
                .map_err(|source| Error::Write {
                    path: parent.clone(),
                    source,
                })?
                .keep();
            // `rename` onto an existing folder fails, so: move the old site aside,
            // move the new one in, then delete the old one.
            let aside = old.join("site");
            if let Err(source) = std::fs::rename(dest, &aside) {
                let _ = std::fs::remove_dir_all(&staged);
                let _ = std::fs::remove_dir_all(&old);
                return Err(Error::Write {
                    path: dest.to_path_buf(),
                    source,
                });
            }
            if let Err(source) = std::fs::rename(&staged, dest) {
                // Put the old site back rather than leave nothing.
                let _ = std::fs::rename(&aside, dest);
                let _ = std::fs::remove_dir_all(&staged);
                let _ = std::fs::remove_dir_all(&old);
                return Err(Error::Write {
                    path: dest.to_path_buf(),
                    source,
                });
            }
            let _ = std::fs::remove_dir_all(&old);
        } else {
            std::fs::rename(&staged, dest).map_err(|source| {
                let _ = std::fs::remove_dir_all(&staged);
                Error::Write {
                    path: dest.to_path_buf(),
                    source,
                }
            })?;
        }
        Ok(())
    }

    fn write_into(&self, dir: &Path) -> Result<()> {
        let mut folders: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| Path::new(p).parent().map(|d| dir.join(d)))
            .collect();
        folders.dedup();
        for folder in &folders {
            std::fs::create_dir_all(folder).map_err(|source| Error::Write {
                path: folder.clone(),
                source,
            })?;
        }
        self.files.par_iter().try_for_each(|(path, content)| {
            let target = dir.join(path);
            let written = match content {
                Content::Bytes(bytes) => std::fs::write(&target, bytes),
                Content::Static(bytes) => std::fs::write(&target, bytes),
                Content::Copy(from) => std::fs::copy(from, &target).map(|_| ()),
            };
            written.map_err(|source| Error::Write {
                path: PathBuf::from(path),
                source,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writing_replaces_the_whole_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("public");
        std::fs::create_dir_all(dest.join("old")).unwrap();
        std::fs::write(dest.join("old/stale.html"), "stale").unwrap();
        let mut out = Output::default();
        out.insert("index.html".into(), Content::Bytes(b"new".to_vec()));
        out.insert("a/b/index.html".into(), Content::Bytes(b"deep".to_vec()));
        out.write_atomically(&dest).unwrap();
        assert_eq!(
            std::fs::read_to_string(dest.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(dest.join("a/b/index.html")).unwrap(),
            "deep"
        );
        assert!(!dest.join("old").exists());
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }
}
