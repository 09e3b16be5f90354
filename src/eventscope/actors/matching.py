"""Finding table names and sector terms in a run of words.

Works on :class:`Word`, a small view of a token, so that the same matcher serves a spaCy
``Doc`` (find_actors) and a bare phrase (resolve_phrase). Matching is greedy, longest first,
left to right, without overlaps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from eventscope.actors.tables import ActorTables, NameEntry, SectorTerm

HYPHENS = frozenset({"-", "‐", "‑", "–"})


class Word(NamedTuple):
    """What the resolver needs to know about a token (a named tuple: one is made per token of
    every article, and a frozen dataclass took three times as long to make)."""

    text: str
    lemma: str  # lower case
    ent: str = ""  # spaCy entity label, "" when none
    ent_id: int = -1  # which entity of the doc the token belongs to
    noun: bool = True  # NOUN or PROPN (always True for a bare phrase)

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class NameMatch:
    start: int  # word index, inclusive
    end: int  # word index, exclusive
    surface: str
    entries: tuple[NameEntry, ...]

    def tables(self) -> set[str]:
        return {e.table for e in self.entries}


@dataclass(frozen=True, slots=True)
class TermMatch:
    start: int
    end: int
    term: SectorTerm


def _case_ok(surface: str, upper: tuple[int, ...]) -> bool:
    return all(pos < len(surface) and surface[pos].isupper() for pos in upper)


def match_names(
    words: Sequence[Word], tables: ActorTables, *, start: int = 0, end: int | None = None
) -> list[NameMatch]:
    """Table names in ``words[start:end]``, longest first, with their case masks checked."""
    end = len(words) if end is None else end
    out: list[NameMatch] = []
    i = start
    while i < end:
        best: NameMatch | None = None
        key = ""
        surface = ""
        j = i
        while j < end and j < i + tables.max_name_tokens:
            text = words[j].text
            if not text.strip():
                break
            if text in HYPHENS:
                if j == i:
                    break
                j += 1
                continue
            key += text.lower()
            surface += text
            if key not in tables.name_prefixes:
                break
            aliases = tables.names.get(key)
            if aliases:
                # A text whose lower case changes length (rare letters) skips the case check.
                same = len(key) == len(surface)
                entries = tuple(
                    entry
                    for alias in aliases
                    if not same or _case_ok(surface, alias.upper)
                    for entry in alias.entries
                )
                if entries:
                    best = NameMatch(i, j + 1, surface, entries)
            j += 1
        if best is not None:
            out.append(best)
            i = best.end
        else:
            i += 1
    return out


def _forms(word: Word) -> list[str]:
    """The forms a word may have as the last word of a term: its lemma, its lower case, and
    naive singulars (a bare phrase has no lemmatizer)."""
    low = word.lower
    forms = [word.lemma, low]
    if low.endswith("men"):
        forms.append(low[:-3] + "man")
    if low.endswith("ies"):
        forms.append(low[:-3] + "y")
    if low.endswith("es"):
        forms.append(low[:-2])
    if low.endswith("s"):
        forms.append(low[:-1])
    return list(dict.fromkeys(forms))


def _term_keys(words: Sequence[Word]) -> list[str]:
    body = [w.lower for w in words[:-1]]
    return [" ".join([*body, form]) for form in _forms(words[-1])]


def _may_start_term(word: Word, tables: ActorTables) -> bool:
    first = tables.term_first_words
    if word.lemma in first or word.lower in first:
        return True
    # Only a plural needs the slower naive singulars (a phrase has no lemmatizer).
    return word.lower.endswith("s") and any(form in first for form in _forms(word))


def match_terms(
    words: Sequence[Word],
    tables: ActorTables,
    *,
    start: int = 0,
    end: int | None = None,
    skip: set[int] | frozenset[int] = frozenset(),
) -> list[TermMatch]:
    """Sector terms in ``words[start:end]``, longest first; words in ``skip`` (already part of
    a name) never start or join a term."""
    end = len(words) if end is None else end
    out: list[TermMatch] = []
    i = start
    while i < end:
        if i in skip or words[i].text in HYPHENS or not _may_start_term(words[i], tables):
            i += 1
            continue
        found: TermMatch | None = None
        run: list[Word] = []
        j = i
        while j < end and len(run) < tables.max_term_tokens and j not in skip:
            if words[j].text in HYPHENS:
                j += 1
                continue
            run.append(words[j])
            for key in _term_keys(run):
                term = tables.terms.get(key)
                if term is not None:
                    found = TermMatch(i, j + 1, term)
                    break
            j += 1
        if found is not None:
            out.append(found)
            i = found.end
        else:
            i += 1
    return out
