"""From a document to its facts: triggers, sides, status, date, place, attribution.

One `Extractor` is built per process (gazetteer, trigger patterns, tokenizer) and reused for
every document. `explain` tells, sentence by sentence, what was found and why a fact was or
was not produced.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations

from ..kinds import kinds_with
from ..records import DIRECTED_KINDS, Document, Fact, Side
from .actors import Actors, load_actors
from .clauses import clause_span as _clause
from .confidence import rate
from .dates import find_dates
from .mentions import DocumentContext, Mention, MentionFinder, in_compound
from .order import (
    Act,
    Clause,
    Pair,
    compound_pair,
    directed_view,
    partners_unnamed,
    read_directed,
    read_in_order,
    read_undirected,
)
from .qualifiers import (
    TOPIC_PATTERN,
    banned,
    condition,
    fact_date,
    fact_location,
    fact_status,
    received,
    refusal,
    relation_label,
    report_date,
    threat_kind,
    threatened,
)
from .sentences import Sentence, parse_docs, parser, split_sentences
from .sides import Candidate, Sides, decide, named_words, tokens_of
from .triggers import Hit, Trigger, load_triggers
from .triggers import find as find_triggers

ACTING = ("name", "demonym", "capital", "seat", "person", "title", "group", "pronoun",
          "first_person")


@dataclass
class Decision:
    """Why a trigger in a sentence did or did not become a fact (for --explain)."""

    kind: str
    trigger: str
    source: str = "kg"  # which trigger data: kg's own, or the CAMEO lexicon's block and codes
    produced: list[Fact] = field(default_factory=list)
    reason: str = ""
    rule: str = ""  # the side rule that decided or rejected (kg/extract/sides.py)


@dataclass
class SentenceReport:
    index: int
    start: int
    end: int
    text: str
    actors: list[str]
    decisions: list[Decision]
    dates: list[str]


@dataclass
class _Reading:
    """A document between its two passes: what is known before the parse."""

    ctx: DocumentContext
    event_date: str | None
    hits: list[list[tuple]]
    candidates: list[int]  # sentences with a trigger and two acting countries: to be parsed
    parses: dict[int, tuple] = field(default_factory=dict)


class Extractor:
    """Reads facts from documents. Build once, call `extract` per document, or
    `extract_many` for a batch (the candidate sentences of a batch are parsed together).

    `parse=False` reads sides by word order alone (the `order-*` rules of sides.py): faster,
    less accurate.
    """

    def __init__(self, actors: Actors | None = None, *, parse: bool = True):
        self.actors = actors or load_actors()
        self.finder = MentionFinder(self.actors)
        self.triggers = load_triggers()
        self.parse = parse

    def extract(self, doc: Document) -> list[Fact]:
        return self.extract_many([doc])[0]

    def warm(self) -> None:
        """Load the parser now (before worker processes copy this extractor)."""
        if self.parse:
            parser()

    def extract_many(self, docs: Iterable[Document]) -> list[list[Fact]]:
        """The facts of each document, in order."""
        readings = [self._read(doc) for doc in docs]
        self._parse(readings)
        return [self._run(r, None) for r in readings]

    def explain(self, doc: Document) -> list[SentenceReport]:
        reports: list[SentenceReport] = []
        reading = self._read(doc)
        self._parse([reading])
        self._run(reading, reports)
        return reports

    def _read(self, doc: Document) -> _Reading:
        sentences = split_sentences(doc.text)
        ctx = self.finder.read(doc, sentences)
        hits = self._hits(doc.text, sentences)
        # Only a sentence that names two countries is parsed: with one, the parse could only
        # say which side that country is, and the other comes from the document either way
        # (the word-order rules read such sentences with the same facts on every yardstick).
        candidates = [i for i, found in enumerate(hits) if found and len(
            {c for x in ctx.mentions[i] if x.how in ACTING for c in x.countries}) >= 2]
        return _Reading(ctx, report_date(doc, sentences), hits, candidates)

    def _parse(self, readings: list[_Reading]) -> None:
        """Parse the candidate sentences of all `readings` in one stream."""
        if not self.parse:
            return
        wanted = [(r, i) for r in readings for i in r.candidates]
        if not wanted:
            return
        nlp = parser()
        words = [named_words(nlp, r.ctx.sentences[i], r.ctx.mentions[i],
                             [h[3] for h in r.hits[i]]) for r, i in wanted]
        docs = parse_docs([w.doc(nlp) for w in words])
        for (r, i), w, parsed in zip(wanted, words, docs, strict=True):
            r.parses[i] = tokens_of(parsed, w.offsets)

    def _run(self, reading: _Reading, reports: list[SentenceReport] | None) -> list[Fact]:
        ctx, event_date, hits = reading.ctx, reading.event_date, reading.hits
        doc, sentences = ctx.doc, ctx.sentences
        facts: dict[tuple[str, str, str], Fact] = {}
        for i, sent in enumerate(sentences):
            decisions = []
            # Dates matter only where a trigger stands (or for the report of every sentence).
            dates = find_dates(sent.text, doc.date) if hits[i] or reports is not None else []
            # Kind by kind, in the order of the trigger table; within a kind, in text order,
            # so that a fact's status and date are those of its first mention ("will travel
            # to Colombo on May 2 … the first visit by a Secretary of State since 2005").
            first: dict[str, int] = {}
            for h in hits[i]:
                first[h[2].kind] = min(first.get(h[2].kind, h[0]), h[0])
            for _, _, trigger, m in sorted(hits[i], key=lambda h: (first[h[2].kind], h[1])):
                decision = Decision(trigger.kind, m.group(0), trigger.source)
                for fact in self._facts_at(ctx, i, sent, trigger, m, dates, event_date,
                                           decision, reading.parses.get(i, ())):
                    if fact.key in facts:
                        decision.reason = decision.reason or \
                            "already found earlier in the document"
                        continue
                    facts[fact.key] = fact
                    ctx.found.append(fact)
                    decision.produced.append(fact)
                    visit = _visit_of_meeting(fact)
                    if visit is not None and visit.key not in facts:
                        facts[visit.key] = visit
                        decision.produced.append(visit)
                decisions.append(decision)
            if reports is not None:
                reports.append(SentenceReport(
                    i, sent.start, sent.end, sent.text,
                    [f"{m.text}→{'/'.join(m.countries) or '?'} ({m.how}"
                     f"{', place' if m.locative else ''})" for m in ctx.mentions[i]],
                    decisions, [f"{d.text}→{d.value}" for d in dates]))
        return sorted(facts.values(), key=lambda f: (f.span[0], f.kind, f.key))

    def _hits(self, text: str, sentences: list[Sentence]) -> list[list[tuple]]:
        """Trigger matches per sentence, found with one scan of the text per trigger."""
        starts = [sent.start for sent in sentences]
        hits: list[list[tuple]] = [[] for _ in sentences]
        lowered = text.lower()
        if len(lowered) != len(text):
            # A few letters change length when lower-cased ("İ"): keep offsets exact.
            lowered = "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)
        for order, m in find_triggers(lowered):
            trigger = self.triggers[order]
            i = bisect.bisect_right(starts, m.start()) - 1
            if i < 0 or m.end() > sentences[i].end:
                continue  # between sentences, or across a sentence end
            base = sentences[i].start
            hits[i].append((order, m.start(), trigger,
                            Hit(m.start() - base, m.end() - base, text[m.start():m.end()])))
        return [_one_reading(h) for h in hits]

    # -- one trigger ---------------------------------------------------------------------
    def _facts_at(self, ctx: DocumentContext, i: int, sent: Sentence, trigger: Trigger,
                  m: Hit, dates: list, event_date: str | None,
                  decision: Decision, tokens: tuple = ()) -> Iterator[Fact]:
        t_start, t_end = sent.start + m.start(), sent.start + m.end()
        clause_start, clause_end = _clause(sent, m.start(), m.end())
        # Only the trigger's first word hides a mention: "linked agents of India's government
        # to the death" names its object inside the trigger.
        head_end = t_start + len(m.group(0).split()[0])
        if compound_pair(m.group(0)):
            # "U.S.-Ukraine talks": the compound names the sides; "high-level talks" none.
            head_end = t_start
            inside = {c for x in ctx.mentions[i] if t_start <= x.start and x.end <= t_end
                      for c in x.countries}
            if len(inside) < 2:
                decision.reason = "the compound before the trigger names no pair of countries"
                decision.rule = "compound-no-pair"
                return
        named = [x for x in ctx.mentions[i] if x.countries and x.how in ACTING
                 and not (x.start < head_end and x.end > t_start)
                 and not in_compound(ctx.doc.text, x)]
        t_end = head_end
        mentions = [x for x in named if x.acting]
        left = [x for x in mentions if x.end <= t_start]
        # Sanctions and aid may be aimed at a country named as a modifier ("tariffs on
        # Chinese goods", "aid for the Lebanese army").
        right = [x for x in (named if trigger.kind in kinds_with("modifier-target")
                             else mentions) if x.start >= t_end]
        kind = trigger.kind
        word = m.group(0)
        name = re.search(r"(?:[A-Z][\w'’]*[\s-])+$", sent.text[:m.start()]) \
            if word[:1].isupper() and m.start() > 0 else None
        if name and not any(sent.start + name.start() <= x.start < t_start for x in named) \
                and not re.search(r"\b(?:a|an)\s+$", sent.text[:name.start()]):
            decision.reason = f"'{word}' is part of a name"
            decision.rule = "part-of-name"
            return
        read = decide(Candidate(
            sent.text, sent.start, kind, kind in DIRECTED_KINDS, trigger.roles, m,
            tuple(sorted(mentions + [x for x in right if x not in mentions],
                         key=lambda x: x.start)), tokens)) if tokens else None
        if kind in DIRECTED_KINDS:
            pairs = self._directed_sides(ctx, sent, trigger, m, left, right,
                                         (clause_start, clause_end), decision, read)
        else:
            pairs = self._undirected_sides(ctx, sent, trigger, m, mentions, left, right,
                                           clause_start, clause_end, decision, read,
                                           ctx.mentions[i])
        if pairs is None:
            return
        if not pairs:
            decision.reason = "only one country found"
            return
        if banned(sent, m, kind):
            decision.reason = "the act is banned or halted: the ban is the fact"
            decision.rule = "banned-act"
            return
        met = received(sent, m, kind) if trigger.roles == "forward" else None
        if met is not None:
            pairs = [p for p in pairs if p[0].start >= met]
            if not pairs:
                decision.reason = "the subject meets this criticism, it does not make it"
                decision.rule = "received-criticism"
                return
        cond = condition(sent, m)
        if cond == "condition":
            decision.reason = "the act is a condition set, neither done nor planned"
            decision.rule = "conditional-act"
            return
        if threatened(sent, m, kind):
            # "wants to attack Switzerland", "threatened to break off relations with Congo":
            # the threat is the fact, with the sides of the act threatened.
            kind = threat_kind(kind, "conditional")
            decision.rule = f"{decision.rule}+threatened-act"
        elif threat_kind(kind, cond) != kind:
            kind = threat_kind(kind, cond)
            decision.rule = f"{decision.rule}+conditional-threat"
        status = fact_status(sent, m, kind)
        date = fact_date(sent, dates, m, kind, status, event_date, ctx.doc.date)
        attribution = "commentary" if ctx.doc.commentary_start is not None and \
            sent.start >= ctx.doc.commentary_start else "reported"
        location = fact_location(ctx, i, sent, m, kind)
        topics = tuple(dict.fromkeys(t.group(0).lower()
                                     for t in TOPIC_PATTERN.finditer(sent.text))) \
            if kind in kinds_with("topical") else ()
        label = relation_label(sent.text, m) if kind in kinds_with("labelled") else None
        for src, s_country, tgt, t_country in pairs:
            fact = Fact(
                doc=ctx.doc.id, kind=kind,
                source=Side(s_country, src.person if len(src.countries) == 1 else None,
                            src.role if len(src.countries) == 1 else None),
                target=Side(t_country, tgt.person if len(tgt.countries) == 1 else None,
                            tgt.role if len(tgt.countries) == 1 else None),
                evidence=sent.text, span=(sent.start, sent.end), date=date,
                location=location, status=status, attribution=attribution,
                label=label, topics=topics, rule=decision.rule,
            )
            yield rate(fact, trigger, m, sent, ctx.mentions[i])
            refused = refusal(sent, m, kind) if status == "negated" else None
            if refused:
                # The refusing side is the one named before the act ("Israel refused to
                # meet Jordan's king"), whichever order an undirected fact keeps.
                src_side, tgt_side = (fact.source, fact.target) if src.start <= tgt.start \
                    or kind in DIRECTED_KINDS else (fact.target, fact.source)
                yield rate(Fact(
                    doc=fact.doc, kind=refused, source=src_side, target=tgt_side,
                    evidence=fact.evidence, span=fact.span, date=fact.date,
                    location=None, status="occurred", attribution=attribution,
                    rule=f"{decision.rule}+refusal"), trigger, m, sent, ctx.mentions[i])

    def _directed_sides(self, ctx: DocumentContext, sent: Sentence, trigger: Trigger,
                        m: Hit, left: list[Mention], right: list[Mention],
                        clause: tuple[int, int], decision: Decision,
                        read: Sides | None) -> list[Pair] | None:
        view = directed_view(ctx, sent, trigger, m, left, right, clause)
        if read is not None:
            decision.rule = read.rule
            if read.reject:
                decision.reason = read.reject
                return None
            sources, targets = list(read.sources), list(read.targets)
        else:
            decision.rule = f"order-{trigger.roles}"
            sources, targets = read_in_order(view)
        pairs, steps, reject = read_directed(Act(
            ctx, sent, trigger, m, view.left, view.right, view.objects, decision.rule,
            read is None), sources, targets)
        decision.rule += "".join("+" + step for step in steps)
        if pairs is None:
            decision.reason = reject
            return None
        if not pairs:
            decision.reason = "both sides are one country"
        return pairs

    def _undirected_sides(self, ctx: DocumentContext, sent: Sentence, trigger: Trigger,
                          m: Hit, mentions: list[Mention], left: list[Mention],
                          right: list[Mention], clause_start: int, clause_end: int,
                          decision: Decision, read: Sides | None,
                          everyone: list[Mention]) -> list[Pair] | None:
        kind = trigger.kind
        if partners_unnamed(kind, sent.text, m):
            decision.reason = "partners of no named country ('with allies')"
            decision.rule = "partners-unnamed"
            return None
        if read is not None:
            decision.rule = read.rule
            if read.reject:
                decision.reason = read.reject
                return None
            return _pairs_of(read, decision)
        pairs, steps, reject = read_undirected(Clause(
            ctx, sent, kind, m, clause_start, clause_end, tuple(mentions),
            tuple(everyone)))
        decision.rule = "order-undirected" + "".join("+" + step for step in steps)
        if reject is not None:
            decision.rule, decision.reason = reject
            return None
        if not pairs:
            decision.reason = "only one country found"
        return pairs


def _pairs_of(read: Sides, decision: Decision) -> list[Pair] | None:
    """The pairs of an undirected fact as a side rule read them: each with each, or the
    subject with each partner."""
    if not read.pairwise:
        return [(s, a, t, b) for s in read.sources[:1] for a in s.countries
                for t in read.targets for b in t.countries if a != b]
    countries: dict[str, Mention] = {}
    for x in read.sources:
        for c in x.countries:
            countries.setdefault(c, x)
    if len(countries) > 3:
        decision.reason = f"{len(countries)} countries in one clause: too many to pair"
        decision.rule = "too-many-countries"
        return None
    return [(countries[a], a, countries[b], b) for a, b in combinations(list(countries), 2)]






def _one_reading(hits: list[tuple]) -> list[tuple]:
    """A verb read by the CAMEO lexicon gives one act: its longest pattern, as in PETRARCH.

    "broke off relations" is a break of relations (161), not the "broke off" of a threat
    (130), and not "broke" alone. Where kg's own data reads the same word, its reading
    stands alone: "lodged a protest" is kg's protest, not CAMEO's criticism too.
    """
    longest: dict[int, int] = {}
    own = {h[1] for h in hits if h[2].source == "kg"}
    for _, start, trigger, m in hits:
        if trigger.source != "kg":
            longest[start] = max(longest.get(start, 0), m.end())
    return [h for h in hits if h[2].source == "kg"
            or h[1] not in own and h[3].end() == longest[h[1]]]


def _visit_of_meeting(fact: Fact) -> Fact | None:
    """A meeting held in one side's country means the other side travelled there."""
    if fact.kind not in kinds_with("meeting-place") or not fact.location:
        return None
    host = fact.location.country
    if host == fact.source.country:
        guest, host_side = fact.target, fact.source
    elif host == fact.target.country:
        guest, host_side = fact.source, fact.target
    else:
        return None
    return Fact(doc=fact.doc, kind=kinds_with("travel")[0], source=guest, target=host_side,
                evidence=fact.evidence, span=fact.span, date=fact.date,
                location=fact.location, status=fact.status, attribution=fact.attribution,
                rule=f"{fact.rule}+meeting-place", confidence=fact.confidence)


_DEFAULT: Extractor | None = None


def default_extractor() -> Extractor:
    """The process-wide extractor over the bundled actor tables (built on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Extractor()
    return _DEFAULT


def extract_facts(docs: Iterable[Document], extractor: Extractor | None = None) -> Iterator[Fact]:
    ex = extractor or default_extractor()
    for doc in docs:
        yield from ex.extract(doc)
