"""A held-out figure on real news text: 27 passages of public-domain Voice of America stories
(tests/data/voa, from ahalterman/NGEC-2025), hand-coded before kg was first run on them.

THIS SET MUST NEVER BE USED TO WRITE OR TUNE RULES: do not read its passages or kg's errors on
them to decide what to extract. Its only use is to say how kg does on text it has not seen. If
a change drops the figure below the floor, the change lost quality on unseen text; look for
the cause elsewhere (the dev set, tests/data/articles), not here.
"""

from __future__ import annotations

from pathlib import Path

import scoring
from test_eval import _score

VOA = Path(__file__).resolve().parent / "data" / "voa"

# Measured the first time kg was scored on this set (commit after 821c437): precision 0.692,
# recall 0.667, F1 0.679. Measured again once, after rules were written from the VOA dev set
# (tests/data/voa-dev) and never from this one: precision 0.750, recall 0.722, F1 0.736 (date
# accuracy 0.538, status 0.821); after the readouts round, the same with date accuracy 0.769;
# after the named side steps and the second dev sets' classes: P 0.784, R 0.741, F1 0.762.
# The floors sit 0.05 under, so that a loss on unseen text fails.
MEASURED = {"f1": 0.762, "precision": 0.784}
FLOOR = {metric: round(value - 0.05, 3) for metric, value in MEASURED.items()}


def test_the_voa_set_is_well_formed() -> None:
    scoring.assert_gold_set(VOA, 27)


def test_the_voa_set_holds_its_figure() -> None:
    result = _score(sorted(VOA.glob("*.txt")), VOA)
    for metric, floor in FLOOR.items():
        assert result[metric] >= floor, result
