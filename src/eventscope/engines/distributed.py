"""The Ray engine: the same Pipeline in Ray actors, on one machine or a cluster.

Each actor (one CPU) builds one Pipeline and loads the model and tables once, then codes
chunks of ``batch_size`` documents, exactly as a local worker process does (``Worker``).
The driver streams input (at most two chunks per actor in flight), takes results back in
input order and is the single writer to the database. Every node needs eventscope and the
spaCy model installed (see README, "Scale: workers and Ray").
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any

from eventscope.engines.local import IN_FLIGHT_PER_WORKER, iter_chunks
from eventscope.engines.worker import Chunk, ChunkResult, Worker
from eventscope.errors import EngineError
from eventscope.records import Article, Extraction, Failure
from eventscope.settings import Settings


class PipelineActor:
    """The body of a Ray actor: a Worker (see ``engines.worker``)."""

    def __init__(self, settings: Settings) -> None:
        self.worker = Worker(settings)

    def ready(self) -> None:
        self.worker.check()

    def code(self, chunk: Chunk) -> ChunkResult:
        return self.worker.code(chunk)


class RayEngine:
    """Codes documents in ``workers`` Ray actors (0: one per CPU of the cluster).

    ``settings.ray_address`` names the cluster ("auto", "ray://head:10001"); when empty,
    Ray's own default applies ($RAY_ADDRESS, else a new local instance on this machine).
    """

    def __init__(self, settings: Settings, *, workers: int) -> None:
        self.settings = settings
        self.workers = workers
        self.peak_rss_mb: dict[str, int] = {}
        self._started_ray = False
        self._actors: list[Any] = []

    def start(self) -> None:
        """Join (or start) Ray, start the actors and wait until each has loaded the model."""
        ray = self._start()
        try:
            ray.get([actor.ready.remote() for actor in self._actors])
        except ray.exceptions.RayError as exc:
            raise _engine_error(exc) from None

    def extract_many(self, items: Iterable[Article | Failure]) -> Iterator[Extraction | Failure]:
        ray = self._start()
        load = [0] * len(self._actors)  # chunks in flight per actor
        pending: deque[tuple[Any, int]] = deque()
        window = IN_FLIGHT_PER_WORKER * len(self._actors)
        for chunk in iter_chunks(items, max(1, self.settings.batch_size)):
            index = load.index(min(load))
            pending.append((self._actors[index].code.remote(chunk), index))
            load[index] += 1
            if len(pending) >= window:
                yield from self._collect(ray, pending, load)
        while pending:
            yield from self._collect(ray, pending, load)

    def _collect(
        self, ray: Any, pending: deque[tuple[Any, int]], load: list[int]
    ) -> Iterator[Extraction | Failure]:
        ref, index = pending.popleft()
        try:
            done: ChunkResult = ray.get(ref)
        except ray.exceptions.RayError as exc:
            raise _engine_error(exc) from None
        load[index] -= 1
        self.peak_rss_mb[done.worker] = max(done.peak_rss_mb, self.peak_rss_mb.get(done.worker, 0))
        yield from done.results

    def _start(self) -> Any:
        if self._actors:
            import ray

            return ray
        try:
            import ray
        except ImportError:
            raise EngineError(
                "the ray engine needs Ray: pip install 'eventscope[ray]' (on every node)"
            ) from None
        if not ray.is_initialized():
            address = self.settings.ray_address or None
            options: dict[str, Any] = {"logging_level": logging.WARNING}
            if address is None and not os.environ.get("RAY_ADDRESS"):
                # A local instance just for this run: as many CPUs as workers, no dashboard.
                options.update(num_cpus=self.workers or None, include_dashboard=False)
            try:
                ray.init(address=address, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise EngineError(f"cannot join the Ray cluster {address or ''}: {exc}") from None
            self._started_ray = True
        workers = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        actor = ray.remote(num_cpus=1)(PipelineActor)
        self._actors = [actor.remote(self.settings) for _ in range(workers)]
        return ray

    def close(self) -> None:
        if not self._actors and not self._started_ray:
            return
        import ray

        for actor in self._actors:
            ray.kill(actor)
        self._actors = []
        if self._started_ray:
            ray.shutdown()
            self._started_ray = False


def _engine_error(exc: Exception) -> EngineError:
    import ray

    if isinstance(exc, ray.exceptions.RayTaskError):
        cause = getattr(exc, "cause", None)
        return EngineError(str(cause) if cause is not None else str(exc))
    return EngineError(
        f"a Ray actor failed ({type(exc).__name__}: {exc}); what was stored so far is kept: "
        "run the same command again to go on"
    )
