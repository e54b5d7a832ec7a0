"""The graph store: one small interface, an embedded Oxigraph backend (on disk or in memory).

`GraphStore` is what the rest of `kg` relies on, so that a remote SPARQL endpoint can be
added behind the same methods later.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox

from ..errors import StoreError, StoreLockedError
from .vocab import graph_iri

DEFAULT_STORE = ".kg/store"

RDF_FORMATS = {
    "ttl": ox.RdfFormat.TURTLE, "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES, "ntriples": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS, "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD, "json-ld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML, "xml": ox.RdfFormat.RDF_XML,
}
QUAD_FORMATS = {"nq", "nquads", "trig", "jsonld", "json-ld"}


class GraphStore(Protocol):
    """What `kg` needs of a store. Every backend passes tests/test_store.py."""

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace a named graph with `quads`.

        Removal and insertion are each one transaction, so after a crash a document is
        either wholly present (old or new) or wholly absent, never half written.
        """
        items = list(quads)
        name = ox.NamedNode(graph)

        def replace() -> None:
            self._store.remove_graph(name)
            self._store.extend(items)

        self._write(replace)

    def add(self, quads: Iterable[ox.Quad]) -> None: ...
    def query(self, sparql: str, *, substitutions: dict[str, ox.Literal | ox.NamedNode]
              | None = None, prefixes: dict[str, str] | None = None,
              union: bool = True) -> Any: ...
    def __len__(self) -> int: ...
    def graphs(self) -> list[str]: ...
    def dump(self, output: IO[bytes], fmt: str) -> None: ...
    def close(self) -> None: ...


def default_store_path() -> str:
    return os.environ.get("KG_STORE") or DEFAULT_STORE


class OxigraphStore:
    """Oxigraph embedded: `OxigraphStore()` in memory, `OxigraphStore(path)` on disk.

    On disk, a store is opened for writing (the default) or for reading (`read_only=True`).
    A writer creates the store and its parent folders if missing (unless `create=False`)
    and holds a lock: a second writer fails at once with `StoreLockedError`. A reader takes
    no lock, so any number of readers run beside each other and beside one writer; each
    sees the store as it was when it opened (a consistent snapshot; reopen to see later
    writes). A reader never creates or changes a file, so read-only file systems work, and
    a path that holds no store is refused ("no store at PATH", "PATH is not a kg store").
    """

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True,
                 read_only: bool = False):
        self.path = None if path is None else Path(path)
        self.read_only = read_only and self.path is not None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif self.read_only:
                _check_is_store(self.path)
                self._store = _open_read_only(self.path)
            else:
                if create:
                    _prepare_for_writing(self.path)
                else:
                    _check_is_store(self.path)
                self._store = ox.Store(str(self.path))
        except (OSError, RuntimeError) as exc:  # RuntimeError: a damaged store ("Corruption")
            message = str(exc)
            if "lock" in message.lower():
                raise StoreLockedError(
                    f"store is in use by another process: {self.path}") from None
            raise StoreError(f"cannot open store {self.path}: {message}") from None

    def __enter__(self) -> OxigraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def backend(self) -> ox.Store:
        """The pyoxigraph Store itself, for users who want its full API."""
        return self._store

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace a named graph with `quads` in one transaction: never half a document."""
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        update = f"DROP SILENT GRAPH <{graph}> ; INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}"
        self._write(lambda: self._store.update(update))

    def add(self, quads: Iterable[ox.Quad]) -> None:
        items = list(quads)
        self._write(lambda: self._store.extend(items))

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]], *, stale: Iterable[str] = (),
                       also: Iterable[ox.Quad] = (), last: Iterable[ox.Quad] = (),
                       bulk: bool = False) -> None:
        """Write many named graphs at once: `graphs` maps each to its quads, `stale` names
        those of them the store may already hold, `also` adds quads to shared graphs.

        The stale graphs are dropped in one transaction, then everything is inserted in
        another, so after a crash each graph is wholly old, wholly new or wholly absent
        (never half written), and `also` lands with the graphs that need it. One
        transaction per batch rather than a SPARQL update per graph: the text of an update
        is built, parsed and checked quad by quad, which took most of a build's time.

        `last` is written after the rest, in a transaction of its own, so that its presence
        says the rest is whole. With `bulk` (for graphs the store does not hold), the rest
        goes through Oxigraph's bulk loader, which is not transactional but about four
        times cheaper: after a crash a graph may then be left without its `last` quads, and
        whoever wrote them must treat it as incomplete.
        """
        drops = " ; ".join(f"DROP SILENT GRAPH <{ox.NamedNode(g).value}>" for g in stale)
        items = [q for quads in graphs.values() for q in quads]
        items += also
        marks = list(last)

        def write() -> None:
            if drops:
                self._store.update(drops)
            if bulk and not drops:
                self._store.bulk_extend(items)
                if marks:
                    self._store.extend(marks)
            else:
                self._store.extend(items + marks)

        self._write(write)

    def remove_document(self, doc_id: str) -> None:
        self._write(lambda: self._store.remove_graph(ox.NamedNode(graph_iri(doc_id))))

    def _write(self, action: Any) -> None:
        if self.read_only:
            raise StoreError(f"store {self.path} is open read-only: open it for writing")
        try:
            action()
        except OSError as exc:
            raise StoreError(f"cannot write to store {self.path or '(memory)'}: {exc}") from None

    def query(self, sparql: str, *, substitutions: dict[str, ox.Literal | ox.NamedNode]
              | None = None, prefixes: dict[str, str] | None = None,
              union: bool = True) -> Any:
        """Run SPARQL; with `union` the default graph is the union of all graphs."""
        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        return self._store.query(sparql, use_default_graph_as_union=union,
                                 substitutions=subs or None, prefixes=prefixes)

    def __len__(self) -> int:
        return len(self._store)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self) -> Iterable[ox.Quad]:
        return self._store.quads_for_pattern(None, None, None, None)

    def dump(self, output: IO[bytes], fmt: str) -> None:
        """Write the store as `fmt`; triple formats get the union of all graphs."""
        rdf_format = RDF_FORMATS[fmt]
        if rdf_format == ox.RdfFormat.JSON_LD:
            self._dump_jsonld(output)
        elif fmt in QUAD_FORMATS:
            self._store.dump(output, rdf_format)
        else:
            # Triple formats cannot carry graph names: write the union, deduplicated and sorted.
            triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in self.quads()},
                             key=str)
            ox.serialize(triples, output, rdf_format, prefixes=dump_prefixes())

    def _dump_jsonld(self, output: IO[bytes]) -> None:
        """JSON-LD with an `@context` of kg's prefixes around Oxigraph's expanded graphs.

        Every IRI stays absolute, so the context changes no meaning; it names the prefixes
        for readers, and a JSON-LD document without one is refused by some tools.
        """
        import json

        expanded = self._store.dump(format=ox.RdfFormat.JSON_LD) or b"[]"
        context = json.dumps(dump_prefixes(), ensure_ascii=False, sort_keys=True)
        output.write(b'{"@context":' + context.encode("utf-8") + b',"@graph":' + expanded
                     + b"}\n")

    def to_rdflib(self):  # type: ignore[no-untyped-def]
        """The store's graphs as an rdflib Dataset (a copy), for rdflib users.

        kg's prefixes are bound, so `kg:`, `country:`… work in its SPARQL queries and
        serialisations, and its default graph is the union of all graphs, as in `kg query`.
        """
        import io

        import rdflib

        buffer = io.BytesIO()
        self._store.dump(buffer, ox.RdfFormat.N_QUADS)
        dataset = rdflib.Dataset(default_union=True)
        dataset.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
        for prefix, iri in dump_prefixes().items():
            dataset.bind(prefix, iri, override=True, replace=True)
        return dataset

    def flush(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is not None and self.path is not None and not self.read_only:
            try:
                store.flush()
            except OSError:
                pass
        self._store = None  # type: ignore[assignment]


def dump_prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return {k: v for k, v in PREFIXES.items() if k != "sh"}


def open_store(path: str | os.PathLike[str] | None = None, *, memory: bool = False,
               create: bool = True, read_only: bool = False) -> OxigraphStore:
    """The store at `path` (default: $KG_STORE or .kg/store), or a new in-memory one.

    By default the store is opened for writing, created with its parent folders if missing
    (`create=False`: fail instead), and locked against other writers (`kg build`, `kg
    import`). `read_only=True` opens it for reading: no lock, nothing created or changed,
    a snapshot as of opening. Readers never wait: `kg query`, `stats`, `viz`, `export` and
    `validate` work while a notebook or a build holds the store for writing. A notebook
    that only reads should open with `read_only=True`, so that `kg build` can still write.
    """
    if memory:
        return OxigraphStore()
    return OxigraphStore(path or default_store_path(), create=create, read_only=read_only)


# RocksDB keeps the name of its current manifest in this file: a folder without it holds
# no store.
_MARKER = "CURRENT"


def _check_is_store(path: Path) -> None:
    if not path.exists():
        raise StoreError(f"no store at {path} (run 'kg build' first)")
    if not (path / _MARKER).is_file():
        raise StoreError(f"{path} is not a kg store (no Oxigraph database in it)")


def _prepare_for_writing(path: Path) -> None:
    """Create the store's folder and its parents; refuse a folder that holds other things."""
    if path.is_dir():
        if not (path / _MARKER).exists() and any(path.iterdir()):
            raise StoreError(f"{path} is not a kg store: it is a folder with other files in "
                             "it (name a new or empty folder)")
        return
    if path.exists():
        raise StoreError(f"{path} is not a kg store: it is a file")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
        reason = f"{blocker} is not a folder" if blocker else exc.strerror or str(exc)
        raise StoreError(f"cannot create store {path}: {reason}") from None


def _open_read_only(path: Path) -> ox.Store:
    # Oxigraph calls reading beside a writer undefined: the writer may compact the store
    # while a reader opens it, deleting a table file the manifest just read names (seen
    # as an IO error or "Corruption"). Every table is opened while opening, so once open,
    # the snapshot is safe; opening again reads the new manifest.
    tries = 10
    while True:
        try:
            return ox.Store.read_only(str(path))
        except (OSError, RuntimeError) as exc:
            tries -= 1
            if not tries or "No such file" not in str(exc):
                raise OSError(str(exc)) from None
            time.sleep(0.02)
