"""A pair's events by month: what happened, the cooperation–conflict balance, and the
partnership labels in force.

Each event weighs what its kind weighs (kg/data/kinds.yaml, as `kg.views.analysis` scores
facts) scaled by its status (planned half, negated nothing); an event counts once however
many documents report it. A month's `score` is the mean weight of its events, its `balance`
the mean over every event up to it. A partnership label is in force from the first month an
event gives it; a label whose words include an earlier one's ("enhanced global strategic
partnership" over "strategic partnership") replaces it, and the month says so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..views.analysis import KIND_WEIGHTS, STATUS_FACTORS
from .group import normalise
from .records import EventRecord, load_events


@dataclass(frozen=True)
class Month:
    """The events of one month (`2026-01`), or of a year or none when dates say no more."""

    period: str  # YYYY-MM, YYYY (events dated only by year), or "" (undated)
    events: tuple[EventRecord, ...]
    cooperative: int
    conflictual: int
    score: float  # mean weight of this month's events
    balance: float  # mean weight of every event up to this month
    labels: tuple[str, ...]  # partnership labels in force at its end
    changes: tuple[str, ...] = field(default_factory=tuple)  # "old → new", "+ new"

    @property
    def by_kind(self) -> tuple[tuple[str, int], ...]:
        counts = Counter(e.kind for e in self.events)
        return tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period or None, "events": len(self.events),
                "by_kind": dict(self.by_kind), "cooperative": self.cooperative,
                "conflictual": self.conflictual, "score": self.score, "balance": self.balance,
                "labels": list(self.labels), "changes": list(self.changes),
                "event_list": [e.iri for e in self.events]}


def weight(event: EventRecord) -> float:
    return KIND_WEIGHTS.get(event.kind, 0.0) * STATUS_FACTORS.get(event.status, 1.0)


def _mean(events: list[EventRecord]) -> float:
    counted = sum(STATUS_FACTORS.get(e.status, 1.0) for e in events)
    return round(sum(weight(e) for e in events) / counted, 3) if counted else 0.0


def _supersedes(new: str, old: str) -> bool:
    a, b = set(normalise(new).split()), set(normalise(old).split())
    return a != b and b <= a


def months(events: list[EventRecord]) -> list[Month]:
    """Events (of one pair) gathered by month, in time order; undated ones last."""
    by_period: dict[str, list[EventRecord]] = {}
    for e in events:
        by_period.setdefault(e.date[:7] if e.date else "", []).append(e)
    order = sorted(by_period, key=lambda p: (p == "", p))
    seen: list[EventRecord] = []
    in_force: list[str] = []
    out = []
    for period in order:
        rows = by_period[period]
        seen += rows
        changes = []
        for e in rows:
            if e.kind != "partnership" or not e.label or e.status != "occurred":
                continue
            if any(normalise(e.label) == normalise(x) or _supersedes(x, e.label)
                   for x in in_force):
                continue  # in force already, or a shorter name of one in force
            replaced = [x for x in in_force if _supersedes(e.label, x)]
            in_force = [x for x in in_force if x not in replaced] + [e.label]
            changes.append(f"{' / '.join(replaced)} → {e.label}" if replaced
                           else f"+ {e.label}")
        out.append(Month(
            period, tuple(rows),
            sum(1 for e in rows if KIND_WEIGHTS.get(e.kind, 0) > 0),
            sum(1 for e in rows if KIND_WEIGHTS.get(e.kind, 0) < 0),
            _mean(rows), _mean(seen), tuple(in_force), tuple(changes)))
    return out


def pair_timeline(store: Any, a: str, b: str) -> list[Month]:
    """The events between two countries (codes), by month."""
    return months(load_events(store, pair=(a, b), details=False))
