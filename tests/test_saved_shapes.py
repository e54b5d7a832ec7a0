"""Saved queries rewritten for speed give the answers they gave before.

`tests/data/saved-before/store.nq.gz` is a small fixed store (the 48 test articles and the
examples, as a build wrote them with their summaries); `results.json` holds what each saved
query answered on it, row by row in order, recorded before the queries were rewritten for
the engine (`python tests/test_saved_shapes.py --record`, to be run only before such a
rewrite: recording after it would make the guard prove nothing). The store is fixed data,
not a build, so a change to the extraction rules does not move it.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.graph.query import run_saved, saved_queries
from kg.graph.store import OxigraphStore
from kg.graph.vocab import SUMMARY_GRAPH

HERE = Path(__file__).resolve().parent / "data" / "saved-before"
STORE = HERE / "store.nq.gz"
RESULTS = HERE / "results.json"

# Each saved query with the arguments it is checked with: ones with rows, ones across
# precisions (a month reaching the day), a country with none, the pair either way round.
CASES: list[tuple[str, dict[str, str]]] = [
    ("country-facts", {"country": "JPN"}),
    ("country-facts", {"country": "CHN"}),
    ("country-facts", {"country": "ISL"}),
    ("documents", {}),
    ("facts-since", {"since": "2025-06-01"}),
    ("facts-since", {"since": "2026-01-15"}),
    ("facts-since", {"since": "2030-01-01"}),
    ("invitations-visits", {}),
    ("pair-evidence", {"a": "JPN", "b": "GBR"}),
    ("pair-evidence", {"a": "USA", "b": "CHN"}),
    ("pair-timeline", {"a": "GBR", "b": "JPN"}),
    ("pair-timeline", {"a": "CHN", "b": "VNM"}),
    ("partner-facts", {"country": "CHN"}),
    ("partner-facts", {"country": "JPN"}),
    ("partnerships", {}),
]


def _key(name: str, params: dict[str, str]) -> str:
    return name + "".join(f" {k}={v}" for k, v in sorted(params.items()))


def load(*, summaries: bool = True) -> OxigraphStore:
    store = OxigraphStore()
    store.backend.load(gzip.decompress(STORE.read_bytes()), format=ox.RdfFormat.N_QUADS)
    if not summaries:
        store.replace_graph(SUMMARY_GRAPH, [])
    return store


def answer(store: Any, name: str, params: dict[str, str], **paging: Any) -> dict[str, Any]:
    result = run_saved(store, name, params, **paging)
    return {"columns": list(result.variables),
            "rows": [[None if v is None else str(v) for v in row] for row in result.rows]}


def record() -> None:
    store = load()
    RESULTS.write_text(json.dumps({_key(n, p): answer(store, n, p) for n, p in CASES},
                                  indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def before() -> dict[str, Any]:
    return json.loads(RESULTS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    return load()


# Saved queries written after the guard was recorded: nothing was rewritten, so there is no
# earlier answer to hold them to; their own tests check them.
WRITTEN_AFTER_THE_GUARD = {"confident-facts", "pair-events", "partners"}


def test_every_saved_query_is_guarded() -> None:
    guarded = {name for name, _ in CASES}
    assert guarded <= set(saved_queries())
    assert set(saved_queries()) - guarded <= WRITTEN_AFTER_THE_GUARD


@pytest.mark.parametrize(("name", "params"), CASES, ids=[_key(n, p) for n, p in CASES])
def test_saved_query_answers_as_before_the_rewrite(store: OxigraphStore, before: dict[str, Any],
                                                   name: str, params: dict[str, str]) -> None:
    assert answer(store, name, params) == before[_key(name, params)]


@pytest.mark.parametrize(("name", "params"), CASES, ids=[_key(n, p) for n, p in CASES])
def test_a_page_is_the_same_slice_of_the_answer(store: OxigraphStore, before: dict[str, Any],
                                                name: str, params: dict[str, str]) -> None:
    rows = before[_key(name, params)]["rows"]
    assert answer(store, name, params, limit=3, offset=2)["rows"] == rows[2:5]


def test_the_guard_has_rows_to_compare(before: dict[str, Any]) -> None:
    empty = {k for k, v in before.items() if not v["rows"]}
    # The country with no facts and the day after every fact, and nothing else.
    assert empty == {"country-facts country=ISL", "facts-since since=2030-01-01"}


@pytest.mark.parametrize("country", ["CHN", "JPN"])
def test_partner_facts_without_summaries_answers_as_with_them(before: dict[str, Any],
                                                              country: str) -> None:
    bare = load(summaries=False)
    assert answer(bare, "partner-facts", {"country": country}) == before[
        _key("partner-facts", {"country": country})]


@pytest.mark.parametrize("name", ["partners", "pair-events"])
def test_a_query_of_events_is_refused_on_a_store_without_events(store: OxigraphStore,
                                                                name: str) -> None:
    # The fixed store was written before kg grouped events: it has facts and no events.
    params = {"country": "JPN"} if name == "partners" else {"a": "JPN", "b": "GBR"}
    with pytest.raises(QueryError, match=rf"^saved query {name} counts events, and this "
                       r"store has facts but no events \(an older kg wrote it\): "
                       r"'kg build' on its inputs groups them; "
                       r"(partner-facts counts facts|pair-evidence lists the facts)$"):
        run_saved(store, name, params)


if __name__ == "__main__" and sys.argv[1:] == ["--record"]:
    record()
