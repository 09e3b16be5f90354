"""Statements: stored quotes and attributions, by speaker, country and date, each with the
events it contains or constitutes.

A statement's date is its article's publication date. An event is linked to a statement when
its trigger lies inside the statement's content ("Assad said US troops ATTACKED ...": the
reported attack) or is the statement's own cue ("Assad WARNED that ...": the warning is the
THREATEN event). Speaker filters match the resolved speaker's canonical name or the words
written, case-insensitively, as a substring ("assad" finds "Bashar al-Assad").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from eventscope.store.database import Store

_SQL = """
SELECT q.article_id, a.published, a.title, a.url, q.sentence, q.direct,
       q.content_text, q.content_start, q.content_end, q.cue_text,
       q.speaker_text, q.speaker_name, q.speaker_country, q.speaker_entity_id,
       coalesce(list({'id': e.id, 'type': e.type, 'factuality': e.factuality,
                      'trigger': e.trigger_text, 'constituted': e.trigger_start = q.cue_start}
                     ORDER BY e.trigger_start) FILTER (WHERE e.id IS NOT NULL), []) AS events
FROM quotes q
JOIN articles a ON a.id = q.article_id
LEFT JOIN events e ON e.article_id = q.article_id AND (
    (e.trigger_start >= q.content_start AND e.trigger_end <= q.content_end)
    OR (q.cue_start IS NOT NULL AND e.trigger_start = q.cue_start))
WHERE ($speaker::VARCHAR IS NULL OR lower(coalesce(q.speaker_name, '')) LIKE $speaker::VARCHAR
       OR lower(coalesce(q.speaker_text, '')) LIKE $speaker::VARCHAR)
  AND ($country::VARCHAR IS NULL OR q.speaker_country = $country::VARCHAR)
  AND ($since::DATE IS NULL OR a.published >= $since::DATE)
  AND ($until::DATE IS NULL OR a.published <= $until::DATE)
GROUP BY ALL
ORDER BY a.published NULLS LAST, q.article_id, q.content_start
LIMIT $limit OFFSET $offset
"""


@dataclass(frozen=True, slots=True)
class StatementFilter:
    """Which statements to list; None means any."""

    speaker: str | None = None
    country: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    limit: int | None = 100  # None: all
    offset: int = 0


def statement_query(where: StatementFilter) -> tuple[str, dict[str, Any]]:
    """The statements query and its parameters (every value a parameter)."""
    pattern = f"%{where.speaker.lower()}%" if where.speaker else None
    country = where.country.upper() if where.country else None
    params = {
        "speaker": pattern,
        "country": country,
        "since": where.since,
        "until": where.until,
        "limit": None if where.limit is None else max(0, where.limit),
        "offset": max(0, where.offset),
    }
    return _SQL, params


def statements(store: Store, where: StatementFilter | None = None) -> list[dict[str, Any]]:
    """Stored statements matching ``where``, oldest article first, each with its events."""
    where = where or StatementFilter()
    sql, params = statement_query(where)
    return store.query(sql, params)  # every value a parameter
