"""Importing coders' files: a new round is imported with only its own folders, and the earlier
rounds' standoff lines stay as they were."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from training_scripts import load_training_script

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT.parent / "shared" / "annotation" / "make_gold.py"

TEXTS = {
    "art-one": "The mayor of Springfield met the governor on Monday. Nothing else happened.\n",
    "art-two": "Protesters marched in Shelbyville. Police arrested two of them on Tuesday.\n",
}


@pytest.fixture
def importer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    if not CHECKER.exists():
        pytest.skip("the annotation guide's checker (../shared/annotation) is not here")
    module = load_training_script("import_annotations")
    plan = {
        "articles": [{"id": i, "extent": len(t)} for i, t in TEXTS.items()],
        "batches": {"b01": ["art-one"], "b02": ["art-two"]},
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    monkeypatch.setattr(module, "PLAN", tmp_path / "plan.json")
    monkeypatch.setattr(module, "OUT", tmp_path / "news-extra.jsonl")
    monkeypatch.setattr(
        module, "read_corpus", lambda folder, wanted: {i: {"text": TEXTS[i]} for i in wanted}
    )
    return module


def _event(evidence: str, typ: str, trigger: str, source: str, target: str | None) -> dict:
    def actor(words: str) -> dict[str, Any]:
        return {"text": words, "country": "USA", "sector": "GOV"}

    return {
        "evidence": evidence,
        "type": typ,
        "mode": None,
        "factuality": "asserted",
        "trigger": trigger,
        "source": [actor(source)],
        "target": [actor(target)] if target else [],
    }


def _meeting_and_march() -> tuple[dict, dict]:
    """The first coding of each test article: one event each."""
    meeting = _event(
        "The mayor of Springfield met the governor on Monday.",
        "CONSULT",
        "met",
        "The mayor of Springfield",
        "the governor",
    )
    march = _event("Protesters marched in Shelbyville.", "PROTEST", "marched", "Protesters", None)
    return meeting, march


def _write(raw: Path, batch: str, article: str, events: list[dict]) -> None:
    (raw / batch).mkdir(parents=True, exist_ok=True)
    body = {"id": article, "events": events}
    (raw / batch / f"{article}.json").write_text(json.dumps(body), encoding="utf-8")


def _lines(module) -> dict[str, dict]:  # type: ignore[no-untyped-def]
    text = module.OUT.read_text(encoding="utf-8")
    return {line["coder"]: line for line in map(json.loads, text.splitlines())}


def test_a_later_round_keeps_the_batches_it_does_not_hold(importer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    meeting, march = _meeting_and_march()
    arrest = _event(
        "Police arrested two of them on Tuesday.", "COERCE", "arrested", "Police", "them"
    )
    first = tmp_path / "round1"
    _write(first, "b01", "art-one", [meeting])
    _write(first, "b02", "art-two", [march])
    assert importer.main([str(first)]) == 0
    before = _lines(importer)
    assert [len(before[b]["events"]) for b in ("b01", "b02")] == [1, 1]

    # A completeness pass over b02 only: b01's line stays, b02's is re-read.
    second = tmp_path / "round2"
    _write(second, "b02", "art-two", [march, arrest])
    assert importer.main([str(second)]) == 0
    after = _lines(importer)
    assert after["b01"] == before["b01"]
    assert len(after["b02"]["events"]) == 2
    assert after["b02"]["events"][1]["type"] == "COERCE"
    assert "arrested" not in importer.OUT.read_text(encoding="utf-8")  # offsets, never words

    # A folder that holds the batch but not the article's file is reported, not skipped.
    (tmp_path / "round3" / "b01").mkdir(parents=True)
    assert importer.main([str(tmp_path / "round3")]) == 1
    assert "b01" not in _lines(importer)


def test_exported_codings_import_back_unchanged(importer, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A completeness pass starts from the stored codings written back out as coders' files:
    an article coded twice stays out of the pass, and importing the export gives back the
    same standoff file."""
    exporter = load_training_script("export_annotations")
    plan = json.loads(importer.PLAN.read_text(encoding="utf-8"))
    plan["batches"]["b03"] = ["art-one"]  # a second, independent coding of art-one
    importer.PLAN.write_text(json.dumps(plan), encoding="utf-8")
    monkeypatch.setattr(exporter, "PLAN", importer.PLAN)
    monkeypatch.setattr(exporter, "STANDOFF", importer.OUT)
    monkeypatch.setattr(
        exporter,
        "read_corpus",
        lambda folder, wanted: {i: {"text": TEXTS[i], "title": "T"} for i in wanted},
    )
    meeting, march = _meeting_and_march()
    coded = tmp_path / "coded"
    _write(coded, "b01", "art-one", [meeting])
    _write(coded, "b02", "art-two", [march])
    _write(coded, "b03", "art-one", [])
    assert importer.main([str(coded)]) == 0
    stored = importer.OUT.read_text(encoding="utf-8")

    out = tmp_path / "export"
    assert exporter.main([str(out), "--all"]) == 0
    readers = {
        b: [json.loads(x)["id"] for x in (out / "annot" / f"{b}.jsonl").read_text().splitlines()]
        for b in ("b01", "b02", "b03")
    }
    assert readers == {"b01": [], "b02": ["art-two"], "b03": []}
    written = json.loads((out / "raw" / "b01" / "art-one.json").read_text(encoding="utf-8"))
    assert written["events"][0]["trigger"] == "met"
    assert written["events"][0]["target"][0]["text"] == "the governor"

    importer.OUT.write_text("", encoding="utf-8")
    assert importer.main([str(out / "raw")]) == 0
    assert importer.OUT.read_text(encoding="utf-8") == stored

    with pytest.raises(SystemExit):  # a batch the plan does not have
        exporter.main([str(out), "b09"])
