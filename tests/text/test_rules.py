"""The flag rules on plain strings, and the boilerplate table that holds most of them."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from eventscope.text import (
    byline_verdict,
    classify_text,
    headline_verdict,
    load_text_rules,
    match_table,
    parse_rules,
)
from eventscope.text.rules import RULE_KINDS, author_outlet_verdict, required_words

# Ordinary story sentences, written for these tests: no rule may fire on any of them.
STORY_SENTENCES = [
    "The foreign minister of Greece arrived in Ankara on Tuesday for talks.",
    "By Tuesday evening, the army had withdrawn from the town.",
    "By contrast, the opposition said the deal was a surrender.",
    "Police said the photo was taken by a neighbour before the raid.",
    "Share prices in Tokyo fell 3% after the announcement.",
    "Subscribers to the state broadcaster were told the channel would close.",
    "More than 200 people were killed in the fighting, the UN said.",
    "The protest was seen by many as a test of the new government.",
    "Related talks in Geneva broke down on Friday without a statement.",
    "Reuters reported that the two sides had exchanged prisoners.",
    "The ministry said copyright law would be reformed next year.",
    "Comments by the president angered officials in Seoul.",
    "Latest figures show exports rose for a third month.",
    "DAMASCUS, Syria (Reuters) - Syrian troops entered the town of Deraa on Sunday.",
    "He is pictured in state media as a reformer.",
    "Read the full text of the agreement, the spokesman told reporters.",
    "The deal was signed by the two leaders in Cairo.",
    "Follow-up talks are planned for March.",
    "Senator Jane Roe is the author of the new sanctions bill.",
    "Read more widely, the report suggests the talks failed.",
    "Correction officers staged a protest outside the prison.",
    "The union called on its members to sign up for the march.",
    "The minister said she would follow her instincts on the budget.",
    "Editors at the paper said the columnist had resigned.",
]


def test_table_loads_and_every_row_is_valid() -> None:
    rules = load_text_rules()
    assert len(rules.rules) > 100
    assert {rule.kind for rule in rules.rules} == set(RULE_KINDS)
    patterns = [rule.pattern for rule in rules.rules]
    assert len(patterns) == len(set(patterns)), "duplicate patterns"
    for rule in rules.rules:
        assert rule.why.strip() == rule.why and rule.why, rule.line
        compiled = re.compile(rule.pattern, re.IGNORECASE)
        if rule.kind == "nav_word":
            assert compiled.fullmatch(rule.example), (rule.line, rule.example)
        else:
            assert compiled.search(rule.example), (rule.line, rule.example)


def test_the_word_filter_keeps_every_rule_matching_its_example() -> None:
    # Each rule is only searched when one of its required words is in the text: a filter that
    # dropped a word would silence the rule on its own example.
    rules = load_text_rules()
    filtered = 0
    for (_, rule), words in zip(rules.compiled, rules.needs, strict=True):
        if words:
            filtered += 1
            assert any(word in rule.example.lower() for word in words), (rule.line, words)
        assert match_table(rule.example, rules=rules) is not None, rule.line
    assert filtered >= 10


@pytest.mark.parametrize(
    ("pattern", "words"),
    [
        (r"\bsign up for our newsletter\b", ("sign up for our newsletter",)),
        (r"\b(?:we|this site) uses? cookies\b", (" cookies",)),
        (r"\b(?:contact us|write to us) at\b", ("contact us", "write to us")),
        (r"\bvia (?:ap|afp)\b", ("via a",)),  # the parser takes out the shared "a"
        (r"^read more\b", ()),  # anchored: searched at the start only, no filter needed
        (r"\b(?:foo)?\d+\b", ()),  # nothing is required
        (r"\b(?:abc|de)\b", ()),  # a branch too short to filter on
    ],
)
def test_required_words(pattern: str, words: tuple[str, ...]) -> None:
    assert required_words(pattern) == words


def test_table_says_where_its_entries_come_from() -> None:
    path = resources.files("eventscope.data").joinpath("text/boilerplate.tsv")
    head = path.read_text(encoding="utf-8").split("\npattern\t", 1)[0]
    assert head.startswith("#") and "no text was copied" in head


@pytest.mark.parametrize("sentence", STORY_SENTENCES)
def test_story_sentences_fire_no_rule(sentence: str) -> None:
    assert classify_text(sentence, rules=load_text_rules()) is None


@pytest.mark.parametrize(
    ("text", "flag", "why"),
    [
        ("Latest News", "boilerplate", "'Latest News' block"),
        ("Related stories", "boilerplate", "'Related' block"),
        ("Share this article", "boilerplate", "share/subscribe line"),
        ("Share on Facebook", "boilerplate", "share/subscribe line"),
        ("Subscribe to our newsletter", "boilerplate", "share/subscribe line"),
        ("Sign up for our daily briefing on the Middle East", "boilerplate", "share/subscribe"),
        ("Follow us on Twitter", "boilerplate", "social media plug"),
        ("Click here to read the full report", "boilerplate", "link text"),
        ("ADVERTISEMENT", "boilerplate", "advertisement marker"),
        ("Read more", "boilerplate", "list of other stories"),
        ("© 2021 Example Media. All rights reserved.", "boilerplate", "copyright notice"),
        ("Copyright 2020 Example Wire Service", "boilerplate", "copyright notice"),
        ("We use cookies to give you the best experience.", "boilerplate", "cookie notice"),
        ("Most popular", "boilerplate", "'Most popular' block"),
        ("Comments", "boilerplate", "comments section"),
        ("Skip to content", "boilerplate", "page navigation"),
        ("Home | News | World | Business | Sport", "boilerplate", "navigation menu"),
        ("News World Politics Opinion Video", "boilerplate", "navigation menu"),
        ("Photo: A soldier stands guard at the checkpoint", "caption", "photo caption label"),
        ("(Photo by Jane Doe/AFP via Getty Images)", "caption", "credit at the end"),
        ("Image caption The talks lasted six hours", "caption", "caption/credit label"),
        ("FILE PHOTO: The central bank in Ankara", "caption", "photo caption label"),
        ("Pictured: the president arriving at the summit", "caption", "photo caption label"),
        ("Rescue workers search the rubble | Reuters", "caption", "credit at the end"),
        ("Riot police in Santiago (AP Photo/Jane Doe)", "caption", "credit at the end"),
        ("Image copyright Getty Images", "caption", "caption/credit label"),
        ("Picture: Jane Doe", "caption", "photo caption label"),
        (
            "A man is seen near the burning depot in this picture taken on May 2. REUTERS/Jane Doe",
            "caption",
            "credit at the end",
        ),
        (
            "Delegates are seen before the vote in Brussels, Belgium, June 1. Handout via Reuters",
            "caption",
            "credit at the end",
        ),
        ("Reporting by Jane Doe; Editing by Tom Roe", "byline", "reporting credit"),
        ("Additional reporting by Omar Khalid in Cairo", "byline", "reporting credit"),
        ("READ MORE: Oil Prices Slide As Traders Eye Fed Decision", "foreign_headline", "label"),
        ("ALSO READ: Talks collapse in Vienna", "foreign_headline", "label"),
        ("RELATED: Five things to know about the vote", "foreign_headline", "label"),
        ("Watch: Crowds gather outside parliament", "foreign_headline", "label"),
    ],
)
def test_furniture_is_flagged_with_its_rule(text: str, flag: str, why: str) -> None:
    verdict = classify_text(text, rules=load_text_rules())
    assert verdict is not None, text
    assert verdict.flag == flag
    assert verdict.reason.startswith(f"{flag}: ")
    assert why in verdict.reason


def test_list_headers_open_a_list() -> None:
    rules = load_text_rules()
    header = match_table("Latest News", rules=rules)
    plain = match_table("Advertisement", rules=rules)
    assert header is not None and header.opens_list
    assert plain is not None and not plain.opens_list


@pytest.mark.parametrize(
    "text",
    [
        "By Jane Smith",
        "By Jane Smith and Omar Khalid, Reuters",
        "BY JANE SMITH",
        "By Jane Smith, BBC News, Beirut",
        "By Ahmed al-Masri | 4 March 2021",
        "By Jane Smith, senior diplomatic correspondent",
    ],
)
def test_bylines(text: str) -> None:
    verdict = byline_verdict(text)
    assert verdict is not None and verdict.flag == "byline"


@pytest.mark.parametrize(
    "text",
    [
        "By Tuesday, the army had withdrawn.",
        "By contrast, exports rose.",
        "By then the talks had collapsed",
        "By March 2020 the fund was empty",
        "By any means necessary:",
        "By 2030, emissions must halve.",
        "Byron Smith said the talks failed.",
    ],
)
def test_not_bylines(text: str) -> None:
    assert byline_verdict(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Oil Prices Slide As Traders Eye Fed Decision",
        "Rebels Seize Second City In Eastern Congo",
        "OPPOSITION LEADER ARRESTED AFTER RALLY",
        "Chaos in Parliament: Speaker Quits After Vote",
    ],
)
def test_headline_case_lines_are_foreign_headlines(text: str) -> None:
    verdict = headline_verdict(text)
    assert verdict is not None and verdict.flag == "foreign_headline"


@pytest.mark.parametrize(
    "text",
    [
        "The minister arrived in Ankara on Tuesday",  # sentence case
        "Talks Resumed In Geneva.",  # ends with a full stop
        "DAMASCUS, Syria (Reuters) -",  # a dateline
        "NEW YORK, N.Y.",
        "EL GEDIDA (NORTH), EGYPT",
        "Greek Prime Minister",  # three words: too short to judge
        "Kurdish Fighters Leave",
        "ATTACKER: Jane Doe Smith",  # a field label and its value
        "Bacon reported from Lagos, Nigeria. Contributing: Jane Doe",  # two sentences
        "Is The Ceasefire Over?",  # a question headline ends in "?", left alone
    ],
)
def test_not_foreign_headlines(text: str) -> None:
    assert headline_verdict(text) is None


def test_author_and_outlet_line_is_a_byline_but_a_place_is_not() -> None:
    verdict = author_outlet_verdict("Jane Doe, Example Review")
    assert verdict is not None and verdict.flag == "byline"
    assert author_outlet_verdict("New York, United States") is None
    assert author_outlet_verdict("Damascus, Syria") is None


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("pattern\tkind\twhy\texample\n^x\tboilerplate\tx", "4 non-empty"),
        ("pattern\tkind\twhy\texample\n^x\tjunk\tx\tx", "unknown kind 'junk'"),
        ("pattern\tkind\twhy\texample\n^(x\tboilerplate\tx\tx", "bad pattern"),
        ("pattern\tkind\n^x\tboilerplate", "header must be"),
    ],
)
def test_malformed_tables_are_refused_with_the_line(table: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as caught:
        parse_rules(table.splitlines(), source="t.tsv")
    assert str(caught.value).startswith("t.tsv:")
