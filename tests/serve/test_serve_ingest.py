"""`eventscope serve --ingest`: the API reads a database while the server's own ingest
writes it (issue 9: one writer, readers see committed data)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import duckdb
import pytest
from fastapi.testclient import TestClient
from serve_sample import ARTICLES

from eventscope.serve import create_app
from eventscope.settings import Server, Settings

TOKEN = "ingest-test-token"
PLACES = ("Nairobi", "Kisumu", "Nakuru", "Eldoret", "Garissa", "Malindi", "Kakamega", "Thika")


def _corpus(folder: Path, n: int) -> Path:
    """``n`` articles, each a sample article with a report line of its own (distinct ids)."""
    path = folder / "corpus.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for k in range(n):
            base = ARTICLES[k % len(ARTICLES)]
            text = (
                f"{base['text']}\n\nSeparately, police in {PLACES[k % len(PLACES)]} arrested "
                f"{k + 2} demonstrators on Monday, witnesses said."
            )
            record = {"text": text, "title": base["title"], "date": str(base["published"])}
            out.write(json.dumps(record) + "\n")
    return path


def _settings(db: Path, **server: object) -> Settings:
    # One worker codes in the server process; batches of two make many commits to watch.
    return Settings(database=str(db), workers=1, batch_size=2, server=Server(**server))  # type: ignore[arg-type]


@pytest.mark.slow
def test_reads_see_each_committed_batch_while_the_server_ingests(
    tmp_path: Path, nlp: object
) -> None:
    n = 16
    corpus = _corpus(tmp_path, n)
    db = tmp_path / "live.duckdb"
    app = create_app(db, settings=_settings(db, token=TOKEN), ingest=[str(corpus)])
    seen: list[int] = []
    states: list[str] = []
    with TestClient(app) as client:
        deadline = time.monotonic() + 240
        posted = False
        while time.monotonic() < deadline:
            health = client.get("/api/health")
            assert health.status_code == 200, health.text
            body = health.json()
            states.append(body["ingest"]["state"])
            seen.append(body["articles"])
            listed = client.get("/api/events", params={"limit": 5})
            assert listed.status_code == 200, listed.text
            if body["ingest"]["state"] == "running" and body["articles"] and not posted:
                # A post while the ingest runs goes through the same single writer.
                answer = client.post(
                    "/api/articles",
                    json={
                        "text": "Egyptian police detained twelve journalists in Cairo on "
                        "Sunday, the press union said.",
                        "published": "2024-05-06",
                    },
                    headers={"Authorization": f"Bearer {TOKEN}"},
                )
                assert answer.status_code == 201, answer.text
                posted = True
            if body["ingest"]["state"] not in ("waiting", "running"):
                break
            time.sleep(0.02)
        final = client.get("/api/health").json()
    assert final["ingest"]["state"] == "done", final
    assert final["ingest"]["stored"] == n and final["ingest"]["failed"] == 0
    # Counts only grow, and the reads saw the database part-way (committed batches only).
    assert seen == sorted(seen)
    assert any(0 < count < n for count in seen), seen
    assert "running" in states
    expected = n + (1 if posted else 0)
    assert final["articles"] == expected
    # The file is closed and whole once the server stops: every article once, with its rows.
    with duckdb.connect(str(db), read_only=True) as con:
        (articles, distinct) = con.execute(
            "SELECT count(*), count(DISTINCT id) FROM articles"
        ).fetchone()  # type: ignore[misc]
        (orphans,) = con.execute(
            "SELECT count(*) FROM events WHERE article_id NOT IN (SELECT id FROM articles)"
        ).fetchone()  # type: ignore[misc]
    assert articles == distinct == expected and orphans == 0


@pytest.mark.slow
def test_the_same_ingest_again_stores_nothing_twice(tmp_path: Path, nlp: object) -> None:
    corpus = _corpus(tmp_path, 6)
    db = tmp_path / "again.duckdb"
    for round_ in range(2):
        app = create_app(db, settings=_settings(db), ingest=[str(corpus)])
        with TestClient(app) as client:
            job = app.state.ingest
            assert job.wait(240)
            status = client.get("/api/health").json()["ingest"]
        assert status["state"] == "done"
        assert (status["stored"], status["skipped"]) == ((6, 0) if round_ == 0 else (0, 6))


def test_an_ingest_of_a_dead_path_is_reported_not_fatal(tmp_path: Path) -> None:
    db = tmp_path / "dead.duckdb"
    app = create_app(db, settings=_settings(db), ingest=[str(tmp_path / "missing.jsonl")])
    with TestClient(app) as client:
        assert app.state.ingest.wait(60)
        status = client.get("/api/health").json()["ingest"]
    # A path that does not exist is a recorded failure, as in `eventscope ingest`.
    assert status["state"] == "done" and status["failed"] == 1 and status["stored"] == 0
