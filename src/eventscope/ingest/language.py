"""A cheap, offline check that a text is English.

eventscope codes English news only; a French or Chinese article would go through the
English model and come out as nonsense events, so ingest refuses it up front with a clear
reason. No language-identification model is needed for this: English prose is about a third
function words ("the", "of", "and", "that" ...), and other languages written in Latin script
share few of them (the ones they do share are left out of the list), while texts in other
scripts are recognised by their letters.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

# Words are runs of letters, with inner apostrophes kept ("don't", "it's").
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# Below this many words the share of function words says too little (a headline, a caption).
MIN_WORDS = 25
# A terse one- or two-sentence report can have almost no function words ("Bomb disposal experts
# defused a pressure cooker bomb planted on a highway ..."): below this many words, a text with
# English verb endings ("-ed", "-ing") on at least MIN_SUFFIX_SHARE of its words is English.
SHORT_WORDS = 80
MIN_SUFFIX_SHARE = 0.03
_ENGLISH_SUFFIX = re.compile(r"[a-z]{2,}(?:ed|ing)$")
# Below this many letters the script says too little.
MIN_LETTERS = 25
# Measured: English news prose has a median of 0.37 (7,000 articles; the lowest, a sports
# team sheet, 0.14); French, German and Spanish prose about 0.00-0.02 with this list, and
# Portuguese or Italian little more ("as", "do"). The threshold sits inside the gap, nearer the
# foreign side, so that list-heavy English copy is never refused.
MIN_FUNCTION_SHARE = 0.06
# A text whose letters are mostly not Latin (Cyrillic, Arabic, CJK ...) is not English.
MIN_LATIN_SHARE = 0.5
# Prose in any Latin-script language has many words in lower case; a list of names, teams or
# headlines has few, and no function words in any language: that says nothing, so it passes.
MIN_LOWERCASE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class LanguageVerdict:
    """Why a text was judged English or not. ``reason`` is None when it is (or cannot tell)."""

    words: int
    function_share: float
    latin_share: float
    reason: str | None


@functools.lru_cache(maxsize=1)
def load_function_words() -> frozenset[str]:
    """The English function words from data/ingest/english_function_words.tsv, lowercased."""
    path = resources.files("eventscope.data").joinpath("ingest/english_function_words.tsv")
    words: set[str] = set()
    header_seen = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if not header_seen:  # the column names
            header_seen = True
            continue
        words.add(line.split("\t", 1)[0].strip().lower())
    return frozenset(words)


def _latin_share(text: str) -> tuple[int, float]:
    """How many letters the text has and which share of them are Latin script."""
    letters = 0
    latin = 0
    for char in text:
        if char.isalpha():
            letters += 1
            # ASCII letters are by far the most common case: skip the name lookup for them.
            if char < "\x80" or "LATIN" in unicodedata.name(char, ""):
                latin += 1
    return letters, (latin / letters if letters else 1.0)


def _suffix_share(tokens: list[str]) -> float:
    return sum(bool(_ENGLISH_SUFFIX.match(t)) for t in tokens) / len(tokens)


def judge_english(text: str, *, function_words: frozenset[str] | None = None) -> LanguageVerdict:
    """Judge whether ``text`` is English; only the first 20,000 characters are looked at.

    Consumes a text, produces a verdict whose ``reason`` says why it is not English, or None
    when it is English or too short to tell (short texts are never refused).
    """
    sample = text[:20_000]
    words_list = function_words if function_words is not None else load_function_words()
    letters, latin_share = _latin_share(sample)
    tokens = [token.lower().replace("’", "'") for token in _WORD.findall(sample)]
    share = sum(token in words_list for token in tokens) / len(tokens) if tokens else 0.0
    lowercase = sum(word[0].islower() for word in _WORD.findall(sample))
    lowercase_share = lowercase / len(tokens) if tokens else 0.0
    reason: str | None = None
    if letters >= MIN_LETTERS and latin_share < MIN_LATIN_SHARE:
        reason = (
            f"not English: {100 - round(latin_share * 100)}% of its letters are not Latin "
            "script (eventscope reads English news only)"
        )
    elif (
        len(tokens) >= MIN_WORDS
        and share < MIN_FUNCTION_SHARE
        and lowercase_share >= MIN_LOWERCASE_SHARE
        and not (len(tokens) < SHORT_WORDS and _suffix_share(tokens) >= MIN_SUFFIX_SHARE)
    ):
        reason = (
            f"not English: only {share:.0%} of its {len(tokens)} words are common English "
            "words (eventscope reads English news only)"
        )
    return LanguageVerdict(
        words=len(tokens), function_share=share, latin_share=latin_share, reason=reason
    )
