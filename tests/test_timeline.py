"""`kg timeline`: a pair's events by month, the balance and the partnership labels in force."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import kg
from kg.cli import cli
from kg.events.records import EventRecord
from kg.events.timeline import months, weight


def _event(date: str | None, kind: str, status: str = "occurred",
           label: str | None = None) -> EventRecord:
    return EventRecord(f"urn:event:{date}:{kind}", kind, "GBR", "JPN", date, None, label,
                       status, 1, 1, 1)


def test_months_score_events_once_and_keep_the_running_balance() -> None:
    rows = months([_event("2025-03-02", "meeting"), _event("2025-03-20", "protest"),
                   _event("2025-04-01", "visit", "planned"), _event(None, "call")])
    assert [m.period for m in rows] == ["2025-03", "2025-04", ""]
    march, april, undated = rows
    assert (march.cooperative, march.conflictual) == (1, 1)
    assert march.score == round((weight(march.events[0]) + weight(march.events[1])) / 2, 3)
    # A planned visit counts half, in the weight and in the count.
    assert april.score == round(weight(april.events[0]) / 0.5, 3)
    assert april.balance == round(sum(weight(e) for e in (*march.events, *april.events))
                                  / 2.5, 3)
    assert undated.events[0].kind == "call"


def test_partnership_labels_in_force_and_their_changes() -> None:
    rows = months([
        _event("2023-05-10", "partnership", label="strategic partnership"),
        _event("2024-02-01", "meeting"),
        _event("2025-01-31", "partnership", label="Enhanced Global Strategic Partnership"),
        _event("2025-06-01", "partnership", label="strategic partnership"),  # an old name
        _event("2025-07-01", "partnership", "planned", label="alliance"),
    ])
    assert [(m.period, m.labels, m.changes) for m in rows] == [
        ("2023-05", ("strategic partnership",), ("+ strategic partnership",)),
        ("2024-02", ("strategic partnership",), ()),
        ("2025-01", ("Enhanced Global Strategic Partnership",),
         ("strategic partnership → Enhanced Global Strategic Partnership",)),
        ("2025-06", ("Enhanced Global Strategic Partnership",), ()),
        ("2025-07", ("Enhanced Global Strategic Partnership",), ()),  # planned: not in force
    ]


ARTICLES = [
    {"id": "p1", "date": "2023-05-10", "source": "GOV.UK",
     "text": "The United Kingdom and Japan established a strategic partnership on 10 May 2023."},
    {"id": "m1", "date": "2025-11-22", "source": "GOV.UK",
     "text": "Prime Minister Keir Starmer met Japanese Prime Minister Takaichi Sanae in "
             "Johannesburg on 22 November 2025."},
    {"id": "m2", "date": "2025-11-22", "source": "Kyodo",
     "text": "Takaichi Sanae held talks with British Prime Minister Keir Starmer in "
             "Johannesburg on Saturday."},
]


@pytest.fixture(scope="module")
def graph() -> kg.Graph:
    graph = kg.connect()
    graph.build(ARTICLES)
    return graph


def test_the_python_api_gives_events_and_the_timeline(graph: kg.Graph) -> None:
    (meeting,) = graph.events(kind="meeting")
    assert (meeting.report_count, meeting.source_count) == (2, 2)
    timeline = graph.timeline("JPN", "GBR")
    assert [m.period for m in timeline] == ["2023-05", "2025-11"]
    assert timeline[-1].by_kind == (("meeting", 1),)


def test_kg_timeline_prints_months(graph: kg.Graph, tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = tmp_path / "store"
    assert CliRunner().invoke(cli, ["--store", str(store), "build", "-"],
                              input="".join(json.dumps(a) + "\n" for a in ARTICLES)
                              ).exit_code == 0
    result = CliRunner().invoke(cli, ["--store", str(store), "timeline", "japan", "GBR",
                                      "-f", "jsonl"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [(r["period"], r["events"]) for r in rows] == [("2023-05", 1), ("2025-11", 1)]
    table = CliRunner().invoke(cli, ["--store", str(store), "timeline", "JPN", "GBR"]).output
    assert table.splitlines()[0].split() == ["month", "events", "kinds", "cooperative",
                                             "conflictual", "score", "balance", "partnership",
                                             "change"]
