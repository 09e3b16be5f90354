"""The named features the learned event coder reads: of a word, of an event, of an actor pair.

Consumes a parsed article (spaCy ``Doc``), its actor mentions and the lexicon coder's events
(``ArticleContext``); produces lists of feature names, one list per instance:

* ``trigger_features``: is this word an event, and of which type? Its lemma, part of speech
  and dependency, its head and dependents (with the words they are), its neighbours, the
  lexicon rows it could fire (``verbs.tsv``) and what the lexicon coder made of it.
* ``factuality_features``: did the event happen? Auxiliaries, negation, the verbs and
  conjunctions above it ("denied", "if", "plans to", "said"), modifiers ("alleged"), quotes.
* ``role_features``: is this actor mention the source, the target or neither of this event?
  The dependency path between them, their order and distance, the kind of actor and what the
  lexicon coder said.

The lexicon and the parse are features here, not the decision: the weights learned from
annotated news decide (``training/train_events.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eventscope.events.lexicon import Lexicon
from eventscope.events.triggers import token_keys
from eventscope.records import Actor, Event

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Words that may be event words. Nouns and verbs make almost all of them; adjectives and
# auxiliaries carry a few ("was critical of", "be sanctioned").
CANDIDATE_POS = frozenset({"VERB", "NOUN", "ADJ", "PROPN", "AUX"})
# Dependents whose words say what the event is (the object of "launched", the particle of
# "walked away", the preposition of "fired at").
ARGUMENT_DEPS = frozenset(
    {
        "dobj",
        "prt",
        "prep",
        "compound",
        "amod",
        "nsubjpass",
        "xcomp",
        "acomp",
        "attr",
        "oprd",
        "nsubj",
        "agent",
        "dative",
        "ccomp",
        "npadvmod",
        "advmod",
        "poss",
        "det",
    }
)
MODAL_WORDS = frozenset("will would could might may should can must shall 'll 'd wo ca".split())
CONDITION_WORDS = frozenset("if unless whether until once before after when".split())
PRONOUN_WORDS = frozenset(
    "i me my we us our you your he him his she her it its they them their who which that".split()
)
QUOTE_CHARS = frozenset('"“”')
MAX_PATH = 5
DISTANCE_BUCKETS = (1, 2, 3, 5, 8, 12, 20)


@dataclass
class ArticleContext:
    """What the features of one article read, indexed by token."""

    doc: Doc
    lexicon: Lexicon
    actor_at: dict[int, Actor] = field(default_factory=dict)  # token -> longest mention
    actor_head: dict[int, int] = field(default_factory=dict)  # mention start -> head token
    rule_at: dict[int, Event] = field(default_factory=dict)  # token -> lexicon coder's event
    in_quote: set[int] = field(default_factory=set)
    sentence_of: dict[int, int] = field(default_factory=dict)  # token -> sentence index
    sentence_features: dict[int, list[str]] = field(default_factory=dict)
    rule_lemmas: dict[str, list[int]] = field(default_factory=dict)  # lemma -> rule trigger tokens
    lex_types: dict[int, tuple[str, ...]] = field(default_factory=dict)  # token -> lexicon types

    def lexicon_types(self, token: Token) -> tuple[str, ...]:
        """The types the lexicon lists for the word (sorted), looked up once per article."""
        found = self.lex_types.get(token.i)
        if found is None:
            found = self.lex_types[token.i] = tuple(sorted(lexicon_types(token, self.lexicon)))
        return found

    def rule_lemmas_before(self, lemma: str, i: int) -> int:
        """How many earlier words of this lemma the lexicon coder made a trigger."""
        return sum(1 for j in self.rule_lemmas.get(lemma, ()) if j < i)


def build_context(
    doc: Doc,
    sentence_spans: Sequence[tuple[int, int, int]],
    actors: Sequence[Actor],
    rule_events: Sequence[Event],
    lexicon: Lexicon,
) -> ArticleContext:
    """Index an article for the features. ``sentence_spans`` are (index, first token, end token)
    of the content sentences."""
    ctx = ArticleContext(doc=doc, lexicon=lexicon)
    for actor in sorted(actors, key=lambda a: a.span.end - a.span.start):
        span = doc.char_span(actor.span.start, actor.span.end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        for token in span:
            ctx.actor_at[token.i] = actor  # longer mentions overwrite shorter ones
        ctx.actor_head[actor.span.start] = span.root.i
    for event in rule_events:
        span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        if span is not None:
            for token in span:
                ctx.rule_at.setdefault(token.i, event)
    for event in rule_events:
        span = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        if span is not None and len(span):
            ctx.rule_lemmas.setdefault(span.root.lemma_.lower(), []).append(span.root.i)
    for number, (index, start, end) in enumerate(sentence_spans):
        ctx.sentence_features[index] = _sentence_features(doc, start, end, number, ctx)
        inside = False
        for i in range(start, end):
            token = doc[i]
            ctx.sentence_of[i] = index
            if token.text in QUOTE_CHARS or (token.text == "''" or token.text == "``"):
                inside = not inside if token.text in ('"', "''") else token.text in ("“", "``")
                continue
            if inside:
                ctx.in_quote.add(i)
    return ctx


def _sentence_features(
    doc: Doc, start: int, end: int, number: int, ctx: ArticleContext
) -> list[str]:
    """What the whole sentence is like: where it stands, how long, whether it names actors,
    speaks in the first person, asks, quotes."""
    tokens = doc[start:end]
    actors = {id(ctx.actor_at[i]) for i in range(start, end) if i in ctx.actor_at}
    out = [
        f"s_pos={min(number, 5)}",
        f"s_len={_bucket(len(tokens) // 4)}",
        f"s_actors={min(len(actors), 3)}",
    ]
    lowers = {t.lower_ for t in tokens}
    if lowers & {"i", "we", "my", "our", "me", "us"}:
        out.append("s_first_person")
    if "?" in lowers:
        out.append("s_question")
    if lowers & QUOTE_CHARS:
        out.append("s_quote")
    if not any(t.ent_type_ in ("PERSON", "ORG", "GPE", "NORP") for t in tokens):
        out.append("s_no_names")
    return out


def is_candidate(token: Token) -> bool:
    return token.pos_ in CANDIDATE_POS and any(c.isalpha() for c in token.text)


def word(token: Token) -> str:
    """A dependent as a feature value: named entities by their label, pronouns as themselves,
    numbers as NUM, other words by lemma."""
    if token.ent_type_ in (
        "PERSON",
        "GPE",
        "ORG",
        "NORP",
        "DATE",
        "TIME",
        "MONEY",
        "CARDINAL",
        "PERCENT",
        "LOC",
        "FAC",
        "QUANTITY",
    ):
        return token.ent_type_
    if token.like_num:
        return "NUM"
    return token.lemma_.lower()


def _bucket(value: int) -> str:
    for limit in DISTANCE_BUCKETS:
        if value <= limit:
            return str(limit)
    return "far"


def lexicon_types(token: Token, lexicon: Lexicon) -> set[str]:
    pos = "v" if token.pos_ in ("VERB", "AUX") or token.tag_.startswith("VB") else "n"
    found: set[str] = set()
    for key in token_keys(token):
        for entry in lexicon.candidates(key, pos):
            found.add(entry.type)
    return found


def trigger_features(token: Token, ctx: ArticleContext) -> list[str]:
    """Features of one candidate word (see the module doc)."""
    lemma = token.lemma_.lower()
    pos, dep = token.pos_, token.dep_
    head = token.head
    head_lemma = head.lemma_.lower() if head.i != token.i else "ROOT"
    out = [
        f"l={lemma}",
        f"p={pos}",
        f"t={token.tag_}",
        f"d={dep}",
        f"l|p={lemma}|{pos}",
        f"l|d={lemma}|{dep}",
        f"l|t={lemma}|{token.tag_}",
        f"h={head_lemma}",
        f"d|h={dep}|{head_lemma}",
        f"l|h={lemma}|{head_lemma}",
        f"hp={head.pos_}",
    ]
    lower = token.lower_
    if lower != lemma:
        out.append(f"w={lower}")
    doc = ctx.doc
    if token.i > 0:
        prev = doc[token.i - 1]
        out += [f"p1={word(prev)}", f"l|p1={lemma}|{word(prev)}"]
        if token.i > 1:
            out.append(f"p2={word(doc[token.i - 2])}")
    if token.i + 1 < len(doc):
        nxt = doc[token.i + 1]
        out += [f"n1={word(nxt)}", f"l|n1={lemma}|{word(nxt)}"]
        if token.i + 2 < len(doc):
            out.append(f"n2={word(doc[token.i + 2])}")
    out += ctx.sentence_features.get(ctx.sentence_of.get(token.i, -1), [])
    seen = ctx.rule_lemmas_before(lemma, token.i)
    if seen:
        out += [f"doc_seen={min(seen, 3)}", f"doc_seen|p={min(seen, 3)}|{pos}"]
    for child in token.children:
        cdep = child.dep_
        out.append(f"c={cdep}")
        if cdep in ARGUMENT_DEPS:
            value = word(child)
            out += [f"c|w={cdep}|{value}", f"l|c|w={lemma}|{cdep}|{value}"]
            if cdep == "prep":
                for pobj in child.children:
                    if pobj.dep_ == "pobj":
                        out.append(f"l|prep|w={lemma}|{child.lower_}|{word(pobj)}")
                        if pobj.i in ctx.actor_at:
                            out.append(f"prep|actor={child.lower_}")
            elif child.i in ctx.actor_at:
                actor = ctx.actor_at[child.i]
                out += [f"c|actor={cdep}", f"c|kind={cdep}|{actor.kind}"]
        elif cdep == "neg":
            out.append("neg")
        elif cdep == "aux" and child.lower_ in MODAL_WORDS:
            out.append(f"modal={child.lower_}")
    if token.i in ctx.actor_at:
        out.append(f"in_actor={ctx.actor_at[token.i].kind}")
    for kind in ctx.lexicon_types(token):
        out += [f"lex={kind}", f"lex|p={kind}|{pos}"]
    rule = ctx.rule_at.get(token.i)
    if rule is not None:
        out += [
            f"rule={rule.type}",
            f"rule|l={rule.type}|{lemma}",
            f"rule|fact={rule.factuality}",
            f"rule|roles={bool(rule.source)}|{bool(rule.target)}",
        ]
        if rule.trigger.start == token.idx:
            out.append("rule_first")
    head_rule = ctx.rule_at.get(head.i) if head.i != token.i else None
    if head_rule is not None and head_rule is not rule:
        out += [f"h_rule={head_rule.type}", f"h_rule|d={head_rule.type}|{dep}"]
    elif head.i != token.i:
        for kind in ctx.lexicon_types(head):
            out.append(f"h_lex|d={kind}|{dep}")
    if token.i in ctx.in_quote:
        out.append("in_quote")
    return out


def _ancestors(token: Token, limit: int = 4) -> list[tuple[str, Token]]:
    chain: list[tuple[str, Token]] = []
    current = token
    for _ in range(limit):
        if current.head.i == current.i:
            break
        chain.append((current.dep_, current.head))
        current = current.head
    return chain


def factuality_features(token: Token, typ: str, ctx: ArticleContext) -> list[str]:
    """Features of whether an event (its trigger word, its type) happened."""
    out = [f"type={typ}", f"t={token.tag_}", f"d={token.dep_}", f"p={token.pos_}"]
    for child in token.children:
        cdep, clower = child.dep_, child.lower_
        if cdep in ("aux", "auxpass"):
            out.append(f"aux={child.lemma_.lower() if clower not in MODAL_WORDS else clower}")
        elif cdep == "neg" or clower in ("no", "never", "not"):
            out.append("neg")
        elif cdep == "mark":
            out.append(f"mark={clower}")
        elif cdep in ("amod", "advmod", "det", "npadvmod"):
            out.append(f"{cdep}={child.lemma_.lower()}")
        elif cdep == "prep" and clower in ("after", "before", "until", "if"):
            out.append(f"prep={clower}")
    for depth, (dep, gov) in enumerate(_ancestors(token)):
        glemma = gov.lemma_.lower()
        out += [f"anc={glemma}", f"anc|d={dep}|{glemma}", f"anc{depth}|d={dep}"]
        if depth == 0:
            out.append(f"gov|type={glemma}|{typ}")
        for child in gov.children:
            if child.dep_ == "neg":
                out.append(f"anc_neg|{glemma}")
            elif child.dep_ == "aux" and child.lower_ in MODAL_WORDS:
                out.append(f"anc_modal={child.lower_}")
            elif child.dep_ == "mark" and child.lower_ in CONDITION_WORDS:
                out.append(f"anc_mark={child.lower_}")
        if gov.dep_ == "ROOT":
            out.append(f"root={glemma}")
    rule = ctx.rule_at.get(token.i)
    if rule is not None:
        out.append(f"rule_fact={rule.factuality}")
    if token.i in ctx.in_quote:
        out.append("in_quote")
    sent = token.sent
    words = {t.lower_ for t in sent}
    out += [f"s={w}" for w in sorted(words & (CONDITION_WORDS | MODAL_WORDS | _REPORT_WORDS))]
    return out


_REPORT_WORDS = frozenset(
    "according allegedly reportedly alleged claimed accused say said says told deny denied "
    "denies".split()
)


def dependency_path(a: Token, b: Token) -> str | None:
    """The dependency path from ``a`` up to the common ancestor and down to ``b`` ("<" up,
    ">" down), or None when longer than ``MAX_PATH`` steps."""
    up: list[Token] = [a]
    while up[-1].head.i != up[-1].i and len(up) <= MAX_PATH + 1:
        up.append(up[-1].head)
    index = {t.i: n for n, t in enumerate(up)}
    down: list[Token] = [b]
    while down[-1].i not in index:
        if down[-1].head.i == down[-1].i or len(down) > MAX_PATH + 1:
            return None
        down.append(down[-1].head)
    n_up = index[down[-1].i]
    if n_up + len(down) - 1 > MAX_PATH:
        return None
    steps = [f"<{t.dep_}" for t in up[:n_up]]
    steps += [f">{t.dep_}" for t in reversed(down[:-1])]
    # A preposition on the way down is named: "fired >prep:at >pobj".
    for n, t in enumerate(reversed(down[:-1])):
        if t.dep_ == "prep":
            steps[n_up + n] = f">prep:{t.lower_}"
    return "".join(steps) or "="


def role_features(
    trigger: Token, head: Token, actor: Actor | None, typ: str, ctx: ArticleContext
) -> list[str]:
    """Features of whether the mention headed by ``head`` is this event's source or target."""
    lemma = trigger.lemma_.lower()
    path = dependency_path(trigger, head)
    path_name = path if path is not None else "far"
    after = head.i > trigger.i
    distance = _bucket(abs(head.i - trigger.i))
    out = [
        f"path={path_name}",
        f"path|type={path_name}|{typ}",
        f"path|l={path_name}|{lemma}",
        f"dir={after}",
        f"dir|type={after}|{typ}",
        f"dist={distance}",
        f"dist|dir={distance}|{after}",
        f"hdep={head.dep_}",
        f"hdep|type={head.dep_}|{typ}",
        f"tpos={trigger.pos_}",
    ]
    if path is not None:
        short = path.split(">")[0]
        out.append(f"up={short}|{typ}")
    if actor is None:
        out.append("unresolved" if head.lower_ not in PRONOUN_WORDS else "pronoun")
    else:
        out += [
            f"kind={actor.kind}",
            f"sector={actor.sector}",
            f"country={bool(actor.country)}",
            f"kind|type={actor.kind}|{typ}",
        ]
        if head.lower_ in PRONOUN_WORDS:
            out.append("pronoun")
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children)
    if passive:
        out.append(f"passive|path={path_name}")
    rule = ctx.rule_at.get(trigger.i)
    if rule is not None and actor is not None:
        if any(a.span == actor.span for a in rule.source):
            out.append("rule_source")
        if any(a.span == actor.span for a in rule.target):
            out.append("rule_target")
    lo, hi = sorted((trigger.i, head.i))
    verbs = sum(1 for t in ctx.doc[lo + 1 : hi] if t.pos_ == "VERB")
    out.append(f"verbs_between={min(verbs, 3)}")
    if (trigger.i in ctx.in_quote) != (head.i in ctx.in_quote):
        out.append("quote_boundary")
    return out
