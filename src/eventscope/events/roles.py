"""Who did it and to whom: source and target of a trigger, mapped to the actor mentions.

Consumes a ``Match`` (its anchor tokens in the parse) and the ``Actor`` records of the article;
produces the syntactic heads of each role and the actors those heads stand for. The parse
decides the roles (subject, passive agent, object, the prepositions a row allows); the actor
mentions decide who the heads are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from eventscope.events.triggers import Match, is_verb
from eventscope.nlp import doc_text
from eventscope.records import Actor, Span

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Verbs whose object, not subject, does the embedded action ("urged Iran to release").
OBJECT_CONTROL = frozenset(
    "urge ask order force allow permit tell call encourage invite pressure persuade compel "
    "help authorize authorise instruct enable press push lead get".split()
)
# Modifiers of a role head that may name whose forces, officials or people they are.
OWNER_DEPS = ("poss", "compound", "amod", "nmod")
PRONOUNS = frozenset("it they he she we i its their his her our".split())
# Phrases whose object words are the actor's own forces or goods, never the recipient.
OWN_MEANS_TYPES = frozenset({"MOBILIZE", "AID"})
OWN_MEANS_MODES = frozenset(
    {("RETREAT", "withdraw"), ("RETREAT", "disarm"), ("SANCTION", "withdraw")}
)
# Types whose recipient may be the subject of the demanded or refused clause.
ADDRESSEE_TYPES = frozenset({"REQUEST", "REJECT", "THREATEN"})


class ActorIndex:
    """Actor mentions by the tokens they cover, for mapping role heads to actors."""

    def __init__(self, doc: Doc, actors: Iterable[Actor]) -> None:
        self.doc = doc
        self._by_token: dict[int, list[Actor]] = {}
        self._named: dict[int, Actor] = {}  # a pronoun's antecedent named in its sentence
        earlier: list[Actor] = []
        for actor in sorted(actors, key=lambda a: a.span.start):
            span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                self._by_token.setdefault(token.i, []).append(actor)
            if _is_pronoun_coref(actor):
                named = [
                    a for a in earlier if a.sentence == actor.sentence and a.name == actor.name
                ]
                if named:
                    self._named[span[0].i] = named[-1]
            else:
                earlier.append(actor)

    def at(self, token: Token) -> Actor | None:
        """The longest actor mention covering ``token``; for "X said HE would ...", X's
        mention, which names them."""
        if token.i in self._named:
            return self._named[token.i]
        found = self._by_token.get(token.i)
        if not found:
            return None
        return max(found, key=lambda actor: actor.span.end - actor.span.start)

    def resolve(self, head: Token) -> tuple[Actor, ...]:
        """The actors a role head stands for, one per coordinated conjunct."""
        result: list[Actor] = []
        seen: set[tuple[int, int]] = set()
        for token in (head, *head.conjuncts):
            actor = self._one(token)
            if actor is not None and (actor.span.start, actor.span.end) not in seen:
                seen.add((actor.span.start, actor.span.end))
                result.append(actor)
        return tuple(result)

    def _one(self, head: Token) -> Actor | None:
        direct = self.at(head)
        if direct is not None and direct.country:
            return direct
        # "Russia's forces", "Israeli troops", "the army of Sudan": the owner names who acts.
        owners = [c for c in head.children if c.dep_ in OWNER_DEPS]
        owners += [
            pobj
            for prep in head.children
            if prep.dep_ == "prep" and prep.lower_ == "of"
            for pobj in prep.children
            if pobj.dep_ == "pobj"
        ]
        for owner in owners:
            actor = self.at(owner)
            if actor is None or actor is direct or owner.lower_ in PRONOUNS:
                continue  # "his forces" is resolved by the actor stage, "his home" is no actor
            if direct is not None and not actor.country:
                continue
            return self._widen(actor, head, direct)
        return direct

    def _widen(self, owner: Actor, head: Token, direct: Actor | None) -> Actor:
        # The owner's identity over the whole phrase ("Russia's forces"), keeping the head's
        # sector where the head mention had one ("forces" -> MIL).
        head_end = head.idx + len(head.text)
        start = min(owner.span.start, direct.span.start if direct else head.left_edge.idx)
        end = max(owner.span.end, direct.span.end if direct else head_end)
        text = doc_text(self.doc)[start:end]
        sector = direct.sector if direct is not None and direct.sector else owner.sector
        return dataclasses.replace(owner, span=Span(start, end, text), sector=sector)


def _is_pronoun_coref(actor: Actor) -> bool:
    return actor.rule.startswith("coref:") and actor.span.text.lower() in PRONOUNS


def _children(token: Token, *deps: str) -> list[Token]:
    return [child for child in token.children if child.dep_ in deps]


def _pobjs(prep: Token) -> list[Token]:
    return [child for child in prep.children if child.dep_ == "pobj"]


def is_passive(verb: Token) -> bool:
    return any(child.dep_ in ("nsubjpass", "auxpass") for child in verb.children)


def agent_heads(verb: Token) -> list[Token]:
    return [pobj for agent in _children(verb, "agent") for pobj in _pobjs(agent)]


def inherited_subject(verb: Token) -> list[Token]:
    """The subject an xcomp, conj, participle or relative clause takes from its governor."""
    current = verb
    for _ in range(4):
        dep, gov = current.dep_, current.head
        if gov.i == current.i:
            return []
        if dep == "xcomp":
            if gov.lemma_.lower() in OBJECT_CONTROL and _children(gov, "dobj"):
                return _children(gov, "dobj")
            subjects = _children(gov, "nsubj", "nsubjpass")
            if subjects:
                return subjects
        elif dep == "conj" and is_verb(gov):
            subjects = _children(gov, "nsubj") or agent_heads(gov)
            if subjects:
                return subjects
        elif dep == "advcl" and current.tag_ in ("VBG", "VBN", "VB"):
            subjects = _children(gov, "nsubj")
            if subjects:
                return subjects
        elif dep == "acomp":  # "Syria is willing to withdraw": the subject of "is"
            subjects = _children(gov, "nsubj", "nsubjpass")
            if subjects:
                return subjects
        elif dep == "relcl":
            return [gov]
        elif dep == "acl" and current.tag_ == "VBG":
            return [gov]
        else:
            return []
        current = gov
    return []


def source_heads(match: Match) -> list[list[Token]]:
    """Candidate heads for the source, best first (each list is one alternative)."""
    if match.nominal:
        noun = match.head
        groups = [
            _children(noun, "poss"),
            [p for prep in noun.children if prep.lower_ == "by" for p in _pobjs(prep)],
            _children(noun, "compound", "amod", "nmod"),
            [p for prep in noun.children if prep.lower_ == "between" for p in _pobjs(prep)],
        ]
        return [group for group in groups if group]
    verb = match.head
    if is_passive(verb) or (verb.dep_ == "acl" and verb.tag_ == "VBN"):
        return [group for group in (agent_heads(verb),) if group]
    groups = [_children(verb, "nsubj", "csubj"), inherited_subject(verb)]
    if match.noun is not None:  # "held talks between X and Y"
        groups.append(
            [p for prep in match.noun.children if prep.lower_ == "between" for p in _pobjs(prep)]
        )
    return [group for group in groups if group]


def target_heads(match: Match, preps: frozenset[str]) -> list[list[Token]]:
    """Candidate heads for the target, best first."""
    trigger_tokens = set(match.tokens)
    groups: list[list[Token]] = []
    hosts: list[Token] = []  # tokens whose prepositions may carry the target
    if match.nominal:
        hosts.append(match.head)
    elif match.content is not None:
        # "Russia said Sudan must return the helicopter": the demand is on Sudan.
        groups.append(_children(match.content, "nsubj", "nsubjpass"))
    else:
        verb = match.head
        if is_passive(verb):
            groups.append(_children(verb, "nsubjpass"))
        elif verb.dep_ == "acl" and verb.tag_ == "VBN":
            groups.append([verb.head])
        for dative in _children(verb, "dative"):
            groups.append(_pobjs(dative) or [dative])
        # "found the mayor GUILTY": the subject of a small clause in the phrase is its object.
        groups.extend(
            _children(c, "nsubj") for c in _children(verb, "ccomp") if c.i in trigger_tokens
        )
        if verb.lemma_.lower() in OBJECT_CONTROL:
            # "allowed the candidate to run", parsed with the candidate as the clause subject
            groups.extend(_children(c, "nsubj") for c in _children(verb, "ccomp", "xcomp"))
        doc = verb.doc
        # Phrase words that are verbs ("refuse to RELEASE the sailors") take objects too.
        verbs = [verb] + [doc[i] for i in match.tokens if i != verb.i and doc[i].pos_ == "VERB"]
        objects = [c for v in verbs for c in _children(v, "dobj") if c.i not in trigger_tokens]
        groups.append(objects)
        # A phrase's own object may be the recipient: "released HOSTAGES", "expelled DIPLOMATS",
        # but not when it is the actor's own means: "deployed TROOPS", "withdrew FORCES".
        entry = match.entry
        if entry.type not in OWN_MEANS_TYPES and (entry.type, entry.mode) not in OWN_MEANS_MODES:
            groups.append([c for v in verbs for c in _children(v, "dobj") if c.i in trigger_tokens])
        hosts.extend(verbs)
        hosts.extend(objects)
        hosts.extend(doc[i] for i in match.tokens if doc[i].pos_ in ("NOUN", "PROPN"))
    for host in hosts:
        for prep in _children(host, "prep", "dative"):
            pobjs = [p for p in _pobjs(prep) if p.i not in trigger_tokens]
            if prep.i in trigger_tokens:  # "met WITH Merkel", "fired AT the crowd"
                groups.insert(0, pobjs)
            elif prep.lower_ in preps:
                groups.append(pobjs)
    if not match.nominal and match.content is None:
        # "threatened to crush the rebels": the object of a complement verb the lexicon
        # does not know is still whom the threat, demand or promise is about.
        groups.extend(_children(xcomp, "dobj") for xcomp in _children(match.head, "xcomp"))
    if match.entry.type in ADDRESSEE_TYPES:
        # "demanded that the US cancel the sale", "its demand that Israel ease restrictions"
        clauses = [c for h in (match.head, match.noun) if h is not None for c in h.children]
        groups.extend(
            _children(c, "nsubj", "nsubjpass") for c in clauses if c.dep_ in ("ccomp", "acl")
        )
    # Whose proposal, call or crime it was: "rejected calls BY Belarus", "Israel's proposal".
    objects = [c for c in _children(match.head, "dobj", "nsubjpass") if c.i not in trigger_tokens]
    if match.noun is not None:
        objects.append(match.noun)
    for thing in objects:
        groups.append(_children(thing, "poss"))
        groups.extend(
            _pobjs(prep) for prep in _children(thing, "prep") if prep.lower_ in ("by", "from")
        )
    return [group for group in groups if group]


def first_resolved(
    index: ActorIndex, groups: Sequence[Sequence[Token]], *, exclude: Sequence[Span] = ()
) -> tuple[Actor, ...]:
    """The actors of the first candidate group any of whose heads is an actor.

    An actor overlapping an ``exclude`` span (the trigger's head words: "a car BOMB") is not
    an actor of that trigger.
    """
    for group in groups:
        found: list[Actor] = []
        for head in group:
            for actor in index.resolve(head):
                if actor not in found and not any(actor.span.overlaps(x) for x in exclude):
                    found.append(actor)
        if found:
            return tuple(found)
    return ()


def speaker_subject(token: Token) -> list[Token]:
    """The subject of the clause that reports or governs ``token`` (for "it"/"they")."""
    current = token
    for _ in range(5):
        if current.dep_ not in ("ccomp", "xcomp", "conj", "advcl", "relcl", "acomp") or (
            current.head == current
        ):
            return []
        current = current.head
        subjects = _children(current, "nsubj")
        if subjects and subjects[0].lower_ not in PRONOUNS:
            return subjects
    return []
