"""Reading documents from files, folders, glob patterns, URLs and standard input.

A path is a file, a folder (walked recursively, in sorted order), a glob pattern
("data/*.jsonl", "crawl/**/*.warc.gz"; matches in sorted order), an http(s) URL of a feed or
a page, or "-" for standard input. By extension: .txt/.text/.md are one plain-text article
each, .html/.htm one page each (main text by trafilatura), .jsonl/.json-lines one article per
line, .warc one article per HTML page crawled (``ingest.warc``), .rss/.atom/.xml one article
per feed item (``ingest.feeds``); any of them may be gzipped (.jsonl.gz, .warc.gz ...).
Nothing here raises for a bad document: it yields a Failure that names the document and the
reason, and goes on.
"""

from __future__ import annotations

import codecs
import glob
import gzip
import io
import json
import os
import stat
import sys
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal, TextIO

from eventscope.errors import InputError
from eventscope.ingest.article import (
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_GARBAGE_RATIO,
    make_article,
)
from eventscope.ingest.feeds import looks_like_feed, read_feed
from eventscope.ingest.fetch import fetch, is_url
from eventscope.ingest.html import DEFAULT_MAX_SECONDS, extract_html
from eventscope.ingest.warc import read_warc
from eventscope.records import Article, Failure
from eventscope.settings import Fetch

Kind = Literal["plain", "html", "jsonl", "warc", "feed"]

SUFFIX_KINDS: dict[str, Kind] = {
    ".txt": "plain",
    ".text": "plain",
    ".md": "plain",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".json-lines": "jsonl",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",  # in a folder, only when it is a feed (sitemaps and the like are not)
}
_GLOB_CHARS = frozenset("*?[")
_FEED_TYPES = ("xml", "rss", "atom")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
STDIN_NAME = "<stdin>"
# Binary files nearly always have a NUL byte early on; text never does (UTF-16 aside).
_SNIFF_BYTES = 8192
# UTF-8 needs at most 4 bytes a character: a file larger than this cannot be within limits.
_BYTES_PER_CHAR = 4
_CHUNK = 1 << 16
_OPTIONAL_FIELDS = ("id", "title", "published", "url", "outlet", "author")


@dataclass(frozen=True, slots=True)
class _Limits:
    max_chars: int
    max_garbage_ratio: float
    fetch: Fetch = Fetch()
    max_seconds: float = DEFAULT_MAX_SECONDS
    day_first: bool = False  # numeric publication dates read day first ("05/06/2016")

    @property
    def max_bytes(self) -> int:
        return self.max_chars * _BYTES_PER_CHAR


def read_documents(
    paths: Sequence[str],
    *,
    stdin: TextIO | BinaryIO | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    max_garbage_ratio: float = DEFAULT_MAX_GARBAGE_RATIO,
    fetch: Fetch | None = None,
    max_seconds: float = DEFAULT_MAX_SECONDS,
    day_first: bool = False,
) -> Iterator[Article | Failure]:
    """Read every document under ``paths``, in order, lazily.

    Consumes paths (files, folders, glob patterns, http(s) URLs, "-" for ``stdin``, which
    defaults to the process's standard input); produces an Article per readable document
    and a Failure (stage "ingest") per bad one. Hidden files and folders, and files of other
    extensions inside folders, are skipped without a report. URLs are fetched under
    ``fetch`` (by default: public addresses only, feed items' own text).
    """
    limits = _Limits(
        max_chars=max_chars,
        max_garbage_ratio=max_garbage_ratio,
        fetch=fetch or Fetch(),
        max_seconds=max_seconds,
        day_first=day_first,
    )
    for path in paths:
        if path == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin, limits)
        elif is_url(path):
            yield from _read_url(path, limits)
        else:
            yield from _read_path(path, limits)


def count_documents(paths: Sequence[str]) -> int | None:
    """How many documents ``read_documents(paths)`` will yield, when that is cheap to know.

    Files are counted by name and JSON Lines files by their non-blank lines; None when any
    path is standard input, a URL, a WARC file, a feed or a gzipped JSON Lines file (their
    documents are only known by reading them through). For a progress bar's ETA.
    """
    total = 0
    for path in paths:
        count = None if path == "-" or is_url(path) else _count_path(path)
        if count is None:
            return None
        total += count
    return total


def _count_path(path: str) -> int | None:
    if not os.path.exists(path):
        matches = (
            sorted(glob.glob(path, recursive=True)) if not _GLOB_CHARS.isdisjoint(path) else []
        )
        if not matches:
            return 1  # one failure
        counts = [_count_path(match) for match in matches]
        return None if None in counts else sum(c for c in counts if c is not None)
    if not os.path.isdir(path):
        return _count_file(path, _kind(path))
    total = 0
    for root, dirs, files in os.walk(path):
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in files:
            kind = _kind(name)
            if name.startswith(".") or kind is None:
                continue
            count = _count_file(os.path.join(root, name), kind)
            if count is None:
                return None
            total += count
    return total


def _count_file(path: str, kind: Kind | None) -> int | None:
    if _is_gzip(path):
        return 1 if kind in ("plain", "html") else None
    if kind in ("warc", "feed"):
        return None
    try:
        with open(path, "rb") as handle:
            if kind is None:
                kind = _sniff_kind(handle.read(_SNIFF_BYTES))
                handle.seek(0)
            if kind != "jsonl":
                return None if kind == "feed" else 1
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 1  # one failure


def _failure(document: str, reason: str) -> Failure:
    return Failure(document=document, stage="ingest", reason=reason)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied: cannot read it"
    return f"cannot read it: {exc.strerror or exc}"


def _read_path(path: str, limits: _Limits) -> Iterator[Article | Failure]:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        if _GLOB_CHARS.isdisjoint(path):
            yield _failure(path, "no such file or directory")
            return
        matches = sorted(glob.glob(path, recursive=True))
        if not matches:
            yield _failure(path, "no file matches this pattern")
        for match in matches:
            yield from _read_path(match, limits)
        return
    except OSError as exc:
        yield _failure(path, _os_reason(exc))
        return
    if stat.S_ISDIR(mode):
        yield from _read_folder(path, limits)
    elif stat.S_ISREG(mode):
        # A file named on the command line is read whatever its name; its content says how.
        yield from _read_file(path, _kind(path), limits)
    else:
        yield _failure(path, "not a regular file or folder")


def _suffix(path: str) -> str:
    name = os.path.basename(path).lower().removesuffix(".gz")
    if name.endswith(".json-lines"):
        return ".json-lines"
    return os.path.splitext(name)[1]


def _kind(path: str) -> Kind | None:
    return SUFFIX_KINDS.get(_suffix(path))


def _is_gzip(path: str) -> bool:
    return path.lower().endswith(".gz")


def _read_url(url: str, limits: _Limits) -> Iterator[Article | Failure]:
    """A feed URL (one article per item) or a page URL (one article)."""
    try:
        fetched = fetch(url, policy=limits.fetch)
    except InputError as exc:
        yield _failure(url, exc.reason)
        return
    kind = fetched.content_type
    if looks_like_feed(fetched.data[:_SNIFF_BYTES]) or any(t in kind for t in _FEED_TYPES):
        yield from _feed_articles(fetched.data, url, limits)
    elif kind.startswith(_HTML_TYPES) or _sniff_kind(fetched.data[:_SNIFF_BYTES]) == "html":
        try:
            yield _html_article(fetched.data, url, limits, url=fetched.url)
        except InputError as exc:
            yield _failure(url, exc.reason)
    else:
        yield _failure(url, f"neither a feed nor an HTML page (content type {kind or 'none'})")


def _read_folder(folder: str, limits: _Limits) -> Iterator[Article | Failure]:
    errors: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=errors.append):
        # Sorted, hidden entries (.git, .DS_Store ...) left out: the same folder always gives
        # the same documents in the same order.
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        while errors:
            error = errors.pop(0)
            yield _failure(str(error.filename or root), _os_reason(error))
        for name in sorted(files):
            if name.startswith("."):
                continue
            kind = _kind(name)
            path = os.path.join(root, name)
            if kind == "feed" and _suffix(name) == ".xml" and not _is_feed_file(path):
                continue  # an .xml file that is not a feed is not a document
            if kind is not None:
                yield from _read_file(path, kind, limits)
    for error in errors:  # an unreadable top folder is reported only after the walk
        yield _failure(str(error.filename or folder), _os_reason(error))


def _is_feed_file(path: str) -> bool:
    try:
        with _open(path) as handle:
            return looks_like_feed(handle.read(_SNIFF_BYTES))
    except (OSError, EOFError, zlib.error):
        return True  # read it as a feed, so that the error is reported


def _open(path: str) -> BinaryIO:
    """The file's bytes, decompressed on the fly when its name ends in .gz."""
    if _is_gzip(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _read_file(path: str, kind: Kind | None, limits: _Limits) -> Iterator[Article | Failure]:
    try:
        if kind == "warc":
            # warcio reads .warc and .warc.gz itself (a .warc.gz is gzipped record by record).
            with open(path, "rb") as raw:
                yield from read_warc(
                    raw,
                    path=path,
                    max_chars=limits.max_chars,
                    max_garbage_ratio=limits.max_garbage_ratio,
                    max_seconds=limits.max_seconds,
                )
            return
        with _open(path) as handle:
            head = handle.read(_SNIFF_BYTES)
            if kind is None:
                kind = _sniff_kind(head)
            if b"\x00" in head and not _has_utf16_bom(head):
                yield _failure(path, "binary file, not text")
                return
            if kind == "jsonl":
                lines = _chunk_lines(head, handle, max_len=limits.max_bytes)
                yield from _jsonl_from_bytes(lines, path, limits)
                return
            # Refused before reading: a 20 GB file must not be loaded to be rejected.
            max_bytes = limits.fetch.max_bytes if kind == "feed" else limits.max_bytes
            if not _is_gzip(path) and (size := os.fstat(handle.fileno()).st_size) > max_bytes:
                yield _failure(path, _too_large(size, limits, feed=kind == "feed"))
                return
            data = head + handle.read(max(max_bytes + 1 - len(head), 0))
            if len(data) > max_bytes:
                yield _failure(path, "more than " + _too_large(max_bytes, limits, kind == "feed"))
                return
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        yield _failure(path, f"not a valid gzip file ({exc or 'it ends too early'})")
        return
    except OSError as exc:
        yield _failure(path, _os_reason(exc))
        return
    if kind == "feed":
        yield from _feed_articles(data, path, limits)
        return
    try:
        if kind == "html":
            yield _html_article(data, path, limits)
        else:
            yield _plain_article(data, path, limits)
    except InputError as exc:
        yield _failure(path, exc.reason)


def _feed_articles(data: bytes, source: str, limits: _Limits) -> Iterator[Article | Failure]:
    return read_feed(
        data,
        source=source,
        policy=limits.fetch,
        max_chars=limits.max_chars,
        max_garbage_ratio=limits.max_garbage_ratio,
        max_seconds=limits.max_seconds,
    )


def _html_article(
    data: bytes, document: str, limits: _Limits, *, url: str | None = None
) -> Article:
    content = extract_html(data, document=document, max_seconds=limits.max_seconds)
    return make_article(
        content.text,
        title=content.title,
        published=content.published,
        url=url or content.url,
        outlet=content.outlet,
        author=content.author,
        origin=document,
        max_chars=limits.max_chars,
        max_garbage_ratio=limits.max_garbage_ratio,
        day_first=limits.day_first,
    )


def _sniff_kind(head: bytes) -> Kind:
    start = head.lstrip(codecs.BOM_UTF8).lstrip()[:200].lower()
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<") and (b"<html" in start or b"<!doctype" in start or b"<head" in start):
        return "html"
    if start.startswith(b"<") and looks_like_feed(head):
        return "feed"
    return "plain"


def _too_large(size: int, limits: _Limits, feed: bool = False) -> str:
    if feed:
        return (
            f"{size:,} bytes, too large: over the limit of {limits.fetch.max_bytes:,} bytes "
            "for a feed (settings: fetch.max_bytes)"
        )
    return (
        f"{size:,} bytes, too large: over the limit of {limits.max_chars:,} characters "
        "(settings: limits.max_chars)"
    )


def _has_utf16_bom(data: bytes) -> bool:
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode_text(data: bytes, *, document: str, base_offset: int = 0) -> str:
    """Bytes of a text file as a string: UTF-8 (a BOM is dropped), or UTF-16 with a BOM.

    Raises InputError for binary data (NUL bytes early on) and for bytes that are not UTF-8,
    naming the first bad byte and its offset in the file (``base_offset`` is added, for a
    line of a larger file).
    """
    if _has_utf16_bom(data):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                document, f"not UTF-16 text despite its byte-order mark ({exc.reason})"
            ) from None
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(document, "binary file, not text")
    skip = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[skip:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        raise InputError(
            document,
            f"not UTF-8 text (invalid byte 0x{data[offset]:02x} at offset "
            f"{base_offset + offset}); re-encode the file as UTF-8",
        ) from None


def _plain_article(data: bytes, document: str, limits: _Limits) -> Article:
    return make_article(
        decode_text(data, document=document),
        origin=document,
        max_chars=limits.max_chars,
        max_garbage_ratio=limits.max_garbage_ratio,
        day_first=limits.day_first,
    )


def _jsonl_from_bytes(
    lines: Iterable[bytes | _Overlong], path: str, limits: _Limits
) -> Iterator[Article | Failure]:
    offset = 0
    records = 0
    for number, raw in enumerate(lines, start=1):
        document = f"{path}:{number}"
        if isinstance(raw, _Overlong):
            records += 1
            offset += raw.size
            yield _failure(document, "a line of more than " + _too_large(raw.limit, limits))
            continue
        line_start, offset = offset, offset + len(raw)
        if number == 1 and _has_utf16_bom(raw):
            yield _failure(path, "UTF-16 JSON lines are not supported; re-encode as UTF-8")
            return
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw, line_start = raw[len(codecs.BOM_UTF8) :], line_start + len(codecs.BOM_UTF8)
        if not raw.strip():
            continue
        records += 1
        try:
            if b"\x00" in raw:
                raise InputError(document, "binary data, not a line of JSON text")
            line = decode_text(raw, document=document, base_offset=line_start)
        except InputError as exc:
            yield _failure(document, exc.reason)
            continue
        yield _jsonl_record(line, document, limits)
    if not records:
        yield _failure(path, f"no articles in {path} (no JSON lines, the file is empty)")


def _jsonl_from_text(
    lines: Iterable[str | _Overlong], name: str, limits: _Limits
) -> Iterator[Article | Failure]:
    for number, line in enumerate(lines, start=1):
        if isinstance(line, _Overlong):
            reason = "a line of more than " + _too_large(line.limit, limits)
            yield _failure(f"{name}:{number}", reason)
        elif line.strip():
            yield _jsonl_record(line, f"{name}:{number}", limits)


def _jsonl_record(line: str, document: str, limits: _Limits) -> Article | Failure:
    """One JSON line as an Article: ``text`` required, the metadata fields optional."""
    try:
        record: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        message = exc.msg.removesuffix(" at")  # json's "Invalid control character at"
        return _failure(document, f"invalid JSON ({message} at column {exc.colno})")
    if not isinstance(record, dict):
        return _failure(document, f"not a JSON object but {_json_type(record)}")
    text = record.get("text")
    if text is None:
        return _failure(document, "no 'text' field (each line needs the article's text)")
    if not isinstance(text, str):
        return _failure(document, f"'text' is {_json_type(text)}, not a string")
    if not text.strip():
        return _failure(document, "'text' is empty")
    fields: dict[str, str | None] = {}
    for key in _OPTIONAL_FIELDS:
        value = record.get(key)
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            return _failure(document, f"'{key}' is {_json_type(value)}, not a string")
        fields[key] = None if value is None else str(value)
    try:
        return make_article(
            text,
            id=fields["id"],
            title=fields["title"],
            published=fields["published"],
            url=fields["url"],
            outlet=fields["outlet"],
            author=fields["author"],
            origin=document,
            max_chars=limits.max_chars,
            max_garbage_ratio=limits.max_garbage_ratio,
            day_first=limits.day_first,
        )
    except InputError as exc:
        return _failure(document, exc.reason)


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def _read_stdin(stream: TextIO | BinaryIO, limits: _Limits) -> Iterator[Article | Failure]:
    """Standard input: JSON lines when it starts with "{", else one plain-text article."""
    # The raw bytes when there are any, so that bad bytes are reported like a file's.
    source: Any = stream.buffer if isinstance(stream, io.TextIOWrapper) else stream
    try:
        head = source.read(_SNIFF_BYTES)
    except (OSError, ValueError) as exc:
        yield _failure(STDIN_NAME, f"cannot read standard input: {exc}")
        return
    if isinstance(head, bytes):
        if head.lstrip(codecs.BOM_UTF8).lstrip().startswith(b"{"):
            lines = _chunk_lines(head, source, max_len=limits.max_bytes)
            yield from _jsonl_from_bytes(lines, STDIN_NAME, limits)
            return
        # Never read(-n): that would read everything.
        data = head + source.read(max(limits.max_bytes + 1 - len(head), 0))
        if len(data) > limits.max_bytes:
            yield _failure(STDIN_NAME, "more than " + _too_large(limits.max_bytes, limits))
            return
        try:
            yield _plain_article(data, STDIN_NAME, limits)
        except InputError as exc:
            yield _failure(STDIN_NAME, exc.reason)
        return
    if head.lstrip("\ufeff").lstrip().startswith("{"):
        lines = _chunk_lines(head, source, max_len=limits.max_bytes)
        yield from _jsonl_from_text(lines, STDIN_NAME, limits)
        return
    text = head + source.read(max(limits.max_chars + 1 - len(head), 0))
    try:
        yield make_article(
            text,
            origin=STDIN_NAME,
            max_chars=limits.max_chars,
            max_garbage_ratio=limits.max_garbage_ratio,
            day_first=limits.day_first,
        )
    except InputError as exc:
        yield _failure(STDIN_NAME, exc.reason)


@dataclass(frozen=True, slots=True)
class _Overlong:
    """A line longer than the limit, in place of its text (which was not kept)."""

    size: int
    limit: int


def _chunk_lines(head: Any, source: Any, *, max_len: int | None = None) -> Iterator[Any]:
    """Lines (with their ends) of ``head`` followed by the rest of ``source``, streamed.

    A line longer than ``max_len`` is read through but not kept: an ``_Overlong`` stands in
    for it, so a 50 MB line costs no more memory than a chunk."""
    newline = b"\n" if isinstance(head, bytes) else "\n"
    empty = head[:0]
    # Pieces of the line being read: joined once it ends, so a long line costs linear time.
    parts: list[Any] = []
    size = 0  # of the line being read
    chunk = head
    while chunk:
        pieces = chunk.split(newline)
        for piece in pieces[:-1]:
            size += len(piece) + 1
            if max_len is not None and size > max_len:
                yield _Overlong(size, max_len)
            else:
                parts.append(piece)
                yield empty.join(parts) + newline
            parts, size = [], 0
        if pieces[-1]:
            size += len(pieces[-1])
            if max_len is None or size <= max_len:
                parts.append(pieces[-1])
            else:
                parts = []
        chunk = source.read(_CHUNK)
    if max_len is not None and size > max_len:
        yield _Overlong(size, max_len)
    elif parts:
        yield empty.join(parts)
