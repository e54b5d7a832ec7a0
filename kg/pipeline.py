"""Documents in, facts out, graphs into the store: the stages joined, streaming.

`extract_documents` runs the extractor over a stream of documents, in worker processes when
asked (each builds its extractor once); `build` writes each document's graph into a store,
replacing the graph an earlier build wrote for the same document id.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from .actors import load_actors
from .extract import Extractor
from .rdf import country_quads, document_quads
from .records import Document, Fact
from .store import GraphStore
from .vocab import graph_iri

_WORKER: Extractor | None = None


def _init_worker(actors_file: str | None) -> None:
    global _WORKER
    _WORKER = Extractor(load_actors(actors_file))


def _work(doc: Document) -> tuple[Document, list[Fact]]:
    assert _WORKER is not None
    return doc, _WORKER.extract(doc)


def default_workers() -> int:
    return os.cpu_count() or 1


def extract_documents(docs: Iterable[Document], *, workers: int | None = None,
                      actors_file: str | None = None,
                      chunksize: int = 8) -> Iterator[tuple[Document, list[Fact]]]:
    """(document, facts) for each document, in input order, streaming.

    Worker processes start only when the input holds more documents than a few per worker;
    with fork they inherit the extractor (tables, matchers, tokenizer) built here once.
    """
    global _WORKER
    workers = default_workers() if workers is None else max(1, workers)
    extractor = Extractor(load_actors(actors_file))
    stream = iter(docs)
    head = list(itertools.islice(stream, 4 * workers if workers > 1 else 0))
    if workers == 1 or len(head) < 4 * workers:
        for doc in itertools.chain(head, stream):
            yield doc, extractor.extract(doc)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        extractor.extract(head[0])  # builds the tokenizer before the workers copy it
        _WORKER = extractor
        pool = context.Pool(workers)
    else:
        pool = context.Pool(workers, initializer=_init_worker, initargs=(actors_file,))
    with pool:
        yield from pool.imap(_work, itertools.chain(head, stream), chunksize=chunksize)


@dataclass
class BuildReport:
    documents: int = 0
    facts: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)


def write_document(store: GraphStore, doc: Document, facts: Iterable[Fact]) -> None:
    """Replace `doc`'s named graph with these facts (extracted, or reviewed by hand)."""
    store.replace_graph(graph_iri(doc.id), document_quads(doc, facts))


def build(docs: Iterable[Document], store: GraphStore, *, workers: int | None = None,
          actors_file: str | None = None, report: BuildReport | None = None,
          progress: Callable[[int], object] | None = None) -> BuildReport:
    """Extract facts from `docs` and write one named graph per document into `store`.

    `progress`, if given, is called with 1 after each document is written.
    """
    report = report or BuildReport()
    actors = load_actors(actors_file)
    seen_countries: set[str] = set()
    for doc, facts in extract_documents(docs, workers=workers, actors_file=actors_file):
        write_document(store, doc, facts)
        new = {c for f in facts for c in (f.source.country, f.target.country,
                                          f.location.country if f.location else None) if c}
        new -= seen_countries
        if new:
            store.add(country_quads(actors.countries[c] for c in sorted(new)
                                    if c in actors.countries))
            seen_countries |= new
        report.documents += 1
        report.facts += len(facts)
        report.by_kind.update(f.kind for f in facts)
        if progress is not None:
            progress(1)
    return report
