"""The versions that every stored event carries: code, tables and model."""

from __future__ import annotations

import functools
import hashlib
from importlib import resources

from eventscope import __version__

# Package data that does not code events (defaults and the demo articles) is not hashed.
# The learned models carry their own version (``events.model``): they are not tables.
_NOT_TABLES = {"settings.toml", "__init__.py", "sample", "models"}


def tables_version(user_digest: str = "") -> str:
    """A short hash over every table under ``eventscope/data``: changes whenever a table does.

    ``user_digest`` is the hash of the user's actors file when one is compiled in
    (``ActorTables.user_digest``): it is appended ("3f2a9c0e1b7d+user.80d37b4fc620"), so an
    event says that a user file coded it, and which version of it.
    """
    shipped = _shipped_version()
    return f"{shipped}+user.{user_digest}" if user_digest else shipped


@functools.lru_cache(maxsize=1)
def _shipped_version() -> str:
    digest = hashlib.sha256()
    root = resources.files("eventscope.data")

    def walk(node, prefix: str) -> None:  # type: ignore[no-untyped-def]
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.name in _NOT_TABLES or child.name.startswith((".", "__")):
                continue
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            else:
                digest.update(f"{prefix}{child.name}\0".encode())
                digest.update(child.read_bytes())

    walk(root, "")
    return digest.hexdigest()[:12]


def code_version() -> str:
    return __version__
