"""The HTML page with events (kg.events): edges count events, a pair's facts are listed
event by event with their disagreements, and a timeline of the pair by month."""

from __future__ import annotations

import pytest

import kg
from kg.events.records import events_by_fact
from kg.views.analysis import load_facts
from tests.test_browser import CHROMIUM, Path, browser, open_page  # noqa: F401
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
