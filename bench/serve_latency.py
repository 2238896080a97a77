#!/usr/bin/env python3
"""Edit-to-reload latency of `cmkb serve` on a generated corpus.

Generates (once) a 10,000-page corpus with /work/shared/bench/gen_corpus.py,
starts `cmkb serve` on it, listens to the live-reload event stream, and times
20 edits of page bodies: from just before the file is written to the arrival
of the `reload` event for it. Checks that the served page then carries the
edit. Also times a few edits that change a page's title (every page lists
titles in its navigation, so those re-render the whole site), and a full
`cmkb build` of the same corpus for comparison.

    cargo build --release
    python3 bench/serve_latency.py [--pages 10000] [--edits 20] [--out bench/out/serve]

Python 3 standard library only. The corpus's files are restored afterwards.
"""

import argparse
import http.client
import json
import os
import queue
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GEN_CORPUS = Path("/work/shared/bench/gen_corpus.py")

# The generated corpus links to pages that do not exist on purpose, and has
# a few internal pages linked from public ones: warnings, not build errors.
# Its generated prose also trips guidance rules (playbooks without an
# escalation section): reported, but they do not stop the build here.
SITE_TOML = """title = "Benchmark KB"
base_url = "https://org.github.io/kb/"
default_language = "es"
languages = ["es", "en"]

[check]
fail_build = false

[check.rules.broken-link]
severity = "warning"

[check.rules.confidential-leak]
severity = "warning"
"""


def percentile(values, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, int(-(-fraction * len(ordered) // 1)))
    return ordered[min(rank, len(ordered)) - 1]


def prepare_corpus(root, pages, seed):
    marker = root / ".bench-pages"
    if not (marker.exists() and marker.read_text().strip() == f"{pages} {seed}"):
        if root.exists():
            shutil.rmtree(root)
        print(f"generating {pages} pages into {root} …", file=sys.stderr)
        subprocess.run(
            [sys.executable, str(GEN_CORPUS), "--pages", str(pages), "--seed", str(seed),
             "--out", str(root), "--quiet"],
            check=True,
        )
        marker.write_text(f"{pages} {seed}\n")
    (root / "site.toml").write_text(SITE_TOML)


def public_pages(root):
    """Pages a public build renders: not internal, not section pages."""
    found = []
    for path in sorted((root / "content").rglob("*.md")):
        if path.name.startswith("_index"):
            continue
        head = path.read_text(encoding="utf-8")[:2000]
        if re.search(r'^visibility\s*=\s*"internal"', head, re.M):
            continue
        found.append(path)
    return found


def full_build(binary, root, out_dir):
    started = time.perf_counter()
    run = subprocess.run(
        [str(binary), "build", "--root", str(root), "--output-dir", str(out_dir),
         "--verbose", "--quiet"],
        capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - started
    if run.returncode != 0:
        sys.exit(f"cmkb build failed:\n{run.stderr}")
    stages = {}
    for line in run.stderr.splitlines():
        m = re.match(r"\s+(\w+)\s+([\d.]+) ms", line)
        if m:
            stages[m.group(1)] = float(m.group(2))
    shutil.rmtree(out_dir, ignore_errors=True)
    return elapsed, stages


class EventStream:
    """Reads the server-sent events on a thread; events land in a queue with
    their arrival time."""

    def __init__(self, host, port, path):
        self.events = queue.Queue()
        self.conn = http.client.HTTPConnection(host, port, timeout=600)
        self.conn.request("GET", path, headers={"Accept": "text/event-stream"})
        self.response = self.conn.getresponse()
        if self.response.status != 200:
            sys.exit(f"event stream: HTTP {self.response.status}")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        name, data = None, []
        while True:
            line = self.response.fp.readline()
            if not line:
                return
            line = line.decode("utf-8").rstrip("\r\n")
            if line == "":
                if name:
                    self.events.put((time.perf_counter(), name, json.loads("\n".join(data) or "{}")))
                name, data = None, []
            elif line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())

    def wait(self, names, timeout, after_generation=-1):
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError(f"no {names} event within {timeout} s")
            arrived, name, data = self.events.get(timeout=left)
            if name in names and data.get("generation", 0) > after_generation:
                return arrived, name, data


def fetch(host, port, path):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    conn.request("GET", urllib.parse.quote(path))
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--title-edits", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out" / "serve")
    parser.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "cmkb")
    args = parser.parse_args()
    if not args.binary.exists():
        sys.exit(f"{args.binary} not found: run `cargo build --release` first")

    root = args.out / f"corpus-{args.pages}"
    args.out.mkdir(parents=True, exist_ok=True)
    prepare_corpus(root, args.pages, args.seed)
    candidates = public_pages(root)
    step = max(1, len(candidates) // (args.edits + args.title_edits))
    chosen = candidates[::step][: args.edits + args.title_edits]
    originals = {path: path.read_bytes() for path in chosen}

    build_seconds, stages = full_build(args.binary, root, args.out / "public")
    print(f"full build: {build_seconds * 1000:.0f} ms  ({', '.join(f'{k} {v:.0f}' for k, v in stages.items())})")

    started = time.perf_counter()
    server = subprocess.Popen(
        [str(args.binary), "serve", "--root", str(root), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    log = []
    threading.Thread(target=lambda: log.extend(server.stderr), daemon=True).start()
    try:
        line = server.stdout.readline()
        m = re.search(r"http://([^/:]+):(\d+)(/\S*)", line)
        if not m:
            sys.exit(f"cmkb serve did not print its URL: {line!r}\n{''.join(log)}")
        host, port, base = m.group(1), int(m.group(2)), m.group(3)
        startup = time.perf_counter() - started
        print(f"serve start-up (load, check, render): {startup * 1000:.0f} ms")
        stream = EventStream(host, port, f"{base}__cmkb/events")
        _, _, hello = stream.wait({"hello"}, 30)
        generation = hello["generation"]

        def edit(path, change, label):
            nonlocal generation
            text = originals[path].decode("utf-8")
            new_text = change(text)
            time.sleep(0.3)  # let the previous save's events settle
            t0 = time.perf_counter()
            path.write_text(new_text, encoding="utf-8")
            arrived, name, data = stream.wait({"reload", "build-error"}, 120, generation)
            if name != "reload":
                sys.exit(f"{label}: the build failed: {json.dumps(data)[:500]}")
            generation = data["generation"]
            return (arrived - t0) * 1000, data

        body_ms = []
        for n, path in enumerate(chosen[: args.edits]):
            marker = f"Edición de prueba {n} ({time.time_ns()})."
            ms, data = edit(path, lambda t: t.rstrip("\n") + f"\n\n{marker}\n", "body edit")
            body_ms.append(ms)
            urls = data.get("urls") or []
            if not data.get("all") and len(urls) != 1:
                sys.exit(f"a body edit re-rendered {len(urls)} pages, expected 1: {urls[:5]}")
            if urls:
                status, html = fetch(host, port, urls[0])
                if status != 200 or marker not in html:
                    sys.exit(f"the served page {urls[0]} does not show the edit (HTTP {status})")

        title_ms = []
        for n, path in enumerate(chosen[args.edits:]):
            ms, data = edit(
                path,
                lambda t: re.sub(r'^title = "(.*)"$', lambda m: f'title = "{m.group(1)} (bench {n})"', t, count=1, flags=re.M),
                "title edit",
            )
            title_ms.append(ms)

        result = {
            "pages": args.pages,
            "full_build_ms": round(build_seconds * 1000),
            "full_build_stages_ms": stages,
            "serve_startup_ms": round(startup * 1000),
            "body_edit_ms": {
                "median": round(statistics.median(body_ms), 1),
                "p95": round(percentile(body_ms, 0.95), 1),
                "min": round(min(body_ms), 1),
                "max": round(max(body_ms), 1),
                "samples": [round(x, 1) for x in body_ms],
            },
        }
        if title_ms:
            result["title_edit_ms"] = {
                "median": round(statistics.median(title_ms), 1),
                "samples": [round(x, 1) for x in title_ms],
            }
        print(f"body edit → reload event, {len(body_ms)} edits: median {result['body_edit_ms']['median']} ms, "
              f"p95 {result['body_edit_ms']['p95']} ms (min {result['body_edit_ms']['min']}, max {result['body_edit_ms']['max']})")
        if title_ms:
            print(f"title edit (whole site re-rendered), {len(title_ms)} edits: median {result['title_edit_ms']['median']} ms")
        (args.out / "serve_latency.json").write_text(json.dumps(result, indent=2) + "\n")
        print(f"→ {args.out / 'serve_latency.json'}")
    finally:
        for path, data in originals.items():
            path.write_bytes(data)
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()
