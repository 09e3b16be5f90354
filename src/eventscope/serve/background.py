"""An ingest run by the server itself (``eventscope serve --ingest PATH``), so that the API
reads what is being written.

DuckDB lets no other process open a file while one writes it, so a separate ``eventscope
ingest`` and ``eventscope serve`` on one file take turns (reads answer 503 meanwhile). Run
from the server, the ingest keeps the single writer open in this process (``Database.
hold_writer``); the API reads on cursors of the same instance and sees every batch once it
is committed, never part of one. The coding runs on the engine the settings name (worker
processes by default), the writing in this thread, one batch per transaction, as in
``eventscope ingest``: a server that is stopped or killed mid-run loses nothing stored, and
the same command started again continues where it stopped.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from typing import Any

from eventscope.errors import EventscopeError
from eventscope.jobs import IngestSummary, ingest_paths
from eventscope.serve.database import Database
from eventscope.settings import Settings


class _Stopped(Exception):
    """The server is shutting down: the ingest stops after the batch it has committed."""


class BackgroundIngest:
    """One ingest of ``paths`` in a thread of this process; ``status()`` says how it goes."""

    def __init__(self, paths: Sequence[str], *, settings: Settings, database: Database) -> None:
        self.paths = list(paths)
        self.settings = settings
        self.database = database
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._state = "waiting"
        self._summary: IngestSummary | None = None
        self._error: str | None = None
        self._started: float | None = None
        self._finished: float | None = None
        self._thread = threading.Thread(target=self._run, name="ingest", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the batch in hand (its articles are committed or not at all)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the ingest to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _progress(self, summary: IngestSummary) -> None:
        with self._lock:
            self._summary = dataclasses.replace(summary, peak_rss_mb=dict(summary.peak_rss_mb))
        if self._stop.is_set():
            raise _Stopped

    def _run(self) -> None:
        with self._lock:
            self._state, self._started = "running", time.monotonic()
        state, error = "done", None
        try:
            with self.database.hold_writer() as store:
                summary = ingest_paths(
                    self.paths,
                    settings=self.settings,
                    on_progress=self._progress,
                    store=store,
                )
            with self._lock:
                self._summary = summary
        except _Stopped:
            state = "stopped"
        except EventscopeError as exc:
            state, error = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - reported by /api/health, the server goes on
            state, error = "failed", f"{type(exc).__name__}: {exc}"
        with self._lock:
            self._state, self._error, self._finished = state, error, time.monotonic()

    def status(self) -> dict[str, Any]:
        """State (waiting, running, done, stopped, failed), counts so far, rate, any error."""
        with self._lock:
            summary, state = self._summary, self._state
            started, finished, error = self._started, self._finished, self._error
        elapsed = ((finished or time.monotonic()) - started) if started is not None else 0.0
        coded = (summary.stored + summary.failed) if summary else 0
        return {
            "state": state,
            "paths": len(self.paths),
            "stored": summary.stored if summary else 0,
            "skipped": summary.skipped if summary else 0,
            "failed": summary.failed if summary else 0,
            "events": summary.events if summary else 0,
            "seconds": round(elapsed, 1),
            "articles_per_second": round(coded / elapsed, 2) if elapsed > 0 else 0.0,
            "error": error,
        }
