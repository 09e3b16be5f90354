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
            from eventscope.corpus import refresh_aggregates

            with database.write() as store:
                outcomes = store.write_many([x for _, x in extractions])
                refresh_aggregates(store)
            for (index, extraction), outcome in zip(extractions, outcomes, strict=True):
                results.append(
                    Coded(index, extraction.article.id, outcome, events=len(extraction.events))
                )
        return sorted(results, key=lambda coded: coded.index)
