"""How far to trust a fact: a confidence in [0, 1] from the evidence that made it.

A logistic model over signals of the extraction: where the trigger came from (kg's own
triggers.yaml, a CAMEO pattern, or a bare CAMEO verb), how each side was resolved (a named
country, a person or an office holder, a reference such as "both sides", or filled in from the
report's other country), hedges and modality, status, attribution, how crowded and how long
the sentence is, how far the sides stand from the trigger, the kind, and the side rule that
decided the fact (`Fact.rule`, where the extractor names one).

The weights are data, `kg/data/confidence.yaml`, fitted by `scripts/confidence_table.py` on
the gold of tests/data/articles (never on the dev set); the file says how.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import replace
from importlib import resources
from typing import Any

from ..records import Fact
from .mentions import Mention
from .order import step_names
from .sentences import Sentence
from .triggers import Hit, Trigger

NAMED = ("name", "demonym", "capital", "seat")
# Hedges: the report does not vouch for the act ("reportedly", "sources said").
_HEDGE = re.compile(
    r"\b(?:reportedly|allegedly|purportedly|apparently|rumou?r(?:s|ed)?|unconfirmed|"
    r"according to (?:media|reports|sources)|sources (?:said|say)|reports? (?:said|say|suggest)|"
    r"is said to|are said to|was said to|believed to|thought to)\b", re.I)
# Modality: the act is possible, wished or conditional, not done.
_MODAL = re.compile(
    r"\b(?:may|might|could|would|should|possibly|perhaps|likely|unlikely|expected to|"
    r"considering|consider|if|unless|hopes? to|seeks? to|wants? to|aims? to)\b", re.I)
_NEGATION = re.compile(r"\b(?:not|no|never|neither|nor|without)\b|n[’']t\b", re.I)
_WORD = re.compile(r"[\w'’-]+")

_COLLECTED: ContextVar[list[tuple[Fact, dict[str, float]]] | None] = ContextVar(
    "kg_confidence_collected", default=None)


def side_resolution(country: str, side_name: str | None, side_role: str | None,
                    mentions: list[Mention]) -> str:
    """How one side was found: office, person, named, reference, or default (not in the
    sentence: filled in from the report's other country or an earlier accuser)."""
    if side_role:
        return "office"
    if side_name:
        return "person"
    hows = {x.how for x in mentions if country in x.countries}
    if hows & set(NAMED):
        return "named"
    if hows:
        return "reference"
    return "default"


def features(fact: Fact, trigger: Trigger, hit: Hit, sent: Sentence,
             mentions: list[Mention]) -> dict[str, float]:
    """The signals of one fact, by name (the names of kg/data/confidence.yaml's weights)."""
    found: dict[str, float] = {"bias": 1.0}
    words = hit.group(0).split()
    # The lexicon a trigger came from is the first word of its source ("kg", "cameo 0231
    # ..."): a new lexicon gets its own signals at the next refit, with no code change.
    origin = trigger.source.split()[0] if trigger.source.strip() else "kg"
    if origin != "kg":
        found[f"trigger:{origin}-bare" if len(words) == 1 else f"trigger:{origin}-pattern"] = 1.0
    elif len(words) > 1:
        found["trigger:kg-phrase"] = 1.0
    for side in (fact.source, fact.target):
        how = side_resolution(side.country, side.name, side.role, mentions)
        if how != "named":
            found[f"side:{how}"] = found.get(f"side:{how}", 0.0) + 1.0
    text = sent.text
    hedged, question, length = _sentence_signals(sent)
    if hedged:
        found["hedge"] = 1.0
    window = text[max(0, hit.start() - 60):hit.end() + 30]
    if _MODAL.search(window):
        found["modal"] = 1.0
    if _NEGATION.search(window):
        found["negation-cue"] = 1.0
    if fact.status != "occurred":
        found[f"status:{fact.status}"] = 1.0
    if fact.attribution != "reported":
        found[f"attribution:{fact.attribution}"] = 1.0
    before = text[:hit.start()]
    if before.count('"') % 2 == 1 or before.count("“") > before.count("”"):
        found["quoted"] = 1.0
    if question:
        found["question"] = 1.0
    countries = {c for x in mentions for c in x.countries}
    if len(countries) > 2:
        found["countries"] = float(min(len(countries) - 2, 4))
    found["length"] = max(-1.0, min(3.0, (length - 25) / 25))
    distance, between = _distance(fact, hit, sent, mentions)
    if distance:
        found["distance"] = distance
    if between:
        found["intervening"] = float(between)
    found[f"kind:{fact.kind}"] = 1.0
    rule = getattr(fact, "rule", None)
    if rule:
        # Names as kg/extract/sides.py gives them, "rule+step+step": each part a signal, so
        # a renamed or new rule needs a refit, not a code change.
        # The word-order steps of order.py only explain: the weights were fitted without
        # them, and reading them is a refit, made on purpose.
        base, *steps = str(rule).split("+")
        found[f"rule:{base}"] = 1.0
        for step in steps:
            if step not in step_names():
                found[f"rule:+{step}"] = 1.0
    return found


# The last sentence's own signals: a sentence's facts are rated one after another (kept as a
# pair, replaced whole, so that a reader never mixes two sentences).
_LAST: tuple[Sentence | None, tuple[bool, bool, int]] = (None, (False, False, 0))


def _sentence_signals(sent: Sentence) -> tuple[bool, bool, int]:
    """Whether the sentence hedges, whether it asks, and its length in words."""
    global _LAST
    last, signals = _LAST
    if last is not sent:
        text = sent.text
        signals = (bool(_HEDGE.search(text)), text.rstrip().endswith("?"),
                   len(_WORD.findall(text)))
        _LAST = (sent, signals)
    return signals


def _distance(fact: Fact, hit: Hit, sent: Sentence,
              mentions: list[Mention]) -> tuple[float, int]:
    """How far the sides stand from the trigger: the words between the trigger and the
    farther side (each at its nearest mention in the sentence), in tens of words, at most 3;
    and how many sides have another country named between them and the trigger."""
    t_start, t_end = sent.start + hit.start(), sent.start + hit.end()
    pair = {fact.source.country, fact.target.country}
    others = [x for x in mentions if x.countries and not set(x.countries) & pair]
    far = between = 0
    for side in (fact.source, fact.target):
        gaps = []
        for x in mentions:
            if side.country not in x.countries:
                continue
            lo, hi = (x.end, t_start) if x.end <= t_start else (t_end, x.start)
            words = len(_WORD.findall(sent.text[lo - sent.start:hi - sent.start])) \
                if hi > lo else 0
            gaps.append((words, lo, hi))
        if gaps:
            words, lo, hi = min(gaps)
            far = max(far, words)
            between += any(lo <= x.start and x.end <= hi for x in others)
    return min(far / 10, 3.0), between


@functools.lru_cache(maxsize=1)
def load_weights() -> dict[str, float]:
    """The weights of kg/data/confidence.yaml, by signal name."""
    import yaml

    data = yaml.safe_load((resources.files("kg") / "data" / "confidence.yaml").read_text("utf-8"))
    return {str(k): float(v) for k, v in (data.get("weights") or {}).items()}


def score(signals: dict[str, float], weights: dict[str, float]) -> float:
    """The logistic model: signals unknown to the weights count for nothing."""
    z = sum(weights.get(name, 0.0) * value for name, value in signals.items())
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def rate(fact: Fact, trigger: Trigger, hit: Hit, sent: Sentence,
         mentions: list[Mention]) -> Fact:
    """The fact with its confidence, rounded to three places so output is stable."""
    signals = features(fact, trigger, hit, sent, mentions)
    collected = _COLLECTED.get()
    if collected is not None:
        collected.append((fact, signals))
    return replace(fact, confidence=round(score(signals, load_weights()), 3))


@contextmanager
def collect_signals() -> Iterator[list[tuple[Fact, dict[str, float]]]]:
    """Within the block, every fact rated is recorded with its signals (for fitting)."""
    collected: list[tuple[Fact, dict[str, float]]] = []
    token = _COLLECTED.set(collected)
    try:
        yield collected
    finally:
        _COLLECTED.reset(token)


def at_least(records: Any, minimum: float | None) -> Any:
    """Facts (or their dict records) whose confidence is at least `minimum`.

    Records without a confidence (written before kg rated facts) are kept only when no
    minimum is asked for.
    """
    if minimum is None or minimum <= 0:
        return records
    return [r for r in records if _confidence(r) is not None and _confidence(r) >= minimum]


def _confidence(record: Any) -> float | None:
    value = record.get("confidence") if isinstance(record, dict) else \
        getattr(record, "confidence", None)
    return float(value) if isinstance(value, int | float) else None
