"""Shared helpers for bench/search_relevance.py and bench/search_budget.py.

Standard library only. Node runs the search clients: bench/js/cmkb_node.mjs
(cmkb's shipped search.js under Node) and bench/js/browser.mjs (headless
Chromium through playwright-core, for Pagefind and for latency).
"""

import contextlib
import functools
import gzip
import http.server
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
OUT = BENCH / "out"
JS = BENCH / "js"
NODE_DIR = OUT / "node"  # npm packages (pagefind, playwright-core); bench/out is gitignored
CMKB = REPO / "target" / "release" / "cmkb"
CHROMIUM = "/usr/bin/chromium"
TODAY = "2026-11-25"

SITE_TOML = """title = "{title}"
default_language = "{default}"
languages = [{languages}]

[check.rules.broken-link]
severity = "warning"
[check.rules.confidential-leak]
severity = "warning"
[check]
fail_build = false
"""


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


def site_toml(title, default, languages):
    return SITE_TOML.format(
        title=title, default=default, languages=", ".join(f'"{l}"' for l in languages)
    )


def cargo_build():
    log("cargo build --release …")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True, timeout=1800)


def cmkb_build(root, output, verbose=False, timeout=1800):
    """Runs `cmkb build`; returns (stderr text, seconds, {stage: ms})."""
    args = [str(CMKB), "build", "--root", str(root), "--output-dir", str(output), "--today", TODAY]
    args.append("--verbose" if verbose else "--quiet")
    import time

    t = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t
    if run.returncode != 0:
        log(run.stderr[-4000:])
        raise SystemExit(f"cmkb build failed (exit {run.returncode})")
    stages = {}
    for line in run.stderr.splitlines():
        m = re.match(r"^\s{2}([a-z]+)\s+([0-9.]+) ms(?:\s+peak\s+[0-9]+ MB)?(?:\s+cpu\s+[0-9.]+ ms)?\s*$", line)
        if m:
            stages[m.group(1)] = float(m.group(2))
    return run.stderr, seconds, stages


def ensure_npm_packages(packages=("pagefind", "playwright-core")):
    """Installs the npm packages into bench/out/node once (ordinary npm client)."""
    NODE_DIR.mkdir(parents=True, exist_ok=True)
    if not (NODE_DIR / "package.json").exists():
        (NODE_DIR / "package.json").write_text('{"private": true}\n')
    missing = [p for p in packages if not (NODE_DIR / "node_modules" / p / "package.json").exists()]
    if missing:
        log("npm install", *missing, "→", NODE_DIR)
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", *missing], cwd=NODE_DIR, check=True, timeout=600,
                       stdout=subprocess.DEVNULL)


def pagefind_version():
    return json.loads((NODE_DIR / "node_modules" / "pagefind" / "package.json").read_text())["version"]


def run_pagefind(site, extra=()):
    """`npx pagefind --site SITE`; returns (stdout, seconds)."""
    import time

    t = time.perf_counter()
    run = subprocess.run(["npx", "--no-install", "pagefind", "--site", str(site), *extra], cwd=NODE_DIR,
                         capture_output=True, text=True, timeout=1800)
    seconds = time.perf_counter() - t
    if run.returncode != 0:
        log(run.stdout[-3000:], run.stderr[-3000:])
        raise SystemExit(f"pagefind failed (exit {run.returncode})")
    return run.stdout, seconds


def chromium_available():
    return Path(CHROMIUM).exists() and (NODE_DIR / "node_modules" / "playwright-core").exists()


def run_node(script, args, payload, timeout=1800):
    run = subprocess.run(["node", str(script), *map(str, args)], input=json.dumps(payload), capture_output=True,
                         text=True, timeout=timeout)
    if run.returncode != 0:
        log(run.stderr[-4000:])
        raise SystemExit(f"node {Path(script).name} failed (exit {run.returncode})")
    return json.loads(run.stdout)


def cmkb_queries(site, queries):
    """queries: [{"q", "options"}] → each with results and fetched paths, fresh client per query."""
    return run_node(JS / "cmkb_node.mjs", [site, "/"], queries)


def browser(origin, tasks, timeout=3600):
    job = {"playwright": str(NODE_DIR / "node_modules" / "playwright-core"), "chromium": CHROMIUM,
           "origin": origin, "tasks": tasks}
    return run_node(JS / "browser.mjs", [], job, timeout=timeout)


class _Handler(http.server.SimpleHTTPRequestHandler):
    aliases = {}

    def log_message(self, *args):
        pass

    def translate_path(self, path):
        for alias, target in self.aliases.items():
            if path.startswith(alias):
                path = target + path[len(alias):]
                break
        return super().translate_path(path)


@contextlib.contextmanager
def serve(directory, aliases=None):
    """Serves DIRECTORY on 127.0.0.1 (a free port) in a thread; yields the origin."""
    handler = type("Handler", (_Handler,), {"aliases": dict(aliases or {})})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@functools.lru_cache(maxsize=None)
def _sizes(path):
    data = Path(path).read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=6))


def served_bytes(path):
    """(raw, gzip -6, served): served = the smaller of the two, as a static host
    compresses text but sends already-compressed binaries (Pagefind's .pf_*
    and .pagefind files are gzip on disk) as they are."""
    raw, gz = _sizes(str(path))
    return raw, gz, min(raw, gz)


def tree_bytes(root):
    raw = gz = served = files = 0
    for p in Path(root).rglob("*"):
        if p.is_file():
            r, g, s = served_bytes(p)
            raw, gz, served, files = raw + r, gz + g, served + s, files + 1
    return {"files": files, "raw": raw, "gzip": gz, "served": served}


def median(values):
    return statistics.median(values) if values else float("nan")


def kb(n):
    return f"{n / 1024:.1f}"


# ---- cmkb's URL rule (src/content/mod.rs, src/slug.rs), for mapping back ----

def path_segment(name):
    """slug::path_segment: keep letters/digits/'_'/'.', lowercase; whitespace,
    '-' and ASCII punctuation become one '-'; other symbols dropped; trim '.' '_'."""
    out = []
    pending = False
    for c in unicodedata.normalize("NFC", name):
        if c.isalnum() or c in "_.":
            if pending and out:
                out.append("-")
            pending = False
            out.append(c.lower())
        elif c.isspace() or c == "-" or (c.isascii() and not c.isalnum() and 33 <= ord(c) <= 126):
            pending = True
    return "".join(out).strip("._")


def front_matter_slug(text):
    m = re.match(r"^(---|\+\+\+)\s*\n(.*?)\n\1\s*\n", text, re.S)
    if not m:
        return None
    s = re.search(r"^slug\s*[:=]\s*[\"']?([^\"'\n]+)", m.group(2), re.M)
    return s.group(1).strip() if s else None


def cmkb_url(rel, default_language, languages, text=""):
    """URL cmkb gives the content file REL (relative to content/)."""
    parts = rel.split("/")
    directory, file = parts[:-1], parts[-1]
    stem = file[:-3]
    suffix = None
    if "." in stem:
        base, suf = stem.rsplit(".", 1)
        low = suf.lower()
        two = len(low.split("-")[0]) == 2
        if base and re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})*", low) and (two or low in languages):
            stem, suffix = base, low
    segments = [path_segment(d) for d in directory if d]
    if stem not in ("_index", "index"):
        own = path_segment(front_matter_slug(text) or stem)
        segments.append(own or "page")
    if suffix and suffix != default_language:
        segments.insert(0, suffix)
    return "/" + "".join(s + "/" for s in segments)
