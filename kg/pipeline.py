"""Documents in, facts out, graphs into the store: the stages joined, streaming.

`extract_documents` runs the extractor over a stream of documents, in worker processes when
asked (each builds its extractor once); `build` writes each document's graph into a store,
replacing the graph an earlier build wrote for the same document id.

Builds are incremental: each document's graph carries a content hash (`kg:contentHash`) of
its text and metadata and of the extractor that read it (version, code, data tables, the
user's actor file), so a document whose hash the store already holds is skipped before
extraction. Graphs are written many documents per transaction.
"""

from __future__ import annotations

import collections
import hashlib
import itertools
import json
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from . import __version__
from .errors import InputError
from .events.graph import has_events, refresh_events
from .extract.actors import load_actors
from .extract.documents import as_documents
from .extract.extractor import Extractor
from .graph.pages import PageCounter, graph_buckets, update_pages, write_pages
from .graph.rdf import country_quads, document_quads
from .graph.store import GraphStore
from .graph.summaries import (
    SummaryCounter,
    graph_keys,
    has_summaries,
    update_summaries,
    write_summaries,
)
from .graph.vocab import document_id, document_iri, graph_iri, kg
from .records import Document, Fact

CONTENT_HASH = kg("contentHash")
BATCH_DOCUMENTS = 256  # per transaction; with BATCH_QUADS, what a build holds at most
BATCH_QUADS = 100_000

_WORKER: Extractor | None = None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches every process of the terminal's group: the parent alone answers it
    # (one "Interrupted", exit 130) and stops the pool, rather than each worker printing a
    # KeyboardInterrupt traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _init_worker(actors_file: str | None, parse: bool = True) -> None:
    global _WORKER
    _ignore_interrupts()
    _WORKER = Extractor(load_actors(actors_file), parse=parse)


def _work_many(docs: list[Document]) -> list[list[Fact]]:
    assert _WORKER is not None
    # A chunk's candidate sentences are parsed together: batches parse faster. The
    # documents are not sent back: the parent holds them.
    return _WORKER.extract_many(docs)


def default_workers() -> int:
    return os.cpu_count() or 1


def extract_documents(docs: Iterable[Document], *, workers: int | None = None,
                      actors_file: str | None = None, chunksize: int = 8,
                      parse: bool = True) -> Iterator[tuple[Document, list[Fact]]]:
    """(document, facts) for each document, in input order, streaming.

    `parse=False` reads sides by word order alone (`Extractor`): faster, a little less recall.

    Worker processes start only when the input holds more documents than a few per worker;
    with fork they inherit the extractor (tables, matchers, tokenizer) built here once.
    """
    global _WORKER
    workers = default_workers() if workers is None else max(1, workers)
    stream = iter(docs)
    head = list(itertools.islice(stream, 4 * workers if workers > 1 else 1))
    if not head:
        return  # nothing to read (every document unchanged): no extractor to build
    extractor = Extractor(load_actors(actors_file), parse=parse)
    if workers == 1 or len(head) < 4 * workers:
        rest = itertools.chain(head, stream)
        for chunk in iter(lambda: list(itertools.islice(rest, chunksize)), []):
            yield from zip(chunk, extractor.extract_many(chunk), strict=True)
        return
    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    if fork:
        extractor.extract(head[0])  # builds the tokenizer before the workers copy it
        extractor.warm()  # and the parser
        _WORKER = extractor
        pool = context.Pool(workers, initializer=_ignore_interrupts)
    else:
        pool = context.Pool(workers, initializer=_init_worker, initargs=(actors_file, parse))
    # Pool.imap reads its whole input ahead (its feeder thread does not wait), so the
    # corpus would sit in memory whenever writing is slower than reading: a few chunks per
    # worker are in flight instead, and results come back in input order.
    items = itertools.chain(head, stream)
    chunks = iter(lambda: list(itertools.islice(items, chunksize)), [])
    pending: collections.deque[tuple[list[Document], Any]] = collections.deque()
    with pool:
        for chunk in chunks:
            pending.append((chunk, pool.apply_async(_work_many, (chunk,))))
            if len(pending) >= 4 * workers:
                done, result = pending.popleft()
                yield from zip(done, result.get(), strict=True)
        while pending:
            done, result = pending.popleft()
            yield from zip(done, result.get(), strict=True)


@dataclass
class BuildReport:
    documents: int = 0  # written: new or replaced
    facts: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    skipped: list[str] = field(default_factory=list)  # unreadable inputs (messages)
    ids: list[str] = field(default_factory=list)  # of the documents written, in order
    removed: list[str] = field(default_factory=list)  # ids removed by `sync`
    unchanged: list[str] = field(default_factory=list)  # ids skipped: same content hash
    replaced: int = 0  # of `documents`, those the store held before


def write_document(store: GraphStore, doc: Document, facts: Iterable[Fact]) -> None:
    """Replace `doc`'s named graph with these facts (extracted, or reviewed by hand).

    No content hash is written, so the next build extracts the document again.
    """
    store.replace_graph(graph_iri(doc.id), document_quads(doc, facts))


# What a document's facts do not depend on: reading and showing the store, timing, the
# saved queries, the page templates. Everything else in the package is hashed, so a module
# added to a new folder counts until it is named here.
_NOT_EXTRACTION = frozenset({"views", "bench", "queries", "templates", "vendor", "__pycache__"})


def identity_files(package: Path | None = None) -> list[Path]:
    """The files whose bytes `extractor_identity` hashes: every module and data file of the
    package (`package`, else kg's own folder) outside `_NOT_EXTRACTION`."""
    package = package or Path(__file__).resolve().parent
    return sorted(path for path in package.rglob("*")
                  if path.is_file() and path.suffix not in (".pyc", ".pyo")
                  and not _NOT_EXTRACTION & set(path.relative_to(package).parts[:-1]))


def extractor_identity(actors_file: str | None = None, *, package: Path | None = None,
                       parse: bool = True) -> str:
    """A hash of what decides the facts of a text: kg's version, the code, data tables and
    parser model of the package (`identity_files`), the user's actor file
    (`actors_file`, else $KG_ACTORS), and whether sides are read from the parse."""
    digest = hashlib.sha256(__version__.encode())
    if not parse:
        digest.update(b"sides by word order\0")
    package = package or Path(__file__).resolve().parent
    for path in identity_files(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    extra = actors_file or os.environ.get("KG_ACTORS") or None
    if extra:
        try:
            digest.update(b"actors\0" + Path(extra).read_bytes())
        except OSError as exc:
            raise InputError(f"{extra}: cannot read actor file: {exc}") from None
    return digest.hexdigest()


def content_hash(doc: Document, identity: str) -> str:
    """The hash a document's graph carries: its (normalised) text and metadata, and the
    extractor's identity. Its path is left out: it is not in the graph."""
    fields = {k: v for k, v in doc.to_dict().items() if k != "path"}
    payload = json.dumps(fields, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(identity.encode() + b"\0" + payload).hexdigest()


def hash_quad(doc: Document, identity: str) -> ox.Quad:
    """`doc kg:contentHash "…"` in the document's own graph."""
    return ox.Quad(ox.NamedNode(document_iri(doc.id)), ox.NamedNode(CONTENT_HASH),
                   ox.Literal(content_hash(doc, identity)), ox.NamedNode(graph_iri(doc.id)))


def stored_hashes(store: GraphStore) -> dict[str, str]:
    """Each document graph's content hash, by graph IRI."""
    rows = store.query(f"SELECT ?g ?h WHERE {{ GRAPH ?g {{ ?d <{CONTENT_HASH}> ?h }} }}")
    return {row["g"].value: row["h"].value for row in rows}


def _write_batch(store: GraphStore, graphs: dict[str, list[ox.Quad]], stale: list[str],
                 also: list[ox.Quad], hashes: list[ox.Quad], bulk: bool) -> None:
    batched = getattr(store, "replace_graphs", None)
    if batched is not None:
        batched(graphs, stale=stale, also=also, last=hashes, bulk=bulk)
        return
    for quad in hashes:  # a store without batches: a graph at a time, each with its hash
        graphs[quad.graph_name.value].append(quad)
    for graph, quads in graphs.items():
        store.replace_graph(graph, quads)
    if also:
        store.add(also)


def build(docs: Any, store: GraphStore, *, workers: int | None = None,
          actors_file: str | None = None, report: BuildReport | None = None,
          sync: bool = False, progress: Callable[[int], object] | None = None,
          force: bool = False, parse: bool = True,
          extract: Callable[[Iterable[Document]], Iterable[tuple[Document, list[Fact]]]]
          | None = None) -> BuildReport:
    """Extract facts from `docs` and write one named graph per document into `store`.

    `docs`: Documents, or anything `kg.extract.documents.as_documents` reads (text, paths, dicts).
    Two documents with one id are refused (`InputError`). A document whose content hash
    the store holds is skipped (`report.unchanged`) unless `force`. With `sync`, documents
    in the store that this input does not hold are removed afterwards, so the store matches
    the input; nothing is removed if the build stopped or skipped an unreadable document.
    `progress`, if given, is called with 1 after each document is written or skipped.
    `parse=False` reads sides by word order alone (faster); the documents' hashes record
    it, so a later build with the parse extracts them again.
    `extract`, if given, replaces local extraction (e.g.
    `kg.distributed.extract_on_cluster`): documents in, (document, facts) out in input order.
    """
    report = report or BuildReport()
    actors = load_actors(actors_file)
    identity = extractor_identity(actors_file, parse=parse)
    known = stored_hashes(store)
    present = {graph_iri(i) for i in document_ids(store)}
    # Into an empty store, the bulk loader: each graph's hash goes in after the batch, so
    # a graph left without it by a crash is extracted and replaced by the next build.
    bulk = not store.graphs()
    seen_countries: set[str] = set()
    # The summaries: counted from the facts written, then only the rows these facts and
    # the facts they replace count in are recounted (all of them, into an empty store,
    # come from the count alone).
    counter = SummaryCounter()
    touched: set[tuple[str, str, str]] = set()
    # The ordered buckets of saved queries' pages, kept exact the same way.
    pages = PageCounter()
    touched_buckets: set[str] = set()

    def changed(stream: Iterable[Document]) -> Iterator[Document]:
        for doc in stream:
            if not force and known.get(graph_iri(doc.id)) == content_hash(doc, identity):
                report.unchanged.append(doc.id)
                if progress is not None:
                    progress(1)
                continue
            yield doc

    graphs: dict[str, list[ox.Quad]] = {}
    stale: list[str] = []
    also: list[ox.Quad] = []
    hashes: list[ox.Quad] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if graphs:
            if stale:
                touched.update(graph_keys(store, stale))
                touched_buckets.update(graph_buckets(store, stale))
            _write_batch(store, graphs, stale, also, hashes, bulk)
            if progress is not None:
                progress(len(graphs))
        graphs.clear()
        stale.clear()
        also.clear()
        hashes.clear()
        size = 0

    todo = changed(as_documents(docs))
    results = (extract(todo) if extract is not None
               else extract_documents(todo, workers=workers, actors_file=actors_file,
                                   parse=parse))
    for doc, facts in results:
        graph = graph_iri(doc.id)
        quads = document_quads(doc, facts)
        # Written last: a graph that has its hash is whole.
        hashes.append(hash_quad(doc, identity))
        graphs[graph] = quads
        size += len(quads)
        if graph in present:
            stale.append(graph)
            report.replaced += 1
        new = {c for f in facts for c in (f.source.country, f.target.country,
                                          f.location.country if f.location else None) if c}
        new -= seen_countries
        if new:
            also.extend(country_quads(actors.countries[c] for c in sorted(new)
                                      if c in actors.countries))
            seen_countries |= new
        report.documents += 1
        report.ids.append(doc.id)
        report.facts += len(facts)
        report.by_kind.update(f.kind for f in facts)
        counter.add(facts)
        pages.add(quads)
        if len(graphs) >= BATCH_DOCUMENTS or size >= BATCH_QUADS:
            flush()
    flush()
    if bulk and report.documents:
        write_summaries(store, counter.rows())
        write_pages(store, pages.counts)
    elif report.documents or not has_summaries(store):
        update_summaries(store, touched | counter.keys)
        update_pages(store, touched_buckets | pages.buckets)
    if sync:
        if report.skipped:
            raise InputError(f"not syncing: {len(report.skipped)} documents were skipped, "
                             "so their graphs cannot be told from deleted ones")
        kept = {graph_iri(i) for i in (*report.ids, *report.unchanged)}
        report.removed = remove_documents(
            store, [d for d in document_ids(store) if graph_iri(d) not in kept])
    if report.documents or (report.unchanged and not has_events(store)):
        # A store an older kg wrote has facts but no events: even a build that finds every
        # document unchanged groups them (refresh_events regroups all pairs then).
        refresh_events(store, report.ids)
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
    touched = graph_keys(store, map(graph_iri, wanted)) if wanted else set()
    buckets = graph_buckets(store, map(graph_iri, wanted)) if wanted else set()
    for doc_id in wanted:
        store.replace_graph(graph_iri(doc_id), [])
    update_summaries(store, touched)
    update_pages(store, buckets)
    refresh_events(store, wanted)
    return wanted
