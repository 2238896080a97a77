//! The built site in memory, and writing it to disk atomically.
//!
//! A build is written to a fresh folder beside the output folder and swapped in
//! only when every file is written: a failed build (bad content, a full disk)
//! leaves the previous `public/` exactly as it was, and a reader never sees a
//! half-written site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Vec<u8>),
    /// Copied from a file at write time, so large assets are never held in memory.
    Copy(PathBuf),
    Static(&'static [u8]),
}

/// Where rendered files go. `build` streams them straight into a staging
/// folder (the whole site is never held in memory); `serve` and tests keep
/// them in memory.
pub trait Sink: Sync {
    /// Stores a file; a later file with the same path replaces an earlier one.
    fn put(&self, path: &str, content: Content) -> Result<()>;
}

/// Output path (relative, `/`-separated) → content. Sorted, so listing is
/// deterministic.
#[derive(Debug, Default)]
pub struct Output {
    pub files: BTreeMap<String, Content>,
}

impl Output {
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
}

#[derive(Debug, Default)]
pub struct MemorySink {
    files: Mutex<BTreeMap<String, Content>>,
}

impl MemorySink {
    pub fn into_output(self) -> Output {
        Output {
            files: self.files.into_inner().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Sink for MemorySink {
    fn put(&self, path: &str, content: Content) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), content);
        Ok(())
    }
}

/// A fresh folder beside the destination that becomes the destination on
/// [`Staging::commit`]; dropped uncommitted, it is removed.
pub struct Staging {
    dest: PathBuf,
    /// The previous build, when there is one: a file that comes out the
    /// same is hard-linked from it instead of written again.
    previous: Option<PathBuf>,
    parent: PathBuf,
    name: String,
    dir: Option<tempfile::TempDir>,
    files: AtomicUsize,
}

impl Staging {
    pub fn new(dest: &Path) -> Result<Staging> {
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
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.cmkb-new-"))
            .tempdir_in(&parent)
            .map_err(|source| Error::Write {
                path: parent.clone(),
                source,
            })?;
        let previous = dest.is_dir().then(|| dest.to_path_buf());
        Ok(Staging {
            dest: dest.to_path_buf(),
            previous,
            parent,
            name,
            dir: Some(dir),
            files: AtomicUsize::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().map(|d| d.path()).unwrap_or(&self.parent)
    }

    /// How many files were written.
    pub fn file_count(&self) -> usize {
        self.files.load(Ordering::Relaxed)
    }

    /// Swaps the staged site in for the destination.
    pub fn commit(mut self) -> Result<()> {
        let Some(dir) = self.dir.take() else {
            return Ok(());
        };
        let staged = dir.keep();
        let fail = |source: std::io::Error, path: &Path| Error::Write {
            path: path.to_path_buf(),
            source,
        };
        if !self.dest.exists() {
            return std::fs::rename(&staged, &self.dest).map_err(|e| {
                let _ = std::fs::remove_dir_all(&staged);
                fail(e, &self.dest)
            });
        }
        let old = tempfile::Builder::new()
            .prefix(&format!(".{}.cmkb-old-", self.name))
            .tempdir_in(&self.parent)
            .map_err(|e| fail(e, &self.parent))?
            .keep();
        // `rename` onto an existing folder fails, so: move the old site aside,
        // move the new one in, then delete the old one.
        let aside = old.join("site");
        if let Err(e) = std::fs::rename(&self.dest, &aside) {
            let _ = std::fs::remove_dir_all(&staged);
            let _ = std::fs::remove_dir_all(&old);
            return Err(fail(e, &self.dest));
        }
        if let Err(e) = std::fs::rename(&staged, &self.dest) {
            // Put the old site back rather than leave nothing.
            let _ = std::fs::rename(&aside, &self.dest);
            let _ = std::fs::remove_dir_all(&staged);
            let _ = std::fs::remove_dir_all(&old);
            return Err(fail(e, &self.dest));
        }
        remove_tree(&old);
        Ok(())
    }
}

/// Deletes a folder tree, its subfolders in parallel: the previous site has
/// a folder per page, and unlinking them one by one is most of a rebuild's
/// final swap. Best effort, like the rest of the cleanup.
fn remove_tree(path: &Path) {
    fn remove(folder: &Path) {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return;
        };
        let mut subfolders = Vec::new();
        for entry in entries.flatten() {
            match entry.file_type() {
                Ok(t) if t.is_dir() => subfolders.push(entry.path()),
                _ => {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        subfolders.par_iter().for_each(|f| remove(f));
        let _ = std::fs::remove_dir(folder);
    }
    remove(path);
    // Whatever the parallel pass could not remove (permissions changed
    // under it, a file appearing), the standard way tries once more.
    if path.exists() {
        let _ = std::fs::remove_dir_all(path);
    }
}

impl Sink for Staging {
    fn put(&self, path: &str, content: Content) -> Result<()> {
        let target = self.path().join(path);
        if let Some(folder) = target.parent() {
            std::fs::create_dir_all(folder).map_err(|source| Error::Write {
                path: folder.to_path_buf(),
                source,
            })?;
        }
        let bytes = match &content {
            Content::Bytes(bytes) => Some(bytes.as_slice()),
            Content::Static(bytes) => Some(*bytes),
            Content::Copy(_) => None,
        };
        if let (Some(bytes), Some(previous)) = (bytes, &self.previous) {
            if self.reuse(&previous.join(path), bytes, &target) {
                self.files.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        if self.previous.is_some() {
            // The path may have been linked to the previous build by an
            // earlier `put`: writing through the link would change that build.
            let _ = std::fs::remove_file(&target);
        }
        let written = match &content {
            Content::Bytes(bytes) => std::fs::write(&target, bytes),
            Content::Static(bytes) => std::fs::write(&target, bytes),
            Content::Copy(from) => std::fs::copy(from, &target).map(|_| ()),
        };
        written.map_err(|source| Error::Write {
            path: PathBuf::from(path),
            source,
        })?;
        self.files.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

impl Staging {
    /// Links the previous build's file into the staging folder when it holds
    /// exactly `bytes`. Most of a rebuild is unchanged, and on most file
    /// systems creating a file costs far more than reading one: this is what
    /// makes a rebuild into an existing `public/` cheap. The swap stays
    /// atomic: the previous folder is never written to, and anything that
    /// does not match or cannot be linked is written as usual.
    fn reuse(&self, old: &Path, bytes: &[u8], target: &Path) -> bool {
        let same = std::fs::symlink_metadata(old)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
            && std::fs::read(old).is_ok_and(|old| old == bytes);
        same && std::fs::hard_link(old, target).is_ok()
    }
}

/// Writes an in-memory output to `dest` atomically.
pub fn write_atomically(output: &Output, dest: &Path) -> Result<()> {
    let staging = Staging::new(dest)?;
    output
        .files
        .par_iter()
        .try_for_each(|(path, content)| staging.put(path, content.clone()))?;
    staging.commit()
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
        let sink = MemorySink::default();
        sink.put("index.html", Content::Bytes(b"new".to_vec()))
            .unwrap();
        sink.put("a/b/index.html", Content::Bytes(b"deep".to_vec()))
            .unwrap();
        write_atomically(&sink.into_output(), &dest).unwrap();
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

    #[test]
    fn a_rebuild_reuses_unchanged_files_and_rewrites_changed_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("public");
        let build = |files: &[(&str, &str)]| {
            let sink = MemorySink::default();
            for (path, text) in files {
                sink.put(path, Content::Bytes(text.as_bytes().to_vec()))
                    .unwrap();
            }
            write_atomically(&sink.into_output(), &dest).unwrap();
        };
        build(&[
            ("same.html", "same"),
            ("changed.html", "before"),
            ("gone.html", "x"),
        ]);
        build(&[
            ("same.html", "same"),
            ("changed.html", "after!"),
            ("new.html", "new"),
        ]);
        let read = |p: &str| std::fs::read_to_string(dest.join(p)).unwrap();
        assert_eq!(read("same.html"), "same");
        assert_eq!(read("changed.html"), "after!");
        assert_eq!(read("new.html"), "new");
        assert!(!dest.join("gone.html").exists());
    }

    #[test]
    fn a_failed_rebuild_never_writes_through_a_link_into_the_previous_site() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("public");
        std::fs::create_dir_all(&dest).unwrap();
        std::fs::write(dest.join("same.html"), "same").unwrap();
        let staging = Staging::new(&dest).unwrap();
        // Linked from the previous site, then replaced by a later file.
        staging
            .put("same.html", Content::Bytes(b"same".to_vec()))
            .unwrap();
        staging
            .put("same.html", Content::Bytes(b"other".to_vec()))
            .unwrap();
        assert_eq!(
            std::fs::read_to_string(staging.path().join("same.html")).unwrap(),
            "other"
        );
        drop(staging);
        assert_eq!(
            std::fs::read_to_string(dest.join("same.html")).unwrap(),
            "same"
        );
        let leftovers: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }
}
