"""From documents and their facts to RDF quads: one named graph per document.

The model (see the README diagram): each fact is a node typed by its kind, with its two
countries (`kg:source`, `kg:target`, both also `kg:involves`), the persons acting and the
offices they hold, date, place, status, attribution, confidence, topics, label, and its evidence
(sentence and offsets) with PROV-O provenance: the document it was derived from and the
extractor that wrote it. Each fact also gives a plain country-to-country link
(`country:GBR kg:invited country:JPN`), both ways for undirected kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Quad

from .. import __version__
from ..extract.actors import Country
from ..records import Document, Fact, Side
from .pages import document_links
from .vocab import (
    ACTORS_GRAPH,
    KIND_CLASS,
    KIND_LINK,
    PREFIXES,
    VALUE_IRI,
    country_iri,
    document_iri,
    evidence_iri,
    extractor_iri,
    fact_iri,
    graph_iri,
    kg,
    office_iri,
    person_iri,
    place_iri,
    topic_iri,
)

# How readers find the facts this module writes, inside a `GRAPH ?g { ... }` block (a
# person or a place recurs in many graphs: read in its own document's graph, a fact is
# described once). FACT_PATTERN binds what every fact has (?fact ?kind ?s ?t ?st ?at, its
# document ?d) and its ?date; FACT_DETAILS what the views show of it (?sp ?tp persons'
# names, ?label, ?evidence). One text for every reader (views, summaries, events), so
# that they count the same facts.
FACT_PATTERN = """
    ?fact kg:kind ?kind ; kg:source ?s ; kg:target ?t ; kg:status ?st ; kg:attribution ?at ;
          prov:wasDerivedFrom ?d .
    OPTIONAL { ?fact kg:date ?date }"""
FACT_DETAILS = """
    OPTIONAL { ?fact kg:sourcePerson ?spn . ?spn schema:name ?sp }
    OPTIONAL { ?fact kg:targetPerson ?tpn . ?tpn schema:name ?tp }
    OPTIONAL { ?fact kg:label ?label }
    OPTIONAL { ?fact kg:evidence ?e . ?e kg:sentence ?evidence }"""

RDF_TYPE = NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = NamedNode(PREFIXES["rdfs"] + "label")
XSD = PREFIXES["xsd"]
PROV = PREFIXES["prov"]
SCHEMA = PREFIXES["schema"]
DCTERMS = PREFIXES["dcterms"]
SKOS = PREFIXES["skos"]


def _n(iri: str) -> NamedNode:
    return NamedNode(iri)


def _k(term: str) -> NamedNode:
    return NamedNode(kg(term))


_ISO = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def date_literal(value: str) -> Literal | None:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as xsd:gYear, xsd:gYearMonth or xsd:date; else None."""
    if not _ISO.fullmatch(value):
        return None
    datatype = {4: "gYear", 7: "gYearMonth"}.get(len(value), "date")
    return Literal(value, datatype=NamedNode(XSD + datatype))


def _int(value: int) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + "integer"))


def _side_quads(fact_node: NamedNode, side: Side, role: str, graph: NamedNode) -> Iterator[Quad]:
    country = _n(country_iri(side.country))
    yield Quad(fact_node, _k(role), country, graph)
    yield Quad(fact_node, _k("involves"), country, graph)
    if side.name:
        person = _n(person_iri(side.country, side.name))
        yield Quad(fact_node, _k(role + "Person"), person, graph)
        yield Quad(person, RDF_TYPE, _k("Person"), graph)
        yield Quad(person, _n(SCHEMA + "name"), Literal(side.name), graph)
        yield Quad(person, _k("actsFor"), country, graph)
        if side.role:
            office = _n(office_iri(side.country, side.role))
            yield Quad(person, _k("holds"), office, graph)
            yield Quad(fact_node, _k(role + "Office"), office, graph)
    if side.role:
        office = _n(office_iri(side.country, side.role))
        yield Quad(office, RDF_TYPE, _k("Office"), graph)
        yield Quad(office, RDFS_LABEL, Literal(side.role), graph)
        yield Quad(office, _k("officeOf"), country, graph)


def fact_quads(fact: Fact, graph: NamedNode, doc_node: NamedNode,
               extractor: NamedNode) -> Iterator[Quad]:
    kind, src, tgt = fact.key
    node = _n(fact_iri(fact.doc, kind, src, tgt))
    source, target = fact.source, fact.target
    if (source.country, target.country) != (src, tgt):
        # Undirected kinds: one order for the pair, so one fact node has one source.
        source, target = target, source
    yield Quad(node, RDF_TYPE, _k(KIND_CLASS[fact.kind]), graph)
    yield Quad(node, _k("kind"), Literal(fact.kind), graph)
    yield Quad(node, RDFS_LABEL,
               Literal(f"{fact.kind} {fact.source.country}–{fact.target.country}"), graph)
    yield from _side_quads(node, source, "source", graph)
    yield from _side_quads(node, target, "target", graph)
    date = date_literal(fact.date) if fact.date else None
    if date is not None:
        yield Quad(node, _k("date"), date, graph)
    if fact.location:
        place = _n(place_iri(fact.location.name, fact.location.country))
        yield Quad(node, _k("location"), place, graph)
        yield Quad(place, RDF_TYPE, _k("Place"), graph)
        yield Quad(place, _n(SCHEMA + "name"), Literal(fact.location.name), graph)
        if fact.location.country:
            yield Quad(place, _k("inCountry"), _n(country_iri(fact.location.country)), graph)
    yield Quad(node, _k("status"), _n(VALUE_IRI[fact.status]), graph)
    yield Quad(node, _k("attribution"), _n(VALUE_IRI[fact.attribution]), graph)
    if fact.label:
        yield Quad(node, _k("label"), Literal(fact.label), graph)
    if fact.confidence is not None:
        yield Quad(node, _k("confidence"),
                   Literal(f"{fact.confidence:.3f}", datatype=NamedNode(XSD + "decimal")), graph)
    for topic in fact.topics:
        concept = _n(topic_iri(topic))
        yield Quad(node, _k("topic"), concept, graph)
        yield Quad(concept, RDF_TYPE, _k("Topic"), graph)
        yield Quad(concept, _n(SKOS + "prefLabel"), Literal(topic), graph)
    evidence = _n(evidence_iri(fact.doc, *fact.span))
    yield Quad(node, _k("evidence"), evidence, graph)
    yield Quad(evidence, RDF_TYPE, _k("Evidence"), graph)
    yield Quad(evidence, _k("sentence"), Literal(fact.evidence), graph)
    yield Quad(evidence, _k("startOffset"), _int(fact.span[0]), graph)
    yield Quad(evidence, _k("endOffset"), _int(fact.span[1]), graph)
    yield Quad(evidence, _k("inDocument"), doc_node, graph)
    yield Quad(node, _n(PROV + "wasDerivedFrom"), doc_node, graph)
    yield Quad(node, _n(PROV + "wasAttributedTo"), extractor, graph)
    link = _k(KIND_LINK[fact.kind])
    a, b = _n(country_iri(src)), _n(country_iri(tgt))
    yield Quad(a, link, b, graph)
    if not fact.directed:
        yield Quad(b, link, a, graph)


def document_quads(doc: Document, facts: Iterable[Fact]) -> list[Quad]:
    """Every quad of one document's named graph."""
    graph = _n(graph_iri(doc.id))
    doc_node = _n(document_iri(doc.id))
    extractor = _n(extractor_iri(__version__))
    quads = [
        Quad(doc_node, RDF_TYPE, _k("Document"), graph),
        Quad(doc_node, _n(DCTERMS + "identifier"), Literal(doc.id), graph),
        Quad(extractor, RDF_TYPE, _k("Extractor"), graph),
        Quad(extractor, RDFS_LABEL, Literal(f"kg {__version__}"), graph),
        Quad(extractor, _k("version"), Literal(__version__), graph),
    ]
    for prop, value in ((SCHEMA + "url", doc.url), (DCTERMS + "title", doc.title),
                        (DCTERMS + "publisher", doc.source), (DCTERMS + "language", doc.language)):
        if value:
            quads.append(Quad(doc_node, _n(prop), Literal(value), graph))
    doc_date = date_literal(doc.date) if doc.date else None
    if doc_date is not None:
        quads.append(Quad(doc_node, _n(DCTERMS + "date"), doc_date, graph))
    facts = list(facts)
    for fact in facts:
        quads.extend(fact_quads(fact, graph, doc_node, extractor))
    # Ordered buckets, so that a page of a saved query reads a few (kg.graph.pages).
    quads.extend(document_links(doc, facts, graph, doc_node))
    return quads


def country_quads(countries: Iterable[Country]) -> list[Quad]:
    """Descriptions of countries (label, ISO codes, Wikidata) in the shared country graph."""
    graph = _n(ACTORS_GRAPH)
    quads = []
    for country in countries:
        node = _n(country_iri(country.iso3))
        quads += [
            Quad(node, RDF_TYPE, _k("Country"), graph),
            Quad(node, RDFS_LABEL, Literal(country.name, language="en"), graph),
            Quad(node, _k("iso3"), Literal(country.iso3), graph),
            Quad(node, _k("iso2"), Literal(country.iso2), graph),
        ]
        if country.qid:
            quads.append(Quad(node, _n(SCHEMA + "sameAs"),
                              _n(PREFIXES["wd"] + country.qid), graph))
    return quads
