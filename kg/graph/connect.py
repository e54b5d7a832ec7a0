"""`kg.connect()`: a store with the few calls a notebook needs, each a line over the library.

`Graph` adds no behaviour of its own: `build` is `kg.pipeline.build`, `query` is
`kg.graph.query.run_query`, `facts` is `kg.views.analysis.load_facts`, `show` is
`kg.views.viz.show`. Anything else is one import away, on `graph.store`.
"""

from __future__ import annotations

import os
from typing import Any

from ..pipeline import BuildReport, build, remove_documents
from .query import QueryResult, run_query, run_saved
from .store import OxigraphStore, open_store


class Graph:
    """A knowledge graph held in a store, in memory or on disk.

    Example:

        import kg
        graph = kg.connect()                     # in memory; kg.connect(".kg/store") on disk
        graph.build("Japan and the UK signed a trade agreement on 3 May 2025.")
        graph.query("SELECT ?a ?b WHERE { ?a kg:agreedWith ?b }").to_dataframe()
    """

    def __init__(self, store: OxigraphStore):
        self.store = store

    @property
    def path(self) -> str | None:
        """Where the store lives on disk; None in memory."""
        return None if self.store.path is None else str(self.store.path)

    def __repr__(self) -> str:
        return f"<kg.Graph {self.path or '(memory)'}: {len(self.store)} quads>"

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.store.close()

    def build(self, inputs: Any, *, workers: int | None = 1, actors: str | None = None,
              sync: bool = False, parse: bool = True) -> BuildReport:
        """Extract facts and write one graph per document; re-building replaces it.

        `inputs`: a `str` (the text of one article, never a file name), a `pathlib.Path`
        (file or folder), a dict with `text` and optional `id`, `date`, `title`, `source`,
        `url`, `language`, a `kg.Document`, or a list of these. Texts without an id get one
        from their hash. Two documents with one id are refused. With `sync`, documents
        not in `inputs` are removed from the store. `parse=False` reads sides by word order
        alone: faster, a little less recall.
        """
        return build(inputs, self.store, workers=workers, actors_file=actors, sync=sync,
                     parse=parse)

    def remove(self, *ids: str) -> list[str]:
        """Remove documents by id (all must be present, or none is removed)."""
        return remove_documents(self.store, ids)

    def query(self, sparql: str, **params: str) -> QueryResult:
        """Read-only SPARQL; each keyword binds the variable of its name as a term."""
        return run_query(self.store, sparql, params=params)

    def saved(self, name: str, **params: str) -> QueryResult:
        """A saved query by name (`kg query --saved` lists them), e.g. `saved("partners",
        country="JPN")`."""
        return run_saved(self.store, name, params)

    def facts(self, **filters: Any) -> list[Any]:
        """Every fact as a row: `country=`, `pair=(a, b)`, `kinds=`, `since=`, `until=`."""
        from ..views.analysis import load_facts

        return load_facts(self.store, **filters)

    def events(self, **filters: Any) -> list[Any]:
        """Every event (the facts of many documents that report one happening) with its
        reports: `pair=(a, b)`, `kind=`, `since=`, `until=` (see `kg events`)."""
        from ..events.records import load_events

        return load_events(self.store, **filters)

    def timeline(self, a: str, b: str) -> list[Any]:
        """Two countries' events by month, with the cooperation–conflict balance and the
        partnership labels in force (see `kg timeline`)."""
        from ..events.timeline import pair_timeline

        return pair_timeline(self.store, a, b)

    def show(self, facts: Any = None, **options: Any) -> Any:
        """The interactive graph inline in a notebook (the page `kg viz` writes).

        `facts`: rows from `facts(...)` (default: all); options as for `kg.views.viz.show`
        (`level="actors"`, `title=`, `height=`).
        """
        from ..events.records import events_by_fact
        from ..views.viz import show

        rows = self.facts() if facts is None else list(facts)
        # The events of the pairs shown, not of the whole store.
        options.setdefault("events", events_by_fact(self.store, pairs={f.pair for f in rows}))
        return show(rows, **options)

    def to_rdflib(self) -> Any:
        """A copy of the store as an rdflib Dataset with kg's prefixes bound."""
        return self.store.to_rdflib()


def connect(path: str | os.PathLike[str] | None = None) -> Graph:
    """A graph in memory (`path=None`), or in the on-disk store at `path` (created if absent)."""
    return Graph(open_store(memory=True) if path is None else open_store(path))
