"""ACLED-style labels for coded events, since many analysts think in ACLED's categories.

An event's label is derived, not coded anew: the first rule of ``data/events/acled.tsv`` that
fits its PLOVER type, mode and the sectors of its source and target (armed or civilian) gives
an ACLED sub-event code ("AIR_STRIKE", "ARMED_CLASH", "PEACEFUL_PROTEST" ...), whose event type
and sub-event type names ``acled_names`` returns. Negated, hypothetical and planned events get
no label: ACLED records what happened. Types with no ACLED counterpart (a statement, a visit)
get none either.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from eventscope.records import Actor, Event

ARMED_SECTORS = frozenset({"MIL", "REB", "PRM", "UAF", "SPY", "COP"})
ARMED_COUNTRIES = frozenset({"IMG"})  # PLOVER's transnational militarized groups
LABELLED_FACTUALITY = frozenset({"asserted", "reported"})
# Words in the attacker's phrase or the trigger that say how an ASSAULT was carried out when
# the lexicon's mode does not ("warplanes bombed", "a suicide bomber blew himself up").
MEANS_WORDS: tuple[tuple[str, frozenset[str]], ...] = (
    ("suicide-attack", frozenset({"suicide"})),
    ("drone", frozenset({"drone", "drones", "uav", "uavs"})),
    ("aerial", frozenset(
        {"warplane", "warplanes", "jet", "jets", "aircraft", "helicopter", "helicopters",
         "gunship", "gunships", "airstrike", "airstrikes", "air", "planes", "bombers"}
    )),
    ("heavy-weapons", frozenset(
        {"artillery", "mortar", "mortars", "rocket", "rockets", "missile", "missiles", "tank",
         "tanks", "shell", "shells", "shelling"}
    )),
)  # fmt: skip
# Modes that say less than the means words do.
VAGUE_MODES = frozenset({"", "explosives", "destroy", "firearms"})
NO_LABEL = "-"


@dataclass(frozen=True, slots=True)
class AcledRule:
    type: str
    mode: str
    source: str
    target: str
    code: str
    event_type: str
    sub_event_type: str

    def fits(self, event: Event, mode: str) -> bool:
        return (
            self.type == event.type
            and self.mode in ("*", mode)
            and _side_fits(self.source, event.source)
            and _side_fits(self.target, event.target)
        )


def _is_armed(actor: Actor) -> bool:
    return actor.sector in ARMED_SECTORS or actor.country in ARMED_COUNTRIES


def _side_fits(wanted: str, actors: Sequence[Actor]) -> bool:
    if wanted == "*":
        return True
    if wanted == "none":
        return not actors
    if wanted == "armed":
        return any(_is_armed(a) for a in actors)
    if wanted == "civilian":
        return bool(actors) and all(a.sector and not _is_armed(a) for a in actors)
    raise ValueError(f"acled.tsv: unknown actor class {wanted!r}")


@functools.lru_cache(maxsize=1)
def load_rules() -> tuple[AcledRule, ...]:
    """The shipped rules, in order."""
    text = resources.files("eventscope.data").joinpath("events", "acled.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    rows = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple(AcledRule(**{k: v.strip() for k, v in row.items()}) for row in rows)


def acled_label(event: Event) -> str | None:
    """The ACLED sub-event code of ``event``, or None where ACLED defines none."""
    if event.factuality not in LABELLED_FACTUALITY:
        return None
    mode = _means(event)
    for rule in load_rules():
        if rule.fits(event, mode):
            return None if rule.code == NO_LABEL else rule.code
    return None


def _means(event: Event) -> str:
    """The event's mode, made precise by the attacker's words where the mode is vague."""
    mode = event.mode or ""
    if event.type != "ASSAULT" or mode not in VAGUE_MODES:
        return mode
    words = {
        w.strip(".,;:'\"").lower()
        for text in [event.trigger.text, *(a.span.text for a in event.source)]
        for w in text.replace("-", " ").split()
    }
    return next((means for means, cues in MEANS_WORDS if words & cues), mode)


def acled_names(code: str) -> tuple[str, str] | None:
    """ACLED's event type and sub-event type for a code ("Battles", "Armed clash")."""
    for rule in load_rules():
        if rule.code == code:
            return rule.event_type, rule.sub_event_type
    return None


def with_acled(events: Sequence[Event]) -> tuple[Event, ...]:
    """The events, each with its ACLED label set."""
    return tuple(dataclasses.replace(e, acled=acled_label(e)) for e in events)
