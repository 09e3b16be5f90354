"""The country of an event's actor that the actor tables could not resolve, from the article.

"Police", "the senator", "he", "Mr. Craig", "the group": the actor stage gives such mentions no
country of their own (or only a guess from an article that names one state). A reader takes
it from the article: the countries its actors and places name, where, how often, and what the
mention is ("Sen." is American, "the police" belong to where the story happens, "he" to the
person he stands for). This model does the same: every country the article names (and the
United States, and "none") is a candidate, each scored by a learned ranking over named
features (``candidate_features``); the best one wins if it beats "none".

Consumes the article's actor mentions and places (``CountryContext``); produces the actor with
its country and a rule that says so ("+model:country").
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from eventscope.events.model.linear import LinearModel
from eventscope.records import Actor, Place

NONE = "---"
USA = "USA"
# Codes that name no single country: never counted as the article's countries.
NOT_STATES = frozenset({"IGO", "NGO", "IMG", "---", ""})
MAX_CANDIDATES = 8


def _trusted(actor: Actor) -> bool:
    """A country the tables gave the mention itself (not a guess from the article)."""
    return (
        bool(actor.country) and "context:" not in actor.rule and not actor.rule.startswith("model:")
    )


def needs_country(actor: Actor) -> bool:
    return not _trusted(actor)


def _kind(actor: Actor) -> str:
    return actor.rule.split(":", 1)[0] if actor.rule else "none"


def _head_word(actor: Actor) -> str:
    words = actor.span.text.lower().replace("’", "'").split()
    return words[-1].strip(".,'\"") if words else ""


def _first_word(actor: Actor) -> str:
    words = actor.span.text.lower().split()
    if words and words[0] in ("the", "a", "an") and len(words) > 1:
        return words[1]
    return words[0] if words else ""


@dataclass
class CountryContext:
    """The countries an article names, counted over the article and by sentence."""

    article: Counter[str] = field(default_factory=Counter)
    by_sentence: dict[int, Counter[str]] = field(default_factory=dict)
    first: str | None = None
    by_name: dict[str, str] = field(default_factory=dict)  # actor name -> its trusted country
    sector_by_name: dict[str, str] = field(default_factory=dict)  # actor name -> its sector
    spans: list[tuple[int, int, str]] = field(default_factory=list)  # where each is named

    @property
    def ranked(self) -> list[str]:
        return [c for c, _ in sorted(self.article.items(), key=lambda kv: (-kv[1], kv[0]))]


def country_context(actors: Sequence[Actor], places: Sequence[Place]) -> CountryContext:
    ctx = CountryContext()
    named: list[tuple[int, int, int, str]] = []
    for actor in actors:
        if actor.sector and "->" not in actor.rule:
            ctx.sector_by_name.setdefault(actor.name, actor.sector)
        if _trusted(actor) and actor.country:
            named.append((actor.span.start, actor.span.end, actor.sentence, actor.country))
            ctx.by_name.setdefault(actor.name, actor.country)
    for place in places:
        if place.country and place.confidence >= 0.3:
            named.append((place.span.start, place.span.end, place.sentence, place.country))
    for start, end, sentence, country in sorted(named):
        if country in NOT_STATES and country != "IGO":
            continue
        ctx.article[country] += 1
        ctx.by_sentence.setdefault(sentence, Counter())[country] += 1
        ctx.spans.append((start, end, country))
        if ctx.first is None and country != "IGO":
            ctx.first = country
    return ctx


def candidates(ctx: CountryContext, actor: Actor) -> list[str]:
    found = [NONE, USA]
    for country in ctx.ranked[:MAX_CANDIDATES]:
        if country not in found:
            found.append(country)
    if actor.country and actor.country not in found:
        found.append(actor.country)
    return found


def _bucket(n: int) -> str:
    return "0" if n == 0 else "1" if n == 1 else "2" if n <= 3 else "4" if n <= 7 else "8"


def candidate_features(ctx: CountryContext, actor: Actor, country: str) -> list[str]:
    """Features of "this actor belongs to ``country``" (``NONE``: to no country)."""
    kind, head, first = _kind(actor), _head_word(actor), _first_word(actor)
    if country == NONE:
        return [
            "none",
            f"none|kind={kind}",
            f"none|head={head}",
            f"none|first={first}",
            f"none|states={_bucket(len(ctx.article))}",
            f"none|actorkind={actor.kind}",
        ]
    ranked = ctx.ranked
    rank = ranked.index(country) + 1 if country in ranked else 0
    here = ctx.by_sentence.get(actor.sentence, Counter())[country]
    near = sum(ctx.by_sentence.get(actor.sentence - k, Counter())[country] for k in (1, 2, 3))
    inside = any(
        s >= actor.span.start and e <= actor.span.end and c == country for s, e, c in ctx.spans
    )
    out = [
        "bias",
        f"rank={min(rank, 4)}",
        f"n={_bucket(ctx.article[country])}",
        f"here={_bucket(here)}",
        f"near={_bucket(near)}",
        f"rank|kind={min(rank, 4)}|{kind}",
        f"rank|actorkind={min(rank, 4)}|{actor.kind}",
        f"rank|head={min(rank, 4)}|{head}",
        f"here|kind={_bucket(here)}|{kind}",
    ]
    if country == ctx.first:
        out += ["first", f"first|kind={kind}"]
    if inside:
        out += ["inside", f"inside|kind={kind}"]
    if actor.country == country:
        out += ["stage_guess", f"stage_guess|rank={min(rank, 4)}"]
    if ctx.by_name.get(actor.name) == country:
        out.append("same_name")
    if "->" in actor.rule:
        antecedent = actor.rule.split("->", 1)[1].split("+")[0]
        if ctx.by_name.get(antecedent) == country:
            out.append("antecedent")
    if country == USA:
        out += [
            "usa",
            f"usa|head={head}",
            f"usa|first={first}",
            f"usa|kind={kind}",
            f"usa|rank={min(rank, 4)}",
        ]
    if country == "IGO":
        out += ["igo", f"igo|head={head}"]
    return out


def resolve_country(
    actor: Actor, ctx: CountryContext, model: LinearModel, threshold: float = 0.0
) -> Actor:
    """The actor with the best candidate country, or unchanged when none is surer than
    leaving it without one."""
    if not needs_country(actor):
        return actor
    options = candidates(ctx, actor)
    rows = [candidate_features(ctx, actor, c) for c in options]
    yes = model.classes.index("yes")
    scores = model.probabilities(rows)[:, yes]
    best = int(np.argmax(scores))
    choice = options[best]
    base = actor.rule.split("+context:")[0]
    if choice == NONE:
        if actor.country and "context:" in actor.rule:
            return dataclasses.replace(actor, country=None, rule=f"{base}+model:country=none")
        return actor
    if choice == actor.country:
        return actor
    return dataclasses.replace(actor, country=choice, rule=f"{base}+model:country")


def resolve_roles(
    actors: tuple[Actor, ...], ctx: CountryContext, model: LinearModel | None
) -> tuple[Actor, ...]:
    if model is None:
        return actors
    return tuple(resolve_country(a, ctx, model) for a in actors)
