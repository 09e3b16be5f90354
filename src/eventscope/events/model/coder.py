"""The learned event coder: events of a parsed article from the trained weights.

Consumes the parse, the content sentences, the actor mentions and the lexicon coder's events
(as features); produces ``Event`` records, each with its evidence sentence, trigger span,
source and target mentions, type, factuality, the model's name and a calibrated confidence.

How a sentence is coded:

1. Every candidate word (``features.is_candidate``) is scored by the trigger model: no event,
   or one of the 16 PLOVER types as the coder would code the act itself ("will meet" is
   CONSULT here). The trigger model is a softmax regression, averaged with networks of one
   hidden layer over the same features where the model folder has them (``HiddenModel``). A
   word whose best type reaches the model's threshold is a trigger.
2. Two triggers of one type that are one phrase ("imposed sanctions", "launched an attack":
   one is the object, particle or compound of the other) are one event: the surer is kept.
3. The factuality model says whether it happened; the PLOVER manual's reductions then give
   the type (a planned meeting is AGREE, an announced withdrawal CONCEDE, as the guide says).
4. The role model scores every mention of the sentence (actors, pronouns, other noun phrases)
   as source, target or neither; the best source and the best other target above the
   thresholds are kept, with the mentions coordinated with them ("the US and Canada").
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eventscope.errors import ModelNotFoundError
from eventscope.events.codes import CodeTables
from eventscope.events.factuality import reporter_heads_of
from eventscope.events.lexicon import Lexicon
from eventscope.events.model.countries import CountryContext, resolve_roles
from eventscope.events.model.features import (
    PRONOUN_WORDS,
    ArticleContext,
    factuality_features,
    is_candidate,
    role_features,
    trigger_features,
)
from eventscope.events.model.linear import HiddenModel, LinearModel
from eventscope.events.model.sectors import antecedent_of, resolve_sector
from eventscope.events.roles import ActorIndex, first_resolved
from eventscope.nlp import doc_text
from eventscope.records import Actor, Event, Factuality, Sentence, Span
from eventscope.text.sentences import content_spans

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

NONE = "NONE"
ROLES = ("none", "source", "target")
COOPERATIVE_ACTS = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
NOMINAL_POS = frozenset({"NOUN", "PROPN"})
# Candidates of these parts of speech are scored only where a lexicon entry names them: in
# the 715 training articles 62 of 39,728 proper nouns and 90 of 17,067 auxiliaries were
# triggers (a shortcut for speed; the model is trained on all candidates).
SELDOM_TRIGGERS = frozenset({"PROPN", "AUX"})
# Dependencies by which one trigger word is part of another's phrase.
PHRASE_DEPS = frozenset(
    {
        "dobj",
        "prt",
        "compound",
        "amod",
        "pobj",
        "prep",
        "nsubjpass",
        "attr",
        "xcomp",
        "acomp",
        "oprd",
        "npadvmod",
        # One incident told by two words of a type: "a drone STRIKE KILLED three", "STORMED
        # the base, KILLING five" (not "and": "attacked the offices and burned the churches"
        # are two events to the annotators).
        "nsubj",
        "advcl",
    }
)
MENTION_DEPS = frozenset(
    {
        "nsubj",
        "nsubjpass",
        "dobj",
        "pobj",
        "conj",
        "appos",
        "poss",
        "attr",
        "dative",
        "npadvmod",
        "agent",
        "ROOT",
    }
)


@dataclass(frozen=True)
class EventModel:
    """The trained coder: its softmax models (and the trigger's hidden-layer model), their
    thresholds and the confidence map."""

    name: str
    version: str
    trigger: LinearModel
    factuality: LinearModel
    roles: LinearModel
    countries: LinearModel | None
    sectors: LinearModel | None
    thresholds: dict[str, float]
    # raw score -> P(right), for the model's own triggers and for confirmed lexicon triggers
    calibration: dict[str, tuple[tuple[float, ...], tuple[float, ...]]]
    meta: dict[str, Any] = field(default_factory=dict)
    # Networks with a hidden layer over the same features; their probabilities are averaged
    # with the linear model's (an ensemble of readings of the same features). None: linear
    # alone.
    trigger_hidden: HiddenModel | None = None

    @property
    def label(self) -> str:
        return f"{self.name}-{self.version}"

    def training_note(self) -> str:
        """What the model learned from and what it never saw, in one line (for reports)."""
        about = self.meta.get("trained_on", {})
        parts = [f"{name} ({n} articles)" for name, n in about.get("per_file", {}).items()]
        never = ", ".join(self.meta.get("not_trained_on", [])) or "-"
        return (
            f"event coder {self.label}: trained on {' + '.join(parts) or '?'}, "
            f"{about.get('events', '?')} events; never trained on: {never}"
        )

    def trained_on(self, path: str) -> bool:
        """Whether the gold file ``path`` (by name) is one the model was trained on."""
        return Path(path).name in self.meta.get("trained_on", {}).get("per_file", {})

    @functools.cached_property
    def quiet_lemmas(self) -> frozenset[str]:
        """Lemmas whose own weights favour no event over every event type: a word of one is
        not scored, unless a lexicon entry or rule names it (a shortcut that leaves the
        decisions as they were: such words score near zero)."""
        model = self.trigger
        none = model.classes.index(NONE)
        names = [name for name in model.vocabulary if name.startswith("l=")]
        if not names:
            return frozenset()
        rows = model.weights[[model.vocabulary[name] for name in names]]
        lean = np.delete(rows, none, axis=1).max(axis=1) - rows[:, none]
        return frozenset(name[2:] for name, x in zip(names, lean, strict=True) if x <= 0)

    def trigger_probabilities(
        self, instances: Sequence[Sequence[str]], dense: np.ndarray | None
    ) -> np.ndarray:
        """Per candidate word, the probability of no event and of each type: the mean of the
        linear model's and of each hidden-layer network's (``HiddenModel.members``), where
        there are any."""
        probs = self.trigger.probabilities(instances, dense)
        if self.trigger_hidden is not None:
            members = self.trigger_hidden.members
            hidden = self.trigger_hidden.probabilities(instances, dense)
            probs = (probs + members * hidden) / (members + 1)
        return probs

    def confidence(self, score: float, *, lexicon: bool = False) -> float:
        xs, ys = self.calibration.get("lexicon" if lexicon else "model", ((), ()))
        if not xs:
            return score
        return float(np.interp(score, xs, ys))


MODEL_FILES = ("trigger.npz", "factuality.npz", "roles.npz", "countries.npz", "sectors.npz")
HIDDEN_FILE = "trigger_hidden.npz"  # optional: a model folder without it scores linearly


def default_model_dir() -> Path:
    from importlib import resources

    return Path(str(resources.files("eventscope.data").joinpath("models", "events")))


@functools.lru_cache(maxsize=4)
def load_event_model(path: str | None = None) -> EventModel:
    """The model in folder ``path`` (default: the shipped one), loaded once per process."""
    folder = Path(path) if path else default_model_dir()
    missing = [name for name in ("meta.json", *MODEL_FILES) if not (folder / name).is_file()]
    if missing:
        raise ModelNotFoundError(
            f"event model {folder}: {', '.join(missing)} missing; rebuild it with "
            '`python training/train_events.py`, or set event_coder = "lexicon"'
        )
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    hidden = folder / HIDDEN_FILE
    digest = hashlib.sha256()
    for name in ("meta.json", *MODEL_FILES, *([HIDDEN_FILE] if hidden.is_file() else [])):
        digest.update((folder / name).read_bytes())
    calibration = {
        name: (tuple(points["x"]), tuple(points["y"]))
        for name, points in (meta.get("calibration") or {}).items()
    }
    return EventModel(
        name=meta["name"],
        version=f"{meta['version']}+{digest.hexdigest()[:8]}",
        trigger=LinearModel.load(folder / "trigger.npz"),
        factuality=LinearModel.load(folder / "factuality.npz"),
        roles=LinearModel.load(folder / "roles.npz"),
        countries=LinearModel.load(folder / "countries.npz"),
        sectors=LinearModel.load(folder / "sectors.npz"),
        thresholds=dict(meta["thresholds"]),
        calibration=calibration,
        meta=meta,
        trigger_hidden=HiddenModel.load(hidden) if hidden.is_file() else None,
    )


def plover_type(coded: str, factuality: str) -> str:
    """The PLOVER manual's reductions of unrealised acts (GUIDE.md): a planned cooperative act
    is AGREE, an announced retreat CONCEDE."""
    if factuality == "planned":
        if coded in COOPERATIVE_ACTS:
            return "AGREE"
        if coded == "RETREAT":
            return "CONCEDE"
    return coded


@dataclass
class Trigger:
    token: Token
    coded: str  # the type of the act itself
    score: float
    tokens: list[int]
    lexicon: Event | None = None  # the lexicon coder's event this trigger confirms


def dense(doc: Doc, indices: Sequence[int]) -> np.ndarray | None:
    """spaCy's contextual token vectors (the parser's own tok2vec output) of the words."""
    tensor = getattr(doc, "tensor", None)
    if tensor is None or not len(tensor) or tensor.shape[0] != len(doc):
        return None
    return np.asarray(tensor[list(indices)], dtype=np.float32)


def trigger_dense(doc: Doc, tokens: Sequence[Token]) -> np.ndarray | None:
    """The vectors of each candidate word and of its head word, side by side."""
    own = dense(doc, [t.i for t in tokens])
    if own is None:
        return None
    return np.hstack([own, dense(doc, [t.head.i for t in tokens])])  # type: ignore[list-item]


def candidate_tokens(span: SpacySpan, ctx: ArticleContext, model: EventModel) -> list[Token]:
    """The words of one sentence the trigger model scores."""
    quiet = model.quiet_lemmas
    return [
        t
        for t in span
        if is_candidate(t)
        and (
            (t.pos_ not in SELDOM_TRIGGERS and t.lemma_.lower() not in quiet)
            or t.i in ctx.rule_at
            or ctx.lexicon_types(t)
        )
    ]


def find_triggers(span: SpacySpan, ctx: ArticleContext, model: EventModel) -> list[Trigger]:
    """Trigger words of one sentence, with their type and score, one per phrase
    (``decode_triggers``)."""
    tokens = candidate_tokens(span, ctx, model)
    if not tokens:
        return []
    return decode_triggers(tokens, score_triggers(tokens, ctx, model), ctx, model)


def decode_triggers(
    tokens: Sequence[Token], probs: np.ndarray, ctx: ArticleContext, model: EventModel
) -> list[Trigger]:
    """Trigger words of one sentence from its candidate words' type probabilities.

    The sentence's evidence for a type is the sum of its words' probabilities of that type
    (the expected number of such events): its surest word is a trigger when the sum reaches
    the threshold, the next surest when the sum less one still does, and so on. A word whose
    own probability is below ``min_word`` is never a trigger, and a word is one event, of its
    surest type.
    """
    classes = model.trigger.classes
    threshold = model.thresholds["trigger"]
    min_word = model.thresholds.get("min_word", 0.1)
    picks: list[tuple[float, float, int, int]] = []
    # All columns summed at once to skip the unlikely types; the kept ones are summed again
    # alone, as before, so that a sum on the threshold falls the same way.
    totals = probs.sum(axis=0)
    for column, name in enumerate(classes):
        if name == NONE or totals[column] < threshold - 0.001:
            continue
        values = probs[:, column]
        expected = float(values.sum())
        if expected < threshold:
            continue
        for rank, k in enumerate(np.argsort(-values, kind="stable")):
            score = min(1.0, expected - rank)
            if score < threshold or values[k] < min_word:
                break
            picks.append((score, float(values[k]), int(k), column))
    picks.sort(key=lambda p: (-p[0], -p[1], p[2]))
    used: set[int] = set()
    found: list[Trigger] = []
    for score, _, k, column in picks:
        if k in used:
            continue
        used.add(k)
        found.append(Trigger(tokens[k], classes[column], score, [tokens[k].i]))
    support = model.thresholds.get("lexicon_support")
    confirmed = [] if support is None else confirm_lexicon(tokens, probs, ctx, classes, support)
    return merge_phrases(found) + confirmed


def article_triggers(
    spans: Sequence[SpacySpan], ctx: ArticleContext, model: EventModel
) -> list[list[Trigger]]:
    """``find_triggers`` for every sentence of an article, its words scored in one batch."""
    per_sentence = [candidate_tokens(span, ctx, model) for span in spans]
    every = [t for tokens in per_sentence for t in tokens]
    if not every:
        return [[] for _ in spans]
    probs = score_triggers(every, ctx, model)
    out: list[list[Trigger]] = []
    start = 0
    for tokens in per_sentence:
        end = start + len(tokens)
        out.append(decode_triggers(tokens, probs[start:end], ctx, model) if tokens else [])
        start = end
    return out


def confirm_lexicon(
    tokens: Sequence[Token],
    probs: np.ndarray,
    ctx: ArticleContext,
    classes: Sequence[str],
    support: float,
) -> list[Trigger]:
    """The lexicon coder's triggers of the sentence that the model supports: its probability
    of the rule's type on one of the rule's words reaches ``support``. They are candidates
    only: ``drop_overlapped`` removes those the model's own triggers already cover."""
    best: dict[int, tuple[float, int, Event]] = {}
    for k, token in enumerate(tokens):
        rule = ctx.rule_at.get(token.i)
        if rule is None or rule.type not in classes:
            continue
        p = float(probs[k, classes.index(rule.type)])
        key = id(rule)
        if p >= support and (key not in best or p > best[key][0]):
            best[key] = (p, k, rule)
    return [
        Trigger(tokens[k], rule.type, p, [tokens[k].i], lexicon=rule)
        for p, k, rule in sorted(best.values(), key=lambda b: b[1])
    ]


def is_confirmed_lexicon(event: Event) -> bool:
    return event.rule.startswith("lexicon:")


def coded_by_model(event: Event) -> bool:
    """Whether the learned coder coded ``event`` (itself, or a lexicon trigger it confirmed:
    ``_rule_name``), not the lexicon's rules alone (``rules_alone``)."""
    return event.rule.startswith("model:") or "(confirmed by model:" in event.rule


def drop_overlapped(events: Sequence[Event]) -> list[Event]:
    """Confirmed lexicon events that no event of the model's own overlaps (one event per
    trigger: where both coders found the words, the model's reading stands)."""
    own = [e for e in events if not is_confirmed_lexicon(e)]
    return [
        e
        for e in events
        if not is_confirmed_lexicon(e)
        or not any(
            o.sentence == e.sentence
            and o.trigger.start < e.trigger.end
            and e.trigger.start < o.trigger.end
            for o in own
        )
    ]


def score_triggers(tokens: Sequence[Token], ctx: ArticleContext, model: EventModel) -> np.ndarray:
    instances = [trigger_features(t, ctx) for t in tokens]
    return model.trigger_probabilities(instances, trigger_dense(ctx.doc, tokens))


def merge_phrases(found: list[Trigger]) -> list[Trigger]:
    """One event per phrase: of two same-type triggers where one hangs off the other as its
    object, particle, compound ..., the surer stays and takes the other's words."""
    by_token = {t.token.i: t for t in found}
    dropped: set[int] = set()
    for trig in sorted(found, key=lambda t: -t.score):
        if trig.token.i in dropped:
            continue
        for other_i, other in by_token.items():
            if other_i == trig.token.i or other_i in dropped or other.coded != trig.coded:
                continue
            a, b = trig.token, other.token
            linked = (b.head.i == a.i and b.dep_ in PHRASE_DEPS) or (
                a.head.i == b.i and a.dep_ in PHRASE_DEPS
            )
            if not linked and b.dep_ == "pobj" and b.head.head.i == a.i:
                linked = True  # "fired at", "called for": verb > prep > noun
            if not linked and a.dep_ == "pobj" and a.head.head.i == b.i:
                linked = True
            if linked:
                dropped.add(other_i)
                trig.tokens.append(other_i)
    return [t for t in found if t.token.i not in dropped]


def mention_candidates(
    span: SpacySpan, ctx: ArticleContext, sentence: int
) -> list[tuple[Token, Actor]]:
    """Every mention of the sentence that may fill a role: the actor stage's mentions, then
    pronouns and noun phrases it did not resolve (kept with no country)."""
    doc = ctx.doc
    text = doc_text(doc)
    out: list[tuple[Token, Actor]] = []
    covered: set[int] = set()
    seen: set[int] = set()
    for token in span:
        actor = ctx.actor_at.get(token.i)
        if actor is None:
            continue
        covered.add(token.i)
        if id(actor) in seen:
            continue
        seen.add(id(actor))
        head = ctx.actor_head.get(actor.span.start, token.i)
        out.append((doc[head], actor))
    for token in span:
        if token.i in covered:
            continue
        if token.lower_ in PRONOUN_WORDS and token.tag_ in ("PRP", "PRP$"):
            start, end = token.idx, token.idx + len(token.text)
        elif token.pos_ in ("NOUN", "PROPN") and token.dep_ in MENTION_DEPS:
            left = token.left_edge.i
            while left < token.i and (doc[left].i in covered or doc[left].dep_ in ("punct", "cc")):
                left += 1
            start, end = doc[left].idx, token.idx + len(token.text)
        else:
            continue
        actor = Actor(
            span=Span(start, end, text[start:end]),
            sentence=sentence,
            name=text[start:end],
            kind="other",
            rule="model:mention",
        )
        out.append((token, actor))
    return out


def assign_roles(
    trigger: Trigger,
    typ: str,
    candidates: Sequence[tuple[Token, Actor]],
    ctx: ArticleContext,
    model: EventModel,
) -> tuple[tuple[Actor, ...], tuple[Actor, ...]]:
    """The source and target mentions of one event (each possibly several coordinated)."""
    pool = [(h, a) for h, a in candidates if h.i not in trigger.tokens]
    if not pool:
        return (), ()
    instances = [role_features(trigger.token, h, a, typ, ctx) for h, a in pool]
    probs = model.roles.probabilities(instances)
    classes = model.roles.classes
    src, tgt = classes.index("source"), classes.index("target")
    chosen: dict[str, tuple[Actor, ...]] = {}
    taken: set[int] = set()
    for role, column in (("source", src), ("target", tgt)):
        order = np.argsort(-probs[:, column])
        best = int(order[0])
        if probs[best, column] < model.thresholds[role] or best in taken:
            if (
                best in taken
                and len(order) > 1
                and probs[order[1], column] >= model.thresholds[role]
            ):
                best = int(order[1])
            else:
                chosen[role] = ()
                continue
        head = pool[best][0]
        picked = [best]
        conjuncts = {c.i for c in head.conjuncts}
        for n, (h, _) in enumerate(pool):
            if n != best and h.i in conjuncts and n not in taken:
                picked.append(n)
        taken.update(picked)
        chosen[role] = tuple(pool[n][1] for n in sorted(picked, key=lambda n: pool[n][0].i))
    return chosen.get("source", ()), chosen.get("target", ())


def code_events(
    doc: Doc,
    sentences: Sequence[Sentence],
    ctx: ArticleContext,
    *,
    article_id: str,
    model: EventModel,
    codes: CodeTables,
    lexicon: Lexicon,
    countries: CountryContext | None = None,
    index: ActorIndex | None = None,
    keep_overlapped: bool = False,
) -> list[Event]:
    """The events of the content sentences of one parsed article; ``countries`` (the
    countries the article names) resolves actors the tables left without one, ``index`` (the
    article's actor mentions) names who reports a reported event. ``keep_overlapped`` keeps
    the confirmed lexicon events that the model's own overlap (for choosing the threshold)."""
    text = doc_text(doc)
    events: list[Event] = []
    content = list(content_spans(doc, sentences))
    found = article_triggers([span for _, span in content], ctx, model)
    for (sentence, span), triggers in zip(content, found, strict=True):
        if not triggers:
            continue
        facts = model.factuality.probabilities(
            [factuality_features(t.token, t.coded, ctx) for t in triggers],
            dense(doc, [t.token.i for t in triggers]),
        )
        candidates = mention_candidates(span, ctx, sentence.index)
        for trig, fact_row in zip(triggers, facts, strict=True):
            factuality: Factuality = model.factuality.classes[int(fact_row.argmax())]  # type: ignore[assignment]
            typ = plover_type(trig.coded, factuality)
            source, target = assign_roles(trig, trig.coded, candidates, ctx, model)
            if countries is not None:
                source = resolve_roles(source, countries, model.countries)
                target = resolve_roles(target, countries, model.countries)
            if model.sectors is not None:
                names = countries.sector_by_name if countries is not None else {}
                source = tuple(
                    resolve_sector(a, trig.coded, "source", model.sectors, antecedent_of(a, names))
                    for a in source
                )
                target = tuple(
                    resolve_sector(a, trig.coded, "target", model.sectors, antecedent_of(a, names))
                    for a in target
                )
            words = sorted(trig.tokens)
            first, last = doc[words[0]], doc[words[-1]]
            if last.i - first.i > 4:  # a long phrase: its head word is the evidence
                first = last = trig.token
            trigger_span = Span(
                first.idx, last.idx + len(last), text[first.idx : last.idx + len(last)]
            )
            if trig.lexicon is not None:
                trigger_span = trig.lexicon.trigger  # the rule's own words ("opened fire")
            reporter: tuple[Actor, ...] = ()
            if factuality == "reported" and index is not None:
                heads = reporter_heads_of(trig.token, nominal=trig.token.pos_ in NOMINAL_POS)
                reporter = first_resolved(index, [heads], exclude=[trigger_span])
            from_lexicon = trig.lexicon is not None
            rule = trig.lexicon or ctx.rule_at.get(trig.token.i)
            same_rule = rule is not None and rule.type == typ
            mode = rule.mode if same_rule else None
            cameo = rule.cameo if same_rule else None
            events.append(
                Event(
                    id=_event_id(article_id, sentence.index, trigger_span, typ),
                    article_id=article_id,
                    sentence=sentence.index,
                    evidence=sentence.text,
                    type=typ,
                    trigger=trigger_span,
                    source=source,
                    target=target,
                    mode=mode,
                    context=rule.context if same_rule else None,
                    cameo=cameo,
                    quad=codes.quad(typ),
                    score=codes.score(typ, mode),
                    factuality=factuality,
                    reported_by=reporter,
                    rule=_rule_name(trig, rule if same_rule else None, model),
                    confidence=round(model.confidence(trig.score, lexicon=from_lexicon), 3),
                )
            )
    return events if keep_overlapped else drop_overlapped(events)


def _rule_name(trig: Trigger, rule: Event | None, model: EventModel) -> str:
    if trig.lexicon is not None:
        return f"lexicon:{trig.lexicon.rule} (confirmed by model:{model.label})"
    return f"model:{model.label}" + (f" (lexicon: {rule.rule})" if rule is not None else "")


def _event_id(article_id: str, sentence: int, trigger: Span, typ: str) -> str:
    key = f"{article_id}|{sentence}|{trigger.start}|{typ}|model"
    return "e" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]
