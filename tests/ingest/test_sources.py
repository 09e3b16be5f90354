"""Input at scale (issue 7): glob patterns, gzip, WARC files, RSS/Atom feeds from files and
from http(s) URLs, and the counting behind the progress bar's ETA."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from eventscope.ingest import count_documents, read_documents
from eventscope.ingest.feeds import html_to_text
from eventscope.ingest.fetch import refusal
from eventscope.records import Article, Failure
from eventscope.settings import Fetch

STORY = (
    "Police in Lagos arrested dozens of protesters on Monday after a march against fuel "
    "prices turned violent, the state government said in a statement."
)
OTHER_STORY = (
    "The defence ministers of Japan and Australia signed an agreement on Friday that allows "
    "their troops to train together on each other's territory."
)
PAGE = f"""<!DOCTYPE html>
<html><head><title>Ministers sign training pact</title>
<meta property="og:site_name" content="Example News">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>Ministers sign training pact</h1>
<p>{OTHER_STORY}</p>
<p>The pact, negotiated over seven years, sets out the legal status of soldiers visiting the
other country and was welcomed by officials in Washington.</p>
</article><footer>All rights reserved</footer></body></html>
"""
RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Example Wire</title><link>https://example.org/</link>
<item><title>Arrests in Lagos</title><link>https://example.org/lagos</link>
<description>&lt;p&gt;{STORY}&lt;/p&gt;</description>
<pubDate>Mon, 04 Jun 2018 10:00:00 GMT</pubDate><guid>lagos-1</guid></item>
<item><title>Training pact</title><link>https://example.org/pact</link>
<description>A short teaser.</description>
<content:encoded><![CDATA[<p>{OTHER_STORY}</p><p>Officials welcomed it.</p>]]></content:encoded>
<pubDate>not a date</pubDate></item>
<item><title>Empty</title><link>https://example.org/empty</link></item>
</channel></rss>
"""
ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Example Atom</title>
<entry><title>Arrests in Lagos</title><id>urn:lagos</id>
<link rel="alternate" href="https://example.org/atom/lagos"/>
<updated>2018-06-04T10:00:00Z</updated>
<summary type="html">&lt;b&gt;Lagos&lt;/b&gt; {STORY}</summary></entry>
<entry><title type="text">Training pact</title><id>urn:pact</id>
<link rel="self" href="https://example.org/self"/><link href="https://example.org/atom/pact"/>
<published>2021-03-05T08:00:00+01:00</published>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>{OTHER_STORY}</p></div></content>
</entry></feed>
"""


def _read(*paths: str, **kwargs: object) -> list[Article | Failure]:
    return list(read_documents(list(paths), **kwargs))  # type: ignore[arg-type]


def _articles(results: list[Article | Failure]) -> list[Article]:
    return [r for r in results if isinstance(r, Article)]


def _failures(results: list[Article | Failure]) -> list[Failure]:
    return [r for r in results if isinstance(r, Failure)]


# -- glob patterns and gzip -------------------------------------------------------------------


def test_glob_pattern_reads_matches_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b", "text": STORY}) + "\n")
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": OTHER_STORY}) + "\n")
    (tmp_path / "c.txt").write_text(STORY)
    results = _read(str(tmp_path / "*.jsonl"))
    assert [a.id for a in _articles(results)] == ["a", "b"]
    missing = _read(str(tmp_path / "nothing-*.jsonl"))
    assert [(f.document, f.reason) for f in _failures(missing)] == [
        (str(tmp_path / "nothing-*.jsonl"), "no file matches this pattern")
    ]


def test_gzipped_text_html_and_jsonl_are_read_like_plain_ones(tmp_path: Path) -> None:
    (tmp_path / "story.txt.gz").write_bytes(gzip.compress(STORY.encode()))
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(PAGE.encode()))
    lines = "".join(json.dumps({"id": f"l{i}", "text": STORY + f" ({i})"}) + "\n" for i in (1, 2))
    (tmp_path / "lines.jsonl.gz").write_bytes(gzip.compress(lines.encode()))
    (tmp_path / "archive.tar.gz").write_bytes(gzip.compress(b"not ours"))  # other: skipped
    results = _read(str(tmp_path))
    assert not _failures(results), results
    articles = _articles(results)
    assert [a.origin for a in articles] == [
        f"{tmp_path / 'lines.jsonl.gz'}:1",
        f"{tmp_path / 'lines.jsonl.gz'}:2",
        str(tmp_path / "page.html.gz"),
        str(tmp_path / "story.txt.gz"),
    ]
    assert articles[2].title == "Ministers sign training pact"
    assert articles[3].text == STORY


def test_broken_gzip_is_a_failure_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "fake.txt.gz").write_bytes(b"this is not gzip at all")
    whole = gzip.compress(("\n".join(json.dumps({"text": STORY}) for _ in range(50))).encode())
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    failures = _failures(_read(str(tmp_path / "fake.txt.gz"), str(tmp_path / "cut.jsonl.gz")))
    assert [f.document for f in failures] == [
        str(tmp_path / "fake.txt.gz"),
        str(tmp_path / "cut.jsonl.gz"),
    ]
    assert all(f.reason.startswith("not a valid gzip file") for f in failures), failures


def test_gzip_bomb_is_refused_by_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"Troops attacked the town. " * 20_000))
    failure = _failures(_read(str(tmp_path / "bomb.txt.gz"), max_chars=10_000))[0]
    assert "too large" in failure.reason and "limits.max_chars" in failure.reason


# -- WARC ------------------------------------------------------------------------------------


def _write_warc(path: Path, *, gzipped: bool) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)

        def response(url: str, status: str, kind: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2021-03-06T12:00:00Z"},
            )
            writer.write_record(record)

        response("https://example.org/pact", "200 OK", "text/html; charset=utf-8", PAGE.encode())
        response("https://example.org/logo.png", "200 OK", "image/png", b"\x89PNG\x00\x00")
        response("https://example.org/gone", "404 Not Found", "text/html", b"<p>gone</p>")
        response("https://example.org/empty", "200 OK", "text/html", b"<html><body></body>")
        story = f"<html><body><article><p>{STORY}</p><p>{STORY}</p></article></body></html>"
        response("https://example.org/lagos", "200 OK", "text/html", story.encode())


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_articles_with_record_url_and_date(
    tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    _write_warc(path, gzipped=name.endswith(".gz"))
    results = _read(str(tmp_path))  # found in a folder by its name
    articles = _articles(results)
    assert [a.url for a in articles] == ["https://example.org/pact", "https://example.org/lagos"]
    assert articles[0].title == "Ministers sign training pact"
    assert "train together" in articles[0].text
    # The page states no date: the record's (the crawl's) date is used.
    assert articles[1].published == dt.date(2021, 3, 6)
    assert articles[1].origin is not None and articles[1].origin.startswith(f"{path}@")
    # The image and the 404 are not articles; the empty page is a bad one.
    failures = _failures(results)
    assert [f.reason for f in failures] == ["no main text found in the HTML"]
    assert failures[0].document.endswith("<https://example.org/empty>")


def test_a_file_that_is_not_a_warc_is_one_failure(tmp_path: Path) -> None:
    path = tmp_path / "bad.warc"
    path.write_text("hello, this is not a WARC file\n" * 3)
    failure = _failures(_read(str(path)))[0]
    assert failure.document == str(path)
    assert failure.reason.startswith("not a WARC file")
    (tmp_path / "bad.warc.gz").write_bytes(gzip.compress(b"<html>hello</html>\n"))
    (failure,) = _read(str(tmp_path / "bad.warc.gz"))
    assert isinstance(failure, Failure) and failure.reason.startswith("not a WARC file")


# -- feeds -------------------------------------------------------------------------------------


def test_rss_items_become_articles_and_an_item_without_text_is_a_failure(tmp_path: Path) -> None:
    path = tmp_path / "wire.rss"
    path.write_text(RSS, encoding="utf-8")
    results = _read(str(path))
    lagos, pact = _articles(results)
    assert lagos.title == "Arrests in Lagos"
    assert lagos.text == "Arrests in Lagos\n\n" + STORY
    assert lagos.published == dt.date(2018, 6, 4)
    assert lagos.url == "https://example.org/lagos" and lagos.outlet == "Example Wire"
    assert lagos.origin == f"{path} <https://example.org/lagos>"
    # content:encoded wins over the teaser; an unreadable date is dropped, not fatal.
    assert pact.text == f"Training pact\n\n{OTHER_STORY}\nOfficials welcomed it."
    assert pact.published is None
    (failure,) = _failures(results)
    assert failure.document == f"{path} <https://example.org/empty>"
    assert failure.reason == "an item with no text (no description or content)"


def test_atom_entries_become_articles(tmp_path: Path) -> None:
    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    lagos, pact = _articles(_read(str(path)))
    assert lagos.text == "Arrests in Lagos\n\nLagos " + STORY
    assert lagos.published == dt.date(2018, 6, 4)
    assert lagos.url == "https://example.org/atom/lagos" and lagos.outlet == "Example Atom"
    assert pact.text == "Training pact\n\n" + OTHER_STORY
    assert pact.url == "https://example.org/atom/pact"
    assert pact.published == dt.date(2021, 3, 5)


def test_xml_in_a_folder_is_read_only_when_it_is_a_feed(tmp_path: Path) -> None:
    (tmp_path / "feed.xml").write_text(RSS, encoding="utf-8")
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset></urlset>')
    results = _read(str(tmp_path))
    assert len(_articles(results)) == 2 and len(_failures(results)) == 1
    # Named explicitly, an .xml that is not a feed is reported.
    failure = _failures(_read(str(tmp_path / "sitemap.xml")))[0]
    assert failure.reason == "not an RSS or Atom feed (its root element is <urlset>)"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("<rss version='2.0'><channel><title>x</title></channel></rss>", "a feed with no items"),
        ("", "not well-formed XML"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', "not"),
    ],
)
def test_bad_feeds_are_failures(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.rss"
    path.write_text(content)
    failure = _failures(_read(str(path)))[0]
    assert failure.document == str(path) and failure.reason.startswith(reason), failure


def test_feed_html_is_flattened_to_lines() -> None:
    markup = "<p>One <b>two</b></p><p>Three<br>four</p><script>x()</script><ul><li>five</li></ul>"
    assert html_to_text(markup) == "One two\nThree\nfour\nfive"
    assert html_to_text("plain   text") == "plain text"


# -- URLs -----------------------------------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A local web server on 127.0.0.1 (a loopback address: only reachable when allowed)."""
    (tmp_path / "wire.rss").write_text(RSS, encoding="utf-8")
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path), **kwargs)  # type: ignore[arg-type]

        def do_GET(self) -> None:
            if self.path == "/to-file":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
                return
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


ALLOW_LOCAL = Fetch(allow_private=True, timeout=10)


def test_feed_url_is_fetched_when_the_address_is_allowed(server: str) -> None:
    results = _read(f"{server}/wire.rss", fetch=ALLOW_LOCAL)
    assert [a.title for a in _articles(results)] == ["Arrests in Lagos", "Training pact"]
    assert _articles(results)[0].origin == f"{server}/wire.rss <https://example.org/lagos>"


def test_page_url_is_one_article(server: str) -> None:
    (article,) = _articles(_read(f"{server}/page.html", fetch=ALLOW_LOCAL))
    assert article.title == "Ministers sign training pact"
    assert article.url == f"{server}/page.html"


def test_loopback_is_refused_by_default(server: str) -> None:
    (failure,) = _read(f"{server}/wire.rss")
    assert isinstance(failure, Failure)
    assert failure.document == f"{server}/wire.rss"
    assert failure.reason.startswith("refused: 127.0.0.1 is a loopback address")


def test_feed_links_are_followed_only_when_asked(server: str, tmp_path: Path) -> None:
    linked = RSS.replace("https://example.org/lagos", f"{server}/page.html").replace(
        "https://example.org/", f"{server}/missing/"
    )
    (tmp_path / "linked.rss").write_text(linked, encoding="utf-8")
    policy = Fetch(allow_private=True, timeout=10, follow_links=True)
    results = _read(f"{server}/linked.rss", fetch=policy)
    (page,) = _articles(results)
    assert page.title == "Ministers sign training pact" and page.url == f"{server}/page.html"
    # The other items link to pages that are not there: each is a failure naming its link.
    assert [f.reason for f in _failures(results)] == ["HTTP error 404 (File not found)"] * 2


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "file:// is not fetched; only http and https URLs are"),
        ("ftp://example.org/feed.rss", "ftp:// is not fetched; only http and https URLs are"),
    ],
)
def test_other_schemes_are_refused(url: str, reason: str) -> None:
    (failure,) = _read(url)
    assert isinstance(failure, Failure) and failure.reason == reason


def test_redirect_to_a_file_url_and_oversized_and_unknown_responses(server: str) -> None:
    (redirected,) = _read(f"{server}/to-file", fetch=ALLOW_LOCAL)
    assert isinstance(redirected, Failure)
    assert "file:///etc/passwd" in redirected.reason and "not allowed" in redirected.reason
    (big,) = _read(f"{server}/wire.rss", fetch=Fetch(allow_private=True, max_bytes=100))
    assert isinstance(big, Failure) and "fetch.max_bytes" in big.reason
    (image,) = _read(f"{server}/logo.png", fetch=ALLOW_LOCAL)
    assert isinstance(image, Failure) and image.reason.startswith("neither a feed nor")
    (missing,) = _read(f"{server}/absent.rss", fetch=ALLOW_LOCAL)
    assert isinstance(missing, Failure) and missing.reason.startswith("HTTP error 404")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.1", "private"),
        ("169.254.169.254", "private"),  # cloud metadata: private and link-local
        ("::ffff:127.0.0.1", "loopback"),
        ("0.0.0.0", "private"),
    ],
)
def test_address_refusals(address: str, kind: str) -> None:
    why = refusal(address)
    assert why is not None and f"{kind} address" in why
    assert refusal("93.184.216.34") is None


# -- counting, for the progress bar ---------------------------------------------------------


def test_count_documents_is_known_for_files_and_lines_only(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY)
    (tmp_path / "b.jsonl").write_text(json.dumps({"text": STORY}) + "\n\n" + "{}\n")
    (tmp_path / ".hidden.txt").write_text(STORY)
    (tmp_path / "c.png").write_bytes(b"\x89PNG")
    assert count_documents([str(tmp_path)]) == 3
    assert count_documents([str(tmp_path / "*.txt"), str(tmp_path / "absent.txt")]) == 2
    (tmp_path / "d.rss").write_text(RSS)
    assert count_documents([str(tmp_path)]) is None
    assert count_documents(["-"]) is None
    assert count_documents(["https://example.org/feed.rss"]) is None
