"""kg.graph.query and kg.views.render against a real in-memory Oxigraph store, filled through
kg.graph.rdf."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import store_of

from kg.errors import QueryError
from kg.events.graph import refresh_events
from kg.extract.actors import Country
from kg.graph.query import (
    NO_SERVICE,
    PREFIXES,
    READ_ONLY,
    QueryResult,
    check_read_only,
    normalise_escapes,
    prefix_declarations,
    resolve_country,
    run_query,
    run_saved,
    saved_queries,
)
from kg.graph.store import OxigraphStore
from kg.graph.vocab import graph_iri
from kg.records import Document, Fact, Place, Side
from kg.views.render import (
    GRAPH_FORMATS,
    ROW_FORMATS,
    write_boolean,
    write_rows,
    write_triples,
)

STARMER = Side("GBR", "Keir Starmer", "Prime Minister")
HASHIMOTO = Side("JPN", "Hashimoto Sanae", "Prime Minister")
SEED = Document("seed", "…", url="https://example.org/seed", date="2026-01-31",
                title="Japan–UK summit", source="gov.uk")
SECOND = Document("second", "…", url="https://example.org/second", date="2025-11-02",
                  title="UK and Japan hold talks")
THIRD = Document("third", "…", date="2026-02-10")

MEETING = "Prime Minister Hashimoto met Prime Minister Starmer in Tokyo."
INVITATION = "I also received an invitation from Prime Minister Starmer to visit Chequers."
PARTNERSHIP = "The two countries upgraded ties to a global strategic partnership."
SUPPORT = "Both leaders reaffirmed their support for Ukraine."
CALL = "Starmer spoke with Hashimoto by phone."
MOTEGI = "Foreign Minister Motegi visited London in September."
COMMENT = "In our view, Japan was right to criticise China."
PLANNED_VISIT = "Hashimoto will visit Chequers in March."

FACTS = {
    SEED: [
        Fact("seed", "meeting", STARMER, HASHIMOTO, MEETING, (0, 60), date="2026-01-31",
             location=Place("Tokyo", "JPN")),
        Fact("seed", "invitation", STARMER, HASHIMOTO, INVITATION, (100, 176),
             date="2026-01-31", location=Place("Chequers", "GBR"), status="planned"),
        Fact("seed", "partnership", Side("GBR"), Side("JPN"), PARTNERSHIP, (200, 266),
             label="global strategic partnership", topics=("security",)),
        Fact("seed", "support", Side("JPN"), Side("UKR"), SUPPORT, (300, 350),
             date="2026-01-31"),
        Fact("seed", "support", Side("GBR"), Side("UKR"), SUPPORT, (300, 350),
             date="2026-01-31"),
    ],
    SECOND: [
        Fact("second", "call", STARMER, HASHIMOTO, CALL, (0, 38), date="2025-11-02"),
        Fact("second", "visit", Side("JPN", "Motegi Toshimitsu", "Foreign Minister"),
             Side("GBR"), MOTEGI, (40, 92), date="2025-09", location=Place("London", "GBR")),
        Fact("second", "criticism", Side("JPN"), Side("CHN"), COMMENT, (100, 149),
             date="2025", attribution="commentary"),
    ],
    # Shares the place Chequers and both persons with `seed`: still one row per fact.
    THIRD: [
        Fact("third", "visit", HASHIMOTO, STARMER, PLANNED_VISIT, (0, 39), date="2026-03",
             location=Place("Chequers", "GBR"), status="planned"),
    ],
}
COUNTRIES = [
    Country("GBR", "GB", "Q145", "United Kingdom"), Country("JPN", "JP", "Q17", "Japan"),
    Country("CHN", "CN", "Q148", "China"), Country("UKR", "UA", "Q212", "Ukraine"),
]
COUNTRY = "https://w3id.org/kg-bilateral/id/country/"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture
def store() -> OxigraphStore:
    return store_of(FACTS, COUNTRIES)


def values(result: QueryResult) -> list[tuple[str | None, ...]]:
    return [tuple(None if t is None else t.value for t in row) for row in result.rows]


# --- saved queries -----------------------------------------------------------------------

PAIR_TIMELINE = [
    ("2025-09", "visit", "JPN", "GBR", "occurred", "reported", None, MOTEGI, "second"),
    ("2025-11-02", "call", "GBR", "JPN", "occurred", "reported", None, CALL, "second"),
    ("2026-01-31", "invitation", "GBR", "JPN", "planned", "reported", None, INVITATION, "seed"),
    ("2026-01-31", "meeting", "GBR", "JPN", "occurred", "reported", None, MEETING, "seed"),
    ("2026-03", "visit", "JPN", "GBR", "planned", "reported", None, PLANNED_VISIT, "third"),
    (None, "partnership", "GBR", "JPN", "occurred", "reported", "global strategic partnership",
     PARTNERSHIP, "seed"),
]


def test_saved_queries_are_listed_with_their_headers() -> None:
    queries = saved_queries()
    assert list(queries) == sorted(queries)
    assert {"pair-timeline", "partners", "invitations-visits", "pair-evidence",
            "partnerships", "country-facts"} <= set(queries)
    assert queries["pair-timeline"].param_names == ("a", "b")
    assert queries["pair-timeline"].params[0] == (
        "a", "one country, by code or name (e.g. a=JPN)")
    assert queries["pair-timeline"].param_type("a") == "country"
    assert queries["facts-since"].param_type("since") == "date"
    assert queries["partners"].param_names == ("country",)
    assert queries["partners"].needs_events and not queries["partner-facts"].needs_events
    assert queries["invitations-visits"].params == ()
    assert queries["partnerships"].params == ()
    for query in queries.values():
        assert query.title and query.title != query.name
        assert query.description
        check_read_only(query.text)


def test_pair_timeline(store: OxigraphStore) -> None:
    result = run_saved(store, "pair-timeline", {"a": "JPN", "b": "GBR"})
    assert result.variables == ("date", "kind", "source", "target", "status", "attribution",
                                "label", "evidence", "doc")
    assert values(result) == PAIR_TIMELINE


def test_pair_timeline_is_symmetric(store: OxigraphStore) -> None:
    forward = run_saved(store, "pair-timeline", {"a": "JPN", "b": "GBR"})
    backward = run_saved(store, "pair-timeline", {"a": "GBR", "b": "JPN"})
    assert forward == backward
    assert values(run_saved(store, "pair-timeline", {"a": "UKR", "b": "JPN"})) == [
        ("2026-01-31", "support", "JPN", "UKR", "occurred", "reported", None, SUPPORT, "seed")]


def test_undirected_facts_match_in_either_stored_order(store: OxigraphStore) -> None:
    # A call stored JPN → GBR (kg.graph.rdf sorts the pair, another writer might not).
    kg_ = "https://w3id.org/kg-bilateral/ontology#"
    graph = ox.NamedNode(graph_iri("handmade"))
    fact, evidence = ox.NamedNode("urn:x:fact"), ox.NamedNode("urn:x:evidence")
    doc = ox.NamedNode("urn:x:doc")
    jpn, gbr = ox.NamedNode(COUNTRY + "JPN"), ox.NamedNode(COUNTRY + "GBR")
    store.add(ox.Quad(s, ox.NamedNode(kg_ + p), o, graph) for s, p, o in [
        (fact, "kind", ox.Literal("call")), (fact, "source", jpn), (fact, "target", gbr),
        (fact, "involves", jpn), (fact, "involves", gbr), (fact, "status", ox.NamedNode(
            kg_ + "Occurred")), (fact, "attribution", ox.NamedNode(kg_ + "Reported")),
        (fact, "date", ox.Literal("2024-05-01", datatype=ox.NamedNode(XSD + "date"))),
        (fact, "evidence", evidence), (evidence, "sentence", ox.Literal("They spoke.")),
        (evidence, "inDocument", doc)])
    store.add([ox.Quad(doc, ox.NamedNode("http://purl.org/dc/terms/identifier"),
                       ox.Literal("handmade"), graph)])
    expected = ("2024-05-01", "call", "JPN", "GBR", "occurred", "reported", None,
                "They spoke.", "handmade")
    for a, b in (("JPN", "GBR"), ("GBR", "JPN")):
        assert values(run_saved(store, "pair-timeline", {"a": a, "b": b}))[0] == expected


def test_partner_facts(store: OxigraphStore) -> None:
    result = run_saved(store, "partner-facts", {"country": "GBR"})
    assert result.variables == ("partner", "partner_label", "facts", "kinds")
    assert values(result) == [
        ("JPN", "Japan", "6", "call, invitation, meeting, partnership, visit"),
        ("UKR", "Ukraine", "1", "support"),
    ]
    assert values(run_saved(store, "partner-facts", {"country": "JPN"}))[1:] == [
        ("CHN", "China", "1", "criticism"), ("UKR", "Ukraine", "1", "support")]


def test_partners_count_events_not_copies() -> None:
    # A reprint of the seed's meeting: one more fact and document, the same event and report.
    reprint = Document("reprint", "…", date="2026-01-31", source="wire")
    store = store_of({**FACTS, reprint: [
        Fact("reprint", "meeting", STARMER, HASHIMOTO, MEETING, (0, 60), date="2026-01-31",
             location=Place("Tokyo", "JPN"))]}, COUNTRIES)
    refresh_events(store)
    result = run_saved(store, "partners", {"country": "GBR"})
    assert result.variables == ("partner", "partner_label", "events", "reports", "documents",
                                "kinds")
    assert values(result) == [
        ("JPN", "Japan", "6", "6", "7", "call 1, invitation 1, meeting 1, partnership 1, visit 2"),
        ("UKR", "Ukraine", "1", "1", "1", "support 1"),
    ]
    assert values(run_saved(store, "partner-facts", {"country": "GBR"}))[0][:3] == (
        "JPN", "Japan", "7")


def test_partners_are_refused_on_facts_without_events(store: OxigraphStore) -> None:
    # What an older kg wrote: facts, and no events to count.
    with pytest.raises(QueryError, match=r"^saved query partners counts events, and this store "
                       r"has facts but no events .*; partner-facts counts facts$"):
        run_saved(store, "partners", {"country": "GBR"})
    # A store with no facts has no partners, and says so.
    assert run_saved(OxigraphStore(), "partners", {"country": "GBR"}).rows == ()


def test_a_build_of_unchanged_documents_groups_the_events_an_older_kg_left_out() -> None:
    from kg.events.graph import has_events
    from kg.pipeline import build

    examples = Path(__file__).resolve().parent.parent / "examples"
    store = OxigraphStore()
    build(examples, store, workers=1)
    answer = run_saved(store, "partners", {"country": "JPN"}).rows
    for graph in [g for g in store.graphs() if "/graph/kg/events/" in g]:
        store.replace_graph(graph, [])  # as an older kg left it
    assert not has_events(store)
    again = build(examples, store, workers=1)
    assert (again.documents, len(again.unchanged)) == (0, 2)
    assert has_events(store) and run_saved(store, "partners", {"country": "JPN"}).rows == answer


def test_needs_names_only_events(tmp_path: Path) -> None:
    (tmp_path / "odd.rq").write_text("# needs: summaries\nSELECT * {}\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"^saved query odd: it can only need events"):
        saved_queries(tmp_path)


def test_invitations_visits(store: OxigraphStore) -> None:
    result = run_saved(store, "invitations-visits", {})
    assert result.variables == ("date", "kind", "source", "source_person", "target",
                                "target_person", "place", "status", "attribution", "evidence",
                                "doc")
    assert values(result) == [
        ("2025-09", "visit", "JPN", "Motegi Toshimitsu", "GBR", None, "London", "occurred",
         "reported", MOTEGI, "second"),
        ("2026-01-31", "invitation", "GBR", "Keir Starmer", "JPN", "Hashimoto Sanae",
         "Chequers", "planned", "reported", INVITATION, "seed"),
        ("2026-03", "visit", "JPN", "Hashimoto Sanae", "GBR", "Keir Starmer", "Chequers",
         "planned", "reported", PLANNED_VISIT, "third"),
    ]


def test_pair_evidence(store: OxigraphStore) -> None:
    result = run_saved(store, "pair-evidence", {"a": "GBR", "b": "JPN"})
    assert result.variables == ("kind", "source", "target", "evidence", "start", "end", "doc",
                                "url", "title")
    second = ("second", "https://example.org/second", "UK and Japan hold talks")
    seed = ("seed", "https://example.org/seed", "Japan–UK summit")
    assert values(result) == [
        ("call", "GBR", "JPN", CALL, "0", "38", *second),
        ("visit", "JPN", "GBR", MOTEGI, "40", "92", *second),
        ("meeting", "GBR", "JPN", MEETING, "0", "60", *seed),
        ("invitation", "GBR", "JPN", INVITATION, "100", "176", *seed),
        ("partnership", "GBR", "JPN", PARTNERSHIP, "200", "266", *seed),
        ("visit", "JPN", "GBR", PLANNED_VISIT, "0", "39", "third", None, None),
    ]
    assert result.rows[0][4] == ox.Literal("0", datatype=ox.NamedNode(XSD + "integer"))
    assert run_saved(store, "pair-evidence", {"a": "JPN", "b": "GBR"}) == result


def test_partnerships(store: OxigraphStore) -> None:
    result = run_saved(store, "partnerships")
    assert result.variables == ("source", "target", "label", "status", "attribution", "date",
                                "evidence", "doc")
    assert values(result) == [("GBR", "JPN", "global strategic partnership", "occurred",
                               "reported", None, PARTNERSHIP, "seed")]


def test_country_facts(store: OxigraphStore) -> None:
    result = run_saved(store, "country-facts", {"country": "JPN"})
    assert [row[:4] for row in values(result)] == [
        ("2025", "criticism", "JPN", "CHN"),
        ("2025-09", "visit", "JPN", "GBR"),
        ("2025-11-02", "call", "GBR", "JPN"),
        ("2026-01-31", "invitation", "GBR", "JPN"),
        ("2026-01-31", "meeting", "GBR", "JPN"),
        ("2026-01-31", "support", "JPN", "UKR"),
        ("2026-03", "visit", "JPN", "GBR"),
        (None, "partnership", "GBR", "JPN"),
    ]
    criticism = values(result)[0]
    assert criticism[5] == "commentary" and criticism[7] == COMMENT


def test_facts_since_compares_at_each_date_precision(store: OxigraphStore) -> None:
    rows = values(run_saved(store, "facts-since", {"since": "2026-01-31"}))
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("2026-01-31", "invitation", "GBR", "JPN"), ("2026-01-31", "meeting", "GBR", "JPN"),
        ("2026-01-31", "support", "GBR", "UKR"), ("2026-01-31", "support", "JPN", "UKR"),
        ("2026-03", "visit", "JPN", "GBR")]
    # A fact dated only "2025" reaches 2025-12-01; one of "2025-11-02" does not.
    rows = values(run_saved(store, "facts-since", {"since": "2025-12-01"}))
    assert [r[1] for r in rows] == [
        "criticism", "invitation", "meeting", "support", "support", "visit"]
    rows = values(run_saved(store, "facts-since", {"since": "2025-06-01"}))
    assert rows[0][:2] == ("2025", "criticism") and len(rows) == 8


def test_documents(store: OxigraphStore) -> None:
    assert values(run_saved(store, "documents")) == [
        ("third", "2026-02-10", None, None, "1"),
        ("seed", "2026-01-31", "Japan–UK summit", "https://example.org/seed", "5"),
        ("second", "2025-11-02", "UK and Japan hold talks", "https://example.org/second", "3"),
    ]


def test_saved_query_errors(store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match=r"unknown saved query 'nope'; known: .*pair-timeline"):
        run_saved(store, "nope", {})
    with pytest.raises(QueryError, match=r"pair-timeline needs parameter b \(the other"):
        run_saved(store, "pair-timeline", {"a": "JPN"})
    with pytest.raises(QueryError, match=r"has no parameter 'c' \(its parameters: a, b\)"):
        run_saved(store, "pair-timeline", {"a": "JPN", "b": "GBR", "c": "x"})
    with pytest.raises(QueryError, match=r"partnerships has no parameter 'a' .*none"):
        run_saved(store, "partnerships", {"a": "JPN"})


INJECTIONS = ['x" } UNION { ?s ?p ?o } #', 'nomatch" || "1" = "1', "JPN' . ?s ?p ?o #",
              "<https://w3id.org/kg-bilateral/id/country/JPN>", "JPN\n} UNION {"]


TEXT_PARAM_QUERY = """# title: Countries by code
# description: A user's own saved query with a text parameter.
# param: code — any text
SELECT ?code ?c WHERE { ?c kg:iso3 ?code }
"""


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_looking_params_match_nothing(store: OxigraphStore, value: str,
                                                tmp_path: Path) -> None:
    # Country parameters are checked first: such a value is no country.
    for name, params in [("pair-timeline", {"a": value, "b": "GBR"}),
                         ("partners", {"country": value}), ("country-facts", {"country": value})]:
        with pytest.raises(QueryError, match="is not a known country code or name"):
            run_saved(store, name, params)
    # A text parameter passes as is, bound as a term: it matches nothing.
    (tmp_path / "by-code.rq").write_text(TEXT_PARAM_QUERY, encoding="utf-8")
    assert run_saved(store, "by-code", {"code": value}, folder=tmp_path).rows == ()
    assert len(run_saved(store, "by-code", {"code": "JPN"}, folder=tmp_path).rows) == 1


@pytest.mark.parametrize("value, iso3", [
    ("usa", "USA"), ("US", "USA"), ("United States of America", "USA"), ("Germany", "DEU"),
    ("germany", "DEU"), ("jpn", "JPN"), (" Japan ", "JPN"), ("GB", "GBR"),
])
def test_country_parameters_take_codes_and_names(value: str, iso3: str) -> None:
    assert resolve_country(value) == iso3


def test_country_parameters_resolve_before_binding(store: OxigraphStore) -> None:
    refresh_events(store)
    by_code = run_saved(store, "partners", {"country": "GBR"})
    assert by_code.rows
    assert run_saved(store, "partners", {"country": "United Kingdom"}) == by_code
    assert run_saved(store, "pair-timeline", {"a": "japan", "b": "gbr"}).rows


@pytest.mark.parametrize("value, message", [
    ("Germny", r"country='Germny' is not a known country code or name; did you mean DEU "
               r"\(Germany\)"),
    ("Narnia", r"country='Narnia' is not a known country code or name$"),
])
def test_unknown_countries_fail_with_a_hint(store: OxigraphStore, value: str,
                                            message: str) -> None:
    with pytest.raises(QueryError, match=r"^saved query partners: " + message):
        run_saved(store, "partners", {"country": value})


@pytest.mark.parametrize("value, message", [
    ("yesterday", "since='yesterday' is not a day as YYYY-MM-DD"),
    ("2026-02-30", "since='2026-02-30' is not a day of the calendar"),
    ("2026-01", "since='2026-01' is not a day as YYYY-MM-DD"),
])
def test_date_parameters_fail_clearly(store: OxigraphStore, value: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        run_saved(store, "facts-since", {"since": value})
    assert str(caught.value) == "saved query facts-since: " + message
    assert run_saved(store, "facts-since", {"since": " 2026-01-01 "}).rows


def test_users_keep_saved_queries_in_a_folder(store: OxigraphStore, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "by-code.rq").write_text(TEXT_PARAM_QUERY, encoding="utf-8")
    (tmp_path / "partners.rq").write_text(
        "# title: Mine\n# description: Overrides the shipped one.\n"
        "SELECT ?x WHERE { BIND(1 AS ?x) }\n", encoding="utf-8")
    assert "by-code" not in saved_queries()
    mine = saved_queries(tmp_path)
    assert mine["by-code"].path == str(tmp_path / "by-code.rq")
    assert mine["partners"].title == "Mine" and mine["pair-timeline"].path is None
    monkeypatch.setenv("KG_QUERIES", str(tmp_path))
    assert values(run_saved(store, "partners")) == [("1",)]
    (tmp_path / "bad.rq").write_text("# param: x (colour) — no such type\nSELECT ?x {}\n",
                                     encoding="utf-8")
    with pytest.raises(QueryError, match="parameter x has unknown type 'colour'"):
        saved_queries()
    with pytest.raises(QueryError, match="saved queries folder .*nowhere does not exist"):
        saved_queries(tmp_path / "nowhere")


# --- run_query -----------------------------------------------------------------------------


def test_run_query_select_with_prefixes_and_params(store: OxigraphStore) -> None:
    sparql = "SELECT ?code ?label WHERE { ?c kg:iso3 ?code ; rdfs:label ?label }"
    result = run_query(store, sparql, params={"code": "JPN"})
    assert result.form == "select"
    assert result.variables == ("code", "label")
    assert result.rows == ((ox.Literal("JPN"), ox.Literal("Japan", language="en")),)


def test_params_bind_iris_only_when_iri_shaped(store: OxigraphStore) -> None:
    sparql = "SELECT ?c ?code WHERE { ?c kg:iso3 ?code }"
    result = run_query(store, sparql, params={"c": f"<{COUNTRY}JPN>"})
    assert values(result) == [(COUNTRY + "JPN", "JPN")]
    # Not a safe IRI: bound as a string, which no subject is.
    for value in (f"<{COUNTRY}JPN> . ?x ?y ?z", f"<{COUNTRY}J PN>", f"{COUNTRY}JPN"):
        assert run_query(store, sparql, params={"c": value}).rows == ()
    assert run_query(store, sparql, params={"?code": "GBR"}).rows[0][0] == ox.NamedNode(
        COUNTRY + "GBR")


def test_param_must_be_projected_and_well_named(store: OxigraphStore) -> None:
    with pytest.raises(QueryError, match=r"^parameter \?x must appear in the SELECT clause"):
        run_query(store, "SELECT ?c WHERE { ?c kg:iso3 ?x }", params={"x": "JPN"})
    with pytest.raises(QueryError, match="bad parameter name"):
        run_query(store, "SELECT * WHERE { ?c kg:iso3 ?x }", params={"x y": "JPN"})


def test_ask(store: OxigraphStore) -> None:
    yes = run_query(store, "ASK { country:GBR kg:invited country:JPN }")
    no = run_query(store, "ASK { country:JPN kg:invited country:GBR }")
    assert (yes.form, yes.boolean, no.boolean) == ("ask", True, False)
    for fmt, expected in (("table", "true\n"), ("csv", "true\n"), ("tsv", "true\n"),
                          ("json", '{"head":{},"boolean":true}\n')):
        out = io.StringIO()
        write_rows(yes, out, fmt)
        assert out.getvalue() == expected
    out = io.StringIO()
    write_boolean(False, out, "json")
    assert out.getvalue() == '{"head":{},"boolean":false}\n'
    out = io.StringIO()
    write_boolean(False, out, "table")
    assert out.getvalue() == "false\n"


def test_construct_to_turtle_parses_back(store: OxigraphStore) -> None:
    result = run_query(store, "CONSTRUCT { ?a kg:invited ?b . ?a rdfs:label ?l } "
                              "WHERE { ?a kg:invited ?b ; rdfs:label ?l }")
    assert result.form == "graph"
    gbr, jpn = ox.NamedNode(COUNTRY + "GBR"), ox.NamedNode(COUNTRY + "JPN")
    expected = {
        ox.Triple(gbr, ox.NamedNode("https://w3id.org/kg-bilateral/ontology#invited"), jpn),
        ox.Triple(gbr, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                  ox.Literal("United Kingdom", language="en")),
    }
    assert set(result.triples) == expected
    out = io.BytesIO()
    write_triples(result.triples, out, "ttl")
    text = out.getvalue().decode()
    assert text == (
        "@prefix country: <https://w3id.org/kg-bilateral/id/country/> .\n"
        "@prefix kg: <https://w3id.org/kg-bilateral/ontology#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'country:GBR rdfs:label "United Kingdom"@en ;\n\tkg:invited country:JPN .\n')
    parsed = ox.parse(out.getvalue(), format=ox.RdfFormat.TURTLE)
    assert {ox.Triple(q.subject, q.predicate, q.object) for q in parsed} == expected


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_every_graph_format_round_trips(store: OxigraphStore, fmt: str) -> None:
    result = run_query(store, "DESCRIBE country:UKR")  # only ever a target: no links
    assert len(result.triples) == 5  # type, label, iso3, iso2, sameAs
    out = io.BytesIO()
    write_triples(result.triples, out, fmt)
    data = out.getvalue()
    assert data.endswith(b"\n")
    rdf_format = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
                  "nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
                  "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}[fmt]
    parsed = {ox.Triple(q.subject, q.predicate, q.object)
              for q in ox.parse(data, format=rdf_format)}
    assert parsed == set(result.triples)


# --- refusals --------------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <https://w3id.org/kg-bilateral/id/graph/seed>",
    "PREFIX ex: <http://example.org/>\nWITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "# a comment\ninsert data { <http://example.org/a> <http://example.org/b> 1 }",
    "DELETE WHERE { ?s ?p }",  # malformed, but an update all the same
    "CREATE GRAPH <http://example.org/g>",
    "COPY DEFAULT TO <http://example.org/g>",
]


class RecordingStore:
    """Fails the test if a refused query ever reaches the backend."""

    def query(self, *args: object, **kwargs: object) -> None:
        raise AssertionError(f"the backend saw the query: {args}")


@pytest.mark.parametrize("sparql", UPDATES)
def test_updates_are_refused_before_the_store(store: OxigraphStore, sparql: str) -> None:
    size = len(store)
    with pytest.raises(QueryError) as caught:
        run_query(store, sparql)
    assert str(caught.value) == READ_ONLY
    assert len(store) == size
    with pytest.raises(QueryError, match="read-only"):
        run_query(RecordingStore(), sparql)


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { ?s ?p ?o optional { service silent <http://127.0.0.1:1/> { ?s ?p ?x } } }",
    "ASK { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
])
def test_service_is_refused(store: OxigraphStore, sparql: str) -> None:
    size = len(store)
    with pytest.raises(QueryError) as caught:
        run_query(RecordingStore(), sparql)
    assert str(caught.value) == NO_SERVICE
    assert len(store) == size


# SERVICE hidden from one reader of escapes but not the other: `'\u005C'` is a string
# holding a backslash for Oxigraph, which reads escapes only in strings and IRIs, and the
# start of a string that runs on to the `'` after `#` for a reader that expands escapes
# first. SPARQL 1.1 (19.2) expands them first: kg does so and runs the text it checked.
DEFUSED_SERVICE = [
    "SELECT * WHERE { BIND('\\u005C' AS ?y) SERVICE <http://example.org/s> { ?s ?p ?o } } "
    "#' AS ?x) }",
    'SELECT * WHERE { BIND("\\u005c" AS ?y) SERVICE SILENT <http://example.org/s> '
    '{ ?s ?p ?o } } #" AS ?x) }',
]
HIDDEN_SERVICE = [
    "SELECT * WHERE { \\U00000053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVIC\\u0045 <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { sErViCe <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE <http://example.org/\\u0073parql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o { SELECT ?s WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } "
    "} } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://example.org/s> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/s> { ?s ?p ?x } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER NOT EXISTS { SERVICE ?where { ?s ?p ?x } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { OPTIONAL { SERVICE <http://example.org/s> { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("sparql", HIDDEN_SERVICE)
def test_service_behind_escapes_or_nested_is_refused(sparql: str) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(RecordingStore(), sparql)
    assert str(caught.value) == NO_SERVICE


@pytest.mark.parametrize("sparql", DEFUSED_SERVICE)
def test_what_the_check_reads_as_a_string_the_engine_runs_as_one(store: OxigraphStore,
                                                                  sparql: str) -> None:
    # Before, the engine ran the SERVICE the check had read as part of a string.
    result = run_query(store, sparql)
    assert result.variables == ("x",)
    assert values(result)[0][0][1:].startswith(" AS ?y) SERVICE ")


def test_escapes_are_applied_once_as_sparql_says(store: OxigraphStore) -> None:
    assert normalise_escapes("\\u0041\\U0001F600 \\u00e9") == "A\U0001F600 é"
    # What the engine runs is what was checked: the escaped quote ends the string.
    assert values(run_query(store, "SELECT ?x WHERE { BIND('a\\u0027 AS ?x) }")) == [("a",)]
    with pytest.raises(QueryError, match="spells another escape"):
        normalise_escapes("SELECT * WHERE { \\u005Cu0053ERVICE <http://x/> {} }")
    with pytest.raises(QueryError, match=r"escape \\uD800 is not a character"):
        normalise_escapes("SELECT ('\\uD800' AS ?x) {}")


def test_service_in_a_string_or_comment_is_not_refused(store: OxigraphStore) -> None:
    sparql = ('SELECT ?code WHERE { ?c kg:iso3 ?code FILTER(?code != "SERVICE <http://x/>") }'
              " # SERVICE <http://example.org/> { }\nORDER BY ?code")
    assert values(run_query(store, sparql)) == [("CHN",), ("GBR",), ("JPN",), ("UKR",)]
    check_read_only('SELECT * WHERE { ?s ?p "INSERT DATA { <a> <b> <c> }" }')


def test_from_outside_the_store_is_refused() -> None:
    with pytest.raises(QueryError, match=r"^FROM <http://example.org/g> is refused"):
        check_read_only("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match=r"^FROM <http://example.org/g> is refused"):
        check_read_only("BASE <http://example.org/> SELECT * FROM NAMED <g> WHERE { ?s ?p ?o }")
    check_read_only("SELECT * FROM <https://w3id.org/kg-bilateral/id/graph/seed> "
                    "WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("iri", [
    "HTTP://example.org/g", "Http://example.org/g", "hTTps://example.org/g",
    "ftp://example.org/g", "file:///etc/passwd", "HTTPS://w3id.org/kg-bilateral/id/graph/seed",
    "https://w3id.org/KG-bilateral/id/graph/seed", "g",
])
def test_from_is_judged_exactly(iri: str) -> None:
    for clause in ("FROM", "FROM NAMED", "from named"):
        with pytest.raises(QueryError, match=r"^FROM <.*> is refused"):
            check_read_only(f"SELECT * {clause} <{iri}> WHERE {{ ?s ?p ?o }}")
    check_read_only("SELECT * FROM <urn:kg:reference> FROM NAMED <tag:kg,2026:g> "
                    "WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("sparql, message", [
    ("SELECT * WHERE { ?s ?p }",
     "bad SPARQL at line 1, column 18: expected SelectQuery, found '?'"),
    ("SELECT ?s\nWHERE {\n  ?s ?p ?o\n  FILTER( }",
     "bad SPARQL at line 4, column 3: expected SelectQuery, found 'FILTER'"),
    ("", "bad SPARQL at line 1, column 1: "
         "expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}"),
    ("SELECT * WHERE { ?s ex:p ?o }", "bad SPARQL: unknown prefix 'ex:'"),
])
def test_bad_sparql_is_one_line(store: OxigraphStore, sparql: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(store, sparql)
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_backend_syntax_errors_are_one_line() -> None:
    class Backend:
        def query(self, *args: object, **kwargs: object) -> None:
            raise SyntaxError("error at 1:2: expected one of\nA, B, C")

    with pytest.raises(QueryError) as caught:
        run_query(Backend(), "SELECT * WHERE { ?s ?p ?o }")
    assert str(caught.value) == "bad SPARQL: error at 1:2: expected one of"


def test_prefix_declarations() -> None:
    text = prefix_declarations()
    assert "PREFIX country: <https://w3id.org/kg-bilateral/id/country/>\n" in text
    assert text.count("PREFIX ") == text.count("\n")


# --- rendering ---------------------------------------------------------------------------------

TINY = QueryResult("select", variables=("country", "label", "facts", "note"), rows=(
    (ox.NamedNode(COUNTRY + "JPN"), ox.Literal("Japan", language="en"),
     ox.Literal("6", datatype=ox.NamedNode(XSD + "integer")), None),
    (ox.NamedNode("http://example.org/x"), ox.Literal('say "hi", then\nleave'),
     ox.Literal("12", datatype=ox.NamedNode(XSD + "integer")),
     ox.Literal("2026-01-31", datatype=ox.NamedNode(XSD + "date"))),
))
TINY_SPARQL = f"""SELECT ?country ?label ?facts ?note WHERE {{
  VALUES (?country ?label ?facts ?note) {{
  (<{COUNTRY}JPN> "Japan"@en 6 UNDEF)
  (<http://example.org/x> "say \\"hi\\", then\\nleave" 12 "2026-01-31"^^xsd:date) }} }}"""


def render(result: QueryResult, fmt: str) -> str:
    out = io.StringIO()
    write_rows(result, out, fmt)
    return out.getvalue()


def test_table() -> None:
    assert render(TINY, "table") == (
        "country               label                 facts  note\n"
        "--------------------  --------------------  -----  ----------\n"
        "country:JPN           Japan                     6\n"
        "http://example.org/x  say \"hi\", then leave     12  2026-01-31\n")


def test_table_empty_truncated_and_wide() -> None:
    assert render(QueryResult("select", variables=("a", "b")), "table") == (
        "a  b\n-  -\n(no rows)\n")
    long = ox.Literal("x" * 100)
    wide = ox.Literal("日本")
    text = render(QueryResult("select", variables=("v", "w"), rows=((long, wide),)), "table")
    header, rule, row = text.splitlines()
    assert row == "x" * 79 + "…  日本"
    assert rule == "-" * 80 + "  ----"


def test_csv() -> None:
    assert render(TINY, "csv") == (
        "country,label,facts,note\r\n"
        f"{COUNTRY}JPN,Japan,6,\r\n"
        'http://example.org/x,"say ""hi"", then\nleave",12,2026-01-31\r\n')


def test_tsv() -> None:
    assert render(TINY, "tsv") == (
        "?country\t?label\t?facts\t?note\n"
        f'<{COUNTRY}JPN>\t"Japan"@en\t6\t\n'
        '<http://example.org/x>\t"say \\"hi\\", then\\nleave"\t12\t'
        f'"2026-01-31"^^<{XSD}date>\n')


def test_json() -> None:
    assert render(TINY, "json") == (
        '{"head":{"vars":["country","label","facts","note"]},"results":{"bindings":['
        f'{{"country":{{"type":"uri","value":"{COUNTRY}JPN"}},'
        '"label":{"type":"literal","value":"Japan","xml:lang":"en"},'
        f'"facts":{{"type":"literal","value":"6","datatype":"{XSD}integer"}}}},'
        '{"country":{"type":"uri","value":"http://example.org/x"},'
        '"label":{"type":"literal","value":"say \\"hi\\", then\\nleave"},'
        f'"facts":{{"type":"literal","value":"12","datatype":"{XSD}integer"}},'
        f'"note":{{"type":"literal","value":"2026-01-31","datatype":"{XSD}date"}}}}]}}}}\n')


def test_jsonl() -> None:
    lines = render(TINY, "jsonl").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"country": COUNTRY + "JPN", "label": "Japan", "facts": 6, "note": None},
        {"country": "http://example.org/x", "label": 'say "hi", then\nleave', "facts": 12,
         "note": "2026-01-31"},
    ]
    assert lines[0] == (f'{{"country": "{COUNTRY}JPN", "label": "Japan", "facts": 6, '
                        '"note": null}')


@pytest.mark.parametrize("fmt, oxigraph_format", [
    ("csv", ox.QueryResultsFormat.CSV), ("tsv", ox.QueryResultsFormat.TSV),
    ("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML)])
def test_result_formats_match_oxigraph(store: OxigraphStore, fmt: str,
                                       oxigraph_format: ox.QueryResultsFormat) -> None:
    """The SPARQL result formats are written byte for byte as Oxigraph writes them."""
    result = run_query(store, TINY_SPARQL)
    assert result == TINY
    # kg ends JSON and XML with a newline, for pipes
    newline = b"\n" if fmt in ("json", "xml") else b""
    native = store.query(TINY_SPARQL, prefixes=PREFIXES).serialize(format=oxigraph_format)
    assert render(result, fmt).encode() == native + newline
    # And on real data: the saved queries without parameters.
    for name in ("invitations-visits", "partnerships", "documents"):
        text = saved_queries()[name].text
        native = store.query(text, prefixes=PREFIXES).serialize(format=oxigraph_format)
        assert render(run_saved(store, name), fmt).encode() == native + newline


def test_ask_in_every_row_format() -> None:
    answers = {fmt: render(QueryResult("ask", boolean=True), fmt) for fmt in ROW_FORMATS}
    assert answers["table"] == answers["csv"] == answers["tsv"] == "true\n"
    assert answers["json"] == '{"head":{},"boolean":true}\n' == answers["jsonl"]
    assert answers["xml"] == (
        '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        "<head></head><boolean>true</boolean></sparql>\n")
    assert ox.parse_query_results(answers["xml"], format=ox.QueryResultsFormat.XML)


HOSTILE = "red\x1b[31m alarm\x1b]0;pwned\x07 \x9b2J csi \u202eevil\r\n\tend"


def test_tables_neutralise_control_characters_and_data_formats_keep_them() -> None:
    result = QueryResult("select", variables=("x",), rows=((ox.Literal(HOSTILE),),))
    table = render(result, "table")
    assert table.splitlines()[2] == "red [31m alarm ]0;pwned   2J csi \ufffdevil   end"
    assert all(c.isprintable() for c in table.replace("\n", ""))
    assert json.loads(render(result, "jsonl")) == {"x": HOSTILE}
    parsed = ox.parse_query_results(render(result, "json"), format=ox.QueryResultsFormat.JSON)
    assert next(iter(parsed))["x"].value == HOSTILE
    parsed = ox.parse_query_results(render(result, "xml"), format=ox.QueryResultsFormat.XML)
    assert next(iter(parsed))["x"].value == HOSTILE


def test_render_rejects_unknown_formats() -> None:
    assert ROW_FORMATS == ("table", "csv", "tsv", "json", "xml", "jsonl")
    with pytest.raises(ValueError, match="unknown format 'xlsx'"):
        write_rows(TINY, io.StringIO(), "xlsx")
    with pytest.raises(ValueError, match="unknown format 'csv'"):
        write_triples([], io.BytesIO(), "csv")
