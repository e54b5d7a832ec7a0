"""Who acts on whom by word order: the steps the extractor takes where no rule of sides.py
reads the parse (or no parse was made), and the steps after any rule that fill or widen a
directed fact's sides.

An undirected candidate (`Clause`: the sentence, the trigger, its clause, the document) is
read by `UNDIRECTED_STEPS` in order: each step is a small function over the candidate and
the mentions still standing (`Reading`); it may drop mentions that name no side ("cooperation
on Syria": Syria is the topic), or decide the pairs outright ("South Korea and Japan, both
U.S. allies"). The steps that fired go into the fact's rule as '+name' after
`order-undirected` (`kg extract --explain`), and the rule's own reading, the countries of the
trigger's clause each with each, comes last (`read_undirected`), where the report's main pair may
fill a missing side (`+main-pair`).

A directed candidate (`Act`), once a rule has read its sources and targets (a rule of
sides.py, or the extractor's `order-forward`, `order-backward`, ... by word order), goes
through `DIRECTED_STEPS`: by word order only, those urged ("urged X to impose") and the
subject of a relative clause act; then, after any rule, a quotation's speaker or the report's
other side may fill an empty side, the nearest pair of different countries is taken, and a
pair may act each on the other (`+reciprocal`) or on more sides joined by "and to". Each
step that changed the sides writes its '+' name (`sides.SUFFIXES`) into the rule.

Which kinds a step reads is a trait of kg/data/kinds.yaml, and the words it looks for are
entries of kg/data/lexicon/cues.yaml: a kind or a word added there needs no code here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from itertools import combinations

from ..kinds import kinds_with
from . import cues
from .mentions import DocumentContext, Mention
from .sentences import Sentence
from .triggers import Hit, Trigger

Pair = tuple[Mention, str, Mention, str]


@dataclass(frozen=True)
class Clause:
    """An undirected candidate read by word order: the trigger in its sentence and clause."""

    ctx: DocumentContext
    sent: Sentence
    kind: str
    hit: Hit  # offsets into the sentence
    start: int  # the trigger's clause, document offsets
    end: int
    mentions: tuple[Mention, ...]  # the acting country mentions of the sentence, as found
    everyone: tuple[Mention, ...] = ()  # every mention of the sentence, with a country or not

    @property
    def text(self) -> str:
        return self.sent.text

    @property
    def at(self) -> int:
        """Where the trigger starts, in document offsets."""
        return self.sent.start + self.hit.start()

    @property
    def after(self) -> int:
        """Where the trigger ends, in document offsets."""
        return self.sent.start + self.hit.end()


@dataclass(frozen=True)
class Reading:
    """The mentions still standing between two steps, and the pairs once a step decides."""

    mentions: tuple[Mention, ...]
    groups: tuple[Mention, ...] = ()  # groups of countries named before the trigger
    pairs: tuple[Pair, ...] | None = None


@dataclass(frozen=True)
class Step:
    name: str
    read: Callable[[Clause, Reading], Reading]
    doc: str


# -- the words (kg/data/lexicon/cues.yaml) -----------------------------------------------------
@functools.cache
def _pattern(template: str, flags: int = 0) -> re.Pattern[str]:
    """A pattern whose {cue} fields are the alternations of cues.yaml's entries."""
    return re.compile(re.sub(r"\{(\w+)\}", lambda g: cues.alternation(g.group(1)), template),
                      flags)


def _in_quote(text: str, i: int) -> bool:
    """Whether offset `i` of a sentence lies inside a quotation."""
    before = text[:max(0, i)]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _keep(r: Reading, kept: list[Mention]) -> Reading:
    return r if len(kept) == len(r.mentions) else replace(r, mentions=tuple(kept))


# -- before any rule ----------------------------------------------------------------------------
def unknown_person(x: Mention) -> bool:
    """ "Prime Minister Rudd", "spokesperson Lin Jian": an official named by a title and a
    name whom the actor tables do not place in any country (cue `titles`: a bare title,
    "the Prime Minister", names no one)."""
    if x.countries or x.how not in ("person", "title"):
        return False
    words = re.sub(r"['’]s$", "", x.text).split()
    return x.how == "person" or bool(words) and words[-1][:1].isupper() and not _pattern(
        r"(?:{titles})$").search(" ".join(words))



def compound_pair(word: str) -> bool:
    """ "U.S.-Ukraine talks": a trigger a hyphenated pair opens (cue `compound_pair_nouns`);
    the pair must be two countries (`compound-no-pair` of sides.REJECTING_RULES)."""
    return bool(_pattern(r"(?:[a-z]\.?)+-[a-z]+ (?:peace )?{compound_pair_nouns}", re.I
                         ).fullmatch(word))


def partners_unnamed(kind: str, text: str, hit: Hit) -> bool:
    """ "with allies", "its partners": an alliance (trait `alliance`) of no named country
    (cues `unnamed_partner_before`, `plural_alliance_nouns`); `partners-unnamed` of
    sides.REJECTING_RULES."""
    before = text[:hit.start()]
    return kind in kinds_with("alliance") and bool(
        _pattern(r"\b{unnamed_partner_before}\s+$").search(before)
        or _pattern("{plural_alliance_nouns}", re.I).fullmatch(hit.group(0)) and re.search(
            r"(?:\b(?:their|its)|'s|’s)\s+(?:[\w-]+\s+)?$", before))


# -- the steps, in the order they read ---------------------------------------------------------
def quoted_name(c: Clause, r: Reading) -> Reading:
    """ "X took part in the meeting, saying that “Washington seeks …”": a name inside a
    quotation is no side of an act told outside it."""
    if _in_quote(c.text, c.hit.start()):
        return r
    return _keep(r, [x for x in r.mentions if not _in_quote(c.text, x.start - c.sent.start)])


def fought(c: Clause, r: Reading) -> Reading:
    """ "its ally in its battle against Beijing": the one fought is no partner of the act
    (cue `fought_cues`)."""
    against = _pattern(r"\b{fought_cues}\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$")
    return _keep(r, [x for x in r.mentions if not against.search(
        c.text, max(0, x.start - c.sent.start - 40), max(0, x.start - c.sent.start))])


def relation_of(c: Clause, r: Reading) -> Reading:
    """ "signed an agreement with Turkey's rival Greece": Turkey only tells who Greece is
    (cue `relation_nouns`)."""
    relation = _pattern(r"['’]s\s+(?:[\w-]+\s+)?(?:arch-?)?{relation_nouns}\s+(?=[A-Z])")
    return _keep(r, [x for x in r.mentions if not relation.match(c.ctx.doc.text, x.end)])


def topic_after(c: Clause, r: Reading) -> Reading:
    """ "discussed the situation in Ukraine": for kinds whose partner follows "with" or
    "between" (trait `partner-with`, cue `partner_prepositions`), a country after the trigger
    otherwise is the topic, but the one right after a trigger's own "with" ("talks with
    China"); a person, an office or a group still takes part."""
    if c.kind not in kinds_with("partner-with") or _pattern(
            r"\s*{partner_prepositions}\b").match(c.text[c.hit.end():]):
        return r
    # "talks with China must continue": the trigger's own "with" names the partner right
    # after it.
    own = re.search(r"\bwith$", c.hit.group(0), re.I)
    return _keep(r, [x for x in r.mentions if x.end <= c.after
                     or x.how in ("person", "title", "group", "pronoun")
                     or own and re.fullmatch(r"\s+(?:the\s+)?", c.ctx.doc.text[c.after:x.start])])


def topic_on(c: Clause, r: Reading) -> Reading:
    """ "close cooperation on Syria and Iraq": for kinds whose topic follows "on" (trait
    `topic-on`), the country right after the preposition is the topic."""
    if c.kind not in kinds_with("topic-on"):
        return r
    on = _pattern(r"\s+{topic_prepositions}\s+(?:the\s+)?")
    return _keep(r, [x for x in r.mentions if not on.fullmatch(
        c.text[c.hit.end():max(c.hit.end(), x.start - c.sent.start)])])


def groups_before(c: Clause, r: Reading) -> Reading:
    """Notes the groups of countries named before the trigger in its clause ("Both leaders
    agreed …"), for `group-told` and `group-before` below; drops nothing."""
    groups = tuple(x for x in r.mentions if x.end <= c.at and len(x.countries) >= 2
                   and c.start <= x.start)
    return replace(r, groups=groups) if groups else r


def reporter(c: Clause, r: Reading) -> Reading:
    """ "…, France said": the one reporting is no partner of what it reports (cue
    `reporting_verbs`)."""
    said = _pattern(r"\s+{reporting_verbs}\b")
    text = c.ctx.doc.text
    return _keep(r, [x for x in r.mentions if not (
        said.match(text, x.end)
        and re.search(r",\s*(?:the\s+)?$", text[max(0, x.start - 6):x.start]))])


def allies_described(c: Clause, r: Reading) -> Reading:
    """ "South Korea and Japan, both U.S. allies", "X, a key U.S. ally": for an alliance noun
    (trait `alliance`, cue `alliance_nouns`), each one the phrase describes is the partner of
    the country before the noun."""
    if c.kind not in kinds_with("alliance") or not _pattern(
            r"{alliance_nouns}", re.I).fullmatch(c.hit.group(0)):
        return r
    owner = [x for x in r.mentions if x.end <= c.at
             and re.fullmatch(r"\s+(?:[\w-]+\s+)?", c.text[x.end - c.sent.start:c.hit.start()])
             and x.how in ("name", "demonym")]
    # the ones the phrase describes: apposed ("X, a key U.S. ally") or its subject
    described = _pattern(r"(?:,\s+|\s+{copulas}\s+)(?:{describing_determiners}\s+)?"
                         r"(?:[\w-]+\s+){0,2}")
    others = [x for x in r.mentions if owner and x.end <= owner[-1].start
              and not set(x.countries) & set(owner[-1].countries)
              and described.fullmatch(c.ctx.doc.text[x.end:owner[-1].start])]
    if not owner or not others:
        return r
    return replace(r, pairs=tuple((x, a, owner[-1], b) for x in others for a in x.countries
                                  for b in owner[-1].countries))


def allies_of(c: Clause, r: Reading) -> Reading:
    """ "Both are treaty allies of the United States", "a close ally of Rabat", "X, which is
    a close partner of Y": for an alliance (trait `alliance`) linked to a country after it
    (cue `alliance_links`), the clause's subject (or the one its relative clause follows)
    with the first one named after."""
    if c.kind not in kinds_with("alliance") or not _pattern(
            r"\s+{alliance_links}\s").match(c.text[c.hit.end():]):
        return r
    subject = [x for x in r.mentions if x.end <= c.at and c.start <= x.start][:1] or [
        # "Saudi Arabia, which is a close partner of the Emirates": the one the relative
        # clause follows.
        x for x in r.mentions if x.end <= c.at and re.fullmatch(
            r",\s*(?:which|who)\s+(?:[\w'’-]+\s+){1,4}", c.ctx.doc.text[x.end:c.at])][-1:]
    obj = [x for x in r.mentions if x.start >= c.after and x.end <= c.end][:1]
    if not subject or not obj:
        return r
    return replace(r, pairs=tuple((subject[0], a, obj[0], b) for a in subject[0].countries
                                  for b in obj[0].countries if a != b))


def group_told(c: Clause, r: Reading) -> Reading:
    """ "X and Y told Trump in phone conversations": each of a group named before the
    trigger with the one it told (cue `told_through`)."""
    if not r.groups:
        return r
    group = r.groups[-1]
    # where the group's names end ("Both X and Y told …")
    named_end = max(x.end for x in r.mentions if x.start >= group.start and x.end <= c.at
                    and set(x.countries) <= set(group.countries))
    text = c.ctx.doc.text
    through = _pattern(r"\s+{told_through}\s+(?:[\w'’-]+\s+){0,2}")
    told = [x for x in r.mentions if named_end <= x.start and x.end <= c.at
            and x.how in ("person", "title", "name") and not x.locative
            and not set(x.countries) & set(group.countries)
            and re.fullmatch(r"\s+\w+\s+", text[named_end:x.start])
            and through.fullmatch(text[x.end:c.at])]
    if not told:
        return r
    return replace(r, pairs=tuple((group, a, told[0], b) for a in group.countries
                                  for b in told[0].countries))


def group_before(c: Clause, r: Reading) -> Reading:
    """ "Both leaders agreed …", "urged both governments to sign …": the group named last
    before the trigger names the sides, alone."""
    if not r.groups:
        return r
    return replace(r, mentions=r.groups[-1:], groups=())


def agreed_that(c: Clause, r: Reading) -> Reading:
    """ "agreed that both will press Beijing": for kinds agreed to (trait `agreed-that`, the
    trigger a cue `agreeing_words`) and not "agreed with", what was agreed is no side of it;
    only those before the trigger, or after "with", are."""
    if c.kind not in kinds_with("agreed-that") or not _pattern(
            r"{agreeing_words}", re.I).match(c.hit.group(0)) or re.match(
            r"\s*with\b", c.text[c.hit.end():]):
        return r
    return _keep(r, [x for x in r.mentions if x.end <= c.at or re.search(
        r"\bwith\s+(?:the\s+)?$", c.text[:x.start - c.sent.start])])


def _step(fn: Callable[[Clause, Reading], Reading]) -> Step:
    return Step(fn.__name__.replace("_", "-"), fn, (fn.__doc__ or "").strip())


# In the order they read: the steps that drop a mention come before those that decide.
UNDIRECTED_STEPS: tuple[Step, ...] = tuple(_step(fn) for fn in (
    quoted_name, fought, relation_of, topic_after, topic_on, groups_before, reporter,
    allies_described, allies_of, group_told, group_before, agreed_that))
# The steps of the rule's own reading, after the table (`read_undirected`).
UNDIRECTED_TAIL = {
    "main-pair": "one country in the clause: the report's main pair fills the other side",
    "subject-each": "one country before the trigger, several after: the subject with each",
}
# Steps that only note something for later ones: never named in a rule.
_QUIET = {"groups-before"}


@functools.cache
def step_names() -> tuple[str, ...]:
    """Every step name of the undirected word-order reading that may follow its rule's name
    after '+' (the directed steps write the names of sides.SUFFIXES)."""
    return tuple(s.name for s in UNDIRECTED_STEPS if s.name not in _QUIET) + \
        tuple(UNDIRECTED_TAIL)


def read_undirected(c: Clause
                    ) -> tuple[list[Pair] | None, list[str], tuple[str, str] | None]:
    """The pairs of an undirected candidate by word order, the steps that decided them, and
    why there is no fact when the pairs are None (a rejecting rule's name and reason)."""
    r = Reading(tuple(c.mentions))
    steps: list[str] = []
    for step in UNDIRECTED_STEPS:
        after = step.read(c, r)
        if after is not r and step.name not in _QUIET:
            steps.append(step.name)
        r = after
        if r.pairs is not None:
            return list(r.pairs), steps, None
    pairs, tail, reject = _clause_pairs(c, r)
    return pairs, steps + tail, reject


def _clause_pairs(c: Clause, r: Reading
                  ) -> tuple[list[Pair] | None, list[str], tuple[str, str] | None]:
    """The countries of the trigger's clause, each with each (`order-undirected` itself)."""
    steps: list[str] = []
    mentions = r.mentions
    in_clause = [x for x in mentions if not x.locative
                 and c.start <= x.start and x.end <= c.end] or [
        # No side in the trigger's clause ("…, and agreed to …"; a quotation ending in
        # "he said"): the people the sentence names act, not the countries it mentions.
        x for x in mentions if not x.locative and x.text.lower() != "its"
        and x.how in ("person", "title", "pronoun", "first_person", "group")]
    before = {k for x in in_clause if x.end <= c.at for k in x.countries}
    after = [x for x in in_clause if x.start >= c.after]
    if len(before) >= 2:
        # "X and Y agreed to ..., with Z's moves in mind": the subject names the sides.
        in_clause = [x for x in in_clause if x.end <= c.at]
    elif _pattern(r"\W*(?:[\w-]+\s+){0,4}{pair_after}\s").match(c.text[c.hit.end():]) and \
            len({k for x in after for k in x.countries}) >= 2:
        # "a joint statement issued by X and Y"
        in_clause = after
    countries: dict[str, Mention] = {}
    for x in in_clause:
        for k in x.countries:
            countries.setdefault(k, x)
    other = _main_pair_other(c, countries)
    if other is not None and _unknown_other(c, other):
        return None, steps, ("unknown-person",
                             "the other side is a person the actor tables do not know")
    if other is not None:
        countries[other] = Mention(0, 0, "", "group", (other,))
        steps.append("main-pair")
    if len(countries) > 3:
        return None, steps, ("too-many-countries",
                             f"{len(countries)} countries in one clause: too many to pair")
    lefts = {k for k, x in countries.items() if x.end <= c.at and x.start > 0}
    rights = {k for k, x in countries.items() if x.start >= c.at}
    if len(lefts) == 1 and len(rights) >= 2:
        # "spoke by phone with both X and Y": the subject with each, not X with Y.
        (a,) = lefts
        return [(countries[a], a, countries[b], b) for b in sorted(rights) if b != a], \
            steps + ["subject-each"], None
    return [(countries[a], a, countries[b], b) for a, b in combinations(list(countries), 2)], \
        steps, None


def _unknown_other(c: Clause, other: str) -> bool:
    """ "The President spoke with Prime Minister Rudd": the clause names a person the tables
    do not know (`unknown_person`), and the report's other main country is named nowhere in
    the sentence: the person is more likely of a third country than of the main pair ("held
    talks with President Michel Suleiman during a visit to Beirut" names Lebanon)."""
    return any(c.start <= u.start and u.end <= c.end and unknown_person(u)
               for u in c.everyone) and not any(other in x.countries for x in c.everyone)


def _main_pair_other(c: Clause, countries: dict[str, Mention]) -> str | None:
    """The report's other main country, where the clause names only one of the pair (`+main-
    pair`): if the other is ever more than a place in the report (or the kind is an
    encounter, trait `encounter`), is not quoted, the trigger is no body's own meeting (cue
    `meeting_bodies`: "the council meeting"), and, for an alliance (trait `alliance`), the
    sentence speaks of two (cue `pair_words`)."""
    ctx = c.ctx
    if len(countries) != 1 or len(ctx.main_pair) != 2:
        return None
    (only,) = countries
    other = ctx.main_pair[1] if ctx.main_pair[0] == only else ctx.main_pair[0]
    # The other side of the document, if it is ever more than a place there ("was arrested
    # in Lebanon for collaborating with Israel" pairs Israel with no one); officials meet
    # where one of them is at home ("talks during a visit to Beirut").
    where = _pattern(r"\b(?:in|at|near|inside)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,2}$", re.I)
    named = c.kind in kinds_with("encounter") or any(
        x.country == other and not (x.locative and where.search(
            ctx.doc.text, max(0, x.start - 40), x.start))
        for ms in ctx.mentions for x in ms)
    quoted: set[str] = set()
    if not _in_quote(c.text, c.hit.start()):
        quoted = {k for x in c.mentions if _in_quote(c.text, x.start - c.sent.start)
                  for k in x.countries}
    if only in ctx.main_pair and named and other not in quoted and not (
            _pattern(r"\b{meeting_bodies}\s+$", re.I).search(c.text[:c.hit.start()])) and (
            c.kind not in kinds_with("alliance") or _pattern(r"\b{pair_words}\b", re.I).search(
                c.text)):
        return other
    return None


# -- directed kinds: the first reading by word order (the `order-*` rules) -------------------
@dataclass(frozen=True)
class View:
    """A directed candidate as word order shows it: who stands before and after the trigger."""

    ctx: DocumentContext
    sent: Sentence
    trigger: Trigger
    hit: Hit  # offsets into the sentence
    left: tuple[Mention, ...]  # acting mentions before the trigger
    right: tuple[Mention, ...]  # mentions after it
    acting_left: tuple[Mention, ...]  # those before it that may act (not mere places)
    objects: tuple[Mention, ...]  # those after it, in its clause, that it may act on
    clause_lo: int  # where the trigger's clause starts (document offsets)
    clause_hi: int  # where what the trigger acts on must end (document offsets)
    subject: Mention | None  # the sentence's first acting side
    passive: bool  # "was summoned": the trigger is a passive verb

    @property
    def kind(self) -> str:
        return self.trigger.kind

    def before(self, x: Mention) -> str:
        """The sentence up to a mention."""
        return self.sent.text[:x.start - self.sent.start]


# The agent of a passive: "by the Sudanese ministry".
_BY = r"\bby\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$"


def directed_view(ctx: DocumentContext, sent: Sentence, trigger: Trigger, m: Hit,
                  left: list[Mention], right: list[Mention], clause: tuple[int, int]) -> View:
    """What the `order-*` rules and the steps after them read of a directed candidate."""
    kind, text = trigger.kind, ctx.doc.text
    # A place acts only for a body of its state named before it ("a court in Guyana",
    # "security forces in Guinea"), not for people there ("settlers in the West Bank").
    institution = _pattern(r"\b{institutions}\s+(?:in|of)\s+(?:the\s+)?$", re.I)
    acting_left = [x for x in left if not x.locative] or [
        x for x in left if x.how in ("name", "demonym")
        and institution.search(text, max(0, x.start - 60), x.start)]
    clause_hi = clause[1]
    relative = re.search(r"\s(?:that|which|who)\s", sent.text[m.end():])
    if relative and relative.start() > 0 and kind in kinds_with("relative-not-target"):
        # "support for a group that Algerian authorities blame": what a relative clause
        # names is not what the trigger acts on.
        clause_hi = min(clause_hi, sent.start + m.end() + relative.start())
    # "support to militants in Afghanistan": the country is where the group is, not the one
    # acted on (cue `armed_groups`).
    group_in = _pattern(r"\b{armed_groups}\s+(?:based\s+|operating\s+)?in\s+$")
    objects = [x for x in right if (kind in kinds_with("place-target") or not x.locative
               or x.how in ("name", "demonym")) and x.end <= clause_hi
               and not (x.locative and kind not in kinds_with("reaches-place")
                        and group_in.search(text, max(0, x.start - 40), x.start))]
    subject = next((x for x in left if not x.locative), None)
    passive = bool(_pattern(r"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?$").search(
        sent.text[:m.start()]) and re.search(r"(?:ed|en|wn)$", m.group(0).split()[0]))
    return View(ctx, sent, trigger, m, tuple(left), tuple(right), tuple(acting_left),
                tuple(objects), clause[0], clause_hi, subject, passive)


Read = tuple[list[Mention], list[Mention]]


def order_backward(v: View) -> Read:
    """ "X hosted Y", "an invitation from X": the one after the trigger acts on the subject
    before it; "will be received by X": the subject is acted on, the agent after "by"."""
    sent, m, right, kind = v.sent, v.hit, v.right, v.kind
    by = _pattern(_BY)
    if v.passive and v.trigger.adjacent:
        # "will be received by President Prabowo": the guest is the subject, the host the
        # agent after "by".
        return list(reversed(v.acting_left)), [
            x for x in right if x.acting and x.end <= v.clause_hi and by.search(v.before(x))]
    agentive = re.search(r"\b(?:from|by|of)$", m.group(0))
    sources = [x for x in right if x.acting and x.end <= v.clause_hi
               and (agentive or not x.locative or x.how != "capital")
               and (not v.trigger.adjacent or x.start - sent.start - m.end() <= 30)]
    if v.trigger.adjacent and kind in kinds_with("travel"):
        # "hosted his counterpart": a guest is a person, not "hosting the meeting".
        sources = [x for x in sources if x.how in ("person", "title")]
    left = list(v.left)
    if not left and sources:
        # "At the invitation of Wang Yi, Nepal's minister will visit": the side acted on is
        # the subject after the fronted phrase.
        left = [x for x in right if x.acting and x.start > sources[0].end
                and not set(x.countries) & set(sources[0].countries)][:1]
    if re.match(r"(?:was|were|been|being|is|are|had been|has been)\b", m.group(0), re.I):
        # A passive names its agent after "by", or not at all.
        sources = [x for x in sources if by.search(v.before(x))]
    targets = [x for x in reversed(left) if not (x.locative and x.how == "capital")]
    if sources and re.search(r"\b(?:from|by)$", m.group(0)):
        # "an invitation from X to Y", "a visit by X to Z": the one after "to".
        onward = [x for x in right if x.start > sources[0].end and x.end <= v.clause_hi
                  and re.search(r"\bto\s+(?:the\s+)?(?:[\w'’-]+\s+){0,5}$", v.before(x))
                  and not set(x.countries) & set(sources[0].countries)]
        if onward or kind in kinds_with("travel") and any(
                x.locative for x in right if x.start > sources[0].end):
            targets = onward[:1]
    return _unnamed_agent(v, sources, targets)


def _unnamed_agent(v: View, sources: list[Mention], targets: list[Mention]) -> Read:
    """ "X's envoy was summoned" with no agent (trait `unnamed-agent`): the other side of
    the report did it."""
    if not sources and targets and v.kind in kinds_with("unnamed-agent"):
        other = other_side(v.ctx, targets[0])
        sources = [other] if other else []
    return sources, targets


def order_host(v: View) -> Read:
    """ "accepted an invitation to visit Ankara": the host of the place invited to acts on
    the subject."""
    return [x for x in v.right if x.locative and x.end <= v.clause_hi][:1], \
        list(reversed(v.acting_left))


def order_possessive(v: View) -> Read:
    """ "violated X's airspace": the subject acts on the country whose thing the act is
    aimed at."""
    owner = [x for x in v.left if re.match(r"(?:'s|’s)?\s*(?:[\w-]+\s+){0,2}$",
                                           v.sent.text[x.end - v.sent.start:v.hit.start()])]
    subject = v.subject
    return ([subject] if subject and owner and subject is not owner[-1] else []), owner[-1:]


def order_deed(v: View) -> Read:
    """ "X said that Y had abused the immunities": Y is blamed, by the subject."""
    targets = list(reversed([x for x in v.acting_left if x is not v.subject]))[:1]
    return ([v.subject] if v.subject is not None and targets else []), targets


# A clause that opens with a noun of its own ("protesters stormed …", "the forces that …"),
# not only conjunctions, adverbs and auxiliaries before its verb.
_OWN_SUBJECT = (r"^\W*(?:(?:and|but|or|then|also|later|subsequently|in turn|had|has|have|was|"
                r"were|will|would|to|it|he|she|they|which|who|that)\b\W*)*"
                r"[a-z][a-z'’-]{2,}\s+\w")


def order_forward(v: View) -> Read:
    """ "Kenya accused Sudan": the subject before the trigger acts on the first country
    after it; "Kenya's envoy was summoned by the Sudanese ministry": a passive's agent after
    "by" acts on its subject."""
    if v.passive:
        sources = [x for x in v.right if x.acting and x.end <= v.clause_hi
                   and _pattern(_BY).search(v.before(x))]
        return _unnamed_agent(v, sources, list(reversed(v.acting_left)))
    return _agent_after(v, _clause_subject(v), list(v.objects))


def _clause_subject(v: View) -> list[Mention]:
    """Who acts in the trigger's clause, by word order."""
    sent, m, subject, acting_left = v.sent, v.hit, v.subject, v.acting_left
    clause_lo = v.clause_lo
    lo = clause_lo - sent.start
    in_clause = [x for x in acting_left if x.start >= clause_lo]
    # "Canberra's consistent support" is the parse's (`possessor` of sides.py); by word order,
    # the owner is the clause's first side anyway.
    if in_clause:
        # The clause's subject: "Both leaders reiterated their support for Ukraine and agreed
        # to keep up pressure on Moscow, including through sanctions".
        return in_clause[:1] + list(reversed(in_clause[1:]))
    if re.search(r",\s*(?:who|which)\s*$", sent.text[:lo]) and \
            [x for x in acting_left if x.end <= clause_lo]:
        # "Lapid, who during a visit to Morocco voiced concern": the relative clause's subject
        # is the one named just before it.
        return [x for x in acting_left if x.end <= clause_lo][-1:]
    if subject is not None and re.fullmatch(r"\W*(?:on\s+)?", sent.text[lo:m.start()]) and \
            m.group(0).split()[0].endswith("ing"):
        # "… before travelling on to Dakar": a gerund shares the sentence's subject.
        return [subject]
    if _pattern(_OWN_SUBJECT, re.I).search(sent.text[lo:m.start()]):
        # "… after protesters stormed the embassy": a subject, but not a country; only an
        # unnamed government body or a quotation's speaker may stand for it.
        return []
    if subject is not None and re.search(r",\s*(?:and|but)\s*$", sent.text[:lo + 1]):
        # "The Presidency regretted the decision, but has denied …": the second verb shares
        # the sentence's subject.
        return [subject] + [x for x in reversed(acting_left) if x is not subject]
    return list(reversed(acting_left))


def _agent_after(v: View, sources: list[Mention], targets: list[Mention]) -> Read:
    """An agent named after the act stands for its subject: "the sanctions imposed by the
    United States on Venezuela" (cue `agent_verbs`), "the tariff that Trump has threatened";
    "summoned the envoy to protest": the act of "to" is the subject's."""
    sent, m, right = v.sent, v.hit, v.right
    rest = sent.text[m.end():]
    by_agent = _pattern(r"[\"”]?\s*(?:[\w'’-]+\s+){0,2}{agent_verbs}\s+by\s").match(rest)
    if by_agent:
        agent = [x for x in right if x.start - sent.start >= m.end() + by_agent.end() - 1]
        if agent:
            # "the sanctions imposed by the United States on Venezuela": theirs.
            sources = agent[:1]
            targets = [x for x in targets if x.start > agent[0].end] or targets
    relative = re.match(r"\s+(?:that|which)\s+", rest)
    agent = [x for x in right if relative and x.start - sent.start - m.end() <= 60
             and x.start - sent.start >= m.end() + relative.end() - 1]
    if agent:
        # "the tariff that US President Donald Trump has threatened": his tariff.
        sources = agent[:1]
        targets = [x for x in targets if x is not agent[0]] or [
            x for x in v.acting_left if not set(x.countries) & set(agent[0].countries)][-1:]
    elif v.subject is not None and v.kind not in kinds_with("hosted") and re.search(
            r"\bto\s+(?:immediately\s+|further\s+|jointly\s+)?$", sent.text[:m.start()]):
        # "summoned the envoy to protest", "told the police to expel him": the act is the
        # subject's.
        sources = [v.subject]
    return sources, targets


# The word-order rules of directed kinds, by the trigger's roles (kg/data/triggers.yaml); a
# role not named here reads as `forward`. Their names are sides.OTHER_RULES' `order-ROLE`.
ORDER_RULES: dict[str, Callable[[View], Read]] = {
    "backward": order_backward,
    "host": order_host,
    "possessive": order_possessive,
    "deed": order_deed,
    "forward": order_forward,
}


def read_in_order(v: View) -> Read:
    """Sources and targets by the word-order rule of the trigger's roles."""
    return ORDER_RULES.get(v.trigger.roles, order_forward)(v)


# -- directed kinds: the steps after the first reading -----------------------------------------
@dataclass(frozen=True)
class Act:
    """A directed candidate once a rule has read its sides (a rule of sides.py, or the
    extractor's `order-*` by word order)."""

    ctx: DocumentContext
    sent: Sentence
    trigger: Trigger
    hit: Hit  # offsets into the sentence
    left: tuple[Mention, ...]  # acting mentions before the trigger
    right: tuple[Mention, ...]  # mentions after it
    objects: tuple[Mention, ...]  # those after it, in its clause, that it may act on
    rule: str  # the rule that read the sides
    by_order: bool  # read by word order (no rule of sides.py applied)

    @property
    def kind(self) -> str:
        return self.trigger.kind

    @property
    def before(self) -> str:
        """The sentence up to the trigger."""
        return self.sent.text[:self.hit.start()]


@dataclass(frozen=True)
class Aim:
    """The sides standing between two steps: sources, targets, whether the last step changed
    them."""

    sources: tuple[Mention, ...]
    targets: tuple[Mention, ...]
    fired: bool = False  # the last step changed them: its '+' name goes into the rule
    reject: str = ""  # why there is no fact, where a step says so
    pairs: tuple[Pair, ...] | None = None  # once a step decides them


@dataclass(frozen=True)
class DirectedStep:
    name: str  # unique in the table
    says: str  # the '+' name it writes into the rule (several steps may share one)
    read: Callable[[Act, Aim], Aim]
    doc: str


def other_side(ctx: DocumentContext, side: Mention) -> Mention | None:
    """The report's other main country than `side`'s."""
    if len(ctx.main_pair) == 2 and side.country in ctx.main_pair:
        other = ctx.main_pair[1] if ctx.main_pair[0] == side.country else ctx.main_pair[0]
        return Mention(0, 0, "", "group", (other,))
    return None


def urged(act: Act, a: Aim) -> Aim:
    """ "urged Ukraine's partners to tighten sanctions": by word order, for a forward
    trigger after "urged X to" (cue `urging_verbs`), the ones urged would act, a country
    only if one is named there."""
    found = _pattern(r"\b{urging_verbs}\s+(.{1,80}?)\s+to\s+(?:[\w'’-]+\s+){0,2}$").search(
        act.before)
    if not act.by_order or not found or act.trigger.roles != "forward":
        return a
    text, base = act.sent.text, act.sent.start
    named = [x for x in act.left if x.start - base >= found.start(1)
             and x.end - base <= found.end(1) and not re.match(r"(?:'s|’s)", text[x.end - base:])
             and x.text.lower() not in ("its", "their", "his", "her", "our")]
    if not named:
        return replace(a, fired=True, reject="those urged to act are no country")
    return replace(a, sources=tuple(named[-1:]), fired=True)


# "said that", "announcing on Saturday that": a that-clause, not a relative one.
_COMPLEMENT = r"\b{complement_verbs}\b(?:\s+[\w'’-]+){0,3}$|\b(?:and|or|but)$"
# The noun before a relative clause that ends just before the trigger: "attempts that
# threaten", "an administration that has slapped". Trying it at every word costs: it is
# searched only where the clause's opening (`_RELATIVE_TAIL`, which it implies) is found.
_ANTECEDENT = r"((?:\S+\s+){0,2}\S+?)\s*,?\s+(?:that|which|who)\s+((?:[\w'’-]+\s+){0,2})$"
_RELATIVE_TAIL = r"\s(?:that|which|who)\s+(?:[\w'’-]+\s+){0,2}$"


def relative_subject(act: Act, a: Aim) -> Aim:
    """ "attempts that threaten Sudan's unity", "an administration that has slapped tariffs":
    by word order, for a forward trigger in a relative clause (not a that-clause after a
    verb of saying, cue `complement_verbs`), the subject is the noun before "that", a country
    only if one is named there."""
    if not act.by_order or act.trigger.roles != "forward":
        return a
    before = act.before
    antecedent = _pattern(_ANTECEDENT).search(before) \
        if _pattern(_RELATIVE_TAIL).search(before) else None
    base = act.sent.start
    if not antecedent or _pattern(_COMPLEMENT, re.I).search(
            act.sent.text[:antecedent.end(1)]) or any(
            x.start - base >= antecedent.start(2) for x in act.left):
        return a
    named = [x for x in act.left if x.end - base >= antecedent.start(1)
             and x.start - base <= antecedent.end(1)]
    if not named:
        return replace(a, fired=True, reject="the subject is no country")
    return replace(a, sources=tuple(named[-1:]), fired=True)


def needs_place(act: Act, a: Aim) -> Aim:
    """A trigger that names its act only with a place (triggers.yaml `needs_place`): none
    named after it, no fact."""
    if act.trigger.needs_place and not any(x.locative for x in act.right):
        return replace(a, reject="no place named")
    return a


def quote_speaker(act: Act, a: Aim) -> Aim:
    """ '"… a flagrant violation of our sovereignty," the President wrote': for an act a
    quotation's speaker does (trait `quotable`) with no source yet, inside a quotation, the
    person named after the quotation ends (cue `quote_speaker_verbs`)."""
    before = act.before
    quoted = before.count('"') % 2 == 1 or before.count("“") > before.count("”")
    if a.sources or not quoted or act.kind not in kinds_with("quotable"):
        return a
    rest = act.sent.text[act.hit.end():]
    quote_end = _pattern(r"[\"”]\s*,?\s*(?:[\w.'’-]+\s+){0,8}?{quote_speaker_verbs}?").search(
        rest)
    if not quote_end or not re.search(r"[,.!?]\s*$|[,.!?][\"”]", rest[:quote_end.start() + 2]):
        return a
    after_quote = act.sent.start + act.hit.end() + quote_end.start()
    sources = tuple(x for x in act.right if x.start >= after_quote
                    and x.how in ("person", "title"))[:1]
    return replace(a, sources=sources, fired=True) if sources else a


def body_other_side(act: Act, a: Aim) -> Aim:
    """ "the ministry accused Kenya's government": an unnamed government body (cue
    `speaking_bodies`, for kinds it does: trait `body-acts`) is the report's other side; so
    is the agent left unnamed of an act done to an envoy ("X's envoy was summoned", rule
    `passive-no-agent`, trait `unnamed-agent`)."""
    if a.sources or not a.targets or not (
            act.kind in kinds_with("body-acts")
            and _pattern(r"\b{speaking_bodies}\b", re.I).search(act.before)
            or act.rule == "passive-no-agent" and act.kind in kinds_with("unnamed-agent")):
        return a
    other = other_side(act.ctx, a.targets[0])
    return replace(a, sources=(other,), fired=True) if other else \
        replace(a, sources=())


def no_source(act: Act, a: Aim) -> Aim:
    """No acting side left: no fact."""
    return a if a.sources else replace(a, reject="no acting side found")


def last_accuser(act: Act, a: Aim) -> Aim:
    """A denial (trait `answers`) that names no target answers whoever last accused its
    source in the report."""
    if a.targets or act.kind not in kinds_with("answers"):
        return a
    accuser = act.ctx.last_accuser(a.sources[0].countries)
    return replace(a, targets=(accuser,), fired=True) if accuser else a


def aimed_other_side(act: Act, a: Aim) -> Aim:
    """Threats and rejections (trait `aimed-at-other`, or a trigger `aimed: other`) answer
    someone: with no target named, in a report on two countries, the other."""
    if a.targets or not (act.kind in kinds_with("aimed-at-other")
                         or act.trigger.aimed == "other"):
        return a
    other = other_side(act.ctx, a.sources[0])
    return replace(a, targets=(other,), fired=True) if other else a


def no_target(act: Act, a: Aim) -> Aim:
    """No side acted on: no fact."""
    return a if a.targets else replace(a, reject="no side acted on")


def nearest(act: Act, a: Aim) -> Aim:
    """The nearest source and target of different countries, the object binding tighter:
    "warned that the execution of a German citizen would have consequences" is not aimed at
    Germany, and "a tariff on Mexican imports" is not Mexico's own."""
    ranked = sorted(((i + j, j, s_, t_) for i, s_ in enumerate(a.sources)
                     for j, t_ in enumerate(a.targets)), key=lambda c: c[:2])
    src, tgt = next(((s_, t_) for _, _, s_, t_ in ranked
                     if not set(t_.countries) <= set(s_.countries)),
                    (a.sources[0], a.targets[0]))
    return replace(a, sources=(src,), targets=(tgt,))


def reciprocal(act: Act, a: Aim) -> Aim:
    """ "Both countries withdrew their ambassadors": for kinds two do to each other (trait
    `reciprocal`), a pair acting on itself acts each on the other."""
    (src,), (tgt,) = a.sources, a.targets
    if act.kind not in kinds_with("reciprocal") or len(src.countries) != 2 or \
            not set(tgt.countries) <= set(src.countries):
        return a
    x, y = src.countries
    return replace(a, fired=True, pairs=((src, x, src, y), (src, y, src, x)))


def own_is_other(act: Act, a: Aim) -> Aim:
    """ "recalled its ambassador", "despite pressure": done to one's own (trait
    `own-is-other`), the act is aimed at the report's other side."""
    (src,), (tgt,) = a.sources, a.targets
    if not set(tgt.countries) <= set(src.countries) or act.kind not in kinds_with("own-is-other"):
        return a
    other = other_side(act.ctx, src)
    return replace(a, targets=(other,), fired=True) if other else a


def themselves(act: Act, a: Aim) -> Aim:
    """ "They welcomed progress on a UK-Poland treaty": a pair acting on itself (but "each
    other") is no fact."""
    (src,), (tgt,) = a.sources, a.targets
    if len(tgt.countries) >= 2 and set(tgt.countries) <= set(src.countries) and not \
            re.match(r"(?i)(?:each|the) other", tgt.text):
        return replace(a, reject="the sides act on themselves")
    return a


def and_to(act: Act, a: Aim) -> Aim:
    """ "… its appreciation to the United States for …, and to Brazil for …": for kinds that
    take several objects so (trait `and-to`), each one joined by "and to" (cues
    `joining_words`, `and_to_prepositions`) is acted on too."""
    (src,), (tgt,) = a.sources, a.targets
    pairs = [(src, x, tgt, y) for x in src.countries for y in tgt.countries if x != y]
    fired = False
    if act.kind in kinds_with("and-to"):
        joined = _pattern(r"\b{joining_words}\s+{and_to_prepositions}\s+(?:the\s+)?"
                          r"(?:[\w-]+\s+){0,3}$")
        for other in act.objects:
            if other.start > tgt.start and joined.search(
                    act.sent.text[:other.start - act.sent.start]):
                pairs += [(src, x, other, y) for x in src.countries
                          for y in other.countries if x != y]
                fired = True
    return replace(a, fired=fired, pairs=tuple(pairs))


def _directed(fn: Callable[[Act, Aim], Aim], says: str = "") -> DirectedStep:
    name = fn.__name__.replace("_", "-")
    return DirectedStep(name, says or name, fn, (fn.__doc__ or "").strip())


# In the order they read; `nearest` and the rejections write no '+' name.
DIRECTED_STEPS: tuple[DirectedStep, ...] = (
    _directed(urged), _directed(relative_subject), _directed(needs_place, "-"),
    _directed(quote_speaker), _directed(body_other_side, "other-side"),
    _directed(no_source, "-"), _directed(last_accuser),
    _directed(aimed_other_side, "other-side"), _directed(no_target, "-"),
    _directed(nearest, "-"), _directed(reciprocal), _directed(own_is_other, "other-side"),
    _directed(themselves, "-"), _directed(and_to))


def read_directed(act: Act, sources: list[Mention], targets: list[Mention]
                  ) -> tuple[list[Pair] | None, list[str], str]:
    """The pairs of a directed candidate from the sides its rule read, the steps that
    changed them (their '+' names), and why there is no fact when the pairs are None."""
    a = Aim(tuple(sources), tuple(targets))
    steps: list[str] = []
    for step in DIRECTED_STEPS:
        a = step.read(act, a)
        if a.fired:
            steps.append(step.says)
            a = replace(a, fired=False)
        if a.reject:
            return None, steps, a.reject
        if a.pairs is not None:
            return list(a.pairs), steps, ""
    raise AssertionError("and-to decides the pairs")  # pragma: no cover
