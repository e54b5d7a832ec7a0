"""Extraction mechanisms, each on short sentences written for these tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kg.extract.documents import make_document, read_documents
from kg.extract.extractor import Extractor
from kg.records import Fact

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor()


def facts(extractor: Extractor, text: str, **meta: str) -> list[Fact]:
    meta.setdefault("date", "2025-06-12")
    doc = make_document(text, "t", meta, where="test")
    return extractor.extract(doc)


def keys(found: list[Fact]) -> set[tuple[str, str, str]]:
    return {f.key for f in found}


def one(found: list[Fact], kind: str) -> Fact:
    (fact,) = [f for f in found if f.kind == kind]
    return fact


def test_meeting_between_named_officials(extractor: Extractor) -> None:
    found = facts(extractor, "Canadian Prime Minister Mark Carney met Mexican President "
                             "Claudia Sheinbaum in Ottawa on Tuesday.")
    meeting = one(found, "meeting")
    assert meeting.key == ("meeting", "CAN", "MEX")
    assert meeting.date == "2025-06-10"
    assert meeting.location is not None and meeting.location.name == "Ottawa"
    # A meeting in one side's capital means the other side travelled there.
    assert ("visit", "MEX", "CAN") in keys(found)


def test_directed_kinds_read_subject_and_object(extractor: Extractor) -> None:
    found = facts(extractor, "Norway expelled a Russian diplomat on Monday.")
    assert keys(found) == {("sanction", "NOR", "RUS")}


def test_passive_voice_turns_the_sides_around(extractor: Extractor) -> None:
    found = facts(extractor, "The Danish ambassador was summoned by Iran over the remarks.")
    assert ("protest", "IRN", "DNK") in keys(found)


def test_invitation_from_names_the_inviter_after_the_trigger(extractor: Extractor) -> None:
    found = facts(extractor, "Kenyan President William Ruto received an invitation from "
                             "Chinese President Xi Jinping to visit Beijing.")
    invitation = one(found, "invitation")
    assert (invitation.source.country, invitation.target.country) == ("CHN", "KEN")
    assert invitation.source.name == "Xi Jinping"


def test_third_country_criticism_from_both_speakers(extractor: Extractor) -> None:
    text = ("Polish Prime Minister Donald Tusk met Swedish Prime Minister Ulf Kristersson in "
            "Warsaw. Both leaders condemned Russia's attacks on Ukraine.")
    found = keys(facts(extractor, text))
    assert {("criticism", "POL", "RUS"), ("criticism", "SWE", "RUS")} <= found


def test_planned_and_negated_status(extractor: Extractor) -> None:
    planned = facts(extractor, "Brazil's President will visit Argentina next month.")
    assert one(planned, "visit").status == "planned"
    negated = facts(extractor, "Thailand did not sign the agreement with Cambodia.")
    assert one(negated, "agreement").status == "negated"


def test_bare_title_takes_the_publishers_country(extractor: Extractor) -> None:
    found = facts(extractor, "The Prime Minister met the President of Kenya today.",
                  source="gov.uk", url="https://www.gov.uk/government/news/x")
    assert one(found, "meeting").key == ("meeting", "GBR", "KEN")


def test_names_learned_from_an_apposition_are_resolved_later(extractor: Extractor) -> None:
    text = ("Ana Pereira, Portugal's trade envoy, arrived in Madrid. "
            "Pereira then criticised Spain over the fishing quotas.")
    assert ("criticism", "PRT", "ESP") in keys(facts(extractor, text))


def test_commentary_section_is_attributed(extractor: Extractor) -> None:
    text = "Chile and Peru signed a trade agreement.\n\nAnalysis: Chile will visit Peru again."
    found = facts(extractor, text)
    assert one(found, "agreement").attribution == "reported"
    assert one(found, "visit").attribution == "commentary"


def test_one_fact_per_kind_and_pair_and_the_first_date(extractor: Extractor) -> None:
    text = ("Egypt and Jordan held talks on 3 March 2025. "
            "Egypt and Jordan held talks again on 9 April 2025.")
    (meeting,) = facts(extractor, text)
    assert meeting.date == "2025-03-03"


def test_partnership_label(extractor: Extractor) -> None:
    found = facts(extractor, 'Vietnam and Australia are "comprehensive strategic partners".')
    assert one(found, "partnership").label == "comprehensive strategic partnership"


def test_no_fact_without_two_countries(extractor: Extractor) -> None:
    assert facts(extractor, "The minister criticised the plan on Monday.") == []


def test_explain_says_why_no_fact(extractor: Extractor) -> None:
    doc = make_document("Germany condemned the decision.", "t", {"date": "2025-01-01"},
                        where="test")
    (report,) = extractor.explain(doc)
    assert report.actors == ["Germany→DEU (name)"]
    (decision,) = report.decisions
    assert decision.kind == "criticism" and not decision.produced
    assert decision.reason == "no side acted on"


def test_the_sample_article(extractor: Extractor) -> None:
    (doc,) = read_documents([ROOT / "examples" / "seed.txt"])
    found = {f.key: f for f in extractor.extract(doc)}
    invitation = found[("invitation", "GBR", "JPN")]
    assert invitation.location is not None and invitation.location.name == "Chequers"
    assert invitation.source.name == "Keir Starmer"
    partnership = found[("partnership", "GBR", "JPN")]
    assert partnership.label == "enhanced global strategic partnership"
    assert found[("visit", "GBR", "CHN")].attribution == "commentary"
    meeting = found[("meeting", "GBR", "JPN")]
    assert (meeting.date, meeting.location.name if meeting.location else None) == (
        "2026-01-31", "Tokyo")


def test_office_holder_on_the_document_date(extractor: Extractor) -> None:
    found = facts(extractor, "The Japanese Prime Minister met the Indian Prime Minister.",
                  date="2024-11-18")
    meeting = one(found, "meeting")
    assert {meeting.source.name, meeting.target.name} == {"Shigeru Ishiba", "Narendra Modi"}


def test_call_by_telephone(extractor: Extractor) -> None:
    found = facts(extractor, "Spain's prime minister spoke with Moroccan officials by "
                             "telephone on Friday.")
    assert keys(found) == {("call", "ESP", "MAR")}


def test_tariffs_aimed_at_a_country_named_as_a_modifier(extractor: Extractor) -> None:
    found = facts(extractor, "Washington imposed new tariffs on Chinese goods.")
    assert ("sanction", "USA", "CHN") in keys(found)


def test_denial_answers_the_other_side(extractor: Extractor) -> None:
    text = ("Serbia accused Kosovo of provocations on Monday. "
            "Kosovo denied the accusations.")
    found = keys(facts(extractor, text))
    assert {("criticism", "SRB", "XKX"), ("rejection", "XKX", "SRB")} <= found


def test_terrorist_attacks_are_not_state_force(extractor: Extractor) -> None:
    found = facts(extractor, "Pakistan condemned terrorist attacks on Afghan border posts.")
    assert not [f for f in found if f.kind == "force"]


def test_user_actor_file_adds_a_person(tmp_path: Path) -> None:
    from kg.extract.actors import load_actors

    extra = tmp_path / "people.tsv"
    extra.write_text("iso3\toffice\ttitle\tname\taliases\tstart\tend\n"
                     "NZL\tforeign_minister\tForeign Minister\tAroha Testname\tTestname\t"
                     "2020-01-01\t\n", encoding="utf-8")
    ex = Extractor(load_actors(str(extra)))
    found = facts(ex, "Testname criticised Fiji over the decision.")
    assert one(found, "criticism").key == ("criticism", "NZL", "FJI")
    assert one(found, "criticism").source.name == "Aroha Testname"


def test_a_region_is_no_country(extractor: Extractor) -> None:
    found = facts(extractor, "Governments across Latin America condemned Peru's decision.")
    assert not [f for f in found if "USA" in (f.source.country, f.target.country)]


def test_passive_with_an_agent_after_by(extractor: Extractor) -> None:
    found = facts(extractor, "A Lithuanian diplomat was expelled by Belarus on Friday.")
    assert keys(found) == {("sanction", "BLR", "LTU")}


def test_the_blamed_deed_of_a_complement_clause(extractor: Extractor) -> None:
    found = facts(extractor, "Guyana said that Venezuela had violated its sovereignty.")
    assert ("criticism", "GUY", "VEN") in keys(found)


def test_the_agent_of_a_relative_clause(extractor: Extractor) -> None:
    text = "Canada vowed to answer the tariffs that the United States imposed on Monday."
    assert ("sanction", "USA", "CAN") in keys(facts(extractor, text))


def test_reciprocal_blame(extractor: Extractor) -> None:
    text = "Armenia and Azerbaijan clashed again. Each side blamed the other for the fighting."
    assert {("criticism", "ARM", "AZE"), ("criticism", "AZE", "ARM")} <= keys(
        facts(extractor, text))


def test_trigger_patterns_are_written_for_lower_cased_text() -> None:
    import re

    import yaml

    data = yaml.safe_load((ROOT / "kg" / "data" / "triggers.yaml").read_text(encoding="utf-8"))
    for kind, entries in data.items():
        for entry in entries:
            # Escapes (\S, \W, \d) are the only capitals a pattern may hold.
            assert not re.search(r"(?<!\\)[A-Z]", entry["pattern"]), (kind, entry["pattern"])


def test_offsets_survive_letters_that_change_length_when_lower_cased(
        extractor: Extractor) -> None:
    (fact,) = facts(extractor, "İstanbul hosted talks. Norway expelled a Russian diplomat.")
    assert fact.key == ("sanction", "NOR", "RUS")
    assert fact.evidence == "Norway expelled a Russian diplomat."


def test_hosting_a_leader_is_a_meeting_and_a_visit(extractor: Extractor) -> None:
    found = keys(facts(extractor, "Ghana's president hosted his Togolese counterpart in Accra."))
    assert {("meeting", "GHA", "TGO"), ("visit", "TGO", "GHA")} <= found


def test_an_agreement_with_a_date_inside(extractor: Extractor) -> None:
    found = facts(extractor, "Qatar and Bahrain agreed in April to reopen their embassies.")
    assert one(found, "agreement").key == ("agreement", "BHR", "QAT")


def test_a_fronted_invitation_names_its_guest_after_the_comma(extractor: Extractor) -> None:
    text = ("At the invitation of Indian Prime Minister Narendra Modi, Sri Lankan President "
            "Anura Kumara Dissanayake will visit India next week.")
    invitation = one(facts(extractor, text), "invitation")
    assert (invitation.source.country, invitation.target.country) == ("IND", "LKA")


def test_allies_of_a_third_country(extractor: Extractor) -> None:
    found = keys(facts(extractor, "Estonia, a close ally of Finland, urged calm."))
    assert found == {("partnership", "EST", "FIN")}


def test_every_trigger_match_starts_with_one_of_its_anchors() -> None:
    from kg.extract.extractor import load_triggers

    texts = [p.read_text(encoding="utf-8").lower()
             for p in [ROOT / "examples" / "seed.txt",
                       *sorted((ROOT / "tests" / "data" / "articles").glob("*.txt"))]]
    checked = 0
    for trigger in load_triggers():
        if trigger.anchors is None:
            continue
        for text in texts:
            for m in trigger.pattern.finditer(text):
                assert m.group(0).startswith(trigger.anchors), (m.group(0), trigger.anchors)
                checked += 1
    assert checked > 100


def test_triggers_are_found_as_a_scan_of_each_pattern_finds_them() -> None:
    # `find` tries kg's own triggers only where an anchor starts a word: it must give what
    # scanning the whole text with each pattern gives, in the same order.
    from kg.extract.triggers import find, load_triggers

    triggers = load_triggers()
    texts = [p.read_text(encoding="utf-8").lower()
             for p in [ROOT / "examples" / "seed.txt",
                       *sorted((ROOT / "tests" / "data" / "articles").glob("*.txt"))]]
    texts.append("an invitation to visit, a démarche, $5 million in aid and “shoulder to "
                 "shoulder” with, then air strikes on")
    compared = 0
    for text in texts:
        found = [(order, m.span()) for order, m in find(text) if triggers[order].source == "kg"]
        scanned = [(order, m.span()) for order, trigger in enumerate(triggers)
                   if trigger.source == "kg" for m in trigger.pattern.finditer(text)]
        assert found == scanned
        compared += len(found)
        # The lexicon's are tried where one of their first words stands whole.
        found_lexicon = sorted((order, m.span()) for order, m in find(text)
                               if triggers[order].source != "kg")
        whole = {word: [at.start() for at in re.finditer(
                     rf"(?<![\w'’-]){re.escape(word)}(?![\w'’-])", text)]
                 for word in {w for t in triggers if t.words for w in t.words} if word in text}
        tried = sorted({(order, m.span()) for order, trigger in enumerate(triggers)
                        if trigger.words for word in trigger.words
                        for at in whole.get(word, ())
                        if (m := trigger.pattern.match(text, at))})
        assert found_lexicon == tried
        compared += len(tried)
    assert compared > 300


def test_anchors_branch_on_optional_words_and_letters() -> None:
    from kg.extract.triggers import _anchors

    assert _anchors("(?:an |the )?invitation") == ("an invitation", "invitation",
                                                    "the invitation")
    assert _anchors("d[ée]marche") == ("demarche", "démarche")
    assert _anchors("visit(?:s|ed)? to") == ("visit to", "visited to", "visits to")
    # A word that may repeat ends the anchor where it is read, not where it is left out.
    assert _anchors("talks(?: \\w+)* with") == ("talks ", "talks with")
    assert _anchors("\\w+ talks") is None
