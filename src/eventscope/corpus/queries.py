"""Reading the corpus tables: event counts (aggregated by default), stories with their
sources, and the most reported events with their evidence.

Counts group by a fixed set of keys (``COUNT_BY``); every value is a query parameter.

* ``type``: the PLOVER event type;
* ``country``: where the event took place (the place's country; None when unknown);
* ``dyad``: source country -> target country ("?" when unknown);
* ``day``, ``week`` (its Monday), ``month``: the event date (a day written in the text,
  else the publication date).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from eventscope.errors import StoreError
from eventscope.store.database import Store
from eventscope.store.schema import CORPUS_TABLES

CountBy = Literal["type", "country", "dyad", "day", "week", "month"]
COUNT_BY: tuple[CountBy, ...] = ("type", "country", "dyad", "day", "week", "month")

# Keys over the columns both sources below share; SQL from this table only, never from input.
_KEYS: dict[str, str] = {
    "type": "type",
    "country": "place_country",
    "dyad": "coalesce(source_country, '?') || ' -> ' || coalesce(target_country, '?')",
    "day": "strftime(date, '%Y-%m-%d')",
    "week": "strftime(date_trunc('week', date), '%Y-%m-%d')",
    "month": "strftime(date, '%Y-%m')",
}
_BY_TIME = {"day", "week", "month"}

_AGGREGATED = """
SELECT type, place_country, source_country, target_country, date, num_mentions
FROM aggregated_events
"""

# One row per event row, shaped like the aggregated events: the first source and target
# actors, and the day the event is dated by.
_RAW = """
SELECT e.type, e.place_country, s.country AS source_country, t.country AS target_country,
       coalesce(CASE WHEN e.date_precision = 'day' THEN TRY_CAST(e.date AS DATE) END,
                a.published) AS date,
       1 AS num_mentions
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN event_actors s ON s.event_id = e.id AND s.role = 'source' AND s.position = 0
LEFT JOIN event_actors t ON t.event_id = e.id AND t.role = 'target' AND t.position = 0
"""


@dataclass(frozen=True, slots=True)
class Count:
    """Events under one key: ``events`` aggregated events (or event rows when raw), which
    ``mentions`` event rows report."""

    key: str | None
    events: int
    mentions: int


def require_aggregates(store: Store) -> None:
    """Raise ``StoreError`` when the database has no corpus tables yet."""
    names = [table.name for table in CORPUS_TABLES]
    found = store.query(
        "SELECT count(*) AS n FROM duckdb_tables() WHERE table_name IN "
        "(SELECT unnest(?::VARCHAR[]))",
        [names],
    )
    if found[0]["n"] < len(names):
        raise StoreError(
            f"database {store.path} has no stories or aggregated events yet: "
            f"run `eventscope aggregate --db {store.path}`"
        )


def unaggregated_articles(store: Store) -> int:
    """Articles stored since the last refresh (not in any story yet)."""
    require_aggregates(store)
    found = store.query(
        "SELECT count(*) AS n FROM articles a WHERE NOT EXISTS "
        "(SELECT 1 FROM story_articles sa WHERE sa.article_id = a.id)"
    )
    return int(found[0]["n"])


def count_events(
    store: Store, *, by: CountBy = "type", raw: bool = False, limit: int | None = None
) -> list[Count]:
    """Events per key: aggregated events (each real-world event once) by default, event rows
    with ``raw``. Categories by most events first, dates in order."""
    if by not in _KEYS:
        raise ValueError(f"cannot count by {by!r}: one of {', '.join(COUNT_BY)}")
    if not raw:
        require_aggregates(store)
    order = "key NULLS LAST" if by in _BY_TIME else "events DESC, key NULLS LAST"
    sql = (
        f"SELECT {_KEYS[by]} AS key, count(*) AS events, sum(num_mentions) AS mentions "
        f"FROM ({_RAW if raw else _AGGREGATED}) GROUP BY key ORDER BY {order} LIMIT ?"
    )
    found = store.query(sql, [limit if limit is not None and limit >= 0 else None])
    return [Count(row["key"], int(row["events"]), int(row["mentions"])) for row in found]


_STORIES = """
SELECT s.story_id, s.title, s.earliest_published, s.latest_published, s.n_articles,
       s.n_sources, s.n_duplicates,
       list({'article_id': sa.article_id, 'source': sa.source, 'outlet': sa.outlet,
             'url': sa.url, 'published': sa.published, 'kind': sa.kind,
             'similarity': sa.similarity, 'duplicate_of': sa.duplicate_of}
            ORDER BY sa.published NULLS LAST, sa.article_id) AS articles
FROM stories s JOIN story_articles sa ON sa.story_id = s.story_id
WHERE s.n_articles + s.n_duplicates >= $min_articles
GROUP BY ALL
ORDER BY s.n_articles DESC, s.n_sources DESC, s.earliest_published NULLS LAST, s.story_id
LIMIT $limit
"""


def list_stories(store: Store, *, min_articles: int = 2, limit: int = 100) -> list[dict[str, Any]]:
    """Stories of at least ``min_articles`` articles (duplicates included), largest first,
    each with its articles (source, outlet, url, kind of copy, similarity)."""
    require_aggregates(store)
    return store.query(_STORIES, {"min_articles": min_articles, "limit": max(0, limit)})


_TOP = """
SELECT g.*,
       list({'event_id': e.id, 'article_id': e.article_id, 'source': sa.source,
             'published': sa.published, 'sentence': e.sentence, 'factuality': e.factuality,
             'evidence': e.evidence, 'counted': l.counted}
            ORDER BY sa.published NULLS LAST, e.article_id, e.sentence, e.trigger_start)
           AS reports
FROM aggregated_events g
JOIN aggregated_event_links l ON l.aggregated_event_id = g.id
JOIN events e ON e.id = l.event_id
JOIN story_articles sa ON sa.article_id = l.article_id
WHERE g.num_articles >= $min_articles
GROUP BY ALL
ORDER BY g.num_sources DESC, g.num_articles DESC, g.num_mentions DESC, g.id
LIMIT $limit
"""


def most_reported(store: Store, *, min_articles: int = 2, limit: int = 10) -> list[dict[str, Any]]:
    """Aggregated events reported by at least ``min_articles`` articles, by most sources
    first, each with every report (event id, article, source and evidence sentence)."""
    require_aggregates(store)
    return store.query(_TOP, {"min_articles": min_articles, "limit": max(0, limit)})
