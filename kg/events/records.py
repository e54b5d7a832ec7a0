"""Events as the store holds them, read back: the records `kg events` prints.

`load_events` reads the events graphs (`kgd:graph/kg/events/…`) with three queries: the
events, their reports with each copy's document and sentence, and their disagreements.
Filters are applied to plain values here, never pasted into the query text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..errors import InputError
from ..graph.vocab import DATA, EVENTS_GRAPHS, PREFIXES, events_graph_iri
from ..records import KINDS

_COUNTRY_NS = PREFIXES["kgd"] + "country/"
_EVENT_NS = DATA + "event/"
_ISO3 = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")

_EVENTS = """
SELECT ?e ?kind ?s ?t ?date ?place ?label ?status ?reports ?docs ?sources ?prefix ?g WHERE {
  GRAPH ?g {
    ?e a kg:Event ; kg:eventKind ?kind ; kg:eventSource ?s ; kg:eventTarget ?t ;
       kg:eventStatus ?status ; kg:reportCount ?reports ; kg:documentCount ?docs ;
       kg:sourceCount ?sources .
    OPTIONAL { ?e kg:eventDate ?date }
    OPTIONAL { ?e kg:eventPlace ?place }
    OPTIONAL { ?e kg:eventLabel ?label }
  }
  FILTER(STRSTARTS(STR(?g), ?prefix))
}"""

_REPORTS = """
SELECT ?e ?r ?pub ?fact ?doc ?dpub ?ddate ?date ?evidence ?prefix ?g WHERE {
  GRAPH ?g {
    ?e kg:hasReport ?r . ?r kg:copy ?fact .
    OPTIONAL { ?r dcterms:publisher ?pub }
  }
  FILTER(STRSTARTS(STR(?g), ?prefix))
  GRAPH ?dg {
    ?fact prov:wasDerivedFrom ?d .
    ?d dcterms:identifier ?doc .
    OPTIONAL { ?d dcterms:publisher ?dpub }
    OPTIONAL { ?d dcterms:date ?ddate }
    OPTIONAL { ?fact kg:date ?date }
    OPTIONAL { ?fact kg:evidence ?ev . ?ev kg:sentence ?evidence }
  }
}"""

_CLAIMS = """
SELECT ?e ?field ?value ?r ?prefix ?g WHERE {
  GRAPH ?g {
    ?e kg:disagreement ?x . ?x kg:disagreementField ?field ; kg:claim ?c .
    ?c kg:claimedValue ?value ; kg:claimedBy ?r .
  }
  FILTER(STRSTARTS(STR(?g), ?prefix))
}"""


@dataclass(frozen=True)
class Copy:
    """One document carrying a report's text."""

    doc: str
    publisher: str | None
    date: str | None  # the document's date

    def to_dict(self) -> dict[str, Any]:
        return {"doc": self.doc, "publisher": self.publisher, "date": self.date}


@dataclass(frozen=True)
class ReportRecord:
    iri: str
    publisher: str | None
    date: str | None  # the date this report gives the event
    evidence: str
    copies: tuple[Copy, ...]  # the original first

    def to_dict(self) -> dict[str, Any]:
        return {"publisher": self.publisher, "date": self.date, "evidence": self.evidence,
                "documents": [c.to_dict() for c in self.copies]}


@dataclass(frozen=True)
class Claim:
    value: str
    reports: tuple[str, ...]  # report IRIs

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "reports": list(self.reports)}


@dataclass(frozen=True)
class EventRecord:
    iri: str
    kind: str
    source: str
    target: str
    date: str | None
    place: str | None
    label: str | None
    status: str
    report_count: int
    document_count: int
    source_count: int
    reports: tuple[ReportRecord, ...] = ()
    disagreements: tuple[tuple[str, tuple[Claim, ...]], ...] = ()

    @property
    def id(self) -> str:
        return self.iri.removeprefix(_EVENT_NS)

    def documents_of(self, claim: Claim) -> list[str]:
        """The documents whose reports give a claim's value."""
        return sorted(c.doc for r in self.reports if r.iri in claim.reports for c in r.copies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.iri, "kind": self.kind, "source": self.source, "target": self.target,
            "date": self.date, "place": self.place, "label": self.label, "status": self.status,
            "reports": self.report_count, "documents": self.document_count,
            "sources": self.source_count,
            "disagreements": {f: [{"value": c.value, "documents": self.documents_of(c)}
                                  for c in claims] for f, claims in self.disagreements},
            "report_list": [r.to_dict() for r in self.reports],
        }


def _v(term: Any) -> str | None:
    return None if term is None else term.value


def _code(term: Any) -> str:
    return term.value.removeprefix(_COUNTRY_NS)


def check_filters(pair: tuple[str, str] | None, kind: str | None, since: str | None,
                  until: str | None, *, pairs: Iterable[tuple[str, str]] = ()) -> None:
    for one in [*([pair] if pair is not None else []), *pairs]:
        if len(one) != 2 or not all(isinstance(c, str) and _ISO3.fullmatch(c) for c in one):
            raise InputError(f"not a pair of ISO 3166-1 alpha-3 codes: {'-'.join(one)!r}")
    if kind is not None and kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}; choose from {', '.join(KINDS)}")
    for name, value in (("since", since), ("until", until)):
        if value is not None and not _DATE.fullmatch(value):
            raise InputError(f"--{name} must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")


def _in_range(date: str | None, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if not date:
        return False
    # Compared at the coarser precision: 2026-01 is within --since 2026-01-15.
    if since is not None and date < since[:len(date)]:
        return False
    return not (until is not None and date[:len(until)] > until)


def _graphs(pair: tuple[str, str] | None,
            pairs: Iterable[tuple[str, str]] | None) -> list[str] | None:
    """The events graphs to read (None: all of them)."""
    if pair is not None:
        return [events_graph_iri(*pair)]
    if pairs is None:
        return None
    wanted = sorted({tuple(sorted(p)) for p in pairs})
    check_filters(None, None, None, None, pairs=wanted)
    return [events_graph_iri(a, b) for a, b in wanted]


def _solutions(store: Any, query: str, graphs: list[str] | None) -> Iterator[Any]:
    """`query`'s solutions over every events graph, or over `graphs` only: each one given
    as a term, so the store reads that graph and no other (a prefix filter alone would
    look at all of them)."""
    if graphs is None:
        yield from store.query(query, prefixes=PREFIXES,
                               substitutions={"prefix": ox.Literal(EVENTS_GRAPHS)})
        return
    for graph in graphs:
        yield from store.query(query, prefixes=PREFIXES, substitutions={
            "g": ox.NamedNode(graph), "prefix": ox.Literal(graph)})


def load_events(store: Any, *, pair: tuple[str, str] | None = None, kind: str | None = None,
                since: str | None = None, until: str | None = None, details: bool = True,
                pairs: Iterable[tuple[str, str]] | None = None) -> list[EventRecord]:
    """The events in the store, by date, with the fields their reports disagree on;
    `details` adds the reports themselves (their documents and sentences). `pair`, or
    `pairs`, reads only those pairs' events graphs."""
    check_filters(pair, kind, since, until)
    graphs = _graphs(pair, pairs)
    heads = []
    for row in _solutions(store, _EVENTS, graphs):
        if kind is not None and row["kind"].value != kind:
            continue
        date = _v(row["date"])
        if not _in_range(date, since, until):
            continue
        heads.append(row)
    wanted = {row["e"].value for row in heads}
    reports: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    claims: dict[str, dict[str, dict[str, list[str]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list)))
    if details and wanted:
        for row in _solutions(store, _REPORTS, graphs):
            if row["e"].value in wanted:
                reports[row["e"].value][row["r"].value].append(row)
    if wanted:
        for row in _solutions(store, _CLAIMS, graphs):
            if row["e"].value in wanted:
                claims[row["e"].value][row["field"].value][row["value"].value].append(
                    row["r"].value)
    events = []
    for row in heads:
        iri = row["e"].value
        report_records = []
        for r_iri, rows in reports[iri].items():
            copies = {(r["doc"].value, _v(r["dpub"]), _v(r["ddate"])) for r in rows}
            ordered = sorted(copies, key=lambda c: (c[2] or "", c[0]))
            first = min(rows, key=lambda r: (_v(r["ddate"]) or "", r["doc"].value))
            report_records.append(ReportRecord(
                r_iri, _v(first["pub"]) or _v(first["dpub"]), _v(first["date"]),
                _v(first["evidence"]) or "", tuple(Copy(*c) for c in ordered)))
        report_records.sort(key=lambda r: (r.copies[0].date or "", r.copies[0].doc))
        disagreements = tuple(
            (f, tuple(Claim(v, tuple(sorted(set(rs)))) for v, rs in sorted(values.items())))
            for f, values in sorted(claims[iri].items()))
        events.append(EventRecord(
            iri, row["kind"].value, _code(row["s"]), _code(row["t"]), _v(row["date"]),
            _v(row["place"]), _v(row["label"]),
            row["status"].value.rsplit("#", 1)[-1].lower(), int(row["reports"].value),
            int(row["docs"].value), int(row["sources"].value), tuple(report_records),
            disagreements))
    return sorted(events, key=lambda e: (e.date or "", e.kind, e.source, e.target, e.iri))


_COUNTS = """
SELECT ?kind ?prefix (COUNT(?e) AS ?n) (SUM(?rc) AS ?reports) WHERE {
  GRAPH ?g { ?e a kg:Event ; kg:eventKind ?kind ; kg:reportCount ?rc }
  FILTER(STRSTARTS(STR(?g), ?prefix))
} GROUP BY ?kind ?prefix"""


@dataclass(frozen=True)
class EventCounts:
    events: int
    reports: int  # distinct texts: syndicated copies count once
    by_kind: tuple[tuple[str, int], ...]  # events of each kind, the most first

    def to_dict(self) -> dict[str, Any]:
        return {"events": self.events, "reports": self.reports,
                "events_by_kind": dict(self.by_kind)}


_ANY_EVENTS = """
ASK { GRAPH ?g { ?e a kg:Event } FILTER(STRSTARTS(STR(?g), ?prefix)) }"""


def has_events(store: Any) -> bool:
    """Whether `store` holds events graphs (a store of an older kg does not): one lookup,
    not a listing of the store's graphs, of which there is one per document."""
    return bool(store.query(_ANY_EVENTS.replace("?prefix", str(ox.Literal(EVENTS_GRAPHS))),
                            prefixes=PREFIXES))


def event_counts(store: Any) -> EventCounts | None:
    """Events and reports by kind; None for a store without events graphs (an older kg's)."""
    if not has_events(store):
        return None
    kinds: dict[str, int] = {}
    reports = 0
    for row in store.query(_COUNTS, prefixes=PREFIXES,
                           substitutions={"prefix": ox.Literal(EVENTS_GRAPHS)}):
        kinds[row["kind"].value] = int(row["n"].value)
        reports += int(row["reports"].value)
    by_kind = tuple(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))
    return EventCounts(sum(kinds.values()), reports, by_kind)


_COPIES = """
SELECT ?e ?fact ?prefix ?g WHERE {
  GRAPH ?g { ?e kg:hasReport ?r . ?r kg:copy ?fact }
  FILTER(STRSTARTS(STR(?g), ?prefix))
}"""


def events_by_fact(store: Any, **filters: Any) -> dict[str, EventRecord]:
    """The event each fact (by its IRI) reports, for the views: `load_events` filters
    (`pairs` reads only those pairs' events graphs)."""
    events = {e.iri: e for e in load_events(store, details=False, **filters)}
    out = {}
    for row in _solutions(store, _COPIES, _graphs(filters.get("pair"), filters.get("pairs"))):
        event = events.get(row["e"].value)
        if event is not None:
            out[row["fact"].value] = event
    return out
