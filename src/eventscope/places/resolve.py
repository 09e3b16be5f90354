"""Resolving toponym mentions to gazetteer entries, using the article as context.

Consumes ``Mention``s and a ``Gazetteer``; produces ``Place`` records. Each candidate gets a
score in "log-population units" from:

- prominence: log10 of the population (or a table's weight), the prior that a name means the
  biggest place of that name;
- feature: a country name means the country, a region name the region;
- the words around it: "Idlib province" wants a region, "Paris, Texas" a Paris in Texas;
- the article: places already resolved without doubt vote for their countries and regions, so
  "Tripoli" in an article about Libya is Libya's Tripoli (two passes: the unambiguous
  mentions first, then every mention with their countries as context).

The winning candidate's reasons are kept in ``Place.rule``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventscope.places.gazetteer import Candidate, Entry, Gazetteer, name_key
from eventscope.places.toponyms import Mention, strong_candidate
from eventscope.records import Place, Span

FEATURE_BONUS = {"country": 2.0, "admin1": 0.6, "region": 0.6, "landmark": 0.3, "city": 0.0}
MAIN_NAME_BONUS = 1.0  # GeoNames alternates include odd ones ("Manchester" for a Richmond)
HINT_BONUS = 3.0  # "X province" and a region candidate, "X city" and a town
CONTEXT_WEIGHT = 1.5  # times the share of the article's sure places in the candidate's country
CONTEXT_PRESENT = 0.5  # the candidate's country is named at all
# Together at most 2.0 = a factor of 100 in population: a US article's "London" is still the
# English one, but its "Tripoli" is Lebanon's when the article is about Lebanon.
ADMIN1_CONTEXT = 1.5  # the candidate lies in a region the article names
PARENT_BONUS = 4.0  # "Paris, Texas": the candidate lies in the place named after the comma
NO_POINT_PENALTY = 1.0  # a region we cannot put on a map loses to one we can
FAC_TOWN_PENALTY = 2.0  # "Notre Dame", "Heathrow" as facilities are not the towns so named
LOC_TOWN_PENALTY = 1.5  # LOC entities are regions, seas, mountains: rarely towns
MIN_ALT_PROMINENCE = 5_000  # an alternate name of a hamlet is more likely noise than meant
CAPITAL_NAMED_REGION_PENALTY = 2.5  # "Kabul" is the city unless the text says "province"
PROBATION_SHARE = 0.3  # a "needs context" town's country must hold this share of the places
SURE_MARGIN = 2.0  # a mention whose best candidate leads by this much is full context
MIN_CONTEXT_MARGIN = 0.5  # below this lead a mention says nothing about the article


@dataclass(frozen=True, slots=True)
class Context:
    """What the rest of the article says about where it is."""

    countries: dict[str, float] = field(default_factory=dict)  # ISO2 -> share of sure mentions
    admin1: frozenset[str] = frozenset()  # GeoNames admin1 codes named or implied

    @staticmethod
    def from_entries(entries: Sequence[tuple[Entry, float]]) -> Context:
        """Context from (entry, weight) pairs: weight is how sure that mention was."""
        counts: Counter[str] = Counter()
        for entry, weight in entries:
            if entry.country:
                counts[entry.country] += weight
        total = sum(counts.values())
        return Context(
            countries={c: n / total for c, n in counts.items()} if total else {},
            admin1=frozenset(e.admin1_code for e, w in entries if e.admin1_code and w >= 0.5),
        )


@dataclass(frozen=True, slots=True)
class Scored:
    score: float
    candidate: Candidate
    reasons: tuple[str, ...]


def _population_words(value: int) -> str:
    if value >= 1_000_000:
        return f"{value / 1_000_000:.1f}M"
    if value >= 1_000:
        return f"{value // 1_000}k"
    return str(value)


def score_candidate(
    cand: Candidate,
    mention: Mention,
    context: Context,
    *,
    siblings: Sequence[Candidate] = (),
    parent: Entry | None = None,
    holds: int | None = None,
) -> Scored:
    """One candidate's score for one mention, with the reasons that made it."""
    entry = cand.entry
    score = math.log10(max(entry.prominence, 10))
    reasons = [f"{entry.feature} {entry.country or '-'} pop {_population_words(entry.prominence)}"]
    score += FEATURE_BONUS.get(entry.feature, 0.0)
    if cand.match == "name":
        score += MAIN_NAME_BONUS
    else:
        reasons.append("alternate name")
    if mention.hint == "region" and entry.feature in ("admin1", "region"):
        score += HINT_BONUS
        reasons.append("named as a region")
    elif mention.hint == "city" and entry.feature == "city":
        score += HINT_BONUS
        reasons.append("named as a town")
    if mention.label == "LOC" and entry.feature in ("region", "landmark"):
        score += 0.5
    elif mention.label == "LOC" and entry.feature == "city":
        score -= LOC_TOWN_PENALTY
    if mention.label == "FAC" and entry.feature == "landmark":
        score += 1.0
    elif mention.label == "FAC" and entry.feature == "city":
        score -= FAC_TOWN_PENALTY
    if entry.lat is None:
        score -= NO_POINT_PENALTY
    if (
        entry.feature == "admin1"
        and mention.hint != "region"
        and any(
            s.entry.feature == "city"
            and s.entry.admin1_code
            and s.entry.admin1_code == entry.admin1_code
            and s.entry.prominence >= entry.prominence // 10  # its capital, not a hamlet
            for s in siblings
        )
    ):
        score -= CAPITAL_NAMED_REGION_PENALTY
    share = context.countries.get(entry.country or "", 0.0)
    if share:
        score += CONTEXT_PRESENT + CONTEXT_WEIGHT * share
        reasons.append(f"article about {entry.country} ({share:.0%})")
    if entry.admin1_code and entry.admin1_code in context.admin1:
        score += ADMIN1_CONTEXT
        if entry.feature == "admin1":
            reasons.append("holds the article's other places")
        else:
            reasons.append(
                f"in {entry.admin1 or entry.admin1_code}, like the article's other places"
            )
    if parent is not None and _inside(entry, parent):
        score += PARENT_BONUS
        reasons.append(f"followed by its region {parent.name}")
    if holds is not None and entry.id == holds:
        score += PARENT_BONUS
        reasons.append("holds the town named before it")
    return Scored(score=score, candidate=cand, reasons=tuple(reasons))


def _inside(entry: Entry, parent: Entry) -> bool:
    """Is ``entry`` inside ``parent``, a country or first-level region? (Not a town: "Paris,
    London" is a list, not Paris in London.)"""
    if entry.id == parent.id or entry.country != parent.country:
        return False
    if parent.feature not in ("country", "admin1"):
        return False
    if parent.feature == "country":
        return True
    return bool(parent.admin1_code) and entry.admin1_code == parent.admin1_code


def rank(
    mention: Mention,
    candidates: Sequence[Candidate],
    context: Context,
    *,
    parent: Entry | None = None,
    holds: int | None = None,
) -> list[Scored]:
    """Candidates best first. ``parent``: the region named after a comma; ``holds``: the id of
    the candidate that holds the town named before the comma."""
    scored = [
        score_candidate(c, mention, context, siblings=candidates, parent=parent, holds=holds)
        for c in candidates
    ]
    return sorted(scored, key=lambda s: (-s.score, -s.candidate.entry.prominence))


def candidates_for(mention: Mention, gazetteer: Gazetteer) -> tuple[Candidate, ...]:
    """Gazetteer candidates for a mention's text, trying "X province" as one name first."""
    if mention.hint_word:
        longer = gazetteer.lookup(f"{mention.text} {mention.hint_word}")
        if longer:
            return longer
    if mention.lookup:
        named = gazetteer.lookup(mention.lookup)
        return tuple(c for c in named if c.entry.feature in ("country", "region"))
    found = gazetteer.lookup(mention.text)
    if not found:
        key = name_key(mention.text)
        for prefix in ("the ", "al ", "el "):
            if key.startswith(prefix):
                found = gazetteer.lookup(key[len(prefix) :])
                break
    if not found and mention.source == "ner":
        found = _part_of_entity(mention.text, gazetteer)
    found = tuple(c for c in found if c.match == "name" or c.entry.prominence >= MIN_ALT_PROMINENCE)
    if mention.label in ("LOC", "FAC"):
        # Seas, mountains, buildings: a town only if it is a sizeable one of that very name.
        found = tuple(c for c in found if c.entry.feature != "city" or strong_candidate(c))
    if mention.source != "ner":
        # Found outside the model's place entities: only what made it a mention may resolve it.
        found = tuple(c for c in found if strong_candidate(c))
    return found


def _part_of_entity(text: str, gazetteer: Gazetteer) -> tuple[Candidate, ...]:
    """The model's span ran over a place name: "Thruxton, Hampshire", "Manchester City",
    "St. Louis Police". Tries the part before a comma, then the words less the last or the
    first, and keeps only sure matches."""
    parts = [text.split(",")[0]] if "," in text else []
    words = text.split()
    if len(words) > 1:
        parts += [" ".join(words[:-1]), " ".join(words[1:])]
    for part in parts:
        found = tuple(c for c in gazetteer.lookup(part) if strong_candidate(c))
        if found:
            return found
    return ()


def confidence(ranked: Sequence[Scored], mention: Mention) -> float:
    """How sure the resolution is: the lead of the best candidate, discounted by source."""
    if not ranked:
        return 0.2 if mention.source == "ner" else 0.0
    margin = ranked[0].score - ranked[1].score if len(ranked) > 1 else 4.0
    value = 0.5 + 0.45 * (1.0 - math.exp(-margin / 1.5))
    if mention.source == "gazetteer":
        value *= 0.9
    elif mention.source == "reclaimed":
        value *= 0.8
    return round(value, 3)


def _parents(mentions: Sequence[Mention], doc_text: str) -> dict[int, int]:
    """Mention index -> index of the mention right after it across a comma ("Paris, Texas")."""
    found: dict[int, int] = {}
    for i in range(len(mentions) - 1):
        here, after = mentions[i], mentions[i + 1]
        between = doc_text[here.end : after.start]
        if between.strip() == "," and here.sentence == after.sentence:
            found[i] = i + 1
    return found


def _pairs(parents: dict[int, int], first: Sequence[Sequence[Scored]]) -> dict[int, Entry]:
    """For "Town, Region" pairs, the region entry that holds one of the town's candidates.

    Tries the region's three best readings jointly with the town's, so "Athens, Georgia"
    settles on the US state (which holds an Athens) rather than the country.
    """
    chosen: dict[int, Entry] = {}
    for child, parent in parents.items():
        best: tuple[float, Entry] | None = None
        for p in first[parent][:3]:
            for c in first[child]:
                if _inside(c.candidate.entry, p.candidate.entry):
                    total = c.score + p.score
                    if best is None or total > best[0]:
                        best = (total, p.candidate.entry)
        if best is not None:
            chosen[child] = best[1]
    return chosen


def resolve_mentions(
    mentions: Sequence[Mention], *, gazetteer: Gazetteer, text: str
) -> tuple[Place, ...]:
    """Places for mentions: pass one without context, pass two with the sure ones' countries."""
    candidates = [candidates_for(m, gazetteer) for m in mentions]
    parents = _parents(mentions, text)
    empty = Context()
    first = [rank(m, c, empty) for m, c in zip(mentions, candidates, strict=True)]
    pairs = _pairs(parents, first)
    held = {parents[child]: entry.id for child, entry in pairs.items()}
    sure: list[tuple[str, Entry, float]] = []
    for mention, ranked in zip(mentions, first, strict=True):
        if not ranked:
            continue
        margin = ranked[0].score - ranked[1].score if len(ranked) > 1 else SURE_MARGIN
        if margin >= MIN_CONTEXT_MARGIN:
            weight = min(1.0, margin / SURE_MARGIN)
            sure.append((name_key(mention.text), ranked[0].candidate.entry, weight))

    # Mentions still on probation do not vote.
    probation = {name_key(m.text) for m in mentions if m.needs_context}
    voters = [(k, e, w) for k, e, w in sure if k not in probation]
    contexts: dict[str, Context] = {}
    places: list[Place] = []
    for i, (mention, cands) in enumerate(zip(mentions, candidates, strict=True)):
        key = name_key(mention.text)
        # A name does not vote for itself: "Georgia" twice must not settle "Georgia".
        context = contexts.get(key)
        if context is None:
            context = contexts[key] = Context.from_entries(
                [(e, w) for k, e, w in voters if k != key]
            )
        ranked = rank(mention, cands, context, parent=pairs.get(i), holds=held.get(i))
        if mention.needs_context and not _agrees(ranked, context):
            continue
        places.append(_place(mention, ranked))
    return tuple(places)


def _agrees(ranked: Sequence[Scored], context: Context) -> bool:
    """A town the model called a person is kept when the article's places are around it."""
    if not ranked:
        return False
    entry = ranked[0].candidate.entry
    return (
        context.countries.get(entry.country or "", 0.0) >= PROBATION_SHARE
        or (entry.admin1_code or "") in context.admin1
    )


def _place(mention: Mention, ranked: Sequence[Scored]) -> Place:
    span = Span(start=mention.start, end=mention.end, text=mention.text)
    how = {
        "ner": f"ner:{mention.label}",
        "reclaimed": f"gazetteer place the model took for {mention.label}",
        "gazetteer": "gazetteer name outside entities",
        "dateline": "dateline",
        "modifier": "modifier: a nationality word, not where anything happened",
        "embedded": "embedded: a place named inside an organisation's name",
    }[mention.source]
    if not ranked:
        return Place(
            span=span,
            sentence=mention.sentence,
            name=mention.text,
            confidence=confidence(ranked, mention),
            rule=f"{how}; not in gazetteer",
        )
    best = ranked[0]
    entry = best.candidate.entry
    others = len(ranked) - 1
    rule = f"{how}; {'; '.join(best.reasons)}"
    if others:
        rule += f"; beat {others} other{'s' if others > 1 else ''}"
    return Place(
        span=span,
        sentence=mention.sentence,
        name=entry.name,
        geonameid=entry.geonameid,
        lat=entry.lat,
        lon=entry.lon,
        country=entry.country3,
        feature=entry.feature,
        admin1=entry.admin1,
        confidence=confidence(ranked, mention),
        rule=rule,
    )
