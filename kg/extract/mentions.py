"""Who acts in a sentence: countries, their officials, groups ("the two sides") and pronouns.

Mentions are found per document in two passes: the first reads titles with their names
("British Prime Minister Keir Starmer", "Liu Jinsong, director-general of the Chinese
ministry") and learns which country each named person acts for; the second finds those
names again wherever they recur ("Starmer", "Keir"), then resolves pronouns and bare titles.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from importlib import resources

from ..kinds import kinds_with
from ..records import Document
from . import cues
from .actors import Actors
from .clauses import _FRONTED, clause_span
from .gazetteer import FORM_KINDS, Gazetteer
from .sentences import Sentence

TITLE_WORDS = (
    rf"(?:{cues.alternation('title_modifiers')}\s+)?"
    rf"(?:{cues.alternation('title_ranks')}\s+)*"
    rf"{cues.alternation('titles')}"
)
_TITLE = re.compile(rf"\b{TITLE_WORDS}\b")
_NAME_WORD = r"[A-Z][\w'’.\-]*[\w.]"
_PARTICLE = cues.alternation("name_particles")
_HONORIFIC = cues.alternation("honorifics")
_NAME = re.compile(
    rf"(?:{_HONORIFIC}\s+)?"
    rf"{_NAME_WORD}(?:\s+(?:{_PARTICLE}\s+)*{_NAME_WORD}){{0,4}}"
)
_NOT_NAMES = set(cues.words("not_names"))
_GROUP = cues.pattern("groups")
_DATELINE = re.compile(
    r"(?:,\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d|\s*:|"
    r"\s*\((?:[A-Z][\w.]*\s*)+\)\s*[-–—])")
_PRONOUN = re.compile(r"\b(?:he|she|him|his|her)\b", re.IGNORECASE)
# "him", and "her" where no noun follows: an object, not the subject it would refer to.
_OBJECT_PRONOUN = re.compile(r"him|her", re.IGNORECASE)
_OBJECT_AFTER = re.compile(r"\s*(?:[,.;:!?]|$|(?:on|for|to|in|at|with|about|over|by|and|"
                           r"as|after|before|during)\b)")
# Between the one called and the pronoun: "Obama [on Friday] to congratulate him", "Scholz
# [on Monday] and thanked him" (not "Duque of backing an attempt to overthrow him").
_OBJECT_OF_NEXT = re.compile(r"\s+(?:(?:on|last|this)\s+\w+\s+)?(?:to|and)\s+\w+\s+")
_FIRST_PERSON = re.compile(r"\b(?:I|me|my|we|We|us|our|Our|ours)\b")
_SPEECH = cues.pattern("speech_verbs", ignore_case=False)
_SPEAKER_BEFORE = re.compile(rf"\b{cues.alternation('speaker_verbs_before')}\s+$")
_SPEAKER_AFTER = re.compile(rf"\s+{cues.alternation('speaker_verbs_after')}\b")
_QUOTED_SPEAKER = re.compile(
    rf"[\"”’]\s*,?\s*(?:(?:he|she)\s+{cues.alternation('quote_verbs')})\b")
_PRONOUN_SPEAKS = re.compile(rf"\s*{cues.alternation('quote_verbs')}\b")
_OFFICIAL = cues.pattern("official_words")
# Words before a mention that make it a place where something happens, not an actor.
_LOCATIVE = re.compile(
    rf"\b{cues.alternation('locative_words')}\b"
    rf"(?:\s+(?:{cues.alternation('locative_fillers')}|[A-Z][\w'’\-]*|\w+(?:'s|’s)))*\s*$",
)


@dataclass
class Mention:
    start: int
    end: int
    text: str
    how: str  # name, demonym, capital, seat, person, title, group, pronoun, first_person
    countries: tuple[str, ...] = ()
    person: str | None = None
    role: str | None = None
    locative: bool = False
    sentence: int = 0
    # False for a country named only as a modifier ("the Taiwan issue", "Indonesian
    # citizens", "one-China"): it names no government acting.
    acting: bool = True
    # True for a country the news names aside, as its source or an owner ("according to the
    # Canadian Press", "Iranian-made drones"): neither acting nor one the document is about.
    aside: bool = False

    @property
    def country(self) -> str | None:
        return self.countries[0] if len(self.countries) == 1 else None


@dataclass
class DocumentContext:
    """What a document tells of its actors, gathered before facts are read."""

    doc: Document
    sentences: list[Sentence]
    mentions: list[list[Mention]]  # per sentence, in text order
    publisher: str | None
    main_pair: tuple[str, ...]
    voice: Mention | None
    learned: dict[str, tuple[str, str | None, str]] = field(default_factory=dict)
    # Facts found so far, in order, for answers that point back ("a charge X denied").
    found: list = field(default_factory=list)

    def last_accuser(self, accused: tuple[str, ...]) -> Mention | None:
        """Whoever made the latest accusation against `accused` (all of them, if a list)."""
        for fact in reversed(self.found):
            if fact.kind in kinds_with("accusation") and \
                    fact.target.country in accused:
                sources = [f.source.country for f in self.found if f.span == fact.span
                           and f.kind == fact.kind and f.target.country in accused]
                return Mention(0, 0, "", "group", tuple(dict.fromkeys(sources)))
        return None


def _load_publishers() -> list[tuple[str, str]]:
    text = (resources.files("kg") / "data" / "publishers.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line.strip() and not line.startswith("#")]
    return [(p.lower(), c.strip()) for p, c in rows[1:]]


def publisher_country(doc: Document, actors: Actors,
                      publishers: list[tuple[str, str]]) -> str | None:
    """The country whose government speaks in the document, from its source or URL."""
    haystack = " ".join(x for x in (doc.source, doc.url) if x).lower()
    if not haystack:
        return None
    for pattern, iso3 in publishers:
        if pattern in haystack:
            return iso3
    host = re.match(r"(?:https?://)?([^/\s]+)", (doc.url or "").lower())
    if host:
        tld = host.group(1).rsplit(".", 1)[-1]
        iso2 = {"uk": "GB"}.get(tld, tld.upper())
        country = actors.by_iso2.get(iso2)
        if country and len(tld) == 2:
            return country.iso3
    return None


class MentionFinder:
    """Built once per process from the actor tables; `read` is called per document."""

    def __init__(self, actors: Actors):
        self.actors = actors
        self.gazetteer = Gazetteer(actors)
        self.publishers = _load_publishers()

    # -- pass one: gazetteer forms and titles ------------------------------------------
    def _gazetteer_mentions(self, sent: Sentence, index: int, date: str | None) -> list[Mention]:
        found = []
        for start, end, form, entries in self.gazetteer.find(sent.text):
            people = [e for e in entries if e.how == "person"]
            places = [e for e in entries if e.how != "person"]
            if places:
                entry = min(places, key=lambda e: FORM_KINDS.index(e.how))
                found.append(Mention(sent.start + start, sent.start + end, form, entry.how,
                                     (entry.iso3,), sentence=index))
            elif people:
                current = [e for e in people if e.term and e.term.held_on(date)] or people
                entry = current[0]
                term = self.actors.person(form, date)
                found.append(Mention(sent.start + start, sent.start + end, form, "person",
                                     (entry.iso3,), person=term.name if term else form,
                                     role=term.title if term and term.held_on(date) else None,
                                     sentence=index))
        return found

    def read(self, doc: Document, sentences: list[Sentence]) -> DocumentContext:
        publisher = publisher_country(doc, self.actors, self.publishers)
        learned: dict[str, tuple[str, str | None, str]] = {}  # name form → (iso3, role, full)
        per_sentence: list[list[Mention]] = []
        for i, sent in enumerate(sentences):
            base = self._gazetteer_mentions(sent, i, doc.date)
            titles = self._titles(sent, i, base, learned)
            per_sentence.append(_merge(base, titles))
        # Officials from the tables named in full are named later by a part of the name:
        # "Pham Minh Chinh" … "Chinh".
        for mentions in per_sentence:
            for m in mentions:
                if m.how == "person" and m.person and m.country and " " in m.person:
                    self._learn(learned, m.person, m.country, m.role)
        # pass two: names learned anywhere in the document, wherever they recur
        if learned:
            names = re.compile(r"(?<![\w'’])(?:" + "|".join(
                re.escape(n) for n in sorted(learned, key=len, reverse=True)) + r")(?![\w])")
            for i, sent in enumerate(sentences):
                extra = []
                for m in names.finditer(sent.text):
                    iso3, role, full = learned[m.group(0)]
                    extra.append(Mention(sent.start + m.start(), sent.start + m.end(),
                                         m.group(0), "person", (iso3,), person=full, role=role,
                                         sentence=i))
                per_sentence[i] = _merge(per_sentence[i], extra)
        for i, sent in enumerate(sentences):
            for m in per_sentence[i]:
                m.locative = m.how in ("name", "capital", "seat") and bool(
                    _LOCATIVE.search(doc.text[max(sent.start, m.start - 60):m.start])
                    or _CITY_OF.search(doc.text[max(sent.start, m.start - 60):m.start])
                    and _AFTER_PLACE.match(doc.text, m.end))
        for i, sent in enumerate(sentences):
            for m in per_sentence[i]:
                m.aside = _aside(doc.text, m)
                m.acting = not m.aside and _acting(doc.text, m)
                if m.start == sent.start and _DATELINE.match(doc.text, m.end):
                    m.locative = True  # "BEIJING, Feb. 10 (Agency) --": where it was written
        dateline = next((m.country for m in per_sentence[0] if m.start == sentences[0].start
                         and m.locative and m.country), None) if sentences else None
        self._resolve_titles(doc, per_sentence, publisher, dateline)
        main_pair = _main_pair(per_sentence, publisher)
        voice = _voice(sentences, per_sentence, publisher)
        ctx = DocumentContext(doc, sentences, per_sentence, publisher, main_pair, voice, learned)
        self._resolve_references(ctx)
        return ctx

    def _titles(self, sent: Sentence, index: int, known: list[Mention],
                learned: dict[str, tuple[str, str | None, str]]) -> list[Mention]:
        """Officials named by title: their country from a neighbouring demonym, "of X", or name."""
        text = sent.text
        out = []
        for m in _TITLE.finditer(text):
            role = re.sub(r"\s+", " ", m.group(0))
            role = role[0].upper() + role[1:]
            countries: tuple[str, ...] = ()
            start, end = m.start(), m.end()
            # "British Prime Minister", "Japan's Prime Minister", "his Angolan counterpart"
            # "British Prime Minister", "Japan's Prime Minister", "Israel's far-right
            # National Security Minister"
            before = [k for k in known if k.end - sent.start <= start
                      and (re.fullmatch(r"(?:\s*(?:'s|’s)?\s*(?:the\s+|and\s+\w+\s+)?)?",
                                        text[k.end - sent.start:start])
                           or re.fullmatch(r"(?:'s|’s)\s+(?:[\w-]+\s+){1,3}",
                                           text[k.end - sent.start:start])
                           or _RANK_WORDS.fullmatch(text[k.end - sent.start:start])
                           # "Republic of Korea (ROK) Minister of National Defense": the
                           # country's abbreviation in brackets between it and the title.
                           or re.fullmatch(r"\)\s+", text[k.end - sent.start:start]))
                      and k.how in ("name", "demonym")]
            if before:
                countries = before[-1].countries
                start = before[-1].start - sent.start
            after = text[end:]
            of = re.match(r"\s+of\s+(?:the\s+)?", after)
            if not countries and of:
                for k in known:
                    if k.start - sent.start == end + of.end() and k.how in ("name", "demonym"):
                        countries = k.countries
                        end = k.end - sent.start
                        after = text[end:]
                        break
            # "the German ambassador in Tehran, Markus Potzel,": the name after the post's place
            posted = re.match(r"\s+(?:in|to|at)\s+(?:the\s+)?[A-Z][\w'’\-]+(?=,\s+[A-Z])", after)
            unposted = (end, after)
            if posted:
                after = after[posted.end():]
                end += posted.end()
            name_match = re.match(r"[\s,]+" if re.match(r",\s+[A-Z]", after) else r"\s+", after)
            person = None
            if name_match:
                nm = _NAME.match(after, name_match.end())
                comma = "," in after[:name_match.end()]
                if nm and nm.group(0).split()[0].rstrip(".,") not in _NOT_NAMES \
                        and (not comma or len(nm.group(0).split()) >= 2):
                    name = nm.group(0).rstrip(".,")
                    span = len(name)
                    lo, hi = end + nm.start(), end + nm.start() + span
                    person_known = [k for k in known if k.how == "person"
                                    and lo <= k.start - sent.start < hi]
                    if person_known:
                        countries = countries or person_known[0].countries
                        name = person_known[0].person or name
                    gaz = [k for k in known if k.start - sent.start >= lo
                           and k.end - sent.start <= hi and k.how != "person"]
                    # "Prime Minister Georgia Meloni": a place name inside a longer name
                    # is part of the name.
                    if not gaz or person_known or len(name.split()) >= 2 and \
                            sum(k.end - k.start for k in gaz) < len(name) - 1:
                        person = name
                        end = end + nm.start() + span
            if posted and person is None:
                end, after = unposted
            if person and countries:
                self._learn(learned, person, countries[0], role)
            out.append(Mention(sent.start + start, sent.start + end, text[start:end], "title",
                               countries, person=person, role=_clean_role(role), sentence=index))
        # "Name, <apposition naming a country>": "Liu Jinsong, director-general of the Chinese
        # ministry", "Marta Lucía Ramírez, Colombia's Vice President"
        for m in re.finditer(rf"(?<![\w,])({_NAME.pattern}),\s+([^,.;]{{3,90}})[,.;]", text):
            name = m.group(1)
            if name.split()[0] in _NOT_NAMES or name in learned:
                continue
            inside = [k for k in known if m.start(2) <= k.start - sent.start < m.end(2)
                      and k.how in ("name", "demonym") and not k.locative]
            if inside and len(name.split()) >= 2 and _TITLE.search(m.group(2)) is None \
                    or inside and _OFFICIAL.search(m.group(2)):
                title = _TITLE.search(m.group(2))
                self._learn(learned, name, inside[0].countries[0],
                            _clean_role(title.group(0)) if title else None)
        return out

    def _learn(self, learned: dict[str, tuple[str, str | None, str]], name: str, iso3: str,
               role: str | None) -> None:
        name = re.sub(rf"^{_HONORIFIC}\s+", "", name)
        parts = name.split()
        forms = {name}
        if len(parts) >= 2:
            forms.add(parts[-1])
            forms.add(parts[0])
        for form in list(forms):
            # Names come with and without their accents: "Sánchez", "Sanchez".
            forms.add("".join(ch for ch in unicodedata.normalize("NFKD", form)
                              if not unicodedata.combining(ch)))
        for form in forms:
            if form in _NOT_NAMES or len(form) < 3:
                continue
            learned.setdefault(form, (iso3, _clean_role(role) if role else None, name))

    def _resolve_titles(self, doc: Document, per_sentence: list[list[Mention]],
                        publisher: str | None, dateline: str | None = None) -> None:
        """Bare titles: "The Prime Minister" in a gov.uk readout is the UK's; elsewhere the
        last official of that title named. Then each titled official gets their name from
        the office tables on the document's date ("the Japanese Prime Minister")."""
        last_by_title: dict[str, Mention] = {}
        for mentions in per_sentence:
            for m in mentions:
                if m.how == "title" and not m.countries:
                    key = _role_key(m.role)
                    bare = bool(re.match(r"(?i)the\s", doc.text[max(0, m.start - 4):m.start]))
                    if publisher and (bare or key in _HEAD_TITLES) and \
                            key not in _FOREIGN_TITLES and not (
                                publisher in _NO_HEAD_OF_GOVERNMENT and
                                _OFFICE_OF_ROLE.get(key) == "head_of_government"
                                or publisher in _FM_TITLED_OTHERWISE and
                                key == "foreign minister"):
                        m.countries = (publisher,)
                    elif key in last_by_title:
                        m.countries = last_by_title[key].countries
                        m.person = m.person or last_by_title[key].person
                    elif dateline and not publisher and key not in _FOREIGN_TITLES:
                        # "WARSAW (Reuters) - Interior Minister X said": the reporter is
                        # where the officials quoted without a country serve.
                        m.countries = (dateline,)
                if m.how == "title" and m.country and not m.person:
                    term = self._holder(m.country, m.role, doc.date)
                    if term is not None:
                        m.person = term.name
                if m.how in ("title", "person") and m.country and m.role:
                    last_by_title[_role_key(m.role)] = m

    def _holder(self, iso3: str, role: str | None, date: str | None):  # type: ignore[no-untyped-def]
        key = _role_key(role)
        if not key or not date:
            return None
        office = _OFFICE_OF_ROLE.get(key)
        candidates = [t for t in self.actors.by_country.get(iso3, ()) if t.held_on(date)]
        for term in candidates:
            if _role_key(term.title) == key:
                return term
        for term in candidates:
            if office and term.office == office:
                return term
        return None

    # -- pronouns, groups, bare titles --------------------------------------------------
    def _resolve_references(self, ctx: DocumentContext) -> None:
        recent: list[Mention] = []  # persons named so far, the latest last
        last_speaker: Mention | None = None
        text = ctx.doc.text
        for i, sent in enumerate(ctx.sentences):
            mentions = ctx.mentions[i]
            extra: list[Mention] = []
            last_person = recent[-1] if recent else None
            speaker = _sentence_speaker(sent, mentions, last_speaker or last_person) or ctx.voice
            occupied = [(m.start, m.end) for m in mentions]

            def free(s: int, e: int, occupied: list[tuple[int, int]] = occupied) -> bool:
                return all(e <= a or s >= b for a, b in occupied)

            for g in _GROUP.finditer(sent.text):
                s, e = sent.start + g.start(), sent.start + g.end()
                if not free(s, e) or len(ctx.main_pair) != 2:
                    continue
                countries = ctx.main_pair
                named_before = {c for m in mentions if m.end <= s for c in m.countries}
                last = {c for m in (ctx.mentions[i - 1] if i else []) if not m.locative
                        for c in m.countries}
                if not named_before and len(last) == 2 and set(countries) != last:
                    # "… strained relations with Israel. Both countries withdrew …": the two
                    # just named, not the document's pair read from names still to come.
                    countries = tuple(sorted(last))
                if g.group(0).lower() in ("they", "them", "their"):
                    # "X and Y singled out Z to express their opposition": the sides just named.
                    plural = [m for m in _coordinate(text, mentions)
                              if m.end <= s and len(m.countries) >= 2]
                    if plural:
                        countries = plural[0].countries  # the subject's, as for pronouns
                extra.append(Mention(s, e, g.group(0), "group", countries, sentence=i))
            persons_before = [m for m in mentions if m.how in ("person", "title") and m.country]
            for p in _PRONOUN.finditer(sent.text):
                s, e = sent.start + p.start(), sent.start + p.end()
                if not free(s, e):
                    continue
                clause_lo = clause_span(sent, p.start(), p.end())[0]
                # A person named in a fronted clause ("In addition to meeting Pope Francis,
                # Milei …") is not the subject the pronoun goes back to.
                earlier = [m for m in persons_before if m.end <= s and (
                    m.start >= clause_lo or not _FRONTED.match(sent.text))]
                # The subject of the sentence is the likeliest antecedent (Hobbs): take the
                # first person named before the pronoun, else the last one before the sentence;
                # but "I told him" is not the speaker talking to themself.
                ref = earlier[0] if earlier else last_person
                if earlier and _OBJECT_PRONOUN.fullmatch(p.group(0)) and \
                        _OBJECT_AFTER.match(sent.text, p.end()):
                    # "Putin called Obama to congratulate him", "phoned Scholz and thanked
                    # him": an object pronoun is not its clause's subject, but the one just
                    # called, of another country.
                    others = [m for m in earlier if m.countries != earlier[0].countries]
                    if others and _OBJECT_OF_NEXT.fullmatch(sent.text, others[-1].end - sent.start,
                                                            p.start()):
                        ref = others[-1]
                comma = sent.text.find(",")
                if not earlier and _FRONTED.match(sent.text) and 0 < p.start() < comma:
                    # "Recalling his state visit to Vietnam, Xi said …": the main clause's
                    # subject, named after the fronted phrase.
                    after = [m for m in persons_before if m.start - sent.start > comma]
                    ref = after[0] if after else ref
                if not earlier and speaker is not None and speaker.person and \
                        p.group(0).lower() in ("him", "her"):
                    others = [r for r in recent if r.person != speaker.person]
                    ref = others[-1] if others else ref
                elif not earlier and last_speaker is not None and _PRONOUN_SPEAKS.match(
                        sent.text[p.end():]):
                    ref = last_speaker
                if ref is not None and ref.country:
                    extra.append(Mention(s, e, p.group(0), "pronoun", ref.countries,
                                         person=ref.person, role=ref.role, sentence=i))
            for p in re.finditer(r"\b[Ii]ts\b", sent.text):
                # "Seoul appreciated Canberra's support for its efforts": the subject's.
                s, e = sent.start + p.start(), sent.start + p.end()
                subject = [m for m in mentions if m.end <= s and m.country and m.acting
                           and not m.locative and m.how in ("name", "capital", "seat")]
                if free(s, e) and subject:
                    extra.append(Mention(s, e, p.group(0), "pronoun", subject[0].countries,
                                         sentence=i))
            if speaker is not None and speaker.countries:
                for p in _FIRST_PERSON.finditer(sent.text):
                    s, e = sent.start + p.start(), sent.start + p.end()
                    if free(s, e):
                        extra.append(Mention(s, e, p.group(0), "first_person", speaker.countries,
                                             person=speaker.person, role=speaker.role,
                                             sentence=i))
            ctx.mentions[i] = _coordinate(text, _drop_determiners(text, _merge(mentions, extra)))
            for m in ctx.mentions[i]:
                if m.how in ("person", "title") and m.country:
                    if m.how == "person" or m.person:
                        recent.append(m)
                        if _speaks(sent, m):
                            last_speaker = m


_OFFICE_OF_ROLE = cues.mapping("offices")
_HEAD_TITLES = set(cues.words("head_titles"))
_FOREIGN_TITLES = set(cues.words("foreign_titles"))
_NO_HEAD_OF_GOVERNMENT = set(cues.words("no_head_of_government"))
_FM_TITLED_OTHERWISE = set(cues.words("foreign_minister_titled_otherwise"))


def _role_key(role: str | None) -> str:
    return re.sub(r"^(?:former|then|Federal|the)\s+", "", (role or "").strip(), flags=re.I).lower()


def _clean_role(role: str | None) -> str | None:
    if not role:
        return None
    role = re.sub(r"\s+", " ", role).strip()
    if role.lower() in ("leader", "counterpart"):
        return None
    return role[0].upper() + role[1:]


def _merge(base: list[Mention], extra: list[Mention]) -> list[Mention]:
    """Mentions in text order; where two overlap, the longer (then the earlier found) wins."""
    ordered = sorted(base + extra, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in ordered:
        if kept and m.start < kept[-1].end:
            prev = kept[-1]
            if m.end - m.start > prev.end - prev.start:
                kept[-1] = m
            elif m.how == "person" and prev.how == "title" and (
                    not prev.person or not prev.countries):
                # "Prince Faisal": the title takes the country of the person it names.
                kept[-1] = replace(prev, person=m.person if not prev.countries else
                                   prev.person or m.person,
                                   countries=prev.countries or m.countries)
            continue
        kept.append(m)
    return kept


def _main_pair(per_sentence: list[list[Mention]], publisher: str | None) -> tuple[str, ...]:
    """The two countries a document is mostly about: officials count most, places least."""
    weights = {"person": 3.0, "title": 3.0, "name": 1.5, "demonym": 1.0, "capital": 0.7,
               "seat": 0.7}
    score: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, mentions in enumerate(per_sentence):
        for m in mentions:
            # "according to the Canadian Press", "Iranian-made drones": no side of the news.
            if m.country and m.how in weights and not m.aside:
                score[m.country] += weights[m.how] * (0.5 if m.locative else 1.0) * (
                    1.5 if i < 2 else 1.0)
                first.setdefault(m.country, m.start)
    if publisher and publisher not in score and any(
            m.how == "title" and not m.countries for ms in per_sentence for m in ms):
        score[publisher] += 3.0
        first.setdefault(publisher, 0)
    ranked = sorted(score, key=lambda c: (-score[c], first.get(c, 0)))
    return tuple(ranked[:2])


def _voice(sentences: list[Sentence], per_sentence: list[list[Mention]],
           publisher: str | None) -> Mention | None:
    """Whose first person ("I", "we") the text is in, outside attributed quotations.

    A post or statement introduced in the first sentence ("X posted: ...") speaks for X;
    otherwise a government publisher speaks for its country.
    """
    if sentences:
        first = sentences[0]
        speech = _SPEECH.search(first.text)
        if speech:
            subjects = [m for m in per_sentence[0] if m.how in ("person", "title") and m.country
                        and m.end - first.start <= speech.start()]
            if subjects and re.search(r"[:\"“]", first.text[speech.end():speech.end() + 80]):
                return subjects[-1]
    if publisher:
        return Mention(0, 0, "", "first_person", (publisher,))
    return None


def _speaks(sent: Sentence, m: Mention) -> bool:
    """Whether a person is the one speaking: "said Sheinbaum", "Sheinbaum described"."""
    before = sent.text[:m.start - sent.start]
    after = sent.text[m.end - sent.start:]
    return bool(_SPEAKER_BEFORE.search(before) or _SPEAKER_AFTER.match(after))


def _sentence_speaker(sent: Sentence, mentions: list[Mention],
                      last_person: Mention | None) -> Mention | None:
    """The person a sentence quotes ("…," she said; Wang said that …), if any."""
    m = _QUOTED_SPEAKER.search(sent.text)
    if m and last_person is not None:
        return last_person
    m = _SPEECH.search(sent.text)
    if not m or not re.search(r"[\"“”]", sent.text):
        return None
    near = [x for x in mentions if x.how in ("person", "title") and x.country
            and (abs((x.start - sent.start) - m.end()) < 40
                 or 0 <= m.start() - (x.end - sent.start) < 5)]
    return near[0] if near else None


# Nouns after a demonym that name people or firms, not a government ("Japanese firms").
_NON_STATE = re.compile(rf"(?i:\s+{cues.alternation('non_state_modifiers')})?"
                        rf"\s+{cues.alternation('non_state_nouns')}\b")
# "in Jeddah, Saudi Arabia, on Monday": the country of a town named before it is a place too
# (not "talks in Beijing, Japan said").
_CITY_OF = re.compile(r"\b(?:in|at|near|from|to)\s+(?:the\s+)?[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*)*"
                      r",\s*$")
_AFTER_PLACE = re.compile(r"\s*(?:[,.;:)]|$)|\s+(?:on|in|for|to|where|and|last|this|next)\b")
# Words of rank between a demonym and its title: "British Deputy U.N. Ambassador".
_RANK_WORDS = re.compile(r"\s+(?:(?:Deputy|Acting|Permanent|Senior|Chief|Vice|First|Special|"
                         r"U\.N\.|UN)\s+){1,3}")
# A demonym before a capitalised plural name, then a word in lower case: a people or a firm.
_PEOPLE_NAMED = re.compile(r"\s+[A-Z][a-z]+s\b(?!\s+[A-Z])")
# "the Israeli-occupied West Bank": the country holds the place, it does not act here.
_COMPOUND_HEAD = re.compile(rf"-{cues.alternation('compound_heads')}\b", re.I)
# "according to the Canadian Press": where the report came from, not a side.
_SOURCE = re.compile(rf"\b{cues.alternation('source_phrases')}\s+(?:[\w'’-]+\s+){{0,8}}$",
                     re.I)
# Nouns after a country's name that make it a topic ("the Taiwan issue", "the China Sea").
_TOPIC_NOUN = re.compile(rf"\s+{cues.alternation('topic_nouns')}\b", re.I)
_DEMONYM_TOPIC = re.compile(rf"\s+{cues.alternation('demonym_topic_nouns')}\b", re.I)


# "The Palestinians reject ...", "Palestinians blamed Israel": a people named as the subject
# of a political act, at the start of a sentence or after "the", speaks for its side.
_PEOPLE_AS_SIDE = re.compile(r"(?:^|[.!?]\s+|\b[Tt]he\s+)$")
_SIDE_VERB = re.compile(rf"\s+(?:have\s+|had\s+|has\s+)?(?:{cues.alternation('side_verbs')})\b",
                        re.I)


def _aside(text: str, m: Mention) -> bool:
    return m.how in ("name", "demonym") and bool(_COMPOUND_HEAD.match(text, m.end)) \
        or bool(_SOURCE.search(text, max(0, m.start - 120), m.start))


def _acting(text: str, m: Mention) -> bool:
    after = text[m.end:m.end + 30]
    if m.how == "demonym" and re.search(r"[^s]s$", m.text) and not (
            _PEOPLE_AS_SIDE.search(text, max(0, m.start - 12), m.start)
            and _SIDE_VERB.match(text, m.end)):
        return False  # "young Indonesians", "Britons": people, not their government
    if m.how == "demonym" and _NON_STATE.match(after):
        return False
    if m.how == "demonym" and _PEOPLE_NAMED.match(after):
        return False  # "Chinese Uyghurs", "Turkish Airlines": a people or a firm named
    if m.how in ("name", "capital") and _TOPIC_NOUN.match(after):
        return False
    if m.how == "demonym" and _DEMONYM_TOPIC.match(after):
        return False
    return not in_compound(text, m)


def in_compound(text: str, m: Mention) -> bool:
    """ "one-China", "anti-French", "the Pak-Afghan border": a country inside a compound
    word names neither an actor nor a target."""
    return m.how in ("name", "demonym", "capital") and bool(
        re.search(r"(?:^|[\s(])[a-z]+-$", text[max(0, m.start - 12):m.start]))


def _drop_determiners(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "his Angolan counterpart", "the leaders of Japan and the US": the pronoun or the
    group noun is no actor of its own; the mention it leads to is."""
    kept = []
    for i, m in enumerate(mentions):
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if nxt is not None and m.how in ("pronoun", "group", "first_person"):
            between = text[m.end:nxt.start]
            if m.text.lower() in ("his", "her", "their", "our", "its", "my") \
                    and len(between) <= 2 and nxt.how in ("demonym", "title", "name"):
                continue
            if m.how == "group" and re.fullmatch(r"\s+of\s+(?:the\s+)?", between):
                continue
        kept.append(m)
    return kept


def _coordinate(text: str, mentions: list[Mention]) -> list[Mention]:
    """ "the Japanese and U.S. leaders", "Kishida and Chinh", "the UAE, Saudi Arabia, Bahrain
    and Egypt": one mention of all the sides a list names."""
    out: list[Mention] = []
    for i, m in enumerate(mentions):
        prev = out[-1] if out else None
        between = text[prev.end:m.start] if prev is not None else ""
        # A comma joins only within a list that an "and" closes: "A, B, C and D".
        listed = False
        if re.fullmatch(r"\s*,\s*(?:the\s+)?", between):
            j = i
            while j + 1 < len(mentions) and re.fullmatch(
                    r"\s*,\s*(?:the\s+)?", text[mentions[j].end:mentions[j + 1].start]):
                j += 1
            listed = j + 1 < len(mentions) and bool(re.fullmatch(
                r"\s*,?\s*(?:and|&)\s*(?:the\s+)?", text[mentions[j].end:mentions[j + 1].start]))
        if prev is not None and prev.countries and m.countries and prev.acting and m.acting \
                and not prev.locative and not m.locative \
                and prev.how not in ("first_person",) and m.how not in ("group", "first_person") \
                and (prev.how != "group" or len(prev.text) > 12 and "," in prev.text
                     or listed) \
                and (re.fullmatch(r"\s*,?\s*(?:and|&)\s*(?:the\s+)?", between) or listed) \
                and not set(m.countries) <= set(prev.countries):
            countries = tuple(dict.fromkeys(prev.countries + m.countries))
            out[-1] = Mention(prev.start, m.end, text[prev.start:m.end], "group", countries,
                              sentence=m.sentence)
            continue
        out.append(m)
    return out
