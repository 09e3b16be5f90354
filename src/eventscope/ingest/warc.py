"""WARC files (.warc, .warc.gz) -> one Article per HTML page crawled.

Every ``response`` record with a successful (2xx) HTTP status and an HTML body is a page:
its main text and metadata come from trafilatura (``ingest.html``), its URL from the record
(``WARC-Target-URI``), and its date from the page when the page states one, else from the
record (``WARC-Date``, the day it was crawled). Other records (requests, metadata,
redirects, images, scripts) are not articles and are passed over without a report. A page
is named ``FILE@OFFSET <URL>``, OFFSET being the record's byte offset in the file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

from eventscope.errors import InputError
from eventscope.ingest.article import make_article, parse_published
from eventscope.ingest.html import DEFAULT_MAX_SECONDS, extract_html
from eventscope.records import Article, Failure

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096


def read_warc(
    handle: Any,
    *,
    path: str,
    max_chars: int,
    max_garbage_ratio: float,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> Iterator[Article | Failure]:
    """An Article or a Failure per HTML response in the WARC file open as ``handle``.

    A file that is not a WARC, or that breaks off part-way, gives one Failure for the file
    (after the pages read before the break).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    max_bytes = max_chars * 4
    if not _starts_as_warc(handle):
        yield _failure(path, "not a WARC file (it does not start with a WARC/1.x record)")
        return
    records = ArchiveIterator(handle)
    try:
        for record in records:
            if not str(record.format).startswith("warc"):
                yield _failure(path, f"not a WARC file (a record in {record.format} format)")
                return
            if not record.rec_type:
                # warcio reads a garbled header as a record with no type: say so, rather than
                # passing over the rest of the file in silence.
                yield _failure(path, "not a readable WARC file (a record without a WARC-Type)")
                return
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode() or ""
            content_type = (record.http_headers.get_header("Content-Type") or "").lower()
            if not status.startswith("2") or not content_type.startswith(_HTML_TYPES):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            body = record.content_stream().read(max_bytes + 1)
            # Asked after reading: asking first makes warcio skip the record's content.
            document = f"{path}@{records.get_record_offset()} <{url}>"
            if len(body) > max_bytes:
                yield _failure(
                    document,
                    f"more than {max_bytes:,} bytes, too large: over the limit of "
                    f"{max_chars:,} characters (settings: limits.max_chars)",
                )
                continue
            crawled = record.rec_headers.get_header("WARC-Date")
            yield _page(body, document, url, crawled, max_chars, max_garbage_ratio, max_seconds)
    except (ArchiveLoadFailed, EOFError, OSError, ValueError, AttributeError, TypeError) as exc:
        # warcio raises AttributeError or TypeError on some cut or garbled headers.
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        yield _failure(path, f"not a readable WARC file ({reason})")


def _starts_as_warc(handle: Any) -> bool:
    """The first record header says WARC/ (after gunzipping its first member, if gzipped).
    Checked first: warcio reads some other texts as ARC records, warning on stderr."""
    head = handle.read(_SNIFF_BYTES)
    handle.seek(0)
    if head.startswith(_GZIP_MAGIC):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 16)
        except zlib.error:
            return False
    return head.startswith(b"WARC/")


def _page(
    body: bytes,
    document: str,
    url: str,
    crawled: str | None,
    max_chars: int,
    max_garbage_ratio: float,
    max_seconds: float,
) -> Article | Failure:
    try:
        content = extract_html(body, document=document, max_seconds=max_seconds)
        published = content.published
        if published is None and crawled:
            try:
                published = parse_published(crawled, document=document)
            except InputError:
                published = None
        return make_article(
            content.text,
            title=content.title,
            published=published,
            url=url or content.url,
            outlet=content.outlet,
            author=content.author,
            origin=document,
            max_chars=max_chars,
            max_garbage_ratio=max_garbage_ratio,
        )
    except InputError as exc:
        return _failure(document, exc.reason)


def _failure(document: str, reason: str) -> Failure:
    return Failure(document=document, stage="ingest", reason=reason)
