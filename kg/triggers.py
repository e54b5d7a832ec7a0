"""Trigger words of each kind of fact: the data in kg/data/triggers.yaml, compiled once.

Patterns are matched against the lower-cased text (case-blind matching costs three times as
much), and each carries the literal words its matches start with, so that a document that
holds none of them is not scanned for it at all.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Hit:
    """A trigger match, with offsets into its sentence (the interface of re.Match used)."""

    begin: int
    finish: int
    text: str

    def start(self) -> int:
        return self.begin

    def end(self) -> int:
        return self.finish

    def group(self, index: int = 0) -> str:
        return self.text


@dataclass(frozen=True)
class Trigger:
    kind: str
    pattern: re.Pattern[str]  # for lower-cased text: case-blind matching is three times slower
    roles: str = "forward"  # forward, backward, possessive or host (see triggers.yaml)
    needs_place: bool = False
    aimed: str | None = None  # "other": unnamed targets are the report's other side
    adjacent: bool = False  # the acted-on side must follow the trigger closely
    # Every match starts with one of these: a text holding none of them is not scanned.
    anchors: tuple[str, ...] | None = None


@functools.lru_cache(maxsize=1)
def load_triggers() -> tuple[Trigger, ...]:
    import yaml

    data = yaml.safe_load((resources.files("kg") / "data" / "triggers.yaml").read_text("utf-8"))
    triggers = []
    for kind, entries in data.items():
        for entry in entries:
            pattern = re.compile(r"(?<![\w-])(?:" + entry["pattern"] + r")(?![\w-])")
            triggers.append(Trigger(kind, pattern, entry.get("roles", "forward"),
                                    bool(entry.get("needs_place")), entry.get("aimed"),
                                    bool(entry.get("adjacent")), _anchors(pattern.pattern)))
    return tuple(triggers)


def _anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which every match of `pattern` starts with (None if unknown)."""
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    def prefixes(items: list) -> list[str] | None:  # type: ignore[type-arg]
        out = [""]
        for op, arg in items:
            if op is sre.LITERAL:
                out = [o + chr(arg) for o in out]
            elif op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
                continue
            elif op is sre.SUBPATTERN:
                inner = prefixes(list(arg[3]))
                return [o + i for o in out for i in inner] if inner else out
            elif op is sre.BRANCH:
                alternatives: list[str] = []
                for branch in arg[1]:
                    found = prefixes(list(branch))
                    if found is None:
                        return out
                    alternatives += found
                return [o + a for o in out for a in alternatives]
            else:
                return out
        return out

    try:
        found = prefixes(list(sre_parse.parse(pattern)))
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply always scanned
        return None
    if not found or any(len(f) < 2 for f in found):
        return None
    return tuple(sorted(set(found)))
