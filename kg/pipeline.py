"""Documents in, facts out, graphs into the store: the stages joined, streaming.

`extract_documents` runs the extractor over a stream of documents, in worker processes when
asked (each builds its extractor once); `build` writes each document's graph into a store,
replacing the graph an earlier build wrote for the same document id.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .actors import load_actors
from .documents import as_documents
from .errors import InputError
from .extract import Extractor
from .rdf import country_quads, document_quads
from .records import Document, Fact
from .store import GraphStore
from .summaries import refresh_summaries
from .vocab import document_id, graph_iri

_WORKER: Extractor | None = None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent alone answers it
    # (one "Interrupted", exit 130) and stops the pool, rather than each worker printing a
    # KeyboardInterrupt traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_worker(actors_file: str | None) -> None:
    global _WORKER
    _ignore_interrupts()
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
        pool = context.Pool(workers, initializer=_ignore_interrupts)
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
    ids: list[str] = field(default_factory=list)  # of the documents built, in order
    removed: list[str] = field(default_factory=list)  # ids removed by `sync`


def write_document(store: GraphStore, doc: Document, facts: Iterable[Fact]) -> None:
    """Replace `doc`'s named graph with these facts (extracted, or reviewed by hand)."""
    store.replace_graph(graph_iri(doc.id), document_quads(doc, facts))


def build(docs: Any, store: GraphStore, *, workers: int | None = None,
          actors_file: str | None = None, report: BuildReport | None = None,
          sync: bool = False, progress: Callable[[int], object] | None = None,
          extract: Callable[[Iterable[Document]], Iterable[tuple[Document, list[Fact]]]]
          | None = None) -> BuildReport:
    """Extract facts from `docs` and write one named graph per document into `store`.

    `docs`: Documents, or anything `kg.documents.as_documents` reads (text, paths, dicts).
    Two documents with one id are refused (`InputError`). With `sync`, documents in the
    store that this build did not write are removed afterwards, so the store matches the
    input; nothing is removed if the build stopped or skipped a document. `progress`, if
    given, is called with 1 after each document is written. `extract`, if given, replaces
    local extraction (e.g. `kg.distributed.extract_on_cluster`): documents in, (document,
    facts) out in input order.
    """
    report = report or BuildReport()
    actors = load_actors(actors_file)
    seen_countries: set[str] = set()
    docs = as_documents(docs)
    results = (extract(docs) if extract is not None
               else extract_documents(docs, workers=workers, actors_file=actors_file))
    for doc, facts in results:
        write_document(store, doc, facts)
        new = {c for f in facts for c in (f.source.country, f.target.country,
                                          f.location.country if f.location else None) if c}
        new -= seen_countries
        if new:
            store.add(country_quads(actors.countries[c] for c in sorted(new)
                                    if c in actors.countries))
            seen_countries |= new
        report.documents += 1
        report.ids.append(doc.id)
        report.facts += len(facts)
        report.by_kind.update(f.kind for f in facts)
        if progress is not None:
            progress(1)
    if sync:
        if report.skipped:
            raise InputError(f"not syncing: {len(report.skipped)} documents were skipped, "
                             "so their graphs cannot be told from deleted ones")
        built = set(report.ids)
        report.removed = remove_documents(
            store, [d for d in document_ids(store) if d not in built])
    else:
        refresh_summaries(store)  # remove_documents does it for a sync
    return report


def document_ids(store: GraphStore) -> list[str]:
    """Ids of the documents in `store` (graphs kg did not write for a document are left out)."""
    return sorted(i for i in map(document_id, store.graphs()) if i is not None)


def remove_documents(store: GraphStore, ids: Iterable[str]) -> list[str]:
    """Remove these documents' graphs; every id must be in the store, or nothing is removed.

    Returns the ids removed. The shared country graph and imported graphs are never touched:
    no document id can name them.
    """
    wanted = list(dict.fromkeys(ids))
    present = {graph_iri(i) for i in document_ids(store)}
    missing = [i for i in wanted if graph_iri(i) not in present]
    if missing:
        raise InputError(f"no document {missing[0]!r} in the store"
                         + (f" (nor {len(missing) - 1} more)" if len(missing) > 1 else ""))
    for doc_id in wanted:
        store.replace_graph(graph_iri(doc_id), [])
    refresh_summaries(store)
    return wanted
