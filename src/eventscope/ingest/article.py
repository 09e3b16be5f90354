"""Building a validated Article from a text and its metadata.

Every reader (plain files, HTML, JSONL, stdin) ends here, so the checks a document must pass
are in one place: not empty, not too long, text rather than binary, English. A publication
date is read as pages write it ("December 13, 2016 6:35PM CST", "13/12/2016"); one that cannot
be read leaves the article undated, with the original string kept and a warning, rather than
dropping it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata

from eventscope.errors import InputError
from eventscope.ingest.language import judge_english
from eventscope.records import Article

DEFAULT_MAX_CHARS = 1_000_000
DEFAULT_MAX_GARBAGE_RATIO = 0.05

# Control characters other than ordinary whitespace, the replacement character that a lossy
# decode leaves behind, and NUL: what binary data decoded as text is made of.
_GARBAGE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
_LINE_BREAK = re.compile(r"\r\n?")


def normalise_text(text: str) -> str:
    """The text as eventscope stores and hashes it: NFC, ``\\n`` line ends, no outer blanks.

    Offsets everywhere are into this string, so it is computed once, here.
    """
    text = unicodedata.normalize("NFC", _LINE_BREAK.sub("\n", text))
    # A byte-order mark that survived decoding is not part of the text.
    return text.lstrip("\ufeff").strip()


# A year of four digits: what a publication date must name ("yesterday" is no date here).
_YEAR = re.compile(r"(?<!\d)(1[89]|20)\d\d(?!\d)")
_ISO_SHAPED = re.compile(r"^\s*\d{4}-\d{1,2}-\d{1,2}")
# Two numbers before the year, as in "13/12/2016", "05.06.2016" or "9/28/16".
_NUMERIC = re.compile(r"^\s*(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})\b")


def parse_published(
    value: str | dt.date | None, *, document: str, day_first: bool = False
) -> dt.date | None:
    """A publication date from a string, a date or None.

    Accepts ISO dates and timestamps ("2018-05-31", "2018-05-31T10:00:00Z"), and dates as
    pages and feeds write them, read by ``dateparser`` in English: "December 13, 2016 6:35PM
    CST", "Wed Nov 23, 2016 | 4:58pm EST", "DEC. 14, 2016, 2:54 AM EST", "Sun, 04 Dec 2016
    23:59:00 +1100". The date is the one written (no time-zone conversion). A numeric date
    reads day first when that is the only reading ("13/12/2016") or when ``day_first`` says so
    ("05/06/2016" is 6 May, else 5 June). The string must name a year (two digits only in a
    numeric date: "9/28/16"). Raises InputError for
    anything else.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InputError(document, f"published {value!r} is not a date")
    cleaned = value.strip()
    if not cleaned:
        return None
    try:
        return dt.date.fromisoformat(cleaned)
    except ValueError:
        pass
    try:
        return dt.datetime.fromisoformat(cleaned).date()
    except ValueError:
        pass
    found = _read_written_date(cleaned, day_first=day_first)
    if found is None:
        raise InputError(
            document,
            f"published {value!r} is not a date eventscope can read (2018-05-31, "
            "'May 31, 2018', '31/05/2018' ...)",
        )
    return found


def _read_written_date(text: str, *, day_first: bool) -> dt.date | None:
    numeric = _NUMERIC.match(text)
    if (not _YEAR.search(text) and numeric is None) or _ISO_SHAPED.match(text):
        return None  # no year, or an ISO date that is not one ("2018-13-01")
    import dateparser

    if numeric is not None:
        first, second = int(numeric.group(1)), int(numeric.group(2))
        day_first = first > 12 or (day_first and second <= 12)
    settings = {
        "DATE_ORDER": "DMY" if day_first else "MDY",
        "REQUIRE_PARTS": ["day", "month", "year"],
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DATES_FROM": "past",
    }
    # Separators pages put between the date and the time ("Nov 23, 2016 | 4:58pm").
    text = re.sub(r"\s*[|•·]\s*", " ", text)
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None
    return parsed.date() if parsed is not None else None


def _clean_field(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def make_article(
    text: str,
    *,
    id: str | None = None,
    title: str | None = None,
    published: str | dt.date | None = None,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    origin: str = "<text>",
    max_chars: int = DEFAULT_MAX_CHARS,
    max_garbage_ratio: float = DEFAULT_MAX_GARBAGE_RATIO,
    day_first: bool = False,
) -> Article:
    """Validate a text and its metadata and build the Article that every later stage reads.

    Consumes the raw text and metadata; produces an Article whose ``text`` is normalised
    (see ``normalise_text``), whose ``content_hash`` is the SHA-256 of that text and whose
    ``id`` is the given one or "a" + the first 16 hex digits of the hash. Raises InputError
    naming ``origin`` for empty, over-long, binary or non-English text. A ``published`` string
    is kept as written in ``published_text``; one that ``parse_published`` cannot read leaves
    the article undated, with the reason in ``warnings``.
    """
    if len(text) > max_chars:
        raise InputError(
            origin,
            f"{len(text):,} characters, over the limit of {max_chars:,} "
            "(settings: limits.max_chars)",
        )
    text = normalise_text(text)
    if not text:
        raise InputError(origin, "empty text (nothing but whitespace)")
    garbage = len(_GARBAGE.findall(text))
    if garbage / len(text) > max_garbage_ratio:
        raise InputError(
            origin,
            f"looks like binary data, not text ({garbage:,} of {len(text):,} characters are "
            "control or replacement characters)",
        )
    if not any(char.isalpha() for char in text):
        raise InputError(origin, "no words in the text (no letters at all)")
    verdict = judge_english(text)
    if verdict.reason is not None:
        raise InputError(origin, verdict.reason)
    warnings: tuple[str, ...] = ()
    try:
        published_date = parse_published(published, document=origin, day_first=day_first)
    except InputError as exc:
        published_date = None
        warnings = (f"{exc.reason}; coded undated",)
    written = published.strip() if isinstance(published, str) and published.strip() else None
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    article_id = id.strip() if id is not None and id.strip() else "a" + content_hash[:16]
    return Article(
        id=article_id,
        text=text,
        title=_clean_field(title),
        published=published_date,
        url=_clean_field(url),
        outlet=_clean_field(outlet),
        author=_clean_field(author),
        origin=origin,
        content_hash=content_hash,
        published_text=written,
        warnings=warnings,
    )
