"""Extraction quality: the project's own 48 articles (tests/data/articles, always) and the dev
set (../shared/eval/dev or $KG_EVAL/dev, where present; it is not shipped).

Both are scored by tests/scoring.py, which matches as ../shared/eval/score.py does (checked
below where both exist). The floors sit just under the figures reached, so that a change
that loses quality fails.
"""

from __future__ import annotations

import importlib.util
import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import scoring

from kg.extract.documents import read_documents
from kg.extract.extractor import Extractor

ROOT = Path(__file__).resolve().parent.parent
# $KG_EVAL names the folder where ../shared/eval is not beside the checkout (a worktree).
EVAL = Path(os.environ.get("KG_EVAL") or ROOT.parent / "shared" / "eval")
DEV = EVAL / "dev"
OURS = ROOT / "tests" / "data" / "articles"

# Figures reached (make eval), less a margin of 0.02.
SEED_FLOOR = {"precision": 0.9, "recall": 0.9}
DEV_FLOOR = {"f1": 0.94, "precision": 0.96, "recall": 0.91, "date_accuracy": 0.93,
             "status_accuracy": 0.94}
OWN_FLOOR = {"f1": 0.89, "precision": 0.94, "date_accuracy": 0.78, "status_accuracy": 0.92}
KIND_F1_FLOOR = 0.6  # for every kind the dev gold holds at least three times
OWN_KIND_F1_FLOOR = 0.78  # for every kind our articles' gold holds at least three times
# The field's test sentences (../shared/eval/peers; run.sh prints them): 0.525 and 0.817.
PEERS = EVAL / "peers"
PEERS_FLOOR = {"recall_lenient": 0.50, "precision_like": 0.80}

needs_dev = pytest.mark.skipif(
    not (DEV.is_dir() and (EVAL / "score.py").is_file()),
    reason=f"the dev set is not at {DEV} (it is not shipped with kg)")


def _records(paths: list[Path]) -> list[dict[str, Any]]:
    extractor = Extractor()
    return [fact.to_dict() for doc in read_documents(paths) for fact in extractor.extract(doc)]


def _score(paths: list[Path], gold_dir: Path) -> dict[str, Any]:
    docs = {p.stem for p in paths}
    gold = {d: f for d, f in scoring.load_gold(gold_dir).items() if d in docs}
    result = scoring.score(gold, _records(paths))
    counts = Counter(fact["kind"] for facts in gold.values() for fact in facts)
    return {**result.summary(),
            "by_kind": {k: result.prf(k)[2] for k, n in counts.items() if n >= 3}}


def test_our_own_articles_hold_their_figures() -> None:
    assert len(list(OURS.glob("*.gold.json"))) == 48
    result = _score(sorted(OURS.glob("*.txt")), OURS)
    for metric, floor in OWN_FLOOR.items():
        assert result[metric] >= floor, result
    weak = {k: f for k, f in result["by_kind"].items() if f < OWN_KIND_F1_FLOOR}
    assert not weak, weak


@pytest.mark.skipif(not (PEERS / "run.sh").is_file() or not (ROOT / ".venv/bin/kg").is_file(),
                    reason=f"no peers yardstick at {PEERS} (not shipped with kg), or no "
                           ".venv/bin/kg to run it with")
def test_the_fields_test_sentences_hold_their_figures() -> None:
    import subprocess

    proc = subprocess.run(["bash", str(PEERS / "run.sh"), str(ROOT)], capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1].split()
    figures = {last[i]: float(last[i + 1]) for i in (1, 3, 5)}
    for metric, floor in PEERS_FLOOR.items():
        assert figures[metric] >= floor, proc.stdout.strip().splitlines()[-1]


def test_the_scorer_counts_what_it_should() -> None:
    gold = {"d": [
        {"kind": "meeting", "source": "JPN", "target": "GBR", "date": "2025-01"},
        {"kind": "visit", "source": "GBR", "target": "JPN", "status": "planned"},
        {"kind": "support", "source": "GBR", "target": "UKR", "alt": ["aid"]},
        {"kind": "force", "source": "RUS", "target": "UKR", "optional": True},
        {"kind": "sanction", "source": "GBR", "target": "RUS"},
    ]}

    def rec(kind: str, a: str, b: str, **kw: str) -> dict[str, Any]:
        return {"doc": "d", "kind": kind, "source": {"country": a},
                "target": {"country": b}, **kw}

    result = scoring.score(gold, [
        rec("meeting", "GBR", "JPN", date="2025-01-31"),  # undirected: either order
        rec("meeting", "GBR", "JPN", date="2024"),  # a repeat: the first record counts
        rec("visit", "GBR", "JPN"),  # found, but its status is wrong
        rec("aid", "GBR", "UKR"),  # an alternative kind
        rec("force", "RUS", "UKR"),  # optional: neither right nor wrong
        rec("sanction", "RUS", "GBR"),  # the wrong direction
        rec("call", "GBR", "GBR"),  # one country: not a fact
        rec("meeting", "GBR", "FRA", doc="elsewhere"),
    ])
    assert (sum(result.tp.values()), sum(result.fp.values()), sum(result.fn.values())) == (
        3, 1, 1)
    assert (result.fp["sanction"], result.fn["sanction"]) == (1, 1)
    assert result.dates == Counter(total=1, right=1)
    assert result.statuses == Counter(total=3, right=2)


@needs_dev
def test_the_scorer_agrees_with_the_shared_one(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("kg_score", EVAL / "score.py")
    assert spec and spec.loader
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    records = _records(sorted(OURS.glob("*.txt")))
    out = tmp_path / "facts.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    gold = shared.load_gold(OURS)
    system, _, _ = shared.load_system(out, set(gold))
    tp, fp, fn, dates, statuses, _ = shared.score(gold, system)
    ours = scoring.score(scoring.load_gold(OURS), records)
    assert (ours.tp, ours.fp, ours.fn) == (tp, fp, fn)
    assert (ours.dates, ours.statuses) == (dates, statuses)


@needs_dev
def test_the_sample_is_read_right() -> None:
    result = _score([DEV / "seed.txt"], DEV)
    for metric, floor in SEED_FLOOR.items():
        assert result[metric] >= floor, result


@needs_dev
def test_the_dev_set_holds_its_figures() -> None:
    result = _score(sorted(DEV.glob("*.txt")), DEV)
    for metric, floor in DEV_FLOOR.items():
        assert result[metric] >= floor, result
    weak = {k: f for k, f in result["by_kind"].items() if f < KIND_F1_FLOOR}
    assert not weak, weak
