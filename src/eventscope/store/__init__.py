"""The database: schema, the single writer (``Store``) and export.

``Store(path)`` opens or creates an eventscope DuckDB file; ``Store.write(extraction)``
stores one article in one transaction; ``export(store_or_path, fmt, out)`` writes the
events as JSON Lines, CSV or Parquet.
"""

from __future__ import annotations

from eventscope.store.database import Store, StoredFailure, WriteOutcome
from eventscope.store.export import FORMATS, ExportFormat, export
from eventscope.store.schema import SCHEMA_VERSION

__all__ = [
    "FORMATS",
    "SCHEMA_VERSION",
    "ExportFormat",
    "Store",
    "StoredFailure",
    "WriteOutcome",
    "export",
]
