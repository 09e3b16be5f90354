"""spaCy's attribute ruler, matched through an index instead of its Matcher.

The attribute ruler of spaCy's English pipelines (part of speech, morphology and lemma
exceptions, 179 patterns) runs every pattern against every token: about 12% of the whole
parse, as much as the parser itself. Nearly every pattern's first token names its tag or its
lowercase form, so the patterns that can match a token are found by looking those up, and
only the few others are tried everywhere. The matches are the same, in the same order, and
the ruler's own code sets the attributes, so the annotations are identical (checked on 1,000
news articles: ``bench/attribute_ruler.py``); only the time changes.

A ruler whose patterns use something this index does not read (an operator, a predicate
other than equality, IN, NOT_IN and REGEX, an attribute other than TAG, LOWER, DEP and
IS_SPACE) is left as spaCy made it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import AttributeRuler
    from spacy.tokens import Doc

_ATTRIBUTES = ("TAG", "LOWER", "DEP", "IS_SPACE")
# A first token that names one of these exactly (or IN a list) is looked up by it, the most
# selective first: only the few patterns that name none are tried on every token.
_INDEXED = ("LOWER", "DEP", "IS_SPACE", "TAG")
# A token's attributes, as the hashes ``Doc.to_array`` gives (IS_SPACE as 0 or 1).
_Row = tuple[int, int, int, int]
_Test = Callable[[_Row], bool]


@dataclass(frozen=True, slots=True)
class _Pattern:
    key: int  # the ruler's rule number: later rules set their attributes last
    match_id: int  # the hash of str(key), as the ruler's Matcher reports it
    tokens: tuple[tuple[_Test, ...], ...]  # per token of the pattern, its tests
    certain: bool  # one token, and its one test is the value it is indexed by


class AttributeIndex:
    """The ruler's patterns, indexed by what their first token must be."""

    def __init__(self, ruler: AttributeRuler, patterns: Sequence[tuple[int, list[list[dict]]]]):
        self.ruler = ruler
        self.by_value: dict[tuple[int, int], list[_Pattern]] = {}  # (attribute, hash)
        self.everywhere: list[_Pattern] = []
        strings = ruler.vocab.strings
        for key, alternatives in patterns:
            for tokens in alternatives:
                first = tokens[0]
                values, exact, column = None, False, 0
                for indexed in _INDEXED:
                    value = first.get(indexed)
                    if isinstance(value, (str, bool)):
                        values, exact = [value], True
                    elif isinstance(value, dict) and "IN" in value:
                        values = value["IN"]
                    if values is not None:
                        column = _ATTRIBUTES.index(indexed)
                        break
                pattern = _Pattern(
                    key,
                    strings[str(key)],
                    tuple(self._tests(spec) for spec in tokens),
                    certain=exact and len(tokens) == 1 and len(first) == 1,
                )
                if values is None:
                    self.everywhere.append(pattern)
                    continue
                for v in values:
                    h = int(v) if isinstance(v, bool) else strings.add(v)
                    self.by_value.setdefault((column, h), []).append(pattern)

    def _tests(self, spec: dict[str, Any]) -> tuple[_Test, ...]:
        strings = self.ruler.vocab.strings
        tests: list[_Test] = []
        for attribute, value in spec.items():
            column = _ATTRIBUTES.index(attribute)
            if isinstance(value, bool):
                tests.append(lambda row, c=column, v=int(value): row[c] == v)
            elif isinstance(value, str):
                wanted = strings.add(value)
                tests.append(lambda row, c=column, h=wanted: row[c] == h)
            elif "IN" in value:
                hashes = frozenset(strings.add(v) for v in value["IN"])
                tests.append(lambda row, c=column, hs=hashes: row[c] in hs)
            elif "NOT_IN" in value:
                hashes = frozenset(strings.add(v) for v in value["NOT_IN"])
                tests.append(lambda row, c=column, hs=hashes: row[c] not in hs)
            else:  # REGEX, checked in supported()
                tests.append(self._regex_test(column, re.compile(value["REGEX"])))
        return tuple(tests)

    def _regex_test(self, column: int, pattern: re.Pattern[str]) -> _Test:
        strings = self.ruler.vocab.strings
        cache: dict[int, bool] = {}  # by the word's hash: each word is searched once

        def test(row: _Row) -> bool:
            known = cache.get(row[column])
            if known is None:
                known = cache[row[column]] = bool(pattern.search(strings[row[column]]))
            return known

        return test

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """What ``AttributeRuler.match`` returns: (rule number, match id, start, end),
        sorted."""
        from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

        rows: list[_Row] = [tuple(r) for r in doc.to_array([TAG, LOWER, DEP, IS_SPACE]).tolist()]
        found: list[tuple[int, int, int, int]] = []
        lookup = self.by_value.get
        everywhere = self.everywhere
        n = len(rows)
        for i, row in enumerate(rows):
            for column, value in enumerate(row):
                for pattern in lookup((column, value), ()):
                    if pattern.certain or _matches(pattern, rows, i, n):
                        found.append((pattern.key, pattern.match_id, i, i + len(pattern.tokens)))
            for pattern in everywhere:
                if _matches(pattern, rows, i, n):
                    found.append((pattern.key, pattern.match_id, i, i + len(pattern.tokens)))
        return sorted(set(found))


def _matches(pattern: _Pattern, rows: list[_Row], i: int, n: int) -> bool:
    if i + len(pattern.tokens) > n:
        return False
    for k, tests in enumerate(pattern.tokens):
        row = rows[i + k]
        for test in tests:
            if not test(row):
                return False
    return True


def supported(patterns: Sequence[tuple[int, list[list[dict]]]]) -> bool:
    """Whether every pattern uses only what the index reads."""
    for _key, alternatives in patterns:
        for tokens in alternatives:
            if not tokens:
                return False
            for spec in tokens:
                for attribute, value in spec.items():
                    if attribute not in _ATTRIBUTES:
                        return False
                    if isinstance(value, (str, bool)):
                        continue
                    if not isinstance(value, dict) or len(value) != 1:
                        return False
                    ((predicate, argument),) = value.items()
                    if predicate == "REGEX" and attribute == "LOWER":
                        continue
                    if predicate not in ("IN", "NOT_IN") or not isinstance(argument, list):
                        return False
    return True


def index_attribute_ruler(nlp: Language) -> bool:
    """Let the pipeline's attribute ruler match through an AttributeIndex. False (and the
    ruler unchanged) where there is no ruler or its patterns use what the index cannot."""
    if not nlp.has_pipe("attribute_ruler"):
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    patterns = list(enumerate(_rules(ruler)))
    if not supported(patterns):
        return False
    ruler.match = AttributeIndex(ruler, patterns).match  # type: ignore[method-assign]
    return True


def _rules(ruler: AttributeRuler) -> list[list[list[dict]]]:
    """The pattern lists of the ruler's rules, by rule number (the Matcher's key)."""
    strings = ruler.vocab.strings
    return [ruler.matcher.get(strings[str(k)])[1] for k in range(len(ruler.attrs))]
