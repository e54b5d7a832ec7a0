"""Extraction on a Dask cluster, for corpora too large for one machine.

`extract_bag` turns a `dask.bag` of documents (or of anything `kg.extract.documents.as_documents`
reads: `Path`s, dicts with `text`, texts) into a bag of `Fact` records; each partition is
extracted by one worker with one `Extractor`, built once per worker process and reused.
`extract_on_cluster` is what `kg extract/build --scheduler ADDRESS` use: documents read here
go to the cluster in batches, and (document, facts) come back in input order as batches
finish, so a build writes while the cluster extracts and memory holds a bounded window of
batches, not the corpus.

Workers run the same `kg` (and actors file, given by a path every worker can read). Dask is
an optional extra: `pip install 'kg[dask]'`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from .errors import ClusterError
from .records import Document, Fact

PARSE_BATCH = 32  # documents whose sentences a worker parses in one stream

# One extractor per worker process and actors file: building one loads tables and matchers.
_EXTRACTORS: dict[tuple[str | None, bool], Any] = {}


def _extractor(actors_file: str | None, parse: bool = True) -> Any:
    if (actors_file, parse) not in _EXTRACTORS:
        from .extract.actors import load_actors
        from .extract.extractor import Extractor

        _EXTRACTORS[actors_file, parse] = Extractor(load_actors(actors_file), parse=parse)
    return _EXTRACTORS[actors_file, parse]


def extract_batch(items: Iterable[Any], actors_file: str | None = None, parse: bool = True
                  ) -> list[tuple[Document, list[Fact]]]:
    """(document, facts) for each item of one partition or batch, on whichever worker runs it.

    `parse=False` reads sides by word order alone (`kg.extract.extractor.Extractor`)."""
    from .extract.documents import as_documents

    extractor = _extractor(actors_file, parse)
    docs = list(as_documents(list(items)))
    # The candidate sentences of `PARSE_BATCH` documents are parsed together
    # (`Extractor.extract_many`): a partition may be large, a batch stays small.
    found: list[tuple[Document, list[Fact]]] = []
    for low in range(0, len(docs), PARSE_BATCH):
        chunk = docs[low:low + PARSE_BATCH]
        found += zip(chunk, extractor.extract_many(chunk), strict=True)
    return found


def _facts_of(items: Iterable[Any], actors_file: str | None, parse: bool) -> list[Fact]:
    return [fact for _, facts in extract_batch(items, actors_file, parse) for fact in facts]


def _bag(docs: Any, npartitions: int | None) -> Any:
    import dask.bag as db

    if isinstance(docs, db.Bag):
        return docs
    items = list(docs)
    return db.from_sequence(items, npartitions=npartitions or min(len(items), 100) or 1)


def extract_bag(docs: Any, actors_file: str | None = None, *,
                npartitions: int | None = None, parse: bool = True) -> Any:
    """A `dask.bag` of the `Fact` records found in `docs` (a bag, or a list to make one).

    Lazy, as every bag: `.compute()` runs it on the current Dask scheduler (a
    `distributed.Client` if one is open), `.map(Fact.to_dict)` gives JSON-ready dicts.
    Document ids are checked for clashes within a partition only: give unique ids (or
    paths) across the corpus.

    Example:

        import dask.bag as db, kg
        from pathlib import Path
        facts = kg.extract_bag(db.from_sequence(sorted(Path("news").glob("*.txt")),
                                                npartitions=64)).compute()
    """
    return _bag(_imported(docs), npartitions).map_partitions(_facts_of, actors_file, parse)


def document_facts_bag(docs: Any, actors_file: str | None = None, *,
                       npartitions: int | None = None, parse: bool = True) -> Any:
    """Like `extract_bag`, but a bag of (document, facts): what writing a graph needs."""
    return _bag(_imported(docs), npartitions).map_partitions(extract_batch, actors_file, parse)


def _imported(docs: Any) -> Any:
    try:
        import dask.bag  # noqa: F401
    except ImportError:
        raise ClusterError(_NO_DASK) from None
    return docs


_NO_DASK = "running on a Dask cluster needs dask: pip install 'kg[dask]'"


def connect(address: str, *, timeout: float = 5.0) -> Any:
    """A `distributed.Client` of the scheduler at `address`, or a one-line `ClusterError`."""
    try:
        from distributed import Client
        from distributed.comm import get_address_host_port
    except ImportError:
        raise ClusterError(_NO_DASK) from None
    try:
        # Checked first: a Client that fails on a malformed address prints a traceback
        # from its finaliser at exit.
        get_address_host_port(address)
    except ValueError as exc:
        raise ClusterError(f"{address!r} is not a Dask scheduler address: {exc}") from None
    try:
        return Client(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {reason}") from None


def extract_on_cluster(docs: Iterable[Document], address: str, *,
                       actors_file: str | None = None, batch: int = PARSE_BATCH,
                       timeout: float = 5.0, parse: bool = True
                       ) -> Iterator[tuple[Document, list[Fact]]]:
    """(document, facts) for each document, in input order, extracted by the cluster at
    `address` in batches of `batch` documents; a few batches per worker are in flight."""
    client = connect(address, timeout=timeout)
    pending: deque[Any] = deque()
    try:
        window = 2 * max(1, len(client.scheduler_info().get("workers", {})))
        chunk: list[Document] = []
        for doc in docs:
            chunk.append(doc)
            if len(chunk) == batch:
                pending.append(client.submit(extract_batch, chunk, actors_file, parse,
                                             pure=False))
                chunk = []
                while len(pending) >= window:
                    yield from pending.popleft().result()
        if chunk:
            pending.append(client.submit(extract_batch, chunk, actors_file, parse, pure=False))
        while pending:
            yield from pending.popleft().result()
    finally:
        for future in pending:  # stopped early (an error, Ctrl-C): free the cluster
            future.cancel()
        client.close()
