"""The graph store: one small interface, an embedded Oxigraph backend (on disk or in memory).

`GraphStore` is what the rest of `kg` relies on, so that a remote SPARQL endpoint can be
added behind the same methods later.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, Protocol

import pyoxigraph as ox

from .errors import StoreError, StoreLockedError
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
    """Oxigraph embedded: `OxigraphStore()` in memory, `OxigraphStore(path)` on disk."""

    def __init__(self, path: str | os.PathLike[str] | None = None, *, create: bool = True):
        self.path = None if path is None else Path(path)
        try:
            if self.path is None:
                self._store = ox.Store()
            else:
                if not create and not self.path.exists():
                    raise StoreError(f"no store at {self.path} (run 'kg build' first)")
                self._store = ox.Store(str(self.path))
        except OSError as exc:
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

    def remove_document(self, doc_id: str) -> None:
        self._write(lambda: self._store.remove_graph(ox.NamedNode(graph_iri(doc_id))))

    def _write(self, action: Any) -> None:
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
        if self.path is not None:
            self._store.flush()

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is not None and self.path is not None:
            try:
                store.flush()
            except OSError:
                pass
        self._store = None  # type: ignore[assignment]


def dump_prefixes() -> dict[str, str]:
    from .vocab import PREFIXES

    return {k: v for k, v in PREFIXES.items() if k != "sh"}


def open_store(path: str | os.PathLike[str] | None = None, *, memory: bool = False,
               create: bool = True) -> OxigraphStore:
    """The store at `path` (default: $KG_STORE or .kg/store), or a new in-memory one."""
    if memory:
        return OxigraphStore()
    return OxigraphStore(path or default_store_path(), create=create)
