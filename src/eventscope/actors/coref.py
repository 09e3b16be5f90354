"""In-article coreference: later, shorter mentions of an actor named earlier.

The finder (``mentions.py``) records every person it resolves as an :class:`Antecedent` and
asks here who a later mention stands for:

- a personal pronoun ("he said", "she told", "his forces") is the nearest earlier person,
  subjects first, within a few sentences; never the subject of its own clause when it is an
  object ("Assad praised him");
- a definite description ("the controversial Syrian leader", "the president") is the most
  recent person whose country agrees with the description's and whose title or office shares
  its head noun (a generic head such as "leader" or "strongman" fits any head of government);
- an organisation's acronym is introduced in parentheses ("Syrian Democratic Forces (SDF)")
  or spelled by the initials of its name, and stands for it afterwards.

Each answer names its antecedent in the rule ("coref:pronoun->Bashar al-Assad"), so a reader
can check it. Number and gender are not known to the parse and are not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscope.actors.resolve import Resolution

if TYPE_CHECKING:
    from spacy.tokens import Token

PERSON_PRONOUNS = frozenset({"he", "she", "him", "his", "her"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
OBJECT_DEPS = frozenset({"dobj", "pobj", "dative", "iobj"})
# How many sentences back a pronoun may look for its person.
PRONOUN_WINDOW = 3
# Singular nouns that describe one person by their position.
PERSON_TITLES = frozenset(
    {"leader", "president", "premier", "minister", "king", "queen", "monarch", "prince",
     "emir", "sultan", "chancellor", "dictator", "strongman", "ruler", "general",
     "commander", "chief", "ayatollah", "secretary", "envoy", "ambassador", "spokesman",
     "spokeswoman", "governor", "mayor", "senator", "lawmaker", "cleric", "militant",
     "opposition leader", "head"}
)  # fmt: skip
# Heads that fit any person who leads a state or a group, whatever their exact title.
GENERIC_TITLES = frozenset({"leader", "strongman", "ruler", "dictator", "head", "chief"})
LEADING_SECTORS = frozenset({"GOV", "REB", "OPP", "PTY", "MIL", "ELI"})
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-]{1,7}$")
_FUNCTION_WORDS = frozenset({"of", "the", "for", "and", "in", "on", "de", "al", "el", "&"})


@dataclass(frozen=True, slots=True)
class Antecedent:
    """A person resolved earlier in the article."""

    token: int  # the head token of the mention
    sentence: int
    subject: bool  # the mention is a clause subject
    resolution: Resolution
    said: frozenset[str]  # lowercase words of the mention as written ("president", "syrian")
    offices: frozenset[str]  # lowercase words of the offices the tables give the person


def is_person_pronoun(token: Token) -> bool:
    return token.lower_ in PERSON_PRONOUNS and token.pos_ == "PRON"


def _clause_subjects(token: Token) -> set[int]:
    """The subjects of the verb governing ``token`` ("Assad praised HIM": Assad)."""
    verb = token.head
    if token.dep_ == "pobj":
        verb = verb.head
    return {c.i for c in verb.children if c.dep_ in SUBJECT_DEPS}


def pronoun_antecedent(
    token: Token, sentence: int, people: Sequence[Antecedent]
) -> Antecedent | None:
    """The person a personal pronoun stands for: in the nearest sentence that names one,
    the last subject before it, else the last person before it."""
    barred = _clause_subjects(token) if token.dep_ in OBJECT_DEPS else set()
    before = [
        p
        for p in people
        if p.token < token.i
        and sentence - p.sentence <= PRONOUN_WINDOW
        and p.token not in barred
        and p.token != token.i
    ]
    if not before:
        return None
    nearest = max(p.sentence for p in before)
    same = [p for p in before if p.sentence == nearest]
    subjects = [p for p in same if p.subject]
    return (subjects or same)[-1]


def description_antecedent(
    head: Token, determiner: str, resolution: Resolution, people: Sequence[Antecedent]
) -> Antecedent | None:
    """The person a definite description ("the Syrian leader") stands for, or None.

    Only a singular title after "the", with no name of its own; the person must be of the
    description's country (when it names one), of a compatible sector, and hold or have been
    introduced with the title, unless the title is a generic one for a leader.
    """
    title = head.lemma_.lower()
    if determiner != "the" or head.tag_ != "NN" or title not in PERSON_TITLES:
        return None
    fitting = [
        p
        for p in people
        if p.token < head.i
        and (not resolution.country or p.resolution.country == resolution.country)
        and (not resolution.sector or p.resolution.sector in (None, resolution.sector))
    ]
    # Best: introduced with this title in the text; then holding it; then a generic head.
    for fits in (
        lambda p: title in p.said,
        lambda p: title in p.offices,
        lambda p: title in GENERIC_TITLES and p.resolution.sector in LEADING_SECTORS,
    ):
        found = [p for p in fitting if fits(p)]
        if found:
            return found[-1]
    return None


def acronym_at(tokens: Sequence[Token]) -> str | None:
    """The acronym of a parenthesis right after a mention: "(SDF)" -> "SDF"."""
    if len(tokens) < 3 or tokens[0].text != "(" or tokens[2].text != ")":
        return None
    text = tokens[1].text
    return text if _ACRONYM.match(text) else None


def initials(name: str) -> str | None:
    """The acronym a name's initials spell ("Syrian Democratic Forces" -> "SDF"), when it
    has at least two capitalised content words."""
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.lower() not in _FUNCTION_WORDS]
    if len(words) < 2 or not all(w[:1].isupper() for w in words):
        return None
    return "".join(w[0] for w in words)
