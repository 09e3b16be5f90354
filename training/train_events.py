"""Train the learned event coder from hand-coded news articles, cross-validate it, write it.

    python training/train_events.py                    # CV report, then fit on all and write
    python training/train_events.py --cv-only          # only the cross-validated report
    python training/train_events.py --config training/events.toml --out DIR

Every hyperparameter is in the config file (``training/events.toml``). What it does:

1. Reads the gold articles: ``news-train.jsonl`` (less the excluded ids) and the project's
   standoff annotations of more corpus articles (``training/annotations``), whose texts are read
   from ``../shared/corpus``. Texts are normalised as the pipeline normalises them and the gold
   offsets moved with them.
2. Parses each article with the project's spaCy pipeline (cached under
   ``~/.cache/eventscope/training``), finds its sentences, actor mentions and the lexicon coder's
   events, as the pipeline does.
3. Builds the instances: every candidate word of a content sentence (label: the coded type of
   the gold trigger whose head it is, else NONE; the other words of a gold trigger are left
   out), every gold event's factuality, every (gold event, mention of its sentence) pair
   (label: source, target or none, by overlap with the gold actors).
4. Fits three softmax regressions (L-BFGS, L2) and cross-validates end to end by article
   (grouped folds): the held-out articles are coded by ``eventscope.events.model`` exactly as
   at run time and scored with ``eventscope.evaluation``. The trigger threshold (best F1 with
   precision at least ``decode.min_precision``) and the confidence calibration (isotonic,
   score -> share of predicted events that match a gold event of the same type) are chosen on
   these held-out predictions only.
5. Fits on all articles and writes the model folder (``src/eventscope/data/models/events``):
   ``trigger.npz``, ``factuality.npz``, ``roles.npz`` and ``meta.json`` (data sizes, guide
   version, seed, config, CV scores, thresholds, calibration).

Seeded: the same data and config give the same weights (L-BFGS from zeros, folds from the seed).
Needs scipy at training time only (``pip install -e '.[train]'``).
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import multiprocessing
import pickle
import random
import sys
import time
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from spacy.tokens import Token

from eventscope.actors import find_actors, load_tables
from eventscope.annotations import gold_records_from_standoff, read_standoff
from eventscope.evaluation.events import score_events
from eventscope.events import find_events, load_lexicon
from eventscope.events.model import article_context
from eventscope.events.model.coder import (
    HIDDEN_FILE,
    NONE,
    ROLES,
    EventModel,
    code_events,
    dense,
    drop_overlapped,
    is_confirmed_lexicon,
    mention_candidates,
    trigger_dense,
)
from eventscope.events.model.countries import (
    NONE as NO_COUNTRY,
)
from eventscope.events.model.countries import (
    CountryContext,
    candidate_features,
    candidates,
    country_context,
    needs_country,
)
from eventscope.events.model.features import (
    ArticleContext,
    factuality_features,
    is_candidate,
    role_features,
    trigger_features,
)
from eventscope.events.model.linear import HiddenModel, LinearModel
from eventscope.events.model.sectors import antecedent_of, sector_features
from eventscope.ingest import make_article, normalise_text
from eventscope.nlp import DEFAULT_MODEL, load_nlp
from eventscope.output import event_record
from eventscope.places import find_places
from eventscope.records import Actor, Event, Sentence
from eventscope.text import content_spans as text_content_spans
from eventscope.text import split_sentences
from eventscope.text.spliced import masked_for_parse

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "training" / "events.toml"
OUT = ROOT / "src" / "eventscope" / "data" / "models" / "events"
TYPES = (
    "AGREE CONSULT SUPPORT CONCEDE COOPERATE AID RETREAT REQUEST ACCUSE REJECT THREATEN PROTEST "
    "SANCTION MOBILIZE COERCE ASSAULT"
).split()
FACTUALITY = ("asserted", "negated", "hypothetical", "planned", "reported")
GUIDE = ROOT.parent / "shared" / "annotation" / "GUIDE.md"
# The evaluation sets no part of the model ever saw (reported by `eventscope eval`).
MIN_BLOCK = 20  # the fewest held-out events a step of the confidence map is estimated from
DECODE_KEYS = ("source", "target", "min_word", "lexicon_support")  # CV decodes with all
NOT_TRAINED_ON = [
    "news-dev.jsonl",
    "plover-gsr.jsonl",
    "plv-train.jsonl",
    "case21-task2-dev.jsonl",
    "conflibert-cameo-train.jsonl",
    "geowebnews.jsonl",
    "polnear-train.jsonl",
    "polnear-dev.jsonl",
]


@dataclass
class Prepared:
    """One gold article, parsed and read by the stages the coder's features need."""

    id: str
    gold: dict[str, Any]  # the gold record, offsets into ``text``
    text: str
    doc: Any
    sentences: tuple[Sentence, ...]
    actors: tuple[Actor, ...]
    rule_events: tuple[Event, ...]
    ctx: ArticleContext
    countries: CountryContext


# ---------------------------------------------------------------- data


def read_gold(config: dict[str, Any]) -> list[dict[str, Any]]:
    data = config["data"]
    exclude = set(data.get("exclude", []))
    records: list[dict[str, Any]] = []
    for name in data["gold"]:
        path = (ROOT / name).resolve()
        with path.open(encoding="utf-8") as handle:
            records += [json.loads(line) for line in handle if line.strip()]
    records = [r for r in records if r["id"] not in exclude]
    standoff = ROOT / data["standoff"]
    if standoff.exists():
        skip = exclude | {r["id"] for r in records}  # a gold record wins over a coding
        until = data.get("standoff_until")  # the last batch read ("b90"); absent: all
        if until:
            skip |= {
                a["id"]
                for a in read_standoff(standoff)
                if a.get("primary", True) and _batch(a.get("coder", "")) > _batch(until)
            }
        extra = gold_records_from_standoff(standoff, ROOT.parent / "shared" / "corpus")
        records += [r for r in extra if r["id"] not in skip]
    return records


def _batch(coder: str) -> int:
    """The number of a coder's batch ("b91" -> 91)."""
    return int(coder.lstrip("b") or 0)


def _offset_map(original: str, normalised: str) -> list[int]:
    """For each offset of ``original``, the offset of the same place in ``normalised``."""
    mapping = [0] * (len(original) + 1)
    matcher = difflib.SequenceMatcher(None, original, normalised, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for k in range(i1, i2 + 1):
            mapping[k] = j1 + min(k - i1, j2 - j1) if tag != "equal" else j1 + (k - i1)
    return mapping


def normalise_record(record: dict[str, Any]) -> dict[str, Any]:
    """The record with its text as the pipeline stores it and every offset moved along."""
    original = record["text"]
    text = normalise_text(original)
    if original.startswith(text):
        return record | {"text": text}
    mapping = _offset_map(original, text)

    def move(span: dict[str, Any] | None) -> dict[str, Any] | None:
        if not span or span.get("start") is None:
            return span
        start, end = mapping[span["start"]], mapping[span["end"]]
        return span | {"start": start, "end": end, "text": text[start:end]}

    events = []
    for event in record.get("events", []):
        moved = event | {
            "trigger": move(event.get("trigger")),
            "sentence": move(event.get("sentence")),
        }
        for role in ("source", "target"):
            moved[role] = [move(a) for a in event.get(role) or []]
        events.append(moved)
    return record | {"text": text, "events": events}


def parse_all(texts: Sequence[str], model: str, cache: Path) -> list[Any]:
    from spacy.tokens import Doc

    nlp = load_nlp(model)
    cache.mkdir(parents=True, exist_ok=True)
    masked = [masked_for_parse(t) for t in texts]  # what the parser reads (name cards blank)
    keys = [hashlib.sha1(f"{model}\0{t}".encode()).hexdigest() for t in masked]
    missing = [n for n, k in enumerate(keys) if not (cache / f"{k}.doc").exists()]
    parsed = nlp.pipe((masked[n] for n in missing), batch_size=16)
    for n, doc in zip(missing, parsed, strict=True):
        (cache / f"{keys[n]}.doc").write_bytes(doc.to_bytes(exclude=["user_data"]))
    return [Doc(nlp.vocab).from_bytes((cache / f"{k}.doc").read_bytes()) for k in keys]


def prepare(records: Sequence[dict[str, Any]], model: str, cache: Path) -> list[Prepared]:
    records = [normalise_record(r) for r in records]
    docs = parse_all([r["text"] for r in records], model, cache)
    tables = load_tables()
    lexicon = load_lexicon()
    out: list[Prepared] = []
    for record, doc in zip(records, docs, strict=True):
        article = make_article(record["text"], id=record["id"], published=record.get("published"))
        sentences = split_sentences(article, doc)
        actors = find_actors(doc, sentences, published=article.published, tables=tables)
        rules = find_events(doc, sentences, actors, article_id=article.id, lexicon=lexicon)
        ctx = article_context(doc, sentences, actors, rules, lexicon)
        places = find_places(doc, sentences)
        out.append(
            Prepared(
                record["id"],
                record,
                record["text"],
                doc,
                sentences,
                actors,
                rules,
                ctx,
                country_context(actors, places),
            )
        )
    return out


# ---------------------------------------------------------------- instances


def coded_type(event: dict[str, Any]) -> str | None:
    coded = event.get("type_as_coded") or str(event.get("type") or "").split("|")[0]
    return coded if coded in TYPES else None


def gold_triggers(art: Prepared) -> dict[int, dict[str, Any]]:
    """Head token of each gold trigger -> its gold event (the first, when two share a head)."""
    heads: dict[int, dict[str, Any]] = {}
    for event in art.gold.get("events", []):
        trigger = event.get("trigger")
        if not trigger or trigger.get("start") is None or coded_type(event) is None:
            continue
        span = art.doc.char_span(trigger["start"], trigger["end"], alignment_mode="expand")
        if span is None or not len(span):
            continue
        heads.setdefault(span.root.i, event)
    return heads


def trigger_words(art: Prepared) -> set[int]:
    words: set[int] = set()
    for event in art.gold.get("events", []):
        trigger = event.get("trigger")
        if trigger and trigger.get("start") is not None:
            span = art.doc.char_span(trigger["start"], trigger["end"], alignment_mode="expand")
            if span is not None:
                words.update(t.i for t in span)
    return words


def content_spans(art: Prepared) -> list[tuple[Sentence, Any]]:
    return list(text_content_spans(art.doc, art.sentences))


@dataclass
class Instances:
    rows: list[list[str]]
    labels: list[int]
    dense: list[np.ndarray] | None
    groups: list[int]  # article number

    def extend(self, other: Instances) -> None:
        self.rows += other.rows
        self.labels += other.labels
        self.groups += other.groups
        if self.dense is not None and other.dense is not None:
            self.dense += other.dense


def trigger_instances(art: Prepared, number: int, classes: Sequence[str]) -> Instances:
    heads = gold_triggers(art)
    inside = trigger_words(art)
    rows, labels, vectors = [], [], []
    for _, span in content_spans(art):
        tokens = [t for t in span if is_candidate(t) and (t.i in heads or t.i not in inside)]
        if not tokens:
            continue
        vec = trigger_dense(art.doc, tokens)
        for k, token in enumerate(tokens):
            event = heads.get(token.i)
            label = coded_type(event) if event is not None else NONE
            rows.append(trigger_features(token, art.ctx))
            labels.append(classes.index(label))
            vectors.append(vec[k] if vec is not None else np.zeros(192, np.float32))
    return Instances(rows, labels, vectors, [number] * len(rows))


def factuality_instances(art: Prepared, number: int) -> Instances:
    rows, labels, vectors = [], [], []
    content = {i for _, span in content_spans(art) for i in range(span.start, span.end)}
    for head, event in gold_triggers(art).items():
        if head not in content:
            continue
        token = art.doc[head]
        rows.append(factuality_features(token, coded_type(event) or "", art.ctx))
        labels.append(FACTUALITY.index(event.get("factuality") or "asserted"))
        vec = dense(art.doc, [head])
        vectors.append(vec[0] if vec is not None else np.zeros(96, np.float32))
    return Instances(rows, labels, vectors, [number] * len(rows))


def _overlaps(actor: Actor, spans: Sequence[dict[str, Any]]) -> bool:
    return any(
        s.get("start") is not None and actor.span.start < s["end"] and s["start"] < actor.span.end
        for s in spans
    )


def gold_events_with_mentions(
    art: Prepared,
) -> Iterator[tuple[int, dict[str, Any], list[tuple[Token, Actor]]]]:
    """Each gold event (by its trigger's head token) with the mentions of its sentence that
    may fill a role, sentence by sentence."""
    heads = gold_triggers(art)
    for sentence, span in content_spans(art):
        in_sentence = [h for h in heads if span.start <= h < span.end]
        if not in_sentence:
            continue
        mentions = mention_candidates(span, art.ctx, sentence.index)
        for head in in_sentence:
            yield head, heads[head], mentions


def role_instances(art: Prepared, number: int) -> Instances:
    rows, labels = [], []
    for head, event, mentions in gold_events_with_mentions(art):
        typ = coded_type(event) or ""
        trigger = art.doc[head]
        for token, actor in mentions:
            if token.i == head:
                continue
            if _overlaps(actor, event.get("source") or []):
                label = "source"
            elif _overlaps(actor, event.get("target") or []):
                label = "target"
            else:
                label = "none"
            rows.append(role_features(trigger, token, actor, typ, art.ctx))
            labels.append(ROLES.index(label))
    return Instances(rows, labels, None, [number] * len(rows))


NO_STATE = frozenset({"---", "NGO", "IMG"})


def country_instances(art: Prepared, number: int) -> Instances:
    """For every mention that fills a gold role with a gold country but got no country of its
    own: each candidate country, labelled yes where it is the gold one."""
    rows, labels = [], []
    for _, event, mentions in gold_events_with_mentions(art):
        for gold in (event.get("source") or []) + (event.get("target") or []):
            country = gold.get("country")
            if not isinstance(country, str) or gold.get("start") is None:
                continue
            for _, actor in mentions:
                if not (_overlaps(actor, [gold]) and needs_country(actor)):
                    continue
                wanted = NO_COUNTRY if country in NO_STATE else country
                options = candidates(art.countries, actor)
                if wanted not in options:
                    continue
                for option in options:
                    rows.append(candidate_features(art.countries, actor, option))
                    labels.append(int(option == wanted))
    return Instances(rows, labels, None, [number] * len(rows))


SECTOR_ALIASES = {"CIV": "CVL"}


def sector_label(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip() or value.strip() == "***":
        return None
    code = value.strip().upper()[:3]
    return SECTOR_ALIASES.get(code, code)


def sector_instances(art: Prepared, number: int, classes: Sequence[str]) -> Instances:
    """Every mention that fills a gold role whose gold actor has a sector."""
    rows, labels = [], []
    names = art.countries.sector_by_name
    for _, event, mentions in gold_events_with_mentions(art):
        typ = coded_type(event) or ""
        for role in ("source", "target"):
            for gold in event.get(role) or []:
                label = sector_label(gold.get("sector"))
                if label is None or label not in classes or gold.get("start") is None:
                    continue
                for _, actor in mentions:
                    if _overlaps(actor, [gold]):
                        rows.append(sector_features(actor, typ, role, antecedent_of(actor, names)))
                        labels.append(classes.index(label))
    return Instances(rows, labels, None, [number] * len(rows))


SECTORS = (
    "NONE GOV MIL REB OPP PTY LEG JUD COP SPY MED EDU BUS CRM CVL IGO NGO LAB REL ELI REF HLH "
    "UAF PRM AGR ENV ETH ACT SET"
).split()


# ---------------------------------------------------------------- fitting


def design(rows: Sequence[Sequence[str]], min_count: int) -> tuple[dict[str, int], Any]:
    """The vocabulary (features in at least ``min_count`` instances, sorted) and the instances
    as a sparse 0/1 matrix over it (scipy CSR, float32)."""
    from scipy import sparse

    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(set(row))
    names = sorted(f for f, c in counts.items() if c >= min_count)
    vocab = {f: n for n, f in enumerate(names)}
    indptr, indices = [0], []
    for row in rows:
        indices.extend(sorted({vocab[f] for f in row if f in vocab}))
        indptr.append(len(indices))
    x = sparse.csr_matrix(
        (np.ones(len(indices), np.float32), np.array(indices, dtype=np.int64), indptr),
        shape=(len(rows), len(vocab)),
    )
    return vocab, x


def fit(
    data: Instances, classes: Sequence[str], *, l2: float, min_count: int, max_iter: int
) -> LinearModel:
    """Softmax regression with an L2 penalty, by L-BFGS from zeros (deterministic)."""
    from scipy.optimize import minimize

    vocab, x = design(data.rows, min_count)
    n, v, k = len(data.rows), len(vocab), len(classes)
    xt = x.T.tocsr()
    dense_x = (
        np.vstack(data.dense).astype(np.float32) if data.dense else np.zeros((n, 0), np.float32)
    )
    d = dense_x.shape[1]
    y = np.zeros((n, k), np.float32)
    y[np.arange(n), data.labels] = 1.0
    width = v + d

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[: width * k].reshape(width, k).astype(np.float32)
        b = theta[width * k :].astype(np.float32)
        z = x @ w[:v] + dense_x @ w[v:] + b
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -(y * log_p).sum() + 0.5 * l2 * (w * w).sum()
        diff = np.exp(log_p) - y
        grad_w = np.vstack([xt @ diff, dense_x.T @ diff]) + l2 * w
        grad_b = diff.sum(axis=0)
        return float(loss), np.concatenate([grad_w.ravel(), grad_b]).astype(np.float64)

    result = minimize(
        objective,
        np.zeros(width * k + k),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter},
    )
    theta = result.x
    w = theta[: width * k].reshape(width, k)
    return LinearModel(
        classes=tuple(classes),
        vocabulary=vocab,
        weights=w[:v].astype(np.float32),
        dense_weights=w[v:].astype(np.float32),
        bias=theta[width * k :].astype(np.float32),
    )


def fit_hidden(
    data: Instances, classes: Sequence[str], *, settings: dict[str, Any], seed: int
) -> HiddenModel:
    """A network with one hidden layer (``HiddenModel``) over the same instances, trained by
    minibatch Adam on the cross-entropy, with dropout on the hidden units. Seeded: the
    weights of the dense input and of the output start random from ``seed``, the feature rows
    at zero (a feature seen too seldom to move stays near zero and is pruned), the hidden
    biases at 0.1 (every unit starts active); the batches and the dropout are drawn from the
    same generator."""
    hidden = settings["size"]
    vocab, x = design(data.rows, settings["min_count"])
    n, v, k = len(data.rows), len(vocab), len(classes)
    dense_x = np.vstack(data.dense).astype(np.float32)
    y = np.array(data.labels)
    rng = np.random.default_rng(seed)
    d = dense_x.shape[1]
    params = {
        "w1": np.zeros((v, hidden), np.float32),
        "d1": (rng.standard_normal((d, hidden)) / np.sqrt(d)).astype(np.float32),
        "b1": np.full(hidden, 0.1, np.float32),  # units start active, so rows can learn
        "w2": (rng.standard_normal((hidden, k)) / np.sqrt(hidden)).astype(np.float32),
        "b2": np.zeros(k, np.float32),
    }
    first = {name: np.zeros_like(value) for name, value in params.items()}
    second = {name: np.zeros_like(value) for name, value in params.items()}
    rate, drop, batch = settings["learning_rate"], settings["dropout"], settings["batch"]
    step = 0
    for _ in range(settings["epochs"]):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start : start + batch]
            xb, db, yb = x[rows], dense_x[rows], y[rows]
            pre = xb @ params["w1"] + db @ params["d1"] + params["b1"]
            keep = (rng.random(pre.shape) >= drop).astype(np.float32) / (1.0 - drop)
            h = np.maximum(pre, 0.0) * keep
            z = h @ params["w2"] + params["b2"]
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
            p[np.arange(len(yb)), yb] -= 1.0
            g = p / len(yb)
            dh = (g @ params["w2"].T) * keep * (pre > 0)
            grads = {
                "w1": np.asarray(xb.T @ dh),
                "d1": db.T @ dh,
                "b1": dh.sum(axis=0),
                "w2": h.T @ g,
                "b2": g.sum(axis=0),
            }
            step += 1
            for name, grad in grads.items():
                first[name] = 0.9 * first[name] + 0.1 * grad
                second[name] = 0.999 * second[name] + 0.001 * grad * grad
                corrected = first[name] / (1 - 0.9**step)
                scale = np.sqrt(second[name] / (1 - 0.999**step)) + 1e-8
                params[name] -= (rate * corrected / scale).astype(np.float32)
    return HiddenModel(
        classes=tuple(classes),
        vocabulary=vocab,
        weights=params["w1"],
        dense_weights=params["d1"],
        bias=params["b1"],
        output=params["w2"],
        output_bias=params["b2"],
    )


@dataclass
class Fitted:
    trigger: LinearModel
    factuality: LinearModel
    roles: LinearModel
    countries: LinearModel
    sectors: LinearModel
    trigger_hidden: HiddenModel | None = None


# The instances and config the fitting processes read: set before they are forked, so the
# data is shared with them, not copied through a pipe.
_FITTING: dict[str, Any] = {}
# Each regression fitted in ``fit_all`` (named as its instances) and its classes.
_FITS = {
    "trigger": (NONE, *TYPES),
    "factuality": FACTUALITY,
    "roles": ROLES,
    "countries": ("no", "yes"),
    "sectors": SECTORS,
}


def _fit_one(job: tuple[str, int]) -> LinearModel | HiddenModel:
    """One of ``fit_all``'s models: ("hidden", seed) is one hidden-layer network."""
    name, seed = job
    parts, config = _FITTING["parts"], _FITTING["config"]
    if name == "hidden":
        return fit_hidden(parts["trigger"], (NONE, *TYPES), settings=config["hidden"], seed=seed)
    train = config["train"]
    return fit(
        parts[name],
        _FITS[name],
        l2=train[f"{name}_l2"],
        min_count=train["min_count"],
        max_iter=train["max_iter"],
    )


def fit_all(parts: dict[str, Instances], config: dict[str, Any]) -> Fitted:
    """Every model of the coder: the five softmax regressions and ``hidden.members``
    hidden-layer networks (seeded ``seed``, ``seed + 1``, ...), fitted in ``train.workers``
    processes. The models do not depend on each other, so the workers change only the time."""
    hidden = config.get("hidden", {})
    members = int(hidden.get("members", 1)) if hidden.get("size") else 0
    seed = config["model"]["seed"]
    # The longest first, so that two workers finish together.
    jobs = [("trigger", 0), *[("hidden", seed + m) for m in range(members)]]
    jobs += [(name, 0) for name in _FITS if name != "trigger"]
    workers = int(config["train"].get("workers", 1))
    _FITTING.update(parts=parts, config=config)
    try:
        if workers > 1:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = pool.map(_fit_one, jobs, chunksize=1)
        else:
            results = [_fit_one(job) for job in jobs]
    finally:
        _FITTING.clear()
    by_name = {name: model for (name, _), model in zip(jobs, results, strict=True)}
    networks = [m for (name, _), m in zip(jobs, results, strict=True) if name == "hidden"]
    return Fitted(
        trigger=by_name["trigger"],  # type: ignore[arg-type]
        factuality=by_name["factuality"],  # type: ignore[arg-type]
        roles=by_name["roles"],  # type: ignore[arg-type]
        countries=by_name["countries"],  # type: ignore[arg-type]
        sectors=by_name["sectors"],  # type: ignore[arg-type]
        trigger_hidden=stack_members(networks) if networks else None,  # type: ignore[arg-type]
    )


def stack_members(networks: Sequence[HiddenModel]) -> HiddenModel:
    """Hidden-layer networks trained on the same instances as one ``HiddenModel`` whose
    members they are (their hidden units side by side, one output each); one network stays
    as it is."""
    if len(networks) == 1:
        return networks[0]
    first = networks[0]
    if any(n.vocabulary != first.vocabulary for n in networks):
        raise ValueError("the networks were trained on different features")
    return HiddenModel(
        classes=first.classes,
        vocabulary=first.vocabulary,
        weights=np.hstack([n.weights for n in networks]),
        dense_weights=np.hstack([n.dense_weights for n in networks]),
        bias=np.concatenate([n.bias for n in networks]),
        output=np.stack([n.output for n in networks]),
        output_bias=np.stack([n.output_bias for n in networks]),
    )


def instances_of(arts: Sequence[Prepared], numbers: Sequence[int]) -> dict[str, Instances]:
    parts = {
        "trigger": Instances([], [], [], []),
        "factuality": Instances([], [], [], []),
        "roles": Instances([], [], None, []),
        "countries": Instances([], [], None, []),
        "sectors": Instances([], [], None, []),
    }
    for art, number in zip(arts, numbers, strict=True):
        parts["trigger"].extend(trigger_instances(art, number, (NONE, *TYPES)))
        parts["factuality"].extend(factuality_instances(art, number))
        parts["roles"].extend(role_instances(art, number))
        parts["countries"].extend(country_instances(art, number))
        parts["sectors"].extend(sector_instances(art, number, SECTORS))
    return parts


# ---------------------------------------------------------------- coding and scoring


def as_model(fitted: Fitted, thresholds: dict[str, float], meta: dict[str, Any]) -> EventModel:
    return EventModel(
        name=meta.get("name", "cv"),
        version=meta.get("version", "0"),
        trigger=fitted.trigger,
        factuality=fitted.factuality,
        roles=fitted.roles,
        countries=fitted.countries,
        sectors=fitted.sectors,
        thresholds=thresholds,
        calibration={},
        meta=meta,
        trigger_hidden=fitted.trigger_hidden,
    )


def code(art: Prepared, model: EventModel) -> list[Event]:
    lexicon = art.ctx.lexicon
    return code_events(
        art.doc,
        art.sentences,
        art.ctx,
        article_id=art.id,
        model=model,
        codes=lexicon.codes,
        lexicon=lexicon,
        countries=art.countries,
        keep_overlapped=True,
    )


def score(arts: Sequence[Prepared], events: Sequence[Sequence[Event]]) -> dict[str, Any]:
    pairs = [
        (art.gold, {"id": art.id, "events": [event_record(e) for e in evs]})
        for art, evs in zip(arts, events, strict=True)
    ]
    result = score_events(pairs)
    assert result is not None
    return {
        "typed_precision": result.typed.precision,
        "typed_recall": result.typed.recall,
        "typed_f1": result.typed.f1,
        "untyped_f1": result.untyped.f1,
        "type_accuracy": result.type_accuracy.value,
        "source_f1": result.source.f1,
        "target_f1": result.target.f1,
        "source_country": result.source_country.value,
        "source_sector": result.source_sector.value,
        "target_sector": result.target_sector.value,
        "target_country": result.target_country.value,
        "factuality": result.factuality.value,
        "predicted": result.typed.n_pred,
        "gold": result.typed.n_gold,
    }


def grouped_folds(n: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return [sorted(order[f::k]) for f in range(k)]


def cross_validate(
    arts: Sequence[Prepared], config: dict[str, Any]
) -> tuple[list[list[Event]], list[list[Event]]]:
    """Held-out events of every article at a low threshold (for choosing the threshold and the
    calibration), per fold."""
    folds = grouped_folds(len(arts), config["train"]["folds"], config["model"]["seed"])
    numbers = list(range(len(arts)))
    parts = instances_of(arts, numbers)
    low = {"trigger": 0.05, **{k: config["decode"][k] for k in DECODE_KEYS}}
    held_out: list[list[Event]] = [[] for _ in arts]
    for f, test in enumerate(folds):
        started = time.perf_counter()
        test_set = set(test)
        train_parts = {name: subset(inst, test_set) for name, inst in parts.items()}
        fitted = fit_all(train_parts, config)
        model = as_model(fitted, low, {})
        for n in test:
            held_out[n] = code(arts[n], model)
        print(
            f"  fold {f + 1}/{len(folds)}: {len(test)} articles, "
            f"{time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
    return held_out, [[] for _ in arts]


def subset(inst: Instances, leave_out: set[int]) -> Instances:
    keep = [n for n, g in enumerate(inst.groups) if g not in leave_out]
    return Instances(
        [inst.rows[n] for n in keep],
        [inst.labels[n] for n in keep],
        [inst.dense[n] for n in keep] if inst.dense is not None else None,
        [inst.groups[n] for n in keep],
    )


def at_threshold(
    events: Sequence[Sequence[Event]], model_threshold: float, support: float | None
) -> list[list[Event]]:
    """The events the coder keeps at this trigger threshold: the model's own above it, and the
    lexicon triggers confirmed at ``support`` (None: none) that none of those overlaps."""

    def kept(e: Event) -> bool:
        if is_confirmed_lexicon(e):
            return support is not None and raw_score(e) >= support
        return raw_score(e) >= model_threshold

    return [drop_overlapped([e for e in evs if kept(e)]) for evs in events]


def raw_score(event: Event) -> float:
    return event.confidence  # uncalibrated while cross-validating


def choose_threshold(
    arts: Sequence[Prepared],
    held_out: Sequence[Sequence[Event]],
    min_precision: float,
    lowest_support: float,
) -> tuple[float, float | None, dict[str, Any]]:
    """The trigger threshold and lexicon support (None: no lexicon triggers) with the best
    typed F1 whose precision reaches ``min_precision``."""
    supports = [None, *(s for s in (0.3, 0.4, 0.5, 0.6, 0.7) if s >= lowest_support)]
    best: tuple[float, float | None, dict[str, Any]] | None = None
    for support in supports:
        for step in range(40, 92, 2):
            threshold = step / 100
            figures = score(arts, at_threshold(held_out, threshold, support))
            ok = figures["typed_precision"] >= min_precision
            key = (ok, figures["typed_f1"] if ok else figures["typed_precision"])
            if best is None or key > (best[2]["_ok"], best[2]["_key"]):
                best = (threshold, support, figures | {"_ok": ok, "_key": key[1]})
    assert best is not None
    threshold, support, figures = best
    return threshold, support, {k: v for k, v in figures.items() if not k.startswith("_")}


def print_curve(
    arts: Sequence[Prepared], held_out: Sequence[Sequence[Event]], support: float | None
) -> None:
    """Typed precision, recall and F1 of the held-out events at a range of thresholds."""
    print(f"  lexicon support {support}:", file=sys.stderr)
    for step in range(20, 90, 5):
        f = score(arts, at_threshold(held_out, step / 100, support))
        print(
            f"  threshold {step / 100:.2f}: P {f['typed_precision']:.3f} R {f['typed_recall']:.3f}"
            f" F1 {f['typed_f1']:.3f}",
            file=sys.stderr,
        )


def calibrate(
    arts: Sequence[Prepared],
    held_out: Sequence[Sequence[Event]],
    threshold: float,
    support: float | None,
) -> dict[str, dict[str, list[float]]]:
    """Isotonic map from the trigger score to the share of events at that score that match a
    gold event of the same type (pool-adjacent-violators over held-out events)."""
    from eventscope.evaluation.events import matched_pairs

    points: dict[str, list[tuple[float, int]]] = {"model": [], "lexicon": []}
    for art, evs in zip(arts, at_threshold(held_out, threshold, support), strict=True):
        records = [event_record(e) for e in evs]
        right = matched_pairs(art.gold, {"id": art.id, "events": records}, typed=True)
        for n, e in enumerate(evs):
            kind = "lexicon" if is_confirmed_lexicon(e) else "model"
            points[kind].append((round(raw_score(e), 2), int(n in right)))
    return {kind: isotonic(found) for kind, found in points.items()}


def _absorb_last(blocks: list[list[float]]) -> None:
    """Pool the last [hits, count, lowest, highest] block into the one before it."""
    hits, count, _, top = blocks.pop()
    blocks[-1][0] += hits
    blocks[-1][1] += count
    blocks[-1][3] = top


def isotonic(
    points: Sequence[tuple[float, int]], min_block: int = MIN_BLOCK
) -> dict[str, list[float]]:
    """Pool-adjacent-violators over (score, hit) points; equal scores are one block, and
    neighbouring scores are pooled until a block holds ``min_block`` points (one wrong event
    at the lowest score must not map that score to a confidence of 0)."""
    by_score: dict[float, list[int]] = {}
    for s, hit in points:
        by_score.setdefault(s, [0, 0])
        by_score[s][0] += hit
        by_score[s][1] += 1
    pooled: list[list[float]] = []  # [hits, count, lowest score, highest score]
    for s in sorted(by_score):
        pooled.append([*by_score[s], s, s])
        if len(pooled) > 1 and pooled[-2][1] < min_block:
            _absorb_last(pooled)
    if len(pooled) > 1 and pooled[-1][1] < min_block:
        _absorb_last(pooled)
    blocks: list[list[float]] = []
    for block in pooled:
        blocks.append(block)
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            _absorb_last(blocks)
    xs: list[float] = []
    ys: list[float] = []
    for hits, count, low, high in blocks:
        for x in sorted({low, high}):
            xs.append(round(x, 4))
            ys.append(round(hits / count, 4))
    return {"x": xs, "y": ys}


# ---------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", type=Path, default=CONFIG)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--cv-only", action="store_true")
    parser.add_argument("--limit", type=int, help="only the first N articles (a quick check)")
    parser.add_argument("--dump", type=Path, help="write the held-out events here (pickle)")
    parser.add_argument(
        "--no-cv",
        type=float,
        metavar="THRESHOLD",
        help="skip cross-validation and use this trigger threshold (a quick build, no calibration)",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, help="spaCy pipeline")
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache" / "eventscope" / "training"
    )
    args = parser.parse_args(argv)
    config = tomllib.loads(args.config.read_text(encoding="utf-8"))
    started = time.perf_counter()
    records = read_gold(config)[: args.limit]
    arts = prepare(records, args.model, args.cache)
    n_events = sum(len(a.gold.get("events", [])) for a in arts)
    print(
        f"{len(arts)} articles, {n_events} events ({time.perf_counter() - started:.0f} s)",
        file=sys.stderr,
    )
    if args.no_cv is not None:
        parts = instances_of(arts, list(range(len(arts))))
        write_model(
            args.out,
            fit_all(parts, config),
            config,
            arts,
            args.no_cv,
            config["decode"]["lexicon_support"],
            {},
            {},
        )
        print(f"wrote {args.out} (not cross-validated)")
        return 0
    held_out, _ = cross_validate(arts, config)
    if args.dump:
        with args.dump.open("wb") as handle:
            pickle.dump({a.id: evs for a, evs in zip(arts, held_out, strict=True)}, handle)
    decode = config["decode"]
    print_curve(arts, held_out, None)
    print_curve(arts, held_out, decode["lexicon_support"])
    threshold, support, cv = choose_threshold(
        arts, held_out, decode["min_precision"], decode["lexicon_support"]
    )
    calibration = calibrate(arts, held_out, threshold, support)
    print(
        f"cross-validated ({config['train']['folds']} folds by article), trigger threshold "
        f"{threshold}, lexicon support {support}: "
        + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in cv.items())
    )
    if args.cv_only:
        return 0
    parts = instances_of(arts, list(range(len(arts))))
    fitted = fit_all(parts, config)
    write_model(args.out, fitted, config, arts, threshold, support, cv, calibration)
    print(f"wrote {args.out}")
    return 0


def write_model(
    out: Path,
    fitted: Fitted,
    config: dict[str, Any],
    arts: Sequence[Prepared],
    threshold: float,
    support: float | None,
    cv: dict[str, Any],
    calibration: dict[str, dict[str, list[float]]],
) -> None:
    out.mkdir(parents=True, exist_ok=True)
    least = float(config["train"].get("min_weight", 0.0))
    fitted.trigger.pruned(least).save(out / "trigger.npz")
    fitted.factuality.pruned(least).save(out / "factuality.npz")
    fitted.roles.pruned(least).save(out / "roles.npz")
    fitted.countries.pruned(least).save(out / "countries.npz")
    fitted.sectors.pruned(least).save(out / "sectors.npz")
    hidden = out / HIDDEN_FILE
    if fitted.trigger_hidden is not None:
        fitted.trigger_hidden.pruned(least).save(hidden)
    elif hidden.exists():
        hidden.unlink()  # a model rebuilt without the hidden layer scores linearly
    sources = Counter(
        "news-extra.jsonl"
        if a.gold.get("meta", {}).get("set") == "eventscope-annotations"
        else Path(config["data"]["gold"][0]).name
        for a in arts
    )
    meta = {
        "name": config["model"]["name"],
        "version": config["model"]["version"],
        "seed": config["model"]["seed"],
        "trained_on": {
            "articles": len(arts),
            "events": sum(len(a.gold.get("events", [])) for a in arts),
            "per_file": dict(sorted(sources.items())),
            "excluded": config["data"].get("exclude", []),
        },
        "not_trained_on": NOT_TRAINED_ON,
        "guide_sha256": hashlib.sha256(GUIDE.read_bytes()).hexdigest()[:12]
        if GUIDE.exists()
        else None,
        "config": config,
        "thresholds": {
            "trigger": threshold,
            **{k: config["decode"][k] for k in ("source", "target", "min_word")},
            **({"lexicon_support": support} if support is not None else {}),
        },
        "calibration": calibration,
        "cross_validation": cv,
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
