"""Issue 9, item 2: ``kill -9`` during ingest, at several points, loses and repeats nothing.

The real CLI (``eventscope ingest``, two worker processes, batches of 4) codes a corpus this
test writes, and is killed with SIGKILL again and again on the same database: before it has
stored anything, just after its first batch is committed, part-way through, and at a random
moment. After each kill the database opens, holds only whole articles (each stored
article has exactly the rows a clean run gives it, and no row belongs to an article that is
not stored), and no worker process of the killed run is left behind. A last run completes
the rest, and the database then equals a clean single run: every article once, the same
events.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventscope.jobs import ingest_paths
from eventscope.pipeline import Pipeline
from eventscope.records import to_dict
from eventscope.settings import load_settings
from eventscope.store import Store
from eventscope.store.schema import ARTICLE_TABLES, ARTICLES

pytestmark = pytest.mark.slow

COUNTRIES = [
    ("Kenyan", "Nairobi"), ("Nigerian", "Lagos"), ("French", "Paris"), ("Turkish", "Ankara"),
    ("Indian", "Delhi"), ("Egyptian", "Cairo"), ("Iraqi", "Baghdad"), ("Mexican", "Monterrey"),
]  # fmt: skip
TEMPLATES = [
    "{adj} police arrested {n} protesters in {city} on Friday, officials said.",
    "The {adj} army shelled rebel positions near {city} on Monday, killing {n} fighters.",
    "The {adj} president met the Japanese foreign minister in {city} on Tuesday and signed "
    "a trade agreement worth {n} million dollars.",
    "Hundreds of {adj} workers marched in {city} on Sunday to demand higher wages; {n} "
    "were detained.",
]
ARTICLES_N = 160
# Rows of the article tables that point at an article (all but `articles` itself).
CHILD_TABLES = [table.name for table in ARTICLE_TABLES if table is not ARTICLES]


def _corpus(path: Path) -> Path:
    lines = []
    for i in range(ARTICLES_N):
        adj, city = COUNTRIES[i % len(COUNTRIES)]
        text = TEMPLATES[i % len(TEMPLATES)].format(adj=adj, city=city, n=10 + i)
        lines.append(json.dumps({"id": f"k{i:02d}", "text": text, "published": "2023-07-14"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _command(source: Path, db: Path, config: Path) -> list[str]:
    script = Path(sys.executable).with_name("eventscope")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "eventscope.cli"]
    return [*head, "ingest", str(source), "--db", str(db), "--config", str(config)]


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (worker processes, multiprocessing's helpers)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rpartition(")")[2].split()[1])
    found: set[int] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                frontier.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def _per_article(db: Path) -> dict[str, tuple[int, ...]]:
    """Rows of each article table per stored article; asserts that no row is an orphan."""
    with Store(db) as store:  # opening for writing also replays what the killed run logged
        ids = [row["id"] for row in store.query("SELECT id FROM articles")]
        assert len(ids) == len(set(ids)), "an article stored twice"
        counts: dict[str, list[int]] = {aid: [] for aid in ids}
        for table in CHILD_TABLES:
            orphans = store.query(
                f"SELECT count(*) AS n FROM {table} WHERE article_id NOT IN "  # a schema name
                "(SELECT id FROM articles)"
            )
            assert orphans[0]["n"] == 0, f"{table} has rows of an article that is not stored"
            per = {
                row["article_id"]: row["n"]
                for row in store.query(
                    f"SELECT article_id, count(*) AS n FROM {table} GROUP BY article_id"
                )
            }
            for aid in ids:
                counts[aid].append(per.get(aid, 0))
        dangling = store.query(
            "SELECT count(*) AS n FROM event_actors WHERE event_id NOT IN (SELECT id FROM events)"
        )
        assert dangling[0]["n"] == 0, "an event's actor without its event"
        return {aid: tuple(c) for aid, c in counts.items()}


def _events(db: Path) -> list[dict[str, object]]:
    with Store(db, read_only=True) as store:
        return [to_dict(event) for event in store.events()]


def test_kill_9_at_several_points_then_resume(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    source = _corpus(tmp_path / "corpus.jsonl")
    config = tmp_path / "es.toml"
    config.write_text("batch_size = 4\nworkers = 2\n", encoding="utf-8")
    # The reference: one clean run in this process.
    clean = tmp_path / "clean.duckdb"
    settings = load_settings(config).replace(database=str(clean), workers=1)
    assert ingest_paths([str(source)], settings=settings, pipeline=Pipeline(settings, nlp=nlp))
    reference = _per_article(clean)
    assert len(reference) == ARTICLES_N

    db = tmp_path / "killed.duckdb"
    command = _command(source, db, config)
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSCOPE_")}
    seed = random.randrange(1_000_000)
    # (wait for the first committed batch?, then seconds to wait) before each kill.
    points = [(False, 0.5), (True, 0.0), (True, 0.4), (True, random.Random(seed).uniform(0, 0.8))]
    history = []
    for after_batch, delay in points:
        run = subprocess.Popen(
            command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert run.stderr is not None
        if after_batch:
            # Without a terminal, ingest prints a line once its first batch is committed.
            line = run.stderr.readline().decode()
            if not line.startswith("ingest: "):
                rest = run.stderr.read().decode()
                out = run.stdout.read().decode() if run.stdout else ""
                pytest.fail(f"no progress line (exit {run.wait()}): {line}{rest} {out} {history}")
        time.sleep(delay)
        family = _children(run.pid)
        run.send_signal(signal.SIGKILL)
        run.wait(timeout=30)
        run.stderr.close()
        assert run.stdout is not None
        run.stdout.close()
        # The workers notice their parent is gone and exit (within about a second).
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in family) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [pid for pid in family if _alive(pid)]
        for pid in left:  # not to leave them behind if the assertion fails
            os.kill(pid, signal.SIGKILL)
        assert not left, f"worker processes outlived the killed ingest: {left}"
        if not db.exists():
            history.append((after_batch, round(delay, 2), 0))
            continue
        stored = _per_article(db)
        # Only whole articles: each has exactly the rows the clean run gave it.
        assert {aid: reference[aid] for aid in stored} == stored
        history.append((after_batch, round(delay, 2), len(stored)))
    print(f"kill points (after first batch, delay s, articles stored), seed {seed}: {history}")
    assert any(0 < n < ARTICLES_N for *_, n in history), "no kill landed part-way"

    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    already = history[-1][2]
    assert done.stdout.startswith(
        f"{ARTICLES_N - already} stored, {already} already stored, 0 failed"
    ), done.stdout
    assert _per_article(db) == reference
    assert _events(db) == _events(clean)
    # And once more: nothing left to do, nothing stored twice.
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0 and again.stdout.startswith(
        f"0 stored, {ARTICLES_N} already stored, 0 failed"
    ), again.stdout + again.stderr
