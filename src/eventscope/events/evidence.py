"""The lexicon's evidence about the event between two given actors of a sentence.

Consumes a spaCy ``Doc`` of one sentence, the source and target spans (character offsets into
that sentence) and the ``Lexicon``; produces a ``PairEvidence``: where the two actors sit in
the parse (the dependency path between their heads, the words governing both) and every
trigger of the sentence, coded exactly as ``find_events`` codes it (embedding, promises and
threats, refusals) and placed relative to the two actors. ``rule_scores`` weighs it into a
score per type (the rule classifier); ``features`` turns it into the learned model's inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscope.events.coder import build_codings, final_codes
from eventscope.events.codes import PLOVER_TYPES
from eventscope.events.lexicon import Lexicon
from eventscope.events.triggers import find_matches, token_keys
from eventscope.records import Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from eventscope.events.coder import Coding

# Where a trigger sits relative to the two actors, nearest first.
ON_PATH = "path"  # on the dependency path between source and target
GOVERNS_BOTH = "both"  # above both actors ("X said it would attack Y": "said" is above)
GOVERNS_ONE = "one"  # above one of them
ELSEWHERE = "elsewhere"
POSITIONS = (ON_PATH, GOVERNS_BOTH, GOVERNS_ONE, ELSEWHERE)

# Rule-classifier weights of trigger evidence by position.
POSITION_WEIGHTS = {ON_PATH: 3.0, GOVERNS_BOTH: 2.0, GOVERNS_ONE: 1.2, ELSEWHERE: 0.5}
LEXICAL = 0.25  # a lexicon word in another part of speech ("the protest leaders")
EMBEDDED = 0.3  # a trigger its governor codes (the threat, not the threatened attack)


@dataclass(frozen=True, slots=True)
class Trigger:
    """One coded trigger of the sentence, placed relative to the two actors."""

    coding: Coding
    type: str  # the type find_events gives it (after promises, threats and refusals)
    position: str  # one of POSITIONS
    embedded: bool  # coded by its governor, or refused: not an event of its own
    weight: float  # the rule classifier's weight: position x embedding x lexicon strength


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """What the parse and the lexicon say about one (source, target) pair of a sentence."""

    doc: Doc
    source: Token | None  # the head token of the source span
    target: Token | None
    path: frozenset[int]  # token indices on the path between the heads (both included)
    above: frozenset[int]  # tokens governing both heads, above the path
    either: frozenset[int]  # tokens governing either head
    triggers: tuple[Trigger, ...]
    lexical: dict[str, float]  # lexicon words in another part of speech, per type


def span_root(doc: Doc, span: Span | None) -> Token | None:
    """The syntactic head of the tokens covering ``span`` (None when it covers none)."""
    if span is None:
        return None
    found = doc.char_span(span.start, span.end, alignment_mode="expand")
    return found.root if found is not None and len(found) else None


def ancestors(token: Token) -> list[Token]:
    """``token`` and its heads up to the root of its sentence, nearest first."""
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def _geometry(a: Token | None, b: Token | None) -> tuple[set[int], set[int], set[int]]:
    """Tokens on the path between a and b, the tokens above both, and those above either."""
    ids_a = [t.i for t in ancestors(a)] if a is not None else []
    ids_b = [t.i for t in ancestors(b)] if b is not None else []
    if not ids_a or not ids_b:
        return set(), set(), set(ids_a) | set(ids_b)
    common = [i for i in ids_a if i in set(ids_b)]
    if not common:  # different sentences in the doc: no path
        return set(), set(), set(ids_a) | set(ids_b)
    lca = common[0]
    path = set(ids_a[: ids_a.index(lca) + 1]) | set(ids_b[: ids_b.index(lca) + 1])
    return path, set(common[1:]), set(ids_a) | set(ids_b)


def _position(coding: Coding, path: set[int], above: set[int], either: set[int]) -> str:
    tokens = set(coding.match.tokens) | set(coding.match.anchors)
    if tokens & path:
        return ON_PATH
    if tokens & above:
        return GOVERNS_BOTH
    if tokens & either:
        return GOVERNS_ONE
    return ELSEWHERE


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


@dataclass(frozen=True, slots=True)
class LexiconReading:
    """What the lexicon finds in a doc, whatever the pair: every trigger coded as
    ``find_events`` codes it, with its type, and the lexicon words outside those triggers.
    Read once (``read_lexicon``), it serves every pair of the doc."""

    codings: tuple[tuple[Coding, str], ...]  # (coding, its type after the manual's rules)
    lexical: dict[str, float]  # type -> weight of single lexicon words outside any trigger


def read_lexicon(doc: Doc, lexicon: Lexicon) -> LexiconReading:
    codings: list[tuple[Coding, str]] = []
    used: set[int] = set()
    for sentence in doc.sents:
        for coding in build_codings(find_matches(sentence, lexicon), lexicon):
            codings.append((coding, final_codes(coding, lexicon)[0]))
            used.update(coding.match.tokens)
    return LexiconReading(tuple(codings), _lexical(doc, lexicon, used))


def pair_evidence(
    doc: Doc,
    source: Span | None,
    target: Span | None,
    *,
    lexicon: Lexicon,
    reading: LexiconReading | None = None,
) -> PairEvidence:
    """The lexicon's triggers in ``doc`` placed relative to the source and target heads.
    ``reading`` is ``read_lexicon(doc, lexicon)`` where the caller holds it (several pairs of
    one doc), read here otherwise."""
    reading = reading or read_lexicon(doc, lexicon)
    source_root, target_root = span_root(doc, source), span_root(doc, target)
    path, above, either = _geometry(source_root, target_root)
    triggers: list[Trigger] = []
    for coding, typ in reading.codings:
        position = _position(coding, path, above, either)
        embedded = coding.suppressed or coding.forced is not None
        weight = POSITION_WEIGHTS[position] * coding.match.entry.strength
        triggers.append(
            Trigger(
                coding=coding,
                type=typ,
                position=position,
                embedded=embedded,
                weight=weight * (EMBEDDED if embedded else 1.0),
            )
        )
    return PairEvidence(
        doc=doc,
        source=source_root,
        target=target_root,
        path=frozenset(path),
        above=frozenset(above),
        either=frozenset(either),
        triggers=tuple(triggers),
        lexical=reading.lexical,
    )


def rule_scores(evidence: PairEvidence) -> dict[str, float]:
    """The rule classifier's raw score per type: trigger weights, else lexicon words."""
    scores = {typ: 0.0 for typ in PLOVER_TYPES}
    for trigger in evidence.triggers:
        scores[trigger.type] += trigger.weight
    if not any(scores.values()):
        for typ, value in evidence.lexical.items():
            scores[typ] += value
    return scores
