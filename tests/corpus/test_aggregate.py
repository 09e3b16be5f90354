"""Stories and aggregated events (issue 7, corpus scale) on articles written for this test,
coded by the real pipeline and stored: a wire story and a lightly edited copy from another
outlet become one story and one aggregated event with two sources; an unrelated story stays
apart; the same text stored twice is found; a denial never merges with the assertion;
refreshing again changes nothing; counts use aggregated events unless asked for raw rows.

The texts are coded by the lexicon coder (``event_coder = "lexicon"``), whose events on them
are fixed: what is tested here is the grouping, not the coding."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import eventscope
from eventscope.cli import app
from eventscope.corpus import count_events, list_stories, most_reported, refresh_aggregates
from eventscope.records import Extraction
from eventscope.settings import load_settings
from eventscope.store import Store

WIRE = (
    "Russian forces shelled the Ukrainian city of Kharkiv on Tuesday, killing at least five "
    "civilians, regional officials said. The shelling hit a residential district in the north "
    "of the city late in the evening, the regional governor said. Moscow did not immediately "
    "comment on the strike. Kharkiv, Ukraine's second-largest city, lies about 30 kilometres "
    "from the Russian border and has come under repeated attack since the start of the war."
)
# Another outlet's copy, a day later: a figure and a phrase changed, a sentence added.
EDITED = (
    WIRE.replace("at least five", "at least six").replace("late in the evening", "late on Tuesday")
    + " Residents said they heard several loud explosions."
)
UNRELATED = (
    "German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris on Monday to "
    "discuss European defence spending. The two leaders agreed to coordinate their positions "
    "before the summit of the European Union next month, a French government spokesman said."
)
DENIAL = (
    "Israeli troops attacked Palestinian gunmen in Jenin on Friday. The Israeli army denied "
    "that Israeli troops attacked Palestinian gunmen in Jenin on Friday."
)


RULES = load_settings().replace(event_coder="lexicon")


def coded(text: str, id: str, published: str, outlet: str, url: str) -> Extraction:
    extraction = eventscope.extract(text, published=published, id=id, settings=RULES)
    article = dataclasses.replace(extraction.article, outlet=outlet, url=url)
    return dataclasses.replace(extraction, article=article)


@pytest.fixture(scope="module")
def articles() -> list[Extraction]:
    return [
        coded(WIRE, "wire-1", "2022-05-17", "Wire Agency", "https://wire.example/kharkiv"),
        coded(EDITED, "daily-1", "2022-05-18", "Daily Example", "https://daily.example/kharkiv"),
        coded(UNRELATED, "paris-1", "2022-05-16", "Wire Agency", "https://wire.example/paris"),
        coded(DENIAL, "jenin-1", "2022-05-20", "Wire Agency", "https://wire.example/jenin"),
        # The wire story again under another id (a second feed): a duplicate.
        coded(WIRE, "wire-1-rss", "2022-05-17", "Wire Agency", "https://wire.example/k?rss"),
    ]


@pytest.fixture(scope="module")
def db(articles: list[Extraction], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("corpus") / "events.duckdb"
    with Store(path) as store:
        for extraction in articles:
            assert store.write(extraction)
        refresh_aggregates(store)
    return path


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    tables = ("stories", "story_articles", "aggregated_events", "aggregated_event_links")
    return {
        table: sorted(tuple(row.values()) for row in store.query(f"SELECT * FROM {table}"))
        for table in tables
    }


def kharkiv_assault(store: Store) -> list[dict[str, Any]]:
    return store.query(
        "SELECT * FROM aggregated_events WHERE type = 'ASSAULT' AND place_country = 'UKR'"
    )


def test_a_wire_story_and_its_edited_copy_are_one_story(db: Path) -> None:
    with Store(db, read_only=True) as store:
        members = {
            row["article_id"]: row
            for row in store.query("SELECT * FROM story_articles WHERE story_id = 's-wire-1'")
        }
        story = store.query("SELECT * FROM stories WHERE story_id = 's-wire-1'")[0]
        others = store.query("SELECT story_id FROM story_articles WHERE article_id = 'paris-1'")
    assert set(members) == {"wire-1", "daily-1", "wire-1-rss"}
    assert members["daily-1"]["kind"] == "near"
    assert members["daily-1"]["source"] == "Daily Example"
    assert (story["n_articles"], story["n_sources"], story["n_duplicates"]) == (2, 2, 1)
    assert others == [{"story_id": "s-paris-1"}]  # the unrelated story stays apart


def test_the_same_text_under_another_id_is_a_duplicate(db: Path) -> None:
    with Store(db, read_only=True) as store:
        row = store.query("SELECT * FROM story_articles WHERE article_id = 'wire-1-rss'")[0]
    assert (row["kind"], row["similarity"], row["duplicate_of"]) == ("exact", 1.0, "wire-1")


def test_one_event_reported_by_two_outlets_is_one_aggregated_event(db: Path) -> None:
    with Store(db, read_only=True) as store:
        [event] = kharkiv_assault(store)
        links = store.query(
            "SELECT l.article_id, l.counted, e.evidence FROM aggregated_event_links l "
            "JOIN events e ON e.id = l.event_id WHERE l.aggregated_event_id = ? "
            "ORDER BY l.article_id",
            [event["id"]],
        )
    assert (event["source_country"], event["target_country"]) == ("RUS", "UKR")
    assert (event["num_mentions"], event["num_articles"], event["num_sources"]) == (2, 2, 2)
    assert str(event["first_reported"]) == "2022-05-17"
    assert str(event["last_reported"]) == "2022-05-18"
    # Every report is linked, with its sentence; the duplicate's is not counted.
    assert [(link["article_id"], link["counted"]) for link in links] == [
        ("daily-1", True),
        ("wire-1", True),
        ("wire-1-rss", False),
    ]
    assert links[0]["evidence"].startswith("Russian forces shelled")


def test_a_denial_does_not_merge_with_the_assertion(db: Path) -> None:
    with Store(db, read_only=True) as store:
        found = store.query(
            "SELECT factuality, num_mentions FROM aggregated_events "
            "WHERE source_country = 'ISR' AND type = 'ASSAULT' ORDER BY factuality"
        )
    assert found == [
        {"factuality": "asserted", "num_mentions": 1},
        {"factuality": "negated", "num_mentions": 1},
    ]


def test_refreshing_again_changes_nothing(db: Path) -> None:
    with Store(db) as store:
        before = snapshot(store)
        summary = refresh_aggregates(store)
        assert summary.hashed == 0  # signatures are kept
        assert snapshot(store) == before


def test_stories_do_not_depend_on_the_order_of_ingest(articles: list[Extraction], db: Path) -> None:
    with Store(db, read_only=True) as store:
        expected = snapshot(store)
    with Store(":memory:") as store:
        # One at a time, newest first, refreshing as they come: new articles join.
        for extraction in reversed(articles):
            store.write(extraction)
            refresh_aggregates(store)
        assert snapshot(store) == expected


def test_counts_use_aggregated_events_unless_raw(db: Path) -> None:
    with Store(db, read_only=True) as store:
        aggregated = {c.key: (c.events, c.mentions) for c in count_events(store, by="country")}
        raw = {c.key: c.events for c in count_events(store, by="country", raw=True)}
        dyads = {c.key: c.events for c in count_events(store, by="dyad")}
    # The shelling of Kharkiv: one event, two mentions (the duplicate's is not counted),
    # where the raw rows count three.
    assert aggregated["UKR"] == (1, 2)
    assert raw["UKR"] == 3
    assert dyads["RUS -> UKR"] == 1
    assert dyads["ISR -> PSE"] == 2  # asserted and denied: two events


def test_counts_stories_and_aggregate_commands(db: Path) -> None:
    runner = CliRunner()
    aggregated = runner.invoke(app, ["counts", "--db", str(db), "--by", "country", "--json"])
    raw = runner.invoke(app, ["counts", "--db", str(db), "--by", "country", "--raw", "--json"])
    assert aggregated.exit_code == 0 and raw.exit_code == 0, aggregated.output + raw.output
    by_country = {r["country"]: r for r in map(json.loads, aggregated.stdout.splitlines())}
    raw_country = {r["country"]: r for r in map(json.loads, raw.stdout.splitlines())}
    assert by_country["UKR"]["events"] < raw_country["UKR"]["events"]
    table = runner.invoke(app, ["counts", "--db", str(db), "--by", "month"])
    assert table.stdout.splitlines()[0].split() == ["month", "events", "mentions"]
    assert table.stdout.splitlines()[1].split()[0] == "2022-05"
    stories = runner.invoke(app, ["stories", "--db", str(db)])
    assert stories.exit_code == 0
    assert "s-wire-1" in stories.stdout and "Daily Example" in stories.stdout
    assert "paris-1" not in stories.stdout  # one article: listed with --min-articles 1
    again = runner.invoke(app, ["aggregate", "--db", str(db), "--top", "1"])
    assert again.exit_code == 0, again.output
    assert "5 articles in 3 stories" in again.stdout
    assert "Russian forces shelled" in again.stdout
    bad = runner.invoke(app, ["counts", "--db", str(db), "--by", "planet"])
    assert bad.exit_code == 2


def test_python_api(db: Path) -> None:
    assert [c.key for c in eventscope.counts(db, by="type")][0] is not None
    [story] = eventscope.stories(db)
    assert [a["source"] for a in story["articles"]] == [
        "Wire Agency",
        "Wire Agency",
        "Daily Example",
    ]
    with Store(db, read_only=True) as store:
        [top, *_] = most_reported(store)
        assert top["num_sources"] == 2
        assert len(list_stories(store, min_articles=1)) == 3
