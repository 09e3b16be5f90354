"""Issue 9, item 1: property tests on the readers and the text checks (no model needed).

Whatever bytes a file holds and whatever it is called, ``read_documents`` yields Articles and
Failures, never raises, names each bad document and says why, and goes on to the next path.
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventscope.errors import InputError
from eventscope.ingest import decode_text, extract_html, make_article, read_documents
from eventscope.ingest.feeds import html_to_text, parse_feed
from eventscope.records import Article, Failure

STORY = (
    "Police in Lagos arrested dozens of protesters on Monday after a march against fuel "
    "prices turned violent, the state government said in a statement."
)
SUFFIXES = [
    ".txt", ".md", ".html", ".htm", ".jsonl", ".warc", ".rss", ".xml", ".json-lines",
    ".txt.gz", ".jsonl.gz", ".html.gz", ".warc.gz", ".bin", "",
]  # fmt: skip
FAST = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_names = itertools.count()

# Text that stresses the checks: every script, right-to-left marks and text, control
# characters, NULs, lone surrogates are excluded (a str cannot be written as UTF-8 with one).
hostile_text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("\x00\x01\x07\x1b\x7f\x85\u200f\u202e\u2066\ufeff\ufffd\r\n\t")),
        st.sampled_from(list("مرحبا שלום Привет 你好 नमस्ते ")),
        st.sampled_from(list(string.ascii_letters + " .,")),
    ),
    max_size=400,
)


def _file(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"doc{next(_names)}{suffix}"
    path.write_bytes(data)
    return path


def _check(results: list[Article | Failure], path: str) -> None:
    """Every result names a document of ``path`` and, when it failed, gives a reason."""
    for result in results:
        if isinstance(result, Failure):
            assert result.document.startswith(path), result
            assert result.stage == "ingest" and result.reason.strip(), result
        else:
            assert isinstance(result, Article)
            assert result.origin.startswith(path) and result.text.strip()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@FAST
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_under_any_name_never_raise(folder: Path, data: bytes, suffix: str) -> None:
    path = _file(folder, suffix, data)
    good = _file(folder, ".txt", STORY.encode())
    results = list(read_documents([str(path), str(good)]))
    assert results, "every path gives at least one result"
    # The batch goes on: the good file after the bad one is still read.
    assert isinstance(results[-1], Article) and results[-1].origin == str(good)
    _check(results[:-1], str(path))


@FAST
@given(text=hostile_text, encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le", "latin-1"]))
def test_any_text_in_any_encoding_never_raises(folder: Path, text: str, encoding: str) -> None:
    data = text.encode(encoding, errors="replace")
    for suffix in (".txt", ".html", ".jsonl"):
        path = _file(folder, suffix, data)
        _check(list(read_documents([str(path)])), str(path))


@FAST
@given(text=hostile_text)
def test_make_article_accepts_or_says_why(text: str) -> None:
    try:
        article = make_article(text, origin="doc")
    except InputError as exc:
        assert exc.document == "doc" and exc.reason
    else:
        assert article.text and article.text == article.text.strip()
        assert "\r" not in article.text


@FAST
@given(data=st.binary(max_size=2000))
def test_decode_text_decodes_or_says_why(data: bytes) -> None:
    try:
        assert isinstance(decode_text(data, document="doc"), str)
    except InputError as exc:
        assert exc.document == "doc" and exc.reason


# -- JSON lines ----------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {},
    optional={
        "text": json_values | st.just(STORY),
        "id": json_values,
        "title": json_values,
        "published": json_values | st.sampled_from(["2023-07-14", "yesterday", "2023-13-45"]),
        "url": json_values,
    },
)
lines = st.one_of(
    records.map(json.dumps),
    json_values.map(json.dumps),
    records.map(lambda r: json.dumps(r)[: max(1, len(json.dumps(r)) // 2)]),  # truncated
    hostile_text,
)


@FAST
@given(body=st.lists(lines, max_size=8))
def test_any_json_lines_give_one_result_per_line(folder: Path, body: list[str]) -> None:
    text = "\n".join([json.dumps({"text": STORY, "id": "first"}), *body])
    path = _file(folder, ".jsonl", text.encode("utf-8", errors="replace"))
    results = list(read_documents([str(path)]))
    _check(results, str(path))
    if "\x00" in text[:8192]:
        # A NUL byte near the start marks a binary file: one failure for the whole file
        # (JSON text never holds a raw NUL), rather than one per line of a binary blob.
        assert [(r.document, r.reason) for r in results] == [(str(path), "binary file, not text")]
        return
    assert isinstance(results[0], Article) and results[0].id == "first"
    # One result per non-blank line at most (a line may hold a newline-free record only).
    assert len(results) == sum(1 for line in path.read_bytes().split(b"\n") if line.strip())
    for failure in (r for r in results if isinstance(r, Failure)):
        assert failure.document.rpartition(":")[2].isdigit(), "names the line"


@FAST
@given(data=st.binary(max_size=1500))
def test_stdin_never_raises(data: bytes) -> None:
    results = list(read_documents(["-"], stdin=io.BytesIO(data)))
    _check(results, "<stdin>")


# -- HTML and feeds ------------------------------------------------------------------------

tags = st.sampled_from(["div", "p", "b", "span", "table", "tr", "td", "script", "style", "a"])
fragments = st.recursive(
    hostile_text,
    lambda inner: st.tuples(tags, st.lists(inner, max_size=4), st.booleans()).map(
        lambda t: f"<{t[0]}>{''.join(t[1])}" + (f"</{t[0]}>" if t[2] else "")  # unclosed too
    ),
    max_leaves=20,
)


@FAST
@given(body=fragments)
def test_malformed_html_gives_text_or_a_reason(body: str) -> None:
    try:
        content = extract_html(f"<html><body>{body}</body></html>", document="page")
    except InputError as exc:
        assert exc.document == "page" and exc.reason
    else:
        assert any(char.isalpha() for char in content.text)
    assert isinstance(html_to_text(body), str)


@FAST
@given(items=st.lists(st.tuples(hostile_text, fragments), max_size=4), cut=st.integers(0, 400))
def test_malformed_feeds_give_items_or_a_reason(items: list[tuple[str, str]], cut: int) -> None:
    from xml.sax.saxutils import escape

    body = "".join(
        f"<item><title>{escape(t)}</title><description>{escape(d)}</description></item>"
        for t, d in items
    )
    feed = f"<rss><channel><title>T</title>{body}</channel></rss>".encode()
    for data in (feed, feed[:cut]):
        try:
            parse_feed(data, document="feed")
        except InputError as exc:
            assert exc.document == "feed" and exc.reason


# -- gzip and WARC -------------------------------------------------------------------------


@FAST
@given(cut=st.integers(min_value=0, max_value=400), flip=st.integers(min_value=0, max_value=399))
def test_cut_or_corrupt_gzip_says_so(folder: Path, cut: int, flip: int) -> None:
    data = gzip.compress((json.dumps({"text": STORY}) + "\n").encode() * 3)
    corrupt = bytearray(data)
    corrupt[flip % len(corrupt)] ^= 0xFF
    for blob in (data[:cut], bytes(corrupt)):
        path = _file(folder, ".jsonl.gz", blob)
        _check(list(read_documents([str(path)])), str(path))


WARC_RECORD = (
    "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://example.org/a\r\n"
    "WARC-Date: 2023-07-14T00:00:00Z\r\nContent-Type: application/http; msgtype=response\r\n"
    "Content-Length: {length}\r\n\r\n{http}\r\n\r\n"
)


def _warc(html: str) -> bytes:
    http = f"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{html}"
    return WARC_RECORD.format(length=len(http.encode()), http=http).encode()


@FAST
@given(tail=st.binary(max_size=1500), cut=st.integers(min_value=0, max_value=2000))
def test_warc_garbage_is_reported(folder: Path, tail: bytes, cut: int) -> None:
    page = _warc(f"<html><body><article><p>{STORY}</p></article></body></html>")
    for blob in (b"WARC/1.0\r\n" + tail, page[:cut], page + tail, gzip.compress(page)[:cut]):
        path = _file(folder, ".warc", blob)
        results = list(read_documents([str(path)]))
        _check(results, str(path))


def test_a_warc_record_without_a_type_is_not_silently_skipped(folder: Path) -> None:
    path = _file(folder, ".warc", b"WARC/1.0\r\n\x8f\x02garbage\r\n\r\nmore")
    (failure,) = read_documents([str(path)])
    assert isinstance(failure, Failure) and "not a readable WARC file" in failure.reason
