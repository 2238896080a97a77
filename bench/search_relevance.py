#!/usr/bin/env python3
"""Search relevance: cmkb's client vs Pagefind on the judged query set.

Reads /work/shared/search/queries.toml, builds ONE cmkb site from exactly the
84 judged files (copied under content/ with their corpus-relative paths),
runs every query through cmkb's shipped client under Node (uiLang = the
query's language, limit 20, no language filter) and through Pagefind (indexed
from the same built HTML, searched with its own pagefind.js + WASM in
headless Chromium), maps every hit back to its source file, and reports
MRR@10 and recall@10 for es, en and all, plus cmkb's per-query misses.

Usage: python3 bench/search_relevance.py [--queries FILE] [--corpora DIR]
           [--work DIR] [--no-cargo] [--no-pagefind] [--json FILE]
Writes the Markdown report to stdout and to WORK/report.md, raw hits to WORK/results.json.
"""

import argparse
import html
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import searchbench as sb  # noqa: E402

# The judged collection, as the header of queries.toml defines it.
SCOPE = [
    (r"opensource-guide/_articles/[^/]+\.md", 13),
    (r"opensource-guide/_articles/es/[^/]+\.md", 12),
    (r"contributor-covenant/content/[^/]+\.md", 4),
    (r"contributor-covenant/content/version/.+/code[-_]of[-_]conduct\.md", 7),
    (r"contributor-covenant/content/version/.+/code[-_]of[-_]conduct\.es\.md", 4),
    (r"the-turing-way/book/website/community-handbook/.+\.md", 44),
]
DEFAULT_LANGUAGE = "en"
LANGUAGES = ["en", "es"]
SHORT = [
    ("opensource-guide/_articles/", "osg/"),
    ("contributor-covenant/content/", "cc/"),
    ("the-turing-way/book/website/community-handbook/", "tw/"),
]


def short(path):
    for long, s in SHORT:
        if path.startswith(long):
            return s + path[len(long):]
    return path


def judged_files(corpora):
    files = []
    for pattern, expected in SCOPE:
        rx = re.compile(pattern)
        found = sorted(
            p.relative_to(corpora).as_posix()
            for p in corpora.rglob("*.md")
            if rx.fullmatch(p.relative_to(corpora).as_posix())
        )
        if len(found) != expected:
            raise SystemExit(f"scope {pattern}: {len(found)} files, the header says {expected}")
        files.extend(found)
    if len(set(files)) != 84:
        raise SystemExit(f"{len(set(files))} judged files, expected 84")
    return sorted(set(files))


def build_site(work, corpora, files, rename=None):
    """Copies FILES under WORK/site/content/, builds to WORK/public. RENAME maps
    a source path to the path to write it under (for the collision variant)."""
    site = work / "site"
    public = work / "public"
    shutil.rmtree(site, ignore_errors=True)
    shutil.rmtree(public, ignore_errors=True)
    for rel in files:
        dest = site / "content" / (rename or {}).get(rel, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpora / rel, dest)
    (site / "site.toml").write_text(sb.site_toml("Relevance bench", DEFAULT_LANGUAGE, LANGUAGES))
    sb.cmkb_build(site, public)
    return site, public


def url_map(public, corpora, files, rename=None):
    """URL → source file, by cmkb's URL rule, verified three ways: the rule's
    URLs are exactly the URLs of the search index's page fragments, every URL
    has an index.html whose canonical link is that URL, and no two files
    share a URL. Returns (map, notes)."""
    rename = rename or {}
    by_url = {}
    for rel in files:
        text = (corpora / rel).read_text(encoding="utf-8", errors="replace")
        url = sb.cmkb_url(rename.get(rel, rel), DEFAULT_LANGUAGE, LANGUAGES, text)
        if url in by_url:
            raise SystemExit(f"two judged files map to {url}: {by_url[url]} and {rel}")
        by_url[url] = rel
    fragments = {}
    for p in (public / "search" / "p").glob("*.json"):
        fragments[json.loads(p.read_text())["u"]] = p.name
    if set(fragments) != set(by_url):
        missing = sorted(set(by_url) - set(fragments))
        extra = sorted(set(fragments) - set(by_url))
        raise SystemExit(f"URL rule disagrees with the search index: not indexed {missing[:5]}, unexpected {extra[:5]}")
    notes = []
    for url, rel in sorted(by_url.items(), key=lambda kv: kv[1]):
        page = public / url.strip("/") / "index.html"
        if not page.is_file():
            raise SystemExit(f"{rel}: no {page}")
        text = page.read_text(encoding="utf-8")
        canonical = re.search(r'<link rel="canonical" href="([^"]*)"', text)
        if not canonical or html.unescape(canonical.group(1)) != url:
            raise SystemExit(f"{rel}: {page} has canonical {canonical and canonical.group(1)}, expected {url}")
        body = re.search(r'<body class="([^"]*)"', text)
        is_index = Path(rel).stem in ("_index", "index") or rename.get(rel, "").endswith("/_index.md")
        # A page beside a folder of the same name is rendered as that folder's
        # page (with its own text); only flag a listing that lost the text.
        title = json.loads((public / "search" / "p" / fragments[url]).read_text())["t"]
        if body and "kind-section" in body.group(1) and not is_index and html.escape(title, quote=False) not in text:
            notes.append(f"`{rel}` → `{url}`: the HTML there is the generated section listing of the folder "
                         f"`{Path(rel).with_suffix('').name}/`; the page's own content is in the search index "
                         f"but in no HTML file")
    return by_url, notes


def page_url(url):
    return url.split("#", 1)[0]


def score(query, hits, by_url):
    """hits: ordered result URLs. → (mrr, recall, top files, rank of each relevant file)."""
    files = []
    for url in hits:
        rel = by_url.get(page_url(url))
        if rel is None or rel in files:
            continue  # out of scope (home, listings, tags, search pages) or a later hit of the same file
        files.append(rel)
    top = files[:10]
    relevant = query["relevant"]
    ranks = {r: (top.index(r) + 1 if r in top else None) for r in relevant}
    found = [k for k in ranks.values() if k]
    mrr = 1.0 / min(found) if found else 0.0
    recall = len(found) / len(relevant)
    return mrr, recall, top, ranks


def evaluate(queries, hits_per_query, by_url):
    rows = []
    for q, hits in zip(queries, hits_per_query):
        mrr, recall, top, ranks = score(q, [h["url"] for h in hits], by_url)
        rows.append({"q": q["q"], "lang": q["lang"], "kind": q["kind"], "mrr": mrr, "recall": recall,
                     "top": top, "ranks": ranks, "hits": hits})
    return rows


def averages(rows):
    out = {}
    for key, sel in (("es", "es"), ("en", "en"), ("all", None)):
        chosen = [r for r in rows if sel is None or r["lang"] == sel]
        out[key] = (sum(r["mrr"] for r in chosen) / len(chosen), sum(r["recall"] for r in chosen) / len(chosen))
    return out


def table(engines):
    lines = ["| engine | MRR@10 es | MRR@10 en | MRR@10 all | recall@10 es | recall@10 en | recall@10 all |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, rows in engines:
        a = averages(rows)
        lines.append(f"| {name} | " + " | ".join(f"{a[k][0]:.3f}" for k in ("es", "en", "all")) + " | "
                     + " | ".join(f"{a[k][1]:.3f}" for k in ("es", "en", "all")) + " |")
    return "\n".join(lines)


def by_kind(engines):
    kinds = ["plain", "no-accent", "typo", "question", "concept"]
    lines = ["| engine | " + " | ".join(f"{k} MRR" for k in kinds) + " |", "|---|" + "---:|" * len(kinds)]
    for name, rows in engines:
        cells = []
        for k in kinds:
            chosen = [r for r in rows if r["kind"] == k]
            cells.append(f"{sum(r['mrr'] for r in chosen) / len(chosen):.3f} ({len(chosen)})" if chosen else "–")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(rows):
    """cmkb's tuning list: queries with MRR@10 < 1 or whose first-listed (best)
    relevant file is not in the top 10. Returns (count, table, others) where
    others are the queries with MRR 1 whose top file is a relevant one other
    than the first-listed (e.g. covenant 2.0 before 2.1)."""
    lines = ["| query | lang | kind | MRR | relevant file → rank (– = not in top 10) | what came first (top 3; file › section) |",
             "|---|---|---|---:|---|---|"]
    count = 0
    others = []
    for r in rows:
        first = next(iter(r["ranks"]))
        if r["mrr"] == 1 and r["ranks"][first] is not None:
            if r["ranks"][first] != 1:
                others.append(f"`{r['q']}` ({short(first)} → {r['ranks'][first]})")
            continue
        count += 1
        ranks = "; ".join(f"{short(f)} → {k or '–'}" for f, k in r["ranks"].items())
        firsts = []
        seen = set()
        for h in r["hits"]:
            rel = h.get("_file")
            if rel is None or rel in seen:
                continue
            seen.add(rel)
            mark = "✓" if rel in r["ranks"] else "✗"
            section = f" › {h['section']}" if h.get("section") else ""
            firsts.append(f"{mark} {short(rel)}{section}")
            if len(firsts) == 3:
                break
        label = "**MISS** " if r["mrr"] == 0 else ""
        lines.append(f"| {label}`{r['q']}` | {r['lang']} | {r['kind']} | {r['mrr']:.2f} | {ranks} | "
                     + ("<br>".join(firsts) or "(no results)") + " |")
    return count, "\n".join(lines), others


def per_query(engines):
    """MRR@10 / recall@10 of every query, engine by engine."""
    names = [n for n, _ in engines]
    lines = ["| query | lang | kind | " + " | ".join(names) + " |", "|---|---|---|" + "---:|" * len(names)]
    for i, r in enumerate(engines[0][1]):
        cells = [f"{rows[i]['mrr']:.2f} / {rows[i]['recall']:.2f}" for _, rows in engines]
        lines.append(f"| `{r['q']}` | {r['lang']} | {r['kind']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section_hits(rows, queries):
    """For anchor-hinted queries: did cmkb's best hit in the first relevant file land on the hinted section?"""
    by_q = {q["q"]: q for q in queries}
    ok = total = 0
    wrong = []
    for r in rows:
        q = by_q[r["q"]]
        if not q.get("anchor_hint"):
            continue
        first = q["relevant"][0]
        hit = next((h for h in r["hits"] if h.get("_file") == first), None)
        if hit is None:
            continue
        total += 1
        want = html.unescape(q["anchor_hint"]).strip().lower()
        got = (hit.get("section") or "").strip().lower()
        if got == want or (got and (got in want or want in got)):
            ok += 1
        else:
            wrong.append(f"`{r['q']}`: hint “{q['anchor_hint']}”, cmkb's section “{hit.get('section') or '(intro)'}”")
    return ok, total, wrong


def run_pagefind(public, queries, merge):
    """Pagefind search in Chromium. Es queries run on /es/search/ (html lang es, so
    Pagefind's primary index is es), en queries on /search/; with MERGE the other
    language's index is merged in (mergeIndex), so results are not language-filtered."""
    tasks = []
    pages = {"es": "/es/search/", "en": "/search/"}
    for lang in ("es", "en"):
        other = "en" if lang == "es" else "es"
        tasks.append({"kind": "pagefind-search", "page": pages[lang], "bundle": "/pagefind/", "limit": 20,
                      "queries": [q["q"] for q in queries if q["lang"] == lang],
                      "merge": [{"bundle": "/pagefind-merge/", "language": other}] if merge else []})
    with sb.serve(public, aliases={"/pagefind-merge/": "/pagefind/"}) as origin:
        answers = sb.browser(origin, tasks)
    found = {}
    for answer in answers:
        for r in answer["results"]:
            found[r["q"]] = r["hits"]
    return [found[q["q"]] for q in queries]


def experiment(args, corpora, queries, files, rename, label):
    work = args.work / label
    work.mkdir(parents=True, exist_ok=True)
    sb.log(f"[{label}] building {len(files)} judged files with cmkb …")
    site, public = build_site(work, corpora, files, rename)
    by_url, notes = url_map(public, corpora, files, rename)
    sb.log(f"[{label}] {len(by_url)} judged files ↔ {len(by_url)} URLs (rule = search index = canonical links)")

    engines = []
    for name, extra in (("cmkb", {}), ("cmkb, lang filter = query lang (not headline)", "lang")):
        payload = []
        for q in queries:
            options = {"uiLang": q["lang"], "limit": 20}
            if extra == "lang":
                options["lang"] = q["lang"]
            payload.append({"q": q["q"], "options": options})
        out = sb.cmkb_queries(public, payload)
        hits = []
        for o in out:
            if "error" in o:
                raise SystemExit(f"cmkb client error on {o['q']!r}: {o['error']}")
            hs = [{"url": h["url"], "section": h.get("section", ""), "title": h.get("title", ""), "score": h.get("score")}
                  for h in o["results"]]
            for h in hs:
                h["_file"] = by_url.get(page_url(h["url"]))
            hits.append(hs)
        engines.append((name, evaluate(queries, hits, by_url)))

    pagefind_note = None
    if not args.no_pagefind:
        try:
            sb.ensure_npm_packages()
            if not sb.chromium_available():
                raise RuntimeError(f"no Chromium at {sb.CHROMIUM} (apt-get install -y chromium)")
            stdout, seconds = sb.run_pagefind(public)
            summary = " ".join(l.strip() for l in stdout.splitlines() if "Indexed" in l and "pages" in l)
            pagefind_note = f"Pagefind {sb.pagefind_version()}: {summary.strip()} in {seconds:.2f} s (default settings)"
            for name, merge in (("Pagefind (both language indexes merged)", True),
                                ("Pagefind, page-language index only (= lang filter, not headline)", False)):
                hits = run_pagefind(public, queries, merge)
                for hs in hits:
                    for h in hs:
                        h["_file"] = by_url.get(page_url(h["url"]))
                        h["section"] = (h.get("subs") or [[None, ""]])[0][1]
                engines.append((name, evaluate(queries, hits, by_url)))
        except (RuntimeError, SystemExit, OSError) as e:
            pagefind_note = f"Pagefind could not be run: {e}"
            sb.log(pagefind_note)
    return {"label": label, "work": work, "engines": engines, "notes": notes, "pagefind": pagefind_note}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--queries", type=Path, default=Path("/work/shared/search/queries.toml"))
    ap.add_argument("--corpora", type=Path, default=Path("/work/shared/corpora"))
    ap.add_argument("--work", type=Path, default=sb.OUT / "relevance")
    ap.add_argument("--no-cargo", action="store_true", help="use target/release/cmkb as it is")
    ap.add_argument("--no-pagefind", action="store_true")
    ap.add_argument("--no-variant", action="store_true",
                    help="skip the second build where colliding x.md files are built as x/_index.md")
    args = ap.parse_args()
    args.work = args.work.resolve()

    queries = tomllib.loads(args.queries.read_text(encoding="utf-8"))["query"]
    files = judged_files(args.corpora)
    for q in queries:
        for rel in q["relevant"]:
            if rel not in files:
                raise SystemExit(f"{q['q']!r}: relevant file {rel} is outside the judged collection")
    if not args.no_cargo:
        sb.cargo_build()

    runs = [experiment(args, args.corpora, queries, files, None, "as-is")]
    # cmkb writes a folder's generated listing over `x.md` when a folder `x/`
    # sits beside it (no diagnostic). The variant builds such files as
    # `x/_index.md`, so their content reaches the HTML (and Pagefind).
    stems = {f[:-3] for f in files}
    rename = {f: f[:-3] + "/_index.md" for f in files
              if any(o.startswith(f[:-3] + "/") for o in stems) and not Path(f).stem.startswith(("_index", "index"))}
    if rename and not args.no_variant:
        runs.append(experiment(args, args.corpora, queries, files, rename, "x.md-as-x-_index.md"))

    out = []
    headline = runs[0]
    out.append(f"## Search relevance — {len(queries)} queries "
               f"({sum(q['lang'] == 'es' for q in queries)} es, {sum(q['lang'] == 'en' for q in queries)} en), "
               f"{len(files)} judged files\n")
    out.append("Headline: no language filter (cmkb: `uiLang` = query language, limit 20; Pagefind: the query "
               "language's index with the other language's index merged in). Hits mapped to source files, first hit "
               "per file, out-of-scope files dropped, top 10.\n")
    out.append(table(headline["engines"]))
    out.append("\nMRR@10 by query kind (number of queries):\n")
    out.append(by_kind(headline["engines"]))
    if headline["pagefind"]:
        out.append(f"\n{headline['pagefind']}.")
    if headline["notes"]:
        out.append(f"\n**{len(headline['notes'])} judged pages are missing from the built HTML** (so Pagefind cannot "
                   "find them, and cmkb's hits on them land on a listing):\n")
        out.extend(f"- {n}" for n in headline["notes"])
    for run in runs[1:]:
        out.append(f"\nVariant `{run['label']}` (the colliding files built as `x/_index.md`; "
                   f"{len(run['notes'])} pages missing from HTML):\n")
        out.append(table(run["engines"]))
    cmkb_rows = headline["engines"][0][1]
    count, miss_table, others = misses(cmkb_rows)
    out.append(f"\n### cmkb: {count} queries with MRR@10 < 1 or the best relevant file outside the top 10 "
               f"(**MISS** = no relevant file in the top 10)\n")
    out.append("Files: `osg/` = opensource-guide/_articles/, `cc/` = contributor-covenant/content/, "
               "`tw/` = the-turing-way/book/website/community-handbook/. ✓ relevant, ✗ not.\n")
    out.append(miss_table)
    if others:
        out.append("\nMRR 1, but another relevant file came before the first-listed one: " + ", ".join(others) + ".")
    ok, total, wrong = section_hits(cmkb_rows, queries)
    out.append(f"\ncmkb section landing: for {ok} of {total} anchor-hinted queries whose first relevant file was "
               f"returned, its best hit is the hinted section.")
    if wrong:
        out.extend(f"- {w}" for w in wrong)
    out.append("\n### Per query: MRR@10 / recall@10 (headline build)\n")
    out.append(per_query(headline["engines"]))
    report = "\n".join(out) + "\n"
    print(report)
    (args.work / "report.md").write_text(report)
    raw = {run["label"]: {name: rows for name, rows in run["engines"]} for run in runs}
    (args.work / "results.json").write_text(json.dumps(raw, ensure_ascii=False, indent=1))
    sb.log(f"wrote {args.work / 'report.md'} and {args.work / 'results.json'}")


if __name__ == "__main__":
    main()
