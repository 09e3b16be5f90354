"""Export stored events as JSON Lines, CSV or Parquet.

Consumes a ``Store`` (or the path of one, opened read-only) and produces one record per
event, POLECAT-like: the coding (type, mode, context, CAMEO, quad, score, factuality), the
date, source and target actors, the location, the evidence (sentence, trigger) and the
article it came from. JSON Lines and Parquet keep actors, location, trigger and article as
nested objects; CSV flattens them into columns, joining the actors of a role with ";".
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal, TextIO, get_args

from eventscope.errors import StoreError
from eventscope.output import CSV_COLUMNS, flatten
from eventscope.store.database import Store

ExportFormat = Literal["jsonl", "csv", "parquet"]
FORMATS: tuple[str, ...] = get_args(ExportFormat)

_ACTOR_TYPE = (
    "STRUCT(text VARCHAR, name VARCHAR, country VARCHAR, sector VARCHAR, entity_id VARCHAR)"
)

# One row per event, already in the exported shape. Ordered by when articles were stored,
# then by position in the article, so that exports are stable from run to run.
EXPORT_SQL = f"""
WITH roles AS (
    SELECT event_id, role,
           list({{'text': text, 'name': name, 'country': country, 'sector': sector,
                  'entity_id': entity_id}}::{_ACTOR_TYPE} ORDER BY position) AS actors
    FROM event_actors
    GROUP BY event_id, role
)
SELECT
    e.id AS event_id,
    e.article_id,
    e.type,
    e.mode,
    e.context,
    e.cameo,
    e.quad,
    e.score,
    e.factuality,
    e.acled,
    e.acled_event_type,
    e.acled_sub_event_type,
    e.fatalities,
    e.inter1,
    e.inter2,
    e.date,
    e.date_precision,
    e.date_source,
    coalesce(s.actors, []::{_ACTOR_TYPE}[]) AS source,
    coalesce(t.actors, []::{_ACTOR_TYPE}[]) AS target,
    coalesce(r.actors, []::{_ACTOR_TYPE}[]) AS reported_by,
    CASE WHEN e.place_name IS NULL THEN NULL
         ELSE {{'name': e.place_name, 'geonameid': e.geonameid, 'lat': e.lat, 'lon': e.lon,
                'country': e.place_country}} END AS location,
    e.sentence,
    e.evidence,
    {{'text': e.trigger_text, 'start': e.trigger_start, 'end': e.trigger_end}} AS trigger,
    e.rule,
    e.confidence,
    e.versions,
    {{'url': a.url, 'outlet': a.outlet, 'title': a.title, 'published': a.published}} AS article
FROM events e
JOIN articles a ON a.id = e.article_id
LEFT JOIN roles s ON s.event_id = e.id AND s.role = 'source'
LEFT JOIN roles t ON t.event_id = e.id AND t.role = 'target'
LEFT JOIN roles r ON r.event_id = e.id AND r.role = 'reporter'
ORDER BY a.stored_at, e.article_id, e.sentence, e.trigger_start, e.id
"""


def export(
    store_or_path: Store | str | Path,
    fmt: ExportFormat,
    out: str | Path | TextIO | None = None,
) -> int:
    """Write every stored event to ``out`` in ``fmt``; return the number of events.

    ``out`` is a file path, an open text stream, or None for standard output (JSON Lines and
    CSV only: Parquet needs a file path). A path given for the store is opened read-only.
    """
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if fmt == "parquet" and not isinstance(out, str | Path):
        raise StoreError("parquet export needs an output file path (it cannot go to a stream)")
    if isinstance(store_or_path, Store):
        return _export(store_or_path, fmt, out)
    with Store(store_or_path, read_only=True) as store:
        return _export(store, fmt, out)


def _export(store: Store, fmt: ExportFormat, out: str | Path | TextIO | None) -> int:
    if fmt == "parquet":
        assert isinstance(out, str | Path)
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        # COPY returns the number of rows written.
        result = store.query(f"COPY ({EXPORT_SQL}) TO ? (FORMAT PARQUET)", [str(path)])
        return int(next(iter(result[0].values()))) if result else 0
    count = 0
    with _text_out(out) as stream:
        if fmt == "jsonl":
            for row in store.stream(EXPORT_SQL):
                stream.write(json.dumps(_plain(row), ensure_ascii=False) + "\n")
                count += 1
        else:
            # The csv module's defaults are RFC 4180: CRLF line ends, fields with a comma,
            # quote or line break quoted, quotes doubled.
            writer = csv.writer(stream)
            writer.writerow(CSV_COLUMNS)
            for row in store.stream(EXPORT_SQL):
                writer.writerow(flatten(_plain(row)))
                count += 1
    return count


@contextmanager
def _text_out(out: str | Path | TextIO | None) -> Iterator[TextIO]:
    if out is None:
        yield sys.stdout
    elif isinstance(out, str | Path):
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        # newline="" so that the CSV writer's CRLF reaches the file unchanged.
        with path.open("w", encoding="utf-8", newline="") as stream:
            yield stream
    else:
        yield out


def _plain(value: Any) -> Any:
    """JSON-ready data from DuckDB values (structs and maps are dicts, dates ISO strings)."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
