"""A remote SPARQL endpoint behind the store interface (SPARQL 1.1 Protocol over HTTP).

Queries go to the query endpoint, writes to the update endpoint; parameters are sent as a
VALUES block of terms serialised by Oxigraph (escaped), never spliced in as raw text.
Failures are one-line `StoreError`s: a refused connection, a time-out and a 5xx answer are
tried again a bounded number of times, a 4xx answer (a read-only server refusing a write)
is not.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import IO, Any

import pyoxigraph as ox

from .errors import QueryError, StoreError
from .store import QUAD_FORMATS, RDF_FORMATS, dump_prefixes

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


class RemoteStore:
    """A SPARQL endpoint: `RemoteStore("http://127.0.0.1:7878/query")`."""

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 timeout: float = 30.0, retries: int = 3, backoff: float = 0.3):
        if not endpoint.startswith(("http://", "https://")):
            raise StoreError(f"endpoint {endpoint!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or _sibling(endpoint, "update")
        self.timeout = timeout
        self.retries = max(1, retries)
        self.backoff = backoff
        self.path = endpoint

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        pass

    # -- HTTP --------------------------------------------------------------------------
    def _post(self, url: str, body: str, content_type: str, accept: str) -> bytes:
        request = urllib.request.Request(
            url, data=body.encode("utf-8"), method="POST",
            headers={"Content-Type": content_type, "Accept": accept,
                     "User-Agent": "kg (SPARQL client)"})
        last = ""
        for attempt in range(self.retries):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()  # type: ignore[no-any-return]
            except urllib.error.HTTPError as exc:
                detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
                last = f"HTTP {exc.code} {exc.reason}" + (f": {detail[0]}" if detail else "")
                if exc.code < 500:
                    raise StoreError(f"{url} refused the request: {last}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                last = "timed out" if isinstance(reason, TimeoutError) or "timed out" in str(
                    reason) else str(reason)
            if attempt + 1 < self.retries:
                time.sleep(self.backoff * (2 ** attempt))
        raise StoreError(f"cannot use SPARQL endpoint {url}: {last} "
                         f"(tried {self.retries} times)")

    # -- the store interface -----------------------------------------------------------
    def query(self, sparql: str, *, substitutions: dict[str, Any] | None = None,
              prefixes: dict[str, str] | None = None, union: bool = True) -> Any:
        text = sparql
        if prefixes:
            text = "".join(f"PREFIX {p}: <{i}>\n" for p, i in prefixes.items()) + text
        if substitutions:
            names = " ".join(f"?{name}" for name in substitutions)
            values = " ".join(str(term) for term in substitutions.values())
            text += f"\nVALUES ({names}) {{ ({values}) }}"
        form = _form(sparql)
        accept = N_TRIPLES if form == "graph" else RESULTS_JSON
        body = self._post(self.endpoint, text, "application/sparql-query", accept)
        try:
            if form == "graph":
                return [ox.Triple(q.subject, q.predicate, q.object)
                        for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(f"the endpoint's answer is not valid: {exc}") from None

    def _update(self, update: str) -> None:
        self._post(self.update_endpoint, update, "application/sparql-update", "*/*")

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
        self._update(f"DROP SILENT GRAPH <{graph}> ; "
                     f"INSERT DATA {{ GRAPH <{graph}> {{ {body} }} }}")

    def add(self, quads: Iterable[ox.Quad]) -> None:
        groups: dict[str, list[str]] = {}
        for q in quads:
            groups.setdefault(q.graph_name.value, []).append(
                f"{q.subject} {q.predicate} {q.object} .")
        if groups:
            self._update("INSERT DATA { " + " ".join(
                f"GRAPH <{g}> {{ {' '.join(t)} }}" for g, t in groups.items()) + " }")

    def __len__(self) -> int:
        rows = list(self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        return int(rows[0]["n"].value) if rows else 0

    def graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(r["g"].value for r in rows)

    def quads(self) -> list[ox.Quad]:
        rows = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]

    def dump(self, output: IO[bytes], fmt: str) -> None:
        quads = self.quads()
        if fmt in QUAD_FORMATS:
            ox.serialize(sorted(quads, key=str), output, RDF_FORMATS[fmt])
        else:
            triples = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in quads},
                             key=str)
            ox.serialize(triples, output, RDF_FORMATS[fmt], prefixes=dump_prefixes())


def _sibling(endpoint: str, name: str) -> str:
    """Oxigraph serves /query and /update side by side."""
    parts = urllib.parse.urlsplit(endpoint)
    path = parts.path.rsplit("/", 1)[0] + "/" + name
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


_PROLOGUE = re.compile(r"(?is)\A(?:\s+|#[^\n]*\n|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*")


def _form(sparql: str) -> str:
    """select, ask or graph, from the query's first keyword after its prologue."""
    keyword = sparql[_PROLOGUE.match(sparql).end():][:9].upper()  # type: ignore[union-attr]
    if keyword.startswith("ASK"):
        return "ask"
    if keyword.startswith(("CONSTRUCT", "DESCRIBE")):
        return "graph"
    return "select"
