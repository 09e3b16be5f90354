"""Scoring predicted events against gold events, and document-level quad labels.

Matching (FORMAT.md, made precise):

* A gold event with a trigger that can be located (see ``spans.locate``) matches a predicted
  event whose trigger overlaps it; where the gold also gives its evidence ``sentence``, also a
  predicted event of an agreeing type whose trigger lies inside that sentence (FORMAT.md), after
  every overlapping candidate. ``trigger_typed`` keeps the stricter figure, by trigger overlap
  alone.
* A gold event without a trigger, or whose trigger words are nowhere in the text, matches a
  predicted event when, for each role (source, target) where the gold lists actors, some
  predicted actor of that role overlaps some gold actor. A role the gold leaves empty is not
  checked; a gold event with no actor spans at all cannot be matched.
* Matching is one-to-one and greedy: pairs whose type agrees first, then the larger overlap.
  Typed scores count matched pairs whose type agrees; untyped scores count every matched pair.

Actors of a matched pair are matched one-to-one by overlap within each role. Country and sector
are compared on those actor pairs where the gold gives them (see ``_country_agrees`` and
``_sector_code``); a gold actor no predicted actor overlaps is missed in the span F1, not
counted again as a wrong country.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from eventscope.evaluation.places import WITHIN_KM, haversine_km
from eventscope.evaluation.scores import (
    PRF,
    Accuracy,
    EventScores,
    LabelScores,
    top_confusions,
)
from eventscope.evaluation.spans import (
    Located,
    as_list,
    greedy_match,
    label_agrees,
    label_options,
    locate,
    mappings,
    match_spans,
    overlap,
    similarity,
)
from eventscope.events.acled import ACLED_TYPES
from eventscope.events.labels import most_frequent_acled

Pair = tuple[Mapping[str, Any], Mapping[str, Any]]  # (gold record, predicted record)
ROLES = ("source", "target")

# Legacy CAMEO codes seen in older gold data for what ISO 3166 spells otherwise.
_COUNTRY_ALIASES = {"JAP": "JPN", "VTN": "VNM", "ITL": "ITA"}
# Gold codes that name no single country: "---" (none or several) and CAMEO's transnational
# non-state codes. eventscope leaves such actors without a country, so no country, an explicit
# "---" or the same code all count as right.
_NO_COUNTRY = frozenset({"", "---", "NGO", "IMG", "ISM", "MNC"})
# Sector codes are compared on their first three letters: older gold appends ethnic or
# religious qualifiers ("CVLalb", "REBMOS"); "CIV" is a frequent misspelling of "CVL".
_SECTOR_ALIASES = {"CIV": "CVL"}
_UNKNOWN_SECTOR = "***"
# Most conflictual first; used to derive a document quad from predicted events.
_CONFLICT_QUADS = ("MATERIAL_CONFLICT", "VERBAL_CONFLICT")
NEUTRAL = "NEUTRAL"


class _EventView:
    """A gold or predicted event with its spans located once."""

    __slots__ = ("data", "trigger", "sentence", "roles")

    def __init__(self, data: Mapping[str, Any], text: str, *, gold: bool) -> None:
        self.data = data
        trigger = data.get("trigger")
        self.trigger: Located = locate(trigger, text) if trigger else ()
        sentence = data.get("sentence") if gold else None
        self.sentence: Located = locate(sentence, text) if isinstance(sentence, Mapping) else ()
        self.roles: dict[str, list[tuple[Mapping[str, Any], Located]]] = {}
        for role in ROLES:
            actors = [(a, locate(a, text)) for a in mappings(as_list(data.get(role)))]
            # A gold actor that cannot be placed in the text is a broken annotation: not scored.
            self.roles[role] = [(a, where) for a, where in actors if where or not gold]

    def type_agrees(self, predicted: _EventView) -> bool:
        if "type" not in self.data:  # type not annotated: not scored
            return True
        return label_agrees(self.data.get("type"), predicted.data.get("type"))


# The closeness of a match by sentence alone: below any overlap, so overlaps pair first.
_SENTENCE_MATCH = 1e-6


def _match_score(
    gold: _EventView, pred: _EventView, *, by_sentence: bool = True
) -> tuple[float, ...] | None:
    agrees = gold.type_agrees(pred)
    if gold.trigger:
        closeness = similarity(gold.trigger, pred.trigger)
        if closeness <= 0 and by_sentence and agrees and _inside(pred.trigger, gold.sentence):
            closeness = _SENTENCE_MATCH
    else:
        closeness = _role_similarity(gold, pred)
    if closeness <= 0:
        return None
    return (1.0 if agrees else 0.0, closeness)


def _inside(trigger: Located, sentence: Located) -> bool:
    return bool(trigger) and any(
        all(s <= start and end <= e for start, end in trigger) for s, e in sentence
    )


def _role_similarity(gold: _EventView, pred: _EventView) -> float:
    # Every role the gold fills must be hit; the sum ranks candidates that all hit.
    total = 0.0
    checked = 0
    for role in ROLES:
        gold_spans = [located for _, located in gold.roles[role] if located]
        if not gold_spans:
            continue
        checked += 1
        best = max(
            (similarity(g, p) for g in gold_spans for _, p in pred.roles[role]),
            default=0.0,
        )
        if best <= 0:
            return 0.0
        total += best
    return total if checked else 0.0


def location_agrees(gold: Mapping[str, Any], predicted: Any) -> bool:
    """A predicted place agrees within ``WITHIN_KM`` of the gold's point; where the gold names
    only a country (its words are the country's name, or it has no words), when it is in that
    country; where the gold has words but no point, when it is in the gold's country (if it
    gives one) and has the gold's name. Reads ``text`` or ``name`` for the words, ``country``
    (ISO alpha-3) or ``country code`` (alpha-2, as plover-gsr writes it)."""
    if not isinstance(predicted, Mapping):
        return False
    country = _gold_country(gold)
    point = _point(gold)
    words = gold.get("text") or gold.get("name")
    words = words if isinstance(words, str) and words else None
    if country and (words is None or _names_country(words, country)):
        return predicted.get("country") == country
    if point is None:
        if country and predicted.get("country") != country:
            return False
        names = {str(predicted.get(k) or "").lower() for k in ("text", "name")}
        return words is not None and words.lower() in names
    other = _point(predicted)
    return other is not None and haversine_km(*point, *other) <= WITHIN_KM


def _gold_country(gold: Mapping[str, Any]) -> str | None:
    country = gold.get("country")
    if isinstance(country, str) and len(country) == 3:
        return country
    code = gold.get("country code") or (country if isinstance(country, str) else None)
    if isinstance(code, str) and len(code) == 2:
        import pycountry

        record = pycountry.countries.get(alpha_2=code.upper())
        return record.alpha_3 if record is not None else None
    return None


@functools.cache
def _names_country(words: str, country: str) -> bool:
    """Whether ``words`` name the country itself ("Egypt", "the United States")."""
    from eventscope.places.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    for name in (words, words.removeprefix("the ")):
        if any(
            c.entry.feature == "country" and c.entry.country3 == country
            for c in gazetteer.lookup(name)
        ):
            return True
    return False


def _point(place: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = place.get("lat"), place.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lat), float(lon)
    return None


def date_agrees(gold: str, predicted: Any) -> bool:
    """A predicted ISO date agrees at the gold's precision: "2018-05" takes any day of May
    2018 (or "2018-05" itself); a coarser prediction than the gold's does not agree."""
    if not isinstance(predicted, str) or len(predicted) < len(gold):
        return False
    return predicted[: len(gold)] == gold


def _country_agrees(gold: str, predicted: Any) -> bool:
    gold_code = _COUNTRY_ALIASES.get(gold.strip().upper(), gold.strip().upper())
    pred_code = str(predicted or "").strip().upper()
    pred_code = _COUNTRY_ALIASES.get(pred_code, pred_code)
    if gold_code in _NO_COUNTRY:
        return pred_code in _NO_COUNTRY or pred_code == gold_code
    return pred_code == gold_code


def _sector_code(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or value.strip() == _UNKNOWN_SECTOR:
        return None
    code = value.strip().upper()[:3]
    return _SECTOR_ALIASES.get(code, code)


class _Tally:
    """Running counts over all records of a set."""

    def __init__(self) -> None:
        self.typed = PRF()
        self.untyped = PRF()
        self.trigger_typed = PRF()
        self.roles = {role: PRF() for role in ROLES}
        self.country = {role: Accuracy() for role in ROLES}
        self.sector = {role: Accuracy() for role in ROLES}
        self.quad = Accuracy()
        self.factuality = Accuracy()
        self.location = Accuracy()
        self.date = Accuracy()
        self.location_extra = Accuracy()  # of matched events whose gold has no location
        self.date_extra = Accuracy()
        self.must_not_entries = 0
        self.must_not_violations = 0
        self.confusions: Counter[tuple[str, str]] = Counter()

    _dated_gold = False  # whether the current record's gold codes places and dates at all

    def add_matched(self, gold: _EventView, pred: _EventView) -> None:
        if not gold.type_agrees(pred):
            self.confusions[(str(gold.data.get("type")), str(pred.data.get("type")))] += 1
        for role in ROLES:
            if role in gold.data:
                self._add_role(gold.roles[role], pred.roles[role], role)
        gold_quad = gold.data.get("quad")
        if isinstance(gold_quad, str) and gold_quad:
            ok = label_agrees(gold_quad, pred.data.get("quad"))
            self.quad += Accuracy(int(ok), 1)
        gold_fact = gold.data.get("factuality")
        if isinstance(gold_fact, str) and gold_fact:
            # eventscope's Event defaults to "asserted"; a prediction without the field means that.
            ok = label_agrees(gold_fact, pred.data.get("factuality") or "asserted")
            self.factuality += Accuracy(int(ok), 1)
        gold_place, pred_place = gold.data.get("location"), pred.data.get("location")
        if isinstance(gold_place, Mapping) and gold_place:
            self.location += Accuracy(int(location_agrees(gold_place, pred_place)), 1)
        elif "location" in gold.data or self._dated_gold:
            # The gold says where events happen, and not for this one: a predicted place counts.
            self.location_extra += Accuracy(int(isinstance(pred_place, Mapping)), 1)
        gold_date = gold.data.get("date")
        if isinstance(gold_date, str) and gold_date:
            self.date += Accuracy(int(date_agrees(gold_date, pred.data.get("date"))), 1)
        elif self._dated_gold:
            self.date_extra += Accuracy(int(bool(pred.data.get("date"))), 1)

    def _add_role(
        self,
        gold: list[tuple[Mapping[str, Any], Located]],
        pred: list[tuple[Mapping[str, Any], Located]],
        role: str,
    ) -> None:
        pairs = match_spans([g for _, g in gold], [p for _, p in pred])
        self.roles[role] += PRF(len(pairs), len(pred), len(gold))
        for gi, pi in pairs:
            gold_actor, pred_actor = gold[gi][0], pred[pi][0]
            country = gold_actor.get("country")
            if isinstance(country, str):
                ok = _country_agrees(country, pred_actor.get("country"))
                self.country[role] += Accuracy(int(ok), 1)
            sector = _sector_code(gold_actor.get("sector"))
            if sector is not None:
                ok = _sector_code(pred_actor.get("sector")) == sector
                self.sector[role] += Accuracy(int(ok), 1)


def _match_events(
    gold: list[_EventView], pred: list[_EventView], *, by_sentence: bool = True
) -> list[tuple[int, int]]:
    return greedy_match(
        len(gold),
        len(pred),
        lambda gi, pi: _match_score(gold[gi], pred[pi], by_sentence=by_sentence),
    )


def _views(
    gold_record: Mapping[str, Any], pred_record: Mapping[str, Any]
) -> tuple[list[_EventView], list[_EventView]]:
    text = str(gold_record.get("text") or "")
    gold = [_EventView(e, text, gold=True) for e in mappings(as_list(gold_record.get("events")))]
    pred = [_EventView(e, text, gold=False) for e in mappings(as_list(pred_record.get("events")))]
    return gold, pred


def matched_pairs(
    gold_record: Mapping[str, Any], pred_record: Mapping[str, Any], *, typed: bool = False
) -> dict[int, int]:
    """Predicted event index -> the gold event index it matches (only type-agreeing pairs
    with ``typed``), as ``score_events`` matches them."""
    gold, pred = _views(gold_record, pred_record)
    return {
        pi: gi
        for gi, pi in _match_events(gold, pred)
        if not typed or gold[gi].type_agrees(pred[pi])
    }


def score_events(pairs: Sequence[Pair]) -> EventScores | None:
    """Event scores over (gold, predicted) record pairs; ``None`` when no gold annotates events."""
    annotated = [(gold, pred) for gold, pred in pairs if "events" in gold]
    if not annotated:
        return None
    tally = _Tally()
    for gold_record, pred_record in annotated:
        text = str(gold_record.get("text") or "")
        gold_events, pred_events = _views(gold_record, pred_record)
        matched = _match_events(gold_events, pred_events)
        tally._dated_gold = any("location" in e.data or "date" in e.data for e in gold_events)
        typed = sum(1 for gi, pi in matched if gold_events[gi].type_agrees(pred_events[pi]))
        tally.typed += PRF(typed, len(pred_events), len(gold_events))
        tally.untyped += PRF(len(matched), len(pred_events), len(gold_events))
        strict = _match_events(gold_events, pred_events, by_sentence=False)
        typed = sum(1 for gi, pi in strict if gold_events[gi].type_agrees(pred_events[pi]))
        tally.trigger_typed += PRF(typed, len(pred_events), len(gold_events))
        for gi, pi in matched:
            tally.add_matched(gold_events[gi], pred_events[pi])
        entries = mappings(as_list(gold_record.get("must_not")))
        tally.must_not_entries += len(entries)
        tally.must_not_violations += count_violations(entries, pred_events, text)
    return EventScores(
        records=len(annotated),
        typed=tally.typed,
        untyped=tally.untyped,
        trigger_typed=tally.trigger_typed,
        type_accuracy=Accuracy(tally.typed.tp, tally.untyped.tp),
        source=tally.roles["source"],
        target=tally.roles["target"],
        country=tally.country["source"] + tally.country["target"],
        sector=tally.sector["source"] + tally.sector["target"],
        source_country=tally.country["source"],
        target_country=tally.country["target"],
        source_sector=tally.sector["source"],
        target_sector=tally.sector["target"],
        quad=tally.quad,
        factuality=tally.factuality,
        location=tally.location,
        date=tally.date,
        location_extra=tally.location_extra,
        date_extra=tally.date_extra,
        must_not_entries=tally.must_not_entries,
        must_not_violations=tally.must_not_violations,
        confusions=top_confusions(tally.confusions),
    )


def count_violations(
    entries: Sequence[Mapping[str, Any]], predicted: Sequence[_EventView], text: str
) -> int:
    """Predicted events that do what a must_not entry forbids (each event counted once).

    An event falls under an entry when its trigger (or, lacking one, an actor) overlaps the
    entry's ``text`` span, and it has every field value the entry's ``forbid`` names: a string
    value accepts "A|B" alternatives, a span value (source, target) must overlap a predicted
    actor of that role. An entry without ``forbid`` forbids any event there.
    """
    count = 0
    for event in predicted:
        if any(_violates(entry, event, text) for entry in entries):
            count += 1
    return count


def _violates(entry: Mapping[str, Any], event: _EventView, text: str) -> bool:
    where = locate(entry.get("text"), text)
    if not where:
        return False
    anchors = [event.trigger] if event.trigger else [s for r in ROLES for _, s in event.roles[r]]
    if not any(overlap(where, anchor) > 0 for anchor in anchors):
        return False
    forbid = entry.get("forbid")
    if not isinstance(forbid, Mapping):
        return True
    for key, value in forbid.items():
        if key in ROLES:
            spans = [locate(v, text) for v in mappings(as_list(value))]
            hit = any(overlap(s, p) > 0 for s in spans for _, p in event.roles[key])
            if not hit:
                return False
        elif isinstance(value, str):
            if not label_agrees(value, event.data.get(key)):
                return False
        elif event.data.get(key) != value:
            return False
    return True


def document_quad(predicted: Mapping[str, Any]) -> str:
    """The document quad a prediction implies.

    ``labels.quad`` when the prediction gives one. Otherwise from its events: the most
    conflictual conflict quad if any event has one (a document reporting an attack is about
    conflict even if it also reports talks), else the first non-neutral event's quad in the
    order given (document order for eventscope), else NEUTRAL (no political event at all).
    """
    given, quads = _labels_of(predicted, "quad")
    if given:
        return given
    for quad in _CONFLICT_QUADS:
        if quad in quads:
            return quad
    return next((q for q in quads if q != NEUTRAL), NEUTRAL)


NO_ACLED = "NONE"


def document_acled(predicted: Mapping[str, Any]) -> str:
    """The document ACLED label a prediction implies: ``labels.acled`` when given, else the
    most frequent ACLED label among its events (ties to the graver), else NONE."""
    given, found = _labels_of(predicted, "acled")
    return given or most_frequent_acled(found) or NO_ACLED


def _labels_of(predicted: Mapping[str, Any], key: str) -> tuple[str | None, list[str]]:
    """The document's own ``labels[key]`` (upper case) if it gives one, and its events'."""
    labels = predicted.get("labels")
    given = labels.get(key) if isinstance(labels, Mapping) else None
    events = [
        str(e[key]).strip().upper()
        for e in mappings(as_list(predicted.get("events")))
        if isinstance(e.get(key), str) and e[key].strip()
    ]
    return (given.strip().upper() if isinstance(given, str) and given.strip() else None), events


def _score_doc_label(
    pairs: Sequence[Pair], key: str, guess_of: Callable[[Mapping[str, Any]], str]
) -> LabelScores | None:
    accuracy = Accuracy()
    confusions: Counter[tuple[str, str]] = Counter()
    for gold, pred in pairs:
        labels = gold.get("labels")
        if not isinstance(labels, Mapping) or not isinstance(labels.get(key), str):
            continue
        guess = guess_of(pred)
        ok = guess in label_options(labels[key].upper())
        accuracy += Accuracy(int(ok), 1)
        if not ok:
            confusions[(labels[key], guess)] += 1
    if not accuracy.total:
        return None
    return LabelScores(accuracy=accuracy, confusions=top_confusions(confusions))


def score_doc_quad(pairs: Sequence[Pair]) -> LabelScores | None:
    """Document quad accuracy where gold has ``labels.quad``; ``None`` when no gold does."""
    return _score_doc_label(pairs, "quad", document_quad)


def score_doc_acled(pairs: Sequence[Pair]) -> LabelScores | None:
    """Document ACLED-label accuracy where gold has ``labels.acled``; ``None`` otherwise.

    A gold class that is not an ACLED sub-event type (CASE 2021's NATURAL_DISASTER, DIPLO ...)
    is right when the prediction gives no ACLED label. ``subset`` is the accuracy on the items
    whose gold is an ACLED type, ``per_label`` the table by gold label.
    """
    accuracy, subset = Accuracy(), Accuracy()
    confusions: Counter[tuple[str, str]] = Counter()
    right: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    predicted_n: Counter[str] = Counter()
    for gold, pred in pairs:
        labels = gold.get("labels")
        if not isinstance(labels, Mapping) or not isinstance(labels.get("acled"), str):
            continue
        options = label_options(labels["acled"].upper())
        key = "|".join(sorted(options))
        acled = bool(options & set(ACLED_TYPES))
        if not acled:
            options |= {NO_ACLED}  # a class ACLED does not record: right when none is given
        guess = document_acled(pred)
        ok = guess in options
        accuracy += Accuracy(int(ok), 1)
        if acled:
            subset += Accuracy(int(ok), 1)
        if not ok:
            confusions[(labels["acled"], guess)] += 1
        gold_n[key] += 1
        predicted_n[guess] += 1
        right[key] += ok
    if not accuracy.total:
        return None
    table = tuple(
        (label, right[label], gold_n[label], predicted_n[label])
        for label in sorted(gold_n, key=lambda k: (-gold_n[k], k))
    )
    return LabelScores(accuracy, top_confusions(confusions), subset=subset, per_label=table)
