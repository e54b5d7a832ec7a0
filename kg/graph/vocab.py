"""Namespaces and IRI minting: every IRI `kg` writes is made here, deterministically."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

from ..kinds import load_kinds

ONTOLOGY = "https://w3id.org/kg-bilateral/ontology#"
DATA = "https://w3id.org/kg-bilateral/id/"

PREFIXES: dict[str, str] = {
    "kg": ONTOLOGY,
    "kgd": DATA,
    "country": DATA + "country/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "wd": "http://www.wikidata.org/entity/",
}

# Class name in the ontology of each kind of fact (kg/data/kinds.yaml).
KIND_CLASS = {k.name: k.ontology_class for k in load_kinds()}

# The simple country-to-country link each kind also gives ("who invited whom" in one line).
KIND_LINK = {k.name: k.link for k in load_kinds()}


def kg(term: str) -> str:
    return ONTOLOGY + term


def slug(text: str) -> str:
    """A readable, IRI-safe path segment: ASCII letters where possible, never empty."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    if cleaned and len(cleaned) >= len(text.strip()) // 2:
        return cleaned[:80]
    # Mostly non-Latin text: keep it, percent-encoded, so distinct names stay distinct.
    return quote(unicodedata.normalize("NFC", text.strip()), safe="")[:240] or "-"


def segment(text: str) -> str:
    """Percent-encode an identifier taken as is (document ids), keeping it unique.

    The result never holds a "/" (so it is one path segment) and is never "." or "..",
    which IRI resolution would read as a step up.
    """
    encoded = quote(unicodedata.normalize("NFC", text), safe="-._~") or "-"
    return encoded.replace(".", "%2E") if encoded.strip(".") == "" else encoded


def country_iri(iso3: str) -> str:
    return f"{DATA}country/{iso3}"


def document_iri(doc_id: str) -> str:
    return f"{DATA}doc/{segment(doc_id)}"


GRAPHS = f"{DATA}graph/"


def graph_iri(doc_id: str) -> str:
    """A document's named graph: one path segment under `kgd:graph/`."""
    return f"{GRAPHS}{segment(doc_id)}"


def document_id(graph: str) -> str | None:
    """The id of the document whose graph this is; None for graphs that are not documents."""
    if not graph.startswith(GRAPHS):
        return None
    rest = graph[len(GRAPHS):]
    return unquote(rest) if rest and "/" not in rest else None


# Graphs that are not documents' live one level deeper (`kgd:graph/kg/…`, `kgd:graph/import/…`):
# a document id is always a single segment, so no id can name, replace or remove them.
RESERVED_GRAPHS = f"{GRAPHS}kg/"
ACTORS_GRAPH = f"{RESERVED_GRAPHS}countries"
# Counts per pair and kind that the build keeps exact (kg/graph/summaries.py).
SUMMARY_GRAPH = f"{RESERVED_GRAPHS}summary"
# Which graphs `kg validate` found valid, with a digest of each one's content.
VALIDATED_GRAPH = f"{RESERVED_GRAPHS}validated"


def pair_summary_iri(source: str, target: str, kind: str) -> str:
    return f"{DATA}summary/{segment(source)}-{segment(target)}-{segment(kind)}"


def fact_iri(doc_id: str, kind: str, source: str, target: str) -> str:
    return f"{DATA}fact/{segment(doc_id)}/{kind}-{source}-{target}"


def evidence_iri(doc_id: str, start: int, end: int) -> str:
    return f"{DATA}evidence/{segment(doc_id)}/{start}-{end}"


def person_iri(country: str, name: str) -> str:
    return f"{DATA}person/{country}/{slug(name)}"


def office_iri(country: str, role: str) -> str:
    return f"{DATA}office/{country}/{slug(role)}"


def place_iri(name: str, country: str | None) -> str:
    return f"{DATA}place/{country or 'XXX'}/{slug(name)}"


def topic_iri(topic: str) -> str:
    return f"{DATA}topic/{slug(topic)}"


def extractor_iri(version: str) -> str:
    return f"{DATA}extractor/kg-{segment(version)}"


VALUE_IRI = {
    "occurred": kg("Occurred"), "planned": kg("Planned"), "negated": kg("Negated"),
    "reported": kg("Reported"), "commentary": kg("Commentary"),
}


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


# Events above reports (kg/events/): one graph per pair of countries, in code order.
EVENTS_GRAPHS = f"{RESERVED_GRAPHS}events/"


def events_graph_iri(a: str, b: str) -> str:
    a, b = sorted((a, b))
    return f"{EVENTS_GRAPHS}{a}-{b}"


def event_iri(event_id: str) -> str:
    """`event_id` is `AAA-BBB/kind-hash` (kg.events.group.Event.id): already IRI-safe."""
    return f"{DATA}event/{event_id}"


def report_iri(a: str, b: str, report_id: str) -> str:
    return f"{DATA}report/{a}-{b}/{report_id[:16]}"
