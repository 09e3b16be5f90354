"""Errors that library code raises; the CLI turns them into one-line messages."""

from __future__ import annotations


class EventscopeError(Exception):
    """Base class. ``code`` is a short stable name a caller can switch on."""

    code = "error"


class InputError(EventscopeError):
    """A document could not be read or is not usable text. Names the document and the reason."""

    code = "bad_input"

    def __init__(self, document: str, reason: str) -> None:
        super().__init__(f"{document}: {reason}")
        self.document = document
        self.reason = reason


class ModelNotFoundError(EventscopeError):
    code = "model_missing"


class SettingsError(EventscopeError):
    code = "bad_settings"


class StoreError(EventscopeError):
    code = "store"


class DatabaseBusyError(StoreError):
    """Another process holds the database file (DuckDB's lock: one writer, or readers)."""


class ActorsFileError(SettingsError):
    """A user actors file (setting ``actors_file``) that cannot be used: names the file, the
    line when one is at fault, and the reason."""

    code = "bad_actors_file"

    def __init__(self, file: str, reason: str, line: int | None = None) -> None:
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {reason}")
        self.file = file
        self.reason = reason
        self.line = line


class EngineError(EventscopeError):
    """A batch engine could not run: a worker could not start or died, or Ray is missing or
    unreachable. Articles stored before it are kept; the same command continues the run."""

    code = "engine"


class TimeLimitError(EventscopeError):
    """A document took longer than its time limit (setting ``limits.max_seconds``). Names the
    document and the limit; in a batch it is recorded as the document's failure."""

    code = "timeout"

    def __init__(self, document: str, seconds: float) -> None:
        self.document = document
        self.seconds = seconds
        self.reason = f"timed out after {seconds:g} s (settings: limits.max_seconds)"
        super().__init__(f"{document}: {self.reason}")
