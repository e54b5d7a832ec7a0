"""`make bench`: extraction speed over a corpus of at least 1,000 articles, and the graph
page's size and time to interactive (`kg.bench.viz`).

The corpus is the dev set (../shared/eval/dev, or `--dev`) when present, else the bundled sample,
repeated under new ids until it holds `--articles` documents; it is timed with one worker
and with all cores, end to end (reading excluded, extraction and record encoding included),
then in one process with the parse and without it (the word-order rules alone).

`--unpunctuated` times instead one document of 10 KB to 10 MB without a full stop (names,
triggers and filler words): seconds per MB should stay flat, since long runs are read as
sentences of bounded length.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from ..extract.documents import read_documents
from ..pipeline import default_workers, extract_documents
from ..records import Document

ROOT = Path(__file__).resolve().parents[2]


def corpus(n: int, dev: Path | None = None) -> list[Document]:
    dev = dev or ROOT.parent / "shared" / "eval" / "dev"
    sources = sorted(dev.glob("*.txt")) if dev.is_dir() else [ROOT / "examples" / "seed.txt"]
    base = list(read_documents(sources))
    return [Document(**{**base[i % len(base)].to_dict(), "id": f"bench-{i}"}) for i in range(n)]


def run(docs: list[Document], workers: int) -> tuple[float, float, int]:
    """Wall seconds and CPU seconds (this process and its workers) to extract `docs`, and
    the facts found."""
    start, cpu = time.perf_counter(), _cpu()
    facts = 0
    for _, found in extract_documents(docs, workers=workers, chunksize=16):
        facts += len(found)
        for fact in found:
            json.dumps(fact.to_dict())
    return time.perf_counter() - start, _cpu() - cpu, facts


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's workers
    end with their run): on a shared machine, wall time measures the neighbours as well."""
    try:
        import resource
    except ImportError:  # not on Unix: this process alone
        return time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


_RUN_WORDS = ("Japan and the United Kingdom officials met in Tokyo while France criticised "
              "Germany the minister said trade talks would continue after the visit and the "
              "president of Kenya invited leaders of Peru to discuss cooperation on energy "
              "security and climate").split()


def unpunctuated(size: int) -> Document:
    """A document of `size` characters of words without any punctuation (deterministic)."""
    from ..extract.documents import document_from_text

    rng = random.Random(size)
    words: list[str] = []
    length = 0
    while length < size:
        words.append(rng.choice(_RUN_WORDS))
        length += len(words[-1]) + 1
    return document_from_text(" ".join(words), f"run-{size}", date="2025-01-01")


def unpunctuated_bench(sizes: list[int]) -> None:
    from ..extract.actors import load_actors
    from ..extract.extractor import Extractor

    extractor = Extractor(load_actors(None))
    extractor.extract(unpunctuated(1000))  # warm up
    for size in sizes:
        doc = unpunctuated(size)
        # CPU time: on a shared machine, wall time measures the neighbours as well.
        start, wall = time.process_time(), time.perf_counter()
        facts = extractor.extract(doc)
        seconds, wall = time.process_time() - start, time.perf_counter() - wall
        print(f"{size / 1e6:8.2f} MB  {seconds:8.2f} s CPU  {seconds / (size / 1e6):6.1f} "
              f"s/MB  (wall {wall:.2f} s, {len(facts)} facts)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--dev", type=Path, default=None,
                        help="the dev set to repeat (default: ../shared/eval/dev beside the "
                             "checkout; the bundled sample where there is none)")
    parser.add_argument("--part", choices=("all", "extract", "viz"), default="all")
    parser.add_argument("--unpunctuated", action="store_true",
                        help="time one document without punctuation at 10 KB to 10 MB")
    parser.add_argument("--sizes", type=int, nargs="+",
                        default=[10_000, 100_000, 1_000_000, 10_000_000])
    args = parser.parse_args(argv)
    if args.unpunctuated:
        unpunctuated_bench(args.sizes)
        return
    if args.part in ("all", "viz"):
        from . import viz as benchviz

        benchviz.main()
    if args.part == "viz":
        return
    docs = corpus(args.articles, args.dev)
    words = sum(len(d.text.split()) for d in docs)
    print(f"corpus: {len(docs)} articles, {words} words")
    for workers in sorted({1, default_workers()}):
        run(docs[:20], workers)  # warm up: imports, tables, matcher
        seconds, cpu, facts = run(docs, workers)
        print(f"workers {workers}: {seconds:.2f} s  {len(docs) / seconds:.0f} articles/s  "
              f"{words / seconds:.0f} words/s  {1000 * cpu / len(docs):.2f} ms CPU/article "
              f"({facts} facts, with parse)")
    for parse in (True, False):
        seconds, cpu, facts = one_process(docs, parse)
        print(f"one process, {'parse + rules' if parse else 'rules only'}: "
              f"{len(docs) / seconds:.0f} articles/s  {1000 * cpu / len(docs):.2f} ms CPU/article "
              f"({facts} facts)")


def one_process(docs: list[Document], parse: bool, batch: int = 32) -> tuple[float, float, int]:
    """Wall and CPU seconds to extract `docs` in batches of `batch` in this process, with or
    without the parse (without: the word-order rules alone), and the facts found."""
    from ..extract.actors import load_actors
    from ..extract.extractor import Extractor

    extractor = Extractor(load_actors(None), parse=parse)
    extractor.extract_many(docs[:batch])  # warm up
    start, cpu, facts = time.perf_counter(), time.process_time(), 0
    for low in range(0, len(docs), batch):
        facts += sum(len(found) for found in extractor.extract_many(docs[low:low + batch]))
    return time.perf_counter() - start, time.process_time() - cpu, facts


if __name__ == "__main__":
    main()
