//! `cmkb serve`, end to end: the real binary on a free port of 127.0.0.1 (or
//! [::1]), a raw HTTP/1.1 client over TcpStream (so request lines reach the
//! server exactly as written), and the live-reload event stream read as a
//! browser would. Every wait has a timeout.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Fixture;

/// Long enough for a loaded CI machine; a healthy rebuild takes milliseconds.
const WAIT: Duration = Duration::from_secs(30);

const SITE_TOML: &str = "title = \"Test KB\"\nbase_url = \"https://org.github.io/kb/\"\ndefault_language = \"es\"\nlanguages = [\"es\", \"en\"]\n\n[check]\n# Guidance findings are not what these tests are about.\nfail_build = false\n";

fn site() -> Fixture {
    Fixture::new()
        .file("site.toml", SITE_TOML)
        .file("content/_index.md", "+++\ntitle = \"Inicio\"\n+++\nBienvenida.\n")
        .file(
            "content/guias/_index.md",
            "+++\ntitle = \"Guías\"\n+++\nLas guías del equipo.\n",
        )
        .file(
            "content/guias/moderar.md",
            "+++\ntitle = \"Moderar con criterio\"\n+++\nTexto original de la guía.\n\n## Cuándo intervenir\n\nCuando haga falta.\n",
        )
        .file(
            "content/guias/acoger.md",
            "+++\ntitle = \"Acoger a quien llega\"\n+++\nVer [moderar](moderar.md#cuándo-intervenir).\n",
        )
        .file("static/extra.css", "body { color: black; }\n")
}

// ----- the server ------------------------------------------------------------

struct Server {
    child: Child,
    addr: SocketAddr,
    /// The base path the site is served under, `/kb/`.
    base: String,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(root: &Path, extra: &[&str]) -> Server {
        Server::try_start(root, extra).unwrap_or_else(|e| panic!("{e}"))
    }

    fn try_start(root: &Path, extra: &[&str]) -> Result<Server, String> {
        let mut args = vec![
            "serve",
            "--root",
            root.to_str().unwrap(),
            "--today",
            "2026-11-25",
        ];
        args.extend(["--port", "0"]);
        args.extend(extra);
        Server::launch(root, &args)
    }

    /// Runs `cmkb` with these arguments and reads the URL it prints.
    fn launch(_root: &Path, args: &[&str]) -> Result<Server, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cmkb"))
            .args(args)
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start cmkb serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let mut err = BufReader::new(child.stderr.take().unwrap());
        std::thread::spawn(move || {
            let mut line = String::new();
            while err.read_line(&mut line).unwrap_or(0) > 0 {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        let (lines, first) = channel();
        let mut out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            let mut line = String::new();
            while out.read_line(&mut line).unwrap_or(0) > 0 {
                let _ = lines.send(line.clone());
                line.clear();
            }
        });
        let line = match first.recv_timeout(WAIT) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                return Err(format!(
                    "cmkb serve printed no URL:\n{}",
                    stderr.lock().unwrap()
                ));
            }
        };
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let rest = &url["http://".len()..];
        let slash = rest.find('/').unwrap();
        let addr = rest[..slash].to_socket_addrs().unwrap().next().unwrap();
        Ok(Server {
            child,
            addr,
            base: rest[slash..].to_string(),
            stderr,
        })
    }

    /// `path` is relative to the base path.
    fn get(&self, path: &str) -> Response {
        self.raw(&format!("GET {}{path} HTTP/1.1", self.base))
    }

    /// Sends one request line as written, with Host and Connection: close.
    fn raw(&self, request_line: &str) -> Response {
        raw_request(self.addr, request_line)
    }

    fn events(&self) -> Events {
        Events::connect(self.addr, &format!("{}__cmkb/events", self.base))
    }

    fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Waits until the server has printed `text` (its stderr is read by
    /// another thread, which may be behind the events).
    fn wait_for_log(&self, text: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let log = self.log();
            if log.contains(text) || Instant::now() > deadline {
                return log;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits until a page shows (or stops showing) a text.
    fn wait_for_page(&self, path: &str, text: &str, present: bool) -> Response {
        let deadline = Instant::now() + WAIT;
        loop {
            let response = self.get(path);
            if response.text().contains(text) == present {
                return response;
            }
            assert!(
                Instant::now() < deadline,
                "{path} {} {text:?} after {WAIT:?}:\n{}\n{}",
                if present {
                    "never showed"
                } else {
                    "still shows"
                },
                response.text(),
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[derive(Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn raw_request(addr: SocketAddr, request_line: &str) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect");
    stream.set_read_timeout(Some(WAIT)).unwrap();
    stream.set_write_timeout(Some(WAIT)).unwrap();
    write!(
        stream,
        "{request_line}\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the response");
    parse_response(&bytes, request_line.starts_with("HEAD"))
}

fn parse_response(bytes: &[u8], head: bool) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(bytes)));
    let head_text = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("bad status line in {head_text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = bytes[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked && !head {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            String::from_utf8_lossy(&data[..end])
                .split(';')
                .next()
                .unwrap()
                .trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
}

// ----- the live-reload event stream ---------------------------------------

#[derive(Debug, Clone)]
struct LiveEvent {
    name: String,
    data: serde_json::Value,
}

struct Events {
    received: Receiver<LiveEvent>,
    _stream: TcpStream,
}

impl Events {
    fn connect(addr: SocketAddr, path: &str) -> Events {
        let mut stream = TcpStream::connect_timeout(&addr, WAIT).expect("connect");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let reader = stream.try_clone().unwrap();
        let (send, received) = channel();
        std::thread::spawn(move || read_events(reader, send));
        Events {
            received,
            _stream: stream,
        }
    }

    fn next(&self, timeout: Duration) -> Option<LiveEvent> {
        match self.received.recv_timeout(timeout) {
            Ok(event) => Some(event),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// The next event with this name; others met on the way are skipped.
    fn wait(&self, name: &str, server: &Server) -> LiveEvent {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.next(left) {
                Some(event) if event.name == name => return event,
                Some(_) => continue,
                None => panic!("no `{name}` event within {WAIT:?}:\n{}", server.log()),
            }
        }
    }
}

/// Reads a chunked SSE response: events are separated by blank lines.
fn read_events(stream: TcpStream, send: std::sync::mpsc::Sender<LiveEvent>) {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // Status line and headers.
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
    }
    let mut pending = String::new();
    loop {
        // Chunk size, chunk, CRLF.
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let Ok(size) = usize::from_str_radix(line.trim(), 16) else {
            return;
        };
        if size == 0 {
            return;
        }
        let mut chunk = vec![0; size + 2];
        if reader.read_exact(&mut chunk).is_err() {
            return;
        }
        pending.push_str(&String::from_utf8_lossy(&chunk[..size]));
        while let Some(end) = pending.find("\n\n") {
            let block: String = pending.drain(..end + 2).collect();
            let mut name = String::from("message");
            let mut data = String::new();
            for l in block.lines() {
                if let Some(v) = l.strip_prefix("event:") {
                    name = v.trim().to_string();
                } else if let Some(v) = l.strip_prefix("data:") {
                    data.push_str(v.trim_start());
                }
            }
            if block.lines().all(|l| l.starts_with(':') || l.is_empty()) {
                continue; // keep-alive comment
            }
            let data = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
            if send.send(LiveEvent { name, data }).is_err() {
                return;
            }
        }
    }
}

fn urls(event: &LiveEvent) -> Vec<String> {
    event.data["urls"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|u| u.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

// ----- the stories -----------------------------------------------------------

#[test]
fn a_saved_page_reloads_only_that_page_with_the_new_text() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let page = server.get("guias/moderar/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Texto original"), "{}", page.text());
    let events = server.events();
    events.wait("hello", &server);

    std::fs::write(
        site.path("content/guias/moderar.md"),
        "+++\ntitle = \"Moderar con criterio\"\n+++\nTexto nuevo, guardado ahora.\n\n## Cuándo intervenir\n\nCuando haga falta.\n",
    )
    .unwrap();
    let reload = events.wait("reload", &server);
    assert_eq!(
        urls(&reload),
        vec!["/kb/guias/moderar/".to_string()],
        "a body edit re-renders its page alone: {:?}",
        reload.data
    );
    assert_ne!(reload.data["all"], true);
    let page = server.get("guias/moderar/");
    assert!(page.text().contains("Texto nuevo"), "{}", page.text());
    assert!(!page.text().contains("Texto original"));
}

#[test]
fn a_title_change_reaches_every_page_that_lists_it() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);
    assert!(server.get("guias/").text().contains("Moderar con criterio"));

    std::fs::write(
        site.path("content/guias/moderar.md"),
        "+++\ntitle = \"Moderar sin prisa\"\n+++\nTexto original de la guía.\n\n## Cuándo intervenir\n\nCuando haga falta.\n",
    )
    .unwrap();
    let reload = events.wait("reload", &server);
    assert_eq!(reload.data["all"], true, "{:?}", reload.data);
    let section = server.get("guias/").text();
    assert!(section.contains("Moderar sin prisa"), "{section}");
    assert!(!section.contains("Moderar con criterio"), "{section}");
    // The other guide's navigation lists it too.
    assert!(server
        .get("guias/acoger/")
        .text()
        .contains("Moderar sin prisa"));
}

#[test]
fn broken_front_matter_shows_the_error_in_every_page_and_keeps_the_last_good_version() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);

    std::fs::write(
        site.path("content/guias/moderar.md"),
        "+++\ntitle = \"Moderar\nTexto roto.\n",
    )
    .unwrap();
    let error = events.wait("build-error", &server);
    let first = &error.data["errors"][0];
    assert_eq!(
        first["file"], "content/guias/moderar.md",
        "{:?}",
        error.data
    );
    assert!(first["line"].as_u64().unwrap() >= 1, "{:?}", error.data);
    assert!(
        first["message"].as_str().unwrap().contains("front matter"),
        "{:?}",
        error.data
    );

    // The server still answers, with the last good version of the page.
    let page = server.get("guias/moderar/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("Texto original"), "{}", page.text());
    assert!(page.text().contains("__cmkb/live.js"));
    // A page opened now is told at once.
    let late = server.events();
    let told = late.next(WAIT).expect("an event on connecting");
    assert_eq!(told.name, "build-error");
    assert_eq!(told.data["errors"][0]["file"], "content/guias/moderar.md");
    // The overlay writes the error as text, never as HTML.
    let script = server.get("__cmkb/live.js").text();
    assert!(script.contains("textContent"), "{script}");
    assert!(!script.contains("innerHTML"), "{script}");

    // The terminal says it once, not once per page or per event.
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        server.log().matches("is never closed").count(),
        1,
        "{}",
        server.log()
    );

    std::fs::write(
        site.path("content/guias/moderar.md"),
        "+++\ntitle = \"Moderar con criterio\"\n+++\nTexto arreglado.\n\n## Cuándo intervenir\n\nCuando haga falta.\n",
    )
    .unwrap();
    events.wait("reload", &server);
    assert!(server
        .get("guias/moderar/")
        .text()
        .contains("Texto arreglado"));
    let fresh = server.events();
    assert_eq!(fresh.next(WAIT).expect("an event").name, "hello");
}

#[test]
fn a_broken_link_blocks_the_update_until_it_is_fixed() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);

    std::fs::write(
        site.path("content/guias/acoger.md"),
        "+++\ntitle = \"Acoger a quien llega\"\n+++\nTexto nuevo.\n\nVer [la guía](no-existe.md).\n",
    )
    .unwrap();
    let error = events.wait("build-error", &server);
    let first = &error.data["errors"][0];
    assert_eq!(first["rule"], "broken-link", "{:?}", error.data);
    assert_eq!(first["file"], "content/guias/acoger.md");
    assert_eq!(first["line"], 6);
    assert!(!server.get("guias/acoger/").text().contains("Texto nuevo"));

    std::fs::write(
        site.path("content/guias/acoger.md"),
        "+++\ntitle = \"Acoger a quien llega\"\n+++\nTexto nuevo.\n\nVer [la guía](moderar.md).\n",
    )
    .unwrap();
    events.wait("reload", &server);
    let page = server.get("guias/acoger/").text();
    assert!(page.contains("Texto nuevo"), "{page}");
    assert!(page.contains("href=\"/kb/guias/moderar/\""), "{page}");
}

#[test]
fn a_template_error_is_shown_and_the_site_stays_up() {
    let site = site().file(
        "templates/404.html",
        "<!doctype html><html><body><h1>No está</h1></body></html>\n",
    );
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);
    std::fs::write(
        site.path("templates/404.html"),
        "<!doctype html><html><body>{% if %}</body></html>\n",
    )
    .unwrap();
    let error = events.wait("build-error", &server);
    assert!(
        error.data["errors"][0]["file"]
            .as_str()
            .unwrap()
            .contains("404.html"),
        "{:?}",
        error.data
    );
    let missing = server.get("no-such-page/");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("No está"), "the last good 404 page");

    std::fs::write(
        site.path("templates/404.html"),
        "<!doctype html><html><body><h1>Aquí no hay nada</h1></body></html>\n",
    )
    .unwrap();
    let reload = events.wait("reload", &server);
    assert_eq!(reload.data["all"], true);
    assert!(server
        .get("no-such-page/")
        .text()
        .contains("Aquí no hay nada"));
}

#[test]
fn pages_added_renamed_and_deleted_leave_nothing_stale() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);

    std::fs::write(
        site.path("content/guias/escalar.md"),
        "+++\ntitle = \"Escalar un caso\"\n+++\nA quién avisar.\n",
    )
    .unwrap();
    events.wait("reload", &server);
    assert_eq!(server.get("guias/escalar/").status, 200);
    assert!(server.get("guias/").text().contains("Escalar un caso"));

    std::fs::rename(
        site.path("content/guias/escalar.md"),
        site.path("content/guias/escalado.md"),
    )
    .unwrap();
    events.wait("reload", &server);
    assert_eq!(server.get("guias/escalado/").status, 200);
    assert_eq!(
        server.get("guias/escalar/").status,
        404,
        "the old URL is gone"
    );
    let section = server.get("guias/").text();
    assert!(section.contains("/kb/guias/escalado/"), "{section}");
    assert!(!section.contains("/kb/guias/escalar/"), "{section}");

    std::fs::remove_file(site.path("content/guias/escalado.md")).unwrap();
    events.wait("reload", &server);
    assert_eq!(server.get("guias/escalado/").status, 404);
    assert!(!server.get("guias/").text().contains("Escalar un caso"));

    // A whole folder moved away.
    std::fs::create_dir_all(site.root().join("archivo")).unwrap();
    std::fs::rename(
        site.path("content/guias"),
        site.root().join("archivo/guias"),
    )
    .unwrap();
    server.wait_for_page("guias/moderar/", "Texto original", false);
    assert_eq!(server.get("guias/moderar/").status, 404);
    assert_eq!(server.get("guias/").status, 404);
}

#[test]
fn an_editors_atomic_save_updates_the_page_and_serves_no_temporary_file() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);
    // Write a temporary file beside the page, then rename it over the page.
    for (n, temp) in ["moderar.md.tmp", ".moderar.md.swp"].iter().enumerate() {
        let text = format!(
            "+++\ntitle = \"Moderar con criterio\"\n+++\nGuardado atómico {n}.\n\n## Cuándo intervenir\n\nCuando haga falta.\n"
        );
        let temp = site.path(&format!("content/guias/{temp}"));
        std::fs::write(&temp, text).unwrap();
        std::fs::rename(&temp, site.path("content/guias/moderar.md")).unwrap();
        server.wait_for_page("guias/moderar/", &format!("Guardado atómico {n}"), true);
    }
    assert_eq!(server.get("guias/moderar.md.tmp").status, 404);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(server.get("guias/moderar.md.tmp").status, 404);
    assert!(!server.log().contains("error"), "{}", server.log());
}

#[test]
fn the_site_is_served_under_its_base_path_with_the_right_types() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    assert_eq!(server.base, "/kb/");

    let home = server.get("");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = home.text();
    assert!(text.contains("Bienvenida"), "{text}");
    let script = "<script src=\"/kb/__cmkb/live.js\" defer></script>";
    assert_eq!(text.matches(script).count(), 1, "{text}");
    assert!(text.find(script).unwrap() < text.rfind("</body>").unwrap());

    let root = server.raw("GET / HTTP/1.1");
    assert_eq!(root.status, 302);
    assert_eq!(root.header("location"), Some("/kb/"));
    assert_eq!(
        server.raw("GET /kb HTTP/1.1").header("location"),
        Some("/kb/")
    );
    let folder = server.get("guias/moderar?x=1");
    assert_eq!(folder.status, 302);
    assert_eq!(folder.header("location"), Some("/kb/guias/moderar/?x=1"));

    let missing = server.get("no-hay/");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let own_404 = site.build();
    own_404.ok();
    let built_404 = site.read("public/404.html");
    let title = built_404
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap();
    assert!(missing.text().contains(title), "the site's own 404 page");
    assert_eq!(server.raw("GET /elsewhere/ HTTP/1.1").status, 404);

    let css = server.get("extra.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.text().contains("__cmkb"), "only HTML gets the script");
    assert_eq!(
        server.get("atom.xml").header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    assert_eq!(
        server.get("sitemap.xml").header("content-type"),
        Some("application/xml; charset=utf-8")
    );
    let js = server.get("__cmkb/live.js");
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );

    let head = server.raw("HEAD /kb/ HTTP/1.1");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.header("content-length").map(str::to_string),
        Some(home.body.len().to_string())
    );
}

#[test]
fn the_search_index_is_built_when_asked_for() {
    let site = site();
    site.build().ok();
    let built: Vec<String> = site
        .snapshot("public")
        .into_iter()
        .map(|(path, _)| path.replace('\\', "/"))
        .filter(|p| p.ends_with(".json"))
        .collect();
    let Some(index_file) = built.first() else {
        eprintln!("skipped: this build writes no search index");
        return;
    };
    let server = Server::start(site.root(), &[]);
    let response = server.get(index_file);
    assert_eq!(response.status, 200, "{index_file}");
    assert_eq!(response.header("content-type"), Some("application/json"));
}

#[test]
fn only_get_and_head_are_answered() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        let response = server.raw(&format!("{method} /kb/ HTTP/1.1"));
        assert_eq!(response.status, 405, "{method}");
        assert_eq!(response.header("allow"), Some("GET, HEAD"), "{method}");
    }
}

#[test]
fn traversal_requests_never_reach_outside_the_site() {
    let site = site().file("content/guias/privado.txt", "contenido de la carpeta\n");
    // Secrets beside the site and in its sources, which are not the built site.
    let outside = site
        .root()
        .parent()
        .unwrap()
        .join(format!("cmkb-serve-secret-{}.txt", std::process::id()));
    std::fs::write(&outside, "TOP-SECRET-OUTSIDE").unwrap();
    let secret_name = outside.file_name().unwrap().to_str().unwrap().to_string();
    let server = Server::start(site.root(), &[]);
    let requests = [
        format!("GET /kb/../{secret_name} HTTP/1.1"),
        format!("GET /kb/../../{secret_name} HTTP/1.1"),
        format!("GET /../{secret_name} HTTP/1.1"),
        format!("GET /kb/%2e%2e/%2e%2e/{secret_name} HTTP/1.1"),
        "GET /kb/%2E%2E/site.toml HTTP/1.1".to_string(),
        format!("GET /kb/..%2f..%2f{secret_name} HTTP/1.1"),
        format!("GET /kb/%2e%2e%2f%2e%2e%2f{secret_name} HTTP/1.1"),
        format!("GET /kb/%252e%252e/%252e%252e/{secret_name} HTTP/1.1"),
        format!("GET /kb/..%255c..%255c{secret_name} HTTP/1.1"),
        format!("GET /kb/..\\..\\{secret_name} HTTP/1.1"),
        format!("GET /kb/%5c..%5c{secret_name} HTTP/1.1"),
        format!("GET {} HTTP/1.1", outside.display()),
        format!("GET //{} HTTP/1.1", outside.display()),
        format!("GET /kb/{} HTTP/1.1", outside.display()),
        format!("GET http://127.0.0.1/kb/../../{secret_name} HTTP/1.1"),
        "GET /kb/site.toml HTTP/1.1".to_string(),
        "GET /kb/../site.toml HTTP/1.1".to_string(),
        "GET /kb/content/guias/moderar.md HTTP/1.1".to_string(),
        "GET /kb/guias/moderar.md HTTP/1.1".to_string(),
        "GET /kb/guias/privado.txt%00.html HTTP/1.1".to_string(),
        "GET /kb/guias/%00 HTTP/1.1".to_string(),
        "GET /kb/./guias/ HTTP/1.1".to_string(),
        "GET C:\\Windows\\win.ini HTTP/1.1".to_string(),
        "GET /etc/passwd HTTP/1.1".to_string(),
        "GET /kb/%2fetc%2fpasswd HTTP/1.1".to_string(),
    ];
    for line in &requests {
        let response = server.raw(line);
        assert!(
            response.status == 400 || response.status == 404,
            "{line} → {}",
            response.status
        );
        let text = response.text();
        assert!(
            !text.contains("TOP-SECRET"),
            "{line} leaked the outside file"
        );
        assert!(!text.contains("base_url"), "{line} leaked site.toml");
        assert!(
            !text.contains("Texto original"),
            "{line} leaked a source file"
        );
        assert!(!text.contains("root:"), "{line} leaked /etc/passwd");
    }
    // A file beside a page is part of the site, and is served.
    let beside = server.get("guias/privado.txt");
    assert_eq!(beside.status, 200);
    assert_eq!(beside.text(), "contenido de la carpeta\n");
    assert_eq!(
        server.raw("GET /kb/ HTTP/1.1").status,
        200,
        "still answering"
    );
    let _ = std::fs::remove_file(outside);
}

#[test]
fn internal_pages_and_drafts_are_served_only_when_asked_for() {
    let site = site()
        .file(
            "content/guias/interna.md",
            "+++\ntitle = \"Guía interna\"\nvisibility = \"internal\"\n+++\nSolo para el equipo.\n",
        )
        .file(
            "content/guias/borrador.md",
            "+++\ntitle = \"Borrador\"\ndraft = true\n+++\nA medias.\n",
        );
    {
        let public = Server::start(site.root(), &[]);
        assert_eq!(public.get("guias/interna/").status, 404);
        assert_eq!(public.get("guias/borrador/").status, 404);
        assert!(!public.get("guias/").text().contains("Guía interna"));
    }
    let internal = Server::start(site.root(), &["--internal", "--drafts"]);
    assert!(internal
        .get("guias/interna/")
        .text()
        .contains("Solo para el equipo"));
    assert_eq!(internal.get("guias/borrador/").status, 200);
}

#[test]
fn a_stylesheet_change_swaps_the_css_without_reloading_pages() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);
    std::fs::write(site.path("static/extra.css"), "body { color: navy; }\n").unwrap();
    let event = events.next(WAIT).expect("an event after the CSS change");
    assert_eq!(event.name, "css", "{event:?}");
    assert_eq!(urls(&event), vec!["/kb/extra.css".to_string()]);
    assert!(
        events.next(Duration::from_millis(500)).is_none(),
        "no page reload"
    );
    assert!(server.get("extra.css").text().contains("navy"));
}

#[test]
fn the_build_output_never_carries_the_live_reload_script() {
    let site = site();
    site.build().ok();
    for (path, bytes) in site.snapshot("public") {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("__cmkb"),
            "{path} carries the live-reload script"
        );
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmkb"))
        .args([
            "serve",
            "--root",
            site.root().to_str().unwrap(),
            "--port",
            &port,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("cmkb serve kept running on a taken port");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("port {port}")), "{stderr}");
    assert!(stderr.contains("already in use"), "{stderr}");
    assert!(stderr.contains("--port"), "{stderr}");
}

#[test]
fn without_a_port_it_takes_1111_or_the_next_free_one() {
    let site = site();
    let server = Server::launch(
        site.root(),
        &["serve", "--root", site.root().to_str().unwrap()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let port = server.addr.port();
    assert!((1111..1211).contains(&port), "{port}");
    assert_eq!(server.get("").status, 200);
}

#[test]
fn the_ipv6_loopback_works() {
    if std::net::TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: no IPv6 loopback on this machine");
        return;
    }
    let site = site();
    let server = Server::start(site.root(), &["--bind", "::1"]);
    assert!(server.addr.is_ipv6(), "{}", server.addr);
    let home = server.get("");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Bienvenida"));
    assert!(
        !server.log().contains("warning: listening"),
        "loopback needs no warning"
    );
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = site();
    let mut server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-INT", &pid]).status();
    if !sent.is_ok_and(|s| s.success()) {
        eprintln!("skipped: cannot send SIGINT here");
        return;
    }
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after Ctrl-C");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}\n{}", server.log());
    let log = server.wait_for_log("Stopped.");
    assert!(log.contains("Stopped."), "{log}");
    // The open event stream was ended, not left hanging.
    let deadline = Instant::now() + WAIT;
    while events.next(Duration::from_millis(100)).is_some() {
        assert!(Instant::now() < deadline);
    }
}

#[test]
fn after_a_session_of_edits_the_preview_matches_a_fresh_build() {
    let site = site()
        .file(
            "content/guias/moderar.en.md",
            "+++\ntitle = \"Moderating with judgement\"\n+++\nThe English version.\n",
        )
        .file(
            "content/guias/antigua.md",
            "+++\ntitle = \"Guía antigua\"\ntags = [\"archivo\"]\n+++\nYa no vale.\n",
        );
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    events.wait("hello", &server);
    let save = |rel: &str, text: &str| {
        std::fs::write(site.path(rel), text).unwrap();
        events.wait("reload", &server);
    };
    // A body edit (one page), a title and tag edit (every page), a section's
    // text, a new page, an edit of a translation, a rename and a deletion.
    save(
        "content/guias/moderar.md",
        "+++\ntitle = \"Moderar con criterio\"\n+++\nOtro texto.\n\n## Cuándo intervenir\n\nCuando haga falta.\n",
    );
    save(
        "content/guias/acoger.md",
        "+++\ntitle = \"Acoger bien\"\ntags = [\"acogida\"]\nweight = 1\n+++\nVer [moderar](moderar.md#cuándo-intervenir).\n",
    );
    save(
        "content/guias/_index.md",
        "+++\ntitle = \"Guías\"\n+++\nLas guías del equipo, revisadas.\n",
    );
    save(
        "content/guias/nueva.md",
        "+++\ntitle = \"Nueva guía\"\ntags = [\"acogida\"]\n+++\nRecién escrita.\n",
    );
    save(
        "content/guias/moderar.en.md",
        "+++\ntitle = \"Moderating with judgement\"\n+++\nThe English version, edited.\n",
    );
    std::fs::rename(
        site.path("content/guias/nueva.md"),
        site.path("content/guias/renombrada.md"),
    )
    .unwrap();
    events.wait("reload", &server);
    std::fs::remove_file(site.path("content/guias/antigua.md")).unwrap();
    events.wait("reload", &server);

    site.build().ok();
    let built = site.snapshot("public");
    let script = "<script src=\"/kb/__cmkb/live.js\" defer></script>";
    for (path, bytes) in &built {
        let path = path.replace('\\', "/");
        let served = server.get(&path);
        assert_eq!(served.status, 200, "{path} is built but not served");
        let body = if path.ends_with(".html") {
            served.text().replacen(script, "", 1).into_bytes()
        } else {
            served.body.clone()
        };
        assert!(
            body == *bytes,
            "{path} differs from a fresh build:\n--- served\n{}\n--- built\n{}",
            String::from_utf8_lossy(&body),
            String::from_utf8_lossy(bytes)
        );
    }
    for gone in ["guias/antigua/", "guias/nueva/", "archivo/"] {
        assert_eq!(server.get(gone).status, 404, "{gone} is stale");
    }
}

#[test]
fn a_site_with_errors_at_start_is_still_previewed() {
    let site = site().file("content/guias/rota.md", "+++\ntitle = \"Rota\n");
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let told = events.next(WAIT).expect("an event on connecting");
    assert_eq!(told.name, "build-error", "{told:?}");
    assert_eq!(told.data["errors"][0]["file"], "content/guias/rota.md");
    assert!(server
        .get("guias/moderar/")
        .text()
        .contains("Texto original"));
    let log = server.wait_for_log("is never closed");
    assert!(log.contains("is never closed"), "{log}");
    std::fs::write(
        site.path("content/guias/rota.md"),
        "+++\ntitle = \"Arreglada\"\n+++\nYa está.\n",
    )
    .unwrap();
    events.wait("reload", &server);
    assert!(server.get("guias/rota/").text().contains("Ya está"));
}
