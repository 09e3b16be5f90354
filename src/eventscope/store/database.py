"""The eventscope database: one DuckDB file, one writer.

Single writer: a ``Store`` opened read-write is the only thing that writes to its file. DuckDB
lets one process at a time open a file for writing (and no other process may read it
meanwhile, nor write it while any process has it open read-only), so a second eventscope
process gets a ``StoreError`` saying the database is busy, and why, instead of waiting.
Within one process, a read-only ``Store`` shares the writer's database and sees committed
articles only. In a batch run, workers extract and hand ``Extraction`` records to
the one process that holds the ``Store``; that process calls ``write`` per article (or
``write_many`` per batch, which is about ten times faster).

Every article is written in one transaction: all of its rows or none.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, TypeVar

import duckdb

from eventscope import __version__
from eventscope.errors import DatabaseBusyError, StoreError
from eventscope.records import Article, Event, Extraction, Failure
from eventscope.store import rows
from eventscope.store.schema import (
    ACTORS,
    ARTICLE_TABLES,
    ARTICLES,
    DATES,
    DDL,
    EVENT_ACTORS,
    EVENTS,
    META,
    MIGRATIONS,
    PLACES,
    QUOTES,
    SCHEMA_VERSION,
    SENTENCES,
    TABLES,
    Table,
    quote,
)

WriteOutcome = Literal["stored", "skipped", "failed"]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StoredFailure:
    """A row of the ``failures`` table: a document's latest failure and how often it failed."""

    document: str
    stage: str
    reason: str
    article_id: str | None
    first_seen: dt.datetime
    last_seen: dt.datetime
    attempts: int


def _utcnow() -> dt.datetime:
    # TIMESTAMP columns are naive; they hold UTC.
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _busy(path: Path, *, read_only: bool, held_by_readers: bool) -> DatabaseBusyError:
    # DuckDB's file lock is held for as long as a connection is open, not per transaction,
    # and nothing waits for it: say who holds it and what to do.
    if held_by_readers:
        return DatabaseBusyError(
            f"database {path} is busy: another process has it open for reading; it can be "
            "written once that process closes it"
        )
    if read_only:
        return DatabaseBusyError(
            f"database {path} is busy: being written by another process (an ingest); try "
            "again when it is done, or read the exported files"
        )
    return DatabaseBusyError(
        f"database {path} is busy: another eventscope process is writing to it "
        "(one writer at a time)"
    )


def _not_ours(path: Path) -> StoreError:
    return StoreError(f"{path} is not an eventscope database")


def _connect(path: Path, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB file, turning DuckDB's errors into ones a user can act on."""
    if str(path) == ":memory:":
        return duckdb.connect(":memory:")
    if read_only and not path.exists():
        raise StoreError(f"database {path} does not exist")
    if not read_only:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the folder for database {path}: {exc}") from exc
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.ConnectionException as exc:
        # DuckDB shares one instance per file within a process and refuses a second
        # connection with other settings. A reader can share the writer's instance (this
        # Store still never writes); a writer cannot share a read-only one.
        if "different configuration" not in str(exc):
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        if read_only:
            return duckdb.connect(str(path), read_only=False)
        raise StoreError(
            f"database {path} is open read-only in this process; close that Store first"
        ) from exc
    except duckdb.Error as exc:
        message = str(exc)
        if "Could not set lock" in message or "Conflicting lock" in message:
            # DuckDB adds that read-only would work when only readers hold the lock.
            readers = "open this database in read-only mode" in message
            raise _busy(path, read_only=read_only, held_by_readers=readers) from exc
        if "not a valid DuckDB database" in message:
            raise _not_ours(path) from exc
        raise StoreError(f"cannot open database {path}: {message}") from exc


def _insert(con: duckdb.DuckDBPyConnection, table: Table, values: Sequence[rows.Row]) -> None:
    """Insert rows into a table in one parameterised statement.

    The rows go in column-wise, one typed list parameter per column unnested in parallel:
    each statement costs DuckDB a millisecond or more whatever its size, so one statement per
    table beats one per row (executemany) by far, and beats a long VALUES list too.
    """
    if not values:
        return
    columns = ", ".join(quote(name) for name in table.column_names)
    lists = ", ".join(f"unnest(?::{kind}[])" for kind in table.column_types)
    params = [list(column) for column in zip(*values, strict=True)]
    con.execute(f"INSERT INTO {table.name} ({columns}) SELECT {lists}", params)


def _insert_all(
    con: duckdb.DuckDBPyConnection,
    extractions: Sequence[Extraction],
    versions: Mapping[str, str] | None,
) -> None:
    """Insert every row of these articles, table by table."""
    stored_at = _utcnow()
    tables: dict[Table, list[rows.Row]] = {table: [] for table in ARTICLE_TABLES}
    for extraction in extractions:
        article = extraction.article
        aid = article.id
        stamp = versions
        if stamp is None:
            stamp = dict(extraction.versions)
            for event in extraction.events:
                stamp.update(event.versions)
        tables[ARTICLES].append(
            rows.article_row(
                article, n_sentences=len(extraction.sentences), stored_at=stored_at, versions=stamp
            )
        )
        tables[SENTENCES].extend(rows.sentence_row(aid, s) for s in extraction.sentences)
        tables[ACTORS].extend(rows.actor_row(aid, a) for a in extraction.actors)
        tables[EVENTS].extend(rows.event_row(e) for e in extraction.events)
        tables[EVENT_ACTORS].extend(r for e in extraction.events for r in rows.event_actor_rows(e))
        tables[PLACES].extend(rows.place_row(aid, p) for p in extraction.places)
        tables[QUOTES].extend(rows.quote_row(aid, q) for q in extraction.quotes)
        tables[DATES].extend(rows.date_row(aid, d) for d in extraction.dates)
    for table, values in tables.items():
        _insert(con, table, values)


def insert_rows(con: duckdb.DuckDBPyConnection, table: Table, values: Sequence[rows.Row]) -> None:
    """Insert rows (tuples in the table's column order) in one statement; for writers that
    run inside ``Store.transact``."""
    _insert(con, table, values)


def _as_dicts(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


class Store:
    """An eventscope database file.

    Consumes ``Extraction`` and ``Failure`` records (``write``, ``write_failure``) and gives
    back events, articles, failures and row counts. Opening creates the folder, the file and
    the schema when missing. Use it as a context manager so the file is closed (and its lock
    released) when done.

    Raises ``StoreError`` when the file is held by another writing process, is not an
    eventscope database, or was written by a newer schema.
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # One connection is not safe to use from several threads at once.
        self._lock = threading.RLock()
        self._con: duckdb.DuckDBPyConnection | None = _connect(self.path, read_only=read_only)
        try:
            self._check_schema()
        except BaseException:
            self.close()
            raise

    # -- lifecycle ---------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None

    @property
    def closed(self) -> bool:
        return self._con is None

    @property
    def _connection(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            raise StoreError(f"database {self.path} is closed")
        return self._con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to this Store's database instance, for a reader in another
        thread of this process: it sees what this Store has committed, never a transaction
        in progress (DuckDB's snapshot isolation). The caller closes it and only reads."""
        with self._lock:
            return self._connection.cursor()

    def _check_schema(self) -> None:
        con = self._connection
        found = con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        tables = {name for (name,) in found}
        if META.name not in tables:
            # An empty DuckDB file is ours to set up; one holding other tables is not.
            if tables or self.read_only:
                raise _not_ours(self.path)
            self._create_schema()
            return
        row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        try:
            version = int(row[0]) if row else None
        except ValueError:
            version = None
        if version is None:
            raise _not_ours(self.path)
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"database {self.path} has schema version {version}, newer than this "
                f"eventscope ({SCHEMA_VERSION}); upgrade eventscope to open it"
            )
        if version < SCHEMA_VERSION:
            if self.read_only:
                raise StoreError(
                    f"database {self.path} has schema version {version}; open it once for "
                    f"writing (eventscope ingest) to migrate it to {SCHEMA_VERSION}"
                )
            self._migrate(version)
        elif not self.read_only and not {table.name for table in TABLES} <= tables:
            # A file of this version written before a table was added to it (schema 2 grew
            # while unreleased): the missing tables are created empty.
            self._create_tables()

    def _migrate(self, version: int) -> None:
        """Bring a file from an older schema up to date in one transaction."""
        con = self._connection
        con.begin()
        try:
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS.get(step, ()):
                    if isinstance(statement, tuple):
                        con.execute(statement[0], list(statement[1]))
                    else:
                        con.execute(statement.format(ddl=DDL()))
            con.execute(
                "UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)]
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def _create_tables(self) -> None:
        for table in TABLES:
            self._connection.execute(table.ddl())

    def _create_schema(self) -> None:
        con = self._connection
        con.begin()
        try:
            self._create_tables()
            _insert(
                con,
                META,
                [
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("created_by", f"eventscope {__version__}"),
                    ("created_at", _utcnow().isoformat()),
                ],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def _writable(self) -> duckdb.DuckDBPyConnection:
        if self.read_only:
            raise StoreError(f"database {self.path} is open read-only")
        return self._connection

    # -- writing -----------------------------------------------------------------------------

    def write(self, extraction: Extraction, *, versions: Mapping[str, str] | None = None) -> bool:
        """Store one article and everything extracted from it, in one transaction.

        Returns False, and stores nothing, when an article with the same id is already
        stored: re-ingesting an article duplicates nothing. Either way, failures recorded
        earlier for this document (by ``origin``) or this article id are cleared, because it
        has now gone through. ``versions`` (code and table versions) is stored with the
        article; by default it is the union of the events' version stamps.

        On any error the transaction is rolled back, so no part of the article remains, and
        a ``StoreError`` is raised (other exceptions pass through, after the rollback).
        """
        with self._lock:
            return self._write_batch([extraction], versions=versions)[0]

    def write_many(
        self, extractions: Sequence[Extraction], *, versions: Mapping[str, str] | None = None
    ) -> list[WriteOutcome]:
        """Store a batch of articles; per article "stored", "skipped" (already stored, or
        repeated in the batch) or "failed".

        The fast path for batch runs: every statement costs DuckDB about a millisecond, so
        the batch goes in as one transaction of a few statements rather than one per article.
        Each article stays all-or-nothing: if the batch fails it is rolled back and the
        articles are written one by one; one that fails on its own is recorded in
        ``failures`` (stage "store") and the others are stored.
        """
        with self._lock:
            try:
                stored = self._write_batch(extractions, versions=versions)
                return ["stored" if ok else "skipped" for ok in stored]
            except StoreError:
                pass  # find the article that broke the batch; store the others
            outcomes: list[WriteOutcome] = []
            for extraction in extractions:
                try:
                    ok = self._write_batch([extraction], versions=versions)[0]
                    outcomes.append("stored" if ok else "skipped")
                except StoreError as exc:
                    article = extraction.article
                    document = article.origin or article.id
                    self.write_failure(Failure(document, "store", str(exc), article.id))
                    outcomes.append("failed")
            return outcomes

    def _write_batch(
        self, extractions: Sequence[Extraction], *, versions: Mapping[str, str] | None
    ) -> list[bool]:
        """Write new articles in one transaction; True for each one stored."""
        ids = [extraction.article.id for extraction in extractions]

        def write(con: duckdb.DuckDBPyConnection) -> list[bool]:
            found = con.execute(
                "SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]
            )
            seen = {article_id for (article_id,) in found.fetchall()}
            fresh: list[bool] = []
            for article_id in ids:
                fresh.append(article_id not in seen)
                seen.add(article_id)
            _insert_all(
                con, [x for x, new in zip(extractions, fresh, strict=True) if new], versions
            )
            con.execute(
                "DELETE FROM failures WHERE document IN (SELECT unnest(?::VARCHAR[])) "
                "OR article_id IN (SELECT unnest(?::VARCHAR[]))",
                [[x.article.origin for x in extractions if x.article.origin], ids],
            )
            return fresh

        which = ", ".join(ids) if len(ids) <= 3 else f"{ids[0]} and {len(ids) - 1} more"
        return self.transact(write, failed=f"could not store article {which}")

    def transact(
        self, apply: Callable[[duckdb.DuckDBPyConnection], T], *, failed: str | None = None
    ) -> T:
        """Run ``apply(connection)`` as one transaction on the write connection: all of its
        writes or none (datasette's ``execute_write_fn``). For writers of derived tables,
        such as the corpus refresh, that read and rewrite several tables at once, and for
        the articles' own writes.

        On a DuckDB error the transaction is rolled back and a ``StoreError`` raised, its
        message ``failed`` (by default: could not write to the database) and DuckDB's error;
        other exceptions pass through, after the rollback. Returns what ``apply`` returns.
        """
        with self._lock:
            con = self._writable()
            con.begin()
            try:
                result = apply(con)
                con.commit()
            except BaseException as exc:
                try:
                    con.rollback()
                except duckdb.Error:
                    pass  # the original error is the one worth reporting
                if isinstance(exc, duckdb.Error):
                    message = failed or f"could not write to database {self.path}"
                    raise StoreError(f"{message}: {exc}") from exc
                raise
            return result

    def write_failure(self, failure: Failure) -> None:
        """Record that a document failed. The same document failing again updates its row
        (stage, reason, last_seen) and counts the attempt, rather than adding a row."""
        now = _utcnow()
        with self._lock:
            self._writable().execute(
                "INSERT INTO failures "
                "(document, stage, reason, article_id, first_seen, last_seen, attempts) "
                "VALUES (?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (document) DO UPDATE SET "
                "stage = excluded.stage, reason = excluded.reason, "
                "article_id = excluded.article_id, last_seen = excluded.last_seen, "
                "attempts = failures.attempts + 1",
                [failure.document, failure.stage, failure.reason, failure.article_id, now, now],
            )

    def clear_failure(self, document: str) -> bool:
        """Forget a document's failure (it has since gone through). True if there was one."""
        with self._lock:
            cursor = self._writable().execute(
                "DELETE FROM failures WHERE document = ? RETURNING document", [document]
            )
            return bool(cursor.fetchall())

    # -- reading -----------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        with self._lock:
            found = self._connection.execute("SELECT 1 FROM articles WHERE id = ?", [article_id])
            return found.fetchone() is not None

    def counts(self) -> dict[str, int]:
        """Rows per table: every table the file has but ``meta``."""
        result: dict[str, int] = {}
        with self._lock:
            found = self._connection.execute("SELECT table_name FROM duckdb_tables()")
            present = {name for (name,) in found.fetchall()}
            for table in TABLES:
                # A file opened read-only may predate a table (the corpus ones): left out.
                if table is META or table.name not in present:
                    continue
                # Table names come from the schema, never from input.
                row = self._connection.execute(f"SELECT count(*) FROM {table.name}").fetchone()
                result[table.name] = int(row[0]) if row else 0
        return result

    def schema_version(self) -> int:
        with self._lock:
            row = self._connection.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'"
            ).fetchone()
        return int(row[0]) if row else 0

    def article(self, article_id: str) -> Article | None:
        """The stored article, or None."""
        found = self.query("SELECT * FROM articles WHERE id = ?", [article_id])
        if not found:
            return None
        row = found[0]
        return Article(
            id=row["id"],
            text=row["text"],
            title=row["title"],
            published=row["published"],
            url=row["url"],
            outlet=row["outlet"],
            author=row["author"],
            origin=row["origin"],
            content_hash=row["content_hash"] or "",
            published_text=row.get("published_text"),
        )

    def events(self, *, article_id: str | None = None, limit: int | None = None) -> list[Event]:
        """Stored events rebuilt as ``Event`` records (with actors, date and location), in
        article, sentence and trigger order; those of one article when ``article_id`` is set."""
        sql = "SELECT * FROM events"
        params: list[Any] = []
        if article_id is not None:
            sql += " WHERE article_id = ?"
            params.append(article_id)
        sql += " ORDER BY article_id, sentence, trigger_start, id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        event_rows = self.query(sql, params)
        actor_rows = self.query(
            "SELECT * FROM event_actors WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
            [[row["id"] for row in event_rows]],
        )
        by_event: dict[str, list[dict[str, Any]]] = {}
        for actor in actor_rows:
            by_event.setdefault(actor["event_id"], []).append(actor)
        return [rows.event_from_row(row, by_event.get(row["id"], ())) for row in event_rows]

    def failures(self) -> list[StoredFailure]:
        """Documents that failed and have not gone through since, oldest first."""
        found = self.query(
            "SELECT document, stage, reason, article_id, first_seen, last_seen, attempts "
            "FROM failures ORDER BY first_seen, document"
        )
        return [StoredFailure(**row) for row in found]

    def query(
        self, sql: str, params: Iterable[Any] | Mapping[str, Any] = ()
    ) -> list[dict[str, Any]]:
        """Run a parameterised read query (positional ``?`` or named ``$name`` parameters);
        rows as column -> value maps.

        For reading: writes go through ``write`` / ``write_failure`` so that they stay
        transactional and this object stays the single writer.
        """
        values = dict(params) if isinstance(params, Mapping) else list(params)
        with self._lock:
            return _as_dicts(self._connection.execute(sql, values))

    def stream(
        self, sql: str, params: Iterable[Any] = (), *, batch: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Rows of a read query, fetched ``batch`` at a time (for results too big to hold).

        Holds the store's lock until the iteration ends, so consume it to the end."""
        with self._lock:
            cursor = self._connection.execute(sql, list(params))
            names = [column[0] for column in cursor.description or ()]
            while chunk := cursor.fetchmany(batch):
                for row in chunk:
                    yield dict(zip(names, row, strict=True))
