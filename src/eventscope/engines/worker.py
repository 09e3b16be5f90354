"""What every worker (a local process or a Ray actor) holds and does.

A worker builds one Pipeline and loads its heavy resources (the spaCy model, the actor
tables, the gazetteer) once, when it starts; then it codes chunks of documents with the same
``Pipeline.extract_many`` as a single process, and reports its peak memory with each chunk.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass

from eventscope.errors import EngineError, EventscopeError
from eventscope.pipeline import Pipeline
from eventscope.records import Article, Extraction, Failure
from eventscope.settings import Settings

Chunk = list[Article | Failure]


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """A coded chunk: one Extraction or Failure per document, in the chunk's order."""

    results: list[Extraction | Failure]
    worker: str  # "host:pid"
    peak_rss_mb: int


class Worker:
    """A Pipeline loaded once, coding chunks. A model or actors file that cannot be loaded
    is reported by every ``code`` call, as an EngineError with the loader's message (so that
    the driver stops with that message rather than a dead worker)."""

    def __init__(self, settings: Settings) -> None:
        self.pipeline = Pipeline(settings)
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self._error: str | None = None
        try:
            load_resources(self.pipeline)
        except EventscopeError as exc:
            self._error = str(exc)

    def check(self) -> None:
        """Raise the error that stopped this worker from loading, if any."""
        if self._error is not None:
            # Re-raised as a plain EngineError: it crosses process boundaries by pickling,
            # which not every EventscopeError subclass survives.
            raise EngineError(self._error)

    def code(self, chunk: Chunk) -> ChunkResult:
        self.check()
        results = list(self.pipeline.extract_many(chunk))
        return ChunkResult(results=results, worker=self.name, peak_rss_mb=peak_rss_mb())


def load_resources(pipeline: Pipeline) -> None:
    """Load the model, the actor tables and the gazetteer now rather than on first use."""
    from eventscope.places import load_gazetteer

    pipeline.load()
    _ = pipeline.versions
    load_gazetteer()


def peak_rss_mb() -> int:
    """This process's peak resident memory in MB (0 where the platform cannot tell)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))
