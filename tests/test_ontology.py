"""The ontology declares everything the mapper writes, and the shapes accept it (and only it)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from kg.errors import KgError
from kg.events.graph import refresh_events
from kg.extract.actors import Country
from kg.graph import validate as kv
from kg.graph.pages import refresh_pages
from kg.graph.rdf import country_quads, document_quads
from kg.graph.store import OxigraphStore
from kg.graph.summaries import refresh_summaries
from kg.graph.validate import ValidationReport, ontology_terms, validate_graph, validate_store
from kg.graph.vocab import (
    ACTORS_GRAPH,
    DATA,
    KIND_CLASS,
    KIND_LINK,
    ONTOLOGY,
    country_iri,
    fact_iri,
    graph_iri,
)
from kg.kinds import load_kinds
from kg.pipeline import extractor_identity, hash_quad, write_document
from kg.records import KINDS, Document, Fact, Place, Side

ROOT = Path(__file__).resolve().parent.parent
KG = Namespace(ONTOLOGY)
XSD_NS = "http://www.w3.org/2001/XMLSchema#"

COUNTRIES = [
    Country("GBR", "GB", "Q145", "United Kingdom"),
    Country("JPN", "JP", "Q17", "Japan"),
    Country("CHN", "CN", "Q148", "China"),
    Country("RUS", "RU", "Q159", "Russia"),
    Country("UKR", "UA", "Q212", "Ukraine"),
    Country("USA", "US", None, "United States"),
]

STARMER = Side("GBR", "Keir Starmer", "Prime Minister")
TAKAICHI = Side("JPN", "Takaichi Sanae", "Prime Minister")
LAMMY = Side("GBR", "David Lammy", None)  # a person without an office
FOREIGN_MINISTRY = Side("CHN", None, "Foreign Ministry")  # an office without a person


def _fact(doc: str, kind: str, source: Side | str, target: Side | str, i: int, **kw) -> Fact:
    src = source if isinstance(source, Side) else Side(source)
    tgt = target if isinstance(target, Side) else Side(target)
    sentence = f"Sentence {i} about {kind}."
    return Fact(doc=doc, kind=kind, source=src, target=tgt, evidence=sentence,
                span=(i * 100, i * 100 + len(sentence)), **kw)


def _sample() -> list[tuple[Document, list[Fact]]]:
    seed = Document("seed", "text", url="https://example.org/seed", date="2026-01-31",
                    title="UK-Japan summit", source="GOV.UK", language="en")
    other = Document("other 2", "text", date="2025-11")  # an id that needs percent-encoding
    seed_facts = [
        _fact("seed", "meeting", TAKAICHI, STARMER, 1, date="2026-01-31",
              location=Place("Tokyo", "JPN"), topics=("security", "trade"), confidence=0.93),
        _fact("seed", "call", "GBR", "JPN", 2, date="2026-01"),
        _fact("seed", "visit", STARMER, "JPN", 3, date="2026", status="planned"),
        _fact("seed", "invitation", STARMER, TAKAICHI, 4, location=Place("Chequers", "GBR"),
              status="planned"),
        _fact("seed", "agreement", "GBR", "JPN", 5, label="Reciprocal Access Agreement",
              topics=("defence",)),
        _fact("seed", "cooperation", "JPN", "GBR", 6, topics=("cyber", "space")),
        _fact("seed", "partnership", "GBR", "JPN", 7,
              label="enhanced global strategic partnership"),
        _fact("seed", "support", STARMER, "UKR", 8),
        _fact("seed", "criticism", TAKAICHI, "RUS", 9, attribution="commentary"),
        _fact("seed", "rejection", LAMMY, "CHN", 10, status="negated"),
    ]
    other_facts = [
        _fact("other 2", "aid", "JPN", "UKR", 1, date="2025-11-03"),
        _fact("other 2", "protest", FOREIGN_MINISTRY, "JPN", 2,
              location=Place("Somewhere at sea")),  # a place with no country
        _fact("other 2", "sanction", "USA", "RUS", 3, date="2025"),
        _fact("other 2", "threat", "RUS", "UKR", 4, status="negated",
              attribution="commentary"),
        _fact("other 2", "force", "RUS", "UKR", 5, location=Place("Kharkiv", "UKR")),
        _fact("other 2", "meeting", Side("JPN", "Takaichi Sanae", "Prime Minister"),
              Side("CHN", "Li Qiang", "Premier"), 6),
    ]
    # A second report of the seed's meeting, a day earlier (a disagreement on the date),
    # and the visit that meeting was part of (a linked event).
    wire = Document("wire", "text", date="2026-01-30", source="Wire")
    wire_facts = [
        _fact("wire", "meeting", "GBR", "JPN", 11, date="2026-01-30",
              location=Place("Tokyo", "JPN")),
        _fact("wire", "visit", "GBR", "JPN", 12, date="2026-01-30"),
    ]
    return [(seed, seed_facts), (other, other_facts), (wire, wire_facts)]


def _store(countries: list[Country] = COUNTRIES) -> OxigraphStore:
    store = OxigraphStore()
    for doc, facts in _sample():
        write_document(store, doc, facts)
        store.add([hash_quad(doc, extractor_identity())])  # as `build` writes it
    store.add(country_quads(countries))
    refresh_summaries(store)  # as a build ends: the summary and events graphs are written too
    refresh_pages(store)  # and the ordered buckets
    refresh_events(store)
    return store


@pytest.fixture
def store() -> OxigraphStore:
    return _store()


def _edit(store: OxigraphStore, remove: list[ox.Quad] = (), add: list[ox.Quad] = ()) -> None:
    for quad in remove:
        assert quad in store.backend, f"not in the store: {quad}"
        store.backend.remove(quad)
    store.add(add)


def _quads(store: OxigraphStore, s=None, p=None, o=None) -> list[ox.Quad]:
    return list(store.backend.quads_for_pattern(s, p, o, None))


def _k(term: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY + term)


# (a) the files parse


@pytest.mark.parametrize("name", ["kg.ttl", "shapes.ttl"])
def test_ontology_files_parse(name: str) -> None:
    graph = Graph().parse(ROOT / "ontology" / name, format="turtle")
    assert len(graph) > 100


def test_package_finds_the_ontology_folder() -> None:
    assert (kv.ONTOLOGY_DIR / "kg.ttl").is_file()
    assert (kv.ONTOLOGY_DIR / "shapes.ttl").is_file()


def test_ontology_header() -> None:
    graph = kv.ontology_graph()
    ontology = URIRef("https://w3id.org/kg-bilateral/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in graph
    assert graph.value(ontology, OWL.versionInfo) == Literal("0.1.0")


def test_every_kg_term_has_a_comment() -> None:
    graph = kv.ontology_graph()
    classes, properties = ontology_terms()
    individuals = {str(s) for s in graph.subjects(RDF.type, OWL.NamedIndividual)}
    own = {t for t in classes | properties | individuals if t.startswith(ONTOLOGY)}
    assert len(own) > 60
    missing = sorted(t for t in own if graph.value(URIRef(t), RDFS.comment) is None)
    assert missing == []


# (b) every class and property the mapper writes is declared


def test_every_emitted_class_and_property_is_declared(store: OxigraphStore) -> None:
    classes, properties = ontology_terms()
    rdf_type = ox.NamedNode(str(RDF.type))
    used_classes = {q.object.value for q in _quads(store, p=rdf_type)}
    used_properties = {q.predicate.value for q in _quads(store)} - {str(RDF.type)}
    # The sample exercises every kind and every optional part of a fact.
    assert {ONTOLOGY + c for c in KIND_CLASS.values()} <= used_classes
    assert {ONTOLOGY + p for p in KIND_LINK.values()} <= used_properties
    for term in ("sourcePerson", "targetOffice", "location", "inCountry", "date", "label",
                 "topic", "holds", "confidence"):
        assert ONTOLOGY + term in used_properties
    assert sorted(used_classes - classes) == []
    assert sorted(used_properties - properties) == []


def test_declared_own_terms_are_all_emitted(store: OxigraphStore) -> None:
    """Nothing in kg: is declared that the mapper does not need (the ontology's own
    annotation properties, abstract superclasses and value classes aside)."""
    classes, properties = ontology_terms()
    used = {q.predicate.value for q in _quads(store)}
    used |= {q.object.value for q in _quads(store, p=ox.NamedNode(str(RDF.type)))}
    schema_only = {ONTOLOGY + t for t in (
        "ploverType", "ploverMode", "kindName", "linkOf", "Fact", "DirectedFact",
        "UndirectedFact", "Status", "Attribution",
        "validDigest")}  # written by kg validate, not by the mapper
    own = {t for t in classes | properties if t.startswith(ONTOLOGY)}
    assert sorted(own - used - schema_only) == []


def test_link_properties() -> None:
    graph = kv.ontology_graph()
    undirected = {"meeting", "call", "agreement", "cooperation", "partnership"}
    for kind, link in KIND_LINK.items():
        prop = KG[link]
        assert graph.value(prop, KG.linkOf) == KG[KIND_CLASS[kind]]
        assert graph.value(prop, RDFS.domain) == KG.Country
        assert graph.value(prop, RDFS.range) == KG.Country
        assert ((prop, RDF.type, OWL.SymmetricProperty) in graph) == (kind in undirected)


def test_status_and_attribution_individuals() -> None:
    graph = kv.ontology_graph()
    for name, cls in (("Occurred", "Status"), ("Planned", "Status"), ("Negated", "Status"),
                      ("Reported", "Attribution"), ("Commentary", "Attribution")):
        assert (KG[name], RDF.type, KG[cls]) in graph
        assert graph.value(KG[name], RDFS.label) is not None


# (e) kinds carry their PLOVER alignment and FACTS.md word


def test_every_kind_class_has_plover_type_and_kind_name() -> None:
    graph = kv.ontology_graph()
    assert set(KIND_CLASS) == set(KINDS)
    for kind, name in KIND_CLASS.items():
        cls = KG[name]
        assert list(graph.objects(cls, KG.ploverType)), f"{name} has no kg:ploverType"
        assert graph.value(cls, KG.kindName) == Literal(kind)
        parent = KG.DirectedFact if kind in KINDS[5:] else KG.UndirectedFact
        assert (cls, RDFS.subClassOf, parent) in graph
    assert graph.value(KG.Meeting, KG.ploverType) == Literal("CONSULT")
    assert graph.value(KG.Meeting, KG.ploverMode) == Literal("meet")
    assert graph.value(KG.Agreement, KG.ploverMode) is None
    assert set(graph.objects(KG.Force, KG.ploverType)) == {
        Literal("ASSAULT"), Literal("COERCE"), Literal("MOBILIZE")}


def test_kinds_yaml_and_the_ontology_define_the_same_kinds() -> None:
    """kg/data/kinds.yaml is where kinds are defined; ontology/kg.ttl, written by hand,
    must say the same of each: class, kindName, PLOVER type and mode, direction, definition,
    link property."""
    graph = kv.ontology_graph()
    kinds = load_kinds()
    for kind in kinds:
        cls, link = KG[kind.ontology_class], KG[kind.link]
        assert (cls, RDF.type, OWL.Class) in graph, kind.name
        assert graph.value(cls, KG.kindName) == Literal(kind.name)
        assert set(graph.objects(cls, KG.ploverType)) == {Literal(t) for t in kind.plover_type}
        assert set(graph.objects(cls, KG.ploverMode)) == {Literal(m) for m in kind.plover_mode}
        parent = KG.DirectedFact if kind.directed else KG.UndirectedFact
        assert set(graph.objects(cls, RDFS.subClassOf)) == {parent}, kind.name
        assert graph.value(cls, RDFS.comment) == Literal(kind.definition, lang="en")
        assert graph.value(link, KG.linkOf) == cls
        assert (link, RDF.type, OWL.ObjectProperty) in graph
        assert ((link, RDF.type, OWL.SymmetricProperty) in graph) == (not kind.directed)
    # ... and the ontology has no kind that kinds.yaml lacks.
    classes = {KG[k.ontology_class] for k in kinds}
    assert set(graph.subjects(KG.kindName, None)) == classes
    assert set(graph.objects(None, KG.linkOf)) == classes
    assert set(graph.subjects(KG.linkOf, None)) == {KG[k.link] for k in kinds}
    assert set(graph.subjects(RDFS.subClassOf, KG.DirectedFact)) == {
        KG[k.ontology_class] for k in kinds if k.directed}
    assert set(graph.subjects(RDFS.subClassOf, KG.UndirectedFact)) == {
        KG[k.ontology_class] for k in kinds if not k.directed}


def test_the_shapes_know_the_same_kinds() -> None:
    shapes = kv.shapes_graph()
    sh = Namespace("http://www.w3.org/ns/shacl#")
    kinds = load_kinds()
    classes = {KG[k.ontology_class] for k in kinds}
    fact_shape = URIRef("https://w3id.org/kg-bilateral/shapes#FactShape")
    assert set(shapes.objects(fact_shape, sh.targetClass)) == classes
    (words,) = [list(Collection(shapes, node)) for prop in shapes.objects(fact_shape, sh.property)
                if shapes.value(prop, sh.path) == KG.kind
                for node in shapes.objects(prop, sh["in"])]
    assert words == [Literal(k.name) for k in kinds]
    (message,) = [shapes.value(prop, sh.message) for prop in shapes.objects(fact_shape, sh.property)
                  if (prop, sh["in"], None) in shapes and shapes.value(prop, sh.path) == KG.kind]
    assert str(message).endswith(f"one of the {len(kinds)} words of FACTS.md: "
                                 + ", ".join(k.name for k in kinds))
    for kind in kinds:
        (shape,) = [s for s in shapes.subjects(sh.targetClass, KG[kind.ontology_class])
                    if s != fact_shape]
        values = {shapes.value(p, sh.hasValue) for p in shapes.objects(shape, sh.property)}
        assert values == {Literal(kind.name)}, kind.name


def test_the_tables_of_kinds_are_read_from_kinds_yaml() -> None:
    from kg.records import DIRECTED_KINDS
    from kg.views.analysis import KIND_WEIGHTS
    from kg.views.graphview import KIND_COLORS

    kinds = load_kinds()
    assert set(KINDS) == {k.name for k in kinds} and len(KINDS) == len(kinds) == 15
    assert DIRECTED_KINDS == tuple(k.name for k in kinds if k.directed)
    assert KINDS[:5] == tuple(k.name for k in kinds if not k.directed)
    assert KIND_CLASS == {k.name: k.ontology_class for k in kinds}
    assert KIND_LINK == {k.name: k.link for k in kinds}
    assert KIND_WEIGHTS == {k.name: k.weight for k in kinds}
    assert KIND_COLORS == {k.name: k.color for k in kinds}
    # Each weight is stated with its CAMEO anchor, and the sign says which side it is on.
    for kind in kinds:
        assert re.search(r"\b\d{3}\b", kind.cameo), kind
    assert {k.name for k in kinds if k.weight < 0} == {
        "criticism", "protest", "sanction", "threat", "rejection", "force"}


@pytest.mark.parametrize("edit, message", [
    (("directed: false", "directed: maybe", 1), "directed must be true or false"),
    (("weight: 1.0", "weight: 12", 1), "weight must be a number from -10 to 10"),
    (('color: "#0077bb"', 'color: "blue"', 1), "color must be #rrggbb"),
    (("  link: metWith\n", "", 1), "needs exactly the fields"),
    (("class: Meeting", "class: kg:Meeting", 1), "class must be an ontology term name"),
])
def test_a_malformed_kinds_file_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                           edit: tuple[str, str, int], message: str) -> None:
    import kg.kinds

    source = (ROOT / "kg" / "data" / "kinds.yaml").read_text(encoding="utf-8")
    assert edit[0] in source
    (tmp_path / "kinds.yaml").write_text(source.replace(*edit), encoding="utf-8")
    monkeypatch.setattr(kg.kinds, "KINDS_FILE", tmp_path / "kinds.yaml")
    kg.kinds.load_kinds.cache_clear()
    try:
        with pytest.raises(KgError, match=message):
            kg.kinds.load_kinds()
    finally:
        kg.kinds.load_kinds.cache_clear()


# (c) what the pipeline writes conforms


def test_sample_conforms(store: OxigraphStore) -> None:
    report = validate_store(store)
    assert report.lines() == []
    assert report.conforms


# rdflib's own N-Quads parser uses its deprecated Dataset.default_context.
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated")
def test_validate_graph_takes_a_dataset(store: OxigraphStore) -> None:
    from io import BytesIO

    from rdflib import Dataset

    buffer = BytesIO()
    store.dump(buffer, "nq")
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue(), format="nquads")
    assert validate_graph(dataset).conforms
    # The same without the country graph: sources and targets are no longer kg:Country.
    dataset.remove_graph(dataset.graph(URIRef(ACTORS_GRAPH)))
    report = validate_graph(dataset)
    assert not report.conforms
    assert any("must be a country IRI described as a kg:Country" in line
               for line in report.lines())


# (d) broken data gives readable violations


def test_missing_status(store: OxigraphStore) -> None:
    fact = ox.NamedNode(fact_iri("seed", "meeting", "GBR", "JPN"))
    _edit(store, remove=_quads(store, fact, _k("status")))
    report = validate_store(store)
    assert not report.conforms
    assert report.lines() == [
        f"<{fact.value}>: kg:status: a fact needs exactly one status (kg:status)"]
    (violation,) = report.violations
    assert violation.focus == fact.value
    assert violation.path == ONTOLOGY + "status"
    assert violation.severity == "Violation"


def test_confidence_above_one(store: OxigraphStore) -> None:
    fact = ox.NamedNode(fact_iri("seed", "meeting", "GBR", "JPN"))
    _edit(store, remove=_quads(store, fact, _k("confidence")),
          add=[ox.Quad(fact, _k("confidence"), ox.Literal("1.5", datatype=ox.NamedNode(
              "http://www.w3.org/2001/XMLSchema#decimal")), ox.NamedNode(graph_iri("seed")))])
    report = validate_store(store)
    assert not report.conforms
    assert [v.path for v in report.violations] == [ONTOLOGY + "confidence"]


def test_date_as_plain_string(store: OxigraphStore) -> None:
    fact = ox.NamedNode(fact_iri("seed", "call", "GBR", "JPN"))
    _edit(store, remove=_quads(store, fact, _k("date")),
          add=[ox.Quad(fact, _k("date"), ox.Literal("January 2026"),
                       ox.NamedNode(graph_iri("seed")))])
    report = validate_store(store)
    assert not report.conforms
    assert report.lines() == [
        f"<{fact.value}>: kg:date: a fact's date (kg:date) must be a valid xsd:date "
        "(YYYY-MM-DD), xsd:gYearMonth (YYYY-MM) or xsd:gYear (YYYY) literal "
        "(value: \"January 2026\")"]


def test_ill_formed_typed_date() -> None:
    doc = Document("bad-date", "text")
    facts = [_fact("bad-date", "meeting", "GBR", "JPN", 1, date="2026-02-30")]
    store = OxigraphStore()
    store.add(document_quads(doc, facts))
    store.add(country_quads(COUNTRIES))
    report = validate_store(store)
    assert not report.conforms
    assert any("kg:date: a fact's date (kg:date) must be a valid" in line
               for line in report.lines())


@pytest.mark.parametrize("lexical, datatype", [
    ("2025-13", "gYearMonth"), ("20x5", "gYear"), ("2026-02-30", "date")])
def test_ill_formed_date_literals(store: OxigraphStore, lexical: str, datatype: str) -> None:
    """rdflib checks xsd:date itself; the shapes' patterns check the other two."""
    fact = ox.NamedNode(fact_iri("seed", "call", "GBR", "JPN"))
    _edit(store, remove=_quads(store, fact, _k("date")),
          add=[ox.Quad(fact, _k("date"), ox.Literal(lexical, datatype=ox.NamedNode(
              XSD_NS + datatype)), ox.NamedNode(graph_iri("seed")))])
    (line,) = validate_store(store).lines()
    assert line.startswith(f"<{fact.value}>: kg:date: a fact's date (kg:date) must be a valid")
    assert line.endswith(f'(value: "{lexical}"^^xsd:{datatype})')


def test_bad_iso3(store: OxigraphStore) -> None:
    gbr = ox.NamedNode(country_iri("GBR"))
    _edit(store, remove=_quads(store, gbr, _k("iso3")),
          add=[ox.Quad(gbr, _k("iso3"), ox.Literal("xx"), ox.NamedNode(ACTORS_GRAPH))])
    report = validate_store(store)
    assert not report.conforms
    assert report.lines() == [
        "country:GBR: kg:iso3: a country needs exactly one ISO 3166-1 alpha-3 code (kg:iso3), "
        "three capital letters (value: \"xx\")"]


def test_several_faults_at_once(store: OxigraphStore) -> None:
    fact = ox.NamedNode(fact_iri("other 2", "aid", "JPN", "UKR"))
    graph = ox.NamedNode(graph_iri("other 2"))
    _edit(store, remove=_quads(store, fact, _k("kind")) + _quads(store, fact, _k("evidence")),
          add=[ox.Quad(fact, _k("kind"), ox.Literal("gift"), graph),
               ox.Quad(fact, _k("status"), ox.NamedNode(DATA + "maybe"), graph)])
    lines = validate_store(store).lines()
    messages = {line.split(": ", 2)[2] for line in lines}
    assert "a fact needs exactly one evidence (kg:evidence), a kg:Evidence" in messages
    assert "a kg:Aid must have kg:kind \"aid\"" in messages
    assert any(m.startswith("a fact needs exactly one kind (kg:kind), one of the 15 words")
               for m in messages)
    assert any(m.startswith("a fact needs exactly one status (kg:status)") for m in messages)
    assert any(m.startswith("a fact's status (kg:status) must be kg:Occurred") for m in messages)
    assert all(line.startswith(f"<{fact.value}>: ") for line in lines)


def test_missing_country_description() -> None:
    store = _store([c for c in COUNTRIES if c.iso3 != "USA"])
    lines = validate_store(store).lines()
    fact = fact_iri("other 2", "sanction", "USA", "RUS")
    assert (f"<{fact}>: kg:source: a fact's source (kg:source) must be a country IRI "
            "described as a kg:Country in the country graph (value: country:USA)") in lines


def test_evidence_and_person_faults(store: OxigraphStore) -> None:
    graph = ox.NamedNode(graph_iri("seed"))
    evidence = _quads(store, s=None, p=_k("sentence"))[0].subject
    person = ox.NamedNode(DATA + "person/GBR/keir-starmer")
    _edit(store, remove=_quads(store, evidence, _k("sentence"))
          + _quads(store, person, _k("actsFor")),
          add=[ox.Quad(evidence, _k("sentence"), ox.Literal(""), graph),
               ox.Quad(person, ox.NamedNode("https://schema.org/name"),
                       ox.Literal("Sir Keir Starmer"), graph)])
    lines = validate_store(store).lines()
    assert any(line.endswith("kg:sentence: an evidence needs exactly one non-empty sentence "
                             "(kg:sentence), a plain string (value: \"\")") for line in lines)
    assert f"<{person.value}>: kg:actsFor: a person acts for exactly one country " \
           "(kg:actsFor), a kg:Country" in lines
    # Two spellings of one person's name are allowed (IRIs fold case and punctuation).
    assert not any(line.startswith(f"<{person.value}>: schema:name") for line in lines)


def test_every_shape_has_a_message() -> None:
    shapes = kv.shapes_graph()
    sh = Namespace("http://www.w3.org/ns/shacl#")
    nodes = set(shapes.subjects(RDF.type, sh.NodeShape))
    props = set(shapes.objects(None, sh.property))
    assert len(nodes) >= 20 and len(props) >= 30
    assert sorted(str(s) for s in nodes | props if shapes.value(s, sh.message) is None) == []


def test_report_is_frozen() -> None:
    report = ValidationReport(True, ())
    with pytest.raises(AttributeError):
        report.conforms = False  # type: ignore[misc]
    assert report.lines() == []


def test_missing_shapes_file_raises(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(kv, "ONTOLOGY_DIR", tmp_path)
    with pytest.raises(KgError, match="shapes.ttl"):
        validate_graph(Graph())
    (tmp_path / "shapes.ttl").write_text("this is @@ not turtle", encoding="utf-8")
    with pytest.raises(KgError, match="not valid Turtle"):
        validate_graph(Graph())
