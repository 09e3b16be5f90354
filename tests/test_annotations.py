"""Standoff annotations: ids, offsets and labels only, rebuilt into gold records with the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventscope.annotations import (
    AnnotationError,
    check_standoff,
    gold_records_from_standoff,
    read_standoff,
    text_digest,
)

# An article written for this test (not from any corpus).
TEXT = (
    "Harbour workers in Portmere walked out on Monday. "
    "The port authority warned it would fine the union. "
    "Ministers will meet the strikers on Friday.\n"
    "Read more: unrelated story"
)
EXTENT = TEXT.index("Read more")


def _span(words: str, after: int = 0) -> list[int]:
    start = TEXT.index(words, after)
    return [start, start + len(words)]


def _line(**changes: object) -> dict:
    coded = TEXT[:EXTENT]
    second = TEXT.index("The port")
    line = {
        "id": "t-1",
        "corpus": "test.jsonl",
        "extent": EXTENT,
        "sha256": text_digest(coded),
        "guide": "abc123",
        "coder": "b01",
        "primary": True,
        "events": [
            {
                "type": "PROTEST",
                "type_as_coded": "PROTEST",
                "mode": None,
                "factuality": "asserted",
                "sentence": _span("Harbour workers in Portmere walked out on Monday."),
                "trigger": _span("walked out"),
                "source": [{"span": _span("Harbour workers"), "country": None, "sector": "LAB"}],
                "target": [],
            },
            {
                "type": "THREATEN",
                "type_as_coded": "THREATEN",
                "mode": None,
                "factuality": "asserted",
                "sentence": _span("The port authority warned it would fine the union."),
                "trigger": _span("warned", second),
                "source": [{"span": _span("The port authority"), "country": None, "sector": "GOV"}],
                "target": [{"span": _span("the union"), "country": None, "sector": "LAB"}],
            },
        ],
    }
    return line | changes


def _write(folder: Path, lines: list[dict], text: str = TEXT) -> Path:
    (folder / "annotations").mkdir()
    (folder / "annotations" / "a.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8"
    )
    (folder / "corpus").mkdir()
    (folder / "corpus" / "test.jsonl").write_text(
        json.dumps({"id": "t-1", "title": "T", "text": text}) + "\n", encoding="utf-8"
    )
    return folder


def test_gold_records_take_the_words_from_the_corpus_and_the_labels_from_the_standoff(
    tmp_path: Path,
) -> None:
    folder = _write(tmp_path, [_line()])
    (record,) = gold_records_from_standoff(folder / "annotations", folder / "corpus")
    assert record["text"] == TEXT[:EXTENT]
    protest, threat = record["events"]
    assert protest["trigger"]["text"] == "walked out"
    assert protest["source"][0] | {} == {
        "text": "Harbour workers",
        "start": 0,
        "end": 15,
        "country": None,
        "sector": "LAB",
    }
    assert threat["target"][0]["text"] == "the union"
    assert record["meta"]["coder"] == "b01"


def test_the_standoff_files_hold_no_words(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_line()])
    stored = (folder / "annotations" / "a.jsonl").read_text(encoding="utf-8")
    for words in ("Harbour", "walked", "union", "Portmere"):
        assert words not in stored


def test_a_changed_corpus_text_is_refused_with_the_line_named(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_line()], text=TEXT.replace("Monday", "Sunday"))
    with pytest.raises(AnnotationError, match=r"a\.jsonl:1.*not the text coded"):
        gold_records_from_standoff(folder / "annotations", folder / "corpus")


def test_an_article_missing_from_the_corpus_is_named(tmp_path: Path) -> None:
    folder = _write(tmp_path, [_line(id="t-2")])
    with pytest.raises(AnnotationError, match="t-2 is not in"):
        gold_records_from_standoff(folder / "annotations", folder / "corpus")


def test_spans_outside_the_coded_text_or_their_sentence_are_problems(tmp_path: Path) -> None:
    bad = _line()
    bad["events"][0]["trigger"] = [EXTENT + 2, EXTENT + 6]  # in the furniture, past the extent
    bad["events"][1]["source"][0]["span"] = _span("Harbour workers")  # another sentence
    bad["events"][1]["type_as_coded"] = "ATTACK"
    problems = check_standoff(bad, TEXT[:EXTENT])
    assert any("trigger span" in p and "not inside the coded text" in p for p in problems)
    assert any("source span" in p and "outside its sentence" in p for p in problems)
    assert any("type 'ATTACK'" in p for p in problems)
    assert check_standoff(_line(), TEXT[:EXTENT]) == []


def test_second_codings_are_kept_apart_from_the_training_set(tmp_path: Path) -> None:
    second = _line(coder="b07", primary=False)
    folder = _write(tmp_path, [_line(), second])
    assert len(gold_records_from_standoff(folder / "annotations", folder / "corpus")) == 1
    both = gold_records_from_standoff(folder / "annotations", folder / "corpus", primary_only=False)
    assert [r["meta"]["coder"] for r in both] == ["b01", "b07"]
    assert [line["_where"] for line in read_standoff(folder / "annotations")] == [
        "a.jsonl:1",
        "a.jsonl:2",
    ]


ROOT = Path(__file__).resolve().parents[1]


def test_the_projects_own_annotations_are_well_formed_and_hold_no_text() -> None:
    folder = ROOT / "training" / "annotations"
    lines = list(read_standoff(folder))
    primary = [line for line in lines if line.get("primary", True)]
    assert len(primary) >= 148  # with news-train's 451, at least 600 articles
    assert sum(len(line["events"]) for line in primary) >= 1500
    ids = [line["id"] for line in primary]
    assert len(ids) == len(set(ids)), "an article is primary twice"
    for line in lines:
        assert check_standoff(line) == [], line["_where"]
        assert set(line) <= {
            "id",
            "corpus",
            "extent",
            "sha256",
            "guide",
            "coder",
            "primary",
            "events",
            "_where",
        }
        for event in line["events"]:
            assert "text" not in json.dumps(event), "standoff lines carry offsets, not words"
