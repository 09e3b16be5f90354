"""Issue 9, item 3: one writer; a second ingest, or a reader in another process, is told the
database is busy (never waits, never corrupts it); in one process, readers see committed
articles only.

What DuckDB 2.0 does (README, "Reliability and security"): a read-write connection holds an
exclusive lock on the file for as long as it is open, so while an ingest runs no other
process can open the file at all, even read-only; read-only connections share the lock, and
while any is open no process can open the file for writing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from eventscope.errors import StoreError
from eventscope.records import Article, Extraction
from eventscope.store import Store

pytestmark = pytest.mark.slow

SENTENCE = "{n} protesters were arrested by police in Lagos on Friday, officials said."
ARTICLES_N = 40
BATCH = 8


def _lines() -> list[bytes]:
    records = [
        {"id": f"c{i:03d}", "text": SENTENCE.format(n=10 + i), "published": "2023-07-14"}
        for i in range(ARTICLES_N)
    ]
    return [(json.dumps(r) + "\n").encode() for r in records]


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).with_name("eventscope")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "eventscope.cli"]
    return [*head, *args]


ENV = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSCOPE_")}


def test_two_ingests_at_once_and_a_reader_while_one_writes(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    config = tmp_path / "es.toml"
    config.write_text(f"batch_size = {BATCH}\nworkers = 1\n", encoding="utf-8")
    ingest = _command("ingest", "-", "--db", str(db), "--config", str(config))
    # The first ingest reads JSON lines from a pipe that this test holds open: it stores the
    # first batch, then waits for more, holding the database, for as long as needed here.
    first = subprocess.Popen(
        ingest,
        cwd=tmp_path,
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines = _lines()
    try:
        assert first.stdin is not None and first.stderr is not None
        head = b"".join(lines[:BATCH])
        first.stdin.write(head.ljust(8192, b"\n"))  # a whole first read (blank lines skip)
        first.stdin.flush()
        line = first.stderr.readline().decode()  # printed once the first batch is committed
        assert line.startswith("ingest: "), line + first.stderr.read().decode()
        second_source = tmp_path / "more.jsonl"
        second_source.write_bytes(b"".join(lines))
        second_ingest = _command(
            "ingest", str(second_source), "--db", str(db), "--config", str(config)
        )

        # A second ingest into the same file: refused at once, with the file named.
        second = subprocess.run(
            second_ingest, cwd=tmp_path, env=ENV, capture_output=True, text=True, timeout=120
        )
        assert second.returncode != 0
        assert (
            f"database {db} is busy: another eventscope process is writing to it "
            "(one writer at a time)"
        ) in second.stderr, second.stderr
        assert "Traceback" not in second.stderr

        # A reader in another process (this one) meanwhile: busy too, and says why.
        with pytest.raises(StoreError) as caught:
            Store(db, read_only=True)
        assert str(caught.value) == (
            f"database {db} is busy: being written by another process (an ingest); try "
            "again when it is done, or read the exported files"
        )
        # DuckDB itself: the same, as its own lock error.
        with pytest.raises(duckdb.IOException, match="Could not set lock"):
            duckdb.connect(str(db), read_only=True)
        assert first.poll() is None, "the first ingest should still be running"
    finally:
        out, rest = first.communicate(b"".join(lines[BATCH:]), timeout=300)
    assert first.returncode == 0, rest.decode()
    assert out.decode().startswith(f"{ARTICLES_N} stored, 0 already stored, 0 failed"), out
    with Store(db, read_only=True) as store:  # intact, everything once
        ids = [row["id"] for row in store.query("SELECT id FROM articles")]
        assert len(ids) == len(set(ids)) == ARTICLES_N
        assert store.failures() == []


READER = textwrap.dedent(
    """
    import sys
    from eventscope.store import Store
    with Store(sys.argv[1], read_only=True) as store:
        print(store.counts()["articles"], flush=True)
        sys.stdin.readline()
    """
)


def test_an_ingest_while_another_process_reads_is_told_why(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    Store(db).close()
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps({"text": SENTENCE.format(n=3)}) + "\n", encoding="utf-8")
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout is not None and reader.stdout.readline().strip() == "0"
        # Readers share the file: a second one opens it too.
        with Store(db, read_only=True) as store:
            assert store.counts()["articles"] == 0
        blocked = subprocess.run(
            _command("ingest", str(source), "--db", str(db), "--workers", "1"),
            cwd=tmp_path,
            env=ENV,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert blocked.returncode != 0
        assert (
            f"database {db} is busy: another process has it open for reading; it can be "
            "written once that process closes it"
        ) in blocked.stderr, blocked.stderr
    finally:
        assert reader.stdin is not None
        reader.stdin.close()
        reader.wait(timeout=30)
    with Store(db) as store:  # the reader is gone: writable again, unharmed
        assert store.counts()["articles"] == 0


def _extraction(article_id: str) -> Extraction:
    text = SENTENCE.format(n=5)
    article = Article(id=article_id, text=text, origin=f"{article_id}.txt", content_hash="h")
    return Extraction(article=article, sentences=(), actors=(), events=(), places=(), quotes=())


def test_in_one_process_a_reader_sees_committed_articles_only(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    with Store(db) as writer:
        writer.write(_extraction("a1"))
        with Store(db, read_only=True) as reader:
            assert reader.has_article("a1")

            def half_written(con: duckdb.DuckDBPyConnection) -> None:
                con.execute(
                    "INSERT INTO articles SELECT * REPLACE ('a2' AS id) FROM articles "
                    "WHERE id = 'a1'"
                )
                # Inside the writer's open transaction: the reader does not see it yet.
                assert not reader.has_article("a2")
                assert reader.counts()["articles"] == 1

            writer.transact(half_written)
            assert reader.has_article("a2")
            with pytest.raises(StoreError, match="read-only"):
                reader.write(_extraction("a3"))
