"""In-article coreference: pronouns, descriptions, possessives and acronyms, on real parses
of short articles written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

import eventscope
from eventscope.actors import find_actors
from eventscope.records import Actor, Sentence

DAY = dt.date(2018, 5, 31)


@pytest.fixture(scope="module")
def actors_of(nlp):  # type: ignore[no-untyped-def]
    def run(text: str, published: dt.date | None = DAY) -> list[Actor]:
        doc = nlp(text)
        sentences = tuple(
            Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)
        )
        return list(find_actors(doc, sentences, published=published))

    return run


def _at(actors: list[Actor], text: str, nth: int = 0) -> Actor:
    found = [a for a in actors if a.span.text == text]
    assert len(found) > nth, f"no mention {text!r} in {[a.span.text for a in actors]}"
    return found[nth]


def test_pronoun_subject_of_a_reporting_verb_is_the_person_named_before(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of("Syrian President Bashar al-Assad met the envoy. He said the talks failed.")
    he = _at(found, "He")
    assert (he.name, he.kind, he.country, he.sector) == ("Bashar al-Assad", "person", "SYR", "GOV")
    assert he.rule == "coref:he->Bashar al-Assad"


def test_pronoun_subject_of_an_action_verb(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Kenyan Interior Minister Paul Otieno flew to the border on Friday. "
        "She ordered police to close the crossing."
    )
    she = _at(found, "She")
    assert (she.name, she.country, she.sector) == ("Paul Otieno", "KEN", "GOV")


def test_pronoun_prefers_the_subject_and_skips_its_own_clause_subject(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "President Donald Trump called Emmanuel Macron on Tuesday. "
        "He said the deal was dead. Macron criticised him."
    )
    assert _at(found, "He").name == "Donald Trump"  # the subject, not the later object
    assert _at(found, "him").name == "Donald Trump"  # not Macron, who is his clause's subject


def test_a_pronoun_with_no_person_before_it_is_not_an_actor(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of("He said the army had left the city.")
    assert [a.span.text for a in found] == ["the army"]


def test_possessive_pronoun_gives_its_person_country_to_the_role(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Syrian President Bashar al-Assad spoke on state television. "
        "He said his forces would retake the east."
    )
    forces = _at(found, "his forces")
    assert (forces.country, forces.sector) == ("SYR", "MIL")
    assert "coref:his->Bashar al-Assad" in forces.rule


def test_description_is_the_person_of_its_country(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Syrian President Bashar al-Assad met Russian officials. "
        "The controversial Syrian leader later thanked Moscow."
    )
    leader = _at(found, "The controversial Syrian leader")
    assert (leader.name, leader.kind, leader.entity_id) == (
        "Bashar al-Assad",
        "person",
        _at(found, "Syrian President Bashar al-Assad").entity_id,
    )
    assert leader.rule.startswith("coref:")


def test_description_of_another_country_is_not_linked(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Syrian President Bashar al-Assad met the envoy. The Iraqi leader stayed away."
    )
    iraqi = _at(found, "The Iraqi leader")
    assert iraqi.name != "Bashar al-Assad"
    assert iraqi.country == "IRQ"
    assert not iraqi.rule.startswith("coref:")


def test_description_prefers_the_person_introduced_with_that_title(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "President Donald Trump spoke to Emmanuel Macron. The president said talks would resume."
    )
    assert _at(found, "The president").name == "Donald Trump"


def test_acronym_in_parentheses_stands_for_the_name(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Fighters of the Northern Valley Brigades (NVB) entered the town on Sunday. "
        "Ugandan officials said the NVB had withdrawn."
    )
    later = _at(found, "the NVB")
    assert later.name == "Northern Valley Brigades"
    assert later.rule.startswith("alias:Northern Valley Brigades")


def test_acronym_spelled_by_initials_and_used_as_a_modifier(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Members of the Tigray Defence Forces attacked the town. "
        "The TDF denied it. Ethiopian officials said TDF units were retreating."
    )
    assert _at(found, "The TDF").name == "Tigray Defence Forces"
    assert _at(found, "TDF").name == "Tigray Defence Forces"


def test_a_lowercase_word_is_not_an_acronym(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "The Allied Popular Front (APF) boycotted the vote. Officials said apf was a typo."
    )
    assert all(a.span.text != "apf" for a in found)


def test_event_source_through_a_pronoun(nlp) -> None:  # type: ignore[no-untyped-def]
    result = eventscope.extract(
        "Syrian President Bashar al-Assad gave an interview on Thursday.\n\n"
        "He threatened US troops in the east of the country.",
        published=DAY,
    )
    threats = [e for e in result.events if e.type == "THREATEN"]
    assert threats, [(e.type, e.evidence) for e in result.events]
    source = threats[0].source[0]
    assert (source.span.text, source.name, source.country) == ("He", "Bashar al-Assad", "SYR")
    assert [t.country for t in threats[0].target] == ["USA"]
