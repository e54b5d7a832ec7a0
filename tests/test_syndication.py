"""Syndicated copies: 2,000 articles made from 5 stories are 6 events (one per fact of each
story), each one report carried by 400 documents, from one source."""

from __future__ import annotations

import pytest

import kg
from kg.bench.syndication import STORIES, syndicated_corpus
from kg.events.records import event_counts, load_events
from kg.views.stats import store_stats

N = 2000


@pytest.fixture(scope="module")
def graph() -> kg.Graph:
    graph = kg.connect()
    graph.build(syndicated_corpus(N), workers=1)
    return graph


def test_copies_are_one_report_and_one_source(graph: kg.Graph) -> None:
    events = load_events(graph.store)
    # The first story gives a meeting and the visit it makes of it; the others one fact each.
    assert sorted((e.kind, e.source, e.target) for e in events) == [
        ("agreement", "MEX", "USA"), ("call", "DEU", "FRA"), ("meeting", "ARG", "BRA"),
        ("protest", "CHN", "PHL"), ("visit", "ARG", "BRA"), ("visit", "KOR", "JPN")]
    for e in events:
        assert (e.report_count, e.document_count, e.source_count) == (1, N // len(STORIES), 1)
        (report,) = e.reports
        assert len(report.copies) == N // len(STORIES)


def test_stats_count_events_not_copies(graph: kg.Graph) -> None:
    stats, counts = store_stats(graph.store), event_counts(graph.store)
    assert counts is not None
    assert (stats.documents, stats.facts) == (N, 6 * N // len(STORIES))
    assert (counts.events, counts.reports) == (6, 6)


def test_an_own_report_is_a_second_source(graph: kg.Graph) -> None:
    graph.build([{"id": "own-call", "date": "2026-05-12", "source": "Bundesregierung",
                  "text": "Chancellor Friedrich Merz held a telephone call with French "
                          "President Emmanuel Macron on Tuesday."}])
    (call,) = load_events(graph.store, kind="call")
    assert (call.report_count, call.document_count, call.source_count) == (
        2, N // len(STORIES) + 1, 2)
    graph.remove("own-call")
    (call,) = load_events(graph.store, kind="call")
    assert (call.report_count, call.source_count) == (1, 1)
