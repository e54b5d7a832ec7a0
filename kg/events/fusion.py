"""How well reports are fused into events: pairwise precision and recall of "same event".

An evaluation set is a folder with `articles.jsonl`: one article a line (`id`, `text`,
`date`, `source`) with `gold`, the facts it reports and the event each belongs to
(`kind`, `source`, `target`, `event`). The articles are extracted and grouped as `kg build`
would; each gold fact the extractor found is matched to its fact, and every two of them
(from different documents) are a decision: same event or not. Precision is the share of
"same" decisions the gold agrees with, recall the share of the gold's "same" pairs found.
Gold facts the extractor missed are counted apart (`missed`): they score extraction, not
fusion.

    python -m kg.events.fusion tests/data/fusion
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..graph.vocab import fact_iri
from ..records import DIRECTED_KINDS, Document, Fact
from .group import Mention, group


@dataclass(frozen=True)
class FusionScore:
    precision: float
    recall: float
    pairs: int  # decisions scored
    true_same: int
    predicted_same: int
    correct_same: int
    gold_facts: int
    missed: list[str] = field(default_factory=list)  # "doc kind source-target"
    wrong: list[str] = field(default_factory=list)  # the pairs decided wrongly, explained

    def to_dict(self) -> dict[str, Any]:
        return {"precision": self.precision, "recall": self.recall, "pairs": self.pairs,
                "true_same": self.true_same, "predicted_same": self.predicted_same,
                "correct_same": self.correct_same, "gold_facts": self.gold_facts,
                "missed": self.missed, "wrong": self.wrong}


def mention_of(fact: Fact, doc: Document) -> Mention:
    """The `Mention` the store would give for a fact of a document."""
    kind, a, b = fact.key
    source, target = fact.source, fact.target
    if (source.country, target.country) != (a, b):
        source, target = target, source
    return Mention(
        fact=fact_iri(doc.id, kind, a, b), doc=doc.id, kind=kind, source=a, target=b,
        evidence=fact.evidence, date=fact.date, status=fact.status,
        attribution=fact.attribution, source_person=source.name, target_person=target.name,
        place=fact.location.name if fact.location else None,
        place_country=fact.location.country if fact.location else None, label=fact.label,
        publisher=doc.source, doc_date=doc.date)


def _key(kind: str, source: str, target: str) -> tuple[str, str, str]:
    if kind not in DIRECTED_KINDS:
        source, target = sorted((source, target))
    return kind, source, target


def load_set(folder: str | Path) -> list[dict[str, Any]]:
    path = Path(folder) / "articles.jsonl"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the evaluation set: {exc.strerror}") from None
    rows = []
    for n, line in enumerate(lines, 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not JSON: {exc.msg}") from None
    return rows


def score(articles: Iterable[dict[str, Any]], extractor: Any = None) -> FusionScore:
    """Extract, group and score one evaluation set's articles."""
    from ..extract.extractor import default_extractor

    extractor = extractor or default_extractor()
    mentions: list[Mention] = []
    gold: dict[str, str] = {}  # fact IRI -> gold event
    missed: list[str] = []
    for article in articles:
        doc = Document.from_text(article["text"], id=article["id"], date=article.get("date"),
                                 source=article.get("source"))
        found = {f.key: mention_of(f, doc) for f in extractor.extract(doc)}
        mentions.extend(found.values())
        for g in article.get("gold", []):
            key = _key(g["kind"], g["source"], g["target"])
            if key in found:
                gold[found[key].fact] = g["event"]
            else:
                missed.append(f"{doc.id} {key[0]} {key[1]}-{key[2]}")
    predicted = {m.fact: e.id for e in group(mentions).events
                 for r in e.reports for m in r.mentions}
    docs = {m.fact: m.doc for m in mentions}
    facts = sorted(gold)
    true_same = predicted_same = correct = pairs = 0
    wrong = []
    for x, y in itertools.combinations(facts, 2):
        if docs[x] == docs[y]:
            continue
        pairs += 1
        same_gold, same_pred = gold[x] == gold[y], predicted[x] == predicted[y]
        true_same += same_gold
        predicted_same += same_pred
        correct += same_gold and same_pred
        if same_gold != same_pred:
            wrong.append(f"{docs[x]} / {docs[y]}: "
                         + ("joined, but gold has them apart" if same_pred
                            else "kept apart, but gold joins them"))
    return FusionScore(
        precision=round(correct / predicted_same, 3) if predicted_same else 1.0,
        recall=round(correct / true_same, 3) if true_same else 1.0,
        pairs=pairs, true_same=true_same, predicted_same=predicted_same,
        correct_same=correct, gold_facts=len(gold) + len(missed), missed=missed, wrong=wrong)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the fusion of reports into events.")
    parser.add_argument("folder", nargs="?", default="tests/data/fusion")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    try:
        result = score(load_set(args.folder))
    except InputError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
        return 0
    # Recall misses today come from reports that give no date of their own: the extractor
    # dates them by their document, days after the event.
    print(f"fusion  precision {result.precision:.3f}  recall {result.recall:.3f}  "
          f"({result.pairs} pairs of {result.gold_facts - len(result.missed)} facts; "
          f"{result.true_same} same in gold, {result.predicted_same} grouped)")
    if result.missed:
        print(f"  gold facts not extracted: {len(result.missed)} ({', '.join(result.missed)})")
    for line in result.wrong:
        print(f"  wrong: {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
