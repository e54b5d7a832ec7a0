"""A remote SPARQL endpoint behind the store interface (SPARQL 1.1 Protocol over HTTP).

Queries go to the query endpoint; parameters are sent as a VALUES block of terms serialised
by Oxigraph (escaped), never spliced in as raw text, first in the query's WHERE group, so
that its FILTERs and BINDs see them as Oxigraph's own substitutions do. Writes go through
the SPARQL 1.1 Graph Store HTTP Protocol: a document's graph is replaced whole by one PUT
of N-Triples (the server swaps it in one request, so a reader never sees half a document),
removed by one DELETE, and shared graphs (countries) grow by POST. Graph IRIs travel
URL-encoded in the `graph=` parameter. Failures are one-line `StoreError`s: a refused
connection, a time-out and a 5xx answer are tried again a bounded number of times, a 4xx
answer (a read-only server refusing a write) is not.
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

from ..errors import QueryError, StoreError
from .store import QUAD_FORMATS, RDF_FORMATS, dump_prefixes

RESULTS_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


class RemoteStore:
    """A SPARQL endpoint: `RemoteStore("http://127.0.0.1:7878/query")`."""

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 store_endpoint: str | None = None,
                 timeout: float = 30.0, retries: int = 3, backoff: float = 0.3):
        for url in (endpoint, update_endpoint, store_endpoint):
            if url is not None and not url.startswith(("http://", "https://")):
                raise StoreError(f"endpoint {url!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or _sibling(endpoint, "update")
        # Oxigraph's layout (/query, /update, /store); Fuseki's is /ds/query, /ds/data.
        self.store_endpoint = store_endpoint or _sibling(endpoint, "store")
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
        return self._send("POST", url, body.encode("utf-8"), content_type, accept)

    def _send(self, method: str, url: str, body: bytes | None, content_type: str | None,
              accept: str, *, missing_ok: bool = False) -> bytes:
        headers = {"Accept": accept, "User-Agent": "kg (SPARQL client)"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        last = ""
        for attempt in range(self.retries):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()  # type: ignore[no-any-return]
            except urllib.error.HTTPError as exc:
                if missing_ok and exc.code == 404:
                    return b""
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
            text = with_values(text, f"VALUES ({names}) {{ ({values}) }}")
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

    # -- writes: SPARQL 1.1 Graph Store HTTP Protocol ----------------------------------
    def _graph_url(self, graph: str) -> str:
        separator = "&" if "?" in self.store_endpoint else "?"
        return self.store_endpoint + separator + urllib.parse.urlencode({"graph": graph})

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Replace `graph` whole in one request (PUT); no quads: delete it."""
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
        if not triples:
            self._send("DELETE", self._graph_url(graph), None, None, "*/*", missing_ok=True)
            return
        self._send("PUT", self._graph_url(graph), _n_triples(triples), N_TRIPLES, "*/*")

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their graphs (POST merges: adding a triple twice keeps one)."""
        groups: dict[str, list[ox.Triple]] = {}
        for q in quads:
            groups.setdefault(q.graph_name.value, []).append(
                ox.Triple(q.subject, q.predicate, q.object))
        for graph, triples in groups.items():
            self._send("POST", self._graph_url(graph), _n_triples(triples), N_TRIPLES, "*/*")

    def remove_document(self, doc_id: str) -> None:
        from .vocab import graph_iri

        self.replace_graph(graph_iri(doc_id), [])

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


def _n_triples(triples: list[ox.Triple]) -> bytes:
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


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


# What the scan for the WHERE group steps over: IRIs, strings (long ones first), comments.
_SKIP = re.compile("|".join((
    r'<[^<>"{}|^`\\\x00-\x20]*>',  # an IRI (a "<" that is no IRI is an operator)
    r'"{3}(?:[^\\]|\\.)*?"{3}', r"'{3}(?:[^\\]|\\.)*?'{3}",  # long strings
    r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'",  # strings
    r"#[^\n]*",  # a comment
)), re.S)


def with_values(sparql: str, block: str) -> str:
    """The query with `block` (a VALUES clause) first inside its WHERE group.

    A trailing VALUES clause is joined after the WHERE group is evaluated, so FILTERs and
    BINDs there would see its variables unbound. The WHERE group is the first `{` outside
    IRIs, strings, comments and parentheses (select expressions may hold EXISTS { }),
    past a CONSTRUCT template. A query without one (DESCRIBE <iri>, CONSTRUCT WHERE, whose
    group holds triples only) gets it at the end.
    """
    head = sparql[_PROLOGUE.match(sparql).end():]  # type: ignore[union-attr]
    template = head[:9].upper() == "CONSTRUCT"
    parens = braces = 0
    i = 0
    while i < len(sparql):
        skipped = _SKIP.match(sparql, i)
        if skipped:
            i = skipped.end()
            continue
        ch = sparql[i]
        if ch == "(":
            parens += 1
        elif ch == ")":
            parens -= 1
        elif ch == "{" and parens == 0:
            if braces == 0 and not template:
                return sparql[:i + 1] + " " + block + " " + sparql[i + 1:]
            braces += 1
        elif ch == "}" and parens == 0:
            braces -= 1
            if braces == 0:
                template = False
        elif template and braces == 0 and sparql[i:i + 5].upper() == "WHERE" and \
                sparql[i + 5:i + 6] in ("", " ", "\n", "\t", "\r", "{"):
            break  # CONSTRUCT WHERE { … } holds triples only: the block goes after it
        i += 1
    return sparql + "\n" + block
