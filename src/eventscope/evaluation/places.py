"""Scoring predicted toponyms: span overlap, then distance of the resolved coordinates.

Gold places may carry a ``kind`` (GeoWebNews' annotation scheme). Kinds in
``NOT_TOPONYM_KINDS`` mark things that are not place references to resolve (common nouns
around a toponym, organisation names, demonyms, languages, homonyms), so they are left out
of the gold; a prediction on them counts as a false positive, which it is. Places without a
``kind`` are all toponyms.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import Any

from eventscope.evaluation.scores import PRF, Accuracy, PlaceScores
from eventscope.evaluation.spans import as_list, locate, mappings, match_spans

Pair = tuple[Mapping[str, Any], Mapping[str, Any]]

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
# The geoparsing literature's "accuracy@161km" (100 miles) threshold.
WITHIN_KM = 161.0
NOT_TOPONYM_KINDS = frozenset(
    {
        "Non_Toponym",
        "Literal_Expression",
        "Non_Lit_Expression",
        "Demonym",
        "Language",
        "Homonym",
    }
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def is_toponym(place: Mapping[str, Any]) -> bool:
    return place.get("kind") not in NOT_TOPONYM_KINDS


def _coordinates(place: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = place.get("lat"), place.get("lon")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lat), float(lon)
    return None


def _geonameid(place: Mapping[str, Any]) -> int | None:
    value = place.get("geonameid")
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def score_places(pairs: Sequence[Pair]) -> PlaceScores | None:
    """Place scores over (gold, predicted) record pairs; ``None`` when no gold annotates places."""
    annotated = [(gold, pred) for gold, pred in pairs if "places" in gold]
    if not annotated:
        return None
    spans = PRF()
    geonameid = Accuracy()
    distances: list[float] = []
    unresolved = 0
    for gold_record, pred_record in annotated:
        text = str(gold_record.get("text") or "")
        gold_located = [
            (p, locate(p, text)) for p in mappings(as_list(gold_record["places"])) if is_toponym(p)
        ]
        gold = [p for p, where in gold_located if where]  # unplaceable gold: broken, not scored
        pred = mappings(as_list(pred_record.get("places")))
        pairs_found = match_spans(
            [where for _, where in gold_located if where], [locate(p, text) for p in pred]
        )
        spans += PRF(len(pairs_found), len(pred), len(gold))
        for gi, pi in pairs_found:
            gold_point, pred_point = _coordinates(gold[gi]), _coordinates(pred[pi])
            if gold_point is not None and pred_point is not None:
                distances.append(haversine_km(*gold_point, *pred_point))
            elif gold_point is not None:
                unresolved += 1
            gold_id = _geonameid(gold[gi])
            if gold_id is not None:
                geonameid += Accuracy(int(_geonameid(pred[pi]) == gold_id), 1)
    within = sum(1 for d in distances if d <= WITHIN_KM)
    return PlaceScores(
        records=len(annotated),
        spans=spans,
        resolved=len(distances),
        unresolved=unresolved,
        within_161km=Accuracy(within, len(distances)),
        median_km=statistics.median(distances) if distances else None,
        mean_km=statistics.fmean(distances) if distances else None,
        geonameid=geonameid,
    )
