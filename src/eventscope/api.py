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
from eventscope.records import Article, Event, Extraction, Failure, Span
from eventscope.settings import Settings
from eventscope.text.spliced import masked_for_parse

# Classification mode reads the learned event coder's events in texts of this many sentences or
# more (articles); shorter ones are the type model's alone (classify_records).
ARTICLE_SENTENCES = 4


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

    Returns the records with every event given ``type``, ``quad``, ``scores`` (a type ->
    probability map), ``coder`` (what decided) and ``versions`` (of the code, the tables, the
    type model, the sentence embedding and the event coder that read it); everything else is
    kept as it came. The type model (``events.classify``, trained on sentences and snippets)
    scores every pair. In an
    article (``ARTICLE_SENTENCES`` sentences or more), where the learned event coder (trained
    on articles) codes an event in the pair's sentences, that event's type and calibrated
    confidence are pooled with the model's scores (``events.classify.with_event``): the surest
    event linking the two actors ("event coder, actors"), else the surest in those sentences
    ("event coder, sentence"); the event's ``trigger`` is given. On news-dev's actor pairs this
    lifts type accuracy from 0.34 to 0.49, on the training articles' pairs with the event
    coder's cross-validated events from 0.41 to 0.52; in the 2- and 3-sentence records of
    plv-train the type model alone is better (the reason for the length).
    """
    from eventscope.events import classify, load_codes, load_lexicon
    from eventscope.events.classify import (
        embedding_version,
        event_for_pair,
        pair_range,
        sentence_embeddings,
        with_event,
    )
    from eventscope.events.evidence import read_lexicon
    from eventscope.events.typemodel import load_type_model

    codes = load_codes()
    lexicon = load_lexicon()

    pipeline = pipeline or default_pipeline()
    records = list(records)
    articles = _articles(records, pipeline)
    docs = list(
        pipeline.nlp.pipe(_parse_text(r, a) for r, a in zip(records, articles, strict=True))
    )
    texts = [doc.text for doc in docs]  # Doc.text joins the tokens at every call: once here
    pairs = [
        [
            (first_span(e.get("source", []), text), first_span(e.get("target", []), text))
            for e in record.get("events", [])
        ]
        for record, text in zip(records, texts, strict=True)
    ]
    ranges = [
        [pair_range(doc, s, t) for s, t in pair] for doc, pair in zip(docs, pairs, strict=True)
    ]
    type_model = load_type_model()
    read_by = ("eventscope", "tables", "model")
    versions = {k: v for k, v in pipeline.versions.items() if k in read_by}
    vectors: dict[str, Any] = {}
    if type_model is not None:
        versions["type_model"] = type_model.label
        if type_model.embedding_scale is not None:  # every pair's text embedded in one batch
            wanted = sorted({t[a:b] for t, rs in zip(texts, ranges, strict=True) for a, b in rs})
            vectors = dict(zip(wanted, sentence_embeddings(wanted), strict=True))
            versions["sentence_embedding"] = embedding_version()
    coded = _coded_events(records, articles, docs, pipeline)
    out: list[dict[str, Any]] = []
    for record, doc, text, pair, within, found in zip(
        records, docs, texts, pairs, ranges, coded, strict=True
    ):
        events = []
        reading = read_lexicon(doc, lexicon) if pair else None  # one for all the doc's pairs
        for event, (source, target), (a, b) in zip(
            record.get("events", []), pair, within, strict=True
        ):
            vector = vectors.get(text[a:b])
            type_, scores = classify(
                doc, source, target, model=type_model, embedding=vector, reading=reading
            )
            extra: dict[str, Any] = {"coder": "type model", "versions": versions}
            chosen = event_for_pair(found, source, target, (a, b))
            if chosen is not None:
                learned, how = chosen
                type_, scores = with_event(learned, scores)
                trigger = learned.trigger
                extra = {
                    "coder": f"event coder, {how}",
                    "trigger": {"text": trigger.text, "start": trigger.start, "end": trigger.end},
                    "versions": {**versions, **learned.versions},
                }
            events.append(
                {**event, "type": type_, "quad": codes.quad(type_), "scores": scores, **extra}
            )
        out.append({**record, "events": events})
    return out


def _parse_text(record: dict[str, Any], article: Article | Failure) -> str:
    """The text classification parses: the article's, where it is the record's text less
    trailing whitespace and the pipeline parses it as it is (one parse then serves both the
    pairs and the event coder; the offsets are the record's), else the record's own."""
    text = str(record.get("text", ""))
    if (
        isinstance(article, Article)
        and text.rstrip() == article.text
        and masked_for_parse(article.text) == article.text
    ):
        return article.text
    return text


def _coded_events(
    records: list[dict[str, Any]],
    articles: list[Article | Failure],
    docs: list[Any],
    pipeline: Pipeline,
) -> list[tuple[Event, ...]]:
    """The pipeline's events of each article that has events to classify (none for the others,
    for a record that fails, or where the article's text, trailing space stripped, is not the
    start of the parse's text, so offsets would differ). An article whose parse is already in
    ``docs`` is not parsed again."""
    found: list[tuple[Event, ...]] = [() for _ in records]
    if pipeline.event_model is None:
        return found
    wanted = [
        n
        for n, r in enumerate(records)
        if r.get("events") and len(list(docs[n].sents)) >= ARTICLE_SENTENCES
    ]
    parsed = {articles[n].id: docs[n] for n in wanted if isinstance(articles[n], Article)}
    results = pipeline.extract_many([articles[n] for n in wanted], parsed)  # parsed once
    for n, result in zip(wanted, results, strict=True):
        if isinstance(result, Extraction) and docs[n].text.startswith(result.article.text):
            found[n] = result.events
    return found
