"""Explaining a resolution: each rule part in plain words, and the entry the resolver used."""

from __future__ import annotations

import datetime as dt

import pytest

from eventscope.actors import load_tables
from eventscope.actors.lookup import explain_part, lookup_phrase
from eventscope.records import Actor, Span


def _on(year: int) -> dt.date:
    return dt.date(year, 6, 1)


@pytest.mark.parametrize(
    ("phrase", "year", "part", "meaning"),
    [
        ("former President Barack Obama", 2019, "table:leaders:Barack Obama@former",
         "out of office in 2019"),
        ("former President Barack Obama", 2019, "title:former", "former official: sector ELI"),
        ("the President of Syria", 2019, "of:Syria", "the place after 'of' (Syria)"),
        ("Palestinians", 2019, "people:Palestinians", "civilians, sector CVL"),
        ("Palestinians", 2019, "table:demonyms:Palestinians", "the people of PSE (Palestine)"),
        ("ethnic Albanians", 2019, "ethnic:Albanians", "not a state"),
        ("Pentagon officials", 2019, "seat:Pentagon", "gives the sector MIL"),
        ("Damascus", 2019, "table:seats:Damascus", "the capital of SYR (Syria)"),
        ("Texas police", 2019, "state:Texas", "gives the country USA (United States)"),
        ("Hamas leader", 2019, "org:Hamas", "an organisation named in the phrase"),
        ("the United Nations", 2019, "table:orgs:United Nations", "the organisations table"),
    ],
)  # fmt: skip
def test_each_rule_part_of_a_phrase_is_explained(
    phrase: str, year: int, part: str, meaning: str
) -> None:
    found = lookup_phrase(phrase, published=_on(year))
    assert found.actor is not None
    explained = {p.part: p.meaning for p in found.parts}
    assert part in explained, found.actor.rule
    assert meaning in explained[part]


@pytest.mark.parametrize(
    ("part", "meaning"),
    [
        ("alias:Bashar al-Assad", "named in full earlier in the article"),
        ("context:Angola", "the article names one state only, Angola"),
        ("coref:he->Bashar al-Assad", "'he' refers back to Bashar al-Assad"),
        ("appos:the army chief", "beside the mention"),
        ("coord:Turkish", "shares its country"),
        ("ner:PERSON", "entity recogniser labels it PERSON"),
        ("user", "your actors file"),
        ("former:President", "a former President is coded ELI"),
        ("unresolved", "no table, title or rule"),
        ("noun:officer", "the word 'officer'"),
        ("mystery:x", "does not explain"),
    ],
)
def test_rule_parts_found_only_in_articles_are_explained_too(part: str, meaning: str) -> None:
    actor = Actor(span=Span(0, 2, "he"), sentence=0, name="X", country="SYR", rule=part)
    assert meaning in explain_part(part, actor, load_tables())


def test_the_entry_used_is_the_one_of_the_year() -> None:
    found = lookup_phrase("Clinton", published=_on(1998))
    chosen = [c for c in found.candidates if c.chosen]
    assert len(chosen) == 1 and chosen[0].entry.name == "Bill Clinton"
    assert len({c.entry.name for c in found.candidates}) >= 2  # Hillary Clinton is listed too


def test_nothing_known_gives_no_actor_and_no_parts() -> None:
    found = lookup_phrase("a blue kettle")
    assert found.actor is None and found.parts == () and found.to_dict()["resolved"] is False
