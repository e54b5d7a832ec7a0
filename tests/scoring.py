"""Scores fact records against gold files, so that floors resting on files in the repository
(tests/data/articles) hold whether or not ../shared/eval is there.

It matches as ../shared/eval/score.py does (tests/test_eval.py checks they agree where both
exist): per document, one system record per kind and pair (ordered only for directed kinds),
the first kept; gold facts matched on their exact kind first, then on an alternative kind
(`alt`); `optional` gold facts are neither missed nor counted; dates agree when the record's
starts with the gold one.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kg.records import DIRECTED_KINDS, KINDS

_ISO3 = re.compile(r"[A-Z]{3}")


@dataclass
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    dates: Counter[str] = field(default_factory=Counter)  # "right", "total"
    statuses: Counter[str] = field(default_factory=Counter)

    def prf(self, kind: str | None = None) -> tuple[float, float, float]:
        tp, fp, fn = ((self.tp[kind], self.fp[kind], self.fn[kind]) if kind else
                      (sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, 2 * p * r / (p + r) if p + r else 0.0

    def summary(self) -> dict[str, Any]:
        p, r, f = self.prf()
        return {"precision": p, "recall": r, "f1": f,
                "date_accuracy": self.dates["right"] / self.dates["total"]
                if self.dates["total"] else 1.0,
                "status_accuracy": self.statuses["right"] / self.statuses["total"]
                if self.statuses["total"] else 1.0}


def key(kind: str, source: str, target: str) -> tuple[str, str, str]:
    if kind not in DIRECTED_KINDS:
        source, target = sorted((source, target))
    return kind, source, target


def load_gold(folder: Path) -> dict[str, list[dict[str, Any]]]:
    gold = {}
    for path in sorted(folder.glob("*.gold.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gold[data.get("doc") or path.name.removesuffix(".gold.json")] = data["facts"]
    return gold


def score(gold: dict[str, list[dict[str, Any]]], records: list[dict[str, Any]]) -> Score:
    system: dict[str, dict[tuple[str, str, str], dict[str, Any]]] = {}
    for rec in records:
        src, tgt = rec["source"]["country"], rec["target"]["country"]
        if rec["doc"] in gold and rec["kind"] in KINDS and src != tgt \
                and _ISO3.fullmatch(src) and _ISO3.fullmatch(tgt):
            system.setdefault(rec["doc"], {}).setdefault(key(rec["kind"], src, tgt), rec)
    result = Score()
    for doc, facts in gold.items():
        unused = dict(system.get(doc, {}))
        ordered = sorted(facts, key=lambda f: f.get("optional", False))
        hits: dict[int, dict[str, Any]] = {}
        for alternatives in (False, True):
            for i, fact in enumerate(ordered):
                kinds = fact.get("alt", []) if alternatives else [fact["kind"]]
                for kind in kinds if i not in hits else ():
                    found = unused.pop(key(kind, fact["source"], fact["target"]), None)
                    if found is not None:
                        hits[i] = found
                        break
        for i, fact in enumerate(ordered):
            if fact.get("optional"):
                continue
            if i not in hits:
                result.fn[fact["kind"]] += 1
                continue
            result.tp[fact["kind"]] += 1
            if fact.get("date"):
                result.dates["total"] += 1
                got = hits[i].get("date")
                result.dates["right"] += isinstance(got, str) and got.startswith(fact["date"])
            result.statuses["total"] += 1
            result.statuses["right"] += (hits[i].get("status", "occurred")
                                         == fact.get("status", "occurred"))
        for k in unused:
            result.fp[k[0]] += 1
    return result


def assert_gold_set(folder: Path, documents: int,
                    front: tuple[str, ...] = ("url", "date")) -> None:
    """A folder of passages and gold files is what the scorer expects: `documents` texts, each
    with a gold file of facts FACTS.md allows, its front matter naming `front`, and every
    fact's evidence a quotation of its passage (so a fact cannot be coded from outside it)."""
    texts = {p.stem for p in folder.glob("*.txt")}
    golds = {p.name.removesuffix(".gold.json") for p in folder.glob("*.gold.json")}
    assert len(texts) == documents
    assert texts == golds
    for doc in sorted(golds):
        data = json.loads((folder / f"{doc}.gold.json").read_text(encoding="utf-8"))
        assert data["doc"] == doc
        assert data["facts"], doc
        for fact in data["facts"]:
            where = (doc, fact)
            assert fact["kind"] in KINDS and all(k in KINDS for k in fact["alt"]), where
            assert _ISO3.fullmatch(fact["source"]) and _ISO3.fullmatch(fact["target"]), where
            assert fact["source"] != fact["target"], where
            assert fact["status"] in {"occurred", "planned", "negated"}, where
            assert fact["attribution"] in {"reported", "commentary"}, where
            assert isinstance(fact["optional"], bool), where
            assert fact["date"] is None or re.fullmatch(
                r"\d{4}(-\d{2}(-\d{2})?)?", fact["date"]), where
        text = (folder / f"{doc}.txt").read_text(encoding="utf-8")
        assert text.startswith("---\n"), doc
        assert all(f"\n{name}: " in text for name in front), doc
        body = text.split("\n---\n", 1)[1]
        assert all(f["evidence"] in body for f in data["facts"]), doc
