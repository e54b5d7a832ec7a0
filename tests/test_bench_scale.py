"""`make bench-scale` times every saved query: one saved after the bench was written (with a
parameter the bench has no value for) is reported as skipped, not a crash of the whole run
after its builds have taken minutes."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.bench import scale
from kg.graph.query import saved_queries
from kg.graph.store import OxigraphStore
from kg.pipeline import build

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "store"
    with OxigraphStore(path) as opened:
        build([ROOT / "examples" / "seed.txt"], opened, workers=1)
    return path


def test_every_saved_query_is_timed_or_said_skipped(store: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    own = tmp_path / "queries"
    own.mkdir()
    (own / "by-tone.rq").write_text(
        "# title: By tone\n# param: tone (text) — a tone\n"
        "SELECT ?tone ?fact WHERE { ?fact kg:kind ?tone }\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_QUERIES", str(own))
        rows = scale.saved_times(store, rdflib_too=False)
        names = set(saved_queries())
    timed = {row.name for row in rows}
    assert "by-tone" in names and "by-tone" not in timed
    assert "by-tone" in capsys.readouterr().out
    assert timed == names - {"by-tone"}
    assert all(row.cli and row.cli > 0 and row.cli_rss and not row.failure for row in rows)
    assert {row.name: row.rows for row in rows}["documents"] == 1


def test_viz_is_timed_from_the_summaries_and_from_the_facts(store: Path, tmp_path: Path) -> None:
    times = scale.viz_times(store, tmp_path)
    assert [t.how for t in times] == ["from summaries", "from the facts"]
    assert all(t.seconds > 0 and t.rss > 0 and t.page > 100_000 for t in times)
    assert not (tmp_path / "viz.html").exists()


def test_a_cli_peak_is_its_own_not_the_bench_process_size(store: Path) -> None:
    if not Path(scale.GNU_TIME).exists():
        pytest.skip(f"{scale.GNU_TIME} is absent")
    ballast = bytearray(600 * 2**20)
    ballast[:: 4096] = b"\1" * len(ballast[:: 4096])  # touched: resident in this process
    _, peak, out = scale.timed(["--store", str(store), "stats", "-f", "json"])
    assert '"documents": 1' in out
    assert 0 < peak < 400, peak  # kg stats of one document, not this process's 600 MB
    del ballast
