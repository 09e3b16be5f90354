"""Statements by speaker, country and date, linked to their events: an article written for
this test, coded by the real pipeline (with the lexicon coder, whose events on it are fixed:
what is tested is the linking) and stored."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

import eventscope
from eventscope.settings import load_settings
from eventscope.store import Store

RULES = load_settings().replace(event_coder="lexicon")

ARTICLE = (
    "Syrian President Bashar al-Assad warned on Wednesday that his forces would attack US "
    "troops in the east.\n\n"
    '"We will liberate every part of Syria," Assad said. He said US troops had attacked '
    "Syrian army positions near Deir Ezzor.\n\n"
    "Russian Foreign Minister Sergei Lavrov told reporters that Moscow would keep talking "
    "to Washington."
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("statements") / "events.duckdb"
    first = eventscope.extract(ARTICLE, published="2018-05-31", id="syria-1", settings=RULES)
    later = eventscope.extract(
        "Sergei Lavrov, Russia's foreign minister, said Moscow would respond to the sanctions.",
        published="2019-02-01",
        id="russia-2",
        settings=RULES,
    )
    with Store(path) as store:
        store.write(first)
        store.write(later)
    return path


def test_statements_by_speaker_name_any_case_and_part(db: Path) -> None:
    found = eventscope.statements(db, speaker="ASSAD")
    assert [s["speaker_name"] for s in found] == ["Bashar al-Assad"] * 3
    # "He said ..." is Assad's, through the pronoun.
    assert [s["speaker_text"] for s in found] == ["Syrian President Bashar al-Assad", "Assad", "He"]
    assert [s["direct"] for s in found] == [False, True, False]


def test_statements_link_the_events_they_contain_or_are(db: Path) -> None:
    warned, _direct, reported = eventscope.statements(db, speaker="assad")
    assert [(e["type"], e["constituted"]) for e in warned["events"]] == [("THREATEN", True)]
    assert [(e["type"], e["factuality"], e["constituted"]) for e in reported["events"]] == [
        ("ASSAULT", "reported", False)
    ]


def test_statements_by_country_and_date(db: Path) -> None:
    russian = eventscope.statements(db, country="rus")
    assert [s["published"] for s in russian] == [dt.date(2018, 5, 31), dt.date(2019, 2, 1)]
    assert len(eventscope.statements(db, country="RUS", since=dt.date(2019, 1, 1))) == 1
    assert len(eventscope.statements(db, until=dt.date(2018, 12, 31))) == 4
    assert eventscope.statements(db, speaker="' OR 1=1 --") == []  # a value, never SQL
    assert len(eventscope.statements(db, limit=2)) == 2


def test_statements_command(db: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "eventscope.cli", "statements", "--db", str(db), "--country",
         "SYR", "--json"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert {r["speaker_name"] for r in rows} == {"Bashar al-Assad"}
    text = subprocess.run(
        [sys.executable, "-m", "eventscope.cli", "statements", "--db", str(db), "--speaker",
         "lavrov", "--since", "2019-01-01"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert text.startswith("2019-02-01  Sergei Lavrov [RUS] said: Moscow would respond")
    bad = subprocess.run(
        [sys.executable, "-m", "eventscope.cli", "statements", "--db", str(db), "--since", "May"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode != 0 and "--since 'May': not a date" in bad.stderr
