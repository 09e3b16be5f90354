"""Document-level labels: the quad class and ACLED label of an article as a whole.

A document's quad follows the CAMEO quad classes of the Phoenix data set (Open Event Data
Alliance), which CAMEO-coded collections label documents with: NEUTRAL for public statements
and appeals (CAMEO 01-02), verbal cooperation 03-05, material cooperation 06-08, verbal conflict
09-13 and 16 (reduce relations), material conflict 14-15 and 17-20. It is read from the CAMEO
code of the document's main event, the first one reported (a sentence that condemns an attack
is a condemnation). Each event's own ``quad`` stays PLOVER's (SANCTION is material conflict
there, CONCEDE verbal cooperation). A document with no event is NEUTRAL.

A document's ACLED label is the most frequent among its events' labels, ties going to the
graver category; a document with none has no ACLED label.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from eventscope.records import Event

NEUTRAL = "NEUTRAL"
_PHOENIX_QUADS: dict[int, str] = {
    **dict.fromkeys((1, 2), NEUTRAL),
    **dict.fromkeys((3, 4, 5), "VERBAL_COOPERATION"),
    **dict.fromkeys((6, 7, 8), "MATERIAL_COOPERATION"),
    **dict.fromkeys((9, 10, 11, 12, 13, 16), "VERBAL_CONFLICT"),
    **dict.fromkeys((14, 15, 17, 18, 19, 20), "MATERIAL_CONFLICT"),
}
# Graver first: breaks ties between equally frequent ACLED labels of one document.
ACLED_PRECEDENCE = (
    "CHEMICAL_WEAPON", "SUICIDE_BOMB", "AIR_STRIKE", "SHELLING_ARTILLERY_MISSILE_ATTACK",
    "REMOTE_EXPLOSIVE_LANDMINE_IED", "ARMED_CLASH", "SEXUAL_VIOLENCE",
    "ABDUCTION_FORCED_DISAPPEARANCE", "ATTACK", "VIOLENT_DEMONSTRATION",
    "PROTEST_WITH_INTERVENTION", "PEACEFUL_PROTEST", "LOOTING_PROPERTY_DESTRUCTION", "ARRESTS",
    "AGREEMENT",
)  # fmt: skip


def cameo_quad(cameo: str | None) -> str | None:
    """The Phoenix quad class of a CAMEO code ("1832" -> MATERIAL_CONFLICT)."""
    if not cameo or len(cameo) < 2 or not cameo[:2].isdigit():
        return None
    return _PHOENIX_QUADS.get(int(cameo[:2]))


def main_event(events: Sequence[Event]) -> Event | None:
    """The event a document reports first (earliest trigger), or None."""
    return min(events, key=lambda e: (e.sentence, e.trigger.start), default=None)


def most_frequent_acled(labels: Sequence[str | None]) -> str | None:
    found = Counter(label for label in labels if label)
    if not found:
        return None

    def rank(label: str) -> tuple[int, int]:
        grave = ACLED_PRECEDENCE.index(label) if label in ACLED_PRECEDENCE else len(found) + 99
        return -found[label], grave

    return min(found, key=rank)


def document_labels(events: Sequence[Event]) -> dict[str, str | None]:
    """``{"quad": ..., "acled": ...}`` for a document with these events."""
    main = main_event(events)
    quad = (cameo_quad(main.cameo) if main else None) or (main.quad if main else None)
    return {"quad": quad or NEUTRAL, "acled": most_frequent_acled([e.acled for e in events])}
