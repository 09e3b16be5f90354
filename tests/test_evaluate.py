"""Scoring against gold records: every metric on small hand-written records (no model needed)."""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from eventscope.evaluation import (
    document_quad,
    evaluate_file,
    format_report,
    haversine_km,
    load_jsonl,
    score_classification,
    score_records,
)

TEXT = (
    "Ruritanian troops shelled the village of Lowmoor on Tuesday. "
    "The Grand Duchy of Fenwick condemned the shelling and asked the United Nations for help."
)


def span(text: str, words: str, nth: int = 0) -> dict[str, Any]:
    """A gold-style span of the ``nth`` occurrence of ``words`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return {"text": words, "start": start, "end": start + len(words)}


def actor(words: str, text: str = TEXT, **extra: Any) -> dict[str, Any]:
    return {**span(text, words), **extra}


def gold_events() -> list[dict[str, Any]]:
    return [
        {
            "type": "ASSAULT",
            "quad": "MATERIAL_CONFLICT",
            "factuality": "asserted",
            "trigger": span(TEXT, "shelled"),
            "source": [actor("Ruritanian troops", country="RUR", sector="MIL")],
            "target": [actor("Lowmoor", country="RUR", sector="CVLxyz")],
        },
        {
            "type": "ACCUSE",
            "quad": "VERBAL_CONFLICT",
            "factuality": "asserted",
            "trigger": span(TEXT, "condemned"),
            "source": [actor("Grand Duchy of Fenwick", country="FWK", sector="GOV")],
            "target": [],
        },
        {
            "type": "REQUEST",
            "quad": "VERBAL_CONFLICT",
            "trigger": span(TEXT, "asked"),
            "source": [actor("Grand Duchy of Fenwick", country="FWK", sector="***")],
            "target": [actor("United Nations", country="IGO")],
        },
    ]


def gold_record(**extra: Any) -> dict[str, Any]:
    return {"id": "doc-1", "text": TEXT, "events": gold_events(), **extra}


def as_prediction(record: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(record)


# --- events ------------------------------------------------------------------------------------


def test_perfect_prediction_scores_one_everywhere() -> None:
    gold = [gold_record()]
    report = score_records(gold, [as_prediction(gold[0])])
    metrics = report.metrics()
    for name in (
        "events.precision",
        "events.recall",
        "events.f1",
        "events.untyped.f1",
        "events.type_accuracy",
        "events.source.f1",
        "events.target.f1",
        "events.country_accuracy",
        "events.sector_accuracy",
        "events.quad_accuracy",
        "events.factuality_accuracy",
    ):
        assert metrics[name] == 1.0, name
    assert report.events is not None
    assert report.events.typed.tp == 3
    # "***" is an unknown sector and the UN has none: three sectors are judged.
    assert report.events.sector.total == 3
    assert report.events.country.total == 5


def test_wrong_type_lowers_typed_but_not_untyped_scores() -> None:
    gold = [gold_record()]
    pred = as_prediction(gold[0])
    pred["events"][1]["type"] = "THREATEN"
    report = score_records(gold, [pred])
    assert report.events is not None
    assert report.events.untyped.f1 == 1.0
    assert report.events.typed.f1 == pytest.approx(2 / 3, abs=1e-4)
    assert report.events.type_accuracy.value == pytest.approx(2 / 3, abs=1e-4)
    assert report.events.confusions == (("ACCUSE", "THREATEN", 1),)


def test_missing_event_lowers_recall_only() -> None:
    gold = [gold_record()]
    pred = as_prediction(gold[0])
    del pred["events"][2]
    report = score_records(gold, [pred])
    assert report.events is not None
    assert report.events.typed.precision == 1.0
    assert report.events.typed.recall == pytest.approx(2 / 3, abs=1e-4)


def test_extra_event_lowers_precision_only() -> None:
    gold = [gold_record()]
    pred = as_prediction(gold[0])
    pred["events"].append({"type": "AID", "trigger": span(TEXT, "help"), "source": []})
    report = score_records(gold, [pred])
    assert report.events is not None
    assert report.events.typed.recall == 1.0
    assert report.events.typed.precision == pytest.approx(3 / 4, abs=1e-4)


def test_alternative_gold_type_accepts_either_but_not_a_hedge() -> None:
    gold = [gold_record()]
    gold[0]["events"][1]["type"] = "ACCUSE|REJECT"
    for guess, expected in (("ACCUSE", 1.0), ("reject", 1.0), ("ACCUSE|REJECT", 1.0)):
        pred = as_prediction(gold_record())
        pred["events"][1]["type"] = guess
        assert score_records(gold, [pred]).metrics()["events.f1"] == expected
    single = [gold_record()]  # gold says ACCUSE only: a hedge "ACCUSE|REJECT" is not right
    pred = as_prediction(gold_record())
    pred["events"][1]["type"] = "ACCUSE|REJECT"
    assert score_records(single, [pred]).metrics()["events.f1"] == pytest.approx(2 / 3, abs=1e-4)


def test_absent_field_is_not_scored_and_empty_field_expects_nothing() -> None:
    text = "Nothing political happened in the quiet town of Brambleford."
    absent = {"id": "a", "text": text}
    empty = {"id": "e", "text": text, "events": []}
    noisy = {
        "id": "e",
        "events": [{"type": "PROTEST", "trigger": span(text, "happened")}],
        "places": [{**span(text, "Brambleford")}],
    }
    report = score_records([absent], [dict(noisy, id="a")])
    assert report.events is None and report.places is None and report.metrics() == {}
    report = score_records([empty], [noisy])
    assert report.events is not None and report.places is None
    assert report.events.typed.n_pred == 1 and report.events.typed.precision == 0.0
    assert report.events.typed.recall is None  # nothing expected: recall is undefined, not 0


def test_words_only_gold_trigger_is_located_in_the_text() -> None:
    gold = gold_record()
    gold["events"][0]["trigger"] = {"text": "shelled village"}  # words, not contiguous text
    pred = as_prediction(gold_record())
    pred["events"][0]["trigger"] = span(TEXT, "village")
    assert score_records([gold], [pred]).metrics()["events.f1"] == 1.0
    pred["events"][0]["trigger"] = span(TEXT, "Tuesday")
    assert score_records([gold], [pred]).metrics()["events.recall"] == pytest.approx(
        2 / 3, abs=1e-4
    )
    # A form of the word that is not in the text is found through its stem.
    gold["events"][0]["trigger"] = {"text": "villages"}
    pred["events"][0]["trigger"] = span(TEXT, "village")
    assert score_records([gold], [pred]).metrics()["events.f1"] == 1.0


def test_gold_without_trigger_matches_on_source_and_target() -> None:
    text = "Police in Carvale arrested twelve dockworkers after the strike."
    gold = {
        "id": "t",
        "text": text,
        "events": [
            {
                "type": "COERCE",
                "source": [span(text, "Police in Carvale")],
                "target": [span(text, "twelve dockworkers")],
            }
        ],
    }
    right = {
        "id": "t",
        "events": [
            {
                "type": "COERCE",
                "trigger": span(text, "arrested"),
                "source": [span(text, "Police")],
                "target": [span(text, "dockworkers")],
            }
        ],
    }
    swapped = copy.deepcopy(right)
    event = swapped["events"][0]
    event["source"], event["target"] = event["target"], event["source"]
    assert score_records([gold], [right]).metrics()["events.f1"] == 1.0
    assert score_records([gold], [swapped]).metrics()["events.untyped.f1"] == 0.0


def test_country_and_sector_comparison_rules() -> None:
    text = "Several envoys and a Japanese farmers' union met in Geneva."
    gold = {
        "id": "c",
        "text": text,
        "events": [
            {
                "type": "CONSULT",
                "trigger": span(text, "met"),
                "source": [
                    span(text, "Several envoys") | {"country": "---", "sector": "GOV"},
                    span(text, "Japanese farmers' union") | {"country": "JAP", "sector": "LABjp"},
                ],
            }
        ],
    }
    pred = copy.deepcopy(gold)
    source = pred["events"][0]["source"]
    source[0] = {"span": span(text, "envoys"), "country": None, "sector": "GOV"}  # nested span
    source[1] = span(text, "farmers' union") | {"country": "JPN", "sector": "LAB"}
    report = score_records([gold], [pred])
    assert report.metrics()["events.country_accuracy"] == 1.0
    assert report.metrics()["events.sector_accuracy"] == 1.0
    source[0]["country"] = "CHE"  # gold "---": no single country, so a country is wrong
    source[1]["sector"] = "BUS"
    report = score_records([gold], [pred])
    assert report.metrics()["events.country_accuracy"] == 0.5
    assert report.metrics()["events.sector_accuracy"] == 0.5


def test_factuality_defaults_to_asserted_and_quad_is_checked() -> None:
    gold = gold_record()
    gold["events"][0]["factuality"] = "planned"
    pred = as_prediction(gold_record())
    del pred["events"][1]["factuality"]  # absent means asserted, which gold says: right
    pred["events"][2]["quad"] = "VERBAL_COOPERATION"
    report = score_records([gold], [pred])
    assert report.events is not None
    assert report.events.factuality.correct == 1 and report.events.factuality.total == 2
    assert report.metrics()["events.quad_accuracy"] == pytest.approx(2 / 3, abs=1e-4)


def test_event_location_and_date_are_scored_where_the_gold_has_them() -> None:
    lowmoor = {"text": "Lowmoor", "country": "RUR", "lat": 50.0, "lon": 10.0}
    gold = gold_record()
    gold["events"][0].update(location=lowmoor, date="2018-05")
    gold["events"][1].update(location={"country": "FWK", "lat": 40.0, "lon": 0.0})  # no words
    pred = as_prediction(gold_record())
    # 100 km east of Lowmoor, on a day of the gold's month: both right.
    east = {"country": "RUR", "lat": 50.0, "lon": 11.4}
    pred["events"][0].update(location=east, date="2018-05-29")
    # The gold names no place, only where it was: the country is enough, wherever its point.
    pred["events"][1].update(location={"country": "FWK", "lat": 45.0, "lon": 5.0}, date="2018")
    pred["events"][2].update(location={"country": "UNO", "lat": 1.0, "lon": 1.0})
    report = score_records([gold], [pred])
    assert report.events is not None
    assert (report.events.location.correct, report.events.location.total) == (2, 2)
    assert (report.events.date.correct, report.events.date.total) == (1, 1)
    # The third gold event has no location: a predicted one is counted apart.
    assert (report.events.location_extra.correct, report.events.location_extra.total) == (1, 1)
    assert "location right" in format_report(report)
    # 200 km away, a coarser date, a wrong country: all wrong.
    pred["events"][0].update(location={"country": "RUR", "lat": 50.0, "lon": 12.8}, date="2018")
    pred["events"][1]["location"] = {"country": "RUR", "lat": 40.0, "lon": 0.0}
    report = score_records([gold], [pred])
    assert report.events is not None
    assert report.events.location.correct == 0 and report.events.date.correct == 0
    assert report.metrics()["events.location_accuracy"] == 0.0


def test_a_gold_location_that_names_a_country_takes_any_place_in_it() -> None:
    gold = gold_record()
    egypt = {"text": "Egypt", "country": "EGY", "lat": 26.0, "lon": 30.0}
    gold["events"][0]["location"] = egypt
    pred = as_prediction(gold_record())
    cairo = {"country": "EGY", "lat": 30.04, "lon": 31.24}  # 470 km from Egypt's point
    pred["events"][0]["location"] = cairo
    report = score_records([gold], [pred])
    assert report.events is not None and report.events.location.correct == 1
    # A town's name is not a country's: there the point must be within 161 km.
    gold["events"][0]["location"] = {"text": "Luxor", "country": "EGY", "lat": 25.7, "lon": 32.6}
    report = score_records([gold], [pred])
    assert report.events is not None and report.events.location.correct == 0
    # A gold with a name and an ISO alpha-2 country but no point (plover-gsr's way): the name.
    gold["events"][0]["location"] = {"name": "Cairo", "country code": "EG"}
    pred["events"][0]["location"] = {**cairo, "name": "Cairo"}
    report = score_records([gold], [pred])
    assert report.events is not None and report.events.location.correct == 1
    pred["events"][0]["location"] = {**cairo, "name": "Giza"}
    report = score_records([gold], [pred])
    assert report.events is not None and report.events.location.correct == 0


def test_must_not_violations_are_counted() -> None:
    gold = gold_record(
        must_not=[
            {
                "text": span(TEXT, "asked"),
                "why": "a request, not an attack",
                "forbid": {"type": "ASSAULT"},
            },
            {"text": span(TEXT, "Tuesday"), "why": "a date is no event"},
        ]
    )
    pred = as_prediction(gold_record())
    report = score_records([gold], [pred])
    assert report.events is not None and report.events.must_not_violations == 0
    pred["events"][2]["type"] = "ASSAULT"
    pred["events"].append({"type": "AID", "trigger": span(TEXT, "Tuesday")})
    report = score_records([gold], [pred])
    assert report.events is not None
    assert report.events.must_not_entries == 2
    assert report.events.must_not_violations == 2


def test_document_quad_from_labels_or_events() -> None:
    assert (
        document_quad({"labels": {"quad": "NEUTRAL"}, "events": [{"quad": "MATERIAL_CONFLICT"}]})
        == "NEUTRAL"
    )
    events = [{"quad": "VERBAL_COOPERATION"}, {"quad": "VERBAL_CONFLICT"}]
    assert document_quad({"events": events}) == "VERBAL_CONFLICT"
    assert document_quad({"events": [{"quad": "NEUTRAL"}, {"quad": "MATERIAL_COOPERATION"}]}) == (
        "MATERIAL_COOPERATION"
    )
    assert document_quad({"events": []}) == "NEUTRAL"
    gold = [
        {"id": "1", "text": "x", "labels": {"quad": "VERBAL_CONFLICT"}},
        {"id": "2", "text": "y", "labels": {"quad": "NEUTRAL"}},
    ]
    pred = [{"id": "1", "events": events}, {"id": "2", "events": events}]
    report = score_records(gold, pred)
    assert report.doc_quad is not None
    assert report.metrics()["doc_quad.accuracy"] == 0.5
    assert report.doc_quad.confusions == (("NEUTRAL", "VERBAL_CONFLICT", 1),)


def test_records_pair_by_id_with_repeats_and_missing_predictions() -> None:
    first, second = gold_record(), gold_record()  # a gold file that repeats an id
    third = dict(gold_record(), id="doc-2")
    report = score_records([first, second, third], [as_prediction(first), as_prediction(second)])
    assert report.missing == 1
    assert report.events is not None and report.events.typed.recall == pytest.approx(
        2 / 3, abs=1e-4
    )
    assert report.events.typed.precision == 1.0


# --- places ------------------------------------------------------------------------------------


def test_haversine_paris_london() -> None:
    assert haversine_km(48.8566, 2.3522, 51.5074, -0.1278) == pytest.approx(344, abs=2)
    assert haversine_km(10.0, 20.0, 10.0, 20.0) == 0.0


PLACE_TEXT = (
    "Flooding closed roads between Lyon and Grenoble, and Swiss engineers came from Geneva."
)


def test_place_scores() -> None:
    gold = {
        "id": "p",
        "text": PLACE_TEXT,
        "places": [
            span(PLACE_TEXT, "Lyon") | {"lat": 45.75, "lon": 4.85, "geonameid": 2996944},
            span(PLACE_TEXT, "Grenoble") | {"lat": 45.17, "lon": 5.72, "geonameid": 3014728},
            span(PLACE_TEXT, "Geneva") | {"lat": 46.20, "lon": 6.15},
            span(PLACE_TEXT, "Swiss") | {"kind": "Demonym"},  # not a toponym: not in the gold
        ],
    }
    pred = {
        "id": "p",
        "places": [
            # eventscope's Place nests the span: both shapes are read.
            {"span": span(PLACE_TEXT, "Lyon"), "lat": 45.76, "lon": 4.84, "geonameid": 2996944},
            span(PLACE_TEXT, "Grenoble") | {"lat": 48.85, "lon": 2.35, "geonameid": 2988507},
            span(PLACE_TEXT, "Swiss") | {"lat": 46.8, "lon": 8.2},
        ],
    }
    report = score_records([gold], [pred])
    places = report.places
    assert places is not None
    assert (places.spans.tp, places.spans.n_gold, places.spans.n_pred) == (2, 3, 3)
    assert places.resolved == 2
    assert places.within_161km.value == 0.5  # Grenoble resolved to Paris: ~480 km off
    assert places.median_km is not None and 200 < places.median_km < 300
    assert places.geonameid.value == 0.5
    assert report.metrics()["places.f1"] == pytest.approx(2 / 3, abs=1e-4)


# --- quotes ------------------------------------------------------------------------------------

QUOTE_TEXT = (
    'Mayor Odile Brandt said, "We will rebuild the bridge." '
    "Her deputy told reporters that the budget was already spent."
)


def test_quote_scores_and_speaker_accuracy() -> None:
    gold = {
        "id": "q",
        "text": QUOTE_TEXT,
        "quotes": [
            {
                "source": span(QUOTE_TEXT, "Mayor Odile Brandt"),
                "cue": span(QUOTE_TEXT, "said"),
                "content": span(QUOTE_TEXT, "We will rebuild the bridge."),
                "direct": True,
            },
            {
                "source": span(QUOTE_TEXT, "Her deputy"),
                "cue": span(QUOTE_TEXT, "told"),
                "content": span(QUOTE_TEXT, "that the budget was already spent"),
                "direct": False,
            },
        ],
    }
    pred = {
        "id": "q",
        "quotes": [
            {
                "speaker": span(QUOTE_TEXT, "Odile Brandt"),
                "content": span(QUOTE_TEXT, "We will rebuild the bridge"),
                "direct": True,
            },
            {
                "speaker": span(QUOTE_TEXT, "reporters"),  # the wrong person
                "content": span(QUOTE_TEXT, "the budget was already spent"),
                "direct": True,  # wrongly called direct
            },
        ],
    }
    quotes = score_records([gold], [pred]).quotes
    assert quotes is not None
    assert quotes.content.f1 == 1.0
    assert (quotes.direct.tp, quotes.direct.n_gold, quotes.direct.n_pred) == (1, 1, 2)
    assert quotes.speaker.value == 0.5


def test_broken_gold_span_is_left_out() -> None:
    gold = {
        "id": "q",
        "text": QUOTE_TEXT,
        "quotes": [{"content": {"text": "", "start": 40, "end": 20}, "direct": False}],
    }
    quotes = score_records([gold], [{"id": "q", "quotes": []}]).quotes
    assert quotes is not None and quotes.content.n_gold == 0


# --- classification ----------------------------------------------------------------------------


def test_classification_accuracy_and_confusions() -> None:
    gold = [
        {"id": "1", "text": TEXT, "events": gold_events()},
        {"id": "2", "text": TEXT, "events": [dict(gold_events()[0], type="ASSAULT|COERCE")]},
    ]
    pred = copy.deepcopy(gold)
    pred[0]["events"][1]["type"] = "REJECT"
    pred[0]["events"][2]["quad"] = "VERBAL_COOPERATION"
    pred[1]["events"][0]["type"] = "COERCE"
    report = score_classification(gold, pred)
    cl = report.classification
    assert cl is not None and report.events is None
    assert cl.type.accuracy.correct == 3 and cl.type.accuracy.total == 4
    assert cl.type.confusions == (("ACCUSE", "REJECT", 1),)
    assert report.metrics()["classification.quad_accuracy"] == 0.75
    dropped = copy.deepcopy(gold)
    dropped[0]["events"] = dropped[0]["events"][:1]  # predictor lost two events: both wrong
    assert score_classification(gold, dropped).metrics()["classification.accuracy"] == 0.5


# --- files, rendering --------------------------------------------------------------------------


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_evaluate_file_strips_answers_and_limits(tmp_path: Path) -> None:
    gold = [
        gold_record(published="2024-03-05", title="Shelling"),
        dict(gold_record(), id="doc-2"),
    ]
    path = write_jsonl(tmp_path / "mini.jsonl", gold)
    seen: list[list[dict[str, Any]]] = []

    def extract(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen.append(copy.deepcopy(records))
        return [dict(r, events=gold_events()) for r in records]

    report = evaluate_file(path, extract, limit=1)
    assert seen[0] == [
        {"id": "doc-1", "text": TEXT, "published": "2024-03-05", "title": "Shelling"}
    ]
    assert report.name == "mini.jsonl" and report.gold_records == 1
    assert report.metrics()["events.f1"] == 1.0

    def classify(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        seen.append(copy.deepcopy(records))
        out = copy.deepcopy(records)
        for record in out:
            for event, original in zip(record["events"], gold_events(), strict=True):
                event["type"] = original["type"]
        return out

    report = evaluate_file(path, classify, mode="classify")
    first_event = seen[1][0]["events"][0]
    assert set(first_event) == {"source", "target"}
    assert first_event["source"] == [span(TEXT, "Ruritanian troops")]  # no country, no sector
    assert report.metrics() == {"classification.accuracy": 1.0, "classification.quad_accuracy": 0.0}


def test_load_jsonl_names_the_bad_line(tmp_path: Path) -> None:
    from eventscope.errors import InputError

    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "1", "text": "fine"}\n\n{not json\n', encoding="utf-8")
    with pytest.raises(InputError, match="bad.jsonl:3"):
        load_jsonl(path)


def test_report_renders_and_serialises() -> None:
    report = score_records([gold_record()], [as_prediction(gold_record())], name="mini.jsonl")
    text = format_report(report)
    assert "mini.jsonl" in text and "typed" in text and "country accuracy" in text
    assert "places" not in text
    data = json.loads(json.dumps(report.to_dict()))
    assert data["events"]["typed"]["f1"] == 1.0 and data["places"] is None


# --- the quality gate --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def quality() -> Any:
    path = Path(__file__).resolve().parents[1] / "bench" / "quality.py"
    spec = importlib.util.spec_from_file_location("eventscope_bench_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while being built.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_floor_comparison(quality: Any) -> None:
    figures = {"a.jsonl": {"events.f1": 0.41, "events.recall": 0.6}}
    floors = {
        "a.jsonl": {"events.f1": 0.45, "events.recall": 0.6, "events.quad_accuracy": 0.3},
        "b.jsonl": {"places.f1": 0.9},  # not measured in this run: not judged
    }
    shortfalls = quality.compare_with_floors(figures, floors)
    assert [(s.metric, s.value) for s in shortfalls] == [
        ("events.f1", 0.41),
        ("events.quad_accuracy", None),
    ]
    assert quality.proposed_floor(0.8765) == 0.86
    assert quality.proposed_floor(0.005) == 0.0
    raised, changes = quality.raise_floors(
        floors, {"a.jsonl": {"events.f1": 0.9, "events.recall": 0.5}}
    )
    assert raised["a.jsonl"]["events.f1"] == 0.89
    assert raised["a.jsonl"]["events.recall"] == 0.6  # floors never go down
    assert changes == ["a.jsonl events.f1: 0.45 -> 0.89"]
    assert quality.changed_gold(
        {"a.jsonl": "x", "b.jsonl": "y"}, {"a.jsonl": "z", "c.jsonl": "w"}
    ) == ["a.jsonl"]


def test_quality_main(quality: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert quality.main(["--evalsets", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out

    evalsets = tmp_path / "evalsets"
    evalsets.mkdir()
    write_jsonl(evalsets / "mini.jsonl", [gold_record()])
    floors = tmp_path / "floors.json"

    def half(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(r, events=gold_events()[:2]) for r in records]

    args = ["--evalsets", str(evalsets), "--floors", str(floors)]
    assert quality.main([*args, "--update-floors"], predict=half, classify=half) == 0
    pinned = json.loads(floors.read_text())
    assert pinned["floors"]["mini.jsonl"]["events.precision"] == 0.99
    assert pinned["floors"]["mini.jsonl"]["events.recall"] == 0.65
    assert "mini.jsonl" in pinned["gold_sha256"]

    def worse(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(r, events=gold_events()[:1]) for r in records]

    capsys.readouterr()
    assert quality.main(args, predict=worse, classify=worse) == 1
    assert "BELOW FLOOR" in capsys.readouterr().out
    write_jsonl(evalsets / "mini.jsonl", [gold_record(), dict(gold_record(), id="doc-2")])
    assert quality.main(args, predict=half, classify=half) == 0
    assert "changed since its floors were set" in capsys.readouterr().out
    assert quality.main([*args, "--files", "nope.jsonl"], predict=half, classify=half) == 2


def test_quality_scores_short_text_sets_with_the_rules_too(
    quality: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evalsets = tmp_path / "evalsets"
    evalsets.mkdir()
    write_jsonl(evalsets / "plover-gsr.jsonl", [gold_record()])
    floors = tmp_path / "floors.json"
    floors.write_text(
        json.dumps({"floors": {"plover-gsr.jsonl [lexicon]": {"events.recall": 0.9}}})
    )

    def everything(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(r, events=gold_events()) for r in records]

    def one(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [dict(r, events=gold_events()[:1]) for r in records]

    args = ["--evalsets", str(evalsets), "--floors", str(floors)]
    # The rules' own figures are judged against their own floors, apart from the default's.
    assert quality.main(args, predict=everything, classify=everything, lexicon=one) == 1
    out = capsys.readouterr().out
    assert "plover-gsr.jsonl [lexicon]" in out and "BELOW FLOOR" in out
    assert quality.main(args, predict=one, classify=one, lexicon=everything) == 0
