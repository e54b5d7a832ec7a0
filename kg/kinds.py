"""The kinds of fact, read from kg/data/kinds.yaml: the one place a kind is defined.

Every other table of kinds (`records.KINDS`, `vocab.KIND_CLASS`, `analysis.KIND_WEIGHTS`,
`graphview.KIND_COLORS`...) is derived from `load_kinds()`; the file is parsed once per
process, on first use.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import KgError

# Not found through importlib.resources: that costs more to import than the file to read.
KINDS_FILE = Path(__file__).parent / "data" / "kinds.yaml"
_FIELDS = ("directed", "traits", "plover_type", "plover_mode", "weight", "cameo", "class", "link",
           "color", "definition")
_COLOR = re.compile(r"#[0-9a-f]{6}")
_NAME = re.compile(r"[a-z]+")
_TERM = re.compile(r"[A-Za-z]+")
_TRAIT = re.compile(r"[a-z]+(?:-[a-z]+)*")


@dataclass(frozen=True)
class Kind:
    """One kind of fact and everything kg says of it (see kinds.yaml for each field)."""

    name: str
    directed: bool
    plover_type: tuple[str, ...]
    plover_mode: tuple[str, ...]
    weight: float
    cameo: str
    ontology_class: str
    link: str
    color: str
    definition: str
    traits: tuple[str, ...] = ()


@functools.lru_cache(maxsize=1)
def load_kinds() -> tuple[Kind, ...]:
    """The kinds in the order of kinds.yaml (that of docs/facts.md)."""
    import yaml

    text = KINDS_FILE.read_text("utf-8")
    # libyaml's safe loader where PyYAML has it: ten times faster than the pure-Python one
    # (1.4 against 14 ms for this file, paid by every process that needs a kind).
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or not data:
        raise KgError("kinds.yaml: expected a mapping of kind names")
    return tuple(_kind(name, entry) for name, entry in data.items())


def _kind(name: Any, entry: Any) -> Kind:
    where = f"kinds.yaml: kind {name!r}"
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise KgError(f"{where}: a kind's name is lower-case letters")
    if not isinstance(entry, dict) or sorted(entry) != sorted(_FIELDS):
        raise KgError(f"{where}: needs exactly the fields {', '.join(_FIELDS)}")
    if not isinstance(entry["directed"], bool):
        raise KgError(f"{where}: directed must be true or false")
    if not isinstance(entry["weight"], int | float) or not -10 <= entry["weight"] <= 10:
        raise KgError(f"{where}: weight must be a number from -10 to 10")
    if not isinstance(entry["color"], str) or not _COLOR.fullmatch(entry["color"]):
        raise KgError(f"{where}: color must be #rrggbb in lower case")
    for key in ("class", "link"):
        if not isinstance(entry[key], str) or not _TERM.fullmatch(entry[key]):
            raise KgError(f"{where}: {key} must be an ontology term name")
    for key in ("plover_type", "plover_mode"):
        if not isinstance(entry[key], list) or not all(isinstance(v, str) for v in entry[key]):
            raise KgError(f"{where}: {key} must be a list of words")
    if not isinstance(entry["traits"], list) or not all(
            isinstance(v, str) and _TRAIT.fullmatch(v) for v in entry["traits"]):
        raise KgError(f"{where}: traits must be a list of lower-case words (with hyphens)")
    for key in ("cameo", "definition"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise KgError(f"{where}: {key} must be a sentence")
    return Kind(name, entry["directed"], tuple(entry["plover_type"]),
                tuple(entry["plover_mode"]), float(entry["weight"]), entry["cameo"],
                entry["class"], entry["link"], entry["color"], entry["definition"],
                tuple(entry["traits"]))


@functools.cache
def kinds_with(trait: str) -> tuple[str, ...]:
    """The names of the kinds that have `trait` (see kinds.yaml), in the file's order.

    Rules name a group of kinds by its trait, never the kinds themselves: a new kind joins
    a rule by its entry in kinds.yaml. An unknown trait is an error, not an empty group.
    """
    names = tuple(k.name for k in load_kinds() if trait in k.traits)
    if not names:
        raise KgError(f"kinds.yaml: no kind has the trait {trait!r}")
    return names
