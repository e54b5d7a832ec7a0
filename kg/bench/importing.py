"""`make bench-import`: `kg import` of a large N-Triples file beside Oxigraph's own bulk load.

A synthetic file of `--triples` triples (default 1,000,000: ten properties per subject,
string and integer literals, IRIs) is written to a temporary folder, then loaded into new
on-disk stores by separate processes, each timed on the wall clock with its peak resident
memory (the kernel's `ru_maxrss` for that child):

- `pyoxigraph`: `Store(path).bulk_load(path=…, to_graph=…)`, nothing else;
- `kg import`: the command, with its checks (a streaming pass) and bulk load;
- `kg import again`: the same file into the same store, replacing its graph.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

OXIGRAPH_ONLY = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode("https://example.org/graph"))
store.flush()
"""


def write_triples(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            subject = f"<https://example.org/item/{i // 10}>"
            kind = i % 10
            if kind < 4:
                obj = f'"value {i} of item {i // 10}"'
            elif kind < 7:
                obj = f'"{i}"^^<http://www.w3.org/2001/XMLSchema#integer>'
            else:
                obj = f"<https://example.org/item/{(i * 7919) % (n // 10 + 1)}>"
            out.write(f"{subject} <https://example.org/p{kind}> {obj} .\n")


def measure(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process, which must succeed."""
    start = time.perf_counter()
    pid = os.spawnv(os.P_NOWAIT, argv[0], argv)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return seconds, usage.ru_maxrss * 1024  # kilobytes on Linux


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kg-bench-import-") as folder:
        data = Path(folder) / "synthetic.nt"
        write_triples(data, args.triples)
        size = data.stat().st_size
        print(f"input: {args.triples:,} triples of N-Triples, {size / 1e6:.0f} MB")
        kg = [sys.executable, "-m", "kg", "--store", f"{folder}/kg-store", "import",
               "--max-bytes", str(size), str(data)]
        runs = [
            ("pyoxigraph bulk_load", [sys.executable, "-c", OXIGRAPH_ONLY,
                                      f"{folder}/oxigraph-store", str(data)]),
            ("kg import", kg),
            ("kg import again", kg),
        ]
        for name, command in runs:
            with open(os.devnull, "w") as quiet:
                saved = os.dup(1), os.dup(2)
                os.dup2(quiet.fileno(), 1)
                os.dup2(quiet.fileno(), 2)
                try:
                    seconds, peak = measure(command)
                finally:
                    os.dup2(saved[0], 1)
                    os.dup2(saved[1], 2)
            print(f"{name:<22} {seconds:6.1f} s  {args.triples / seconds:>9,.0f} triples/s  "
                  f"peak RSS {peak / 1e6:,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
