"""Writes through the server: reads go on during a write, and the stories and aggregated
events are rebuilt after posts in the background, not inside the post."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from serve_sample import ARTICLES, NEW_TEXT, build_database

from eventscope.pipeline import Pipeline
from eventscope.serve import create_app
from eventscope.settings import Server, Settings

TOKEN = "writes-token"


@pytest.fixture()
def app_and_client(tmp_path: Path, nlp: object) -> Iterator[tuple[object, TestClient]]:
    pipeline = Pipeline(nlp=nlp)  # type: ignore[arg-type]
    db = build_database(tmp_path / "events.duckdb", pipeline)
    app = create_app(
        db, settings=Settings(server=Server(token=TOKEN)), pipeline=pipeline, idle_seconds=0.2
    )
    with TestClient(app) as client:
        yield app, client


def test_reads_go_on_while_the_writer_is_open(app_and_client: tuple[object, TestClient]) -> None:
    app, client = app_and_client
    database = app.state.database  # type: ignore[attr-defined]
    answers: list[int] = []
    with database.write():
        # A read during the write is answered (from the writer's committed data) rather than
        # waiting for the write to end.
        reader = threading.Thread(
            target=lambda: answers.append(client.get("/api/health").status_code)
        )
        reader.start()
        reader.join(20)
        assert not reader.is_alive(), "a read waited for the write"
    assert answers == [200]
    assert client.get("/api/health").json()["articles"] == len(ARTICLES)


def test_a_post_answers_before_the_aggregates_are_rebuilt(
    app_and_client: tuple[object, TestClient],
) -> None:
    app, client = app_and_client
    headers = {"Authorization": f"Bearer {TOKEN}"}
    posted = client.post(
        "/api/articles", json={"text": NEW_TEXT, "published": "2024-04-02"}, headers=headers
    )
    assert posted.status_code == 201, posted.text
    event_id = posted.json()["article"]["events"][0]["id"]
    refresher = app.state.coder.refresher(app.state.database)  # type: ignore[attr-defined]
    assert refresher.wait(60), "the background refresh did not finish"
    health = client.get("/api/health").json()
    assert health["aggregates"] == {"pending": False, "error": None}
    # The posted event now belongs to an aggregated event, like the ones ingested before it.
    event = client.get(f"/api/events/{event_id}").json()
    assert event["aggregated"] is not None
    assert [r["event_id"] for r in event["reports"]] == [event_id]
