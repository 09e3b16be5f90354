"""ACLED-style labels derived from the coding, on sentences written for these tests, and the
document-level ACLED score of the evaluation."""

from __future__ import annotations

import datetime as dt

import pytest

import eventscope
from eventscope.evaluation.events import document_acled, score_doc_acled
from eventscope.events.acled import acled_label, acled_names, load_rules
from eventscope.events.labels import cameo_quad, document_labels
from eventscope.records import Actor, Event, Span
from eventscope.settings import Settings, load_settings

DAY = dt.date(2020, 5, 1)

CASES = [
    ("Syrian government warplanes bombed rebel positions near the town.", "AIR_STRIKE"),
    ("A drone strike killed three militants in the valley.", "AIR_STRIKE"),
    ("Government artillery shelled the rebel-held district overnight.",
     "SHELLING_ARTILLERY_MISSILE_ATTACK"),
    ("A suicide bomber blew himself up at a police checkpoint.", "SUICIDE_BOMB"),
    ("A roadside bomb exploded next to an army convoy.", "REMOTE_EXPLOSIVE_LANDMINE_IED"),
    ("Rebels clashed with army troops near the border.", "ARMED_CLASH"),
    ("Gunmen attacked villagers in the north, killing twelve civilians.", "ATTACK"),
    ("Militants kidnapped two aid workers on Monday.", "ABDUCTION_FORCED_DISAPPEARANCE"),
    ("Thousands of protesters marched peacefully through the capital.", "PEACEFUL_PROTEST"),
    ("Police fired tear gas at protesters outside parliament.", "PROTEST_WITH_INTERVENTION"),
    ("Police arrested ten opposition activists in the capital.", "ARRESTS"),
    ("The army and the rebels agreed to a ceasefire.", "AGREEMENT"),
]  # fmt: skip


# The label is derived from a coded event; these cases test the derivation on the lexicon
# coder's events, which are fixed on them.
RULES = load_settings().replace(event_coder="lexicon")


def _labels(text: str, settings: Settings = RULES) -> list[str | None]:
    return [e.acled for e in eventscope.extract(text, published=DAY, settings=settings).events]


@pytest.mark.parametrize(("text", "label"), CASES)
def test_acled_label_of_a_coded_event(text: str, label: str) -> None:
    assert label in _labels(text)


def test_denied_or_predicted_violence_has_no_acled_label() -> None:
    assert _labels("The army denied that its soldiers had attacked the villagers.") == [None]
    assert set(_labels("The rebels warned they would attack the army base.")) <= {None}


@pytest.mark.parametrize(
    ("text", "label"),
    [CASES[0], CASES[2], CASES[5], CASES[8], CASES[10], CASES[11]],
)
def test_the_learned_coders_events_get_their_acled_label(text: str, label: str) -> None:
    assert label in _labels(text, settings=load_settings())


def test_a_visit_has_no_acled_counterpart() -> None:
    assert _labels("The Brelian minister visited the capital of Korvania.") == [None]


def _event(typ: str, mode: str | None, source: str | None, target: str | None) -> Event:
    def actor(sector: str | None) -> tuple[Actor, ...]:
        return () if sector is None else (Actor(Span(0, 1, "x"), 0, "x", sector=sector),)

    return Event(
        id="e", article_id="a", sentence=0, evidence="x", type=typ, trigger=Span(0, 1, "x"),
        source=actor(source), target=actor(target), mode=mode,
    )  # fmt: skip


def test_rules_decide_by_mode_then_by_who_fights_whom() -> None:
    assert acled_label(_event("ASSAULT", "firearms", "MIL", "REB")) == "ARMED_CLASH"
    assert acled_label(_event("ASSAULT", "firearms", "REB", "CVL")) == "ATTACK"
    assert acled_label(_event("ASSAULT", "aerial", "MIL", "CVL")) == "AIR_STRIKE"
    assert acled_label(_event("ASSAULT", "abduct", "REB", "MIL")) == "ARMED_CLASH"
    assert acled_label(_event("ASSAULT", None, "MIL", None)) is None  # no one attacked: unknown
    assert acled_label(_event("PROTEST", "riot", "CVL", None)) == "VIOLENT_DEMONSTRATION"
    assert acled_label(_event("PROTEST", "boycott", "CVL", "BUS")) is None
    assert acled_label(_event("AGREE", None, "GOV", "GOV")) is None  # not between armed actors


def test_every_rule_names_an_acled_category() -> None:
    rules = load_rules()
    assert rules and all(r.type in eventscope.events.PLOVER_TYPES for r in rules)
    assert acled_names("AIR_STRIKE") == ("Explosions/Remote violence", "Air/drone strike")
    assert acled_names("ARMED_CLASH") == ("Battles", "Armed clash")


def test_document_acled_label_and_its_score() -> None:
    doc = {"events": [{"acled": "ARMED_CLASH"}, {"acled": "AIR_STRIKE"}, {"acled": None}]}
    assert document_acled(doc) == "AIR_STRIKE"  # a tie goes to the graver category
    doc["events"].append({"acled": "ARMED_CLASH"})
    assert document_acled(doc) == "ARMED_CLASH"  # the most frequent wins
    assert document_acled({"events": []}) == "NONE"
    gold = [{"id": "1", "labels": {"acled": "ARMED_CLASH"}}, {"id": "2", "labels": {}}]
    scores = score_doc_acled([(gold[0], doc), (gold[1], doc)])
    assert scores is not None and scores.accuracy.value == 1.0 and scores.accuracy.total == 1
    assert score_doc_acled([(gold[1], doc)]) is None


def test_document_quad_follows_the_main_event_and_cameo_quads() -> None:
    def labels(text: str) -> dict[str, str | None]:
        return document_labels(eventscope.extract(text, published=DAY).events)

    # A condemnation of an attack is a condemnation: the main (first reported) event decides.
    assert labels("The minister condemned the attack on the convoy.")["quad"] == "VERBAL_CONFLICT"
    # An appeal is neutral in CAMEO's quads, a demand verbal conflict.
    assert labels("The envoy urged both sides to return to talks.")["quad"] == "NEUTRAL"
    assert labels("The envoy demanded that the rebels free the hostages.")["quad"] == (
        "VERBAL_CONFLICT"
    )
    # Expelling diplomats (CAMEO 16) is verbal conflict in CAMEO's quads, material in PLOVER's.
    expel = eventscope.extract("Brelia expelled two Korvanian diplomats.", published=DAY)
    assert [e.quad for e in expel.events] == ["MATERIAL_CONFLICT"]
    assert document_labels(expel.events)["quad"] == "VERBAL_CONFLICT"
    assert labels("The weather was mild on Sunday.") == {"quad": "NEUTRAL", "acled": None}


def test_cameo_quads() -> None:
    assert [cameo_quad(c) for c in ("020", "036", "0831", "163", "1832", None, "x")] == [
        "NEUTRAL", "VERBAL_COOPERATION", "MATERIAL_COOPERATION", "VERBAL_CONFLICT",
        "MATERIAL_CONFLICT", None, None,
    ]  # fmt: skip
