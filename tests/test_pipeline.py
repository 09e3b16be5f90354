"""End to end on a spliced article the team wrote: the foundation's promise in one test file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

import eventscope
from eventscope.ingest import make_article
from eventscope.pipeline import Pipeline
from eventscope.records import Extraction

# Published on a Thursday; "Wednesday" is the day before. A caption, another story's headline
# and page furniture are spliced in, as scrapers leave them.
SPLICED = "\n".join(
    [
        "Damascus warns Washington over eastern Syria",
        "",
        "DAMASCUS - Syrian President Bashar al-Assad threatened on Wednesday to expel US troops"
        " from Deir Ezzor by force.",
        '"We will take back every village, by talks or by force," Assad said in a television'
        " interview.",
        "Assad predicted that there would be a war between Russia and the United States if"
        " Washington kept its troops in Syria.",
        "Photo: Syrian soldiers check cars at a checkpoint near Homs. (Sample Agency)",
        "Wheat Futures Climb As Traders Eye Rain Forecast",
        "Subscribe to our newsletter",
        "",
    ]
)


@pytest.fixture(scope="module")
def spliced() -> Extraction:
    return eventscope.extract(SPLICED, published="2018-05-31", id="spliced")


def test_the_threat_is_coded_asserted_dated_and_placed(spliced: Extraction) -> None:
    threats = [
        e
        for e in spliced.events
        if e.type == "THREATEN" and any(a.country == "SYR" for a in e.source)
    ]
    body = [e for e in threats if e.sentence == 1]
    assert body, [(e.type, e.sentence) for e in spliced.events]
    event = body[0]
    assert event.factuality == "asserted"
    assert any(a.country == "USA" and a.sector == "MIL" for a in event.target)
    assert event.date is not None and event.date.value == "2018-05-30"
    assert event.location is not None and event.location.country == "SYR"
    assert event.location.name.startswith("Deir")
    assert abs(event.location.lat - 35.3) < 0.5 and abs(event.location.lon - 40.1) < 0.5


def test_a_predicted_war_is_never_an_asserted_assault(spliced: Extraction) -> None:
    for event in spliced.events:
        if event.type == "ASSAULT":
            assert event.factuality != "asserted", event


def test_caption_foreign_headline_and_furniture_are_flagged_and_not_coded(
    spliced: Extraction,
) -> None:
    flags = {s.text: s.flag for s in spliced.sentences}
    assert flags["Photo: Syrian soldiers check cars at a checkpoint near Homs."] == "caption"
    assert flags["Wheat Futures Climb As Traders Eye Rain Forecast"] == "foreign_headline"
    assert flags["Subscribe to our newsletter"] == "boilerplate"
    flagged = {s.index for s in spliced.sentences if s.flag}
    assert not [e for e in spliced.events if e.sentence in flagged]


def test_the_direct_quote_is_attributed_to_assad(spliced: Extraction) -> None:
    direct = [q for q in spliced.quotes if q.direct]
    assert len(direct) == 1
    assert direct[0].content.text.startswith("We will take back every village")
    assert direct[0].speaker is not None and direct[0].speaker.text == "Assad"


def test_every_event_carries_its_evidence_and_versions(spliced: Extraction) -> None:
    text = spliced.article.text
    assert spliced.events
    for event in spliced.events:
        sentence = spliced.sentences[event.sentence]
        assert event.evidence == sentence.text
        assert text[event.trigger.start : event.trigger.end] == event.trigger.text
        for actor in (*event.source, *event.target):
            assert text[actor.span.start : actor.span.end] == actor.span.text
        # The learned models' versions too: the code, the tables, spaCy's model, the coder and
        # the ACLED classifier.
        assert set(event.versions) == {
            "eventscope", "tables", "model", "event_model", "acled_model"
        }  # fmt: skip
        assert event.versions["event_model"].startswith("eventscope-news-events-")
        assert event.versions["acled_model"].startswith("acled-1.0.0+")
        assert event.rule and 0 < event.confidence <= 1


def test_a_headline_is_parsed_apart_from_the_story_under_it(spliced: Extraction) -> None:
    # The headline's verb must not take the dateline paragraph's words as its objects.
    headline = spliced.sentences[0]
    assert headline.text == "Damascus warns Washington over eastern Syria"
    for event in spliced.events:
        if event.sentence == 0:
            for actor in (*event.source, *event.target):
                assert actor.span.end <= headline.end


def test_same_text_gives_the_same_ids() -> None:
    first = eventscope.extract(SPLICED, published=dt.date(2018, 5, 31))
    second = eventscope.extract(SPLICED, published="2018-05-31")
    assert first.article.id == second.article.id
    assert [e.id for e in first.events] == [e.id for e in second.events]


def test_a_parse_the_caller_holds_serves_its_own_text_only(nlp: Any, counting_nlp: Any) -> None:
    first = make_article("Police arrested ten men in the capital on Monday.", id="first")
    second = make_article("Rebels attacked an army convoy near the border.", id="second")
    pipeline = Pipeline(nlp=counting_nlp)
    given = {"first": nlp(first.text), "second": nlp("A parse of some other text.")}
    results = list(pipeline.extract_many([first, second], given))
    assert counting_nlp.texts == [second.text]  # the first's parse was used, the stale one not
    fresh = list(Pipeline(nlp=nlp).extract_many([first, second]))
    assert [r.events for r in results] == [r.events for r in fresh]
    assert any(e.type == "COERCE" for e in results[0].events)
