"""Refreshing the corpus tables: stories, then aggregated events, in one transaction.

Everything but the MinHash signatures is recomputed from the stored articles and events, so
a refresh is idempotent (running it twice changes nothing) and safe after any ingest.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb

from eventscope.corpus.aggregate import aggregate_events
from eventscope.corpus.stories import (
    find_stories,
    stored_articles,
    update_fingerprints,
    write_stories,
)
from eventscope.store.database import Store

_SUMMARY = """
SELECT
    (SELECT count(*) FROM story_articles),
    (SELECT count(*) FROM stories),
    (SELECT count(*) FROM stories WHERE n_articles + n_duplicates > 1),
    (SELECT count(*) FROM story_articles WHERE kind = 'near'),
    (SELECT count(*) FROM story_articles WHERE kind = 'exact'),
    (SELECT count(*) FROM story_articles WHERE duplicate_of IS NOT NULL),
    (SELECT count(*) FROM aggregated_event_links),
    (SELECT count(*) FROM aggregated_events),
    (SELECT count(*) FROM aggregated_events WHERE num_mentions > 1),
    (SELECT count(*) FROM aggregated_events WHERE num_articles > 1)
"""


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """What a refresh found."""

    articles: int
    hashed: int  # articles given a MinHash signature this time
    stories: int
    shared_stories: int  # stories of more than one article
    near_copies: int  # articles in a story by similarity
    exact_copies: int  # articles whose text an earlier one of their story has
    duplicates: int  # exact copies from the same source: not counted
    events: int
    aggregated_events: int
    merged: int  # aggregated events of more than one mention
    multi_article: int  # aggregated events reported by more than one article
    seconds: float

    def describe(self) -> str:
        return (
            f"{self.articles} articles in {self.stories} stories ({self.shared_stories} with "
            f"copies: {self.near_copies} near and {self.exact_copies} exact copies, "
            f"{self.duplicates} duplicates not counted); {self.events} events -> "
            f"{self.aggregated_events} aggregated events ({self.merged} merged from several "
            f"mentions, {self.multi_article} from several articles) in {self.seconds:.2f} s"
        )


def refresh_aggregates(store: Store) -> RefreshSummary:
    """Recompute stories and aggregated events from what ``store`` holds, in one transaction.

    New articles are hashed (MinHash) once; the stories and aggregated events are rebuilt
    whole, so the result depends only on the stored articles, never on their order."""
    started = time.perf_counter()

    def refresh(con: duckdb.DuckDBPyConnection) -> tuple[int, ...]:
        hashed = update_fingerprints(con)
        write_stories(con, find_stories(stored_articles(con)))
        aggregate_events(con)
        row = con.execute(_SUMMARY).fetchone()
        return (hashed, *(int(n) for n in row or ()))

    hashed, *counts = store.transact(refresh)
    (articles, stories, shared, near, exact, duplicates, events, aggregated, merged,
     multi) = counts  # fmt: skip
    return RefreshSummary(
        articles=articles,
        hashed=hashed,
        stories=stories,
        shared_stories=shared,
        near_copies=near,
        exact_copies=exact,
        duplicates=duplicates,
        events=events,
        aggregated_events=aggregated,
        merged=merged,
        multi_article=multi,
        seconds=time.perf_counter() - started,
    )
