"""Engines (issue 7): worker processes and Ray code exactly what one process codes, and a run
killed part-way continues where it stopped, storing every article once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from eventscope.engines import local, open_engine
from eventscope.engines.local import InProcessEngine, ProcessEngine
from eventscope.errors import EngineError, SettingsError
from eventscope.jobs import IngestSummary, ingest_paths
from eventscope.pipeline import Pipeline
from eventscope.records import to_dict
from eventscope.settings import Settings, load_settings
from eventscope.store import Store

pytestmark = pytest.mark.slow

PLACES = [
    ("Kenyan", "Nairobi"),
    ("Nigerian", "Lagos"),
    ("French", "Paris"),
    ("Turkish", "Ankara"),
    ("Indian", "Delhi"),
    ("Brazilian", "Brasilia"),
    ("Egyptian", "Cairo"),
    ("Pakistani", "Karachi"),
    ("Mexican", "Monterrey"),
    ("Iraqi", "Baghdad"),
]
TEMPLATES = [
    "{adj} police arrested {n} protesters in {city} on Friday, officials said.",
    "The {adj} army shelled rebel positions near {city} on Monday, killing {n} fighters.",
    "{adj} President met the Japanese foreign minister in {city} on Tuesday to sign a trade "
    "agreement worth {n} million dollars.",
    "Hundreds of {adj} workers marched in {city} on Sunday to demand higher wages, and "
    "{n} were detained by police.",
]


def _articles(count: int) -> list[dict[str, str]]:
    records = []
    for i in range(count):
        adj, city = PLACES[i % len(PLACES)]
        text = TEMPLATES[i % len(TEMPLATES)].format(adj=adj, city=city, n=12 + i)
        records.append({"text": text, "published": "2023-07-14"})
    return records


def _write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _stored(db: Path) -> tuple[list[str], list[dict[str, object]]]:
    """Article ids (with repeats, if any) and every event, in a stable order."""
    with Store(db, read_only=True) as store:
        ids = [row["id"] for row in store.query("SELECT id FROM articles ORDER BY id")]
        return ids, [to_dict(event) for event in store.events()]


def _settings(db: Path, **changes: object) -> Settings:
    return load_settings().replace(database=str(db), **changes)


def test_two_workers_store_what_one_process_stores(
    tmp_path: Path,
    nlp,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Fresh workers after every chunk each: replacing them loses and repeats nothing.
    monkeypatch.setattr(local, "CHUNKS_PER_WORKER", 1)
    source = _write_jsonl(tmp_path / "in.jsonl", _articles(8))
    one = _settings(tmp_path / "one.duckdb", workers=1, batch_size=2)
    ingest_paths([str(source)], settings=one, pipeline=Pipeline(one, nlp=nlp))
    two = _settings(tmp_path / "two.duckdb", workers=2, batch_size=2)
    assert isinstance(open_engine(two), ProcessEngine)
    summary = ingest_paths([str(source)], settings=two)
    assert summary.stored == 8 and summary.failed == 0
    # Each worker that did work says how much memory it needed. Which ones got chunks
    # depends on start-up timing: at least one of each pool (two pools: 4 chunks, 2 workers,
    # replaced after 2 chunks), at most two.
    assert 2 <= len(summary.peak_rss_mb) <= 4
    assert all(mb > 0 for mb in summary.peak_rss_mb.values())
    ids, events = _stored(tmp_path / "two.duckdb")
    assert (ids, events) == _stored(tmp_path / "one.duckdb")
    assert len(ids) == 8 and events


def test_one_worker_and_small_inputs_stay_in_this_process(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(open_engine(_settings(tmp_path / "x.duckdb", workers=1)), InProcessEngine)
    # Two workers asked for, but one chunk of work: no process is started for it.
    settings = _settings(tmp_path / "x.duckdb", workers=2, batch_size=32)
    source = _write_jsonl(tmp_path / "in.jsonl", _articles(3))
    summary = ingest_paths([str(source)], settings=settings, pipeline=Pipeline(settings, nlp=nlp))
    assert summary.stored == 3
    assert list(summary.peak_rss_mb) == ["this process"]


def test_a_model_the_workers_cannot_load_stops_the_run_with_its_message(tmp_path: Path) -> None:
    settings = _settings(tmp_path / "x.duckdb", workers=2, model="no_such_model")
    engine = open_engine(settings)
    try:
        with pytest.raises(EngineError, match="spaCy model 'no_such_model' is not installed"):
            engine.start()
    finally:
        engine.close()


def test_workers_setting_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "es.toml"
    path.write_text("workers = -1\n", encoding="utf-8")
    with pytest.raises(SettingsError, match="workers -1"):
        load_settings(path)
    path.write_text('workers = 3\nengine = "ray"\nray_address = "auto"\n', encoding="utf-8")
    settings = load_settings(path)
    assert (settings.workers, settings.engine, settings.ray_address) == (3, "ray", "auto")


def test_a_killed_run_continues_where_it_stopped(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    records = _articles(40)
    records.insert(20, records[3])  # a repeat: still stored once
    source = _write_jsonl(tmp_path / "in.jsonl", records)
    config = tmp_path / "es.toml"
    config.write_text("batch_size = 4\nworkers = 2\n", encoding="utf-8")
    db = tmp_path / "killed.duckdb"
    command = [sys.executable, "-m", "eventscope.cli", "ingest", str(source), "--db", str(db)]
    command += ["--config", str(config)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVENTSCOPE_")}
    run = subprocess.Popen(
        command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert run.stderr is not None
    # Without a terminal, ingest prints a progress line once its first batch is committed.
    line = run.stderr.readline()
    assert line.startswith("ingest: "), line + run.stderr.read()
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=30)
    run.stderr.close()
    assert run.stdout is not None
    run.stdout.close()
    # Its workers notice and exit (they hold no lock, but should not linger).
    time.sleep(0.5)
    with Store(db, read_only=True) as store:
        stored_before = store.counts()["articles"]
    assert 0 < stored_before < 40, "the run was not stopped part-way"

    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    # The articles stored before the kill are skipped (as is the repeat), the rest coded.
    assert again.stdout.startswith(
        f"{40 - stored_before} stored, {stored_before + 1} already stored, 0 failed"
    ), again.stdout

    clean = _settings(tmp_path / "clean.duckdb", workers=1, batch_size=4)
    summary: IngestSummary = ingest_paths(
        [str(source)], settings=clean, pipeline=Pipeline(clean, nlp=nlp)
    )
    assert summary.stored == 40 and summary.skipped == 1
    ids, events = _stored(db)
    assert len(ids) == len(set(ids)) == 40
    assert (ids, events) == _stored(tmp_path / "clean.duckdb")


def test_ray_engine_stores_what_the_local_engine_stores(tmp_path: Path, nlp) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("ray")
    source = _write_jsonl(tmp_path / "in.jsonl", _articles(6))
    local = _settings(tmp_path / "local.duckdb", workers=1, batch_size=2)
    ingest_paths([str(source)], settings=local, pipeline=Pipeline(local, nlp=nlp))
    # A local Ray instance of two CPUs (no dashboard), started and stopped by the engine.
    distributed = _settings(tmp_path / "ray.duckdb", engine="ray", workers=2, batch_size=2)
    summary = ingest_paths([str(source)], settings=distributed)
    assert summary.stored == 6 and summary.failed == 0
    assert len(summary.peak_rss_mb) == 2
    assert _stored(tmp_path / "ray.duckdb") == _stored(tmp_path / "local.duckdb")


def test_workers_run_the_numerical_libraries_on_one_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in local.ONE_THREAD_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MKL_NUM_THREADS", "3")  # what the user set stands
    engine = open_engine(_settings(tmp_path / "x.duckdb", workers=2))
    assert isinstance(engine, ProcessEngine)
    try:
        pool = engine._start()
        assert pool.submit(os.getenv, "OPENBLAS_NUM_THREADS").result() == "1"
        assert pool.submit(os.getenv, "MKL_NUM_THREADS").result() == "3"
    finally:
        engine.close()
