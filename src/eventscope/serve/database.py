"""The server's access to the database: many read-only readers, one writer at a time.

DuckDB's documented concurrency: one process may open a file for writing, or any number of
processes may open it read-only, never both; inside a process, every connection to a file
shares one database instance, and readers see what the writer has committed. So:

* reads run on cursors of one read-only connection (one instance, many threads), opened on
  the first read and closed again after ``idle_seconds`` without reads, so that an
  ``eventscope ingest`` can take the file between bursts of requests. While another process
  holds the file for writing, DuckDB refuses the read-only open: that is ``DatabaseBusy``
  (the API answers 503 "database is busy"), never a crash;
* a write (an article posted to the API) waits for the reads in flight, closes the read-only
  connection, opens the project's single writer (``Store``), writes, and closes it again, one
  write at a time. While it writes, reads go on, on cursors of the writer's instance (they
  see what it has committed): only the switch itself makes them wait;
* an ingest run by the server itself (``eventscope serve --ingest``, ``hold_writer``) keeps
  the single writer open in this process for the whole run: reads then use cursors of the
  writer's instance and see every batch the ingest has committed, never one half-written,
  and posted articles go through the same writer. This is the mode for reading while
  writing: DuckDB lets no other process open a file that is being written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from eventscope.errors import DatabaseBusyError, StoreError
from eventscope.store import Store


class DatabaseBusy(StoreError):
    """Another process holds the database for writing."""


class QueryTimeout(StoreError):
    """A read query ran past the time limit and was interrupted."""


class _ReadWriteLock:
    """Many readers or one writer; a waiting writer goes before new readers."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0

    @contextmanager
    def read(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._writers_waiting:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        with self._cond:
            self._writers_waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._writers_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()

    @property
    def idle(self) -> bool:
        return not self._readers and not self._writing


def _busy(path: Path) -> DatabaseBusy:
    return DatabaseBusy(
        f"database is busy: another process (an ingest?) is writing to {path.name}; "
        "try again when it is done"
    )


class Database:
    """Read-only cursors and the single writer over one eventscope DuckDB file."""

    def __init__(
        self, path: str | Path, *, idle_seconds: float = 2.0, query_seconds: float = 10.0
    ) -> None:
        self.path = Path(path)
        self.idle_seconds = idle_seconds
        self.query_seconds = query_seconds
        self._lock = _ReadWriteLock()
        self._open_lock = threading.Lock()
        self._root: duckdb.DuckDBPyConnection | None = None
        self._held: Store | None = None  # the writer of an ingest run in this process
        # A connection of the held writer's instance that only makes the readers' cursors:
        # the writer's own connection is locked while it writes a batch.
        self._held_reader: duckdb.DuckDBPyConnection | None = None
        self._held_use = threading.Lock()  # a post writing through it; it is not closed under it
        self._write_alone = threading.Lock()  # posts write one at a time
        self._last_used = time.monotonic()
        self._closed = threading.Event()
        self._reaper = threading.Thread(target=self._reap, name="db-idle", daemon=True)
        self._reaper.start()

    def check(self) -> int:
        """Open the file once as the store does (schema checks); its schema version."""
        try:
            with Store(self.path, read_only=True) as store:
                return store.schema_version()
        except DatabaseBusyError as exc:
            raise _busy(self.path) from exc

    # -- reads -------------------------------------------------------------------------------

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        reader = self._held_reader
        if reader is not None:
            return reader.cursor()
        return self._connection().cursor()

    def _connection(self) -> duckdb.DuckDBPyConnection:
        with self._open_lock:
            if self._root is None:
                if not self.path.exists():
                    raise StoreError(f"database {self.path.name} does not exist")
                try:
                    self._root = duckdb.connect(str(self.path), read_only=True)
                except duckdb.Error as exc:
                    message = str(exc)
                    if "lock" in message.lower():
                        raise _busy(self.path) from exc
                    raise StoreError(f"cannot open database {self.path.name}: {message}") from exc
            return self._root

    @contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only cursor for one request (a cursor is one thread's connection)."""
        with self._lock.read():
            cursor = self._cursor()
            # DuckDB's interrupt() stops the running query: the time limit per request.
            timer = threading.Timer(self.query_seconds, cursor.interrupt)
            timer.daemon = True
            timer.start()
            try:
                yield cursor
            except duckdb.InterruptException as exc:
                raise QueryTimeout(
                    f"the query took longer than {self.query_seconds:g} s and was stopped; "
                    "narrow the filters"
                ) from exc
            finally:
                timer.cancel()
                cursor.close()
                self._last_used = time.monotonic()

    def _close_root(self) -> None:
        with self._open_lock:
            if self._root is not None:
                self._root.close()
                self._root = None

    def _reap(self) -> None:
        """Let the file go when no one has read for a while (so an ingest can write)."""
        while not self._closed.wait(min(1.0, max(self.idle_seconds / 2, 0.05))):
            if (
                self._root is not None
                and self._lock.idle
                and time.monotonic() - self._last_used > self.idle_seconds
            ):
                with self._lock.write():
                    self._close_root()

    # -- the writer --------------------------------------------------------------------------

    @contextmanager
    def hold_writer(self) -> Iterator[Store]:
        """Open the single writer and keep it for a long job in this process (an ingest):
        meanwhile reads run on cursors of its instance and writes go through it. Raises
        ``DatabaseBusy`` when another process holds the file."""
        with self._lock.write():
            if self._held is not None:
                raise StoreError(f"database {self.path.name}: an ingest is already running")
            self._close_root()
            try:
                store = Store(self.path)
            except DatabaseBusyError as exc:
                raise _busy(self.path) from exc
            self._held, self._held_reader = store, store.cursor()
        try:
            yield store
        finally:
            with self._lock.write(), self._held_use:
                reader, self._held, self._held_reader = self._held_reader, None, None
                if reader is not None:
                    reader.close()
                store.close()

    @contextmanager
    def write(self) -> Iterator[Store]:
        """The single writer, one write at a time. While an ingest holds the writer, that
        writer is used (it takes one batch at a time); otherwise it is opened for this write
        (``hold_writer``) and reads go on through it until it is closed again."""
        with self._held_use:
            held = self._held
            if held is not None:
                yield held
                return
        with self._write_alone, self.hold_writer() as store:
            yield store

    def close(self) -> None:
        self._closed.set()
        with self._lock.write():
            self._close_root()
