#!/usr/bin/env python3
"""Search budget on a 10,000-page site: index build time and size, bytes a
query downloads before its first results (cold cache, gzip -6 as a static
host serves them), and query latency in headless Chromium — for cmkb and for
Pagefind indexing the same built HTML.

Usage: python3 bench/search_budget.py [--pages 10000] [--runs 3] [--no-gen]
           [--no-cargo] [--no-pagefind] [--work DIR]
Writes the Markdown report to stdout and WORK/report.md (WORK defaults to
bench/out/budget), raw numbers to WORK/results.json. The corpus goes to
bench/out/gc10k (gen_corpus.py --force), the site to bench/out/gc10k/public.
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import searchbench as sb  # noqa: E402

GEN = Path("/work/shared/bench/gen_corpus.py")
LIMIT = 10  # results a query shows (cmkb loads their fragments; Pagefind their data())

# Typical queries a moderator would type, 10 es + 10 en, two typos each.
QUERIES = [
    ("moderación", "es"),
    ("escalar acoso", "es"),
    ("código de conducta", "es"),
    ("codigo de conducta", "es"),
    ("incorporación de nuevos miembros", "es"),
    ("comunicación de crisis", "es"),
    ("cuentas sospechosas", "es"),
    ("encuesta de satisfacción", "es"),
    ("moderasion", "es"),
    ("conducat", "es"),
    ("harassment escalation", "en"),
    ("onboarding new members", "en"),
    ("code of conduct", "en"),
    ("crisis communication plan", "en"),
    ("moderator rotation", "en"),
    ("spam and fake accounts", "en"),
    ("retention rate", "en"),
    ("meetup agenda", "en"),
    ("harrasment", "en"),
    ("onbording", "en"),
]


def search_pages(public):
    """The site's search page per language (/search/, /en/search/): pages that load search.js."""
    pages = {}
    for p in public.rglob("search/index.html"):
        rel = p.relative_to(public).as_posix()
        if rel.count("/") > 2:
            continue
        lang = re.search(r'<html lang="([^"]+)"', p.read_text(encoding="utf-8"))
        if lang:
            pages.setdefault(lang.group(1), "/" + rel[: -len("index.html")])
    return pages


def served_sum(root, paths):
    raw = gz = served = 0
    for rel in paths:
        r, g, s = sb.served_bytes(root / rel)
        raw, gz, served = raw + r, gz + g, served + s
    return raw, gz, served


def local_path(origin, url):
    path = url[len(origin):].split("?", 1)[0].split("#", 1)[0]
    if path.endswith("/"):
        path += "index.html"
    return path.lstrip("/")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3, help="cmkb builds to time (median reported; 1-10)")
    ap.add_argument("--corpus", type=Path, default=sb.OUT / "gc10k")
    ap.add_argument("--work", type=Path, default=sb.OUT / "budget")
    ap.add_argument("--no-gen", action="store_true", help="reuse the corpus already in --corpus")
    ap.add_argument("--no-cargo", action="store_true")
    ap.add_argument("--no-pagefind", action="store_true")
    args = ap.parse_args()
    runs = max(1, min(args.runs, 10))
    corpus, work = args.corpus.resolve(), args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    public = corpus / "public"

    if not args.no_gen:
        sb.log(f"generating {args.pages} pages → {corpus}")
        subprocess.run([sys.executable, str(GEN), "--pages", str(args.pages), "--out", str(corpus), "--force", "--quiet"],
                       check=True, timeout=1800)
    (corpus / "site.toml").write_text(sb.site_toml(f"gc{args.pages}", "es", ["es", "en"]))
    if not args.no_cargo:
        sb.cargo_build()

    # ---- cmkb build: index stage time, index size ----
    builds = []
    for i in range(runs):
        shutil.rmtree(public, ignore_errors=True)
        stderr, seconds, stages = sb.cmkb_build(corpus, public, verbose=True)
        summary = next((l for l in stderr.splitlines() if l.startswith("Built ")), "")
        builds.append({"seconds": seconds, "stages": stages, "summary": summary})
        sb.log(f"cmkb build {i + 1}/{runs}: {seconds:.2f} s, index {stages.get('index')} ms — {summary}")
    index_ms = sorted(b["stages"].get("index", float("nan")) for b in builds)
    total_s = sorted(b["seconds"] for b in builds)
    index_size = sb.tree_bytes(public / "search")
    parts = {k: sb.tree_bytes(public / "search" / k) for k in ("v", "t", "p")}
    search_js = sb.served_bytes(public / "search.js")
    pages = search_pages(public)
    sb.log(f"search pages: {pages}")

    # ---- cmkb: files fetched per query, cold (a fresh client per query) ----
    payload = [{"q": q, "options": {"uiLang": lang, "limit": LIMIT}} for q, lang in QUERIES]
    node = sb.cmkb_queries(public, payload)
    cmkb_rows = []
    for (q, lang), o in zip(QUERIES, node):
        if "error" in o:
            raise SystemExit(f"cmkb client error on {q!r}: {o['error']}")
        raw, gz, served = served_sum(public, o["fetched"])
        cmkb_rows.append({"q": q, "lang": lang, "files": ["search.js", *o["fetched"]], "n": len(o["results"]),
                          "raw": raw + search_js[0], "gzip": gz + search_js[1],
                          "top": o["results"][0]["url"] if o["results"] else None})

    # ---- Pagefind on the same HTML ----
    pagefind = None
    pf_note = ""
    if not args.no_pagefind:
        try:
            sb.ensure_npm_packages()
            if not sb.chromium_available():
                raise RuntimeError(f"no Chromium at {sb.CHROMIUM}")
            shutil.rmtree(public / "pagefind", ignore_errors=True)
            stdout, seconds = sb.run_pagefind(public)
            indexed = re.search(r"Indexed (\d+) pages", stdout)
            pagefind = {"seconds": seconds, "pages": int(indexed.group(1)) if indexed else None,
                        "size": sb.tree_bytes(public / "pagefind"), "version": sb.pagefind_version(),
                        "stdout": stdout}
            pf_note = " ".join(l.strip() for l in stdout.splitlines() if "data-pagefind-body" in l or "Indexing all" in l)
        except (RuntimeError, SystemExit, OSError, subprocess.SubprocessError) as e:
            pf_note = f"Pagefind could not be run: {e}"
            sb.log(pf_note)
            pagefind = None

    # ---- Chromium: Pagefind requests per query, cmkb cross-check, latency ----
    browser_ok = sb.chromium_available()
    latency = {}
    cross = []
    if browser_ok:
        by_lang = {l: [q for q, ql in QUERIES if ql == l] for l in ("es", "en")}
        tasks = []
        for lang, qs in by_lang.items():
            tasks.append({"kind": "cmkb-requests", "page": pages[lang], "queries": qs,
                          "options": {"uiLang": lang, "limit": LIMIT}})
            tasks.append({"kind": "cmkb-latency", "page": pages[lang], "queries": qs,
                          "options": {"uiLang": lang, "limit": LIMIT}, "repeat": 1})
            if pagefind:
                tasks.append({"kind": "pagefind-requests", "page": pages[lang], "queries": qs, "limit": LIMIT,
                              "bundle": "/pagefind/", "merge": []})
                tasks.append({"kind": "pagefind-latency", "page": pages[lang], "queries": qs, "limit": LIMIT,
                              "bundle": "/pagefind/", "merge": [], "repeat": 1})
        with sb.serve(public) as origin:
            answers = sb.browser(origin, tasks)
        pf_rows = {}
        for a in answers:
            for r in a["runs"]:
                if a["kind"] == "pagefind-requests":
                    files = [local_path(origin, u) for u in r["requests"]]
                    raw, gz, served = served_sum(public, files)
                    pf_rows[r["q"]] = {"files": files, "raw": raw, "gzip": gz, "served": served, "n": r["n"],
                                       "top": r["top"][0] if r["top"] else None}
                elif a["kind"] == "cmkb-requests":
                    browser_files = sorted(local_path(origin, u) for u in r["requests"])
                    row = next(x for x in cmkb_rows if x["q"] == r["q"])
                    node_files = sorted(row["files"][1:])
                    if browser_files != node_files:
                        cross.append(f"`{r['q']}`: Chromium fetched {len(browser_files)} files, Node {len(node_files)}")
                    if not any(u.endswith("/search.js") for u in r["pageRequests"]):
                        cross.append(f"`{r['q']}`: the page did not load search.js")
                else:
                    engine = "cmkb" if a["kind"] == "cmkb-latency" else "Pagefind"
                    latency.setdefault(engine, []).append({"q": r["q"], "cold": r["cold"], "warm": r["warm"][0]})
        if pagefind:
            for row in cmkb_rows:
                row["pf"] = pf_rows.get(row["q"])

    # ---- report ----
    out = []
    b0 = builds[0]["summary"]
    out.append(f"## Search budget — {args.pages} generated pages ({b0.split(' → ')[0]})\n")
    out.append("| engine | index build time | index files | index size raw | index size gzip -6 | served* |")
    out.append("|---|---:|---:|---:|---:|---:|")
    out.append(f"| cmkb | {sb.median(index_ms) / 1000:.2f} s (`index` stage, median of {runs}: "
               f"{', '.join(f'{m / 1000:.2f}' for m in index_ms)}; whole build {sb.median(total_s):.2f} s) | "
               f"{index_size['files']} | {index_size['raw'] / 2**20:.1f} MB | {index_size['gzip'] / 2**20:.1f} MB | "
               f"{index_size['served'] / 2**20:.1f} MB |")
    if pagefind:
        s = pagefind["size"]
        out.append(f"| Pagefind {pagefind['version']} | {pagefind['seconds']:.2f} s (whole `npx pagefind` run, "
                   f"{pagefind['pages']} pages) | {s['files']} | {s['raw'] / 2**20:.1f} MB | {s['gzip'] / 2**20:.1f} MB | "
                   f"{s['served'] / 2**20:.1f} MB |")
    out.append("\n\\* served = per file the smaller of raw and gzip -6: a static host gzips text (JSON, JS) and sends "
               "already-compressed files (Pagefind's `.pf_*` and `.pagefind` are gzip on disk) as they are.\n")
    out.append(f"cmkb index parts: manifest {sb.kb(sb.served_bytes(public / 'search' / 'manifest.json')[1])} kB gz; "
               + "; ".join(f"`{k}/` {v['files']} files, {v['raw'] / 2**20:.1f} MB raw, {v['gzip'] / 2**20:.1f} MB gz"
                           for k, v in parts.items())
               + f". search.js {sb.kb(search_js[0])} kB raw, {sb.kb(search_js[1])} kB gz.")
    if pf_note:
        out.append(f"\nPagefind: {pf_note}")

    out.append(f"\n### Bytes before the first results (cold cache, {LIMIT} results shown, kB after gzip -6)\n")
    out.append("cmkb: search.js + every file the client fetched (Node, fresh client per query). "
               "Pagefind: every request after the page loaded — pagefind.js, its worker, entry, meta, WASM, index "
               "chunks and the data of the first 10 results (Chromium, fresh context per query; the query "
               "language's index only, Pagefind's default).\n")
    head = "| query | lang | cmkb files | cmkb kB | cmkb results |"
    sep = "|---|---|---:|---:|---:|"
    if pagefind:
        head += " Pagefind requests | Pagefind kB (served) | Pagefind results |"
        sep += "---:|---:|---:|"
    out.append(head)
    out.append(sep)
    for r in cmkb_rows:
        line = f"| `{r['q']}` | {r['lang']} | {len(r['files'])} | {sb.kb(r['gzip'])} | {r['n']} |"
        if pagefind:
            pf = r.get("pf")
            line += (f" {len(pf['files'])} | {sb.kb(pf['served'])} | {pf['n']} |" if pf else " – | – | – |")
        out.append(line)
    cm = [r["gzip"] for r in cmkb_rows]
    line = f"| **median** | | {sb.median([len(r['files']) for r in cmkb_rows]):.0f} | **{sb.kb(sb.median(cm))}** | |"
    line2 = f"| **max** | | {max(len(r['files']) for r in cmkb_rows)} | **{sb.kb(max(cm))}** | |"
    if pagefind and all(r.get("pf") for r in cmkb_rows):
        pf = [r["pf"]["served"] for r in cmkb_rows]
        line += f" {sb.median([len(r['pf']['files']) for r in cmkb_rows]):.0f} | **{sb.kb(sb.median(pf))}** | |"
        line2 += f" {max(len(r['pf']['files']) for r in cmkb_rows)} | **{sb.kb(max(pf))}** | |"
    out.append(line)
    out.append(line2)
    if cross:
        out.append("\nChromium vs Node fetch lists for cmkb differ:\n" + "\n".join(f"- {c}" for c in cross))
    elif browser_ok:
        out.append("\nCross-check: in Chromium, cmkb's pages load search.js and each query fetched exactly the files "
                   "the Node run recorded.")
    if latency:
        out.append("\n### Query latency in headless Chromium (ms; site served from 127.0.0.1)\n")
        out.append("Warm = the second `await search(q)` on the same page (cmkb: `window.cmkbSearch.search(q, "
                   "{uiLang, limit: 10})`; Pagefind: `search(q)` + `data()` of the first 10). Cold = the first call, "
                   "fetches included (local server, so no network latency).\n")
        out.append("| engine | warm median | warm max | cold median | cold max |")
        out.append("|---|---:|---:|---:|---:|")
        for engine, rows in latency.items():
            w = [r["warm"] for r in rows]
            c = [r["cold"] for r in rows]
            out.append(f"| {engine} | {sb.median(w):.1f} | {max(w):.1f} | {sb.median(c):.1f} | {max(c):.1f} |")
        slow = sorted(latency.get("cmkb", []), key=lambda r: -r["warm"])[:3]
        if slow:
            out.append("\nSlowest cmkb queries warm: " + ", ".join(f"`{r['q']}` {r['warm']:.1f} ms" for r in slow) + ".")
    report = "\n".join(out) + "\n"
    print(report)
    (work / "report.md").write_text(report)
    (work / "results.json").write_text(json.dumps({
        "builds": builds, "index_size": index_size, "parts": parts, "queries": cmkb_rows,
        "pagefind": {k: v for k, v in (pagefind or {}).items() if k != "stdout"}, "latency": latency,
    }, ensure_ascii=False, indent=1))
    sb.log(f"wrote {work / 'report.md'} and {work / 'results.json'}")


if __name__ == "__main__":
    main()
