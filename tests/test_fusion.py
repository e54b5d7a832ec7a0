"""The fusion evaluation set (tests/data/fusion): scores held above a floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.errors import InputError
from kg.events.fusion import load_set, main, score

FUSION = Path(__file__).parent / "data" / "fusion"

# Figures reached (make eval): precision 1.000, recall 1.000; the floor is 0.9 each.
PRECISION_FLOOR = 0.95
RECALL_FLOOR = 0.95


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return score(load_set(FUSION))


def test_the_set_holds_groups_and_near_misses() -> None:
    articles = load_set(FUSION)
    events = [g["event"] for a in articles for g in a["gold"]]
    assert len(articles) >= 40
    assert len(set(events)) >= 15
    assert sum(events.count(e) >= 3 for e in set(events)) >= 8
    publishers = {a["source"] for a in articles}
    assert len(publishers) >= 15


def test_fusion_scores_stay_above_their_floor(result) -> None:  # type: ignore[no-untyped-def]
    assert result.precision >= PRECISION_FLOOR, result.wrong
    assert result.recall >= RECALL_FLOOR, result.wrong
    assert result.pairs > 500


def test_near_misses_are_kept_apart(result) -> None:  # type: ignore[no-untyped-def]
    joined_wrongly = [w for w in result.wrong if "gold has them apart" in w]
    assert joined_wrongly == []


def test_a_missing_set_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and err.count("\n") == 1
    with pytest.raises(InputError):
        load_set(tmp_path)
