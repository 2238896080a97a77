//! Shared by the fuzz targets (each includes it with `#[path]`).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Once;

/// One rayon thread: the library parallelises over pages, which only adds
/// noise (and thread start-up) when a target feeds it one page at a time.
pub fn init() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build_global();
    });
}

/// A private scratch folder for targets whose entry points read files: in
/// /dev/shm (memory) when it exists, one per process (named after its pid).
/// libFuzzer ends processes with `exit`, so nothing removes it then: each
/// new process removes the folders of processes that are gone (fork mode
/// starts one per job).
pub fn scratch(name: &str) -> PathBuf {
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let prefix = format!("cmkb-fuzz-{name}-");
    // Only where /proc tells which processes are alive (Linux).
    let entries = if std::path::Path::new("/proc/self").exists() {
        std::fs::read_dir(&base).ok()
    } else {
        None
    };
    if let Some(entries) = entries {
        for entry in entries.flatten() {
            let file_name = entry.file_name();
            let Some(pid) = file_name
                .to_str()
                .and_then(|n| n.strip_prefix(&prefix))
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(format!("{prefix}{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// 1-based number of lines of a text, as an editor counts them (a final
/// newline opens one more, empty, line).
pub fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}
