"""The learned event coder (weights trained on hand-coded news articles).

``code_article`` codes a parsed article with the trained model: the lexicon coder runs first
and its events become features (``features``), then the trigger, factuality and role models
decide (``coder``). ``load_event_model`` loads the shipped weights (``eventscope/data/models/
events``) or a folder named by the setting ``event_model``; ``training/train_events.py``
rebuilds them from the annotations.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventscope.events.lexicon import Lexicon, load_lexicon
from eventscope.events.model.coder import EventModel, code_events, load_event_model
from eventscope.events.model.countries import country_context
from eventscope.events.model.features import ArticleContext, build_context
from eventscope.events.roles import ActorIndex
from eventscope.records import Actor, Event, Place, Sentence
from eventscope.text.sentences import content_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc

SNIPPET_SENTENCES = 1  # texts of at most this many content sentences are coded by the rules

__all__ = [
    "EventModel",
    "article_context",
    "code_article",
    "load_event_model",
]


def article_context(
    doc: Doc,
    sentences: Sequence[Sentence],
    actors: Sequence[Actor],
    rule_events: Sequence[Event],
    lexicon: Lexicon,
) -> ArticleContext:
    """The feature index of one article (content sentences only)."""
    spans = [
        (sentence.index, span.start, span.end) for sentence, span in content_spans(doc, sentences)
    ]
    return build_context(doc, spans, actors, rule_events, lexicon)


def code_article(
    doc: Doc,
    sentences: Sequence[Sentence],
    actors: Sequence[Actor],
    rule_events: Sequence[Event],
    *,
    article_id: str,
    places: Sequence[Place] = (),
    model: EventModel | None = None,
    lexicon: Lexicon | None = None,
) -> list[Event]:
    """The learned coder's events of one article; ``rule_events`` are the lexicon coder's,
    ``places`` the article's toponyms (they tell where unresolved actors belong).

    A text of at most ``SNIPPET_SENTENCES`` content sentences (a headline, a one-sentence
    snippet) is not an article: the model learned from whole articles, codes more events per
    sentence than single-sentence corpora mark and misses more of them, so there the lexicon
    coder's events stand (``rules_alone``), as they do where the model finds no event at all.
    """
    lex = lexicon or load_lexicon()
    model = model or load_event_model()
    if rule_events and len(list(content_spans(doc, sentences))) <= SNIPPET_SENTENCES:
        return rules_alone(rule_events, model, why="a one-sentence text")
    ctx = article_context(doc, sentences, actors, rule_events, lex)
    events = code_events(
        doc,
        sentences,
        ctx,
        article_id=article_id,
        model=model,
        codes=lex.codes,
        lexicon=lex,
        countries=country_context(actors, places),
        index=ActorIndex(doc, actors),
    )
    if events or not rule_events:
        return events
    return rules_alone(rule_events, model, why="no event found by the model")


def rules_alone(
    rule_events: Sequence[Event], model: EventModel, *, why: str = "no event found by the model"
) -> list[Event]:
    """The lexicon's events, standing where the model does not decide (``why``: a
    one-sentence text, or no event found by the model in the whole text), named as such, at
    the confidence of the least supported lexicon triggers the model confirms."""
    floor = model.confidence(0.0, lexicon=True)
    return [
        dataclasses.replace(
            e,
            rule=f"lexicon:{e.rule} ({why}, so not model:{model.label})",
            confidence=round(min(e.confidence, floor), 3),
        )
        for e in rule_events
    ]
