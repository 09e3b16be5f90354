"""Building a validated Article from a text and its metadata.

Every reader (plain files, HTML, JSONL, stdin) ends here, so the checks a document must pass
are in one place: not empty, not too long, text rather than binary, English, and a
publication date that is a date.
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


def parse_published(value: str | dt.date | None, *, document: str) -> dt.date | None:
    """A publication date from an ISO date or timestamp string, a date or None.

    Accepts "2018-05-31", "2018-05-31T10:00:00Z", "2018-05-31 10:00:00" (with or without a
    UTC offset; the date as written is kept). Raises InputError for anything else.
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise InputError(document, f"published {value!r} is not an ISO date")
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
        raise InputError(document, f"published {value!r} is not an ISO date") from None


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
) -> Article:
    """Validate a text and its metadata and build the Article that every later stage reads.

    Consumes the raw text and metadata; produces an Article whose ``text`` is normalised
    (see ``normalise_text``), whose ``content_hash`` is the SHA-256 of that text and whose
    ``id`` is the given one or "a" + the first 16 hex digits of the hash. Raises InputError
    naming ``origin`` for empty, over-long, binary or non-English text and unparseable dates.
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
    published_date = parse_published(published, document=origin)
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
    )
