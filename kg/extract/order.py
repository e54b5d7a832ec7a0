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
    "between" (trait `partner-with`), a country after the trigger otherwise is the topic; a
    person, an office or a group still takes part."""
    if c.kind not in kinds_with("partner-with") or _pattern(
            r"\s*{partner_prepositions}\b").match(c.text[c.hit.end():]):
        return r
    return _keep(r, [x for x in r.mentions if x.end <= c.after
                     or x.how in ("person", "title", "group", "pronoun")])


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
    """ "Both are treaty allies of the United States", "a close ally of Rabat": for an
    alliance (trait `alliance`) linked to a country after it (cue `alliance_links`), the
    clause's subject with the first one named after."""
    if c.kind not in kinds_with("alliance") or not _pattern(
            r"\s+{alliance_links}\s").match(c.text[c.hit.end():]):
        return r
    subject = [x for x in r.mentions if x.end <= c.at and c.start <= x.start][:1]
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


def read_undirected(c: Clause) -> tuple[list[Pair] | None, list[str], str]:
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
            return list(r.pairs), steps, ""
    pairs, tail, reject = _clause_pairs(c, r)
    return pairs, steps + tail, reject


def _clause_pairs(c: Clause, r: Reading) -> tuple[list[Pair] | None, list[str], str]:
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
    if other is not None:
        countries[other] = Mention(0, 0, "", "group", (other,))
        steps.append("main-pair")
    if len(countries) > 3:
        return None, steps, f"{len(countries)} countries in one clause: too many to pair"
    lefts = {k for k, x in countries.items() if x.end <= c.at and x.start > 0}
    rights = {k for k, x in countries.items() if x.start >= c.at}
    if len(lefts) == 1 and len(rights) >= 2:
        # "spoke by phone with both X and Y": the subject with each, not X with Y.
        (a,) = lefts
        return [(countries[a], a, countries[b], b) for b in sorted(rights) if b != a], \
            steps + ["subject-each"], ""
    return [(countries[a], a, countries[b], b) for a, b in combinations(list(countries), 2)], \
        steps, ""


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
