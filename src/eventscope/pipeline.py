"""The pipeline: parse once, then run every extraction stage over the parse.

``Pipeline.extract`` consumes an Article and produces an Extraction. ``extract_many`` takes a
stream of Articles (and ingest Failures, passed through), parses them in batches with
``nlp.pipe`` and yields an Extraction or a Failure per document: one bad document is recorded
with its reason and the stream goes on.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import time
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from eventscope import dates as date_stage
from eventscope import quotes as quote_stage
from eventscope.actors import ActorTables, find_actors, load_tables
from eventscope.deadlines import time_limit
from eventscope.errors import TimeLimitError
from eventscope.events import find_events
from eventscope.events.acled import (
    AcledModel,
    label_article,
    load_acled_model,
    placed_inter_codes,
)
from eventscope.events.model import EventModel, code_article, load_event_model
from eventscope.nlp import load_nlp
from eventscope.places import find_places, locate_events
from eventscope.records import Article, Extraction, Failure
from eventscope.settings import Settings, load_settings
from eventscope.text import load_text_rules, split_sentences
from eventscope.text.spliced import masked_for_parse
from eventscope.versions import code_version, tables_version

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc


class Pipeline:
    """Builds the stages from settings; heavy resources load lazily, once per process."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        nlp: Language | None = None,
        actor_tables: ActorTables | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self._nlp = nlp
        self._actor_tables = actor_tables
        # Seconds spent in each stage since this pipeline was made (for bench/throughput.py).
        self.stage_seconds: dict[str, float] = {}

    def _timed(self, stage: str, started: float) -> float:
        now = time.perf_counter()
        self.stage_seconds[stage] = self.stage_seconds.get(stage, 0.0) + now - started
        return now

    @property
    def nlp(self) -> Language:
        if self._nlp is None:
            self._nlp = load_nlp(self.settings.model)
            # Ingest enforces its own size limit; spaCy's must not be the tighter one.
            self._nlp.max_length = max(self._nlp.max_length, self.settings.limits.max_chars + 1)
        return self._nlp

    @property
    def actor_tables(self) -> ActorTables:
        """The actor tables: the shipped ones plus ``settings.actors_file``, if it names one."""
        if self._actor_tables is None:
            self._actor_tables = load_tables(self.settings.actors_file or None)
        return self._actor_tables

    @functools.cached_property
    def event_model(self) -> EventModel | None:
        """The learned event coder, unless the settings ask for the lexicon's rules alone."""
        if self.settings.event_coder != "model":
            return None
        return load_event_model(self.settings.event_model or None)

    @functools.cached_property
    def acled_model(self) -> AcledModel | None:
        """The ACLED sentence classifier; with the lexicon coder, the hand rules alone."""
        if self.settings.event_coder != "model":
            return None
        return load_acled_model()

    @functools.cached_property
    def versions(self) -> dict[str, str]:
        meta = self.nlp.meta
        versions = {
            "eventscope": code_version(),
            "tables": tables_version(self.actor_tables.user_digest),
            "model": f"{meta.get('name', self.settings.model)}-{meta.get('version', '?')}",
        }
        if self.event_model is not None:
            versions["event_model"] = self.event_model.label
        if self.acled_model is not None:
            versions["acled_model"] = self.acled_model.label
        return versions

    def load(self) -> None:
        """Load the spaCy model, the actor tables and the learned models now, not at the first
        document. eventscope's own load in a second thread while spaCy's does: much of both
        is decompression and array copies, which release the interpreter's lock, and a user
        waits for start-up before every command. Errors raise as they would in this thread."""
        if self._nlp is not None:
            self._load_ours()
            return
        with ThreadPoolExecutor(max_workers=1) as pool:
            ours = pool.submit(self._load_ours)
            _ = self.nlp
            ours.result()

    def _load_ours(self) -> None:
        """eventscope's own tables and models, and what the first document would otherwise
        build: the text rules' patterns and the words the event model never scores."""
        _ = self.actor_tables, self.acled_model
        load_text_rules()
        if self.event_model is not None:
            _ = self.event_model.quiet_lemmas

    def _parse(self, article: Article) -> Doc:
        """The parse of one article: of its text with spliced name cards blanked (the same
        offsets; ``eventscope.text.spliced``)."""
        return self.nlp(masked_for_parse(article.text))

    def extract(self, article: Article) -> Extraction:
        """Code one article. Errors raise (use ``extract_many`` for per-document handling)."""
        return self._extract_doc(article, self._parse(article))

    def extract_many(
        self, items: Iterable[Article | Failure], parsed: Mapping[str, Doc] | None = None
    ) -> Iterator[Extraction | Failure]:
        """Code a stream; input Failures pass through, and a document that breaks a stage
        becomes a Failure naming it, without stopping the stream. ``parsed`` (article id ->
        parse) gives parses a caller already holds: one is used where it is the parse of the
        very text this pipeline would parse, and the article is parsed again otherwise."""
        batch_size = max(1, self.settings.batch_size)
        # A missing model or a bad actors file stops the run with its own message, rather
        # than failing every document.
        self.load()
        iterator = iter(items)
        while chunk := list(itertools.islice(iterator, batch_size)):
            articles = [item for item in chunk if isinstance(item, Article)]
            given = {a.id: d for a in articles if (d := _given_parse(a, parsed)) is not None}
            docs = self._parse_batch([a for a in articles if a.id not in given]) | given
            for item in chunk:
                if isinstance(item, Failure):
                    yield item
                    continue
                doc = docs.get(item.id)
                if isinstance(doc, Failure):
                    yield doc
                    continue
                try:
                    # Never a yield inside the limit: its timer must not run in the consumer.
                    with time_limit(self.settings.limits.max_seconds, document=_name(item)):
                        extraction = self._extract_doc(item, doc)
                except Exception as exc:  # noqa: BLE001 - recorded per document, run goes on
                    yield _failure(item, "extract", exc)
                else:
                    yield extraction

    def _parse_batch(self, articles: list[Article]) -> dict[str, Doc | Failure]:
        if not articles:
            return {}
        max_seconds = self.settings.limits.max_seconds
        try:
            started = time.perf_counter()
            # A batch that runs over its documents' time is parsed again one by one, below,
            # each under its own limit, so that only the slow one fails.
            with time_limit(max_seconds * len(articles), document="a batch"):
                docs = list(self.nlp.pipe(masked_for_parse(a.text) for a in articles))
            self._timed("parse", started)
            return {a.id: d for a, d in zip(articles, docs, strict=True)}
        except Exception:  # noqa: BLE001 - find which document broke the batch
            parsed: dict[str, Doc | Failure] = {}
            for article in articles:
                try:
                    with time_limit(max_seconds, document=_name(article)):
                        parsed[article.id] = self._parse(article)
                except Exception as exc:  # noqa: BLE001
                    parsed[article.id] = _failure(article, "parse", exc)
            return parsed

    def _extract_doc(self, article: Article, doc: Doc | None) -> Extraction:
        if doc is None:
            doc = self._parse(article)
        published = article.published
        clock = time.perf_counter()
        sentences = split_sentences(article, doc)
        clock = self._timed("sentences", clock)
        actors = find_actors(doc, sentences, published=published, tables=self.actor_tables)
        clock = self._timed("actors", clock)
        places = find_places(doc, sentences)
        clock = self._timed("places", clock)
        events = find_events(doc, sentences, actors, article_id=article.id)
        if self.event_model is not None:
            # The lexicon's events are the learned coder's features; the model decides.
            events = code_article(
                doc,
                sentences,
                actors,
                events,
                article_id=article.id,
                places=places,
                model=self.event_model,
            )
        clock = self._timed("events", clock)
        acled = label_article(doc, sentences, events, self.acled_model, actors=actors)
        events = acled.events
        clock = self._timed("acled", clock)
        dates = date_stage.find_dates(doc, sentences, published=published)
        clock = self._timed("dates", clock)
        quotes = quote_stage.find_quotes(doc, sentences, actors)
        clock = self._timed("quotes", clock)
        thresholds = self.settings.thresholds
        coded = []
        kept = [e for e in events if e.confidence >= thresholds.min_event_confidence]
        event_dates = date_stage.date_events(kept, dates, published=published, doc=doc)
        event_places = locate_events(kept, places, sentences, doc)
        for event, date, place in zip(kept, event_dates, event_places, strict=True):
            if place is not None and place.confidence < thresholds.min_place_confidence:
                place = None  # too unsure to put on the map; the toponym stays in `places`
            if place is not None:
                event = placed_inter_codes(event, place.country)
            coded.append(
                dataclasses.replace(event, location=place, date=date, versions=self.versions)
            )
        self._timed("attach", clock)
        return Extraction(
            article=article,
            sentences=sentences,
            actors=actors,
            events=tuple(coded),
            places=places,
            quotes=quotes,
            dates=dates,
            versions=self.versions,
            acled=acled.document,
            acled_rule=acled.document_rule,
        )


def _given_parse(article: Article, parsed: Mapping[str, Doc] | None) -> Doc | None:
    doc = parsed.get(article.id) if parsed else None
    return doc if doc is not None and doc.text == masked_for_parse(article.text) else None


def _name(article: Article) -> str:
    return article.origin or article.id


def _failure(article: Article, stage: str, exc: Exception) -> Failure:
    reason = exc.reason if isinstance(exc, TimeLimitError) else f"{type(exc).__name__}: {exc}"
    return Failure(document=_name(article), stage=stage, reason=reason, article_id=article.id)
