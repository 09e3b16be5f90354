"""Resolution without a parse: resolve_phrase, year-aware choice of office, case checks."""

from __future__ import annotations

import datetime as dt

import pytest

from eventscope.actors import build_tables, resolve_phrase
from eventscope.actors.matching import Word, match_names
from eventscope.actors.resolve import pick_entry
from eventscope.actors.tables import NameEntry, load_tables


def _on(year: int) -> dt.date:
    return dt.date(year, 6, 1)


def test_title_and_demonym_resolve_a_person_the_tables_do_not_know() -> None:
    actor = resolve_phrase("Norwegian Trade Minister Ola Nordmann")
    assert actor is not None
    assert (actor.country, actor.sector) == ("NOR", "GOV")
    assert (actor.name, actor.kind) == ("Ola Nordmann", "person")
    assert "title:minister" in actor.rule and "demonym:Norwegian" in actor.rule


def test_known_leader_gets_the_office_held_in_the_publication_year() -> None:
    early = resolve_phrase("Donald Trump", published=_on(2010))
    late = resolve_phrase("Donald Trump", published=_on(2018))
    undated = resolve_phrase("Donald Trump")
    assert early is not None and late is not None and undated is not None
    assert (early.country, early.sector) == ("USA", "BUS")
    assert (late.country, late.sector) == ("USA", "GOV")
    assert late.entity_id == "Q22686"
    assert undated.sector == "GOV"  # no date: the most recent office


def test_out_of_office_is_former_unless_the_text_gives_a_title() -> None:
    bare = resolve_phrase("Obama", published=_on(2019))
    titled = resolve_phrase("President Obama", published=_on(2019))
    assert bare is not None and bare.sector == "ELI"
    assert titled is not None and titled.sector == "GOV"


def test_former_turns_an_office_into_eli() -> None:
    actor = resolve_phrase("former Defense Minister Jan Kowalski")
    assert actor is not None and actor.sector == "ELI"


def test_shared_surname_is_resolved_by_year() -> None:
    nineties = resolve_phrase("Clinton", published=_on(1998))
    twenty_tens = resolve_phrase("Clinton", published=_on(2011))
    assert nineties is not None and nineties.name == "Bill Clinton"
    assert twenty_tens is not None and twenty_tens.name == "Hillary Clinton"
    assert twenty_tens.sector == "GOV"  # Secretary of State


def test_armed_group_role_depends_on_the_year() -> None:
    insurgents = resolve_phrase("the Taliban", published=_on(2010))
    rulers = resolve_phrase("the Taliban", published=_on(2022))
    assert insurgents is not None and (insurgents.country, insurgents.sector) == ("AFG", "REB")
    assert rulers is not None and rulers.sector == "GOV"


def test_international_organisations_and_their_officials() -> None:
    un = resolve_phrase("the United Nations")
    council = resolve_phrase("the U.N. Security Council")
    chief = resolve_phrase("NATO Secretary General")
    assert un is not None and (un.country, un.sector, un.kind) == ("IGO", None, "org")
    assert council is not None and (council.country, council.sector) == ("IGO", "GOV")
    assert chief is not None and (chief.country, chief.sector) == ("IGO", "GOV")


def test_sponsor_is_not_the_country_and_leader_is() -> None:
    backed = resolve_phrase("Iranian-backed militias")
    led = resolve_phrase("US-led coalition")
    assert backed is not None and backed.country is None and backed.sector == "REB"
    assert led is not None and led.country == "USA"


def test_prepositional_country_and_seat() -> None:
    president = resolve_phrase("the President of Syria")
    pentagon = resolve_phrase("the Pentagon")
    assert president is not None and (president.country, president.sector) == ("SYR", "GOV")
    assert pentagon is not None and (pentagon.country, pentagon.sector) == ("USA", "MIL")


def test_strong_head_noun_beats_its_modifiers() -> None:
    forces = resolve_phrase("Syrian government forces")
    commander = resolve_phrase("police commander")
    opposition = resolve_phrase("opposition leader")
    assert forces is not None and (forces.country, forces.sector) == ("SYR", "MIL")
    assert commander is not None and commander.sector == "COP"
    assert opposition is not None and opposition.sector == "OPP"


def test_ethnicity_is_not_a_state() -> None:
    actor = resolve_phrase("ethnic Albanians")
    assert actor is not None and actor.country is None and actor.sector == "CVL"


def test_unknown_phrase_resolves_to_nothing() -> None:
    assert resolve_phrase("a blue kettle") is None
    assert resolve_phrase("") is None


def test_case_mask_keeps_acronyms_apart_from_words() -> None:
    tables = load_tables()

    def tables_matched(text: str) -> set[str]:
        words = [Word(text=t, lemma=t.lower()) for t in text.split()]
        return {e.table for m in match_names(words, tables) for e in m.entries}

    assert "countries" in tables_matched("US")
    assert tables_matched("us") == set()
    assert "orgs" in tables_matched("WHO")
    assert tables_matched("who") == set()


def test_pick_entry_prefers_office_holder_then_nearest() -> None:
    a = NameEntry("leaders", "A", "AAA", "GOV", "person", 1990, 1999)
    b = NameEntry("leaders", "B", "BBB", "GOV", "person", 2005, 2010)
    assert pick_entry([a, b], 1995) == (a, "current")
    assert pick_entry([a, b], 2012) == (b, "former")
    assert pick_entry([a, b], 1980) == (a, "future")
    c = NameEntry("leaders", "C", "CCC", "GOV", "person", 2007, 2008)
    assert pick_entry([b, c], 2007) is None  # two people in office: ambiguous
    assert pick_entry([b, c], 2007, prefer_country="CCC") == (c, "current")


def test_injected_tables_are_used() -> None:
    entry = NameEntry("orgs", "Zorblax Front", "FRA", "REB", "group")
    tables = build_tables([("Zorblax Front", entry), ("ZF", entry)])
    actor = resolve_phrase("ZF", tables=tables)
    assert actor is not None and (actor.name, actor.country, actor.sector) == (
        "Zorblax Front",
        "FRA",
        "REB",
    )
    assert resolve_phrase("ZF") is None


@pytest.mark.parametrize(
    ("phrase", "country", "sector"),
    [
        ("more than 100 Liberians", "LBR", "CVL"),  # a nationality's people: civilians
        ("Syrian officers", "SYR", "MIL"),
        ("Kenyan police officers", "KEN", "COP"),  # the stronger word decides
        ("illegal Mexican immigrants", "MEX", "CVL"),
        ("the biggest Cambodian refugee camp", "KHM", "REF"),
    ],
)
def test_people_and_places_of_a_nationality(phrase: str, country: str, sector: str) -> None:
    actor = resolve_phrase(phrase)
    assert (actor.country, actor.sector) == (country, sector), actor.rule


def test_georgia_with_a_us_state_office_is_the_us_state() -> None:
    import eventscope

    def actors(text: str) -> dict[str, tuple[str | None, str | None]]:
        found = eventscope.extract(text, published=dt.date(2020, 4, 1)).actors
        return {a.span.text: (a.country, a.sector) for a in found}

    assert actors("Georgia Gov. Brian Kemp ordered residents to stay at home.")[
        "Georgia Gov. Brian Kemp"
    ] == ("USA", "GOV")
    # Without a US office, Georgia is the country.
    assert actors("Georgia accused Russia of occupying Abkhazia.")["Georgia"][0] == "GEO"
    assert (
        actors("The Georgian foreign minister met his Armenian counterpart.")[
            "The Georgian foreign minister"
        ][0]
        == "GEO"
    )
