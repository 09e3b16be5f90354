"""The local engine: this process (one worker), or a pool of worker processes.

Each worker process loads the model and tables once (the pool's initializer) and codes
chunks of ``batch_size`` documents. Input is streamed: at most two chunks per worker are in
flight, so memory stays flat however large the corpus; results come back in input order.
Workers never touch the database: the caller, in this process, is the single writer.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from eventscope.engines.worker import Chunk, ChunkResult, Worker, load_resources, peak_rss_mb
from eventscope.errors import EngineError
from eventscope.pipeline import Pipeline
from eventscope.records import Article, Extraction, Failure
from eventscope.settings import Settings

# Chunks queued per worker: one being coded, one waiting, so no worker idles between chunks.
IN_FLIGHT_PER_WORKER = 2
# Chunks a worker codes before it is replaced by a fresh one. spaCy's string store keeps
# every new word a worker sees, so a worker's memory creeps up over a long run (870 MB after
# 250 news articles, 1,170 MB after 2,500); replacing the workers (a pause of a few seconds
# every 1,600 articles per worker at the default batch size) keeps it bounded on corpora of
# any size.
CHUNKS_PER_WORKER = 50
# Each worker is one process on one core: the numerical libraries' own thread pools (numpy's
# BLAS, for spaCy's and the coder's matrix products) would otherwise start a thread per core
# in every worker, and with two workers on two cores those threads wait on each other
# (`python bench/scale.py`: two workers at 76% of spaCy alone with them, 86% without). A
# value the user set stands.
ONE_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


class InProcessEngine:
    """Codes documents in this process with one Pipeline (``workers = 1``)."""

    def __init__(self, settings: Settings, *, pipeline: Pipeline | None = None) -> None:
        self.settings = settings
        self.pipeline = pipeline or Pipeline(settings)
        self.peak_rss_mb: dict[str, int] = {}

    def start(self) -> None:
        load_resources(self.pipeline)

    def extract_many(self, items: Iterable[Article | Failure]) -> Iterator[Extraction | Failure]:
        yield from self.pipeline.extract_many(items)
        self.peak_rss_mb["this process"] = peak_rss_mb()

    def close(self) -> None:
        pass


class ProcessEngine:
    """Codes documents in ``workers`` processes, each holding one Pipeline.

    Input too small to fill two chunks is coded in this process instead: starting workers
    (each loading the model) would take longer than the work.
    """

    def __init__(
        self, settings: Settings, *, workers: int, pipeline: Pipeline | None = None
    ) -> None:
        self.settings = settings
        self.workers = workers
        self._pipeline = pipeline
        self._pool: ProcessPoolExecutor | None = None
        self.peak_rss_mb: dict[str, int] = {}

    def start(self) -> None:
        """Start every worker and wait until each has loaded the model."""
        pool = self._start()
        ready: set[int] = set()
        # A worker takes one task at a time, and none before its initializer has run: tasks
        # are handed out until every worker has answered one.
        while len(ready) < self.workers:
            answers = [pool.submit(_ready) for _ in range(self.workers)]
            for answer in answers:
                try:
                    ready.add(answer.result())
                except BrokenProcessPool:
                    raise EngineError("a worker process died while starting") from None

    def extract_many(self, items: Iterable[Article | Failure]) -> Iterator[Extraction | Failure]:
        chunks = iter_chunks(items, max(1, self.settings.batch_size))
        head = list(itertools.islice(chunks, 2))
        if len(head) < 2 and self._pool is None:
            in_process = InProcessEngine(self.settings, pipeline=self._pipeline)
            yield from in_process.extract_many(itertools.chain.from_iterable(head))
            self.peak_rss_mb.update(in_process.peak_rss_mb)
            return
        pool = self._start()
        pending: deque[Future[ChunkResult]] = deque()
        window = IN_FLIGHT_PER_WORKER * self.workers
        for number, chunk in enumerate(itertools.chain(head, chunks)):
            if number and number % (CHUNKS_PER_WORKER * self.workers) == 0:
                while pending:
                    yield from self._collect(pending.popleft())
                pool = self._replace_workers()
            pending.append(pool.submit(_code_chunk, chunk))
            if len(pending) >= window:
                yield from self._collect(pending.popleft())
        while pending:
            yield from self._collect(pending.popleft())

    def _replace_workers(self) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        return self._start()

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            for name in ONE_THREAD_VARIABLES:  # read by the workers as they start
                os.environ.setdefault(name, "1")
            # Spawned, not forked: the parent holds a DuckDB connection and threads, which a
            # forked child must not inherit.
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(self.settings, os.getpid()),
            )
        return self._pool

    def _collect(self, future: Future[ChunkResult]) -> Iterator[Extraction | Failure]:
        try:
            done = future.result()
        except BrokenProcessPool:
            raise EngineError(
                "a worker process died (out of memory, or killed); what was stored so far is "
                "kept: run the same command again to go on"
            ) from None
        self.peak_rss_mb[done.worker] = max(done.peak_rss_mb, self.peak_rss_mb.get(done.worker, 0))
        yield from done.results

    def close(self) -> None:
        """Stop the workers at once: queued chunks are dropped, never half-written (only
        this process writes)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # The executor has no terminate(); without it, shutdown waits for running chunks.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(timeout=5)


def iter_chunks(items: Iterable[Article | Failure], size: int) -> Iterator[Chunk]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


# -- in each worker process ----------------------------------------------------------------

_worker: Worker | None = None


def _start_worker(settings: Settings, parent: int) -> None:
    global _worker
    # Ctrl-C reaches every process of the terminal; the parent alone decides what to do.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    _worker = Worker(settings)


def _exit_with_parent(parent: int) -> None:
    """A parent killed with -9 cannot stop its workers; they notice it is gone and exit."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _ready() -> int:
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise EngineError("worker process not initialised")
    _worker.check()
    time.sleep(0.05)  # long enough for the other workers' initializers to take their turn
    return os.getpid()


def _code_chunk(chunk: Chunk) -> ChunkResult:
    if _worker is None:  # pragma: no cover - the initializer always runs first
        raise EngineError("worker process not initialised")
    return _worker.code(chunk)
