"""Scoring whole gold sets: pairing records by id, and running a predictor on a gold file.

Consumes gold records and predicted records in the shared FORMAT.md shape (plain dicts, as
read from JSONL) and produces a ``Report``. Only what the gold annotates is scored: a field
absent from a gold record is not annotated there; present but empty means "nothing expected",
so every prediction on that record is a false positive.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eventscope.errors import InputError
from eventscope.evaluation.classification import score_types
from eventscope.evaluation.events import score_doc_acled, score_doc_quad, score_events
from eventscope.evaluation.places import score_places
from eventscope.evaluation.quotes import score_quotes
from eventscope.evaluation.scores import Mode, Report
from eventscope.evaluation.spans import as_list, mappings

Predictor = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]

# What a predictor may see of a gold record: the input, never the answers.
EXTRACT_INPUT_FIELDS = ("id", "text", "published", "title")
SPAN_FIELDS = ("text", "start", "end")


def load_jsonl(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL file (blank lines skipped); raises ``InputError`` on a bad line."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from exc
    records: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}", f"not JSON: {exc.msg}") from exc
        if not isinstance(record, dict):
            raise InputError(f"{path}:{number}", "not a JSON object")
        records.append(record)
    return records


def _pair(
    gold: Sequence[Mapping[str, Any]], predicted: Sequence[Mapping[str, Any]]
) -> tuple[list[tuple[Mapping[str, Any], Mapping[str, Any]]], int]:
    # Ids compared as strings: a predictor may echo 7 for "7". Gold files do repeat an id now
    # and then, so the n-th gold record of an id pairs with the n-th predicted one.
    by_id: dict[str, list[Mapping[str, Any]]] = {}
    for record in predicted:
        by_id.setdefault(str(record.get("id")), []).append(record)
    seen: Counter[str] = Counter()
    pairs: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    missing = 0
    for record in gold:
        key = str(record.get("id"))
        candidates = by_id.get(key, [])
        if seen[key] < len(candidates):
            pairs.append((record, candidates[seen[key]]))
        else:
            pairs.append((record, {}))
            missing += 1
        seen[key] += 1
    return pairs, missing


def score_records(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Mapping[str, Any]],
    *,
    name: str = "",
) -> Report:
    """Score extraction output (events, places, quotes, document quad) against gold records.

    Records pair by ``id``; a gold record without a prediction counts as predicting nothing.
    Predicted records whose id is not in the gold are ignored.
    """
    pairs, missing = _pair(gold, predicted)
    return Report(
        name=name,
        mode="extract",
        gold_records=len(gold),
        predicted_records=len(predicted),
        missing=missing,
        events=score_events(pairs),
        doc_quad=score_doc_quad(pairs),
        doc_acled=score_doc_acled(pairs),
        places=score_places(pairs),
        quotes=score_quotes(pairs),
    )


def score_classification(
    gold: Sequence[Mapping[str, Any]],
    predicted: Sequence[Mapping[str, Any]],
    *,
    name: str = "",
) -> Report:
    """Score ``eventscope classify`` output: each gold event's type (and quad), by position."""
    pairs, missing = _pair(gold, predicted)
    return Report(
        name=name,
        mode="classify",
        gold_records=len(gold),
        predicted_records=len(predicted),
        missing=missing,
        classification=score_types(pairs),
    )


def extract_input(record: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a gold record an extractor may see: id, text, published, title."""
    return {key: record[key] for key in EXTRACT_INPUT_FIELDS if key in record}


def classify_input(record: Mapping[str, Any]) -> dict[str, Any]:
    """The part of a gold record a classifier may see: id, text, and each event's actor spans."""
    events = []
    for event in mappings(as_list(record.get("events"))):
        events.append(
            {
                role: [
                    {key: actor[key] for key in SPAN_FIELDS if key in actor}
                    for actor in mappings(as_list(event.get(role)))
                ]
                for role in ("source", "target")
            }
        )
    return {"id": record.get("id"), "text": record.get("text"), "events": events}


def evaluate_file(
    path: Path,
    predict: Predictor,
    *,
    limit: int | None = None,
    mode: Mode = "extract",
) -> Report:
    """Run ``predict`` on a gold file's inputs (answers stripped) and score what it returns.

    Consumes a FORMAT.md JSONL file and a predictor (records in, records out, as
    ``eventscope.api.predict_records`` / ``classify_records``); produces a ``Report`` named
    after the file. ``limit`` scores only the first N records. In classify mode only records
    with gold events are sent.
    """
    if mode not in ("extract", "classify"):
        raise ValueError(f"mode must be 'extract' or 'classify', not {mode!r}")
    gold = load_jsonl(path)
    if mode == "classify":
        gold = [r for r in gold if mappings(as_list(r.get("events")))]
    if limit is not None:
        gold = gold[: max(0, limit)]
    prepare = classify_input if mode == "classify" else extract_input
    inputs = [prepare(record) for record in gold]
    predicted = predict(inputs) if inputs else []
    if not isinstance(predicted, list):
        raise TypeError(f"the predictor returned {type(predicted).__name__}, not a list")
    records = mappings(predicted)
    score = score_classification if mode == "classify" else score_records
    return score(gold, records, name=Path(path).name)
