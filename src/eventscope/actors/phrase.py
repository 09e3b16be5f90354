"""Resolving a free phrase ("Russian Foreign Minister Sergei Lavrov") without a parse, for
``eventscope actors lookup`` and for callers that hold only a string."""

from __future__ import annotations

import datetime as dt
import re

from eventscope.actors.matching import Word, match_terms
from eventscope.actors.resolve import PLACE_TABLES, Hints, resolve_words, usable_names
from eventscope.actors.tables import ActorTables, load_tables
from eventscope.records import Actor, Span

# Initialisms ("U.S.", "U.N."), words with inner apostrophes or periods, the possessive 's,
# and single punctuation marks: close to how spaCy's English tokenizer splits names.
_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}|(?:Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|St|Jr|Sr|No)\.|\w+(?=['’]s\b)"
    r"|['’]s\b|\w+(?:['’]\w+)*|[^\w\s]"
)
_PREPOSITIONS = frozenset({"of", "in", "from", "for", "at"})


def tokenize_phrase(text: str) -> tuple[list[Word], list[str], list[int]]:
    """A bare phrase's words, the whitespace after each, and where each starts."""
    words: list[Word] = []
    spaces: list[str] = []
    starts: list[int] = []
    matches = list(_TOKEN.finditer(text))
    for k, m in enumerate(matches):
        end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        words.append(Word(text=m.group(), lemma=m.group().lower()))
        spaces.append(text[m.end() : end])
        starts.append(m.start())
    return words, spaces, starts


def _mark_person(words: list[Word], head: int, tables: ActorTables) -> list[Word]:
    """A capitalised run right after a title is a person's name ("Minister Ola Nordmann"):
    mark it as spaCy's PERSON would, since a bare phrase has no entity recogniser."""
    terms = match_terms(words, tables)
    in_term = {k for t in terms for k in range(t.start, t.end)}
    k = head
    while k >= 0 and k not in in_term and words[k].text[:1].isupper():
        k -= 1
    if k == head or k < 0 or not any(t.end - 1 == k for t in terms):
        return words
    return [w._replace(ent="PERSON", ent_id=0) if k < n <= head else w for n, w in enumerate(words)]


def resolve_phrase(
    text: str, *, published: dt.date | None = None, tables: ActorTables | None = None
) -> Actor | None:
    """Resolve a phrase naming one actor; None when the tables and rules know nothing of it.

    The head is the last word, or the last word before a preposition whose object then
    gives the country ("President of Syria").
    """
    tables = tables or load_tables()
    stripped = text.strip()
    words, spaces, _starts = tokenize_phrase(stripped)
    if not words:
        return None
    year = published.year if published else None
    cut = next((k for k, w in enumerate(words) if k > 0 and w.lower in _PREPOSITIONS), len(words))
    hints = Hints()
    if cut < len(words):
        for m in usable_names(words[cut + 1 :], tables):
            country = next(
                (e.country for e in m.entries if e.table in PLACE_TABLES | {"orgs"} and e.country),
                None,
            )
            if country:
                hints = Hints(country=country, country_rule=f"{words[cut].lower}:{m.surface}")
                break
    head_words = words[:cut]
    head = len(head_words) - 1
    while head > 0 and not head_words[head].text[:1].isalnum():
        head -= 1
    head_words = _mark_person(head_words, head, tables)
    res = resolve_words(
        head_words, head, year=year, tables=tables, spaces=spaces[:cut], hints=hints
    )
    if not res.resolved:
        return None
    return Actor(
        span=Span(0, len(stripped), stripped),
        sentence=0,
        name=res.name,
        kind=res.kind,  # type: ignore[arg-type]
        country=res.country,
        sector=res.sector,
        entity_id=res.entity_id,
        rule=res.rule,
    )
