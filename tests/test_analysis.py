"""kg.views.analysis: facts read from a real in-memory store, graphs, scores, timelines, GraphML."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest
from conftest import store_of

from kg.errors import QueryError
from kg.extract.actors import Country
from kg.extract.documents import read_documents
from kg.graph.store import OxigraphStore
from kg.pipeline import build
from kg.records import KINDS, Document, Fact, Side
from kg.views.analysis import (
    KIND_WEIGHTS,
    STATUS_FACTORS,
    FactRow,
    actor_graph,
    centrality,
    country_graph,
    load_facts,
    pair_summary,
    score,
    timeline,
    top,
    write_graphml,
)

ROOT = Path(__file__).resolve().parent.parent
FACT = "https://w3id.org/kg-bilateral/id/fact/"

STARMER = Side("GBR", "Keir Starmer", "Prime Minister")
HASHIMOTO = Side("JPN", "Hashimoto Sanae", "Prime Minister")
SEED = Document("seed", "…", url="https://example.org/seed", date="2026-01-31",
                title="Japan–UK summit")
SECOND = Document("second", "…", date="2025-11-02")
THIRD = Document("third", "…", date="2026-03-05", title="東京 <b>&</b>")

FACTS = {
    SEED: [
        Fact("seed", "meeting", STARMER, HASHIMOTO, "They met in Tokyo.", (0, 18),
             date="2026-01-31"),
        Fact("seed", "invitation", STARMER, HASHIMOTO, "Starmer invited her.", (20, 40),
             date="2026-01-31", status="planned"),
        Fact("seed", "partnership", Side("GBR"), Side("JPN"), "Strategic partners.", (50, 69),
             label="global strategic partnership"),
    ],
    SECOND: [
        Fact("second", "call", HASHIMOTO, STARMER, "They spoke by phone.", (0, 20),
             date="2025-11-02"),
        Fact("second", "visit", Side("JPN", "Motegi Toshimitsu", "Foreign Minister"),
             Side("GBR"), "Motegi visited London.", (30, 52), date="2025-09"),
        Fact("second", "criticism", Side("JPN"), Side("CHN"), "Japan criticised China.",
             (60, 83), date="2025", attribution="commentary"),
    ],
    THIRD: [
        Fact("third", "sanction", Side("CHN"), Side("JPN"), "China did not sanction Japan.",
             (0, 29), date="2026-03", status="negated"),
    ],
}
COUNTRIES = [Country("GBR", "GB", "Q145", "United Kingdom"), Country("JPN", "JP", "Q17", "Japan"),
             Country("CHN", "CN", "Q148", "China")]


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return store_of(FACTS, COUNTRIES)


@pytest.fixture(scope="module")
def facts(store: OxigraphStore) -> list[FactRow]:
    return load_facts(store)


def kinds(rows: list[FactRow]) -> list[str]:
    return [r.kind for r in rows]


# --- load_facts ----------------------------------------------------------------------------


def test_load_facts_reads_every_field(facts: list[FactRow]) -> None:
    # Date order, undated last.
    assert kinds(facts) == ["criticism", "visit", "call", "invitation", "meeting", "sanction",
                            "partnership"]
    meeting = facts[4]
    assert meeting == FactRow(
        iri=FACT + "seed/meeting-GBR-JPN", kind="meeting", source="GBR", target="JPN",
        source_label="United Kingdom", target_label="Japan", source_person="Keir Starmer",
        target_person="Hashimoto Sanae", date="2026-01-31", status="occurred",
        attribution="reported", label=None, evidence="They met in Tokyo.", doc="seed",
        url="https://example.org/seed", title="Japan–UK summit")
    # An undirected fact is stored in code order: the sides swap with their persons.
    call = facts[2]
    assert (call.source, call.source_person, call.target, call.target_person) == (
        "GBR", "Keir Starmer", "JPN", "Hashimoto Sanae")
    assert facts[0].attribution == "commentary" and facts[0].date == "2025"
    assert facts[5].status == "negated" and facts[5].title == "東京 <b>&</b>"
    assert facts[6].label == "global strategic partnership" and facts[6].date is None
    assert FactRow.from_dict(meeting.to_dict()) == meeting


def test_load_facts_of_the_bundled_sample() -> None:
    store = OxigraphStore()
    build(read_documents([ROOT / "examples" / "seed.txt"]), store, workers=1)
    rows = load_facts(store)
    assert len(rows) == 10
    assert {(r.source, r.target) for r in rows} >= {("GBR", "JPN"), ("GBR", "CHN")}
    assert all(r.evidence and r.doc == "seed" for r in rows)


@pytest.mark.parametrize(("options", "expected"), [
    ({"country": "CHN"}, ["criticism", "sanction"]),
    ({"country": "chn"}, ["criticism", "sanction"]),
    ({"pair": ("JPN", "GBR")}, ["visit", "call", "invitation", "meeting", "partnership"]),
    ({"pair": ("GBR", "JPN")}, ["visit", "call", "invitation", "meeting", "partnership"]),
    ({"pair": ("GBR", "CHN")}, []),
    ({"kinds": ["visit", "sanction"]}, ["visit", "sanction"]),
    ({"since": "2026-01-01"}, ["invitation", "meeting", "sanction"]),
    # A date is compared at its own precision: 2025 overlaps "since 2025-06".
    ({"since": "2025-06"}, ["criticism", "visit", "call", "invitation", "meeting",
                            "sanction"]),
    ({"until": "2025-09"}, ["criticism", "visit"]),
    ({"until": "2026-01"}, ["criticism", "visit", "call", "invitation", "meeting"]),
    ({"since": "2025-10", "until": "2026-01-31"}, ["criticism", "call", "invitation",
                                                   "meeting"]),
    ({"country": "JPN", "kinds": ["meeting"], "since": "2026"}, ["meeting"]),
])
def test_load_facts_filters(store: OxigraphStore, options: dict, expected: list[str]) -> None:
    assert kinds(load_facts(store, **options)) == expected


@pytest.mark.parametrize(("options", "message"), [
    ({"country": 'JPN" } UNION { ?s ?p ?o'}, "is not an ISO 3166-1 alpha-3 code"),
    ({"country": "Japan"}, "is not an ISO 3166-1 alpha-3 code"),
    ({"pair": ("JPN",)}, "give exactly two country codes"),
    ({"kinds": ["meeting", "hug"]}, "unknown kind 'hug'"),
    ({"since": "last year"}, "is not a date"),
    ({"until": "2026-1-1"}, "is not a date"),
    ({"min_confidence": 1.5}, "not a number from 0 to 1"),
])
def test_load_facts_refuses_bad_filters(store: OxigraphStore, options: dict,
                                        message: str) -> None:
    with pytest.raises(QueryError, match=message):
        load_facts(store, **options)


def test_filter_values_never_reach_the_query_text(store: OxigraphStore) -> None:
    # Kinds are checked against the list, so nothing else can be bound; and a value that
    # looks like SPARQL is only ever a literal.
    calls = []

    class Spy:
        def query(self, sparql, **kw):  # type: ignore[no-untyped-def]
            calls.append((sparql, kw))
            return store.query(sparql, **kw)

    load_facts(Spy(), country="JPN", kinds=["call"], since="2025", min_confidence=0.5)
    load_facts(Spy())
    assert calls[0][0] == calls[1][0]
    assert "JPN" not in calls[0][0] and "0.5" not in calls[0][0]
    assert {k: v.value for k, v in calls[0][1]["substitutions"].items()} == {
        "p_country": "JPN", "p_a": "", "p_b": "", "p_kinds": " call ",
        "p_since": "2025-00-00", "p_until": "", "p_confidence": "0.500000"}


# --- graphs --------------------------------------------------------------------------------


def test_country_graph(facts: list[FactRow]) -> None:
    graph = country_graph(facts)
    assert isinstance(graph, nx.DiGraph)
    assert list(graph.nodes) == ["CHN", "GBR", "JPN"]
    assert graph.nodes["JPN"] == {"label": "Japan", "type": "country", "facts": 7}
    # Undirected kinds count both ways, directed ones from their source.
    jpn_gbr, gbr_jpn = graph.edges["JPN", "GBR"], graph.edges["GBR", "JPN"]
    assert (jpn_gbr["weight"], gbr_jpn["weight"]) == (4, 4)
    assert (jpn_gbr["n_visit"], gbr_jpn["n_visit"]) == (1, 0)
    assert (jpn_gbr["n_invitation"], gbr_jpn["n_invitation"]) == (0, 1)
    assert jpn_gbr["n_call"] == gbr_jpn["n_call"] == 1
    assert graph.edges["JPN", "CHN"]["n_criticism"] == 1
    assert graph.edges["CHN", "JPN"]["n_sanction"] == 1
    assert not graph.has_edge("GBR", "CHN")
    # A negated sanction carries no weight: no fact left to score.
    assert graph.edges["CHN", "JPN"]["score"] == 0.0
    assert graph.edges["JPN", "CHN"]["score"] == -2.0


def test_actor_graph(facts: list[FactRow]) -> None:
    graph = actor_graph(facts)
    persons = {n: d for n, d in graph.nodes(data=True) if d["type"] == "person"}
    assert set(persons) == {"GBR/Keir Starmer", "JPN/Hashimoto Sanae",
                            "JPN/Motegi Toshimitsu"}
    assert persons["JPN/Motegi Toshimitsu"] == {
        "label": "Motegi Toshimitsu", "type": "person", "country": "JPN", "facts": 1}
    assert graph.edges["JPN/Motegi Toshimitsu", "JPN"]["relation"] == "acts_for"
    assert graph.edges["JPN/Motegi Toshimitsu", "GBR"]["n_visit"] == 1
    assert graph.edges["GBR/Keir Starmer", "JPN/Hashimoto Sanae"]["weight"] == 3
    assert graph.edges["JPN/Hashimoto Sanae", "GBR/Keir Starmer"]["weight"] == 2
    assert graph.edges["GBR", "JPN"]["n_partnership"] == 1


def test_centrality(facts: list[FactRow]) -> None:
    graph = country_graph(facts)
    assert centrality(graph) == [("JPN", 1.0), ("CHN", 0.5), ("GBR", 0.5)]
    assert centrality(graph, "strength") == [("JPN", 1.0), ("GBR", 0.714286),
                                             ("CHN", 0.285714)]
    assert centrality(graph, "betweenness") == [("JPN", 1.0), ("CHN", 0.0), ("GBR", 0.0)]
    with pytest.raises(ValueError, match="unknown measure"):
        centrality(graph, "pagerank-ish")


def test_kind_weights_cover_every_kind_on_the_goldstein_scale() -> None:
    assert set(KIND_WEIGHTS) == set(KINDS)
    assert all(-10 <= w <= 10 for w in KIND_WEIGHTS.values())
    cooperative = {"meeting", "call", "visit", "invitation", "agreement", "cooperation",
                   "partnership", "support", "aid"}
    assert {k for k, w in KIND_WEIGHTS.items() if w > 0} == cooperative
    assert KIND_WEIGHTS["force"] == min(KIND_WEIGHTS.values())
    assert STATUS_FACTORS == {"occurred": 1.0, "planned": 0.5, "negated": 0.0}


def test_pair_summary(facts: list[FactRow]) -> None:
    gbr_jpn, chn_jpn = pair_summary(facts)
    assert (gbr_jpn.a, gbr_jpn.b, gbr_jpn.facts) == ("GBR", "JPN", 5)
    assert gbr_jpn.by_kind == (("meeting", 1), ("call", 1), ("partnership", 1),
                               ("visit", 1), ("invitation", 1))
    assert (gbr_jpn.a_to_b, gbr_jpn.b_to_a, gbr_jpn.mutual) == (1, 1, 3)
    assert (gbr_jpn.cooperative, gbr_jpn.conflictual) == (5, 0)
    # meeting 1 + call 1 + partnership 5 + visit 1.9 + invitation 4 × 0.5, over 4.5 facts.
    assert gbr_jpn.score == round((1 + 1 + 5 + 1.9 + 2) / 4.5, 3)
    assert (gbr_jpn.first_date, gbr_jpn.last_date) == ("2025-09", "2026-01-31")
    assert (chn_jpn.a, chn_jpn.b, chn_jpn.a_to_b, chn_jpn.b_to_a) == ("CHN", "JPN", 1, 1)
    assert (chn_jpn.conflictual, chn_jpn.score) == (2, -2.0)
    assert chn_jpn.to_dict()["by_kind"] == {"criticism": 1, "sanction": 1}
    assert score([]) == 0.0


def test_timeline(facts: list[FactRow]) -> None:
    entries = timeline(facts, "gbr", "JPN")
    assert [(e.date, e.kind, e.source, e.weight) for e in entries] == [
        ("2025-09", "visit", "JPN", 1.9), ("2025-11-02", "call", "GBR", 1.0),
        ("2026-01-31", "invitation", "GBR", 2.0), ("2026-01-31", "meeting", "GBR", 1.0),
        (None, "partnership", "GBR", 5.0)]
    assert [e.balance for e in entries] == [1.9, 1.45, 1.96, 1.686, 2.422]
    assert entries[-1].balance == pair_summary(facts)[0].score
    assert timeline(facts, "JPN", "GBR") == entries
    assert entries[0].to_dict()["fact"] == FACT + "second/visit-JPN-GBR"


def test_top_report(store: OxigraphStore, facts: list[FactRow]) -> None:
    report = top(store, 5)
    assert report == top(facts, 5)
    assert report.lines() == [
        "7 facts, 3 countries, 2 pairs",
        "",
        "Most active pairs (top 2 of 2):",
        "  1. GBR–JPN  5 facts  score +2.4  meeting 1, call 1, partnership 1, visit 1, "
        "invitation 1",
        "  2. CHN–JPN  2 facts  score -2.0  criticism 1, sanction 1",
        "",
        "Most central countries (degree centrality, top 3 of 3):",
        "  1. JPN Japan  1.000  2 partners  7 facts",
        "  2. GBR United Kingdom  0.500  1 partner  5 facts",
        "  3. CHN China  0.500  1 partner  2 facts",
    ]
    assert len(top(facts, 1).pairs) == 1
    assert top(facts, 2, measure="strength").to_dict()["central"][0]["iso3"] == "JPN"
    with pytest.raises(ValueError):
        top(facts, 0)


def test_top_of_nothing() -> None:
    assert top([], 3).lines()[0] == "0 facts, 0 countries, 0 pairs"


def test_write_graphml_round_trips_with_scalar_attributes(facts: list[FactRow]) -> None:
    graph = actor_graph(facts)
    graph.graph["note"] = ("a", "tuple")
    graph.nodes["JPN"]["label"] = "Japan\x00\x07 東京"
    graph.nodes["GBR"]["missing"] = None
    out = io.BytesIO()
    write_graphml(graph, out)
    back = nx.read_graphml(io.BytesIO(out.getvalue()))
    assert set(back.nodes) == set(graph.nodes)
    assert back.number_of_edges() == graph.number_of_edges()
    assert back.nodes["JPN"]["label"] == "Japan\ufffd\ufffd 東京"
    assert "missing" not in back.nodes["GBR"]
    assert back.graph["note"] == '["a", "tuple"]'
    assert back.edges["GBR/Keir Starmer", "JPN/Hashimoto Sanae"]["weight"] == 3
    again = io.BytesIO()
    write_graphml(graph, again)
    assert again.getvalue() == out.getvalue()  # deterministic


def test_write_graphml_of_a_multigraph() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("A", "B", key="x", kinds=["meeting"])
    graph.add_edge("A", "B", key="y", weight=2)
    out = io.BytesIO()
    write_graphml(graph, out)
    back = nx.read_graphml(io.BytesIO(out.getvalue()), force_multigraph=True)
    assert back.number_of_edges() == 2


def test_one_solution_per_fact_though_persons_recur_across_documents(
        store: OxigraphStore) -> None:
    # Starmer and Hashimoto are described in two graphs; the union of all graphs would
    # give each of their facts once per graph (and the query would slow down with it).
    solutions = []

    class Spy:
        def query(self, sparql, **kw):  # type: ignore[no-untyped-def]
            solutions.extend(store.query(sparql, **kw))
            return iter(solutions)

    rows = load_facts(Spy())
    assert len(solutions) == len(rows) == 7
