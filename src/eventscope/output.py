"""Machine output in the shape of the evaluation sets (``shared/evalsets/FORMAT.md``).

One function per record kind; ``extraction_record`` builds the one record per article that
``eventscope extract --format jsonl`` writes and ``eventscope eval`` scores.
"""

from __future__ import annotations

from typing import Any

from eventscope.events.labels import document_labels
from eventscope.records import Actor, Event, Extraction, Failure, Place, Quote, Span


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
        "acled": event.acled,
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


def extraction_record(extraction: Extraction) -> dict[str, Any]:
    article = extraction.article
    return {
        "id": article.id,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "labels": document_labels(extraction.events),
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
