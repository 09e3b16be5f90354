"""The typed records that pass between stages.

Every record is a frozen dataclass. Offsets are character offsets into ``Article.text``
(end exclusive), so any record can be highlighted in the original article. JSON in and
out goes through ``to_dict`` / ``span_from_dict`` here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SentenceFlag = Literal["boilerplate", "caption", "foreign_headline", "byline"]
Factuality = Literal["asserted", "negated", "hypothetical", "planned", "reported"]
DatePrecision = Literal["day", "month", "year"]
# Where an event's date comes from: its own sentence ("text"), the same incident dated
# elsewhere in the article ("incident"), the story's day named in its opening ("story"), or
# the publication date ("published").
DateSource = Literal["text", "incident", "story", "published"]


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of the article text: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Article:
    """One input document, as read by ingest. ``id`` is stable for the same content."""

    id: str
    text: str
    title: str | None = None
    published: dt.date | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    origin: str | None = None  # where it was read from: a path, "path:line", "<stdin>"
    content_hash: str = ""
    published_text: str | None = None  # the publication date as the input wrote it
    warnings: tuple[str, ...] = ()  # what reading it could not do ("published ... unreadable")


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article. A flagged sentence is kept but skipped by extraction."""

    index: int
    start: int
    end: int
    text: str
    flag: SentenceFlag | None = None
    flag_reason: str | None = None

    @property
    def is_content(self) -> bool:
        return self.flag is None


@dataclass(frozen=True, slots=True)
class Actor:
    """An actor mention resolved (as far as the tables allow) to a canonical identity."""

    span: Span
    sentence: int
    name: str  # canonical name, or the mention text when unknown
    kind: Literal["person", "org", "country", "group", "role", "other"] = "other"
    country: str | None = None  # ISO 3166 alpha-3, "IGO" for international organisations
    sector: str | None = None  # PLOVER sector code: GOV MIL REB ...
    entity_id: str | None = None  # stable id (Wikidata QID) where the tables know one
    rule: str = ""  # which rule or table entry resolved it: the "why"


@dataclass(frozen=True, slots=True)
class Place:
    """A toponym, resolved to the gazetteer where possible."""

    span: Span
    sentence: int
    name: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    country: str | None = None  # ISO 3166 alpha-3
    feature: str | None = None  # "country", "city", "region", ...
    admin1: str | None = None
    confidence: float = 0.0
    rule: str = ""


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in the text resolved against the publication date."""

    span: Span | None
    sentence: int | None
    value: str  # ISO: 2018-05-31, 2018-05 or 2018
    precision: DatePrecision
    source: DateSource = "text"


@dataclass(frozen=True, slots=True)
class Quote:
    """An attribution: who (speaker) said (cue) what (content)."""

    content: Span
    direct: bool
    sentence: int
    cue: Span | None = None
    speaker: Span | None = None
    speaker_actor: Actor | None = None
    rule: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    """A coded event with the evidence that produced it."""

    id: str
    article_id: str
    sentence: int
    evidence: str  # the sentence text
    type: str  # PLOVER 0.8 event type
    trigger: Span
    source: tuple[Actor, ...] = ()
    target: tuple[Actor, ...] = ()
    mode: str | None = None
    context: str | None = None
    cameo: str | None = None
    quad: str | None = None
    score: float | None = None  # PLOVER conflict/cooperation score, -10 .. +10
    factuality: Factuality = "asserted"
    reported_by: tuple[Actor, ...] = ()  # whose statement reports it ("X said ..."), if known
    acled: str | None = None  # ACLED sub-event code ("AIR_STRIKE"), where ACLED defines one
    fatalities: int | None = None  # ACLED's death toll, where the text states one
    inter1: int | None = None  # ACLED inter code of the source side (1 state forces ...)
    inter2: int | None = None  # ... and of the target side
    date: DateMention | None = None
    location: Place | None = None
    rule: str = ""
    confidence: float = 0.0
    versions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything eventscope found in one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    actors: tuple[Actor, ...] = ()
    events: tuple[Event, ...] = ()
    places: tuple[Place, ...] = ()
    quotes: tuple[Quote, ...] = ()
    dates: tuple[DateMention, ...] = ()
    # The versions of the code, tables and model that read the article (events carry their
    # own copy): an article in which nothing was coded still says what read it.
    versions: Mapping[str, str] = field(default_factory=dict)
    # The document's ACLED sub-event type (its main incident's) and how it was found: "events",
    # "lead sentence"; "" when the pipeline did not decide it (derived from the events then).
    acled: str | None = None
    acled_rule: str = ""


@dataclass(frozen=True, slots=True)
class Failure:
    """A document that could not be processed, and why."""

    document: str  # the document's name: path, "path:line", id
    stage: str  # ingest, parse, extract, store
    reason: str
    article_id: str | None = None


def to_dict(record: Any) -> Any:
    """Plain JSON-ready data from a record (dates as ISO strings, tuples as lists)."""
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        return {f.name: to_dict(getattr(record, f.name)) for f in dataclasses.fields(record)}
    if isinstance(record, list | tuple):
        return [to_dict(item) for item in record]
    if isinstance(record, dict):
        return {key: to_dict(value) for key, value in record.items()}
    if isinstance(record, dt.date):
        return record.isoformat()
    return record


def span_from_dict(data: dict[str, Any]) -> Span:
    return Span(start=int(data["start"]), end=int(data["end"]), text=str(data["text"]))
