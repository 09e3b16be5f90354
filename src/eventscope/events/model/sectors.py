"""The PLOVER sector of an event's actor (GOV, MIL, LEG, JUD, COP, REB, CRM, CVL ...), learned.

The actor tables give a sector where they know the name or a sector noun ("Sen." is LEG,
"troops" MIL); many mentions get none ("China" as an actor is its government, "the gunman" a
criminal, "he" whoever he stands for), and some conventions of the annotation guide differ from
the tables' ("Trump campaign officials" are PTY, a former official is no longer GOV). This model
reads what the tables said as features, with the mention's words, its rule, the event's type and
the actor's role, and picks the sector (or none).

Consumes an ``Actor`` and the event it fills a role of; produces the actor with its sector and
"+model:sector" in its rule when the sector changed.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from eventscope.events.model.linear import LinearModel
from eventscope.records import Actor

NONE = "NONE"
PRONOUNS = frozenset("i me my we us our you your he him his she her it its they them their".split())


def sector_features(actor: Actor, typ: str, role: str, antecedent_sector: str | None) -> list[str]:
    words = [w.strip(".,'\"’“”()") for w in actor.span.text.lower().split()]
    words = [w for w in words if w]
    head = words[-1] if words else ""
    country = actor.country if actor.country in ("IGO", "NGO", "IMG") else bool(actor.country)
    out = [
        f"stage={actor.sector}",
        f"kind={actor.kind}",
        f"head={head}",
        f"country={country}",
        f"role|type={role}|{typ}",
        f"stage|type={actor.sector}|{typ}",
        f"head|role={head}|{role}",
    ]
    out += [f"w={w}" for w in words[:8]]
    for part in actor.rule.split("+"):
        name, _, value = part.partition(":")
        out.append(f"rule={name}")
        if name in ("title", "noun", "org", "person", "table", "seat", "state", "appos", "model"):
            out.append(f"rule={name}:{value.split('->')[0].lower()[:40]}")
    if head in PRONOUNS:
        out.append(f"pronoun|ante={antecedent_sector}")
    return out


def resolve_sector(
    actor: Actor,
    typ: str,
    role: str,
    model: LinearModel,
    antecedent_sector: str | None = None,
) -> Actor:
    row = model.probabilities([sector_features(actor, typ, role, antecedent_sector)])[0]
    choice = model.classes[int(np.argmax(row))]
    sector = None if choice == NONE else choice
    if sector == actor.sector:
        return actor
    return dataclasses.replace(actor, sector=sector, rule=f"{actor.rule}+model:sector")


def antecedent_of(actor: Actor, sectors_by_name: dict[str, str]) -> str | None:
    """The sector of the named actor a pronoun stands for ("coref:he->Name"), if known."""
    if "->" not in actor.rule:
        return None
    return sectors_by_name.get(actor.rule.split("->", 1)[1].split("+")[0])
