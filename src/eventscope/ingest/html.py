"""Main text and metadata from a saved HTML page, with trafilatura.

Only the page given is read: trafilatura is handed the bytes, never a URL, so nothing is
fetched. trafilatura guesses the page's encoding itself (HTML declares its own charset, so
unlike .txt files a non-UTF-8 page is fine).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from eventscope.deadlines import time_limit
from eventscope.errors import InputError, TimeLimitError
from eventscope.ingest.article import parse_published
from eventscope.settings import Limits

DEFAULT_MAX_SECONDS = Limits().max_seconds


@dataclass(frozen=True, slots=True)
class HtmlContent:
    """What trafilatura found in a page: the main text and whatever metadata it had."""

    text: str
    title: str | None = None
    published: dt.date | None = None
    author: str | None = None
    url: str | None = None
    outlet: str | None = None


def extract_html(
    html: bytes | str, *, document: str, max_seconds: float = DEFAULT_MAX_SECONDS
) -> HtmlContent:
    """The main text, title, date, author, canonical URL and site name of an HTML page.

    Consumes the page's bytes (or text); produces HtmlContent. Raises InputError naming
    ``document`` when trafilatura finds no main text, cannot parse the page at all, or takes
    longer than ``max_seconds`` (setting ``limits.max_seconds``; 0: no limit).
    """
    import trafilatura  # imported here: it takes half a second and only HTML needs it

    try:
        with time_limit(max_seconds, document=document):
            result = trafilatura.bare_extraction(
                html,
                with_metadata=True,
                # Reader comments are not the article: keep them out of the event text.
                include_comments=False,
                include_tables=False,
            )
    except TimeLimitError as exc:
        raise InputError(document, f"reading the HTML {exc.reason}") from exc
    except Exception as exc:  # a broken page must not stop a batch
        raise InputError(document, f"could not parse the HTML ({exc})") from exc
    text = getattr(result, "text", None) if result is not None else None
    if not text or not any(char.isalpha() for char in text):
        raise InputError(document, "no main text found in the HTML")
    try:
        published = parse_published(getattr(result, "date", None), document=document)
    except InputError:
        # A page's date is guessed by trafilatura; a bad guess loses the date, not the page.
        published = None
    return HtmlContent(
        text=text,
        title=getattr(result, "title", None) or None,
        published=published,
        author=getattr(result, "author", None) or None,
        url=getattr(result, "url", None) or None,
        outlet=getattr(result, "sitename", None) or None,
    )
