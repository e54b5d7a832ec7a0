"""`make bench-scale`: `kg build` over synthetic corpora of 1k, 10k and 100k articles.

For each size it prints articles/s and triples/s of a build into an empty store, its peak
RSS (the build process and its workers), the store's size on disk, the time of a re-run
that changes nothing, `kg extract`'s rate on the same input (the build's target is 80% of
it), each saved query's time in-process and as a CLI, and `kg viz`'s (countries level) from
the summaries and from the facts. rdflib's engine runs the same
queries at `--rdflib-at` articles as the ratio anchor: 1k by default, since at 1k its
queries already take 5-100 s each here (20-60x Oxigraph's), so 10k would not fit the budget.
Sizes that would not finish within `--budget` minutes (extrapolated from the sizes before)
are skipped, and the reason printed.

Every figure comes from real processes of `kg` (`python -m kg`) over a JSON Lines corpus in
a temporary folder; the machine's other load shows in them, so compare runs, not digits.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from .extraction import corpus

PARAMS = {"country": "JPN", "a": "JPN", "b": "GBR", "since": "2020-01-01",
          "min_confidence": "0.8"}


def write_corpus(path: Path, n: int) -> None:
    """`n` articles with unique ids, each text varied by one sentence so content hashes differ."""
    base = corpus(min(n, 64))
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            doc = base[i % len(base)].to_dict()
            doc["id"] = f"scale-{i}"
            doc["text"] = doc["text"] + f"\n\nFile note {i}: archived copy."
            out.write(json.dumps({k: v for k, v in doc.items()
                                  if k in ("id", "text", "url", "date", "title", "source")
                                  and v is not None}) + "\n")


# A child's peak RSS as wait4 gives it includes this process's at the moment it spawned the
# child (Linux keeps the high-water mark across exec), and this process holds a store and an
# rdflib graph: every figure read that way was this process's size. GNU time, small, spawns
# kg instead and reports kg's own peak, its reaped workers included.
GNU_TIME = "/usr/bin/time"


def timed(args: list[str]) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB of the process and its workers, NaN without GNU time, stdout)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile() as rss:
        command = [sys.executable, "-m", "kg", *args]
        measured = os.path.exists(GNU_TIME)
        if measured:
            command = [GNU_TIME, "-f", "%M", "-o", rss.name, *command]
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=out, stderr=err)
        proc.wait()
        seconds = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"kg {' '.join(args)} failed: {err.read().decode().strip()}")
        # On failure GNU time writes a line before the figure: the figure is the last word.
        peak = int(Path(rss.name).read_text().split()[-1]) / 1024 if measured else float("nan")
        return seconds, peak, out.read().decode()


def disk_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class SavedTime(NamedTuple):
    name: str
    rows: int
    seconds: float  # in-process, wall clock
    cpu: float  # in-process, CPU time: what the query costs, whatever else the machine runs
    cli: float | None  # as a CLI process; None if it failed (see `failure`)
    cli_rss: float | None  # MB, the CLI process and its query child
    rdflib: float | None
    failure: str = ""


def saved_times(store: Path, rdflib_too: bool) -> list[SavedTime]:
    from ..graph.query import resolve_saved, run_saved, saved_queries
    from ..graph.store import OxigraphStore

    rows = []
    graph = None
    with OxigraphStore(store, read_only=True) as opened:
        if rdflib_too:
            graph = opened.to_rdflib()
        for name, query in saved_queries().items():
            unknown = [p for p in query.param_names if p not in PARAMS]
            if unknown:
                # A query saved after this bench was written: say so rather than guess a value.
                print(f"  {name:<20} skipped: no bench value for {', '.join(unknown)}",
                      flush=True)
                continue
            params = {p: PARAMS[p] for p in query.param_names}
            start, cpu = time.perf_counter(), time.process_time()
            answer = run_saved(opened, name, params)
            inproc, cpu = time.perf_counter() - start, time.process_time() - cpu
            # No time limit: the bench measures; the memory cap is the target's (1 GB), so
            # a query over it shows as failed instead of taking the machine.
            cli: float | None = None
            cli_rss: float | None = None
            failure = ""
            try:
                cli, cli_rss, _ = timed(["--store", str(store), "query", "--saved", name,
                                         "-f", "csv", "--timeout", "0", "--max-memory", "1024",
                                         *[f"--param={k}={v}" for k, v in params.items()]])
            except SystemExit as exc:
                failure = str(exc).rsplit(": ", 1)[-1]
            anchor = None
            if graph is not None:
                from rdflib import Literal

                _, given = resolve_saved(name, params)
                start = time.perf_counter()
                list(graph.query(query.text, initBindings={k: Literal(v)
                                                           for k, v in given.items()}))
                anchor = time.perf_counter() - start
            rows.append(SavedTime(name, len(answer.rows), inproc, cpu, cli, cli_rss, anchor,
                                  failure))
    return rows


class VizTime(NamedTuple):
    how: str
    seconds: float
    rss: float  # MB
    page: int  # bytes


def viz_times(store: Path, work: Path) -> list[VizTime]:
    """`kg viz` of the countries level as a CLI: from the summaries (the default), and from
    every fact (a date bound no fact misses makes it read them)."""
    out = []
    page = work / "viz.html"
    for how, extra in (("from summaries", []), ("from the facts", ["--since", "0001"])):
        seconds, rss, _ = timed(["--store", str(store), "viz", "-o", str(page), *extra])
        out.append(VizTime(how, seconds, rss, page.stat().st_size))
    page.unlink()
    return out


def run_size(n: int, work: Path, rdflib_at: int) -> float:
    source = work / f"corpus-{n}.jsonl"
    write_corpus(source, n)
    store = work / f"store-{n}"
    ext_s, _, _ = timed(["extract", str(source), "-f", "jsonl", "-o", os.devnull])
    build_s, peak, _ = timed(["--store", str(store), "build", "-q", str(source)])
    rebuild_s, _, _ = timed(["--store", str(store), "build", "-q", str(source)])
    from ..graph.store import OxigraphStore

    with OxigraphStore(store, read_only=True) as opened:
        triples = len(opened)
    print(f"\n{n:,} articles: build {build_s:.1f} s, {n / build_s:.0f} articles/s, "
          f"{triples / build_s:,.0f} triples/s ({triples:,} triples); extract "
          f"{n / ext_s:.0f} articles/s (build at {100 * ext_s / build_s:.0f}% of it); "
          f"peak RSS {peak:.0f} MB; store {disk_size(store) / 1e6:.0f} MB on disk; "
          f"no-change rebuild {rebuild_s:.1f} s", flush=True)
    anchor = n == rdflib_at
    print(f"  {'saved query':<20} {'rows':>8} {'in-process':>11} {'CPU':>8} {'CLI':>8} "
          f"{'CLI RSS':>8}" + (f" {'rdflib':>9} {'ratio':>7}" if anchor else ""))
    for t in saved_times(store, anchor):
        cli = (f"{t.cli:7.2f}s {t.cli_rss:6.0f}MB" if t.cli is not None
               else f"failed: {t.failure}")
        line = f"  {t.name:<20} {t.rows:8,} {t.seconds:10.3f}s {t.cpu:7.2f}s {cli}"
        if t.rdflib is not None:
            line += f" {t.rdflib:8.2f}s {t.rdflib / max(t.seconds, 1e-6):6.0f}x"
        print(line, flush=True)
    for v in viz_times(store, work):
        print(f"  kg viz (countries) {v.how:<15} {v.seconds:7.2f}s {v.rss:6.0f}MB "
              f"page {v.page / 1e6:.2f} MB", flush=True)
    shutil.rmtree(store)
    source.unlink()
    return build_s + rebuild_s + ext_s


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--rdflib-at", type=int, default=1_000,
                        help="the size at which rdflib's engine runs the saved queries")
    parser.add_argument("--budget", type=float, default=25.0, help="minutes in all")
    args = parser.parse_args(argv)
    start = time.monotonic()
    per_article = None
    with tempfile.TemporaryDirectory(prefix="kg-bench-scale-") as tmp:
        for n in sorted(args.sizes):
            left = args.budget * 60 - (time.monotonic() - start)
            if per_article is not None and per_article * n * 1.3 > left:
                print(f"\n{n:,} articles: skipped: at {1 / per_article:.0f} articles/s it "
                      f"needs about {per_article * n * 1.3 / 60:.0f} min, "
                      f"{left / 60:.0f} min are left of the {args.budget:.0f}-minute budget")
                continue
            seconds = run_size(n, Path(tmp), args.rdflib_at)
            per_article = seconds / n


if __name__ == "__main__":
    main()
