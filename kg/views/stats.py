"""Counts of what a store holds: documents, facts by kind, countries, triples."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..graph.store import GraphStore

_COUNTS = """
SELECT (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?fact) AS ?facts)
       (COUNT(DISTINCT ?country) AS ?countries)
WHERE {
  { ?doc a kg:Document } UNION { ?fact kg:kind ?k }
  UNION { ?f kg:involves ?country }
}"""
_DOCUMENTS = "SELECT (COUNT(DISTINCT ?doc) AS ?documents) WHERE { ?doc a kg:Document }"
_BY_KIND = """
SELECT ?kind (COUNT(DISTINCT ?fact) AS ?n) WHERE { ?fact kg:kind ?kind }
GROUP BY ?kind ORDER BY DESC(?n) ?kind"""


@dataclass(frozen=True)
class StoreStats:
    documents: int
    facts: int
    countries: int
    triples: int
    by_kind: tuple[tuple[str, int], ...]

    def to_dict(self) -> dict[str, object]:
        return {"documents": self.documents, "facts": self.facts, "countries": self.countries,
                "triples": self.triples, "by_kind": dict(self.by_kind)}


def store_stats(store: GraphStore, *, min_confidence: float | None = None) -> StoreStats:
    """The counts; facts and countries from the summary graph when the store has one.

    With `min_confidence`, only the facts rated at least that count (read fact by fact:
    the summary graph does not keep confidences).
    """
    from ..graph.summaries import read_summaries
    from ..graph.vocab import PREFIXES

    if min_confidence:
        from .analysis import load_facts

        facts = load_facts(store, min_confidence=min_confidence)
        (row,) = list(store.query(_DOCUMENTS, prefixes=PREFIXES))
        by_kind = Counter(f.kind for f in facts)
        return StoreStats(int(row["documents"].value), len(facts),
                          len({c for f in facts for c in (f.source, f.target)}), len(store),
                          tuple(sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))))

    summary = read_summaries(store)
    if summary is not None:
        (row,) = list(store.query(_DOCUMENTS, prefixes=PREFIXES))
        kind_counts: Counter[str] = Counter()
        for r in summary:
            kind_counts[r.kind] += r.facts
        countries = {r.source for r in summary} | {r.target for r in summary}
        return StoreStats(int(row["documents"].value), sum(kind_counts.values()),
                          len(countries), len(store),
                          tuple(sorted(kind_counts.items(), key=lambda kv: (-kv[1], kv[0]))))
    (row,) = list(store.query(_COUNTS, prefixes=PREFIXES))
    kinds = tuple((s["kind"].value, int(s["n"].value))
                  for s in store.query(_BY_KIND, prefixes=PREFIXES))
    return StoreStats(int(row["documents"].value), int(row["facts"].value),
                      int(row["countries"].value), len(store), kinds)
