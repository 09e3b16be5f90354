"""Document-level labels: the quad class and ACLED label of an article as a whole.

A document's quad follows the CAMEO quad classes of the Phoenix data set (Open Event Data
Alliance), which CAMEO-coded collections label documents with: NEUTRAL for public statements
and appeals (CAMEO 01-02), verbal cooperation 03-05, material cooperation 06-08, verbal conflict
09-13 and 16 (reduce relations), material conflict 14-15 and 17-20. It is read from the CAMEO
code of the document's main event, the first one reported (a sentence that condemns an attack
is a condemnation). Each event's own ``quad`` stays PLOVER's (SANCTION is material conflict
there, CONCEDE verbal cooperation). A document with no event is NEUTRAL.

A document's ACLED label is the most specific sub-event type of its main incident: the first
event with an ACLED label, and the labelled events of the next two sentences that say more about
such an incident (an attack whose next sentence says a grenade was thrown is a GRENADE attack; a
protest that police then shot at is EXCESSIVE_FORCE_AGAINST_PROTESTERS). A document with no
labelled event has no ACLED label.
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


_EXPLOSIONS = frozenset(
    {"AIR_STRIKE", "SHELLING_ARTILLERY_MISSILE_ATTACK", "SUICIDE_BOMB",
     "REMOTE_EXPLOSIVE_LANDMINE_IED", "GRENADE", "CHEMICAL_WEAPON"}
)  # fmt: skip
# The more specific labels a general one gives way to within one incident.
MORE_SPECIFIC: dict[str, frozenset[str]] = {
    "ARMED_CLASH": _EXPLOSIONS
    | {"GOVERNMENT_REGAINS_TERRITORY", "NON_STATE_ACTOR_OVERTAKES_TERRITORY"},
    "ATTACK": _EXPLOSIONS | {"SEXUAL_VIOLENCE", "ABDUCTION_FORCED_DISAPPEARANCE"},
    "PEACEFUL_PROTEST": frozenset(
        {"PROTEST_WITH_INTERVENTION", "EXCESSIVE_FORCE_AGAINST_PROTESTERS",
         "VIOLENT_DEMONSTRATION"}
    ),
    "PROTEST_WITH_INTERVENTION": frozenset({"EXCESSIVE_FORCE_AGAINST_PROTESTERS"}),
    "LOOTING_PROPERTY_DESTRUCTION": frozenset({"VIOLENT_DEMONSTRATION", "MOB_VIOLENCE"}),
}  # fmt: skip
# A protest whose incident goes on with people attacked ("Police broke up the march. Two
# protesters were shot dead.") is force against the protesters.
_PROTESTS = ("PEACEFUL_PROTEST", "PROTEST_WITH_INTERVENTION")
_FORCE = "EXCESSIVE_FORCE_AGAINST_PROTESTERS"


def _more_specific(label: str, other: str) -> str | None:
    if other in MORE_SPECIFIC.get(label, ()):
        return other
    if label in _PROTESTS and other == "ATTACK":
        return _FORCE
    return None


def same_incident(label: str, other: str) -> bool:
    """Whether a sentence labelled ``other`` can go on about an incident labelled ``label``."""
    return _more_specific(label, other) is not None or _more_specific(other, label) is not None


INCIDENT_SENTENCES = 3  # the main incident's sentence and the next two


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


def main_incident_acled(events: Sequence[Event]) -> str | None:
    """The most specific ACLED label of the document's main incident (module docstring)."""
    labelled = sorted((e for e in events if e.acled), key=lambda e: (e.sentence, e.trigger.start))
    if not labelled:
        return None
    first = labelled[0]
    label: str = first.acled  # type: ignore[assignment]
    window = [e.acled for e in labelled if e.sentence < first.sentence + INCIDENT_SENTENCES]
    changed = True
    while changed:
        changed = False
        for other in window:
            better = _more_specific(label, other)  # type: ignore[arg-type]
            if better is not None:
                label, changed = better, True
                break
    return label


def document_labels(events: Sequence[Event]) -> dict[str, str | None]:
    """``{"quad": ..., "acled": ...}`` for a document with these events."""
    main = main_event(events)
    quad = (cameo_quad(main.cameo) if main else None) or (main.quad if main else None)
    return {"quad": quad or NEUTRAL, "acled": main_incident_acled(events)}
