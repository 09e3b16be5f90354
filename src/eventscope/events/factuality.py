"""Whether an event happened: asserted, negated, hypothetical, planned or reported.

Consumes a ``Match`` in its parse; produces a ``records.Factuality``. The cues are the trigger's
own clause (negation, modals, "will", "if"), the verbs that embed it ("refused to", "plans to",
"said that") and, for noun triggers, their modifiers ("no attack", "the planned visit").
When several cues apply the order is negated > hypothetical > planned > reported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventscope.events.triggers import Match, is_verb
from eventscope.records import Factuality

if TYPE_CHECKING:
    from spacy.tokens import Token

NEGATING_GOVERNORS = frozenset("deny refuse decline fail avoid refrain reject".split())
MODALS = frozenset("would could might may should 'd".split())
FUTURE = frozenset("will shall 'll wo".split())
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
HYPOTHETICAL_GOVERNORS = frozenset(
    "warn fear predict threaten speculate worry suggest consider mull weigh contemplate hope "
    "wish want seek risk imagine".split()
)
PLANNING_GOVERNORS = frozenset(
    "plan intend schedule expect prepare prepared aim set due about go willing ready".split()
)
PLANNING_NOUNS = frozenset("plan plans proposal intention schedule preparation".split())
PLANNING_MODIFIERS = frozenset(
    "planned proposed upcoming scheduled forthcoming future expected impending".split()
)
HYPOTHETICAL_MODIFIERS = frozenset("possible potential hypothetical likely feared".split())
REPORTING_ADVERBS = frozenset(
    "reportedly allegedly purportedly apparently supposedly ostensibly".split()
)
REPORTING_MODIFIERS = frozenset("alleged reported suspected purported apparent".split())
SPEECH_VERBS = frozenset(
    "say tell report claim state allege insist assert add note confirm quote declare write "
    "testify argue maintain contend announce reveal acknowledge admit believe think suspect "
    "indicate show explain recall describe".split()
)
# Dependencies through which a clause is the complement of the verb above it.
EMBEDDING_DEPS = frozenset({"ccomp", "advcl", "pcomp", "prep", "pobj", "dobj", "acl", "relcl"})


def _clause_verb(noun: Token) -> Token | None:
    """The verb a noun trigger is an argument of ("no attack WAS reported")."""
    current = noun
    for _ in range(4):
        if current.head.i == current.i:
            return None
        current = current.head
        if is_verb(current) or current.pos_ == "AUX":
            return current
    return None


def _own_clause(match: Match) -> list[Token]:
    return own_clause(match.head, nominal=match.nominal)


def own_clause(head: Token, *, nominal: bool) -> list[Token]:
    """The trigger and the verbs that share its clause: xcomp governors, coordinated heads."""
    tokens = [head]
    if nominal:
        verb = _clause_verb(head)
        if verb is not None:
            tokens.append(verb)
    current = tokens[-1]
    for _ in range(4):
        if current.dep_ in ("xcomp", "conj") and current.head.i != current.i:
            current = current.head
            tokens.append(current)
        else:
            break
    return tokens


def _embedders(start: Token) -> list[Token]:
    """Verbs above ``start`` whose complement (directly or not) it is, nearest first."""
    found: list[Token] = []
    current = start
    for _ in range(8):
        if current.head.i == current.i or current.dep_ not in EMBEDDING_DEPS | {"xcomp", "conj"}:
            break
        current = current.head
        if is_verb(current):
            found.append(current)
    return found


def _lemmas(tokens: list[Token]) -> set[str]:
    return {token.lemma_.lower() for token in tokens}


def factuality_of(match: Match) -> Factuality:
    return factuality_cue(match)[0]


def factuality_cue(match: Match) -> tuple[Factuality, str]:
    """The factuality of a trigger and the cue that decided it.

    Cues: negation, refusal, denial, conditional, modal, prediction, future, plan, report,
    or "" for a plain assertion. The coder turns a promised or threatened act (future, plan,
    modal) into AGREE or THREATEN and a negated cooperative act (negation, refusal) into
    REJECT, as the PLOVER manual reads such sentences.
    """
    own = _own_clause(match)
    # The verbs governing the trigger within its clause: xcomp heads ("refused to GO"), or for
    # a noun the verb it is an argument of ("are preparing an OFFENSIVE").
    governors = own[1:]
    above = _embedders(own[-1])
    children = [child for token in own for child in token.children]
    words = {child.lower_ for child in children}
    aux = {child.lower_ for child in children if child.dep_ in ("aux", "auxpass")}
    noun_mods: set[str] = set()
    if match.noun is not None:
        noun_mods = {child.lower_ for child in match.noun.children}
    governing = _lemmas(governors)
    nearest = above[0].lemma_.lower() if above else ""
    # Modals of the verbs above, up to the first speech verb: "would stay ... to FIGHT".
    for verb in above:
        if verb.lemma_.lower() in SPEECH_VERBS:
            break
        aux |= {child.lower_ for child in verb.children if child.dep_ in ("aux", "auxpass")}

    # "did not attack", "never met", "no attack was reported", "no protesters were arrested"
    no_subject = any(
        child.dep_ in ("nsubj", "nsubjpass")
        and any(d.dep_ == "det" and d.lower_ == "no" for d in child.children)
        for child in children
    )
    if any(child.dep_ == "neg" for child in children) or "no" in noun_mods or no_subject:
        # A refusal is the actor's own: in its own clause or one it is reported saying,
        # not deep in someone's doubt ("can't be sure Barr isn't providing cover").
        if not above or above[0].lemma_.lower() in SPEECH_VERBS:
            return "negated", "negation"
        return "negated", "embedded negation"
    if governing & NEGATING_GOVERNORS:
        return "negated", "refusal"
    if nearest in NEGATING_GOVERNORS:
        return "negated", "denial"

    conditional = any(
        child.dep_ == "mark" and child.lower_ in CONDITIONAL_MARKS
        for token in (*own, *above)
        for child in token.children
    )
    if conditional:
        return "hypothetical", "conditional"
    if aux & MODALS:
        return "hypothetical", "modal"
    if noun_mods & HYPOTHETICAL_MODIFIERS or governing & HYPOTHETICAL_GOVERNORS:
        return "hypothetical", "prediction"
    if nearest in HYPOTHETICAL_GOVERNORS:
        return "hypothetical", "prediction"

    if aux & FUTURE:
        return "planned", "future"
    if governing & PLANNING_GOVERNORS or ("be" in governing and "to" in words):
        return "planned", "plan"
    if noun_mods & PLANNING_MODIFIERS or (match.noun is not None and _under_plan(match.noun)):
        return "planned", "plan-noun"

    if words & REPORTING_ADVERBS or noun_mods & REPORTING_MODIFIERS:
        return "reported", "report"
    if _lemmas(above) & SPEECH_VERBS or _according_to(match.head):
        return "reported", "report"
    return "asserted", ""


def reporter_heads(match: Match) -> list[Token]:
    return reporter_heads_of(match.head, nominal=match.nominal)


def reporter_heads_of(head: Token, *, nominal: bool) -> list[Token]:
    """Who reports the event of the trigger ``head``: the subject of the nearest speech verb
    above it ("the ministry SAID rebels attacked"), else the object of "according to" in its
    sentence."""
    for verb in _embedders(own_clause(head, nominal=nominal)[-1]):
        if verb.lemma_.lower() in SPEECH_VERBS:
            subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
            if not subjects and verb.tag_ == "VBG":
                # "Iran demanded ..., SAYING marines had seized it": the main clause's subject.
                root = verb.sent.root
                subjects = [c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")]
            return subjects
    for token in head.sent:
        if token.lower_ == "according" and token.i + 1 < token.sent.end:
            to = token.nbor()
            if to.lower_ == "to":
                return [c for c in to.children if c.dep_ == "pobj"]
    return []


def _under_plan(noun: Token) -> bool:
    # "plans for talks", "a proposal for a ceasefire"
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        return head.head.lemma_.lower() in PLANNING_NOUNS
    return False


def _according_to(token: Token) -> bool:
    sentence = token.sent
    return any(
        t.lower_ == "according" and t.i + 1 < sentence.end and t.nbor().lower_ == "to"
        for t in sentence
    )
