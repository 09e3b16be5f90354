"""classify(): the type of the event between two given actors of a sentence."""

from __future__ import annotations

from typing import Any

import pytest

from eventscope.events import PLOVER_TYPES, classify
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
