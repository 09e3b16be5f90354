"""find_actors on real parses of sentences written for these tests."""

from __future__ import annotations

import datetime as dt

import pytest

from eventscope.actors import build_tables, find_actors
from eventscope.actors.tables import NameEntry, load_tables, name_key
from eventscope.records import Actor, Sentence


@pytest.fixture(scope="module")
def actors_of(nlp):  # type: ignore[no-untyped-def]
    def run(text: str, published: dt.date | None = None, **kwargs: object) -> list[Actor]:
        doc = nlp(text)
        sentences = tuple(
            Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents)
        )
        found = list(find_actors(doc, sentences, published=published, **kwargs))  # type: ignore[arg-type]
        for actor in found:
            assert actor.span.text == text[actor.span.start : actor.span.end]
        return found

    return run


def _by_text(actors: list[Actor]) -> dict[str, Actor]:
    return {a.span.text: a for a in actors}


def test_title_and_name_are_one_mention_resolved_from_the_leaders_table(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = _by_text(
        actors_of("Russian Foreign Minister Sergei Lavrov met the envoy.", dt.date(2018, 3, 1))
    )
    lavrov = found["Russian Foreign Minister Sergei Lavrov"]
    assert (lavrov.name, lavrov.kind, lavrov.country, lavrov.sector) == (
        "Sergei Lavrov",
        "person",
        "RUS",
        "GOV",
    )
    assert lavrov.rule == "table:leaders:Sergei Lavrov"


def test_title_gives_sector_and_demonym_country_without_a_table_entry(actors_of) -> None:  # type: ignore[no-untyped-def]
    assert name_key("Avigdor Lieberman") not in load_tables().names
    found = _by_text(actors_of("Israeli Defense Minister Avigdor Lieberman warned the group."))
    person = found["Israeli Defense Minister Avigdor Lieberman"]
    assert (person.name, person.kind, person.country, person.sector) == (
        "Avigdor Lieberman",
        "person",
        "ISR",
        "GOV",
    )
    assert person.rule == "title:minister+demonym:Israeli"


def test_nationality_and_role_phrases(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = _by_text(
        actors_of(
            "The Syrian army said Syrian air-defense systems fired at the jets, while riot "
            "police and Hamas militants clashed near the US-led coalition's base."
        )
    )
    assert (found["The Syrian army"].country, found["The Syrian army"].sector) == ("SYR", "MIL")
    air = found["Syrian air-defense systems"]
    assert (air.country, air.sector) == ("SYR", "MIL")
    assert (found["riot police"].sector, found["riot police"].kind) == ("COP", "role")
    hamas = found["Hamas militants"]
    assert (hamas.country, hamas.sector) == ("PSE", "REB")
    coalition = next(a for a in found.values() if "coalition" in a.span.text)
    assert coalition.country == "USA" and coalition.span.text.startswith("the US-led")


def test_seats_of_government_act_but_places_do_not(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = _by_text(
        actors_of("Moscow said the Pentagon had lied, and the White House met Downing Street.")
    )
    assert (found["Moscow"].country, found["Moscow"].sector) == ("RUS", "GOV")
    assert (found["the Pentagon"].country, found["the Pentagon"].sector) == ("USA", "MIL")
    assert found["the White House"].country == "USA"
    assert found["Downing Street"].country == "GBR"
    held = actors_of("The envoys held talks in Moscow and in Syria on Monday.")
    assert not any(a.span.text in ("Moscow", "Syria") for a in held)


def test_coordinated_nationalities_are_one_mention_each(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of("Polish and Czech ministers signed the accord in a hurry.")
    assert [(a.span.text, a.country, a.sector) for a in found] == [
        ("Polish", "POL", "GOV"),
        ("Czech", "CZE", "GOV"),
    ]
    assert found[0].name == "Polish ministers"
    assert {a.kind for a in found} == {"role"}


def test_international_organisations(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = _by_text(
        actors_of("The UN Security Council condemned the raid and NATO sent more troops.")
    )
    council = found["The UN Security Council"]
    assert (council.country, council.sector, council.kind) == ("IGO", "GOV", "org")
    assert found["NATO"].country == "IGO"


def test_armed_group_and_time_aware_role(actors_of) -> None:  # type: ignore[no-untyped-def]
    text = "Hezbollah fighters and the Taliban attacked the convoy."
    then = _by_text(actors_of(text, dt.date(2010, 5, 1)))
    later = _by_text(actors_of(text, dt.date(2022, 5, 1)))
    fighters = then["Hezbollah fighters"]
    assert (fighters.country, fighters.sector) == ("LBN", "REB")
    assert (then["the Taliban"].country, then["the Taliban"].sector) == ("AFG", "REB")
    assert later["the Taliban"].sector == "GOV"


def test_non_state_armies_are_rebels_of_their_country(actors_of) -> None:  # type: ignore[no-untyped-def]
    # Named like armies, fighting the state: not a military, and not Colombia's ELN, whose
    # name "National Liberation Army" is the tail of the Ta'ang group's.
    text = "The Arakan Army and the Ta'ang National Liberation Army fought the Tatmadaw."
    found = _by_text(actors_of(text, dt.date(2024, 1, 10)))
    assert (found["The Arakan Army"].country, found["The Arakan Army"].sector) == ("MMR", "REB")
    taang = found["the Ta'ang National Liberation Army"]
    assert (taang.country, taang.sector) == ("MMR", "REB")
    assert (found["the Tatmadaw"].country, found["the Tatmadaw"].sector) == ("MMR", "MIL")


def test_person_role_depends_on_publication_date(actors_of) -> None:  # type: ignore[no-untyped-def]
    text = "Trump criticised the deal."
    assert actors_of(text, dt.date(2010, 1, 1))[0].sector == "BUS"
    assert actors_of(text, dt.date(2018, 1, 1))[0].sector == "GOV"
    assert actors_of(text)[0].sector == "GOV"
    obama = actors_of("Barack Obama gave a speech.", dt.date(2019, 1, 1))[0]
    assert (obama.sector, obama.entity_id) == ("ELI", "Q76")


def test_surname_after_full_name_is_the_same_actor(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Syrian President Bashar al-Assad met the delegation. Later Assad said he was ready.",
        dt.date(2015, 1, 1),
    )
    full, short = found[0], _by_text(found)["Assad"]
    assert full.span.text == "Syrian President Bashar al-Assad"
    assert short.name == full.name == "Bashar al-Assad"
    assert (short.country, short.sector) == ("SYR", "GOV")
    assert short.rule == "alias:Bashar al-Assad"


def test_surname_of_a_person_resolved_by_title_is_remembered(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of(
        "Kenyan Interior Minister Paul Otieno visited the camp. Otieno promised more aid."
    )
    later = found[-1]
    assert later.span.text == "Otieno"
    assert (later.name, later.country, later.sector) == ("Paul Otieno", "KEN", "GOV")


def test_apposition_lends_country_and_sector(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = actors_of("Avigdor Lieberman, Israel's defense minister, said the talks had failed.")
    assert len(found) == 1
    assert (found[0].span.text, found[0].country, found[0].sector) == (
        "Avigdor Lieberman",
        "ISR",
        "GOV",
    )
    assert "appos:" in found[0].rule


def test_flagged_sentences_are_skipped(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Moscow said no. Share this story with NATO friends."
    doc = nlp(text)
    spans = list(doc.sents)
    sentences = (
        Sentence(0, spans[0].start_char, spans[0].end_char, spans[0].text),
        Sentence(1, spans[1].start_char, spans[1].end_char, spans[1].text, flag="boilerplate"),
    )
    found = find_actors(doc, sentences)
    assert [a.span.text for a in found] == ["Moscow"]
    assert found[0].sentence == 0


def test_injected_tables(actors_of) -> None:  # type: ignore[no-untyped-def]
    entry = NameEntry("orgs", "Zorblax Front", "FRA", "REB", "group")
    tables = build_tables([("Zorblax Front", entry)])
    found = actors_of("The Zorblax Front attacked a depot.", tables=tables)
    assert [(a.name, a.country, a.sector) for a in found] == [("Zorblax Front", "FRA", "REB")]


def test_sponsor_ethnicity_and_one_country_context(actors_of) -> None:  # type: ignore[no-untyped-def]
    found = _by_text(actors_of("Iranian-backed militias attacked ethnic Albanians."))
    militias = found["Iranian-backed militias"]
    assert militias.country is None and militias.sector == "REB"
    assert found["ethnic Albanians"].country is None
    context = actors_of("President Joao Mendes thanked the people of Angola.")[0]
    assert (context.country, context.sector) == ("AGO", "GOV")
    assert context.rule.endswith("context:Angola")
