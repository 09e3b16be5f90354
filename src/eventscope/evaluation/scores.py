"""The typed results of scoring: counts are kept, shares are derived, so reports can be summed.

Every share is ``None`` when its denominator is zero (nothing to measure), never 0.0: a file
that annotates no quotes must not read as a quote score of zero.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

Mode = Literal["extract", "classify"]


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 from counts: ``tp`` true positives of ``n_pred`` and ``n_gold``."""

    tp: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float | None:
        return _share(self.tp, self.n_pred)

    @property
    def recall(self) -> float | None:
        return _share(self.tp, self.n_gold)

    @property
    def f1(self) -> float | None:
        if not self.n_pred and not self.n_gold:
            return None
        # Both empty sides were handled above; one empty side scores 0, not "undefined".
        total = self.n_pred + self.n_gold
        return 2 * self.tp / total

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.n_pred + other.n_pred, self.n_gold + other.n_gold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
            "precision": _rounded(self.precision),
            "recall": _rounded(self.recall),
            "f1": _rounded(self.f1),
        }


@dataclass(frozen=True, slots=True)
class Accuracy:
    """``correct`` of ``total`` judged items."""

    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return _share(self.correct, self.total)

    def __add__(self, other: Accuracy) -> Accuracy:
        return Accuracy(self.correct + other.correct, self.total + other.total)

    def to_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "total": self.total, "value": _rounded(self.value)}


Confusions = tuple[tuple[str, str, int], ...]  # (gold label, predicted label, count), most first


def top_confusions(counts: Counter[tuple[str, str]], n: int = 10) -> Confusions:
    """The ``n`` most frequent (gold, predicted) label confusions, ties by name."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return tuple((gold, pred, count) for (gold, pred), count in ranked[:n])


@dataclass(frozen=True, slots=True)
class EventScores:
    """Events of the records whose gold annotates ``events``."""

    records: int
    typed: PRF  # a match whose type agrees
    untyped: PRF  # any match
    type_accuracy: Accuracy  # of matched events
    source: PRF  # actor spans, over matched events
    target: PRF
    country: Accuracy  # of gold actors with a country that a predicted actor overlaps
    sector: Accuracy
    quad: Accuracy  # of matched events whose gold has a quad
    factuality: Accuracy  # of matched events whose gold has a factuality
    must_not_entries: int
    must_not_violations: int  # predicted events that do what a gold must_not forbids
    confusions: Confusions  # type confusions among matched events
    source_country: Accuracy = Accuracy()  # ``country`` and ``sector`` split by role
    target_country: Accuracy = Accuracy()
    source_sector: Accuracy = Accuracy()
    target_sector: Accuracy = Accuracy()
    trigger_typed: PRF = PRF()  # typed, matching on trigger overlap alone (no sentence rule)
    location: Accuracy = Accuracy()  # of matched events whose gold has a location
    date: Accuracy = Accuracy()  # of matched events whose gold has a date, at its precision
    # Of matched events whose gold codes places and dates but gives none for this event: the
    # share given one anyway (lower is better: the text does not say).
    location_extra: Accuracy = Accuracy()
    date_extra: Accuracy = Accuracy()

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "typed": self.typed.to_dict(),
            "untyped": self.untyped.to_dict(),
            "trigger_typed": self.trigger_typed.to_dict(),
            "type_accuracy": self.type_accuracy.to_dict(),
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "country": self.country.to_dict(),
            "sector": self.sector.to_dict(),
            "source_country": self.source_country.to_dict(),
            "target_country": self.target_country.to_dict(),
            "source_sector": self.source_sector.to_dict(),
            "target_sector": self.target_sector.to_dict(),
            "quad": self.quad.to_dict(),
            "factuality": self.factuality.to_dict(),
            "location": self.location.to_dict(),
            "date": self.date.to_dict(),
            "location_extra": self.location_extra.to_dict(),
            "date_extra": self.date_extra.to_dict(),
            "must_not_entries": self.must_not_entries,
            "must_not_violations": self.must_not_violations,
            "confusions": [list(c) for c in self.confusions],
        }


@dataclass(frozen=True, slots=True)
class LabelScores:
    """A single label per item (document quad, classified event type) and its confusions."""

    accuracy: Accuracy
    confusions: Confusions
    # Document ACLED labels: accuracy on the items whose gold is an ACLED sub-event type (the
    # others are right when no ACLED label is given), and per gold label: (label, right, gold
    # items, items predicted with that label).
    subset: Accuracy | None = None
    per_label: tuple[tuple[str, int, int, int], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "accuracy": self.accuracy.to_dict(),
            "confusions": [list(c) for c in self.confusions],
        }
        if self.subset is not None:
            out["subset_accuracy"] = self.subset.to_dict()
        if self.per_label:
            out["per_label"] = [
                {"label": label, "right": r, "gold": g, "predicted": p}
                for label, r, g, p in self.per_label
            ]
        return out


@dataclass(frozen=True, slots=True)
class ClassificationScores:
    """Event types predicted for gold source/target pairs (``eventscope classify``)."""

    type: LabelScores
    quad: Accuracy  # where gold has a quad and the prediction gives one or not
    per_type: tuple[tuple[str, Accuracy], ...]  # recall per gold type, most frequent first

    def to_dict(self) -> dict[str, Any]:
        return {
            "type": self.type.to_dict(),
            "quad": self.quad.to_dict(),
            "per_type": {name: acc.to_dict() for name, acc in self.per_type},
        }


@dataclass(frozen=True, slots=True)
class PlaceScores:
    """Toponyms of the records whose gold annotates ``places``."""

    records: int
    spans: PRF
    resolved: int  # matched toponyms where both sides have coordinates
    unresolved: int  # matched toponyms where gold has coordinates and the prediction has none
    within_161km: Accuracy  # of ``resolved``
    median_km: float | None
    mean_km: float | None
    geonameid: Accuracy  # of matched toponyms whose gold has a GeoNames id

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "spans": self.spans.to_dict(),
            "resolved": self.resolved,
            "unresolved": self.unresolved,
            "within_161km": self.within_161km.to_dict(),
            "median_km": _rounded(self.median_km),
            "mean_km": _rounded(self.mean_km),
            "geonameid": self.geonameid.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class QuoteScores:
    """Attributions of the records whose gold annotates ``quotes``."""

    records: int
    content: PRF  # every attribution's content span
    direct: PRF  # direct quotes only, on both sides
    speaker: Accuracy  # of matched contents whose gold names a speaker

    def to_dict(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "content": self.content.to_dict(),
            "direct": self.direct.to_dict(),
            "speaker": self.speaker.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Report:
    """Everything measured on one gold set; a part is ``None`` where the gold lacks it."""

    name: str
    mode: Mode
    gold_records: int
    predicted_records: int
    missing: int  # gold records with no predicted record of the same id
    events: EventScores | None = None
    doc_quad: LabelScores | None = None
    doc_acled: LabelScores | None = None
    places: PlaceScores | None = None
    quotes: QuoteScores | None = None
    classification: ClassificationScores | None = None

    def metrics(self) -> dict[str, float]:
        """The higher-is-better shares, flat, by stable name: what the quality gate pins."""
        pairs: list[tuple[str, float | None]] = []
        if self.events is not None:
            ev = self.events
            pairs += _prf("events", ev.typed) + _prf("events.untyped", ev.untyped)
            pairs += [
                ("events.type_accuracy", ev.type_accuracy.value),
                ("events.source.f1", ev.source.f1),
                ("events.target.f1", ev.target.f1),
                ("events.country_accuracy", ev.country.value),
                ("events.sector_accuracy", ev.sector.value),
                ("events.source.country_accuracy", ev.source_country.value),
                ("events.target.country_accuracy", ev.target_country.value),
                ("events.source.sector_accuracy", ev.source_sector.value),
                ("events.target.sector_accuracy", ev.target_sector.value),
                ("events.quad_accuracy", ev.quad.value),
                ("events.factuality_accuracy", ev.factuality.value),
                ("events.location_accuracy", ev.location.value),
                ("events.date_accuracy", ev.date.value),
            ]
        if self.doc_quad is not None:
            pairs.append(("doc_quad.accuracy", self.doc_quad.accuracy.value))
        if self.doc_acled is not None:
            pairs.append(("doc_acled.accuracy", self.doc_acled.accuracy.value))
            if self.doc_acled.subset is not None:
                pairs.append(("doc_acled.acled_accuracy", self.doc_acled.subset.value))
        if self.places is not None:
            pairs += _prf("places", self.places.spans)
            pairs += [
                ("places.within_161km", self.places.within_161km.value),
                ("places.geonameid_accuracy", self.places.geonameid.value),
            ]
        if self.quotes is not None:
            pairs += _prf("quotes.content", self.quotes.content)
            pairs += _prf("quotes.direct", self.quotes.direct)
            pairs.append(("quotes.speaker_accuracy", self.quotes.speaker.value))
        if self.classification is not None:
            pairs += [
                ("classification.accuracy", self.classification.type.accuracy.value),
                ("classification.quad_accuracy", self.classification.quad.value),
            ]
        return {name: round(value, 4) for name, value in pairs if value is not None}

    def to_dict(self) -> dict[str, Any]:
        parts = ("events", "doc_quad", "doc_acled", "places", "quotes", "classification")
        data: dict[str, Any] = {
            "name": self.name,
            "mode": self.mode,
            "gold_records": self.gold_records,
            "predicted_records": self.predicted_records,
            "missing": self.missing,
        }
        for part in parts:
            value = getattr(self, part)
            data[part] = None if value is None else value.to_dict()
        data["metrics"] = self.metrics()
        return data


def _prf(prefix: str, prf: PRF) -> list[tuple[str, float | None]]:
    return [
        (f"{prefix}.precision", prf.precision),
        (f"{prefix}.recall", prf.recall),
        (f"{prefix}.f1", prf.f1),
    ]
