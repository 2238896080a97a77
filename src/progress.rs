//! Progress of a build, for people watching a long one.
//!
//! The build reports its stages through [`Progress`]; the library never
//! prints. [`Terminal`] is what the command line uses: a progress bar on an
//! interactive terminal once a build has run long enough to be worth one, and
//! plain lines (one per stage, plus a few during rendering) when stderr is a
//! log, for sites large enough that a CI log benefits from them.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// What a build tells whoever is watching. Every method has a do-nothing
/// default; calls come from several threads during rendering.
pub trait Progress: Sync {
    /// A stage starts. `total` is how many steps it has, when known.
    fn start(&self, _stage: &'static str, _total: Option<u64>) {}
    /// One step of the current stage is done (a file written).
    fn step(&self) {}
    /// The stage ended after `elapsed`; `count` is what it produced (pages
    /// loaded, files rendered), when that means something.
    fn finish(&self, _stage: &'static str, _elapsed: Duration, _count: Option<u64>) {}
}

/// No progress at all: what [`crate::build()`] uses.
pub struct Silent;

impl Progress for Silent {}

/// How [`Terminal`] shows progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A progress bar (stderr is a terminal).
    Bar,
    /// Plain lines (stderr is a file or a CI log).
    Lines,
    /// Nothing (`--quiet`).
    Off,
}

impl Mode {
    /// A bar on a terminal, lines elsewhere, nothing when quiet.
    pub fn detect(quiet: bool) -> Mode {
        use std::io::IsTerminal;
        if quiet {
            Mode::Off
        } else if std::io::stderr().is_terminal() {
            Mode::Bar
        } else {
            Mode::Lines
        }
    }
}

/// A build shorter than this never shows a bar (it would only flicker).
const BAR_AFTER: Duration = Duration::from_millis(300);
/// Sites with fewer pages than this build in a moment: no plain lines for them.
pub const LINES_FROM_PAGES: u64 = 1000;

/// Progress on stderr, for the command line.
pub struct Terminal {
    mode: Mode,
    started: Instant,
    bar: ProgressBar,
    shown: std::sync::atomic::AtomicBool,
    /// Pages loaded: decides whether plain lines are worth printing.
    pages: AtomicU64,
    done: AtomicU64,
    total: AtomicU64,
    /// The last quarter of rendering reported as a plain line.
    quarter: Mutex<u64>,
}

impl Terminal {
    pub fn new(mode: Mode) -> Terminal {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        Terminal {
            mode,
            started: Instant::now(),
            bar,
            shown: Default::default(),
            pages: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            quarter: Mutex::new(0),
        }
    }

    /// Removes the bar, so the summary that follows prints on a clean line.
    pub fn clear(&self) {
        self.bar.finish_and_clear();
    }

    fn lines(&self) -> bool {
        self.mode == Mode::Lines && self.pages.load(Ordering::Relaxed) >= LINES_FROM_PAGES
    }

    /// Shows the bar once the build has taken long enough.
    fn maybe_show(&self) {
        if self.mode == Mode::Bar
            && self.started.elapsed() >= BAR_AFTER
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            self.bar
                .set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            self.bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

fn stage_label(stage: &str) -> &str {
    match stage {
        "config" => "Reading site.toml",
        "load" => "Loading pages",
        "check" => "Checking guidance",
        "render" => "Rendering",
        "index" => "Indexing pages",
        "listings+terms" => "Listing pages, indexing terms",
        "write" => "Writing",
        other => other,
    }
}

impl Progress for Terminal {
    fn start(&self, stage: &'static str, total: Option<u64>) {
        if self.mode == Mode::Off {
            return;
        }
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total.unwrap_or(0), Ordering::Relaxed);
        *self.quarter.lock().unwrap_or_else(|e| e.into_inner()) = 0;
        match total {
            Some(total) => {
                self.bar.set_style(
                    ProgressStyle::with_template(
                        "{msg:<26} [{bar:30}] {pos}/{len} files ({elapsed})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                self.bar.set_length(total);
                self.bar.set_position(0);
            }
            None => {
                self.bar.set_style(
                    ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                        .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
            }
        }
        self.bar.set_message(stage_label(stage).to_string());
        self.maybe_show();
        if self.lines() && total.is_some() {
            eprintln!("cmkb: {}…", stage_label(stage).to_lowercase());
        }
    }

    fn step(&self) {
        if self.mode == Mode::Off {
            return;
        }
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        let total = self.total.load(Ordering::Relaxed);
        if self.mode == Mode::Bar {
            // The total is an estimate: listings and tag pages come on top.
            if done > self.bar.length().unwrap_or(0) {
                self.bar.set_length(done);
            }
            self.bar.set_position(done);
            self.maybe_show();
        } else if self.lines() && total > 0 {
            let quarter = (done * 4 / total).min(3);
            let mut last = self.quarter.lock().unwrap_or_else(|e| e.into_inner());
            if quarter > *last {
                *last = quarter;
                eprintln!("cmkb: {} of about {total} files written", done);
            }
        }
    }

    fn finish(&self, stage: &'static str, elapsed: Duration, count: Option<u64>) {
        if stage == "load" {
            self.pages.store(count.unwrap_or(0), Ordering::Relaxed);
        }
        if self.mode == Mode::Off {
            return;
        }
        self.maybe_show();
        if self.lines() {
            let what = match (stage, count) {
                ("load", Some(n)) => format!(": {n} pages"),
                ("render", Some(n)) => format!(": {n} files"),
                _ => String::new(),
            };
            eprintln!(
                "cmkb: {} done{what} in {:.1} s",
                stage_label(stage).to_lowercase(),
                elapsed.as_secs_f64()
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_and_small_builds_stay_silent() {
        // Nothing to assert on stderr here; this exercises every path for panics.
        for mode in [Mode::Off, Mode::Lines, Mode::Bar] {
            let progress = Terminal::new(mode);
            progress.start("load", None);
            progress.finish("load", Duration::from_millis(5), Some(3));
            progress.start("render", Some(2));
            for _ in 0..5 {
                progress.step();
            }
            progress.finish("render", Duration::from_millis(5), Some(5));
            progress.clear();
            assert!(!progress.lines(), "3 pages is not a long build");
        }
    }
}
