"""Trigger words of each kind of fact, compiled once: kg's own in kg/data/triggers.yaml, and
those derived from the field's CAMEO verb dictionary in kg/data/lexicon/cameo.tsv (see the
SOURCES.md beside it).

Patterns are matched against the lower-cased text (case-blind matching costs three times as
much), and each carries the literal strings its matches start with (`anchors`) or the words
they start with (`words`), so that a document that holds none of them is not scanned for it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
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


class LazyPattern:
    """A pattern compiled on first use: most of the lexicon's never meet their verb."""

    __slots__ = ("text", "_compiled")

    def __init__(self, text: str):
        self.text = text
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = _compile(self.text)
        return self._compiled

    @property
    def pattern(self) -> str:
        return self.compiled.pattern

    def match(self, text: str, pos: int) -> re.Match[str] | None:
        return self.compiled.match(text, pos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        return self.compiled.search(text)


@dataclass(frozen=True)
class Trigger:
    kind: str
    pattern: re.Pattern[str] | LazyPattern  # for lower-cased text (case-blind is 3x slower)
    roles: str = "forward"  # forward, backward, possessive or host (see triggers.yaml)
    needs_place: bool = False
    aimed: str | None = None  # "other": unnamed targets are the report's other side
    adjacent: bool = False  # the acted-on side must follow the trigger closely
    # Every match starts with one of these: a text holding none of them is not scanned.
    anchors: tuple[str, ...] | None = None
    # Every match starts with one of these whole words (the CAMEO lexicon's verb forms).
    words: frozenset[str] | None = None
    source: str = "kg"  # "kg" (triggers.yaml) or "cameo BLOCK CODES" (the lexicon)


# Word edges as triggers.yaml's patterns have them: not inside a word or a hyphenated compound.
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])")


@functools.lru_cache(maxsize=1)
def load_triggers() -> tuple[Trigger, ...]:
    import yaml

    data = yaml.safe_load((resources.files("kg") / "data" / "triggers.yaml").read_text("utf-8"))
    triggers = []
    for kind, entries in data.items():
        for entry in entries:
            pattern = _compile(entry["pattern"])
            triggers.append(Trigger(kind, pattern, entry.get("roles", "forward"),
                                    bool(entry.get("needs_place")), entry.get("aimed"),
                                    bool(entry.get("adjacent")), _anchors(pattern.pattern)))
    return tuple(triggers) + load_lexicon()


def load_lexicon() -> tuple[Trigger, ...]:
    """The triggers derived from CAMEO's verb dictionary (kg/data/lexicon/cameo.tsv)."""
    text = (resources.files("kg") / "data" / "lexicon" / "cameo.tsv").read_text("utf-8")
    synsets: dict[str, str] = {}
    triggers = []
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        fields = line.split("\t")
        if fields[0].startswith("&"):
            synsets[fields[0]] = fields[1]
            continue
        block, kind, roles, codes, _verbs, words, pattern = fields
        pattern = re.sub(r"\{(&[A-Z_]+)\}", lambda m: synsets[m.group(1)], pattern)
        triggers.append(Trigger(kind, LazyPattern(pattern), roles, words=frozenset(words.split()),
                                source=f"cameo {block} {codes}"))
    return tuple(triggers)


WORD = re.compile(r"[\w'’-]+")


@functools.lru_cache(maxsize=1)
def trigger_index() -> tuple[tuple[int, ...], dict[str, tuple[int, ...]]]:
    """The triggers to test by substring (their positions), and those keyed by a first word."""
    always: list[int] = []
    by_word: dict[str, list[int]] = {}
    for order, trigger in enumerate(load_triggers()):
        if trigger.words:
            for word in trigger.words:
                by_word.setdefault(word, []).append(order)
        else:
            always.append(order)
    return tuple(always), {w: tuple(v) for w, v in by_word.items()}


def find(lowered: str) -> Iterator[tuple[int, re.Match[str]]]:
    """Every trigger match in the lower-cased text, as (the trigger's position, match).

    kg's own triggers are scanned only in a text that holds one of their anchors; the
    lexicon's are tried only where one of their first words stands.
    """
    always, by_word = trigger_index()
    triggers = load_triggers()
    for order in always:
        trigger = triggers[order]
        if trigger.anchors and not any(a in lowered for a in trigger.anchors):
            continue
        for m in trigger.pattern.finditer(lowered):
            yield order, m
    places: dict[int, list[int]] = {}
    for word in set(WORD.findall(lowered)) & by_word.keys():
        # Few of a text's words start a lexicon pattern: find just those, in C.
        starts = _occurrences(lowered, word)
        for order in by_word[word]:
            places.setdefault(order, []).extend(starts)
    for order in sorted(places):
        pattern = triggers[order].pattern
        for start in places[order]:
            found = pattern.match(lowered, start)
            if found:
                yield order, found


def _occurrences(text: str, word: str) -> list[int]:
    """Where `word` stands in `text` as a whole word."""
    found = []
    at = text.find(word)
    while at >= 0:
        end = at + len(word)
        if (at == 0 or not _inword(text[at - 1])) and (end == len(text) or not _inword(text[end])):
            found.append(at)
        at = text.find(word, at + 1)
    return found


def _inword(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’-"


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
