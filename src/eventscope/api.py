"""The Python API: plain functions over the pipeline.

``extract`` codes one text. ``predict_records`` and ``classify_records`` take and return
records in the evaluation-set shape (``shared/evalsets/FORMAT.md``), for ``eventscope eval``,
``eventscope classify`` and anyone scoring eventscope against their own gold data.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any, cast

from eventscope.errors import EventscopeError
from eventscope.ingest import make_article
from eventscope.output import extraction_record, failure_record
from eventscope.pipeline import Pipeline
from eventscope.records import Article, Extraction, Failure, Span
from eventscope.settings import Settings


@functools.lru_cache(maxsize=1)
def default_pipeline() -> Pipeline:
    return Pipeline()


def extract(
    text: str,
    *,
    published: str | dt.date | None = None,
    title: str | None = None,
    id: str | None = None,
    settings: Settings | None = None,
) -> Extraction:
    """Code one article's text: events with evidence, actors, places, dates and quotes.

    ``published`` anchors relative dates ("on Wednesday"). Raises InputError for text that
    is not usable (empty, binary, too large, not English).
    """
    pipeline = Pipeline(settings) if settings is not None else default_pipeline()
    limits = pipeline.settings.limits
    article = make_article(
        text,
        id=id,
        title=title,
        published=published,
        origin=id or "<text>",
        max_chars=limits.max_chars,
        max_garbage_ratio=limits.max_garbage_ratio,
    )
    return pipeline.extract(article)


def statements(
    db: str | Path,
    *,
    speaker: str | None = None,
    country: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Statements stored in ``db`` (quotes and attributions) by speaker (name or words, part
    of, any case), speaker country (ISO3) and publication date, oldest first; each lists the
    events it contains or is ("constituted")."""
    from eventscope.store import Store
    from eventscope.store.statements import StatementFilter
    from eventscope.store.statements import statements as find_statements

    where = StatementFilter(speaker, country, since, until, limit)
    with Store(db, read_only=True) as store:
        return find_statements(store, where)


def counts(
    db: str | Path, *, by: str = "type", raw: bool = False, limit: int | None = None
) -> list[Any]:
    """Events in ``db`` per ``by`` (type, country, dyad, day, week or month), most first (in
    date order for periods): aggregated events, each real-world event once, with the number
    of event rows (``mentions``) reporting it; every event row with ``raw``. Returns
    ``eventscope.corpus.Count`` records (key, events, mentions)."""
    from eventscope.corpus import COUNT_BY, CountBy, count_events
    from eventscope.store import Store

    if by not in COUNT_BY:
        raise EventscopeError(f"cannot count by {by!r}: one of {', '.join(COUNT_BY)}")
    with Store(db, read_only=True) as store:
        return list(count_events(store, by=cast("CountBy", by), raw=raw, limit=limit))


def stories(db: str | Path, *, min_articles: int = 2, limit: int = 100) -> list[dict[str, Any]]:
    """Stories in ``db`` (an article and its copies) of at least ``min_articles`` articles,
    largest first, each with its articles: source, outlet, url, kind of copy, similarity."""
    from eventscope.corpus import list_stories
    from eventscope.store import Store

    with Store(db, read_only=True) as store:
        return list_stories(store, min_articles=min_articles, limit=limit)


def _articles(records: Iterable[dict[str, Any]], pipeline: Pipeline) -> list[Article | Failure]:
    limits = pipeline.settings.limits
    items: list[Article | Failure] = []
    for number, record in enumerate(records):
        name = str(record.get("id", f"record {number}"))
        try:
            items.append(
                make_article(
                    record.get("text", ""),
                    id=name,
                    title=record.get("title"),
                    published=record.get("published"),
                    origin=name,
                    max_chars=limits.max_chars,
                    max_garbage_ratio=limits.max_garbage_ratio,
                )
            )
        except EventscopeError as exc:
            items.append(Failure(document=name, stage="ingest", reason=str(exc), article_id=name))
    return items


def predict_records(
    records: Iterable[dict[str, Any]], *, pipeline: Pipeline | None = None
) -> list[dict[str, Any]]:
    """One output record per input record (same ``id``), in the evaluation-set shape."""
    pipeline = pipeline or default_pipeline()
    out: list[dict[str, Any]] = []
    for result in pipeline.extract_many(_articles(records, pipeline)):
        if isinstance(result, Failure):
            out.append(failure_record(result))
        else:
            out.append(extraction_record(result))
    return out


def first_span(actors: list[dict[str, Any]] | None, text: str) -> Span | None:
    """The span of the first gold actor that can be placed in ``text`` (by offsets, else by
    its words)."""
    for actor in actors or []:
        start, end = actor.get("start"), actor.get("end")
        if start is None or end is None:
            found = text.find(actor.get("text", "")) if actor.get("text") else -1
            if found < 0:
                continue
            start, end = found, found + len(actor["text"])
        return Span(int(start), int(end), text[int(start) : int(end)])
    return None


def classify_records(
    records: Iterable[dict[str, Any]], *, pipeline: Pipeline | None = None
) -> list[dict[str, Any]]:
    """Classification mode: each event's type from its sentence and its source/target spans.

    Returns the records with every event given ``type``, ``quad`` and ``scores`` (a
    type -> probability map); everything else is kept as it came.
    """
    from eventscope.events import classify, load_codes

    codes = load_codes()

    pipeline = pipeline or default_pipeline()
    records = list(records)
    docs = pipeline.nlp.pipe(str(r.get("text", "")) for r in records)
    out: list[dict[str, Any]] = []
    for record, doc in zip(records, docs, strict=True):
        text = doc.text
        events = []
        for event in record.get("events", []):
            source = first_span(event.get("source", []), text)
            target = first_span(event.get("target", []), text)
            type_, scores = classify(doc, source, target)
            events.append({**event, "type": type_, "quad": codes.quad(type_), "scores": scores})
        out.append({**record, "events": events})
    return out
