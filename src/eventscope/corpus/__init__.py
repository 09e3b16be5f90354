"""The corpus: stories (an article and its copies) and aggregated events (one real-world
event however often reported), derived from the stored articles and events.

``refresh_aggregates(store)`` rebuilds both in one transaction (ingest calls it after every
run); ``count_events``, ``list_stories`` and ``most_reported`` read them. The keys are
documented in ``corpus.stories`` and ``corpus.aggregate``.
"""

from __future__ import annotations

from eventscope.corpus.queries import (
    COUNT_BY,
    Count,
    CountBy,
    count_events,
    list_stories,
    most_reported,
    unaggregated_articles,
)
from eventscope.corpus.refresh import RefreshSummary, refresh_aggregates

__all__ = [
    "COUNT_BY",
    "Count",
    "CountBy",
    "RefreshSummary",
    "count_events",
    "list_stories",
    "most_reported",
    "refresh_aggregates",
    "unaggregated_articles",
]
