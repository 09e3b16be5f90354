"""Machine output in the shape of the evaluation sets (``shared/evalsets/FORMAT.md``).

One function per record kind; ``extraction_record`` builds the one record per article that
``eventscope extract --format jsonl`` writes and ``eventscope eval`` scores.
"""

from __future__ import annotations

import json
from typing import Any

from eventscope.events.acled import acled_names
from eventscope.events.labels import document_labels
from eventscope.records import Actor, Article, Event, Extraction, Failure, Place, Quote, Span


def acled_fields(event: Event) -> dict[str, Any]:
    """An event's ACLED columns: sub-event code, ACLED's names for it, fatalities, inter codes."""
    names = acled_names(event.acled) if event.acled else None
    return {
        "acled": event.acled,
        "acled_event_type": names[0] if names else None,
        "acled_sub_event_type": names[1] if names else None,
        "fatalities": event.fatalities,
        "inter1": event.inter1,
        "inter2": event.inter2,
    }


def span_record(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"text": span.text, "start": span.start, "end": span.end}


def actor_record(actor: Actor) -> dict[str, Any]:
    return {
        **(span_record(actor.span) or {}),
        "name": actor.name,
        "kind": actor.kind,
        "country": actor.country,
        "sector": actor.sector,
        "entity_id": actor.entity_id,
        "rule": actor.rule,
    }


def place_record(place: Place) -> dict[str, Any]:
    return {
        **(span_record(place.span) or {}),
        "name": place.name,
        "geonameid": place.geonameid,
        "lat": place.lat,
        "lon": place.lon,
        "country": place.country,
        "feature": place.feature,
        "admin1": place.admin1,
        "confidence": round(place.confidence, 3),
        "rule": place.rule,
    }


def event_record(event: Event) -> dict[str, Any]:
    location = None
    if event.location is not None:
        place = event.location
        location = {
            "text": place.span.text,
            "name": place.name,
            "country": place.country,
            "lat": place.lat,
            "lon": place.lon,
            "geonameid": place.geonameid,
        }
    date = event.date
    return {
        "id": event.id,
        "type": event.type,
        "mode": event.mode,
        "context": event.context,
        "quad": event.quad,
        "cameo": event.cameo,
        "score": event.score,
        "factuality": event.factuality,
        **acled_fields(event),
        "trigger": span_record(event.trigger),
        "source": [actor_record(a) for a in event.source],
        "target": [actor_record(a) for a in event.target],
        "reported_by": [actor_record(a) for a in event.reported_by],
        "location": location,
        "date": date.value if date else None,
        "date_precision": date.precision if date else None,
        "date_source": date.source if date else None,
        "sentence": event.sentence,
        "evidence": event.evidence,
        "rule": event.rule,
        "confidence": round(event.confidence, 3),
        "versions": dict(event.versions),
    }


def quote_record(quote: Quote) -> dict[str, Any]:
    speaker = quote.speaker_actor
    return {
        "source": span_record(quote.speaker),
        "cue": span_record(quote.cue),
        "content": span_record(quote.content),
        "direct": quote.direct,
        "speaker_name": speaker.name if speaker else None,
        "speaker_country": speaker.country if speaker else None,
        "sentence": quote.sentence,
        "rule": quote.rule,
    }


def document_record_labels(extraction: Extraction) -> dict[str, Any]:
    """The document's quad and ACLED labels; the ACLED one as the pipeline decided it, with its
    ACLED names and how it was found."""
    labels: dict[str, Any] = document_labels(extraction.events)
    if extraction.acled_rule or extraction.acled:
        labels["acled"] = extraction.acled
    names = acled_names(labels["acled"]) if labels.get("acled") else None
    labels["acled_event_type"], labels["acled_sub_event_type"] = names or (None, None)
    labels["acled_rule"] = extraction.acled_rule or ("events" if labels.get("acled") else "")
    return labels


def extraction_record(extraction: Extraction) -> dict[str, Any]:
    article = extraction.article
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_text": article.published_text,
        "labels": document_record_labels(extraction),
        "events": [event_record(e) for e in extraction.events],
        "places": [place_record(p) for p in extraction.places],
        "quotes": [quote_record(q) for q in extraction.quotes],
        "skipped_sentences": [
            {"index": s.index, "text": s.text, "flag": s.flag, "why": s.flag_reason}
            for s in extraction.sentences
            if not s.is_content
        ],
    }


def failure_record(failure: Failure) -> dict[str, Any]:
    return {
        "id": failure.article_id,
        "document": failure.document,
        "error": {"stage": failure.stage, "reason": failure.reason},
        "events": [],
        "places": [],
        "quotes": [],
    }


def export_record(article: Article, event: Event) -> dict[str, Any]:
    """One event in the shape ``eventscope export`` writes (its JSON Lines record), so that
    ``extract --format csv`` and ``export --format csv`` share one layout."""

    def actors(found: tuple[Actor, ...]) -> list[dict[str, Any]]:
        return [
            {
                "text": a.span.text,
                "name": a.name,
                "country": a.country,
                "sector": a.sector,
                "entity_id": a.entity_id,
            }
            for a in found
        ]

    place = event.location
    date = event.date
    return {
        "event_id": event.id,
        "article_id": article.id,
        "type": event.type,
        "mode": event.mode,
        "context": event.context,
        "cameo": event.cameo,
        "quad": event.quad,
        "score": event.score,
        "factuality": event.factuality,
        **acled_fields(event),
        "date": date.value if date else None,
        "date_precision": date.precision if date else None,
        "date_source": date.source if date else None,
        "source": actors(event.source),
        "target": actors(event.target),
        "reported_by": actors(event.reported_by),
        "location": None
        if place is None
        else {
            "name": place.name,
            "geonameid": place.geonameid,
            "lat": place.lat,
            "lon": place.lon,
            "country": place.country,
        },
        "sentence": event.sentence,
        "evidence": event.evidence,
        "trigger": {
            "text": event.trigger.text,
            "start": event.trigger.start,
            "end": event.trigger.end,
        },
        "rule": event.rule,
        "confidence": event.confidence,
        "versions": dict(event.versions),
        "article": {
            "url": article.url,
            "outlet": article.outlet,
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
        },
    }


# The CSV layout of events, one for ``extract --format csv`` and ``export --format csv``: the
# export's JSON Lines record flattened, the actors of a role joined with ";".
ACTOR_FIELDS = ("text", "name", "country", "sector", "entity_id")
CSV_COLUMNS: tuple[str, ...] = (
    "event_id",
    "article_id",
    "type",
    "mode",
    "context",
    "cameo",
    "quad",
    "score",
    "factuality",
    "acled",
    "acled_event_type",
    "acled_sub_event_type",
    "fatalities",
    "inter1",
    "inter2",
    "date",
    "date_precision",
    "date_source",
    *(f"source_{name}" for name in ACTOR_FIELDS),
    *(f"target_{name}" for name in ACTOR_FIELDS),
    *(f"reported_by_{name}" for name in ACTOR_FIELDS),
    "location_name",
    "location_geonameid",
    "location_lat",
    "location_lon",
    "location_country",
    "sentence",
    "evidence",
    "trigger_text",
    "trigger_start",
    "trigger_end",
    "rule",
    "confidence",
    "versions",
    "article_url",
    "article_outlet",
    "article_title",
    "article_published",
)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def flatten(record: dict[str, Any]) -> list[str]:
    """One exported event (the JSON Lines shape) as a CSV row in ``CSV_COLUMNS`` order."""
    location = record.get("location") or {}
    trigger = record.get("trigger") or {}
    article = record.get("article") or {}
    cells: dict[str, str] = {
        key: _cell(record.get(key))
        for key in CSV_COLUMNS
        if key in record and not isinstance(record[key], dict | list)
    }
    for role in ("source", "target", "reported_by"):
        for name in ACTOR_FIELDS:
            cells[f"{role}_{name}"] = ";".join(_cell(a.get(name)) for a in record[role])
    for name in ("name", "geonameid", "lat", "lon", "country"):
        cells[f"location_{name}"] = _cell(location.get(name))
    for name in ("text", "start", "end"):
        cells[f"trigger_{name}"] = _cell(trigger.get(name))
    for name in ("url", "outlet", "title", "published"):
        cells[f"article_{name}"] = _cell(article.get(name))
    cells["versions"] = json.dumps(record.get("versions") or {}, sort_keys=True)
    return [cells.get(column, "") for column in CSV_COLUMNS]
