"""The words kg reads around triggers and actors, from kg/data/lexicon/cues.yaml.

Titles, speech verbs, negation, modality and hedges, refusals, bans, threats, conditions and
topic words are data: this module loads them once per process and joins an entry's
alternatives into a regular expression; the code that reads them (mentions, qualifiers)
keeps only the grammar, what comes before what.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ..errors import KgError

# Read as a plain file, as kg/kinds.py reads kinds.yaml: cheaper than importlib.resources.
CUES_FILE = Path(__file__).resolve().parent.parent / "data" / "lexicon" / "cues.yaml"
_KEY = re.compile(r"[a-z_]+")


@functools.lru_cache(maxsize=1)
def load_cues() -> dict[str, tuple[str, ...] | dict[str, str]]:
    """Every entry of cues.yaml: a tuple of alternatives, or a mapping (`offices`)."""
    import yaml

    text = CUES_FILE.read_text("utf-8")
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(data, dict) or not data:
        raise KgError("cues.yaml: expected a mapping of cue names")
    cues: dict[str, tuple[str, ...] | dict[str, str]] = {}
    for name, entry in data.items():
        where = f"cues.yaml: {name!r}"
        if not isinstance(name, str) or not _KEY.fullmatch(name):
            raise KgError(f"{where}: a cue's name is lower-case letters and underscores")
        if isinstance(entry, dict):
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in entry.items()):
                raise KgError(f"{where}: a mapping of words to words")
            cues[name] = dict(entry)
            continue
        # YAML reads a bare On, No or Yes as a boolean: a list must hold only strings.
        if not isinstance(entry, list) or not entry or not all(
                isinstance(v, str) and v.strip() for v in entry):
            raise KgError(f"{where}: needs a list of words or phrases (quote On, No, Yes)")
        for fragment in entry:
            try:
                compiled = re.compile(fragment)
            except re.error as exc:
                raise KgError(f"{where}: {fragment!r} is no regular expression: {exc}") from None
            if compiled.groups:
                raise KgError(f"{where}: {fragment!r} captures; use (?:...)")
        cues[name] = tuple(entry)
    return cues


def words(name: str) -> tuple[str, ...]:
    """The alternatives of a cue, as written."""
    entry = load_cues().get(name)
    if not isinstance(entry, tuple):
        raise KgError(f"cues.yaml: no list {name!r}")
    return entry


def mapping(name: str) -> dict[str, str]:
    entry = load_cues().get(name)
    if not isinstance(entry, dict):
        raise KgError(f"cues.yaml: no mapping {name!r}")
    return entry


def alternation(name: str) -> str:
    """The cue's alternatives as one non-capturing group, to build a larger pattern with."""
    return "(?:" + "|".join(words(name)) + ")"


@functools.cache
def pattern(name: str, ignore_case: bool = True) -> re.Pattern[str]:
    """The cue as whole words: \\b(?:a|b|c)\\b."""
    return re.compile(r"\b" + alternation(name) + r"\b", re.I if ignore_case else 0)
