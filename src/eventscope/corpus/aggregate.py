"""Aggregated events: one real-world event, however many times and places it was reported.

Consumes the stored events and the stories; produces ``aggregated_event_links`` (every event
row, under the aggregated event it reports) and ``aggregated_events`` with GDELT's counts:
mentions (event rows), articles and sources (distinct outlets), and the earliest and latest
report.

An actor's identity is its ``entity_id`` (Wikidata) where the tables know one, else its
canonical name (lower case) and country; an event's source (target) is the sorted set of its
source (target) actors' identities. Factuality is part of every key: a denied or predicted
attack never merges with one reported as done ("asserted" and "reported", both saying it
happened, count as one, "asserted"). Two event rows report the same event when

* **across articles**: same PLOVER type, factuality, source, target, event day and place
  (GeoNames id below the country level, else the country). Only events specific enough to
  be told apart take part: dated to the day, with a source and a target, one of them with a
  country or entity id ("Trump refused", on the day an article was published, is not one
  event);
* **within an article** (the headline, then the body; the same event told twice): same type,
  factuality, source and target, both named, one with a country or entity id; date and
  place may differ, as a headline is dated by the publication date and names the country
  where the body names the town;
* **within a story** (an article and its copies, see ``stories``): same type, factuality,
  source and target, from different articles of the story, with evidence sentences that are
  alike (half their words in common): the copies of one sentence, whose dates (relative to
  another publication date) or places may have drifted with the edits.

Aggregated events are the connected groups of rows linked by these rules, so they do not
depend on the order articles were stored in. An aggregated event takes its actors, date and
place from its earliest report that has them (an actor with a country over one without, a
date written in the text over the publication date, a town over a country), and its id is
"g-" + the id of its earliest event row.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Hashable
from dataclasses import dataclass

import duckdb

from eventscope.corpus.groups import Groups
from eventscope.store.database import insert_rows
from eventscope.store.schema import AGGREGATED_EVENT_LINKS, AGGREGATED_EVENTS, quote

SENTENCE_ALIKE = 0.5  # word-set Jaccard of two evidence sentences in copies of one story
_WORD = re.compile(r"\w+")

# Every event row with what its keys are made of, in rank order: earliest published article
# first, then article, sentence and trigger position. Actor identities are joined into one
# string per role (sorted, so "Russia and China" is "China and Russia"); the evidence is only
# needed, and fetched, in stories of more than one article.
_KEYS = """
WITH actors AS (
    SELECT event_id, role,
           array_to_string(list_sort(list_distinct(list(coalesce(
               entity_id, lower(trim(name)) || '|' || coalesce(country, ''))))), chr(31)) AS ids,
           bool_or(entity_id IS NOT NULL OR country IS NOT NULL) AS known
    FROM event_actors
    WHERE role IN ('source', 'target')
    GROUP BY event_id, role
)
SELECT e.id, e.article_id, sa.story_id, sa.duplicate_of IS NULL AS counted, e.type,
       CASE WHEN e.factuality IN ('asserted', 'reported') THEN 'asserted'
            ELSE coalesce(e.factuality, 'asserted') END AS factuality,
       coalesce(src.ids, '') AS source, coalesce(tgt.ids, '') AS target,
       coalesce(src.known, false) OR coalesce(tgt.known, false) AS known,
       CASE WHEN e.date_precision = 'day' THEN e.date END AS day,
       -- a country is one place whether or not it came with its GeoNames id
       CASE WHEN e.geonameid IS NOT NULL AND e.place_feature IS DISTINCT FROM 'country'
            THEN CAST(e.geonameid AS VARCHAR) ELSE e.place_country END AS place,
       CASE WHEN s.n_articles + s.n_duplicates > 1 THEN coalesce(e.evidence, '') END
           AS evidence
FROM events e
JOIN story_articles sa ON sa.article_id = e.article_id
JOIN stories s ON s.story_id = sa.story_id
LEFT JOIN actors src ON src.event_id = e.id AND src.role = 'source'
LEFT JOIN actors tgt ON tgt.event_id = e.id AND tgt.role = 'target'
ORDER BY sa.published NULLS LAST, e.article_id, e.sentence, e.trigger_start, e.id
"""

# The aggregated events from their links. Representative values come from the earliest
# report that has them; the counts leave out the events of duplicate articles. (An f-string
# for the column names, from the schema; struct literals are doubled braces.)
_AGGREGATE = f"""
INSERT INTO aggregated_events ({", ".join(quote(name) for name in AGGREGATED_EVENTS.column_names)})
WITH reports AS (
    SELECT l.aggregated_event_id AS gid, l.counted, l.story_id, l.article_id,
           e.id, e.type, e.cameo, e.quad, e.score,
           CASE WHEN e.factuality IN ('asserted', 'reported') THEN 'asserted'
                ELSE coalesce(e.factuality, 'asserted') END AS factuality,
           sa.published, coalesce(sa.source, '#' || sa.article_id) AS source,
           CASE WHEN e.date_precision = 'day' THEN TRY_CAST(e.date AS DATE) END AS day,
           e.date_source,
           {{'name': e.place_name, 'geonameid': e.geonameid, 'country': e.place_country}}
               AS place,
           -- the most precise place: a town over a country, a country over none
           CASE WHEN e.geonameid IS NOT NULL AND e.place_feature IS DISTINCT FROM 'country'
                THEN 0 WHEN e.place_country IS NOT NULL THEN 1 ELSE 2 END AS place_grade,
           {{'name': s.name, 'country': s.country, 'sector': s.sector}} AS src,
           {{'name': t.name, 'country': t.country, 'sector': t.sector}} AS tgt,
           row_number() OVER (
               PARTITION BY l.aggregated_event_id
               ORDER BY sa.published NULLS LAST, e.article_id, e.sentence, e.trigger_start, e.id
           ) AS rank
    FROM aggregated_event_links l
    JOIN events e ON e.id = l.event_id
    JOIN story_articles sa ON sa.article_id = l.article_id
    LEFT JOIN event_actors s ON s.event_id = e.id AND s.role = 'source' AND s.position = 0
    LEFT JOIN event_actors t ON t.event_id = e.id AND t.role = 'target' AND t.position = 0
), grouped AS (
    SELECT gid,
           arg_min(type, rank) AS type,
           arg_min(factuality, rank) AS factuality,
           arg_min(id, rank) AS first_event_id,
           arg_min(cameo, rank) AS cameo, arg_min(quad, rank) AS quad,
           arg_min(score, rank) AS score,
           -- the earliest report whose actor has a country, else any that names one
           arg_min(src, [(src.country IS NULL)::INTEGER, rank])
               FILTER (WHERE src.name IS NOT NULL) AS src,
           arg_min(tgt, [(tgt.country IS NULL)::INTEGER, rank])
               FILTER (WHERE tgt.name IS NOT NULL) AS tgt,
           -- a day written in the text (the event's sentence, or the same incident's),
           -- else the story's or the publication day an event defaulted to
           coalesce(arg_min(day, rank) FILTER (WHERE day IS NOT NULL
                                               AND date_source IN ('text', 'incident')),
                    arg_min(day, rank) FILTER (WHERE day IS NOT NULL),
                    min(published)) AS day,
           arg_min(place, [place_grade, rank]) FILTER (WHERE place_grade < 2) AS place,
           count(*) FILTER (WHERE counted) AS mentions,
           count(DISTINCT article_id) FILTER (WHERE counted) AS articles,
           count(DISTINCT source) FILTER (WHERE counted) AS sources,
           count(DISTINCT story_id) FILTER (WHERE counted) AS stories,
           min(published) FILTER (WHERE counted) AS first_reported,
           max(published) FILTER (WHERE counted) AS last_reported
    FROM reports
    GROUP BY gid
    HAVING count(*) FILTER (WHERE counted) > 0
)
SELECT g.gid, g.type, g.factuality, g.cameo, g.quad, g.score,
       g.src.name, g.src.country, g.src.sector, g.tgt.name, g.tgt.country, g.tgt.sector,
       g.day, g.place.name, g.place.geonameid, g.place.country,
       g.mentions, g.articles, g.sources, g.stories, g.first_reported, g.last_reported,
       g.first_event_id
FROM grouped g
"""


@dataclass(frozen=True, slots=True)
class _Report:
    """An event row as the keys see it."""

    id: str
    article_id: str
    story_id: str
    counted: bool
    type: str
    factuality: str
    source: str  # the actors' identities, sorted, joined; "" when none
    target: str
    known: bool  # an actor with a country or an entity id
    day: str | None
    place: str | None
    evidence: str | None  # None in a story of one article

    def keys(self) -> list[Hashable]:
        """The keys under which equal reports are the same event (see the module doc)."""
        if not (self.known and self.source and self.target):
            return []
        what = (self.type, self.factuality, self.source, self.target)
        keys: list[Hashable] = [("article", self.article_id, *what)]
        if self.day:
            keys.append(("event", *what, self.day, self.place))
        return keys

    def story_key(self) -> Hashable:
        return (self.story_id, self.type, self.factuality, self.source, self.target)


def _alike(a: _Report, b: _Report) -> bool:
    """Two reports in copies of one story tell the same event (see the module doc)."""
    if a.article_id == b.article_id:
        return False
    words_a, words_b = _words(a.evidence or ""), _words(b.evidence or "")
    union = len(words_a | words_b)
    return union > 0 and len(words_a & words_b) / union >= SENTENCE_ALIKE


@functools.lru_cache(maxsize=4096)
def _words(sentence: str) -> frozenset[str]:
    return frozenset(_WORD.findall(sentence.casefold()))


def aggregate_events(con: duckdb.DuckDBPyConnection) -> None:
    """Replace ``aggregated_event_links`` and ``aggregated_events`` from the stored events
    and ``story_articles`` (write the stories first)."""
    reports = [_Report(*row) for row in con.execute(_KEYS).fetchall()]
    groups = Groups(len(reports))
    first_with: dict[Hashable, int] = {}
    in_story: dict[Hashable, list[int]] = {}
    for index, report in enumerate(reports):
        for key in report.keys():
            groups.join(first_with.setdefault(key, index), index)
        if report.evidence is not None:  # in a story of several articles
            in_story.setdefault(report.story_key(), []).append(index)
    for members in in_story.values():
        for a, b in itertools.combinations(members, 2):
            if groups.find(a) != groups.find(b) and _alike(reports[a], reports[b]):
                groups.join(a, b)
    links = [
        ("g-" + reports[groups.first(i)].id, r.id, r.article_id, r.story_id, r.counted)
        for i, r in enumerate(reports)
    ]
    con.execute("DELETE FROM aggregated_events")
    con.execute("DELETE FROM aggregated_event_links")
    insert_rows(con, AGGREGATED_EVENT_LINKS, links)
    con.execute(_AGGREGATE)
    # The events of a duplicate article that match nothing counted are not aggregated.
    con.execute(
        "DELETE FROM aggregated_event_links WHERE aggregated_event_id NOT IN "
        "(SELECT id FROM aggregated_events)"
    )
