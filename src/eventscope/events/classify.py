"""Classification mode: the PLOVER type of the event between two given actors of a sentence.

Consumes a spaCy ``Doc`` of one sentence and the source and target spans (character offsets
into that sentence); produces the best type and a probability per PLOVER type (all 16,
summing to 1). Evidence, strongest first: triggers on the dependency path between the two
actors, triggers governing both, the sentence's other triggers, then lexicon words used in
another part of speech. Triggers are coded exactly as ``find_events`` codes them (embedding,
promises and threats, refusals), so both modes agree on the type of the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventscope.events.coder import Coding, build_codings, final_codes
from eventscope.events.codes import PLOVER_TYPES
from eventscope.events.lexicon import Lexicon, load_lexicon
from eventscope.events.triggers import find_matches, token_keys
from eventscope.records import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Weights of trigger evidence by where the trigger sits relative to the two actors.
ON_PATH = 3.0  # on the dependency path between source and target
GOVERNS_BOTH = 2.0  # above both actors ("X said it would attack Y": "attack" is on the path)
GOVERNS_ONE = 1.2  # above one of them
ELSEWHERE = 0.5  # elsewhere in the sentence
LEXICAL = 0.25  # a lexicon word in another part of speech ("the protest leaders")
EMBEDDED = 0.3  # a trigger its governor codes (the threat, not the threatened attack)
SMOOTHING = 0.02  # probability mass spread over all types, so none is exactly zero


def _root(doc: Doc, span: Span | None) -> Token | None:
    if span is None:
        return None
    found = doc.char_span(span.start, span.end, alignment_mode="expand")
    return found.root if found is not None and len(found) else None


def _ancestors(token: Token) -> list[Token]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def _path(a: Token | None, b: Token | None) -> tuple[set[int], set[int], set[int]]:
    """Tokens on the path between a and b, the tokens above both, and those above either."""
    up_a = _ancestors(a) if a is not None else []
    up_b = _ancestors(b) if b is not None else []
    ids_a = [t.i for t in up_a]
    ids_b = [t.i for t in up_b]
    if not ids_a or not ids_b:
        either = set(ids_a) | set(ids_b)
        return set(), set(), either
    common = [i for i in ids_a if i in set(ids_b)]
    if not common:  # different sentences in the doc: no path
        return set(), set(), set(ids_a) | set(ids_b)
    lca = common[0]
    path = set(ids_a[: ids_a.index(lca) + 1]) | set(ids_b[: ids_b.index(lca) + 1])
    above = set(common[1:])
    return path, above, set(ids_a) | set(ids_b)


def _weight(coding: Coding, path: set[int], above: set[int], either: set[int]) -> float:
    tokens = set(coding.match.tokens) | set(coding.match.anchors)
    if tokens & path:
        weight = ON_PATH
    elif tokens & above:
        weight = GOVERNS_BOTH
    elif tokens & either:
        weight = GOVERNS_ONE
    else:
        weight = ELSEWHERE
    if coding.suppressed or coding.forced:  # coded by its governor, or refused
        weight *= EMBEDDED
    return weight * coding.match.entry.strength


def _lexical(doc: Doc, lexicon: Lexicon, used: set[int]) -> dict[str, float]:
    scores: dict[str, float] = {}
    for token in doc:
        if token.i in used or token.is_stop or not token.is_alpha:
            continue
        for key in token_keys(token):
            for pos in ("v", "n"):
                for entry in lexicon.candidates(key, pos):
                    if len(entry.words) == 1:
                        scores[entry.type] = scores.get(entry.type, 0.0) + LEXICAL * entry.strength
    return scores


def classify(
    doc: Doc,
    source: Span | None,
    target: Span | None,
    *,
    lexicon: Lexicon | None = None,
) -> tuple[str, dict[str, float]]:
    """The best PLOVER type for the event from ``source`` to ``target`` and a score per type.

    ``doc`` is a parse of one sentence; the spans are character offsets into ``doc.text``
    (either may be None when the event has no such actor). The scores cover all 16 types
    and sum to 1.
    """
    lex = lexicon or load_lexicon()
    path, above, either = _path(_root(doc, source), _root(doc, target))
    scores = {typ: 0.0 for typ in PLOVER_TYPES}
    used: set[int] = set()
    for sentence in doc.sents:
        for coding in build_codings(find_matches(sentence, lex), lex):
            typ = final_codes(coding, lex)[0]
            scores[typ] += _weight(coding, path, above, either)
            used.update(coding.match.tokens)
    if not any(scores.values()):
        for typ, value in _lexical(doc, lex, used).items():
            scores[typ] += value
    total = sum(scores.values())
    spread = SMOOTHING * (total if total > 0 else 1.0)
    probabilities = {
        typ: (value + spread / len(scores)) / (total + spread) for typ, value in scores.items()
    }
    best = max(PLOVER_TYPES, key=lambda typ: (scores[typ], -PLOVER_TYPES.index(typ)))
    return best, probabilities
