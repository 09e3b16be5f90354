"""The API's read queries: events under a filter, counts, places, the actor network, one
event with its evidence, one article with its events, statements.

Every value from a request is a query parameter (``$name``); the only SQL assembled here is
chosen from fixed fragments in this module (the filter clauses that apply, the grouping key
named by a fixed vocabulary), never text from a request.

An event's day is the day written in the text when it names one, else the publication date
(as ``eventscope counts``). ``mentions`` counts event rows; ``events`` counts real-world
events, an aggregated event once however many rows report it (a row not yet aggregated
counts as its own event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import duckdb

from eventscope.store.statements import StatementFilter, statement_query

Cursor = duckdb.DuckDBPyConnection
CountKey = Literal["day", "week", "month", "year", "country", "dyad", "type", "quad"]
COUNT_KEYS: tuple[CountKey, ...] = get_args(CountKey)
PERIOD_KEYS = frozenset({"day", "week", "month", "year"})


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Which event rows to use; empty means any. Values are already validated."""

    since: dt.date | None = None
    until: dt.date | None = None
    countries: tuple[str, ...] = ()  # where it happened, or a source/target actor's country
    actor: str | None = None  # part of an actor's name or written words, any case; or ISO3
    types: tuple[str, ...] = ()
    quads: tuple[str, ...] = ()
    factualities: tuple[str, ...] = ()
    text: str | None = None  # part of the evidence sentence, trigger or headline, any case
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    article_id: str | None = None
    actor_id: str | None = None  # an actor's canonical key (``actor_key``): source or target
    acled: tuple[str, ...] = ()  # ACLED sub-event codes
    min_fatalities: int | None = None  # the event's stated death toll at least this


@dataclass(frozen=True, slots=True)
class Page:
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Rows:
    """One page of a list, with the number of rows in all pages."""

    total: int
    items: list[dict[str, Any]] = field(default_factory=list)


_DAY = "coalesce(CASE WHEN e.date_precision = 'day' THEN TRY_CAST(e.date AS DATE) END, a.published)"


def actor_key(alias: str) -> str:
    """SQL for an actor's canonical identity: a country as an actor is its country code
    ("Washington", "the United States"); else its entity id where the tables know one; else
    its resolved name (any case) and country, so "Companies" and "companies" are one actor."""
    return (
        f"CASE WHEN {alias}.kind = 'country' AND {alias}.country IS NOT NULL "
        f"THEN 'country:' || {alias}.country "
        f"WHEN {alias}.entity_id IS NOT NULL THEN 'id:' || {alias}.entity_id "
        f"ELSE 'name:' || lower(coalesce({alias}.name, {alias}.text, '')) || '|' "
        f"|| coalesce({alias}.country, '') END"
    )


def generic_actor(alias: str) -> str:
    """SQL: the actor is generic or unresolved: a bare pronoun ("They", "I") whatever it
    resolved to; or no entity id and no country, and its name is lower-case, a bare role
    ("Companies", "All workers") or starts with a quantifier."""
    name = f"coalesce({alias}.name, {alias}.text, '')"
    return (
        f"(regexp_matches(lower(trim({name})), "
        r"'^(i|we|you|he|she|it|they|them|us|him|her|me|one|someone|somebody)$') OR "
        f"{alias}.entity_id IS NULL AND {alias}.country IS NULL AND ({alias}.kind = 'role' "
        f"OR {name} = lower({name}) OR regexp_matches(lower({name}), "
        r"'^(all|any|some|many|most|several|other|others|both|each|the|these|those|a|an|"
        r"[0-9]+|two|three|four|five|six|seven|eight|nine|ten|dozens|hundreds|thousands)\b')))"
    )


# The identities and generic flags of the actor tables' aliases, as constant SQL.
_ANY_KEY = actor_key("y")
_SOURCE_KEY = actor_key("s")
_TARGET_KEY = actor_key("t")
_SOURCE_GENERIC = generic_actor("s")
_TARGET_GENERIC = generic_actor("t")

# Each clause applies when its parameter is set; a clause names only its own parameters.
_CLAUSES: tuple[tuple[str, str], ...] = (
    ("since", f"{_DAY} >= $since"),
    ("until", f"{_DAY} <= $until"),
    (
        "countries",
        "(list_contains($countries, e.place_country) OR EXISTS (SELECT 1 FROM event_actors c "
        "WHERE c.event_id = e.id AND c.role IN ('source', 'target') "
        "AND list_contains($countries, c.country)))",
    ),
    (
        "actor",
        "EXISTS (SELECT 1 FROM event_actors x WHERE x.event_id = e.id "
        "AND x.role IN ('source', 'target') AND (contains(lower(coalesce(x.name, '')), $actor) "
        "OR contains(lower(coalesce(x.text, '')), $actor) OR lower(x.country) = $actor))",
    ),
    ("types", "list_contains($types, e.type)"),
    ("quads", "list_contains($quads, e.quad)"),
    ("factualities", "list_contains($factualities, e.factuality)"),
    ("acled", "list_contains($acled, e.acled)"),
    ("min_fatalities", "e.fatalities >= $min_fatalities"),
    (
        "text",
        "(contains(lower(coalesce(e.evidence, '')), $text) "
        "OR contains(lower(coalesce(e.trigger_text, '')), $text) "
        "OR contains(lower(coalesce(a.title, '')), $text))",
    ),
    ("west", "e.lon BETWEEN $west AND $east AND e.lat BETWEEN $south AND $north"),
    ("article_id", "e.article_id = $article_id"),
    (
        "actor_id",
        "EXISTS (SELECT 1 FROM event_actors y WHERE y.event_id = e.id "
        f"AND y.role IN ('source', 'target') AND {_ANY_KEY} = $actor_id)",
    ),
)


def _where(where: EventFilter) -> tuple[str, dict[str, Any]]:
    """The WHERE clause and its parameters for a filter."""
    values: dict[str, Any] = {
        "since": where.since,
        "until": where.until,
        "countries": list(where.countries) or None,
        "actor": where.actor.lower() if where.actor else None,
        "types": list(where.types) or None,
        "quads": list(where.quads) or None,
        "factualities": list(where.factualities) or None,
        "acled": list(where.acled) or None,
        "min_fatalities": where.min_fatalities,
        "text": where.text.lower() if where.text else None,
        "article_id": where.article_id,
        "actor_id": where.actor_id,
    }
    if where.bbox is not None:
        values.update(zip(("west", "south", "east", "north"), where.bbox, strict=True))
    clauses = [sql for name, sql in _CLAUSES if values.get(name) is not None]
    params = {name: value for name, value in values.items() if value is not None}
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


_FROM = "FROM events e JOIN articles a ON a.id = e.article_id"


def _rows(cursor: Cursor, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    found = cursor.execute(sql, params)
    names = [column[0] for column in found.description or ()]
    return [dict(zip(names, row, strict=True)) for row in found.fetchall()]


_ACTORS = """
SELECT event_id, role, position, sentence, start, "end", text, name, kind, country, sector,
       entity_id
FROM event_actors WHERE event_id IN (SELECT unnest($ids::VARCHAR[]))
ORDER BY event_id, role, position
"""


def _with_actors(cursor: Cursor, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each event row with its ``source``, ``target`` and ``reporter`` actors."""
    if not events:
        return events
    by_event: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for actor in _rows(cursor, _ACTORS, {"ids": [e["id"] for e in events]}):
        roles = by_event.setdefault(actor.pop("event_id"), {})
        roles.setdefault(actor.pop("role"), []).append(actor)
    for event in events:
        roles = by_event.get(event["id"], {})
        for role in ("source", "target", "reporter"):
            event[role] = roles.get(role, [])
    return events


_EVENT_COLUMNS = f"""
e.id, e.article_id, e.sentence, e.evidence, e.type, e.mode, e.context, e.cameo, e.quad,
e.score, e.factuality, e.acled, e.acled_event_type, e.acled_sub_event_type, e.fatalities,
e.inter1, e.inter2, e.trigger_start, e.trigger_end, e.trigger_text,
e.date, e.date_precision, {_DAY} AS day, e.place_name, e.place_country, e.lat, e.lon,
e.geonameid, e.confidence, a.title, a.published, a.outlet, a.url
"""


def list_events(cursor: Cursor, where: EventFilter, page: Page) -> Rows:
    """Event rows under the filter, newest day first, with their actors; and how many."""
    clause, params = _where(where)
    total = cursor.execute(f"SELECT count(*) {_FROM}{clause}", params).fetchone()
    sql = (
        f"SELECT {_EVENT_COLUMNS} {_FROM}{clause} "
        "ORDER BY day DESC NULLS LAST, e.article_id, e.sentence, e.trigger_start, e.id "
        "LIMIT $limit OFFSET $offset"
    )
    found = _rows(cursor, sql, {**params, "limit": page.limit, "offset": page.offset})
    return Rows(int(total[0]) if total else 0, _with_actors(cursor, found))


# Grouping keys: SQL from this table only. ``dyad`` uses each event's first source and target.
_KEYS: dict[str, str] = {
    "day": f"strftime({_DAY}, '%Y-%m-%d')",
    "week": f"strftime(date_trunc('week', {_DAY}), '%Y-%m-%d')",
    "month": f"strftime({_DAY}, '%Y-%m')",
    "year": f"strftime({_DAY}, '%Y')",
    "country": "e.place_country",
    "dyad": "coalesce(s.country, '?') || ' -> ' || coalesce(t.country, '?')",
    "type": "e.type",
    "quad": "e.quad",
}
_DYAD_JOIN = (
    " LEFT JOIN event_actors s ON s.event_id = e.id AND s.role = 'source' AND s.position = 0"
    " LEFT JOIN event_actors t ON t.event_id = e.id AND t.role = 'target' AND t.position = 0"
)
_LINKS_JOIN = " LEFT JOIN aggregated_event_links l ON l.event_id = e.id"


def has_aggregates(cursor: Cursor) -> bool:
    found = cursor.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'aggregated_event_links'"
    ).fetchone()
    return bool(found and found[0])


def count_events(
    cursor: Cursor, where: EventFilter, *, by: CountKey, split_quad: bool, page: Page
) -> Rows:
    """Events and mentions per key (and per quad class with ``split_quad``): periods in date
    order, other keys by most events first."""
    clause, params = _where(where)
    joins = _DYAD_JOIN if by == "dyad" else ""
    distinct = "e.id"
    if has_aggregates(cursor):
        joins += _LINKS_JOIN
        distinct = "coalesce(l.aggregated_event_id, e.id)"
    quad = ", e.quad AS quad" if split_quad and by != "quad" else ""
    group = "key, quad" if quad else "key"
    order = "key NULLS LAST" if by in PERIOD_KEYS else "events DESC, key NULLS LAST"
    if quad:
        order += ", quad"
    base = (
        f"SELECT {_KEYS[by]} AS key{quad}, count(DISTINCT {distinct}) AS events, "
        f"count(*) AS mentions {_FROM}{joins}{clause} GROUP BY {group}"
    )
    total = cursor.execute(f"SELECT count(*) FROM ({base})", params).fetchone()
    sql = f"{base} ORDER BY {order} LIMIT $limit OFFSET $offset"
    found = _rows(cursor, sql, {**params, "limit": page.limit, "offset": page.offset})
    return Rows(int(total[0]) if total else 0, found)


def count_places(cursor: Cursor, where: EventFilter, page: Page) -> Rows:
    """Event locations with coordinates: events per place and per quad class, most first."""
    clause, params = _where(where)
    located = "e.lat IS NOT NULL AND e.lon IS NOT NULL"
    clause = f"{clause} AND {located}" if clause else f" WHERE {located}"
    base = (
        "SELECT e.place_name AS place, e.place_country AS country, e.lat, e.lon, "
        "count(*) AS events, "
        "count(*) FILTER (WHERE e.quad = 'VERBAL_COOPERATION') AS verbal_cooperation, "
        "count(*) FILTER (WHERE e.quad = 'MATERIAL_COOPERATION') AS material_cooperation, "
        "count(*) FILTER (WHERE e.quad = 'VERBAL_CONFLICT') AS verbal_conflict, "
        "count(*) FILTER (WHERE e.quad = 'MATERIAL_CONFLICT') AS material_conflict "
        f"{_FROM}{clause} GROUP BY ALL"
    )
    total = cursor.execute(f"SELECT count(*) FROM ({base})", params).fetchone()
    sql = f"{base} ORDER BY events DESC, place LIMIT $limit OFFSET $offset"
    found = _rows(cursor, sql, {**params, "limit": page.limit, "offset": page.offset})
    return Rows(int(total[0]) if total else 0, found)


def day_span(cursor: Cursor, where: EventFilter) -> dict[str, Any]:
    """The first and last event day under the filter, and how many event rows have no day."""
    clause, params = _where(where)
    found = cursor.execute(
        f"SELECT min({_DAY}), max({_DAY}), count(*) FILTER (WHERE {_DAY} IS NULL) {_FROM}{clause}",
        params,
    ).fetchone()
    first, last, undated = found if found else (None, None, 0)
    return {"first_day": first, "last_day": last, "undated": int(undated or 0)}


# The network's edges: each end's identity, names and whether it is generic (built once, from
# constant SQL pieces; the filters' clause is appended where it is used).
_NETWORK_PAIRS = (
    f"SELECT e.quad, {_SOURCE_KEY} AS source_id, {_TARGET_KEY} AS target_id, "
    "coalesce(s.name, s.text) AS source, s.entity_id IS NOT NULL AS source_known, "
    f"s.country AS source_country, {_SOURCE_GENERIC} AS source_generic, "
    "coalesce(t.name, t.text) AS target, t.entity_id IS NOT NULL AS target_known, "
    f"t.country AS target_country, {_TARGET_GENERIC} AS target_generic "
    f"{_FROM} JOIN event_actors s ON s.event_id = e.id AND s.role = 'source' "
    "JOIN event_actors t ON t.event_id = e.id AND t.role = 'target'"
)
_NOT_GENERIC = f"NOT {_SOURCE_GENERIC} AND NOT {_TARGET_GENERIC}"


def actor_network(cursor: Cursor, where: EventFilter, page: Page, *, generic: bool = True) -> Rows:
    """Who acts on whom: one edge per (source actor, target actor), weighted by event rows,
    heaviest first. An actor is its canonical identity (``actor_key``: ``source_id``,
    ``target_id``), named by its most frequent resolved name. ``generic=False`` leaves out
    edges with a generic or unresolved actor (``generic_actor``)."""
    clause, params = _where(where)
    if not generic:
        clause = f"{clause} AND {_NOT_GENERIC}" if clause else f" WHERE {_NOT_GENERIC}"
    pairs = f"{_NETWORK_PAIRS}{clause}"
    # One name per actor, whichever end it is: the most frequent of the names the tables
    # gave it, else of its words ("China", not "Beijing", for the country).
    base = (
        f"WITH pairs AS ({pairs}), ends AS ("
        "SELECT source_id AS id, source AS name, source_known AS known, "
        "source_country AS country, source_generic AS generic FROM pairs UNION ALL "
        "SELECT target_id, target, target_known, target_country, target_generic FROM pairs), "
        "actors AS (SELECT id, coalesce(mode(name) FILTER (WHERE known), mode(name)) AS name, "
        "mode(country) AS country, bool_or(generic) AS generic FROM ends GROUP BY id), "
        "edges AS (SELECT source_id, target_id, count(*) AS events, "
        "count(*) FILTER (WHERE quad LIKE '%CONFLICT') AS conflict FROM pairs "
        "GROUP BY source_id, target_id) "
        "SELECT d.source_id, s.name AS source, s.country AS source_country, "
        "s.generic AS source_generic, d.target_id, t.name AS target, "
        "t.country AS target_country, t.generic AS target_generic, d.events, d.conflict "
        "FROM edges d JOIN actors s ON s.id = d.source_id JOIN actors t ON t.id = d.target_id"
    )
    total = cursor.execute(f"SELECT count(*) FROM ({base})", params).fetchone()
    sql = f"{base} ORDER BY events DESC, source_id, target_id LIMIT $limit OFFSET $offset"
    found = _rows(cursor, sql, {**params, "limit": page.limit, "offset": page.offset})
    return Rows(int(total[0]) if total else 0, found)


def facets(cursor: Cursor, *, limit: int) -> dict[str, Any]:
    """What the filters can choose from: types, quads, factualities, countries (most events
    first), and the range of event days."""
    out: dict[str, Any] = {}
    for name, column in (
        ("types", "e.type"),
        ("quads", "e.quad"),
        ("factualities", "e.factuality"),
        ("acled", "e.acled"),
        ("countries", "e.place_country"),
    ):
        # Column names come from this fixed list, never from the request.
        out[name] = _rows(
            cursor,
            f"SELECT {column} AS value, count(*) AS events {_FROM} WHERE {column} IS NOT NULL "
            "GROUP BY value ORDER BY events DESC, value LIMIT $limit",
            {"limit": limit},
        )
    span = cursor.execute(f"SELECT min({_DAY}), max({_DAY}), count(*) {_FROM}").fetchone()
    out["first_day"], out["last_day"], out["events"] = span if span else (None, None, 0)
    return out


def get_event(cursor: Cursor, event_id: str) -> dict[str, Any] | None:
    """One event with its actors, its sentence's offsets, its article, and every other report
    of the same real-world event (when aggregated) with its article."""
    found = _rows(cursor, f"SELECT {_EVENT_COLUMNS} {_FROM} WHERE e.id = $id", {"id": event_id})
    if not found:
        return None
    event = _with_actors(cursor, found)[0]
    event["sentence_span"] = _sentence_span(cursor, event["article_id"], event["sentence"])
    event["article"] = get_article(cursor, event["article_id"], with_events=False)
    event["aggregated"] = None
    event["reports"] = []
    if has_aggregates(cursor):
        group = _rows(
            cursor,
            "SELECT g.* FROM aggregated_event_links l "
            "JOIN aggregated_events g ON g.id = l.aggregated_event_id WHERE l.event_id = $id",
            {"id": event_id},
        )
        if group:
            event["aggregated"] = group[0]
            event["reports"] = _rows(
                cursor,
                "SELECT e.id AS event_id, e.article_id, a.title, a.published, a.outlet, a.url, "
                "e.evidence, e.factuality, l.counted FROM aggregated_event_links l "
                "JOIN events e ON e.id = l.event_id JOIN articles a ON a.id = e.article_id "
                "WHERE l.aggregated_event_id = $group "
                "ORDER BY a.published NULLS LAST, e.article_id, e.sentence",
                {"group": group[0]["id"]},
            )
    return event


def _sentence_span(cursor: Cursor, article_id: str, sentence: int | None) -> dict[str, Any] | None:
    if sentence is None:
        return None
    found = _rows(
        cursor,
        'SELECT start, "end" FROM sentences WHERE article_id = $article AND idx = $idx',
        {"article": article_id, "idx": sentence},
    )
    return found[0] if found else None


def get_article(
    cursor: Cursor, article_id: str, *, with_events: bool = True
) -> dict[str, Any] | None:
    """One article: its text and metadata, its ``skipped`` sentences (offsets, flag and
    reason), and (``with_events``) its events with actors and sentence offsets, for
    highlighting."""
    found = _rows(
        cursor,
        "SELECT id, title, published, url, outlet, author, text, n_sentences FROM articles "
        "WHERE id = $id",
        {"id": article_id},
    )
    if not found:
        return None
    article = found[0]
    # Sentences extraction skipped (page furniture, captions ...), with the rule's reason.
    article["skipped"] = _rows(
        cursor,
        'SELECT idx, start, "end", flag, flag_reason AS reason FROM sentences '
        "WHERE article_id = $id AND flag IS NOT NULL ORDER BY idx",
        {"id": article_id},
    )
    if with_events:
        events = list_events(cursor, EventFilter(article_id=article_id), Page(10_000, 0)).items
        spans = {
            row["idx"]: {"start": row["start"], "end": row["end"]}
            for row in _rows(
                cursor,
                'SELECT idx, start, "end" FROM sentences WHERE article_id = $id',
                {"id": article_id},
            )
        }
        for event in events:
            event["sentence_span"] = spans.get(event["sentence"])
        article["events"] = events
    return article


def list_statements(cursor: Cursor, where: StatementFilter) -> Rows:
    """Statements (quotes and attributions) by speaker, country and date, with their events;
    the page is ``where.limit`` and ``where.offset``."""
    sql, params = statement_query(where)
    everything = {**params, "limit": None, "offset": 0}
    total = cursor.execute(f"SELECT count(*) FROM ({sql})", everything).fetchone()
    return Rows(int(total[0]) if total else 0, _rows(cursor, sql, params))
