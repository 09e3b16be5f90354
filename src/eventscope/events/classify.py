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
  against" accuses. Without a model file it falls back to the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventscope.events.codes import PLOVER_TYPES
from eventscope.events.evidence import pair_evidence, rule_scores
from eventscope.events.features import pair_features
from eventscope.events.lexicon import Lexicon, load_lexicon
from eventscope.events.typemodel import TypeModel, best_type, load_type_model
from eventscope.records import Span

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
) -> tuple[str, dict[str, float]]:
    """The best PLOVER type for the event from ``source`` to ``target`` and a score per type.

    ``doc`` is a parse of one sentence; the spans are character offsets into ``doc.text``
    (either may be None when the event has no such actor). The scores cover all 16 types
    and sum to 1. ``model`` defaults to the shipped type model; the rules decide when no
    model is shipped.
    """
    evidence = pair_evidence(doc, source, target, lexicon=lexicon or load_lexicon())
    model = model or load_type_model()
    if model is None:
        return _rule_probabilities(rule_scores(evidence))
    probabilities = model.probabilities(pair_features(evidence))
    return best_type(probabilities), probabilities
