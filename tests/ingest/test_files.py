"""read_documents: every kind of input, and every kind of bad input, read without raising."""

from __future__ import annotations

import codecs
import datetime as dt
import io
import json
import os
import socket
import time
from pathlib import Path

import pytest

from eventscope.ingest import read_documents
from eventscope.records import Article, Failure

STORY = (
    "Police in Lagos arrested dozens of protesters on Monday after a march against fuel "
    "prices turned violent, the state government said in a statement."
)
OTHER_STORY = (
    "The defence ministers of Japan and Australia signed an agreement on Friday that allows "
    "their troops to train together on each other's territory."
)
PAGE = """<!DOCTYPE html>
<html><head><title>Ministers sign training pact | Example News</title>
<meta property="og:title" content="Ministers sign training pact">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://example.org/asia/training-pact">
</head><body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ministers sign training pact</h1>
<p>The defence ministers of Japan and Australia signed an agreement on Friday that allows
their troops to train together on each other's territory.</p>
<p>The pact, negotiated over seven years, sets out the legal status of soldiers visiting the
other country and was welcomed by officials in Washington.</p>
<p>China's foreign ministry said the two countries should not form exclusive blocs that
undermine trust in the region.</p>
</article><footer>All rights reserved</footer></body></html>
"""


def _read(*paths: str, **kwargs: object) -> list[Article | Failure]:
    return list(read_documents(list(paths), **kwargs))  # type: ignore[arg-type]


def _only(results: list[Article | Failure]) -> Article | Failure:
    assert len(results) == 1, results
    return results[0]


def test_plain_text_file_is_one_article_without_a_guessed_title(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Lagos protest ends in arrests\n\n" + STORY + "\n", encoding="utf-8")
    article = _only(_read(str(path)))
    assert isinstance(article, Article)
    assert article.title is None
    assert article.origin == str(path)
    assert article.text == "Lagos protest ends in arrests\n\n" + STORY


def test_utf8_bom_is_dropped_and_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(codecs.BOM_UTF8 + STORY.encode())
    (tmp_path / "wide.txt").write_bytes(codecs.BOM_UTF16_LE + STORY.encode("utf-16-le"))
    texts = [r.text for r in _read(str(tmp_path)) if isinstance(r, Article)]
    assert texts == [STORY, STORY]


def test_html_page_gives_main_text_and_metadata(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    article = _only(_read(str(path)))
    assert isinstance(article, Article), article
    assert article.title == "Ministers sign training pact"
    assert article.published == dt.date(2021, 3, 4)
    assert article.author == "Jane Doe"
    assert article.outlet == "Example News"
    assert article.url == "https://example.org/asia/training-pact"
    assert "train together" in article.text
    assert "Home" not in article.text and "All rights reserved" not in article.text


def test_html_is_read_without_any_network_access(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("ingest tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / "page.htm"
    path.write_text(PAGE, encoding="utf-8")
    assert isinstance(_only(_read(str(path))), Article)


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Nothing</title></head><body><script>var a = 1;</script></body>",
        "<<<< >>>> <div <p </html",
        "",
    ],
)
def test_html_without_main_text_is_a_failure_not_a_crash(tmp_path: Path, html: str) -> None:
    path = tmp_path / "broken.html"
    path.write_text(html, encoding="utf-8")
    failure = _only(_read(str(path)))
    assert isinstance(failure, Failure)
    assert failure.stage == "ingest"
    assert failure.reason == "no main text found in the HTML"


def test_unclosed_html_still_gives_its_text(tmp_path: Path) -> None:
    path = tmp_path / "unclosed.html"
    path.write_text(
        "<html><body><div><p>" + STORY + "<p>" + OTHER_STORY + "<div><b>", encoding="utf-8"
    )
    article = _only(_read(str(path)))
    assert isinstance(article, Article) and "Lagos" in article.text


def test_jsonl_bad_lines_are_failures_and_good_lines_after_them_are_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {"id": "s1", "text": STORY, "title": "Arrests in Lagos", "published": "2018-05-31"}
        ),
        "",
        "{not json",
        "[1, 2]",
        json.dumps({"title": "no text here"}),
        json.dumps({"text": "   "}),
        json.dumps({"text": 42}),
        json.dumps({"text": STORY, "published": "yesterday-ish"}),
        json.dumps({"text": STORY, "title": ["a", "list"]}),
        json.dumps({"text": OTHER_STORY, "outlet": "Example Wire", "url": "https://e.org/1"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = _read(str(path))
    good = [r for r in results if isinstance(r, Article)]
    bad = {r.document.rsplit(":", 1)[1]: r.reason for r in results if isinstance(r, Failure)}
    assert [a.id for a in good][0] == "s1"
    assert good[0].title == "Arrests in Lagos" and good[0].published == dt.date(2018, 5, 31)
    assert good[0].origin == f"{path}:1"
    # An unreadable publication date leaves the article undated, with a warning.
    assert good[1].origin == f"{path}:8" and good[1].published is None
    assert good[1].published_text == "yesterday-ish" and "coded undated" in good[1].warnings[0]
    assert good[2].outlet == "Example Wire" and good[2].origin == f"{path}:10"
    assert good[2].id.startswith("a") and len(good[2].id) == 17
    assert bad["3"].startswith("invalid JSON (")
    assert bad["4"] == "not a JSON object but a list"
    assert bad["5"].startswith("no 'text' field")
    assert bad["6"] == "'text' is empty"
    assert bad["7"] == "'text' is a number, not a string"
    assert bad["9"] == "'title' is a list, not a string"
    assert set(bad) == {"3", "4", "5", "6", "7", "9"}  # blank line 2 skipped silently
    assert all(f.document.startswith(f"{path}:") for f in results if isinstance(f, Failure))


def test_jsonl_line_with_bad_bytes_names_its_file_offset(tmp_path: Path) -> None:
    first = json.dumps({"text": STORY}).encode() + b"\n"
    bad = b'{"text": "caf\xe9 owners protested"}\n'
    path = tmp_path / "mixed.json-lines"
    path.write_bytes(first + bad + json.dumps({"text": OTHER_STORY}).encode() + b"\n")
    results = _read(str(path))
    assert [type(r).__name__ for r in results] == ["Article", "Failure", "Article"]
    failure = results[1]
    assert isinstance(failure, Failure) and failure.document == f"{path}:2"
    offset = len(first) + bad.index(b"\xe9")
    assert failure.reason == (
        f"not UTF-8 text (invalid byte 0xe9 at offset {offset}); re-encode the file as UTF-8"
    )


def test_non_utf8_text_file_names_the_byte_and_offset(tmp_path: Path) -> None:
    data = (STORY + " Caf\xe9 owners closed early.").encode("latin-1")
    path = tmp_path / "latin1.txt"
    path.write_bytes(data)
    failure = _only(_read(str(path)))
    offset = data.index(b"\xe9")
    assert isinstance(failure, Failure)
    assert failure.reason == (
        f"not UTF-8 text (invalid byte 0xe9 at offset {offset}); re-encode the file as UTF-8"
    )


def test_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    failure = _only(_read(str(path)))
    assert isinstance(failure, Failure) and failure.reason == "binary file, not text"


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    failure = _only(_read(str(path)))
    assert isinstance(failure, Failure) and failure.reason.startswith("empty text")


def test_dead_path_is_a_failure(tmp_path: Path) -> None:
    missing = str(tmp_path / "gone" / "nothing.txt")
    failure = _only(_read(missing))
    assert failure == Failure(missing, "ingest", "no such file or directory")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(STORY, encoding="utf-8")
    path.chmod(0)
    try:
        failure = _only(_read(str(path)))
    finally:
        path.chmod(0o644)
    assert isinstance(failure, Failure) and failure.reason.startswith("permission denied")


def test_huge_text_file_is_refused_by_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write((STORY + "\n").encode() * (20 * 1024 * 1024 // (len(STORY) + 1) + 1))
    size = path.stat().st_size
    started = time.perf_counter()
    failure = _only(_read(str(path)))
    assert time.perf_counter() - started < 0.5  # not decoded, not language-checked
    assert isinstance(failure, Failure)
    assert failure.reason == (
        f"{size:,} bytes, too large: over the limit of 1,000,000 characters "
        "(settings: limits.max_chars)"
    )


def test_file_within_bytes_but_over_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(STORY * 20, encoding="utf-8")
    failure = _only(_read(str(path), max_chars=1_000))
    assert isinstance(failure, Failure)
    assert failure.reason.endswith("over the limit of 1,000 (settings: limits.max_chars)")


def test_non_english_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fr.txt"
    path.write_text(
        "Le ministre des Affaires étrangères a rencontré mardi son homologue allemand à Paris "
        "pour discuter de la situation en Ukraine et de la coopération européenne, selon un "
        "communiqué publié après la réunion des deux responsables.",
        encoding="utf-8",
    )
    failure = _only(_read(str(path)))
    assert isinstance(failure, Failure) and failure.reason.startswith("not English")


def test_folder_is_walked_in_sorted_order_skipping_hidden_and_other_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "2.txt").write_text(OTHER_STORY, encoding="utf-8")
    (tmp_path / "a" / "1.md").write_text(STORY, encoding="utf-8")
    (tmp_path / "0.text").write_text(STORY + " Again.", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / ".git" / "x.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "notes.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00")
    origins = [r.origin for r in _read(str(tmp_path)) if isinstance(r, Article)]
    assert origins == [
        str(tmp_path / "0.text"),
        str(tmp_path / "a" / "1.md"),
        str(tmp_path / "b" / "2.txt"),
    ]
    assert all(isinstance(r, Article) for r in _read(str(tmp_path)))


def test_a_bad_document_does_not_stop_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text(STORY, encoding="utf-8")
    results = _read(str(tmp_path / "missing.txt"), str(tmp_path / "good.txt"))
    assert [type(r).__name__ for r in results] == ["Failure", "Article"]


def test_stdin_plain_text_bytes_and_text_streams() -> None:
    from_bytes = _only(_read("-", stdin=io.BytesIO(STORY.encode())))
    from_text = _only(_read("-", stdin=io.StringIO(STORY)))
    assert isinstance(from_bytes, Article) and isinstance(from_text, Article)
    assert from_bytes.text == from_text.text == STORY
    assert from_bytes.origin == "<stdin>" and from_bytes.id == from_text.id


def test_stdin_jsonl_is_detected_by_its_first_brace() -> None:
    feed = "\n  " + json.dumps({"id": "x", "text": STORY}) + "\nnot json\n"
    feed += json.dumps({"text": OTHER_STORY}) + "\n"
    for stream in (io.StringIO(feed), io.BytesIO(feed.encode())):
        results = _read("-", stdin=stream)
        assert [type(r).__name__ for r in results] == ["Article", "Failure", "Article"]
        assert results[0].id == "x"  # type: ignore[union-attr]
        assert results[1].document == "<stdin>:3"  # type: ignore[union-attr]


def test_stdin_bad_bytes_and_empty_input_are_failures() -> None:
    bad = _only(_read("-", stdin=io.BytesIO(b"Police caf\xe9 raid")))
    empty = _only(_read("-", stdin=io.BytesIO(b"  \n")))
    assert isinstance(bad, Failure) and "invalid byte 0xe9 at offset 10" in bad.reason
    assert isinstance(empty, Failure) and empty.document == "<stdin>"


def test_stdin_over_the_limit_is_refused_without_reading_it_all() -> None:
    stream = io.BytesIO(b"word " * 2_000)
    failure = _only(_read("-", stdin=stream, max_chars=100))
    assert isinstance(failure, Failure) and "too large" in failure.reason
    assert stream.tell() <= 8192 + 401  # read a little past the limit, not the whole input


def test_permission_error_is_a_failure_even_as_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root ignores file modes, so the refusal is simulated where ingest opens the file.
    path = tmp_path / "locked.txt"
    path.write_text(STORY, encoding="utf-8")

    def locked(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("eventscope.ingest.files.open", locked, raising=False)
    failure = _only(_read(str(path)))
    assert failure == Failure(str(path), "ingest", "permission denied: cannot read it")
