"""A held-out figure on real news text: 27 passages of public-domain Voice of America stories
(tests/data/voa, from ahalterman/NGEC-2025), hand-coded before kg was first run on them.

THIS SET MUST NEVER BE USED TO WRITE OR TUNE RULES: do not read its passages or kg's errors on
them to decide what to extract. Its only use is to say how kg does on text it has not seen. If
a change drops the figure below the floor, the change lost quality on unseen text; look for
the cause elsewhere (the dev set, tests/data/articles), not here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from test_eval import _score

from kg.records import KINDS

VOA = Path(__file__).resolve().parent / "data" / "voa"

# Measured the first time kg was scored on this set (commit after 821c437): precision 0.692,
# recall 0.667, F1 0.679. Measured again once, after rules were written from the VOA dev set
# (tests/data/voa-dev) and never from this one: precision 0.750, recall 0.722, F1 0.736 (date
# accuracy 0.538, status 0.821). The floors sit 0.05 under, so that a loss on unseen text fails.
MEASURED = {"f1": 0.736, "precision": 0.75}
FLOOR = {metric: round(value - 0.05, 3) for metric, value in MEASURED.items()}

_ISO3 = re.compile(r"[A-Z]{3}")
STATUSES = {"occurred", "planned", "negated"}


def test_the_voa_set_is_well_formed() -> None:
    texts = {p.stem for p in VOA.glob("*.txt")}
    golds = {p.name.removesuffix(".gold.json") for p in VOA.glob("*.gold.json")}
    assert len(texts) == 27
    assert texts == golds
    for doc in sorted(golds):
        data = json.loads((VOA / f"{doc}.gold.json").read_text(encoding="utf-8"))
        assert data["doc"] == doc
        assert data["facts"], doc
        for fact in data["facts"]:
            where = (doc, fact)
            assert fact["kind"] in KINDS, where
            assert all(k in KINDS for k in fact["alt"]), where
            assert _ISO3.fullmatch(fact["source"]) and _ISO3.fullmatch(fact["target"]), where
            assert fact["source"] != fact["target"], where
            assert fact["status"] in STATUSES, where
            assert fact["attribution"] in {"reported", "commentary"}, where
            assert isinstance(fact["optional"], bool), where
            assert fact["date"] is None or re.fullmatch(
                r"\d{4}(-\d{2}(-\d{2})?)?", fact["date"]), where
        text = (VOA / f"{doc}.txt").read_text(encoding="utf-8")
        assert text.startswith("---\n") and "\nurl: " in text and "\ndate: " in text, doc
        body = text.split("\n---\n", 1)[1]
        assert all(f["evidence"] in body for f in data["facts"]), doc


def test_the_voa_set_holds_its_figure() -> None:
    result = _score(sorted(VOA.glob("*.txt")), VOA)
    for metric, floor in FLOOR.items():
        assert result[metric] >= floor, result
