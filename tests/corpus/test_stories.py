"""Stories on hand-built articles (no spaCy): copies are found by content hash and by MinHash
whatever order the articles come in, and short or unrelated texts stay apart."""

from __future__ import annotations

import datetime as dt
import random

from eventscope.corpus.stories import (
    MIN_SHINGLES,
    StoryArticle,
    find_stories,
    fingerprint,
    source_of,
)

WIRE = (
    "Flooding along the Rhine forced the evacuation of several thousand residents in the "
    "German city of Cologne on Sunday, as the river rose to its highest level in two decades. "
    "Emergency services said they had rescued dozens of people trapped in their homes, and "
    "the regional government asked the army to help shore up levees south of the city. "
    "Forecasters expect the water to keep rising until Tuesday before it begins to fall."
)
# The same wire story, lightly edited by another outlet: a figure, a word, one sentence more.
EDITED = (
    WIRE.replace("several thousand", "about 4,000")
    .replace("dozens of", "more than 50")
    .replace("Forecasters expect", "Meteorologists expect")
    + " Rail traffic between Cologne and Bonn was suspended."
)
UNRELATED = (
    "The central bank of Brazil raised its benchmark interest rate by half a percentage point "
    "on Wednesday, its fourth increase this year, citing persistent inflation in food and "
    "energy prices. Analysts had expected a smaller move, and the currency strengthened "
    "against the dollar after the announcement in Brasilia."
)


def article(
    id: str, text: str, day: int | None, outlet: str | None = None, url: str | None = None
) -> StoryArticle:
    published = dt.date(2024, 3, day) if day else None
    return StoryArticle(id, fingerprint(text), published=published, outlet=outlet, url=url)


def corpus() -> list[StoryArticle]:
    return [
        article("wire-1", WIRE, 3, "Wire Agency", "https://wire.example/rhine"),
        article("daily-1", EDITED, 4, "Daily Example", "https://www.daily.example/rhine"),
        article("wire-1-again", WIRE, 3, "Wire Agency", "https://wire.example/rhine?ref=rss"),
        article("other-site", WIRE, 5, None, "https://www.other.example/2024/rhine"),
        article("brazil-1", UNRELATED, 2, "Wire Agency"),
    ]


def test_copies_make_one_story_with_all_their_sources() -> None:
    members = {m.article_id: m for m in find_stories(corpus())}
    rhine = {m.article_id for m in members.values() if m.story_id == "s-wire-1"}
    assert rhine == {"wire-1", "daily-1", "wire-1-again", "other-site"}
    assert members["brazil-1"].story_id == "s-brazil-1"
    assert members["wire-1"].kind == "first"
    assert members["daily-1"].kind == "near"
    assert 0.5 <= members["daily-1"].similarity < 1  # type: ignore[operator]
    # The same text stored again under another id by the same outlet: a duplicate...
    assert members["wire-1-again"].kind == "exact"
    assert members["wire-1-again"].duplicate_of == "wire-1"
    # ... but the same text from another site is syndication, another source.
    assert members["other-site"].kind == "exact"
    assert members["other-site"].duplicate_of is None
    assert members["other-site"].source == "other.example"


def test_the_same_text_at_the_same_page_is_a_duplicate_whoever_labels_it() -> None:
    members = find_stories(
        [
            article("mw-1", WIRE, 3, "MarketWatch", "https://www.marketwatch.com/story/a?x=1"),
            article("as-1", WIRE, 3, "AllSides", "https://marketwatch.com/story/a/"),
        ]
    )
    # Same day: the lower id is the first.
    assert [(m.article_id, m.duplicate_of) for m in members] == [("as-1", None), ("mw-1", "as-1")]


def test_stories_do_not_depend_on_the_order_articles_arrive_in() -> None:
    expected = sorted(m.row() for m in find_stories(corpus()))
    for seed in range(5):
        shuffled = corpus()
        random.Random(seed).shuffle(shuffled)
        assert sorted(m.row() for m in find_stories(shuffled)) == expected


def test_an_earlier_copy_becomes_the_first_article() -> None:
    earlier = article("early-1", EDITED, 1, "Early Bird")
    members = {m.article_id: m for m in find_stories([*corpus(), earlier])}
    assert members["wire-1"].story_id == "s-early-1"
    assert members["early-1"].kind == "first"


def test_short_texts_only_match_exactly() -> None:
    short = "Talks resumed in Geneva on Monday."
    assert fingerprint(short).signature is None
    assert fingerprint(short).n_shingles < MIN_SHINGLES
    members = find_stories(
        [
            article("a", short, 1),
            article("b", short.replace("Monday", "Tuesday"), 1),
            article("c", short, 2),
        ]
    )
    assert [m.story_id for m in members] == ["s-a", "s-b", "s-a"]


def test_source_is_the_outlet_else_the_url_host() -> None:
    assert source_of(" Reuters ", "https://www.reuters.com/x") == "Reuters"
    assert source_of(None, "https://www.bbc.co.uk/news/1") == "bbc.co.uk"
    assert source_of(None, None) is None
