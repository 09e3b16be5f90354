"""Scoring ``eventscope classify``: the type of each gold event, given its source and target.

The classifier keeps the gold events in their order and adds ``type`` (and ``quad``), so gold
and predicted events are paired by position within a record. A gold event with no predicted
counterpart (the prediction dropped it) counts as wrong. A gold "A|B" type accepts either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from eventscope.evaluation.scores import Accuracy, ClassificationScores, LabelScores, top_confusions
from eventscope.evaluation.spans import as_list, label_agrees, mappings

Pair = tuple[Mapping[str, Any], Mapping[str, Any]]
MISSING = "(none)"


def score_types(pairs: Sequence[Pair]) -> ClassificationScores | None:
    """Type accuracy per gold event; ``None`` when no gold event has a type."""
    accuracy = Accuracy()
    quad = Accuracy()
    per_type: dict[str, Accuracy] = {}
    confusions: Counter[tuple[str, str]] = Counter()
    for gold_record, pred_record in pairs:
        gold_events = mappings(as_list(gold_record.get("events")))
        pred_events = mappings(as_list(pred_record.get("events")))
        for index, gold in enumerate(gold_events):
            gold_type = gold.get("type")
            if not isinstance(gold_type, str) or not gold_type:
                continue
            pred = pred_events[index] if index < len(pred_events) else {}
            pred_type = pred.get("type")
            ok = label_agrees(gold_type, pred_type)
            accuracy += Accuracy(int(ok), 1)
            per_type[gold_type] = per_type.get(gold_type, Accuracy()) + Accuracy(int(ok), 1)
            if not ok:
                confusions[(gold_type, str(pred_type) if pred_type else MISSING)] += 1
            gold_quad = gold.get("quad")
            if isinstance(gold_quad, str) and gold_quad:
                quad += Accuracy(int(label_agrees(gold_quad, pred.get("quad"))), 1)
    if not accuracy.total:
        return None
    ranked = sorted(per_type.items(), key=lambda item: (-item[1].total, item[0]))
    return ClassificationScores(
        type=LabelScores(accuracy=accuracy, confusions=top_confusions(confusions)),
        quad=quad,
        per_type=tuple(ranked),
    )
