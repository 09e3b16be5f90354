"""A user's own actors: a CSV, TSV or YAML file named by the setting ``actors_file``.

Each row (or YAML item) is one actor, or one office of a person, with the columns of the
shipped tables: ``name`` (required), ``aliases`` (a YAML list, or ``|``-separated), ``kind``
(person, org, group, country or other; org when left out), ``country`` (ISO 3166 alpha-3 or a
PLOVER non-state code), ``sector`` (a PLOVER sector code), ``start_year``, ``end_year``,
``entity_id`` (a Wikidata id), ``office`` and ``note`` (for the reader, not used). As in
``people.tsv``, a person may have one row per office and the aliases written on any row
apply to all rows of that name; an alias written ``~Doe`` is used only after the full name
occurred in the article.

``read_actors_file`` validates every row and raises ActorsFileError naming the file, the
line and the reason; ``UserActors.pairs`` gives the (alias, entry) pairs that
``build_tables(overrides=...)`` compiles over the shipped tables.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pycountry
import yaml

from eventscope.actors.tables import (
    SECTOR_CODES,
    SPECIAL_COUNTRY_CODES,
    ActorTables,
    NameEntry,
    Table,
    name_key,
)
from eventscope.errors import ActorsFileError

FIELDS = (
    "name", "aliases", "kind", "country", "sector", "start_year", "end_year", "entity_id",
    "office", "note",
)  # fmt: skip
# A user's kind -> the table whose rules it follows (people are time-aware office holders;
# organisations and groups take their sector by year; countries are places).
KIND_TABLES: Mapping[str, Table] = {
    "person": "leaders",
    "org": "orgs",
    "group": "orgs",
    "other": "orgs",
    "country": "countries",
}
DEFAULT_KIND = "org"
FORMATS = {".csv": "CSV", ".tsv": "TSV", ".yaml": "YAML", ".yml": "YAML"}
YEARS = range(1000, 3000)
_QID = re.compile(r"Q[1-9][0-9]*")
_COUNTRIES = frozenset(c.alpha_3 for c in pycountry.countries) | SPECIAL_COUNTRY_CODES


@dataclass(frozen=True, slots=True)
class UserActor:
    """One validated row of a user actors file."""

    name: str
    aliases: tuple[str, ...]  # as written: "~" marks an in-article-only alias
    kind: str
    country: str | None
    sector: str | None
    start_year: int | None
    end_year: int | None
    entity_id: str | None
    office: str
    line: int  # where the row starts in the file

    def entry(self) -> NameEntry:
        """The table entry this row gives, marked as coming from the user's file."""
        return NameEntry(
            table=KIND_TABLES[self.kind],
            name=self.name,
            country=self.country,
            sector=self.sector,
            kind=self.kind,
            start_year=self.start_year,
            end_year=self.end_year,
            entity_id=self.entity_id,
            office=self.office,
            source="user",
        )


@dataclass(frozen=True, slots=True)
class UserActors:
    """A user actors file, read and validated."""

    path: str
    digest: str  # a short hash of the content, for the tables version events carry
    actors: tuple[UserActor, ...]

    def pairs(self) -> list[tuple[str, NameEntry]]:
        """(alias, entry) pairs: each row under its name and under every alias of the name."""
        aliases: dict[str, list[str]] = {}
        for actor in self.actors:
            aliases.setdefault(actor.name, []).extend(actor.aliases)
        out: list[tuple[str, NameEntry]] = []
        for actor in self.actors:
            entry = actor.entry()
            out.append((actor.name, entry))
            for alias in dict.fromkeys(aliases[actor.name]):
                surface = alias.removeprefix("~").strip()
                if surface and surface != actor.name:
                    doc_only = alias.startswith("~")
                    out.append((surface, dataclasses.replace(entry, doc_only=doc_only)))
        return out


@dataclass(frozen=True, slots=True)
class Changes:
    """What a user actors file does to the shipped tables, name by name (aliases count)."""

    path: str
    rows: int
    added: tuple[str, ...]  # names new to the tables
    overridden: tuple[str, ...]  # names whose shipped entries the file replaces

    def describe(self) -> str:
        """ "FILE: 3 rows, valid; adds 4 names, overrides 1 shipped name: Hamas"."""
        text = f"{self.path}: {self.rows} rows, valid; adds {_count(len(self.added), 'name')}"
        text += f", overrides {_count(len(self.overridden), 'shipped name')}"
        return text + (f": {', '.join(self.overridden)}" if self.overridden else "")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def compare(user: UserActors, shipped: ActorTables) -> Changes:
    """Which of the file's names (and aliases) are new and which replace shipped entries."""
    surfaces: dict[str, str] = {}
    for surface, _entry in user.pairs():
        surfaces.setdefault(name_key(surface), surface)
    added = tuple(s for key, s in surfaces.items() if key not in shipped.names)
    overridden = tuple(s for key, s in surfaces.items() if key in shipped.names)
    return Changes(user.path, len(user.actors), added, overridden)


def read_actors_file(path: str | Path) -> UserActors:
    """Read and validate a user actors file (.csv, .tsv, .yaml or .yml)."""
    file = str(path)
    kind = FORMATS.get(Path(path).suffix.lower())
    if kind is None:
        raise ActorsFileError(file, "unknown format: name it .csv, .tsv, .yaml or .yml")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ActorsFileError(file, f"cannot read actors file ({exc.strerror})") from exc
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActorsFileError(file, f"not UTF-8 text (byte {exc.start})") from exc
    if kind == "YAML":
        rows = _yaml_rows(text, file)
    else:
        rows = _delimited_rows(text, "," if kind == "CSV" else "\t", kind, file)
    actors = tuple(_actor(raw, file, line) for line, raw in rows)
    return UserActors(file, hashlib.sha256(data).hexdigest()[:12], actors)


# --- reading the formats ------------------------------------------------------------------


def _delimited_rows(
    text: str, delimiter: str, kind: str, file: str
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV or TSV file with the line each starts on. Lines starting with "#"
    are comments; a row may leave out trailing empty cells."""
    # Comments become blank lines, which the reader skips, so line numbers stay the file's.
    lines = text.splitlines(keepends=True)
    blanked = "".join("\n" if line.lstrip().startswith("#") else line for line in lines)
    reader = csv.reader(io.StringIO(blanked, newline=""), delimiter=delimiter, strict=True)
    header: list[str] | None = None
    rows: list[tuple[int, dict[str, str]]] = []
    line = 1
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                line = reader.line_num + 1
                continue
            if header is None:
                header = _header(cells, file, reader.line_num)
            elif len(cells) > len(header):
                reason = f"{len(cells)} fields, but the header has {len(header)}"
                raise ActorsFileError(file, reason, line)
            else:
                rows.append((line, dict(zip(header, cells, strict=False))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ActorsFileError(file, f"not valid {kind} ({exc})", line) from exc
    if header is None:
        raise ActorsFileError(file, f"no header line (columns: {', '.join(FIELDS)})")
    return rows


def _header(cells: list[str], file: str, line: int) -> list[str]:
    header = [cell.strip().lower() for cell in cells]
    unknown = [name for name in header if name not in FIELDS]
    if unknown:
        reason = f"unknown column {unknown[0]!r}; known: {', '.join(FIELDS)}"
        raise ActorsFileError(file, reason, line)
    if len(set(header)) < len(header):
        twice = next(name for name in header if header.count(name) > 1)
        raise ActorsFileError(file, f"column {twice!r} appears twice", line)
    if "name" not in header:
        raise ActorsFileError(file, "no 'name' column", line)
    return header


def _yaml_rows(text: str, file: str) -> list[tuple[int, Any]]:
    """The items of a YAML list (top level, or under a single ``actors:`` key) with the
    line each starts on."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise ActorsFileError(file, "empty: expected a list of actors ('- name: ...')")
        if (
            isinstance(root, yaml.MappingNode)
            and len(root.value) == 1
            and root.value[0][0].value == "actors"
        ):
            root = root.value[0][1]
        if not isinstance(root, yaml.SequenceNode):
            reason = "expected a list of actors ('- name: ...'), or one under 'actors:'"
            raise ActorsFileError(file, reason, root.start_mark.line + 1)
        return [(item.start_mark.line + 1, loader.construct_document(item)) for item in root.value]
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark is not None else None
        raise ActorsFileError(file, f"not valid YAML ({exc.problem})", line) from exc
    except yaml.YAMLError as exc:
        raise ActorsFileError(file, f"not valid YAML ({exc})") from exc
    finally:
        loader.dispose()


# --- validating a row ---------------------------------------------------------------------


def _actor(raw: Any, file: str, line: int) -> UserActor:
    """Validate one raw row; every problem names the file and the line."""
    try:
        return _validated(raw, line)
    except ValueError as exc:
        raise ActorsFileError(file, str(exc), line) from None


def _validated(raw: Any, line: int) -> UserActor:
    if not isinstance(raw, dict):
        raise ValueError("an actor must be a set of keys (name, aliases, kind, country, ...)")
    unknown = [str(key) for key in raw if key not in FIELDS]
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; known: {', '.join(FIELDS)}")
    name = _text(raw.get("name"), "name")
    if not name_key(name):
        raise ValueError("no name: every actor needs a 'name'")
    kind = _text(raw.get("kind"), "kind").lower() or DEFAULT_KIND
    if kind not in KIND_TABLES:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(KIND_TABLES)}")
    country = _country(_text(raw.get("country"), "country"))
    sector = _sector(_text(raw.get("sector"), "sector"))
    if kind == "country" and (country is None or sector is not None):
        raise ValueError("a country needs a country code and has no sector (use kind 'org')")
    start, end = _year(raw.get("start_year"), "start_year"), _year(raw.get("end_year"), "end_year")
    if start is not None and end is not None and start > end:
        raise ValueError(f"start_year {start} is after end_year {end}")
    return UserActor(
        name=name,
        aliases=_aliases(raw.get("aliases")),
        kind=kind,
        country=country,
        sector=sector,
        start_year=start,
        end_year=end,
        entity_id=_entity_id(_text(raw.get("entity_id"), "entity_id")),
        office=_text(raw.get("office"), "office"),
        line=line,
    )


def _text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"{field} must be text, not {type(value).__name__}")
    return str(value).strip()


def _aliases(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        items = [_text(item, "an alias") for item in value]
    else:
        items = _text(value, "aliases").split("|")
    return tuple(alias for alias in (item.strip() for item in items) if name_key(alias))


def _country(value: str) -> str | None:
    if not value:
        return None
    code = value.upper()
    if code in _COUNTRIES:
        return code
    hint = ""
    if len(code) == 2 and (found := pycountry.countries.get(alpha_2=code)) is not None:
        hint = f" (did you mean {found.alpha_3}?)"
    special = ", ".join(sorted(SPECIAL_COUNTRY_CODES))
    raise ValueError(f"country {value!r} is not an ISO 3166 alpha-3 code or one of {special}{hint}")


def _sector(value: str) -> str | None:
    if not value:
        return None
    if value.upper() not in SECTOR_CODES:
        known = " ".join(sorted(SECTOR_CODES))
        raise ValueError(f"sector {value!r} is not a PLOVER sector code ({known})")
    return value.upper()


def _year(value: Any, field: str) -> int | None:
    # A YAML date ("2020-01-01") or a list is no year either; say so in the same words.
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if isinstance(value, bool) or not text.isdigit() or int(text) not in YEARS:
        raise ValueError(f"{field} {text!r} is not a year (four digits, like 2019)")
    return int(text)


def _entity_id(value: str) -> str | None:
    if not value:
        return None
    if not _QID.fullmatch(value.upper()):
        raise ValueError(f"entity_id {value!r} is not a Wikidata id (like Q42)")
    return value.upper()
