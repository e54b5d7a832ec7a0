"""Reports grouped into events: one event, many reports, each report one text and its copies.

A *mention* is one fact node of one document. Mentions whose text is the same (the same
kind, sides, date, status and the same sentence once case, spacing and punctuation are
set aside) are copies of one *report*: a syndicated story printed by many outlets is one
report with many documents. Reports are then grouped into *events*: same kind, same pair
(direction kept for directed kinds), dates compatible at their precision, status not
planned-against-done, places and persons not in conflict.

The grouping of a pair is a pure function of the set of its mentions: reports are taken in
one canonical order (the most precise dates first, so vague reports join events rather than
found them) and each joins the compatible event whose date is nearest, or founds a new one.
So it is deterministic, and a build regroups only the pairs it touched. Every decision is
kept with its reason (`Decision`) for `kg events --explain`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..records import DIRECTED_KINDS

# How far apart two day-precise dates of one event may be: a report filed the next day,
# a time zone; a state visit lasts several days.
DAY_TOLERANCE: dict[str, int] = {"visit": 3}
DEFAULT_DAY_TOLERANCE = 1

# Kinds whose events are linked (not merged) when they share a pair and a compatible date:
# the meeting a visit hosted, the agreement signed at a meeting, the visit an invitation asked.
LINKED_KINDS: frozenset[frozenset[str]] = frozenset({
    frozenset({"visit", "meeting"}), frozenset({"meeting", "agreement"}),
    frozenset({"visit", "agreement"}), frozenset({"invitation", "visit"}),
})

# A report that names no day of its own is dated by its document: the event may have
# happened up to this many days before ("Markets rallied after the leaders met").
OPEN_DATE_DAYS = 7
_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DAY_CUE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\b|(?:{_MONTHS})\.?\s+\d{{1,2}}\b"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tonight|yesterday"
    r"|this (?:morning|afternoon|evening)|\d{4}-\d{2}-\d{2})", re.IGNORECASE)
# "spoke again", "a second call": the sentence tells of a repeat, so its undated event is
# not the earlier one and the open window does not apply.
_REPEAT_CUE = re.compile(r"\b(?:again|once more|anew|another|second|third|fourth|new round)\b",
                         re.IGNORECASE)

# Directed kinds whose reports of one event may disagree on the direction: who invited whom
# is often told both ways ("Starmer invited Takaichi", "Takaichi invited Starmer" of one
# exchange). Their reports are grouped whatever the direction, and a disagreement says so,
# unless one document gives both directions (each invited the other: two events).
DIRECTION_DISPUTED_KINDS = frozenset({"invitation"})

# Fields on which reports of one event may differ; each value is kept with its reports.
DISAGREEMENT_FIELDS = ("date", "place", "status", "direction")


@dataclass(frozen=True)
class Mention:
    """One fact of one document, as the store holds it."""

    fact: str  # the fact node's IRI
    doc: str
    kind: str
    source: str
    target: str
    evidence: str = ""
    date: str | None = None
    status: str = "occurred"
    attribution: str = "reported"
    source_person: str | None = None
    target_person: str | None = None
    place: str | None = None
    place_country: str | None = None
    label: str | None = None
    publisher: str | None = None
    doc_date: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        """The two countries in code order: the events graph of this pair holds it."""
        return min(self.source, self.target), max(self.source, self.target)

    @property
    def key(self) -> tuple[str, str, str]:
        """Kind and sides, ordered only for directed kinds (as `Fact.key`)."""
        a, b = self.source, self.target
        if self.kind not in DIRECTED_KINDS:
            a, b = sorted((a, b))
        return self.kind, a, b

    @property
    def group_key(self) -> tuple[str, str, str]:
        """The key reports are grouped under: `key`, undirected for kinds whose reports may
        disagree on the direction."""
        if self.kind in DIRECTION_DISPUTED_KINDS:
            return self.kind, *self.pair
        return self.key

    @property
    def direction(self) -> str:
        """Who acted on whom, as `key` orders the sides ("GBR→JPN")."""
        _, a, b = self.key
        return f"{a}→{b}"

    @property
    def open_date(self) -> bool:
        """Whether the date is only the document's (its sentence names no day): the event
        happened then or in the days before."""
        return (self.date is not None and len(self.date) == 10 and self.date == self.doc_date
                and not _DAY_CUE.search(self.evidence) and not _REPEAT_CUE.search(self.evidence))

    def copy_key(self) -> str:
        """A hash of what makes two documents' facts copies of one text."""
        kind, a, b = self.key
        payload = "\0".join((kind, a, b, self.date or "", self.status, normalise(self.evidence)))
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def normalise(text: str) -> str:
    """Text as copies share it: case, accents' forms, spacing and punctuation set aside."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", folded))


@dataclass(frozen=True)
class Report:
    """One text's account of an event, with every document that carries a copy of it."""

    id: str  # the copy key's hash
    # In (document date, document id) order: the first is the original.
    mentions: tuple[Mention, ...]

    @property
    def first(self) -> Mention:
        return self.mentions[0]

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(m.doc for m in self.mentions)

    @property
    def source_id(self) -> str:
        """Who stands behind the text: its first publisher, else its first document."""
        return self.first.publisher or f"doc:{self.first.doc}"

    def __getattr__(self, name: str) -> Any:
        # kind, date, status, persons, place…: every copy has the same ones (the copy key),
        # except where the document's own metadata differs; the original's are used.
        if name.startswith("_") or not hasattr(Mention, name) and \
                name not in Mention.__dataclass_fields__:
            raise AttributeError(name)
        return getattr(self.mentions[0], name)


def reports_of(mentions: Iterable[Mention]) -> list[Report]:
    """Mentions gathered into reports (copies of one text), in canonical order."""
    by_key: dict[str, list[Mention]] = {}
    for m in mentions:
        by_key.setdefault(m.copy_key(), []).append(m)
    reports = [Report(k, tuple(sorted(ms, key=lambda m: (m.doc_date or "", m.doc, m.fact))))
               for k, ms in by_key.items()]
    return sorted(reports, key=_canonical)


def _precision(date: str | None) -> int:
    return len(date) if date else 0


def _canonical(r: Report) -> tuple[Any, ...]:
    return (-_precision(r.date), r.date or "", r.status, r.first.doc_date or "", r.first.doc,
            r.id)


# --- compatibility ---------------------------------------------------------------------------

def _day(date: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        return None


def date_gap(a: str | None, b: str | None) -> int | None:
    """Days between two day-precise dates; 0 when one refines the other; None if unknown
    (a date missing); -1 when they cannot be the same (2026-01 and 2026-02)."""
    if not a or not b:
        return None
    if a.startswith(b) or b.startswith(a):
        return 0
    if len(a) == len(b) == 10:
        da, db = _day(a), _day(b)
        if da is not None and db is not None:
            return abs((da - db).days)
    return -1


def _names_agree(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return True
    ta, tb = set(normalise(a).split()), set(normalise(b).split())
    return ta <= tb or tb <= ta


def _persons(r: Report) -> dict[str, str | None]:
    return {r.source: r.source_person, r.target: r.target_person}


def conflict(r: Report, s: Report) -> str | None:
    """Why two reports cannot tell of one event, or None if they can."""
    if r.group_key != s.group_key:
        return f"kinds or sides differ ({'/'.join(r.key)} vs {'/'.join(s.key)})"
    if r.key != s.key:
        both = sorted(set(r.documents) & set(s.documents))
        if both:
            return f"{both[0]} gives both directions ({r.direction}, {s.direction})"
    if (r.status == "planned") != (s.status == "planned"):
        return f"one is planned, the other {s.status if r.status == 'planned' else r.status}"
    gap = date_gap(r.date, s.date)
    tolerance = DAY_TOLERANCE.get(r.kind, DEFAULT_DAY_TOLERANCE)
    later = r if (r.date or "") > (s.date or "") else s
    if later.open_date:
        tolerance = max(tolerance, OPEN_DATE_DAYS)
    if gap == -1:
        return f"dates {r.date} and {s.date} cannot meet"
    if gap is not None and gap > tolerance:
        return f"dates {r.date} and {s.date} are {gap} days apart (at most {tolerance})"
    if r.place_country and s.place_country and r.place_country != s.place_country:
        return f"places in different countries ({r.place}, {s.place})"
    pr, ps = _persons(r), _persons(s)
    for country in sorted(pr):
        if not _names_agree(pr[country], ps.get(country)):
            return f"{country} is {pr[country]} in one, {ps[country]} in the other"
    if r.label and s.label and normalise(r.label) != normalise(s.label):
        return f"labels differ ({r.label!r}, {s.label!r})"
    return None


# --- events ----------------------------------------------------------------------------------

@dataclass
class Event:
    """Reports of one happening, founded by the first (in canonical order)."""

    reports: list[Report]
    linked: list[str] = field(default_factory=list)  # ids of events of linked kinds

    @property
    def founder(self) -> Report:
        return self.reports[0]

    @property
    def id(self) -> str:
        """Stable across rebuilds of the same inputs: the hash of the founding report."""
        kind, a, b = self.founder.key
        return f"{a}-{b}/{kind}-{self.founder.id[:16]}"

    @property
    def kind(self) -> str:
        return self.founder.kind

    @property
    def _sides(self) -> tuple[str, str]:
        # The direction most reports give; on a tie, the founder's.
        counts = Counter(r.key[1:] for r in self.reports)
        return max(counts, key=lambda k: (counts[k], k == self.founder.key[1:]))

    @property
    def source(self) -> str:
        return self._sides[0]

    @property
    def target(self) -> str:
        return self._sides[1]

    def values(self, name: str) -> dict[str, list[Report]]:
        """Each value the reports give for a field, with the reports giving it."""
        out: dict[str, list[Report]] = {}
        for r in self.reports:
            value = r.place if name == "place" else getattr(r, name)
            if value:
                out.setdefault(value, []).append(r)
        return out

    def _best(self, name: str) -> str | None:
        values = self.values(name)
        if not values:
            return None
        # Most reports, then (dates) the most precise, then the first in text order.
        return min(values, key=lambda v: (-len(values[v]), -len(v), v))

    @property
    def date(self) -> str | None:
        dated = self.values("date")
        precise = max((len(d) for d in dated), default=0)
        finest = {d: rs for d, rs in dated.items() if len(d) == precise}
        if not finest:
            return None
        # Most reports; then most documents (copies settle only a tie); then the earliest.
        return min(finest, key=lambda d: (-len(finest[d]),
                                          -sum(len(r.mentions) for r in finest[d]), d))

    @property
    def place(self) -> str | None:
        return self._best("place")

    @property
    def status(self) -> str:
        counts = Counter(r.status for r in self.reports)
        order = {"occurred": 0, "negated": 1, "planned": 2}
        return min(counts, key=lambda s: (-counts[s], order.get(s, 3)))

    @property
    def label(self) -> str | None:
        return self._best("label")

    @property
    def documents(self) -> list[str]:
        return sorted({d for r in self.reports for d in r.documents})

    @property
    def sources(self) -> list[str]:
        return sorted({r.source_id for r in self.reports})

    def disagreements(self) -> dict[str, dict[str, list[Report]]]:
        """Fields on which the reports differ, each value with its reports.

        A date that only refines another (2026-01 and 2026-01-31) is no disagreement."""
        out: dict[str, dict[str, list[Report]]] = {}
        for name in DISAGREEMENT_FIELDS:
            values = self.values(name)
            if name == "date":
                values = {d: rs for d, rs in values.items()
                          if not any(o != d and o.startswith(d) for o in values)}
            if len(values) > 1:
                out[name] = values
        return out


@dataclass(frozen=True)
class Decision:
    """Why a report joined an event or founded one; the events it could not join, and why."""

    report: Report
    event: str
    joined: bool
    reason: str
    rejected: tuple[tuple[str, str], ...] = ()


@dataclass
class Grouping:
    events: list[Event]
    decisions: list[Decision]


def _names(*texts: str | None) -> set[str]:
    return {w for t in texts if t for w in normalise(t).split()}


def affinity(report: Report, event: Event) -> int:
    """How many names (of persons and places) of an event a report shares, in its fields or
    its sentence: of two events that fit, a report joins the one it names."""
    mine = _names(report.evidence, report.source_person, report.target_person, report.place)
    theirs = _names(*(x for r in event.reports
                      for x in (r.source_person, r.target_person, r.place)))
    return len(mine & theirs)


def _why_joined(r: Report, event: Event) -> str:
    if r.kind in DIRECTED_KINDS and r.key[1:] != (event.source, event.target):
        sides = f"same sides, the other direction ({r.direction}; disputed)"
    else:
        sides = "same sides" + (" and direction" if r.kind in DIRECTED_KINDS else "")
    parts = [f"same {r.kind}", sides]
    dates = sorted({x.date for x in event.reports if x.date})
    if r.date and dates:
        parts.append(f"date {r.date} fits {', '.join(dates)}")
    elif not r.date:
        parts.append("no date given")
    places = sorted({x.place for x in event.reports if x.place})
    if r.place and places:
        parts.append(f"place {r.place} fits {', '.join(places)}")
    return "; ".join(parts)


def group(mentions: Iterable[Mention]) -> Grouping:
    """Mentions (of any pairs) grouped into events, deterministically."""
    by_key: dict[tuple[str, str, str], list[Mention]] = {}
    for m in mentions:
        by_key.setdefault(m.group_key, []).append(m)
    events: list[Event] = []
    decisions: list[Decision] = []
    for key in sorted(by_key):
        bucket: list[Event] = []
        for report in reports_of(by_key[key]):
            fits: list[tuple[int, int, int, int, Event]] = []
            rejected: list[tuple[str, str]] = []
            for i, event in enumerate(bucket):
                why = next((c for c in (conflict(report, r) for r in event.reports) if c), None)
                if why:
                    rejected.append((event.id, why))
                else:
                    gap = date_gap(report.date, event.date)
                    fits.append((int(report.key[1:] != (event.source, event.target)),
                                 gap if gap is not None and gap >= 0 else 99,
                                 -affinity(report, event), i, event))
            if fits:
                event = min(fits, key=lambda f: f[:4])[4]
                reason = _why_joined(report, event)
                event.reports.append(report)
                decisions.append(Decision(report, event.id, True, reason, tuple(rejected)))
            else:
                event = Event([report])
                bucket.append(event)
                reason = "founds a new event" + (": no earlier event fits" if rejected else "")
                decisions.append(Decision(report, event.id, False, reason, tuple(rejected)))
        events.extend(bucket)
    _link(events)
    return Grouping(sorted(events, key=lambda e: (e.date or "", e.id)), decisions)


def _may_link(e: Event, f: Event) -> bool:
    if {e.kind, f.kind} == {"invitation", "visit"}:
        # The invitee visits the inviter: an invitation and the visit it asks for.
        inv, visit = (e, f) if e.kind == "invitation" else (f, e)
        return (visit.source, visit.target) == (inv.target, inv.source)
    # A planned visit and a meeting that took place are not one occasion.
    return (e.status == "planned") == (f.status == "planned")


def _link(events: list[Event]) -> None:
    """Link events of linked kinds between the same two countries on compatible dates."""
    by_pair: dict[tuple[str, str], list[Event]] = {}
    for e in events:
        by_pair.setdefault(tuple(sorted((e.source, e.target))), []).append(e)  # type: ignore[arg-type]
    for group_ in by_pair.values():
        for i, e in enumerate(group_):
            for f in group_[i + 1:]:
                if frozenset({e.kind, f.kind}) not in LINKED_KINDS or e.kind == f.kind:
                    continue
                gap = date_gap(e.date, f.date)
                tolerance = max(DAY_TOLERANCE.get(e.kind, DEFAULT_DAY_TOLERANCE),
                                DAY_TOLERANCE.get(f.kind, DEFAULT_DAY_TOLERANCE))
                if gap is None or gap < 0 or gap > tolerance or not e.date or not f.date:
                    continue
                if len(e.date) < 10 or len(f.date) < 10:
                    continue  # a month shared is too weak a tie
                if not _may_link(e, f):
                    continue
                e.linked.append(f.id)
                f.linked.append(e.id)
    for e in events:
        e.linked.sort()
