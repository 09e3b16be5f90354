"""Records to table rows and back: the one place that knows how a record maps to columns.

Each ``*_row`` function returns a tuple in the column order of its table in ``schema``;
``event_from_row`` rebuilds an ``Event`` from an ``events`` row and its ``event_actors`` rows,
so that what was written reads back equal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, cast

from eventscope.events.acled import acled_names
from eventscope.records import (
    Actor,
    Article,
    DateMention,
    Event,
    Place,
    Quote,
    Sentence,
    Span,
)

Row = tuple[Any, ...]


def _span(span: Span | None) -> Row:
    return (None, None, None) if span is None else (span.start, span.end, span.text)


def _actor(actor: Actor) -> Row:
    return (actor.name, actor.kind, actor.country, actor.sector, actor.entity_id, actor.rule)


def _map(values: Mapping[str, str]) -> dict[str, list[str]]:
    """A MAP parameter in DuckDB's key/value form. Plain dicts are read as STRUCTs: in a list
    of them DuckDB unites their keys (adding NULL values) and cannot type ``{}`` at all."""
    return {"key": list(values), "value": list(values.values())}


def article_row(
    article: Article, *, n_sentences: int, stored_at: dt.datetime, versions: Mapping[str, str]
) -> Row:
    return (
        article.id,
        article.content_hash,
        article.title,
        article.published,
        article.url,
        article.outlet,
        article.author,
        article.origin,
        article.text,
        n_sentences,
        stored_at,
        _map(versions),
        article.published_text,
    )


def sentence_row(article_id: str, sentence: Sentence) -> Row:
    return (
        article_id,
        sentence.index,
        sentence.start,
        sentence.end,
        sentence.text,
        sentence.flag,
        sentence.flag_reason,
    )


def actor_row(article_id: str, actor: Actor) -> Row:
    return (article_id, actor.sentence, *_span(actor.span), *_actor(actor))


def event_row(event: Event) -> Row:
    date = event.date
    place = event.location
    date_cols: Row = (
        (None,) * 7
        if date is None
        else (date.value, date.precision, date.source, date.sentence, *_span(date.span))
    )
    place_cols: Row = (
        (None,) * 13
        if place is None
        else (
            place.name,
            place.geonameid,
            place.lat,
            place.lon,
            place.country,
            place.feature,
            place.admin1,
            place.confidence,
            place.rule,
            place.sentence,
            *_span(place.span),
        )
    )
    return (
        event.id,
        event.article_id,
        event.sentence,
        event.evidence,
        event.type,
        event.mode,
        event.context,
        event.cameo,
        event.quad,
        event.score,
        event.factuality,
        *_span(event.trigger),
        *date_cols,
        *place_cols,
        event.rule,
        event.confidence,
        _map(event.versions),
        event.acled,
        *((acled_names(event.acled) if event.acled else None) or (None, None)),
        event.fatalities,
        event.inter1,
        event.inter2,
    )


def event_actor_rows(event: Event) -> list[Row]:
    rows: list[Row] = []
    roles = (("source", event.source), ("target", event.target), ("reporter", event.reported_by))
    for role, actors in roles:
        for position, actor in enumerate(actors):
            rows.append(
                (
                    event.id,
                    event.article_id,
                    role,
                    position,
                    actor.sentence,
                    *_span(actor.span),
                    *_actor(actor),
                )
            )
    return rows


def place_row(article_id: str, place: Place) -> Row:
    return (
        article_id,
        place.sentence,
        *_span(place.span),
        place.name,
        place.geonameid,
        place.lat,
        place.lon,
        place.country,
        place.feature,
        place.admin1,
        place.confidence,
        place.rule,
    )


def quote_row(article_id: str, quote: Quote) -> Row:
    speaker = quote.speaker_actor
    return (
        article_id,
        quote.sentence,
        *_span(quote.content),
        quote.direct,
        *_span(quote.cue),
        *_span(quote.speaker),
        None if speaker is None else speaker.name,
        None if speaker is None else speaker.country,
        None if speaker is None else speaker.entity_id,
        quote.rule,
    )


def date_row(article_id: str, date: DateMention) -> Row:
    return (
        article_id,
        date.sentence,
        *_span(date.span),
        date.value,
        date.precision,
        date.source,
    )


# -- reading back --------------------------------------------------------------------------


def _span_or_none(start: int | None, end: int | None, text: str | None) -> Span | None:
    if start is None or end is None or text is None:
        return None
    return Span(start=start, end=end, text=text)


def actor_from_row(row: Mapping[str, Any]) -> Actor:
    """An ``Actor`` from an ``actors`` or ``event_actors`` row (as a column -> value map)."""
    span = _span_or_none(row["start"], row["end"], row["text"]) or Span(0, 0, "")
    return Actor(
        span=span,
        sentence=row["sentence"],
        name=row["name"],
        kind=row["kind"],
        country=row["country"],
        sector=row["sector"],
        entity_id=row["entity_id"],
        rule=row["rule"] or "",
    )


def event_from_row(row: Mapping[str, Any], actors: Sequence[Mapping[str, Any]] = ()) -> Event:
    """An ``Event`` from an ``events`` row and its ``event_actors`` rows (in position order)."""
    date = None
    if row["date"] is not None:
        date = DateMention(
            span=_span_or_none(row["date_span_start"], row["date_span_end"], row["date_span_text"]),
            sentence=row["date_sentence"],
            value=row["date"],
            precision=row["date_precision"],
            source=row["date_source"],
        )
    location = None
    if row["place_name"] is not None:
        place_span = _span_or_none(
            row["place_span_start"], row["place_span_end"], row["place_span_text"]
        )
        location = Place(
            span=place_span or Span(0, 0, ""),
            sentence=row["place_sentence"],
            name=row["place_name"],
            geonameid=row["geonameid"],
            lat=row["lat"],
            lon=row["lon"],
            country=row["place_country"],
            feature=row["place_feature"],
            admin1=row["place_admin1"],
            confidence=row["place_confidence"] or 0.0,
            rule=row["place_rule"] or "",
        )
    ordered = sorted(actors, key=lambda a: (a["role"], a["position"]))
    return Event(
        id=row["id"],
        article_id=row["article_id"],
        sentence=row["sentence"],
        evidence=row["evidence"],
        type=row["type"],
        trigger=Span(row["trigger_start"], row["trigger_end"], row["trigger_text"]),
        source=tuple(actor_from_row(a) for a in ordered if a["role"] == "source"),
        target=tuple(actor_from_row(a) for a in ordered if a["role"] == "target"),
        reported_by=tuple(actor_from_row(a) for a in ordered if a["role"] == "reporter"),
        mode=row["mode"],
        context=row["context"],
        cameo=row["cameo"],
        quad=row["quad"],
        score=row["score"],
        factuality=row["factuality"],
        date=date,
        location=location,
        rule=row["rule"] or "",
        confidence=row["confidence"] or 0.0,
        versions=cast(dict[str, str], dict(row["versions"] or {})),
        acled=row.get("acled"),
        fatalities=row.get("fatalities"),
        inter1=row.get("inter1"),
        inter2=row.get("inter2"),
    )
