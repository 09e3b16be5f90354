"""Date expressions resolved against a fixed publication date, and the date of an event.

Every text here was written for these tests. The publication date is Thursday 31 May 2018.
"""

from __future__ import annotations

import datetime as dt

import pytest

from eventscope.dates import date_event, date_events, find_dates
from eventscope.records import DateMention, Event, Sentence, Span

PUBLISHED = dt.date(2018, 5, 31)  # a Thursday


def _sentences(doc, flags=None):  # type: ignore[no-untyped-def]
    """Sentence records straight from spaCy, so these tests need no other stage."""
    flags = flags or {}
    return tuple(
        Sentence(index=i, start=s.start_char, end=s.end_char, text=s.text, flag=flags.get(i))
        for i, s in enumerate(doc.sents)
    )


def _dates(nlp, text, published=PUBLISHED, flags=None):  # type: ignore[no-untyped-def]
    doc = nlp(text)
    return find_dates(doc, _sentences(doc, flags), published=published)


def _values(nlp, text, published=PUBLISHED):  # type: ignore[no-untyped-def]
    return [(d.span.text, d.value, d.precision) for d in _dates(nlp, text, published)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The treaty was signed on May 10, 2018 in Vienna.", ("May 10, 2018", "2018-05-10", "day")),
        ("The treaty was signed on 10 May in Vienna.", ("10 May", "2018-05-10", "day")),
        ("The envoys met on 3rd March 2016 in Doha.", ("3rd March 2016", "2016-03-03", "day")),
        ("The rebels withdrew on Sept. 11 after talks.", ("Sept. 11", "2017-09-11", "day")),
        ("The summit opens on June 20 in Lagos.", ("June 20", "2018-06-20", "day")),
        ("The strike began on July 15 in the capital.", ("July 15", "2017-07-15", "day")),
        ("The parliament will vote on January 5.", ("January 5", "2019-01-05", "day")),
        (
            "The exchanges begin selling plans on Oct. 1 in every state.",
            ("Oct. 1", "2018-10-01", "day"),
        ),
        (
            "The exchanges began selling plans on Oct. 1 in every state.",
            ("Oct. 1", "2017-10-01", "day"),
        ),
        ("The ruling was published on 2018-04-02.", ("2018-04-02", "2018-04-02", "day")),
        ("Troops crossed the border on Wednesday.", ("Wednesday", "2018-05-30", "day")),
        ("The minister resigned on Thursday.", ("Thursday", "2018-05-31", "day")),
        ("The minister resigned last Thursday.", ("last Thursday", "2018-05-24", "day")),
        ("The talks will resume next Wednesday.", ("next Wednesday", "2018-06-06", "day")),
        ("The talks will resume on Friday in Geneva.", ("Friday", "2018-06-01", "day")),
        (
            "Protesters gathered on Monday night outside the palace.",
            ("Monday night", "2018-05-28", "day"),
        ),
        ("The convoy was attacked yesterday near the port.", ("yesterday", "2018-05-30", "day")),
        ("The president flies to Paris today.", ("today", "2018-05-31", "day")),
        ("Police raided the office this morning.", ("this morning", "2018-05-31", "day")),
        ("Shells hit the town last night.", ("last night", "2018-05-30", "day")),
        ("The envoy arrived two days ago.", ("two days ago", "2018-05-29", "day")),
        ("The army left the city three months ago.", ("three months ago", "2018-02", "month")),
        ("The rebels regrouped last month.", ("last month", "2018-04", "month")),
        ("The rebels regrouped in April.", ("April", "2018-04", "month")),
        ("The rebels regrouped at the end of April.", ("the end of April", "2018-04", "month")),
        ("The parties signed a deal in March 2016.", ("March 2016", "2016-03", "month")),
        ("The accord was signed in 2017.", ("2017", "2017", "year")),
        ("The coalition has ruled since 2014.", ("2014", "2014", "year")),
        ("The committee first looked into police abuse in 1894.", ("1894", "1894", "year")),
        ("The border was drawn in March 1885.", ("March 1885", "1885-03", "month")),
        ("Elections are due next year.", ("next year", "2019", "year")),
        ("Turnout fell earlier this year.", ("earlier this year", "2018", "year")),
        ("The drought began last summer.", ("last summer", "2017", "year")),
    ],
)
def test_expression_resolves_against_publication(nlp, text, expected):  # type: ignore[no-untyped-def]
    assert _values(nlp, text) == [expected]


def test_weeks_are_stored_as_a_month(nlp):  # type: ignore[no-untyped-def]
    # Last week is 21-27 May 2018: one month.
    assert _values(nlp, "The army shelled the town last week.") == [
        ("last week", "2018-05", "month")
    ]
    # This week is 28 May - 3 June, but the days up to publication (Thursday) are all May's.
    assert _values(nlp, "The army shelled the town this week.") == [
        ("this week", "2018-05", "month")
    ]
    # Written on Wednesday 6 June, last week is 28 May - 3 June, split 4-3 between May and
    # June: its Thursday (31 May) files it under May.
    assert _values(nlp, "The army shelled the town last week.", dt.date(2018, 6, 6)) == [
        ("last week", "2018-05", "month")
    ]
    # And "next week" from Thursday 26 April 2018 is 30 April - 6 May: Thursday 3 May, so May.
    assert _values(nlp, "Talks resume next week.", dt.date(2018, 4, 26)) == [
        ("next week", "2018-05", "month")
    ]
    assert _values(nlp, "Rebels attacked the base over the weekend.") == [
        ("the weekend", "2018-05", "month")
    ]
    # Written on a Sunday, 7 October, "last week" is the week ending that day (1-7 October),
    # not 24-30 September.
    assert _values(nlp, "The army shelled the town last week.", dt.date(2018, 10, 7)) == [
        ("last week", "2018-10", "month")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "The siege lasted for three years.",
        "The hostages were held for 48 hours.",
        "A 45-year-old man was arrested.",
        "The man, aged 45, was arrested at 10 a.m. local time.",
        "A crowd of 2000 people marched to the square.",
        "Officials counted 2,017 ballots in the district.",
        "The rally was held on Black Friday.",
        "Prime Minister May spoke to May about the vote.",
    ],
)
def test_durations_ages_times_and_numbers_are_not_dates(nlp, text):  # type: ignore[no-untyped-def]
    assert _values(nlp, text) == []


def test_spans_are_article_offsets_with_sentence_index(nlp):  # type: ignore[no-untyped-def]
    text = "The envoy left. Talks resumed on Wednesday in Oslo."
    doc = nlp(text)
    (mention,) = find_dates(doc, _sentences(doc), published=PUBLISHED)
    assert text[mention.span.start : mention.span.end] == mention.span.text == "Wednesday"
    assert mention.sentence == 1
    assert mention.source == "text"


def test_flagged_sentences_are_skipped(nlp):  # type: ignore[no-untyped-def]
    text = "Photo taken on Tuesday by a reporter. Talks resumed on Wednesday in Oslo."
    found = _dates(nlp, text, flags={0: "caption"})
    assert [d.span.text for d in found] == ["Wednesday"]


def test_without_publication_date_only_self_contained_dates_resolve(nlp):  # type: ignore[no-untyped-def]
    text = (
        "The deal was signed on Wednesday, yesterday, on 10 May and on May 10, 2018. "
        "It follows a truce agreed in 2017 and a pact of March 2016."
    )
    assert _values(nlp, text, published=None) == [
        ("May 10, 2018", "2018-05-10", "day"),
        ("2017", "2017", "year"),
        ("March 2016", "2016-03", "month"),
    ]


def _event(doc, trigger: str, sentence: int) -> Event:  # type: ignore[no-untyped-def]
    start = doc.text.index(trigger)
    return Event(
        id="e1",
        article_id="a1",
        sentence=sentence,
        evidence=list(doc.sents)[sentence].text,
        type="ASSAULT",
        trigger=Span(start, start + len(trigger), trigger),
    )


def test_event_date_is_the_one_in_the_triggers_clause(nlp):  # type: ignore[no-untyped-def]
    doc = nlp("Police said on Wednesday that protesters attacked the embassy last week.")
    dates = find_dates(doc, _sentences(doc), published=PUBLISHED)
    attack = date_event(_event(doc, "attacked", 0), dates, published=PUBLISHED, doc=doc)
    said = date_event(_event(doc, "said", 0), dates, published=PUBLISHED, doc=doc)
    assert attack is not None and attack.span is not None
    assert (attack.span.text, attack.value) == ("last week", "2018-05")
    assert said is not None and said.span is not None
    assert (said.span.text, said.value) == ("Wednesday", "2018-05-30")


def test_event_date_falls_back_to_sentence_then_publication(nlp):  # type: ignore[no-untyped-def]
    doc = nlp("On Tuesday, the talks were over. Rebels shelled the airport, and it burned.")
    dates = find_dates(doc, _sentences(doc), published=PUBLISHED)
    shelled = date_event(_event(doc, "shelled", 1), dates, published=PUBLISHED, doc=doc)
    assert shelled == DateMention(
        span=None, sentence=None, value="2018-05-31", precision="day", source="published"
    )
    assert date_event(_event(doc, "shelled", 1), dates, published=None, doc=doc) is None
    # Same sentence, not in the trigger's subtree: still the sentence's date.
    doc = nlp("Rebels shelled the airport, officials said, and on Tuesday the town fell.")
    dates = find_dates(doc, _sentences(doc), published=PUBLISHED)
    mention = date_event(_event(doc, "shelled", 0), dates, published=PUBLISHED, doc=doc)
    assert mention is not None and mention.value == "2018-05-29"


def _coded(doc, trigger: str, sentence: int, typ: str = "ASSAULT", factuality: str = "asserted"):  # type: ignore[no-untyped-def]
    import dataclasses

    return dataclasses.replace(_event(doc, trigger, sentence), type=typ, factuality=factuality)


def _dated(nlp, text: str, *coded: tuple):  # type: ignore[no-untyped-def, type-arg]
    """The dates ``date_events`` gives events coded in ``text`` (each ``coded`` is what
    ``_coded`` takes after the Doc), published on PUBLISHED."""
    doc = nlp(text)
    dates = find_dates(doc, _sentences(doc), published=PUBLISHED)
    events = [_coded(doc, *args) for args in coded]
    return date_events(events, dates, published=PUBLISHED, doc=doc)


def test_an_undated_event_takes_the_stories_day_unless_it_is_still_to_come(nlp):  # type: ignore[no-untyped-def]
    stormed, killed, talks = _dated(
        nlp,
        "Gunmen stormed a hotel in the capital on Tuesday, officials said. "
        "Five guests were killed. "
        "The government will hold talks with the opposition.",
        ("stormed", 0),
        ("killed", 1),
        ("talks", 2, "CONSULT", "planned"),
    )
    assert (stormed.value, stormed.source) == ("2018-05-29", "text")
    # The story's day, named in its opening, not the publication day.
    assert (killed.value, killed.source) == ("2018-05-29", "story")
    assert killed.span is not None and killed.span.text == "Tuesday"
    # A planned event does not happen on the story's day.
    assert (talks.value, talks.source) == ("2018-05-31", "published")


def test_a_re_mention_takes_the_date_of_its_incident(nlp):  # type: ignore[no-untyped-def]
    doc = nlp(
        "Rebels bombed the airport on May 2. "
        "The bombing destroyed two planes, officials said on Monday. "
        "The army condemned the rebels."
    )
    dates = find_dates(doc, _sentences(doc), published=PUBLISHED)
    events = [
        _coded(doc, "bombed", 0),
        _coded(doc, "bombing", 1),
        _coded(doc, "condemned", 2, "ACCUSE"),
    ]
    attacked, attack, condemned = date_events(events, dates, published=PUBLISHED, doc=doc)
    assert date_event(events[1], dates, published=PUBLISHED, doc=doc).value == "2018-05-28"
    assert (attacked.value, attacked.source) == ("2018-05-02", "text")
    # "the bombing" is the one of May 2, though its sentence names Monday for the saying.
    assert (attack.value, attack.source) == ("2018-05-02", "incident")
    # A different act: the story's day (Monday, named in the opening).
    assert (condemned.value, condemned.source) == ("2018-05-28", "story")


def test_no_stories_day_from_old_dates_or_without_publication(nlp):  # type: ignore[no-untyped-def]
    doc = nlp("Rebels attacked the airport on May 2. The army condemned the rebels.")
    dates = find_dates(doc, _sentences(doc), published=PUBLISHED)
    events = [_coded(doc, "attacked", 0), _coded(doc, "condemned", 1, "ACCUSE")]
    _, condemned = date_events(events, dates, published=PUBLISHED, doc=doc)
    assert (condemned.value, condemned.source) == ("2018-05-31", "published")
    assert date_events(events[1:], (), published=None, doc=doc) == [None]


def test_a_past_perfect_act_is_background_and_left_undated(nlp):  # type: ignore[no-untyped-def]
    retook, seized, shelled = _dated(
        nlp,
        "Troops retook the town on Tuesday. Rebels had seized it from the army. "
        "The army shelled the hills.",
        ("retook", 0),
        ("seized", 1),
        ("shelled", 2),
    )
    assert (retook.value, retook.source) == ("2018-05-29", "text")
    # Before the story, on a day the text does not give: neither Tuesday nor publication day.
    assert seized is None
    assert (shelled.value, shelled.source) == ("2018-05-29", "story")


def test_the_stories_day_is_the_first_its_opening_names(nlp):  # type: ignore[no-untyped-def]
    # The lead gives the news's day; the reactions of the next day are named more often.
    _, condemned = _dated(
        nlp,
        "Police broke up the protest camp on Tuesday. "
        "Thousands marched in the capital on Wednesday. "
        "More marches followed on Wednesday in the south. "
        "The foreign minister condemned the violence.",
        ("broke", 0),
        ("condemned", 3, "ACCUSE"),
    )
    assert (condemned.value, condemned.source) == ("2018-05-29", "story")


def test_a_past_perfect_in_reported_speech_is_the_stories_act(nlp):  # type: ignore[no-untyped-def]
    # "said ... had been killed" is the reported form of "were killed": no background.
    _, killed, seized = _dated(
        nlp,
        "Troops retook the town on Tuesday. "
        "The ministry said 43 policemen had been killed. "
        "Rebels had seized the town from the army.",
        ("retook", 0),
        ("killed", 1),
        ("seized", 2),
    )
    assert (killed.value, killed.source) == ("2018-05-29", "story")
    assert seized is None  # not reported speech: background, as before


def test_a_noun_act_under_a_past_perfect_verb_is_background(nlp):  # type: ignore[no-untyped-def]
    retook, release = _dated(
        nlp,
        "Troops retook the town on Tuesday. The rebels had demanded the release of their "
        "commander. The army shelled the hills.",
        ("retook", 0),
        ("release", 1, "COERCE"),
    )
    assert (retook.value, retook.source) == ("2018-05-29", "text")
    assert release is None  # "had demanded the release": background, not the story's day


def test_an_act_in_the_present_tense_holds_on_the_day_of_publication(nlp):  # type: ignore[no-untyped-def]
    # The lead's day is the story's; "is threatening", "are calling" hold when it is published.
    threatening, calling, condemned, demand = _dated(
        nlp,
        "Washington raised tariffs on Chinese steel on Tuesday. "
        "China is threatening to retaliate. "
        "Farm groups are calling for talks. "
        "Beijing condemned the decision. "
        "“We demand an apology,” the ministry said.",
        ("threatening", 1, "THREATEN"),
        ("calling", 2, "REQUEST"),
        ("condemned", 3, "ACCUSE"),
        ("demand", 4, "REQUEST"),
    )
    assert (threatening.value, threatening.source) == (PUBLISHED.isoformat(), "published")
    assert (calling.value, calling.source) == (PUBLISHED.isoformat(), "published")
    assert (condemned.value, condemned.source) == ("2018-05-29", "story")
    # Quoted, the present is the speaker's: the day the ministry spoke, the story's.
    assert (demand.value, demand.source) == ("2018-05-29", "story")


def test_a_headlines_present_is_the_news_past(nlp):  # type: ignore[no-untyped-def]
    # Headlines tell past news in the present: the story's day, not the publication's.
    [vows] = _dated(
        nlp,
        "China vows to retaliate\n\nWashington raised tariffs on Chinese steel on Tuesday.",
        ("vows", 0, "THREATEN"),
    )
    assert (vows.value, vows.source) == ("2018-05-29", "story")
