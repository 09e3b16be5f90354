"""Coding articles posted to the API: the pipeline is loaded once per process, on the first
post, and codes one request at a time; the result is written by the single writer."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass

from eventscope.errors import EventscopeError
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.records import Article, Extraction
from eventscope.serve.database import Database
from eventscope.settings import Settings


@dataclass(frozen=True, slots=True)
class Submission:
    """One posted article (no file paths, no ids: the id comes from the text)."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Coded:
    """What became of one posted article: stored (new), skipped (already stored, same text)
    or failed (with the reason)."""

    index: int
    article_id: str | None
    outcome: str
    events: int = 0
    reason: str | None = None


class Coder:
    """Codes submissions and stores them; ``pipeline`` is made on first use unless given."""

    def __init__(self, settings: Settings, *, pipeline: Pipeline | None = None) -> None:
        self.settings = settings
        self._pipeline = pipeline
        self._lock = threading.Lock()  # one coding at a time: the pipeline is not shared
        self._refresher: Refresher | None = None

    def refresher(self, database: Database) -> Refresher:
        if self._refresher is None:
            self._refresher = Refresher(database)
        return self._refresher

    def aggregates(self) -> dict[str, object]:
        """Whether a refresh of the stories and aggregated events is due, and its last error."""
        refresher = self._refresher
        if refresher is None:
            return {"pending": False, "error": None}
        return {"pending": not refresher.wait(0), "error": refresher.error}

    def close(self) -> None:
        if self._refresher is not None:
            self._refresher.close()

    @property
    def pipeline(self) -> Pipeline:
        if self._pipeline is None:
            self._pipeline = Pipeline(self.settings)
        return self._pipeline

    def code(self, items: list[Submission], database: Database) -> list[Coded]:
        """Code and store ``items``; per item its outcome. Bad text fails alone."""
        limits = self.settings.limits
        results: list[Coded] = []
        articles: list[tuple[int, Article]] = []
        for index, item in enumerate(items):
            try:
                article = make_article(
                    item.text,
                    title=item.title,
                    published=item.published,
                    url=item.url,
                    outlet=item.outlet,
                    origin=f"api:{index}",
                    max_chars=limits.max_chars,
                    max_garbage_ratio=limits.max_garbage_ratio,
                )
            except EventscopeError as exc:
                results.append(Coded(index, None, "failed", reason=str(exc)))
                continue
            articles.append((index, article))
        extractions: list[tuple[int, Extraction]] = []
        with self._lock:
            for index, article in articles:
                try:
                    extractions.append((index, self.pipeline.extract(article)))
                except Exception as exc:  # noqa: BLE001 - one bad document fails alone
                    results.append(Coded(index, article.id, "failed", reason=str(exc)))
        if extractions:
            with database.write() as store:
                outcomes = store.write_many([x for _, x in extractions])
            if "stored" in outcomes:
                self.refresher(database).request()
            for (index, extraction), outcome in zip(extractions, outcomes, strict=True):
                results.append(
                    Coded(index, extraction.article.id, outcome, events=len(extraction.events))
                )
        return sorted(results, key=lambda coded: coded.index)


class Refresher:
    """Rebuilds the stories and aggregated events after posts, in the background.

    A refresh recomputes the corpus tables of the whole database (seconds on thousands of
    articles), so a post does not wait for it: it asks, and requests that arrive while one
    runs or within ``delay`` seconds are served by one more refresh. Until then the posted
    article's events count as events of their own (the queries' rule for rows not yet
    aggregated). Reads go on meanwhile (``Database.write``).
    """

    def __init__(self, database: Database, *, delay: float = 0.5) -> None:
        self.database = database
        self.delay = delay
        self.error: str | None = None
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._state = threading.Lock()  # wanted and idle change together
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, name="aggregates", daemon=True)
        self._thread.start()

    def request(self) -> None:
        with self._state:
            self._idle.clear()
            self._wanted.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until no refresh is wanted or running; True when so."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._closed.set()
        self._wanted.set()
        self._thread.join(60)

    def _run(self) -> None:
        from eventscope.corpus import refresh_aggregates

        while True:
            self._wanted.wait()
            if self._closed.is_set():
                return
            self._closed.wait(self.delay)  # let the posts of a burst arrive
            with self._state:
                self._wanted.clear()
            try:
                with self.database.write() as store:
                    refresh_aggregates(store)
                self.error = None
            except Exception as exc:  # noqa: BLE001 - kept for /api/health; the next post retries
                self.error = f"{type(exc).__name__}: {exc}"
            with self._state:
                if not self._wanted.is_set():
                    self._idle.set()
