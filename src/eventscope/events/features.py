"""Features of one actor pair for the learned type model (classification mode).

Consumes a ``PairEvidence`` (the parse and the lexicon's coded triggers, placed relative to the
source and target heads); produces a sparse map of named features, all general: the rule
classifier's distribution over types, the lexicon's trigger types by position, which lexicon
row fired, the lemmas on the dependency path between the two actors, the actors' grammatical
roles, and negation / modality cues. Names, numbers and other proper nouns are reduced to their
part of speech, so the model learns how events are worded, not who took part in them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventscope.events.evidence import (
    ELSEWHERE,
    GOVERNS_BOTH,
    ON_PATH,
    PairEvidence,
    Trigger,
    rule_scores,
)
from eventscope.events.factuality import factuality_cue

if TYPE_CHECKING:
    from spacy.tokens import Token

# Parts of speech whose lemmas are features; names, numbers and symbols stand as their tag.
OPEN_POS = frozenset({"VERB", "NOUN", "ADJ", "ADV", "ADP", "PART", "AUX"})
NEAR = frozenset({ON_PATH, GOVERNS_BOTH})
# A lexicon row near the actors counts double: with one L2 penalty for all features, this lets
# a row move the type with half the evidence a bare lemma needs (measured on plv-train).
ROW_VALUE = 2.0
# What the verb joining the two actors says about them: "called X a LIAR", "found X GUILTY".
TOP_DEPS = frozenset({"dobj", "attr", "xcomp", "oprd", "ccomp", "acomp"})


def _word(token: Token) -> str:
    """A token's lemma, or its part of speech for names and numbers ("<PROPN>")."""
    if token.pos_ not in OPEN_POS or token.ent_type_ in ("GPE", "PERSON", "ORG", "NORP"):
        return f"<{token.pos_}>"
    return token.lemma_.lower()


def _strongest(triggers: list[Trigger]) -> Trigger | None:
    return max(triggers, key=lambda t: (not t.embedded, t.weight), default=None)


def pair_features(evidence: PairEvidence) -> dict[str, float]:
    """Named features of one (source, target) pair; absent features are zero."""
    features: dict[str, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        features[name] = features.get(name, 0.0) + value

    # The rule classifier's opinion, as a distribution (its best type marked apart).
    scores = rule_scores(evidence)
    total = sum(scores.values())
    if total > 0:
        for typ, value in scores.items():
            if value > 0:
                add(f"rule:{typ}", value / total)
        add(f"rule_best:{max(scores, key=scores.__getitem__)}")
    else:
        add("rule:none")

    # The coded triggers: type by position and embedding, the lexicon row near the actors,
    # and a promise, threat or refusal turning one type into another.
    for trigger in evidence.triggers:
        entry = trigger.coding.match.entry
        kind = "embedded" if trigger.embedded else "own"
        add(f"type:{trigger.position}:{kind}:{trigger.type}", entry.strength)
        if trigger.position != ELSEWHERE:
            add(f"type:near:{trigger.type}", entry.strength)
        if trigger.position in NEAR:
            add(f"row:{entry.text}", ROW_VALUE)
            if trigger.type != entry.type:
                add(f"recoded:{entry.type}>{trigger.type}")
    near = [t for t in evidence.triggers if t.position in NEAR]
    best = _strongest(near) or _strongest(list(evidence.triggers))
    if best is not None:
        factuality, cue = factuality_cue(best.coding.match)
        add(f"factuality:{factuality}")
        if cue:
            add(f"cue:{cue}")
        if best.coding.match.light:
            add(f"light:{best.coding.match.light}")
    else:
        add("no_trigger")
    for typ, value in evidence.lexical.items():
        add(f"lexical:{typ}", value)

    # The parse between the two actors.
    doc, source, target = evidence.doc, evidence.source, evidence.target
    ends = {t.i for t in (source, target) if t is not None}
    # Words of a trigger near the actors speak through its lexicon row ("row:call for"), not
    # as bare lemmas: "call" alone would learn whatever "call for" and "call on" did.
    coded = {i for t in near for i in (*t.coding.match.tokens, *t.coding.match.anchors)}
    if not evidence.path:
        add("no_path")
    for i in sorted(evidence.path - ends - coded):
        add(f"path:{_word(doc[i])}")
    for i in evidence.path:
        for child in doc[i].children:
            if child.dep_ == "neg":
                add("path_negated")
            elif child.dep_ == "aux" and child.tag_ == "MD":
                add(f"path_modal:{child.lower_}")
    lca = [i for i in evidence.path if doc[i].head.i not in evidence.path or doc[i].head.i == i]
    if len(lca) == 1:
        top = doc[lca[0]]
        add(f"top:{'<trigger>' if top.i in coded else _word(top)}")
        for child in top.children:
            if child.dep_ in TOP_DEPS and child.i not in ends:
                add(f"top_{child.dep_}:{_word(child)}")
    for role, token in (("source", source), ("target", target)):
        if token is None:
            add(f"{role}:none")
            continue
        add(f"{role}_dep:{token.dep_}")
        add(f"{role}_word:{_word(token)}")
        if token.dep_ == "pobj":
            add(f"{role}_prep:{token.head.lower_}")
    return features
