// cmkb default theme: a light/dark toggle remembered in localStorage, and a
// copy button on code blocks. Everything works without this file.
(function () {
  "use strict";

  var root = document.documentElement;
  var KEY = "cmkb-theme";
  var dark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function load() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function save(value) {
    try { localStorage.setItem(KEY, value); } catch (e) { /* private mode: not remembered */ }
  }

  function current() {
    var set = root.getAttribute("data-theme");
    if (set === "dark" || set === "light") return set;
    return dark && dark.matches ? "dark" : "light";
  }

  var saved = load();
  if (saved === "dark" || saved === "light") root.setAttribute("data-theme", saved);

  var toggle = document.querySelector(".theme-toggle");
  if (toggle) {
    var sync = function () {
      toggle.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    };
    sync();
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      root.setAttribute("data-theme", next);
      save(next);
      sync();
    });
    if (dark && dark.addEventListener) dark.addEventListener("change", sync);
  }

  // Copy buttons on code blocks.
  var body = document.body;
  var copyLabel = body.getAttribute("data-copy-label") || "Copy";
  var copiedLabel = body.getAttribute("data-copied-label") || "Copied";
  var status = null;

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  var blocks = document.querySelectorAll(".content pre");
  if (blocks.length) {
    status = document.createElement("span");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    body.appendChild(status);
  }
  Array.prototype.forEach.call(blocks, function (pre) {
    var wrapper = document.createElement("div");
    wrapper.className = "code-block";
    pre.parentNode.insertBefore(wrapper, pre);
    wrapper.appendChild(pre);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = copyLabel;
    wrapper.appendChild(button);

    var timer = null;
    button.addEventListener("click", function () {
      var code = pre.querySelector("code") || pre;
      copyText(code.textContent.replace(/\n$/, "")).then(function () {
        status.textContent = copiedLabel;
        button.textContent = copiedLabel;
        clearTimeout(timer);
        timer = setTimeout(function () {
          button.textContent = copyLabel;
          status.textContent = "";
        }, 2000);
      }, function () { /* leave the text for the reader to select */ });
    });
  });
})();
