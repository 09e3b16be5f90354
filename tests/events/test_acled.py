"""ACLED-style labels derived from the coding, on sentences written for these tests, and the
document-level ACLED score of the evaluation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

import eventscope
from eventscope.evaluation.events import document_acled, score_doc_acled
from eventscope.events.acled import (
    acled_label,
    acled_names,
    decide_class,
    inter_code,
    is_taking,
    load_rules,
    territory_side,
)
from eventscope.events.labels import cameo_quad, document_labels, main_incident_acled
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


# -- the learned sentence classifier, fatalities, inter codes, the main incident --------------

ACLED_TEXTS = [
    ("Army engineers defused a roadside bomb planted near the bridge outside Garou on Monday.",
     "DISRUPTED_WEAPONS_USE"),
    ("Government troops recaptured the town of Marwa from the rebels after two days of fighting.",
     "GOVERNMENT_REGAINS_TERRITORY"),
    ("Rebel fighters seized control of the border town of Kelo after overrunning an army post.",
     "NON_STATE_ACTOR_OVERTAKES_TERRITORY"),
    ("A man threw a hand grenade into a crowded bar in Dosso, wounding six people.", "GRENADE"),
    ("Security forces opened fire on peaceful demonstrators in the capital, killing four "
     "protesters.", "EXCESSIVE_FORCE_AGAINST_PROTESTERS"),
    ("An angry mob lynched a man accused of stealing a goat in the village of Tindi.",
     "MOB_VIOLENCE"),
    ("Protesters torched cars and hurled stones at riot police in Meru on Friday.",
     "VIOLENT_DEMONSTRATION"),
    ("A suicide bomber blew himself up at a police checkpoint in Garou, killing five officers.",
     "SUICIDE_BOMB"),
    ("Government helicopters bombed rebel positions near Kelo on Sunday.", "AIR_STRIKE"),
    ("Thousands of teachers marched peacefully through the capital to demand higher pay.",
     "PEACEFUL_PROTEST"),
    ("The militia established a new base on the outskirts of Dosso, residents said.",
     "HEADQUARTERS_OR_BASE_ESTABLISHED"),
    ("Police arrested twelve opposition activists in a dawn raid in the capital.", "ARRESTS"),
]  # fmt: skip
NOT_ACLED_TEXTS = [
    "An earthquake struck the coastal province on Tuesday, killing 40 people.",
    "The foreign minister met his Korvanian counterpart in Geneva to discuss trade.",
    "A fire at a textile factory in the industrial zone killed nine workers.",
]


def _document(text: str) -> tuple[str | None, tuple[Event, ...]]:
    found = eventscope.extract(text, published=DAY)
    return found.acled, found.events


def test_the_classifier_labels_documents_by_their_main_incident() -> None:
    right = [label for text, label in ACLED_TEXTS if _document(text)[0] == label]
    # Each is a clear case of its type; the learned classifier may miss one or two.
    assert len(right) >= len(ACLED_TEXTS) - 2, set(dict(ACLED_TEXTS).values()) - set(right)


@pytest.mark.parametrize("text", NOT_ACLED_TEXTS)
def test_disasters_and_diplomacy_get_no_acled_label(text: str) -> None:
    label, events = _document(text)
    assert label is None and all(e.acled is None for e in events)


def test_a_labelled_event_carries_names_fatalities_and_inter_codes() -> None:
    _, events = _document(
        "Government soldiers attacked the village of Tindi on Sunday, killing seven civilians."
    )
    labelled = [e for e in events if e.acled]
    assert labelled, events
    event = labelled[0]
    assert acled_names(event.acled) is not None
    assert event.fatalities == 7
    assert event.inter1 == 1  # state forces


def test_a_military_fighting_abroad_is_an_external_force() -> None:
    _, events = _document(
        "French troops clashed with jihadist fighters near Menaka in Mali on Sunday."
    )
    labelled = [e for e in events if e.acled]
    assert labelled and labelled[0].location is not None, events
    assert labelled[0].location.country == "MLI"
    assert labelled[0].inter1 == 8


def _labelled(acled: str, sentence: int) -> Event:
    return Event(
        id=f"{acled}{sentence}", article_id="a", sentence=sentence, evidence="x", type="ASSAULT",
        trigger=Span(sentence * 10, sentence * 10 + 1, "x"), acled=acled,
    )  # fmt: skip


def test_the_document_label_is_the_main_incidents_most_specific() -> None:
    assert main_incident_acled([_labelled("ATTACK", 0), _labelled("GRENADE", 1)]) == "GRENADE"
    assert main_incident_acled([_labelled("PEACEFUL_PROTEST", 0), _labelled("ATTACK", 1)]) == (
        "EXCESSIVE_FORCE_AGAINST_PROTESTERS"
    )
    # Three sentences on, another incident: not the main one's.
    assert main_incident_acled([_labelled("ATTACK", 0), _labelled("GRENADE", 3)]) == "ATTACK"
    assert main_incident_acled([_labelled("ARRESTS", 0), _labelled("AIR_STRIKE", 1)]) == "ARRESTS"
    assert main_incident_acled([]) is None


def test_inter_codes_by_the_actors_kind() -> None:
    def side(sector: str | None, country: str | None = None) -> tuple[Actor, ...]:
        return (Actor(Span(0, 1, "x"), 0, "x", sector=sector, country=country),)

    assert inter_code(side("MIL"), "ARMED_CLASH") == 1
    assert inter_code(side("REB"), "ARMED_CLASH") == 2
    assert inter_code(side("UAF"), "ATTACK") == 3
    assert inter_code(side("CVL"), "PEACEFUL_PROTEST") == 6
    assert inter_code(side("CVL"), "VIOLENT_DEMONSTRATION") == 5
    assert inter_code(side("CVL"), "ATTACK") == 7
    assert inter_code(side(None, "IMG"), "ATTACK") == 2
    assert inter_code((), "ATTACK") is None


def test_inter_codes_for_militias_and_external_forces() -> None:
    def side(text: str, sector: str, country: str | None = None) -> tuple[Actor, ...]:
        return (Actor(Span(0, len(text), text), 0, text, sector=sector, country=country),)

    assert inter_code(side("the Mai-Mai militia", "REB"), "ATTACK") == 3
    assert inter_code(side("ethnic militia fighters", "REB"), "ATTACK") == 4
    assert inter_code(side("UN peacekeepers", "MIL", "IGO"), "ARMED_CLASH") == 8
    # A military is an external force where it fights abroad, state forces at home.
    troops = side("French troops", "MIL", "FRA")
    assert inter_code(troops, "ARMED_CLASH", "MLI") == 8
    assert inter_code(troops, "ARMED_CLASH", "FRA") == 1
    assert inter_code(troops, "ARMED_CLASH") == 1


def test_acled_accuracy_counts_classes_acled_does_not_record() -> None:
    gold = [
        {"id": "1", "labels": {"acled": "AIR_STRIKE"}},
        {"id": "2", "labels": {"acled": "NATURAL_DISASTER"}},
        {"id": "3", "labels": {"acled": "GRENADE"}},
    ]
    predicted = [
        {"labels": {"acled": "AIR_STRIKE"}, "events": []},
        {"labels": {"acled": None}, "events": []},  # no label: right for a disaster
        {"labels": {"acled": "ATTACK"}, "events": []},
    ]
    scores = score_doc_acled(list(zip(gold, predicted, strict=True)))
    assert scores is not None
    assert (scores.accuracy.correct, scores.accuracy.total) == (2, 3)
    assert scores.subset is not None and (scores.subset.correct, scores.subset.total) == (1, 2)
    table = {label: (right, n, guessed) for label, right, n, guessed in scores.per_label}
    assert table["NATURAL_DISASTER"] == (1, 1, 0) and table["GRENADE"] == (0, 1, 0)


def test_the_acled_classes_together_can_outweigh_other() -> None:
    classes = ("OTHER", "DISRUPTED_WEAPONS_USE", "ARRESTS", "DIPLO")
    probs = np.array([[0.4, 0.3, 0.2, 0.1], [0.6, 0.2, 0.1, 0.1], [0.2, 0.1, 0.1, 0.6]])
    # Plain argmax: OTHER twice, DIPLO once.
    assert [c for c, _ in decide_class(classes, probs, None)] == ["OTHER", "OTHER", "DIPLO"]
    # ACLED's classes sum to 0.5 in the first row: the likeliest of them, with that sum.
    decided = decide_class(classes, probs, 0.5)
    assert decided[0] == ("DISRUPTED_WEAPONS_USE", pytest.approx(0.5))
    assert [c for c, _ in decided[1:]] == ["OTHER", "DIPLO"]


# What ACLED's codebook decides by who did it, or by what was done, rather than by the words
# the classifier weighs: each text was written to mislead the words alone.
CODEBOOK_TEXTS = [
    # Territory taken: by who took it ("recaptured" reads as the government's).
    ("Rebel fighters recaptured the town of Marwa from the army after two days of fighting.",
     "NON_STATE_ACTOR_OVERTAKES_TERRITORY"),
    ("Government troops seized control of the border town of Kelo from the rebels on Sunday.",
     "GOVERNMENT_REGAINS_TERRITORY"),
    # A road blocked by demonstrators is a violent demonstration, with nobody hurt.
    ("Farmers blocked highways and railway lines across the province on Monday to protest "
     "the new tax.", "VIOLENT_DEMONSTRATION"),
    # Weapons found or seized are a disrupted weapons use, whoever owned them.
    ("The ammunition was discovered by a municipal worker during a routine inspection of the "
     "dam.", "DISRUPTED_WEAPONS_USE"),
    ("Crowds defied a police ban to take to the streets on Saturday, blocking major roads and "
     "disrupting traffic.", "VIOLENT_DEMONSTRATION"),
    # Rape and sexual assault are sexual violence, even told as a charge in court.
    ("Two men are charged with sexual assault in the first degree, police said.",
     "SEXUAL_VIOLENCE"),
    # A grenade thrown in a clash makes it a grenade attack; a stun grenade does not.
    ("Seven soldiers were injured in a grenade explosion during clashes with the rebels in "
     "Garou on Tuesday.", "GRENADE"),
    ("Police fired stun grenades and tear gas at protesters outside parliament.",
     "PROTEST_WITH_INTERVENTION"),
    # An attack on the police is a battle: violence against civilians has civilian victims.
    ("Attackers stormed a police station in Garou overnight and killed two policemen.",
     "ARMED_CLASH"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "label"), CODEBOOK_TEXTS)
def test_the_codebooks_rules_decide_over_the_words(text: str, label: str) -> None:
    assert _document(text)[0] == label


def test_a_demonstration_that_happened_is_a_protest_whatever_it_is_about() -> None:
    text = (
        "Supporters of the president staged protests across the country on Saturday and falsely "
        "claimed voter fraud as news organizations declared his rival the winner."
    )
    assert _document(text)[0] == "PEACEFUL_PROTEST"


def test_the_taker_of_territory_is_the_first_actor_that_names_a_side() -> None:
    def actor(sector: str | None, country: str | None = None) -> Actor:
        return Actor(Span(0, 1, "x"), 0, "x", sector=sector, country=country)

    assert territory_side([actor("MIL", "SYR")]) == "GOVERNMENT_REGAINS_TERRITORY"
    assert territory_side([actor(None), actor("REB", "SOM")]) == (
        "NON_STATE_ACTOR_OVERTAKES_TERRITORY"
    )
    assert territory_side([actor(None, "IMG")]) == "NON_STATE_ACTOR_OVERTAKES_TERRITORY"
    # A militia or a crowd does not say which side: the classifier's reading stands.
    assert territory_side([actor("UAF")]) is None
    assert territory_side([actor("CVL")]) is None
    assert territory_side([]) is None


def test_only_a_foreground_act_of_taking_decides_the_side(nlp) -> None:  # type: ignore[no-untyped-def]
    def taking(text: str) -> list[str]:
        return [t.text for t in nlp(text) if is_taking(t)]

    assert taking("Rebels recaptured the town of Marwa on Sunday.") == ["recaptured"]
    # Background: a relative clause, a past perfect after "after".
    assert taking("Troops entered Kelo, which the rebels captured last year.") == []
    assert taking("Troops cleared Kelo a day after insurgents had stormed it.") == ["cleared"]
    # A past perfect that reports is the news itself.
    assert taking("The rebels said they had recaptured the airport.") == ["recaptured"]
