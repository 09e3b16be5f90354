"""locate_event: which of the article's places an event happened at."""

from __future__ import annotations

import dataclasses

from eventscope.places import Gazetteer, find_places, locate_event, locate_events, main_place
from eventscope.places.gazetteer import compass_part
from eventscope.records import Actor, Event, Place, Sentence, Span


def sentences_of(doc) -> tuple[Sentence, ...]:  # type: ignore[no-untyped-def]
    return tuple(Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents))


def event_at(
    text: str, trigger: str, *, sentence: int = 0, source: tuple[Actor, ...] = ()
) -> Event:
    start = text.index(trigger)
    return Event(
        id="e1",
        article_id="a1",
        sentence=sentence,
        evidence=text,
        type="ASSAULT",
        trigger=Span(start, start + len(trigger), trigger),
        source=source,
    )


def locate(nlp, gazetteer: Gazetteer, text: str, event: Event) -> Place | None:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    sentences = sentences_of(doc)
    places = find_places(doc, sentences, gazetteer=gazetteer)
    return locate_event(event, places, sentences, doc)


def locate_all(nlp, gazetteer: Gazetteer, text: str, events: list[Event]) -> list[Place | None]:  # type: ignore[no-untyped-def]
    """``locate_events`` on the text's own parse and places (the article-level refinements)."""
    doc = nlp(text)
    sentences = sentences_of(doc)
    places = find_places(doc, sentences, gazetteer=gazetteer)
    return locate_events(events, places, sentences, doc, gazetteer=gazetteer)


def test_the_action_place_beats_the_speakers_capital(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "In Moscow, the foreign ministry said Syrian forces shelled Idlib on Tuesday."
    place = locate(nlp, gazetteer, text, event_at(text, "shelled"))
    assert place is not None and place.span.text == "Idlib" and place.country == "SYR"
    assert "location:" in place.rule


def test_locative_preposition_in_the_clause_wins(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "Officials in Baghdad said militants attacked a checkpoint near Kirkuk overnight."
    place = locate(nlp, gazetteer, text, event_at(text, "attacked"))
    assert place is not None and place.span.text == "Kirkuk"
    assert "'near Kirkuk'" in place.rule


def test_source_actor_place_is_not_the_location(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "Turkey shelled Kurdish positions in Afrin."
    turkey = Actor(span=Span(0, 6, "Turkey"), sentence=0, name="Turkey", kind="country")
    place = locate(nlp, gazetteer, text, event_at(text, "shelled", source=(turkey,)))
    assert place is not None and place.span.text == "Afrin"


def test_falls_back_to_the_main_place(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Heavy fighting was reported in Mosul on Monday. Residents of Mosul fled west. "
        "Soldiers fired on the crowd."
    )
    place = locate(nlp, gazetteer, text, event_at(text, "fired", sentence=2))
    assert place is not None and place.name == "Mosul"
    assert "main place" in place.rule


def test_no_places_no_location(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "Soldiers fired on the crowd."
    assert locate(nlp, gazetteer, text, event_at(text, "fired")) is None


def test_speaker_capital_alone_is_not_a_location(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "In Moscow, the ministry said troops shelled the town."
    place = locate(nlp, gazetteer, text, event_at(text, "shelled"))
    assert place is None


def test_main_place_counts_mentions_and_skips_unresolved() -> None:
    def place(start: int, name: str, *, resolved: bool = True) -> Place:
        return Place(
            span=Span(start, start + len(name), name),
            sentence=0,
            name=name,
            lat=1.0 if resolved else None,
            geonameid=1 if resolved else None,
            feature="city",
        )

    places = (
        place(0, "Aleppo"),
        place(10, "Homs"),
        place(20, "Homs"),
        place(30, "X", resolved=False),
    )
    chosen = main_place(places)
    assert chosen is not None and chosen.name == "Homs" and chosen.span.start == 10
    assert main_place(places, exclude=frozenset({10, 20})).name == "Aleppo"  # type: ignore[union-attr]
    assert main_place(()) is None


def test_nationality_words_and_organisation_names_locate_nothing(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "Russian troops shelled the village, the Bank of Canada said."
    assert locate(nlp, gazetteer, text, event_at(text, "shelled")) is None
    # ... nor do they make an article's main place.
    text = "Russian officials spoke. Russian diplomats left. Soldiers fired on the crowd in Mosul."
    place = locate(nlp, gazetteer, text, event_at(text, "fired", sentence=2))
    assert place is not None and place.name == "Mosul"


def test_a_re_mention_takes_the_place_of_its_incident(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Gunmen attacked a hotel in Bamako on Friday. The attack killed twenty guests. "
        "Ministers met in Paris, and talks went on in Paris."
    )
    doc = nlp(text)
    sentences = sentences_of(doc)
    places = find_places(doc, sentences, gazetteer=gazetteer)
    attacked = event_at(text, "attacked")
    start = text.index("The attack") + len("The ")
    attack = Event(
        id="e2",
        article_id="a1",
        sentence=1,
        evidence="The attack killed twenty guests.",
        type="ASSAULT",
        trigger=Span(start, start + len("attack"), "attack"),
    )
    # Alone, "the attack" would be put at the article's main place ...
    alone = locate_event(attack, places, sentences, doc)
    assert alone is not None and alone.name == "Paris"
    # ... but its incident was placed in Bamako.
    first, second = locate_events([attacked, attack], places, sentences, doc)
    assert first is not None and second is not None
    assert first.name == second.name == "Bamako"
    assert "another mention of the incident" in second.rule


def test_a_country_that_is_a_party_is_not_the_place(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    # The other side of a dispute or a talk, not where it happened.
    text = "The minister warned of a trade war between Japan and Brazil."
    assert locate(nlp, gazetteer, text, event_at(text, "warned")) is None
    text = "The senator criticised his talks with Russia."
    assert locate(nlp, gazetteer, text, event_at(text, "criticised")) is None
    # A capital as subject stands for its government.
    text = "Moscow warned of a crisis in Venezuela."
    place = locate(nlp, gazetteer, text, event_at(text, "warned"))
    assert place is not None and place.span.text == "Venezuela"
    # The object of an attack is where it happened.
    text = "Troops from Chad invaded Niger at dawn."
    invaded = event_at(text, "invaded")
    place = locate(nlp, gazetteer, text, invaded)
    assert place is not None and place.span.text == "Niger"
    # A subject or object country is a party too; a locative one is still the place.
    text = "Mexico and Canada signed the accord in Ottawa."
    place = locate(nlp, gazetteer, text, event_at(text, "signed"))
    assert place is not None and place.span.text == "Ottawa"


def test_parties_do_not_make_the_main_place(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Officials met in Chicago on Monday. The mayor attacked Canada. "
        "Brazil and Canada rejected his claims. He threatened Canada again. "
        "Police arrested two men."
    )
    place = locate(nlp, gazetteer, text, event_at(text, "arrested", sentence=4))
    assert place is not None and place.name == "Chicago"
    assert "main place" in place.rule


def test_a_where_clause_names_the_place_of_its_act(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    # The act sits in a relative clause of the place: "Kunduz, where rebels attacked".
    text = "Officials in Kabul said troops entered Kunduz, where rebels attacked a police post."
    place = locate(nlp, gazetteer, text, event_at(text, "attacked"))
    assert place is not None and place.span.text == "Kunduz"
    assert "where" in place.rule


def test_an_unplaced_decision_is_taken_in_the_sources_country(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Soldiers cleared the protest camps in Cairo on Wednesday. Clashes spread across Cairo "
        "and Alexandria. Washington said it would suspend military aid."
    )
    usa = Actor(
        span=Span(0, 0, ""), sentence=2, name="United States", kind="country", country="USA"
    )
    suspend = dataclasses.replace(
        event_at(text, "suspend", sentence=2, source=(usa,)), type="SANCTION"
    )
    place = locate(nlp, gazetteer, text, suspend)
    assert place is not None and place.country == "USA"
    assert "source's own country" in place.rule
    # An attack, a deployment or a visit happens abroad: it keeps the article's main place.
    visit = dataclasses.replace(suspend, type="CONSULT")
    place = locate(nlp, gazetteer, text, visit)
    assert place is not None and place.name == "Cairo"


def test_a_place_above_the_act_places_it_unless_it_reports_it(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "Police blocked the streets in Hamburg and used water cannons on the crowd."
    place = locate(nlp, gazetteer, text, event_at(text, "used"))
    assert place is not None and place.span.text == "Hamburg"
    # The reporting clause's place is the speaker's, not the act's (nothing else places it).
    text = "In Moscow, the ministry said that troops used water cannons on the crowd."
    assert locate(nlp, gazetteer, text, event_at(text, "used")) is None


def test_compass_words_name_a_part_of_the_country() -> None:
    assert compass_part("fighting in eastern ") == "east"
    assert compass_part("the North-Western ") == "north west"
    assert compass_part("across northeastern ") == "north east"
    assert compass_part("in central ") == "central"
    # A bare compass word is too often part of a name ("North Korea", "East Timor").
    assert compass_part("talks with North ") is None
    assert compass_part("the pattern ") is None and compass_part("in ") is None


def test_a_country_named_with_a_compass_word_is_placed_in_that_part(
    nlp, gazetteer: Gazetteer
) -> None:  # type: ignore[no-untyped-def]
    text = "Separatists shelled towns in eastern Ukraine on Tuesday."
    [place] = locate_all(nlp, gazetteer, text, [event_at(text, "shelled")])
    assert place is not None and place.name == "eastern Ukraine" and place.country == "UKR"
    assert place.lon is not None and place.lon > 36  # Donbas, not the country's centre (32)
    assert "the east of the country" in place.rule
    text = "Separatists shelled towns in Ukraine on Tuesday."
    [place] = locate_all(nlp, gazetteer, text, [event_at(text, "shelled")])
    assert place is not None and place.name == "Ukraine"


def test_a_governments_act_placed_at_its_country_is_in_its_capital(
    nlp, gazetteer: Gazetteer
) -> None:  # type: ignore[no-untyped-def]
    text = "Kenya's foreign ministry said the government in Kenya would recall its envoy."
    ministry = Actor(
        span=Span(0, 24, "Kenya's foreign ministry"), sentence=0, name="Kenya's foreign ministry",
        kind="organisation", country="KEN", sector="GOV",
    )  # fmt: skip
    recall = dataclasses.replace(event_at(text, "recall", source=(ministry,)), type="REDUCE")
    [place] = locate_all(nlp, gazetteer, text, [recall])
    assert place is not None and place.name == "Nairobi" and place.country == "KEN"
    assert "seat of the source's government" in place.rule
    # Rebels are not the government; an attack happens where it is done, not at home.
    rebels = dataclasses.replace(ministry, sector="REB")
    for event in (
        dataclasses.replace(recall, source=(rebels,)),
        dataclasses.replace(recall, type="ASSAULT"),
    ):
        [place] = locate_all(nlp, gazetteer, text, [event])
        assert place is not None and place.name == "Kenya"


def test_a_city_named_in_a_sites_name_places_the_act(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "The killing of a journalist in the country's Istanbul Consulate shocked diplomats."
    place = locate(nlp, gazetteer, text, event_at(text, "killing"))
    assert place is not None and place.name == "Istanbul"
    # A bank is an organisation, not a site: its city does not place what it does.
    text = "The Bank of Canada raised interest rates on Wednesday."
    place = locate(nlp, gazetteer, text, event_at(text, "raised"))
    assert place is None or "embedded" not in place.rule


def test_what_a_noun_is_over_is_its_topic_not_its_place(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    text = "The row over Taiwan escalated when ministers met in Geneva."
    place = locate(nlp, gazetteer, text, event_at(text, "row"))
    assert place is None or place.name != "Taiwan"
    text = "A drone was shot down over Ukraine on Monday."
    place = locate(nlp, gazetteer, text, event_at(text, "shot"))
    assert place is not None and place.name == "Ukraine"
