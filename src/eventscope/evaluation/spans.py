"""Where an annotated span lies in the text, how much two spans overlap, one-to-one matching.

Gold spans are ``{"text", "start", "end"}`` with offsets into the record's text, but some
annotators gave only the words (plover-gsr triggers such as "agreed cooperate", which are not
contiguous text). Such a span is located, in this order:

1. every exact occurrence of its text;
2. failing that, every occurrence of each of its content words (function words such as "to"
   or "the" are skipped: they occur everywhere), whole words, case-insensitive;
3. for a content word of five letters or more that still is not found, words starting with its
   stem (the word less its last three letters, at least four kept), because annotators sometimes
   wrote another inflection of the word in the text.

A span located this way may be several pieces; it overlaps another span when any piece does.
A gold span that cannot be placed at all (no words in the text, or broken offsets such as
start > end with empty text) is a broken annotation: the scorers leave it out of the gold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

Interval = tuple[int, int]
Located = tuple[Interval, ...]

_WORD = re.compile(r"\w[\w'’]*")
_FUNCTION_WORDS = frozenset(
    "a an the to of in on at for by with and or but is are was were be been being has have had "
    "that this it its as from into not no will would shall should can could may might do does "
    "did their his her they he she we our".split()
)


def span_of(annotation: Any) -> Mapping[str, Any] | None:
    """The span part of an annotation.

    Gold actors, places and quote parts are flat span dicts with extra keys; eventscope's own
    records may nest the span under ``"span"`` (``Actor.span``, ``Place.span``). Both are read.
    """
    if not isinstance(annotation, Mapping):
        return None
    inner = annotation.get("span")
    return inner if isinstance(inner, Mapping) else annotation


def locate(annotation: Any, text: str) -> Located:
    """The character intervals of an annotated span in ``text`` (empty when it cannot be placed)."""
    span = span_of(annotation)
    if span is None:
        return ()
    start, end = span.get("start"), span.get("end")
    if _is_offset(start) and _is_offset(end) and start < end:
        return ((int(start), int(end)),)
    words = str(span.get("text") or "").strip()
    if not words:
        return ()
    exact = tuple((m.start(), m.end()) for m in re.finditer(re.escape(words), text))
    if exact:
        return exact
    found: set[Interval] = set()
    for word in _WORD.findall(words):
        if word.lower() not in _FUNCTION_WORDS:
            found.update(_word_occurrences(word, text))
    return tuple(sorted(found))


def _is_offset(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _word_occurrences(word: str, text: str) -> list[Interval]:
    whole = re.compile(r"(?<!\w)" + re.escape(word) + r"(?!\w)", re.IGNORECASE)
    hits = [(m.start(), m.end()) for m in whole.finditer(text)]
    if hits or len(word) < 5:
        return hits
    stem = word[: max(4, len(word) - 3)]
    prefix = re.compile(r"(?<!\w)" + re.escape(stem) + r"\w*", re.IGNORECASE)
    return [(m.start(), m.end()) for m in prefix.finditer(text)]


def overlap(first: Located, second: Located) -> int:
    """Characters shared by the best-overlapping pieces of two located spans (0: disjoint)."""
    best = 0
    for a_start, a_end in first:
        for b_start, b_end in second:
            best = max(best, min(a_end, b_end) - max(a_start, b_start))
    return best


def similarity(first: Located, second: Located) -> float:
    """Best Jaccard ratio (shared / covered characters) of two located spans' pieces.

    Used to rank candidate pairs: where gold nests spans ("Seoul" inside "Seoul Central
    District Court"), "Seoul" must pair with "Seoul", not with the longer span it also touches.
    """
    best = 0.0
    for a_start, a_end in first:
        for b_start, b_end in second:
            shared = min(a_end, b_end) - max(a_start, b_start)
            if shared > 0:
                covered = max(a_end, b_end) - min(a_start, b_start)
                best = max(best, shared / covered)
    return best


def greedy_match(
    n_gold: int, n_pred: int, score: Callable[[int, int], tuple[float, ...] | None]
) -> list[tuple[int, int]]:
    """One-to-one pairs (gold index, predicted index), best score first.

    ``score`` returns ``None`` for a pair that cannot match, else a tuple compared
    lexicographically (higher is better). Ties go to the earlier gold, then predicted, item so
    the result does not depend on set or dict ordering.
    """
    candidates: list[tuple[tuple[float, ...], int, int]] = []
    for gi in range(n_gold):
        for pi in range(n_pred):
            value = score(gi, pi)
            if value is not None:
                candidates.append((value, gi, pi))
    candidates.sort(key=lambda c: (tuple(-x for x in c[0]), c[1], c[2]))
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, gi, pi in candidates:
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def match_spans(gold: Sequence[Located], pred: Sequence[Located]) -> list[tuple[int, int]]:
    """One-to-one pairs of overlapping spans, the most similar (``similarity``) first."""

    def score(gi: int, pi: int) -> tuple[float, ...] | None:
        ratio = similarity(gold[gi], pred[pi])
        return (ratio,) if ratio > 0 else None

    return greedy_match(len(gold), len(pred), score)


def label_options(label: Any) -> frozenset[str]:
    """The accepted values of a gold label: ``"CONCEDE|RETREAT"`` accepts either."""
    if not isinstance(label, str):
        return frozenset()
    return frozenset(part.strip().upper() for part in label.split("|") if part.strip())


def label_agrees(gold: Any, predicted: Any) -> bool:
    """Whether a predicted label is one the gold accepts.

    A hedged prediction "A|B" is right only where the gold accepts both A and B.
    """
    guesses = label_options(predicted)
    return bool(guesses) and guesses <= label_options(gold)


def as_list(value: Any) -> list[Any]:
    """A gold or predicted list field, tolerating ``None`` and a single object."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return list(value)
    return [value]


def mappings(values: Iterable[Any]) -> list[Mapping[str, Any]]:
    """Only the dict items of a list (a malformed prediction must not crash the scorer)."""
    return [v for v in values if isinstance(v, Mapping)]
