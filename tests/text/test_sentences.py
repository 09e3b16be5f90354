"""split_sentences on whole articles, with the real spaCy model."""

from __future__ import annotations

import pytest

from eventscope.ingest import make_article
from eventscope.records import Article, Sentence
from eventscope.text import split_sentences

# Written for this test: a wire story as a scraper leaves it, furniture and all.
ARTICLE = """Greece and Turkey agree to resume talks
By Jane Doe and Omar Khalid, Reuters
ATHENS (Reuters) - Greece and Turkey agreed on Tuesday to resume exploratory talks on their \
maritime dispute, the foreign ministers of both countries said after meeting in Athens.
Greek Foreign Minister Nikos Papas meets his Turkish counterpart Mehmet Yilmaz in Athens, \
Greece, March 3, 2021. REUTERS/Jane Doe
Share this article
Share on Facebook
The talks, suspended since 2016, will take place in Istanbul next month, Papas told reporters
Oil Prices Slide As Traders Eye Fed Decision
Yilmaz said Ankara wanted "a fair share" of the resources of the eastern Mediterranean. \
He did not give details.
Advertisement
Opposition parties in Athens criticised the agreement. They said it gave too much away.

Latest News
Man held after stabbing in Leeds
Flooding closes roads across Wales
Why are energy bills rising?

Reporting by Jane Doe; Editing by Tom Roe
Subscribe to our newsletter
"""

STORY = [
    "Greece and Turkey agree to resume talks",
    "ATHENS (Reuters) - Greece and Turkey agreed on Tuesday to resume exploratory talks on "
    "their maritime dispute, the foreign ministers of both countries said after meeting in "
    "Athens.",
    "The talks, suspended since 2016, will take place in Istanbul next month, Papas told reporters",
    'Yilmaz said Ankara wanted "a fair share" of the resources of the eastern Mediterranean.',
    "He did not give details.",
    "Opposition parties in Athens criticised the agreement.",
    "They said it gave too much away.",
]


def _split(nlp, article: Article) -> tuple[Sentence, ...]:  # type: ignore[no-untyped-def]
    return split_sentences(article, nlp(article.text))


@pytest.fixture(scope="module")
def sentences(nlp) -> tuple[Sentence, ...]:  # type: ignore[no-untyped-def]
    article = make_article(ARTICLE, title="Greece and Turkey agree to resume talks")
    return _split(nlp, article)


def _flag_of(sentences: tuple[Sentence, ...], start: str) -> str | None:
    matches = [s for s in sentences if s.text.startswith(start)]
    assert matches, f"no sentence starts with {start!r}"
    return matches[0].flag


def test_story_sentences_are_content_and_everything_else_is_flagged(
    sentences: tuple[Sentence, ...],
) -> None:
    assert [s.text for s in sentences if s.is_content] == STORY


@pytest.mark.parametrize(
    ("start", "flag"),
    [
        ("By Jane Doe and Omar Khalid", "byline"),
        ("Greek Foreign Minister Nikos Papas meets", "caption"),
        ("REUTERS/Jane Doe", "caption"),
        ("Share this article", "boilerplate"),
        ("Share on Facebook", "boilerplate"),
        ("Oil Prices Slide As Traders Eye Fed Decision", "foreign_headline"),
        ("Advertisement", "boilerplate"),
        ("Latest News", "boilerplate"),
        ("Man held after stabbing in Leeds", "foreign_headline"),
        ("Flooding closes roads across Wales", "foreign_headline"),
        ("Why are energy bills rising?", "foreign_headline"),
        ("Reporting by Jane Doe", "byline"),
        ("Subscribe to our newsletter", "boilerplate"),
    ],
)
def test_each_piece_of_furniture_gets_its_flag(
    sentences: tuple[Sentence, ...], start: str, flag: str
) -> None:
    assert _flag_of(sentences, start) == flag


def test_flags_carry_the_rule_that_fired(sentences: tuple[Sentence, ...]) -> None:
    for sentence in sentences:
        if sentence.flag is None:
            assert sentence.flag_reason is None
        else:
            assert sentence.flag_reason and sentence.flag_reason.startswith(sentence.flag + ":")
    share = next(s for s in sentences if s.text == "Share this article")
    assert share.flag_reason == "boilerplate: share/subscribe line"


def test_offsets_index_and_text_are_consistent(sentences: tuple[Sentence, ...]) -> None:
    text = make_article(ARTICLE).text
    assert [s.index for s in sentences] == list(range(len(sentences)))
    previous_end = 0
    for sentence in sentences:
        assert sentence.text == text[sentence.start : sentence.end]
        assert sentence.text == sentence.text.strip() and sentence.text
        assert sentence.start >= previous_end
        previous_end = sentence.end


def test_a_line_spacy_would_glue_to_the_next_is_cut_at_the_line_break(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Troops left the border town on Monday, officials said\nMarkets Rally On Trade Hopes"
    article = make_article(text)
    spacy_sentences = [s.text for s in nlp(article.text).sents]
    ours = _split(nlp, article)
    assert [s.text for s in ours] == text.split("\n")
    assert [s.flag for s in ours] == [None, "foreign_headline"]
    assert len(spacy_sentences) >= 1  # whatever spaCy did, the line break wins


def test_own_title_is_never_a_foreign_headline(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "By Jane Doe\nRebels Seize Second City In Eastern Congo\n"
        "Rebels seized the second city of the province on Sunday, the army said."
    )
    with_title = _split(nlp, make_article(text, title="Rebels Seize Second City In Eastern Congo"))
    without_title = _split(nlp, make_article(text))
    assert [s.flag for s in with_title] == ["byline", None, None]
    assert [s.flag for s in without_title] == ["byline", "foreign_headline", None]


def test_short_real_sentences_and_datelines_are_not_flagged(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Minister Resigns Over Arms Deal\n"
        "He Resigned.\n"
        "DAMASCUS, Syria (Reuters) - Syrian forces shelled the town on Sunday.\n"
        "KABUL\n"
        "The ministry said it would not comment."
    )
    result = _split(nlp, make_article(text))
    assert [s.flag for s in result] == [None] * len(result)


def test_hard_wrapped_text_is_cut_at_blank_lines_not_every_line(nlp) -> None:  # type: ignore[no-untyped-def]
    text = (
        "NAIROBI - Kenyan police fired tear gas at hundreds of protesters\n"
        "who marched on parliament on Thursday to demand lower food prices,\n"
        "witnesses said.\n"
        "\n"
        "The interior ministry said officers had acted within the law and\n"
        "that several people had been arrested for looting shops in the\n"
        "city centre, where most businesses stayed closed.\n"
    )
    result = _split(nlp, make_article(text))
    assert len(result) == 2
    assert result[0].text.endswith("witnesses said.") and "\n" in result[0].text
    assert all(s.is_content for s in result)


def test_a_doc_of_another_text_is_refused(nlp) -> None:  # type: ignore[no-untyped-def]
    article = make_article("Troops withdrew from the town on Monday.")
    with pytest.raises(ValueError, match="not made from this article"):
        split_sentences(article, nlp("Something else entirely."))


def test_whitespace_only_pieces_are_dropped(nlp) -> None:  # type: ignore[no-untyped-def]
    text = "Talks began on Monday.\n\n   \n\t\nThey ended on Friday.   \n"
    result = _split(nlp, make_article(text))
    assert [s.text for s in result] == ["Talks began on Monday.", "They ended on Friday."]
