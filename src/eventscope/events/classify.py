"""Classification mode: the PLOVER type of the event between two given actors of a sentence.

Consumes a spaCy ``Doc`` of one sentence and the source and target spans (character offsets
into that sentence); produces the best type and a probability per PLOVER type (all 16,
summing to 1).

Two classifiers share one reading of the sentence (``evidence.pair_evidence``: the lexicon's
triggers, coded exactly as ``find_events`` codes them, placed relative to the two actors):

- ``classify_by_rules`` weighs the triggers by where they sit: on the dependency path between
  the two actors, governing both, governing one, elsewhere; lexicon words used in another
  part of speech only when there is no trigger at all.
- ``classify`` (the default) feeds that evidence, the rule scores and the words between the
  actors (``features.pair_features``) to the learned type model shipped in
  ``data/events/type_model.json`` (``training/train_classifier.py``). It learns, for example,
  that a delivery of aid is AID though "offer" is an AGREE word, and that "called for sanctions
  against" accuses. Without a model file it falls back to the rules. The shipped model also
  reads the meaning of the actors' sentences as a whole (``pair_text``): their all-MiniLM-L6-v2
  embedding (``eventscope.embedding``), which lifts the grouped cross-validated accuracy on
  plv-train from 0.861 to 0.874.

In an article, ``api.classify_records`` also reads the learned event coder's events: the one
that speaks for the pair (``event_for_pair``) is pooled with the type model's scores
(``with_event``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventscope.events.codes import PLOVER_TYPES
from eventscope.events.evidence import LexiconReading, pair_evidence, rule_scores
from eventscope.events.features import pair_features
from eventscope.events.lexicon import Lexicon, load_lexicon
from eventscope.events.typemodel import (
    TypeModel,
    best_type,
    embedding_features,
    load_type_model,
)
from eventscope.records import Actor, Event, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc

SMOOTHING = 0.02  # rule scores: probability mass spread over all types, so none is exactly zero


def _rule_probabilities(scores: dict[str, float]) -> tuple[str, dict[str, float]]:
    total = sum(scores.values())
    spread = SMOOTHING * (total if total > 0 else 1.0)
    probabilities = {
        typ: (value + spread / len(scores)) / (total + spread) for typ, value in scores.items()
    }
    best = max(PLOVER_TYPES, key=lambda typ: (scores[typ], -PLOVER_TYPES.index(typ)))
    return best, probabilities


def classify_by_rules(
    doc: Doc,
    source: Span | None,
    target: Span | None,
    *,
    lexicon: Lexicon | None = None,
) -> tuple[str, dict[str, float]]:
    """The rule classifier's best type and a score per type (all 16, summing to 1)."""
    evidence = pair_evidence(doc, source, target, lexicon=lexicon or load_lexicon())
    return _rule_probabilities(rule_scores(evidence))


def classify(
    doc: Doc,
    source: Span | None,
    target: Span | None,
    *,
    lexicon: Lexicon | None = None,
    model: TypeModel | None = None,
    embedding: Sequence[float] | None = None,
    reading: LexiconReading | None = None,
) -> tuple[str, dict[str, float]]:
    """The best PLOVER type for the event from ``source`` to ``target`` and a score per type.

    ``doc`` is a parse of one sentence; the spans are character offsets into ``doc.text``
    (either may be None when the event has no such actor). The scores cover all 16 types
    and sum to 1. ``model`` defaults to the shipped type model; the rules decide when no
    model is shipped. ``embedding`` is the embedding of ``pair_text`` (``sentence_embeddings``),
    computed here when the model needs one and none is given. ``reading`` is the lexicon's
    reading of ``doc`` (``evidence.read_lexicon``) where the caller has several pairs of it.
    """
    evidence = pair_evidence(
        doc, source, target, lexicon=lexicon or load_lexicon(), reading=reading
    )
    model = model or load_type_model()
    if model is None:
        return _rule_probabilities(rule_scores(evidence))
    features = pair_features(evidence)
    scale = model.embedding_scale
    if scale is not None:
        if embedding is None:
            embedding = sentence_embeddings([pair_text(doc, source, target)])[0]
        features = {**features, **embedding_features(embedding, scale)}
    probabilities = model.probabilities(features)
    return best_type(probabilities), probabilities


def pair_range(doc: Doc, source: Span | None, target: Span | None) -> tuple[int, int]:
    """The character range of the sentences of ``doc`` from the first to the last that holds a
    given actor (all of ``doc`` when neither is given)."""
    spans = [s for s in (source, target) if s is not None]
    # len(doc.text) without building the text (Doc.text joins every token at each call)
    everything = (0, doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0)
    if not spans:
        return everything
    start, end = min(s.start for s in spans), max(s.end for s in spans)
    chosen = [s for s in doc.sents if s.start_char < end and start < s.end_char]
    return (chosen[0].start_char, chosen[-1].end_char) if chosen else everything


def pair_text(doc: Doc, source: Span | None, target: Span | None) -> str:
    """The text whose embedding classification reads: the sentences that hold the actors."""
    start, end = pair_range(doc, source, target)
    return str(doc.text[start:end])


def event_for_pair(
    events: Sequence[Event],
    source: Span | None,
    target: Span | None,
    within: tuple[int, int],
) -> tuple[Event, str] | None:
    """The learned event coder's event that speaks for the pair, and how it was chosen.

    Of the events the learned coder coded (``model.coder.coded_by_model``) whose trigger lies
    in ``within`` (the pair's sentences, ``pair_range``): the surest whose source or target
    overlaps the given one (both first), "actors"; else the surest of them all, "sentence";
    None when there is none.
    """
    from eventscope.events.model.coder import coded_by_model

    inside = [e for e in events if coded_by_model(e) and within[0] <= e.trigger.start < within[1]]

    def hits(actors: Sequence[Actor], given: Span | None) -> bool:
        return given is not None and any(a.span.overlaps(given) for a in actors)

    ranked = sorted(
        inside,
        key=lambda e: (
            -(hits(e.source, source) + hits(e.target, target)),
            -e.confidence,
            e.trigger.start,
        ),
    )
    if not ranked:
        return None
    best = ranked[0]
    linked = hits(best.source, source) or hits(best.target, target)
    return best, "actors" if linked else "sentence"


def with_event(event: Event, scores: dict[str, float]) -> tuple[str, dict[str, float]]:
    """The type model's scores and the event coder's reading pooled: the event's type gets its
    calibrated confidence c, the model's scores share 1 - c; the best type of the pool."""
    c = min(max(event.confidence, 0.0), 1.0)
    pooled = {typ: (1 - c) * p + (c if typ == event.type else 0.0) for typ, p in scores.items()}
    return best_type(pooled), pooled


def sentence_embeddings(texts: Sequence[str]) -> list[list[float]]:
    """The embeddings classification reads, one per text (``embedding.SentenceEncoder``)."""
    from eventscope.embedding import load_sentence_encoder

    return load_sentence_encoder().encode(texts).tolist()


def embedding_version() -> str:
    from eventscope.embedding import load_sentence_encoder

    return load_sentence_encoder().version
