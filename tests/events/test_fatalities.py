"""Death tolls read from sentences written for these tests, and the team's two test sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eventscope.events.fatalities import sentence_fatalities
from eventscope.nlp import DEFAULT_MODEL, load_nlp

SETS = Path(__file__).resolve().parents[1] / "data" / "fatalities"


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp(DEFAULT_MODEL)


@pytest.mark.parametrize(
    ("text", "toll"),
    [
        ("Gunmen attacked the village, killing at least eight people.", 8),
        ("Three soldiers and two civilians were killed in the ambush.", 5),
        ("The blast killed 12 people, including four children.", 12),
        ("The death toll from the bombing rose to 31 on Friday.", 31),
        ("The bomber blew himself up, killing himself and six others.", 7),
        ("A policeman was shot dead at the checkpoint.", 1),
        ("Two people died when the mortar round hit the market.", 2),
        ("Rebels shot dead nine travellers from the south.", 9),
        ("Twenty gunmen stormed the school and killed five teachers.", 5),
        ("A 15-year-old boy was killed by a stray bullet.", 1),
        ("Police said no one was killed in the explosion.", 0),
        ("The mob beat to death a man accused of theft.", 1),
        ("Thirty-two young activists died in the attack.", 32),
        ("Half a dozen troops were killed when their truck hit a mine.", 6),
        ("Clashes claimed the lives of 10 people over the weekend.", 10),
        ("The storm of protests wounded 14 officers.", None),
        ("Dozens were killed in the raid.", None),
        ("Protests erupted after a teenager was shot dead by police.", None),
        ("The raid killed 29 soldiers, the largest death toll since the war began in 2016.", 29),
        ("A landmine killed or wounded at least 26 civilians near the border.", None),
    ],
)
def test_the_toll_a_sentence_states(nlp, text: str, toll: int | None) -> None:  # type: ignore[no-untyped-def]
    assert sentence_fatalities(nlp(text)[:]) == toll


@pytest.mark.parametrize("name", ["set1.jsonl", "set2.jsonl"])
def test_the_team_test_sets(nlp, name: str) -> None:  # type: ignore[no-untyped-def]
    rows = [json.loads(line) for line in (SETS / name).read_text(encoding="utf-8").splitlines()]
    right = 0
    for row in rows:
        found = None
        for sentence in nlp(row["text"]).sents:  # the first sentence that states a toll
            found = sentence_fatalities(sentence)
            if found is not None:
                break
        right += found == row["fatalities"]
    assert len(rows) == 40
    assert right / len(rows) >= 0.9, f"{right}/{len(rows)}"
