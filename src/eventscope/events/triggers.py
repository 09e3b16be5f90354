"""Finding trigger words over the dependency parse.

Consumes the tokens of one sentence (a spaCy span) and a ``Lexicon``; produces ``Match``
records: which lexicon row fired, on which tokens, anchored where. Longer matches win over
shorter ones that share a token, so "imposed sanctions" is one SANCTION trigger, not a
SANCTION noun plus a stray verb.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eventscope.events.lexicon import Entry, Lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

# Dependencies along which the other words of a phrase may hang off its head word.
PHRASE_DEPS = frozenset(
    {
        "prt",
        "prep",
        "pobj",
        "dobj",
        "attr",
        "acomp",
        "oprd",
        "dative",
        "npadvmod",
        "advmod",
        "compound",
        "amod",
        "nmod",
        "nsubjpass",
        "pcomp",
        "xcomp",
        "aux",
        "agent",
    }
)
PHRASE_DEPTH = 3
VERB_TAGS = frozenset({"VB", "VBD", "VBG", "VBN", "VBP", "VBZ"})
NOUN_POS = frozenset({"NOUN", "PROPN"})
# Dependents checked against blockers.tsv: the object, complement or subject of the word.
BLOCKER_DEPS = frozenset(
    {"dobj", "nsubjpass", "xcomp", "npadvmod", "nsubj", "attr", "oprd", "acomp"}
)
# A noun trigger used as a name or as a modifier of another noun is no event ("strike force").
NAME_ENTS = frozenset({"ORG", "PERSON", "GPE", "WORK_OF_ART", "LAW", "FAC", "PRODUCT"})
# ... unless the other noun only wraps the event: "a mediation effort", "a protest campaign".
SHELL_NOUNS = frozenset(
    "effort mission campaign operation process bid initiative drive attempt programme program "
    "action movement wave".split()
)
# Counting nouns between a light verb and its event: "launched ten days of war games".
QUANTITY_NOUNS = frozenset(
    "day week month hour year series wave round spate string number couple dozen hundred "
    "thousand lot host".split()
)


@dataclass(frozen=True, slots=True)
class Match:
    """One trigger found in the parse."""

    entry: Entry
    head: Token  # the verb whose arguments are the actors (or the noun of a nominal event)
    noun: Token | None  # the event noun, for noun triggers alone or with a light verb
    tokens: tuple[int, ...]  # document token indices of the trigger words, sorted
    light: str | None = None  # the light verb, when a noun trigger fired through one
    content: Token | None = None  # for a reported demand ("said Y must go"): the demanded verb

    @property
    def rule(self) -> str:
        if self.light:
            return f"lightverbs.tsv:{self.light}+{self.entry.rule}"
        return self.entry.rule

    @property
    def nominal(self) -> bool:
        """A noun trigger with no verb to give it actors ("the attack on the embassy")."""
        return self.noun is not None and self.head.i == self.noun.i

    @property
    def anchors(self) -> tuple[int, ...]:
        return (self.head.i,) if self.noun is None else (self.head.i, self.noun.i)


@functools.lru_cache(maxsize=65536)
def base_forms(word: str) -> tuple[str, ...]:
    """Candidate dictionary forms of an inflected word ("staged" -> "stage").

    The small model's lemmatizer sometimes misses ("staged" -> "stag"); lexicon look-ups try
    these as well. Only forms that are lexicon words ever match, so over-generation is cheap.
    """
    forms: list[str] = []
    if word.endswith("es") and not word.endswith(("ses", "xes", "zes", "ches", "shes")):
        word_es = False  # "aides" is "aide", not "aid"
    else:
        word_es = True
    for suffix, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("ing", ""),
        ("ing", "e"),
    ):
        if suffix == "es" and not word_es or (suffix == "s" and word.endswith("ss")):
            continue
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: len(word) - len(suffix)] + repl
            forms.append(stem)
            if repl == "" and len(stem) >= 4 and stem[-1] == stem[-2]:
                forms.append(stem[:-1])  # "stopped" -> "stop"
    return tuple(forms)


# The keys of the document last asked about, by token index. The lexicon matcher asks for
# every token's keys and the learned coder's features again for its candidates; one document
# is coded at a time, and holding it keeps its id from being reused.
_keys_of: tuple[Doc | None, dict[int, tuple[str, ...]]] = (None, {})


def token_keys(token: Token) -> tuple[str, ...]:
    """The forms a lexicon word may match: lemma, lower-case text, hyphenated compounds."""
    global _keys_of
    doc, known = _keys_of
    if doc is not token.doc:
        known = {}
        _keys_of = (token.doc, known)
    keys = known.get(token.i)
    if keys is None:
        keys = known[token.i] = _token_keys(token)
    return keys


def _token_keys(token: Token) -> tuple[str, ...]:
    keys = [token.lemma_.lower(), token.lower_, *base_forms(token.lower_)]
    start = hyphen_start(token)
    if start != token.i:
        first = token.doc[start].lower_
        keys += [f"{first}-{key}" for key in keys[:2]]
    return tuple(dict.fromkeys(keys))


def hyphen_start(token: Token) -> int:
    """The first token of a hyphenated compound ending at ``token`` (itself when none).

    spaCy splits "cease-fire", "sit-in", "cyber-attack" at the hyphen; the last piece heads.
    """
    doc, i = token.doc, token.i
    joined = i >= 2 and doc[i - 1].text == "-"
    if joined and not doc[i - 2].whitespace_ and not doc[i - 1].whitespace_:
        return i - 2
    return i


def is_verb(token: Token) -> bool:
    return token.pos_ == "VERB" or token.tag_ in VERB_TAGS


def has_object(token: Token) -> bool:
    # A clause counts as an object: "protested that ..." is said, not marched.
    return any(child.dep_ in ("dobj", "nsubjpass", "ccomp") for child in token.children)


def _small_clause(token: Token) -> bool:
    # "found the mayor GUILTY": the parser makes the adjective a clause of its own (ccomp).
    return token.dep_ == "ccomp" and token.pos_ == "ADJ"


def _neighbourhood(head: Token, lo: int, hi: int) -> list[tuple[int, Token]]:
    """Tokens reachable from ``head`` along phrase dependencies, with their tree distance."""
    found: list[tuple[int, Token]] = []
    frontier = [head]
    for depth in range(1, PHRASE_DEPTH + 1):
        nxt: list[Token] = []
        for token in frontier:
            for child in token.children:
                if (child.dep_ in PHRASE_DEPS or _small_clause(child)) and lo <= child.i < hi:
                    found.append((depth, child))
                    nxt.append(child)
        frontier = nxt
    return found


def _match_others(
    entry: Entry, head: Token, keys: dict[int, tuple[str, ...]], lo: int, hi: int
) -> list[int] | None:
    """Token indices for the entry's other words, or None when one of them is missing."""
    if not entry.others:
        return []
    # A preposition heading a date is no particle: "called Salman ON Saturday" is no "call on".
    near = [
        (depth, token)
        for depth, token in _neighbourhood(head, lo, hi)
        if not (token.dep_ == "prep" and any(c.ent_type_ in TIME_ENTS for c in token.children))
    ]
    used = {head.i}
    picked: list[int] = []
    for word in entry.others:
        options = [
            (depth, abs(token.i - head.i), token)
            for depth, token in near
            if token.i not in used and word in keys.get(token.i, ())
        ]
        if not options:
            return None
        token = min(options, key=lambda option: (option[0], option[1]))[2]
        used.add(token.i)
        picked.append(token.i)
    return picked


def _blocked(entry: Entry, head: Token, lexicon: Lexicon) -> bool:
    blocked = lexicon.blockers.get(entry.text)
    if not blocked:
        return False
    dependents = [child for child in head.children if child.dep_ in BLOCKER_DEPS]
    if entry.pos == "n":  # "the release of the report"
        dependents += [
            pobj
            for prep in head.children
            if prep.dep_ == "prep" and prep.lower_ == "of"
            for pobj in prep.children
        ]
    # "@oprd" blocks by dependency: "called the plan a disaster" names, it does not phone.
    if any(f"@{child.dep_}" in blocked for child in head.children):
        return True
    return any(token.lemma_.lower() in blocked or token.lower_ in blocked for token in dependents)


# An act of force or a meeting whose object is an amount is a figure of speech about markets
# ("the deficit hit a record $412bn", "negotiated 500m euros in savings").
AMOUNT_ENTS = frozenset({"MONEY", "PERCENT", "QUANTITY"})
TIME_ENTS = frozenset({"DATE", "TIME"})
NO_AMOUNT_TYPES = frozenset({"ASSAULT", "CONSULT", "COOPERATE", "COERCE", "MOBILIZE", "PROTEST"})


def _amount_object(entry: Entry, head: Token) -> bool:
    return entry.type in NO_AMOUNT_TYPES and any(
        child.dep_ == "dobj" and child.ent_type_ in AMOUNT_ENTS for child in head.children
    )


def _frame_ok(entry: Entry, head: Token) -> bool:
    if entry.frame == "dobj":
        return has_object(head)
    if entry.frame == "nodobj":
        return not any(child.dep_ in ("dobj", "ccomp") for child in head.children)
    return True


def _event_position(noun: Token) -> Token:
    """The token standing in the verb phrase for an event noun (its shell or counter noun)."""
    if noun.dep_ == "compound" and noun.head.lemma_.lower() in SHELL_NOUNS:
        return noun.head
    prep = noun.head
    if noun.dep_ == "pobj" and prep.lower_ == "of" and prep.head.lemma_.lower() in QUANTITY_NOUNS:
        return prep.head
    return noun


def _light_verb(
    noun: Token, lexicon: Lexicon, lo: int, hi: int
) -> tuple[Token, list[int], str] | None:
    """The light verb governing an event noun ("launched an attack"): the verb, its particles
    and its lightverbs.tsv entry."""
    noun = _event_position(noun)
    if noun.dep_ in ("dobj", "nsubjpass", "attr"):
        verb, via = noun.head, None
    elif noun.dep_ == "pobj" and noun.head.dep_ == "prep":
        verb, via = noun.head.head, noun.head
    else:
        return None
    if verb.i == noun.i or not (lo <= verb.i < hi) or not is_verb(verb):
        return None
    options = [(k, p) for k in token_keys(verb) for p in lexicon.light_verbs.get(k, ())]
    for key, particles in options:
        picked: list[int] = []
        children = [c for c in verb.children if lo <= c.i < hi]
        ok = True
        for word in particles:
            hit = next((c for c in children if c.lower_ == word and c.i not in picked), None)
            if hit is None:
                ok = False
                break
            picked.append(hit.i)
        # A noun reached through a preposition needs that preposition in the light verb.
        if ok and (via is None or via.i in picked):
            return verb, picked, " ".join((key, *particles))
    return None


# Verbs that report what someone said: "X said Y must ..." is X's demand on Y.
REPORTING_VERBS = frozenset(
    "say tell insist declare reiterate stress emphasize emphasise conclude add state argue "
    "announce write note assert maintain repeat".split()
)
# How far apart a reporting verb and its modal may be and still make one trigger span.
MAX_MODAL_GAP = 6


def _modal_demand(entry: Entry, modal: Token, lo: int, hi: int) -> list[Match]:
    """The demand a reported modal makes: with the words from the reporting verb, else alone."""
    content = modal.head
    if modal.dep_ != "aux" or content.dep_ != "ccomp" or not is_verb(content.head):
        return []
    speaker = content.head
    if not (lo <= speaker.i < hi) or not set(token_keys(speaker)) & REPORTING_VERBS:
        return []
    spans = [(modal.i,)]
    if abs(speaker.i - modal.i) <= MAX_MODAL_GAP:
        spans.insert(0, tuple(range(min(speaker.i, modal.i), max(speaker.i, modal.i) + 1)))
    return [Match(entry, speaker, None, tokens, content=content) for tokens in spans]


def _candidates(
    sentence: SpacySpan, lexicon: Lexicon
) -> Iterable[tuple[tuple[int, int, float], Match]]:
    lo, hi = sentence.start, sentence.end
    keys = {token.i: token_keys(token) for token in sentence}
    for token in sentence:
        if token.tag_ == "MD":
            for entry in lexicon.candidates(token.lower_, "m"):
                for match in _modal_demand(entry, token, lo, hi):
                    # Ranked below any lexicon word, so it never displaces a real trigger.
                    yield (0, 0, entry.strength), match
            continue
        # A participle modifying a noun ("the detained sailors") describes a state, not an act;
        # a predicative one tagged as an adjective ("is opposed to") still is one.
        verb_like = (
            is_verb(token) or (token.pos_ == "ADJ" and token.lower_.endswith("ed"))
        ) and token.dep_ not in ("amod", "compound")
        noun_like = token.pos_ in NOUN_POS
        for key in keys[token.i]:
            for pos in ("v", "n"):
                if (pos == "v" and not verb_like) or (pos == "n" and not noun_like):
                    continue
                for entry in lexicon.candidates(key, pos):
                    if not _frame_ok(entry, token) or _blocked(entry, token, lexicon):
                        continue
                    if _amount_object(entry, token):
                        continue
                    others = _match_others(entry, token, keys, lo, hi)
                    if others is None:
                        continue
                    tokens = sorted({*range(hyphen_start(token), token.i + 1), *others})
                    if pos == "v":
                        match = Match(entry, token, None, tuple(tokens))
                        yield (len(entry.words), 2, entry.strength), match
                        continue
                    if token.ent_type_ in NAME_ENTS or (
                        token.dep_ == "compound" and _event_position(token) is token
                    ):
                        continue
                    light = _light_verb(token, lexicon, lo, hi)
                    if light is not None:
                        verb, particles, name = light
                        all_tokens = tuple(sorted({verb.i, *particles, *tokens}))
                        match = Match(entry, verb, token, all_tokens, name)
                        yield (len(entry.words) + 1, 1, entry.strength), match
                    else:
                        yield (
                            (len(entry.words), 0, entry.strength),
                            Match(entry, token, token, tuple(tokens)),
                        )


def find_matches(sentence: SpacySpan, lexicon: Lexicon) -> list[Match]:
    """Non-overlapping trigger matches in one sentence, in text order.

    Longer matches first; at equal length an explicit lexicon phrase beats a light-verb
    composition, which beats a noun alone; then the stronger row.
    """
    ranked = sorted(_candidates(sentence, lexicon), key=lambda item: item[0], reverse=True)
    taken: set[int] = set()
    chosen: list[Match] = []
    for _, match in ranked:
        if taken.intersection(match.tokens):
            continue
        taken.update(match.tokens)
        chosen.append(match)
    return sorted(chosen, key=lambda match: match.tokens[0])
