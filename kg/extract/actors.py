"""Countries and the people who hold office for them: data files in kg/data, user-extensible.

`countries.tsv` gives each country its codes, Wikidata item, names, demonyms, capitals and
seats of government; `offices.tsv` the holders of head-of-state, head-of-government and
foreign-minister offices with the dates of their terms. A user file in either format
(`--actors FILE`, or $KG_ACTORS) adds rows or overrides those of the same country or person.
"""

from __future__ import annotations

import csv
import functools
import os
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..errors import InputError

COUNTRY_COLUMNS = ("iso3", "iso2", "qid", "name", "names", "demonyms", "capital", "seats")
OFFICE_COLUMNS = ("iso3", "office", "title", "name", "aliases", "start", "end")


@dataclass(frozen=True)
class Country:
    iso3: str
    iso2: str
    qid: str | None
    name: str
    names: tuple[str, ...] = ()
    demonyms: tuple[str, ...] = ()
    capitals: tuple[str, ...] = ()
    seats: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfficeTerm:
    iso3: str
    office: str  # head_of_state, head_of_government, foreign_minister
    title: str
    name: str
    aliases: tuple[str, ...]
    start: str
    end: str | None

    def held_on(self, date: str | None) -> bool:
        if not date:
            return self.end is None
        day = (date + "-01-01"[len(date) - 4:] if len(date) < 10 else date)
        return self.start <= day and (self.end is None or day <= self.end)


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (cell or "").split("|") if part.strip())


def _rows(text: str, where: str) -> tuple[list[str], list[dict[str, str]]]:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if not lines:
        return [], []
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = list(reader.fieldnames or [])
    rows = []
    for number, row in enumerate(reader, 2):
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{where}: row {number} does not have {len(header)} columns")
        rows.append(row)
    return header, rows


class Actors:
    """Lookup tables over countries and office holders."""

    def __init__(self, countries: dict[str, Country], terms: list[OfficeTerm]):
        self.countries = countries
        self.terms = terms
        self.by_iso2 = {c.iso2: c for c in countries.values()}
        self.people: dict[str, list[OfficeTerm]] = defaultdict(list)
        self.by_country: dict[str, list[OfficeTerm]] = defaultdict(list)  # in `terms` order
        for term in terms:
            self.by_country[term.iso3].append(term)
            for form in (term.name, *term.aliases):
                self.people[form].append(term)

    def holder(self, iso3: str, office: str, date: str | None) -> OfficeTerm | None:
        """Who held `office` for `iso3` on `date` (the current holder if no date)."""
        for term in self.by_country.get(iso3, ()):
            if term.office == office and term.held_on(date):
                return term
        return None

    def person(self, form: str, date: str | None = None) -> OfficeTerm | None:
        """The office term of a person named `form`, preferring one held on `date`."""
        terms = self.people.get(form)
        if not terms:
            return None
        current = [t for t in terms if t.held_on(date)]
        return (current or sorted(terms, key=lambda t: t.start, reverse=True))[0]


def _load_text(text: str, where: str, countries: dict[str, Country],
               terms: dict[tuple[str, str, str, str], OfficeTerm]) -> None:
    header, rows = _rows(text, where)
    if tuple(header) == COUNTRY_COLUMNS:
        for row in rows:
            iso3 = row["iso3"].strip().upper()
            countries[iso3] = Country(
                iso3=iso3, iso2=row["iso2"].strip().upper(), qid=row["qid"].strip() or None,
                name=row["name"].strip(), names=_split(row["names"]),
                demonyms=_split(row["demonyms"]), capitals=_split(row["capital"]),
                seats=_split(row["seats"]),
            )
    elif tuple(header) == OFFICE_COLUMNS:
        for row in rows:
            term = OfficeTerm(
                iso3=row["iso3"].strip().upper(), office=row["office"].strip(),
                # The most usual of several titles ("Prime Minister|Crown Prince") comes first.
                title=_split(row["title"])[0] if _split(row["title"]) else "",
                name=row["name"].strip(),
                aliases=_split(row["aliases"]), start=row["start"].strip(),
                end=row["end"].strip() or None,
            )
            terms[(term.iso3, term.office, term.name, term.start)] = term
    elif header:
        raise InputError(
            f"{where}: unknown actor table; its header must be either "
            f"{' '.join(COUNTRY_COLUMNS)} or {' '.join(OFFICE_COLUMNS)}"
        )


@functools.lru_cache(maxsize=8)
def load_actors(extra: str | None = None) -> Actors:
    """The bundled tables, with the user's file (`extra`, else $KG_ACTORS) laid over them."""
    countries: dict[str, Country] = {}
    terms: dict[tuple[str, str, str, str], OfficeTerm] = {}
    data = resources.files("kg") / "data"
    for name in ("countries.tsv", "offices.tsv"):
        _load_text((data / name).read_text(encoding="utf-8"), name, countries, terms)
    extra = extra or os.environ.get("KG_ACTORS") or None
    if extra:
        path = Path(extra)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"{path}: cannot read actor file: {exc}") from None
        _load_text(text, str(path), countries, terms)
    ordered = sorted(terms.values(), key=lambda t: (t.iso3, t.office, t.start))
    return Actors(countries, ordered)
