"""classify(): the type of the event between two given actors of a sentence."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from eventscope.api import classify_records
from eventscope.events import PLOVER_TYPES, classify, load_lexicon
from eventscope.events.classify import classify_by_rules, event_for_pair, pair_text, with_event
from eventscope.events.codes import data_dir
from eventscope.events.evidence import pair_evidence, read_lexicon, rule_scores
from eventscope.events.features import pair_features
from eventscope.events.typemodel import (
    EMBEDDING_PREFIX,
    MODEL_FILE,
    TypeModel,
    best_type,
    load_type_model,
    parse_type_model,
    save_type_model,
)
from eventscope.pipeline import Pipeline
from eventscope.records import Actor, Event, Span


def _span(text: str, words: str) -> Span:
    start = text.index(words)
    return Span(start, start + len(words), words)


@pytest.mark.parametrize(
    ("text", "source", "target", "expected"),
    [
        ("Iran threatened to attack US troops in Iraq.", "Iran", "US troops", "THREATEN"),
        ("The embassy was attacked by militants.", "militants", "The embassy", "ASSAULT"),
        ("Egypt hosted talks between Israel and Hamas.", "Egypt", "Israel", "CONSULT"),
        (
            "The minister praised the army but condemned the rebels.",
            "The minister",
            "the rebels",
            "ACCUSE",
        ),
        (
            "The minister praised the army but condemned the rebels.",
            "The minister",
            "the army",
            "SUPPORT",
        ),
        ("Pakistan refused to send troops to Yemen.", "Pakistan", "Yemen", "REJECT"),
        ("China will send aid to Laos.", "China", "Laos", "AGREE"),
    ],
)
def test_classify(nlp: Any, text: str, source: str, target: str, expected: str) -> None:
    best, scores = classify(nlp(text), _span(text, source), _span(text, target))
    assert best == expected
    assert set(scores) == set(PLOVER_TYPES)
    assert sum(scores.values()) == pytest.approx(1.0)
    assert max(scores, key=scores.__getitem__) == best


def test_classify_without_a_trigger_still_scores_all_types(nlp: Any) -> None:
    text = "The delegation from Kenya and the envoy of Chad were in Paris."
    best, scores = classify(nlp(text), _span(text, "Kenya"), _span(text, "Chad"))
    assert best in PLOVER_TYPES
    assert sum(scores.values()) == pytest.approx(1.0)
    assert min(scores.values()) > 0


def test_classify_accepts_a_missing_target(nlp: Any) -> None:
    text = "Thousands of workers went on strike in Lagos."
    best, _ = classify(nlp(text), _span(text, "Thousands of workers"), None)
    assert best == "PROTEST"


# Issue 4 (classification mode): pairs of types the rule classifier confused. The learned type
# model (data/events/type_model.json) tells them apart; the rules alone code each first
# sentence of a pair as its partner's type (AGREE for the deliveries, REQUEST for the call for
# sanctions, COERCE for the blockade).
CONFUSED_PAIRS = [
    # an aid delivery, and an agreement to deliver
    (
        "Germany sent a team of doctors and medical equipment to the hospital in Goma.",
        "Germany",
        "the hospital in Goma",
        "AID",
    ),
    ("The foundation flew ten tons of medicine into Haiti.", "The foundation", "Haiti", "AID"),
    (
        "Germany offered to send doctors to the hospital in Goma next year.",
        "Germany",
        "the hospital in Goma",
        "AGREE",
    ),
    # an accusation (sanctions called for against the target), and a demand made of it
    (
        "The senator called for sanctions against the ministry over the killings.",
        "The senator",
        "the ministry",
        "ACCUSE",
    ),
    (
        "The union demanded that the ministry release the detained workers.",
        "The union",
        "the ministry",
        "REQUEST",
    ),
    # an armed blockade (coded ASSAULT by plv-train's annotators), and an arrest
    (
        "Government troops imposed a blockade on the rebel-held port.",
        "Government troops",
        "the rebel-held port",
        "ASSAULT",
    ),
    (
        "Police arrested the opposition leader at his home.",
        "Police",
        "the opposition leader",
        "COERCE",
    ),
    # CONCEDE and RETREAT, which plv-train never tells apart, still follow the lexicon
    (
        "The president declared a cessation of hostilities in the northern province.",
        "The president",
        "the northern province",
        "RETREAT",
    ),
    (
        "The governor granted the protesters permission to march on Sunday.",
        "The governor",
        "the protesters",
        "CONCEDE",
    ),
]


@pytest.mark.parametrize(("text", "source", "target", "expected"), CONFUSED_PAIRS)
def test_type_model_separates_types_the_rules_confused(
    nlp: Any, text: str, source: str, target: str, expected: str
) -> None:
    best, scores = classify(nlp(text), _span(text, source), _span(text, target))
    assert best == expected
    assert max(scores, key=scores.__getitem__) == expected
    assert sum(scores.values()) == pytest.approx(1.0)


def test_rule_classifier_is_kept_and_scores_all_types(nlp: Any) -> None:
    text = "Germany sent a team of doctors and medical equipment to the hospital in Goma."
    best, scores = classify_by_rules(
        nlp(text), _span(text, "Germany"), _span(text, "the hospital in Goma")
    )
    assert best in PLOVER_TYPES
    assert set(scores) == set(PLOVER_TYPES)
    assert sum(scores.values()) == pytest.approx(1.0)


def test_shipped_type_model_loads_and_gives_sixteen_probabilities() -> None:
    path = data_dir() / MODEL_FILE
    assert path.stat().st_size < 1_000_000
    model = load_type_model()
    assert model is not None
    assert set(model.types) == set(PLOVER_TYPES)
    assert model.about["trainer"] == "training/train_classifier.py"
    for features in ({}, {"rule:AID": 1.0, "rule_best:AID": 1.0}, {"no such feature": 3.0}):
        scores = model.probabilities(features)
        assert set(scores) == set(PLOVER_TYPES)
        assert sum(scores.values()) == pytest.approx(1.0)
        assert min(scores.values()) > 0
    assert best_type(model.probabilities({"rule:AID": 1.0, "rule_best:AID": 1.0})) == "AID"


def test_type_model_round_trips_and_is_injected(nlp: Any, tmp_path: Path) -> None:
    bias = tuple(5.0 if typ == "PROTEST" else 0.0 for typ in PLOVER_TYPES)
    model = TypeModel(types=PLOVER_TYPES, bias=bias, weights={"rule:AGREE": (0.5,) * 16})
    save_type_model(model, tmp_path / "model.json")
    loaded = load_type_model(tmp_path / "model.json")
    assert loaded == model
    text = "Egypt hosted talks between Israel and Hamas."
    best, _ = classify(nlp(text), _span(text, "Egypt"), _span(text, "Israel"), model=loaded)
    assert best == "PROTEST"


@pytest.mark.parametrize(
    "broken",
    [
        {"format": 0, "types": [], "bias": [], "weights": {}},
        {"format": 1, "types": ["AGREE", "WAVE"], "bias": [0, 0], "weights": {}},
        {"format": 1, "types": ["AGREE"], "bias": [0, 0], "weights": {}},
        {"format": 1, "types": ["AGREE"], "bias": [0], "weights": {"x": [1, 2]}},
    ],
)
def test_malformed_type_model_is_refused(broken: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        parse_type_model(broken)


def test_pair_features_name_words_and_lexicon_rows_not_names(nlp: Any) -> None:
    text = "Iran threatened to attack US troops in Iraq."
    doc = nlp(text)
    evidence = pair_evidence(
        doc, _span(text, "Iran"), _span(text, "US troops"), lexicon=load_lexicon()
    )
    features = pair_features(evidence)
    assert features["rule_best:THREATEN"] == 1.0
    assert any(name.startswith("row:threaten") for name in features)
    assert any(name.startswith("type:path:own:THREATEN") for name in features)
    assert not any("iran" in name.lower() or "iraq" in name.lower() for name in features)


# Classification reads the embedding of the sentences that hold the two actors (pair_text).
def test_pair_text_is_the_sentences_that_hold_the_actors(nlp: Any) -> None:
    text = "Rain fell all day. Rebels shelled the town. The mayor asked for help."
    doc = nlp(text)
    rebels, town = _span(text, "Rebels"), _span(text, "the town")
    assert pair_text(doc, rebels, town) == "Rebels shelled the town."
    assert pair_text(doc, rebels, _span(text, "The mayor")) == (
        "Rebels shelled the town. The mayor asked for help."
    )
    assert pair_text(doc, None, None) == text


def test_the_embedding_is_weighed_when_the_model_reads_one(
    nlp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a model that only reads the embedding's first number: ASSAULT when it is positive
    row = tuple(4.0 if typ == "ASSAULT" else 0.0 for typ in PLOVER_TYPES)
    model = TypeModel(
        types=PLOVER_TYPES,
        bias=tuple(1.0 if typ == "CONSULT" else 0.0 for typ in PLOVER_TYPES),
        weights={f"{EMBEDDING_PREFIX}000": row},
        about={"sentence_embedding": {"model": "test", "scale": 2.0}},
    )
    text = "Rain fell all day. Rebels shelled the town."
    doc, rebels, town = nlp(text), _span(text, "Rebels"), _span(text, "the town")
    assert classify(doc, rebels, town, model=model, embedding=[1.0] + [0.0] * 383)[0] == "ASSAULT"
    assert classify(doc, rebels, town, model=model, embedding=[0.0] * 384)[0] == "CONSULT"
    asked: list[list[str]] = []

    def fake(texts: list[str]) -> list[list[float]]:
        asked.append(list(texts))
        return [[1.0] + [0.0] * 383 for _ in texts]

    monkeypatch.setattr(sys.modules["eventscope.events.classify"], "sentence_embeddings", fake)
    assert classify(doc, rebels, town, model=model)[0] == "ASSAULT"
    assert asked == [["Rebels shelled the town."]]


def test_shipped_type_model_reads_the_sentence_embedding() -> None:
    model = load_type_model()
    assert model is not None and model.embedding_scale == 5.0
    assert model.label.startswith("type-model+") and len(model.label) == len("type-model+") + 12
    heavier = TypeModel(model.types, tuple(b + 1 for b in model.bias), model.weights, model.about)
    assert heavier.label != model.label
    assert f"{EMBEDDING_PREFIX}383" in model.weights
    assert "all-MiniLM-L6-v2" in model.about["sentence_embedding"]["model"]


# In an article, the learned event coder's event in the pair's sentences speaks for the pair.
def _event(trigger: tuple[int, int], typ: str, confidence: float, rule: str, **roles: Any) -> Event:
    def actors(span: tuple[int, int] | None) -> tuple[Actor, ...]:
        return () if span is None else (Actor(Span(*span, "x"), 0, "x"),)

    return Event(
        id=f"e{trigger[0]}",
        article_id="a",
        sentence=0,
        evidence="",
        type=typ,
        trigger=Span(*trigger, "x"),
        source=actors(roles.get("source")),
        target=actors(roles.get("target")),
        rule=rule,
        confidence=confidence,
    )


def test_event_for_pair_prefers_the_event_linking_the_actors() -> None:
    source, target = Span(0, 5, "x"), Span(20, 25, "x")
    model = "model:eventscope-news-events-1.0.0"
    linked_one = _event((10, 12), "ACCUSE", 0.9, model, source=(0, 5))
    linked_both = _event((14, 16), "COERCE", 0.6, model, source=(0, 5), target=(20, 25))
    unlinked = _event((30, 33), "ASSAULT", 0.99, model)
    outside = _event((120, 125), "AID", 0.99, model, source=(0, 5), target=(20, 25))
    alone = "lexicon:x (a one-sentence text, so not model:m)"  # the rules alone coded it
    rules = _event((8, 9), "AID", 0.99, alone, source=(0, 5), target=(20, 25))
    within = (0, 100)
    events = [unlinked, linked_one, linked_both, outside, rules]
    assert event_for_pair(events, source, target, within) == (linked_both, "actors")
    assert event_for_pair([unlinked, linked_one], source, target, within) == (linked_one, "actors")
    assert event_for_pair([unlinked, outside, rules], source, target, within) == (
        unlinked,
        "sentence",
    )
    confirmed = _event((8, 9), "AID", 0.5, "lexicon:r (confirmed by model:m)", target=(20, 25))
    assert event_for_pair([unlinked, confirmed], source, target, within) == (confirmed, "actors")
    assert event_for_pair([outside, rules], source, target, within) is None


def test_with_event_pools_the_event_and_the_model_by_the_events_confidence() -> None:
    scores = {typ: (0.7 if typ == "CONSULT" else 0.3 / 15) for typ in PLOVER_TYPES}
    sure = _event((0, 1), "COERCE", 0.9, "model:m")
    best, pooled = with_event(sure, scores)
    assert best == "COERCE"
    assert sum(pooled.values()) == pytest.approx(1.0)
    assert pooled["COERCE"] == pytest.approx(0.9 + 0.1 * 0.3 / 15)
    unsure = _event((0, 1), "COERCE", 0.2, "model:m")
    assert with_event(unsure, scores)[0] == "CONSULT"  # 0.56 against 0.22


ARTICLE = (
    "Protests spread across the capital on Monday. Riot police arrested the opposition leader "
    "outside his home in the morning, his party said. The interior ministry defended the arrest. "
    "Thousands marched to parliament in the afternoon. The European Union condemned the "
    "government for the crackdown."
)


def _pair(text: str, source: str, target: str) -> dict[str, Any]:
    s, t = _span(text, source), _span(text, target)
    return {
        "source": [{"text": s.text, "start": s.start, "end": s.end}],
        "target": [{"text": t.text, "start": t.start, "end": t.end}],
    }


@pytest.mark.slow
def test_classify_records_reads_the_event_coder_in_articles_only() -> None:
    sentence = "Riot police arrested the opposition leader outside his home."
    records = [
        {
            "id": "article",
            "text": ARTICLE,
            "events": [
                _pair(ARTICLE, "Riot police", "the opposition leader"),
                _pair(ARTICLE, "The European Union", "the government"),
            ],
        },
        {
            "id": "sentence",
            "text": sentence,
            "events": [_pair(sentence, "Riot police", "the opposition leader")],
        },  # fmt: skip
    ]
    article, short = classify_records(records)
    arrest, condemn = article["events"]
    assert (arrest["type"], arrest["coder"]) == ("COERCE", "event coder, actors")
    assert arrest["trigger"] == {"text": "arrested", "start": 58, "end": 66}
    assert (condemn["type"], condemn["coder"]) == ("ACCUSE", "event coder, actors")
    assert sum(condemn["scores"].values()) == pytest.approx(1.0)
    (only,) = short["events"]
    assert (only["type"], only["coder"]) == ("COERCE", "type model")
    assert "trigger" not in only
    # every answer says what read it
    model = load_type_model()
    assert model is not None
    assert only["versions"]["type_model"] == model.label
    assert only["versions"]["sentence_embedding"].startswith("all-MiniLM-L6-v2")
    assert {"eventscope", "tables", "model"} <= set(only["versions"])
    assert "event_model" not in only["versions"]
    assert arrest["versions"]["event_model"].startswith("eventscope-news-events")
    assert arrest["versions"]["type_model"] == model.label


@pytest.mark.slow
def test_classify_records_parses_each_text_once(counting_nlp: Any) -> None:
    pair = _pair(ARTICLE, "Riot police", "his home")
    record = {"id": "article", "text": ARTICLE + "\n", "events": [pair]}  # as files end
    (article,) = classify_records([record], pipeline=Pipeline(nlp=counting_nlp))
    assert article["events"][0]["coder"].startswith("event coder")
    assert counting_nlp.texts == [ARTICLE]


def test_one_lexicon_reading_serves_every_pair_of_a_doc(nlp: Any) -> None:
    doc = nlp(ARTICLE)
    lexicon = load_lexicon()
    reading = read_lexicon(doc, lexicon)
    assert {typ for _, typ in reading.codings} >= {"COERCE", "ACCUSE"}
    for source, target in [
        ("Riot police", "the opposition leader"),
        ("The European Union", "the government"),
    ]:
        s, t = _span(ARTICLE, source), _span(ARTICLE, target)
        shared = pair_evidence(doc, s, t, lexicon=lexicon, reading=reading)
        own = pair_evidence(doc, s, t, lexicon=lexicon)
        assert [(x.type, x.position, x.weight) for x in shared.triggers] == [
            (x.type, x.position, x.weight) for x in own.triggers
        ]
        assert rule_scores(shared) == rule_scores(own)
