"""A small database for the API and browser tests, coded from texts written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from eventscope.corpus import refresh_aggregates
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.store import Store

ARTICLES = (
    {
        "id": "t-kenya",
        "title": "Police fire tear gas at marchers in Mombasa",
        "published": dt.date(2024, 3, 6),
        "text": (
            "MOMBASA - Kenyan police fired tear gas at hundreds of protesters in Mombasa on "
            "Tuesday as they marched against fuel prices.\n\n"
            "Opposition leader Raila Odinga accused the government of brutality."
        ),
    },
    {
        "id": "t-france",
        "title": "France and Germany sign energy pact",
        "published": dt.date(2024, 2, 14),
        "text": (
            "PARIS - French President Emmanuel Macron met German Chancellor Olaf Scholz in "
            "Paris on Wednesday.\n\n"
            "France and Germany signed an agreement on energy cooperation."
        ),
    },
    {
        "id": "t-ukraine",
        "title": "Russian forces shell Kharkiv",
        "published": dt.date(2024, 1, 9),
        "text": (
            "KYIV - Russian forces shelled residential areas of Kharkiv overnight, killing "
            "three civilians, Ukrainian officials said on Tuesday.\n\n"
            "Ukrainian President Volodymyr Zelensky called on NATO to send more air defence "
            "systems."
        ),
    },
)

# A text for the paste box and POST tests (not in the database at first).
NEW_TEXT = (
    "NAIROBI - Kenyan police arrested dozens of protesters in Nairobi on Monday, officials said."
)


def build_database(path: Path, pipeline: Pipeline) -> Path:
    """Code ``ARTICLES`` into a new database at ``path`` (with stories and aggregates)."""
    articles = [
        make_article(a["text"], id=a["id"], title=a["title"], published=a["published"])
        for a in ARTICLES
    ]
    with Store(path) as store:
        store.write_many([pipeline.extract(article) for article in articles])
        refresh_aggregates(store)
    return path
