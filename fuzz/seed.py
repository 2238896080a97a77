#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, from the shared corpora (real community
guidance in Markdown), the repository's own content/ and site.toml files.

    python3 fuzz/seed.py [--shared ../shared] [--max-len 65536]

Writes fuzz/corpus/<target>/<sha1> files (fuzz/corpus is git-ignored).
Existing files are kept: libFuzzer's own finds accumulate beside the seeds.
"""

import argparse
import hashlib
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

LINK = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.M)


def markdown_files(roots):
    for root in roots:
        if root.is_dir():
            yield from sorted(p for p in root.rglob("*.md") if p.is_file())


def front_matter(text):
    """The front-matter block with its delimiters, or None."""
    first = text.split("\n", 1)[0].strip()
    if first not in ("+++", "---"):
        return None
    lines = text.split("\n")
    for i in range(1, len(lines)):
        if lines[i].strip() == first:
            return "\n".join(lines[: i + 1]) + "\n"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared"))
    ap.add_argument("--max-len", type=int, default=65536)
    args = ap.parse_args()
    shared = Path(args.shared)
    corpus = HERE / "corpus"
    counts = {}

    def put(target, data):
        if isinstance(data, str):
            data = data.encode("utf-8")
        if not data or len(data) > args.max_len:
            return
        folder = corpus / target
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / hashlib.sha1(data).hexdigest()
        if not path.exists():
            path.write_bytes(data)
            counts[target] = counts.get(target, 0) + 1

    roots = [shared / "corpora", REPO / "content", REPO / "src" / "scaffold" / "templates"]
    headings = set()
    for md in markdown_files(roots):
        raw = md.read_bytes()
        text = raw.decode("utf-8", "replace")
        put("page", raw)
        fm = front_matter(text)
        if fm:
            put("frontmatter", fm)
            put("frontmatter", fm + text[len(fm):][:512])
        # Paragraph-sized chunks for the tokeniser.
        for chunk in re.split(r"\n\s*\n", text)[:4]:
            if len(chunk) > 40:
                put("tokenize", chunk[:4096])
        # The file's folder, then its link destinations, one per line.
        dests = LINK.findall(text)
        if dests:
            try:
                folder = md.parent.relative_to(md.parents[len(md.parents) - 1])
            except ValueError:
                folder = Path("")
            rel = "/".join(folder.parts[-2:])
            put("links", rel + "\n" + "\n".join(dests[:64]) + "\n")
        headings.update(h.strip() for h in HEADING.findall(text))
        headings.add(md.stem)
        headings.add(md.parent.name)
    for h in sorted(headings)[:3000]:
        put("slug", h)

    # Hand-written shapes the corpora lack (each valid, none known to crash).
    for page in (
        "# [Título](a.md)\n\nTexto.\n",
        "+++\ntitle = \"T\"\n+++\n# T\n\n## Uno {#uno}\n\n## Uno\n\n## Main\n",
        "---\ntitle: T\nvisibility: internal\n---\nTexto &#45; &amp; \\- [a](@/x.md#y) ![i](<a b.png>)\n",
        "\ufeff+++\r\ntitle = \"CRLF\"\r\n+++\r\nTexto\r\n===\r\n",
        "Texto[^1].\n\n[^1]: Nota [n](n.md).\n\n<a id=\"x\"></a>\n\n[r]: ../r.md\n\n[ref][r]\n",
        "- [ ] [a](a.md)\n- [x] b\n\n| [c](c.md) | d |\n|---|---|\n| e | ![f](f.png) |\n",
        "<!-- cmkb-disable rigid-script -- porque -->\n<script>x()</script>\n[j](javascript:alert(1))\n",
        "![a ![b](b.png) [c](c.md)](x.png)\n\n[![i](i.png)](p.md)\n",
    ):
        put("page", page)
        put("frontmatter", page)
    tomls = [REPO / "site.toml"]
    tomls += sorted((REPO / "src" / "scaffold" / "templates").rglob("*.toml"))
    tomls += sorted((REPO / "themes").rglob("*.toml"))
    for toml in tomls:
        if toml.is_file():
            put("site_toml", toml.read_bytes())
    # Shapes from the docs: every section of site.toml.
    put(
        "site_toml",
        'title = "KB"\nbase_url = "https://org.github.io/kb/"\ndefault_language = "es"\n'
        'languages = ["es", "en"]\n[types.guide]\nrequired = ["title"]\nsections = ["why"]\n'
        'min_words = 10\nreview_every = "P6M"\n[types.guide.values]\naudience = ["a"]\n'
        '[check]\nfail_build = false\nignore = ["drafts/"]\n[check.rules.rigid-script]\n'
        'severity = "warning"\n[markdown]\nscripts = "escape"\n[extra]\nx = 1\n',
    )

    for target in ("frontmatter", "page", "links", "slug", "tokenize", "site_toml"):
        folder = corpus / target
        total = len(list(folder.iterdir())) if folder.is_dir() else 0
        print(f"{target:12} +{counts.get(target, 0):5} new seeds, {total:6} in corpus/{target}/")


if __name__ == "__main__":
    main()
