"""Finding countries and their people in text: names, demonyms, capitals, seats, officials.

All surface forms of kg/data go into one trie-shaped regular expression, built once per
process, so that a sentence is scanned once whatever the size of the tables.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .actors import Actors, OfficeTerm

# How a surface form names its country; the order is the preference when one form is two.
FORM_KINDS = ("name", "demonym", "capital", "seat", "person")


@dataclass(frozen=True)
class Entry:
    iso3: str
    how: str  # one of FORM_KINDS
    term: OfficeTerm | None = None


def trie_regex(words: list[str]) -> str:
    """A regex alternation of `words` shaped as a trie, so matching stays linear in the text."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


class Gazetteer:
    """Surface form → (country, how) for every country and office holder in `Actors`."""

    def __init__(self, actors: Actors):
        self.actors = actors
        self.entries: dict[str, list[Entry]] = {}
        for country in actors.countries.values():
            for how, forms in (("name", (country.name, *country.names)),
                               ("demonym", country.demonyms),
                               ("capital", country.capitals), ("seat", country.seats)):
                for form in forms:
                    self._add(form, Entry(country.iso3, how))
        for form, terms in actors.people.items():
            for term in terms:
                self._add(form, Entry(term.iso3, "person", term))
        # Regions that contain a country's name are matched too, as no country at all.
        for form in _regions():
            self.entries.setdefault(form, [])
        forms = sorted(self.entries, key=len, reverse=True)
        # Word edges: letters, digits and apostrophes may not continue a form ("Chinese" is not
        # "China"+"se"), but hyphens and slashes may ("Japan-UK", "U.S.-Mexico").
        self.pattern = re.compile(r"(?<![\w'’.])(?:" + trie_regex(forms) + r")(?![\w])")

    def _add(self, form: str, entry: Entry) -> None:
        form = form.strip()
        if len(form) < 2:
            return
        # Texts write apostrophes straight or curly ("People's", "People’s"), and names with
        # or without their accents ("Sánchez", "Sanchez").
        plain = "".join(ch for ch in unicodedata.normalize("NFKD", form)
                        if not unicodedata.combining(ch))
        variants = {form, form.replace("'", "’")}
        if entry.how == "person":
            variants |= {plain, plain.replace("'", "’")}
        if entry.how == "capital" and len(form) >= 4:
            variants.add(form.upper())  # datelines: "WARSAW, Nov. 20 (Reuters) -"
        for variant in variants:
            entries = self.entries.setdefault(variant, [])
            if entry not in entries:
                entries.append(entry)

    def find(self, text: str) -> list[tuple[int, int, str, list[Entry]]]:
        """Every known form in `text`: (start, end, form, entries), leftmost-longest."""
        found = []
        for m in self.pattern.finditer(text):
            form = m.group(0)
            if self.entries[form]:  # a region's name names no country
                found.append((m.start(), m.end(), form, self.entries[form]))
        return found


def _regions() -> list[str]:
    from importlib import resources

    text = (resources.files("kg") / "data" / "regions.tsv").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()
             if line.strip() and not line.startswith("#")]
    return lines[1:]
