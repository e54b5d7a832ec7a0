"""Events in the store: one named graph per pair of countries, kept exact by every build.

`refresh_events(store, doc_ids)` regroups the pairs those documents touch (their facts now,
and the events that cited them before) and replaces those pairs' graphs
(`kgd:graph/kg/events/AAA-BBB`); with no ids, every pair. Each event (`kg:Event`) links its
reports (`kg:Report`), each report the fact nodes of every document that carries a copy of
its text (`kg:copy`), and, where reports differ, a `kg:Disagreement` with each value
(`kg:Claim`) and the reports that give it. IRIs come from `kg.events.group`: the same
inputs give the same events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

import pyoxigraph as ox

from ..graph.rdf import FACT_DETAILS, FACT_PATTERN, date_literal
from ..graph.vocab import (
    EVENTS_GRAPHS,
    PREFIXES,
    VALUE_IRI,
    country_iri,
    document_id,
    document_iri,
    event_iri,
    events_graph_iri,
    graph_iri,
    kg,
    report_iri,
)
from .group import Event, Grouping, Mention, group

_COUNTRY_NS = PREFIXES["kgd"] + "country/"
_ISO3 = re.compile(r"[A-Z]{3}")
_CHUNK = 400  # terms per VALUES block

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
PUBLISHER = ox.NamedNode(PREFIXES["dcterms"] + "publisher")


# The facts as the views read them (kg.graph.rdf's patterns), with what grouping needs too:
# the place, the document's publisher and date. `#where` takes a VALUES block.
_MENTIONS = f"""
SELECT ?fact ?g ?kind ?s ?t ?st ?at ?date ?sp ?tp ?pn ?pc ?label ?evidence ?pub ?ddate WHERE {{
  GRAPH ?g {{
    #where
    {FACT_PATTERN}
    {FACT_DETAILS}
    OPTIONAL {{ ?fact kg:location ?loc . ?loc schema:name ?pn
               OPTIONAL {{ ?loc kg:inCountry ?pc }} }}
    OPTIONAL {{ ?d dcterms:publisher ?pub }}
    OPTIONAL {{ ?d dcterms:date ?ddate }}
  }}
}}"""


def _code(term: Any) -> str | None:
    if term is None:
        return None
    value = term.value.removeprefix(_COUNTRY_NS)
    return value if _ISO3.fullmatch(value) else None


def _value(term: Any) -> str | None:
    return None if term is None else term.value


def _chunks(items: list[Any], size: int = _CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def read_mentions(store: Any, pairs: Iterable[tuple[str, str]] | None = None) -> list[Mention]:
    """Every fact of the document graphs as a `Mention`; only these pairs' when given."""
    if pairs is None:
        blocks = [""]
    else:
        codes = sorted({tuple(sorted(p)) for p in pairs
                        if all(_ISO3.fullmatch(c) for c in p)})
        if not codes:
            return []
        blocks = []
        for chunk in _chunks(codes):
            rows = " ".join(f"(<{country_iri(a)}> <{country_iri(b)}>) "
                            f"(<{country_iri(b)}> <{country_iri(a)}>)" for a, b in chunk)
            blocks.append(f"VALUES (?s ?t) {{ {rows} }}")
    seen: dict[tuple[str, str], Mention] = {}
    for block in blocks:
        for row in store.query(_MENTIONS.replace("#where", block), prefixes=PREFIXES):
            doc = document_id(row["g"].value)
            source, target = _code(row["s"]), _code(row["t"])
            if doc is None or source is None or target is None:
                continue  # imported graphs are not documents: their facts report nothing
            key = (row["g"].value, row["fact"].value)
            if key in seen:
                continue
            status = row["st"].value.rsplit("#", 1)[-1].lower()
            attribution = row["at"].value.rsplit("#", 1)[-1].lower()
            seen[key] = Mention(
                fact=row["fact"].value, doc=doc, kind=row["kind"].value,
                source=source, target=target, evidence=_value(row["evidence"]) or "",
                date=_value(row["date"]), status=status, attribution=attribution,
                source_person=_value(row["sp"]), target_person=_value(row["tp"]),
                place=_value(row["pn"]), place_country=_code(row["pc"]),
                label=_value(row["label"]), publisher=_value(row["pub"]),
                doc_date=_value(row["ddate"]))
    return [seen[k] for k in sorted(seen)]


def _k(term: str) -> ox.NamedNode:
    return ox.NamedNode(kg(term))


def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer"))


def event_quads(pair: tuple[str, str], events: list[Event]) -> list[ox.Quad]:
    """The quads of one pair's events graph."""
    graph = ox.NamedNode(events_graph_iri(*pair))
    quads: list[ox.Quad] = []
    add = quads.append
    for e in events:
        node = ox.NamedNode(event_iri(e.id))
        add(ox.Quad(node, RDF_TYPE, _k("Event"), graph))
        add(ox.Quad(node, RDFS_LABEL, ox.Literal(
            f"{e.kind} {e.source}–{e.target}" + (f" {e.date}" if e.date else "")), graph))
        add(ox.Quad(node, _k("eventKind"), ox.Literal(e.kind), graph))
        add(ox.Quad(node, _k("eventSource"), ox.NamedNode(country_iri(e.source)), graph))
        add(ox.Quad(node, _k("eventTarget"), ox.NamedNode(country_iri(e.target)), graph))
        date = date_literal(e.date) if e.date else None
        if date is not None:
            add(ox.Quad(node, _k("eventDate"), date, graph))
        if e.place:
            add(ox.Quad(node, _k("eventPlace"), ox.Literal(e.place), graph))
        if e.label:
            add(ox.Quad(node, _k("eventLabel"), ox.Literal(e.label), graph))
        add(ox.Quad(node, _k("eventStatus"), ox.NamedNode(VALUE_IRI[e.status]), graph))
        add(ox.Quad(node, _k("reportCount"), _int(len(e.reports)), graph))
        add(ox.Quad(node, _k("documentCount"), _int(len(e.documents)), graph))
        add(ox.Quad(node, _k("sourceCount"), _int(len(e.sources)), graph))
        for other in e.linked:
            add(ox.Quad(node, _k("relatedEvent"), ox.NamedNode(event_iri(other)), graph))
        for r in e.reports:
            rnode = ox.NamedNode(report_iri(*pair, r.id))
            add(ox.Quad(node, _k("hasReport"), rnode, graph))
            add(ox.Quad(rnode, RDF_TYPE, _k("Report"), graph))
            add(ox.Quad(rnode, _k("documentCount"), _int(len(r.mentions)), graph))
            if r.first.publisher:
                add(ox.Quad(rnode, PUBLISHER, ox.Literal(r.first.publisher), graph))
            for m in r.mentions:
                add(ox.Quad(rnode, _k("copy"), ox.NamedNode(m.fact), graph))
                add(ox.Quad(rnode, _k("reportedIn"), ox.NamedNode(document_iri(m.doc)), graph))
        for field_name, values in e.disagreements().items():
            dnode = ox.NamedNode(f"{event_iri(e.id)}/disagreement/{field_name}")
            add(ox.Quad(node, _k("disagreement"), dnode, graph))
            add(ox.Quad(dnode, RDF_TYPE, _k("Disagreement"), graph))
            add(ox.Quad(dnode, _k("disagreementField"), ox.Literal(field_name), graph))
            for i, value in enumerate(sorted(values), 1):
                cnode = ox.NamedNode(f"{event_iri(e.id)}/disagreement/{field_name}/{i}")
                add(ox.Quad(dnode, _k("claim"), cnode, graph))
                add(ox.Quad(cnode, RDF_TYPE, _k("Claim"), graph))
                add(ox.Quad(cnode, _k("claimedValue"), ox.Literal(value), graph))
                for r in values[value]:
                    add(ox.Quad(cnode, _k("claimedBy"), ox.NamedNode(report_iri(*pair, r.id)),
                                graph))
    return quads


def _event_graphs(store: Any) -> set[str]:
    return {g for g in store.graphs() if g.startswith(EVENTS_GRAPHS)}


def _pair_of_graph(graph: str) -> tuple[str, str] | None:
    rest = graph[len(EVENTS_GRAPHS):]
    a, _, b = rest.partition("-")
    return (a, b) if _ISO3.fullmatch(a) and _ISO3.fullmatch(b) else None


_DOC_PAIRS = """
SELECT DISTINCT ?s ?t WHERE { GRAPH ?g { ?fact kg:kind ?kind ; kg:source ?s ; kg:target ?t } }"""

_CITING = """
SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r kg:reportedIn ?d } }"""


def affected_pairs(store: Any, doc_ids: Iterable[str]) -> set[tuple[str, str]]:
    """Pairs whose events may change when these documents changed: the pairs of their
    facts now, and the pairs whose events cite them."""
    ids = sorted(set(doc_ids))
    pairs: set[tuple[str, str]] = set()
    for chunk in _chunks(ids):
        graphs = " ".join(f"<{graph_iri(i)}>" for i in chunk)
        docs = " ".join(f"<{document_iri(i)}>" for i in chunk)
        for row in store.query(_DOC_PAIRS.replace("GRAPH ?g {", f"VALUES ?g {{ {graphs} }} "
                                                  "GRAPH ?g {"), prefixes=PREFIXES):
            a, b = _code(row["s"]), _code(row["t"])
            if a and b:
                pairs.add((min(a, b), max(a, b)))
        for row in store.query(_CITING.replace("GRAPH ?g {", f"VALUES ?d {{ {docs} }} "
                                               "GRAPH ?g {"), prefixes=PREFIXES):
            pair = _pair_of_graph(row["g"].value) if row["g"].value.startswith(EVENTS_GRAPHS) \
                else None
            if pair:
                pairs.add(pair)
    return pairs


def has_events(store: Any) -> bool:
    """Whether the store holds events graphs (an older kg wrote facts only)."""
    from .records import has_events as any_events

    return any_events(store)


def refresh_events(store: Any, doc_ids: Iterable[str] | None = None) -> Grouping:
    """Regroup the pairs these documents touch (all pairs if None, or if the store holds no
    events yet) and replace their events graphs. Returns the new grouping of those pairs."""
    existing = _event_graphs(store)
    full = doc_ids is None or not existing
    pairs = None if full else affected_pairs(store, doc_ids or ())
    if pairs is not None and not pairs:
        return Grouping([], [])
    mentions = read_mentions(store, pairs)
    grouping = group(mentions)
    by_pair: dict[tuple[str, str], list[Event]] = {}
    for e in grouping.events:
        by_pair.setdefault(tuple(sorted((e.source, e.target))), []).append(e)  # type: ignore[arg-type]
    touched = set(by_pair) | (set(pairs) if pairs is not None else
                              {p for g in existing if (p := _pair_of_graph(g))})
    graphs = {events_graph_iri(*pair): event_quads(pair, by_pair.get(pair, []))
              for pair in sorted(touched)}
    graphs = {g: quads for g, quads in graphs.items() if quads or g in existing}
    batched = getattr(store, "replace_graphs", None)
    if batched is not None:  # one transaction, no update text to parse
        batched(graphs, stale=[g for g in graphs if g in existing])
    else:
        for graph, quads in graphs.items():
            store.replace_graph(graph, quads)
    return grouping


def regroup(store: Any, *, pair: tuple[str, str] | None = None, kind: str | None = None,
            since: str | None = None, until: str | None = None) -> Grouping:
    """The grouping of the store's facts again, with every decision, for `--explain`: the
    same events the events graphs hold, filtered like `load_events`."""
    from .records import _in_range, check_filters

    check_filters(pair, kind, since, until)
    grouping = group(read_mentions(store, [pair] if pair else None))
    events = [e for e in grouping.events if (kind is None or e.kind == kind)
              and _in_range(e.date, since, until)]
    ids = {e.id for e in events}
    return Grouping(events, [d for d in grouping.decisions if d.event in ids])
