"""Finding toponyms: the spans of text that name a place.

Consumes the spaCy Doc and the article's sentences; produces ``Mention`` records (no
resolution yet). Sources, in order of trust:

1. spaCy's GPE, LOC and FAC entities, less demonyms the model sometimes tags GPE ("Syrian");
2. PERSON, ORG or NORP entities that name a place our tables know ("Hmeimim air base") or
   a sizeable town right after a place preposition ("in Idlib"): the small model often
   takes unfamiliar Arabic or Slavic town names for people or groups. Without the
   preposition such a town is kept only if the article's other places agree
   (``needs_context``), which the resolver decides;
3. datelines in capitals ("BEIRUT (Reuters) -");
4. capitalised word sequences outside any entity that the gazetteer knows as a country,
   region or town of 50,000 or more ("Strait of Hormuz", a town the model missed);
5. toponyms that do not say where anything is, found so that the list of places an article
   names is whole (a geoparser's toponyms, as GeoWebNews counts them), and marked by their
   source so that no event is located by them: nationality adjectives modifying a noun
   ("Russian officials" names Russia: ``modifier``) and place names inside the name of an
   organisation ("the Bank of Canada", "the Washington Post": ``embedded``).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from eventscope.places.gazetteer import Candidate, Gazetteer

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from eventscope.records import Sentence

Source = Literal["ner", "reclaimed", "dateline", "gazetteer", "modifier", "embedded"]
# Toponyms that name a place without saying where anything happened.
ASSOCIATIVE_SOURCES = frozenset({"modifier", "embedded"})
Hint = Literal["region", "city", ""]

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
RECLAIMABLE_LABELS = frozenset({"PERSON", "ORG", "NORP"})
# Words after a name that say what kind of place it is ("Idlib province", "Kano state").
REGION_WORDS = frozenset(
    "province governorate region state oblast district county prefecture territory "
    "department canton".split()
)
CITY_WORDS = frozenset("city town village".split())
# Prepositions before a name that make a place reading likely even when the model said person.
PLACE_PREPOSITIONS = frozenset(
    "in at near outside inside around across throughout from into".split()
)
# Capitalised words that are towns somewhere but far more often ordinary words or names.
_COMMON_CAPITALISED = frozenset(
    "mobile reading march may june july august bath nice split independence liberty "
    "commerce enterprise university police union victory progress unity concord hope "
    "justice providence deal sale buffalo orange lincoln washington jackson franklin "
    "clinton hamilton marion madison monroe jefferson warren mission eagle pride "
    "god christ church court hospital mass minister president royal central spring "
    "summer winter autumn fall christmas easter".split()
)
_DATELINE_FOLLOWERS = frozenset({"(", "-", "—", "–", ",", ":"})
# A town found outside the model's place entities must be at least this big: small towns
# share names with people and things.
MIN_TOWN_PROMINENCE = 50_000
_MAX_TOKENS = 5
_CONNECTORS = frozenset({"of", "and", "-", "el", "al", "de", "la"})


@dataclass(frozen=True, slots=True)
class Mention:
    """A toponym candidate in the text: where, what the model said, and what follows it."""

    start: int
    end: int
    text: str
    sentence: int
    label: str  # spaCy label, or "" for mentions found by the gazetteer alone
    source: Source
    token_start: int  # token offsets in the Doc, for syntax
    token_end: int
    hint: Hint = ""  # from a following "province" / "city"
    hint_word: str = ""  # that word itself
    needs_context: bool = False  # keep only if the article's other places agree
    lookup: str = ""  # the name to resolve, where not the text ("Russian" -> "Russia")


def strong_candidate(cand: Candidate, *, ours_only: bool = False) -> bool:
    """Is this a place worth finding outside the model's place entities?

    Countries, our tables' regions and landmarks, mapped first-level regions, and (unless
    ``ours_only``) towns of MIN_TOWN_PROMINENCE or more named by their main name.
    """
    entry = cand.entry
    if entry.feature in ("country", "region", "landmark"):
        return True
    if entry.feature == "admin1" and entry.lat is not None:
        return True
    return (
        not ours_only
        and entry.feature == "city"
        and cand.match == "name"
        and entry.prominence >= MIN_TOWN_PROMINENCE
    )


def _strong(candidates: Iterable[Candidate], *, ours_only: bool = False) -> bool:
    return any(strong_candidate(c, ours_only=ours_only) for c in candidates)


def _strip(span: Span) -> Span:
    """'the Golan Heights' -> 'Golan Heights', "New York's" -> 'New York'."""
    while len(span) > 1 and span[0].lower_ in ("the", "a", "an"):
        span = span[1:]
    while len(span) > 1 and (
        span[-1].tag_ == "POS" or span[-1].is_punct or span[-1].lower_ in ("'s", "’s")
    ):
        span = span[:-1]
    return span


def _hint(doc: Doc, end: int) -> tuple[Hint, str]:
    if end < len(doc):
        word = doc[end].lower_
        if word in REGION_WORDS:
            return "region", word
        if word in CITY_WORDS:
            return "city", word
    return "", ""


def _is_demonym(span: Span) -> bool:
    """'Syrian', 'Russians': adjectives and plural nationality nouns are not places."""
    root = span.root
    if root.tag_ in ("JJ", "JJR", "JJS"):
        return True
    return root.tag_ == "NNPS" and len(span) == 1 and root.text.endswith(("ns", "is", "ese"))


MODIFIER_DEPS = frozenset({"amod", "compound", "nmod"})
# Continental adjectives, which demonyms.tsv (nationalities) leaves out.
REGION_ADJECTIVES = {"European": "Europe", "African": "Africa", "Asian": "Asia"}
_COUNTRY_NAMES: dict[str, str] = {}


def _country_name(iso3: str, gazetteer: Gazetteer) -> str | None:
    """The gazetteer's name of a country, by ISO alpha-3 code."""
    if iso3 not in _COUNTRY_NAMES:
        import pycountry

        record = pycountry.countries.get(alpha_3=iso3)
        entry = gazetteer.country(record.alpha_2) if record is not None else None
        _COUNTRY_NAMES[iso3] = entry.name if entry is not None else ""
    return _COUNTRY_NAMES[iso3] or None


def _modifier(doc: Doc, i: int, gazetteer: Gazetteer) -> str | None:
    """The country (or continent) a nationality adjective names where it modifies a noun
    ("Russian officials", "the Syrian army"), else None ("the Russians", "speaks Russian")."""
    from eventscope.actors.tables import demonym_countries

    token = doc[i]
    if token.dep_ not in MODIFIER_DEPS or token.head.i == i:
        return None
    if token.head.pos_ not in ("NOUN", "PROPN") or token.head.i < i:
        return None
    if token.text in REGION_ADJECTIVES:
        return REGION_ADJECTIVES[token.text]
    iso3 = demonym_countries().get(token.text)
    return _country_name(iso3, gazetteer) if iso3 else None


def _embedded(doc: Doc, span: Span, gazetteer: Gazetteer) -> list[Span]:
    """Place names inside an organisation's name that the gazetteer knows for sure ("Canada" in
    "the Bank of Canada"): the longest capitalised run of at most two words first."""
    found: list[Span] = []
    i = span.start
    while i < span.end:
        hit = None
        for width in (2, 1):
            end = i + width
            if end > span.end or (i == span.start and end == span.end):
                continue
            part = doc[i:end]
            if all(_capitalised(t) or t.is_upper for t in part) and _strong(
                gazetteer.lookup(part.text)
            ):
                hit = part
                break
        if hit is not None:
            found.append(hit)
            i = hit.end
        else:
            i += 1
    return found


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper() and len(token.text) > 1 and token.pos_ in ("PROPN", "NOUN")


def _reclaim(doc: Doc, span: Span, label: str, gazetteer: Gazetteer) -> tuple[Span, bool] | None:
    """A place the model took for a person, group or nationality: (span, needs_context).

    "Hmeimim air base" (taking the lower-case words after the entity) or "Golan Heights"
    when our tables know the name; "in Idlib" when a sizeable town follows a preposition.
    """
    for extra in (2, 1):
        end = span.end + extra
        if end <= len(doc) and all(t.is_lower and t.is_alpha for t in doc[span.end : end]):
            longer = doc[span.start : end]
            if _strong(gazetteer.lookup(longer.text), ours_only=True):
                return longer, False
    found = gazetteer.lookup(span.text)
    before = doc[span.start - 1].lower_ if span.start > 0 else ""
    after_preposition = before in PLACE_PREPOSITIONS
    # "the Kremlin said" is an actor; a region or country the model called ORG is a place.
    ours = [c for c in found if strong_candidate(c, ours_only=True)]
    if ours and (after_preposition or any(c.entry.feature != "landmark" for c in ours)):
        return span, False
    if label != "NORP" and _strong(found):
        return span, not after_preposition
    return None


def _dateline(doc: Doc, sentence_span: Span, gazetteer: Gazetteer) -> Span | None:
    """'BEIRUT (Reuters) -' or 'SAN ANTONIO, Texas —': a capitalised town opening a story."""
    words = []
    for token in sentence_span[:4]:
        if token.is_alpha and token.is_upper and len(token) > 1:
            words.append(token)
            continue
        break
    if not words or words[-1].i + 1 >= len(doc):
        return None
    if doc[words[-1].i + 1].text not in _DATELINE_FOLLOWERS:
        return None
    span = doc[words[0].i : words[-1].i + 1]
    return span if _strong(gazetteer.lookup(span.text)) else None


def find_mentions(
    doc: Doc, sentences: tuple[Sentence, ...], *, gazetteer: Gazetteer
) -> list[Mention]:
    """Toponym mentions in the content sentences of ``doc``, in text order, not overlapping."""
    content = tuple(s for s in sentences if s.is_content)
    mentions: list[Mention] = []
    taken = [False] * len(doc)  # tokens inside any entity or mention already

    def add(  # type: ignore[no-untyped-def]
        span: Span,
        label: str,
        source: Source,
        sentence: Sentence,
        *,
        needs: bool = False,
        lookup: str = "",
    ):
        hint, word = ("", "") if source in ASSOCIATIVE_SOURCES else _hint(doc, span.end)
        for i in range(span.start, span.end):
            taken[i] = True
        mentions.append(
            Mention(
                start=span.start_char,
                end=span.end_char,
                text=span.text,
                sentence=sentence.index,
                label=label,
                source=source,
                token_start=span.start,
                token_end=span.end,
                hint=hint,
                hint_word=word,
                needs_context=needs,
                lookup=lookup,
            )
        )

    # ``Span.ents`` filters every entity of the doc on each call: bucket them once instead.
    ents = list(doc.ents)
    ent_starts = [ent.start for ent in ents]
    for sentence in content:
        sentence_span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if sentence_span is None:
            continue
        first = bisect.bisect_left(ent_starts, sentence_span.start)
        last = bisect.bisect_left(ent_starts, sentence_span.end)
        sentence_ents = [e for e in ents[first:last] if e.end <= sentence_span.end]
        dateline = _dateline(doc, sentence_span, gazetteer)
        if dateline is not None:
            add(dateline, "", "dateline", sentence)
        for ent in sentence_ents:
            if any(taken[i] for i in range(ent.start, ent.end)):
                continue
            span = _strip(ent)
            before = len(mentions)
            if ent.label_ in PLACE_LABELS:
                # Lower-case "places" are the small model's noise ("veranda"), and
                # demonyms are nationalities, not places.
                if span.text[:1].isupper() and not _is_demonym(span):
                    add(span, ent.label_, "ner", sentence)
            elif ent.label_ in RECLAIMABLE_LABELS and len(span) <= 3:
                reclaimed = _reclaim(doc, span, ent.label_, gazetteer)
                if reclaimed is not None:
                    add(reclaimed[0], ent.label_, "reclaimed", sentence, needs=reclaimed[1])
            if len(mentions) == before and len(span) == 1:
                country = _modifier(doc, span.start, gazetteer)
                if country is not None:
                    add(span, ent.label_, "modifier", sentence, lookup=country)
            if len(mentions) == before and ent.label_ == "ORG" and len(span) > 1:
                for part in _embedded(doc, span, gazetteer):
                    add(part, ent.label_, "embedded", sentence)
            for i in range(ent.start, ent.end):
                taken[i] = True
        _scan_capitalised(doc, sentence_span, sentence, taken, gazetteer, add)
        for i in range(sentence_span.start, sentence_span.end):
            if not taken[i] and doc[i].text[:1].isupper():
                country = _modifier(doc, i, gazetteer)
                if country is not None:
                    add(doc[i : i + 1], "", "modifier", sentence, lookup=country)
    mentions.sort(key=lambda m: m.start)
    return mentions


def _scan_capitalised(
    doc: Doc,
    span: Span,
    sentence: Sentence,
    taken: list[bool],
    gazetteer: Gazetteer,
    add: Callable[..., None],
) -> None:
    """Gazetteer names among capitalised words that no entity covers.

    The name must be a whole capitalised run: "Windsor" in "Windsor Castle" or "Surrey" in
    "West Surrey" are parts of other names.
    """
    i, end = span.start, span.end
    while i < end:
        token = doc[i]
        if taken[i] or not _capitalised(token) or token.tag_.startswith("JJ"):
            i += 1
            continue
        run_end = i + 1
        while (
            run_end < end
            and not taken[run_end]
            and (
                _capitalised(doc[run_end])
                or (
                    doc[run_end].lower_ in _CONNECTORS
                    and run_end + 1 < end
                    and _capitalised(doc[run_end + 1])
                )
            )
        ):
            run_end += 1
        run = doc[i:run_end]
        previous = doc[i - 1] if i > span.start else None
        joined = previous is not None and _capitalised(previous) and previous.pos_ == "PROPN"
        single_common = len(run) == 1 and (
            token.lower_ in _COMMON_CAPITALISED
            or token.is_sent_start
            or token.is_stop
            or (token.is_upper and len(token) <= 4)  # acronyms: "CHU" is a hospital
        )
        if len(run) <= _MAX_TOKENS and not joined and not single_common:
            if _strong(gazetteer.lookup(run.text)):
                add(run, "", "gazetteer", sentence)
        i = run_end
