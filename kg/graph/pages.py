"""Ordered buckets the build keeps exact, so that a page of a saved query costs the page.

Oxigraph computes and sorts every row of a query before the first comes out, so a page of a
large answer used to cost the whole answer. The build therefore links each fact (and each
document) to buckets that group it by a prefix of a saved query's sort key (`kg:bucket`, in
the document's own graph), and keeps each bucket's key and number of members in the named
graph `PAGES_GRAPH`. Every row of a bucket sorts before every row of the buckets after it,
so a page is read bucket by bucket in order (`kg.graph.query`'s walker), each group of
buckets sorted by the engine, until the page is full.

Families of buckets, one per sort order of the saved queries:

- `date`: (date, kind, source, target, document id prefix): the order of pair-timeline,
  country-facts, facts-since and invitations-visits (date as text, undated facts as
  "9999"); a fact with several dates is in one bucket per date.
- `confidence`: (confidence, document id prefix): confident-facts, most trusted first.
- `pair`: (the two countries in code order, document id prefix): pair-evidence (by
  document) and partnerships (by source and target: an undirected kind's are in code order).
- `document`: (publication date, document id prefix): documents, newest first.

The last component is the document id's first `DOC_PREFIX` characters: the ids that share
it are one bucket, and a prefix shorter than that is a whole id, so the buckets keep the
order of the ids (`"scale-1"` < `"scale-10"` < `"scale-11"`).

A build into an empty store counts the buckets from the links it writes (`PageCounter`); a
build into a store that has documents, and a removal, recount only the buckets of the
graphs they wrote or dropped (`update_pages`). A store whose documents an older kg wrote
(no links) gets no buckets, and its saved queries run whole (`has_pages`).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote, unquote

import pyoxigraph as ox

from .vocab import DATA, PREFIXES, RESERVED_GRAPHS, country_iri, fact_iri, kg

PAGES_GRAPH = f"{RESERVED_GRAPHS}pages"
BUCKET = f"{DATA}bucket/"
DOC_PREFIX = 8
UNDATED = "9999"
FAMILIES = ("date", "confidence", "pair", "document")

_XSD = PREFIXES["xsd"]
BUCKET_LINK = ox.NamedNode(kg("bucket"))


def bucket_iri(family: str, *parts: str) -> str:
    """The bucket of `family` with these key parts (each part quoted: the IRI reads back)."""
    return BUCKET + "/".join([family, *(quote(p, safe="") for p in parts)])


def bucket_parts(iri: str) -> tuple[str, tuple[str, ...]] | None:
    """(family, parts) of a bucket IRI; None for an IRI that is not one."""
    if not iri.startswith(BUCKET):
        return None
    family, *parts = iri[len(BUCKET):].split("/")
    arity = {"date": 5, "confidence": 2, "pair": 3, "document": 2}.get(family)
    if arity != len(parts):
        return None
    values = tuple(unquote(p) for p in parts)
    # A confidence is a decimal as kg writes it; an imported link could name anything.
    if family == "confidence" and not _DECIMAL.fullmatch(values[0]):
        return None
    return family, values


_DECIMAL = re.compile(r"[0-9]{1,3}(?:\.[0-9]{1,9})?")


def document_links(doc: Any, facts: Iterable[Any], graph: ox.NamedNode,
                   doc_node: ox.NamedNode) -> list[ox.Quad]:
    """The `kg:bucket` links of one document and its facts, as `kg.graph.rdf` writes them
    (one fact node per kind and pair, holding every date and confidence of its facts)."""
    from .rdf import date_literal

    prefix = doc.id[:DOC_PREFIX]
    nodes: dict[tuple[str, str, str], tuple[set[str], set[str]]] = {}
    for fact in facts:
        dates, confidences = nodes.setdefault(fact.key, (set(), set()))
        if fact.date and date_literal(fact.date) is not None:
            dates.add(fact.date)
        if fact.confidence is not None:
            confidences.add(f"{fact.confidence:.3f}")
    links = []
    for (kind, src, tgt), (dates, confidences) in nodes.items():
        node = ox.NamedNode(fact_iri(doc.id, kind, src, tgt))
        buckets = [bucket_iri("date", d, kind, src, tgt, prefix) for d in dates or [UNDATED]]
        buckets += [bucket_iri("confidence", c, prefix) for c in confidences]
        buckets.append(bucket_iri("pair", *sorted((src, tgt)), prefix))
        links += [ox.Quad(node, BUCKET_LINK, ox.NamedNode(b), graph) for b in sorted(buckets)]
    day = doc.date if doc.date and date_literal(doc.date) is not None else ""
    links.append(ox.Quad(doc_node, BUCKET_LINK,
                         ox.NamedNode(bucket_iri("document", day, prefix)), graph))
    return links


def sort_key(family: str, parts: tuple[str, ...]) -> tuple[Any, ...]:
    """Where a bucket comes in its family's order: the order of the rows of the saved
    queries that read that family (strings compare by code point, as SPARQL's do)."""
    if family == "confidence":
        return (-Decimal(parts[0]), parts[1])
    if family == "document":  # newest first, undated ("") last
        return (_Descending(parts[0]), parts[1])
    return parts


class _Descending:
    """A string that sorts in reverse."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __lt__(self, other: _Descending) -> bool:
        return self.text > other.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and self.text == other.text

    def __hash__(self) -> int:
        return hash(self.text)


def key_term(family: str, parts: tuple[str, ...]) -> ox.Literal:
    """The value a row must hold to belong to a bucket (`?bucket_key`): a fact with two
    dates or confidences is in two buckets, and each gives only its own rows."""
    if family == "confidence":
        return _decimal(parts[0])
    return ox.Literal(parts[0])


class PageCounter:
    """Bucket sizes counted from the links a build writes (as `count_pages` would read them
    back), and the buckets those links name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def add(self, quads: Iterable[ox.Quad]) -> None:
        links = {(q.subject.value, q.object.value) for q in quads if q.predicate == BUCKET_LINK}
        self.counts.update(bucket for _, bucket in links)

    @property
    def buckets(self) -> set[str]:
        return set(self.counts)


_PRESENT = f"ASK {{ GRAPH <{PAGES_GRAPH}> {{ <{PAGES_GRAPH}> a kg:PageIndex }} }}"
# A document an older kg wrote (or imported from its dump) has no links: its facts are in
# no bucket, so no bucket can be trusted to hold every row.
_UNLINKED = "ASK { GRAPH ?g { ?d a kg:Document FILTER NOT EXISTS { ?d kg:bucket ?b } } }"
_COUNT_ALL = """
SELECT ?b (COUNT(DISTINCT ?m) AS ?n) WHERE { GRAPH ?g { ?m kg:bucket ?b } } GROUP BY ?b"""
_COUNT = """
SELECT ?b (COUNT(DISTINCT ?m) AS ?n) WHERE {
  VALUES ?b { #buckets }
  GRAPH ?g { ?m kg:bucket ?b }
} GROUP BY ?b"""
_GRAPH_BUCKETS = "SELECT DISTINCT ?b WHERE { VALUES ?g { #graphs } GRAPH ?g { ?m kg:bucket ?b } }"
_READ = f"SELECT ?b ?n WHERE {{ GRAPH <{PAGES_GRAPH}> {{ ?b kg:memberCount ?n }} }}"


def has_pages(store: Any) -> bool:
    """Whether `store` holds the buckets (a store of an older kg, or imported, does not)."""
    try:
        return bool(store.query(_PRESENT, prefixes=PREFIXES))
    except Exception:  # noqa: BLE001 - an endpoint that cannot answer has none to offer
        return False


def graph_buckets(store: Any, graphs: Iterable[str]) -> set[str]:
    """The buckets the members of these named graphs are in (read before the graphs are
    replaced or removed, so that those buckets are recounted after)."""
    wanted = [str(ox.NamedNode(g)) for g in graphs]
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        query = _GRAPH_BUCKETS.replace("#graphs", " ".join(wanted[start:start + 500]))
        found.update(s["b"].value for s in store.query(query, prefixes=PREFIXES))
    return found


def count_pages(store: Any, buckets: Iterable[str] | None = None) -> dict[str, int]:
    """Members of each bucket (of `buckets`, else of all), counted from the links."""
    if buckets is None:
        return {s["b"].value: int(s["n"].value)
                for s in store.query(_COUNT_ALL, prefixes=PREFIXES)}
    wanted = sorted(buckets)
    counts: dict[str, int] = {}
    for start in range(0, len(wanted), 1000):
        values = " ".join(str(ox.NamedNode(b)) for b in wanted[start:start + 1000])
        for s in store.query(_COUNT.replace("#buckets", values), prefixes=PREFIXES):
            counts[s["b"].value] = int(s["n"].value)
    return counts


def read_pages(store: Any) -> dict[str, int] | None:
    """Each bucket's member count as the pages graph holds it; None without one."""
    if not has_pages(store):
        return None
    return {s["b"].value: int(s["n"].value) for s in store.query(_READ, prefixes=PREFIXES)}


def update_pages(store: Any, touched: set[str]) -> bool:
    """Recount the buckets `touched` from the links and keep the others: what a build or
    removal that wrote or dropped only those buckets' members leaves exact. A store without
    buckets gets them whole (`refresh_pages`). Returns whether the store has buckets."""
    current = read_pages(store)
    if current is None:
        return refresh_pages(store)
    if not touched:
        return True
    counts = dict(current)
    for bucket in touched:
        counts.pop(bucket, None)
    counts.update(count_pages(store, touched))
    write_pages(store, counts)
    return True


def refresh_pages(store: Any) -> bool:
    """Recount every bucket from the links; if some document has none (an older kg wrote
    it), drop the buckets instead, so that saved queries run whole. Returns whether the
    store has buckets after."""
    if store.query(_UNLINKED, prefixes=PREFIXES):
        store.replace_graph(PAGES_GRAPH, [])
        return False
    write_pages(store, count_pages(store))
    return True


def write_pages(store: Any, counts: dict[str, int]) -> None:
    """Replace the pages graph with these buckets (empty ones left out)."""
    store.replace_graph(PAGES_GRAPH, pages_quads(counts))


def _decimal(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(_XSD + "decimal"))


def pages_quads(counts: dict[str, int]) -> Iterator[ox.Quad]:
    graph = ox.NamedNode(PAGES_GRAPH)
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    yield ox.Quad(graph, rdf_type, ox.NamedNode(kg("PageIndex")), graph)

    def prop(term: str) -> ox.NamedNode:
        return ox.NamedNode(kg(term))

    for iri in sorted(counts):
        parts = bucket_parts(iri)
        if parts is None or counts[iri] <= 0:
            continue
        family, key = parts
        node = ox.NamedNode(iri)
        yield ox.Quad(node, prop("bucketFamily"), ox.Literal(family), graph)
        yield ox.Quad(node, prop("memberCount"), ox.Literal(
            str(counts[iri]), datatype=ox.NamedNode(_XSD + "integer")), graph)
        if family == "confidence":
            yield ox.Quad(node, prop("bucketKey"), _decimal(key[0]), graph)
            continue
        if family in ("date", "document"):
            yield ox.Quad(node, prop("bucketKey"), ox.Literal(key[0]), graph)
        if family == "date":
            yield ox.Quad(node, prop("bucketKind"), ox.Literal(key[1]), graph)
        if family in ("date", "pair"):
            src, tgt = key[-3], key[-2]
            yield ox.Quad(node, prop("bucketSource"), ox.NamedNode(country_iri(src)), graph)
            yield ox.Quad(node, prop("bucketTarget"), ox.NamedNode(country_iri(tgt)), graph)
            for code in dict.fromkeys((src, tgt)):
                yield ox.Quad(node, prop("bucketInvolves"), ox.NamedNode(country_iri(code)),
                              graph)
