"""Events above reports: grouping (kg.events.group) and the events graphs (kg.events.graph)."""

from __future__ import annotations

import random

import pyoxigraph as ox

import kg
from kg.events.graph import read_mentions, refresh_events
from kg.events.group import Mention, conflict, date_gap, group, normalise, reports_of
from kg.graph.validate import validate_store
from kg.graph.vocab import EVENTS_GRAPHS


def _m(doc: str, kind: str = "meeting", source: str = "GBR", target: str = "JPN",
       evidence: str | None = None, **kw: object) -> Mention:
    return Mention(fact=f"urn:fact:{doc}:{kind}:{source}:{target}", doc=doc, kind=kind,
                   source=source, target=target,
                   evidence=evidence if evidence is not None else f"Sentence of {doc}.",
                   **kw)  # type: ignore[arg-type]


def _events(mentions: list[Mention]) -> list[list[str]]:
    return sorted(sorted(d for r in e.reports for d in r.documents)
                  for e in group(mentions).events)


# --- decisions ------------------------------------------------------------------------------


def test_dates_are_compared_at_their_precision() -> None:
    assert date_gap("2026-01-31", "2026-01") == 0
    assert date_gap("2026", "2026-01-31") == 0
    assert date_gap("2026-01-30", "2026-01-31") == 1
    assert date_gap("2026-01", "2026-02") == -1
    assert date_gap(None, "2026-02") is None


def test_reports_of_one_meeting_join_across_publishers() -> None:
    ms = [_m("a", date="2025-11-22", publisher="GOV.UK", source_person="Keir Starmer"),
          _m("b", date="2025-11-22", publisher="Kyodo", source_person="Starmer"),
          _m("c", date="2025-11-23", publisher="Wire", place="Johannesburg",
             place_country="ZAF"),
          _m("d", date="2025-11", publisher="Daily")]
    (event,) = group(ms).events
    assert event.date == "2025-11-22"
    assert event.sources == ["Daily", "GOV.UK", "Kyodo", "Wire"]
    # A day apart: both dates are kept, with their reports.
    assert {d: [r.first.doc for r in rs] for d, rs in event.disagreements()["date"].items()} \
        == {"2025-11-22": ["a", "b"], "2025-11-23": ["c"]}


def test_near_misses_stay_apart() -> None:
    # The same two leaders meeting twice in one month.
    assert _events([_m("a", date="2026-03-02"), _m("b", date="2026-03-20")]) == [["a"], ["b"]]
    # A planned visit and the visit itself.
    assert _events([_m("a", "visit", date="2026-03-02", status="planned"),
                    _m("b", "visit", date="2026-03-02")]) == [["a"], ["b"]]
    # Direction is kept for directed kinds.
    assert _events([_m("a", "visit", "GBR", "JPN", date="2026-03-02"),
                    _m("b", "visit", "JPN", "GBR", date="2026-03-02")]) == [["a"], ["b"]]
    # Different persons for one side, places in different countries.
    assert _events([_m("a", date="2026-03-02", source_person="Keir Starmer"),
                    _m("b", date="2026-03-02", source_person="David Lammy")]) == [["a"], ["b"]]
    assert _events([_m("a", date="2026-03-02", place="Tokyo", place_country="JPN"),
                    _m("b", date="2026-03-02", place="London", place_country="GBR")]) \
        == [["a"], ["b"]]


def test_a_report_without_a_day_of_its_own_reaches_back_a_week() -> None:
    # Dated only by its document: "after the leaders met" may be days before it.
    after = _m("after", evidence="Markets rallied this week after the two leaders met.",
               date="2026-03-08", doc_date="2026-03-08")
    assert _events([_m("a", date="2026-03-04"), after]) == [["a", "after"]]
    # The same sentence naming its day is held to that day.
    named = _m("named", evidence="Markets rallied after the leaders met on Sunday.",
               date="2026-03-08", doc_date="2026-03-08")
    assert _events([_m("a", date="2026-03-04"), named]) == [["a"], ["named"]]
    # "Again" tells of a repeat, not of the earlier call.
    again = _m("again", evidence="The two leaders spoke by telephone again.",
               date="2026-03-08", doc_date="2026-03-08")
    assert _events([_m("a", date="2026-03-04"), again]) == [["a"], ["again"]]
    # The window reaches back only: an undated report does not pull a later event in.
    assert _events([after, _m("b", date="2026-03-12")]) == [["after"], ["b"]]


def _claims(event, name: str) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {v: sorted(r.first.doc for r in rs) for v, rs in event.disagreements()[name].items()}


def test_disagreements_keep_each_value_with_its_reports() -> None:
    (event,) = group([
        _m("a", date="2026-03-02", place="Tokyo", place_country="JPN", publisher="Kyodo"),
        _m("b", date="2026-03-02", place="the Kantei", place_country="JPN", publisher="Wire"),
        _m("c", date="2026-03-02", place="Tokyo", status="negated", publisher="Daily")]).events
    assert _claims(event, "place") == {"Tokyo": ["a", "c"], "the Kantei": ["b"]}
    assert _claims(event, "status") == {"occurred": ["a", "b"], "negated": ["c"]}
    assert set(event.disagreements()) == {"place", "status"}
    assert (event.place, event.status) == ("Tokyo", "occurred")


def test_who_invited_whom_is_kept_as_a_disagreement() -> None:
    invited = [_m("a", "invitation", "GBR", "JPN", date="2026-04-02", publisher="GOV.UK"),
               _m("b", "invitation", "JPN", "GBR", date="2026-04-02", publisher="Wire"),
               _m("c", "invitation", "GBR", "JPN", date="2026-04-03", publisher="Daily")]
    g = group(invited)
    (event,) = g.events
    assert (event.source, event.target) == ("GBR", "JPN")  # as most reports tell it
    assert _claims(event, "direction") == {"GBR→JPN": ["a", "c"], "JPN→GBR": ["b"]}
    (b,) = [d for d in g.decisions if d.report.first.doc == "b"]
    assert "the other direction (JPN→GBR; disputed)" in b.reason
    # One document telling both directions tells of two invitations (each invited the other),
    # and a report of one direction joins that one.
    mutual = [_m("m", "invitation", "GBR", "JPN", date="2026-05-10"),
              _m("m", "invitation", "JPN", "GBR", date="2026-05-10"),
              _m("n", "invitation", "JPN", "GBR", date="2026-05-10", evidence="Takaichi asked.")]
    events = group(mutual).events
    assert sorted(((e.source, e.target), sorted(e.documents)) for e in events) == [
        (("GBR", "JPN"), ["m"]), (("JPN", "GBR"), ["m", "n"])]
    assert all("direction" not in e.disagreements() for e in events)
    # Visits keep their direction: who went where is what a visit is.
    assert _events([_m("a", "visit", "GBR", "JPN", date="2026-03-02"),
                    _m("b", "visit", "JPN", "GBR", date="2026-03-02")]) == [["a"], ["b"]]


def test_undirected_kinds_join_in_either_order() -> None:
    assert _events([_m("a", date="2026-03-02"), _m("b", source="JPN", target="GBR",
                                                    date="2026-03-02")]) == [["a", "b"]]


def test_conflict_says_why() -> None:
    a, b = reports_of([_m("a", date="2026-03-02"), _m("b", date="2026-03-20")])
    assert conflict(a, b) == "dates 2026-03-02 and 2026-03-20 are 18 days apart (at most 1)"


def test_copies_of_one_text_are_one_report() -> None:
    text = "Prime Minister Starmer met Prime Minister Takaichi in Tokyo on Saturday."
    ms = [_m(f"copy{i}", evidence=text.upper() if i % 2 else text, date="2026-01-31",
             publisher=f"Outlet {i}", doc_date="2026-01-31") for i in range(6)]
    ms.append(_m("own", evidence="The two leaders held talks in Tokyo.", date="2026-01-31",
                 publisher="Kyodo"))
    (event,) = group(ms).events
    assert len(event.reports) == 2
    assert len(event.documents) == 7
    # Syndicated copies count once: the original's publisher stands for them all.
    assert event.sources == ["Kyodo", "Outlet 0"]
    assert normalise("Met, in TOKYO!") == normalise("met in  Tokyo")


def test_grouping_does_not_depend_on_input_order() -> None:
    rng = random.Random(7)
    sides = [("GBR", "JPN"), ("JPN", "GBR")]
    ms = [_m(f"d{i}", rng.choice(["meeting", "visit", "invitation"]), *rng.choice(sides),
             date=rng.choice(["2026-01-30", "2026-01-31", "2026-01", None, "2026-02-14"]),
             status=rng.choice(["occurred", "planned"])) for i in range(60)]
    # Documents telling both directions of an invitation.
    ms += [_m(f"both{i}", "invitation", *pair, date="2026-01-31") for i in range(3)
           for pair in sides]
    expected = [(e.id, [r.id for r in e.reports]) for e in group(ms).events]
    for _ in range(5):
        rng.shuffle(ms)
        assert [(e.id, [r.id for r in e.reports]) for e in group(ms).events] == expected


def test_a_visit_and_the_meeting_it_hosted_are_linked_not_merged() -> None:
    g = group([_m("a", "visit", date="2026-01-31"), _m("b", "meeting", date="2026-01-31"),
               _m("c", "meeting", date="2026-01-10")])
    by_kind = {(e.kind, e.date): e for e in g.events}
    visit, meeting = by_kind["visit", "2026-01-31"], by_kind["meeting", "2026-01-31"]
    assert visit.linked == [meeting.id] and meeting.linked == [visit.id]
    assert by_kind["meeting", "2026-01-10"].linked == []


def test_every_report_has_a_decision() -> None:
    g = group([_m("a", date="2026-03-02"), _m("b", date="2026-03-02"),
               _m("c", date="2026-03-20")])
    joined = [d for d in g.decisions if d.joined]
    assert [d.report.first.doc for d in joined] == ["b"]
    assert joined[0].reason == "same meeting; same sides; date 2026-03-02 fits 2026-03-02"
    founder_c = next(d for d in g.decisions if d.report.first.doc == "c")
    assert founder_c.rejected[0][1] == \
        "dates 2026-03-20 and 2026-03-02 are 18 days apart (at most 1)"


# --- the events graphs ----------------------------------------------------------------------

ARTICLES = [
    {"id": "gov", "date": "2025-11-22", "source": "GOV.UK",
     "text": "Prime Minister Keir Starmer met Japanese Prime Minister Takaichi Sanae in "
             "Johannesburg on 22 November 2025."},
    {"id": "kyodo", "date": "2025-11-23", "source": "Kyodo",
     "text": "Takaichi Sanae held talks with British Prime Minister Keir Starmer in "
             "Johannesburg on Saturday."},
    {"id": "copy", "date": "2025-11-24", "source": "Daily Echo",
     "text": "Prime Minister Keir Starmer met Japanese Prime Minister Takaichi Sanae in "
             "Johannesburg on 22 November 2025."},
    {"id": "later", "date": "2026-02-10", "source": "GOV.UK",
     "text": "Foreign Secretary Yvette Cooper met Japanese Foreign Minister Motegi Toshimitsu "
             "in London on 10 February 2026."},
]


def _event_quads(graph: kg.Graph) -> set[str]:
    return {str(q) for q in graph.store.quads()
            if isinstance(q.graph_name, ox.NamedNode)
            and q.graph_name.value.startswith(EVENTS_GRAPHS)}


def test_builds_and_removals_keep_the_events_exact() -> None:
    one_by_one = kg.connect()
    for article in ARTICLES:
        one_by_one.build([article])
    at_once = kg.connect()
    at_once.build(ARTICLES)
    assert _event_quads(one_by_one) == _event_quads(at_once)
    (summit,) = [e for e in group(read_mentions(at_once.store)).events
                 if e.date == "2025-11-22"]
    assert (len(summit.reports), len(summit.documents)) == (2, 3)

    one_by_one.remove("kyodo")
    without = kg.connect()
    without.build([a for a in ARTICLES if a["id"] != "kyodo"])
    assert _event_quads(one_by_one) == _event_quads(without)
    one_by_one.remove("gov", "copy", "later")
    assert _event_quads(one_by_one) == set()


def _summary(graph: kg.Graph) -> dict[str, tuple[int, int]]:
    from kg.events.records import load_events

    return {e.iri: (e.report_count, e.document_count) for e in load_events(graph.store)
            if e.kind == "meeting"}


def test_new_documents_join_events_and_removals_take_their_reports_away() -> None:
    by_id = {a["id"]: a for a in ARTICLES}
    graph = kg.connect()
    graph.build([by_id["gov"], by_id["later"]])
    events = _summary(graph)
    assert sorted(events.values()) == [(1, 1), (1, 1)]
    # Kyodo's own account joins the summit: the same event, under the same IRI.
    graph.build([by_id["kyodo"]])
    grown = _summary(graph)
    assert set(grown) == set(events)
    assert sorted(grown.values()) == [(1, 1), (2, 2)]
    # A reprint of GOV.UK's text is a document more, not a report more.
    graph.build([by_id["copy"]])
    assert sorted(_summary(graph).values()) == [(1, 1), (2, 3)]
    assert set(_summary(graph)) == set(events)
    graph.remove("copy")
    assert _summary(graph) == grown
    graph.remove("kyodo")
    assert _summary(graph) == events
    # The summit's last document gone, the summit is gone; the later meeting stays.
    graph.remove("gov")
    assert sorted(_summary(graph).values()) == [(1, 1)]
    assert len(set(_summary(graph)) & set(events)) == 1


def test_event_iris_are_stable_across_rebuilds() -> None:
    first, second = kg.connect(), kg.connect()
    first.build(ARTICLES)
    second.build(list(reversed(ARTICLES)))
    assert _event_quads(first) == _event_quads(second)
    assert _event_quads(first)


def test_events_conform_to_the_shapes() -> None:
    graph = kg.connect()
    graph.build(ARTICLES)
    report = validate_store(graph.store)
    assert report.conforms, report.lines()


def test_a_full_refresh_gives_what_builds_kept() -> None:
    graph = kg.connect()
    for article in ARTICLES:
        graph.build([article])
    before = _event_quads(graph)
    refresh_events(graph.store)
    assert _event_quads(graph) == before


INVITATIONS = [
    {"id": "inv-gov", "date": "2026-04-02", "source": "GOV.UK",
     "text": "Prime Minister Keir Starmer invited Prime Minister Takaichi Sanae to visit London "
             "on 2 April 2026."},
    {"id": "inv-wire", "date": "2026-04-02", "source": "Wire",
     "text": "Japanese Prime Minister Takaichi Sanae invited British Prime Minister Keir "
             "Starmer for talks on Thursday."},
    {"id": "inv-daily", "date": "2026-04-03", "source": "Daily",
     "text": "Takaichi Sanae was invited by Keir Starmer to visit Britain, officials said on "
             "Thursday."},
]


def test_the_graph_keeps_who_invited_whom_with_its_reports() -> None:
    from kg.events.records import load_events

    graph = kg.connect()
    graph.build(INVITATIONS)
    (event,) = [e for e in load_events(graph.store) if e.kind == "invitation"]
    assert (event.source, event.target, event.report_count) == ("GBR", "JPN", 3)
    disagree = dict(event.disagreements)
    assert set(disagree) == {"direction", "place"}  # London and Britain, too
    assert {c.value: sorted(event.documents_of(c)) for c in disagree["direction"]} == {
        "GBR→JPN": ["inv-daily", "inv-gov"], "JPN→GBR": ["inv-wire"]}
    assert validate_store(graph.store).conforms


def test_the_views_read_only_the_events_of_the_pairs_they_show() -> None:
    from pathlib import Path

    from kg.bench.extraction import corpus
    from kg.events.records import event_counts, events_by_fact, has_events, load_events
    from kg.extract.documents import read_documents
    from kg.views.analysis import load_facts

    graph = kg.connect()
    assert not has_events(graph.store) and event_counts(graph.store) is None
    examples = Path(__file__).resolve().parent.parent / "examples"
    graph.build([*ARTICLES, *corpus(30), *read_documents(
        [examples / "seed.txt", examples / "g20-talks.txt"])])
    assert has_events(graph.store)
    every = events_by_fact(graph.store)
    pairs = sorted({tuple(sorted((e.source, e.target))) for e in every.values()})
    assert len(pairs) >= 2
    for shown in (pairs[:1], pairs[1:], [("GBR", "JPN"), ("AAA", "ZZZ")]):
        wanted = set(map(tuple, shown))
        expected = {f: e for f, e in every.items()
                    if tuple(sorted((e.source, e.target))) in wanted}
        assert expected or ("AAA", "ZZZ") in wanted
        assert events_by_fact(graph.store, pairs=shown) == expected
        assert load_events(graph.store, pairs=shown) == [
            e for e in load_events(graph.store) if tuple(sorted((e.source, e.target))) in wanted]
    # What kg viz gives the page: the events of the facts it draws.
    facts = load_facts(graph.store, country="CHN")
    from kg.views.viz import view_of_store

    view, events = view_of_store(graph.store, level="actors", filters={"country": "CHN"})
    assert view.facts == tuple(facts)
    assert {f.iri: events[f.iri] for f in facts if f.iri in events} == {
        f.iri: every[f.iri] for f in facts if f.iri in every}
    assert set(events) < set(every)
