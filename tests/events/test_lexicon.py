"""The event tables: lexicon rows valid against the PLOVER/CAMEO code tables, loaders, injection."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from eventscope.events import PLOVER_TYPES, find_events, load_codes, load_lexicon
from eventscope.events.codes import data_dir
from eventscope.events.lexicon import parse_lexicon, validate_lexicon
from eventscope.records import Actor, Sentence, Span


def test_shipped_lexicon_is_valid() -> None:
    assert validate_lexicon(load_lexicon()) == []


def test_lexicon_covers_every_type_with_verbs_and_phrases() -> None:
    lexicon = load_lexicon()
    assert len(lexicon.entries) >= 500
    for typ in PLOVER_TYPES:
        rows = [e for e in lexicon.entries if e.type == typ]
        assert len(rows) >= 10, typ
        assert any(len(e.words) > 1 for e in rows), f"{typ} has no phrase entries"


def test_light_verb_phrases_are_in_the_lexicon() -> None:
    texts = {e.text for e in load_lexicon().entries}
    for phrase in ("impose sanction", "hold talk", "call for", "meet with", "sign agreement"):
        assert phrase in texts


def _copy_tables(tmp_path: Path) -> Path:
    folder = tmp_path / "events"
    shutil.copytree(data_dir(), folder)
    return folder


def test_validation_catches_bad_rows(tmp_path: Path) -> None:
    folder = _copy_tables(tmp_path)
    with (folder / "verbs.tsv").open("a", encoding="utf-8") as handle:
        handle.write("frobnicate\tBOMBARD\t\t\t190\tv\t\t\t0.5\tunknown type\n")
        handle.write("attack\tASSAULT\t\t\t190\tv\t\t\t0.5\tduplicate row\n")
        handle.write("zap\tASSAULT\t\t\t999\tv\t\t\t0.5\tno such CAMEO code\n")
        handle.write("zip\tASSAULT\tbanana\t\t190\tv\t\t\t0.5\tno such mode\n")
        handle.write("zop\tAID\t\t\t190\tv\t\t\t0.5\tCAMEO 190 is ASSAULT\n")
    problems = "\n".join(validate_lexicon(parse_lexicon(folder)))
    assert "unknown type BOMBARD" in problems
    assert "'attack': duplicate" in problems
    assert "'999' not in cameo.tsv" in problems
    assert "mode banana" in problems
    assert "CAMEO 190 is ASSAULT, row says AID" in problems


def test_code_tables() -> None:
    codes = load_codes()
    assert set(codes.types) == set(PLOVER_TYPES)
    assert codes.quad("ASSAULT") == "MATERIAL_CONFLICT"
    assert codes.quad("CONSULT") == "VERBAL_COOPERATION"
    assert codes.quad("AID") == "MATERIAL_COOPERATION"
    assert codes.quad("THREATEN") == "VERBAL_CONFLICT"
    assert codes.score("ASSAULT", None) == -9
    assert codes.score("ASSAULT", "aerial") == -9.5  # a mode refines the score
    assert codes.score("CONSULT", "visit") == 4
    assert codes.score("ACCUSE", None) < 0  # the manual's "+3" is a misprint
    assert codes.cameo["190"].type == "ASSAULT"
    assert codes.cameo["036"].type == "AGREE"
    for typ, info in codes.types.items():
        assert info.planned_as in (None, "AGREE", "THREATEN"), typ


def test_lexicon_is_injectable(nlp: Any, tmp_path: Path) -> None:
    folder = _copy_tables(tmp_path)
    header = "entry\ttype\tmode\tcontext\tcameo\tpos\tframe\tpreps\tstrength\tnotes\n"
    (folder / "verbs.tsv").write_text(header + "tickle\tASSAULT\t\t\t190\tv\t\t\t0.9\t\n")
    lexicon = parse_lexicon(folder)
    doc = nlp("The rebels tickled the guards. The rebels attacked the guards.")
    sentences = tuple(
        Sentence(index=i, start=s.start_char, end=s.end_char, text=s.text)
        for i, s in enumerate(doc.sents)
    )
    actors = [Actor(span=Span(0, 10, "The rebels"), sentence=0, name="The rebels")]
    events = find_events(doc, sentences, actors, article_id="x", lexicon=lexicon)
    assert [(e.sentence, e.rule) for e in events] == [(0, "verbs.tsv:tickle")]
