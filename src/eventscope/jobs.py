"""Batch jobs: read documents, code them, store them. One writer; re-running is safe."""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
from collections.abc import Callable, Iterable, Iterator

from eventscope.engines import Engine, open_engine
from eventscope.ingest import read_documents
from eventscope.pipeline import Pipeline
from eventscope.records import Article, Extraction, Failure
from eventscope.settings import Settings
from eventscope.store import Store


@dataclasses.dataclass(slots=True)
class IngestSummary:
    db: str
    stored: int = 0
    skipped: int = 0  # already in the database
    failed: int = 0
    events: int = 0
    # Peak resident memory (MB) of each worker that coded articles, by worker name.
    peak_rss_mb: dict[str, int] = dataclasses.field(default_factory=dict)
    # The first failures ("document: stage: reason") and warnings ("document: what"), to show.
    failures: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    warned: int = 0  # articles stored with a warning (an unreadable publication date)

    def describe(self) -> str:
        return (
            f"{self.stored} stored, {self.skipped} already stored, {self.failed} failed; "
            f"{self.events} events coded -> {self.db}"
        )

    def note_failure(self, document: str, stage: str, reason: str) -> None:
        self.failed += 1
        if len(self.failures) < SHOWN:
            self.failures.append(f"{document}: {stage}: {reason}")


SHOWN = 5  # failures and warnings a summary keeps to show
Progress = Callable[[IngestSummary], None]


def ingest_paths(
    paths: Iterable[str],
    *,
    settings: Settings,
    pipeline: Pipeline | None = None,
    engine: Engine | None = None,
    on_progress: Progress | None = None,
    store: Store | None = None,
) -> IngestSummary:
    """Code every document under ``paths`` into ``settings.database``.

    Articles already stored (same id) are skipped before parsing, failures are recorded in
    the ``failures`` table with their reason, and each article is written in one transaction.
    The coding runs on ``engine``, by default the one the settings name (``engine``,
    ``workers``: see ``eventscope.engines``; ``pipeline`` is used when it runs in this
    process, and an engine passed in is left open for the caller to close); the writing
    stays here, and each batch is committed as it comes, so a run that is killed continues
    where it stopped when it is started again, storing nothing twice. A ``store`` passed in
    (the writer of ``eventscope serve --ingest``, whose readers share it) is written to and
    left open; by default the job opens ``settings.database`` and closes it at the end.
    """
    summary = IngestSummary(db=settings.database)
    documents = read_documents(
        list(paths),
        max_chars=settings.limits.max_chars,
        max_garbage_ratio=settings.limits.max_garbage_ratio,
        max_seconds=settings.limits.max_seconds,
        fetch=settings.fetch,
        day_first=settings.day_first,
    )
    batch_size = max(1, settings.batch_size)
    # Ids handed to the engine and not yet back: a repeat of one of them is a duplicate.
    # Once written, an article is found by ``has_article``, so the set stays small.
    in_flight: set[str] = set()
    owned = engine is None
    engine = engine or open_engine(settings, pipeline=pipeline)
    opened = store is None
    store = store or Store(settings.database)
    with (
        contextlib.closing(store) if opened else contextlib.nullcontext(store),
        _closing(engine, owned),
    ):
        results = engine.extract_many(_skip_stored(documents, store, summary, in_flight))
        while chunk := list(itertools.islice(results, batch_size)):
            extractions = [r for r in chunk if isinstance(r, Extraction)]
            for failure in (r for r in chunk if isinstance(r, Failure)):
                store.write_failure(failure)
                summary.note_failure(failure.document, failure.stage, failure.reason)
            # One transaction per batch is ~10x faster than one per article; the store falls
            # back to one article at a time if the batch fails, so each stays all-or-nothing.
            for extraction, outcome in zip(extractions, store.write_many(extractions), strict=True):
                article = extraction.article
                if outcome == "stored":
                    summary.stored += 1
                    summary.events += len(extraction.events)
                    if article.warnings:
                        summary.warned += 1
                        if len(summary.warnings) < SHOWN:
                            where = article.origin or article.id
                            summary.warnings.extend(f"{where}: {w}" for w in article.warnings)
                elif outcome == "skipped":
                    summary.skipped += 1
                else:
                    summary.note_failure(
                        article.origin or article.id, "store", "could not be written"
                    )
            in_flight.difference_update(_article_ids(chunk))
            summary.peak_rss_mb.update(engine.peak_rss_mb)
            if on_progress is not None:
                on_progress(summary)
        # Stories and aggregated events follow what is stored (idempotent: only new articles
        # are hashed, the rest is recomputed).
        from eventscope.corpus import refresh_aggregates

        refresh_aggregates(store)
    return summary


@contextlib.contextmanager
def _closing(engine: Engine, owned: bool) -> Iterator[Engine]:
    try:
        yield engine
    finally:
        if owned:
            engine.close()


def _skip_stored(
    documents: Iterable[Article | Failure],
    store: Store,
    summary: IngestSummary,
    in_flight: set[str],
) -> Iterator[Article | Failure]:
    for item in documents:
        if isinstance(item, Article):
            # The same article twice in one run counts once, like one already stored.
            if item.id in in_flight or store.has_article(item.id):
                summary.skipped += 1
                continue
            in_flight.add(item.id)
        yield item


def _article_ids(results: Iterable[Extraction | Failure]) -> Iterator[str]:
    for result in results:
        article_id = result.article.id if isinstance(result, Extraction) else result.article_id
        if article_id is not None:
            yield article_id
