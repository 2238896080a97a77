//! `cmkb build`: the pipeline, as a flat list of named, timed stages.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use jiff::civil::Date;

use crate::check::Checker;
use crate::config::Config;
use crate::content::{self, Audience, LoadOptions, Site};
use crate::diagnostic::{self, Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::output::{Content, Sink, Staging};
use crate::progress::{Progress, Silent};
use crate::render;
use crate::search;
use crate::theme::Theme;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir` in `site.toml`; relative to the current directory.
    pub output_dir: Option<PathBuf>,
    pub base_url: Option<String>,
    pub audience: Audience,
    pub today: Date,
}

#[derive(Debug)]
pub struct BuildReport {
    pub output_dir: PathBuf,
    pub diagnostics: Vec<Diagnostic>,
    /// Pages written, by language.
    pub pages_by_language: Vec<(String, usize)>,
    pub files: usize,
    /// Whether `output_dir` was replaced; false when errors stopped the build.
    pub written: bool,
    pub timings: Vec<(&'static str, Duration)>,
    /// The peak resident memory at the end of each stage of `timings`.
    pub peak_memory: Vec<Option<u64>>,
    /// The CPU time (user and system, all threads) each stage of `timings`
    /// took: against the wall time, it shows how well a stage uses the cores.
    pub cpu_times: Vec<Option<Duration>>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        diagnostic::count(&self.diagnostics, Severity::Error)
    }
}

/// Stage timer: `--verbose` prints these, the benchmarks read them. Each
/// stage's end is also reported to the build's [`Progress`].
struct Stages<'p> {
    timings: Vec<(&'static str, Duration)>,
    peak_memory: Vec<Option<u64>>,
    cpu_times: Vec<Option<Duration>>,
    started: Instant,
    cpu_started: Option<Duration>,
    progress: &'p dyn Progress,
}

impl<'p> Stages<'p> {
    fn new(progress: &'p dyn Progress) -> Stages<'p> {
        progress.start("config", None);
        Stages {
            timings: Vec::new(),
            peak_memory: Vec::new(),
            cpu_times: Vec::new(),
            started: Instant::now(),
            cpu_started: cpu_time(),
            progress,
        }
    }
    fn done(&mut self, name: &'static str) {
        self.done_with(name, None);
    }
    fn done_with(&mut self, name: &'static str, count: Option<u64>) {
        let now = Instant::now();
        let cpu = cpu_time();
        self.timings.push((name, now - self.started));
        self.peak_memory.push(peak_memory());
        self.cpu_times.push(match (self.cpu_started, cpu) {
            (Some(start), Some(end)) => Some(end.saturating_sub(start)),
            _ => None,
        });
        self.progress.finish(name, now - self.started, count);
        self.started = now;
        self.cpu_started = cpu;
    }
    fn into_report(self, report: &mut BuildReport) {
        report.timings = self.timings;
        report.peak_memory = self.peak_memory;
        report.cpu_times = self.cpu_times;
    }
}

/// The CPU time the process has used so far, all threads, user and system.
#[cfg(unix)]
fn cpu_time() -> Option<Duration> {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return None;
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Some(Duration::from_micros(
        micros(usage.ru_utime) + micros(usage.ru_stime),
    ))
}

#[cfg(not(unix))]
fn cpu_time() -> Option<Duration> {
    None
}

/// The process's peak resident memory so far, in bytes, where the system
/// tells (Linux: `VmHWM`). `--verbose` shows it after each stage.
pub fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// A sink that reports each file to the build's [`Progress`].
struct Counted<'a> {
    inner: &'a dyn Sink,
    progress: &'a dyn Progress,
}

impl Sink for Counted<'_> {
    fn put(&self, path: &str, content: Content) -> Result<()> {
        let result = self.inner.put(path, content);
        self.progress.step();
        result
    }
}

/// Loads, checks, renders and writes the site. Content problems come back in
/// the report (and leave the output untouched when any is an error); an
/// `Err` means the build could not run at all.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_with_progress(options, &Silent)
}

/// [`build()`], telling `progress` how it goes: stage by stage, and file by
/// file while rendering.
pub fn build_with_progress(options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    let mut stages = Stages::new(progress);
    let root = &options.root;
    let mut config = Config::load(root)?;
    if let Some(base_url) = &options.base_url {
        config = config.with_base_url(base_url);
    }
    let output_dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| root.join(&config.output_dir));
    let content_dir = content::content_dir(root, &config);
    check_output_dir(&output_dir, root, &content_dir)?;
    let theme = Theme::load(root, &config.theme)?;
    let checker = Checker::new(&config)?;
    stages.done("config");

    progress.start("load", None);
    let mut site = load_site(
        root,
        config,
        &theme,
        options,
        Some(output_dir.clone()),
        true,
    )?;
    stages.done_with("load", Some(site.included_pages().count() as u64));

    progress.start("check", None);
    let diagnostics = checker.run(&mut site);
    stages.done("check");

    let mut report = BuildReport {
        output_dir: output_dir.clone(),
        pages_by_language: pages_by_language(&site),
        files: 0,
        written: false,
        diagnostics,
        timings: Vec::new(),
        peak_memory: Vec::new(),
        cpu_times: Vec::new(),
    };
    let blocking = report
        .diagnostics
        .iter()
        .any(|d| stops_build(d, &site.config));
    if blocking {
        stages.into_report(&mut report);
        return Ok(report);
    }

    // Each part of the pages is freed as soon as its last reader is done,
    // so no stage holds what another needed: the sources, links and
    // comments (the checks'; they freed the folded text as they went), then
    // the HTML (the pages' and sections' rendering, before the tag pages and
    // dashboards render), then the blocks (the index's pages'). The freed
    // memory is handed back where the next stage would otherwise take fresh
    // pages on top of it (before rendering, +4 MB of peak at 10,000 pages,
    // and before the terms, +20 MB); after the HTML, the tag pages and
    // dashboards reuse it, and handing it back cost 20 ms and no peak.
    site.release_checked();
    crate::memory::return_freed();
    // Pages stream into a staging folder as they render; it replaces the
    // output folder only once everything is written.
    let staging = Staging::new(&output_dir)?;
    let put = |path: String, bytes: Vec<u8>| staging.put(&path, Content::Bytes(bytes));
    // An estimate: listings and tag pages come on top.
    let expected = site.included_pages().count() + site.assets.len() + theme.static_files.len();
    progress.start("render", Some(expected as u64));
    let counted = Counted {
        inner: &staging,
        progress,
    };
    let tera = render::templates(&theme)?;
    let listings = render::Listings::new(&site);
    render::render_content(&site, &theme, &tera, &listings, &counted)?;
    site.release_html();
    stages.done_with("render", Some(staging.file_count() as u64));
    progress.start("index", None);
    let indexed = search::index_pages(&site, &put)?;
    stages.done("index");
    site.release_text();
    crate::memory::return_freed();
    // The search terms are made largely on one core (numbering, gathering
    // the postings, cutting the shards); the listings (tag pages,
    // dashboards, feeds) render meanwhile on the others. Their paths are
    // apart: the index writes only under `search/` and as JSON.
    progress.start("listings+terms", None);
    let (listed, terms) = rayon::join(
        || render::render_site_wide(&site, &theme, &tera, &listings, &counted),
        || search::index_terms(&site, indexed, &put),
    );
    listed?;
    terms?;
    drop(listings);
    stages.done("listings+terms");
    report.files = staging.file_count();
    progress.start("write", None);
    staging.commit()?;
    stages.done("write");
    report.written = true;
    stages.into_report(&mut report);
    Ok(report)
}

/// The load stage on its own, shared by `build`, `check` and `serve`.
/// Without `html` the pages get no HTML: `cmkb check` reads only the parsed
/// documents, and rendering was a fifth of loading.
pub fn load_site(
    root: &Path,
    config: Config,
    theme: &Theme,
    options: &BuildOptions,
    output_dir: Option<PathBuf>,
    html: bool,
) -> Result<Site> {
    let static_files = theme.static_files.keys().cloned().collect();
    content::load(
        root,
        config,
        LoadOptions {
            audience: options.audience,
            today: options.today,
            output_dir,
            static_files,
            html,
        },
    )
}

/// Whether a finding keeps the site from being published: an error, unless
/// it is a guidance rule and `fail_build = false`.
pub fn stops_build(d: &Diagnostic, config: &Config) -> bool {
    d.severity == Severity::Error && (config.check.fail_build || !is_guidance_rule(&d.rule))
}

/// Guidance rules may be configured not to fail the build (`fail_build =
/// false`); structural problems (unreadable files, broken links, leaks) always do.
fn is_guidance_rule(rule: &str) -> bool {
    !matches!(
        rule,
        "read-error" | "duplicate-url" | "broken-link" | "confidential-leak" | "frontmatter-schema"
    )
}

pub fn apply_severities(diagnostics: &mut Vec<Diagnostic>, config: &Config) {
    diagnostics.retain_mut(|d| {
        let Some(setting) = config
            .check
            .rules
            .get(&d.rule)
            .and_then(|r| r.get("severity"))
            .and_then(|v| v.as_str())
            .and_then(Severity::parse_setting)
        else {
            return true;
        };
        match setting {
            Some(severity) => {
                // Structural problems that would break the site cannot be
                // lowered below an error: they would publish broken pages.
                if !(d.severity == Severity::Error
                    && matches!(d.rule.as_str(), "read-error" | "duplicate-url"))
                {
                    d.severity = severity;
                }
                true
            }
            None => matches!(d.rule.as_str(), "read-error" | "duplicate-url"),
        }
    });
}

fn pages_by_language(site: &Site) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for (_, page) in site.included_pages() {
        *counts.entry(page.lang.clone()).or_default() += 1;
    }
    counts.into_iter().collect()
}

/// The output folder is replaced wholesale, so it must never be a folder that
/// holds the team's work.
fn check_output_dir(output: &Path, root: &Path, content_dir: &Path) -> Result<()> {
    let resolve = |p: &Path| -> PathBuf {
        let absolute = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // The output may not exist yet: canonicalize the nearest existing ancestor.
        let mut existing = absolute.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.file_name(), existing.parent()) {
                (Some(name), Some(parent)) => {
                    rest.push(name.to_os_string());
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut out = std::fs::canonicalize(&existing).unwrap_or(existing);
        for part in rest.iter().rev() {
            out.push(part);
        }
        out
    };
    let out = resolve(output);
    let refuse = |why: String| {
        Err(Error::Output(format!(
            "refusing to write the site to {}: {why}; choose another folder with --output-dir or `output_dir` in site.toml",
            output.display()
        )))
    };
    for (what, dir) in [
        ("the site folder", resolve(root)),
        ("the content folder", resolve(content_dir)),
    ] {
        if dir.starts_with(&out) {
            return refuse(format!(
                "it contains {what}, and building replaces the whole output folder"
            ));
        }
    }
    if out.is_dir() {
        if out.join(".git").exists() || out.join(crate::config::CONFIG_FILE).exists() {
            return refuse("it looks like a project folder (it has .git or site.toml), and building replaces the whole output folder".into());
        }
        let has_markdown = std::fs::read_dir(&out)
            .map(|entries| {
                entries.flatten().any(|e| {
                    e.path()
                        .extension()
                        .is_some_and(|x| x.eq_ignore_ascii_case("md"))
                })
            })
            .unwrap_or(false);
        if has_markdown {
            return refuse("it holds Markdown files, which building would delete".into());
        }
    }
    Ok(())
}
