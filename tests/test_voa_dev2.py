"""A figure on real news text from a second slice of public-domain Voice of America stories
(tests/data/voa-dev2, from ahalterman/NGEC-2025, disjoint from the stories of tests/data/voa and
tests/data/voa-dev), hand-coded and committed before kg was first run on them.

Rules are written from tests/data/voa-dev and tests/data/readouts-dev and checked here: this set
says whether a fix generalises. The floor sits 0.03 under the figure reached.
"""

from __future__ import annotations

from pathlib import Path

import scoring
from test_eval import _score

DATA = Path(__file__).resolve().parent / "data"
VOA_DEV2 = DATA / "voa-dev2"

# First scored (gold committed before kg was run on it): precision 0.650, recall 0.500,
# F1 0.565. Reached, after fixes written from the other sets and checked here:
MEASURED = {"f1": 0.667, "precision": 0.756}
FLOOR = {metric: round(value - 0.03, 3) for metric, value in MEASURED.items()}


def _urls(folder: Path, pattern: str) -> set[str]:
    # Only the front matter's url line is read (the held-out files' text is never opened).
    return {next(line for line in p.read_text(encoding="utf-8").splitlines()
                 if line.startswith("url: ")) for p in folder.glob(pattern)}


def test_the_second_voa_dev_set_is_well_formed() -> None:
    scoring.assert_gold_set(VOA_DEV2, 40)


def test_no_story_of_the_other_voa_sets_is_used() -> None:
    held_out, dev = _urls(DATA / "voa", "v*.txt"), _urls(DATA / "voa-dev", "d*.txt")
    assert held_out and dev
    assert not (held_out | dev) & _urls(VOA_DEV2, "e*.txt")


def test_the_second_voa_dev_set_holds_its_figure() -> None:
    result = _score(sorted(VOA_DEV2.glob("e*.txt")), VOA_DEV2)
    for metric, floor in FLOOR.items():
        assert result[metric] >= floor, result
