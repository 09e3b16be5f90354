"""Sentence boundaries the parser must keep: lines and datelines, not hard wraps."""

from __future__ import annotations

from eventscope.text.boundaries import unit_starts


def test_each_line_and_the_story_after_a_dateline_start_a_sentence() -> None:
    text = "Rebels Seize Town\n\nKYIV (Reuters) - Troops left the town.\nShare this"
    starts = unit_starts(text)
    assert starts == [0, text.index("KYIV"), text.index("Troops"), text.index("Share")]


def test_a_dateline_with_a_date_and_a_two_word_city() -> None:
    text = "NEW YORK, May 3 (AP) - The council met."
    assert unit_starts(text) == [0, text.index("The council")]


def test_a_capitalised_first_word_is_not_a_dateline() -> None:
    assert unit_starts("NATO said on Monday - without details - that it would meet.") == [0]


def test_hard_wrapped_text_breaks_only_at_blank_lines() -> None:
    text = (
        "The minister said the talks\nwould resume on Monday after\nthe two sides agreed to\n"
        "meet again in the capital\nlater this month.\n\nSecond paragraph here."
    )
    assert unit_starts(text) == [0, text.index("Second")]


def test_the_parser_keeps_the_boundaries(nlp) -> None:  # type: ignore[no-untyped-def]
    doc = nlp("Assad threatens US troops\nDAMASCUS - The president spoke on Wednesday.")
    starts = [sent.start_char for sent in doc.sents]
    assert doc.text.index("DAMASCUS") in starts and doc.text.index("The president") in starts
