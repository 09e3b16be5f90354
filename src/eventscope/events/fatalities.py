"""Death tolls: how many people the text says an incident killed (ACLED's ``fatalities``).

Read from the parse of one sentence, as an analyst reads it:

- a stated toll wins ("the death toll rose to 31": the latest figure);
- otherwise the victims of each killing word: the object of an active "killed" ("killing at
  least eight people"), the subject of a passive or reduced one ("two soldiers were killed",
  "five villagers killed in ..."), the subject of "died", "lost their lives"; a coordination
  adds up ("three soldiers and two civilians" is 5; "himself and six others" is 7), a
  number inside "including four children" does not; "a policeman was shot dead" is 1;
- "N dead", "left N dead", "N bodies";
- "no one was killed" is 0.

Counts that are not numbers ("dozens", "scores") give none, and so do wounded counts, ages
("a 15-year-old"), times and the number of attackers ("20 gunmen killed five villagers" is 5).
Where one sentence names several tolls the largest is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "dozen": 12, "a dozen": 12,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000}
KILL_LEMMAS = frozenset(
    {"kill", "slay", "murder", "execute", "behead", "massacre", "assassinate", "lynch",
     "slaughter", "neutralise", "neutralize", "drown"}
)  # fmt: skip
# Words that kill only with "dead", "to death" or "down": "shot dead", "hacked to death".
HARM_LEMMAS = frozenset({"shoot", "beat", "hack", "stab", "stone", "burn", "club", "gun", "lynch"})
NOT_PEOPLE = frozenset(
    {"number", "lot", "few", "attack", "bomb", "blast", "drone", "plane", "aircraft", "jet",
     "helicopter", "vehicle", "car", "missile", "rocket", "building", "house", "school"}
)  # fmt: skip
PRONOUNS = frozenset({"him", "her", "himself", "herself"})
SINGULAR_DETERMINERS = frozenset({"a", "an", "the", "his", "her", "their", "its", "one"})
# A death in a clause like these is background to the incident: "after a teenager was shot
# dead", "rumours that a man had died".
BACKGROUND_MARKS = frozenset({"after", "since", "before", "over"})
BACKGROUND_NOUNS = frozenset({"rumour", "rumours", "rumor", "rumors", "report", "reports"})
DIE_LEMMAS = frozenset({"die", "perish"})
DEAD_WORDS = frozenset({"dead", "bodies", "corpses", "fatalities", "deaths"})
SELF_WORDS = frozenset({"himself", "herself"})
_NONE_KILLED = re.compile(
    r"\b(?:no\s+one|nobody|none|no\s+\w+)\s+(?:was|were|had\s+been|has\s+been)\s+"
    r"(?:\w+\s+)?(?:killed|hurt|injured|harmed)|\bnone\s+(?:were\s+)?killed|"
    r"\bno\s+(?:\w+\s+)?(?:casualties|deaths|fatalities|injuries)\b|\bno\s+one\s+died|"
    r"\bnone\s+(?:of\s+them\s+)?(?:died|fatally)|\bno\s+one\s+dead|"
    r"\b(?:killing|injuring|wounding|hurting|harming)\s+no\s+one|"
    r"\bwithout\s+(?:casualties|loss\s+of\s+life|injur)",
    re.IGNORECASE,
)


def number_value(token: Token) -> int | None:
    """The integer a number word stands for ("8", "1,200", "eight", "twenty-five", "a dozen")."""
    text = token.lower_.replace(",", "")
    if text.isdigit():
        return int(text) if len(text) < 7 else None
    if text in _UNITS:
        return _UNITS[text]
    if text in _TENS:
        return _TENS[text]
    parts = text.split("-")
    if len(parts) == 2 and parts[0] in _TENS and parts[1] in _UNITS and _UNITS[parts[1]] < 10:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return None


def _is_year(token: Token) -> bool:
    """ "in 2016", "since 2011": a year, not a count."""
    text = token.text
    if len(text) == 4 and text.isdigit() and 1800 <= int(text) <= 2100:
        return True
    return (
        token.i > 0
        and token.doc[token.i - 1].lower_ in ("in", "since", "of")
        and (text.isdigit() and len(text) == 4)
    )


def _is_age_or_time(token: Token) -> bool:
    if _is_year(token):
        return True
    doc = token.doc
    after = doc[token.i + 1 : token.i + 3]
    words = [t.lower_ for t in after]
    return bool(words) and (
        words[0] in {"-year", "year", "years", "pm", "am", "p.m.", "a.m.", "o'clock", "%"}
        or words[:2] == ["-", "year"]
    )


def _count(noun: Token) -> int | None:
    """How many people a noun phrase names: its number, "a"/"an"/"one", or its own value."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return 0  # "killing no one"
    own = number_value(noun)
    if own is not None and not _is_age_or_time(noun):
        return _hyphenated(noun, own)
    if noun.lower_ in PRONOUNS:
        return 1
    if noun.lower_ in NOT_PEOPLE:
        return None
    for child in noun.children:
        if child.dep_ in ("nummod", "quantmod") or (child.like_num and child.i < noun.i):
            value = _number_phrase(child)
            if value is not None and not _is_age_or_time(child):
                return _hyphenated(child, value)
    for child in noun.children:
        if child.dep_ in ("det", "poss") and child.lower_ in SINGULAR_DETERMINERS:
            if noun.tag_ == "NN":
                return 1
    return None


def _hyphenated(token: Token, value: int) -> int:
    """ "Thirty-two" split into three words: the tens before the hyphen count too."""
    doc = token.doc
    if 0 < value < 10 and token.i >= 2 and doc[token.i - 1].text == "-":
        tens = _TENS.get(doc[token.i - 2].lower_)
        if tens:
            return tens + value
    return value


def _number_phrase(token: Token) -> int | None:
    """A number with its multiplier ("two dozen", "1.2 thousand" aside): "a dozen" is 12."""
    value = number_value(token)
    if value is None:
        return None
    for child in token.children:
        scale = _SCALES.get(child.lower_)
        if scale:
            value *= scale
    nxt = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if nxt is not None and nxt.lower_ in _SCALES:
        value *= _SCALES[nxt.lower_]
    if token.lower_ == "dozen":
        prev = token.nbor(-1) if token.i else None
        multiplier = number_value(prev) if prev is not None else None
        value = 12 * multiplier if multiplier else 12
        if token.i >= 2 and token.doc[token.i - 2].lower_ == "half":
            value = 6  # "half a dozen"
    return value


def _phrase_count(noun: Token) -> int | None:
    """A noun and those coordinated with it, added up ("three soldiers and two civilians")."""
    total = 0
    found = False
    for part in [noun, *sorted((c for c in noun.conjuncts if c.i > noun.i), key=lambda c: c.i)]:
        value = _count(part)
        if value is None:
            break  # "10 people, witnesses and a militia leader said": the list has ended
        total += value
        found = True
    return total if found else None


def _victims(verb: Token) -> list[Token]:
    """The nouns that name who a killing word killed."""
    children = list(verb.children)
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
    objects = [c for c in children if c.dep_ in ("dobj", "obj")]
    subjects = [c for c in children if c.dep_ in ("nsubj", "nsubjpass")]
    if verb.dep_ == "relcl" and verb.head.pos_ in ("NOUN", "PROPN"):
        if verb.lemma_ in DIE_LEMMAS or passive:  # "a vendor who later died"
            return [verb.head]
    if not subjects and not objects and verb.dep_ == "conj":
        # "stepped on a mine and died", "were raped and then killed": the first verb's subject
        subjects = [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        passive = passive or any(c.dep_ == "nsubjpass" for c in subjects)
    if verb.lemma_ in DIE_LEMMAS:
        return subjects
    if passive:
        return [c for c in children if c.dep_ == "nsubjpass"] or subjects
    if objects:
        return objects
    if verb.tag_ == "VBN":
        if verb.dep_ in ("acl", "relcl") and verb.head.pos_ in ("NOUN", "PROPN", "NUM"):
            return [verb.head]  # "five villagers killed in the raid"
        return subjects  # a headline's reduced passive: "Two soldiers killed in ambush"
    return []


def _toll(sentence: Span) -> int | None:
    """A stated death toll: "the death toll rose to 31", "bringing the toll to 12"."""
    for token in sentence:
        is_number_of_dead = token.lower_ == "number" and any(
            t.lower_ in ("killed", "dead", "deaths", "fatalities") for t in token.subtree
        )  # "the number of people killed has climbed to 13"
        if token.lower_ != "toll" and not is_number_of_dead:
            continue
        numbers = [
            t for t in sentence[token.i - sentence.start + 1 :] if number_value(t) is not None
        ]
        numbers = [t for t in numbers if not _is_age_or_time(t)]
        if numbers:
            return _number_phrase(numbers[-1] if len(numbers) < 3 else numbers[0])
    return None


def _or_wounded(token: Token) -> bool:
    """ "killed or wounded 26": the number is not a death toll."""
    return any(
        c.dep_ == "conj" and c.lemma_.lower() in ("wound", "injure", "hurt", "maim")
        for c in token.children
    ) and any(c.dep_ == "cc" and c.lower_ == "or" for c in token.children)


def _kills(token: Token) -> bool:
    """Whether a word says someone was killed: "killed", "shot dead", "hacked to death"."""
    lemma = token.lemma_.lower()
    if _or_wounded(token):
        return False
    if lemma in KILL_LEMMAS:
        return True
    if lemma not in HARM_LEMMAS:
        return False
    for child in token.children:
        if child.lower_ in ("dead", "alive") or (
            child.lower_ == "to" and any(g.lower_ == "death" for g in child.children)
        ):
            return True
        if child.lower_ == "down" and lemma in ("gun", "shoot"):
            return True
        if child.dep_ in ("dobj", "nsubjpass") and any(g.lower_ == "dead" for g in child.children):
            return True  # "shot dead nine travellers"
    return False


def _is_background(token: Token) -> bool:
    """A death told as background: past perfect ("had died"), or in a clause after "after",
    "since" ... or in what a rumour said."""
    if any(c.dep_ == "aux" and c.lower_ == "had" for c in token.children):
        return True
    node = token
    while node.head.i != node.i:
        if node.dep_ in ("advcl", "relcl", "ccomp", "acl") and any(
            c.dep_ == "mark" and c.lower_ in BACKGROUND_MARKS and c.i < node.i
            for c in node.children
        ):
            return True
        if node.dep_ in ("pcomp", "pobj") and node.head.lower_ in BACKGROUND_MARKS:
            return True
        if node.dep_ in ("acl", "ccomp") and node.head.lower_ in BACKGROUND_NOUNS:
            return True
        node = node.head
    return False


def _may_count(token: Token) -> bool:
    lemma = token.lemma_.lower()
    return (
        lemma in KILL_LEMMAS or lemma in DIE_LEMMAS or lemma in HARM_LEMMAS
        or lemma in ("lose", "claim") or token.lower_ in DEAD_WORDS
        or token.lower_ in ("bodies", "corpses", "killing", "killings", "murder")
    )  # fmt: skip


def _of_counts(token: Token) -> Iterable[int]:
    """The counts of the people an "of" phrase names: "the bodies of six men"."""
    for prep in (c for c in token.children if c.lower_ == "of"):
        for noun in (g for g in prep.children if g.dep_ == "pobj"):
            value = _phrase_count(noun)
            if value is not None:
                yield value


def _kill_counts(sentence: Span) -> Iterable[int]:
    for token in sentence:
        lemma = token.lemma_.lower()
        if _may_count(token) and _is_background(token):
            continue
        if _is_killing_noun(token):  # "the killing of four soldiers"
            yield from _of_counts(token)
            continue
        if lemma in DIE_LEMMAS or _kills(token):
            for noun in _victims(token):
                value = _phrase_count(noun)
                if value is not None:
                    yield value
        elif lemma == "lose" and any(c.lower_ == "lives" for c in token.children):
            for noun in (c for c in token.children if c.dep_ == "nsubj"):
                value = _phrase_count(noun)
                if value is not None:
                    yield value
        elif lemma == "claim" and any(c.lower_ == "lives" for c in token.children):
            for lives in (c for c in token.children if c.lower_ == "lives"):
                value = _count(lives)
                if value is not None:
                    yield value
                else:  # "claimed the lives of 10 people"
                    yield from _of_counts(lives)
        elif token.lower_ in ("bodies", "corpses") and any(
            c.lower_ == "of" for c in token.children
        ):  # "the bodies of six men"
            yield from _of_counts(token)
        elif token.lower_ in DEAD_WORDS:
            value = _count(token)
            if value is None and token.lower_ == "dead" and token.i > sentence.start:
                prev = token.nbor(-1)  # "left 12 people dead", "12 dead"
                if prev.head == token or prev.dep_ in ("nummod", "dobj", "nsubj"):
                    value = _count(prev)
                if value is None:
                    value = next(
                        (_count(c) for c in token.head.children
                         if c.dep_ in ("dobj", "nsubj", "nsubjpass")
                         and c.i < token.i and _count(c) is not None),
                        None,
                    )  # fmt: skip
            if value is not None and (token.lower_ != "deaths" or token.i > sentence.start):
                yield value


def _is_killing_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.lower_ in ("killing", "killings", "deaths", "murder")


_STATED = re.compile(r"\bfatalities\s*:\s*(\d+)", re.IGNORECASE)


def sentence_fatalities(sentence: Span) -> int | None:
    """The death toll one parsed sentence states, or None where it gives no number."""
    toll = _toll(sentence)
    if toll is not None:
        return toll
    stated = _STATED.search(sentence.text)  # a monitor's "Reported fatalities: 9"
    if stated:
        return int(stated.group(1))
    counts = [n for n in _kill_counts(sentence) if n]
    if counts:
        return max(counts)
    if _NONE_KILLED.search(sentence.text):
        return 0
    return None
