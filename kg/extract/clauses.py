"""Clauses within a sentence: where the words around a trigger belong to it.

Clause edges are punctuation (; : dashes, a closing quotation), conjunctions after a comma
(", and", ", which"), subordinators ("after", "because"), speech verbs ("said that") and the
comma that closes a fronted clause ("As China presses its claims, X and Y agreed …").
"""

from __future__ import annotations

import functools
import re

from .sentences import Sentence

_FRONTED = re.compile(r"(?:As|While|Although|Though|Since|Because|When|Whereas|If|In|At|"
                      r"Before|After|During|Following|Amid|Under|Despite|To|[A-Z][a-z]+ing)\b")
_CLAUSE_BREAK = re.compile(
    r"[;:]|\s[-–—]\s|,\s+(?:and|but|while|whereas|which|who|where|when)\b|"
    r"\s(?:after|before|because|although|though|whereas|while|until|since)\s|"
    r",\s+(?:following|amid|despite|saying|citing|drawing)\b|"
    r",\s+(?:a|an)\s+(?:charge|claim|accusation|allegation|move|step|decision)\b|"
    r",\s+(?:claims|charges|allegations|accusations)\b|"
    r"\s(?:and\s+)?(?:said|says|added|stressed|noted)\s+(?:that\s+)?|"
    r"[,.!?][\"”]\s")


def clause_span(sent: Sentence, start: int, end: int) -> tuple[int, int]:
    """Document offsets of the clause around sentence offsets `start`..`end`."""
    lo, hi = 0, len(sent.text)
    for b_start, b_end in breaks(sent.text):
        if b_end <= start:
            lo = b_end
        elif b_start >= end:
            hi = b_start
            break
    return sent.start + lo, sent.start + hi


@functools.lru_cache(maxsize=512)
def breaks(text: str) -> tuple[tuple[int, int], ...]:
    """Where a sentence's clauses meet, in order (asked for by every trigger: cached)."""
    found = [(b.start(), b.end()) for b in _CLAUSE_BREAK.finditer(text)]
    if _FRONTED.match(text):
        comma = text.find(",")
        if comma > 0:
            found.append((comma, comma + 1))
    return tuple(sorted(found))
