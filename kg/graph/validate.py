"""SHACL validation of what `kg` writes, against ontology/shapes.ttl; and the ontology's terms.

`validate_store(store)` checks the union of a store's named graphs; `validate_graph(graph)`
checks an rdflib Graph or Dataset. Both return a `ValidationReport` and raise nothing for
violations; a missing or unreadable shapes or ontology file raises `KgError`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph, Dataset
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..errors import KgError
from .vocab import PREFIXES

if TYPE_CHECKING:
    from rdflib.term import Node

    from .store import OxigraphStore

ONTOLOGY_DIR = Path(__file__).resolve().parents[1] / "ontology"
SHACL = "http://www.w3.org/ns/shacl#"

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
                  RDF.Property, OWL.SymmetricProperty)


@dataclass(frozen=True)
class Violation:
    """One SHACL result: the node at fault, the property, what is wrong, and the value."""

    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def line(self) -> str:
        where = f"{_short(self.focus)}: {_short(self.path)}" if self.path else _short(self.focus)
        text = f"{where}: {self.message}"
        if self.value is not None and self.value != self.focus:
            text += f" (value: {_short(self.value)})"
        if self.severity != "Violation":
            text = f"{self.severity}: {text}"
        return text


@dataclass(frozen=True)
class ValidationReport:
    conforms: bool
    violations: tuple[Violation, ...] = ()

    def lines(self) -> list[str]:
        """One readable line per violation, e.g. `<…/fact/d/meeting-GBR-JPN>: kg:status: …`."""
        return [v.line() for v in self.violations]


def _short(term: str) -> str:
    """A prefixed name where a kg.graph.vocab prefix fits and the rest is a plain local name."""
    if term.startswith(("http://", "https://", "urn:")):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
            local = term[len(ns):]
            if term.startswith(ns) and local and all(c.isalnum() or c in "_-" for c in local):
                return f"{prefix}:{local}"
        return f"<{term}>"
    return term


def _read(name: str) -> Graph:
    path = ONTOLOGY_DIR / name
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise KgError(f"{path}: cannot read {name}: {exc.strerror or exc}") from None
    return _parse(str(path), mtime)


@functools.lru_cache(maxsize=4)
def _parse(path: str, mtime: int) -> Graph:
    """Parse a Turtle file once per modification time."""
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except (OSError, UnicodeDecodeError) as exc:
        raise KgError(f"{path}: cannot read: {exc}") from None
    except Exception as exc:  # rdflib raises assorted parser errors
        raise KgError(f"{path}: not valid Turtle: {exc}") from None
    return graph


def shapes_graph() -> Graph:
    """The SHACL shapes of ontology/shapes.ttl (parsed once; do not modify)."""
    return _read("shapes.ttl")


def ontology_graph() -> Graph:
    """The OWL ontology of ontology/kg.ttl (parsed once; do not modify)."""
    return _read("kg.ttl")


def ontology_terms() -> tuple[set[str], set[str]]:
    """IRIs of the classes and of the properties declared in ontology/kg.ttl."""
    graph = ontology_graph()
    classes = {str(s) for t in CLASS_TYPES for s in graph.subjects(RDF.type, t)
               if isinstance(s, URIRef)}
    properties = {str(s) for t in PROPERTY_TYPES for s in graph.subjects(RDF.type, t)
                  if isinstance(s, URIRef)}
    return classes, properties


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # xsd:string is RDF 1.1's plain literal: keep it plain so sh:in matches "meeting".
        return Literal(term.value, datatype=None if datatype == str(XSD.string) else datatype)
    raise TypeError(f"unsupported RDF term: {term!r}")


def _union(quads: Iterable[ox.Quad]) -> Graph:
    graph = Graph()
    with _quiet_literals():
        for quad in quads:
            graph.add((_term(quad.subject), _term(quad.predicate), _term(quad.object)))
    return graph


@contextmanager
def _quiet_literals() -> Iterator[None]:
    """rdflib logs a traceback for each ill-typed literal ("2026-02-30"^^xsd:date); here
    such a literal is what validation is for, and the report says so in one line."""
    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def validate_store(store: OxigraphStore,
                   progress: Callable[[int], object] | None = None) -> ValidationReport:
    """Validate the union of all graphs of `store` (documents and countries) with the shapes.

    `progress`, if given, is called with 1 for each quad read from the store.
    """
    quads = store.quads()
    return validate_graph(_union(quads if progress is None else _counted(quads, progress)))


def _counted(items: Iterable[ox.Quad], progress: Callable[[int], object]) -> Iterator[ox.Quad]:
    for item in items:
        progress(1)
        yield item


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate an rdflib Graph, or the union of all graphs of a Dataset, with the shapes."""
    shapes = shapes_graph()
    if isinstance(graph, (Dataset, ConjunctiveGraph)):
        union = Graph()
        for s, p, o, _ in graph.quads((None, None, None, None)):
            union.add((s, p, o))
        graph = union
    from pyshacl import validate  # imported here: loading pyshacl takes a while

    conforms, results, _ = validate(
        graph, shacl_graph=shapes, inference="none", advanced=False,
        abort_on_first=False, allow_infos=True, allow_warnings=True,
    )
    assert isinstance(results, Graph)
    violations = sorted(_violations(results), key=lambda v: (v.focus, v.path or "", v.message))
    return ValidationReport(conforms=bool(conforms), violations=tuple(violations))


def _violations(results: Graph) -> Iterable[Violation]:
    sh = {name: URIRef(SHACL + name) for name in (
        "ValidationResult", "focusNode", "resultPath", "resultMessage", "resultSeverity",
        "value", "sourceConstraintComponent")}
    for result in results.subjects(RDF.type, sh["ValidationResult"]):
        focus = results.value(result, sh["focusNode"])
        path = results.value(result, sh["resultPath"])
        messages = sorted(str(m) for m in results.objects(result, sh["resultMessage"]))
        severity = results.value(result, sh["resultSeverity"])
        value = results.value(result, sh["value"])
        component = results.value(result, sh["sourceConstraintComponent"])
        yield Violation(
            focus=_text(focus) or "",
            path=_text(path) if isinstance(path, URIRef) else None,
            message=messages[0] if messages else f"fails {_short(str(component))}",
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            value=_text(value),
        )


def _text(term: Node | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.n3(_namespaces().namespace_manager)
    return str(term)


@functools.lru_cache(maxsize=1)
def _namespaces() -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns)
    return graph


# --- incremental: only the graphs changed since the last validation ------------------------


@dataclass(frozen=True)
class IncrementalReport:
    """A validation of the changed document graphs (with the shared graphs they rely on)."""

    report: ValidationReport
    checked: int  # document graphs validated
    documents: int  # document graphs in the store
    digests: dict[str, str]  # each graph's content digest, to record when valid


def graph_digests(store: OxigraphStore,
                  progress: Callable[[int], object] | None = None) -> dict[str, str]:
    """A digest of each named graph's content, whatever the order its quads come in.

    The record of validations itself is left out.
    """
    import hashlib

    from .vocab import VALIDATED_GRAPH

    sums: dict[str, int] = {}
    for quad in store.quads():
        if progress is not None:
            progress(1)
        graph = quad.graph_name
        if not isinstance(graph, ox.NamedNode) or graph.value == VALIDATED_GRAPH:
            continue
        line = f"{quad.subject} {quad.predicate} {quad.object}".encode()
        # A sum of the quads' hashes: the same set of quads, the same digest, in any order.
        value = int.from_bytes(hashlib.blake2b(line, digest_size=16).digest(), "big")
        sums[graph.value] = (sums.get(graph.value, 0) + value) % (1 << 128)
    return {g: f"{v:032x}" for g, v in sums.items()}


def recorded_digests(store: OxigraphStore) -> dict[str, str]:
    """The digests `record_validation` wrote: the graphs last found valid."""
    from .vocab import VALIDATED_GRAPH

    quads = store.backend.quads_for_pattern(None, ox.NamedNode(PREFIXES["kg"] + "validDigest"),
                                            None, ox.NamedNode(VALIDATED_GRAPH))
    return {q.subject.value: q.object.value for q in quads
            if isinstance(q.subject, ox.NamedNode)}


def record_validation(store: OxigraphStore, digests: dict[str, str]) -> None:
    """Record these graphs as valid with their digests (replacing the earlier record)."""
    from .vocab import VALIDATED_GRAPH

    graph = ox.NamedNode(VALIDATED_GRAPH)
    predicate = ox.NamedNode(PREFIXES["kg"] + "validDigest")
    store.replace_graph(VALIDATED_GRAPH, (
        ox.Quad(ox.NamedNode(g), predicate, ox.Literal(d), graph)
        for g, d in sorted(digests.items())))


def validate_changed(store: OxigraphStore, *, everything: bool = False,
                     progress: Callable[[int], object] | None = None) -> IncrementalReport:
    """Validate the document graphs that changed since the last valid validation.

    A document graph is checked beside the graphs that are not documents' (countries,
    summaries, imports), which are always checked; if one of those changed (summaries
    aside), or with `everything`, every document graph is checked again. Nothing is
    recorded here: call `record_validation` with the digests when the report conforms.
    """
    from .pages import PAGES_GRAPH
    from .vocab import EVENTS_GRAPHS, SUMMARY_GRAPH, document_id

    digests = graph_digests(store, progress)
    before = {} if everything else recorded_digests(store)
    shared = [g for g in digests if document_id(g) is None]
    documents = [g for g in digests if document_id(g) is not None]
    # The summaries, buckets and events change with every build, but no document's shapes
    # read them.
    if any(before.get(g) != digests[g] for g in shared
           if g not in (SUMMARY_GRAPH, PAGES_GRAPH) and not g.startswith(EVENTS_GRAPHS)):
        before = {}
    wanted = set(shared) | {g for g in documents if before.get(g) != digests[g]}
    union = _union(q for g in sorted(wanted)
                   for q in store.backend.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    return IncrementalReport(validate_graph(union), len(wanted) - len(shared), len(documents),
                             digests)
