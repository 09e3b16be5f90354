"""classify(): the type of the event between two given actors of a sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from eventscope.events import PLOVER_TYPES, classify, load_lexicon
from eventscope.events.classify import classify_by_rules
from eventscope.events.codes import data_dir
from eventscope.events.evidence import pair_evidence
from eventscope.events.features import pair_features
from eventscope.events.typemodel import (
    MODEL_FILE,
    TypeModel,
    best_type,
    load_type_model,
    parse_type_model,
    save_type_model,
)
from eventscope.records import Span


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), words)


@pytest.mark.parametrize(
    ("text", "source", "target", "expected"),
    [
        ("Iran threatened to attack US troops in Iraq.", "Iran", "US troops", "THREATEN"),
        ("The embassy was attacked by militants.", "militants", "The embassy", "ASSAULT"),
        ("Egypt hosted talks between Israel and Hamas.", "Egypt", "Israel", "CONSULT"),
        (
            "The minister praised the army but condemned the rebels.",
            "The minister",
            "the rebels",
            "ACCUSE",
        ),
        (
            "The minister praised the army but condemned the rebels.",
            "The minister",
            "the army",
            "SUPPORT",
        ),
        ("Pakistan refused to send troops to Yemen.", "Pakistan", "Yemen", "REJECT"),
        ("China will send aid to Laos.", "China", "Laos", "AGREE"),
    ],
)
def test_classify(nlp: Any, text: str, source: str, target: str, expected: str) -> None:
    best, scores = classify(nlp(text), _span(text, source), _span(text, target))
    assert best == expected
    assert set(scores) == set(PLOVER_TYPES)
    assert sum(scores.values()) == pytest.approx(1.0)
    assert max(scores, key=scores.__getitem__) == best


def test_classify_without_a_trigger_still_scores_all_types(nlp: Any) -> None:
    text = "The delegation from Kenya and the envoy of Chad were in Paris."
    best, scores = classify(nlp(text), _span(text, "Kenya"), _span(text, "Chad"))
    assert best in PLOVER_TYPES
    assert sum(scores.values()) == pytest.approx(1.0)
    assert min(scores.values()) > 0


def test_classify_accepts_a_missing_target(nlp: Any) -> None:
    text = "Thousands of workers went on strike in Lagos."
    best, _ = classify(nlp(text), _span(text, "Thousands of workers"), None)
    assert best == "PROTEST"


# Issue 4 (classification mode): pairs of types the rule classifier confused. The learned type
# model (data/events/type_model.json) tells them apart; the rules alone code each first
# sentence of a pair as its partner's type (AGREE for the deliveries, REQUEST for the call for
# sanctions, COERCE for the blockade).
CONFUSED_PAIRS = [
    # an aid delivery, and an agreement to deliver
    (
        "Germany sent a team of doctors and medical equipment to the hospital in Goma.",
        "Germany",
        "the hospital in Goma",
        "AID",
    ),
    ("The foundation flew ten tons of medicine into Haiti.", "The foundation", "Haiti", "AID"),
    (
        "Germany offered to send doctors to the hospital in Goma next year.",
        "Germany",
        "the hospital in Goma",
        "AGREE",
    ),
    # an accusation (sanctions called for against the target), and a demand made of it
    (
        "The senator called for sanctions against the ministry over the killings.",
        "The senator",
        "the ministry",
        "ACCUSE",
    ),
    (
        "The union demanded that the ministry release the detained workers.",
        "The union",
        "the ministry",
        "REQUEST",
    ),
    # an armed blockade (coded ASSAULT by plv-train's annotators), and an arrest
    (
        "Government troops imposed a blockade on the rebel-held port.",
        "Government troops",
        "the rebel-held port",
        "ASSAULT",
    ),
    (
        "Police arrested the opposition leader at his home.",
        "Police",
        "the opposition leader",
        "COERCE",
    ),
    # CONCEDE and RETREAT, which plv-train never tells apart, still follow the lexicon
    (
        "The president declared a cessation of hostilities in the northern province.",
        "The president",
        "the northern province",
        "RETREAT",
    ),
    (
        "The governor granted the protesters permission to march on Sunday.",
        "The governor",
        "the protesters",
        "CONCEDE",
    ),
]


@pytest.mark.parametrize(("text", "source", "target", "expected"), CONFUSED_PAIRS)
def test_type_model_separates_types_the_rules_confused(
    nlp: Any, text: str, source: str, target: str, expected: str
) -> None:
    best, scores = classify(nlp(text), _span(text, source), _span(text, target))
    assert best == expected
    assert max(scores, key=scores.__getitem__) == expected
    assert sum(scores.values()) == pytest.approx(1.0)


def test_rule_classifier_is_kept_and_scores_all_types(nlp: Any) -> None:
    text = "Germany sent a team of doctors and medical equipment to the hospital in Goma."
    best, scores = classify_by_rules(
        nlp(text), _span(text, "Germany"), _span(text, "the hospital in Goma")
    )
    assert best in PLOVER_TYPES
    assert set(scores) == set(PLOVER_TYPES)
    assert sum(scores.values()) == pytest.approx(1.0)


def test_shipped_type_model_loads_and_gives_sixteen_probabilities() -> None:
    path = data_dir() / MODEL_FILE
    assert path.stat().st_size < 1_000_000
    model = load_type_model()
    assert model is not None
    assert set(model.types) == set(PLOVER_TYPES)
    assert model.about["trainer"] == "training/train_classifier.py"
    for features in ({}, {"rule:AID": 1.0, "rule_best:AID": 1.0}, {"no such feature": 3.0}):
        scores = model.probabilities(features)
        assert set(scores) == set(PLOVER_TYPES)
        assert sum(scores.values()) == pytest.approx(1.0)
        assert min(scores.values()) > 0
    assert best_type(model.probabilities({"rule:AID": 1.0, "rule_best:AID": 1.0})) == "AID"


def test_type_model_round_trips_and_is_injected(nlp: Any, tmp_path: Path) -> None:
    bias = tuple(5.0 if typ == "PROTEST" else 0.0 for typ in PLOVER_TYPES)
    model = TypeModel(types=PLOVER_TYPES, bias=bias, weights={"rule:AGREE": (0.5,) * 16})
    save_type_model(model, tmp_path / "model.json")
    loaded = load_type_model(tmp_path / "model.json")
    assert loaded == model
    text = "Egypt hosted talks between Israel and Hamas."
    best, _ = classify(nlp(text), _span(text, "Egypt"), _span(text, "Israel"), model=loaded)
    assert best == "PROTEST"


@pytest.mark.parametrize(
    "broken",
    [
        {"format": 0, "types": [], "bias": [], "weights": {}},
        {"format": 1, "types": ["AGREE", "WAVE"], "bias": [0, 0], "weights": {}},
        {"format": 1, "types": ["AGREE"], "bias": [0, 0], "weights": {}},
        {"format": 1, "types": ["AGREE"], "bias": [0], "weights": {"x": [1, 2]}},
    ],
)
def test_malformed_type_model_is_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        parse_type_model(broken)


def test_pair_features_name_words_and_lexicon_rows_not_names(nlp: Any) -> None:
    text = "Iran threatened to attack US troops in Iraq."
    doc = nlp(text)
    evidence = pair_evidence(
        doc, _span(text, "Iran"), _span(text, "US troops"), lexicon=load_lexicon()
    )
    features = pair_features(evidence)
    assert features["rule_best:THREATEN"] == 1.0
    assert any(name.startswith("row:threaten") for name in features)
    assert any(name.startswith("type:path:own:THREATEN") for name in features)
    assert not any("iran" in name.lower() or "iraq" in name.lower() for name in features)
