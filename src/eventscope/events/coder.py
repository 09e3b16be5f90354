"""Coding events: triggers, roles, type/mode/CAMEO, factuality -> ``Event`` records.

Consumes the parsed article (spaCy ``Doc`` built from ``Article.text``), its ``Sentence``
records and ``Actor`` mentions; produces one ``Event`` per (source, trigger, target) in the
content sentences. Date, location and versions are left for the pipeline to attach.

How a sentence is coded:

1. ``triggers.find_matches`` finds the lexicon triggers over the parse.
2. A trigger that is the complement of another ("threatened to ATTACK", "urged Iran to
   RELEASE", "condemned the ATTACK") is not an event of its own: the governing trigger codes
   it, taking its target and a mode from it (objects.tsv). Under a refusal ("refused to
   withdraw") the embedded event is kept, negated. A trigger that restates its governor
   ("attacked the base, killing five") merges into it.
3. Each remaining trigger gets its actors (``roles``), factuality (``factuality``) and codes.
   An act only promised or threatened ("will meet", "would blockade") is coded AGREE when
   cooperative and THREATEN when hostile, and a cooperative act refused ("will not accept")
   REJECT, as the PLOVER manual reads such sentences (types.tsv ``planned_as``/``negated_as``).
4. A trigger weaker than ``MIN_STRENGTH_*`` needs actors; an unrealised act with no actor at
   all is dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from eventscope.events.acled import with_acled
from eventscope.events.factuality import factuality_cue, reporter_heads
from eventscope.events.lexicon import Lexicon, ObjectRule, load_lexicon
from eventscope.events.roles import (
    PRONOUNS,
    ActorIndex,
    first_resolved,
    source_heads,
    speaker_subject,
    target_heads,
)
from eventscope.events.triggers import Match, find_matches
from eventscope.nlp import doc_text
from eventscope.records import Actor, Event, Factuality, Sentence, Span
from eventscope.text.sentences import content_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

# Dependencies through which a trigger is the content of the trigger above it.
EMBED_DEPS = frozenset(
    {"xcomp", "ccomp", "pcomp", "prep", "pobj", "dobj", "acl", "nsubjpass", "attr", "oprd"}
)
# Intention verbs whose promised action, when hostile, makes the promise a threat.
INTENT_VERBS = frozenset({"vow", "promise", "pledge", "swear"})
CONFLICT_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"})
# Orders by an authority that are the ordered act ("ordered the release of the journalist").
CAUSATIVE_VERBS = frozenset({"order", "authorize", "authorise", "command"})
# Types whose trigger takes the act it is about as an infinitive ("threatened to", "agreed to",
# "refused to", "urged ... to").
INFINITIVE_GOVERNORS = frozenset({"THREATEN", "AGREE", "REJECT", "REQUEST"})
MATERIAL_TYPES = frozenset({"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "RETREAT", "AID"})
# Below these lexicon strengths a trigger needs actors to be coded (measured on plover-gsr).
MIN_STRENGTH_NO_SOURCE = 0.7
MIN_STRENGTH_NO_ACTORS = 0.85
MIN_STRENGTH_ONE_ROLE = 0.4  # the weakest rows ("allow", "help") need both actors
MIN_STRENGTH_NOMINAL = 0.5  # a noun alone, with no verb reporting it, must be a clear event
# Factuality cues that make an act a promise or threat, or a refusal (see factuality_cue).
INTENT_CUES = frozenset({"future", "plan", "modal"})
REFUSAL_CUES = frozenset({"negation", "refusal"})
ROLE_CONFIDENCE = {(True, True): 1.0, (True, False): 0.85, (False, True): 0.7, (False, False): 0.5}


@dataclass(slots=True)
class Coding:
    """A match being coded: what governs it and what it governs (mutable while coding)."""

    match: Match
    type: str
    mode: str | None
    context: str | None
    cameo: str
    suppressed: bool = False
    relation: str | None = None  # "embed" or "same": how it relates to its governor
    forced: Factuality | None = None
    embedded: list[Coding] = field(default_factory=list)
    merged: list[Coding] = field(default_factory=list)
    source: tuple[Actor, ...] = ()
    target: tuple[Actor, ...] = ()
    reporter: tuple[Actor, ...] = ()  # who says so, for a reported event


def _governor(match: Match, anchors: dict[int, Coding]) -> tuple[Coding, str] | None:
    """The trigger this one is embedded in ("embed") or restates ("same"), if any."""
    current = match.head if match.noun is None else match.noun
    own = set(match.anchors)
    for _ in range(6):
        dep, gov = current.dep_, current.head
        if gov.i == current.i:
            return None
        governing = anchors.get(gov.i)
        if governing is not None and governing.match is match:
            governing = None
        if dep == "conj":
            if governing is not None:
                # "attacked and killed the guards": one attack, told twice. Coordinated
                # triggers of different types, with their own subject, or each with its own
                # object ("kidnapped advisers and exploded bombs") are events apart.
                own_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in current.children)
                shared_object = not any(c.dep_ == "dobj" for c in gov.children)
                if (
                    governing.type == match.entry.type
                    and not own_subject
                    and shared_object
                    and current.i in own
                ):
                    return governing, "same"
                return None
            current = gov
            continue
        if dep in ("advcl", "relcl", "nsubj"):
            if governing is not None and current.i in own and _restates(governing, match):
                return governing, "same"
            if governing is not None and dep == "advcl" and _infinitive_complement(current):
                # "threatened on Wednesday to expel ...": the parser hangs a complement
                # pushed away from its verb as an adverbial clause.
                if governing.type in INFINITIVE_GOVERNORS:
                    return governing, "embed"
            return None
        if dep not in EMBED_DEPS:
            return None
        if governing is not None:
            return governing, "embed"
        current = gov
    return None


def _infinitive_complement(token: Token) -> bool:
    children = list(token.children)
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in children) and not any(
        c.dep_ in ("nsubj", "nsubjpass", "mark") for c in children
    )


def _restates(governing: Coding, match: Match) -> bool:
    # "attacked the base, killing five" is one attack; "staged protests to demand reforms"
    # is one protest: the manual does not code a protest's demands as events of their own.
    if governing.type == match.entry.type:
        return True
    return governing.type == "PROTEST" and match.entry.type in ("REQUEST", "ACCUSE")


def _object_rule(lexicon: Lexicon, keys: Sequence[str], typ: str) -> ObjectRule | None:
    for key in keys:
        rule = lexicon.objects.get((key, typ))
        if rule is not None:
            return rule
    return None


def _about_words(token: Token) -> list[str]:
    """Lemmas of what a verb is about: its object, complement verb, 'for'/'of' objects."""
    words: list[str] = []
    for child in token.children:
        if child.dep_ in ("dobj", "xcomp", "ccomp", "attr"):
            words.append(child.lemma_.lower())
            words.extend(
                p.lemma_.lower()
                for prep in child.children
                if prep.lower_ in ("of", "for")
                for p in prep.children
            )
        elif child.dep_ == "prep" and child.lower_ in ("for", "of", "to"):
            words.extend(p.lemma_.lower() for p in child.children if p.dep_ in ("pobj", "pcomp"))
    return words


def _clause_words(token: Token) -> list[str]:
    """Lemmas of a trigger's own clause (not of clauses it reports or coordinates)."""
    words: list[str] = []
    stack = [token]
    while stack:
        current = stack.pop()
        words.append(current.lemma_.lower())
        stack.extend(c for c in current.children if c.dep_ not in ("ccomp", "conj", "parataxis"))
    return words


def _refine(coding: Coding, lexicon: Lexicon) -> None:
    """Mode and CAMEO code of a governing trigger from what it governs (objects.tsv)."""
    if coding.type not in lexicon.object_types:
        return
    keys: list[str] = []
    for child in coding.embedded:
        keys += [_trigger_word(child.match), f"@{child.type}"]
    keys += _about_words(coding.match.head)
    if coding.match.noun is not None:
        keys += _about_words(coding.match.noun)
    if coding.type in lexicon.recode_types:
        keys += _clause_words(coding.match.head)
    rule = _object_rule(lexicon, keys, coding.type)
    if rule is None:
        return
    if rule.recode:
        coding.type, coding.mode = rule.recode, None
    coding.mode = rule.mode or coding.mode
    coding.cameo = _appeal_code(coding.cameo, rule.cameo) or coding.cameo
    coding.context = rule.context or coding.context


def _appeal_code(base: str | None, refined: str | None) -> str | None:
    """An appeal ("urged them to talk") refined by a demand's code (106) takes the appeal's
    own CAMEO subcode (026): CAMEO's 02x mirror its 10x (cameo.tsv)."""
    if base and refined and base.startswith("02") and refined.startswith("10"):
        return "02" + refined[2:]
    return refined


def _trigger_word(match: Match) -> str:
    """The lemma objects.tsv knows an embedded trigger by ("attack", "release")."""
    token = match.noun if match.noun is not None else match.head
    return token.lemma_.lower()


def _causative(coding: Coding) -> None:
    # "ordered the arrest of", "ordered troops to attack": an authority's order is the act.
    done = [c for c in coding.embedded if c.type in MATERIAL_TYPES]
    if coding.match.entry.head_word in CAUSATIVE_VERBS and done:
        act = done[0]
        coding.type, coding.mode, coding.cameo, coding.context = (
            act.type,
            act.mode,
            act.cameo,
            act.context,
        )


def _flip_intent(coding: Coding, lexicon: Lexicon) -> None:
    # "vowed to retaliate", "pledged to crush the rebels": a hostile promise is a threat.
    hostile = [c for c in coding.embedded if c.type in CONFLICT_TYPES]
    if coding.type == "AGREE" and coding.match.entry.head_word in INTENT_VERBS and hostile:
        coding.type = "THREATEN"
        coding.mode, coding.cameo, coding.context = None, "130", None


def build_codings(matches: list[Match], lexicon: Lexicon) -> list[Coding]:
    """Codings for a sentence's matches, with embedding, merging and refinement applied."""
    codings = [
        Coding(m, m.entry.type, m.entry.mode, m.entry.context, m.entry.cameo) for m in matches
    ]
    anchors: dict[int, Coding] = {}
    for coding in codings:
        for i in coding.match.anchors:
            anchors.setdefault(i, coding)
    coordinated: dict[int, int] = {}  # conj trigger -> the trigger it is coordinated with
    for n, coding in enumerate(codings):
        found = _governor(coding.match, anchors)
        if found is None:
            head = coding.match.head
            if head.dep_ == "conj" and head.head.i in anchors:
                coordinated[n] = codings.index(anchors[head.head.i])
            continue
        governing, relation = found
        coding.relation = relation
        if relation == "same":
            coding.suppressed = True
            governing.merged.append(coding)
            if governing.mode is None and coding.mode is not None:
                # "an airstrike killed five": the noun says how (aerial), the verb only that
                governing.mode, governing.cameo = coding.mode, coding.cameo
                governing.context = governing.context or coding.context
        elif governing.type == "REJECT" and not coding.match.nominal:
            coding.forced = "negated"  # "refused to withdraw": kept, but it did not happen
            governing.embedded.append(coding)  # ... and still what the refusal is about
        else:
            coding.suppressed = True
            governing.embedded.append(coding)
    # "threatened to attack and destroy": a coordinated complement shares its partner's fate.
    for n, partner in coordinated.items():
        other = codings[partner]
        if other.relation == "embed" and other.suppressed and not codings[n].suppressed:
            codings[n].suppressed = True
            for coding in codings:
                if other in coding.embedded:
                    coding.embedded.append(codings[n])
    for coding in codings:
        _causative(coding)
        _flip_intent(coding, lexicon)
        _refine(coding, lexicon)
    return codings


def _resolve_roles(coding: Coding, index: ActorIndex, lexicon: Lexicon) -> None:
    match = coding.match
    info = lexicon.codes.types.get(match.entry.type)
    preps = match.entry.preps or (info.target_preps if info else frozenset())
    doc = match.head.doc
    anchors = [Span(doc[i].idx, doc[i].idx + len(doc[i]), doc[i].text) for i in match.anchors]
    groups = source_heads(match)
    source = first_resolved(index, groups, exclude=anchors)
    if not source and groups and groups[0][0].lower_ in PRONOUNS:
        source = first_resolved(index, [speaker_subject(match.head)], exclude=anchors)
    coding.source = source
    coding.target = first_resolved(index, target_heads(match, preps), exclude=anchors)
    coding.reporter = first_resolved(index, [reporter_heads(match)], exclude=anchors)


def _borrow_roles(coding: Coding) -> None:
    for other in coding.merged:
        coding.source = coding.source or other.source
        coding.target = coding.target or other.target
    for other in coding.embedded:
        coding.target = coding.target or other.target or ()
    # No one is their own recipient: "the United States would deny entry to the United States"
    # (two mentions of one actor) has no target.
    spans = {(a.span.start, a.span.end) for a in coding.source}
    names = {a.name for a in coding.source}
    coding.target = tuple(
        a for a in coding.target if (a.span.start, a.span.end) not in spans and a.name not in names
    )


def _reported_noun(match: Match) -> bool:
    """Whether a noun trigger alone is what its clause reports: it is the subject ("protests
    erupted", "an airstrike killed five") or the whole sentence (a headline)."""
    noun = match.head
    position = noun.head if noun.dep_ == "compound" else noun  # "a mediation EFFORT"
    return position.dep_ in ("nsubj", "nsubjpass", "ROOT") or position.head.i == position.i


def _event_id(article_id: str, sentence: int, trigger: Span, typ: str, coding: Coding) -> str:
    key = "|".join(
        [
            article_id,
            str(sentence),
            str(trigger.start),
            typ,
            ";".join(a.name for a in coding.source),
            ";".join(a.name for a in coding.target),
        ]
    )
    return "e" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _trigger_span(doc: Doc, match: Match) -> Span:
    first, last = doc[match.tokens[0]], doc[match.tokens[-1]]
    start, end = first.idx, last.idx + len(last.text)
    return Span(start, end, doc_text(doc)[start:end])


def final_codes(
    coding: Coding, lexicon: Lexicon
) -> tuple[str, str | None, str, str | None, Factuality]:
    """Type, mode, CAMEO code, context and factuality of a coded trigger.

    A promised or threatened act becomes AGREE or THREATEN, a refused cooperative act REJECT
    (types.tsv ``planned_as`` / ``negated_as``), with mode and code from objects.tsv.
    """
    match = coding.match
    factuality, cue = (coding.forced, "forced") if coding.forced else factuality_cue(match)
    typ, mode, cameo, context = coding.type, coding.mode, coding.cameo, coding.context
    info = lexicon.codes.types.get(typ)
    recoded: str | None = None
    fallback: str | None = None
    if info is not None and cue in INTENT_CUES and info.planned_as:
        recoded = info.planned_as  # "will meet" -> AGREE, "would blockade" -> THREATEN
        fallback = info.planned_cameo
    elif info is not None and cue in REFUSAL_CUES and info.negated_as:
        recoded = info.negated_as  # "will not accept", "failed to reach agreement" -> REJECT
        fallback = "120"
        factuality = "asserted"  # the refusal itself happened
    if recoded is not None:
        rule = lexicon.objects.get((f"@{typ}", recoded))
        typ = recoded
        mode = rule.mode if rule else None
        cameo = (rule.cameo if rule else None) or fallback or cameo
    return typ, mode, cameo, context, factuality


def _event(
    coding: Coding, doc: Doc, sentence: Sentence, article_id: str, lexicon: Lexicon
) -> Event | None:
    match = coding.match
    strength = match.entry.strength
    if not coding.source and strength < MIN_STRENGTH_NO_SOURCE:
        return None
    if not coding.source and not coding.target and strength < MIN_STRENGTH_NO_ACTORS:
        return None
    if not (coding.source and coding.target) and strength < MIN_STRENGTH_ONE_ROLE:
        return None
    if match.nominal and (strength < MIN_STRENGTH_NOMINAL or not _reported_noun(match)):
        return None  # "a Senate hearing", "the Russia probe": a mention, not a report
    typ, mode, cameo, context, factuality = final_codes(coding, lexicon)
    if not coding.source and not coding.target and factuality not in ("asserted", "reported"):
        return None  # "if it is attacked": an unrealised act with no one doing it says nothing
    trigger = _trigger_span(doc, match)
    codes = lexicon.codes
    confidence = strength * ROLE_CONFIDENCE[(bool(coding.source), bool(coding.target))]
    return Event(
        id=_event_id(article_id, sentence.index, trigger, typ, coding),
        article_id=article_id,
        sentence=sentence.index,
        evidence=sentence.text,
        type=typ,
        trigger=trigger,
        source=coding.source,
        target=coding.target,
        mode=mode,
        context=context,
        cameo=cameo,
        quad=codes.quad(typ),
        score=codes.score(typ, mode),
        factuality=factuality,
        reported_by=coding.reporter if factuality == "reported" else (),
        rule=match.rule,
        confidence=round(confidence, 3),
    )


def code_sentence(
    span: SpacySpan,
    sentence: Sentence,
    index: ActorIndex,
    *,
    article_id: str,
    lexicon: Lexicon,
) -> list[Event]:
    """The events of one sentence (a spaCy span of the article's parse)."""
    codings = build_codings(find_matches(span, lexicon), lexicon)
    for coding in codings:
        _resolve_roles(coding, index, lexicon)
    events: list[Event] = []
    seen: set[str] = set()
    for coding in codings:
        if coding.suppressed:
            continue
        _borrow_roles(coding)
        event = _event(coding, span.doc, sentence, article_id, lexicon)
        if event is not None and event.id not in seen:
            seen.add(event.id)
            events.append(event)
    return events


def find_events(
    doc: Doc,
    sentences: Sequence[Sentence],
    actors: Sequence[Actor],
    *,
    article_id: str,
    lexicon: Lexicon | None = None,
) -> tuple[Event, ...]:
    """Events in the content sentences of a parsed article.

    ``doc`` must be spaCy's parse of exactly ``Article.text``; ``sentences`` and ``actors`` are
    the text and actor stages' output for it. Flagged sentences (captions, boilerplate) are
    skipped. ``lexicon`` defaults to the shipped tables, loaded once per process.
    """
    lex = lexicon or load_lexicon()
    index = ActorIndex(doc, actors)
    events: list[Event] = []
    for sentence, span in content_spans(doc, sentences):
        events.extend(code_sentence(span, sentence, index, article_id=article_id, lexicon=lex))
    return with_acled(events)
