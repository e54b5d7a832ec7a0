"""A figure on real news text that rules may be written from: 43 passages of public-domain Voice
of America stories (tests/data/voa-dev, from ahalterman/NGEC-2025, none of them a story of the
held-out set tests/data/voa), hand-coded before kg was first run on them.

When kg errs on real news, look for the cause here (never in tests/data/voa). The floor sits
0.03 under the figure reached, so that a change that loses quality on real text fails.
"""

from __future__ import annotations

from pathlib import Path

import scoring
from test_eval import _score

VOA_DEV = Path(__file__).resolve().parent / "data" / "voa-dev"
HELD_OUT = Path(__file__).resolve().parent / "data" / "voa"

# First scored (d01-d35, gold committed before): precision 0.675, recall 0.500, F1 0.574;
# batch 2 (d36-d43), first scored after the first fixes: P 0.556, R 0.357. Reached (all 43)
# 0.800 (P 0.923), then after the trigger, status and date classes of branch realtext3:
MEASURED = {"f1": 0.817, "precision": 0.942}
FLOOR = {metric: round(value - 0.03, 3) for metric, value in MEASURED.items()}


def _url(path: Path) -> str:
    return next(line for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("url: "))


def test_the_voa_dev_set_is_well_formed() -> None:
    scoring.assert_gold_set(VOA_DEV, 43)


def test_no_story_of_the_held_out_set_is_used() -> None:
    # Only the front matter's url line of the held-out files is read here.
    held_out = {_url(p) for p in HELD_OUT.glob("v*.txt")}
    assert held_out
    assert not held_out & {_url(p) for p in VOA_DEV.glob("*.txt")}


def test_the_voa_dev_set_holds_its_figure() -> None:
    result = _score(sorted(VOA_DEV.glob("*.txt")), VOA_DEV)
    for metric, floor in FLOOR.items():
        assert result[metric] >= floor, result
