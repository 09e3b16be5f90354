"""eventscope: political event data from news text, with the evidence for every event."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "counts", "extract", "statements", "stories"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `import eventscope.records` does not load spaCy.
    if name in ("counts", "extract", "statements", "stories"):
        from eventscope import api

        return getattr(api, name)
    raise AttributeError(name)
