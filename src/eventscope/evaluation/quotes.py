"""Scoring predicted attributions: content span overlap, then who is credited with it.

Content spans are matched one-to-one by overlap, the largest first. ``direct`` scores match
only direct quotes on both sides. The speaker of a matched content is right when the
predicted speaker span overlaps the gold one; gold quotes without a speaker are not judged.
The speaker is read from ``source`` or ``speaker`` on either side (FORMAT.md allows both;
eventscope's ``Quote`` says ``speaker``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eventscope.evaluation.scores import PRF, Accuracy, QuoteScores
from eventscope.evaluation.spans import as_list, locate, mappings, match_spans, overlap

Pair = tuple[Mapping[str, Any], Mapping[str, Any]]


def _speaker(quote: Mapping[str, Any]) -> Any:
    return quote.get("source") or quote.get("speaker")


def _is_direct(quote: Mapping[str, Any]) -> bool:
    return quote.get("direct") is True


def score_quotes(pairs: Sequence[Pair]) -> QuoteScores | None:
    """Quote scores over (gold, predicted) record pairs; ``None`` when no gold annotates quotes."""
    annotated = [(gold, pred) for gold, pred in pairs if "quotes" in gold]
    if not annotated:
        return None
    content = PRF()
    direct = PRF()
    speaker = Accuracy()
    for gold_record, pred_record in annotated:
        text = str(gold_record.get("text") or "")
        gold_located = [
            (q, locate(q.get("content"), text)) for q in mappings(as_list(gold_record["quotes"]))
        ]
        # A gold content that cannot be placed (broken offsets) is not scored.
        gold = [q for q, where in gold_located if where]
        gold_spans = [where for _, where in gold_located if where]
        pred = mappings(as_list(pred_record.get("quotes")))
        pred_spans = [locate(q.get("content"), text) for q in pred]
        matched = match_spans(gold_spans, pred_spans)
        content += PRF(len(matched), len(pred), len(gold))
        for gi, pi in matched:
            gold_speaker = locate(_speaker(gold[gi]), text)
            if gold_speaker:
                pred_speaker = locate(_speaker(pred[pi]), text)
                speaker += Accuracy(int(overlap(gold_speaker, pred_speaker) > 0), 1)
        gold_direct = [i for i, q in enumerate(gold) if _is_direct(q)]
        pred_direct = [i for i, q in enumerate(pred) if _is_direct(q)]
        matched_direct = match_spans(
            [gold_spans[i] for i in gold_direct], [pred_spans[i] for i in pred_direct]
        )
        direct += PRF(len(matched_direct), len(pred_direct), len(gold_direct))
    return QuoteScores(records=len(annotated), content=content, direct=direct, speaker=speaker)
