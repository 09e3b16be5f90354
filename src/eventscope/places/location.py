"""Where an event happened: choosing one of the article's places for an event.

Consumes an ``Event`` (its trigger and sentence), the article's resolved ``Place``s, its
sentences and the parsed Doc; produces the ``Place`` the event is located at, or ``None``.
In order of preference:

1. a place the trigger's clause is a relative clause of: "in Parkland, where a gunman killed
   17"; then a place attached by a locative preposition ("in", "near", "at" ...) inside the
   trigger's own clause: "shelled villages near Idlib";
2. another place in the trigger's clause or elsewhere in the event's sentence, but never one
   in a clause that reports the trigger's, or above it (a verb of speech or thought: "In
   Moscow, the ministry said ... forces shelled Idlib" -> not Moscow), nor one that is the
   event's source actor. A clause above that does not report it may place it: "police built
   lines in Hamburg and used water cannons", "the death toll in Egypt climbed as the
   government continued its attack";
3. for a statement or a decision (not an attack, an arrest, a deployment, a meeting or a
   visit) whose source actors are of one country other than that of the article's main
   place: the article's most-mentioned place in the source's country ("the U.S. will no
   longer take part in the exercises", in an article about Egypt);
4. the article's main place (its most-mentioned resolved place), unless that place is the
   speaker's side of this very sentence.

A country that is a party to the act is never its place, in rule 2 or 4: the subject or
object of a clause ("the United States, Mexico and Canada hammered out a deal"; but the
object of an attack or a seizure is its place: "invaded Iraq"), or after
"between", "with", "against" and the like ("a trade war between the US and China").
Such mentions do not count towards the article's main place either: an article that names
China ten times as the other side of a dispute is not, for that, placed in China. A city
that is a verb's subject stands for its government ("Washington kept its forces") and is
a party too.

A city named inside an organisation's name places nothing ("the Bank of Canada"), unless the
name is a site there ("in the Istanbul Consulate", "at the Kabul airport"). What a noun is
"over" is its topic, not its place ("tensions over Ukraine"; but "shot down over Ukraine").

``locate_events`` locates all the events of an article: an event its own sentence does not
place (rule 3 or 4, or nothing) takes the place that another mention of the same incident names by
a locative ("the attack" after "gunmen attacked a hotel in Bamako"). A statement or decision
of a country's government that ends up placed at the country alone is placed at its capital
("the U.S. promised": Washington, not the middle of Kansas).

The returned Place is the article's, with the reason for the choice appended to its rule.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from eventscope.events.factuality import SPEECH_VERBS as _SPEECH
from eventscope.nlp import doc_text
from eventscope.places.gazetteer import Gazetteer, compass_part, load_gazetteer

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from eventscope.records import Event, Place, Sentence

LOCATIVE_PREPOSITIONS = frozenset(
    "in at near outside inside around across throughout on along within into over off "
    "beside between among onto nearby".split()
)
_CLAUSE_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "relcl", "parataxis", "csubj", "conj"})
# Dependencies that keep a word inside the noun phrase of the place ("the Idlib countryside",
# "Idlib and Hama", "the town of Saraqeb").
_NOUN_PHRASE_DEPS = frozenset({"compound", "amod", "nmod", "appos", "conj", "nummod", "poss"})
_SPECIFICITY = {"landmark": 4, "city": 3, "admin1": 2, "region": 2, "country": 1}


def _resolved(place: Place) -> bool:
    """A place with a point that says where something is: not a nationality word or a name
    inside an organisation's ("Russian officials", "the Bank of Canada")."""
    if place.rule.startswith(("modifier:", "embedded:")):
        return False
    return place.lat is not None or place.geonameid is not None


# Nouns after a city's name that make the name a site in that city, not an organisation's
# name: "the country's Istanbul Consulate", "the Kabul airport", "Evin prison".
_SITE_NOUNS = frozenset(
    "consulate embassy airport hospital prison jail mosque church cathedral temple synagogue "
    "stadium hotel station port harbour harbor market bazaar campus palace".split()
)


def _names_a_site(place: Place, doc: Doc) -> bool:
    """A place named inside an organisation's name that is a site there ("Istanbul" in "the
    Istanbul Consulate"): where things happen, unlike "Canada" in "the Bank of Canada"."""
    if not place.rule.startswith("embedded:") or place.lat is None:
        return False
    span = doc.char_span(place.span.start, place.span.end, alignment_mode="expand")
    if span is None:
        return False
    after = doc[span.end : span.end + 2]
    return any(t.lower_ in _SITE_NOUNS for t in after)


def _root(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def clause_head(token: Token) -> Token:
    """The verb heading the clause a token belongs to (the sentence root at the latest)."""
    current = token
    for _ in range(64):  # parse trees are shallow; a bound guards against odd cycles
        if current.pos_ in ("VERB", "AUX") and current.dep_ in _CLAUSE_DEPS:
            return current
        if current.head.i == current.i:
            return current
        current = current.head
    return current


def _speaker_clauses(head: Token) -> set[int]:
    """The clause heads above ``head`` from the first that reports it on ("In Moscow, the
    ministry said ... forces shelled Idlib": "said"); none when no verb of speech or thought
    governs it ("police built lines in Hamburg and used water cannons")."""
    found: set[int] = set()
    reported = False
    current = head
    for _ in range(64):
        if current.head.i == current.i:
            break
        below = current
        current = clause_head(current.head)
        if not reported and below.dep_ in _REPORTED_DEPS and current.lemma_ in _SPEECH:
            reported = True
        if reported:
            found.add(current.i)
    return found


# How a clause hangs off the verb of speech that reports it: "said (that) forces shelled",
# "forces shelled Idlib, the ministry said", "warned of attacks", "said it would ...".
_REPORTED_DEPS = frozenset({"ccomp", "parataxis", "xcomp", "advcl", "conj"})


# A country after these is a party to the act, not its place: "a trade war between the
# United States and China", "communications with Russia", "sanctions against Iran".
_PARTY_PREPOSITIONS = frozenset(
    "between among with against toward towards for about by from".split()
)
_PARTY_DEPS = frozenset({"nsubj", "dobj", "iobj", "dative"})
_PLACED_ON_OBJECT = frozenset({"ASSAULT", "SEIZE"})


def _coordination_head(token: Token) -> Token:
    """The first of a coordination or apposition: "Canada" in "Mexico and Canada" -> Mexico."""
    current = token
    for _ in range(8):  # a bound against odd parses
        if current.dep_ not in ("conj", "appos") or current.head.i == current.i:
            break
        current = current.head
    return current


def _party(place: Place, token: Token, *, objects: bool = True) -> bool:
    """True when a place mention names a party to a clause rather than where it happened.

    A country: the clause's subject or (with ``objects``) its object ("the United States,
    Mexico and Canada hammered out ...", "Trump called Mexico"), or the object of a
    preposition that names a party ("talks with China"). A capital or other city: the
    subject of a verb, standing for its government ("Washington kept its forces")."""
    head = _coordination_head(token)
    if place.feature != "country":
        return head.dep_ == "nsubj"
    if head.dep_ in _PARTY_DEPS:
        return objects or head.dep_ != "dobj"
    if head.dep_ != "pobj":
        return False
    prep = head.head
    if prep.lower_ == "over" and prep.head.pos_ in ("NOUN", "PROPN"):
        return True  # what a noun is about: "tensions over Ukraine", "a row over Taiwan"
    return prep.lower_ in _PARTY_PREPOSITIONS


def locative_preposition(token: Token) -> Token | None:
    """The locative preposition governing a place's noun phrase, if any."""
    current = token
    for _ in range(8):
        if current.dep_ in _NOUN_PHRASE_DEPS and current.head.i != current.i:
            current = current.head
            continue
        if current.dep_ == "pobj":
            prep = current.head
            if prep.lower_ == "of" and prep.head.i != prep.i:  # "the town of X"
                current = prep.head
                continue
            return prep if prep.lower_ in LOCATIVE_PREPOSITIONS else None
        return None
    return None


def main_place(places: Sequence[Place], *, exclude: frozenset[int] = frozenset()) -> Place | None:
    """The article's most-mentioned resolved place (ties: the more specific, then the first).

    ``exclude`` holds ``span.start``s of mentions that must not count.
    """
    counts: Counter[tuple[str, str | None]] = Counter()
    first: dict[tuple[str, str | None], Place] = {}
    for place in places:
        if not _resolved(place) or place.span.start in exclude:
            continue
        key = (place.name, place.country)
        counts[key] += 1
        first.setdefault(key, place)
    if not counts:
        return None
    order = {key: i for i, key in enumerate(first)}
    best = max(
        counts,
        key=lambda k: (counts[k], _SPECIFICITY.get(first[k].feature or "", 0), -order[k]),
    )
    return first[best]


_MAIN_PLACE = "the article's main place"
_LOCATIVE = "' in the clause of '"  # rule 1's reason: "'near Kirkuk' in the clause of 'shelled'"


def _why(place: Place, reason: str) -> Place:
    return dataclasses.replace(place, rule=f"{place.rule} | location: {reason}")


def party_places(places: Sequence[Place], doc: Doc) -> frozenset[int]:
    """``span.start`` of the place mentions that name a party rather than a place ("talks
    with China", "Moscow rejected the plan"): they do not make the article's main place."""
    found = set()
    for place in places:
        token = _root(doc, place.span.start, place.span.end)
        if token is not None and _party(place, token):
            found.add(place.span.start)
    return frozenset(found)


def locate_event(
    event: Event,
    places: Sequence[Place],
    sentences: Sequence[Sentence],
    doc: Doc,
    *,
    parties: frozenset[int] | None = None,
) -> Place | None:
    """The place ``event`` happened at (see the module docstring for the order of rules).

    ``parties`` is ``party_places(places, doc)``, computed here when not given."""
    del sentences  # the event's sentence index and the Doc's parse say all that is needed
    trigger = _root(doc, event.trigger.start, event.trigger.end)
    # A dateline says where the story was filed, not where the event was: it can only be the
    # article's main place, below.
    in_sentence = [
        p
        for p in places
        if p.sentence == event.sentence
        and (_resolved(p) or _names_a_site(p, doc))
        and not p.rule.startswith("dateline")
    ]
    speaker_side: set[int] = set()
    if trigger is not None and in_sentence:
        clause = clause_head(trigger)
        above = _speaker_clauses(clause)
        material = event.type in _PLACED_ON_OBJECT
        source_spans = [a.span for a in event.source]
        country_targets = [a.span for a in event.target if a.kind == "country"]
        modified_targets = [a.span for a in event.target if a.kind != "country"]
        tiered: list[tuple[int, int, int, Place, str]] = []
        for place in in_sentence:
            token = _root(doc, place.span.start, place.span.end)
            if token is None:
                continue
            if clause.dep_ == "relcl" and _coordination_head(clause.head).i == token.i:
                # "in Parkland, where a gunman killed 17": the clause describes the place.
                why = f"'{place.span.text}, where ...' names the place of '{trigger.text}'"
                tiered.append((-1, 0, 0, place, why))
                continue
            # "a trade war between the US and China": parties, not places; but the object of
            # a strike or a seizure is where it happened ("invaded Iraq").
            if _party(place, token, objects=not material):
                continue
            prep = locative_preposition(token)
            place_clause = clause_head(prep.head if prep is not None else token)
            if place_clause.i in above:
                speaker_side.add(place.span.start)
                continue
            if prep is None and any(place.span.overlaps(s) for s in source_spans):
                speaker_side.add(place.span.start)
                continue
            if place.feature == "country" and any(place.span.overlaps(s) for s in country_targets):
                continue
            if prep is None and any(place.span.overlaps(s) for s in modified_targets):
                continue  # "US troops": the target's country, not where the event was
            distance = abs(token.i - trigger.i)
            specific = -_SPECIFICITY.get(place.feature or "", 0)
            if prep is not None and place_clause.i == clause.i:
                why = f"'{prep.text} {place.span.text}' in the clause of '{trigger.text}'"
                tiered.append((0, specific, distance, place, why))
            elif place_clause.i == clause.i:
                tiered.append((1, specific, distance, place, f"in the clause of '{trigger.text}'"))
            else:
                tiered.append((2, specific, distance, place, "elsewhere in the event's sentence"))
        if tiered:
            tier, _, _, place, why = min(tiered, key=lambda t: t[:3])
            return _why(place, why)
    if parties is None:
        parties = party_places(places, doc)
    fallback = main_place(places, exclude=frozenset(speaker_side) | parties)
    home = _source_home(event, places)
    if home is not None and (fallback is None or fallback.country != home.country):
        return _why(home, _SOURCE_HOME)
    if fallback is None:
        return None
    if any(
        p.name == fallback.name and p.span.start in speaker_side for p in in_sentence
    ):  # the article's main place is where the speaker of this sentence sits
        return None
    return _why(fallback, _MAIN_PLACE)


# Acts that happen where they are done to, or where the parties meet: a statement or a
# decision happens at home, an attack, an arrest, a deployment or a visit does not.
_ABROAD = frozenset({"ASSAULT", "SEIZE", "COERCE", "MOBILIZE", "CONSULT", "AGREE"})
_SOURCE_HOME = "the source's own country"


def _source_home(event: Event, places: Sequence[Place]) -> Place | None:
    """For an act no sentence places, of a source from one country: the article's most
    mentioned place in that country ("the U.S. will no longer take part in the exercises" in
    an article about Egypt is a decision taken in the United States)."""
    if event.type in _ABROAD:
        return None
    countries = {a.country for a in event.source if a.country}
    if len(countries) != 1:
        return None
    country = countries.pop()
    return main_place([p for p in places if p.country == country])


# A country's government, legislature and executive act in its capital (its courts need not:
# a federal judge in Los Angeles is a court of the United States).
_NATIONAL_SECTORS = frozenset({"GOV", "LEG", "EXE"})


def _seat_of_government(event: Event, place: Place, gazetteer: Gazetteer | None) -> Place:
    """A statement or decision of a country's government placed only at that country: its
    capital ("the U.S. promised", "Russia's foreign ministry said", placed in the "U.S." or
    "Russia", happened in Washington or Moscow). Not for acts done elsewhere (``_ABROAD``)."""
    if place.feature != "country" or not place.country or event.type in _ABROAD:
        return place
    if not any(a.country == place.country and a.sector in _NATIONAL_SECTORS for a in event.source):
        return place
    capital = (gazetteer or load_gazetteer()).capital(place.country)
    if capital is None or capital.lat is None:
        return place
    return dataclasses.replace(
        place,
        name=capital.name,
        lat=capital.lat,
        lon=capital.lon,
        feature="city",
        geonameid=capital.geonameid,
        admin1=capital.admin1,
        rule=f"{place.rule} | the seat of the source's government",
    )


def _compass_part(place: Place, doc: Doc, gazetteer: Gazetteer | None) -> Place:
    """ "eastern Ukraine": the centre of that part of the country, not of the whole."""
    if place.feature != "country" or not place.country:
        return place
    before = doc_text(doc)[max(0, place.span.start - 24) : place.span.start]
    part = compass_part(before)
    if part is None:
        return place
    centre = (gazetteer or load_gazetteer()).part_of_country(place.country, part)
    if centre is None:
        return place
    return dataclasses.replace(
        place,
        name=f"{before.split()[-1]} {place.name}",
        lat=centre[0],
        lon=centre[1],
        feature="region",
        geonameid=None,
        rule=f"{place.rule} | the {part} of the country",
    )


def locate_events(
    events: Sequence[Event],
    places: Sequence[Place],
    sentences: Sequence[Sentence],
    doc: Doc,
    *,
    gazetteer: Gazetteer | None = None,
) -> list[Place | None]:
    """The place of each of an article's events (see the module docstring), in order. A
    country named with a compass word ("in eastern Ukraine") is placed at the centre of that
    part of it (``gazetteer``, by default the full one, knows where its cities lie)."""
    from eventscope.incidents import same_incident

    parties = party_places(places, doc)
    own = [locate_event(e, places, sentences, doc, parties=parties) for e in events]
    placed = [p if p is not None and _LOCATIVE in p.rule else None for p in own]
    out: list[Place | None] = []
    for event, place in zip(events, own, strict=True):
        if place is not None and not place.rule.endswith((_MAIN_PLACE, _SOURCE_HOME)):
            out.append(place)
            continue
        same = [
            (abs(other.sentence - event.sentence), other.sentence > event.sentence, where)
            for other, where in zip(events, placed, strict=True)
            if where is not None
            and other.sentence != event.sentence
            and same_incident(event, other, doc)
        ]
        if same:
            where = min(same, key=lambda x: x[:2])[2]
            out.append(_why(where, "where another mention of the incident places it"))
        else:
            out.append(place)
    return [
        _seat_of_government(e, _compass_part(p, doc, gazetteer), gazetteer)
        if p is not None
        else None
        for e, p in zip(events, out, strict=True)
    ]
