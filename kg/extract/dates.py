"""Dates in text, resolved against the document's date.

Explicit dates ("31 January 2026", "Jan. 10", "2024-11-18", "November 2024") and relative ones
("today", "on Tuesday", "late Wednesday", "last November", "last month", "next year") become
ISO strings at the precision the text supports: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}

_MONTH = (r"(?P<month>January|February|March|April|May|June|July|August|September|October|"
          r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|"
          r"Nov\.?|Dec\.?)")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("dmy", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b")),
    ("mdy", re.compile(rf"\b{_MONTH}\s+{_DAY}(?!\d)(?:,?\s+{_YEAR})?\b(?!,\d)")),
    ("my", re.compile(rf"\b(?:(?P<rel>last|next|this)\s+)?{_MONTH}(?:\s+(?:of\s+)?"
                      rf"(?:{_YEAR}|(?P<relyear>last|next|this)\s+year))?\b")),
    ("weekday", re.compile(r"\b(?:(?P<rel>last|next|this|on|late|early)\s+)?"
                           r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|"
                           r"Sunday)\b")),
    ("deictic", re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow|this (?:morning|"
                           r"afternoon|evening|week)|earlier (?:today|this (?:week|month|year))|"
                           r"(?:last|next|this) (?:week|month|year)|earlier this month)\b",
                           re.IGNORECASE)),
    # "In 2019, Trump praised …": the preposition may open the sentence.
    ("year", re.compile(r"\b(?:[Ii]n|[Ss]ince|[Dd]uring|of|by|[Uu]ntil|[Bb]efore|[Aa]fter)\s+"
                        r"(?P<year>(?:19|20)\d\d)\b(?![-,]\d)")),
]


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str  # ISO at the text's precision
    # What the text leaves open: "year" ("in January"), "week" ("on Monday"), else None.
    # The nearer past is assumed; an act still to come may move it ahead.
    inferred: str | None = None

    def shifted(self, forward: bool) -> str:
        """The same day a year or a week later (forward) or earlier."""
        parts = [int(p) for p in self.value.split("-")]
        if self.inferred == "year":
            parts[0] += 1 if forward else -1
            return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))
        if self.inferred == "week" and len(parts) == 3:
            day = dt.date(*parts) + dt.timedelta(days=7 if forward else -7)
            return day.isoformat()
        return self.value

    @property
    def precision(self) -> int:
        return len(self.value)


def _parse_anchor(anchor: str | None) -> dt.date | None:
    if not anchor:
        return None
    parts = [int(p) for p in anchor.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _year_for(month: int, day: int, anchor: dt.date) -> int:
    """The year that puts a month-day nearest the document date, looking back rather than ahead."""
    best = anchor.year
    best_gap = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            gap = (dt.date(year, month, min(day, 28)) - anchor).days
        except ValueError:
            continue
        # Reports look back more often than ahead: a future date counts double.
        cost = abs(gap) * (2 if gap > 0 else 1)
        if best_gap is None or cost < best_gap:
            best, best_gap = year, cost
    return best


def _resolve(kind: str, m: re.Match[str], anchor: dt.date | None) -> str | None:
    g = m.groupdict()
    if kind == "iso":
        try:
            return dt.date(int(g["year"]), int(g["month"]), int(g["day"])).isoformat()
        except ValueError:
            return None
    if kind in ("dmy", "mdy"):
        month = MONTHS[g["month"].rstrip(".").lower()]
        day = int(g["day"])
        if g.get("year"):
            year = int(g["year"])
        elif anchor:
            year = _year_for(month, day, anchor)
        else:
            return None
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return None
    if kind == "my":
        month = MONTHS[g["month"].rstrip(".").lower()]
        if g["month"] == "May" and not (g.get("year") or g.get("rel") or g.get("relyear")):
            return None  # the modal verb, far more often than the month
        if g.get("year"):
            return f"{int(g['year']):04d}-{month:02d}"
        if not anchor:
            return None
        rel = (g.get("rel") or "").lower()
        relyear = (g.get("relyear") or "").lower()
        year = anchor.year
        if relyear == "last":
            year -= 1
        elif relyear == "next":
            year += 1
        elif rel == "last":
            year = anchor.year if month < anchor.month else anchor.year - 1
        elif rel == "next":
            year = anchor.year if month > anchor.month else anchor.year + 1
        elif not rel and not relyear:
            year = _year_for(month, 15, anchor)
        return f"{year:04d}-{month:02d}"
    if kind == "weekday":
        if not anchor:
            return None
        target = WEEKDAYS[g["weekday"].lower()]
        rel = (g.get("rel") or "").lower()
        back = (anchor.weekday() - target) % 7
        if rel == "next":
            ahead = (target - anchor.weekday()) % 7 or 7
            return (anchor + dt.timedelta(days=ahead)).isoformat()
        if rel == "last" and back == 0:
            back = 7
        return (anchor - dt.timedelta(days=back)).isoformat()
    if kind == "deictic":
        if not anchor:
            return None
        word = g["word"].lower()
        if word in ("today", "tonight") or word.startswith(("this morning", "this afternoon",
                                                            "this evening", "earlier today")):
            return anchor.isoformat()
        if word == "yesterday":
            return (anchor - dt.timedelta(days=1)).isoformat()
        if word == "tomorrow":
            return (anchor + dt.timedelta(days=1)).isoformat()
        if word.endswith("week"):
            # A week is no calendar unit of ISO dates: the month (or year) it lies in, when
            # it lies in one ("met last week" in a report of 23 October: 16-22 October).
            # "Last week" is the calendar week before this one ("met last week" on Friday 5
            # July: 24-30 June); said on a Sunday, the week just ended: the seven days before.
            monday = anchor - dt.timedelta(days=anchor.weekday())
            last = anchor - dt.timedelta(days=7) if anchor.weekday() == 6 else \
                monday - dt.timedelta(days=7)
            first = {"last": last,
                     "next": monday + dt.timedelta(days=7)}.get(word.split()[0], monday)
            monday, sunday = first, first + dt.timedelta(days=6)
            if (monday.year, monday.month) == (sunday.year, sunday.month):
                return f"{monday.year:04d}-{monday.month:02d}"
            return f"{monday.year:04d}" if monday.year == sunday.year else None
        if word.endswith("month"):
            shift = {"last": -1, "next": 1}.get(word.split()[0], 0)
            when = anchor + relativedelta(months=shift)
            return f"{when.year:04d}-{when.month:02d}"
        if word.endswith("year"):
            shift = {"last": -1, "next": 1}.get(word.split()[0], 0)
            return f"{anchor.year + shift:04d}"
        return None
    if kind == "year":
        return g["year"]
    return None


def find_dates(text: str, anchor: str | None) -> list[DateMention]:
    """Date expressions in `text`, resolved against the ISO `anchor` date, in text order.

    Overlapping matches keep the longest (so "31 January 2026" wins over "January 2026").
    """
    base = _parse_anchor(anchor)
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            value = _resolve(kind, m, base)
            if value:
                start = m.start("year") if kind == "year" else m.start()
                g = m.groupdict()
                inferred = None
                if kind in ("dmy", "mdy", "my") and not g.get("year") and not g.get("rel") \
                        and not g.get("relyear"):
                    inferred = "year"
                elif kind == "weekday" and (g.get("rel") or "").lower() in ("", "on", "late",
                                                                             "early"):
                    inferred = "week"
                found.append(DateMention(start, m.end(), text[start:m.end()], value, inferred))
    found.sort(key=lambda d: (d.start, -(d.end - d.start)))
    kept: list[DateMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return kept
