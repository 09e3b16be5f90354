"""Batch engines: where the Pipeline runs when a corpus is coded.

``open_engine(settings)`` gives the engine the settings ask for: ``local`` with one worker
(this process), ``local`` with several (worker processes on this machine) or ``ray`` (actors
on a Ray cluster). Every engine consumes a stream of Articles and ingest Failures and yields
one Extraction or Failure per document, in input order, exactly as ``Pipeline.extract_many``
does; none of them writes to the database, so the caller stays the single writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Protocol

from eventscope.pipeline import Pipeline
from eventscope.records import Article, Extraction, Failure
from eventscope.settings import Settings


class Engine(Protocol):
    # Peak resident memory (MB) of each worker that did work, by worker name.
    peak_rss_mb: dict[str, int]

    def start(self) -> None:
        """Start the workers and load the model in each now (rather than on first use);
        raises EngineError when they cannot start."""

    def extract_many(
        self, items: Iterable[Article | Failure]
    ) -> Iterator[Extraction | Failure]: ...

    def close(self) -> None: ...


def cpu_count() -> int:
    """CPU cores this process may use (a container's or taskset's limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def open_engine(settings: Settings, *, pipeline: Pipeline | None = None) -> Engine:
    """The engine ``settings.engine`` and ``settings.workers`` name (0 workers: one per core
    here, or per CPU of the Ray cluster). ``pipeline`` is used when the work runs in this
    process. Close it when done (it stops its workers)."""
    if settings.engine == "ray":
        from eventscope.engines.distributed import RayEngine

        return RayEngine(settings, workers=settings.workers)
    from eventscope.engines.local import InProcessEngine, ProcessEngine

    workers = settings.workers or cpu_count()
    if workers == 1:
        return InProcessEngine(settings, pipeline=pipeline)
    return ProcessEngine(settings, workers=workers, pipeline=pipeline)


__all__ = ["Engine", "cpu_count", "open_engine"]
