//! The HTTP side: the built site from memory, the live-reload script and its
//! event stream, on axum.
//!
//! Only files of the built site are ever served: a request path is decoded
//! once, strictly, and must then name a key of the in-memory output exactly —
//! there is no file-system path to escape from. Requests that try anyway
//! (`..`, `%2e%2e`, encoded or doubled separators, backslashes, NUL bytes)
//! get 400 before any lookup. Only GET and HEAD are answered.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::broadcast::error::RecvError;

use super::rebuild::{parent_of, Msg};
use super::{Live, LiveEvent};
use crate::output::Content;

/// The live-reload client, served at `{base}__cmkb/live.js`.
const LIVE_JS: &str = include_str!("live.js");
/// Where the preview's own files live, under the base path. No content
/// folder slugs to this (slugs never start with `_`).
const OWN_PREFIX: &str = "__cmkb/";

/// Serves until Ctrl-C or SIGTERM, then ends the event streams so open
/// pages let go, and stops.
pub(crate) async fn serve(
    listener: std::net::TcpListener,
    live: Arc<Live>,
    stop: tokio::sync::watch::Sender<bool>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let app = Router::new().fallback(handle).with_state(live.clone());
    let mut stopped = live.shutdown.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        wait_for_signal().await;
        eprintln!("Stopping…");
        let _ = stop.send(true);
    });
    // Connections still open a moment after the signal are not waited for.
    let deadline = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    tokio::select! {
        result = std::future::IntoFuture::into_future(server) => result,
        _ = deadline => Ok(()),
    }
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = terminate.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn handle(State(live): State<Arc<Live>>, request: Request) -> Response {
    let method = request.method();
    if method != Method::GET && method != Method::HEAD {
        let mut response = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "only GET and HEAD are served\n",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let head = method == Method::HEAD;
    let raw = request.uri().path();
    let path = match clean_path(raw) {
        Ok(path) => path,
        Err(why) => return plain(StatusCode::BAD_REQUEST, why),
    };
    let base = live
        .state
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .base_path
        .clone();
    let Some(rel) = path.strip_prefix(&base) else {
        // The site lives under its base path (`/kb/`); its root and the base
        // path without its slash lead there.
        if path == "/" || format!("{path}/") == base {
            return redirect(&base);
        }
        return not_found(&live, head).await;
    };
    if let Some(own) = rel.strip_prefix(OWN_PREFIX) {
        return match own {
            "live.js" => respond(
                StatusCode::OK,
                "text/javascript; charset=utf-8",
                LIVE_JS.as_bytes().to_vec(),
                head,
            ),
            "events" if head => respond(StatusCode::OK, "text/event-stream", Vec::new(), true),
            "events" => events(&live),
            _ => not_found(&live, head).await,
        };
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if needs_search_index(&live, &key, true) {
        build_search_index(&live).await;
    }
    if let Some(response) = serve_file(&live, &key, StatusCode::OK, head).await {
        return response;
    }
    // A folder asked for without its slash: relative links in it need the slash.
    if !key.ends_with("index.html") && has_file(&live, &format!("{key}/index.html")) {
        let query = request
            .uri()
            .query()
            .map(|q| format!("?{q}"))
            .unwrap_or_default();
        return redirect(&format!("{raw}/{query}"));
    }
    if needs_search_index(&live, &key, false) {
        build_search_index(&live).await;
        if let Some(response) = serve_file(&live, &key, StatusCode::OK, head).await {
            return response;
        }
    }
    not_found(&live, head).await
}

/// Decodes a request path once, refusing anything that could mean another
/// path than it says.
pub(crate) fn clean_path(raw: &str) -> Result<String, &'static str> {
    if !raw.starts_with('/') {
        return Err("the path must start with `/`\n");
    }
    let lower = raw.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") {
        return Err("encoded slashes are not accepted\n");
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .ok_or("malformed percent-encoding\n")?;
            let text = std::str::from_utf8(hex).map_err(|_| "malformed percent-encoding\n")?;
            decoded.push(u8::from_str_radix(text, 16).map_err(|_| "malformed percent-encoding\n")?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(decoded).map_err(|_| "the path is not UTF-8\n")?;
    if path.chars().any(char::is_control) {
        return Err("control characters are not accepted\n");
    }
    if path.contains('\\') {
        return Err("backslashes are not accepted\n");
    }
    let doubled = path
        .as_bytes()
        .windows(3)
        .any(|w| w[0] == b'%' && w[1].is_ascii_hexdigit() && w[2].is_ascii_hexdigit());
    if doubled {
        return Err("doubly encoded paths are not accepted\n");
    }
    if path.contains("//") || path.split('/').any(|s| s == "." || s == "..") {
        return Err("`.`, `..` and empty segments are not accepted\n");
    }
    Ok(path)
}

async fn serve_file(live: &Live, key: &str, status: StatusCode, head: bool) -> Option<Response> {
    let (content, base) = {
        let state = live.state.read().unwrap_or_else(|e| e.into_inner());
        (
            state.output.files.get(key)?.clone(),
            state.base_path.clone(),
        )
    };
    let bytes = match content {
        Content::Bytes(bytes) => bytes,
        Content::Static(bytes) => bytes.to_vec(),
        // Assets are read when asked for, so an edited image needs no rebuild.
        Content::Copy(path) => tokio::fs::read(&path).await.ok()?,
    };
    let kind = content_type(key);
    let bytes = if kind.starts_with("text/html") {
        inject(bytes, &base)
    } else {
        bytes
    };
    Some(respond(status, kind, bytes, head))
}

fn has_file(live: &Live, key: &str) -> bool {
    live.state
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .output
        .files
        .contains_key(key)
}

async fn not_found(live: &Live, head: bool) -> Response {
    if let Some(response) = serve_file(live, "404.html", StatusCode::NOT_FOUND, head).await {
        return response;
    }
    let base = live
        .state
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .base_path
        .clone();
    let page = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>This page is not part of the site.</p></body></html>\n";
    respond(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        inject(page.as_bytes().to_vec(), &base),
        head,
    )
}

/// Whether to bring the search index up to date before answering: a file
/// of the index (or of its folders) asked for while the content changed,
/// or any missing file before the index was first built (its names are not
/// known until then).
fn needs_search_index(live: &Live, key: &str, found_first: bool) -> bool {
    let state = live.state.read().unwrap_or_else(|e| e.into_inner());
    let search = &state.search;
    if found_first {
        return search.stale && search.files.contains(key);
    }
    !search.built || (search.stale && search.dirs.contains(parent_of(key)))
}

async fn build_search_index(live: &Live) {
    let (reply, done) = tokio::sync::oneshot::channel();
    let sent = live
        .rebuild
        .lock()
        .map(|rebuild| rebuild.send(Msg::SearchIndex(reply)).is_ok())
        .unwrap_or(false);
    if sent {
        let _ = tokio::time::timeout(Duration::from_secs(120), done).await;
    }
}

/// The event stream every open page listens to: first the current state
/// (`hello`, or `build-error` while the build fails), then each change.
fn events(live: &Live) -> Response {
    let receiver = live.events.subscribe();
    let first = {
        let state = live.state.read().unwrap_or_else(|e| e.into_inner());
        match &state.problems {
            Some(problems) => LiveEvent {
                name: "build-error",
                data: serde_json::json!({
                    "generation": state.generation,
                    "count": problems.count,
                    "errors": problems.errors,
                })
                .to_string(),
            },
            None => LiveEvent {
                name: "hello",
                data: serde_json::json!({"generation": state.generation}).to_string(),
            },
        }
    };
    let shutdown = live.shutdown.clone();
    let stream = futures_util::stream::unfold(
        (Some(first), receiver, shutdown),
        |(first, mut receiver, mut shutdown)| async move {
            if let Some(event) = first {
                return Some((
                    Ok::<Event, Infallible>(sse(event)),
                    (None, receiver, shutdown),
                ));
            }
            let next = tokio::select! {
                got = receiver.recv() => match got {
                    Ok(event) => Some(event),
                    // Missed events: reloading is always right.
                    Err(RecvError::Lagged(_)) => Some(LiveEvent {
                        name: "reload",
                        data: "{\"all\":true}".into(),
                    }),
                    Err(RecvError::Closed) => None,
                },
                _ = shutdown.wait_for(|stop| *stop) => None,
            };
            next.map(|event| (Ok(sse(event)), (None, receiver, shutdown)))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn sse(event: LiveEvent) -> Event {
    Event::default().event(event.name).data(event.data)
}

fn respond(status: StatusCode, kind: &'static str, bytes: Vec<u8>, head: bool) -> Response {
    let length = bytes.len();
    let body = if head {
        Body::empty()
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    // The preview changes under the browser: always ask again.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    respond(
        status,
        "text/plain; charset=utf-8",
        text.as_bytes().to_vec(),
        false,
    )
}

fn redirect(location: &str) -> Response {
    let mut response = plain(StatusCode::FOUND, "");
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject(mut html: Vec<u8>, base: &str) -> Vec<u8> {
    let base = base
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let tag = format!("<script src=\"{base}{OWN_PREFIX}live.js\" defer></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    html.splice(at..at, tag.into_bytes());
    html
}

/// The content type of a file of the site, by its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "atom.xml" {
        return "application/atom+xml; charset=utf-8";
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_decode_once_and_refuse_escapes() {
        assert_eq!(clean_path("/kb/gu%C3%ADas/").unwrap(), "/kb/guías/");
        assert_eq!(clean_path("/a%20b.png").unwrap(), "/a b.png");
        for bad in [
            "/../etc/passwd",
            "/kb/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/%2E%2E/secret",
            "/..%2f..%2fetc/passwd",
            "/..%5c..%5cwindows",
            "/%252e%252e/etc/passwd",
            "/a\\..\\b",
            "/etc/passwd%00.html",
            "//etc/passwd",
            "/./index.html",
            "/%zz",
            "/%c3",
            "relative",
        ] {
            assert!(clean_path(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn the_script_goes_before_the_closing_body() {
        let html = b"<html><body><p>x</p></BODY></html>".to_vec();
        let out = String::from_utf8(inject(html, "/kb/")).unwrap();
        assert_eq!(
            out,
            "<html><body><p>x</p><script src=\"/kb/__cmkb/live.js\" defer></script></BODY></html>"
        );
        let out = String::from_utf8(inject(b"<p>no body".to_vec(), "/")).unwrap();
        assert!(out.ends_with("<script src=\"/__cmkb/live.js\" defer></script>"));
    }

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("atom.xml"),
            "application/atom+xml; charset=utf-8"
        );
        assert_eq!(
            content_type("sitemap.xml"),
            "application/xml; charset=utf-8"
        );
        assert_eq!(content_type("img/logo.PNG"), "image/png");
        assert_eq!(content_type("search/manifest.json"), "application/json");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }
}
