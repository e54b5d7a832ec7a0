"""What a fact's sentence tells beyond its sides: status, date, place, label and topics."""

from __future__ import annotations

import re

from ..kinds import kinds_with
from ..records import Document, Place
from . import cues
from .clauses import clause_span as _clause
from .dates import find_dates
from .mentions import DocumentContext
from .sentences import Sentence
from .triggers import Hit

TOPICS = cues.words("topics")
TOPIC_PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in TOPICS) + r")\b", re.I)

_NEGATION = cues.pattern("negation")
_POSTPONED = cues.pattern("postponement")
_PLANNED = cues.pattern("planned")
_COMMITTED = cues.pattern("committed")
_SCHEDULED_AFTER = re.compile(rf"[^.;]{{0,40}}?\b{cues.alternation('scheduled_after')}\b")
_PENDING_AFTER = re.compile(rf"[^.;]{{0,40}}?\b{cues.alternation('pending_after')}\b")
_CONDITION = cues.pattern("conditions")
_CONSEQUENCE = cues.pattern("consequence")
_FUTURE_AFTER = re.compile(r"\b(?:next (?:week|month|year)|tomorrow|later this (?:week|month|year)|"
                          r"in the coming (?:days|weeks|months))\b(?!['’]s)", re.I)
_SOON_AFTER = re.compile(rf"\s+{cues.alternation('soon_after')}")


_PLACE_NP = re.compile(
    r"\b(?:in|at)\s+(?:the\s+)?((?:[A-Z][\w'’\-]*|of|the|de|di)(?:\s+(?:[A-Z][\w'’\-]*|of|the|"
    r"de|di))*)")


_APPOSITIVE_PLACE = re.compile(r",\s+((?:[A-Z][\w'’\-]*)(?:\s+[A-Z][\w'’\-]*){0,3})\s*[.;]?\s*$")


# An act refused or asked for in vain: "rejected calls to impose sanctions", "dismissed
# demands for aid". The act is not done, whatever its kind.
_REFUSED = re.compile(
    rf"\b{cues.alternation('refusal_verbs')}\s+(?:[\w'’-]+\s+){{0,3}}"
    rf"{cues.alternation('request_nouns')}\s+(?:to|for|of)\b", re.I)
# A ban on a friendly act: "prohibit all aid", "halted military cooperation". The ban is a
# sanction of its own; the act banned is negated.
_BANNED = re.compile(
    rf"\b{cues.alternation('ban_verbs')}(?:\s+{cues.alternation('ban_portions')})?"
    rf"(?:\s+{cues.alternation('ban_determiners')})?(?:\s+[\w'’-]+)?\s*$", re.I)
# A side's own refusal: "refused to commit to any direct assistance".
_REFUSAL = re.compile(
    rf"\b{cues.alternation('refusal_of_act')}\b(?!\s+{cues.alternation('refusal_not_of_act')}\b)",
    re.I)
_FRIENDLY = kinds_with("friendly")


def banned(sent: Sentence, m: Hit, kind: str) -> bool:
    """Whether the friendly act a trigger names is banned, halted or cut off ("prohibit all
    aid"): then the ban is the fact, a sanction, and the act banned is none."""
    if kind not in _FRIENDLY:
        return False
    lo = _clause(sent, m.start(), m.end())[0] - sent.start
    return bool(_BANNED.search(" ".join(sent.text[lo:m.start()].split()[-8:])))


# A hostile act only threatened: "threatened to shell Iraqi towns", "wants to attack", "to
# impose sanctions". The threat is the fact (CAMEO 13x), not the act. Only the act the threat
# governs: in "vowed to answer the tariffs that X imposed" the tariffs are X's own.
# The one threatened may stand between: "issued an ultimatum to Ecuador to halt attacks".
_THREATENED = re.compile(
    rf"\b{cues.alternation('threat_cues')}(?:\s+(?:today|again|now|on\s+\w+day|\w+ly)){{0,2}}"
    r"(?:\s+(?:to|on|for)\s+[\w'’-]+(?:\s+[\w'’-]+)?)?"
    r"\s+to\b(?:\s+[\w'’-]+)?\s*$", re.I)
_HOSTILE = kinds_with("threatened")


def threatened(sent: Sentence, m: Hit, kind: str) -> bool:
    """Whether the hostile act a trigger names is only threatened ("threatened to attack")."""
    if kind not in _HOSTILE:
        return False
    lo = _clause(sent, m.start(), m.end())[0] - sent.start
    return bool(_THREATENED.search(" ".join(sent.text[lo:m.start()].split()[-6:])))


# Criticism met, not made: "defended Iraq against Western criticism", "faced accusations".
# Not "rejected as a violation of its sovereignty": the rejecting is done by calling it one.
_RECEIVED = re.compile(
    rf"\b{cues.alternation('received_cues')}(?:\s+(?!as\b)[\w'’-]+){{0,2}}\s*$", re.I)
_ACCUSATIONS = kinds_with("accusation")


def received(sent: Sentence, m: Hit, kind: str) -> int | None:
    """Where the words start that make the criticism, protest or threat a trigger names one
    the sentence's subject meets rather than makes ("faced criticism", "amid protests"), as
    an offset into the document; None if they are not there. A side named before them is
    not its maker; one named after them may be ("dismissed Ethiopian criticism")."""
    if kind not in _ACCUSATIONS:
        return None
    lo = _clause(sent, m.start(), m.end())[0] - sent.start
    found = _RECEIVED.search(sent.text, lo, m.start())
    return sent.start + found.start() if found else None


def condition(sent: Sentence, m: Hit) -> str | None:
    """Whether a trigger's act is itself a condition ("unless the Kremlin closed its radar
    base": "condition"), is made conditional by one ("will withdraw its force unless ...",
    "if talks fail it would impose tariffs": "conditional"), or neither (None)."""
    lo, hi = (x - sent.start for x in _clause(sent, m.start(), m.end()))
    before = sent.text[lo:m.start()]
    cues_before = list(_CONDITION.finditer(" ".join(before.split()[-8:])))
    if cues_before:
        rest = cues_before[-1].string[cues_before[-1].end():]
        if not _CONSEQUENCE.search(rest) and "," not in rest:
            return "condition"
        return "conditional"  # "if the talks fail it would impose tariffs"
    if _CONDITION.search(sent.text[m.end():hi][:60]):
        return "conditional"
    return None


def threat_kind(kind: str, cond: str | None) -> str:
    """The kind of a fact once its condition is read: a hostile act made conditional on
    the other's deed is a threat (CAMEO 13x), any other act keeps its kind."""
    return _THREATENING[0] if cond == "conditional" and kind in _HOSTILE else kind


_THREATENING = kinds_with("threatening")
def refusal(sent: Sentence, m: Hit, kind: str) -> str | None:
    """The kind a side's own refusal of the act a trigger names gives beside the act negated
    ("has refused to commit to any direct assistance to", "refused to meet"): CAMEO and
    PLOVER code such a refusal as a rejection (12x). None where there is no refusal."""
    if kind in _REFUSING:
        return None
    lo = _clause(sent, m.start(), m.end())[0] - sent.start
    window = " ".join(sent.text[lo:m.start()].split()[-8:])
    return _REFUSING[0] if _REFUSAL.search(window) else None


_REFUSING = kinds_with("refusing")
_SAID_IS_DONE = kinds_with("said-is-done")
_SPOKEN = kinds_with("speech")
_STANDING = kinds_with("standing")
_ENCOUNTERS = kinds_with("encounter")
_LOCATED = kinds_with("located")
_HOSTED = kinds_with("hosted")
_LEADS_ON = kinds_with("leads-on")


# "hinted at lifting sanctions": an undoing only floated.
_HEDGED_UNDOING = re.compile(rf"\b{cues.alternation('hedges')}\s+(?:[\w'’-]+\s+)?"
                             rf"{cues.alternation('undoing')}\b", re.I)
# "has never condemned Russia's invasion": the negation is the condemnation's; the act owned
# by another, named after the negated verb, still happened.
_OTHERS_ACT = re.compile(r"\b\w+(?:ed|en)\s+(?:the\s+)?(?:[\w.-]+\s+){0,3}?"
                         r"(?:[\w.-]+['’]s|[A-Z][\w-]+)(?:\s+[\w-]+)?\s*$")


def _negated(window: str) -> bool:
    """Whether the last words before a trigger deny or undo it."""
    near = " ".join(window.split()[-5:])
    found = list(_NEGATION.finditer(near))
    if found and not _OTHERS_ACT.search(near[found[-1].end():]) and not (
            _HEDGED_UNDOING.search(window) and re.fullmatch(
                cues.alternation("undoing"), found[-1].group(0), re.I)):
        return True
    return bool(_POSTPONED.search(window) and not _HEDGED_UNDOING.search(window))


def fact_status(sent: Sentence, m: Hit, kind: str) -> str:
    """occurred, planned or negated, from the words of the trigger's clause before it."""
    lo = _clause(sent, m.start(), m.end())[0] - sent.start
    before = sent.text[lo:m.start()]
    window = " ".join(before.split()[-8:])
    if _negated(window) or _REFUSED.search(window) or _REFUSAL.search(window):
        return "negated"
    after = sent.text[m.end():m.end() + 60]
    if _PENDING_AFTER.match(after):
        return "planned"  # "the agreement is yet to be finalized"
    if kind in _SAID_IS_DONE:
        # The agreeing, inviting, threatening itself happened. A deed still ahead ("will sign a
        # trade deal", "plans to invite") is planned; a threat or refusal is made in the
        # future tense ("would have serious consequences", "would stay despite pressure").
        near = " ".join(window.split()[-5:])
        return "planned" if kind not in _SPOKEN and _PLANNED.search(near) else "occurred"
    if _SCHEDULED_AFTER.match(after):
        return "planned"
    # A commitment made is itself the fact for standing relations ("pledged to continue our
    # cooperation"); for acts ("pledged to continue aid") it is the act, still to come.
    committed = kind in _STANDING and _COMMITTED.search(before)
    if _PLANNED.search(window) and not committed:
        return "planned"
    if kind in _ENCOUNTERS and _SOON_AFTER.match(after):
        return "planned"
    hi = _clause(sent, m.start(), m.end())[1] - sent.start
    if kind in _ENCOUNTERS and _FUTURE_AFTER.search(sent.text[m.end():hi][:50]) and \
            not re.search(r"(?:ed|ld|met|came|went)\s*$", sent.text[lo:m.end()]):
        return "planned"  # "is visiting Uganda next week"
    if _CONDITION.search(window) or _CONDITION.search(sent.text[m.end():hi][:60]):
        # "would impose sanctions if it resumed enrichment", "if Israel attacks Iran": an
        # act under a condition is not done, whatever tense it is told in.
        return "planned"
    return "occurred"


def fact_date(sent: Sentence, dates: list, m: Hit, kind: str, status: str,
               event_date: str | None, published: str | None = None) -> str | None:
    """The date of the act a trigger names: the nearest date in its clause that modifies it.

    Not a date owned by a noun ("yesterday's vote"), not the date of an act the trigger
    leads to ("invited him to visit on 24 October" was invited on the day reported), and
    not a coarser date than the report's own ("this year") unless nothing finer is said.
    """
    lo, hi = _clause(sent, m.start(), m.end())
    lo, hi = lo - sent.start, hi - sent.start
    nested = re.search(r"\bto\s+(?:visit|attend|come|travel|hold|meet)\b",
                       sent.text[m.end():hi]) if kind in _LEADS_ON else None
    if nested:
        hi = m.end() + nested.start()
    usable = [d for d in dates if lo <= d.start and d.end <= hi
              and sent.text[d.end:d.end + 2] not in ("'s", "’s")]
    if event_date and len(event_date) == 10 and status != "planned":
        # "this year", "next month": vaguer than the day reported, unless the act is to come.
        # Not "last week", "last month": a time before the day reported, not around it.
        usable = [d for d in usable if d.precision == 10 or not re.match(
            r"(?i)(?:this|next|earlier|later)\b", d.text)]
    if not usable:
        # No date in the clause: one elsewhere in the sentence ("in December, when Morocco
        # agreed …"), but not a dateline's, which dates the report.
        usable = [d for d in dates if not _DATELINE_DATE.match(sent.text[d.end:d.end + 12])
                  and sent.text[d.end:d.end + 2] not in ("'s", "’s")
                  and (d.precision == 10 or status == "planned" or not re.match(
                      r"(?i)(?:this|next|last|earlier|later)\b", d.text))]
    if not usable:
        return event_date
    best = min(usable, key=lambda d: abs(d.start - m.start()))
    if status == "planned" and published and len(published) == 10 and \
            _PRESENT_FUTURE.search(" ".join(sent.text[lo:m.start()].split()[-8:])):
        # "will travel to Sri Lanka on Tuesday" is ahead of the day it is said on, whatever
        # past day the report is about ("… met on Tuesday" later in a Wednesday readout).
        event_date = max(event_date or published, published)
    if best.inferred and event_date and len(event_date) == 10:
        # "on Monday", "in January" name the nearest such day: ahead for what is planned
        # ("will be received on Monday"), behind for what happened.
        if status == "planned" and best.value < event_date[:len(best.value)] and \
                _after_plan(sent.text, best.start):
            return best.shifted(forward=True)
        # Behind the day of writing, not the report's first date: "voted on Tuesday … rejected
        # it on Wednesday" in a Sunday story are both of the week just past.
        written = published if published and len(published) == 10 else event_date
        if status != "planned" and best.value > written[:len(best.value)]:
            return best.shifted(forward=False)
    return best.value


# The future told from the day of writing, not reported from a past day ("would", "planned").
_PRESENT_FUTURE = re.compile(r"(?i)\b(?:will|shall|'ll|(?:is|are) (?:due |set |scheduled |"
                             r"expected |slated )?to|plans? to|intends? to)\b")


def _after_plan(text: str, at: int) -> bool:
    """Whether a date at `at` follows the words that put an act ahead ("will meet on
    Friday"); one before them dates the saying ("said on Tuesday it will impose")."""
    return any(p.start() < at for p in _PLANNED.finditer(text))


_DATELINE_DATE = re.compile(r"\s*(?:\(|--|—|–\s)")


def report_date(doc: Document, sentences: list[Sentence]) -> str | None:
    """The date of the events a report is about: the first full date it gives, else its date."""
    for sent in sentences[:3]:
        for d in find_dates(sent.text, doc.date):
            if d.inferred == "week" and _after_plan(sent.text, d.start):
                # "will convene a meeting on Friday": the day of an act to come, read as the
                # past Friday, would date the whole report a week early.
                continue
            if len(d.value) == 10 and (not doc.date or d.value <= doc.date) and \
                    sent.text[d.end:d.end + 2] not in ("'s", "’s"):
                return d.value
    return doc.date


def fact_location(ctx: DocumentContext, i: int, sent: Sentence, m: Hit,
              kind: str) -> Place | None:
    if kind not in _LOCATED:
        return None
    places = [x for x in ctx.mentions[i] if x.locative and x.how in ("capital", "seat", "name")]
    if places:
        nearest = min(places, key=lambda x: abs(x.start - sent.start - m.start()))
        return Place(nearest.text, nearest.country)
    for np in _PLACE_NP.finditer(sent.text):
        name = np.group(1).strip()
        name = re.sub(r"\s+(?:of|the|de|di)$", "", name)
        if not name or name.split()[0] in _NOT_PLACES or len(name) < 3:
            continue
        inside = [x for x in ctx.mentions[i] if sent.start + np.start(1) <= x.start
                  < sent.start + np.end(1) and x.how in ("name", "capital")]
        return Place(name, inside[0].country if inside else None)
    if kind in _HOSTED:
        ap = _APPOSITIVE_PLACE.search(sent.text)
        if ap and ap.group(1).split()[0] not in _NOT_PLACES:
            return Place(ap.group(1), None)
    return None


_NOT_PLACES = set(cues.words("not_places"))
_LABEL_WORD = re.compile(cues.alternation("label_words"), re.I)
_LABEL_NAME = re.compile(
    rf"\b(?:the|a|an)\s+((?:[A-Z][\w\-+]*\s+){{1,6}}{cues.alternation('label_heads')})")


def relation_label(text: str, m: Hit) -> str | None:
    """The relation's own name: a quoted or capitalised phrase around the trigger."""
    quoted = re.search(r"[\"“‘']([^\"”’']{3,80})[\"”’']", text)
    word = m.group(0).lower()
    if quoted and _LABEL_WORD.search(quoted.group(1)):
        label = quoted.group(1).strip().rstrip(",")
        return re.sub(r"\bpartners\b", "partnership", label)
    if word.startswith("partner"):
        before = re.search(r"((?:[a-z\-]+\s+){0,3})" + re.escape(m.group(0)) + "$",
                           text[:m.end()])
        mods = before.group(1).split() if before else []
        keep = [w for w in mods if w.lower() in _PARTNER_MODS]
        if keep:
            return " ".join(keep + ["partnership"])
    cap = _LABEL_NAME.search(text)
    if cap:
        return cap.group(1).strip()
    return None


_PARTNER_MODS = set(cues.words("partner_modifiers"))
