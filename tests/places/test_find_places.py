"""find_places on the team's own sentences with the real model and a small gazetteer."""

from __future__ import annotations

import math

from eventscope.places import Gazetteer, find_places
from eventscope.records import Place, Sentence


def sentences_of(doc) -> tuple[Sentence, ...]:  # type: ignore[no-untyped-def]
    return tuple(Sentence(i, s.start_char, s.end_char, s.text) for i, s in enumerate(doc.sents))


def places_in(nlp, gazetteer: Gazetteer, text: str) -> tuple[Place, ...]:  # type: ignore[no-untyped-def]
    doc = nlp(text)
    return find_places(doc, sentences_of(doc), gazetteer=gazetteer)


def by_text(places: tuple[Place, ...], text: str) -> Place:
    found = [p for p in places if p.span.text == text]
    assert found, f"{text!r} not among {[p.span.text for p in places]}"
    return found[0]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def test_tripoli_follows_the_article_country(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    libya = places_in(
        nlp,
        gazetteer,
        "Militias clashed near Benghazi on Sunday. The fighting later reached "
        "Tripoli, where the unity government sits.",
    )
    lebanon = places_in(
        nlp,
        gazetteer,
        "The mayor of Beirut toured Sidon and Tyre. Later he drove north to "
        "Tripoli, the second city of Lebanon.",
    )
    assert by_text(libya, "Tripoli").country == "LBY"
    assert by_text(lebanon, "Tripoli").country == "LBN"
    assert "article about LB" in by_text(lebanon, "Tripoli").rule


def test_georgia_is_the_country_or_the_state_by_context(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    country = places_in(
        nlp, gazetteer, "Russian tanks rolled into Georgia, and shells fell near Tbilisi."
    )
    state = places_in(
        nlp,
        gazetteer,
        "Thousands marched in Atlanta and Savannah. Lawmakers in Georgia then passed the bill.",
    )
    assert (by_text(country, "Georgia").country, by_text(country, "Georgia").feature) == (
        "GEO",
        "country",
    )
    assert (by_text(state, "Georgia").country, by_text(state, "Georgia").feature) == (
        "USA",
        "admin1",
    )


def test_places_missing_from_geonames_resolve(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(
        nlp,
        gazetteer,
        "Israeli jets struck targets in the Golan Heights. Russian bombers "
        "took off from Hmeimim air base to hit rebels in Idlib province.",
    )
    golan = by_text(places, "Golan Heights")
    assert (golan.feature, golan.country, golan.geonameid) == ("region", "SYR", None)
    base = next(p for p in places if p.span.text.startswith("Hmeimim"))
    assert base.feature == "landmark" and base.country == "SYR"
    assert km(base.lat, base.lon, 35.40, 35.95) < 30  # type: ignore[arg-type]
    idlib = by_text(places, "Idlib")
    assert idlib.feature == "admin1" and "named as a region" in idlib.rule


def test_nationality_words_name_a_country_marked_as_no_location(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(
        nlp, gazetteer, "Syrian officials met Russian diplomats in Ankara. The Russians left."
    )
    located = [p for p in places if not p.rule.startswith("modifier:")]
    assert [p.span.text for p in located] == ["Ankara"]
    assert located[0].country == "TUR"
    # "Syrian officials" names Syria (GeoWebNews counts such toponyms); "the Russians" does not.
    named = {p.span.text: (p.country, p.feature) for p in places if p not in located}
    assert named == {"Syrian": ("SYR", "country"), "Russian": ("RUS", "country")}


def test_places_inside_organisation_names_are_found_and_marked(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(nlp, gazetteer, "The Bank of Canada raised rates, the Toronto Star said.")
    embedded = {p.span.text: p.country for p in places if p.rule.startswith("embedded:")}
    assert embedded == {"Canada": "CAN", "Toronto": "CAN"}


def test_coordinates_are_within_tolerance(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(nlp, gazetteer, "Talks moved from Damascus to Cairo and then to Nairobi.")
    expected = {"Damascus": (33.51, 36.29), "Cairo": (30.04, 31.24), "Nairobi": (-1.29, 36.82)}
    for name, (lat, lon) in expected.items():
        place = by_text(places, name)
        assert place.geonameid is not None and place.feature == "city"
        assert km(place.lat, place.lon, lat, lon) < 25, name  # type: ignore[arg-type]
        assert 0.5 <= place.confidence <= 1.0


def test_town_followed_by_its_state(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(nlp, gazetteer, "She grew up in Paris, Texas, and later moved to Dallas.")
    paris = by_text(places, "Paris")
    assert paris.country == "USA" and paris.admin1 == "Texas"
    assert "followed by its region Texas" in paris.rule


def test_spans_are_article_offsets_and_flagged_sentences_are_skipped(  # type: ignore[no-untyped-def]
    nlp, gazetteer: Gazetteer
) -> None:
    text = "Photo: a street in Lagos. Protesters gathered in Nairobi on Friday."
    doc = nlp(text)
    sentences = list(sentences_of(doc))
    sentences[0] = Sentence(
        index=0,
        start=sentences[0].start,
        end=sentences[0].end,
        text=sentences[0].text,
        flag="caption",
    )
    places = find_places(doc, tuple(sentences), gazetteer=gazetteer)
    assert [p.span.text for p in places] == ["Nairobi"]
    assert all(text[p.span.start : p.span.end] == p.span.text for p in places)
    assert places[0].sentence == 1


def test_unknown_toponym_is_kept_unresolved(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(nlp, gazetteer, "Villagers fled Zqorblatown in Kenya on Monday.")
    kenya = by_text(places, "Kenya")
    assert kenya.feature == "country"
    unresolved = [p for p in places if p.geonameid is None and p.lat is None]
    assert all(p.confidence < 0.3 and "not in gazetteer" in p.rule for p in unresolved)


def test_town_and_region_are_read_together(nlp, gazetteer: Gazetteer) -> None:  # type: ignore[no-untyped-def]
    places = places_in(nlp, gazetteer, "The rally took place in Athens, Georgia, on Saturday.")
    athens, georgia = by_text(places, "Athens"), by_text(places, "Georgia")
    assert (athens.country, athens.admin1) == ("USA", "Georgia")
    assert (georgia.country, georgia.feature) == ("USA", "admin1")
