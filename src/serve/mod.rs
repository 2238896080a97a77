//! `cmkb serve`: a live preview that keeps up with the writer.
//!
//! Three parts, each in its own file, meeting in one shared [`Live`] state:
//!
//! ```text
//! watch ──paths──► rebuild (one thread: owns the Site) ──► Live { output, problems } ──► http
//!                        │                                        ▲
//!                        └── reload / css / build-error events ───┘──► SSE ──► live.js
//! ```
//!
//! - [`watch`] turns file-system events (debounced by notify-debouncer-mini)
//!   into what changed: a page, a template, `site.toml`, a static file.
//! - [`rebuild`] keeps the loaded [`crate::content::Site`], the checks'
//!   findings and the rendered output, and redoes only what a change requires,
//!   through the build's own stages (there is no second pipeline).
//! - [`http`] serves the output from memory on a real HTTP stack (axum), and
//!   injects the live-reload script into the HTML it serves — never into
//!   `cmkb build`'s files.
//!
//! A build error never replaces the preview: the last good output keeps being
//! served and every open page shows the error in an overlay until a save fixes it.

mod http;
mod rebuild;
mod watch;

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use jiff::civil::Date;
use serde::Serialize;

use crate::config::Config;
use crate::content::Audience;
use crate::output::Output;

/// The port `cmkb serve` tries first (Zola's), then the next ones up.
pub const DEFAULT_PORT: u16 = 1111;
/// How many ports above [`DEFAULT_PORT`] are tried when it is taken.
const PORT_TRIES: u16 = 100;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// 127.0.0.1 unless the writer asks for another interface.
    pub bind: IpAddr,
    /// `None`: [`DEFAULT_PORT`] or the next free one. `Some(0)`: any free
    /// port (the system's choice). Otherwise exactly this port.
    pub port: Option<u16>,
    /// Open the preview in the default browser.
    pub open: bool,
    pub audience: Audience,
    pub today: Date,
    /// Print where each rebuild's time went.
    pub verbose: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The site cannot be loaded at all (`site.toml`, the theme).
    #[error(transparent)]
    Site(#[from] crate::Error),
    #[error("port {port} on {ip} is already in use; stop what is using it, or choose another port with --port (or leave --port out to take the next free one)")]
    PortInUse { ip: IpAddr, port: u16 },
    #[error("no free port on {ip} between {first} and {last}; choose one with --port")]
    NoFreePort { ip: IpAddr, first: u16, last: u16 },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot watch {path} for changes: {message}")]
    Watch { path: PathBuf, message: String },
    #[error("cannot start the server: {0}")]
    Runtime(#[source] std::io::Error),
}

/// What the rebuild thread publishes and the HTTP side reads.
pub(crate) struct Live {
    pub state: RwLock<Published>,
    /// Reload, CSS and error events for every open page.
    pub events: tokio::sync::broadcast::Sender<LiveEvent>,
    /// To the rebuild thread (the HTTP side asks it for the search index).
    pub rebuild: Mutex<std::sync::mpsc::Sender<rebuild::Msg>>,
    /// Flips to true on Ctrl-C, ending the event streams.
    pub shutdown: tokio::sync::watch::Receiver<bool>,
}

/// The site as served: the last good output, and the current build error.
#[derive(Default)]
pub(crate) struct Published {
    pub output: Output,
    /// `/` or the path of `base_url` (`/kb/`).
    pub base_path: String,
    pub problems: Option<Problems>,
    /// Counts publications; every event carries it.
    pub generation: u64,
    pub search: SearchFiles,
}

/// The search index is built on demand: it reads every page, so rebuilding
/// it on each save would slow every save down for a page nobody is using.
#[derive(Default)]
pub(crate) struct SearchFiles {
    /// Whether the index was built at least once (before that, its file
    /// names are unknown, so any missing file may be one of them).
    pub built: bool,
    /// The content changed since the index was built.
    pub stale: bool,
    pub files: std::collections::BTreeSet<String>,
    pub dirs: std::collections::BTreeSet<String>,
}

/// One server-sent event: a name and its JSON data.
#[derive(Debug, Clone)]
pub(crate) struct LiveEvent {
    pub name: &'static str,
    pub data: String,
}

/// A build error as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub(crate) struct Problem {
    pub file: String,
    /// 0 when unknown.
    pub line: usize,
    pub column: usize,
    pub rule: String,
    pub message: String,
    /// The whole finding as the terminal shows it: source line, caret, help.
    pub text: String,
}

/// The build errors of one publication: the first few, and how many in all.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Problems {
    pub count: usize,
    pub errors: Vec<Problem>,
}

/// How many errors the overlay lists; the count says how many more.
const OVERLAY_LIMIT: usize = 20;

impl Problems {
    fn new(all: &[Problem]) -> Problems {
        Problems {
            count: all.len(),
            errors: all.iter().take(OVERLAY_LIMIT).cloned().collect(),
        }
    }
}

/// Runs the preview until Ctrl-C (or SIGTERM).
pub fn run(options: ServeOptions) -> Result<(), ServeError> {
    let listener = bind(options.bind, options.port)?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: SocketAddr::new(options.bind, options.port.unwrap_or(DEFAULT_PORT)),
        source,
    })?;
    let config = Config::load(&options.root)?;

    let (to_rebuild, from_watch) = std::sync::mpsc::channel();
    let (events, _) = tokio::sync::broadcast::channel(64);
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let live = Arc::new(Live {
        state: RwLock::new(Published::default()),
        events,
        rebuild: Mutex::new(to_rebuild.clone()),
        shutdown,
    });

    // Watch before loading, so a save during a long first build is not missed.
    let layout = watch::Layout::new(&options.root, &config);
    let watcher = watch::Watcher::start(&layout, to_rebuild.clone())?;
    let started = std::time::Instant::now();
    let mut rebuilder = rebuild::Rebuilder::new(&options, config, layout, live.clone())?;
    rebuilder.publish_first(started);

    let base_path = live
        .state
        .read()
        .map(|s| s.base_path.clone())
        .unwrap_or_else(|e| e.into_inner().base_path.clone());
    let url = url_for(addr, &base_path);
    let edition = if options.audience.internal {
        "internal"
    } else {
        "public"
    };
    println!("Serving the {edition} site at {url}  (Ctrl-C to stop)");
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {}, so other machines that can reach this one can read the preview{}",
            addr.ip(),
            if options.audience.internal {
                ", internal pages included"
            } else {
                ""
            }
        );
    }
    use std::io::Write as _;
    let _ = std::io::stdout().flush();
    if options.open {
        open_browser(&url);
    }

    let rebuild_thread = std::thread::Builder::new()
        .name("cmkb-rebuild".into())
        .spawn(move || rebuild::run(rebuilder, watcher, from_watch))
        .map_err(ServeError::Runtime)?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let served = runtime.block_on(http::serve(listener, live.clone(), stop));
    runtime.shutdown_timeout(Duration::from_secs(1));
    // The rebuild thread may be in the middle of a render; it is not waited for.
    let _ = to_rebuild.send(rebuild::Msg::Stop);
    drop(rebuild_thread);
    served.map_err(ServeError::Runtime)?;
    eprintln!("Stopped.");
    Ok(())
}

/// Binds the listener: the port asked for, or the default and the next free ones.
fn bind(ip: IpAddr, port: Option<u16>) -> Result<TcpListener, ServeError> {
    let try_port = |port: u16| {
        let addr = SocketAddr::new(ip, port);
        TcpListener::bind(addr).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                ServeError::PortInUse { ip, port }
            } else {
                ServeError::Listen { addr, source }
            }
        })
    };
    match port {
        Some(port) => try_port(port),
        None => {
            let last = DEFAULT_PORT + PORT_TRIES - 1;
            for port in DEFAULT_PORT..=last {
                match try_port(port) {
                    Ok(listener) => return Ok(listener),
                    Err(ServeError::PortInUse { .. }) => continue,
                    Err(other) => return Err(other),
                }
            }
            Err(ServeError::NoFreePort {
                ip,
                first: DEFAULT_PORT,
                last,
            })
        }
    }
}

/// The URL a browser opens; a wildcard address is shown as localhost.
fn url_for(addr: SocketAddr, base_path: &str) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() => "localhost".to_string(),
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("http://{host}:{}{base_path}", addr.port())
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        std::process::Command::new("open").arg(url).spawn()
    } else if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new("xdg-open").arg(url).spawn()
    };
    if let Err(e) = command {
        eprintln!("could not open a browser ({e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_the_base_path_and_bracket_ipv6() {
        let v4: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        assert_eq!(url_for(v4, "/kb/"), "http://127.0.0.1:1111/kb/");
        let v6: SocketAddr = "[::1]:1112".parse().unwrap();
        assert_eq!(url_for(v6, "/"), "http://[::1]:1112/");
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(url_for(any, "/"), "http://localhost:1111/");
    }

    #[test]
    fn a_taken_port_is_a_clear_error_and_the_default_moves_on() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        match bind(ip, Some(port)) {
            Err(ServeError::PortInUse { port: p, .. }) => assert_eq!(p, port),
            other => panic!("expected PortInUse, got {:?}", other.map(|_| ())),
        }
        let message = ServeError::PortInUse { ip, port }.to_string();
        assert!(message.contains("--port"), "{message}");
    }
}
