"""Per-document time limits (setting ``limits.max_seconds``).

``time_limit(seconds, document=...)`` runs a block under a deadline and raises
``TimeLimitError`` naming the document when it runs over. In the main thread of a process on
a POSIX system (the ``ingest`` process, and each local worker process) a SIGALRM timer
interrupts the block at the limit, so a document that would hang stops there. Elsewhere
(another thread, Windows) the block cannot be interrupted: it is timed, and the error is
raised when it ends, so the outcome is the same, only later. Python checks for signals
between bytecodes, so a single long call into C (one regular expression match) finishes
before the timer's error is raised.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Iterator
from types import FrameType

from eventscope.errors import TimeLimitError


def _can_interrupt() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def time_limit(seconds: float, *, document: str) -> Iterator[None]:
    """Raise ``TimeLimitError(document, seconds)`` if the block runs longer than ``seconds``
    (0 or less: no limit). A timer already running (an outer limit) is restored afterwards,
    less the time spent here."""
    if seconds <= 0:
        yield
        return
    started = time.monotonic()
    if not _can_interrupt():
        yield
        if time.monotonic() - started > seconds:
            raise TimeLimitError(document, seconds)
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeLimitError(document, seconds)

    outer_handler = signal.signal(signal.SIGALRM, expire)
    outer_delay, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer_delay and outer_delay < seconds:
        signal.setitimer(signal.ITIMER_REAL, outer_delay)  # the outer deadline comes first
        signal.signal(signal.SIGALRM, outer_handler)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, outer_handler)
        if outer_delay:
            left = outer_delay - (time.monotonic() - started)
            # An outer deadline already past fires at once (a tiny delay, not 0, which disarms).
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-6))
