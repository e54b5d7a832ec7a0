"""`kg events` and the event counts of `kg stats`, through click's runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from tests.test_events import ARTICLES


def run(*args: str, store: Path):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["--store", str(store), *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("events")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    store = folder / "store"
    result = run("build", str(source), "-w", "1", store=store)
    assert result.exit_code == 0, result.output
    return store


def test_events_as_csv_count_reports_documents_and_sources(built: Path) -> None:
    result = run("events", "--pair", "Japan", "gbr", "-f", "csv", store=built)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    summit = [r for r in rows if r["date"] == "2025-11-22"]
    assert [(r["kind"], r["reports"], r["documents"], r["sources"]) for r in summit] == [
        ("meeting", "2", "3", "2")]
    assert summit[0]["place"] == "Johannesburg"
    assert {r["date"] for r in rows} == {"2025-11-22", "2026-02-10"}


def test_events_jsonl_keep_each_report_with_its_copies(built: Path) -> None:
    result = run("events", "--kind", "meeting", "--until", "2025-12", "-f", "jsonl",
                 store=built)
    assert result.exit_code == 0, result.output
    (event,) = [json.loads(line) for line in result.output.splitlines()]
    copies = {r["publisher"]: [d["doc"] for d in r["documents"]] for r in event["report_list"]}
    assert copies == {"GOV.UK": ["gov", "copy"], "Kyodo": ["kyodo"]}


def test_events_explain_says_why(built: Path) -> None:
    result = run("events", "--pair", "GBR", "JPN", "--explain", store=built)
    assert result.exit_code == 0, result.output
    assert "+ kyodo (Kyodo): same meeting; same sides; date 2025-11-22 fits 2025-11-22" \
        in result.output
    assert "* gov (GOV.UK) and 1 copy: founds a new event" in result.output
    # The foreign ministers' meeting months later could not be the summit.
    assert "not GBR-JPN/meeting-" in result.output and "days apart" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "summit"], "Error: unknown kind 'summit'"),
    (["--since", "yesterday"], "Error: --since must be YYYY, YYYY-MM or YYYY-MM-DD"),
    (["--pair", "Atlantis", "JPN"], "Error: "),
])
def test_bad_filters_are_one_line(built: Path, args: list[str], message: str) -> None:
    result = run("events", *args, store=built)
    assert result.exit_code != 0
    assert result.output.startswith(message) and result.output.count("\n") == 1


def test_stats_count_events_and_reports_on_request(built: Path) -> None:
    default = run("stats", store=built).output
    # The summit (three documents, two texts), the ministers' meeting in London and the
    # visit it makes of it: three events, four reports, five facts.
    assert ("events     3\n  meeting      2\n  visit        1\nreports    4\nfacts      5\n"
            in default)
    facts = run("stats", "--reports", store=built).output
    assert "facts      5\n  meeting      4\n  visit        1\n" in facts
    assert "events" not in facts
    data = json.loads(run("stats", "-f", "json", store=built).output)
    assert (data["events"], data["reports"], data["facts"]) == (3, 4, 5)
    assert data["events_by_kind"] == {"meeting": 2, "visit": 1}


def test_the_saved_query_lists_a_pairs_events(built: Path) -> None:
    result = run("query", "--saved", "pair-events", "-p", "a=JPN", "-p", "b=United Kingdom",
                 "-f", "csv", store=built)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    listed = run("events", "--pair", "JPN", "GBR", "-f", "csv", store=built)
    events = list(csv.DictReader(io.StringIO(listed.output)))
    assert [(r["date"], r["kind"], r["reports"], r["documents"], r["sources"]) for r in rows] \
        == [(r["date"], r["kind"], r["reports"], r["documents"], r["sources"]) for r in events]


def test_partners_count_events_and_the_reports_behind_them(built: Path) -> None:
    events = run("query", "--saved", "partners", "-p", "country=GBR", "-f", "csv", store=built)
    assert events.exit_code == 0, events.output
    (row,) = list(csv.DictReader(io.StringIO(events.output)))
    # The summit (two texts, three documents), the ministers' meeting and its visit.
    assert (row["partner"], row["events"], row["reports"], row["documents"], row["kinds"]) \
        == ("JPN", "3", "4", "5", "meeting 2, visit 1")
    facts = run("query", "--saved", "partner-facts", "-p", "country=GBR", "-f", "csv",
                store=built)
    (row,) = list(csv.DictReader(io.StringIO(facts.output)))
    assert (row["partner"], row["facts"]) == ("JPN", "5")
