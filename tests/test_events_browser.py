"""The HTML page with events (kg.events): edges count events, a pair's facts are listed
event by event with their disagreements, and a timeline of the pair by month."""

from __future__ import annotations

import pytest

import kg
from kg.events.graph import refresh_events
from kg.events.records import events_by_fact
from kg.graph.rdf import document_quads
from kg.graph.store import OxigraphStore
from kg.graph.vocab import graph_iri
from kg.records import Document, Fact, Place, Side
from kg.views.analysis import load_facts
from tests.test_browser import (  # noqa: F401
    BREAKOUT,
    CHROMIUM,
    IMG_NAME,
    SCRIPT_NAME,
    Path,
    browser,
    open_page,
)
from tests.test_events import ARTICLES

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"{CHROMIUM} is absent (make test installs Debian's chromium)"),
]

LATE = {"id": "late", "date": "2025-11-23", "source": "Evening Star",
        "text": "Keir Starmer and Takaichi Sanae met in Johannesburg on 23 November 2025."}


def test_edges_count_events_and_cards_show_each_event_once(browser, tmp_path) -> None:  # noqa: F811
    graph = kg.connect()
    graph.build([*ARTICLES, LATE])
    facts = load_facts(graph.store)
    events = events_by_fact(graph.store)
    page = open_page(browser, facts, tmp_path, events=events)
    try:
        assert page.errors == [] and page.requests == []
        occurred = [f for f in facts if f.status == "occurred" and {f.source, f.target}
                    == {"GBR", "JPN"}]
        distinct = {events[f.iri].iri for f in occurred}
        assert len(occurred) == 6 and len(distinct) == 3
        labels = page.edges()
        assert labels["e:GBR-JPN"] == "3"
        page.eval("kgGraph.network.emit('click', {nodes: [], edges: ['e:GBR-JPN']})")
        title = page.eval("document.getElementById('kg-panel-title').textContent")
        assert title == "United Kingdom – Japan: 3 events (6 facts)"
        heads = page.eval("[...document.querySelectorAll('#kg-facts .kg-event-head')]"
                          ".map(e => e.textContent)")
        assert "event: meeting 2025-11-22 · 3 reports in 4 documents · 3 sources" in heads
        assert len(heads) == 3
        disagree = page.eval("[...document.querySelectorAll('#kg-facts .kg-disagree')]"
                             ".map(e => e.textContent)")
        assert disagree == ["reports disagree on date: 2025-11-22 (2 reports) · "
                            "2025-11-23 (1 report)"]
        months = page.eval("[...document.querySelectorAll('.kg-timeline tbody tr')]"
                           ".map(r => [...r.children].map(c => c.textContent))")
        assert [m[:2] for m in months] == [["2025-11", "1"], ["2026-02", "2"]]
        page.screenshot("events-panel.png")
    finally:
        page.close()


HOSTILE_PLACE = '<img src=x onerror="window.__pwned=1">Kantei'
HOSTILE_PUBLISHER = "</script><script>window.__pwned=1</script> Wire"


def test_event_cards_and_the_timeline_show_hostile_text_as_text(browser, tmp_path) -> None:  # noqa: F811
    # Three documents report one meeting and disagree on its place (both in Japan) and its
    # status; every name, place and publisher is markup.
    store = OxigraphStore()
    for doc_id, place, status in (("a", "Tokyo", "occurred"), ("b", HOSTILE_PLACE, "occurred"),
                                  ("c", "Tokyo", "negated")):
        evidence = f"{IMG_NAME} met {SCRIPT_NAME} in {place} on 3 March 2026."
        doc = Document(doc_id, evidence, title=f"{BREAKOUT} {doc_id}", date="2026-03-03",
                       source=HOSTILE_PUBLISHER if doc_id == "b" else "Kyodo")
        fact = Fact(doc_id, "meeting", Side("GBR", SCRIPT_NAME), Side("JPN", IMG_NAME),
                    evidence, (0, len(evidence)), date="2026-03-03",
                    location=Place(place, "JPN"), status=status)
        store.replace_graph(graph_iri(doc_id), document_quads(doc, [fact]))
    refresh_events(store)
    facts = load_facts(store)
    page = open_page(browser, facts, tmp_path, events=events_by_fact(store))
    try:
        assert page.errors == [] and page.requests == []
        assert page.edges()["e:GBR-JPN"] == "1"
        page.eval("kgGraph.network.emit('click', {nodes: [], edges: ['e:GBR-JPN']})")
        # The event once, with the reports shown inside its box (the negated one is hidden
        # by default, but its claim is not).
        assert page.eval("document.querySelectorAll('#kg-facts .kg-event').length") == 1
        assert page.eval("document.querySelectorAll('#kg-facts .kg-event .kg-fact').length") == 2
        disagree = page.eval("[...document.querySelectorAll('#kg-facts .kg-disagree')]"
                             ".map(e => e.textContent)")
        assert sorted(disagree) == [
            f"reports disagree on place: {HOSTILE_PLACE} (1 report) · Tokyo (2 reports)",
            "reports disagree on status: negated (1 report) · occurred (2 reports)"]
        # The pair's timeline: one month, one event.
        months = page.eval("[...document.querySelectorAll('.kg-timeline tbody tr')]"
                           ".map(r => [...r.children].map(c => c.textContent))")
        assert [m[:3] for m in months] == [["2026-03", "1", "meeting 1"]]
        panel = page.eval("document.getElementById('kg-facts').textContent")
        assert SCRIPT_NAME in panel and BREAKOUT in panel
        assert page.eval("document.querySelectorAll('#kg-side script, #kg-side img, "
                         "iframe').length") == 0
        assert page.eval("window.__pwned") is None
    finally:
        page.close()
