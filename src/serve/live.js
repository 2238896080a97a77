// cmkb serve: live reload. Injected by the preview server into the HTML it
// serves (never into `cmkb build` output). Listens to the server's events:
//   hello        connected; {generation}
//   reload       pages were rebuilt; {generation, urls?, all?}
//   css          stylesheets changed on disk; {generation, urls}
//   build-error  the build fails; {generation, count, errors: [{file, line, column, rule, message, text}]}
// Error text is only ever inserted as text (textContent), never as HTML.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !window.EventSource) return;
  var eventsUrl = new URL("events", script.src).href;
  var scrollKey = "cmkb:scroll:" + location.pathname;
  var generation = null;
  var overlay = null;

  // Put the reader back where they were before the reload.
  try {
    var saved = sessionStorage.getItem(scrollKey);
    if (saved) {
      sessionStorage.removeItem(scrollKey);
      var position = JSON.parse(saved);
      var restore = function () { window.scrollTo(position[0], position[1]); };
      restore();
      window.addEventListener("load", restore);
    }
  } catch (e) { /* storage disabled: reload without it */ }

  function reload() {
    try {
      sessionStorage.setItem(scrollKey, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) { /* ignore */ }
    location.reload();
  }

  function here(urls) {
    var path = location.pathname;
    var decoded = path;
    try { decoded = decodeURI(path); } catch (e) { /* keep it raw */ }
    return urls.some(function (url) { return url === path || url === decoded; });
  }

  function parse(event) {
    try { return JSON.parse(event.data); } catch (e) { return {}; }
  }

  function refreshStylesheets(urls) {
    var links = Array.prototype.slice.call(document.querySelectorAll('link[rel~="stylesheet"]'));
    var matching = links.filter(function (link) {
      var path = new URL(link.href, location.href).pathname;
      return urls.indexOf(path) >= 0;
    });
    // A stylesheet imported by another one is not in the page: refresh them all.
    (matching.length ? matching : links).forEach(function (link) {
      var url = new URL(link.href, location.href);
      url.searchParams.set("cmkb-reload", String(Date.now()));
      var fresh = link.cloneNode();
      fresh.href = url.href;
      // Swap once the new one has loaded, so the page never shows unstyled.
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }

  function hideOverlay() {
    if (overlay) {
      overlay.remove();
      overlay = null;
    }
  }

  function element(tag, text, style) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (style) node.setAttribute("style", style);
    return node;
  }

  function showOverlay(data) {
    hideOverlay();
    var host = element("div");
    host.setAttribute("data-cmkb-overlay", "");
    host.setAttribute("style", "position:fixed;inset:0;z-index:2147483647;");
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var panel = element("div", undefined,
      "position:absolute;inset:0;overflow:auto;background:rgba(20,20,24,.94);color:#f4f4f5;" +
      "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;padding:2rem;");
    panel.setAttribute("role", "alertdialog");
    panel.setAttribute("aria-label", "Build error");
    var count = data.count || (data.errors || []).length;
    var title = element("h1", count === 1 ? "The site has 1 error" : "The site has " + count + " errors",
      "margin:0 0 .25rem;font-size:1.25rem;color:#fca5a5;");
    var note = element("p", "The last good version is still served. Fix it and save: this goes away by itself.",
      "margin:0 0 1.5rem;color:#d4d4d8;");
    var close = element("button", "Hide",
      "position:absolute;top:1rem;right:1rem;font:inherit;background:#3f3f46;color:#f4f4f5;" +
      "border:0;border-radius:4px;padding:.25rem .75rem;cursor:pointer;");
    close.addEventListener("click", hideOverlay);
    panel.appendChild(close);
    panel.appendChild(title);
    panel.appendChild(note);
    (data.errors || []).forEach(function (error) {
      var where = error.file || "";
      if (error.line) where += ":" + error.line + (error.column ? ":" + error.column : "");
      var item = element("section", undefined, "margin:0 0 1.5rem;");
      item.appendChild(element("div", where, "color:#93c5fd;"));
      item.appendChild(element("div", error.message || "", "font-weight:bold;margin:.25rem 0;"));
      item.appendChild(element("pre", error.text || "",
        "margin:0;white-space:pre-wrap;background:#18181b;padding:.75rem;border-radius:4px;"));
      panel.appendChild(item);
    });
    if (count > (data.errors || []).length) {
      panel.appendChild(element("p", "… and " + (count - data.errors.length) + " more (see the terminal)"));
    }
    root.appendChild(panel);
    (document.body || document.documentElement).appendChild(host);
    overlay = host;
  }

  var source = new EventSource(eventsUrl);
  source.addEventListener("hello", function (event) {
    var data = parse(event);
    // Reconnected after missing events (or to a restarted server): catch up.
    if (generation !== null && data.generation !== generation) return reload();
    generation = data.generation;
    hideOverlay();
  });
  source.addEventListener("reload", function (event) {
    var data = parse(event);
    generation = data.generation;
    var hadOverlay = overlay !== null;
    hideOverlay();
    if (data.all || here(data.urls || []) || hadOverlay) reload();
  });
  source.addEventListener("css", function (event) {
    var data = parse(event);
    generation = data.generation;
    refreshStylesheets(data.urls || []);
  });
  source.addEventListener("build-error", function (event) {
    var data = parse(event);
    generation = data.generation;
    showOverlay(data);
  });
})();
