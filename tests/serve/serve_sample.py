"""A small database for the API and browser tests, coded from texts written here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eventscope.corpus import refresh_aggregates
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.store import Store

ARTICLES: tuple[dict[str, Any], ...] = (
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

# What the harvest report says, week by week: filler that codes no event, so that the one event
# of that article sits near the end of a long text (the evidence panel must scroll to it).
_GOODS = ("oranges", "coffee beans", "rice", "maize", "soybeans", "sugar cane", "cassava",
          "tomatoes", "onions", "beef", "cotton", "cocoa")  # fmt: skip
_HARVEST = [
    f"In week {week} of the harvest, farmers brought {good} to the regional fairs at steady prices."
    for week in range(1, 6)
    for good in _GOODS
]

# More articles for the page: events over two years with a gap (June 2022, then November 2023
# to May 2024), a long article, a "Subscribe now" line, places close together (Antwerp and
# Brussels; Delhi and New Delhi), many countries acting on each other, one country named in
# three ways (United States, Washington, the American government) and generic actors.
MORE_ARTICLES = (
    {
        "id": "t-india",
        "title": "India and Japan agree on rail loans",
        "published": dt.date(2022, 6, 15),
        "text": (
            "NEW DELHI - Indian Prime Minister Narendra Modi met Japanese Prime Minister Fumio "
            "Kishida in New Delhi on Wednesday.\n\n"
            "Japan agreed to lend India money for a high-speed railway."
        ),
    },
    {
        "id": "t-belgium",
        "title": "Dock workers strike in Antwerp",
        "published": dt.date(2023, 11, 8),
        "text": (
            "ANTWERP - Belgian dock workers protested against pension cuts in Antwerp on "
            "Tuesday.\n\n"
            "Subscribe now for our daily briefing.\n\n"
            "In Brussels, Belgian police detained two union leaders outside parliament.\n\n"
            "Editor's note: this story has been updated."
        ),
    },
    {
        "id": "t-labour",
        "title": "Workers and bosses trade blame",
        "published": dt.date(2023, 12, 4),
        "text": (
            "Workers accused company managers of breaking the wage agreement.\n\n"
            "Companies criticised the unions for the delays.\n\n"
            "All workers demanded higher pay from employers."
        ),
    },
    {
        "id": "t-summit",
        "title": "Neighbours meet at a summit in Lisbon",
        "published": dt.date(2024, 4, 23),
        "text": (
            "LISBON - Spain signed an agreement with Portugal on water sharing in Lisbon on "
            "Monday.\n\n"
            "Italy praised Greece for its handling of the migration talks.\n\n"
            "Poland accused Hungary of blocking aid.\n\n"
            "Netherlands criticised Austria over the border checks.\n\n"
            "Ireland met Denmark to discuss fisheries.\n\n"
            "Turkey threatened Greece over drilling rights.\n\n"
            "Egypt hosted Israel and Jordan for talks.\n\n"
            "Germany promised aid to Moldova.\n\n"
            "French President Emmanuel Macron praised Germany for the aid."
        ),
    },
    {
        "id": "t-tariffs",
        "title": "A tariff row between China and the United States",
        "published": dt.date(2024, 4, 25),
        "text": (
            "China condemned the United States over new tariffs on Thursday.\n\n"
            "Washington criticised Beijing for the export controls.\n\n"
            "The American government accused the Chinese of dumping steel."
        ),
    },
    {
        "id": "t-brazil",
        "title": "A long harvest report from Brazil",
        "published": dt.date(2024, 5, 17),
        "text": (
            "SAO PAULO - The harvest season in southern Brazil ended quietly this year.\n\n"
            + "\n\n".join(" ".join(_HARVEST[i : i + 4]) for i in range(0, len(_HARVEST), 4))
            + "\n\nBrazilian police arrested twelve smugglers in Sao Paulo on Friday, "
            "officials said."
        ),
    },
)
LONG_ARTICLE = "t-brazil"
PAGE_ARTICLES = ARTICLES + MORE_ARTICLES  # the browser tests' database

# A text for the paste box and POST tests (not in the database at first).
NEW_TEXT = (
    "NAIROBI - Kenyan police arrested dozens of protesters in Nairobi on Monday, officials said."
)


def build_database(
    path: Path, pipeline: Pipeline, *, articles: Sequence[dict[str, Any]] = ARTICLES
) -> Path:
    """Code ``articles`` (``ARTICLES`` unless given) into a new database at ``path`` (with
    stories and aggregates)."""
    made = [
        make_article(a["text"], id=a["id"], title=a["title"], published=a["published"])
        for a in articles
    ]
    with Store(path) as store:
        store.write_many([pipeline.extract(article) for article in made])
        refresh_aggregates(store)
    return path
