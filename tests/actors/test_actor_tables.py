"""The actor data files: every row well-formed, codes valid, keys unique, years in order."""

from __future__ import annotations

import re
from collections import defaultdict
from importlib import resources

import pycountry
import pytest

from eventscope.actors.tables import (
    DATA_FILES,
    ORG_KINDS,
    SEAT_KINDS,
    SECTOR_CODES,
    SPECIAL_COUNTRY_CODES,
    load_tables,
    name_key,
    read_rows,
    term_key,
)

ISO3 = {c.alpha_3 for c in pycountry.countries}
VALID_COUNTRIES = ISO3 | SPECIAL_COUNTRY_CODES


def _year(value: str) -> int | None:
    return int(value) if value else None


@pytest.mark.parametrize("filename", DATA_FILES)
def test_each_file_says_where_it_comes_from_and_has_a_header(filename: str) -> None:
    text = resources.files("eventscope.data").joinpath("actors", filename).read_text("utf-8")
    lines = text.splitlines()
    assert lines[0].startswith("# "), "first line: a comment naming the source"
    header = next(line for line in lines if not line.startswith("#"))
    assert "\t" in header and not header[0].isupper()
    width = len(header.split("\t"))
    for line in lines:
        if line and not line.startswith("#"):
            assert len(line.split("\t")) == width, f"{filename}: {line!r}"


def test_countries_have_valid_codes_and_unique_aliases() -> None:
    seen: dict[str, str] = {}
    preferred: dict[str, str] = {}
    for row in read_rows("countries.tsv"):
        assert row["iso3"] in VALID_COUNTRIES, row
        assert row["preferred"] in ("", "yes"), row
        key = name_key(row["alias"])
        assert key not in seen, f"duplicate alias {row['alias']!r}"
        seen[key] = row["iso3"]
        if row["preferred"]:
            assert row["iso3"] not in preferred, f"two preferred names for {row['iso3']}"
            preferred[row["iso3"]] = row["alias"]


def test_country_ids_are_unique_wikidata_ids_of_valid_countries() -> None:
    rows = read_rows("country_ids.tsv")
    assert len(rows) > 150
    for row in rows:
        assert row["iso3"] in VALID_COUNTRIES, row
        assert re.fullmatch(r"Q\d+", row["entity_id"]), row
    assert len({r["iso3"] for r in rows}) == len(rows)
    assert len({r["entity_id"] for r in rows}) == len(rows)
    # Every alias of a state carries its id ("Syria", "Syrian Arab Republic").
    tables = load_tables()
    expected = {
        "Syria": "Q858",
        "Syrian Arab Republic": "Q858",
        "United States": "Q30",
        "USA": "Q30",
    }
    for name, qid in expected.items():
        ids = {e.entity_id for a in tables.names[name_key(name)] for e in a.entries}
        assert ids == {qid}, name


def test_demonyms_have_valid_codes_and_unique_words() -> None:
    seen: set[str] = set()
    for row in read_rows("demonyms.tsv"):
        assert row["iso3"] in VALID_COUNTRIES, row
        words = {row["demonym"]}
        if row["plural"] not in ("", "-"):
            words.add(row["plural"])
        for word in words:
            key = name_key(word)
            assert key not in seen, f"duplicate demonym {word!r}"
            seen.add(key)


def test_seats_have_valid_codes_and_sectors() -> None:
    names = [row["name"] for row in read_rows("seats.tsv")]
    assert len({name_key(n) for n in names}) == len(names)
    for row in read_rows("seats.tsv"):
        assert row["iso3"] in VALID_COUNTRIES, row
        assert row["sector"] in SECTOR_CODES, row
        assert row["kind"] in SEAT_KINDS, row


def test_organizations_rows() -> None:
    keys: set[tuple[str, int | None]] = set()
    alias_owner: dict[str, str] = {}
    for row in read_rows("organizations.tsv"):
        assert row["country"] in VALID_COUNTRIES, row
        assert row["sector"] == "" or row["sector"] in SECTOR_CODES, row
        assert row["kind"] in ORG_KINDS, row
        start, end = _year(row["start_year"]), _year(row["end_year"])
        assert start is None or end is None or start <= end, row
        assert re.fullmatch(r"(Q\d+)?", row["entity_id"]), row
        key = (row["name"], start)
        assert key not in keys, f"duplicate row {key}"
        keys.add(key)
        for alias in [row["name"], *filter(None, row["aliases"].split("|"))]:
            owner = alias_owner.setdefault(name_key(alias.lstrip("~")), row["name"])
            assert owner == row["name"], f"{alias!r} names both {owner!r} and {row['name']!r}"


def test_people_rows() -> None:
    rows_of: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
    keys: set[tuple[str, int]] = set()
    for row in read_rows("people.tsv"):
        assert row["country"] in VALID_COUNTRIES, row
        assert row["sector"] in SECTOR_CODES, row
        assert row["office"], row
        start, end = _year(row["start_year"]), _year(row["end_year"])
        assert start is not None and 1900 < start < 2030, row
        assert end is None or start <= end, row
        assert re.fullmatch(r"(Q\d+)?", row["entity_id"]), row
        key = (row["name"], start)
        assert key not in keys, f"duplicate row {key}"
        keys.add(key)
        if rows_of[row["name"]]:
            assert row["aliases"] == "", f"aliases go on {row['name']!r}'s first row only"
        rows_of[row["name"]].append((start, end))
    for name, spans in rows_of.items():
        spans.sort()
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            # Rows of one person may share a changeover year, never more.
            assert end is not None and end <= start, f"{name}: overlapping offices"


def test_sector_terms() -> None:
    seen: set[str] = set()
    for row in read_rows("sectors.tsv"):
        assert row["strength"] in ("strong", "weak", "override"), row
        if row["sector"] == "":
            assert row["strength"] == "weak", f"only a weak term may lack a sector: {row}"
        else:
            assert row["sector"] in SECTOR_CODES, row
        key = term_key(re.split(r"[\s-]+", row["term"]))
        assert key not in seen, f"duplicate term {row['term']!r}"
        seen.add(key)
        assert row["term"] == row["term"].lower(), "terms are written as lowercase lemmas"


def test_regions_are_unique() -> None:
    names = [name_key(row["name"]) for row in read_rows("regions.tsv")]
    assert len(names) == len(set(names))


def test_loaded_tables_are_compiled_once_and_know_the_basics() -> None:
    tables = load_tables()
    assert load_tables() is tables
    assert tables.country_names["SYR"] == "Syria"
    assert tables.country_names["GBR"] == "United Kingdom"
    # pycountry names are there even without an alias row.
    assert any(e.country == "BTN" for a in tables.names[name_key("Bhutan")] for e in a.entries)
    assert tables.terms["riot police"].sector == "COP"
    assert tables.terms["government force"].sector == "MIL"
