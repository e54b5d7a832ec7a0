"""Printing facts: JSON Lines (the records of docs/facts.md), a JSON array, a readable table,
and the sentence-by-sentence explanation of `kg extract --explain`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TextIO

from ..records import Document, Fact
from ..views.render import printable
from .extractor import SentenceReport

TABLE_COLUMNS = ("doc", "kind", "source", "target", "date", "status", "attribution",
                 "location", "evidence")


def _side(side: object) -> str:
    country = getattr(side, "country", "")
    name = getattr(side, "name", None)
    return f"{country} ({name})" if name else country


def write_facts(facts: Iterable[Fact], out: TextIO, fmt: str) -> int:
    """Write facts as `jsonl`, `json` or `table`; return how many were written."""
    count = 0
    if fmt == "jsonl":
        for fact in facts:
            out.write(json.dumps(fact.to_dict(), ensure_ascii=False) + "\n")
            count += 1
        return count
    if fmt == "json":
        items = [fact.to_dict() for fact in facts]
        out.write(json.dumps(items, ensure_ascii=False, indent=2) + "\n")
        return len(items)
    rows = []
    for fact in facts:
        evidence = fact.evidence if len(fact.evidence) <= 70 else fact.evidence[:69] + "…"
        # A table is read on a terminal: control characters from articles are neutralised.
        rows.append(tuple(printable(cell) for cell in (
            fact.doc, fact.kind, _side(fact.source), _side(fact.target), fact.date or "",
            fact.status, fact.attribution, fact.location.name if fact.location else "",
            evidence)))
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(TABLE_COLUMNS)]
    line = "  ".join(c.ljust(w) for c, w in zip(TABLE_COLUMNS, widths, strict=True)).rstrip()
    out.write(line + "\n" + "  ".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() + "\n")
    out.write(f"{len(rows)} facts\n")
    return len(rows)


def write_explanation(reports: list[SentenceReport], doc: Document, out: TextIO) -> None:
    """Sentence by sentence: actors, dates, each trigger matched and what became of it.

    Written for a terminal: control characters from the article are neutralised.
    """
    _explain(reports, doc, _Printable(out))


class _Printable:
    def __init__(self, out: TextIO):
        self._out = out

    def write(self, text: str) -> None:
        # Lines keep their newline; anything else that controls a terminal is neutralised.
        self._out.write("\n".join(printable(part) for part in text.split("\n")))


def _explain(reports: list[SentenceReport], doc: Document, out: _Printable) -> None:
    out.write(f"# {doc.id}" + (f" ({doc.date})" if doc.date else "") + "\n")
    for r in reports:
        out.write(f"\n[{r.index}] {r.start}-{r.end} {r.text}\n")
        out.write(f"    actors: {'; '.join(r.actors) if r.actors else '(none)'}\n")
        if r.dates:
            out.write(f"    dates: {'; '.join(r.dates)}\n")
        for d in r.decisions:
            # Which data gave the trigger, when it is the CAMEO lexicon's: block and codes.
            via = f" ({d.source})" if d.source != "kg" else ""
            if d.produced:
                # Each fact names the side rule that decided it (kg/extract/sides.py).
                made = ", ".join(f"{f.kind} {f.source.country}→{f.target.country} "
                                 f"[{f.status}] by {f.rule}"
                                 for f in d.produced)
                out.write(f"    {d.kind} '{d.trigger}'{via}: fact {made}\n")
            else:
                by = f" (rule {d.rule})" if d.rule else ""
                out.write(f"    {d.kind} '{d.trigger}'{via}: no fact: "
                          f"{d.reason or 'no sides'}{by}\n")
        if not r.decisions:
            out.write("    no trigger\n")
