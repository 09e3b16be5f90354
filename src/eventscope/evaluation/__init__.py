"""Measuring eventscope against gold sets in the shared FORMAT.md record shape.

Pure functions over plain records (no spaCy, no I/O beyond reading JSONL):

* ``score_records(gold, predicted)``: events, document quad, places, quotes -> ``Report``
* ``score_classification(gold, predicted)``: types of given source/target pairs -> ``Report``
* ``evaluate_file(path, predict, limit=..., mode=...)``: run a predictor on a gold file, score it
* ``format_report(report)``: a readable table; ``Report.metrics()``: flat figures for the gate

How spans are matched (gold given as words only, one-to-one greedy matching) is documented in
``spans``; event matching, country and sector comparison in ``events``; which gold place kinds
count as toponyms in ``places``.
"""

from __future__ import annotations

from eventscope.evaluation.events import document_quad
from eventscope.evaluation.places import haversine_km
from eventscope.evaluation.report import format_report
from eventscope.evaluation.scores import (
    PRF,
    Accuracy,
    ClassificationScores,
    EventScores,
    LabelScores,
    PlaceScores,
    QuoteScores,
    Report,
)
from eventscope.evaluation.scoring import (
    classify_input,
    evaluate_file,
    extract_input,
    load_jsonl,
    score_classification,
    score_records,
)

__all__ = [
    "PRF",
    "Accuracy",
    "ClassificationScores",
    "EventScores",
    "LabelScores",
    "PlaceScores",
    "QuoteScores",
    "Report",
    "classify_input",
    "document_quad",
    "evaluate_file",
    "extract_input",
    "format_report",
    "haversine_km",
    "load_jsonl",
    "score_classification",
    "score_records",
]
