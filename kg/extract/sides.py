"""Who acts on whom: a table of named rules over the dependency parse of a candidate sentence.

A candidate is a sentence with a trigger and at least one acting country mention. It is
frozen into a `Candidate` record (the sentence, the trigger, its roles, the mentions and the
parse as `Token` records) and read by the rules of `RULES` in order: the first rule that
recognises the trigger's roles in the parse (the agent of a passive, a possessor, a subject and
an object, ...) decides the sides, and its name goes with the fact (`Fact.rule`, and `kg
extract --explain`). Where none applies, or no parse was made (`Extractor(parse=False)`), the
word-order rules of the extractor decide, named `order-*` (`OTHER_RULES`), with the steps of
kg/extract/order.py; the candidates the extractor drops are named by `REJECTING_RULES`.

A rule sees only the record: it returns the sides (`Sides`), or None to let the next rule
read the sentence. The parser's relations are Universal Dependencies' (`nsubj:pass`,
`obl:agent`, `nmod:poss`, ...), read from kg's own parser (`sentences.parser()`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..kinds import kinds_with
from .mentions import Mention
from .triggers import Hit


@dataclass(frozen=True)
class Token:
    """One parsed word: offsets into its sentence, Penn tag, UD relation, index of its head."""

    i: int
    start: int
    end: int
    text: str
    tag: str
    dep: str
    head: int


@dataclass(frozen=True)
class Candidate:
    """A sentence with a trigger and the acting country mentions around it."""

    text: str  # the sentence
    offset: int  # where the sentence starts in its document
    kind: str
    directed: bool
    roles: str  # the trigger's roles (kg/data/triggers.yaml): forward, backward, ...
    hit: Hit  # the trigger, offsets into the sentence
    mentions: tuple[Mention, ...]  # acting country mentions, document offsets, text order
    tokens: tuple[Token, ...] = ()  # the parse; empty when the sentence was not parsed


@dataclass(frozen=True)
class Sides:
    """What a rule decided: its name and the mentions on each side (for undirected kinds,
    every pair of different countries among `sources` + `targets` when `pairwise`)."""

    rule: str
    sources: tuple[Mention, ...]
    targets: tuple[Mention, ...]
    pairwise: bool = False
    reject: str = ""  # why the candidate is no fact at all, where the rule says so


@dataclass(frozen=True)
class Rule:
    name: str
    read: Callable[[Candidate], Sides | None]
    doc: str


# -- reading the parse -------------------------------------------------------------------------
# Words that hang on a noun without changing who it stands for: "Kenya's ambassador", "the
# Sudanese ministry", "President Xi Jinping", "the foreign ministers of Chile".
_CLIMB = {"amod", "compound", "flat", "flat:name", "nmod:poss", "nmod:desc", "appos", "det",
          "nummod", "nmod:npmod", "nmod:unmarked"}
_FUNCTION = {"case", "aux", "aux:pass", "det", "mark", "cop", "punct", "cc", "advmod"}
# Verbs a trigger noun is the object of, whose subject is the act's: "held talks", "paid a
# visit", "imposed sanctions", "expressed support".
_LIGHT_DEPS = {"obj", "xcomp", "obl", "nsubj:pass"}
_LIGHT_VERBS = set("""
hold holds held holding pay pays paid paying make makes made making have has had having
impose imposes imposed imposing express expresses expressed expressing give gives gave given
giving take takes took taken taking sign signs signed signing launch launches launched
launching conduct conducts conducted conducting issue issues issued issuing announce announces
announced announcing extend extends extended extending offer offers offered offering provide
provides provided providing deliver delivers delivered delivering lodge lodges lodged lodging
file files filed filing reiterate reiterates reiterated reiterating reaffirm reaffirms
reaffirmed reaffirming voice voices voiced voicing level levels leveled levelled leveling
slap slaps slapped slapping begin begins began begun start starts started continue continues
continued resume resumes resumed exchange exchanges exchanged conclude concludes concluded
reach reaches reached renew renews renewed pledge pledges pledged send sends sent tighten
tightens tightened step stepped stepping carry carried carries carrying
""".split())
_SUBJECTS = ("nsubj", "nsubj:outer")
_TOWARDS = {"with", "to", "on", "against", "for", "toward", "towards", "into", "from", "at",
            "of", "over"}


def _children(tokens: tuple[Token, ...], head: int) -> tuple[Token, ...]:
    return _dependents(tokens).get(head, ())


# The last parse's dependents by head: the rules ask for a word's children many times over
# the same sentence (kept as a pair, replaced whole, as `_LAST` below).
_DEPENDENTS: tuple[tuple[Token, ...] | None, dict[int, tuple[Token, ...]]] = (None, {})


def _dependents(tokens: tuple[Token, ...]) -> dict[int, tuple[Token, ...]]:
    global _DEPENDENTS
    last, found = _DEPENDENTS
    if last is tokens:
        return found
    grouped: dict[int, list[Token]] = {}
    for t in tokens:
        if t.head != t.i:
            grouped.setdefault(t.head, []).append(t)
    found = {head: tuple(children) for head, children in grouped.items()}
    _DEPENDENTS = (tokens, found)
    return found


def _case(tokens: tuple[Token, ...], tok: Token) -> str | None:
    for child in _children(tokens, tok.i):
        if child.dep == "case":
            return child.text.lower()
    return None


def _trigger_token(c: Candidate) -> Token | None:
    """The syntactic head of the trigger's words: "held" of "held talks", "invited" of "was
    invited by"."""
    lo, hi = c.hit.start(), c.hit.end()
    inside = [t for t in c.tokens if t.start < hi and t.end > lo]
    span = {t.i for t in inside}
    heads = [t for t in inside if (t.head not in span or t.head == t.i)
             and t.dep not in _FUNCTION]
    return heads[0] if heads else (inside[0] if inside else None)


def _mention_token(c: Candidate, m: Mention) -> Token | None:
    """The word a mention hangs from the rest of the sentence by."""
    lo, hi = m.start - c.offset, m.end - c.offset
    inside = [t for t in c.tokens if t.start < hi and t.end > lo]
    span = {t.i for t in inside}
    # The parser may leave a name's last words as a root of their own ("Xi Jinping"): a
    # word attached outside the mention tells its role first.
    attached = [t for t in inside if t.head not in span]
    roots = [t for t in inside if t.head == t.i]
    return (attached or roots or [None])[-1]


def _anchor(c: Candidate, tok: Token, stop: set[int]) -> Token:
    """Climb from a mention's word through the words that only describe a noun, to the noun
    that plays a role ("Kenya" → "ambassador" in "Kenya's ambassador was summoned")."""
    seen = set()
    while tok.dep in _CLIMB or tok.dep == "nmod" and _case(c.tokens, tok) == "of" and (
            c.tokens[tok.head].text.lower() in _STANDS_FOR or c.tokens[tok.head].tag == "NNP"):
        if tok.head in stop or tok.head == tok.i or tok.head in seen:
            break
        seen.add(tok.i)
        tok = c.tokens[tok.head]
    return tok


@dataclass(frozen=True)
class _Role:
    mention: Mention
    dep: str  # its relation to the predicate (after conjunctions: the first conjunct's)
    head: int  # the predicate word it depends on
    case: str | None  # its preposition
    conjoined: bool


def _roles(c: Candidate, predicates: Iterable[int]) -> list[_Role]:
    """Each mention's relation to one of the predicate words, if it has one."""
    preds = set(predicates)
    found = []
    own = {m.start: _mention_token(c, m) for m in c.mentions}
    anchors = {m.start: _anchor(c, tok, preds) for m in c.mentions
               if (tok := own[m.start]) is not None}
    for m in c.mentions:
        if m.start not in anchors:
            continue
        tok = anchors[m.start]
        if any(a.i == tok.i and set(x.countries) != set(m.countries)
               for x in c.mentions if x is not m and (a := anchors.get(x.start)) is not None) \
                and own[m.start] is not tok:
            # Two countries climbed to one word: the parse ran two names together ("Shigeru
            # Ishiba, Philippine President Ferdinand Marcos"); the word's own name holds it.
            continue
        conjoined = False
        seen = set()
        while tok.dep == "conj" and tok.head not in preds and tok.head not in seen:
            seen.add(tok.i)
            conjoined = True
            tok = _anchor(c, c.tokens[tok.head], preds)
        if tok.head in preds and tok.head != tok.i:
            found.append(_Role(m, tok.dep, tok.head, _case(c.tokens, tok), conjoined))
    return found


@dataclass(frozen=True)
class _Frame:
    trigger: Token
    verbs: tuple[int, ...]  # the trigger and the verbs it completes ("held" of "held talks")
    roles: tuple[_Role, ...]

    def of(self, *deps: str, at: int | None = None) -> tuple[Mention, ...]:
        return tuple(r.mention for r in self.roles
                     if r.dep in deps and (at is None or r.head == at))

    def obliques(self, cases: set[str], at: int | None = None) -> tuple[Mention, ...]:
        return tuple(r.mention for r in self.roles if r.dep in ("obl", "nmod", "obl:arg")
                     and r.case in cases and (at is None or r.head == at))

    def slots(self, c: Candidate, cases: set[str], at: int | None = None) -> list[Token]:
        """Words the predicates point to through these prepositions, countries or not."""
        heads = {at} if at is not None else set(self.verbs)
        return [t for t in c.tokens if t.head in heads and t.head != t.i
                and t.dep in ("obl", "nmod", "obl:arg") and _case(c.tokens, t) in cases]

    @property
    def passive(self) -> bool:
        return any(r.dep in ("nsubj:pass", "obl:agent") for r in self.roles)


# The last candidate's frame: every rule of `decide` reads the same candidate, whose frame is
# made once (a pair, replaced whole, so that a reader never mixes two candidates).
_LAST: tuple[Candidate | None, _Frame | None] = (None, None)


def _frame(c: Candidate) -> _Frame | None:
    global _LAST
    last, frame = _LAST
    if last is c:
        return frame
    frame = _make_frame(c)
    _LAST = (c, frame)
    return frame


def _make_frame(c: Candidate) -> _Frame | None:
    if not c.tokens:
        return None
    trig = _trigger_token(c)
    if trig is None:
        return None
    # Every word of the trigger is a predicate: "talks" of "held talks with".
    lo, hi = c.hit.start(), c.hit.end()
    verbs = [t.i for t in c.tokens if t.start < hi and t.end > lo]
    tok = trig
    # "agreed to hold talks with", "paid a visit to": the verbs whose subject is the act's.
    for _ in range(2):
        if tok.dep not in _LIGHT_DEPS or tok.head == tok.i:
            break
        if tok.dep == "xcomp" and any(t.dep in ("obj", "iobj")
                                      for t in _children(c.tokens, tok.head)):
            break  # "urged Japan to impose sanctions": the one urged would act
        if tok.dep != "xcomp" and c.tokens[tok.head].text.lower() not in _LIGHT_VERBS:
            break  # "discussed the tariffs": who discusses an act is not its agent
        tok = c.tokens[tok.head]
        verbs.append(tok.i)
    # "met X and signed a deal": a second verb shares the first's subject.
    if trig.dep == "conj" and not any(t.dep in _SUBJECTS + ("nsubj:pass",)
                                      for t in _children(c.tokens, trig.i)):
        verbs.append(trig.head)
    return _Frame(trig, tuple(dict.fromkeys(verbs)), tuple(_roles(c, verbs)))


def _subtree(c: Candidate, tok: Token) -> list[Token]:
    inside, todo = {tok.i}, [tok.i]
    while todo:
        for child in _children(c.tokens, todo.pop()):
            if child.i not in inside:
                inside.add(child.i)
                todo.append(child.i)
    return [t for t in c.tokens if t.i in inside]


def _no_country(c: Candidate, slots: list[Token]) -> bool:
    """Whether each of these words is a common noun that names no country ("met with
    farmers"): what the act is aimed at is no country."""
    if not slots:
        return False
    for slot in slots:
        if slot.tag not in ("NN", "NNS") or not slot.text.islower():
            return False
        # A country named before the noun may describe it ("his Japanese counterpart"); one
        # after it, through a preposition, only where the people are from ("farmers from
        # Paraguay").
        lo, hi = min(t.start for t in _subtree(c, slot)), slot.end
        if any(m.start - c.offset < hi and m.end - c.offset > lo for m in c.mentions):
            return False
    return True


def _is_noun(tok: Token) -> bool:
    return tok.tag.startswith("NN")


def _oriented(c: Candidate, rule: str, agent: tuple[Mention, ...],
              patient: tuple[Mention, ...]) -> Sides | None:
    """Agent and patient as source and target, by the trigger's roles ("hosted" and "was
    received by" name the guest, the source of a visit, as their patient)."""
    # Both sides one country ("Chile's support for its farmers") is still the parse's
    # reading: the extractor drops it, or aims a recall or threat at the report's other side.
    if not agent or not patient:
        return None
    if c.roles == "backward":
        if not _PASSIVE_TRIGGER.search(c.hit.group(0)):
            agent, patient = patient, agent
    elif c.roles != "forward":
        return None
    return Sides(rule, agent, patient)


# A trigger that holds its own passive ("was summoned by", "invitation from"): its roles
# already name the agent as the source.
_PASSIVE_TRIGGER = re.compile(r"^(?:was|were|been|being|is|are|had been|has been)\b|"
                              r"\b(?:by|from)$", re.I)


def _apart(a: tuple[Mention, ...], b: tuple[Mention, ...]) -> bool:
    return any(set(x.countries) - set(y.countries) or set(y.countries) - set(x.countries)
               for x in a for y in b)


# -- the rules ---------------------------------------------------------------------------------
def visiting_guest(c: Candidate) -> Sides | None:
    """ "Blinken assured visiting Australian Foreign Minister Marise Payne": the one
    "visiting" describes is the guest; the host is where it happens, else the subject."""
    if c.kind not in kinds_with("travel") or c.hit.group(0).lower() != "visiting":
        return None
    after = [m for m in c.mentions if m.start - c.offset >= c.hit.end()]
    if not after or c.text[c.hit.end():after[0].start - c.offset].strip() or \
            after[0].how not in ("person", "title", "demonym"):
        return None
    guest = after[0]
    others = [m for m in c.mentions if m is not guest and _apart((m,), (guest,))
              and not set(m.countries) & set(guest.countries)]
    hosts = [m for m in others if m.locative] or [
        m for m in others if m.end - c.offset <= c.hit.start()]
    return Sides("visiting-guest", (guest,), tuple(hosts[:1])) if hosts else None


def passive_agent(c: Candidate) -> Sides | None:
    """ "Kenya's envoy was summoned by the Sudanese ministry": the agent after "by" acts on
    the passive's subject."""
    f = _frame(c)
    if f is None or not c.directed:
        return None
    agent, patient = f.of("obl:agent", at=f.trigger.i), f.of("nsubj:pass", at=f.trigger.i)
    if agent and not patient and _no_country(c, [t for t in _children(c.tokens, f.trigger.i)
                                                 if t.dep == "nsubj:pass"]):
        # "many other democracies have been threatened by China": no country is acted on.
        return Sides("passive-agent", (), (), reject="the one acted on is no country")
    return _oriented(c, "passive-agent", agent, patient)


def passive_no_agent(c: Candidate) -> Sides | None:
    """ "Kenya's envoy was summoned": no agent is named, so nobody named in the sentence is the
    source (the extractor may fill the report's other side, `+other-side`)."""
    f = _frame(c)
    if f is None or not c.directed or c.roles != "forward" or _is_noun(f.trigger):
        return None
    subject = f.of("nsubj:pass", at=f.trigger.i)
    if f.of("obl:agent") or f.obliques({"by"}):
        return None
    if not subject and _no_country(c, [t for t in _children(c.tokens, f.trigger.i)
                                        if t.dep == "nsubj:pass"]):
        # "The shelling of Ukraine must be condemned": what is condemned is no country.
        return Sides("passive-no-agent", (), ())
    if not subject:
        return None
    return Sides("passive-no-agent", (), subject)


def agent_of_noun(c: Candidate) -> Sides | None:
    """ "a visit by Chinese President Xi Jinping to Serbia", "an invitation from President
    Tinubu to President Mahama": the one after "by" or "from" acts."""
    f = _frame(c)
    if f is None or not c.directed or not _is_noun(f.trigger):
        return None
    at = f.trigger.i
    agent = f.obliques({"by", "from"}, at=at)
    patient = f.obliques(_TOWARDS - {"from"}, at=at) or f.of("obj", at=at)
    if agent and not patient:
        # "a visit by Modi to Malaysia": the parser may hang the destination on the agent.
        heads = [r.head for r in _roles(c, [at]) if r.mention in agent]
        words = [t.i for t in c.tokens if t.head == at and t.dep in ("nmod", "obl")
                 and _case(c.tokens, t) in ("by", "from")]
        patient = tuple(r.mention for r in _roles(c, words) if r.case in _TOWARDS - {"from"}
                        and r.mention not in agent) if heads else ()
    return _oriented(c, "agent-of-noun", agent, patient)


def possessor(c: Candidate) -> Sides | None:
    """ "Russia's invasion of Ukraine", "Canberra's support for Kyiv": the owner acts on the
    one its act is aimed at."""
    f = _frame(c)
    if f is None or not c.directed or not _is_noun(f.trigger):
        return None
    at = f.trigger.i
    # "Russia's invasion of Ukraine", and "the Russian invasion of Ukraine" likewise
    owner = f.of("nmod:poss", at=at) or tuple(
        r.mention for r in f.roles if r.dep == "amod" and r.head == at
        and r.mention.how == "demonym")
    aimed = f.obliques(_TOWARDS - {"from"}, at=at)
    return _oriented(c, "possessor", owner[-1:], aimed)


_PRONOUNS = {"its", "their", "his", "her", "our", "my", "your", "whose"}


def owner_no_country(c: Candidate) -> Sides | None:
    """ "the militia's attack on Kenya", "the company's investment in Vietnam": the act's owner
    is named and is no country, so no country did it."""
    f = _frame(c)
    if f is None or not c.directed or c.roles != "forward" or not _is_noun(f.trigger):
        return None
    owners = [t for t in _children(c.tokens, f.trigger.i) if t.dep == "nmod:poss"]
    if not owners or f.of("nmod:poss", at=f.trigger.i) or f.obliques({"by"}):
        return None
    owner = owners[-1]
    words = {t.text.lower() for t in c.tokens if t.i == owner.i or t.head == owner.i}
    if owner.text.lower() in _PRONOUNS or words & _BODIES or owner.tag in ("PRP", "PRP$"):
        return None  # "its support", "the ministry's protest": a government may stand behind
    if any(m.start - c.offset <= owner.start < m.end - c.offset for m in c.mentions):
        return None
    return Sides("owner-no-country", (), (), reject="the act's owner is named and is no country")


# Nouns "of" a country that stand for it ("the foreign ministers of Chile"), unlike acts
# ("the shelling of Ukraine").
_STANDS_FOR = {"minister", "ministers", "president", "presidents", "leader", "leaders", "king",
               "queen", "prince", "emir", "chancellor", "secretary", "envoy", "envoys",
               "ambassador", "ambassadors", "delegation", "delegations", "representative",
               "representatives", "officials", "official", "people", "citizens", "head",
               "heads", "chief", "government", "governments", "ministry", "authorities",
               "parliament", "army", "forces", "navy", "embassy", "side", "sides"}
# Government bodies that speak for a country left unnamed ("the ministry's protest").
_BODIES = {"ministry", "government", "office", "presidency", "embassy", "cabinet", "department",
           "spokesman", "spokeswoman", "spokesperson", "junta", "authorities", "officials",
           "administration", "parliament", "army", "military", "navy", "forces", "minister",
           "president", "leader", "country", "nation", "state", "regime", "kremlin"}


_AUXILIARIES = {"have", "has", "had", "having", "is", "are", "was", "were", "be", "been",
                "being", "will", "would", "can", "could", "may", "might", "must", "shall",
                "should", "did", "does", "do"}


def modifier(c: Candidate) -> Sides | None:
    """ "exiled dissidents", "the sanctioned firms": a verb's participle describing a noun
    tells what was done to someone, at no time and by no one named: no fact."""
    f = _frame(c)
    if f is None or " " in c.hit.group(0).strip() or f.trigger.dep != "amod" or not (
            f.trigger.tag.startswith("VB") or f.trigger.text.lower().endswith(("ed", "ing"))):
        return None
    # Only after a word that opens a noun phrase ("the", "two", "of", "expel"): elsewhere
    # ("Estonia condemned", "strongly condemned", "to expel") a misread verb.
    before = c.tokens[f.trigger.i - 1] if f.trigger.i else None
    if before is None or not (before.tag in ("DT", "CD", "IN", "PRP$", "JJ")
                              or before.tag.startswith("VB")) or \
            before.text.lower() in _AUXILIARIES or before.dep in ("aux", "aux:pass"):
        return None  # "have tortured", misread
    return Sides("modifier", (), (), reject="the trigger word only describes a noun")


def subject_object(c: Candidate) -> Sides | None:
    """ "Kenya accused Sudan", "Japan hosted the Indian delegation": subject on object."""
    f = _frame(c)
    if f is None or f.passive:
        return None
    subject = f.of(*_SUBJECTS)
    obj = f.of("obj", "iobj", at=f.trigger.i)
    if not subject or not obj or not _apart(subject[:1], obj):
        return None  # "I thanked the Prime Minister for ...": the oblique may name the other
    if not c.directed:
        return None if _conjoined(f, subject) else Sides("subject-object", subject[:1], obj)
    return _oriented(c, "subject-object", subject[:1], obj)


def subject_oblique(c: Candidate) -> Sides | None:
    """ "India held talks with Japan", "Modi paid a visit to Malaysia", "sanctions on Iran":
    the subject of the act, on the one its preposition points to."""
    f = _frame(c)
    if f is None or f.passive or not c.directed:
        return None
    subject = f.of(*_SUBJECTS)
    aimed = f.obliques(_TOWARDS - {"from", "of"})
    if not aimed:
        aimed = tuple(r.mention for r in f.roles if r.dep == "nmod" and r.case == "of"
                      and r.head == f.trigger.i and _is_noun(f.trigger))
    return _oriented(c, "subject-oblique", subject[:1], aimed)


_SPEECH = {"said", "says", "say", "wrote", "writes", "added", "adds", "told", "stated",
           "declared", "insisted", "warned", "stressed", "argued", "noted"}


def speaker_of_quote(c: Candidate) -> Sides | None:
    """ '"This is an attack on Armenia," the Azerbaijani president said': the speaker acts,
    when the act names no subject of its own."""
    f = _frame(c)
    if f is None or c.kind not in kinds_with("quotable") or c.roles != "forward" or \
            f.of(*_SUBJECTS):
        return None  # "'This is an invasion of Ukraine,' the Polish president said"
    before = c.text[:c.hit.start()]
    if before.count('"') % 2 == 0 and before.count("“") <= before.count("”"):
        return None  # not inside a quotation
    tok = f.trigger
    for _ in range(4):
        if tok.head == tok.i or tok.i != f.trigger.i and any(
                t.dep in _SUBJECTS and t.i not in f.verbs for t in _children(c.tokens, tok.i)):
            return None  # a clause between with a subject of its own
        if tok.dep in ("ccomp", "parataxis") and c.tokens[tok.head].text.lower() in _SPEECH:
            break
        tok = c.tokens[tok.head]
    else:
        return None
    said = tok.head
    speaker = tuple(r.mention for r in _roles(c, [said]) if r.dep in _SUBJECTS
                    and r.mention.how in ("person", "title"))
    aimed = f.obliques(_TOWARDS - {"from", "of"}) or f.of("obj", at=f.trigger.i) or \
        f.obliques({"of"}, at=f.trigger.i)
    return _oriented(c, "speaker-of-quote", speaker[:1], aimed)


def between(c: Candidate) -> Sides | None:
    """ "talks between India and Pakistan", "a deal among Chile, Peru and Bolivia": the ones
    named after "between" are the sides, each with each."""
    f = _frame(c)
    if f is None or c.directed:
        return None
    named = tuple(r.mention for r in f.roles if r.case in ("between", "among"))
    if len({x for m in named for x in m.countries}) < 2:
        return None
    return Sides("between", named, (), pairwise=True)


def _conjoined(f: _Frame, subject: tuple[Mention, ...]) -> bool:
    return any(r.conjoined for r in f.roles if r.mention in subject) or \
        any(len(m.countries) >= 2 for m in subject)


def conjoined_subjects(c: Candidate) -> Sides | None:
    """ "Chile and Argentina signed a border treaty", "Both leaders agreed": the subjects are
    the sides, each with each (a third named after "with" joins them)."""
    f = _frame(c)
    if f is None or c.directed:
        return None
    subject = f.of(*_SUBJECTS)
    if not subject or not _conjoined(f, subject) or \
            len({x for m in subject for x in m.countries}) < 2:
        return None
    # "Russia and China are allies of Tehran", "... are U.S. allies": each is the third's ally,
    # not the other's.
    of = f.obliques({"of"}, at=f.trigger.i) or tuple(
        r.mention for r in f.roles if r.dep == "compound" and r.head == f.trigger.i
        and r.mention.how == "name")
    if of and _apart(subject, of):
        return Sides("conjoined-subjects", subject, of)
    return Sides("conjoined-subjects", subject + f.obliques({"with"}), (), pairwise=True)


_APPOSED = re.compile(r"\s*,\s*(?:a|an|the|its|their)?\s*(?:[\w'’-]+\s+){0,3}")


def apposition(c: Candidate) -> Sides | None:
    """ "Saudi Arabia, a close ally of Egypt": the country the trigger noun stands beside,
    with the one after "of" (not a country named earlier in the sentence)."""
    f = _frame(c)
    if f is None or c.directed or f.trigger.dep != "appos":
        return None
    # The name the phrase follows after its comma: the parser often hangs the apposition on
    # an earlier noun ("Turkey's efforts to improve ties with Saudi Arabia, a close ally").
    named = [m for m in c.mentions if _APPOSED.fullmatch(
        c.text[m.end - c.offset:f.trigger.start])]
    of = f.obliques({"of"}, at=f.trigger.i)
    if not named or not of or not _apart(tuple(named), of):
        return None
    return Sides("apposition", tuple(named[:1]), of)


def oblique_with(c: Candidate) -> Sides | None:
    """ "Kenya signed an agreement with Ethiopia", "Lula met with Xi": the subject with the one
    after "with" (each of them: "spoke with both X and Y")."""
    f = _frame(c)
    if f is None or c.directed:
        return None
    subject = f.of(*_SUBJECTS)
    partners = f.obliques({"with"})
    if subject and not partners and not _conjoined(f, subject) and \
            _no_country(c, f.slots(c, {"with"})):
        # "Lula met with soybean farmers from Paraguay": the ones met are no country.
        return Sides("oblique-with", subject[:1], ())
    if not subject or not partners or _conjoined(f, subject) or not _apart(subject, partners):
        return None
    return Sides("oblique-with", subject[:1], partners)


RULES: tuple[Rule, ...] = tuple(Rule(fn.__name__.replace("_", "-"), fn, (fn.__doc__ or "").strip())
                                for fn in (visiting_guest, modifier, passive_agent,
                                           passive_no_agent, agent_of_noun, possessor,
                                           owner_no_country,
                                           subject_object,
                                           subject_oblique, speaker_of_quote, between,
                                           apposition, conjoined_subjects, oblique_with))

# The extractor's word-order rules, used where no rule of `RULES` reads the parse (or without
# a parse): one per trigger role for directed kinds, one for undirected kinds.
OTHER_RULES = {
    "order-forward": "the subject before the trigger acts on the first country after it",
    "order-backward": "the one after the trigger acts on the subject before it ('hosted')",
    "order-host": "the host of the place named after the trigger ('invitation to visit X')",
    "order-possessive": "the country whose thing the act is aimed at ('violated X's airspace')",
    "order-deed": "the subject blames the country named in the complement ('accused Y of')",
    "order-undirected": "the countries of the trigger's clause, each with each",
}
# Why the extractor drops a candidate before or after its sides are read.
REJECTING_RULES = {
    "part-of-name": "the trigger word is part of a name ('the Support Fund')",
    "banned-act": "the act is banned or halted: the ban is the fact",
    "received-criticism": "the subject meets the criticism, it does not make it",
    "conditional-act": "the act is a condition set ('if Togo closes its border'), not done",
    "too-many-countries": "more than three countries in one clause: too many to pair",
    "partners-unnamed": "partners of no named country ('with allies')",
    "compound-no-pair": "a hyphenated word before talks names no pair ('high-level talks')",
    "unknown-person": "one country and a person the actor tables do not know: the report's "
                      "main pair does not fill the other side ('spoke with Prime Minister Rudd')",
}
# What may follow a rule's name after '+': a second step that filled a side.
SUFFIXES = {
    "other-side": "the report's other main country",
    "last-accuser": "whoever last accused the one denying",
    "urged": "those urged to act are the source",
    "relative-subject": "the noun before 'that' is the subject",
    "quote-speaker": "the speaker after a quotation",
    "and-to": "each one joined by 'and to' is acted on too",
    "meeting-place": "a meeting in one side's country: the other side visited it",
    "threatened-act": "the act is only threatened: a threat, with the act's sides",
    "conditional-threat": "a hostile act made conditional ('unless ...'): a threat",
    "refusal": "the act refused: a rejection, by the side refusing",
    "reciprocal": "two countries acting as one on themselves: each on the other",
}


def decide(c: Candidate) -> Sides | None:
    """The sides read by the first rule of `RULES` that applies, or None."""
    if not c.tokens:
        return None
    for rule in RULES:
        sides = rule.read(c)
        if sides is not None:
            return sides
    return None


def rule_names() -> tuple[str, ...]:
    """Every name a fact's or a rejection's rule may carry (before any '+' suffix)."""
    return tuple(r.name for r in RULES) + tuple(OTHER_RULES) + tuple(REJECTING_RULES)


@dataclass(frozen=True)
class Words:
    """A sentence as the parser reads it: each name of several words stands as one word."""

    words: tuple[str, ...]
    spaces: tuple[bool, ...]
    offsets: tuple[tuple[int, int], ...]  # of each word in the sentence

    def doc(self, nlp):  # type: ignore[no-untyped-def]
        from spacy.tokens import Doc

        return Doc(nlp.vocab, words=list(self.words), spaces=list(self.spaces))


_SUFFIXES = {"Jr.", "Jr", "Sr.", "Sr", "II", "III", "IV"}


def named_words(nlp, sent, mentions: Iterable[Mention],  # type: ignore[no-untyped-def]
                hits: Iterable[Hit]) -> Words:
    """The sentence's words, each mention of several words (but one holding a trigger) made
    one word: its last ("Indian Prime Minister Narendra Modi" → "Modi", "Turkey's
    president" → "president").

    Trained on the Web Treebank, the parser splits the long names of news ("Tanzanian
    President Samia Suluhu Hassan") into pieces with roles of their own; one word for the
    name keeps it whole, and the name's role is that word's.
    """
    text = sent.text
    busy = [(h.start(), h.end()) for h in hits]
    names = []
    for m in sorted(mentions, key=lambda x: x.start):
        lo, hi = m.start - sent.start, m.end - sent.start
        if " " not in m.text or any(a < hi and b > lo for a, b in busy) or \
                names and lo < names[-1][1]:
            continue
        names.append((lo, hi))
    words: list[str] = []
    offsets: list[tuple[int, int]] = []
    for tok in nlp.tokenizer(text):
        lo, hi = tok.idx, tok.idx + len(tok.text)
        name = next(((a, b) for a, b in names if a <= lo < b), None)
        if name is None or hi > name[1]:
            words.append(tok.text)
            offsets.append((lo, hi))
        elif not offsets or offsets[-1] != name:
            named = [w for w in text[name[0]:name[1]].split() if w not in _SUFFIXES]
            words.append(named[-1].strip(".,") if named else tok.text)
            offsets.append(name)
    spaces = [end < len(text) and text[end].isspace() for _, end in offsets]
    return Words(tuple(words), tuple(spaces), tuple(offsets))


def tokens_of(parsed, offsets: tuple[tuple[int, int], ...] | None = None  # type: ignore[no-untyped-def]
              ) -> tuple[Token, ...]:
    """A parsed spaCy `Doc` as frozen tokens; `offsets` place its words in the sentence
    (default: where the Doc's own text has them)."""
    return tuple(Token(t.i, *(offsets[t.i] if offsets else (t.idx, t.idx + len(t.text))),
                       t.text, t.tag_, t.dep_, t.head.i) for t in parsed)
