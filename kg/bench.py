"""`make bench`: extraction speed over a corpus of at least 1,000 articles, and the graph
page's size and time to interactive (`kg.benchviz`).

The corpus is the dev set (../shared/eval/dev) when present, else the bundled sample,
repeated under new ids until it holds `--articles` documents; it is timed with one worker
and with all cores, end to end (reading excluded, extraction and record encoding included).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from .documents import read_documents
from .pipeline import default_workers, extract_documents
from .records import Document

ROOT = Path(__file__).resolve().parent.parent


def corpus(n: int) -> list[Document]:
    dev = ROOT.parent / "shared" / "eval" / "dev"
    sources = sorted(dev.glob("*.txt")) if dev.is_dir() else [ROOT / "examples" / "seed.txt"]
    base = list(read_documents(sources))
    return [Document(**{**base[i % len(base)].to_dict(), "id": f"bench-{i}"}) for i in range(n)]


def run(docs: list[Document], workers: int) -> tuple[float, int]:
    start = time.perf_counter()
    facts = 0
    for _, found in extract_documents(docs, workers=workers, chunksize=16):
        facts += len(found)
        for fact in found:
            json.dumps(fact.to_dict())
    return time.perf_counter() - start, facts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--part", choices=("all", "extract", "viz"), default="all")
    args = parser.parse_args(argv)
    if args.part in ("all", "viz"):
        from . import benchviz

        benchviz.main()
    if args.part == "viz":
        return
    docs = corpus(args.articles)
    words = sum(len(d.text.split()) for d in docs)
    print(f"corpus: {len(docs)} articles, {words} words")
    for workers in sorted({1, default_workers()}):
        run(docs[:20], workers)  # warm up: imports, tables, matcher
        seconds, facts = run(docs, workers)
        print(f"workers {workers}: {seconds:.2f} s  {len(docs) / seconds:.0f} articles/s  "
              f"{words / seconds:.0f} words/s  ({facts} facts)")


if __name__ == "__main__":
    main()
