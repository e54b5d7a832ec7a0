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
from typing import Any, NamedTuple

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


# The page a terminal shows (kg/cli.py's TERMINAL_ROWS), and a page further in.
PAGE_ROWS = 1000
FAR_OFFSET = 10_000


class SavedTime(NamedTuple):
    name: str
    rows: int
    seconds: float  # the whole answer in-process, wall clock
    cpu: float  # in-process, CPU time: what the query costs, whatever else the machine runs
    page: float  # the first PAGE_ROWS rows, in-process
    page_cpu: float
    far: float  # PAGE_ROWS rows from FAR_OFFSET on, in-process
    page_cli: float | None  # the first page as a CLI process; None if it failed
    far_cli: float | None
    cli: float | None  # the whole answer as a CLI process; None if it failed or was skipped
    cli_rss: float | None  # MB, the largest of the CLI processes (with their query child)
    rdflib: float | None  # rdflib's engine on the query with LIMIT PAGE_ROWS
    failure: str = ""


def _timed_call(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    answer = call(*args, **kwargs)
    return answer, time.perf_counter() - start, time.process_time() - cpu


def saved_times(store: Path, rdflib_too: bool, whole_cli: bool = True) -> list[SavedTime]:
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
            answer, inproc, cpu = _timed_call(run_saved, opened, name, params)
            first, page_s, page_cpu = _timed_call(run_saved, opened, name, params,
                                                  limit=PAGE_ROWS)
            _, far_s, _ = _timed_call(run_saved, opened, name, params, limit=PAGE_ROWS,
                                      offset=FAR_OFFSET)
            if first.rows != answer.rows[:PAGE_ROWS]:
                raise SystemExit(f"{name}: the first page is not the whole answer's start")
            # No time limit: the bench measures; the memory cap is the target's (1 GB), so
            # a query over it shows as failed instead of taking the machine.
            base = ["--store", str(store), "query", "--saved", name, "-f", "csv",
                    "--timeout", "0", "--max-memory", "1024",
                    *[f"--param={k}={v}" for k, v in params.items()]]
            times: dict[str, float | None] = {}
            peaks: list[float] = []
            failure = ""
            runs = [("page", ["--limit", str(PAGE_ROWS)]),
                    ("far", ["--limit", str(PAGE_ROWS), "--offset", str(FAR_OFFSET)])]
            if whole_cli:
                runs.append(("whole", []))
            for what, extra in runs:
                try:
                    times[what], peak, _ = timed([*base, *extra])
                    peaks.append(peak)
                except SystemExit as exc:
                    times[what] = None
                    failure = failure or str(exc).rsplit(": ", 1)[-1]
            anchor = None
            if graph is not None:
                from rdflib import Literal

                _, given = resolve_saved(name, params)
                start = time.perf_counter()
                list(graph.query(f"{query.text.rstrip()}\nLIMIT {PAGE_ROWS}",
                                 initBindings={k: Literal(v) for k, v in given.items()}))
                anchor = time.perf_counter() - start
            rows.append(SavedTime(name, len(answer.rows), inproc, cpu, page_s, page_cpu, far_s,
                                  times.get("page"), times.get("far"), times.get("whole"),
                                  max(peaks) if peaks else None, anchor, failure))
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


def run_size(n: int, work: Path, rdflib_at: int, whole_cli_below: int = 100_000) -> float:
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
    whole_cli = n < whole_cli_below
    print(f"  {'saved query':<20} {'rows':>8} {'whole':>8} {'CPU':>7} {'page':>7} "
          f"{'CPU':>6} {'@10k':>7} {'page CLI':>8} {'@10k CLI':>8} {'whole CLI':>9} "
          f"{'CLI RSS':>8}" + (f" {'rdflib page':>11} {'ratio':>6}" if anchor else ""))

    def secs(value: float | None) -> str:
        return "failed" if value is None else f"{value:.3f}s"

    for t in saved_times(store, anchor, whole_cli):
        line = (f"  {t.name:<20} {t.rows:8,} {t.seconds:7.3f}s {t.cpu:6.2f}s {t.page:6.3f}s "
                f"{t.page_cpu:5.2f}s {t.far:6.3f}s {secs(t.page_cli):>8} {secs(t.far_cli):>8} "
                f"{secs(t.cli) if whole_cli else 'skipped':>9} "
                f"{t.cli_rss if t.cli_rss is not None else float('nan'):6.0f}MB")
        if t.rdflib is not None:
            line += f" {t.rdflib:10.2f}s {t.rdflib / max(t.page, 1e-6):5.0f}x"
        if t.failure:
            line += f"  ({t.failure})"
        print(line, flush=True)
    if not whole_cli:
        print(f"  (the whole answers as a CLI are skipped from {whole_cli_below:,} articles "
              "on: each costs as much as in-process, with the budget it would take)")
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
    parser.add_argument("--whole-cli-below", type=int, default=100_000,
                        help="time the whole answers as a CLI only below this size")
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
            seconds = run_size(n, Path(tmp), args.rdflib_at, args.whole_cli_below)
            per_article = seconds / n


if __name__ == "__main__":
    main()
