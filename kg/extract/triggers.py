"""Trigger words of each kind of fact, compiled once: kg's own in kg/data/triggers.yaml, and
those derived from the field's CAMEO verb dictionary in kg/data/lexicon/cameo.tsv (see the
SOURCES.md beside it).

Patterns are matched against the lower-cased text (case-blind matching costs three times as
much), and each carries the literal strings its matches start with (`anchors`) or the words
they start with (`words`): a pattern is tried only where one of them starts a word, never
scanned over the whole text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
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
    # Every match starts with one of these: the pattern is tried only where one starts a word.
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

    kg's own triggers are tried only where one of their anchors starts a word (one scan of
    the text finds them all); the lexicon's only where one of their first words stands.
    """
    always, by_word = trigger_index()
    scan, orders_at, unanchored = anchor_index()
    triggers = load_triggers()
    anchored: dict[int, list[int]] = {}
    for found in scan.finditer(lowered):
        start = found.start()
        for order in orders_at[found.group(1)]:
            anchored.setdefault(order, []).append(start)
    for order in sorted(anchored.keys() | unanchored):
        pattern = triggers[order].pattern
        starts = anchored.get(order)
        if starts is None:
            yield from ((order, m) for m in pattern.finditer(lowered))
            continue
        # What finditer would find: the first match, then the next one past its end. Every
        # match starts at an anchor, so the other places cannot hold one.
        end = 0
        for start in starts:
            if start >= end:
                m = pattern.match(lowered, start)
                if m:
                    end = m.end()
                    yield order, m
    places: dict[int, list[int]] = {}
    for word in WORD.finditer(lowered):
        # A word of the text is a whole run of word letters: the lexicon's first words are.
        for order in by_word.get(word.group(), ()):
            places.setdefault(order, []).append(word.start())
    for order in sorted(places):
        pattern = triggers[order].pattern
        for start in places[order]:
            found = pattern.match(lowered, start)
            if found:
                yield order, found


@functools.lru_cache(maxsize=1)
def anchor_index() -> tuple[re.Pattern[str], dict[str, tuple[int, ...]], frozenset[int]]:
    """The anchors of kg's own triggers as one pattern, matched (empty, in a lookahead) at
    every word start that begins one, its group the longest anchor there; for each longest
    anchor, the triggers any of its prefixes anchors; and the triggers without anchors."""
    always, _ = trigger_index()
    triggers = load_triggers()
    by_anchor: dict[str, set[int]] = {}
    for order in always:
        for anchor in triggers[order].anchors or ():
            by_anchor.setdefault(anchor, set()).add(order)
    # Where a longer anchor starts, each of its prefixes that is an anchor starts too.
    orders_at = {anchor: tuple(sorted(set().union(*(orders for other, orders in by_anchor.items()
                                                    if anchor.startswith(other)))))
                 for anchor in by_anchor}
    # Matches start where triggers.yaml's patterns may start: not inside a word (`_compile`).
    scan = re.compile(r"(?<![\w-])(?=(" + _trie(by_anchor) + "))")
    unanchored = frozenset(o for o in always if not triggers[o].anchors)
    return scan, orders_at, unanchored


def _trie(words: Iterable[str]) -> str:
    """An alternation of `words` that tries one branch per character and, being greedy,
    gives the longest word that matches."""
    root: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = root
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def pattern(node: dict) -> str:  # type: ignore[type-arg]
        branches = [re.escape(ch) + pattern(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


def _anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which every match of `pattern` starts with (None if unknown).

    Optional words and small character classes branch ("(?:an |the )?invitation" starts with
    "an ", "the " or "invitation"; "d[ée]marche" with "démarche" or "demarche")."""
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]

    # Each prefix with whether the pattern's items so far were all read (it may grow).
    def prefixes(items: list) -> list[tuple[str, bool]]:  # type: ignore[type-arg]
        out = [("", True)]
        for op, arg in items:
            if op in (sre.ASSERT, sre.ASSERT_NOT, sre.AT):
                continue  # zero-width
            step = one(op, arg)
            out = [(o + a, more) for o, growing in out
                   for a, more in (step if growing else [("", False)])]
            if len(out) > _MAX_ANCHORS or not any(more for _, more in out):
                break
        return [(o, more and len(out) <= _MAX_ANCHORS) for o, more in out]

    def one(op, arg) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
        if op is sre.LITERAL:
            return [(chr(arg), True)]
        if op is sre.SUBPATTERN:
            return prefixes(list(arg[3]))
        if op is sre.BRANCH:
            return [found for branch in arg[1] for found in prefixes(list(branch))]
        if op is sre.IN and len(arg) <= 4 and all(o is sre.LITERAL for o, _ in arg):
            return [(chr(a), True) for _, a in arg]
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            low, high, inner = arg
            taken = prefixes(list(inner))
            if high != 1:
                # Read once, it may repeat: what follows it is not known to come next.
                taken = [(o, False) for o, _ in taken]
            return taken + [("", True)] if low == 0 else taken
        return [("", False)]

    try:
        found = [o for o, _ in prefixes(list(sre_parse.parse(pattern)))]
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply always scanned
        return None
    if not found or not all(found):
        return None
    return tuple(sorted(set(found)))


_MAX_ANCHORS = 64  # per trigger; past that its prefixes stop growing
