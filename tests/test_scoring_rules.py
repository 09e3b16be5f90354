"""How events match gold: by trigger overlap, or (FORMAT.md) inside the gold's sentence with the
same type."""

from __future__ import annotations

from eventscope.evaluation.events import matched_pairs, score_events

TEXT = "Rebels shelled the airport and later stormed the terminal, officials said."


def _span(words: str) -> dict:
    start = TEXT.index(words)
    return {"text": words, "start": start, "end": start + len(words)}


GOLD = {
    "id": "g",
    "text": TEXT,
    "events": [
        {
            "type": "ASSAULT",
            "trigger": _span("shelled"),
            "sentence": _span(TEXT),
            "source": [],
            "target": [],
        },
    ],
}


def _pred(trigger: str, typ: str) -> dict:
    return {"id": "g", "events": [{"type": typ, "trigger": _span(trigger)}]}


def test_an_overlapping_trigger_matches() -> None:
    result = score_events([(GOLD, _pred("shelled", "ASSAULT"))])
    assert result is not None
    assert result.typed.tp == 1 and result.trigger_typed.tp == 1


def test_another_word_of_the_gold_sentence_matches_when_the_type_agrees() -> None:
    result = score_events([(GOLD, _pred("stormed", "ASSAULT"))])
    assert result is not None
    assert result.typed.tp == 1
    assert result.trigger_typed.tp == 0  # the stricter figure does not count it


def test_another_word_of_another_type_does_not_match() -> None:
    result = score_events([(GOLD, _pred("stormed", "COERCE"))])
    assert result is not None
    assert result.typed.tp == 0 and result.untyped.tp == 0


def test_overlap_pairs_first_then_the_sentence() -> None:
    predicted = {
        "id": "g",
        "events": [
            {"type": "ASSAULT", "trigger": _span("stormed")},
            {"type": "ASSAULT", "trigger": _span("shelled")},
        ],
    }
    assert matched_pairs(GOLD, predicted, typed=True) == {1: 0}
