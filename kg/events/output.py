"""Printing events: rows (`table`, `csv`, `tsv`, `json`, `xml` through kg's one row renderer),
whole records (`jsonl`: each event with its reports and disagreements), and the
explanation of the grouping (`kg events --explain`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO

import pyoxigraph as ox

from ..graph.query import QueryResult
from ..graph.vocab import PREFIXES
from ..views.render import printable, write_rows
from .group import Grouping, Report
from .records import EventRecord
from .timeline import Month

FORMATS = ("table", "csv", "tsv", "json", "jsonl")
COLUMNS = ("date", "kind", "source", "target", "place", "status", "reports", "documents",
           "sources", "disagree", "event")

_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
_DECIMAL = ox.NamedNode(PREFIXES["xsd"] + "decimal")
TIMELINE_COLUMNS = ("month", "events", "kinds", "cooperative", "conflictual", "score",
                    "balance", "partnership", "change")


def _lit(value: str | int | float | None) -> ox.Literal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError("no booleans in event rows")
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_INTEGER)
    if isinstance(value, float):
        return ox.Literal(f"{value:.3f}", datatype=_DECIMAL)
    return ox.Literal(value)


def event_rows(events: Iterable[EventRecord]) -> QueryResult:
    """Events as rows: one per event, its counts and the fields its reports disagree on."""
    rows = tuple(tuple(_lit(v) for v in (
        e.date, e.kind, e.source, e.target, e.place, e.status, e.report_count,
        e.document_count, e.source_count, ",".join(f for f, _ in e.disagreements), e.id))
        for e in events)
    return QueryResult("select", COLUMNS, rows)


def write_events(events: list[EventRecord], out: TextIO, fmt: str) -> None:
    """Write events as `fmt`, one of FORMATS (jsonl: each event with its reports)."""
    _write(events, event_rows, out, fmt)


def timeline_rows(months: Iterable[Month]) -> QueryResult:
    """A pair's timeline as rows: one per month."""
    rows = tuple(tuple(_lit(v) for v in (
        m.period or "undated", len(m.events), ", ".join(f"{k} {n}" for k, n in m.by_kind),
        m.cooperative, m.conflictual, m.score, m.balance, "; ".join(m.labels),
        "; ".join(m.changes))) for m in months)
    return QueryResult("select", TIMELINE_COLUMNS, rows)


def write_timeline(months: list[Month], out: TextIO, fmt: str) -> None:
    """Write a timeline as `fmt`, one of FORMATS (jsonl: each month with its events' IRIs)."""
    _write(months, timeline_rows, out, fmt)


def _write(items: list[Any], as_rows: Callable[[list[Any]], QueryResult], out: TextIO,
           fmt: str) -> None:
    # JSON Lines keeps each item whole (its nested reports or events); the rest are tables.
    if fmt == "jsonl":
        for item in items:
            out.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
        return
    write_rows(as_rows(items), out, fmt)


def _n(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def _who(report: Report) -> str:
    first = report.first
    who = f"{first.doc} ({first.publisher})" if first.publisher else first.doc
    if len(report.mentions) > 1:
        who += f" and {_n(len(report.mentions) - 1, 'copy', 'copies')}"
    return who


def write_explanation(grouping: Grouping, out: TextIO) -> None:
    """Per event, the report that founded it and why each other report joined it; per
    report, the events it could not join and why."""
    by_event: dict[str, list] = {}
    for d in grouping.decisions:
        by_event.setdefault(d.event, []).append(d)
    for event in grouping.events:
        out.write(printable(
            f"event {event.id}: {event.kind} {event.source}–{event.target}"
            f" {event.date or '(no date)'} {event.status}: {_n(len(event.reports), 'report')}, "
            f"{_n(len(event.documents), 'document')}, {_n(len(event.sources), 'source')}")
            + "\n")
        for d in by_event.get(event.id, []):
            mark = "+" if d.joined else "*"
            out.write(printable(f"  {mark} {_who(d.report)}: {d.reason}") + "\n")
            out.write(printable(f"      \"{d.report.first.evidence}\"") + "\n")
            # A founder says why no earlier event would do; a report that joined, only
            # that it joined (`not` lines for every event it skipped would drown it).
            for other, why in () if d.joined else d.rejected:
                out.write(printable(f"      not {other}: {why}") + "\n")
        for name, values in event.disagreements().items():
            shown = "; ".join(f"{v} ({', '.join(r.first.doc for r in rs)})"
                              for v, rs in sorted(values.items()))
            out.write(printable(f"  disagree on {name}: {shown}") + "\n")
        for other in event.linked:
            out.write(printable(f"  linked to {other}") + "\n")
