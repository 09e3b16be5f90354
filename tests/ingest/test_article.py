"""make_article: normalisation, stable ids and every way a text is refused."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from eventscope.errors import InputError
from eventscope.ingest import judge_english, load_function_words, make_article, parse_published

ENGLISH = (
    "The foreign minister of Greece arrived in Ankara on Tuesday for talks with his Turkish "
    "counterpart about maritime borders in the eastern Mediterranean. The two men agreed to "
    "resume exploratory talks that had been suspended for five years, officials said."
)
# English news that is mostly names and numbers: must still be read as English.
NAME_HEAVY = (
    "Kyle Vance, Omar Haddad, Li Wen, Ana Ferreira, Tomasz Nowak, Priya Raman and Jonas "
    "Berg - Vance 12, Haddad 9, Wen 7 - led Northfield Rovers past Eastgate United 3-1 at "
    "Millbrook Park on Saturday. Coach Daniel Osei praised Ferreira, Nowak and Raman."
)
FRENCH = (
    "Le ministre des Affaires étrangères a rencontré mardi son homologue allemand à Paris pour "
    "discuter de la situation en Ukraine. Les deux responsables ont affirmé leur volonté de "
    "renforcer la coopération européenne et ont appelé à un cessez-le-feu immédiat dans l'est "
    "du pays, selon un communiqué publié après la réunion."
)
GERMAN = (
    "Der Außenminister hat am Dienstag in Berlin seinen französischen Amtskollegen empfangen, "
    "um über die Lage in der Ukraine zu sprechen. Beide Politiker betonten, dass die "
    "Zusammenarbeit in Europa gestärkt werden müsse, und forderten eine sofortige Waffenruhe "
    "im Osten des Landes, wie aus einer gemeinsamen Erklärung hervorgeht."
)
SPANISH = (
    "El ministro de Asuntos Exteriores se reunió el martes en Madrid con su homólogo "
    "portugués para hablar de la situación en la frontera. Ambos dirigentes subrayaron que la "
    "cooperación entre los dos países debe reforzarse y pidieron un alto el fuego inmediato, "
    "según un comunicado difundido tras la reunión."
)
RUSSIAN = (
    "Министр иностранных дел во вторник встретился в Москве со своим турецким коллегой, "
    "чтобы обсудить положение на границе. Оба политика заявили, что сотрудничество между "
    "странами должно быть укреплено, и призвали к немедленному прекращению огня."
)
ARABIC = (
    "التقى وزير الخارجية يوم الثلاثاء نظيره التركي في القاهرة لبحث الوضع على الحدود، "
    "وأكد الجانبان ضرورة تعزيز التعاون بين البلدين والدعوة إلى وقف فوري لإطلاق النار."
)
CHINESE = "外交部长周二在北京会见了来访的土耳其外长，双方就边境局势交换了意见，并呼吁立即停火。"


def test_id_is_stable_and_derived_from_the_normalised_text() -> None:
    first = make_article(ENGLISH)
    second = make_article("\n  " + ENGLISH + "\n\n")
    assert first.content_hash == hashlib.sha256(ENGLISH.encode()).hexdigest()
    assert first.id == "a" + first.content_hash[:16]
    assert second.id == first.id  # outer whitespace is not content


def test_line_ends_and_unicode_are_normalised_and_text_is_what_is_hashed() -> None:
    decomposed = "Cafe\u0301 owners in Ankara protested on Monday.\r\nPolice watched.\rNo arrests."
    article = make_article(decomposed)
    assert (
        article.text == "Café owners in Ankara protested on Monday.\nPolice watched.\nNo arrests."
    )
    assert article.content_hash == hashlib.sha256(article.text.encode()).hexdigest()


def test_given_metadata_is_kept() -> None:
    article = make_article(
        ENGLISH,
        id="story-7",
        title="  Minister   visits Ankara ",
        published="2018-05-31T10:00:00Z",
        url="https://example.org/a",
        outlet="Example News",
        author="Jane Doe",
        origin="feed.jsonl:3",
    )
    assert article.id == "story-7"
    assert article.title == "Minister visits Ankara"
    assert article.published == dt.date(2018, 5, 31)
    assert (article.url, article.outlet, article.author) == (
        "https://example.org/a",
        "Example News",
        "Jane Doe",
    )
    assert article.origin == "feed.jsonl:3"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2018-05-31", dt.date(2018, 5, 31)),
        ("2018-05-31T10:00:00Z", dt.date(2018, 5, 31)),
        ("2018-05-31 10:00:00", dt.date(2018, 5, 31)),
        ("2018-05-31T23:30:00+05:00", dt.date(2018, 5, 31)),
        (dt.date(2020, 1, 2), dt.date(2020, 1, 2)),
        (dt.datetime(2020, 1, 2, 13, 0), dt.date(2020, 1, 2)),
        (None, None),
        ("", None),
    ],
)
def test_published_accepts_iso_dates(value: object, expected: dt.date | None) -> None:
    assert make_article(ENGLISH, published=value).published == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/05/2018", dt.date(2018, 5, 31)),  # day first: the only reading
        ("December 13, 2016 6:35PM CST", dt.date(2016, 12, 13)),  # the day as written
        ("Sun, 04 Dec 2016 23:59:00 +1100", dt.date(2016, 12, 4)),
        ("9/28/16", dt.date(2016, 9, 28)),  # a two-digit year, in a numeric date only
    ],
)
def test_published_as_pages_write_it_is_read(value: str, expected: dt.date) -> None:
    article = make_article(ENGLISH, published=value)
    assert (article.published, article.published_text, article.warnings) == (expected, value, ())


@pytest.mark.parametrize("value", ["yesterday-ish", "2018-13-01", "May 31", "13/13/2018"])
def test_an_unreadable_published_date_leaves_the_article_undated_with_a_warning(
    value: str,
) -> None:
    article = make_article(ENGLISH, published=value, origin="x.jsonl:2")
    assert article.published is None and article.published_text == value
    [warning] = article.warnings
    assert warning.startswith(f"published {value!r} is not a date eventscope can read")
    assert warning.endswith("coded undated")
    # Where a date is asked for on purpose (a command-line flag), it is an error.
    with pytest.raises(InputError) as caught:
        parse_published(value, document="--published")
    assert caught.value.document == "--published"


@pytest.mark.parametrize("text", ["", "   \n\t  \r\n"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="empty text"):
        make_article(text, origin="empty.txt")


def test_too_long_text_names_the_limit_and_the_setting() -> None:
    with pytest.raises(InputError) as caught:
        make_article("word " * 2_000, max_chars=1_000)
    assert caught.value.reason == (
        "10,000 characters, over the limit of 1,000 (settings: limits.max_chars)"
    )


def test_binary_garbage_is_refused() -> None:
    garbage = ENGLISH + "\x00\x01\x02\x03\ufffd\ufffd" * 20
    with pytest.raises(InputError, match="looks like binary data, not text"):
        make_article(garbage)
    # A few stray control characters in real text are tolerated.
    assert make_article(ENGLISH + "\x07").text.endswith("\x07")


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (FRENCH, "common English words"),
        (GERMAN, "common English words"),
        (SPANISH, "common English words"),
        (RUSSIAN, "not Latin script"),
        (ARABIC, "not Latin script"),
        (CHINESE, "not Latin script"),
    ],
)
def test_non_english_text_is_refused(text: str, needle: str) -> None:
    with pytest.raises(InputError) as caught:
        make_article(text)
    assert caught.value.reason.startswith("not English")
    assert needle in caught.value.reason


@pytest.mark.parametrize(
    "text",
    [
        ENGLISH,
        NAME_HEAVY,
        "Turkey Shells Kurdish Positions In Northern Syria",  # a headline
        "Rebels seize Goma",  # too short to judge
        # Terse report style: almost no function words, but English verb endings.
        "Army sappers defused two pipe bombs found beside a busy highway outside Garou on "
        "Thursday, averting a possible attack on a military convoy, regional police officials "
        "confirmed.",
        "Merkel, Macron, Putin, Erdogan, Xi, Modi, Trudeau, Abe, Ardern, Ramaphosa, Bolsonaro, "
        "Widodo, Lopez Obrador, Morrison, Johnson, Conte, Sanchez, Rutte, Michel, Kurz, Orban, "
        "Duda, Babis, Costa, Martin, Frederiksen",  # a list of names: nothing to judge on
    ],
)
def test_english_is_accepted_however_short_or_name_heavy(text: str) -> None:
    assert make_article(text).text == text.strip()


def test_english_function_word_table_is_valid() -> None:
    words = load_function_words()
    assert {"the", "of", "and", "that", "with"} <= words
    # Left out on purpose: frequent function words of French, German or Spanish too.
    assert not {"a", "an", "in", "on", "no", "so", "was", "will", "also", "die", "me"} & words
    assert all(word == word.strip().lower() and word for word in words)
    assert 100 <= len(words) <= 200


def test_language_verdict_measures() -> None:
    english = judge_english(ENGLISH)
    assert english.reason is None and english.function_share > 0.25
    french = judge_english(FRENCH)
    assert french.reason is not None and french.function_share < 0.06


def test_text_without_letters_is_refused() -> None:
    with pytest.raises(InputError, match="no words in the text"):
        make_article("<<<< >>>> 12 34 --- ...")
